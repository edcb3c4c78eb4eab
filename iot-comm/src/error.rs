//! The error type of this crate.
//!
//! One enum, [`Error`], for everything: building a policy, connecting and
//! accepting. Its variants say *what kind* of thing went wrong so a program
//! can react (retry later, alert the user, re-provision a certificate), and
//! its `Display` is short and never contains key material, PEM text or other
//! bytes of the rejected input.

use core::fmt;
use std::io;
use std::sync::Arc;

use rustls::{AlertDescription, CertificateError, OtherError};

/// Everything that can go wrong in this crate.
///
/// The variants fall in three groups:
///
/// * **configuration** (returned by the `*_pem` loaders and `build()`):
///   [`Pem`](Self::Pem), [`EmptyTrustStore`](Self::EmptyTrustStore),
///   [`InvalidTrustAnchor`](Self::InvalidTrustAnchor),
///   [`MissingIdentity`](Self::MissingIdentity),
///   [`InvalidPrivateKey`](Self::InvalidPrivateKey),
///   [`KeyMismatch`](Self::KeyMismatch),
///   [`LocalCertificate`](Self::LocalCertificate), [`Policy`](Self::Policy),
///   [`InvalidPin`](Self::InvalidPin);
/// * **clock**: [`ClockBeforeFloor`](Self::ClockBeforeFloor),
///   [`ClockUnavailable`](Self::ClockUnavailable);
/// * **connection** (returned by [`connect`](crate::connect) and
///   [`accept`](crate::accept), or by `From<std::io::Error>` /
///   `From<rustls::Error>` when you read and write the returned stream, so
///   `?` works there):
///   [`InvalidServerName`](Self::InvalidServerName),
///   [`PeerCertificate`](Self::PeerCertificate),
///   [`PeerAlert`](Self::PeerAlert), [`Incompatible`](Self::Incompatible),
///   [`Timeout`](Self::Timeout), [`Io`](Self::Io), [`Tls`](Self::Tls).
///
/// `Display` embeds the cause (`"tls failed: {rustls error}"`) and
/// [`source()`](std::error::Error::source) is `None`, so an error chain
/// prints each cause once.
// Not `Eq`: `rustls::Error` (inside `Tls`) is only `PartialEq`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// PEM input could not be used.
    Pem {
        /// What the PEM input was supposed to contain.
        item: PemItem,
        /// Why it was refused.
        problem: PemProblem,
    },
    /// No trust anchor was configured: without one no peer can be verified.
    EmptyTrustStore,
    /// A certificate given as trust anchor could not be used as one.
    InvalidTrustAnchor,
    /// A server policy was built without a certificate and private key.
    MissingIdentity,
    /// The private key could not be parsed, or its type is not supported
    /// (ECDSA P-256/P-384, Ed25519 and RSA are).
    InvalidPrivateKey,
    /// The private key does not belong to the first certificate of the chain.
    KeyMismatch,
    /// Our own certificate (server identity or client identity) breaks the
    /// profile; found at `build()`.
    LocalCertificate(CertificateProblem),
    /// The policy's settings contradict each other or are out of bounds.
    Policy(PolicyProblem),
    /// The clock reads earlier than the configured floor (for example the
    /// firmware build time): it has not been set since the last power-up.
    /// Certificates cannot be checked until it is.
    ClockBeforeFloor,
    /// The clock could not be read at all.
    ClockUnavailable,
    /// The server name given to [`connect`](crate::connect) or
    /// [`connect_host`](crate::connect_host), or bound to a pin with
    /// [`ClientPolicy::pin_spki_sha256_for`](crate::ClientPolicy::pin_spki_sha256_for),
    /// is neither a DNS name nor an IP address.
    InvalidServerName,
    /// An SPKI pin in text form is neither 64 hex digits nor curl's
    /// `sha256//BASE64` ([`SpkiPin::parse`](crate::SpkiPin::parse)).
    InvalidPin,
    /// The peer's certificate was refused during the handshake.
    PeerCertificate(CertificateProblem),
    /// The peer ended the handshake with this TLS alert (it refused us, for
    /// example `ProtocolVersion` from a server that does not speak our
    /// protocol versions, or `CertificateRequired` from a server that wants a
    /// client certificate).
    PeerAlert(AlertDescription),
    /// The peer offered nothing that the profile allows (no common protocol
    /// version, cipher suite, key exchange group or signature scheme, or no
    /// extended master secret on TLS 1.2).
    Incompatible,
    /// A connect, read, write or handshake timeout expired.
    Timeout,
    /// The network failed. Safe to log: no address or path.
    ///
    /// Inside [`connect`](crate::connect) and [`accept`](crate::accept)
    /// `during` is `"connecting"`, `"configuring the socket"`,
    /// `"reading the handshake"` or `"writing the handshake"`; an
    /// [`io::Error`] converted with `From` (`?` on your own reads and
    /// writes) gives `"using the connection"`.
    Io {
        /// The step that failed, a short lower-case phrase.
        during: &'static str,
        /// The kind of the underlying error.
        kind: io::ErrorKind,
    },
    /// Any other TLS failure, as reported by rustls.
    Tls(rustls::Error),
}

/// What a piece of PEM input was supposed to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PemItem {
    /// Trust anchors (CA certificates).
    TrustAnchors,
    /// A certificate chain, end-entity certificate first.
    CertificateChain,
    /// One private key.
    PrivateKey,
}

/// Why PEM input was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PemProblem {
    /// The input is larger than
    /// [`ClientPolicy::MAX_PEM_BYTES`](crate::ClientPolicy::MAX_PEM_BYTES).
    TooLarge,
    /// The input holds more items than allowed for its purpose.
    TooManyItems,
    /// No item of the expected kind was found.
    NotFound,
    /// A private key input holds more than one key.
    Ambiguous,
    /// The PEM framing or its base64 body is malformed.
    Malformed,
}

/// Why a certificate was refused, ours at `build()` or the peer's during the
/// handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateProblem {
    /// The certificate is past its `notAfter` time.
    Expired,
    /// The certificate's `notBefore` time is still in the future.
    NotYetValid,
    /// The certificate has no subject alternative name (host name or IP
    /// address); names in the subject's common name are not honoured.
    NoSubjectAltName,
    /// The certificate's public key type or size is not allowed by the profile.
    KeyNotAllowed,
    /// The certificate does not chain to a configured trust anchor.
    UnknownIssuer,
    /// The certificate is not valid for the name we connected to.
    NameMismatch,
    /// The certificate verified, but its public key matches none of the
    /// configured SPKI pins.
    PinMismatch,
    /// The certificate was revoked.
    Revoked,
    /// A signature in the chain or the handshake does not verify.
    BadSignature,
    /// The certificate is not well-formed DER.
    Malformed,
    /// The peer sent no certificate although one is required.
    NotPresented,
    /// Refused for another reason (see the [`Error::Tls`] case of your logs).
    Other,
}

/// Settings of a policy that cannot work together, found at `build()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyProblem {
    /// Pin-only verification was chosen but no pin was configured.
    PinOnlyWithoutPins,
    /// Pin-only verification was chosen and trust anchors were given too:
    /// they would be ignored, which is almost certainly not what was meant.
    PinOnlyWithTrustAnchors,
    /// Pin-only verification was chosen with a pin that is not bound to a
    /// server name ([`ClientPolicy::pin_spki_sha256`](crate::ClientPolicy::pin_spki_sha256)
    /// instead of
    /// [`pin_spki_sha256_for`](crate::ClientPolicy::pin_spki_sha256_for)):
    /// any device holding that key could then impersonate any other.
    PinOnlyWithUnboundPin,
    /// Session tickets together with required client certificates: a
    /// resumed session skips the client-certificate checks (validity, clock
    /// floor) a full handshake would run now.
    TicketsWithClientAuth,
    /// The clock floor is after 2100-01-01T00:00:00Z, so it cannot be a real
    /// time (for example milliseconds passed as seconds); every check would
    /// fail with [`Error::ClockBeforeFloor`](crate::Error::ClockBeforeFloor).
    ClockFloorOutOfRange,
    /// More than [`ClientPolicy::MAX_PINS`](crate::ClientPolicy::MAX_PINS)
    /// pins.
    TooManyPins,
    /// A certificate chain is empty or longer than
    /// [`ClientPolicy::MAX_CHAIN_LEN`](crate::ClientPolicy::MAX_CHAIN_LEN).
    ChainLength,
    /// An ALPN protocol name is empty or longer than 255 bytes, or there are
    /// more than
    /// [`ClientPolicy::MAX_ALPN_PROTOCOLS`](crate::ClientPolicy::MAX_ALPN_PROTOCOLS).
    InvalidAlpn,
    /// A timeout of zero was given (the operating system treats zero as
    /// "wait forever" or rejects it).
    ZeroTimeout,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pem { item, problem } => write!(f, "{item}: {problem}"),
            Self::EmptyTrustStore => f.write_str("no trust anchors configured"),
            Self::InvalidTrustAnchor => f.write_str("certificate cannot be used as a trust anchor"),
            Self::MissingIdentity => f.write_str("no certificate and private key configured"),
            Self::InvalidPrivateKey => {
                f.write_str("private key unreadable or of an unsupported type")
            }
            Self::KeyMismatch => f.write_str("private key does not match the certificate"),
            Self::LocalCertificate(p) => write!(f, "own certificate refused: {p}"),
            Self::Policy(p) => write!(f, "invalid policy: {p}"),
            Self::ClockBeforeFloor => {
                f.write_str("clock reads before the configured floor: set the time first")
            }
            Self::ClockUnavailable => f.write_str("clock unavailable"),
            Self::InvalidServerName => f.write_str("invalid server name"),
            Self::InvalidPin => f.write_str("spki pin is neither 64 hex digits nor sha256//base64"),
            Self::PeerCertificate(p) => write!(f, "peer certificate refused: {p}"),
            Self::PeerAlert(a) => write!(f, "peer refused the handshake: {a:?}"),
            Self::Incompatible => f.write_str("peer offers nothing the profile allows"),
            Self::Timeout => f.write_str("timed out"),
            Self::Io { during, kind } => write!(f, "i/o error while {during}: {kind}"),
            Self::Tls(e) => write!(f, "tls failed: {e}"),
        }
    }
}

impl fmt::Display for PemItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TrustAnchors => "trust anchor pem",
            Self::CertificateChain => "certificate chain pem",
            Self::PrivateKey => "private key pem",
        })
    }
}

impl fmt::Display for PemProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TooLarge => "input too large",
            Self::TooManyItems => "too many items",
            Self::NotFound => "no item of the expected kind",
            Self::Ambiguous => "more than one key",
            Self::Malformed => "malformed",
        })
    }
}

impl fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Expired => "expired",
            Self::NotYetValid => "not yet valid",
            Self::NoSubjectAltName => "no subject alternative name",
            Self::KeyNotAllowed => "key type or size not allowed by the profile",
            Self::UnknownIssuer => "unknown issuer",
            Self::NameMismatch => "not valid for this name",
            Self::PinMismatch => "public key matches no pin",
            Self::Revoked => "revoked",
            Self::BadSignature => "bad signature",
            Self::Malformed => "malformed",
            Self::NotPresented => "no certificate presented",
            Self::Other => "refused",
        })
    }
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PinOnlyWithoutPins => "pin-only verification needs at least one pin",
            Self::PinOnlyWithTrustAnchors => "pin-only verification takes no trust anchors",
            Self::PinOnlyWithUnboundPin => "pin-only verification needs pins bound to server names",
            Self::TicketsWithClientAuth => {
                "session tickets cannot be combined with required client certificates"
            }
            Self::ClockFloorOutOfRange => "clock floor after 2100-01-01",
            Self::TooManyPins => "too many pins",
            Self::ChainLength => "certificate chain empty or too long",
            Self::InvalidAlpn => "invalid alpn protocol list",
            Self::ZeroTimeout => "zero timeout",
        })
    }
}

/// No `source()`: `Display` already embeds the cause (rustls's rule).
impl std::error::Error for Error {}

impl Error {
    /// The classification of `From<io::Error>`, with the step that failed.
    pub(crate) fn io(during: &'static str) -> impl FnOnce(io::Error) -> Self {
        move |e| {
            if let Some(tls) = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                return Self::from(tls.clone());
            }
            match e.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Self::Timeout,
                kind => Self::Io { during, kind },
            }
        }
    }
}

/// Classifies an I/O error from a rustls stream, so that `?` works on the
/// stream [`connect`](crate::connect) or [`accept`](crate::accept) returned:
/// TLS failures wrapped in the `io::Error` (rustls does that in
/// `read`/`write`/`complete_io`) become the matching variant, timeouts
/// become [`Error::Timeout`], anything else [`Error::Io`] with `during`
/// `"using the connection"`.
///
/// ```
/// use std::io;
/// use iot_comm::{Error, rustls};
///
/// let e = io::Error::new(io::ErrorKind::InvalidData, rustls::Error::DecryptError);
/// assert_eq!(Error::from(e), Error::Tls(rustls::Error::DecryptError));
/// assert_eq!(Error::from(io::Error::from(io::ErrorKind::TimedOut)), Error::Timeout);
/// let reset = Error::from(io::Error::from(io::ErrorKind::ConnectionReset));
/// assert_eq!(reset.to_string(), "i/o error while using the connection: connection reset");
/// ```
impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Self::io("using the connection")(e)
    }
}

impl From<rustls::Error> for Error {
    fn from(e: rustls::Error) -> Self {
        match e {
            rustls::Error::InvalidCertificate(c) => classify_certificate_error(&c)
                .unwrap_or(Self::PeerCertificate(CertificateProblem::Other)),
            rustls::Error::NoCertificatesPresented => {
                Self::PeerCertificate(CertificateProblem::NotPresented)
            }
            rustls::Error::AlertReceived(alert) => Self::PeerAlert(alert),
            rustls::Error::PeerIncompatible(_) => Self::Incompatible,
            rustls::Error::FailedToGetCurrentTime => Self::ClockUnavailable,
            other => Self::Tls(other),
        }
    }
}

fn classify_certificate_error(c: &CertificateError) -> Option<Error> {
    use CertificateProblem as P;
    let problem = match c {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => P::Expired,
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            P::NotYetValid
        }
        CertificateError::UnknownIssuer => P::UnknownIssuer,
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            P::NameMismatch
        }
        CertificateError::Revoked => P::Revoked,
        CertificateError::BadSignature => P::BadSignature,
        CertificateError::BadEncoding => P::Malformed,
        CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            P::KeyNotAllowed
        }
        CertificateError::Other(OtherError(inner)) => {
            return match inner.downcast_ref::<VerifyFailure>() {
                Some(VerifyFailure::ClockBeforeFloor) => Some(Error::ClockBeforeFloor),
                Some(VerifyFailure::Certificate(p)) => Some(Error::PeerCertificate(*p)),
                None => None,
            };
        }
        _ => return None,
    };
    Some(Error::PeerCertificate(problem))
}

/// What our own verifiers report to rustls inside
/// `CertificateError::Other`, so that [`Error::from`] can recover it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VerifyFailure {
    ClockBeforeFloor,
    Certificate(CertificateProblem),
}

impl fmt::Display for VerifyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ClockBeforeFloor => f.write_str("clock reads before the configured floor"),
            Self::Certificate(p) => write!(f, "{p}"),
        }
    }
}

impl std::error::Error for VerifyFailure {}

impl From<VerifyFailure> for rustls::Error {
    fn from(v: VerifyFailure) -> Self {
        Self::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(v))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_failures_round_trip_through_rustls_errors() {
        let pin = rustls::Error::from(VerifyFailure::Certificate(CertificateProblem::PinMismatch));
        assert_eq!(
            Error::from(pin),
            Error::PeerCertificate(CertificateProblem::PinMismatch)
        );
        let clock = rustls::Error::from(VerifyFailure::ClockBeforeFloor);
        assert_eq!(Error::from(clock), Error::ClockBeforeFloor);
    }

    #[test]
    fn rustls_errors_map_to_kinds() {
        let cases = [
            (
                rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
                Error::PeerCertificate(CertificateProblem::UnknownIssuer),
            ),
            (
                rustls::Error::InvalidCertificate(CertificateError::Expired),
                Error::PeerCertificate(CertificateProblem::Expired),
            ),
            (
                rustls::Error::InvalidCertificate(CertificateError::NotValidForName),
                Error::PeerCertificate(CertificateProblem::NameMismatch),
            ),
            (
                rustls::Error::NoCertificatesPresented,
                Error::PeerCertificate(CertificateProblem::NotPresented),
            ),
            (
                rustls::Error::AlertReceived(AlertDescription::ProtocolVersion),
                Error::PeerAlert(AlertDescription::ProtocolVersion),
            ),
            (
                rustls::Error::PeerIncompatible(rustls::PeerIncompatible::NoCipherSuitesInCommon),
                Error::Incompatible,
            ),
            (
                rustls::Error::DecryptError,
                Error::Tls(rustls::Error::DecryptError),
            ),
        ];
        for (tls, ours) in cases {
            assert_eq!(Error::from(tls), ours);
        }
    }

    #[test]
    fn io_errors_are_classified() {
        assert_eq!(
            Error::from(io::Error::from(io::ErrorKind::WouldBlock)),
            Error::Timeout
        );
        assert_eq!(
            Error::from(io::Error::from(io::ErrorKind::ConnectionReset)),
            Error::Io {
                during: "using the connection",
                kind: io::ErrorKind::ConnectionReset
            }
        );
        let wrapped = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        );
        assert_eq!(
            Error::from(wrapped),
            Error::PeerCertificate(CertificateProblem::UnknownIssuer)
        );
    }

    #[test]
    fn the_cause_is_in_display_and_not_in_source() {
        use std::error::Error as _;
        let e = Error::Tls(rustls::Error::DecryptError);
        assert!(e.source().is_none());
        assert!(
            e.to_string()
                .ends_with(&rustls::Error::DecryptError.to_string())
        );
        let io = Error::Io {
            during: "reading the handshake",
            kind: io::ErrorKind::ConnectionReset,
        };
        assert_eq!(
            io.to_string(),
            "i/o error while reading the handshake: connection reset"
        );
        assert!(io.source().is_none());
    }

    #[test]
    fn display_is_short_lower_case_and_has_no_input() {
        let all = [
            Error::Pem {
                item: PemItem::PrivateKey,
                problem: PemProblem::Malformed,
            },
            Error::EmptyTrustStore,
            Error::LocalCertificate(CertificateProblem::NoSubjectAltName),
            Error::Policy(PolicyProblem::TooManyPins),
            Error::ClockBeforeFloor,
            Error::PeerCertificate(CertificateProblem::PinMismatch),
            Error::Timeout,
        ];
        for e in all {
            let s = e.to_string();
            assert!(s.len() < 80, "{s}");
            assert!(s.chars().next().is_some_and(|c| c.is_lowercase()), "{s}");
        }
    }
}
