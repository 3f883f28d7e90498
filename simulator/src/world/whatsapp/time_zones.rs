//! The IANA time zones a number's call hours may name (`timezone_id`) and
//! the UTC offset each has at an instant, daylight saving time included.
//! Meta takes the zones of its Business Extension list; metasim carries no
//! time zone database, so it knows the zones below (the common zone of each
//! country metasim's calling codes cover, and more of the large countries)
//! with their standard offset and their daylight saving rule, and refuses
//! any other zone with a message naming it (docs/whatsapp.md says so).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// When a zone moves its clocks an hour ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Daylight {
    /// No daylight saving time.
    Never,
    /// The European Union's: from the last Sunday of March to the last
    /// Sunday of October, both at 01:00 UTC.
    Europe,
    /// North America's: from the second Sunday of March, 02:00 local
    /// standard time, to the first Sunday of November, 02:00 local
    /// daylight time.
    NorthAmerica,
    /// South-eastern Australia's: from the first Sunday of October, 02:00
    /// local standard time, to the first Sunday of April, 03:00 local
    /// daylight time.
    Australia,
}

/// (zone, standard offset in minutes east of UTC, daylight rule).
const ZONES: [(&str, i32, Daylight); 58] = [
    ("UTC", 0, Daylight::Never),
    ("Etc/UTC", 0, Daylight::Never),
    ("Europe/London", 0, Daylight::Europe),
    ("Europe/Dublin", 0, Daylight::Europe),
    ("Europe/Lisbon", 0, Daylight::Europe),
    ("Europe/Paris", 60, Daylight::Europe),
    ("Europe/Berlin", 60, Daylight::Europe),
    ("Europe/Madrid", 60, Daylight::Europe),
    ("Europe/Rome", 60, Daylight::Europe),
    ("Europe/Amsterdam", 60, Daylight::Europe),
    ("Europe/Brussels", 60, Daylight::Europe),
    ("Europe/Vienna", 60, Daylight::Europe),
    ("Europe/Zurich", 60, Daylight::Europe),
    ("Europe/Stockholm", 60, Daylight::Europe),
    ("Europe/Warsaw", 60, Daylight::Europe),
    ("Europe/Athens", 120, Daylight::Europe),
    ("Europe/Helsinki", 120, Daylight::Europe),
    ("Europe/Bucharest", 120, Daylight::Europe),
    ("Europe/Istanbul", 180, Daylight::Never),
    ("Europe/Moscow", 180, Daylight::Never),
    ("Africa/Lagos", 60, Daylight::Never),
    ("Africa/Johannesburg", 120, Daylight::Never),
    ("Africa/Nairobi", 180, Daylight::Never),
    ("Asia/Riyadh", 180, Daylight::Never),
    ("Asia/Dubai", 240, Daylight::Never),
    ("Asia/Karachi", 300, Daylight::Never),
    ("Asia/Kolkata", 330, Daylight::Never),
    ("Asia/Dhaka", 360, Daylight::Never),
    ("Asia/Bangkok", 420, Daylight::Never),
    ("Asia/Jakarta", 420, Daylight::Never),
    ("Asia/Singapore", 480, Daylight::Never),
    ("Asia/Kuala_Lumpur", 480, Daylight::Never),
    ("Asia/Manila", 480, Daylight::Never),
    ("Asia/Shanghai", 480, Daylight::Never),
    ("Asia/Hong_Kong", 480, Daylight::Never),
    ("Asia/Tokyo", 540, Daylight::Never),
    ("Asia/Seoul", 540, Daylight::Never),
    ("Australia/Perth", 480, Daylight::Never),
    ("Australia/Brisbane", 600, Daylight::Never),
    ("Australia/Sydney", 600, Daylight::Australia),
    ("Australia/Melbourne", 600, Daylight::Australia),
    ("Pacific/Honolulu", -600, Daylight::Never),
    ("America/Anchorage", -540, Daylight::NorthAmerica),
    ("America/Los_Angeles", -480, Daylight::NorthAmerica),
    ("America/Vancouver", -480, Daylight::NorthAmerica),
    ("America/Denver", -420, Daylight::NorthAmerica),
    ("America/Phoenix", -420, Daylight::Never),
    ("America/Chicago", -360, Daylight::NorthAmerica),
    ("America/Mexico_City", -360, Daylight::Never),
    ("America/New_York", -300, Daylight::NorthAmerica),
    ("America/Toronto", -300, Daylight::NorthAmerica),
    ("America/Bogota", -300, Daylight::Never),
    ("America/Lima", -300, Daylight::Never),
    ("America/Caracas", -240, Daylight::Never),
    ("America/Manaus", -240, Daylight::Never),
    ("America/Sao_Paulo", -180, Daylight::Never),
    ("America/Argentina/Buenos_Aires", -180, Daylight::Never),
    ("America/Montevideo", -180, Daylight::Never),
];

/// Whether metasim knows the zone (the name as IANA spells it).
pub fn is_known_zone(zone: &str) -> bool {
    ZONES.iter().any(|(name, ..)| *name == zone)
}

/// The unix time of the `nth` Sunday of a month (`nth` 0 = the last) at
/// `minutes` after its midnight UTC.
fn sunday_of(year: i32, month: u32, nth: u32, minutes: i64) -> Option<i64> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let day = if nth == 0 {
        let next_month = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        let last = next_month - Duration::days(1);
        let back = i64::from(last.weekday().num_days_from_sunday());
        last - Duration::days(back)
    } else {
        let ahead = (7 - i64::from(first.weekday().num_days_from_sunday())) % 7;
        first + Duration::days(ahead + 7 * i64::from(nth - 1))
    };
    debug_assert_eq!(day.weekday(), Weekday::Sun);
    let midnight = day.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    Some(midnight + minutes * 60)
}

/// The zone's offset from UTC in minutes at the unix time `at`, or `None`
/// for a zone metasim does not know.
pub fn offset_minutes(zone: &str, at: i64) -> Option<i32> {
    let (_, standard, daylight) = ZONES.iter().find(|(name, ..)| *name == zone)?;
    let std = i64::from(*standard);
    let year = chrono::DateTime::from_timestamp(at + std * 60, 0)?.year();
    let summer = match daylight {
        Daylight::Never => false,
        Daylight::Europe => {
            let start = sunday_of(year, 3, 0, 60)?;
            let end = sunday_of(year, 10, 0, 60)?;
            (start..end).contains(&at)
        }
        Daylight::NorthAmerica => {
            let start = sunday_of(year, 3, 2, 120 - std)?;
            let end = sunday_of(year, 11, 1, 60 - std)?;
            (start..end).contains(&at)
        }
        Daylight::Australia => {
            let end = sunday_of(year, 4, 1, 120 - std)?;
            let start = sunday_of(year, 10, 1, 120 - std)?;
            at < end || at >= start
        }
    };
    Some(*standard + if summer { 60 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(text: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp()
    }

    #[test]
    fn daylight_saving_time_starts_and_ends_on_each_rule() {
        // 2026: Europe 29 March - 25 October, North America 8 March -
        // 1 November, Australia until 5 April and from 4 October.
        let berlin = |t| offset_minutes("Europe/Berlin", unix(t));
        assert_eq!(berlin("2026-03-29T00:59:59Z"), Some(60));
        assert_eq!(berlin("2026-03-29T01:00:00Z"), Some(120));
        assert_eq!(berlin("2026-10-25T00:59:59Z"), Some(120));
        assert_eq!(berlin("2026-10-25T01:00:00Z"), Some(60));
        let new_york = |t| offset_minutes("America/New_York", unix(t));
        assert_eq!(new_york("2026-03-08T06:59:59Z"), Some(-300));
        assert_eq!(new_york("2026-03-08T07:00:00Z"), Some(-240));
        assert_eq!(new_york("2026-11-01T05:59:59Z"), Some(-240));
        assert_eq!(new_york("2026-11-01T06:00:00Z"), Some(-300));
        let sydney = |t| offset_minutes("Australia/Sydney", unix(t));
        assert_eq!(sydney("2026-04-04T15:59:59Z"), Some(660));
        assert_eq!(sydney("2026-04-04T16:00:00Z"), Some(600));
        assert_eq!(sydney("2026-10-03T15:59:59Z"), Some(600));
        assert_eq!(sydney("2026-10-03T16:00:00Z"), Some(660));
        assert_eq!(offset_minutes("America/Manaus", 0), Some(-240));
        assert_eq!(offset_minutes("Mars/Olympus_Mons", 0), None);
        assert!(is_known_zone("Asia/Kolkata") && !is_known_zone("asia/kolkata"));
    }
}
