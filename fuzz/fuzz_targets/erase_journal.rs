//! Arbitrary bytes as an `iot-erase` journal (and as a persisted report):
//! an error, or a plan whose every path is plain names inside the root.
//! Never a panic.
//!
//! The journal's records carry a SHA-256 check chain that random mutations
//! almost never satisfy, so the bytes are also parsed with the chain
//! unchecked: the validation of record contents must keep `resume` inside
//! the root on its own (the chain is a corruption detector, not a boundary).
#![no_main]

use iot_erase::__fuzz::{ParsedJournal, parse_journal, parse_journal_without_checks, parse_report};
use libfuzzer_sys::fuzz_target;

fn check(journal: &ParsedJournal) {
    assert!(
        journal.round_trips,
        "a parsed plan encodes to the same plan"
    );
    assert!(journal.within_input);
    for components in &journal.paths {
        for name in components {
            assert!(!name.is_empty() && name != "." && name != "..");
            assert!(!name.contains('/') && !name.contains('\0'));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(journal) = parse_journal(data) {
        check(&journal);
    }
    if let Ok(journal) = parse_journal_without_checks(data) {
        check(&journal);
    }
    if let Ok((complete, text)) = parse_report(data) {
        // The confirmation never claims more than the entries say.
        assert_eq!(text.starts_with("Your data was erased"), complete);
    }
});
