//! Certificate verifiers: rustls' WebPKI verifiers wrapped with the clock
//! floor and SPKI pinning.
//!
//! Order matters and is fixed here: clock floor first (a wrong clock makes
//! every later answer meaningless), then the full WebPKI check (chain to a
//! trust anchor, validity, host name), and only then the pin. A pin never
//! replaces WebPKI verification, except in the pin-only mode that only
//! [`ClientPolicy::dangerous_pin_only`](crate::ClientPolicy::dangerous_pin_only)
//! turns on.
//!
//! After WebPKI verification a pin may name any certificate of the path
//! webpki verified: the leaf, an intermediate or the trust anchor. rustls
//! does not hand that path out, so when the leaf's key matches no pin we
//! ask webpki for it again with the same anchors, algorithms, time and
//! usage (`EndEntityCert::verify_for_usage` returns it). Certificates the
//! server sent that are not on the path never match. In pin-only mode there
//! is no path: pins name the leaf, and each pin applies only to the server
//! name it was configured for.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, RootCertStore, SignatureScheme};

use crate::cert;
use crate::clock::check_floor;
use crate::error::{CertificateProblem, VerifyFailure};

/// How a client decides that a server certificate is trustworthy.
#[derive(Debug)]
pub(crate) enum ServerTrust {
    /// Chain to a trust anchor, validity and host name (rustls' verifier),
    /// and the anchors it was built with (to find the verified path).
    WebPki(Arc<WebPkiServerVerifier>, Arc<RootCertStore>),
    /// Validity and pin only: no chain, no name (danger).
    PinOnly,
}

/// Configured pins: those for every server name, and those bound to one.
#[derive(Debug, Default, Clone)]
pub(crate) struct Pins {
    pub(crate) any_name: Vec<[u8; 32]>,
    pub(crate) by_name: Vec<(ServerName<'static>, [u8; 32])>,
}

impl Pins {
    pub(crate) fn len(&self) -> usize {
        self.any_name.len() + self.by_name.len()
    }

    /// The pins that apply to a connection to `name`.
    fn applying_to(&self, name: &ServerName<'_>) -> Vec<[u8; 32]> {
        let bound = self
            .by_name
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, pin)| *pin);
        self.any_name.iter().copied().chain(bound).collect()
    }
}

/// The verifier every client config of this crate uses.
pub(crate) struct PolicyServerVerifier {
    pub(crate) trust: ServerTrust,
    pub(crate) pins: Pins,
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
            ServerTrust::WebPki(inner, _) => {
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
        let pins = self.pins.applying_to(server_name);
        // Without a pin for this name, WebPKI's answer stands; pin-only mode
        // has nothing else to go on and refuses.
        if pins.is_empty() && matches!(self.trust, ServerTrust::WebPki(..)) {
            return Ok(ServerCertVerified::assertion());
        }
        // Pins are public values: no constant-time comparison needed.
        let leaf = cert::spki_sha256_inner(end_entity).map_err(VerifyFailure::Certificate)?;
        if pins.contains(&leaf) {
            return Ok(ServerCertVerified::assertion());
        }
        if let ServerTrust::WebPki(_, roots) = &self.trust
            && self.path_matches(&pins, roots, end_entity, intermediates, now)?
        {
            return Ok(ServerCertVerified::assertion());
        }
        Err(VerifyFailure::Certificate(CertificateProblem::PinMismatch).into())
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

impl PolicyServerVerifier {
    /// Whether an intermediate or the trust anchor of the path webpki
    /// verifies (the one rustls' verifier just accepted: same anchors,
    /// algorithms, time and usage, no revocation) has a pinned key.
    fn path_matches(
        &self,
        pins: &[[u8; 32]],
        roots: &RootCertStore,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<bool, VerifyFailure> {
        let ee = webpki::EndEntityCert::try_from(end_entity)
            .map_err(|_| VerifyFailure::Certificate(CertificateProblem::Malformed))?;
        let path = ee
            .verify_for_usage(
                self.algorithms.all,
                &roots.roots,
                intermediates,
                now,
                webpki::KeyUsage::server_auth(),
                None,
                None,
            )
            // rustls accepted this chain a moment ago; if webpki now finds
            // no path, refuse rather than guess.
            .map_err(|_| VerifyFailure::Certificate(CertificateProblem::Other))?;
        let anchor = webpki::spki_for_anchor(path.anchor());
        let on_path = path
            .intermediate_certificates()
            .map(|c| c.subject_public_key_info())
            .chain(core::iter::once(anchor));
        for spki in on_path {
            let digest = ring::digest::digest(&ring::digest::SHA256, spki.as_ref());
            if pins.iter().any(|p| p[..] == *digest.as_ref()) {
                return Ok(true);
            }
        }
        Ok(false)
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
