//! What a browser gets at `/`: a small page saying where things are — the
//! dashboard (`/_sim/ui`), the control plane, the Graph base URL, the docs —
//! instead of the Graph API's JSON error. Only a `GET /` whose `Accept`
//! names `text/html` gets it; SDKs and curl keep Meta's answer.

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT, HOST};
use axum::response::{Html, IntoResponse, Response};

/// Whether a request for `/` comes from a browser.
pub fn wants_page(headers: &HeaderMap) -> bool {
    headers
        .get(ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Escape text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page, with absolute URLs on the host the browser used.
pub fn page(headers: &HeaderMap) -> Response {
    let host = headers
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let base = escape(&format!("http://{host}"));
    let version = env!("CARGO_PKG_VERSION");
    Html(format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>metasim</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:44em;margin:3em auto;padding:0 1em}}code{{background:#f2f2f2;padding:0 .2em}}</style>
</head><body>
<h1>metasim {version}</h1>
<p>An offline, deterministic simulator of Meta's business platform. This address answers as the Graph API; a browser gets this page instead.</p>
<ul>
<li><a href="/_sim/ui">Dashboard</a> — sandboxes, phones and webhooks, live (where this build has it).</li>
<li>Graph base URL: <code>{base}/v23.0</code> — use it where an SDK takes <code>https://graph.facebook.com</code>.</li>
<li>Control plane: <a href="/_sim/sandboxes">/_sim/sandboxes</a>, the demo sandbox's handles and tokens at <a href="/_sim/sandboxes/default">/_sim/sandboxes/default</a>, <a href="/_sim/health">/_sim/health</a>.</li>
<li>Docs: README.md and docs/ in the metasim repository (control-plane.md, sdks.md, https.md, scenarios.md).</li>
</ul>
</body></html>
"#
    ))
    .into_response()
}
