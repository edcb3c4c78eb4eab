#![no_main]
//! DeviceName: no panic, round trip, character bound. F5: no blank
//! Braille pattern, no private use, no leading combining mark and no run
//! of more than `MAX_COMBINING_RUN` combining diacritics.
use iot_input::DeviceName;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(n) = std::str::from_utf8(data)
        .ok()
        .and_then(|s| DeviceName::parse(s).ok())
    {
        assert!(n.as_str().chars().count() <= DeviceName::MAX_CHARS);
        assert_eq!(DeviceName::parse(&n.to_string()), Ok(n));
        let combining = |c: char| {
            matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
        };
        let mut run = 0;
        for (i, c) in n.as_str().chars().enumerate() {
            assert!(!matches!(c, '\u{2800}' | '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..), "{n:?}");
            run = if combining(c) { run + 1 } else { 0 };
            assert!(run <= DeviceName::MAX_COMBINING_RUN && !(i == 0 && run == 1), "{n:?}");
        }
    }
});
