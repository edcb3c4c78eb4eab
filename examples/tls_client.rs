//! A TLS client built with `iot_comm::ClientPolicy`: connects to the
//! `tls_server` example (or any server whose CA you have) and prints what
//! was negotiated and the server's answer.
//!
//! ```text
//! cargo run --example tls_client -- --ca /tmp/iot-comm-tls-server-1234/ca.pem --port 8443
//! ```
//!
//! Options: `--ca PATH` (required), `--port N` (default 8443), `--host NAME`
//! (server name to verify; default `localhost`), `--profile
//! modern|intermediate` (default modern), `--pin PIN` (SPKI SHA-256 pin
//! of the server key or its CA, 64 hex digits or curl's `sha256//BASE64`;
//! may be repeated).

// An example program: it prints what it does and stops with a message on
// bad arguments.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use iot_comm::{ClientPolicy, Profile, SpkiPin, Timeouts, connect};

struct Args {
    ca: PathBuf,
    port: u16,
    host: String,
    profile: Profile,
    pins: Vec<SpkiPin>,
}

const USAGE: &str = "\
Connects to a TLS server with an iot-comm client profile and prints what was
negotiated and the server's answer.

Usage: tls_client --ca PATH [--port N] [--host NAME] [--profile modern|intermediate] [--pin PIN]...

Options:
  --ca PATH        the CA certificate (PEM) to trust (required)
  --port N         server port on 127.0.0.1 (default 8443)
  --host NAME      server name to verify (default localhost)
  --profile NAME   modern or intermediate (default modern)
  --pin PIN        SPKI SHA-256 pin, 64 hex digits or sha256//BASE64 (may be
                   repeated)
  -h, --help       print this help and exit";

fn parse_args() -> Result<Args, String> {
    let mut ca = None;
    let mut args = Args {
        ca: PathBuf::new(),
        port: 8443,
        host: "localhost".into(),
        profile: Profile::Modern,
        pins: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--ca" => ca = Some(PathBuf::from(value()?)),
            "--port" => args.port = value()?.parse().map_err(|_| "--port: not a port number")?,
            "--host" => args.host = value()?,
            "--profile" => args.profile = value()?.parse().map_err(|e| format!("{e}"))?,
            "--pin" => args
                .pins
                .push(value()?.parse().map_err(|e| format!("--pin: {e}"))?),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    args.ca = ca.ok_or_else(|| format!("--ca is required\n{USAGE}"))?;
    Ok(args)
}

fn main() -> ExitCode {
    if iot_examples::help_requested(USAGE) {
        return ExitCode::SUCCESS;
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tls_client: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let ca_pem = std::fs::read(&args.ca)?;
    let mut policy = ClientPolicy::new(args.profile).trust_pem(&ca_pem)?;
    for pin in &args.pins {
        policy = policy.pin_spki_sha256(*pin);
    }
    let config = policy.build()?;

    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let mut tls = connect(
        addr,
        &args.host,
        config,
        Timeouts::uniform(Duration::from_secs(5)),
    )?;
    println!(
        "connected to {addr} as {:?}: {:?}, {:?}, key exchange {:?}",
        args.host,
        tls.conn.protocol_version(),
        tls.conn.negotiated_cipher_suite().map(|s| s.suite()),
        tls.conn.negotiated_key_exchange_group().map(|g| g.name()),
    );
    tls.write_all(
        format!(
            "GET / HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n\r\n",
            args.host
        )
        .as_bytes(),
    )?;
    tls.flush()?;
    // Bounded read of the short answer; the server closes after it.
    let mut answer = Vec::new();
    Read::by_ref(&mut tls)
        .take(64 * 1024)
        .read_to_end(&mut answer)?;
    println!("{}", String::from_utf8_lossy(&answer));
    Ok(())
}
