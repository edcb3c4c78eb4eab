//! Interop with an independent TLS implementation: the `openssl` command
//! line (`s_client` and `s_server`), spawned on free loopback ports.
//!
//! Ignored in the normal test run (they need the `openssl` program);
//! `.ci/run` runs them with `cargo test -- --ignored interop_`.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use iot_comm::{CertificateProblem, ClientPolicy, Error, Profile, ServerPolicy, connect};
use iot_testkit::pki::*;
use rustls::AlertDescription;

struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits for `child` with a deadline, killing it if it hangs.
fn wait_bounded(mut child: Child, limit: Duration) -> Output {
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "openssl did not finish in {limit:?}\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `openssl s_client` against `addr`, sending `input` (then waiting
/// for the server to close).
fn s_client(addr: SocketAddr, ca: &Path, extra: &[&str], input: &[u8]) -> Output {
    s_client_with_config(addr, ca, extra, input, None)
}

/// [`s_client`] with `OPENSSL_CONF` pointing at `config`, when given.
fn s_client_with_config(
    addr: SocketAddr,
    ca: &Path,
    extra: &[&str],
    input: &[u8],
    config: Option<&Path>,
) -> Output {
    let mut command = Command::new("openssl");
    if let Some(config) = config {
        command.env("OPENSSL_CONF", config);
    }
    let mut child = command
        .arg("s_client")
        .arg("-connect")
        .arg(addr.to_string())
        .args([
            "-servername",
            "localhost",
            "-verify_return_error",
            "-ign_eof",
        ])
        .arg("-CAfile")
        .arg(ca)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the openssl CLI is installed");
    child.stdin.take().unwrap().write_all(input).unwrap();
    wait_bounded(child, Duration::from_secs(15))
}

/// An `openssl s_server` on a free loopback port, killed on drop.
struct SServer {
    child: Child,
    addr: SocketAddr,
}

impl SServer {
    fn start(cert: &Path, key: &Path, extra: &[&str]) -> Self {
        Self::start_with_config(cert, key, extra, None)
    }

    /// [`SServer::start`] with `OPENSSL_CONF` pointing at `config`, when
    /// given.
    fn start_with_config(cert: &Path, key: &Path, extra: &[&str], config: Option<&Path>) -> Self {
        let port = free_port();
        let mut command = Command::new("openssl");
        if let Some(config) = config {
            command.env("OPENSSL_CONF", config);
        }
        let mut child = command
            .arg("s_server")
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(cert)
            .arg("-key")
            .arg(key)
            .args(["-rev", "-naccept", "1"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the openssl CLI is installed");
        // s_server prints ACCEPT once it listens.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let started = Instant::now();
        loop {
            match lines.next() {
                Some(Ok(line)) if line.contains("ACCEPT") => break,
                Some(Ok(_)) => {}
                _ => panic!("s_server did not start"),
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "s_server did not start"
            );
        }
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        }
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn modern_server(leaf: &IssuedCert) -> std::sync::Arc<rustls::ServerConfig> {
    ServerPolicy::new(Profile::Modern)
        .identity(leaf.chain().to_vec(), leaf.key())
        .build()
        .unwrap()
}

#[test]
#[ignore = "interop: needs openssl; run by .ci/run"]
fn interop_openssl_s_client_tls12_is_refused_by_a_modern_server() {
    let ca = TestPki::named("ca");
    let files = Files::new();
    let ca_path = files.write("ca.pem", ca.ca_cert_pem());
    let (addr, server) = serve_with_accept(modern_server(&ca.server("localhost")), 1);
    let out = s_client(addr, &ca_path, &["-tls1_2"], b"hello\n");
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(
        server.join().unwrap().remove(0).result.unwrap_err(),
        Error::Incompatible
    );
}

#[test]
#[ignore = "interop: needs openssl; run by .ci/run"]
fn interop_openssl_s_client_tls13_succeeds_against_a_modern_server() {
    let ca = TestPki::named("ca");
    let files = Files::new();
    let ca_path = files.write("ca.pem", ca.ca_cert_pem());
    let (addr, server) = serve_with_accept(modern_server(&ca.server("localhost")), 1);
    let out = s_client(addr, &ca_path, &["-tls1_3"], b"hello modern\n");
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("Verify return code: 0 (ok)"), "{all}");
    assert!(all.contains("TLSv1.3"), "{all}");
    assert!(all.contains("hello modern"), "the echo came back:\n{all}");
    let saw = server.join().unwrap().remove(0).result.unwrap();
    assert_eq!(saw.version, Some(rustls::ProtocolVersion::TLSv1_3));
}

#[test]
#[ignore = "interop: needs openssl; run by .ci/run"]
fn interop_openssl_s_client_mutual_tls_needs_the_device_certificate() {
    let ca = TestPki::named("ca");
    let devices = TestPki::named("device ca");
    let device = devices.client("device-42");
    let files = Files::new();
    let ca_path = files.write("ca.pem", ca.ca_cert_pem());
    let cert_path = files.write("device.pem", device.cert_pem());
    let key_path = files.write("device.key", device.key_pem());
    let leaf = ca.server("localhost");
    let config = ServerPolicy::new(Profile::Modern)
        .identity(leaf.chain().to_vec(), leaf.key())
        .require_client_auth(devices.root_store())
        .build()
        .unwrap();
    let (addr, server) = serve_with_accept(config, 2);

    let out = s_client(addr, &ca_path, &[], b"no cert\n");
    let all = text(&out);
    assert!(
        !all.contains("no cert\n"),
        "no echo without a certificate:\n{all}"
    );

    let cert = cert_path.to_str().unwrap();
    let key = key_path.to_str().unwrap();
    let out = s_client(
        addr,
        &ca_path,
        &["-cert", cert, "-key", key],
        b"with cert\n",
    );
    let all = text(&out);
    assert!(all.contains("with cert"), "{all}");

    let outcomes = server.join().unwrap();
    assert_eq!(
        outcomes[0].result.as_ref().unwrap_err(),
        &Error::PeerCertificate(CertificateProblem::NotPresented)
    );
    assert!(outcomes[1].result.as_ref().unwrap().client_cert);
}

#[test]
#[ignore = "interop: needs openssl; run by .ci/run"]
fn interop_openssl_s_server_with_only_cbc_suites_is_refused_by_an_intermediate_client() {
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    let files = Files::new();
    let cert = files.write("server.pem", leaf.cert_pem());
    let key = files.write("server.key", leaf.key_pem());
    let client = ClientPolicy::new(Profile::Intermediate)
        .trust_pem(ca.ca_cert_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();

    let cbc = SServer::start(
        &cert,
        &key,
        &[
            "-tls1_2",
            "-cipher",
            "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA",
        ],
    );
    let err = connect(cbc.addr, "localhost", client.clone(), timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerAlert(AlertDescription::HandshakeFailure));
    drop(cbc);

    // Control: the same s_server with an AEAD suite on TLS 1.2 is accepted,
    // so the refusal above is about the suites and nothing else.
    let gcm = SServer::start(
        &cert,
        &key,
        &["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"],
    );
    let mut tls = connect(gcm.addr, "localhost", client, timeouts()).unwrap();
    assert_eq!(
        tls.conn.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_2)
    );
    assert_eq!(echo(&mut tls, b"abc\n").unwrap(), b"cba\n");
}

/// An OpenSSL configuration that turns the extended master secret
/// (RFC 7627) off; the command line has no switch for it.
const NO_EMS_CONFIG: &str = "openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
Options = -ExtendedMasterSecret
";

#[test]
#[ignore = "interop: needs openssl; run by .ci/run"]
fn interop_openssl_s_server_without_extended_master_secret_is_refused_on_tls12() {
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    let files = Files::new();
    let cert = files.write("server.pem", leaf.cert_pem());
    let key = files.write("server.key", leaf.key_pem());
    let no_ems = files.write("no-ems.cnf", NO_EMS_CONFIG);
    let client = ClientPolicy::new(Profile::Intermediate)
        .trust_pem(ca.ca_cert_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();

    let server = SServer::start_with_config(&cert, &key, &["-tls1_2"], Some(&no_ems));
    let err = connect(server.addr, "localhost", client.clone(), timeouts()).unwrap_err();
    assert_eq!(err, Error::Incompatible);
    drop(server);

    // Control: the same server and the same configuration with only the
    // EMS requirement lifted completes, so the refusal above is the EMS
    // check and nothing else.
    let mut lifted = std::sync::Arc::unwrap_or_clone(client);
    lifted.require_ems = false;
    let server = SServer::start_with_config(&cert, &key, &["-tls1_2"], Some(&no_ems));
    let mut tls = connect(server.addr, "localhost", lifted.into(), timeouts()).unwrap();
    assert_eq!(
        tls.conn.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_2)
    );
    assert_eq!(echo(&mut tls, b"ems\n").unwrap(), b"sme\n");
}

#[test]
#[ignore = "interop: needs openssl; run by .ci/run"]
fn interop_openssl_s_client_without_extended_master_secret_is_refused_on_tls12() {
    let ca = TestPki::named("ca");
    let files = Files::new();
    let ca_path = files.write("ca.pem", ca.ca_cert_pem());
    let no_ems = files.write("no-ems.cnf", NO_EMS_CONFIG);
    let leaf = ca.server("localhost");
    let config = ServerPolicy::new(Profile::Intermediate)
        .identity(leaf.chain().to_vec(), leaf.key())
        .build()
        .unwrap();
    let (addr, server) = serve_with_accept(config, 2);

    let out = s_client_with_config(addr, &ca_path, &["-tls1_2"], b"no ems\n", Some(&no_ems));
    assert!(!text(&out).contains("no ems\n"), "{}", text(&out));
    // Control: the same s_client with EMS (OpenSSL's default) is served.
    let out = s_client(addr, &ca_path, &["-tls1_2"], b"with ems\n");
    let all = text(&out);
    assert!(all.contains("Extended master secret: yes"), "{all}");
    assert!(all.contains("with ems\n"), "{all}");

    let outcomes = server.join().unwrap();
    assert_eq!(
        outcomes[0].result.as_ref().unwrap_err(),
        &Error::Incompatible
    );
    let saw = outcomes[1].result.as_ref().unwrap();
    assert_eq!(saw.version, Some(rustls::ProtocolVersion::TLSv1_2));
}

#[test]
#[ignore = "interop: needs openssl; run by .ci/run"]
fn interop_openssl_s_server_tls13_is_accepted_with_pinning() {
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    let files = Files::new();
    let cert = files.write("server.pem", leaf.cert_pem());
    let key = files.write("server.key", leaf.key_pem());
    let pin = iot_comm::spki_sha256(&leaf.chain()[0]).unwrap();

    let server = SServer::start(&cert, &key, &["-tls1_3"]);
    let client = ClientPolicy::new(Profile::Modern)
        .trust_pem(ca.ca_cert_pem().as_bytes())
        .unwrap()
        .pin_spki_sha256(pin)
        .build()
        .unwrap();
    let mut tls = connect(server.addr, "localhost", client, timeouts()).unwrap();
    assert_eq!(
        tls.conn.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_3)
    );
    assert_eq!(echo(&mut tls, b"pinned\n").unwrap(), b"dennip\n");
    drop(server);

    // The same server with a pin for another key is refused.
    let server = SServer::start(&cert, &key, &["-tls1_3"]);
    let client = ClientPolicy::new(Profile::Modern)
        .trust_pem(ca.ca_cert_pem().as_bytes())
        .unwrap()
        .pin_spki_sha256([0x5a; 32])
        .build()
        .unwrap();
    let err = connect(server.addr, "localhost", client, timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerCertificate(CertificateProblem::PinMismatch));
}

#[test]
#[ignore = "interop: needs openssl; run by .ci/run"]
fn interop_openssl_computes_the_same_spki_pin() {
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    let files = Files::new();
    let cert = files.write("server.pem", leaf.cert_pem());
    let pubkey = Command::new("openssl")
        .args(["x509", "-pubkey", "-noout", "-in"])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(pubkey.status.success());
    let der = {
        let mut child = Command::new("openssl")
            .args(["pkey", "-pubin", "-outform", "DER"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(&pubkey.stdout)
            .unwrap();
        child.wait_with_output().unwrap().stdout
    };
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha256", "-r"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&der).unwrap();
    let digest = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    let ours: String = iot_comm::spki_sha256(&leaf.chain()[0])
        .unwrap()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest.split_whitespace().next().unwrap(), ours);
}

/// The two `openssl` pipelines the docs give (in the how-to and at
/// [`iot_comm::SpkiPin`]), exactly as written: the line after `# 64 hex
/// digits` and the line after `# curl's …` in the how-to's text block.
fn documented_pipelines() -> [String; 2] {
    let howto = include_str!("../src/manual/03_howto.md");
    let line_after = |marker: &str| {
        let mut lines = howto.lines().skip_while(|l| !l.starts_with(marker));
        assert!(lines.next().is_some(), "the how-to has {marker}");
        lines.next().unwrap().to_owned()
    };
    let pipelines = [line_after("# 64 hex digits"), line_after("# curl's")];
    // The rustdoc of SpkiPin gives the same two lines.
    let pin_rs = include_str!("../src/pin.rs");
    for p in &pipelines {
        assert!(p.contains("openssl pkey -pubin -outform DER"), "{p}");
        assert!(
            pin_rs.contains(&format!("/// {p}\n")),
            "pin.rs differs: {p}"
        );
    }
    pipelines
}

/// T6: the documented `openssl` pipelines print the value `spki_sha256`
/// computes (hex, and curl's `sha256//BASE64`), for a server certificate
/// and for a CA certificate, and both parse into the same `SpkiPin`; the
/// certificate's fingerprint is a different value.
#[test]
#[ignore = "interop: needs openssl; run by .ci/run"]
fn interop_openssl_the_documented_pin_pipelines_print_spki_sha256() {
    let [hex_pipeline, curl_pipeline] = documented_pipelines();
    let ca = TestPki::named("ca");
    let leaf = ca.server("localhost");
    for (pem, der) in [
        (leaf.cert_pem(), &leaf.chain()[0]),
        (ca.ca_cert_pem(), ca.ca_cert_der()),
    ] {
        let files = Files::new();
        files.write("cert.pem", pem);
        let run = |pipeline: &str| {
            let out = Command::new("sh")
                .args(["-c", pipeline])
                .current_dir(files.dir.path())
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", text(&out));
            String::from_utf8(out.stdout).unwrap()
        };
        let ours = iot_comm::SpkiPin::from(iot_comm::spki_sha256(der).unwrap());
        let hex = run(&hex_pipeline);
        assert_eq!(hex.trim(), ours.to_string());
        assert_eq!(iot_comm::SpkiPin::parse(&hex).unwrap(), ours);
        let curl = run(&curl_pipeline);
        assert!(curl.starts_with("sha256//"), "{curl}");
        assert_eq!(iot_comm::SpkiPin::parse(&curl).unwrap(), ours);
        let fingerprint = run("openssl x509 -in cert.pem -noout -fingerprint -sha256");
        let fingerprint: String = fingerprint
            .split('=')
            .nth(1)
            .unwrap()
            .trim()
            .replace(':', "")
            .to_lowercase();
        assert_eq!(fingerprint.len(), 64);
        assert_ne!(fingerprint, ours.to_string());
    }
}

/// T1 against an independent server: `openssl s_server` serving a
/// three-level chain (leaf, intermediate; the root is the client's only
/// anchor) is accepted with a pin on the intermediate and refused with a
/// pin on an unrelated CA.
#[test]
#[ignore = "interop: needs openssl; run by .ci/run"]
fn interop_openssl_s_server_is_accepted_with_a_pin_on_its_intermediate() {
    let root = TestPki::named("root");
    let issuing = root.intermediate("issuing");
    let leaf = issuing.server("localhost");
    let files = Files::new();
    let cert = files.write("server.pem", leaf.cert_pem());
    let key = files.write("server.key", leaf.key_pem());
    let chain = files.write("chain.pem", issuing.ca_cert_pem());
    let chain_arg = chain.to_str().unwrap();
    let policy = |pin| {
        ClientPolicy::new(Profile::Modern)
            .trust_pem(root.ca_cert_pem().as_bytes())
            .unwrap()
            .pin_spki_sha256(pin)
            .build()
            .unwrap()
    };

    let server = SServer::start(&cert, &key, &["-tls1_3", "-cert_chain", chain_arg]);
    let pin = iot_comm::spki_sha256(issuing.ca_cert_der()).unwrap();
    let mut tls = connect(server.addr, "localhost", policy(pin), timeouts()).unwrap();
    assert_eq!(echo(&mut tls, b"ca pin\n").unwrap(), b"nip ac\n");
    drop(server);

    let server = SServer::start(&cert, &key, &["-tls1_3", "-cert_chain", chain_arg]);
    let unrelated = iot_comm::spki_sha256(TestPki::named("other").ca_cert_der()).unwrap();
    let err = connect(server.addr, "localhost", policy(unrelated), timeouts()).unwrap_err();
    assert_eq!(err, Error::PeerCertificate(CertificateProblem::PinMismatch));
}
