//! Where trusted metadata lives between runs: a [`MetadataStore`].

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, io};
use crate::path::quote;

/// Keeps the trusted metadata of each role (`root`, `timestamp`,
/// `snapshot`, `targets` and delegated roles) across runs.
///
/// The client writes only metadata it has verified, and reads it back as
/// the starting point of the next refresh (root) or as a candidate it
/// verifies again (the others).
pub trait MetadataStore: Send {
    /// The stored bytes of `role`, or `None` when there are none. A stored
    /// file longer than `max_len` is an error, never a large read.
    ///
    /// # Errors
    /// I/O or medium failures.
    fn load(&self, role: &str, max_len: u64) -> Result<Option<Vec<u8>>, Error>;

    /// Replaces the stored bytes of `role`, atomically: after a crash the
    /// store holds the old bytes or the new ones.
    ///
    /// # Errors
    /// I/O or medium failures.
    fn store(&mut self, role: &str, data: &[u8]) -> Result<(), Error>;
}

/// Plain files in a directory: `root.json`, `timestamp.json`, … (delegated
/// role names percent-encoded), each replaced atomically (temporary file,
/// fsync, rename, fsync of the directory).
///
/// An attacker who can write the directory can roll the metadata back; use
/// the sealed store (feature `storage`) where the flash is within reach.
#[derive(Debug, Clone)]
pub struct DirectoryStore {
    dir: PathBuf,
}

impl DirectoryStore {
    /// A store in `dir`, which must exist.
    ///
    /// # Errors
    /// [`Error::Io`] if `dir` is not a directory.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, Error> {
        let dir = dir.as_ref().to_path_buf();
        let meta = fs::metadata(&dir).map_err(io("opening the metadata directory"))?;
        if !meta.is_dir() {
            return Err(Error::Io {
                during: "opening the metadata directory",
                kind: std::io::ErrorKind::NotADirectory,
            });
        }
        Ok(DirectoryStore { dir })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, role: &str) -> PathBuf {
        self.dir.join(format!("{}.json", quote(role)))
    }
}

impl MetadataStore for DirectoryStore {
    fn load(&self, role: &str, max_len: u64) -> Result<Option<Vec<u8>>, Error> {
        let file = match File::open(self.file(role)) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io("reading trusted metadata")(e)),
        };
        let mut data = Vec::new();
        file.take(max_len.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(io("reading trusted metadata"))?;
        if data.len() as u64 > max_len {
            return Err(Error::Limit {
                bound: "stored metadata longer than its bound",
            });
        }
        Ok(Some(data))
    }

    fn store(&mut self, role: &str, data: &[u8]) -> Result<(), Error> {
        write_atomically(
            &self.dir,
            &self.file(role),
            data,
            "writing trusted metadata",
        )
    }
}

/// Writes `data` to `path` through a temporary file in `dir`.
pub(crate) fn write_atomically(
    dir: &Path,
    path: &Path,
    data: &[u8],
    during: &'static str,
) -> Result<(), Error> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".iot-update-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io(during))?;
    tmp.write_all(data).map_err(io(during))?;
    tmp.as_file().sync_all().map_err(io(during))?;
    tmp.persist(path).map_err(|e| io(during)(e.error))?;
    sync_dir(dir, during)
}

/// Makes a rename in `dir` durable.
pub(crate) fn sync_dir(dir: &Path, during: &'static str) -> Result<(), Error> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(during))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_quoted_names_and_bounded_reads() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DirectoryStore::open(dir.path()).unwrap();
        assert_eq!(store.load("root", 10).unwrap(), None);
        store.store("root", b"{}").unwrap();
        store.store("../evil", b"x").unwrap();
        assert_eq!(store.load("root", 10).unwrap().unwrap(), b"{}");
        assert!(dir.path().join("..%2Fevil.json").is_file());
        assert_eq!(
            store.load("root", 1).unwrap_err(),
            Error::Limit {
                bound: "stored metadata longer than its bound"
            }
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names.len(),
            2,
            "no temporary file is left behind: {names:?}"
        );
    }
}
