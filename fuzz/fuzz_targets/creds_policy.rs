//! Arbitrary text as a candidate password and context words (separated by
//! NUL bytes): the policy returns a verdict, never panics, accepts only
//! lengths inside its window, and never echoes the candidate.
#![no_main]

use iot_creds::PasswordPolicy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let candidate = parts.next().unwrap_or_default();
    let context: Vec<&str> = parts.take(16).collect();
    for policy in [PasswordPolicy::default(), PasswordPolicy::single_factor()] {
        match policy.check(candidate, &context) {
            Ok(()) => {
                assert!(candidate.chars().count() >= policy.min_chars());
                assert!(candidate.len() <= iot_creds::PasswordPolicy::MAX_PASSWORD_BYTES);
            }
            Err(violation) => {
                if candidate.chars().count() >= 12 {
                    assert!(!violation.to_string().contains(candidate));
                }
            }
        }
    }
});
