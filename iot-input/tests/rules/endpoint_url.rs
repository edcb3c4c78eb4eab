//! EndpointUrl: schemes, hosts, ports, paths, credentials.

use super::*;

#[test]
fn url_accepts_the_secure_schemes_and_all_host_kinds() {
    let u = EndpointUrl::parse("https://example.com").unwrap();
    assert_eq!(
        (u.scheme(), u.port(), u.path(), u.query()),
        (Scheme::Https, None, "", None)
    );
    assert_eq!(u.port_or_default(), 443);
    let u = EndpointUrl::parse("WSS://[FE80::1]:9443/ws?token=a%20b").unwrap();
    assert_eq!(u.host(), &Host::Ipv6("fe80::1".parse().unwrap()));
    assert_eq!(u.host().to_string(), "[fe80::1]");
    assert_eq!(
        (u.port(), u.path(), u.query()),
        (Some(9443), "/ws", Some("token=a%20b"))
    );
    assert_eq!(u.to_string(), "wss://[fe80::1]:9443/ws?token=a%20b");
    let u = EndpointUrl::parse("coaps://192.0.2.1:5684").unwrap();
    assert_eq!(u.host(), &Host::Ipv4(Ipv4Addr::new(192, 0, 2, 1)));
    assert_eq!(u.port_or_default(), 5684);
    let u = EndpointUrl::parse("mqtts://broker.example?x").unwrap();
    assert_eq!((u.path(), u.query()), ("", Some("x")));
    let u = EndpointUrl::parse("https://h.example/a/b/?q=/?&r=~").unwrap();
    assert_eq!((u.path(), u.query()), ("/a/b/", Some("q=/?&r=~")));
    let u = EndpointUrl::parse("https://[::ffff:192.0.2.1]/").unwrap();
    assert_eq!(u.host().to_string(), "[::ffff:c000:201]");
}

#[test]
fn url_scheme_policy() {
    assert_eq!(kind(EndpointUrl::parse("")), ErrorKind::Empty);
    for plain in [
        "http://a.example",
        "mqtt://a.example",
        "ws://a.example",
        "coap://a.example",
    ] {
        assert_eq!(
            kind(EndpointUrl::parse(plain)),
            ErrorKind::SchemeNotAllowed,
            "{plain}"
        );
        assert!(
            EndpointUrl::parse_with(plain, &UrlPolicy::new().insecure_allow_plaintext()).is_ok()
        );
    }
    for other in [
        "ftp://a.example",
        "file://a.example",
        "javascript://a.example",
        "xhttps://a.example",
    ] {
        assert_eq!(
            kind(EndpointUrl::parse(other)),
            ErrorKind::SchemeNotAllowed,
            "{other}"
        );
    }
    let only = UrlPolicy::new().only(&[Scheme::Mqtts, Scheme::Http]);
    assert!(
        only.allows(Scheme::Mqtts) && !only.allows(Scheme::Http) && !only.allows(Scheme::Https)
    );
    assert_eq!(
        kind(EndpointUrl::parse("https:a.example")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(EndpointUrl::parse("//a.example")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(EndpointUrl::parse("a.example")),
        ErrorKind::InvalidSyntax
    );
}

#[test]
fn url_rejects_credentials_and_bad_hosts() {
    assert_eq!(
        at(EndpointUrl::parse("https://user@a.example")),
        (ErrorKind::Credentials, 12)
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://u:p@a.example/")),
        ErrorKind::Credentials
    );
    assert!(EndpointUrl::parse("https://a.example/@x").is_ok()); // `@` in the path is not userinfo
    assert_eq!(
        kind(EndpointUrl::parse("https://")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        kind(EndpointUrl::parse("https:///path")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://127.1/")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://0x7f.0.0.1/")),
        ErrorKind::InvalidLabel
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://010.0.0.1/")),
        ErrorKind::LeadingZero
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://[fe80::1%25eth0]/")),
        ErrorKind::TrailingInput
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://[::1/")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://::1/")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a_b.example/")),
        ErrorKind::InvalidCharacter
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a%2eb.example/")),
        ErrorKind::InvalidCharacter
    );
}

#[test]
fn url_ports() {
    assert_eq!(
        EndpointUrl::parse("https://a.example:1").unwrap().port(),
        Some(1)
    );
    assert_eq!(
        EndpointUrl::parse("https://a.example:65535")
            .unwrap()
            .port(),
        Some(65535)
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:0")),
        ErrorKind::OutOfRange
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:65536")),
        ErrorKind::OutOfRange
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:123456")),
        ErrorKind::OutOfRange
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:0443")),
        ErrorKind::LeadingZero
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:8a")),
        ErrorKind::InvalidCharacter
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:80:80")),
        ErrorKind::InvalidCharacter
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://[::1]x")),
        ErrorKind::InvalidSyntax
    );
}

#[test]
fn url_rejects_characters_and_bad_paths() {
    for (bad, k) in [
        ("https://a.example/a b", ErrorKind::InvalidCharacter),
        ("https://a.example/\ta", ErrorKind::InvalidCharacter),
        (
            "https://a.example\\@evil.example",
            ErrorKind::InvalidCharacter,
        ),
        ("https://a.example/#frag", ErrorKind::InvalidCharacter),
        ("https://a.example/ü", ErrorKind::InvalidCharacter),
        ("https://a.example/<script>", ErrorKind::InvalidCharacter),
        ("https://a.example/%", ErrorKind::InvalidEscape),
        ("https://a.example/%4", ErrorKind::InvalidEscape),
        ("https://a.example/%zz", ErrorKind::InvalidEscape),
        ("https://a.example/%0d%0a", ErrorKind::InvalidEscape),
        ("https://a.example/?%00", ErrorKind::InvalidEscape),
        ("https://a.example/../etc", ErrorKind::InvalidSyntax),
        ("https://a.example/a/./b", ErrorKind::InvalidSyntax),
        ("https://a.example/a/%2E%2e", ErrorKind::InvalidSyntax),
        ("https://a.example/a/..", ErrorKind::InvalidSyntax),
        (" https://a.example", ErrorKind::InvalidCharacter),
        ("https://a.example ", ErrorKind::InvalidCharacter),
    ] {
        assert_eq!(kind(EndpointUrl::parse(bad)), k, "{bad:?}");
    }
    assert!(EndpointUrl::parse("https://a.example/a/...").is_ok());
    assert!(EndpointUrl::parse("https://a.example/.well-known/x").is_ok());
}

#[test]
fn url_length_boundary() {
    let base = "https://a.example/";
    let max = format!("{base}{}", "p".repeat(EndpointUrl::MAX_LEN - base.len()));
    assert!(EndpointUrl::parse(&max).is_ok());
    let over = format!("{max}p");
    assert_eq!(
        at(EndpointUrl::parse(&over)),
        (ErrorKind::TooLong, EndpointUrl::MAX_LEN)
    );
}

/// F2: a path with `//` is a network-path reference once it is resolved on
/// its own (`Url::join`, `urljoin`, `Location`): `//evil.example/x` would
/// reach another host. No `//` anywhere in the path.
#[test]
fn f2_no_double_slash_in_the_path() {
    for bad in [
        "https://api.example//evil.example/x",
        "coaps://dev.example//evil.example/x",
        "https://api.example/a//b",
        "https://api.example/a/b//",
        "https://api.example//",
    ] {
        assert_eq!(
            kind(EndpointUrl::parse(bad)),
            ErrorKind::InvalidSyntax,
            "{bad:?}"
        );
    }
    let at = EndpointUrl::parse("https://api.example/a//b")
        .unwrap_err()
        .offset();
    assert_eq!(at, "https://api.example/a/".len());
    // A single `/`, a trailing `/` and `//` in the query stay valid.
    for ok in [
        "https://api.example/",
        "https://api.example/a/",
        "https://api.example/a/b?next=//x",
    ] {
        let url = EndpointUrl::parse(ok).unwrap();
        assert!(!url.path().contains("//"), "{ok:?}");
    }
}

/// F3: dot segments in the spellings servers decode before normalising:
/// `;` path parameters (Tomcat, Jetty, Spring), encoded `/` and `\` (servers
/// and proxies that decode `%2F`/`%5C`, IIS), and encoded slashes that
/// decode to `//` (F2).
#[test]
fn f3_dot_segments_in_every_spelling_servers_decode() {
    for (bad, k) in [
        (
            "https://h.example/public/..;/admin",
            ErrorKind::InvalidSyntax,
        ),
        (
            "https://h.example/public/.;/admin",
            ErrorKind::InvalidSyntax,
        ),
        (
            "https://h.example/public/%2e%2e;x=1/admin",
            ErrorKind::InvalidSyntax,
        ),
        (
            "https://h.example/public/..%3b/admin",
            ErrorKind::InvalidSyntax,
        ),
        (
            "https://h.example/public/..%2fadmin",
            ErrorKind::InvalidEscape,
        ),
        (
            "https://h.example/public/%2e%2e%2fadmin",
            ErrorKind::InvalidEscape,
        ),
        (
            "https://h.example/public/..%5cadmin",
            ErrorKind::InvalidEscape,
        ),
        (
            "https://h.example/public/..%5Cadmin",
            ErrorKind::InvalidEscape,
        ),
        (
            "https://h.example/%2F%2Fevil.example/x",
            ErrorKind::InvalidEscape,
        ),
        ("https://h.example/a%2fb", ErrorKind::InvalidEscape),
    ] {
        assert_eq!(kind(EndpointUrl::parse(bad)), k, "{bad:?}");
    }
    // Parameters on ordinary segments, `...` and encoded slashes in the
    // query stay valid.
    for ok in [
        "https://h.example/a;v=1/b",
        "https://h.example/a/...;x",
        "https://h.example/a?x=%2F..%5c",
    ] {
        assert!(EndpointUrl::parse(ok).is_ok(), "{ok:?}");
    }
}

/// F8: an IP host as `core::net::IpAddr`, so a caller builds rustls'
/// `ServerName::IpAddress` without stripping brackets from `Display`, and
/// an IPv4-mapped IPv6 host is reported as the IPv4 address it reaches.
#[test]
fn f8_ip_hosts_as_core_net_addresses() {
    use core::net::IpAddr;
    let host = |s: &str| *EndpointUrl::parse(s).unwrap().host();
    assert_eq!(
        host("https://[fe80::1]:8443").ip(),
        Some(IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1)))
    );
    assert_eq!(
        host("mqtts://192.0.2.1").ip(),
        Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)))
    );
    assert_eq!(host("https://a.example").ip(), None);
    let mapped = host("https://[::ffff:127.0.0.1]");
    assert!(matches!(mapped, Host::Ipv6(_)));
    assert_eq!(mapped.ipv4_mapped(), Some(Ipv4Addr::LOCALHOST));
    assert_eq!(host("https://[::1]").ipv4_mapped(), None);
    assert_eq!(host("https://127.0.0.1").ipv4_mapped(), None);
}
