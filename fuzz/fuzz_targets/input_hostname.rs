#![no_main]
//! Hostname: no panic, round trip and bounds (in `__fuzz::hostname`), and
//! the WHATWG host parser computes the same name for every accepted one.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(host) = iot_input::__fuzz::hostname(data) {
        let whatwg = url::Url::parse(&format!("https://{host}/"))
            .expect("WHATWG rejects an accepted hostname");
        assert_eq!(whatwg.host_str(), Some(host.as_str()));
    }
});
