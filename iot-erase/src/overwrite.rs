//! Overwriting a file's content in place and reading it back.
//!
//! One pass of random data (NIST SP 800-88 "clear" asks for one pass; more
//! passes add nothing on modern media), written in bounded chunks through the
//! already-open handle (same inode: every other name of the file sees the new
//! bytes), `fsync`ed, then read back and compared chunk by chunk.
//!
//! The random chunk comes from the system CSPRNG (through ring) once per erase
//! and is repeated over the file: random rather than zeros so a file system
//! that compresses or detects zero blocks still has to write every block,
//! and so the read-back cannot be satisfied by a hole.
//!
//! Before the read-back the page cache of the file is dropped
//! (`posix_fadvise(POSIX_FADV_DONTNEED)` on Linux, Android and FreeBSD; best
//! effort: the kernel may keep pages), so where the kernel honours it the
//! comparison sees what the storage returns, not what the cache still holds.
//! The storage device's own cache may still answer; no user-space read can
//! see past the flash translation layer (see the crate docs).

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use rustix::fs as rfs;

use crate::progress::Phase;
use crate::report::FailReason;

/// Size of one overwrite chunk, and of each of the two buffers an erase holds.
pub(crate) const CHUNK: usize = 256 * 1024;

/// Overwrites the first `len` bytes of `file` with `pattern` repeated,
/// `fsync`s, drops the cache, reads back and compares. `progress` gets the
/// phase and the bytes done since its last call.
pub(crate) fn overwrite_and_verify(
    file: &File,
    len: u64,
    pattern: &[u8],
    buffer: &mut [u8],
    progress: &mut dyn FnMut(Phase, u64),
) -> Result<(), FailReason> {
    let io_fail = |e: io::Error| FailReason::Io(e.kind());
    let chunk = pattern.len().min(buffer.len()).max(1);
    let chunk_u64 = u64::try_from(chunk).unwrap_or(u64::MAX);

    // `step` never exceeds `chunk`, so it always fits a usize and the slices.
    let mut offset = 0u64;
    while offset < len {
        let step = chunk_u64.min(len - offset);
        let n = usize::try_from(step).unwrap_or(chunk);
        let data = pattern.get(..n).ok_or(FailReason::ChangedDuringErase)?;
        file.write_all_at(data, offset).map_err(io_fail)?;
        offset += step;
        progress(Phase::Overwrite, step);
    }
    file.sync_all().map_err(io_fail)?;

    drop_cached_pages(file);

    let mut offset = 0u64;
    while offset < len {
        let step = chunk_u64.min(len - offset);
        let n = usize::try_from(step).unwrap_or(chunk);
        let (expected, read) = match (pattern.get(..n), buffer.get_mut(..n)) {
            (Some(expected), Some(read)) => (expected, read),
            _ => return Err(FailReason::ChangedDuringErase),
        };
        file.read_exact_at(read, offset).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                FailReason::ChangedDuringErase
            } else {
                FailReason::Io(e.kind())
            }
        })?;
        if read != expected {
            return Err(FailReason::VerifyMismatch);
        }
        offset += step;
        progress(Phase::Verify, step);
    }

    let size_now = rfs::fstat(file).map_err(|e| FailReason::Io(io::Error::from(e).kind()))?;
    if u64::try_from(size_now.st_size).ok() != Some(len) {
        return Err(FailReason::ChangedDuringErase);
    }
    Ok(())
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
    fn a_file_that_shrinks_is_reported_as_changed() {
        let file = tempfile::tempfile().unwrap();
        file.set_len(10).unwrap();
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
        assert_eq!(result, Err(FailReason::ChangedDuringErase));
    }

    #[test]
    fn bytes_that_differ_on_read_back_fail_verification() {
        let file = tempfile::tempfile().unwrap();
        file.set_len(32).unwrap();
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
        assert_eq!(result, Err(FailReason::VerifyMismatch));
    }

    #[test]
    fn a_file_that_grows_is_reported_as_changed() {
        let file = tempfile::tempfile().unwrap();
        file.set_len(10).unwrap();
        let pattern = vec![1u8; 16];
        let mut buffer = vec![0u8; 16];
        let growing = file.try_clone().unwrap();
        let result = overwrite_and_verify(&file, 10, &pattern, &mut buffer, &mut |phase, _| {
            if phase == Phase::Verify {
                growing.set_len(100).unwrap();
            }
        });
        assert_eq!(result, Err(FailReason::ChangedDuringErase));
    }
}
