//! What `build()` refuses, and what it sets, for both policies.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]
use std::sync::Arc;
use std::time::Duration;

use iot_comm::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use iot_comm::{
    CertificateProblem, ClientPolicy, Error, PemItem, PemProblem, PolicyProblem, Profile,
    ServerPolicy,
};
use iot_testkit::pki::*;
use rustls::client::Resumption;
use rustls::time_provider::TimeProvider;

fn server_with(profile: Profile, leaf: &IssuedCert) -> Result<Arc<rustls::ServerConfig>, Error> {
    ServerPolicy::new(profile)
        .identity(leaf.chain().to_vec(), leaf.key())
        .build()
}

#[test]
fn server_refuses_an_expired_certificate() {
    let ca = TestPki::named("ca");
    let mut spec = LeafSpec::server("localhost");
    spec.not_before = unix_now() - 100 * DAY;
    spec.not_after = unix_now() - DAY;
    assert_eq!(
        server_with(Profile::Modern, &ca.leaf(&spec)).unwrap_err(),
        Error::LocalCertificate(CertificateProblem::Expired)
    );
}

#[test]
fn server_refuses_a_certificate_not_yet_valid() {
    let ca = TestPki::named("ca");
    let mut spec = LeafSpec::server("localhost");
    spec.not_before = unix_now() + DAY;
    spec.not_after = unix_now() + 10 * DAY;
    assert_eq!(
        server_with(Profile::Modern, &ca.leaf(&spec)).unwrap_err(),
        Error::LocalCertificate(CertificateProblem::NotYetValid)
    );
}

#[test]
fn server_refuses_a_certificate_without_subject_alt_name() {
    let ca = TestPki::named("ca");
    let mut spec = LeafSpec::server("localhost");
    spec.sans.clear(); // the host name only in the common name
    assert_eq!(
        server_with(Profile::Modern, &ca.leaf(&spec)).unwrap_err(),
        Error::LocalCertificate(CertificateProblem::NoSubjectAltName)
    );
}

#[test]
fn key_types_follow_the_profile() {
    let ca = TestPki::named("ca");
    let leaf_with = |key| {
        let mut spec = LeafSpec::server("localhost");
        spec.key = key;
        ca.leaf(&spec)
    };
    let p256 = leaf_with(KeySpec::Generate(&rcgen::PKCS_ECDSA_P256_SHA256));
    let p384 = leaf_with(KeySpec::Generate(&rcgen::PKCS_ECDSA_P384_SHA384));
    let ed25519 = leaf_with(KeySpec::Generate(&rcgen::PKCS_ED25519));
    let rsa2048 = leaf_with(KeySpec::Rsa2048);
    let rsa1024 = leaf_with(KeySpec::Rsa1024);
    for profile in [Profile::Modern, Profile::Intermediate] {
        for ok in [&p256, &p384, &ed25519] {
            server_with(profile, ok).unwrap();
        }
        assert_eq!(
            server_with(profile, &rsa1024).unwrap_err(),
            Error::LocalCertificate(CertificateProblem::KeyNotAllowed)
        );
    }
    assert_eq!(
        server_with(Profile::Modern, &rsa2048).unwrap_err(),
        Error::LocalCertificate(CertificateProblem::KeyNotAllowed)
    );
    server_with(Profile::Intermediate, &rsa2048).unwrap();
}

#[test]
fn client_identity_follows_the_same_key_rules() {
    let ca = TestPki::named("ca");
    let mut spec = LeafSpec::client("device-1");
    spec.key = KeySpec::Rsa2048;
    let device = ca.leaf(&spec);
    let policy = |profile| {
        ClientPolicy::new(profile)
            .trust(ca.root_store())
            .client_identity(device.chain().to_vec(), device.key())
    };
    assert_eq!(
        policy(Profile::Modern).build().unwrap_err(),
        Error::LocalCertificate(CertificateProblem::KeyNotAllowed)
    );
    policy(Profile::Intermediate).build().unwrap();
    // A device certificate needs no SAN (the device id sits in the subject).
    let plain = ca.client("device-2");
    ClientPolicy::new(Profile::Modern)
        .trust(ca.root_store())
        .client_identity(plain.chain().to_vec(), plain.key())
        .build()
        .unwrap();
}

#[test]
fn a_key_that_does_not_match_the_certificate_is_refused() {
    let ca = TestPki::named("ca");
    let a = ca.server("localhost");
    let b = ca.server("localhost");
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .identity(a.chain().to_vec(), b.key())
            .build()
            .unwrap_err(),
        Error::KeyMismatch
    );
    assert_eq!(
        ClientPolicy::new(Profile::Modern)
            .trust(ca.root_store())
            .client_identity(a.chain().to_vec(), b.key())
            .build()
            .unwrap_err(),
        Error::KeyMismatch
    );
}

#[test]
fn an_unreadable_private_key_is_refused() {
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    let garbage = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(vec![0x30, 0x03, 1, 2, 3]));
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .identity(leaf.chain().to_vec(), garbage)
            .build()
            .unwrap_err(),
        Error::InvalidPrivateKey
    );
}

#[test]
fn malformed_certificate_der_is_refused() {
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    let mut der = leaf.chain()[0].to_vec();
    der.truncate(der.len() / 2);
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .identity(vec![der.into()], leaf.key())
            .build()
            .unwrap_err(),
        Error::LocalCertificate(CertificateProblem::Malformed)
    );
}

#[test]
fn malformed_pem_is_refused_with_a_typed_error() {
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    let mangled = leaf.cert_pem().replacen('M', "!", 1);
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .identity_pem(mangled.as_bytes(), leaf.key_pem().as_bytes())
            .unwrap_err(),
        Error::Pem {
            item: PemItem::CertificateChain,
            problem: PemProblem::Malformed
        }
    );
    assert_eq!(
        ClientPolicy::new(Profile::Modern)
            .trust_pem(b"no pem here")
            .unwrap_err(),
        Error::Pem {
            item: PemItem::TrustAnchors,
            problem: PemProblem::NotFound
        }
    );
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .identity_pem(leaf.cert_pem().as_bytes(), leaf.cert_pem().as_bytes())
            .unwrap_err(),
        Error::Pem {
            item: PemItem::PrivateKey,
            problem: PemProblem::NotFound
        }
    );
}

#[test]
fn errors_do_not_echo_the_input() {
    let ca = TestPki::named("ca");
    // Not base64: refused while loading.
    let bad_base64 =
        "-----BEGIN PRIVATE KEY-----\nTOPSECRET!TOPSECRET\n-----END PRIVATE KEY-----\n";
    let load_err = ServerPolicy::new(Profile::Modern)
        .identity_pem(ca.ca_cert_pem().as_bytes(), bad_base64.as_bytes())
        .unwrap_err();
    // Valid base64 but no key: refused at build().
    let not_a_key = "-----BEGIN PRIVATE KEY-----\nTOPSECRETTOPSECRET\n-----END PRIVATE KEY-----\n";
    let build_err = ServerPolicy::new(Profile::Modern)
        .identity_pem(ca.ca_cert_pem().as_bytes(), not_a_key.as_bytes())
        .unwrap()
        .build()
        .unwrap_err();
    for err in [load_err, build_err] {
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains("TOPSECRET"), "{shown}");
        }
    }
    // Debug of a policy never shows key material.
    let leaf = ca.server("localhost");
    let policy = ServerPolicy::new(Profile::Modern)
        .identity_pem(leaf.cert_pem().as_bytes(), leaf.key_pem().as_bytes())
        .unwrap();
    let debug = format!("{policy:?}");
    assert!(debug.contains("key: [REDACTED]"), "{debug}");
    let body: String = leaf
        .key_pem()
        .lines()
        .nth(1)
        .unwrap()
        .chars()
        .take(16)
        .collect();
    assert!(!debug.contains(&body), "{debug}");
}

#[test]
fn trust_anchors_are_mandatory() {
    assert_eq!(
        ClientPolicy::new(Profile::Modern).build().unwrap_err(),
        Error::EmptyTrustStore
    );
    assert_eq!(
        ClientPolicy::new(Profile::Modern)
            .trust(rustls::RootCertStore::empty())
            .build()
            .unwrap_err(),
        Error::EmptyTrustStore
    );
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .identity(leaf.chain().to_vec(), leaf.key())
            .require_client_auth(rustls::RootCertStore::empty())
            .build()
            .unwrap_err(),
        Error::EmptyTrustStore
    );
    assert_eq!(
        ServerPolicy::new(Profile::Modern).build().unwrap_err(),
        Error::MissingIdentity
    );
}

#[test]
fn a_non_ca_garbage_trust_anchor_is_refused() {
    let pem = "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n";
    assert_eq!(
        ClientPolicy::new(Profile::Modern)
            .trust_pem(pem.as_bytes())
            .unwrap_err(),
        Error::InvalidTrustAnchor
    );
}

#[test]
fn pin_only_mode_needs_pins_and_no_anchors() {
    assert_eq!(
        ClientPolicy::new(Profile::Modern)
            .dangerous_pin_only()
            .build()
            .unwrap_err(),
        Error::Policy(PolicyProblem::PinOnlyWithoutPins)
    );
    let ca = TestPki::named("ca");
    assert_eq!(
        ClientPolicy::new(Profile::Modern)
            .trust(ca.root_store())
            .pin_spki_sha256([7; 32])
            .dangerous_pin_only()
            .build()
            .unwrap_err(),
        Error::Policy(PolicyProblem::PinOnlyWithTrustAnchors)
    );
}

#[test]
fn pins_and_alpn_are_bounded() {
    let ca = TestPki::named("ca");
    let mut policy = ClientPolicy::new(Profile::Modern).trust(ca.root_store());
    for i in 0..=ClientPolicy::MAX_PINS {
        policy = policy.pin_spki_sha256([u8::try_from(i).unwrap(); 32]);
    }
    assert_eq!(
        policy.build().unwrap_err(),
        Error::Policy(PolicyProblem::TooManyPins)
    );
    // The same pin twice counts once.
    ClientPolicy::new(Profile::Modern)
        .trust(ca.root_store())
        .pin_spki_sha256([1; 32])
        .pin_spki_sha256([1; 32])
        .build()
        .unwrap();
    for bad in [&[&b""[..]][..], &[&[b'a'; 256][..]][..]] {
        assert_eq!(
            ClientPolicy::new(Profile::Modern)
                .trust(ca.root_store())
                .alpn(bad)
                .build()
                .unwrap_err(),
            Error::Policy(PolicyProblem::InvalidAlpn)
        );
    }
}

#[test]
fn an_oversized_session_cache_is_clamped() {
    let ca = TestPki::named("ca");
    let policy = ClientPolicy::new(Profile::Modern)
        .trust(ca.root_store())
        .session_cache(usize::MAX);
    policy.build().unwrap();
    assert!(
        policy.report().session_resumption.starts_with(&format!(
            "in-memory cache of at most {} servers",
            ClientPolicy::MAX_SESSION_CACHE
        )),
        "{}",
        policy.report().session_resumption
    );
}

#[derive(Debug)]
struct Fixed(u64);
impl TimeProvider for Fixed {
    fn current_time(&self) -> Option<UnixTime> {
        Some(UnixTime::since_unix_epoch(Duration::from_secs(self.0)))
    }
}

#[test]
fn building_with_a_clock_before_the_floor_is_refused() {
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .identity(leaf.chain().to_vec(), leaf.key())
            .time_provider(Arc::new(Fixed(1_000)))
            .build()
            .unwrap_err(),
        Error::ClockBeforeFloor
    );
}

#[test]
fn client_config_has_the_secure_settings() {
    let ca = TestPki::named("ca");
    for profile in [Profile::Modern, Profile::Intermediate] {
        let config = ClientPolicy::new(profile)
            .trust(ca.root_store())
            .build()
            .unwrap();
        assert!(!config.enable_early_data);
        assert!(!config.enable_secret_extraction);
        assert!(config.require_ems);
        assert!(!config.key_log.will_log("CLIENT_RANDOM"));
        assert!(config.cert_decompressors.is_empty());
        // Same number of suites as the profile report, and none outside it.
        let report = ClientPolicy::new(profile).report();
        assert_eq!(
            config.crypto_provider().cipher_suites.len(),
            report.cipher_suites.len()
        );
        assert!(
            !config.fips(),
            "ring is not a FIPS module; the report never claims FIPS"
        );
    }
    // Resumption: bounded cache by default, off on request.
    let off = ClientPolicy::new(Profile::Modern)
        .trust(ca.root_store())
        .session_cache(0)
        .build()
        .unwrap();
    assert_eq!(
        format!("{:?}", off.resumption),
        format!("{:?}", Resumption::disabled())
    );
}

#[test]
fn server_config_has_the_secure_settings() {
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    for profile in [Profile::Modern, Profile::Intermediate] {
        let config = server_with(profile, &leaf).unwrap();
        assert_eq!(config.max_early_data_size, 0);
        assert!(!config.send_half_rtt_data);
        assert!(!config.enable_secret_extraction);
        assert!(config.require_ems);
        assert!(!config.ignore_client_order);
        assert_eq!(config.send_tls13_tickets, 0, "no tickets unless asked for");
        assert!(!config.ticketer.enabled());
        assert!(!config.key_log.will_log("CLIENT_RANDOM"));
        assert!(config.cert_compressors.is_empty());
    }
    let with_tickets = ServerPolicy::new(Profile::Modern)
        .identity(leaf.chain().to_vec(), leaf.key())
        .enable_session_tickets()
        .build()
        .unwrap();
    assert!(with_tickets.ticketer.enabled());
    assert_eq!(with_tickets.send_tls13_tickets, 2);
}

#[test]
fn policies_build_again_and_again() {
    // build(&self): the same policy yields independent configs, and the
    // report can be taken before or after.
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    let policy = ServerPolicy::new(Profile::Modern).identity(leaf.chain().to_vec(), leaf.key());
    let a = policy.build().unwrap();
    let b = policy.build().unwrap();
    assert!(!Arc::ptr_eq(&a, &b));
    assert!(policy.report().identity.is_some());
}

/// A root, an intermediate valid from `from` to `to` (Unix seconds), and a
/// server certificate for `localhost` it issued: (chain, key, root PEM).
fn chain_with_intermediate_valid(
    from: u64,
    to: u64,
) -> (
    Vec<iot_comm::pki_types::CertificateDer<'static>>,
    PrivateKeyDer<'static>,
    String,
) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let epoch = rcgen::date_time_ymd(1970, 1, 1);
    let ca_params = |from: u64, to: u64| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.not_before = epoch + Duration::from_secs(from);
        p.not_after = epoch + Duration::from_secs(to);
        p
    };
    let now = unix_now();
    let root_key = KeyPair::generate().unwrap();
    let root_params = ca_params(now - DAY, now + 365 * DAY);
    let root = root_params.self_signed(&root_key).unwrap();
    let root_issuer = Issuer::new(root_params, root_key);
    let int_key = KeyPair::generate().unwrap();
    let int_params = ca_params(from, to);
    let int = int_params.signed_by(&int_key, &root_issuer).unwrap();
    let int_issuer = Issuer::new(int_params, int_key);
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf_params = CertificateParams::new(vec!["localhost".into()]).unwrap();
    leaf_params.not_before = epoch + Duration::from_secs(now - DAY);
    leaf_params.not_after = epoch + Duration::from_secs(now + 30 * DAY);
    let leaf = leaf_params.signed_by(&leaf_key, &int_issuer).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    (vec![leaf.der().clone(), int.der().clone()], key, root.pem())
}

/// T5: our own chain is checked whole at `build()`: an expired or not yet
/// valid intermediate is refused (for a server and a client identity), a
/// valid one is accepted.
#[test]
fn an_identity_with_an_expired_or_not_yet_valid_intermediate_is_refused() {
    let now = unix_now();
    let (chain, key, _) = chain_with_intermediate_valid(now - 100 * DAY, now - DAY);
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .identity(chain, key)
            .build()
            .unwrap_err(),
        Error::LocalCertificate(CertificateProblem::Expired)
    );
    let (chain, key, root_pem) = chain_with_intermediate_valid(now + DAY, now + 100 * DAY);
    assert_eq!(
        ClientPolicy::new(Profile::Modern)
            .trust_pem(root_pem.as_bytes())
            .unwrap()
            .client_identity(chain, key)
            .build()
            .unwrap_err(),
        Error::LocalCertificate(CertificateProblem::NotYetValid)
    );
    let (chain, key, _) = chain_with_intermediate_valid(now - DAY, now + 100 * DAY);
    ServerPolicy::new(Profile::Modern)
        .identity(chain, key)
        .build()
        .unwrap();
}

/// A clock that cannot be read (a device without a real-time clock before
/// it learnt the time).
#[derive(Debug)]
struct NoClock;
impl TimeProvider for NoClock {
    fn current_time(&self) -> Option<UnixTime> {
        None
    }
}

/// T5: a clock floor that cannot be a real time (after 2100-01-01, here
/// milliseconds passed as seconds) is refused at `build()` by both
/// policies, without reading the clock: a client that cannot read its clock
/// builds with a floor years ahead, and 2100-01-01 itself is accepted.
#[test]
fn a_clock_floor_after_2100_is_refused_without_reading_the_clock() {
    let ca = TestPki::named("ca");
    let millis = UnixTime::since_unix_epoch(Duration::from_secs(1_767_225_600_000));
    let year_2100 = UnixTime::since_unix_epoch(Duration::from_secs(4_102_444_800));
    let client = |floor| {
        ClientPolicy::new(Profile::Modern)
            .trust(ca.root_store())
            .time_provider(Arc::new(NoClock))
            .clock_floor(floor)
            .build()
    };
    assert_eq!(
        client(millis).unwrap_err(),
        Error::Policy(PolicyProblem::ClockFloorOutOfRange)
    );
    client(year_2100).unwrap();
    let after = UnixTime::since_unix_epoch(Duration::from_secs(4_102_444_801));
    assert_eq!(
        client(after).unwrap_err(),
        Error::Policy(PolicyProblem::ClockFloorOutOfRange)
    );
    let leaf = ca.server("localhost");
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .identity(leaf.chain().to_vec(), leaf.key())
            .time_provider(Arc::new(NoClock))
            .clock_floor(millis)
            .build()
            .unwrap_err(),
        Error::Policy(PolicyProblem::ClockFloorOutOfRange)
    );
}

/// T2: session tickets together with required client certificates are
/// refused at `build()`: a resumed session would carry a device certificate
/// that has expired since, or pass while the server's clock is below the
/// floor (the review's probe showed both resuming).
#[test]
fn session_tickets_with_required_client_certificates_are_refused() {
    let ca = TestPki::named("ca");
    let devices = TestPki::named("device ca");
    let leaf = ca.server("broker.local");
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .identity(leaf.chain().to_vec(), leaf.key())
            .require_client_auth(devices.root_store())
            .enable_session_tickets()
            .build()
            .unwrap_err(),
        Error::Policy(PolicyProblem::TicketsWithClientAuth)
    );
}
