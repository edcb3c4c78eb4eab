//! No secret of any `iot-*` crate shows its bytes in `Debug` or `Display`
//! (docs/CONVENTIONS.md, "Secrets"): every secret type prints `[REDACTED]`
//! where the secret would be, and neither the secret text nor its bytes in
//! hex or as a Rust byte list appear.
//!
//! A second test reads the crates' sources and fails when a public type that
//! holds secret material (a `secrecy` type, a `Zeroizing` buffer, a private
//! or ring key, or a `Drop` that wipes) is not covered here, so a new secret type cannot be
//! added without this check.

#![cfg(test)]

use std::fs;
use std::path::Path;

use iot_comm::{ClientPolicy, Profile, ServerPolicy};
use iot_testkit::pki::TestPki;
use iot_testkit::provision_map::workspace_root;

/// Every public secret-holding type this file checks, by crate.
const COVERED: [(&str, &str); 11] = [
    ("iot-creds", "FactoryKey"),
    ("iot-creds", "Pepper"),
    ("iot-creds", "DevicePassword"),
    ("iot-creds", "Throttle"),
    ("iot-storage", "RootKey"),
    ("iot-input", "WpaPassphrase"),
    ("iot-input", "WpaPsk"),
    ("iot-comm", "ClientPolicy"),
    ("iot-comm", "ServerPolicy"),
    ("testkit", "IssuedCert"),
    ("testkit", "TestPki"),
];

/// The ways a secret's bytes could leak into formatted text.
fn leaks(secret: &[u8]) -> Vec<String> {
    let hex_lower: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let hex_upper = hex_lower.to_uppercase();
    // The Debug of a byte slice, from its first four bytes: "[1, 2, 3, 4".
    let list = format!("{:?}", &secret[..secret.len().min(4)]);
    let mut leaks = vec![hex_lower, hex_upper, list.trim_end_matches(']').to_owned()];
    if let Ok(text) = std::str::from_utf8(secret) {
        leaks.push(text.to_owned());
    }
    leaks
}

/// `shown` redacts `secret`: it says `[REDACTED]` and contains no form of
/// the secret's bytes.
fn assert_redacted(what: &str, shown: &str, secret: &[u8]) {
    assert!(shown.contains("[REDACTED]"), "{what}: {shown}");
    for leak in leaks(secret) {
        assert!(!shown.contains(&leak), "{what} shows its secret: {shown}");
    }
}

#[test]
fn creds_secrets_are_redacted() {
    let key = [0xA7u8; 32];
    let factory = iot_creds::FactoryKey::new(&key).unwrap();
    assert_redacted("FactoryKey", &format!("{factory:?}"), &key);

    let pepper_bytes = b"pepper-that-must-stay-secret-1234";
    let pepper = iot_creds::Pepper::new(b"k1", pepper_bytes).unwrap();
    assert_redacted("Pepper", &format!("{pepper:?}"), pepper_bytes);

    let mut rng = iot_creds::OsRng::new();
    let password = iot_creds::DevicePassword::generate(&mut rng).unwrap();
    let secret = password.expose_secret().to_owned();
    assert_redacted(
        "DevicePassword",
        &format!("{password:?}"),
        secret.as_bytes(),
    );
    // The throttle's fingerprint key (C4): the snapshot and Debug keep it.
    let secret_key = [0x3Du8; 32];
    let throttle = iot_creds::Throttle::new(
        iot_creds::ThrottleConfig::default(),
        &secret_key,
        iot_creds::ClockId::new([0; 16]),
    );
    assert_redacted("Throttle", &format!("{throttle:?}"), &secret_key);

    // The label as printed (grouped) must not show either.
    let grouped: String = secret.chars().filter(char::is_ascii_alphanumeric).collect();
    assert!(!format!("{password:?}").contains(&grouped));
}

#[test]
fn storage_root_key_is_redacted() {
    let bytes = [0x5Cu8; 32];
    let key = iot_storage::RootKey::from_bytes(bytes);
    assert_redacted("RootKey", &format!("{key:?}"), &bytes);
}

#[test]
fn wifi_secrets_are_redacted() {
    let passphrase = "correct horse battery staple";
    let parsed = iot_input::WpaPassphrase::parse(passphrase).unwrap();
    assert_redacted(
        "WpaPassphrase",
        &format!("{parsed:?}"),
        passphrase.as_bytes(),
    );

    let psk_hex = "3a9f".repeat(16);
    let psk = iot_input::WpaPsk::parse(&psk_hex).unwrap();
    let psk_bytes: Vec<u8> = [0x3a, 0x9f].repeat(16);
    assert_redacted("WpaPsk", &format!("{psk:?}"), &psk_bytes);
    assert!(!format!("{psk:?}").contains(&psk_hex));
}

#[test]
fn tls_policies_never_show_the_private_key() {
    let pki = TestPki::new();
    let leaf = pki.server("localhost");
    let device = pki.client("dev-1");
    let key_der = leaf.key().secret_der().to_vec();
    // The base64 body of the PEM key, from its first line.
    let pem_body = leaf.key_pem().lines().nth(1).unwrap()[..32].to_owned();

    let server = ServerPolicy::new(Profile::Modern).identity(leaf.chain().to_vec(), leaf.key());
    let shown = format!("{server:?}");
    assert_redacted("ServerPolicy", &shown, &key_der[key_der.len() - 32..]);
    assert!(!shown.contains(&pem_body), "{shown}");

    let client = ClientPolicy::new(Profile::Modern)
        .trust(pki.root_store())
        .client_identity(device.chain().to_vec(), device.key());
    let device_der = device.key().secret_der().to_vec();
    assert_redacted(
        "ClientPolicy",
        &format!("{client:?}"),
        &device_der[device_der.len() - 32..],
    );

    // The CA's key cannot be read back; its Debug must not try.
    let ca = format!("{pki:?}");
    assert!(
        ca.contains("[REDACTED]") && !ca.contains("PRIVATE KEY"),
        "{ca}"
    );

    assert_redacted(
        "IssuedCert",
        &format!("{leaf:?}"),
        &key_der[key_der.len() - 32..],
    );
}

/// The names of public types in `source` that hold secret material.
fn secret_types(source: &str) -> Vec<String> {
    const MARKERS: [&str; 9] = [
        "SecretBox<",
        "SecretString",
        "SecretSlice<",
        "Zeroizing<",
        "ZeroizeOnDrop",
        "PrivateKeyDer",
        "hmac::Key",
        "LessSafeKey",
        "KeyPair",
    ];
    let mut found = Vec::new();
    let lines: Vec<&str> = source.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix("pub struct ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // The struct's text: its derives above and its body below.
        let attributes = lines[..i]
            .iter()
            .rev()
            .take_while(|l| l.trim_start().starts_with("#[") || l.trim_start().starts_with("///"))
            .count();
        let start = i - attributes;
        let end = lines[i..]
            .iter()
            .position(|l| l.starts_with('}') || l.trim_end().ends_with(");"))
            .map_or(lines.len(), |n| i + n + 1);
        let text = lines[start..end].join("\n");
        let wiped_on_drop = source
            .split(&format!("impl Drop for {name} "))
            .nth(1)
            .and_then(|body| body.split("\n}").next())
            .is_some_and(|body| body.contains("zeroize") || body.contains("wipe"));
        if MARKERS.iter().any(|m| text.contains(m)) || wiped_on_drop {
            found.push(name);
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_public_secret_type_of_the_family_is_covered() {
    let root = workspace_root();
    let mut missing = Vec::new();
    let mut seen = Vec::new();
    for krate in [
        "iot-creds",
        "iot-storage",
        "iot-comm",
        "iot-input",
        "iot-erase",
        "testkit",
    ] {
        let mut files = Vec::new();
        rust_files(&root.join(krate).join("src"), &mut files);
        for file in files {
            for name in secret_types(&fs::read_to_string(&file).unwrap()) {
                seen.push((krate, name.clone()));
                if !COVERED.contains(&(krate, name.as_str())) {
                    missing.push(format!("{krate}: {name} ({})", file.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "secret types without a redaction check in testkit/tests/secrets.rs:\n{}",
        missing.join("\n")
    );
    // The scan itself still finds every type we check, so it cannot rot
    // into finding nothing.
    for (krate, name) in COVERED {
        assert!(
            seen.iter().any(|(k, n)| *k == krate && n == name),
            "the source scan no longer finds {krate}: {name}"
        );
    }
}

#[test]
fn the_scan_recognises_secret_holding_structs() {
    let source = "#[derive(Clone)]\npub struct Token(SecretBox<[u8]>);\n\
                  pub struct Plain {\n    n: u32,\n}\n\
                  pub struct Wiped {\n    buf: [u8; 4],\n}\n\
                  impl Drop for Wiped {\n    fn drop(&mut self) { self.buf.zeroize() }\n}\n\
                  pub struct Locked {\n    held: bool,\n}\n\
                  impl Drop for Locked {\n    fn drop(&mut self) { self.unlock() }\n}\n";
    assert_eq!(secret_types(source), ["Token", "Wiped"]);
}
