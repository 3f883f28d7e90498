//! A real webhook receiver for the tests — an axum server on `127.0.0.1:0` —
//! and the webhook calls around it. The receiver answers Meta's verification
//! handshake (echo the challenge, a wrong body, or an error status), checks
//! every POST as a careful integration does (both signatures over the raw
//! bytes with the app secret, an ASCII-only JSON body, Meta's headers),
//! records what arrived in order, and can be told to fail the next requests
//! (an error status, a closed connection, or an answer slower than metasim
//! waits). The helpers subscribe apps and WABAs through the Graph API and
//! drive the outbox through the control plane.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::{Reply, Sandbox, Sim, V, Value, json};

/// The longest a test waits for something to arrive.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// How the receiver answers the verification GET.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handshake {
    /// HTTP 200 with the challenge as the body, as Meta requires.
    Echo,
    /// HTTP 200 with a body that is not the challenge.
    WrongBody,
    /// This status, with the challenge as the body.
    Status(u16),
}

/// How the receiver fails a POST it was told to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Answer with this status.
    Status(u16),
    /// Close the connection without answering.
    Close,
    /// Answer 200, but only after this long.
    Slow(Duration),
}

/// One POST as it arrived.
#[derive(Debug, Clone)]
pub struct Post {
    pub path: String,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub json: Value,
    /// How the receiver failed it (`None`: answered 200 at once).
    pub failure: Option<Failure>,
}

impl Post {
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.bytes).expect("checked ASCII on arrival")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

struct Inner {
    secret: String,
    handshake: Handshake,
    /// Fail this many of the next POSTs this way.
    failing: Option<(Failure, u32)>,
    posts: Vec<Post>,
    /// Query parameters of every verification GET.
    handshakes: Vec<BTreeMap<String, String>>,
    /// What a careful receiver would have refused.
    problems: Vec<String>,
}

/// A webhook endpoint for one app secret; stops when dropped.
pub struct Receiver {
    base: String,
    inner: Arc<Mutex<Inner>>,
    server: JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn hmac_256(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn hmac_1(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// `sha256=…` and `sha1=…` of `body` with `secret`, as Meta signs.
pub fn signatures(secret: &str, body: &[u8]) -> (String, String) {
    (
        format!("sha256={}", hmac_256(secret, body)),
        format!("sha1={}", hmac_1(secret, body)),
    )
}

/// What is wrong with a delivery, as a careful receiver checks it.
fn problems_of(secret: &str, headers: &HeaderMap, body: &[u8]) -> Vec<String> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (sha256, sha1) = signatures(secret, body);
    let mut problems = Vec::new();
    let expected = [
        ("x-hub-signature-256", sha256.as_str()),
        ("x-hub-signature", sha1.as_str()),
        ("content-type", "application/json"),
        ("user-agent", "facebookexternalua"),
    ];
    for (name, want) in expected {
        if header(name) != Some(want) {
            problems.push(format!("{name}: {:?}, expected {want:?}", header(name)));
        }
    }
    if !body.is_ascii() {
        problems.push("the body is not ASCII-only JSON".to_owned());
    }
    if serde_json::from_slice::<Value>(body).is_err() {
        problems.push("the body is not JSON".to_owned());
    }
    problems
}

fn lock(inner: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    inner.lock().unwrap_or_else(|p| p.into_inner())
}

fn handshake_answer(mode: Handshake, query: &BTreeMap<String, String>) -> Response {
    let challenge = query.get("hub.challenge").cloned().unwrap_or_default();
    match mode {
        Handshake::Echo => (StatusCode::OK, challenge).into_response(),
        Handshake::WrongBody => (StatusCode::OK, "not the challenge").into_response(),
        Handshake::Status(code) => {
            (StatusCode::from_u16(code).expect("a status"), challenge).into_response()
        }
    }
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method == Method::GET {
        let query: BTreeMap<String, String> =
            form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        let mode = {
            let mut inner = lock(&inner);
            inner.handshakes.push(query.clone());
            inner.handshake
        };
        return handshake_answer(mode, &query);
    }
    let failure = {
        let mut inner = lock(&inner);
        let problems = problems_of(&inner.secret, &headers, &body);
        if !problems.is_empty() {
            inner
                .problems
                .push(format!("{} {uri}: {}", method, problems.join("; ")));
            return StatusCode::FORBIDDEN.into_response();
        }
        let failure = match &mut inner.failing {
            Some((failure, left)) if *left > 0 => {
                *left -= 1;
                Some(*failure)
            }
            _ => None,
        };
        inner.posts.push(Post {
            path: uri.path().to_owned(),
            headers: headers.clone(),
            json: serde_json::from_slice(&body).unwrap_or(Value::Null),
            bytes: body.to_vec(),
            failure,
        });
        failure
    };
    match failure {
        None => (StatusCode::OK, "EVENT_RECEIVED").into_response(),
        Some(Failure::Status(code)) => StatusCode::from_u16(code)
            .expect("a status")
            .into_response(),
        // Unwinding without the panic hook ends the connection quietly.
        Some(Failure::Close) => std::panic::resume_unwind(Box::new("close the connection")),
        Some(Failure::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            (StatusCode::OK, "EVENT_RECEIVED").into_response()
        }
    }
}

impl Receiver {
    /// Listen on a free local port; deliveries must be signed with `secret`.
    pub async fn start(secret: &str) -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            secret: secret.to_owned(),
            handshake: Handshake::Echo,
            failing: None,
            posts: Vec::new(),
            handshakes: Vec::new(),
            problems: Vec::new(),
        }));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let app = Router::new().fallback(handle).with_state(inner.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the receiver runs");
        });
        Self {
            base,
            inner,
            server,
        }
    }

    /// The receiver's URL for `path` (`/hook`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn answer_handshake(&self, mode: Handshake) {
        lock(&self.inner).handshake = mode;
    }

    /// Fail the next `count` POSTs this way.
    pub fn fail_next(&self, count: u32, failure: Failure) {
        lock(&self.inner).failing = Some((failure, count));
    }

    /// Query parameters of every verification GET so far.
    pub fn handshakes(&self) -> Vec<BTreeMap<String, String>> {
        lock(&self.inner).handshakes.clone()
    }

    /// Why the receiver refused deliveries (bad signatures, headers or bodies).
    pub fn refused(&self) -> Vec<String> {
        lock(&self.inner).problems.clone()
    }

    /// Every POST so far (failed ones too), in arrival order. Panics if any
    /// delivery was badly signed or shaped.
    #[track_caller]
    pub fn posts(&self) -> Vec<Post> {
        let inner = lock(&self.inner);
        assert!(
            inner.problems.is_empty(),
            "refused deliveries: {:#?}",
            inner.problems
        );
        inner.posts.clone()
    }

    /// The POSTs answered 200 at once: what the integration processed.
    #[track_caller]
    pub fn received(&self) -> Vec<Post> {
        self.posts()
            .into_iter()
            .filter(|p| p.failure.is_none())
            .collect()
    }

    /// The bodies of [`Receiver::received`], parsed.
    #[track_caller]
    pub fn bodies(&self) -> Vec<Value> {
        self.received().into_iter().map(|p| p.json).collect()
    }

    /// Wait (at most [`PATIENCE`]) until `count` POSTs arrived; returns them all.
    pub async fn wait_for_posts(&self, count: usize) -> Vec<Post> {
        let started = Instant::now();
        loop {
            let posts = self.posts();
            if posts.len() >= count {
                return posts;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{} of {count} POSTs arrived within {PATIENCE:?}",
                posts.len()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Assert equal JSON *and* equal member order (what a byte-exact body needs).
#[track_caller]
pub fn assert_same_json(actual: &Value, expected: &Value) {
    assert_eq!(
        serde_json::to_string_pretty(actual).expect("JSON"),
        serde_json::to_string_pretty(expected).expect("JSON")
    );
}

/// A report or attempt with its `latency_ms` (real time, not deterministic) removed.
pub fn without_latency(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.remove("latency_ms");
        if let Some(Value::Array(attempts)) = object.get_mut("attempts") {
            for attempt in attempts {
                *attempt = without_latency(attempt.take());
            }
        }
    }
    value
}

/// `POST /{app-id}/subscriptions` for the app `app` (a handle), with its app
/// token and a JSON body.
pub async fn subscribe_app(sim: &Sim, sandbox: &Sandbox, app: &str, body: &Value) -> Reply {
    sim.send(
        sim.request(
            Method::POST,
            &format!("/{V}/{}/subscriptions", sandbox.id_of(app)),
        )
        .bearer_auth(sandbox.app_token(app))
        .json(body),
    )
    .await
}

/// Subscribe the app `app` to `fields` of `object` at `callback_url` (verify
/// token `metasim-verify`); asserts success.
pub async fn subscribe_for(
    sim: &Sim,
    sandbox: &Sandbox,
    app: &str,
    object: &str,
    fields: &[&str],
    callback_url: &str,
) {
    let body = json!({
        "object": object,
        "callback_url": callback_url,
        "verify_token": "metasim-verify",
        "fields": fields,
    });
    let reply = subscribe_app(sim, sandbox, app, &body).await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
}

/// [`subscribe_for`] the demo app.
pub async fn subscribe(
    sim: &Sim,
    sandbox: &Sandbox,
    object: &str,
    fields: &[&str],
    callback_url: &str,
) {
    subscribe_for(sim, sandbox, "app", object, fields, callback_url).await;
}

/// `GET /{app-id}/subscriptions` with the app token: its `data`.
pub async fn app_subscriptions(sim: &Sim, sandbox: &Sandbox) -> Value {
    let reply = sim
        .get_as(
            &sandbox.app_token("app"),
            &format!("/{V}/{}/subscriptions", sandbox.id_of("app")),
        )
        .await;
    reply.ok()["data"].clone()
}

/// `POST /{waba-id}/subscribed_apps` as `token` with an optional JSON body.
pub async fn subscribe_waba_as(
    sim: &Sim,
    sandbox: &Sandbox,
    waba_handle: &str,
    token: &str,
    body: Option<&Value>,
) -> Reply {
    let request = sim
        .request(
            Method::POST,
            &format!("/{V}/{}/subscribed_apps", sandbox.id_of(waba_handle)),
        )
        .bearer_auth(token);
    let request = match body {
        Some(body) => request.json(body),
        None => request,
    };
    sim.send(request).await
}

/// The demo app subscribes to the demo WABA (as the system user); asserts success.
pub async fn subscribe_waba(sim: &Sim, sandbox: &Sandbox) {
    let reply = subscribe_waba_as(
        sim,
        sandbox,
        "waba",
        sandbox.token("system_user_token"),
        None,
    )
    .await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
}

/// Subscribe the demo app to the demo WABA's `fields` at the receiver's `/hook`.
pub async fn subscribe_whatsapp(
    sim: &Sim,
    sandbox: &Sandbox,
    receiver: &Receiver,
    fields: &[&str],
) {
    let url = receiver.url("/hook");
    subscribe(sim, sandbox, "whatsapp_business_account", fields, &url).await;
    subscribe_waba(sim, sandbox).await;
}

/// Webhook control-plane calls.
impl Sim {
    /// `POST …/webhooks/deliver`: the report of each attempt.
    pub async fn deliver(&self, sandbox: &Sandbox) -> Vec<Value> {
        let reply = self
            .post_json(&sandbox.sim("/webhooks/deliver"), &json!({}))
            .await;
        reply.ok()["data"].as_array().expect("reports").clone()
    }

    /// `GET …/webhooks/deliveries`: every delivery with every attempt.
    pub async fn deliveries(&self, sandbox: &Sandbox) -> Vec<Value> {
        self.all(&sandbox.sim("/webhooks/deliveries?after=0")).await
    }

    /// `POST …/webhooks/settings`; returns the settings now in force.
    pub async fn webhook_settings(&self, sandbox: &Sandbox, settings: &Value) -> Value {
        let reply = self
            .post_json(&sandbox.sim("/webhooks/settings"), settings)
            .await;
        reply.ok().clone()
    }

    /// `POST …/webhooks/trigger`; asserts 201 and returns the answer.
    pub async fn trigger(&self, sandbox: &Sandbox, body: &Value) -> Value {
        let reply = self
            .post_json(&sandbox.sim("/webhooks/trigger"), body)
            .await;
        assert_eq!(reply.status, 201, "trigger: {}", reply.text());
        reply.json
    }
}
