//! The error type of this crate.

use core::fmt;

use crate::policy::PolicyViolation;

/// Everything that can go wrong in this crate.
///
/// `Display` is short, lower-case, and embeds the inner reason of
/// [`InvalidConfig`](Self::InvalidConfig), [`InvalidEntry`](Self::InvalidEntry)
/// and [`Policy`](Self::Policy); `source()` is `None`, so an error chain prints
/// each cause once.
///
/// A failed password verification is one opaque variant,
/// [`Error::Verification`], whatever the cause, so an attacker learns nothing
/// from the error. No variant carries a password, a hash or the rejected input:
/// at most a position and a reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The password did not verify. Deliberately carries no detail.
    Verification,
    /// Argon2id cost parameters outside the range [`crate::HashParams::new`]
    /// (or [`crate::HashParams::insecure_low_cost`]) accepts.
    InvalidParameters,
    /// A [`crate::PasswordPolicy`] setting outside its range: a minimum length
    /// below [`crate::PasswordPolicy::MIN_CHARS`] (a security floor) or above
    /// [`crate::PasswordPolicy::MAX_MIN_CHARS`] (it would lock users out).
    InvalidPolicy,
    /// A generator configuration was refused.
    InvalidConfig(ConfigError),
    /// A typed label password could not be read.
    InvalidEntry(EntryError),
    /// A password longer than [`crate::PasswordPolicy::MAX_PASSWORD_BYTES`]: refused to
    /// bound the hashing cost.
    PasswordTooLong,
    /// The stored hash is not a well-formed Argon2 PHC string.
    MalformedHash,
    /// The stored hash asks for more memory, passes or lanes than the
    /// [`crate::CostLimit`] allows (or hashing with these parameters would produce one).
    CostLimitExceeded,
    /// Argon2 could not run, for example because its memory could not be allocated.
    HashingFailed,
    /// The random generator kept producing output that rejection sampling
    /// must discard: it is broken (for example a TRNG stuck at `0xFF`).
    RandomSourceFailed,
    /// The random generator reported an error (a fallible source such as a
    /// hardware TRNG, through rand_core's `TryCryptoRng`). Its own error is
    /// not kept: this enum carries no foreign types.
    RandomSourceUnavailable,
    /// The stored hash names a pepper (its `keyid`) that the hasher does not
    /// have.
    UnknownPepper,
    /// A pepper or factory key of the wrong length.
    InvalidKey,
    /// The new password was refused by the [`crate::PasswordPolicy`].
    Policy(PolicyViolation),
    /// Throttle snapshot bytes that are not a snapshot this version wrote.
    MalformedSnapshot,
    /// Throttle snapshot bytes written by a throttle with another secret:
    /// restoring them would silently forgive every count.
    SnapshotKeyMismatch,
    /// A device identifier in a factory batch is empty, too long, or holds
    /// characters outside `A-Z a-z 0-9 - _ . : /` (or does not start with a
    /// letter or digit). `index` is its position in the batch.
    InvalidDeviceId {
        /// Position of the identifier in the batch.
        index: usize,
    },
    /// A device identifier appears twice in a factory batch.
    DuplicateDeviceId {
        /// Position of the second occurrence in the batch.
        index: usize,
    },
    /// Two devices of a factory batch would get the same password (only
    /// possible for very short `insecure_` configurations or derived passwords).
    DuplicatePassword,
    /// A factory batch of more devices than
    /// [`FactoryBatch::MAX_DEVICES`](crate::factory::FactoryBatch::MAX_DEVICES)
    /// (the bound keeps a run's memory bounded); split it into several batches.
    BatchTooLarge {
        /// The most devices one batch takes.
        max: usize,
    },
    /// Writing a factory manifest failed (feature `std`). `during` names the
    /// step; `kind` is the writer's [`std::io::ErrorKind`].
    #[cfg(feature = "std")]
    Io {
        /// What the crate was doing, e.g. `"writing the csv manifest"`.
        during: &'static str,
        /// The kind of the underlying error.
        kind: std::io::ErrorKind,
    },
}

/// Why a [`crate::GeneratorConfig`] (or an [`crate::Alphabet`]) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// Not 2 to 33 distinct upper-case letters or digits, or a look-alike pair.
    InvalidAlphabet,
    /// Length 0 or above [`crate::GeneratorConfig::MAX_LENGTH`].
    InvalidLength,
    /// Fewer than 64 bits of entropy without `insecure_allow_low_entropy()`.
    InsufficientEntropy,
    /// A check symbol was asked for an alphabet whose size is neither a prime
    /// nor a power of two.
    CheckSymbolUnsupported,
}

/// Why a typed label password could not be read.
///
/// Positions count characters of the typed text from 0; the text itself is
/// never part of the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryError {
    /// More than [`crate::DevicePassword::MAX_ENTRY_BYTES`] bytes were typed.
    TooLong,
    /// A character that is neither a symbol of the alphabet, a look-alike of
    /// one, nor a space or dash.
    InvalidSymbol {
        /// Character position in the typed text.
        position: usize,
    },
    /// The number of symbols is not what the configuration prints.
    WrongLength {
        /// Symbols a label of this configuration has (check symbol included).
        expected: usize,
        /// Symbols that were typed.
        found: usize,
    },
    /// The check symbol does not match: a symbol was mistyped or two were swapped.
    CheckSymbolMismatch,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verification => f.write_str("password verification failed"),
            Self::InvalidParameters => f.write_str("invalid hashing parameters"),
            Self::InvalidPolicy => f.write_str("invalid password policy setting"),
            Self::InvalidConfig(e) => write!(f, "invalid generator configuration: {e}"),
            Self::InvalidEntry(e) => write!(f, "invalid password entry: {e}"),
            Self::PasswordTooLong => f.write_str("password longer than 1024 bytes"),
            Self::MalformedHash => f.write_str("malformed password hash"),
            Self::CostLimitExceeded => {
                f.write_str("password hash parameters exceed the cost limit")
            }
            Self::HashingFailed => f.write_str("password hashing failed"),
            Self::RandomSourceFailed => f.write_str("random generator output unusable"),
            Self::RandomSourceUnavailable => f.write_str("random generator reported an error"),
            Self::UnknownPepper => f.write_str("password hash made with an unknown pepper"),
            Self::InvalidKey => f.write_str("key of invalid length"),
            Self::Policy(v) => write!(f, "new password refused: {v}"),
            Self::MalformedSnapshot => f.write_str("malformed throttle snapshot"),
            Self::SnapshotKeyMismatch => {
                f.write_str("throttle snapshot written under another secret")
            }
            Self::InvalidDeviceId { index } => write!(f, "invalid device id at index {index}"),
            Self::DuplicateDeviceId { index } => {
                write!(f, "duplicate device id at index {index}")
            }
            Self::DuplicatePassword => f.write_str("duplicate password within the batch"),
            Self::BatchTooLarge { max } => {
                write!(f, "factory batch larger than the limit of {max} devices")
            }
            #[cfg(feature = "std")]
            Self::Io { during, kind } => write!(f, "i/o error while {during}: {kind}"),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidAlphabet => "invalid alphabet",
            Self::InvalidLength => "invalid length",
            Self::InsufficientEntropy => "fewer than 64 bits of entropy",
            Self::CheckSymbolUnsupported => "no check symbol for this alphabet size",
        })
    }
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong => f.write_str("too long"),
            Self::InvalidSymbol { position } => {
                write!(f, "invalid character at position {position}")
            }
            Self::WrongLength { expected, found } => {
                write!(f, "expected {expected} symbols, found {found}")
            }
            Self::CheckSymbolMismatch => f.write_str("check symbol mismatch (typing error?)"),
        }
    }
}

// `Display` already embeds the inner `ConfigError`, `EntryError` or
// `PolicyViolation`, so `source()` is `None` (rustls's rule): an error chain
// prints each cause once.
impl core::error::Error for Error {}

impl core::error::Error for ConfigError {}
impl core::error::Error for EntryError {}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Self::InvalidConfig(e)
    }
}

impl From<EntryError> for Error {
    fn from(e: EntryError) -> Self {
        Self::InvalidEntry(e)
    }
}

impl From<PolicyViolation> for Error {
    fn from(v: PolicyViolation) -> Self {
        Self::Policy(v)
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;
    use core::error::Error as _;

    use super::*;

    #[test]
    fn a_cause_is_printed_once() {
        let e = Error::Policy(PolicyViolation::KnownDefault);
        let shown = e.to_string();
        assert!(shown.starts_with("new password refused: known_default: "));
        assert!(e.source().is_none());
        let e = Error::InvalidEntry(EntryError::CheckSymbolMismatch);
        assert_eq!(
            e.to_string(),
            "invalid password entry: check symbol mismatch (typing error?)"
        );
        assert!(e.source().is_none());
        let e = Error::InvalidConfig(ConfigError::InvalidLength);
        assert_eq!(
            e.to_string(),
            "invalid generator configuration: invalid length"
        );
        assert!(e.source().is_none());
    }
}
