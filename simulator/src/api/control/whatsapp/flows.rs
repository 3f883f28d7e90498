//! A consumer's side of WhatsApp Flows: open a Flow message they received,
//! move through its screens, submit them to the business's endpoint, go back,
//! complete it; and WhatsApp's health-check ping of a Flow's endpoint. The
//! requests to the endpoint are made here, outside the sandbox lock, bounded
//! in time (Meta's client waits 10 s; a sandbox's shorter webhook
//! `timeout_ms` applies too) and in size.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};

use super::consumers::{inbound_refusal, no_consumer};
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, SharedSandbox, lock};
use crate::api::webhooks::reach;
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::flow_exchange::sessions::{
    self, Call, FlowExchangeError, Progress, SessionState, Step,
};

/// How long WhatsApp's client waits for the endpoint.
const CLIENT_TIMEOUT_MS: u64 = 10_000;
/// The most of an endpoint's answer metasim reads.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

pub fn routes() -> Router<AppState> {
    let base = "/_sim/sandboxes/{sid}/whatsapp/consumers/{digits}/flows";
    Router::new()
        .route(base, post(open))
        .route(&format!("{base}/{{message_id}}"), post(act).get(session))
        .route(
            "/_sim/sandboxes/{sid}/whatsapp/flows/{flow_id}/health_check",
            post(health_check),
        )
}

fn refusal(error: FlowExchangeError, digits: &str, message_id: &str) -> GraphError {
    match error {
        FlowExchangeError::NoSuchMessage => {
            GraphError::sim_not_found(format!("No message {message_id:?} reached {digits}"))
        }
        FlowExchangeError::NotAFlowMessage => GraphError::sim_invalid(format!(
            "Message {message_id} is not a Flow message (interactive type flow)"
        )),
        FlowExchangeError::UnknownFlow => GraphError::sim_not_found(
            "The Flow this message names is not (or no longer) one of the number's WABA",
        ),
        FlowExchangeError::NoEndpoint => GraphError::sim_invalid(
            "The Flow has no endpoint: it needs endpoint_uri and a Flow JSON with data_api_version",
        ),
        FlowExchangeError::NoPublicKey => GraphError::sim_conflict(
            "The business number uploaded no business public key (POST /{phone-number-id}/whatsapp_business_encryption): WhatsApp cannot encrypt the request",
        ),
        FlowExchangeError::Blocked => GraphError::sim_conflict(
            "The Flow is BLOCKED: consumers cannot open its messages until it recovers",
        ),
        FlowExchangeError::UnusablePublicKey => GraphError::sim_conflict(
            "The business number's public key is no RSA key of 2048 to 4096 bits: WhatsApp cannot encrypt the request",
        ),
        FlowExchangeError::Finished(SessionState::Closed) => GraphError::sim_conflict(format!(
            "The Flow of message {message_id} is closed: its endpoint said the flow token is no longer valid (427)"
        )),
        FlowExchangeError::Finished(_) => GraphError::sim_conflict(format!(
            "{digits} already completed the Flow of message {message_id}"
        )),
        FlowExchangeError::NotOpened => GraphError::sim_not_found(format!(
            "{digits} has not opened the Flow of message {message_id:?}: POST …/flows {{\"message_id\"}} first"
        )),
        FlowExchangeError::UnknownScreen(screen) => GraphError::sim_invalid(format!(
            "screen: {screen:?} is not a screen of the Flow JSON"
        )),
        FlowExchangeError::NoScreenBefore => {
            GraphError::sim_invalid("This is the Flow's first screen: there is none to go back to")
        }
        FlowExchangeError::Inbound(refused) => inbound_refusal(refused, digits, "the business"),
    }
}

/// POST a sealed request to the endpoint; what it answered, read up to
/// [`MAX_ANSWER_BYTES`].
async fn send(state: &AppState, call: &Call, timeout_ms: u64) -> sessions::Answer {
    if reach::refusal(state.config().webhook_hosts.as_deref(), &call.url).is_some() {
        return sessions::Answer::Unreachable;
    }
    let mut request = state
        .http()
        .post(&call.url)
        .header("content-type", "application/json")
        .header("user-agent", "facebookexternalua")
        .body(call.body.clone())
        .timeout(Duration::from_millis(timeout_ms));
    if let Some(signature) = &call.signature {
        request = request.header("x-hub-signature-256", signature);
    }
    let timed_out = sessions::Answer::Timeout {
        after_ms: timeout_ms,
    };
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(error) if error.is_timeout() => return timed_out,
        Err(_) => return sessions::Answer::Unreachable,
    };
    let status = response.status().as_u16();
    // Only a 200's body is read: any other status is an error whatever it says.
    if status != 200 {
        return sessions::Answer::Http {
            status,
            body: Vec::new(),
        };
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() > MAX_ANSWER_BYTES => {
                return sessions::Answer::TooLarge;
            }
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => return sessions::Answer::Http { status, body },
            Err(error) if error.is_timeout() => return timed_out,
            Err(_) => return sessions::Answer::Unreachable,
        }
    }
}

/// Make the requests a step needs (the first, and one more after a 421),
/// each outside the lock; the session as it then is.
async fn drive(
    state: &AppState,
    shared: &SharedSandbox,
    first: Result<Progress, FlowExchangeError>,
    refused: impl Fn(FlowExchangeError) -> GraphError,
) -> Answer {
    let mut progress = first.map_err(&refused)?;
    loop {
        match progress {
            Progress::Shown(view) => return ok(StatusCode::OK, view),
            Progress::Call(call) => {
                let timeout_ms = lock(shared)
                    .webhooks
                    .settings
                    .timeout_ms
                    .min(CLIENT_TIMEOUT_MS);
                let answer = send(state, &call, timeout_ms).await;
                progress = lock(shared).finish_call(*call, answer).map_err(&refused)?;
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenRequest {
    message_id: String,
}

async fn open(
    State(state): State<AppState>,
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<OpenRequest>,
) -> Answer {
    let digits = phone_digits(&digits);
    let first = {
        let mut sandbox = lock(&shared);
        if !sandbox.whatsapp.consumers.contains_key(&digits) {
            return Err(no_consumer(&digits));
        }
        sandbox.open_flow(&digits, &request.message_id)
    };
    let id = request.message_id;
    drive(&state, &shared, first, |e| refusal(e, &digits, &id)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepRequest {
    /// `navigate`, `data_exchange`, `back` or `complete`.
    action: String,
    screen: Option<String>,
    data: Option<Value>,
}

fn step_of(request: StepRequest) -> Result<Step, GraphError> {
    let data = request.data.unwrap_or_else(|| json!({}));
    match request.action.as_str() {
        "navigate" => Ok(Step::Navigate {
            screen: request
                .screen
                .ok_or_else(|| GraphError::sim_invalid("screen is required to navigate"))?,
            data,
        }),
        "data_exchange" => Ok(Step::DataExchange { data }),
        "back" => Ok(Step::Back),
        "complete" => match data {
            Value::Object(data) => Ok(Step::Complete { data }),
            _ => Err(GraphError::sim_invalid("data must be an object")),
        },
        other => Err(GraphError::sim_invalid(format!(
            "action {other:?}: use navigate, data_exchange, back or complete"
        ))),
    }
}

async fn act(
    State(state): State<AppState>,
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits, message_id)): SimPath<(String, String, String)>,
    SimJson(request): SimJson<StepRequest>,
) -> Answer {
    let digits = phone_digits(&digits);
    let step = step_of(request)?;
    let first = lock(&shared).flow_step(&digits, &message_id, step);
    drive(&state, &shared, first, |e| refusal(e, &digits, &message_id)).await
}

async fn session(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits, message_id)): SimPath<(String, String, String)>,
) -> Answer {
    let digits = phone_digits(&digits);
    let view = lock(&shared)
        .flow_session_view(&digits, &message_id)
        .ok_or_else(|| refusal(FlowExchangeError::NotOpened, &digits, &message_id))?;
    ok(StatusCode::OK, view)
}

async fn health_check(
    State(state): State<AppState>,
    SimSandbox(shared): SimSandbox,
    SimPath((_, flow_id)): SimPath<(String, String)>,
) -> Answer {
    let first = lock(&shared)
        .flow_health_check(&flow_id)
        .map(|call| Progress::Call(Box::new(call)));
    drive(&state, &shared, first, |error| match error {
        FlowExchangeError::UnknownFlow => {
            GraphError::sim_not_found(format!("No Flow with id {flow_id:?}"))
        }
        FlowExchangeError::NoPublicKey => GraphError::sim_conflict(
            "No number of the Flow's WABA uploaded a business public key: WhatsApp cannot encrypt the ping",
        ),
        other => refusal(other, "", ""),
    })
    .await
}
