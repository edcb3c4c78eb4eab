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
    /// Steps left before the injected crash (`None`: never), and steps taken.
    static INSTALL_CRASH: RefCell<(Option<u32>, u32)> = const { RefCell::new((None, 0)) };
}

/// Makes the installer on this thread stop with an error at its durable step
/// number `n` (0-based; a write there is torn in half), and resets the
/// step count. `None` never stops.
pub fn __crash_at_step(n: Option<u32>) {
    INSTALL_CRASH.with(|c| *c.borrow_mut() = (n, 0));
}

/// The durable steps the installer took on this thread since the last
/// [`__crash_at_step`].
pub fn __steps_taken() -> u32 {
    INSTALL_CRASH.with(|c| c.borrow().1)
}

pub(crate) fn install_step() -> bool {
    INSTALL_CRASH.with(|c| {
        let mut c = c.borrow_mut();
        let now = c.1;
        c.1 += 1;
        c.0 == Some(now)
    })
}
