//! HTTPS interception (`metasim serve --https`) as a client sees it: reqwest
//! trusting only metasim's CA reaches `https://graph.facebook.com` through
//! metasim as an HTTPS proxy, and on the TLS port by name; answers and links
//! name Meta's hosts (paging on graph.facebook.com, media downloads on
//! lookaside.fbsbx.com, fetched through the proxy too); a CONNECT to any other
//! host is refused; the CA survives a restart and signs the new leaf.

use std::path::PathBuf;

use client_tests::whatsapp::{MANAGER, phone};
use client_tests::{Sim, V, Value};
use reqwest::{Certificate, Client, Proxy, StatusCode};

fn ca_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("https-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn trusting(sim: &Sim) -> reqwest::ClientBuilder {
    let pem = std::fs::read(sim.sim.ca_certificate().expect("an intercepting sim"))
        .expect("the CA certificate is readable");
    Client::builder().tls_certs_only([Certificate::from_pem(&pem).expect("a PEM certificate")])
}

/// A client that sends every HTTPS request through metasim as a proxy.
fn through_proxy(sim: &Sim) -> Client {
    trusting(sim)
        .proxy(Proxy::https(sim.sim.url()).expect("a proxy URL"))
        .build()
        .expect("a client")
}

async fn json(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

/// GET `url` with the token; the status and JSON body.
async fn get(client: &Client, url: &str, token: &str) -> (StatusCode, Value) {
    let response = client.get(url).bearer_auth(token).send().await;
    json(response.unwrap_or_else(|e| panic!("GET {url}: {e}"))).await
}

#[tokio::test]
async fn meta_hosts_answer_through_the_proxy_with_meta_links() {
    let sim = Sim::start_intercepting(&ca_dir("proxy")).await;
    let sandbox = sim.demo(5).await;
    let token = sandbox.token(MANAGER);
    let client = through_proxy(&sim);

    let (status, body) = get(
        &client,
        &format!("https://graph.facebook.com/{V}/me"),
        token,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], sandbox.id_of("system_user"));

    // Paging links name the host the call came in on, over HTTPS.
    let waba = sandbox.id_of("waba");
    let first = format!("https://graph.facebook.com/{V}/{waba}/message_templates?limit=1");
    let (_, body) = get(&client, &first, token).await;
    let next = body["paging"]["next"].as_str().expect("a next page");
    assert!(
        next.starts_with(&format!(
            "https://graph.facebook.com/{V}/{waba}/message_templates?"
        )),
        "{next}"
    );
    let (status, page) = get(&client, next, token).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["data"].as_array().map(Vec::len), Some(1));

    // Instagram's Graph host is answered too (same API, same token).
    let (status, body) = get(
        &client,
        &format!("https://graph.instagram.com/{V}/me"),
        token,
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn media_urls_point_at_the_lookaside_host_and_download_through_the_proxy() {
    let sim = Sim::start_intercepting(&ca_dir("media")).await;
    let sandbox = sim.demo(6).await;
    let token = sandbox.token(MANAGER);
    let client = through_proxy(&sim);
    let png = client_tests::sdk::PNG;
    let form = reqwest::multipart::Form::new()
        .text("messaging_product", "whatsapp")
        .part(
            "file",
            reqwest::multipart::Part::bytes(png.to_vec())
                .file_name("dot.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let uploaded = client
        .post(format!(
            "https://graph.facebook.com/{V}/{}/media",
            phone(&sandbox)
        ))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, body) = json(uploaded).await;
    assert_eq!(status, 200, "{body}");
    let media_id = body["id"].as_str().expect("a media id");
    let (_, described) = get(
        &client,
        &format!("https://graph.facebook.com/{V}/{media_id}"),
        token,
    )
    .await;
    let url = described["url"].as_str().expect("a download URL");
    assert!(
        url.starts_with("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid="),
        "{url}"
    );
    let download = client.get(url).bearer_auth(token).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().as_ref(), png);
}

#[tokio::test]
async fn the_tls_port_answers_by_name_without_a_proxy() {
    let sim = Sim::start_intercepting(&ca_dir("port")).await;
    let sandbox = sim.demo(7).await;
    let port = sim.sim.tls_port().expect("a TLS port");
    // What a hosts-file entry does: the name resolves to metasim.
    let client = trusting(&sim)
        .no_proxy()
        .resolve("graph.facebook.com", port)
        .build()
        .unwrap();
    let url = format!("https://graph.facebook.com:{}/{V}/me", port.port());
    let (status, body) = get(&client, &url, sandbox.token(MANAGER)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], sandbox.id_of("system_user"));
}

#[tokio::test]
async fn other_hosts_are_refused_and_unknown_certificates_are_not_trusted() {
    let sim = Sim::start_intercepting(&ca_dir("refuse")).await;
    let refused = through_proxy(&sim)
        .get("https://example.com/")
        .send()
        .await
        .expect_err("CONNECT example.com:443 is refused");
    assert!(refused.is_connect(), "{refused:?}");

    // The raw answer says what to do.
    let mut stream = tokio::net::TcpStream::connect(sim.sim.url().trim_start_matches("http://"))
        .await
        .unwrap();
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    stream
        .write_all(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        .await
        .unwrap();
    let mut answer = vec![0; 1024];
    let read = stream.read(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("NO_PROXY"), "{answer}");

    // A client trusting only the public roots rejects metasim's certificate.
    let public = Client::builder()
        .proxy(Proxy::https(sim.sim.url()).unwrap())
        .build()
        .unwrap();
    let error = public
        .get(format!("https://graph.facebook.com/{V}/me"))
        .send()
        .await
        .expect_err("metasim's CA is not a public one");
    assert!(error.is_connect() || error.is_request(), "{error:?}");
}

#[tokio::test]
async fn the_ca_is_kept_and_signs_after_a_restart() {
    let dir = ca_dir("restart");
    let first = Sim::start_intercepting(&dir).await;
    let pem = std::fs::read(first.sim.ca_certificate().unwrap()).unwrap();
    drop(first);
    let second = Sim::start_intercepting(&dir).await;
    assert_eq!(
        std::fs::read(second.sim.ca_certificate().unwrap()).unwrap(),
        pem
    );
    let sandbox = second.demo(8).await;
    let answer = through_proxy(&second)
        .get(format!("https://graph.facebook.com/{V}/me"))
        .bearer_auth(sandbox.token(MANAGER))
        .send()
        .await
        .expect("the new leaf is signed by the kept CA");
    assert_eq!(answer.status(), 200);
}
