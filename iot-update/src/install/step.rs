//! Every durable step of the installer (a write, a sync, a rename) goes
//! through here, so the crash-sweep tests can stop after any one of them
//! (feature `__test-hooks`), tearing the write they stop in.
//!
//! Without the feature every check below is a constant `false`.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::error::{Error, io};

#[cfg(feature = "__test-hooks")]
fn crash_here() -> bool {
    crate::hooks::install_step()
}

#[cfg(not(feature = "__test-hooks"))]
#[inline(always)]
fn crash_here() -> bool {
    false
}

#[cfg(feature = "__test-hooks")]
use crate::hooks::{after_sync, at_stop, before_write};

#[cfg(not(feature = "__test-hooks"))]
#[inline(always)]
fn before_write(_: &File, _: u64, _: usize) {}

#[cfg(not(feature = "__test-hooks"))]
#[inline(always)]
fn after_sync(_: &File) {}

#[cfg(not(feature = "__test-hooks"))]
#[inline(always)]
fn at_stop() {}

fn crashed(during: &'static str) -> Error {
    at_stop();
    Error::Io {
        during,
        kind: std::io::ErrorKind::Interrupted,
    }
}

pub(crate) fn write_at(
    file: &File,
    data: &[u8],
    offset: u64,
    during: &'static str,
) -> Result<(), Error> {
    before_write(file, offset, data.len());
    if crash_here() {
        // a torn write: a prefix reached the medium (short enough to cut
        // into the variables of an environment copy, whose tail is padding)
        let torn = data.get(..(data.len() / 2).min(256)).unwrap_or_default();
        let _ = file.write_all_at(torn, offset);
        return Err(crashed(during));
    }
    file.write_all_at(data, offset).map_err(io(during))
}

pub(crate) fn sync(file: &File, during: &'static str) -> Result<(), Error> {
    if crash_here() {
        return Err(crashed(during));
    }
    file.sync_all().map_err(io(during))?;
    after_sync(file);
    Ok(())
}

pub(crate) fn rename(from: &Path, to: &Path, during: &'static str) -> Result<(), Error> {
    if crash_here() {
        return Err(crashed(during));
    }
    std::fs::rename(from, to).map_err(io(during))
}

pub(crate) fn sync_dir(dir: &Path, during: &'static str) -> Result<(), Error> {
    if crash_here() {
        return Err(crashed(during));
    }
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(during))
}

/// A counter advance is a durable step too.
pub(crate) fn counter_step(during: &'static str) -> Result<(), Error> {
    if crash_here() {
        return Err(crashed(during));
    }
    Ok(())
}
