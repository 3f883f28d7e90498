//! A WhatsApp Flow's endpoint for tests: a real server (axum on 127.0.0.1)
//! holding the business private key, which decrypts each request, keeps it
//! with its signature and answers encrypted with the flipped IV (or as
//! scripted: a status, a delay, garbage); and the steps around it — a
//! published endpoint Flow, the business key, the Flow message sent to
//! Alice, and Alice opening it and acting on it through the control plane.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aes_gcm::AesGcm;
use aes_gcm::aead::consts::U16;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::aes::Aes128;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use rsa::Oaep;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::net::TcpListener;

use crate::payload_encryption::{business_key, business_public_pem};
use crate::whatsapp::{ALICE, MANAGER, assert_sent, phone, post};
use crate::{Reply, Sandbox, Sim, V};

type FlowCipher = AesGcm<Aes128, U16>;

/// DETAILS is served by the endpoint; CONFIRM refreshes on back.
pub const FLOW_JSON: &str = r#"{"version": "7.1", "data_api_version": "3.0", "routing_model": {"DETAILS": ["CONFIRM"], "CONFIRM": []}, "screens": [
  {"id": "DETAILS", "title": "Details", "data": {}, "layout": {"type": "SingleColumnLayout", "children": []}},
  {"id": "CONFIRM", "title": "Confirm", "refresh_on_back": true, "terminal": true, "data": {}, "layout": {"type": "SingleColumnLayout", "children": []}}
]}"#;

/// What the test endpoint does with its next request.
#[derive(Clone)]
pub enum Behaviour {
    Status(u16),
    Sleep(u64),
    Garbage,
    /// An answer over the 1 MiB metasim reads.
    Huge,
    Reply(Value),
}

#[derive(Default)]
struct Inner {
    script: VecDeque<Behaviour>,
    /// (raw body, X-Hub-Signature-256, decrypted request).
    requests: Vec<(Vec<u8>, String, Value)>,
}

/// A Flow endpoint holding the business private key.
pub struct Endpoint {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn field(body: &Value, name: &str) -> Vec<u8> {
    STANDARD
        .decode(body[name].as_str().expect("a base64 field"))
        .expect("base64")
}

/// The endpoint's answer when it is not scripted: the next screen.
fn route(request: &Value) -> Value {
    let token = &request["flow_token"];
    match (request["action"].as_str(), request["screen"].as_str()) {
        (Some("ping"), _) => json!({ "data": { "status": "active" } }),
        (Some("INIT"), _) | (Some("BACK"), _) => {
            json!({ "screen": "DETAILS", "data": { "greeting": "Hi" } })
        }
        (Some("data_exchange"), Some("DETAILS")) => {
            json!({ "screen": "CONFIRM", "data": { "slot": request["data"]["slot"] } })
        }
        _ => json!({ "screen": "SUCCESS", "data": { "extension_message_response": {
            "params": { "flow_token": token, "booked": request["data"]["slot"] } } } }),
    }
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let sealed: Value = serde_json::from_slice(&body).expect("a JSON body");
    let key = business_key()
        .decrypt(Oaep::new::<Sha256>(), &field(&sealed, "encrypted_aes_key"))
        .expect("the AES key opens with the business key");
    let iv = field(&sealed, "initial_vector");
    let cipher = FlowCipher::new_from_slice(&key).expect("a 128-bit key");
    let plain = cipher
        .decrypt(
            iv.as_slice().into(),
            field(&sealed, "encrypted_flow_data").as_slice(),
        )
        .expect("the request opens");
    let request: Value = serde_json::from_slice(&plain).expect("a JSON request");
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let behaviour = {
        let mut inner = inner.lock().unwrap();
        inner
            .requests
            .push((body.to_vec(), signature, request.clone()));
        inner.script.pop_front()
    };
    let answer = match behaviour {
        Some(Behaviour::Status(code)) => {
            return StatusCode::from_u16(code).unwrap().into_response();
        }
        Some(Behaviour::Garbage) => return "not an answer".into_response(),
        Some(Behaviour::Huge) => return "A".repeat(2 << 20).into_response(),
        Some(Behaviour::Sleep(ms)) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            route(&request)
        }
        Some(Behaviour::Reply(answer)) => answer,
        None => route(&request),
    };
    let flipped: Vec<u8> = iv.iter().map(|b| !b).collect();
    let sealed = cipher
        .encrypt(flipped.as_slice().into(), answer.to_string().as_bytes())
        .expect("the answer seals");
    STANDARD.encode(sealed).into_response()
}

impl Endpoint {
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/flow", routing::post(handle))
            .with_state(inner.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/flow", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the endpoint runs");
        });
        Self { url, inner, server }
    }

    pub fn script(&self, behaviours: &[Behaviour]) {
        self.inner
            .lock()
            .unwrap()
            .script
            .extend(behaviours.iter().cloned());
    }

    pub fn requests(&self) -> Vec<(Vec<u8>, String, Value)> {
        self.inner.lock().unwrap().requests.clone()
    }

    pub fn actions(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|(_, _, r)| r["action"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

pub fn graph(sim: &Sim, sandbox: &Sandbox, method: Method, path: &str) -> reqwest::RequestBuilder {
    sim.request(method, &format!("/{V}{path}"))
        .bearer_auth(sandbox.token(MANAGER))
}

/// A published Flow of the demo WABA served by `endpoint`; its id.
pub async fn published_flow(sim: &Sim, sandbox: &Sandbox, endpoint: &Endpoint) -> String {
    let waba = sandbox.id_of("waba");
    let created = sim
        .send(graph(sim, sandbox, Method::POST, &format!("/{waba}/flows")).json(&json!({
            "name": "Booking", "categories": ["APPOINTMENT_BOOKING"], "endpoint_uri": endpoint.url,
        })))
        .await;
    let flow = created.ok()["id"].as_str().unwrap().to_owned();
    let form = Form::new()
        .text("name", "flow.json")
        .text("asset_type", "FLOW_JSON")
        .part(
            "file",
            Part::bytes(FLOW_JSON.as_bytes().to_vec()).file_name("flow.json"),
        );
    let uploaded = sim
        .send(graph(sim, sandbox, Method::POST, &format!("/{flow}/assets")).multipart(form))
        .await;
    assert_eq!(uploaded.ok()["validation_errors"], json!([]));
    let published = sim
        .send(graph(
            sim,
            sandbox,
            Method::POST,
            &format!("/{flow}/publish"),
        ))
        .await;
    published.ok();
    flow
}

pub async fn set_business_key(sim: &Sim, sandbox: &Sandbox) {
    let path = format!("/{}/whatsapp_business_encryption", phone(sandbox));
    let body = json!({ "business_public_key": business_public_pem() });
    sim.send(graph(sim, sandbox, Method::POST, &path).json(&body))
        .await
        .ok();
}

/// The business's Flow message to Alice.
pub fn flow_message(flow: &str, action: &str) -> Value {
    json!({
        "messaging_product": "whatsapp", "to": ALICE, "type": "interactive",
        "interactive": { "type": "flow", "body": { "text": "Book a visit" }, "action": {
            "name": "flow", "parameters": {
                "flow_message_version": "3", "flow_token": "tok-1", "flow_id": flow,
                "flow_cta": "Book", "flow_action": action,
                "flow_action_payload": { "screen": "DETAILS", "data": { "greeting": "Local" } },
            } } },
    })
}

/// Alice writes (the window opens), then the business sends her the Flow.
pub async fn send_flow(sim: &Sim, sandbox: &Sandbox, flow: &str, action: &str) -> String {
    let hello = json!({ "type": "text", "text": { "body": "Book me in" } });
    sim.inbound(sandbox, ALICE, phone(sandbox), hello).await;
    let body = flow_message(flow, action);
    assert_sent(&post(sim, sandbox, &body).await, ALICE, ALICE)
}

pub fn flows_path(sandbox: &Sandbox, rest: &str) -> String {
    sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/flows{rest}"))
}

pub async fn open(sim: &Sim, sandbox: &Sandbox, message: &str) -> Reply {
    sim.post_json(&flows_path(sandbox, ""), &json!({ "message_id": message }))
        .await
}

pub async fn act(sim: &Sim, sandbox: &Sandbox, message: &str, step: Value) -> Reply {
    sim.post_json(&flows_path(sandbox, &format!("/{message}")), &step)
        .await
}

/// A demo sandbox with the business key set, a published endpoint Flow, and
/// that Flow sent to Alice with `flow_action` `action`.
pub async fn ready(
    sim: &Sim,
    seed: u64,
    endpoint: &Endpoint,
    action: &str,
) -> (Sandbox, String, String) {
    let sandbox = sim.demo(seed).await;
    set_business_key(sim, &sandbox).await;
    let flow = published_flow(sim, &sandbox, endpoint).await;
    let message = send_flow(sim, &sandbox, &flow, action).await;
    (sandbox, flow, message)
}
