//! The evidence pack of `examples/conformance_evidence.rs` is nothing typed by
//! hand: for each section, changing one setting of the crate behind it
//! changes that section and no other. Also: the pack is written, every
//! section names a known EN 18031 family and EN 303 645 provisions that the
//! provision map does not classify out of scope.

#![cfg(test)]

// The example is compiled a second time as a module of this test: its `main`
// is unused here and its `pub` items are the interface the tests use.
#[allow(dead_code, unreachable_pub)]
#[path = "../conformance_evidence.rs"]
mod conformance_evidence;

use std::time::Duration;

use conformance_evidence::{Evidence, FAMILIES, Fixture, Settings, collect};
use iot_comm::Profile;
use iot_creds::{GeneratorConfig, HashParams, ThrottleConfig};
use iot_input::json;
use iot_storage::Algorithm;
use iot_testkit::provision_map::{EN_303_645, EN18031_FAMILIES, parse_rows};

fn evidence(settings: &Settings, fixture: &Fixture) -> Evidence {
    let dir = tempfile::tempdir().unwrap();
    collect(settings, fixture, dir.path()).unwrap()
}

/// The keys of the sections that differ between the sample and `changed`.
fn changed_sections(fixture: &Fixture, base: &Evidence, changed: &Settings) -> Vec<&'static str> {
    let other = evidence(changed, fixture);
    assert_eq!(base.sections.len(), other.sections.len());
    base.sections
        .iter()
        .zip(&other.sections)
        .filter(|(a, b)| {
            assert_eq!(a.key, b.key);
            a != b
        })
        .map(|(a, _)| a.key)
        .collect()
}

#[test]
fn each_section_changes_alone_when_its_crate_setting_changes() {
    let fixture = Fixture::new();
    let base = evidence(&Settings::default(), &fixture);
    // The same settings give the same sections: only `run` may differ.
    assert_eq!(
        changed_sections(&fixture, &base, &Settings::default()),
        Vec::<&str>::new()
    );

    let one_change: [(&str, Settings); 9] = [
        (
            "tls",
            Settings {
                client_profile: Profile::Intermediate,
                ..Settings::default()
            },
        ),
        (
            "tls",
            Settings {
                server_profile: Profile::Intermediate,
                ..Settings::default()
            },
        ),
        (
            "storage",
            Settings {
                storage_algorithm: Algorithm::ChaCha20Poly1305,
                ..Settings::default()
            },
        ),
        (
            "storage",
            Settings {
                rollback_counter: false,
                ..Settings::default()
            },
        ),
        (
            "passwords",
            Settings {
                generator: GeneratorConfig::new().with_length(20),
                ..Settings::default()
            },
        ),
        (
            "hashing",
            Settings {
                hash: HashParams::insecure_low_cost(8 * 1024, 1, 1).unwrap(),
                ..Settings::default()
            },
        ),
        (
            "throttle",
            Settings {
                throttle: ThrottleConfig::new()
                    .with_delays(Duration::from_secs(2), Duration::from_secs(600)),
                ..Settings::default()
            },
        ),
        (
            "input",
            Settings {
                json_limits: json::Limits::default().max_depth(8),
                ..Settings::default()
            },
        ),
        (
            "update",
            Settings {
                update_limits: iot_update::Limits::default().with_max_delegations(64),
                ..Settings::default()
            },
        ),
    ];
    for (section, settings) in one_change {
        assert_eq!(
            changed_sections(&fixture, &base, &settings),
            vec![section],
            "{settings:?}"
        );
    }
    let erase = Settings {
        erase_dirs: vec!["user", "recordings"],
        ..Settings::default()
    };
    assert_eq!(changed_sections(&fixture, &base, &erase), vec!["erase"]);
}

#[test]
fn the_facts_are_the_crates_reports() {
    let fixture = Fixture::new();
    let pack = evidence(&Settings::default(), &fixture).to_json();
    let section = |key: &str| {
        pack["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .unwrap_or_else(|| panic!("no section {key}"))["facts"]
            .clone()
    };
    let tls = section("tls");
    assert_eq!(
        tls["client"]["protocol_versions"],
        serde_json::json!(["TLSv1.3"])
    );
    assert_eq!(tls["server"]["side"], "server");
    assert_eq!(section("storage")["detects_whole_store_rollback"], true);
    assert_eq!(section("passwords")["mode"], "random");
    assert!(section("passwords")["entropy_bits"].as_f64().unwrap() >= 64.0);
    assert_eq!(
        section("hashing")["parameters"],
        HashParams::default().to_string()
    );
    assert_eq!(section("erase")["complete"], true);
    // The receipt's random id is under `run`, not in a section.
    assert!(pack["run"]["erase_receipt_id"].is_string());
    assert!(
        !section("erase")["receipt"]
            .as_object()
            .unwrap()
            .contains_key("id")
    );
    // No temporary path leaks into the pack.
    assert!(
        !pack
            .to_string()
            .contains(&std::env::temp_dir().display().to_string())
    );
}

#[test]
fn every_section_names_a_known_family_and_provisions_the_map_does_not_rule_out() {
    let fixture = Fixture::new();
    let pack = evidence(&Settings::default(), &fixture);
    let rows = parse_rows(&EN_303_645.read_map());
    for section in &pack.sections {
        assert!(
            EN18031_FAMILIES.contains(&section.family),
            "{}",
            section.key
        );
        assert!(FAMILIES.iter().any(|(code, _)| *code == section.family));
        assert!(!section.en303645.is_empty(), "{}", section.key);
        for id in section.en303645 {
            let row = rows
                .iter()
                .find(|r| r.id == *id)
                .unwrap_or_else(|| panic!("{id}"));
            assert_ne!(row.classification, "out of scope", "{}: {id}", section.key);
        }
    }
}

#[test]
fn the_pack_is_written_as_markdown_and_json() {
    let fixture = Fixture::new();
    let pack = evidence(&Settings::default(), &fixture);
    let out = tempfile::tempdir().unwrap();
    pack.write(out.path()).unwrap();
    let md = std::fs::read_to_string(out.path().join("evidence.md")).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("evidence.json")).unwrap())
            .unwrap();
    for section in &pack.sections {
        assert!(md.contains(&format!("### {}", section.title)));
    }
    for (code, _) in FAMILIES {
        assert!(md.contains(&format!("## EN 18031 {code}")));
    }
    assert_eq!(
        json["sections"].as_array().unwrap().len(),
        pack.sections.len()
    );
}
