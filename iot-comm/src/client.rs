//! [`ClientPolicy`]: the builder of hardened rustls client configurations.

use std::sync::Arc;

use rustls::client::{Resumption, WebPkiServerVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::time_provider::TimeProvider;
use rustls::{ClientConfig, RootCertStore};

use crate::common::{self, Common};
use crate::error::{Error, PolicyProblem};
use crate::identity::{Identity, Role};
use crate::pin::SpkiPin;
use crate::profile::Profile;
use crate::report::{self, ClientAuthentication, PeerVerification, PolicyReport, Side};
use crate::verify::{Pins, PolicyServerVerifier, ServerTrust};
use crate::{cert, clock, pem};

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
///   [`DEFAULT_SESSION_CACHE`](Self::DEFAULT_SESSION_CACHE) servers; no
///   0-RTT; no key log; no secret extraction; extended master secret
///   required on TLS 1.2;
/// * the system clock, with the
///   [`DEFAULT_CLOCK_FLOOR`](Self::DEFAULT_CLOCK_FLOOR).
///
/// Out-of-range settings: the session cache is a resource bound and is
/// clamped by its setter; bounds whose clamping would change which servers
/// are accepted (pins, ALPN protocols, chain length) and contradictions
/// between settings (pin-only mode with trust anchors, or without pins)
/// are refused at `build()` with [`Error::Policy`].
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
    common: Common,
    roots: RootCertStore,
    pins: Vec<[u8; 32]>,
    /// Pins bound to a server name, the name as given (parsed at `build()`).
    named_pins: Vec<(String, [u8; 32])>,
    pin_only: bool,
    identity: Option<Identity>,
    session_cache: usize,
}

impl core::fmt::Debug for ClientPolicy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientPolicy")
            .field("profile", &self.common.profile)
            .field("trust_anchors", &self.roots.len())
            .field("pins", &self.pins.len())
            .field("pins_bound_to_names", &self.named_pins.len())
            .field("pin_only", &self.pin_only)
            .field("identity", &self.identity)
            .field("alpn", &report::alpn_names(&self.common.alpn))
            .field("session_cache", &self.session_cache)
            .field("clock", &self.common.clock)
            .finish()
    }
}

impl ClientPolicy {
    /// Largest PEM input accepted by [`trust_pem`](Self::trust_pem) and
    /// [`client_identity_pem`](Self::client_identity_pem), in bytes (1 MiB:
    /// a full public CA bundle is about a quarter of that). Larger input is
    /// refused.
    pub const MAX_PEM_BYTES: usize = pem::MAX_PEM_BYTES;
    /// Most certificates one [`trust_pem`](Self::trust_pem) input may hold;
    /// more are refused.
    pub const MAX_TRUST_ANCHORS: usize = pem::MAX_TRUST_ANCHORS;
    /// Most certificates in the client identity's chain (end entity first);
    /// a longer chain is refused.
    pub const MAX_CHAIN_LEN: usize = pem::MAX_CHAIN_LEN;
    /// Most SPKI pins one policy accepts (a current key and a few backups);
    /// more are refused at `build()`, since dropping one could lock devices
    /// out.
    pub const MAX_PINS: usize = 16;
    /// Most ALPN protocols one policy offers; more are refused at `build()`.
    pub const MAX_ALPN_PROTOCOLS: usize = common::MAX_ALPN_PROTOCOLS;
    /// Default size of the session cache, in servers remembered.
    pub const DEFAULT_SESSION_CACHE: usize = 32;
    /// Largest session cache, in servers remembered;
    /// [`session_cache`](Self::session_cache) clamps to it.
    pub const MAX_SESSION_CACHE: usize = 1024;
    /// The default clock floor, 2025-01-01T00:00:00Z, before this crate was
    /// released: a clock reading earlier than that is certainly wrong. See
    /// [`clock_floor`](Self::clock_floor).
    pub const DEFAULT_CLOCK_FLOOR: UnixTime = clock::DEFAULT_CLOCK_FLOOR;

    /// A policy for `profile` with no trust anchors yet.
    #[must_use]
    pub fn new(profile: Profile) -> Self {
        Self {
            common: Common::new(profile),
            roots: RootCertStore::empty(),
            pins: Vec::new(),
            named_pins: Vec::new(),
            pin_only: false,
            identity: None,
            session_cache: Self::DEFAULT_SESSION_CACHE,
        }
    }

    /// Adds every `CERTIFICATE` in `pem` as a trust anchor (for example your
    /// own CA, or your broker's CA). May be called several times.
    ///
    /// # Errors
    ///
    /// [`Error::Pem`] when the input is larger than
    /// [`MAX_PEM_BYTES`](Self::MAX_PEM_BYTES), holds no certificate or more
    /// than [`MAX_TRUST_ANCHORS`](Self::MAX_TRUST_ANCHORS), or is malformed;
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
    #[must_use]
    pub fn trust(mut self, roots: RootCertStore) -> Self {
        self.roots.roots.extend(roots.roots);
        self
    }

    /// Requires, for every server name, that a certificate of the verified
    /// path (the server's own, an intermediate or the trust anchor) has this
    /// SPKI SHA-256 (see [`spki_sha256`](crate::spki_sha256) and
    /// [`SpkiPin`] for the text forms), checked *after* full WebPKI
    /// verification. Pinning a CA keeps working when a service you do not
    /// control rotates its server keys (a cloud broker, an ACME renewal);
    /// pinning the server's own key is stricter but only safe for keys you
    /// rotate yourself, with backup pins. Call it several times to add
    /// backup pins (see the [manual](crate::manual::_03_howto)): any one
    /// match is enough. Certificates the server sends that are not on the
    /// verified path never match.
    ///
    /// Not for [`dangerous_pin_only`](Self::dangerous_pin_only) mode, which
    /// needs every pin bound to a name
    /// ([`pin_spki_sha256_for`](Self::pin_spki_sha256_for)); `build()`
    /// refuses the mix with [`PolicyProblem::PinOnlyWithUnboundPin`].
    #[must_use]
    pub fn pin_spki_sha256(mut self, pin: impl Into<SpkiPin>) -> Self {
        let pin = *pin.into().sha256();
        if !self.pins.contains(&pin) {
            self.pins.push(pin);
        }
        self
    }

    /// As [`pin_spki_sha256`](Self::pin_spki_sha256), but only for
    /// connections to `server_name` (the name given to
    /// [`connect`](crate::connect), compared as rustls compares names: DNS
    /// names without regard to ASCII case, IP addresses by value).
    /// Connections to other names are not affected by this pin. Several
    /// pins may be bound to one name.
    ///
    /// In [`dangerous_pin_only`](Self::dangerous_pin_only) mode this is how
    /// pins are given: each paired device's key is accepted only under that
    /// device's name, so one paired device cannot impersonate another (after
    /// DHCP hands it the other's address, say), and a name without a pin is
    /// refused with [`CertificateProblem::PinMismatch`](crate::CertificateProblem::PinMismatch).
    /// In that mode pins name the server's own key (there is no verified
    /// path).
    ///
    /// An invalid name is refused at `build()` with
    /// [`Error::InvalidServerName`].
    #[must_use]
    pub fn pin_spki_sha256_for(mut self, server_name: &str, pin: impl Into<SpkiPin>) -> Self {
        let entry = (server_name.to_owned(), *pin.into().sha256());
        if !self.named_pins.contains(&entry) {
            self.named_pins.push(entry);
        }
        self
    }

    /// **Dangerous**: trust a server on its pinned key alone, with no chain
    /// and no certificate name check. The `dangerous_` prefix marks a
    /// skipped verification step, so a reviewer finds it with
    /// `grep -rn 'insecure_\|dangerous_'`.
    ///
    /// Only for device-local servers with self-signed certificates (an app
    /// on a phone talking to a device on the LAN, the device's key pinned at
    /// pairing). The certificate's validity period is still checked, and the
    /// handshake still proves possession of the pinned key. Every pin is
    /// bound to the server name it is for
    /// ([`pin_spki_sha256_for`](Self::pin_spki_sha256_for)), and a key is
    /// accepted only when connecting under that name: one config can hold
    /// the pins of several paired devices without letting one impersonate
    /// another. Requires at least one pin, no unbound pin and no trust
    /// anchors: these contradictions are refused at `build()`
    /// ([`PolicyProblem::PinOnlyWithoutPins`],
    /// [`PolicyProblem::PinOnlyWithTrustAnchors`],
    /// [`PolicyProblem::PinOnlyWithUnboundPin`]).
    ///
    /// ```
    /// use iot_comm::{ClientPolicy, Profile, SpkiPin};
    ///
    /// // Stored at pairing, one per device.
    /// let plug: SpkiPin = "sha256//WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo=".parse()?;
    /// let lamp: SpkiPin = "a5".repeat(32).parse()?;
    /// let config = ClientPolicy::new(Profile::Modern)
    ///     .pin_spki_sha256_for("kitchen-plug.local", plug)
    ///     .pin_spki_sha256_for("192.168.1.23", lamp)
    ///     .dangerous_pin_only()
    ///     .build()?;
    /// # let _ = config;
    /// # Ok::<(), iot_comm::Error>(())
    /// ```
    #[must_use]
    pub fn dangerous_pin_only(mut self) -> Self {
        self.pin_only = true;
        self
    }

    /// Presents this certificate chain (end entity first) and private key
    /// when the server asks for one: mutual TLS with a per-device identity
    /// instead of a password (EN 303 645 5.1-2A). The key is wiped from
    /// memory when the policy is dropped.
    #[must_use]
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
    /// `b"mqtt"`, `b"x-amzn-mqtt-ca"` or `b"h2"`). Checked at `build()`:
    /// an empty name, one over 255 bytes, or more than
    /// [`MAX_ALPN_PROTOCOLS`](Self::MAX_ALPN_PROTOCOLS) names are refused.
    #[must_use]
    pub fn alpn(mut self, protocols: &[&[u8]]) -> Self {
        self.common.set_alpn(protocols);
        self
    }

    /// Remembers sessions for up to `servers` servers, for faster
    /// reconnects; `0` turns resumption off. Default
    /// [`DEFAULT_SESSION_CACHE`](Self::DEFAULT_SESSION_CACHE); a larger
    /// value than [`MAX_SESSION_CACHE`](Self::MAX_SESSION_CACHE) is clamped
    /// to it.
    #[must_use]
    pub fn session_cache(mut self, servers: usize) -> Self {
        self.session_cache = servers.min(Self::MAX_SESSION_CACHE);
        self
    }

    /// Refuse to check certificates while the clock reads earlier than
    /// `floor`. Default [`DEFAULT_CLOCK_FLOOR`](Self::DEFAULT_CLOCK_FLOOR);
    /// better, your firmware's build time (e.g. from `SOURCE_DATE_EPOCH`).
    /// A floor after 2100-01-01 (seconds, not milliseconds) is refused at
    /// `build()` with
    /// [`PolicyProblem::ClockFloorOutOfRange`]; `build()` never compares
    /// the floor with the clock, which may not be set yet:
    ///
    /// ```
    /// use core::time::Duration;
    /// use iot_comm::{ClientPolicy, Profile, pki_types::UnixTime};
    ///
    /// const BUILD_TIME: u64 = 1_767_225_600; // 2026-01-01, set by your build
    /// let policy = ClientPolicy::new(Profile::Modern)
    ///     .clock_floor(UnixTime::since_unix_epoch(Duration::from_secs(BUILD_TIME)));
    /// assert_eq!(policy.report().clock_floor_unix, BUILD_TIME);
    /// ```
    #[must_use]
    pub fn clock_floor(mut self, floor: UnixTime) -> Self {
        self.common.clock.floor = floor;
        self
    }

    /// Reads the time from `source` instead of the system clock (for a
    /// device whose time comes from GNSS, a phone, or a secure element).
    #[must_use]
    pub fn time_provider(mut self, source: Arc<dyn TimeProvider>) -> Self {
        self.common.clock.set_source(source);
        self
    }

    /// Builds the rustls configuration.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyTrustStore`] without trust anchors; [`Error::Policy`]
    /// for contradicting or out-of-bounds settings (a clock floor after
    /// 2100-01-01 among them); [`Error::InvalidServerName`] for a pin bound
    /// to something that is not a server name; for a client identity:
    /// [`Error::LocalCertificate`] (a certificate of the chain expired or
    /// not yet valid, key type not allowed, malformed), [`Error::InvalidPrivateKey`],
    /// [`Error::KeyMismatch`], [`Error::ClockBeforeFloor`].
    pub fn build(&self) -> Result<Arc<ClientConfig>, Error> {
        let profile = self.common.profile;
        let clock = &self.common.clock;
        let provider = profile.provider_arc();
        self.common.check_alpn()?;
        clock.check_floor_plausible()?;
        if self.pins.len() + self.named_pins.len() > Self::MAX_PINS {
            return Err(Error::Policy(PolicyProblem::TooManyPins));
        }
        let mut pins = Pins {
            any_name: self.pins.clone(),
            by_name: Vec::with_capacity(self.named_pins.len()),
        };
        for (name, pin) in &self.named_pins {
            let name = ServerName::try_from(name.clone()).map_err(|_| Error::InvalidServerName)?;
            pins.by_name.push((name, *pin));
        }
        let trust = if self.pin_only {
            if pins.len() == 0 {
                return Err(Error::Policy(PolicyProblem::PinOnlyWithoutPins));
            }
            if !self.roots.is_empty() {
                return Err(Error::Policy(PolicyProblem::PinOnlyWithTrustAnchors));
            }
            if !pins.any_name.is_empty() {
                return Err(Error::Policy(PolicyProblem::PinOnlyWithUnboundPin));
            }
            ServerTrust::PinOnly
        } else {
            if self.roots.is_empty() {
                return Err(Error::EmptyTrustStore);
            }
            let roots = Arc::new(self.roots.clone());
            let webpki =
                WebPkiServerVerifier::builder_with_provider(roots.clone(), provider.clone())
                    .build()
                    .map_err(|_| Error::EmptyTrustStore)?;
            ServerTrust::WebPki(webpki, roots)
        };
        let verifier = Arc::new(PolicyServerVerifier {
            trust,
            pins,
            floor: clock.floor,
            algorithms: provider.signature_verification_algorithms,
        });

        let builder = ClientConfig::builder_with_details(provider.clone(), clock.source.clone())
            .with_protocol_versions(profile.versions())
            .map_err(Error::Tls)?
            // Our verifier wraps rustls' WebPKI verifier; rustls asks for
            // `dangerous()` to install any custom verifier.
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let mut config = match &self.identity {
            Some(identity) => builder.with_client_cert_resolver(identity.certified_key(
                profile,
                &provider,
                clock,
                Role::Client,
            )?),
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = self.common.alpn.clone();
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
        let unpinned = self.pins.is_empty() && self.named_pins.is_empty();
        let peer_verification = match (self.pin_only, unpinned) {
            (true, _) => PeerVerification::PinOnly,
            (false, true) => PeerVerification::WebPki,
            (false, false) => PeerVerification::WebPkiThenPin,
        };
        let client_authentication = if self.identity.is_some() {
            ClientAuthentication::Presented
        } else {
            ClientAuthentication::NoCertificate
        };
        let mut r = self
            .common
            .report(Side::Client, peer_verification, client_authentication);
        r.trust_anchors = self.roots.len();
        r.spki_pins_sha256 = self.pins.iter().map(|p| cert::hex(p)).collect();
        r.spki_pins_sha256_by_server_name = self
            .named_pins
            .iter()
            .map(|(name, p)| (name.clone(), cert::hex(p)))
            .collect();
        r.session_resumption = if self.session_cache == 0 {
            "disabled".into()
        } else {
            format!(
                "in-memory cache of at most {} servers (TLS 1.3 tickets{})",
                self.session_cache,
                if self.common.profile.has_tls12() {
                    "; TLS 1.2 session ids and tickets"
                } else {
                    ""
                }
            )
        };
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
