//! Interop with a real MQTT broker: mosquitto on loopback, configured the way
//! a device maker's broker should be (TLS 1.3 only, client certificates
//! required and used as the identity), and the `rumqttc` client library fed
//! an `iot-comm` `ClientConfig`. Topics go through `iot-input` first.
//!
//! These tests need the `mosquitto` program, so they are ignored in a plain
//! `cargo test`; `.ci/run` installs mosquitto and runs them with
//! `cargo test --workspace -- --ignored interop_`.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::fmt::Write as _;
use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use iot_comm::pki_types::pem::PemObject;
use iot_comm::rustls::ClientConfig;
use iot_comm::{ClientPolicy, Profile};
use iot_input::mqtt::{TopicFilter, TopicName};
use iot_testkit::pki::TestPki;
use rumqttc::{
    Client, ConnectionError, Event, MqttOptions, Packet, QoS, TlsConfiguration, Transport,
};

/// The TLS versions a test broker offers.
#[derive(Clone, Copy, Debug, PartialEq)]
enum BrokerTls {
    /// `tls_version tlsv1.3`: what a broker for devices should do.
    Only13,
    /// TLS 1.2 and nothing newer: a legacy broker the Modern profile must refuse.
    Only12,
}

/// A mosquitto process on a loopback port, killed on drop.
struct Broker {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

fn mosquitto_program() -> PathBuf {
    let in_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into()])
        .map(|dir| dir.join("mosquitto"))
        .find(|p| p.is_file());
    in_path.expect("mosquitto is installed (apt-get install mosquitto; .ci/run does this)")
}

fn free_loopback_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn current_user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un runs");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

impl Broker {
    fn start(pki: &TestPki, tls: BrokerTls) -> Broker {
        let dir = tempfile::tempdir().unwrap();
        let ca = pki.write_ca_cert(dir.path()).unwrap();
        let (cert, key) = pki.server("localhost").write(dir.path(), "broker").unwrap();
        let port = free_loopback_port();
        let mut conf = String::new();
        writeln!(conf, "listener {port} 127.0.0.1").unwrap();
        writeln!(conf, "cafile {}", ca.display()).unwrap();
        writeln!(conf, "certfile {}", cert.display()).unwrap();
        writeln!(conf, "keyfile {}", key.display()).unwrap();
        // Mutual TLS: no certificate, no connection; the certificate's CN is
        // the client's identity, so no password is involved (5.1-2A).
        conf.push_str("require_certificate true\nuse_identity_as_username true\n");
        conf.push_str("allow_anonymous false\npersistence false\n");
        // As root, mosquitto would drop to user `mosquitto`, which cannot read
        // our 0600 key file; as any other user this line has no effect.
        writeln!(conf, "user {}", current_user()).unwrap();
        let mut command = Command::new(mosquitto_program());
        match tls {
            BrokerTls::Only13 => conf.push_str("tls_version tlsv1.3\n"),
            BrokerTls::Only12 => {
                // mosquitto's `tls_version tlsv1.2` is a minimum, not a
                // maximum; OpenSSL's own configuration caps the version.
                conf.push_str("tls_version tlsv1.2\n");
                let cnf = dir.path().join("openssl-max-tls12.cnf");
                fs::write(
                    &cnf,
                    "openssl_conf = openssl_init\n[openssl_init]\nssl_conf = ssl_sect\n\
                     [ssl_sect]\nsystem_default = system_default_sect\n\
                     [system_default_sect]\nMaxProtocol = TLSv1.2\n",
                )
                .unwrap();
                command.env("OPENSSL_CONF", cnf);
            }
        }
        let conf_path = dir.path().join("mosquitto.conf");
        fs::write(&conf_path, conf).unwrap();
        let log = fs::File::create(dir.path().join("mosquitto.log")).unwrap();
        let child = command
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("mosquitto starts");
        let mut broker = Broker { child, port, dir };
        broker.wait_until_listening();
        broker
    }

    fn wait_until_listening(&mut self) {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("mosquitto exited ({status}):\n{}", self.log());
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        panic!("mosquitto did not listen on {addr}:\n{}", self.log());
    }

    fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("mosquitto.log")).unwrap_or_default()
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one client session achieved before it ended.
#[derive(Debug)]
enum Outcome {
    /// Connected, subscribed, published and received its own message.
    Received { topic: String, payload: Vec<u8> },
    /// The session failed; the error as rumqttc reports it.
    Failed(String),
}

/// Connects as `client_id`, subscribes to `filter`, publishes `payload` to
/// `topic` and waits for the message to come back through the broker.
fn round_trip(
    port: u16,
    config: Arc<ClientConfig>,
    client_id: &str,
    filter: &TopicFilter,
    topic: &TopicName,
    payload: &[u8],
) -> Outcome {
    let mut options = MqttOptions::new(client_id, "localhost", port);
    options.set_keep_alive(Duration::from_secs(5));
    options.set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(config)));
    let (client, mut connection) = Client::new(options, 10);
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        match connection.recv_timeout(Duration::from_millis(500)) {
            Err(_) => continue, // nothing yet
            Ok(Err(e)) => return Outcome::Failed(describe(&e)),
            Ok(Ok(Event::Incoming(Packet::ConnAck(_)))) => {
                client.subscribe(filter.as_str(), QoS::AtLeastOnce).unwrap();
            }
            Ok(Ok(Event::Incoming(Packet::SubAck(_)))) => {
                client
                    .publish(topic.as_str(), QoS::AtLeastOnce, false, payload.to_vec())
                    .unwrap();
            }
            Ok(Ok(Event::Incoming(Packet::Publish(p)))) => {
                let _ = client.disconnect();
                return Outcome::Received {
                    topic: p.topic,
                    payload: p.payload.to_vec(),
                };
            }
            Ok(Ok(_)) => {}
        }
    }
    Outcome::Failed("no message within 15 s".to_owned())
}

fn describe(e: &ConnectionError) -> String {
    match e {
        ConnectionError::Tls(tls) => format!("tls: {tls}"),
        other => format!("{other}"),
    }
}

struct Setup {
    pki: TestPki,
    filter: TopicFilter,
    topic: TopicName,
}

fn setup() -> Setup {
    Setup {
        pki: TestPki::new(),
        // Topics arrive as untrusted strings (from an app or a cloud
        // configuration) and are validated before any use.
        filter: TopicFilter::parse("devices/+/telemetry").unwrap(),
        topic: TopicName::parse("devices/dev-0001/telemetry").unwrap(),
    }
}

fn device_config(pki: &TestPki, profile: Profile) -> Arc<ClientConfig> {
    let device = pki.client("dev-0001");
    ClientPolicy::new(profile)
        .trust_pem(pki.ca_cert_pem().as_bytes())
        .unwrap()
        .client_identity(device.chain().to_vec(), device.key())
        .build()
        .unwrap()
}

#[test]
#[ignore = "interop: needs mosquitto; run by .ci/run"]
fn interop_mosquitto_mutual_tls13_publish_subscribe() {
    let s = setup();
    let broker = Broker::start(&s.pki, BrokerTls::Only13);
    let config = device_config(&s.pki, Profile::Modern);
    match round_trip(
        broker.port,
        config,
        "dev-0001",
        &s.filter,
        &s.topic,
        b"21.5 C",
    ) {
        Outcome::Received { topic, payload } => {
            assert_eq!(topic, s.topic.as_str());
            assert_eq!(payload, b"21.5 C");
            // The message came back on a topic the validated filter matches.
            assert!(s.filter.matches(&TopicName::parse(&topic).unwrap()));
        }
        Outcome::Failed(e) => panic!("round trip failed: {e}\n{}", broker.log()),
    }
    // The broker authenticated the device by its certificate, not a password.
    assert!(
        broker.log().contains("as dev-0001") || broker.log().contains("u'dev-0001'"),
        "broker log names the certificate identity:\n{}",
        broker.log()
    );
}

#[test]
#[ignore = "interop: needs mosquitto; run by .ci/run"]
fn interop_mosquitto_refuses_client_without_certificate() {
    let s = setup();
    let broker = Broker::start(&s.pki, BrokerTls::Only13);
    let no_identity = ClientPolicy::new(Profile::Modern)
        .trust_pem(s.pki.ca_cert_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let outcome = round_trip(broker.port, no_identity, "anon", &s.filter, &s.topic, b"x");
    // In TLS 1.3 the broker's refusal arrives as an alert after the client's
    // side of the handshake has finished.
    match outcome {
        Outcome::Failed(e) => assert!(e.contains("CertificateRequired"), "{e}"),
        other => panic!("a client without a certificate got through: {other:?}"),
    }
}

#[test]
#[ignore = "interop: needs mosquitto; run by .ci/run"]
fn interop_mosquitto_wrong_pin_is_refused_right_pin_accepted() {
    let s = setup();
    let broker = Broker::start(&s.pki, BrokerTls::Only13);
    let device = s.pki.client("dev-0001");
    let pinned = |pin: [u8; 32]| {
        ClientPolicy::new(Profile::Modern)
            .trust_pem(s.pki.ca_cert_pem().as_bytes())
            .unwrap()
            .pin_spki_sha256(pin)
            .client_identity(device.chain().to_vec(), device.key())
            .build()
            .unwrap()
    };
    // A pin of some other key: the broker's certificate chains to the trusted
    // CA and names `localhost`, but it is not the key the device expects.
    let other_key = s.pki.server("localhost");
    let wrong_pin = iot_comm::spki_sha256(&other_key.chain()[0]).unwrap();
    let outcome = round_trip(
        broker.port,
        pinned(wrong_pin),
        "dev-0001",
        &s.filter,
        &s.topic,
        b"x",
    );
    match outcome {
        Outcome::Failed(e) => assert!(e.contains("PinMismatch"), "{e}"),
        other => panic!("a wrong pin was accepted: {other:?}"),
    }

    // The broker's real key, read from the certificate it serves.
    let served = fs::read(broker.path().join("broker.pem")).unwrap();
    let served = iot_comm::pki_types::CertificateDer::from_pem_slice(&served).unwrap();
    let right_pin = iot_comm::spki_sha256(&served).unwrap();
    let outcome = round_trip(
        broker.port,
        pinned(right_pin),
        "dev-0001",
        &s.filter,
        &s.topic,
        b"y",
    );
    assert!(
        matches!(outcome, Outcome::Received { .. }),
        "the right pin must connect: {outcome:?}\n{}",
        broker.log()
    );
}

#[test]
#[ignore = "interop: needs mosquitto; run by .ci/run"]
fn interop_mosquitto_tls12_only_broker_refused_by_modern() {
    let s = setup();
    let broker = Broker::start(&s.pki, BrokerTls::Only12);
    let modern = device_config(&s.pki, Profile::Modern);
    match round_trip(broker.port, modern, "dev-0001", &s.filter, &s.topic, b"x") {
        // The device offers only TLS 1.3; the broker answers that it has no
        // version in common.
        Outcome::Failed(e) => assert!(e.contains("ProtocolVersion"), "{e}"),
        other => panic!("Modern accepted a TLS 1.2-only broker: {other:?}"),
    }
    // The same broker and PKI work for an Intermediate client, so the refusal
    // above is the profile's doing, not a broken broker.
    let intermediate = device_config(&s.pki, Profile::Intermediate);
    let outcome = round_trip(
        broker.port,
        intermediate,
        "dev-0001",
        &s.filter,
        &s.topic,
        b"y",
    );
    assert!(
        matches!(outcome, Outcome::Received { .. }),
        "Intermediate must connect to a TLS 1.2 broker: {outcome:?}\n{}",
        broker.log()
    );
}
