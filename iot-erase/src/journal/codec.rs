//! The line format shared by the journal and the persisted report.
//!
//! Each record is one line of printable ASCII: fields separated by one space,
//! then a check field, then `\n`. The check is the first 16 bytes of
//! SHA-256(previous check ‖ fields), hex-encoded; the first line chains from a
//! per-file-kind domain string. So a record cannot be torn, edited, reordered
//! or spliced in from another file without the check failing.
//!
//! The check is a *corruption* detector (power loss, flash bit rot), not an
//! authenticator: anyone who can write the root can also recompute it. That
//! is fine because the journal is never trusted further than "a plan confined
//! to the root": every path in it is re-validated as a [`RelPath`](crate::path::RelPath),
//! and everything is done through no-follow handles anyway.
//!
//! Text rather than binary so a device maker debugging a stuck erase can read
//! the journal with `cat`; names and messages are hex-encoded, so no field can
//! carry a space, a newline or a control character.

use ring::digest;

/// Longest line accepted, in bytes (a 1024-byte path hex-encodes to 2048).
pub(crate) const MAX_LINE: usize = 4096;
/// Longest custom-action message kept, in bytes.
pub(crate) const MAX_MESSAGE_BYTES: usize = 200;
const CHECK_BYTES: usize = 16;
const CHECK_HEX: usize = CHECK_BYTES * 2;

type Check = [u8; CHECK_BYTES];

fn chain(previous: &Check, body: &[u8]) -> Check {
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(previous);
    ctx.update(body);
    let digest = ctx.finish();
    let mut out = [0u8; CHECK_BYTES];
    for (o, d) in out.iter_mut().zip(digest.as_ref()) {
        *o = *d;
    }
    out
}

fn seed(domain: &str) -> Check {
    chain(&[0u8; CHECK_BYTES], domain.as_bytes())
}

/// Builds checked lines.
#[derive(Debug, Clone)]
pub(crate) struct LineWriter {
    previous: Check,
}

impl LineWriter {
    pub(crate) fn new(domain: &str) -> Self {
        Self {
            previous: seed(domain),
        }
    }

    /// Continues a chain after the last valid line a [`LineReader`] read.
    pub(crate) fn continue_after(reader: &LineReader<'_>) -> Self {
        Self {
            previous: reader.previous,
        }
    }

    /// One line with its check and the trailing newline. Fields are
    /// produced by this crate only (numbers, codes, hex) and so are
    /// printable ASCII without spaces.
    pub(crate) fn line(&mut self, fields: &[&str]) -> String {
        let body = fields.join(" ");
        let check = chain(&self.previous, body.as_bytes());
        self.previous = check;
        let mut line = body;
        line.push(' ');
        line.push_str(&hex_encode(&check));
        line.push('\n');
        line
    }
}

/// Why a line was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineError {
    /// No newline before the end of the data: a write torn by power loss.
    Torn,
    /// Too long, not printable ASCII, empty fields, or the check fails.
    Bad,
}

/// Reads checked lines.
#[derive(Debug)]
pub(crate) struct LineReader<'a> {
    data: &'a [u8],
    position: usize,
    previous: Check,
    verify: bool,
}

impl<'a> LineReader<'a> {
    pub(crate) fn new(domain: &str, data: &'a [u8]) -> Self {
        Self {
            data,
            position: 0,
            previous: seed(domain),
            verify: true,
        }
    }

    /// A reader that checks the shape of each check field but not its
    /// value. Only for fuzzing: it lets the fuzzer reach the validation of
    /// record contents, which must hold on its own.
    #[cfg(any(test, fuzzing))]
    pub(crate) fn without_checks(domain: &str, data: &'a [u8]) -> Self {
        Self {
            verify: false,
            ..Self::new(domain, data)
        }
    }

    /// Bytes consumed by the valid lines read so far.
    pub(crate) fn position(&self) -> usize {
        self.position
    }

    /// The fields of the next line (without the check), `None` at the end.
    /// After an error the reader does not move: the caller decides whether
    /// the rest is a torn tail or a reason to reject the file.
    pub(crate) fn next_line(&mut self) -> Option<Result<Vec<&'a str>, LineError>> {
        let rest = self.data.get(self.position..)?;
        if rest.is_empty() {
            return None;
        }
        let window = rest.get(..MAX_LINE).unwrap_or(rest);
        let Some(newline) = window.iter().position(|&b| b == b'\n') else {
            return Some(Err(if rest.len() < MAX_LINE {
                LineError::Torn
            } else {
                LineError::Bad
            }));
        };
        let line = window.get(..newline)?;
        if !line.iter().all(|&b| b.is_ascii_graphic() || b == b' ') {
            return Some(Err(LineError::Bad));
        }
        let Ok(text) = core::str::from_utf8(line) else {
            return Some(Err(LineError::Bad));
        };
        let Some((body, check_hex)) = text.rsplit_once(' ') else {
            return Some(Err(LineError::Bad));
        };
        if check_hex.len() != CHECK_HEX {
            return Some(Err(LineError::Bad));
        }
        let fields: Vec<&'a str> = body.split(' ').collect();
        if fields.iter().any(|f| f.is_empty()) {
            return Some(Err(LineError::Bad));
        }
        let check = chain(&self.previous, body.as_bytes());
        if self.verify && hex_encode(&check) != check_hex {
            return Some(Err(LineError::Bad));
        }
        if !check_hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Some(Err(LineError::Bad));
        }
        self.previous = check;
        self.position = self.position.saturating_add(newline).saturating_add(1);
        Some(Ok(fields))
    }
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble & 0x0f), 16).unwrap_or('0')
}

/// Lower-case hex.
pub(crate) fn hex_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(hex_digit(b >> 4));
        out.push(hex_digit(b));
    }
    out
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

/// Decodes lower-case hex; `None` for odd length or any other character.
pub(crate) fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some((hex_value(*hi)? << 4) | hex_value(*lo)?),
            _ => None,
        })
        .collect()
}

/// A text field: `-` for the empty string, otherwise the UTF-8 bytes in hex.
pub(crate) fn text_field(text: &str) -> String {
    if text.is_empty() {
        "-".to_owned()
    } else {
        hex_encode(text.as_bytes())
    }
}

/// Inverse of [`text_field`], with a length bound on the decoded text.
pub(crate) fn parse_text_field(field: &str, max_bytes: usize) -> Option<String> {
    if field == "-" {
        return Some(String::new());
    }
    if field.len() > max_bytes.saturating_mul(2) {
        return None;
    }
    let bytes = hex_decode(field)?;
    if bytes.is_empty() {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// A decimal `u64` without sign, spaces or leading zeros.
pub(crate) fn parse_u64(field: &str) -> Option<u64> {
    if field.is_empty()
        || !field.bytes().all(|b| b.is_ascii_digit())
        || (field.len() > 1 && field.starts_with('0'))
    {
        return None;
    }
    field.parse().ok()
}

/// `0` or `1`.
pub(crate) fn parse_bool(field: &str) -> Option<bool> {
    match field {
        "0" => Some(false),
        "1" => Some(true),
        _ => None,
    }
}

pub(crate) fn bool_field(value: bool) -> &'static str {
    if value { "1" } else { "0" }
}

/// Cuts `message` to at most [`MAX_MESSAGE_BYTES`] on a character boundary
/// and replaces control characters, so an app-supplied message is safe to
/// persist and to show.
pub(crate) fn sanitize_message(message: &str) -> String {
    let mut out = String::new();
    for c in message.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if out.len() + c.len_utf8() > MAX_MESSAGE_BYTES {
            break;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_chain() {
        let mut w = LineWriter::new("test");
        let data = format!("{}{}", w.line(&["a", "1"]), w.line(&["b", "22"]));
        let mut r = LineReader::new("test", data.as_bytes());
        assert_eq!(r.next_line(), Some(Ok(vec!["a", "1"])));
        assert_eq!(r.next_line(), Some(Ok(vec!["b", "22"])));
        assert_eq!(r.next_line(), None);
        assert_eq!(r.position(), data.len());
    }

    #[test]
    fn edits_reorders_and_other_domains_fail_the_check() {
        let mut w = LineWriter::new("test");
        let l1 = w.line(&["a", "1"]);
        let l2 = w.line(&["b", "2"]);
        let edited = format!("{}{}", l1.replacen("a 1", "a 2", 1), l2);
        assert_eq!(
            LineReader::new("test", edited.as_bytes()).next_line(),
            Some(Err(LineError::Bad))
        );
        let swapped = format!("{l2}{l1}");
        assert_eq!(
            LineReader::new("test", swapped.as_bytes()).next_line(),
            Some(Err(LineError::Bad))
        );
        assert_eq!(
            LineReader::new("other", l1.as_bytes()).next_line(),
            Some(Err(LineError::Bad))
        );
    }

    #[test]
    fn a_line_without_newline_is_torn() {
        let mut w = LineWriter::new("test");
        let l1 = w.line(&["a"]);
        let cut = &l1[..l1.len() - 1];
        let mut r = LineReader::new("test", cut.as_bytes());
        assert_eq!(r.next_line(), Some(Err(LineError::Torn)));
        assert_eq!(r.position(), 0);
    }

    #[test]
    fn hex_and_numbers_are_strict() {
        assert_eq!(hex_encode(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(hex_decode("00abff"), Some(vec![0x00, 0xab, 0xff]));
        assert_eq!(hex_decode("0"), None);
        assert_eq!(hex_decode("AB"), None);
        assert_eq!(hex_decode("zz"), None);
        assert_eq!(parse_u64("0"), Some(0));
        assert_eq!(parse_u64("18446744073709551615"), Some(u64::MAX));
        for bad in ["", "+1", "01", "1 ", "-1", "18446744073709551616"] {
            assert_eq!(parse_u64(bad), None, "{bad:?}");
        }
        assert_eq!(parse_text_field("-", 10), Some(String::new()));
        assert_eq!(
            parse_text_field(&text_field("héllo"), 10),
            Some("héllo".into())
        );
        assert_eq!(parse_text_field(&text_field("héllo"), 3), None);
        assert_eq!(parse_text_field("ff", 10), None);
    }

    #[test]
    fn messages_are_bounded_and_stripped_of_controls() {
        assert_eq!(sanitize_message("a\nb\u{1b}[2J"), "a b [2J");
        let long = "é".repeat(MAX_MESSAGE_BYTES);
        let cut = sanitize_message(&long);
        assert!(cut.len() <= MAX_MESSAGE_BYTES);
        assert!(cut.chars().all(|c| c == 'é'));
    }
}
