//! Shared helpers for the client tests: start metasim in-process, create
//! sandboxes through the control plane, and send requests the way SDKs do —
//! each answer comes back as a [`Reply`] with its status, headers, raw bytes
//! and parsed JSON, so tests can check Meta's envelope exactly.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use sha2::Sha256;

pub use metasim::{ServerConfig, UnversionedMode, Version, VersionPolicy};
pub use serde_json::{Value, json};

pub mod browser;
pub mod business;
pub mod calling;
pub mod coexistence;
pub mod devices;
pub mod flow_endpoint;
pub mod instagram;
pub mod messenger;
pub mod payload_encryption;
pub mod receiver;
pub mod sdk;
pub mod solutions;
pub mod whatsapp;

/// The version most tests call (usable in the default window).
pub const V: &str = "v23.0";

/// An HTTP answer, read completely.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    /// The body parsed as JSON (`Value::Null` when it is not JSON).
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The `error` object of Meta's envelope.
    pub fn error(&self) -> &Value {
        &self.json["error"]
    }

    pub fn message(&self) -> &str {
        self.error()["message"].as_str().unwrap_or_default()
    }

    /// Assert a successful answer and return its JSON.
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "expected 200, got {}", self.text());
        &self.json
    }

    /// Assert Meta's error envelope: HTTP status, `code`, `error_subcode` (or its
    /// absence), `type`, a JSON content type, a non-empty `fbtrace_id`, and no
    /// member outside the envelope. Returns the `error` object.
    #[track_caller]
    pub fn assert_error(
        &self,
        http_status: u16,
        code: i64,
        subcode: Option<i64>,
        error_type: &str,
    ) -> &Value {
        let body = self.text();
        assert_eq!(self.status, http_status, "HTTP status of {body}");
        assert_eq!(
            self.header("content-type"),
            Some("application/json; charset=UTF-8"),
            "content type of {body}"
        );
        let envelope = self.json.as_object().expect("a JSON object");
        assert_eq!(envelope.len(), 1, "only `error` at the top: {body}");
        let error = self.error();
        assert_eq!(error["code"], json!(code), "code of {body}");
        assert_eq!(
            error["error_subcode"].as_i64(),
            subcode,
            "subcode of {body}"
        );
        assert_eq!(error["type"], json!(error_type), "type of {body}");
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "message of {body}"
        );
        let trace = error["fbtrace_id"].as_str().unwrap_or_default();
        assert!(
            !trace.is_empty() && trace.bytes().all(|b| b.is_ascii_alphanumeric()),
            "fbtrace_id of {body}"
        );
        const MEMBERS: [&str; 9] = [
            "message",
            "type",
            "code",
            "error_subcode",
            "error_user_title",
            "error_user_msg",
            "error_data",
            "is_transient",
            "fbtrace_id",
        ];
        for key in error.as_object().expect("error is an object").keys() {
            assert!(
                MEMBERS.contains(&key.as_str()),
                "unexpected {key} in {body}"
            );
        }
        error
    }

    /// A control-plane error: type `MetasimException`, code 100.
    #[track_caller]
    pub fn assert_sim_error(&self, http_status: u16, subcode: Option<i64>) -> &str {
        self.assert_error(http_status, 100, subcode, "MetasimException");
        self.message()
    }
}

/// Meta's 100/33 text for a missing (or invisible) object.
pub fn unsupported(verb: &str, id: &str) -> String {
    format!(
        "Unsupported {verb} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
    )
}

/// `appsecret_proof`, computed here independently of metasim.
pub fn appsecret_proof(token: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// `a=1&b=2`, percent-encoded.
pub fn query(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The demo fixture as JSON, to build variants from.
pub fn demo_fixture() -> Value {
    serde_json::from_str(metasim::DEMO_FIXTURE_JSON).expect("the demo fixture is JSON")
}

/// A small fixture: one user, app, business, system user and WABA with
/// `phones` phone numbers (handles `p1`, `p2`, …), and a system-user token `t`
/// that may manage the WABA.
pub fn waba_fixture(phones: usize) -> Value {
    let numbers: Vec<Value> = (1..=phones)
        .map(|i| {
            json!({
                "handle": format!("p{i}"),
                "display_phone_number": format!("+1 555-020-{i:04}"),
                "verified_name": format!("Number {i}"),
                "registered": true,
            })
        })
        .collect();
    json!({
        "users": [{ "handle": "owner", "name": "Olga Owner" }],
        "apps": [{ "handle": "app", "name": "Paging App" }],
        "businesses": [{ "handle": "biz", "name": "Biz", "owner": "owner" }],
        "system_users": [{ "handle": "su", "name": "Bot", "business": "biz" }],
        "whatsapp_business_accounts": [{
            "handle": "waba", "name": "Paged", "business": "biz", "phone_numbers": numbers,
        }],
        "tokens": [{
            "handle": "t", "subject": "su", "app": "app",
            "scopes": ["whatsapp_business_management", "business_management"],
        }],
    })
}

/// What `POST /_sim/sandboxes` answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Sandbox {
    pub id: String,
    pub seed: u64,
    pub handles: BTreeMap<String, String>,
    pub tokens: BTreeMap<String, String>,
    pub app_secrets: BTreeMap<String, String>,
    /// The whole answer.
    pub info: Value,
}

fn string_map(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .expect("an object of strings")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("a string").to_owned()))
        .collect()
}

impl Sandbox {
    pub fn from_info(info: &Value) -> Self {
        Self {
            id: info["id"].as_str().expect("id").to_owned(),
            seed: info["seed"].as_u64().expect("seed"),
            handles: string_map(&info["handles"]),
            tokens: string_map(&info["tokens"]),
            app_secrets: string_map(&info["app_secrets"]),
            info: info.clone(),
        }
    }

    /// The id behind a fixture handle.
    #[track_caller]
    pub fn id_of(&self, handle: &str) -> &str {
        self.handles
            .get(handle)
            .unwrap_or_else(|| panic!("no handle {handle:?} in {:?}", self.handles))
    }

    #[track_caller]
    pub fn token(&self, handle: &str) -> &str {
        self.tokens
            .get(handle)
            .unwrap_or_else(|| panic!("no token {handle:?} in {:?}", self.tokens))
    }

    #[track_caller]
    pub fn secret(&self, app_handle: &str) -> &str {
        &self.app_secrets[app_handle]
    }

    /// `{app-id}|{app-secret}`.
    pub fn app_token(&self, app_handle: &str) -> String {
        format!("{}|{}", self.id_of(app_handle), self.secret(app_handle))
    }

    /// A control-plane path of this sandbox: `/_sim/sandboxes/{id}{rest}`.
    pub fn sim(&self, rest: &str) -> String {
        format!("/_sim/sandboxes/{}{rest}", self.id)
    }
}

/// metasim running in-process, and an HTTP client for it.
pub struct Sim {
    pub sim: metasim::Simulator,
    pub http: reqwest::Client,
}

impl Sim {
    pub async fn start() -> Self {
        Self::start_with(ServerConfig::default()).await
    }

    pub async fn start_with(config: ServerConfig) -> Self {
        let sim = metasim::Simulator::start_with(config)
            .await
            .expect("metasim starts");
        Self::around(sim)
    }

    /// metasim answering as Meta's hosts too (`serve --https`), with its CA in
    /// `ca_dir`.
    pub async fn start_intercepting(ca_dir: &std::path::Path) -> Self {
        let sim = metasim::Simulator::start_intercepting(ServerConfig::default(), ca_dir)
            .await
            .expect("metasim starts intercepting");
        Self::around(sim)
    }

    fn around(sim: metasim::Simulator) -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("an HTTP client");
        Self { sim, http }
    }

    /// The absolute URL of a path (`/v23.0/me`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.url())
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path))
    }

    pub async fn send(&self, request: RequestBuilder) -> Reply {
        let response = request.send().await.expect("metasim answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a full body").to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            bytes,
            json,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.request(Method::GET, path)).await
    }

    /// GET with `Authorization: Bearer {token}`.
    pub async fn get_as(&self, token: &str, path: &str) -> Reply {
        self.send(self.request(Method::GET, path).bearer_auth(token))
            .await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.request(Method::PUT, path).json(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// POST a form body (`application/x-www-form-urlencoded`).
    pub async fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        self.send(self.request(Method::POST, path).form(pairs))
            .await
    }

    /// `POST /_sim/sandboxes` with `body`; asserts 201.
    pub async fn create_sandbox(&self, body: Value) -> Sandbox {
        let reply = self.post_json("/_sim/sandboxes", &body).await;
        assert_eq!(reply.status, 201, "create sandbox: {}", reply.text());
        Sandbox::from_info(&reply.json)
    }

    /// `PUT …/snapshot`: replace the sandbox with an exported snapshot.
    pub async fn restore(&self, sandbox: &Sandbox, snapshot: &[u8]) -> Reply {
        self.send(
            self.request(Method::PUT, &sandbox.sim("/snapshot"))
                .header("content-type", "application/json")
                .body(snapshot.to_vec()),
        )
        .await
    }

    /// Export the sandbox, import the export, export again: the same bytes.
    /// Returns the export.
    pub async fn assert_snapshot_round_trip(&self, sandbox: &Sandbox) -> Vec<u8> {
        let exported = self.get(&sandbox.sim("/snapshot")).await;
        assert_eq!(exported.status, 200, "export: {}", exported.text());
        let imported = self.restore(sandbox, &exported.bytes).await;
        assert_eq!(imported.status, 200, "import: {}", imported.text());
        let again = self.get(&sandbox.sim("/snapshot")).await;
        assert!(
            again.bytes == exported.bytes,
            "export, import, export: the same bytes"
        );
        exported.bytes
    }

    /// A demo sandbox with this seed.
    pub async fn demo(&self, seed: u64) -> Sandbox {
        self.create_sandbox(json!({ "seed": seed })).await
    }

    /// Every item of a control-plane list: the page at `path`, then each
    /// `paging.next` (give `after=0` to read a log from its start). Asserts
    /// that the answers hold only `data`, `paging` and (a log some of which
    /// fell out of retention) `dropped`.
    pub async fn all(&self, path: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut next = Some(path.to_owned());
        while let Some(path) = next {
            let reply = self.get(&path).await;
            let body = reply.ok();
            let members = body.as_object().expect("a list answer").keys();
            for member in members {
                assert!(
                    ["data", "paging", "dropped"].contains(&member.as_str()),
                    "only data, paging and dropped: {body}"
                );
            }
            items.extend(body["data"].as_array().expect("data").iter().cloned());
            next = body["paging"]["next"].as_str().map(str::to_owned);
        }
        items
    }

    /// A sandbox's journal (`query` like `method=GET&limit=2`, or empty).
    pub async fn journal(&self, sandbox: &Sandbox, query: &str) -> Vec<Value> {
        let reply = self.get(&sandbox.sim(&format!("/journal?{query}"))).await;
        reply.ok()["data"].as_array().expect("journal data").clone()
    }

    /// Add a fault rule; asserts 201 and returns the rule.
    pub async fn add_fault(&self, sandbox: &Sandbox, rule: Value) -> Value {
        let reply = self.post_json(&sandbox.sim("/faults"), &rule).await;
        assert_eq!(reply.status, 201, "add fault: {}", reply.text());
        reply.json
    }

    /// Move the sandbox's virtual clock; returns the new `now`.
    pub async fn advance(&self, sandbox: &Sandbox, seconds: u64) -> i64 {
        let reply = self
            .post_json(
                &sandbox.sim("/clock/advance"),
                &json!({ "seconds": seconds }),
            )
            .await;
        reply.ok()["now"].as_i64().expect("now")
    }
}
