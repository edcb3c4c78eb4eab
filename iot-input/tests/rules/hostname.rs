//! Hostname: lengths, labels, characters, Punycode.

use super::*;

#[test]
fn hostname_length_boundaries() {
    assert_eq!(kind(Hostname::parse("")), ErrorKind::Empty);
    assert_eq!(Hostname::parse("a").unwrap().as_str(), "a");
    let label63 = "a".repeat(63);
    assert!(Hostname::parse(&label63).is_ok());
    assert_eq!(
        at(Hostname::parse(&"a".repeat(64))),
        (ErrorKind::TooLong, 63)
    );
    // 253 = 63 + 1 + 63 + 1 + 63 + 1 + 61
    let max = format!("{l}.{l}.{l}.{}", "b".repeat(61), l = label63);
    assert_eq!(max.len(), 253);
    assert!(Hostname::parse(&max).is_ok());
    let over = format!("{l}.{l}.{l}.{}", "b".repeat(62), l = label63);
    assert_eq!(at(Hostname::parse(&over)), (ErrorKind::TooLong, 253));
}

#[test]
fn hostname_label_rules() {
    assert_eq!(at(Hostname::parse("-a.com")), (ErrorKind::InvalidLabel, 0));
    assert_eq!(at(Hostname::parse("a-.com")), (ErrorKind::InvalidLabel, 1));
    assert_eq!(at(Hostname::parse("a..com")), (ErrorKind::InvalidLabel, 2));
    assert_eq!(at(Hostname::parse(".a.com")), (ErrorKind::InvalidLabel, 0));
    assert_eq!(at(Hostname::parse("a.com.")), (ErrorKind::InvalidLabel, 6));
    assert_eq!(
        at(Hostname::parse("ab--cd.com")),
        (ErrorKind::InvalidLabel, 0)
    );
    assert!(Hostname::parse("a-b--c.com").is_ok()); // "--" not at 3-4
    assert!(Hostname::parse("1.2.3.example").is_ok()); // numeric labels, not last
    assert!(Hostname::parse("3com.com").is_ok());
    assert!(Hostname::parse("x.123a").is_ok());
}

#[test]
fn hostname_numeric_last_label_is_rejected() {
    assert_eq!(at(Hostname::parse("1.2.3.4")), (ErrorKind::InvalidLabel, 6));
    assert_eq!(
        at(Hostname::parse("example.123")),
        (ErrorKind::InvalidLabel, 8)
    );
    assert_eq!(
        at(Hostname::parse("example.0x1F")),
        (ErrorKind::InvalidLabel, 8)
    );
    assert_eq!(kind(Hostname::parse("0x")), ErrorKind::InvalidLabel);
    assert!(Hostname::parse("example.0xg").is_ok());
}

#[test]
fn hostname_forbidden_characters() {
    for (input, offset) in [
        ("my_host", 2),
        ("my host", 2),
        (" host", 0),
        ("host ", 4),
        ("host\t", 4),
        ("ho\0st", 2),
        ("bücher.de", 1),
        ("раураl.com", 0), // Cyrillic look-alikes
        ("host/", 4),
        ("host:80", 4),
        ("a.b@c", 3),
    ] {
        assert_eq!(
            at(Hostname::parse(input)),
            (ErrorKind::InvalidCharacter, offset),
            "{input:?}"
        );
    }
}

#[test]
fn hostname_is_case_insensitive_with_lower_case_canonical_form() {
    let h = Hostname::parse("Sensor-01.Example.COM").unwrap();
    assert_eq!(h.as_str(), "sensor-01.example.com");
    assert_eq!(h, Hostname::parse("sensor-01.example.com").unwrap());
    assert_eq!(h.to_string(), "sensor-01.example.com");
    assert_eq!(
        h.labels().collect::<Vec<_>>(),
        ["sensor-01", "example", "com"]
    );
}

#[test]
fn hostname_punycode_labels_are_fully_checked() {
    for ok in [
        "xn--bcher-kva.example",    // bücher
        "XN--BCHER-KVA.example",    // case-insensitive
        "xn--mnchen-3ya.de",        // münchen
        "xn--80akhbyknj4f.example", // испытание
        "xn--wgv71a119e.jp",        // 日本語
        "xn--9n2bp8q.example",      // 한국
        "xn--d1acpjx3f.xn--p1ai",   // яндекс.рф
    ] {
        assert!(Hostname::parse(ok).is_ok(), "{ok}");
    }
    assert_eq!(
        Hostname::parse("XN--BCHER-KVA.example").unwrap().as_str(),
        "xn--bcher-kva.example"
    );
    // A bare "xn--" already breaks the hyphen rule.
    assert_eq!(
        kind(Hostname::parse("xn--.example")),
        ErrorKind::InvalidLabel
    );
    for bad in [
        "xn--a.example",           // truncated
        "xn--99999999999.example", // overflow
        "xn--zca.example",         // ß
        "xn--ls8h.example",        // emoji
        "xn--mgbh0fb.example",     // Arabic (right-to-left), outside the allowed set
        "xn--bcher-kva1.example",  // garbage after a valid encoding
    ] {
        assert_eq!(
            kind(Hostname::parse(bad)),
            ErrorKind::InvalidPunycode,
            "{bad}"
        );
    }
}

/// F4: `xn--` labels that mix Latin with Cyrillic or Greek (UTS #39
/// "moderately restrictive"), or that are written wholly in Cyrillic or
/// Greek letters that look Latin, are refused unless the caller opts in.
#[test]
fn f4_look_alike_labels_are_refused_unless_opted_in() {
    for (name, looks_like) in [
        ("xn--pple-43d.com", "аpple: Cyrillic а + Latin"),
        ("xn--pypal-4ve.com", "pаypal: Cyrillic а + Latin"),
        ("xn--e1argc3h.com", "ѕсоре: whole-script Cyrillic"),
        ("a.xn--e1argc3h.xn--pple-43d.com", "two of them"),
    ] {
        assert_eq!(
            kind(Hostname::parse(name)),
            ErrorKind::ConfusableLabel,
            "{name}: {looks_like}"
        );
        assert!(Hostname::insecure_parse_confusable(name).is_ok(), "{name}");
    }
    let at = Hostname::parse("a.xn--e1argc3h.com").unwrap_err().offset();
    assert_eq!(at, 2);
    // Whole-script Greek look-alike ("ορα" ~ "opa"), Greek + Cyrillic.
    for label in ["ορα", "кαк"] {
        let name = format!("xn--{}.example", encode_label(label));
        assert_eq!(
            kind(Hostname::parse(&name)),
            ErrorKind::ConfusableLabel,
            "{label}"
        );
    }
    // Through EndpointUrl, with the same opt-in on the policy.
    assert_eq!(
        kind(EndpointUrl::parse("https://xn--pple-43d.com/login")),
        ErrorKind::ConfusableLabel
    );
    let lenient = UrlPolicy::new().insecure_allow_confusable_hosts();
    assert!(EndpointUrl::parse_with("https://xn--pple-43d.com/login", &lenient).is_ok());
    // Single-script labels with letters that do not all look Latin stay
    // valid: Russian, Greek, German, Japanese, digits with anything; and
    // Latin's own look-alikes (dotless ı, ĸ) are documented, not refused.
    for label in [
        "пример",
        "москва",
        "δοκιμη",
        "bücher",
        "日本語",
        "テスト",
        "пример1",
        "gıthub",
    ] {
        let name = format!("xn--{}.example", encode_label(label));
        assert!(Hostname::parse(&name).is_ok(), "{label} ({name})");
    }
}

/// Punycode of a lower-case label, through the `url` crate.
fn encode_label(label: &str) -> String {
    let url = url::Url::parse(&format!("https://{label}.example/")).unwrap();
    let host = url.host_str().unwrap();
    host.strip_prefix("xn--")
        .unwrap()
        .split('.')
        .next()
        .unwrap()
        .to_string()
}
