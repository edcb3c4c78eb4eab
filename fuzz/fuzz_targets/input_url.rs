#![no_main]
//! EndpointUrl: no panic, round trip, and the invariant: the WHATWG parser
//! (`url` crate) computes the same host for every accepted URL (up to ASCII
//! case for the non-special schemes, whose hosts WHATWG keeps opaque).
use iot_input::Scheme;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(ours) = iot_input::__fuzz::url(data) {
        let text = std::str::from_utf8(data).expect("accepted input is UTF-8");
        let theirs = url::Url::parse(text).expect("WHATWG rejects an accepted URL");
        let host = theirs.host_str().expect("WHATWG finds no host").to_string();
        let special = matches!(
            ours.scheme(),
            Scheme::Https | Scheme::Http | Scheme::Wss | Scheme::Ws
        );
        let host = if special {
            host
        } else {
            host.to_ascii_lowercase()
        };
        assert_eq!(host, ours.host().to_string(), "{text:?}");
    }
});
