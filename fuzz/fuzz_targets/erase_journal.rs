//! Arbitrary bytes as an `iot-erase` journal (and as a persisted report):
//! an error, or a plan whose every path is plain names inside the root.
//! Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(journal) = iot_erase::__fuzz::parse_journal(data) {
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
    if let Ok((complete, text)) = iot_erase::__fuzz::parse_report(data) {
        // The confirmation never claims more than the entries say.
        assert_eq!(text.starts_with("Your data was erased"), complete);
    }
});
