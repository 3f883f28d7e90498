//! Parent business-scoped user ids outside groups: once Meta enrols the
//! business's portfolio into a parent BSUID account (control plane), inbound
//! `messages` webhooks carry `from_parent_user_id` and `contacts[].parent_user_id`,
//! statuses `recipient_parent_user_id`, coexistence echoes `to_parent_user_id`
//! (and synchronized contacts and history the parent BSUID); a parent BSUID
//! is a send's `recipient` for the portfolios of its account only.

use client_tests::business::{call_manager as call, get as read};
use client_tests::calling::*;
use client_tests::coexistence::{
    SHOP, create_shop, numbers_path, onboard, shop_says, smb_app_data,
};
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sim, Value, json};
use reqwest::Method;

/// The `value` of every `messages` change the receiver got, in order.
fn message_values(receiver: &Receiver) -> Vec<Value> {
    receiver
        .bodies()
        .iter()
        .map(|body| body["entry"][0]["changes"][0]["value"].clone())
        .collect()
}

/// Before enrolment, webhooks name Alice by phone and BSUID alone; after it,
/// her inbound message has `from_parent_user_id` and her contact
/// `parent_user_id`, and the statuses of a message to her
/// `recipient_parent_user_id` beside `recipient_user_id` (and the contact's
/// `parent_user_id`).
#[tokio::test]
async fn an_enrolled_portfolio_sees_parent_bsuids_in_messages_and_statuses() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(140).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["messages"]).await;
    let alice = bsuid(&sim, &sandbox, ALICE).await;
    writes(&sim, &sandbox, ALICE, "before").await;
    sim.deliver(&sandbox).await;
    let before = message_values(&receiver);
    let contact = &before[0]["contacts"][0];
    let name = contact["profile"].clone();
    assert_eq!(
        contact,
        &json!({ "profile": name, "wa_id": ALICE, "user_id": alice })
    );
    assert!(
        before[0]["messages"][0]
            .get("from_parent_user_id")
            .is_none()
    );

    let account = enrol_parent_bsuids(&sim, &sandbox, &["business"]).await;
    let parent = parent_bsuid(&sim, &sandbox, ALICE, &account).await;
    writes(&sim, &sandbox, ALICE, "after").await;
    let reply = post(
        &sim,
        &sandbox,
        &message(ALICE, "text", json!({ "body": "Hi" })),
    )
    .await;
    let sent = assert_sent(&reply, ALICE, ALICE);
    reads_everything(&sim, &sandbox, ALICE).await;
    sim.deliver(&sandbox).await;
    let values = message_values(&receiver);
    let inbound = &values[before.len()];
    let expected =
        json!({ "profile": name, "wa_id": ALICE, "user_id": alice, "parent_user_id": parent });
    assert_eq!(inbound["contacts"][0], expected);
    let item = &inbound["messages"][0];
    assert_eq!(item["from"], ALICE);
    assert_eq!(item["from_user_id"], alice.as_str());
    assert_eq!(item["from_parent_user_id"], parent.as_str());
    let statuses: Vec<&Value> = values
        .iter()
        .filter(|v| v["statuses"][0]["id"] == sent.as_str())
        .collect();
    let names: Vec<&str> = statuses
        .iter()
        .map(|v| v["statuses"][0]["status"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sent", "delivered", "read"]);
    for value in statuses {
        let status = &value["statuses"][0];
        assert_eq!(status["recipient_id"], ALICE);
        assert_eq!(status["recipient_user_id"], alice.as_str());
        assert_eq!(status["recipient_parent_user_id"], parent.as_str());
        assert_eq!(value["contacts"][0]["parent_user_id"], parent.as_str());
    }
    sim.assert_snapshot_round_trip(&sandbox).await;
}

/// A parent BSUID is a `recipient` like a BSUID, for the numbers of the
/// portfolios enrolled in its account: the answer echoes it as `user_id`,
/// the statuses name both ids and no phone when it may not be shown. Another
/// account's parent BSUID, or one before the portfolio is enrolled, is 131009.
#[tokio::test]
async fn a_parent_bsuid_is_a_recipient_for_its_accounts_portfolios_only() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 141, "fixture": partner_fixture() }))
        .await;
    let partner_account = enrol_parent_bsuids(&sim, &sandbox, &["partner"]).await;
    let elsewhere = parent_bsuid(&sim, &sandbox, ALICE, &partner_account).await;
    let to_parent = |parent: &str| {
        json!({ "messaging_product": "whatsapp", "recipient": parent,
            "type": "template", "template": { "name": "hello_world", "language": { "code": "en_US" } } })
    };
    let refused = post(&sim, &sandbox, &to_parent(&elsewhere)).await;
    assert_whatsapp_error(
        &refused,
        400,
        131009,
        "Parameter value is not valid",
        "recipient is not a business-scoped user id of this business portfolio",
    );

    let account = enrol_parent_bsuids(&sim, &sandbox, &["business"]).await;
    let parent = parent_bsuid(&sim, &sandbox, ALICE, &account).await;
    assert_ne!(parent, elsewhere);
    let still = post(&sim, &sandbox, &to_parent(&elsewhere)).await;
    assert_eq!(still.status, 400, "{}", still.text());
    let reply = post(&sim, &sandbox, &to_parent(&parent)).await;
    assert_eq!(
        reply.ok()["contacts"],
        json!([{ "input": parent, "user_id": parent }])
    );
    let id = reply.json["messages"][0]["id"].as_str().unwrap();
    let statuses = statuses(&sim, &sandbox, id).await;
    assert!(!statuses.is_empty());
    let alice = bsuid(&sim, &sandbox, ALICE).await;
    for status in statuses {
        assert_eq!(status["recipient_user_id"], alice.as_str());
        assert_eq!(status["recipient_parent_user_id"], parent.as_str());
        assert_eq!(status["addressed_by_user_id"], true);
    }
}

/// Enrolled, a user's call reaches the business with the parent BSUID in its
/// contact and item (`from_user_id`, `from_parent_user_id`), a business call's
/// statuses name `recipient_user_id` and `recipient_parent_user_id`, and a
/// number change's `system` message (no contacts) names the
/// old parent BSUID in `from_parent_user_id` as it names the old BSUID in
/// `from_user_id`.
#[tokio::test]
async fn calls_and_number_changes_name_the_parent_bsuid() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(142).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["calls", "messages"]).await;
    enable_calling(&sim, &sandbox).await;
    let account = enrol_parent_bsuids(&sim, &sandbox, &["business"]).await;
    let parent = parent_bsuid(&sim, &sandbox, ALICE, &account).await;
    let alice = bsuid(&sim, &sandbox, ALICE).await;
    let called = user_call(&sim, &sandbox, ALICE, false).await;
    assert_eq!(called.status, 201, "{}", called.text());
    let webhooks = call_webhooks(&sim, &sandbox, &receiver).await;
    let contact = &webhooks[0]["contacts"][0];
    assert_eq!(contact["user_id"], alice.as_str());
    assert_eq!(contact["parent_user_id"], parent.as_str());
    let item = &webhooks[0]["calls"][0];
    assert_eq!(item["from"], ALICE);
    assert_eq!(item["from_user_id"], alice.as_str());
    assert_eq!(item["from_parent_user_id"], parent.as_str());
    assert!(item.get("to_user_id").is_none(), "{item}");

    // The business calls Bob: its statuses name him as messages' statuses do.
    grant_permission(&sim, &sandbox, BOB, false).await;
    calls(&sim, &sandbox, connect(BOB)).await.ok();
    let webhooks = call_webhooks(&sim, &sandbox, &receiver).await;
    let ringing = &webhooks.last().unwrap()["statuses"][0];
    assert_eq!(ringing["status"], "RINGING");
    assert_eq!(
        ringing["recipient_user_id"],
        bsuid(&sim, &sandbox, BOB).await
    );
    let bob_parent = parent_bsuid(&sim, &sandbox, BOB, &account).await;
    assert_eq!(ringing["recipient_parent_user_id"], bob_parent.as_str());

    // A number change is announced to the numbers the user wrote to.
    writes(&sim, &sandbox, ALICE, "I am moving to a new number").await;
    let changed = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/change_number")),
            &json!({ "new_phone": "15550106666" }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let new_parent = parent_bsuid(&sim, &sandbox, "15550106666", &account).await;
    assert_ne!(new_parent, parent);
    let messages = field_webhooks(&sim, &sandbox, &receiver, "messages").await;
    let system = messages
        .iter()
        .find(|v| v["messages"][0]["type"] == "system")
        .expect("the system message");
    assert!(system.get("contacts").is_none(), "{system}");
    let item = &system["messages"][0];
    assert_eq!(item["from_user_id"], alice.as_str());
    assert_eq!(item["from_parent_user_id"], parent.as_str());
}

/// The block list takes `{"user_id": <BSUID>}` beside `{"user"}` (`user`
/// wins when an entry has both) and answers with `user_id`; a parent BSUID
/// can be neither blocked nor unblocked (131009 in `failed_users`, 139100).
/// The list names each person as the Groups API does, the parent BSUID
/// included once enrolled.
#[tokio::test]
async fn the_block_list_takes_bsuids_but_not_parent_bsuids() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(143).await;
    let path = format!("/{}/block_users", phone(&sandbox));
    let block_users = async |method: Method, entries: Value| {
        let body = json!({ "messaging_product": "whatsapp", "block_users": entries });
        call(&sim, &sandbox, method, &path, body).await
    };
    let account = enrol_parent_bsuids(&sim, &sandbox, &["business"]).await;
    let parent = parent_bsuid(&sim, &sandbox, ALICE, &account).await;
    let alice = bsuid(&sim, &sandbox, ALICE).await;
    open_window(&sim, &sandbox, ALICE).await;
    open_window(&sim, &sandbox, BOB).await;

    let refused = block_users(Method::POST, json!([{ "user_id": parent }])).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert_eq!(refused.json["error"]["code"], 139100);
    let failed = &refused.json["block_users"]["failed_users"];
    assert_eq!(failed[0]["input"], parent.as_str());
    assert_eq!(failed[0]["errors"][0]["code"], 131009);
    assert!(
        failed[0]["errors"][0]["error_data"]["details"]
            .as_str()
            .unwrap()
            .contains("parent business-scoped user id"),
        "{failed}"
    );
    let unknown = block_users(Method::POST, json!([{ "user_id": "US.1234" }])).await;
    assert_eq!(unknown.status, 400, "{}", unknown.text());

    let blocked = block_users(
        Method::POST,
        json!([{ "user_id": alice }, { "user": BOB, "user_id": alice }]),
    )
    .await;
    assert_eq!(
        blocked.ok()["block_users"]["added_users"],
        json!([{ "input": alice, "user_id": alice }, { "input": BOB, "wa_id": BOB }])
    );
    let listed = read(&sim, &sandbox, &path).await;
    let alice_item = &listed.ok()["data"][1];
    assert_eq!(
        alice_item,
        &json!({ "messaging_product": "whatsapp", "wa_id": ALICE, "user_id": alice, "parent_user_id": parent })
    );
    assert_eq!(listed.json["data"][0]["wa_id"], BOB);

    let kept = block_users(Method::DELETE, json!([{ "user_id": parent }])).await;
    assert_eq!(kept.status, 400, "{}", kept.text());
    assert_eq!(
        read(&sim, &sandbox, &path).await.ok()["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let unblocked = block_users(Method::DELETE, json!([{ "user_id": alice }])).await;
    assert_eq!(
        unblocked.ok()["block_users"]["removed_users"],
        json!([{ "input": alice, "user_id": alice }])
    );
    let left = read(&sim, &sandbox, &path).await;
    assert_eq!(left.ok()["data"].as_array().unwrap().len(), 1);
}

/// `GET /{business-id}/parent-bsuid-accounts` (versioned, or unversioned as
/// Meta's later revision shows it) names the account and every portfolio
/// enrolled in it; before Meta enrols the portfolio it is refused.
#[tokio::test]
async fn a_portfolio_reads_its_parent_bsuid_account() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 144, "fixture": partner_fixture() }))
        .await;
    let business = sandbox.id_of("business");
    let path = format!("/{business}/parent-bsuid-accounts");
    let before = read(&sim, &sandbox, &path).await;
    before.assert_error(400, 100, None, "OAuthException");

    let account = enrol_parent_bsuids(&sim, &sandbox, &["business", "partner"]).await;
    let expected = json!({
        "parent_bsuid_account_id": account,
        "enrolled_business_portfolios": [business, sandbox.id_of("partner")],
    });
    assert_eq!(read(&sim, &sandbox, &path).await.ok(), &expected);
    let unversioned = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!("/{business}/parent-bsuid-accounts"),
        )
        .await;
    assert_eq!(unversioned.ok(), &expected);
}

/// The contact book forgets a user named by their BSUID only: a parent
/// BSUID is refused (Meta: "Parent BSUIDs are not supported") and the entry
/// stays.
#[tokio::test]
async fn the_contact_book_takes_no_parent_bsuid() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(145).await;
    let account = enrol_parent_bsuids(&sim, &sandbox, &["business"]).await;
    let parent = parent_bsuid(&sim, &sandbox, ALICE, &account).await;
    let alice = bsuid(&sim, &sandbox, ALICE).await;
    open_window(&sim, &sandbox, ALICE).await;
    let delete = async |id: &str| {
        let path = format!(
            "/{}/contact_book?messaging_product=whatsapp&bsuid={id}",
            phone(&sandbox)
        );
        call(&sim, &sandbox, Method::DELETE, &path, Value::Null).await
    };
    let refused = delete(&parent).await;
    refused.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        refused.error()["error_data"]["details"],
        "Parent BSUIDs are not supported: use the BSUID"
    );
    assert_eq!(delete(&alice).await.ok()["deleted"], true);
}

/// Coexistence, once the portfolio is enrolled: what the shop sends from the
/// WhatsApp Business app is echoed with `to_parent_user_id` after
/// `to_user_id` and the contact's `parent_user_id`; the synchronized
/// contacts, the history threads' `context`, the user's history messages
/// (`from_parent_user_id`) and a recent photo's echo carry it too.
#[tokio::test]
async fn coexistence_webhooks_name_the_parent_bsuid() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(143).await;
    let id = create_shop(&sim, &sandbox).await;
    let hi = json!({ "type": "text", "text": { "body": "Any ferns?" } });
    sim.inbound(&sandbox, ALICE, SHOP, hi).await;
    let photo = sim
        .post_json(
            &numbers_path(&sandbox, &format!("/{SHOP}/messages")),
            &json!({ "to": ALICE, "type": "image", "image": { "id": "7001" } }),
        )
        .await;
    assert_eq!(photo.status, 201, "{}", photo.text());
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let fields = ["smb_message_echoes", "smb_app_state_sync", "history"];
    subscribe_whatsapp(&sim, &sandbox, &receiver, &fields).await;
    onboard(&sim, &sandbox, true).await;
    let account = enrol_parent_bsuids(&sim, &sandbox, &["business"]).await;
    let parent = parent_bsuid(&sim, &sandbox, ALICE, &account).await;
    let alice = bsuid(&sim, &sandbox, ALICE).await;

    let said = shop_says(&sim, &sandbox, ALICE, "Plenty!", None).await;
    let echoes = field_webhooks(&sim, &sandbox, &receiver, "smb_message_echoes").await;
    let contact = &echoes[0]["contacts"][0];
    assert_eq!(contact["user_id"], alice.as_str());
    assert_eq!(contact["parent_user_id"], parent.as_str());
    let echo = echoes[0]["message_echoes"][0].as_object().unwrap();
    assert_eq!(echo["id"], said.as_str());
    let keys: Vec<&str> = echo.keys().take(5).map(String::as_str).collect();
    assert_eq!(
        keys,
        ["from", "to", "to_user_id", "to_parent_user_id", "id"]
    );
    assert_eq!(echo["to_parent_user_id"], parent.as_str());

    smb_app_data(&sim, &sandbox, &id, "smb_app_state_sync")
        .await
        .ok();
    let synced = field_webhooks(&sim, &sandbox, &receiver, "smb_app_state_sync").await;
    let contact = &synced[0]["state_sync"][0]["contact"];
    assert_eq!(contact["phone_number"], ALICE);
    assert_eq!(contact["parent_user_id"], parent.as_str());

    smb_app_data(&sim, &sandbox, &id, "history").await.ok();
    let history = field_webhooks(&sim, &sandbox, &receiver, "history").await;
    let thread = &history[0]["history"][0]["threads"][0];
    assert_eq!(thread["context"]["parent_user_id"], parent.as_str());
    let from_alice = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["from"] == ALICE)
        .expect("Alice's message");
    assert_eq!(from_alice["from_parent_user_id"], parent.as_str());
    let media = history
        .iter()
        .find(|v| v.get("message_echoes").is_some())
        .expect("the photo's history webhook");
    assert_eq!(media["contacts"][0]["parent_user_id"], parent.as_str());
    assert_eq!(
        media["message_echoes"][0]["to_parent_user_id"],
        parent.as_str()
    );
}
