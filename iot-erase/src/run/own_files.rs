//! The crate's own files under the root (the journal, the report and their
//! temporary names): they name the targets, so they are overwritten and
//! verified before they are unlinked, like the user's files.

use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::AsFd;

use rustix::fs as rfs;
use rustix::io::Errno;

use super::engine::Engine;
use crate::Error;
use crate::fsops::{self, Kind};
use crate::journal::{LOCK_NAME, MAX_JOURNAL_BYTES, OWN_FILES};
use crate::overwrite::{CHUNK, OverwriteError, overwrite_and_verify};
use crate::report::TargetReport;

impl Engine {
    /// Removes the journal or the report, which `resume` trusts: first
    /// renamed to its temporary name (which `resume` treats as garbage) and
    /// the root `fsync`ed, so a power cut during the overwrite can never
    /// leave a half-overwritten file under the trusted name.
    pub(super) fn retire_own_file(&self, file: &File, name: &str, tmp: &str) -> Result<(), Error> {
        let during = "removing the erase journal";
        match rfs::renameat(&self.root, name, &self.root, tmp) {
            Ok(()) => {}
            Err(Errno::NOENT) => return Ok(()),
            Err(e) => return Err(Error::errno(during)(e)),
        }
        fsops::fsync_dir(self.root.as_fd()).map_err(Error::errno(during))?;
        self.erase_own_file_checked(file, tmp)
    }

    fn erase_own_file_checked(&self, file: &File, name: &str) -> Result<(), Error> {
        let during = "removing the erase journal";
        let len = file.metadata().map_err(Error::io(during))?.len();
        let mut buffer = vec![0u8; CHUNK];
        overwrite_and_verify(file, len, &self.pattern, &mut buffer, &mut |_, _| {}).map_err(
            |e| Error::Io {
                during,
                kind: match e {
                    OverwriteError::Io(kind) => kind,
                    OverwriteError::Mismatch | OverwriteError::Changed => {
                        std::io::ErrorKind::InvalidData
                    }
                },
            },
        )?;
        match fsops::unlink(self.root.as_fd(), OsStr::new(name)) {
            Ok(()) | Err(Errno::NOENT) => {}
            Err(e) => return Err(Error::errno(during)(e)),
        }
        fsops::fsync_dir(self.root.as_fd()).map_err(Error::errno(during))
    }

    /// Removes one of this crate's files if it exists: overwritten when it is
    /// a regular file (it may hold target names), otherwise just unlinked.
    pub(super) fn remove_own_file(&self, name: &str) {
        let os_name = OsStr::new(name);
        match fsops::classify(self.root.as_fd(), os_name) {
            Ok(Kind::Missing) | Err(_) => {}
            Ok(Kind::Regular) => {
                if let Ok(Some((file, _))) =
                    fsops::read_own_file(&self.root, name, MAX_JOURNAL_BYTES)
                {
                    let _ = self.erase_own_file_checked(&file, name);
                } else {
                    let _ = fsops::unlink(self.root.as_fd(), os_name);
                }
            }
            Ok(Kind::Dir) => {}
            Ok(Kind::Link | Kind::Special) => {
                let _ = fsops::unlink(self.root.as_fd(), os_name);
            }
        }
    }
}

impl Engine {
    /// Clears this crate's names under the root of anything that is not
    /// one of its files (E2): a directory, a link, a fifo under the journal
    /// or report name would otherwise block every erase, `resume` and
    /// `discard_state` for good. `moved` is what [`fsops::lock`] moved
    /// aside from the lock file's name. Returns one entry per squatter.
    pub(super) fn clear_reserved(
        &mut self,
        moved: Option<String>,
    ) -> Result<Vec<TargetReport>, Error> {
        let mut entries = Vec::new();
        for name in OWN_FILES {
            match fsops::classify(self.root.as_fd(), OsStr::new(name)) {
                Ok(Kind::Missing | Kind::Regular) => {}
                Ok(_) => entries.push(self.erase_squatter(name, name)?),
                Err(e) => return Err(Error::io("looking for an interrupted erase")(e)),
            }
        }
        if let Some(aside) = moved {
            entries.push(self.erase_squatter(LOCK_NAME, &aside)?);
        }
        Ok(entries)
    }
}
