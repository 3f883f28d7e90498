//! Schedules of a WABA (`/{waba-id}/schedules`): business hours, automated
//! response windows, campaign or maintenance windows — a name (1–100), a
//! type, daily start and end times (`HH:MM[:SS]`), a time zone, the days
//! of the week, whether it is active, and an optional recurrence.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::world::clock::graph_time;
use crate::world::ids::derived_digits;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

pub const SCHEDULE_TYPES: [&str; 5] = [
    "BUSINESS_HOURS",
    "AUTOMATED_RESPONSE",
    "MESSAGE_CAMPAIGN",
    "MAINTENANCE_WINDOW",
    "CUSTOM",
];
pub const DAYS: [&str; 7] = [
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
];
const FREQUENCIES: [&str; 4] = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];
/// The most schedules one WABA keeps (*metasim*).
pub const SCHEDULES_MAX: usize = 100;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Schedule {
    pub id: String,
    pub waba_id: String,
    pub name: String,
    pub schedule_type: String,
    pub start_time: String,
    pub end_time: String,
    pub timezone: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days_of_week: Vec<String>,
    pub is_active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence_pattern: Option<Value>,
    pub created_time: i64,
    pub seq: u64,
}

/// All schedules: id -> schedule, and how many were made.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Schedules {
    pub all: BTreeMap<String, Schedule>,
    pub created: u64,
}

/// What a create call gives.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSchedule {
    pub name: String,
    pub schedule_type: String,
    pub start_time: String,
    pub end_time: String,
    pub timezone: Option<String>,
    pub days_of_week: Vec<String>,
    pub is_active: Option<bool>,
    pub recurrence_pattern: Option<Value>,
}

fn is_time(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |p: &str, max: u32| p.len() == 2 && p.parse::<u32>().is_ok_and(|n| n <= max);
    matches!(parts.len(), 2 | 3)
        && number(parts[0], 23)
        && number(parts[1], 59)
        && parts.get(2).is_none_or(|s| number(s, 59))
}

impl NewSchedule {
    fn check(&self) -> Result<(), Invalid> {
        let invalid = |field: &str, message: String| Err(Invalid::new(field, message));
        if self.name.trim().is_empty() || self.name.chars().count() > 100 {
            return invalid("name", "Param name must be 1 to 100 characters long".into());
        }
        if !SCHEDULE_TYPES.contains(&self.schedule_type.as_str()) {
            return invalid(
                "schedule_type",
                format!(
                    "Param schedule_type must be one of {{{}}} - got \"{}\".",
                    SCHEDULE_TYPES.join(", "),
                    self.schedule_type
                ),
            );
        }
        for (field, value) in [
            ("start_time", &self.start_time),
            ("end_time", &self.end_time),
        ] {
            if !is_time(value) {
                return invalid(
                    field,
                    format!("Param {field} must be a time HH:MM or HH:MM:SS - got \"{value}\"."),
                );
            }
        }
        if let Some(day) = self
            .days_of_week
            .iter()
            .find(|d| !DAYS.contains(&d.as_str()))
        {
            return invalid(
                "days_of_week",
                format!("Param days_of_week must name days of the week - got \"{day}\"."),
            );
        }
        if let Some(pattern) = &self.recurrence_pattern {
            let frequency_ok = pattern
                .get("frequency")
                .and_then(Value::as_str)
                .is_some_and(|f| FREQUENCIES.contains(&f));
            let interval_ok = pattern
                .get("interval")
                .is_none_or(|i| i.as_u64().is_some_and(|i| i >= 1));
            if !(frequency_ok && interval_ok) {
                return invalid(
                    "recurrence_pattern",
                    "Param recurrence_pattern needs a frequency (DAILY, WEEKLY, MONTHLY, YEARLY) and an interval of at least 1".into(),
                );
            }
        }
        Ok(())
    }
}

impl Schedule {
    pub fn to_json(&self) -> Value {
        let mut out = json!({
            "id": self.id,
            "name": self.name,
            "status": if self.is_active { "ACTIVE" } else { "INACTIVE" },
            "schedule_type": self.schedule_type,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "timezone": self.timezone,
            "is_active": self.is_active,
            "created_time": graph_time(self.created_time),
            "updated_time": graph_time(self.created_time),
        });
        if !self.days_of_week.is_empty() {
            out["days_of_week"] = json!(self.days_of_week);
        }
        if let Some(pattern) = &self.recurrence_pattern {
            out["recurrence_pattern"] = pattern.clone();
        }
        out
    }
}

impl Sandbox {
    /// Create a schedule in the WABA; its id.
    pub fn create_schedule(&mut self, waba_id: &str, new: NewSchedule) -> Result<String, Invalid> {
        new.check()?;
        if self.schedules_of(waba_id).len() >= SCHEDULES_MAX {
            return Err(Invalid::new(
                "name",
                format!("A WhatsApp Business Account keeps at most {SCHEDULES_MAX} schedules"),
            ));
        }
        let schedules = &mut self.whatsapp.schedules;
        schedules.created += 1;
        let seq = schedules.created;
        let id = derived_digits(
            &[
                "schedule",
                &self.seed.to_string(),
                waba_id,
                &seq.to_string(),
            ],
            16,
        );
        let schedule = Schedule {
            id: id.clone(),
            waba_id: waba_id.to_owned(),
            name: new.name,
            schedule_type: new.schedule_type,
            start_time: new.start_time,
            end_time: new.end_time,
            timezone: new.timezone.unwrap_or_else(|| "UTC".to_owned()),
            days_of_week: new.days_of_week,
            is_active: new.is_active.unwrap_or(true),
            recurrence_pattern: new.recurrence_pattern,
            created_time: self.clock.now(),
            seq,
        };
        self.whatsapp.schedules.all.insert(id.clone(), schedule);
        Ok(id)
    }

    /// The WABA's schedules, oldest first.
    pub fn schedules_of(&self, waba_id: &str) -> Vec<&Schedule> {
        let mut list: Vec<&Schedule> = self
            .whatsapp
            .schedules
            .all
            .values()
            .filter(|s| s.waba_id == waba_id)
            .collect();
        list.sort_by_key(|s| s.seq);
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    fn hours() -> NewSchedule {
        NewSchedule {
            name: "Shop hours".into(),
            schedule_type: "BUSINESS_HOURS".into(),
            start_time: "09:00".into(),
            end_time: "17:30:00".into(),
            timezone: None,
            days_of_week: vec!["MONDAY".into()],
            is_active: None,
            recurrence_pattern: Some(json!({ "frequency": "WEEKLY", "interval": 1 })),
        }
    }

    #[test]
    fn schedules_are_checked_and_listed() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let waba = sandbox.handles["waba"].clone();
        let id = sandbox.create_schedule(&waba, hours()).unwrap();
        let shown = sandbox.schedules_of(&waba)[0].to_json();
        assert_eq!(
            (
                shown["id"].as_str().unwrap(),
                shown["status"].as_str().unwrap()
            ),
            (id.as_str(), "ACTIVE")
        );
        assert_eq!(shown["timezone"], "UTC");
        for (field, bad) in [
            (
                "start_time",
                NewSchedule {
                    start_time: "25:00".into(),
                    ..hours()
                },
            ),
            (
                "schedule_type",
                NewSchedule {
                    schedule_type: "NAP".into(),
                    ..hours()
                },
            ),
            (
                "days_of_week",
                NewSchedule {
                    days_of_week: vec!["FUNDAY".into()],
                    ..hours()
                },
            ),
            (
                "recurrence_pattern",
                NewSchedule {
                    recurrence_pattern: Some(json!({ "interval": 0 })),
                    ..hours()
                },
            ),
        ] {
            assert_eq!(
                sandbox.create_schedule(&waba, bad).unwrap_err().field,
                field
            );
        }
    }
}
