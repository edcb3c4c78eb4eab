//! `report()` says what a handshake can actually negotiate: every suite,
//! group and version it lists is negotiable against a plain rustls peer
//! that offers only that one thing, and nothing it omits is.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod common;

use std::sync::Arc;

use common::*;
use iot_comm::{ClientAuthentication, ClientPolicy, PolicyReport, Profile, ServerPolicy, connect};
use iot_testkit::pki::*;
use rustls::SupportedCipherSuite;
use rustls::crypto::ring::{ALL_CIPHER_SUITES, default_provider};
use rustls::crypto::{CryptoProvider, SupportedKxGroup};

/// IANA name as our report writes it (a suite rustls cannot name shows as
/// its `Debug` form, which no report lists, so a comparison fails loudly).
fn iana(suite: SupportedCipherSuite) -> String {
    let id = suite.suite();
    id.as_str()
        .map_or_else(|| format!("{id:?}"), |name| name.replace("TLS13_", "TLS_"))
}

fn iana_group(group: &dyn SupportedKxGroup) -> String {
    match group.name() {
        rustls::NamedGroup::X25519 => "x25519".into(),
        other => other
            .as_str()
            .map_or_else(|| format!("{other:?}"), str::to_owned),
    }
}

/// Version, suite and group of a finished handshake, as the report names
/// them ("none" for anything missing, which no report lists).
fn negotiated<D: rustls::SideData>(conn: &rustls::ConnectionCommon<D>) -> (String, String, String) {
    (
        conn.protocol_version()
            .map_or_else(|| "none".into(), iot_comm_version),
        conn.negotiated_cipher_suite()
            .map_or_else(|| "none".into(), iana),
        conn.negotiated_key_exchange_group()
            .map_or_else(|| "none".into(), iana_group),
    )
}

fn only_suite(suite: SupportedCipherSuite) -> CryptoProvider {
    CryptoProvider {
        cipher_suites: vec![suite],
        ..default_provider()
    }
}

fn only_group(group: &'static dyn SupportedKxGroup) -> CryptoProvider {
    CryptoProvider {
        kx_groups: vec![group],
        ..default_provider()
    }
}

fn version_of(suite: SupportedCipherSuite) -> &'static rustls::SupportedProtocolVersion {
    suite.version()
}

struct Pki {
    ca: TestPki,
    ecdsa: IssuedCert,
    rsa: IssuedCert,
}

fn pki() -> Pki {
    let ca = TestPki::named("ca");
    let mut spec = LeafSpec::server("localhost");
    spec.key = KeySpec::Rsa2048;
    Pki {
        ecdsa: ca.server("localhost"),
        rsa: ca.leaf(&spec),
        ca,
    }
}

/// Our server (for `profile`, with the given leaf) against a plain rustls
/// client limited by `provider`: which suite and group were negotiated?
fn against_our_server(
    profile: Profile,
    leaf: &IssuedCert,
    ca: &TestPki,
    provider: CryptoProvider,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Option<(String, String, String)> {
    let server = ServerPolicy::new(profile)
        .identity(leaf.chain().to_vec(), leaf.key())
        .build()
        .ok()?;
    let (addr, handle) = serve_with_accept(server, 1);
    let client = raw_client_with(ca, versions, provider);
    let result = connect(addr, "localhost", client, timeouts())
        .ok()
        .map(|tls| negotiated(&tls.conn));
    assert!(handle.join().is_ok(), "the server thread panicked");
    result
}

fn iot_comm_version(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        other => format!("{other:?}"),
    }
}

/// Our client (for `profile`) against a plain rustls server limited by
/// `provider`.
fn against_our_client(
    profile: Profile,
    leaf: &IssuedCert,
    ca: &TestPki,
    provider: CryptoProvider,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Option<(String, String, String)> {
    let server = raw_server_with(leaf, versions, provider);
    let (addr, handle) = serve_with_accept(server, 1);
    let client = ClientPolicy::new(profile)
        .trust_pem(ca.ca_cert_pem().as_bytes())
        .and_then(|policy| policy.build());
    assert!(client.is_ok(), "{client:?}");
    let result = connect(addr, "localhost", client.ok()?, timeouts())
        .ok()
        .map(|tls| negotiated(&tls.conn));
    assert!(handle.join().is_ok(), "the server thread panicked");
    result
}

fn check_suites(report: &PolicyReport, negotiate: impl Fn(SupportedCipherSuite) -> Option<String>) {
    let mut negotiated = Vec::new();
    for &suite in ALL_CIPHER_SUITES {
        let name = iana(suite);
        let listed = report.cipher_suites.contains(&name.as_str());
        let got = negotiate(suite);
        assert_eq!(
            got.is_some(),
            listed,
            "{} {}: suite {name} listed={listed} negotiated={got:?}",
            report.side,
            report.profile
        );
        if let Some(got) = got {
            assert_eq!(got, name);
            negotiated.push(name);
        }
    }
    assert_eq!(negotiated.len(), report.cipher_suites.len());
}

#[test]
fn server_report_lists_exactly_the_negotiable_suites() {
    let pki = pki();
    for profile in [Profile::Modern, Profile::Intermediate] {
        let report = ServerPolicy::new(profile)
            .identity(pki.ecdsa.chain().to_vec(), pki.ecdsa.key())
            .report();
        check_suites(&report, |suite| {
            let versions = [version_of(suite)];
            // ECDHE_RSA suites need an RSA certificate; Modern refuses one.
            against_our_server(profile, &pki.ecdsa, &pki.ca, only_suite(suite), &versions)
                .or_else(|| {
                    against_our_server(profile, &pki.rsa, &pki.ca, only_suite(suite), &versions)
                })
                .map(|(version, suite, _)| {
                    assert!(report.protocol_versions.contains(&version.as_str()));
                    suite
                })
        });
    }
}

#[test]
fn client_report_lists_exactly_the_negotiable_suites() {
    let pki = pki();
    for profile in [Profile::Modern, Profile::Intermediate] {
        let report = ClientPolicy::new(profile).report();
        check_suites(&report, |suite| {
            let versions = [version_of(suite)];
            against_our_client(profile, &pki.ecdsa, &pki.ca, only_suite(suite), &versions)
                .or_else(|| {
                    against_our_client(profile, &pki.rsa, &pki.ca, only_suite(suite), &versions)
                })
                .map(|(version, suite, _)| {
                    assert!(report.protocol_versions.contains(&version.as_str()));
                    suite
                })
        });
    }
}

#[test]
fn every_listed_group_is_negotiated_when_it_is_the_only_offer() {
    let pki = pki();
    for profile in [Profile::Modern, Profile::Intermediate] {
        let server_report = ServerPolicy::new(profile).report();
        let client_report = ClientPolicy::new(profile).report();
        for &group in default_provider().kx_groups.iter() {
            let name = iana_group(group);
            let tls13 = [&rustls::version::TLS13];
            let via_server =
                against_our_server(profile, &pki.ecdsa, &pki.ca, only_group(group), &tls13);
            let via_client =
                against_our_client(profile, &pki.ecdsa, &pki.ca, only_group(group), &tls13);
            assert_eq!(
                via_server.map(|(_, _, g)| g).as_deref(),
                server_report
                    .key_exchange_groups
                    .contains(&name.as_str())
                    .then_some(name.as_str())
            );
            assert_eq!(
                via_client.map(|(_, _, g)| g).as_deref(),
                client_report
                    .key_exchange_groups
                    .contains(&name.as_str())
                    .then_some(name.as_str())
            );
        }
    }
}

#[test]
fn peer_key_types_follow_the_listed_signature_schemes() {
    // A server with an RSA certificate (served by plain rustls): the Modern
    // report lists no rsa_* scheme and the handshake fails; the
    // Intermediate report lists them and it succeeds.
    let pki = pki();
    for profile in [Profile::Modern, Profile::Intermediate] {
        let report = ClientPolicy::new(profile).report();
        let lists_rsa = report
            .signature_schemes
            .iter()
            .any(|s| s.starts_with("rsa_"));
        let got = against_our_client(
            profile,
            &pki.rsa,
            &pki.ca,
            default_provider(),
            &[&rustls::version::TLS13],
        );
        assert_eq!(got.is_some(), lists_rsa, "{profile}: {got:?}");
    }
}

#[test]
fn report_matches_a_real_handshake_end_to_end() {
    let pki = pki();
    let devices = TestPki::named("device ca");
    let device = devices.client("device-7");
    let server_policy = ServerPolicy::new(Profile::Modern)
        .identity(pki.ecdsa.chain().to_vec(), pki.ecdsa.key())
        .require_client_auth(devices.root_store())
        .alpn(&[b"mqtt"]);
    let pin = iot_comm::spki_sha256(&pki.ecdsa.chain()[0]).unwrap();
    let client_policy = ClientPolicy::new(Profile::Modern)
        .trust_pem(pki.ca.ca_cert_pem().as_bytes())
        .unwrap()
        .pin_spki_sha256(pin)
        .client_identity(device.chain().to_vec(), device.key())
        .alpn(&[b"mqtt"]);
    let (s, c) = (server_policy.report(), client_policy.report());

    let (addr, handle) = serve_with_accept(server_policy.build().unwrap(), 1);
    let mut tls = connect(
        addr,
        "localhost",
        client_policy.build().unwrap(),
        timeouts(),
    )
    .unwrap();
    echo(&mut tls, b"hi").unwrap();
    let saw = handle.join().unwrap().remove(0).result.unwrap();

    let version = iot_comm_version(tls.conn.protocol_version().unwrap());
    let suite = iana(tls.conn.negotiated_cipher_suite().unwrap());
    let group = iana_group(tls.conn.negotiated_key_exchange_group().unwrap());
    for r in [&s, &c] {
        assert!(r.protocol_versions.contains(&version.as_str()));
        assert!(r.cipher_suites.contains(&suite.as_str()));
        assert!(r.key_exchange_groups.contains(&group.as_str()));
        assert_eq!(r.alpn_protocols, ["mqtt"]);
        assert!(!r.early_data);
        assert_eq!(r.profile, "modern");
        assert!(r.guideline.contains("Mozilla Server Side TLS 6.0"));
    }
    assert_eq!(tls.conn.alpn_protocol(), Some(&b"mqtt"[..]));
    // Client side: the pin in the report is the server's key, and the
    // server saw the device certificate that the report says is presented.
    assert_eq!(
        c.spki_pins_sha256,
        [s.identity.as_ref().unwrap().spki_sha256.clone()]
    );
    assert_eq!(s.client_authentication, ClientAuthentication::Required);
    assert!(saw.client_cert);
    assert_eq!(
        c.identity.as_ref().unwrap().spki_sha256,
        hex(&iot_comm::spki_sha256(&device.chain()[0]).unwrap())
    );
    assert_eq!(s.session_resumption, "disabled");
    assert_eq!(tls.conn.handshake_kind(), Some(rustls::HandshakeKind::Full));
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn display_names_every_listed_item() {
    let pki = pki();
    let report = ServerPolicy::new(Profile::Intermediate)
        .identity(pki.ecdsa.chain().to_vec(), pki.ecdsa.key())
        .report();
    let text = report.to_string();
    for item in report
        .cipher_suites
        .iter()
        .chain(&report.key_exchange_groups)
        .chain(&report.protocol_versions)
    {
        assert!(text.contains(item), "{item} missing from:\n{text}");
    }
    assert!(text.contains("extended master secret  required"), "{text}");
    assert!(text.contains("ECDSA P-256"), "{text}");
}

#[test]
fn long_lived_certificates_get_a_note() {
    let ca = TestPki::named("ca");
    let mut spec = LeafSpec::server("localhost");
    spec.not_after = unix_now() + 400 * DAY;
    let long = ca.leaf(&spec);
    let report = ServerPolicy::new(Profile::Modern)
        .identity(long.chain().to_vec(), long.key())
        .report();
    assert!(
        report.notes.iter().any(|n| n.contains("lifetime")),
        "{:?}",
        report.notes
    );
    let short = ca.server("localhost");
    let report = ServerPolicy::new(Profile::Modern)
        .identity(short.chain().to_vec(), short.key())
        .report();
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

#[cfg(feature = "serde")]
#[test]
fn report_serializes_to_json() {
    let report = ClientPolicy::new(Profile::Modern)
        .pin_spki_sha256([0xab; 32])
        .report();
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["profile"], "modern");
    assert_eq!(json["protocol_versions"], serde_json::json!(["TLSv1.3"]));
    assert_eq!(json["spki_pins_sha256"][0], "ab".repeat(32));
    assert_eq!(json["early_data"], false);
    assert_eq!(
        json["cipher_suites"].as_array().unwrap().len(),
        report.cipher_suites.len()
    );
}

/// The side, peer verification and client authentication fields keep
/// their JSON strings, whatever their Rust types.
#[cfg(feature = "serde")]
#[test]
fn report_json_names_the_verification_modes_in_words() {
    let pki = pki();
    let leaf = &pki.ecdsa;
    let fields = |report: &PolicyReport| {
        let json = serde_json::to_value(report).unwrap();
        [
            json["side"].clone(),
            json["peer_verification"].clone(),
            json["client_authentication"].clone(),
        ]
    };
    let client = || ClientPolicy::new(Profile::Modern);
    let server = || ServerPolicy::new(Profile::Modern).identity(leaf.chain().to_vec(), leaf.key());
    let cases = [
        (
            fields(&client().report()),
            [
                "client",
                "WebPKI: chain to a trust anchor, validity, host name",
                "no client certificate",
            ],
        ),
        (
            fields(
                &client()
                    .pin_spki_sha256([1; 32])
                    .client_identity(leaf.chain().to_vec(), leaf.key())
                    .report(),
            ),
            [
                "client",
                "WebPKI: chain to a trust anchor, validity, host name; then SPKI pin on the verified path",
                "client certificate presented when requested",
            ],
        ),
        (
            fields(
                &client()
                    .pin_spki_sha256_for("device.local", [1; 32])
                    .dangerous_pin_only()
                    .report(),
            ),
            [
                "client",
                "SPKI pin for the server name and validity only, no chain or certificate name check (danger)",
                "no client certificate",
            ],
        ),
        (
            fields(&server().report()),
            [
                "server",
                "none: clients are not authenticated by TLS",
                "not requested",
            ],
        ),
        (
            fields(&server().require_client_auth(pki.ca.root_store()).report()),
            [
                "server",
                "WebPKI: client certificate chain to a trust anchor, validity",
                "required",
            ],
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got, want.map(serde_json::Value::from));
    }
}

#[test]
fn configs_carry_no_process_default_provider() {
    // The configs work although no process-default provider was installed.
    assert!(CryptoProvider::get_default().is_none());
    let pki = pki();
    let config = ClientPolicy::new(Profile::Modern)
        .trust(pki.ca.root_store())
        .build()
        .unwrap();
    assert_eq!(config.crypto_provider().cipher_suites.len(), 3);
    assert!(CryptoProvider::get_default().is_none());
    let _ = Arc::clone(&config);
}
