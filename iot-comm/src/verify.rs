//! Certificate verifiers: rustls' WebPKI verifiers wrapped with the clock
//! floor and SPKI pinning.
//!
//! Order matters and is fixed here: clock floor first (a wrong clock makes
//! every later answer meaningless), then the full WebPKI check (chain to a
//! trust anchor, validity, host name), and only then the pin. A pin never
//! replaces WebPKI verification, except in the pin-only mode that only
//! [`ClientPolicy::dangerous_pin_only`](crate::ClientPolicy::dangerous_pin_only)
//! turns on.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};

use crate::cert;
use crate::clock::check_floor;
use crate::error::{CertificateProblem, VerifyFailure};

/// How a client decides that a server certificate is trustworthy.
#[derive(Debug)]
pub(crate) enum ServerTrust {
    /// Chain to a trust anchor, validity and host name (rustls' verifier).
    WebPki(Arc<WebPkiServerVerifier>),
    /// Validity and pin only: no chain, no name (danger).
    PinOnly,
}

/// The verifier every client config of this crate uses.
pub(crate) struct PolicyServerVerifier {
    pub(crate) trust: ServerTrust,
    pub(crate) pins: Vec<[u8; 32]>,
    pub(crate) floor: UnixTime,
    pub(crate) algorithms: WebPkiSupportedAlgorithms,
}

impl core::fmt::Debug for PolicyServerVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PolicyServerVerifier")
            .field("trust", &self.trust)
            .field("pins", &self.pins.len())
            .field("floor", &self.floor)
            .finish_non_exhaustive()
    }
}

impl ServerCertVerifier for PolicyServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        check_floor(self.floor, now)?;
        match &self.trust {
            ServerTrust::WebPki(inner) => {
                inner.verify_server_cert(
                    end_entity,
                    intermediates,
                    server_name,
                    ocsp_response,
                    now,
                )?;
            }
            ServerTrust::PinOnly => {
                let info = cert::inspect(end_entity).map_err(VerifyFailure::Certificate)?;
                info.check_validity(now)
                    .map_err(VerifyFailure::Certificate)?;
            }
        }
        if !self.pins.is_empty() {
            let actual = cert::spki_sha256_inner(end_entity).map_err(VerifyFailure::Certificate)?;
            // Pins are public values: no constant-time comparison needed.
            if !self.pins.contains(&actual) {
                return Err(VerifyFailure::Certificate(CertificateProblem::PinMismatch).into());
            }
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// rustls' client-certificate verifier with the clock floor in front.
#[derive(Debug)]
pub(crate) struct PolicyClientVerifier {
    pub(crate) inner: Arc<dyn ClientCertVerifier>,
    pub(crate) floor: UnixTime,
}

impl ClientCertVerifier for PolicyClientVerifier {
    fn offer_client_auth(&self) -> bool {
        self.inner.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.inner.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        check_floor(self.floor, now)?;
        self.inner
            .verify_client_cert(end_entity, intermediates, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
