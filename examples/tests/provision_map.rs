//! Checks `docs/PROVISIONS.md`, the map of every EN 303 645 provision to the
//! crates, APIs and tests that serve it. The map is a promise to device makers
//! writing conformance documentation: a cited test that was renamed or deleted
//! would make it a false one, so this test fails when that happens.

// Test code: a panic is a failed test, which is what we want here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Every provision ID of ETSI EN 303 645 V3.1.3 (78), in the standard's order.
const PROVISION_IDS: [&str; 78] = [
    "5.0-1", "5.1-1", "5.1-2", "5.1-2A", "5.1-3", "5.1-4", "5.1-5", "5.2-1", "5.2-2", "5.2-3",
    "5.3-1", "5.3-2", "5.3-3", "5.3-4A", "5.3-4B", "5.3-5", "5.3-6A", "5.3-6B", "5.3-7", "5.3-8",
    "5.3-9", "5.3-10", "5.3-11", "5.3-12", "5.3-13", "5.3-14", "5.3-15A", "5.3-15B", "5.3-16",
    "5.4-1", "5.4-2", "5.4-3", "5.4-4", "5.5-1", "5.5-2", "5.5-3", "5.5-4", "5.5-5", "5.5-6",
    "5.5-7", "5.5-8", "5.6-1", "5.6-2", "5.6-3", "5.6-4A", "5.6-4B", "5.6-5", "5.6-6", "5.6-7",
    "5.6-8", "5.6-9", "5.7-1", "5.7-2", "5.8-1", "5.8-2", "5.8-3", "5.9-1", "5.9-2", "5.9-3",
    "5.10-1", "5.11-1", "5.11-2", "5.11-3", "5.11-4", "5.12-1", "5.12-2", "5.12-3", "5.13-1A",
    "5.13-1B", "6-1", "6-2", "6-3A", "6-3B", "6-4", "6-5", "6-6", "6-7", "6-8",
];

const CLASSIFICATIONS: [&str; 3] = ["implemented", "helps", "out of scope"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("examples/ lives in the workspace root")
        .to_path_buf()
}

/// One table row of the map.
#[derive(Debug)]
struct Row {
    id: String,
    classification: String,
    evidence: Vec<String>,
    notes: String,
}

/// Parses the provision table: the rows whose first cell looks like an ID.
fn parse_rows(map: &str) -> Vec<Row> {
    map.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .strip_prefix('|')?
                .strip_suffix('|')?
                .split('|')
                .map(str::trim)
                .collect();
            let [id, _status, classification, _api, evidence, notes] = cells.as_slice() else {
                return None;
            };
            if !id.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            Some(Row {
                id: (*id).to_owned(),
                classification: (*classification).to_owned(),
                evidence: citations(evidence),
                notes: (*notes).to_owned(),
            })
        })
        .collect()
}

/// The `path/file.rs::test_name` citations in backticks in a cell.
fn citations(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| c.contains(".rs::"))
        .map(str::to_owned)
        .collect()
}

/// Whether `file` defines a test function `name`: `fn name(` preceded by a
/// `#[test]` attribute, or inside a `proptest!` block.
fn defines_test(file: &str, name: &str) -> bool {
    let needle = format!("fn {name}(");
    let lines: Vec<&str> = file.lines().collect();
    lines.iter().enumerate().any(|(i, line)| {
        let line = line.trim_start();
        if !(line.starts_with(&needle) || line.starts_with(&format!("pub {needle}"))) {
            return false;
        }
        let has_test_attr = lines[..i]
            .iter()
            .rev()
            .map(|l| l.trim())
            .take_while(|l| l.starts_with("#[") || l.starts_with("//"))
            .any(|l| l.starts_with("#[test") || l.ends_with("::test]"));
        let in_proptest = lines[..i].iter().any(|l| l.contains("proptest! {"));
        has_test_attr || in_proptest
    })
}

/// Everything wrong with `map`, read against the sources under `root`.
fn problems(map: &str, root: &Path) -> Vec<String> {
    let rows = parse_rows(map);
    let mut problems = Vec::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &rows {
        *seen.entry(row.id.as_str()).or_default() += 1;
        if !PROVISION_IDS.contains(&row.id.as_str()) {
            problems.push(format!(
                "{}: not a provision ID of EN 303 645 V3.1.3",
                row.id
            ));
        }
        if !CLASSIFICATIONS.contains(&row.classification.as_str()) {
            problems.push(format!(
                "{}: classification `{}` is not one of {CLASSIFICATIONS:?}",
                row.id, row.classification
            ));
        }
        if row.classification == "implemented" && row.evidence.is_empty() {
            problems.push(format!("{}: implemented but cites no test", row.id));
        }
        if row.classification == "out of scope" && row.notes.is_empty() {
            problems.push(format!("{}: out of scope without a reason", row.id));
        }
        for citation in &row.evidence {
            let Some((path, name)) = citation.rsplit_once("::") else {
                continue;
            };
            match fs::read_to_string(root.join(path)) {
                Ok(source) if defines_test(&source, name) => {}
                Ok(_) => problems.push(format!("{}: no test `{name}` in {path}", row.id)),
                Err(_) => problems.push(format!("{}: cited file {path} does not exist", row.id)),
            }
        }
    }
    for id in PROVISION_IDS {
        match seen.get(id) {
            None => problems.push(format!("{id}: missing from the map")),
            Some(n) if *n > 1 => problems.push(format!("{id}: listed {n} times")),
            Some(_) => {}
        }
    }
    problems
}

fn the_map() -> String {
    fs::read_to_string(workspace_root().join("docs/PROVISIONS.md"))
        .expect("docs/PROVISIONS.md exists")
}

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
        "| 5.2-2 | M | implemented | x | `examples/tests/provision_map.rs::no_such_test` | x |\n| 5.2-2-gone |",
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
        "| 5.2-1 | M | helps | `SECURITY.md` | `examples/tests/provision_map.rs::checker_accepts_a_test_defined_here` |",
    );
    assert_ne!(map, the_map(), "the fixture row must exist");
    assert!(problems(&map, &workspace_root()).is_empty());
    assert_eq!(
        citations("`a/b.rs::c` and `not a citation`"),
        vec!["a/b.rs::c".to_owned()]
    );
}
