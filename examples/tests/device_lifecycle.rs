//! Runs the `device_lifecycle` example's own code, so `cargo test` fails
//! when the demonstration stops working (each step checks its outcome and
//! `run` reports failure if any step did not do what it claims).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

#[path = "../device_lifecycle.rs"]
#[allow(dead_code)] // the example's `main` is not called here
mod device_lifecycle;

#[test]
fn device_lifecycle_runs_every_step_in_a_temporary_directory() {
    assert!(device_lifecycle::run(None).unwrap());
}

#[test]
fn device_lifecycle_keeps_its_files_with_dir_and_leaves_only_the_factory_state() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("device");
    assert!(device_lifecycle::run(Some(dir.clone())).unwrap());
    // After the factory reset: the factory store and the simulated hardware
    // remain, the erase root is empty but for the new, empty user store.
    assert!(dir.join("factory-store").is_dir());
    assert!(dir.join("hardware/root.key").is_file());
    // The erase keeps its (empty, 0600) lock file under the root.
    let mut left: Vec<_> = std::fs::read_dir(dir.join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, [".iot-erase-lock", "secrets"], "{left:?}");
    assert!(!dir.join("data/user").exists());
    // A second run refuses a directory that is not empty.
    assert!(device_lifecycle::run(Some(dir)).is_err());
}
