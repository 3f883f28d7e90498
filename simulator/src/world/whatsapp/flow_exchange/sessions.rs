//! A consumer going through a Flow message they received, as WhatsApp's
//! client drives it: opening it (`navigate` shows the first screen,
//! `data_exchange` asks the endpoint with `INIT`), moving between screens,
//! submitting a screen to the endpoint (`data_exchange`), going back (`BACK`
//! to the endpoint when the screen says `refresh_on_back`), and completing it
//! (the business then receives the `nfm_reply` message). A request to the
//! endpoint is prepared here ([`Call`]), sent by the API layer without the
//! sandbox lock, and its answer applied here ([`Sandbox::finish_call`]),
//! which also counts it in the Flow's metrics (and its alerts).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::crypto::{self, Sealed};
use super::metrics::Observed;
use crate::world::sandbox::Sandbox;
use crate::world::webhooks::outbox::hex_hmac_256;
use crate::world::whatsapp::flows::{DATA_API_VERSION, Flow};
use crate::world::whatsapp::messaging::{Direction, InboundRefusal, MessageStatus};
use crate::world::whatsapp::payload_encryption::client_key::parse_pem;
use crate::world::whatsapp::payload_encryption::seeded_random::SeededRandom;

/// How many Flow sessions a sandbox keeps (the oldest go first).
pub const MAX_SESSIONS: usize = 1000;
/// How many screens back a session remembers.
pub const MAX_HISTORY: usize = 50;

/// Where a session is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Open,
    /// Completed: the business got the `nfm_reply`.
    Completed,
    /// The endpoint said the flow token is no longer valid (427).
    Closed,
}

/// What the consumer's phone shows after a failed step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StepError {
    /// The metric's error kind, or `flow_token_invalid` / `signature_invalid`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub message: String,
}

/// A consumer's pass through one Flow message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FlowSession {
    /// The order sessions were opened in (retention drops the oldest).
    pub seq: u64,
    pub message_id: String,
    pub consumer: String,
    pub phone_number_id: String,
    pub flow_id: String,
    pub flow_token: String,
    /// Screens are served by the Flow's endpoint.
    pub endpoint: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen: Option<String>,
    #[serde(default)]
    pub data: Value,
    /// The screens before this one, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<String>,
    pub state: SessionState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<StepError>,
    /// The `nfm_reply` the business received on completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_message_id: Option<String>,
}

impl FlowSession {
    /// Show `screen` with `data` (clearing the last error).
    fn show(&mut self, screen: String, data: Value) {
        self.screen = Some(screen);
        self.data = data;
        self.error = None;
    }

    /// Move on to `screen`, remembering the one shown.
    fn forward(&mut self, screen: String, data: Value) {
        self.history.extend(self.screen.take());
        if self.history.len() > MAX_HISTORY {
            self.history.remove(0);
        }
        self.show(screen, data);
    }

    /// What the control plane shows of it.
    pub fn view(&self) -> Value {
        json!({
            "message_id": self.message_id,
            "flow_id": self.flow_id,
            "flow_token": self.flow_token,
            "state": self.state,
            "screen": self.screen,
            "data": self.data,
            "history": self.history,
            "error": self.error,
            "reply_message_id": self.reply_message_id,
        })
    }
}

/// What the consumer does on an open Flow.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A `navigate` action of the Flow JSON: another screen, no endpoint.
    Navigate {
        screen: String,
        data: Value,
    },
    /// Submit the screen to the endpoint.
    DataExchange {
        data: Value,
    },
    Back,
    /// A `complete` action of the Flow JSON: its payload goes to the business.
    Complete {
        data: Map<String, Value>,
    },
}

/// Why a Flow cannot be opened or moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowExchangeError {
    /// No message with this id reached this consumer.
    NoSuchMessage,
    NotAFlowMessage,
    /// The Flow it names is not (or no longer) one of the number's WABA.
    UnknownFlow,
    /// The step needs the Flow's endpoint, and it has none.
    NoEndpoint,
    /// The Flow is blocked: consumers cannot open it.
    Blocked,
    /// The number uploaded no business public key to encrypt to.
    NoPublicKey,
    UnusablePublicKey,
    /// The session was completed or closed.
    Finished(SessionState),
    NotOpened,
    /// A screen the Flow JSON does not list.
    UnknownScreen(String),
    /// Back from the first screen.
    NoScreenBefore,
    Inbound(InboundRefusal),
}

/// A request to a Flow's endpoint, to be sent outside the sandbox lock.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub flow_id: String,
    pub url: String,
    pub body: String,
    /// `X-Hub-Signature-256`: `sha256=` HMAC of the body with the app's secret.
    pub signature: Option<String>,
    sealed: Sealed,
    /// The session it serves; none for a health check.
    message_id: Option<String>,
    /// The request's action (`INIT`, `data_exchange`, `BACK`, `ping`).
    action: String,
    plaintext: Vec<u8>,
    /// Sent again after the endpoint could not decrypt it (421).
    retried: bool,
    /// An error notification: its answer changes nothing on the phone.
    notifies: bool,
}

/// What the endpoint did with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Http {
        status: u16,
        body: Vec<u8>,
    },
    /// No answer within `after_ms`.
    Timeout {
        after_ms: u64,
    },
    /// No connection, or a transport error.
    Unreachable,
    /// An answer larger than metasim reads.
    TooLarge,
}

/// What a step or an answer came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// The session (or health check) as it now is.
    Shown(Value),
    /// A request to send, then to finish with [`Sandbox::finish_call`].
    Call(Box<Call>),
}

/// The screens of a Flow JSON: (id, refresh_on_back).
fn screens(flow: &Flow) -> Vec<(String, bool)> {
    let parsed: Value = flow
        .json
        .as_ref()
        .and_then(|j| serde_json::from_str(&j.text).ok())
        .unwrap_or(Value::Null);
    parsed["screens"]
        .as_array()
        .map(|screens| {
            screens
                .iter()
                .filter_map(|s| {
                    let id = s["id"].as_str()?.to_owned();
                    Some((id, s["refresh_on_back"].as_bool() == Some(true)))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn step_error(kind: &str, http_status: Option<u16>, message: &str) -> StepError {
    StepError {
        kind: kind.to_owned(),
        http_status,
        message: message.to_owned(),
    }
}

/// How a data exchange answer is read: the next screen, the completion, or an error.
enum Reading {
    Screen(String, Value),
    Complete(Map<String, Value>),
    Failed(StepError),
}

const SOMETHING_WRONG: &str = "Something went wrong. Please try again later.";

/// The failures the client notifies the endpoint of: answers that decrypted
/// but were no valid response.
const NOTIFIED: [&str; 2] = ["invalid_screen_transition", "invalid_response_error"];

/// The body of a readable 200, or what the phone shows for any other answer.
fn body_of(answer: &Answer) -> Result<&[u8], StepError> {
    let (kind, status) = match answer {
        Answer::Http { status: 200, body } => return Ok(body),
        Answer::Http { status: 427, .. } => {
            return Err(step_error(
                "flow_token_invalid",
                Some(427),
                "This flow is no longer available.",
            ));
        }
        Answer::Http { status: 432, .. } => ("signature_invalid", Some(432)),
        Answer::Http { status, .. } => ("unexpected_http_status_code", Some(*status)),
        Answer::Timeout { .. } => ("timeout_error", None),
        Answer::Unreachable => ("connection_error", None),
        Answer::TooLarge => ("invalid_response_error", Some(200)),
    };
    Err(step_error(kind, status, SOMETHING_WRONG))
}

/// The `ENDPOINT_REQUEST_ERROR` kind a failure counts as (427 and 432 are the
/// endpoint's own answers, counted as statuses).
fn metric_kind(error: &StepError) -> Option<&'static str> {
    if matches!(error.http_status, Some(427 | 432)) {
        return Some("unexpected_http_status_code");
    }
    ERROR_KINDS.iter().copied().find(|k| *k == error.kind)
}

/// Read a 200 answer to a data exchange request.
fn read_screen(sealed: &Sealed, body: &[u8], flow: Option<&Flow>) -> Reading {
    let Some(plain) = crypto::open_answer(sealed, body) else {
        return Reading::Failed(step_error(
            "response_decryption_error",
            Some(200),
            SOMETHING_WRONG,
        ));
    };
    let invalid = || {
        Reading::Failed(step_error(
            "invalid_response_error",
            Some(200),
            SOMETHING_WRONG,
        ))
    };
    let Ok(Value::Object(answer)) = serde_json::from_slice::<Value>(&plain) else {
        return invalid();
    };
    let data = answer.get("data").cloned().unwrap_or_else(|| json!({}));
    match answer.get("screen").and_then(Value::as_str) {
        Some("SUCCESS") => match &data["extension_message_response"]["params"] {
            Value::Object(params) => Reading::Complete(params.clone()),
            _ => invalid(),
        },
        Some(screen) if flow.is_some_and(|f| screens(f).iter().any(|(id, _)| id == screen)) => {
            Reading::Screen(screen.to_owned(), data)
        }
        Some(_) => Reading::Failed(step_error(
            "invalid_screen_transition",
            Some(200),
            SOMETHING_WRONG,
        )),
        None => invalid(),
    }
}

impl Sandbox {
    fn session_of(
        &mut self,
        consumer: &str,
        message_id: &str,
    ) -> Result<&mut FlowSession, FlowExchangeError> {
        let session = self
            .whatsapp
            .flow_sessions
            .get_mut(message_id)
            .filter(|s| s.consumer == consumer)
            .ok_or(FlowExchangeError::NotOpened)?;
        match session.state {
            SessionState::Open => Ok(session),
            finished => Err(FlowExchangeError::Finished(finished)),
        }
    }

    /// A consumer's Flow session, as the control plane shows it.
    pub fn flow_session_view(&self, consumer: &str, message_id: &str) -> Option<Value> {
        self.whatsapp
            .flow_sessions
            .get(message_id)
            .filter(|s| s.consumer == consumer)
            .map(FlowSession::view)
    }

    /// The consumer opens the Flow message `message_id` they received.
    pub fn open_flow(
        &mut self,
        consumer: &str,
        message_id: &str,
    ) -> Result<Progress, FlowExchangeError> {
        let received = self
            .whatsapp
            .messaging
            .messages
            .get(message_id)
            // One that failed (or has not left yet) never reached the phone.
            .filter(|m| {
                m.direction == Direction::Outbound
                    && m.consumer == consumer
                    && !matches!(m.status, MessageStatus::Failed | MessageStatus::Accepted)
            })
            .ok_or(FlowExchangeError::NoSuchMessage)?;
        let phone_number_id = received.phone_number_id.clone();
        let message = received.message.to_value();
        let interactive = &message["interactive"];
        if message["type"] != "interactive" || interactive["type"] != "flow" {
            return Err(FlowExchangeError::NotAFlowMessage);
        }
        let parameters = &interactive["action"]["parameters"];
        let waba_id = self
            .whatsapp
            .phone_numbers
            .get(&phone_number_id)
            .map(|p| p.waba_id.clone())
            .unwrap_or_default();
        let flow = match (
            parameters["flow_id"].as_str(),
            parameters["flow_name"].as_str(),
        ) {
            (Some(id), _) => self.whatsapp.flows.get(id).map(|f| (**f).clone()),
            (None, Some(name)) => self.flow_named(&waba_id, name).cloned(),
            (None, None) => None,
        }
        .filter(|f| f.waba_id == waba_id)
        .ok_or(FlowExchangeError::UnknownFlow)?;
        if !self.flow_opens(&flow.id) {
            return Err(FlowExchangeError::Blocked);
        }
        if let Some(earlier) = self.whatsapp.flow_sessions.get(message_id)
            && earlier.state != SessionState::Open
        {
            return Err(FlowExchangeError::Finished(earlier.state));
        }
        let endpoint =
            flow.endpoint_uri.is_some() && flow.json.as_ref().is_some_and(|j| j.uses_endpoint);
        let exchange = parameters["flow_action"] == "data_exchange";
        if exchange && !endpoint {
            return Err(FlowExchangeError::NoEndpoint);
        }
        let payload = &parameters["flow_action_payload"];
        let first = screens(&flow).into_iter().next().map(|(id, _)| id);
        let seq = self
            .whatsapp
            .flow_sessions
            .values()
            .map(|s| s.seq)
            .max()
            .map_or(1, |last| last.saturating_add(1));
        let session = FlowSession {
            seq,
            message_id: message_id.to_owned(),
            consumer: consumer.to_owned(),
            phone_number_id,
            flow_id: flow.id.clone(),
            flow_token: parameters["flow_token"]
                .as_str()
                .unwrap_or("unused")
                .to_owned(),
            endpoint,
            screen: if exchange {
                None
            } else {
                payload["screen"].as_str().map(str::to_owned).or(first)
            },
            data: if exchange {
                json!({})
            } else {
                payload.get("data").cloned().unwrap_or_else(|| json!({}))
            },
            history: Vec::new(),
            state: SessionState::Open,
            error: None,
            reply_message_id: None,
        };
        // A request that cannot be made leaves no session behind.
        let progress = if exchange {
            Progress::Call(Box::new(self.prepare_call(&session, "INIT", None, None)?))
        } else {
            Progress::Shown(session.view())
        };
        let sessions = &mut self.whatsapp.flow_sessions;
        sessions.insert(message_id.to_owned(), session);
        while sessions.len() > MAX_SESSIONS {
            let oldest = sessions
                .values()
                .min_by_key(|s| s.seq)
                .map(|s| s.message_id.clone())
                .unwrap_or_default();
            sessions.remove(&oldest);
        }
        Ok(progress)
    }

    /// The consumer acts on an open Flow.
    pub fn flow_step(
        &mut self,
        consumer: &str,
        message_id: &str,
        step: Step,
    ) -> Result<Progress, FlowExchangeError> {
        let session = self.session_of(consumer, message_id)?.clone();
        let flow_screens = self
            .whatsapp
            .flows
            .get(&session.flow_id)
            .map(|f| screens(f))
            .unwrap_or_default();
        match step {
            Step::Navigate { screen, data } => {
                if !flow_screens.iter().any(|(id, _)| *id == screen) {
                    return Err(FlowExchangeError::UnknownScreen(screen));
                }
                let session = self.session_of(consumer, message_id)?;
                session.forward(screen, data);
                Ok(Progress::Shown(session.view()))
            }
            Step::DataExchange { data } => {
                if !session.endpoint {
                    return Err(FlowExchangeError::NoEndpoint);
                }
                let screen = session.screen.clone();
                self.prepare_call(&session, "data_exchange", screen, Some(data))
                    .map(|call| Progress::Call(Box::new(call)))
            }
            Step::Back => {
                let refresh = flow_screens
                    .iter()
                    .any(|(id, refresh)| *refresh && session.screen.as_deref() == Some(id));
                if session.history.is_empty() {
                    return Err(FlowExchangeError::NoScreenBefore);
                }
                if session.endpoint && refresh {
                    let screen = session.screen.clone();
                    return self
                        .prepare_call(&session, "BACK", screen, None)
                        .map(|call| Progress::Call(Box::new(call)));
                }
                let session = self.session_of(consumer, message_id)?;
                session.screen = session.history.pop();
                session.error = None;
                Ok(Progress::Shown(session.view()))
            }
            Step::Complete { data } => {
                let mut params = Map::new();
                params.insert("flow_token".to_owned(), json!(session.flow_token));
                params.extend(data);
                self.complete_flow(message_id, params)?;
                Ok(Progress::Shown(
                    self.whatsapp.flow_sessions[message_id].view(),
                ))
            }
        }
    }

    /// A health-check `ping` to the Flow's endpoint.
    pub fn flow_health_check(&mut self, flow_id: &str) -> Result<Call, FlowExchangeError> {
        let flow = self
            .whatsapp
            .flows
            .get(flow_id)
            .ok_or(FlowExchangeError::UnknownFlow)?;
        let url = flow
            .endpoint_uri
            .clone()
            .ok_or(FlowExchangeError::NoEndpoint)?;
        // The WABA's first number with a key encrypts the ping.
        let waba_id = flow.waba_id.clone();
        let phone = self
            .whatsapp
            .phone_numbers
            .values()
            .find(|p| p.waba_id == waba_id && self.whatsapp.public_keys.contains_key(&p.id))
            .map(|p| p.id.clone())
            .ok_or(FlowExchangeError::NoPublicKey)?;
        let plaintext = json!({ "version": DATA_API_VERSION, "action": "ping" });
        self.seal_call(flow_id, &phone, &url, None, "ping", plaintext.to_string())
    }

    fn prepare_call(
        &mut self,
        session: &FlowSession,
        action: &str,
        screen: Option<String>,
        data: Option<Value>,
    ) -> Result<Call, FlowExchangeError> {
        let url = self
            .whatsapp
            .flows
            .get(&session.flow_id)
            .and_then(|f| f.endpoint_uri.clone())
            .ok_or(FlowExchangeError::NoEndpoint)?;
        let mut request = json!({ "version": DATA_API_VERSION, "action": action });
        if let Some(screen) = screen {
            request["screen"] = json!(screen);
        }
        if let Some(data) = data {
            request["data"] = data;
        }
        request["flow_token"] = json!(session.flow_token);
        self.seal_call(
            &session.flow_id,
            &session.phone_number_id,
            &url,
            Some(&session.message_id),
            action,
            request.to_string(),
        )
    }

    /// Encrypt a request to the number's business public key, with fresh
    /// randomness from the sandbox's generator, and sign it.
    fn seal_call(
        &mut self,
        flow_id: &str,
        phone_number_id: &str,
        url: &str,
        message_id: Option<&str>,
        action: &str,
        plaintext: String,
    ) -> Result<Call, FlowExchangeError> {
        let pem = self
            .whatsapp
            .public_keys
            .get(phone_number_id)
            .ok_or(FlowExchangeError::NoPublicKey)?;
        let key = parse_pem(pem).map_err(|_| FlowExchangeError::UnusablePublicKey)?;
        let mut random = SeededRandom::new(self.ids.secret_bytes("flow_exchange"));
        let sealed = crypto::seal(&key, plaintext.as_bytes(), &mut random)
            .map_err(|_| FlowExchangeError::UnusablePublicKey)?;
        let signature = self
            .whatsapp
            .flows
            .get(flow_id)
            .and_then(|f| self.accounts.apps.get(&f.app_id))
            .map(|app| {
                format!(
                    "sha256={}",
                    hex_hmac_256(&app.secret, sealed.body.as_bytes())
                )
            });
        Ok(Call {
            flow_id: flow_id.to_owned(),
            url: url.to_owned(),
            body: sealed.body.clone(),
            signature,
            sealed,
            message_id: message_id.map(str::to_owned),
            action: action.to_owned(),
            plaintext: plaintext.into_bytes(),
            retried: false,
            notifies: false,
        })
    }

    /// Apply the endpoint's answer to `call`: count it, then move the
    /// session (or report the health check). An endpoint that could not
    /// decrypt the request (421) gets it once more, freshly encrypted, as
    /// WhatsApp's client re-fetches the key and retries.
    pub fn finish_call(
        &mut self,
        call: Call,
        answer: Answer,
    ) -> Result<Progress, FlowExchangeError> {
        let latency_seconds = match &answer {
            Answer::Timeout { after_ms } => {
                u32::try_from(after_ms.div_ceil(1000)).unwrap_or(u32::MAX)
            }
            _ => 1,
        };
        let Some(message_id) = call.message_id.clone() else {
            return Ok(Progress::Shown(self.finish_ping(&call, &answer)));
        };
        if call.notifies {
            // The endpoint acknowledges; whatever it says, the phone shows its error.
            let error = body_of(&answer).err().as_ref().and_then(metric_kind);
            let observed = Observed::Request {
                latency_seconds,
                error,
            };
            self.record_flow_request(&call.flow_id, &observed);
            return self
                .whatsapp
                .flow_sessions
                .get(&message_id)
                .map(|session| Progress::Shown(session.view()))
                .ok_or(FlowExchangeError::NotOpened);
        }
        let flow = self
            .whatsapp
            .flows
            .get(&call.flow_id)
            .map(|f| (**f).clone());
        let reading = match body_of(&answer) {
            Ok(body) => read_screen(&call.sealed, body, flow.as_ref()),
            Err(error) => Reading::Failed(error),
        };
        let metric_error = match &reading {
            Reading::Failed(error) => metric_kind(error),
            _ => None,
        };
        self.record_flow_request(
            &call.flow_id,
            &Observed::Request {
                latency_seconds,
                error: metric_error,
            },
        );
        if matches!(answer, Answer::Http { status: 421, .. }) && !call.retried {
            let plaintext = String::from_utf8_lossy(&call.plaintext).into_owned();
            let phone = self
                .whatsapp
                .flow_sessions
                .get(&message_id)
                .map(|s| s.phone_number_id.clone())
                .ok_or(FlowExchangeError::NotOpened)?;
            let mut again = self.seal_call(
                &call.flow_id,
                &phone,
                &call.url,
                Some(&message_id),
                &call.action,
                plaintext,
            )?;
            again.retried = true;
            return Ok(Progress::Call(Box::new(again)));
        }
        // The consumer may have finished the Flow while the request was out.
        if let Some(session) = self.whatsapp.flow_sessions.get(&message_id)
            && session.state != SessionState::Open
        {
            return Err(FlowExchangeError::Finished(session.state));
        }
        match reading {
            Reading::Complete(params) => self.complete_flow(&message_id, params)?,
            Reading::Screen(screen, data) => {
                let back = call.action == "BACK";
                let session = self
                    .whatsapp
                    .flow_sessions
                    .get_mut(&message_id)
                    .ok_or(FlowExchangeError::NotOpened)?;
                if back {
                    session.history.pop();
                    session.show(screen, data);
                } else {
                    session.forward(screen, data);
                }
            }
            Reading::Failed(error) => {
                let session = self
                    .whatsapp
                    .flow_sessions
                    .get_mut(&message_id)
                    .ok_or(FlowExchangeError::NotOpened)?;
                if error.http_status == Some(427) {
                    session.state = SessionState::Closed;
                }
                // An answer that opened but was no valid response: the client
                // tells the endpoint (Meta's error notification request).
                let notify = NOTIFIED.contains(&error.kind.as_str());
                let data = json!({ "error": error.kind, "error_message": error.message });
                session.error = Some(error);
                if notify {
                    let session = session.clone();
                    let screen = session.screen.clone();
                    let mut notice =
                        self.prepare_call(&session, &call.action, screen, Some(data))?;
                    notice.notifies = true;
                    return Ok(Progress::Call(Box::new(notice)));
                }
            }
        }
        Ok(Progress::Shown(
            self.whatsapp.flow_sessions[&message_id].view(),
        ))
    }

    fn finish_ping(&mut self, call: &Call, answer: &Answer) -> Value {
        let (status, healthy) = match answer {
            Answer::Http { status, body } => {
                let healthy = *status == 200
                    && crypto::open_answer(&call.sealed, body)
                        .and_then(|plain| serde_json::from_slice::<Value>(&plain).ok())
                        .is_some_and(|v| v["data"]["status"] == "active");
                (Some(*status), healthy)
            }
            _ => (None, false),
        };
        self.record_flow_request(&call.flow_id, &Observed::Ping { healthy });
        json!({ "flow_id": call.flow_id, "healthy": healthy, "http_status": status })
    }

    /// The consumer completes the Flow: the business receives the
    /// `interactive` `nfm_reply` message, in reply to the Flow message.
    fn complete_flow(
        &mut self,
        message_id: &str,
        params: Map<String, Value>,
    ) -> Result<(), FlowExchangeError> {
        let session = self
            .whatsapp
            .flow_sessions
            .get(message_id)
            .ok_or(FlowExchangeError::NotOpened)?
            .clone();
        let reply = json!({
            "type": "interactive",
            "interactive": {
                "type": "nfm_reply",
                "nfm_reply": {
                    "name": "flow",
                    "body": "Sent",
                    "response_json": Value::Object(params).to_string(),
                },
            },
            "context": { "id": message_id },
        });
        let id = self
            .receive_message(&session.consumer, &session.phone_number_id, reply)
            .map_err(FlowExchangeError::Inbound)?;
        let session = self
            .whatsapp
            .flow_sessions
            .get_mut(message_id)
            .ok_or(FlowExchangeError::NotOpened)?;
        session.state = SessionState::Completed;
        session.reply_message_id = Some(id);
        session.error = None;
        Ok(())
    }
}

/// The error kinds a Flow's `ENDPOINT_REQUEST_ERROR` metric counts.
pub const ERROR_KINDS: [&str; 6] = [
    "timeout_error",
    "unexpected_http_status_code",
    "response_decryption_error",
    "invalid_screen_transition",
    "invalid_response_error",
    "connection_error",
];
