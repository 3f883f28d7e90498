//! The domain event log: everything the world reported, in order — what
//! Meta would send by webhook, before any subscription or delivery.

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

use super::listing::{Listing, Start, cursors, weight};
use super::{Answer, SimSandbox};
use crate::api::state::{AppState, lock};

/// Events retention dropped: the oldest `count`, past `limit`.
struct Dropped {
    count: u64,
    limit: usize,
}

impl Dropped {
    /// `{"dropped": {"count", "note"}}` when any were dropped.
    fn note(&self) -> Option<Value> {
        (self.count > 0).then(|| {
            json!({
                "count": self.count,
                "note": format!(
                    "the oldest {} events fell out of retention (the sandbox keeps the newest {}: option retention.events)",
                    self.count, self.limit
                ),
            })
        })
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/_sim/sandboxes/{sid}/events", get(events))
}

/// A page of events, newest first by default (`after=0` from the start).
async fn events(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    // Copied under the lock, encoded outside it.
    let (events, window, dropped) = {
        let sandbox = lock(&shared);
        let all = sandbox.events.all();
        let window = listing
            .window(all.len(), |i| all[i].seq, Start::Newest)?
            .fit(|i| weight(&all[i]));
        let dropped = Dropped {
            count: sandbox.events.dropped(),
            limit: sandbox.options.retention.events,
        };
        (all[window.range.clone()].to_vec(), window, dropped)
    };
    let keys = cursors(events.first().map(|e| e.seq), events.last().map(|e| e.seq));
    listing.answer_noting(&events, &window, keys, dropped.note())
}
