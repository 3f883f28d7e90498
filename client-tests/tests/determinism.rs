//! Determinism: two sandboxes created with the same seed and fed the same
//! requests give byte-identical responses (headers that matter included) and
//! byte-identical journals, while other sandboxes with other seeds are busy in
//! parallel. Tokens and app secrets embed the sandbox's identity, so each
//! sandbox's token strings are replaced by stable names before comparing.

use std::sync::Arc;

use client_tests::{Reply, Sandbox, Sim, V, Value, appsecret_proof, json, query};
use reqwest::Method;

const HEADERS: [&str; 6] = [
    "x-fb-trace-id",
    "x-fb-request-id",
    "facebook-api-version",
    "x-app-usage",
    "x-business-use-case-usage",
    "www-authenticate",
];

/// One answer as a line: status, the headers that matter, the body bytes.
fn line(step: &str, reply: &Reply) -> String {
    let headers: Vec<String> = HEADERS
        .iter()
        .filter_map(|name| reply.header(name).map(|value| format!("{name}={value}")))
        .collect();
    format!(
        "{step} -> {} [{}] {}",
        reply.status,
        headers.join("; "),
        reply.text()
    )
}

/// The same conversation for any demo sandbox: Graph reads and errors of every
/// kind, a batch, debug_token, Page tokens, Messenger and Instagram messages
/// both ways, an Accounts Center link, faults, clock moves, token issuance,
/// expiry and invalidation, and control-plane answers.
async fn script(sim: &Sim, sandbox: &Sandbox) -> Vec<String> {
    let system = sandbox.token("system_user_token").to_owned();
    let user = sandbox.token("user_token").to_owned();
    let waba = sandbox.id_of("waba");
    let page = sandbox.id_of("page");
    let phone = sandbox.id_of("phone_number");
    let mut out = vec![];
    let mut get = async |step: &str, token: Option<&str>, path: String| -> Reply {
        let mut request = sim.request(Method::GET, &path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let reply = sim.send(request).await;
        out.push(line(step, &reply));
        reply
    };
    get("me", Some(&system), format!("/{V}/me")).await;
    get(
        "waba",
        Some(&system),
        format!("/v18.0/{waba}?fields=id,name,currency,message_template_namespace"),
    )
    .await;
    get(
        "phones",
        None,
        format!("/{V}/{waba}/phone_numbers?limit=1&access_token={system}"),
    )
    .await;
    get(
        "phone",
        Some(&system),
        format!("/{V}/{phone}?fields=status,throughput,is_pin_enabled"),
    )
    .await;
    let accounts = get("accounts", Some(&user), format!("/{V}/me/accounts")).await;
    let page_token = accounts.json["data"][0]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    get("as page", Some(&page_token), format!("/{V}/me")).await;
    get(
        "page",
        Some(&user),
        format!("/{V}/{page}?fields=name,instagram_business_account{{username,ig_id}}"),
    )
    .await;
    get(
        "debug",
        Some(&user),
        format!("/{V}/debug_token?input_token={system}"),
    )
    .await;
    get(
        "debug page",
        Some(&user),
        format!("/{V}/debug_token?input_token={page_token}"),
    )
    .await;
    get("unknown id", Some(&system), format!("/{V}/123456")).await;
    get("alias", Some(&system), format!("/{V}/nope")).await;
    get("edge", Some(&system), format!("/{V}/me/frobnicate")).await;
    get("field", Some(&system), format!("/{V}/me?fields=bogus")).await;
    get("future", Some(&system), "/v27.0/me".to_owned()).await;
    get("bad token", Some("garbage"), format!("/{V}/{waba}")).await;
    get("no token", None, format!("/{V}/me")).await;
    get("permission", Some(&user), format!("/{V}/{waba}")).await;
    let proof = appsecret_proof(&system, sandbox.secret("app"));
    get(
        "proof",
        Some(&system),
        format!("/{V}/me?appsecret_proof={proof}"),
    )
    .await;
    get(
        "bad proof",
        Some(&system),
        format!("/{V}/me?appsecret_proof=00"),
    )
    .await;

    let batch = json!([
        { "method": "GET", "name": "accounts", "relative_url": "me/accounts" },
        { "method": "GET", "relative_url": "{result=accounts:$.data.0.id}?fields=name", "depends_on": "accounts" },
        { "method": "GET", "relative_url": "999" },
    ])
    .to_string();
    let reply = sim
        .post_form(
            &format!("/{V}/"),
            &[("access_token", &user), ("batch", &batch)],
        )
        .await;
    out.push(line("batch", &reply));

    // Messenger, Instagram Direct and Accounts Center: people write, the
    // Page answers with the Send API, conversations and events are read.
    let ana = sandbox.id_of("ana").to_owned();
    let kai = sandbox.id_of("kai").to_owned();
    let instagram = sandbox.id_of("instagram").to_owned();
    let mut call = async |step: &str,
                          method: Method,
                          path: String,
                          token: Option<&str>,
                          body: Option<Value>|
           -> Reply {
        let mut request = sim.request(method, &path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let reply = sim.send(request).await;
        out.push(line(step, &reply));
        reply
    };
    let wrote = call(
        "ana writes",
        Method::POST,
        sandbox.sim(&format!("/facebook/users/{ana}/messages")),
        None,
        Some(json!({ "to": page, "message": { "text": "Open on Sunday?" } })),
    )
    .await;
    let psid = wrote.json["psid"].as_str().unwrap_or_default().to_owned();
    call(
        "kai writes",
        Method::POST,
        sandbox.sim(&format!("/instagram/users/{kai}/messages")),
        None,
        Some(json!({ "to": instagram, "message": { "text": "Ship to Oslo?" } })),
    )
    .await;
    call(
        "link",
        Method::POST,
        sandbox.sim("/accounts-center/links"),
        None,
        Some(json!({ "facebook_user_id": ana, "instagram_user_id": kai })),
    )
    .await;
    call(
        "page answers",
        Method::POST,
        format!("/{V}/{page}/messages"),
        Some(&page_token),
        Some(
            json!({ "recipient": { "id": psid }, "messaging_type": "RESPONSE",
                     "message": { "text": "Yes, 10 to 4." } }),
        ),
    )
    .await;
    let inbox = sandbox.sim(&format!("/facebook/users/{ana}/inbox"));
    call("ana's inbox", Method::GET, inbox, None, None).await;
    call(
        "conversations",
        Method::GET,
        format!("/{V}/{page}/conversations?fields=participants,messages{{message,from}}"),
        Some(&page_token),
        None,
    )
    .await;
    call(
        "instagram conversations",
        Method::GET,
        format!("/{V}/{instagram}/conversations?platform=instagram&fields=messages{{message}}"),
        Some(&page_token),
        None,
    )
    .await;
    call("events", Method::GET, sandbox.sim("/events"), None, None).await;

    let mut control =
        async |step: &str, method: Method, path: String, body: Option<Value>| -> Reply {
            let mut request = sim.request(method, &sandbox.sim(&path));
            if let Some(body) = body {
                request = request.json(&body);
            }
            let reply = sim.send(request).await;
            out.push(line(step, &reply));
            reply
        };
    control("fault", Method::POST, "/faults".into(), Some(json!({ "match": { "product": ["whatsapp", "graph"] }, "error": { "code": 2, "http_status": 503 }, "times": 2 }))).await;
    control(
        "advance",
        Method::POST,
        "/clock/advance".into(),
        Some(json!({ "seconds": 7200 })),
    )
    .await;
    control("mint", Method::POST, "/tokens".into(), Some(json!({ "handle": "short", "subject": "system_user", "app": "app", "scopes": ["whatsapp_business_management"], "expires_in": 60 }))).await;
    let minted = sim.get(&sandbox.sim("")).await.json["tokens"]["short"]
        .as_str()
        .unwrap()
        .to_owned();
    control("faults", Method::GET, "/faults".into(), None).await;

    let mut get = async |step: &str, token: &str, path: String| {
        let reply = sim.get_as(token, &path).await;
        out.push(line(step, &reply));
    };
    get("faulted", &system, format!("/{V}/me")).await;
    get("faulted waba", &system, format!("/{V}/{waba}")).await;
    get("recovered", &system, format!("/{V}/{waba}")).await;
    get("minted", &minted, format!("/{V}/{waba}?fields=name")).await;
    sim.advance(sandbox, 61).await;
    get("expired", &minted, format!("/{V}/{waba}")).await;
    sim.post_json(
        &sandbox.sim("/tokens/user_token/invalidate"),
        &json!({ "reason": "app_removed" }),
    )
    .await
    .ok();
    get("invalidated", &user, format!("/{V}/me")).await;
    get("page token after", &page_token, format!("/{V}/me")).await;
    let reply = sim.get(&sandbox.sim("/clock")).await;
    out.push(line("clock", &reply));
    out
}

/// token string (and app secret) -> a name that is the same in every sandbox
/// built from the same fixture and seed.
async fn token_names(sim: &Sim, sandbox: &Sandbox) -> Vec<(String, String)> {
    let state = sim.get(&sandbox.sim("/snapshot")).await.json;
    let handles: Vec<(&str, &str)> = state["token_handles"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(handle, token)| (token.as_str().unwrap(), handle.as_str()))
        .collect();
    let mut names: Vec<(String, String)> = state["tokens"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(token, details)| {
            let name = match handles.iter().find(|(t, _)| t == token) {
                Some((_, handle)) => format!("<token {handle}>"),
                None => format!(
                    "<token {} of {} via {}>",
                    details["kind"].as_str().unwrap(),
                    details["subject_id"].as_str().unwrap(),
                    details["user_id"].as_str().unwrap_or("-")
                ),
            };
            (token.clone(), name)
        })
        .collect();
    for (handle, secret) in &sandbox.app_secrets {
        names.push((secret.clone(), format!("<secret {handle}>")));
    }
    // Longest first, so an app token goes before the secret inside it.
    names.sort_by_key(|(token, _)| std::cmp::Reverse(token.len()));
    names
}

fn normalize(text: &str, names: &[(String, String)]) -> String {
    names.iter().fold(text.to_owned(), |text, (token, name)| {
        text.replace(token, name)
    })
}

/// Keep other sandboxes busy: their own reads, errors, batches, faults and clock.
async fn hammer(sim: Arc<Sim>, seed: u64) -> usize {
    let sandbox = sim.demo(seed).await;
    let token = sandbox.token("system_user_token").to_owned();
    let waba = sandbox.id_of("waba").to_owned();
    let mut done = 0;
    for round in 0..40u64 {
        let path = match round % 5 {
            0 => format!("/{V}/{waba}/phone_numbers"),
            1 => format!("/{V}/me?fields=id,name"),
            2 => format!("/{V}/{}", 1000 + round),
            3 => format!("/v18.0/{waba}"),
            _ => format!("/{V}/debug_token?{}", query(&[("input_token", &token)])),
        };
        sim.get_as(&token, &path).await;
        if round % 10 == 0 {
            sim.advance(&sandbox, 30).await;
            sim.add_fault(&sandbox, json!({ "latency_ms": 1, "times": 1 }))
                .await;
        }
        done += 1;
    }
    done
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn same_seed_same_requests_same_bytes_while_others_are_busy() {
    let sim = Arc::new(Sim::start().await);
    let busy: Vec<_> = (100..106)
        .map(|seed| tokio::spawn(hammer(sim.clone(), seed)))
        .collect();
    let a = sim
        .create_sandbox(json!({ "id": "twin-a", "seed": 77 }))
        .await;
    let b = sim
        .create_sandbox(json!({ "id": "twin-b", "seed": 77 }))
        .await;
    let c = sim
        .create_sandbox(json!({ "id": "twin-c", "seed": 78 }))
        .await;
    let (run_a, run_b, run_c) = tokio::join!(script(&sim, &a), script(&sim, &b), script(&sim, &c));
    for task in busy {
        assert_eq!(task.await.unwrap(), 40);
    }

    let names_a = token_names(&sim, &a).await;
    let names_b = token_names(&sim, &b).await;
    assert_ne!(a.token("user_token"), b.token("user_token"));
    let run_a: Vec<String> = run_a.iter().map(|l| normalize(l, &names_a)).collect();
    let run_b: Vec<String> = run_b.iter().map(|l| normalize(l, &names_b)).collect();
    assert_eq!(run_a.len(), run_b.len());
    for (left, right) in run_a.iter().zip(&run_b) {
        assert_eq!(left, right);
    }
    // Nothing in the answers still names a sandbox.
    let all = run_a.join("\n");
    assert!(!all.contains("twin-a") && !all.contains("EAAM"), "{all}");
    // The script covered successes and every family of error.
    for status in [
        " -> 200 ", " -> 201 ", " -> 400 ", " -> 401 ", " -> 403 ", " -> 503 ",
    ] {
        assert!(all.contains(status), "no {status} in the script");
    }
    // Messenger and Instagram went through, both ways.
    for step in [
        "ana writes -> 201 ",
        "kai writes -> 201 ",
        "page answers -> 200 ",
        "conversations -> 200 ",
        "instagram conversations -> 200 ",
    ] {
        assert!(all.contains(step), "no {step:?} in the script");
    }
    // Another seed really gives other bytes (ids, trace ids, tokens).
    let names_c = token_names(&sim, &c).await;
    let run_c: Vec<String> = run_c.iter().map(|l| normalize(l, &names_c)).collect();
    assert_ne!(run_a, run_c);

    // The journals, byte for byte.
    let journal_a = sim.get(&a.sim("/journal")).await;
    let journal_b = sim.get(&b.sim("/journal")).await;
    assert_eq!(journal_a.ok()["data"].as_array().unwrap().len(), 27);
    assert_eq!(
        normalize(&journal_a.text(), &names_a),
        normalize(&journal_b.text(), &names_b)
    );
    // And the whole state, apart from the sandbox id.
    let mut state_a: Value = serde_json::from_str(&normalize(
        &sim.get(&a.sim("/snapshot")).await.text(),
        &names_a,
    ))
    .unwrap();
    let mut state_b: Value = serde_json::from_str(&normalize(
        &sim.get(&b.sim("/snapshot")).await.text(),
        &names_b,
    ))
    .unwrap();
    state_a["id"] = json!("twin");
    state_b["id"] = json!("twin");
    assert_eq!(state_a, state_b);
}

#[tokio::test]
async fn a_reset_sandbox_replays_identically() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "id": "replay", "seed": 3 }))
        .await;
    let first = script(&sim, &sandbox).await;
    let journal = sim.get(&sandbox.sim("/journal")).await;
    sim.post_json(&sandbox.sim("/reset"), &json!({})).await.ok();
    let second = script(&sim, &sandbox).await;
    // Same sandbox id and seed: even the tokens are the same, no renaming needed.
    assert_eq!(first, second);
    assert_eq!(sim.get(&sandbox.sim("/journal")).await.bytes, journal.bytes);
}
