//! `GET /_sim/sandboxes/{sid}/stream`: what happens in a sandbox as it
//! happens, as server-sent events — journal entries, events, webhook
//! deliveries (new, and each change of a pending one), clock moves — for the
//! dashboard and for tools (docs/control-plane.md).
//!
//! A stream holds no lock while it waits: it waits on the sandbox's change
//! signal ([`crate::api::changes`]), copies what is new under a short lock
//! ([`cursor`]), and encodes it after releasing the lock ([`message`]). The
//! client's pace sets the stream's: nothing is queued beyond one look.

mod cursor;
mod message;

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::{OwnedSemaphorePermit, watch};

use super::{SimPath, find};
use crate::api::changes::{MAX_STREAMS, Signal};
use crate::api::error::GraphError;
use crate::api::state::{AppState, SharedSandbox, lock};
use cursor::{Cursor, Position, Update};

/// A comment line this often keeps idle connections open (and finds closed ones).
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub fn routes() -> Router<AppState> {
    Router::new().route("/_sim/sandboxes/{sid}/stream", get(stream))
}

/// The position the client asks to start after (`journal_after`,
/// `events_after`, `deliveries_after`); what it leaves out starts now.
fn start(query: &HashMap<String, String>, now: Position) -> Result<Position, GraphError> {
    if let Some(unknown) = query.keys().find(|k| {
        !matches!(
            k.as_str(),
            "journal_after" | "events_after" | "deliveries_after"
        )
    }) {
        return Err(GraphError::sim_invalid(format!(
            "Unknown stream parameter {unknown:?}"
        )));
    }
    let read = |name: &str, newest: u64| -> Result<u64, GraphError> {
        let Some(text) = query.get(name) else {
            return Ok(newest);
        };
        let value = text.parse::<u64>().map_err(|_| {
            GraphError::sim_invalid(format!("{name} must be a non-negative integer"))
        })?;
        if value > newest {
            return Err(GraphError::sim_invalid(format!(
                "{name} is {value}, but the newest is {newest}"
            )));
        }
        Ok(value)
    };
    Ok(Position {
        journal: read("journal_after", now.journal)?,
        events: read("events_after", now.events)?,
        deliveries: read("deliveries_after", now.deliveries)?,
    })
}

async fn stream(
    State(state): State<AppState>,
    SimPath(sid): SimPath<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, GraphError> {
    let shared = find(&state, &sid)?;
    // The place first: changes are only signalled while a place is taken.
    let permit = state.changes().open_stream().ok_or_else(|| {
        GraphError::sim_refused(
            429,
            format!("Too many open streams (at most {MAX_STREAMS}): close one and retry"),
        )
    })?;
    let mut signals = state.changes().watch(&sid);
    let (cursor, seen, hello) = {
        let sandbox = lock(&shared);
        let seen = *signals.borrow_and_update();
        let from = start(&query, Position::of(&sandbox))?;
        let clock = message::clock(sandbox.clock.now(), sandbox.clock.mode());
        (
            Cursor::new(&sandbox, from),
            seen,
            message::hello(&sid, from, clock),
        )
    };
    let live = Live {
        state,
        sid,
        shared,
        signals,
        seen,
        cursor,
        queue: VecDeque::from([hello]),
        more: true,
        ended: false,
        _permit: permit,
    };
    let events = futures_util::stream::unfold(live, |mut live| async move {
        let event = live.next().await?;
        Some((Ok::<_, Infallible>(event), live))
    });
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response())
}

/// One open stream.
struct Live {
    state: AppState,
    sid: String,
    /// The sandbox this stream follows (another one under the same id after
    /// a delete is another sandbox).
    shared: SharedSandbox,
    signals: watch::Receiver<Signal>,
    /// The last signal looked at.
    seen: Signal,
    cursor: Cursor,
    /// Messages of the last look not sent yet.
    queue: VecDeque<SseEvent>,
    /// The last look stopped at its bound: look again before waiting.
    more: bool,
    ended: bool,
    /// The stream's place among [`MAX_STREAMS`], given back when it closes
    /// (after `signals`: fields drop in order).
    _permit: OwnedSemaphorePermit,
}

impl Live {
    async fn next(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            if self.ended {
                return None;
            }
            if !self.more && self.signals.changed().await.is_err() {
                self.end();
                continue;
            }
            self.look();
        }
    }

    fn end(&mut self) {
        self.queue.push_back(message::deleted(&self.sid));
        self.ended = true;
    }

    /// Queue what is new (one bounded look under the lock).
    fn look(&mut self) {
        let current = self.state.sandbox(&self.sid);
        if !current.is_some_and(|current| Arc::ptr_eq(&current, &self.shared)) {
            self.end();
            return;
        }
        let mut updates: Vec<Update> = Vec::new();
        let sandbox = lock(&self.shared);
        // Read under the lock: a reset bumps the generation while holding it.
        let signal = *self.signals.borrow_and_update();
        if signal.generation != self.seen.generation || self.cursor.outrun(&sandbox) {
            self.cursor = Cursor::new(&sandbox, Position::of(&sandbox));
            let clock = message::clock(sandbox.clock.now(), sandbox.clock.mode());
            drop(sandbox);
            self.seen = signal;
            self.more = false;
            self.queue
                .push_back(message::reset(self.cursor.position(), clock));
            return;
        }
        self.more = self.cursor.collect(&sandbox, &mut updates);
        drop(sandbox);
        self.queue.extend(updates.into_iter().map(message::update));
        if !self.more && signal != self.seen {
            self.seen = signal;
            self.queue
                .push_back(message::changed(self.cursor.position()));
        }
    }
}
