//! Running one scenario: create its sandbox (id from its name, its seed,
//! fixture and settings), open its webhook endpoint on the runner's receiver
//! — or, testing an app, subscribe the app's URL with the verification
//! handshake — run the steps in order until one fails, and delete the
//! sandbox. The outcome carries the verdict, the failing step with expected
//! vs actual, and the transcript.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::load::Loaded;
use super::receiver::Receiver;
use super::steps::{Run, StepError};
use super::transcript::Transcript;
use super::vars::Vars;

/// The `User-Agent` of the runner's own requests (how the journal tells them
/// from the app's).
pub const RUNNER_AGENT: &str = "metasim-run";

/// The app under test: where its webhooks go and the verify token it expects.
#[derive(Debug, Clone)]
pub struct AppTarget {
    pub url: String,
    pub verify_token: String,
}

/// The verdict on one scenario.
#[derive(Debug, Clone)]
pub enum Verdict {
    Passed,
    Failed(Failure),
    Skipped(String),
}

/// Where and why a scenario failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The step's number (from 1) and label; `None` for the file or the setup.
    pub step: Option<(usize, String)>,
    pub message: String,
    /// The answer or items that did not match.
    pub detail: Option<String>,
}

impl Failure {
    pub fn setup(message: impl Into<String>) -> Self {
        Self {
            step: None,
            message: message.into(),
            detail: None,
        }
    }

    /// One line: `step 4 (send the template): expect.status: expected 200, got 404`.
    pub fn headline(&self) -> String {
        match &self.step {
            Some((number, label)) => format!("step {number} ({label}): {}", self.message),
            None => self.message.clone(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.headline())?;
        if let Some(detail) = &self.detail {
            write!(f, "\n{detail}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub source: PathBuf,
    pub verdict: Verdict,
    pub steps_run: usize,
    /// Wall time (reports only; never in the transcript).
    pub seconds: f64,
    pub transcript: Transcript,
}

impl Outcome {
    pub fn failed(name: String, source: PathBuf, failure: Failure) -> Self {
        Self {
            name,
            source,
            verdict: Verdict::Failed(failure),
            steps_run: 0,
            seconds: 0.0,
            transcript: Transcript::default(),
        }
    }
}

/// The sandbox id of a scenario: its name in lowercase letters, digits and `-`.
pub fn sandbox_id(name: &str) -> String {
    let mut id = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    let id: String = id.trim_matches('-').chars().take(64).collect();
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "scenario".to_owned()
    } else {
        id.to_owned()
    }
}

/// What runs scenarios against one metasim: its URL, an HTTP client, the
/// webhook receiver, and the app under test if there is one.
pub struct Runner {
    url: String,
    http: reqwest::Client,
    receiver: Receiver,
    app: Option<AppTarget>,
}

impl Runner {
    pub async fn start(url: &str, app: Option<AppTarget>) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
        let receiver = Receiver::start()
            .await
            .map_err(|e| format!("cannot start the webhook receiver: {e}"))?;
        Ok(Self {
            url: url.to_owned(),
            http,
            receiver,
            app,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn receiver(&self) -> &Receiver {
        &self.receiver
    }

    pub fn app(&self) -> Option<&AppTarget> {
        self.app.as_ref()
    }

    /// Run one scenario; `seed` overrides the file's.
    pub async fn run(&self, loaded: &Loaded, seed: Option<u64>) -> Outcome {
        let started = Instant::now();
        let scenario = &loaded.scenario;
        let mut outcome = Outcome {
            name: scenario.name.clone(),
            source: loaded.source.clone(),
            verdict: Verdict::Passed,
            steps_run: 0,
            seconds: 0.0,
            transcript: Transcript::default(),
        };
        let app = match (&scenario.app_webhook, &self.app) {
            (Some(_), None) => {
                outcome.verdict =
                    Verdict::Skipped("tests an app: run it with --port P --app-webhook URL".into());
                return outcome;
            }
            (Some(webhook), Some(target)) => Some((webhook, target)),
            (None, _) => None,
        };
        let sid = sandbox_id(&scenario.name);
        let mut addresses = vec![
            (self.url.clone(), "{metasim}"),
            (self.receiver.base().to_owned(), "{receiver}"),
        ];
        if let Some((_, target)) = app {
            addresses.push((target.url.clone(), "{app}"));
        }
        let mut transcript = Transcript::new(addresses);
        let settings = &scenario.sandbox;
        // An app hears about changes as they happen, as from Meta.
        let delivery = if app.is_some() {
            Some(crate::world::sandbox::Delivery::Auto)
        } else {
            settings.delivery
        };
        let mut create = json!({
            "id": sid,
            "seed": seed.unwrap_or(scenario.seed),
            "fixture": loaded.fixture,
        });
        let optional = [
            ("delivery", json!(delivery)),
            ("clock", json!(settings.clock)),
            ("journal_limit", json!(settings.journal_limit)),
            ("template_review", json!(settings.template_review)),
            ("messaging_limits", json!(settings.messaging_limits)),
            ("devices", json!(settings.devices)),
            ("retention", json!(settings.retention)),
        ];
        for (key, value) in optional {
            if !value.is_null() {
                create[key] = value;
            }
        }
        let created = self
            .http
            .post(format!("{}/_sim/sandboxes", self.url))
            .json(&create)
            .send()
            .await;
        let info: Value = match created {
            Ok(response) if response.status().as_u16() == 201 => {
                response.json().await.unwrap_or(Value::Null)
            }
            Ok(response) => {
                let body: Value = response.json().await.unwrap_or(Value::Null);
                let message = body["error"]["message"].as_str().unwrap_or("no message");
                outcome.verdict = Verdict::Failed(Failure::setup(format!(
                    "the sandbox could not be created: {message}"
                )));
                return outcome;
            }
            Err(error) => {
                outcome.verdict =
                    Verdict::Failed(Failure::setup(format!("metasim did not answer: {error}")));
                return outcome;
            }
        };
        transcript.push(json!({ "sandbox": info }));
        let mut vars = Vars::of_sandbox(&info);
        let webhook_url = match app {
            Some((_, target)) => target.url.clone(),
            None => {
                let secrets = info["app_secrets"]
                    .as_object()
                    .map(|s| {
                        s.values()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                self.receiver.open(&sid, secrets)
            }
        };
        vars.set("webhook_url", Value::String(webhook_url));
        let manual = delivery.unwrap_or_default() == crate::world::sandbox::Delivery::Manual;
        let mut run = Run::new(self, sid.clone(), vars, transcript, manual);
        let mut result = match app {
            Some((webhook, target)) => subscribe_app(&mut run, webhook, target).await,
            None => Ok(()),
        };
        if result.is_ok() {
            for (index, step) in scenario.steps.iter().enumerate() {
                outcome.steps_run = index + 1;
                if let Err(error) = run.step(index + 1, step).await {
                    let label = step
                        .name
                        .clone()
                        .unwrap_or_else(|| step.action.kind().to_owned());
                    result = Err(Failure {
                        step: Some((index + 1, label)),
                        message: error.message,
                        detail: error.detail,
                    });
                    break;
                }
            }
        }
        outcome.transcript = run.transcript;
        if let Err(failure) = result {
            outcome.verdict = Verdict::Failed(failure);
        }
        self.receiver.close(&sid);
        let _ = self
            .http
            .delete(format!("{}/_sim/sandboxes/{sid}", self.url))
            .send()
            .await;
        outcome.seconds = started.elapsed().as_secs_f64();
        outcome
    }
}

/// Subscribe the app under test at its URL (metasim performs the handshake).
async fn subscribe_app(
    run: &mut Run<'_>,
    webhook: &super::format::AppWebhook,
    target: &AppTarget,
) -> Result<(), Failure> {
    let app_id = run
        .vars
        .get(&webhook.app)
        .and_then(Value::as_str)
        .map(str::to_owned);
    let token = run
        .vars
        .get(&format!("app_token.{}", webhook.app))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let (Some(app_id), Some(token)) = (app_id, token) else {
        return Err(Failure::setup(format!(
            "app_webhook.app: {:?} is not an app of the fixture",
            webhook.app
        )));
    };
    let body = json!({
        "object": webhook.object,
        "callback_url": target.url,
        "verify_token": target.verify_token,
        "fields": webhook.fields,
    });
    let path = format!("/v23.0/{app_id}/subscriptions");
    let answer = run
        .subscribe(&path, &token, body)
        .await
        .map_err(|e: StepError| Failure::setup(e.message))?;
    if answer.0 == 200 {
        Ok(())
    } else {
        Err(Failure::setup(format!(
            "subscribing the app at {} failed (is it running, and does it answer the handshake with verify token {:?}?): {}",
            target.url,
            target.verify_token,
            answer.1["error"]["message"]
                .as_str()
                .unwrap_or("no message")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_ids_come_from_names() {
        assert_eq!(
            sandbox_id("Number lifecycle: wrong PIN"),
            "number-lifecycle-wrong-pin"
        );
        assert_eq!(sandbox_id("--"), "scenario");
        assert_eq!(sandbox_id(&"a".repeat(80)).len(), 64);
    }

    #[test]
    fn failures_read_as_one_line_then_details() {
        let failure = Failure {
            step: Some((3, "send".into())),
            message: "expect.status: expected 200, got 400".into(),
            detail: Some("response: 400 {}".into()),
        };
        assert_eq!(
            failure.headline(),
            "step 3 (send): expect.status: expected 200, got 400"
        );
        assert_eq!(
            failure.to_string(),
            "step 3 (send): expect.status: expected 200, got 400\nresponse: 400 {}"
        );
        assert_eq!(Failure::setup("x").headline(), "x");
    }
}
