//! What metasim POSTs, byte for byte, to a real receiver that checks both
//! signatures: WhatsApp `messages` changes in Meta's late-2026 shape (inbound
//! text and button replies with `contacts[].user_id` and `from_user_id`, the
//! phone left out for a username holder; sent/delivered/read statuses with
//! `contacts`, `recipient_user_id` and `pricing`; failed statuses without
//! `contacts`, with `errors[]`), `message_template_status_update` with
//! `entry[].time` and an integer template id, unsubscribed fields left out;
//! Meta's JSON encoding (lowercase `\uXXXX`, surrogate pairs, `\/`) signed over
//! the exact bytes; triggered samples of WhatsApp, Page and Instagram fields
//! with overrides; and same seed + same secret ⇒ same bytes and signatures.

use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sandbox, Sim, V, Value, demo_fixture, json};
use reqwest::Method;

const WHATSAPP: &str = "whatsapp_business_account";
const ERROR_HREF: &str =
    "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

fn metadata(sandbox: &Sandbox) -> Value {
    json!({ "display_phone_number": BUSINESS_DIGITS, "phone_number_id": phone(sandbox) })
}

/// Meta's WhatsApp envelope around one change.
fn envelope(sandbox: &Sandbox, field: &str, value: Value) -> Value {
    json!({
        "object": WHATSAPP,
        "entry": [{ "id": sandbox.id_of("waba"), "changes": [{ "value": value, "field": field }] }],
    })
}

/// A demo sandbox whose app receives `fields` of the WABA at a fresh receiver.
async fn subscribed(sim: &Sim, seed: u64, fields: &[&str]) -> (Sandbox, Receiver) {
    let sandbox = sim.demo(seed).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(sim, &sandbox, &receiver, fields).await;
    (sandbox, receiver)
}

/// Flush the outbox and return what the receiver got, in order.
async fn delivered(sim: &Sim, sandbox: &Sandbox, receiver: &Receiver) -> Vec<Value> {
    sim.deliver(sandbox).await;
    receiver.bodies()
}

fn contact(name: &str, wa_id: &str, user_id: &str) -> Value {
    json!({ "profile": { "name": name }, "wa_id": wa_id, "user_id": user_id })
}

#[tokio::test]
async fn an_inbound_text_carries_the_contact_and_the_business_scoped_user_id() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 11, &["messages"]).await;
    let text = json!({ "type": "text", "text": { "body": "Do you ship to Oslo?" } });
    let wamid = sim.inbound(&sandbox, ALICE, phone(&sandbox), text).await;
    let user_id = bsuid(&sim, &sandbox, ALICE).await;
    let bodies = delivered(&sim, &sandbox, &receiver).await;
    assert_eq!(bodies.len(), 1);
    assert_same_json(
        &bodies[0],
        &envelope(
            &sandbox,
            "messages",
            json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&sandbox),
                "contacts": [contact("Alice Rivera", ALICE, &user_id)],
                "messages": [{
                    "from": ALICE,
                    "from_user_id": user_id,
                    "id": wamid,
                    "timestamp": T0.to_string(),
                    "type": "text",
                    "text": { "body": "Do you ship to Oslo?" },
                }],
            }),
        ),
    );
}

#[tokio::test]
async fn a_button_reply_names_the_message_it_answers() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 12, &["messages"]).await;
    open_window(&sim, &sandbox, ALICE).await;
    let question = message(
        ALICE,
        "interactive",
        json!({
            "type": "button",
            "body": { "text": "Deliver tomorrow?" },
            "action": { "buttons": [
                { "type": "reply", "reply": { "id": "yes", "title": "Yes" } },
                { "type": "reply", "reply": { "id": "no", "title": "No" } },
            ]},
        }),
    );
    let asked = assert_sent(&post(&sim, &sandbox, &question).await, ALICE, ALICE);
    sim.advance(&sandbox, 42).await;
    let reply = json!({
        "type": "interactive",
        "interactive": { "type": "button_reply", "button_reply": { "id": "yes", "title": "Yes" } },
        "context": { "id": asked },
    });
    let wamid = sim.inbound(&sandbox, ALICE, phone(&sandbox), reply).await;
    let user_id = bsuid(&sim, &sandbox, ALICE).await;
    let bodies = delivered(&sim, &sandbox, &receiver).await;
    // The opening text, `sent` and `delivered` of the question, then the reply.
    assert_eq!(bodies.len(), 4);
    assert_eq!(
        bodies[3],
        envelope(
            &sandbox,
            "messages",
            json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&sandbox),
                "contacts": [contact("Alice Rivera", ALICE, &user_id)],
                "messages": [{
                    "context": { "from": BUSINESS_DIGITS, "id": asked },
                    "from": ALICE,
                    "from_user_id": user_id,
                    "id": wamid,
                    "timestamp": (T0 + 42).to_string(),
                    "type": "interactive",
                    "interactive": {
                        "type": "button_reply",
                        "button_reply": { "id": "yes", "title": "Yes" },
                    },
                }],
            }),
        )
    );
}

#[tokio::test]
async fn a_username_holder_s_phone_is_left_out_until_there_was_an_exchange() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 13, &["messages"]).await;
    let carla = "15550107777";
    let created = sim
        .post_json(
            &sandbox.sim("/whatsapp/consumers"),
            &json!({ "phone": carla, "name": "Carla Diaz", "username": "carla.plants" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let text = json!({ "type": "text", "text": { "body": "hi" } });
    let wamid = sim.inbound(&sandbox, carla, phone(&sandbox), text).await;
    let user_id = bsuid(&sim, &sandbox, carla).await;
    // The business answers by phone number inside the window.
    let answer = message(carla, "text", json!({ "body": "Hello Carla" }));
    let sent = assert_sent(&post(&sim, &sandbox, &answer).await, carla, carla);
    let bodies = delivered(&sim, &sandbox, &receiver).await;
    assert_eq!(bodies.len(), 3);
    assert_same_json(
        &bodies[0]["entry"][0]["changes"][0]["value"],
        &json!({
            "messaging_product": "whatsapp",
            "metadata": metadata(&sandbox),
            "contacts": [{
                "profile": { "name": "Carla Diaz", "username": "carla.plants" },
                "user_id": user_id,
            }],
            "messages": [{
                "from_user_id": user_id,
                "id": wamid,
                "timestamp": T0.to_string(),
                "type": "text",
                "text": { "body": "hi" },
            }],
        }),
    );
    // Statuses: the phone is known now; no username on `sent`, then it appears.
    let contacts: Vec<&Value> = bodies[1..]
        .iter()
        .map(|b| &b["entry"][0]["changes"][0]["value"]["contacts"])
        .collect();
    assert_eq!(
        contacts,
        [
            &json!([{ "profile": { "name": "Carla Diaz" }, "wa_id": carla, "user_id": user_id }]),
            &json!([{
                "profile": { "name": "Carla Diaz", "username": "carla.plants" },
                "wa_id": carla, "user_id": user_id,
            }]),
        ]
    );
    for body in &bodies[1..] {
        assert_eq!(
            body["entry"][0]["changes"][0]["value"]["statuses"][0]["id"],
            json!(sent)
        );
    }
}

#[tokio::test]
async fn sent_delivered_and_read_statuses_carry_contacts_and_pricing() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 14, &["messages"]).await;
    open_window(&sim, &sandbox, ALICE).await;
    let mut reply = message(ALICE, "text", json!({ "body": "It ships today." }));
    reply["biz_opaque_callback_data"] = json!("order-42");
    let wamid = assert_sent(&post(&sim, &sandbox, &reply).await, ALICE, ALICE);
    sim.advance(&sandbox, 30).await;
    let read = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/read")),
            &json!({}),
        )
        .await;
    assert_eq!(read.ok(), &json!({ "success": true, "read": 1 }));
    let user_id = bsuid(&sim, &sandbox, ALICE).await;
    let bodies = delivered(&sim, &sandbox, &receiver).await;
    assert_eq!(bodies.len(), 4, "the inbound text and three statuses");
    let status = |name: &str, time: i64| {
        envelope(
            &sandbox,
            "messages",
            json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&sandbox),
                "contacts": [contact("Alice Rivera", ALICE, &user_id)],
                "statuses": [{
                    "id": wamid,
                    "status": name,
                    "timestamp": time.to_string(),
                    "recipient_id": ALICE,
                    "recipient_user_id": user_id,
                    "biz_opaque_callback_data": "order-42",
                    "pricing": {
                        "billable": false,
                        "pricing_model": "PMP",
                        "type": "free_customer_service",
                        "category": "service",
                    },
                }],
            }),
        )
    };
    assert_same_json(&bodies[1], &status("sent", T0));
    assert_same_json(&bodies[2], &status("delivered", T0));
    assert_same_json(&bodies[3], &status("read", T0 + 30));
}

#[tokio::test]
async fn a_failed_status_has_errors_and_no_contacts() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 15, &["messages"]).await;
    // Bob never wrote: free-form text fails with 131047.
    let by_phone = message(BOB, "text", json!({ "body": "Your order shipped" }));
    let wamid = assert_sent(&post(&sim, &sandbox, &by_phone).await, BOB, BOB);
    let errors = json!([{
        "code": 131047,
        "title": "Re-engagement message",
        "message": "Re-engagement message",
        "error_data": { "details": REENGAGEMENT },
        "href": ERROR_HREF,
    }]);
    // Sent to the business-scoped user id instead: `recipient_user_id` stays.
    let user_id = bsuid(&sim, &sandbox, BOB).await;
    let by_user_id = json!({
        "messaging_product": "whatsapp", "recipient": user_id,
        "type": "text", "text": { "body": "Your order shipped" },
    });
    let answer = post(&sim, &sandbox, &by_user_id).await;
    let second = answer.ok()["messages"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bodies = delivered(&sim, &sandbox, &receiver).await;
    assert_eq!(bodies.len(), 2);
    // Phone-addressed: the pre-2026 shape (no contacts, no recipient_user_id, no pricing).
    assert_same_json(
        &bodies[0],
        &envelope(
            &sandbox,
            "messages",
            json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&sandbox),
                "statuses": [{
                    "id": wamid,
                    "status": "failed",
                    "timestamp": T0.to_string(),
                    "recipient_id": BOB,
                    "errors": errors,
                }],
            }),
        ),
    );
    assert_same_json(
        &bodies[1]["entry"][0]["changes"][0]["value"]["statuses"],
        &json!([{
            "id": second,
            "status": "failed",
            "timestamp": T0.to_string(),
            "recipient_id": BOB,
            "recipient_user_id": user_id,
            "errors": errors,
        }]),
    );
    assert!(
        bodies[1]["entry"][0]["changes"][0]["value"]
            .get("contacts")
            .is_none()
    );

    // The compatibility switch for receivers that need a contact on every
    // status (pywa 4.5): the contact block comes back, nothing else changes.
    sim.webhook_settings(&sandbox, &json!({ "failed_status_contacts": true }))
        .await;
    let third = assert_sent(&post(&sim, &sandbox, &by_phone).await, BOB, BOB);
    let bodies = delivered(&sim, &sandbox, &receiver).await;
    assert_same_json(
        &bodies[2]["entry"][0]["changes"][0]["value"],
        &json!({
            "messaging_product": "whatsapp",
            "metadata": metadata(&sandbox),
            "contacts": [contact("Bob Chen", BOB, &user_id)],
            "statuses": [{
                "id": third,
                "status": "failed",
                "timestamp": T0.to_string(),
                "recipient_id": BOB,
                "errors": errors,
            }],
        }),
    );
}

async fn create_template(sim: &Sim, sandbox: &Sandbox, name: &str) -> String {
    let template = json!({
        "name": name, "language": "en_US", "category": "UTILITY",
        "components": [{ "type": "BODY", "text": "Your order {{1}} shipped." }],
    });
    let reply = sim
        .send(
            sim.request(
                Method::POST,
                &format!("/{V}/{}/message_templates", sandbox.id_of("waba")),
            )
            .bearer_auth(sandbox.token(MANAGER))
            .json(&template),
        )
        .await;
    reply.ok()["id"].as_str().expect("a template id").to_owned()
}

fn template_update(
    sandbox: &Sandbox,
    time: i64,
    id: &str,
    name: &str,
    event: &str,
    reason: &str,
) -> Value {
    json!({
        "object": WHATSAPP,
        "entry": [{
            "id": sandbox.id_of("waba"),
            "time": time,
            "changes": [{
                "value": {
                    "event": event,
                    "message_template_id": id.parse::<u64>().expect("a numeric id"),
                    "message_template_name": name,
                    "message_template_language": "en_US",
                    "message_template_category": "UTILITY",
                    "reason": reason,
                },
                "field": "message_template_status_update",
            }],
        }],
    })
}

#[tokio::test]
async fn template_status_updates_have_entry_time_and_an_integer_id_and_only_when_subscribed() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 16, &["messages"]).await;
    // Only `messages` is subscribed: the approval is not sent.
    let first = create_template(&sim, &sandbox, "not_sent").await;
    sim.advance(&sandbox, 60).await;
    assert_eq!(sim.deliveries(&sandbox).await, Vec::<Value>::new());
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());

    subscribe(
        &sim,
        &sandbox,
        WHATSAPP,
        &["message_template_status_update"],
        &receiver.url("/hook"),
    )
    .await;
    // Subscribing does not replay what happened before.
    assert_eq!(sim.deliveries(&sandbox).await, Vec::<Value>::new());
    let id = create_template(&sim, &sandbox, "order_shipped").await;
    sim.advance(&sandbox, 60).await;
    let reviewed = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/templates/{first}/review")),
            &json!({ "status": "REJECTED", "reason": "INCORRECT_CATEGORY" }),
        )
        .await;
    reviewed.ok();
    let bodies = delivered(&sim, &sandbox, &receiver).await;
    assert_eq!(bodies.len(), 2);
    assert_same_json(
        &bodies[0],
        &template_update(&sandbox, T0 + 120, &id, "order_shipped", "APPROVED", "NONE"),
    );
    assert_same_json(
        &bodies[1],
        &template_update(
            &sandbox,
            T0 + 120,
            &first,
            "not_sent",
            "REJECTED",
            "INCORRECT_CATEGORY",
        ),
    );
    // The raw bytes show the id as a JSON number.
    let text = receiver.received()[0].text().to_owned();
    assert!(
        text.contains(&format!("\"message_template_id\":{id},")),
        "{text}"
    );
}

#[tokio::test]
async fn the_body_is_meta_encoded_and_signed_over_its_exact_bytes() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 17, &["messages"]).await;
    let text = "Olá 👋 — see https://x.example/a?b=1";
    let wamid = sim
        .inbound(
            &sandbox,
            ALICE,
            phone(&sandbox),
            json!({ "type": "text", "text": { "body": text } }),
        )
        .await;
    let user_id = bsuid(&sim, &sandbox, ALICE).await;
    sim.deliver(&sandbox).await;
    let post = receiver.received().remove(0);
    let expected = format!(
        concat!(
            r#"{{"object":"whatsapp_business_account","entry":[{{"id":"{waba}","changes":[{{"value":{{"#,
            r#""messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550100001","phone_number_id":"{phone}"}},"#,
            r#""contacts":[{{"profile":{{"name":"Alice Rivera"}},"wa_id":"15550109999","user_id":"{user_id}"}}],"#,
            r#""messages":[{{"from":"15550109999","from_user_id":"{user_id}","id":"{wamid}","timestamp":"1767225600","#,
            r#""type":"text","text":{{"body":"Ol\u00e1 \ud83d\udc4b \u2014 see https:\/\/x.example\/a?b=1"}}}}]}},"#,
            r#""field":"messages"}}]}}]}}"#
        ),
        waba = sandbox.id_of("waba"),
        phone = phone(&sandbox),
        user_id = user_id,
        wamid = wamid.replace('/', "\\/"),
    );
    assert_eq!(post.text(), expected);
    assert_eq!(
        post.json["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"],
        text
    );

    // Both signatures, computed here over the bytes received.
    let secret = sandbox.secret("app");
    let (sha256, sha1) = signatures(secret, &post.bytes);
    assert_eq!(post.header("x-hub-signature-256"), sha256);
    assert_eq!(post.header("x-hub-signature"), sha1);
    assert_eq!(sha256.len(), "sha256=".len() + 64);
    assert_eq!(post.header("content-type"), "application/json");
    assert_eq!(post.header("user-agent"), "facebookexternalua");
    // The deliveries log shows the same bytes and signatures.
    let logged = &sim.deliveries(&sandbox).await[0];
    assert_eq!(logged["body"], json!(expected));
    assert_eq!(logged["signature_256"], json!(sha256));
    assert_eq!(logged["signature_1"], json!(sha1));
    // Re-encoding the parsed JSON gives other bytes and another digest: a
    // receiver must verify the raw body.
    let reencoded = serde_json::to_vec(&post.json).unwrap();
    assert_ne!(reencoded, post.bytes);
    assert_ne!(signatures(secret, &reencoded).0, sha256);
}

#[tokio::test]
async fn triggered_whatsapp_samples_merge_the_overrides() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 18, &["messages", "account_update"]).await;
    let answer = sim
        .trigger(
            &sandbox,
            &json!({ "object": WHATSAPP, "field": "messages" }),
        )
        .await;
    assert_eq!(answer, json!({ "deliveries": [1], "subscribed_apps": 1 }));
    // The sample: an inbound text from the first consumer (by phone: Bob).
    let user_id = bsuid(&sim, &sandbox, BOB).await;
    let custom = json!([{
        "from": "15550101234", "from_user_id": "US.1234", "id": "wamid.custom",
        "timestamp": "1767225000", "type": "reaction",
        "reaction": { "message_id": "wamid.x", "emoji": "👍" },
    }]);
    sim.trigger(
        &sandbox,
        &json!({ "object": WHATSAPP, "field": "messages", "value": { "messages": custom } }),
    )
    .await;
    sim.trigger(
        &sandbox,
        &json!({
            "object": WHATSAPP, "field": "account_update",
            "value": { "phone_number": BUSINESS_DIGITS, "event": "ACCOUNT_VIOLATION",
                       "violation_info": { "violation_type": "SCAM" } },
        }),
    )
    .await;
    let bodies = delivered(&sim, &sandbox, &receiver).await;
    assert_eq!(bodies.len(), 3);
    let sample = &bodies[0]["entry"][0]["changes"][0]["value"];
    let sample_id = sample["messages"][0]["id"].as_str().unwrap().to_owned();
    assert_wamid(&sample_id);
    assert_same_json(
        &bodies[0],
        &envelope(
            &sandbox,
            "messages",
            json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&sandbox),
                "contacts": [contact("Bob Chen", BOB, &user_id)],
                "messages": [{
                    "from": BOB,
                    "from_user_id": user_id,
                    "id": sample_id,
                    "timestamp": T0.to_string(),
                    "type": "text",
                    "text": { "body": "Hello from metasim trigger" },
                }],
            }),
        ),
    );
    // `messages` replaced, everything else kept.
    assert_same_json(
        &bodies[1],
        &envelope(
            &sandbox,
            "messages",
            json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&sandbox),
                "contacts": [contact("Bob Chen", BOB, &user_id)],
                "messages": custom,
            }),
        ),
    );
    assert!(
        receiver.received()[1]
            .text()
            .contains(r#""emoji":"\ud83d\udc4d""#)
    );
    // Other fields carry `entry[].time`.
    assert_same_json(
        &bodies[2],
        &json!({
            "object": WHATSAPP,
            "entry": [{
                "id": sandbox.id_of("waba"),
                "time": T0,
                "changes": [{
                    "value": { "phone_number": BUSINESS_DIGITS, "event": "ACCOUNT_VIOLATION",
                               "violation_info": { "violation_type": "SCAM" } },
                    "field": "account_update",
                }],
            }],
        }),
    );
}

#[tokio::test]
async fn triggered_page_and_instagram_events_use_their_envelopes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(19).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe(
        &sim,
        &sandbox,
        "page",
        &["messages"],
        &receiver.url("/page"),
    )
    .await;
    subscribe(
        &sim,
        &sandbox,
        "instagram",
        &["messages", "comments"],
        &receiver.url("/instagram"),
    )
    .await;
    // Page changes also need the app installed on the Page (with a Page token).
    let accounts = sim
        .get_as(
            sandbox.token("user_token"),
            &format!("/{}/me/accounts", client_tests::V),
        )
        .await;
    let page_token = accounts.ok()["data"][0]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let installed = sim
        .send(
            sim.request(
                reqwest::Method::POST,
                &format!(
                    "/{}/{}/subscribed_apps?subscribed_fields=messages",
                    client_tests::V,
                    sandbox.id_of("page")
                ),
            )
            .bearer_auth(&page_token),
        )
        .await;
    assert_eq!(installed.ok(), &json!({ "success": true }));
    sim.advance(&sandbox, 5).await;
    let now_ms = (T0 + 5) * 1000;
    let page = sandbox.id_of("page");
    let instagram = sandbox.id_of("instagram");
    let message = json!({ "mid": "m_test_1", "text": "Is the fern in stock?" });
    for (object, field, value) in [
        ("page", "messages", json!({ "message": message })),
        ("instagram", "messages", json!({ "message": message })),
        (
            "instagram",
            "comments",
            json!({
                "id": "17900000000000001", "text": "Love this!",
                "from": { "id": "1234567890123456", "username": "ana.plants" },
                "media": { "id": "17800000000000001", "media_product_type": "FEED" },
            }),
        ),
    ] {
        let answer = sim
            .trigger(
                &sandbox,
                &json!({ "object": object, "field": field, "value": value }),
            )
            .await;
        assert_eq!(answer["subscribed_apps"], 1);
    }
    // A field nobody subscribed to reaches nobody.
    let nobody = sim
        .trigger(
            &sandbox,
            &json!({ "object": "page", "field": "message_reads" }),
        )
        .await;
    assert_eq!(nobody, json!({ "deliveries": [], "subscribed_apps": 0 }));

    sim.deliver(&sandbox).await;
    let received = receiver.received();
    let paths: Vec<&str> = received.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["/page", "/instagram", "/instagram"]);
    let messaging = |object: &str, id: &str| {
        json!({
            "object": object,
            "entry": [{
                "id": id,
                "time": now_ms,
                "messaging": [{
                    "sender": received[0].json["entry"][0]["messaging"][0]["sender"],
                    "recipient": { "id": id },
                    "timestamp": now_ms,
                    "message": message,
                }],
            }],
        })
    };
    assert!(received[0].json["entry"][0]["messaging"][0]["sender"]["id"].is_string());
    assert_same_json(&received[0].json, &messaging("page", page));
    assert_same_json(&received[1].json, &messaging("instagram", instagram));
    // Instagram `changes`: `entry[].time` in seconds.
    assert_same_json(
        &received[2].json,
        &json!({
            "object": "instagram",
            "entry": [{
                "id": instagram,
                "time": T0 + 5,
                "changes": [{
                    "value": {
                        "id": "17900000000000001", "text": "Love this!",
                        "from": { "id": "1234567890123456", "username": "ana.plants" },
                        "media": { "id": "17800000000000001", "media_product_type": "FEED" },
                    },
                    "field": "comments",
                }],
            }],
        }),
    );
}

#[tokio::test]
async fn trigger_refuses_unknown_objects_fields_and_values() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(20).await;
    let cases = [
        (
            json!({ "object": "groups", "field": "feed" }),
            "object must be one of whatsapp_business_account, page, instagram, user - got \"groups\"",
        ),
        (
            json!({ "object": "page", "field": "comments" }),
            "\"comments\" is not a webhook field of page",
        ),
        (
            json!({ "object": "page", "field": "feed", "value": [1] }),
            "value must be an object (it is merged over the sample)",
        ),
    ];
    for (body, message) in cases {
        let reply = sim
            .post_json(&sandbox.sim("/webhooks/trigger"), &body)
            .await;
        assert_eq!(
            reply.assert_sim_error(400, None),
            format!("(#100) {message}")
        );
    }
}

/// Subscribe, exchange messages, approve a template; every delivery's
/// (body, signature_256, signature_1).
async fn scripted(sim: &Sim, sandbox: &Sandbox) -> Vec<(Value, Value, Value)> {
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(
        sim,
        sandbox,
        &receiver,
        &["messages", "message_template_status_update"],
    )
    .await;
    let text = json!({ "type": "text", "text": { "body": "Olá, is the fern in stock? 🌿" } });
    sim.inbound(sandbox, ALICE, phone(sandbox), text).await;
    let answer = message(ALICE, "text", json!({ "body": "Yes, ✓ 3 left" }));
    post(sim, sandbox, &answer).await.ok();
    sim.advance(sandbox, 10).await;
    sim.post_json(
        &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/read")),
        &json!({}),
    )
    .await
    .ok();
    post(sim, sandbox, &message(BOB, "text", json!({ "body": "Hi" })))
        .await
        .ok();
    create_template(sim, sandbox, "restock").await;
    sim.advance(sandbox, 60).await;
    sim.deliver(sandbox).await;
    assert_eq!(receiver.received().len(), 6);
    sim.deliveries(sandbox)
        .await
        .into_iter()
        .map(|d| {
            (
                d["body"].clone(),
                d["signature_256"].clone(),
                d["signature_1"].clone(),
            )
        })
        .collect()
}

/// Run [`scripted`] in a sandbox `id` (seed 77) of its own metasim; returns
/// the app secret and the deliveries.
async fn run(id: &str, fixture: Option<Value>) -> (String, Vec<(Value, Value, Value)>) {
    let sim = Sim::start().await;
    let mut body = json!({ "id": id, "seed": 77 });
    if let Some(fixture) = fixture {
        body["fixture"] = fixture;
    }
    let sandbox = sim.create_sandbox(body).await;
    let deliveries = scripted(&sim, &sandbox).await;
    (sandbox.secret("app").to_owned(), deliveries)
}

#[tokio::test]
async fn same_seed_and_secret_give_the_same_bytes_and_signatures() {
    let mut fixture = demo_fixture();
    fixture["apps"][0]["secret"] = json!("0123456789abcdef0123456789abcdef");
    // A pinned secret: other sandbox ids, same bytes and signatures.
    let (secret_a, a) = run("alpha", Some(fixture.clone())).await;
    let (secret_b, b) = run("beta", Some(fixture)).await;
    assert_eq!(secret_a, "0123456789abcdef0123456789abcdef");
    assert_eq!(secret_a, secret_b);
    assert_eq!(a.len(), 6);
    assert_eq!(a, b);

    // Generated secrets include the sandbox id: same bodies, other signatures…
    let (secret_c, c) = run("alpha", None).await;
    let (secret_d, d) = run("beta", None).await;
    assert_ne!(secret_c, secret_d);
    assert_eq!(c.len(), 6);
    for (x, y) in c.iter().zip(&d) {
        assert_eq!(x.0, y.0, "same body");
        assert_ne!(x.1, y.1, "other sha256 signature");
        assert_ne!(x.2, y.2, "other sha1 signature");
    }
    // …and the same sandbox id again gives the same secret, so everything matches.
    let (secret_e, e) = run("alpha", None).await;
    assert_eq!(secret_c, secret_e);
    assert_eq!(c, e);
}
