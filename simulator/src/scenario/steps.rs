//! Executing one step of a scenario against its sandbox over HTTP: Graph and
//! control-plane calls (recorded, checked against `expect`, captured into
//! variables), clock moves, webhook flushes, the runner's receiver going down
//! or up, and the expectations on webhooks received and on the calls an app
//! under test made (read from the sandbox's journal, within a real-time bound).

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::format::{Action, Expect, GraphCall, ListExpectation, SimCall, Step};
use super::matching::{brief, check, check_list};
use super::runner::{RUNNER_AGENT, Runner};
use super::transcript::{Transcript, request};
use super::vars::Vars;

/// Why a step failed, and what to show beside it.
#[derive(Debug)]
pub struct StepError {
    pub message: String,
    pub detail: Option<String>,
}

impl From<String> for StepError {
    fn from(message: String) -> Self {
        Self {
            message,
            detail: None,
        }
    }
}

/// How long list expectations wait by default when webhooks arrive on their own.
const DEFAULT_WAIT_MS: u64 = 5_000;
const POLL: Duration = Duration::from_millis(25);

/// The state of one scenario run.
pub struct Run<'a> {
    pub runner: &'a Runner,
    pub sid: String,
    pub vars: Vars,
    pub transcript: Transcript,
    /// Whether webhooks leave only on `flush_webhooks` (then nothing is waited for).
    pub manual_delivery: bool,
    /// Receiver POSTs already matched by `expect_webhooks`.
    webhooks_seen: usize,
    /// Receiver POSTs already written into the transcript.
    webhooks_recorded: usize,
    /// Journal entries already looked at by `expect_app_calls`.
    journal_seen: u64,
}

enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
}

/// One HTTP request to metasim.
struct Call {
    verb: Method,
    /// From the root: `/v23.0/…` or `/_sim/…`.
    path: String,
    query: Vec<(String, String)>,
    token: Option<String>,
    body: Body,
}

impl Call {
    fn new(verb: Method, path: String, body: Body) -> Self {
        Self {
            verb,
            path,
            query: Vec::new(),
            token: None,
            body,
        }
    }
}

struct Answer {
    status: u16,
    body: Value,
}

/// Form and query values: strings as they are, anything else as JSON text.
fn pairs(members: Map<String, Value>) -> Vec<(String, String)> {
    members
        .into_iter()
        .map(|(key, value)| match value {
            Value::String(text) => (key, text),
            other => (key, other.to_string()),
        })
        .collect()
}

fn method(name: &str, field: &str) -> Result<Method, String> {
    Method::from_bytes(name.to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("{field}: {name:?} is not an HTTP method"))
}

fn absolute(path: String, field: &str) -> Result<String, String> {
    if path.starts_with('/') {
        Ok(path)
    } else {
        Err(format!("{field}: {path:?} must start with /"))
    }
}

impl<'a> Run<'a> {
    pub fn new(
        runner: &'a Runner,
        sid: String,
        vars: Vars,
        transcript: Transcript,
        manual_delivery: bool,
    ) -> Self {
        Self {
            runner,
            sid,
            vars,
            transcript,
            manual_delivery,
            webhooks_seen: 0,
            webhooks_recorded: 0,
            journal_seen: 0,
        }
    }

    pub async fn step(&mut self, number: usize, step: &Step) -> Result<(), StepError> {
        let mut entry = json!({ "step": number });
        if let Some(name) = &step.name {
            entry["name"] = json!(name);
        }
        let result = match &step.action {
            Action::Graph(call) => self.graph(entry, call, step).await,
            Action::Sim(call) => self.sim(entry, call, step).await,
            Action::AdvanceClock(advance) => {
                let path = format!("/_sim/sandboxes/{}/clock/advance", self.sid);
                let body = json!({ "seconds": advance.total_seconds() });
                entry["advance_clock"] = request("POST", &path, None, body_member(&body));
                self.exchange(entry, Call::new(Method::POST, path, Body::Json(body)), step)
                    .await
            }
            Action::FlushWebhooks(_) => {
                let path = format!("/_sim/sandboxes/{}/webhooks/deliver", self.sid);
                entry["flush_webhooks"] = request("POST", &path, None, Map::new());
                self.exchange(entry, Call::new(Method::POST, path, Body::None), step)
                    .await
            }
            Action::Receiver(mode) => {
                self.runner.receiver().set_status(&self.sid, mode.status);
                entry["receiver"] = json!({ "status": mode.status });
                self.transcript.push(entry);
                Ok(())
            }
            Action::ExpectWebhooks(expectation) => {
                self.expect_webhooks(entry, expectation, step).await
            }
            Action::ExpectAppCalls(expectation) => {
                self.expect_app_calls(entry, expectation, step).await
            }
        };
        self.record_webhooks();
        result
    }

    async fn graph(
        &mut self,
        mut entry: Value,
        call: &GraphCall,
        step: &Step,
    ) -> Result<(), StepError> {
        let verb = method(&call.method, "graph.method")?;
        let path = absolute(self.vars.text(&call.path, "graph.path")?, "graph.path")?;
        let query = self.vars.object(&call.query, "graph.query")?;
        let mut extra = Map::new();
        if !query.is_empty() {
            extra.insert("query".into(), Value::Object(query.clone()));
        }
        let body = match (&call.body, &call.form) {
            (Some(body), _) => {
                let body = self.vars.value(body, "graph.body")?;
                extra.insert("body".into(), body.clone());
                Body::Json(body)
            }
            (None, Some(form)) => {
                let form = self.vars.object(form, "graph.form")?;
                extra.insert("form".into(), Value::Object(form.clone()));
                Body::Form(pairs(form))
            }
            (None, None) => Body::None,
        };
        let token = match &call.token {
            Some(handle) => Some(self.token(handle)?),
            None => None,
        };
        entry["graph"] = request(verb.as_str(), &path, call.token.as_deref(), extra);
        let call = Call {
            query: pairs(query),
            token,
            ..Call::new(verb, path, body)
        };
        self.exchange(entry, call, step).await
    }

    /// A token handle, an app handle (its app token), or the text itself —
    /// unless the text reads as a mistyped handle.
    fn token(&self, handle: &str) -> Result<String, String> {
        let text = self.vars.text(handle, "graph.token")?;
        for namespace in ["token", "app_token"] {
            if let Some(Value::String(token)) = self.vars.get(&format!("{namespace}.{text}")) {
                return Ok(token.clone());
            }
        }
        let mut known = self.vars.names_in("token");
        known.extend(self.vars.names_in("app_token"));
        known.sort_unstable();
        match super::token_handles::mistyped(&text, &known) {
            Some(error) => Err(error),
            None => Ok(text),
        }
    }

    async fn sim(
        &mut self,
        mut entry: Value,
        call: &SimCall,
        step: &Step,
    ) -> Result<(), StepError> {
        let verb = method(&call.method, "sim.method")?;
        let relative = absolute(self.vars.text(&call.path, "sim.path")?, "sim.path")?;
        let path = if relative.starts_with("/_sim/") {
            relative
        } else {
            format!("/_sim/sandboxes/{}{relative}", self.sid)
        };
        let (body, extra) = match &call.body {
            Some(body) => {
                let body = self.vars.value(body, "sim.body")?;
                (Body::Json(body.clone()), body_member(&body))
            }
            None => (Body::None, Map::new()),
        };
        entry["sim"] = request(verb.as_str(), &path, None, extra);
        self.exchange(entry, Call::new(verb, path, body), step)
            .await
    }

    /// The runner subscribes the app under test (recorded like a step).
    pub async fn subscribe(
        &mut self,
        path: &str,
        token: &str,
        body: Value,
    ) -> Result<(u16, Value), StepError> {
        let call = Call {
            token: Some(token.to_owned()),
            ..Call::new(Method::POST, path.to_owned(), Body::Json(body.clone()))
        };
        let answer = self.send(call).await?;
        self.transcript.push(json!({
            "app_webhook": request("POST", path, Some("app_token"), body_member(&body)),
            "response": { "status": answer.status, "body": answer.body },
        }));
        Ok((answer.status, answer.body))
    }

    /// Send one request, record it, check `expect`, apply `capture`.
    async fn exchange(
        &mut self,
        mut entry: Value,
        call: Call,
        step: &Step,
    ) -> Result<(), StepError> {
        let answer = self.send(call).await?;
        entry["response"] = json!({ "status": answer.status, "body": answer.body });
        self.transcript.push(entry);
        let shown = || {
            Some(format!(
                "response: {} {}",
                answer.status,
                brief(&answer.body)
            ))
        };
        if let Err(message) = self.check_answer(step.expect.as_ref(), &answer) {
            return Err(StepError {
                message,
                detail: shown(),
            });
        }
        self.capture(step, &answer.body)
            .map_err(|message| StepError {
                message,
                detail: shown(),
            })
    }

    async fn send(&self, call: Call) -> Result<Answer, String> {
        let Call {
            verb,
            path,
            query,
            token,
            body,
        } = call;
        let mut url = format!("{}{path}", self.runner.url());
        if !query.is_empty() {
            url.push(if path.contains('?') { '&' } else { '?' });
            url.push_str(
                &form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(query)
                    .finish(),
            );
        }
        let mut request = self
            .runner
            .http()
            .request(verb, url)
            .header("user-agent", RUNNER_AGENT);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request = match body {
            Body::None => request,
            Body::Json(value) => request.json(&value),
            Body::Form(fields) => request.form(&fields),
        };
        let response = request
            .send()
            .await
            .map_err(|e| format!("metasim did not answer {path}: {e}"))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("metasim's answer to {path} broke off: {e}"))?;
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Ok(Answer { status, body })
    }

    fn check_answer(&self, expect: Option<&Expect>, answer: &Answer) -> Result<(), String> {
        match expect.and_then(|e| e.status) {
            Some(status) if status != answer.status => {
                return Err(format!(
                    "expect.status: expected {status}, got {}",
                    answer.status
                ));
            }
            None if !(200..300).contains(&answer.status) => {
                return Err(format!(
                    "expected a 2xx answer (no expect.status given), got {}",
                    answer.status
                ));
            }
            _ => {}
        }
        if let Some(pattern) = expect.and_then(|e| e.body.as_ref()) {
            let pattern = self.vars.value(pattern, "expect.body")?;
            check(&pattern, &answer.body, "expect.body").map_err(|m| m.to_string())?;
        }
        Ok(())
    }

    fn capture(&mut self, step: &Step, result: &Value) -> Result<(), String> {
        for (name, pointer) in &step.capture {
            let value = result
                .pointer(pointer)
                .ok_or_else(|| format!("capture.{name}: {pointer} is not in the result"))?;
            self.vars.set(name.clone(), value.clone());
        }
        Ok(())
    }

    /// Write the receiver's new POSTs into the transcript, on the step that saw them.
    fn record_webhooks(&mut self) {
        let posts = self
            .runner
            .receiver()
            .posts_since(&self.sid, self.webhooks_recorded);
        if posts.is_empty() {
            return;
        }
        self.webhooks_recorded += posts.len();
        let recorded: Vec<Value> = posts
            .into_iter()
            .map(|post| {
                json!({
                    "answered": post.answered,
                    "x-hub-signature-256": post.signature,
                    "signature_valid": post.signature_valid,
                    "body": post.body,
                })
            })
            .collect();
        self.transcript.annotate("webhooks", Value::Array(recorded));
    }

    /// How long to wait for webhooks: not at all with manual delivery or when
    /// none are expected (unless the step gives a bound), else the default.
    fn wait_ms(&self, expectation: &ListExpectation, want: usize) -> u64 {
        expectation
            .within_ms
            .unwrap_or(if self.manual_delivery || want == 0 {
                0
            } else {
                DEFAULT_WAIT_MS
            })
    }

    async fn expect_webhooks(
        &mut self,
        mut entry: Value,
        expectation: &ListExpectation,
        step: &Step,
    ) -> Result<(), StepError> {
        let receiver = self.runner.receiver();
        let want = expectation.expected_count();
        let deadline = Instant::now() + Duration::from_millis(self.wait_ms(expectation, want));
        let (posts, changes) = loop {
            let posts = receiver.posts_since(&self.sid, self.webhooks_seen);
            if let Some(bad) = posts.iter().find(|p| !p.signature_valid) {
                return Err(format!(
                    "a webhook's X-Hub-Signature-256 is not the HMAC of its body with an app secret: {}",
                    brief(&bad.body)
                )
                .into());
            }
            let changes: Vec<Value> = posts
                .iter()
                .filter(|p| (200..300).contains(&p.answered))
                .flat_map(|p| changes_of(&p.body))
                .collect();
            // "Nothing arrives" (a count of 0) can only be told at the deadline.
            if (want > 0 && changes.len() >= want) || Instant::now() >= deadline {
                break (posts, changes);
            }
            tokio::time::sleep(POLL).await;
        };
        self.webhooks_seen += posts.len();
        entry["expect_webhooks"] = json!({ "received": changes });
        self.transcript.push(entry);
        self.check_items(&changes, expectation, "webhooks", step)
    }

    async fn expect_app_calls(
        &mut self,
        mut entry: Value,
        expectation: &ListExpectation,
        step: &Step,
    ) -> Result<(), StepError> {
        let want = expectation.expected_count();
        // The app calls on its own time: wait for them unless none are expected.
        let wait = expectation
            .within_ms
            .unwrap_or(if want == 0 { 0 } else { DEFAULT_WAIT_MS });
        let deadline = Instant::now() + Duration::from_millis(wait);
        let (calls, last) = loop {
            let entries = self.journal_after(self.journal_seen).await?;
            let last = entries
                .iter()
                .filter_map(|e| e["seq"].as_u64())
                .max()
                .unwrap_or(self.journal_seen);
            let calls: Vec<Value> = entries
                .into_iter()
                .filter(|e| e["seq"].as_u64().is_some_and(|seq| seq > self.journal_seen))
                .filter(|e| e["headers"]["user-agent"] != json!(RUNNER_AGENT))
                .collect();
            if (want > 0 && calls.len() >= want) || Instant::now() >= deadline {
                break (calls, last);
            }
            tokio::time::sleep(POLL).await;
        };
        self.journal_seen = last;
        entry["expect_app_calls"] = json!({ "calls": calls });
        self.transcript.push(entry);
        self.check_items(&calls, expectation, "app calls", step)
    }

    /// Every journal entry after `seq`, following the pages.
    async fn journal_after(&self, seq: u64) -> Result<Vec<Value>, String> {
        let mut path = format!(
            "/_sim/sandboxes/{}/journal?after={seq}&limit=1000",
            self.sid
        );
        let mut entries = Vec::new();
        loop {
            let answer = self.send(Call::new(Method::GET, path, Body::None)).await?;
            entries.extend(answer.body["data"].as_array().cloned().unwrap_or_default());
            match answer.body["paging"]["next"].as_str() {
                Some(next) => path = next.to_owned(),
                None => return Ok(entries),
            }
        }
    }

    fn check_items(
        &mut self,
        items: &[Value],
        expectation: &ListExpectation,
        noun: &str,
        step: &Step,
    ) -> Result<(), StepError> {
        let patterns = self
            .vars
            .value(&Value::Array(expectation.patterns.clone()), "match")?;
        let patterns = patterns.as_array().cloned().unwrap_or_default();
        check_list(
            items,
            &patterns,
            expectation.expected_count(),
            expectation.order,
            noun,
        )?;
        self.capture(step, &Value::Array(items.to_vec()))?;
        Ok(())
    }
}

fn body_member(body: &Value) -> Map<String, Value> {
    let mut members = Map::new();
    members.insert("body".into(), body.clone());
    members
}

/// The changes a webhook POST carries, one item each:
/// `{"object", "id", "time"?, "field", "value"}`; Messenger-style
/// `messaging` events become `field: "messaging"`.
pub fn changes_of(body: &Value) -> Vec<Value> {
    let object = body["object"].clone();
    let Some(entries) = body["entry"].as_array() else {
        return vec![json!({ "object": object, "body": body })];
    };
    let mut changes = Vec::new();
    for entry in entries {
        let mut base = json!({ "object": object, "id": entry["id"] });
        if let Some(time) = entry.get("time") {
            base["time"] = time.clone();
        }
        let listed = [("changes", None), ("messaging", Some("messaging"))];
        for (key, field) in listed {
            for item in entry[key].as_array().into_iter().flatten() {
                let mut change = base.clone();
                match field {
                    None => {
                        change["field"] = item["field"].clone();
                        change["value"] = item["value"].clone();
                    }
                    Some(name) => {
                        change["field"] = json!(name);
                        change["value"] = item.clone();
                    }
                }
                changes.push(change);
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_splits_into_its_changes() {
        let body = json!({"object": "whatsapp_business_account", "entry": [
            {"id": "1", "changes": [{"field": "messages", "value": {"a": 1}}, {"field": "messages", "value": {"a": 2}}]},
            {"id": "2", "time": 5, "messaging": [{"message": {"text": "hi"}}]}
        ]});
        assert_eq!(
            changes_of(&body),
            [
                json!({"object": "whatsapp_business_account", "id": "1", "field": "messages", "value": {"a": 1}}),
                json!({"object": "whatsapp_business_account", "id": "1", "field": "messages", "value": {"a": 2}}),
                json!({"object": "whatsapp_business_account", "id": "2", "time": 5, "field": "messaging", "value": {"message": {"text": "hi"}}}),
            ]
        );
        assert_eq!(
            changes_of(&json!("x")),
            [json!({"object": null, "body": "x"})]
        );
    }

    #[test]
    fn forms_and_queries_send_nested_values_as_json_text() {
        let mut members = Map::new();
        members.insert("to".into(), json!("1555"));
        members.insert("text".into(), json!({"body": "hi"}));
        members.insert("n".into(), json!(2));
        assert_eq!(
            pairs(members),
            [
                ("to".to_owned(), "1555".to_owned()),
                ("text".to_owned(), "{\"body\":\"hi\"}".to_owned()),
                ("n".to_owned(), "2".to_owned()),
            ]
        );
        assert!(method("patch", "m").is_ok());
        assert_eq!(
            method("GE T", "graph.method").unwrap_err(),
            "graph.method: \"GE T\" is not an HTTP method"
        );
        assert_eq!(
            absolute("v23.0/me".into(), "graph.path").unwrap_err(),
            "graph.path: \"v23.0/me\" must start with /"
        );
    }
}
