//! The trusted metadata set: every check of the client workflow that does not
//! need I/O (TUF specification 5.3 to 5.6; python-tuf's `TrustedMetadataSet`).
//!
//! Rules:
//! * metadata loads in order root → timestamp → snapshot → targets →
//!   delegated targets;
//! * intermediate metadata (expired, or a snapshot that does not match the
//!   timestamp) is kept only to check rollback of its successor: it never
//!   lets a later role load;
//! * a role never loads when a role after it in that order is loaded.

use std::collections::{BTreeMap, BTreeSet};

use crate::crypto::MultiHasher;
use crate::error::{Error, IntegrityRule, Role, Subject, VersionRule};
use crate::metadata::{
    Envelope, Keys, MetaFile, RoleKeys, RootMd, SnapshotMd, TargetsMd, TimestampMd,
    verify_threshold,
};

/// A verified targets role, with what is needed to verify it again for
/// another delegator.
#[derive(Debug)]
pub(crate) struct CachedTargets {
    pub(crate) md: TargetsMd,
    canonical: Vec<u8>,
    signatures: BTreeMap<String, Option<Vec<u8>>>,
    verified_by: BTreeSet<String>,
}

/// What a timestamp update did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TimestampUpdate {
    /// The new timestamp is now trusted.
    Updated,
    /// It has the trusted version: nothing changed.
    Unchanged,
}

#[derive(Debug)]
pub(crate) struct TrustedSet {
    now: i64,
    root: RootMd,
    timestamp: Option<TimestampMd>,
    snapshot: Option<SnapshotMd>,
    targets: BTreeMap<String, CachedTargets>,
}

fn order(missing: &'static str) -> Error {
    Error::Order { missing }
}

impl TrustedSet {
    /// Loads the trusted root; it must be signed by its own threshold. An
    /// expired root is accepted here: expiry is checked on the final root.
    pub(crate) fn new(root: &[u8], now: i64) -> Result<TrustedSet, Error> {
        let env = Envelope::parse(root, Role::Root)?;
        let md = RootMd::parse(&env)?;
        verify_threshold(Role::Root, &md.keys, &md.root, &env)?;
        Ok(TrustedSet {
            now,
            root: md,
            timestamp: None,
            snapshot: None,
            targets: BTreeMap::new(),
        })
    }

    pub(crate) fn root_version(&self) -> u64 {
        self.root.common.version
    }

    pub(crate) fn consistent_snapshot(&self) -> bool {
        self.root.consistent_snapshot
    }

    pub(crate) fn timestamp(&self) -> Option<&MetaFile> {
        self.timestamp.as_ref().map(|t| &t.snapshot)
    }

    pub(crate) fn snapshot_meta(&self, role: &str) -> Option<&MetaFile> {
        self.snapshot.as_ref()?.meta.get(&format!("{role}.json"))
    }

    pub(crate) fn targets(&self, role: &str) -> Option<&TargetsMd> {
        self.targets.get(role).map(|c| &c.md)
    }

    /// Verifies `data` as root version N+1: signed by the threshold of the
    /// trusted root and by its own threshold.
    pub(crate) fn update_root(&mut self, data: &[u8]) -> Result<(), Error> {
        if self.timestamp.is_some() {
            return Err(order("root before timestamp"));
        }
        let role = Role::Root;
        let env = Envelope::parse(data, role)?;
        let md = RootMd::parse(&env)?;
        verify_threshold(role, &self.root.keys, &self.root.root, &env)?;
        if md.common.version != self.root.common.version.saturating_add(1) {
            return Err(Error::Version {
                role,
                rule: VersionRule::RootNotSuccessor,
            });
        }
        verify_threshold(role, &md.keys, &md.root, &env)?;
        self.root = md;
        Ok(())
    }

    /// Verifies `data` as timestamp. An expired timestamp is kept as
    /// intermediate (for the rollback check of the next one) and
    /// `Error::Expired` returned.
    pub(crate) fn update_timestamp(&mut self, data: &[u8]) -> Result<TimestampUpdate, Error> {
        if self.snapshot.is_some() {
            return Err(order("timestamp before snapshot"));
        }
        if self.root.common.expires <= self.now {
            return Err(Error::Expired { role: Role::Root });
        }
        let role = Role::Timestamp;
        let env = Envelope::parse(data, role)?;
        let md = TimestampMd::parse(&env)?;
        verify_threshold(role, &self.root.keys, &self.root.timestamp, &env)?;
        if let Some(trusted) = &self.timestamp {
            if md.common.version < trusted.common.version {
                return Err(Error::Version {
                    role,
                    rule: VersionRule::Rollback,
                });
            }
            if md.common.version == trusted.common.version {
                return Ok(TimestampUpdate::Unchanged);
            }
            if md.snapshot.version < trusted.snapshot.version {
                return Err(Error::Version {
                    role,
                    rule: VersionRule::ListedSnapshotRollback,
                });
            }
        }
        self.timestamp = Some(md);
        self.check_final_timestamp()?;
        Ok(TimestampUpdate::Updated)
    }

    fn check_final_timestamp(&self) -> Result<&TimestampMd, Error> {
        let ts = self.timestamp.as_ref().ok_or(order("timestamp"))?;
        if ts.common.expires <= self.now {
            return Err(Error::Expired {
                role: Role::Timestamp,
            });
        }
        Ok(ts)
    }

    /// Verifies `data` as snapshot. `trusted` is set for the local copy,
    /// which was verified before: its hashes are not checked against the new
    /// timestamp (it may be intermediate). An expired snapshot or one whose
    /// version is not the one the timestamp lists is kept as intermediate and
    /// an error returned.
    pub(crate) fn update_snapshot(&mut self, data: &[u8], trusted: bool) -> Result<(), Error> {
        if self.timestamp.is_none() {
            return Err(order("timestamp"));
        }
        if !self.targets.is_empty() {
            return Err(order("snapshot before targets"));
        }
        let listed = self.check_final_timestamp()?.snapshot.clone();
        let role = Role::Snapshot;
        if !trusted {
            check_meta_integrity(&listed, data, role)?;
        }
        let env = Envelope::parse(data, role)?;
        let md = SnapshotMd::parse(&env)?;
        verify_threshold(role, &self.root.keys, &self.root.snapshot, &env)?;
        if let Some(old) = &self.snapshot {
            for (name, old_meta) in &old.meta {
                match md.meta.get(name) {
                    Some(new_meta) if new_meta.version >= old_meta.version => {}
                    _ => {
                        return Err(Error::Version {
                            role,
                            rule: VersionRule::ListedTargetsRollback,
                        });
                    }
                }
            }
        }
        self.snapshot = Some(md);
        self.check_final_snapshot()?;
        Ok(())
    }

    fn check_final_snapshot(&self) -> Result<&SnapshotMd, Error> {
        let snapshot = self.snapshot.as_ref().ok_or(order("snapshot"))?;
        if snapshot.common.expires <= self.now {
            return Err(Error::Expired {
                role: Role::Snapshot,
            });
        }
        let listed = self.check_final_timestamp()?.snapshot.version;
        if snapshot.common.version != listed {
            return Err(Error::Version {
                role: Role::Snapshot,
                rule: VersionRule::NotAsListed,
            });
        }
        Ok(snapshot)
    }

    /// The keys and role entry `delegator` gives `role_name`.
    fn authority(&self, role_name: &str, delegator: &str) -> Result<(&Keys, &RoleKeys), Error> {
        if delegator == "root" {
            if role_name != "targets" {
                return Err(order("delegation"));
            }
            return Ok((&self.root.keys, &self.root.targets));
        }
        let parent = self.targets.get(delegator).ok_or(order("delegator"))?;
        let delegations = parent.md.delegations.as_ref().ok_or(Error::Malformed {
            role: Role::Delegated,
            reason: "role is not delegated",
        })?;
        let keys = delegations.role_keys(role_name).ok_or(Error::Malformed {
            role: Role::Delegated,
            reason: "role is not delegated",
        })?;
        Ok((&delegations.keys, keys))
    }

    /// Verifies `data` as the targets role `role_name`, delegated by
    /// `delegator` (`"root"` for the top-level targets).
    pub(crate) fn update_targets(
        &mut self,
        data: &[u8],
        role_name: &str,
        delegator: &str,
    ) -> Result<(), Error> {
        let role = Role::of_targets(role_name);
        self.check_final_snapshot()?;
        let listed = self
            .snapshot_meta(role_name)
            .cloned()
            .ok_or(Error::NotInSnapshot { role })?;
        check_meta_integrity(&listed, data, role)?;
        let env = Envelope::parse(data, role)?;
        let md = TargetsMd::parse(&env, role)?;
        let (keys, role_keys) = self.authority(role_name, delegator)?;
        verify_threshold(role, keys, role_keys, &env)?;
        if md.common.version != listed.version {
            return Err(Error::Version {
                role,
                rule: VersionRule::NotAsListed,
            });
        }
        if md.common.expires <= self.now {
            return Err(Error::Expired { role });
        }
        let mut verified_by = BTreeSet::new();
        verified_by.insert(delegator.to_owned());
        self.targets.insert(
            role_name.to_owned(),
            CachedTargets {
                md,
                canonical: env.canonical,
                signatures: env.signatures,
                verified_by,
            },
        );
        Ok(())
    }

    /// Whether the loaded role `role_name` is trusted through `delegator`:
    /// a role reached through a second delegator is verified again against
    /// that delegator's keys and threshold (a cached role never inherits the
    /// authority of another search path).
    pub(crate) fn verify_cached(
        &mut self,
        role_name: &str,
        delegator: &str,
    ) -> Result<bool, Error> {
        let Some(cached) = self.targets.get(role_name) else {
            return Ok(false);
        };
        if cached.verified_by.contains(delegator) {
            return Ok(true);
        }
        let env = Envelope {
            signed: serde_json::Value::Null,
            canonical: cached.canonical.clone(),
            signatures: cached.signatures.clone(),
        };
        let (keys, role_keys) = self.authority(role_name, delegator)?;
        verify_threshold(Role::of_targets(role_name), keys, role_keys, &env)?;
        if let Some(cached) = self.targets.get_mut(role_name) {
            cached.verified_by.insert(delegator.to_owned());
        }
        Ok(true)
    }
}

/// Checks the length and hashes that timestamp or snapshot list for a
/// metadata file, where they list them.
fn check_meta_integrity(listed: &MetaFile, data: &[u8], role: Role) -> Result<(), Error> {
    let of = Subject::Metadata(role);
    if let Some(length) = listed.length
        && data.len() as u64 != length
    {
        return Err(Error::Integrity {
            of,
            rule: IntegrityRule::Length,
        });
    }
    if let Some(hashes) = &listed.hashes {
        let mut hasher = MultiHasher::new(hashes.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .ok_or(Error::Integrity {
                of,
                rule: IntegrityRule::UnknownHashAlgorithm,
            })?;
        hasher.update(data);
        if !hasher.matches() {
            return Err(Error::Integrity {
                of,
                rule: IntegrityRule::Hash,
            });
        }
    }
    Ok(())
}
