//! Batch requests (`POST /` with `batch=[…]`): per-operation answers with a
//! JSON-string body, `depends_on`, JSONPath references, `include_headers=false`,
//! `omit_response_on_success`, per-operation versions, tokens and errors, the
//! 50-operation limit, and malformed batches.

use client_tests::{Reply, Sandbox, Sim, V, Value, json, unsupported};

async fn batch(sim: &Sim, sandbox: &Sandbox, operations: Value, extra: &[(&str, &str)]) -> Reply {
    let operations = operations.to_string();
    let mut form = vec![
        ("access_token", sandbox.token("user_token")),
        ("batch", operations.as_str()),
    ];
    form.extend_from_slice(extra);
    sim.post_form(&format!("/{V}/"), &form).await
}

fn body_of(element: &Value) -> Value {
    serde_json::from_str(element["body"].as_str().expect("a JSON string body"))
        .expect("the body string is JSON")
}

#[tokio::test]
async fn operations_answer_in_order_with_string_bodies() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let page = sandbox.id_of("page");
    let reply = batch(
        &sim,
        &sandbox,
        json!([
            { "method": "GET", "relative_url": "me" },
            { "method": "GET", "relative_url": format!("{page}?fields=name,category") },
            { "relative_url": "v18.0/app" },
            { "relative_url": "v25.0/me/accounts?fields=id" },
        ]),
        &[],
    )
    .await;
    assert_eq!(reply.status, 200);
    let results = reply.ok().as_array().unwrap();
    assert_eq!(results.len(), 4);
    let direct = sim
        .get_as(sandbox.token("user_token"), &format!("/{V}/me"))
        .await;
    assert_eq!(
        results[0],
        json!({
            "code": 200,
            "headers": [
                { "name": "Content-Type", "value": "text/javascript; charset=UTF-8" },
                { "name": "facebook-api-version", "value": V },
            ],
            "body": direct.text(),
        })
    );
    assert_eq!(
        body_of(&results[1]),
        json!({ "name": "Lucky Shrub", "category": "Garden Center", "id": page })
    );
    assert_eq!(results[2]["headers"][1]["value"], "v21.0");
    assert_eq!(body_of(&results[2])["id"], sandbox.id_of("app"));
    assert_eq!(results[3]["headers"][1]["value"], "v25.0");
    assert_eq!(body_of(&results[3])["data"][0], json!({ "id": page }));
    // Bodies are encoded as Meta encodes them (`\/` inside the string).
    let app = batch(
        &sim,
        &sandbox,
        json!([{ "relative_url": "app?fields=link" }]),
        &[],
    )
    .await;
    assert!(
        app.json[0]["body"]
            .as_str()
            .unwrap()
            .contains("https:\\/\\/www.facebook.com")
    );
}

#[tokio::test]
async fn depends_on_and_jsonpath_references() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(2).await;
    let page = sandbox.id_of("page");
    let reply = batch(
        &sim,
        &sandbox,
        json!([
            { "method": "GET", "name": "accounts", "relative_url": "me/accounts" },
            { "method": "GET", "relative_url": "{result=accounts:$.data.0.id}?fields=name", "depends_on": "accounts" },
            // The Page token from the first answer, used by a later operation.
            { "method": "GET", "relative_url": "me?access_token={result=accounts:$.data.0.access_token}" },
            { "method": "GET", "name": "broken", "relative_url": "987654321" },
            { "method": "GET", "relative_url": "me", "depends_on": "broken" },
            { "method": "GET", "relative_url": "me", "depends_on": "nobody" },
            { "method": "GET", "relative_url": "{result=nobody:$.data.0.id}" },
        ]),
        &[],
    )
    .await;
    let results = reply.ok().as_array().unwrap();
    assert_eq!(results.len(), 7);
    assert_eq!(results[0]["code"], 200);
    assert_eq!(
        body_of(&results[1]),
        json!({ "name": "Lucky Shrub", "id": page })
    );
    assert_eq!(
        body_of(&results[2]),
        json!({ "id": page, "name": "Lucky Shrub" })
    );
    assert_eq!(results[3]["code"], 400);
    assert_eq!(
        body_of(&results[3])["error"]["message"],
        unsupported("get", "987654321")
    );
    // An operation whose dependency failed, or does not exist, does not run.
    assert_eq!(results[4], Value::Null);
    assert_eq!(results[5], Value::Null);
    assert_eq!(results[6]["code"], 400);
    assert_eq!(
        body_of(&results[6])["error"]["message"],
        "(#100) No batch operation named nobody"
    );
}

#[tokio::test]
async fn include_headers_false_and_omit_response_on_success() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    let operations = json!([
        { "relative_url": "me", "omit_response_on_success": true },
        { "relative_url": "me" },
        { "relative_url": "nope", "omit_response_on_success": true },
    ]);
    let reply = batch(
        &sim,
        &sandbox,
        operations.clone(),
        &[("include_headers", "false")],
    )
    .await;
    let results = reply.ok().as_array().unwrap();
    assert_eq!(results[0], Value::Null);
    let keys: Vec<&str> = results[1]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["code", "body"]);
    assert_eq!(results[2]["code"], 400);
    assert_eq!(body_of(&results[2])["error"]["code"], 803);
    // In a JSON body, a JSON `false` works as well.
    let reply = sim
        .post_json(
            &format!("/{V}"),
            &json!({ "access_token": sandbox.token("user_token"), "batch": operations, "include_headers": false }),
        )
        .await;
    assert!(reply.ok()[1].get("headers").is_none());
    let with_headers = batch(
        &sim,
        &sandbox,
        json!([{ "relative_url": "me" }]),
        &[("include_headers", "true")],
    )
    .await;
    assert!(with_headers.ok()[0].get("headers").is_some());
}

#[tokio::test]
async fn per_operation_errors_keep_the_outer_status_200() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let waba = sandbox.id_of("waba");
    let reply = batch(
        &sim,
        &sandbox,
        json!([
            { "relative_url": "v27.0/me" },
            { "relative_url": format!("{waba}") },
            { "relative_url": "me/frobnicate" },
            { "relative_url": "me?fields=bogus" },
            { "relative_url": "me?access_token=garbage" },
            "not an object",
            { "method": "GET" },
            { "method": "POST", "relative_url": "" },
            { "method": "DELETE", "relative_url": "me" },
        ]),
        &[],
    )
    .await;
    assert_eq!(reply.status, 200);
    let results = reply.ok().as_array().unwrap();
    let expected = [
        (400, 2500, "Unknown path components: /v27.0/me".to_owned()),
        (403, 200, "(#200) Permissions error".to_owned()),
        (400, 2500, "Unknown path components: /frobnicate".to_owned()),
        (
            400,
            100,
            "(#100) Tried accessing nonexisting field (bogus) on node type (User)".to_owned(),
        ),
        (
            400,
            190,
            "Invalid OAuth access token - Cannot parse access token".to_owned(),
        ),
        (
            400,
            100,
            "(#100) Each batch operation must be a JSON object".to_owned(),
        ),
        (
            400,
            100,
            "(#100) Missing relative_url in a batch operation".to_owned(),
        ),
        (
            400,
            100,
            "(#100) A batch request cannot contain another batch".to_owned(),
        ),
        (400, 100, unsupported("delete", sandbox.id_of("owner"))),
    ];
    assert_eq!(results.len(), expected.len());
    for (i, (element, (status, code, message))) in results.iter().zip(expected).enumerate() {
        assert_eq!(element["code"], status, "operation {i}");
        let body = body_of(element);
        assert_eq!(body["error"]["code"], code, "operation {i}");
        assert_eq!(body["error"]["message"], message, "operation {i}");
        assert!(body["error"]["fbtrace_id"].is_string());
    }
}

#[tokio::test]
async fn at_most_50_operations() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(5).await;
    let fifty: Vec<Value> = (0..50)
        .map(|_| json!({ "relative_url": "me?fields=id" }))
        .collect();
    let reply = batch(
        &sim,
        &sandbox,
        json!(fifty),
        &[("include_headers", "false")],
    )
    .await;
    assert_eq!(reply.ok().as_array().unwrap().len(), 50);
    let fifty_one: Vec<Value> = (0..51).map(|_| json!({ "relative_url": "me" })).collect();
    let reply = batch(&sim, &sandbox, json!(fifty_one), &[]).await;
    reply.assert_error(400, 100, None, "GraphBatchException");
    assert_eq!(
        reply.message(),
        "Too many requests in batch message. Maximum batch size is 50"
    );
}

#[tokio::test]
async fn malformed_batches() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(6).await;
    let token = sandbox.token("user_token");
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("access_token", token)],
            "(#100) The parameter batch is required",
        ),
        (
            &[("access_token", token), ("batch", "[{")],
            "(#100) Param batch must be JSON",
        ),
        (
            &[
                ("access_token", token),
                ("batch", "{\"relative_url\":\"me\"}"),
            ],
            "(#100) Param batch must be a JSON array",
        ),
        (
            &[
                ("access_token", token),
                ("batch", "[{\"relative_url\":\"{result=x:$.a\"}]"),
            ],
            "",
        ),
    ];
    for (form, message) in &cases[..3] {
        let reply = sim.post_form(&format!("/{V}"), form).await;
        reply.assert_error(400, 100, None, "OAuthException");
        assert_eq!(reply.message(), *message);
    }
    let unterminated = sim.post_form(&format!("/{V}"), cases[3].0).await;
    assert_eq!(
        body_of(&unterminated.ok()[0])["error"]["message"],
        "(#100) Unterminated {result=…} reference in a batch operation"
    );
    let get_root = sim.get_as(token, &format!("/{V}/")).await;
    get_root.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        get_root.message(),
        "(#100) Unsupported get request to the API root: only POST with a batch parameter is accepted"
    );
}

#[tokio::test]
async fn every_operation_counts_toward_usage() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(7).await;
    let nine: Vec<Value> = (0..9).map(|_| json!({ "relative_url": "me" })).collect();
    let reply = batch(&sim, &sandbox, json!(nine), &[]).await;
    reply.ok();
    // Nine operations and the batch itself: 10 of 200 calls an hour, 5%.
    assert_eq!(
        reply.header("x-app-usage"),
        Some(r#"{"call_count":5,"total_cputime":2,"total_time":2}"#)
    );
}
