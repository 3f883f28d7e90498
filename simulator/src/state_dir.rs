//! `metasim serve --state-dir DIR`: a long-lived (demo) server keeps its
//! world across restarts. Every sandbox's snapshot is written to
//! `DIR/sandboxes/{id}.json` on shutdown and on `POST /_sim/state/save`, and
//! restored at start. A file that cannot be read, parsed or restored is
//! reported and skipped — parsing is whole or nothing, so no sandbox is ever
//! loaded half. Snapshots are made and restored by [`crate::snapshots`], the
//! same functions as the control plane's snapshot routes.

use std::fs;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;

use crate::api::error::GraphError;
use crate::api::guard::guard;
use crate::api::state::{AppState, CreateSandbox, lock};
use crate::snapshots;
use crate::world::sandbox::Sandbox;

/// The folder under the state directory that holds one file per sandbox.
const SANDBOXES: &str = "sandboxes";
const EXTENSION: &str = "json";

/// What a start restored, and the files it skipped with the reason.
#[derive(Debug, Default)]
pub struct Restored {
    pub sandboxes: Vec<String>,
    pub skipped: Vec<(PathBuf, String)>,
}

fn folder(dir: &Path) -> Result<PathBuf, String> {
    let folder = dir.join(SANDBOXES);
    fs::create_dir_all(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    Ok(folder)
}

/// The snapshot files of `folder`, by name.
fn snapshot_files(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        fs::read_dir(folder).map_err(|e| format!("cannot read {}: {e}", folder.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == EXTENSION))
        .collect();
    files.sort();
    Ok(files)
}

/// Restore one file as the sandbox its name gives; on failure nothing changes.
fn restore_file(state: &AppState, path: &Path) -> Result<String, String> {
    let id = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .ok_or("the file name is not a sandbox id")?
        .to_owned();
    let text = fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let sandbox = Sandbox::import_snapshot(&text).map_err(|e| e.message())?;
    let created = state.sandbox(&id).is_none();
    if created {
        state
            .create_sandbox(CreateSandbox {
                id: Some(id.clone()),
                ..Default::default()
            })
            .map_err(|e| e.message.clone())?;
    }
    snapshots::restore(state, &id, sandbox).map_err(|e| {
        if created {
            state.delete_sandbox(&id);
        }
        e.message.clone()
    })?;
    Ok(id)
}

/// Restore every snapshot in `dir` (replacing a live sandbox of the same id).
pub fn restore_all(state: &AppState, dir: &Path) -> Result<Restored, String> {
    let mut restored = Restored::default();
    for path in snapshot_files(&folder(dir)?)? {
        match restore_file(state, &path) {
            Ok(id) => restored.sandboxes.push(id),
            Err(reason) => restored.skipped.push((path, reason)),
        }
    }
    Ok(restored)
}

/// Write `text` to `path` through a temporary file and a rename, so that a
/// crash mid-write leaves the previous snapshot whole.
fn write_whole(path: &Path, text: &str) -> Result<(), String> {
    let temporary = path.with_extension("tmp");
    fs::write(&temporary, text)
        .and_then(|()| fs::rename(&temporary, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Write every sandbox's snapshot to `dir` and remove the files of sandboxes
/// that no longer exist. Returns the ids written.
pub fn save_all(state: &AppState, dir: &Path) -> Result<Vec<String>, String> {
    let folder = folder(dir)?;
    let mut saved = Vec::new();
    for shared in state.sandboxes() {
        let (id, text) = {
            let sandbox = lock(&shared);
            let text = sandbox.export_snapshot();
            (sandbox.id.clone(), text)
        };
        write_whole(&folder.join(format!("{id}.{EXTENSION}")), &text)?;
        saved.push(id);
    }
    for path in snapshot_files(&folder)? {
        let stem = path.file_stem().and_then(|stem| stem.to_str());
        if !stem.is_some_and(|stem| saved.iter().any(|id| id == stem)) {
            fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    Ok(saved)
}

/// `POST /_sim/state/save`: write every snapshot now.
pub fn routes(state: AppState, dir: PathBuf) -> Router {
    let guarded = state.clone();
    Router::new()
        .route(
            "/_sim/state/save",
            post(move || {
                let (state, dir) = (state.clone(), dir.clone());
                async move { save_answer(&state, &dir) }
            }),
        )
        .route_layer(axum::middleware::from_fn_with_state(guarded, guard))
}

fn save_answer(state: &AppState, dir: &Path) -> Response {
    match save_all(state, dir) {
        Ok(saved) => (
            StatusCode::OK,
            [("content-type", "application/json; charset=UTF-8")],
            json!({ "saved": saved, "dir": dir.join(SANDBOXES) }).to_string(),
        )
            .into_response(),
        Err(message) => {
            let mut error = GraphError::sim_invalid(message);
            error.http_status = 500;
            error.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::state::ServerConfig;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("metasim-state-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn state_with(ids: &[(&str, u64)]) -> AppState {
        let state = AppState::new(ServerConfig::default());
        for (id, seed) in ids {
            state
                .create_sandbox(CreateSandbox {
                    id: Some((*id).into()),
                    seed: Some(*seed),
                    ..Default::default()
                })
                .unwrap();
        }
        state
    }

    #[test]
    fn saved_sandboxes_come_back_identical_and_deleted_ones_stay_gone() {
        let dir = scratch("roundtrip");
        let state = state_with(&[("default", 0), ("demo", 4), ("gone", 5)]);
        state.delete_sandbox("gone");
        assert_eq!(save_all(&state, &dir).unwrap(), ["default", "demo"]);

        let fresh = state_with(&[("default", 9)]);
        let restored = restore_all(&fresh, &dir).unwrap();
        assert_eq!(restored.sandboxes, ["default", "demo"]);
        assert!(restored.skipped.is_empty(), "{:?}", restored.skipped);
        for id in ["default", "demo"] {
            let before = lock(&state.sandbox(id).unwrap()).export_snapshot();
            let after = lock(&fresh.sandbox(id).unwrap()).export_snapshot();
            assert_eq!(before, after, "{id}");
        }
        assert!(fresh.sandbox("gone").is_none());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn corrupt_or_misnamed_files_are_skipped_with_a_reason_and_change_nothing() {
        let dir = scratch("corrupt");
        let state = state_with(&[("default", 0), ("good", 1)]);
        save_all(&state, &dir).unwrap();
        let folder = dir.join(SANDBOXES);
        let good = fs::read_to_string(folder.join("good.json")).unwrap();
        // Cut in half: the JSON ends early.
        fs::write(folder.join("half.json"), &good[..good.len() / 2]).unwrap();
        // Valid JSON, wrong shape.
        fs::write(folder.join("shape.json"), r#"{"id": 5}"#).unwrap();
        // A name that is not a sandbox id.
        fs::write(folder.join("not valid!.json"), &good).unwrap();

        let fresh = state_with(&[("default", 3)]);
        let before = lock(&fresh.sandbox("default").unwrap()).export_snapshot();
        let restored = restore_all(&fresh, &dir).unwrap();
        assert_eq!(restored.sandboxes, ["default", "good"]);
        let reasons: Vec<String> = restored
            .skipped
            .iter()
            .map(|(path, reason)| {
                format!("{}: {reason}", path.file_name().unwrap().to_string_lossy())
            })
            .collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(
            reasons[0].starts_with("half.json: Invalid JSON body: EOF while parsing"),
            "{reasons:?}"
        );
        assert!(reasons[1].contains("id: use 1 to 64"), "{reasons:?}");
        assert!(
            reasons[2]
                .starts_with("shape.json: Invalid JSON body: missing field `snapshot_format`"),
            "{reasons:?}"
        );
        for skipped in ["half", "shape", "not valid!"] {
            assert!(fresh.sandbox(skipped).is_none(), "{skipped}");
        }
        assert_ne!(
            before,
            lock(&fresh.sandbox("default").unwrap()).export_snapshot(),
            "the good default snapshot replaced seed 3's"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
