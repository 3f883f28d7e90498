//! The sandbox clock.
//!
//! A virtual clock starts at a fixed instant and moves only when told
//! (`clock/advance`). A realtime clock follows the wall clock (for demos); the
//! world never reads the wall clock itself — the API layer hands it in through
//! [`Clock::observe_wall_time`] before each call, so world code stays pure.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::bounds::in_range;
use super::shared::Invalid;

/// 2026-01-01T00:00:00Z: where a virtual clock starts unless the fixture says otherwise.
pub const DEFAULT_START: i64 = 1_767_225_600;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ClockMode {
    #[default]
    Virtual,
    Realtime,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Clock {
    mode: ClockMode,
    start: i64,
    advanced: i64,
    /// Last wall-clock reading handed in (realtime mode only).
    wall: i64,
}

impl Clock {
    pub fn new(mode: ClockMode, start: i64, wall_now: i64) -> Self {
        match mode {
            ClockMode::Virtual => Self {
                mode,
                start,
                advanced: 0,
                wall: 0,
            },
            ClockMode::Realtime => Self {
                mode,
                start: wall_now,
                advanced: 0,
                wall: wall_now,
            },
        }
    }

    pub fn mode(&self) -> ClockMode {
        self.mode
    }

    /// When the clock started (the fixture's `clock_start`, or the wall
    /// clock at creation for a realtime clock).
    pub fn start(&self) -> i64 {
        self.start
    }

    /// Current time in unix seconds.
    pub fn now(&self) -> i64 {
        match self.mode {
            ClockMode::Virtual => self.start.saturating_add(self.advanced),
            ClockMode::Realtime => self.wall.saturating_add(self.advanced),
        }
    }

    /// Move the clock ahead; it stops at [`LATEST`] (so time never overflows).
    pub fn advance(&mut self, seconds: i64) {
        let room = self.seconds_left();
        self.advanced = self.advanced.saturating_add(seconds.clamp(0, room));
    }

    /// How far the clock may still move before it reaches [`LATEST`].
    pub fn seconds_left(&self) -> i64 {
        LATEST.saturating_sub(self.now()).max(0)
    }

    /// Refuse a clock (from a snapshot) outside 1970 to [`LATEST`].
    pub fn check(&self) -> Result<(), Invalid> {
        in_range("clock.start", self.start, 0, LATEST)?;
        in_range("clock.advanced", self.advanced, 0, LATEST)?;
        in_range("clock.wall", self.wall, 0, LATEST)?;
        in_range("clock (start + advanced)", self.now(), 0, LATEST).map(drop)
    }

    /// Hand in the wall clock; only a realtime clock keeps it, so a virtual
    /// clock's state (and snapshot) never depends on when requests arrive.
    pub fn observe_wall_time(&mut self, wall_now: i64) {
        if self.mode == ClockMode::Realtime {
            self.wall = wall_now;
        }
    }
}

/// The last instant a sandbox clock reaches: 9999-12-31T23:59:59Z.
pub const LATEST: i64 = 253_402_300_799;

/// RFC 3339 in UTC, e.g. `2026-01-01T00:00:00Z`.
pub fn iso8601(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Graph's timestamp style, e.g. `2026-01-01T00:00:00+0000`.
pub fn graph_time(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S+0000")
        .to_string()
}

/// Parse a fixture's clock start: unix seconds or an RFC 3339 string, from
/// 1970 to [`LATEST`].
pub fn parse_instant(text: &str) -> Option<i64> {
    let unix = match text.parse::<i64>() {
        Ok(unix) => unix,
        Err(_) => DateTime::parse_from_rfc3339(text).ok()?.timestamp(),
    };
    (0..=LATEST).contains(&unix).then_some(unix)
}

/// The US Pacific time Meta prints in token-expiry messages:
/// `Tuesday, 01-Dec-25 06:00:00 PST` (PDT in summer).
pub fn pacific_time(unix: i64) -> String {
    let utc = DateTime::<Utc>::from_timestamp(unix, 0).unwrap_or_default();
    let (offset_hours, zone) = if in_us_daylight_time(utc) {
        (7, "PDT")
    } else {
        (8, "PST")
    };
    let local = utc - Duration::hours(offset_hours);
    format!("{} {zone}", local.format("%A, %d-%b-%y %H:%M:%S"))
}

/// US daylight saving: from the second Sunday of March, 2:00 local standard time
/// (10:00 UTC), to the first Sunday of November, 2:00 local daylight time (9:00 UTC).
fn in_us_daylight_time(utc: DateTime<Utc>) -> bool {
    let year = utc.year();
    let starts = nth_sunday(year, 3, 2)
        .and_hms_opt(10, 0, 0)
        .map(|t| t.and_utc());
    let ends = nth_sunday(year, 11, 1)
        .and_hms_opt(9, 0, 0)
        .map(|t| t.and_utc());
    match (starts, ends) {
        (Some(starts), Some(ends)) => utc >= starts && utc < ends,
        _ => false,
    }
}

fn nth_sunday(year: i32, month: u32, nth: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, nth).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_stops_at_the_latest_instant() {
        let mut clock = Clock::new(ClockMode::Virtual, DEFAULT_START, 0);
        clock.advance(i64::MAX);
        assert_eq!(clock.now(), LATEST);
        assert_eq!(clock.seconds_left(), 0);
        assert_eq!(parse_instant("253402300800"), None);
        assert_eq!(parse_instant("-1"), None);
        assert_eq!(parse_instant("9999-12-31T23:59:59Z"), Some(LATEST));
    }

    #[test]
    fn virtual_clock_moves_only_when_advanced() {
        let mut clock = Clock::new(ClockMode::Virtual, DEFAULT_START, 999);
        clock.observe_wall_time(5_000_000_000);
        assert_eq!(clock.now(), DEFAULT_START);
        clock.advance(90);
        clock.advance(-5);
        assert_eq!(clock.now(), DEFAULT_START + 90);
    }

    #[test]
    fn realtime_clock_follows_the_wall_plus_advances() {
        let mut clock = Clock::new(ClockMode::Realtime, DEFAULT_START, 100);
        clock.observe_wall_time(150);
        clock.advance(10);
        assert_eq!(clock.now(), 160);
    }

    #[test]
    fn formats() {
        assert_eq!(iso8601(DEFAULT_START), "2026-01-01T00:00:00Z");
        assert_eq!(graph_time(DEFAULT_START), "2026-01-01T00:00:00+0000");
        assert_eq!(parse_instant("2026-01-01T00:00:00Z"), Some(DEFAULT_START));
        assert_eq!(parse_instant("12"), Some(12));
        assert_eq!(parse_instant("yesterday"), None);
    }

    #[test]
    fn pacific_time_follows_daylight_saving() {
        // 2025-12-01T14:00:00Z is 06:00 PST, a Monday.
        assert_eq!(
            pacific_time(1_764_597_600),
            "Monday, 01-Dec-25 06:00:00 PST"
        );
        // 2026-07-01T13:00:00Z is 06:00 PDT.
        assert_eq!(
            pacific_time(1_782_910_800),
            "Wednesday, 01-Jul-26 06:00:00 PDT"
        );
    }
}
