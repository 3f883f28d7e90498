//! WhatsApp media over HTTP: `POST /{phone-number-id}/media` as multipart with
//! the parts in any order (`messaging_product` also in the query, `type`
//! optional), Meta's types and size limits (131053 with details), `GET
//! /{media-id}` (exact keys, `file_size` a string, the SHA-256 of the bytes),
//! downloading the URL with a token (401 without one, 404 with another
//! sandbox's, forged or expired after 5 virtual minutes), `phone_number_id`
//! scoping and `DELETE` (100/33 afterwards), expiry of uploads after 30 virtual
//! days and of a consumer's media after 7, sending media by id (delivered, or
//! failed with 131053), media a consumer sends, the body limits (413 only for a
//! big body that is not multipart), and the messaging permission.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use client_tests::business::{
    ALICE, MANAGER, Part, add_token, assert_missing_permission, assert_param_error, assert_success,
    assert_whatsapp_error, call_as, delete, events, get, now, payload, post, post_multipart_as,
};
use client_tests::{Reply, Sandbox, Sim, V, Value, demo_fixture, json, unsupported};
use reqwest::Method;
use sha2::{Digest, Sha256};

const MB: usize = 1024 * 1024;
const DAY: u64 = 24 * 3600;

const UPLOAD_ERROR: &str = "Media upload error";

/// The demo fixture with a second registered number in the same WABA.
fn two_numbers() -> Value {
    let mut fixture = demo_fixture();
    fixture["whatsapp_business_accounts"][0]["phone_numbers"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "handle": "second", "display_phone_number": "+1 555-010-0002",
            "verified_name": "Lucky Shrub Two", "registered": true,
        }));
    fixture
}

fn phone(sandbox: &Sandbox) -> &str {
    sandbox.id_of("phone_number")
}

fn media_path(sandbox: &Sandbox) -> String {
    format!("/{}/media", phone(sandbox))
}

/// Upload as the manager, with `rest` after the media path (a query or "").
async fn upload_raw(sim: &Sim, sandbox: &Sandbox, rest: &str, parts: &[Part]) -> Reply {
    let path = format!("{}{rest}", media_path(sandbox));
    post_multipart_as(sim, sandbox.token(MANAGER), &path, parts).await
}

/// The usual three parts: file, messaging_product, type.
fn parts(mime: &str, bytes: Vec<u8>) -> Vec<Part> {
    vec![
        Part::file(mime, bytes),
        Part::text("messaging_product", "whatsapp"),
        Part::text("type", mime),
    ]
}

/// Check Meta's exact upload answer; returns the media id.
#[track_caller]
fn assert_uploaded(reply: &Reply) -> String {
    let id = reply.ok()["id"].as_str().expect("an id").to_owned();
    assert!(
        id.len() == 16 && id.bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    assert_eq!(reply.json, json!({ "id": id }));
    id
}

async fn upload(sim: &Sim, sandbox: &Sandbox, mime: &str, bytes: Vec<u8>) -> String {
    assert_uploaded(&upload_raw(sim, sandbox, "", &parts(mime, bytes)).await)
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `GET /{media-id}`: checks the exact answer and returns the download URL.
async fn describe(sim: &Sim, sandbox: &Sandbox, id: &str, mime: &str, bytes: &[u8]) -> String {
    let reply = get(sim, sandbox, &format!("/{id}")).await;
    let url = reply.ok()["url"].as_str().expect("a url").to_owned();
    let keys: Vec<&str> = reply
        .json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "messaging_product",
            "url",
            "mime_type",
            "sha256",
            "file_size",
            "id"
        ]
    );
    assert_eq!(
        reply.json,
        json!({
            "messaging_product": "whatsapp",
            "url": url,
            "mime_type": mime,
            "sha256": sha256(bytes),
            "file_size": bytes.len().to_string(),
            "id": id,
        })
    );
    let expires = now(sim, sandbox).await + 300;
    let prefix = format!(
        "{}/whatsapp_business/attachments/?mid={id}&ext={expires}&hash=",
        sim.sim.url()
    );
    assert!(url.starts_with(&prefix), "{url} vs {prefix}");
    url
}

async fn download(sim: &Sim, url: &str, token: Option<&str>) -> Reply {
    let request = sim.http.get(url);
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    sim.send(request).await
}

#[track_caller]
fn assert_downloaded(reply: &Reply, mime: &str, bytes: &[u8]) {
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some(mime));
    assert_eq!(reply.bytes, bytes);
}

#[track_caller]
fn assert_url_not_found(reply: &Reply) {
    reply.assert_error(404, 100, None, "OAuthException");
    assert_eq!(
        reply.message(),
        "(#100) The media URL is invalid or has expired. Retrieve a new URL with GET /{media-id}."
    );
}

#[track_caller]
fn assert_missing(reply: &Reply, verb: &str, id: &str) {
    reply.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(reply.message(), unsupported(verb, id));
}

#[track_caller]
fn assert_upload_error(reply: &Reply, details: &str) {
    assert_whatsapp_error(reply, 400, 131053, UPLOAD_ERROR, details);
}

fn too_large(mime: &str, max: usize) -> String {
    format!("The file is larger than the {max} bytes allowed for {mime}.")
}

#[tokio::test]
async fn parts_come_in_any_order_and_type_defaults_to_the_file_part() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let png = payload(1000, 1);
    let orders = [
        vec![
            Part::file("image/png", png.clone()),
            Part::text("messaging_product", "whatsapp"),
            Part::text("type", "image/png"),
        ],
        vec![
            Part::text("type", "image/png"),
            Part::file("image/png", png.clone()),
            Part::text("messaging_product", "whatsapp"),
        ],
        vec![
            Part::text("messaging_product", "whatsapp"),
            Part::text("type", "image/png"),
            Part::file("image/png", png.clone()),
        ],
        // No `type`: the file part's content type.
        vec![
            Part::file("image/png", png.clone()),
            Part::text("messaging_product", "whatsapp"),
        ],
    ];
    let mut ids = Vec::new();
    for parts in &orders {
        let id = assert_uploaded(&upload_raw(&sim, &sandbox, "", parts).await);
        describe(&sim, &sandbox, &id, "image/png", &png).await;
        ids.push(id);
    }
    // `messaging_product` only in the query, and no `type` (as some SDKs send it).
    let only_file = [Part::file("image/png", png.clone())];
    let id = assert_uploaded(
        &upload_raw(&sim, &sandbox, "?messaging_product=whatsapp", &only_file).await,
    );
    describe(&sim, &sandbox, &id, "image/png", &png).await;
    ids.push(id);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "every upload is a new media object");

    // The declared type is normalised; a generic file part does not contradict it.
    let declared = [
        Part::text("messaging_product", "whatsapp"),
        Part::text("type", "Image/JPEG"),
        Part::file("application/octet-stream", png.clone()),
    ];
    let id = assert_uploaded(&upload_raw(&sim, &sandbox, "", &declared).await);
    describe(&sim, &sandbox, &id, "image/jpeg", &png).await;
    let with_parameters = [
        Part::text("messaging_product", "whatsapp"),
        Part::file("text/plain; charset=utf-8", b"hello".to_vec()),
    ];
    let id = assert_uploaded(&upload_raw(&sim, &sandbox, "", &with_parameters).await);
    describe(&sim, &sandbox, &id, "text/plain", b"hello").await;
}

#[tokio::test]
async fn every_supported_type_is_accepted_and_downloadable() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(2).await;
    let types = [
        "audio/aac",
        "audio/amr",
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
        "text/plain",
        "application/pdf",
        "application/vnd.ms-powerpoint",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/jpeg",
        "image/png",
        "image/webp",
        "video/mp4",
        "video/3gpp",
    ];
    for (i, mime) in types.iter().enumerate() {
        let bytes = payload(100 + i, i as u8);
        let id = upload(&sim, &sandbox, mime, bytes.clone()).await;
        let url = describe(&sim, &sandbox, &id, mime, &bytes).await;
        assert_downloaded(
            &download(&sim, &url, Some(sandbox.token(MANAGER))).await,
            mime,
            &bytes,
        );
    }
}

#[tokio::test]
async fn unsupported_types_oversized_files_and_contradicting_types_are_131053() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    for mime in [
        "image/gif",
        "video/quicktime",
        "application/zip",
        "audio/wav",
    ] {
        let reply = upload_raw(&sim, &sandbox, "", &parts(mime, payload(10, 0))).await;
        assert_upload_error(
            &reply,
            &format!(
                "Unsupported file type {mime}. See the supported media types of the WhatsApp Cloud API."
            ),
        );
    }
    // Exactly at each limit is fine; one byte more is not.
    let limits = [
        ("image/png", 5 * MB),
        ("image/jpeg", 5 * MB),
        ("image/webp", 500 * 1024),
    ];
    for (mime, max) in limits {
        upload(&sim, &sandbox, mime, payload(max, 7)).await;
        let reply = upload_raw(&sim, &sandbox, "", &parts(mime, payload(max + 1, 7))).await;
        assert_upload_error(&reply, &too_large(mime, max));
    }
    let reply = upload_raw(
        &sim,
        &sandbox,
        "",
        &parts("audio/mpeg", payload(16 * MB + 1, 3)),
    )
    .await;
    assert_upload_error(&reply, &too_large("audio/mpeg", 16 * MB));

    // A `type` that contradicts the file part.
    let contradicting = [
        Part::text("messaging_product", "whatsapp"),
        Part::text("type", "image/jpeg"),
        Part::file("image/png", payload(10, 0)),
    ];
    let reply = upload_raw(&sim, &sandbox, "", &contradicting).await;
    assert_upload_error(
        &reply,
        "The file's content type (image/png) does not match the type parameter (image/jpeg).",
    );
    // Without a `type`, an unsupported file part is refused for itself.
    let gif = [
        Part::text("messaging_product", "whatsapp"),
        Part::file("image/gif", payload(10, 0)),
    ];
    let reply = upload_raw(&sim, &sandbox, "", &gif).await;
    assert_upload_error(
        &reply,
        "Unsupported file type image/gif. See the supported media types of the WhatsApp Cloud API.",
    );
}

#[tokio::test]
async fn the_file_and_messaging_product_are_required() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let no_file = [
        Part::text("messaging_product", "whatsapp"),
        Part::text("type", "image/png"),
    ];
    let reply = upload_raw(&sim, &sandbox, "", &no_file).await;
    assert_param_error(&reply, "The parameter file is required.");
    // A file under another field name is not the file.
    let mut misnamed = Part::file("image/png", payload(10, 0));
    misnamed.name = "media".to_owned();
    let reply = upload_raw(
        &sim,
        &sandbox,
        "",
        &[Part::text("messaging_product", "whatsapp"), misnamed],
    )
    .await;
    assert_param_error(&reply, "The parameter file is required.");
    // `file` as a plain text field is not a file either.
    let text_file = [
        Part::text("messaging_product", "whatsapp"),
        Part::text("file", "abc"),
    ];
    let reply = upload_raw(&sim, &sandbox, "", &text_file).await;
    assert_param_error(&reply, "The parameter file is required.");

    let no_product = [
        Part::file("image/png", payload(10, 0)),
        Part::text("type", "image/png"),
    ];
    let reply = upload_raw(&sim, &sandbox, "", &no_product).await;
    assert_param_error(&reply, "The parameter messaging_product is required");
    let wrong_product = upload_raw(&sim, &sandbox, "?messaging_product=sms", &no_product).await;
    assert_param_error(
        &wrong_product,
        "Param messaging_product must be one of {whatsapp} - got \"sms\".",
    );
    // A file part without a content type and no `type`: nothing says what it is.
    let mut untyped = Part::file("x/x", payload(10, 0));
    untyped.content_type = None;
    let reply = upload_raw(
        &sim,
        &sandbox,
        "",
        &[Part::text("messaging_product", "whatsapp"), untyped],
    )
    .await;
    assert_param_error(&reply, "The parameter type is required.");
    // A broken multipart body.
    let broken = sim
        .send(
            sim.request(Method::POST, &format!("/{V}{}", media_path(&sandbox)))
                .bearer_auth(sandbox.token(MANAGER))
                .header("content-type", "multipart/form-data")
                .body("nothing"),
        )
        .await;
    broken.assert_error(400, 100, None, "OAuthException");
    assert!(
        broken
            .message()
            .starts_with("(#100) Malformed multipart/form-data body: "),
        "{}",
        broken.message()
    );
}

#[tokio::test]
async fn the_download_url_needs_a_token_of_the_sandbox_and_serves_the_bytes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(5).await;
    let other = sim.demo(6).await;
    let pdf = payload(4321, 9);
    let id = upload(&sim, &sandbox, "application/pdf", pdf.clone()).await;
    let url = describe(&sim, &sandbox, &id, "application/pdf", &pdf).await;

    assert_downloaded(
        &download(&sim, &url, Some(sandbox.token(MANAGER))).await,
        "application/pdf",
        &pdf,
    );
    // Any valid token of the sandbox will do, also as `access_token`.
    let user = sandbox.token("user_token");
    assert_downloaded(
        &download(&sim, &url, Some(user)).await,
        "application/pdf",
        &pdf,
    );
    let with_query = format!("{url}&access_token={user}");
    assert_downloaded(
        &download(&sim, &with_query, None).await,
        "application/pdf",
        &pdf,
    );
    // Unversioned: the version prefix is not part of it.
    assert!(!url.contains(&format!("/{V}/")), "{url}");

    let anonymous = download(&sim, &url, None).await;
    anonymous.assert_error(401, 104, None, "OAuthException");
    assert_eq!(
        anonymous.message(),
        "An access token is required to request this resource."
    );
    assert!(anonymous.header("www-authenticate").is_some());
    let junk = download(&sim, &url, Some("EAAnot-a-token")).await;
    junk.assert_error(401, 190, None, "OAuthException");
    assert_eq!(
        junk.message(),
        "Invalid OAuth access token - Cannot parse access token"
    );
    // A token of another sandbox: URLs are signed per sandbox, so nothing is there.
    let foreign = download(&sim, &url, Some(other.token(MANAGER))).await;
    assert_url_not_found(&foreign);

    // A forged signature, a moved expiry, or a missing part of the URL.
    let hash_at = url.find("&hash=").unwrap() + "&hash=".len();
    let forged = format!("{}AAAA{}", &url[..hash_at], &url[hash_at + 4..]);
    assert_url_not_found(&download(&sim, &forged, Some(sandbox.token(MANAGER))).await);
    let expires = now(&sim, &sandbox).await + 300;
    let stretched = url.replace(
        &format!("ext={expires}"),
        &format!("ext={}", expires + 3600),
    );
    assert_url_not_found(&download(&sim, &stretched, Some(sandbox.token(MANAGER))).await);
    let bare = format!("{}/whatsapp_business/attachments/?mid={id}", sim.sim.url());
    assert_url_not_found(&download(&sim, &bare, Some(sandbox.token(MANAGER))).await);

    // An expired token of the sandbox is refused as Meta refuses it.
    let reply = sim
        .post_json(
            &sandbox.sim("/tokens"),
            &json!({ "handle": "short", "subject": "system_user", "app": "app",
                     "scopes": ["whatsapp_business_messaging"], "expires_in": 100 }),
        )
        .await;
    let short = reply.json["token"].as_str().unwrap().to_owned();
    sim.advance(&sandbox, 100).await;
    let url = describe(&sim, &sandbox, &id, "application/pdf", &pdf).await;
    let expired = download(&sim, &url, Some(&short)).await;
    expired.assert_error(401, 190, Some(463), "OAuthException");
}

#[tokio::test]
async fn download_urls_live_five_virtual_minutes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(7).await;
    let bytes = payload(64, 2);
    let id = upload(&sim, &sandbox, "audio/ogg", bytes.clone()).await;
    let url = describe(&sim, &sandbox, &id, "audio/ogg", &bytes).await;
    let token = Some(sandbox.token(MANAGER));
    sim.advance(&sandbox, 299).await;
    assert_downloaded(&download(&sim, &url, token).await, "audio/ogg", &bytes);
    sim.advance(&sandbox, 1).await;
    assert_url_not_found(&download(&sim, &url, token).await);
    // Asking for the media again gives a fresh URL.
    let fresh = describe(&sim, &sandbox, &id, "audio/ogg", &bytes).await;
    assert_ne!(fresh, url);
    assert_downloaded(&download(&sim, &fresh, token).await, "audio/ogg", &bytes);
}

#[tokio::test]
async fn phone_number_id_must_own_the_media_and_delete_removes_it() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 8, "fixture": two_numbers() }))
        .await;
    let bytes = payload(32, 4);
    let id = upload(&sim, &sandbox, "image/jpeg", bytes.clone()).await;
    let url = describe(&sim, &sandbox, &id, "image/jpeg", &bytes).await;
    let (own, second) = (phone(&sandbox), sandbox.id_of("second"));

    let scoped = get(&sim, &sandbox, &format!("/{id}?phone_number_id={own}")).await;
    assert_eq!(scoped.ok()["id"], json!(id));
    assert_missing(
        &get(&sim, &sandbox, &format!("/{id}?phone_number_id={second}")).await,
        "get",
        &id,
    );
    assert_missing(
        &delete(&sim, &sandbox, &format!("/{id}?phone_number_id={second}")).await,
        "delete",
        &id,
    );
    // Still there after the refused delete.
    assert_downloaded(
        &download(&sim, &url, Some(sandbox.token(MANAGER))).await,
        "image/jpeg",
        &bytes,
    );

    assert_success(&delete(&sim, &sandbox, &format!("/{id}?phone_number_id={own}")).await);
    assert_missing(&get(&sim, &sandbox, &format!("/{id}")).await, "get", &id);
    assert_missing(
        &delete(&sim, &sandbox, &format!("/{id}")).await,
        "delete",
        &id,
    );
    assert_url_not_found(&download(&sim, &url, Some(sandbox.token(MANAGER))).await);

    // Without phone_number_id, deleting works too; so does uploading to the second number.
    let other = assert_uploaded(
        &post_multipart_as(
            &sim,
            sandbox.token(MANAGER),
            &format!("/{second}/media"),
            &parts("image/png", bytes.clone()),
        )
        .await,
    );
    let scoped = get(
        &sim,
        &sandbox,
        &format!("/{other}?phone_number_id={second}"),
    )
    .await;
    assert_eq!(scoped.ok()["sha256"], json!(sha256(&bytes)));
    assert_missing(
        &get(&sim, &sandbox, &format!("/{other}?phone_number_id={own}")).await,
        "get",
        &other,
    );
    assert_success(&delete(&sim, &sandbox, &format!("/{other}")).await);
    assert_missing(
        &get(&sim, &sandbox, &format!("/{other}")).await,
        "get",
        &other,
    );
    let unknown = "3999999999999999";
    assert_missing(
        &get(&sim, &sandbox, &format!("/{unknown}")).await,
        "get",
        unknown,
    );
}

#[tokio::test]
async fn uploads_expire_after_30_virtual_days() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(9).await;
    let bytes = payload(16, 5);
    let id = upload(&sim, &sandbox, "video/mp4", bytes.clone()).await;
    sim.advance(&sandbox, 30 * DAY - 1).await;
    describe(&sim, &sandbox, &id, "video/mp4", &bytes).await;
    sim.advance(&sandbox, 1).await;
    assert_missing(&get(&sim, &sandbox, &format!("/{id}")).await, "get", &id);
    assert_missing(
        &delete(&sim, &sandbox, &format!("/{id}")).await,
        "delete",
        &id,
    );
}

/// Alice writes to the business, which opens the 24-hour window.
async fn alice_writes(sim: &Sim, sandbox: &Sandbox, message: Value) -> String {
    let mut body = message;
    body["to"] = json!(phone(sandbox));
    let reply = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/messages")),
            &body,
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json["id"].as_str().unwrap().to_owned()
}

async fn send_image(sim: &Sim, sandbox: &Sandbox, image: Value) -> String {
    let message =
        json!({ "messaging_product": "whatsapp", "to": ALICE, "type": "image", "image": image });
    let reply = post(
        sim,
        sandbox,
        &format!("/{}/messages", phone(sandbox)),
        &message,
    )
    .await;
    reply.ok()["messages"][0]["id"]
        .as_str()
        .expect("a wamid")
        .to_owned()
}

/// The statuses of one message, in order, with the error of a failure.
async fn statuses(sim: &Sim, sandbox: &Sandbox, wamid: &str) -> Vec<(String, Value)> {
    events(sim, sandbox, "whatsapp_status")
        .await
        .into_iter()
        .filter(|e| e["message_id"] == wamid)
        .map(|e| (e["status"].as_str().unwrap().to_owned(), e["error"].clone()))
        .collect()
}

fn delivered() -> Vec<(String, Value)> {
    vec![
        ("sent".into(), Value::Null),
        ("delivered".into(), Value::Null),
    ]
}

fn media_failed() -> Vec<(String, Value)> {
    vec![(
        "failed".into(),
        json!({
            "code": 131053,
            "title": UPLOAD_ERROR,
            "details": "Unable to retrieve the media: the media id does not exist or has expired.",
        }),
    )]
}

#[tokio::test]
async fn sending_media_by_id_delivers_and_an_unknown_or_expired_id_fails_with_131053() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(10).await;
    alice_writes(
        &sim,
        &sandbox,
        json!({ "type": "text", "text": { "body": "hi" } }),
    )
    .await;
    let id = upload(&sim, &sandbox, "image/jpeg", payload(256, 6)).await;

    let sent = send_image(
        &sim,
        &sandbox,
        json!({ "id": id, "caption": "Our new pots" }),
    )
    .await;
    assert_eq!(statuses(&sim, &sandbox, &sent).await, delivered());
    let unknown = send_image(&sim, &sandbox, json!({ "id": "3999999999999999" })).await;
    assert_eq!(statuses(&sim, &sandbox, &unknown).await, media_failed());

    assert_success(&delete(&sim, &sandbox, &format!("/{id}")).await);
    let deleted = send_image(&sim, &sandbox, json!({ "id": id })).await;
    assert_eq!(statuses(&sim, &sandbox, &deleted).await, media_failed());

    // An upload that expired (the window is reopened first).
    let old = upload(&sim, &sandbox, "image/png", payload(10, 1)).await;
    sim.advance(&sandbox, 30 * DAY).await;
    alice_writes(
        &sim,
        &sandbox,
        json!({ "type": "text", "text": { "body": "back" } }),
    )
    .await;
    let expired = send_image(&sim, &sandbox, json!({ "id": old })).await;
    assert_eq!(statuses(&sim, &sandbox, &expired).await, media_failed());
    // A link is not checked against uploads.
    let link = send_image(
        &sim,
        &sandbox,
        json!({ "link": "https://luckyshrub.example/pot.jpg" }),
    )
    .await;
    assert_eq!(statuses(&sim, &sandbox, &link).await, delivered());
}

#[tokio::test]
async fn media_a_consumer_sends_can_be_fetched_and_downloaded_for_7_days() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(11).await;
    let wamid = alice_writes(
        &sim,
        &sandbox,
        json!({ "type": "image", "image": { "caption": "Is this a weed?" } }),
    )
    .await;
    let inbound = events(&sim, &sandbox, "whatsapp_inbound").await;
    let message = &inbound
        .iter()
        .find(|e| e["message_id"] == wamid)
        .expect("the inbound event")["message"];
    let image = &message["image"];
    assert_eq!(image["caption"], "Is this a weed?");
    assert_eq!(image["mime_type"], "image/jpeg");
    let id = image["id"].as_str().expect("a media id").to_owned();

    let info = get(&sim, &sandbox, &format!("/{id}")).await;
    assert_eq!(info.ok()["mime_type"], "image/jpeg");
    // The webhook's SHA-256 is base64, the media node's hex: the same digest.
    let webhook_digest = STANDARD.decode(image["sha256"].as_str().unwrap()).unwrap();
    assert_eq!(info.json["sha256"], json!(hex::encode(&webhook_digest)));
    let url = info.json["url"].as_str().unwrap();
    let bytes = download(&sim, url, Some(sandbox.token(MANAGER))).await;
    assert_eq!(bytes.status, 200);
    assert_eq!(bytes.header("content-type"), Some("image/jpeg"));
    assert_eq!(json!(sha256(&bytes.bytes)), info.json["sha256"]);
    assert_eq!(info.json["file_size"], json!(bytes.bytes.len().to_string()));

    // A document with its own MIME type keeps it.
    let wamid = alice_writes(
        &sim,
        &sandbox,
        json!({ "type": "document", "document": { "filename": "invoice.txt", "mime_type": "text/plain" } }),
    )
    .await;
    let inbound = events(&sim, &sandbox, "whatsapp_inbound").await;
    let document =
        &inbound.iter().find(|e| e["message_id"] == wamid).unwrap()["message"]["document"];
    assert_eq!(document["mime_type"], "text/plain");
    assert_eq!(document["filename"], "invoice.txt");
    let doc_id = document["id"].as_str().unwrap();
    let info = get(&sim, &sandbox, &format!("/{doc_id}")).await;
    assert_eq!(info.ok()["mime_type"], "text/plain");

    sim.advance(&sandbox, 7 * DAY - 1).await;
    assert_eq!(get(&sim, &sandbox, &format!("/{id}")).await.status, 200);
    sim.advance(&sandbox, 1).await;
    assert_missing(&get(&sim, &sandbox, &format!("/{id}")).await, "get", &id);
}

#[tokio::test]
async fn only_a_big_body_that_is_not_multipart_is_413() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(12).await;
    let path = format!("/{V}{}", media_path(&sandbox));
    let form = format!("messaging_product=whatsapp&file={}", "a".repeat(16 * MB));
    let reply = sim
        .send(
            sim.request(Method::POST, &path)
                .bearer_auth(sandbox.token(MANAGER))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form),
        )
        .await;
    reply.assert_error(413, 100, None, "OAuthException");
    assert_eq!(
        reply.message(),
        format!(
            "(#100) The request body is larger than the {} bytes metasim accepts",
            16 * MB
        )
    );
    let raw = sim
        .send(
            sim.request(Method::POST, &path)
                .bearer_auth(sandbox.token(MANAGER))
                .header("content-type", "video/mp4")
                .body(payload(16 * MB + 1, 0)),
        )
        .await;
    raw.assert_error(413, 100, None, "OAuthException");

    // A 20 MB video as multipart is read, then refused by Meta's video limit.
    let video = payload(20 * MB, 8);
    let reply = upload_raw(&sim, &sandbox, "", &parts("video/mp4", video)).await;
    assert_upload_error(&reply, &too_large("video/mp4", 16 * MB));
    // A 16 MB video is fine.
    upload(&sim, &sandbox, "video/mp4", payload(16 * MB, 8)).await;
}

#[tokio::test]
async fn media_calls_need_whatsapp_business_messaging() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(13).await;
    let bytes = payload(20, 3);
    let id = upload(&sim, &sandbox, "image/png", bytes.clone()).await;
    let scope = "whatsapp_business_messaging";
    let manager_only = add_token(
        &sim,
        &sandbox,
        "manager_only",
        &["whatsapp_business_management"],
    )
    .await;
    let reply = post_multipart_as(
        &sim,
        &manager_only,
        &media_path(&sandbox),
        &parts("image/png", bytes.clone()),
    )
    .await;
    assert_missing_permission(&reply, scope);
    let reply = call_as(&sim, &manager_only, Method::GET, &format!("/{id}"), None).await;
    assert_missing_permission(&reply, scope);
    let reply = call_as(&sim, &manager_only, Method::DELETE, &format!("/{id}"), None).await;
    assert_missing_permission(&reply, scope);

    // Messaging alone is enough for every media call.
    let sender = add_token(&sim, &sandbox, "sender", &[scope]).await;
    let reply = post_multipart_as(
        &sim,
        &sender,
        &media_path(&sandbox),
        &parts("image/png", bytes.clone()),
    )
    .await;
    let own = assert_uploaded(&reply);
    let info = call_as(&sim, &sender, Method::GET, &format!("/{own}"), None).await;
    let url = info.ok()["url"].as_str().unwrap().to_owned();
    assert_downloaded(
        &download(&sim, &url, Some(&sender)).await,
        "image/png",
        &bytes,
    );
    assert_success(&call_as(&sim, &sender, Method::DELETE, &format!("/{own}"), None).await);

    // A token whose messaging scope covers another WABA does not see the media.
    let mut fixture = demo_fixture();
    fixture["whatsapp_business_accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "handle": "other_waba", "name": "Other", "business": "business" }));
    fixture["tokens"].as_array_mut().unwrap().push(json!({
        "handle": "elsewhere", "subject": "system_user", "app": "app",
        "scopes": [scope, "whatsapp_business_management"],
        "targets": { scope: ["other_waba"], "whatsapp_business_management": ["other_waba"] },
    }));
    let sandbox = sim
        .create_sandbox(json!({ "seed": 14, "fixture": fixture }))
        .await;
    let id = upload(&sim, &sandbox, "image/png", bytes.clone()).await;
    let elsewhere = sandbox.token("elsewhere");
    let reply = call_as(&sim, elsewhere, Method::GET, &format!("/{id}"), None).await;
    assert_missing(&reply, "get", &id);
    let reply = post_multipart_as(
        &sim,
        elsewhere,
        &media_path(&sandbox),
        &parts("image/png", bytes),
    )
    .await;
    reply.assert_error(400, 100, Some(33), "GraphMethodException");
}
