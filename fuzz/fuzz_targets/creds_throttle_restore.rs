//! Arbitrary bytes as a persisted throttle snapshot: an error, or a throttle
//! that writes the same bytes back and keeps working. Never a panic. The same
//! bytes restored into a smaller table fold the surplus into the overflow
//! bucket and stay within the bound.
#![no_main]

use core::time::Duration;

use iot_creds::{Throttle, ThrottleConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Room for every key a well-formed snapshot can hold, so that restoring
    // folds nothing and the bytes must come back unchanged.
    let config = ThrottleConfig::default().with_max_tracked(ThrottleConfig::MAX_TRACKED);
    let Ok(mut throttle) = Throttle::restore(data, config) else {
        return;
    };
    assert_eq!(
        throttle.snapshot(),
        data,
        "restore accepts only canonical bytes"
    );
    let small = ThrottleConfig::default().with_max_tracked(2);
    let folded = Throttle::restore(data, small).unwrap();
    assert_eq!(folded.tracked_keys(), throttle.tracked_keys().min(2));

    let now = Duration::from_secs(5);
    for key in [&b"admin"[..], b"", b"192.0.2.1"] {
        let _ = throttle.check(key, now);
        throttle.record_failure(key, now);
    }
    throttle.record_success(b"admin");
    let again = Throttle::restore(&throttle.snapshot(), config).unwrap();
    assert_eq!(again.tracked_keys(), throttle.tracked_keys());
});
