//! What the control plane trusts (docs/security.md): browsers only for pages
//! it serves itself (a cross-site `text/plain` POST is refused), loopback
//! host names only unless configured (a DNS-rebinding page is refused), and,
//! with an admin token, only requests that carry it — while the dashboard
//! still works, signed in once with a cookie.

use client_tests::{ServerConfig, Sim, V, json};
use reqwest::Method;

const ADMIN: &str = "admin-token-0123456789";

#[tokio::test]
async fn a_cross_site_page_cannot_change_anything() {
    let sim = Sim::start().await;
    let faults = "/_sim/sandboxes/default/faults";
    let origin = sim.url("").trim_end_matches('/').to_owned();
    let evil = sim
        .request(Method::POST, faults)
        .header("origin", "http://evil.example")
        .header("content-type", "text/plain")
        .body(r#"{"latency_ms": 1}"#);
    let reply = sim.send(evil).await;
    let message = reply.assert_sim_error(403, None);
    assert!(message.contains("Origin http://evil.example"), "{message}");
    let fetched = sim
        .request(Method::GET, "/_sim/sandboxes")
        .header("sec-fetch-site", "cross-site")
        .header("sec-fetch-mode", "cors");
    sim.send(fetched).await.assert_sim_error(403, None);
    // The server's own page may, with a JSON body; a form body it may not.
    let own = |content_type: &'static str| {
        sim.request(Method::POST, faults)
            .header("origin", origin.clone())
            .header("sec-fetch-site", "same-origin")
            .header("content-type", content_type)
            .body(r#"{"latency_ms": 1}"#)
    };
    sim.send(own("text/plain"))
        .await
        .assert_sim_error(415, None);
    assert_eq!(sim.send(own("application/json")).await.status, 201);
    // Tools send neither header and are not affected.
    assert_eq!(
        sim.post_json(faults, &json!({"latency_ms": 1}))
            .await
            .status,
        201
    );
    assert_eq!(
        sim.get(faults).await.ok()["data"].as_array().unwrap().len(),
        2
    );
    // A link to the dashboard from elsewhere opens it.
    let link = sim
        .request(Method::GET, "/_sim/ui")
        .header("sec-fetch-site", "cross-site")
        .header("sec-fetch-mode", "navigate");
    assert_eq!(sim.send(link).await.status, 200);
}

#[tokio::test]
async fn only_loopback_host_names_unless_configured() {
    let sim = Sim::start().await;
    let rebound = sim
        .request(Method::GET, "/_sim/sandboxes")
        .header("host", "evil.example:8080");
    let reply = sim.send(rebound).await;
    let message = reply.assert_sim_error(403, None);
    assert!(message.contains("--allowed-host evil.example"), "{message}");
    let local = sim
        .request(Method::GET, "/_sim/sandboxes")
        .header("host", "localhost:8080");
    assert_eq!(sim.send(local).await.status, 200);
    // The Graph API answers any host (its tokens pick what it shows).
    let token = sim.sim.sandbox("default").unwrap().tokens["user_token"].clone();
    let graph = sim
        .request(Method::GET, &format!("/{V}/me"))
        .header("host", "graph.example")
        .bearer_auth(&token);
    assert_eq!(sim.send(graph).await.status, 200);

    let configured = Sim::start_with(ServerConfig {
        allowed_hosts: vec!["metasim".into()],
        ..ServerConfig::default()
    })
    .await;
    let named = configured
        .request(Method::GET, "/_sim/sandboxes")
        .header("host", "metasim:8080");
    assert_eq!(configured.send(named).await.status, 200);
}

#[tokio::test]
async fn an_admin_token_locks_the_control_plane_and_the_dashboard_signs_in() {
    let sim = Sim::start_with(ServerConfig {
        admin_token: Some(ADMIN.into()),
        ..ServerConfig::default()
    })
    .await;
    let locked = sim.get("/_sim/sandboxes").await;
    locked.assert_sim_error(401, None);
    assert_eq!(
        locked.header("www-authenticate"),
        Some("Bearer realm=\"metasim control plane\"")
    );
    sim.send(
        sim.request(Method::GET, "/_sim/sandboxes")
            .bearer_auth("wrong-token-0123456789"),
    )
    .await
    .assert_sim_error(401, None);
    let open = sim
        .request(Method::GET, "/_sim/sandboxes")
        .bearer_auth(ADMIN);
    assert_eq!(sim.send(open).await.ok()["data"][0]["id"], "default");
    assert_eq!(sim.get("/_sim/health").await.status, 200);
    // Control paths no route serves, and wrong methods, are guarded too:
    // without the token nobody learns which routes exist.
    sim.get("/_sim/no-such-route")
        .await
        .assert_sim_error(401, None);
    sim.send(sim.request(Method::PUT, "/_sim/sandboxes"))
        .await
        .assert_sim_error(401, None);
    let unknown = sim
        .request(Method::GET, "/_sim/no-such-route")
        .bearer_auth(ADMIN);
    sim.send(unknown).await.assert_sim_error(404, Some(33));
    // The Graph API is not the control plane's: its own tokens still work.
    let token = sim.sim.sandbox("default").unwrap().tokens["user_token"].clone();
    assert_eq!(sim.get_as(&token, &format!("/{V}/me")).await.status, 200);

    // The dashboard asks for the token, once.
    let page = sim.get("/_sim/ui").await;
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains(r#"action="/_sim/ui/sign-in""#),
        "{}",
        page.text()
    );
    assert!(!page.text().contains("js/main.js"));
    let wrong = sim
        .post_form("/_sim/ui/sign-in", &[("token", "nope")])
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.text().contains("That is not the admin token."));
    let no_redirects = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let signed = no_redirects
        .post(sim.url("/_sim/ui/sign-in"))
        .form(&[("token", ADMIN)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    assert_eq!(signed.headers()["location"], "/_sim/ui");
    let cookie = signed.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert_eq!(
        cookie,
        format!("metasim_admin={ADMIN}; Path=/_sim; HttpOnly; SameSite=Strict")
    );
    let pair = cookie.split(';').next().unwrap().to_owned();
    let with_cookie = |path: &str| {
        sim.request(Method::GET, path)
            .header("cookie", pair.clone())
    };
    let dashboard = sim.send(with_cookie("/_sim/ui")).await;
    assert!(
        dashboard.text().contains("js/main.js"),
        "the dashboard itself"
    );
    assert_eq!(sim.send(with_cookie("/_sim/sandboxes")).await.status, 200);
    let stream = sim
        .http
        .get(sim.url("/_sim/sandboxes/default/stream"))
        .header("cookie", pair.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
}
