//! Tenant isolation: a token of one sandbox never sees another sandbox's
//! nodes — the answer is 100/33, exactly as for a node that does not exist —
//! whether the seeds differ or are the same; and nothing done to one sandbox
//! (requests, faults, clock, tokens, reset, delete) shows in another.

use client_tests::{Reply, Sim, V, Value, demo_fixture, json, unsupported};

const NOWHERE: &str = "999999999999999";

/// The parts of an error answer that must not depend on whether the node
/// exists elsewhere: status, headers that matter, and the envelope without
/// its trace id, with `id` written as `{id}`.
fn shape(reply: &Reply, id: &str) -> (u16, Option<String>, Option<String>, Value) {
    let mut error = reply.error().clone();
    error.as_object_mut().unwrap().remove("fbtrace_id");
    let text = error.to_string().replace(id, "{id}");
    (
        reply.status,
        reply.header("facebook-api-version").map(str::to_owned),
        reply.header("www-authenticate").map(str::to_owned),
        serde_json::from_str(&text).unwrap(),
    )
}

async fn assert_invisible(sim: &Sim, token: &str, id: &str) {
    for suffix in ["", "?fields=id,name", "/phone_numbers", "/accounts"] {
        let foreign = sim.get_as(token, &format!("/{V}/{id}{suffix}")).await;
        foreign.assert_error(400, 100, Some(33), "GraphMethodException");
        assert_eq!(foreign.message(), unsupported("get", id));
        let missing = sim.get_as(token, &format!("/{V}/{NOWHERE}{suffix}")).await;
        assert_eq!(
            shape(&foreign, id),
            shape(&missing, NOWHERE),
            "{id}{suffix}"
        );
        assert_eq!(
            foreign.header("x-business-use-case-usage"),
            None,
            "no usage is reported against a foreign object"
        );
    }
}

#[tokio::test]
async fn another_sandboxs_nodes_look_like_missing_nodes() {
    let sim = Sim::start().await;
    let a = sim.demo(1).await;
    let b = sim.demo(2).await;
    for handle in [
        "waba",
        "phone_number",
        "page",
        "instagram",
        "business",
        "owner",
        "system_user",
        "app",
    ] {
        let id = b.id_of(handle);
        assert_ne!(id, a.id_of(handle));
        for token in ["system_user_token", "user_token"] {
            assert_invisible(&sim, a.token(token), id).await;
        }
    }
    // B's own token sees them.
    sim.get_as(
        b.token("system_user_token"),
        &format!("/{V}/{}", b.id_of("waba")),
    )
    .await
    .ok();
    // A Page token of A is no way in either.
    let accounts = sim
        .get_as(a.token("user_token"), &format!("/{V}/me/accounts"))
        .await;
    let page_token = accounts.json["data"][0]["access_token"].as_str().unwrap();
    assert_invisible(&sim, page_token, b.id_of("page")).await;
}

#[tokio::test]
async fn the_same_seed_shares_ids_but_not_state() {
    let sim = Sim::start().await;
    let a = sim.demo(5).await;
    let mut fixture = demo_fixture();
    fixture["pages"][0]["name"] = json!("B's own shop");
    fixture["pages"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "handle": "extra_page", "id": "339999999999999", "name": "Only in B" }));
    fixture["whatsapp_business_accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "handle": "extra_waba", "id": "319999999999999", "name": "Only in B", "business": "business" }));
    let b = sim
        .create_sandbox(json!({ "seed": 5, "fixture": fixture }))
        .await;
    // Pinned ids take nothing from the generator: the shared nodes have the same ids.
    for handle in ["waba", "phone_number", "page", "instagram", "owner", "app"] {
        assert_eq!(a.id_of(handle), b.id_of(handle), "{handle}");
    }
    let page = a.id_of("page");
    let mine = sim
        .get_as(a.token("user_token"), &format!("/{V}/{page}"))
        .await;
    assert_eq!(mine.ok()["name"], "Lucky Shrub");
    let theirs = sim
        .get_as(b.token("user_token"), &format!("/{V}/{page}"))
        .await;
    assert_eq!(theirs.ok()["name"], "B's own shop");
    // Nodes only B has are, for A, nodes that do not exist.
    assert_invisible(&sim, a.token("user_token"), "339999999999999").await;
    assert_invisible(&sim, a.token("system_user_token"), "319999999999999").await;
    // Listing edges never crosses over either.
    let owned = format!(
        "/{V}/{}/owned_whatsapp_business_accounts?fields=id",
        a.id_of("business")
    );
    let listed = sim.get_as(a.token("user_token"), &owned).await;
    assert_eq!(listed.ok()["data"], json!([{ "id": a.id_of("waba") }]));
    let listed = sim.get_as(b.token("user_token"), &owned).await;
    let mut expected = [b.id_of("waba"), "319999999999999"];
    expected.sort_unstable();
    assert_eq!(
        listed.ok()["data"],
        json!([{ "id": expected[0] }, { "id": expected[1] }]),
        "edges list in id order"
    );
}

#[tokio::test]
async fn batches_and_debug_token_stay_inside_the_sandbox() {
    let sim = Sim::start().await;
    let a = sim.demo(7).await;
    let b = sim.demo(8).await;
    let foreign = b.id_of("page");
    let reply = sim
        .post_form(
            &format!("/{V}"),
            &[
                ("access_token", a.token("user_token")),
                ("batch", &format!(r#"[{{"relative_url":"{foreign}"}},{{"relative_url":"me?access_token={}"}}]"#, b.token("user_token"))),
                ("include_headers", "false"),
            ],
        )
        .await;
    let results = reply.ok().as_array().unwrap();
    let first: Value = serde_json::from_str(results[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(first["error"]["message"], unsupported("get", foreign));
    // Another sandbox's token is not a token here, even inside a batch.
    let second: Value = serde_json::from_str(results[1]["body"].as_str().unwrap()).unwrap();
    assert_eq!(second["error"]["code"], 190);

    let debug = sim
        .get_as(
            a.token("user_token"),
            &format!(
                "/{V}/debug_token?input_token={}",
                b.token("system_user_token")
            ),
        )
        .await;
    assert_eq!(
        debug.ok(),
        &json!({ "data": { "error": { "code": 190, "message": "Invalid OAuth access token - Cannot parse access token" }, "is_valid": false, "scopes": [] } })
    );
    let app_token = b.app_token("app");
    let debug = sim
        .get_as(
            a.token("user_token"),
            &format!(
                "/{V}/debug_token?input_token={}",
                client_tests::query(&[("x", &app_token)]).split_off(2)
            ),
        )
        .await;
    assert_eq!(debug.ok()["data"]["is_valid"], false);
}

#[tokio::test]
async fn nothing_done_to_one_sandbox_shows_in_another() {
    let sim = Sim::start().await;
    let a = sim.demo(9).await;
    let b = sim.demo(10).await;
    let a_me = format!("/{V}/me");
    let before = sim.get_as(a.token("user_token"), &a_me).await;
    let before_clock = sim.get(&a.sim("/clock")).await;

    sim.add_fault(&b, json!({ "error": { "code": 2, "http_status": 503 } }))
        .await;
    sim.advance(&b, 999_999).await;
    for handle in ["user_token", "system_user_token"] {
        sim.post_json(
            &b.sim(&format!("/tokens/{handle}/invalidate")),
            &json!({ "reason": "app_removed" }),
        )
        .await
        .ok();
    }
    sim.post_json(
        &b.sim("/tokens"),
        &json!({ "handle": "extra", "subject": "owner", "app": "app" }),
    )
    .await;
    sim.get_as(b.token("user_token"), &a_me).await;

    let after = sim.get_as(a.token("user_token"), &a_me).await;
    assert_eq!(after.ok(), before.ok());
    assert_eq!(sim.get(&a.sim("/clock")).await.json, before_clock.json);
    let a_journal = sim.journal(&a, "").await;
    assert_eq!(a_journal.len(), 2, "only A's own requests");
    let b_journal = sim.journal(&b, "").await;
    assert_eq!(b_journal.len(), 1);
    assert_eq!(b_journal[0]["status"], 400);
    let a_info = sim.get(&a.sim("")).await;
    assert_eq!(a_info.json["counts"]["faults"], 0);
    assert_eq!(a_info.json["counts"]["tokens"], 4);

    // Resetting or deleting B leaves A as it was.
    sim.post_json(&b.sim("/reset"), &json!({})).await.ok();
    sim.delete(&b.sim("")).await.ok();
    assert_eq!(
        sim.get_as(a.token("user_token"), &a_me).await.ok(),
        before.ok()
    );
    assert_eq!(sim.journal(&a, "").await.len(), 3);
}
