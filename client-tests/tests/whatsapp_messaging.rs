//! Sending WhatsApp messages over HTTP, `POST /{phone-number-id}/messages`:
//! every message type as JSON and as a form with nested JSON strings, with
//! Meta's exact answer; `to` in the formats clients send (resolved with the
//! sender's country code when it has none) and `recipient` as a
//! business-scoped user id; and the validation errors per type — 100 for a
//! missing member, 131009 with `details` for a value out of bounds — never a
//! 500, and nothing sent.

use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, Value, demo_fixture, json};

/// Media uploaded for sending by id, by message type.
struct Uploads {
    image: String,
    audio: String,
    video: String,
    document: String,
    sticker: String,
}

async fn upload_all(sim: &Sim, sandbox: &Sandbox) -> Uploads {
    Uploads {
        image: upload_media(sim, sandbox, "image/jpeg", b"\xff\xd8\xff jpeg").await,
        audio: upload_media(sim, sandbox, "audio/ogg", b"OggS audio").await,
        video: upload_media(sim, sandbox, "video/mp4", b"ftypmp42 video").await,
        document: upload_media(sim, sandbox, "application/pdf", b"%PDF-1.7 invoice").await,
        sticker: upload_media(sim, sandbox, "image/webp", b"RIFF WEBP sticker").await,
    }
}

/// Each message type Meta documents, with what it needs; `reply_to` is an
/// inbound wamid (for the reaction and the quoted reply).
fn every_type(reply_to: &str, media: &Uploads) -> Vec<Value> {
    vec![
        message(
            ALICE,
            "text",
            json!({ "body": "See https://luckyshrub.example", "preview_url": true }),
        ),
        message(
            ALICE,
            "image",
            json!({ "id": media.image, "caption": "Today's special" }),
        ),
        message(
            ALICE,
            "image",
            json!({ "link": "https://luckyshrub.example/a.jpg" }),
        ),
        message(ALICE, "audio", json!({ "id": media.audio })),
        message(
            ALICE,
            "audio",
            json!({ "link": "https://luckyshrub.example/a.ogg" }),
        ),
        message(ALICE, "video", json!({ "id": media.video })),
        message(
            ALICE,
            "video",
            json!({ "link": "https://luckyshrub.example/a.mp4", "caption": "clip" }),
        ),
        message(
            ALICE,
            "document",
            json!({ "id": media.document, "caption": "Invoice", "filename": "invoice.pdf" }),
        ),
        message(
            ALICE,
            "document",
            json!({ "link": "http://luckyshrub.example/invoice.pdf", "filename": "invoice.pdf" }),
        ),
        message(ALICE, "sticker", json!({ "id": media.sticker })),
        message(
            ALICE,
            "sticker",
            json!({ "link": "https://luckyshrub.example/s.webp" }),
        ),
        message(
            ALICE,
            "reaction",
            json!({ "message_id": reply_to, "emoji": "\u{1f44d}" }),
        ),
        message(
            ALICE,
            "location",
            json!({ "latitude": 37.4422, "longitude": -122.1615, "name": "Philz", "address": "101 Forest Ave" }),
        ),
        message(
            ALICE,
            "location",
            json!({ "latitude": "37.4422", "longitude": "-122.1615" }),
        ),
        message(
            ALICE,
            "contacts",
            json!([{
                "name": { "formatted_name": "Ana Diaz", "first_name": "Ana" },
                "phones": [{ "phone": "+1 555 010 7777", "type": "CELL", "wa_id": "15550107777" }],
            }]),
        ),
        message(ALICE, "interactive", button_message(&["Keep", "Cancel"])),
        message(ALICE, "interactive", list_message(&[3, 2])),
        message(
            ALICE,
            "interactive",
            json!({
                "type": "cta_url",
                "header": { "type": "text", "text": "Order A-1042" },
                "body": { "text": "Track your parcel" },
                "footer": { "text": "Lucky Shrub" },
                "action": {
                    "name": "cta_url",
                    "parameters": { "display_text": "Track", "url": "https://luckyshrub.example/t/1042" },
                },
            }),
        ),
        {
            let mut reply = message(ALICE, "text", json!({ "body": "Yes, tomorrow." }));
            reply["context"] = json!({ "message_id": reply_to });
            reply
        },
    ]
}

/// An interactive reply-button message with these titles.
fn button_message(titles: &[&str]) -> Value {
    let buttons: Vec<Value> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| json!({ "type": "reply", "reply": { "id": format!("b{i}"), "title": title } }))
        .collect();
    json!({
        "type": "button",
        "header": { "type": "text", "text": "Workshop" },
        "body": { "text": "Keep your 9am slot?" },
        "footer": { "text": "Lucky Shrub" },
        "action": { "buttons": buttons },
    })
}

/// An interactive list message with sections of these many rows.
fn list_message(rows_per_section: &[usize]) -> Value {
    let sections: Vec<Value> = rows_per_section
        .iter()
        .enumerate()
        .map(|(s, rows)| {
            let rows: Vec<Value> = (0..*rows)
                .map(|r| json!({ "id": format!("s{s}r{r}"), "title": format!("Row {r}"), "description": "1-2 days" }))
                .collect();
            json!({ "title": format!("Section {s}"), "rows": rows })
        })
        .collect();
    json!({
        "type": "list",
        "header": { "type": "text", "text": "Shipping" },
        "body": { "text": "Pick a speed" },
        "action": { "button": "Options", "sections": sections },
    })
}

/// What metasim stored for a message (`{"type", <type>, "context"?}`), read
/// back from the consumer's inbox.
async fn stored(sim: &Sim, sandbox: &Sandbox, digits: &str, id: &str) -> Value {
    let inbox = sim.inbox(sandbox, digits).await;
    let entry = inbox
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} in the inbox of {digits}"));
    entry["message"].clone()
}

/// What the API keeps of a request body: the type, its object, the reply context.
fn expected_stored(body: &Value) -> Value {
    let kind = body["type"].as_str().expect("type");
    let mut stored = json!({ "type": kind });
    stored[kind] = body[kind].clone();
    if let Some(context) = body.get("context") {
        stored["context"] = context.clone();
    }
    stored
}

// --- sending every type ---

#[tokio::test]
async fn every_type_is_accepted_as_json_with_metas_exact_answer() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let inbound = open_window(&sim, &sandbox, ALICE).await;
    let media = upload_all(&sim, &sandbox).await;
    for body in every_type(&inbound, &media) {
        let reply = post(&sim, &sandbox, &body).await;
        let id = assert_sent(&reply, ALICE, ALICE);
        assert_eq!(
            stored(&sim, &sandbox, ALICE, &id).await,
            expected_stored(&body)
        );
        assert_eq!(
            status_names(&sim, &sandbox, &id).await,
            ["sent", "delivered"],
            "{body}"
        );
    }
}

#[tokio::test]
async fn every_type_is_accepted_as_a_form_with_nested_json_strings() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(2).await;
    let inbound = open_window(&sim, &sandbox, ALICE).await;
    let media = upload_all(&sim, &sandbox).await;
    for body in every_type(&inbound, &media) {
        let reply = post_form(&sim, &sandbox, &form_pairs(&body)).await;
        let id = assert_sent(&reply, ALICE, ALICE);
        // The nested JSON text is stored as the object a JSON client sends.
        assert_eq!(
            stored(&sim, &sandbox, ALICE, &id).await,
            expected_stored(&body)
        );
        assert_eq!(
            status_names(&sim, &sandbox, &id).await,
            ["sent", "delivered"]
        );
    }
    // A template as a form too.
    let body = message(BOB, "template", template("order_update", &["Bob", "A-7"]));
    let id = assert_template_sent(
        &post_form(&sim, &sandbox, &form_pairs(&body)).await,
        BOB,
        BOB,
    );
    let inbox = sim.inbox(&sandbox, BOB).await;
    assert_eq!(inbox[0]["id"], id);
    assert_eq!(
        inbox[0]["text"],
        "Hi Bob, your order A-7 has shipped and will arrive tomorrow.\nLucky Shrub"
    );
}

#[tokio::test]
async fn a_text_needs_no_type_and_recipient_type_individual_is_accepted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    open_window(&sim, &sandbox, ALICE).await;
    let reply = post(
        &sim,
        &sandbox,
        &json!({ "messaging_product": "whatsapp", "to": ALICE, "text": { "body": "No type" } }),
    )
    .await;
    let id = assert_sent(&reply, ALICE, ALICE);
    assert_eq!(
        stored(&sim, &sandbox, ALICE, &id).await,
        json!({ "type": "text", "text": { "body": "No type" } })
    );
    let mut body = message(ALICE, "text", json!({ "body": "Individual" }));
    body["recipient_type"] = json!("individual");
    assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    // A phone number is not a group; other recipient types are refused.
    body["recipient_type"] = json!("group");
    assert_invalid_value(
        &post(&sim, &sandbox, &body).await,
        "to: not a group of this phone number",
    );
    body["recipient_type"] = json!("broadcast");
    assert_param_error(
        &post(&sim, &sandbox, &body).await,
        "Param recipient_type must be one of {individual, group} - got \"broadcast\".",
    );
}

#[tokio::test]
async fn to_is_echoed_as_sent_and_resolved_to_digits() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    open_window(&sim, &sandbox, ALICE).await;
    // Formatting is ignored; without a country code the sender's (+1) is used.
    for input in [
        "+15550109999",
        "+1 555 010 9999",
        "1-555-010-9999",
        "+1 (555) 010-9999",
        "15550109999",
        "5550109999",
        "(555) 010-9999",
        "555-010-9999",
    ] {
        let body = message(input, "text", json!({ "body": "hi" }));
        let id = assert_sent(&post(&sim, &sandbox, &body).await, input, ALICE);
        assert_eq!(
            status_names(&sim, &sandbox, &id).await,
            ["sent", "delivered"],
            "{input}"
        );
    }
    // A number that is nobody's is accepted, then fails asynchronously.
    let body = message("+44 7700 900123", "text", json!({ "body": "hi" }));
    let id = assert_sent(
        &post(&sim, &sandbox, &body).await,
        "+44 7700 900123",
        "447700900123",
    );
    let (code, title, details) = undeliverable();
    assert_failure(&failure(&sim, &sandbox, &id).await, code, title, details);
    // Letters or a too short number are refused at once.
    for bad in ["not-a-number", "1234", "+1 555 CALL NOW"] {
        let body = message(bad, "text", json!({ "body": "hi" }));
        assert_invalid_value(
            &post(&sim, &sandbox, &body).await,
            "Recipient phone number not valid",
        );
    }
}

#[tokio::test]
async fn recipient_takes_a_business_scoped_user_id() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(5).await;
    open_window(&sim, &sandbox, ALICE).await;
    let user_id = bsuid(&sim, &sandbox, ALICE).await;
    assert!(user_id.starts_with("US."), "{user_id}");
    let body = json!({
        "messaging_product": "whatsapp", "recipient": user_id, "type": "text",
        "text": { "body": "By BSUID" },
    });
    let reply = post(&sim, &sandbox, &body).await;
    let id = reply.ok()["messages"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_wamid(&id);
    assert_eq!(
        reply.json,
        json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": user_id, "user_id": user_id }],
            "messages": [{ "id": id }],
        })
    );
    // Delivered to Alice's phone.
    let events = statuses(&sim, &sandbox, &id).await;
    assert_eq!(events.len(), 2);
    for event in &events {
        assert_eq!(event["recipient"], ALICE);
        assert_eq!(event["recipient_user_id"], user_id);
    }
    assert_eq!(events[1]["status"], "delivered");
    // A BSUID addressed template answers with user_id too.
    let body = json!({
        "messaging_product": "whatsapp", "recipient": user_id, "type": "template",
        "template": template("hello_world", &[]),
    });
    let reply = post(&sim, &sandbox, &body).await;
    assert_eq!(
        reply.ok()["contacts"],
        json!([{ "input": user_id, "user_id": user_id }])
    );
    assert_eq!(reply.json["messages"][0]["message_status"], "accepted");

    // With both, `to` wins and the answer is the phone-only answer.
    let mut body = message(BOB, "text", json!({ "body": "Both" }));
    body["recipient"] = json!(user_id);
    let id = assert_sent(&post(&sim, &sandbox, &body).await, BOB, BOB);
    assert_eq!(statuses(&sim, &sandbox, &id).await[0]["recipient"], BOB);

    // Unknown, altered or foreign BSUIDs are refused synchronously.
    let mut altered = user_id.clone();
    altered.pop();
    altered.push(if user_id.ends_with('1') { '2' } else { '1' });
    let without_prefix = user_id["US.".len()..].to_owned();
    for bad in ["US.1234567890123456789".to_owned(), altered, without_prefix] {
        let body = json!({
            "messaging_product": "whatsapp", "recipient": bad, "type": "text",
            "text": { "body": "x" },
        });
        assert_invalid_value(
            &post(&sim, &sandbox, &body).await,
            "recipient is not a business-scoped user id of this business portfolio",
        );
    }
}

#[tokio::test]
async fn a_bsuid_of_another_portfolio_is_refused() {
    let mut fixture = demo_fixture();
    fixture["businesses"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "handle": "other", "name": "Other Co", "owner": "owner" }));
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 6, "fixture": fixture }))
        .await;
    let consumer = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{ALICE}")))
        .await;
    let user_ids = consumer.ok()["user_ids"].as_object().unwrap().clone();
    assert_eq!(user_ids.len(), 2, "one BSUID per portfolio: {user_ids:?}");
    let ours = user_ids[sandbox.id_of("business")].as_str().unwrap();
    let theirs = user_ids[sandbox.id_of("other")].as_str().unwrap();
    assert_ne!(ours, theirs);
    let body = json!({
        "messaging_product": "whatsapp", "recipient": theirs, "type": "template",
        "template": template("hello_world", &[]),
    });
    assert_invalid_value(
        &post(&sim, &sandbox, &body).await,
        "recipient is not a business-scoped user id of this business portfolio",
    );
    let body = json!({
        "messaging_product": "whatsapp", "recipient": ours, "type": "template",
        "template": template("hello_world", &[]),
    });
    post(&sim, &sandbox, &body).await.ok();
}

// --- validation ---

/// What a refused payload answers.
enum Refusal {
    /// `(#100) The parameter {0} is required.`
    Missing(&'static str),
    /// `(#100) {0}`.
    Param(&'static str),
    /// 131009 with these details.
    Invalid(&'static str),
}

fn long(n: usize) -> String {
    "x".repeat(n)
}

/// Bodies Meta refuses, each with its error.
fn refused_bodies() -> Vec<(Value, Refusal)> {
    use Refusal::{Invalid, Missing, Param};
    let mut bodies = vec![
        // The envelope.
        (
            json!({ "to": ALICE, "type": "text", "text": { "body": "x" } }),
            Param("The parameter messaging_product is required"),
        ),
        (
            json!({ "messaging_product": "sms", "to": ALICE, "type": "text", "text": { "body": "x" } }),
            Param("Param messaging_product must be one of {whatsapp} - got \"sms\"."),
        ),
        (
            json!({ "messaging_product": "whatsapp", "type": "text", "text": { "body": "x" } }),
            Missing("to"),
        ),
        (
            json!({ "messaging_product": "whatsapp", "to": "  ", "type": "text", "text": { "body": "x" } }),
            Missing("to"),
        ),
        (
            json!({ "messaging_product": "whatsapp", "to": ALICE }),
            Missing("type"),
        ),
        (
            json!({ "messaging_product": "whatsapp", "to": ALICE, "type": "fax", "fax": {} }),
            Param(
                "Param type must be one of {AUDIO, CONTACTS, DOCUMENT, IMAGE, INTERACTIVE, LOCATION, REACTION, STICKER, TEMPLATE, TEXT, VIDEO} - got \"fax\".",
            ),
        ),
        (message(ALICE, "text", Value::Null), Missing("text")),
        (
            json!({ "messaging_product": "whatsapp", "to": ALICE, "type": "image" }),
            Missing("image"),
        ),
        // Text.
        (message(ALICE, "text", json!({})), Missing("text['body']")),
        (
            message(ALICE, "text", json!({ "body": 42 })),
            Invalid("text['body']: must be a string"),
        ),
        (
            message(ALICE, "text", json!(42)),
            Invalid("text: must be an object"),
        ),
        (
            message(ALICE, "text", json!({ "body": long(4097) })),
            Invalid("text['body']: must be at most 4096 characters long"),
        ),
        (
            message(ALICE, "text", json!({ "body": "x", "preview_url": "yes" })),
            Invalid("text['preview_url']: must be a boolean"),
        ),
        // Media.
        (
            message(ALICE, "image", json!({ "caption": "c" })),
            Param("The parameter image['id'] or image['link'] is required."),
        ),
        (
            message(
                ALICE,
                "video",
                json!({ "id": "1", "link": "https://a.example/v.mp4" }),
            ),
            Invalid("video: give either id or link, not both"),
        ),
        (
            message(
                ALICE,
                "image",
                json!({ "link": "ftp://luckyshrub.example/a.jpg" }),
            ),
            Invalid("image['link']: must be an http(s) URL"),
        ),
        (
            message(ALICE, "document", json!({ "link": "invoice.pdf" })),
            Invalid("document['link']: must be an http(s) URL"),
        ),
        (
            message(ALICE, "sticker", json!({ "id": "1", "caption": "no" })),
            Invalid("sticker['caption']: sticker messages take no caption"),
        ),
        (
            message(ALICE, "audio", json!({ "id": "1", "caption": "no" })),
            Invalid("audio['caption']: audio messages take no caption"),
        ),
        (
            message(ALICE, "image", json!({ "id": "1", "caption": long(1025) })),
            Invalid("image['caption']: must be at most 1024 characters long"),
        ),
        (
            message(
                ALICE,
                "document",
                json!({ "id": "1", "filename": long(241) }),
            ),
            Invalid("document['filename']: must be at most 240 characters long"),
        ),
        // Reaction and location.
        (
            message(ALICE, "reaction", json!({ "emoji": "x" })),
            Missing("reaction['message_id']"),
        ),
        (
            message(ALICE, "reaction", json!({ "message_id": "wamid.x" })),
            Missing("reaction['emoji']"),
        ),
        (
            message(ALICE, "location", json!({ "latitude": 1 })),
            Missing("location['longitude']"),
        ),
        (
            message(ALICE, "location", json!({ "latitude": 91, "longitude": 0 })),
            Invalid("location['latitude']: must be a number between -90 and 90"),
        ),
        (
            message(
                ALICE,
                "location",
                json!({ "latitude": "north", "longitude": 0 }),
            ),
            Invalid("location['latitude']: must be a number between -90 and 90"),
        ),
        (
            message(
                ALICE,
                "location",
                json!({ "latitude": 0, "longitude": "-180.5" }),
            ),
            Invalid("location['longitude']: must be a number between -180 and 180"),
        ),
        // Contacts.
        (
            message(ALICE, "contacts", json!([])),
            Invalid("contacts: must be a non-empty array of contacts"),
        ),
        (
            message(
                ALICE,
                "contacts",
                json!({ "name": { "formatted_name": "A" } }),
            ),
            Invalid("contacts: must be a non-empty array of contacts"),
        ),
        (
            message(ALICE, "contacts", json!([{ "phones": [] }])),
            Missing("contacts[0]['name']"),
        ),
        (
            message(
                ALICE,
                "contacts",
                json!([{ "name": { "first_name": "A" } }]),
            ),
            Missing("contacts[0]['name']['formatted_name']"),
        ),
        // Interactive.
        (
            message(ALICE, "interactive", json!({ "body": { "text": "b" } })),
            Missing("interactive['type']"),
        ),
        (
            message(
                ALICE,
                "interactive",
                json!({ "type": "button", "action": {} }),
            ),
            Missing("interactive['body']"),
        ),
        (
            message(
                ALICE,
                "interactive",
                json!({ "type": "button", "body": { "text": "b" } }),
            ),
            Missing("interactive['action']"),
        ),
        (
            message(
                ALICE,
                "interactive",
                json!({ "type": "carousel", "body": { "text": "b" }, "action": {} }),
            ),
            Param(
                "Param interactive['type'] must be one of {button, list, cta_url, contact_request, request_contact_info, location_request_message, flow, product, product_list, catalog_message, address_message, call_permission_request, order_details, order_status} - got \"carousel\".",
            ),
        ),
        (
            message(ALICE, "interactive", button_message(&["a", "b", "c", "d"])),
            Invalid("interactive['action']['buttons']: must have between 1 and 3 items"),
        ),
        (
            message(ALICE, "interactive", button_message(&[])),
            Invalid("interactive['action']['buttons']: must have between 1 and 3 items"),
        ),
        (
            message(
                ALICE,
                "interactive",
                button_message(&["Yes", "This title is too long"]),
            ),
            Invalid(
                "interactive['action']['buttons'][1]['reply']['title']: must be at most 20 characters long",
            ),
        ),
        (
            message(
                ALICE,
                "interactive",
                json!({ "type": "button", "body": { "text": "b" }, "action": { "buttons": [
                    { "type": "reply", "reply": { "id": "same", "title": "A" } },
                    { "type": "reply", "reply": { "id": "same", "title": "B" } },
                ] } }),
            ),
            Invalid(
                "interactive['action']['buttons'][1]['reply']['id']: button ids must be unique",
            ),
        ),
        (
            message(
                ALICE,
                "interactive",
                json!({ "type": "button", "body": { "text": "b" }, "action": { "buttons": [
                    { "type": "reply", "reply": { "title": "A" } },
                ] } }),
            ),
            Missing("interactive['action']['buttons'][0]['reply']['id']"),
        ),
        (
            message(ALICE, "interactive", list_message(&[11])),
            Invalid(
                "interactive['action']['sections'][0]['rows']: must have between 1 and 10 items",
            ),
        ),
        (
            message(ALICE, "interactive", list_message(&[6, 5])),
            Invalid("interactive['action']['sections']: a list has at most 10 rows in all"),
        ),
        (
            message(ALICE, "interactive", list_message(&[1; 11])),
            Invalid("interactive['action']['sections']: must have between 1 and 10 items"),
        ),
        (
            message(ALICE, "interactive", list_message(&[])),
            Invalid("interactive['action']['sections']: must have between 1 and 10 items"),
        ),
        (
            message(
                ALICE,
                "interactive",
                json!({ "type": "cta_url", "body": { "text": "b" }, "action": { "name": "cta_url", "parameters": { "display_text": "Go" } } }),
            ),
            Missing("interactive['action']['parameters']['url']"),
        ),
        (
            message(
                ALICE,
                "interactive",
                json!({ "type": "cta_url", "body": { "text": "b" }, "action": { "name": "cta_url" } }),
            ),
            Missing("interactive['action']['parameters']"),
        ),
        // Templates.
        (
            message(
                ALICE,
                "template",
                json!({ "language": { "code": "en_US" } }),
            ),
            Missing("template['name']"),
        ),
        (
            message(ALICE, "template", json!({ "name": "hello_world" })),
            Missing("template['language']"),
        ),
        (
            message(
                ALICE,
                "template",
                json!({ "name": "hello_world", "language": {} }),
            ),
            Missing("template['language']['code']"),
        ),
        (
            message(
                ALICE,
                "template",
                json!({ "name": "hello_world", "language": "en_US" }),
            ),
            Invalid("template['language']: must be an object"),
        ),
        (
            message(
                ALICE,
                "template",
                json!({ "name": "hello_world", "language": { "code": "en_US" }, "components": {} }),
            ),
            Invalid("template['components']: must be an array"),
        ),
    ];
    // Per-element limits of interactive messages, each one character over.
    let mut with = |path: &[&str], value: Value, base: Value, details: &'static str| {
        let mut content = base;
        let mut slot = &mut content;
        for key in path {
            slot = match key.parse::<usize>() {
                Ok(i) => &mut slot[i],
                Err(_) => &mut slot[*key],
            };
        }
        *slot = value;
        bodies.push((message(ALICE, "interactive", content), Invalid(details)));
    };
    with(
        &["body", "text"],
        json!(long(1025)),
        button_message(&["a"]),
        "interactive['body']['text']: must be at most 1024 characters long",
    );
    with(
        &["body", "text"],
        json!(long(4097)),
        list_message(&[1]),
        "interactive['body']['text']: must be at most 4096 characters long",
    );
    with(
        &["header", "text"],
        json!(long(61)),
        button_message(&["a"]),
        "interactive['header']['text']: must be at most 60 characters long",
    );
    with(
        &["footer", "text"],
        json!(long(61)),
        button_message(&["a"]),
        "interactive['footer']['text']: must be at most 60 characters long",
    );
    with(
        &["header"],
        json!({ "type": "image", "image": { "link": "https://a.example/a.jpg" } }),
        list_message(&[1]),
        "interactive['header']['type']: list messages take text headers only",
    );
    with(
        &["action", "button"],
        json!(long(21)),
        list_message(&[1]),
        "interactive['action']['button']: must be at most 20 characters long",
    );
    with(
        &["action", "sections", "0", "title"],
        json!(long(25)),
        list_message(&[1]),
        "interactive['action']['sections'][0]['title']: must be at most 24 characters long",
    );
    with(
        &["action", "sections", "0", "rows", "0", "title"],
        json!(long(25)),
        list_message(&[1]),
        "interactive['action']['sections'][0]['rows'][0]['title']: must be at most 24 characters long",
    );
    with(
        &["action", "sections", "0", "rows", "0", "description"],
        json!(long(73)),
        list_message(&[1]),
        "interactive['action']['sections'][0]['rows'][0]['description']: must be at most 72 characters long",
    );
    with(
        &["action", "sections", "0", "rows", "0", "id"],
        json!(long(201)),
        list_message(&[1]),
        "interactive['action']['sections'][0]['rows'][0]['id']: must be at most 200 characters long",
    );
    with(
        &["action", "buttons", "0", "reply", "id"],
        json!(long(257)),
        button_message(&["a"]),
        "interactive['action']['buttons'][0]['reply']['id']: must be at most 256 characters long",
    );
    bodies
}

#[track_caller]
fn assert_refusal(reply: &Reply, refusal: &Refusal, body: &Value) {
    assert_ne!(reply.status, 500, "never a 500: {body}");
    match refusal {
        Refusal::Missing(param) => {
            assert_param_error(reply, &format!("The parameter {param} is required."))
        }
        Refusal::Param(text) => assert_param_error(reply, text),
        Refusal::Invalid(details) => assert_invalid_value(reply, details),
    }
}

#[tokio::test]
async fn refused_payloads_answer_metas_errors_and_send_nothing() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(10).await;
    open_window(&sim, &sandbox, ALICE).await;
    for (body, refusal) in refused_bodies() {
        let reply = post(&sim, &sandbox, &body).await;
        assert_refusal(&reply, &refusal, &body);
    }
    assert!(sim.inbox(&sandbox, ALICE).await.is_empty());
    assert_eq!(
        sim.events(&sandbox).await.len(),
        1,
        "only the inbound message"
    );
}

#[tokio::test]
async fn refused_form_payloads_answer_the_same_errors() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(11).await;
    for (body, refusal) in refused_bodies() {
        // A form cannot carry a JSON null or a number distinct from its text.
        if body
            .as_object()
            .unwrap()
            .values()
            .any(|v| v.is_null() || v.is_number())
        {
            continue;
        }
        let reply = post_form(&sim, &sandbox, &form_pairs(&body)).await;
        assert_refusal(&reply, &refusal, &body);
    }
    // Nested values that are not JSON text.
    let reply = post_form(
        &sim,
        &sandbox,
        &[
            ("messaging_product", "whatsapp".into()),
            ("to", ALICE.into()),
            ("type", "text".into()),
            ("text", "hello".into()),
        ],
    )
    .await;
    assert_param_error(&reply, "Param text must be JSON");
    let reply = post_form(
        &sim,
        &sandbox,
        &[
            ("messaging_product", "whatsapp".into()),
            ("to", ALICE.into()),
            ("type", "text".into()),
            ("text", r#"{"body":"x"}"#.into()),
            ("context", "{not json".into()),
        ],
    )
    .await;
    assert_param_error(&reply, "Param context must be JSON");
    assert!(sim.events(&sandbox).await.is_empty());
}

#[tokio::test]
async fn context_and_callback_data_are_checked() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(12).await;
    let mut body = message(ALICE, "text", json!({ "body": "x" }));
    body["context"] = json!({});
    assert_param_error(
        &post(&sim, &sandbox, &body).await,
        "The parameter context['message_id'] is required.",
    );
    body["context"] = json!({ "message_id": 7 });
    assert_param_error(
        &post(&sim, &sandbox, &body).await,
        "The parameter context['message_id'] is required.",
    );
    body.as_object_mut().unwrap().remove("context");
    body["biz_opaque_callback_data"] = json!(long(513));
    assert_invalid_value(
        &post(&sim, &sandbox, &body).await,
        "biz_opaque_callback_data: must be at most 512 characters long",
    );
    body["biz_opaque_callback_data"] = json!(long(512));
    post(&sim, &sandbox, &body).await.ok();
}
