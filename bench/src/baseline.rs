//! The bare baseline: an axum server that answers `GET /{version}/{id}` with a
//! fixed body and does nothing else. It runs in-process for the throughput
//! comparison and as a child process (`metasim-bench baseline-server`) for the
//! start-to-ready comparison.

use std::io::Write as _;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::http::HeaderValue;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use tokio::net::TcpListener;

/// What the baseline child process prints first, followed by its base URL.
pub const READY_PREFIX: &str = "baseline ready at ";

/// The body the baseline child process serves (its content does not matter there).
const PROCESS_BODY: &str = r#"{"id":"0","status":"CONNECTED"}"#;

/// A router whose only route answers with `body` under `content_type`.
fn router(body: Bytes, content_type: HeaderValue) -> Router {
    let answer = move || {
        let body = body.clone();
        let content_type = content_type.clone();
        async move { ([(CONTENT_TYPE, content_type)], body) }
    };
    Router::new().route("/{version}/{id}", get(answer))
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
/// nothing else, serving until killed.
pub fn serve_process() -> Result<(), String> {
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
        let app = router(
            Bytes::from_static(PROCESS_BODY.as_bytes()),
            HeaderValue::from_static("application/json"),
        );
        axum::serve(listener, app).await.map_err(|e| e.to_string())
    })
}
