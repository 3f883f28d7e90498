//! SDKs that hard-code `https://graph.facebook.com` send WhatsApp messages
//! through metasim, unmodified and with no base URL anywhere: each driver runs
//! with a clean environment holding only the variables metasim's `--https`
//! banner prints (the proxy, the CA, Node's preload) and the SDK's own
//! settings (token, phone number id). The SDK under test for Python is heyoo
//! (requests), for Node Meta's own `whatsapp` package (Node's `https` module,
//! through the global-agent preload). The test checks what the SDK got back,
//! what metasim journaled and what reached Alice's phone.

use std::path::PathBuf;

use client_tests::sdk::{
    Scenario, calls, proxied_command, proxied_node_dir, proxied_python, run_driver,
};
use client_tests::whatsapp::{ALICE, MANAGER, assert_wamid, phone};
use client_tests::{Sim, Value, json};

fn ca_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("sdk-proxied-{name}"))
}

/// A send's answer, exactly as Meta gives it; returns the wamid.
#[track_caller]
fn assert_sent(answer: &Value) -> String {
    let id = answer["messages"][0]["id"]
        .as_str()
        .expect("a wamid")
        .to_owned();
    assert_wamid(&id);
    let message = answer["messages"][0].clone();
    assert_eq!(
        answer,
        &json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": ALICE, "wa_id": ALICE }],
            "messages": [message],
        })
    );
    id
}

/// The texts of the messages `ids` in Alice's inbox, in order.
async fn received(sim: &Sim, scenario: &Scenario, ids: &[String]) -> Vec<String> {
    let inbox = sim.inbox(&scenario.sandbox, ALICE).await;
    let delivered: Vec<&str> = inbox.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(delivered, ids, "{inbox:?}");
    inbox
        .iter()
        .map(|m| m["text"].as_str().expect("a rendered text").to_owned())
        .collect()
}

#[tokio::test]
async fn heyoo_sends_through_the_proxy() {
    let sim = Sim::start_intercepting(&ca_dir("heyoo")).await;
    let scenario = Scenario::start(&sim, "sdk-proxied-heyoo").await;
    let sandbox = &scenario.sandbox;
    let before = sim.journal(sandbox, "").await.len();
    let script = client_tests::sdk::scripts_dir().join("proxied/python/send_heyoo.py");
    let mut command = proxied_command(
        &proxied_python(),
        &sim.sim.https_exports(),
        &[
            ("WA_TOKEN", sandbox.token(MANAGER).to_owned()),
            ("WA_PHONE_NUMBER_ID", phone(sandbox).to_owned()),
            ("WA_TO", ALICE.to_owned()),
            ("WA_READ_ID", scenario.inbound_id.clone()),
        ],
    );
    command.arg(script);
    let steps = run_driver(command).await;
    assert_eq!(
        steps.names(),
        ["send_text", "send_template", "mark_as_read"]
    );
    let ids = [
        assert_sent(steps.result("send_text")),
        assert_sent(steps.result("send_template")),
    ];
    assert_eq!(steps.result("mark_as_read"), &json!({ "success": true }));

    // heyoo's hard-coded v14.0 (v15.0 to mark as read) is retired: served
    // as the oldest usable version.
    let requests = sim.journal(sandbox, "").await.split_off(before);
    let v14 = format!("/v14.0/{}/messages", phone(sandbox));
    let v15 = format!("/v15.0/{}/messages", phone(sandbox));
    assert_eq!(
        calls(&requests),
        [
            ("POST", v14.as_str()),
            ("POST", v14.as_str()),
            ("POST", v15.as_str())
        ]
    );
    for entry in &requests {
        assert_eq!(entry["status"], 200, "{entry}");
    }
    assert_eq!(
        received(&sim, &scenario, &ids).await,
        [
            "Hello from heyoo",
            "Hi Alice, your order H-1414 has shipped and will arrive tomorrow.\nLucky Shrub",
        ]
    );
}

#[tokio::test]
async fn metas_node_sdk_sends_through_the_proxy_with_the_preload() {
    let sim = Sim::start_intercepting(&ca_dir("meta-node")).await;
    let scenario = Scenario::start(&sim, "sdk-proxied-meta-node").await;
    let sandbox = &scenario.sandbox;
    let before = sim.journal(sandbox, "").await.len();
    let dir = proxied_node_dir();
    let node = PathBuf::from("node");
    let mut command = proxied_command(
        &node,
        &sim.sim.https_exports(),
        &[
            ("NODE_ENV", "production".to_owned()),
            ("WA_PHONE_NUMBER_ID", phone(sandbox).to_owned()),
            ("CLOUD_API_ACCESS_TOKEN", sandbox.token(MANAGER).to_owned()),
            ("CLOUD_API_VERSION", "v23.0".to_owned()),
            ("WA_TO", ALICE.to_owned()),
        ],
    );
    command.arg("send_whatsapp.cjs").current_dir(&dir);
    let steps = run_driver(command).await;
    assert_eq!(steps.names(), ["send_text", "send_template"]);
    let mut ids = Vec::new();
    for step in ["send_text", "send_template"] {
        let result = steps.result(step);
        assert_eq!(result["status"], 200, "{result}");
        ids.push(assert_sent(&result["body"]));
    }
    let requests = sim.journal(sandbox, "").await.split_off(before);
    let messages = format!("/v23.0/{}/messages", phone(sandbox));
    assert_eq!(calls(&requests), vec![("POST", messages.as_str()); 2]);
    // The SDK's own user agent: the request came from it, not from a stand-in.
    let agent = requests[0]["headers"]["user-agent"]
        .as_str()
        .unwrap_or_default();
    assert!(agent.starts_with("WA_SDK/"), "user agent {agent:?}");
    assert_eq!(
        received(&sim, &scenario, &ids).await,
        [
            "Hello from Meta's Node SDK",
            "Hi Alice, your order N-2020 has shipped and will arrive tomorrow.\nLucky Shrub",
        ]
    );
}
