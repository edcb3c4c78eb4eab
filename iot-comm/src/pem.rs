//! Bounded PEM loading through `rustls-pki-types` (no PEM parsing of our own).
//!
//! Bounds (public as associated constants of the policies, e.g.
//! `ClientPolicy::MAX_PEM_BYTES`): the input is at most [`MAX_PEM_BYTES`];
//! a trust store holds at most [`MAX_TRUST_ANCHORS`] certificates and a
//! chain at most [`MAX_CHAIN_LEN`]; a key input holds exactly one private
//! key. Input over a bound is refused, never truncated. Sections of
//! other kinds (a key next to a certificate, parameters, comments) are
//! skipped, as `openssl` does.
//!
//! Private keys are returned in [`Zeroizing`], so the decoded DER is wiped
//! when dropped. The base64 text in the caller's buffer, and the transient
//! base64 copy inside `rustls-pki-types`, are outside our reach: keep key
//! PEM in a `Zeroizing<Vec<u8>>` yourself.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use zeroize::Zeroizing;

use crate::error::{Error, PemItem, PemProblem};

/// Largest PEM input accepted, in bytes (1 MiB: a full public CA bundle is
/// about a quarter of that).
pub(crate) const MAX_PEM_BYTES: usize = 1 << 20;
/// Most certificates accepted in one trust store.
pub(crate) const MAX_TRUST_ANCHORS: usize = 1024;
/// Most certificates accepted in one certificate chain (end entity first).
pub(crate) const MAX_CHAIN_LEN: usize = 8;

fn pem_error(item: PemItem, problem: PemProblem) -> Error {
    Error::Pem { item, problem }
}

fn certificates(
    pem: &[u8],
    item: PemItem,
    limit: usize,
) -> Result<Vec<CertificateDer<'static>>, Error> {
    if pem.len() > MAX_PEM_BYTES {
        return Err(pem_error(item, PemProblem::TooLarge));
    }
    let mut out = Vec::new();
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|_| pem_error(item, PemProblem::Malformed))?;
        if out.len() == limit {
            return Err(pem_error(item, PemProblem::TooManyItems));
        }
        out.push(cert);
    }
    if out.is_empty() {
        return Err(pem_error(item, PemProblem::NotFound));
    }
    Ok(out)
}

/// Every `CERTIFICATE` section of a trust store file.
pub(crate) fn trust_anchors(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    certificates(pem, PemItem::TrustAnchors, MAX_TRUST_ANCHORS)
}

/// Every `CERTIFICATE` section of a chain file, end entity first.
pub(crate) fn chain(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    certificates(pem, PemItem::CertificateChain, MAX_CHAIN_LEN)
}

/// The one private key (PKCS#8, SEC1 or PKCS#1) of a key file.
pub(crate) fn private_key(pem: &[u8]) -> Result<Zeroizing<PrivateKeyDer<'static>>, Error> {
    let item = PemItem::PrivateKey;
    if pem.len() > MAX_PEM_BYTES {
        return Err(pem_error(item, PemProblem::TooLarge));
    }
    let mut keys = PrivateKeyDer::pem_slice_iter(pem);
    let first = match keys.next() {
        None => return Err(pem_error(item, PemProblem::NotFound)),
        Some(Err(_)) => return Err(pem_error(item, PemProblem::Malformed)),
        Some(Ok(key)) => Zeroizing::new(key),
    };
    match keys.next() {
        None => Ok(first),
        Some(second) => {
            // Wipe the second key too before refusing.
            drop(second.map(Zeroizing::new));
            Err(pem_error(item, PemProblem::Ambiguous))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT_BLOCK: &str = "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n";

    #[test]
    fn empty_input_has_no_certificate() {
        assert_eq!(
            trust_anchors(b""),
            Err(Error::Pem {
                item: PemItem::TrustAnchors,
                problem: PemProblem::NotFound
            })
        );
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let big = vec![b'A'; MAX_PEM_BYTES + 1];
        assert_eq!(
            chain(&big),
            Err(Error::Pem {
                item: PemItem::CertificateChain,
                problem: PemProblem::TooLarge
            })
        );
    }

    #[test]
    fn chain_length_is_bounded() {
        let pem = CERT_BLOCK.repeat(MAX_CHAIN_LEN);
        assert_eq!(chain(pem.as_bytes()).map(|c| c.len()), Ok(MAX_CHAIN_LEN));
        let pem = CERT_BLOCK.repeat(MAX_CHAIN_LEN + 1);
        assert_eq!(
            chain(pem.as_bytes()),
            Err(Error::Pem {
                item: PemItem::CertificateChain,
                problem: PemProblem::TooManyItems
            })
        );
    }

    #[test]
    fn broken_base64_is_malformed() {
        let pem = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert_eq!(
            chain(pem),
            Err(Error::Pem {
                item: PemItem::CertificateChain,
                problem: PemProblem::Malformed
            })
        );
        let unterminated = b"-----BEGIN CERTIFICATE-----\nMAMCAQA=\n";
        assert!(chain(unterminated).is_err());
    }

    #[test]
    fn two_keys_are_ambiguous() {
        let key = "-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n";
        assert!(private_key(key.as_bytes()).is_ok());
        assert_eq!(
            private_key(key.repeat(2).as_bytes()).map(|_| ()),
            Err(Error::Pem {
                item: PemItem::PrivateKey,
                problem: PemProblem::Ambiguous
            })
        );
        assert_eq!(
            private_key(CERT_BLOCK.as_bytes()).map(|_| ()),
            Err(Error::Pem {
                item: PemItem::PrivateKey,
                problem: PemProblem::NotFound
            })
        );
    }
}
