//! The checker of `docs/PROVISIONS.md`, the map of every EN 303 645
//! provision to the crates, APIs and tests that serve it (run by
//! `tests/provision_map.rs`). The map is a promise to device makers writing
//! conformance documentation: a cited test that was renamed or deleted would
//! make it a false one, so the check fails when that happens.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Every provision ID of ETSI EN 303 645 V3.1.3 (78), in the standard's order.
pub const PROVISION_IDS: [&str; 78] = [
    "5.0-1", "5.1-1", "5.1-2", "5.1-2A", "5.1-3", "5.1-4", "5.1-5", "5.2-1", "5.2-2", "5.2-3",
    "5.3-1", "5.3-2", "5.3-3", "5.3-4A", "5.3-4B", "5.3-5", "5.3-6A", "5.3-6B", "5.3-7", "5.3-8",
    "5.3-9", "5.3-10", "5.3-11", "5.3-12", "5.3-13", "5.3-14", "5.3-15A", "5.3-15B", "5.3-16",
    "5.4-1", "5.4-2", "5.4-3", "5.4-4", "5.5-1", "5.5-2", "5.5-3", "5.5-4", "5.5-5", "5.5-6",
    "5.5-7", "5.5-8", "5.6-1", "5.6-2", "5.6-3", "5.6-4A", "5.6-4B", "5.6-5", "5.6-6", "5.6-7",
    "5.6-8", "5.6-9", "5.7-1", "5.7-2", "5.8-1", "5.8-2", "5.8-3", "5.9-1", "5.9-2", "5.9-3",
    "5.10-1", "5.11-1", "5.11-2", "5.11-3", "5.11-4", "5.12-1", "5.12-2", "5.12-3", "5.13-1A",
    "5.13-1B", "6-1", "6-2", "6-3A", "6-3B", "6-4", "6-5", "6-6", "6-7", "6-8",
];

/// The classifications a row may have.
pub const CLASSIFICATIONS: [&str; 3] = ["implemented", "helps", "out of scope"];

/// The workspace root (the parent of `testkit/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit/ lives in the workspace root")
        .to_path_buf()
}

/// One table row of the map.
#[derive(Debug)]
pub struct Row {
    /// The provision ID.
    pub id: String,
    /// implemented, helps or out of scope.
    pub classification: String,
    /// The `path.rs::test_fn` citations of the evidence cell.
    pub evidence: Vec<String>,
    /// The notes cell.
    pub notes: String,
}

/// Parses the provision table: the rows whose first cell looks like an ID.
pub fn parse_rows(map: &str) -> Vec<Row> {
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
pub fn citations(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| c.contains(".rs::"))
        .map(str::to_owned)
        .collect()
}

/// Whether `file` defines a test function `name`: `fn name(` preceded by a
/// `#[test]` attribute, or inside a `proptest!` block.
pub fn defines_test(file: &str, name: &str) -> bool {
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
pub fn problems(map: &str, root: &Path) -> Vec<String> {
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

/// The text of `docs/PROVISIONS.md`.
pub fn the_map() -> String {
    fs::read_to_string(workspace_root().join("docs/PROVISIONS.md"))
        .expect("docs/PROVISIONS.md exists")
}
