//! A small TUF repository writer for the tests: ed25519 keys from ring,
//! metadata signed over `iot_update::canonical_json`, files in a temporary
//! directory served by the `FileTransport`.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]
#![allow(dead_code)] // each test file uses part of the helpers

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iot_update::serde_json::{self, Value, json};
use iot_update::{DirectoryStore, FileTransport, FixedClock, MetadataStore, Updater};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};

/// 2030-01-01T00:00:00Z: "now" in the tests.
pub(crate) const NOW: i64 = 1_893_456_000;
pub(crate) const FUTURE: &str = "2031-01-01T00:00:00Z";
pub(crate) const PAST: &str = "2029-01-01T00:00:00Z";

pub(crate) struct Key {
    pub(crate) id: String,
    pair: Ed25519KeyPair,
}

impl Key {
    pub(crate) fn new() -> Key {
        let rng = SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let public = hex(pair.public_key().as_ref());
        let id = hex(ring::digest::digest(&ring::digest::SHA256, public.as_bytes()).as_ref());
        Key { id, pair }
    }

    pub(crate) fn public_json(&self) -> Value {
        json!({"keytype": "ed25519", "scheme": "ed25519",
               "keyval": {"public": hex(self.pair.public_key().as_ref())}})
    }
}

pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub(crate) fn sha256_hex(b: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, b).as_ref())
}

pub(crate) fn sign(signed: &Value, keys: &[&Key]) -> Vec<u8> {
    let canonical = iot_update::canonical_json(signed).unwrap();
    let sigs: Vec<Value> = keys
        .iter()
        .map(|k| json!({"keyid": k.id, "sig": hex(k.pair.sign(&canonical).as_ref())}))
        .collect();
    serde_json::to_vec(&json!({"signed": signed, "signatures": sigs})).unwrap()
}

/// A repository: top-level keys, delegated roles, targets.
pub(crate) struct Repo {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) root_keys: Vec<Key>,
    pub(crate) timestamp_key: Key,
    pub(crate) snapshot_key: Key,
    pub(crate) targets_key: Key,
    pub(crate) root_version: u64,
    pub(crate) root_threshold: u64,
    pub(crate) root_expires: String,
    pub(crate) consistent: bool,
    pub(crate) timestamp_version: u64,
    pub(crate) snapshot_version: u64,
    pub(crate) expires: String,
    /// role name -> (version, targets map, delegations json or Null)
    pub(crate) roles: BTreeMap<String, (u64, Value, Value)>,
    /// delegated role name -> key
    pub(crate) role_keys: BTreeMap<String, Key>,
    pub(crate) artifacts: BTreeMap<String, Vec<u8>>,
}

impl Repo {
    pub(crate) fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["metadata", "targets", "client", "download"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        let mut roles = BTreeMap::new();
        roles.insert("targets".to_owned(), (1, json!({}), Value::Null));
        let mut repo = Repo {
            dir,
            root_keys: vec![Key::new()],
            timestamp_key: Key::new(),
            snapshot_key: Key::new(),
            targets_key: Key::new(),
            root_version: 1,
            root_threshold: 1,
            root_expires: FUTURE.into(),
            consistent: false,
            timestamp_version: 1,
            snapshot_version: 1,
            expires: FUTURE.into(),
            roles,
            role_keys: BTreeMap::new(),
            artifacts: BTreeMap::new(),
        };
        let root = repo.root_bytes(&repo.root_keys.iter().collect::<Vec<_>>());
        repo.write("1.root.json", &root);
        repo.write("root.json", &root);
        // the device's trusted root
        std::fs::write(repo.dir.path().join("client/root.json"), &root).unwrap();
        repo.publish();
        repo
    }

    pub(crate) fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    pub(crate) fn write(&self, name: &str, data: &[u8]) {
        std::fs::write(self.path("metadata").join(name), data).unwrap();
    }

    pub(crate) fn root_signed(&self) -> Value {
        let mut keys = serde_json::Map::new();
        for k in self.root_keys.iter().chain([
            &self.timestamp_key,
            &self.snapshot_key,
            &self.targets_key,
        ]) {
            keys.insert(k.id.clone(), k.public_json());
        }
        json!({
            "_type": "root", "spec_version": "1.0.31", "version": self.root_version,
            "expires": self.root_expires, "consistent_snapshot": self.consistent,
            "keys": keys,
            "roles": {
                "root": {"keyids": self.root_keys.iter().map(|k| k.id.clone()).collect::<Vec<_>>(),
                         "threshold": self.root_threshold},
                "timestamp": {"keyids": [self.timestamp_key.id], "threshold": 1},
                "snapshot": {"keyids": [self.snapshot_key.id], "threshold": 1},
                "targets": {"keyids": [self.targets_key.id], "threshold": 1},
            }
        })
    }

    pub(crate) fn root_bytes(&self, signers: &[&Key]) -> Vec<u8> {
        sign(&self.root_signed(), signers)
    }

    /// Publishes root version + 1, signed by `old` and the new root keys.
    pub(crate) fn rotate_root(&mut self, old: &[&Key]) {
        self.root_version += 1;
        let mut signers: Vec<&Key> = old.to_vec();
        for k in &self.root_keys {
            if !signers.iter().any(|s| s.id == k.id) {
                signers.push(k);
            }
        }
        let root = self.root_bytes(&signers);
        self.write(&format!("{}.root.json", self.root_version), &root);
        self.write("root.json", &root);
    }

    pub(crate) fn add_target(
        &mut self,
        role: &str,
        path: &str,
        content: &[u8],
        custom: Option<Value>,
    ) {
        let mut file = json!({"length": content.len(), "hashes": {"sha256": sha256_hex(content)}});
        if let Some(c) = custom {
            file["custom"] = c;
        }
        self.roles.get_mut(role).unwrap().1[path] = file;
        self.artifacts.insert(path.to_owned(), content.to_vec());
    }

    /// Delegates `child` from `parent` for `paths`.
    pub(crate) fn delegate(
        &mut self,
        parent: &str,
        child: &str,
        paths: &[&str],
        terminating: bool,
    ) {
        let key = Key::new();
        let entry = json!({"name": child, "keyids": [key.id], "threshold": 1,
                           "terminating": terminating, "paths": paths});
        let d = &mut self.roles.get_mut(parent).unwrap().2;
        if d.is_null() {
            *d = json!({"keys": {}, "roles": []});
        }
        d["keys"][key.id.clone()] = key.public_json();
        d["roles"].as_array_mut().unwrap().push(entry);
        self.roles
            .insert(child.to_owned(), (1, json!({}), Value::Null));
        self.role_keys.insert(child.to_owned(), key);
    }

    pub(crate) fn targets_signed(&self, role: &str) -> Value {
        let (version, targets, delegations) = &self.roles[role];
        let mut v = json!({"_type": "targets", "spec_version": "1.0.31", "version": version,
                           "expires": self.expires, "targets": targets});
        if !delegations.is_null() {
            v["delegations"] = delegations.clone();
        }
        v
    }

    fn key_for(&self, role: &str) -> &Key {
        if role == "targets" {
            &self.targets_key
        } else {
            &self.role_keys[role]
        }
    }

    /// Writes every targets role, snapshot and timestamp, and the artifacts.
    pub(crate) fn publish(&mut self) {
        let mut meta = serde_json::Map::new();
        let roles: Vec<String> = self.roles.keys().cloned().collect();
        for role in roles {
            let bytes = sign(&self.targets_signed(&role), &[self.key_for(&role)]);
            let version = self.roles[&role].0;
            let quoted = quote(&role);
            self.write(&format!("{quoted}.json"), &bytes);
            self.write(&format!("{version}.{quoted}.json"), &bytes);
            meta.insert(format!("{role}.json"), json!({"version": version}));
        }
        let snapshot = json!({"_type": "snapshot", "spec_version": "1.0.31",
                              "version": self.snapshot_version, "expires": self.expires, "meta": meta});
        let snapshot = sign(&snapshot, &[&self.snapshot_key]);
        self.write("snapshot.json", &snapshot);
        self.write(
            &format!("{}.snapshot.json", self.snapshot_version),
            &snapshot,
        );
        let timestamp = json!({"_type": "timestamp", "spec_version": "1.0.31",
            "version": self.timestamp_version, "expires": self.expires,
            "meta": {"snapshot.json": {"version": self.snapshot_version, "length": snapshot.len(),
                                       "hashes": {"sha256": sha256_hex(&snapshot)}}}});
        let timestamp = sign(&timestamp, &[&self.timestamp_key]);
        self.write("timestamp.json", &timestamp);
        for (path, content) in &self.artifacts {
            let target = self.path("targets").join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, content).unwrap();
            if self.consistent {
                let name = format!(
                    "{}.{}",
                    sha256_hex(content),
                    target.file_name().unwrap().to_str().unwrap()
                );
                std::fs::write(target.with_file_name(name), content).unwrap();
            }
        }
    }

    /// Bumps every version and publishes.
    pub(crate) fn bump(&mut self) {
        for (v, _, _) in self.roles.values_mut() {
            *v += 1;
        }
        self.snapshot_version += 1;
        self.timestamp_version += 1;
        self.publish();
    }

    pub(crate) fn store(&self) -> DirectoryStore {
        DirectoryStore::open(self.path("client")).unwrap()
    }

    pub(crate) fn updater_at(&self, now: i64) -> Updater {
        Updater::builder(
            self.path("metadata").to_str().unwrap(),
            FileTransport::new(),
            self.store(),
        )
        .targets_url(self.path("targets").to_str().unwrap())
        .clock(FixedClock(now))
        .build()
    }

    pub(crate) fn updater(&self) -> Updater {
        self.updater_at(NOW)
    }

    pub(crate) fn trusted_version(&self, role: &str) -> Option<u64> {
        let data = self.store().load(role, 10 << 20).unwrap()?;
        let v: Value = serde_json::from_slice(&data).unwrap();
        v["signed"]["version"].as_u64()
    }

    pub(crate) fn download_dir(&self) -> &Path {
        self.dir.path()
    }
}

pub(crate) fn quote(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub(crate) fn snapshot_dir(repo: &Repo) -> tempfile::TempDir {
    let saved = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(repo.path("metadata")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), saved.path().join(e.file_name())).unwrap();
    }
    saved
}

pub(crate) fn restore(repo: &Repo, saved: &tempfile::TempDir, names: &[&str]) {
    for n in names {
        std::fs::copy(saved.path().join(n), repo.path("metadata").join(n)).unwrap();
    }
}

pub(crate) fn read_request(sock: &mut impl std::io::Read) {
    let mut req = Vec::new();
    let mut b = [0u8; 1];
    while !req.ends_with(b"\r\n\r\n") && sock.read(&mut b).unwrap_or(0) == 1 {
        req.push(b[0]);
    }
}

/// Serves one connection per call of `handle` on 127.0.0.1.
pub(crate) fn server(n: usize, handle: impl Fn(std::net::TcpStream) + Send + 'static) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for sock in listener.incoming().take(n) {
            handle(sock.unwrap());
        }
    });
    port
}
