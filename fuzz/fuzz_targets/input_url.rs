#![no_main]
//! EndpointUrl (with the plain-text schemes allowed, to cover more): no
//! panic, round trip, and the invariant: the WHATWG parser (`url` crate)
//! computes the same host for every accepted URL (up to ASCII case for the
//! non-special schemes, whose hosts WHATWG keeps opaque). F2/F3: the path
//! has no `//`, no encoded `/` or `\`, no dot segment in any spelling
//! (`%2e`, before `;` parameters), and resolving it on its own against a
//! base keeps the base's host. F8: `Host::ip` agrees with the variant.
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

    let path = ours.path();
    assert!(!path.contains("//"), "{text:?}");
    let lower = path.to_ascii_lowercase();
    assert!(!lower.contains("%2f") && !lower.contains("%5c"), "{text:?}");
    for segment in lower.split('/') {
        let bare = segment.split([';']).next().unwrap_or_default();
        let bare = bare.split("%3b").next().unwrap_or_default();
        let dots = bare.replace("%2e", ".");
        assert!(dots != "." && dots != "..", "{text:?}");
    }
    let base = url::Url::parse("https://base.example/").unwrap();
    if let Ok(joined) = base.join(path) {
        assert_eq!(joined.host_str(), Some("base.example"), "{text:?}");
    }
    match ours.host() {
        iot_input::Host::Domain(_) => assert_eq!(ours.host().ip(), None),
        iot_input::Host::Ipv4(a) => assert_eq!(ours.host().ip(), Some((*a).into())),
        iot_input::Host::Ipv6(a) => {
            assert_eq!(ours.host().ip(), Some((*a).into()));
            assert_eq!(ours.host().ipv4_mapped(), a.to_ipv4_mapped());
        }
        _ => {}
    }
});
