#![no_main]
//! Hostname: no panic, the length bound, lower case, round trip, and the
//! WHATWG host parser computes the same name for every accepted one.
use iot_input::Hostname;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(host) = Hostname::parse(text) else {
        return;
    };
    assert!(host.as_str().len() <= Hostname::MAX_LEN);
    assert!(!host.as_str().bytes().any(|b| b.is_ascii_uppercase()));
    assert!(host.as_str().eq_ignore_ascii_case(text));
    assert_eq!(Hostname::parse(&host.to_string()), Ok(host));
    let whatwg =
        url::Url::parse(&format!("https://{host}/")).expect("WHATWG rejects an accepted hostname");
    assert_eq!(whatwg.host_str(), Some(host.as_str()));
});
