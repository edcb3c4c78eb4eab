//! The check symbol catches every single substitution and every swap of
//! neighbouring symbols: checked exhaustively over every symbol pair, at every
//! position, for every alphabet size that supports a check symbol.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod common;

use common::{ReplayRng, TestDrbg};
use iot_creds::rand_core::Rng;
use iot_creds::{Alphabet, ConfigError, DevicePassword, EntryError, Error, GeneratorConfig};

const SYMBOLS: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SUPPORTED: [usize; 14] = [3, 4, 5, 7, 8, 11, 13, 16, 17, 19, 23, 29, 31, 32];
const DATA_SYMBOLS: usize = 8;

fn config(n: usize) -> GeneratorConfig {
    GeneratorConfig::new()
        .with_alphabet(Alphabet::new(&SYMBOLS[..n]).unwrap())
        .with_length(DATA_SYMBOLS)
        .with_group_size(0)
        .with_check_symbol(true)
        // 8 symbols of a small alphabet are below 64 bits; irrelevant here.
        .insecure_allow_low_entropy()
}

/// The label whose random symbols are exactly `data` (indices below `n`).
/// Each index `d` at position `j` is fed as the byte `d + n × (j mod 4)`:
/// below `4n ≤ 128`, so the rejection sampler accepts it and maps it back
/// to `d`, and no two neighbouring bytes are equal, so the generator's
/// repetition count test never sees a run.
fn label(config: &GeneratorConfig, data: &[u8]) -> Vec<u8> {
    let n = config.alphabet().len() as u8;
    let bytes = data
        .iter()
        .enumerate()
        .map(|(j, &d)| d + n * (j % 4) as u8)
        .collect();
    let p = DevicePassword::generate_with(&mut ReplayRng::new(bytes), config).unwrap();
    p.expose_secret().as_bytes().to_vec()
}

fn assert_rejected(config: &GeneratorConfig, typed: &[u8], what: &str) {
    let typed = std::str::from_utf8(typed).unwrap();
    assert_eq!(
        DevicePassword::from_label_entry(typed, config).map(|_| ()),
        Err(Error::InvalidEntry(EntryError::CheckSymbolMismatch)),
        "{what}: {typed}"
    );
}

#[test]
fn every_single_substitution_is_caught() {
    let mut rng = TestDrbg::new(b"substitutions");
    for n in SUPPORTED {
        let config = config(n);
        let symbols = &SYMBOLS.as_bytes()[..n];
        let mut checked = 0;
        // For every position (the check symbol's included) and every pair
        // (original, replacement) of distinct symbols.
        for position in 0..=DATA_SYMBOLS {
            for original in 0..n {
                let mut data: Vec<u8> = (0..DATA_SYMBOLS)
                    .map(|_| (rng.next_u32() % n as u32) as u8)
                    .collect();
                if position < DATA_SYMBOLS {
                    data[position] = original as u8;
                }
                let good = label(&config, &data);
                assert!(
                    DevicePassword::from_label_entry(std::str::from_utf8(&good).unwrap(), &config)
                        .is_ok()
                );
                for &replacement in symbols {
                    if replacement == good[position] {
                        continue;
                    }
                    let mut typo = good.clone();
                    typo[position] = replacement;
                    assert_rejected(&config, &typo, "substitution");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, (DATA_SYMBOLS + 1) * n * (n - 1), "n = {n}");
    }
}

#[test]
fn every_swap_of_neighbouring_distinct_symbols_is_caught() {
    let mut rng = TestDrbg::new(b"transpositions");
    for n in SUPPORTED {
        let config = config(n);
        let mut checked = 0;
        // Neighbouring data symbols: every ordered pair (a, b), a ≠ b.
        for position in 0..DATA_SYMBOLS - 1 {
            for a in 0..n as u8 {
                for b in 0..n as u8 {
                    if a == b {
                        continue;
                    }
                    let mut data: Vec<u8> = (0..DATA_SYMBOLS)
                        .map(|_| (rng.next_u32() % n as u32) as u8)
                        .collect();
                    data[position] = a;
                    data[position + 1] = b;
                    let mut typo = label(&config, &data);
                    typo.swap(position, position + 1);
                    assert_rejected(&config, &typo, "swap");
                    checked += 1;
                }
            }
        }
        // The last data symbol and the check symbol: every last symbol with
        // varied prefixes (the check symbol follows from the data).
        for last in 0..n as u8 {
            for _ in 0..n {
                let mut data: Vec<u8> = (0..DATA_SYMBOLS)
                    .map(|_| (rng.next_u32() % n as u32) as u8)
                    .collect();
                data[DATA_SYMBOLS - 1] = last;
                let mut typo = label(&config, &data);
                if typo[DATA_SYMBOLS - 1] == typo[DATA_SYMBOLS] {
                    continue; // swapping equal symbols changes nothing
                }
                typo.swap(DATA_SYMBOLS - 1, DATA_SYMBOLS);
                assert_rejected(&config, &typo, "swap with check symbol");
                checked += 1;
            }
        }
        assert!(checked >= (DATA_SYMBOLS - 1) * n * (n - 1), "n = {n}");
    }
}

#[test]
fn default_alphabet_label_with_check_symbol_round_trips() {
    let config = GeneratorConfig::new()
        .with_length(15)
        .with_check_symbol(true);
    let mut rng = TestDrbg::new(b"round trip");
    for _ in 0..1000 {
        let p = DevicePassword::generate_with(&mut rng, &config).unwrap();
        let back = DevicePassword::from_label_entry(p.expose_secret(), &config).unwrap();
        assert_eq!(back.expose_secret(), p.expose_secret());
    }
}

#[test]
fn alphabet_sizes_without_a_field_refuse_a_check_symbol() {
    for n in [2, 6, 9, 10, 12, 33] {
        let alphabet = if n == 33 {
            Alphabet::new("0123456789ABCDEFGHJKMNPQRSTUVWXYZ").unwrap()
        } else {
            Alphabet::new(&SYMBOLS[..n]).unwrap()
        };
        let config = GeneratorConfig::new()
            .with_alphabet(alphabet)
            .with_length(64)
            .with_check_symbol(true);
        assert_eq!(
            config.validate(),
            Err(Error::InvalidConfig(ConfigError::CheckSymbolUnsupported)),
            "n = {n}"
        );
    }
}
