//! Accounts Center (seed 002): linking a Facebook account and an Instagram
//! account through the control plane — every precondition with its
//! `reason`, preferences, sync, confirmation with permissions, grants and
//! revocations, unlinking — and every effect where the people see it:
//! cross-app messages both ways, the unified inbox with or without history,
//! the unified contact list, what the other side sees of the writer, and
//! mirrored notifications.

use client_tests::instagram::{direct, instagram_inbox, new_account};
use client_tests::messenger::{inbox, new_person, write};
use client_tests::{Reply, Sandbox, Sim, Value, json};

async fn person(sim: &Sim, sandbox: &Sandbox, body: Value) -> String {
    let reply = sim.post_json(&sandbox.sim("/facebook/users"), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json["id"].as_str().unwrap().to_owned()
}

async fn instagram(sim: &Sim, sandbox: &Sandbox, body: Value) -> String {
    let reply = sim.post_json(&sandbox.sim("/instagram/users"), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json["id"].as_str().unwrap().to_owned()
}

async fn start(sim: &Sim, sandbox: &Sandbox, facebook: &str, instagram: &str) -> Reply {
    sim.post_json(
        &sandbox.sim("/accounts-center/links"),
        &json!({ "facebook_user_id": facebook, "instagram_user_id": instagram }),
    )
    .await
}

#[track_caller]
fn assert_reason(reply: &Reply, status: u16, reason: &str) {
    let subcode = (status == 404).then_some(33);
    reply.assert_sim_error(status, subcode);
    assert_eq!(
        reply.error()["error_data"],
        json!({ "reason": reason }),
        "{}",
        reply.text()
    );
}

#[tokio::test]
async fn every_precondition_is_checked() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(701).await;
    let verified = json!({ "name": "Ana Diaz", "email_verified": true });
    let ana = person(&sim, &sandbox, verified.clone()).await;
    let ana_ig = instagram(
        &sim,
        &sandbox,
        json!({ "username": "ana.plants", "account_type": "personal", "phone_verified": true }),
    )
    .await;

    assert_reason(
        &start(&sim, &sandbox, &ana_ig, &ana_ig).await,
        400,
        "facebook_account_required",
    );
    assert_reason(
        &start(&sim, &sandbox, "350000000000000", &ana_ig).await,
        400,
        "facebook_account_required",
    );
    assert_reason(
        &start(&sim, &sandbox, &ana, "17841000000000000").await,
        404,
        "unknown_instagram_account",
    );

    let unverified = person(&sim, &sandbox, json!({ "name": "Uma" })).await;
    assert_reason(
        &start(&sim, &sandbox, &unverified, &ana_ig).await,
        403,
        "not_verified",
    );
    let unverified_ig = instagram(
        &sim,
        &sandbox,
        json!({ "username": "uma.ig", "account_type": "personal" }),
    )
    .await;
    assert_reason(
        &start(&sim, &sandbox, &ana, &unverified_ig).await,
        403,
        "not_verified",
    );
    let hacked = person(
        &sim,
        &sandbox,
        json!({ "name": "Hal", "email_verified": true, "compromised": true }),
    )
    .await;
    assert_reason(
        &start(&sim, &sandbox, &hacked, &ana_ig).await,
        403,
        "compromised",
    );
    let hacked_ig = instagram(&sim, &sandbox, json!({ "username": "hal.ig", "account_type": "personal", "email_verified": true, "compromised": true })).await;
    assert_reason(
        &start(&sim, &sandbox, &ana, &hacked_ig).await,
        403,
        "compromised",
    );

    // A professional account, or a Page manager, needs two-factor on Facebook.
    let shop = instagram(
        &sim,
        &sandbox,
        json!({ "username": "ana.shop", "account_type": "business", "email_verified": true }),
    )
    .await;
    assert_reason(
        &start(&sim, &sandbox, &ana, &shop).await,
        403,
        "two_factor_required",
    );
    let manager = person(
        &sim,
        &sandbox,
        json!({ "name": "Pat", "email_verified": true }),
    )
    .await;
    let page = sim
        .post_json(
            &sandbox.sim("/pages"),
            &json!({ "name": "Pat's Plants", "user_id": manager }),
        )
        .await;
    assert_eq!(page.status, 201, "{}", page.text());
    let pat_ig = instagram(
        &sim,
        &sandbox,
        json!({ "username": "pat.ig", "account_type": "personal", "email_verified": true }),
    )
    .await;
    assert_reason(
        &start(&sim, &sandbox, &manager, &pat_ig).await,
        403,
        "two_factor_required",
    );

    let first = start(&sim, &sandbox, &ana, &ana_ig).await;
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(first.json["state"], "pending");
    assert_reason(
        &start(&sim, &sandbox, &ana, &ana_ig).await,
        409,
        "already_linked",
    );
    let bo = person(&sim, &sandbox, verified.clone()).await;
    assert_reason(
        &start(&sim, &sandbox, &bo, &ana_ig).await,
        409,
        "already_linked",
    );
    let second = instagram(
        &sim,
        &sandbox,
        json!({ "username": "ana.two", "account_type": "personal", "email_verified": true }),
    )
    .await;
    assert_eq!(start(&sim, &sandbox, &ana, &second).await.status, 201);
    let third = instagram(
        &sim,
        &sandbox,
        json!({ "username": "ana.three", "account_type": "personal", "email_verified": true }),
    )
    .await;
    assert_reason(
        &start(&sim, &sandbox, &ana, &third).await,
        403,
        "limit_reached",
    );

    let secure = person(
        &sim,
        &sandbox,
        json!({ "name": "Sol", "phone_verified": true, "two_factor": true }),
    )
    .await;
    assert_eq!(
        start(&sim, &sandbox, &secure, &shop).await.status,
        201,
        "two-factor on: linked"
    );
}

#[tokio::test]
async fn the_steps_of_a_link_and_their_refusals() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(702).await;
    let ana = person(
        &sim,
        &sandbox,
        json!({ "name": "Ana Diaz", "email_verified": true }),
    )
    .await;
    let ana_ig = instagram(
        &sim,
        &sandbox,
        json!({ "username": "ana.plants", "account_type": "personal", "email_verified": true }),
    )
    .await;
    let created = start(&sim, &sandbox, &ana, &ana_ig).await;
    let id = created.json["id"].as_str().unwrap().to_owned();
    let link = |rest: &str| sandbox.sim(&format!("/accounts-center/links/{id}{rest}"));
    assert_eq!(
        created.json,
        json!({ "id": id, "facebook_user_id": ana, "instagram_user_id": ana_ig, "state": "pending",
                "created_at": 1_767_225_600, "linked_at": null,
                "preferences": { "notifications": { "direct_messages": true, "mentions": false, "comments": false },
                                 "show_instagram_contacts": true },
                "sync": { "contacts": false, "profile": false, "history": "none", "threads": [] },
                "permissions": { "direct_messages": false, "contacts": false, "profile_info": false, "message_history": false } })
    );
    let early = sim
        .put_json(&link("/permissions"), &json!({ "contacts": true }))
        .await;
    assert_reason(&early, 409, "not_confirmed");
    let prefs = sim
        .put_json(
            &link("/preferences"),
            &json!({ "notifications": { "mentions": true }, "show_instagram_contacts": false }),
        )
        .await;
    assert_eq!(
        prefs.ok()["preferences"]["notifications"],
        json!({ "direct_messages": true, "mentions": true, "comments": false })
    );
    assert_eq!(prefs.json["preferences"]["show_instagram_contacts"], false);
    let selected = sim
        .put_json(
            &link("/sync"),
            &json!({ "contacts": true, "profile": true, "history": "selected" }),
        )
        .await;
    assert_reason(&selected, 400, "invalid");
    let foreign = sim.put_json(&link("/sync"), &json!({ "contacts": true, "profile": true, "history": "selected", "threads": ["nope"] })).await;
    assert_reason(&foreign, 400, "invalid");
    let sync = sim
        .put_json(
            &link("/sync"),
            &json!({ "contacts": true, "profile": false, "history": "all" }),
        )
        .await;
    assert_eq!(
        sync.ok()["sync"],
        json!({ "contacts": true, "profile": false, "history": "all", "threads": [] })
    );
    let unknown = sim
        .post_json(
            &link("/confirm"),
            &json!({ "permissions": ["direct_messages", "location"] }),
        )
        .await;
    unknown.assert_sim_error(400, None);
    let confirmed = sim
        .post_json(
            &link("/confirm"),
            &json!({ "permissions": ["direct_messages", "contacts"] }),
        )
        .await;
    let confirmed = confirmed.ok().clone();
    assert_eq!(confirmed["state"], "linked");
    assert_eq!(confirmed["linked_at"], 1_767_225_600);
    assert_eq!(
        confirmed["permissions"],
        json!({ "direct_messages": true, "contacts": true, "profile_info": false, "message_history": false })
    );
    assert_reason(
        &sim.post_json(&link("/confirm"), &json!({ "permissions": [] }))
            .await,
        409,
        "not_pending",
    );
    let revoked = sim
        .put_json(
            &link("/permissions"),
            &json!({ "contacts": false, "profile_info": true }),
        )
        .await;
    assert_eq!(
        revoked.ok()["permissions"],
        json!({ "direct_messages": true, "contacts": false, "profile_info": true, "message_history": false })
    );
    assert_eq!(sim.get(&link("")).await.ok()["state"], "linked");
    let listed = sim.get(&sandbox.sim("/accounts-center/links")).await;
    assert_eq!(listed.ok()["data"][0]["id"], json!(id));
    assert_eq!(
        sim.delete(&link("")).await.ok(),
        &json!({ "success": true })
    );
    assert_reason(&sim.get(&link("")).await, 404, "unknown_link");
    assert_reason(&sim.delete(&link("")).await, 404, "unknown_link");
}

/// Ana (Facebook) with her Instagram account, Jo on Instagram, Bo on Messenger.
struct World {
    sandbox: Sandbox,
    ana: String,
    ana_ig: String,
    jo: String,
    bo: String,
}

async fn world(sim: &Sim, seed: u64) -> World {
    let sandbox = sim.demo(seed).await;
    let ana = person(
        sim,
        &sandbox,
        json!({ "name": "Ana Diaz", "email_verified": true }),
    )
    .await;
    let ana_ig = instagram(sim, &sandbox, json!({ "username": "ana.plants", "name": "Ana P", "account_type": "personal", "email_verified": true })).await;
    let jo = new_account(sim, &sandbox, "jo.grows", "personal").await;
    let bo = new_person(sim, &sandbox, "Bo Li").await;
    World {
        sandbox,
        ana,
        ana_ig,
        jo,
        bo,
    }
}

/// Link Ana's accounts with `sync` and `permissions`; answers the link path.
async fn link(sim: &Sim, w: &World, sync: Value, permissions: &[&str]) -> String {
    let created = start(sim, &w.sandbox, &w.ana, &w.ana_ig).await;
    let path = w.sandbox.sim(&format!(
        "/accounts-center/links/{}",
        created.json["id"].as_str().unwrap()
    ));
    sim.put_json(&format!("{path}/sync"), &sync).await.ok();
    sim.post_json(
        &format!("{path}/confirm"),
        &json!({ "permissions": permissions }),
    )
    .await
    .ok();
    path
}

/// Grant or revoke permissions of the link at `path`.
async fn set_permissions(sim: &Sim, path: &str, changes: Value) {
    sim.put_json(&format!("{path}/permissions"), &changes)
        .await
        .ok();
}

fn texts(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn cross_app_messages_and_one_history() {
    let sim = Sim::start().await;
    let w = world(&sim, 703).await;
    let s = &w.sandbox;
    direct(
        &sim,
        s,
        &w.jo,
        &w.ana_ig,
        json!({ "text": "before the link" }),
    )
    .await;
    let refused = write(&sim, s, &w.ana, &w.jo, json!({ "text": "Hi Jo" })).await;
    assert_reason(&refused, 403, "not_linked");

    let all = json!({ "contacts": true, "profile": true, "history": "all" });
    let path = link(
        &sim,
        &w,
        all,
        &[
            "direct_messages",
            "contacts",
            "profile_info",
            "message_history",
        ],
    )
    .await;
    sim.advance(s, 60).await;
    let sent = write(
        &sim,
        s,
        &w.ana,
        &w.jo,
        json!({ "text": "Hi Jo, from Messenger" }),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text());
    let jo_sees = instagram_inbox(&sim, s, &w.jo).await;
    assert_eq!(jo_sees.len(), 1);
    assert_eq!(jo_sees[0]["text"], "Hi Jo, from Messenger");
    assert_eq!(jo_sees[0]["sent_from"], "messenger");
    assert_eq!(
        jo_sees[0]["from"]["id"],
        json!(w.ana_ig),
        "from her Instagram account"
    );
    assert_eq!(
        jo_sees[0]["from"]["name"], "Ana Diaz",
        "her Facebook name: profile shared"
    );
    direct(&sim, s, &w.jo, &w.ana_ig, json!({ "text": "Hey Ana!" })).await;
    direct(
        &sim,
        s,
        &w.jo,
        &w.ana,
        json!({ "text": "to your Facebook id" }),
    )
    .await;

    let ana_sees = inbox(&sim, s, &w.ana).await;
    assert_eq!(
        texts(&ana_sees),
        ["before the link", "Hey Ana!", "to your Facebook id"]
    );
    assert!(ana_sees.iter().all(|e| e["platform"] == "instagram"));
    assert_eq!(ana_sees[1]["from"]["username"], "jo.grows");
    // One conversation, from both apps.
    let conversations: Vec<&Value> = ana_sees.iter().map(|e| &e["conversation_id"]).collect();
    assert!(
        conversations
            .iter()
            .all(|c| *c == &jo_sees[0]["conversation_id"])
    );
    let ig_side = instagram_inbox(&sim, s, &w.ana_ig).await;
    assert_eq!(
        texts(&ig_side),
        texts(&ana_sees),
        "the same history in Instagram"
    );

    // Profile details no longer shared: Jo sees the Instagram account only.
    set_permissions(&sim, &path, json!({ "profile_info": false })).await;
    let jo_sees = instagram_inbox(&sim, s, &w.jo).await;
    assert_eq!(jo_sees[0]["from"]["name"], "Ana P");

    // Unlinking ends all of it.
    sim.delete(&path).await.ok();
    assert!(inbox(&sim, s, &w.ana).await.is_empty());
    assert_reason(
        &write(&sim, s, &w.ana, &w.jo, json!({ "text": "?" })).await,
        403,
        "not_linked",
    );
    assert_eq!(
        texts(&instagram_inbox(&sim, s, &w.ana_ig).await).len(),
        3,
        "Instagram keeps its history"
    );
}

#[tokio::test]
async fn history_choices_and_revoking_direct_messages() {
    let sim = Sim::start().await;
    let w = world(&sim, 704).await;
    let s = &w.sandbox;
    direct(&sim, s, &w.jo, &w.ana_ig, json!({ "text": "old from Jo" })).await;
    let kim = new_account(&sim, s, "kim.k", "personal").await;
    direct(&sim, s, &kim, &w.ana_ig, json!({ "text": "old from Kim" })).await;

    // History none: only what comes after the link.
    let path = link(
        &sim,
        &w,
        json!({ "contacts": false, "profile": false, "history": "none" }),
        &["direct_messages", "message_history"],
    )
    .await;
    sim.advance(s, 1).await;
    direct(&sim, s, &w.jo, &w.ana_ig, json!({ "text": "new from Jo" })).await;
    assert_eq!(texts(&inbox(&sim, s, &w.ana).await), ["new from Jo"]);

    // Revoking direct_messages stops new ones; those shown stay.
    set_permissions(&sim, &path, json!({ "direct_messages": false })).await;
    sim.advance(s, 1).await;
    direct(
        &sim,
        s,
        &w.jo,
        &w.ana_ig,
        json!({ "text": "while revoked" }),
    )
    .await;
    assert_eq!(texts(&inbox(&sim, s, &w.ana).await), ["new from Jo"]);
    assert_reason(
        &write(&sim, s, &w.ana, &w.jo, json!({ "text": "x" })).await,
        403,
        "direct_messages_off",
    );
    set_permissions(&sim, &path, json!({ "direct_messages": true })).await;
    sim.advance(s, 1).await;
    direct(
        &sim,
        s,
        &w.jo,
        &w.ana_ig,
        json!({ "text": "granted again" }),
    )
    .await;
    assert_eq!(
        texts(&inbox(&sim, s, &w.ana).await),
        ["new from Jo", "granted again"]
    );
    sim.delete(&path).await.ok();

    // Selected history: Jo's thread only.
    let jo_thread = instagram_inbox(&sim, s, &w.ana_ig).await[0]["conversation_id"].clone();
    link(&sim, &w, json!({ "contacts": false, "profile": false, "history": "selected", "threads": [jo_thread] }),
         &["direct_messages", "message_history"]).await;
    let shown = texts(&inbox(&sim, s, &w.ana).await);
    assert_eq!(
        shown,
        [
            "old from Jo",
            "new from Jo",
            "while revoked",
            "granted again"
        ]
    );
    assert!(!shown.contains(&"old from Kim".to_owned()));
}

#[tokio::test]
async fn unified_contacts_and_mirrored_notifications() {
    let sim = Sim::start().await;
    let w = world(&sim, 705).await;
    let s = &w.sandbox;
    write(
        &sim,
        s,
        &w.bo,
        &w.ana,
        json!({ "text": "Hi from Messenger" }),
    )
    .await;
    direct(
        &sim,
        s,
        &w.jo,
        &w.ana_ig,
        json!({ "text": "Hi from Instagram" }),
    )
    .await;
    let contacts_path = s.sim(&format!("/facebook/users/{}/contacts", w.ana));
    let contacts = |_: ()| sim.get(&contacts_path);
    assert_eq!(
        contacts(()).await.ok()["data"],
        json!([{ "id": w.bo, "name": "Bo Li", "username": null, "platform": "messenger" }])
    );
    let path = link(
        &sim,
        &w,
        json!({ "contacts": true, "profile": false, "history": "none" }),
        &["direct_messages", "contacts"],
    )
    .await;
    assert_eq!(
        contacts(()).await.ok()["data"],
        json!([{ "id": w.bo, "name": "Bo Li", "username": null, "platform": "messenger" },
               { "id": w.jo, "name": "jo.grows", "username": "jo.grows", "platform": "instagram" }])
    );
    sim.put_json(
        &format!("{path}/preferences"),
        &json!({ "show_instagram_contacts": false }),
    )
    .await
    .ok();
    assert_eq!(
        contacts(()).await.ok()["data"].as_array().unwrap().len(),
        1,
        "privacy: hidden again"
    );
    sim.put_json(
        &format!("{path}/preferences"),
        &json!({ "show_instagram_contacts": true }),
    )
    .await
    .ok();
    set_permissions(&sim, &path, json!({ "contacts": false })).await;
    assert_eq!(
        contacts(()).await.ok()["data"].as_array().unwrap().len(),
        1,
        "permission revoked"
    );

    // Notifications: DMs by default; comments and mentions when turned on.
    sim.advance(s, 60).await;
    let post = sim
        .post_json(
            &s.sim(&format!("/instagram/users/{}/media", w.ana_ig)),
            &json!({ "caption": "My fern" }),
        )
        .await;
    let post = post.json["id"].as_str().unwrap().to_owned();
    let other = sim
        .post_json(
            &s.sim(&format!("/instagram/users/{}/media", w.jo)),
            &json!({ "caption": "Jo's cactus" }),
        )
        .await;
    let other = other.json["id"].as_str().unwrap().to_owned();
    let comments = s.sim(&format!("/instagram/users/{}/comments", w.jo));
    sim.post_json(&comments, &json!({ "media_id": post, "text": "So green" }))
        .await;
    sim.post_json(
        &comments,
        &json!({ "media_id": other, "text": "cc @ana.plants" }),
    )
    .await;
    direct(
        &sim,
        s,
        &w.jo,
        &w.ana_ig,
        json!({ "text": "DM after the link" }),
    )
    .await;
    let kinds = |list: &Value| -> Vec<String> {
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    let notifications_path = s.sim(&format!("/facebook/users/{}/notifications", w.ana));
    let notifications = |_: ()| sim.get(&notifications_path);
    assert_eq!(
        kinds(notifications(()).await.ok()),
        ["message", "instagram_message"]
    );
    sim.put_json(
        &format!("{path}/preferences"),
        &json!({ "notifications": { "comments": true, "mentions": true } }),
    )
    .await
    .ok();
    assert_eq!(
        kinds(notifications(()).await.ok()),
        [
            "message",
            "instagram_comment",
            "instagram_mention",
            "instagram_message"
        ]
    );
    sim.put_json(
        &format!("{path}/preferences"),
        &json!({ "notifications": { "direct_messages": false, "comments": false } }),
    )
    .await
    .ok();
    let only = notifications(()).await;
    assert_eq!(kinds(only.ok()), ["message", "instagram_mention"]);
    assert_eq!(only.json["data"][1]["from"]["username"], "jo.grows");
    sim.delete(&path).await.ok();
    assert_eq!(kinds(notifications(()).await.ok()), ["message"]);
}
