//! A sandbox's snapshot, written and restored: the one way metasim turns a
//! sandbox into JSON and back, shared by the control plane's
//! `GET`/`PUT /_sim/sandboxes/{id}/snapshot` and by `serve --state-dir`.

use crate::api::error::GraphError;
use crate::api::state::{AppState, SandboxInfo, lock};
use crate::world::sandbox::Sandbox;

/// The snapshot of `sandbox` as JSON text.
pub fn export(sandbox: &Sandbox) -> Result<String, GraphError> {
    serde_json::to_string(sandbox).map_err(|e| GraphError::sim_invalid(e.to_string()))
}

/// Parse a snapshot; errors name the place (`clock.now: invalid type …`).
/// Whole or nothing: a snapshot that does not parse changes nothing.
pub fn parse(text: &[u8]) -> Result<Sandbox, GraphError> {
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        GraphError::sim_invalid(format!(
            "Invalid snapshot at {path}: {}",
            error.into_inner()
        ))
    })
}

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
    Ok(SandboxInfo::of(&sandbox))
}
