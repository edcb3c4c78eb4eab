//! Arbitrary text typed as a label password, under four configurations
//! chosen by the first byte: an error, or the printed label, which reads
//! back to itself (also in lower case). Never a panic.
#![no_main]

use iot_creds::{Alphabet, DevicePassword, GeneratorConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, typed)) = data.split_first() else {
        return;
    };
    let config = match choice % 4 {
        0 => GeneratorConfig::new(),
        1 => GeneratorConfig::new()
            .with_length(15)
            .with_check_symbol(true),
        2 => GeneratorConfig::new()
            .with_alphabet(Alphabet::DIGITS)
            .with_length(20),
        _ => GeneratorConfig::new()
            .with_alphabet(Alphabet::new("0123456789ABCDEF").unwrap())
            .with_length(16)
            .with_group_size(0)
            .insecure_allow_low_entropy(),
    };
    let typed = String::from_utf8_lossy(typed);
    if let Ok(password) = DevicePassword::from_label_entry(&typed, &config) {
        let label = password.expose_secret();
        let again = DevicePassword::from_label_entry(label, &config).unwrap();
        assert_eq!(again.expose_secret(), label);
        let lower = DevicePassword::from_label_entry(&label.to_lowercase(), &config).unwrap();
        assert_eq!(lower.expose_secret(), label);
    }
});
