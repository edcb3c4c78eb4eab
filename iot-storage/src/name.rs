//! Entry names: what a caller may call a secret.
//!
//! Names never become file names (records are stored under their generation
//! number, and names travel sealed inside records and the manifest), so the
//! rules below are not about path safety on the medium. They keep names
//! printable, unambiguous and bounded, so that a name can be shown in a
//! diagnostic tool without escaping and can never be confused with a path
//! traversal by code layered on top of the store.

use crate::Error;

/// Longest entry name, in bytes ([`SealedStore::MAX_NAME_LEN`](crate::SealedStore::MAX_NAME_LEN)).
pub(crate) const MAX_NAME_LEN: usize = 128;

/// Checks an entry name: 1..=128 bytes of ASCII letters, digits and `._/-`,
/// starting with a letter or digit, without `..` or `//`, not ending in `/`.
pub(crate) fn validate(name: &str) -> Result<(), Error> {
    let bytes = name.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return Err(Error::InvalidName);
    };
    if bytes.len() > MAX_NAME_LEN || !first.is_ascii_alphanumeric() || *last == b'/' {
        return Err(Error::InvalidName);
    }
    // One pass over the bytes: the character set, and no ".." or "//". (Runs
    // on every get and put, so a plain loop rather than an iterator chain.)
    let mut previous = 0u8;
    for &b in bytes {
        let allowed = b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/');
        let doubled = b == previous && matches!(b, b'.' | b'/');
        if !allowed || doubled {
            return Err(Error::InvalidName);
        }
        previous = b;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_typical_names() {
        for name in [
            "wifi.psk",
            "cloud/token",
            "a",
            "K-1_x.y/z",
            &"n".repeat(MAX_NAME_LEN),
        ] {
            assert!(validate(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn rejects_bad_names() {
        let too_long = "n".repeat(MAX_NAME_LEN + 1);
        for name in [
            "",
            ".hidden",
            "/abs",
            "a/../b",
            "..",
            "a..b",
            "a//b",
            "dir/",
            "sp ace",
            "tab\t",
            "nul\0",
            "ümlaut",
            "semi;colon",
            "-dash",
            &too_long,
        ] {
            assert!(
                matches!(validate(name), Err(Error::InvalidName)),
                "{name:?}"
            );
        }
    }
}
