//! `GET /_sim/ui` over plain HTTP: the page and each file it loads, with
//! their content types and a policy that lets the page load only metasim's
//! own files and talk only to metasim; the Graph version the page shows;
//! unknown files and other methods in Meta's envelope.

use client_tests::{Sim, json};
use metasim::{ServerConfig, Version, VersionPolicy};

#[tokio::test]
async fn the_page_and_its_files() {
    let sim = Sim::start().await;
    for path in ["/_sim/ui", "/_sim/ui/"] {
        let page = sim.get(path).await;
        assert_eq!(page.status, 200);
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        let policy = page.header("content-security-policy").expect("a policy");
        assert!(policy.contains("default-src 'none'"), "{policy}");
        assert!(
            policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"),
            "{policy}"
        );
        let html = page.text();
        assert!(html.contains(r#"<meta name="metasim-graph-version" content="v26.0">"#));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "nothing from elsewhere"
        );
    }
    for (file, content_type) in [
        ("app.css", "text/css; charset=utf-8"),
        ("icon.svg", "image/svg+xml"),
        ("js/main.js", "text/javascript; charset=utf-8"),
        ("js/views/phone.js", "text/javascript; charset=utf-8"),
    ] {
        let reply = sim.get(&format!("/_sim/ui/{file}")).await;
        assert_eq!(reply.status, 200, "{file}");
        assert_eq!(reply.header("content-type"), Some(content_type), "{file}");
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert!(!reply.bytes.is_empty());
    }
}

#[tokio::test]
async fn the_page_shows_the_servers_newest_version() {
    let sim = Sim::start_with(ServerConfig {
        versions: VersionPolicy {
            newest: Version::new(24, 0),
            ..VersionPolicy::default()
        },
        ..ServerConfig::default()
    })
    .await;
    let html = sim.get("/_sim/ui").await.text();
    assert!(html.contains(r#"content="v24.0""#), "{html}");
}

#[tokio::test]
async fn unknown_files_and_other_methods() {
    let sim = Sim::start().await;
    for path in ["/_sim/ui/nope.js", "/_sim/ui/js/", "/_sim/ui/js"] {
        let reply = sim.get(path).await;
        reply.assert_sim_error(404, Some(33));
    }
    let reply = sim.post_json("/_sim/ui", &json!({})).await;
    reply.assert_sim_error(405, None);
}
