//! Brute-force throttling that neither parallel attempts, a power cut nor a
//! reboot can reset (EN 303 645 5.1-5).
//!
//! # Design
//!
//! - **Pessimistic accounting.** [`Throttle::begin`] (and
//!   [`Throttle::begin_login`]) counts the attempt as a failure *before* the
//!   password is hashed; [`Throttle::succeed`] refunds it. Persist the
//!   [`snapshot`](Throttle::snapshot) after `begin` and before verifying: a
//!   power cut or a reset during verification then loses nothing, and
//!   attempts running in parallel each see the failures of the others.
//! - **The account is what is protected.** [`Throttle::begin_login`] counts
//!   every attempt against the account (all sources together) and against
//!   the source, and refuses when either is delayed.
//! - Keys are stored as 16-byte keyed BLAKE2b fingerprints under a secret of
//!   the device (supplied by the caller, kept sealed like the snapshot): memory
//!   per key is fixed, and neither the table nor a snapshot reveals which
//!   names or addresses failed without that secret.
//! - Memory is bounded by [`ThrottleConfig::with_max_tracked`]. When the
//!   table is full, keys it does not know share one overflow bucket. Nothing
//!   that is throttled is ever evicted: flooding the table with new keys
//!   cannot reset an attacker's own counter, it only throttles the flood.
//!   Entries idle for [`ThrottleConfig::with_forget_after`] (and not
//!   throttled) make room for new keys. While the overflow bucket is in use
//!   (not idle), a key that gets a slot of its own starts with the bucket's
//!   count and delay, so a key that lived in the bucket never gets a fresh
//!   count because a slot freed up.
//! - Time is whatever monotonic clock the caller has, as a [`Duration`] since
//!   an arbitrary origin (boot, usually), named by a [`ClockId`]. A clock that
//!   goes backwards never shortens a delay.
//! - [`Throttle::snapshot`] stores the clock's identity and absolute
//!   deadlines. [`Throttle::restore`] on the same clock (the same boot: one
//!   process per request, as a CGI login does) keeps the deadlines as they
//!   are; on another clock (after a reboot) the remaining delays run again
//!   from the first reading of the new clock.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use blake2::Blake2bMac;
use blake2::digest::consts::U16;
use blake2::digest::{FixedOutput, Update};
use zeroize::Zeroizing;

use crate::error::Error;

const SNAPSHOT_MAGIC: &[u8; 4] = b"IOTT";
const SNAPSHOT_VERSION: u8 = 2;
/// magic, version, clock id, key check, time of the snapshot, count.
const HEADER_LEN: usize = 4 + 1 + 16 + 8 + 8 + 4;
/// failures u32, blocked until (ms) u64, last failure (ms) u64.
const STATE_LEN: usize = 4 + 8 + 8;
const ENTRY_LEN: usize = 16 + STATE_LEN;

/// Fingerprint namespaces, so that a key given to [`Throttle::begin`] and an
/// account or a source of [`Throttle::begin_login`] never share a counter.
const NS_KEY: u8 = 0;
const NS_ACCOUNT: u8 = 1;
const NS_SOURCE: u8 = 2;
const NS_KEY_CHECK: u8 = 0xff;

/// How the [`Throttle`] counts and delays.
///
/// Defaults: 5 attempts free of delay per key, then 1 s before the sixth,
/// doubling up to 1 h; 1,024 keys tracked; idle keys forgotten after 24 h.
/// Setters clamp to safe ranges (documented on each) rather than fail, so a
/// configuration is always usable.
///
/// ```
/// use core::time::Duration;
/// use iot_creds::ThrottleConfig;
///
/// let config = ThrottleConfig::default()
///     .with_free_attempts(3)
///     .with_delays(Duration::from_secs(2), Duration::from_secs(600));
/// // After 2 failures the next attempt is still free; after 3 it waits.
/// assert_eq!(config.delay_after(2), Duration::ZERO);
/// assert_eq!(config.delay_after(3), Duration::from_secs(2));
/// assert_eq!(config.delay_after(4), Duration::from_secs(4));
/// assert_eq!(config.delay_after(40), Duration::from_secs(600));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleConfig {
    free_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_tracked: usize,
    forget_after: Duration,
}

impl ThrottleConfig {
    /// Longest delay a configuration can ask for: 30 days.
    pub const MAX_DELAY: Duration = Duration::from_secs(30 * 24 * 3600);

    /// Most keys a throttle can track.
    pub const MAX_TRACKED: usize = 65_536;

    /// Most attempts free of delay a configuration can allow.
    pub const MAX_FREE_ATTEMPTS: u32 = 100;

    /// The defaults.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            free_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(3600),
            max_tracked: 1024,
            forget_after: Duration::from_secs(24 * 3600),
        }
    }

    /// Attempts per key free of delay, counted at [`Throttle::begin`]
    /// (1 ..= [`Self::MAX_FREE_ATTEMPTS`]; a first attempt is never delayed,
    /// so 0 is raised to 1). The attempt after them waits the first delay.
    #[must_use]
    pub fn with_free_attempts(mut self, attempts: u32) -> Self {
        self.free_attempts = attempts.clamp(1, Self::MAX_FREE_ATTEMPTS);
        self
    }

    /// The first delay and the cap it doubles up to. `base` is clamped to
    /// 1 ms ..= [`Self::MAX_DELAY`] and `max` to `base ..= MAX_DELAY`.
    #[must_use]
    pub fn with_delays(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base.clamp(Duration::from_millis(1), Self::MAX_DELAY);
        self.max_delay = max.clamp(self.base_delay, Self::MAX_DELAY);
        self
    }

    /// Keys tracked individually (1 ..= [`Self::MAX_TRACKED`]); memory is
    /// about 64 bytes per key.
    #[must_use]
    pub fn with_max_tracked(mut self, keys: usize) -> Self {
        self.max_tracked = keys.clamp(1, Self::MAX_TRACKED);
        self
    }

    /// How long a key must be idle (no failure, no delay running) before
    /// its count may be dropped. Never shorter than the maximum delay: a
    /// shorter value is raised to it (see [`forget_after`](Self::forget_after)).
    #[must_use]
    pub fn with_forget_after(mut self, idle: Duration) -> Self {
        self.forget_after = idle;
        self
    }

    /// Attempts free of delay.
    #[must_use]
    pub const fn free_attempts(&self) -> u32 {
        self.free_attempts
    }

    /// The first delay and the cap it doubles up to, as clamped by
    /// [`with_delays`](Self::with_delays).
    #[must_use]
    pub const fn delays(&self) -> (Duration, Duration) {
        (self.base_delay, self.max_delay)
    }

    /// Keys tracked individually.
    #[must_use]
    pub const fn max_tracked(&self) -> usize {
        self.max_tracked
    }

    /// The wait before the next attempt after the given number of
    /// consecutive failures: none below [`free_attempts`](Self::free_attempts),
    /// then the first delay, doubling up to the cap.
    #[must_use]
    pub fn delay_after(&self, failures: u32) -> Duration {
        let free = self.free_attempts.max(1);
        if failures < free {
            return Duration::ZERO;
        }
        let doublings = failures - free;
        if doublings >= 32 {
            return self.max_delay;
        }
        self.base_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay)
    }

    /// How long a key must be idle before its count may be dropped: the value
    /// given to [`with_forget_after`](Self::with_forget_after), raised to the
    /// maximum delay if it is shorter.
    #[must_use]
    pub fn forget_after(&self) -> Duration {
        self.forget_after.max(self.max_delay)
    }
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// The attempt was refused: try again after [`duration`](Self::duration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(Duration);

impl RetryAfter {
    /// Time until the next attempt is allowed.
    #[must_use]
    pub const fn duration(&self) -> Duration {
        self.0
    }
}

impl fmt::Display for RetryAfter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0);
        write!(f, "too many failed attempts: retry in {secs} s")
    }
}

impl core::error::Error for RetryAfter {}

/// The identity of the clock whose readings a [`Throttle`] gets as `now`.
///
/// Two processes that pass the same `ClockId` promise that their `now`
/// values are readings of one clock: on Linux, the boot id
/// ([`ClockId::boot`]) with `CLOCK_BOOTTIME` or `CLOCK_MONOTONIC` (both run
/// from boot, for every process; `/proc/uptime` reads the first). Never use
/// `std::time::Instant` elapsed since process start under a shared id.
/// A device without a boot id makes one up at each boot (16 random bytes, or
/// a boot counter kept in storage) and keeps it in RAM for that boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClockId([u8; 16]);

impl ClockId {
    /// A clock identity from 16 bytes that differ from one boot to the next.
    #[must_use]
    pub const fn new(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The 16 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The Linux boot id (`/proc/sys/kernel/random/boot_id`), new at every
    /// boot: pair it with `CLOCK_BOOTTIME` or `CLOCK_MONOTONIC` readings.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read (`during` is
    /// `"reading the boot id"`), with kind `InvalidData` when it does not
    /// hold a UUID.
    #[cfg(feature = "std")]
    pub fn boot() -> Result<Self, Error> {
        let during = "reading the boot id";
        let text =
            std::fs::read_to_string("/proc/sys/kernel/random/boot_id").map_err(|e| Error::Io {
                during,
                kind: e.kind(),
            })?;
        Self::parse_uuid(text.trim()).ok_or(Error::Io {
            during,
            kind: std::io::ErrorKind::InvalidData,
        })
    }

    #[cfg(feature = "std")]
    fn parse_uuid(text: &str) -> Option<Self> {
        let mut out = [0u8; 16];
        let mut digits = text.chars().filter(|&c| c != '-');
        for byte in &mut out {
            let hi = digits.next()?.to_digit(16)?;
            let lo = digits.next()?.to_digit(16)?;
            *byte = u8::try_from(hi * 16 + lo).ok()?;
        }
        digits.next().is_none().then_some(Self(out))
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Entry {
    failures: u32,
    blocked_until: Duration,
    last_failure: Duration,
}

impl Entry {
    fn is_blocked(&self, now: Duration) -> bool {
        self.blocked_until > now
    }

    fn is_idle(&self, now: Duration, config: &ThrottleConfig) -> bool {
        !self.is_blocked(now) && now.saturating_sub(self.last_failure) >= config.forget_after()
    }

    fn register_failure(&mut self, now: Duration, config: &ThrottleConfig) {
        if self.is_idle(now, config) {
            *self = Self::default();
        }
        self.failures = self.failures.saturating_add(1);
        self.last_failure = now;
        let until = now.saturating_add(config.delay_after(self.failures));
        self.blocked_until = self.blocked_until.max(until);
    }
}

type Fingerprint = [u8; 16];

/// Where an attempt's failure was counted.
#[derive(Debug, PartialEq, Eq)]
enum Slot {
    Tracked(Fingerprint),
    Overflow,
}

/// One login attempt, already counted as a failure by [`Throttle::begin`]
/// or [`Throttle::begin_login`].
///
/// Give it back to [`Throttle::succeed`] when the password verified, which
/// refunds the failure. Dropping it (wrong password, error, panic, power
/// cut) leaves the failure counted: that is the point. It cannot be copied,
/// so one attempt is refunded at most once.
#[must_use = "an attempt is a counted failure until it is given to Throttle::succeed"]
#[derive(Debug)]
pub struct Attempt {
    /// The key of `begin`, or the account of `begin_login`: reset on success.
    primary: Slot,
    /// The source of `begin_login`: one failure refunded on success.
    source: Option<Slot>,
}

/// Per-key brute-force throttling with bounded memory and pessimistic
/// accounting.
///
/// The login flow, with the lock (if the throttle is shared) held only
/// around `begin` and `succeed`, never while hashing:
///
/// 1. [`begin_login`](Self::begin_login)`(account, source, now)` (or
///    [`begin`](Self::begin) with one key): refused with [`RetryAfter`]
///    while delayed; otherwise the attempt is counted as a failure now.
/// 2. Persist [`snapshot`](Self::snapshot) (sealed, for example in
///    `iot-storage`) **before verifying**, so that a power cut or a reset
///    during verification loses no count.
/// 3. Verify the password. On success, [`succeed`](Self::succeed) refunds
///    the attempt (and persist again); on failure, drop the [`Attempt`].
///
/// Eight threads guessing in parallel get no more guesses than one thread
/// guessing in sequence: [`ThrottleConfig::free_attempts`] at once, then one
/// per delay. `Throttle` is not `Clone`: one throttle per device (or per
/// interface), shared behind a lock, never one per connection.
///
/// ```
/// use core::time::Duration;
/// use iot_creds::{ClockId, Throttle, ThrottleConfig};
///
/// // 32 random bytes made once per device and kept sealed (iot-storage),
/// // and the identity of this boot's monotonic clock.
/// let secret = [0x42; 32];
/// let boot = ClockId::new([7; 16]);
/// let mut throttle = Throttle::new(ThrottleConfig::default(), &secret, boot);
/// let t = Duration::from_secs(100); // the device's monotonic clock
/// for _ in 0..5 {
///     let attempt = throttle.begin_login(b"admin", b"192.0.2.7", t).unwrap();
///     // persist throttle.snapshot() here, then verify: wrong password
///     drop(attempt);
/// }
/// // The sixth attempt, from any source, waits 1 s.
/// let refused = throttle.begin_login(b"admin", b"198.51.100.1", t).unwrap_err();
/// assert_eq!(refused.duration(), Duration::from_secs(1));
/// let attempt = throttle
///     .begin_login(b"admin", b"192.0.2.7", t + Duration::from_secs(1))
///     .unwrap();
/// throttle.succeed(attempt); // the password verified: the count starts over
///
/// // A reboot: the clock is another one, delays run again from its first reading.
/// let saved = throttle.snapshot();
/// let after_boot = ClockId::new([8; 16]);
/// let restored = Throttle::restore(&saved, ThrottleConfig::default(), &secret, after_boot)?;
/// # let _ = restored;
/// # Ok::<(), iot_creds::Error>(())
/// ```
pub struct Throttle {
    config: ThrottleConfig,
    secret: Zeroizing<[u8; 32]>,
    clock: ClockId,
    /// Times of `entries` and `overflow` are readings of `clock`, unless a
    /// restore from another clock is pending.
    entries: BTreeMap<Fingerprint, Entry>,
    overflow: Entry,
    /// The latest time seen; times are clamped to it, so they never go back.
    last_now: Duration,
    /// Set by `restore` from another clock: the stored times are readings of
    /// that clock, until the first observation moves them onto ours.
    pending: Option<(ClockId, Duration)>,
    /// Restored from a snapshot of another clock.
    from_another_clock: bool,
}

impl Throttle {
    /// An empty throttle.
    ///
    /// `secret` keys the fingerprints: make 32 random bytes once per device
    /// and keep them sealed (for example in `iot-storage`, beside the
    /// snapshot). `clock` names the clock whose readings `now` will be (see
    /// [`ClockId`]).
    #[must_use]
    pub fn new(config: ThrottleConfig, secret: &[u8; 32], clock: ClockId) -> Self {
        Self {
            config,
            secret: Zeroizing::new(*secret),
            clock,
            entries: BTreeMap::new(),
            overflow: Entry::default(),
            last_now: Duration::ZERO,
            pending: None,
            from_another_clock: false,
        }
    }

    /// The configuration.
    #[must_use]
    pub const fn config(&self) -> &ThrottleConfig {
        &self.config
    }

    /// Keys currently tracked individually (not counting the overflow bucket).
    #[must_use]
    pub fn tracked_keys(&self) -> usize {
        self.entries.len()
    }

    /// Whether this throttle was restored from a snapshot of another clock
    /// (the first restore after a reboot).
    ///
    /// Its delays move onto the new clock at the first `begin` or
    /// `begin_login`; persist a [`snapshot`](Self::snapshot) after that call
    /// even when it was refused, so that the other processes of this boot
    /// find deadlines on this boot's clock. Otherwise each of them would
    /// restart the remaining delays from its own first reading.
    #[must_use]
    pub const fn restored_from_another_clock(&self) -> bool {
        self.from_another_clock
    }

    /// Starts an attempt of `key` at `now` (a monotonic clock reading):
    /// refused while the key is delayed, otherwise counted as a failure
    /// before any hashing.
    ///
    /// Persist [`snapshot`](Self::snapshot) after this call and before
    /// verifying the password; give the [`Attempt`] to
    /// [`succeed`](Self::succeed) when the password verified. For a login,
    /// prefer [`begin_login`](Self::begin_login), which protects the account
    /// whatever the source.
    ///
    /// Pass the clock's real reading, never a sentinel for a failed read:
    /// times never go back and delays saturate at [`Duration::MAX`], so one
    /// reading at or near `Duration::MAX` would end every delay for good.
    /// Nothing panics or overflows.
    ///
    /// # Errors
    ///
    /// [`RetryAfter`] while the key (or, when the table is full and the key
    /// unknown, the shared overflow bucket) is delayed; nothing is counted.
    pub fn begin(&mut self, key: &[u8], now: Duration) -> Result<Attempt, RetryAfter> {
        let now = self.observe(now);
        let fp = self.fingerprint(NS_KEY, key);
        if let Some(wait) = self.wait(&fp, now) {
            return Err(RetryAfter(wait));
        }
        let primary = self.register_failure(fp, now);
        Ok(Attempt {
            primary,
            source: None,
        })
    }

    /// Starts a login attempt on `account` from `source` (an address, a
    /// serial port, "local-ui"…): refused while the account (counting every
    /// source together) or the source is delayed; otherwise counted as a
    /// failure of both, before any hashing.
    ///
    /// A thousand sources against one account get
    /// [`free_attempts`](ThrottleConfig::free_attempts) free guesses in total,
    /// not each. The per-source count lets a source that guesses many
    /// accounts be slowed on its own. For a device with a single user, pass
    /// the interface as `account`. Persist and verify as for
    /// [`begin`](Self::begin).
    ///
    /// # Errors
    ///
    /// [`RetryAfter`] with the longer of the two delays; nothing is counted.
    pub fn begin_login(
        &mut self,
        account: &[u8],
        source: &[u8],
        now: Duration,
    ) -> Result<Attempt, RetryAfter> {
        let now = self.observe(now);
        let account = self.fingerprint(NS_ACCOUNT, account);
        let source = self.fingerprint(NS_SOURCE, source);
        let wait = self.wait(&account, now).max(self.wait(&source, now));
        if let Some(wait) = wait {
            return Err(RetryAfter(wait));
        }
        let primary = self.register_failure(account, now);
        let source = Some(self.register_failure(source, now));
        Ok(Attempt { primary, source })
    }

    /// The password of `attempt` verified: forgets the failures of its key
    /// (or account), and refunds the one failure it counted against its
    /// source.
    ///
    /// The shared overflow bucket is not reset: otherwise one valid login
    /// would reset the count of every unknown key guessing alongside it.
    pub fn succeed(&mut self, attempt: Attempt) {
        if let Slot::Tracked(fp) = attempt.primary {
            self.entries.remove(&fp);
        }
        if let Some(Slot::Tracked(fp)) = attempt.source
            && let Some(entry) = self.entries.get_mut(&fp)
        {
            entry.failures = entry.failures.saturating_sub(1);
            // The delays of the failures before this one all ended by
            // `last_failure + delay_after(failures)`: never sooner.
            let before = entry
                .last_failure
                .saturating_add(self.config.delay_after(entry.failures));
            entry.blocked_until = entry.blocked_until.min(before);
            if entry.failures == 0 {
                self.entries.remove(&fp);
            }
        }
    }

    /// The state as compact bytes (61 + 36 per tracked key): the clock's
    /// identity, absolute deadlines on that clock (rounded up to the
    /// millisecond) and the counts. Fingerprints are keyed: without the
    /// secret the snapshot does not tell which names or addresses failed.
    #[must_use]
    pub fn snapshot(&self) -> Vec<u8> {
        let (clock, now) = self.pending.unwrap_or((self.clock, self.last_now));
        let mut out = Vec::with_capacity(HEADER_LEN + STATE_LEN + ENTRY_LEN * self.entries.len());
        out.extend_from_slice(SNAPSHOT_MAGIC);
        out.push(SNAPSHOT_VERSION);
        out.extend_from_slice(clock.as_bytes());
        out.extend_from_slice(&self.key_check());
        out.extend_from_slice(&millis_up(now).to_le_bytes());
        let count = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&count.to_le_bytes());
        write_state(&mut out, &self.overflow);
        for (fp, entry) in &self.entries {
            out.extend_from_slice(fp);
            write_state(&mut out, entry);
        }
        out
    }

    /// A throttle from [`snapshot`](Self::snapshot) bytes, with the same
    /// `secret` as the throttle that wrote them.
    ///
    /// When `clock` is the clock the snapshot was taken on (the same boot:
    /// another process of it), deadlines stay exactly as they were. On
    /// another clock (after a reboot), the remaining delays run again from
    /// the first [`begin`](Self::begin) or [`begin_login`](Self::begin_login)
    /// (whose `now` becomes the new origin): a reboot never shortens a delay.
    ///
    /// If `config` tracks fewer keys than the snapshot holds, the keys with
    /// the longest delays are kept and the others merge into the overflow
    /// bucket, which takes the worst of their counts and delays; any of
    /// those keys that later gets a slot of its own starts from the bucket's
    /// count: nothing is forgiven.
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotKeyMismatch`] when `secret` is not the secret of the
    /// throttle that wrote the snapshot. [`Error::MalformedSnapshot`] for
    /// anything but the exact bytes `snapshot` writes: wrong magic or
    /// version, wrong length, more than [`ThrottleConfig::MAX_TRACKED`] keys,
    /// keys not strictly ascending, a tracked key without failures, a
    /// deadline more than [`ThrottleConfig::MAX_DELAY`] after the snapshot
    /// or a failure after it.
    pub fn restore(
        bytes: &[u8],
        config: ThrottleConfig,
        secret: &[u8; 32],
        clock: ClockId,
    ) -> Result<Self, Error> {
        let bad = Error::MalformedSnapshot;
        let (header, rest) = bytes.split_at_checked(HEADER_LEN).ok_or(bad)?;
        let (magic, header) = header.split_at_checked(4).ok_or(bad)?;
        let (&version, header) = header.split_first().ok_or(bad)?;
        let (snap_clock, header) = header.split_at_checked(16).ok_or(bad)?;
        let (key_check, header) = header.split_at_checked(8).ok_or(bad)?;
        let (snap_now, count) = header.split_at_checked(8).ok_or(bad)?;
        if magic != SNAPSHOT_MAGIC || version != SNAPSHOT_VERSION {
            return Err(bad);
        }
        let snap_clock = ClockId(snap_clock.try_into().map_err(|_| bad)?);
        let snap_now_ms = read_u64(snap_now)?;
        let count = usize::try_from(read_u32(count)?).map_err(|_| bad)?;
        let (overflow, rest) = rest.split_at_checked(STATE_LEN).ok_or(bad)?;
        if count > ThrottleConfig::MAX_TRACKED || rest.len() != count * ENTRY_LEN {
            return Err(bad);
        }
        let mut throttle = Self::new(config, secret, clock);
        if key_check != throttle.key_check() {
            return Err(Error::SnapshotKeyMismatch);
        }
        let snap_now = Duration::from_millis(snap_now_ms);
        throttle.overflow = read_state(overflow, snap_now_ms)?;
        if throttle.overflow.failures == 0 && throttle.overflow != Entry::default() {
            return Err(bad);
        }

        let mut entries: Vec<(Fingerprint, Entry)> = Vec::with_capacity(count);
        let mut previous: Option<Fingerprint> = None;
        for chunk in rest.chunks_exact(ENTRY_LEN) {
            let (fp, state) = chunk.split_at_checked(16).ok_or(bad)?;
            let fp: Fingerprint = fp.try_into().map_err(|_| bad)?;
            if previous.is_some_and(|p| p >= fp) {
                return Err(bad);
            }
            previous = Some(fp);
            let entry = read_state(state, snap_now_ms)?;
            if entry.failures == 0 {
                return Err(bad);
            }
            entries.push((fp, entry));
        }
        if entries.len() > config.max_tracked {
            // Keep the most severe; fold the rest into the overflow bucket.
            entries.sort_by(|a, b| {
                (b.1.blocked_until, b.1.failures).cmp(&(a.1.blocked_until, a.1.failures))
            });
            for (_, dropped) in entries.drain(config.max_tracked..) {
                let o = &mut throttle.overflow;
                o.failures = o.failures.max(dropped.failures);
                o.blocked_until = o.blocked_until.max(dropped.blocked_until);
                o.last_failure = o.last_failure.max(dropped.last_failure);
            }
        }
        throttle.entries = entries.into_iter().collect();
        if snap_clock == clock {
            throttle.last_now = snap_now;
        } else {
            throttle.pending = Some((snap_clock, snap_now));
            throttle.from_another_clock = true;
        }
        Ok(throttle)
    }

    fn fingerprint(&self, namespace: u8, key: &[u8]) -> Fingerprint {
        // A 32-byte key and an empty salt and persona are always accepted.
        let Ok(mut mac) = Blake2bMac::<U16>::new_with_salt_and_personal(
            Some(&self.secret[..]),
            &[],
            b"iot-creds thrtl",
        ) else {
            return [0; 16];
        };
        mac.update(&[namespace]);
        mac.update(key);
        mac.finalize_fixed().into()
    }

    fn key_check(&self) -> [u8; 8] {
        let fp = self.fingerprint(NS_KEY_CHECK, b"key check");
        let mut out = [0; 8];
        out.copy_from_slice(fp.get(..8).unwrap_or(&[0; 8]));
        out
    }

    fn is_full(&self) -> bool {
        self.entries.len() >= self.config.max_tracked
    }

    /// What an untracked key starts from: the overflow bucket's state while
    /// it is in use, so that leaving the bucket forgives nothing.
    fn fresh_entry(&self, now: Duration) -> Entry {
        if self.overflow.failures > 0 && !self.overflow.is_idle(now, &self.config) {
            self.overflow
        } else {
            Entry::default()
        }
    }

    /// The remaining delay of `fp` at `now`, if any.
    fn wait(&self, fp: &Fingerprint, now: Duration) -> Option<Duration> {
        let entry = match self.entries.get(fp) {
            Some(entry) => *entry,
            None if self.is_full() && !self.has_idle(now) => self.overflow,
            None => self.fresh_entry(now),
        };
        entry
            .is_blocked(now)
            .then(|| entry.blocked_until.saturating_sub(now))
    }

    fn register_failure(&mut self, fp: Fingerprint, now: Duration) -> Slot {
        let config = self.config;
        if !self.entries.contains_key(&fp) {
            if self.is_full() && !self.evict_one_idle(now) {
                self.overflow.register_failure(now, &config);
                return Slot::Overflow;
            }
            let fresh = self.fresh_entry(now);
            self.entries.insert(fp, fresh);
        }
        if let Some(entry) = self.entries.get_mut(&fp) {
            entry.register_failure(now, &config);
        }
        Slot::Tracked(fp)
    }

    /// Clamps `now` to be monotonic and, right after a restore from another
    /// clock, moves the restored times onto the caller's clock.
    fn observe(&mut self, now: Duration) -> Duration {
        if let Some((_, snap_now)) = self.pending.take() {
            for entry in self
                .entries
                .values_mut()
                .chain(core::iter::once(&mut self.overflow))
                .filter(|e| e.failures > 0)
            {
                let remaining = entry
                    .blocked_until
                    .saturating_sub(snap_now)
                    .min(ThrottleConfig::MAX_DELAY);
                entry.blocked_until = now.saturating_add(remaining);
                // The idle time restarts: a reboot forgives nothing.
                entry.last_failure = now;
            }
            self.last_now = now;
        }
        self.last_now = self.last_now.max(now);
        self.last_now
    }

    fn has_idle(&self, now: Duration) -> bool {
        let config = self.config;
        self.entries.values().any(|e| e.is_idle(now, &config))
    }

    /// Drops one idle entry to make room; `false` if there is none.
    fn evict_one_idle(&mut self, now: Duration) -> bool {
        let config = self.config;
        let idle = self
            .entries
            .iter()
            .find(|(_, e)| e.is_idle(now, &config))
            .map(|(fp, _)| *fp);
        idle.is_some_and(|fp| self.entries.remove(&fp).is_some())
    }
}

impl fmt::Debug for Throttle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Throttle")
            .field("config", &self.config)
            .field("tracked_keys", &self.entries.len())
            .field("secret", &format_args!("[REDACTED]"))
            .finish_non_exhaustive()
    }
}

/// Milliseconds, rounded up, saturating.
fn millis_up(d: Duration) -> u64 {
    u64::try_from(d.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX)
}

/// Milliseconds, rounded down, saturating.
fn millis_down(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn write_state(out: &mut Vec<u8>, entry: &Entry) {
    out.extend_from_slice(&entry.failures.to_le_bytes());
    out.extend_from_slice(&millis_up(entry.blocked_until).to_le_bytes());
    out.extend_from_slice(&millis_down(entry.last_failure).to_le_bytes());
}

fn read_u32(bytes: &[u8]) -> Result<u32, Error> {
    let array: [u8; 4] = bytes.try_into().map_err(|_| Error::MalformedSnapshot)?;
    Ok(u32::from_le_bytes(array))
}

fn read_u64(bytes: &[u8]) -> Result<u64, Error> {
    let array: [u8; 8] = bytes.try_into().map_err(|_| Error::MalformedSnapshot)?;
    Ok(u64::from_le_bytes(array))
}

/// Reads `failures u32 | blocked_until_ms u64 | last_failure_ms u64` (little
/// endian), times on the clock of a snapshot taken at `snap_now_ms`.
fn read_state(bytes: &[u8], snap_now_ms: u64) -> Result<Entry, Error> {
    let bad = Error::MalformedSnapshot;
    let (failures, times) = bytes.split_at_checked(4).ok_or(bad)?;
    let (blocked, last) = times.split_at_checked(8).ok_or(bad)?;
    let failures = read_u32(failures)?;
    let blocked = read_u64(blocked)?;
    let last = read_u64(last)?;
    let max_delay_ms = millis_down(ThrottleConfig::MAX_DELAY);
    if blocked > snap_now_ms.saturating_add(max_delay_ms) || last > snap_now_ms {
        return Err(bad);
    }
    Ok(Entry {
        failures,
        blocked_until: Duration::from_millis(blocked),
        last_failure: Duration::from_millis(last),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_layout() {
        let clock = ClockId::new([9; 16]);
        let mut t = Throttle::new(
            ThrottleConfig::default().with_free_attempts(1),
            &[1; 32],
            clock,
        );
        drop(t.begin(b"k", Duration::from_millis(500)).unwrap());
        let s = t.snapshot();
        assert_eq!(s.len(), HEADER_LEN + STATE_LEN + ENTRY_LEN);
        assert_eq!(&s[..5], b"IOTT\x02");
        assert_eq!(&s[5..21], &[9; 16]);
        assert_eq!(&s[21..29], &t.key_check());
        assert_eq!(&s[29..37], &500u64.to_le_bytes()); // time of the snapshot
        assert_eq!(&s[37..41], &1u32.to_le_bytes());
        assert_eq!(&s[41..61], &[0; 20]); // empty overflow bucket
        assert_eq!(&s[61..77], &t.fingerprint(NS_KEY, b"k"));
        assert_eq!(&s[77..81], &1u32.to_le_bytes());
        assert_eq!(&s[81..89], &1500u64.to_le_bytes()); // deadline: 500 ms + 1 s
        assert_eq!(&s[89..97], &500u64.to_le_bytes()); // last failure
    }

    #[test]
    fn fingerprints_depend_on_the_secret_and_the_namespace() {
        let clock = ClockId::new([0; 16]);
        let a = Throttle::new(ThrottleConfig::default(), &[1; 32], clock);
        let b = Throttle::new(ThrottleConfig::default(), &[2; 32], clock);
        assert_ne!(
            a.fingerprint(NS_KEY, b"admin"),
            b.fingerprint(NS_KEY, b"admin")
        );
        assert_ne!(
            a.fingerprint(NS_KEY, b"admin"),
            a.fingerprint(NS_ACCOUNT, b"admin")
        );
    }

    #[cfg(feature = "std")]
    #[test]
    fn boot_ids_parse() {
        let id = ClockId::parse_uuid("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").unwrap();
        assert_eq!(id.as_bytes()[..3], [0x0f, 0x1e, 0x2d]);
        assert!(ClockId::parse_uuid("0f1e2d3c").is_none());
        assert!(ClockId::parse_uuid("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0ff").is_none());
        assert!(ClockId::parse_uuid("xx1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").is_none());
    }

    #[test]
    fn delays_double_and_saturate() {
        let c = ThrottleConfig::default();
        let secs = |n| c.delay_after(n).as_secs();
        assert_eq!(
            [secs(4), secs(5), secs(6), secs(7), secs(16)],
            [0, 1, 2, 4, 2048]
        );
        assert_eq!(secs(17), 3600);
        assert_eq!(secs(u32::MAX), 3600);
    }

    #[test]
    fn setters_clamp() {
        let c = ThrottleConfig::default()
            .with_free_attempts(1000)
            .with_delays(Duration::ZERO, Duration::from_secs(u64::MAX))
            .with_max_tracked(0);
        assert_eq!(c.free_attempts(), ThrottleConfig::MAX_FREE_ATTEMPTS);
        assert_eq!(
            c.delay_after(ThrottleConfig::MAX_FREE_ATTEMPTS),
            Duration::from_millis(1)
        );
        assert_eq!(c.delay_after(u32::MAX), ThrottleConfig::MAX_DELAY);
        assert_eq!(
            c.delays(),
            (Duration::from_millis(1), ThrottleConfig::MAX_DELAY)
        );
        assert_eq!(c.max_tracked(), 1);
        let c = c.with_forget_after(Duration::from_secs(1));
        assert_eq!(c.forget_after(), ThrottleConfig::MAX_DELAY);
        assert_eq!(c.with_free_attempts(0).free_attempts(), 1);
    }
}
