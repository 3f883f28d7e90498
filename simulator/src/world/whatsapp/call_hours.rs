//! A number's call hours, `calling.call_hours` of `POST /{phone-number-id}
//! /settings`: `status`, `timezone_id`, `weekly_operating_hours` (`day_of_week`
//! MONDAY…SUNDAY, `open_time`/`close_time` as `HHMM`) and `holiday_schedule`
//! (`date` YYYY-MM-DD, `start_time`/`end_time`: the hours of that date when
//! the business takes no calls). Meta's rules: at most two entries per day,
//! each opening before it closes, none overlapping; at most 20 holidays; an
//! update replaces the whole `call_hours` (a holiday schedule left out is
//! emptied). Meta documents call hours as when users' calls are received:
//! with call hours enabled, a user's call outside them is not offered to the
//! business; calls the business places are not bound by them. Disabled, the
//! business is open all day, every day.

use chrono::{DateTime, Datelike, NaiveDate, Timelike};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::call_settings::enabled_flag;
use super::schedules::DAYS;
use super::time_zones::{is_known_zone, offset_minutes};
use crate::world::shared::Invalid;

/// Meta's bound: two opening slots per day of the week.
pub const SLOTS_PER_DAY: usize = 2;
/// Meta's bound on `holiday_schedule`.
pub const HOLIDAYS_MAX: usize = 20;

/// One opening slot of a day of the week (minutes after local midnight).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WeeklySlot {
    /// 0 = Monday … 6 = Sunday.
    pub day: u8,
    pub open: u16,
    pub close: u16,
}

/// A date's hours without calls (minutes after local midnight, both ends
/// included: `0000`–`2359` is the whole day).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Holiday {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub start: u16,
    pub end: u16,
}

/// A number's call hours.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CallHours {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weekly: Vec<WeeklySlot>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<Holiday>,
}

const PATH: &str = "calling['call_hours']";

fn refuse<T>(field: &str, message: String) -> Result<T, Invalid> {
    Err(Invalid::new(format!("{PATH}{field}"), message))
}

/// `HHMM` (0000–2359) as minutes after midnight.
fn clock_time(value: Option<&Value>, field: &str) -> Result<u16, Invalid> {
    let text = value.and_then(Value::as_str).unwrap_or_default();
    let digits = text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit());
    let (hours, minutes) = if digits {
        (
            text[..2].parse().unwrap_or(99),
            text[2..].parse().unwrap_or(99),
        )
    } else {
        (99u16, 99u16)
    };
    if hours > 23 || minutes > 59 {
        return refuse(
            field,
            format!(
                "Param {PATH}{field} must be a time of day as HHMM, from 0000 to 2359 - got {text:?}."
            ),
        );
    }
    Ok(hours * 60 + minutes)
}

fn hhmm(minutes: u16) -> String {
    format!("{:02}{:02}", minutes / 60, minutes % 60)
}

fn weekly_slot(entry: &Value, i: usize) -> Result<WeeklySlot, Invalid> {
    let at = format!("['weekly_operating_hours'][{i}]");
    let day_name = entry.get("day_of_week").and_then(Value::as_str);
    let Some(day) = day_name.and_then(|d| DAYS.iter().position(|name| *name == d)) else {
        return refuse(
            &format!("{at}['day_of_week']"),
            format!(
                "Param {PATH}{at}['day_of_week'] must be one of {{{}}}.",
                DAYS.join(", ")
            ),
        );
    };
    let open = clock_time(entry.get("open_time"), &format!("{at}['open_time']"))?;
    let close = clock_time(entry.get("close_time"), &format!("{at}['close_time']"))?;
    if open >= close {
        return refuse(
            &at,
            format!("Param {PATH}{at}: open_time must be before close_time."),
        );
    }
    Ok(WeeklySlot {
        day: day as u8,
        open,
        close,
    })
}

fn holiday(entry: &Value, i: usize) -> Result<Holiday, Invalid> {
    let at = format!("['holiday_schedule'][{i}]");
    let date = entry
        .get("date")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let valid = date.len() == 10 && NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok();
    if !valid {
        return refuse(
            &format!("{at}['date']"),
            format!("Param {PATH}{at}['date'] must be a date as YYYY-MM-DD - got {date:?}."),
        );
    }
    let start = clock_time(entry.get("start_time"), &format!("{at}['start_time']"))?;
    let end = clock_time(entry.get("end_time"), &format!("{at}['end_time']"))?;
    if start > end {
        return refuse(
            &at,
            format!("Param {PATH}{at}: start_time must not be after end_time."),
        );
    }
    Ok(Holiday {
        date: date.to_owned(),
        start,
        end,
    })
}

fn list<'v>(value: &'v Value, key: &str, max: usize) -> Result<&'v [Value], Invalid> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) if items.len() <= max => Ok(items),
        Some(_) => refuse(
            &format!("['{key}']"),
            format!("Param {PATH}['{key}'] must be a list of at most {max} entries."),
        ),
    }
}

impl CallHours {
    /// `call_hours` as an update gives it, checked whole. `status` is
    /// required; enabled hours need `timezone_id` and `weekly_operating_hours`.
    pub fn parse(value: &Value) -> Result<CallHours, Invalid> {
        if !value.is_object() {
            return refuse("", format!("Param {PATH} must be an object."));
        }
        let enabled = enabled_flag(value.get("status"), &format!("{PATH}['status']"))?;
        let timezone_id = match value.get("timezone_id") {
            None | Some(Value::Null) if !enabled => None,
            zone => {
                let zone = zone.and_then(Value::as_str).unwrap_or_default();
                if !is_known_zone(zone) {
                    return refuse(
                        "['timezone_id']",
                        format!(
                            "Param {PATH}['timezone_id'] must be a supported time zone id (like America/Manaus) - got {zone:?}."
                        ),
                    );
                }
                Some(zone.to_owned())
            }
        };
        let entries = list(value, "weekly_operating_hours", SLOTS_PER_DAY * DAYS.len())?;
        if enabled && value.get("weekly_operating_hours").is_none() {
            return refuse(
                "['weekly_operating_hours']",
                format!("The parameter {PATH}['weekly_operating_hours'] is required."),
            );
        }
        let mut weekly: Vec<WeeklySlot> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let slot = weekly_slot(entry, i)?;
            let same_day: Vec<&WeeklySlot> = weekly.iter().filter(|s| s.day == slot.day).collect();
            if same_day.len() >= SLOTS_PER_DAY {
                return refuse(
                    "['weekly_operating_hours']",
                    format!(
                        "Param {PATH}['weekly_operating_hours'] has more than {SLOTS_PER_DAY} entries for {}.",
                        DAYS[usize::from(slot.day)]
                    ),
                );
            }
            if same_day
                .iter()
                .any(|s| slot.open < s.close && s.open < slot.close)
            {
                return refuse(
                    "['weekly_operating_hours']",
                    format!(
                        "Param {PATH}['weekly_operating_hours'] has overlapping entries for {}.",
                        DAYS[usize::from(slot.day)]
                    ),
                );
            }
            weekly.push(slot);
        }
        let holidays = list(value, "holiday_schedule", HOLIDAYS_MAX)?
            .iter()
            .enumerate()
            .map(|(i, entry)| holiday(entry, i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CallHours {
            enabled,
            timezone_id,
            weekly,
            holidays,
        })
    }

    /// The hours as Meta writes them (`status` in `status_case`).
    pub fn to_json(&self, status_case: fn(bool) -> &'static str) -> Value {
        let weekly: Vec<Value> = self
            .weekly
            .iter()
            .map(|slot| {
                json!({
                    "day_of_week": DAYS[usize::from(slot.day)],
                    "open_time": hhmm(slot.open),
                    "close_time": hhmm(slot.close),
                })
            })
            .collect();
        let holidays: Vec<Value> = self
            .holidays
            .iter()
            .map(|h| json!({"date": h.date, "start_time": hhmm(h.start), "end_time": hhmm(h.end)}))
            .collect();
        let mut shown = json!({ "status": status_case(self.enabled) });
        if let Some(zone) = &self.timezone_id {
            shown["timezone_id"] = json!(zone);
        }
        shown["weekly_operating_hours"] = json!(weekly);
        shown["holiday_schedule"] = json!(holidays);
        shown
    }

    /// A restored snapshot's hours keep the bounds an update keeps.
    pub fn check(&self, place: &str) -> Result<(), Invalid> {
        let again = CallHours::parse(&self.to_json(|on| if on { "enabled" } else { "disabled" }));
        if again.as_ref() != Ok(self) {
            return Err(Invalid::new(
                place,
                format!("{place}: call hours out of their bounds"),
            ));
        }
        Ok(())
    }

    /// Whether the business takes users' calls at the unix time `at`.
    pub fn open_at(&self, at: i64) -> bool {
        if !self.enabled {
            return true;
        }
        let zone = self.timezone_id.as_deref().unwrap_or("UTC");
        let offset = i64::from(offset_minutes(zone, at).unwrap_or(0));
        let Some(local) = DateTime::from_timestamp(at.saturating_add(offset * 60), 0) else {
            return false;
        };
        let local = local.naive_utc();
        let minute = (local.time().num_seconds_from_midnight() / 60) as u16;
        let date = local.date().format("%Y-%m-%d").to_string();
        let holiday = self
            .holidays
            .iter()
            .any(|h| h.date == date && (h.start..=h.end).contains(&minute));
        let day = local.weekday().num_days_from_monday() as u8;
        !holiday
            && self
                .weekly
                .iter()
                .any(|s| s.day == day && (s.open..s.close).contains(&minute))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours() -> Value {
        json!({
            "status": "ENABLED",
            "timezone_id": "America/Manaus",
            "weekly_operating_hours": [
                {"day_of_week": "MONDAY", "open_time": "0400", "close_time": "1020"},
                {"day_of_week": "MONDAY", "open_time": "1300", "close_time": "1700"},
                {"day_of_week": "TUESDAY", "open_time": "0108", "close_time": "1020"}
            ],
            "holiday_schedule": [{"date": "2026-01-05", "start_time": "0000", "end_time": "0959"}]
        })
    }

    fn unix(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text).unwrap().timestamp()
    }

    #[test]
    fn parses_meta_shape_and_answers_it_back() {
        let parsed = CallHours::parse(&hours()).unwrap();
        let shown = parsed.to_json(|on| if on { "ENABLED" } else { "DISABLED" });
        assert_eq!(shown, hours());
        assert!(parsed.check("hours").is_ok());
        let disabled = CallHours::parse(&json!({"status": "disabled"})).unwrap();
        assert!(disabled.open_at(0));
    }

    #[test]
    fn refuses_what_meta_refuses() {
        let with = |key: &str, value: Value| {
            let mut body = hours();
            body[key] = value;
            CallHours::parse(&body)
        };
        let slot = |day: &str, open: &str, close: &str| json!({"day_of_week": day, "open_time": open, "close_time": close});
        for bad in [
            with("status", json!("SOMETIMES")),
            with("timezone_id", json!("Mars/Olympus_Mons")),
            with(
                "weekly_operating_hours",
                json!([slot("MONDAY", "1000", "0900")]),
            ),
            with(
                "weekly_operating_hours",
                json!([slot("MONDAY", "2400", "2401")]),
            ),
            with(
                "weekly_operating_hours",
                json!([slot("FUNDAY", "0900", "1000")]),
            ),
            with(
                "weekly_operating_hours",
                json!([
                    slot("MONDAY", "0900", "1200"),
                    slot("MONDAY", "1100", "1300")
                ]),
            ),
            with(
                "weekly_operating_hours",
                json!([
                    slot("MONDAY", "0100", "0200"),
                    slot("MONDAY", "0300", "0400"),
                    slot("MONDAY", "0500", "0600")
                ]),
            ),
            with(
                "holiday_schedule",
                json!([{"date": "2026-02-30", "start_time": "0000", "end_time": "2359"}]),
            ),
            with(
                "holiday_schedule",
                json!(vec![
                    json!({"date": "2026-01-01", "start_time": "0000", "end_time": "2359"});
                    21
                ]),
            ),
        ] {
            assert!(bad.is_err(), "{bad:?}");
        }
        let mut body = hours();
        body.as_object_mut()
            .unwrap()
            .remove("weekly_operating_hours");
        assert!(CallHours::parse(&body).is_err());
    }

    #[test]
    fn open_follows_the_zone_the_week_and_the_holidays() {
        let hours = CallHours::parse(&hours()).unwrap();
        // Manaus is UTC-4: Monday 12 January 2026, 08:00 local = 12:00 UTC.
        assert!(hours.open_at(unix("2026-01-12T12:00:00Z")));
        assert!(!hours.open_at(unix("2026-01-12T14:20:00Z"))); // 10:20, closed
        assert!(hours.open_at(unix("2026-01-12T17:00:00Z"))); // 13:00, second slot
        assert!(!hours.open_at(unix("2026-01-14T12:00:00Z"))); // a Wednesday
        // Monday 5 January is a holiday until 09:59 local.
        assert!(!hours.open_at(unix("2026-01-05T12:00:00Z")));
        assert!(hours.open_at(unix("2026-01-05T14:00:00Z")));
    }
}
