//! The `metric` field of a Flow (`metric.name(ENDPOINT_REQUEST_COUNT)
//! .granularity(DAY).since(2026-01-01).until(2026-01-31)`): its arguments
//! read and checked as Graph parameters (a name and a granularity Meta
//! lists, dates as `YYYY-MM-DD`, `since` not after `until` and within the 90
//! days metasim keeps), then counted by the world. `until` is a whole day:
//! its requests count; without `since`, the oldest kept day is the start.

use chrono::NaiveDate;
use serde_json::Value;

use super::analytics::{Arguments, one_of};
use crate::api::error::GraphError;
use crate::api::fields::FieldSelection;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::flow_exchange::metrics::{Granularity, KEPT_HOURS, Metric};

const DAY: i64 = 86_400;

/// The value of `field` of Flow `flow_id` when it is `metric`.
pub fn field(
    sandbox: &Sandbox,
    flow_id: &str,
    field: &FieldSelection,
) -> Option<Result<Value, GraphError>> {
    (field.name == "metric").then(|| read(sandbox, flow_id, &Arguments(field)))
}

/// The UTC midnight starting the day an argument names, if it names one.
fn day(args: &Arguments, name: &str) -> Result<Option<i64>, GraphError> {
    let Some(text) = args.0.argument(name) else {
        return Ok(None);
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|midnight| Some(midnight.and_utc().timestamp()))
        .ok_or_else(|| {
            GraphError::invalid_parameter(format!(
                "Param {name} must be a date (YYYY-MM-DD) - got \"{text}\"."
            ))
        })
}

fn read(sandbox: &Sandbox, flow_id: &str, args: &Arguments) -> Result<Value, GraphError> {
    let metric = one_of("name", args.required("name")?, &Metric::ALL)?;
    let granularity = one_of(
        "granularity",
        args.required("granularity")?,
        &Granularity::ALL,
    )?;
    let today = sandbox.clock.now().div_euclid(DAY) * DAY;
    let oldest = today - (KEPT_HOURS as i64 / 24 - 1) * DAY;
    let until = day(args, "until")?.unwrap_or(today);
    let since = day(args, "since")?.unwrap_or(oldest);
    if since > until {
        return Err(GraphError::invalid_parameter(
            "Param since must not be after until.",
        ));
    }
    if since < oldest {
        return Err(GraphError::invalid_parameter(format!(
            "Param since must be at most {} days in the past.",
            KEPT_HOURS / 24
        )));
    }
    Ok(sandbox.whatsapp.flow_metrics.read(
        flow_id,
        metric,
        granularity,
        since,
        until.saturating_add(DAY),
    ))
}
