#![doc = include_str!("../README.md")]

#[cfg(not(unix))]
compile_error!("iot-erase needs a Unix-like system (openat, O_NOFOLLOW, fsync of directories)");

mod codec;
mod error;
mod fsops;
mod journal;
mod overwrite;
mod path;
mod plan;
mod progress;
mod report;
mod run;
#[cfg(feature = "storage")]
mod storage;

use std::path::Path;

pub use error::Error;
pub use plan::{CryptoEraseTarget, ErasePlan, MAX_TARGETS};
pub use progress::{Phase, Progress};
pub use report::{
    EraseReport, FailReason, Method, Outcome, RefuseReason, SkipReason, Target, TargetReport,
};

/// Finishes an erase that was interrupted (power loss, crash, kill), or
/// returns the report of a finished erase that was not yet acknowledged.
/// Call it at every boot, before the app uses the data under `root`.
///
/// - `Ok(None)`: nothing to do.
/// - `Ok(Some(report))`: show it, then [`EraseReport::acknowledge`] it.
///   `report.resumed` is `true` when this call (or an earlier one) had to
///   finish the erase.
/// - `Err(Error::Incomplete(report))`: the same, for an erase that did not
///   complete; offer to run it again.
///
/// Idempotent: a power loss during `resume` is handled by the next `resume`.
///
/// # Errors
///
/// [`Error::Journal`] for a damaged journal or report (nothing outside
/// `root` is touched; see [`discard_state`]), [`Error::Busy`], [`Error::Io`],
/// [`Error::Incomplete`].
pub fn resume(root: impl AsRef<Path>) -> Result<Option<EraseReport>, Error> {
    run::resume(root.as_ref(), None)
}

/// [`resume`] with a progress callback, for a "finishing the reset" screen.
///
/// # Errors
///
/// As [`resume`].
pub fn resume_with_progress(
    root: impl AsRef<Path>,
    callback: impl FnMut(&Progress) + 'static,
) -> Result<Option<EraseReport>, Error> {
    run::resume(root.as_ref(), Some(Box::new(callback)))
}

/// The way out after [`Error::Journal`]: overwrites and removes this crate's
/// journal and persisted report under `root`, so a new erase can start.
///
/// The interrupted erase is abandoned, not finished: run a new plan right
/// after (the user has not been told the data is gone, so nothing false was
/// confirmed).
///
/// # Errors
///
/// [`Error::Busy`] while an erase runs on `root`, [`Error::Io`], and
/// [`Error::Journal`] when one of the names is a directory.
pub fn discard_state(root: impl AsRef<Path>) -> Result<(), Error> {
    run::discard_state(root.as_ref())
}

/// Entry points for the fuzz targets. Not part of the API.
#[doc(hidden)]
pub mod __fuzz {
    /// What a journal that parses says, for the fuzz target to check.
    #[derive(Debug)]
    pub struct ParsedJournal {
        /// The paths a `resume` would act on, as components relative to the
        /// root: the target checks they are plain names.
        pub paths: Vec<Vec<String>>,
        /// The plan, encoded again, parses to the same plan.
        pub round_trips: bool,
        /// The valid part does not extend past the input.
        pub within_input: bool,
    }

    /// Parses `data` as an erase journal.
    pub fn parse_journal(data: &[u8]) -> Result<ParsedJournal, crate::Error> {
        let (state, _) = crate::journal::decode(data)?;
        Ok(summarize(&state, data.len()))
    }

    /// Parses `data` as an erase journal without verifying the check chain,
    /// so the fuzzer reaches the validation of record contents, which must
    /// keep every path confined on its own.
    pub fn parse_journal_without_checks(data: &[u8]) -> Result<ParsedJournal, crate::Error> {
        let state = crate::journal::decode_without_checks(data)?;
        let _ = state.report().map(|r| r.to_string());
        Ok(summarize(&state, data.len()))
    }

    fn summarize(state: &crate::journal::JournalState, len: usize) -> ParsedJournal {
        let (again, _) = state.plan.encode();
        let round_trips = crate::journal::decode(again.as_bytes())
            .is_ok_and(|(reparsed, _)| reparsed.plan == state.plan);
        ParsedJournal {
            paths: state
                .paths()
                .iter()
                .map(crate::path::RelPath::components)
                .collect(),
            round_trips,
            within_input: state.valid_len <= len,
        }
    }

    /// Parses `data` as a persisted report (a finished journal, every byte
    /// valid) and renders it for the user.
    pub fn parse_report(data: &[u8]) -> Result<(bool, String), crate::Error> {
        let report = crate::journal::decode_report(data)?;
        Ok((report.is_complete(), report.to_string()))
    }
}
