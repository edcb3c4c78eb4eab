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
