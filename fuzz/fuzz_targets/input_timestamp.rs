#![no_main]
//! Timestamp: no panic, round trip, instant within the representable years.
use iot_input::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(t) = std::str::from_utf8(data)
        .ok()
        .and_then(|s| Timestamp::parse(s).ok())
    {
        assert_eq!(Timestamp::parse(&t.to_string()), Ok(t));
        // Years 0000–9999 with offsets of up to a day either way.
        assert!((-62_167_305_600..=253_402_387_200).contains(&t.unix_timestamp()));
    }
});
