//! The password generator and label entry (EN 303 645 5.1-1, 5.1-2).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]
#![cfg(feature = "std")]

mod common;

use common::{ReplayRng, TestDrbg, chi_square};
use iot_creds::rand_core::{TryCryptoRng, TryRng};
use iot_creds::{Alphabet, ConfigError, DevicePassword, EntryError, Error, GeneratorConfig, OsRng};
use proptest::prelude::*;

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Maps each symbol byte of `alphabet` to its index (255: not a symbol).
fn lookup(alphabet: &str) -> [u8; 256] {
    let mut table = [u8::MAX; 256];
    for (i, b) in alphabet.bytes().enumerate() {
        if let Some(slot) = table.get_mut(usize::from(b)) {
            *slot = i as u8;
        }
    }
    table
}

/// Calls `f` with each symbol index of a label (separators skipped).
fn for_each_index(label: &str, table: &[u8; 256], mut f: impl FnMut(usize, u8)) {
    for (pos, b) in label.bytes().filter(|&b| b != b'-').enumerate() {
        let i = table.get(usize::from(b)).copied().unwrap_or(u8::MAX);
        assert_ne!(i, u8::MAX, "not a symbol: {b}");
        f(pos, i);
    }
}

/// Packs the 16 five-bit symbols of a default password into 80 bits.
fn pack(label: &str, table: &[u8; 256]) -> u128 {
    let mut acc = 0u128;
    for_each_index(label, table, |_, i| acc = (acc << 5) | u128::from(i));
    acc
}

#[test]
fn default_password_is_16_crockford_symbols_in_groups_of_four() {
    let p = DevicePassword::generate(&mut OsRng::new()).unwrap();
    let label = p.expose_secret();
    assert_eq!(label.len(), 19);
    let groups: Vec<&str> = label.split('-').collect();
    assert_eq!(groups.len(), 4);
    for g in groups {
        assert_eq!(g.len(), 4);
        assert!(
            g.bytes().all(|b| CROCKFORD.as_bytes().contains(&b)),
            "{label}"
        );
    }
    assert_eq!(p.entropy_bits(), 80.0);
}

#[test]
fn one_million_passwords_from_the_os_generator_have_no_duplicate() {
    let mut rng = OsRng::new();
    let table = lookup(CROCKFORD);
    let mut packed: Vec<u128> = (0..1_000_000)
        .map(|_| {
            pack(
                DevicePassword::generate(&mut rng).unwrap().expose_secret(),
                &table,
            )
        })
        .collect();
    packed.sort_unstable();
    let before = packed.len();
    packed.dedup();
    assert_eq!(packed.len(), before, "duplicate passwords");
}

#[test]
fn symbol_frequencies_of_one_million_passwords_pass_chi_square_at_1_percent() {
    // A fixed-seed DRBG: the statistic is the same on every run, so a pass
    // or a failure is a property of the code, not of luck.
    let mut rng = TestDrbg::new(b"iot-creds chi-square, default alphabet");
    let mut per_symbol = [0u64; 32];
    let mut per_position = [[0u64; 32]; 16];
    let table = lookup(CROCKFORD);
    for _ in 0..1_000_000 {
        let p = DevicePassword::generate(&mut rng).unwrap();
        for_each_index(p.expose_secret(), &table, |pos, i| {
            per_symbol[usize::from(i)] += 1;
            per_position[pos][usize::from(i)] += 1;
        });
    }
    // Critical values of the chi-square distribution at 1 %.
    let overall = chi_square(&per_symbol);
    assert!(overall < 52.191, "df = 31: {overall}");
    let joint: Vec<u64> = per_position.iter().flatten().copied().collect();
    // Position × symbol independence: 16 × 32 cells against uniform, df = 511.
    let joint_stat = chi_square(&joint);
    assert!(joint_stat < 588.298, "df = 511: {joint_stat}");
}

/// Rejection sampling matters where the alphabet size does not divide 256:
/// a modulo would make the first `256 % n` symbols about 1/(256/n) more likely,
/// which these tests detect by a wide margin.
fn uniform_for(alphabet: &str, length: usize, passwords: usize, critical: f64) {
    let a = Alphabet::new(alphabet).unwrap();
    let config = GeneratorConfig::new()
        .with_alphabet(a)
        .with_length(length)
        .with_group_size(0);
    let mut rng = TestDrbg::new(alphabet.as_bytes());
    let mut counts = vec![0u64; a.len()];
    let table = lookup(alphabet);
    for _ in 0..passwords {
        let p = DevicePassword::generate_with(&mut rng, &config).unwrap();
        for_each_index(p.expose_secret(), &table, |_, i| {
            counts[usize::from(i)] += 1
        });
    }
    let stat = chi_square(&counts);
    assert!(stat < critical, "{alphabet}: chi-square {stat}");
}

#[test]
fn digits_are_uniform_despite_256_mod_10() {
    uniform_for("0123456789", 20, 200_000, 21.666); // df = 9
}

#[test]
fn thirty_three_symbols_are_uniform_despite_256_mod_33() {
    uniform_for("0123456789ABCDEFGHJKMNPQRSTUVWXYZ", 13, 200_000, 53.486); // df = 32
}

#[test]
fn modulo_bias_would_have_been_detected() {
    // The same statistic on what a biased `byte % 10` produces for all 256
    // byte values equally often: proof the tests above have the power to fail.
    let mut counts = [0u64; 10];
    for b in 0..=255u32 {
        counts[(b % 10) as usize] += 200_000 * 20 / 256;
    }
    assert!(chi_square(&counts) > 21.666 * 10.0);
}

#[test]
fn generate_equals_generate_with_the_default_configuration() {
    let a = DevicePassword::generate(&mut TestDrbg::new(b"same")).unwrap();
    let b = DevicePassword::generate_with(&mut TestDrbg::new(b"same"), &GeneratorConfig::new())
        .unwrap();
    assert_eq!(a.expose_secret(), b.expose_secret());
}

#[test]
fn configurations_under_64_bits_are_refused_unless_insecure() {
    let config = GeneratorConfig::new().with_length(12); // 60 bits
    let mut rng = OsRng::new();
    assert_eq!(
        DevicePassword::generate_with(&mut rng, &config).unwrap_err(),
        Error::InvalidConfig(ConfigError::InsufficientEntropy)
    );
    let p = DevicePassword::generate_with(&mut rng, &config.insecure_allow_low_entropy()).unwrap();
    assert_eq!(p.entropy_bits(), 60.0);
    // 13 symbols are 65 bits: accepted without the insecure option.
    assert!(
        DevicePassword::generate_with(&mut rng, &GeneratorConfig::new().with_length(13)).is_ok()
    );
    // 19 digits are 63.1 bits, 20 are 66.4.
    let digits = GeneratorConfig::new().with_alphabet(Alphabet::DIGITS);
    assert!(DevicePassword::generate_with(&mut rng, &digits.with_length(19)).is_err());
    assert!(DevicePassword::generate_with(&mut rng, &digits.with_length(20)).is_ok());
}

#[test]
fn invalid_configurations_are_refused() {
    let mut rng = OsRng::new();
    for (config, why) in [
        (
            GeneratorConfig::new().with_length(0),
            ConfigError::InvalidLength,
        ),
        (
            GeneratorConfig::new().with_length(65),
            ConfigError::InvalidLength,
        ),
        (
            GeneratorConfig::new()
                .with_alphabet(Alphabet::new("0123456789AB").unwrap())
                .with_length(30)
                .with_check_symbol(true),
            ConfigError::CheckSymbolUnsupported,
        ),
    ] {
        assert_eq!(
            DevicePassword::generate_with(&mut rng, &config).unwrap_err(),
            Error::InvalidConfig(why)
        );
    }
}

#[test]
fn entry_is_forgiving_about_case_spaces_dashes_and_look_alikes() {
    let config = GeneratorConfig::new();
    let canonical = "01AB-10CD-EF01-GHJK".to_string();
    let printed = DevicePassword::from_label_entry(&canonical, &config).unwrap();
    for typed in [
        canonical.to_lowercase(),
        canonical.replace('-', " "),
        canonical.replace('-', ""),
        canonical.replace('1', "I").replace('0', "O"),
        canonical.replace('1', "l").replace('0', "o"),
        canonical.replace('-', "\u{2013}"), // en dash from a PDF
        format!("  {}  ", canonical.replace('-', " - ")),
    ] {
        let entered = DevicePassword::from_label_entry(&typed, &config).unwrap();
        assert_eq!(
            entered.expose_secret(),
            printed.expose_secret(),
            "{typed:?}"
        );
    }
}

#[test]
fn entry_errors_carry_a_position_but_never_the_input() {
    let config = GeneratorConfig::new();
    let err = DevicePassword::from_label_entry("K7QM-X3PZ-9RTA-CW4U", &config).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidEntry(EntryError::InvalidSymbol { position: 18 })
    );
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("K7QM"), "{shown}");
    assert_eq!(
        DevicePassword::from_label_entry("K7QM-X3PZ", &config).unwrap_err(),
        Error::InvalidEntry(EntryError::WrongLength {
            expected: 16,
            found: 8
        })
    );
    assert_eq!(
        DevicePassword::from_label_entry(&"A".repeat(600), &config).unwrap_err(),
        Error::InvalidEntry(EntryError::TooLong)
    );
    assert_eq!(
        DevicePassword::from_label_entry("", &config).unwrap_err(),
        Error::InvalidEntry(EntryError::WrongLength {
            expected: 16,
            found: 0
        })
    );
}

#[test]
fn non_ascii_characters_are_not_read_as_symbols() {
    // Latin-1 letters and signs whose low seven bits spell a symbol (`Á` is
    // 0xC1, `A` 0x41; `°` is 0xB0, `0` 0x30) are typing errors, not symbols.
    let config = GeneratorConfig::new();
    for (typed, position) in [
        ("K7QM-X3PZ-9RTA-CW4\u{C1}", 18),
        ("\u{B0}7QM-X3PZ-9RTA-CW4H", 0),
        ("K7QM-X3PZ-9RT\u{C1}-CW4H", 13),
        ("K7QM-X3PZ-9RTA-CW4\u{B1}", 18),
    ] {
        assert_eq!(
            DevicePassword::from_label_entry(typed, &config).unwrap_err(),
            Error::InvalidEntry(EntryError::InvalidSymbol { position }),
            "{typed:?}"
        );
    }
}

#[test]
fn check_symbol_is_appended_and_verified_at_entry() {
    let config = GeneratorConfig::new()
        .with_length(15)
        .with_check_symbol(true);
    let p = DevicePassword::generate_with(&mut OsRng::new(), &config).unwrap();
    assert_eq!(p.expose_secret().len(), 19); // 16 symbols including the check symbol
    assert_eq!(p.entropy_bits(), 75.0);
    let ok = DevicePassword::from_label_entry(&p.expose_secret().to_lowercase(), &config).unwrap();
    assert_eq!(ok.expose_secret(), p.expose_secret());
    // Swap the first two symbols (if they differ) or change the first one.
    let mut chars: Vec<char> = p.expose_secret().chars().collect();
    if chars[0] != chars[1] {
        chars.swap(0, 1);
    } else {
        chars[0] = if chars[0] == 'A' { 'B' } else { 'A' };
    }
    let typo: String = chars.into_iter().collect();
    assert_eq!(
        DevicePassword::from_label_entry(&typo, &config).unwrap_err(),
        Error::InvalidEntry(EntryError::CheckSymbolMismatch)
    );
}

#[test]
fn debug_of_a_password_shows_no_symbol() {
    let p = DevicePassword::generate(&mut OsRng::new()).unwrap();
    let shown = format!("{p:?}");
    for group in p.expose_secret().split('-') {
        assert!(!shown.contains(group), "{shown}");
    }
    assert_eq!(
        shown,
        "DevicePassword { entropy_bits: 80.0, label: [REDACTED] }"
    );
}

/// Mangles a printed label the ways people type it.
fn mangle(label: &str, ops: &[u8]) -> String {
    let mut out = String::new();
    for (i, c) in label.chars().enumerate() {
        let op = ops.get(i).copied().unwrap_or(0);
        let c = match (c, op % 4) {
            ('-', 0) => "-".to_string(),
            ('-', 1) => " ".to_string(),
            ('-', 2) => String::new(),
            ('-', _) => "\u{2010}".to_string(),
            ('0', 1) => "O".to_string(),
            ('0', 2) => "o".to_string(),
            ('1', 1) => "I".to_string(),
            ('1', 2) => "l".to_string(),
            ('1', 3) => "L".to_string(),
            (c, 3) => c.to_ascii_lowercase().to_string(),
            (c, _) => c.to_string(),
        };
        out.push_str(&c);
        if op >= 250 {
            out.push(' ');
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Normalisation round trip: whatever way a printed label is typed
    /// (case, spaces, dashes, look-alikes), entry yields the printed label.
    #[test]
    fn typed_labels_normalise_to_the_printed_label(
        seed in proptest::collection::vec(any::<u8>(), 1..64),
        ops in proptest::collection::vec(any::<u8>(), 0..32),
        check in any::<bool>(),
        length in 13usize..=24,
    ) {
        let config = GeneratorConfig::new().with_length(length).with_check_symbol(check);
        let printed = DevicePassword::generate_with(&mut TestDrbg::new(&seed), &config).unwrap();
        let typed = mangle(printed.expose_secret(), &ops);
        let entered = DevicePassword::from_label_entry(&typed, &config).unwrap();
        prop_assert_eq!(entered.expose_secret(), printed.expose_secret());
    }

    /// Entry never panics and never accepts more or fewer symbols than configured.
    #[test]
    fn entry_never_panics(typed in ".{0,80}", check in any::<bool>()) {
        let config = GeneratorConfig::new().with_length(15).with_check_symbol(check);
        if let Ok(p) = DevicePassword::from_label_entry(&typed, &config) {
            prop_assert_eq!(p.expose_secret().len(), 19);
        }
    }
}

/// C10: a source stuck at any single value yields an error, never a
/// password, through `generate` and `generate_with` (0.1 gave
/// `0000-0000-0000-0000` for a source stuck at 0x00 through both, and
/// `ZZZZ-ZZZZ-ZZZZ-ZZZZ` for 0xFF through `generate`).
#[test]
fn a_source_stuck_at_any_value_yields_no_password() {
    let digits = GeneratorConfig::new()
        .with_alphabet(Alphabet::DIGITS)
        .with_length(20);
    for value in 0..=255u8 {
        let mut stuck = ReplayRng::new(vec![value]);
        assert_eq!(
            DevicePassword::generate(&mut stuck).map(|_| ()),
            Err(Error::RandomSourceFailed),
            "{value:#04x}"
        );
        for config in [GeneratorConfig::new(), digits] {
            assert_eq!(
                DevicePassword::generate_with(&mut stuck, &config).map(|_| ()),
                Err(Error::RandomSourceFailed),
                "{value:#04x}"
            );
        }
    }
}

/// C10: one alarm is retried, so a good source that happens to repeat a
/// byte four times still yields a password (from the second draw).
#[test]
fn one_health_test_alarm_draws_again() {
    let mut bytes = vec![9, 9, 9, 9];
    bytes.extend(0..16u8);
    bytes.extend(100..200u8); // never reached
    let mut source = ReplayRng::new(bytes);
    let p = DevicePassword::generate(&mut source).unwrap();
    // The first draw (bytes 0..16 of the stream) raised the alarm; the
    // second takes bytes 16..32: 12..=15, then 100..=111 (4..=15 mod 32).
    assert_eq!(p.expose_secret_symbols(), "CDEF456789ABCDEF");
}

/// A source whose reads fail, as a hardware TRNG can.
struct FailingTrng;

#[derive(Debug)]
struct TrngTimeout;

impl core::fmt::Display for TrngTimeout {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("trng timeout")
    }
}

impl core::error::Error for TrngTimeout {}

impl TryRng for FailingTrng {
    type Error = TrngTimeout;

    fn try_next_u32(&mut self) -> Result<u32, TrngTimeout> {
        Err(TrngTimeout)
    }

    fn try_next_u64(&mut self) -> Result<u64, TrngTimeout> {
        Err(TrngTimeout)
    }

    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), TrngTimeout> {
        Err(TrngTimeout)
    }
}

impl TryCryptoRng for FailingTrng {}

/// C13: a fallible source is accepted wherever randomness is drawn, and its
/// failure is an error, not a panic (0.1 took only infallible `CryptoRng`s).
#[test]
fn a_failing_trng_is_an_error_not_a_panic() {
    assert_eq!(
        DevicePassword::generate(&mut FailingTrng).map(|_| ()),
        Err(Error::RandomSourceUnavailable)
    );
    assert_eq!(
        DevicePassword::generate_with(&mut FailingTrng, &GeneratorConfig::new()).map(|_| ()),
        Err(Error::RandomSourceUnavailable)
    );
    let params = iot_creds::HashParams::insecure_low_cost(64, 1, 1).unwrap();
    assert_eq!(
        iot_creds::hash_password(b"pw", &params, &mut FailingTrng),
        Err(Error::RandomSourceUnavailable)
    );
    assert_eq!(
        iot_creds::factory::FactoryBatch::new(params)
            .run(&["SN-1"], &mut FailingTrng)
            .map(|_| ()),
        Err(Error::RandomSourceUnavailable)
    );
}

/// C11: what is hashed is the symbols, not the printed grouping: a factory
/// printing groups of 4 and a firmware reading groups of 5 agree.
#[test]
fn the_symbols_do_not_depend_on_the_grouping() {
    let factory = GeneratorConfig::new();
    let firmware = GeneratorConfig::new().with_group_size(5);
    let printed = DevicePassword::generate(&mut OsRng::new()).unwrap();
    let typed = DevicePassword::from_label_entry(printed.expose_secret(), &firmware).unwrap();
    assert_ne!(typed.expose_secret(), printed.expose_secret());
    assert_eq!(
        typed.expose_secret_symbols(),
        printed.expose_secret_symbols()
    );
    assert_eq!(printed.expose_secret_symbols().len(), factory.length());
}
