//! The runner's webhook receiver: one small HTTP server for a whole run, with
//! one endpoint per scenario (`/hooks/{sandbox-id}`, the `${webhook_url}` of
//! that scenario). It answers Meta's verification handshake by echoing the
//! challenge, checks every POST's `X-Hub-Signature-256` against the
//! sandbox's app secrets, records what arrived in order, and answers with the
//! status the scenario chose (`receiver` steps: 200 up, 5xx down).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// One POST as it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// The body, parsed (a string when it was not JSON).
    pub body: Value,
    /// `X-Hub-Signature-256` as sent.
    pub signature: String,
    /// Whether it was the HMAC of the body with an app secret.
    pub signature_valid: bool,
    /// The status the receiver answered.
    pub answered: u16,
}

struct Endpoint {
    secrets: Vec<String>,
    status: u16,
    posts: Vec<Post>,
}

type Endpoints = Arc<Mutex<BTreeMap<String, Endpoint>>>;

fn lock(endpoints: &Endpoints) -> MutexGuard<'_, BTreeMap<String, Endpoint>> {
    endpoints.lock().unwrap_or_else(|p| p.into_inner())
}

pub struct Receiver {
    base: String,
    endpoints: Endpoints,
    server: JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn signed(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_digest) = header.and_then(|h| h.strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(digest) = hex::decode(hex_digest) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&digest).is_ok()
}

async fn endpoint(
    State(endpoints): State<Endpoints>,
    Path(sid): Path<String>,
    RawQuery(query): RawQuery,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut all = lock(&endpoints);
    let Some(endpoint) = all.get_mut(&sid) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if method == Method::GET {
        let challenge = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .find(|(key, _)| key == "hub.challenge")
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        return (StatusCode::OK, challenge).into_response();
    }
    let header = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    let signature_valid = endpoint
        .secrets
        .iter()
        .any(|secret| signed(secret, &body, header));
    let answered = if signature_valid {
        endpoint.status
    } else {
        StatusCode::FORBIDDEN.as_u16()
    };
    endpoint.posts.push(Post {
        body: serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned())),
        signature: header.unwrap_or_default().to_owned(),
        signature_valid,
        answered,
    });
    StatusCode::from_u16(answered)
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        .into_response()
}

impl Receiver {
    /// Listen on a free local port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let endpoints = Endpoints::default();
        let app = Router::new()
            .route("/hooks/{sid}", any(endpoint))
            .with_state(endpoints.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            base,
            endpoints,
            server,
        })
    }

    /// `http://127.0.0.1:{port}` (transcripts write it as `{receiver}`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Open the endpoint of a sandbox (answering 200), checking signatures
    /// against its app secrets; returns its URL.
    pub fn open(&self, sid: &str, secrets: Vec<String>) -> String {
        lock(&self.endpoints).insert(
            sid.to_owned(),
            Endpoint {
                secrets,
                status: 200,
                posts: Vec::new(),
            },
        );
        format!("{}/hooks/{sid}", self.base)
    }

    pub fn close(&self, sid: &str) {
        lock(&self.endpoints).remove(sid);
    }

    /// Answer this status from now on.
    pub fn set_status(&self, sid: &str, status: u16) {
        if let Some(endpoint) = lock(&self.endpoints).get_mut(sid) {
            endpoint.status = status;
        }
    }

    /// The POSTs after the first `from`.
    pub fn posts_since(&self, sid: &str, from: usize) -> Vec<Post> {
        lock(&self.endpoints)
            .get(sid)
            .map(|endpoint| endpoint.posts.iter().skip(from).cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_against_the_secret() {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(b"{}");
        let good = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert!(signed("s3cret", b"{}", Some(&good)));
        assert!(!signed("other", b"{}", Some(&good)));
        assert!(!signed("s3cret", b"{ }", Some(&good)));
        assert!(!signed("s3cret", b"{}", Some("sha256=zz")));
        assert!(!signed("s3cret", b"{}", None));
    }
}
