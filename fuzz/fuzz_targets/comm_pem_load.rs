//! Arbitrary bytes as trust anchors, certificate chain and private key (PEM,
//! and DER) into iot-comm's ClientPolicy and ServerPolicy builders, through
//! the public API only. Input layout: `anchors \0 chain \0 key`; the first
//! byte's parity picks the profile.
//!
//! Properties: errors, never panics; every error's `Display` is short and
//! lower-case; no error, policy `Debug` or report echoes a line of the input
//! (the key input in particular).
#![no_main]

use iot_comm::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use iot_comm::{ClientPolicy, Error, Profile, ServerPolicy, Side};
use libfuzzer_sys::fuzz_target;

/// Lines of the input that look like a PEM body (base64, at least 16
/// characters, neither plain hex nor a plain word), so that finding one in
/// our output means it was echoed: our messages, variant names and hex pins
/// never look like that.
fn long_lines(input: &[u8]) -> Vec<&str> {
    let base64 = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=';
    input
        .split(|b| *b == b'\n')
        .filter_map(|line| std::str::from_utf8(line).ok())
        .map(str::trim)
        .filter(|line| {
            line.len() >= 16
                && line.chars().all(base64)
                && line.chars().any(|c| !c.is_ascii_hexdigit())
                && line.chars().any(|c| c.is_ascii_digit() || c == '+' || c == '/')
        })
        .collect()
}

fn assert_no_echo(shown: &str, lines: &[&str]) {
    for line in lines {
        assert!(!shown.contains(line), "{shown:?} echoes input line {line:?}");
    }
}

fn check_error(e: &Error, lines: &[&str]) {
    let shown = e.to_string();
    assert!(shown.len() < 100, "{shown}");
    assert!(shown.starts_with(|c: char| c.is_lowercase()), "{shown}");
    assert_no_echo(&shown, lines);
    assert_no_echo(&format!("{e:?}"), lines);
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == 0);
    let first = parts.next().unwrap_or_default();
    let second = parts.next().unwrap_or_default();
    let third = parts.next().unwrap_or_default();
    let profile = if first.first().is_some_and(|b| b % 2 == 0) {
        Profile::Modern
    } else {
        Profile::Intermediate
    };
    // What a policy's Debug, report or error may never show: the key.
    let key_lines = long_lines(third);
    // Errors may not show any input at all.
    let all_lines: Vec<&str> = long_lines(first)
        .into_iter()
        .chain(long_lines(second))
        .chain(key_lines.iter().copied())
        .collect();

    match ClientPolicy::new(profile)
        .trust_pem(first)
        .and_then(|c| c.client_identity_pem(second, third))
    {
        Ok(client) => {
            assert_no_echo(&format!("{client:?}"), &key_lines);
            let report = client.report();
            assert_eq!(report.side, Side::Client);
            assert_no_echo(&report.to_string(), &key_lines);
            if let Err(e) = client.build() {
                check_error(&e, &all_lines);
            }
        }
        Err(e) => check_error(&e, &all_lines),
    }
    match ServerPolicy::new(profile).identity_pem(second, third) {
        Ok(server) => {
            assert_no_echo(&format!("{server:?}"), &key_lines);
            let report = server.report();
            assert_eq!(report.side, Side::Server);
            assert_no_echo(&report.to_string(), &key_lines);
            match server.build() {
                // build() checked the certificate, so the report could read it.
                Ok(_) => assert!(report.identity.is_some()),
                Err(e) => check_error(&e, &all_lines),
            }
        }
        Err(e) => check_error(&e, &all_lines),
    }
    if let Err(e) = ServerPolicy::new(profile)
        .identity_pem(second, third)
        .and_then(|s| s.require_client_auth_pem(first))
        .and_then(|s| s.build().map(drop))
    {
        check_error(&e, &all_lines);
    }

    // The same bytes as DER: reaches the certificate parser directly.
    let der_cert = CertificateDer::from(second.to_vec());
    if let Err(e) = iot_comm::spki_sha256(&der_cert) {
        check_error(&e, &all_lines);
    }
    let der_key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(third.to_vec()));
    let server = ServerPolicy::new(profile).identity(vec![der_cert], der_key);
    let _ = server.report().to_string();
    match server.build() {
        Ok(_) => assert!(server.report().identity.is_some()),
        Err(e) => check_error(&e, &all_lines),
    }
});
