//! The `call_analytics` field of a WhatsApp Business Account, counted from
//! the calls that ended (`call_log.rs`): per bucket of the time each call
//! began, and per value of the requested dimensions (the number, the
//! user's country, the direction), the calls (`count`, answered or not)
//! and the `average_duration` in seconds of those that connected. metasim
//! has no calling rates, so no point carries a `cost`. The API layer checks
//! the arguments; this module only counts.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::analytics::{Filter, Granularity, numbers};
use super::call_log::EndedCall;
use super::calls::CallDirection;
use crate::world::sandbox::Sandbox;

/// What call points are split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CallDimension {
    Country,
    Direction,
    Phone,
}

impl CallDimension {
    /// The member of a data point that carries it.
    fn key(self) -> &'static str {
        match self {
            CallDimension::Country => "country",
            CallDimension::Direction => "direction",
            CallDimension::Phone => "phone_number",
        }
    }
}

/// A call analytics query.
#[derive(Debug, Clone)]
pub struct CallQuery {
    pub filter: Filter,
    pub granularity: Granularity,
    /// Report `count`.
    pub count: bool,
    /// Report `average_duration`.
    pub average_duration: bool,
    /// The directions to keep; empty keeps both.
    pub directions: Vec<CallDirection>,
    pub dimensions: Vec<CallDimension>,
}

/// A data point's bucket and its value of each dimension.
type Point = (i64, i64, Vec<(CallDimension, String)>);

/// What a group of calls adds up to.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    calls: u64,
    connected: u64,
    seconds: u64,
}

fn direction_name(direction: CallDirection) -> &'static str {
    match direction {
        CallDirection::BusinessInitiated => "BUSINESS_INITIATED",
        CallDirection::UserInitiated => "USER_INITIATED",
    }
}

/// `seconds / connected`, rounded half up.
fn average(tally: Tally) -> Option<u64> {
    (tally.connected > 0).then(|| (tally.seconds * 2 + tally.connected) / (tally.connected * 2))
}

/// `{"data": [{"data_points": [...]}]}` of the WABA's calls that `query`
/// keeps (buckets without calls are left out).
pub fn calls(sandbox: &Sandbox, waba_id: &str, query: &CallQuery) -> Value {
    let filter = &query.filter;
    let numbers = numbers(sandbox, waba_id, filter);
    let mut dimensions = query.dimensions.clone();
    dimensions.sort();
    dimensions.dedup();
    let mut groups: BTreeMap<Point, Tally> = BTreeMap::new();
    let kept = |call: &&EndedCall| {
        (filter.start..filter.end).contains(&call.created_at)
            && (query.directions.is_empty() || query.directions.contains(&call.direction))
    };
    for call in sandbox.whatsapp.calls.ended.iter().filter(kept) {
        let Some(phone) = numbers.iter().find(|p| p.id == call.phone_number_id) else {
            continue;
        };
        let Some(country) = filter.country_of(&call.consumer) else {
            continue;
        };
        let value = |dimension: CallDimension| match dimension {
            CallDimension::Country => country.unwrap_or("OTHER").to_owned(),
            CallDimension::Direction => direction_name(call.direction).to_owned(),
            CallDimension::Phone => phone.digits.clone(),
        };
        let key = dimensions.iter().map(|d| (*d, value(*d))).collect();
        let (start, end) = query.granularity.bucket(call.created_at);
        let tally = groups.entry((start, end, key)).or_default();
        tally.calls += 1;
        if let Some(seconds) = call.duration() {
            tally.connected += 1;
            tally.seconds = tally
                .seconds
                .saturating_add(u64::try_from(seconds).unwrap_or(0));
        }
    }
    let points: Vec<Value> = groups
        .into_iter()
        .map(|((start, end, key), tally)| {
            let mut point = Map::new();
            point.insert("start".into(), json!(start));
            point.insert("end".into(), json!(end));
            for (dimension, value) in key {
                point.insert(dimension.key().into(), json!(value));
            }
            if query.count {
                point.insert("count".into(), json!(tally.calls));
            }
            if let Some(seconds) = average(tally).filter(|_| query.average_duration) {
                point.insert("average_duration".into(), json!(seconds));
            }
            Value::Object(point)
        })
        .collect();
    json!({ "data": [{ "data_points": points }] })
}
