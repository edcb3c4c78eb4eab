//! Checks `docs/PROVISIONS.md`, the map of every EN 303 645 provision to the
//! crates, APIs and tests that serve it. The map is a promise to device makers
//! writing conformance documentation: a cited test that was renamed or deleted
//! would make it a false one, so this test fails when that happens.

use iot_testkit::provision_map::{
    PROVISION_IDS, citations, parse_rows, problems, the_map, workspace_root,
};

#[test]
fn provision_map_is_complete_and_every_cited_test_exists() {
    let problems = problems(&the_map(), &workspace_root());
    assert!(
        problems.is_empty(),
        "docs/PROVISIONS.md:\n{}",
        problems.join("\n")
    );
}

#[test]
fn provision_map_lists_all_78_provisions() {
    assert_eq!(parse_rows(&the_map()).len(), PROVISION_IDS.len());
}

#[test]
fn checker_reports_a_cited_test_that_does_not_exist() {
    let map = the_map().replacen(
        "| 5.2-2 |",
        "| 5.2-2 | M | implemented | x | `testkit/tests/provision_map.rs::no_such_test` | x |\n| 5.2-2-gone |",
        1,
    );
    let problems = problems(&map, &workspace_root());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("no test `no_such_test`")),
        "{problems:?}"
    );
}

#[test]
fn checker_reports_an_implemented_row_without_tests_and_a_bad_classification() {
    let map = the_map()
        .replace(
            "| 5.2-2 | R | out of scope |",
            "| 5.2-2 | R | implemented |",
        )
        .replace("| 5.2-3 | R | out of scope |", "| 5.2-3 | R | planned |");
    assert_eq!(
        map.matches("| implemented |").count(),
        the_map().matches("| implemented |").count() + 1
    );
    let problems = problems(&map, &workspace_root());
    assert!(
        problems.contains(&"5.2-2: implemented but cites no test".to_owned()),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("5.2-3: classification `planned`")),
        "{problems:?}"
    );
}

#[test]
fn checker_reports_missing_unknown_and_duplicate_ids() {
    let map = the_map();
    let without_5_1_1: String = map
        .lines()
        .filter(|l| !l.starts_with("| 5.1-1 |"))
        .map(|l| format!("{l}\n"))
        .collect();
    let with_unknown = format!("{map}| 5.99-1 | M | helps | x |  | x |\n");
    let with_duplicate = format!("{map}| 5.1-1 | M | helps | x |  | x |\n");
    let root = workspace_root();
    assert!(problems(&without_5_1_1, &root).contains(&"5.1-1: missing from the map".to_owned()));
    assert!(
        problems(&with_unknown, &root)
            .iter()
            .any(|p| p.starts_with("5.99-1: not a provision"))
    );
    assert!(problems(&with_duplicate, &root).contains(&"5.1-1: listed 2 times".to_owned()));
}

#[test]
fn checker_accepts_a_test_defined_here() {
    let map = the_map().replace(
        "| 5.2-1 | M | helps | `SECURITY.md` |  |",
        "| 5.2-1 | M | helps | `SECURITY.md` | `testkit/tests/provision_map.rs::checker_accepts_a_test_defined_here` |",
    );
    assert_ne!(map, the_map(), "the fixture row must exist");
    assert!(problems(&map, &workspace_root()).is_empty());
    assert_eq!(
        citations("`a/b.rs::c` and `not a citation`"),
        vec!["a/b.rs::c".to_owned()]
    );
}
