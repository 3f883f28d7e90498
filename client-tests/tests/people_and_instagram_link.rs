//! People made through the control plane — Facebook users with their
//! standing, Instagram accounts personal or professional — and the Instagram
//! account ↔ Facebook Page link made in Meta's apps, checked where an
//! integration sees it: the Page's `instagram_business_account` and
//! `connected_instagram_account`, and `GET /{ig-user-id}`.

use client_tests::{Sandbox, Sim, V, Value, json, unsupported};

async fn create_facebook_user(sim: &Sim, sandbox: &Sandbox, body: Value) -> Value {
    let reply = sim.post_json(&sandbox.sim("/facebook/users"), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json
}

async fn create_instagram_user(sim: &Sim, sandbox: &Sandbox, body: Value) -> Value {
    let reply = sim.post_json(&sandbox.sim("/instagram/users"), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json
}

#[tokio::test]
async fn facebook_users_carry_their_standing() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(401).await;
    let ana = create_facebook_user(
        &sim,
        &sandbox,
        json!({"name": "Ana Diaz", "email": "ana@example.com", "email_verified": true,
               "two_factor": true, "phone": "+1 555 010 7777"}),
    )
    .await;
    let id = ana["id"].as_str().unwrap().to_owned();
    assert!(id.len() == 15 && id.starts_with("35"), "{id}");
    assert_eq!(
        ana,
        json!({"id": id, "name": "Ana Diaz", "email": "ana@example.com", "phone": "+15550107777",
               "email_verified": true, "phone_verified": false, "two_factor": true, "compromised": false})
    );
    let read = sim
        .get(&sandbox.sim(&format!("/facebook/users/{id}")))
        .await;
    assert_eq!(read.ok(), &ana);
    let all = sim.get(&sandbox.sim("/facebook/users")).await;
    assert!(all.ok()["data"].as_array().unwrap().contains(&ana));

    // A person, not a Page: the Graph API shows their public profile.
    let graph = sim
        .get_as(
            sandbox.token("user_token"),
            &format!("/{V}/{id}?fields=first_name,last_name"),
        )
        .await;
    assert_eq!(
        graph.ok(),
        &json!({"first_name": "Ana", "last_name": "Diaz", "id": id})
    );

    for (body, text) in [
        (json!({}), "missing field `name`"),
        (json!({"name": " "}), "name: must be 1 to 100 characters"),
        (
            json!({"name": "X", "email": "nope"}),
            "email: \"nope\" is not an email address",
        ),
        (
            json!({"name": "X", "phone": "12"}),
            "phone: \"12\" is not a number with country code",
        ),
        (
            json!({"name": "X", "verified": true}),
            "unknown field `verified`",
        ),
    ] {
        let reply = sim.post_json(&sandbox.sim("/facebook/users"), &body).await;
        assert!(
            reply.assert_sim_error(400, None).contains(text),
            "{}",
            reply.text()
        );
    }
    let missing = sim
        .get(&sandbox.sim("/facebook/users/350000000000000"))
        .await;
    assert_eq!(
        missing.assert_sim_error(404, Some(33)),
        "No Facebook user with id \"350000000000000\""
    );
}

#[tokio::test]
async fn only_professional_instagram_accounts_are_graph_nodes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(402).await;
    let token = sandbox.token("user_token");
    let personal = create_instagram_user(
        &sim,
        &sandbox,
        json!({"username": "ana.plants", "name": "Ana", "account_type": "personal", "phone_verified": true}),
    )
    .await;
    assert_eq!(personal["account_type"], "PERSONAL");
    assert_eq!(personal["professional"], false);
    assert_eq!(personal["phone_verified"], true);
    assert_eq!(personal["allow_access_to_messages"], true);
    let creator = create_instagram_user(
        &sim,
        &sandbox,
        json!({"username": "fern.creates", "name": "Fern", "account_type": "creator",
               "biography": "Ferns, mostly.", "website": "https://fern.example", "followers_count": 12}),
    )
    .await;
    assert_eq!(creator["account_type"], "MEDIA_CREATOR");
    let creator_id = creator["id"].as_str().unwrap();
    assert!(creator_id.starts_with("17841") && creator_id.len() == 17);

    let fields = "username,name,biography,website,followers_count,follows_count,media_count,profile_picture_url";
    let graph = sim
        .get_as(token, &format!("/{V}/{creator_id}?fields={fields}"))
        .await;
    assert_eq!(
        graph.ok(),
        &json!({"username": "fern.creates", "name": "Fern", "biography": "Ferns, mostly.",
                "website": "https://fern.example", "followers_count": 12, "follows_count": 0,
                "media_count": 0,
                "profile_picture_url": format!("https://scontent.cdninstagram.com/v/{creator_id}/profile.jpg"),
                "id": creator_id})
    );
    let personal_id = personal["id"].as_str().unwrap();
    let hidden = sim.get_as(token, &format!("/{V}/{personal_id}")).await;
    hidden.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(hidden.message(), unsupported("get", personal_id));

    let listed = sim.get(&sandbox.sim("/instagram/users")).await;
    assert_eq!(
        listed.ok()["data"].as_array().unwrap().len(),
        4,
        "the demo's two + 2"
    );
    let read = sim
        .get(&sandbox.sim(&format!("/instagram/users/{personal_id}")))
        .await;
    assert_eq!(read.ok(), &personal);

    for (body, text) in [
        (
            json!({"username": "ana.plants", "account_type": "business"}),
            "username: \"ana.plants\" is taken",
        ),
        (
            json!({"username": "Bad Name", "account_type": "business"}),
            "is not an Instagram username",
        ),
        (
            json!({"username": "ok.name", "account_type": "company"}),
            "unknown variant `company`",
        ),
        (
            json!({"username": "ok.name"}),
            "missing field `account_type`",
        ),
    ] {
        let reply = sim.post_json(&sandbox.sim("/instagram/users"), &body).await;
        assert!(
            reply.assert_sim_error(400, None).contains(text),
            "{}",
            reply.text()
        );
    }
}

async fn page_instagram_fields(sim: &Sim, sandbox: &Sandbox) -> Value {
    let page = sandbox.id_of("page");
    let reply = sim
        .get_as(
            sandbox.token("user_token"),
            &format!("/{V}/{page}?fields=instagram_business_account,connected_instagram_account"),
        )
        .await;
    reply.ok().clone()
}

#[tokio::test]
async fn instagram_accounts_connect_to_pages_and_disconnect() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(403).await;
    let page = sandbox.id_of("page");
    let demo_ig = sandbox.id_of("instagram");
    let link = sandbox.sim(&format!("/pages/{page}/instagram-link"));

    // The demo starts linked.
    assert_eq!(
        page_instagram_fields(&sim, &sandbox).await,
        json!({"instagram_business_account": {"id": demo_ig},
               "connected_instagram_account": {"id": demo_ig}, "id": page})
    );
    let read = sim.get(&link).await;
    assert_eq!(
        read.ok(),
        &json!({"page_id": page, "instagram_id": demo_ig, "username": "luckyshrub"})
    );

    let other = create_instagram_user(
        &sim,
        &sandbox,
        json!({"username": "shrub.two", "account_type": "business"}),
    )
    .await;
    let other_id = other["id"].as_str().unwrap();
    let taken = sim
        .post_json(&link, &json!({"instagram_id": other_id}))
        .await;
    taken.assert_sim_error(409, None);
    assert_eq!(taken.error()["error_data"], json!({"reason": "page_taken"}));

    let removed = sim.delete(&link).await;
    assert_eq!(
        removed.ok(),
        &json!({"success": true, "removed": {"page_id": page, "instagram_id": demo_ig, "username": "luckyshrub"}})
    );
    assert_eq!(
        page_instagram_fields(&sim, &sandbox).await,
        json!({"id": page})
    );
    let gone = sim.get(&link).await;
    gone.assert_sim_error(404, Some(33));
    assert_eq!(gone.error()["error_data"], json!({"reason": "not_linked"}));
    sim.delete(&link).await.assert_sim_error(404, Some(33));

    let personal = create_instagram_user(
        &sim,
        &sandbox,
        json!({"username": "just.me", "account_type": "personal"}),
    )
    .await;
    let refused = sim
        .post_json(&link, &json!({"instagram_id": personal["id"]}))
        .await;
    refused.assert_sim_error(403, None);
    assert_eq!(
        refused.error()["error_data"],
        json!({"reason": "not_professional"})
    );

    let connected = sim
        .post_json(&link, &json!({"instagram_id": other_id}))
        .await;
    assert_eq!(connected.status, 201, "{}", connected.text());
    assert_eq!(
        page_instagram_fields(&sim, &sandbox).await,
        json!({"instagram_business_account": {"id": other_id},
               "connected_instagram_account": {"id": other_id}, "id": page})
    );
    let again = sim
        .post_json(&link, &json!({"instagram_id": other_id}))
        .await;
    assert_eq!(
        again.status, 201,
        "connecting the same pair again changes nothing"
    );

    let unknown = sim
        .post_json(
            &sandbox.sim("/pages/330000000000000/instagram-link"),
            &json!({"instagram_id": other_id}),
        )
        .await;
    unknown.assert_sim_error(404, Some(33));
    let unknown = sim
        .post_json(&link, &json!({"instagram_id": "17841000000000000"}))
        .await;
    assert_eq!(
        unknown.error()["error_data"],
        json!({"reason": "unknown_account"})
    );
}
