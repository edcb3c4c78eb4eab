//! Arbitrary bytes as a persisted throttle snapshot (format 2: clock
//! identity, key check, absolute deadlines): an error, or a throttle that
//! writes the same bytes back and keeps working, restored on the clock of
//! the snapshot (deadlines kept) or on another clock (a reboot). Never a
//! panic. The same bytes restored into a smaller table fold the surplus
//! into the overflow bucket and stay within the bound.
#![no_main]

use core::time::Duration;

use iot_creds::{ClockId, Throttle, ThrottleConfig};
use libfuzzer_sys::fuzz_target;

const SECRET: [u8; 32] = [0x42; 32];

fuzz_target!(|data: &[u8]| {
    // The snapshot's own clock (bytes 5..21 of the format), so that the
    // same-boot path is reached, and another one for the reboot path.
    let own = data
        .get(5..21)
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map_or(ClockId::new([0; 16]), ClockId::new);
    let other = ClockId::new(own.as_bytes().map(|b| b ^ 0xff));
    // Room for every key a well-formed snapshot can hold, so that restoring
    // folds nothing and the bytes must come back unchanged.
    let config = ThrottleConfig::default().with_max_tracked(ThrottleConfig::MAX_TRACKED);
    for clock in [own, other] {
        let Ok(mut throttle) = Throttle::restore(data, config, &SECRET, clock) else {
            return;
        };
        assert_eq!(
            throttle.snapshot(),
            data,
            "restore accepts only canonical bytes"
        );
        let small = ThrottleConfig::default().with_max_tracked(2);
        let folded = Throttle::restore(data, small, &SECRET, clock).unwrap();
        assert_eq!(folded.tracked_keys(), throttle.tracked_keys().min(2));

        let now = Duration::from_secs(5);
        for key in [&b"admin"[..], b"", b"192.0.2.1"] {
            let _ = throttle.begin(key, now);
        }
        if let Ok(attempt) = throttle.begin_login(b"admin", b"192.0.2.1", now) {
            throttle.succeed(attempt);
        }
        assert!(throttle.tracked_keys() <= ThrottleConfig::MAX_TRACKED);
        let again = Throttle::restore(&throttle.snapshot(), config, &SECRET, clock).unwrap();
        assert_eq!(again.tracked_keys(), throttle.tracked_keys());
    }
});
