#![no_main]
//! MQTT topic names and filters: no panic, round trips, a name matches
//! itself as a filter, `#` matches every name not starting with `$`. The
//! first line is a filter, the rest a topic name.
use iot_input::mqtt::{TopicFilter, TopicName};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (filter, name) = s.split_once('\n').unwrap_or((s, s));
    let filter = TopicFilter::parse(filter).ok();
    let name = TopicName::parse(name).ok();
    if let Some(f) = &filter {
        assert_eq!(TopicFilter::parse(f.as_str()).as_ref(), Ok(f));
    }
    if let Some(n) = &name {
        assert_eq!(TopicName::parse(n.as_str()).as_ref(), Ok(n));
        let itself = TopicFilter::parse(n.as_str());
        assert!(itself.is_ok_and(|f| f.matches(n)));
        let all = TopicFilter::parse("#").is_ok_and(|f| f.matches(n));
        assert_eq!(all, !n.as_str().starts_with('$'));
    }
    if let (Some(f), Some(n)) = (&filter, &name) {
        let _ = f.matches(n);
    }
});
