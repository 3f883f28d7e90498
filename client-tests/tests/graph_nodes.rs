//! Nodes and edges: unknown ids (100/33), edges (2500), aliases (803), edges
//! on the wrong node type and unknown fields (100), unsupported verbs,
//! permission errors (200, HTTP 403), granular targets that hide a WABA,
//! `?fields=` with nesting, `.limit()` and `.as()`, default fields, and cursor
//! paging with `limit`, `after`, `before`, `next` and `previous`.

use client_tests::{Reply, Sandbox, Sim, V, Value, demo_fixture, json, unsupported, waba_fixture};
use reqwest::Method;

async fn get(sim: &Sim, sandbox: &Sandbox, token: &str, path: &str) -> Reply {
    sim.get_as(sandbox.token(token), &format!("/{V}{path}"))
        .await
}

#[tokio::test]
async fn an_unknown_id_is_100_33() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    for path in [
        "/123456789",
        "/123456789?fields=id,name",
        "/123456789/phone_numbers",
        "/0",
    ] {
        let reply = get(&sim, &sandbox, "system_user_token", path).await;
        reply.assert_error(400, 100, Some(33), "GraphMethodException");
        let id = path[1..].split(['/', '?']).next().unwrap();
        assert_eq!(reply.message(), unsupported("get", id));
    }
    // A consumer's phone number is no Graph node.
    let reply = get(&sim, &sandbox, "system_user_token", "/15550109999").await;
    assert_eq!(reply.message(), unsupported("get", "15550109999"));
}

#[tokio::test]
async fn unsupported_verbs_on_known_nodes_are_100_33() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(2).await;
    let token = sandbox.token("user_token");
    let page = sandbox.id_of("page");
    // A user node takes no POST; a Page takes POST (business info) but no DELETE.
    let owner = sandbox.id_of("owner");
    for (method, verb, id) in [
        (Method::POST, "post", owner),
        (Method::DELETE, "delete", page),
    ] {
        let reply = sim
            .send(
                sim.request(method, &format!("/{V}/{id}"))
                    .bearer_auth(token),
            )
            .await;
        reply.assert_error(400, 100, Some(33), "GraphMethodException");
        assert_eq!(reply.message(), unsupported(verb, id));
    }
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/me/accounts"))
                .bearer_auth(token),
        )
        .await;
    assert_eq!(reply.message(), unsupported("post", sandbox.id_of("owner")));
    // JavaScript SDKs tunnel verbs through GET with `method=`.
    let tunneled = sim
        .get_as(token, &format!("/{V}/{page}?method=delete"))
        .await;
    tunneled.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(tunneled.message(), unsupported("delete", page));
    let journal = sim.journal(&sandbox, "limit=1").await;
    assert_eq!(journal[0]["method"], "DELETE");
}

#[tokio::test]
async fn unknown_edges_aliases_and_misplaced_edges() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    let page = sandbox.id_of("page");
    let waba = sandbox.id_of("waba");
    let cases = [
        (format!("/{page}/frobnicate"), 2500, "Unknown path components: /frobnicate".to_owned()),
        (format!("/{page}/a/b"), 2500, "Unknown path components: /a/b".to_owned()),
        ("/me/accounts/extra".to_owned(), 2500, "Unknown path components: /accounts/extra".to_owned()),
        ("/luckyshrub".to_owned(), 803, "(#803) Some of the aliases you requested do not exist: luckyshrub".to_owned()),
        ("/luckyshrub/accounts".to_owned(), 803, "(#803) Some of the aliases you requested do not exist: luckyshrub".to_owned()),
        ("/12ab".to_owned(), 803, "(#803) Some of the aliases you requested do not exist: 12ab".to_owned()),
        (
            format!("/{page}/phone_numbers"),
            100,
            "(#100) Tried accessing nonexisting field (phone_numbers) on node type (Page)".to_owned(),
        ),
        (
            "/me/owned_whatsapp_business_accounts".to_owned(),
            100,
            "(#100) Tried accessing nonexisting field (owned_whatsapp_business_accounts) on node type (User)".to_owned(),
        ),
    ];
    for (path, code, message) in cases {
        let reply = get(&sim, &sandbox, "user_token", &path).await;
        reply.assert_error(400, code, None, "OAuthException");
        assert_eq!(reply.message(), message, "{path}");
    }
    let reply = get(
        &sim,
        &sandbox,
        "system_user_token",
        &format!("/{waba}/accounts"),
    )
    .await;
    reply.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        reply.message(),
        "(#100) Tried accessing nonexisting field (accounts) on node type (WhatsAppBusinessAccount)"
    );
}

#[tokio::test]
async fn unknown_fields_and_bad_selections_are_100() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let cases = [
        (
            "user_token",
            format!("/{}?fields=name,bogus", sandbox.id_of("page")),
            "(#100) Tried accessing nonexisting field (bogus) on node type (Page)",
        ),
        (
            "user_token",
            "/me?fields=phone".to_owned(),
            "(#100) Tried accessing nonexisting field (phone) on node type (User)",
        ),
        (
            "system_user_token",
            format!("/{}?fields=status,colour", sandbox.id_of("phone_number")),
            "(#100) Tried accessing nonexisting field (colour) on node type (WhatsAppBusinessPhoneNumber)",
        ),
        (
            "user_token",
            format!(
                "/{}?fields=instagram_business_account{{bogus}}",
                sandbox.id_of("page")
            ),
            "(#100) Tried accessing nonexisting field (bogus) on node type (IGUser)",
        ),
        (
            "user_token",
            "/me/accounts?fields=id,likes".to_owned(),
            "(#100) Tried accessing nonexisting field (likes) on node type (Page)",
        ),
        (
            "user_token",
            "/app?fields=secret".to_owned(),
            "(#100) Tried accessing nonexisting field (secret) on node type (Application)",
        ),
        (
            "user_token",
            "/me?fields=a,".to_owned(),
            "(#100) Syntax error \"Expected field name\" at character 2: a,",
        ),
        (
            "user_token",
            "/me?fields=name{id".to_owned(),
            "(#100) Syntax error \"Expected \"}\"\" at character 7: name{id",
        ),
        (
            "user_token",
            "/me?fields=accounts.limit(x)".to_owned(),
            "(#100) Syntax error \"Expected a number in limit()\" at character 17: accounts.limit(x)",
        ),
    ];
    for (token, path, message) in cases {
        let reply = get(&sim, &sandbox, token, &path).await;
        reply.assert_error(400, 100, None, "OAuthException");
        assert_eq!(reply.message(), message, "{path}");
    }
    let deep = format!("{}id{}", "accounts{".repeat(40), "}".repeat(40));
    let reply = get(&sim, &sandbox, "user_token", &format!("/me?fields={deep}")).await;
    reply.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        reply.message(),
        "(#100) Field selections may nest at most 32 levels deep"
    );
}

#[tokio::test]
async fn a_missing_permission_is_200_with_http_403() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(5).await;
    // The owner's user token has no WhatsApp scopes.
    for node in ["waba", "phone_number"] {
        let reply = get(
            &sim,
            &sandbox,
            "user_token",
            &format!("/{}", sandbox.id_of(node)),
        )
        .await;
        let error = reply.assert_error(403, 200, None, "OAuthException");
        assert_eq!(error["message"], "(#200) Permissions error");
        assert_eq!(
            error["error_data"],
            json!({
                "messaging_product": "whatsapp",
                "details": "The access token is missing the whatsapp_business_management permission",
            })
        );
    }
    // The system user has no instagram_basic: directly, and through a Page field.
    let instagram = sandbox.id_of("instagram");
    let reply = get(
        &sim,
        &sandbox,
        "system_user_token",
        &format!("/{instagram}"),
    )
    .await;
    reply.assert_error(403, 200, None, "OAuthException");
    assert!(reply.error().get("error_data").is_none());
    let page = sandbox.id_of("page");
    let reply = get(
        &sim,
        &sandbox,
        "system_user_token",
        &format!("/{page}?fields=instagram_business_account{{username}}"),
    )
    .await;
    reply.assert_error(403, 200, None, "OAuthException");
    // Without expansion the reference is just an id, which needs no scope.
    let reply = get(
        &sim,
        &sandbox,
        "system_user_token",
        &format!("/{page}?fields=instagram_business_account"),
    )
    .await;
    assert_eq!(
        reply.ok(),
        &json!({ "instagram_business_account": { "id": instagram }, "id": page })
    );
    // Edges that need a scope.
    let reply = get(
        &sim,
        &sandbox,
        "user_token",
        &format!("/{}/phone_numbers", sandbox.id_of("waba")),
    )
    .await;
    reply.assert_error(403, 200, None, "OAuthException");
}

fn two_waba_fixture() -> Value {
    let mut fixture = demo_fixture();
    fixture["whatsapp_business_accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "handle": "waba2", "name": "Other brand", "business": "business",
            "phone_numbers": [{
                "handle": "phone2", "display_phone_number": "+1 555-010-0002",
                "verified_name": "Other brand", "registered": true,
            }],
        }));
    fixture["tokens"].as_array_mut().unwrap().push(json!({
        "handle": "all_wabas", "subject": "system_user", "app": "app",
        "scopes": ["whatsapp_business_management", "business_management"],
    }));
    fixture
}

#[tokio::test]
async fn granular_targets_hide_other_wabas_as_if_missing() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "fixture": two_waba_fixture(), "seed": 6 }))
        .await;
    let waba = sandbox.id_of("waba");
    let waba2 = sandbox.id_of("waba2");
    let phone2 = sandbox.id_of("phone2");
    sim.get_as(sandbox.token("system_user_token"), &format!("/{V}/{waba}"))
        .await
        .ok();
    for (id, path) in [
        (waba2, format!("/{waba2}")),
        (waba2, format!("/{waba2}?fields=id,name")),
        (waba2, format!("/{waba2}/phone_numbers")),
        (phone2, format!("/{phone2}")),
    ] {
        let reply = get(&sim, &sandbox, "system_user_token", &path).await;
        reply.assert_error(400, 100, Some(33), "GraphMethodException");
        assert_eq!(reply.message(), unsupported("get", id));
        // Exactly like an id that does not exist at all.
        let missing = get(
            &sim,
            &sandbox,
            "system_user_token",
            &path.replace(id, "319999999999999"),
        )
        .await;
        assert_eq!(
            missing.message().replace("319999999999999", id),
            reply.message()
        );
        assert_eq!(missing.status, reply.status);
    }
    let business = sandbox.id_of("business");
    let owned = format!("/{business}/owned_whatsapp_business_accounts");
    let limited = get(&sim, &sandbox, "system_user_token", &owned).await;
    let ids: Vec<&str> = limited.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [waba]);
    let everything = get(&sim, &sandbox, "all_wabas", &owned).await;
    let mut ids: Vec<&str> = everything.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut expected = [waba, waba2];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    get(&sim, &sandbox, "all_wabas", &format!("/{phone2}"))
        .await
        .ok();
}

#[tokio::test]
async fn default_fields_per_node_type() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(7).await;
    let id = |handle: &str| sandbox.id_of(handle).to_owned();
    let cases = [
        (
            "user_token",
            id("page"),
            json!({ "id": id("page"), "name": "Lucky Shrub" }),
        ),
        (
            "user_token",
            id("owner"),
            json!({ "id": id("owner"), "name": "Maya Lopez" }),
        ),
        (
            "user_token",
            id("business"),
            json!({ "id": id("business"), "name": "Lucky Shrub" }),
        ),
        (
            "user_token",
            id("app"),
            json!({ "id": id("app"), "name": "Lucky Shrub CRM" }),
        ),
        (
            "user_token",
            id("instagram"),
            json!({ "id": id("instagram") }),
        ),
        (
            "system_user_token",
            id("system_user"),
            json!({ "id": id("system_user"), "name": "Lucky Shrub API" }),
        ),
        (
            "system_user_token",
            id("waba"),
            json!({ "id": id("waba"), "name": "Lucky Shrub" }),
        ),
        (
            "system_user_token",
            id("phone_number"),
            json!({
                "id": id("phone_number"), "display_phone_number": "+1 555-010-0001",
                "verified_name": "Lucky Shrub", "quality_rating": "GREEN",
            }),
        ),
    ];
    for (token, node, expected) in cases {
        let reply = get(&sim, &sandbox, token, &format!("/{node}")).await;
        // Same members in the same order, byte for byte.
        assert_eq!(reply.ok(), &expected);
        assert_eq!(reply.bytes, serde_json::to_vec(&expected).unwrap());
    }
    let numbers = get(
        &sim,
        &sandbox,
        "system_user_token",
        &format!("/{}/phone_numbers", id("waba")),
    )
    .await;
    assert_eq!(
        numbers.ok()["data"][0],
        json!({
            "verified_name": "Lucky Shrub", "code_verification_status": "VERIFIED",
            "display_phone_number": "+1 555-010-0001", "quality_rating": "GREEN",
            "platform_type": "CLOUD_API", "throughput": { "level": "STANDARD" }, "id": id("phone_number"),
        })
    );
}

#[tokio::test]
async fn selected_fields_in_order_with_id_last_and_empty_ones_omitted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(8).await;
    let page = sandbox.id_of("page");
    let reply = get(
        &sim,
        &sandbox,
        "user_token",
        &format!(
            "/{page}?fields=website,about,emails,hours,single_line_address,phone,link,category_list"
        ),
    )
    .await;
    let body = reply.ok();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "website",
            "about",
            "emails",
            "hours",
            "single_line_address",
            "phone",
            "link",
            "category_list",
            "id"
        ]
    );
    assert_eq!(body["emails"], json!(["hello@luckyshrub.example"]));
    assert_eq!(body["hours"]["mon_1_open"], "09:00");
    assert_eq!(body["link"], format!("https://www.facebook.com/{page}"));
    // A Page without those values simply lacks the keys.
    let mut fixture = demo_fixture();
    let bare = json!({ "handle": "bare", "name": "Bare Page" });
    fixture["pages"].as_array_mut().unwrap().push(bare);
    let other = sim.create_sandbox(json!({ "fixture": fixture })).await;
    let reply = sim
        .get_as(
            other.token("user_token"),
            &format!(
                "/{V}/{}?fields=about,website,emails,instagram_business_account,category",
                other.id_of("bare")
            ),
        )
        .await;
    assert_eq!(
        reply.ok(),
        &json!({ "category": "Local business", "id": other.id_of("bare") })
    );
    // Instagram numbers are JSON numbers; ids are strings.
    let instagram = sandbox.id_of("instagram");
    let reply = get(
        &sim,
        &sandbox,
        "user_token",
        &format!(
            "/{instagram}?fields=username,followers_count,follows_count,media_count,ig_id,biography"
        ),
    )
    .await;
    let body = reply.ok();
    assert_eq!(body["username"], "luckyshrub");
    assert_eq!(body["followers_count"], 1280);
    assert_eq!(body["follows_count"], 96);
    assert_eq!(body["media_count"], 42);
    assert!(body["ig_id"].is_u64());
    assert_eq!(body["id"], instagram);
}

#[tokio::test]
async fn nested_selection_limit_and_alias() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "fixture": waba_fixture(3), "seed": 9 }))
        .await;
    let waba = sandbox.id_of("waba");
    let mut phones: Vec<&str> = ["p1", "p2", "p3"]
        .iter()
        .map(|h| sandbox.id_of(h))
        .collect();
    phones.sort_unstable();
    let reply = get(
        &sim,
        &sandbox,
        "t",
        &format!("/{waba}?fields=name.as(title),phone_numbers.limit(2){{id,display_phone_number.as(number)}}"),
    )
    .await;
    let body = reply.ok();
    assert_eq!(body["title"], "Paged");
    assert!(body.get("name").is_none());
    let numbers = &body["phone_numbers"];
    assert_eq!(numbers["data"].as_array().unwrap().len(), 2);
    assert_eq!(numbers["data"][0]["id"], phones[0]);
    assert!(
        numbers["data"][0]["number"]
            .as_str()
            .unwrap()
            .starts_with("+1 555-020-")
    );
    assert!(numbers["data"][0].get("display_phone_number").is_none());
    // The nested edge pages like a top-level one (without the outer query),
    // keeping its own field selection.
    let next = numbers["paging"]["next"].as_str().unwrap();
    assert_eq!(
        next,
        format!(
            "{}/{V}/{waba}/phone_numbers?fields=id%2Cdisplay_phone_number.as%28number%29&limit=2&after={}",
            sim.sim.url(),
            numbers["paging"]["cursors"]["after"].as_str().unwrap()
        )
    );
    let rest = sim
        .get_as(
            sandbox.token("t"),
            next.strip_prefix(sim.sim.url()).unwrap(),
        )
        .await;
    assert_eq!(rest.ok()["data"][0]["id"], phones[2]);
    assert!(rest.json["data"][0]["number"].is_string());

    // Node references expand with braces.
    let demo = sim.demo(9).await;
    let page = demo.id_of("page");
    let reply = sim
        .get_as(
            demo.token("user_token"),
            &format!("/{V}/{page}?fields=name,instagram_business_account{{username,name,followers_count}},connected_instagram_account"),
        )
        .await;
    assert_eq!(
        reply.ok(),
        &json!({
            "name": "Lucky Shrub",
            "instagram_business_account": {
                "username": "luckyshrub", "name": "Lucky Shrub", "followers_count": 1280,
                "id": demo.id_of("instagram"),
            },
            "connected_instagram_account": { "id": demo.id_of("instagram") },
            "id": page,
        })
    );
    // Edges expand inside a node and inside edge items.
    let reply = sim
        .get_as(
            demo.token("system_user_token"),
            &format!("/{V}/{}?fields=owned_whatsapp_business_accounts{{name,phone_numbers{{verified_name}}}}", demo.id_of("business")),
        )
        .await;
    let wabas = &reply.ok()["owned_whatsapp_business_accounts"]["data"];
    assert_eq!(wabas[0]["name"], "Lucky Shrub");
    assert_eq!(
        wabas[0]["phone_numbers"]["data"][0],
        json!({ "verified_name": "Lucky Shrub", "id": demo.id_of("phone_number") })
    );
}

fn ids_of(reply: &Reply) -> Vec<String> {
    reply.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

fn cursor(id: &str) -> String {
    use std::fmt::Write as _;
    // base64url without padding, written out to stay independent of metasim.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = id.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            let index = (n >> (18 - 6 * i)) & 63;
            out.write_char(char::from(ALPHABET[index as usize]))
                .unwrap();
        }
    }
    out
}

#[tokio::test]
async fn cursor_paging_walks_forward_and_back() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "fixture": waba_fixture(5), "seed": 10 }))
        .await;
    let token = sandbox.token("t");
    let waba = sandbox.id_of("waba");
    let mut all: Vec<String> = (1..=5)
        .map(|i| sandbox.id_of(&format!("p{i}")).to_owned())
        .collect();
    all.sort_unstable();
    let base = format!("/{V}/{waba}/phone_numbers");

    let everything = sim.get_as(token, &base).await;
    assert_eq!(ids_of(&everything), all, "default limit 25 holds all five");
    assert_eq!(
        everything.json["paging"],
        json!({ "cursors": { "before": cursor(&all[0]), "after": cursor(&all[4]) } })
    );

    // Forward with limit=2, following `next` exactly as given.
    let first = sim
        .get_as(token, &format!("{base}?fields=id&limit=2"))
        .await;
    assert_eq!(ids_of(&first), all[..2]);
    let paging = &first.json["paging"];
    assert_eq!(
        paging["cursors"],
        json!({ "before": cursor(&all[0]), "after": cursor(&all[1]) })
    );
    assert!(paging.get("previous").is_none());
    assert_eq!(
        paging["next"],
        format!(
            "{}{base}?fields=id&limit=2&after={}",
            sim.sim.url(),
            cursor(&all[1])
        )
    );
    let mut walked = ids_of(&first);
    let mut next = paging["next"].as_str().map(str::to_owned);
    let mut pages = vec![first.json.clone()];
    while let Some(url) = next {
        assert!(pages.len() < 5, "paging does not end");
        let page = sim.send(sim.http.get(&url).bearer_auth(token)).await;
        walked.extend(ids_of(&page));
        next = page.json["paging"]["next"].as_str().map(str::to_owned);
        pages.push(page.json.clone());
    }
    assert_eq!(walked, all);
    assert_eq!(pages.len(), 3);
    let last = &pages[2];
    assert_eq!(last["data"].as_array().unwrap().len(), 1);
    assert!(last["paging"].get("next").is_none());
    // Back with `previous`.
    let previous = last["paging"]["previous"].as_str().unwrap();
    assert_eq!(
        previous,
        format!(
            "{}{base}?fields=id&limit=2&before={}",
            sim.sim.url(),
            cursor(&all[4])
        )
    );
    let back = sim.send(sim.http.get(previous).bearer_auth(token)).await;
    assert_eq!(ids_of(&back), all[2..4]);
    assert!(back.json["paging"].get("previous").is_some());
    let before = sim
        .get_as(token, &format!("{base}?limit=2&before={}", cursor(&all[2])))
        .await;
    assert_eq!(ids_of(&before), all[..2]);
    assert!(before.json["paging"].get("previous").is_none());
    assert!(before.json["paging"].get("next").is_some());
}

#[tokio::test]
async fn paging_links_carry_a_query_token_and_the_served_version() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "fixture": waba_fixture(3), "seed": 11 }))
        .await;
    let token = sandbox.token("t");
    let waba = sandbox.id_of("waba");
    let reply = sim
        .get(&format!(
            "/v18.0/{waba}/phone_numbers?access_token={token}&limit=1&fields=id"
        ))
        .await;
    let next = reply.ok()["paging"]["next"].as_str().unwrap().to_owned();
    let after = reply.json["paging"]["cursors"]["after"].as_str().unwrap();
    assert_eq!(
        next,
        format!(
            "{}/v21.0/{waba}/phone_numbers?access_token={token}&fields=id&limit=1&after={after}",
            sim.sim.url()
        )
    );
    let followed = sim.send(sim.http.get(&next)).await;
    assert_eq!(followed.ok()["data"].as_array().unwrap().len(), 1);
    assert_eq!(followed.header("facebook-api-version"), Some("v21.0"));
}

#[tokio::test]
async fn paging_edge_cases() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "fixture": waba_fixture(3), "seed": 12 }))
        .await;
    let token = sandbox.token("t");
    let base = format!("/{V}/{}/phone_numbers", sandbox.id_of("waba"));
    let mut all: Vec<String> = (1..=3)
        .map(|i| sandbox.id_of(&format!("p{i}")).to_owned())
        .collect();
    all.sort_unstable();

    let empty = sim.get_as(token, &format!("{base}?limit=0")).await;
    assert_eq!(empty.ok(), &json!({ "data": [] }));
    // A cursor whose item is gone gives an empty page, not an error.
    let stale = sim
        .get_as(
            token,
            &format!("{base}?after={}", cursor("329999999999999")),
        )
        .await;
    assert_eq!(stale.ok(), &json!({ "data": [] }));
    let past_the_end = sim
        .get_as(token, &format!("{base}?after={}", cursor(&all[2])))
        .await;
    assert_eq!(past_the_end.ok(), &json!({ "data": [] }));
    // A huge limit is just "everything after the cursor".
    let huge = sim
        .get_as(
            token,
            &format!(
                "{base}?limit=18446744073709551615&after={}",
                cursor(&all[0])
            ),
        )
        .await;
    assert_eq!(ids_of(&huge), all[1..]);
    assert!(huge.json["paging"].get("next").is_none());

    let bad_cursor = sim.get_as(token, &format!("{base}?after=***")).await;
    bad_cursor.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        bad_cursor.message(),
        "(#100) The cursor \"***\" is not valid"
    );
    for limit in ["abc", "-1", "1.5", "99999999999999999999999"] {
        let reply = sim.get_as(token, &format!("{base}?limit={limit}")).await;
        reply.assert_error(400, 100, None, "OAuthException");
        assert_eq!(
            reply.message(),
            "(#100) Param limit must be a non-negative integer"
        );
    }
}

#[tokio::test]
async fn a_personal_instagram_account_is_invisible() {
    let sim = Sim::start().await;
    let mut fixture = demo_fixture();
    fixture["instagram_accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "handle": "personal", "username": "maya.personal", "account_type": "PERSONAL",
        }));
    let sandbox = sim.create_sandbox(json!({ "fixture": fixture })).await;
    let personal = sandbox.id_of("personal");
    let reply = get(&sim, &sandbox, "user_token", &format!("/{personal}")).await;
    reply.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(reply.message(), unsupported("get", personal));
}
