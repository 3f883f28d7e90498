//! The scenario file format (serde types). A scenario is a JSON object: a
//! `name`, a `description`, a `seed`, a `fixture` (inline, or a path relative
//! to the file), `sandbox` settings, optionally `app_webhook` (the app under
//! test), and ordered `steps`. A step is an object with one action key
//! (`graph`, `sim`, `advance_clock`, `flush_webhooks`, `receiver`,
//! `expect_webhooks`, `expect_app_calls`) beside the optional `name`, `expect`
//! and `capture`. Parsing names the step and field of every error
//! (`step 4: graph.methd: unknown field …`); `scenarios/schema.json` is the same
//! format as a JSON Schema.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer};
use serde_json::{Map, Value};

use crate::world::clock::ClockMode;
use crate::world::retention::Retention;
use crate::world::sandbox::Delivery;
use crate::world::whatsapp::devices::DeviceSettings;
use crate::world::whatsapp::messaging::MessagingLimits;
use crate::world::whatsapp::templates::lifecycle::TemplateReview;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Where an editor finds the JSON Schema (ignored by the runner).
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Short and unique within a run; the sandbox id is derived from it.
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub seed: u64,
    /// The starting world; the demo fixture when absent.
    #[serde(default)]
    pub fixture: Option<FixtureSource>,
    #[serde(default)]
    pub sandbox: SandboxSettings,
    /// Present when the scenario tests an app (`metasim run --app-webhook URL`).
    #[serde(default)]
    pub app_webhook: Option<AppWebhook>,
    pub steps: Vec<Step>,
}

/// A fixture written inline, or the path of a fixture file relative to the scenario.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum FixtureSource {
    Path(String),
    Inline(Map<String, Value>),
}

/// What `POST /_sim/sandboxes` takes besides id, seed and fixture, plus the
/// clock start (written into the fixture).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SandboxSettings {
    #[serde(default)]
    pub delivery: Option<Delivery>,
    #[serde(default)]
    pub clock: Option<ClockMode>,
    /// Unix seconds or RFC 3339; overrides the fixture's `clock_start`.
    #[serde(default)]
    pub clock_start: Option<Value>,
    #[serde(default)]
    pub journal_limit: Option<usize>,
    #[serde(default)]
    pub template_review: Option<TemplateReview>,
    #[serde(default)]
    pub messaging_limits: Option<MessagingLimits>,
    #[serde(default)]
    pub devices: Option<DeviceSettings>,
    /// How much of what grows with use the sandbox keeps.
    #[serde(default)]
    pub retention: Option<Retention>,
}

/// The app under test: which fixture app the runner subscribes at the
/// `--app-webhook` URL, for which object and fields.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AppWebhook {
    #[serde(default = "default_app")]
    pub app: String,
    #[serde(default = "default_object")]
    pub object: String,
    #[serde(default = "default_fields")]
    pub fields: Vec<String>,
}

fn default_app() -> String {
    "app".into()
}

fn default_object() -> String {
    "whatsapp_business_account".into()
}

fn default_fields() -> Vec<String> {
    vec!["messages".into()]
}

fn default_method() -> String {
    "GET".into()
}

/// One step: an action, a label, and what to check and keep from its result.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub name: Option<String>,
    pub action: Action,
    /// What the answer must be (HTTP actions only); a 2xx when absent.
    pub expect: Option<Expect>,
    /// Variable name → JSON pointer into the step's result.
    pub capture: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Graph(GraphCall),
    Sim(SimCall),
    AdvanceClock(ClockAdvance),
    FlushWebhooks(FlushWebhooks),
    Receiver(ReceiverMode),
    ExpectWebhooks(ListExpectation),
    ExpectAppCalls(ListExpectation),
}

impl Action {
    /// The action's key in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Graph(_) => "graph",
            Action::Sim(_) => "sim",
            Action::AdvanceClock(_) => "advance_clock",
            Action::FlushWebhooks(_) => "flush_webhooks",
            Action::Receiver(_) => "receiver",
            Action::ExpectWebhooks(_) => "expect_webhooks",
            Action::ExpectAppCalls(_) => "expect_app_calls",
        }
    }

    /// Whether the action is one HTTP call whose answer `expect` checks.
    fn is_call(&self) -> bool {
        matches!(
            self,
            Action::Graph(_) | Action::Sim(_) | Action::AdvanceClock(_) | Action::FlushWebhooks(_)
        )
    }
}

const KINDS: [&str; 7] = [
    "graph",
    "sim",
    "advance_clock",
    "flush_webhooks",
    "receiver",
    "expect_webhooks",
    "expect_app_calls",
];

/// A Graph API call.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GraphCall {
    #[serde(default = "default_method")]
    pub method: String,
    /// With the version: `/v23.0/${phone_number}/messages`.
    pub path: String,
    #[serde(default)]
    pub query: Map<String, Value>,
    /// A JSON body.
    #[serde(default)]
    pub body: Option<Value>,
    /// A form body (values that are not strings are sent as JSON text).
    #[serde(default)]
    pub form: Option<Map<String, Value>>,
    /// A token handle, an app handle (its app token), or a literal token.
    #[serde(default)]
    pub token: Option<String>,
}

/// A control-plane call; a path not starting with `/_sim/` is under the
/// scenario's sandbox (`/clock` → `/_sim/sandboxes/{sid}/clock`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SimCall {
    #[serde(default = "default_method")]
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub body: Option<Value>,
}

/// Move the virtual clock by the sum of these.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClockAdvance {
    #[serde(default)]
    pub days: u64,
    #[serde(default)]
    pub hours: u64,
    #[serde(default)]
    pub minutes: u64,
    #[serde(default)]
    pub seconds: u64,
}

impl ClockAdvance {
    /// The whole move in seconds; an absurd one saturates, and metasim then
    /// refuses it as too large (a failed step, not a crash).
    pub fn total_seconds(&self) -> u64 {
        self.days
            .saturating_mul(86_400)
            .saturating_add(self.hours.saturating_mul(3_600))
            .saturating_add(self.minutes.saturating_mul(60))
            .saturating_add(self.seconds)
    }
}

/// `POST …/webhooks/deliver` (takes no options).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FlushWebhooks {}

/// How the runner's webhook receiver answers from now on.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReceiverMode {
    /// 200 is up; 500 or 503 is a receiver that is down (200–599).
    #[serde(deserialize_with = "receiver_status")]
    pub status: u16,
}

/// A status the receiver can really answer with (the transcript records it).
fn receiver_status<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u16, D::Error> {
    let status = u16::deserialize(deserializer)?;
    if (200..=599).contains(&status) {
        Ok(status)
    } else {
        Err(de::Error::custom(format!(
            "a receiver answers with a status from 200 to 599, got {status}"
        )))
    }
}

/// In what order the patterns of a list expectation must match.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// The patterns match items in their order (other items may lie between).
    #[default]
    InOrder,
    /// Each pattern matches a different item, in any order.
    Any,
}

/// Expectations on the webhooks (changes) received, or the calls the app
/// made, since the previous expectation of the same kind.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ListExpectation {
    /// Subset patterns, one per expected item.
    #[serde(default, rename = "match")]
    pub patterns: Vec<Value>,
    /// How many new items there must be; the number of patterns when absent.
    #[serde(default)]
    pub count: Option<usize>,
    #[serde(default)]
    pub order: Order,
    /// How long (real time) to wait for the items to arrive.
    #[serde(default)]
    pub within_ms: Option<u64>,
}

/// The longest a step may wait for webhooks or calls (ten minutes of real time).
pub const MAX_WAIT_MS: u64 = 600_000;

impl ListExpectation {
    pub fn expected_count(&self) -> usize {
        self.count.unwrap_or(self.patterns.len())
    }
}

/// What an HTTP answer must be.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub status: Option<u16>,
    /// A subset pattern over the JSON body.
    #[serde(default)]
    pub body: Option<Value>,
}

/// Read `value` as `T`, naming the field of an error after `prefix`.
fn part<T: DeserializeOwned, E: de::Error>(prefix: &str, value: Value) -> Result<T, E> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let place = if matches!(path.as_str(), "" | "." | "?") {
            prefix.to_owned()
        } else {
            format!("{prefix}.{path}")
        };
        E::custom(format!("{place}: {}", error.into_inner()))
    })
}

fn valid_variable(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut members = Map::<String, Value>::deserialize(deserializer)?;
        let name = match members.remove("name") {
            None => None,
            Some(value) => Some(part::<String, D::Error>("name", value)?),
        };
        let expect = match members.remove("expect") {
            None => None,
            Some(value) => Some(part::<Expect, D::Error>("expect", value)?),
        };
        let capture: BTreeMap<String, String> = match members.remove("capture") {
            None => BTreeMap::new(),
            Some(value) => part("capture", value)?,
        };
        for (variable, pointer) in &capture {
            if !valid_variable(variable) {
                return Err(de::Error::custom(format!(
                    "capture.{variable}: a variable name is letters, digits and _, not starting with a digit"
                )));
            }
            if !pointer.is_empty() && !pointer.starts_with('/') {
                return Err(de::Error::custom(format!(
                    "capture.{variable}: {pointer:?} is not a JSON pointer (write \"/messages/0/id\", or \"\" for the whole result)"
                )));
            }
        }
        let mut keys = members.keys().cloned();
        let (Some(kind), None) = (keys.next(), keys.next()) else {
            let found: Vec<&String> = members.keys().collect();
            return Err(de::Error::custom(format!(
                "a step needs exactly one action key (one of {}) beside name, expect and capture; found {found:?}",
                KINDS.join(", ")
            )));
        };
        let value = members.remove(&kind).unwrap_or_default();
        let action = match kind.as_str() {
            "graph" => Action::Graph(part(&kind, value)?),
            "sim" => Action::Sim(part(&kind, value)?),
            "advance_clock" => Action::AdvanceClock(part(&kind, value)?),
            "flush_webhooks" => Action::FlushWebhooks(part(&kind, value)?),
            "receiver" => Action::Receiver(part(&kind, value)?),
            "expect_webhooks" => Action::ExpectWebhooks(part(&kind, value)?),
            "expect_app_calls" => Action::ExpectAppCalls(part(&kind, value)?),
            other => {
                return Err(de::Error::custom(format!(
                    "unknown step kind {other:?}; expected one of {}",
                    KINDS.join(", ")
                )));
            }
        };
        if expect.is_some() && !action.is_call() {
            return Err(de::Error::custom(format!(
                "expect: a {} step takes its expectations inside it; `expect` is for graph, sim, advance_clock and flush_webhooks",
                action.kind()
            )));
        }
        if !capture.is_empty() && matches!(action, Action::Receiver(_)) {
            return Err(de::Error::custom(
                "capture: a receiver step has no result to capture from",
            ));
        }
        Ok(Step {
            name,
            action,
            expect,
            capture,
        })
    }
}

/// Turn serde_path_to_error's `steps[3].graph` into `step 4: graph`.
pub fn describe_path(path: &str) -> String {
    let Some(rest) = path.strip_prefix("steps[") else {
        return path.to_owned();
    };
    let Some((index, tail)) = rest.split_once(']') else {
        return path.to_owned();
    };
    match index.parse::<usize>() {
        Ok(index) => {
            let tail = tail.trim_start_matches('.');
            if tail.is_empty() {
                format!("step {}", index + 1)
            } else {
                format!("step {}: {tail}", index + 1)
            }
        }
        Err(_) => path.to_owned(),
    }
}

/// A data error inside a step, placed at the field it names: serde_json's
/// position is the end of the step, which was read whole first.
fn in_step(text: &str, path: &str, error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let Some(bare) = message.strip_suffix(&position) else {
        return message;
    };
    // `graph.methd: unknown field …`: the field's place inside the step.
    let place = bare.split_once(": ").map_or("", |(place, _)| place);
    let full = if place.is_empty() || place.contains(' ') {
        path.to_owned()
    } else {
        format!("{path}.{place}")
    };
    match super::locate::segments(&full).and_then(|s| super::locate::locate(text, &s)) {
        Some((line, column)) => format!("{bare} at line {line} column {column}"),
        None => message,
    }
}

/// Parse a scenario from JSON text; the error names the step and field.
pub fn parse(text: &str) -> Result<Scenario, String> {
    // Some editors start UTF-8 files with a byte-order mark; JSON has no place for it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let scenario: Scenario =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = error.path().to_string();
            let inner = error.into_inner();
            // A syntax error is about the text, not about a field.
            if inner.is_syntax() || inner.is_eof() || matches!(path.as_str(), "" | "." | "?") {
                inner.to_string()
            } else {
                format!("{}: {}", describe_path(&path), in_step(text, &path, &inner))
            }
        })?;
    deserializer
        .end()
        .map_err(|error| format!("after the scenario: {error}"))?;
    if scenario.name.trim().is_empty() {
        return Err("name: must not be empty".into());
    }
    for (index, step) in scenario.steps.iter().enumerate() {
        let number = index + 1;
        if let Action::Graph(call) = &step.action
            && call.body.is_some()
            && call.form.is_some()
        {
            return Err(format!("step {number}: graph: give body or form, not both"));
        }
        if let Action::ExpectWebhooks(expectation) | Action::ExpectAppCalls(expectation) =
            &step.action
            && expectation.within_ms.is_some_and(|ms| ms > MAX_WAIT_MS)
        {
            return Err(format!(
                "step {number}: {}: within_ms must be between 0 and {MAX_WAIT_MS}",
                step.action.kind()
            ));
        }
        let needs_receiver = matches!(step.action, Action::Receiver(_) | Action::ExpectWebhooks(_));
        if scenario.app_webhook.is_some() && needs_receiver {
            return Err(format!(
                "step {number}: {}: a scenario with app_webhook sends its webhooks to the app, not to the runner's receiver; check what the app does with expect_app_calls",
                step.action.kind()
            ));
        }
    }
    Ok(scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal(steps: &str) -> String {
        format!(r#"{{"name": "t", "steps": [{steps}]}}"#)
    }

    #[test]
    fn a_step_reads_its_action_name_expect_and_capture() {
        let scenario = parse(&minimal(
            r#"{"name": "send", "graph": {"method": "POST", "path": "/v23.0/1/messages", "token": "t", "body": {"a": 1}},
                "expect": {"status": 200}, "capture": {"wamid": "/messages/0/id"}}"#,
        ))
        .unwrap();
        let step = &scenario.steps[0];
        assert_eq!(step.name.as_deref(), Some("send"));
        assert_eq!(step.action.kind(), "graph");
        assert_eq!(step.expect.as_ref().unwrap().status, Some(200));
        assert_eq!(step.capture["wamid"], "/messages/0/id");
    }

    #[test]
    fn waits_are_bounded() {
        let error = parse(&minimal(
            r#"{"expect_app_calls": {"count": 1, "within_ms": 18446744073709551615}}"#,
        ))
        .unwrap_err();
        assert_eq!(
            error,
            "step 1: expect_app_calls: within_ms must be between 0 and 600000"
        );
        assert!(parse(&minimal(r#"{"expect_webhooks": {"within_ms": 600000}}"#)).is_ok());
    }

    #[test]
    fn errors_point_at_the_step_and_field() {
        let error = parse(&minimal(
            r#"{"sim": {"path": "/clock"}}, {"graph": {"methd": "GET", "path": "/"}}"#,
        ))
        .unwrap_err();
        assert!(
            error.starts_with("step 2: graph.methd: unknown field `methd`"),
            "{error}"
        );
        let error = parse(&minimal(
            r#"{"graph": {"path": "/"}, "sim": {"path": "/"}}"#,
        ))
        .unwrap_err();
        assert!(
            error.starts_with("step 1: a step needs exactly one action key"),
            "{error}"
        );
        let error = parse(&minimal(r#"{"teleport": {}}"#)).unwrap_err();
        assert!(error.contains("unknown step kind \"teleport\""), "{error}");
        let error = parse(&minimal(
            r#"{"receiver": {"status": 503}, "expect": {"status": 200}}"#,
        ))
        .unwrap_err();
        assert!(
            error.starts_with("step 1: expect: a receiver step"),
            "{error}"
        );
        let error = parse(&minimal(
            r#"{"sim": {"path": "/"}, "capture": {"1x": "/id"}}"#,
        ))
        .unwrap_err();
        assert!(error.starts_with("step 1: capture.1x:"), "{error}");
        let error = parse(&minimal(
            r#"{"sim": {"path": "/"}, "capture": {"x": "id"}}"#,
        ))
        .unwrap_err();
        assert!(error.contains("not a JSON pointer"), "{error}");
        let error = parse(r#"{"name": "t", "sandbox": {"delivery": "sometimes"}, "steps": []}"#)
            .unwrap_err();
        assert!(
            error.starts_with("sandbox.delivery: unknown variant"),
            "{error}"
        );
        let error = parse(r#"{"name": " ", "steps": []}"#).unwrap_err();
        assert_eq!(error, "name: must not be empty");
        let error = parse(&minimal(
            r#"{"sim": {"path": "/"}}, {"graph": {"path": "/", "body": {}, "form": {}}}"#,
        ))
        .unwrap_err();
        assert_eq!(error, "step 2: graph: give body or form, not both");
        let error = parse(r#"{"name": "t", "app_webhook": {}, "steps": [{"flush_webhooks": {}}, {"expect_webhooks": {"match": []}}]}"#).unwrap_err();
        assert!(
            error.starts_with("step 2: expect_webhooks: a scenario with app_webhook"),
            "{error}"
        );
        let error = parse(r#"{"steps": []}"#).unwrap_err();
        assert!(error.starts_with("missing field `name`"), "{error}");
    }

    #[test]
    fn errors_point_at_the_mistake_not_at_the_step_end() {
        let text = "{\n  \"name\": \"t\",\n  \"steps\": [\n    {\"graph\": {\n      \"path\": \"/v23.0/me\",\n      \"methd\": \"GET\"\n    }}\n  ]\n}\n";
        let error = parse(text).unwrap_err();
        assert!(
            error.starts_with("step 1: graph.methd: unknown field `methd`"),
            "{error}"
        );
        assert!(error.ends_with(" at line 6 column 7"), "{error}");
        let error = parse("{\"name\": \"t\", \"steps\": [{\"sim\": {\"path\": \"/\" \"x\": 1}}]}")
            .unwrap_err();
        assert_eq!(error, "expected `,` or `}` at line 1 column 46");
    }

    #[test]
    fn clock_advances_add_up() {
        let advance = ClockAdvance {
            days: 1,
            hours: 1,
            minutes: 1,
            seconds: 1,
        };
        assert_eq!(advance.total_seconds(), 90_061);
        let with_bom = "\u{feff}{\"name\": \"bom\", \"steps\": []}";
        assert_eq!(parse(with_bom).unwrap().name, "bom");
    }

    #[test]
    fn fixtures_are_paths_or_objects() {
        let scenario =
            parse(r#"{"name": "t", "fixture": "../fixtures/demo.json", "steps": []}"#).unwrap();
        assert_eq!(
            scenario.fixture,
            Some(FixtureSource::Path("../fixtures/demo.json".into()))
        );
        let scenario = parse(r#"{"name": "t", "fixture": {"users": []}, "steps": []}"#).unwrap();
        assert!(matches!(scenario.fixture, Some(FixtureSource::Inline(_))));
    }
}
