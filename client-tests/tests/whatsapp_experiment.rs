//! Meta's marketing message experiment over HTTP: a consumer WhatsApp put in
//! the experiment (control plane) gets no marketing templates — they are
//! accepted, then fail with 130472, unbilled — unless a customer-service
//! window is open; utility templates and other consumers are untouched.

use client_tests::whatsapp::*;
use client_tests::{Sandbox, Sim, json};

const EXPERIMENT: (i64, &str, &str) = (
    130472,
    "User's number is part of an experiment",
    "Failed to send message because this user's phone number is part of an experiment.",
);

async fn set_experiment(sim: &Sim, sandbox: &Sandbox, digits: &str, in_experiment: bool) {
    let path = sandbox.sim(&format!(
        "/whatsapp/consumers/{digits}/marketing_experiment"
    ));
    let reply = sim
        .post_json(&path, &json!({ "in_experiment": in_experiment }))
        .await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
}

async fn assert_delivered(sim: &Sim, sandbox: &Sandbox, id: &str) {
    assert_eq!(status_names(sim, sandbox, id).await, ["sent", "delivered"]);
}

#[tokio::test]
async fn marketing_templates_to_a_consumer_in_the_experiment_fail_with_130472() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(72).await;
    set_experiment(&sim, &sandbox, ALICE, true).await;
    let consumer = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{ALICE}")))
        .await;
    assert_eq!(consumer.ok()["marketing_experiment"], true);

    let sale = message(ALICE, "template", template("spring_sale", &["20%"]));
    let id = assert_template_sent(&post(&sim, &sandbox, &sale).await, ALICE, ALICE);
    let (code, title, details) = EXPERIMENT;
    assert_failure(&failure(&sim, &sandbox, &id).await, code, title, details);
    // Sending again meets the same answer.
    let id = assert_template_sent(&post(&sim, &sandbox, &sale).await, ALICE, ALICE);
    assert_failure(&failure(&sim, &sandbox, &id).await, code, title, details);

    // Utility templates still reach her, marketing still reaches Bob.
    let update = message(
        ALICE,
        "template",
        template("order_update", &["Alice", "A-1"]),
    );
    let id = assert_template_sent(&post(&sim, &sandbox, &update).await, ALICE, ALICE);
    assert_delivered(&sim, &sandbox, &id).await;
    let to_bob = message(BOB, "template", template("spring_sale", &["20%"]));
    let id = assert_template_sent(&post(&sim, &sandbox, &to_bob).await, BOB, BOB);
    assert_delivered(&sim, &sandbox, &id).await;
    let inbox = sim.inbox(&sandbox, ALICE).await;
    assert_eq!(inbox.len(), 1, "only the utility template: {inbox:?}");
}

#[tokio::test]
async fn an_open_service_window_or_leaving_the_experiment_lets_marketing_through() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(73).await;
    set_experiment(&sim, &sandbox, ALICE, true).await;
    open_window(&sim, &sandbox, ALICE).await;
    let sale = message(ALICE, "template", template("spring_sale", &["20%"]));
    let id = assert_template_sent(&post(&sim, &sandbox, &sale).await, ALICE, ALICE);
    assert_delivered(&sim, &sandbox, &id).await;

    // A day later the window has closed: held back again, until she leaves.
    sim.advance(&sandbox, DAY).await;
    let id = assert_template_sent(&post(&sim, &sandbox, &sale).await, ALICE, ALICE);
    assert_eq!(failure(&sim, &sandbox, &id).await["code"], EXPERIMENT.0);
    set_experiment(&sim, &sandbox, ALICE, false).await;
    let id = assert_template_sent(&post(&sim, &sandbox, &sale).await, ALICE, ALICE);
    assert_delivered(&sim, &sandbox, &id).await;
}

#[tokio::test]
async fn the_experiment_of_an_unknown_consumer_or_a_bad_body_is_refused() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(74).await;
    let unknown = sim
        .post_json(
            &sandbox.sim("/whatsapp/consumers/15550000000/marketing_experiment"),
            &json!({ "in_experiment": true }),
        )
        .await;
    assert_eq!(unknown.status, 404);
    let bad = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/marketing_experiment")),
            &json!({ "in_experiment": "yes" }),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.json["error"]["message"].is_string());
}
