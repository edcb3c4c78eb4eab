//! The fields the journal's records are made of: targets, methods,
//! outcomes and counters of the report, and times, as the text codes
//! [`codec`](super::codec) lines carry. A persisted report is the finished
//! journal, so this is also the report's wire format: a code written here
//! is never renamed (see the golden files in `tests/data/`).

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::codec::{
    MAX_MESSAGE_BYTES, bool_field, parse_bool, parse_text_field, parse_u64, sanitize_message,
    text_field,
};
use crate::Error;
use crate::io_kind;
use crate::path::{MAX_LABEL_BYTES, MAX_PATH_BYTES, is_valid_label};
use crate::report::{FailReason, Method, Outcome, RefuseReason, SkipReason, Target, TargetReport};

/// Kind code and label field of a target.
pub(crate) fn target_fields(target: &Target) -> (&'static str, String) {
    let kind = match target {
        Target::CryptoErase { .. } => "crypto",
        Target::File { .. } => "file",
        Target::Dir { .. } => "dir",
        Target::Custom { .. } => "custom",
        Target::Memory { .. } => "memory",
        Target::Reserved { .. } => "reserved",
    };
    (kind, text_field(target.label()))
}

/// Inverse of [`target_fields`]; paths are re-validated as confined to the
/// root.
pub(crate) fn parse_target(kind: &str, label: &str) -> Result<Target, Error> {
    let name = || {
        parse_text_field(label, MAX_LABEL_BYTES)
            .filter(|n| is_valid_label(n))
            .ok_or(Error::Journal)
    };
    let path = || -> Result<String, Error> {
        let text = parse_text_field(label, MAX_PATH_BYTES).ok_or(Error::Journal)?;
        let parsed = super::target_path(Path::new(&text)).map_err(|_| Error::Journal)?;
        // Only the canonical form is accepted: what we write is canonical.
        if parsed.as_text() != text {
            return Err(Error::Journal);
        }
        Ok(text)
    };
    Ok(match kind {
        "crypto" => Target::CryptoErase { name: name()? },
        "file" => {
            let path = path()?;
            if path == "." {
                return Err(Error::Journal);
            }
            Target::File { path }
        }
        "dir" => Target::Dir { path: path()? },
        "custom" => Target::Custom { name: name()? },
        "memory" => Target::Memory { name: name()? },
        "reserved" => {
            let name = name()?;
            if !super::RESERVED_NAMES.contains(&name.as_str()) {
                return Err(Error::Journal);
            }
            Target::Reserved { name }
        }
        _ => return Err(Error::Journal),
    })
}

fn method_code(method: Method) -> &'static str {
    match method {
        Method::CryptoErase => "crypto",
        Method::DestroyStore => "destroy-store",
        Method::Overwrite => "overwrite",
        Method::RemoveLink => "remove-link",
        Method::CustomAction => "custom",
        Method::Zeroize => "zeroize",
        Method::None => "none",
    }
}

fn parse_method(code: &str) -> Option<Method> {
    Some(match code {
        "crypto" => Method::CryptoErase,
        "destroy-store" => Method::DestroyStore,
        "overwrite" => Method::Overwrite,
        "remove-link" => Method::RemoveLink,
        "custom" => Method::CustomAction,
        "zeroize" => Method::Zeroize,
        "none" => Method::None,
        _ => return None,
    })
}

/// The methods that make sense for a kind of target (journal validation).
fn method_fits(target: &Target, method: Method) -> bool {
    method == Method::None
        || matches!(
            (target, method),
            (
                Target::CryptoErase { .. },
                Method::CryptoErase | Method::DestroyStore
            ) | (
                Target::File { .. } | Target::Dir { .. } | Target::Reserved { .. },
                Method::Overwrite | Method::RemoveLink
            ) | (Target::Custom { .. }, Method::CustomAction)
                | (Target::Memory { .. }, Method::Zeroize)
        )
}

/// The fields of an entry after its target: method, outcome, reason,
/// message, bytes, verified, files, dirs, links, hard-linked, special.
pub(crate) fn entry_fields(entry: &TargetReport) -> Vec<String> {
    let (outcome, reason, message) = match &entry.outcome {
        Outcome::Erased => ("erased", "-".to_owned(), String::new()),
        Outcome::NotFound => ("not-found", "-".to_owned(), String::new()),
        Outcome::Skipped(SkipReason::SpecialFile) => {
            ("skipped-special", "-".to_owned(), String::new())
        }
        Outcome::Refused(RefuseReason::LinkedParent) => {
            ("refused-linked-parent", "-".to_owned(), String::new())
        }
        Outcome::Refused(RefuseReason::LinkedTarget) => {
            ("refused-linked-target", "-".to_owned(), String::new())
        }
        Outcome::Interrupted => ("interrupted", "-".to_owned(), String::new()),
        Outcome::Failed(reason) => {
            let (code, message) = match reason {
                FailReason::Io(kind) => (format!("io-{}", io_kind::code(*kind)), String::new()),
                FailReason::VerifyMismatch => ("verify".to_owned(), String::new()),
                FailReason::ChangedDuringErase => ("changed".to_owned(), String::new()),
                FailReason::Action(message) => ("action".to_owned(), sanitize_message(message)),
                FailReason::Panicked => ("panicked".to_owned(), String::new()),
                FailReason::TooDeep => ("too-deep".to_owned(), String::new()),
                FailReason::TooManyEntries => ("too-many-entries".to_owned(), String::new()),
                FailReason::OtherFileSystem => ("other-file-system".to_owned(), String::new()),
            };
            ("failed", code, message)
        }
    };
    vec![
        method_code(entry.method).to_owned(),
        outcome.to_owned(),
        reason,
        text_field(&message),
        entry.bytes_overwritten.to_string(),
        bool_field(entry.verified).to_owned(),
        entry.files.to_string(),
        entry.dirs.to_string(),
        entry.links_removed.to_string(),
        entry.hard_linked.to_string(),
        entry.special_skipped.to_string(),
    ]
}

/// Number of fields [`entry_fields`] writes.
pub(crate) const ENTRY_FIELDS: usize = 11;

/// Inverse of [`entry_fields`] for a known target.
pub(crate) fn parse_entry(target: Target, fields: &[&str]) -> Result<TargetReport, Error> {
    let [
        method,
        outcome,
        reason,
        message,
        bytes,
        verified,
        files,
        dirs,
        links,
        hard,
        special,
    ] = fields
    else {
        return Err(Error::Journal);
    };
    let bad = || Error::Journal;
    let method = parse_method(method).ok_or_else(bad)?;
    if !method_fits(&target, method) {
        return Err(Error::Journal);
    }
    let message = parse_text_field(message, MAX_MESSAGE_BYTES).ok_or_else(bad)?;
    let outcome = match (*outcome, *reason) {
        ("erased", "-") => Outcome::Erased,
        ("not-found", "-") => Outcome::NotFound,
        ("skipped-special", "-") => Outcome::Skipped(SkipReason::SpecialFile),
        ("refused-linked-parent", "-") => Outcome::Refused(RefuseReason::LinkedParent),
        ("refused-linked-target", "-") => Outcome::Refused(RefuseReason::LinkedTarget),
        ("interrupted", "-") => Outcome::Interrupted,
        ("failed", "action") => Outcome::Failed(FailReason::Action(message.clone())),
        ("failed", code) => Outcome::Failed(match code {
            "verify" => FailReason::VerifyMismatch,
            "changed" => FailReason::ChangedDuringErase,
            "panicked" => FailReason::Panicked,
            "too-deep" => FailReason::TooDeep,
            "too-many-entries" => FailReason::TooManyEntries,
            "other-file-system" => FailReason::OtherFileSystem,
            _ => FailReason::Io(
                code.strip_prefix("io-")
                    .and_then(io_kind::parse)
                    .ok_or_else(bad)?,
            ),
        }),
        _ => return Err(Error::Journal),
    };
    if !message.is_empty() && !matches!(outcome, Outcome::Failed(FailReason::Action(_))) {
        return Err(Error::Journal);
    }
    Ok(TargetReport {
        target,
        method,
        outcome,
        bytes_overwritten: parse_u64(bytes).ok_or_else(bad)?,
        verified: parse_bool(verified).ok_or_else(bad)?,
        files: parse_u64(files).ok_or_else(bad)?,
        dirs: parse_u64(dirs).ok_or_else(bad)?,
        links_removed: parse_u64(links).ok_or_else(bad)?,
        hard_linked: parse_u64(hard).ok_or_else(bad)?,
        special_skipped: parse_u64(special).ok_or_else(bad)?,
    })
}

pub(crate) fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub(crate) fn from_unix_seconds(seconds: u64) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// Today, rounded down to whole seconds (what the report persists).
pub(crate) fn now() -> SystemTime {
    from_unix_seconds(unix_seconds(SystemTime::now())).unwrap_or(UNIX_EPOCH)
}

pub(crate) fn is_valid_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::EraseReport;
    use proptest::prelude::*;

    #[test]
    fn entries_check_method_against_target_kind() {
        let target = Target::Custom { name: "x".into() };
        let mut entry = TargetReport::new(target.clone());
        entry.method = Method::Overwrite;
        let fields = entry_fields(&entry);
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        assert_eq!(parse_entry(target, &refs), Err(Error::Journal));
    }

    fn arb_outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![
            Just(Outcome::Erased),
            Just(Outcome::NotFound),
            Just(Outcome::Interrupted),
            Just(Outcome::Skipped(SkipReason::SpecialFile)),
            Just(Outcome::Refused(RefuseReason::LinkedParent)),
            Just(Outcome::Refused(RefuseReason::LinkedTarget)),
            Just(Outcome::Failed(FailReason::OtherFileSystem)),
            Just(Outcome::Failed(FailReason::VerifyMismatch)),
            Just(Outcome::Failed(FailReason::TooDeep)),
            prop::sample::select(io_kind::ALL.to_vec())
                .prop_map(|(kind, _)| Outcome::Failed(FailReason::Io(kind))),
            "[a-z ]{0,40}".prop_map(|m| Outcome::Failed(FailReason::Action(m))),
        ]
    }

    fn arb_entry() -> impl Strategy<Value = TargetReport> {
        (
            arb_outcome(),
            any::<[u64; 6]>(),
            any::<bool>(),
            "[a-z]{1,10}",
        )
            .prop_map(|(outcome, n, verified, name)| TargetReport {
                target: Target::Custom { name },
                method: Method::CustomAction,
                outcome,
                bytes_overwritten: n[0],
                verified,
                files: n[1],
                dirs: n[2],
                links_removed: n[3],
                hard_linked: n[4],
                special_skipped: n[5],
            })
    }

    proptest! {
        #[test]
        fn entries_round_trip_and_display_is_honest(
            resumed in any::<bool>(),
            entries in proptest::collection::vec(arb_entry(), 0..12),
        ) {
            for entry in &entries {
                let fields = entry_fields(entry);
                let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
                prop_assert_eq!(&parse_entry(entry.target.clone(), &refs).unwrap(), entry);
            }
            let report = EraseReport {
                id: "0123456789abcdef0123456789abcdef".into(),
                started: UNIX_EPOCH,
                finished: UNIX_EPOCH,
                resumed,
                entries,
            };
            // Display never panics and is honest about completeness.
            let text = report.to_string();
            prop_assert_eq!(text.starts_with("Your data was erased"), report.is_complete());
        }
    }
}
