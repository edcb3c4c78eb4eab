//! Reading the few certificate fields the profile checks need: validity,
//! subject alternative names and the public key type.
//!
//! rustls' own parser (webpki) verifies chains but does not expose validity
//! or key details, so we read them with `x509-cert` (RustCrypto, strict DER).
//! The SPKI hash for pins is computed over the bytes webpki itself sees, so
//! a pin always refers to the key that was actually verified.

use rustls::pki_types::{CertificateDer, UnixTime};
use x509_cert::Certificate;
use x509_cert::der::Decode;
use x509_cert::der::asn1::{ObjectIdentifier, UintRef};
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

use crate::error::CertificateProblem;

/// Public key type of a certificate, as far as the profiles care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    EcdsaP256,
    EcdsaP384,
    Ed25519,
    Rsa { bits: u32 },
    Other,
}

impl KeyKind {
    pub(crate) fn name(self) -> String {
        match self {
            Self::EcdsaP256 => "ECDSA P-256".into(),
            Self::EcdsaP384 => "ECDSA P-384".into(),
            Self::Ed25519 => "Ed25519".into(),
            Self::Rsa { bits } => format!("RSA {bits} bits"),
            Self::Other => "other".into(),
        }
    }
}

/// What the profile checks need from a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertInfo {
    pub(crate) key: KeyKind,
    pub(crate) not_before: u64,
    pub(crate) not_after: u64,
    /// Number of DNS names and IP addresses in the subjectAltName extension.
    pub(crate) san_names: usize,
}

const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// Reads validity, SAN count and key type of a DER certificate.
pub(crate) fn inspect(der: &CertificateDer<'_>) -> Result<CertInfo, CertificateProblem> {
    let cert = Certificate::from_der(der.as_ref()).map_err(|_| CertificateProblem::Malformed)?;
    let tbs = cert.tbs_certificate();
    let validity = tbs.validity();
    let san_names = match tbs.get_extension::<SubjectAltName>() {
        Ok(Some((_critical, san))) => san
            .0
            .iter()
            .filter(|n| matches!(n, GeneralName::DnsName(_) | GeneralName::IpAddress(_)))
            .count(),
        Ok(None) => 0,
        Err(_) => return Err(CertificateProblem::Malformed),
    };
    Ok(CertInfo {
        key: key_kind(tbs.subject_public_key_info()),
        not_before: validity.not_before.to_unix_duration().as_secs(),
        not_after: validity.not_after.to_unix_duration().as_secs(),
        san_names,
    })
}

fn key_kind(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned) -> KeyKind {
    let oid = spki.algorithm.oid;
    if oid == ID_EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        match curve {
            Some(c) if c == SECP256R1 => KeyKind::EcdsaP256,
            Some(c) if c == SECP384R1 => KeyKind::EcdsaP384,
            _ => KeyKind::Other,
        }
    } else if oid == ID_ED25519 {
        KeyKind::Ed25519
    } else if oid == RSA_ENCRYPTION {
        spki.subject_public_key
            .as_bytes()
            .and_then(rsa_modulus_bits)
            .map_or(KeyKind::Other, |bits| KeyKind::Rsa { bits })
    } else {
        KeyKind::Other
    }
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`:
/// a SEQUENCE OF two unsigned integers.
fn rsa_modulus_bits(key: &[u8]) -> Option<u32> {
    let ints = Vec::<UintRef<'_>>::from_der(key).ok()?;
    let [modulus, _exponent] = ints.as_slice() else {
        return None;
    };
    let bytes = modulus.as_bytes();
    let first = *bytes.first()?;
    let len = u32::try_from(bytes.len()).ok()?;
    Some(len.checked_mul(8)? - first.leading_zeros())
}

impl CertInfo {
    /// The validity period check at time `now`.
    pub(crate) fn check_validity(&self, now: UnixTime) -> Result<(), CertificateProblem> {
        let now = now.as_secs();
        if now < self.not_before {
            Err(CertificateProblem::NotYetValid)
        } else if now > self.not_after {
            Err(CertificateProblem::Expired)
        } else {
            Ok(())
        }
    }

    /// Lifetime in whole days.
    pub(crate) fn lifetime_days(&self) -> u64 {
        self.not_after.saturating_sub(self.not_before) / 86_400
    }
}

/// SHA-256 of a certificate's DER `SubjectPublicKeyInfo`: the value to pin.
///
/// This is the same value as
/// `openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256`.
///
/// ```
/// # let key = rcgen::KeyPair::generate().unwrap();
/// # let cert = rcgen::CertificateParams::new(vec!["device.local".into()]).unwrap()
/// #     .self_signed(&key).unwrap();
/// let pin: [u8; 32] = iot_comm::spki_sha256(cert.der()).unwrap();
/// # assert_eq!(pin.len(), 32);
/// assert!(iot_comm::spki_sha256(&b"not a certificate".to_vec().into()).is_err());
/// ```
///
/// # Errors
///
/// [`Error::LocalCertificate`](crate::Error::LocalCertificate) with
/// [`CertificateProblem::Malformed`] if `cert` is not a certificate.
pub fn spki_sha256(cert: &CertificateDer<'_>) -> Result<[u8; 32], crate::Error> {
    spki_sha256_inner(cert).map_err(crate::Error::LocalCertificate)
}

pub(crate) fn spki_sha256_inner(cert: &CertificateDer<'_>) -> Result<[u8; 32], CertificateProblem> {
    let parsed =
        webpki::EndEntityCert::try_from(cert).map_err(|_| CertificateProblem::Malformed)?;
    let spki = parsed.subject_public_key_info();
    let digest = ring::digest::digest(&ring::digest::SHA256, spki.as_ref());
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    Ok(out)
}

/// Lower-case hex, for reports.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use core::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_bits_of_a_hand_made_key() {
        // SEQUENCE { INTEGER 0x00 0x80 <255 more bytes> (2048 bits), INTEGER 65537 }
        let mut modulus = vec![0x00, 0x80];
        modulus.extend(std::iter::repeat_n(0x11, 255));
        let mut body = vec![0x02, 0x82, 0x01, 0x01];
        body.extend(&modulus);
        body.extend([0x02, 0x03, 0x01, 0x00, 0x01]);
        let mut der = vec![0x30, 0x82];
        der.extend(u16::try_from(body.len()).unwrap().to_be_bytes());
        der.extend(body);
        assert_eq!(rsa_modulus_bits(&der), Some(2048));
        assert_eq!(rsa_modulus_bits(&[]), None);
        assert_eq!(rsa_modulus_bits(&[0x30, 0x00]), None);
    }

    #[test]
    fn garbage_is_malformed() {
        let der = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x00]);
        assert_eq!(inspect(&der), Err(CertificateProblem::Malformed));
        assert_eq!(spki_sha256_inner(&der), Err(CertificateProblem::Malformed));
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
