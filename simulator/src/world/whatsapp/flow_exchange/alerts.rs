//! The endpoint alerts of the WABA's `flows` webhook field, read from what
//! a Flow's endpoint was asked: `ENDPOINT_ERROR_RATE`, `ENDPOINT_LATENCY`
//! and `ENDPOINT_AVAILABILITY`, each `ACTIVATED` when its metric crosses
//! the threshold and `DEACTIVATED` when a later evaluation finds it back.
//! Every request and health-check ping is counted
//! ([`Sandbox::record_flow_request`]) and then evaluated over the current
//! hour of the virtual clock (metasim counts by hour; Meta names no window).
//! The thresholds are metasim's choice where Meta's pages give none:
//! more than 10 % errors, a p90 latency over 1 s (Meta's advice: answer in
//! under a second), under 90 % of pings answered; error rate and latency
//! need at least [`MIN_REQUESTS`] requests in the hour. metasim records no
//! client-side errors, so `CLIENT_ERROR_RATE` is never sent.

use serde_json::{Value, json};

use super::metrics::{Counters, Observed};
use crate::world::events::EventPayload;
use crate::world::sandbox::Sandbox;

/// Requests an hour needs before its error rate and latency are judged.
pub const MIN_REQUESTS: u64 = 5;
/// Percent of requests failing above which the error-rate alert fires.
pub const ERROR_RATE_THRESHOLD: u64 = 10;
/// p90 latency (ms) above which the latency alert fires.
pub const LATENCY_THRESHOLD_MS: u64 = 1000;
/// Percent of pings answered below which the availability alert fires.
pub const AVAILABILITY_THRESHOLD: u64 = 90;

/// One alert's reading of an hour: whether it breaches, and the fields
/// its webhook carries; `None` when the hour has too little to judge.
fn reading(event: &str, hour: &Counters) -> Option<(bool, Value)> {
    match event {
        "ENDPOINT_ERROR_RATE" if hour.requests >= MIN_REQUESTS => {
            let percent = |n: u64| n as f64 * 100.0 / hour.requests as f64;
            let rate = percent(hour.errors());
            let errors: Vec<Value> = hour
                .errors
                .iter()
                .map(|(kind, count)| {
                    json!({ "error_type": kind, "error_count": count, "error_rate": percent(*count) })
                })
                .collect();
            Some((
                rate > ERROR_RATE_THRESHOLD as f64,
                json!({ "error_rate": rate, "threshold": ERROR_RATE_THRESHOLD, "errors": errors }),
            ))
        }
        "ENDPOINT_LATENCY" if hour.requests >= MIN_REQUESTS => {
            let p50 = percentile_ms(hour, 50);
            let p90 = percentile_ms(hour, 90);
            Some((
                p90 > LATENCY_THRESHOLD_MS,
                json!({
                    "p50_latency": p50,
                    "p90_latency": p90,
                    "requests_count": hour.requests,
                    "threshold": LATENCY_THRESHOLD_MS,
                }),
            ))
        }
        "ENDPOINT_AVAILABILITY" => {
            let pings = hour.pings_succeeded.saturating_add(hour.pings_failed);
            (pings > 0).then(|| {
                let availability = hour.pings_succeeded.saturating_mul(100) / pings;
                (
                    availability < AVAILABILITY_THRESHOLD,
                    json!({ "availability": availability, "threshold": AVAILABILITY_THRESHOLD }),
                )
            })
        }
        _ => None,
    }
}

/// The latency (ms) under which `percent` of the hour's requests fell.
fn percentile_ms(hour: &Counters, percent: u64) -> u64 {
    let rank = (hour.requests.saturating_mul(percent)).div_ceil(100).max(1);
    let mut seen = 0u64;
    for (seconds, count) in &hour.latencies {
        seen = seen.saturating_add(*count);
        if seen >= rank {
            return u64::from(*seconds).saturating_mul(1000);
        }
    }
    0
}

const EVENTS: [(&str, &str); 3] = [
    ("ENDPOINT_ERROR_RATE", "error rate"),
    ("ENDPOINT_LATENCY", "latency"),
    ("ENDPOINT_AVAILABILITY", "availability"),
];

impl Sandbox {
    /// Count what one request to a Flow's endpoint came to, then send the
    /// alerts whose state it changed.
    pub fn record_flow_request(&mut self, flow_id: &str, observed: &Observed) {
        let now = self.clock.now();
        self.whatsapp.flow_metrics.record(flow_id, now, observed);
        let Some(hour) = self.whatsapp.flow_metrics.hour(flow_id, now).cloned() else {
            return;
        };
        for (event, what) in EVENTS {
            let Some((breached, fields)) = reading(event, &hour) else {
                continue;
            };
            let Some(flow) = self.whatsapp.flows.get_mut(flow_id) else {
                return;
            };
            let was = flow.active_alerts.contains(event);
            if breached == was {
                continue;
            }
            let state = if breached {
                flow.active_alerts.insert(event.to_owned());
                "ACTIVATED"
            } else {
                flow.active_alerts.remove(event);
                "DEACTIVATED"
            };
            let mut value = json!({
                "event": event,
                "message": format!(
                    "Flow {} endpoint {what} alert {}",
                    flow.name,
                    state.to_lowercase()
                ),
                "flow_id": flow_id,
                "alert_state": state,
            });
            if let (Value::Object(members), Value::Object(extra)) = (&mut value, fields) {
                members.extend(extra);
            }
            let waba_id = flow.waba_id.clone();
            self.events
                .emit(now, EventPayload::WhatsappFlow { waba_id, value });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hour(latencies: &[(u32, u64)], errors: u64) -> Counters {
        let mut counters = Counters {
            requests: latencies.iter().map(|(_, n)| n).sum(),
            ..Counters::default()
        };
        counters.latencies.extend(latencies.iter().copied());
        if errors > 0 {
            counters.errors.insert("timeout_error".into(), errors);
        }
        counters
    }

    #[test]
    fn readings_cross_their_thresholds() {
        let calm = hour(&[(1, 10)], 1);
        assert!(!reading("ENDPOINT_ERROR_RATE", &calm).unwrap().0);
        let failing = hour(&[(1, 8), (10, 2)], 2);
        let (breached, fields) = reading("ENDPOINT_ERROR_RATE", &failing).unwrap();
        assert!(breached);
        assert_eq!(fields["error_rate"], json!(20.0));
        assert_eq!(fields["errors"][0]["error_count"], 2);
        let (slow, fields) = reading("ENDPOINT_LATENCY", &failing).unwrap();
        assert!(slow);
        assert_eq!(
            (
                fields["p50_latency"].as_u64(),
                fields["p90_latency"].as_u64()
            ),
            (Some(1000), Some(10_000))
        );
        assert!(reading("ENDPOINT_LATENCY", &hour(&[(1, 4)], 0)).is_none());
        let pings = Counters {
            pings_succeeded: 9,
            pings_failed: 1,
            ..Counters::default()
        };
        assert!(!reading("ENDPOINT_AVAILABILITY", &pings).unwrap().0);
        assert!(reading("ENDPOINT_AVAILABILITY", &calm).is_none());
    }
}
