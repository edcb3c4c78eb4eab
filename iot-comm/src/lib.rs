#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod cert;
mod client;
mod clock;
mod common;
mod connect;
mod error;
mod identity;
mod pem;
mod pin;
mod profile;
mod report;
mod server;
mod verify;

pub mod manual;

pub use cert::spki_sha256;
pub use client::ClientPolicy;
pub use connect::{Timeouts, accept, connect, connect_host};
pub use error::{CertificateProblem, Error, PemItem, PemProblem, PolicyProblem};
pub use pin::SpkiPin;
pub use profile::{Profile, UnknownProfile};
pub use report::{ClientAuthentication, IdentityReport, PeerVerification, PolicyReport, Side};
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
