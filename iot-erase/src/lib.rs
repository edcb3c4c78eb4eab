#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(unix))]
compile_error!("iot-erase needs a Unix-like system (openat, O_NOFOLLOW, fsync of directories)");

mod error;
mod fsops;
mod io_kind;
mod journal;
mod overwrite;
mod path;
mod plan;
mod progress;
mod report;
mod run;
#[cfg(feature = "storage")]
mod storage;

pub mod manual;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod __fuzz;

use std::path::Path;

pub use error::Error;
pub use plan::{CryptoEraseTarget, ErasePlan};
pub use progress::{Phase, Progress};
pub use report::{
    EraseReport, FailReason, Method, Outcome, RefuseReason, SkipReason, Target, TargetReport,
};

/// Re-exported so that callers name the exact `iot-storage` version
/// [`ErasePlan::sealed_store`] takes.
#[cfg(feature = "storage")]
pub use iot_storage;
/// Re-exported so that callers name the exact `zeroize` version whose
/// [`Zeroize`](zeroize::Zeroize) trait [`ErasePlan::zeroize_memory`] takes.
pub use zeroize;

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
/// The callback is called as by [`ErasePlan::on_progress`], and a panic in
/// it does what is described there.
///
/// # Errors
///
/// As [`resume`].
pub fn resume_with_progress(
    root: impl AsRef<Path>,
    callback: impl FnMut(&Progress) + Send + 'static,
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
/// [`Error::Busy`] while an erase runs on `root`, [`Error::Io`]. Anything
/// but a regular file under the crate's names (a directory, a link) is
/// erased as well, so it can never block the way out.
pub fn discard_state(root: impl AsRef<Path>) -> Result<(), Error> {
    run::discard_state(root.as_ref())
}
