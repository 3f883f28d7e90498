//! No credential reaches the journal, wherever a request carries it: the
//! operations of a batch (their URLs and bodies), any authorization header
//! with or without a scheme, a proxy's, the query, a JSON body at any depth.

use client_tests::{Sim, V, json};
use reqwest::Method;

#[tokio::test]
async fn credentials_are_redacted_wherever_they_appear() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let token = sandbox.token("user_token").to_owned();
    let secret = sandbox.secret("app").to_owned();
    let app_token = sandbox.app_token("app");
    let batch = json!([
        {"method": "GET", "relative_url": format!("me?access_token={token}")},
        {"method": "POST", "relative_url": "me", "body": format!("access_token={token}&note=x")},
        {"method": "GET", "relative_url": "me", "body": {"access_token": token}},
    ])
    .to_string();
    sim.post_form(
        &format!("/{V}/"),
        &[("access_token", &token), ("batch", &batch)],
    )
    .await
    .ok();
    // An Authorization header without a scheme, and a proxy's.
    sim.send(
        sim.request(Method::GET, &format!("/{V}/me?access_token={token}"))
            .header("authorization", "s3cr3t-no-scheme")
            .header("proxy-authorization", "Basic dXNlcjpzM2NyM3Q=")
            .header("cookie", "session=c00k13-v4lu3"),
    )
    .await;
    // A JSON body with secrets nested, and one in the query under another name.
    sim.send(
        sim.request(Method::POST, &format!("/{V}/me?client_secret={secret}"))
            .bearer_auth(&token)
            .json(
                &json!({"auth": {"app_secret": secret, "tokens": [{"input_token": app_token}]},
                          "note": format!("see me?access_token={token}")}),
            ),
    )
    .await;
    let journal = sim.get(&sandbox.sim("/journal")).await;
    let text = journal.text();
    assert_eq!(journal.json["data"].as_array().unwrap().len(), 3, "{text}");
    for credential in [
        token.as_str(),
        secret.as_str(),
        "s3cr3t-no-scheme",
        "dXNlcjpzM2NyM3Q=",
    ] {
        assert!(
            !text.contains(credential),
            "{credential:?} is in the journal: {text}"
        );
    }
    let entries = journal.json["data"].as_array().unwrap();
    assert_eq!(entries[1]["headers"]["authorization"], "[redacted]");
    // Cookies and transport headers are not kept at all.
    for dropped in ["cookie", "host", "content-length", "accept-encoding"] {
        assert!(
            entries[1]["headers"].get(dropped).is_none(),
            "{dropped}: {text}"
        );
    }
    assert!(!text.contains("c00k13-v4lu3"), "{text}");
    assert_eq!(
        entries[1]["headers"]["proxy-authorization"],
        "Basic [redacted]"
    );
    let batch = entries[0]["body"]["batch"].as_str().unwrap();
    assert!(batch.contains("me?access_token=[redacted]"), "{batch}");
    assert!(batch.contains("access_token=[redacted]&note=x"), "{batch}");
    assert_eq!(entries[2]["query"]["client_secret"], "[redacted]");
    assert_eq!(entries[2]["body"]["auth"]["app_secret"], "[redacted]");
    assert_eq!(
        entries[2]["body"]["auth"]["tokens"][0]["input_token"],
        "[redacted]"
    );
    assert_eq!(entries[2]["body"]["note"], "see me?access_token=[redacted]");
}
