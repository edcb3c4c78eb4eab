//! Checks `docs/PROVISIONS.md`, the map of every EN 303 645 provision to the
//! crates, APIs and tests that serve it. The map is a promise to device makers
//! writing conformance documentation: a cited test that was renamed or deleted
//! would make it a false one, so this test fails when that happens. The same
//! checker reads the maps of the other regimes (EN 18031, CRA, PSTI,
//! NISTIR 8425), each against its own list of items.

#![cfg(test)]

use iot_testkit::provision_map::{
    CRA, EN_18031, NISTIR_8425, PROVISION_IDS, PSTI, REGIMES, Regime, citations, parse_rows,
    problems, the_map, workspace_root,
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
            .any(|p| p.starts_with("5.99-1: not an item of EN 303 645"))
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

// ---- every regime's map, through the same checker ----

/// A row with this ID, classified helps, citing nothing.
fn extra_row(id: &str) -> String {
    format!("| {id} | x | helps | x |  | x |\n")
}

#[test]
fn every_regime_map_is_complete_and_every_cited_test_exists() {
    let root = workspace_root();
    for regime in REGIMES {
        let problems = regime.problems(&regime.read_map(), &root);
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            regime.map,
            problems.join("\n")
        );
        let rows = parse_rows(&regime.read_map());
        for &id in regime.required {
            assert_eq!(
                rows.iter().filter(|r| r.id == id).count(),
                1,
                "{}: {id}",
                regime.map
            );
        }
    }
}

#[test]
fn every_regime_refuses_an_unknown_item() {
    let unknown: [(Regime, &str); 8] = [
        (EN_18031, "XYZ"),
        (EN_18031, "XYZ-1"),
        (EN_18031, "AUM-0"),
        (EN_18031, "AUM-5-1-1"),
        (CRA, "I(2)(n)"),
        (CRA, "II(9)"),
        (PSTI, "S1-4"),
        (NISTIR_8425, "firmware-signing"),
    ];
    let root = workspace_root();
    for (regime, id) in unknown {
        let map = format!("{}{}", regime.read_map(), extra_row(id));
        let problems = regime.problems(&map, &root);
        assert!(
            problems.contains(&format!("{id}: not an item of {}", regime.name)),
            "{id}: {problems:?}"
        );
    }
}

#[test]
fn en18031_accepts_rows_for_single_requirements_of_a_known_family() {
    assert!(EN_18031.knows("AUM"));
    assert!(EN_18031.knows("AUM-6"));
    assert!(EN_18031.knows("SSM-1-2"));
    assert!(!EN_18031.knows("AUM-"));
    assert!(!EN_18031.knows("AUM-x"));
    assert!(!CRA.knows("I(2)(a)-1"));
    let map = format!("{}{}", EN_18031.read_map(), extra_row("CCK-2"));
    assert!(EN_18031.problems(&map, &workspace_root()).is_empty());
    let twice = format!("{map}{}", extra_row("CCK-2"));
    assert!(
        EN_18031
            .problems(&twice, &workspace_root())
            .contains(&"CCK-2: listed 2 times".to_owned())
    );
}

#[test]
fn every_regime_reports_a_missing_item_and_a_cited_test_that_does_not_exist() {
    let root = workspace_root();
    for regime in REGIMES {
        let map = regime.read_map();
        let first = regime.required[0];
        let without: String = map
            .lines()
            .filter(|l| !l.starts_with(&format!("| {first} |")))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(
            regime
                .problems(&without, &root)
                .contains(&format!("{first}: missing from the map")),
            "{}",
            regime.map
        );
        let last = regime.required[regime.required.len() - 1];
        let cited = map.replacen(
            &format!("| {last} |"),
            &format!(
                "| {last} | x | implemented | x | `testkit/tests/provision_map.rs::no_such_test` | x |\n| {last}-gone |"
            ),
            1,
        );
        let problems = regime.problems(&cited, &root);
        assert!(
            problems.iter().any(|p| p
                == &format!("{last}: no test `no_such_test` in testkit/tests/provision_map.rs")),
            "{}: {problems:?}",
            regime.map
        );
    }
}

#[test]
fn every_regime_requires_a_reason_for_out_of_scope_and_a_test_for_implemented() {
    let root = workspace_root();
    for regime in REGIMES {
        let map = format!(
            "{}| {a} | x | out of scope |  |  |  |\n| {b} | x | implemented | x |  | x |\n",
            regime.read_map(),
            a = regime.required[0],
            b = regime.required[1],
        );
        let problems = regime.problems(&map, &root);
        let a = regime.required[0];
        let b = regime.required[1];
        assert!(
            problems.contains(&format!("{a}: out of scope without a reason")),
            "{problems:?}"
        );
        assert!(
            problems.contains(&format!("{b}: implemented but cites no test")),
            "{problems:?}"
        );
    }
}
