//! Shared helpers of the integration tests: an rcgen test PKI with good and
//! deliberately bad certificates, and loopback servers in threads.

#![allow(dead_code, unreachable_pub)] // not every test file uses every helper
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "shared test helpers outside #[test] functions: a failed unwrap fails the test that called it"
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use iot_comm::pki_types::pem::PemObject;
use iot_comm::pki_types::{CertificateDer, PrivateKeyDer};
use iot_comm::{Error, Timeouts};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SignatureAlgorithm,
};
use rustls::RootCertStore;

pub const RSA2048_KEY: &str = include_str!("../data/rsa2048.key.pem");
pub const RSA1024_KEY: &str = include_str!("../data/rsa1024.key.pem");
pub const RSA1024_PUB: &str = include_str!("../data/rsa1024.pub.pem");

pub const DAY: u64 = 86_400;

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn set_validity(params: &mut CertificateParams, from_unix: u64, to_unix: u64) {
    params.not_before = rcgen::date_time_ymd(1970, 1, 1) + Duration::from_secs(from_unix);
    params.not_after = rcgen::date_time_ymd(1970, 1, 1) + Duration::from_secs(to_unix);
}

/// A test certificate authority (ECDSA P-256).
pub struct Ca {
    issuer: Issuer<'static, KeyPair>,
    pub cert: CertificateDer<'static>,
    pub pem: String,
}

impl Ca {
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        set_validity(&mut params, unix_now() - DAY, unix_now() + 365 * DAY);
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = params.self_signed(&key).unwrap();
        Self {
            pem: cert.pem(),
            cert: cert.der().clone(),
            issuer: Issuer::new(params, key),
        }
    }

    pub fn roots(&self) -> RootCertStore {
        let mut roots = RootCertStore::empty();
        roots.add(self.cert.clone()).unwrap();
        roots
    }

    /// A leaf signed by this CA.
    pub fn leaf(&self, spec: &LeafSpec) -> Leaf {
        let mut params = CertificateParams::new(spec.sans.clone()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, spec.common_name.as_str());
        set_validity(&mut params, spec.not_before, spec.not_after);
        params.use_authority_key_identifier_extension = true;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![if spec.client {
            ExtendedKeyUsagePurpose::ClientAuth
        } else {
            ExtendedKeyUsagePurpose::ServerAuth
        }];
        let (cert, key_pem) = match &spec.key {
            KeySpec::Generate(alg) => {
                let key = KeyPair::generate_for(alg).unwrap();
                (
                    params.signed_by(&key, &self.issuer).unwrap(),
                    key.serialize_pem(),
                )
            }
            KeySpec::Rsa2048 => {
                let key = KeyPair::from_pem(RSA2048_KEY).unwrap();
                (
                    params.signed_by(&key, &self.issuer).unwrap(),
                    RSA2048_KEY.to_owned(),
                )
            }
            KeySpec::Rsa1024 => {
                let public = Rsa1024Public::load();
                (
                    params.signed_by(&public, &self.issuer).unwrap(),
                    RSA1024_KEY.to_owned(),
                )
            }
        };
        Leaf {
            chain: vec![cert.der().clone()],
            cert_pem: cert.pem(),
            key_pem,
        }
    }

    pub fn server(&self, host: &str) -> Leaf {
        self.leaf(&LeafSpec::server(host))
    }

    pub fn client(&self, device: &str) -> Leaf {
        self.leaf(&LeafSpec::client(device))
    }
}

/// The RSA-1024 public key of the fixture, for a certificate ring could not
/// sign itself (ring refuses RSA keys under 2048 bits).
struct Rsa1024Public(Vec<u8>);

impl Rsa1024Public {
    fn load() -> Self {
        use x509_cert::der::Decode;
        let der =
            iot_comm::pki_types::SubjectPublicKeyInfoDer::from_pem_slice(RSA1024_PUB.as_bytes())
                .unwrap();
        let spki = x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(der.as_ref()).unwrap();
        Self(spki.subject_public_key.raw_bytes().to_vec())
    }
}

impl rcgen::PublicKeyData for Rsa1024Public {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

pub enum KeySpec {
    Generate(&'static SignatureAlgorithm),
    Rsa2048,
    Rsa1024,
}

pub struct LeafSpec {
    pub sans: Vec<String>,
    pub common_name: String,
    pub not_before: u64,
    pub not_after: u64,
    pub key: KeySpec,
    pub client: bool,
}

impl LeafSpec {
    pub fn server(host: &str) -> Self {
        Self {
            sans: vec![host.to_owned()],
            common_name: host.to_owned(),
            not_before: unix_now() - DAY,
            not_after: unix_now() + 30 * DAY,
            key: KeySpec::Generate(&rcgen::PKCS_ECDSA_P256_SHA256),
            client: false,
        }
    }

    pub fn client(device: &str) -> Self {
        Self {
            sans: Vec::new(),
            common_name: device.to_owned(),
            client: true,
            ..Self::server(device)
        }
    }
}

/// A certificate chain and key, as DER and PEM.
pub struct Leaf {
    pub chain: Vec<CertificateDer<'static>>,
    pub cert_pem: String,
    pub key_pem: String,
}

impl Leaf {
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes()).unwrap()
    }
}

/// A self-signed server certificate (for pin-only tests).
pub fn self_signed(host: &str) -> Leaf {
    self_signed_valid(host, unix_now() - DAY, unix_now() + 30 * DAY)
}

/// A self-signed server certificate with the given validity period.
pub fn self_signed_valid(host: &str, from_unix: u64, to_unix: u64) -> Leaf {
    let mut params = CertificateParams::new(vec![host.to_owned()]).unwrap();
    set_validity(&mut params, from_unix, to_unix);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let cert = params.self_signed(&key).unwrap();
    Leaf {
        chain: vec![cert.der().clone()],
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

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
    leaf: &Leaf,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<rustls::ServerConfig> {
    raw_server_with(leaf, versions, rustls::crypto::ring::default_provider())
}

pub fn raw_server_with(
    leaf: &Leaf,
    versions: &[&'static rustls::SupportedProtocolVersion],
    provider: rustls::crypto::CryptoProvider,
) -> Arc<rustls::ServerConfig> {
    Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(provider))
            .with_protocol_versions(versions)
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(leaf.chain.clone(), leaf.key())
            .unwrap(),
    )
}

/// A raw rustls client config trusting `ca`, with the given provider.
pub fn raw_client_with(
    ca: &Ca,
    versions: &[&'static rustls::SupportedProtocolVersion],
    provider: rustls::crypto::CryptoProvider,
) -> Arc<rustls::ClientConfig> {
    Arc::new(
        rustls::ClientConfig::builder_with_provider(Arc::new(provider))
            .with_protocol_versions(versions)
            .unwrap()
            .with_root_certificates(ca.roots())
            .with_no_client_auth(),
    )
}
