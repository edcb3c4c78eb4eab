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
