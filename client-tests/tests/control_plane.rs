//! The `/_sim` control plane, route by route: health; create (defaults, id,
//! seed, fixture, errors), list, get with counts, delete; reset back to the
//! fixture state; snapshot export → import → export and the restored sandbox
//! continuing as the original would; the clock; the journal with its filters
//! and redaction; issuing and invalidating tokens; unknown routes, wrong
//! methods and malformed bodies, all in Meta's envelope.

use client_tests::{
    Reply, Sandbox, Sim, V, Value, appsecret_proof, demo_fixture, json, waba_fixture,
};
use reqwest::Method;

const START: i64 = 1_767_225_600;

fn is_id(id: &str, prefix: &str, len: usize) -> bool {
    id.len() == len && id.starts_with(prefix) && id.bytes().all(|b| b.is_ascii_digit())
}

#[tokio::test]
async fn health_counts_sandboxes() {
    let sim = Sim::start().await;
    let reply = sim.get("/_sim/health").await;
    assert_eq!(reply.ok(), &json!({ "status": "ok", "sandboxes": 1 }));
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=UTF-8")
    );
    sim.demo(1).await;
    let reply = sim.get("/_sim/health").await;
    assert_eq!(reply.ok()["sandboxes"], 2);
}

#[tokio::test]
async fn create_with_defaults_builds_the_demo_fixture() {
    let sim = Sim::start().await;
    let reply = sim.post_json("/_sim/sandboxes", &json!({})).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let keys: Vec<&str> = reply
        .json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["id", "seed", "handles", "tokens", "app_secrets"]);
    let sandbox = Sandbox::from_info(&reply.json);
    assert!(sandbox.id.starts_with("sandbox-"), "{}", sandbox.id);
    assert_eq!(sandbox.seed, 0);
    assert!(is_id(sandbox.id_of("waba"), "31", 15));
    assert!(is_id(sandbox.id_of("phone_number"), "32", 15));
    assert!(is_id(sandbox.id_of("page"), "33", 15));
    assert!(is_id(sandbox.id_of("app"), "34", 15));
    assert!(is_id(sandbox.id_of("owner"), "35", 15));
    assert!(is_id(sandbox.id_of("business"), "36", 15));
    assert!(is_id(sandbox.id_of("system_user"), "37", 15));
    assert!(is_id(sandbox.id_of("instagram"), "17841", 17));
    assert_eq!(sandbox.id_of("alice"), "15550109999");
    assert_eq!(sandbox.id_of("bob"), "15550108888");
    assert_eq!(sandbox.id_of("maya"), "15550109000");
    assert_eq!(sandbox.handles.len(), 13);
    let tokens: Vec<&str> = sandbox.tokens.keys().map(String::as_str).collect();
    assert_eq!(tokens, ["system_user_token", "user_token"]);
    for token in sandbox.tokens.values() {
        assert!(token.starts_with("EAA") && token.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
    let secret = sandbox.secret("app");
    assert_eq!(secret.len(), 32);
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    // The demo world is usable at once with what create returned.
    let me = sim
        .get_as(sandbox.token("system_user_token"), &format!("/{V}/me"))
        .await;
    assert_eq!(
        me.ok(),
        &json!({ "id": sandbox.id_of("system_user"), "name": "Lucky Shrub API" })
    );
    // Generated ids keep counting.
    let second = sim.post_json("/_sim/sandboxes", &json!({})).await;
    assert_eq!(second.status, 201);
    assert_ne!(second.json["id"], reply.json["id"]);
}

#[tokio::test]
async fn create_with_id_and_seed() {
    let sim = Sim::start().await;
    let a = sim
        .create_sandbox(json!({ "id": "shop-A_1", "seed": 42 }))
        .await;
    assert_eq!((a.id.as_str(), a.seed), ("shop-A_1", 42));
    let b = sim
        .create_sandbox(json!({ "id": "shop-B", "seed": 42 }))
        .await;
    let c = sim
        .create_sandbox(json!({ "id": "shop-C", "seed": 43 }))
        .await;
    // Same seed: same Graph ids. Tokens and secrets embed the sandbox id.
    assert_eq!(a.handles, b.handles);
    assert_ne!(a.handles, c.handles);
    assert_ne!(a.tokens["system_user_token"], b.tokens["system_user_token"]);
    assert_ne!(a.secret("app"), b.secret("app"));
    // Re-created under the same id and seed: the very same tokens and secrets.
    assert_eq!(sim.delete(&a.sim("")).await.status, 200);
    let again = sim
        .create_sandbox(json!({ "id": "shop-A_1", "seed": 42 }))
        .await;
    assert_eq!(again, a);

    let duplicate = sim
        .post_json("/_sim/sandboxes", &json!({ "id": "shop-B" }))
        .await;
    assert_eq!(
        duplicate.assert_sim_error(409, None),
        "(#100) A sandbox with id \"shop-B\" already exists"
    );
    for bad in ["has space", "", "slash/y", &"x".repeat(65)] {
        let reply = sim
            .post_json("/_sim/sandboxes", &json!({ "id": bad }))
            .await;
        assert_eq!(
            reply.assert_sim_error(400, None),
            "(#100) id: use 1 to 64 letters, digits, '-' or '_'",
            "{bad:?}"
        );
    }
    let longest = "y".repeat(64);
    sim.create_sandbox(json!({ "id": longest })).await;
    let bad = sim
        .post_json("/_sim/sandboxes", &json!({ "delivery": "pigeon" }))
        .await;
    assert!(
        bad.assert_sim_error(400, None)
            .starts_with("(#100) Invalid JSON body at delivery: unknown variant `pigeon`"),
        "{}",
        bad.text()
    );
}

#[tokio::test]
async fn create_with_a_fixture() {
    let sim = Sim::start().await;
    let mut fixture = waba_fixture(3);
    fixture["clock_start"] = json!("2025-06-01T12:00:00Z");
    fixture["whatsapp_business_accounts"][0]["id"] = json!("310000000000001");
    fixture["apps"][0]["secret"] = json!("pinned-secret");
    let sandbox = sim
        .create_sandbox(json!({ "fixture": fixture, "seed": 5 }))
        .await;
    assert_eq!(sandbox.id_of("waba"), "310000000000001");
    assert_eq!(sandbox.secret("app"), "pinned-secret");
    for handle in ["p1", "p2", "p3", "owner", "app", "biz", "su"] {
        assert!(sandbox.handles.contains_key(handle), "{handle}");
    }
    assert!(!sandbox.handles.contains_key("page"));
    let info = sim.get(&sandbox.sim("")).await;
    assert_eq!(info.ok()["counts"]["phone_numbers"], 3);
    assert_eq!(info.json["counts"]["pages"], 0);
    assert_eq!(
        info.json["clock"],
        json!({ "now": 1_748_779_200, "iso": "2025-06-01T12:00:00Z", "mode": "virtual" })
    );
    // Unix seconds work as a clock start too.
    let mut fixture = waba_fixture(1);
    fixture["clock_start"] = json!(1_000_000_000);
    let other = sim.create_sandbox(json!({ "fixture": fixture })).await;
    let clock = sim.get(&other.sim("/clock")).await;
    assert_eq!(clock.ok()["iso"], "2001-09-09T01:46:40Z");
}

#[tokio::test]
async fn fixture_errors_name_the_place() {
    let sim = Sim::start().await;
    let cases = [
        (
            json!({ "users": [{ "handle": "u" }] }),
            "(#100) Invalid JSON body at fixture.users[0]: missing field `name`",
        ),
        (
            json!({ "pages": [{ "handle": "p", "name": "P", "roles": [{ "user": "ghost" }] }] }),
            "(#100) fixture.pages[0].roles[0].user: \"ghost\" is not the handle of any User in this fixture",
        ),
        (
            json!({ "users": [{ "handle": "u", "name": "U", "id": "abc" }] }),
            "(#100) fixture.users[0].id: Graph ids are numeric strings, got \"abc\"",
        ),
        (
            json!({ "users": [{ "handle": "u", "name": "U" }, { "handle": "u", "name": "V" }] }),
            "(#100) fixture.users[1].handle: \"u\" is used twice",
        ),
        (
            json!({ "clock_start": "yesterday" }),
            "(#100) fixture.clock_start: expected unix seconds or an RFC 3339 time, got \"yesterday\"",
        ),
        (
            json!({ "planets": [] }),
            "(#100) Invalid JSON body at fixture.planets: unknown field `planets`",
        ),
    ];
    for (fixture, message) in cases {
        let reply = sim
            .post_json("/_sim/sandboxes", &json!({ "fixture": fixture }))
            .await;
        let text = reply.assert_sim_error(400, None);
        assert!(text.starts_with(message), "{text}\n  expected {message}");
    }
    // Nothing half-built was left behind.
    assert_eq!(sim.get("/_sim/health").await.json["sandboxes"], 1);
}

#[tokio::test]
async fn list_and_get_describe_every_sandbox() {
    let sim = Sim::start().await;
    let b = sim.create_sandbox(json!({ "id": "b", "seed": 2 })).await;
    let a = sim
        .create_sandbox(json!({ "id": "a", "seed": 1, "delivery": "auto", "journal_limit": 7 }))
        .await;
    let list = sim.get("/_sim/sandboxes").await;
    let ids: Vec<&str> = list.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b", "default"]);

    sim.get_as(a.token("user_token"), &format!("/{V}/me"))
        .await
        .ok();
    let got = sim.get(&a.sim("")).await;
    let got = got.ok();
    for key in ["id", "seed", "handles", "tokens", "app_secrets"] {
        assert_eq!(got[key], a.info[key], "{key}");
    }
    assert_eq!(
        got["options"],
        json!({
            "delivery": "auto", "clock": "virtual", "journal_limit": 7,
            "messaging_limits": {"throughput_per_second": 80, "pair_burst": 20, "pair_interval_seconds": 6},
            "template_review": {"auto_approve": true, "delay_seconds": 60},
            "devices": {"primary_inactivity_seconds": 1_209_600, "companion_inactivity_seconds": 2_592_000},
            "retention": {"events": 10_000, "messages": 100_000, "delivery_bodies": 10_000},
        })
    );
    assert_eq!(
        got["clock"],
        json!({ "now": START, "iso": "2026-01-01T00:00:00Z", "mode": "virtual" })
    );
    assert_eq!(
        got["counts"],
        json!({
            "apps": 1, "businesses": 1, "events": 0, "faults": 0, "instagram_accounts": 2,
            "events_dropped": 0, "messages_dropped": 0, "delivery_bodies_dropped": 0,
            "journal_entries": 1, "message_templates": 3, "messages": 0, "pages": 1,
            "phone_numbers": 1, "system_users": 1, "tokens": 4, "users": 2,
            "whatsapp_business_accounts": 1, "whatsapp_consumers": 3,
        })
    );
    // The list shows the same description.
    assert_eq!(
        &list.json["data"][0]["counts"]["journal_entries"],
        &json!(0)
    );
    assert_eq!(list.json["data"][1]["id"], b.id);

    let missing = sim.get("/_sim/sandboxes/nope").await;
    assert_eq!(
        missing.assert_sim_error(404, Some(33)),
        "No sandbox with id \"nope\""
    );
}

#[tokio::test]
async fn delete_removes_the_sandbox_and_its_tokens() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    let token = sandbox.token("system_user_token").to_owned();
    sim.get_as(&token, &format!("/{V}/me")).await.ok();
    let reply = sim.delete(&sandbox.sim("")).await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
    sim.get(&sandbox.sim(""))
        .await
        .assert_sim_error(404, Some(33));
    sim.get(&sandbox.sim("/journal"))
        .await
        .assert_sim_error(404, Some(33));
    let gone = sim.get_as(&token, &format!("/{V}/me")).await;
    gone.assert_error(400, 190, None, "OAuthException");
    assert_eq!(
        gone.message(),
        "Invalid OAuth access token - Cannot parse access token"
    );
    let again = sim.delete(&sandbox.sim("")).await;
    assert_eq!(
        again.assert_sim_error(404, Some(33)),
        format!("No sandbox with id {:?}", sandbox.id)
    );
    // The default sandbox is an ordinary one.
    assert_eq!(sim.delete("/_sim/sandboxes/default").await.status, 200);
    assert_eq!(sim.get("/_sim/health").await.json["sandboxes"], 0);
}

async fn snapshot(sim: &Sim, sandbox: &Sandbox) -> Vec<u8> {
    let reply = sim.get(&sandbox.sim("/snapshot")).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.bytes
}

/// A few requests that change a sandbox: journal, usage, ids, clock, faults, tokens.
async fn exercise(sim: &Sim, sandbox: &Sandbox) {
    let token = sandbox.token("user_token");
    sim.get_as(token, &format!("/{V}/me/accounts")).await.ok();
    sim.get_as(token, &format!("/{V}/nope")).await;
    sim.advance(sandbox, 5000).await;
    sim.add_fault(
        sandbox,
        json!({ "match": { "path": "/never" }, "latency_ms": 1 }),
    )
    .await;
    let minted = sim
        .post_json(
            &sandbox.sim("/tokens"),
            &json!({ "handle": "extra", "subject": "system_user", "app": "app" }),
        )
        .await;
    assert_eq!(minted.status, 201, "{}", minted.text());
    let invalidated = sim
        .post_json(
            &sandbox.sim("/tokens/user_token/invalidate"),
            &json!({ "reason": "password_changed" }),
        )
        .await;
    invalidated.ok();
}

#[tokio::test]
async fn reset_goes_back_to_the_fixture_state() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(9).await;
    let fresh = snapshot(&sim, &sandbox).await;
    exercise(&sim, &sandbox).await;
    let minted = sim.get(&sandbox.sim("")).await.json["tokens"]["extra"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(snapshot(&sim, &sandbox).await, fresh);

    let reply = sim.post_json(&sandbox.sim("/reset"), &json!({})).await;
    assert_eq!(reply.ok(), &sandbox.info, "reset answers like create");
    assert_eq!(
        snapshot(&sim, &sandbox).await,
        fresh,
        "byte-identical to the fresh state"
    );
    let info = sim.get(&sandbox.sim("")).await;
    assert_eq!(info.json["clock"]["now"], START);
    assert_eq!(info.json["counts"]["journal_entries"], 0);
    assert_eq!(info.json["counts"]["faults"], 0);
    assert_eq!(info.json["counts"]["tokens"], 4);
    // The invalidated fixture token works again; the minted one is gone.
    sim.get_as(sandbox.token("user_token"), &format!("/{V}/me"))
        .await
        .ok();
    sim.get_as(&minted, &format!("/{V}/me"))
        .await
        .assert_error(400, 190, None, "OAuthException");
    // An empty body is fine; an unknown sandbox is 404.
    assert_eq!(
        sim.send(sim.request(Method::POST, &sandbox.sim("/reset")))
            .await
            .status,
        200
    );
    sim.post_json("/_sim/sandboxes/nope/reset", &json!({}))
        .await
        .assert_sim_error(404, Some(33));
}

#[tokio::test]
async fn snapshot_round_trip_is_byte_identical() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(11).await;
    exercise(&sim, &sandbox).await;
    let exported = snapshot(&sim, &sandbox).await;
    let state: Value = serde_json::from_slice(&exported).unwrap();
    assert_eq!(state["id"], sandbox.id);
    assert_eq!(state["seed"], 11);

    let put = sim
        .send(
            sim.request(Method::PUT, &sandbox.sim("/snapshot"))
                .header("content-type", "application/json")
                .body(exported.clone()),
        )
        .await;
    assert_eq!(put.ok()["id"], sandbox.id);
    assert_eq!(
        put.json["tokens"]["extra"],
        sim.get(&sandbox.sim("")).await.json["tokens"]["extra"]
    );
    assert_eq!(snapshot(&sim, &sandbox).await, exported);
}

#[tokio::test]
async fn a_restored_sandbox_continues_as_the_original_would() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(12).await;
    exercise(&sim, &sandbox).await;
    let exported = snapshot(&sim, &sandbox).await;
    let state: Value = serde_json::from_slice(&exported).unwrap();

    async fn next_steps(sim: &Sim, sandbox: &Sandbox) -> Vec<(u16, Option<String>, Vec<u8>)> {
        let token = sandbox.token("system_user_token");
        let waba = sandbox.id_of("waba");
        let mut out = vec![];
        for path in [
            format!("/{V}/{waba}?fields=id,name,currency"),
            format!("/{V}/{waba}/phone_numbers"),
            format!("/{V}/123"),
        ] {
            let reply = sim.get_as(token, &path).await;
            out.push((
                reply.status,
                reply.header("x-fb-trace-id").map(str::to_owned),
                reply.bytes,
            ));
        }
        let clock = sim.get(&sandbox.sim("/clock")).await;
        out.push((clock.status, None, clock.bytes));
        let journal = sim.get(&sandbox.sim("/journal?limit=3")).await;
        out.push((journal.status, None, journal.bytes));
        out
    }

    let original = next_steps(&sim, &sandbox).await;
    let put = sim.put_json(&sandbox.sim("/snapshot"), &state).await;
    put.ok();
    let replayed = next_steps(&sim, &sandbox).await;
    assert_eq!(
        original, replayed,
        "same trace ids, bodies, clock and journal"
    );

    // Into another sandbox: refused while the original lives (tokens pick the
    // sandbox, so they must be unique) ...
    let other = sim.demo(13).await;
    let conflict = sim.put_json(&other.sim("/snapshot"), &state).await;
    assert!(
        conflict
            .assert_sim_error(409, None)
            .starts_with("(#100) A token of this state belongs to the live sandbox"),
        "{}",
        conflict.text()
    );
    // ... and taken once it is gone: the new home answers as the original did.
    sim.delete(&sandbox.sim("")).await.ok();
    let moved = sim.put_json(&other.sim("/snapshot"), &state).await;
    assert_eq!(moved.ok()["id"], other.id);
    assert_eq!(moved.json["tokens"], state["token_handles"]);
    let reexported = snapshot(&sim, &other).await;
    let expected = String::from_utf8(exported).unwrap().replacen(
        &format!("{{\"id\":\"{}\"", sandbox.id),
        &format!("{{\"id\":\"{}\"", other.id),
        1,
    );
    assert_eq!(String::from_utf8(reexported).unwrap(), expected);
    let token = state["token_handles"]["system_user_token"]
        .as_str()
        .unwrap();
    let me = sim.get_as(token, &format!("/{V}/me")).await;
    assert_eq!(me.ok()["id"], sandbox.id_of("system_user"));
    // The old tokens of `other` are gone with its old state.
    sim.get_as(other.token("system_user_token"), &format!("/{V}/me"))
        .await
        .assert_error(400, 190, None, "OAuthException");
}

#[tokio::test]
async fn snapshot_errors() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    sim.get("/_sim/sandboxes/nope/snapshot")
        .await
        .assert_sim_error(404, Some(33));
    sim.put_json("/_sim/sandboxes/nope/snapshot", &json!({}))
        .await
        .assert_sim_error(404, Some(33));
    let empty = sim.put_json(&sandbox.sim("/snapshot"), &json!({})).await;
    assert!(
        empty
            .assert_sim_error(400, None)
            .starts_with("(#100) Invalid JSON body: missing field")
    );
    let mut state: Value = serde_json::from_slice(&snapshot(&sim, &sandbox).await).unwrap();
    state["clock"] = json!("noon");
    let bad = sim.put_json(&sandbox.sim("/snapshot"), &state).await;
    assert!(
        bad.assert_sim_error(400, None)
            .starts_with("(#100) Invalid JSON body at clock:")
    );
    // A refused import leaves the sandbox as it was.
    sim.get_as(sandbox.token("user_token"), &format!("/{V}/me"))
        .await
        .ok();
}

#[tokio::test]
async fn clock_reads_and_advances() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let clock = sim.get(&sandbox.sim("/clock")).await;
    assert_eq!(
        clock.ok(),
        &json!({ "now": START, "iso": "2026-01-01T00:00:00Z", "mode": "virtual" })
    );
    let advanced = sim
        .post_json(
            &sandbox.sim("/clock/advance"),
            &json!({ "seconds": 90_061 }),
        )
        .await;
    assert_eq!(
        advanced.ok(),
        &json!({ "now": START + 90_061, "iso": "2026-01-02T01:01:01Z", "mode": "virtual" })
    );
    assert_eq!(sim.advance(&sandbox, 0).await, START + 90_061);
    assert_eq!(
        sim.get(&sandbox.sim("/clock")).await.json["now"],
        START + 90_061
    );
    // Nothing else moves the virtual clock.
    sim.get_as(sandbox.token("user_token"), &format!("/{V}/me"))
        .await
        .ok();
    assert_eq!(
        sim.get(&sandbox.sim("/clock")).await.json["now"],
        START + 90_061
    );
    // Time-dependent answers read it: a token issued now says so.
    let minted = sim
        .post_json(
            &sandbox.sim("/tokens"),
            &json!({ "handle": "later", "subject": "owner", "app": "app", "expires_in": 60 }),
        )
        .await;
    let token = minted.json["token"].as_str().unwrap();
    let debug = sim
        .get_as(token, &format!("/{V}/debug_token?input_token={token}"))
        .await;
    assert_eq!(debug.ok()["data"]["issued_at"], START + 90_061);
    assert_eq!(debug.json["data"]["expires_at"], START + 90_121);

    let path = sandbox.sim("/clock/advance");
    let cases = [
        (
            json!({ "seconds": -5 }),
            "(#100) Invalid JSON body at seconds: invalid value: integer `-5`, expected u64",
        ),
        (
            json!({ "seconds": "60" }),
            "(#100) Invalid JSON body at seconds: invalid type: string \"60\", expected u64",
        ),
        (
            json!({ "seconds": 1.5 }),
            "(#100) Invalid JSON body at seconds: invalid type: floating point `1.5`, expected u64",
        ),
        (
            json!({}),
            "(#100) Invalid JSON body: missing field `seconds`",
        ),
        (
            json!({ "seconds": 1, "minutes": 2 }),
            "(#100) Invalid JSON body at minutes: unknown field `minutes`",
        ),
        (
            json!({ "seconds": u64::MAX }),
            "(#100) seconds is too large",
        ),
        // Past 9999-12-31 the clock could not count: refused, and the sandbox lives on.
        (
            json!({ "seconds": i64::MAX }),
            "(#100) seconds is too large: the clock can move",
        ),
    ];
    for (body, message) in cases {
        let reply = sim.post_json(&path, &body).await;
        let text = reply.assert_sim_error(400, None);
        assert!(text.starts_with(message), "{text}\n  expected {message}");
    }
    assert_eq!(
        sim.get(&sandbox.sim("/clock")).await.json["now"],
        START + 90_061
    );
    sim.get("/_sim/sandboxes/nope/clock")
        .await
        .assert_sim_error(404, Some(33));
}

#[tokio::test]
async fn a_realtime_clock_follows_the_wall_clock() {
    let sim = Sim::start().await;
    let sandbox = sim.create_sandbox(json!({ "clock": "realtime" })).await;
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let clock = sim.get(&sandbox.sim("/clock")).await;
    assert_eq!(clock.ok()["mode"], "realtime");
    let now = clock.json["now"].as_i64().unwrap();
    assert!((now - wall).abs() <= 2, "{now} vs {wall}");
    let later = sim.advance(&sandbox, 3600).await;
    assert!((later - wall - 3600).abs() <= 2);
    let bad = sim
        .post_json("/_sim/sandboxes", &json!({ "clock": "sundial" }))
        .await;
    assert!(
        bad.assert_sim_error(400, None)
            .starts_with("(#100) Invalid JSON body at clock: unknown variant `sundial`")
    );
}

#[tokio::test]
async fn the_journal_records_graph_requests_with_secrets_redacted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let token = sandbox.token("user_token");
    let secret = sandbox.secret("app");
    let proof = appsecret_proof(token, secret);
    let page = sandbox.id_of("page");

    sim.get_as(token, &format!("/{V}/me?fields=id,name"))
        .await
        .ok();
    sim.get(&format!(
        "/{V}/{page}?access_token={token}&appsecret_proof={proof}"
    ))
    .await
    .ok();
    sim.post_form(
        &format!("/{V}/"),
        &[
            ("access_token", token),
            ("batch", r#"[{"method":"GET","relative_url":"me"}]"#),
        ],
    )
    .await
    .ok();
    sim.get_as(token, &format!("/v18.0//{page}//?fields=name"))
        .await
        .ok();
    sim.get_as(token, &format!("/{V}/debug_token?input_token={token}"))
        .await
        .ok();
    // Control-plane calls and requests that reached no sandbox are not journaled.
    sim.get(&sandbox.sim("/clock")).await.ok();
    sim.get_as("not-a-token", &format!("/{V}/me")).await;
    sim.get(&format!("/{V}/me")).await;

    let all = sim.journal(&sandbox, "").await;
    assert_eq!(all.len(), 5);
    let seqs: Vec<i64> = all.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    let first = &all[0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "seq", "time", "method", "path", "query", "headers", "body", "status", "response"
        ]
    );
    assert_eq!(first["time"], START);
    assert_eq!(first["method"], "GET");
    assert_eq!(first["path"], format!("/{V}/me"));
    assert_eq!(first["query"], json!({ "fields": "id,name" }));
    assert_eq!(first["headers"]["authorization"], "Bearer [redacted]");
    assert!(first["headers"].get("host").is_none());
    assert_eq!(first["body"], Value::Null);
    assert_eq!(first["status"], 200);
    assert_eq!(
        first["response"],
        json!({ "id": sandbox.id_of("owner"), "name": "Maya Lopez" })
    );
    assert_eq!(
        all[1]["query"],
        json!({ "access_token": "[redacted]", "appsecret_proof": "[redacted]" })
    );
    assert_eq!(all[2]["method"], "POST");
    assert_eq!(all[2]["body"]["access_token"], "[redacted]");
    assert_eq!(
        all[2]["body"]["batch"],
        r#"[{"method":"GET","relative_url":"me"}]"#
    );
    assert_eq!(
        all[3]["path"],
        format!("/v18.0/{page}"),
        "normalized path as sent"
    );
    assert_eq!(all[4]["query"]["input_token"], "[redacted]");
    let text = serde_json::to_string(&all).unwrap();
    assert!(
        !text.contains(token),
        "the user token leaked into the journal"
    );
    assert!(!text.contains(&proof));

    // Filters: method, path prefix, newest `limit` (still oldest first).
    let posts = sim.journal(&sandbox, "method=post").await;
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["seq"], 3);
    let pages = sim
        .journal(&sandbox, &format!("path_prefix=/v18.0/{page}"))
        .await;
    assert_eq!(pages.len(), 1);
    let v23 = sim
        .journal(&sandbox, &format!("path_prefix=/{V}/&method=GET"))
        .await;
    let seqs: Vec<i64> = v23.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 5]);
    let newest = sim.journal(&sandbox, "limit=2").await;
    let seqs: Vec<i64> = newest.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [4, 5]);
    assert!(sim.journal(&sandbox, "limit=0").await.is_empty());
    assert!(sim.journal(&sandbox, "path_prefix=/v99").await.is_empty());

    let unknown = sim.get(&sandbox.sim("/journal?verb=GET")).await;
    assert_eq!(
        unknown.assert_sim_error(400, None),
        "(#100) Unknown parameter \"verb\": this list takes limit, after, before, method, path_prefix"
    );
    for bad in ["-1", "x", "1.5", "1001"] {
        let reply = sim
            .get(&sandbox.sim(&format!("/journal?limit={bad}")))
            .await;
        assert_eq!(
            reply.assert_sim_error(400, None),
            format!("(#100) limit must be between 0 and 1000, got {bad:?}")
        );
    }
}

#[tokio::test]
async fn the_journal_keeps_the_newest_entries() {
    let sim = Sim::start().await;
    let sandbox = sim.create_sandbox(json!({ "journal_limit": 3 })).await;
    for _ in 0..5 {
        sim.get_as(sandbox.token("user_token"), &format!("/{V}/me"))
            .await
            .ok();
    }
    let entries = sim.journal(&sandbox, "").await;
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [3, 4, 5]);
    assert_eq!(
        sim.get(&sandbox.sim("")).await.json["counts"]["journal_entries"],
        3
    );
}

#[tokio::test]
async fn tokens_can_be_minted_and_invalidated() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(6).await;
    let minted = sim
        .post_json(
            &sandbox.sim("/tokens"),
            &json!({
                "handle": "limited", "subject": "system_user", "app": "app",
                "scopes": ["whatsapp_business_management"],
                "targets": { "whatsapp_business_management": ["waba"] },
            }),
        )
        .await;
    assert_eq!(minted.status, 201, "{}", minted.text());
    let token = minted.json["token"].as_str().unwrap().to_owned();
    assert_eq!(minted.json, json!({ "handle": "limited", "token": token }));
    let waba = sandbox.id_of("waba");
    sim.get_as(&token, &format!("/{V}/{waba}")).await.ok();
    let debug = sim
        .get_as(&token, &format!("/{V}/debug_token?input_token={token}"))
        .await;
    assert_eq!(
        debug.ok()["data"]["granular_scopes"],
        json!([{ "scope": "whatsapp_business_management", "target_ids": [waba] }])
    );
    let info = sim.get(&sandbox.sim("")).await;
    assert_eq!(info.json["tokens"]["limited"], token.as_str());
    assert_eq!(info.json["counts"]["tokens"], 5);

    let cases = [
        (
            json!({ "handle": "limited", "subject": "owner", "app": "app" }),
            "(#100) token: token or handle \"limited\" is used twice",
        ),
        (
            json!({ "handle": "x", "subject": "waba", "app": "app" }),
            "(#100) token.subject: \"waba\" is not the handle of any User or Page or IGUser in this fixture",
        ),
        (
            json!({ "handle": "x", "subject": "owner", "app": "owner" }),
            "(#100) token.app: \"owner\" is not the handle of any Application in this fixture",
        ),
        (
            json!({ "handle": "x", "subject": "owner", "app": "app", "targets": { "pages_show_list": ["ghost"] } }),
            "(#100) token.targets.pages_show_list: unknown handle \"ghost\"",
        ),
        (
            json!({ "handle": "x", "subject": "owner", "app": "app", "scope": [] }),
            "(#100) Invalid JSON body at scope: unknown field `scope`",
        ),
        (
            json!({}),
            "(#100) Invalid JSON body: missing field `handle`",
        ),
    ];
    for (body, message) in cases {
        let reply = sim.post_json(&sandbox.sim("/tokens"), &body).await;
        let text = reply.assert_sim_error(400, None);
        assert!(text.starts_with(message), "{text}\n  expected {message}");
    }

    async fn invalidate(sim: &Sim, sandbox: &Sandbox, handle: &str, reason: &str) -> Reply {
        let path = sandbox.sim(&format!("/tokens/{handle}/invalidate"));
        sim.post_json(&path, &json!({ "reason": reason })).await
    }
    assert_eq!(
        invalidate(&sim, &sandbox, "limited", "app_removed")
            .await
            .ok(),
        &json!({ "success": true })
    );
    let denied = sim.get_as(&token, &format!("/{V}/{waba}")).await;
    denied.assert_error(401, 190, Some(458), "OAuthException");
    assert_eq!(
        denied.message(),
        "Error validating access token: The user has not authorized application."
    );
    let missing = invalidate(&sim, &sandbox, "nope", "app_removed").await;
    assert_eq!(
        missing.assert_sim_error(404, Some(33)),
        "No token with handle \"nope\""
    );
    let bad = invalidate(&sim, &sandbox, "limited", "bored").await;
    assert!(
        bad.assert_sim_error(400, None)
            .starts_with("(#100) Invalid JSON body at reason: unknown variant `bored`")
    );
    sim.post_json("/_sim/sandboxes/nope/tokens", &json!({}))
        .await
        .assert_sim_error(404, Some(33));
}

#[tokio::test]
async fn invalidating_a_user_token_takes_its_page_tokens_along() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(6).await;
    let user = sandbox.token("user_token");
    let accounts = sim.get_as(user, &format!("/{V}/me/accounts")).await;
    let page_token = accounts.ok()["data"][0]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    sim.get_as(&page_token, &format!("/{V}/me")).await.ok();
    let reply = sim
        .post_json(
            &sandbox.sim("/tokens/user_token/invalidate"),
            &json!({ "reason": "password_changed" }),
        )
        .await;
    reply.ok();
    for token in [user, page_token.as_str()] {
        let denied = sim.get_as(token, &format!("/{V}/me")).await;
        denied.assert_error(400, 190, Some(460), "OAuthException");
        assert_eq!(
            denied.message(),
            "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons."
        );
    }
    // Other tokens are untouched.
    sim.get_as(sandbox.token("system_user_token"), &format!("/{V}/me"))
        .await
        .ok();
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_in_metas_envelope() {
    let sim = Sim::start().await;
    for path in [
        "/_sim",
        "/_sim/",
        "/_sim/nope",
        "/_sim/sandboxes/default/nope",
        "/_sim/sandboxes/default/faults/1/x",
    ] {
        let reply = sim.get(path).await;
        assert_eq!(
            reply.assert_sim_error(404, Some(33)),
            format!("No control-plane route GET {path}")
        );
    }
    let cases = [
        (Method::POST, "/_sim/health"),
        (Method::PATCH, "/_sim/sandboxes/default"),
        (Method::PUT, "/_sim/sandboxes"),
        (Method::GET, "/_sim/sandboxes/default/reset"),
        (Method::POST, "/_sim/sandboxes/default/snapshot"),
        (Method::DELETE, "/_sim/sandboxes/default/clock"),
        (Method::GET, "/_sim/sandboxes/default/clock/advance"),
        (Method::POST, "/_sim/sandboxes/default/journal"),
        (Method::DELETE, "/_sim/sandboxes/default/faults"),
        (Method::GET, "/_sim/sandboxes/default/faults/1"),
        (Method::GET, "/_sim/sandboxes/default/tokens"),
        (
            Method::GET,
            "/_sim/sandboxes/default/tokens/user_token/invalidate",
        ),
    ];
    for (method, path) in cases {
        let reply = sim.send(sim.request(method.clone(), path)).await;
        assert_eq!(
            reply.assert_sim_error(405, None),
            format!("(#100) {path} does not accept {method}")
        );
    }
    // A path segment that is not UTF-8 is a Meta-shaped 400, not a plain-text one.
    let reply = sim.get("/_sim/sandboxes/%FF/journal").await;
    assert!(
        reply.assert_sim_error(400, None).contains("Invalid UTF-8"),
        "{}",
        reply.text()
    );
}

#[tokio::test]
async fn malformed_control_bodies_are_meta_errors() {
    let sim = Sim::start().await;
    let raw = |content_type: &'static str, body: &'static [u8]| {
        sim.send(
            sim.request(Method::POST, "/_sim/sandboxes")
                .header("content-type", content_type)
                .body(body),
        )
    };
    let reply = raw("application/json", b"{\"seed\": 1").await;
    assert!(
        reply
            .assert_sim_error(400, None)
            .starts_with("(#100) Invalid JSON body: EOF while parsing an object"),
        "{}",
        reply.text()
    );
    let reply = raw("application/json", b"\"a string\"").await;
    assert!(reply.assert_sim_error(400, None).starts_with(
        "(#100) Invalid JSON body: invalid type: string \"a string\", expected struct CreateSandbox"
    ));
    let reply = raw("application/json", b"{\"seed\": 1, \"colour\": \"red\"}").await;
    assert!(
        reply
            .assert_sim_error(400, None)
            .starts_with("(#100) Invalid JSON body at colour: unknown field `colour`")
    );
    let reply = raw("application/json", b"{\"seed\": -1}").await;
    assert!(
        reply
            .assert_sim_error(400, None)
            .starts_with("(#100) Invalid JSON body at seed:")
    );
    let reply = raw("application/json", b"\xff\xfe\x00garbage").await;
    assert!(
        reply
            .assert_sim_error(400, None)
            .starts_with("(#100) Invalid JSON body")
    );
    // Not JSON, sent with another content type: the error says what was sent.
    let reply = raw("text/xml", b"<sandbox/>").await;
    let text = reply.assert_sim_error(400, None);
    assert!(
        text.ends_with("(the control plane takes JSON bodies; this one was sent as \"text/xml\")"),
        "{text}"
    );
    // JSON under a form content type (what `curl -d` sends) is read as JSON.
    let reply = raw(
        "application/x-www-form-urlencoded",
        b"{\"id\": \"curl\", \"seed\": 8}",
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.json["seed"], 8);
    // An empty body means `{}`.
    let reply = raw("application/json", b"  \n").await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    // Over 16 MiB: 413 in Meta's envelope.
    let huge = vec![b'a'; 16 * 1024 * 1024 + 1];
    let reply = sim
        .send(
            sim.request(Method::POST, "/_sim/sandboxes")
                .header("content-type", "application/json")
                .body(huge),
        )
        .await;
    reply.assert_error(413, 100, None, "MetasimException");
    assert_eq!(
        reply.message(),
        "(#100) The request body is larger than the 16777216 bytes metasim accepts"
    );
    // Still serving.
    assert_eq!(sim.get("/_sim/health").await.json["sandboxes"], 3);
}

#[tokio::test]
async fn the_demo_fixture_round_trips_through_create() {
    // Sending the shipped demo fixture explicitly gives the same world as the default.
    let sim = Sim::start().await;
    let explicit = sim
        .create_sandbox(json!({ "id": "x", "seed": 3, "fixture": demo_fixture() }))
        .await;
    let snapshot_explicit = snapshot(&sim, &explicit).await;
    sim.delete(&explicit.sim("")).await.ok();
    let implicit = sim.create_sandbox(json!({ "id": "x", "seed": 3 })).await;
    assert_eq!(explicit, implicit);
    assert_eq!(snapshot(&sim, &implicit).await, snapshot_explicit);
}
