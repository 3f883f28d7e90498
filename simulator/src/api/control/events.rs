//! The domain event log: everything the world reported, in order — what
//! Meta would send by webhook, before any subscription or delivery.

use axum::Router;
use axum::routing::get;

use super::listing::{Listing, Start, cursors, weight};
use super::{Answer, SimSandbox};
use crate::api::state::{AppState, lock};

pub fn routes() -> Router<AppState> {
    Router::new().route("/_sim/sandboxes/{sid}/events", get(events))
}

/// A page of events, newest first by default (`after=0` from the start).
async fn events(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    // Copied under the lock, encoded outside it.
    let (events, window) = {
        let sandbox = lock(&shared);
        let all = sandbox.events.all();
        let window = listing
            .window(all.len(), |i| all[i].seq, Start::Newest)?
            .fit(|i| weight(&all[i]));
        (all[window.range.clone()].to_vec(), window)
    };
    let keys = cursors(events.first().map(|e| e.seq), events.last().map(|e| e.seq));
    listing.answer(&events, &window, keys)
}
