//! Length and hash checks: mix-and-match, endless data, arbitrary
//! software, and targets that are never visible before verification.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod support;

use std::cell::Cell;
use std::rc::Rc;

use iot_update::{Error, IntegrityRule, Role, Subject};
use support::Repo;

#[test]
fn a_snapshot_that_does_not_match_the_timestamp_hash_is_refused() {
    let mut repo = Repo::new();
    repo.bump();
    // same length, one byte different: a mix-and-match of another snapshot
    let mut data = std::fs::read(repo.path("metadata/snapshot.json")).unwrap();
    let last = data.len() - 3;
    data[last] ^= 0x01;
    repo.write("snapshot.json", &data);
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Integrity {
            of: Subject::Metadata(Role::Snapshot),
            rule: IntegrityRule::Hash
        }
    );
}

#[test]
fn endless_metadata_is_cut_at_its_bound() {
    let repo = Repo::new();
    let huge = vec![b' '; 20_000];
    repo.write("timestamp.json", &huge);
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Integrity {
            of: Subject::Metadata(Role::Timestamp),
            rule: IntegrityRule::TooLong
        }
    );
}

fn one_target(content: &[u8]) -> Repo {
    let mut repo = Repo::new();
    repo.add_target("targets", "t.bin", content, None);
    repo.bump();
    repo
}

#[test]
fn a_target_with_the_wrong_hash_length_or_an_endless_body_is_refused_and_never_in_place() {
    for (served, rule) in [
        (&b"evil!"[..], IntegrityRule::Hash),
        (&b"good"[..], IntegrityRule::Length),
        (&b"good and then some more"[..], IntegrityRule::Length),
    ] {
        let repo = one_target(b"good!");
        std::fs::write(repo.path("targets/t.bin"), served).unwrap();
        let mut updater = repo.updater();
        updater.refresh().unwrap();
        let info = updater.target("t.bin").unwrap();
        let err = updater
            .download_target(&info, &repo.path("download"))
            .unwrap_err();
        assert_eq!(
            err,
            Error::Integrity {
                of: Subject::Target,
                rule
            }
        );
        assert_eq!(
            std::fs::read_dir(repo.path("download")).unwrap().count(),
            0,
            "no file, no temporary"
        );
    }
}

#[test]
fn an_unknown_hash_algorithm_is_refused() {
    let mut repo = Repo::new();
    repo.add_target("targets", "t.bin", b"x", None);
    let file = &mut repo.roles.get_mut("targets").unwrap().1["t.bin"];
    let h = file["hashes"]["sha256"].clone();
    file["hashes"] = iot_update::serde_json::json!({"sha256": h, "md5": "00"});
    repo.bump();
    let mut updater = repo.updater();
    updater.refresh().unwrap();
    let info = updater.target("t.bin").unwrap();
    assert_eq!(
        updater
            .download_target(&info, &repo.path("download"))
            .unwrap_err(),
        Error::Integrity {
            of: Subject::Target,
            rule: IntegrityRule::UnknownHashAlgorithm
        }
    );
}

#[test]
fn a_target_longer_than_the_configured_bound_is_not_fetched() {
    let repo = one_target(b"0123456789");
    let mut updater = iot_update::Updater::builder(
        repo.path("metadata").to_str().unwrap(),
        iot_update::FileTransport::new(),
        repo.store(),
    )
    .targets_url(repo.path("targets").to_str().unwrap())
    .clock(iot_update::FixedClock(support::NOW))
    .limits(iot_update::Limits::default().with_max_target_length(9))
    .build();
    updater.refresh().unwrap();
    let info = updater.target("t.bin").unwrap();
    assert_eq!(
        updater
            .download_target(&info, &repo.path("download"))
            .unwrap_err(),
        Error::Integrity {
            of: Subject::Target,
            rule: IntegrityRule::TooLong
        }
    );
}

/// The target is never visible at its final path before it is verified:
/// at the last moment before the rename, the final path does not exist and
/// the hashed bytes are in a hidden temporary file in the same directory.
#[test]
fn a_target_is_never_visible_at_its_final_path_before_verification() {
    let content = vec![7u8; 300_000];
    let repo = one_target(&content);
    let seen = Rc::new(Cell::new(false));
    let seen_in_hook = Rc::clone(&seen);
    let download = repo.path("download");
    iot_update::hooks::__before_rename(Some(Box::new(move |tmp, final_path| {
        assert!(!final_path.exists(), "final path visible before the rename");
        assert_eq!(tmp.parent(), final_path.parent());
        assert!(tmp.file_name().unwrap().to_str().unwrap().starts_with('.'));
        assert_eq!(std::fs::metadata(tmp).unwrap().len(), 300_000);
        seen_in_hook.set(true);
    })));
    let mut progress = Vec::new();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut updater = iot_update::Updater::builder(
        repo.path("metadata").to_str().unwrap(),
        iot_update::FileTransport::new(),
        repo.store(),
    )
    .targets_url(repo.path("targets").to_str().unwrap())
    .clock(iot_update::FixedClock(support::NOW))
    .on_progress(move |p| tx.send(*p).unwrap())
    .build();
    updater.refresh().unwrap();
    let info = updater.target("t.bin").unwrap();
    let verified = updater.download_target(&info, &download).unwrap();
    iot_update::hooks::__before_rename(None);
    assert!(seen.get());
    assert_eq!(std::fs::read(verified.file()).unwrap(), content);
    progress.extend(rx.try_iter());
    assert_eq!(
        progress.last().map(|p| (p.received, p.total)),
        Some((300_000, 300_000))
    );
    assert!(progress.windows(2).all(|w| w[0].received < w[1].received));
}
