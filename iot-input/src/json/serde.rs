//! The bridge to `serde_json`: [`from_slice`](super::from_slice) hands a
//! validated document to it and turns its errors into ours.

use crate::ErrorKind;

/// The kind of one of our errors inside a `serde_json` data error: our
/// `Deserialize` impls report `"{kind} at byte {n}"`, and `serde_json` adds
/// `" at line {l} column {c}"`. Anything else (serde_json's own messages,
/// which may quote the input) is [`ErrorKind::Deserialize`]; only the kind
/// is kept, never the message.
pub(super) fn kind_of_validation_error(e: &serde_json::Error) -> ErrorKind {
    use alloc::string::ToString;
    let message = e.to_string();
    message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .rsplit_once(" at byte ")
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|(description, _)| ErrorKind::from_description(description))
        .unwrap_or(ErrorKind::Deserialize)
}

/// The byte offset of a 1-based line and byte column.
pub(super) fn offset_of_line_column(input: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        input
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .nth(line - 2)
            .map_or(input.len(), |(i, _)| i + 1)
    };
    line_start
        .saturating_add(column.saturating_sub(1))
        .min(input.len())
}
