//! Property tests: generators of valid values that must be accepted,
//! round trips (`parse(x.to_string()) == x`), "never panics" on arbitrary
//! input, and differential tests against independent implementations
//! (`core::net`, the `semver` crate, the `url` crate, `serde_json`).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::net::{Ipv4Addr, Ipv6Addr};

use iot_input::mqtt::{TopicFilter, TopicName};
use iot_input::{
    DeviceName, EndpointUrl, FirmwareVersion, Host, Hostname, MacAddress, Scheme, Ssid, Timestamp,
    UrlPolicy, WpaPassphrase, WpaPsk, json, parse_ipv4, parse_ipv6,
};
use proptest::prelude::*;

// ------------------------------------------------------------ generators

/// A valid LDH label (no `??--`), mixed case.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
        .prop_filter("reserved ??-- form", |l| l.get(2..4) != Some("--"))
}

/// A last label that no URL parser reads as a number.
fn last_label() -> impl Strategy<Value = String> {
    fn looks_numeric(l: &str) -> bool {
        let hex = l.len() >= 2
            && l[..2].eq_ignore_ascii_case("0x")
            && l[2..].bytes().all(|b| b.is_ascii_hexdigit());
        hex || l.bytes().all(|b| b.is_ascii_digit())
    }
    label().prop_filter("numeric", |l| !looks_numeric(l))
}

/// Known-good internationalized labels in their `xn--` form.
fn idn_label() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "xn--bcher-kva",
        "xn--mnchen-3ya",
        "xn--80akhbyknj4f",
        "xn--wgv71a119e",
        "xn--9n2bp8q",
        "xn--d1acpjx3f",
        "xn--p1ai",
        "xn--fiqs8s",
        "xn--eckwd4c7c",
        "xn--zckzah",
    ])
    .prop_map(String::from)
}

fn hostname() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop_oneof![4 => label(), 1 => idn_label()], 0..4),
        last_label(),
    )
        .prop_map(|(mut labels, last)| {
            labels.push(last);
            labels.join(".")
        })
        .prop_filter("length", |h| h.len() <= Hostname::MAX_LEN)
}

fn ipv6_text() -> impl Strategy<Value = (Ipv6Addr, String)> {
    (any::<[u16; 8]>(), 0..3u8, any::<bool>()).prop_map(|(mut g, zeros, upper)| {
        // Make runs of zeros likely, so "::" appears often.
        if zeros > 0 {
            let start = usize::from(g[0] % 6);
            for x in g.iter_mut().skip(start).take(usize::from(zeros) + 1) {
                *x = 0;
            }
        }
        let addr = Ipv6Addr::from(g);
        let text = addr.to_string();
        (addr, if upper { text.to_uppercase() } else { text })
    })
}

fn semver_text() -> impl Strategy<Value = String> {
    let num = prop_oneof![
        Just("0".to_string()),
        "[1-9][0-9]{0,5}",
        Just(u64::MAX.to_string())
    ];
    let pre_ident = prop_oneof![
        "0|[1-9][0-9]{0,3}",
        "[0-9A-Za-z-]{0,3}[A-Za-z-][0-9A-Za-z-]{0,3}"
    ];
    let build_ident = "[0-9A-Za-z-]{1,5}";
    (
        num.clone(),
        num.clone(),
        num,
        prop::option::of(prop::collection::vec(pre_ident, 1..4)),
        prop::option::of(prop::collection::vec(build_ident, 1..3)),
    )
        .prop_map(|(a, b, c, pre, build)| {
            let mut s = format!("{a}.{b}.{c}");
            if let Some(pre) = pre {
                s.push('-');
                s.push_str(&pre.join("."));
            }
            if let Some(build) = build {
                s.push('+');
                s.push_str(&build.join("."));
            }
            s
        })
        .prop_filter("length", |s| s.len() <= FirmwareVersion::MAX_LEN)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Seconds since the epoch by counting days, an oracle independent of the
/// crate's closed formula.
fn naive_unix(y: u32, mo: u32, d: u32, h: u32, mi: u32, s: u32, offset_min: i64) -> i64 {
    let mut days: i64 = 0;
    if y >= 1970 {
        for year in 1970..y {
            days += if days_in_month(year, 2) == 29 {
                366
            } else {
                365
            };
        }
    } else {
        for year in y..1970 {
            days -= if days_in_month(year, 2) == 29 {
                366
            } else {
                365
            };
        }
    }
    for month in 1..mo {
        days += i64::from(days_in_month(y, month));
    }
    days += i64::from(d) - 1;
    days * 86_400 + i64::from(h * 3600 + mi * 60 + s) - offset_min * 60
}

/// A reference for F1 built from the full case mappings (not the simple
/// folding `validate` uses): keys equal under simple folding are equal here.
fn full_fold(key: &str) -> String {
    key.to_uppercase().to_lowercase()
}

/// A visible base character from blocks assigned long before Unicode 14.
fn device_name_base() -> impl Strategy<Value = char> {
    prop::char::ranges(std::borrow::Cow::Borrowed(&[
        '!'..='~',
        '\u{c0}'..='\u{17f}',
        '\u{3b1}'..='\u{3c9}',
        '\u{410}'..='\u{44f}',
        '\u{5d0}'..='\u{5ea}',
        '\u{4e00}'..='\u{9fa5}',
        '\u{ac00}'..='\u{d7a3}',
        '\u{1f600}'..='\u{1f64f}',
    ]))
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        (-1e300f64..1e300).prop_map(|f| serde_json::json!(f)),
        ".{0,20}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            // Keys without C0 controls, distinct under case folding (F1).
            prop::collection::btree_map("[^\\x00-\\x1f]{0,8}", inner, 0..8)
                .prop_filter("keys distinct under case folding", |m| {
                    let folded: std::collections::BTreeSet<String> =
                        m.keys().map(|k| full_fold(k)).collect();
                    folded.len() == m.len()
                })
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The host the WHATWG parser computes, compared up to ASCII case for the
/// schemes WHATWG treats as opaque (non-special).
fn whatwg_host(text: &str, scheme: Scheme) -> Option<String> {
    let parsed = url::Url::parse(text).ok()?;
    let host = parsed.host_str()?.to_string();
    let special = matches!(
        scheme,
        Scheme::Https | Scheme::Http | Scheme::Wss | Scheme::Ws
    );
    Some(if special {
        host
    } else {
        host.to_ascii_lowercase()
    })
}

// ------------------------------------------------------------ properties

proptest! {
    // 512 cases by default; PROPTEST_CASES raises it for a long local run.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512)
    ))]

    /// F4: a label mixing Latin with Cyrillic or Greek is refused, and
    /// allowed by the opt-in; a Cyrillic label with a letter that does not
    /// look Latin (`ж`) is accepted.
    #[test]
    fn mixed_script_labels_are_refused(latin in "[a-zé]{1,6}", cyr in "[а-яж]{1,6}", greek in "[α-ω&&[^ς]]{0,3}", latin_first in any::<bool>()) {
        let label = if latin_first { format!("{latin}{cyr}{greek}") } else { format!("{cyr}{greek}{latin}") };
        let host = url::Url::parse(&format!("https://{label}.example/")).unwrap().host_str().unwrap().to_string();
        prop_assert_eq!(Hostname::parse(&host).map_err(|e| e.kind()), Err(iot_input::ErrorKind::ConfusableLabel), "{}", label);
        prop_assert!(Hostname::insecure_parse_confusable(&host).is_ok(), "{}", label);
        let russian = format!("ж{cyr}");
        let host = url::Url::parse(&format!("https://{russian}.example/")).unwrap().host_str().unwrap().to_string();
        prop_assert!(Hostname::parse(&host).is_ok(), "{}", russian);
    }

    #[test]
    fn valid_hostnames_are_accepted_and_round_trip(h in hostname()) {
        let parsed = Hostname::parse(&h).unwrap();
        prop_assert_eq!(parsed.as_str(), h.to_ascii_lowercase());
        prop_assert_eq!(Hostname::parse(&parsed.to_string()).unwrap(), parsed);
    }

    #[test]
    fn hostnames_agree_with_the_whatwg_host_parser(h in hostname()) {
        let parsed = Hostname::parse(&h).unwrap();
        let whatwg = url::Url::parse(&format!("https://{h}/")).unwrap();
        prop_assert_eq!(whatwg.host_str(), Some(parsed.as_str()));
    }

    #[test]
    fn ipv4_agrees_with_core_net_on_addresses(a in any::<[u8; 4]>()) {
        let addr = Ipv4Addr::from(a);
        prop_assert_eq!(parse_ipv4(&addr.to_string()).unwrap(), addr);
    }

    #[test]
    fn ipv4_agrees_with_core_net_on_any_text(s in "[0-9.x]{0,18}") {
        prop_assert_eq!(parse_ipv4(&s).ok(), s.parse::<Ipv4Addr>().ok(), "{:?}", s);
    }

    #[test]
    fn ipv6_agrees_with_core_net_on_addresses((addr, text) in ipv6_text()) {
        prop_assert_eq!(parse_ipv6(&text).unwrap(), addr);
    }

    #[test]
    fn ipv6_agrees_with_core_net_on_any_text(s in "[0-9a-fA:.]{0,42}") {
        prop_assert_eq!(parse_ipv6(&s).ok(), s.parse::<Ipv6Addr>().ok(), "{:?}", s);
    }

    #[test]
    fn mac_round_trips_in_every_form(o in any::<[u8; 6]>(), form in 0..4u8) {
        let [a, b, c, d, e, f] = o;
        let text = match form {
            0 => format!("{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{f:02x}"),
            1 => format!("{a:02X}-{b:02X}-{c:02X}-{d:02X}-{e:02X}-{f:02X}"),
            2 => format!("{a:02x}{b:02x}.{c:02x}{d:02x}.{e:02x}{f:02x}"),
            _ => MacAddress::from_octets(o).to_string(),
        };
        let mac = MacAddress::parse(&text).unwrap();
        prop_assert_eq!(mac.octets(), o);
        prop_assert_eq!(MacAddress::parse(&mac.to_string()).unwrap(), mac);
    }

    #[test]
    fn ssid_round_trips_through_its_escaped_form(bytes in prop::collection::vec(any::<u8>(), 1..=32)) {
        let ssid = Ssid::from_bytes(&bytes).unwrap();
        let shown = ssid.to_string();
        prop_assert!(shown.bytes().all(|b| (0x20..0x7f).contains(&b)));
        prop_assert_eq!(Ssid::parse(&shown).unwrap(), ssid);
    }

    #[test]
    fn wifi_credentials_in_range_are_accepted(pass in "[ -~]{8,63}", psk in "[0-9a-fA-F]{64}") {
        let parsed = WpaPassphrase::parse(&pass).unwrap();
        prop_assert_eq!(parsed.expose_secret(), pass.as_str());
        let key = WpaPsk::parse(&psk).unwrap();
        let expect: Vec<u8> = (0..32).map(|i| u8::from_str_radix(&psk[2 * i..2 * i + 2], 16).unwrap()).collect();
        prop_assert_eq!(&key.expose_secret()[..], &expect[..]);
    }

    #[test]
    fn topics_round_trip_and_match_their_generalizations(
        levels in prop::collection::vec("[a-z0-9 $_ä-]{0,6}", 1..8),
        wild in prop::collection::vec(any::<bool>(), 8),
        cut in 0..8usize,
    ) {
        let text = levels.join("/");
        prop_assume!(!text.is_empty() && levels[0] != "$share");
        let name = TopicName::parse(&text).unwrap();
        prop_assert_eq!(TopicName::parse(&name.to_string()).unwrap(), name.clone());
        // Replace some levels with "+" and maybe the tail with "#".
        let mut filter: Vec<String> = levels
            .iter()
            .zip(&wild)
            .map(|(l, &w)| if w { "+".to_string() } else { l.clone() })
            .collect();
        if cut < filter.len() {
            filter.truncate(cut);
            filter.push("#".to_string());
        }
        let filter = TopicFilter::parse(&filter.join("/")).unwrap();
        let dollar_guard = text.starts_with('$') && filter.as_str().starts_with(['+', '#']);
        prop_assert_eq!(filter.matches(&name), !dollar_guard);
        // F6: as a shared subscription it matches as the inner filter does.
        let shared = TopicFilter::parse(&format!("$share/group-1/{filter}")).unwrap();
        prop_assert_eq!(shared.shared(), Some(("group-1", filter.as_str())));
        prop_assert_eq!(shared.matches(&name), !dollar_guard);
        // F6: a format character anywhere is refused by the strict default.
        let at = text.len() / 2;
        if text.is_char_boundary(at) {
            for c in ['\u{202e}', '\u{200b}', '\u{feff}', '\u{2028}'] {
                let bad = format!("{}{c}{}", &text[..at], &text[at..]);
                prop_assert_eq!(TopicName::parse(&bad).map_err(|e| (e.kind(), e.offset())), Err((iot_input::ErrorKind::InvalidCharacter, at)));
            }
        }
    }

    #[test]
    fn generated_urls_are_accepted_and_hosts_agree_with_whatwg(
        scheme in prop::sample::select(vec!["https", "mqtts", "wss", "coaps", "HTTPS"]),
        host in prop_oneof![
            hostname(),
            any::<[u8; 4]>().prop_map(|a| Ipv4Addr::from(a).to_string()),
            ipv6_text().prop_map(|(_, t)| format!("[{t}]")),
        ],
        port in prop::option::of(1..=65535u16),
        path in prop::collection::vec("[a-zA-Z0-9._~!$&'()*+,;=:@-]{0,8}|%[0-9A-F]{2}", 0..4),
        query in prop::option::of("[a-zA-Z0-9=&/?%_-]{0,12}".prop_filter("escapes", |q| !q.contains('%'))),
    ) {
        // Leave out what the rules reject on purpose: dot segments (also
        // `%2E`, also before `;` parameters: F3), empty segments (`//`:
        // F2), encoded `/` and `\` (F3) and escaped control characters.
        let path: Vec<String> = path
            .into_iter()
            .filter(|s| !s.is_empty() && !matches!(s.split(';').next(), Some("." | ".." | "%2E")))
            .filter(|s| !matches!(s.as_str(), "%7F" | "%2F" | "%5C") && !s.starts_with("%0") && !s.starts_with("%1"))
            .collect();
        let mut text = format!("{scheme}://{host}");
        if let Some(p) = port {
            text.push_str(&format!(":{p}"));
        }
        for seg in &path {
            text.push('/');
            text.push_str(seg);
        }
        if let Some(q) = &query {
            text.push('?');
            text.push_str(q);
        }
        let url = EndpointUrl::parse(&text).unwrap();
        prop_assert_eq!(url.port(), port);
        prop_assert_eq!(EndpointUrl::parse(&url.to_string()).unwrap(), url.clone());
        prop_assert_eq!(whatwg_host(&text, url.scheme()), Some(url.host().to_string()), "{}", text);
    }

    #[test]
    fn every_accepted_url_has_the_whatwg_host(
        scheme in prop::sample::select(vec!["https", "mqtts", "wss", "coaps", "http", "coap"]),
        rest in "[a-zA-Z0-9.:\\[\\]%/?@_~-]{0,40}",
    ) {
        let text = format!("{scheme}://{rest}");
        let policy = UrlPolicy::new().insecure_allow_plaintext();
        if let Ok(url) = EndpointUrl::parse_with(&text, &policy) {
            prop_assert_eq!(whatwg_host(&text, url.scheme()), Some(url.host().to_string()), "{}", text);
            if let Host::Domain(name) = url.host() {
                prop_assert!(Hostname::parse(name.as_str()).is_ok());
            }
        }
    }

    #[test]
    fn versions_agree_with_the_semver_crate(a in semver_text(), b in semver_text()) {
        let (ours_a, ours_b) = (FirmwareVersion::parse(&a).unwrap(), FirmwareVersion::parse(&b).unwrap());
        let (theirs_a, theirs_b) = (semver::Version::parse(&a).unwrap(), semver::Version::parse(&b).unwrap());
        prop_assert_eq!(ours_a.cmp(&ours_b), theirs_a.cmp_precedence(&theirs_b));
        prop_assert_eq!(ours_a.major(), theirs_a.major);
        prop_assert_eq!(ours_a.pre_release(), theirs_a.pre.as_str());
        prop_assert_eq!(ours_a.build(), theirs_a.build.as_str());
        prop_assert_eq!(FirmwareVersion::parse(&ours_a.to_string()).unwrap().to_string(), a);
    }

    #[test]
    fn version_acceptance_agrees_with_the_semver_crate(s in "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}([-+][0-9A-Za-z.+-]{0,8})?|[0-9a-z.+-]{0,12}") {
        prop_assert_eq!(FirmwareVersion::parse(&s).is_ok(), semver::Version::parse(&s).is_ok(), "{:?}", s);
    }

    #[test]
    fn timestamps_are_accepted_round_trip_and_count_seconds(
        y in 0..=9999u32, mo in 1..=12u32, d in 1..=31u32, h in 0..24u32, mi in 0..60u32, s in 0..60u32,
        frac in prop::option::of("[0-9]{1,12}"), offset in prop::option::of(-1439..=1439i64), lower in any::<bool>(),
    ) {
        prop_assume!(d <= days_in_month(y, mo));
        let mut text = format!("{y:04}-{mo:02}-{d:02}{}{h:02}:{mi:02}:{s:02}", if lower { 't' } else { 'T' });
        if let Some(f) = &frac {
            text.push('.');
            text.push_str(f);
        }
        match offset {
            None => text.push(if lower { 'z' } else { 'Z' }),
            Some(o) => text.push_str(&format!("{}{:02}:{:02}", if o < 0 { '-' } else { '+' }, o.abs() / 60, o.abs() % 60)),
        }
        let t = Timestamp::parse(&text).unwrap();
        prop_assert_eq!(t.unix_timestamp(), naive_unix(y, mo, d, h, mi, s, offset.unwrap_or(0)));
        prop_assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
    }

    /// Names from long-assigned scripts (so a character assigned after the
    /// crate's Unicode 14.0.0 tables is never generated), with runs of up to
    /// DeviceName::MAX_COMBINING_RUN combining marks after a base (F5),
    /// are accepted and round-trip; one more mark in a row is refused.
    #[test]
    fn device_names_round_trip(
        parts in prop::collection::vec((device_name_base(), prop::collection::vec(prop::char::range('\u{300}', '\u{34e}'), 0..=4)), 1..=12),
        extra_space in any::<bool>(),
    ) {
        let mut name = String::new();
        for (i, (base, marks)) in parts.iter().enumerate() {
            if extra_space && i > 0 {
                name.push(' ');
            }
            name.push(*base);
            name.extend(marks.iter());
        }
        prop_assume!(name.chars().count() <= DeviceName::MAX_CHARS);
        let parsed = DeviceName::parse(&name).unwrap();
        prop_assert_eq!(DeviceName::parse(&parsed.to_string()).unwrap(), parsed);
        let stacked = format!("{name}{}", "\u{301}".repeat(DeviceName::MAX_COMBINING_RUN + 1));
        prop_assert_eq!(DeviceName::parse(&stacked).map_err(|e| e.kind()), Err(iot_input::ErrorKind::InvalidCharacter));
    }

    #[test]
    fn serialized_json_is_valid(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }.unwrap();
        prop_assert_eq!(json::validate(text.as_bytes(), &json::Limits::default()), Ok(()));
    }

    #[test]
    fn json_strings_accept_exactly_valid_utf8(body in prop::collection::vec(any::<u8>().prop_filter("plain", |&b| b >= 0x20 && b != b'"' && b != b'\\'), 0..40)) {
        let mut doc = vec![b'"'];
        doc.extend_from_slice(&body);
        doc.push(b'"');
        let ours = json::validate(&doc, &json::Limits::default());
        prop_assert_eq!(ours.is_ok(), std::str::from_utf8(&body).is_ok(), "{:?}", ours);
    }

    #[test]
    fn duplicate_keys_are_found_whatever_the_spelling(
        key in "\\PC{0,24}",
        escape in prop::collection::vec(any::<bool>(), 24),
        upper in prop::collection::vec(any::<bool>(), 24),
        others in prop::collection::vec("[a-zA-Z]{1,12}", 0..6),
        at_end in any::<bool>(),
    ) {
        // The same key, once plain and once with some characters as \u
        // escapes and some ASCII letters in the other case (F1).
        prop_assume!(!key.chars().any(|c| c.is_control()));
        let plain = serde_json::to_string(&key).unwrap();
        let mut escaped = String::from("\"");
        for ((c, &e), &u) in key.chars().zip(escape.iter().cycle()).zip(upper.iter().cycle()) {
            let c = if u && c.is_ascii_lowercase() { c.to_ascii_uppercase() } else if u { c.to_ascii_lowercase() } else { c };
            if e || c == '"' || c == '\\' || c.is_control() {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    escaped.push_str(&format!("\\u{unit:04X}"));
                }
            } else {
                escaped.push(c);
            }
        }
        escaped.push('"');
        let mut members: Vec<String> = others
            .iter()
            .filter(|o| full_fold(o) != full_fold(&key))
            .map(|o| full_fold(o))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|o| format!("\"{o}\":0"))
            .collect();
        members.insert(0, format!("{plain}:1"));
        let distinct = format!("{{{}}}", members.join(","));
        prop_assert_eq!(json::validate(distinct.as_bytes(), &json::Limits::default()), Ok(()), "{}", distinct);
        // The duplicate last (its string may end the input's last 8 bytes).
        members.push(format!("{escaped}:2"));
        let doc = if at_end { format!("{{{}}}", members.join(",")) } else { format!("[{{{}}},0]", members.join(",")) };
        let err = json::validate(doc.as_bytes(), &json::Limits::default()).unwrap_err();
        prop_assert_eq!(err.kind(), iot_input::ErrorKind::DuplicateKey, "{}", doc);
    }

    #[test]
    fn accepted_json_is_accepted_by_serde_json(s in "[\\[\\]{}\":,0-9a-z.eE+\\\\ -]{0,40}") {
        if json::validate(s.as_bytes(), &json::Limits::default()).is_ok() {
            // validate checks the syntax of numbers, not their f64 range.
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&s) {
                prop_assert!(e.to_string().starts_with("number out of range"), "{:?}: {}", s, e);
            }
        }
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_text(s in "\\PC{0,80}|.{0,80}") {
        let _ = Hostname::parse(&s);
        let _ = parse_ipv4(&s);
        let _ = parse_ipv6(&s);
        let _ = MacAddress::parse(&s);
        let _ = Ssid::parse(&s);
        let _ = WpaPassphrase::parse(&s);
        let _ = WpaPsk::parse(&s);
        let _ = TopicName::parse(&s);
        let _ = TopicFilter::parse(&s);
        let _ = EndpointUrl::parse(&s);
        let _ = FirmwareVersion::parse(&s);
        let _ = Timestamp::parse(&s);
        let _ = DeviceName::parse(&s);
        let _ = json::validate(s.as_bytes(), &json::Limits::default());
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(b in prop::collection::vec(any::<u8>(), 0..120)) {
        let _ = Ssid::from_bytes(&b);
        let _ = json::validate(&b, &json::Limits::default());
        if let Ok(s) = std::str::from_utf8(&b) {
            let _ = EndpointUrl::parse_with(s, &UrlPolicy::new().insecure_allow_plaintext());
        }
    }
}
