//! Arbitrary bytes as an `iot-erase` journal (and as a persisted report):
//! an error, or a plan whose every path is plain names inside the root.
//! Never a panic.
//!
//! The journal's records carry a SHA-256 check chain that random mutations
//! almost never satisfy, so the bytes are also parsed with the chain
//! unchecked: the validation of record contents must keep `resume` inside
//! the root on its own (the chain is a corruption detector, not a boundary).
#![no_main]

use iot_erase::__fuzz::{Journal, parse_journal, parse_journal_without_checks, parse_report};
use iot_erase::EraseReport;
use libfuzzer_sys::fuzz_target;

/// The confirmation never claims more than the entries say.
fn check_report(report: &EraseReport) {
    let text = report.to_string();
    assert_eq!(
        text.starts_with("Your data was erased"),
        report.is_complete()
    );
}

fn check(journal: &Journal, input_len: usize) {
    // A parsed plan encodes to a journal that parses to the same plan.
    let again = parse_journal(journal.encoded_plan().as_bytes()).expect("an encoded plan parses");
    assert!(again.same_plan(journal));
    // The valid part does not extend past the input.
    assert!(journal.valid_len() <= input_len);
    // Every path a `resume` would act on is plain names inside the root.
    for components in journal.paths() {
        for name in &components {
            assert!(!name.is_empty() && name != "." && name != "..");
            assert!(!name.contains('/') && !name.contains('\0'));
        }
    }
    if let Some(report) = journal.report() {
        check_report(&report);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(journal) = parse_journal(data) {
        check(&journal, data.len());
    }
    if let Ok(journal) = parse_journal_without_checks(data) {
        check(&journal, data.len());
    }
    if let Ok(report) = parse_report(data) {
        check_report(&report);
    }
});
