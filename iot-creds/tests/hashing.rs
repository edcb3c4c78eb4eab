//! Argon2id password storage (EN 303 645 5.1-3) and password change (5.1-4).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]
#![cfg(feature = "std")]

use core::time::Duration;

use iot_creds::{
    Attempt, ClockId, CostLimit, Error, HashParams, OsRng, PasswordHasher, PasswordPolicy, Pepper,
    PolicyViolation, Throttle, ThrottleConfig, hash_password, needs_rehash, verify_password,
};
use proptest::prelude::*;

/// RFC 9106 §5: every vector hashes password 32 × 0x01 with salt 16 × 0x02,
/// secret 8 × 0x03 and associated data 12 × 0x04, m = 32 KiB, t = 3, p = 4,
/// version 19. The tags are those of §5.1 (Argon2d), §5.2 (Argon2i) and
/// §5.3 (Argon2id), written as PHC strings (associated data in `data=`).
const RFC9106: [(&str, &str); 3] = [
    (
        "argon2d",
        "$argon2d$v=19$m=32,t=3,p=4,data=BAQEBAQEBAQEBAQE$AgICAgICAgICAgICAgICAg$USs5G28RYpdTcdMJGXNClPho4745hPPBoTpNufq+Sss",
    ),
    (
        "argon2i",
        "$argon2i$v=19$m=32,t=3,p=4,data=BAQEBAQEBAQEBAQE$AgICAgICAgICAgICAgICAg$yBTZ0dx/N6oT8Nd/JJS9ocjeawFt04jSmVKkxGcrbOg",
    ),
    (
        "argon2id",
        "$argon2id$v=19$m=32,t=3,p=4,data=BAQEBAQEBAQEBAQE$AgICAgICAgICAgICAgICAg$DWQN9Y14dmwIwDejSotTydAe8EUtdbZetSUg6WsB5lk",
    ),
];

const RFC_PASSWORD: [u8; 32] = [0x01; 32];

fn rfc_pepper() -> Pepper {
    // The RFC's secret input K goes in through the crate's pepper.
    // No identifier: the RFC vectors have no `keyid`.
    Pepper::new(b"", &[0x03; 8]).unwrap()
}

/// Cheap parameters for tests that are about logic, not cost.
fn cheap() -> HashParams {
    HashParams::insecure_low_cost(64, 1, 1).unwrap()
}

/// A throttle that lets the password-change tests through.
fn lenient() -> Throttle {
    Throttle::new(
        ThrottleConfig::default().with_free_attempts(ThrottleConfig::MAX_FREE_ATTEMPTS),
        &[9; 32],
        ClockId::new([0; 16]),
    )
}

fn attempt(t: &mut Throttle) -> Attempt {
    t.begin_login(b"admin", b"test", Duration::from_secs(1))
        .unwrap()
}

#[test]
fn rfc9106_known_answers_verify_through_the_pepper_path() {
    let pepper = rfc_pepper();
    let hasher = PasswordHasher::new(HashParams::owasp()).with_pepper(&pepper);
    for (variant, phc) in RFC9106 {
        assert_eq!(hasher.verify(&RFC_PASSWORD, phc), Ok(()), "{variant}");
    }
}

#[test]
fn rfc9106_vectors_fail_without_the_right_pepper_or_password() {
    let wrong_pepper = Pepper::new(b"", &[0x04; 8]).unwrap();
    let wrong = PasswordHasher::new(HashParams::owasp()).with_pepper(&wrong_pepper);
    let pepper = rfc_pepper();
    let right = PasswordHasher::new(HashParams::owasp()).with_pepper(&pepper);
    let mut other_password = RFC_PASSWORD;
    other_password[31] ^= 1;
    for (variant, phc) in RFC9106 {
        assert_eq!(
            wrong.verify(&RFC_PASSWORD, phc),
            Err(Error::Verification),
            "{variant}"
        );
        assert_eq!(
            verify_password(&RFC_PASSWORD, phc),
            Err(Error::Verification),
            "{variant}"
        );
        assert_eq!(
            right.verify(&other_password, phc),
            Err(Error::Verification),
            "{variant}"
        );
        // One flipped bit of the tag: the last base64 character changed.
        let mut flipped = phc.to_string();
        let last = flipped.pop().unwrap();
        flipped.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(
            right.verify(&RFC_PASSWORD, &flipped),
            Err(Error::Verification),
            "{variant}"
        );
    }
}

/// The committed `tests/data/libargon2_phc.txt`: (comment, password, PHC).
fn libargon2_vectors() -> Vec<(String, String, String)> {
    let text = include_str!("data/libargon2_phc.txt");
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with("# argon2"))
        .unwrap();
    let vectors: Vec<_> = lines[first..]
        .chunks(3)
        .map(|c| (c[0].to_string(), c[1].to_string(), c[2].to_string()))
        .collect();
    assert_eq!(vectors.len(), 7);
    vectors
}

#[test]
fn hashes_made_by_libargon2_verify() {
    for (what, password, phc) in libargon2_vectors() {
        assert_eq!(verify_password(password.as_bytes(), &phc), Ok(()), "{what}");
        let wrong = format!("{password}x");
        assert_eq!(
            verify_password(wrong.as_bytes(), &phc),
            Err(Error::Verification),
            "{what}"
        );
    }
}

#[test]
fn missing_version_means_version_16_as_libargon2_reads_it() {
    let (_, password, phc) = libargon2_vectors()
        .into_iter()
        .find(|(what, _, _)| what.contains("0x10"))
        .unwrap();
    let without_version = phc.replace("$v=16", "");
    assert_ne!(without_version, phc);
    assert_eq!(
        verify_password(password.as_bytes(), &without_version),
        Ok(())
    );
    // Claiming version 19 for the same bytes gives a different hash.
    let as_19 = phc.replace("$v=16", "$v=19");
    assert_eq!(
        verify_password(password.as_bytes(), &as_19),
        Err(Error::Verification)
    );
}

#[test]
fn new_hashes_are_argon2id_owasp_with_a_fresh_salt() {
    let mut rng = OsRng::new();
    let a = hash_password(b"river piano lantern", &HashParams::owasp(), &mut rng).unwrap();
    let b = hash_password(b"river piano lantern", &HashParams::owasp(), &mut rng).unwrap();
    assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
    assert_ne!(a, b, "same salt twice");
    let fields: Vec<&str> = a.split('$').collect();
    assert_eq!(fields.len(), 6);
    assert_eq!(fields[4].len(), 22); // 16-byte salt in unpadded base64
    assert_eq!(fields[5].len(), 43); // 32-byte output
    assert_eq!(verify_password(b"river piano lantern", &a), Ok(()));
    assert_eq!(
        verify_password(b"river piano lanterN", &a),
        Err(Error::Verification)
    );
    assert_eq!(verify_password(b"", &a), Err(Error::Verification));
}

#[test]
fn every_mismatch_is_the_same_opaque_error() {
    let mut rng = OsRng::new();
    let phc = hash_password(b"correct", &cheap(), &mut rng).unwrap();
    let errors: Vec<Error> = [&b"wrong"[..], b"", b"correct ", b"Correct", &[0xff; 64]]
        .iter()
        .map(|pw| verify_password(pw, &phc).unwrap_err())
        .collect();
    assert!(
        errors.iter().all(|e| *e == Error::Verification),
        "{errors:?}"
    );
    assert_eq!(
        Error::Verification.to_string(),
        "password verification failed"
    );
}

#[test]
fn over_long_passwords_are_refused_before_hashing() {
    let mut rng = OsRng::new();
    let long = vec![b'a'; 1025];
    assert_eq!(
        hash_password(&long, &cheap(), &mut rng),
        Err(Error::PasswordTooLong)
    );
    let phc = hash_password(&long[..1024], &cheap(), &mut rng).unwrap();
    assert_eq!(verify_password(&long[..1024], &phc), Ok(()));
    assert_eq!(verify_password(&long, &phc), Err(Error::PasswordTooLong));
}

#[test]
fn needs_rehash_after_a_policy_change() {
    let mut rng = OsRng::new();
    let old_params = HashParams::insecure_low_cost(1024, 1, 1).unwrap();
    let phc = hash_password(b"river piano lantern", &old_params, &mut rng).unwrap();
    assert_eq!(needs_rehash(&phc, &old_params), Ok(false));
    // The maker raises the cost: the stored hash is now out of date.
    assert_eq!(needs_rehash(&phc, &HashParams::owasp()), Ok(true));
    let t3 = HashParams::insecure_low_cost(1024, 3, 1).unwrap();
    assert_eq!(needs_rehash(&phc, &t3), Ok(true));
    let p2 = HashParams::insecure_low_cost(1024, 1, 2).unwrap();
    assert_eq!(needs_rehash(&phc, &p2), Ok(true));
    // Rehash at the next successful login: verify, then store the new hash.
    assert_eq!(verify_password(b"river piano lantern", &phc), Ok(()));
    let upgraded = hash_password(b"river piano lantern", &HashParams::owasp(), &mut rng).unwrap();
    assert_eq!(needs_rehash(&upgraded, &HashParams::owasp()), Ok(false));
    // Hashes from another implementation are judged the same way: only the
    // one with exactly Argon2id v19, OWASP parameters, 16-byte salt and
    // 32-byte output is current; other variants, versions, costs are not.
    for (what, _, phc) in libargon2_vectors() {
        let current = what == "# argon2id, OWASP parameters";
        assert_eq!(
            needs_rehash(&phc, &HashParams::owasp()),
            Ok(!current),
            "{what}"
        );
    }
    assert_eq!(
        needs_rehash("$argon2id$v=19$m=19456", &HashParams::owasp()),
        Err(Error::MalformedHash)
    );
}

#[test]
fn change_password_old_stops_working_new_works() {
    let mut rng = OsRng::new();
    let params = HashParams::owasp();
    let policy = PasswordPolicy::default();
    let old = "K7QM-X3PZ-9RTA-CW4H";
    let phc = hash_password(old.as_bytes(), &params, &mut rng).unwrap();
    let mut t = lenient();

    let a = attempt(&mut t);
    let new_phc = PasswordHasher::new(params)
        .change_password(
            &mut t,
            a,
            old,
            "glacier velvet comet",
            &phc,
            &policy,
            &[],
            &mut rng,
        )
        .unwrap();
    assert_eq!(verify_password(b"glacier velvet comet", &new_phc), Ok(()));
    assert_eq!(
        verify_password(old.as_bytes(), &new_phc),
        Err(Error::Verification)
    );
    assert_eq!(needs_rehash(&new_phc, &params), Ok(false));
}

#[test]
fn change_password_verifies_the_old_password_first() {
    let mut rng = OsRng::new();
    let params = cheap();
    let hasher = PasswordHasher::new(params);
    let policy = PasswordPolicy::default();
    let phc = hash_password(b"K7QM-X3PZ-9RTA-CW4H", &params, &mut rng).unwrap();
    let mut t = lenient();
    // A wrong old password is refused even when the new one is also bad:
    // an unauthenticated caller learns nothing about the policy.
    let a = attempt(&mut t);
    assert_eq!(
        hasher.change_password(&mut t, a, "guess", "admin", &phc, &policy, &[], &mut rng),
        Err(Error::Verification)
    );
    let a = attempt(&mut t);
    assert_eq!(
        hasher.change_password(
            &mut t,
            a,
            "guess",
            "glacier velvet comet",
            &phc,
            &policy,
            &[],
            &mut rng
        ),
        Err(Error::Verification)
    );
}

/// C8: a change-password form is no unthrottled way to test passwords: it
/// takes an attempt begun on the throttle, and a wrong old password leaves
/// it counted, so guesses through it stop after the free attempts. (0.1's
/// `change_password` took no attempt: it verified any number of guesses.)
/// The right old password refunds the attempt, whatever the policy says.
#[test]
fn change_password_is_throttled_like_a_login() {
    let mut rng = OsRng::new();
    let params = cheap();
    let hasher = PasswordHasher::new(params);
    let policy = PasswordPolicy::default();
    let old = "tundra maple harbor";
    let phc = hash_password(old.as_bytes(), &params, &mut rng).unwrap();
    let mut t = Throttle::new(ThrottleConfig::default(), &[9; 32], ClockId::new([0; 16]));
    let now = Duration::from_secs(10);
    let mut guessed = 0;
    for i in 0..20 {
        let Ok(a) = t.begin_login(b"admin", b"web", now) else {
            break;
        };
        let guess = format!("guess {i}");
        assert_eq!(
            hasher.change_password(
                &mut t,
                a,
                &guess,
                "glacier velvet comet",
                &phc,
                &policy,
                &[],
                &mut rng
            ),
            Err(Error::Verification)
        );
        guessed += 1;
    }
    assert_eq!(guessed, 5);
    // The owner, after the delay: a policy refusal still refunds the attempt.
    let later = now + Duration::from_secs(1);
    let a = t.begin_login(b"admin", b"owner", later).unwrap();
    assert_eq!(
        hasher.change_password(&mut t, a, old, "admin123", &phc, &policy, &[], &mut rng),
        Err(Error::Policy(PolicyViolation::KnownDefault))
    );
    assert!(t.begin_login(b"admin", b"owner", later).is_ok());
}

#[test]
fn change_password_applies_the_policy() {
    let mut rng = OsRng::new();
    let params = cheap();
    let policy = PasswordPolicy::default();
    let old = "tundra maple harbor";
    let phc = hash_password(old.as_bytes(), &params, &mut rng).unwrap();
    let hasher = PasswordHasher::new(params);
    let mut t = lenient();
    let mut refused = |new: &str, rng: &mut OsRng| {
        let a = attempt(&mut t);
        hasher
            .change_password(&mut t, a, old, new, &phc, &policy, &[], rng)
            .unwrap_err()
    };
    assert_eq!(
        refused(old, &mut rng),
        Error::Policy(PolicyViolation::SameAsCurrent)
    );
    assert_eq!(
        refused("admin123", &mut rng),
        Error::Policy(PolicyViolation::KnownDefault)
    );
    assert_eq!(
        refused("short", &mut rng),
        Error::Policy(PolicyViolation::TooShort { min_chars: 8 })
    );
    // Context words (user name, model...) are refused too.
    assert_eq!(
        {
            let mut t = lenient();
            let a = attempt(&mut t);
            hasher.change_password(
                &mut t,
                a,
                old,
                "alice loves cats",
                &phc,
                &policy,
                &["Alice"],
                &mut rng,
            )
        },
        Err(Error::Policy(PolicyViolation::ContextWord { index: 0 }))
    );
    let err = refused("admin123", &mut rng);
    assert_eq!(
        err.to_string(),
        "new password refused: known_default: this is a default password that IoT botnets \
         such as Mirai try (EN 303 645 5.1-1)"
    );
}

#[test]
fn pepper_is_required_to_verify_peppered_hashes() {
    let mut rng = OsRng::new();
    let pepper = Pepper::new(b"p1", &[0x42; 32]).unwrap();
    let peppered = PasswordHasher::new(cheap()).with_pepper(&pepper);
    let phc = peppered.hash(b"glacier velvet comet", &mut rng).unwrap();
    assert_eq!(peppered.verify(b"glacier velvet comet", &phc), Ok(()));
    assert_eq!(
        verify_password(b"glacier velvet comet", &phc),
        Err(Error::UnknownPepper)
    );
    // The same name with other bytes: a wrong pepper, one opaque error.
    let other = Pepper::new(b"p1", &[0x43; 32]).unwrap();
    assert_eq!(
        PasswordHasher::new(cheap())
            .with_pepper(&other)
            .verify(b"glacier velvet comet", &phc),
        Err(Error::Verification)
    );
}

#[test]
fn cost_limit_is_configurable_and_applies_to_hashing_too() {
    let mut rng = OsRng::new();
    let phc = hash_password(b"pw-pw-pw-pw", &HashParams::owasp(), &mut rng).unwrap();
    let small = PasswordHasher::new(cheap()).with_cost_limit(CostLimit::new(8 * 1024, 4, 1));
    assert_eq!(
        small.verify(b"pw-pw-pw-pw", &phc),
        Err(Error::CostLimitExceeded)
    );
    // It refuses to make a hash it would refuse to verify.
    let big =
        PasswordHasher::new(HashParams::owasp()).with_cost_limit(CostLimit::new(8 * 1024, 4, 1));
    assert_eq!(big.hash(b"pw", &mut rng), Err(Error::CostLimitExceeded));
    // The default verifier's bound is 256 MiB.
    let m_257 = "$argon2id$v=19$m=263168,t=1,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(verify_password(b"pw", m_257), Err(Error::CostLimitExceeded));
}

#[test]
fn errors_never_contain_the_password_or_hash() {
    let mut rng = OsRng::new();
    let phc = hash_password(b"secret-words-here", &cheap(), &mut rng).unwrap();
    for e in [
        verify_password(b"guess-words-here", &phc).unwrap_err(),
        verify_password(b"secret-words-here", &phc[..phc.len() - 4]).unwrap_err(),
    ] {
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("words"), "{shown}");
        assert!(!shown.contains("argon2"), "{shown}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Verification never panics on arbitrary strings, PHC-shaped or not.
    #[test]
    fn verify_never_panics(
        password in proptest::collection::vec(any::<u8>(), 0..40),
        phc in "(\\$argon2(id|i|d|x)(\\$v=(16|19|[0-9]{1,3}))?\\$(m=[0-9]{1,4},t=[0-9],p=[0-9](,data=[A-Za-z0-9+/]{0,12})?)?(\\$[A-Za-z0-9+/]{0,30}){0,3})|.{0,60}",
    ) {
        // A tight limit keeps each accidental valid string cheap.
        let hasher = PasswordHasher::new(HashParams::owasp()).with_cost_limit(CostLimit::new(256, 2, 2));
        let _ = hasher.verify(&password, &phc);
        let _ = hasher.needs_rehash(&phc);
    }

    /// Any password up to the maximum round-trips through hash and verify.
    #[test]
    fn hash_verify_round_trip(password in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut rng = OsRng::new();
        let phc = hash_password(&password, &HashParams::insecure_low_cost(8, 1, 1).unwrap(), &mut rng).unwrap();
        prop_assert_eq!(verify_password(&password, &phc), Ok(()));
        let mut other = password.clone();
        other.push(0);
        prop_assert_eq!(verify_password(&other, &phc), Err(Error::Verification));
    }
}

/// Against the reference command-line tool, live: random passwords and salts
/// hashed by `argon2` (libargon2) verify here, wrong passwords do not.
#[test]
#[ignore = "interop: needs argon2 (Debian package argon2); run by .ci/run"]
fn interop_libargon2_cli_hashes_verify() {
    use iot_creds::rand_core::Rng;
    use std::io::Write;
    use std::process::{Command, Stdio};

    let mut rng = OsRng::new();
    let text = |rng: &mut OsRng, n: usize| -> String {
        (0..n)
            .map(|_| {
                char::from(b"abcdefghijkmnopqrstuvwxyz23456789"[(rng.next_u32() % 33) as usize])
            })
            .collect()
    };
    for (variant, k, t, p) in [
        ("-id", 19456, 2, 1),
        ("-id", 4096, 3, 4),
        ("-i", 4096, 3, 1),
        ("-d", 4096, 3, 1),
    ] {
        let password = text(&mut rng, 20);
        let salt = text(&mut rng, 16);
        let mut child = Command::new("argon2")
            .args([
                &salt,
                variant,
                "-t",
                &t.to_string(),
                "-k",
                &k.to_string(),
                "-p",
                &p.to_string(),
                "-e",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the argon2 command-line tool");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(password.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let phc = String::from_utf8(out.stdout).unwrap().trim().to_string();
        assert_eq!(verify_password(password.as_bytes(), &phc), Ok(()), "{phc}");
        assert_eq!(
            verify_password(format!("{password}!").as_bytes(), &phc),
            Err(Error::Verification)
        );
    }
}

/// A well-formed PHC string with the given parameters (the hash itself is
/// arbitrary: these strings must be refused before anything is computed).
fn planted(m_kib: u32, t: u32) -> String {
    format!(
        "$argon2id$v=19$m={m_kib},t={t},p=1$AgICAgICAgICAgICAgICAg$DWQN9Y14dmwIwDejSotTydAe8EUtdbZetSUg6WsB5lk"
    )
}

/// C6: verification cost is bounded by what the device configured: a
/// hasher refuses, before allocating, a stored hash of more than 2× its own
/// memory or 2× its own memory × passes, and `verify_password` caps memory ×
/// passes. A planted 256 MiB × 16-pass hash is refused at once (0.1 accepted
/// it under the default limit and ran Argon2 over 4 GiB of blocks).
#[test]
fn verification_cost_is_bounded_by_the_configured_parameters() {
    let owasp = PasswordHasher::new(HashParams::owasp()); // 19 MiB, 2 passes
    let huge = planted(256 * 1024, 16);
    assert_eq!(owasp.verify(b"pw", &huge), Err(Error::CostLimitExceeded));
    assert_eq!(verify_password(b"pw", &huge), Err(Error::CostLimitExceeded));
    // Twice the memory is the most; twice the work too.
    assert_eq!(
        owasp.verify(b"pw", &planted(2 * 19 * 1024 + 1, 1)),
        Err(Error::CostLimitExceeded)
    );
    assert_eq!(
        owasp.verify(b"pw", &planted(19 * 1024, 5)),
        Err(Error::CostLimitExceeded)
    );
    // Within both bounds: computed (and wrong).
    assert_eq!(
        owasp.verify(b"pw", &planted(19 * 1024, 4)),
        Err(Error::Verification)
    );
}

/// C6: after a downward recalibration, the previous, higher parameters are
/// accepted only when the caller says so (the migration path).
#[test]
fn previous_higher_parameters_are_accepted_when_allowed() {
    let mut rng = OsRng::new();
    let before = HashParams::new(64 * 1024, 3, 1).unwrap();
    let phc = hash_password(b"pw", &before, &mut rng).unwrap();
    let after = PasswordHasher::new(HashParams::owasp());
    assert_eq!(after.verify(b"pw", &phc), Err(Error::CostLimitExceeded));
    let migrating = after.accept_previous_params(before);
    assert_eq!(migrating.verify(b"pw", &phc), Ok(()));
    assert_eq!(migrating.needs_rehash(&phc), Ok(true));
}

/// C11: a pepper is named in the PHC string (its `keyid`), so a pepper can
/// be introduced for a fleet with existing hashes and rotated later without
/// locking anyone out. (0.1 wrote no `keyid`: a hasher with a pepper refused
/// every existing hash, and `needs_rehash` said `false`.)
#[test]
fn peppers_are_named_in_the_hash_and_can_be_introduced_and_rotated() {
    let mut rng = OsRng::new();
    let params = cheap();
    let unpeppered = hash_password(b"pw", &params, &mut rng).unwrap();
    let k1 = Pepper::new(b"k1", &[0x42; 32]).unwrap();
    let with_k1 = PasswordHasher::new(params).with_pepper(&k1);
    // Introduced: old hashes still verify, and are due for a rehash.
    assert_eq!(with_k1.verify(b"pw", &unpeppered), Ok(()));
    assert_eq!(with_k1.needs_rehash(&unpeppered), Ok(true));
    let peppered = with_k1.hash(b"pw", &mut rng).unwrap();
    assert!(peppered.contains(",keyid=azE$"), "{peppered}");
    assert_eq!(with_k1.needs_rehash(&peppered), Ok(false));
    // Without the pepper it does not verify.
    assert_eq!(verify_password(b"pw", &peppered), Err(Error::UnknownPepper));
    // Rotated: k2 for new hashes, k1 still accepted until rehashed.
    let k2 = Pepper::new(b"k2", &[0x43; 32]).unwrap();
    let rotated = PasswordHasher::new(params)
        .with_pepper(&k2)
        .accept_previous_pepper(&k1);
    assert_eq!(rotated.verify(b"pw", &peppered), Ok(()));
    assert_eq!(
        rotated.verify(b"wrong", &peppered),
        Err(Error::Verification)
    );
    assert_eq!(rotated.needs_rehash(&peppered), Ok(true));
    let only_k2 = PasswordHasher::new(params).with_pepper(&k2);
    assert_eq!(only_k2.verify(b"pw", &peppered), Err(Error::UnknownPepper));
}
