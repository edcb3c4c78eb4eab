//! The client workflow end to end over the file transport: refresh,
//! search, verified download, the cache, consistent snapshots, custom
//! metadata, and the trusted state the store keeps.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod support;

use iot_update::serde_json::json;
use iot_update::{Error, Role};
use support::Repo;

#[test]
fn refresh_then_download_a_verified_target_with_its_custom_metadata() {
    let mut repo = Repo::new();
    repo.add_target(
        "targets",
        "fw/image.bin",
        b"firmware v2",
        Some(json!({"security_counter": 7})),
    );
    repo.bump();
    let mut updater = repo.updater();
    updater.refresh().unwrap();
    assert_eq!(repo.trusted_version("timestamp"), Some(2));
    assert_eq!(repo.trusted_version("snapshot"), Some(2));
    assert_eq!(repo.trusted_version("targets"), Some(2));
    let info = updater.target("fw/image.bin").unwrap();
    assert_eq!(info.length(), 11);
    let verified = updater
        .download_target(&info, &repo.path("download"))
        .unwrap();
    assert!(verified.was_downloaded());
    assert_eq!(verified.custom().unwrap()["security_counter"], 7);
    assert_eq!(std::fs::read(verified.file()).unwrap(), b"firmware v2");
    assert_eq!(verified.file().file_name().unwrap(), "fw%2Fimage.bin");
}

#[test]
fn a_verified_target_in_place_is_not_fetched_again() {
    let mut repo = Repo::new();
    repo.add_target("targets", "a.txt", b"content", None);
    repo.bump();
    let mut updater = repo.updater();
    updater.refresh().unwrap();
    let info = updater.target("a.txt").unwrap();
    assert!(
        updater
            .download_target(&info, &repo.path("download"))
            .unwrap()
            .was_downloaded()
    );
    // Remove it from the repository: a second download must not need it.
    std::fs::remove_file(repo.path("targets/a.txt")).unwrap();
    let again = updater
        .download_target(&info, &repo.path("download"))
        .unwrap();
    assert!(!again.was_downloaded());
    // A tampered local copy is replaced... and here cannot be, so it fails.
    std::fs::write(again.file(), b"tampered").unwrap();
    assert!(matches!(
        updater.download_target(&info, &repo.path("download")),
        Err(Error::Fetch { .. })
    ));
}

#[test]
fn consistent_snapshots_fetch_versioned_metadata_and_hash_prefixed_targets() {
    let mut repo = Repo::new();
    repo.consistent = true;
    repo.rotate_root(&[]);
    repo.add_target("targets", "dir/t.bin", b"consistent", None);
    repo.bump();
    // Only the versioned names may be used: remove the plain ones.
    std::fs::remove_file(repo.path("metadata/snapshot.json")).unwrap();
    std::fs::remove_file(repo.path("metadata/targets.json")).unwrap();
    std::fs::remove_file(repo.path("targets/dir/t.bin")).unwrap();
    let mut updater = repo.updater();
    updater.refresh().unwrap();
    let info = updater.target("dir/t.bin").unwrap();
    let verified = updater
        .download_target(&info, &repo.path("download"))
        .unwrap();
    assert_eq!(std::fs::read(verified.file()).unwrap(), b"consistent");
}

#[test]
fn unknown_targets_and_calls_out_of_order_are_errors() {
    let repo = Repo::new();
    let mut updater = repo.updater();
    assert_eq!(
        updater.target("x").unwrap_err(),
        Error::Order { missing: "refresh" }
    );
    updater.refresh().unwrap();
    assert_eq!(updater.target("x").unwrap_err(), Error::TargetNotFound);
}

#[test]
fn without_a_trusted_root_nothing_happens() {
    let repo = Repo::new();
    std::fs::remove_file(repo.path("client/root.json")).unwrap();
    assert_eq!(repo.updater().refresh().unwrap_err(), Error::NoTrustedRoot);
    std::fs::write(repo.path("client/root.json"), b"{").unwrap();
    assert!(matches!(
        repo.updater().refresh().unwrap_err(),
        Error::Malformed {
            role: Role::Root,
            ..
        }
    ));
}

#[test]
fn root_rotation_walks_every_version_and_stores_the_last() {
    let mut repo = Repo::new();
    for _ in 0..3 {
        let old = std::mem::replace(&mut repo.root_keys, vec![support::Key::new()]);
        repo.rotate_root(&old.iter().collect::<Vec<_>>());
    }
    repo.bump();
    repo.updater().refresh().unwrap();
    assert_eq!(repo.trusted_version("root"), Some(4));
}

#[test]
fn root_rotation_is_bounded() {
    let mut repo = Repo::new();
    for _ in 0..5 {
        repo.rotate_root(&[]);
    }
    let limits = iot_update::Limits::default().with_max_root_rotations(2);
    let mut updater = iot_update::Updater::builder(
        repo.path("metadata").to_str().unwrap(),
        iot_update::FileTransport::new(),
        repo.store(),
    )
    .limits(limits)
    .clock(iot_update::FixedClock(support::NOW))
    .build();
    updater.refresh().unwrap();
    assert_eq!(repo.trusted_version("root"), Some(3));
}
