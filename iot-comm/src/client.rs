//! [`ClientPolicy`]: the builder of hardened rustls client configurations.

use std::sync::Arc;

use rustls::client::{Resumption, WebPkiServerVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::time_provider::TimeProvider;
use rustls::{ClientConfig, RootCertStore};

use crate::clock::Clock;
use crate::error::{Error, PolicyProblem};
use crate::identity::{Identity, Role};
use crate::profile::Profile;
use crate::report::{self, PolicyReport};
use crate::verify::{PolicyServerVerifier, ServerTrust};
use crate::{cert, pem};

/// Most SPKI pins one policy accepts (a current key and a few backups).
pub const MAX_PINS: usize = 16;
/// Most ALPN protocols one policy accepts.
pub const MAX_ALPN_PROTOCOLS: usize = 16;
/// Default size of the client session cache, in servers remembered.
pub const DEFAULT_SESSION_CACHE: usize = 32;
/// Largest client session cache accepted, in servers remembered.
pub const MAX_SESSION_CACHE: usize = 1024;

/// rustls' in-memory session store is sized in TLS 1.3 tickets and keeps up
/// to this many per server (`ClientSessionMemoryCache::new` documents it), so
/// a cache for `n` servers is asked for with `n * TICKETS_PER_SERVER`.
const TICKETS_PER_SERVER: usize = 8;

/// Builds a hardened [`rustls::ClientConfig`] for a device (or an app
/// talking to a device).
///
/// Trust anchors are mandatory: [`trust_pem`](Self::trust_pem) or
/// [`trust`](Self::trust) must be called, or `build()` returns
/// [`Error::EmptyTrustStore`]. Everything else has a secure default:
///
/// * protocol versions, suites, groups and peer key types from the
///   [`Profile`];
/// * WebPKI verification (chain, validity, host name) of the server,
///   followed by an SPKI pin check when pins are configured;
/// * no client certificate unless [`client_identity`](Self::client_identity)
///   is called;
/// * session resumption from a bounded in-memory cache of
///   [`DEFAULT_SESSION_CACHE`] servers; no 0-RTT; no key log; no secret
///   extraction; extended master secret required on TLS 1.2;
/// * the system clock, with the [`DEFAULT_CLOCK_FLOOR`](crate::DEFAULT_CLOCK_FLOOR).
///
/// ```
/// use iot_comm::{ClientPolicy, Profile};
/// # let ca = rcgen::CertifiedIssuer::self_signed(
/// #     { let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
/// #       p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained); p },
/// #     rcgen::KeyPair::generate().unwrap()).unwrap();
/// # let ca_pem = ca.pem();
///
/// let config = ClientPolicy::new(Profile::Modern)
///     .trust_pem(ca_pem.as_bytes())?
///     .alpn(&[b"mqtt"])
///     .build()?;
/// assert_eq!(config.alpn_protocols, [b"mqtt".to_vec()]);
///
/// // No trust anchors: refused.
/// assert_eq!(
///     ClientPolicy::new(Profile::Modern).build().unwrap_err(),
///     iot_comm::Error::EmptyTrustStore
/// );
/// # Ok::<(), iot_comm::Error>(())
/// ```
pub struct ClientPolicy {
    profile: Profile,
    roots: RootCertStore,
    pins: Vec<[u8; 32]>,
    pin_only: bool,
    identity: Option<Identity>,
    alpn: Vec<Vec<u8>>,
    session_cache: usize,
    clock: Clock,
}

impl core::fmt::Debug for ClientPolicy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientPolicy")
            .field("profile", &self.profile)
            .field("trust_anchors", &self.roots.len())
            .field("pins", &self.pins.len())
            .field("pin_only", &self.pin_only)
            .field("identity", &self.identity)
            .field("alpn", &report::alpn_names(&self.alpn))
            .field("session_cache", &self.session_cache)
            .field("clock", &self.clock)
            .finish()
    }
}

impl ClientPolicy {
    /// A policy for `profile` with no trust anchors yet.
    pub fn new(profile: Profile) -> Self {
        Self {
            profile,
            roots: RootCertStore::empty(),
            pins: Vec::new(),
            pin_only: false,
            identity: None,
            alpn: Vec::new(),
            session_cache: DEFAULT_SESSION_CACHE,
            clock: Clock::default(),
        }
    }

    /// Adds every `CERTIFICATE` in `pem` as a trust anchor (for example your
    /// own CA, or your broker's CA). May be called several times.
    ///
    /// # Errors
    ///
    /// [`Error::Pem`] when the input is larger than
    /// [`MAX_PEM_BYTES`](crate::MAX_PEM_BYTES), holds no certificate or more
    /// than [`MAX_TRUST_ANCHORS`](crate::MAX_TRUST_ANCHORS), or is malformed;
    /// [`Error::InvalidTrustAnchor`] when a certificate cannot be a trust
    /// anchor. On error the policy is dropped: nothing half-loaded remains.
    pub fn trust_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        for cert in pem::trust_anchors(pem)? {
            self.roots
                .add(cert)
                .map_err(|_| Error::InvalidTrustAnchor)?;
        }
        Ok(self)
    }

    /// Adds the trust anchors of an existing store (for example one built
    /// from `webpki-roots`).
    pub fn trust(mut self, roots: RootCertStore) -> Self {
        self.roots.roots.extend(roots.roots);
        self
    }

    /// Requires the server certificate's SPKI SHA-256 (see
    /// [`spki_sha256`](crate::spki_sha256)) to equal one of the pins, *after*
    /// normal WebPKI verification. Call it several times to add backup pins
    /// for key rotation (see the [manual](crate::manual::_03_howto)).
    pub fn pin_spki_sha256(mut self, pin: [u8; 32]) -> Self {
        if !self.pins.contains(&pin) {
            self.pins.push(pin);
        }
        self
    }

    /// **Dangerous**: trust a server on its pinned key alone, with no chain
    /// and no host name check. The `dangerous_` prefix marks a skipped
    /// verification step, so a reviewer finds it with
    /// `grep -rn 'insecure_\|dangerous_'`.
    ///
    /// Only for device-local servers with self-signed certificates (an app
    /// on a phone talking to a device on the LAN, the device's key pinned at
    /// pairing). The certificate's validity period is still checked, and the
    /// handshake still proves possession of the pinned key. Requires at least
    /// one pin and no trust anchors: both contradictions are refused at
    /// `build()` ([`PolicyProblem::PinOnlyWithoutPins`],
    /// [`PolicyProblem::PinOnlyWithTrustAnchors`]).
    pub fn dangerous_pin_only(mut self) -> Self {
        self.pin_only = true;
        self
    }

    /// Presents this certificate chain (end entity first) and private key
    /// when the server asks for one: mutual TLS with a per-device identity
    /// instead of a password (EN 303 645 5.1-2A). The key is wiped from
    /// memory when the policy is dropped.
    pub fn client_identity(
        mut self,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> Self {
        self.identity = Some(Identity::new(chain, key));
        self
    }

    /// [`client_identity`](Self::client_identity) from PEM text.
    ///
    /// # Errors
    ///
    /// [`Error::Pem`] when either input is malformed, too large, or the key
    /// input does not hold exactly one private key.
    pub fn client_identity_pem(mut self, chain_pem: &[u8], key_pem: &[u8]) -> Result<Self, Error> {
        let chain = pem::chain(chain_pem)?;
        let key = pem::private_key(key_pem)?;
        self.identity = Some(Identity { chain, key });
        Ok(self)
    }

    /// Offers these ALPN protocols, most preferred first (for example
    /// `b"mqtt"`, `b"x-amzn-mqtt-ca"` or `b"h2"`). Checked at `build()`.
    pub fn alpn(mut self, protocols: &[&[u8]]) -> Self {
        self.alpn = protocols.iter().map(|p| p.to_vec()).collect();
        self
    }

    /// Remembers sessions for up to `servers` servers, for faster
    /// reconnects; `0` turns resumption off. Default
    /// [`DEFAULT_SESSION_CACHE`]; at most [`MAX_SESSION_CACHE`].
    pub fn session_cache(mut self, servers: usize) -> Self {
        self.session_cache = servers;
        self
    }

    /// Refuse to check certificates while the clock reads earlier than
    /// `floor` (see [`DEFAULT_CLOCK_FLOOR`](crate::DEFAULT_CLOCK_FLOOR)).
    pub fn clock_floor(mut self, floor: UnixTime) -> Self {
        self.clock.floor = floor;
        self
    }

    /// Reads the time from `source` instead of the system clock (for a
    /// device whose time comes from GNSS, a phone, or a secure element).
    pub fn time_provider(mut self, source: Arc<dyn TimeProvider>) -> Self {
        self.clock.source = source;
        self.clock.custom_source = true;
        self
    }

    /// Builds the rustls configuration.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyTrustStore`] without trust anchors; [`Error::Policy`]
    /// for contradicting or out-of-bounds settings; for a client identity:
    /// [`Error::LocalCertificate`] (expired, not yet valid, key type not
    /// allowed, malformed), [`Error::InvalidPrivateKey`],
    /// [`Error::KeyMismatch`], [`Error::ClockBeforeFloor`].
    pub fn build(&self) -> Result<Arc<ClientConfig>, Error> {
        let provider = self.profile.provider_arc();
        check_alpn(&self.alpn)?;
        if self.pins.len() > MAX_PINS {
            return Err(Error::Policy(PolicyProblem::TooManyPins));
        }
        if self.session_cache > MAX_SESSION_CACHE {
            return Err(Error::Policy(PolicyProblem::SessionCacheTooLarge));
        }
        let trust = if self.pin_only {
            if self.pins.is_empty() {
                return Err(Error::Policy(PolicyProblem::PinOnlyWithoutPins));
            }
            if !self.roots.is_empty() {
                return Err(Error::Policy(PolicyProblem::PinOnlyWithTrustAnchors));
            }
            ServerTrust::PinOnly
        } else {
            if self.roots.is_empty() {
                return Err(Error::EmptyTrustStore);
            }
            let webpki = WebPkiServerVerifier::builder_with_provider(
                Arc::new(self.roots.clone()),
                provider.clone(),
            )
            .build()
            .map_err(|_| Error::EmptyTrustStore)?;
            ServerTrust::WebPki(webpki)
        };
        let verifier = Arc::new(PolicyServerVerifier {
            trust,
            pins: self.pins.clone(),
            floor: self.clock.floor,
            algorithms: provider.signature_verification_algorithms,
        });

        let builder =
            ClientConfig::builder_with_details(provider.clone(), self.clock.source.clone())
                .with_protocol_versions(self.profile.versions())
                .map_err(Error::Tls)?
                // Our verifier wraps rustls' WebPKI verifier; rustls asks for
                // `dangerous()` to install any custom verifier.
                .dangerous()
                .with_custom_certificate_verifier(verifier);
        let mut config = match &self.identity {
            Some(identity) => builder.with_client_cert_resolver(identity.certified_key(
                self.profile,
                &provider,
                &self.clock,
                Role::Client,
            )?),
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = self.alpn.clone();
        config.resumption = if self.session_cache == 0 {
            Resumption::disabled()
        } else {
            Resumption::in_memory_sessions(self.session_cache.saturating_mul(TICKETS_PER_SERVER))
        };
        config.enable_early_data = false;
        config.key_log = Arc::new(rustls::NoKeyLog);
        config.enable_secret_extraction = false;
        config.require_ems = true;
        config.enable_sni = true;
        config.cert_decompressors = Vec::new();
        config.cert_compressors = Vec::new();
        Ok(Arc::new(config))
    }

    /// What this policy allows, for conformance documentation.
    pub fn report(&self) -> PolicyReport {
        let mut r = report::base("client", self.profile);
        r.peer_verification = match (self.pin_only, self.pins.is_empty()) {
            (true, _) => "SPKI pin and validity only, no chain or host name check (danger)",
            (false, true) => "WebPKI: chain to a trust anchor, validity, host name",
            (false, false) => "WebPKI: chain to a trust anchor, validity, host name; then SPKI pin",
        };
        r.trust_anchors = self.roots.len();
        r.spki_pins_sha256 = self.pins.iter().map(|p| cert::hex(p)).collect();
        r.client_authentication = if self.identity.is_some() {
            "client certificate presented when requested"
        } else {
            "no client certificate"
        };
        r.alpn_protocols = report::alpn_names(&self.alpn);
        r.session_resumption = if self.session_cache == 0 {
            "disabled".into()
        } else {
            format!(
                "in-memory cache of at most {} servers (TLS 1.3 tickets{})",
                self.session_cache,
                if self.profile.has_tls12() {
                    "; TLS 1.2 session ids and tickets"
                } else {
                    ""
                }
            )
        };
        r.clock_floor_unix = self.clock.floor.as_secs();
        r.clock_source = clock_source(&self.clock);
        r.identity = self.identity.as_ref().and_then(Identity::report);
        if self.pin_only {
            r.notes
                .push("pin-only verification: for device-local self-signed servers only".into());
        }
        if self.identity.is_some() && r.identity.is_none() {
            r.notes
                .push("client certificate could not be read; build() will refuse it".into());
        }
        report::identity_notes(&mut r);
        r
    }
}

pub(crate) fn clock_source(clock: &Clock) -> &'static str {
    if clock.custom_source {
        "custom time provider"
    } else {
        "system clock"
    }
}

pub(crate) fn check_alpn(alpn: &[Vec<u8>]) -> Result<(), Error> {
    let bad = alpn.len() > MAX_ALPN_PROTOCOLS || alpn.iter().any(|p| p.is_empty() || p.len() > 255);
    if bad {
        Err(Error::Policy(PolicyProblem::InvalidAlpn))
    } else {
        Ok(())
    }
}
