//! The clock metadata expiry is checked against, and its floor.
//!
//! Expiry is always checked. Many devices have no battery-backed real-time
//! clock and boot in 1970 until NTP, GNSS or a phone sets the time; against
//! such a clock every metadata file looks valid for decades, which would
//! turn a freeze attack into a silent success. As in `iot-comm`, a clock
//! reading earlier than the *clock floor* is refused with
//! [`Error::ClockBeforeFloor`](crate::Error::ClockBeforeFloor): set the
//! time, then retry. The floor is never substituted for the clock.

use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time, in seconds since the Unix epoch.
pub trait Clock: Send + Sync {
    /// The current time, or `None` when it cannot be read.
    fn now_unix(&self) -> Option<i64>;
}

/// The operating system's clock ([`SystemTime`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> Option<i64> {
        let since = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
        i64::try_from(since.as_secs()).ok()
    }
}

/// A clock that always reads the same time (tests, replays).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now_unix(&self) -> Option<i64> {
        Some(self.0)
    }
}
