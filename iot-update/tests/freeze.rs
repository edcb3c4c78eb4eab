//! Freeze attacks and the clock: expired metadata is never final, and a
//! clock below the floor refuses to judge expiry at all.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod support;

use iot_update::{Clock, Error, FileTransport, Role, Updater};
use support::{NOW, PAST, Repo};

#[test]
fn expired_timestamp_snapshot_and_targets_are_refused() {
    let mut repo = Repo::new();
    repo.expires = PAST.into();
    repo.bump();
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Expired {
            role: Role::Timestamp
        }
    );
    assert_eq!(repo.trusted_version("timestamp"), None);
}

#[test]
fn an_expired_final_root_is_refused_but_an_expired_intermediate_root_is_not() {
    let mut repo = Repo::new();
    repo.root_expires = PAST.into();
    repo.rotate_root(&[]);
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Expired { role: Role::Root }
    );
    // The expired v2 is trusted as a step; a fresh v3 lets the refresh pass.
    assert_eq!(repo.trusted_version("root"), Some(2));
    repo.root_expires = support::FUTURE.into();
    repo.rotate_root(&[]);
    repo.updater().refresh().unwrap();
    assert_eq!(repo.trusted_version("root"), Some(3));
}

#[test]
fn metadata_expiring_exactly_now_is_expired() {
    let repo = Repo::new();
    let expires = iot_update_expiry(support::FUTURE);
    assert_eq!(
        repo.updater_at(expires).refresh().unwrap_err(),
        Error::Expired { role: Role::Root }
    );
    repo.updater_at(expires - 1).refresh().unwrap();
}

fn iot_update_expiry(s: &str) -> i64 {
    // 2031-01-01T00:00:00Z
    assert_eq!(s, "2031-01-01T00:00:00Z");
    1_924_992_000
}

struct NoClock;
impl Clock for NoClock {
    fn now_unix(&self) -> Option<i64> {
        None
    }
}

#[test]
fn a_clock_before_the_floor_or_without_a_reading_refuses_the_refresh() {
    let repo = Repo::new();
    // a device that booted in 1970
    assert_eq!(
        repo.updater_at(0).refresh().unwrap_err(),
        Error::ClockBeforeFloor
    );
    let mut updater = Updater::builder(
        repo.path("metadata").to_str().unwrap(),
        FileTransport::new(),
        repo.store(),
    )
    .clock(NoClock)
    .build();
    assert_eq!(updater.refresh().unwrap_err(), Error::ClockUnavailable);
    // a floor set to the firmware's build time
    let mut updater = Updater::builder(
        repo.path("metadata").to_str().unwrap(),
        FileTransport::new(),
        repo.store(),
    )
    .clock(iot_update::FixedClock(NOW))
    .clock_floor(NOW + 1)
    .build();
    assert_eq!(updater.refresh().unwrap_err(), Error::ClockBeforeFloor);
    // The conformance suite fakes 2025-02-09: the default floor is earlier.
    const { assert!(Updater::DEFAULT_CLOCK_FLOOR <= 1_739_059_200) };
}
