//! The bare baseline: an axum server that answers `GET /{version}/{id}` with a
//! fixed body, and `POST /{version}/{id}/messages` by parsing the JSON body and
//! answering Cloud API's shape with a new message id — what any server must do
//! for those calls, and nothing else. It runs in-process for the throughput
//! comparisons and as a child process (`metasim-bench baseline-server`) for the
//! start-to-ready comparison and the external load generator.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::routing::{get, post};
use serde_json::Value;
use tokio::net::TcpListener;

/// What the baseline child process prints first, followed by its base URL.
pub const READY_PREFIX: &str = "baseline ready at ";

/// The body the baseline child process serves unless told another (its
/// content does not matter for the start-to-ready comparison).
const PROCESS_BODY: &str = r#"{"id":"0","status":"CONNECTED"}"#;

/// A router whose GET route answers with `body` under `content_type`, and
/// whose send route answers each message with a new id.
fn router(body: Bytes, content_type: HeaderValue) -> Router {
    let answer = move || {
        let body = body.clone();
        let content_type = content_type.clone();
        async move { ([(CONTENT_TYPE, content_type)], body) }
    };
    let sent = Arc::new(AtomicU64::new(0));
    let send = move |request: Bytes| {
        let sent = sent.clone();
        async move { send_message(&request, sent.fetch_add(1, Ordering::Relaxed)) }
    };
    Router::new()
        .route("/{version}/{id}", get(answer))
        .route("/{version}/{id}/messages", post(send))
}

/// Parse a Cloud API send and answer its shape:
/// `{"messaging_product":"whatsapp","contacts":[{"input","wa_id"}],"messages":[{"id"}]}`.
fn send_message(
    body: &[u8],
    number: u64,
) -> (
    StatusCode,
    [(axum::http::HeaderName, &'static str); 1],
    String,
) {
    let json = [(CONTENT_TYPE, "application/json; charset=UTF-8")];
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return (
            StatusCode::BAD_REQUEST,
            json,
            r#"{"error":{"code":100}}"#.to_owned(),
        );
    };
    let to = request["to"].as_str().unwrap_or_default();
    let answer = serde_json::json!({
        "messaging_product": "whatsapp",
        "contacts": [{ "input": to, "wa_id": to }],
        "messages": [{ "id": format!("wamid.HBgLMTU1NTAxMDk5OTkVAgARGBI{number:032X}") }],
    });
    (StatusCode::OK, json, answer.to_string())
}

/// Bind 127.0.0.1:0 and serve the fixed answer on the current runtime until it
/// shuts down; returns the bound address.
pub async fn start(body: Bytes, content_type: HeaderValue) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, router(body, content_type)).await;
    });
    Ok(address)
}

/// The `baseline-server` subcommand: the same start-up path as `metasim serve`
/// (a default multi-thread runtime, bind port 0, print the ready line) with
/// nothing else, serving `body` (or a small default) until killed.
pub fn serve_process(body: Option<String>) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot listen: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        println!("{READY_PREFIX}http://{address}");
        let _ = std::io::stdout().flush();
        let body = body.map_or(Bytes::from_static(PROCESS_BODY.as_bytes()), Bytes::from);
        let app = router(
            body,
            HeaderValue::from_static("application/json; charset=UTF-8"),
        );
        axum::serve(listener, app).await.map_err(|e| e.to_string())
    })
}
