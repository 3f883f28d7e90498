//! The IANA time zones a number's call hours may name (`timezone_id`) and
//! the UTC offset each has at an instant, daylight saving time included.
//! Meta takes IANA zone ids (its own example is `America/Manaus`); metasim
//! takes every id of the IANA database chrono-tz carries (links such as
//! `US/Eastern` too), spelled as IANA spells it, and refuses any other
//! with a message naming it (docs/whatsapp.md says so).

use chrono::{Offset, TimeZone};
use chrono_tz::Tz;

/// Whether the zone is an IANA time zone id (the name as IANA spells it).
pub fn is_known_zone(zone: &str) -> bool {
    zone.parse::<Tz>().is_ok()
}

/// The zone's offset from UTC in minutes at the unix time `at`, or `None`
/// for a name that is no IANA zone (or a time chrono cannot hold).
pub fn offset_minutes(zone: &str, at: i64) -> Option<i32> {
    let zone: Tz = zone.parse().ok()?;
    let utc = chrono::DateTime::from_timestamp(at, 0)?;
    let offset = zone.offset_from_utc_datetime(&utc.naive_utc());
    Some(offset.fix().local_minus_utc() / 60)
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

    #[test]
    fn zones_beyond_the_big_rules_and_half_hours_are_known() {
        // New Zealand's summer (UTC+13 in January), India's and Nepal's
        // half and quarter hours, Chile's southern summer, a link name.
        let january = unix("2026-01-15T12:00:00Z");
        assert_eq!(offset_minutes("Pacific/Auckland", january), Some(780));
        assert_eq!(offset_minutes("Asia/Kolkata", january), Some(330));
        assert_eq!(offset_minutes("Asia/Kathmandu", january), Some(345));
        assert_eq!(offset_minutes("America/Santiago", january), Some(-180));
        assert_eq!(offset_minutes("US/Eastern", january), Some(-300));
        assert_eq!(offset_minutes("UTC", i64::MAX), None);
        assert!(is_known_zone("Etc/UTC") && !is_known_zone(""));
    }
}
