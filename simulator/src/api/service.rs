//! From a parsed request to a response: version and token routing, the call
//! inside the token's sandbox (under its lock), the journal entry, and the
//! headers Meta sends with every answer.

use std::borrow::Cow;

use serde_json::Value;

use super::answer::Answer;
use super::error::GraphError;
use super::graph::{Call, execute};
use super::redact;
use super::request::GraphRequest;
use super::state::{AppState, lock, wall_now};
use super::versions::{Version, VersionOutcome, looks_like_version};
use crate::world::encode::meta_json;
use crate::world::ids::stateless_trace_id;
use crate::world::journal::{JournalEntry, RecordedAnswer};
use crate::world::nodes::product_from_id_shape;
use crate::world::webhooks::handshakes::PendingHandshake;

/// A response ready to be written: status, headers, the JSON body already
/// encoded as Meta encodes it, and how long to hold it back (an injected
/// latency, applied outside any lock).
#[derive(Debug, Clone)]
pub struct GraphResponse {
    pub status: u16,
    /// Header names are lowercase and static; so are the constant values.
    pub headers: Vec<(&'static str, Cow<'static, str>)>,
    pub body: Vec<u8>,
    pub latency_ms: u64,
    /// What the HTTP layer still has to do for a call that reached a sandbox.
    pub followup: Option<Followup>,
}

/// The sandbox a call reached, and the webhook handshakes it asked for.
#[derive(Debug, Clone)]
pub struct Followup {
    pub sandbox_id: String,
    pub handshakes: Vec<PendingHandshake>,
    pub journal_seq: u64,
    pub trace_id: String,
}

fn base_headers(
    trace_id: &str,
    version: Option<Version>,
) -> Vec<(&'static str, Cow<'static, str>)> {
    let mut request_id = String::with_capacity(trace_id.len() + 1);
    request_id.push('A');
    request_id.push_str(trace_id);
    // Room for the usage headers and www-authenticate added later.
    let mut headers = Vec::with_capacity(8);
    headers.extend([
        (
            "content-type",
            Cow::Borrowed("application/json; charset=UTF-8"),
        ),
        ("x-fb-trace-id", Cow::Owned(trace_id.to_owned())),
        ("x-fb-request-id", Cow::Owned(request_id)),
        ("x-fb-rev", Cow::Borrowed("1029384756")),
    ]);
    if let Some(version) = version {
        headers.push(("facebook-api-version", Cow::Owned(version.label())));
    }
    headers
}

/// An error answered before any sandbox was found: nothing is journaled and
/// the trace id is derived from the request itself.
fn stateless_error(
    request: &GraphRequest,
    error: GraphError,
    version: Option<Version>,
) -> GraphResponse {
    let path = request.segments.join("/");
    let trace_id = stateless_trace_id(&[
        request.method.as_bytes(),
        path.as_bytes(),
        error.message.as_bytes(),
    ]);
    let mut headers = base_headers(&trace_id, version);
    if let Some(value) = &error.www_authenticate {
        headers.push(("www-authenticate", Cow::Owned(value.clone())));
    }
    GraphResponse {
        status: error.http_status,
        body: meta_json(&error.to_body(&trace_id)),
        headers,
        latency_ms: 0,
        followup: None,
    }
}

pub fn serve_graph(state: &AppState, request: GraphRequest) -> GraphResponse {
    match answer_in_sandbox(state, request) {
        Reached::Sandbox(answered) => answered.encode(),
        Reached::Nowhere(refused) => refused,
    }
}

/// Where a call got to: its sandbox, or an answer before any (a missing or
/// unknown token or version: nothing to lock, nothing journaled).
enum Reached {
    Sandbox(Answered),
    Nowhere(GraphResponse),
}

/// A call answered inside its sandbox, its answer not encoded yet: the lock
/// is released and the journal entry's answer is pending until
/// [`Answered::encode`] writes it.
struct Answered {
    status: u16,
    headers: Vec<(&'static str, Cow<'static, str>)>,
    body: Answer,
    journaled: RecordedAnswer,
    latency_ms: u64,
    followup: Followup,
}

impl Answered {
    /// Encode the answer (and drop its tree) outside any lock, so a large
    /// answer holds up no other call on the sandbox; the journal shows it
    /// from here on.
    fn encode(self) -> GraphResponse {
        let encoded = self.body.encode();
        self.journaled.write(&encoded);
        GraphResponse {
            status: self.status,
            headers: self.headers,
            body: encoded,
            latency_ms: self.latency_ms,
            followup: Some(self.followup),
        }
    }
}

/// Route a call to its token's sandbox and run it under the sandbox's lock;
/// a call that never reaches a sandbox is answered at once.
fn answer_in_sandbox(state: &AppState, request: GraphRequest) -> Reached {
    let segments = &request.segments;
    let (version_segment, rest) = match segments.first() {
        Some(first) if looks_like_version(first) => (Some(first.as_str()), &segments[1..]),
        _ => (None, &segments[..]),
    };
    let policy = state.config().versions;
    let version = match policy.resolve(version_segment) {
        VersionOutcome::Serve(version) => version,
        VersionOutcome::Unknown => {
            let error = GraphError::unknown_path(&format!("/{}", segments.join("/")));
            return Reached::Nowhere(stateless_error(&request, error, None));
        }
        VersionOutcome::Missing => {
            let error = GraphError::invalid_parameter(
                "An API version is required: call /vNN.N/... (this server rejects unversioned calls)",
            );
            return Reached::Nowhere(stateless_error(&request, error, None));
        }
    };
    let node_segment = rest.first().map(String::as_str).unwrap_or_default();
    let Some((token, token_source)) = request.access_token() else {
        let error = if node_segment == "me" {
            GraphError::token_required_for_me()
        } else {
            GraphError::token_required(product_from_id_shape(node_segment))
        };
        return Reached::Nowhere(stateless_error(&request, error, Some(version)));
    };
    let Some(shared) = state.sandbox_for_token(&token) else {
        let error = GraphError::token_unparseable(product_from_id_shape(node_segment));
        return Reached::Nowhere(stateless_error(&request, error, Some(version)));
    };
    let mut sandbox = lock(&shared);
    sandbox.clock.observe_wall_time(wall_now());
    sandbox.run_due();
    let call = Call {
        request: &request,
        rest,
        version,
        policy: &policy,
        token: &token,
        token_source,
        in_batch: false,
    };
    let executed = execute(&mut sandbox, &call);
    let status = executed.status();
    let latency_ms = executed.latency_ms;
    let mut headers = base_headers(&executed.trace_id, Some(version));
    headers.extend(
        executed
            .headers
            .iter()
            .map(|(name, value)| (*name, Cow::Owned(value.clone()))),
    );
    if let Err(error) = &executed.result
        && let Some(value) = &error.www_authenticate
    {
        headers.push(("www-authenticate", Cow::Owned(value.clone())));
    }
    let trace_id = executed.trace_id.clone();
    let body = executed.into_answer();
    let now = sandbox.clock.now();
    let journaled = RecordedAnswer::pending();
    let journal_seq =
        sandbox
            .journal
            .record(journal_entry(request, now, status, journaled.clone()));
    sandbox.route_events();
    state.index_tokens(&sandbox);
    let followup = Followup {
        sandbox_id: sandbox.id.clone(),
        handshakes: std::mem::take(&mut sandbox.pending_handshakes),
        journal_seq,
        trace_id,
    };
    Reached::Sandbox(Answered {
        status,
        headers,
        body,
        journaled,
        latency_ms,
        followup,
    })
}

/// The journal's record of a call; takes the request, whose strings it keeps.
fn journal_entry(
    request: GraphRequest,
    now: i64,
    status: u16,
    response: RecordedAnswer,
) -> JournalEntry {
    let mut path = String::with_capacity(request.segments.iter().map(|s| s.len() + 1).sum());
    for segment in &request.segments {
        path.push('/');
        path.push_str(segment);
    }
    let query: Vec<(String, String)> = request
        .query
        .into_iter()
        .map(|(name, value)| {
            let value = redact::param(&name, value);
            (name, value)
        })
        .collect();
    let headers: Vec<(String, String)> = request
        .headers
        .into_iter()
        .map(|(name, value)| {
            let value = redact::header(&name, value);
            (name, value)
        })
        .collect();
    let body = if request.body.is_empty() {
        Value::Null
    } else {
        redact::body(Value::Object(request.body))
    };
    JournalEntry {
        seq: 0,
        time: now,
        method: request.method,
        path,
        query,
        headers,
        body,
        status,
        response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::state::{CreateSandbox, ServerConfig};
    use serde_json::json;

    fn get(token: &str, node: &str) -> GraphRequest {
        GraphRequest {
            method: "GET".into(),
            segments: vec!["v23.0".into(), node.into()],
            query: vec![("access_token".into(), token.into())],
            headers: vec![],
            body: Default::default(),
            base_url: "http://localhost".into(),
            files: vec![],
        }
    }

    #[test]
    fn the_answer_is_encoded_after_the_lock_is_released() {
        let state = AppState::new(ServerConfig::default());
        let info = state.create_sandbox(CreateSandbox::default()).unwrap();
        let waba = info.handles["waba"].clone();
        let Reached::Sandbox(answered) =
            answer_in_sandbox(&state, get(&info.tokens["system_user_token"], &waba))
        else {
            panic!("the call reaches its sandbox");
        };
        let shared = state.sandbox(&info.id).unwrap();
        let sandbox = shared
            .try_lock()
            .expect("nobody holds the sandbox while the answer is encoded");
        let entry = sandbox.journal.after(0).last().unwrap().clone();
        drop(sandbox);
        assert!(!entry.response.is_written(), "pending until encoded");
        assert_eq!(json!(entry)["response"], Value::Null);
        let response = answered.encode();
        let sent: Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(sent["id"], json!(waba));
        assert_eq!(
            json!(entry)["response"],
            sent,
            "the journal shows what went out"
        );
    }
}
