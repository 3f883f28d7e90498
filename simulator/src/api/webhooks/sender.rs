//! Sending the outbox: due deliveries are POSTed in order (up to the
//! sandbox's `in_flight` at once), signed, over the shared client; each answer
//! (or transport error, or timeout) is recorded in the sandbox, which
//! schedules retries. One flush per sandbox at a time; a
//! flush stops when its sandbox is deleted.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use serde_json::{Value, json};

use super::reach;
use crate::api::state::{AppState, lock, wall_now};
use crate::world::sandbox::Delivery as DeliveryMode;
use crate::world::webhooks::outbox::Outgoing;

async fn post(
    state: &AppState,
    outgoing: &Outgoing,
    timeout_ms: u64,
) -> (Option<u16>, Option<String>, u64) {
    if let Some(refused) = reach::refusal(state.config().webhook_hosts.as_deref(), &outgoing.url) {
        return (None, Some(refused), 0);
    }
    let client = state.http();
    let started = Instant::now();
    let result = client
        .post(&outgoing.url)
        .header("content-type", "application/json")
        .header("x-hub-signature-256", &outgoing.signature_256)
        .header("x-hub-signature", &outgoing.signature_1)
        .header("user-agent", "facebookexternalua")
        .body(outgoing.body.clone())
        .timeout(Duration::from_millis(timeout_ms))
        .send()
        .await;
    let latency_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok(response) => (Some(response.status().as_u16()), None, latency_ms),
        Err(error) if error.is_timeout() => (
            None,
            Some(format!("timeout after {timeout_ms} ms")),
            latency_ms,
        ),
        Err(error) if error.is_connect() => (None, Some("connection refused".into()), latency_ms),
        Err(_) => (None, Some("transport error".into()), latency_ms),
    }
}

/// Send everything due now, once each, `in_flight` POSTs at a time (the
/// sandbox's setting); attempts are recorded, and reported, in sending order.
pub async fn flush(state: &AppState, sid: &str) -> Vec<Value> {
    let Some(shared) = state.sandbox(sid) else {
        return vec![];
    };
    let shared = &shared;
    let mut reports = Vec::new();
    let mut attempted = HashSet::new();
    loop {
        let (due, settings) = {
            let mut sandbox = lock(shared);
            sandbox.clock.observe_wall_time(wall_now());
            sandbox.run_due();
            let due: Vec<Outgoing> = sandbox
                .due_deliveries()
                .into_iter()
                .filter(|o| !attempted.contains(&o.delivery_id))
                .collect();
            (due, sandbox.webhooks.settings.clone())
        };
        if due.is_empty() {
            return reports;
        }
        attempted.extend(due.iter().map(|o| o.delivery_id));
        let timeout_ms = settings.timeout_ms;
        let mut answers = futures_util::stream::iter(due)
            .map(|outgoing| async move {
                // A deleted sandbox sends nothing more, even from a flush under way.
                let current = state
                    .sandbox(sid)
                    .is_some_and(|now| Arc::ptr_eq(&now, shared));
                if !current {
                    return None;
                }
                let answer = post(state, &outgoing, timeout_ms).await;
                Some((outgoing, answer))
            })
            .buffered(settings.in_flight.max(1));
        while let Some(answer) = answers.next().await {
            let Some((outgoing, (status, error, latency_ms))) = answer else {
                return reports;
            };
            let mut sandbox = lock(shared);
            sandbox.record_attempt(outgoing.delivery_id, status, error.clone(), latency_ms);
            let delivery = sandbox.webhooks.delivery(outgoing.delivery_id);
            reports.push(json!({
                "delivery_id": outgoing.delivery_id,
                "url": outgoing.url,
                "status": status,
                "error": error,
                "latency_ms": latency_ms,
                "state": delivery.map(|d| d.state),
                "next_attempt_at": delivery.and_then(|d| d.next_attempt_at),
            }));
            drop(sandbox);
            state.changes().touch(sid);
        }
    }
}

/// Flush now, waiting for a running flush of the same sandbox to finish.
pub async fn flush_exclusive(state: &AppState, sid: &str) -> Vec<Value> {
    while !state.begin_flush(sid) {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let reports = flush(state, sid).await;
    state.end_flush(sid);
    reports
}

/// In auto mode, start a background flush of the sandbox (if none is running).
pub fn kick(state: &AppState, sid: &str) {
    let Some(shared) = state.sandbox(sid) else {
        return;
    };
    if lock(&shared).options.delivery != DeliveryMode::Auto || !state.begin_flush(sid) {
        return;
    }
    let state = state.clone();
    let sid = sid.to_owned();
    tokio::spawn(async move {
        flush(&state, &sid).await;
        state.end_flush(&sid);
        // Something may have become due while the flush was finishing.
        let more = state
            .sandbox(&sid)
            .is_some_and(|s| !lock(&s).due_deliveries().is_empty());
        if more {
            kick(&state, &sid);
        }
    });
}
