//! Putting a restored snapshot in place of a live sandbox — shared by the
//! control plane's `PUT /_sim/sandboxes/{id}/snapshot` and by
//! `serve --state-dir`. The snapshot format itself (export, import, its
//! version) is `world/snapshot.rs`.

use crate::api::error::GraphError;
use crate::api::state::{AppState, SandboxInfo, lock};
use crate::world::sandbox::Sandbox;

/// Replace the live sandbox `sid` with `restored` (renamed to `sid`),
/// unless its tokens belong to another live sandbox.
pub fn restore(
    state: &AppState,
    sid: &str,
    mut restored: Sandbox,
) -> Result<SandboxInfo, GraphError> {
    let shared = state
        .sandbox(sid)
        .ok_or_else(|| GraphError::sim_not_found(format!("No sandbox with id {sid:?}")))?;
    restored.id = sid.to_owned();
    state.check_token_conflicts(&restored)?;
    let mut sandbox = lock(&shared);
    *sandbox = restored;
    state.reindex_tokens(&sandbox);
    state.changes().replaced(sid);
    Ok(SandboxInfo::of(&sandbox))
}
