//! Graph API conventions shared by every product: versions (usable, retired,
//! future, malformed, none), where the access token may be, Meta's 190 family
//! for missing, invalid, expired and invalidated tokens with the right HTTP
//! status and `WWW-Authenticate`, `appsecret_proof`, `/me`, `/app`,
//! `/me/accounts`, `/debug_token`, and path normalization.

use client_tests::{
    Reply, Sandbox, ServerConfig, Sim, UnversionedMode, V, Value, Version, VersionPolicy,
    appsecret_proof, demo_fixture, json, query,
};
use reqwest::Method;

const START: i64 = 1_767_225_600;
const NO_TOKEN: &str = "An access token is required to request this resource.";
const NO_TOKEN_ME: &str =
    "An active access token must be used to query information about the current user.";
const BAD_TOKEN: &str = "Invalid OAuth access token - Cannot parse access token";

fn www_authenticate(kind: &str, message: &str) -> String {
    format!("OAuth \"Facebook Platform\" \"{kind}\" \"{message}\"")
}

#[tokio::test]
async fn usable_versions_are_served_as_asked() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let token = sandbox.token("system_user_token");
    for version in ["v21.0", "v22.0", "v23.0", "v24.0", "v25.0", "v26.0"] {
        let reply = sim.get_as(token, &format!("/{version}/me")).await;
        assert_eq!(reply.ok()["id"], sandbox.id_of("system_user"));
        assert_eq!(reply.header("facebook-api-version"), Some(version));
    }
}

#[tokio::test]
async fn retired_versions_are_served_as_the_oldest_usable_one() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let token = sandbox.token("system_user_token");
    let current = sim.get_as(token, "/v21.0/me").await;
    for version in ["v6.0", "v14.0", "v15.0", "v18.0", "v20.0", "v2.8", "v1.0"] {
        let reply = sim.get_as(token, &format!("/{version}/me")).await;
        assert_eq!(reply.ok(), &current.json, "{version}");
        assert_eq!(
            reply.header("facebook-api-version"),
            Some("v21.0"),
            "{version}"
        );
    }
    // Unversioned paths too (the default policy).
    let reply = sim.get_as(token, "/me").await;
    assert_eq!(reply.ok(), &current.json);
    assert_eq!(reply.header("facebook-api-version"), Some("v21.0"));
    // The journal keeps the path as sent.
    let journal = sim.journal(&sandbox, "limit=2").await;
    assert_eq!(journal[0]["path"], "/v1.0/me");
    assert_eq!(journal[1]["path"], "/me");
}

#[tokio::test]
async fn future_and_malformed_versions_are_unknown_paths() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let token = sandbox.token("system_user_token");
    for version in ["v27.0", "v99.0", "v26", "26.0", "v2.80", "v23.1", "v3.4"] {
        let reply = sim.get_as(token, &format!("/{version}/me")).await;
        reply.assert_error(400, 2500, None, "OAuthException");
        assert_eq!(
            reply.message(),
            format!("Unknown path components: /{version}/me")
        );
        assert_eq!(reply.header("facebook-api-version"), None, "{version}");
    }
    // Whatever the token: the version is checked first, and nothing is journaled.
    let reply = sim.get(&format!("/v27.0/{}", sandbox.id_of("page"))).await;
    reply.assert_error(400, 2500, None, "OAuthException");
    assert!(sim.journal(&sandbox, "").await.is_empty());
}

#[tokio::test]
async fn the_version_window_and_unversioned_mode_are_settings() {
    let config = ServerConfig {
        versions: VersionPolicy {
            oldest: Version::new(22, 0),
            newest: Version::new(27, 0),
            unversioned: UnversionedMode::Reject,
        },
        ..ServerConfig::default()
    };
    let sim = Sim::start_with(config).await;
    let sandbox = sim.demo(1).await;
    let token = sandbox.token("user_token");
    let reply = sim.get_as(token, "/v27.0/me").await;
    reply.ok();
    assert_eq!(reply.header("facebook-api-version"), Some("v27.0"));
    let reply = sim.get_as(token, "/v21.0/me").await;
    reply.ok();
    assert_eq!(reply.header("facebook-api-version"), Some("v22.0"));
    sim.get_as(token, "/v28.0/me")
        .await
        .assert_error(400, 2500, None, "OAuthException");
    let reply = sim.get_as(token, "/me").await;
    reply.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        reply.message(),
        "(#100) An API version is required: call /vNN.N/... (this server rejects unversioned calls)"
    );
}

#[tokio::test]
async fn the_token_may_be_in_the_header_the_query_or_the_body() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(2).await;
    let token = sandbox.token("user_token");
    let owner = json!({ "id": sandbox.id_of("owner"), "name": "Maya Lopez" });
    let path = format!("/{V}/me");

    assert_eq!(sim.get_as(token, &path).await.ok(), &owner);
    let oauth = sim
        .send(
            sim.request(Method::GET, &path)
                .header("authorization", format!("OAuth {token}")),
        )
        .await;
    assert_eq!(oauth.ok(), &owner);
    let in_query = sim.get(&format!("{path}?access_token={token}")).await;
    assert_eq!(in_query.ok(), &owner);

    // In a form body and in a JSON body (a batch, the one POST the root takes).
    let batch = r#"[{"method":"GET","relative_url":"me"}]"#;
    let form = sim
        .post_form(
            &format!("/{V}/"),
            &[("access_token", token), ("batch", batch)],
        )
        .await;
    assert_eq!(form.ok()[0]["code"], 200);
    let json_body = sim
        .post_json(
            &format!("/{V}/"),
            &json!({ "access_token": token, "batch": [{ "method": "GET", "relative_url": "me" }] }),
        )
        .await;
    assert_eq!(json_body.ok()[0]["body"], form.json[0]["body"]);
    // A GET carrying a form body is read too.
    let get_with_body = sim
        .send(
            sim.request(Method::GET, &path)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(query(&[("access_token", token)])),
        )
        .await;
    assert_eq!(get_with_body.ok(), &owner);

    // The header wins over the query string.
    let both = sim
        .get_as(token, &format!("{path}?access_token=garbage"))
        .await;
    assert_eq!(both.ok(), &owner);
    let wrong_header = sim
        .get_as("garbage", &format!("{path}?access_token={token}"))
        .await;
    wrong_header.assert_error(400, 190, None, "OAuthException");
    // An empty credential is no credential.
    let empty = sim
        .send(
            sim.request(Method::GET, &path)
                .header("authorization", "Bearer "),
        )
        .await;
    empty.assert_error(400, 2500, None, "OAuthException");
    let empty = sim.get(&format!("{path}?access_token=")).await;
    empty.assert_error(400, 2500, None, "OAuthException");
}

#[tokio::test]
async fn a_missing_token_is_104_or_2500_for_me() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    for path in ["/me", "/me/accounts", "/me?fields=id"] {
        let reply = sim.get(&format!("/{V}{path}")).await;
        reply.assert_error(400, 2500, None, "OAuthException");
        assert_eq!(reply.message(), NO_TOKEN_ME);
        assert_eq!(
            reply.header("www-authenticate"),
            Some(www_authenticate("invalid_request", NO_TOKEN_ME).as_str())
        );
        assert_eq!(reply.header("facebook-api-version"), Some(V));
    }
    let graph_nodes = [
        sandbox.id_of("page"),
        sandbox.id_of("instagram"),
        sandbox.id_of("owner"),
        "app",
    ];
    for node in graph_nodes {
        let reply = sim.get(&format!("/{V}/{node}")).await;
        reply.assert_error(400, 104, None, "OAuthException");
        assert_eq!(reply.message(), NO_TOKEN);
        assert_eq!(
            reply.header("www-authenticate"),
            Some(www_authenticate("invalid_request", NO_TOKEN).as_str())
        );
    }
    for node in [sandbox.id_of("waba"), sandbox.id_of("phone_number")] {
        let reply = sim.get(&format!("/{V}/{node}")).await;
        reply.assert_error(401, 104, None, "OAuthException");
        assert_eq!(reply.message(), NO_TOKEN);
    }
}

#[tokio::test]
async fn an_invalid_token_is_190_with_401_on_whatsapp_nodes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let graph_paths = [
        "/me".to_owned(),
        format!("/{}", sandbox.id_of("page")),
        format!("/{}", sandbox.id_of("instagram")),
        "/app".to_owned(),
    ];
    let whatsapp_paths = [
        format!("/{}", sandbox.id_of("waba")),
        format!("/{}/phone_numbers", sandbox.id_of("waba")),
        format!("/{}", sandbox.id_of("phone_number")),
        format!("/{}/messages", sandbox.id_of("phone_number")),
    ];
    for token in ["garbage", "EAAMnotatoken", "123|456"] {
        for (paths, status) in [(&graph_paths, 400), (&whatsapp_paths, 401)] {
            for path in paths {
                let reply = sim.get_as(token, &format!("/{V}{path}")).await;
                reply.assert_error(status, 190, None, "OAuthException");
                assert_eq!(reply.message(), BAD_TOKEN);
                assert_eq!(
                    reply.header("www-authenticate"),
                    Some(www_authenticate("invalid_token", BAD_TOKEN).as_str())
                );
            }
        }
    }
    // A token from another sandbox's app secret is no app token here.
    let other = sim.demo(5).await;
    let reply = sim
        .get_as(
            &other.app_token("app").replace(other.secret("app"), "x"),
            &format!("/{V}/app"),
        )
        .await;
    reply.assert_error(400, 190, None, "OAuthException");
}

fn expiring_fixture(clock_start: &str) -> Value {
    let mut fixture = demo_fixture();
    fixture["clock_start"] = json!(clock_start);
    fixture["tokens"].as_array_mut().unwrap().push(json!({
        "handle": "short", "subject": "system_user", "app": "app",
        "scopes": ["whatsapp_business_management"], "expires_in": 3600,
    }));
    fixture
}

#[tokio::test]
async fn an_expired_token_is_190_463_in_pacific_time() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "fixture": expiring_fixture("2026-01-01T00:00:00Z") }))
        .await;
    let token = sandbox.token("short");
    let waba = sandbox.id_of("waba");
    sim.advance(&sandbox, 3599).await;
    sim.get_as(token, &format!("/{V}/me")).await.ok();
    sim.get_as(token, &format!("/{V}/{waba}")).await.ok();

    sim.advance(&sandbox, 101).await;
    let message = "Error validating access token: Session has expired on Wednesday, 31-Dec-25 17:00:00 PST. The current time is Wednesday, 31-Dec-25 17:01:40 PST.";
    let reply = sim.get_as(token, &format!("/{V}/me")).await;
    reply.assert_error(400, 190, Some(463), "OAuthException");
    assert_eq!(reply.message(), message);
    assert_eq!(
        reply.header("www-authenticate"),
        Some(www_authenticate("invalid_token", message).as_str())
    );
    let reply = sim.get_as(token, &format!("/{V}/{waba}")).await;
    reply.assert_error(401, 190, Some(463), "OAuthException");
    assert_eq!(reply.message(), message);
    // debug_token (asked with a valid token) tells the same story.
    let debug = sim
        .get_as(
            sandbox.token("system_user_token"),
            &format!("/{V}/debug_token?input_token={token}"),
        )
        .await;
    let data = &debug.ok()["data"];
    assert_eq!(data["is_valid"], false);
    assert_eq!(data["expires_at"], START + 3600);
    assert_eq!(
        data["error"],
        json!({ "code": 190, "message": message, "subcode": 463 })
    );
    // Tokens without an expiry never expire.
    sim.advance(&sandbox, 10 * 365 * 24 * 3600).await;
    sim.get_as(sandbox.token("system_user_token"), &format!("/{V}/me"))
        .await
        .ok();
}

#[tokio::test]
async fn expiry_messages_follow_daylight_saving() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "fixture": expiring_fixture("2026-07-01T12:00:00Z") }))
        .await;
    sim.advance(&sandbox, 3600).await;
    let reply = sim
        .get_as(sandbox.token("short"), &format!("/{V}/me"))
        .await;
    reply.assert_error(400, 190, Some(463), "OAuthException");
    assert_eq!(
        reply.message(),
        "Error validating access token: Session has expired on Wednesday, 01-Jul-26 06:00:00 PDT. The current time is Wednesday, 01-Jul-26 06:00:00 PDT."
    );
}

#[tokio::test]
async fn invalidated_tokens_are_190_460_or_458() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(6).await;
    for (handle, reason, subcode) in [
        ("user_token", "password_changed", 460),
        ("system_user_token", "app_removed", 458),
    ] {
        let path = sandbox.sim(&format!("/tokens/{handle}/invalidate"));
        sim.post_json(&path, &json!({ "reason": reason }))
            .await
            .ok();
        let reply = sim.get_as(sandbox.token(handle), &format!("/{V}/me")).await;
        reply.assert_error(400, 190, Some(subcode), "OAuthException");
        assert!(
            reply
                .message()
                .starts_with("Error validating access token: ")
        );
        let waba = sim
            .get_as(
                sandbox.token(handle),
                &format!("/{V}/{}", sandbox.id_of("waba")),
            )
            .await;
        waba.assert_error(401, 190, Some(subcode), "OAuthException");
        assert!(
            waba.header("www-authenticate")
                .unwrap()
                .contains("invalid_token")
        );
    }
}

async fn proof_sandbox(sim: &Sim) -> Sandbox {
    let mut fixture = demo_fixture();
    fixture["apps"][0]["require_appsecret_proof"] = json!(true);
    sim.create_sandbox(json!({ "fixture": fixture, "seed": 7 }))
        .await
}

#[tokio::test]
async fn appsecret_proof_is_checked_when_sent() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(7).await;
    let token = sandbox.token("user_token");
    let proof = appsecret_proof(token, sandbox.secret("app"));
    let me = format!("/{V}/me");
    sim.get_as(token, &me).await.ok();
    sim.get_as(token, &format!("{me}?appsecret_proof={proof}"))
        .await
        .ok();
    let uppercase = proof.to_ascii_uppercase();
    let other_token = appsecret_proof(sandbox.token("system_user_token"), sandbox.secret("app"));
    let other_secret = appsecret_proof(token, "not-the-secret");
    for wrong in [uppercase.as_str(), &other_token, &other_secret, "", "zz"] {
        let reply = sim
            .get_as(
                token,
                &format!("{me}?{}", query(&[("appsecret_proof", wrong)])),
            )
            .await;
        reply.assert_error(400, 100, None, "GraphMethodException");
        assert_eq!(
            reply.message(),
            "Invalid appsecret_proof provided in the API argument"
        );
    }
}

#[tokio::test]
async fn appsecret_proof_may_be_required_by_the_app() {
    let sim = Sim::start().await;
    let sandbox = proof_sandbox(&sim).await;
    let token = sandbox.token("system_user_token");
    let proof = appsecret_proof(token, sandbox.secret("app"));
    let me = format!("/{V}/me");
    let reply = sim.get_as(token, &me).await;
    reply.assert_error(400, 100, None, "GraphMethodException");
    assert_eq!(
        reply.message(),
        "API calls from the server require an appsecret_proof argument"
    );
    sim.get_as(token, &format!("{me}?appsecret_proof={proof}"))
        .await
        .ok();
    sim.get(&format!(
        "{me}?access_token={token}&appsecret_proof={proof}"
    ))
    .await
    .ok();
    sim.get_as(token, &format!("{me}?appsecret_proof=00"))
        .await
        .assert_error(400, 100, None, "GraphMethodException");
    // In a form body and in a JSON body.
    let batch = r#"[{"relative_url":"me"}]"#;
    let form = sim
        .post_form(
            &format!("/{V}"),
            &[
                ("access_token", token),
                ("appsecret_proof", &proof),
                ("batch", batch),
            ],
        )
        .await;
    assert_eq!(form.ok()[0]["code"], 200);
    let body = json!({ "access_token": token, "appsecret_proof": proof, "batch": [{ "relative_url": "me" }] });
    let json_reply = sim.post_json(&format!("/{V}"), &body).await;
    assert_eq!(json_reply.ok()[0]["code"], 200);
    // App tokens are the app's own secret: no proof needed.
    let app = sim
        .get_as(&sandbox.app_token("app"), &format!("/{V}/app"))
        .await;
    assert_eq!(app.ok()["id"], sandbox.id_of("app"));
}

#[tokio::test]
async fn me_app_and_accounts() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(8).await;
    let user = sandbox.token("user_token");
    let me = sim
        .get_as(
            user,
            &format!("/{V}/me?fields=id,name,email,first_name,last_name"),
        )
        .await;
    assert_eq!(
        me.ok(),
        &json!({
            "id": sandbox.id_of("owner"), "name": "Maya Lopez", "email": "maya@luckyshrub.example",
            "first_name": "Maya", "last_name": "Lopez",
        })
    );
    let system = sim
        .get_as(
            sandbox.token("system_user_token"),
            &format!("/{V}/me?fields=name,role"),
        )
        .await;
    assert_eq!(
        system.ok(),
        &json!({ "name": "Lucky Shrub API", "role": "ADMIN", "id": sandbox.id_of("system_user") })
    );
    let app = sim.get_as(user, &format!("/{V}/app")).await;
    assert_eq!(
        app.ok(),
        &json!({ "id": sandbox.id_of("app"), "name": "Lucky Shrub CRM" })
    );
    let app = sim
        .get_as(user, &format!("/{V}/app?fields=link,category"))
        .await;
    let app_id = sandbox.id_of("app");
    assert_eq!(
        app.ok(),
        &json!({ "link": format!("https://www.facebook.com/games/?app_id={app_id}"), "category": "Business", "id": app_id })
    );
    // An app token has an app but no "me".
    let app_token = sandbox.app_token("app");
    let reply = sim.get_as(&app_token, &format!("/{V}/me")).await;
    reply.assert_error(400, 2500, None, "OAuthException");
    assert_eq!(reply.message(), NO_TOKEN_ME);
    sim.get_as(&app_token, &format!("/{V}/app")).await.ok();

    let accounts = sim.get_as(user, &format!("/{V}/me/accounts")).await;
    let page = sandbox.id_of("page");
    let entry = &accounts.ok()["data"][0];
    let keys: Vec<&str> = entry
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "category",
            "category_list",
            "name",
            "id",
            "tasks"
        ]
    );
    assert_eq!(entry["id"], page);
    assert_eq!(entry["name"], "Lucky Shrub");
    assert_eq!(entry["category"], "Garden Center");
    assert_eq!(entry["category_list"][0]["name"], "Garden Center");
    assert_eq!(
        entry["tasks"],
        json!([
            "ANALYZE",
            "ADVERTISE",
            "MESSAGING",
            "MODERATE",
            "CREATE_CONTENT",
            "MANAGE"
        ])
    );
    assert_eq!(accounts.json["data"].as_array().unwrap().len(), 1);
    assert!(accounts.json["paging"].get("next").is_none());
    // The Page token acts as the Page.
    let page_token = entry["access_token"].as_str().unwrap();
    assert_ne!(page_token, user);
    let as_page = sim.get_as(page_token, &format!("/{V}/me")).await;
    assert_eq!(as_page.ok(), &json!({ "id": page, "name": "Lucky Shrub" }));
    // Without pages_show_list the edge is a permission error.
    let minted = sim
        .post_json(
            &sandbox.sim("/tokens"),
            &json!({ "handle": "plain", "subject": "owner", "app": "app", "scopes": ["public_profile"] }),
        )
        .await;
    let plain = minted.json["token"].as_str().unwrap();
    let denied = sim.get_as(plain, &format!("/{V}/me/accounts")).await;
    denied.assert_error(403, 200, None, "OAuthException");
    assert_eq!(denied.message(), "(#200) Permissions error");
    assert!(denied.error().get("error_data").is_none());
    // businesses needs business_management.
    let businesses = sim.get_as(user, &format!("/{V}/me/businesses")).await;
    assert_eq!(
        businesses.ok()["data"][0],
        json!({ "id": sandbox.id_of("business"), "name": "Lucky Shrub" })
    );
    sim.get_as(plain, &format!("/{V}/me/businesses"))
        .await
        .assert_error(403, 200, None, "OAuthException");
}

async fn debug(sim: &Sim, caller: &str, input: &str) -> Reply {
    sim.get_as(
        caller,
        &format!("/{V}/debug_token?{}", query(&[("input_token", input)])),
    )
    .await
}

#[tokio::test]
async fn debug_token_describes_each_kind_of_token() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(9).await;
    let system = sandbox.token("system_user_token");
    let user = sandbox.token("user_token");
    let app_token = sandbox.app_token("app");
    let app = sandbox.id_of("app");
    let waba = sandbox.id_of("waba");

    let reply = debug(&sim, &app_token, system).await;
    assert_eq!(
        reply.ok(),
        &json!({ "data": {
            "app_id": app, "type": "SYSTEM_USER", "application": "Lucky Shrub CRM",
            "data_access_expires_at": 0, "expires_at": 0, "is_valid": true, "issued_at": START,
            "scopes": ["whatsapp_business_management", "whatsapp_business_messaging", "business_management", "public_profile"],
            "granular_scopes": [
                { "scope": "whatsapp_business_management", "target_ids": [waba] },
                { "scope": "whatsapp_business_messaging", "target_ids": [waba] },
                { "scope": "business_management" },
            ],
            "user_id": sandbox.id_of("system_user"),
        }})
    );
    // Any valid token of the sandbox may ask.
    assert_eq!(debug(&sim, user, system).await.json, reply.json);

    let data = debug(&sim, system, user).await.json["data"].clone();
    assert_eq!(data["type"], "USER");
    assert_eq!(data["data_access_expires_at"], START + 90 * 24 * 3600);
    assert_eq!(data["user_id"], sandbox.id_of("owner"));
    let granular: Vec<&str> = data["granular_scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["scope"].as_str().unwrap())
        .collect();
    assert_eq!(
        granular,
        [
            "pages_show_list",
            "pages_read_engagement",
            "pages_manage_metadata",
            "pages_messaging",
            "instagram_basic",
            "instagram_manage_messages",
            "business_management"
        ]
    );

    let accounts = sim.get_as(user, &format!("/{V}/me/accounts")).await;
    let page_token = accounts.json["data"][0]["access_token"].as_str().unwrap();
    let data = debug(&sim, system, page_token).await.json["data"].clone();
    assert_eq!(data["type"], "PAGE");
    assert_eq!(data["profile_id"], sandbox.id_of("page"));
    assert_eq!(data["user_id"], sandbox.id_of("owner"));

    let data = debug(&sim, system, &app_token).await.json["data"].clone();
    assert_eq!(
        data,
        json!({ "app_id": app, "type": "APP", "application": "Lucky Shrub CRM", "is_valid": true, "scopes": [] })
    );

    for input in ["garbage", "EAAMxyz"] {
        let reply = debug(&sim, system, input).await;
        assert_eq!(
            reply.ok(),
            &json!({ "data": { "error": { "code": 190, "message": BAD_TOKEN }, "is_valid": false, "scopes": [] } })
        );
    }
    let missing = sim.get_as(system, &format!("/{V}/debug_token")).await;
    missing.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        missing.message(),
        "(#100) The parameter input_token is required"
    );
    let post = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/debug_token"))
                .bearer_auth(system),
        )
        .await;
    post.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(
        post.message(),
        client_tests::unsupported("post", "debug_token")
    );
    let deeper = sim.get_as(system, &format!("/{V}/debug_token/more")).await;
    deeper.assert_error(400, 2500, None, "OAuthException");
    assert_eq!(deeper.message(), "Unknown path components: /more");
}

#[tokio::test]
async fn trailing_and_doubled_slashes_are_ignored() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(10).await;
    let token = sandbox.token("user_token");
    let plain = sim
        .get_as(token, &format!("/{V}/me/accounts?fields=id,name"))
        .await;
    for path in [
        format!("/{V}/me/accounts/?fields=id,name"),
        format!("//{V}//me//accounts?fields=id,name"),
        format!("/{V}/me///accounts//?fields=id,name"),
    ] {
        let reply = sim.get_as(token, &path).await;
        assert_eq!(reply.ok(), plain.ok(), "{path}");
        assert_eq!(reply.header("facebook-api-version"), Some(V));
    }
    let me = sim.get_as(token, &format!("/{V}/me/")).await;
    assert_eq!(me.ok()["id"], sandbox.id_of("owner"));
    let journal = sim.journal(&sandbox, "").await;
    for entry in &journal[..4] {
        assert_eq!(entry["path"], format!("/{V}/me/accounts"));
    }
}

#[tokio::test]
async fn a_browser_at_the_root_gets_a_page_saying_where_things_are() {
    let sim = Sim::start().await;
    let page = sim
        .send(
            sim.request(reqwest::Method::GET, "/")
                .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
        )
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    for link in [
        "href=\"/_sim/ui\"",
        "href=\"/_sim/sandboxes/default\"",
        "/v23.0</code>",
    ] {
        assert!(html.contains(link), "{link} missing from {html}");
    }
    // SDKs and curl still get Meta's answer.
    let api = sim.get("/").await;
    api.assert_error(400, 104, None, "OAuthException");
}
