#![no_main]
//! Hostname: no panic, the length bound, lower case, round trip, and the
//! WHATWG host parser computes the same name for every accepted one. F4:
//! the confusable opt-in accepts everything `parse` does, and what `parse`
//! refuses only as a look-alike.
use iot_input::Hostname;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let host = match Hostname::parse(text) {
        Ok(host) => host,
        Err(e) => {
            if e.kind() == iot_input::ErrorKind::ConfusableLabel {
                // The opt-in passes the look-alike label (a later rule may
                // still refuse the rest of the name).
                let lenient = Hostname::insecure_parse_confusable(text).map_err(|e| e.kind());
                assert_ne!(lenient, Err(iot_input::ErrorKind::ConfusableLabel));
            }
            return;
        }
    };
    assert_eq!(Hostname::insecure_parse_confusable(text), Ok(host));
    assert!(host.as_str().len() <= Hostname::MAX_LEN);
    assert!(!host.as_str().bytes().any(|b| b.is_ascii_uppercase()));
    assert!(host.as_str().eq_ignore_ascii_case(text));
    assert_eq!(Hostname::parse(&host.to_string()), Ok(host));
    let whatwg =
        url::Url::parse(&format!("https://{host}/")).expect("WHATWG rejects an accepted hostname");
    assert_eq!(whatwg.host_str(), Some(host.as_str()));
});
