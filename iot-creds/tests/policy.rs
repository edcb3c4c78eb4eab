//! The password policy (EN 303 645 5.1-1, 5.1-2, 5.1-4, 5.1-5).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use iot_creds::{Error, PasswordPolicy, PolicyViolation};
use proptest::prelude::*;

/// Every case variant worth trying: as listed, lower, upper, and alternating.
fn case_variants(s: &str) -> Vec<String> {
    let alternating: String = s
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 0 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let inverted: String = alternating
        .chars()
        .map(|c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    vec![
        s.to_string(),
        s.to_lowercase(),
        s.to_uppercase(),
        alternating,
        inverted,
    ]
}

#[test]
fn every_mirai_password_is_rejected_in_any_case() {
    let table = iot_creds::__mirai_credentials();
    assert_eq!(table.len(), 62, "the full table of scanner.c");
    for policy in [PasswordPolicy::default(), PasswordPolicy::single_factor()] {
        for &(_, password) in table {
            for variant in case_variants(password) {
                let verdict = policy.check(&variant, &[]);
                if password.is_empty() {
                    // Mirai also tries an empty password; it is simply too short.
                    assert!(matches!(verdict, Err(PolicyViolation::TooShort { .. })));
                } else {
                    assert_eq!(verdict, Err(PolicyViolation::KnownDefault), "{variant:?}");
                }
            }
        }
    }
}

#[test]
fn mirai_table_contains_the_passwords_the_issue_names() {
    let passwords: Vec<&str> = iot_creds::__mirai_credentials()
        .iter()
        .map(|&(_, p)| p)
        .collect();
    for expected in [
        "xc3511",
        "vizxv",
        "7ujMko0admin",
        "7ujMko0vizxv",
        "Zte521",
        "hi3518",
        "jvbzd",
        "anko",
        "zlxx.",
        "klv123",
        "klv1234",
        "ikwb",
        "dreambox",
        "realtek",
        "meinsm",
        "smcadmin",
        "juantech",
        "xmhdipc",
        "00000000",
        "1111111",
        "fucker",
    ] {
        assert!(passwords.contains(&expected), "{expected}");
    }
}

#[test]
fn vendor_defaults_are_rejected_in_any_case() {
    let policy = PasswordPolicy::default();
    for default in iot_creds::__known_defaults() {
        for variant in case_variants(default) {
            assert_eq!(
                policy.check(&variant, &[]),
                Err(PolicyViolation::KnownDefault),
                "{variant:?}"
            );
        }
    }
    for named in ["admin", "password", "default", "1234", "raspberry", "ubnt"] {
        assert_eq!(policy.check(named, &[]), Err(PolicyViolation::KnownDefault));
    }
}

#[test]
fn predictable_variations_of_defaults_are_rejected() {
    let policy = PasswordPolicy::default();
    for variation in [
        "admin123",
        "Admin123!",
        "ADMIN2024",
        "p@ssw0rd",
        "Passw0rd!",
        "r00t1234",
        "!!default!!",
        "raspberry1",
        "xc3511xc3511x", // repetition is caught later, but the default first
    ] {
        let verdict = policy.check(variation, &[]);
        assert!(
            matches!(
                verdict,
                Err(PolicyViolation::KnownDefault | PolicyViolation::Repetitive)
            ),
            "{variation}: {verdict:?}"
        );
    }
}

#[test]
fn defaults_ending_or_starting_in_digits_are_seen_through_added_digits_and_symbols() {
    // Mirai's most tried password and its numeric defaults with digits or
    // symbols added at either end: the entry itself ends in digits, so
    // stripping everything but letters from the ends cannot find it.
    let policy = PasswordPolicy::default();
    for variation in [
        "xc3511!!",
        "Zte521!!",
        "Zte5212024",
        "123456!!",
        "!!123456",
        "12345678!",
        "#54321#!",
    ] {
        let verdict = policy.check(variation, &[]);
        assert!(
            matches!(
                verdict,
                Err(PolicyViolation::KnownDefault | PolicyViolation::CommonPassword)
            ),
            "{variation}: {verdict:?}"
        );
    }
    // Letters added are not a variation: the entry must cover every letter.
    for fine in [
        "xc3511 harbour lamp",
        "zte521 is my old router",
        "blue 123456 kite",
    ] {
        assert_eq!(policy.check(fine, &[]), Ok(()), "{fine}");
    }
}

#[test]
fn common_passwords_are_rejected() {
    let policy = PasswordPolicy::default();
    for common in [
        "qwerty123",
        "iloveyou",
        "sunshine",
        "trustno1",
        "starwars",
        "Dragon2023",
    ] {
        assert_eq!(
            policy.check(common, &[]),
            Err(PolicyViolation::CommonPassword),
            "{common}"
        );
    }
}

#[test]
fn length_window() {
    let policy = PasswordPolicy::default();
    assert_eq!(
        policy.check("tqx9vbw", &[]),
        Err(PolicyViolation::TooShort { min_chars: 8 })
    );
    assert!(policy.check("tqx9vbwz", &[]).is_ok());
    // Unicode characters count one each: 8 characters, 16 bytes.
    assert!(policy.check("ÿøüéàçñß", &[]).is_ok());
    assert_eq!(
        policy.check("ÿøüéàçñ", &[]),
        Err(PolicyViolation::TooShort { min_chars: 8 })
    );
    // At least 64 characters are accepted; over 1,024 bytes are not.
    let long_ok: String =
        (0..400).map(|i| format!("{i:x}-")).collect::<String>()[..1024].to_string();
    assert!(policy.check(&long_ok, &[]).is_ok());
    let too_long = format!("{long_ok}x");
    assert_eq!(
        policy.check(&too_long, &[]),
        Err(PolicyViolation::TooLong { max_bytes: 1024 })
    );
    let single = PasswordPolicy::single_factor();
    assert_eq!(
        single.check("river piano la", &[]),
        Err(PolicyViolation::TooShort { min_chars: 15 })
    );
    assert!(single.check("river piano lan", &[]).is_ok());
    assert_eq!(
        PasswordPolicy::default().with_min_chars(7),
        Err(Error::InvalidPolicy)
    );
    assert_eq!(
        PasswordPolicy::default().with_min_chars(65),
        Err(Error::InvalidPolicy)
    );
    assert_eq!(
        PasswordPolicy::default()
            .with_min_chars(12)
            .unwrap()
            .min_chars(),
        12
    );
}

#[test]
fn no_composition_rules() {
    // Lower case only, no digit, no symbol: fine when long and unpredictable.
    assert!(
        PasswordPolicy::default()
            .check("glacier velvet comet", &[])
            .is_ok()
    );
    assert!(PasswordPolicy::default().check("zqvxwmtkrp", &[]).is_ok());
}

#[test]
fn context_words_are_rejected_case_insensitively_and_inside() {
    let policy = PasswordPolicy::default();
    let context = [
        "alice",
        "AcmeCam",
        "X200",
        "SN-123456789",
        "AA:BB:CC:11:22:33",
        "HomeNet-5G",
    ];
    let cases = [
        ("alice-in-wonderland", 0),
        ("ALICEisgreat", 0),
        ("my acmecam rocks", 1),
        ("camera-x200-pro", 2),
        ("serial123456789!", 3),
        ("aabbcc112233xyz", 4),
        ("HOMENET5G is mine", 5),
    ];
    for (candidate, index) in cases {
        assert_eq!(
            policy.check(candidate, &context),
            Err(PolicyViolation::ContextWord { index }),
            "{candidate}"
        );
    }
    // Short context words are ignored rather than rejecting everything.
    assert!(policy.check("glacier velvet comet", &["al", "x"]).is_ok());
    // Non-ASCII context words compare case-insensitively too.
    assert_eq!(
        policy.check("ÖSTERREICH-router", &["österreich"]),
        Err(PolicyViolation::ContextWord { index: 0 })
    );
}

#[test]
fn pieces_of_a_context_word_much_longer_than_the_password_are_still_found() {
    // An SSID or serial field can be far longer than the password; its pieces
    // still count on their own (`k3j9v7q2` of this one is in the candidate).
    let policy = PasswordPolicy::default();
    let ssid = "Vodafone Home Network (upstairs living room) K3J9V7Q2 extender";
    assert!(ssid.len() > 4 * "k3j9v7q2!x".len());
    assert_eq!(
        policy.check("k3j9v7q2!x", &[ssid]),
        Err(PolicyViolation::ContextWord { index: 0 })
    );
    let serial = "Serial number: SN-ABCD1234EFGH (rev B, manufactured 2024)";
    assert_eq!(
        policy.check("abcd1234efgh", &["alice", serial]),
        Err(PolicyViolation::ContextWord { index: 1 })
    );
}

#[test]
fn repetitive_and_sequential_strings_are_rejected() {
    let policy = PasswordPolicy::default();
    for s in [
        "zzzzzzzzzz",
        "kxkxkxkxkx",
        "abcabcabcabc",
        "wombatwombat",
        "78787878787",
    ] {
        assert_eq!(
            policy.check(s, &[]),
            Err(PolicyViolation::Repetitive),
            "{s}"
        );
    }
    // Also the vendor default `9999` with digits added, which is checked first.
    assert!(matches!(
        policy.check("99999999999", &[]),
        Err(PolicyViolation::KnownDefault | PolicyViolation::Repetitive)
    ));
    for s in [
        "abcdefghij",
        "hgfedcbaz"[..8].as_ref(),
        "3456789012"[..7].as_ref(),
        "qwertyuiop",
        "lkjhgfdsa",
        "zxcvbnm,",
    ] {
        let verdict = policy.check(s, &[]);
        assert!(
            matches!(
                verdict,
                Err(PolicyViolation::Sequential
                    | PolicyViolation::CommonPassword
                    | PolicyViolation::TooShort { .. })
            ),
            "{s}: {verdict:?}"
        );
    }
    assert_eq!(
        policy.check("abcdefghij", &[]),
        Err(PolicyViolation::Sequential)
    );
    assert_eq!(
        policy.check("zyxwvuts", &[]),
        Err(PolicyViolation::Sequential)
    );
    // Also Mirai's `54321` with digits added, which is checked first.
    assert!(matches!(
        policy.check("76543210", &[]),
        Err(PolicyViolation::KnownDefault | PolicyViolation::Sequential)
    ));
    assert_eq!(
        policy.check("lkjhgfdsa", &[]),
        Err(PolicyViolation::Sequential)
    );
}

#[test]
fn reason_codes_and_provisions() {
    let expected = [
        (
            PolicyViolation::TooShort { min_chars: 8 },
            "too_short",
            "5.1-5",
        ),
        (
            PolicyViolation::TooLong { max_bytes: 1024 },
            "too_long",
            "5.1-5",
        ),
        (PolicyViolation::KnownDefault, "known_default", "5.1-1"),
        (PolicyViolation::CommonPassword, "common_password", "5.1-1"),
        (
            PolicyViolation::ContextWord { index: 2 },
            "context_word",
            "5.1-2",
        ),
        (PolicyViolation::Repetitive, "repetitive", "5.1-5"),
        (PolicyViolation::Sequential, "sequential", "5.1-5"),
        (PolicyViolation::SameAsCurrent, "same_as_current", "5.1-4"),
    ];
    for (violation, code, provision) in expected {
        assert_eq!(violation.code(), code);
        assert_eq!(violation.provision(), provision);
        let shown = violation.to_string();
        assert!(shown.starts_with(&format!("{code}: ")), "{shown}");
        assert!(
            shown.ends_with(&format!("(EN 303 645 {provision})")),
            "{shown}"
        );
    }
    assert_eq!(
        PolicyViolation::KnownDefault.to_string(),
        "known_default: this is a default password that IoT botnets such as Mirai try (EN 303 645 5.1-1)"
    );
    assert_eq!(
        PolicyViolation::ContextWord { index: 2 }.to_string(),
        "context_word: contains context word #2 (such as the user name, model or serial number) (EN 303 645 5.1-2)"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The policy never panics, and a verdict never contains the candidate.
    #[test]
    fn policy_never_panics(
        candidate in ".{0,80}",
        context in proptest::collection::vec(".{0,24}", 0..6),
        single in any::<bool>(),
    ) {
        let policy = if single { PasswordPolicy::single_factor() } else { PasswordPolicy::default() };
        let words: Vec<&str> = context.iter().map(String::as_str).collect();
        if let Err(v) = policy.check(&candidate, &words) {
            // (Short candidates could be a word of the explanation itself.)
            if candidate.chars().count() >= 10 {
                prop_assert!(!v.to_string().contains(&candidate));
            }
        }
    }

    /// Over-long input is refused whatever it contains (bytes, not characters).
    #[test]
    fn over_long_input_is_refused(extra in "[a-zé]{1,40}") {
        let candidate = format!("{}{}", "q".repeat(1024), extra);
        prop_assert_eq!(
            PasswordPolicy::default().check(&candidate, &[]),
            Err(PolicyViolation::TooLong { max_bytes: 1024 })
        );
    }

    /// Any accepted password is at least the minimum length.
    #[test]
    fn accepted_passwords_meet_the_minimum(candidate in "[a-z0-9 ]{0,20}") {
        if PasswordPolicy::default().check(&candidate, &[]).is_ok() {
            prop_assert!(candidate.chars().count() >= 8);
        }
    }
}

/// C7: separators do not hide blocklisted words: the letters-and-digits form
/// is checked too, as the repetition of a word and as two or more listed
/// words joined (all of these were accepted by 0.1: the review's P5).
#[test]
fn separators_do_not_hide_blocklisted_words() {
    let policy = PasswordPolicy::default();
    for candidate in [
        "pass word",
        "pass_word",
        "p a s s w o r d",
        "pass.word1",
        "root admin",
        "ad-min-admin",
        "password password",
        "admin-root-1234",
        "Dragon.Monkey",
    ] {
        assert!(policy.check(candidate, &[]).is_err(), "{candidate:?}");
    }
    // Passphrases of ordinary words stay accepted.
    for candidate in [
        "glacier velvet comet",
        "lantern-otter-rainfall",
        "river piano lantern",
    ] {
        assert_eq!(policy.check(candidate, &[]), Ok(()), "{candidate:?}");
    }
}
