//! A TLS server on 127.0.0.1 built with `iot_comm::ServerPolicy`, over a
//! freshly generated test PKI whose server certificate follows the chosen
//! profile (ECDSA P-256, 90 days, SAN `localhost`).
//!
//! ```text
//! cargo run --example tls_server -- --profile modern --port 8443
//! cargo run --example tls_client -- --ca /tmp/iot-comm-tls-server-1234/ca.pem --port 8443
//! curl --cacert /tmp/iot-comm-tls-server-1234/ca.pem https://localhost:8443/
//! ```
//!
//! Options: `--profile modern|intermediate` (default modern), `--port N`
//! (default 8443), `--out DIR` (where `ca.pem` is written; default a new
//! directory in the system temp dir), `--connections N` (exit after N
//! connections; default: serve until stopped).

// An example program: it prints what it does and stops with a message on
// bad arguments.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use iot_comm::{Profile, ServerPolicy, Timeouts, accept, spki_sha256};
use iot_testkit::pki::TestPki;

struct Args {
    profile: Profile,
    port: u16,
    out: PathBuf,
    connections: Option<u64>,
}

const USAGE: &str = "\
A TLS server on 127.0.0.1 with an iot-comm server profile, over a freshly
generated test PKI; writes the CA certificate for clients to trust.

Usage: tls_server [--profile modern|intermediate] [--port N] [--out DIR] [--connections N]

Options:
  --profile NAME     modern or intermediate (default modern)
  --port N           port on 127.0.0.1 (default 8443)
  --out DIR          where ca.pem is written (default: a new directory in the
                     system temporary directory)
  --connections N    exit after N connections (default: serve until stopped)
  -h, --help         print this help and exit";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        profile: Profile::Modern,
        port: 8443,
        out: std::env::temp_dir().join(format!("iot-comm-tls-server-{}", std::process::id())),
        connections: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--profile" => args.profile = value()?.parse().map_err(|e| format!("{e}"))?,
            "--port" => args.port = value()?.parse().map_err(|_| "--port: not a port number")?,
            "--out" => args.out = PathBuf::from(value()?),
            "--connections" => {
                args.connections = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--connections: not a number")?,
                );
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
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
            eprintln!("tls_server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let pki = TestPki::new();
    let server = pki.server("localhost");
    let ca_path = pki.write_ca_cert(&args.out)?;

    let policy = ServerPolicy::new(args.profile).identity(server.chain().to_vec(), server.key());
    let config = policy.build()?;
    println!("{}", policy.report());
    println!("CA certificate written to {}", ca_path.display());
    let leaf = server.chain().first().ok_or("empty chain")?;
    let pin: String = spki_sha256(leaf)?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("server SPKI SHA-256 pin: {pin}");

    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)))?;
    println!(
        "listening on https://localhost:{}/ (Ctrl-C to stop)",
        args.port
    );

    let timeouts = Timeouts::uniform(Duration::from_secs(5));
    let limit = args.connections.unwrap_or(u64::MAX);
    for sock in listener
        .incoming()
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
    {
        let sock = match sock {
            Ok(s) => s,
            Err(e) => {
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        let peer = sock.peer_addr().map(|a| a.to_string()).unwrap_or_default();
        match accept(sock, config.clone(), timeouts) {
            Ok(mut tls) => {
                let version = tls
                    .conn
                    .protocol_version()
                    .map(|v| format!("{v:?}"))
                    .unwrap_or_default();
                let suite = tls
                    .conn
                    .negotiated_cipher_suite()
                    .map(|s| format!("{:?}", s.suite()))
                    .unwrap_or_default();
                println!("{peer}: handshake ok, {version}, {suite}");
                // Read the request (bounded), answer briefly, close.
                let mut request = [0u8; 1024];
                let _ = tls.read(&mut request);
                let body = format!("hello from iot-comm tls_server ({version}, {suite})\n");
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes());
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
            Err(e) => println!("{peer}: handshake refused: {e}"),
        }
    }
    Ok(())
}
