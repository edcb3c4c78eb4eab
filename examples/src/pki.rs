//! A throw-away test PKI for examples and interop tests: one certificate
//! authority, server certificates for host names, client (device)
//! certificates, all made with rcgen and following an `iot_comm::Profile`.
//!
//! Every certificate follows what the profile asks of a server
//! certificate: an ECDSA P-256 key (the key type both Mozilla profiles
//! recommend), a validity of at most [`LEAF_VALIDITY_DAYS`] days starting an
//! hour ago (tolerates small clock skew), and a subject alternative name.
//! Keys are generated fresh each time by ring's system RNG and kept in
//! memory until you ask for files.
//!
//! **Test only.** Nothing here is a way to run a production CA: the CA key
//! lives in process memory and is never protected.
//!
//! ```
//! use iot_comm::{ClientPolicy, Profile, ServerPolicy};
//! use iot_examples::pki::TestPki;
//!
//! let pki = TestPki::new(Profile::Modern).unwrap();
//! let server = pki.server("localhost").unwrap();
//! let device = pki.client("device-0001").unwrap();
//!
//! let server_config = ServerPolicy::new(Profile::Modern)
//!     .identity(server.chain().to_vec(), server.key())
//!     .require_client_auth(pki.root_store())
//!     .build()
//!     .unwrap();
//! let client_config = ClientPolicy::new(Profile::Modern)
//!     .trust_pem(pki.ca_cert_pem().as_bytes())
//!     .unwrap()
//!     .client_identity(device.chain().to_vec(), device.key())
//!     .build()
//!     .unwrap();
//! # drop((server_config, client_config));
//!
//! // Files for programs that read PEM (mosquitto, openssl, curl):
//! let dir = std::env::temp_dir().join(format!("pki-doctest-{}", std::process::id()));
//! let ca_path = pki.write_ca_cert(&dir).unwrap();
//! let (cert_path, key_path) = server.write(&dir, "server").unwrap();
//! assert!(ca_path.ends_with("ca.pem") && cert_path.ends_with("server.pem"));
//! assert!(key_path.ends_with("server.key"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::fs;
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use iot_comm::Profile;
use iot_comm::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::RootCertStore;
use zeroize::Zeroizing;

/// Validity of server and client certificates, in days (Mozilla's
/// recommended maximum lifetime).
pub const LEAF_VALIDITY_DAYS: u64 = 90;
/// Validity of the test CA certificate, in days.
pub const CA_VALIDITY_DAYS: u64 = 365;

/// How far back certificates start, to tolerate clocks slightly behind.
const BACKDATE: Duration = Duration::from_secs(3_600);
const DAY: Duration = Duration::from_secs(86_400);

/// A test certificate authority.
pub struct TestPki {
    profile: Profile,
    issuer: Issuer<'static, KeyPair>,
    ca_der: CertificateDer<'static>,
    ca_pem: String,
}

impl core::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TestPki")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

/// A certificate issued by a [`TestPki`], with its private key.
pub struct IssuedCert {
    chain: Vec<CertificateDer<'static>>,
    cert_pem: String,
    key_pem: Zeroizing<String>,
    key_pkcs8: Zeroizing<Vec<u8>>,
}

impl core::fmt::Debug for IssuedCert {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("IssuedCert")
            .field("chain_len", &self.chain.len())
            .field("key", &"<redacted>")
            .finish()
    }
}

fn validity(params: &mut CertificateParams, days: u64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let start = now.saturating_sub(BACKDATE);
    let epoch = rcgen::date_time_ymd(1970, 1, 1);
    params.not_before = epoch + start;
    // Exactly `days` long, however the backdating is chosen.
    params.not_after = epoch + start + DAY * u32::try_from(days).unwrap_or(u32::MAX);
}

fn leaf_key(_profile: Profile) -> Result<KeyPair, rcgen::Error> {
    // ECDSA P-256 for both profiles: Mozilla recommends it for Modern and
    // Intermediate alike, and every IoT TLS stack supports it.
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
}

impl TestPki {
    /// A new CA ("iot-rs test CA", ECDSA P-256, valid [`CA_VALIDITY_DAYS`]
    /// days) that issues certificates following `profile`.
    ///
    /// # Errors
    ///
    /// When rcgen cannot generate the key or the certificate.
    pub fn new(profile: Profile) -> Result<Self, rcgen::Error> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, "iot-rs test CA");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "iot-rs examples (test only)");
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        validity(&mut params, CA_VALIDITY_DAYS);
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let cert = params.self_signed(&key)?;
        Ok(Self {
            profile,
            ca_pem: cert.pem(),
            ca_der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        })
    }

    /// The profile the certificates follow.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The CA certificate, PEM.
    pub fn ca_cert_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The CA certificate, DER.
    pub fn ca_cert_der(&self) -> &CertificateDer<'static> {
        &self.ca_der
    }

    /// A rustls trust store holding just this CA.
    pub fn root_store(&self) -> RootCertStore {
        let mut roots = RootCertStore::empty();
        // The CA certificate was made above; webpki always accepts it.
        let _ = roots.add(self.ca_der.clone());
        roots
    }

    /// A server certificate for `host` (a DNS name such as `localhost`, or an
    /// IP address): SAN = `host`, extended key usage serverAuth.
    ///
    /// # Errors
    ///
    /// When `host` is not a valid DNS name or IP address, or rcgen fails.
    pub fn server(&self, host: &str) -> Result<IssuedCert, rcgen::Error> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.subject_alt_names = vec![match host.parse::<IpAddr>() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName(host.try_into()?),
        }];
        params.distinguished_name.push(DnType::CommonName, host);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.issue(params)
    }

    /// A client (device) certificate: subject CN = `device_id`, a URI SAN
    /// `urn:iot-rs:device:<device_id>`, extended key usage clientAuth.
    ///
    /// # Errors
    ///
    /// When `device_id` cannot be written into a URI, or rcgen fails.
    pub fn client(&self, device_id: &str) -> Result<IssuedCert, rcgen::Error> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.subject_alt_names = vec![SanType::URI(
            format!("urn:iot-rs:device:{device_id}").try_into()?,
        )];
        params
            .distinguished_name
            .push(DnType::CommonName, device_id);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.issue(params)
    }

    fn issue(&self, mut params: CertificateParams) -> Result<IssuedCert, rcgen::Error> {
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        validity(&mut params, LEAF_VALIDITY_DAYS);
        let key = leaf_key(self.profile)?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(IssuedCert {
            chain: vec![cert.der().clone()],
            cert_pem: cert.pem(),
            key_pem: Zeroizing::new(key.serialize_pem()),
            key_pkcs8: Zeroizing::new(key.serialize_der()),
        })
    }

    /// Writes the CA certificate to `dir/ca.pem` (creating `dir`) and
    /// returns the path.
    ///
    /// # Errors
    ///
    /// File system errors.
    pub fn write_ca_cert(&self, dir: &Path) -> io::Result<PathBuf> {
        fs::create_dir_all(dir)?;
        let path = dir.join("ca.pem");
        write_file(&path, self.ca_pem.as_bytes(), false)?;
        Ok(path)
    }
}

impl IssuedCert {
    /// The certificate chain, end entity first (the CA is not included).
    pub fn chain(&self) -> &[CertificateDer<'static>] {
        &self.chain
    }

    /// The certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The private key, PKCS#8 PEM.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The private key, DER (a fresh copy, for `identity`/`client_identity`).
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_pkcs8.to_vec()))
    }

    /// Writes `dir/<stem>.pem` (certificate) and `dir/<stem>.key` (private
    /// key, readable by the owner only on Unix), creating `dir`.
    ///
    /// # Errors
    ///
    /// File system errors.
    pub fn write(&self, dir: &Path, stem: &str) -> io::Result<(PathBuf, PathBuf)> {
        fs::create_dir_all(dir)?;
        let cert = dir.join(format!("{stem}.pem"));
        let key = dir.join(format!("{stem}.key"));
        write_file(&cert, self.cert_pem.as_bytes(), false)?;
        write_file(&key, self.key_pem.as_bytes(), true)?;
        Ok((cert, key))
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
    fn certificates_follow_the_modern_profile() {
        let pki = TestPki::new(Profile::Modern).unwrap();
        let server = pki.server("localhost").unwrap();
        let config = iot_comm::ServerPolicy::new(Profile::Modern)
            .identity(server.chain().to_vec(), server.key());
        let report = config.report();
        let id = report.identity.unwrap();
        assert_eq!(id.key, "ECDSA P-256");
        assert!(
            id.lifetime_days <= LEAF_VALIDITY_DAYS,
            "{}",
            id.lifetime_days
        );
        assert_eq!(id.subject_alt_names, 1);
        assert!(report.notes.is_empty(), "{:?}", report.notes);
        config.build().unwrap();
    }

    #[test]
    fn ip_address_hosts_get_an_ip_san() {
        let pki = TestPki::new(Profile::Intermediate).unwrap();
        let server = pki.server("127.0.0.1").unwrap();
        iot_comm::ServerPolicy::new(Profile::Intermediate)
            .identity(server.chain().to_vec(), server.key())
            .build()
            .unwrap();
    }
}
