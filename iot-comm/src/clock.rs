//! The clock a policy checks certificates against, and its floor.
//!
//! Many devices have no battery-backed real-time clock: after a power cut
//! they boot in 1970 (or in 2000) until NTP, GNSS or a phone sets the time.
//! A certificate check at that moment fails with "not yet valid", which looks
//! like an attack or a broken certificate. Instead, every policy has a
//! *clock floor*: a time the real clock can never be before (by default
//! [`ClientPolicy::DEFAULT_CLOCK_FLOOR`](crate::ClientPolicy::DEFAULT_CLOCK_FLOOR);
//! better, your firmware's build time). A clock
//! reading before the floor gives [`Error::ClockBeforeFloor`], which tells
//! the program what to do: set the time first, then retry.
//!
//! We deliberately do *not* substitute the floor for the clock: that would
//! accept certificates that expired after the firmware was built. Checking
//! validity against a known-wrong clock is refused, not guessed around.

use core::time::Duration;
use std::sync::Arc;

use rustls::pki_types::UnixTime;
use rustls::time_provider::{DefaultTimeProvider, TimeProvider};

use crate::error::{Error, PolicyProblem, VerifyFailure};

/// The default clock floor: 2025-01-01T00:00:00Z, before this crate was
/// released. Public as `ClientPolicy::DEFAULT_CLOCK_FLOOR` and
/// `ServerPolicy::DEFAULT_CLOCK_FLOOR`.
pub(crate) const DEFAULT_CLOCK_FLOOR: UnixTime =
    UnixTime::since_unix_epoch(Duration::from_secs(1_735_689_600));

/// The latest clock floor `build()` accepts: 2100-01-01T00:00:00Z. A later
/// floor cannot be a real time (milliseconds passed as seconds give a year
/// in the tens of thousands) and would refuse every connection.
pub(crate) const LATEST_CLOCK_FLOOR: UnixTime =
    UnixTime::since_unix_epoch(Duration::from_secs(4_102_444_800));

/// A time source and the floor its readings must not be below.
#[derive(Debug, Clone)]
pub(crate) struct Clock {
    pub(crate) source: Arc<dyn TimeProvider>,
    pub(crate) floor: UnixTime,
    pub(crate) custom_source: bool,
}

impl Default for Clock {
    fn default() -> Self {
        Self {
            source: Arc::new(DefaultTimeProvider),
            floor: DEFAULT_CLOCK_FLOOR,
            custom_source: false,
        }
    }
}

impl Clock {
    pub(crate) fn set_source(&mut self, source: Arc<dyn TimeProvider>) {
        self.source = source;
        self.custom_source = true;
    }

    /// Refuses a floor after [`LATEST_CLOCK_FLOOR`]. A constant bound, never
    /// the current clock: a device without a real-time clock may build its
    /// policies before it knows the time.
    pub(crate) fn check_floor_plausible(&self) -> Result<(), Error> {
        if self.floor > LATEST_CLOCK_FLOOR {
            Err(Error::Policy(PolicyProblem::ClockFloorOutOfRange))
        } else {
            Ok(())
        }
    }

    /// The current time, if the clock can be read and is past the floor.
    pub(crate) fn now(&self) -> Result<UnixTime, Error> {
        let now = self.source.current_time().ok_or(Error::ClockUnavailable)?;
        check_floor(self.floor, now).map_err(|_| Error::ClockBeforeFloor)?;
        Ok(now)
    }
}

/// The check the verifiers run on the `now` rustls hands them.
pub(crate) fn check_floor(floor: UnixTime, now: UnixTime) -> Result<(), VerifyFailure> {
    if now < floor {
        Err(VerifyFailure::ClockBeforeFloor)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Fixed(Option<u64>);
    impl TimeProvider for Fixed {
        fn current_time(&self) -> Option<UnixTime> {
            self.0
                .map(|s| UnixTime::since_unix_epoch(Duration::from_secs(s)))
        }
    }

    fn clock(reading: Option<u64>) -> Clock {
        Clock {
            source: Arc::new(Fixed(reading)),
            floor: DEFAULT_CLOCK_FLOOR,
            custom_source: true,
        }
    }

    #[test]
    fn a_clock_in_1970_is_refused() {
        assert_eq!(clock(Some(0)).now(), Err(Error::ClockBeforeFloor));
    }

    #[test]
    fn a_missing_clock_is_reported() {
        assert_eq!(clock(None).now(), Err(Error::ClockUnavailable));
    }

    #[test]
    fn the_floor_itself_is_accepted() {
        let at_floor = DEFAULT_CLOCK_FLOOR.as_secs();
        assert_eq!(
            clock(Some(at_floor)).now().map(|t| t.as_secs()),
            Ok(at_floor)
        );
        assert!(clock(Some(at_floor - 1)).now().is_err());
    }

    #[test]
    fn the_system_clock_is_past_the_default_floor() {
        assert!(Clock::default().now().is_ok());
    }
}
