//! Runs the `update_device` example's own code, so `cargo test` fails when
//! the demonstration stops working (each step checks its outcome and `run`
//! fails if any step did not do what it claims), and checks its committed
//! TUF repository fixture.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

#[path = "../update_device.rs"]
#[allow(dead_code)] // the example's `main` is not called here
mod update_device;

use iot_update::{EnvLocation, UBootEnv};

#[test]
fn update_device_runs_every_step_in_a_temporary_directory() {
    assert!(update_device::run(None).unwrap());
}

#[test]
fn update_device_leaves_slot_b_confirmed_with_the_counter_at_2() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("device");
    assert!(update_device::run(Some(dir.clone())).unwrap());
    let env = UBootEnv::redundant(
        EnvLocation::new(dir.join("uboot-env.0"), 0, 0x4000),
        EnvLocation::new(dir.join("uboot-env.1"), 0, 0x4000),
    )
    .unwrap();
    let vars = env.read().unwrap();
    assert_eq!(vars["BOOT_ORDER"], "B A");
    assert_eq!(vars.get("IOT_TRIAL"), None);
    assert_eq!(vars["IOT_B_VERSION"], "2.0.0");
    assert!(
        std::fs::read(dir.join("slot-b.img"))
            .unwrap()
            .starts_with(b"ACME cam-3000 firmware 2.0.0\n")
    );
    // A second run refuses a directory that is not empty.
    assert!(update_device::run(Some(dir)).is_err());
}

#[test]
fn the_committed_repository_expires_no_earlier_than_2036() {
    let metadata =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/update-repo/metadata");
    let mut seen = 0;
    for entry in std::fs::read_dir(metadata).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let expires = v["signed"]["expires"].as_str().unwrap();
        // RFC 3339 in UTC: the year is the first four characters
        let year: u32 = expires[..4].parse().unwrap();
        assert!(year >= 2036, "{expires}");
        seen += 1;
    }
    assert_eq!(seen, 5);
}
