//! Temporary device trees: a fresh directory that disappears with the test,
//! files written by relative name (parents created), and the tree listed
//! back by relative name, so a test can say exactly what must be left.
//!
//! ```
//! use iot_testkit::tree::TempTree;
//!
//! let tree = TempTree::new();
//! tree.write("user/photos/cat.jpg", b"...");
//! tree.write("wifi.conf", b"psk=...");
//! assert_eq!(tree.names(), ["user", "user/photos", "user/photos/cat.jpg", "wifi.conf"]);
//! ```

use std::fs;
use std::path::{Path, PathBuf};

/// A temporary directory, removed on drop.
#[derive(Debug)]
pub struct TempTree {
    dir: tempfile::TempDir,
}

impl Default for TempTree {
    fn default() -> Self {
        Self::new()
    }
}

impl TempTree {
    /// A new, empty directory under the system's temporary directory.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `rel` under the directory.
    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `contents` to `rel`, creating parent directories; returns the
    /// full path.
    pub fn write(&self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, contents).unwrap();
        path
    }

    /// Creates the directory `rel` and its parents; returns the full path.
    pub fn mkdir(&self, rel: impl AsRef<Path>) -> PathBuf {
        let path = self.join(rel);
        fs::create_dir_all(&path).unwrap();
        path
    }

    /// Every name under the directory, see [`names_under`].
    pub fn names(&self) -> Vec<String> {
        names_under(self.path())
    }
}

/// Every file, directory and link under `root`, as sorted relative paths
/// with `/` separators; symbolic links are listed, never followed.
pub fn names_under(root: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            names.push(parts.join("/"));
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    names.sort();
    names
}
