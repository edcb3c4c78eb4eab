//! A device talking to a real MQTT broker over mutual TLS: the broker URL and
//! topics are validated with `iot-input`, the TLS configuration comes from
//! `iot-comm` (Modern profile by default: TLS 1.3 only), and the device
//! authenticates with its certificate, not a password (EN 303 645 5.1-2A,
//! 5.5-1, 5.8-1, 5.13-1B).
//!
//! ```sh
//! # 1. a throw-away PKI and a mosquitto configuration for it
//! cargo run --example mqtt_device -- --write-test-pki /tmp/mqtt-pki
//! # 2. the broker (TLS 1.3 only, client certificates required)
//! mosquitto -c /tmp/mqtt-pki/mosquitto.conf
//! # 3. the device: subscribe, publish, receive its own message
//! cargo run --example mqtt_device -- --broker mqtts://localhost:8883 \
//!     --ca /tmp/mqtt-pki/ca.pem --cert /tmp/mqtt-pki/device.pem --key /tmp/mqtt-pki/device.key
//! ```
//!
//! Options: `--topic NAME` (default `devices/dev-0001/telemetry`),
//! `--filter FILTER` (default: the topic), `--message TEXT`, `--pin PIN` (an
//! SPKI SHA-256 pin of the broker key or its CA, 64 hex digits or curl's
//! `sha256//BASE64`; may repeat), `--profile
//! modern|intermediate`, `--client-id ID`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use iot_comm::{ClientPolicy, Profile};
use iot_input::mqtt::{TopicFilter, TopicName};
use iot_input::{EndpointUrl, Scheme, UrlPolicy};
use iot_testkit::pki::TestPki;
use rumqttc::{Client, Event, MqttOptions, Packet, QoS, TlsConfiguration, Transport};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const USAGE: &str = "\
An MQTT device over mutual TLS (iot-comm) with validated topics (iot-input):
connects to a broker, subscribes, publishes one message and waits for it.

Usage:
  mqtt_device --write-test-pki DIR
  mqtt_device --broker mqtts://HOST[:PORT] --ca CA.pem --cert DEVICE.pem --key DEVICE.key
              [--topic NAME] [--filter FILTER] [--message TEXT] [--pin PIN]...
              [--profile modern|intermediate] [--client-id ID]

Options:
  --write-test-pki DIR   write a test CA, broker and device certificates and a
                         mosquitto configuration to DIR, then exit
  --broker URL           mqtts://HOST[:PORT] of the broker
  --ca, --cert, --key    CA certificate, device certificate and key (PEM)
  --topic NAME           topic to publish to (default devices/dev-0001/telemetry)
  --filter FILTER        topic filter to subscribe to (default: the topic)
  --message TEXT         message to publish
  --pin PIN              SPKI SHA-256 pin of the broker or its CA, as hex
                         or sha256//BASE64 (may be repeated)
  --profile NAME         modern or intermediate (default modern)
  --client-id ID         MQTT client id (default dev-0001)
  -h, --help             print this help and exit";

#[derive(Debug)]
struct Args {
    broker: String,
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
    topic: String,
    filter: Option<String>,
    message: String,
    pins: Vec<String>,
    profile: Profile,
    client_id: String,
}

enum Command {
    WriteTestPki(PathBuf),
    Run(Args),
}

fn parse_args() -> Result<Command> {
    let mut it = std::env::args().skip(1);
    let mut broker = None;
    let (mut ca, mut cert, mut key) = (None, None, None);
    let mut args = Args {
        broker: String::new(),
        ca: PathBuf::new(),
        cert: PathBuf::new(),
        key: PathBuf::new(),
        topic: "devices/dev-0001/telemetry".to_owned(),
        filter: None,
        message: "hello from dev-0001".to_owned(),
        pins: Vec::new(),
        profile: Profile::Modern,
        client_id: "dev-0001".to_owned(),
    };
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--write-test-pki" => return Ok(Command::WriteTestPki(value()?.into())),
            "--broker" => broker = Some(value()?),
            "--ca" => ca = Some(PathBuf::from(value()?)),
            "--cert" => cert = Some(PathBuf::from(value()?)),
            "--key" => key = Some(PathBuf::from(value()?)),
            "--topic" => args.topic = value()?,
            "--filter" => args.filter = Some(value()?),
            "--message" => args.message = value()?,
            "--pin" => args.pins.push(value()?),
            "--profile" => args.profile = value()?.parse()?,
            "--client-id" => args.client_id = value()?,
            other => return Err(format!("unknown argument {other:?}\n{USAGE}").into()),
        }
    }
    match (broker, ca, cert, key) {
        (Some(b), Some(ca), Some(cert), Some(key)) => {
            args.broker = b;
            args.ca = ca;
            args.cert = cert;
            args.key = key;
            Ok(Command::Run(args))
        }
        _ => Err(format!("--broker, --ca, --cert and --key are required\n{USAGE}").into()),
    }
}

/// Writes a test CA, a broker and a device certificate, and a mosquitto
/// configuration that requires TLS 1.3 and client certificates.
fn write_test_pki(dir: PathBuf) -> Result<()> {
    fs::create_dir_all(&dir)?;
    let dir = dir.canonicalize()?;
    let pki = TestPki::new();
    let ca = pki.write_ca_cert(&dir)?;
    let (broker_cert, broker_key) = pki.server("localhost").write(&dir, "broker")?;
    let (device_cert, device_key) = pki.client("dev-0001").write(&dir, "device")?;
    let conf = dir.join("mosquitto.conf");
    fs::write(
        &conf,
        format!(
            "# Test broker for the mqtt_device example: loopback only, TLS 1.3 only,\n\
             # a client certificate from the test CA required and used as the identity.\n\
             listener 8883 127.0.0.1\n\
             cafile {}\ncertfile {}\nkeyfile {}\n\
             tls_version tlsv1.3\nrequire_certificate true\nuse_identity_as_username true\n\
             allow_anonymous false\npersistence false\n",
            ca.display(),
            broker_cert.display(),
            broker_key.display()
        ),
    )?;
    println!(
        "wrote a test PKI (test only: the CA key was never stored) to {}",
        dir.display()
    );
    println!("  start the broker:  mosquitto -c {}", conf.display());
    println!(
        "    (as root, add `user root` to the file: mosquitto drops to a user that cannot read the 0600 key)"
    );
    println!(
        "  run the device:    cargo run --example mqtt_device -- --broker mqtts://localhost:8883 --ca {} --cert {} --key {}",
        ca.display(),
        device_cert.display(),
        device_key.display()
    );
    Ok(())
}

fn run(args: Args) -> Result<()> {
    // Everything that arrives from outside is validated before use (5.13-1B):
    // the broker URL must be mqtts:// with a valid host, topics must be
    // valid MQTT names and filters.
    let broker = EndpointUrl::parse_with(&args.broker, &UrlPolicy::new().only(&[Scheme::Mqtts]))
        .map_err(|e| format!("--broker rejected: {e}"))?;
    let topic = TopicName::parse(&args.topic).map_err(|e| format!("--topic rejected: {e}"))?;
    let filter = TopicFilter::parse(args.filter.as_deref().unwrap_or(&args.topic))
        .map_err(|e| format!("--filter rejected: {e}"))?;
    if !filter.matches(&topic) {
        println!(
            "note: filter {filter} does not match topic {topic}; the message will not come back"
        );
    }

    let mut policy = ClientPolicy::new(args.profile)
        .trust_pem(&fs::read(&args.ca)?)?
        .client_identity_pem(&fs::read(&args.cert)?, &fs::read(&args.key)?)?;
    for pin in &args.pins {
        policy = policy.pin_spki_sha256(pin.parse::<iot_comm::SpkiPin>()?);
    }
    let config = policy.build()?;
    println!("TLS policy:\n{}", policy.report());

    let host = broker.host().to_string();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let mut options = MqttOptions::new(&args.client_id, host, broker.port_or_default());
    options.set_keep_alive(Duration::from_secs(10));
    options.set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(config)));
    let (client, mut connection) = Client::new(options, 10);

    println!("connecting to {broker} as {} ...", args.client_id);
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let event = match connection.recv_timeout(Duration::from_millis(500)) {
            Err(_) => continue,
            Ok(event) => event.map_err(|e| format!("connection failed: {e}"))?,
        };
        match event {
            Event::Incoming(Packet::ConnAck(ack)) => {
                println!("connected ({:?}); subscribing to {filter}", ack.code);
                client.subscribe(filter.as_str(), QoS::AtLeastOnce)?;
            }
            Event::Incoming(Packet::SubAck(_)) => {
                println!("subscribed; publishing to {topic}");
                client.publish(
                    topic.as_str(),
                    QoS::AtLeastOnce,
                    false,
                    args.message.clone(),
                )?;
            }
            Event::Incoming(Packet::Publish(p)) => {
                println!(
                    "received on {}: {}",
                    p.topic,
                    String::from_utf8_lossy(&p.payload)
                );
                client.disconnect()?;
                return Ok(());
            }
            _ => {}
        }
    }
    Err("no message came back within 20 s".into())
}

fn main() -> ExitCode {
    if iot_examples::help_requested(USAGE) {
        return ExitCode::SUCCESS;
    }
    let outcome = parse_args().and_then(|command| match command {
        Command::WriteTestPki(dir) => write_test_pki(dir),
        Command::Run(args) => run(args),
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mqtt_device: {e}");
            ExitCode::FAILURE
        }
    }
}
