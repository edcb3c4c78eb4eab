//! Timestamp: RFC 3339 and the calendar.

use super::*;

#[test]
fn timestamp_accepts_rfc_3339_examples() {
    for (text, unix) in [
        ("1985-04-12T23:20:50.52Z", 482_196_050),
        ("1996-12-19T16:39:57-08:00", 851_042_397),
        ("1990-12-31T23:59:60Z", 662_687_999),
        ("1990-12-31T15:59:60-08:00", 662_687_999),
        ("1937-01-01T12:00:27.87+00:20", -1_041_337_173),
        ("1970-01-01T00:00:00z", 0),
        ("0000-01-01T00:00:00Z", -62_167_219_200),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
        ("2000-02-29T00:00:00Z", 951_782_400),
    ] {
        assert_eq!(
            Timestamp::parse(text).unwrap().unix_timestamp(),
            unix,
            "{text}"
        );
    }
    let t = Timestamp::parse("2024-06-01t08:30:00.123456789123z").unwrap();
    assert_eq!(t.nanosecond(), 123_456_789);
    assert_eq!(t.to_string(), "2024-06-01T08:30:00.123456789Z");
    assert_eq!(
        Timestamp::parse("2024-06-01T08:30:00-00:00")
            .unwrap()
            .to_string(),
        "2024-06-01T08:30:00-00:00"
    );
    assert_eq!(
        Timestamp::parse("2024-06-01T08:30:00+05:30")
            .unwrap()
            .offset_minutes(),
        330
    );
    assert_eq!(
        Timestamp::parse("2024-06-01T08:30:00.500Z")
            .unwrap()
            .to_string(),
        "2024-06-01T08:30:00.5Z"
    );
}

#[test]
fn timestamp_rejects_invalid_dates_and_syntax() {
    for (bad, k) in [
        ("", ErrorKind::Empty),
        ("2023-02-29T00:00:00Z", ErrorKind::InvalidDate),
        ("1900-02-29T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-04-31T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-00-01T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-13-01T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-01-00T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-01-32T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-01-01T24:00:00Z", ErrorKind::InvalidDate),
        ("2024-01-01T00:60:00Z", ErrorKind::InvalidDate),
        ("2024-01-01T00:00:61Z", ErrorKind::InvalidDate),
        ("2024-01-01T23:59:60+01:00", ErrorKind::InvalidDate), // 22:59:60 UTC
        ("2024-01-01T00:00:00+24:00", ErrorKind::InvalidDate),
        ("2024-01-01T00:00:00+01:60", ErrorKind::InvalidDate),
        ("2024-01-01 00:00:00Z", ErrorKind::InvalidSyntax),
        ("2024-01-01T00:00Z", ErrorKind::InvalidSyntax),
        ("2024-01-01T00:00:00", ErrorKind::UnexpectedEnd),
        ("2024-01-01T00:00:00.Z", ErrorKind::InvalidSyntax),
        ("2024-01-01T00:00:00+0100", ErrorKind::InvalidSyntax),
        ("2024-01-01T00:00:00Z ", ErrorKind::TrailingInput),
        ("24-01-01T00:00:00Z", ErrorKind::InvalidSyntax),
        ("+2024-01-01T00:00:00Z", ErrorKind::InvalidSyntax),
        ("2024-1-01T00:00:00Z", ErrorKind::InvalidSyntax),
    ] {
        assert_eq!(kind(Timestamp::parse(bad)), k, "{bad:?}");
    }
    let long = format!(
        "2024-01-01T00:00:00.{}Z",
        "1".repeat(Timestamp::MAX_LEN - 21)
    );
    assert_eq!(long.len(), Timestamp::MAX_LEN);
    assert!(Timestamp::parse(&long).is_ok());
    let over = format!(
        "2024-01-01T00:00:00.{}Z",
        "1".repeat(Timestamp::MAX_LEN - 20)
    );
    assert_eq!(
        at(Timestamp::parse(&over)),
        (ErrorKind::TooLong, Timestamp::MAX_LEN)
    );
}

#[test]
fn timestamp_leap_second_only_at_the_end_of_a_utc_month() {
    // RFC 3339 §5.7: second 60 only "at the end of months in which a leap
    // second occurs", at 23:59:60 UTC, shifted by the offset.
    for ok in [
        "1990-12-31T23:59:60Z",
        "1990-06-30T23:59:60Z",
        "2024-02-29T23:59:60Z",
        "2023-02-28T23:59:60Z",
        "1990-12-31T15:59:60-08:00",
        "1991-01-01T00:59:60+01:00", // 1990-12-31T23:59:60Z
        "1990-12-01T00:59:60+01:00", // 1990-11-30T23:59:60Z
        "0000-01-01T00:29:60+00:30", // the last day of year -1
        "9999-12-31T23:59:60Z",
    ] {
        assert!(Timestamp::parse(ok).unwrap().is_leap_second(), "{ok}");
    }
    for (bad, offset) in [
        ("1990-12-30T23:59:60Z", 17),
        ("2024-02-28T23:59:60Z", 17),
        ("2024-01-01T23:59:60Z", 17),
        ("1990-11-29T15:59:60-08:00", 17),
        ("1991-01-02T00:59:60+01:00", 17), // 1991-01-01T23:59:60Z
        ("1990-12-31T23:59:60+01:00", 17), // 22:59:60 UTC
    ] {
        assert_eq!(
            at(Timestamp::parse(bad)),
            (ErrorKind::InvalidDate, offset),
            "{bad}"
        );
    }
}

/// F8: equality and order are by instant. `00:00Z` and `01:00+01:00` are
/// the same instant, so a freshness or replay check written with `==`/`<`
/// gives the right answer whatever offset the sender chose.
#[test]
fn f8_timestamps_compare_by_instant() {
    let t = |s: &str| Timestamp::parse(s).unwrap();
    assert_eq!(t("2024-01-01T00:00:00Z"), t("2024-01-01T01:00:00+01:00"));
    assert_eq!(t("2024-01-01T00:00:00Z"), t("2023-12-31T19:30:00-04:30"));
    assert_eq!(t("2024-01-01T00:00:00Z"), t("2024-01-01T00:00:00-00:00"));
    assert_eq!(t("2024-01-01T00:00:00.5Z"), t("2024-01-01T00:00:00.500z"));
    assert!(t("2024-01-01T00:30:00+01:00") < t("2024-01-01T00:00:00Z"));
    assert!(t("2024-01-01T00:00:00Z") < t("2024-01-01T00:00:00.000000001Z"));
    // The leap second lies between 23:59:59.999999999 and midnight.
    assert!(t("2016-12-31T23:59:59.999999999Z") < t("2016-12-31T23:59:60Z"));
    assert!(t("2016-12-31T23:59:60.5Z") < t("2017-01-01T00:00:00Z"));
    assert_eq!(t("2016-12-31T23:59:60Z"), t("2017-01-01T00:59:60+01:00"));
    // Hash agrees with equality.
    let set: std::collections::HashSet<Timestamp> =
        [t("2024-01-01T00:00:00Z"), t("2024-01-01T01:00:00+01:00")]
            .into_iter()
            .collect();
    assert_eq!(set.len(), 1);
    // Precision beyond nanoseconds is dropped (documented): equal instants.
    assert_eq!(
        t("2024-01-01T00:00:00.0000000001Z"),
        t("2024-01-01T00:00:00Z")
    );
}
