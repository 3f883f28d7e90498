//! Call counting for Meta's usage headers (`X-App-Usage`,
//! `X-Business-Use-Case-Usage`): calls per app and per business object in the
//! current hour of the sandbox clock, reported as a percentage of the limit.
//! metasim reports usage but never throttles on it; throttling is a fault rule.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Calls per hour that count as 100% (Meta's platform limit for one app user).
pub const APP_CALLS_PER_HOUR: u64 = 200;
/// Calls per hour per business object that count as 100% (WhatsApp management default).
pub const OBJECT_CALLS_PER_HOUR: u64 = 200;

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
struct HourCounter {
    hour: i64,
    calls: u64,
}

impl HourCounter {
    fn bump(&mut self, now: i64) -> u64 {
        let hour = now.div_euclid(3600);
        if self.hour != hour {
            *self = HourCounter { hour, calls: 0 };
        }
        self.calls = self.calls.saturating_add(1);
        self.calls
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Usage {
    apps: BTreeMap<String, HourCounter>,
    objects: BTreeMap<String, HourCounter>,
}

/// Count a call on `key`, allocating the key only the first time.
fn bump(counters: &mut BTreeMap<String, HourCounter>, key: &str, now: i64) -> u64 {
    match counters.get_mut(key) {
        Some(counter) => counter.bump(now),
        None => counters.entry(key.to_owned()).or_default().bump(now),
    }
}

/// Percent of the hourly limit used, capped at 100.
pub fn percent(calls: u64, limit: u64) -> u64 {
    (calls.saturating_mul(100) / limit.max(1)).min(100)
}

impl Usage {
    /// Count one call by `app_id` (and on `object_id`, when the call targets a
    /// business object); returns the percentages used.
    pub fn count(&mut self, now: i64, app_id: &str, object_id: Option<&str>) -> (u64, Option<u64>) {
        let app_calls = bump(&mut self.apps, app_id, now);
        let object_calls = object_id.map(|id| bump(&mut self.objects, id, now));
        (
            percent(app_calls, APP_CALLS_PER_HOUR),
            object_calls.map(|calls| percent(calls, OBJECT_CALLS_PER_HOUR)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_reset_each_hour() {
        let mut usage = Usage::default();
        for _ in 0..3 {
            usage.count(0, "app", Some("waba"));
        }
        assert_eq!(
            usage.count(10, "app", None),
            (percent(4, APP_CALLS_PER_HOUR), None)
        );
        assert_eq!(usage.count(3600, "app", Some("waba")), (0, Some(0)));
        assert_eq!(percent(1000, 200), 100);
    }
}
