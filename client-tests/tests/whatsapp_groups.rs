//! WhatsApp groups (Meta's Groups API): a business number creates groups and
//! lists them, consumers join through the invite link (straight in, or by a
//! join request the business approves or rejects) and leave, the business
//! resets or revokes the link, removes participants, changes the subject and
//! deletes the group; each change sends Meta's group webhooks, and bad input
//! gets Meta's errors without changing anything.

use client_tests::business::{call_manager as call, get as read};
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, V, Value, json};
use reqwest::Method;

/// Create a group; its id (read back from the number's list) and request id.
async fn create(sim: &Sim, sandbox: &Sandbox, subject: &str, mode: &str) -> (String, String) {
    let path = format!("/{}/groups", phone(sandbox));
    let body =
        json!({ "messaging_product": "whatsapp", "subject": subject, "join_approval_mode": mode });
    let created = call(sim, sandbox, Method::POST, &path, body).await;
    let request_id = created.ok()["request_id"]
        .as_str()
        .expect("a request id")
        .to_owned();
    assert_eq!(created.ok()["messaging_product"], "whatsapp");
    let listed = read(sim, sandbox, &path).await;
    let groups = listed.ok()["data"]["groups"]
        .as_array()
        .expect("groups")
        .clone();
    let group = groups
        .iter()
        .find(|g| g["subject"] == subject.trim())
        .expect("the new group");
    (group["id"].as_str().expect("an id").to_owned(), request_id)
}

async fn invite_link(sim: &Sim, sandbox: &Sandbox, group: &str) -> String {
    let read = read(sim, sandbox, &format!("/{group}/invite_link")).await;
    read.ok()["invite_link"]
        .as_str()
        .expect("a link")
        .to_owned()
}

async fn join(sim: &Sim, sandbox: &Sandbox, digits: &str, link: &str) -> Reply {
    let path = sandbox.sim(&format!("/whatsapp/consumers/{digits}/groups/join"));
    sim.post_json(&path, &json!({ "invite_link": link })).await
}

fn groups_item(body: &Value) -> (&str, &Value) {
    let change = &body["entry"][0]["changes"][0];
    (
        change["field"].as_str().unwrap_or_default(),
        &change["value"]["groups"][0],
    )
}

#[tokio::test]
async fn a_group_is_joined_by_its_link_and_reports_each_change() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(131).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let fields = [
        "group_lifecycle_update",
        "group_participants_update",
        "group_settings_update",
    ];
    subscribe_whatsapp(&sim, &sandbox, &receiver, &fields).await;

    let (group, request_id) = create(&sim, &sandbox, " Fern lovers ", "auto_approve").await;
    let link = invite_link(&sim, &sandbox, &group).await;
    assert!(link.starts_with("https://chat.whatsapp.com/"), "{link}");
    let joined = join(&sim, &sandbox, ALICE, &link).await;
    assert_eq!(
        joined.ok(),
        &json!({ "status": "joined", "group_id": group })
    );
    join(&sim, &sandbox, ALICE, &link)
        .await
        .assert_sim_error(409, None);
    join(&sim, &sandbox, BOB, &link).await.ok();

    let info = read(&sim, &sandbox, &format!("/{group}")).await;
    let info = info.ok();
    assert_eq!(info["subject"], "Fern lovers");
    assert_eq!(info["join_approval_mode"], "auto_approve");
    assert_eq!(info["total_participant_count"], 2);
    let (alice, bob) = (
        bsuid(&sim, &sandbox, ALICE).await,
        bsuid(&sim, &sandbox, BOB).await,
    );
    assert_eq!(
        info["participants"],
        json!([{ "wa_id": ALICE, "user_id": alice }, { "wa_id": BOB, "user_id": bob }])
    );
    assert_eq!(info["suspended"], false);

    let renamed = call(
        &sim,
        &sandbox,
        Method::POST,
        &format!("/{group}"),
        json!({ "messaging_product": "whatsapp", "subject": "Fern fans" }),
    )
    .await;
    assert!(renamed.ok()["request_id"].is_string());
    let leave = sandbox.sim(&format!("/whatsapp/consumers/{BOB}/groups/{group}/leave"));
    sim.post_json(&leave, &json!({})).await.ok();
    let removed = call(
        &sim,
        &sandbox,
        Method::DELETE,
        &format!("/{group}/participants"),
        json!({ "messaging_product": "whatsapp", "participants": [{ "user": ALICE }, { "user": BOB }] }),
    )
    .await;
    let remove_request = removed.ok()["request_id"].clone();

    let reset = call(
        &sim,
        &sandbox,
        Method::POST,
        &format!("/{group}/invite_link"),
        json!({ "messaging_product": "whatsapp" }),
    )
    .await;
    let new_link = reset.ok()["invite_link"]
        .as_str()
        .expect("a new link")
        .to_owned();
    assert_ne!(new_link, link);
    join(&sim, &sandbox, ALICE, &link)
        .await
        .assert_sim_error(404, Some(33));
    let revoked = call(
        &sim,
        &sandbox,
        Method::DELETE,
        &format!("/{group}/invite_link"),
        json!({ "messaging_product": "whatsapp" }),
    )
    .await;
    assert_eq!(
        revoked.ok(),
        &json!({ "messaging_product": "whatsapp", "success": true })
    );
    join(&sim, &sandbox, ALICE, &new_link)
        .await
        .assert_sim_error(404, Some(33));

    let deleted = call(
        &sim,
        &sandbox,
        Method::DELETE,
        &format!("/{group}"),
        Value::Null,
    )
    .await;
    assert_eq!(deleted.ok(), &json!({ "success": true }));
    let gone = read(&sim, &sandbox, &format!("/{group}")).await;
    assert_eq!(gone.status, 400, "{}", gone.text());

    sim.deliver(&sandbox).await;
    let bodies = receiver.bodies();
    let items: Vec<(&str, &Value)> = bodies.iter().map(groups_item).collect();
    let kinds: Vec<(&str, &str)> = items
        .iter()
        .map(|(field, item)| (*field, item["type"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("group_lifecycle_update", "group_create"),
            ("group_participants_update", "group_participants_add"),
            ("group_participants_update", "group_participants_add"),
            ("group_settings_update", "group_settings_update"),
            ("group_participants_update", "group_participants_remove"),
            ("group_participants_update", "group_participants_remove"),
            ("group_lifecycle_update", "group_delete"),
        ]
    );
    let created = items[0].1;
    assert_eq!(created["group_id"], group);
    assert_eq!(created["request_id"], request_id);
    assert_eq!(created["subject"], "Fern lovers");
    assert_eq!(created["invite_link"], link);
    assert_eq!(created["join_approval_mode"], "auto_approve");
    assert_eq!(items[1].1["reason"], "invite_link");
    assert_eq!(
        items[1].1["added_participants"],
        json!([{ "wa_id": ALICE, "user_id": alice }])
    );
    assert_eq!(
        items[3].1["group_subject"],
        json!({ "text": "Fern fans", "update_successful": true })
    );
    assert_eq!(items[4].1["initiated_by"], "participant");
    assert_eq!(
        items[4].1["removed_participants"],
        json!([{ "wa_id": BOB, "user_id": bob }])
    );
    let business = items[5].1;
    assert_eq!(business["initiated_by"], "business");
    assert_eq!(business["request_id"], remove_request);
    assert_eq!(
        business["removed_participants"],
        json!([{ "input": ALICE }])
    );
    assert_eq!(business["failed_participants"][0]["input"], BOB);
    assert_eq!(
        business["failed_participants"][0]["errors"][0]["code"],
        131009
    );
    let metadata = &bodies[0]["entry"][0]["changes"][0]["value"]["metadata"];
    assert_eq!(metadata["phone_number_id"], phone(&sandbox));
    assert_eq!(bodies[0]["entry"][0]["id"], sandbox.id_of("waba"));
}

#[tokio::test]
async fn join_requests_wait_for_the_business() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(132).await;
    let (group, _) = create(&sim, &sandbox, "Cacti", "approval_required").await;
    let link = invite_link(&sim, &sandbox, &group).await;
    let asked = join(&sim, &sandbox, ALICE, &link).await;
    assert_eq!(asked.ok()["status"], "requested");
    let alice_request = asked.ok()["join_request_id"].as_str().unwrap().to_owned();
    let bob_request = join(&sim, &sandbox, BOB, &link).await.ok()["join_request_id"].clone();
    let carol = "15550107777";
    let created = sim
        .post_json(
            &sandbox.sim("/whatsapp/consumers"),
            &json!({ "phone": carol }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    join(&sim, &sandbox, carol, &link).await.ok();
    let cancel = sandbox.sim(&format!(
        "/whatsapp/consumers/{carol}/groups/{group}/cancel_request"
    ));
    sim.post_json(&cancel, &json!({})).await.ok();
    sim.post_json(&cancel, &json!({}))
        .await
        .assert_sim_error(409, None);

    let path = format!("/{group}/join_requests");
    let open = read(&sim, &sandbox, &path).await;
    let open = open.ok()["data"].as_array().expect("requests").clone();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0]["join_request_id"], alice_request);
    assert_eq!(open[0]["wa_id"], ALICE);
    assert_eq!(open[0]["user_id"], bsuid(&sim, &sandbox, ALICE).await);
    assert!(open[0]["creation_timestamp"].is_i64());

    let approve =
        json!({ "messaging_product": "whatsapp", "join_requests": [alice_request, "404"] });
    let approved = call(&sim, &sandbox, Method::POST, &path, approve).await;
    assert_eq!(
        approved.ok()["approved_join_requests"],
        json!([alice_request])
    );
    let failed = &approved.ok()["failed_join_requests"][0];
    assert_eq!(failed["join_request_id"], "404");
    assert_eq!(failed["errors"][0]["code"], 131009);
    let reject = json!({ "messaging_product": "whatsapp", "join_requests": [bob_request] });
    let rejected = call(&sim, &sandbox, Method::DELETE, &path, reject).await;
    assert_eq!(
        rejected.ok(),
        &json!({ "messaging_product": "whatsapp", "rejected_join_requests": [bob_request] })
    );
    let info = read(
        &sim,
        &sandbox,
        &format!("/{group}?fields=participants,total_participant_count"),
    )
    .await;
    assert_eq!(
        info.ok(),
        &json!({ "participants": [{ "wa_id": ALICE, "user_id": bsuid(&sim, &sandbox, ALICE).await }],
            "total_participant_count": 1, "id": group })
    );
    let left = read(&sim, &sandbox, &path).await;
    assert_eq!(left.ok()["data"], json!([]));
}

#[tokio::test]
async fn meta_limits_are_errors_that_change_nothing() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(133).await;
    let path = format!("/{}/groups", phone(&sandbox));
    let bad = [
        json!({ "subject": "No product" }),
        json!({ "messaging_product": "whatsapp" }),
        json!({ "messaging_product": "whatsapp", "subject": "x".repeat(129) }),
        json!({ "messaging_product": "whatsapp", "subject": "Ok", "description": "d".repeat(2049) }),
        json!({ "messaging_product": "whatsapp", "subject": "Ok", "join_approval_mode": "maybe" }),
    ];
    for body in bad {
        let reply = call(&sim, &sandbox, Method::POST, &path, body.clone()).await;
        reply.assert_error(400, 100, None, "OAuthException");
    }
    let listed = read(&sim, &sandbox, &path).await;
    assert_eq!(listed.ok(), &json!({ "data": { "groups": [] } }));
    let too_many = read(&sim, &sandbox, &format!("{path}?limit=1025")).await;
    too_many.assert_error(400, 100, None, "OAuthException");

    let (group, _) = create(&sim, &sandbox, "Limits", "auto_approve").await;
    let nine: Vec<Value> = (0..9)
        .map(|n| json!({ "user": format!("1555010700{n}") }))
        .collect();
    let body = json!({ "messaging_product": "whatsapp", "participants": nine });
    let reply = call(
        &sim,
        &sandbox,
        Method::DELETE,
        &format!("/{group}/participants"),
        body,
    )
    .await;
    reply.assert_error(400, 100, None, "OAuthException");
    let empty = json!({ "messaging_product": "whatsapp" });
    let reply = call(&sim, &sandbox, Method::POST, &format!("/{group}"), empty).await;
    reply.assert_error(400, 100, None, "OAuthException");
    let photo = json!({ "messaging_product": "whatsapp", "subject": "Photo", "profile_picture_file": "a.jpg" });
    let reply = call(&sim, &sandbox, Method::POST, &format!("/{group}"), photo).await;
    reply.assert_error(400, 100, None, "OAuthException");
    let mode =
        json!({ "messaging_product": "whatsapp", "join_approval_mode": "approval_required" });
    let reply = call(&sim, &sandbox, Method::POST, &format!("/{group}"), mode).await;
    reply.assert_error(400, 100, None, "OAuthException");
    let info = read(
        &sim,
        &sandbox,
        &format!("/{group}?fields=subject,join_approval_mode"),
    )
    .await;
    assert_eq!(info.ok()["subject"], "Limits");
    assert_eq!(info.ok()["join_approval_mode"], "auto_approve");

    // Paging: two pages of one (oldest first; created in one second, by id).
    create(&sim, &sandbox, "Second", "auto_approve").await;
    let first = read(&sim, &sandbox, &format!("{path}?limit=1")).await;
    let both = read(&sim, &sandbox, &path).await;
    let both = both.ok()["data"]["groups"].clone();
    assert_eq!(first.ok()["data"]["groups"], json!([both[0]]));
    let next = first.ok()["paging"]["next"].as_str().expect("a next page");
    let after = next.split("after=").nth(1).expect("an after cursor");
    let second = read(&sim, &sandbox, &format!("{path}?limit=1&after={after}")).await;
    assert_eq!(second.ok()["data"]["groups"], json!([both[1]]));
    assert!(second.ok()["paging"].get("next").is_none());

    // A token without the messaging scope may not touch groups.
    let manager_only = sim
        .get_as(sandbox.token("user_token"), &format!("/{V}/{group}"))
        .await;
    manager_only.assert_error(403, 200, None, "OAuthException");
}

#[tokio::test]
async fn groups_answer_alike_for_one_seed() {
    let sim = Sim::start().await;
    let mut transcripts = Vec::new();
    for _ in 0..2 {
        let sandbox = sim.demo(134).await;
        let (group, request_id) = create(&sim, &sandbox, "Same", "approval_required").await;
        let link = invite_link(&sim, &sandbox, &group).await;
        let asked = join(&sim, &sandbox, ALICE, &link).await;
        let photo = set_photo(&sim, &sandbox, &group, "file", jpeg_file(300, 300)).await;
        let info = read(&sim, &sandbox, &format!("/{group}")).await;
        let events = sim.events(&sandbox).await;
        transcripts.push(json!([
            group, request_id, link, asked.json, photo.json, info.json, events
        ]));
    }
    assert_eq!(transcripts[0], transcripts[1]);
}

/// A JPEG-shaped file whose frame header says `side`×`other` pixels:
/// start of image, a JFIF stub, a baseline frame header, end of image.
fn jpeg_file(side: u16, other: u16) -> Vec<u8> {
    let [h1, h2] = other.to_be_bytes();
    let [w1, w2] = side.to_be_bytes();
    let mut bytes = b"\xFF\xD8\xFF\xE0\x00\x04JF".to_vec();
    bytes.extend([0xFF, 0xC0, 0x00, 0x0B, 0x08, h1, h2, w1, w2, 0x01]);
    bytes.extend([0x01, 0x11, 0x00, 0xFF, 0xD9]);
    bytes
}

async fn set_photo(sim: &Sim, sandbox: &Sandbox, group: &str, part: &str, file: Vec<u8>) -> Reply {
    use client_tests::business::{Part, post_multipart_as};
    let mut picture = Part::file("image/jpeg", file);
    picture.name = part.to_owned();
    let parts = [Part::text("messaging_product", "whatsapp"), picture];
    post_multipart_as(sim, sandbox.token(MANAGER), &format!("/{group}"), &parts).await
}

#[tokio::test]
async fn a_group_photo_is_a_square_jpeg_reported_by_its_digest() {
    use base64::Engine;
    use sha2::{Digest, Sha256};

    let sim = Sim::start().await;
    let sandbox = sim.demo(135).await;
    let (group, _) = create(&sim, &sandbox, "Photo club", "auto_approve").await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["group_settings_update"]).await;

    let photo = jpeg_file(640, 640);
    let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&photo));
    let set = set_photo(&sim, &sandbox, &group, "file", photo).await;
    let request_id = set.ok()["request_id"].clone();
    assert_eq!(set.ok()["messaging_product"], "whatsapp");
    // The spec's JSON name works as a file part too.
    let again = set_photo(
        &sim,
        &sandbox,
        &group,
        "profile_picture_file",
        jpeg_file(192, 192),
    )
    .await;
    assert!(again.ok()["request_id"].is_string());

    // Meta's refusals change nothing.
    let wide = set_photo(&sim, &sandbox, &group, "file", jpeg_file(640, 480)).await;
    assert_whatsapp_error(
        &wide,
        400,
        131209,
        "Invalid Group Profile Picture Aspect Ratio",
        "Width and height of the image must be equal (got 640x480).",
    );
    let small = set_photo(&sim, &sandbox, &group, "file", jpeg_file(191, 191)).await;
    assert_whatsapp_error(
        &small,
        400,
        131210,
        "Image is Too Small to Process",
        "Image width and height must be at least 192px (got 191px).",
    );
    let png = set_photo(
        &sim,
        &sandbox,
        &group,
        "file",
        b"\x89PNG\r\n\x1a\n".to_vec(),
    )
    .await;
    assert_param_error(
        &png,
        "Param file must be a JPEG image (the group profile picture)",
    );

    sim.deliver(&sandbox).await;
    let items: Vec<Value> = receiver
        .bodies()
        .iter()
        .map(|b| groups_item(b).1.clone())
        .collect();
    assert_eq!(items.len(), 2, "{items:?}");
    let timestamp = items[0]["timestamp"].clone();
    assert_eq!(
        items[0],
        json!({ "type": "group_settings_update", "request_id": request_id,
            "profile_picture": { "mime_type": "image/jpeg", "sha256": digest, "update_successful": true },
            "timestamp": timestamp, "group_id": group })
    );
    assert_ne!(items[1]["profile_picture"]["sha256"], json!(digest));

    // Meta's group info has no picture field.
    let info = read(&sim, &sandbox, &format!("/{group}?fields=profile_picture")).await;
    info.assert_error(400, 100, None, "OAuthException");

    // The picture survives a snapshot, byte for byte.
    let exported = sim.assert_snapshot_round_trip(&sandbox).await;
    assert!(String::from_utf8_lossy(&exported).contains("\"profile_picture\""));
}

async fn allowlist(sim: &Sim, sandbox: &Sandbox, allowlisted: bool) -> Reply {
    let path = sandbox.sim(&format!(
        "/whatsapp/phone_numbers/{}/groups_access",
        phone(sandbox)
    ));
    sim.post_json(&path, &json!({ "allowlisted": allowlisted }))
        .await
}

#[track_caller]
fn assert_ineligible(reply: &Reply) {
    assert_whatsapp_error(
        reply,
        400,
        131215,
        "This phone number is not eligible to access Groups APIs",
        "Groups APIs are only available for eligible phone numbers. Please check eligibility for Groups APIs in our documentation - https://developers.facebook.com/docs/whatsapp/cloud-api/groups/getting-started",
    );
}

#[tokio::test]
async fn only_official_or_allowlisted_numbers_use_groups() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(136).await;
    // The demo number is on the allowlist: groups work.
    let (group, _) = create(&sim, &sandbox, "Early", "auto_approve").await;

    let off = allowlist(&sim, &sandbox, false).await;
    assert_eq!(
        off.ok(),
        &json!({ "phone_number_id": phone(&sandbox), "allowlisted": false, "eligible": false })
    );
    let before = sim.events(&sandbox).await.len();
    let path = format!("/{}/groups", phone(&sandbox));
    let body = json!({ "messaging_product": "whatsapp", "subject": "Late" });
    assert_ineligible(&call(&sim, &sandbox, Method::POST, &path, body.clone()).await);
    assert_ineligible(&read(&sim, &sandbox, &path).await);
    assert_ineligible(&read(&sim, &sandbox, &format!("/{group}/invite_link")).await);
    let mut send = message(&group, "text", json!({ "body": "Hello" }));
    send["recipient_type"] = json!("group");
    assert_ineligible(&post(&sim, &sandbox, &send).await);
    assert_eq!(sim.events(&sandbox).await.len(), before, "nothing happened");

    // An Official Business Account is eligible without the allowlist.
    let applied = call(
        &sim,
        &sandbox,
        Method::POST,
        &format!("/{}/official_business_account", phone(&sandbox)),
        json!({ "action": "SUBMIT_APPLICATION" }),
    )
    .await;
    assert_eq!(applied.ok()["success"], true);
    let review = sandbox.sim(&format!(
        "/whatsapp/phone_numbers/{}/official_business_account",
        phone(&sandbox)
    ));
    sim.post_json(&review, &json!({ "status": "APPROVED" }))
        .await
        .ok();
    call(&sim, &sandbox, Method::POST, &path, body).await.ok();
    let sent = post(&sim, &sandbox, &send).await;
    assert!(sent.ok()["messages"][0]["id"].is_string());

    // The allowlist survives a snapshot; unknown numbers are 404.
    allowlist(&sim, &sandbox, true).await.ok();
    let exported = sim.assert_snapshot_round_trip(&sandbox).await;
    assert!(String::from_utf8_lossy(&exported).contains("\"groups_allowlist\""));
    sim.post_json(
        &sandbox.sim("/whatsapp/phone_numbers/123/groups_access"),
        &json!({ "allowlisted": true }),
    )
    .await
    .assert_sim_error(404, Some(33));
}

#[tokio::test]
async fn participants_with_a_username_show_their_phone_as_1_1_contacts_do() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(137).await;
    let ana = ANA;
    create_ana(&sim, &sandbox).await;
    let (open, _) = create(&sim, &sandbox, "Herb swap", "auto_approve").await;
    let (closed, _) = create(&sim, &sandbox, "Seed swap", "approval_required").await;
    for group in [&open, &closed] {
        let link = invite_link(&sim, &sandbox, group).await;
        join(&sim, &sandbox, ana, &link).await.ok();
    }
    let user_id = bsuid(&sim, &sandbox, ana).await;

    // A username hides the phone from a business she never wrote to.
    let info = read(&sim, &sandbox, &format!("/{open}?fields=participants")).await;
    assert_eq!(
        info.ok()["participants"],
        json!([{ "user_id": user_id, "username": "ana.diaz" }])
    );
    let requests = read(&sim, &sandbox, &format!("/{closed}/join_requests")).await;
    let request = &requests.ok()["data"][0];
    assert!(request.get("wa_id").is_none(), "{request}");
    assert_eq!(request["user_id"], user_id.as_str());
    assert_eq!(request["username"], "ana.diaz");

    // Once she writes in the group, the number may see her phone.
    let path = sandbox.sim(&format!("/whatsapp/consumers/{ana}/groups/{open}/messages"));
    let wrote = sim
        .post_json(
            &path,
            &json!({ "type": "text", "text": { "body": "Basil?" } }),
        )
        .await;
    assert_eq!(wrote.status, 201, "{}", wrote.text());
    let info = read(&sim, &sandbox, &format!("/{open}?fields=participants")).await;
    assert_eq!(
        info.ok()["participants"],
        json!([{ "wa_id": ana, "user_id": user_id, "username": "ana.diaz" }])
    );
    let requests = read(&sim, &sandbox, &format!("/{closed}/join_requests")).await;
    assert_eq!(requests.ok()["data"][0]["wa_id"], ana);
}

/// Once Meta enrols the business's portfolio for parent BSUIDs (control
/// plane), group people carry `parent_user_id` (`CC.ENT.` and digits) beside
/// their BSUID — in the group's participants, its join requests and the
/// `group_participants_update` webhook; before, they do not. A portfolio is
/// enrolled once; an unknown one is refused.
#[tokio::test]
async fn an_enrolled_portfolio_sees_parent_bsuids_of_group_people() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(138).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["group_participants_update"]).await;
    let (open, _) = create(&sim, &sandbox, "Orchids", "auto_approve").await;
    let (closed, _) = create(&sim, &sandbox, "Bonsai", "approval_required").await;
    let link = invite_link(&sim, &sandbox, &open).await;
    join(&sim, &sandbox, ALICE, &link).await.ok();
    let participants = format!("/{open}?fields=participants");
    let before = read(&sim, &sandbox, &participants).await;
    let alice = bsuid(&sim, &sandbox, ALICE).await;
    let unenrolled = json!([{ "wa_id": ALICE, "user_id": alice }]);
    assert_eq!(before.ok()["participants"], unenrolled);

    let enrol = sandbox.sim("/whatsapp/parent_bsuid_accounts");
    let business = sandbox.id_of("business");
    sim.post_json(&enrol, &json!({ "business_ids": ["404"] }))
        .await
        .assert_sim_error(400, None);
    let enrolled = sim
        .post_json(&enrol, &json!({ "business_ids": [business] }))
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.text());
    assert_eq!(
        enrolled.json["enrolled_business_portfolios"],
        json!([business])
    );
    sim.post_json(&enrol, &json!({ "business_ids": [business] }))
        .await
        .assert_sim_error(400, None);

    let after = read(&sim, &sandbox, &participants).await;
    let member = &after.ok()["participants"][0];
    let parent = member["parent_user_id"].as_str().expect("a parent BSUID");
    let digits = parent.strip_prefix("US.ENT.").expect("US.ENT. and digits");
    assert!(
        digits.len() == 19 && digits.bytes().all(|b| b.is_ascii_digit()),
        "{parent}"
    );
    assert_eq!(member["user_id"], alice.as_str());
    let link = invite_link(&sim, &sandbox, &closed).await;
    join(&sim, &sandbox, BOB, &link).await.ok();
    let requests = read(&sim, &sandbox, &format!("/{closed}/join_requests")).await;
    let request = &requests.ok()["data"][0];
    let bob_parent = request["parent_user_id"].as_str().expect("a parent BSUID");
    assert!(bob_parent.starts_with("US.ENT."), "{request}");
    assert_ne!(bob_parent, parent);

    sim.deliver(&sandbox).await;
    let bodies = receiver.bodies();
    let items: Vec<&Value> = bodies.iter().map(|body| groups_item(body).1).collect();
    assert_eq!(items[0]["added_participants"], unenrolled);
    assert_eq!(items[1]["type"], "group_join_request_created");
    assert_eq!(items[1]["parent_user_id"], bob_parent);
    assert_eq!(items[1]["user_id"], bsuid(&sim, &sandbox, BOB).await);

    sim.assert_snapshot_round_trip(&sandbox).await;
    let kept = read(&sim, &sandbox, &participants).await;
    assert_eq!(kept.ok()["participants"][0]["parent_user_id"], parent);
}

/// The business removes a participant named by BSUID (`user_id`, as Meta's
/// BSUID changes allow) instead of `user`; the webhook echoes it as
/// `input`. A BSUID of no participant (a parent BSUID included) fails like a
/// phone of no participant; an entry with both keys is refused.
#[tokio::test]
async fn participants_are_removed_by_bsuid() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(139).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["group_participants_update"]).await;
    let (group, _) = create(&sim, &sandbox, "Cacti", "auto_approve").await;
    let link = invite_link(&sim, &sandbox, &group).await;
    join(&sim, &sandbox, ALICE, &link).await.ok();
    join(&sim, &sandbox, BOB, &link).await.ok();
    let account = enrol_parent_bsuids(&sim, &sandbox, &["business"]).await;
    let parent = parent_bsuid(&sim, &sandbox, BOB, &account).await;
    let alice = bsuid(&sim, &sandbox, ALICE).await;
    let remove = async |participants: Value| {
        let body = json!({ "messaging_product": "whatsapp", "participants": participants });
        let path = format!("/{group}/participants");
        call(&sim, &sandbox, Method::DELETE, &path, body).await
    };
    let both = remove(json!([{ "user": BOB, "user_id": alice }])).await;
    both.assert_error(400, 100, None, "OAuthException");

    remove(json!([{ "user_id": alice }, { "user_id": parent }]))
        .await
        .ok();
    let info = read(&sim, &sandbox, &format!("/{group}?fields=participants")).await;
    let left: Vec<&Value> = info.ok()["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["wa_id"])
        .collect();
    assert_eq!(left, [BOB]);
    sim.deliver(&sandbox).await;
    let bodies = receiver.bodies();
    let (_, removal) = groups_item(bodies.last().unwrap());
    assert_eq!(removal["type"], "group_participants_remove");
    assert_eq!(removal["removed_participants"], json!([{ "input": alice }]));
    assert_eq!(removal["failed_participants"][0]["input"], parent.as_str());
    assert_eq!(
        removal["failed_participants"][0]["errors"][0]["code"],
        131009
    );
}
