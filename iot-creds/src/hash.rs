//! Password storage and verification with Argon2id (EN 303 645 5.1-3) and
//! the password change (5.1-4).

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, PasswordHasher as _, Version};
use rand_core::TryCryptoRng;
use secrecy::{ExposeSecret, SecretSlice};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::Error;
use crate::policy::{PasswordPolicy, PolicyViolation};
use crate::throttle::{Attempt, Throttle};

/// The memory bound of [`CostLimit::DEFAULT`] (256 MiB).
pub(crate) const DEFAULT_MAX_M_KIB: u32 = 256 * 1024;

/// Hard upper bounds of any [`HashParams`].
const MAX_M_KIB: u32 = 4 * 1024 * 1024;
const MAX_T: u32 = 1024;
const MAX_P: u32 = 64;

/// Argon2id cost parameters for new hashes.
///
/// ```
/// use iot_creds::HashParams;
///
/// let p = HashParams::owasp();
/// assert_eq!((p.m_kib(), p.t(), p.p()), (19 * 1024, 2, 1));
/// assert!(HashParams::new(64 * 1024, 3, 1).is_ok()); // RFC 9106's second choice
/// assert!(HashParams::new(1024, 1, 1).is_err());     // below OWASP's minimum
/// assert!(HashParams::insecure_low_cost(1024, 1, 1).is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HashParams {
    m_kib: u32,
    t: u32,
    p: u32,
}

impl HashParams {
    /// Salt bytes of every new hash (the PHC format's recommendation).
    pub const SALT_BYTES: usize = 16;

    /// Output bytes of every new hash.
    pub const OUTPUT_BYTES: usize = 32;

    /// The weakest memory parameter [`new`](Self::new) accepts (7 MiB), from
    /// OWASP's list of equivalent Argon2id minimums.
    pub const MIN_M_KIB: u32 = 7 * 1024;

    /// The least total work `m × t` (KiB × passes) [`new`](Self::new)
    /// accepts: OWASP's weakest equivalent minimum, 7 MiB with 5 passes. Every
    /// OWASP configuration (46 MiB/1, 19 MiB/2, 12 MiB/3, 9 MiB/4, 7 MiB/5)
    /// meets it.
    pub const MIN_WORK_KIB_PASSES: u64 = 7 * 1024 * 5;

    /// OWASP's recommendation (Password Storage Cheat Sheet): Argon2id with
    /// 19 MiB, 2 passes, 1 lane. The default.
    #[must_use]
    pub const fn owasp() -> Self {
        Self {
            m_kib: 19 * 1024,
            t: 2,
            p: 1,
        }
    }

    /// Explicit parameters: memory in KiB, passes, lanes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameters`] when the parameters are weaker than
    /// OWASP's weakest equivalent minimum (`m_kib` below [`Self::MIN_M_KIB`] or
    /// `m_kib × t` below [`Self::MIN_WORK_KIB_PASSES`]), when `p` is 0 or above 64,
    /// `t` above 1024, or `m_kib` above 4 GiB. For a device that cannot afford
    /// that, use [`calibrate`](Self::calibrate) or, knowingly,
    /// [`insecure_low_cost`](Self::insecure_low_cost).
    pub fn new(m_kib: u32, t: u32, p: u32) -> Result<Self, Error> {
        let params = Self::insecure_low_cost(m_kib, t, p)?;
        if !params.meets_owasp_minimum() {
            return Err(Error::InvalidParameters);
        }
        Ok(params)
    }

    /// Parameters below OWASP's minimum, for tests and for devices too small
    /// for it. Only Argon2's own limits apply (`m_kib ≥ 8 × p`, `t ≥ 1`,
    /// `1 ≤ p ≤ 64`) plus the upper bounds of [`new`](Self::new).
    ///
    /// **Insecure**: a hash this cheap is much faster to brute-force once
    /// leaked. Prefer [`calibrate`](Self::calibrate), which finds the most the
    /// device can afford.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameters`] outside those limits.
    pub fn insecure_low_cost(m_kib: u32, t: u32, p: u32) -> Result<Self, Error> {
        let in_range = (1..=MAX_P).contains(&p)
            && (1..=MAX_T).contains(&t)
            && m_kib <= MAX_M_KIB
            && u64::from(m_kib) >= 8 * u64::from(p);
        if in_range {
            Ok(Self { m_kib, t, p })
        } else {
            Err(Error::InvalidParameters)
        }
    }

    /// Memory in KiB.
    #[must_use]
    pub const fn m_kib(&self) -> u32 {
        self.m_kib
    }

    /// Passes over the memory (time cost).
    #[must_use]
    pub const fn t(&self) -> u32 {
        self.t
    }

    /// Lanes (parallelism).
    #[must_use]
    pub const fn p(&self) -> u32 {
        self.p
    }

    /// Whether these parameters meet the floor of [`new`](Self::new).
    #[must_use]
    pub fn meets_owasp_minimum(&self) -> bool {
        self.m_kib >= Self::MIN_M_KIB
            && u64::from(self.m_kib) * u64::from(self.t) >= Self::MIN_WORK_KIB_PASSES
    }
}

impl Default for HashParams {
    fn default() -> Self {
        Self::owasp()
    }
}

impl fmt::Display for HashParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Argon2id m={} KiB, t={}, p={}",
            self.m_kib, self.t, self.p
        )
    }
}

/// The most expensive stored hash a verification agrees to compute.
///
/// Hash parameters come from the stored PHC string; a corrupted or planted
/// string must not make the device allocate gigabytes or spin for minutes.
/// Every bound is checked before anything is allocated.
///
/// - A [`PasswordHasher`] derives its limit from its own parameters: at most
///   2× their memory, and at most 2× their memory × passes
///   ([`CostLimit::for_params`]).
/// - [`verify_password`], which has no configured parameters, uses
///   [`CostLimit::DEFAULT`]: 256 MiB, 16 passes, 16 lanes, and at most
///   512 MiB × passes in total (RFC 9106's 64 MiB × 3 and OWASP's 19 MiB × 2
///   pass; a planted 256 MiB × 16 does not).
///
/// ```
/// use iot_creds::{CostLimit, PasswordHasher, HashParams};
///
/// // A small device never computes more than 32 MiB per attempt.
/// let hasher = PasswordHasher::new(HashParams::owasp())
///     .with_cost_limit(CostLimit::new(32 * 1024, 4, 1));
/// # let _ = hasher;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CostLimit {
    max_m_kib: u32,
    max_t: u32,
    max_p: u32,
    max_work: u64,
}

impl CostLimit {
    /// 256 MiB, 16 passes, 16 lanes, and memory × passes at most 512 MiB × 1.
    pub const DEFAULT: Self = Self {
        max_m_kib: DEFAULT_MAX_M_KIB,
        max_t: 16,
        max_p: 16,
        max_work: 2 * DEFAULT_MAX_M_KIB as u64,
    };

    /// The largest memory (KiB), passes and lanes to accept (memory ×
    /// passes is then bounded by their product only).
    #[must_use]
    pub const fn new(max_m_kib: u32, max_t: u32, max_p: u32) -> Self {
        Self {
            max_m_kib,
            max_t,
            max_p,
            max_work: max_m_kib as u64 * max_t as u64,
        }
    }

    /// The limit of a hasher configured with `params`: at most twice its
    /// memory and twice its memory × passes (lanes and passes are not bounded
    /// on their own: the total work is).
    #[must_use]
    pub const fn for_params(params: HashParams) -> Self {
        Self {
            max_m_kib: params.m_kib.saturating_mul(2),
            max_t: MAX_T,
            max_p: MAX_P,
            max_work: 2 * (params.m_kib as u64) * (params.t as u64),
        }
    }

    /// The larger of two limits, bound by bound.
    #[must_use]
    pub const fn or(self, other: Self) -> Self {
        const fn max32(a: u32, b: u32) -> u32 {
            if a > b { a } else { b }
        }
        Self {
            max_m_kib: max32(self.max_m_kib, other.max_m_kib),
            max_t: max32(self.max_t, other.max_t),
            max_p: max32(self.max_p, other.max_p),
            max_work: if self.max_work > other.max_work {
                self.max_work
            } else {
                other.max_work
            },
        }
    }

    fn allows(&self, m_kib: u32, t: u32, p: u32) -> bool {
        m_kib <= self.max_m_kib
            && t <= self.max_t
            && p <= self.max_p
            && u64::from(m_kib) * u64::from(t) <= self.max_work
    }
}

impl Default for CostLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A secret mixed into every hash (Argon2's secret input `K`), kept outside
/// the password database, for example derived from a device key in secure
/// storage. A leaked hash database is then useless without the device key.
///
/// Every pepper has an identifier of up to 8 bytes, written into the PHC
/// string of each hash it made (Argon2's `keyid` parameter). A hasher picks
/// the pepper a stored hash names, so a pepper can be introduced for a fleet
/// whose hashes have none, and rotated
/// ([`PasswordHasher::accept_previous_pepper`]), without locking anyone out;
/// [`PasswordHasher::needs_rehash`] says which hashes to redo. An empty
/// identifier writes no `keyid` and applies to stored hashes without one
/// (for hashes made elsewhere with a secret and no `keyid`).
///
/// The key bytes are wiped on drop and never shown by `Debug`, which prints
/// `Pepper { id: [..], key: [REDACTED] }`.
pub struct Pepper {
    id: Vec<u8>,
    key: SecretSlice<u8>,
}

impl Pepper {
    /// The shortest pepper accepted (bytes). 32 random bytes are recommended.
    pub const MIN_LEN: usize = 8;
    /// The longest pepper accepted (bytes).
    pub const MAX_LEN: usize = 64;

    /// The longest identifier (bytes; Argon2's limit for `keyid`).
    pub const MAX_ID_LEN: usize = 8;

    /// A pepper named `id` (for example `b"k1"`, then `b"k2"` after a
    /// rotation) of the given secret bytes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] unless `key` has [`Self::MIN_LEN`] to
    /// [`Self::MAX_LEN`] bytes and `id` at most [`Self::MAX_ID_LEN`].
    pub fn new(id: &[u8], key: &[u8]) -> Result<Self, Error> {
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&key.len()) || id.len() > Self::MAX_ID_LEN {
            return Err(Error::InvalidKey);
        }
        Ok(Self {
            id: Vec::from(id),
            key: SecretSlice::from(Vec::from(key)),
        })
    }

    /// The identifier written as `keyid` into the hashes this pepper makes.
    #[must_use]
    pub fn id(&self) -> &[u8] {
        &self.id
    }
}

impl fmt::Debug for Pepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pepper")
            .field("id", &self.id)
            .field("key", &format_args!("[REDACTED]"))
            .finish()
    }
}

/// Hashing and verification with the device's parameters, a pepper or a
/// non-default [`CostLimit`].
///
/// A hasher verifies only stored hashes within [`CostLimit::for_params`] of
/// its parameters (2× the memory, 2× memory × passes), so a planted string
/// cannot make a login expensive; after lowering the parameters, accept the
/// old ones with [`accept_previous_params`](Self::accept_previous_params)
/// until every hash is rehashed. The free functions [`hash_password`],
/// [`verify_password`] and [`needs_rehash`] have no parameters to derive a
/// limit from and use [`CostLimit::DEFAULT`]; changing a password is
/// [`change_password`](Self::change_password).
///
/// ```
/// # #[cfg(feature = "std")] {
/// use iot_creds::{HashParams, OsRng, PasswordHasher, Pepper};
///
/// let pepper = Pepper::new(b"k1", &[0x5a; 32])?; // in real life: from a device key
/// let hasher = PasswordHasher::new(HashParams::owasp()).with_pepper(&pepper);
/// let phc = hasher.hash(b"river piano lantern", &mut OsRng::new())?;
/// assert!(hasher.verify(b"river piano lantern", &phc).is_ok());
/// // Without the pepper the same hash does not verify.
/// assert!(iot_creds::verify_password(b"river piano lantern", &phc).is_err());
/// # }
/// # Ok::<(), iot_creds::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct PasswordHasher<'k> {
    params: HashParams,
    pepper: Option<&'k Pepper>,
    previous_pepper: Option<&'k Pepper>,
    limit: CostLimit,
}

impl<'k> PasswordHasher<'k> {
    /// The longest PHC string [`verify`](Self::verify) parses; longer ones are
    /// refused before parsing. Real Argon2 strings are under 200 characters.
    pub const MAX_PHC_LEN: usize = 512;

    /// New hashes use `params`; no pepper; stored hashes are verified within
    /// [`CostLimit::for_params`]`(params)`.
    #[must_use]
    pub const fn new(params: HashParams) -> Self {
        Self {
            params,
            pepper: None,
            previous_pepper: None,
            limit: CostLimit::for_params(params),
        }
    }

    /// Also verifies stored hashes made with `previous`, higher parameters
    /// (within [`CostLimit::for_params`]`(previous)`): the migration path
    /// after a downward recalibration. Rehash them at the next successful
    /// login ([`needs_rehash`](Self::needs_rehash) says which).
    #[must_use]
    pub const fn accept_previous_params(mut self, previous: HashParams) -> Self {
        self.limit = self.limit.or(CostLimit::for_params(previous));
        self
    }

    /// Mixes `pepper` into every new hash, and into the verification of
    /// stored hashes that name it (stored hashes without `keyid` are
    /// verified without a pepper unless its identifier is empty).
    #[must_use]
    pub const fn with_pepper(mut self, pepper: &'k Pepper) -> Self {
        self.pepper = Some(pepper);
        self
    }

    /// Also verifies stored hashes that name `previous` (the pepper before a
    /// rotation) until they are rehashed.
    #[must_use]
    pub const fn accept_previous_pepper(mut self, previous: &'k Pepper) -> Self {
        self.previous_pepper = Some(previous);
        self
    }

    /// Verifies only hashes within `limit` (instead of the limit derived from
    /// the parameters), and refuses to create others.
    #[must_use]
    pub const fn with_cost_limit(mut self, limit: CostLimit) -> Self {
        self.limit = limit;
        self
    }

    /// The parameters of new hashes.
    #[must_use]
    pub const fn params(&self) -> HashParams {
        self.params
    }

    /// The pepper mixed into every hash, if any.
    #[must_use]
    pub const fn pepper(&self) -> Option<&'k Pepper> {
        self.pepper
    }

    /// The most expensive stored hash this hasher verifies.
    #[must_use]
    pub const fn cost_limit(&self) -> CostLimit {
        self.limit
    }

    /// A new Argon2id PHC string for `password`, with a fresh 16-byte salt
    /// from `rng`.
    ///
    /// # Errors
    ///
    /// [`Error::PasswordTooLong`] above [`PasswordPolicy::MAX_PASSWORD_BYTES`];
    /// [`Error::CostLimitExceeded`] when the parameters exceed this hasher's
    /// cost limit (it could not verify the result); [`Error::HashingFailed`]
    /// when Argon2's memory cannot be allocated;
    /// [`Error::RandomSourceUnavailable`] when `rng` (a fallible source such
    /// as a hardware TRNG) reports an error.
    pub fn hash<R: TryCryptoRng + ?Sized>(
        &self,
        password: &[u8],
        rng: &mut R,
    ) -> Result<String, Error> {
        let mut salt = [0u8; HashParams::SALT_BYTES];
        rng.try_fill_bytes(&mut salt)
            .map_err(|_| Error::RandomSourceUnavailable)?;
        self.hash_with_salt(password, &salt)
    }

    /// The hash with a given salt: for the factory batch, which draws salts
    /// on one thread and hashes on many, and for calibration.
    pub(crate) fn hash_with_salt(
        &self,
        password: &[u8],
        salt: &[u8; HashParams::SALT_BYTES],
    ) -> Result<String, Error> {
        if password.len() > PasswordPolicy::MAX_PASSWORD_BYTES {
            return Err(Error::PasswordTooLong);
        }
        let HashParams { m_kib, t, p } = self.params;
        if !self.limit.allows(m_kib, t, p) {
            return Err(Error::CostLimitExceeded);
        }
        let mut params = argon2::ParamsBuilder::new();
        params
            .m_cost(m_kib)
            .t_cost(t)
            .p_cost(p)
            .output_len(HashParams::OUTPUT_BYTES);
        if let Some(pepper) = self.pepper.filter(|p| !p.id.is_empty()) {
            params.keyid(argon2::KeyId::new(&pepper.id).map_err(|_| Error::InvalidKey)?);
        }
        let params = params.build().map_err(|_| Error::InvalidParameters)?;
        let argon2 = self.argon2(Algorithm::Argon2id, Version::V0x13, params, self.pepper)?;
        let hash = argon2
            .hash_password_with_salt(password, salt)
            .map_err(|_| Error::HashingFailed)?;
        Ok(hash.to_string())
    }

    /// Checks `password` against a stored PHC string.
    ///
    /// Accepts standard Argon2 PHC strings from any implementation:
    /// `argon2id`, and `argon2i`/`argon2d` so old hashes can be migrated
    /// (see [`needs_rehash`](Self::needs_rehash)); version 19 (`v=19`) or the
    /// original 16 (`v=16`, or no version field, as libargon2 reads it).
    ///
    /// # Errors
    ///
    /// - [`Error::Verification`] for a wrong password, whatever the detail;
    /// - [`Error::MalformedHash`] when `phc` is not a complete Argon2 PHC string;
    /// - [`Error::CostLimitExceeded`] when its parameters exceed the cost limit
    ///   (nothing is computed or allocated);
    /// - [`Error::PasswordTooLong`], [`Error::HashingFailed`] as for [`hash`](Self::hash).
    pub fn verify(&self, password: &[u8], phc: &str) -> Result<(), Error> {
        if password.len() > PasswordPolicy::MAX_PASSWORD_BYTES {
            return Err(Error::PasswordTooLong);
        }
        let stored = StoredHash::parse(phc)?;
        let (m, t, p) = (
            stored.params.m_cost(),
            stored.params.t_cost(),
            stored.params.p_cost(),
        );
        if !self.limit.allows(m, t, p) {
            return Err(Error::CostLimitExceeded);
        }
        let expected = stored.hash.as_bytes();
        let mut computed = Zeroizing::new([0u8; 64]);
        let computed = computed
            .get_mut(..expected.len())
            .ok_or(Error::MalformedHash)?;
        // The pepper the stored hash names (none for no `keyid`, unless a
        // pepper with an empty identifier is configured).
        let keyid = stored.params.keyid();
        let pepper = [self.pepper, self.previous_pepper]
            .into_iter()
            .flatten()
            .find(|p| p.id.as_slice() == keyid);
        if pepper.is_none() && !keyid.is_empty() {
            return Err(Error::UnknownPepper);
        }
        self.argon2(
            stored.algorithm,
            stored.version,
            stored.params.clone(),
            pepper,
        )?
        .hash_password_into(password, stored.salt.as_ref(), computed)
        .map_err(|_| Error::HashingFailed)?;
        if bool::from(computed.ct_eq(expected)) {
            Ok(())
        } else {
            Err(Error::Verification)
        }
    }

    /// Whether a stored hash should be replaced at the next successful login:
    /// it is not Argon2id version 19 with exactly this hasher's parameters,
    /// salt and output sizes.
    ///
    /// # Errors
    ///
    /// [`Error::MalformedHash`] when `phc` is not a complete Argon2 PHC string.
    pub fn needs_rehash(&self, phc: &str) -> Result<bool, Error> {
        let stored = StoredHash::parse(phc)?;
        let current = stored.algorithm == Algorithm::Argon2id
            && stored.version == Version::V0x13
            && stored.params.m_cost() == self.params.m_kib
            && stored.params.t_cost() == self.params.t
            && stored.params.p_cost() == self.params.p
            && stored.params.data().is_empty()
            && stored.params.keyid() == self.pepper.map_or(&[][..], |p| p.id.as_slice())
            && stored.salt.len() == HashParams::SALT_BYTES
            && stored.hash.len() == HashParams::OUTPUT_BYTES;
        Ok(!current)
    }

    /// Changes a password (EN 303 645 5.1-4): verifies `old` against
    /// `current_phc`, checks `new` against `policy` (with `context` words such
    /// as the user name or model; pass `&[]` for none; `new` must differ from
    /// `old`), and returns the PHC string to store in place of `current_phc`.
    ///
    /// Verifying `old` is a login: it takes an [`Attempt`] begun on the
    /// device's [`Throttle`] (with [`Throttle::begin_login`], and the snapshot
    /// persisted, exactly as for a login), so that a change-password form is
    /// no unthrottled way to test passwords. A wrong `old` leaves the failure
    /// counted; a right one refunds it through
    /// [`Throttle::succeed`], whatever the policy then says about `new`.
    ///
    /// ```
    /// # #[cfg(feature = "std")] {
    /// use core::time::Duration;
    /// use iot_creds::{ClockId, Error, HashParams, OsRng, PasswordHasher, PasswordPolicy};
    /// use iot_creds::{PolicyViolation, Throttle, ThrottleConfig};
    ///
    /// let hasher = PasswordHasher::new(HashParams::owasp());
    /// let mut rng = OsRng::new();
    /// let mut throttle = Throttle::new(ThrottleConfig::default(), &[7; 32], ClockId::new([1; 16]));
    /// let now = Duration::from_secs(60);
    /// let old = "K7QM-X3PZ-9RTA-CW4H";
    /// let phc = hasher.hash(old.as_bytes(), &mut rng)?;
    /// let policy = PasswordPolicy::default();
    ///
    /// let attempt = throttle.begin_login(b"admin", b"web-ui", now).unwrap();
    /// // (persist throttle.snapshot() here)
    /// assert_eq!(
    ///     hasher.change_password(&mut throttle, attempt, old, "admin123", &phc, &policy, &[], &mut rng),
    ///     Err(Error::Policy(PolicyViolation::KnownDefault))
    /// );
    /// let attempt = throttle.begin_login(b"admin", b"web-ui", now).unwrap();
    /// let new_phc = hasher.change_password(
    ///     &mut throttle, attempt, old, "river piano lantern", &phc, &policy, &[], &mut rng,
    /// )?;
    /// assert!(hasher.verify(b"river piano lantern", &new_phc).is_ok());
    /// assert!(hasher.verify(old.as_bytes(), &new_phc).is_err());
    /// # }
    /// # Ok::<(), iot_creds::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Verification`] when `old` is wrong (checked first, so an
    /// unauthenticated caller learns nothing about the policy);
    /// [`Error::Policy`] with the reason `new` was refused; otherwise as
    /// [`verify`](Self::verify) and [`hash`](Self::hash).
    #[expect(
        clippy::too_many_arguments,
        reason = "the throttle and its attempt belong to the change; a builder would hide that the attempt is consumed"
    )]
    pub fn change_password<R: TryCryptoRng + ?Sized>(
        &self,
        throttle: &mut Throttle,
        attempt: Attempt,
        old: &str,
        new: &str,
        current_phc: &str,
        policy: &PasswordPolicy,
        context: &[&str],
        rng: &mut R,
    ) -> Result<String, Error> {
        // A wrong `old` drops the attempt: its failure stays counted.
        self.verify(old.as_bytes(), current_phc)?;
        throttle.succeed(attempt);
        if bool::from(old.as_bytes().ct_eq(new.as_bytes())) {
            return Err(PolicyViolation::SameAsCurrent.into());
        }
        policy.check(new, context)?;
        self.hash(new.as_bytes(), rng)
    }

    fn argon2(
        &self,
        algorithm: Algorithm,
        version: Version,
        params: argon2::Params,
        pepper: Option<&'k Pepper>,
    ) -> Result<Argon2<'k>, Error> {
        match pepper {
            Some(pepper) => {
                Argon2::new_with_secret(pepper.key.expose_secret(), algorithm, version, params)
                    .map_err(|_| Error::InvalidKey)
            }
            None => Ok(Argon2::new(algorithm, version, params)),
        }
    }
}

fn malformed<E>(_: E) -> Error {
    Error::MalformedHash
}

/// A parsed, complete Argon2 PHC string.
struct StoredHash {
    algorithm: Algorithm,
    version: Version,
    params: argon2::Params,
    salt: argon2::password_hash::phc::Salt,
    hash: argon2::password_hash::phc::Output,
}

impl StoredHash {
    fn parse(phc: &str) -> Result<Self, Error> {
        if phc.len() > PasswordHasher::MAX_PHC_LEN {
            return Err(Error::MalformedHash);
        }
        let parsed = PasswordHash::new(phc).map_err(malformed)?;
        let algorithm = Algorithm::new(parsed.algorithm.as_str()).map_err(malformed)?;
        // libargon2 writes no version field for version 16 and reads its
        // absence that way; the argon2 crate would assume 19.
        let version = match parsed.version {
            None => Version::V0x10,
            Some(v) => Version::try_from(v).map_err(malformed)?,
        };
        // Argon2's PHC strings must state all three costs; the argon2 crate
        // would silently fill in its defaults.
        for name in ["m", "t", "p"] {
            if parsed.params.get_decimal(name).is_none() {
                return Err(Error::MalformedHash);
            }
        }
        let params = argon2::Params::try_from(&parsed).map_err(malformed)?;
        let salt = parsed.salt.ok_or(Error::MalformedHash)?;
        // Argon2 itself refuses salts under 8 bytes; that is the string's fault.
        if salt.len() < argon2::MIN_SALT_LEN {
            return Err(Error::MalformedHash);
        }
        let hash = parsed.hash.ok_or(Error::MalformedHash)?;
        Ok(Self {
            algorithm,
            version,
            params,
            salt,
            hash,
        })
    }
}

/// A new Argon2id PHC string for `password` with `params` and a fresh salt
/// from `rng` (a hardware TRNG, or [`crate::OsRng`] with `std`).
///
/// ```
/// # #[cfg(feature = "std")] {
/// use iot_creds::{hash_password, needs_rehash, verify_password, HashParams, OsRng};
///
/// let phc = hash_password(b"river piano lantern", &HashParams::owasp(), &mut OsRng::new())?;
/// assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
/// assert!(verify_password(b"river piano lantern", &phc).is_ok());
/// assert_eq!(verify_password(b"wrong", &phc), Err(iot_creds::Error::Verification));
/// assert!(!needs_rehash(&phc, &HashParams::owasp())?);
/// # }
/// # Ok::<(), iot_creds::Error>(())
/// ```
///
/// # Errors
///
/// As [`PasswordHasher::hash`].
pub fn hash_password<R: TryCryptoRng + ?Sized>(
    password: &[u8],
    params: &HashParams,
    rng: &mut R,
) -> Result<String, Error> {
    // The default limit: what this makes, `verify_password` can verify.
    PasswordHasher::new(*params)
        .with_cost_limit(CostLimit::DEFAULT)
        .hash(password, rng)
}

/// Checks `password` against a stored PHC string: one opaque
/// [`Error::Verification`] for any mismatch; malformed strings and parameters
/// beyond [`CostLimit::DEFAULT`] are refused without computing anything.
///
/// # Errors
///
/// As [`PasswordHasher::verify`].
pub fn verify_password(password: &[u8], phc: &str) -> Result<(), Error> {
    PasswordHasher::new(HashParams::owasp())
        .with_cost_limit(CostLimit::DEFAULT)
        .verify(password, phc)
}

/// Whether a stored hash was made with anything but Argon2id version 19 and
/// exactly `params` (call after a successful verification, and store a new
/// hash of the same password if it returns `true`).
///
/// # Errors
///
/// As [`PasswordHasher::needs_rehash`].
pub fn needs_rehash(phc: &str, params: &HashParams) -> Result<bool, Error> {
    PasswordHasher::new(*params).needs_rehash(phc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_matches_every_owasp_configuration() {
        for (m, t) in [(47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5)] {
            assert!(HashParams::new(m, t, 1).is_ok(), "{m} {t}");
        }
        assert!(HashParams::new(7168, 4, 1).is_err());
        assert!(HashParams::new(6144, 8, 1).is_err());
        assert!(HashParams::new(19456, 2, 0).is_err());
        assert!(HashParams::new(19456, 0, 1).is_err());
        assert!(HashParams::new(19456, 2, 65).is_err());
        assert!(HashParams::insecure_low_cost(15, 1, 2).is_err()); // m < 8p
        assert!(HashParams::insecure_low_cost(16, 1, 2).is_ok());
    }

    #[test]
    fn pepper_length_and_debug() {
        assert_eq!(Pepper::new(b"k", &[1; 7]).unwrap_err(), Error::InvalidKey);
        assert_eq!(Pepper::new(b"k", &[1; 65]).unwrap_err(), Error::InvalidKey);
        assert_eq!(
            Pepper::new(&[1; 9], &[1; 32]).unwrap_err(),
            Error::InvalidKey
        );
        let p = Pepper::new(b"k", &[0xab; 32]).unwrap();
        assert_eq!(
            alloc::format!("{p:?}"),
            "Pepper { id: [107], key: [REDACTED] }"
        );
    }

    #[test]
    fn malformed_strings_are_refused_before_hashing() {
        for bad in [
            "",
            "$",
            "$argon2id",
            "$argon2id$v=19$m=64,t=1,p=1",
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ",
            "$argon2id$v=19$t=1,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
            "$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
            "$argon2id$v=19$m=64,t=1,p=1,x=3$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert_eq!(
                verify_password(b"pw", bad),
                Err(Error::MalformedHash),
                "{bad}"
            );
        }
        let long = "$".repeat(PasswordHasher::MAX_PHC_LEN + 1);
        assert_eq!(verify_password(b"pw", &long), Err(Error::MalformedHash));
    }

    #[test]
    fn cost_limit_is_checked_before_allocating() {
        // 4 TiB would abort the process if anything tried to allocate it.
        let huge = "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA";
        assert_eq!(verify_password(b"pw", huge), Err(Error::CostLimitExceeded));
        let slow = "$argon2id$v=19$m=64,t=4294967295,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA";
        assert_eq!(verify_password(b"pw", slow), Err(Error::CostLimitExceeded));
        let lanes = "$argon2id$v=19$m=1024,t=1,p=17$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA";
        assert_eq!(verify_password(b"pw", lanes), Err(Error::CostLimitExceeded));
    }
}
