//! Overwriting a file's content in place and reading it back.
//!
//! One pass of random data (NIST SP 800-88 "clear" asks for one pass; more
//! passes add nothing on modern media), written in bounded chunks through the
//! already-open handle (same inode: every other name of the file sees the new
//! bytes), `fsync`ed, then read back and compared chunk by chunk.
//!
//! The random chunk comes from the system CSPRNG (through ring) once per erase
//! and is repeated over the file: random rather than zeros so a file system
//! that compresses or detects zero blocks still has to write the blocks,
//! and so the read-back cannot be satisfied by a hole. (Storage that
//! deduplicates may keep one copy of the repeated chunk; like copy-on-write,
//! that is among the limits of overwriting the crate documents.)
//!
//! Holes of sparse files are skipped (`SEEK_DATA`/`SEEK_HOLE` on Linux and
//! Android; elsewhere the whole length is written): they store nothing, and
//! filling them would allocate the file's apparent size, possibly more than
//! the device holds, so the erase would fail and leave the file.
//!
//! Before the read-back the page cache of the file is dropped
//! (`posix_fadvise(POSIX_FADV_DONTNEED)` on Linux, Android and FreeBSD; best
//! effort: the kernel may keep pages), so where the kernel honours it the
//! comparison sees what the storage returns, not what the cache still holds.
//! The storage device's own cache may still answer; no user-space read can
//! see past the flash translation layer (see `manual::_04_limits`).

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use rustix::fs as rfs;
use rustix::io::Errno;

use crate::progress::Phase;

/// Size of one overwrite chunk, and of each of the two buffers an erase holds.
pub(crate) const CHUNK: usize = 256 * 1024;

/// Why an overwrite did not end verified. The engine maps it to the
/// report's [`FailReason`](crate::FailReason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OverwriteError {
    /// The file system reported an error.
    Io(io::ErrorKind),
    /// The bytes read back were not the bytes written.
    Mismatch,
    /// The file changed size (another writer) while it was overwritten.
    Changed,
}

impl OverwriteError {
    fn io(e: &io::Error) -> Self {
        Self::Io(e.kind())
    }

    fn errno(e: Errno) -> Self {
        Self::Io(io::Error::from(e).kind())
    }
}

/// Overwrites the stored bytes among the first `len` of `file` with
/// `pattern` repeated, `fsync`s, drops the cache, reads back and compares.
/// `progress` gets the phase and the bytes done since its last call.
///
/// Holes of a sparse file are skipped (where the platform can find them):
/// they hold no data, and writing them would allocate the file's whole
/// apparent size, which can be far more than the device has. The byte at
/// offset `o` is always `pattern[o % chunk]`, so both passes agree whatever
/// the layout of data and holes.
pub(crate) fn overwrite_and_verify(
    file: &File,
    len: u64,
    pattern: &[u8],
    buffer: &mut [u8],
    progress: &mut dyn FnMut(Phase, u64),
) -> Result<(), OverwriteError> {
    let chunk = pattern.len().min(buffer.len()).max(1);

    for_each_piece(file, len, chunk, &mut |offset, at, n| {
        let data = pattern
            .get(at..at.saturating_add(n))
            .ok_or(OverwriteError::Changed)?;
        file.write_all_at(data, offset)
            .map_err(|e| OverwriteError::io(&e))?;
        progress(Phase::Overwrite, u64::try_from(n).unwrap_or(u64::MAX));
        Ok(())
    })?;
    file.sync_all().map_err(|e| OverwriteError::io(&e))?;

    drop_cached_pages(file);

    for_each_piece(file, len, chunk, &mut |offset, at, n| {
        let end = at.saturating_add(n);
        let (expected, read) = match (pattern.get(at..end), buffer.get_mut(..n)) {
            (Some(expected), Some(read)) => (expected, read),
            _ => return Err(OverwriteError::Changed),
        };
        file.read_exact_at(read, offset).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                OverwriteError::Changed
            } else {
                OverwriteError::io(&e)
            }
        })?;
        if read != expected {
            return Err(OverwriteError::Mismatch);
        }
        progress(Phase::Verify, u64::try_from(n).unwrap_or(u64::MAX));
        Ok(())
    })?;

    let size_now = rfs::fstat(file).map_err(OverwriteError::errno)?;
    if u64::try_from(size_now.st_size).ok() != Some(len) {
        return Err(OverwriteError::Changed);
    }
    Ok(())
}

/// Calls `f(offset, at, n)` for every piece of stored data below `len`, in
/// order: `n` bytes at `offset`, never crossing a multiple of `chunk`, and
/// `at = offset % chunk` (so `at + n <= chunk`).
fn for_each_piece(
    file: &File,
    len: u64,
    chunk: usize,
    f: &mut dyn FnMut(u64, usize, usize) -> Result<(), OverwriteError>,
) -> Result<(), OverwriteError> {
    let chunk_u64 = u64::try_from(chunk).unwrap_or(u64::MAX);
    let mut offset = 0u64;
    while let Some((start, end)) = next_data(file, offset, len)? {
        offset = start;
        while offset < end {
            let at = offset % chunk_u64;
            let step = (chunk_u64 - at).min(end - offset);
            // Both are below `chunk`, a usize.
            let at = usize::try_from(at).unwrap_or(0);
            let n = usize::try_from(step).unwrap_or(0);
            f(offset, at, n)?;
            offset += step;
        }
    }
    Ok(())
}

/// The next stretch `[start, end)` at or after `offset` and below `len`
/// that may hold data (`SEEK_DATA`, `SEEK_HOLE`); `None` past the last.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn next_data(file: &File, offset: u64, len: u64) -> Result<Option<(u64, u64)>, OverwriteError> {
    use rustix::fs::SeekFrom;
    if offset >= len {
        return Ok(None);
    }
    let start = match rfs::seek(file, SeekFrom::Data(offset)) {
        Ok(start) => start,
        // Only holes from here to the end of the file.
        Err(Errno::NXIO) => return Ok(None),
        // The file system cannot tell: all of it may be data.
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => return Ok(Some((offset, len))),
        Err(e) => return Err(OverwriteError::errno(e)),
    };
    if start >= len {
        return Ok(None);
    }
    let end = match rfs::seek(file, SeekFrom::Hole(start)) {
        // A hole right at `start` would mean no progress: take the rest.
        Ok(end) if end > start => end.min(len),
        Ok(_) | Err(_) => len,
    };
    // `start` is at or after `offset`: the walk only moves forward.
    Ok(Some((start.max(offset), end)))
}

/// No `SEEK_DATA` here: every byte up to `len` is treated as data.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn next_data(_file: &File, offset: u64, len: u64) -> Result<Option<(u64, u64)>, OverwriteError> {
    Ok((offset < len).then_some((offset, len)))
}

/// Asks the kernel to forget the file's (now clean) cached pages, so the
/// read-back comes from storage. Best effort, see the module docs: an error
/// here changes nothing about the data, so it is not a failure of the erase.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
fn drop_cached_pages(file: &File) {
    let _ = rfs::fadvise(file, 0, None, rfs::Advice::DontNeed);
}

/// No `posix_fadvise` on this platform: the read-back may be served from the
/// page cache (see the crate's platform notes).
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
fn drop_cached_pages(_file: &File) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Seek, Write};

    #[test]
    fn overwrites_every_byte_across_chunks_and_reports_progress() {
        let mut file = tempfile::tempfile().unwrap();
        let len = 3 * 1000 + 17;
        file.write_all(&vec![0xAA; len]).unwrap();
        let pattern: Vec<u8> = (0..1000u32).map(|i| (i % 100) as u8 + 1).collect();
        let mut buffer = vec![0u8; 1000];
        let mut written = 0;
        let mut verified = 0;
        overwrite_and_verify(
            &file,
            len as u64,
            &pattern,
            &mut buffer,
            &mut |phase, n| match phase {
                Phase::Overwrite => written += n,
                Phase::Verify => verified += n,
                _ => panic!("unexpected phase"),
            },
        )
        .unwrap();
        assert_eq!((written, verified), (len as u64, len as u64));
        let mut content = Vec::new();
        let mut f = file.try_clone().unwrap();
        f.rewind().unwrap();
        f.read_to_end(&mut content).unwrap();
        assert_eq!(content.len(), len);
        assert!(!content.contains(&0xAA));
        for (i, b) in content.iter().enumerate() {
            assert_eq!(*b, pattern[i % 1000]);
        }
    }

    #[test]
    fn holes_are_skipped_and_data_around_them_overwritten() {
        let file = tempfile::tempfile().unwrap();
        let len = 1 << 20;
        file.set_len(len).unwrap();
        file.write_all_at(&[0xAA; 100], 5_000).unwrap();
        file.write_all_at(&[0xAA; 50], 700_001).unwrap();
        // A chunk that does not divide the block size: the pattern follows
        // the offset, not the start of each stretch of data.
        let pattern: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8 + 1).collect();
        let mut buffer = vec![0u8; 1000];
        let (mut written, mut verified) = (0, 0);
        overwrite_and_verify(
            &file,
            len,
            &pattern,
            &mut buffer,
            &mut |phase, n| match phase {
                Phase::Overwrite => written += n,
                _ => verified += n,
            },
        )
        .unwrap();
        assert_eq!(written, verified);
        // Where the file system reports holes (ext4, tmpfs, xfs, btrfs), only
        // the blocks holding the data are written; elsewhere all of it.
        assert!(
            written >= 150 && (written <= 64 * 1024 || written == len),
            "{written}"
        );
        let mut content = vec![0u8; len as usize];
        file.read_exact_at(&mut content, 0).unwrap();
        for o in (5_000..5_100).chain(700_001..700_051) {
            assert_eq!(content[o], pattern[o % 1000], "offset {o}");
        }
        // Holes still read as zeros.
        assert!(content[200_000..600_000].iter().all(|&b| b == 0));
        assert!(content[800_000..].iter().all(|&b| b == 0));
    }

    #[test]
    fn a_file_that_shrinks_is_reported_as_changed() {
        let file = tempfile::tempfile().unwrap();
        file.write_all_at(&[0xEE; 10], 0).unwrap();
        // Claim more bytes than the file will hold after the write: the
        // read-back past the end fails, so the erase cannot claim success.
        let pattern = vec![1u8; 8];
        let mut buffer = vec![0u8; 8];
        let shrinking = file.try_clone().unwrap();
        let result = overwrite_and_verify(&file, 10, &pattern, &mut buffer, &mut |phase, _| {
            if phase == Phase::Verify {
                shrinking.set_len(4).unwrap();
            }
        });
        assert_eq!(result, Err(OverwriteError::Changed));
    }

    #[test]
    fn bytes_that_differ_on_read_back_fail_verification() {
        let file = tempfile::tempfile().unwrap();
        file.write_all_at(&[0xEE; 32], 0).unwrap();
        let pattern = vec![7u8; 8];
        let mut buffer = vec![0u8; 8];
        // Another writer changes the third chunk after the fsync, before it
        // is read back: the erase must not claim a verified overwrite.
        let other = file.try_clone().unwrap();
        let result = overwrite_and_verify(&file, 32, &pattern, &mut buffer, &mut |phase, _| {
            if phase == Phase::Verify {
                other.write_all_at(b"original", 16).unwrap();
            }
        });
        assert_eq!(result, Err(OverwriteError::Mismatch));
    }

    #[test]
    fn a_file_that_grows_is_reported_as_changed() {
        let file = tempfile::tempfile().unwrap();
        file.write_all_at(&[0xEE; 10], 0).unwrap();
        let pattern = vec![1u8; 16];
        let mut buffer = vec![0u8; 16];
        let growing = file.try_clone().unwrap();
        let result = overwrite_and_verify(&file, 10, &pattern, &mut buffer, &mut |phase, _| {
            if phase == Phase::Verify {
                growing.set_len(100).unwrap();
            }
        });
        assert_eq!(result, Err(OverwriteError::Changed));
    }
}
