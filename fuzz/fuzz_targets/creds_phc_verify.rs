//! Arbitrary text as a stored PHC string, with an arbitrary password:
//! `verify` and `needs_rehash` return an error or a verdict, never panic,
//! and agree on which strings are well-formed. A string naming a pepper
//! (`keyid`) the hasher does not have is `UnknownPepper`.
#![no_main]

use iot_creds::{CostLimit, Error, HashParams, PasswordHasher};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // First byte: password length; then the password; the rest is the PHC string.
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let (password, phc) = rest.split_at(usize::from(n % 48).min(rest.len()));
    let phc = String::from_utf8_lossy(phc);
    // A tight cost limit keeps every accidentally valid string cheap.
    let hasher = PasswordHasher::new(HashParams::owasp()).with_cost_limit(CostLimit::new(64, 2, 2));
    let verdict = hasher.verify(password, &phc);
    let rehash = hasher.needs_rehash(&phc);
    assert!(matches!(
        verdict,
        Ok(())
            | Err(
                Error::Verification
                    | Error::MalformedHash
                    | Error::CostLimitExceeded
                    | Error::UnknownPepper
            )
    ));
    assert_eq!(
        rehash.is_err(),
        verdict == Err(Error::MalformedHash),
        "both parse the same way"
    );
});
