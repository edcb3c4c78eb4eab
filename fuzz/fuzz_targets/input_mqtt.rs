#![no_main]
//! MQTT topic names and filters: no panic, round trips, a name matches
//! itself as a filter, `#` matches every name not starting with `$`. The
//! first line is a filter, the rest a topic name. F6: no bidi, zero-width
//! or separator characters in strict topics; `$share/<name>/<filter>`
//! has a valid share name and matches as its inner filter.
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
        // A name matches itself as a filter, except a `$share/` name, which
        // as a filter is a shared subscription (MQTT 5 §4.8.2).
        let itself = TopicFilter::parse(n.as_str());
        if !n.as_str().starts_with("$share/") {
            assert!(itself.is_ok_and(|f| f.matches(n)));
        }
        let all = TopicFilter::parse("#").is_ok_and(|f| f.matches(n));
        assert_eq!(all, !n.as_str().starts_with('$'));
    }
    for text in filter.iter().map(|f| f.as_str()).chain(name.iter().map(|n| n.as_str())) {
        assert!(
            !text.chars().any(|c| matches!(
                c,
                '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{feff}'
            )),
            "{text:?}"
        );
    }
    if let Some(f) = &filter {
        match f.shared() {
            Some((group, inner)) => {
                assert!(f.as_str().starts_with("$share/"));
                assert!(!group.is_empty() && !group.contains(['/', '+', '#']));
                // The inner filter is a plain filter (`$share/g/$share/x`
                // shares the plain filter `$share/x`), and decides matching.
                if !inner.starts_with("$share/") {
                    let inner = TopicFilter::parse(inner).expect("the inner filter is a filter");
                    if let Some(n) = &name {
                        assert_eq!(f.matches(n), inner.matches(n));
                    }
                }
            }
            None => assert!(!f.as_str().starts_with("$share/")),
        }
    }
    if let (Some(f), Some(n)) = (&filter, &name) {
        let _ = f.matches(n);
    }
});
