//! Entry points for the fuzz target `fuzz/fuzz_targets/erase_journal.rs`.
//! Compiled only under `cfg(fuzzing)` (cargo-fuzz sets it); not part of the
//! API. They only parse and expose what was parsed: the properties are
//! asserted in the target.

use crate::journal::{self, JournalState};
use crate::{EraseReport, Error};

/// A journal that parsed.
#[derive(Debug)]
pub struct Journal(JournalState);

impl Journal {
    /// The paths a `resume` would act on, as components relative to the
    /// root.
    #[must_use]
    pub fn paths(&self) -> Vec<Vec<String>> {
        self.0.paths().iter().map(|p| p.components()).collect()
    }

    /// Bytes of valid records at the start of the input.
    #[must_use]
    pub fn valid_len(&self) -> usize {
        self.0.valid_len
    }

    /// The plan part, encoded again as a journal.
    #[must_use]
    pub fn encoded_plan(&self) -> String {
        self.0.plan.encode().0
    }

    /// `true` when both journals hold the same plan.
    #[must_use]
    pub fn same_plan(&self, other: &Self) -> bool {
        self.0.plan == other.0.plan
    }

    /// The report, for a finished journal.
    #[must_use]
    pub fn report(&self) -> Option<EraseReport> {
        self.0.report()
    }
}

/// Parses `data` as an erase journal.
///
/// # Errors
///
/// As `resume` for a damaged journal.
pub fn parse_journal(data: &[u8]) -> Result<Journal, Error> {
    journal::decode(data).map(|(state, _)| Journal(state))
}

/// Parses `data` as an erase journal without verifying the check chain, so
/// the fuzzer reaches the validation of record contents, which must keep
/// every path confined on its own.
///
/// # Errors
///
/// As [`parse_journal`], except for a wrong check.
pub fn parse_journal_without_checks(data: &[u8]) -> Result<Journal, Error> {
    journal::decode_without_checks(data).map(Journal)
}

/// Parses `data` as a persisted report (a finished journal, every byte
/// valid).
///
/// # Errors
///
/// As `resume` for a damaged report.
pub fn parse_report(data: &[u8]) -> Result<EraseReport, Error> {
    journal::decode_report(data)
}
