//! What a Flow's `metric` field counts: every request WhatsApp's client made
//! to the Flow's endpoint, by UTC hour — how many, the errors by kind, the
//! latencies in whole seconds (rounded up), and the health-check pings that
//! succeeded or failed. Only counters are kept, at most [`KEPT_HOURS`] hours
//! of them per Flow; the API layer checks a read's arguments and this module
//! sums the hours into days or one lifetime bucket.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::world::bounds::in_range;
use crate::world::clock::graph_time;
use crate::world::shared::Invalid;

/// How many hours of counters a Flow keeps (90 days).
pub const KEPT_HOURS: usize = 90 * 24;

/// The counters of one hour.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Counters {
    #[serde(default)]
    pub requests: u64,
    /// Error kind (`timeout_error`, …) -> how many.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, u64>,
    /// Latency in whole seconds, rounded up -> how many requests.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub latencies: BTreeMap<u32, u64>,
    #[serde(default)]
    pub pings_succeeded: u64,
    #[serde(default)]
    pub pings_failed: u64,
}

impl Counters {
    fn add(&mut self, other: &Counters) {
        self.requests = self.requests.saturating_add(other.requests);
        for (kind, count) in &other.errors {
            let total = self.errors.entry(kind.clone()).or_default();
            *total = total.saturating_add(*count);
        }
        for (seconds, count) in &other.latencies {
            let total = self.latencies.entry(*seconds).or_default();
            *total = total.saturating_add(*count);
        }
        self.pings_succeeded = self.pings_succeeded.saturating_add(other.pings_succeeded);
        self.pings_failed = self.pings_failed.saturating_add(other.pings_failed);
    }

    pub fn errors(&self) -> u64 {
        self.errors
            .values()
            .fold(0, |sum, n| sum.saturating_add(*n))
    }
}

/// What one endpoint request came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// A data exchange request: its latency (whole seconds) and error kind.
    Request {
        latency_seconds: u32,
        error: Option<&'static str>,
    },
    /// A health-check ping, and whether the endpoint answered it as healthy.
    Ping { healthy: bool },
}

/// Flow id -> hour start -> counters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FlowMetrics(BTreeMap<String, BTreeMap<i64, Counters>>);

/// The metrics Meta names, and how wide a data point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    RequestCount,
    RequestError,
    RequestErrorRate,
    LatencySecondsCeil,
    Availability,
}

impl Metric {
    pub const ALL: [(&'static str, Metric); 5] = [
        ("ENDPOINT_REQUEST_COUNT", Metric::RequestCount),
        ("ENDPOINT_REQUEST_ERROR", Metric::RequestError),
        ("ENDPOINT_REQUEST_ERROR_RATE", Metric::RequestErrorRate),
        (
            "ENDPOINT_REQUEST_LATENCY_SECONDS_CEIL",
            Metric::LatencySecondsCeil,
        ),
        ("ENDPOINT_AVAILABILITY", Metric::Availability),
    ];

    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, metric)| *metric == self)
            .map_or("", |(name, _)| name)
    }

    /// `[{"key", "value"}]` of one bucket; empty when it has nothing to say.
    fn data(self, counters: &Counters) -> Vec<Value> {
        let pair = |key: &str, value: Value| json!({ "key": key, "value": value });
        match self {
            Metric::RequestCount if counters.requests > 0 => {
                vec![pair("value", json!(counters.requests))]
            }
            Metric::RequestError => counters
                .errors
                .iter()
                .map(|(kind, count)| pair(kind, json!(count)))
                .collect(),
            Metric::RequestErrorRate if counters.requests > 0 => {
                let rate = counters.errors() as f64 / counters.requests as f64;
                vec![pair("value", json!(rate))]
            }
            Metric::LatencySecondsCeil => counters
                .latencies
                .iter()
                .map(|(seconds, count)| pair(&seconds.to_string(), json!(count)))
                .collect(),
            Metric::Availability if counters.pings_succeeded + counters.pings_failed > 0 => vec![
                pair("succeeded", json!(counters.pings_succeeded)),
                pair("failed", json!(counters.pings_failed)),
            ],
            _ => Vec::new(),
        }
    }
}

/// How wide a data point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Hour,
    Day,
    Lifetime,
}

impl Granularity {
    pub const ALL: [(&'static str, Granularity); 3] = [
        ("HOUR", Granularity::Hour),
        ("DAY", Granularity::Day),
        ("LIFETIME", Granularity::Lifetime),
    ];

    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, granularity)| *granularity == self)
            .map_or("", |(name, _)| name)
    }
}

impl FlowMetrics {
    /// Count what one request to `flow_id`'s endpoint came to, at `time`.
    pub fn record(&mut self, flow_id: &str, time: i64, observed: &Observed) {
        let hours = self.0.entry(flow_id.to_owned()).or_default();
        let counters = hours.entry(time.div_euclid(3600) * 3600).or_default();
        match observed {
            Observed::Request {
                latency_seconds,
                error,
            } => {
                counters.requests = counters.requests.saturating_add(1);
                let latency = counters.latencies.entry(*latency_seconds).or_default();
                *latency = latency.saturating_add(1);
                if let Some(kind) = error {
                    let count = counters.errors.entry((*kind).to_owned()).or_default();
                    *count = count.saturating_add(1);
                }
            }
            Observed::Ping { healthy: true } => {
                counters.pings_succeeded = counters.pings_succeeded.saturating_add(1);
            }
            Observed::Ping { healthy: false } => {
                counters.pings_failed = counters.pings_failed.saturating_add(1);
            }
        }
        while hours.len() > KEPT_HOURS {
            hours.pop_first();
        }
    }

    /// The counters of the hour `time` falls in, if anything was counted.
    pub fn hour(&self, flow_id: &str, time: i64) -> Option<&Counters> {
        self.0.get(flow_id)?.get(&(time.div_euclid(3600) * 3600))
    }

    /// A Flow that is gone keeps no counters.
    pub fn forget(&mut self, flow_id: &str) {
        self.0.remove(flow_id);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Refuse a snapshot keeping more hours of a Flow than a sandbox would.
    pub fn check(&self) -> Result<(), Invalid> {
        for (flow, hours) in &self.0 {
            in_range(
                &format!("whatsapp.flow_metrics.{flow}"),
                hours.len(),
                0,
                KEPT_HOURS,
            )?;
        }
        Ok(())
    }

    /// `{"name", "granularity", "data_points": [{"timestamp", "data"}]}` for
    /// the hours in `[since, until)`; buckets with nothing to say are left out.
    pub fn read(
        &self,
        flow_id: &str,
        metric: Metric,
        granularity: Granularity,
        since: i64,
        until: i64,
    ) -> Value {
        let mut buckets: BTreeMap<i64, Counters> = BTreeMap::new();
        for (hour, counters) in self
            .0
            .get(flow_id)
            .into_iter()
            .flat_map(|hours| hours.range(since..until.max(since)))
        {
            let start = match granularity {
                Granularity::Hour => *hour,
                Granularity::Day => hour.div_euclid(86_400) * 86_400,
                Granularity::Lifetime => since,
            };
            buckets.entry(start).or_default().add(counters);
        }
        let data_points: Vec<Value> = buckets
            .iter()
            .filter_map(|(start, counters)| {
                let data = metric.data(counters);
                (!data.is_empty()).then(|| json!({ "timestamp": graph_time(*start), "data": data }))
            })
            .collect();
        json!({
            "name": metric.name(),
            "granularity": granularity.name(),
            "data_points": data_points,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn request(error: Option<&'static str>) -> Observed {
        Observed::Request {
            latency_seconds: 1,
            error,
        }
    }

    #[test]
    fn hours_sum_into_days_and_a_lifetime() {
        let mut metrics = FlowMetrics::default();
        metrics.record("f", DAY + 10, &request(None));
        metrics.record("f", DAY + 7200, &request(Some("timeout_error")));
        metrics.record("f", 2 * DAY, &request(None));
        metrics.record("f", 2 * DAY, &Observed::Ping { healthy: false });
        let count = metrics.read("f", Metric::RequestCount, Granularity::Day, 0, 3 * DAY);
        assert_eq!(count["data_points"][0]["data"][0]["value"], 2);
        assert_eq!(count["data_points"][1]["data"][0]["value"], 1);
        let rate = metrics.read(
            "f",
            Metric::RequestErrorRate,
            Granularity::Lifetime,
            0,
            3 * DAY,
        );
        assert_eq!(rate["data_points"][0]["data"][0]["value"], json!(1.0 / 3.0));
        let hourly = metrics.read("f", Metric::RequestError, Granularity::Hour, 0, 3 * DAY);
        assert_eq!(hourly["data_points"].as_array().unwrap().len(), 1);
        assert_eq!(hourly["data_points"][0]["data"][0]["key"], "timeout_error");
        let up = metrics.read("f", Metric::Availability, Granularity::Day, 0, 3 * DAY);
        assert_eq!(
            up["data_points"][0]["data"][1],
            json!({"key": "failed", "value": 1})
        );
        let none = metrics.read("f", Metric::RequestCount, Granularity::Day, 0, DAY);
        assert_eq!(none["data_points"], json!([]));
    }

    #[test]
    fn only_the_newest_hours_are_kept() {
        let mut metrics = FlowMetrics::default();
        for hour in 0..=KEPT_HOURS as i64 {
            metrics.record("f", hour * 3600, &request(None));
        }
        assert!(metrics.check().is_ok());
        let all = metrics.read(
            "f",
            Metric::RequestCount,
            Granularity::Lifetime,
            0,
            i64::MAX,
        );
        assert_eq!(all["data_points"][0]["data"][0]["value"], KEPT_HOURS as u64);
    }
}
