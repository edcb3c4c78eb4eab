//! The checker of the compliance maps in `docs/`: one table per regime
//! (EN 303 645 in `docs/PROVISIONS.md`, EN 18031, the Cyber Resilience Act,
//! UK PSTI, NISTIR 8425), each mapping the regime's items to the crates,
//! APIs and tests that serve them (run by `tests/provision_map.rs`). A map is
//! a promise to device makers writing conformance documentation: a cited
//! test that was renamed or deleted would make it a false one, so the check
//! fails when that happens.
//!
//! Every map follows the same rules: every required item of its regime
//! appears exactly once, no unknown item appears, every row is classified
//! implemented / helps / out of scope, an implemented row cites a test, an
//! out-of-scope row gives a reason, and every cited `path.rs::test_fn`
//! exists. A regime is one [`Regime`] value; [`REGIMES`] lists them all.

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

/// The EN 18031-1/-2/-3 requirement families, in the order of the standard's
/// parts. `docs/EN18031.md` has one row per family, and may add rows for
/// single requirements of a family (`AUM-6`) where our code is specific.
pub const EN18031_FAMILIES: [&str; 14] = [
    "ACM", "AUM", "SUM", "SSM", "SCM", "RLM", "NMM", "TCM", "CCK", "GEC", "CRY", "LGM", "DLM",
    "UNM",
];

/// The essential requirements of the Cyber Resilience Act, Annex I:
/// Part I (1), Part I (2)(a)-(m), Part II (1)-(8).
pub const CRA_ITEMS: [&str; 22] = [
    "I(1)", "I(2)(a)", "I(2)(b)", "I(2)(c)", "I(2)(d)", "I(2)(e)", "I(2)(f)", "I(2)(g)", "I(2)(h)",
    "I(2)(i)", "I(2)(j)", "I(2)(k)", "I(2)(l)", "I(2)(m)", "II(1)", "II(2)", "II(3)", "II(4)",
    "II(5)", "II(6)", "II(7)", "II(8)",
];

/// The security requirements of the UK PSTI regime: Schedule 1, Part 1 of
/// The Product Security and Telecommunications Infrastructure (Security
/// Requirements for Relevant Connectable Products) Regulations 2023, by
/// paragraph (1 passwords, 2 reporting security issues, 3 support period).
pub const PSTI_ITEMS: [&str; 3] = ["S1-1", "S1-2", "S1-3"];

/// The six device cybersecurity capabilities of NISTIR 8425 (the IoT
/// product baseline it takes from NISTIR 8259A).
pub const NISTIR_8425_ITEMS: [&str; 6] = [
    "asset-identification",
    "product-configuration",
    "data-protection",
    "interface-access-control",
    "software-update",
    "cybersecurity-state-awareness",
];

/// One compliance regime and its map.
#[derive(Debug, Clone, Copy)]
pub struct Regime {
    /// The regime's name, for messages.
    pub name: &'static str,
    /// The map, relative to the workspace root.
    pub map: &'static str,
    /// Every item that must appear exactly once.
    pub required: &'static [&'static str],
    /// Whether rows may also name single requirements of a required family
    /// (`AUM-6`, `AUM-6-1`): EN 18031.
    pub requirement_rows: bool,
}

impl Regime {
    /// Whether `id` is an item of this regime.
    pub fn knows(&self, id: &str) -> bool {
        if self.required.contains(&id) {
            return true;
        }
        if !self.requirement_rows {
            return false;
        }
        let mut parts = id.split('-');
        let family = parts.next().unwrap_or_default();
        let numbers: Vec<&str> = parts.collect();
        self.required.contains(&family)
            && (1..=2).contains(&numbers.len())
            && numbers.iter().all(|n| {
                !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())
            })
    }

    /// The text of the map.
    pub fn read_map(&self) -> String {
        fs::read_to_string(workspace_root().join(self.map))
            .unwrap_or_else(|e| panic!("{} exists: {e}", self.map))
    }

    /// Everything wrong with `map` (this regime's map, or a changed copy),
    /// read against the sources under `root`.
    pub fn problems(&self, map: &str, root: &Path) -> Vec<String> {
        check(self, map, root)
    }
}

/// ETSI EN 303 645 V3.1.3, `docs/PROVISIONS.md`.
pub const EN_303_645: Regime = Regime {
    name: "EN 303 645 V3.1.3",
    map: "docs/PROVISIONS.md",
    required: &PROVISION_IDS,
    requirement_rows: false,
};

/// EN 18031-1/-2/-3 by requirement family, `docs/EN18031.md`.
pub const EN_18031: Regime = Regime {
    name: "EN 18031-1/-2/-3",
    map: "docs/EN18031.md",
    required: &EN18031_FAMILIES,
    requirement_rows: true,
};

/// Cyber Resilience Act Annex I, `docs/CRA.md`.
pub const CRA: Regime = Regime {
    name: "Cyber Resilience Act Annex I",
    map: "docs/CRA.md",
    required: &CRA_ITEMS,
    requirement_rows: false,
};

/// UK PSTI Schedule 1, `docs/PSTI.md`.
pub const PSTI: Regime = Regime {
    name: "UK PSTI Schedule 1",
    map: "docs/PSTI.md",
    required: &PSTI_ITEMS,
    requirement_rows: false,
};

/// NISTIR 8425 device capabilities, `docs/NISTIR8425.md`.
pub const NISTIR_8425: Regime = Regime {
    name: "NISTIR 8425",
    map: "docs/NISTIR8425.md",
    required: &NISTIR_8425_ITEMS,
    requirement_rows: false,
};

/// Every regime with a map.
pub const REGIMES: [Regime; 5] = [EN_303_645, EN_18031, CRA, PSTI, NISTIR_8425];

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

/// Parses a map's table: every six-cell row but the header and its rule.
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
            if *id == "ID" || id.starts_with("---") {
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

/// Everything wrong with `map` as the EN 303 645 map, read against the
/// sources under `root` (`EN_303_645.problems(map, root)`).
pub fn problems(map: &str, root: &Path) -> Vec<String> {
    EN_303_645.problems(map, root)
}

fn check(regime: &Regime, map: &str, root: &Path) -> Vec<String> {
    let rows = parse_rows(map);
    let mut problems = Vec::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &rows {
        *seen.entry(row.id.as_str()).or_default() += 1;
        if !regime.knows(&row.id) {
            problems.push(format!("{}: not an item of {}", row.id, regime.name));
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
    for &id in regime.required {
        if !seen.contains_key(id) {
            problems.push(format!("{id}: missing from the map"));
        }
    }
    for (id, n) in &seen {
        if *n > 1 {
            problems.push(format!("{id}: listed {n} times"));
        }
    }
    problems
}

/// The text of `docs/PROVISIONS.md`.
pub fn the_map() -> String {
    EN_303_645.read_map()
}
