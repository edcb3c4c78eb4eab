//! Delegations: pre-order depth-first search in order of appearance, path
//! patterns, terminating roles, the delegation bound, and a role reached
//! through a second delegator verified again against that delegator.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod support;

use iot_update::{Error, Limits, Role};
use support::Repo;

#[test]
fn search_is_ordered_depth_first_and_follows_only_matching_paths() {
    let mut repo = Repo::new();
    repo.delegate("targets", "A", &["*.md"], false);
    repo.delegate("targets", "B", &["releases/*/*"], false);
    repo.delegate("B", "C", &["releases/x/*"], false);
    repo.delegate("B", "D", &["releases/*/*"], false);
    repo.add_target("A", "README.md", b"by A", None);
    repo.add_target("C", "releases/x/v1", b"by C", None);
    repo.add_target("D", "releases/x/v1", b"by D (shadowed by C)", None);
    repo.add_target("D", "releases/y/v1", b"by D", None);
    repo.bump();
    let mut updater = repo.updater();
    updater.refresh().unwrap();
    assert_eq!(updater.target("README.md").unwrap().length(), 4);
    assert_eq!(updater.target("releases/x/v1").unwrap().length(), 4);
    assert_eq!(updater.target("releases/y/v1").unwrap().length(), 4);
    // `*` does not match a separator
    assert_eq!(
        updater.target("docs/README.md").unwrap_err(),
        Error::TargetNotFound
    );
    // only the roles on the search path were fetched
    for role in ["A", "B", "C", "D"] {
        assert_eq!(repo.trusted_version(role), Some(2), "{role}");
    }
}

#[test]
fn a_terminating_delegation_stops_the_search() {
    let mut repo = Repo::new();
    repo.delegate("targets", "T", &["*"], true);
    repo.delegate("targets", "later", &["*"], false);
    repo.add_target("later", "file", b"never reached", None);
    repo.bump();
    let mut updater = repo.updater();
    updater.refresh().unwrap();
    assert_eq!(updater.target("file").unwrap_err(), Error::TargetNotFound);
    assert_eq!(repo.trusted_version("later"), None);
}

#[test]
fn the_number_of_visited_roles_is_bounded() {
    let mut repo = Repo::new();
    let mut parent = "targets".to_owned();
    for i in 0..6 {
        let child = format!("r{i}");
        repo.delegate(&parent, &child, &["*"], false);
        parent = child;
    }
    repo.add_target(&parent, "deep", b"deep", None);
    repo.bump();
    let mut updater = iot_update::Updater::builder(
        repo.path("metadata").to_str().unwrap(),
        iot_update::FileTransport::new(),
        repo.store(),
    )
    .clock(iot_update::FixedClock(support::NOW))
    .limits(Limits::default().with_max_delegations(3))
    .build();
    updater.refresh().unwrap();
    assert_eq!(updater.target("deep").unwrap_err(), Error::TargetNotFound);
    let mut updater = repo.updater();
    updater.refresh().unwrap();
    assert_eq!(updater.target("deep").unwrap().length(), 4);
}

/// The conformance suite's `test_cached_role_is_verified_against_current_delegator`
/// (python-tuf and go-tuf fail it): `release` is delegated by `a` and by
/// `b` with different keys and signed only with `a`'s; reached through `b`
/// it must fail, even though it is already loaded through `a`.
#[test]
fn a_cached_role_is_verified_again_for_another_delegator() {
    let mut repo = Repo::new();
    repo.delegate("targets", "a", &["team-a/*"], false);
    repo.delegate("targets", "b", &["team-b/*"], false);
    repo.delegate("a", "release", &["team-a/*"], false);
    // b delegates `release` to another key
    repo.delegate("b", "release-b-key", &["team-b/*"], false);
    let d = &mut repo.roles.get_mut("b").unwrap().2;
    d["roles"][0]["name"] = "release".into();
    repo.roles.remove("release-b-key");
    repo.add_target("release", "team-a/x", b"trusted A", None);
    repo.add_target("release", "team-b/x", b"malicious B", None);
    repo.bump();
    let mut updater = repo.updater();
    updater.refresh().unwrap();
    assert_eq!(updater.target("team-a/x").unwrap().length(), 9);
    assert!(matches!(
        updater.target("team-b/x").unwrap_err(),
        Error::Threshold {
            role: Role::Delegated,
            signed: 0,
            threshold: 1
        }
    ));
}

#[test]
fn a_delegated_role_missing_from_snapshot_is_an_error() {
    let mut repo = Repo::new();
    repo.delegate("targets", "ghost", &["*"], false);
    repo.bump();
    // publish a snapshot without the role
    repo.roles.remove("ghost");
    let delegations = repo.roles["targets"].2.clone();
    repo.bump();
    repo.roles.get_mut("targets").unwrap().2 = delegations;
    repo.roles.get_mut("targets").unwrap().0 += 1;
    repo.publish();
    let mut updater = repo.updater();
    updater.refresh().unwrap();
    assert_eq!(
        updater.target("x").unwrap_err(),
        Error::NotInSnapshot {
            role: Role::Delegated
        }
    );
}
