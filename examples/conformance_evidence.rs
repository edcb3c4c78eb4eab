//! An evidence pack for a conformance file: builds a sample device
//! configuration with all five `iot-*` crates and writes what the crates
//! themselves report about it, grouped by EN 18031 requirement family with
//! the EN 303 645 provisions beside each fact.
//!
//! ```sh
//! cargo run --example conformance_evidence -- --out evidence/
//! ```
//!
//! writes `evidence/evidence.md` (for people) and `evidence/evidence.json`
//! (for tools). Nothing in them is typed by hand: every fact is the output
//! of a crate's report API for the configuration built here (`PolicyReport`
//! of the TLS client and server, the store's options and
//! `rollback_protection()`, a factory record's entropy and mode, the hashing
//! and throttle parameters, the JSON input limits, the erase plan and the
//! receipt of running it). `examples/tests/conformance_evidence.rs` changes
//! one setting of each crate and checks that exactly that section changes.
//!
//! Paths are shown relative to the sample device's directory (`$DEVICE`);
//! the receipt's random id and times are under `run`, outside the sections,
//! because they differ on every run. The root key and counters are
//! development files, as in `device_lifecycle`: on a device they are
//! hardware, and the storage section then reports the same facts.
//!
//! Secure update (EN 18031 SUM) has no section: iot-update (in progress) is
//! not in this build.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use iot_comm::{ClientPolicy, Profile, ServerPolicy};
use iot_creds::factory::FactoryBatch;
use iot_creds::{GeneratorConfig, HashParams, OsRng, ThrottleConfig};
use iot_erase::ErasePlan;
use iot_input::json;
use iot_storage::{
    Algorithm, FileCounter, FileRootKeySource, RootKeySource, SealedStore, StoreOptions,
};
use iot_testkit::pki::{IssuedCert, TestPki};
use iot_update::{DirectoryStore, FileTransport, MetadataStore, Updater};
use serde_json::{Value, json};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const HELP: &str = "\
Builds a sample device configuration with all five iot-* crates and writes
what the crates report about it (TLS policies, storage, passwords, hashing,
throttle, input limits, erase plan and receipt), grouped by EN 18031
requirement family with the EN 303 645 provisions beside each fact.

Usage: conformance_evidence [--out DIR]

Options:
  --out DIR   where to write evidence.md and evidence.json
              (default: ./conformance-evidence)
  -h, --help  print this help and do nothing else
";

/// The sample device's identifier.
pub const DEVICE_ID: &str = "dev-0001";

/// Every setting of the sample configuration that the evidence reports on,
/// one or more per crate. `Settings::default()` is the sample device.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The device's TLS client profile (`iot-comm`).
    pub client_profile: Profile,
    /// The profile of the device's local TLS service (`iot-comm`).
    pub server_profile: Profile,
    /// The AEAD of the sealed store (`iot-storage`).
    pub storage_algorithm: Algorithm,
    /// Whether the store has a monotonic counter (`iot-storage`).
    pub rollback_counter: bool,
    /// The label-password generator (`iot-creds`).
    pub generator: GeneratorConfig,
    /// The password-hashing parameters (`iot-creds`).
    pub hash: HashParams,
    /// The login throttle (`iot-creds`).
    pub throttle: ThrottleConfig,
    /// The limits for JSON from the network (`iot-input`).
    pub json_limits: json::Limits,
    /// The user directories a factory reset erases, below `data/`
    /// (`iot-erase`).
    pub erase_dirs: Vec<&'static str>,
    /// The bounds of the update client (`iot-update`).
    pub update_limits: iot_update::Limits,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            client_profile: Profile::Modern,
            server_profile: Profile::Modern,
            storage_algorithm: Algorithm::default(),
            rollback_counter: true,
            generator: GeneratorConfig::new(),
            hash: HashParams::default(),
            throttle: ThrottleConfig::new(),
            json_limits: json::Limits::default(),
            erase_dirs: vec!["user"],
            update_limits: iot_update::Limits::default(),
        }
    }
}

/// The sample device's certificates, issued once so that two collections
/// with different settings report the same identities.
pub struct Fixture {
    pki: TestPki,
    service: IssuedCert,
    device: IssuedCert,
}

impl Fixture {
    /// A test CA with a service and a device certificate.
    #[must_use]
    pub fn new() -> Fixture {
        let pki = TestPki::new();
        let service = pki.server("localhost");
        let device = pki.client(DEVICE_ID);
        Fixture {
            pki,
            service,
            device,
        }
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture::new()
    }
}

/// One group of facts from one crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Stable key (`tls`, `storage`, ...).
    pub key: &'static str,
    /// The EN 18031 requirement family.
    pub family: &'static str,
    /// A heading.
    pub title: &'static str,
    /// The EN 303 645 provisions these facts serve (see docs/PROVISIONS.md).
    pub en303645: &'static [&'static str],
    /// The APIs that reported the facts.
    pub reported_by: &'static str,
    /// The facts, as the crates report them.
    pub facts: Value,
}

/// The whole pack.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// In the order they are written.
    pub sections: Vec<Section>,
    /// What differs on every run (receipt id and times).
    pub run: Value,
}

/// The EN 18031 families the sections use, with a short name in our words.
pub const FAMILIES: [(&str, &str); 6] = [
    ("AUM", "authentication"),
    ("SSM", "secure storage"),
    ("SCM", "secure communication"),
    ("GEC", "general equipment capabilities: input validation"),
    ("DLM", "deletion"),
    ("SUM", "secure update"),
];

/// Builds the sample configuration described by `settings` under `dir`
/// (which must exist and be empty) and collects what the crates report.
pub fn collect(settings: &Settings, fixture: &Fixture, dir: &Path) -> Result<Evidence> {
    let hardware = dir.join("hardware");
    let data = dir.join("data");
    fs::create_dir_all(&hardware)?;
    fs::create_dir_all(&data)?;
    let root_keys = FileRootKeySource::insecure_development(hardware.join("root.key"));
    let mut sections = Vec::new();

    // SCM: the TLS policies of the device (client) and its local service.
    let client = ClientPolicy::new(settings.client_profile)
        .trust_pem(fixture.pki.ca_cert_pem().as_bytes())?
        .client_identity_pem(
            fixture.device.cert_pem().as_bytes(),
            fixture.device.key_pem().as_bytes(),
        )?;
    let server = ServerPolicy::new(settings.server_profile)
        .identity(fixture.service.chain().to_vec(), fixture.service.key())
        .require_client_auth(fixture.pki.root_store());
    // Both must build: the reports describe configurations that exist.
    drop(client.build()?);
    drop(server.build()?);
    sections.push(Section {
        key: "tls",
        family: "SCM",
        title: "TLS policies of the device's client and its local service",
        en303645: &["5.1-2A", "5.5-1", "5.5-6", "5.5-7", "5.8-1", "5.8-2"],
        reported_by: "iot_comm::ClientPolicy::report, iot_comm::ServerPolicy::report",
        facts: json!({
            "client": serde_json::to_value(client.report())?,
            "server": serde_json::to_value(server.report())?,
        }),
    });

    // SSM: the sealed store of the device's secrets.
    let mut options = StoreOptions::default().algorithm(settings.storage_algorithm);
    if settings.rollback_counter {
        options = options.counter(FileCounter::insecure_development(
            hardware.join("store.counter"),
        )?);
    }
    let options_shown = format!("{options:?}");
    let store = SealedStore::open(dir.join("store"), root_keys.root_key()?, options)?;
    store.put("wifi/passphrase", b"sample secret")?;
    sections.push(Section {
        key: "storage",
        family: "SSM",
        title: "Sealed storage of security parameters",
        en303645: &["5.4-1", "5.4-2"],
        reported_by: "iot_storage::StoreOptions (Debug), iot_storage::SealedStore::rollback_protection",
        facts: json!({
            "options": options_shown,
            "store": format!("{store:?}"),
            "rollback_protection": format!("{:?}", store.rollback_protection()),
            "detects_whole_store_rollback": store.rollback_protection().is_available(),
        }),
    });
    drop(store);

    // AUM: label password, hashing, throttle.
    let manifest = FactoryBatch::new(settings.hash)
        .with_generator(settings.generator)
        .with_threads(1)
        .run(&[DEVICE_ID], &mut OsRng::new())?;
    let record = manifest
        .records()
        .first()
        .ok_or("the batch made no record")?;
    let generator = &settings.generator;
    sections.push(Section {
        key: "passwords",
        family: "AUM",
        title: "Label password generator (a factory record)",
        en303645: &["5.1-1", "5.1-2"],
        reported_by: "iot_creds::factory::DeviceRecord::{entropy_bits, mode}, iot_creds::GeneratorConfig",
        facts: json!({
            "entropy_bits": record.entropy_bits(),
            "mode": record.mode().as_str(),
            "random_symbols": generator.length(),
            "symbols_on_label": generator.symbols_on_label(),
            "check_symbol": generator.check_symbol(),
            "minimum_entropy_bits": GeneratorConfig::MIN_ENTROPY_BITS,
        }),
    });
    let params = manifest.hash_params();
    sections.push(Section {
        key: "hashing",
        family: "AUM",
        title: "Password hashing",
        en303645: &["5.1-3"],
        reported_by: "iot_creds::factory::Manifest::hash_params, iot_creds::HashParams (Display)",
        facts: json!({
            "parameters": params.to_string(),
            "m_kib": params.m_kib(),
            "t": params.t(),
            "p": params.p(),
            "meets_owasp_minimum": params.meets_owasp_minimum(),
        }),
    });
    let (base, max) = settings.throttle.delays();
    sections.push(Section {
        key: "throttle",
        family: "AUM",
        title: "Brute-force throttle of the login",
        en303645: &["5.1-5"],
        reported_by: "iot_creds::ThrottleConfig",
        facts: json!({
            "free_attempts": settings.throttle.free_attempts(),
            "base_delay_s": base.as_secs_f64(),
            "max_delay_s": max.as_secs_f64(),
            "max_tracked_keys": settings.throttle.max_tracked(),
            "forget_after_s": settings.throttle.forget_after().as_secs_f64(),
        }),
    });

    // GEC: input validation limits.
    sections.push(Section {
        key: "input",
        family: "GEC",
        title: "Limits for JSON from the network",
        en303645: &["5.13-1B"],
        reported_by: "iot_input::json::Limits (Debug)",
        facts: json!({
            "limits": format!("{:?}", settings.json_limits),
            "ceilings": {
                "max_bytes": json::Limits::MAX_BYTES,
                "max_depth": json::Limits::MAX_DEPTH,
                "max_open_keys": json::Limits::MAX_OPEN_KEYS,
            },
        }),
    });

    // DLM: the factory-reset plan, run once for a sample receipt.
    let user_store = SealedStore::open(
        data.join("secrets"),
        root_keys.root_key()?,
        StoreOptions::default(),
    )?;
    user_store.put("auth/password", b"sample hash")?;
    for name in &settings.erase_dirs {
        fs::create_dir_all(data.join(name))?;
        fs::write(data.join(name).join("sample.txt"), b"sample user data")?;
    }
    let mut plan = ErasePlan::new(&data).sealed_store(user_store);
    for name in &settings.erase_dirs {
        plan = plan.dir(name);
    }
    let plan_shown = format!("{plan:?}");
    let report = plan.execute()?;
    let complete = report.is_complete();
    let bytes = report.bytes_overwritten();
    let mut receipt = serde_json::to_value(&report)?;
    let mut run = serde_json::Map::new();
    if let Value::Object(fields) = &mut receipt {
        for volatile in ["id", "started", "finished"] {
            if let Some(value) = fields.remove(volatile) {
                run.insert(format!("erase_receipt_{volatile}"), value);
            }
        }
    }
    sections.push(Section {
        key: "erase",
        family: "DLM",
        title: "Factory reset: erase plan and a sample receipt",
        en303645: &["5.11-1", "5.11-4"],
        reported_by: "iot_erase::ErasePlan (Debug), iot_erase::EraseReport",
        facts: json!({
            "plan": plan_shown,
            "receipt": receipt,
            "complete": complete,
            "bytes_overwritten": bytes,
        }),
    });

    // SUM: the update client's trust configuration, after a verified
    // refresh of a sample TUF repository (the one the update benches use:
    // 1,000 targets in 8 delegated roles, made with python-tuf).
    // Canonical: the file transport refuses `..` in a repository path.
    let repository = fs::canonicalize(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../benches/fixtures/tuf-1k/metadata"),
    )?;
    let trusted = dir.join("update-metadata");
    fs::create_dir_all(&trusted)?;
    DirectoryStore::open(&trusted)?.store("root", &fs::read(repository.join("root.json"))?)?;
    let limits = settings.update_limits.clone();
    let mut updater = Updater::builder(
        repository.to_str().ok_or("repository path is not UTF-8")?,
        FileTransport::new(),
        DirectoryStore::open(&trusted)?,
    )
    .limits(limits.clone())
    .build();
    updater.refresh()?;
    let sample = updater.target("role-3/file-0003.bin")?;
    sections.push(Section {
        key: "update",
        family: "SUM",
        title: "Update client: TUF trust, freshness and bounds",
        en303645: &["5.3-7", "5.3-9", "5.3-10"],
        reported_by: "iot_update::Limits, iot_update::Updater::{refresh, target}, iot_update::TargetInfo",
        facts: json!({
            "refresh_verified": true,
            "clock_floor_unix": Updater::DEFAULT_CLOCK_FLOOR,
            "max_root_rotations": limits.max_root_rotations(),
            "max_delegations": limits.max_delegations(),
            "metadata_max_bytes": {
                "root": limits.root_max_length(),
                "timestamp": limits.timestamp_max_length(),
                "snapshot": limits.snapshot_max_length(),
                "targets": limits.targets_max_length(),
            },
            "max_target_bytes": limits.max_target_length(),
            "metadata_deadline_s": limits.metadata_deadline().as_secs_f64(),
            "target_deadline_s": limits.target_deadline().as_secs_f64(),
            "sample_target": {
                "path": sample.path(),
                "length": sample.length(),
                "hash_algorithms": sample.hashes().keys().collect::<Vec<_>>(),
            },
        }),
    });

    // Paths relative to the device directory, so the pack is the same
    // wherever it was made.
    let prefix = dir.display().to_string();
    for section in &mut sections {
        let shown = serde_json::to_string(&section.facts)?.replace(&prefix, "$DEVICE");
        section.facts = serde_json::from_str(&shown)?;
    }
    Ok(Evidence {
        sections,
        run: Value::Object(run),
    })
}

impl Evidence {
    /// The JSON form.
    #[must_use]
    pub fn to_json(&self) -> Value {
        json!({
            "generated_by": format!("iot-examples conformance_evidence {}", env!("CARGO_PKG_VERSION")),
            "families": FAMILIES.iter().map(|(code, name)| json!({"code": code, "name": name})).collect::<Vec<_>>(),
            "sections": self.sections.iter().map(|s| json!({
                "key": s.key,
                "en18031_family": s.family,
                "title": s.title,
                "en303645": s.en303645,
                "reported_by": s.reported_by,
                "facts": s.facts,
            })).collect::<Vec<_>>(),
            "run": self.run,
        })
    }

    /// The Markdown form.
    pub fn to_markdown(&self) -> Result<String> {
        let mut md = String::new();
        writeln!(md, "# Conformance evidence: sample device configuration\n")?;
        writeln!(
            md,
            "Written by `cargo run --example conformance_evidence` (iot-examples {}). \
             Every fact below is what an `iot-*` crate reports for the configuration the \
             example builds; nothing is typed by hand. The maps in `docs/` say which \
             tests prove each claim. Paths are relative to the sample device (`$DEVICE`). \
             Secure update (EN 18031 SUM) is not covered: iot-update (in progress).\n",
            env!("CARGO_PKG_VERSION")
        )?;
        for (code, name) in FAMILIES {
            writeln!(md, "## EN 18031 {code}: {name}\n")?;
            for s in self.sections.iter().filter(|s| s.family == code) {
                writeln!(md, "### {}\n", s.title)?;
                writeln!(md, "- EN 303 645: {}", s.en303645.join(", "))?;
                writeln!(md, "- reported by: `{}`\n", s.reported_by)?;
                writeln!(
                    md,
                    "```json\n{}\n```\n",
                    serde_json::to_string_pretty(&s.facts)?
                )?;
            }
        }
        writeln!(md, "## This run\n")?;
        writeln!(
            md,
            "```json\n{}\n```",
            serde_json::to_string_pretty(&self.run)?
        )?;
        Ok(md)
    }

    /// Writes `evidence.md` and `evidence.json` into `out`.
    pub fn write(&self, out: &Path) -> Result<()> {
        fs::create_dir_all(out)?;
        fs::write(out.join("evidence.md"), self.to_markdown()?)?;
        fs::write(
            out.join("evidence.json"),
            serde_json::to_string_pretty(&self.to_json())? + "\n",
        )?;
        Ok(())
    }
}

fn out_dir() -> Result<PathBuf> {
    let mut args = std::env::args().skip(1);
    let mut out = PathBuf::from("conformance-evidence");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().ok_or("--out needs a directory")?.into(),
            other => return Err(format!("unknown argument {other:?} (try --help)").into()),
        }
    }
    Ok(out)
}

fn run() -> Result<()> {
    let out = out_dir()?;
    let device = tempfile::tempdir()?;
    let evidence = collect(&Settings::default(), &Fixture::new(), device.path())?;
    evidence.write(&out)?;
    println!(
        "wrote {} and {} ({} sections)",
        out.join("evidence.md").display(),
        out.join("evidence.json").display(),
        evidence.sections.len()
    );
    Ok(())
}

fn main() -> ExitCode {
    if iot_examples::help_requested(HELP) {
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("conformance_evidence: {e}");
            ExitCode::FAILURE
        }
    }
}
