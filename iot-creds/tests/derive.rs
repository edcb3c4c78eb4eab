//! Passwords derived under a factory key (feature `derive`).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]
#![cfg(feature = "derive")]

use std::collections::HashSet;

use iot_creds::{Alphabet, DevicePassword, Error, FactoryKey, GeneratorConfig};

#[test]
fn derivation_is_deterministic_and_keyed() {
    let config = GeneratorConfig::new();
    let key = FactoryKey::new(&[1u8; 32]).unwrap();
    let other_key = FactoryKey::new(&[2u8; 32]).unwrap();
    let a = DevicePassword::derive_from_factory_key(&key, "SN-0001", &config).unwrap();
    let a2 = DevicePassword::derive_from_factory_key(&key, "SN-0001", &config).unwrap();
    let b = DevicePassword::derive_from_factory_key(&key, "SN-0002", &config).unwrap();
    let c = DevicePassword::derive_from_factory_key(&other_key, "SN-0001", &config).unwrap();
    assert_eq!(a.expose_secret(), a2.expose_secret());
    assert_ne!(a.expose_secret(), b.expose_secret());
    assert_ne!(a.expose_secret(), c.expose_secret(), "the key matters");
    assert_eq!(a.entropy_bits(), 80.0);
}

#[test]
fn derived_passwords_of_many_devices_are_distinct() {
    let key = FactoryKey::new(&[3u8; 48]).unwrap();
    let config = GeneratorConfig::new();
    let mut seen = HashSet::new();
    for i in 0..10_000 {
        let p = DevicePassword::derive_from_factory_key(&key, &format!("SN-{i}"), &config).unwrap();
        assert!(seen.insert(p.expose_secret().to_string()));
    }
}

#[test]
fn the_configuration_is_part_of_the_derivation() {
    let key = FactoryKey::new(&[4u8; 32]).unwrap();
    let plain = GeneratorConfig::new();
    let checked = GeneratorConfig::new().with_check_symbol(true);
    let digits = GeneratorConfig::new()
        .with_alphabet(Alphabet::DIGITS)
        .with_length(20);
    let a = DevicePassword::derive_from_factory_key(&key, "SN-1", &plain).unwrap();
    let b = DevicePassword::derive_from_factory_key(&key, "SN-1", &checked).unwrap();
    let d = DevicePassword::derive_from_factory_key(&key, "SN-1", &digits).unwrap();
    // Not just the same symbols with a check symbol appended.
    assert!(!b.expose_secret().starts_with(a.expose_secret()));
    assert!(DevicePassword::from_label_entry(b.expose_secret(), &checked).is_ok());
    assert!(
        d.expose_secret()
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'-')
    );
}

#[test]
fn short_keys_and_bad_ids_are_refused() {
    assert_eq!(FactoryKey::new(&[0u8; 31]).unwrap_err(), Error::InvalidKey);
    assert_eq!(FactoryKey::new(&[0u8; 65]).unwrap_err(), Error::InvalidKey);
    let key = FactoryKey::new(&[5u8; 32]).unwrap();
    assert_eq!(format!("{key:?}"), "FactoryKey([REDACTED])");
    let config = GeneratorConfig::new();
    assert_eq!(
        DevicePassword::derive_from_factory_key(&key, "", &config).unwrap_err(),
        Error::InvalidDeviceId { index: 0 }
    );
    assert_eq!(
        DevicePassword::derive_from_factory_key(&key, &"x".repeat(257), &config).unwrap_err(),
        Error::InvalidDeviceId { index: 0 }
    );
    assert!(
        DevicePassword::derive_from_factory_key(&key, "x", &config.with_length(8)).is_err(),
        "low-entropy configurations are refused here too"
    );
}

/// C9: the HMAC input is injective: version-2 domain, then every variable
/// field with its length in front (alphabet: one byte; identifier: two
/// bytes, big endian), then the block counter. A known answer computed from
/// that layout (0.1 fed `alphabet ‖ length ‖ check ‖ 0 ‖ id` without
/// lengths, so `("ABC", 48 symbols, check)` with `"\0SN1"` and `("ABC0", 1
/// symbol)` with `"SN1"` fed HMAC the same bytes: the review's P7).
#[test]
fn the_derivation_input_is_length_prefixed() {
    use ring::hmac;
    let raw = [7u8; 32];
    let key = FactoryKey::new(&raw).unwrap();
    let config = GeneratorConfig::new();
    let derived = DevicePassword::derive_from_factory_key(&key, "SN-0001", &config).unwrap();
    let k = hmac::Key::new(hmac::HMAC_SHA256, &raw);
    let mut ctx = hmac::Context::with_key(&k);
    ctx.update(b"iot-creds device password v2");
    let alphabet = config.alphabet().as_str().as_bytes();
    ctx.update(&[alphabet.len() as u8]);
    ctx.update(alphabet);
    ctx.update(&[16, 0]); // length, no check symbol
    ctx.update(&7u16.to_be_bytes());
    ctx.update(b"SN-0001");
    ctx.update(&0u32.to_be_bytes());
    let block = ctx.sign();
    // 32 symbols: every byte is accepted, its low five bits pick the symbol.
    let expected: String = block.as_ref()[..16]
        .iter()
        .map(|b| char::from(alphabet[usize::from(b % 32)]))
        .collect();
    assert_eq!(derived.expose_secret_symbols(), expected);
}

/// C9: control characters (NUL included) are refused in device
/// identifiers, as a factory batch already did.
#[test]
fn control_characters_in_device_ids_are_refused() {
    let key = FactoryKey::new(&[7u8; 32]).unwrap();
    let config = GeneratorConfig::new();
    for id in ["\0SN1", "SN1\n", "SN\u{7f}1", "SN\u{85}1"] {
        assert_eq!(
            DevicePassword::derive_from_factory_key(&key, id, &config).map(|_| ()),
            Err(Error::InvalidDeviceId { index: 0 }),
            "{id:?}"
        );
    }
}
