//! Arbitrary text as an SPKI pin (`iot_comm::SpkiPin::parse`, the form a
//! device reads from its configuration), through the public API only.
//!
//! Properties: errors, never panics; the only error is `Error::InvalidPin`,
//! whose `Display` is one fixed sentence (so it cannot echo the input); an
//! accepted pin prints as 64
//! lower-case hex digits that parse back to the same pin, and its input was
//! (after surrounding white space) either 64 hex digits or `sha256//` and
//! 44 base64 characters.
#![no_main]

use iot_comm::{Error, SpkiPin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match SpkiPin::parse(text) {
        Ok(pin) => {
            let hex = pin.to_string();
            assert_eq!(hex.len(), 64);
            assert!(hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
            assert_eq!(SpkiPin::parse(&hex), Ok(pin));
            assert_eq!(SpkiPin::from(*pin.sha256()), pin);
            let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
            match trimmed.strip_prefix("sha256//") {
                Some(b64) => assert_eq!(b64.len(), 44),
                None => assert!(trimmed.len() == 64 && trimmed.bytes().all(|b| b.is_ascii_hexdigit())),
            }
        }
        Err(e) => {
            assert_eq!(e, Error::InvalidPin);
            assert_eq!(
                e.to_string(),
                "spki pin is neither 64 hex digits nor sha256//base64"
            );
        }
    }
});
