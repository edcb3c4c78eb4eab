//! `json::validate`: RFC 8259 strictness, every limit at its boundary,
//! duplicate keys, and deep nesting without recursion.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use iot_input::ErrorKind;
use iot_input::json::{Limits, validate};

fn check(doc: &str) -> Result<(), (ErrorKind, usize)> {
    validate(doc.as_bytes(), &Limits::default()).map_err(|e| (e.kind(), e.offset()))
}

#[test]
fn accepts_rfc_8259_values() {
    for ok in [
        "0",
        "-0",
        "1.5",
        "-1.5e10",
        "1E+2",
        "1e-2",
        "123456789",
        "true",
        "false",
        "null",
        r#""""#,
        r#""a\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00""#,
        "[]",
        "{}",
        " [ 1 , 2 ] ",
        r#"{"a":{"b":[{"c":null}]}}"#,
        "\t\r\n{}\n",
        r#""ünïcødé 😀""#,
        r#"{"a":1,"b":2}"#,
        r#"[{"a":1},{"a":2}]"#,
        r#"{"a":{"x":1},"b":{"x":2}}"#,
        r#"{"":1}"#,
    ] {
        assert_eq!(check(ok), Ok(()), "{ok}");
    }
}

#[test]
fn rejects_everything_else() {
    for (bad, k, at) in [
        ("", ErrorKind::Empty, 0),
        (" ", ErrorKind::UnexpectedEnd, 1),
        ("[1,]", ErrorKind::InvalidSyntax, 3),
        (r#"{"a":1,}"#, ErrorKind::InvalidSyntax, 7),
        ("[1 2]", ErrorKind::InvalidSyntax, 3),
        ("01", ErrorKind::LeadingZero, 0),
        ("-01", ErrorKind::LeadingZero, 1),
        ("1.", ErrorKind::UnexpectedEnd, 2),
        (".5", ErrorKind::InvalidSyntax, 0),
        ("1e", ErrorKind::UnexpectedEnd, 2),
        ("+1", ErrorKind::InvalidSyntax, 0),
        ("-", ErrorKind::UnexpectedEnd, 1),
        ("NaN", ErrorKind::InvalidSyntax, 0),
        ("Infinity", ErrorKind::InvalidSyntax, 0),
        ("tru", ErrorKind::UnexpectedEnd, 3),
        ("nul1", ErrorKind::InvalidSyntax, 3),
        ("'a'", ErrorKind::InvalidSyntax, 0),
        ("/* c */ 1", ErrorKind::InvalidSyntax, 0),
        ("1 // c", ErrorKind::TrailingInput, 2),
        ("[1] [2]", ErrorKind::TrailingInput, 4),
        ("\"a\u{1}b\"", ErrorKind::InvalidCharacter, 2),
        ("\"a\tb\"", ErrorKind::InvalidCharacter, 2),
        (r#""\x41""#, ErrorKind::InvalidEscape, 1),
        (r#""\u00G1""#, ErrorKind::InvalidEscape, 1),
        (r#""\uD800""#, ErrorKind::InvalidEscape, 1),
        (r#""\uDC00""#, ErrorKind::InvalidEscape, 1),
        (r#""\uD800\u0041""#, ErrorKind::InvalidEscape, 1),
        (r#""abc"#, ErrorKind::UnexpectedEnd, 4),
        ("[", ErrorKind::UnexpectedEnd, 1),
        ("{", ErrorKind::UnexpectedEnd, 1),
        (r#"{"a"}"#, ErrorKind::InvalidSyntax, 4),
        (r#"{"a":}"#, ErrorKind::InvalidSyntax, 5),
        (r#"{a:1}"#, ErrorKind::InvalidSyntax, 1),
        ("[}", ErrorKind::InvalidSyntax, 1),
        ("{]", ErrorKind::InvalidSyntax, 1),
        ("\u{feff}{}", ErrorKind::InvalidCharacter, 0),
        ("[1,\u{a0}2]", ErrorKind::InvalidSyntax, 3),
    ] {
        assert_eq!(check(bad), Err((k, at)), "{bad:?}");
    }
}

#[test]
fn rejects_invalid_utf8_with_its_offset() {
    let err = validate(b"[\"ab\xff\"]", &Limits::default()).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::InvalidUtf8, 4));
    let err = validate(b"\"\xed\xa0\x80\"", &Limits::default()).unwrap_err(); // encoded surrogate
    assert_eq!(err.kind(), ErrorKind::InvalidUtf8);
}

#[test]
fn rejects_duplicate_keys_after_unescaping() {
    assert_eq!(check(r#"{"a":1,"a":2}"#), Err((ErrorKind::DuplicateKey, 7)));
    assert_eq!(
        check(r#"{"a":1,"\u0061":2}"#),
        Err((ErrorKind::DuplicateKey, 7))
    );
    assert_eq!(
        check(r#"{"\u0061":1,"a":2}"#),
        Err((ErrorKind::DuplicateKey, 12))
    );
    assert_eq!(
        check(r#"{"é":1,"\u00e9":2}"#).unwrap_err().0,
        ErrorKind::DuplicateKey
    );
    assert_eq!(
        check(r#"{"😀":1,"\ud83d\ude00":2}"#).unwrap_err().0,
        ErrorKind::DuplicateKey
    );
    assert_eq!(
        check(r#"{"a/b":1,"a\/b":2}"#).unwrap_err().0,
        ErrorKind::DuplicateKey
    );
    assert_eq!(
        check(r#"{"x":{"a":1,"b":{"c":1},"a":2}}"#).unwrap_err().0,
        ErrorKind::DuplicateKey
    );
    // The same key in sibling or nested objects is fine.
    assert_eq!(check(r#"{"a":{"a":{"a":1}},"b":{"a":2}}"#), Ok(()));
    assert_eq!(check(r#"[{"a":1},{"a":1}]"#), Ok(()));
    // Near misses are different keys.
    assert_eq!(check(r#"{"a":1,"a ":3,"\u0062":4}"#), Ok(()));
}

/// F1: keys that differ only in ASCII case are one key to cJSON
/// (`cJSON_GetObjectItem`, first match) and to Go's `encoding/json` (last
/// match): each would read a different value, so they are duplicates.
#[test]
fn f1_keys_equal_under_ascii_case_folding_are_duplicates() {
    assert_eq!(
        check(r#"{"Broker":"mqtts://evil.example","broker":"mqtts://good.example"}"#),
        Err((ErrorKind::DuplicateKey, 33))
    );
    assert_eq!(
        check(r#"{"broker":1,"BROKER":2}"#),
        Err((ErrorKind::DuplicateKey, 12))
    );
    assert_eq!(
        check(r#"{"a":1,"\u0041":2}"#),
        Err((ErrorKind::DuplicateKey, 7))
    );
    // Long keys take the eight-bytes-at-a-time path.
    assert_eq!(
        check(r#"{"wifi_passphrase_primary":1,"WIFI_Passphrase_Primary":2}"#),
        Err((ErrorKind::DuplicateKey, 29))
    );
    // Only letters fold: `@`/`` ` `` and `[`/`{` stay different keys.
    assert_eq!(check(r#"{"@":1,"`":2,"[":3,"{":4,"a1":5,"A2":6}"#), Ok(()));
}

/// F1: Go matches struct fields with Unicode simple case folding
/// (`bytes.EqualFold`): `ſ` (U+017F) is `s`, `K` (U+212A) is `k`.
#[test]
fn f1_keys_equal_under_unicode_simple_case_folding_are_duplicates() {
    for doc in [
        r#"{"ssid":"good","ſsid":"evil"}"#,
        r#"{"ssid":"good","\u017fsid":"evil"}"#,
        r#"{"key":1,"\u212aey":2}"#,
        r#"{"Ärger":1,"ärger":2}"#,
        r#"{"σ":1,"ς":2}"#,
        r#"{"Ω":1,"ω":2}"#,
        r#"{"Привет":1,"привет":2}"#,
    ] {
        assert_eq!(
            check(doc).map_err(|e| e.0),
            Err(ErrorKind::DuplicateKey),
            "{doc}"
        );
    }
    // Simple folding only: dotless ı, dotted İ and ß fold to nothing else.
    assert_eq!(check(r#"{"i":1,"ı":2,"İ":3,"ß":4,"ss":5}"#), Ok(()));
}

/// F1: a key with U+0000 reads as its prefix to every C-string consumer
/// (cJSON), and other C0 controls are invisible in logs: refused, a
/// documented deviation from RFC 8259.
#[test]
fn f1_keys_with_c0_controls_are_refused() {
    assert_eq!(
        check(r#"{"ssid":"good","ssid\u0000":"evil"}"#),
        Err((ErrorKind::InvalidCharacter, 20))
    );
    for doc in [
        r#"{"\u0000":1}"#,
        r#"{"a\n":1}"#,
        r#"{"a\t":1}"#,
        r#"{"\u001f":1}"#,
        r#"{"\u001F":1}"#,
        r#"{"\b":1}"#,
    ] {
        assert_eq!(
            check(doc).map_err(|e| e.0),
            Err(ErrorKind::InvalidCharacter),
            "{doc}"
        );
    }
    // In values they stay valid JSON, and so do DEL and C1 in keys.
    assert_eq!(check(r#"{"a":"x\u0000\n"}"#), Ok(()));
    assert_eq!(check(r#"{"\u007f\u0085":1}"#), Ok(()));
}

#[test]
fn duplicates_are_found_among_many_keys_and_hash_collisions() {
    // 1000 distinct keys, then a repeat of one in the middle.
    let mut doc = String::from("{");
    for i in 0..1000 {
        doc.push_str(&format!("\"key{i}\":{i},"));
    }
    assert_eq!(check(&format!("{}}}", doc.trim_end_matches(','))), Ok(()));
    doc.push_str("\"key500\":0}");
    assert_eq!(check(&doc).unwrap_err().0, ErrorKind::DuplicateKey);
    // Keys of the form `XYZxXYZx` collided in the old unkeyed hash (F7:
    // src/json/keys.rs builds colliding keys for the keyed one): different
    // keys, and a real repeat among them is still found.
    assert_eq!(check(r#"{"abcxabcx":1,"abdxabdx":2}"#), Ok(()));
    assert_eq!(
        check(r#"{"abcxabcx":1,"abdxabdx":2,"abcxabcx":3}"#),
        Err((ErrorKind::DuplicateKey, 27))
    );
}

#[test]
fn byte_limit() {
    let limits = Limits::new().max_bytes(10);
    assert!(validate(b"[1,2,3,40]", &limits).is_ok());
    let err = validate(b"[1,2,3,400]", &limits).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::TooLong, 10));
    let big = format!("[{}1]", "1,".repeat(32 * 1024));
    assert_eq!(check(&big).unwrap_err().0, ErrorKind::TooLong);
}

#[test]
fn depth_limit() {
    let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert_eq!(check(&nest(32)), Ok(()));
    assert_eq!(check(&nest(33)), Err((ErrorKind::TooDeep, 32)));
    let limits = Limits::new().max_depth(1);
    assert!(validate(b"[1]", &limits).is_ok());
    assert!(validate(b"1", &Limits::new().max_depth(0)).is_ok());
    assert_eq!(
        validate(b"[1]", &Limits::new().max_depth(0))
            .unwrap_err()
            .kind(),
        ErrorKind::TooDeep
    );
    assert_eq!(
        validate(br#"{"a":{}}"#, &limits).unwrap_err().kind(),
        ErrorKind::TooDeep
    );
    // The hard cap: no recursion, so even 60,000 levels only cost an error.
    let max = Limits::new().max_depth(usize::MAX);
    assert!(validate(nest(Limits::MAX_DEPTH).as_bytes(), &max).is_ok());
    let err = validate(nest(30_000).as_bytes(), &max).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::TooDeep, Limits::MAX_DEPTH)
    );
}

#[test]
fn string_limit() {
    let limits = Limits::new().max_string_len(4);
    assert!(validate(br#"["abcd"]"#, &limits).is_ok());
    let err = validate(br#"["abcde"]"#, &limits).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::TooLong, 6));
    assert_eq!(
        validate(br#"{"abcde":1}"#, &limits).unwrap_err().kind(),
        ErrorKind::TooLong
    );
    assert!(validate(br#"[""]"#, &Limits::new().max_string_len(0)).is_ok());
}

#[test]
fn member_limit() {
    let limits = Limits::new().max_members(3);
    assert!(validate(b"[1,2,3]", &limits).is_ok());
    let err = validate(b"[1,2,3,4]", &limits).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::TooManyMembers, 7));
    assert!(validate(br#"{"a":1,"b":2,"c":3}"#, &limits).is_ok());
    assert_eq!(
        validate(br#"{"a":1,"b":2,"c":3,"d":4}"#, &limits)
            .unwrap_err()
            .kind(),
        ErrorKind::TooManyMembers
    );
    assert!(validate(b"[]", &Limits::new().max_members(0)).is_ok());
    assert_eq!(
        validate(b"[1]", &Limits::new().max_members(0))
            .unwrap_err()
            .kind(),
        ErrorKind::TooManyMembers
    );
    // Nested containers count per container.
    assert!(validate(b"[[1,2,3],[1,2,3],[1,2,3]]", &limits).is_ok());
}

#[test]
fn open_key_table_bound() {
    // More keys open at once than the table holds: rejected, not missed.
    let limits = Limits::new().max_members(usize::MAX).max_bytes(usize::MAX);
    let mut doc = String::from("{");
    for i in 0..Limits::MAX_OPEN_KEYS {
        doc.push_str(&format!("\"k{i}\":0,"));
    }
    let ok = format!("{}}}", doc.trim_end_matches(','));
    assert!(validate(ok.as_bytes(), &limits).is_ok());
    doc.push_str("\"last\":0}");
    assert_eq!(
        validate(doc.as_bytes(), &limits).unwrap_err().kind(),
        ErrorKind::TooManyMembers
    );
}

#[test]
fn number_limit() {
    let limits = Limits::new().max_number_len(4);
    assert!(validate(b"-1.5", &limits).is_ok());
    let err = validate(b"[-1.55]", &limits).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::TooLong, 5));
    assert_eq!(check(&"9".repeat(65)).unwrap_err().0, ErrorKind::TooLong);
    assert_eq!(check(&"9".repeat(64)), Ok(()));
}

#[test]
fn default_limits_are_the_documented_ones() {
    let d = Limits::default();
    assert_eq!(d, Limits::new());
    let s64k = format!("\"{}\"", "a".repeat(4096));
    assert_eq!(check(&s64k), Ok(()));
    assert_eq!(
        check(&format!("\"{}\"", "a".repeat(4097))).unwrap_err().0,
        ErrorKind::TooLong
    );
    let members = format!("[{}0]", "0,".repeat(1023));
    assert_eq!(check(&members), Ok(()));
    let members = format!("[{}0]", "0,".repeat(1024));
    assert_eq!(check(&members).unwrap_err().0, ErrorKind::TooManyMembers);
}

#[test]
fn accepted_documents_are_accepted_by_serde_json() {
    for doc in [
        r#"{"a":[1,2,{"b":"\u00e9\ud83d\ude00"}],"c":-0.5e-3}"#,
        "[]",
        "\"x\"",
    ] {
        assert_eq!(check(doc), Ok(()));
        serde_json::from_str::<serde_json::Value>(doc).unwrap();
    }
}

#[test]
fn numbers_are_checked_for_syntax_not_range() {
    // Documented: the range is the deserializer's business.
    assert_eq!(check("1e400"), Ok(()));
    assert_eq!(check("-1.3e00530"), Ok(()));
    assert!(serde_json::from_str::<serde_json::Value>("1e400").is_err());
}
