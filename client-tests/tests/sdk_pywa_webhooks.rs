//! The real pywa SDK (4.5.0, unmodified, from `target/sdk/venv`) receives
//! metasim's webhooks: `client-tests/sdk/python/receive_pywa.py` hands every
//! request to pywa's own webhook hooks (`webhook_challenge_handler`,
//! `webhook_update_validator` with the app secret, `webhook_update_handler`)
//! and prints what pywa's handlers received. The test subscribes the app over
//! the Graph API — metasim's verification handshake is answered by pywa —
//! and the app to the WABA; then Alice writes "Help", the business answers, sends
//! a template with a quick-reply button and reply buttons, Alice taps both,
//! and one flush delivers it all. pywa must parse exactly the inbound text,
//! both button replies and every sent/delivered status, with the ids, users,
//! timestamps and pricing metasim recorded; and pywa's signature check must
//! pass metasim's bytes as signed and reject them tampered.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client_tests::sdk::{pywa_python, scripts_dir};
use client_tests::whatsapp::{
    ALICE, BUSINESS_DIGITS, MANAGER, assert_sent, assert_template_sent, message, phone, post,
    template,
};
use client_tests::{Reply, Sandbox, Sim, V, Value, json};
use reqwest::Method;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// The longest the test waits for the receiver.
const WAIT: Duration = Duration::from_secs(10);
const VERIFY_TOKEN: &str = "pywa-verify-7f3a";

/// receive_pywa.py running: its port and every JSON line it printed so far.
struct Receiver {
    child: Child,
    port: u16,
    lines: Arc<Mutex<Vec<Value>>>,
    stderr: Arc<Mutex<String>>,
}

impl Receiver {
    /// Start the script for the demo number and app; wait until it listens.
    async fn start(sandbox: &Sandbox) -> Self {
        let mut child = Command::new(pywa_python())
            .arg(scripts_dir().join("python/receive_pywa.py"))
            .env("METASIM_PHONE_ID", phone(sandbox))
            .env("METASIM_WABA_ID", sandbox.id_of("waba"))
            .env("METASIM_APP_SECRET", sandbox.secret("app"))
            .env("METASIM_VERIFY_TOKEN", VERIFY_TOKEN)
            .env("METASIM_TOKEN", sandbox.token(MANAGER))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the venv's python runs");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stdout = child.stdout.take().expect("piped stdout");
        let sink = lines.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                let value = serde_json::from_str(&line).unwrap_or(Value::String(line));
                sink.lock().unwrap().push(value);
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("piped stderr");
        let sink = stderr.clone();
        tokio::spawn(async move {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer).await {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut receiver = Self {
            child,
            port: 0,
            lines,
            stderr,
        };
        let listening = receiver.wait_for("listening", 1).await;
        receiver.port = listening[0]["port"].as_u64().expect("a port") as u16;
        receiver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// The lines of one event kind, in order.
    fn events(&self, kind: &str) -> Vec<Value> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|line| line["event"] == kind)
            .cloned()
            .collect()
    }

    /// Everything the script printed and logged, for failure messages.
    fn transcript(&self) -> String {
        let lines: Vec<String> = self
            .lines
            .lock()
            .unwrap()
            .iter()
            .map(Value::to_string)
            .collect();
        format!(
            "stdout:\n{}\nstderr:\n{}",
            lines.join("\n"),
            self.stderr.lock().unwrap()
        )
    }

    /// Wait (at most [`WAIT`]) until `count` lines of `kind` were printed.
    async fn wait_for(&mut self, kind: &str, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + WAIT;
        loop {
            let found = self.events(kind);
            if found.len() >= count {
                return found;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("receive_pywa.py ended ({status}):\n{}", self.transcript());
            }
            assert!(
                Instant::now() < deadline,
                "no {count} {kind:?} lines within {WAIT:?}:\n{}",
                self.transcript()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// POST a body with a signature straight to the receiver; its status.
    async fn post(&self, sim: &Sim, body: String, signature_256: &str) -> u16 {
        sim.http
            .post(self.url())
            .header("content-type", "application/json")
            .header("x-hub-signature-256", signature_256)
            .body(body)
            .send()
            .await
            .expect("the receiver answers")
            .status()
            .as_u16()
    }

    async fn stop(mut self) {
        self.child.kill().await.expect("the receiver can be killed");
    }
}

/// `POST /{app-id}/subscriptions` with the app token: WhatsApp `messages` to `url`.
async fn subscribe_app(sim: &Sim, sandbox: &Sandbox, url: &str, verify_token: &str) -> Reply {
    let path = format!("/{V}/{}/subscriptions", sandbox.id_of("app"));
    let app_token = sandbox.app_token("app");
    let form = [
        ("object", "whatsapp_business_account"),
        ("callback_url", url),
        ("verify_token", verify_token),
        ("fields", "messages"),
        ("access_token", app_token.as_str()),
    ];
    sim.send(sim.request(Method::POST, &path).form(&form)).await
}

/// The app subscribes through pywa's challenge handler (a wrong verify token
/// fails Meta's way), then subscribes to the WABA.
async fn subscribe(sim: &Sim, sandbox: &Sandbox, receiver: &mut Receiver) {
    let refused = subscribe_app(sim, sandbox, &receiver.url(), "not-the-verify-token").await;
    refused.assert_error(400, 2200, None, "OAuthException");
    assert_eq!(
        refused.message(),
        "(#2200) callback verification failed: HTTP Status Code = 403; HTTP Message = Forbidden"
    );
    let accepted = subscribe_app(sim, sandbox, &receiver.url(), VERIFY_TOKEN).await;
    assert_eq!(accepted.ok(), &json!({ "success": true }));
    assert_eq!(
        receiver.wait_for("challenge", 2).await,
        [
            json!({ "event": "challenge", "mode": "subscribe", "status": 403 }),
            json!({ "event": "challenge", "mode": "subscribe", "status": 200 }),
        ]
    );
    let path = format!("/{V}/{}/subscriptions", sandbox.id_of("app"));
    let listed = sim.get_as(&sandbox.app_token("app"), &path).await;
    assert_eq!(
        listed.ok(),
        &json!({ "data": [{
            "object": "whatsapp_business_account",
            "callback_url": receiver.url(),
            "active": true,
            "fields": [{ "name": "messages", "version": V }],
        }] })
    );
    let waba = sandbox.id_of("waba");
    let joined = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{waba}/subscribed_apps"))
                .bearer_auth(sandbox.token(MANAGER)),
        )
        .await;
    assert_eq!(joined.ok(), &json!({ "success": true }));
}

/// The wamids of the conversation.
struct Conversation {
    help: String,
    answer: String,
    sale: String,
    stop: String,
    buttons: String,
    keep: String,
}

/// Alice asks for help; the business answers (with a tracker), sends the
/// spring sale (quick reply "Stop promotions", payload STOP) and reply
/// buttons; Alice taps Stop promotions and Keep.
async fn converse(sim: &Sim, sandbox: &Sandbox) -> Conversation {
    let pn = phone(sandbox);
    let help = sim
        .inbound(
            sandbox,
            ALICE,
            pn,
            json!({ "type": "text", "text": { "body": "Help" } }),
        )
        .await;
    let mut answer = message(
        ALICE,
        "text",
        json!({ "body": "Hi Alice, how can we help?" }),
    );
    answer["biz_opaque_callback_data"] = json!("ticket-7");
    let answer = assert_sent(&post(sim, sandbox, &answer).await, ALICE, ALICE);
    let mut sale = message(ALICE, "template", template("spring_sale", &["20%"]));
    sale["template"]["components"]
        .as_array_mut()
        .expect("components")
        .push(json!({
            "type": "button", "sub_type": "quick_reply", "index": "0",
            "parameters": [{ "type": "payload", "payload": "STOP" }],
        }));
    let sale = assert_template_sent(&post(sim, sandbox, &sale).await, ALICE, ALICE);
    let stop = sim
        .inbound(
            sandbox,
            ALICE,
            pn,
            json!({
                "type": "button",
                "button": { "payload": "STOP", "text": "Stop promotions" },
                "context": { "from": BUSINESS_DIGITS, "id": sale },
            }),
        )
        .await;
    let buttons = message(
        ALICE,
        "interactive",
        json!({
            "type": "button",
            "body": { "text": "Keep the delivery slot?" },
            "action": { "buttons": [
                { "type": "reply", "reply": { "id": "keep", "title": "Keep" } },
                { "type": "reply", "reply": { "id": "change", "title": "Change" } },
            ] },
        }),
    );
    let buttons = assert_sent(&post(sim, sandbox, &buttons).await, ALICE, ALICE);
    let keep = sim
        .inbound(
            sandbox,
            ALICE,
            pn,
            json!({
                "type": "interactive",
                "interactive": {
                    "type": "button_reply",
                    "button_reply": { "id": "keep", "title": "Keep" },
                },
                "context": { "from": BUSINESS_DIGITS, "id": buttons },
            }),
        )
        .await;
    Conversation {
        help,
        answer,
        sale,
        stop,
        buttons,
        keep,
    }
}

/// A warning pywa logged.
fn warning(message: &str) -> Value {
    json!({ "event": "log", "level": "WARNING", "logger": "pywa.server", "message": message })
}

/// What pywa logs when the verify token is wrong.
fn challenge_warning() -> Value {
    warning("[/] Failed verification challenge: invalid verify token")
}

/// `(event kind, message id, status)` of metasim's domain events, with each
/// event's time, in order: what pywa should receive.
fn expected_updates(events: &[Value]) -> Vec<(String, String, i64)> {
    events
        .iter()
        .filter_map(|e| {
            let id = e["message_id"].as_str()?.to_owned();
            let time = e["time"].as_i64().expect("time");
            match e["kind"].as_str()? {
                "whatsapp_inbound" => Some(("inbound".to_owned(), id, time)),
                "whatsapp_status" => Some((e["status"].as_str()?.to_owned(), id, time)),
                _ => None,
            }
        })
        .collect()
}

#[tokio::test]
async fn pywa_receives_signed_webhooks_from_metasim_and_parses_them() {
    pywa_python();
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "id": "sdk-pywa-webhooks" }))
        .await;
    let mut receiver = Receiver::start(&sandbox).await;
    subscribe(&sim, &sandbox, &mut receiver).await;
    let c = converse(&sim, &sandbox).await;

    // One flush (manual delivery) sends the nine changes, one per POST, in
    // order; pywa accepts every one.
    let flushed = sim
        .post_json(&sandbox.sim("/webhooks/deliver"), &json!({}))
        .await;
    let reports = flushed.ok()["data"].as_array().expect("reports").clone();
    assert_eq!(reports.len(), 9, "{}", flushed.text());
    for report in &reports {
        assert_eq!(report["status"], 200, "{report}");
        assert_eq!(report["state"], "delivered", "{report}");
        assert_eq!(report["url"], receiver.url(), "{report}");
    }
    let posts = receiver.wait_for("post", 9).await;
    assert!(posts.iter().all(|p| p["status"] == 200), "{posts:?}");
    // pywa warned only about the wrong verify token: it parsed everything.
    assert_eq!(
        receiver.events("log"),
        [challenge_warning()],
        "{}",
        receiver.transcript()
    );
    let raw = receiver.events("raw");
    assert_eq!(raw.len(), 9);
    for update in &raw {
        assert_eq!(update["field"], "messages");
        assert_eq!(update["id"], sandbox.id_of("waba"));
    }

    // What metasim recorded, and who Alice is to this business (her BSUID).
    let events = sim.events(&sandbox).await;
    let inbound: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"] == "whatsapp_inbound")
        .collect();
    let bsuid = inbound[0]["from_user_id"].as_str().expect("a BSUID");
    let expected = expected_updates(&events);
    let sequence: Vec<(&str, &str)> = expected
        .iter()
        .map(|(kind, id, _)| (kind.as_str(), id.as_str()))
        .collect();
    assert_eq!(
        sequence,
        [
            ("inbound", c.help.as_str()),
            ("sent", c.answer.as_str()),
            ("delivered", c.answer.as_str()),
            ("sent", c.sale.as_str()),
            ("delivered", c.sale.as_str()),
            ("inbound", c.stop.as_str()),
            ("sent", c.buttons.as_str()),
            ("delivered", c.buttons.as_str()),
            ("inbound", c.keep.as_str()),
        ]
    );
    let time_of = |kind: &str, id: &str| {
        expected
            .iter()
            .find(|(k, i, _)| k == kind && i == id)
            .map(|(_, _, t)| *t)
            .expect("an event")
    };

    // pywa's handlers saw, in delivery order, exactly these updates.
    let parsed: Vec<(String, String, String)> = receiver
        .lines
        .lock()
        .unwrap()
        .iter()
        .filter(|l| {
            ["message", "callback_button", "status"].contains(&l["event"].as_str().unwrap_or(""))
        })
        .map(|l| {
            let what = l["status"].as_str().unwrap_or("").to_owned();
            (
                l["event"].as_str().unwrap().to_owned(),
                l["id"].as_str().unwrap().to_owned(),
                what,
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = expected
        .iter()
        .map(|(kind, id, _)| match kind.as_str() {
            "inbound" if *id == c.help => ("message".into(), id.clone(), String::new()),
            "inbound" => ("callback_button".into(), id.clone(), String::new()),
            status => ("status".into(), id.clone(), status.to_owned()),
        })
        .collect();
    assert_eq!(parsed, want, "{}", receiver.transcript());

    let waba = sandbox.id_of("waba");
    let pn = phone(&sandbox);
    let alice = json!({ "bsuid": bsuid, "wa_id": ALICE, "name": "Alice Rivera", "username": null });
    assert_eq!(
        receiver.events("message"),
        [json!({
            "event": "message",
            "id": c.help,
            "type": "text",
            "text": "Help",
            "from_user": alice,
            "waba_id": waba,
            "phone_number_id": pn,
            "display_phone_number": BUSINESS_DIGITS,
            "timestamp": time_of("inbound", &c.help),
        })]
    );
    let button = |id: &str, kind: &str, data: &str, title: &str, quick: bool, to: &str| {
        json!({
            "event": "callback_button",
            "id": id,
            "type": kind,
            "data": data,
            "title": title,
            "is_quick_reply": quick,
            "reply_to": to,
            "from_user": alice,
            "waba_id": waba,
            "phone_number_id": pn,
            "timestamp": time_of("inbound", id),
        })
    };
    assert_eq!(
        receiver.events("callback_button"),
        [
            button(&c.stop, "button", "STOP", "Stop promotions", true, &c.sale),
            button(&c.keep, "interactive", "keep", "Keep", false, &c.buttons),
        ]
    );
    let pricing = |category: &str, billable: bool| {
        json!({
            "billable": billable,
            "model": "PMP",
            "type": if billable { "regular" } else { "free_customer_service" },
            "category": category,
        })
    };
    let statuses = receiver.events("status");
    assert_eq!(statuses.len(), 6);
    for (status, (id, pricing, tracker)) in statuses.iter().zip([
        (&c.answer, pricing("service", false), json!("ticket-7")),
        (&c.answer, pricing("service", false), json!("ticket-7")),
        (&c.sale, pricing("marketing", true), Value::Null),
        (&c.sale, pricing("marketing", true), Value::Null),
        (&c.buttons, pricing("service", false), Value::Null),
        (&c.buttons, pricing("service", false), Value::Null),
    ]) {
        let name = status["status"].as_str().expect("a status");
        assert_eq!(status["id"], id.as_str(), "{status}");
        assert_eq!(status["from_user"]["bsuid"], bsuid, "{status}");
        assert_eq!(status["from_user"]["wa_id"], ALICE, "{status}");
        assert_eq!(status["from_user"]["name"], "Alice Rivera", "{status}");
        assert_eq!(status["waba_id"], waba, "{status}");
        assert_eq!(status["phone_number_id"], pn, "{status}");
        assert_eq!(status["timestamp"], time_of(name, id), "{status}");
        assert_eq!(status["pricing"], pricing, "{status}");
        assert_eq!(status["tracker"], tracker, "{status}");
        assert_eq!(status["error"], Value::Null, "{status}");
    }

    // pywa's signature check is real: metasim's exact bytes with their
    // signature pass again (pywa then skips them as a duplicate), the same
    // bytes with "Help" changed to "Halp" do not.
    let deliveries = sim.get(&sandbox.sim("/webhooks/deliveries")).await;
    let first = &deliveries.ok()["data"][0];
    let body = first["body"].as_str().expect("the body sent").to_owned();
    let signature = first["signature_256"].as_str().expect("its signature");
    assert!(
        body.contains(&c.help) && body.contains("\"Help\""),
        "{body}"
    );
    assert_eq!(receiver.post(&sim, body.clone(), signature).await, 200);
    let tampered = body.replace("\"Help\"", "\"Halp\"");
    assert_eq!(receiver.post(&sim, tampered, signature).await, 403);
    let posts = receiver.wait_for("post", 11).await;
    assert_eq!(posts[9]["status"], 200);
    assert_eq!(posts[10]["status"], 403);
    assert_eq!(posts[10]["answer"], "Forbidden");
    assert_eq!(
        receiver.events("log"),
        [
            challenge_warning(),
            warning(&format!(
                "[/] Received an update with unmatching signature: '{signature}'"
            )),
        ]
    );
    assert_eq!(receiver.events("message").len(), 1, "nothing new parsed");
    assert_eq!(receiver.events("raw").len(), 9, "nothing new parsed");

    receiver.stop().await;
}
