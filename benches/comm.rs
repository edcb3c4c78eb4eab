//! iot-comm against plain rustls defaults (ring provider, built explicitly):
//! a full TLS 1.3 handshake, and 1 MiB through an established connection.
//! Both run in memory (no sockets), with the same ECDSA P-256 certificate
//! and key on both sides of each comparison.
//!
//! The baseline is `rustls::crypto::ring::default_provider()` with rustls'
//! default configuration, except that resumption is off on both sides (the
//! client keeps no sessions, the server sends no tickets) so that every
//! iteration measures one full handshake, as iot-comm's defaults do.
//! Note: with defaults each side negotiates its first-preference suite:
//! TLS_AES_128_GCM_SHA256 for iot-comm (Mozilla's order) and
//! TLS_AES_256_GCM_SHA384 for rustls; that difference is part of what the
//! bulk comparison measures.

// Benchmarks unwrap: a failed setup is a failed run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::io::{Read, Write};
use std::ops::DerefMut;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use iot_comm::pki_types::ServerName;
use iot_comm::rustls;
use iot_comm::{ClientPolicy, Profile, ServerPolicy};
use iot_testkit::pki::{IssuedCert, TestPki};
use rustls::client::Resumption;
use rustls::{
    ClientConfig, ClientConnection, ConnectionCommon, ServerConfig, ServerConnection, SideData,
};

fn iot_comm_configs(ca: &TestPki, server: &IssuedCert) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let client = ClientPolicy::new(Profile::Modern)
        .trust_pem(ca.ca_cert_pem().as_bytes())
        .unwrap()
        .session_cache(0)
        .build()
        .unwrap();
    let server = ServerPolicy::new(Profile::Modern)
        .identity(server.chain().to_vec(), server.key())
        .build()
        .unwrap();
    (client, server)
}

fn rustls_default_configs(
    ca: &TestPki,
    server: &IssuedCert,
) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = ca.root_store();
    let mut client = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    client.resumption = Resumption::disabled();
    let mut server = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(server.chain().to_vec(), server.key())
        .unwrap();
    server.send_tls13_tickets = 0;
    (Arc::new(client), Arc::new(server))
}

/// Moves every pending TLS record from one side to the other.
fn transfer<A, B, DA, DB>(from: &mut A, to: &mut B, buf: &mut Vec<u8>)
where
    A: DerefMut<Target = ConnectionCommon<DA>>,
    B: DerefMut<Target = ConnectionCommon<DB>>,
    DA: SideData,
    DB: SideData,
{
    while from.wants_write() {
        buf.clear();
        from.write_tls(buf).unwrap();
        let mut slice = &buf[..];
        while !slice.is_empty() {
            to.read_tls(&mut slice).unwrap();
            to.process_new_packets().unwrap();
        }
    }
}

fn handshake(
    client: &Arc<ClientConfig>,
    server: &Arc<ServerConfig>,
) -> (ClientConnection, ServerConnection) {
    let name = ServerName::try_from("localhost").unwrap();
    let mut c = ClientConnection::new(client.clone(), name).unwrap();
    let mut s = ServerConnection::new(server.clone()).unwrap();
    let mut buf = Vec::with_capacity(16 * 1024);
    while c.is_handshaking() || s.is_handshaking() {
        transfer(&mut c, &mut s, &mut buf);
        transfer(&mut s, &mut c, &mut buf);
    }
    transfer(&mut c, &mut s, &mut buf);
    transfer(&mut s, &mut c, &mut buf);
    (c, s)
}

const MIB: usize = 1 << 20;

/// Sends `data` from client to server and reads it all back out. The
/// server's plaintext is drained after every record batch (rustls bounds
/// its receive buffer).
fn bulk(c: &mut ClientConnection, s: &mut ServerConnection, data: &[u8], sink: &mut [u8]) -> usize {
    let mut buf = Vec::with_capacity(80 * 1024);
    let mut sent = 0;
    let mut received = 0;
    while received < data.len() {
        if sent < data.len() {
            sent += c.writer().write(&data[sent..]).unwrap();
        }
        while c.wants_write() {
            buf.clear();
            c.write_tls(&mut buf).unwrap();
            let mut slice = &buf[..];
            while !slice.is_empty() {
                s.read_tls(&mut slice).unwrap();
                s.process_new_packets().unwrap();
                loop {
                    match s.reader().read(sink) {
                        Ok(0) => break,
                        Ok(n) => received += n,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                        Err(e) => panic!("{e}"),
                    }
                }
            }
        }
    }
    received
}

fn benches(c: &mut Criterion) {
    let ca = TestPki::new();
    let server = ca.server("localhost");
    let ours = iot_comm_configs(&ca, &server);
    let baseline = rustls_default_configs(&ca, &server);

    // Sanity: both pairs complete and negotiate TLS 1.3.
    for (client, server) in [&ours, &baseline] {
        let (conn, _) = handshake(client, server);
        assert_eq!(
            conn.protocol_version(),
            Some(rustls::ProtocolVersion::TLSv1_3)
        );
        assert_eq!(conn.handshake_kind(), Some(rustls::HandshakeKind::Full));
    }

    let mut group = c.benchmark_group("comm_handshake_tls13");
    group.bench_function("iot_comm_modern", |b| {
        b.iter(|| black_box(handshake(&ours.0, &ours.1)))
    });
    group.bench_function("rustls_default", |b| {
        b.iter(|| black_box(handshake(&baseline.0, &baseline.1)))
    });
    group.finish();

    let data = vec![0x5au8; MIB];
    let mut sink = vec![0u8; 64 * 1024];
    let mut group = c.benchmark_group("comm_bulk_1m");
    group.throughput(Throughput::Bytes(MIB as u64));
    for (id, (client, server)) in [("iot_comm_modern", &ours), ("rustls_default", &baseline)] {
        group.bench_function(id, |b| {
            b.iter_batched(
                || handshake(client, server),
                |(mut c, mut s)| {
                    let n = bulk(&mut c, &mut s, &data, &mut sink);
                    assert_eq!(n, MIB);
                    (c, s)
                },
                BatchSize::PerIteration,
            );
        });
    }
    group.finish();
}

criterion_group!(comm, benches);
criterion_main!(comm);
