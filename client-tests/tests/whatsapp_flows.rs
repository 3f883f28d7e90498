//! WhatsApp Flows over HTTP: creating drafts (and clones) on a WABA, listing
//! them, reading one with its fields and nested references, and Meta's
//! refusals. The Flow is the example of docs/architecture.md's walkthrough.

use client_tests::{Sim, V, json, unsupported};
use reqwest::Method;

#[tokio::test]
async fn flows_are_created_listed_and_read() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(61).await;
    let token = sandbox.token("system_user_token");
    let waba = sandbox.id_of("waba");
    let path = format!("/{V}/{waba}/flows");
    let empty = sim.get_as(token, &path).await;
    assert_eq!(empty.ok(), &json!({ "data": [] }));

    // Form-encoded, categories as a JSON string (as the spec's example sends them).
    let created = sim
        .send(sim.request(Method::POST, &path).bearer_auth(token).form(&[
            ("name", "Sign up"),
            ("categories", r#"["SIGN_UP","OTHER"]"#),
            ("endpoint_uri", "https://flows.luckyshrub.example/data"),
        ]))
        .await;
    let id = created.ok()["id"].as_str().unwrap().to_owned();
    assert_eq!(created.json, json!({ "id": id }));
    // JSON, cloning the first: categories and endpoint come from it.
    let cloned = sim
        .send(
            sim.request(Method::POST, &path)
                .bearer_auth(token)
                .json(&json!({ "name": "Sign up (copy)", "clone_flow_id": id })),
        )
        .await;
    let copy = cloned.ok()["id"].as_str().unwrap().to_owned();

    let list = sim.get_as(token, &path).await;
    assert_eq!(
        list.ok()["data"],
        json!([
            { "id": id, "name": "Sign up", "status": "DRAFT", "categories": ["SIGN_UP", "OTHER"], "validation_errors": [] },
            { "id": copy, "name": "Sign up (copy)", "status": "DRAFT", "categories": ["SIGN_UP", "OTHER"], "validation_errors": [] },
        ])
    );
    let one = sim
        .get_as(token, &format!("/{V}/{copy}?fields=name,endpoint_uri,whatsapp_business_account{{name}},application{{name}}"))
        .await;
    assert_eq!(
        one.ok(),
        &json!({
            "name": "Sign up (copy)",
            "endpoint_uri": "https://flows.luckyshrub.example/data",
            "whatsapp_business_account": { "name": "Lucky Shrub", "id": waba },
            "application": { "name": "Lucky Shrub CRM", "id": sandbox.id_of("app") },
            "id": copy,
        })
    );
    let defaults = sim.get_as(token, &format!("/{V}/{id}")).await;
    let fields: Vec<&str> = defaults
        .ok()
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields.join(","),
        "id,name,status,categories,validation_errors,json_version,data_api_version,\
         endpoint_uri,preview,whatsapp_business_account,application,health_status"
    );
    assert!(
        defaults.json["preview"]["preview_url"]
            .as_str()
            .unwrap()
            .starts_with(&format!(
                "https://business.facebook.com/wa/manage/flows/{id}/preview/?token="
            ))
    );
}

#[tokio::test]
async fn creating_a_flow_is_refused_as_meta_refuses() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(62).await;
    let token = sandbox.token("system_user_token");
    let waba = sandbox.id_of("waba");
    let path = format!("/{V}/{waba}/flows");
    let post = |pairs: Vec<(&'static str, &'static str)>| {
        sim.send(
            sim.request(Method::POST, &path)
                .bearer_auth(token)
                .form(&pairs),
        )
    };
    let cases = [
        (
            vec![("categories", "OTHER")],
            "(#100) The parameter name is required",
        ),
        (
            vec![("name", "x")],
            "(#100) The parameter categories is required",
        ),
        (
            vec![("name", "x"), ("categories", "NAP")],
            "(#100) Param categories[0] must be one of {SIGN_UP, SIGN_IN, APPOINTMENT_BOOKING, LEAD_GENERATION, SHOPPING, CONTACT_US, CUSTOMER_SUPPORT, SURVEY, OTHER} - got \"NAP\".",
        ),
        (
            vec![
                ("name", "x"),
                ("categories", "OTHER"),
                ("endpoint_uri", "http://plain.example"),
            ],
            "(#100) Param endpoint_uri must be an https URL",
        ),
        (
            vec![("name", "x"), ("clone_flow_id", "290000000000000")],
            "(#100) Param clone_flow_id must be the id of a Flow of this WhatsApp Business Account - got \"290000000000000\".",
        ),
    ];
    for (pairs, message) in cases {
        let reply = post(pairs).await;
        reply.assert_error(400, 100, None, "OAuthException");
        assert_eq!(reply.message(), message);
    }
    // Nothing was created by the refused calls.
    assert_eq!(sim.get_as(token, &path).await.ok()["data"], json!([]));

    // Flows follow the WABA's permissions: a token without the management
    // scope may not list or create them.
    let limited = sim
        .post_json(
            &sandbox.sim("/tokens"),
            &json!({"handle": "narrow", "subject": "system_user", "app": "app", "scopes": ["whatsapp_business_messaging"]}),
        )
        .await;
    assert_eq!(limited.status, 201);
    let narrow = limited.json["token"].as_str().unwrap().to_owned();
    sim.get_as(&narrow, &path)
        .await
        .assert_error(403, 200, None, "OAuthException");
    let created = post(vec![("name", "Survey"), ("categories", "SURVEY")]).await;
    let id = created.ok()["id"].as_str().unwrap().to_owned();
    let read = sim.get_as(&narrow, &format!("/{V}/{id}")).await;
    read.assert_error(403, 200, None, "OAuthException");
    // A draft is deleted (whatsapp_flow_lifecycle.rs has the rest); then it is gone.
    let delete = sim
        .request(Method::DELETE, &format!("/{V}/{id}"))
        .bearer_auth(token);
    assert_eq!(sim.send(delete).await.ok(), &json!({ "success": true }));
    let again = sim
        .send(
            sim.request(Method::DELETE, &format!("/{V}/{id}"))
                .bearer_auth(token),
        )
        .await;
    again.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(again.message(), unsupported("delete", &id));
}
