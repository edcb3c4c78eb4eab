//! Metadata made by python-tuf (the reference implementation) verifies:
//! the repository of the `update_refresh_1k` bench, written by
//! `benches/fixtures/tuf-1k/make_repo.py` (consistent snapshots, 8
//! delegated roles with path patterns, 1,000 targets).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::path::Path;

use iot_update::{DirectoryStore, Error, FileTransport, FixedClock, MetadataStore, Updater};

#[test]
fn a_python_tuf_repository_refreshes_and_every_delegated_role_verifies() {
    // canonical: the file transport refuses `..` segments
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../benches/fixtures/tuf-1k/metadata")
        .canonicalize()
        .unwrap();
    let client = tempfile::tempdir().unwrap();
    let mut store = DirectoryStore::open(client.path()).unwrap();
    store
        .store("root", &std::fs::read(fixture.join("root.json")).unwrap())
        .unwrap();
    let mut updater = Updater::builder(fixture.to_str().unwrap(), FileTransport::new(), store)
        .clock(FixedClock(1_893_456_000))
        .build();
    updater.refresh().unwrap();
    for i in [0, 1, 2, 3, 4, 5, 6, 7, 500, 999] {
        let info = updater
            .target(&format!("role-{}/file-{i:04}.bin", i % 8))
            .unwrap();
        assert_eq!(info.length(), format!("target {i}\n").len() as u64);
    }
    // a path no role is trusted for
    assert_eq!(
        updater.target("role-1/file-0000.bin").unwrap_err(),
        Error::TargetNotFound
    );
    // after 2040-01-01 the same metadata has expired
    let mut late = Updater::builder(
        fixture.to_str().unwrap(),
        FileTransport::new(),
        DirectoryStore::open(client.path()).unwrap(),
    )
    .clock(FixedClock(2_209_000_000))
    .build();
    assert!(matches!(late.refresh().unwrap_err(), Error::Expired { .. }));
}
