//! The stream's messages as SSE events: a name and one line of JSON. Items
//! look as the list routes show them (a journal entry as in `journal`, an
//! event as in `events`, a delivery as in `webhooks/deliveries`); one whose
//! JSON is longer than [`MAX_DATA`] is cut down to its identifying members
//! with `"truncated": true`, so no message grows with a request body.

use axum::response::sse::Event as SseEvent;
use serde_json::{Map, Value, json};

use super::cursor::{Position, Update};
use crate::api::control::webhooks::delivery_view;
use crate::world::clock::{ClockMode, iso8601};

/// The longest `data` line a message carries.
pub const MAX_DATA: usize = 64 * 1024;

/// Members kept when an item is cut down.
const JOURNAL_KEPT: [&str; 5] = ["seq", "time", "method", "path", "status"];
const EVENT_KEPT: [&str; 5] = ["seq", "time", "kind", "message_id", "status"];
const DELIVERY_KEPT: [&str; 11] = [
    "id",
    "app_id",
    "object",
    "url",
    "fields",
    "created_at",
    "first_due_at",
    "next_attempt_at",
    "state",
    "attempts",
    "duplicate_of",
];

fn message(name: &str, data: &Value) -> SseEvent {
    SseEvent::default().event(name).data(data.to_string())
}

/// `value` as one JSON line, or only its `kept` members when it is too long.
fn bounded(value: Value, kept: &[&str]) -> String {
    let text = value.to_string();
    if text.len() <= MAX_DATA {
        return text;
    }
    let mut summary: Map<String, Value> = match value {
        Value::Object(members) => members
            .into_iter()
            .filter(|(key, _)| kept.contains(&key.as_str()))
            .collect(),
        _ => Map::new(),
    };
    summary.insert("truncated".into(), Value::Bool(true));
    Value::Object(summary).to_string()
}

pub fn clock(now: i64, mode: ClockMode) -> Value {
    json!({ "now": now, "iso": iso8601(now), "mode": mode })
}

pub fn update(update: Update) -> SseEvent {
    let (name, data) = match update {
        Update::Journal(entry) => ("journal", bounded(json!(entry), &JOURNAL_KEPT)),
        Update::Event(event) => ("event", bounded(json!(event), &EVENT_KEPT)),
        Update::Delivery(delivery) => (
            "delivery",
            bounded(delivery_view(&delivery), &DELIVERY_KEPT),
        ),
        Update::Clock { now, mode } => ("clock", clock(now, mode).to_string()),
    };
    SseEvent::default().event(name).data(data)
}

fn cursors(position: Position) -> Value {
    json!({
        "journal": position.journal,
        "events": position.events,
        "deliveries": position.deliveries,
    })
}

/// The first message: where the stream starts.
pub fn hello(sandbox: &str, position: Position, clock: Value) -> SseEvent {
    message(
        "hello",
        &json!({ "sandbox": sandbox, "clock": clock, "cursors": cursors(position) }),
    )
}

/// After the updates of a change: state the stream does not carry may have
/// changed too (templates, faults, links…).
pub fn changed(position: Position) -> SseEvent {
    message("changed", &json!({ "cursors": cursors(position) }))
}

/// The sandbox was reset or restored: the stream goes on from its new state.
pub fn reset(position: Position, clock: Value) -> SseEvent {
    message(
        "reset",
        &json!({ "clock": clock, "cursors": cursors(position) }),
    )
}

/// The sandbox was deleted; the stream ends.
pub fn deleted(sandbox: &str) -> SseEvent {
    message("deleted", &json!({ "sandbox": sandbox }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_items_keep_their_identity() {
        let small = json!({ "seq": 1, "path": "/v23.0/me", "body": "x" });
        assert_eq!(bounded(small.clone(), &JOURNAL_KEPT), small.to_string());
        let big = json!({ "seq": 2, "path": "/v23.0/me", "body": "x".repeat(MAX_DATA) });
        let cut: Value = serde_json::from_str(&bounded(big, &JOURNAL_KEPT)).unwrap();
        assert_eq!(
            cut,
            json!({ "seq": 2, "path": "/v23.0/me", "truncated": true })
        );
    }
}
