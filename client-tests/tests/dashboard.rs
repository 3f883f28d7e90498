//! The dashboard (`/_sim/ui`) driven in headless Chromium as a person uses
//! it (client-tests/browser/dashboard.mjs, one scenario per test): create,
//! snapshot, restore, reset and delete a sandbox; Alice writes "Help" from her
//! phone, taps a button of the bot's answer and reads the template it sends,
//! which shows in the journal, events and webhook deliveries; a receiver that
//! fails once, retried on the clock and delivered now; approve and reject
//! templates; advance the clock a day and see the window close; add a fault
//! and see the next call fail; verify Instagram's WhatsApp contact by code and
//! link the Page; link WhatsApp Web to Alice's account and log it out; Ana
//! gets the Page's answer in her Messenger phone and taps a quick reply the
//! Page's app receives; an Accounts Center link made and confirmed on the
//! page brings Kai's Instagram message into Ana's Messenger. Each test
//! checks metasim's state afterwards through the
//! control plane, so the page really did what it showed. Screenshots land in
//! target/dashboard/.

use client_tests::browser::run_scenario;
use client_tests::devices::devices;
use client_tests::messenger::{inbox, page_receiver, page_token};
use client_tests::sdk::Steps;
use client_tests::whatsapp::{ALICE, MANAGER, phone};
use client_tests::{Sandbox, Sim, Value, json};

/// What every scenario that works in a prepared sandbox reads.
fn env(sandbox: &Sandbox) -> Vec<(&'static str, String)> {
    vec![
        ("METASIM_SANDBOX", sandbox.id.clone()),
        ("METASIM_TOKEN", sandbox.token(MANAGER).to_owned()),
        ("METASIM_PHONE_ID", phone(sandbox).to_owned()),
        ("METASIM_WABA_ID", sandbox.id_of("waba").to_owned()),
        ("METASIM_APP_ID", sandbox.id_of("app").to_owned()),
        ("METASIM_APP_SECRET", sandbox.secret("app").to_owned()),
    ]
}

/// Start metasim, create the sandbox `name` with `options`, and run the
/// scenario `name` in it.
async fn run(name: &str, options: Value) -> (Sim, Sandbox, Steps) {
    let sim = Sim::start().await;
    let mut body = options;
    body["id"] = json!(name);
    let sandbox = sim.create_sandbox(body).await;
    let steps = run_scenario(&sim, name, &env(&sandbox)).await;
    (sim, sandbox, steps)
}

#[tokio::test]
async fn a_sandbox_from_creation_to_deletion() {
    let sim = Sim::start().await;
    let steps = run_scenario(&sim, "lifecycle", &[]).await;
    assert_eq!(
        steps.result("created"),
        &json!({ "hash": "#/s/ui-demo/overview", "intro": "Seed 7 · auto webhook delivery · virtual clock" })
    );
    // The copied token is the sandbox's own: it opens the Graph API.
    let copied = steps.result("copied");
    assert_eq!(copied["base_url"], format!("{}/v26.0", sim.sim.url()));
    let token = copied["token"].as_str().expect("a token");
    assert!(token.starts_with("EAAM"), "{token}");
    assert_eq!(
        steps.result("downloaded"),
        &json!({ "file": "metasim-ui-demo-snapshot.json", "id": "ui-demo" })
    );
    assert_eq!(
        steps.result("restored")["clock"],
        "Thu, 1 Jan 2026, 00:00:00 UTC"
    );
    assert_eq!(
        steps.result("reset")["clock"],
        "Thu, 1 Jan 2026, 00:00:00 UTC"
    );
    assert_eq!(steps.result("deleted")["hash"], "#/sandboxes");
    let reply = sim.get("/_sim/sandboxes/ui-demo").await;
    reply.assert_sim_error(404, Some(33));
    // The same id and seed give the same token again: it was the real one.
    let again = sim
        .create_sandbox(json!({ "id": "ui-demo", "seed": 7 }))
        .await;
    assert_eq!(again.token(MANAGER), token);
}

#[tokio::test]
async fn alice_asks_for_help_and_taps_the_bots_button() {
    let (sim, sandbox, steps) = run("help", json!({ "delivery": "auto" })).await;
    assert_eq!(
        steps.result("subscribed")["waba"],
        json!({ "success": true })
    );
    let phone_view = steps.result("phone");
    assert_eq!(phone_view["mine"], json!(["Help", "Track my order"]));
    assert_eq!(
        phone_view["theirs"],
        json!([
            "How can we help?",
            "Hi Alice, your order A-1042 has shipped and will arrive tomorrow."
        ])
    );
    assert_eq!(phone_view["template"], "Template · order_update");
    assert!(
        phone_view["window"]
            .as_str()
            .unwrap()
            .starts_with("24-hour window open"),
        "{phone_view}"
    );
    let journal_row = steps.result("journal")["row"].as_str().unwrap();
    assert!(
        journal_row.contains("POST") && journal_row.contains("200"),
        "{journal_row}"
    );
    assert!(
        steps.result("events")["row"]
            .as_str()
            .unwrap()
            .contains("Alice Rivera")
    );
    let signature = steps.result("webhooks")["signature"].as_str().unwrap();
    assert_eq!(steps.result("bot"), &json!({ "answered": [200, 200] }));

    // What the page showed is metasim's state.
    let events = sim.events(&sandbox).await;
    let inbound: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"] == "whatsapp_inbound")
        .collect();
    assert_eq!(inbound.len(), 2);
    assert_eq!(inbound[0]["from"], ALICE);
    assert_eq!(
        inbound[0]["message"],
        json!({ "type": "text", "text": { "body": "Help" } })
    );
    // The tap sent the reply the button stands for, in reply to the bot's message.
    let tapped = &inbound[1]["message"];
    assert_eq!(
        tapped["interactive"],
        json!({ "type": "button_reply", "button_reply": { "id": "track", "title": "Track my order" } })
    );
    assert!(
        tapped["context"]["id"]
            .as_str()
            .unwrap()
            .starts_with("wamid.")
    );
    let read: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"] == "whatsapp_status" && e["status"] == "read")
        .collect();
    assert_eq!(read.len(), 2, "Alice read both answers");
    let deliveries = sim.deliveries(&sandbox).await;
    let help = deliveries
        .iter()
        .find(|d| d["body"].as_str().unwrap().contains("\"Help\""))
        .expect("the inbound message's delivery");
    assert_eq!(help["state"], "delivered");
    assert_eq!(help["signature_256"], signature);
    let answers = sim.journal(&sandbox, "method=POST").await;
    assert!(
        answers.iter().any(
            |e| e["path"] == format!("/v26.0/{}/messages", phone(&sandbox)) && e["status"] == 200
        ),
        "the bot's answer is journaled"
    );
}

#[tokio::test]
async fn a_failed_delivery_is_retried_on_the_clock_and_delivered_now() {
    let (sim, sandbox, steps) = run("retries", json!({})).await;
    let failed = steps.result("failed");
    assert!(
        failed["row"].as_str().unwrap().contains("1 · HTTP 500"),
        "{failed}"
    );
    assert!(
        failed["next"]
            .as_str()
            .unwrap()
            .ends_with("(in 15 s of sandbox time)"),
        "{failed}"
    );
    let delivered = steps.result("delivered");
    assert_eq!(
        delivered["attempts"].as_array().unwrap().len(),
        2,
        "{delivered}"
    );
    assert_eq!(steps.result("bot"), &json!({ "posts": 2 }));
    let deliveries = sim.deliveries(&sandbox).await;
    let attempts: Vec<(&Value, &Value)> = deliveries[0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (&a["status"], &a["time"]))
        .collect();
    assert_eq!(
        attempts,
        [
            (&json!(500), &json!(1_767_225_600)),
            (&json!(200), &json!(1_767_225_660))
        ]
    );
    assert_eq!(deliveries[0]["state"], "delivered");
}

#[tokio::test]
async fn templates_approved_and_rejected_by_hand() {
    let (sim, sandbox, steps) = run(
        "review",
        json!({ "template_review": { "auto_approve": false } }),
    )
    .await;
    assert_eq!(steps.result("reviewed")["autumn_sale"], "approved");
    assert!(
        steps.result("reviewed")["bulb_reminder"]
            .as_str()
            .unwrap()
            .contains("PROMOTIONAL")
    );
    assert_eq!(steps.result("sent approved"), &json!({ "status": 200 }));
    let reply = sim.get(&sandbox.sim("/whatsapp/templates")).await;
    let statuses: Vec<(Value, Value, Value)> = reply.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["name"] == "autumn_sale" || t["name"] == "bulb_reminder")
        .map(|t| {
            (
                t["name"].clone(),
                t["status"].clone(),
                t["rejected_reason"].clone(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            (json!("autumn_sale"), json!("APPROVED"), Value::Null),
            (
                json!("bulb_reminder"),
                json!("REJECTED"),
                json!("PROMOTIONAL")
            ),
        ]
    );
}

#[tokio::test]
async fn a_day_later_the_window_is_closed() {
    let (sim, sandbox, steps) = run("window", json!({})).await;
    assert!(
        steps.result("open")["window"]
            .as_str()
            .unwrap()
            .starts_with("24-hour window open · closes 00:00 UTC, in 1 d"),
        "{}",
        steps.result("open")
    );
    assert_eq!(
        steps.result("closed")["clock"],
        "Fri, 2 Jan 2026, 00:00:00 UTC"
    );
    assert_eq!(steps.result("failed")["accepted"], 200);
    let reply = sim.get(&sandbox.sim("/clock")).await;
    assert_eq!(reply.ok()["now"], 1_767_225_600 + 86_400);
    let events = sim.events(&sandbox).await;
    let failure = events.last().expect("the late message's status");
    assert_eq!(failure["status"], "failed");
    assert_eq!(failure["error"]["code"], 131_047);
}

#[tokio::test]
async fn a_fault_fails_the_next_call_until_removed() {
    let (sim, sandbox, steps) = run("fault", json!({})).await;
    let call = steps.result("call");
    assert_eq!(call["status"], 500);
    assert_eq!(call["body"]["error"]["code"], 131_000);
    assert_eq!(
        steps.result("removed"),
        &json!({ "hits": "1", "status": 200 })
    );
    let reply = sim.get(&sandbox.sim("/faults")).await;
    assert_eq!(reply.ok(), &json!({ "data": [] }));
    let journal = sim.journal(&sandbox, "").await;
    let statuses: Vec<&Value> = journal.iter().map(|e| &e["status"]).collect();
    assert_eq!(statuses, [&json!(500), &json!(200)]);
}

#[tokio::test]
async fn instagram_contact_by_code_and_the_page_link() {
    let (sim, sandbox, steps) = run("linking", json!({})).await;
    assert_eq!(
        steps.result("code"),
        &json!({ "length": 6, "sender": "Facebook Business ✓" })
    );
    assert!(
        steps.result("contact")["sheet"]
            .as_str()
            .unwrap()
            .contains("+15550109000")
    );
    let ig = sandbox.id_of("instagram");
    let reply = sim
        .get(&sandbox.sim(&format!("/instagram/{ig}/contact")))
        .await;
    assert_eq!(
        reply.ok(),
        &json!({ "email": "hello@luckyshrub.example", "whatsapp": "+15550109000" })
    );
    let page = sandbox.id_of("page");
    let reply = sim
        .get(&sandbox.sim(&format!("/pages/{page}/whatsapp-link")))
        .await;
    let link = reply.ok();
    assert_eq!(link["phone_number_id"], json!(phone(&sandbox)));
    assert_eq!(link["sync"]["enabled"], true);
}

#[tokio::test]
async fn alice_links_whatsapp_web_from_her_phone_and_logs_it_out() {
    let (sim, sandbox, steps) = run("devices", json!({})).await;
    let linked = steps.result("linked")["device"].as_str().expect("a row");
    assert!(
        linked.contains("WhatsApp Web") && linked.contains("active"),
        "{linked}"
    );
    let out = steps.result("logged out")["device"]
        .as_str()
        .expect("a row");
    assert!(
        out.contains("logged out") && out.contains("(user)"),
        "{out}"
    );
    let web = &devices(&sim, &sandbox, ALICE).await[1];
    assert_eq!(web["kind"], "web");
    assert_eq!(web["state"], "logged_out");
    assert_eq!(web["logout_reason"], "user");
}

#[tokio::test]
async fn ana_gets_the_pages_answer_and_taps_a_quick_reply() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "id": "messenger", "delivery": "auto" }))
        .await;
    let token = page_token(&sim, &sandbox).await;
    let receiver = page_receiver(&sim, &sandbox, &token, &["messages"]).await;
    let mut vars = env(&sandbox);
    vars.push(("METASIM_PAGE_ID", sandbox.id_of("page").to_owned()));
    vars.push(("METASIM_PAGE_TOKEN", token));
    let steps = run_scenario(&sim, "messenger", &vars).await;
    assert_eq!(steps.result("sent")["status"], 200);
    assert_eq!(
        steps.result("phone"),
        &json!({
            "mine": ["Hi! Do you deliver ferns on Sundays?", "Do you have ferns?"],
            "text": "We do! Which size?",
            "quick_replies": ["Small", "Large"]
        })
    );
    let row = steps.result("webhooks")["row"].as_str().unwrap();
    assert!(row.contains("message “Small” quick reply POT_S"), "{row}");

    // What the page showed is metasim's state, and the app really got it.
    let ana = sandbox.id_of("ana");
    let answer = inbox(&sim, &sandbox, ana).await.pop().expect("the answer");
    assert_eq!(answer["text"], "We do! Which size?");
    assert_eq!(answer["read"], true);
    assert_eq!(answer["reaction"], "\u{2764}");
    let taps: Vec<Value> = receiver
        .posts()
        .iter()
        .flat_map(|post| {
            post.json["entry"][0]["messaging"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|m| {
            m["message"]["quick_reply"]["payload"]
                .as_str()
                .map(|p| json!(p))
        })
        .collect();
    assert_eq!(taps, [json!("POT_S")]);
}

#[tokio::test]
async fn an_accounts_center_link_brings_kais_message_into_anas_messenger() {
    let (sim, sandbox, steps) = run("accounts", json!({})).await;
    let panel = steps.result("linked")["panel"].as_str().unwrap();
    assert!(panel.contains("linked"), "{panel}");
    assert!(
        steps.result("mirrored")["bubble"]
            .as_str()
            .unwrap()
            .contains("via Instagram")
    );
    let links = sim.all(&sandbox.sim("/accounts-center/links")).await;
    assert_eq!(links.len(), 1);
    let link = &links[0];
    assert_eq!(link["facebook_user_id"], sandbox.id_of("ana"));
    assert_eq!(link["state"], "linked");
    assert_eq!(
        link["permissions"],
        json!({ "direct_messages": true, "contacts": false, "profile_info": false, "message_history": false })
    );
    assert_eq!(link["sync"]["profile"], true);
    let mirrored = inbox(&sim, &sandbox, sandbox.id_of("ana")).await;
    let last = mirrored.last().expect("Kai's message");
    assert_eq!(last["platform"], "instagram");
    assert_eq!(last["from"]["id"], sandbox.id_of("kai"));
    assert_eq!(last["text"], "Hi Ana, any ferns left?");
}
