//! The control plane's lists are paged as the Graph API pages its edges —
//! `limit` (default 100, at most 1000), `after`, `before`, `paging` with
//! cursors and links — so no read returns an unbounded answer: logs
//! (journal, events, deliveries, inboxes, a phone's SMS) start at their
//! newest page, other lists at their first; a page also stops at about
//! 4 MiB. And deleting a sandbox stops a flush of its deliveries.

use std::time::Duration;

use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sandbox, Sim, V, Value, json};

/// Alice writes `count` messages (each one event and, once subscribed, one delivery).
async fn alice_writes(sim: &Sim, sandbox: &Sandbox, count: usize) {
    for i in 0..count {
        let text = json!({ "type": "text", "text": { "body": format!("message {i}") } });
        sim.inbound(sandbox, ALICE, phone(sandbox), text).await;
    }
}

fn seqs(items: &[Value]) -> Vec<u64> {
    items
        .iter()
        .map(|item| item["seq"].as_u64().expect("a seq"))
        .collect()
}

#[tokio::test]
async fn logs_start_at_their_newest_page_and_walk_both_ways() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    alice_writes(&sim, &sandbox, 130).await;
    let newest = sim.get(&sandbox.sim("/events")).await;
    let body = newest.ok();
    let page = body["data"].as_array().unwrap();
    assert_eq!(seqs(page), (31..=130).collect::<Vec<_>>(), "the newest 100");
    assert_eq!(
        body["paging"]["cursors"],
        json!({ "before": "31", "after": "130" })
    );
    assert!(body["paging"].get("next").is_none(), "{body}");
    let previous = body["paging"]["previous"].as_str().unwrap();
    assert_eq!(previous, sandbox.sim("/events?before=31"));
    let older = sim.get(previous).await;
    assert_eq!(
        seqs(older.ok()["data"].as_array().unwrap()),
        (1..=30).collect::<Vec<_>>()
    );
    assert!(
        older
            .json
            .get("paging")
            .is_some_and(|p| p.get("previous").is_none())
    );
    // From the start, forward, with a limit kept in the links.
    let first = sim.get(&sandbox.sim("/events?after=0&limit=50")).await;
    assert_eq!(
        seqs(first.ok()["data"].as_array().unwrap()),
        (1..=50).collect::<Vec<_>>()
    );
    assert_eq!(
        first.json["paging"]["next"],
        sandbox.sim("/events?limit=50&after=50")
    );
    assert_eq!(
        seqs(&sim.all(&sandbox.sim("/events?after=0&limit=50")).await),
        (1..=130).collect::<Vec<_>>()
    );
    // A short log answers as it always did: no paging member.
    let short = sim.demo(2).await;
    alice_writes(&sim, &short, 2).await;
    let body = sim.get(&short.sim("/events")).await;
    assert_eq!(
        body.ok().as_object().unwrap().len(),
        1,
        "only data: {}",
        body.text()
    );
    // The consumer's inbox, the journal and a phone's SMS page the same way.
    let inbox = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/inbox?limit=1")))
        .await;
    assert_eq!(inbox.ok()["data"], json!([]));
    for _ in 0..3 {
        sim.get_as(sandbox.token("user_token"), &format!("/{V}/me"))
            .await
            .ok();
    }
    let journal = sim.get(&sandbox.sim("/journal?method=GET&limit=2")).await;
    assert_eq!(seqs(journal.ok()["data"].as_array().unwrap()), [2, 3]);
    assert_eq!(
        journal.json["paging"]["previous"],
        sandbox.sim("/journal?method=GET&limit=2&before=2")
    );
}

#[tokio::test]
async fn lists_of_things_start_at_their_first_item() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    for i in 0..105 {
        let body = json!({ "phone": format!("+1 555 030 {i:04}") });
        let reply = sim
            .post_json(&sandbox.sim("/whatsapp/consumers"), &body)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text());
    }
    let first = sim.get(&sandbox.sim("/whatsapp/consumers")).await;
    let page = first.ok()["data"].as_array().unwrap();
    assert_eq!(page.len(), 100);
    let after = page[99]["phone"].as_str().unwrap();
    assert_eq!(
        first.json["paging"]["next"],
        sandbox.sim(&format!("/whatsapp/consumers?after={after}"))
    );
    let all = sim.all(&sandbox.sim("/whatsapp/consumers")).await;
    assert_eq!(all.len(), 108, "105 and the demo's three");
    let phones: Vec<&str> = all.iter().map(|c| c["phone"].as_str().unwrap()).collect();
    assert!(
        phones.windows(2).all(|w| w[0] < w[1]),
        "in order, none twice"
    );
    // Sandboxes too.
    sim.demo(4).await;
    let two = sim.get("/_sim/sandboxes?limit=2").await;
    assert_eq!(two.ok()["data"].as_array().unwrap().len(), 2);
    assert_eq!(sim.all("/_sim/sandboxes?limit=2").await.len(), 3);
}

#[tokio::test]
async fn bad_paging_parameters_are_400s() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(5).await;
    for (query, message) in [
        (
            "/events?limit=1001",
            "limit must be between 0 and 1000, got \"1001\"",
        ),
        (
            "/journal?limit=-1",
            "limit must be between 0 and 1000, got \"-1\"",
        ),
        (
            "/webhooks/deliveries?after=x",
            "after \"x\" is not a cursor of this list",
        ),
        ("/events?after=1&before=2", "give after or before, not both"),
        (
            "/events?kind=x",
            "Unknown parameter \"kind\": this list takes limit, after, before",
        ),
        (
            &format!("/whatsapp/consumers/{ALICE}/chats?messages_limit=0"),
            "messages_limit must be between 1 and 1000",
        ),
    ] {
        let reply = sim.get(&sandbox.sim(query)).await;
        let text = reply.assert_sim_error(400, None);
        assert!(text.contains(message), "{query}: {text}");
    }
}

#[tokio::test]
async fn a_page_stops_at_about_4_mib() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(6).await;
    let big = "x".repeat(1536 * 1024);
    for _ in 0..4 {
        let request = sim
            .request(reqwest::Method::POST, &format!("/{V}/me"))
            .bearer_auth(sandbox.token("user_token"))
            .json(&json!({ "note": big }));
        sim.send(request).await;
    }
    let page = sim.get(&sandbox.sim("/journal")).await;
    let body = page.ok();
    assert_eq!(
        seqs(body["data"].as_array().unwrap()),
        [3, 4],
        "the newest that fit"
    );
    assert!(
        page.bytes.len() < 5 * 1024 * 1024,
        "{} bytes",
        page.bytes.len()
    );
    let rest = sim.get(body["paging"]["previous"].as_str().unwrap()).await;
    assert_eq!(seqs(rest.ok()["data"].as_array().unwrap()), [1, 2]);
}

#[tokio::test]
async fn chats_show_their_newest_messages() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(7).await;
    alice_writes(&sim, &sandbox, 5).await;
    let path = sandbox.sim(&format!(
        "/whatsapp/consumers/{ALICE}/chats?messages_limit=2"
    ));
    let chats = sim.get(&path).await;
    let chat = &chats.ok()["data"][0];
    assert_eq!(chat["earlier_messages"], 3);
    let texts: Vec<&str> = chat["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["message 3", "message 4"]);
    let all = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/chats")))
        .await;
    assert!(all.ok()["data"][0].get("earlier_messages").is_none());
    assert_eq!(all.json["data"][0]["messages"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn deleting_a_sandbox_stops_its_deliveries() {
    let sim = Sim::start().await;
    let sandbox = sim.create_sandbox(json!({ "seed": 8 })).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["messages"]).await;
    alice_writes(&sim, &sandbox, 10).await;
    receiver.fail_next(10, Failure::Slow(Duration::from_millis(300)));
    let (deliver, empty) = (sandbox.sim("/webhooks/deliver"), json!({}));
    let flush = sim.post_json(&deliver, &empty);
    let delete = async {
        receiver.wait_for_posts(1).await;
        sim.delete(&sandbox.sim("")).await.ok();
    };
    let (flushed, ()) = tokio::join!(flush, delete);
    assert_eq!(flushed.status, 200, "{}", flushed.text());
    tokio::time::sleep(Duration::from_millis(400)).await;
    let sent = receiver.posts().len();
    assert!(
        sent <= 2,
        "{sent} of 10 deliveries were sent after the sandbox was deleted"
    );
}

#[tokio::test]
async fn people_inboxes_and_devices_are_paged_too() {
    use client_tests::messenger::{new_person, write};
    let sim = Sim::start().await;
    let sandbox = sim.demo(6).await;
    let ana = new_person(&sim, &sandbox, "Ana Lopez").await;
    let ben = new_person(&sim, &sandbox, "Ben Ode").await;
    let everyone = sim.get(&sandbox.sim("/facebook/users?limit=1000")).await;
    let total = everyone.ok()["data"].as_array().unwrap().len();
    assert!(total >= 3, "the demo's people and the two new ones");
    let two = sim.get(&sandbox.sim("/facebook/users?limit=2")).await;
    assert_eq!(two.ok()["data"].as_array().unwrap().len(), 2);
    assert!(two.json["paging"]["next"].is_string(), "{}", two.text());
    let walked = sim.all(&sandbox.sim("/facebook/users?limit=2")).await;
    assert_eq!(walked.len(), total);
    assert_eq!(
        sim.all(&sandbox.sim("/instagram/users?limit=1"))
            .await
            .len(),
        2
    );

    // An inbox is a log: the newest page first, `after=0` from the start.
    for i in 0..3 {
        let reply = write(
            &sim,
            &sandbox,
            &ana,
            &ben,
            json!({ "text": format!("note {i}") }),
        )
        .await;
        assert_eq!(reply.status, 201, "{}", reply.text());
    }
    let inbox = sandbox.sim(&format!("/facebook/users/{ben}/inbox"));
    let texts = |reply: &client_tests::Reply| -> Vec<String> {
        let data = reply.ok()["data"].as_array().unwrap();
        data.iter()
            .map(|m| m["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let newest = sim.get(&format!("{inbox}?limit=2")).await;
    assert_eq!(texts(&newest), ["note 1", "note 2"]);
    assert_eq!(
        newest.json["paging"]["cursors"],
        json!({ "before": "2", "after": "3" })
    );
    let older = sim
        .get(newest.json["paging"]["previous"].as_str().unwrap())
        .await;
    assert_eq!(texts(&older), ["note 0"]);
    let first = sim.get(&format!("{inbox}?after=0&limit=2")).await;
    assert_eq!(texts(&first), ["note 0", "note 1"]);
    let bad = sim.get(&format!("{inbox}?limit=1001")).await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    let unknown = sim.get(&format!("{inbox}?colour=red")).await;
    assert_eq!(unknown.status, 400, "{}", unknown.text());

    // Devices: Alice's phone and a linked Web.
    let devices = sandbox.sim(&format!("/whatsapp/accounts/{ALICE}/devices"));
    let web = sim
        .post_json(&format!("{devices}/link-code"), &json!({ "kind": "web" }))
        .await;
    let code = web.json["code"].as_str().expect("a link code").to_owned();
    let confirmed = sim
        .post_json(
            &format!("{devices}/link-code/confirm"),
            &json!({ "code": code }),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    let one = sim.get(&format!("{devices}?limit=1")).await;
    assert_eq!(one.ok()["data"].as_array().unwrap().len(), 1);
    assert_eq!(sim.all(&format!("{devices}?limit=1")).await.len(), 2);
}
