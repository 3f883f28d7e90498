//! Fault rules (`/_sim/sandboxes/{sid}/faults`): add, list, delete; injected
//! errors in Meta's envelope with standard texts; `times`, `until` on the
//! virtual clock, latency; matching by method, path glob and product,
//! including one rule for a correlated outage over several products; faults
//! inside batches and after the token check.

use std::time::{Duration, Instant};

use client_tests::{Reply, Sandbox, Sim, V, json};

async fn get(sim: &Sim, sandbox: &Sandbox, path: &str) -> Reply {
    sim.get_as(sandbox.token("user_token"), &format!("/{V}{path}"))
        .await
}

async fn get_system(sim: &Sim, sandbox: &Sandbox, path: &str) -> Reply {
    sim.get_as(sandbox.token("system_user_token"), &format!("/{V}{path}"))
        .await
}

#[tokio::test]
async fn an_injected_error_is_rendered_in_metas_envelope() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let rule = sim
        .add_fault(
            &sandbox,
            json!({ "match": { "path": "/me" }, "error": { "code": 2, "http_status": 503 } }),
        )
        .await;
    assert_eq!(
        rule,
        json!({ "id": "1", "match": { "path": "/me" }, "error": { "code": 2, "http_status": 503 }, "hits": 0 })
    );
    let reply = get(&sim, &sandbox, "/me").await;
    let error = reply.assert_error(503, 2, None, "OAuthException");
    assert_eq!(
        error["message"],
        "An unexpected error has occurred. Please retry your request later."
    );
    assert_eq!(error["is_transient"], true);
    assert_eq!(reply.header("facebook-api-version"), Some(V));
    assert!(reply.header("x-fb-trace-id").is_some());
    // Other paths, and versions of the same path, are matched without the version.
    get(&sim, &sandbox, "/app").await.ok();
    let retired = sim.get_as(sandbox.token("user_token"), "/v18.0/me/").await;
    retired.assert_error(503, 2, None, "OAuthException");
    let list = sim.get(&sandbox.sim("/faults")).await;
    assert_eq!(list.ok()["data"][0]["hits"], 2);
    assert_eq!(list.json["data"].as_array().unwrap().len(), 1);
    // The journal shows what the client got.
    let journal = sim.journal(&sandbox, "limit=1").await;
    assert_eq!(journal[0]["status"], 503);
    assert_eq!(journal[0]["response"]["error"]["code"], 2);
}

#[tokio::test]
async fn standard_texts_custom_texts_subcodes_and_types() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(2).await;
    let cases = [
        (4, 400, "(#4) Application request limit reached", true),
        (17, 400, "(#17) User request limit reached", true),
        (
            80007,
            400,
            "(#80007) There have been too many calls to this WhatsApp Business account. Wait a bit and try again.",
            true,
        ),
        (131000, 500, "(#131000) Something went wrong", false),
        (
            368,
            403,
            "(#368) The action attempted has been deemed abusive or is otherwise disallowed",
            false,
        ),
        (99999, 400, "An unknown error has occurred.", false),
    ];
    for (code, status, message, transient) in cases {
        let rule = sim
            .add_fault(
                &sandbox,
                json!({ "error": { "code": code, "http_status": status }, "times": 1 }),
            )
            .await;
        let reply = get(&sim, &sandbox, "/me").await;
        let error = reply.assert_error(status, code, None, "OAuthException");
        assert_eq!(error["message"], message);
        assert_eq!(error.get("is_transient").is_some(), transient, "{code}");
        assert_eq!(rule["hits"], 0);
    }
    sim.add_fault(
        &sandbox,
        json!({ "error": {
            "code": 131000, "error_subcode": 2494010, "http_status": 500,
            "message": "(#131000) Something went wrong at sea", "type": "GraphMethodException",
        }, "times": 1 }),
    )
    .await;
    let reply = get(&sim, &sandbox, "/me").await;
    let error = reply.assert_error(500, 131000, Some(2494010), "GraphMethodException");
    assert_eq!(error["message"], "(#131000) Something went wrong at sea");
    get(&sim, &sandbox, "/me").await.ok();
}

#[tokio::test]
async fn times_limits_how_often_a_rule_applies() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    sim.add_fault(
        &sandbox,
        json!({ "error": { "code": 1, "http_status": 500 }, "times": 2 }),
    )
    .await;
    for _ in 0..2 {
        let reply = get(&sim, &sandbox, "/me").await;
        reply.assert_error(500, 1, None, "OAuthException");
        assert_eq!(reply.message(), "An unknown error has occurred.");
    }
    get(&sim, &sandbox, "/me").await.ok();
    get(&sim, &sandbox, "/me").await.ok();
    let list = sim.get(&sandbox.sim("/faults")).await;
    assert_eq!(list.json["data"][0]["hits"], 2);
    assert_eq!(list.json["data"][0]["times"], 2);
}

#[tokio::test]
async fn until_ends_a_rule_on_the_virtual_clock() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let now = sim.advance(&sandbox, 0).await;
    sim.add_fault(
        &sandbox,
        json!({ "error": { "code": 613, "http_status": 400 }, "until": now + 60 }),
    )
    .await;
    get(&sim, &sandbox, "/me")
        .await
        .assert_error(400, 613, None, "OAuthException");
    sim.advance(&sandbox, 59).await;
    let reply = get(&sim, &sandbox, "/me").await;
    reply.assert_error(400, 613, None, "OAuthException");
    assert_eq!(
        reply.message(),
        "(#613) Calls to this api have exceeded the rate limit."
    );
    sim.advance(&sandbox, 1).await;
    get(&sim, &sandbox, "/me").await.ok();
    // A rule whose moment has passed never applies.
    sim.add_fault(
        &sandbox,
        json!({ "error": { "code": 1, "http_status": 500 }, "until": now }),
    )
    .await;
    get(&sim, &sandbox, "/me").await.ok();
}

#[tokio::test]
async fn latency_holds_the_answer_back() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(5).await;
    sim.add_fault(
        &sandbox,
        json!({ "match": { "path": "/me" }, "latency_ms": 150 }),
    )
    .await;
    sim.add_fault(
        &sandbox,
        json!({ "match": { "path": "/app" }, "latency_ms": 150, "error": { "code": 2, "http_status": 503 } }),
    )
    .await;
    let started = Instant::now();
    get(&sim, &sandbox, "/me").await.ok();
    assert!(started.elapsed() >= Duration::from_millis(150));
    let started = Instant::now();
    get(&sim, &sandbox, "/app")
        .await
        .assert_error(503, 2, None, "OAuthException");
    assert!(started.elapsed() >= Duration::from_millis(150));
    // A slow request does not hold up the sandbox for others (latency is applied
    // outside the lock): a concurrent fast call returns first.
    let slow = get(&sim, &sandbox, "/me");
    let fast = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let started = Instant::now();
        get(&sim, &sandbox, &format!("/{}", sandbox.id_of("page")))
            .await
            .ok();
        started.elapsed()
    };
    let (_, fast_took) = tokio::join!(slow, fast);
    assert!(fast_took < Duration::from_millis(120), "{fast_took:?}");
}

#[tokio::test]
async fn rules_match_by_method_and_path_glob() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(6).await;
    let waba = sandbox.id_of("waba");
    sim.add_fault(
        &sandbox,
        json!({ "match": { "path": "/*/phone_numbers" }, "error": { "code": 131016, "http_status": 500 } }),
    )
    .await;
    sim.add_fault(
        &sandbox,
        json!({ "match": { "method": "post" }, "error": { "code": 1, "http_status": 500 } }),
    )
    .await;
    let reply = get_system(&sim, &sandbox, &format!("/{waba}/phone_numbers")).await;
    let error = reply.assert_error(500, 131016, None, "OAuthException");
    assert_eq!(error["message"], "(#131016) Service unavailable");
    get_system(&sim, &sandbox, &format!("/{waba}")).await.ok();
    get_system(&sim, &sandbox, "/me").await.ok();
    let post = sim
        .post_form(
            &format!("/{V}/"),
            &[
                ("access_token", sandbox.token("system_user_token")),
                ("batch", r#"[{"relative_url":"me"}]"#),
            ],
        )
        .await;
    post.assert_error(500, 1, None, "OAuthException");
}

#[tokio::test]
async fn rules_match_by_product() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(7).await;
    let waba = sandbox.id_of("waba");
    let phone = sandbox.id_of("phone_number");
    let business = sandbox.id_of("business");
    let page = sandbox.id_of("page");
    let instagram = sandbox.id_of("instagram");
    let whatsapp_paths = [
        format!("/{waba}"),
        format!("/{phone}"),
        format!("/{waba}/phone_numbers"),
        format!("/{business}/owned_whatsapp_business_accounts"),
    ];
    let other_paths = ["/me".to_owned(), format!("/{page}"), format!("/{business}")];
    let rule = sim
        .add_fault(
            &sandbox,
            json!({ "match": { "product": "whatsapp" }, "error": { "code": 133004, "http_status": 503 } }),
        )
        .await;
    for path in &whatsapp_paths {
        let reply = get_system(&sim, &sandbox, path).await;
        reply.assert_error(503, 133004, None, "OAuthException");
        assert_eq!(reply.message(), "(#133004) Server Temporarily Unavailable");
    }
    for path in &other_paths {
        get_system(&sim, &sandbox, path).await.ok();
    }
    get(&sim, &sandbox, &format!("/{instagram}")).await.ok();
    let id = rule["id"].as_str().unwrap();
    sim.delete(&sandbox.sim(&format!("/faults/{id}")))
        .await
        .ok();

    sim.add_fault(
        &sandbox,
        json!({ "match": { "product": "graph" }, "error": { "code": 1, "http_status": 500 }, "times": 3 }),
    )
    .await;
    for path in &other_paths {
        get_system(&sim, &sandbox, path)
            .await
            .assert_error(500, 1, None, "OAuthException");
    }
    for path in &whatsapp_paths {
        get_system(&sim, &sandbox, path).await.ok();
    }
}

#[tokio::test]
async fn one_rule_describes_a_correlated_outage() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(8).await;
    let waba = sandbox.id_of("waba");
    let page = sandbox.id_of("page");
    let instagram = sandbox.id_of("instagram");
    let rule = sim
        .add_fault(
            &sandbox,
            json!({
                "match": { "product": ["whatsapp", "instagram", "messenger"] },
                "error": { "code": 2, "http_status": 503 },
            }),
        )
        .await;
    assert_eq!(
        rule["match"]["product"],
        json!(["whatsapp", "instagram", "messenger"])
    );
    let user = sandbox.token("user_token");
    let system = sandbox.token("system_user_token");
    let down = [
        (system, format!("/{waba}")),
        (system, format!("/{waba}/phone_numbers")),
        (user, format!("/{instagram}")),
        (user, format!("/{page}/conversations")),
        (user, format!("/{page}/messages")),
    ];
    for (token, path) in &down {
        sim.get_as(token, &format!("/{V}{path}"))
            .await
            .assert_error(503, 2, None, "OAuthException");
    }
    // Pages themselves and plain Graph calls stay up.
    sim.get_as(user, &format!("/{V}/{page}")).await.ok();
    sim.get_as(user, &format!("/{V}/me/accounts")).await.ok();
    let list = sim.get(&sandbox.sim("/faults")).await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 1);
    assert_eq!(list.json["data"][0]["hits"], down.len());
    // Without the rule, the Page's Messenger edges answer again: the Send API
    // takes no GET (Meta's 100/33).
    sim.delete(&sandbox.sim("/faults/1")).await.ok();
    let reply = sim.get_as(user, &format!("/{V}/{page}/messages")).await;
    reply.assert_error(400, 100, Some(33), "GraphMethodException");
}

#[tokio::test]
async fn the_first_active_rule_wins_and_rules_can_be_deleted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(9).await;
    let first = sim
        .add_fault(
            &sandbox,
            json!({ "error": { "code": 4, "http_status": 400 }, "times": 1 }),
        )
        .await;
    let second = sim
        .add_fault(
            &sandbox,
            json!({ "error": { "code": 17, "http_status": 400 } }),
        )
        .await;
    assert_eq!(
        (first["id"].as_str(), second["id"].as_str()),
        (Some("1"), Some("2"))
    );
    get(&sim, &sandbox, "/me")
        .await
        .assert_error(400, 4, None, "OAuthException");
    get(&sim, &sandbox, "/me")
        .await
        .assert_error(400, 17, None, "OAuthException");
    let deleted = sim.delete(&sandbox.sim("/faults/2")).await;
    assert_eq!(deleted.ok(), &json!({ "success": true }));
    get(&sim, &sandbox, "/me").await.ok();
    let again = sim.delete(&sandbox.sim("/faults/2")).await;
    assert_eq!(
        again.assert_sim_error(404, Some(33)),
        "No fault rule with id \"2\""
    );
    let list = sim.get(&sandbox.sim("/faults")).await;
    let ids: Vec<&str> = list.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1"]);
    // Ids are not reused.
    let third = sim.add_fault(&sandbox, json!({ "latency_ms": 1 })).await;
    assert_eq!(third["id"], "3");
    assert_eq!(sim.get(&sandbox.sim("")).await.json["counts"]["faults"], 2);
}

#[tokio::test]
async fn faults_apply_after_the_token_check_and_inside_batches() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(10).await;
    sim.add_fault(
        &sandbox,
        json!({ "match": { "path": "/me" }, "error": { "code": 2, "http_status": 503 } }),
    )
    .await;
    let bad = sim.get_as("garbage", &format!("/{V}/me")).await;
    bad.assert_error(400, 190, None, "OAuthException");
    let batch = sim
        .post_form(
            &format!("/{V}"),
            &[
                ("access_token", sandbox.token("user_token")),
                ("batch", r#"[{"relative_url":"me"},{"relative_url":"app"}]"#),
                ("include_headers", "false"),
            ],
        )
        .await;
    let results = batch.ok().as_array().unwrap();
    assert_eq!(results[0]["code"], 503);
    let body: serde_json::Value =
        serde_json::from_str(results[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["error"]["code"], 2);
    assert_eq!(results[1]["code"], 200);
}

#[tokio::test]
async fn invalid_rules_are_refused() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(11).await;
    let cases = [
        (
            json!({}),
            "(#100) a fault needs an \"error\", a \"latency_ms\" or both",
        ),
        (
            json!({ "match": { "path": "[" }, "latency_ms": 1 }),
            "(#100) match.path is not a valid glob",
        ),
        (
            json!({ "error": { "code": 1, "http_status": 200 } }),
            "(#100) error.http_status must be between 400 and 599",
        ),
        (
            json!({ "error": { "code": 1, "http_status": 600 } }),
            "(#100) error.http_status must be between 400 and 599",
        ),
        (
            json!({ "error": { "code": 1 } }),
            "(#100) Invalid JSON body at error: missing field `http_status`",
        ),
        (
            json!({ "latency_ms": 1, "match": { "host": "x" } }),
            "(#100) Invalid JSON body at match.host: unknown field `host`",
        ),
        (
            json!({ "latency_ms": 1, "match": { "product": "email" } }),
            "(#100) Invalid JSON body at match.product:",
        ),
        (
            json!({ "latency_ms": -1 }),
            "(#100) Invalid JSON body at latency_ms:",
        ),
        (
            json!({ "latency_ms": 1, "sometimes": true }),
            "(#100) Invalid JSON body at sometimes: unknown field `sometimes`",
        ),
    ];
    for (body, message) in cases {
        let reply = sim.post_json(&sandbox.sim("/faults"), &body).await;
        let text = reply.assert_sim_error(400, None);
        assert!(text.starts_with(message), "{text}\n  expected {message}");
    }
    assert_eq!(
        sim.get(&sandbox.sim("/faults")).await.json,
        json!({ "data": [] })
    );
    sim.post_json("/_sim/sandboxes/nope/faults", &json!({ "latency_ms": 1 }))
        .await
        .assert_sim_error(404, Some(33));
    sim.get("/_sim/sandboxes/nope/faults")
        .await
        .assert_sim_error(404, Some(33));
    sim.delete("/_sim/sandboxes/nope/faults/1")
        .await
        .assert_sim_error(404, Some(33));
}

#[tokio::test]
async fn latency_applies_to_each_operation_of_a_batch() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(12).await;
    sim.add_fault(
        &sandbox,
        json!({ "match": { "path": "/me" }, "latency_ms": 200, "times": 2 }),
    )
    .await;
    let started = Instant::now();
    let batch = sim
        .post_form(
            &format!("/{V}"),
            &[
                ("access_token", sandbox.token("user_token")),
                (
                    "batch",
                    r#"[{"relative_url":"me"},{"relative_url":"me"},{"relative_url":"app"}]"#,
                ),
            ],
        )
        .await;
    let took = started.elapsed();
    let results = batch.ok().as_array().unwrap().clone();
    assert!(results.iter().all(|r| r["code"] == 200), "{results:?}");
    // Two operations matched: each was held back, as a call of its own would be.
    assert!(took >= Duration::from_millis(400), "{took:?}");
    let rules = sim.get(&sandbox.sim("/faults")).await;
    assert_eq!(rules.ok()["data"][0]["hits"], 2);
    // The budget is spent: the next call is not held back.
    let started = Instant::now();
    get(&sim, &sandbox, "/me").await.ok();
    assert!(started.elapsed() < Duration::from_millis(200));
}
