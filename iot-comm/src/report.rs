//! A machine-readable statement of what a policy allows.
//!
//! The report is computed from the same tables and settings `build()` uses
//! (the profile's `CryptoProvider`, the policy's pins, ALPN list, resumption
//! and clock), so it describes the configuration that is actually built.
//! Put it in your conformance file: `Display` gives a readable table, and
//! with the `serde` feature it serializes (e.g. to JSON).

use core::fmt;

use crate::profile::{self, Profile};

/// What a [`ClientPolicy`](crate::ClientPolicy) or
/// [`ServerPolicy`](crate::ServerPolicy) allows. Returned by their
/// `report()`.
///
/// ```
/// use iot_comm::{ClientPolicy, Profile};
///
/// let report = ClientPolicy::new(Profile::Modern).report();
/// assert_eq!(report.protocol_versions, ["TLSv1.3"]);
/// assert!(!report.early_data);
/// println!("{report}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PolicyReport {
    /// Which side the policy configures.
    pub side: Side,
    /// The profile's name (`"modern"`, `"intermediate"`).
    pub profile: &'static str,
    /// The guideline and configuration the profile follows, with its version.
    pub guideline: &'static str,
    /// Which implementation enforces it.
    pub implementation: &'static str,
    /// Protocol versions enabled.
    pub protocol_versions: Vec<&'static str>,
    /// Cipher suites enabled (IANA names), in preference order.
    pub cipher_suites: Vec<&'static str>,
    /// Key exchange groups enabled (IANA names), in preference order.
    pub key_exchange_groups: Vec<&'static str>,
    /// Signature schemes accepted for the peer's handshake signature (IANA
    /// names); this limits the peer's certificate key type.
    pub signature_schemes: Vec<&'static str>,
    /// Key types allowed for certificates under this profile.
    pub certificate_keys: Vec<&'static str>,
    /// How the peer's certificate is verified.
    pub peer_verification: PeerVerification,
    /// Number of trust anchors configured.
    pub trust_anchors: usize,
    /// SPKI SHA-256 pins that apply to every server name (lower-case hex);
    /// empty when pinning is off.
    pub spki_pins_sha256: Vec<String>,
    /// SPKI SHA-256 pins bound to one server name: (name, lower-case hex).
    pub spki_pins_sha256_by_server_name: Vec<(String, String)>,
    /// Client authentication (mutual TLS): for a server whether it is
    /// required; for a client whether it has a certificate to present.
    pub client_authentication: ClientAuthentication,
    /// ALPN protocols offered (client) or accepted (server), in preference
    /// order, non-printable bytes escaped.
    pub alpn_protocols: Vec<String>,
    /// Session resumption.
    pub session_resumption: String,
    /// Whether 0-RTT early data is enabled (never, in this crate).
    pub early_data: bool,
    /// Extended master secret (RFC 7627) for TLS 1.2.
    pub extended_master_secret: &'static str,
    /// Whether session keys can be written to a key log (never).
    pub key_logging: bool,
    /// Whether traffic secrets can be extracted (never).
    pub secret_extraction: bool,
    /// The clock floor, in seconds since the Unix epoch.
    pub clock_floor_unix: u64,
    /// Where the time comes from.
    pub clock_source: &'static str,
    /// Our own certificate, if one is configured.
    pub identity: Option<IdentityReport>,
    /// Remarks a reviewer should see (weaker choices, recommendations).
    pub notes: Vec<String>,
}

/// The part of a [`PolicyReport`] about our own certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct IdentityReport {
    /// Key type, e.g. `"ECDSA P-256"`.
    pub key: String,
    /// Certificates in the chain, end entity included.
    pub chain_length: usize,
    /// DNS names and IP addresses in the subject alternative name.
    pub subject_alt_names: usize,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before_unix: u64,
    /// End of validity, seconds since the Unix epoch.
    pub not_after_unix: u64,
    /// Length of the validity period in days.
    pub lifetime_days: u64,
    /// SHA-256 of the certificate's SPKI (lower-case hex): the pin a peer
    /// would configure for it.
    pub spki_sha256: String,
}

/// Writes `Display` and (with the `serde` feature) `Serialize` of a
/// report enum from one table of strings, so the text, the JSON and the
/// match arms cannot drift apart.
macro_rules! report_words {
    ($ty:ident { $($variant:ident => $text:literal,)+ }) => {
        impl $ty {
            /// The words the report uses (in `Display` and in JSON).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

/// Which side a [`PolicyReport`] describes. In `Display` and JSON:
/// `"client"` or `"server"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Side {
    /// A [`ClientPolicy`](crate::ClientPolicy).
    Client,
    /// A [`ServerPolicy`](crate::ServerPolicy).
    Server,
}

report_words!(Side {
    Client => "client",
    Server => "server",
});

/// How a policy verifies its peer's certificate. `Display` and JSON give
/// the sentence shown at each variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeerVerification {
    /// Client: "WebPKI: chain to a trust anchor, validity, host name".
    WebPki,
    /// Client with pins: "WebPKI: chain to a trust anchor, validity, host
    /// name; then SPKI pin on the verified path".
    WebPkiThenPin,
    /// Client with
    /// [`dangerous_pin_only`](crate::ClientPolicy::dangerous_pin_only):
    /// "SPKI pin for the server name and validity only, no chain or certificate name check (danger)".
    PinOnly,
    /// Server requiring client certificates: "WebPKI: client certificate
    /// chain to a trust anchor, validity".
    ClientCertificate,
    /// Server without client authentication: "none: clients are not
    /// authenticated by TLS".
    NotAuthenticated,
}

report_words!(PeerVerification {
    WebPki => "WebPKI: chain to a trust anchor, validity, host name",
    WebPkiThenPin => "WebPKI: chain to a trust anchor, validity, host name; then SPKI pin on the verified path",
    PinOnly => "SPKI pin for the server name and validity only, no chain or certificate name check (danger)",
    ClientCertificate => "WebPKI: client certificate chain to a trust anchor, validity",
    NotAuthenticated => "none: clients are not authenticated by TLS",
});

/// Client authentication (mutual TLS) in a [`PolicyReport`]. `Display` and
/// JSON give the words shown at each variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientAuthentication {
    /// Client with an identity: "client certificate presented when
    /// requested".
    Presented,
    /// Client without an identity: "no client certificate".
    NoCertificate,
    /// Server: "required".
    Required,
    /// Server: "not requested".
    NotRequested,
}

report_words!(ClientAuthentication {
    Presented => "client certificate presented when requested",
    NoCertificate => "no client certificate",
    Required => "required",
    NotRequested => "not requested",
});

/// Certificate lifetime the guideline recommends, in days.
const RECOMMENDED_LIFETIME_DAYS: u64 = 90;

/// The fields every report shares, filled from the profile's provider, and
/// the side's verification settings.
pub(crate) fn base(
    side: Side,
    profile: Profile,
    peer_verification: PeerVerification,
    client_authentication: ClientAuthentication,
) -> PolicyReport {
    let provider = profile.provider();
    PolicyReport {
        side,
        profile: profile.name(),
        guideline: profile.guideline(),
        implementation: concat!(
            "iot-comm ",
            env!("CARGO_PKG_VERSION"),
            " on rustls 0.23 with the ring provider"
        ),
        protocol_versions: profile
            .versions()
            .iter()
            .map(|v| profile::version_name(v.version))
            .collect(),
        cipher_suites: provider
            .cipher_suites
            .iter()
            .map(|s| profile::suite_name(s.suite()))
            .collect(),
        key_exchange_groups: provider
            .kx_groups
            .iter()
            .map(|g| profile::group_name(g.name()))
            .collect(),
        signature_schemes: provider
            .signature_verification_algorithms
            .supported_schemes()
            .into_iter()
            .map(profile::scheme_name)
            .collect(),
        certificate_keys: profile.allowed_keys().to_vec(),
        peer_verification,
        trust_anchors: 0,
        spki_pins_sha256: Vec::new(),
        spki_pins_sha256_by_server_name: Vec::new(),
        client_authentication,
        alpn_protocols: Vec::new(),
        session_resumption: String::new(),
        early_data: false,
        extended_master_secret: if profile.has_tls12() {
            "required"
        } else {
            "not applicable (TLS 1.3 only)"
        },
        key_logging: false,
        secret_extraction: false,
        clock_floor_unix: 0,
        clock_source: "",
        identity: None,
        notes: Vec::new(),
    }
}

pub(crate) fn alpn_names(alpn: &[Vec<u8>]) -> Vec<String> {
    alpn.iter().map(|p| p.escape_ascii().to_string()).collect()
}

pub(crate) fn identity_notes(report: &mut PolicyReport) {
    if let Some(id) = &report.identity
        && id.lifetime_days > RECOMMENDED_LIFETIME_DAYS
    {
        report.notes.push(format!(
            "certificate lifetime of {} days exceeds the {RECOMMENDED_LIFETIME_DAYS} days the guideline recommends",
            id.lifetime_days
        ));
    }
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for PolicyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "TLS {} policy: profile {}", self.side, self.profile)?;
        let named_pins: Vec<String> = self
            .spki_pins_sha256_by_server_name
            .iter()
            .map(|(name, pin)| format!("{pin} for {name}"))
            .collect();
        let rows: [(&str, String); 21] = [
            ("guideline", self.guideline.into()),
            ("implementation", self.implementation.into()),
            ("protocol versions", list(&self.protocol_versions)),
            ("cipher suites", list(&self.cipher_suites)),
            ("key exchange groups", list(&self.key_exchange_groups)),
            ("peer signature schemes", list(&self.signature_schemes)),
            ("certificate keys", list(&self.certificate_keys)),
            ("peer verification", self.peer_verification.to_string()),
            ("trust anchors", self.trust_anchors.to_string()),
            ("spki pins (sha-256)", list(&self.spki_pins_sha256)),
            ("spki pins bound to names", list(&named_pins)),
            ("client authentication", self.client_authentication.to_string()),
            ("alpn", list(&self.alpn_protocols)),
            ("session resumption", self.session_resumption.clone()),
            ("0-rtt early data", on_off(self.early_data)),
            ("extended master secret", self.extended_master_secret.into()),
            ("key logging", on_off(self.key_logging)),
            ("secret extraction", on_off(self.secret_extraction)),
            ("clock floor (unix)", self.clock_floor_unix.to_string()),
            ("clock source", self.clock_source.into()),
            (
                "own certificate",
                self.identity.as_ref().map_or_else(
                    || "none".into(),
                    |id| {
                        format!(
                            "{}, chain of {}, {} SAN names, valid {}..{} ({} days), spki sha-256 {}",
                            id.key,
                            id.chain_length,
                            id.subject_alt_names,
                            id.not_before_unix,
                            id.not_after_unix,
                            id.lifetime_days,
                            id.spki_sha256
                        )
                    },
                ),
            ),
        ];
        for (name, value) in rows {
            writeln!(f, "  {name:<24}{value}")?;
        }
        for note in &self.notes {
            writeln!(f, "  note: {note}")?;
        }
        Ok(())
    }
}

fn on_off(b: bool) -> String {
    if b { "enabled" } else { "disabled" }.into()
}
