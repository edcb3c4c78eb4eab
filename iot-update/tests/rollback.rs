//! Rollback attacks (TUF 5.3.5, 5.4.3, 5.5.5, 5.6.4 analogues): a
//! repository or mirror that serves older metadata than the device trusts
//! is refused, and the trusted copies stay.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod support;

use iot_update::{Error, Role, VersionRule};
use support::{Repo, restore, snapshot_dir};

#[test]
fn an_older_timestamp_is_refused() {
    let mut repo = Repo::new();
    let old = snapshot_dir(&repo);
    repo.bump();
    repo.updater().refresh().unwrap();
    restore(&repo, &old, &["timestamp.json"]);
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Version {
            role: Role::Timestamp,
            rule: VersionRule::Rollback
        }
    );
    assert_eq!(repo.trusted_version("timestamp"), Some(2));
}

#[test]
fn a_timestamp_listing_an_older_snapshot_is_refused() {
    let mut repo = Repo::new();
    repo.bump();
    repo.updater().refresh().unwrap();
    repo.snapshot_version = 1;
    repo.timestamp_version = 3;
    repo.publish();
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Version {
            role: Role::Timestamp,
            rule: VersionRule::ListedSnapshotRollback
        }
    );
    assert_eq!(repo.trusted_version("timestamp"), Some(2));
}

#[test]
fn a_snapshot_listing_an_older_targets_is_refused() {
    let mut repo = Repo::new();
    repo.bump();
    repo.updater().refresh().unwrap();
    repo.roles.get_mut("targets").unwrap().0 = 1;
    repo.snapshot_version = 3;
    repo.timestamp_version = 3;
    repo.publish();
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Version {
            role: Role::Snapshot,
            rule: VersionRule::ListedTargetsRollback
        }
    );
    assert_eq!(repo.trusted_version("snapshot"), Some(2));
}

#[test]
fn a_root_that_skips_a_version_is_refused() {
    let mut repo = Repo::new();
    repo.root_version = 2;
    let root3 = {
        repo.root_version = 2;
        support::sign(
            &{
                let mut v = repo.root_signed();
                v["version"] = 3.into();
                v
            },
            &repo.root_keys.iter().collect::<Vec<_>>(),
        )
    };
    repo.write("2.root.json", &root3);
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Version {
            role: Role::Root,
            rule: VersionRule::RootNotSuccessor
        }
    );
    assert_eq!(repo.trusted_version("root"), Some(1));
}

#[test]
fn targets_that_differ_from_the_listed_version_are_refused() {
    let mut repo = Repo::new();
    repo.bump();
    // targets.json v2 is replaced by v1 while snapshot lists v2
    let v1 = repo.path("metadata/1.targets.json");
    std::fs::copy(v1, repo.path("metadata/targets.json")).unwrap();
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Version {
            role: Role::Targets,
            rule: VersionRule::NotAsListed
        }
    );
}
