//! The `user_preferences` webhook: a consumer stopping or resuming a
//! business's marketing messages reaches the apps subscribed to the field,
//! once per change, in Meta's shape — `contacts[]` and one
//! `user_preferences[]` item naming the user by phone (where it may be
//! shown), BSUID and, once the portfolio is enrolled, parent BSUID.

use client_tests::calling::field_webhooks;
use client_tests::receiver::{Receiver, assert_same_json, subscribe_whatsapp};
use client_tests::whatsapp::{
    ALICE, ANA, BOB, BUSINESS_DIGITS, T0, bsuid, create_ana, enrol_parent_bsuids, parent_bsuid,
    phone, writes,
};
use client_tests::{Sandbox, Sim, Value, json};

/// The consumer stops (`true`) or resumes marketing from the demo number.
async fn stops_marketing(sim: &Sim, sandbox: &Sandbox, digits: &str, opt_out: bool) {
    let reply = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{digits}/marketing")),
            &json!({ "phone_number_id": phone(sandbox), "opt_out": opt_out }),
        )
        .await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
}

/// The whole body of a `stop` by `digits` (`name`, BSUID `user_id`) at T0
/// for the demo number: Meta's envelope, no `entry[].time`.
fn stop_webhook(sandbox: &Sandbox, name: &str, digits: &str, user_id: &str) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": sandbox.id_of("waba"), "changes": [{ "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": BUSINESS_DIGITS, "phone_number_id": phone(sandbox) },
            "contacts": [{ "profile": { "name": name }, "wa_id": digits, "user_id": user_id }],
            "user_preferences": [{
                "wa_id": digits,
                "user_id": user_id,
                "detail": "User requested to stop marketing messages",
                "category": "marketing_messages",
                "value": "stop",
                "timestamp": T0,
            }],
        }, "field": "user_preferences" }] }],
    })
}

/// Stop, stop again (no change, no webhook), resume: two webhooks, each
/// the whole envelope Meta documents, with its `detail` text and an integer
/// timestamp; enrolled, the next stop names the parent BSUID in both places.
#[tokio::test]
async fn stopping_and_resuming_marketing_sends_user_preferences_once_per_change() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(150).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["user_preferences"]).await;
    let alice = bsuid(&sim, &sandbox, ALICE).await;

    stops_marketing(&sim, &sandbox, ALICE, true).await;
    stops_marketing(&sim, &sandbox, ALICE, true).await;
    sim.deliver(&sandbox).await;
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1, "a second stop changes nothing");
    assert_same_json(
        &bodies[0],
        &stop_webhook(&sandbox, "Alice Rivera", ALICE, &alice),
    );

    stops_marketing(&sim, &sandbox, ALICE, false).await;
    stops_marketing(&sim, &sandbox, ALICE, false).await;
    let values = field_webhooks(&sim, &sandbox, &receiver, "user_preferences").await;
    assert_eq!(values.len(), 2, "a second resume changes nothing");
    let resumed = &values[1]["user_preferences"][0];
    assert_eq!(resumed["value"], "resume");
    assert_eq!(
        resumed["detail"],
        "User requested to resume marketing messages"
    );

    let account = enrol_parent_bsuids(&sim, &sandbox, &["business"]).await;
    let parent = parent_bsuid(&sim, &sandbox, ALICE, &account).await;
    stops_marketing(&sim, &sandbox, ALICE, true).await;
    let values = field_webhooks(&sim, &sandbox, &receiver, "user_preferences").await;
    let enrolled = &values[2];
    assert_eq!(enrolled["contacts"][0]["parent_user_id"], parent.as_str());
    let item = enrolled["user_preferences"][0].as_object().unwrap();
    let keys: Vec<&str> = item.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "wa_id",
            "user_id",
            "parent_user_id",
            "detail",
            "category",
            "value",
            "timestamp"
        ]
    );
    assert_eq!(item["parent_user_id"], parent.as_str());
    sim.assert_snapshot_round_trip(&sandbox).await;
}

/// A consumer with a username whose phone the number may not see is named
/// by BSUID alone (no `wa_id` in the contact or the item); an app
/// subscribed to `messages` only receives no `user_preferences`.
#[tokio::test]
async fn a_hidden_phone_is_left_out_and_only_subscribers_of_the_field_hear() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(151).await;
    create_ana(&sim, &sandbox).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["user_preferences"]).await;
    stops_marketing(&sim, &sandbox, ANA, true).await;
    let values = field_webhooks(&sim, &sandbox, &receiver, "user_preferences").await;
    let ana_id = bsuid(&sim, &sandbox, ANA).await;
    assert_eq!(
        values[0]["contacts"],
        json!([{ "profile": { "name": "Ana Diaz", "username": "ana.diaz" }, "user_id": ana_id }])
    );
    let item = &values[0]["user_preferences"][0];
    assert!(item.get("wa_id").is_none(), "{item}");
    assert_eq!(item["user_id"], ana_id.as_str());

    let other = sim.demo(152).await;
    let messages_only = Receiver::start(other.secret("app")).await;
    subscribe_whatsapp(&sim, &other, &messages_only, &["messages"]).await;
    stops_marketing(&sim, &other, ALICE, true).await;
    writes(&sim, &other, ALICE, "Hello").await;
    sim.deliver(&other).await;
    let fields: Vec<Value> = messages_only
        .bodies()
        .iter()
        .map(|body| body["entry"][0]["changes"][0]["field"].clone())
        .collect();
    assert_eq!(fields, [json!("messages")]);
}

/// `webhooks/trigger` with `user_preferences` sends a sample in the same
/// shape: the first consumer (Bob) stopping the demo number's marketing.
#[tokio::test]
async fn a_triggered_user_preferences_sample_has_the_same_shape() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(153).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["user_preferences"]).await;
    let trigger = json!({ "object": "whatsapp_business_account", "field": "user_preferences" });
    let answer = sim.trigger(&sandbox, &trigger).await;
    assert_eq!(answer["subscribed_apps"], 1, "{answer}");
    sim.deliver(&sandbox).await;
    let bob = bsuid(&sim, &sandbox, BOB).await;
    assert_same_json(
        &receiver.bodies()[0],
        &stop_webhook(&sandbox, "Bob Chen", BOB, &bob),
    );
}
