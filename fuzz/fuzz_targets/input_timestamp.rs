#![no_main]
//! Timestamp: no panic, round trip, instant within the representable years.
//! F8: two timestamps (the input split at its first newline) compare as
//! their instants do.
use iot_input::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((a, b)) = std::str::from_utf8(data).ok().and_then(|s| s.split_once('\n')) {
        if let (Ok(a), Ok(b)) = (Timestamp::parse(a), Timestamp::parse(b)) {
            let instant = |t: &Timestamp| (t.unix_timestamp(), t.is_leap_second(), t.nanosecond());
            assert_eq!(a.cmp(&b), instant(&a).cmp(&instant(&b)));
            assert_eq!(a == b, instant(&a) == instant(&b));
        }
    }
    if let Some(t) = std::str::from_utf8(data)
        .ok()
        .and_then(|s| Timestamp::parse(s).ok())
    {
        assert_eq!(Timestamp::parse(&t.to_string()), Ok(t));
        // Years 0000–9999 with offsets of up to a day either way.
        assert!((-62_167_305_600..=253_402_387_200).contains(&t.unix_timestamp()));
    }
});
