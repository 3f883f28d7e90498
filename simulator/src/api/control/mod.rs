//! The `/_sim` control plane: everything a test needs that Meta has no API
//! for. JSON in and out; errors in Meta's envelope. Every route is documented
//! in docs/control-plane.md. This module holds what all routes share (the
//! sandbox, path and body extractors, answers); the sandbox-wide routes live
//! in one file per area, each product's in a folder of its own.

mod accounts_center;
mod apps;
mod directory;
mod events;
mod facebook;
mod instagram;
mod listing;
mod pages;
mod person_message;
mod sandboxes;
mod stream;
mod webhooks;
mod whatsapp;

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::GraphError;
use super::http::read_body;
use super::state::{AppState, SharedSandbox};

type Answer = Result<Response, GraphError>;

/// axum's `Path`, with a malformed segment (e.g. invalid UTF-8) answered in
/// Meta's envelope instead of axum's plain-text rejection.
struct SimPath<T>(T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for SimPath<T> {
    type Rejection = GraphError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GraphError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| SimPath(value))
            .map_err(|rejection| GraphError::sim_invalid(rejection.body_text()))
    }
}

pub fn router() -> Router<AppState> {
    sandboxes::routes()
        .merge(apps::routes())
        .merge(events::routes())
        .merge(webhooks::routes())
        .merge(stream::routes())
        .merge(directory::routes())
        .merge(whatsapp::routes())
        .merge(pages::routes())
        .merge(instagram::routes())
        .merge(facebook::routes())
        .merge(accounts_center::routes())
}

fn ok(status: StatusCode, body: Value) -> Answer {
    Ok((
        status,
        [("content-type", "application/json; charset=UTF-8")],
        body.to_string(),
    )
        .into_response())
}

/// Parse a JSON body into `T`; an empty body reads as `{}`. Errors name the
/// field. The content type is not enforced (`curl -d` sends a form type with a
/// JSON body), but a failure says when it was not JSON.
async fn json_body<T: DeserializeOwned>(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<T, GraphError> {
    let bytes = body_bytes(state, body).await?;
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        // `?` is serde_path_to_error's name for a key not read yet (the root).
        let place = if matches!(path.as_str(), "" | "." | "?") {
            String::new()
        } else {
            format!(" at {path}")
        };
        let hint = if content_type.is_empty() || content_type.contains("json") {
            String::new()
        } else {
            format!(" (the control plane takes JSON bodies; this one was sent as {content_type:?})")
        };
        GraphError::sim_invalid(format!("Invalid JSON body{place}: {inner}{hint}"))
    })
}

/// A request body up to the server's limit (a Meta-shaped 413 beyond it).
async fn body_bytes(state: &AppState, body: Body) -> Result<axum::body::Bytes, GraphError> {
    body_bytes_within(state, body, state.config().body_limit).await
}

/// A request body up to `limit` bytes (a Meta-shaped 413 beyond it).
async fn body_bytes_within(
    state: &AppState,
    body: Body,
    limit: usize,
) -> Result<axum::body::Bytes, GraphError> {
    read_body(body, limit, state.config().body_timeout)
        .await
        .map_err(|mut error| {
            error.error_type = "MetasimException";
            error
        })
}

fn find(state: &AppState, sid: &str) -> Result<SharedSandbox, GraphError> {
    state
        .sandbox(sid)
        .ok_or_else(|| GraphError::sim_not_found(format!("No sandbox with id {sid:?}")))
}

/// The sandbox named by the route's `{sid}`, or the control plane's 404.
struct SimSandbox(SharedSandbox);

impl FromRequestParts<AppState> for SimSandbox {
    type Rejection = GraphError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, GraphError> {
        let SimPath(params) =
            SimPath::<HashMap<String, String>>::from_request_parts(parts, state).await?;
        let sid = params.get("sid").map_or("", String::as_str);
        find(state, sid).map(SimSandbox)
    }
}

/// A JSON body read as `T` (see [`json_body`]).
struct SimJson<T>(T);

impl<T: DeserializeOwned> FromRequest<AppState> for SimJson<T> {
    type Rejection = GraphError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, GraphError> {
        let (parts, body) = request.into_parts();
        json_body(state, &parts.headers, body).await.map(SimJson)
    }
}
