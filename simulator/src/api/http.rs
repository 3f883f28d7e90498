//! axum glue for the Graph side: read the raw request (bounded), turn it into
//! a [`GraphRequest`], serve it, apply any injected latency outside the lock,
//! and write Meta's JSON. Also renders [`GraphError`] for the control plane.

use std::borrow::Cow;
use std::time::Duration;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::accounts::uploads::RAW_BODY;
use super::error::GraphError;
use super::multipart;
use super::request::{
    DROPPED_HEADERS, GraphRequest, UploadedFile, parse_body, parse_query, split_path,
};
use super::service::{Followup, GraphResponse, serve_graph};
use super::state::AppState;
use super::state::lock;
use super::webhooks::{handshake, sender};
use crate::world::encode::meta_json;
use crate::world::ids::stateless_trace_id;

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let trace_id = stateless_trace_id(&[self.message.as_bytes()]);
        let mut headers = vec![(
            "content-type",
            Cow::Borrowed("application/json; charset=UTF-8"),
        )];
        if let Some(value) = &self.www_authenticate {
            headers.push(("www-authenticate", Cow::Owned(value.clone())));
        }
        let response = GraphResponse {
            status: self.http_status,
            headers,
            body: meta_json(&self.to_body(&trace_id)),
            latency_ms: 0,
            followup: None,
        };
        write(response)
    }
}

/// The names of the headers every answer carries, checked once at compile time.
const X_FB_TRACE_ID: HeaderName = HeaderName::from_static("x-fb-trace-id");
const X_FB_REQUEST_ID: HeaderName = HeaderName::from_static("x-fb-request-id");
const X_FB_REV: HeaderName = HeaderName::from_static("x-fb-rev");
const FACEBOOK_API_VERSION: HeaderName = HeaderName::from_static("facebook-api-version");
const X_APP_USAGE: HeaderName = HeaderName::from_static("x-app-usage");

fn header_name(name: &'static str) -> HeaderName {
    match name {
        "content-type" => CONTENT_TYPE,
        "x-fb-trace-id" => X_FB_TRACE_ID,
        "x-fb-request-id" => X_FB_REQUEST_ID,
        "x-fb-rev" => X_FB_REV,
        "facebook-api-version" => FACEBOOK_API_VERSION,
        "x-app-usage" => X_APP_USAGE,
        other => HeaderName::from_static(other),
    }
}

fn write(response: GraphResponse) -> Response {
    let mut out = Response::new(Body::from(response.body));
    *out.status_mut() = StatusCode::from_u16(response.status).unwrap_or(StatusCode::BAD_REQUEST);
    let headers = out.headers_mut();
    headers.reserve(response.headers.len());
    for (name, value) in response.headers {
        let value = match value {
            Cow::Borrowed(text) => Ok(HeaderValue::from_static(text)),
            Cow::Owned(text) => HeaderValue::try_from(text),
        };
        if let Ok(value) = value {
            headers.append(header_name(name), value);
        }
    }
    out
}

/// Turn one operation of a batch answer into an error (its `code` and `body`).
fn fail_batch_operation(answer: &mut Value, index: usize, status: u16, body: &Value) {
    let Some(element) = answer.get_mut(index) else {
        return;
    };
    if !element.is_object() {
        *element = json!({});
    }
    element["code"] = json!(status);
    element["body"] = json!(String::from_utf8(meta_json(body)).unwrap_or_default());
}

/// Perform the verification handshakes a call asked for, settle them in the
/// sandbox, and turn the answer (or, in a batch, the operation that asked)
/// into Meta's 2200 error where one failed.
async fn complete_handshakes(state: &AppState, followup: &Followup, response: &mut GraphResponse) {
    for handshake in &followup.handshakes {
        let allowed = state.config().webhook_hosts.as_deref();
        let outcome = handshake::verify(state.http(), allowed, handshake).await;
        let Some(shared) = state.sandbox(&followup.sandbox_id) else {
            return;
        };
        let mut sandbox = lock(&shared);
        sandbox.settle_handshake(handshake, outcome.is_ok());
        let Err(error) = outcome else {
            continue;
        };
        let body = error.to_body(&followup.trace_id);
        let answer = match handshake.batch_index {
            Some(index) => {
                let Ok(mut answer) = serde_json::from_slice(&response.body) else {
                    continue;
                };
                fail_batch_operation(&mut answer, index, error.http_status, &body);
                answer
            }
            None => {
                response.status = error.http_status;
                body
            }
        };
        sandbox
            .journal
            .amend(followup.journal_seq, response.status, &answer);
        response.body = meta_json(&answer);
    }
}

/// Read a body up to `limit` bytes within `timeout`; a bigger one is a
/// Meta-shaped 413, a slower one (a lying `Content-Length`, a stalled
/// client) a Meta-shaped 408.
pub async fn read_body(body: Body, limit: usize, timeout: Duration) -> Result<Bytes, GraphError> {
    match tokio::time::timeout(timeout, to_bytes(body, limit)).await {
        Ok(read) => read.map_err(|_| GraphError::body_too_large(limit)),
        Err(_) => Err(GraphError::new(
            408,
            "OAuthException",
            100,
            format!(
                "(#100) The request body did not arrive within the {} seconds metasim waits",
                timeout.as_secs()
            ),
        )),
    }
}

/// Every request that is not for the control plane (its parts moved, not
/// copied as separate extractors would).
pub async fn graph_handler(state: AppState, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Parts {
        method,
        uri,
        headers,
        ..
    } = parts;
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok());
    // `POST /upload:…` carries a file's raw bytes, whatever its content type.
    let raw_upload = method == Method::POST
        && split_path(uri.path())
            .iter()
            .any(|segment| segment.starts_with("upload:"));
    let limit = if raw_upload || multipart::is_multipart(content_type) {
        multipart::MULTIPART_BODY_LIMIT
    } else {
        state.config().body_limit
    };
    let bytes = match read_body(body, limit, state.config().body_timeout).await {
        Ok(bytes) => bytes,
        Err(error) => return error.into_response(),
    };
    let parsed = match content_type {
        _ if raw_upload => Ok((
            Default::default(),
            vec![UploadedFile {
                field: RAW_BODY.to_owned(),
                content_type: content_type.map(str::to_owned),
                bytes: bytes.to_vec(),
            }],
        )),
        Some(ct) if multipart::is_multipart(Some(ct)) => multipart::parse(ct, bytes).await,
        _ => parse_body(content_type, &bytes).map(|body| (body, vec![])),
    };
    let (parsed_body, files) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return error.into_response(),
    };
    let header_list: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| !DROPPED_HEADERS.contains(&name.as_str()))
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let query = parse_query(uri.query().unwrap_or_default());
    let mut request = GraphRequest {
        method: method.as_str().to_ascii_uppercase(),
        segments: split_path(uri.path()),
        query,
        headers: header_list,
        body: parsed_body,
        // Absolute (`https://graph.facebook.com/…`) when intercepted (src/intercept).
        base_url: [uri.scheme_str().unwrap_or("http"), "://", host].concat(),
        files,
    };
    // JavaScript SDKs tunnel other verbs through GET with `method=`.
    if request.method == "GET"
        && let Some(verb) = request.param_str("method").map(|v| v.to_ascii_uppercase())
        && (verb == "POST" || verb == "DELETE")
    {
        request.method = verb;
    }
    let state_for_call = state.clone();
    let mut response = serve_graph(&state_for_call, request);
    if let Some(followup) = response.followup.take() {
        complete_handshakes(&state, &followup, &mut response).await;
        sender::kick(&state, &followup.sandbox_id);
        state.changes().touch(&followup.sandbox_id);
    }
    if response.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(response.latency_ms)).await;
    }
    write(response)
}
