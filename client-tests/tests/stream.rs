//! `GET /_sim/sandboxes/{sid}/stream`, read over HTTP as a tool reads it:
//! the `hello` message and its cursors; journal entries, events, deliveries
//! (new, then each attempt) and clock moves as they happen, each change
//! closed by `changed`; replays with `*_after`; `reset` and `deleted`; long
//! items cut down; bad parameters and too many streams in Meta's envelope;
//! Messenger, Instagram and Accounts Center as they happen; and a stream
//! that changes nothing the Graph API answers.

use std::time::Duration;

use client_tests::messenger::writes_to_page;
use client_tests::receiver::{Failure, Receiver, subscribe_whatsapp};
use client_tests::whatsapp::{ALICE, MANAGER, writes};
use client_tests::{Sandbox, Sim, V, Value, json};

/// How long a test waits for the next message.
const PATIENCE: Duration = Duration::from_secs(5);

/// An open stream and what it sent that was not read yet.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(sim: &Sim, sandbox: &Sandbox, query: &str) -> Self {
        let response = sim
            .http
            .get(sim.url(&sandbox.sim(&format!("/stream{query}"))))
            .send()
            .await
            .expect("metasim answers");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next message (name, data); `None` when the stream ended.
    async fn next(&mut self) -> Option<(String, Value)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = None;
                let mut data = None;
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event: ") {
                        name = Some(value.to_owned());
                    } else if let Some(value) = line.strip_prefix("data: ") {
                        assert!(data.is_none(), "one data line per message: {block}");
                        data = Some(serde_json::from_str(value).expect("JSON data"));
                    }
                }
                match (name, data) {
                    (Some(name), Some(data)) => return Some((name, data)),
                    (None, None) => continue, // a keep-alive comment
                    _ => panic!("a message without a name or data: {block:?}"),
                }
            }
            let chunk = tokio::time::timeout(PATIENCE, self.response.chunk())
                .await
                .unwrap_or_else(|_| panic!("no message within {PATIENCE:?}"))
                .expect("the stream reads")?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next message, which must be `name`; its data.
    async fn expect(&mut self, name: &str) -> Value {
        let (got, data) = self.next().await.expect("the stream goes on");
        assert_eq!(got, name, "{data}");
        data
    }

    /// The messages of the next change that carries items, up to and
    /// including its `changed` (a change without items, such as the end of
    /// a webhook flush after its attempts were reported, is passed over).
    async fn change(&mut self) -> Vec<(String, Value)> {
        let mut messages = Vec::new();
        loop {
            let (name, data) = self.next().await.expect("the stream goes on");
            let done = name == "changed";
            if done && messages.is_empty() {
                continue;
            }
            messages.push((name, data));
            if done {
                return messages;
            }
        }
    }
}

fn names(messages: &[(String, Value)]) -> Vec<&str> {
    messages.iter().map(|(name, _)| name.as_str()).collect()
}

async fn graph_me(sim: &Sim, sandbox: &Sandbox) {
    let reply = sim
        .get_as(sandbox.token(MANAGER), &format!("/{V}/me"))
        .await;
    reply.ok();
}

#[tokio::test]
async fn journal_events_and_clock_as_they_happen() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    let mut stream = Stream::open(&sim, &sandbox, "").await;
    let hello = stream.expect("hello").await;
    assert_eq!(
        hello,
        json!({
            "sandbox": sandbox.id,
            "clock": { "now": 1_767_225_600, "iso": "2026-01-01T00:00:00Z", "mode": "virtual" },
            "cursors": { "journal": 0, "events": 0, "deliveries": 0 },
        })
    );

    graph_me(&sim, &sandbox).await;
    let change = stream.change().await;
    assert_eq!(names(&change), ["journal", "changed"]);
    let entry = &change[0].1;
    assert_eq!(
        entry,
        &sim.journal(&sandbox, "").await[0],
        "as the journal shows it"
    );
    assert_eq!(
        change[1].1,
        json!({ "cursors": { "journal": 1, "events": 0, "deliveries": 0 } })
    );

    let id = writes(&sim, &sandbox, ALICE, "Help").await;
    let change = stream.change().await;
    assert_eq!(names(&change), ["event", "changed"]);
    assert_eq!(
        change[0].1,
        sim.events(&sandbox).await[0],
        "as events shows it"
    );
    assert_eq!(change[0].1["message_id"], json!(id));

    sim.advance(&sandbox, 3600).await;
    let change = stream.change().await;
    assert_eq!(names(&change), ["clock", "changed"]);
    assert_eq!(
        change[0].1,
        json!({ "now": 1_767_229_200, "iso": "2026-01-01T01:00:00Z", "mode": "virtual" })
    );

    // A change the stream carries no item for still says `changed`.
    sim.add_fault(
        &sandbox,
        json!({ "error": { "code": 2, "http_status": 503 } }),
    )
    .await;
    assert_eq!(
        stream.expect("changed").await,
        json!({ "cursors": { "journal": 1, "events": 1, "deliveries": 0 } })
    );
}

#[tokio::test]
async fn deliveries_new_then_each_attempt() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["messages"]).await;
    let mut stream = Stream::open(&sim, &sandbox, "").await;
    stream.expect("hello").await;

    writes(&sim, &sandbox, ALICE, "Hi").await;
    let change = stream.change().await;
    assert_eq!(names(&change), ["event", "delivery", "changed"]);
    let queued = &change[1].1;
    assert_eq!(queued["state"], "pending");
    assert_eq!(queued["attempts"], json!([]));
    assert!(
        queued.get("entries").is_none(),
        "as the deliveries list shows it"
    );

    receiver.fail_next(1, Failure::Status(500));
    sim.deliver(&sandbox).await;
    let change = stream.change().await;
    assert_eq!(names(&change), ["delivery", "changed"]);
    let failed = &change[0].1;
    assert_eq!(failed["id"], queued["id"]);
    assert_eq!(failed["state"], "pending");
    assert_eq!(failed["attempts"][0]["status"], 500);
    assert_eq!(failed["next_attempt_at"], 1_767_225_615);

    sim.advance(&sandbox, 15).await;
    assert_eq!(names(&stream.change().await), ["clock", "changed"]);
    sim.deliver(&sandbox).await;
    let change = stream.change().await;
    assert_eq!(names(&change), ["delivery", "changed"]);
    assert_eq!(change[0].1["state"], "delivered");
    assert_eq!(change[0].1["attempts"][1]["status"], 200);
    assert_eq!(change[0].1, sim.deliveries(&sandbox).await[0]);
}

#[tokio::test]
async fn replays_after_the_given_cursors() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(5).await;
    for _ in 0..3 {
        graph_me(&sim, &sandbox).await;
    }
    let mut stream = Stream::open(&sim, &sandbox, "?journal_after=1").await;
    let hello = stream.expect("hello").await;
    assert_eq!(
        hello["cursors"],
        json!({ "journal": 1, "events": 0, "deliveries": 0 })
    );
    let journal = sim.journal(&sandbox, "").await;
    assert_eq!(stream.expect("journal").await, journal[1]);
    assert_eq!(stream.expect("journal").await, journal[2]);
    graph_me(&sim, &sandbox).await;
    let change = stream.change().await;
    assert_eq!(names(&change), ["journal", "changed"]);
    assert_eq!(change[0].1["seq"], 4);
}

#[tokio::test]
async fn reset_then_deleted_ends_the_stream() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(6).await;
    graph_me(&sim, &sandbox).await;
    sim.advance(&sandbox, 60).await;
    let mut stream = Stream::open(&sim, &sandbox, "").await;
    assert_eq!(
        stream.expect("hello").await["cursors"],
        json!({ "journal": 1, "events": 0, "deliveries": 0 })
    );

    let reply = sim.post_json(&sandbox.sim("/reset"), &json!({})).await;
    reply.ok();
    assert_eq!(
        stream.expect("reset").await,
        json!({
            "clock": { "now": 1_767_225_600, "iso": "2026-01-01T00:00:00Z", "mode": "virtual" },
            "cursors": { "journal": 0, "events": 0, "deliveries": 0 },
        })
    );
    // The stream goes on from the new state.
    graph_me(&sim, &sandbox).await;
    let journal = loop {
        let (name, data) = stream.next().await.expect("the stream goes on");
        if name == "journal" {
            break data;
        }
        assert_eq!(name, "changed");
    };
    assert_eq!(journal["seq"], 1);

    let reply = sim.delete(&sandbox.sim("")).await;
    reply.ok();
    loop {
        let (name, data) = stream.next().await.expect("deleted comes last");
        if name == "deleted" {
            assert_eq!(data, json!({ "sandbox": sandbox.id }));
            break;
        }
    }
    assert!(stream.next().await.is_none(), "the stream ends");
}

#[tokio::test]
async fn long_items_are_cut_down() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(7).await;
    let mut stream = Stream::open(&sim, &sandbox, "").await;
    stream.expect("hello").await;
    let long = "x".repeat(100 * 1024);
    let reply = sim
        .send(
            sim.request(reqwest::Method::POST, &format!("/{V}/me"))
                .bearer_auth(sandbox.token(MANAGER))
                .json(&json!({ "note": long })),
        )
        .await;
    let entry = stream.expect("journal").await;
    assert_eq!(
        entry,
        json!({
            "seq": 1,
            "time": 1_767_225_600,
            "method": "POST",
            "path": format!("/{V}/me"),
            "status": reply.status,
            "truncated": true,
        })
    );
    assert_eq!(
        sim.journal(&sandbox, "").await[0]["body"]["note"],
        json!(long)
    );
}

/// What people do in Messenger and Instagram is an event (as a WhatsApp
/// consumer's message is); Accounts Center's steps, which make none, still
/// say `changed` — the dashboard's Messenger phones and links follow both.
#[tokio::test]
async fn messenger_instagram_and_accounts_center_as_they_happen() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(9).await;
    let mut stream = Stream::open(&sim, &sandbox, "").await;
    stream.expect("hello").await;
    let (mid, _) = writes_to_page(&sim, &sandbox, sandbox.id_of("ana"), "Open on Sunday?").await;
    let change = stream.change().await;
    assert_eq!(names(&change), ["event", "changed"]);
    assert_eq!(change[0].1["kind"], "messaging_event");
    assert_eq!(change[0].1["event"]["message"]["mid"], json!(mid));

    let kai = sandbox.id_of("kai");
    let written = sim
        .post_json(
            &sandbox.sim(&format!("/instagram/users/{kai}/messages")),
            &json!({ "to": sandbox.id_of("instagram"), "message": { "text": "Hi!" } }),
        )
        .await;
    assert_eq!(written.status, 201, "{}", written.text());
    let change = stream.change().await;
    assert_eq!(names(&change), ["event", "changed"]);
    assert_eq!(change[0].1["object"], "instagram");

    let account = sim
        .post_json(
            &sandbox.sim("/instagram/users"),
            &json!({ "username": "ana.diaz", "account_type": "personal", "email_verified": true }),
        )
        .await;
    assert_eq!(account.status, 201, "{}", account.text());
    stream.expect("changed").await;
    let link = sim
        .post_json(
            &sandbox.sim("/accounts-center/links"),
            &json!({ "facebook_user_id": sandbox.id_of("ana"), "instagram_user_id": account.json["id"] }),
        )
        .await;
    assert_eq!(link.status, 201, "{}", link.text());
    stream.expect("changed").await;
    let id = link.json["id"].as_str().unwrap();
    let confirmed = sim
        .post_json(
            &sandbox.sim(&format!("/accounts-center/links/{id}/confirm")),
            &json!({ "permissions": ["direct_messages"] }),
        )
        .await;
    assert_eq!(confirmed.ok()["state"], "linked");
    stream.expect("changed").await;
}

#[tokio::test]
async fn bad_requests_in_metas_envelope() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(8).await;
    for (query, message) in [
        (
            "?journal_after=x",
            "(#100) journal_after must be a non-negative integer",
        ),
        (
            "?events_after=3",
            "(#100) events_after is 3, but the newest is 0",
        ),
        ("?since=1", "(#100) Unknown stream parameter \"since\""),
    ] {
        let reply = sim.get(&sandbox.sim(&format!("/stream{query}"))).await;
        assert_eq!(reply.assert_sim_error(400, None), message);
    }
    let reply = sim.get("/_sim/sandboxes/nope/stream").await;
    reply.assert_sim_error(404, Some(33));
    let reply = sim.post_json(&sandbox.sim("/stream"), &json!({})).await;
    reply.assert_sim_error(405, None);
}

#[tokio::test]
async fn open_streams_are_bounded() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(9).await;
    let mut open = Vec::new();
    for _ in 0..32 {
        let mut stream = Stream::open(&sim, &sandbox, "").await;
        stream.expect("hello").await;
        open.push(stream);
    }
    let reply = sim.get(&sandbox.sim("/stream")).await;
    assert_eq!(
        reply.assert_sim_error(429, None),
        "(#100) Too many open streams (at most 32): close one and retry"
    );
    // A closed stream gives its place back.
    drop(open.pop());
    let started = std::time::Instant::now();
    loop {
        let response = sim
            .http
            .get(sim.url(&sandbox.sim("/stream")))
            .send()
            .await
            .unwrap();
        if response.status() == 200 {
            break;
        }
        assert!(started.elapsed() < PATIENCE, "no place within {PATIENCE:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The same calls give byte-identical snapshots whether or not a stream
/// watches: streams only read.
#[tokio::test]
async fn a_stream_changes_nothing() {
    async fn run(watched: bool) -> String {
        let sim = Sim::start().await;
        let sandbox = sim
            .create_sandbox(json!({ "id": "watched", "seed": 10 }))
            .await;
        let mut stream = if watched {
            let mut stream = Stream::open(&sim, &sandbox, "").await;
            stream.expect("hello").await;
            Some(stream)
        } else {
            None
        };
        graph_me(&sim, &sandbox).await;
        writes(&sim, &sandbox, ALICE, "Help").await;
        if let Some(stream) = &mut stream {
            assert_eq!(names(&stream.change().await), ["journal", "changed"]);
            assert_eq!(names(&stream.change().await), ["event", "changed"]);
        }
        graph_me(&sim, &sandbox).await;
        sim.get(&sandbox.sim("/snapshot")).await.text()
    }
    assert_eq!(run(true).await, run(false).await);
}
