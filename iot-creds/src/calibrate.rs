//! Finding the Argon2id parameters a device can afford (`std` only).

use core::time::Duration;
use std::time::Instant;

use crate::error::Error;
use crate::hash::{HashParams, PasswordHasher};

/// Attempts the search makes to land within ±10 % of the target before it
/// settles for the best parameters measured.
const MAX_ROUNDS: usize = 6;

/// The search stops once a measurement is this close to the target.
const GOOD_ENOUGH: f64 = 0.10;

/// Runs per measurement; the median is used, so one preempted run does not
/// skew the result.
const RUNS_PER_MEASUREMENT: usize = 3;

impl HashParams {
    /// Measures Argon2id on the running device and returns parameters whose
    /// hash takes about `target` (within ±25 % on an otherwise idle device),
    /// using at most `max_m_kib` KiB of memory and one lane, and never below
    /// the floor of [`HashParams::new`]. `max_m_kib` is lowered to 256 MiB
    /// (the bound [`crate::verify_password`] accepts) if it is above.
    ///
    /// Memory is the costlier resource for an attacker's hardware, so the
    /// search spends as much of `max_m_kib` as it can and adds passes only
    /// when the full memory takes less than `target`; when even one pass over
    /// `max_m_kib` is too slow it reduces memory instead. When hashing fails
    /// (the memory cannot be allocated), it halves the memory and goes on:
    /// **the parameters returned have hashed successfully on this device.**
    /// When the best match of `target` is below the floor, the cheapest
    /// parameters at the floor that hash successfully are returned instead
    /// (slower than `target`); going lower is
    /// [`insecure_calibrate_low_cost`](Self::insecure_calibrate_low_cost).
    ///
    /// Calibration runs a dozen or so hashes: expect it to take 10 to 20 ×
    /// `target`. Run it once (at first boot or in the factory for each
    /// hardware revision) and store the result, rather than at every boot.
    ///
    /// ```no_run
    /// use core::time::Duration;
    /// use iot_creds::HashParams;
    ///
    /// // Half a second per login, at most 64 MiB.
    /// let params = HashParams::calibrate(Duration::from_millis(500), 64 * 1024)?;
    /// assert!(params.m_kib() <= 64 * 1024);
    /// assert!(params.meets_owasp_minimum());
    /// # Ok::<(), iot_creds::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameters`] when `max_m_kib` is below
    /// [`HashParams::MIN_M_KIB`]; [`Error::HashingFailed`] when not even the
    /// floor's parameters can be hashed (the device lacks the memory).
    pub fn calibrate(target: Duration, max_m_kib: u32) -> Result<HashParams, Error> {
        calibrate_with(target, max_m_kib, measure)
    }

    /// As [`calibrate`](Self::calibrate), but the result may be below the
    /// floor of [`HashParams::new`] when the memory cap or the target is
    /// small (down to 8 KiB and one pass).
    ///
    /// **Insecure** below the floor, as [`insecure_low_cost`](Self::insecure_low_cost).
    ///
    /// # Errors
    ///
    /// [`Error::HashingFailed`] when nothing can be hashed at all.
    pub fn insecure_calibrate_low_cost(
        target: Duration,
        max_m_kib: u32,
    ) -> Result<HashParams, Error> {
        search(target, max_m_kib, measure).map(|(best, _)| best)
    }
}

/// Median wall time of hashing a fixed password with `params`, or the
/// hashing error (memory that cannot be allocated).
fn measure(params: HashParams) -> Result<Duration, Error> {
    let hasher = PasswordHasher::new(params);
    let salt = [0x5a; HashParams::SALT_BYTES];
    let mut runs = [Duration::ZERO; RUNS_PER_MEASUREMENT];
    for run in &mut runs {
        let start = Instant::now();
        hasher.hash_with_salt(b"calibration password", &salt)?;
        *run = start.elapsed();
    }
    runs.sort_unstable();
    Ok(runs
        .get(RUNS_PER_MEASUREMENT / 2)
        .copied()
        .unwrap_or(Duration::ZERO))
}

/// `calibrate` with the clock as a parameter: the search, then the floor.
pub(crate) fn calibrate_with(
    target: Duration,
    max_m_kib: u32,
    mut measure: impl FnMut(HashParams) -> Result<Duration, Error>,
) -> Result<HashParams, Error> {
    if max_m_kib < HashParams::MIN_M_KIB {
        return Err(Error::InvalidParameters);
    }
    let (best, cap) = search(target, max_m_kib, &mut measure)?;
    if best.meets_owasp_minimum() {
        return Ok(best);
    }
    // The least work at the floor: as much memory as one pass needs (up to
    // what hashed), more passes below that; halve the memory on failure.
    let floor_work = HashParams::MIN_WORK_KIB_PASSES;
    let mut m = u32::try_from(floor_work)
        .unwrap_or(u32::MAX)
        .min(cap)
        .max(HashParams::MIN_M_KIB);
    loop {
        let t = u32::try_from(floor_work.div_ceil(u64::from(m))).unwrap_or(MAX_PASSES);
        let candidate = HashParams::new(m, t, 1)?;
        if measure(candidate).is_ok() {
            return Ok(candidate);
        }
        if m == HashParams::MIN_M_KIB {
            return Err(Error::HashingFailed);
        }
        m = (m / 2).max(HashParams::MIN_M_KIB);
    }
}

/// The search, separate from the clock so that its logic can be tested with a
/// model of the device. Returns the best parameters that hashed and the
/// memory cap that remained after failures.
///
/// Argon2's time is close to proportional to the work `m × t`, so each
/// measurement refreshes an estimate of seconds per KiB-pass; the next
/// candidate uses the largest memory up to the cap and the fewest passes that
/// reach the work the estimate asks for. A candidate that fails to hash
/// halves the cap.
pub(crate) fn search(
    target: Duration,
    max_m_kib: u32,
    mut measure: impl FnMut(HashParams) -> Result<Duration, Error>,
) -> Result<(HashParams, u32), Error> {
    let mut cap = max_m_kib.clamp(MIN_M, crate::hash::DEFAULT_MAX_M_KIB);
    let target_s = target.as_secs_f64().max(1e-3);
    let mut candidate = params(cap, 1);
    let mut best: Option<(HashParams, f64)> = None;
    let mut rounds = 0;
    while rounds < MAX_ROUNDS {
        let Ok(took) = measure(candidate) else {
            // Not even this memory can be allocated: halve it and retry.
            if candidate.m_kib() <= MIN_M {
                break;
            }
            cap = (candidate.m_kib() / 2).max(MIN_M);
            best = best.filter(|(p, _)| p.m_kib() <= cap);
            candidate = params(cap, candidate.t());
            continue;
        };
        rounds += 1;
        let took = took.as_secs_f64().max(1e-9);
        let error = (took / target_s - 1.0).abs();
        if best.is_none_or(|(_, e)| error < e) {
            best = Some((candidate, error));
        }
        if error <= GOOD_ENOUGH {
            break;
        }
        let work = f64::from(candidate.m_kib()) * f64::from(candidate.t());
        let wanted_work = work * target_s / took;
        let next = for_work(wanted_work, cap);
        if next == candidate {
            break;
        }
        candidate = next;
    }
    best.map(|(p, _)| (p, cap)).ok_or(Error::HashingFailed)
}

/// Lowest memory Argon2 accepts with one lane.
const MIN_M: u32 = 8;

/// Most passes calibration will choose (within the default cost limit).
const MAX_PASSES: u32 = 16;

fn params(m_kib: u32, t: u32) -> HashParams {
    // Callers keep 8 <= m_kib and 1 <= t <= 16, which are always valid.
    HashParams::insecure_low_cost(m_kib, t, 1).unwrap_or_default()
}

/// Parameters doing about `work` KiB-passes: full memory, fewest passes.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // clamped first
fn for_work(work: f64, cap: u32) -> HashParams {
    let cap_f = f64::from(cap);
    let t = (work / cap_f).ceil().clamp(1.0, f64::from(MAX_PASSES)) as u32;
    let m = (work / f64::from(t)).round().clamp(f64::from(MIN_M), cap_f) as u32;
    params(m, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A device model: a fixed overhead plus time proportional to the work.
    fn model(
        ns_per_kib_pass: f64,
        overhead_us: f64,
    ) -> impl FnMut(HashParams) -> Result<Duration, Error> {
        move |p| {
            let work = f64::from(p.m_kib()) * f64::from(p.t());
            Ok(Duration::from_secs_f64(
                work * ns_per_kib_pass * 1e-9 + overhead_us * 1e-6,
            ))
        }
    }

    fn within(
        p: HashParams,
        mut m: impl FnMut(HashParams) -> Result<Duration, Error>,
        target: Duration,
    ) -> bool {
        let took = m(p).unwrap().as_secs_f64();
        (took / target.as_secs_f64() - 1.0).abs() <= 0.25
    }

    #[test]
    fn fast_device_gets_full_memory_and_more_passes() {
        // 1 µs per KiB-pass: one pass over 64 MiB takes 66 ms.
        let target = Duration::from_millis(500);
        let (p, _) = search(target, 64 * 1024, model(1000.0, 200.0)).unwrap();
        assert!(p.m_kib() > 56 * 1024, "{p}");
        assert!(p.t() >= 7, "{p}");
        assert!(within(p, model(1000.0, 200.0), target), "{p}");
    }

    #[test]
    fn slow_device_gets_less_memory() {
        // 20 µs per KiB-pass: one pass over 256 MiB takes 5 s.
        let target = Duration::from_millis(250);
        let (p, _) = search(target, 256 * 1024, model(20_000.0, 1000.0)).unwrap();
        assert_eq!(p.t(), 1);
        assert!(p.m_kib() < 256 * 1024);
        assert!(within(p, model(20_000.0, 1000.0), target), "{p}");
    }

    #[test]
    fn tiny_memory_cap_is_respected() {
        let (p, _) = search(Duration::from_millis(100), 64, model(5.0, 10.0)).unwrap();
        assert!(p.m_kib() <= 64);
        assert_eq!(p.t(), MAX_PASSES); // the best it can do
    }

    /// C5: a device that cannot allocate more than 40 MiB: every candidate
    /// above fails at once (which 0.1 read as "far too fast" and returned).
    #[test]
    fn memory_that_cannot_be_allocated_is_never_returned() {
        let mut tried_after_failure = false;
        let mut fast = model(10.0, 10.0);
        let device = |p: HashParams| {
            if p.m_kib() > 40 * 1024 {
                tried_after_failure = true;
                Err(Error::HashingFailed)
            } else {
                fast(p)
            }
        };
        let p = calibrate_with(Duration::from_millis(200), 256 * 1024, device).unwrap();
        assert!(tried_after_failure);
        assert!(p.m_kib() <= 40 * 1024, "{p}");
        assert!(p.meets_owasp_minimum(), "{p}");
        // Nothing hashes at all: an error, not parameters.
        let nothing = |_: HashParams| Err(Error::HashingFailed);
        assert_eq!(
            calibrate_with(Duration::from_millis(200), 256 * 1024, nothing),
            Err(Error::HashingFailed)
        );
    }

    /// C13: a tiny target is raised to the floor, never below it.
    #[test]
    fn calibrate_never_goes_below_the_floor() {
        let p = calibrate_with(Duration::from_millis(1), 64 * 1024, model(1000.0, 10.0)).unwrap();
        assert!(p.meets_owasp_minimum(), "{p}");
        assert_eq!(
            calibrate_with(Duration::from_millis(100), 1024, model(5.0, 10.0)),
            Err(Error::InvalidParameters)
        );
    }
}
