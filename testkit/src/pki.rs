//! A throw-away test PKI: one certificate authority (optionally with
//! intermediates), server and client (device) certificates, and
//! deliberately bad ones (expired, not yet valid, no SAN, RSA-1024 ...) for
//! the negative tests.
//!
//! By default every certificate follows what iot-comm's profiles ask of a
//! certificate: an ECDSA P-256 key (the key type both Mozilla profiles
//! recommend), a validity of [`LEAF_VALIDITY_DAYS`] days starting an hour ago
//! (tolerates small clock skew), and a subject alternative name. Keys are
//! generated fresh each time and kept in memory until you ask for files.
//!
//! **Test only.** Nothing here is a way to run a production CA: the CA key
//! lives in process memory and is never protected.
//!
//! ```
//! use iot_testkit::pki::TestPki;
//!
//! let pki = TestPki::new();
//! let server = pki.server("localhost");
//! let device = pki.client("device-0001");
//! assert_eq!(server.chain().len(), 1);
//! assert!(device.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
//!
//! // Files for programs that read PEM (mosquitto, openssl, curl):
//! let dir = tempfile::tempdir().unwrap();
//! let ca_path = pki.write_ca_cert(dir.path()).unwrap();
//! let (cert_path, key_path) = server.write(dir.path(), "server").unwrap();
//! assert!(ca_path.ends_with("ca.pem") && cert_path.ends_with("server.pem"));
//! assert!(key_path.ends_with("server.key"));
//! ```

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, SignatureAlgorithm,
};
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, SubjectPublicKeyInfoDer};
use zeroize::Zeroizing;

/// Validity of server and client certificates, in days (Mozilla's
/// recommended maximum lifetime).
pub const LEAF_VALIDITY_DAYS: u64 = 90;
/// Validity of the test CA certificates, in days.
pub const CA_VALIDITY_DAYS: u64 = 365;
/// One day in seconds, for validity arithmetic.
pub const DAY: u64 = 86_400;
/// How far back certificates start, to tolerate clocks slightly behind.
const BACKDATE: u64 = 3_600;

/// A fixed RSA-2048 private key (rcgen's ring backend cannot generate RSA
/// keys; see `testkit/data/README.md`).
pub const RSA2048_KEY: &str = include_str!("../data/rsa2048.key.pem");
/// A fixed RSA-1024 private key, for certificates every profile refuses.
pub const RSA1024_KEY: &str = include_str!("../data/rsa1024.key.pem");
/// The public half of [`RSA1024_KEY`].
pub const RSA1024_PUB: &str = include_str!("../data/rsa1024.pub.pem");

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn set_validity(params: &mut CertificateParams, from_unix: u64, to_unix: u64) {
    let epoch = rcgen::date_time_ymd(1970, 1, 1);
    params.not_before = epoch + Duration::from_secs(from_unix);
    params.not_after = epoch + Duration::from_secs(to_unix);
}

/// A test certificate authority (ECDSA P-256): a root, or an intermediate
/// made by [`TestPki::intermediate`].
pub struct TestPki {
    issuer: Issuer<'static, KeyPair>,
    cert_der: CertificateDer<'static>,
    cert_pem: String,
    /// The root's certificate (this CA's own for a root).
    root_der: CertificateDer<'static>,
    /// Certificates between a leaf and the root, nearest first (empty for a
    /// root): what a leaf's chain carries after the leaf.
    intermediates: Vec<CertificateDer<'static>>,
}

impl fmt::Debug for TestPki {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestPki")
            .field("intermediates", &self.intermediates.len())
            .field("key", &format_args!("[REDACTED]"))
            .finish()
    }
}

impl Default for TestPki {
    fn default() -> Self {
        Self::new()
    }
}

fn ca_params(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "iot-rs tests (test only)");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let now = unix_now();
    set_validity(&mut params, now - DAY, now + CA_VALIDITY_DAYS * DAY);
    params
}

impl TestPki {
    /// A new root CA named "iot-rs test CA".
    pub fn new() -> Self {
        Self::named("iot-rs test CA")
    }

    /// A new root CA with `common_name` as its subject CN.
    pub fn named(common_name: &str) -> Self {
        let params = ca_params(common_name);
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = params.self_signed(&key).unwrap();
        Self {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            root_der: cert.der().clone(),
            intermediates: Vec::new(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A new intermediate CA signed by this one; leaves it issues carry it
    /// (and any intermediates above it) in their chain.
    pub fn intermediate(&self, common_name: &str) -> Self {
        let mut params = ca_params(common_name);
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let mut intermediates = vec![cert.der().clone()];
        intermediates.extend(self.intermediates.iter().cloned());
        Self {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            root_der: self.root_der.clone(),
            intermediates,
            issuer: Issuer::new(params, key),
        }
    }

    /// This CA's certificate, DER.
    pub fn ca_cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// This CA's certificate, PEM.
    pub fn ca_cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// A rustls trust store holding the root of this CA's hierarchy.
    pub fn root_store(&self) -> RootCertStore {
        let mut roots = RootCertStore::empty();
        roots.add(self.root_der.clone()).unwrap();
        roots
    }

    /// Writes this CA's certificate to `dir/ca.pem` (creating `dir`) and
    /// returns the path.
    ///
    /// # Errors
    ///
    /// File system errors.
    pub fn write_ca_cert(&self, dir: &Path) -> io::Result<PathBuf> {
        fs::create_dir_all(dir)?;
        let path = dir.join("ca.pem");
        write_file(&path, self.cert_pem.as_bytes(), false)?;
        Ok(path)
    }

    /// A server certificate for `host` (a DNS name such as `localhost`, or an
    /// IP address): SAN = `host`, extended key usage serverAuth.
    pub fn server(&self, host: &str) -> IssuedCert {
        self.leaf(&LeafSpec::server(host))
    }

    /// A client (device) certificate: subject CN = `device_id`, a URI SAN
    /// `urn:iot-rs:device:<device_id>`, extended key usage clientAuth.
    pub fn client(&self, device_id: &str) -> IssuedCert {
        self.leaf(&LeafSpec::client(device_id))
    }

    /// A certificate following `spec`, signed by this CA.
    pub fn leaf(&self, spec: &LeafSpec) -> IssuedCert {
        // rcgen turns strings that parse as IP addresses into IP SANs.
        let mut params = CertificateParams::new(spec.sans.clone()).unwrap();
        for uri in &spec.uris {
            params
                .subject_alt_names
                .push(SanType::URI(uri.as_str().try_into().unwrap()));
        }
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
                let cert = params.signed_by(&key, &self.issuer).unwrap();
                (cert, key.serialize_pem())
            }
            KeySpec::Rsa2048 => {
                let key = KeyPair::from_pem(RSA2048_KEY).unwrap();
                let cert = params.signed_by(&key, &self.issuer).unwrap();
                (cert, RSA2048_KEY.to_owned())
            }
            KeySpec::Rsa1024 => {
                let cert = params
                    .signed_by(&Rsa1024Public::load(), &self.issuer)
                    .unwrap();
                (cert, RSA1024_KEY.to_owned())
            }
        };
        let mut chain = vec![cert.der().clone()];
        chain.extend(self.intermediates.iter().cloned());
        IssuedCert {
            chain,
            cert_pem: cert.pem(),
            key_pem: Zeroizing::new(key_pem),
        }
    }
}

/// The RSA-1024 public key of the fixture, for a certificate ring could not
/// sign itself (ring refuses RSA keys under 2048 bits).
struct Rsa1024Public(Vec<u8>);

impl Rsa1024Public {
    fn load() -> Self {
        use x509_cert::der::Decode;
        let der = SubjectPublicKeyInfoDer::from_pem_slice(RSA1024_PUB.as_bytes()).unwrap();
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

/// The key of a leaf certificate.
#[derive(Debug, Clone, Copy)]
pub enum KeySpec {
    /// A fresh key of this algorithm (rcgen's ring backend: ECDSA, Ed25519).
    Generate(&'static SignatureAlgorithm),
    /// The fixed [`RSA2048_KEY`].
    Rsa2048,
    /// The fixed [`RSA1024_KEY`] (too weak for every profile).
    Rsa1024,
}

/// What a leaf certificate holds; start from [`LeafSpec::server`] or
/// [`LeafSpec::client`] and change fields for the bad cases.
#[derive(Debug, Clone)]
pub struct LeafSpec {
    /// DNS names and IP addresses (subject alternative names).
    pub sans: Vec<String>,
    /// URI subject alternative names.
    pub uris: Vec<String>,
    /// Subject common name.
    pub common_name: String,
    /// Start of validity, Unix seconds.
    pub not_before: u64,
    /// End of validity, Unix seconds.
    pub not_after: u64,
    /// The key.
    pub key: KeySpec,
    /// clientAuth (true) or serverAuth (false) extended key usage.
    pub client: bool,
}

impl LeafSpec {
    /// A server certificate for `host`, valid [`LEAF_VALIDITY_DAYS`] days
    /// from an hour ago, ECDSA P-256.
    pub fn server(host: &str) -> Self {
        let start = unix_now() - BACKDATE;
        Self {
            sans: vec![host.to_owned()],
            uris: Vec::new(),
            common_name: host.to_owned(),
            not_before: start,
            not_after: start + LEAF_VALIDITY_DAYS * DAY,
            key: KeySpec::Generate(&rcgen::PKCS_ECDSA_P256_SHA256),
            client: false,
        }
    }

    /// A client (device) certificate for `device_id`: CN = `device_id`, a URI
    /// SAN `urn:iot-rs:device:<device_id>`, clientAuth.
    pub fn client(device_id: &str) -> Self {
        Self {
            sans: Vec::new(),
            uris: vec![format!("urn:iot-rs:device:{device_id}")],
            common_name: device_id.to_owned(),
            client: true,
            ..Self::server(device_id)
        }
    }
}

/// A certificate with its chain and private key.
pub struct IssuedCert {
    chain: Vec<CertificateDer<'static>>,
    cert_pem: String,
    key_pem: Zeroizing<String>,
}

impl fmt::Debug for IssuedCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedCert")
            .field("chain_len", &self.chain.len())
            .field("key", &format_args!("[REDACTED]"))
            .finish()
    }
}

impl IssuedCert {
    /// The certificate chain, end entity first (intermediates follow; the
    /// root is not included).
    pub fn chain(&self) -> &[CertificateDer<'static>] {
        &self.chain
    }

    /// The end-entity certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The private key, PKCS#8 PEM.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The private key, DER (a fresh copy, for `identity`/`client_identity`).
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes()).unwrap()
    }

    /// Writes `dir/<stem>.pem` (the chain) and `dir/<stem>.key` (the private
    /// key, readable by the owner only), creating `dir`.
    ///
    /// # Errors
    ///
    /// File system errors.
    pub fn write(&self, dir: &Path, stem: &str) -> io::Result<(PathBuf, PathBuf)> {
        fs::create_dir_all(dir)?;
        let cert = dir.join(format!("{stem}.pem"));
        let key = dir.join(format!("{stem}.key"));
        let mut pem = self.cert_pem.clone();
        for der in self.chain.iter().skip(1) {
            pem.push_str(&pem_of(der));
        }
        write_file(&cert, pem.as_bytes(), false)?;
        write_file(&key, self.key_pem.as_bytes(), true)?;
        Ok((cert, key))
    }
}

fn pem_of(der: &CertificateDer<'_>) -> String {
    use x509_cert::der::pem::{LineEnding, encode_string};
    encode_string("CERTIFICATE", LineEnding::LF, der.as_ref()).unwrap()
}

/// A self-signed server certificate (for pin-only tests).
pub fn self_signed(host: &str) -> IssuedCert {
    let start = unix_now() - BACKDATE;
    self_signed_valid(host, start, start + LEAF_VALIDITY_DAYS * DAY)
}

/// A self-signed server certificate with the given validity period (Unix
/// seconds).
pub fn self_signed_valid(host: &str, from_unix: u64, to_unix: u64) -> IssuedCert {
    let mut params = CertificateParams::new(vec![host.to_owned()]).unwrap();
    set_validity(&mut params, from_unix, to_unix);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let cert = params.self_signed(&key).unwrap();
    IssuedCert {
        chain: vec![cert.der().clone()],
        cert_pem: cert.pem(),
        key_pem: Zeroizing::new(key.serialize_pem()),
    }
}

fn write_file(path: &Path, contents: &[u8], private: bool) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_intermediate_is_carried_in_the_leaf_chain_and_the_root_is_trusted() {
        let root = TestPki::new();
        let sub = root.intermediate("iot-rs test intermediate");
        let leaf = sub.server("localhost");
        assert_eq!(leaf.chain().len(), 2);
        assert_eq!(&leaf.chain()[1], sub.ca_cert_der());
        assert_eq!(sub.root_store().len(), 1);
        let dir = tempfile::tempdir().unwrap();
        let (cert, _) = leaf.write(dir.path(), "leaf").unwrap();
        let pem = fs::read_to_string(cert).unwrap();
        assert_eq!(pem.matches("BEGIN CERTIFICATE").count(), 2);
    }

    #[test]
    fn debug_never_shows_the_key() {
        let leaf = TestPki::new().client("dev-1");
        let shown = format!("{leaf:?}");
        assert!(shown.contains("[REDACTED]"));
        assert!(!shown.contains("PRIVATE KEY"));
    }
}
