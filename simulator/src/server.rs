//! Assemble the HTTP server: the control plane under `/_sim`, the Graph API
//! everywhere else, Meta-shaped answers for unknown control routes and wrong
//! methods, webhook delivery after every change (auto mode) and on a ticker
//! (for retries coming due on a realtime clock), and a graceful shutdown.

use std::future::Future;

use axum::Router;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;

use std::time::Duration;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::routing::get;

use crate::api::control;
use crate::api::error::GraphError;
use crate::api::guard::{check, guard, is_control_plane};
use crate::api::http::graph_handler;
use crate::api::state::{AppState, lock};
use crate::api::webhooks::sender::kick;
use crate::api::whatsapp::media::DOWNLOAD_PATH;
use crate::api::whatsapp::media_download::download;

async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    let (method, path, headers) = (request.method(), request.uri().path(), request.headers());
    if is_control_plane(path) {
        // The guard runs before the answer, as for the routes that exist.
        if let Err(refused) = check(state.config(), method, path, headers) {
            return refused.into_response();
        }
        return GraphError::sim_not_found(format!("No control-plane route {method} {path}"))
            .into_response();
    }
    if method == Method::GET && path == "/" && crate::home::wants_page(headers) {
        return crate::home::page(headers);
    }
    graph_handler(state, request).await
}

async fn wrong_method(method: Method, uri: Uri) -> Response {
    let mut error = GraphError::sim_invalid(format!("{} does not accept {method}", uri.path()));
    error.http_status = 405;
    error.into_response()
}

/// The sandbox a control-plane call changes (`/_sim/sandboxes/{sid}/…`, not GET).
fn changed_sandbox(method: &Method, path: &str) -> Option<String> {
    if method == Method::GET {
        return None;
    }
    let rest = path.strip_prefix("/_sim/sandboxes/")?;
    let (sid, _) = rest.split_once('/')?;
    Some(sid.to_owned())
}

/// After a control-plane change: turn its events into deliveries at once
/// (payloads show the state of that moment) and, in auto mode, send them.
async fn after_control(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let changed = changed_sandbox(request.method(), request.uri().path());
    let response = next.run(request).await;
    if let Some(sid) = changed {
        if let Some(shared) = state.sandbox(&sid) {
            lock(&shared).route_events();
        }
        kick(&state, &sid);
        state.changes().touch(&sid);
    }
    response
}

pub fn router(state: AppState) -> Router {
    // Only control-plane routes change sandboxes from outside a Graph call;
    // Graph calls route their own events, so they skip this layer.
    let control_plane = control::router()
        .route_layer(middleware::from_fn_with_state(state.clone(), after_control))
        .merge(crate::api::ui::routes())
        .method_not_allowed_fallback(wrong_method)
        // What the control plane trusts (docs/security.md), before any of it
        // runs; `fallback` checks it for the control paths no route serves.
        // Graph calls (the fallback) do not pass through this layer.
        .layer(middleware::from_fn_with_state(state.clone(), guard));
    let downloads = Router::new()
        .route(DOWNLOAD_PATH, get(download))
        .route(DOWNLOAD_PATH.trim_end_matches('/'), get(download))
        .method_not_allowed_fallback(wrong_method);
    control_plane
        .merge(downloads)
        .fallback(fallback)
        .with_state(state)
}

/// Every second, send what has come due in auto-delivery sandboxes.
async fn delivery_ticker(state: AppState) {
    let mut interval = tokio::time::interval(Duration::from_secs(1));
    loop {
        interval.tick().await;
        let ids: Vec<String> = state
            .sandboxes()
            .iter()
            .map(|s| lock(s).id.clone())
            .collect();
        for sid in ids {
            kick(&state, &sid);
        }
    }
}

/// Serve until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state.clone());
    serve_app(listener, state, app, shutdown).await
}

/// Serve `app` ([`router`], perhaps with layers around it) until `shutdown`
/// resolves, with the delivery ticker of `state` running meanwhile.
pub async fn serve_app(
    listener: TcpListener,
    state: AppState,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_timeout = state.config().header_timeout;
    let ticker = tokio::spawn(delivery_ticker(state));
    let served = crate::connections::serve(listener, app, header_timeout, shutdown).await;
    ticker.abort();
    served
}
