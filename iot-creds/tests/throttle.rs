//! Brute-force throttling (EN 303 645 5.1-5), driven by a fake clock.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use core::time::Duration;

use iot_creds::{Error, RetryAfter, Throttle, ThrottleConfig};
use proptest::prelude::*;

const fn s(secs: u64) -> Duration {
    Duration::from_secs(secs)
}

/// The remaining delay of `key` at `now`, zero when allowed.
fn wait(t: &mut Throttle, key: &[u8], now: Duration) -> Duration {
    t.check(key, now)
        .err()
        .map_or(Duration::ZERO, |r| r.duration())
}

/// Fails `key` once at `now`, as a login loop that respects `check` would.
fn fail(t: &mut Throttle, key: &[u8], now: Duration) {
    t.record_failure(key, now);
}

#[test]
fn backoff_starts_after_five_free_failures_and_doubles_to_one_hour() {
    let mut t = Throttle::new(ThrottleConfig::default());
    let mut now = s(1000);
    for _ in 0..5 {
        assert_eq!(t.check(b"admin", now), Ok(()));
        fail(&mut t, b"admin", now);
    }
    assert_eq!(t.check(b"admin", now), Ok(()), "five failures are free");
    let mut delays = Vec::new();
    for _ in 0..16 {
        fail(&mut t, b"admin", now);
        let d = wait(&mut t, b"admin", now);
        delays.push(d.as_secs());
        // Waiting one second less is not enough; the full delay is.
        assert!(
            t.check(b"admin", now + d - Duration::from_millis(1))
                .is_err()
        );
        now += d;
        assert_eq!(t.check(b"admin", now), Ok(()));
    }
    assert_eq!(
        delays,
        [
            1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3600, 3600, 3600, 3600
        ]
    );
}

#[test]
fn success_resets_the_count() {
    let mut t = Throttle::new(ThrottleConfig::default());
    for _ in 0..7 {
        fail(&mut t, b"admin", s(10));
    }
    assert_eq!(wait(&mut t, b"admin", s(10)), s(2));
    t.record_success(b"admin");
    assert_eq!(t.check(b"admin", s(10)), Ok(()));
    // The count starts over: five free failures again.
    for _ in 0..5 {
        fail(&mut t, b"admin", s(11));
    }
    assert_eq!(t.check(b"admin", s(11)), Ok(()));
    fail(&mut t, b"admin", s(11));
    assert_eq!(wait(&mut t, b"admin", s(11)), s(1));
}

#[test]
fn keys_are_independent() {
    let mut t = Throttle::new(ThrottleConfig::default());
    for _ in 0..10 {
        fail(&mut t, b"admin", s(5));
    }
    assert!(t.check(b"admin", s(5)).is_err());
    assert_eq!(t.check(b"operator", s(5)), Ok(()));
    assert_eq!(t.check(b"192.0.2.7", s(5)), Ok(()));
}

#[test]
fn flooding_with_new_keys_does_not_unlock_a_throttled_key() {
    let config = ThrottleConfig::default().with_max_tracked(8);
    let mut t = Throttle::new(config);
    // The attacker's own key gets throttled for a long time.
    for _ in 0..20 {
        fail(&mut t, b"attacker", s(100));
    }
    let before = wait(&mut t, b"attacker", s(100));
    assert_eq!(before, s(3600));
    // Then floods the table with thousands of fresh keys.
    for i in 0..5000u32 {
        fail(&mut t, &i.to_be_bytes(), s(100));
    }
    assert_eq!(t.tracked_keys(), 8, "memory stays bounded");
    assert_eq!(
        wait(&mut t, b"attacker", s(100)),
        before,
        "not evicted, not reset"
    );
    // The flood itself ends up throttled: unknown keys share the overflow bucket.
    assert!(t.check(b"fresh key", s(100)).is_err());
    assert!(t.check(&4999u32.to_be_bytes(), s(100)).is_err());
    // Keys that were tracked before the flood keep their own state.
    assert!(t.check(&0u32.to_be_bytes(), s(100)).is_ok());
}

#[test]
fn a_valid_login_does_not_reset_the_shared_overflow_bucket() {
    let mut t = Throttle::new(ThrottleConfig::default().with_max_tracked(1));
    fail(&mut t, b"tracked", s(0));
    for i in 0..10u32 {
        fail(&mut t, &i.to_be_bytes(), s(0));
    }
    assert!(t.check(b"someone else", s(0)).is_err());
    t.record_success(b"someone else");
    t.record_success(&3u32.to_be_bytes());
    assert!(t.check(b"someone else", s(0)).is_err());
}

#[test]
fn idle_keys_make_room_but_throttled_keys_never_do() {
    let config = ThrottleConfig::default()
        .with_max_tracked(2)
        .with_forget_after(Duration::from_secs(7200));
    let mut t = Throttle::new(config);
    fail(&mut t, b"typo", s(0)); // one failure, never throttled
    for _ in 0..10 {
        fail(&mut t, b"attacker", s(0));
    }
    // The attacker keeps guessing whenever allowed, for two hours.
    for minute in 0..=120 {
        let now = s(minute * 60);
        if t.check(b"attacker", now).is_ok() {
            fail(&mut t, b"attacker", now);
        }
    }
    let later = s(7200);
    fail(&mut t, b"newcomer", later);
    assert_eq!(t.tracked_keys(), 2);
    assert_eq!(t.check(b"newcomer", later), Ok(()), "tracked on its own");
    assert!(t.check(b"attacker", later).is_err(), "still throttled");
    // A third key finds no idle slot and lands in the overflow bucket.
    fail(&mut t, b"third", later);
    assert_eq!(t.tracked_keys(), 2);
}

#[test]
fn a_key_idle_long_enough_starts_over() {
    let mut t = Throttle::new(ThrottleConfig::default());
    for _ in 0..8 {
        fail(&mut t, b"admin", s(0));
    }
    assert_eq!(wait(&mut t, b"admin", s(0)), s(4));
    // 24 hours without failure and without a delay running: forgotten.
    let next_day = s(24 * 3600 + 4);
    fail(&mut t, b"admin", next_day);
    assert_eq!(t.check(b"admin", next_day), Ok(()), "counted from 1 again");
}

#[test]
fn a_clock_going_backwards_never_shortens_a_delay() {
    let mut t = Throttle::new(ThrottleConfig::default());
    for _ in 0..9 {
        fail(&mut t, b"admin", s(1000));
    }
    assert_eq!(wait(&mut t, b"admin", s(1000)), s(8));
    assert_eq!(
        wait(&mut t, b"admin", s(3)),
        s(8),
        "earlier reading is clamped"
    );
    assert_eq!(wait(&mut t, b"admin", s(1004)), s(4));
    assert_eq!(t.check(b"admin", s(1008)), Ok(()));
}

#[test]
fn snapshot_and_restore_keep_remaining_delays_across_a_reboot() {
    let config = ThrottleConfig::default();
    let mut t = Throttle::new(config);
    for _ in 0..12 {
        fail(&mut t, b"admin", s(5000)); // 7th over the free ones: 64 s
    }
    for _ in 0..6 {
        fail(&mut t, b"192.0.2.7", s(5000)); // 1 s
    }
    fail(&mut t, b"typo", s(5000));
    // 10 s pass before the power is cut.
    assert_eq!(wait(&mut t, b"admin", s(5010)), s(54));
    let saved = t.snapshot();
    assert_eq!(saved.len(), 17 + 3 * 24, "compact: 24 bytes per key");

    // After the reboot the monotonic clock starts near zero.
    let mut r = Throttle::restore(&saved, config).unwrap();
    assert_eq!(r.tracked_keys(), 3);
    assert_eq!(wait(&mut r, b"admin", s(2)), s(54), "remaining delay kept");
    assert_eq!(wait(&mut r, b"admin", s(30)), s(26));
    assert_eq!(r.check(b"192.0.2.7", s(2)), Ok(()), "its 1 s had passed");
    assert_eq!(r.check(b"admin", s(56)), Ok(()));
    // The count survived too: the next failure doubles to 128 s.
    fail(&mut r, b"admin", s(56));
    assert_eq!(wait(&mut r, b"admin", s(56)), s(128));
    // And a snapshot of the restored throttle restores the same way again.
    let again = Throttle::restore(&r.snapshot(), config).unwrap();
    assert_eq!(again.tracked_keys(), 3);
}

#[test]
fn restoring_into_a_smaller_table_forgives_nothing() {
    let big = ThrottleConfig::default().with_max_tracked(100);
    let mut t = Throttle::new(big);
    for i in 0..10u8 {
        for _ in 0..(6 + i) {
            fail(&mut t, &[i], s(0));
        }
    }
    let small = ThrottleConfig::default().with_max_tracked(3);
    let mut r = Throttle::restore(&t.snapshot(), small).unwrap();
    assert_eq!(r.tracked_keys(), 3);
    // The three worst keep their own delays…
    for i in 7..10u8 {
        assert_eq!(wait(&mut r, &[i], s(0)), s(1 << i), "key {i}");
    }
    // …and everyone else, now unknown, meets the worst of the dropped delays.
    assert_eq!(wait(&mut r, &[0], s(0)), s(1 << 6));
    assert_eq!(wait(&mut r, b"never seen", s(0)), s(1 << 6));
}

#[test]
fn malformed_snapshots_are_rejected() {
    let mut t = Throttle::new(ThrottleConfig::default());
    for k in [&b"a"[..], b"b", b"c"] {
        for _ in 0..7 {
            fail(&mut t, k, s(0));
        }
    }
    let good = t.snapshot();
    let config = ThrottleConfig::default();
    assert!(Throttle::restore(&good, config).is_ok());

    let mut cases: Vec<(Vec<u8>, &str)> = vec![
        (Vec::new(), "empty"),
        (good[..16].to_vec(), "short header"),
        (good[..good.len() - 1].to_vec(), "truncated entry"),
        ([&good[..], &[0]].concat(), "trailing byte"),
    ];
    let mut bad_magic = good.clone();
    bad_magic[0] ^= 1;
    cases.push((bad_magic, "magic"));
    let mut bad_version = good.clone();
    bad_version[4] = 2;
    cases.push((bad_version, "version"));
    let mut bad_count = good.clone();
    bad_count[5] = 4;
    cases.push((bad_count, "count"));
    // Entries out of order (swap the first two).
    let mut unsorted = good.clone();
    let (a, b) = (17..41, 41..65);
    let first = unsorted[a.clone()].to_vec();
    let second = unsorted[b.clone()].to_vec();
    unsorted[a].copy_from_slice(&second);
    unsorted[b].copy_from_slice(&first);
    cases.push((unsorted, "unsorted"));
    // A duplicate key.
    let mut duplicate = good.clone();
    let first = duplicate[17..33].to_vec();
    duplicate[41..57].copy_from_slice(&first);
    cases.push((duplicate, "duplicate"));
    // A tracked key without failures.
    let mut zero = good.clone();
    zero[33..37].copy_from_slice(&0u32.to_le_bytes());
    cases.push((zero, "zero failures"));
    // A delay longer than any configuration allows.
    let mut too_long = good.clone();
    let over = u32::try_from(ThrottleConfig::MAX_DELAY.as_millis() + 1).unwrap();
    too_long[37..41].copy_from_slice(&over.to_le_bytes());
    cases.push((too_long, "delay"));
    // A count claiming more than the hard maximum of keys.
    let mut huge = good[..17].to_vec();
    huge[5..9].copy_from_slice(&u32::MAX.to_le_bytes());
    cases.push((huge, "huge count"));

    for (bytes, what) in cases {
        assert_eq!(
            Throttle::restore(&bytes, config).map(|_| ()),
            Err(Error::MalformedSnapshot),
            "{what}"
        );
    }
}

#[test]
fn retry_after_is_readable() {
    let r: RetryAfter = {
        let mut t = Throttle::new(ThrottleConfig::default().with_free_attempts(0));
        fail(&mut t, b"k", s(0));
        t.check(b"k", Duration::from_millis(250)).unwrap_err()
    };
    assert_eq!(r.duration(), Duration::from_millis(750));
    assert_eq!(r.to_string(), "too many failed attempts: retry in 1 s");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// `restore` never panics, and whatever it accepts it writes back identically.
    #[test]
    fn restore_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(t) = Throttle::restore(&bytes, ThrottleConfig::default()) {
            prop_assert_eq!(t.snapshot(), bytes);
        }
    }

    /// Valid snapshots with a few bytes changed: never a panic either.
    #[test]
    fn restore_of_mutated_snapshots_never_panics(
        keys in 1u8..6,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let mut t = Throttle::new(ThrottleConfig::default());
        for k in 0..keys {
            for _ in 0..(k + 6) {
                t.record_failure(&[k], s(1));
            }
        }
        let mut bytes = t.snapshot();
        for (at, value) in flips {
            let i = at % bytes.len();
            bytes[i] ^= value;
        }
        let _ = Throttle::restore(&bytes, ThrottleConfig::default());
    }

    /// Whatever other keys do, a throttled key's delay never shrinks faster
    /// than time passes and memory never exceeds the bound.
    #[test]
    fn other_keys_cannot_shorten_a_delay(
        ops in proptest::collection::vec((0u8..40, any::<bool>(), 0u64..3), 0..300),
        max_tracked in 1usize..8,
    ) {
        let config = ThrottleConfig::default().with_max_tracked(max_tracked);
        let mut t = Throttle::new(config);
        for _ in 0..12 {
            t.record_failure(b"victim", s(0));
        }
        let mut now = s(0);
        let initial = t.check(b"victim", now).unwrap_err().duration();
        for (key, success, step) in ops {
            now += s(step);
            let key = [b'k', key];
            if success {
                t.record_success(&key);
            } else {
                t.record_failure(&key, now);
            }
            prop_assert!(t.tracked_keys() <= max_tracked);
            let remaining = t.check(b"victim", now).err().map_or(Duration::ZERO, |r| r.duration());
            prop_assert_eq!(remaining, initial.saturating_sub(now));
        }
    }
}
