//! Timestamps (RFC 3339 §5.6 `date-time`).

use core::fmt;

use nom::Parser;
use nom::bytes::complete::{take_while, take_while_m_n};
use nom::character::complete::{char, one_of};

use crate::grammar::{PResult, cut_fail, non_empty, parse_all};
use crate::{Error, ErrorKind};

/// How the offset was written, so `Display` gives it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Offset {
    /// `Z`.
    Utc,
    /// `+HH:MM` or `-HH:MM`, in minutes east of UTC; `negative_zero` for
    /// `-00:00` ("UTC, local offset unknown", RFC 3339 §4.3).
    Minutes { minutes: i16, negative_zero: bool },
}

/// An instant written as an RFC 3339 `date-time`.
///
/// Accepts exactly `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`: dates that
/// exist in the proleptic Gregorian calendar (leap years included), `T` or
/// `t`, `Z` or `z`, any number of fraction digits (the whole text is at most
/// [`Timestamp::MAX_LEN`] bytes; precision beyond nanoseconds is dropped),
/// offsets with hours 00–23 and minutes 00–59, and second `60` only where
/// the time in UTC is 23:59:60 on the last day of a month (a leap second,
/// RFC 3339 §5.7; which months actually had one is not checked). Rejects a
/// space instead of `T`, missing seconds or offset, and anything before or
/// after.
///
/// `Display` writes `T` and `Z` in upper case and the fraction to
/// nanoseconds without trailing zeros.
///
/// Equality, order and `Hash` are by instant, to the nanosecond:
/// `2024-01-01T00:00:00Z == 2024-01-01T01:00:00+01:00`, and a leap second
/// lies between `23:59:59.999999999` and the next midnight. Two equal
/// timestamps may still display differently (their offsets), and digits
/// beyond nanoseconds do not count (`…00.0000000001Z == …00Z`).
///
/// ```
/// use iot_input::{ErrorKind, Timestamp};
///
/// let t = Timestamp::parse("2024-02-29T23:59:60.5+00:00")?;
/// assert_eq!(t.unix_timestamp(), 1_709_251_199);
/// assert!(t.is_leap_second());
/// assert_eq!(Timestamp::parse("1985-04-12t23:20:50.52z")?.to_string(), "1985-04-12T23:20:50.52Z");
///
/// assert_eq!(Timestamp::parse("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(Timestamp::parse("2023-02-29T00:00:00Z").unwrap_err().kind(), ErrorKind::InvalidDate);
/// assert_eq!(Timestamp::parse("2024-01-01 00:00:00Z").unwrap_err().kind(), ErrorKind::InvalidSyntax);
/// assert_eq!(Timestamp::parse("2024-01-01T12:00:60Z").unwrap_err().kind(), ErrorKind::InvalidDate);
/// # Ok::<(), iot_input::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Timestamp {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanosecond: u32,
    offset: Offset,
}

impl Timestamp {
    /// The longest accepted text in bytes (a fraction of up to 35 digits).
    pub const MAX_LEN: usize = 64;

    /// Validates `input` as an RFC 3339 `date-time`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`], [`ErrorKind::TooLong`],
    /// [`ErrorKind::InvalidSyntax`], [`ErrorKind::UnexpectedEnd`],
    /// [`ErrorKind::InvalidDate`] or [`ErrorKind::TrailingInput`].
    pub fn parse(input: &str) -> Result<Self, Error> {
        let bytes = input.as_bytes();
        non_empty(bytes)?;
        crate::grammar::at_most(bytes, Self::MAX_LEN)?;
        parse_all(bytes, ErrorKind::TrailingInput, date_time)
    }

    /// The year (0–9999) of the local date.
    pub const fn year(&self) -> u16 {
        self.year
    }

    /// The month (1–12) of the local date.
    pub const fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month (1–31) of the local date.
    pub const fn day(&self) -> u8 {
        self.day
    }

    /// The local hour (0–23).
    pub const fn hour(&self) -> u8 {
        self.hour
    }

    /// The local minute (0–59).
    pub const fn minute(&self) -> u8 {
        self.minute
    }

    /// The second (0–60; 60 only for a leap second).
    pub const fn second(&self) -> u8 {
        self.second
    }

    /// The fraction of the second in nanoseconds (truncated).
    pub const fn nanosecond(&self) -> u32 {
        self.nanosecond
    }

    /// The offset from UTC in minutes (east positive; `Z` and `-00:00` are 0).
    pub const fn offset_minutes(&self) -> i16 {
        match self.offset {
            Offset::Utc => 0,
            Offset::Minutes { minutes, .. } => minutes,
        }
    }

    /// Is this a leap second (23:59:60 UTC at the end of a month)?
    pub const fn is_leap_second(&self) -> bool {
        self.second == 60
    }

    /// Seconds since 1970-01-01T00:00:00Z. A leap second counts as the
    /// second before it (23:59:59), as POSIX time does.
    pub fn unix_timestamp(&self) -> i64 {
        let days = days_from_civil(i64::from(self.year), self.month, self.day);
        let second = i64::from(self.second.min(59));
        days * 86_400 + i64::from(self.hour) * 3_600 + i64::from(self.minute) * 60 + second
            - i64::from(self.offset_minutes()) * 60
    }
}

impl Timestamp {
    /// The instant, for comparison: POSIX seconds, then whether it is the
    /// leap second (which POSIX counts as the second before it), then the
    /// nanoseconds.
    fn instant(&self) -> (i64, bool, u32) {
        (
            self.unix_timestamp(),
            self.is_leap_second(),
            self.nanosecond,
        )
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.instant() == other.instant()
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By instant (see [`Timestamp`]).
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.instant().cmp(&other.instant())
    }
}

impl core::hash::Hash for Timestamp {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.instant().hash(state);
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard
/// Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const fn is_leap_year(year: u16) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Exactly `n` ASCII digits as a number.
fn digits(n: usize) -> impl Fn(&[u8]) -> PResult<'_, u16> {
    move |input| {
        let (rest, d) = take_while_m_n(n, n, |b: u8| b.is_ascii_digit()).parse(input)?;
        Ok((
            rest,
            d.iter()
                .fold(0u16, |acc, &b| acc * 10 + u16::from(b - b'0')),
        ))
    }
}

/// `digits(2)` within `0..=max`, else [`ErrorKind::InvalidDate`].
fn two_digits_upto(max: u16) -> impl Fn(&[u8]) -> PResult<'_, u8> {
    move |input| {
        let (rest, v) = digits(2)(input)?;
        match u8::try_from(v) {
            Ok(v) if u16::from(v) <= max => Ok((rest, v)),
            _ => cut_fail(ErrorKind::InvalidDate, input),
        }
    }
}

fn date_time(input: &[u8]) -> PResult<'_, Timestamp> {
    // full-date
    let (month_at, (year, _)) = (digits(4), char('-')).parse(input)?;
    let (rest, month) = two_digits_upto(12)(month_at)?;
    if month == 0 {
        return cut_fail(ErrorKind::InvalidDate, month_at);
    }
    let day_at = rest.get(1..).unwrap_or_default();
    let (rest, (_, day)) = (char('-'), two_digits_upto(31)).parse(rest)?;
    if day == 0 || day > days_in_month(year, month) {
        return cut_fail(ErrorKind::InvalidDate, day_at);
    }
    // "T"
    let (rest, _) = one_of("Tt").parse(rest)?;
    // partial-time
    let (rest, (hour, _, minute, _)) = (
        two_digits_upto(23),
        char(':'),
        two_digits_upto(59),
        char(':'),
    )
        .parse(rest)?;
    let second_at = rest;
    let (rest, second) = two_digits_upto(60)(rest)?;
    let (rest, nanosecond) = match rest {
        [b'.', after @ ..] => {
            let (after, frac) = take_while(|b: u8| b.is_ascii_digit()).parse(after)?;
            if frac.is_empty() {
                return cut_fail(
                    if after.is_empty() {
                        ErrorKind::UnexpectedEnd
                    } else {
                        ErrorKind::InvalidSyntax
                    },
                    after,
                );
            }
            let nanos = (0..9).fold(0u32, |acc, i| {
                acc * 10 + frac.get(i).map_or(0, |&d| u32::from(d - b'0'))
            });
            (after, nanos)
        }
        _ => (rest, 0),
    };
    // time-offset
    let (rest, offset) = match rest {
        [b'Z' | b'z', after @ ..] => (after, Offset::Utc),
        [sign @ (b'+' | b'-'), after @ ..] => {
            let (after, (h, _, m)) =
                (two_digits_upto(23), char(':'), two_digits_upto(59)).parse(after)?;
            let magnitude = i16::from(h) * 60 + i16::from(m);
            let minutes = if *sign == b'-' { -magnitude } else { magnitude };
            (
                after,
                Offset::Minutes {
                    minutes,
                    negative_zero: *sign == b'-' && magnitude == 0,
                },
            )
        }
        [] => return cut_fail(ErrorKind::UnexpectedEnd, rest),
        _ => return cut_fail(ErrorKind::InvalidSyntax, rest),
    };
    let stamp = Timestamp {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanosecond,
        offset,
    };
    if second == 60 {
        // RFC 3339 §5.7: a leap second is 23:59:60 UTC at the end of a
        // month, shifted by the offset.
        let local = i32::from(hour) * 60 + i32::from(minute);
        let utc = local - i32::from(stamp.offset_minutes());
        let utc_month_end = match utc.div_euclid(1440) {
            // The same day in UTC: it must be the last of its month.
            0 => day == days_in_month(year, month),
            // The day before in UTC (a positive offset): that is the last
            // day of a month exactly when this is the first.
            -1 => day == 1,
            // 23:59 UTC cannot fall on the day after (offsets are < 24 h).
            _ => false,
        };
        if utc.rem_euclid(1440) != 23 * 60 + 59 || !utc_month_end {
            return cut_fail(ErrorKind::InvalidDate, second_at);
        }
    }
    Ok((rest, stamp))
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if self.nanosecond != 0 {
            let mut digits = 9usize;
            let mut frac = self.nanosecond;
            while frac.is_multiple_of(10) {
                frac /= 10;
                digits -= 1;
            }
            write!(f, ".{frac:0digits$}")?;
        }
        match self.offset {
            Offset::Utc => f.write_str("Z"),
            Offset::Minutes {
                minutes,
                negative_zero,
            } => {
                let sign = if minutes < 0 || negative_zero {
                    '-'
                } else {
                    '+'
                };
                let m = minutes.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", m / 60, m % 60)
            }
        }
    }
}

crate::macros::impl_text_type!(Timestamp, "an RFC 3339 timestamp");
