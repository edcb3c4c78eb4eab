//! MQTT: topic names, filters, matching.

use super::*;

#[test]
fn topic_name_boundaries() {
    assert_eq!(kind(TopicName::parse("")), ErrorKind::Empty);
    assert!(TopicName::parse("a").is_ok());
    assert!(TopicName::parse("/").is_ok());
    assert!(TopicName::parse(&"a".repeat(256)).is_ok()); // inline
    #[cfg(feature = "alloc")]
    {
        assert!(TopicName::parse(&"a".repeat(65_535)).is_ok()); // heap
        assert_eq!(
            at(TopicName::parse(&"a".repeat(65_536))),
            (ErrorKind::TooLong, 65_535)
        );
    }
    #[cfg(not(feature = "alloc"))]
    assert_eq!(
        at(TopicName::parse(&"a".repeat(257))),
        (ErrorKind::TooLong, 256)
    );
    let levels_32 = vec!["l"; 32].join("/");
    assert!(TopicName::parse(&levels_32).is_ok());
    let levels_33 = vec!["l"; 33].join("/");
    assert_eq!(
        at(TopicName::parse(&levels_33)),
        (ErrorKind::TooManyLevels, 63)
    );
    assert!(TopicName::parse_with(&levels_33, &Options::new().max_levels(33)).is_ok());
}

#[test]
fn topic_name_forbidden_characters() {
    assert_eq!(at(TopicName::parse("a/+")), (ErrorKind::InvalidWildcard, 2));
    assert_eq!(at(TopicName::parse("a/#")), (ErrorKind::InvalidWildcard, 2));
    assert_eq!(at(TopicName::parse("a+b")), (ErrorKind::InvalidWildcard, 1));
    for (text, offset) in [
        ("a\0", 1),
        ("a\u{1}", 1),
        ("a\u{1f}", 1),
        ("ab\u{7f}", 2),
        ("\u{85}", 0),
        ("a\u{ffff}", 1),
        ("\u{fdd0}", 0),
    ] {
        assert_eq!(
            at(TopicName::parse(text)),
            (ErrorKind::InvalidCharacter, offset),
            "{text:?}"
        );
    }
    let relaxed = Options::new().insecure_allow_control_characters();
    assert!(TopicName::parse_with("a\u{1}", &relaxed).is_ok());
    assert_eq!(
        kind(TopicName::parse_with("a\0", &relaxed)),
        ErrorKind::InvalidCharacter
    );
    assert!(TopicName::parse("ünïcødé/温度/ 空白 ").is_ok());
}

#[test]
fn topic_filter_wildcard_placement() {
    for ok in [
        "#", "+", "+/+", "a/+/b", "a/#", "+/#", "/#", "a//+", "$SYS/#",
    ] {
        assert!(TopicFilter::parse(ok).is_ok(), "{ok}");
    }
    for (bad, offset) in [
        ("a/#/b", 2),
        ("#/", 0),
        ("a#", 1),
        ("a/b#", 3),
        ("+a", 0),
        ("a/+b", 2),
        ("##", 0),
    ] {
        assert_eq!(
            at(TopicFilter::parse(bad)),
            (ErrorKind::InvalidWildcard, offset),
            "{bad}"
        );
    }
    assert_eq!(kind(TopicFilter::parse("")), ErrorKind::Empty);
}

#[test]
fn topic_filter_matching_follows_the_specification() {
    let m = |f: &str, t: &str| {
        TopicFilter::parse(f)
            .unwrap()
            .matches(&TopicName::parse(t).unwrap())
    };
    // MQTT 3.1.1 §4.7.1.2 / 5.0 §4.7.1.2 examples
    assert!(m("sport/tennis/player1/#", "sport/tennis/player1"));
    assert!(m("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
    assert!(m(
        "sport/tennis/player1/#",
        "sport/tennis/player1/score/wimbledon"
    ));
    assert!(m("sport/#", "sport"));
    assert!(m("#", "sport/tennis"));
    // §4.7.1.3
    assert!(m("sport/tennis/+", "sport/tennis/player1"));
    assert!(!m("sport/tennis/+", "sport/tennis/player1/ranking"));
    assert!(!m("sport/+", "sport"));
    assert!(m("sport/+", "sport/"));
    assert!(m("+/+", "/finance"));
    assert!(m("/+", "/finance"));
    assert!(!m("+", "/finance"));
    // §4.7.2: wildcards in the first level do not match `$` topics
    assert!(!m("#", "$SYS/monitor/Clients"));
    assert!(!m("+/monitor/Clients", "$SYS/monitor/Clients"));
    assert!(m("$SYS/#", "$SYS/monitor/Clients"));
    assert!(m("$SYS/monitor/+", "$SYS/monitor/Clients"));
    // case-sensitive, exact levels
    assert!(!m("Sport", "sport"));
    assert!(!m("a/b", "a/b/c"));
    assert!(!m("a/b/c", "a/b"));
    assert!(m("a//b", "a//b"));
    assert!(!m("a/+/b", "a/b"));
}

/// F6: the strict default refuses format characters as it refuses
/// controls: bidi overrides, marks and isolates, zero-width characters, the
/// BOM, soft hyphen and the line/paragraph separators, which corrupt logs,
/// dashboards and ACL reviews. The opt-in accepts them.
#[test]
fn f6_strict_topics_refuse_format_characters() {
    for (topic, at) in [
        ("a\u{202e}b", 1),
        ("a\u{200b}b", 1),
        ("a\u{200e}b", 1),
        ("a\u{2066}b", 1),
        ("a\u{feff}b", 1),
        ("a\u{2028}b", 1),
        ("a\u{2029}b", 1),
        ("a/\u{ad}", 2),
        ("a\u{e0041}", 1),
    ] {
        assert_eq!(
            TopicName::parse(topic).map_err(|e| (e.kind(), e.offset())),
            Err((ErrorKind::InvalidCharacter, at)),
            "{topic:?}"
        );
        assert_eq!(
            kind(TopicFilter::parse(topic)),
            ErrorKind::InvalidCharacter,
            "{topic:?}"
        );
        let lenient = Options::new().insecure_allow_format_characters();
        assert!(TopicName::parse_with(topic, &lenient).is_ok(), "{topic:?}");
    }
    // Visible non-ASCII stays valid.
    assert!(TopicName::parse("küche/température/温度").is_ok());
}

/// F6: `$share/<ShareName>/<filter>` (MQTT 5 §4.8.2): the share name is
/// non-empty and has no `/`, `+` or `#`, and a filter follows. `matches`
/// applies the inner filter, as a broker delivers to a shared subscription.
#[test]
fn f6_shared_subscriptions_are_validated_and_matched_like_a_broker() {
    for (bad, k) in [
        ("$share/+/x", ErrorKind::InvalidWildcard),
        ("$share/#", ErrorKind::InvalidWildcard),
        ("$share//x", ErrorKind::InvalidSyntax),
        ("$share/g", ErrorKind::InvalidSyntax),
        ("$share/g/", ErrorKind::InvalidSyntax),
        ("$share/", ErrorKind::InvalidSyntax),
        ("$share/g+/x", ErrorKind::InvalidWildcard),
        ("$share/g/a/#/b", ErrorKind::InvalidWildcard),
    ] {
        assert_eq!(kind(TopicFilter::parse(bad)), k, "{bad:?}");
    }
    let t = |s: &str| TopicName::parse(s).unwrap();
    let f = |s: &str| TopicFilter::parse(s).unwrap();
    assert!(f("$share/g/#").matches(&t("devices/1")));
    assert!(f("$share/g/devices/+").matches(&t("devices/1")));
    assert!(!f("$share/g/devices/+").matches(&t("devices/1/x")));
    assert!(f("$share/g/x").matches(&t("x")));
    // The `$` rule applies to the inner filter.
    assert!(!f("$share/g/#").matches(&t("$SYS/uptime")));
    assert!(f("$share/g/$SYS/#").matches(&t("$SYS/uptime")));
    assert_eq!(f("$share/g/devices/+").shared(), Some(("g", "devices/+")));
    assert_eq!(f("devices/+").shared(), None);
    // `$share`, `$sharex/...` and `$SHARE/...` are plain filters (case
    // matters).
    assert!(f("$share").matches(&t("$share")));
    assert!(f("$sharex/g").matches(&t("$sharex/g")));
    assert!(f("$SHARE/g").matches(&t("$SHARE/g")));
}
