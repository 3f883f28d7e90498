//! Sandbox routes: create, list, inspect, reset, delete, snapshot and restore
//! sandboxes; read and move the clock; read the request journal; add and
//! remove fault rules; issue and invalidate tokens.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::listing::{Listing, Start, cursors, weight};
use super::{Answer, SimJson, SimPath, SimSandbox, body_bytes_within, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, CreateSandbox, SandboxInfo, lock, wall_now};
use crate::world::auth::Invalidation;
use crate::world::auth::tokens::TokenFixture;
use crate::world::clock::iso8601;
use crate::world::faults::FaultSpec;
use crate::world::journal::{JournalEntry, JournalFilter};
use crate::world::sandbox::Sandbox;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_sim/health", get(health))
        .route("/_sim/sandboxes", post(create_sandbox).get(list_sandboxes))
        .route(
            "/_sim/sandboxes/{sid}",
            get(get_sandbox).delete(delete_sandbox),
        )
        .route("/_sim/sandboxes/{sid}/reset", post(reset_sandbox))
        .route(
            "/_sim/sandboxes/{sid}/snapshot",
            get(export_snapshot).put(import_snapshot),
        )
        .route("/_sim/sandboxes/{sid}/clock", get(get_clock))
        .route("/_sim/sandboxes/{sid}/clock/advance", post(advance_clock))
        .route("/_sim/sandboxes/{sid}/journal", get(get_journal))
        .route(
            "/_sim/sandboxes/{sid}/faults",
            post(add_fault).get(list_faults),
        )
        .route(
            "/_sim/sandboxes/{sid}/faults/{fault_id}",
            delete(remove_fault),
        )
        .route("/_sim/sandboxes/{sid}/tokens", post(add_token))
        .route(
            "/_sim/sandboxes/{sid}/tokens/{handle}/invalidate",
            post(invalidate_token),
        )
}

fn describe(sandbox: &Sandbox) -> Value {
    let mut value = serde_json::to_value(SandboxInfo::of(sandbox)).unwrap_or_default();
    if let Value::Object(map) = &mut value {
        map.insert("options".into(), json!(sandbox.options));
        map.insert("clock".into(), clock_json(sandbox));
        map.insert("counts".into(), json!(sandbox.counts()));
    }
    value
}

fn clock_json(sandbox: &Sandbox) -> Value {
    let now = sandbox.clock.now();
    json!({ "now": now, "iso": iso8601(now), "mode": sandbox.clock.mode() })
}

async fn health(State(state): State<AppState>) -> Answer {
    ok(
        StatusCode::OK,
        json!({ "status": "ok", "sandboxes": state.sandboxes().len() }),
    )
}

async fn create_sandbox(
    State(state): State<AppState>,
    SimJson(request): SimJson<CreateSandbox>,
) -> Answer {
    let info = state.create_sandbox(request)?;
    ok(StatusCode::CREATED, json!(info))
}

async fn list_sandboxes(State(state): State<AppState>, listing: Listing) -> Answer {
    listing.only(&[])?;
    let all = state.sandboxes_by_id();
    let window = listing.window(all.len(), |i| all[i].0.clone(), Start::First)?;
    let data: Vec<Value> = all[window.range.clone()]
        .iter()
        .map(|(_, shared)| describe(&lock(shared)))
        .collect();
    let page = &all[window.range.clone()];
    let keys = cursors(page.first().map(|s| &s.0), page.last().map(|s| &s.0));
    listing.answer(&data, &window, keys)
}

async fn get_sandbox(SimSandbox(shared): SimSandbox) -> Answer {
    let sandbox = lock(&shared);
    ok(StatusCode::OK, describe(&sandbox))
}

async fn delete_sandbox(State(state): State<AppState>, SimPath(sid): SimPath<String>) -> Answer {
    if state.delete_sandbox(&sid) {
        ok(StatusCode::OK, json!({ "success": true }))
    } else {
        Err(GraphError::sim_not_found(format!(
            "No sandbox with id {sid:?}"
        )))
    }
}

async fn reset_sandbox(State(state): State<AppState>, SimSandbox(shared): SimSandbox) -> Answer {
    let mut sandbox = lock(&shared);
    let fresh = sandbox
        .reset(wall_now())
        .map_err(|e| GraphError::sim_invalid(e.to_string()))?;
    *sandbox = fresh;
    state.reindex_tokens(&sandbox);
    state.changes().replaced(&sandbox.id);
    ok(StatusCode::OK, json!(SandboxInfo::of(&sandbox)))
}

async fn export_snapshot(State(state): State<AppState>, SimSandbox(shared): SimSandbox) -> Answer {
    // Copied under the lock, encoded outside it.
    let sandbox = lock(&shared).clone();
    let snapshot = sandbox.export_snapshot();
    let limit = state.config().snapshot_limit;
    if snapshot.len() > limit {
        return Err(GraphError::sim_refused(
            413,
            format!(
                "The snapshot would be {} bytes, more than the {limit} bytes PUT …/snapshot accepts; lower the sandbox's journal_limit or reset it",
                snapshot.len()
            ),
        ));
    }
    Ok((
        StatusCode::OK,
        [("content-type", "application/json; charset=UTF-8")],
        snapshot,
    )
        .into_response())
}

async fn import_snapshot(
    State(state): State<AppState>,
    SimPath(sid): SimPath<String>,
    SimSandbox(shared): SimSandbox,
    body: Body,
) -> Answer {
    // Up to the export's own limit: whatever was exported comes back in.
    let bytes = body_bytes_within(&state, body, state.config().snapshot_limit).await?;
    let restored = Sandbox::import_snapshot(&bytes)
        .map_err(|error| GraphError::sim_invalid(error.message()))?;
    drop(shared);
    let info = crate::snapshots::restore(&state, &sid, restored)?;
    ok(StatusCode::OK, json!(info))
}

async fn get_clock(SimSandbox(shared): SimSandbox) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox.clock.observe_wall_time(wall_now());
    ok(StatusCode::OK, clock_json(&sandbox))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: u64,
}

async fn advance_clock(
    SimSandbox(shared): SimSandbox,
    SimJson(advance): SimJson<Advance>,
) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox.clock.observe_wall_time(wall_now());
    let left = sandbox.clock.seconds_left();
    let seconds = i64::try_from(advance.seconds)
        .ok()
        .filter(|seconds| *seconds <= left)
        .ok_or_else(|| {
            GraphError::sim_invalid(format!(
                "seconds is too large: the clock can move {left} more seconds (to 9999-12-31T23:59:59Z)"
            ))
        })?;
    sandbox.clock.advance(seconds);
    sandbox.run_due();
    ok(StatusCode::OK, clock_json(&sandbox))
}

async fn get_journal(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&["method", "path_prefix"])?;
    let filter = JournalFilter {
        method: listing.param("method"),
        path_prefix: listing.param("path_prefix"),
    };
    // Copied under the lock, encoded outside it.
    let (entries, window) = {
        let sandbox = lock(&shared);
        let matching = sandbox.journal.select(&filter);
        let window = listing
            .window(matching.len(), |i| matching[i].seq, Start::Newest)?
            .fit(|i| entry_weight(matching[i]));
        let entries: Vec<JournalEntry> = matching[window.range.clone()]
            .iter()
            .map(|entry| (*entry).clone())
            .collect();
        (entries, window)
    };
    let keys = cursors(
        entries.first().map(|e| e.seq),
        entries.last().map(|e| e.seq),
    );
    listing.answer(&entries, &window, keys)
}

/// About how many bytes a journal entry takes as JSON (its answer is kept
/// encoded; reading it back would cost more than the estimate is worth).
fn entry_weight(entry: &JournalEntry) -> usize {
    let pairs = |pairs: &[(String, String)]| -> usize {
        pairs
            .iter()
            .map(|(name, value)| name.len() + value.len() + 6)
            .sum()
    };
    entry.response.encoded_len()
        + weight(&entry.body)
        + pairs(&entry.query)
        + pairs(&entry.headers)
        + entry.path.len()
        + 128
}

async fn add_fault(SimSandbox(shared): SimSandbox, SimJson(spec): SimJson<FaultSpec>) -> Answer {
    let mut sandbox = lock(&shared);
    let rule = sandbox
        .faults
        .add(spec)
        .map_err(|e| GraphError::sim_invalid(e.0))?;
    ok(StatusCode::CREATED, json!(rule))
}

async fn list_faults(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    let (rules, window) = {
        let sandbox = lock(&shared);
        let all = sandbox.faults.rules();
        // Rule ids are numbers handed out in order.
        let id = |i: usize| all[i].id.parse::<u64>().unwrap_or(u64::MAX);
        let window = listing.window(all.len(), id, Start::First)?;
        (all[window.range.clone()].to_vec(), window)
    };
    let keys = cursors(rules.first().map(|r| &r.id), rules.last().map(|r| &r.id));
    listing.answer(&rules, &window, keys)
}

async fn remove_fault(
    SimSandbox(shared): SimSandbox,
    SimPath((_, fault_id)): SimPath<(String, String)>,
) -> Answer {
    let mut sandbox = lock(&shared);
    if sandbox.faults.remove(&fault_id) {
        ok(StatusCode::OK, json!({ "success": true }))
    } else {
        Err(GraphError::sim_not_found(format!(
            "No fault rule with id {fault_id:?}"
        )))
    }
}

async fn add_token(
    State(state): State<AppState>,
    SimSandbox(shared): SimSandbox,
    SimJson(fixture): SimJson<TokenFixture>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let token = sandbox
        .add_token("token", &fixture)
        .map_err(|e| GraphError::sim_invalid(e.to_string()))?;
    state.index_tokens(&sandbox);
    ok(
        StatusCode::CREATED,
        json!({ "handle": fixture.handle, "token": token }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Invalidate {
    reason: Invalidation,
}

async fn invalidate_token(
    SimSandbox(shared): SimSandbox,
    SimPath((_, handle)): SimPath<(String, String)>,
    SimJson(request): SimJson<Invalidate>,
) -> Answer {
    let mut sandbox = lock(&shared);
    if sandbox.invalidate_token(&handle, request.reason) {
        ok(StatusCode::OK, json!({ "success": true }))
    } else {
        Err(GraphError::sim_not_found(format!(
            "No token with handle {handle:?}"
        )))
    }
}
