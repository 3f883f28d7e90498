//! Helpers for the WhatsApp business-asset tests (templates, media, business
//! profile): calls made as the demo WABA's manager, Meta's WhatsApp and
//! parameter errors, hand-built `multipart/form-data` bodies (so a test
//! chooses the order of the parts and each part's content type), and the
//! sandbox's domain event log.

use reqwest::Method;

use crate::{Reply, Sandbox, Sim, V, Value, json};

/// The demo fixture's token: manages the WABA and may send from its number.
pub const MANAGER: &str = "system_user_token";

/// The demo fixture's consumer Alice.
pub const ALICE: &str = "15550109999";

/// A versioned call as `token`, with an optional JSON body.
pub async fn call_as(
    sim: &Sim,
    token: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Reply {
    let request = sim
        .request(method, &format!("/{V}{path}"))
        .bearer_auth(token);
    let request = match body {
        Some(body) => request.json(body),
        None => request,
    };
    sim.send(request).await
}

/// A versioned call as the manager; a `Value::Null` body sends none.
pub async fn call_manager(
    sim: &Sim,
    sandbox: &Sandbox,
    method: Method,
    path: &str,
    body: Value,
) -> Reply {
    let body = (!body.is_null()).then_some(body);
    call_as(sim, sandbox.token(MANAGER), method, path, body.as_ref()).await
}

/// `GET /{V}{path}` as the manager.
pub async fn get(sim: &Sim, sandbox: &Sandbox, path: &str) -> Reply {
    call_as(sim, sandbox.token(MANAGER), Method::GET, path, None).await
}

/// `POST /{V}{path}` with a JSON body, as the manager.
pub async fn post(sim: &Sim, sandbox: &Sandbox, path: &str, body: &Value) -> Reply {
    call_as(sim, sandbox.token(MANAGER), Method::POST, path, Some(body)).await
}

/// `POST /{V}{path}` with a form body, as the manager.
pub async fn post_form(sim: &Sim, sandbox: &Sandbox, path: &str, pairs: &[(&str, &str)]) -> Reply {
    sim.send(
        sim.request(Method::POST, &format!("/{V}{path}"))
            .bearer_auth(sandbox.token(MANAGER))
            .form(pairs),
    )
    .await
}

/// `DELETE /{V}{path}` as the manager.
pub async fn delete(sim: &Sim, sandbox: &Sandbox, path: &str) -> Reply {
    call_as(sim, sandbox.token(MANAGER), Method::DELETE, path, None).await
}

/// Add a token to the sandbox through the control plane; returns its string.
pub async fn add_token(sim: &Sim, sandbox: &Sandbox, handle: &str, scopes: &[&str]) -> String {
    let reply = sim
        .post_json(
            &sandbox.sim("/tokens"),
            &json!({ "handle": handle, "subject": "system_user", "app": "app", "scopes": scopes }),
        )
        .await;
    assert_eq!(reply.status, 201, "add token: {}", reply.text());
    reply.json["token"].as_str().expect("a token").to_owned()
}

#[track_caller]
pub fn assert_success(reply: &Reply) {
    assert_eq!(reply.ok(), &json!({ "success": true }));
}

/// `(#100) {detail}`: HTTP 400, code 100, no subcode, `OAuthException`.
#[track_caller]
pub fn assert_param_error(reply: &Reply, detail: &str) {
    reply.assert_error(400, 100, None, "OAuthException");
    assert_eq!(reply.message(), format!("(#100) {detail}"));
}

/// A WhatsApp platform error: `(#code) title` and `error_data.details`.
#[track_caller]
pub fn assert_whatsapp_error(
    reply: &Reply,
    http_status: u16,
    code: i64,
    title: &str,
    details: &str,
) {
    let error = reply.assert_error(http_status, code, None, "OAuthException");
    assert_eq!(reply.message(), format!("(#{code}) {title}"));
    assert_eq!(
        error["error_data"],
        json!({ "messaging_product": "whatsapp", "details": details })
    );
}

/// `403 (#200) Permissions error`, naming the missing WhatsApp scope.
#[track_caller]
pub fn assert_missing_permission(reply: &Reply, scope: &str) {
    let error = reply.assert_error(403, 200, None, "OAuthException");
    assert_eq!(reply.message(), "(#200) Permissions error");
    assert_eq!(
        error["error_data"],
        json!({
            "messaging_product": "whatsapp",
            "details": format!("The access token is missing the {scope} permission"),
        })
    );
}

/// The sandbox's domain events of one kind (`whatsapp_template_status`, …).
pub async fn events(sim: &Sim, sandbox: &Sandbox, kind: &str) -> Vec<Value> {
    let reply = sim.get(&sandbox.sim("/events")).await;
    reply.ok()["data"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["kind"] == kind)
        .cloned()
        .collect()
}

/// The sandbox's virtual time.
pub async fn now(sim: &Sim, sandbox: &Sandbox) -> i64 {
    let reply = sim.get(&sandbox.sim("/clock")).await;
    reply.ok()["now"].as_i64().expect("now")
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    /// Present for a file part.
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl Part {
    /// A text field.
    pub fn text(name: &str, value: &str) -> Self {
        Self {
            name: name.to_owned(),
            filename: None,
            content_type: None,
            bytes: value.as_bytes().to_vec(),
        }
    }

    /// The `file` part, with this content type.
    pub fn file(content_type: &str, bytes: Vec<u8>) -> Self {
        Self {
            name: "file".to_owned(),
            filename: Some("upload.bin".to_owned()),
            content_type: Some(content_type.to_owned()),
            bytes,
        }
    }
}

const BOUNDARY: &str = "metasim-client-tests-boundary-5f1c";

/// The content type and bytes of a multipart body made of `parts`, in order.
pub fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
        if let Some(filename) = &part.filename {
            disposition.push_str(&format!("; filename=\"{filename}\""));
        }
        body.extend_from_slice(format!("{disposition}\r\n").as_bytes());
        if let Some(content_type) = &part.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// `POST /{V}{path}` with a multipart body, as `token`.
pub async fn post_multipart_as(sim: &Sim, token: &str, path: &str, parts: &[Part]) -> Reply {
    let (content_type, body) = multipart(parts);
    sim.send(
        sim.request(Method::POST, &format!("/{V}{path}"))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body),
    )
    .await
}

/// Bytes that look like nothing in particular (and never contain the boundary).
pub fn payload(len: usize, salt: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(salt))
        .collect()
}
