//! The optional check symbol: catches every single mistyped symbol and every
//! swap of two neighbouring symbols before the (slow) hash is even computed.
//!
//! # How it works
//!
//! Symbols are read as elements `d_0 … d_{N-1}` of a finite field with as many
//! elements as the alphabet has symbols: the integers modulo `n` when `n` is a
//! prime, GF(2^k) when `n = 2^k`. The checksum folds them as
//! `s ← 2·s + d` (Horner's rule), so the final value is
//! `Σ 2^(N-1-i) · d_i`; the check symbol is the one that makes it zero.
//!
//! - A single substitution `d_j → d_j'` changes the sum by
//!   `2^(N-1-j) · (d_j' − d_j)`, a product of non-zero field elements, so never
//!   zero.
//! - Swapping neighbours `d_j ≠ d_{j+1}` changes it by
//!   `2^(N-2-j) · (2 − 1) · (d_j − d_{j+1})`, again non-zero because `2 − 1 ≠ 0`
//!   (in GF(2^k), `2` is the polynomial `x` and `x + 1 ≠ 0`).
//!
//! This is a Damm-style scheme (a totally anti-symmetric quasigroup
//! `a ∘ b = 2a + b`) and needs a field: alphabets of a prime number of symbols
//! (3, 5, 7, … 31) or a power of two (4, 8, 16, 32) support it; the default
//! 32-symbol alphabet does. `tests/check_symbol.rs` checks both properties
//! exhaustively.

/// Finite field arithmetic for one alphabet size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    /// Integers modulo a prime `p >= 3`.
    Prime(u8),
    /// GF(2^k) with the given irreducible polynomial (bit k set) and size 2^k.
    Binary { poly: u8, size: u8 },
}

impl Field {
    /// The field for an alphabet of `n` symbols, if there is one we support.
    pub(crate) fn for_alphabet_len(n: usize) -> Option<Self> {
        // Irreducible polynomials: x²+x+1, x³+x+1, x⁴+x+1, x⁵+x²+1.
        let binary = |poly: u8, size: u8| Some(Self::Binary { poly, size });
        match n {
            4 => binary(0b111, 4),
            8 => binary(0b1011, 8),
            16 => binary(0b1_0011, 16),
            32 => binary(0b10_0101, 32),
            3 | 5 | 7 | 11 | 13 | 17 | 19 | 23 | 29 | 31 => u8::try_from(n).ok().map(Self::Prime),
            _ => None,
        }
    }

    /// `2·s + d` in the field (`s`, `d` < field size).
    fn step(self, s: u8, d: u8) -> u8 {
        match self {
            Self::Prime(p) => {
                let v = (u16::from(s) * 2 + u16::from(d)) % u16::from(p);
                // v < p <= 31
                u8::try_from(v).unwrap_or(0)
            }
            Self::Binary { poly, size } => {
                let mut v = u16::from(s) << 1;
                if v & u16::from(size) != 0 {
                    v ^= u16::from(poly);
                }
                u8::try_from(v).unwrap_or(0) ^ d
            }
        }
    }

    /// The negation of `v` (the check symbol that cancels a folded `2·s`).
    fn negate(self, v: u8) -> u8 {
        match self {
            Self::Prime(p) => (p - v % p) % p,
            // Characteristic 2: every element is its own negative.
            Self::Binary { .. } => v,
        }
    }

    /// Folds symbol indices with Horner's rule.
    pub(crate) fn fold(self, indices: impl IntoIterator<Item = u8>) -> u8 {
        indices.into_iter().fold(0, |s, d| self.step(s, d))
    }

    /// The check symbol index to append to `indices`.
    pub(crate) fn check_symbol(self, indices: impl IntoIterator<Item = u8>) -> u8 {
        let s = self.fold(indices);
        self.negate(self.step(s, 0))
    }

    /// Whether `indices` (with their check symbol last) are consistent.
    pub(crate) fn verify(self, indices: impl IntoIterator<Item = u8>) -> bool {
        self.fold(indices) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_sizes() {
        let supported: alloc::vec::Vec<usize> = (0..=40)
            .filter(|&n| Field::for_alphabet_len(n).is_some())
            .collect();
        assert_eq!(
            supported,
            [3, 4, 5, 7, 8, 11, 13, 16, 17, 19, 23, 29, 31, 32]
        );
    }

    #[test]
    fn appended_check_symbol_verifies() {
        let f = Field::for_alphabet_len(32).unwrap();
        let data = [3u8, 31, 0, 17, 9];
        let c = f.check_symbol(data);
        assert!(f.verify(data.iter().copied().chain([c])));
        assert!(!f.verify(data.iter().copied().chain([(c + 1) % 32])));
    }

    #[test]
    fn binary_step_is_a_bijection_in_each_argument() {
        for n in [4usize, 8, 16, 32] {
            let f = Field::for_alphabet_len(n).unwrap();
            let size = u8::try_from(n).unwrap();
            for s in 0..size {
                let mut seen = alloc::vec![false; n];
                for d in 0..size {
                    let v = f.step(s, d);
                    assert!(v < size);
                    assert!(!seen[usize::from(v)]);
                    seen[usize::from(v)] = true;
                }
            }
            for d in 0..size {
                let mut seen = alloc::vec![false; n];
                for s in 0..size {
                    let v = f.step(s, d);
                    assert!(!seen[usize::from(v)], "2s + d not injective in s");
                    seen[usize::from(v)] = true;
                }
            }
        }
    }
}
