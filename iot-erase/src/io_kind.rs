//! Stable text codes for [`io::ErrorKind`], the same in the journal, the
//! persisted report and the `serde` form of [`FailReason::Io`](crate::FailReason::Io):
//! the standard library's own names for the kinds are not a persisted
//! format.

use std::io;

/// Every kind with a code of its own; any other kind is written as `other`.
pub(crate) const ALL: [(io::ErrorKind, &str); 20] = [
    (io::ErrorKind::NotFound, "not-found"),
    (io::ErrorKind::PermissionDenied, "permission-denied"),
    (io::ErrorKind::AlreadyExists, "already-exists"),
    (io::ErrorKind::WouldBlock, "would-block"),
    (io::ErrorKind::InvalidInput, "invalid-input"),
    (io::ErrorKind::InvalidData, "invalid-data"),
    (io::ErrorKind::TimedOut, "timed-out"),
    (io::ErrorKind::WriteZero, "write-zero"),
    (io::ErrorKind::Interrupted, "interrupted"),
    (io::ErrorKind::Unsupported, "unsupported"),
    (io::ErrorKind::UnexpectedEof, "unexpected-eof"),
    (io::ErrorKind::OutOfMemory, "out-of-memory"),
    (io::ErrorKind::NotADirectory, "not-a-directory"),
    (io::ErrorKind::IsADirectory, "is-a-directory"),
    (io::ErrorKind::DirectoryNotEmpty, "directory-not-empty"),
    (io::ErrorKind::ReadOnlyFilesystem, "read-only-filesystem"),
    (io::ErrorKind::StorageFull, "storage-full"),
    (io::ErrorKind::ResourceBusy, "resource-busy"),
    (io::ErrorKind::CrossesDevices, "crosses-devices"),
    (io::ErrorKind::Other, "other"),
];

/// A stable code for an `io::ErrorKind`; rare kinds become `other`.
pub(crate) fn code(kind: io::ErrorKind) -> &'static str {
    ALL.iter()
        .find(|(k, _)| *k == kind)
        .map_or("other", |(_, code)| code)
}

/// The kind as it reads back from the journal: a kind without a code of
/// its own (e.g. `EIO`'s `Uncategorized`) is `Other`, so a report returned
/// by `execute` is the same report `resume` returns later.
pub(crate) fn canonical(kind: io::ErrorKind) -> io::ErrorKind {
    parse(code(kind)).unwrap_or(io::ErrorKind::Other)
}

/// Inverse of [`code`]; `None` for an unknown code.
pub(crate) fn parse(code: &str) -> Option<io::ErrorKind> {
    ALL.iter().find(|(_, c)| *c == code).map(|(k, _)| *k)
}

/// Persisted form of [`io::ErrorKind`] for serde: the same stable codes.
#[cfg(feature = "serde")]
pub(crate) mod serde_code {
    use std::io;

    pub(crate) fn serialize<S: serde::Serializer>(
        kind: &io::ErrorKind,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(super::code(*kind))
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<io::ErrorKind, D::Error> {
        let code = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        super::parse(&code).ok_or_else(|| serde::de::Error::custom("unknown i/o error kind"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_io_kind_code_round_trips() {
        for (kind, c) in ALL {
            assert_eq!(code(kind), c);
            assert_eq!(parse(c), Some(kind));
        }
        assert_eq!(code(io::ErrorKind::BrokenPipe), "other");
    }
}
