//! One device, from the factory line to a factory reset, using all five
//! `iot-*` crates. Each step names the EN 303 645 provisions it demonstrates.
//!
//! ```sh
//! cargo run --example device_lifecycle              # in a temporary directory
//! cargo run --example device_lifecycle -- --dir d   # keep the files in ./d
//! ```
//!
//! 1. **Factory**: a unique label password from a CSPRNG, a device key and
//!    certificate from a (test) manufacturing CA, sealed in a factory store
//!    whose identity entries are write-once.
//! 2. **First boot**: login with the label password, a brute-force attempt
//!    slowed by the throttle (whose state survives a reboot), a new password
//!    checked against the policy.
//! 3. **Configuration**: the app's JSON configuration validated into typed
//!    values; hostile configurations refused with clear errors.
//! 4. **Secure channel**: mutual TLS 1.3 to a service on loopback.
//! 5. **Factory reset**: the user store crypto-erased, user files
//!    overwritten, a receipt; user data and credentials gone, the factory
//!    identity kept and the device back in its factory-default state.
//!
//! Where a real device uses hardware, this example uses files and says so:
//! the root key comes from `FileRootKeySource::insecure_development` (a
//! secure element, TPM or eFuse block on a device) and the rollback counters
//! are `FileCounter`s (a hardware monotonic counter on a device).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;
use std::fmt::Display;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use iot_comm::{ClientPolicy, Profile, ServerPolicy, Timeouts};
use iot_creds::rand_core::Rng;
use iot_creds::{
    ClockId, DevicePassword, GeneratorConfig, HashParams, OsRng, PasswordHasher, PasswordPolicy,
    Throttle, ThrottleConfig,
};
use iot_erase::ErasePlan;
use iot_input::mqtt::{TopicFilter, TopicName};
use iot_input::{DeviceName, EndpointUrl, Ssid, WpaPassphrase, json};
use iot_storage::secrecy::ExposeSecret;
use iot_storage::{FileCounter, FileRootKeySource, RootKeySource, SealedStore, StoreOptions};
use iot_testkit::pki::{IssuedCert, TestPki};
use serde::Deserialize;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The device in this story.
const DEVICE_ID: &str = "dev-0001";
/// Words an attacker would try first for this device: vendor, model, id, SSID.
const CONTEXT: [&str; 4] = ["acme", "cam-3000", DEVICE_ID, "HomeNet"];

// Names of the sealed entries.
const IDENTITY_CERT: &str = "identity/cert.pem";
const IDENTITY_KEY: &str = "identity/key.pem";
const LABEL_HASH: &str = "auth/label-password";
const USER_HASH: &str = "auth/password";
const THROTTLE_STATE: &str = "auth/throttle";
const THROTTLE_KEY: &str = "auth/throttle-key";
const WIFI_PASSPHRASE: &str = "wifi/passphrase";

/// Where everything lives on the (simulated) device.
struct Device {
    /// Stands in for the hardware: root key and monotonic counters.
    hardware: PathBuf,
    /// The factory store: identity and label-password hash. Survives a reset.
    factory_store: PathBuf,
    /// The erase root: everything below belongs to the user.
    data: PathBuf,
    /// The user store inside `data`: password hash, throttle, Wi-Fi secret.
    user_store: PathBuf,
    /// User files inside `data`: configuration copies, recordings.
    user_files: PathBuf,
}

impl Device {
    fn new(base: &Path) -> Result<Device> {
        let device = Device {
            hardware: base.join("hardware"),
            factory_store: base.join("factory-store"),
            data: base.join("data"),
            user_store: base.join("data/secrets"),
            user_files: base.join("data/user"),
        };
        for dir in [&device.hardware, &device.data, &device.user_files] {
            fs::create_dir_all(dir)?;
        }
        Ok(device)
    }

    /// The device root key. On a device: `impl RootKeySource` for the secure
    /// element; here a development file, as its name says.
    fn root_key_source(&self) -> FileRootKeySource {
        FileRootKeySource::insecure_development(self.hardware.join("root.key"))
    }

    fn open_store(&self, dir: &Path, counter: &str, must_exist: bool) -> Result<SealedStore> {
        let mut options = StoreOptions::default().counter(FileCounter::insecure_development(
            self.hardware.join(counter),
        )?);
        if must_exist {
            options = options.must_exist();
        }
        Ok(SealedStore::open(
            dir,
            self.root_key_source().root_key()?,
            options,
        )?)
    }

    /// The factory store on the factory line: created here, once.
    fn provision_factory_store(&self) -> Result<SealedStore> {
        self.open_store(&self.factory_store, "factory.counter", false)
    }

    /// The factory store after provisioning: it must exist. A device whose
    /// factory store was deleted gets `Error::NoStore` and refuses to work,
    /// instead of provisioning itself again with an empty store.
    fn factory_store(&self) -> Result<SealedStore> {
        self.open_store(&self.factory_store, "factory.counter", true)
    }

    /// The user store: empty after a factory reset, created at first use.
    fn user_store(&self) -> Result<SealedStore> {
        self.open_store(&self.user_store, "user.counter", false)
    }
}

/// What the steps hand on to each other.
struct Lifecycle {
    device: Device,
    rng: OsRng,
    params: HashParams,
    /// The manufacturing CA of the factory line (test only).
    ca: TestPki,
    /// What is printed on the device's label. A real device does not keep
    /// it: only its hash is stored. The example keeps it to play the user.
    label: Option<DevicePassword>,
    /// The password the user chose at first boot (the user remembers it).
    user_password: Option<String>,
}

fn heading(number: u32, title: &str, provisions: &str) {
    println!("\n== {number}. {title}   [EN 303 645 {provisions}]");
}

fn say(line: impl Display) {
    println!("   {line}");
}

/// 1. Factory: unique credentials and a device identity, sealed.
fn factory(lc: &mut Lifecycle) -> Result<()> {
    let label = DevicePassword::generate(&mut lc.rng)?;
    say(format_args!(
        "label password (printed on this device's label): {}   {:.0} bits of entropy, from the OS CSPRNG",
        label.expose_secret(),
        label.entropy_bits()
    ));
    say(
        "  not derived from the serial number or MAC address: another device's label says nothing about this one",
    );
    let started = Instant::now();
    let label_hash =
        // The symbols, not the printed grouping: firmware that groups them
        // differently still verifies every label.
        PasswordHasher::new(lc.params).hash(label.expose_secret_symbols().as_bytes(), &mut lc.rng)?;
    say(format_args!(
        "stored form: Argon2id PHC string ({} KiB, t = {}, p = {}) hashed in {} ms",
        lc.params.m_kib(),
        lc.params.t(),
        lc.params.p(),
        started.elapsed().as_millis()
    ));

    let identity: IssuedCert = lc.ca.client(DEVICE_ID);
    say(format_args!(
        "device identity: ECDSA P-256 key and certificate CN={DEVICE_ID}, signed by the manufacturing CA (spki sha-256 {})",
        hex(&iot_comm::spki_sha256(
            identity.chain().first().ok_or("empty chain")?
        )?)
    ));

    let store = lc.device.provision_factory_store()?;
    store.put_write_once(IDENTITY_CERT, identity.cert_pem().as_bytes())?;
    store.put_write_once(IDENTITY_KEY, identity.key_pem().as_bytes())?;
    store.put_write_once(LABEL_HASH, label_hash.as_bytes())?;
    say(format_args!(
        "sealed in the factory store (AES-256-GCM, keys derived from the device root key): {}",
        store.names()?.join(", ")
    ));
    let report = store.security_report();
    say(format_args!(
        "rollback protection: {:?}; development root key: {}, development counter: {} (a release build refuses to run unless `is_production_ready()`)",
        report.rollback_protection, report.development_root_key, report.development_counter
    ));
    match store.put(IDENTITY_KEY, b"a replaced key") {
        Err(e) => say(format_args!("replacing the identity key is refused: {e}")),
        Ok(()) => return Err("a write-once entry was replaced".into()),
    }
    lc.label = Some(label);
    Ok(())
}

/// The hash a login is checked against: the user's password once set, the
/// label password before (and again after a factory reset).
fn current_hash(lc: &Lifecycle) -> Result<(String, &'static str)> {
    let user = lc.device.user_store()?;
    if let Some(hash) = user.get(USER_HASH)? {
        return Ok((
            String::from_utf8(hash.expose_secret().to_vec())?,
            "user password",
        ));
    }
    let factory = lc.device.factory_store()?;
    let hash = factory
        .get(LABEL_HASH)?
        .ok_or("no label password hash: not provisioned")?;
    Ok((
        String::from_utf8(hash.expose_secret().to_vec())?,
        "label password",
    ))
}

/// 2. First boot: login, brute force throttled across a reboot, new password.
fn first_boot(lc: &mut Lifecycle) -> Result<()> {
    // A reset interrupted by a power cut would be finished here, first thing.
    if let Some(report) = iot_erase::resume(&lc.device.data)? {
        say(format_args!("finished an interrupted erase:\n{report}"));
    }
    let label = lc
        .label
        .as_ref()
        .ok_or("no label")?
        .expose_secret_symbols()
        .to_owned();
    let (hash, which) = current_hash(lc)?;
    let hasher = PasswordHasher::new(lc.params);

    // The throttle: keyed with a per-device secret and kept in the user
    // store (a reset erases both), keyed on the account, whatever the source.
    let user = lc.device.user_store()?;
    let secret = match user.get(THROTTLE_KEY)? {
        Some(secret) => <[u8; 32]>::try_from(secret.expose_secret())?,
        None => {
            let mut secret = [0u8; 32];
            lc.rng.fill_bytes(&mut secret);
            user.put(THROTTLE_KEY, &secret)?;
            secret
        }
    };
    let config = ThrottleConfig::default();
    // On Linux: `ClockId::boot()` with CLOCK_BOOTTIME readings as `now`. The
    // clock here is simulated, so each simulated boot gets its own identity.
    let mut boot = [0u8; 16];
    lc.rng.fill_bytes(&mut boot);
    let mut throttle = match user.get(THROTTLE_STATE)? {
        Some(saved) => {
            Throttle::restore(saved.expose_secret(), config, &secret, ClockId::new(boot))?
        }
        None => Throttle::new(config, &secret, ClockId::new(boot)),
    };
    let account = b"admin";
    let mut now = Duration::ZERO; // the device's monotonic clock, simulated

    // The user types the label sloppily: lower case, spaces for dashes.
    let printed = lc.label.as_ref().ok_or("no label")?.expose_secret();
    let typed = printed.to_lowercase().replace('-', " ");
    let entered = DevicePassword::from_label_entry(&typed, &GeneratorConfig::default())?;
    // Every login: begin (counted as a failure), persist, verify, succeed.
    let attempt = throttle.begin_login(account, b"lan:192.168.1.20", now)?;
    user.put(THROTTLE_STATE, &throttle.snapshot())?;
    hasher.verify(entered.expose_secret_symbols().as_bytes(), &hash)?;
    throttle.succeed(attempt);
    user.put(THROTTLE_STATE, &throttle.snapshot())?;
    say(format_args!(
        "login with the {which}, typed as \"{typed}\": accepted (entry forgives case, spaces, O/0, I/1/L)"
    ));

    // Someone on the LAN tries the botnet favourites.
    let source = b"lan:192.168.1.77";
    say("an attacker on the LAN tries default passwords (the clock is simulated, nothing sleeps):");
    for guess in [
        "admin", "12345", "password", "xc3511", "vizxv", "888888", "admin123", "default",
    ] {
        let attempt = loop {
            match throttle.begin_login(account, source, now) {
                Ok(attempt) => break attempt,
                Err(retry) => {
                    say(format_args!(
                        "  t={:>4} s  refused before any hashing: {retry}; the attacker waits",
                        now.as_secs()
                    ));
                    now += retry.duration();
                }
            }
        };
        // Counted and sealed before verifying: cutting the power while
        // Argon2 runs saves the attacker nothing.
        user.put(THROTTLE_STATE, &throttle.snapshot())?;
        if hasher.verify(guess.as_bytes(), &hash).is_ok() {
            return Err("a default password opened the device".into());
        }
        drop(attempt); // a wrong guess: the failure stays counted
        say(format_args!("  t={:>4} s  {guess:<9} wrong", now.as_secs()));
    }
    let before = throttle
        .begin_login(account, source, now)
        .err()
        .ok_or("throttle not engaged")?;
    let elsewhere = throttle
        .begin_login(account, b"lan:192.168.1.78", now)
        .err()
        .ok_or("another source got a fresh count")?;
    say(format_args!(
        "  the same account from another address: refused too ({elsewhere}): the account is what is counted"
    ));

    // The device reboots: a new clock, the state comes back from the store.
    drop((throttle, user));
    let user = lc.device.user_store()?;
    let saved = user.get(THROTTLE_STATE)?.ok_or("throttle state lost")?;
    lc.rng.fill_bytes(&mut boot);
    let mut throttle =
        Throttle::restore(saved.expose_secret(), config, &secret, ClockId::new(boot))?;
    let mut now = Duration::ZERO;
    let after = throttle
        .begin_login(account, source, now)
        .err()
        .ok_or("a reboot reset the throttle")?;
    // The first reading of the new clock moved the delays onto it: seal that.
    user.put(THROTTLE_STATE, &throttle.snapshot())?;
    say(format_args!(
        "throttle state sealed, device rebooted: before the reboot \"{before}\", after it \"{after}\""
    ));
    now += after.duration();

    // The user sets their own password; the policy explains refusals. The
    // change verifies the old password, so it is throttled like a login.
    let policy = PasswordPolicy::default();
    say(format_args!(
        "after the delay, the user picks a new password (context words: {})",
        CONTEXT.join(", ")
    ));
    let owner = b"lan:192.168.1.20";
    for candidate in ["admin123", "acme-cam-3000!", "qwertyuiop", "abcabcabcabc"] {
        let attempt = throttle.begin_login(account, owner, now)?;
        user.put(THROTTLE_STATE, &throttle.snapshot())?;
        let changed = hasher.change_password(
            &mut throttle,
            attempt,
            &label,
            candidate,
            &hash,
            &policy,
            &CONTEXT,
            &mut lc.rng,
        );
        match changed {
            Err(iot_creds::Error::Policy(reason)) => {
                say(format_args!("  {candidate:<15} refused: {reason}"))
            }
            Err(e) => return Err(e.into()),
            Ok(_) => return Err(format!("the policy accepted {candidate}").into()),
        }
    }
    let chosen = "lantern-otter-rainfall";
    let attempt = throttle.begin_login(account, owner, now)?;
    user.put(THROTTLE_STATE, &throttle.snapshot())?;
    let new_hash = hasher.change_password(
        &mut throttle,
        attempt,
        &label,
        chosen,
        &hash,
        &policy,
        &CONTEXT,
        &mut lc.rng,
    )?;
    user.put(USER_HASH, new_hash.as_bytes())?;
    user.put(THROTTLE_STATE, &throttle.snapshot())?;
    say(format_args!(
        "  {chosen:<15} accepted; its Argon2id hash and the throttle state are sealed in the user store"
    ));
    let old_works = hasher.verify(label.as_bytes(), &new_hash).is_ok();
    let new_works = hasher.verify(chosen.as_bytes(), &new_hash).is_ok();
    say(format_args!(
        "  label password now: {}; new password: {}",
        verdict(old_works),
        verdict(new_works)
    ));
    if old_works || !new_works {
        return Err("password change did not take effect".into());
    }
    lc.user_password = Some(chosen.to_owned());
    Ok(())
}

fn verdict(ok: bool) -> &'static str {
    if ok { "accepted" } else { "refused" }
}

/// The configuration the companion app sends, as typed values: a value
/// that exists has been validated.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppConfig {
    wifi: WifiConfig,
    broker: EndpointUrl,
    topics: Topics,
    device_name: DeviceName,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WifiConfig {
    ssid: Ssid,
    passphrase: WpaPassphrase,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Topics {
    publish: TopicName,
    subscribe: TopicFilter,
}

const GOOD_CONFIG: &str = r#"{
  "wifi": { "ssid": "HomeNet", "passphrase": "correct pony battery staple" },
  "broker": "mqtts://broker.example.com:8883",
  "topics": { "publish": "devices/dev-0001/telemetry", "subscribe": "devices/dev-0001/commands/#" },
  "device_name": "Kitchen camera"
}"#;

/// 3. Configuration from the app: validated at the edge.
fn configuration(lc: &mut Lifecycle) -> Result<()> {
    let limits = json::Limits::default();
    let config: AppConfig = json::from_slice(GOOD_CONFIG.as_bytes(), &limits)?;
    say("the app's JSON configuration, validated into typed values:");
    say(format_args!("  wifi ssid    {}", config.wifi.ssid));
    say("  passphrase   (valid WPA2 passphrase; sealed, never printed)");
    say(format_args!(
        "  broker       {} (scheme {}, host {}, port {})",
        config.broker,
        config.broker.scheme(),
        config.broker.host(),
        config.broker.port_or_default()
    ));
    say(format_args!("  publish      {}", config.topics.publish));
    say(format_args!("  subscribe    {}", config.topics.subscribe));
    say(format_args!("  device name  {}", config.device_name));
    let user = lc.device.user_store()?;
    user.put(
        WIFI_PASSPHRASE,
        config.wifi.passphrase.expose_secret().as_bytes(),
    )?;
    // The app's settings and a recording: the user's data on this device.
    fs::write(lc.device.user_files.join("settings.json"), GOOD_CONFIG)?;
    fs::create_dir_all(lc.device.user_files.join("recordings"))?;
    fs::write(
        lc.device.user_files.join("recordings/clip-0001.h264"),
        vec![0x5a; 256 * 1024],
    )?;
    say(
        "Wi-Fi passphrase sealed; settings.json and a 256 KiB recording written to the user's files",
    );

    say(
        "hostile configurations, each refused (errors name the reason and offset, never the input):",
    );
    let deep = format!("{}1{}", "[".repeat(40), "]".repeat(40));
    let hostile: [(&str, String); 5] = [
        ("nested 40 deep", deep),
        (
            "bidi override in the name",
            GOOD_CONFIG.replace("Kitchen camera", "Kitchen \u{202e}aremac"),
        ),
        (
            "credentials in the URL",
            GOOD_CONFIG.replace("mqtts://broker", "mqtts://admin:hunter2@broker"),
        ),
        (
            "wildcard in a publish topic",
            GOOD_CONFIG.replace("\"devices/dev-0001/telemetry\"", "\"devices/+/telemetry\""),
        ),
        (
            "duplicate key",
            GOOD_CONFIG.replace(
                "\"device_name\"",
                "\"broker\": \"mqtts://evil.example\", \"device_name\"",
            ),
        ),
    ];
    for (what, document) in &hostile {
        match json::from_slice::<AppConfig>(document.as_bytes(), &limits) {
            Err(e) => say(format_args!("  {what:<28} refused: {e}")),
            Ok(_) => return Err(format!("hostile configuration accepted: {what}").into()),
        }
    }
    Ok(())
}

/// 4. Mutual TLS 1.3 with the device identity, to a service on loopback.
fn secure_channel(lc: &mut Lifecycle) -> Result<()> {
    // The service: its certificate from the same CA, device certificates required.
    let service = lc.ca.server("localhost");
    let server_config = ServerPolicy::new(Profile::Modern)
        .identity(service.chain().to_vec(), service.key())
        .require_client_auth(lc.ca.root_store())
        .build()?;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || -> std::result::Result<Vec<String>, String> {
        let mut seen = Vec::new();
        for _ in 0..2 {
            let (sock, _) = listener.accept().map_err(|e| e.to_string())?;
            match iot_comm::accept(sock, server_config.clone(), Timeouts::default()) {
                Ok(mut tls) => {
                    let mut line = String::new();
                    BufReader::new(&mut tls)
                        .read_line(&mut line)
                        .map_err(|e| e.to_string())?;
                    tls.write_all(b"ack\n").map_err(|e| e.to_string())?;
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                    seen.push(format!("accepted, read {:?}", line.trim_end()));
                }
                Err(e) => seen.push(format!("refused: {e}")),
            }
        }
        Ok(seen)
    });

    // The device: trust the manufacturer's CA, present the sealed identity.
    let factory = lc.device.factory_store()?;
    let cert = factory
        .get(IDENTITY_CERT)?
        .ok_or("identity certificate missing")?;
    let key = factory.get(IDENTITY_KEY)?.ok_or("identity key missing")?;
    let policy = ClientPolicy::new(Profile::Modern)
        .trust_pem(lc.ca.ca_cert_pem().as_bytes())?
        .client_identity_pem(cert.expose_secret(), key.expose_secret())?;
    drop(key);
    let client_config = policy.build()?;
    say("the device's TLS policy report (for the conformance file):");
    for line in policy.report().to_string().lines() {
        say(format_args!("  | {line}"));
    }
    let mut tls = iot_comm::connect(addr, "localhost", client_config, Timeouts::default())?;
    let version = tls.conn.protocol_version().ok_or("no version")?;
    let suite = tls.conn.negotiated_cipher_suite().ok_or("no suite")?;
    let group = tls.conn.negotiated_key_exchange_group().ok_or("no group")?;
    say(format_args!(
        "negotiated: {version:?}, {:?}, key exchange {:?}, server chain of {} certificate(s) verified",
        suite.suite(),
        group.name(),
        tls.conn.peer_certificates().map_or(0, <[_]>::len)
    ));
    tls.write_all(b"telemetry 21.5 C\n")?;
    let mut reply = String::new();
    BufReader::new(&mut tls).read_line(&mut reply)?;
    say(format_args!(
        "sent telemetry over the channel, the service answered {:?}",
        reply.trim_end()
    ));

    // Without the device certificate the service refuses the connection.
    let anonymous = ClientPolicy::new(Profile::Modern)
        .trust_pem(lc.ca.ca_cert_pem().as_bytes())?
        .build()?;
    let refused = match iot_comm::connect(addr, "localhost", anonymous, Timeouts::default()) {
        // In TLS 1.3 the client finishes its side before the server has
        // checked the (missing) certificate: the refusal arrives on first read.
        Ok(mut t) => {
            let mut line = String::new();
            let read = t
                .write_all(b"hello\n")
                .and_then(|()| BufReader::new(&mut t).read_line(&mut line));
            match read {
                Ok(0) => "connection closed by the service".to_owned(),
                Ok(_) => return Err("a client without a certificate was served".into()),
                Err(e) => format!("refused ({e})"),
            }
        }
        Err(e) => format!("refused ({e})"),
    };
    say(format_args!(
        "a client without a device certificate: {refused}"
    ));
    let seen = server.join().map_err(|_| "service thread panicked")??;
    for line in &seen {
        say(format_args!("service: {line}"));
    }
    let enforced = matches!(seen.as_slice(), [first, second]
        if first.starts_with("accepted") && second.starts_with("refused"));
    if !enforced {
        return Err("the service did not enforce mutual TLS".into());
    }
    Ok(())
}

/// 5. Factory reset: user data and credentials gone, a receipt.
fn factory_reset(lc: &mut Lifecycle) -> Result<()> {
    let user_store = lc.device.user_store()?;
    let report = ErasePlan::new(&lc.device.data)
        .sealed_store(user_store)
        .dir("secrets")
        .dir("user")
        .custom(
            "cloud account deletion (simulated: this example has no network)",
            || Ok(()),
        )
        .execute()?;
    say("the receipt shown to the user:");
    for line in report.to_string().lines() {
        say(format_args!("  | {line}"));
    }
    // Shown: the persisted copy of the receipt can go.
    report.acknowledge(&lc.device.data)?;

    // Everything but the erase's own lock file (empty, kept for the next run).
    let leftovers: Vec<_> = fs::read_dir(&lc.device.data)?
        .filter(|e| {
            e.as_ref()
                .map_or(true, |e| e.file_name() != ".iot-erase-lock")
        })
        .collect::<std::io::Result<_>>()?;
    say(format_args!(
        "files left under the erase root: {}",
        leftovers.len()
    ));
    let user = lc.device.user_store()?; // a new, empty store now
    let user_entries = user.names()?;
    say(format_args!(
        "the user store reopened with the same root key: {} entries",
        user_entries.len()
    ));
    drop(user);
    let factory = lc.device.factory_store()?;
    let identity_kept =
        factory.get(IDENTITY_KEY)?.is_some() && factory.get(IDENTITY_CERT)?.is_some();
    say(format_args!(
        "factory identity (separate factory store, write-once): {}",
        if identity_kept {
            "kept, so the device can still prove what it is"
        } else {
            "GONE"
        }
    ));
    drop(factory);

    let (hash, which) = current_hash(lc)?;
    let hasher = PasswordHasher::new(lc.params);
    let label = lc.label.as_ref().ok_or("no label")?.expose_secret_symbols();
    let user_password = lc.user_password.as_deref().ok_or("no user password")?;
    let label_ok = hasher.verify(label.as_bytes(), &hash).is_ok();
    let user_ok = hasher.verify(user_password.as_bytes(), &hash).is_ok();
    say(format_args!(
        "login now checks the {which}: the user's password is {}, the label password is {} (factory-default state)",
        verdict(user_ok),
        verdict(label_ok)
    ));
    if !report.is_complete()
        || !leftovers.is_empty()
        || !user_entries.is_empty()
        || !identity_kept
        || user_ok
        || !label_ok
    {
        return Err("the factory reset did not leave the documented state".into());
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_dir() -> Result<Option<PathBuf>> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next(), args.next()) {
        (None, _, _) => Ok(None),
        (Some("--dir"), Some(dir), None) => Ok(Some(PathBuf::from(dir))),
        _ => Err(format!("unexpected arguments\n\n{HELP}").into()),
    }
}

const HELP: &str = "\
Walks one simulated device from the factory to a factory reset with all five
iot-* crates, narrating each step with the EN 303 645 provisions it serves.
Exits non-zero if any step does not do what it claims.

Usage: device_lifecycle [--dir PATH]

Options:
  --dir PATH   keep the device's files in PATH (default: a temporary
               directory, removed at the end)
  -h, --help   print this help and exit
";

fn main() -> ExitCode {
    if iot_examples::help_requested(HELP) {
        return ExitCode::SUCCESS;
    }
    match parse_dir().and_then(run) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("device_lifecycle: {e}");
            ExitCode::FAILURE
        }
    }
}

type Step = fn(&mut Lifecycle) -> Result<()>;

/// Runs the whole story in `kept` (or a temporary directory); `Ok(true)`
/// when every step did what it should.
pub(crate) fn run(kept: Option<PathBuf>) -> Result<bool> {
    println!("device_lifecycle: one device from factory line to factory reset");
    let (_temporary, base) = iot_examples::device_dir(kept.as_deref())?;

    let mut lc = Lifecycle {
        device: Device::new(&base)?,
        rng: OsRng::new(),
        params: HashParams::owasp(),
        ca: TestPki::new(),
        label: None,
        user_password: None,
    };
    let steps: [(&str, &str, Step); 5] = [
        ("Factory", "5.1-1, 5.1-2, 5.1-2A, 5.4-1, 5.4-3", factory),
        ("First boot", "5.1-3, 5.1-4, 5.1-5, 5.4-1", first_boot),
        ("Configuration", "5.13-1A, 5.13-1B", configuration),
        (
            "Secure channel",
            "5.1-2A, 5.5-1, 5.5-7, 5.8-1",
            secure_channel,
        ),
        (
            "Factory reset",
            "5.11-1, 5.11-2, 5.11-4, 6-6",
            factory_reset,
        ),
    ];
    let started = Instant::now();
    let mut results = Vec::new();
    let mut failed = false;
    for (i, (title, provisions, step)) in steps.iter().enumerate() {
        let number = u32::try_from(i + 1)?;
        if failed {
            results.push((number, *title, *provisions, "skipped".to_owned()));
            continue;
        }
        heading(number, title, provisions);
        let result = match step(&mut lc) {
            Ok(()) => "ok".to_owned(),
            Err(e) => {
                failed = true;
                println!("   FAILED: {e}");
                format!("FAILED: {e}")
            }
        };
        results.push((number, *title, *provisions, result));
    }

    println!("\n== Summary ({} ms)", started.elapsed().as_millis());
    println!(
        "   {:<2} {:<15} {:<36} result",
        "#", "step", "EN 303 645 provisions"
    );
    for (number, title, provisions, result) in &results {
        println!("   {number:<2} {title:<15} {provisions:<36} {result}");
    }
    Ok(!failed)
}
