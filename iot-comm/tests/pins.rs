//! SPKI pins: which certificates they may name, to which server names they
//! apply, and the text forms they are accepted in.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod common;

use common::*;
use iot_comm::{
    CertificateProblem, ClientPolicy, Error, PolicyProblem, Profile, ServerPolicy, SpkiPin,
    connect, spki_sha256,
};
use iot_testkit::pki::*;

fn serve(
    leaf_chain: Vec<iot_comm::pki_types::CertificateDer<'static>>,
    leaf: &IssuedCert,
    n: usize,
) -> (
    std::net::SocketAddr,
    std::thread::JoinHandle<Vec<ServerOutcome>>,
) {
    let server = ServerPolicy::new(Profile::Modern)
        .identity(leaf_chain, leaf.key())
        .build()
        .unwrap();
    serve_with_accept(server, n)
}

fn trusting(root: &TestPki) -> ClientPolicy {
    ClientPolicy::new(Profile::Modern)
        .trust_pem(root.ca_cert_pem().as_bytes())
        .unwrap()
}

/// T1: a pin on the CA that issued the server's certificate (here the trust
/// anchor itself) accepts the server whatever its leaf key, so a maker can
/// pin the CA of a cloud service whose leaf keys rotate.
#[test]
fn a_pin_on_the_issuing_ca_connects() {
    let ca = TestPki::named("cloud ca");
    let pin = spki_sha256(ca.ca_cert_der()).unwrap();
    // Two leaves with different keys: a rotation the maker does not control.
    for _ in 0..2 {
        let leaf = ca.server("broker.example");
        let (addr, _server) = serve(leaf.chain().to_vec(), &leaf, 1);
        let config = trusting(&ca).pin_spki_sha256(pin).build().unwrap();
        let mut tls = connect(addr, "broker.example", config, timeouts()).unwrap();
        assert_eq!(echo(&mut tls, b"ca pin\n").unwrap(), b"ca pin\n");
    }
}

/// T1: a pin on a CA that is not on the verified path is refused, even when
/// the server sends that CA's certificate along in its chain.
#[test]
fn a_pin_on_an_unrelated_ca_is_refused() {
    let ca = TestPki::named("cloud ca");
    let unrelated = TestPki::named("unrelated ca");
    let pin = spki_sha256(unrelated.ca_cert_der()).unwrap();
    let leaf = ca.server("broker.example");
    // The unrelated CA travels in the chain but verifies nothing.
    let mut chain = leaf.chain().to_vec();
    chain.push(unrelated.ca_cert_der().clone());
    let (addr, _server) = serve(chain, &leaf, 1);
    let config = trusting(&ca).pin_spki_sha256(pin).build().unwrap();
    let err = connect(addr, "broker.example", config, timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerCertificate(CertificateProblem::PinMismatch));
}

/// T1: a pin on the intermediate of a three-level chain (root, intermediate,
/// leaf) connects; the root is the only trust anchor.
#[test]
fn a_pin_on_an_intermediate_of_a_three_level_chain_connects() {
    let root = TestPki::named("root ca");
    let issuing = root.intermediate("issuing ca");
    let pin = spki_sha256(issuing.ca_cert_der()).unwrap();
    let leaf = issuing.server("broker.example");
    assert_eq!(leaf.chain().len(), 2, "leaf and intermediate");
    let (addr, _server) = serve(leaf.chain().to_vec(), &leaf, 1);
    let config = trusting(&root).pin_spki_sha256(pin).build().unwrap();
    let mut tls = connect(addr, "broker.example", config, timeouts()).unwrap();
    assert_eq!(echo(&mut tls, b"3 levels\n").unwrap(), b"3 levels\n");
}

fn device(name: &str) -> (IssuedCert, std::net::SocketAddr) {
    let cert = self_signed(name);
    let (addr, _server) = serve(cert.chain().to_vec(), &cert, 3);
    (cert, addr)
}

/// T3: in pin-only mode a pin is accepted only for the server name it was
/// configured for. One config holds the pins of two paired devices; the
/// lamp's key is refused when it answers under the plug's name (as after a
/// DHCP reassignment), and a name without a pin is refused.
#[test]
fn pin_only_pins_are_bound_to_their_server_names() {
    let (plug, plug_addr) = device("plug.local");
    let (lamp, lamp_addr) = device("lamp.local");
    let config = ClientPolicy::new(Profile::Modern)
        .pin_spki_sha256_for("plug.local", spki_sha256(&plug.chain()[0]).unwrap())
        .pin_spki_sha256_for("LAMP.local", spki_sha256(&lamp.chain()[0]).unwrap())
        .dangerous_pin_only()
        .build()
        .unwrap();
    let mut tls = connect(plug_addr, "plug.local", config.clone(), timeouts()).unwrap();
    assert_eq!(echo(&mut tls, b"plug\n").unwrap(), b"plug\n");
    // Names compare as DNS names do, without regard to case.
    let mut tls = connect(lamp_addr, "lamp.local", config.clone(), timeouts()).unwrap();
    assert_eq!(echo(&mut tls, b"lamp\n").unwrap(), b"lamp\n");
    // The lamp answering where the plug is expected: refused.
    let err = connect(lamp_addr, "plug.local", config.clone(), timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerCertificate(CertificateProblem::PinMismatch));
    let err = connect(lamp_addr, "heater.local", config, timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerCertificate(CertificateProblem::PinMismatch));
}

/// T3: pin-only mode refuses, at `build()`, a pin bound to no name and a
/// pin bound to something that is not a server name.
#[test]
fn pin_only_mode_refuses_unbound_pins_and_invalid_names() {
    assert_eq!(
        ClientPolicy::new(Profile::Modern)
            .pin_spki_sha256_for("plug.local", [1; 32])
            .pin_spki_sha256([2; 32])
            .dangerous_pin_only()
            .build()
            .unwrap_err(),
        Error::Policy(PolicyProblem::PinOnlyWithUnboundPin)
    );
    assert_eq!(
        ClientPolicy::new(Profile::Modern)
            .pin_spki_sha256_for("not a name!", [1; 32])
            .dangerous_pin_only()
            .build()
            .unwrap_err(),
        Error::InvalidServerName
    );
}

/// With WebPKI, a pin bound to a name applies to that name only.
#[test]
fn a_pin_bound_to_a_name_does_not_apply_to_other_names() {
    let ca = TestPki::named("cloud ca");
    let mut spec = LeafSpec::server("one.example");
    spec.sans = vec!["one.example".into(), "two.example".into()];
    let leaf = ca.leaf(&spec);
    let (addr, _server) = serve(leaf.chain().to_vec(), &leaf, 2);
    let config = trusting(&ca)
        .pin_spki_sha256_for("one.example", [0x5a; 32])
        .build()
        .unwrap();
    let err = connect(addr, "one.example", config.clone(), timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerCertificate(CertificateProblem::PinMismatch));
    let mut tls = connect(addr, "two.example", config, timeouts()).unwrap();
    assert_eq!(echo(&mut tls, b"two\n").unwrap(), b"two\n");
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// T6: a pin is accepted as 64 hex digits (either case) and in curl's
/// `sha256//BASE64` form, both naming the same key as `spki_sha256`, and a
/// text-form pin connects.
#[test]
fn pins_are_accepted_as_hex_and_in_curls_form() {
    let ca = TestPki::named("cloud ca");
    let leaf = ca.server("broker.example");
    let bytes = spki_sha256(&leaf.chain()[0]).unwrap();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let curl = format!("sha256//{}", base64(&bytes));
    let from_hex: SpkiPin = hex.parse().unwrap();
    assert_eq!(from_hex, SpkiPin::from(bytes));
    assert_eq!(SpkiPin::parse(&hex.to_uppercase()).unwrap(), from_hex);
    assert_eq!(SpkiPin::parse(&curl).unwrap(), from_hex);
    assert_eq!(from_hex.to_string(), hex);
    for bad in [&hex[1..], &curl[1..], "sha256//", "", &format!("{hex}00")] {
        assert_eq!(SpkiPin::parse(bad), Err(Error::InvalidPin), "{bad}");
    }
    assert!(!Error::InvalidPin.to_string().contains(&hex[..8]));

    let (addr, _server) = serve(leaf.chain().to_vec(), &leaf, 1);
    let config = trusting(&ca)
        .pin_spki_sha256(SpkiPin::parse(&curl).unwrap())
        .build()
        .unwrap();
    let mut tls = connect(addr, "broker.example", config, timeouts()).unwrap();
    assert_eq!(echo(&mut tls, b"curl\n").unwrap(), b"curl\n");
}
