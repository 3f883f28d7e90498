//! Call permission request templates: a MARKETING or UTILITY template with
//! a body and a `call_permission_request` component, created through the
//! template routes and sent like any template — outside the customer
//! service window too — asks the user for call permission as the
//! interactive message does, within the same limits (1 a day, 2 a week:
//! 138009), and the user's answer names the template message.

use client_tests::business::{get as read, post as manage};
use client_tests::calling::*;
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, Value, json};

fn request_template(category: &str, more: &[Value]) -> Value {
    let mut components = vec![
        json!({ "type": "BODY", "text": "Hi {{1}}, may we call you about your order?",
                "example": { "body_text": [["Pablo"]] } }),
        json!({ "type": "call_permission_request" }),
    ];
    components.extend(more.iter().cloned());
    json!({ "name": "call_me", "language": "en_US", "category": category, "components": components })
}

async fn create(sim: &Sim, sandbox: &Sandbox, body: &Value) -> Reply {
    let path = format!("/{}/message_templates", sandbox.id_of("waba"));
    manage(sim, sandbox, &path, body).await
}

async fn send_request(sim: &Sim, sandbox: &Sandbox, to: &str) -> Reply {
    let body = json!({ "messaging_product": "whatsapp", "to": to, "type": "template",
        "template": template("call_me", &["Pablo"]) });
    post(sim, sandbox, &body).await
}

/// The steps up to the first request sent as a template, on a fresh demo
/// sandbox: Meta's creation rules, the review, calling turned on.
async fn first_request(sim: &Sim, seed: u64) -> (Sandbox, Receiver, Reply) {
    let sandbox = sim.demo(seed).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(sim, &sandbox, &receiver, &["messages"]).await;

    // Meta's rules for the component.
    let auth = create(sim, &sandbox, &request_template("AUTHENTICATION", &[])).await;
    assert_param_error(
        &auth,
        "only MARKETING or UTILITY templates may include a call_permission_request component",
    );
    let buttons =
        json!({ "type": "BUTTONS", "buttons": [{ "type": "QUICK_REPLY", "text": "No" }] });
    let mixed = create(sim, &sandbox, &request_template("UTILITY", &[buttons])).await;
    assert_param_error(
        &mixed,
        "the call_permission_request component cannot be combined with other interactive components (BUTTONS)",
    );

    let created = create(sim, &sandbox, &request_template("UTILITY", &[])).await;
    assert_eq!(created.ok()["status"], "PENDING");
    sim.advance(&sandbox, 60).await;
    let listed = read(
        sim,
        &sandbox,
        &format!("/{}/message_templates?name=call_me", sandbox.id_of("waba")),
    )
    .await;
    assert_eq!(listed.ok()["data"][0]["status"], "APPROVED");
    assert_eq!(
        listed.ok()["data"][0]["components"][1],
        json!({ "type": "call_permission_request" })
    );

    // Calling must be on, as for the interactive request.
    send_request(sim, &sandbox, ALICE)
        .await
        .assert_error(400, 138000, None, "OAuthException");
    enable_calling(sim, &sandbox).await;

    // No window is open with Alice: a template goes out all the same.
    let sent = send_request(sim, &sandbox, ALICE).await;
    (sandbox, receiver, sent)
}

#[tokio::test]
async fn a_call_permission_request_template_asks_outside_the_window() {
    let sim = Sim::start().await;
    let (sandbox, receiver, sent) = first_request(&sim, 183).await;
    let request = assert_template_sent(&sent, ALICE, ALICE);
    let asked = permissions(&sim, &sandbox, ALICE).await;
    assert_eq!(asked.ok()["actions"][0]["limits"][0]["current_usage"], 1);
    assert_eq!(asked.ok()["actions"][0]["can_perform_action"], false);
    // The limits are shared with the interactive request.
    send_request(&sim, &sandbox, ALICE)
        .await
        .assert_error(400, 138009, None, "OAuthException");
    open_window(&sim, &sandbox, ALICE).await;
    ask_permission(&sim, &sandbox, ALICE)
        .await
        .assert_error(400, 138009, None, "OAuthException");

    let accept = json!({ "phone_number_id": phone(&sandbox), "response": "accept" });
    let replied = consumer(&sim, &sandbox, ALICE, "/call_permission", accept).await;
    assert_eq!(replied.status, 201, "{}", replied.text());
    let replies = permission_replies(&sim, &sandbox, &receiver).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(replies[0]["context"]["id"], request.as_str());
    let granted = permissions(&sim, &sandbox, ALICE).await;
    assert_eq!(granted.ok()["permission"]["status"], "temporary");
    calls(&sim, &sandbox, connect(ALICE)).await.ok();

    // An ordinary template asks nothing.
    let sale = json!({ "messaging_product": "whatsapp", "to": BOB, "type": "template",
        "template": template("spring_sale", &["Bob"]) });
    post(&sim, &sandbox, &sale).await.ok();
    let bob = permissions(&sim, &sandbox, BOB).await;
    assert_eq!(bob.ok()["actions"][0]["limits"][0]["current_usage"], 0);

    // The state survives a snapshot; the same seed and calls send the same request.
    sim.assert_snapshot_round_trip(&sandbox).await;
    let (_twin, _, twin_sent) = first_request(&sim, 183).await;
    assert_eq!(twin_sent.ok(), sent.ok());
}
