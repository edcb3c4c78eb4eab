//! The client workflow: refresh, target search, verified download.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use crate::clock::{Clock, SystemClock};
use crate::config::Limits;
use crate::crypto::MultiHasher;
use crate::error::{Error, FetchProblem, IntegrityRule, Role, Subject, io};
use crate::metadata::TargetFile;
use crate::path::quote;
use crate::store::{MetadataStore, sync_dir};
use crate::transport::Transport;
use crate::trusted::{TimestampUpdate, TrustedSet};

/// Progress of a target download, reported to the callback set with
/// [`UpdaterBuilder::on_progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes received and hashed so far.
    pub received: u64,
    /// The target's signed length.
    pub total: u64,
}

type ProgressFn = Box<dyn FnMut(&Progress) + Send>;

/// What the trusted targets metadata says about one target: obtained from
/// [`Updater::target`], passed to [`Updater::download_target`].
#[derive(Debug, Clone, PartialEq)]
pub struct TargetInfo {
    path: String,
    file: TargetFile,
}

impl TargetInfo {
    /// The target path (as the repository names it).
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The signed length in bytes.
    pub fn length(&self) -> u64 {
        self.file.length
    }
    /// The signed hashes, algorithm name to lower-case hex.
    pub fn hashes(&self) -> &BTreeMap<String, String> {
        &self.file.hashes
    }
    /// The signed `custom` metadata, if any.
    pub fn custom(&self) -> Option<&Value> {
        self.file.custom.as_ref()
    }
}

/// A target file whose length and hashes matched the trusted, signed
/// metadata when it was renamed into place (or found in place).
///
/// It can only be obtained from [`Updater::download_target`]: an installer
/// that takes a `VerifiedTarget` cannot be handed an unverified file. It
/// carries the target's signed `custom` metadata (for example a security
/// counter) and its hashes, so that the installer can hash the file again
/// while it copies it (the file system is not part of the trust chain).
#[derive(Debug)]
pub struct VerifiedTarget {
    file: PathBuf,
    info: TargetInfo,
    downloaded: bool,
}

impl VerifiedTarget {
    /// Where the verified file is.
    pub fn file(&self) -> &Path {
        &self.file
    }
    /// The target path in the repository.
    pub fn target_path(&self) -> &str {
        &self.info.path
    }
    /// The signed length in bytes.
    pub fn length(&self) -> u64 {
        self.info.length()
    }
    /// The signed hashes, algorithm name to lower-case hex.
    pub fn hashes(&self) -> &BTreeMap<String, String> {
        self.info.hashes()
    }
    /// The signed `custom` metadata, if any.
    pub fn custom(&self) -> Option<&Value> {
        self.info.custom()
    }
    /// `false` when a file with matching length and hashes was already in
    /// place and nothing was fetched.
    pub fn was_downloaded(&self) -> bool {
        self.downloaded
    }
}

/// Builds an [`Updater`].
#[must_use]
pub struct UpdaterBuilder {
    metadata_url: String,
    targets_url: Option<String>,
    transport: Box<dyn Transport>,
    store: Box<dyn MetadataStore>,
    limits: Limits,
    clock: Box<dyn Clock>,
    clock_floor: i64,
    progress: Option<ProgressFn>,
}

impl core::fmt::Debug for UpdaterBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("UpdaterBuilder")
            .field("limits", &self.limits)
            .field("clock_floor", &self.clock_floor)
            .finish_non_exhaustive()
    }
}

fn with_slash(mut url: String) -> String {
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

impl UpdaterBuilder {
    /// Where targets are fetched from (a base URL, or a directory for the
    /// [`FileTransport`](crate::FileTransport)). Needed before
    /// [`Updater::download_target`].
    pub fn targets_url(mut self, url: impl Into<String>) -> Self {
        self.targets_url = Some(with_slash(url.into()));
        self
    }

    /// The bounds (default: [`Limits::default`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The clock expiry is checked against (default: [`SystemClock`]).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// The clock floor, in seconds since the Unix epoch (default
    /// [`Updater::DEFAULT_CLOCK_FLOOR`]; better, your firmware's build
    /// time). A clock reading below it fails the refresh with
    /// [`Error::ClockBeforeFloor`].
    pub fn clock_floor(mut self, unix_seconds: i64) -> Self {
        self.clock_floor = unix_seconds;
        self
    }

    /// Reports the progress of target downloads. The callback runs on the
    /// thread that calls [`Updater::download_target`], between two reads,
    /// never concurrently with itself; a panic in it propagates out of
    /// `download_target`, and the temporary file is removed (the target is
    /// never renamed into place).
    pub fn on_progress(mut self, callback: impl FnMut(&Progress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(callback));
        self
    }

    /// The updater. Nothing is read or fetched yet.
    pub fn build(self) -> Updater {
        Updater {
            settings: self,
            trusted: None,
        }
    }
}

/// A TUF client: [`refresh`](Self::refresh) the top-level metadata, look a
/// target up with [`target`](Self::target), fetch it with
/// [`download_target`](Self::download_target).
///
/// See the crate documentation for an example.
pub struct Updater {
    /// What the builder was given, unchanged.
    settings: UpdaterBuilder,
    trusted: Option<TrustedSet>,
}

impl core::fmt::Debug for Updater {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Updater")
            .field("limits", &self.settings.limits)
            .field("clock_floor", &self.settings.clock_floor)
            .field("refreshed", &self.trusted.is_some())
            .finish_non_exhaustive()
    }
}

fn subject(role: &str) -> Subject {
    Subject::Metadata(match role {
        "root" => Role::Root,
        "timestamp" => Role::Timestamp,
        "snapshot" => Role::Snapshot,
        other => Role::of_targets(other),
    })
}

/// Chunk size of target downloads.
const CHUNK: usize = 64 * 1024;

/// Reads the next chunk of a download into `buf` (0 at its end), retrying an
/// interrupted read; past `deadline`, or when the transport times out, the
/// download has taken too long.
fn read_before(
    body: &mut impl Read,
    buf: &mut [u8],
    deadline: Instant,
) -> Result<usize, FetchProblem> {
    loop {
        if Instant::now() > deadline {
            return Err(FetchProblem::Deadline);
        }
        match body.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                return Err(FetchProblem::Deadline);
            }
            Err(e) => return Err(FetchProblem::Io(e.kind())),
        }
    }
}

impl Updater {
    /// The default clock floor: 2025-01-01T00:00:00Z, as `iot-comm`'s.
    pub const DEFAULT_CLOCK_FLOOR: i64 = 1_735_689_600;

    /// A builder. `metadata_url` is the base the metadata files are
    /// fetched from (`root.json`, `2.root.json`, `timestamp.json` ...); the
    /// trusted root must already be in `store` (put the root shipped with
    /// the firmware there on first boot).
    pub fn builder(
        metadata_url: impl Into<String>,
        transport: impl Transport + 'static,
        store: impl MetadataStore + 'static,
    ) -> UpdaterBuilder {
        UpdaterBuilder {
            metadata_url: with_slash(metadata_url.into()),
            targets_url: None,
            transport: Box::new(transport),
            store: Box::new(store),
            limits: Limits::default(),
            clock: Box::new(SystemClock),
            clock_floor: Self::DEFAULT_CLOCK_FLOOR,
            progress: None,
        }
    }

    fn now(&self) -> Result<i64, Error> {
        let now = self
            .settings
            .clock
            .now_unix()
            .ok_or(Error::ClockUnavailable)?;
        if now < self.settings.clock_floor {
            return Err(Error::ClockBeforeFloor);
        }
        Ok(now)
    }

    /// Reads at most `max_len` bytes of `url` by `deadline`.
    fn fetch_bounded(
        &self,
        url: &str,
        of: Subject,
        max_len: u64,
        deadline: Instant,
    ) -> Result<Vec<u8>, Error> {
        let fetch_err = |problem| Error::Fetch { of, problem };
        let mut body = self
            .settings
            .transport
            .fetch(url, deadline)
            .map_err(fetch_err)?;
        let mut data = Vec::new();
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = read_before(&mut body, &mut buf, deadline).map_err(fetch_err)?;
            if n == 0 {
                break;
            }
            data.extend_from_slice(buf.get(..n).unwrap_or_default());
            if data.len() as u64 > max_len {
                return Err(Error::Integrity {
                    of,
                    rule: IntegrityRule::TooLong,
                });
            }
        }
        Ok(data)
    }

    fn fetch_metadata(
        &self,
        role: &str,
        version: Option<u64>,
        max_len: u64,
    ) -> Result<Vec<u8>, Error> {
        let url = match version {
            Some(v) => format!("{}{v}.{}.json", self.settings.metadata_url, quote(role)),
            None => format!("{}{}.json", self.settings.metadata_url, quote(role)),
        };
        let deadline = Instant::now() + self.settings.limits.metadata_deadline();
        self.fetch_bounded(&url, subject(role), max_len, deadline)
    }

    /// Refreshes the top-level metadata (root rotation, timestamp,
    /// snapshot, top-level targets) following the TUF client workflow, and
    /// stores every newly verified file. Delegated targets metadata is
    /// fetched on demand by [`target`](Self::target).
    ///
    /// May be called again: each call starts from the stored metadata.
    ///
    /// # Errors
    /// The first failed check ([`Error::Threshold`], [`Error::Expired`],
    /// [`Error::Version`] ...), fetch, or store operation. After an error
    /// the updater is not refreshed (no target can be looked up), and the
    /// store holds only verified metadata.
    pub fn refresh(&mut self) -> Result<(), Error> {
        self.trusted = None;
        let now = self.now()?;
        let limits = self.settings.limits.clone();
        let root = self
            .settings
            .store
            .load("root", limits.root_max_length())?
            .ok_or(Error::NoTrustedRoot)?;
        let mut trusted = TrustedSet::new(&root, now)?;

        // 5.3: root rotation, one version at a time, bounded.
        let first = trusted.root_version().saturating_add(1);
        for version in first..first.saturating_add(u64::from(limits.max_root_rotations())) {
            let data = match self.fetch_metadata("root", Some(version), limits.root_max_length()) {
                Ok(data) => data,
                Err(Error::Fetch {
                    problem: FetchProblem::NotFound,
                    ..
                }) => break,
                Err(e) => return Err(e),
            };
            trusted.update_root(&data)?;
            self.settings.store.store("root", &data)?;
        }

        // 5.4: timestamp. The stored one (if still valid) is the rollback
        // reference of the new one.
        if let Ok(Some(local)) = self
            .settings
            .store
            .load("timestamp", limits.timestamp_max_length())
        {
            let _ = trusted.update_timestamp(&local);
        }
        let data = self.fetch_metadata("timestamp", None, limits.timestamp_max_length())?;
        if trusted.update_timestamp(&data)? == TimestampUpdate::Updated {
            self.settings.store.store("timestamp", &data)?;
        }

        // 5.5: snapshot, unless the stored one is still the current one.
        let local_ok = match self
            .settings
            .store
            .load("snapshot", limits.snapshot_max_length())
        {
            Ok(Some(local)) => trusted.update_snapshot(&local, true).is_ok(),
            _ => false,
        };
        if !local_ok {
            let listed = trusted.timestamp().cloned().ok_or(Error::Order {
                missing: "timestamp",
            })?;
            let max_len = listed
                .length
                .unwrap_or(limits.snapshot_max_length())
                .min(Limits::MAX_METADATA_LENGTH);
            let version = trusted.consistent_snapshot().then_some(listed.version);
            let data = self.fetch_metadata("snapshot", version, max_len)?;
            trusted.update_snapshot(&data, false)?;
            self.settings.store.store("snapshot", &data)?;
        }

        // 5.6: top-level targets.
        self.load_targets(&mut trusted, "targets", "root")?;
        self.trusted = Some(trusted);
        Ok(())
    }

    /// Makes `role` (delegated by `delegator`) trusted: already loaded and
    /// verified for this delegator, or the stored copy if it still verifies,
    /// or a fetched one.
    fn load_targets(
        &mut self,
        trusted: &mut TrustedSet,
        role: &str,
        delegator: &str,
    ) -> Result<(), Error> {
        if trusted.verify_cached(role, delegator)? {
            return Ok(());
        }
        let max_default = self.settings.limits.targets_max_length();
        if let Ok(Some(local)) = self.settings.store.load(role, max_default)
            && trusted.update_targets(&local, role, delegator).is_ok()
        {
            return Ok(());
        }
        let listed = trusted
            .snapshot_meta(role)
            .cloned()
            .ok_or(Error::NotInSnapshot {
                role: Role::of_targets(role),
            })?;
        let max_len = listed
            .length
            .unwrap_or(max_default)
            .min(Limits::MAX_METADATA_LENGTH);
        let version = trusted.consistent_snapshot().then_some(listed.version);
        let data = self.fetch_metadata(role, version, max_len)?;
        trusted.update_targets(&data, role, delegator)?;
        self.settings.store.store(role, &data)
    }

    /// Looks `target_path` up in the trusted targets metadata: the
    /// top-level targets, then delegated roles in pre-order depth-first
    /// order of appearance, following only delegations whose paths cover
    /// the target and stopping at terminating ones, visiting at most
    /// [`Limits::max_delegations`] roles. Delegated metadata is fetched and
    /// verified on the way.
    ///
    /// # Errors
    /// [`Error::Order`] before a successful [`refresh`](Self::refresh);
    /// [`Error::TargetNotFound`]; any check or fetch failure of a delegated
    /// role on the search path.
    pub fn target(&mut self, target_path: &str) -> Result<TargetInfo, Error> {
        let mut trusted = self
            .trusted
            .take()
            .ok_or(Error::Order { missing: "refresh" })?;
        let found = self.search(&mut trusted, target_path);
        self.trusted = Some(trusted);
        found?.ok_or(Error::TargetNotFound)
    }

    fn search(
        &mut self,
        trusted: &mut TrustedSet,
        target_path: &str,
    ) -> Result<Option<TargetInfo>, Error> {
        let mut to_visit = vec![("targets".to_owned(), "root".to_owned())];
        let mut visited: BTreeSet<String> = BTreeSet::new();
        let max = self.settings.limits.max_delegations() as usize;
        while visited.len() <= max {
            let Some((role, delegator)) = to_visit.pop() else {
                break;
            };
            if visited.contains(&role) {
                continue;
            }
            self.load_targets(trusted, &role, &delegator)?;
            let md = trusted
                .targets(&role)
                .ok_or(Error::Order { missing: "targets" })?;
            if let Some(file) = md.targets.get(target_path) {
                return Ok(Some(TargetInfo {
                    path: target_path.to_owned(),
                    file: file.clone(),
                }));
            }
            let mut children = Vec::new();
            if let Some(delegations) = &md.delegations {
                for (child, terminating) in delegations.roles_for(target_path) {
                    children.push((child, role.clone()));
                    if terminating {
                        to_visit.clear();
                        break;
                    }
                }
            }
            visited.insert(role);
            children.reverse();
            to_visit.extend(children);
        }
        Ok(None)
    }

    /// The file name a target gets in a destination directory: its path,
    /// percent-encoded into one file name.
    fn destination(dir: &Path, info: &TargetInfo) -> Result<PathBuf, Error> {
        let name = quote(&info.path);
        if name.is_empty() || name == "." || name == ".." {
            return Err(Error::Malformed {
                role: Role::Targets,
                reason: "target path cannot name a file",
            });
        }
        Ok(dir.join(name))
    }

    /// The target in `dir`, if a file with its signed length and hashes is
    /// already there.
    ///
    /// # Errors
    /// [`Error::Integrity`] with [`IntegrityRule::UnknownHashAlgorithm`]
    /// when the signed hashes cannot all be checked.
    pub fn find_cached_target(
        &self,
        info: &TargetInfo,
        dir: &Path,
    ) -> Result<Option<VerifiedTarget>, Error> {
        let path = Self::destination(dir, info)?;
        let of = Subject::Target;
        let hashes = info
            .file
            .hashes
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()));
        let mut hasher = MultiHasher::new(hashes).ok_or(Error::Integrity {
            of,
            rule: IntegrityRule::UnknownHashAlgorithm,
        })?;
        let Ok(file) = File::open(&path) else {
            return Ok(None);
        };
        let mut reader = file.take(info.length().saturating_add(1));
        let mut buf = vec![0u8; CHUNK];
        let mut len = 0u64;
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    len += n as u64;
                    hasher.update(buf.get(..n).unwrap_or_default());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Ok(None),
            }
        }
        if len != info.length() || !hasher.matches() {
            return Ok(None);
        }
        Ok(Some(VerifiedTarget {
            file: path,
            info: info.clone(),
            downloaded: false,
        }))
    }

    /// Downloads the target into `dir` and verifies it, unless a verified
    /// copy is already there ([`find_cached_target`](Self::find_cached_target)).
    ///
    /// The bytes stream into a temporary file in `dir` (a hidden name
    /// starting with `.iot-update-`), are counted and hashed as they arrive
    /// (the download stops as soon as it exceeds the signed length), and
    /// the file is fsynced and renamed to its final name only when length
    /// and every hash match. On any failure the temporary file is removed and
    /// the final name is untouched.
    ///
    /// # Errors
    /// [`Error::Integrity`] (length, hash, unknown hash algorithm, longer
    /// than [`Limits::max_target_length`]), [`Error::Fetch`], [`Error::Io`],
    /// [`Error::InvalidConfig`] without a targets URL.
    pub fn download_target(
        &mut self,
        info: &TargetInfo,
        dir: &Path,
    ) -> Result<VerifiedTarget, Error> {
        let of = Subject::Target;
        let trusted = self
            .trusted
            .as_ref()
            .ok_or(Error::Order { missing: "refresh" })?;
        if let Some(cached) = self.find_cached_target(info, dir)? {
            return Ok(cached);
        }
        if info.length() > self.settings.limits.max_target_length() {
            return Err(Error::Integrity {
                of,
                rule: IntegrityRule::TooLong,
            });
        }
        let base = self
            .settings
            .targets_url
            .as_deref()
            .ok_or(Error::InvalidConfig {
                reason: "no targets url",
            })?;
        let hashes = info
            .file
            .hashes
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()));
        let mut hasher = MultiHasher::new(hashes).ok_or(Error::Integrity {
            of,
            rule: IntegrityRule::UnknownHashAlgorithm,
        })?;
        let final_path = Self::destination(dir, info)?;
        let url = match (
            trusted.consistent_snapshot(),
            info.file.hashes.values().next(),
        ) {
            (true, Some(hash)) => match info.path.rsplit_once('/') {
                Some((dirname, basename)) => format!("{base}{dirname}/{hash}.{basename}"),
                None => format!("{base}{hash}.{}", info.path),
            },
            _ => format!("{base}{}", info.path),
        };

        let deadline = Instant::now() + self.settings.limits.target_deadline();
        let fetch_err = |problem| Error::Fetch { of, problem };
        let mut body = self
            .settings
            .transport
            .fetch(&url, deadline)
            .map_err(fetch_err)?;
        let during = "writing a target";
        let mut tmp = tempfile::Builder::new()
            .prefix(".iot-update-")
            .suffix(".part")
            .tempfile_in(dir)
            .map_err(io(during))?;
        let total = info.length();
        let mut received = 0u64;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = read_before(&mut body, &mut buf, deadline).map_err(fetch_err)?;
            if n == 0 {
                break;
            }
            received += n as u64;
            if received > total {
                return Err(Error::Integrity {
                    of,
                    rule: IntegrityRule::Length,
                });
            }
            let chunk = buf.get(..n).unwrap_or_default();
            hasher.update(chunk);
            tmp.write_all(chunk).map_err(io(during))?;
            if let Some(progress) = self.settings.progress.as_mut() {
                progress(&Progress { received, total });
            }
        }
        if received != total {
            return Err(Error::Integrity {
                of,
                rule: IntegrityRule::Length,
            });
        }
        if !hasher.matches() {
            return Err(Error::Integrity {
                of,
                rule: IntegrityRule::Hash,
            });
        }
        #[cfg(feature = "__test-hooks")]
        crate::hooks::before_rename(tmp.path(), &final_path);
        tmp.as_file().sync_all().map_err(io(during))?;
        tmp.persist(&final_path).map_err(|e| io(during)(e.error))?;
        sync_dir(dir, during)?;
        Ok(VerifiedTarget {
            file: final_path,
            info: info.clone(),
            downloaded: true,
        })
    }
}
