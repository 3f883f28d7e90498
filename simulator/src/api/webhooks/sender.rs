//! Sending the outbox: due deliveries are POSTed in order, signed, over the
//! shared client; each answer (or transport error, or timeout) is recorded in
//! the sandbox, which schedules retries. One flush per sandbox at a time; a
//! flush stops when its sandbox is deleted.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// Send everything due now, once each; returns a report per attempt.
pub async fn flush(state: &AppState, sid: &str) -> Vec<Value> {
    let Some(shared) = state.sandbox(sid) else {
        return vec![];
    };
    let mut reports = Vec::new();
    let mut attempted = HashSet::new();
    loop {
        let (due, timeout_ms) = {
            let mut sandbox = lock(&shared);
            sandbox.clock.observe_wall_time(wall_now());
            sandbox.run_due();
            let due: Vec<Outgoing> = sandbox
                .due_deliveries()
                .into_iter()
                .filter(|o| !attempted.contains(&o.delivery_id))
                .collect();
            (due, sandbox.webhooks.settings.timeout_ms)
        };
        if due.is_empty() {
            return reports;
        }
        for outgoing in due {
            // A deleted sandbox sends nothing more, even from a flush under way.
            if !state
                .sandbox(sid)
                .is_some_and(|now| Arc::ptr_eq(&now, &shared))
            {
                return reports;
            }
            attempted.insert(outgoing.delivery_id);
            let (status, error, latency_ms) = post(state, &outgoing, timeout_ms).await;
            let mut sandbox = lock(&shared);
            sandbox.record_attempt(outgoing.delivery_id, status, error.clone(), latency_ms);
            let delivery = sandbox
                .webhooks
                .deliveries
                .iter()
                .find(|d| d.id == outgoing.delivery_id);
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
