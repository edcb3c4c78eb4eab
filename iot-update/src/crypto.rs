//! Public keys, signature verification and hashes, all through ring.

use ring::digest;
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use rustls_pki_types::SubjectPublicKeyInfoDer;
use rustls_pki_types::pem::PemObject;
use spki::der::Decode;

/// A public key of a supported type and scheme, ready to verify.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PublicKey {
    scheme: Scheme,
    /// The raw key in the form ring's algorithm takes.
    raw: Vec<u8>,
}

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PublicKey")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Ed25519,
    EcdsaP256,
    EcdsaP384,
    RsaPssSha256,
}

const OID_EC_PUBLIC_KEY: spki::ObjectIdentifier =
    spki::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_RSA_ENCRYPTION: spki::ObjectIdentifier =
    spki::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

impl PublicKey {
    /// Parses a TUF key (`keytype`, `scheme`, `keyval.public`). `None` for
    /// a key type or scheme this crate does not implement, or a public value
    /// that does not parse: such a key can never count towards a threshold.
    pub(crate) fn parse(keytype: &str, scheme: &str, public: &str) -> Option<PublicKey> {
        let scheme = match (keytype, scheme) {
            ("ed25519", "ed25519") => Scheme::Ed25519,
            ("ecdsa" | "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256") => Scheme::EcdsaP256,
            ("ecdsa" | "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384") => Scheme::EcdsaP384,
            ("rsa", "rsassa-pss-sha256") => Scheme::RsaPssSha256,
            _ => return None,
        };
        let raw = match scheme {
            Scheme::Ed25519 => {
                let raw = hex_decode(public)?;
                (raw.len() == 32).then_some(raw)?
            }
            Scheme::EcdsaP256 | Scheme::EcdsaP384 => {
                let point_len = if scheme == Scheme::EcdsaP256 { 65 } else { 97 };
                let raw = if public.trim_start().starts_with("-----BEGIN") {
                    spki_key(public, OID_EC_PUBLIC_KEY)?
                } else {
                    hex_decode(public)?
                };
                (raw.len() == point_len && raw.first() == Some(&4)).then_some(raw)?
            }
            Scheme::RsaPssSha256 => spki_key(public, OID_RSA_ENCRYPTION)?,
        };
        Some(PublicKey { scheme, raw })
    }

    fn algorithm(&self) -> &'static dyn VerificationAlgorithm {
        match self.scheme {
            Scheme::Ed25519 => &signature::ED25519,
            Scheme::EcdsaP256 => &signature::ECDSA_P256_SHA256_ASN1,
            Scheme::EcdsaP384 => &signature::ECDSA_P384_SHA384_ASN1,
            Scheme::RsaPssSha256 => &signature::RSA_PSS_2048_8192_SHA256,
        }
    }

    /// Whether `sig` is a valid signature of `msg` by this key.
    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        UnparsedPublicKey::new(self.algorithm(), &self.raw)
            .verify(msg, sig)
            .is_ok()
    }
}

/// The subject public key of a PEM `PUBLIC KEY` with the given algorithm.
fn spki_key(pem: &str, algorithm: spki::ObjectIdentifier) -> Option<Vec<u8>> {
    let der = SubjectPublicKeyInfoDer::from_pem_slice(pem.as_bytes()).ok()?;
    let info = spki::SubjectPublicKeyInfoRef::from_der(der.as_ref()).ok()?;
    if info.algorithm.oid != algorithm {
        return None;
    }
    info.subject_public_key.as_bytes().map(<[u8]>::to_vec)
}

/// Decodes lower- or upper-case hex; `None` for anything else.
pub(crate) fn hex_decode(s: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|p| Some(nibble(*p.first()?)? << 4 | nibble(*p.get(1)?)?))
        .collect()
}

/// Lower-case hex.
pub(crate) fn hex_encode(bytes: &[u8]) -> String {
    use core::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The hash algorithms TUF metadata names that this crate implements.
pub(crate) fn hash_algorithm(name: &str) -> Option<&'static digest::Algorithm> {
    match name {
        "sha256" => Some(&digest::SHA256),
        "sha512" => Some(&digest::SHA512),
        _ => None,
    }
}

/// Hashes a stream with every algorithm of a signed `hashes` map at once.
pub(crate) struct MultiHasher {
    contexts: Vec<(digest::Context, Vec<u8>)>,
}

impl MultiHasher {
    /// `None` if a hash algorithm is unknown (every listed hash must be
    /// checked) or a value is not hex, or the map is empty.
    pub(crate) fn new<'a>(hashes: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let mut contexts = Vec::new();
        for (name, value) in hashes {
            let algorithm = hash_algorithm(name)?;
            let expected = hex_decode(value)?;
            contexts.push((digest::Context::new(algorithm), expected));
        }
        (!contexts.is_empty()).then_some(MultiHasher { contexts })
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        for (context, _) in &mut self.contexts {
            context.update(data);
        }
    }

    /// Whether every hash matches.
    pub(crate) fn matches(self) -> bool {
        let mut all = true;
        for (context, expected) in self.contexts {
            all &= context.finish().as_ref() == expected.as_slice();
        }
        all
    }
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, data).as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_rejects() {
        assert_eq!(hex_decode("00ff7A").unwrap(), vec![0, 255, 0x7a]);
        assert_eq!(hex_encode(&[0, 255, 0x7a]), "00ff7a");
        assert!(hex_decode("0").is_none());
        assert!(hex_decode("zz").is_none());
        assert_eq!(hex_decode("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn unknown_key_types_and_bad_values_are_not_keys() {
        assert!(PublicKey::parse("ed25519", "ed25519", &"00".repeat(32)).is_some());
        assert!(PublicKey::parse("ed25519", "ed25519", &"00".repeat(31)).is_none());
        assert!(PublicKey::parse("ed25519", "ecdsa-sha2-nistp256", &"00".repeat(32)).is_none());
        assert!(PublicKey::parse("dsa", "dsa", "00").is_none());
        assert!(PublicKey::parse("rsa", "rsassa-pss-sha256", "not pem").is_none());
        assert!(PublicKey::parse("ecdsa", "ecdsa-sha2-nistp256", "04").is_none());
    }

    #[test]
    fn ecdsa_p256_hex_keys_verify_asn1_signatures_and_ed25519_refuses_a_flipped_bit() {
        use ring::rand::SystemRandom;
        use ring::signature::{
            ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair,
        };
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let public = hex_encode(pair.public_key().as_ref());
        let sig = pair.sign(&rng, b"msg").unwrap();
        for keytype in ["ecdsa", "ecdsa-sha2-nistp256"] {
            let key = PublicKey::parse(keytype, "ecdsa-sha2-nistp256", &public).unwrap();
            assert!(key.verify(b"msg", sig.as_ref()));
            assert!(!key.verify(b"msG", sig.as_ref()));
        }
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let key = PublicKey::parse(
            "ed25519",
            "ed25519",
            &hex_encode(pair.public_key().as_ref()),
        )
        .unwrap();
        let mut sig = pair.sign(b"msg").as_ref().to_vec();
        assert!(key.verify(b"msg", &sig));
        sig[10] ^= 1;
        assert!(!key.verify(b"msg", &sig));
    }

    #[test]
    fn multi_hasher_needs_every_algorithm_known() {
        let sha = hex_encode(&sha256(b"abc"));
        let mut h = MultiHasher::new([("sha256", sha.as_str())]).unwrap();
        h.update(b"a");
        h.update(b"bc");
        assert!(h.matches());
        let mut h = MultiHasher::new([("sha256", sha.as_str())]).unwrap();
        h.update(b"abd");
        assert!(!h.matches());
        assert!(MultiHasher::new([("sha256", sha.as_str()), ("md5", sha.as_str())]).is_none());
        assert!(MultiHasher::new(Vec::<(&str, &str)>::new()).is_none());
    }
}
