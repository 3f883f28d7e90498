//! How requests may arrive and what every answer carries: JSON bodies, form
//! bodies with nested JSON strings, parameters in the query string of a POST,
//! content types; Meta's response headers (`x-fb-trace-id`, usage headers);
//! Meta's JSON encoding; and garbage of every kind answered with Meta-shaped
//! 4xx errors, never a 500 or a dropped connection.

use client_tests::{Reply, Sandbox, Sim, V, Value, demo_fixture, json, query};
use reqwest::Method;

const BATCH: &str = r#"[{"method":"GET","relative_url":"me?fields=id"}]"#;

async fn post_raw(sim: &Sim, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Reply {
    let mut request = sim.request(Method::POST, path).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    sim.send(request).await
}

fn owner_id_in(reply: &Reply) -> String {
    let body: Value = serde_json::from_str(reply.json[0]["body"].as_str().unwrap()).unwrap();
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn json_form_and_query_string_parameters_are_all_read() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let token = sandbox.token("user_token");
    let owner = sandbox.id_of("owner");
    let root = format!("/{V}/");

    // Form-encoded, the nested structure as a JSON string (Messenger style).
    let form = sim
        .post_form(&root, &[("access_token", token), ("batch", BATCH)])
        .await;
    assert_eq!(owner_id_in(&form), owner);
    // JSON, the nested structure as JSON — or as a JSON string inside JSON.
    let batch: Value = serde_json::from_str(BATCH).unwrap();
    let as_json = sim
        .post_json(&root, &json!({ "access_token": token, "batch": batch }))
        .await;
    assert_eq!(as_json.bytes, form.bytes);
    let string_in_json = sim
        .post_json(&root, &json!({ "access_token": token, "batch": BATCH }))
        .await;
    assert_eq!(string_in_json.bytes, form.bytes);
    // Everything in the query string of a POST with no body.
    let in_query = sim
        .send(sim.request(
            Method::POST,
            &format!(
                "{root}?{}",
                query(&[("access_token", token), ("batch", BATCH)])
            ),
        ))
        .await;
    assert_eq!(in_query.bytes, form.bytes);
    // Mixed: token in the query, batch in the body.
    let mixed = sim
        .post_form(&format!("{root}?access_token={token}"), &[("batch", BATCH)])
        .await;
    assert_eq!(mixed.bytes, form.bytes);
    // A GET tunneling a POST (`method=post`).
    let tunneled = sim
        .get(&format!(
            "{root}?{}",
            query(&[
                ("method", "post"),
                ("access_token", token),
                ("batch", BATCH)
            ])
        ))
        .await;
    assert_eq!(tunneled.bytes, form.bytes);
}

#[tokio::test]
async fn content_types_clients_send() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(2).await;
    let token = sandbox.token("user_token");
    let owner = sandbox.id_of("owner");
    let root = format!("/{V}");
    let json_body = json!({ "access_token": token, "batch": BATCH })
        .to_string()
        .into_bytes();
    let form_body = query(&[("access_token", token), ("batch", BATCH)]).into_bytes();
    let cases = [
        (Some("application/json"), json_body.clone()),
        (Some("application/json; charset=utf-8"), json_body.clone()),
        (Some("Application/JSON"), json_body.clone()),
        (Some("application/vnd.api+json"), json_body.clone()),
        (Some("text/plain"), json_body.clone()),
        (None, json_body.clone()),
        (Some("application/x-www-form-urlencoded"), form_body.clone()),
        (
            Some("application/x-www-form-urlencoded; charset=UTF-8"),
            form_body.clone(),
        ),
        (Some("text/plain;charset=UTF-8"), form_body.clone()),
        (None, form_body.clone()),
    ];
    for (content_type, body) in cases {
        let reply = post_raw(&sim, &root, content_type, body).await;
        assert_eq!(reply.status, 200, "{content_type:?}: {}", reply.text());
        assert_eq!(owner_id_in(&reply), owner, "{content_type:?}");
    }
}

#[tokio::test]
async fn bad_bodies_are_meta_errors() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    let token = sandbox.token("user_token");
    let root = format!("/{V}/?access_token={token}");
    let cases: [(&str, &[u8], &str); 8] = [
        (
            "application/json",
            b"{\"batch\": ",
            "(#100) Invalid JSON in request body: EOF while parsing",
        ),
        (
            "application/json",
            b"[1, 2, 3]",
            "(#100) The request body must be a JSON object",
        ),
        (
            "application/json",
            b"\"just a string\"",
            "(#100) The request body must be a JSON object",
        ),
        (
            "application/json",
            b"\xff\xfe\xfd",
            "(#100) Invalid JSON in request body",
        ),
        (
            "application/xml",
            b"<batch/>",
            "(#100) Unsupported Content-Type \"application/xml\": send application/json or application/x-www-form-urlencoded",
        ),
        (
            "application/octet-stream",
            b"\x00\x01\x02\xff",
            "(#100) Unsupported Content-Type \"application/octet-stream\"",
        ),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\n\r\n--x--",
            "(#100) Malformed multipart/form-data body",
        ),
        (
            "multipart/form-data",
            b"no boundary at all",
            "(#100) Malformed multipart/form-data body",
        ),
    ];
    for (content_type, body, message) in cases {
        let reply = post_raw(&sim, &root, Some(content_type), body.to_vec()).await;
        reply.assert_error(400, 100, None, "OAuthException");
        assert!(
            reply.message().starts_with(message),
            "{content_type}: {}",
            reply.message()
        );
    }
    // Deeply nested JSON is refused by the parser's own limit, not by a crash.
    let deep = format!("{{\"batch\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let reply = post_raw(&sim, &root, Some("application/json"), deep.into_bytes()).await;
    reply.assert_error(400, 100, None, "OAuthException");
    assert!(
        reply.message().contains("recursion limit exceeded"),
        "{}",
        reply.message()
    );
    // Binary junk under a form content type parses as (odd) form fields.
    let junk: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let reply = post_raw(&sim, &root, Some("application/x-www-form-urlencoded"), junk).await;
    reply.assert_error(400, 100, None, "OAuthException");
    assert_eq!(reply.message(), "(#100) The parameter batch is required");
    // An empty body with any content type is no body at all.
    let reply = post_raw(
        &sim,
        &format!("/{V}/me?access_token={token}"),
        Some("application/xml"),
        vec![],
    )
    .await;
    reply.assert_error(400, 100, Some(33), "GraphMethodException");
}

#[tokio::test]
async fn bodies_over_16_mib_are_413() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let token = sandbox.token("user_token");
    let huge = vec![b'a'; 16 * 1024 * 1024 + 1];
    let reply = post_raw(
        &sim,
        &format!("/{V}/?access_token={token}"),
        Some("application/x-www-form-urlencoded"),
        huge,
    )
    .await;
    reply.assert_error(413, 100, None, "OAuthException");
    assert_eq!(
        reply.message(),
        "(#100) The request body is larger than the 16777216 bytes metasim accepts"
    );
    // A body just under the cap is read.
    let mut big = b"batch=".to_vec();
    big.extend(query(&[("x", BATCH)]).into_bytes().split_off(2));
    big.extend(b"&pad=");
    big.resize(16 * 1024 * 1024, b'p');
    let reply = post_raw(
        &sim,
        &format!("/{V}/?access_token={token}"),
        Some("application/x-www-form-urlencoded"),
        big,
    )
    .await;
    assert_eq!(reply.ok()[0]["code"], 200);
}

#[tokio::test]
async fn every_answer_carries_metas_headers() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(5).await;
    let token = sandbox.token("user_token");
    for path in [
        format!("/{V}/me"),
        format!("/{V}/123"),
        "/v27.0/me".to_owned(),
        "/v23.0/me?access_token=bad".to_owned(),
    ] {
        let reply = if path.contains("access_token") {
            sim.get(&path).await
        } else {
            sim.get_as(token, &path).await
        };
        assert_eq!(
            reply.header("content-type"),
            Some("application/json; charset=UTF-8"),
            "{path}"
        );
        let trace = reply.header("x-fb-trace-id").expect("x-fb-trace-id");
        assert_eq!(trace.len(), 23);
        assert!(trace.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(
            reply.header("x-fb-request-id"),
            Some(format!("A{trace}").as_str())
        );
        assert!(
            reply
                .header("x-fb-rev")
                .is_some_and(|rev| rev.bytes().all(|b| b.is_ascii_digit()))
        );
        if reply.status != 200 {
            assert_eq!(reply.error()["fbtrace_id"], trace, "{path}");
        }
    }
}

async fn usage(
    sim: &Sim,
    sandbox: &Sandbox,
    token: &str,
    path: &str,
) -> (Option<String>, Option<Value>) {
    let reply = sim
        .get_as(sandbox.token(token), &format!("/{V}{path}"))
        .await;
    let app = reply.header("x-app-usage").map(str::to_owned);
    let business = reply
        .header("x-business-use-case-usage")
        .map(|h| serde_json::from_str(h).expect("the BUC header is JSON"));
    (app, business)
}

fn app_usage(percent: u64) -> Option<String> {
    Some(format!(
        r#"{{"call_count":{percent},"total_cputime":{},"total_time":{}}}"#,
        percent / 2,
        percent / 2
    ))
}

fn buc(object: &str, kind: &str, percent: u64) -> Option<Value> {
    Some(json!({ object: [{
        "type": kind, "call_count": percent, "total_cputime": percent / 2,
        "total_time": percent / 2, "estimated_time_to_regain_access": 0,
    }]}))
}

#[tokio::test]
async fn usage_headers_count_calls_per_app_and_business_object() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(6).await;
    let waba = sandbox.id_of("waba");
    let phone = sandbox.id_of("phone_number");
    let page = sandbox.id_of("page");
    let instagram = sandbox.id_of("instagram");
    // 200 calls an hour are 100%: call n reports n/2 %.
    assert_eq!(
        usage(&sim, &sandbox, "system_user_token", "/me").await,
        (app_usage(0), None)
    );
    assert_eq!(
        usage(&sim, &sandbox, "system_user_token", &format!("/{waba}")).await,
        (app_usage(1), buc(waba, "whatsapp_business_management", 0))
    );
    // A phone number counts against its WABA.
    assert_eq!(
        usage(&sim, &sandbox, "system_user_token", &format!("/{phone}")).await,
        (app_usage(1), buc(waba, "whatsapp_business_management", 1))
    );
    // Both tokens belong to the same app, so they share the app count.
    assert_eq!(
        usage(&sim, &sandbox, "user_token", &format!("/{page}")).await,
        (app_usage(2), buc(page, "pages", 0))
    );
    assert_eq!(
        usage(&sim, &sandbox, "user_token", &format!("/{instagram}")).await,
        (app_usage(2), buc(instagram, "instagram", 0))
    );
    // Errors count and carry the headers too.
    assert_eq!(
        usage(&sim, &sandbox, "user_token", "/123").await,
        (app_usage(3), None)
    );
    // Capped at 100%, and never throttled by itself (throttling is a fault rule).
    for _ in 0..200 {
        sim.get_as(sandbox.token("user_token"), &format!("/{V}/me"))
            .await
            .ok();
    }
    assert_eq!(
        usage(&sim, &sandbox, "user_token", "/me").await,
        (app_usage(100), None)
    );
    // A new hour on the sandbox clock starts from zero.
    sim.advance(&sandbox, 3600).await;
    assert_eq!(
        usage(&sim, &sandbox, "system_user_token", &format!("/{waba}")).await,
        (app_usage(0), buc(waba, "whatsapp_business_management", 0))
    );
}

#[tokio::test]
async fn json_is_encoded_as_meta_encodes_it() {
    let sim = Sim::start().await;
    let mut fixture = demo_fixture();
    fixture["pages"][0]["name"] = json!("Café 👋 \"Plants\" & <Pots>");
    let sandbox = sim.create_sandbox(json!({ "fixture": fixture })).await;
    let page = sandbox.id_of("page");
    let reply = sim
        .get_as(
            sandbox.token("user_token"),
            &format!("/{V}/{page}?fields=name,website"),
        )
        .await;
    assert_eq!(
        reply.text(),
        format!(
            r#"{{"name":"Caf\u00e9 \ud83d\udc4b \"Plants\" & <Pots>","website":"https:\/\/luckyshrub.example","id":"{page}"}}"#
        )
    );
}

/// A small deterministic generator for the garbage test.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() as usize % items.len()]
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

#[tokio::test]
async fn garbage_never_gets_a_500() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(7).await;
    let token = sandbox.token("user_token").to_owned();
    let waba = sandbox.id_of("waba").to_owned();
    let segments = [
        "me",
        "app",
        "debug_token",
        "v23.0",
        "v6.0",
        "v99.0",
        "%FF",
        "%00",
        "..",
        ".",
        "<script>",
        "accounts",
        "phone_numbers",
        &waba,
        "0",
        "-1",
        "1e9",
        "me%2Faccounts",
        "\u{1F600}",
        "",
    ];
    let params = [
        "fields=",
        "fields={",
        "fields=}}}",
        "fields=id,,name",
        "fields=a.limit(",
        "fields=a.as()",
        "limit=-5",
        "after=%FF",
        "before=",
        "method=delete",
        "method=PATCH",
        "batch=[",
        "batch=[null]",
        "access_token=",
        "appsecret_proof=%00",
        "input_token=%FF",
    ];
    let content_types = [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "image/png",
        "",
    ];
    let methods = [
        Method::GET,
        Method::POST,
        Method::DELETE,
        Method::PUT,
        Method::PATCH,
        Method::OPTIONS,
    ];
    let mut rng = Lcg(7);
    for round in 0..150 {
        let depth = 1 + rng.next() as usize % 4;
        let path: Vec<&str> = (0..depth).map(|_| rng.pick(&segments)).collect();
        let path = format!(
            "/{}?{}&{}",
            path.join("/"),
            rng.pick(&params),
            rng.pick(&params)
        );
        let method = methods[rng.next() as usize % methods.len()].clone();
        let mut request = sim.request(method.clone(), &path);
        if !rng.next().is_multiple_of(3) {
            request = request.bearer_auth(&token);
        }
        let content_type = rng.pick(&content_types);
        if !content_type.is_empty() {
            request = request.header("content-type", content_type);
        }
        let len = rng.next() as usize % 300;
        let body = if rng.next().is_multiple_of(2) {
            rng.bytes(len)
        } else {
            format!(
                "{{\"batch\":[{{\"relative_url\":\"{}\"}}]}}",
                rng.pick(&segments)
            )
            .into_bytes()
        };
        let reply = sim.send(request.body(body)).await;
        assert!(
            reply.status == 200 || (400..500).contains(&reply.status),
            "round {round}: {method} {path} -> {} {}",
            reply.status,
            reply.text()
        );
        if reply.status != 200 {
            let error = reply.error();
            assert!(
                error["code"].is_i64()
                    && error["message"].is_string()
                    && error["fbtrace_id"].is_string(),
                "round {round}: {}",
                reply.text()
            );
        }
    }
    // Still serving, and the sandbox is intact.
    sim.get_as(&token, &format!("/{V}/me")).await.ok();
    assert_eq!(sim.get("/_sim/health").await.json["status"], "ok");
}
