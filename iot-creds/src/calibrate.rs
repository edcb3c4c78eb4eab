//! Finding the Argon2id parameters a device can afford (`std` only).

use core::time::Duration;
use std::time::Instant;

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
    /// using at most `max_m_kib` KiB of memory and one lane. `max_m_kib` is
    /// raised to 8 KiB (Argon2's minimum for one lane) if it is below, and
    /// lowered to 256 MiB (the bound [`crate::verify_password`] accepts) if
    /// it is above.
    ///
    /// Memory is the costlier resource for an attacker's hardware, so the
    /// search spends as much of `max_m_kib` as it can and adds passes only
    /// when the full memory takes less than `target`; when even one pass over
    /// `max_m_kib` is too slow it reduces memory instead. Calibration runs a
    /// dozen or so hashes: expect it to take 10 to 20 × `target`. Run it once
    /// (at first boot or in the factory for each hardware revision) and store
    /// the result, rather than at every boot.
    ///
    /// The result may be below the floor of [`HashParams::new`] when the
    /// memory cap or the target is small; check
    /// [`meets_owasp_minimum`](Self::meets_owasp_minimum) if that matters to you.
    ///
    /// ```no_run
    /// use core::time::Duration;
    /// use iot_creds::HashParams;
    ///
    /// // Half a second per login, at most 64 MiB.
    /// let params = HashParams::calibrate(Duration::from_millis(500), 64 * 1024);
    /// assert!(params.m_kib() <= 64 * 1024);
    /// ```
    #[must_use]
    pub fn calibrate(target: Duration, max_m_kib: u32) -> HashParams {
        search(target, max_m_kib, measure)
    }
}

/// Median wall time of hashing a fixed password with `params`.
fn measure(params: HashParams) -> Duration {
    let hasher = PasswordHasher::new(params);
    let salt = [0x5a; HashParams::SALT_BYTES];
    let mut runs = [Duration::ZERO; RUNS_PER_MEASUREMENT];
    for run in &mut runs {
        let start = Instant::now();
        // Parameters come from `search`, which keeps them valid and within
        // the default cost limit; a failure would only shorten the run.
        let _ = hasher.hash_with_salt(b"calibration password", &salt);
        *run = start.elapsed();
    }
    runs.sort_unstable();
    runs.get(RUNS_PER_MEASUREMENT / 2)
        .copied()
        .unwrap_or(Duration::ZERO)
}

/// The search, separate from the clock so that its logic can be tested with a
/// model of the device.
///
/// Argon2's time is close to proportional to the work `m × t`, so each
/// measurement refreshes an estimate of seconds per KiB-pass; the next
/// candidate uses the largest memory up to the cap and the fewest passes that
/// reach the work the estimate asks for.
pub(crate) fn search(
    target: Duration,
    max_m_kib: u32,
    mut measure: impl FnMut(HashParams) -> Duration,
) -> HashParams {
    let cap = max_m_kib.clamp(MIN_M, crate::hash::DEFAULT_MAX_M_KIB);
    let target_s = target.as_secs_f64().max(1e-3);
    let mut candidate = params(cap, 1);
    let mut best = candidate;
    let mut best_error = f64::INFINITY;
    for _ in 0..MAX_ROUNDS {
        let took = measure(candidate).as_secs_f64().max(1e-9);
        let error = (took / target_s - 1.0).abs();
        if error < best_error {
            best = candidate;
            best_error = error;
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
    best
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
    fn model(ns_per_kib_pass: f64, overhead_us: f64) -> impl FnMut(HashParams) -> Duration {
        move |p| {
            let work = f64::from(p.m_kib()) * f64::from(p.t());
            Duration::from_secs_f64(work * ns_per_kib_pass * 1e-9 + overhead_us * 1e-6)
        }
    }

    fn within(p: HashParams, mut m: impl FnMut(HashParams) -> Duration, target: Duration) -> bool {
        let took = m(p).as_secs_f64();
        (took / target.as_secs_f64() - 1.0).abs() <= 0.25
    }

    #[test]
    fn fast_device_gets_full_memory_and_more_passes() {
        // 1 µs per KiB-pass: one pass over 64 MiB takes 66 ms.
        let target = Duration::from_millis(500);
        let p = search(target, 64 * 1024, model(1000.0, 200.0));
        assert!(p.m_kib() > 56 * 1024, "{p}");
        assert!(p.t() >= 7, "{p}");
        assert!(within(p, model(1000.0, 200.0), target), "{p}");
    }

    #[test]
    fn slow_device_gets_less_memory() {
        // 20 µs per KiB-pass: one pass over 256 MiB takes 5 s.
        let target = Duration::from_millis(250);
        let p = search(target, 256 * 1024, model(20_000.0, 1000.0));
        assert_eq!(p.t(), 1);
        assert!(p.m_kib() < 256 * 1024);
        assert!(within(p, model(20_000.0, 1000.0), target), "{p}");
    }

    #[test]
    fn tiny_memory_cap_is_respected() {
        let p = search(Duration::from_millis(100), 64, model(5.0, 10.0));
        assert!(p.m_kib() <= 64);
        assert_eq!(p.t(), MAX_PASSES); // the best it can do
    }
}
