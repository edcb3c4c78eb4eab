//! Brute-force throttling that a reboot cannot reset (EN 303 645 5.1-5).
//!
//! # Design
//!
//! - Keys (an account name, a source address, both joined…) are stored as
//!   16-byte BLAKE2b fingerprints: memory per key is fixed, and neither the
//!   table nor its snapshot holds user names or addresses.
//! - Memory is bounded by [`ThrottleConfig::with_max_tracked`]. When the
//!   table is full, keys it does not know share one overflow bucket. Nothing
//!   that is throttled is ever evicted: flooding the table with new keys
//!   cannot reset an attacker's own counter, it only throttles the flood.
//!   Entries idle for [`ThrottleConfig::with_forget_after`] (and not
//!   throttled) make room for new keys.
//! - Time is whatever monotonic clock the caller has, as a [`Duration`] since
//!   an arbitrary origin (boot, usually). A clock that goes backwards never
//!   shortens a delay.
//! - [`Throttle::snapshot`] stores *remaining* delays, not instants, because
//!   the monotonic clock restarts at boot. After [`Throttle::restore`] the
//!   delays run again from the first call that passes the new clock's time.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use blake2::{Blake2b128, Digest};

use crate::error::Error;

const SNAPSHOT_MAGIC: &[u8; 4] = b"IOTT";
const SNAPSHOT_VERSION: u8 = 1;
const HEADER_LEN: usize = 4 + 1 + 4 + 8;
const ENTRY_LEN: usize = 16 + 4 + 4;

/// How the [`Throttle`] counts and delays.
///
/// Defaults: 5 free failures per key, then 1 s doubling to 1 h; 1,024 keys
/// tracked; idle keys forgotten after 24 h. Setters clamp to safe ranges
/// (documented on each) rather than fail, so a configuration is always usable.
///
/// ```
/// use core::time::Duration;
/// use iot_creds::ThrottleConfig;
///
/// let config = ThrottleConfig::default()
///     .with_free_attempts(3)
///     .with_delays(Duration::from_secs(2), Duration::from_secs(600));
/// assert_eq!(config.delay_after(3), Duration::ZERO);
/// assert_eq!(config.delay_after(4), Duration::from_secs(2));
/// assert_eq!(config.delay_after(5), Duration::from_secs(4));
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

    /// Most failures free of delay a configuration can allow.
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

    /// Failures per key before delays start (at most
    /// [`Self::MAX_FREE_ATTEMPTS`]).
    #[must_use]
    pub fn with_free_attempts(mut self, failures: u32) -> Self {
        self.free_attempts = failures.min(Self::MAX_FREE_ATTEMPTS);
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

    /// Failures free of delay.
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

    /// The delay imposed after the given number of consecutive failures.
    #[must_use]
    pub fn delay_after(&self, failures: u32) -> Duration {
        if failures <= self.free_attempts {
            return Duration::ZERO;
        }
        let doublings = failures - self.free_attempts - 1;
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

fn fingerprint(key: &[u8]) -> Fingerprint {
    Blake2b128::digest(key).into()
}

/// Per-key brute-force throttling with bounded memory.
///
/// Call [`check`](Self::check) before verifying a password, then
/// [`record_failure`](Self::record_failure) or
/// [`record_success`](Self::record_success). Persist
/// [`snapshot`](Self::snapshot) after failures (sealed, for example in
/// `iot-storage`) and [`restore`](Self::restore) it at boot.
///
/// ```
/// use core::time::Duration;
/// use iot_creds::{Throttle, ThrottleConfig};
///
/// let mut throttle = Throttle::new(ThrottleConfig::default());
/// let t = Duration::from_secs(100); // the device's monotonic clock
/// for _ in 0..5 {
///     assert!(throttle.check(b"admin", t).is_ok());
///     throttle.record_failure(b"admin", t);
/// }
/// throttle.record_failure(b"admin", t); // the sixth failure costs 1 s
/// let refused = throttle.check(b"admin", t).unwrap_err();
/// assert_eq!(refused.duration(), Duration::from_secs(1));
/// assert!(throttle.check(b"admin", t + Duration::from_secs(1)).is_ok());
///
/// // A reboot: the delay survives, counted from the new clock's first reading.
/// let saved = throttle.snapshot();
/// let mut after_boot = Throttle::restore(&saved, ThrottleConfig::default())?;
/// after_boot.record_failure(b"admin", Duration::from_secs(3));
/// assert_eq!(
///     after_boot.check(b"admin", Duration::from_secs(3)).unwrap_err().duration(),
///     Duration::from_secs(2)
/// );
/// # Ok::<(), iot_creds::Error>(())
/// ```
#[derive(Clone)]
pub struct Throttle {
    config: ThrottleConfig,
    entries: BTreeMap<Fingerprint, Entry>,
    overflow: Entry,
    /// The latest time seen; times are clamped to it, so they never go back.
    last_now: Duration,
    /// Set by `restore`: stored times are relative to the first observation.
    rebase_pending: bool,
}

impl Throttle {
    /// An empty throttle.
    #[must_use]
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            config,
            entries: BTreeMap::new(),
            overflow: Entry::default(),
            last_now: Duration::ZERO,
            rebase_pending: false,
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

    /// Whether `key` may attempt a login at `now` (a monotonic clock reading).
    ///
    /// Here and in [`record_failure`](Self::record_failure), pass the clock's
    /// real reading, never a sentinel for a failed read: times never go back
    /// and delays saturate at [`Duration::MAX`], so one reading at or near
    /// `Duration::MAX` would end every delay for good. Nothing panics or
    /// overflows.
    ///
    /// # Errors
    ///
    /// [`RetryAfter`] while the key (or, when the table is full and the key
    /// unknown, the shared overflow bucket) is delayed.
    pub fn check(&mut self, key: &[u8], now: Duration) -> Result<(), RetryAfter> {
        let now = self.observe(now);
        let fp = fingerprint(key);
        let entry = match self.entries.get(&fp) {
            Some(entry) => entry,
            None if self.is_full() => &self.overflow,
            None => return Ok(()),
        };
        if entry.is_blocked(now) {
            Err(RetryAfter(entry.blocked_until.saturating_sub(now)))
        } else {
            Ok(())
        }
    }

    /// Counts a failed attempt of `key` at `now`.
    pub fn record_failure(&mut self, key: &[u8], now: Duration) {
        let now = self.observe(now);
        let fp = fingerprint(key);
        let config = self.config;
        if !self.entries.contains_key(&fp) && self.is_full() && !self.evict_one_idle(now) {
            self.overflow.register_failure(now, &config);
            return;
        }
        self.entries
            .entry(fp)
            .or_default()
            .register_failure(now, &config);
    }

    /// Forgets the failures of `key` after a successful login.
    ///
    /// The shared overflow bucket is not reset: otherwise one valid login
    /// would reset the count of every unknown key guessing alongside it.
    pub fn record_success(&mut self, key: &[u8]) {
        self.entries.remove(&fingerprint(key));
    }

    /// The state as compact bytes (17 + 24 per tracked key), holding
    /// remaining delays rather than instants so that it stays valid across a
    /// reboot. Remaining delays are rounded up to the millisecond and measured
    /// from the latest time this throttle has seen.
    #[must_use]
    pub fn snapshot(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + ENTRY_LEN * self.entries.len());
        out.extend_from_slice(SNAPSHOT_MAGIC);
        out.push(SNAPSHOT_VERSION);
        let count = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&count.to_le_bytes());
        self.write_state(&mut out, &self.overflow);
        for (fp, entry) in &self.entries {
            out.extend_from_slice(fp);
            self.write_state(&mut out, entry);
        }
        out
    }

    /// A throttle from [`snapshot`](Self::snapshot) bytes.
    ///
    /// Remaining delays run again from the first [`check`](Self::check) or
    /// [`record_failure`](Self::record_failure) call (whose `now` becomes the
    /// new origin). If `config` tracks fewer keys than the snapshot holds, the
    /// keys with the longest delays are kept and the others merge into the
    /// overflow bucket, which takes the worst of their counts and delays:
    /// nothing is forgiven.
    ///
    /// # Errors
    ///
    /// [`Error::MalformedSnapshot`] for anything but the exact bytes
    /// `snapshot` writes: wrong magic or version, wrong length, more than
    /// [`ThrottleConfig::MAX_TRACKED`] keys, keys not strictly ascending, a
    /// tracked key without failures, or a delay above
    /// [`ThrottleConfig::MAX_DELAY`].
    pub fn restore(bytes: &[u8], config: ThrottleConfig) -> Result<Self, Error> {
        let bad = Error::MalformedSnapshot;
        let (header, rest) = bytes.split_at_checked(HEADER_LEN).ok_or(bad)?;
        let (magic, header) = header.split_at_checked(4).ok_or(bad)?;
        let (&version, header) = header.split_first().ok_or(bad)?;
        let (count, overflow) = header.split_at_checked(4).ok_or(bad)?;
        if magic != SNAPSHOT_MAGIC || version != SNAPSHOT_VERSION {
            return Err(bad);
        }
        let count = usize::try_from(read_u32(count)?).map_err(|_| bad)?;
        if count > ThrottleConfig::MAX_TRACKED || rest.len() != count * ENTRY_LEN {
            return Err(bad);
        }
        let mut throttle = Self::new(config);
        throttle.rebase_pending = true;
        throttle.overflow = read_state(overflow)?;

        let mut entries: Vec<(Fingerprint, Entry)> = Vec::with_capacity(count);
        let mut previous: Option<Fingerprint> = None;
        for chunk in rest.chunks_exact(ENTRY_LEN) {
            let (fp, state) = chunk.split_at_checked(16).ok_or(bad)?;
            let fp: Fingerprint = fp.try_into().map_err(|_| bad)?;
            if previous.is_some_and(|p| p >= fp) {
                return Err(bad);
            }
            previous = Some(fp);
            let entry = read_state(state)?;
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
            }
        }
        throttle.entries = entries.into_iter().collect();
        Ok(throttle)
    }

    fn is_full(&self) -> bool {
        self.entries.len() >= self.config.max_tracked
    }

    /// Clamps `now` to be monotonic and, right after a restore, moves the
    /// restored relative times onto the caller's clock.
    fn observe(&mut self, now: Duration) -> Duration {
        if self.rebase_pending {
            self.rebase_pending = false;
            self.last_now = now;
            for entry in self
                .entries
                .values_mut()
                .chain(core::iter::once(&mut self.overflow))
            {
                entry.blocked_until = entry.blocked_until.saturating_add(now);
                entry.last_failure = entry.last_failure.saturating_add(now);
            }
        }
        self.last_now = self.last_now.max(now);
        self.last_now
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

    fn write_state(&self, out: &mut Vec<u8>, entry: &Entry) {
        let remaining = entry
            .blocked_until
            .saturating_sub(self.last_now)
            .min(ThrottleConfig::MAX_DELAY);
        let millis = remaining.as_nanos().div_ceil(1_000_000);
        let millis = u32::try_from(millis).unwrap_or(u32::MAX);
        out.extend_from_slice(&entry.failures.to_le_bytes());
        out.extend_from_slice(&millis.to_le_bytes());
    }
}

impl fmt::Debug for Throttle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Throttle")
            .field("config", &self.config)
            .field("tracked_keys", &self.entries.len())
            .finish_non_exhaustive()
    }
}

fn read_u32(bytes: &[u8]) -> Result<u32, Error> {
    let array: [u8; 4] = bytes.try_into().map_err(|_| Error::MalformedSnapshot)?;
    Ok(u32::from_le_bytes(array))
}

/// Reads `failures u32 | remaining_ms u32` (little endian).
fn read_state(bytes: &[u8]) -> Result<Entry, Error> {
    let (failures, millis) = bytes.split_at_checked(4).ok_or(Error::MalformedSnapshot)?;
    let failures = read_u32(failures)?;
    let remaining = Duration::from_millis(u64::from(read_u32(millis)?));
    if remaining > ThrottleConfig::MAX_DELAY {
        return Err(Error::MalformedSnapshot);
    }
    Ok(Entry {
        failures,
        blocked_until: remaining,
        last_failure: Duration::ZERO,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_layout() {
        let mut t = Throttle::new(ThrottleConfig::default().with_free_attempts(0));
        t.record_failure(b"k", Duration::from_millis(500));
        let s = t.snapshot();
        assert_eq!(s.len(), HEADER_LEN + ENTRY_LEN);
        assert_eq!(&s[..5], b"IOTT\x01");
        assert_eq!(&s[5..9], &1u32.to_le_bytes());
        assert_eq!(&s[9..17], &[0; 8]); // empty overflow bucket
        assert_eq!(&s[17..33], &fingerprint(b"k"));
        assert_eq!(&s[33..37], &1u32.to_le_bytes());
        assert_eq!(&s[37..41], &1000u32.to_le_bytes());
    }

    #[test]
    fn delays_double_and_saturate() {
        let c = ThrottleConfig::default();
        let secs = |n| c.delay_after(n).as_secs();
        assert_eq!(
            [secs(5), secs(6), secs(7), secs(8), secs(17)],
            [0, 1, 2, 4, 2048]
        );
        assert_eq!(secs(18), 3600);
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
            c.delay_after(ThrottleConfig::MAX_FREE_ATTEMPTS + 1),
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
    }
}
