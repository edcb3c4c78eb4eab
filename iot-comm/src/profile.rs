//! The two profiles and the ring `CryptoProvider` each one is made of.
//!
//! Everything a profile allows is written down here, once: cipher suites,
//! key exchange groups, protocol versions, the signature schemes accepted
//! from a peer and the key types allowed for certificates. `build()` and
//! `report()` both read from these tables, so the report cannot drift from
//! the configuration.

use core::fmt;
use core::str::FromStr;
use std::sync::Arc;

use rustls::crypto::ring as ring_provider;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::{SignatureScheme, SupportedCipherSuite, SupportedProtocolVersion};
use webpki::ring as algs;

use crate::cert::KeyKind;

/// A TLS configuration profile, after the Mozilla Server Side TLS guidelines
/// (version 6.0), applied to both sides of a connection.
///
/// | | [`Modern`](Profile::Modern) | [`Intermediate`](Profile::Intermediate) |
/// | --- | --- | --- |
/// | protocol versions | TLS 1.3 | TLS 1.3, TLS 1.2 |
/// | TLS 1.3 suites | AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 | same |
/// | TLS 1.2 suites | none | ECDHE-ECDSA/RSA with AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 |
/// | key exchange | X25519, P-256, P-384 | same |
/// | TLS 1.2 extended master secret | n/a | required |
/// | certificate keys (ours and the peer's) | ECDSA P-256/P-384, Ed25519 | also RSA 2048–8192 bits |
///
/// Choose `Modern` whenever you control both ends (device and your own
/// cloud or broker); `Intermediate` only to reach a service that still
/// needs TLS 1.2 or RSA certificates.
///
/// ```
/// use iot_comm::Profile;
/// let p: Profile = "modern".parse().unwrap();
/// assert_eq!(p, Profile::Modern);
/// assert!("old".parse::<Profile>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// TLS 1.3 only (Mozilla "Modern").
    Modern,
    /// TLS 1.3 and TLS 1.2 with forward-secret AEAD suites only (Mozilla
    /// "Intermediate").
    Intermediate,
}

impl Profile {
    /// The profile's name in lower case (`"modern"`, `"intermediate"`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Modern => "modern",
            Self::Intermediate => "intermediate",
        }
    }

    /// The guideline configuration this profile follows.
    pub fn guideline(self) -> &'static str {
        match self {
            Self::Modern => "Mozilla Server Side TLS 6.0, Modern configuration",
            Self::Intermediate => "Mozilla Server Side TLS 6.0, Intermediate configuration",
        }
    }

    /// Whether the profile enables TLS 1.2 (and so needs the extended master
    /// secret).
    pub(crate) fn has_tls12(self) -> bool {
        matches!(self, Self::Intermediate)
    }

    pub(crate) fn versions(self) -> &'static [&'static SupportedProtocolVersion] {
        static MODERN: &[&SupportedProtocolVersion] = &[&rustls::version::TLS13];
        static INTERMEDIATE: &[&SupportedProtocolVersion] =
            &[&rustls::version::TLS13, &rustls::version::TLS12];
        match self {
            Self::Modern => MODERN,
            Self::Intermediate => INTERMEDIATE,
        }
    }

    fn cipher_suites(self) -> &'static [SupportedCipherSuite] {
        use ring_provider::cipher_suite as cs;
        // Mozilla's order; the client's preference decides (the server does
        // not override it), as the guideline recommends for these profiles.
        static MODERN: &[SupportedCipherSuite] = &[
            cs::TLS13_AES_128_GCM_SHA256,
            cs::TLS13_AES_256_GCM_SHA384,
            cs::TLS13_CHACHA20_POLY1305_SHA256,
        ];
        static INTERMEDIATE: &[SupportedCipherSuite] = &[
            cs::TLS13_AES_128_GCM_SHA256,
            cs::TLS13_AES_256_GCM_SHA384,
            cs::TLS13_CHACHA20_POLY1305_SHA256,
            cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ];
        match self {
            Self::Modern => MODERN,
            Self::Intermediate => INTERMEDIATE,
        }
    }

    /// Signature algorithms: `all` verifies certificate chain signatures
    /// (CAs are outside the device maker's control, so RSA CAs stay
    /// usable), `mapping` decides which handshake signatures, and so which
    /// peer end-entity keys, are accepted.
    fn signature_algorithms(self) -> WebPkiSupportedAlgorithms {
        static CHAIN: &[&dyn rustls::pki_types::SignatureVerificationAlgorithm] = &[
            algs::ECDSA_P256_SHA256,
            algs::ECDSA_P256_SHA384,
            algs::ECDSA_P384_SHA256,
            algs::ECDSA_P384_SHA384,
            algs::ED25519,
            algs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            algs::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            algs::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
            algs::RSA_PKCS1_2048_8192_SHA256,
            algs::RSA_PKCS1_2048_8192_SHA384,
            algs::RSA_PKCS1_2048_8192_SHA512,
            algs::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
            algs::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
            algs::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
        ];
        type Mapping = &'static [(
            SignatureScheme,
            &'static [&'static dyn rustls::pki_types::SignatureVerificationAlgorithm],
        )];
        static MODERN: Mapping = &[
            (
                SignatureScheme::ECDSA_NISTP256_SHA256,
                &[algs::ECDSA_P256_SHA256, algs::ECDSA_P384_SHA256],
            ),
            (
                SignatureScheme::ECDSA_NISTP384_SHA384,
                &[algs::ECDSA_P384_SHA384, algs::ECDSA_P256_SHA384],
            ),
            (SignatureScheme::ED25519, &[algs::ED25519]),
        ];
        static INTERMEDIATE: Mapping = &[
            (
                SignatureScheme::ECDSA_NISTP256_SHA256,
                &[algs::ECDSA_P256_SHA256, algs::ECDSA_P384_SHA256],
            ),
            (
                SignatureScheme::ECDSA_NISTP384_SHA384,
                &[algs::ECDSA_P384_SHA384, algs::ECDSA_P256_SHA384],
            ),
            (SignatureScheme::ED25519, &[algs::ED25519]),
            (
                SignatureScheme::RSA_PSS_SHA256,
                &[algs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PSS_SHA384,
                &[algs::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PSS_SHA512,
                &[algs::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA256,
                &[algs::RSA_PKCS1_2048_8192_SHA256],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA384,
                &[algs::RSA_PKCS1_2048_8192_SHA384],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA512,
                &[algs::RSA_PKCS1_2048_8192_SHA512],
            ),
        ];
        WebPkiSupportedAlgorithms {
            all: CHAIN,
            mapping: match self {
                Self::Modern => MODERN,
                Self::Intermediate => INTERMEDIATE,
            },
        }
    }

    /// The ring provider made for this profile. Never the process default:
    /// that could be aws-lc-rs with a different suite list if another crate
    /// in the program enabled it.
    pub(crate) fn provider(self) -> CryptoProvider {
        let ring = ring_provider::default_provider();
        CryptoProvider {
            cipher_suites: self.cipher_suites().to_vec(),
            kx_groups: vec![
                ring_provider::kx_group::X25519,
                ring_provider::kx_group::SECP256R1,
                ring_provider::kx_group::SECP384R1,
            ],
            signature_verification_algorithms: self.signature_algorithms(),
            secure_random: ring.secure_random,
            key_provider: ring.key_provider,
        }
    }

    pub(crate) fn provider_arc(self) -> Arc<CryptoProvider> {
        Arc::new(self.provider())
    }

    /// Whether a certificate with this key may be used under the profile
    /// (our own identity at `build()`; the peer's is limited by the
    /// handshake signature schemes above, to the same set).
    pub(crate) fn allows_key(self, key: KeyKind) -> bool {
        match key {
            KeyKind::EcdsaP256 | KeyKind::EcdsaP384 | KeyKind::Ed25519 => true,
            KeyKind::Rsa { bits } => {
                matches!(self, Self::Intermediate) && (2048..=8192).contains(&bits)
            }
            KeyKind::Other => false,
        }
    }

    /// What the report lists as the allowed certificate keys.
    pub(crate) fn allowed_keys(self) -> &'static [&'static str] {
        match self {
            Self::Modern => &["ECDSA P-256", "ECDSA P-384", "Ed25519"],
            Self::Intermediate => &[
                "ECDSA P-256",
                "ECDSA P-384",
                "Ed25519",
                "RSA 2048-8192 bits",
            ],
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a [`Profile`] name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownProfile;

impl fmt::Display for UnknownProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown profile (expected \"modern\" or \"intermediate\")")
    }
}

impl std::error::Error for UnknownProfile {}

impl FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "modern" => Ok(Self::Modern),
            "intermediate" => Ok(Self::Intermediate),
            _ => Err(UnknownProfile),
        }
    }
}

/// IANA name of a protocol version as written in reports.
pub(crate) fn version_name(v: rustls::ProtocolVersion) -> &'static str {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3",
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2",
        other => other.as_str().unwrap_or("unknown"),
    }
}

/// IANA name of a cipher suite (rustls spells TLS 1.3 suites `TLS13_*`).
pub(crate) fn suite_name(s: rustls::CipherSuite) -> &'static str {
    match s {
        rustls::CipherSuite::TLS13_AES_128_GCM_SHA256 => "TLS_AES_128_GCM_SHA256",
        rustls::CipherSuite::TLS13_AES_256_GCM_SHA384 => "TLS_AES_256_GCM_SHA384",
        rustls::CipherSuite::TLS13_CHACHA20_POLY1305_SHA256 => "TLS_CHACHA20_POLY1305_SHA256",
        other => other.as_str().unwrap_or("unknown"),
    }
}

/// IANA name of a key exchange group.
pub(crate) fn group_name(g: rustls::NamedGroup) -> &'static str {
    match g {
        rustls::NamedGroup::X25519 => "x25519",
        rustls::NamedGroup::secp256r1 => "secp256r1",
        rustls::NamedGroup::secp384r1 => "secp384r1",
        other => other.as_str().unwrap_or("unknown"),
    }
}

/// IANA name of a signature scheme.
pub(crate) fn scheme_name(s: SignatureScheme) -> &'static str {
    match s {
        SignatureScheme::ECDSA_NISTP256_SHA256 => "ecdsa_secp256r1_sha256",
        SignatureScheme::ECDSA_NISTP384_SHA384 => "ecdsa_secp384r1_sha384",
        SignatureScheme::ED25519 => "ed25519",
        SignatureScheme::RSA_PSS_SHA256 => "rsa_pss_rsae_sha256",
        SignatureScheme::RSA_PSS_SHA384 => "rsa_pss_rsae_sha384",
        SignatureScheme::RSA_PSS_SHA512 => "rsa_pss_rsae_sha512",
        SignatureScheme::RSA_PKCS1_SHA256 => "rsa_pkcs1_sha256",
        SignatureScheme::RSA_PKCS1_SHA384 => "rsa_pkcs1_sha384",
        SignatureScheme::RSA_PKCS1_SHA512 => "rsa_pkcs1_sha512",
        other => other.as_str().unwrap_or("unknown"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modern_is_tls13_only_with_three_aead_suites() {
        let p = Profile::Modern.provider();
        assert_eq!(p.cipher_suites.len(), 3);
        assert!(p.cipher_suites.iter().all(|s| s.tls13().is_some()));
        assert_eq!(Profile::Modern.versions().len(), 1);
    }

    #[test]
    fn intermediate_adds_exactly_the_six_ecdhe_aead_suites() {
        let p = Profile::Intermediate.provider();
        let tls12: Vec<_> = p
            .cipher_suites
            .iter()
            .filter(|s| s.tls13().is_none())
            .map(|s| suite_name(s.suite()))
            .collect();
        assert_eq!(tls12.len(), 6);
        for name in tls12 {
            assert!(name.starts_with("TLS_ECDHE_"), "{name}");
            assert!(
                name.contains("_GCM_") || name.contains("CHACHA20"),
                "{name}"
            );
        }
    }

    #[test]
    fn groups_are_x25519_p256_p384() {
        for profile in [Profile::Modern, Profile::Intermediate] {
            let names: Vec<_> = profile
                .provider()
                .kx_groups
                .iter()
                .map(|g| group_name(g.name()))
                .collect();
            assert_eq!(names, ["x25519", "secp256r1", "secp384r1"]);
        }
    }

    #[test]
    fn modern_accepts_no_rsa_handshake_signature() {
        let schemes = Profile::Modern.signature_algorithms().supported_schemes();
        assert!(!schemes.is_empty());
        assert!(
            schemes.iter().all(|s| !scheme_name(*s).starts_with("rsa")),
            "{schemes:?}"
        );
        let schemes = Profile::Intermediate
            .signature_algorithms()
            .supported_schemes();
        assert!(schemes.contains(&SignatureScheme::RSA_PSS_SHA256));
    }

    #[test]
    fn key_rules() {
        assert!(Profile::Modern.allows_key(KeyKind::EcdsaP256));
        assert!(Profile::Modern.allows_key(KeyKind::Ed25519));
        assert!(!Profile::Modern.allows_key(KeyKind::Rsa { bits: 4096 }));
        assert!(Profile::Intermediate.allows_key(KeyKind::Rsa { bits: 2048 }));
        assert!(!Profile::Intermediate.allows_key(KeyKind::Rsa { bits: 1024 }));
        assert!(!Profile::Intermediate.allows_key(KeyKind::Other));
    }
}
