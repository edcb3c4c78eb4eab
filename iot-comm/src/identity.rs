//! Our own certificate chain and private key, and the profile checks on them.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use zeroize::Zeroizing;

use crate::cert::{self, CertInfo};
use crate::clock::Clock;
use crate::error::{CertificateProblem, Error, PolicyProblem};
use crate::pem::MAX_CHAIN_LEN;
use crate::profile::Profile;
use crate::report::IdentityReport;

/// A certificate chain (end entity first) and its private key. The key's
/// DER bytes are wiped when the identity is dropped.
pub(crate) struct Identity {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) key: Zeroizing<PrivateKeyDer<'static>>,
}

impl core::fmt::Debug for Identity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Identity")
            .field("chain_len", &self.chain.len())
            .field("key", &format_args!("[REDACTED]"))
            .finish()
    }
}

/// Which checks apply: a server certificate must name the host it serves
/// (SAN); a client (device) certificate often identifies the device in its
/// subject instead, so SAN is not required there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Server,
    Client,
}

impl Identity {
    pub(crate) fn new(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> Self {
        Self {
            chain,
            key: Zeroizing::new(key),
        }
    }

    fn leaf(&self) -> Result<&CertificateDer<'static>, Error> {
        if self.chain.len() > MAX_CHAIN_LEN {
            return Err(Error::Policy(PolicyProblem::ChainLength));
        }
        self.chain
            .first()
            .ok_or(Error::Policy(PolicyProblem::ChainLength))
    }

    /// Runs every profile check and loads the key: the value rustls needs.
    pub(crate) fn certified_key(
        &self,
        profile: Profile,
        provider: &CryptoProvider,
        clock: &Clock,
        role: Role,
    ) -> Result<Arc<SingleCertAndKey>, Error> {
        let leaf = self.leaf()?;
        let info = cert::inspect(leaf).map_err(Error::LocalCertificate)?;
        if !profile.allows_key(info.key) {
            return Err(Error::LocalCertificate(CertificateProblem::KeyNotAllowed));
        }
        if role == Role::Server && info.san_names == 0 {
            return Err(Error::LocalCertificate(
                CertificateProblem::NoSubjectAltName,
            ));
        }
        let now = clock.now()?;
        info.check_validity(now).map_err(Error::LocalCertificate)?;
        // The rest of the chain is served as given: an expired or not yet
        // valid intermediate would make every peer refuse us, so it is
        // refused here, where the maker sees it.
        for ca in self.chain.iter().skip(1) {
            cert::inspect(ca)
                .and_then(|info| info.check_validity(now))
                .map_err(Error::LocalCertificate)?;
        }

        // ring copies what it needs into its own key object; the copy we
        // hand over is wrapped in `Zeroizing` by rustls' ring key provider.
        let signing_key = provider
            .key_provider
            .load_private_key(self.key.clone_key())
            .map_err(|_| Error::InvalidPrivateKey)?;
        let certified = CertifiedKey::new(self.chain.clone(), signing_key);
        match certified.keys_match() {
            Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
            Err(rustls::Error::InconsistentKeys(_)) => return Err(Error::KeyMismatch),
            Err(_) => return Err(Error::LocalCertificate(CertificateProblem::Malformed)),
        }
        Ok(Arc::new(SingleCertAndKey::from(certified)))
    }

    /// What the report says about this identity (`None` if unreadable).
    pub(crate) fn report(&self) -> Option<IdentityReport> {
        let leaf = self.chain.first()?;
        let info: CertInfo = cert::inspect(leaf).ok()?;
        let pin = cert::spki_sha256_inner(leaf).ok()?;
        Some(IdentityReport {
            key: info.key.name(),
            chain_length: self.chain.len(),
            subject_alt_names: info.san_names,
            not_before_unix: info.not_before,
            not_after_unix: info.not_after,
            lifetime_days: info.lifetime_days(),
            spki_sha256: cert::hex(&pin),
        })
    }
}
