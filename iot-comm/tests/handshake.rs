//! Real TLS handshakes over loopback TCP between configurations of this
//! crate and plain rustls peers, with an rcgen test PKI.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod common;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use iot_comm::pki_types::{ServerName, UnixTime};
use iot_comm::{
    CertificateProblem, ClientPolicy, Error, Profile, ServerPolicy, Timeouts, connect,
    connect_host, spki_sha256,
};
use iot_testkit::pki::*;
use rustls::time_provider::TimeProvider;
use rustls::{AlertDescription, HandshakeKind, ProtocolVersion};

fn modern_server(ca: &TestPki, host: &str) -> Arc<rustls::ServerConfig> {
    let leaf = ca.server(host);
    ServerPolicy::new(Profile::Modern)
        .identity(leaf.chain().to_vec(), leaf.key())
        .build()
        .unwrap()
}

fn client(ca: &TestPki) -> ClientPolicy {
    ClientPolicy::new(Profile::Modern)
        .trust_pem(ca.ca_cert_pem().as_bytes())
        .unwrap()
}

#[test]
fn modern_to_modern_uses_tls13_and_carries_data() {
    let ca = TestPki::named("test ca");
    let (addr, server) = serve_with_accept(modern_server(&ca, "localhost"), 1);
    let mut tls = connect(addr, "localhost", client(&ca).build().unwrap(), timeouts()).unwrap();
    assert_eq!(tls.conn.protocol_version(), Some(ProtocolVersion::TLSv1_3));
    assert!(!tls.conn.is_handshaking());
    assert_eq!(echo(&mut tls, b"ping\n").unwrap(), b"ping\n");
    let saw = server.join().unwrap().remove(0).result.unwrap();
    assert_eq!(saw.version, Some(ProtocolVersion::TLSv1_3));
    assert!(!saw.client_cert);
}

#[test]
fn modern_client_refuses_a_tls12_only_server() {
    let ca = TestPki::named("test ca");
    let leaf = ca.server("localhost");
    let (addr, server) = serve_with_accept(raw_server(&leaf, &[&rustls::version::TLS12]), 1);
    let err = connect(addr, "localhost", client(&ca).build().unwrap(), timeouts()).unwrap_err();
    // The TLS 1.2-only server cannot answer a TLS 1.3-only hello.
    assert_eq!(err, Error::PeerAlert(AlertDescription::ProtocolVersion));
    assert_eq!(
        server.join().unwrap().remove(0).result.unwrap_err(),
        Error::Incompatible
    );
}

#[test]
fn modern_server_refuses_a_tls12_only_client() {
    let ca = TestPki::named("test ca");
    let (addr, server) = serve_with_accept(modern_server(&ca, "localhost"), 1);
    let raw = raw_client_with(
        &ca,
        &[&rustls::version::TLS12],
        rustls::crypto::ring::default_provider(),
    );
    let err = connect(addr, "localhost", raw, timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerAlert(AlertDescription::ProtocolVersion));
    assert_eq!(
        server.join().unwrap().remove(0).result.unwrap_err(),
        Error::Incompatible
    );
}

#[test]
fn intermediate_pair_negotiates_tls12_when_the_peer_only_has_tls12() {
    let ca = TestPki::named("test ca");
    let leaf = ca.server("localhost");
    let (addr, server) = serve_with_accept(raw_server(&leaf, &[&rustls::version::TLS12]), 1);
    let config = ClientPolicy::new(Profile::Intermediate)
        .trust_pem(ca.ca_cert_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let mut tls = connect(addr, "localhost", config, timeouts()).unwrap();
    assert_eq!(tls.conn.protocol_version(), Some(ProtocolVersion::TLSv1_2));
    assert_eq!(echo(&mut tls, b"v12\n").unwrap(), b"v12\n");
    let saw = server.join().unwrap().remove(0).result.unwrap();
    let suite = saw.suite.unwrap();
    assert_eq!(
        suite,
        rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        "the client's (Mozilla) order is honoured"
    );
}

#[test]
fn expired_server_certificate_is_refused() {
    let ca = TestPki::named("test ca");
    let mut spec = LeafSpec::server("localhost");
    spec.not_before = unix_now() - 60 * DAY;
    spec.not_after = unix_now() - DAY;
    let leaf = ca.leaf(&spec);
    // Our own ServerPolicy would refuse to serve it; a plain rustls server does.
    let (addr, server) = serve_with_accept(raw_server(&leaf, &[&rustls::version::TLS13]), 1);
    let err = connect(addr, "localhost", client(&ca).build().unwrap(), timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerCertificate(CertificateProblem::Expired));
    assert_eq!(
        server.join().unwrap().remove(0).result.unwrap_err(),
        Error::PeerAlert(AlertDescription::CertificateExpired)
    );
}

#[test]
fn not_yet_valid_server_certificate_is_refused() {
    let ca = TestPki::named("test ca");
    let mut spec = LeafSpec::server("localhost");
    spec.not_before = unix_now() + DAY;
    spec.not_after = unix_now() + 30 * DAY;
    let leaf = ca.leaf(&spec);
    let (addr, _server) = serve_with_accept(raw_server(&leaf, &[&rustls::version::TLS13]), 1);
    let err = connect(addr, "localhost", client(&ca).build().unwrap(), timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerCertificate(CertificateProblem::NotYetValid));
}

#[test]
fn wrong_host_name_is_refused() {
    let ca = TestPki::named("test ca");
    let (addr, _server) = serve_with_accept(modern_server(&ca, "broker.example"), 1);
    let err = connect(
        addr,
        "other.example",
        client(&ca).build().unwrap(),
        timeouts(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        Error::PeerCertificate(CertificateProblem::NameMismatch)
    );
}

#[test]
fn unknown_ca_is_refused() {
    let ca = TestPki::named("test ca");
    let other = TestPki::named("someone else's ca");
    let (addr, _server) = serve_with_accept(modern_server(&other, "localhost"), 1);
    let err = connect(addr, "localhost", client(&ca).build().unwrap(), timeouts()).unwrap_err();
    assert_eq!(
        err,
        Error::PeerCertificate(CertificateProblem::UnknownIssuer)
    );
}

#[test]
fn wrong_pin_is_refused_after_a_valid_chain() {
    let ca = TestPki::named("test ca");
    let (addr, _server) = serve_with_accept(modern_server(&ca, "localhost"), 1);
    let someone_else = spki_sha256(&ca.server("localhost").chain()[0]).unwrap();
    let config = client(&ca).pin_spki_sha256(someone_else).build().unwrap();
    let err = connect(addr, "localhost", config, timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerCertificate(CertificateProblem::PinMismatch));
}

#[test]
fn pin_does_not_replace_chain_verification() {
    // The pin matches, but the certificate comes from an unknown CA: WebPKI
    // runs first and refuses it.
    let ca = TestPki::named("test ca");
    let other = TestPki::named("someone else's ca");
    let leaf = other.server("localhost");
    let pin = spki_sha256(&leaf.chain()[0]).unwrap();
    let server = ServerPolicy::new(Profile::Modern)
        .identity(leaf.chain().to_vec(), leaf.key())
        .build()
        .unwrap();
    let (addr, _server) = serve_with_accept(server, 1);
    let config = client(&ca).pin_spki_sha256(pin).build().unwrap();
    let err = connect(addr, "localhost", config, timeouts()).unwrap_err();
    assert_eq!(
        err,
        Error::PeerCertificate(CertificateProblem::UnknownIssuer)
    );
}

#[test]
fn backup_pin_is_accepted() {
    let ca = TestPki::named("test ca");
    let leaf = ca.server("localhost");
    let current = spki_sha256(&leaf.chain()[0]).unwrap();
    let retired = spki_sha256(&ca.server("localhost").chain()[0]).unwrap();
    let server = ServerPolicy::new(Profile::Modern)
        .identity(leaf.chain().to_vec(), leaf.key())
        .build()
        .unwrap();
    let (addr, _server) = serve_with_accept(server, 1);
    // The server's key is the second of two pins: rotation in progress.
    let config = client(&ca)
        .pin_spki_sha256(retired)
        .pin_spki_sha256(current)
        .build()
        .unwrap();
    let mut tls = connect(addr, "localhost", config, timeouts()).unwrap();
    assert_eq!(echo(&mut tls, b"pinned\n").unwrap(), b"pinned\n");
}

#[test]
fn dangerous_pin_only_accepts_a_pinned_self_signed_device() {
    let device = self_signed("device.local");
    let pin = spki_sha256(&device.chain()[0]).unwrap();
    let server = ServerPolicy::new(Profile::Modern)
        .identity(device.chain().to_vec(), device.key())
        .build()
        .unwrap();
    let (addr, _server) = serve_with_accept(server, 2);
    let config = ClientPolicy::new(Profile::Modern)
        .pin_spki_sha256_for("127.0.0.1", pin)
        .dangerous_pin_only()
        .build()
        .unwrap();
    // Reached by IP address: no certificate name check in this mode.
    let mut tls = connect(addr, "127.0.0.1", config, timeouts()).unwrap();
    assert_eq!(echo(&mut tls, b"local\n").unwrap(), b"local\n");

    // A different self-signed key is refused.
    let stranger = self_signed("device.local");
    let config = ClientPolicy::new(Profile::Modern)
        .pin_spki_sha256_for("127.0.0.1", spki_sha256(&stranger.chain()[0]).unwrap())
        .dangerous_pin_only()
        .build()
        .unwrap();
    let err = connect(addr, "127.0.0.1", config, timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerCertificate(CertificateProblem::PinMismatch));
}

#[test]
fn dangerous_pin_only_still_checks_the_validity_period() {
    let device = self_signed_valid("device.local", unix_now() - 60 * DAY, unix_now() - DAY);
    let pin = spki_sha256(&device.chain()[0]).unwrap();
    // Our ServerPolicy would refuse to serve an expired certificate.
    let (addr, _server) = serve_with_accept(raw_server(&device, &[&rustls::version::TLS13]), 1);
    let config = ClientPolicy::new(Profile::Modern)
        .pin_spki_sha256_for("127.0.0.1", pin)
        .dangerous_pin_only()
        .build()
        .unwrap();
    let err = connect(addr, "127.0.0.1", config, timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerCertificate(CertificateProblem::Expired));
}

#[test]
fn a_self_signed_device_is_refused_without_dangerous_pin_only() {
    let device = self_signed("device.local");
    let pin = spki_sha256(&device.chain()[0]).unwrap();
    let server = ServerPolicy::new(Profile::Modern)
        .identity(device.chain().to_vec(), device.key())
        .build()
        .unwrap();
    let (addr, _server) = serve_with_accept(server, 1);
    // Pinned, and trusting some CA, but the device is not issued by it.
    let config = client(&TestPki::named("test ca"))
        .pin_spki_sha256(pin)
        .build()
        .unwrap();
    let err = connect(addr, "device.local", config, timeouts()).unwrap_err();
    assert_eq!(
        err,
        Error::PeerCertificate(CertificateProblem::UnknownIssuer)
    );
}

fn mutual_tls_server(ca: &TestPki, client_ca: &TestPki) -> Arc<rustls::ServerConfig> {
    let leaf = ca.server("broker.local");
    ServerPolicy::new(Profile::Modern)
        .identity(leaf.chain().to_vec(), leaf.key())
        .require_client_auth(client_ca.root_store())
        .build()
        .unwrap()
}

#[test]
fn mutual_tls_without_client_certificate_is_refused() {
    let ca = TestPki::named("test ca");
    let devices = TestPki::named("device ca");
    let (addr, server) = serve_with_accept(mutual_tls_server(&ca, &devices), 1);
    // TLS 1.3: the client finishes its half of the handshake before the
    // server has judged its (missing) certificate, so the refusal arrives
    // as an alert on the first read.
    let result = connect(
        addr,
        "broker.local",
        client(&ca).build().unwrap(),
        timeouts(),
    )
    .and_then(|mut tls| echo(&mut tls, b"hello\n"));
    assert_eq!(
        result.unwrap_err(),
        Error::PeerAlert(AlertDescription::CertificateRequired)
    );
    assert_eq!(
        server.join().unwrap().remove(0).result.unwrap_err(),
        Error::PeerCertificate(CertificateProblem::NotPresented)
    );
}

#[test]
fn mutual_tls_with_a_certificate_from_another_ca_is_refused() {
    let ca = TestPki::named("test ca");
    let devices = TestPki::named("device ca");
    let impostors = TestPki::named("impostor ca");
    let (addr, server) = serve_with_accept(mutual_tls_server(&ca, &devices), 1);
    let fake = impostors.client("device-0001");
    let config = client(&ca)
        .client_identity(fake.chain().to_vec(), fake.key())
        .build()
        .unwrap();
    let result = connect(addr, "broker.local", config, timeouts())
        .and_then(|mut tls| echo(&mut tls, b"hello\n"));
    assert_eq!(
        result.unwrap_err(),
        Error::PeerAlert(AlertDescription::UnknownCA)
    );
    assert_eq!(
        server.join().unwrap().remove(0).result.unwrap_err(),
        Error::PeerCertificate(CertificateProblem::UnknownIssuer)
    );
}

#[test]
fn mutual_tls_with_the_right_certificate_is_accepted() {
    let ca = TestPki::named("test ca");
    let devices = TestPki::named("device ca");
    let (addr, server) = serve_with_accept(mutual_tls_server(&ca, &devices), 1);
    let device = devices.client("device-0001");
    let config = client(&ca)
        .client_identity_pem(device.cert_pem().as_bytes(), device.key_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let mut tls = connect(addr, "broker.local", config, timeouts()).unwrap();
    assert_eq!(echo(&mut tls, b"telemetry\n").unwrap(), b"telemetry\n");
    let saw = server.join().unwrap().remove(0).result.unwrap();
    assert!(saw.client_cert, "the server saw the device certificate");
}

#[derive(Debug)]
struct Fixed(u64);
impl TimeProvider for Fixed {
    fn current_time(&self) -> Option<UnixTime> {
        Some(UnixTime::since_unix_epoch(Duration::from_secs(self.0)))
    }
}

#[test]
fn a_clock_before_the_floor_gives_a_clear_error_not_a_certificate_error() {
    let ca = TestPki::named("test ca");
    let (addr, _server) = serve_with_accept(modern_server(&ca, "localhost"), 1);
    // A device that booted without its RTC: the clock says 1970.
    let config = client(&ca)
        .time_provider(Arc::new(Fixed(0)))
        .build()
        .unwrap();
    let err = connect(addr, "localhost", config, timeouts()).unwrap_err();
    assert_eq!(err, Error::ClockBeforeFloor);
}

#[test]
fn a_clock_past_the_default_floor_but_before_a_custom_floor_is_refused() {
    let ca = TestPki::named("test ca");
    let (addr, _server) = serve_with_accept(modern_server(&ca, "localhost"), 1);
    let now = unix_now();
    let config = client(&ca)
        .clock_floor(UnixTime::since_unix_epoch(Duration::from_secs(now + DAY)))
        .build()
        .unwrap();
    let err = connect(addr, "localhost", config, timeouts()).unwrap_err();
    assert_eq!(err, Error::ClockBeforeFloor);
}

#[test]
fn the_server_checks_client_certificates_against_its_clock_floor() {
    let ca = TestPki::named("test ca");
    let devices = TestPki::named("device ca");
    let leaf = ca.server("broker.local");
    let server = ServerPolicy::new(Profile::Modern)
        .identity(leaf.chain().to_vec(), leaf.key())
        .require_client_auth(devices.root_store())
        .build()
        .unwrap();
    // Build with a good clock, then make the config's clock go back in time
    // (as after a power cut): the server must report the clock, not the
    // certificate.
    let mut server = Arc::unwrap_or_clone(server);
    server.time_provider = Arc::new(Fixed(0));
    let (addr, handle) = serve_with_accept(Arc::new(server), 1);
    let device = devices.client("device-0001");
    let config = client(&ca)
        .client_identity(device.chain().to_vec(), device.key())
        .build()
        .unwrap();
    let _ = connect(addr, "broker.local", config, timeouts()).and_then(|mut t| echo(&mut t, b"x"));
    assert_eq!(
        handle.join().unwrap().remove(0).result.unwrap_err(),
        Error::ClockBeforeFloor
    );
}

/// A clock the test moves.
#[derive(Debug)]
struct Adjustable(Arc<std::sync::atomic::AtomicU64>);
impl TimeProvider for Adjustable {
    fn current_time(&self) -> Option<UnixTime> {
        let secs = self.0.load(std::sync::atomic::Ordering::SeqCst);
        Some(UnixTime::since_unix_epoch(Duration::from_secs(secs)))
    }
}

/// T2, the review's probe on today's API: a device reconnects after its
/// certificate expired by the server's clock, and again with the server's
/// clock below the floor. With tickets refused beside client
/// authentication, each reconnect is a full handshake and is refused;
/// before, both resumed and carried data.
#[test]
fn a_mutual_tls_server_checks_the_client_certificate_on_every_connection() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let ca = TestPki::named("test ca");
    let devices = TestPki::named("device ca");
    let leaf = ca.server("broker.local");
    let clock = Arc::new(AtomicU64::new(unix_now()));
    let server = ServerPolicy::new(Profile::Modern)
        .identity(leaf.chain().to_vec(), leaf.key())
        .require_client_auth(devices.root_store())
        .time_provider(Arc::new(Adjustable(clock.clone())))
        .build()
        .unwrap();
    let mut spec = LeafSpec::client("device-0001");
    spec.not_after = unix_now() + 2 * DAY;
    let device = devices.leaf(&spec);
    let config = client(&ca)
        .client_identity(device.chain().to_vec(), device.key())
        .build()
        .unwrap();
    let (addr, handle) = serve_with_accept(server, 3);
    let mut tls = connect(addr, "broker.local", config.clone(), timeouts()).unwrap();
    assert_eq!(echo(&mut tls, b"1").unwrap(), b"1");
    // The server's clock: the device certificate expired 8 days ago.
    clock.store(unix_now() + 10 * DAY, Ordering::SeqCst);
    let second = connect(addr, "broker.local", config.clone(), timeouts())
        .and_then(|mut t| echo(&mut t, b"2"));
    // The server's clock after a power cut: 1970, below the floor.
    clock.store(0, Ordering::SeqCst);
    let third =
        connect(addr, "broker.local", config, timeouts()).and_then(|mut t| echo(&mut t, b"3"));
    assert!(second.is_err() && third.is_err(), "{second:?} {third:?}");
    let seen: Vec<_> = handle
        .join()
        .unwrap()
        .into_iter()
        .map(|o| o.result.map(|_| ()))
        .collect();
    assert_eq!(
        seen,
        [
            Ok(()),
            Err(Error::PeerCertificate(CertificateProblem::Expired)),
            Err(Error::ClockBeforeFloor)
        ]
    );
}

#[test]
fn alpn_is_negotiated() {
    let ca = TestPki::named("test ca");
    let leaf = ca.server("localhost");
    let server = ServerPolicy::new(Profile::Modern)
        .identity(leaf.chain().to_vec(), leaf.key())
        .alpn(&[b"mqtt"])
        .build()
        .unwrap();
    let (addr, handle) = serve_with_accept(server, 1);
    let config = client(&ca).alpn(&[b"x-unknown", b"mqtt"]).build().unwrap();
    let mut tls = connect(addr, "localhost", config, timeouts()).unwrap();
    assert_eq!(tls.conn.alpn_protocol(), Some(&b"mqtt"[..]));
    echo(&mut tls, b"a").unwrap();
    assert_eq!(
        handle.join().unwrap().remove(0).result.unwrap().alpn,
        Some(b"mqtt".to_vec())
    );
}

#[test]
fn sessions_resume_only_when_the_server_enables_tickets() {
    let ca = TestPki::named("test ca");
    let leaf = ca.server("localhost");
    for tickets in [false, true] {
        let mut policy =
            ServerPolicy::new(Profile::Modern).identity(leaf.chain().to_vec(), leaf.key());
        if tickets {
            policy = policy.enable_session_tickets();
        }
        let (addr, handle) = serve_with_accept(policy.build().unwrap(), 2);
        let config = client(&ca).build().unwrap();
        let mut kinds = Vec::new();
        for _ in 0..2 {
            let mut tls = connect(addr, "localhost", config.clone(), timeouts()).unwrap();
            // Reading the echo also receives the tickets sent after the handshake.
            echo(&mut tls, b"r").unwrap();
            kinds.push(tls.conn.handshake_kind());
        }
        handle.join().unwrap();
        let expected_second = if tickets {
            HandshakeKind::Resumed
        } else {
            HandshakeKind::Full
        };
        assert_eq!(kinds, [Some(HandshakeKind::Full), Some(expected_second)]);
    }
}

#[test]
fn the_session_cache_remembers_as_many_servers_as_configured() {
    // Two host names served by one ticket-issuing server: with room for two
    // servers, the first name's session survives a visit to the second; with
    // room for one, it is evicted.
    let ca = TestPki::named("test ca");
    let mut spec = LeafSpec::server("one.example");
    spec.sans = vec!["one.example".into(), "two.example".into()];
    let leaf = ca.leaf(&spec);
    let server = ServerPolicy::new(Profile::Modern)
        .identity(leaf.chain().to_vec(), leaf.key())
        .enable_session_tickets()
        .build()
        .unwrap();
    let (addr, handle) = serve_with_accept(server, 6);
    for (servers, expected_third) in [(2, HandshakeKind::Resumed), (1, HandshakeKind::Full)] {
        let config = client(&ca).session_cache(servers).build().unwrap();
        let mut kinds = Vec::new();
        for name in ["one.example", "two.example", "one.example"] {
            let mut tls = connect(addr, name, config.clone(), timeouts()).unwrap();
            echo(&mut tls, b"r").unwrap();
            kinds.push(tls.conn.handshake_kind().unwrap());
        }
        assert_eq!(
            kinds,
            [HandshakeKind::Full, HandshakeKind::Full, expected_third],
            "session_cache({servers})"
        );
    }
    handle.join().unwrap();
}

#[test]
fn a_silent_server_times_out_within_the_handshake_deadline() {
    let ca = TestPki::named("test ca");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Accepts the TCP connection and never answers.
    let hold = std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_secs(2));
        drop(sock);
    });
    let timeouts =
        Timeouts::uniform(Duration::from_secs(5)).with_handshake(Duration::from_millis(300));
    let started = Instant::now();
    let err = connect(addr, "localhost", client(&ca).build().unwrap(), timeouts).unwrap_err();
    assert_eq!(err, Error::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    hold.join().unwrap();
}

#[test]
fn a_trickling_server_cannot_stretch_the_handshake_past_its_deadline() {
    let ca = TestPki::named("test ca");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Sends the start of a TLS record one byte every 50 ms: each read
    // succeeds well within the read timeout, so only the overall deadline
    // can end this.
    let drip = std::thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        let started = Instant::now();
        let mut bytes = [0x16u8, 0x03, 0x03, 0x40, 0x00]
            .into_iter()
            .chain(std::iter::repeat(0));
        while started.elapsed() < Duration::from_secs(3) {
            if sock.write_all(&[bytes.next().unwrap()]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let timeouts =
        Timeouts::uniform(Duration::from_secs(5)).with_handshake(Duration::from_millis(400));
    let started = Instant::now();
    let err = connect(addr, "localhost", client(&ca).build().unwrap(), timeouts).unwrap_err();
    assert_eq!(err, Error::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    drip.join().unwrap();
}

#[test]
fn a_client_that_stops_reading_cannot_stretch_the_handshake_past_its_deadline() {
    // The server's first flight is made larger than what the kernel buffers
    // between two loopback sockets, and the client never reads it: the
    // server's writes block, and only the handshake deadline (not the 30 s
    // write timeout) may end them.
    let ca = TestPki::named("test ca");
    let leaf = ca.server("localhost");
    let mut chain = leaf.chain().to_vec();
    // Padding after the end-entity certificate: a well-formed, currently
    // valid certificate (build() checks the whole chain) with a 2 MiB
    // extension, seven times; this peer never verifies the chain. 14 MiB in
    // all: under the 16 MiB a TLS handshake message can hold, and well over
    // what Linux buffers on loopback by default (send buffer at most 4 MiB).
    let padding = {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .custom_extensions
            .push(rcgen::CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 4, 1, 32473, 1],
                vec![0u8; 2 << 20],
            ));
        let key = rcgen::KeyPair::generate().unwrap();
        params.self_signed(&key).unwrap().der().clone()
    };
    chain.extend((0..7).map(|_| padding.clone()));
    let server = ServerPolicy::new(Profile::Modern)
        .identity(chain, leaf.key())
        .build()
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let client_config = client(&ca).build().unwrap();
    let (done, done_rx) = std::sync::mpsc::channel::<()>();
    let silent = std::thread::spawn(move || {
        let mut sock = TcpStream::connect(addr).unwrap();
        let mut hello = rustls::ClientConnection::new(
            client_config,
            ServerName::try_from("localhost").unwrap(),
        )
        .unwrap();
        while hello.wants_write() {
            hello.write_tls(&mut sock).unwrap();
        }
        // Never read; hang up when the test is done (or after 10 s).
        let _ = done_rx.recv_timeout(Duration::from_secs(10));
    });
    let (sock, _) = listener.accept().unwrap();
    let timeouts =
        Timeouts::uniform(Duration::from_secs(30)).with_handshake(Duration::from_millis(500));
    let started = Instant::now();
    let err = iot_comm::accept(sock, server, timeouts).unwrap_err();
    let elapsed = started.elapsed();
    let _ = done.send(());
    assert_eq!(err, Error::Timeout);
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
    silent.join().unwrap();
}

#[test]
fn a_handshake_timeout_too_large_for_a_deadline_means_no_deadline() {
    let ca = TestPki::named("test ca");
    let (addr, server) = serve_with_accept(modern_server(&ca, "localhost"), 1);
    let forever = Timeouts::uniform(Duration::MAX);
    let mut tls = connect(addr, "localhost", client(&ca).build().unwrap(), forever).unwrap();
    assert_eq!(echo(&mut tls, b"long\n").unwrap(), b"long\n");
    server.join().unwrap().remove(0).result.unwrap();
}

#[test]
fn connecting_to_a_closed_port_is_an_io_error() {
    let addr = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let err = connect(
        addr,
        "localhost",
        client(&TestPki::named("ca")).build().unwrap(),
        timeouts(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        Error::Io {
            during: "connecting",
            kind: std::io::ErrorKind::ConnectionRefused
        }
    );
}

#[test]
fn invalid_server_names_are_refused_before_connecting() {
    let addr = "127.0.0.1:9".parse().unwrap();
    let config = client(&TestPki::named("ca")).build().unwrap();
    assert_eq!(
        connect(addr, "not a host name", config, timeouts()).unwrap_err(),
        Error::InvalidServerName
    );
}

/// T6: `connect_host` resolves a name and connects to the address that
/// answers (`localhost` may resolve to `::1` first; the server listens on
/// 127.0.0.1 only), checking the certificate against the name.
#[test]
fn connect_host_resolves_the_name_and_verifies_it() {
    let ca = TestPki::named("test ca");
    let (addr, _server) = serve_with_accept(modern_server(&ca, "localhost"), 2);
    let mut tls = connect_host(
        "localhost",
        addr.port(),
        client(&ca).build().unwrap(),
        timeouts(),
    )
    .unwrap();
    assert_eq!(echo(&mut tls, b"by name\n").unwrap(), b"by name\n");
    // An IP literal is a name too, and must match the certificate.
    let err = connect_host(
        "127.0.0.1",
        addr.port(),
        client(&ca).build().unwrap(),
        timeouts(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        Error::PeerCertificate(CertificateProblem::NameMismatch)
    );
    assert_eq!(
        connect_host(
            "no spaces",
            addr.port(),
            client(&ca).build().unwrap(),
            timeouts()
        )
        .unwrap_err(),
        Error::InvalidServerName
    );
}

/// T4: what `connect`'s docs and the README now say. Under TLS 1.3 the
/// device finishes its side of the handshake before the server judges its
/// certificate: `connect` succeeds, and the refusal surfaces on the first
/// read as the server's alert.
#[test]
fn under_tls13_a_refused_client_certificate_surfaces_on_the_first_read() {
    let ca = TestPki::named("test ca");
    let devices = TestPki::named("device ca");
    let (addr, server) = serve_with_accept(mutual_tls_server(&ca, &devices), 1);
    let mut spec = LeafSpec::client("device-0001");
    spec.not_before = unix_now() - 10 * DAY;
    spec.not_after = unix_now() + DAY;
    let fake = TestPki::named("impostor ca").leaf(&spec);
    let config = client(&ca)
        .client_identity(fake.chain().to_vec(), fake.key())
        .build()
        .unwrap();
    let mut tls = connect(addr, "broker.local", config, timeouts()).unwrap();
    assert_eq!(tls.conn.protocol_version(), Some(ProtocolVersion::TLSv1_3));
    assert_eq!(
        echo(&mut tls, b"hello\n").unwrap_err(),
        Error::PeerAlert(AlertDescription::UnknownCA)
    );
    assert_eq!(
        server.join().unwrap().remove(0).result.unwrap_err(),
        Error::PeerCertificate(CertificateProblem::UnknownIssuer)
    );
}
