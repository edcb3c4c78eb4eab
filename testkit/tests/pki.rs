//! The test PKI makes what iot-comm's profiles accept: a test that builds a
//! config from it tests iot-comm, not a broken fixture.

use iot_comm::{Profile, ServerPolicy};
use iot_testkit::pki::{LEAF_VALIDITY_DAYS, TestPki};

#[test]
fn certificates_follow_the_modern_profile() {
    let pki = TestPki::new();
    let server = pki.server("localhost");
    let config = ServerPolicy::new(Profile::Modern).identity(server.chain().to_vec(), server.key());
    let report = config.report();
    let id = report.identity.unwrap();
    assert_eq!(id.key, "ECDSA P-256");
    assert!(
        id.lifetime_days <= LEAF_VALIDITY_DAYS,
        "{}",
        id.lifetime_days
    );
    assert_eq!(id.subject_alt_names, 1);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    config.build().unwrap();
}

#[test]
fn ip_address_hosts_get_an_ip_san() {
    let pki = TestPki::new();
    let server = pki.server("127.0.0.1");
    ServerPolicy::new(Profile::Intermediate)
        .identity(server.chain().to_vec(), server.key())
        .build()
        .unwrap();
}

#[test]
fn a_leaf_of_an_intermediate_is_accepted_with_its_chain() {
    let root = TestPki::new();
    let sub = root.intermediate("iot-rs test intermediate");
    let server = sub.server("localhost");
    ServerPolicy::new(Profile::Modern)
        .identity(server.chain().to_vec(), server.key())
        .build()
        .unwrap();
}
