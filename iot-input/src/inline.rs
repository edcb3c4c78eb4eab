//! Fixed-capacity storage for validated text, so the validated types need
//! neither `alloc` nor a lifetime.

use core::{fmt, hash};

/// Up to `N` bytes of UTF-8 text stored inline.
///
/// Only ever filled from a `&str`, cut at a character boundary by the
/// caller's validation, so [`InlineStr::as_str`] always sees valid UTF-8.
#[derive(Clone, Copy)]
pub(crate) struct InlineStr<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> InlineStr<N> {
    /// Copies `s`, or `None` if it does not fit.
    pub(crate) fn new(s: &str) -> Option<Self> {
        let mut out = Self {
            buf: [0; N],
            len: 0,
        };
        out.push_str(s).then_some(out)
    }

    /// Appends `s`; `false` (and nothing appended) if it does not fit.
    pub(crate) fn push_str(&mut self, s: &str) -> bool {
        let end = self.len.saturating_add(s.len());
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                dst.copy_from_slice(s.as_bytes());
                self.len = end;
                true
            }
            None => false,
        }
    }

    /// Appends an ASCII byte, lower-cased.
    pub(crate) fn push_lower(&mut self, b: u8) -> bool {
        match self.buf.get_mut(self.len) {
            Some(slot) if b.is_ascii() => {
                *slot = b.to_ascii_lowercase();
                self.len += 1;
                true
            }
            _ => false,
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    pub(crate) fn as_str(&self) -> &str {
        // Always valid: the buffer is only filled from `&str`s and ASCII.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    pub(crate) const fn len(&self) -> usize {
        self.len
    }
}

impl<const N: usize> PartialEq for InlineStr<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl<const N: usize> Eq for InlineStr<N> {}

impl<const N: usize> hash::Hash for InlineStr<N> {
    fn hash<H: hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl<const N: usize> fmt::Debug for InlineStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}
