//! Brute-force throttling (EN 303 645 5.1-5), driven by a fake clock.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use core::time::Duration;
use std::sync::{Arc, Barrier, Mutex};

use iot_creds::{ClockId, Error, RetryAfter, Throttle, ThrottleConfig};
use proptest::prelude::*;

const SECRET: [u8; 32] = [0x5a; 32];
const BOOT: ClockId = ClockId::new([1; 16]);
const NEXT_BOOT: ClockId = ClockId::new([2; 16]);

const fn s(secs: u64) -> Duration {
    Duration::from_secs(secs)
}

fn throttle(config: ThrottleConfig) -> Throttle {
    Throttle::new(config, &SECRET, BOOT)
}

fn restore(bytes: &[u8], config: ThrottleConfig, clock: ClockId) -> Result<Throttle, Error> {
    Throttle::restore(bytes, config, &SECRET, clock)
}

/// One wrong guess of `key` at `now`: `Err` with the delay when refused
/// (nothing counted), `Ok` when allowed (counted as a failure).
fn guess(t: &mut Throttle, key: &[u8], now: Duration) -> Result<(), Duration> {
    t.begin(key, now).map(drop).map_err(|r| r.duration())
}

/// Makes `n` counted failures of `key` from `now`, waiting out each delay;
/// the time of the last one.
fn fail_n(t: &mut Throttle, key: &[u8], mut now: Duration, n: usize) -> Duration {
    let mut done = 0;
    while done < n {
        match guess(t, key, now) {
            Ok(()) => done += 1,
            Err(wait) => now += wait,
        }
    }
    now
}

/// Guesses `key` at `now` until refused; the number of guesses allowed.
fn guesses_until_refused(t: &mut Throttle, key: &[u8], now: Duration) -> usize {
    (0..1000).take_while(|_| guess(t, key, now).is_ok()).count()
}

#[test]
fn backoff_starts_after_five_free_attempts_and_doubles_to_one_hour() {
    let mut t = throttle(ThrottleConfig::default());
    let mut now = s(1000);
    for _ in 0..5 {
        assert_eq!(guess(&mut t, b"admin", now), Ok(()));
    }
    let mut delays = Vec::new();
    for _ in 0..16 {
        let d = guess(&mut t, b"admin", now).unwrap_err();
        delays.push(d.as_secs());
        // Waiting one millisecond less is not enough; the full delay is.
        assert!(guess(&mut t, b"admin", now + d - Duration::from_millis(1)).is_err());
        now += d;
        assert_eq!(guess(&mut t, b"admin", now), Ok(()));
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
    let mut t = throttle(ThrottleConfig::default());
    for _ in 0..5 {
        guess(&mut t, b"admin", s(10)).unwrap();
    }
    assert_eq!(guess(&mut t, b"admin", s(10)), Err(s(1)));
    let attempt = t.begin(b"admin", s(11)).unwrap();
    t.succeed(attempt);
    // The count starts over: five free attempts again.
    assert_eq!(guesses_until_refused(&mut t, b"admin", s(11)), 5);
}

#[test]
fn keys_are_independent() {
    let mut t = throttle(ThrottleConfig::default());
    guesses_until_refused(&mut t, b"admin", s(5));
    assert!(guess(&mut t, b"admin", s(5)).is_err());
    assert_eq!(guess(&mut t, b"operator", s(5)), Ok(()));
    assert_eq!(guess(&mut t, b"192.0.2.7", s(5)), Ok(()));
}

/// C1: `begin` counts the attempt before verification. With the lock held
/// only around `begin` (never during the slow verification), 8 threads
/// guessing in parallel get exactly what one thread guessing in sequence
/// gets: the free attempts, then one guess per delay. With the check/record
/// pair of 0.1, every thread that checked before the first failure was
/// recorded got through (the review's P1: 200 guesses per window).
#[test]
fn parallel_attempts_get_no_more_guesses_than_sequential_ones() {
    let config = ThrottleConfig::default();
    // One thread in sequence, at the same instants.
    let mut sequential = throttle(config);
    let windows = [s(1000), s(1001), s(1003), s(1007)];
    let expected: Vec<usize> = windows
        .iter()
        .map(|&now| guesses_until_refused(&mut sequential, b"admin", now))
        .collect();
    assert_eq!(expected, [5, 1, 1, 1]);

    let shared = Arc::new(Mutex::new(throttle(config)));
    let mut got = Vec::new();
    for &now in &windows {
        let barrier = Arc::new(Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let shared = Arc::clone(&shared);
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    let mut allowed = 0;
                    for _ in 0..50 {
                        let attempt = shared.lock().unwrap().begin(b"admin", now);
                        let Ok(attempt) = attempt else { break };
                        allowed += 1;
                        // The slow verification, without the lock: wrong.
                        std::thread::sleep(Duration::from_millis(2));
                        drop(attempt);
                    }
                    allowed
                })
            })
            .collect();
        got.push(
            threads
                .into_iter()
                .map(|h| h.join().unwrap())
                .sum::<usize>(),
        );
    }
    assert_eq!(got, expected);
}

/// C1: the failure is in the snapshot persisted before verification, so a
/// power cut during every verification (the IP-Box attack) loses no count.
/// With 0.1 nothing was counted until `record_failure` after verification.
#[test]
fn a_power_cut_during_verification_loses_no_count() {
    let config = ThrottleConfig::default();
    let mut saved = throttle(config).snapshot();
    let mut refused = None;
    for i in 0..6 {
        let mut t = restore(&saved, config, BOOT).unwrap();
        match t.begin(b"admin", s(100)) {
            Ok(attempt) => {
                saved = t.snapshot(); // persisted before verifying
                // The power is cut while hashing: nothing after this runs.
                drop(attempt);
            }
            Err(retry) => {
                refused = Some((i, retry.duration()));
                break;
            }
        }
    }
    assert_eq!(refused, Some((5, s(1))));
}

/// C2: a thousand sources against one account share the account's free
/// attempts; keying on "account|source" gave each source its own (the
/// review's P2: 5,126 guesses on one account at one instant).
#[test]
fn many_sources_against_one_account_share_its_free_attempts() {
    let mut t = throttle(ThrottleConfig::default());
    let now = s(1000);
    let mut allowed = 0;
    for ip in 0u32..1000 {
        let source = format!("10.0.{}.{}", ip >> 8, ip & 255);
        while t.begin_login(b"admin", source.as_bytes(), now).is_ok() {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 5);
    // Another account is not affected, and neither is the owner's later login.
    assert!(t.begin_login(b"operator", b"10.0.0.1", now).is_ok());
    let attempt = t.begin_login(b"admin", b"192.0.2.9", now + s(1)).unwrap();
    t.succeed(attempt);
    assert!(t.begin_login(b"admin", b"192.0.2.9", now + s(1)).is_ok());
}

/// C2: a source that guesses many accounts is slowed on its own.
#[test]
fn one_source_against_many_accounts_is_slowed() {
    let mut t = throttle(ThrottleConfig::default());
    let now = s(1000);
    let allowed = (0..100)
        .take_while(|i| {
            t.begin_login(format!("user{i}").as_bytes(), b"10.0.0.66", now)
                .is_ok()
        })
        .count();
    assert_eq!(allowed, 5);
    assert!(t.begin_login(b"user99", b"10.0.0.67", now).is_ok());
}

/// C2: a success refunds the source's attempt but does not reset it.
#[test]
fn a_success_refunds_one_attempt_of_its_source() {
    let mut t = throttle(ThrottleConfig::default());
    let now = s(10);
    for i in 0..4 {
        drop(
            t.begin_login(format!("u{i}").as_bytes(), b"src", now)
                .unwrap(),
        );
    }
    let attempt = t.begin_login(b"owner", b"src", now).unwrap();
    t.succeed(attempt);
    // 4 failures stay counted against the source: one more is free.
    drop(t.begin_login(b"x", b"src", now).unwrap());
    assert_eq!(
        t.begin_login(b"y", b"src", now)
            .map(drop)
            .unwrap_err()
            .duration(),
        s(1)
    );
}

#[test]
fn flooding_with_new_keys_does_not_unlock_a_throttled_key() {
    let config = ThrottleConfig::default().with_max_tracked(8);
    let mut t = throttle(config);
    // The attacker's own key gets throttled for a long time.
    let now = fail_n(&mut t, b"attacker", s(100), 20);
    let before = guess(&mut t, b"attacker", now).unwrap_err();
    assert_eq!(before, s(3600));
    // Then floods the table with thousands of fresh keys.
    for i in 0..5000u32 {
        let _ = guess(&mut t, &i.to_be_bytes(), now);
    }
    assert_eq!(t.tracked_keys(), 8, "memory stays bounded");
    assert_eq!(
        guess(&mut t, b"attacker", now),
        Err(before),
        "not evicted, not reset"
    );
    // The flood itself ends up throttled: unknown keys share the overflow bucket.
    assert!(guess(&mut t, b"fresh key", now).is_err());
    assert!(guess(&mut t, &4999u32.to_be_bytes(), now).is_err());
    // Keys that were tracked before the flood keep their own state.
    assert!(guess(&mut t, &0u32.to_be_bytes(), now).is_ok());
}

#[test]
fn a_valid_login_does_not_reset_the_shared_overflow_bucket() {
    let mut t = throttle(ThrottleConfig::default().with_max_tracked(1));
    guess(&mut t, b"tracked", s(0)).unwrap();
    for i in 0..10u32 {
        let _ = guess(&mut t, &i.to_be_bytes(), s(0));
    }
    let someone = t.begin(b"someone else", s(0));
    assert!(someone.is_err());
    assert!(guess(&mut t, b"someone else", s(0)).is_err());
}

/// C3: a key counted in the overflow bucket keeps its delay when a slot
/// frees up (the review's P3a: the owner's login gave the attacker 6 fresh
/// failures at the same instant).
#[test]
fn a_key_from_the_overflow_bucket_stays_throttled_when_a_slot_frees() {
    let mut t = throttle(ThrottleConfig::default().with_max_tracked(1));
    let now = s(100);
    let owner = t.begin(b"owner", now).unwrap(); // tracked; table full
    let later = fail_n(&mut t, b"attacker", now, 12); // overflow bucket
    let blocked = guess(&mut t, b"attacker", later).unwrap_err();
    t.succeed(owner); // the owner's slot is free again
    assert_eq!(guess(&mut t, b"attacker", later), Err(blocked));
    assert_eq!(
        guesses_until_refused(&mut t, b"attacker", later + blocked),
        1
    );
}

/// C3: `restore` into a smaller table forgives nothing, even after a slot
/// frees (the review's P3b: the folded attacker's count restarted from 0).
#[test]
fn restoring_into_a_smaller_table_forgives_nothing() {
    let big = ThrottleConfig::default().with_max_tracked(100);
    let mut t = throttle(big);
    for i in 0..10u8 {
        for _ in 0..(6 + i) {
            let _ = guess(&mut t, &[i], s(0));
        }
    }
    // Each key i has 5 free attempts and is refused after them.
    let small = ThrottleConfig::default().with_max_tracked(3);
    let mut r = restore(&t.snapshot(), small, BOOT).unwrap();
    assert_eq!(r.tracked_keys(), 3);
    // Every key is refused, the dropped ones with the worst of their delays.
    for i in 0..10u8 {
        assert_eq!(guess(&mut r, &[i], s(0)), Err(s(1)), "key {i}");
    }
    assert_eq!(guess(&mut r, b"never seen", s(0)), Err(s(1)));

    // A key folded into the bucket, after a tracked key's success frees a slot.
    let cfg = ThrottleConfig::default();
    let mut t = throttle(cfg);
    let now = fail_n(&mut t, b"attacker", s(100), 19);
    let now = fail_n(&mut t, b"owner", now, 20); // the owner's delay ends last
    let mut r = restore(&t.snapshot(), cfg.with_max_tracked(1), BOOT).unwrap();
    assert_eq!(r.tracked_keys(), 1);
    let owner = r.begin(b"owner", now + s(3600)).unwrap();
    r.succeed(owner); // the owner logs in after their delay: a slot is free
    let later = now + s(3600);
    // The attacker's 20th failure is allowed, and costs an hour again.
    assert_eq!(guesses_until_refused(&mut r, b"attacker", later), 1);
    assert_eq!(guess(&mut r, b"attacker", later), Err(s(3600)));
}

#[test]
fn idle_keys_make_room_but_throttled_keys_never_do() {
    let config = ThrottleConfig::default()
        .with_max_tracked(2)
        .with_forget_after(Duration::from_secs(7200));
    let mut t = throttle(config);
    guess(&mut t, b"typo", s(0)).unwrap(); // one failure, never throttled
    // The attacker keeps guessing whenever allowed, for two hours.
    for minute in 0..=120 {
        let _ = guesses_until_refused(&mut t, b"attacker", s(minute * 60));
    }
    let later = s(7200);
    guess(&mut t, b"newcomer", later).unwrap();
    assert_eq!(t.tracked_keys(), 2);
    assert_eq!(
        guess(&mut t, b"newcomer", later),
        Ok(()),
        "tracked on its own"
    );
    assert!(
        guess(&mut t, b"attacker", later).is_err(),
        "still throttled"
    );
    // A third key finds no idle slot and lands in the overflow bucket.
    guess(&mut t, b"third", later).unwrap();
    assert_eq!(t.tracked_keys(), 2);
}

#[test]
fn a_key_idle_long_enough_starts_over() {
    let mut t = throttle(ThrottleConfig::default());
    for _ in 0..5 {
        guess(&mut t, b"admin", s(0)).unwrap();
    }
    assert_eq!(guess(&mut t, b"admin", s(0)), Err(s(1)));
    // 24 hours without failure and without a delay running: forgotten.
    let next_day = s(24 * 3600 + 1);
    assert_eq!(guesses_until_refused(&mut t, b"admin", next_day), 5);
}

#[test]
fn a_clock_going_backwards_never_shortens_a_delay() {
    let mut t = throttle(ThrottleConfig::default());
    let last = fail_n(&mut t, b"admin", s(1000), 8);
    assert_eq!(last, s(1007));
    assert_eq!(guess(&mut t, b"admin", s(1007)), Err(s(8)));
    assert_eq!(
        guess(&mut t, b"admin", s(3)),
        Err(s(8)),
        "earlier reading is clamped"
    );
    assert_eq!(guess(&mut t, b"admin", s(1011)), Err(s(4)));
    assert_eq!(guess(&mut t, b"admin", s(1015)), Ok(()));
}

/// C4: fingerprints are keyed with the device's secret: enumerating the
/// address space against a snapshot finds nothing (the review's P4 found
/// `192.168.77.23` among unkeyed BLAKE2b fingerprints in 50 ms).
#[test]
fn a_snapshot_does_not_reveal_which_address_failed() {
    use blake2::digest::consts::U16;
    use blake2::digest::{FixedOutput, Update};
    use blake2::{Blake2b128, Blake2bMac, Digest};

    let mut t = throttle(ThrottleConfig::default());
    guess(&mut t, b"192.168.77.23", s(5)).unwrap();
    let snap = t.snapshot();
    let stored = &snap[61..77];
    let other_secret = [0x11; 32];
    for c in 0u32..=255 {
        for d in 0u32..=255 {
            let candidate = format!("192.168.{c}.{d}");
            for prefix in [&[][..], &[0], &[1], &[2]] {
                let input = [prefix, candidate.as_bytes()].concat();
                let plain: [u8; 16] = Blake2b128::digest(&input).into();
                assert_ne!(&plain[..], stored, "{candidate}");
                let mut mac = Blake2bMac::<U16>::new_with_salt_and_personal(
                    Some(&other_secret[..]),
                    &[],
                    b"iot-creds thrtl",
                )
                .unwrap();
                mac.update(&input);
                let keyed: [u8; 16] = mac.finalize_fixed().into();
                assert_ne!(&keyed[..], stored, "{candidate}");
            }
        }
    }
    // And a snapshot restored under another secret is refused, not forgiven.
    assert_eq!(
        Throttle::restore(&snap, ThrottleConfig::default(), &other_secret, BOOT).map(drop),
        Err(Error::SnapshotKeyMismatch)
    );
}

/// C12: within one boot (another process, same clock) deadlines are kept as
/// they are; after a reboot (another clock) the remaining delays run again
/// from the new clock's first reading.
#[test]
fn snapshot_and_restore_keep_deadlines_in_a_boot_and_delays_across_a_reboot() {
    let config = ThrottleConfig::default();
    let mut t = throttle(config);
    for _ in 0..12 {
        let _ = guess(&mut t, b"admin", s(5000)); // 5 free, then refused at 1 s
    }
    let mut now = s(5000);
    for _ in 0..6 {
        now += guess(&mut t, b"admin", now).unwrap_err();
        guess(&mut t, b"admin", now).unwrap();
    } // 11 failures: the next waits 64 s, from 5063 s
    assert_eq!(now, s(5063));
    guess(&mut t, b"typo", now).unwrap();
    assert_eq!(guess(&mut t, b"admin", s(5073)), Err(s(54)));
    let saved = t.snapshot();
    assert_eq!(saved.len(), 61 + 2 * 36, "compact: 36 bytes per key");

    // Another process of the same boot: the deadline is where it was.
    let mut same = restore(&saved, config, BOOT).unwrap();
    assert_eq!(same.tracked_keys(), 2);
    assert_eq!(guess(&mut same, b"admin", s(5100)), Err(s(27)));
    assert_eq!(guess(&mut same, b"admin", s(5127)), Ok(()));
    assert_eq!(
        guess(&mut same, b"admin", s(5127)),
        Err(s(128)),
        "count kept"
    );

    // After a reboot the monotonic clock starts near zero.
    let mut r = restore(&saved, config, NEXT_BOOT).unwrap();
    assert_eq!(r.snapshot(), saved, "unchanged until the new clock is read");
    assert_eq!(
        guess(&mut r, b"admin", s(2)),
        Err(s(54)),
        "remaining delay kept"
    );
    assert_eq!(guess(&mut r, b"admin", s(30)), Err(s(26)));
    assert_eq!(guess(&mut r, b"admin", s(56)), Ok(()));
    assert_eq!(guess(&mut r, b"admin", s(56)), Err(s(128)), "count kept");
    // A snapshot of the restored throttle restores the same way again.
    let again = restore(&r.snapshot(), config, NEXT_BOOT).unwrap();
    assert_eq!(again.tracked_keys(), 2);
}

#[test]
fn malformed_snapshots_are_rejected() {
    let mut t = throttle(ThrottleConfig::default());
    for k in [&b"a"[..], b"b", b"c"] {
        guesses_until_refused(&mut t, k, s(7));
    }
    let good = t.snapshot();
    let config = ThrottleConfig::default();
    assert!(restore(&good, config, BOOT).is_ok());
    let (h, e) = (61, 36);

    let mut cases: Vec<(Vec<u8>, &str)> = vec![
        (Vec::new(), "empty"),
        (good[..40].to_vec(), "short header"),
        (good[..good.len() - 1].to_vec(), "truncated entry"),
        ([&good[..], &[0]].concat(), "trailing byte"),
    ];
    let mut bad_magic = good.clone();
    bad_magic[0] ^= 1;
    cases.push((bad_magic, "magic"));
    let mut bad_version = good.clone();
    bad_version[4] = 1;
    cases.push((bad_version, "version"));
    let mut bad_count = good.clone();
    bad_count[37] = 4;
    cases.push((bad_count, "count"));
    // Entries out of order (swap the first two).
    let mut unsorted = good.clone();
    let (a, b) = (h..h + e, h + e..h + 2 * e);
    let first = unsorted[a.clone()].to_vec();
    let second = unsorted[b.clone()].to_vec();
    unsorted[a].copy_from_slice(&second);
    unsorted[b].copy_from_slice(&first);
    cases.push((unsorted, "unsorted"));
    // A duplicate key.
    let mut duplicate = good.clone();
    let first = duplicate[h..h + 16].to_vec();
    duplicate[h + e..h + e + 16].copy_from_slice(&first);
    cases.push((duplicate, "duplicate"));
    // A tracked key without failures.
    let mut zero = good.clone();
    zero[h + 16..h + 20].copy_from_slice(&0u32.to_le_bytes());
    cases.push((zero, "zero failures"));
    // A deadline further than any configuration allows.
    let mut too_long = good.clone();
    let over = 7000 + u64::try_from(ThrottleConfig::MAX_DELAY.as_millis()).unwrap() + 1;
    too_long[h + 20..h + 28].copy_from_slice(&over.to_le_bytes());
    cases.push((too_long, "delay"));
    // A failure after the snapshot was taken.
    let mut future = good.clone();
    future[h + 28..h + 36].copy_from_slice(&7001u64.to_le_bytes());
    cases.push((future, "failure after the snapshot"));
    // An empty overflow bucket with a deadline.
    let mut ghost = good.clone();
    ghost[41 + 4..41 + 12].copy_from_slice(&1u64.to_le_bytes());
    cases.push((ghost, "overflow without failures"));
    // A count claiming more than the hard maximum of keys.
    let mut huge = good[..h].to_vec();
    huge[37..41].copy_from_slice(&u32::MAX.to_le_bytes());
    cases.push((huge, "huge count"));

    for (bytes, what) in cases {
        assert_eq!(
            restore(&bytes, config, BOOT).map(|_| ()),
            Err(Error::MalformedSnapshot),
            "{what}"
        );
    }
}

#[test]
fn retry_after_is_readable() {
    let r: RetryAfter = {
        let mut t = throttle(ThrottleConfig::default().with_free_attempts(1));
        guess(&mut t, b"k", s(0)).unwrap();
        t.begin(b"k", Duration::from_millis(250)).unwrap_err()
    };
    assert_eq!(r.duration(), Duration::from_millis(750));
    assert_eq!(r.to_string(), "too many failed attempts: retry in 1 s");
}

#[test]
fn debug_shows_no_secret() {
    let t = throttle(ThrottleConfig::default());
    let shown = format!("{t:?}");
    assert!(shown.contains("secret: [REDACTED]"), "{shown}");
    assert!(!shown.contains("90"), "{shown}"); // 0x5a
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// `restore` never panics, and whatever it accepts it writes back identically.
    #[test]
    fn restore_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(t) = restore(&bytes, ThrottleConfig::default(), BOOT) {
            prop_assert_eq!(t.snapshot(), bytes);
        }
    }

    /// Valid snapshots with a few bytes changed: never a panic either, and
    /// on either clock what is accepted is written back identically.
    #[test]
    fn restore_of_mutated_snapshots_never_panics(
        keys in 1u8..6,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let mut t = throttle(ThrottleConfig::default());
        for k in 0..keys {
            for _ in 0..(k + 6) {
                let _ = guess(&mut t, &[k], s(1));
            }
        }
        let mut bytes = t.snapshot();
        for (at, value) in flips {
            let i = at % bytes.len();
            bytes[i] ^= value;
        }
        for clock in [BOOT, NEXT_BOOT] {
            if let Ok(r) = restore(&bytes, ThrottleConfig::default(), clock) {
                prop_assert_eq!(r.snapshot(), bytes.clone());
            }
        }
    }

    /// Whatever other keys do, a throttled key's delay never shrinks faster
    /// than time passes and memory never exceeds the bound.
    #[test]
    fn other_keys_cannot_shorten_a_delay(
        ops in proptest::collection::vec((0u8..40, any::<bool>(), 0u64..3), 0..300),
        max_tracked in 1usize..8,
    ) {
        let config = ThrottleConfig::default().with_max_tracked(max_tracked);
        let mut t = throttle(config);
        // Throttled for an hour, longer than the 600 s the operations span,
        // so guessing it only reads its delay.
        let mut now = fail_n(&mut t, b"victim", s(0), 20);
        let start = now;
        let initial = guess(&mut t, b"victim", now).unwrap_err();
        for (key, success, step) in ops {
            now += s(step);
            let key = [b'k', key];
            match t.begin(&key, now) {
                Ok(attempt) if success => t.succeed(attempt),
                Ok(attempt) => drop(attempt),
                Err(_) => {}
            }
            prop_assert!(t.tracked_keys() <= max_tracked);
            let remaining = guess(&mut t, b"victim", now).err().unwrap_or(Duration::ZERO);
            prop_assert_eq!(remaining, initial.saturating_sub(now - start));
        }
    }
}
