//! The walk of a file or directory target: every entry is looked at without
//! following it, then erased by kind (a file overwritten and verified, a
//! link removed, a directory emptied depth-first and removed, a special
//! file left), and removed under a random name so that whatever is under the
//! name *now* is checked to be what was erased.
//!
//! Every name is opened relative to its parent's handle with `O_NOFOLLOW`
//! ([`fsops`]): a link swapped in anywhere below the root makes the open fail
//! and the entry is looked at again, a bounded number of times.

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::fs as rfs;
use rustix::io::Errno;

use super::engine::{Engine, JournalFile};
use super::tally::{End, Tally};
use crate::Error;
use crate::fsops::{self, Kind, Parent};
use crate::journal::{self, JournalState, Renamed};
use crate::overwrite::overwrite_and_verify;
use crate::path::RelPath;
use crate::progress::Phase;
use crate::report::{FailReason, Outcome, RefuseReason, Target, TargetReport};

/// Deepest directory nesting erased below a target.
const MAX_TREE_DEPTH: usize = 128;
/// Names read from a directory per pass. With [`MAX_LEFT_PER_DIR`] and
/// [`MAX_TREE_DEPTH`] this bounds the names held in memory by a tally.
const NAMES_PER_PASS: usize = 256;
/// Entries one directory may keep (special files, failures) before the walk
/// gives up on it.
const MAX_LEFT_PER_DIR: usize = 1024;
/// Entries handled in one directory before the walk gives up on it (a
/// directory some other process keeps filling).
const MAX_ENTRIES_PER_DIR: usize = 1 << 22;

/// Where the walk is: the entry `name` of the open directory `dir`.
#[derive(Clone, Copy)]
struct Cursor<'a> {
    dir: BorrowedFd<'a>,
    name: &'a OsStr,
    /// Directories between the target and the entry (0 for the target).
    depth: usize,
    /// The entry's path relative to the root, as planned (for the test hook).
    rel: &'a str,
    /// The entry is the planned path itself, under its planned name (not an
    /// entry found inside a directory target, not something set aside).
    planned: bool,
}

impl<'a> Cursor<'a> {
    /// The same entry, now under `name` in the same directory (set aside
    /// under a random name): no longer under its planned name.
    fn renamed(self, name: &'a OsStr) -> Self {
        Self {
            name,
            planned: false,
            ..self
        }
    }
}

/// An attempt on an entry that found it changed under it.
enum Step {
    Done(End),
    LookAgain,
}

impl Engine {
    /// File or directory target `index` of the plan. `journal` is `None`
    /// when the target is erased before the journal exists (to make room
    /// for it on a full file system, E5).
    pub(super) fn erase_path(
        &mut self,
        target: Target,
        index: usize,
        state: &mut JournalState,
        journal: Option<&mut JournalFile>,
    ) -> Result<TargetReport, Error> {
        let is_file_target = matches!(target, Target::File { .. });
        let path = RelPath::parse_text(target.label())?;
        // The name a file target gets before it is unlinked.
        let derived = journal::derived_name(&state.plan.id, index);
        let renamed = state.renamed.get_mut(index).and_then(Option::take);
        let counts = state.counts.get(index).copied().flatten();
        let mut entry = TargetReport::new(target);
        // Directory targets journal their counters after each entry.
        let mut tally = Tally::new(index, journal, !is_file_target, counts);

        let Some((last, parents)) = path.split_last() else {
            // `.`: the root's content; the root itself stays.
            let end = match fsops::open_parent(&self.root, &[]) {
                Parent::Open(dir) => {
                    if self.erase_tree(&dir, 0, true, ".", &mut tally)? {
                        End::Gone
                    } else {
                        End::Left
                    }
                }
                Parent::Failed(kind) => {
                    tally.fail(FailReason::Io(kind));
                    End::Left
                }
                Parent::Missing | Parent::Linked => End::Missing,
            };
            tally.finish(&mut entry, end);
            return Ok(entry);
        };
        let parent = match fsops::open_parent(&self.root, parents) {
            Parent::Open(fd) => fd,
            Parent::Missing => {
                tally.finish(&mut entry, End::Missing);
                return Ok(entry);
            }
            Parent::Linked => {
                entry.outcome = Outcome::Refused(RefuseReason::LinkedParent);
                return Ok(entry);
            }
            Parent::Failed(kind) => {
                tally.fail(FailReason::Io(kind));
                tally.finish(&mut entry, End::Left);
                return Ok(entry);
            }
        };
        let rel = path.as_text();
        let at = Cursor {
            dir: parent.as_fd(),
            name: OsStr::new(last.as_str()),
            depth: 0,
            rel: &rel,
            planned: true,
        };
        if !is_file_target {
            let end = self.erase_entry(at, &mut tally, None)?;
            tally.finish(&mut entry, end);
            return Ok(entry);
        }

        // A file target of a resumed erase may have been renamed to its
        // derived name already: after its verified overwrite, or, when
        // something else was swapped in under its name, before that was
        // overwritten. Whatever is there is erased again, overwritten and
        // verified, never just unlinked (E4).
        let derived_os = OsString::from(&derived);
        let earlier = match fsops::classify(at.dir, &derived_os) {
            Ok(Kind::Missing) => End::Missing,
            Ok(_) => self.erase_entry(at.renamed(&derived_os), &mut tally, None)?,
            Err(e) => {
                tally.fail(FailReason::Io(e.kind()));
                End::Left
            }
        };
        if let Some(renamed) = &renamed {
            // That earlier pass was verified before the record was written.
            tally.add_bytes(renamed.bytes, renamed.hard_linked);
        }
        // Never rename over something left under the derived name.
        let rename_to = (earlier != End::Left).then_some(derived.as_str());
        let end = self.erase_entry(at, &mut tally, rename_to)?;
        let end = match (end, earlier) {
            (End::Missing, End::Missing) if renamed.is_some() => {
                // Erased and unlinked before the power cut.
                if tally.failure.is_none() {
                    tally.counters.files = tally.counters.files.saturating_add(1);
                }
                End::Gone
            }
            (End::Missing, earlier) => earlier,
            (end, _) => end,
        };
        tally.finish(&mut entry, end);
        Ok(entry)
    }

    /// Erases something that occupied one of this crate's names under the
    /// root (now under `at_name`: the reserved name itself, or the random
    /// name it was moved aside to) before the erase could run (E2): erased
    /// like an entry of a directory target; a fifo or socket is unlinked.
    /// Reported as a [`Target::Reserved`] entry.
    pub(super) fn erase_squatter(
        &mut self,
        reserved: &str,
        at_name: &str,
    ) -> Result<TargetReport, Error> {
        let during = "clearing the erase's own file names";
        let mut entry = TargetReport::new(Target::Reserved {
            name: reserved.to_owned(),
        });
        let mut tally = Tally::new(0, None, false, None);
        let root = match fsops::open_parent(&self.root, &[]) {
            Parent::Open(fd) => fd,
            Parent::Failed(kind) => return Err(Error::Io { during, kind }),
            Parent::Missing | Parent::Linked => {
                return Err(Error::Io {
                    during,
                    kind: std::io::ErrorKind::NotFound,
                });
            }
        };
        let name = OsStr::new(at_name);
        let end = if fsops::classify(root.as_fd(), name).ok() == Some(Kind::Special) {
            match fsops::unlink(root.as_fd(), name).and_then(|()| fsops::fsync_dir(root.as_fd())) {
                Ok(()) | Err(Errno::NOENT) => End::Gone,
                Err(e) => {
                    tally.fail_errno(e);
                    End::Left
                }
            }
        } else {
            let at = Cursor {
                dir: root.as_fd(),
                name,
                depth: 0,
                rel: reserved,
                planned: false,
            };
            self.erase_entry(at, &mut tally, None)?
        };
        tally.finish(&mut entry, end);
        if end == End::Gone && entry.outcome == Outcome::NotFound {
            // A fifo or socket, unlinked: it held no data.
            entry.outcome = Outcome::Erased;
        }
        Ok(entry)
    }

    /// Erases whatever is at `at`, looking again (a bounded number of times)
    /// when it changes type between the look and the open. `rename_to` is
    /// the derived name of a file target.
    fn erase_entry(
        &mut self,
        at: Cursor<'_>,
        tally: &mut Tally<'_>,
        rename_to: Option<&str>,
    ) -> Result<End, Error> {
        for _ in 0..4 {
            let kind = match fsops::classify(at.dir, at.name) {
                Ok(kind) => kind,
                Err(e) => {
                    tally.fail(FailReason::Io(e.kind()));
                    return Ok(End::Left);
                }
            };
            let step = match kind {
                Kind::Missing => Step::Done(End::Missing),
                // E1: a planned path that is a link is neither followed nor
                // removed: what it points to was not erased, and removing
                // it would let a second attempt report "nothing to erase".
                Kind::Link if at.planned => Step::Done(End::Refused(RefuseReason::LinkedTarget)),
                Kind::Link => self.remove_link(at, tally)?,
                Kind::Special => {
                    tally.counters.special = tally.counters.special.saturating_add(1);
                    Step::Done(End::Left)
                }
                Kind::Regular => self.erase_file(at, tally, rename_to)?,
                Kind::Dir => self.erase_dir(at, tally)?,
            };
            if let Step::Done(end) = step {
                return Ok(end);
            }
        }
        tally.fail(FailReason::ChangedDuringErase);
        Ok(End::Left)
    }

    /// The test hook of feature `__test-hooks`: called right before a file
    /// or directory is opened.
    fn call_hook(&mut self, rel: &str) {
        #[cfg(feature = "__test-hooks")]
        if let Some(hook) = self.hook.as_mut() {
            hook(rel);
        }
        #[cfg(not(feature = "__test-hooks"))]
        let _ = rel;
    }

    /// Overwrite, `fsync`, verify, rename to a random name, unlink, `fsync`
    /// the directory. A file whose overwrite failed is left in place.
    fn erase_file(
        &mut self,
        at: Cursor<'_>,
        tally: &mut Tally<'_>,
        rename_to: Option<&str>,
    ) -> Result<Step, Error> {
        self.call_hook(at.rel);
        let file = match fsops::open_for_overwrite(at.dir, at.name) {
            Ok(file) => file,
            // Gone, or no longer a regular file (a link, a directory, a
            // device without a driver): look again.
            Err(Errno::NOENT | Errno::LOOP | Errno::ISDIR | Errno::NXIO | Errno::NOTDIR) => {
                return Ok(Step::LookAgain);
            }
            Err(e) => {
                tally.fail_errno(e);
                return Ok(Step::Done(End::Left));
            }
        };
        let stat = match rfs::fstat(&file) {
            Ok(stat) => stat,
            Err(e) => {
                tally.fail_errno(e);
                return Ok(Step::Done(End::Left));
            }
        };
        if fsops::kind_of(stat.st_mode) != Kind::Regular {
            // A fifo or device swapped in after the look: opened without
            // blocking, never written.
            return Ok(Step::LookAgain);
        }
        let len = u64::try_from(stat.st_size).unwrap_or(0);
        #[allow(clippy::useless_conversion)] // nlink is u32 or u64 by platform
        let hard_linked = u64::from(stat.st_nlink) > 1;

        let mut written = 0u64;
        let reporter = &mut self.reporter;
        let result = overwrite_and_verify(
            &file,
            len,
            &self.pattern,
            &mut self.buffer,
            &mut |phase, bytes| {
                if phase == Phase::Overwrite {
                    written = written.saturating_add(bytes);
                }
                reporter.advance(phase, bytes);
            },
        );
        tally.add_bytes(written, hard_linked);
        if let Err(e) = result {
            tally.fail_overwrite(e);
            return Ok(Step::Done(End::Left));
        }
        drop(file);

        self.reporter.phase(Phase::Remove);
        let random = match rename_to {
            // A file target: its derived name, announced in the journal.
            Some(derived) => {
                tally.record_rename(&Renamed {
                    name: derived.to_owned(),
                    bytes: len,
                    hard_linked,
                })?;
                derived.to_owned()
            }
            None => fsops::random_name(&self.rng)?,
        };
        let random = OsString::from(random);
        // Only the inode that was overwritten may be unlinked.
        let moved = set_aside(at.dir, at.name, &random)
            .map(|now| (now.st_dev, now.st_ino) == (stat.st_dev, stat.st_ino));
        if let Ok(false) = moved {
            // E.g. an app replaced the file atomically after the overwrite.
            // The inode overwritten above lives on elsewhere, overwritten.
            return self.erase_swapped_in(at.renamed(&random), tally);
        }
        // NOENT: someone removed it after the overwrite; it is gone all the
        // same. Either way the directory is fsynced.
        let removed = match moved.and_then(|_| fsops::unlink(at.dir, &random)) {
            Ok(()) | Err(Errno::NOENT) => fsops::fsync_dir(at.dir),
            Err(e) => Err(e),
        };
        match removed {
            Ok(()) => {
                tally.counters.files = tally.counters.files.saturating_add(1);
                tally.record_counts()?;
                Ok(Step::Done(End::Gone))
            }
            Err(e) => {
                tally.fail_errno(e);
                Ok(Step::Done(End::Left))
            }
        }
    }

    /// Removes a symbolic link (never following it). It is first set aside
    /// under a random name, so that a file put under the name after the look
    /// is erased, not just unlinked.
    fn remove_link(&mut self, at: Cursor<'_>, tally: &mut Tally<'_>) -> Result<Step, Error> {
        self.reporter.phase(Phase::Remove);
        let random = OsString::from(fsops::random_name(&self.rng)?);
        match set_aside(at.dir, at.name, &random) {
            Ok(now) if fsops::kind_of(now.st_mode) == Kind::Link => {}
            Ok(_) => return self.erase_swapped_in(at.renamed(&random), tally),
            Err(Errno::NOENT) => return Ok(Step::LookAgain),
            Err(e) => {
                tally.fail_errno(e);
                return Ok(Step::Done(End::Left));
            }
        }
        match fsops::unlink(at.dir, &random).and_then(|()| fsops::fsync_dir(at.dir)) {
            Ok(()) => {
                tally.counters.links = tally.counters.links.saturating_add(1);
                Ok(Step::Done(End::Gone))
            }
            Err(e) => {
                tally.fail_errno(e);
                Ok(Step::Done(End::Left))
            }
        }
    }

    /// Something else was put under a name between the erase's look (or
    /// overwrite) and the removal, and was set aside under the random name
    /// `at` now points to: its bytes were not overwritten, so it is erased
    /// under that name rather than unlinked. Once: a second swap is a
    /// failure, left under its name.
    fn erase_swapped_in(&mut self, at: Cursor<'_>, tally: &mut Tally<'_>) -> Result<Step, Error> {
        if self.in_swap {
            tally.fail(FailReason::ChangedDuringErase);
            return Ok(Step::Done(End::Left));
        }
        self.in_swap = true;
        let end = self.erase_entry(at, tally, None);
        self.in_swap = false;
        end.map(Step::Done)
    }

    /// Empties a directory depth-first, then removes it under its own name.
    fn erase_dir(&mut self, at: Cursor<'_>, tally: &mut Tally<'_>) -> Result<Step, Error> {
        if at.depth >= MAX_TREE_DEPTH {
            tally.fail(FailReason::TooDeep);
            return Ok(Step::Done(End::Left));
        }
        self.call_hook(at.rel);
        let child = match fsops::open_dir(at.dir, at.name) {
            Ok(fd) => fd,
            Err(Errno::NOENT | Errno::LOOP | Errno::NOTDIR) => return Ok(Step::LookAgain),
            Err(e) => {
                tally.fail_errno(e);
                return Ok(Step::Done(End::Left));
            }
        };
        // X2: a directory found inside a target that is the mount point of
        // another file system is not descended into, and the report says
        // so. (A planned directory may itself be a mount point.)
        if !at.planned {
            match (rfs::fstat(&child), rfs::fstat(at.dir)) {
                (Ok(inner), Ok(outer)) if inner.st_dev == outer.st_dev => {}
                (Ok(_), Ok(_)) => {
                    tally.fail(FailReason::OtherFileSystem);
                    return Ok(Step::Done(End::Left));
                }
                (Err(e), _) | (_, Err(e)) => {
                    tally.fail_errno(e);
                    return Ok(Step::Done(End::Left));
                }
            }
        }
        let emptied = self.erase_tree(&child, at.depth + 1, false, at.rel, tally)?;
        drop(child);
        if !emptied {
            return Ok(Step::Done(End::Left));
        }
        self.reporter.phase(Phase::Remove);
        // Removed under its own name, not renamed first as files are: a
        // power cut between a rename and the `rmdir` would leave an empty
        // directory under a random name that no journal record points to.
        // `rmdir` itself is safe against a swap: it refuses a non-empty
        // directory (ENOTEMPTY) and anything that is not a directory
        // (ENOTDIR), so it can only ever remove an empty directory.
        let removed = match fsops::rmdir(at.dir, at.name) {
            Ok(()) | Err(Errno::NOENT) => fsops::fsync_dir(at.dir),
            Err(e) => Err(e),
        };
        match removed {
            Ok(()) => {
                tally.counters.dirs = tally.counters.dirs.saturating_add(1);
                tally.record_counts()?;
                Ok(Step::Done(End::Gone))
            }
            Err(e) => {
                tally.fail_errno(e);
                Ok(Step::Done(End::Left))
            }
        }
    }

    /// Erases every entry of `dir`, whose entries are `depth` directories
    /// below the target and whose path is `rel`. `true` when it is empty
    /// afterwards.
    fn erase_tree(
        &mut self,
        dir: &OwnedFd,
        depth: usize,
        at_root: bool,
        rel: &str,
        tally: &mut Tally<'_>,
    ) -> Result<bool, Error> {
        let mut left: HashSet<OsString> = HashSet::new();
        let mut handled = 0usize;
        loop {
            let names = match fsops::read_names(dir, at_root, NAMES_PER_PASS, |n| !left.contains(n))
            {
                Ok(names) => names,
                Err(e) => {
                    tally.fail(FailReason::Io(e.kind()));
                    return Ok(false);
                }
            };
            if names.is_empty() {
                return Ok(left.is_empty());
            }
            for name in names {
                handled += 1;
                if handled > MAX_ENTRIES_PER_DIR {
                    tally.fail(FailReason::TooManyEntries);
                    return Ok(false);
                }
                let child_rel = if rel == "." {
                    name.to_string_lossy().into_owned()
                } else {
                    format!("{rel}/{}", name.to_string_lossy())
                };
                let at = Cursor {
                    dir: dir.as_fd(),
                    name: &name,
                    depth,
                    rel: &child_rel,
                    planned: false,
                };
                if self.erase_entry(at, tally, None)? == End::Left {
                    if left.len() >= MAX_LEFT_PER_DIR {
                        tally.fail(FailReason::TooManyEntries);
                        return Ok(false);
                    }
                    left.insert(name);
                }
            }
        }
    }
}

/// Renames `name` to `to` in `dir` and looks at what arrived there, without
/// following it. The rename goes by name, so it moves whatever is under the
/// name *now*: the caller checks it is what it meant to remove.
fn set_aside(dir: BorrowedFd<'_>, name: &OsStr, to: &OsStr) -> Result<rfs::Stat, Errno> {
    fsops::rename(dir, name, to)?;
    rfs::statat(dir, to, rfs::AtFlags::SYMLINK_NOFOLLOW)
}
