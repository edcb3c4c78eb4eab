//! What [`ClientPolicy`](crate::ClientPolicy) and
//! [`ServerPolicy`](crate::ServerPolicy) share: the profile, the ALPN list
//! and the clock, with their checks and report lines written once.

use crate::clock::Clock;
use crate::error::{Error, PolicyProblem};
use crate::profile::Profile;
use crate::report::{self, ClientAuthentication, PeerVerification, PolicyReport, Side};

/// Most ALPN protocols one policy accepts.
pub(crate) const MAX_ALPN_PROTOCOLS: usize = 16;

/// The settings both policies have.
pub(crate) struct Common {
    pub(crate) profile: Profile,
    pub(crate) alpn: Vec<Vec<u8>>,
    pub(crate) clock: Clock,
}

impl Common {
    pub(crate) fn new(profile: Profile) -> Self {
        Self {
            profile,
            alpn: Vec::new(),
            clock: Clock::default(),
        }
    }

    pub(crate) fn set_alpn(&mut self, protocols: &[&[u8]]) {
        self.alpn = protocols.iter().map(|p| p.to_vec()).collect();
    }

    /// The ALPN list is refused, not truncated, when out of bounds: a
    /// shorter list would change which peers can connect.
    pub(crate) fn check_alpn(&self) -> Result<(), Error> {
        let alpn = &self.alpn;
        let bad =
            alpn.len() > MAX_ALPN_PROTOCOLS || alpn.iter().any(|p| p.is_empty() || p.len() > 255);
        if bad {
            Err(Error::Policy(PolicyProblem::InvalidAlpn))
        } else {
            Ok(())
        }
    }

    /// A report with the profile's tables and the shared settings filled in.
    pub(crate) fn report(
        &self,
        side: Side,
        peer_verification: PeerVerification,
        client_authentication: ClientAuthentication,
    ) -> PolicyReport {
        let mut r = report::base(side, self.profile, peer_verification, client_authentication);
        r.alpn_protocols = report::alpn_names(&self.alpn);
        r.clock_floor_unix = self.clock.floor.as_secs();
        r.clock_source = if self.clock.custom_source {
            "custom time provider"
        } else {
            "system clock"
        };
        r
    }
}
