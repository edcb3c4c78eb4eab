#![no_main]
//! EndpointUrl (with the plain-text schemes allowed, to cover more): no
//! panic, round trip, and the invariant: the WHATWG parser (`url` crate)
//! computes the same host for every accepted URL (up to ASCII case for the
//! non-special schemes, whose hosts WHATWG keeps opaque).
use iot_input::{EndpointUrl, Scheme, UrlPolicy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let policy = UrlPolicy::new().insecure_allow_plaintext();
    let Ok(ours) = EndpointUrl::parse_with(text, &policy) else {
        return;
    };
    assert_eq!(
        EndpointUrl::parse_with(&ours.to_string(), &policy).as_ref(),
        Ok(&ours)
    );
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
});
