//! Connections that never finish a request are closed: half-sent headers
//! after the header timeout, a body shorter than its `Content-Length` with a
//! Meta-shaped 408 after the body timeout. And the answers to requests
//! metasim cannot read — a URI too long (414), headers too large (431), no
//! HTTP at all (400) — carry Meta's error envelope too.

use std::time::{Duration, Instant};

use client_tests::{ServerConfig, Sim, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn sim() -> Sim {
    Sim::start_with(ServerConfig {
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        ..ServerConfig::default()
    })
    .await
}

/// Send `request` as raw bytes; read until the server closes (at most 10 s).
async fn exchange(sim: &Sim, request: &[u8]) -> (String, Duration) {
    let address = sim.sim.url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(address).await.expect("metasim listens");
    stream.write_all(request).await.expect("sent");
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the connection was still open after 10 s");
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

/// The status and the envelope of a raw answer.
fn meta_error(answer: &str) -> (u16, Value) {
    let status = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("content-type: application/json; charset=utf-8"),
        "{answer}"
    );
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let json: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON: {answer}"));
    assert_eq!(json["error"]["code"], 100, "{answer}");
    assert!(json["error"]["fbtrace_id"].is_string(), "{answer}");
    (status, json)
}

#[tokio::test]
async fn half_sent_headers_are_cut_off() {
    let sim = sim().await;
    let (answer, took) = exchange(&sim, b"GET /_sim/health HTTP/1.1\r\nHost: 127.0.0.1\r\n").await;
    assert!(answer.is_empty(), "{answer}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[tokio::test]
async fn a_lying_content_length_gets_a_408() {
    let sim = sim().await;
    for path in ["/_sim/sandboxes", "/v23.0/me"] {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{}}"
        );
        let (answer, took) = exchange(&sim, request.as_bytes()).await;
        let (status, json) = meta_error(&answer);
        assert_eq!(status, 408, "{answer}");
        assert!(
            json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("did not arrive within the 1 seconds"),
            "{answer}"
        );
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
}

#[tokio::test]
async fn unreadable_requests_get_metas_envelope() {
    let sim = sim().await;
    let long_uri = format!(
        "GET /v23.0/me?q={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "a".repeat(70_000)
    );
    let (answer, _) = exchange(&sim, long_uri.as_bytes()).await;
    assert_eq!(meta_error(&answer).0, 414, "{answer}");
    let mut many = String::from("GET /v23.0/me HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for i in 0..150 {
        many.push_str(&format!("X-Header-{i}: {i}\r\n"));
    }
    many.push_str("\r\n");
    let (answer, _) = exchange(&sim, many.as_bytes()).await;
    assert_eq!(meta_error(&answer).0, 431, "{answer}");
    let (answer, _) = exchange(&sim, b"NOT HTTP AT ALL\r\n\r\n").await;
    assert_eq!(meta_error(&answer).0, 400, "{answer}");
    // The server still answers.
    assert_eq!(sim.get("/_sim/health").await.status, 200);
}
