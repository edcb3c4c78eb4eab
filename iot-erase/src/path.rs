//! Target paths, validated before anything is touched.
//!
//! A [`RelPath`] is a path relative to the erase root made only of plain
//! names: no root, no prefix, no `..`. That is the lexical half of "confined
//! to the root"; the other half (never following a link on the way) is done
//! at run time by opening each component relative to its parent's handle with
//! `O_NOFOLLOW` (see [`fsops`](crate::fsops) and the walk in `run/walk.rs`).
//! This crate's own file names are refused as targets by
//! [`journal::target_path`](crate::journal::target_path).

use std::path::{Component, Path};

use crate::Error;

/// Longest target path accepted, in bytes.
pub(crate) const MAX_PATH_BYTES: usize = 1024;
/// Most components in one target path.
pub(crate) const MAX_COMPONENTS: usize = 64;
/// Longest file name (one component) accepted, in bytes (Linux `NAME_MAX`).
pub(crate) const MAX_NAME_BYTES: usize = 255;

/// Longest name of a crypto-erase target, custom action or memory buffer.
pub(crate) const MAX_LABEL_BYTES: usize = 128;

/// `true` for an acceptable label (crypto-erase target, custom action, memory
/// buffer): non-empty, at most [`MAX_LABEL_BYTES`], no control characters.
pub(crate) fn is_valid_label(label: &str) -> bool {
    !label.is_empty() && label.len() <= MAX_LABEL_BYTES && !label.chars().any(char::is_control)
}

/// Prefix of the random names files and directories get just before removal.
pub(crate) const RANDOM_NAME_PREFIX: &str = ".iot-erase-";

/// A path inside the erase root, made of plain names only.
///
/// No components means the root itself (only allowed for directory targets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RelPath {
    components: Vec<String>,
}

impl RelPath {
    /// Validates `path` as a path relative to the root.
    ///
    /// `.` components are dropped (`./a` is `a`, `.` is the root itself).
    /// Errors: [`Error::OutsideRoot`] for an absolute path or any `..`
    /// (even `a/../b`, which stays inside: a planned path must say plainly
    /// what it means); [`Error::InvalidTarget`] for non-UTF-8, NUL, or
    /// over-long names or paths.
    pub(crate) fn parse(path: &Path) -> Result<Self, Error> {
        let text = path.to_str().ok_or(Error::InvalidTarget)?;
        if text.len() > MAX_PATH_BYTES || text.contains('\0') {
            return Err(Error::InvalidTarget);
        }
        let mut components = Vec::new();
        for component in path.components() {
            match component {
                Component::Prefix(_) | Component::RootDir | Component::ParentDir => {
                    return Err(Error::OutsideRoot);
                }
                Component::CurDir => {}
                Component::Normal(name) => {
                    let name = name.to_str().ok_or(Error::InvalidTarget)?;
                    if name.is_empty() || name.len() > MAX_NAME_BYTES {
                        return Err(Error::InvalidTarget);
                    }
                    components.push(name.to_owned());
                }
            }
        }
        if components.len() > MAX_COMPONENTS {
            return Err(Error::InvalidTarget);
        }
        Ok(Self { components })
    }

    /// Parses the text form written by [`RelPath::as_text`] (journal, report).
    pub(crate) fn parse_text(text: &str) -> Result<Self, Error> {
        Self::parse(Path::new(text))
    }

    /// `true` for the root itself.
    pub(crate) fn is_root(&self) -> bool {
        self.components.is_empty()
    }

    /// The directory names leading to the last component, and the last one.
    /// `None` for the root itself.
    pub(crate) fn split_last(&self) -> Option<(&String, &[String])> {
        self.components.split_last()
    }

    /// The components, outermost first (empty for the root itself).
    #[cfg(any(test, fuzzing))]
    pub(crate) fn components(&self) -> Vec<String> {
        self.components.clone()
    }

    /// The canonical text form: components joined by `/`, `.` for the root.
    pub(crate) fn as_text(&self) -> String {
        if self.components.is_empty() {
            ".".to_owned()
        } else {
            self.components.join("/")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(p: &str) -> String {
        RelPath::parse(Path::new(p)).unwrap().as_text()
    }

    #[test]
    fn plain_relative_paths_are_accepted_and_normalised() {
        assert_eq!(ok("a"), "a");
        assert_eq!(ok("a/b/c.txt"), "a/b/c.txt");
        assert_eq!(ok("./a//b/"), "a/b");
        assert_eq!(ok("."), ".");
        assert_eq!(ok(""), ".");
        assert!(RelPath::parse(Path::new(".")).unwrap().is_root());
    }

    #[test]
    fn escaping_paths_are_outside_root() {
        for p in ["/etc/passwd", "..", "../x", "a/../b", "a/..", "/"] {
            assert_eq!(RelPath::parse(Path::new(p)), Err(Error::OutsideRoot), "{p}");
        }
    }

    #[test]
    fn bad_names_are_invalid() {
        let long_name = "n".repeat(MAX_NAME_BYTES + 1);
        let deep = vec!["d"; MAX_COMPONENTS + 1].join("/");
        let long_path = vec!["abcdefg"; 200].join("/");
        for p in [
            long_name.as_str(),
            deep.as_str(),
            long_path.as_str(),
            "a\0b",
        ] {
            assert_eq!(RelPath::parse(Path::new(p)), Err(Error::InvalidTarget));
        }
    }

    #[test]
    fn non_utf8_is_invalid() {
        use std::os::unix::ffi::OsStrExt;
        let p = Path::new(std::ffi::OsStr::from_bytes(b"a\xffb"));
        assert_eq!(RelPath::parse(p), Err(Error::InvalidTarget));
    }
}
