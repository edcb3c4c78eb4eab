//! [`ServerPolicy`]: the builder of hardened rustls server configurations.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::{NoServerSessionStorage, WebPkiClientVerifier};
use rustls::time_provider::TimeProvider;
use rustls::{RootCertStore, ServerConfig};

use crate::common::{self, Common};
use crate::error::{Error, PolicyProblem};
use crate::identity::{Identity, Role};
use crate::profile::Profile;
use crate::report::{self, ClientAuthentication, PeerVerification, PolicyReport, Side};
use crate::verify::PolicyClientVerifier;
use crate::{clock, pem};

/// Builds a hardened [`rustls::ServerConfig`] for a device that serves TLS
/// (a local API for a phone app), a gateway or a test broker.
///
/// An identity is mandatory: [`identity`](Self::identity) or
/// [`identity_pem`](Self::identity_pem). `build()` refuses a chain with a
/// certificate that is expired or not yet valid, and a certificate that has
/// no subject alternative name or whose key the profile does not allow.
/// Defaults:
///
/// * protocol versions, suites, groups from the [`Profile`]; the client's
///   suite preference is honoured (all allowed suites are strong);
/// * no client authentication unless
///   [`require_client_auth`](Self::require_client_auth) is called, which
///   makes a client certificate *mandatory*;
/// * no session resumption state and no tickets unless
///   [`enable_session_tickets`](Self::enable_session_tickets); no 0-RTT, no
///   0.5-RTT data; no key log; no secret extraction; extended master secret
///   required on TLS 1.2;
/// * the system clock, with the
///   [`DEFAULT_CLOCK_FLOOR`](Self::DEFAULT_CLOCK_FLOOR).
///
/// Out-of-range settings are refused at `build()` with [`Error::Policy`]
/// (chain length, ALPN list) or [`Error::EmptyTrustStore`] (client
/// authentication without trust anchors); none is clamped, since each
/// would change which peers can connect.
///
/// ```
/// use iot_comm::{Profile, ServerPolicy};
/// # let key = rcgen::KeyPair::generate().unwrap();
/// # let cert = rcgen::CertificateParams::new(vec!["device.local".into()]).unwrap()
/// #     .self_signed(&key).unwrap();
/// # let (cert_pem, key_pem) = (cert.pem(), key.serialize_pem());
///
/// let config = ServerPolicy::new(Profile::Modern)
///     .identity_pem(cert_pem.as_bytes(), key_pem.as_bytes())?
///     .build()?;
/// assert_eq!(config.max_early_data_size, 0);
///
/// // Without a certificate: refused.
/// assert_eq!(
///     ServerPolicy::new(Profile::Modern).build().unwrap_err(),
///     iot_comm::Error::MissingIdentity
/// );
/// # Ok::<(), iot_comm::Error>(())
/// ```
pub struct ServerPolicy {
    common: Common,
    identity: Option<Identity>,
    client_roots: Option<RootCertStore>,
    session_tickets: bool,
}

impl core::fmt::Debug for ServerPolicy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ServerPolicy")
            .field("profile", &self.common.profile)
            .field("identity", &self.identity)
            .field(
                "client_auth_trust_anchors",
                &self.client_roots.as_ref().map(RootCertStore::len),
            )
            .field("alpn", &report::alpn_names(&self.common.alpn))
            .field("session_tickets", &self.session_tickets)
            .field("clock", &self.common.clock)
            .finish()
    }
}

impl ServerPolicy {
    /// Largest PEM input accepted by [`identity_pem`](Self::identity_pem)
    /// and [`require_client_auth_pem`](Self::require_client_auth_pem), in
    /// bytes (1 MiB). Larger input is refused.
    pub const MAX_PEM_BYTES: usize = pem::MAX_PEM_BYTES;
    /// Most certificates one
    /// [`require_client_auth_pem`](Self::require_client_auth_pem) input may
    /// hold; more are refused.
    pub const MAX_TRUST_ANCHORS: usize = pem::MAX_TRUST_ANCHORS;
    /// Most certificates in the server's chain (end entity first); a longer
    /// chain is refused.
    pub const MAX_CHAIN_LEN: usize = pem::MAX_CHAIN_LEN;
    /// Most ALPN protocols one policy accepts; more are refused at
    /// `build()`.
    pub const MAX_ALPN_PROTOCOLS: usize = common::MAX_ALPN_PROTOCOLS;
    /// The default clock floor, 2025-01-01T00:00:00Z (the same as
    /// [`ClientPolicy::DEFAULT_CLOCK_FLOOR`](crate::ClientPolicy::DEFAULT_CLOCK_FLOOR)).
    pub const DEFAULT_CLOCK_FLOOR: UnixTime = clock::DEFAULT_CLOCK_FLOOR;

    /// A policy for `profile` with no identity yet.
    #[must_use]
    pub fn new(profile: Profile) -> Self {
        Self {
            common: Common::new(profile),
            identity: None,
            client_roots: None,
            session_tickets: false,
        }
    }

    /// The server's certificate chain (end entity first) and private key.
    /// The key is wiped from memory when the policy is dropped.
    #[must_use]
    pub fn identity(
        mut self,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> Self {
        self.identity = Some(Identity::new(chain, key));
        self
    }

    /// [`identity`](Self::identity) from PEM text.
    ///
    /// # Errors
    ///
    /// [`Error::Pem`] when either input is malformed, too large, or the key
    /// input does not hold exactly one private key.
    pub fn identity_pem(mut self, chain_pem: &[u8], key_pem: &[u8]) -> Result<Self, Error> {
        let chain = pem::chain(chain_pem)?;
        let key = pem::private_key(key_pem)?;
        self.identity = Some(Identity { chain, key });
        Ok(self)
    }

    /// Requires every client to present a certificate that chains to one of
    /// `roots` (mutual TLS; device identities instead of passwords,
    /// EN 303 645 5.1-2A). An empty store is refused at `build()`.
    #[must_use]
    pub fn require_client_auth(mut self, roots: RootCertStore) -> Self {
        self.client_roots = Some(roots);
        self
    }

    /// [`require_client_auth`](Self::require_client_auth) with the CA
    /// certificates in `pem`.
    ///
    /// # Errors
    ///
    /// [`Error::Pem`] or [`Error::InvalidTrustAnchor`], as
    /// [`ClientPolicy::trust_pem`](crate::ClientPolicy::trust_pem).
    pub fn require_client_auth_pem(self, pem: &[u8]) -> Result<Self, Error> {
        let mut roots = RootCertStore::empty();
        for cert in pem::trust_anchors(pem)? {
            roots.add(cert).map_err(|_| Error::InvalidTrustAnchor)?;
        }
        Ok(self.require_client_auth(roots))
    }

    /// Accepts these ALPN protocols, most preferred first. A client that
    /// offers ALPN but none of these is refused. Checked at `build()`: an
    /// empty name, one over 255 bytes, or more than
    /// [`MAX_ALPN_PROTOCOLS`](Self::MAX_ALPN_PROTOCOLS) names are refused.
    #[must_use]
    pub fn alpn(mut self, protocols: &[&[u8]]) -> Self {
        self.common.set_alpn(protocols);
        self
    }

    /// Issues stateless session tickets (ChaCha20-Poly1305, keys rotated
    /// every 6 hours by rustls) so that clients can resume. Off by default:
    /// a ticket key that leaks exposes every session it protected, and most
    /// device servers see few reconnects.
    ///
    /// Not together with [`require_client_auth`](Self::require_client_auth):
    /// a resumed session carries the client certificate of the full
    /// handshake without checking it again, so a device certificate that has
    /// expired since (or a server clock now below the floor) would still be
    /// accepted for as long as the ticket lives. `build()` refuses the pair
    /// with [`PolicyProblem::TicketsWithClientAuth`](crate::PolicyProblem::TicketsWithClientAuth);
    /// a mutual-TLS server runs a full handshake every time.
    #[must_use]
    pub fn enable_session_tickets(mut self) -> Self {
        self.session_tickets = true;
        self
    }

    /// Refuse to check certificates while the clock reads earlier than
    /// `floor`. Default [`DEFAULT_CLOCK_FLOOR`](Self::DEFAULT_CLOCK_FLOOR);
    /// better, your firmware's build time. A floor after 2100-01-01 is
    /// refused at `build()` with
    /// [`PolicyProblem::ClockFloorOutOfRange`](crate::PolicyProblem::ClockFloorOutOfRange).
    #[must_use]
    pub fn clock_floor(mut self, floor: UnixTime) -> Self {
        self.common.clock.floor = floor;
        self
    }

    /// Reads the time from `source` instead of the system clock.
    #[must_use]
    pub fn time_provider(mut self, source: Arc<dyn TimeProvider>) -> Self {
        self.common.clock.set_source(source);
        self
    }

    /// Builds the rustls configuration.
    ///
    /// # Errors
    ///
    /// [`Error::MissingIdentity`]; [`Error::LocalCertificate`] when the
    /// certificate (or another certificate of the chain) is expired, not
    /// yet valid or malformed, or the certificate lacks a subject alternative
    /// name or has a key the profile does not allow;
    /// [`Error::InvalidPrivateKey`]; [`Error::KeyMismatch`];
    /// [`Error::ClockBeforeFloor`]; [`Error::EmptyTrustStore`] for client
    /// authentication without trust anchors; [`Error::Policy`], among them
    /// session tickets together with client authentication and a clock
    /// floor after 2100-01-01.
    pub fn build(&self) -> Result<Arc<ServerConfig>, Error> {
        let profile = self.common.profile;
        let clock = &self.common.clock;
        let provider = profile.provider_arc();
        self.common.check_alpn()?;
        clock.check_floor_plausible()?;
        if self.session_tickets && self.client_roots.is_some() {
            return Err(Error::Policy(PolicyProblem::TicketsWithClientAuth));
        }
        let identity = self.identity.as_ref().ok_or(Error::MissingIdentity)?;
        let certified = identity.certified_key(profile, &provider, clock, Role::Server)?;

        let builder = ServerConfig::builder_with_details(provider.clone(), clock.source.clone())
            .with_protocol_versions(profile.versions())
            .map_err(Error::Tls)?;
        let builder = match &self.client_roots {
            Some(roots) => {
                if roots.is_empty() {
                    return Err(Error::EmptyTrustStore);
                }
                let inner =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots.clone()), provider)
                        .build()
                        .map_err(|_| Error::EmptyTrustStore)?;
                builder.with_client_cert_verifier(Arc::new(PolicyClientVerifier {
                    inner,
                    floor: clock.floor,
                }))
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder.with_cert_resolver(certified);
        config.alpn_protocols = self.common.alpn.clone();
        config.ignore_client_order = false;
        config.max_early_data_size = 0;
        config.send_half_rtt_data = false;
        config.key_log = Arc::new(rustls::NoKeyLog);
        config.enable_secret_extraction = false;
        config.require_ems = true;
        config.cert_compressors = Vec::new();
        config.cert_decompressors = Vec::new();
        // No server-side session state either way: tickets, when enabled,
        // are stateless and bounded by rustls' ticket lifetime.
        config.session_storage = Arc::new(NoServerSessionStorage {});
        if self.session_tickets {
            config.ticketer = rustls::crypto::ring::Ticketer::new().map_err(Error::Tls)?;
            config.send_tls13_tickets = 2;
        } else {
            config.send_tls13_tickets = 0;
        }
        Ok(Arc::new(config))
    }

    /// What this policy allows, for conformance documentation.
    pub fn report(&self) -> PolicyReport {
        let (peer_verification, client_authentication) = if self.client_roots.is_some() {
            (
                PeerVerification::ClientCertificate,
                ClientAuthentication::Required,
            )
        } else {
            (
                PeerVerification::NotAuthenticated,
                ClientAuthentication::NotRequested,
            )
        };
        let mut r = self
            .common
            .report(Side::Server, peer_verification, client_authentication);
        r.trust_anchors = self.client_roots.as_ref().map_or(0, RootCertStore::len);
        r.session_resumption = if self.session_tickets {
            "stateless tickets (2 per TLS 1.3 handshake, keys rotated every 6 h); no server session cache".into()
        } else {
            "disabled".into()
        };
        r.identity = self.identity.as_ref().and_then(Identity::report);
        if self.identity.is_none() {
            r.notes
                .push("no server certificate configured; build() will refuse".into());
        } else if r.identity.is_none() {
            r.notes
                .push("server certificate could not be read; build() will refuse it".into());
        }
        if self.client_roots.is_none() {
            // Without client authentication the server verifies no peer
            // signature; list none rather than the profile's set.
            r.signature_schemes.clear();
        }
        report::identity_notes(&mut r);
        r
    }
}
