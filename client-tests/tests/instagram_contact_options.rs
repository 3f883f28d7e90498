//! An Instagram professional account's WhatsApp contact option, verified by
//! a code (issue 5): `POST …/contact-options/whatsapp` sends a 6-digit code,
//! which arrives in that consumer's WhatsApp inbox from the official,
//! verified "Facebook Business" sender with no number shown; `…/verify`
//! makes the number a contact option; `DELETE` removes it; `GET …/contact`
//! is what a visitor tapping "Contact" sees. Covered: the account's own
//! number and a typed one, wrong codes counting down to a lock, expiry on
//! the virtual clock, the 60-second resend that replaces the old code,
//! changing and removing the number, every refusal with its
//! `error_data.reason`, personal, creator and fixture accounts, and codes
//! being the same for the same seed.

use client_tests::whatsapp::{BUSINESS_DIGITS, assert_wamid, message, open_window, post};
use client_tests::{Reply, Sandbox, Sim, Value, demo_fixture, json};

/// Where the virtual clock starts.
const T0: i64 = 1_767_225_600;
const ALICE: &str = "15550109999";
const SENDER: &str = "Facebook Business";
const DEMO_EMAIL: &str = "hello@luckyshrub.example";

/// `2026-01-01T00:mm:ssZ` for a time less than an hour after T0.
fn iso(at: i64) -> String {
    let offset = at - T0;
    assert!((0..3600).contains(&offset), "{offset}");
    format!("2026-01-01T00:{:02}:{:02}Z", offset / 60, offset % 60)
}

/// The digits of the demo Instagram account's own phone (a demo consumer's).
fn own_digits(sandbox: &Sandbox) -> String {
    let phone = demo_fixture()["instagram_accounts"][0]["phone"]
        .as_str()
        .expect("the demo account has a phone")
        .to_owned();
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(
        digits,
        sandbox.id_of("maya"),
        "the account's own number is the demo consumer maya's"
    );
    digits
}

fn account_path(sandbox: &Sandbox, ig: &str, rest: &str) -> String {
    sandbox.sim(&format!("/instagram/{ig}{rest}"))
}

async fn send_code(sim: &Sim, sandbox: &Sandbox, ig: &str, body: Value) -> Reply {
    sim.post_json(
        &account_path(sandbox, ig, "/contact-options/whatsapp"),
        &body,
    )
    .await
}

async fn verify(sim: &Sim, sandbox: &Sandbox, ig: &str, code: &str) -> Reply {
    sim.post_json(
        &account_path(sandbox, ig, "/contact-options/whatsapp/verify"),
        &json!({ "code": code }),
    )
    .await
}

async fn remove(sim: &Sim, sandbox: &Sandbox, ig: &str) -> Reply {
    sim.delete(&account_path(sandbox, ig, "/contact-options/whatsapp"))
        .await
}

async fn contact(sim: &Sim, sandbox: &Sandbox, ig: &str) -> Value {
    let reply = sim.get(&account_path(sandbox, ig, "/contact")).await;
    reply.ok().clone()
}

async fn inbox(sim: &Sim, sandbox: &Sandbox, digits: &str) -> Vec<Value> {
    let reply = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{digits}/inbox")))
        .await;
    reply.ok()["data"].as_array().expect("inbox data").clone()
}

/// The messages from "Facebook Business" in a consumer's inbox.
async fn official(sim: &Sim, sandbox: &Sandbox, digits: &str) -> Vec<Value> {
    inbox(sim, sandbox, digits)
        .await
        .into_iter()
        .filter(|m| m["from_name"] == SENDER)
        .collect()
}

/// The code in an official message: the 6 digits its text starts with.
#[track_caller]
fn code_of(message: &Value) -> String {
    let text = message["text"].as_str().expect("a text");
    let code = &text[..6];
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{text}");
    assert!(text[6..].starts_with(' '), "6 digits then text: {text}");
    code.to_owned()
}

/// The latest code sent to `digits`.
async fn latest_code(sim: &Sim, sandbox: &Sandbox, digits: &str) -> String {
    let messages = official(sim, sandbox, digits).await;
    code_of(messages.last().expect("a code in the inbox"))
}

/// Send a code to `phone` (or the own number), assert 201 and the answer.
async fn send_ok(sim: &Sim, sandbox: &Sandbox, ig: &str, phone: Option<&str>, digits: &str) {
    let now = sim.get(&sandbox.sim("/clock")).await.json["now"]
        .as_i64()
        .unwrap();
    let body = phone.map_or_else(|| json!({}), |p| json!({ "phone": p }));
    let reply = send_code(sim, sandbox, ig, body).await;
    assert_eq!(reply.status, 201, "send: {}", reply.text());
    assert_eq!(
        reply.json,
        json!({
            "phone": format!("+{digits}"),
            "sent_by": SENDER,
            "expires_at": now + 600,
            "expires_iso": iso(now + 600),
            "resend_after": now + 60,
        })
    );
}

/// A control-plane refusal with its `error_data.reason`; returns the message.
#[track_caller]
fn assert_refused(reply: &Reply, status: u16, reason: &str) -> String {
    let subcode = (status == 404).then_some(33);
    reply.assert_sim_error(status, subcode);
    assert_eq!(
        reply.error()["error_data"]["reason"],
        reason,
        "{}",
        reply.text()
    );
    reply.message().to_owned()
}

/// A 6-digit code other than `code`.
fn other_than(code: &str) -> String {
    if code == "000000" { "111111" } else { "000000" }.to_owned()
}

#[tokio::test]
async fn a_code_for_the_accounts_own_number_makes_it_a_contact_option() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(541).await;
    let ig = sandbox.id_of("instagram");
    let own = own_digits(&sandbox);
    assert_eq!(
        contact(&sim, &sandbox, ig).await,
        json!({ "email": DEMO_EMAIL })
    );

    let sent_at = sim.advance(&sandbox, 5).await;
    send_ok(&sim, &sandbox, ig, None, &own).await;
    // The code arrives from the official sender, with no number shown.
    let messages = inbox(&sim, &sandbox, &own).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    let code = code_of(message);
    let text = message["text"].as_str().unwrap();
    assert!(text.contains("Instagram"), "{text}");
    assert_wamid(message["id"].as_str().unwrap());
    assert_eq!(
        message,
        &json!({
            "id": message["id"],
            "from": null,
            "from_name": SENDER,
            "verified": true,
            "official": true,
            "type": "text",
            "text": text,
            "message": { "type": "text", "text": { "body": text } },
            "time": sent_at,
            "iso": iso(sent_at),
            "status": "delivered",
            "code": code,
        })
    );
    assert!(text.starts_with(&code), "{text}");
    // Not a contact option until the code is typed.
    assert_eq!(
        contact(&sim, &sandbox, ig).await,
        json!({ "email": DEMO_EMAIL })
    );

    let wrong = verify(&sim, &sandbox, ig, &other_than(&code)).await;
    assert_eq!(
        assert_refused(&wrong, 400, "wrong_code"),
        "(#100) That code isn't right; 4 attempt(s) left before you need a new code"
    );
    assert_eq!(wrong.error()["error_data"]["attempts_left"], 4);
    assert_eq!(
        contact(&sim, &sandbox, ig).await,
        json!({ "email": DEMO_EMAIL })
    );

    let reply = verify(&sim, &sandbox, ig, &code).await;
    let expected = json!({ "email": DEMO_EMAIL, "whatsapp": format!("+{own}") });
    assert_eq!(reply.ok(), &json!({ "success": true, "contact": expected }));
    assert_eq!(contact(&sim, &sandbox, ig).await, expected);
    // A code is used once.
    let again = verify(&sim, &sandbox, ig, &code).await;
    assert_eq!(
        assert_refused(&again, 409, "no_code_sent"),
        "(#100) No code is waiting: send a code to a WhatsApp number first"
    );
    assert_eq!(contact(&sim, &sandbox, ig).await, expected);
}

#[tokio::test]
async fn a_typed_number_gets_the_code_among_its_other_messages() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(542).await;
    let ig = sandbox.id_of("instagram");
    let own = own_digits(&sandbox);
    // Alice already has a message from the business.
    open_window(&sim, &sandbox, ALICE).await;
    let first = post(
        &sim,
        &sandbox,
        &message(ALICE, "text", json!({ "body": "Your order has shipped" })),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text());

    send_ok(&sim, &sandbox, ig, Some("+1 (555) 010-9999"), ALICE).await;
    let second = post(
        &sim,
        &sandbox,
        &message(ALICE, "text", json!({ "body": "It arrives tomorrow" })),
    )
    .await;
    assert_eq!(second.status, 200, "{}", second.text());
    let messages = inbox(&sim, &sandbox, ALICE).await;
    let senders: Vec<(&Value, &Value, &Value)> = messages
        .iter()
        .map(|m| (&m["from"], &m["from_name"], &m["verified"]))
        .collect();
    let business = (json!(BUSINESS_DIGITS), json!("Lucky Shrub"), json!(false));
    let meta = (Value::Null, json!(SENDER), json!(true));
    assert_eq!(
        senders,
        vec![
            (&business.0, &business.1, &business.2),
            (&meta.0, &meta.1, &meta.2),
            (&business.0, &business.1, &business.2),
        ],
        "oldest first, the code between the business's messages"
    );
    assert_eq!(messages[0]["text"], "Your order has shipped");
    assert_eq!(messages[2]["text"], "It arrives tomorrow");
    assert!(messages[0].get("official").is_none());
    // Nothing went to the account's own number.
    assert!(inbox(&sim, &sandbox, &own).await.is_empty());

    // Spaces around the typed code are forgiven.
    let code = code_of(&messages[1]);
    let reply = verify(&sim, &sandbox, ig, &format!(" {code} ")).await;
    assert_eq!(
        reply.ok()["contact"],
        json!({ "email": DEMO_EMAIL, "whatsapp": format!("+{ALICE}") })
    );
}

#[tokio::test]
async fn wrong_codes_count_down_then_lock_the_code() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(543).await;
    let ig = sandbox.id_of("instagram");
    send_ok(&sim, &sandbox, ig, Some(ALICE), ALICE).await;
    let code = latest_code(&sim, &sandbox, ALICE).await;
    let wrong = other_than(&code);
    for left in [4, 3, 2, 1] {
        let reply = verify(&sim, &sandbox, ig, &wrong).await;
        assert_eq!(
            assert_refused(&reply, 400, "wrong_code"),
            format!(
                "(#100) That code isn't right; {left} attempt(s) left before you need a new code"
            )
        );
        assert_eq!(
            reply.error()["error_data"],
            json!({ "reason": "wrong_code", "attempts_left": left })
        );
    }
    let locked = "(#100) Too many wrong codes (5); send a new code";
    let fifth = verify(&sim, &sandbox, ig, "12345").await;
    assert_eq!(assert_refused(&fifth, 429, "too_many_attempts"), locked);
    assert_eq!(
        fifth.error()["error_data"],
        json!({ "reason": "too_many_attempts" })
    );
    // Even the right code is refused now.
    let right = verify(&sim, &sandbox, ig, &code).await;
    assert_eq!(assert_refused(&right, 429, "too_many_attempts"), locked);
    assert_eq!(
        contact(&sim, &sandbox, ig).await,
        json!({ "email": DEMO_EMAIL })
    );

    // A new code (after the resend wait) starts over.
    let early = send_code(&sim, &sandbox, ig, json!({ "phone": ALICE })).await;
    assert_refused(&early, 429, "resend_too_soon");
    sim.advance(&sandbox, 60).await;
    send_ok(&sim, &sandbox, ig, Some(ALICE), ALICE).await;
    let fresh = latest_code(&sim, &sandbox, ALICE).await;
    let reply = verify(&sim, &sandbox, ig, &other_than(&fresh)).await;
    assert_eq!(reply.error()["error_data"]["attempts_left"], 4);
    let reply = verify(&sim, &sandbox, ig, &fresh).await;
    assert_eq!(reply.ok()["contact"]["whatsapp"], format!("+{ALICE}"));
}

#[tokio::test]
async fn codes_expire_after_ten_virtual_minutes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(544).await;
    let ig = sandbox.id_of("instagram");
    let own = own_digits(&sandbox);
    send_ok(&sim, &sandbox, ig, None, &own).await;
    let old = latest_code(&sim, &sandbox, &own).await;
    sim.advance(&sandbox, 600).await;
    let expired = "(#100) The code has expired (codes last 10 minutes); send a new one";
    let reply = verify(&sim, &sandbox, ig, &old).await;
    assert_eq!(assert_refused(&reply, 400, "code_expired"), expired);
    assert_eq!(
        reply.error()["error_data"],
        json!({ "reason": "code_expired" })
    );
    let reply = verify(&sim, &sandbox, ig, &other_than(&old)).await;
    assert_eq!(assert_refused(&reply, 400, "code_expired"), expired);
    assert_eq!(
        contact(&sim, &sandbox, ig).await,
        json!({ "email": DEMO_EMAIL })
    );

    // A new code works until its last second.
    send_ok(&sim, &sandbox, ig, None, &own).await;
    let new = latest_code(&sim, &sandbox, &own).await;
    assert_eq!(official(&sim, &sandbox, &own).await.len(), 2);
    sim.advance(&sandbox, 599).await;
    let reply = verify(&sim, &sandbox, ig, &new).await;
    assert_eq!(
        reply.ok()["contact"],
        json!({ "email": DEMO_EMAIL, "whatsapp": format!("+{own}") })
    );
}

#[tokio::test]
async fn a_resend_waits_a_minute_and_replaces_the_old_code() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(545).await;
    let ig = sandbox.id_of("instagram");
    let own = own_digits(&sandbox);
    send_ok(&sim, &sandbox, ig, None, &own).await;
    let first = latest_code(&sim, &sandbox, &own).await;
    for (wait, advance) in [(60, 0), (40, 20), (1, 39)] {
        sim.advance(&sandbox, advance).await;
        let reply = send_code(&sim, &sandbox, ig, json!({})).await;
        assert_eq!(
            assert_refused(&reply, 429, "resend_too_soon"),
            format!("(#100) A code was sent less than 60 seconds ago; ask again in {wait} seconds")
        );
        assert_eq!(
            reply.error()["error_data"],
            json!({ "reason": "resend_too_soon", "retry_after": wait })
        );
    }
    // The wait is per account: another number waits too, and gets nothing.
    let reply = send_code(&sim, &sandbox, ig, json!({ "phone": ALICE })).await;
    assert_refused(&reply, 429, "resend_too_soon");
    assert!(inbox(&sim, &sandbox, ALICE).await.is_empty());
    assert_eq!(official(&sim, &sandbox, &own).await.len(), 1);

    sim.advance(&sandbox, 1).await;
    send_ok(&sim, &sandbox, ig, None, &own).await;
    let second = latest_code(&sim, &sandbox, &own).await;
    assert_ne!(first, second, "a new code");
    assert_eq!(official(&sim, &sandbox, &own).await.len(), 2);
    // The old code no longer works (and counts as wrong); the new one does.
    let reply = verify(&sim, &sandbox, ig, &first).await;
    assert_refused(&reply, 400, "wrong_code");
    assert_eq!(reply.error()["error_data"]["attempts_left"], 4);
    let reply = verify(&sim, &sandbox, ig, &second).await;
    assert_eq!(reply.ok()["contact"]["whatsapp"], format!("+{own}"));
}

#[tokio::test]
async fn changing_the_number_keeps_the_old_one_until_the_new_is_verified() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(546).await;
    let ig = sandbox.id_of("instagram");
    let own = own_digits(&sandbox);
    send_ok(&sim, &sandbox, ig, None, &own).await;
    let code = latest_code(&sim, &sandbox, &own).await;
    verify(&sim, &sandbox, ig, &code).await.ok();
    let with_own = json!({ "email": DEMO_EMAIL, "whatsapp": format!("+{own}") });

    // A verified code leaves no wait: ask for one for another number at once.
    send_ok(&sim, &sandbox, ig, Some("+1 555-010-9999"), ALICE).await;
    assert_eq!(contact(&sim, &sandbox, ig).await, with_own);
    let code = latest_code(&sim, &sandbox, ALICE).await;
    let wrong = verify(&sim, &sandbox, ig, &other_than(&code)).await;
    assert_refused(&wrong, 400, "wrong_code");
    assert_eq!(contact(&sim, &sandbox, ig).await, with_own);
    // The own number's old code is no code for the new number.
    assert_eq!(official(&sim, &sandbox, &own).await.len(), 1);

    let reply = verify(&sim, &sandbox, ig, &code).await;
    let with_alice = json!({ "email": DEMO_EMAIL, "whatsapp": format!("+{ALICE}") });
    assert_eq!(
        reply.ok(),
        &json!({ "success": true, "contact": with_alice })
    );
    assert_eq!(contact(&sim, &sandbox, ig).await, with_alice);
}

#[tokio::test]
async fn removing_the_whatsapp_option() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(547).await;
    let ig = sandbox.id_of("instagram");
    let none = remove(&sim, &sandbox, ig).await;
    assert_eq!(
        assert_refused(&none, 404, "no_whatsapp_option"),
        "The account has no WhatsApp contact option"
    );

    send_ok(&sim, &sandbox, ig, Some(ALICE), ALICE).await;
    let code = latest_code(&sim, &sandbox, ALICE).await;
    verify(&sim, &sandbox, ig, &code).await.ok();
    let reply = remove(&sim, &sandbox, ig).await;
    assert_eq!(
        reply.ok(),
        &json!({ "success": true, "contact": { "email": DEMO_EMAIL } })
    );
    assert_eq!(
        contact(&sim, &sandbox, ig).await,
        json!({ "email": DEMO_EMAIL })
    );
    let again = remove(&sim, &sandbox, ig).await;
    assert_refused(&again, 404, "no_whatsapp_option");

    // Removing while a new number waits for its code drops that code too.
    send_ok(&sim, &sandbox, ig, Some(ALICE), ALICE).await;
    let code = latest_code(&sim, &sandbox, ALICE).await;
    verify(&sim, &sandbox, ig, &code).await.ok();
    sim.advance(&sandbox, 60).await;
    let own = own_digits(&sandbox);
    send_ok(&sim, &sandbox, ig, None, &own).await;
    let pending = latest_code(&sim, &sandbox, &own).await;
    let reply = remove(&sim, &sandbox, ig).await;
    assert_eq!(reply.ok()["contact"], json!({ "email": DEMO_EMAIL }));
    let late = verify(&sim, &sandbox, ig, &pending).await;
    assert_refused(&late, 409, "no_code_sent");
    assert_eq!(
        contact(&sim, &sandbox, ig).await,
        json!({ "email": DEMO_EMAIL })
    );
}

/// A DELETE that answers 404 ("no WhatsApp contact option") changed nothing
/// as far as the caller knows, so a code still waiting must still verify.
#[tokio::test]
async fn a_refused_remove_keeps_the_code_that_is_waiting() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(548).await;
    let ig = sandbox.id_of("instagram");
    send_ok(&sim, &sandbox, ig, Some(ALICE), ALICE).await;
    let code = latest_code(&sim, &sandbox, ALICE).await;
    let refused = remove(&sim, &sandbox, ig).await;
    assert_refused(&refused, 404, "no_whatsapp_option");
    let reply = verify(&sim, &sandbox, ig, &code).await;
    assert_eq!(
        reply.ok()["contact"],
        json!({ "email": DEMO_EMAIL, "whatsapp": format!("+{ALICE}") }),
        "the refused DELETE dropped the waiting code"
    );
}

#[tokio::test]
async fn sending_refuses_bad_and_unreachable_numbers() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(549).await;
    let ig = sandbox.id_of("instagram");
    let own = own_digits(&sandbox);
    for phone in ["12", "abc", "+1 555 010", "1234567890123456", ""] {
        let reply = send_code(&sim, &sandbox, ig, json!({ "phone": phone })).await;
        assert_eq!(
            assert_refused(&reply, 400, "invalid_phone"),
            format!(
                "(#100) phone must be a number with country code (8 to 15 digits), got {phone:?}"
            )
        );
    }
    // No WhatsApp account behind the number: no consumer at all…
    let reply = send_code(&sim, &sandbox, ig, json!({ "phone": "+1 555 000 1234" })).await;
    assert_eq!(
        assert_refused(&reply, 400, "not_on_whatsapp"),
        "(#100) +15550001234 has no WhatsApp account, so no code could be sent; use a number that is on WhatsApp"
    );
    // …or a consumer who is not on WhatsApp: nothing arrives.
    let created = sim
        .post_json(
            &sandbox.sim("/whatsapp/consumers"),
            &json!({ "phone": "+1 555 010 4444", "name": "Off Grid", "on_whatsapp": false }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let reply = send_code(&sim, &sandbox, ig, json!({ "phone": "15550104444" })).await;
    assert_eq!(
        assert_refused(&reply, 400, "not_on_whatsapp"),
        "(#100) +15550104444 has no WhatsApp account, so no code could be sent; use a number that is on WhatsApp"
    );
    assert!(inbox(&sim, &sandbox, "15550104444").await.is_empty());
    // Malformed bodies.
    let reply = send_code(&sim, &sandbox, ig, json!({ "number": ALICE })).await;
    let text = reply.assert_sim_error(400, None);
    assert!(
        text.starts_with("(#100) Invalid JSON body at number: unknown field `number`"),
        "{text}"
    );
    let reply = send_code(&sim, &sandbox, ig, json!({ "phone": 15550109999_u64 })).await;
    reply.assert_sim_error(400, None);
    // Verifying with nothing sent, or without a code.
    let reply = verify(&sim, &sandbox, ig, "123456").await;
    assert_refused(&reply, 409, "no_code_sent");
    let reply = sim
        .post_json(
            &account_path(&sandbox, ig, "/contact-options/whatsapp/verify"),
            &json!({}),
        )
        .await;
    let text = reply.assert_sim_error(400, None);
    assert!(
        text.starts_with("(#100) Invalid JSON body: missing field `code`"),
        "{text}"
    );
    // Nothing was sent and nothing changed; refusals start no resend wait.
    assert!(inbox(&sim, &sandbox, &own).await.is_empty());
    assert!(inbox(&sim, &sandbox, ALICE).await.is_empty());
    assert_eq!(
        contact(&sim, &sandbox, ig).await,
        json!({ "email": DEMO_EMAIL })
    );
    send_ok(&sim, &sandbox, ig, None, &own).await;

    // Unknown accounts, on every route.
    let missing = "178419999999999";
    let message = format!("No Instagram account with id \"{missing}\" in this sandbox");
    let replies = [
        send_code(&sim, &sandbox, missing, json!({})).await,
        verify(&sim, &sandbox, missing, "123456").await,
        remove(&sim, &sandbox, missing).await,
        sim.get(&account_path(&sandbox, missing, "/contact")).await,
    ];
    for reply in &replies {
        assert_eq!(assert_refused(reply, 404, "unknown_account"), message);
    }
}

/// The demo world plus a personal account, a creator account without a
/// phone, and a business account with every contact option already set.
fn accounts_fixture() -> Value {
    let mut fixture = demo_fixture();
    let accounts = fixture["instagram_accounts"].as_array_mut().unwrap();
    accounts.push(
        json!({ "handle": "personal", "username": "maya.at.home", "account_type": "PERSONAL" }),
    );
    accounts.push(
        json!({ "handle": "creator", "username": "maya.grows", "account_type": "MEDIA_CREATOR" }),
    );
    accounts.push(json!({
        "handle": "listed", "username": "shrub.outlet", "account_type": "BUSINESS",
        "contact": { "email": "outlet@luckyshrub.example", "phone": "+1 555 010 1111", "whatsapp": "+1 (555) 010-8888" },
    }));
    fixture
}

#[tokio::test]
async fn personal_accounts_have_no_contact_options() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 550, "fixture": accounts_fixture() }))
        .await;
    let personal = sandbox.id_of("personal");
    let message = format!(
        "(#100) Instagram account {personal} is a personal account: contact options need a professional (business or creator) account"
    );
    let replies = [
        send_code(&sim, &sandbox, personal, json!({ "phone": ALICE })).await,
        verify(&sim, &sandbox, personal, "123456").await,
        remove(&sim, &sandbox, personal).await,
        sim.get(&account_path(&sandbox, personal, "/contact")).await,
    ];
    for reply in &replies {
        assert_eq!(assert_refused(reply, 403, "not_professional"), message);
    }
    assert!(inbox(&sim, &sandbox, ALICE).await.is_empty());

    // A fixture cannot give a personal account contact options.
    let mut fixture = demo_fixture();
    let index = fixture["instagram_accounts"].as_array().unwrap().len();
    fixture["instagram_accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "handle": "personal", "username": "p", "account_type": "PERSONAL",
            "contact": { "email": "p@example.com" },
        }));
    let reply = sim
        .post_json("/_sim/sandboxes", &json!({ "fixture": fixture }))
        .await;
    let text = reply.assert_sim_error(400, None);
    assert_eq!(
        text,
        format!(
            "(#100) fixture.instagram_accounts[{index}].contact: only professional accounts have contact options"
        )
    );
}

#[tokio::test]
async fn creator_accounts_and_contact_options_from_the_fixture() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 551, "fixture": accounts_fixture() }))
        .await;
    // A creator account without a phone of its own must type one.
    let creator = sandbox.id_of("creator");
    assert_eq!(contact(&sim, &sandbox, creator).await, json!({}));
    let reply = send_code(&sim, &sandbox, creator, json!({})).await;
    assert_eq!(
        assert_refused(&reply, 400, "phone_required"),
        "(#100) phone is required: the account has no phone number of its own"
    );
    send_ok(&sim, &sandbox, creator, Some(ALICE), ALICE).await;
    let code = latest_code(&sim, &sandbox, ALICE).await;
    let reply = verify(&sim, &sandbox, creator, &code).await;
    assert_eq!(
        reply.ok(),
        &json!({ "success": true, "contact": { "whatsapp": format!("+{ALICE}") } })
    );

    // Options set in the fixture: numbers shown as +digits.
    let listed = sandbox.id_of("listed");
    assert_eq!(
        contact(&sim, &sandbox, listed).await,
        json!({
            "email": "outlet@luckyshrub.example",
            "phone": "+15550101111",
            "whatsapp": "+15550108888",
        })
    );
    let reply = remove(&sim, &sandbox, listed).await;
    assert_eq!(
        reply.ok(),
        &json!({ "success": true, "contact": { "email": "outlet@luckyshrub.example", "phone": "+15550101111" } })
    );
    // The demo account is untouched by the others.
    assert_eq!(
        contact(&sim, &sandbox, sandbox.id_of("instagram")).await,
        json!({ "email": DEMO_EMAIL })
    );
}

/// The codes a sandbox sends in a fixed sequence of steps.
async fn code_sequence(sim: &Sim, sandbox: &Sandbox) -> Vec<String> {
    let ig = sandbox.id_of("instagram");
    let own = own_digits(sandbox);
    send_ok(sim, sandbox, ig, None, &own).await;
    sim.advance(sandbox, 60).await;
    send_ok(sim, sandbox, ig, Some(ALICE), ALICE).await;
    sim.advance(sandbox, 60).await;
    send_ok(sim, sandbox, ig, None, &own).await;
    let mut codes = Vec::new();
    for message in official(sim, sandbox, &own)
        .await
        .iter()
        .chain(&official(sim, sandbox, ALICE).await)
    {
        codes.push(code_of(message));
    }
    codes
}

#[tokio::test]
async fn codes_are_the_same_for_the_same_seed() {
    let sim = Sim::start().await;
    let a = sim
        .create_sandbox(json!({ "id": "codes-a", "seed": 77 }))
        .await;
    let b = sim
        .create_sandbox(json!({ "id": "codes-b", "seed": 77 }))
        .await;
    let c = sim
        .create_sandbox(json!({ "id": "codes-c", "seed": 78 }))
        .await;
    let codes_a = code_sequence(&sim, &a).await;
    assert_eq!(codes_a.len(), 3);
    assert_eq!(code_sequence(&sim, &b).await, codes_a);
    assert_ne!(code_sequence(&sim, &c).await, codes_a);
    // And the codes are real: the one still waiting (the own number's
    // second) verifies in both twins.
    for sandbox in [&a, &b] {
        let reply = verify(&sim, sandbox, sandbox.id_of("instagram"), &codes_a[1]).await;
        assert_eq!(reply.ok()["success"], true);
    }
}

#[tokio::test]
async fn a_waiting_code_survives_a_snapshot() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(552).await;
    let ig = sandbox.id_of("instagram");
    send_ok(&sim, &sandbox, ig, Some(ALICE), ALICE).await;
    let code = latest_code(&sim, &sandbox, ALICE).await;
    let exported = sim.get(&sandbox.sim("/snapshot")).await;
    assert_eq!(exported.status, 200, "{}", exported.text());
    sim.post_json(&sandbox.sim("/reset"), &json!({})).await.ok();
    assert!(inbox(&sim, &sandbox, ALICE).await.is_empty());
    assert_refused(
        &verify(&sim, &sandbox, ig, &code).await,
        409,
        "no_code_sent",
    );

    let restored = sim
        .send(
            sim.request(reqwest::Method::PUT, &sandbox.sim("/snapshot"))
                .header("content-type", "application/json")
                .body(exported.bytes.clone()),
        )
        .await;
    restored.ok();
    assert_eq!(latest_code(&sim, &sandbox, ALICE).await, code);
    let reply = verify(&sim, &sandbox, ig, &code).await;
    assert_eq!(reply.ok()["contact"]["whatsapp"], format!("+{ALICE}"));
}
