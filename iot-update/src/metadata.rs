//! TUF metadata: the signed envelope, canonical JSON, and the four role types.
//!
//! Parsing follows the specification and python-tuf's `tuf.api.metadata`:
//! unknown fields are ignored (they are still covered by the signature,
//! since the canonical form is made from the whole `signed` object), wrong
//! types and missing required fields are refused.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;

use crate::crypto::{self, PublicKey};
use crate::error::{Error, Role};

/// A parsed envelope: the `signed` object, its canonical bytes, and the
/// signatures by key id.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    pub(crate) signed: Value,
    pub(crate) canonical: Vec<u8>,
    /// Key id to signature bytes (`None` when the signature is not hex:
    /// it then verifies under no key).
    pub(crate) signatures: BTreeMap<String, Option<Vec<u8>>>,
}

#[derive(Deserialize)]
struct RawEnvelope {
    signed: Value,
    signatures: Vec<RawSignature>,
}

#[derive(Deserialize)]
struct RawSignature {
    keyid: String,
    sig: String,
}

/// OLPC canonical JSON of a value, the bytes TUF signs.
pub fn canonical_json(value: &Value) -> Option<Vec<u8>> {
    use serde::Serialize;
    let mut out = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, olpc_cjson::CanonicalFormatter::new());
    value.serialize(&mut ser).ok()?;
    Some(out)
}

impl Envelope {
    pub(crate) fn parse(data: &[u8], role: Role) -> Result<Envelope, Error> {
        let raw: RawEnvelope = serde_json::from_slice(data).map_err(|_| Error::Malformed {
            role,
            reason: "not a json metadata envelope",
        })?;
        let canonical = canonical_json(&raw.signed).ok_or(Error::Malformed {
            role,
            reason: "no canonical json form",
        })?;
        // olpc-cjson normalises strings to NFC, so raw JSON with a non-NFC
        // string has the canonical bytes (and the signature) of its NFC
        // form: what is trusted would differ from what was signed. Such
        // metadata is refused (python-tuf's canonical form does not
        // normalise, so it would not verify anyway).
        if !all_strings_nfc(&raw.signed, 0) {
            return Err(Error::Malformed {
                role,
                reason: "a string is not in unicode nfc",
            });
        }
        let mut signatures = BTreeMap::new();
        for s in raw.signatures {
            let sig = crypto::hex_decode(&s.sig);
            if signatures.insert(s.keyid, sig).is_some() {
                return Err(Error::DuplicateSignature { role });
            }
        }
        Ok(Envelope {
            signed: raw.signed,
            canonical,
            signatures,
        })
    }
}

/// Whether every string and object key in `value` is in Unicode NFC.
/// (`serde_json` bounds the depth at 128 when parsing; `depth` guards values
/// built otherwise.)
fn all_strings_nfc(value: &Value, depth: usize) -> bool {
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    let nfc = |s: &str| match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        IsNormalized::Maybe => unicode_normalization::is_nfc(s),
    };
    if depth > 256 {
        return false;
    }
    match value {
        Value::String(s) => nfc(s),
        Value::Array(items) => items.iter().all(|v| all_strings_nfc(v, depth + 1)),
        Value::Object(map) => map
            .iter()
            .all(|(k, v)| nfc(k) && all_strings_nfc(v, depth + 1)),
        _ => true,
    }
}

/// The key ids and threshold a delegating role gives a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleKeys {
    pub(crate) keyids: Vec<String>,
    pub(crate) threshold: u64,
}

#[derive(Deserialize)]
struct RawRoleKeys {
    keyids: Vec<String>,
    threshold: u64,
}

impl RawRoleKeys {
    fn check(self, role: Role) -> Result<RoleKeys, Error> {
        if self.threshold < 1 {
            return Err(Error::Malformed {
                role,
                reason: "threshold below 1",
            });
        }
        let unique: BTreeSet<&String> = self.keyids.iter().collect();
        if unique.len() != self.keyids.len() {
            return Err(Error::Malformed {
                role,
                reason: "key ids of a role are not unique",
            });
        }
        Ok(RoleKeys {
            keyids: self.keyids,
            threshold: self.threshold,
        })
    }
}

/// Keys by key id; `None` for a key this crate cannot use (it counts for no
/// threshold).
pub(crate) type Keys = BTreeMap<String, Option<PublicKey>>;

#[derive(Deserialize)]
struct RawKey {
    keytype: String,
    scheme: String,
    keyval: RawKeyVal,
}

#[derive(Deserialize)]
struct RawKeyVal {
    public: String,
}

fn parse_keys(raw: BTreeMap<String, RawKey>) -> Keys {
    raw.into_iter()
        .map(|(id, k)| {
            let key = PublicKey::parse(&k.keytype, &k.scheme, &k.keyval.public);
            (id, key)
        })
        .collect()
}

/// Checks that `envelope` is signed by `threshold` distinct keys of `role_keys`.
pub(crate) fn verify_threshold(
    role: Role,
    keys: &Keys,
    role_keys: &RoleKeys,
    envelope: &Envelope,
) -> Result<(), Error> {
    let mut signers: Vec<&PublicKey> = Vec::new();
    for keyid in &role_keys.keyids {
        let (Some(Some(key)), Some(Some(sig))) = (keys.get(keyid), envelope.signatures.get(keyid))
        else {
            continue;
        };
        // Distinct keys, not distinct key ids: one key listed under two ids
        // counts once.
        if !signers.contains(&key) && key.verify(&envelope.canonical, sig) {
            signers.push(key);
        }
    }
    if (signers.len() as u64) < role_keys.threshold {
        return Err(Error::Threshold {
            role,
            signed: signers.len(),
            threshold: role_keys.threshold,
        });
    }
    Ok(())
}

/// The fields every role has.
#[derive(Debug, Clone)]
pub(crate) struct Common {
    pub(crate) version: u64,
    /// Expiry, in seconds since the Unix epoch.
    pub(crate) expires: i64,
}

#[derive(Deserialize)]
struct RawCommon {
    #[serde(rename = "_type")]
    kind: String,
    spec_version: String,
    version: u64,
    expires: String,
}

fn common(signed: &Value, role: Role, kind: &str) -> Result<Common, Error> {
    let raw: RawCommon = serde_json::from_value(signed.clone()).map_err(|_| Error::Malformed {
        role,
        reason: "missing or mistyped common fields",
    })?;
    if raw.kind != kind {
        return Err(Error::WrongType { role });
    }
    let parts: Vec<&str> = raw.spec_version.split('.').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(Error::Malformed {
            role,
            reason: "spec_version does not parse",
        });
    }
    if parts.first() != Some(&"1") {
        return Err(Error::Malformed {
            role,
            reason: "unsupported spec_version major",
        });
    }
    if raw.version < 1 {
        return Err(Error::Malformed {
            role,
            reason: "version below 1",
        });
    }
    let expires = parse_expires(&raw.expires).ok_or(Error::Malformed {
        role,
        reason: "expires is not YYYY-MM-DDTHH:MM:SSZ",
    })?;
    Ok(Common {
        version: raw.version,
        expires,
    })
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` into seconds since the Unix epoch.
pub(crate) fn parse_expires(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
        || b.get(19) != Some(&b'Z')
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let digits = b.get(from..to)?;
        digits.iter().try_fold(0i64, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (h, mi, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let max_day = *month_days.get(usize::try_from(mo).ok()?.checked_sub(1)?)?;
    if !(1..=max_day).contains(&d) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    // days from civil (Howard Hinnant's algorithm)
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + sec)
}

/// Root metadata.
#[derive(Debug, Clone)]
pub(crate) struct RootMd {
    pub(crate) common: Common,
    pub(crate) consistent_snapshot: bool,
    pub(crate) keys: Keys,
    pub(crate) root: RoleKeys,
    pub(crate) timestamp: RoleKeys,
    pub(crate) snapshot: RoleKeys,
    pub(crate) targets: RoleKeys,
}

#[derive(Deserialize)]
struct RawRoot {
    #[serde(default)]
    consistent_snapshot: bool,
    keys: BTreeMap<String, RawKey>,
    roles: BTreeMap<String, RawRoleKeys>,
}

impl RootMd {
    pub(crate) fn parse(env: &Envelope) -> Result<RootMd, Error> {
        let role = Role::Root;
        let common = common(&env.signed, role, "root")?;
        let raw: RawRoot =
            serde_json::from_value(env.signed.clone()).map_err(|_| Error::Malformed {
                role,
                reason: "missing or mistyped root fields",
            })?;
        let mut roles = raw.roles;
        if roles.len() != 4 {
            return Err(Error::Malformed {
                role,
                reason: "roles are not the four top-level roles",
            });
        }
        let mut take = |name: &str| {
            roles
                .remove(name)
                .ok_or(Error::Malformed {
                    role,
                    reason: "roles are not the four top-level roles",
                })?
                .check(role)
        };
        Ok(RootMd {
            common,
            consistent_snapshot: raw.consistent_snapshot,
            keys: parse_keys(raw.keys),
            root: take("root")?,
            timestamp: take("timestamp")?,
            snapshot: take("snapshot")?,
            targets: take("targets")?,
        })
    }
}

/// What timestamp and snapshot say about another metadata file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetaFile {
    pub(crate) version: u64,
    pub(crate) length: Option<u64>,
    pub(crate) hashes: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct RawMetaFile {
    version: u64,
    length: Option<u64>,
    hashes: Option<BTreeMap<String, String>>,
}

impl RawMetaFile {
    fn check(self, role: Role) -> Result<MetaFile, Error> {
        if self.version < 1 {
            return Err(Error::Malformed {
                role,
                reason: "listed version below 1",
            });
        }
        if self.hashes.as_ref().is_some_and(BTreeMap::is_empty) {
            return Err(Error::Malformed {
                role,
                reason: "empty hashes",
            });
        }
        Ok(MetaFile {
            version: self.version,
            length: self.length,
            hashes: self.hashes,
        })
    }
}

/// Timestamp metadata.
#[derive(Debug, Clone)]
pub(crate) struct TimestampMd {
    pub(crate) common: Common,
    pub(crate) snapshot: MetaFile,
}

#[derive(Deserialize)]
struct RawMeta {
    meta: BTreeMap<String, RawMetaFile>,
}

impl TimestampMd {
    pub(crate) fn parse(env: &Envelope) -> Result<TimestampMd, Error> {
        let role = Role::Timestamp;
        let common = common(&env.signed, role, "timestamp")?;
        let mut raw: RawMeta =
            serde_json::from_value(env.signed.clone()).map_err(|_| Error::Malformed {
                role,
                reason: "missing or mistyped meta",
            })?;
        let snapshot = raw
            .meta
            .remove("snapshot.json")
            .ok_or(Error::Malformed {
                role,
                reason: "meta lacks snapshot.json",
            })?
            .check(role)?;
        Ok(TimestampMd { common, snapshot })
    }
}

/// Snapshot metadata.
#[derive(Debug, Clone)]
pub(crate) struct SnapshotMd {
    pub(crate) common: Common,
    /// By file name (`targets.json`, `<role>.json`).
    pub(crate) meta: BTreeMap<String, MetaFile>,
}

impl SnapshotMd {
    pub(crate) fn parse(env: &Envelope) -> Result<SnapshotMd, Error> {
        let role = Role::Snapshot;
        let common = common(&env.signed, role, "snapshot")?;
        let raw: RawMeta =
            serde_json::from_value(env.signed.clone()).map_err(|_| Error::Malformed {
                role,
                reason: "missing or mistyped meta",
            })?;
        let meta = raw
            .meta
            .into_iter()
            .map(|(name, m)| Ok((name, m.check(role)?)))
            .collect::<Result<_, Error>>()?;
        Ok(SnapshotMd { common, meta })
    }
}

/// What targets metadata says about one target file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TargetFile {
    pub(crate) length: u64,
    pub(crate) hashes: BTreeMap<String, String>,
    pub(crate) custom: Option<Value>,
}

#[derive(Deserialize)]
struct RawTargetFile {
    length: u64,
    hashes: BTreeMap<String, String>,
    custom: Option<Value>,
}

/// How a delegated role's paths are given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathRule {
    Patterns(Vec<String>),
    HashPrefixes(Vec<String>),
}

/// One entry of `delegations.roles`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DelegatedRole {
    pub(crate) name: String,
    pub(crate) keys: RoleKeys,
    pub(crate) terminating: bool,
    pub(crate) paths: PathRule,
}

#[derive(Deserialize)]
struct RawDelegatedRole {
    name: String,
    keyids: Vec<String>,
    threshold: u64,
    terminating: bool,
    paths: Option<Vec<String>>,
    path_hash_prefixes: Option<Vec<String>>,
}

/// `delegations.succinct_roles` (TAP 15 hash bins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Succinct {
    pub(crate) keys: RoleKeys,
    pub(crate) bit_length: u32,
    pub(crate) name_prefix: String,
}

#[derive(Deserialize)]
struct RawSuccinct {
    keyids: Vec<String>,
    threshold: u64,
    bit_length: u32,
    name_prefix: String,
}

/// The delegations of a targets role.
#[derive(Debug, Clone)]
pub(crate) struct Delegations {
    pub(crate) keys: Keys,
    pub(crate) roles: DelegatedRoles,
}

#[derive(Debug, Clone)]
pub(crate) enum DelegatedRoles {
    List(Vec<DelegatedRole>),
    Succinct(Succinct),
}

#[derive(Deserialize)]
struct RawDelegations {
    keys: BTreeMap<String, RawKey>,
    roles: Option<Vec<RawDelegatedRole>>,
    succinct_roles: Option<RawSuccinct>,
}

/// Targets metadata (top-level or delegated).
#[derive(Debug, Clone)]
pub(crate) struct TargetsMd {
    pub(crate) common: Common,
    pub(crate) targets: BTreeMap<String, TargetFile>,
    pub(crate) delegations: Option<Delegations>,
}

#[derive(Deserialize)]
struct RawTargets {
    targets: BTreeMap<String, RawTargetFile>,
    delegations: Option<RawDelegations>,
}

const TOP_LEVEL: [&str; 4] = ["root", "timestamp", "snapshot", "targets"];

impl TargetsMd {
    pub(crate) fn parse(env: &Envelope, role: Role) -> Result<TargetsMd, Error> {
        let common = common(&env.signed, role, "targets")?;
        let raw: RawTargets =
            serde_json::from_value(env.signed.clone()).map_err(|_| Error::Malformed {
                role,
                reason: "missing or mistyped targets fields",
            })?;
        let mut targets = BTreeMap::new();
        for (path, t) in raw.targets {
            if t.hashes.is_empty() {
                return Err(Error::Malformed {
                    role,
                    reason: "target without hashes",
                });
            }
            targets.insert(
                path,
                TargetFile {
                    length: t.length,
                    hashes: t.hashes,
                    custom: t.custom,
                },
            );
        }
        let delegations = raw
            .delegations
            .map(|d| parse_delegations(d, role))
            .transpose()?;
        Ok(TargetsMd {
            common,
            targets,
            delegations,
        })
    }
}

fn parse_delegations(raw: RawDelegations, role: Role) -> Result<Delegations, Error> {
    let keys = parse_keys(raw.keys);
    let roles = match (raw.roles, raw.succinct_roles) {
        (Some(list), None) => {
            let mut names = BTreeSet::new();
            let mut roles = Vec::with_capacity(list.len());
            for r in list {
                if r.name.is_empty() || TOP_LEVEL.contains(&r.name.as_str()) {
                    return Err(Error::Malformed {
                        role,
                        reason: "delegated role with a reserved name",
                    });
                }
                if !names.insert(r.name.clone()) {
                    return Err(Error::Malformed {
                        role,
                        reason: "delegated role listed twice",
                    });
                }
                let paths = match (r.paths, r.path_hash_prefixes) {
                    (Some(p), None) => PathRule::Patterns(p),
                    (None, Some(h)) => PathRule::HashPrefixes(h),
                    _ => {
                        return Err(Error::Malformed {
                            role,
                            reason: "delegated role needs exactly one of paths and path_hash_prefixes",
                        });
                    }
                };
                let keys = RawRoleKeys {
                    keyids: r.keyids,
                    threshold: r.threshold,
                }
                .check(role)?;
                roles.push(DelegatedRole {
                    name: r.name,
                    keys,
                    terminating: r.terminating,
                    paths,
                });
            }
            DelegatedRoles::List(roles)
        }
        (None, Some(s)) => {
            if !(1..=32).contains(&s.bit_length) {
                return Err(Error::Malformed {
                    role,
                    reason: "succinct bit_length not in 1..=32",
                });
            }
            let keys = RawRoleKeys {
                keyids: s.keyids,
                threshold: s.threshold,
            }
            .check(role)?;
            DelegatedRoles::Succinct(Succinct {
                keys,
                bit_length: s.bit_length,
                name_prefix: s.name_prefix,
            })
        }
        _ => {
            return Err(Error::Malformed {
                role,
                reason: "delegations need exactly one of roles and succinct_roles",
            });
        }
    };
    Ok(Delegations { keys, roles })
}

impl DelegatedRole {
    /// Whether this role is trusted for `target_path`.
    pub(crate) fn covers(&self, target_path: &str) -> bool {
        match &self.paths {
            PathRule::Patterns(patterns) => patterns.iter().any(|p| path_matches(target_path, p)),
            PathRule::HashPrefixes(prefixes) => {
                let hash = crypto::hex_encode(&crypto::sha256(target_path.as_bytes()));
                prefixes.iter().any(|p| hash.starts_with(p.as_str()))
            }
        }
    }
}

impl Succinct {
    /// The bin (role name) responsible for `target_path`.
    pub(crate) fn role_for(&self, target_path: &str) -> String {
        let hash = crypto::sha256(target_path.as_bytes());
        let [a, b, c, d, ..] = hash;
        let prefix = u32::from_be_bytes([a, b, c, d]);
        let bin = u64::from(prefix) >> (32 - self.bit_length);
        let bins = 1u64 << self.bit_length;
        let width = format!("{:x}", bins - 1).len();
        format!("{}-{:0width$x}", self.name_prefix, bin)
    }

    /// Whether `name` is one of the bins.
    pub(crate) fn is_bin(&self, name: &str) -> bool {
        let bins = 1u64 << self.bit_length;
        let width = format!("{:x}", bins - 1).len();
        let Some(suffix) = name
            .strip_prefix(self.name_prefix.as_str())
            .and_then(|s| s.strip_prefix('-'))
        else {
            return false;
        };
        suffix.len() == width
            && suffix
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            && u64::from_str_radix(suffix, 16).is_ok_and(|n| n < bins)
    }
}

impl Delegations {
    /// The roles responsible for `target_path`, in order, with their
    /// terminating flag.
    pub(crate) fn roles_for(&self, target_path: &str) -> Vec<(String, bool)> {
        match &self.roles {
            DelegatedRoles::List(roles) => roles
                .iter()
                .filter(|r| r.covers(target_path))
                .map(|r| (r.name.clone(), r.terminating))
                .collect(),
            DelegatedRoles::Succinct(s) => vec![(s.role_for(target_path), true)],
        }
    }

    /// The key ids and threshold given to the delegated role `name`.
    pub(crate) fn role_keys(&self, name: &str) -> Option<&RoleKeys> {
        match &self.roles {
            DelegatedRoles::List(roles) => roles.iter().find(|r| r.name == name).map(|r| &r.keys),
            DelegatedRoles::Succinct(s) => s.is_bin(name).then_some(&s.keys),
        }
    }
}

/// Whether `target_path` matches a delegation path pattern: the pattern
/// and the path must have the same number of `/`-separated segments, and
/// each segment matches as a shell wildcard (`*`, `?`, `[...]`, `[!...]`),
/// as python-tuf's `fnmatch` per segment does.
pub(crate) fn path_matches(target_path: &str, pattern: &str) -> bool {
    let targets: Vec<&str> = target_path.split('/').collect();
    let patterns: Vec<&str> = pattern.split('/').collect();
    targets.len() == patterns.len() && targets.iter().zip(&patterns).all(|(t, p)| fnmatch(t, p))
}

#[derive(Debug)]
enum Token {
    Star,
    Any,
    Literal(char),
    Class {
        negate: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Token {
    fn matches(&self, c: char) -> bool {
        match self {
            Token::Star | Token::Any => true,
            Token::Literal(l) => *l == c,
            Token::Class { negate, ranges } => {
                ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negate
            }
        }
    }
}

fn tokenize(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        match c {
            '*' => {
                if !matches!(tokens.last(), Some(Token::Star)) {
                    tokens.push(Token::Star);
                }
            }
            '?' => tokens.push(Token::Any),
            '[' => {
                // Find the closing bracket as Python's fnmatch does: a `]`
                // right after `[` or `[!` is a literal member.
                let mut j = i;
                if chars.get(j) == Some(&'!') {
                    j += 1;
                }
                if chars.get(j) == Some(&']') {
                    j += 1;
                }
                while chars.get(j).is_some_and(|&c| c != ']') {
                    j += 1;
                }
                if chars.get(j).is_none() {
                    tokens.push(Token::Literal('['));
                    continue;
                }
                let mut body: &[char] = chars.get(i..j).unwrap_or_default();
                i = j + 1;
                let negate = body.first() == Some(&'!');
                if negate {
                    body = body.get(1..).unwrap_or_default();
                }
                let mut ranges = Vec::new();
                let mut k = 0;
                while let Some(&lo) = body.get(k) {
                    if body.get(k + 1) == Some(&'-')
                        && let Some(&hi) = body.get(k + 2)
                    {
                        if lo <= hi {
                            ranges.push((lo, hi));
                        }
                        k += 3;
                        continue;
                    }
                    ranges.push((lo, lo));
                    k += 1;
                }
                tokens.push(Token::Class { negate, ranges });
            }
            c => tokens.push(Token::Literal(c)),
        }
    }
    tokens
}

/// Shell-wildcard match of a whole string, in O(len(text) * len(pattern)).
pub(crate) fn fnmatch(text: &str, pattern: &str) -> bool {
    let tokens = tokenize(pattern);
    let text: Vec<char> = text.chars().collect();
    let (mut t, mut p) = (0usize, 0usize);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match (tokens.get(p), text.get(t)) {
            (Some(Token::Star), _) => {
                backtrack = Some((p, t));
                p += 1;
            }
            (Some(tok), Some(&c)) if tok.matches(c) => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((bp, bt)) => {
                    p = bp + 1;
                    t = bt + 1;
                    backtrack = Some((bp, bt + 1));
                }
                None => return false,
            },
        }
    }
    tokens
        .get(p..)
        .unwrap_or_default()
        .iter()
        .all(|tok| matches!(tok, Token::Star))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_parses_the_tuf_form_only() {
        assert_eq!(parse_expires("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_expires("2025-02-09T00:00:00Z"), Some(1_739_059_200));
        assert_eq!(parse_expires("2000-02-29T23:59:59Z"), Some(951_868_799));
        assert_eq!(parse_expires("2001-02-29T00:00:00Z"), None);
        assert_eq!(parse_expires("2025-02-09T00:00:00"), None);
        assert_eq!(parse_expires("2025-02-09 00:00:00Z"), None);
        assert_eq!(parse_expires("2025-13-09T00:00:00Z"), None);
        assert_eq!(parse_expires(""), None);
    }

    #[test]
    fn fnmatch_like_python() {
        assert!(fnmatch("README.md", "*.md"));
        assert!(fnmatch("foo-1.tgz", "foo-?.tgz"));
        assert!(!fnmatch("foo-alpha.tgz", "foo-?.tgz"));
        assert!(fnmatch("a", "[abc]"));
        assert!(!fnmatch("d", "[abc]"));
        assert!(fnmatch("d", "[!abc]"));
        assert!(fnmatch("k", "[a-z]"));
        assert!(fnmatch("[", "["));
        assert!(fnmatch("]", "[]]"));
        assert!(fnmatch("", "*"));
        assert!(fnmatch("abcabd", "*ab?"));
        assert!(!fnmatch("abc", "*x*"));
    }

    #[test]
    fn path_patterns_respect_separators() {
        assert!(path_matches("releases/x/x_v1", "releases/*/*"));
        assert!(!path_matches("releases/README.md", "*.md"));
        assert!(path_matches("releases/x/x_v1", "releases/x/*"));
        assert!(!path_matches("releases/z/z_v1.zip", "releases/y/*.zip"));
    }

    #[test]
    fn succinct_bins_like_python() {
        let s = Succinct {
            keys: RoleKeys {
                keyids: vec![],
                threshold: 1,
            },
            bit_length: 8,
            name_prefix: "bin".into(),
        };
        // sha256("a") = ca978112...
        assert_eq!(s.role_for("a"), "bin-ca");
        assert!(s.is_bin("bin-ca"));
        assert!(!s.is_bin("bin-ca0"));
        assert!(!s.is_bin("bin-CA"));
        assert!(!s.is_bin("other-ca"));
        let s = Succinct {
            bit_length: 10,
            ..s
        };
        // 0xca97 >> 6 = 0x32a
        assert_eq!(s.role_for("a"), "bin-32a");
        assert!(!s.is_bin("bin-400"));
    }

    #[test]
    fn envelope_refuses_duplicate_signature_key_ids() {
        let data = br#"{"signed":{"a":1},"signatures":[{"keyid":"k","sig":"00"},{"keyid":"k","sig":"00"}]}"#;
        assert_eq!(
            Envelope::parse(data, Role::Snapshot).unwrap_err(),
            Error::DuplicateSignature {
                role: Role::Snapshot
            }
        );
        assert!(matches!(
            Envelope::parse(b"[]", Role::Root),
            Err(Error::Malformed { .. })
        ));
        assert!(matches!(
            Envelope::parse(b"", Role::Root),
            Err(Error::Malformed { .. })
        ));
    }

    #[test]
    fn canonical_json_sorts_and_compacts() {
        let v: Value =
            serde_json::from_str(r#"{ "b": [1, "x"], "a": {"d": true, "c": null} }"#).unwrap();
        assert_eq!(
            canonical_json(&v).unwrap(),
            br#"{"a":{"c":null,"d":true},"b":[1,"x"]}"#
        );
    }
}
