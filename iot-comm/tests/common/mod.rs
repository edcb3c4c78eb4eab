//! Shared helpers of iot-comm's integration tests: loopback servers in
//! threads. The test PKI is the workspace's, `iot_testkit::pki`.

#![allow(dead_code, unreachable_pub)]
// not every test file uses every helper
// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use iot_comm::{Error, Timeouts};
use iot_testkit::pki::{IssuedCert, TestPki};

pub fn timeouts() -> Timeouts {
    Timeouts::uniform(Duration::from_secs(5))
}

/// What the server thread saw.
#[derive(Debug)]
pub struct ServerOutcome {
    pub result: Result<ServerSaw, Error>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerSaw {
    pub version: Option<rustls::ProtocolVersion>,
    pub suite: Option<rustls::CipherSuite>,
    pub client_cert: bool,
    pub alpn: Option<Vec<u8>>,
}

/// Accepts `n` connections with `iot_comm::accept`, echoes one line of up
/// to 64 bytes per connection, and reports what it saw.
pub fn serve_with_accept(
    config: Arc<rustls::ServerConfig>,
    n: usize,
) -> (SocketAddr, JoinHandle<Vec<ServerOutcome>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        let mut outcomes = Vec::new();
        for _ in 0..n {
            let (sock, _) = listener.accept().unwrap();
            let result = iot_comm::accept(sock, config.clone(), timeouts()).map(|mut tls| {
                let saw = ServerSaw {
                    version: tls.conn.protocol_version(),
                    suite: tls.conn.negotiated_cipher_suite().map(|s| s.suite()),
                    client_cert: tls.conn.peer_certificates().is_some(),
                    alpn: tls.conn.alpn_protocol().map(<[u8]>::to_vec),
                };
                let mut buf = [0u8; 64];
                if let Ok(n) = tls.read(&mut buf)
                    && n > 0
                {
                    let _ = tls.write_all(&buf[..n]);
                    let _ = tls.flush();
                }
                tls.conn.send_close_notify();
                let _ = tls.flush();
                saw
            });
            outcomes.push(ServerOutcome { result });
        }
        outcomes
    });
    (addr, handle)
}

/// Sends `msg` and reads the echo back.
pub fn echo<S: Read + Write>(tls: &mut S, msg: &[u8]) -> Result<Vec<u8>, Error> {
    tls.write_all(msg)?;
    tls.flush()?;
    let mut buf = vec![0u8; msg.len()];
    tls.read_exact(&mut buf)?;
    Ok(buf)
}

/// A raw rustls server config with rustls' ring default provider (the
/// "independent" peer for negative tests), limited to `versions`.
pub fn raw_server(
    leaf: &IssuedCert,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<rustls::ServerConfig> {
    raw_server_with(leaf, versions, rustls::crypto::ring::default_provider())
}

pub fn raw_server_with(
    leaf: &IssuedCert,
    versions: &[&'static rustls::SupportedProtocolVersion],
    provider: rustls::crypto::CryptoProvider,
) -> Arc<rustls::ServerConfig> {
    Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(provider))
            .with_protocol_versions(versions)
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(leaf.chain().to_vec(), leaf.key())
            .unwrap(),
    )
}

/// A raw rustls client config trusting `ca`, with the given provider.
pub fn raw_client_with(
    ca: &TestPki,
    versions: &[&'static rustls::SupportedProtocolVersion],
    provider: rustls::crypto::CryptoProvider,
) -> Arc<rustls::ClientConfig> {
    Arc::new(
        rustls::ClientConfig::builder_with_provider(Arc::new(provider))
            .with_protocol_versions(versions)
            .unwrap()
            .with_root_certificates(ca.root_store())
            .with_no_client_auth(),
    )
}
