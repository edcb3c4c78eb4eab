#![doc = include_str!("../README.md")]
//!
//! # Where to go next
//!
//! * [`ClientPolicy`] and [`ServerPolicy`]: the two builders;
//! * [`connect`] and [`accept`]: blocking TCP + TLS with timeouts;
//! * [`PolicyReport`]: what a policy allows, for your conformance file;
//! * [`Error`]: every failure, by kind;
//! * the [`manual`]: threat model, every default and its reason, how-tos,
//!   and what rustls with ring cannot do.

mod cert;
mod client;
mod clock;
mod connect;
mod error;
mod identity;
mod pem;
mod profile;
mod report;
mod server;
mod verify;

pub mod manual;

pub use cert::spki_sha256;
pub use client::{
    ClientPolicy, DEFAULT_SESSION_CACHE, MAX_ALPN_PROTOCOLS, MAX_PINS, MAX_SESSION_CACHE,
};
pub use clock::DEFAULT_CLOCK_FLOOR;
pub use connect::{Timeouts, accept, connect};
pub use error::{CertificateProblem, Error, PemItem, PemProblem, PolicyProblem};
pub use pem::{MAX_CHAIN_LEN, MAX_PEM_BYTES, MAX_TRUST_ANCHORS};
pub use profile::{Profile, UnknownProfile};
pub use report::{IdentityReport, PolicyReport};
pub use server::ServerPolicy;

/// The rustls this crate builds on, re-exported so that you name the exact
/// version in our signatures (`ClientConfig`, `RootCertStore`,
/// `TimeProvider`, `AlertDescription`, `rustls::Error`) without adding a
/// `rustls` dependency of your own: one with default features would pull in
/// aws-lc-rs beside ring.
pub use rustls;

/// Certificate, key and time types (re-exported from `rustls-pki-types`,
/// the same types rustls uses); the same module as [`rustls::pki_types`].
pub use rustls::pki_types;

/// Entry points for the fuzz targets in the workspace's `fuzz/` crate. Not
/// part of the public API.
#[doc(hidden)]
pub mod __fuzz {
    use crate::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use crate::{ClientPolicy, Profile, ServerPolicy};

    /// Splits `data` into up to three parts at `\0` and feeds them as trust
    /// anchors, certificate chain and private key (as PEM, and the chain and
    /// key also as raw DER) into both builders, then builds and reports.
    /// Must return (with errors), never panic.
    pub fn pem_load(data: &[u8]) {
        let mut parts = data.splitn(3, |b| *b == 0);
        let first = parts.next().unwrap_or_default();
        let second = parts.next().unwrap_or_default();
        let third = parts.next().unwrap_or_default();
        let profile = if first.first().is_some_and(|b| b % 2 == 0) {
            Profile::Modern
        } else {
            Profile::Intermediate
        };

        if let Ok(client) = ClientPolicy::new(profile)
            .trust_pem(first)
            .and_then(|c| c.client_identity_pem(second, third))
        {
            let _ = client.report().to_string();
            let _ = client.build();
        }
        if let Ok(server) = ServerPolicy::new(profile).identity_pem(second, third) {
            let _ = server.report().to_string();
            let _ = server.build();
        }
        if let Ok(server) = ServerPolicy::new(profile)
            .identity_pem(second, third)
            .and_then(|s| s.require_client_auth_pem(first))
        {
            let _ = server.build();
        }

        // The same bytes as DER: reaches the certificate parser directly.
        let der_cert = CertificateDer::from(second.to_vec());
        let _ = crate::spki_sha256(&der_cert);
        let der_key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(third.to_vec()));
        let server = ServerPolicy::new(profile).identity(vec![der_cert], der_key);
        let _ = server.report().to_string();
        let _ = server.build();
    }
}
