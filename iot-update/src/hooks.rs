//! Test hooks (feature `__test-hooks` only; never in a normal build).

use std::cell::RefCell;
use std::path::Path;

type Hook = Box<dyn Fn(&Path, &Path)>;

thread_local! {
    static BEFORE_RENAME: RefCell<Option<Hook>> = RefCell::new(None);
}

/// Runs `hook(temporary, final)` on this thread just before a verified
/// target is renamed into place.
pub fn __before_rename(hook: Option<Hook>) {
    BEFORE_RENAME.with(|h| *h.borrow_mut() = hook);
}

pub(crate) fn before_rename(tmp: &Path, final_path: &Path) {
    BEFORE_RENAME.with(|h| {
        if let Some(hook) = h.borrow().as_ref() {
            hook(tmp, final_path);
        }
    });
}

thread_local! {
    /// The step to stop at (`None`: never), the steps taken, and whether the
    /// stop is a power cut (unsynced writes are lost) or a crash (they stay).
    static INSTALL_CRASH: RefCell<(Option<u32>, u32, bool)> = const { RefCell::new((None, 0, false)) };
    /// Writes not yet synced: (device, inode, offset, previous bytes,
    /// previous length, a handle to write them back).
    static UNSYNCED: RefCell<Vec<Unsynced>> = const { RefCell::new(Vec::new()) };
}

struct Unsynced {
    id: (u64, u64),
    offset: u64,
    old: Vec<u8>,
    old_len: u64,
    file: std::fs::File,
}

/// Makes the installer on this thread stop with an error at its durable step
/// number `n` (0-based; a write there is torn: a prefix reaches the file),
/// as a crashed process: what it wrote stays. Resets the step count. `None`
/// never stops.
pub fn __crash_at_step(n: Option<u32>) {
    INSTALL_CRASH.with(|c| *c.borrow_mut() = (n, 0, false));
    UNSYNCED.with(|u| u.borrow_mut().clear());
}

/// As [`__crash_at_step`], but a power cut: every write not yet followed by
/// an fsync of its file (the torn one included) is undone when it stops.
pub fn __power_cut_at_step(n: Option<u32>) {
    INSTALL_CRASH.with(|c| *c.borrow_mut() = (n, 0, true));
    UNSYNCED.with(|u| u.borrow_mut().clear());
}

/// The durable steps the installer took on this thread since the last
/// [`__crash_at_step`] or [`__power_cut_at_step`].
pub fn __steps_taken() -> u32 {
    INSTALL_CRASH.with(|c| c.borrow().1)
}

/// `true` when this step is the one to stop at.
pub(crate) fn install_step() -> bool {
    INSTALL_CRASH.with(|c| {
        let mut c = c.borrow_mut();
        let now = c.1;
        c.1 += 1;
        c.0 == Some(now)
    })
}

fn id(file: &std::fs::File) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    file.metadata().ok().map(|m| (m.dev(), m.ino()))
}

/// Before a write of `len` bytes at `offset`: keeps what it overwrites.
pub(crate) fn before_write(file: &std::fs::File, offset: u64, len: usize) {
    use std::os::unix::fs::FileExt;
    let Some(id) = id(file) else { return };
    // a second description of the same file, readable and writable
    let Ok(path) = std::fs::read_link(format!(
        "/proc/self/fd/{}",
        std::os::fd::AsRawFd::as_raw_fd(file)
    )) else {
        return;
    };
    let Ok(handle) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    else {
        return;
    };
    let old_len = handle.metadata().map(|m| m.len()).unwrap_or(0);
    let mut old = vec![0u8; len];
    let n = handle.read_at(&mut old, offset).unwrap_or(0);
    old.truncate(n);
    UNSYNCED.with(|u| {
        u.borrow_mut().push(Unsynced {
            id,
            offset,
            old,
            old_len,
            file: handle,
        });
    });
}

/// After an fsync of `file`: its writes are durable.
pub(crate) fn after_sync(file: &std::fs::File) {
    let Some(id) = id(file) else { return };
    UNSYNCED.with(|u| u.borrow_mut().retain(|w| w.id != id));
}

/// At the stop: a power cut undoes the unsynced writes, newest first.
pub(crate) fn at_stop() {
    if INSTALL_CRASH.with(|c| c.borrow().2) {
        __power_cut_now();
    }
}

/// A power cut now, after the operation returned: the writes of this
/// thread not yet followed by an fsync of their file are undone.
pub fn __power_cut_now() {
    use std::os::unix::fs::FileExt;
    UNSYNCED.with(|u| {
        for w in u.borrow_mut().drain(..).rev() {
            let _ = w.file.write_all_at(&w.old, w.offset);
            let _ = w.file.set_len(w.old_len);
        }
    });
}
