//! Property tests: arbitrary and mangled certificate/key input into the
//! builders gives typed errors, never a panic, and valid input round-trips.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::sync::OnceLock;

use iot_comm::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use iot_comm::{ClientPolicy, Error, PemItem, PemProblem, Profile, ServerPolicy};
use iot_testkit::pki::*;
use proptest::prelude::*;

/// Standard base64 with padding, for wrapping arbitrary bytes in PEM
/// (test-only; the library never encodes or parses PEM itself).
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = base64(der);
    // base64 is ASCII, so the lossy conversion never replaces anything.
    let lines: Vec<_> = body
        .as_bytes()
        .chunks(64)
        .map(String::from_utf8_lossy)
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

struct Fixture {
    ca: TestPki,
    leaf: IssuedCert,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let ca = TestPki::named("ca");
        let leaf = ca.server("localhost");
        Fixture { ca, leaf }
    })
}

fn is_typed_build_error(e: &Error) -> bool {
    matches!(
        e,
        Error::LocalCertificate(_)
            | Error::InvalidPrivateKey
            | Error::KeyMismatch
            | Error::Policy(_)
            | Error::EmptyTrustStore
            | Error::InvalidTrustAnchor
            | Error::Pem { .. }
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_the_loaders(a in proptest::collection::vec(any::<u8>(), 0..2048),
                                               b in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let trust = ClientPolicy::new(Profile::Modern).trust_pem(&a);
        if let Err(e) = &trust {
            prop_assert!(matches!(e, Error::Pem { item: PemItem::TrustAnchors, .. } | Error::InvalidTrustAnchor), "{:?}", e);
        }
        match ServerPolicy::new(Profile::Modern).identity_pem(&a, &b) {
            Ok(p) => {
                let _ = p.report().to_string();
                let e = p.build().unwrap_err();
                prop_assert!(is_typed_build_error(&e), "{e:?}");
            }
            Err(e) => prop_assert!(matches!(e, Error::Pem { .. }), "{e:?}"),
        }
    }

    #[test]
    fn arbitrary_der_never_panics_build(cert in proptest::collection::vec(any::<u8>(), 0..1024),
                                        key in proptest::collection::vec(any::<u8>(), 0..256)) {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key));
        let policy = ServerPolicy::new(Profile::Intermediate)
            .identity(vec![CertificateDer::from(cert.clone())], key);
        let _ = policy.report().to_string();
        let e = policy.build().unwrap_err();
        prop_assert!(is_typed_build_error(&e), "{e:?}");
        let _ = iot_comm::spki_sha256(&CertificateDer::from(cert));
    }

    #[test]
    fn pem_wrapped_garbage_gives_typed_errors(der in proptest::collection::vec(any::<u8>(), 1..512)) {
        let text = pem("CERTIFICATE", &der);
        match ClientPolicy::new(Profile::Modern).trust_pem(text.as_bytes()) {
            Ok(p) => { let _ = p.build(); }
            Err(e) => prop_assert_eq!(e, Error::InvalidTrustAnchor),
        }
        let key = pem("PRIVATE KEY", &der);
        let f = fixture();
        let policy = ServerPolicy::new(Profile::Modern)
            .identity_pem(f.leaf.cert_pem().as_bytes(), key.as_bytes())
            .unwrap();
        prop_assert_eq!(policy.build().unwrap_err(), Error::InvalidPrivateKey);
    }

    #[test]
    fn a_flipped_bit_in_a_certificate_never_panics(pos in any::<prop::sample::Index>(), bit in 0u8..8) {
        let f = fixture();
        let mut der = f.leaf.chain()[0].to_vec();
        let i = pos.index(der.len());
        der[i] ^= 1 << bit;
        let policy = ServerPolicy::new(Profile::Modern).identity(vec![der.into()], f.leaf.key());
        if let Err(e) = policy.build() {
            prop_assert!(is_typed_build_error(&e), "{e:?}");
        }
    }

    #[test]
    fn truncated_pem_never_panics(cut in any::<prop::sample::Index>()) {
        let f = fixture();
        let text = &f.leaf.cert_pem().as_bytes()[..cut.index(f.leaf.cert_pem().len())];
        match ServerPolicy::new(Profile::Modern).identity_pem(text, f.leaf.key_pem().as_bytes()) {
            Ok(p) => { let _ = p.build(); }
            Err(e) => prop_assert!(matches!(e, Error::Pem { item: PemItem::CertificateChain, .. }), "{:?}", e),
        }
    }
}

#[test]
fn valid_pem_round_trips_to_the_same_der() {
    let f = fixture();
    // Our own encoder and rcgen's produce PEM that loads to the same DER.
    let reencoded = pem("CERTIFICATE", &f.leaf.chain()[0]);
    for text in [f.leaf.cert_pem(), reencoded.as_str()] {
        let policy = ServerPolicy::new(Profile::Modern)
            .identity_pem(text.as_bytes(), f.leaf.key_pem().as_bytes())
            .unwrap();
        let report = policy.report();
        assert_eq!(
            report.identity.unwrap().spki_sha256,
            iot_comm::spki_sha256(&f.leaf.chain()[0])
                .unwrap()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        policy.build().unwrap();
    }
    // Trust store: the CA round-trips too, with unrelated sections around it.
    let noisy = format!(
        "junk line\n{}\n-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n",
        f.ca.ca_cert_pem()
    );
    assert_eq!(
        ClientPolicy::new(Profile::Modern)
            .trust_pem(noisy.as_bytes())
            .unwrap()
            .report()
            .trust_anchors,
        1
    );
}

#[test]
fn the_empty_input_is_not_found_everywhere() {
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .identity_pem(b"", b"")
            .unwrap_err(),
        Error::Pem {
            item: PemItem::CertificateChain,
            problem: PemProblem::NotFound
        }
    );
    assert_eq!(
        ServerPolicy::new(Profile::Modern)
            .require_client_auth_pem(b"")
            .unwrap_err(),
        Error::Pem {
            item: PemItem::TrustAnchors,
            problem: PemProblem::NotFound
        }
    );
}
