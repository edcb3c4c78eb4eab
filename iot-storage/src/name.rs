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
    let well_formed = (1..=MAX_NAME_LEN).contains(&bytes.len())
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last() != Some(&b'/')
        // One pass over the bytes: the character set, and no ".." or "//".
        && bytes.iter().zip(bytes.iter().skip(1).map(Some).chain([None])).all(|(&b, next)| {
            let allowed = b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/');
            let doubled = matches!(b, b'.' | b'/') && next == Some(&b);
            allowed && !doubled
        });
    if well_formed {
        Ok(())
    } else {
        Err(Error::InvalidName)
    }
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
