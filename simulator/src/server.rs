//! Assemble the HTTP server: the control plane under `/_sim`, the Graph API
//! everywhere else, Meta-shaped answers for unknown control routes and wrong
//! methods, and a graceful shutdown.

use std::future::Future;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;

use axum::routing::get;

use crate::api::control;
use crate::api::error::GraphError;
use crate::api::http::graph_handler;
use crate::api::media_download::download;
use crate::api::state::AppState;
use crate::api::whatsapp::media::DOWNLOAD_PATH;

async fn fallback(
    state: State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if uri.path() == "/_sim" || uri.path().starts_with("/_sim/") {
        return GraphError::sim_not_found(format!(
            "No control-plane route {method} {}",
            uri.path()
        ))
        .into_response();
    }
    graph_handler(state, method, uri, headers, body).await
}

async fn wrong_method(method: Method, uri: Uri) -> Response {
    let mut error = GraphError::sim_invalid(format!("{} does not accept {method}", uri.path()));
    error.http_status = 405;
    error.into_response()
}

pub fn router(state: AppState) -> Router {
    control::router()
        .route(DOWNLOAD_PATH, get(download))
        .route(DOWNLOAD_PATH.trim_end_matches('/'), get(download))
        .method_not_allowed_fallback(wrong_method)
        .fallback(fallback)
        .with_state(state)
}

/// Serve until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
