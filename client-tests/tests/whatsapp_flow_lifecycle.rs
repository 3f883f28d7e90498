//! A WhatsApp Flow's life over HTTP: metadata updates, the Flow JSON asset
//! (uploaded as a multipart file, validated, listed and downloaded),
//! publishing, deprecation, deletion of drafts, and migration by name from
//! another WABA of the same portfolio — with Meta's 139001–139004 refusals.

use client_tests::whatsapp::two_waba_fixture;
use client_tests::{Reply, Sandbox, Sim, V, Value, json};
use reqwest::Method;
use reqwest::multipart::{Form, Part};

const TOKEN: &str = "system_user_token";
const FLOW_JSON: &str = r#"{"version": "7.1", "screens": [{"id": "WELCOME", "title": "Welcome", "layout": {"type": "SingleColumnLayout", "children": []}}]}"#;

async fn post(sim: &Sim, sandbox: &Sandbox, path: &str, body: Value) -> Reply {
    sim.send(
        sim.request(Method::POST, &format!("/{V}{path}"))
            .bearer_auth(sandbox.token(TOKEN))
            .json(&body),
    )
    .await
}

async fn upload(sim: &Sim, sandbox: &Sandbox, flow: &str, text: &str) -> Reply {
    let form = Form::new()
        .text("name", "flow.json")
        .text("asset_type", "FLOW_JSON")
        .part(
            "file",
            Part::bytes(text.as_bytes().to_vec())
                .file_name("flow.json")
                .mime_str("application/json")
                .expect("a MIME type"),
        );
    sim.send(
        sim.request(Method::POST, &format!("/{V}/{flow}/assets"))
            .bearer_auth(sandbox.token(TOKEN))
            .multipart(form),
    )
    .await
}

#[track_caller]
fn assert_flow_error(reply: &Reply, code: i64, text: &str) {
    reply.assert_error(400, code, None, "OAuthException");
    assert!(reply.message().contains(text), "{}", reply.message());
}

async fn create(sim: &Sim, sandbox: &Sandbox, name: &str) -> String {
    let reply = post(
        sim,
        sandbox,
        &format!("/{}/flows", sandbox.id_of("waba")),
        json!({ "name": name, "categories": ["SIGN_UP"] }),
    )
    .await;
    reply.ok()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_flow_is_written_published_and_deprecated() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(101).await;
    let token = sandbox.token(TOKEN);
    let flow = create(&sim, &sandbox, "Sign up").await;
    let other = create(&sim, &sandbox, "Other").await;
    // Metadata.
    let renamed = post(
        &sim,
        &sandbox,
        &format!("/{flow}"),
        json!({ "name": "Join us", "categories": ["SIGN_UP", "OTHER"] }),
    )
    .await;
    assert_eq!(renamed.ok(), &json!({ "success": true }));
    let taken = post(
        &sim,
        &sandbox,
        &format!("/{other}"),
        json!({ "name": "Join us" }),
    )
    .await;
    taken.assert_error(400, 100, None, "OAuthException");
    assert_eq!(taken.error()["error_user_title"], "Flow name is not unique");
    // No Flow JSON yet: nothing to publish.
    let early = post(&sim, &sandbox, &format!("/{flow}/publish"), json!({})).await;
    assert_flow_error(&early, 139002, "Publishing Flow with validation errors");
    // A broken Flow JSON is kept with its validation errors.
    let broken = upload(&sim, &sandbox, &flow, "{\"version\": \"7.1\"}").await;
    assert_eq!(broken.ok()["success"], true);
    assert_eq!(
        broken.json["validation_errors"][0]["error"],
        "MISSING_REQUIRED_PROPERTY"
    );
    let read = sim
        .get_as(
            token,
            &format!("/{V}/{flow}?fields=validation_errors,json_version,updated_at"),
        )
        .await;
    assert_eq!(read.ok()["validation_errors"].as_array().unwrap().len(), 1);
    assert_eq!(read.json["updated_at"], "2026-01-01T00:00:00+0000");
    // A good one publishes.
    let good = upload(&sim, &sandbox, &flow, FLOW_JSON).await;
    assert_eq!(
        good.ok(),
        &json!({ "success": true, "validation_errors": [] })
    );
    let assets = sim.get_as(token, &format!("/{V}/{flow}/assets")).await;
    let asset = &assets.ok()["data"][0];
    assert_eq!(asset["name"], "flow.json");
    assert_eq!(asset["asset_type"], "FLOW_JSON");
    let url = asset["download_url"].as_str().unwrap();
    let path = url.strip_prefix(sim.sim.url()).expect("a metasim URL");
    let file = sim
        .send(sim.request(Method::GET, path).bearer_auth(token))
        .await;
    assert_eq!(file.status, 200);
    assert_eq!(file.text(), FLOW_JSON);
    assert_eq!(
        post(&sim, &sandbox, &format!("/{flow}/publish"), json!({}))
            .await
            .ok(),
        &json!({ "success": true })
    );
    let status = sim
        .get_as(token, &format!("/{V}/{flow}?fields=status"))
        .await;
    assert_eq!(status.ok()["status"], "PUBLISHED");
    // Published: no new JSON, no deletion, no second publish.
    assert_flow_error(
        &upload(&sim, &sandbox, &flow, FLOW_JSON).await,
        139001,
        "already been published",
    );
    let deleted = sim
        .send(
            sim.request(Method::DELETE, &format!("/{V}/{flow}"))
                .bearer_auth(token),
        )
        .await;
    assert_flow_error(&deleted, 139004, "Can't delete published Flow");
    assert_flow_error(
        &post(&sim, &sandbox, &format!("/{flow}/publish"), json!({})).await,
        139002,
        "invalid state",
    );
    // Deprecated once.
    assert_flow_error(
        &post(&sim, &sandbox, &format!("/{other}/deprecate"), json!({})).await,
        139003,
        "unpublished",
    );
    assert_eq!(
        post(&sim, &sandbox, &format!("/{flow}/deprecate"), json!({}))
            .await
            .ok(),
        &json!({ "success": true })
    );
    assert_flow_error(
        &post(&sim, &sandbox, &format!("/{flow}/deprecate"), json!({})).await,
        139003,
        "already deprecated",
    );
    // A draft is deleted, and gone.
    let gone = sim
        .send(
            sim.request(Method::DELETE, &format!("/{V}/{other}"))
                .bearer_auth(token),
        )
        .await;
    assert_eq!(gone.ok(), &json!({ "success": true }));
    let after = sim.get_as(token, &format!("/{V}/{other}")).await;
    after.assert_error(400, 100, Some(33), "GraphMethodException");
}

#[tokio::test]
async fn flows_migrate_by_name_from_another_waba() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 102, "fixture": two_waba_fixture() }))
        .await;
    let source = sandbox.id_of("waba");
    let flow = create(&sim, &sandbox, "Sign up").await;
    upload(&sim, &sandbox, &flow, FLOW_JSON).await.ok();
    let target = sandbox.id_of("waba2");
    let path = format!("/{target}/migrate_flows");
    let reply = post(
        &sim,
        &sandbox,
        &path,
        json!({ "source_waba_id": source, "source_flow_names": ["Sign up", "Nope"] }),
    )
    .await;
    let migrated = &reply.ok()["migrated_flows"][0];
    assert_eq!(migrated["source_id"], flow.as_str());
    assert_eq!(migrated["source_name"], "Sign up");
    assert_eq!(
        reply.json["failed_flows"],
        json!([{ "source_name": "Nope", "error_code": "4233041", "error_message": "Flows Migration Error: Flow name not found in source WABA." }])
    );
    let copy = migrated["migrated_id"].as_str().unwrap();
    let read = sim
        .get_as(
            sandbox.token(TOKEN),
            &format!("/{V}/{copy}?fields=name,status,whatsapp_business_account"),
        )
        .await;
    assert_eq!(read.ok()["whatsapp_business_account"]["id"], target);
    assert_eq!(read.json["status"], "DRAFT");
    let again = post(&sim, &sandbox, &path, json!({ "source_waba_id": source })).await;
    assert_eq!(again.ok()["failed_flows"][0]["error_code"], "100");
    let itself = post(&sim, &sandbox, &path, json!({ "source_waba_id": target })).await;
    itself.assert_error(400, 100, None, "OAuthException");
}
