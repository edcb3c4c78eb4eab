//! Role names and target paths in URLs and file names.

/// Percent-encodes everything but the URL-unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`), as python's `urllib.parse.quote(s, safe="")`:
/// a role name or target path becomes one safe path segment.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push_str(&crate::crypto::hex_encode(&[b]).to_uppercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_like_python() {
        assert_eq!(quote("targets"), "targets");
        assert_eq!(quote("?"), "%3F");
        assert_eq!(quote("#"), "%23");
        assert_eq!(quote("/delegatedrole"), "%2Fdelegatedrole");
        assert_eq!(quote("../delegatedrole"), "..%2Fdelegatedrole");
        assert_eq!(quote("a b/ü"), "a%20b%2F%C3%BC");
        assert_eq!(quote(".."), "..");
    }
}
