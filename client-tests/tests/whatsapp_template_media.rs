//! Template media and upkeep beyond the spec: the Resumable Upload API
//! (`POST /{app-id}/uploads`, then the bytes to `/upload:…` in parts) whose
//! handles media headers require; unpausing a paused template after 5
//! minutes; and Meta's authentication template texts
//! (`message_template_previews`).

use client_tests::whatsapp::{MANAGER, spring_sale};
use client_tests::{Reply, Sandbox, Sim, V, Value, json};
use reqwest::Method;

async fn open_session(sim: &Sim, sandbox: &Sandbox, token: &str, query: &str) -> Reply {
    sim.send(
        sim.request(
            Method::POST,
            &format!("/{V}/{}/uploads?{query}", sandbox.id_of("app")),
        )
        .bearer_auth(token),
    )
    .await
}

async fn send_part(
    sim: &Sim,
    sandbox: &Sandbox,
    session: &str,
    offset: u64,
    bytes: &[u8],
) -> Reply {
    sim.send(
        sim.request(Method::POST, &format!("/{V}/{session}"))
            .header("authorization", format!("OAuth {}", sandbox.token(MANAGER)))
            .header("file_offset", offset.to_string())
            .body(bytes.to_vec()),
    )
    .await
}

/// A complete upload of `bytes` as `file_type`: its handle.
async fn upload(sim: &Sim, sandbox: &Sandbox, file_type: &str, bytes: &[u8]) -> String {
    let query = format!(
        "file_length={}&file_type={file_type}&file_name=sample",
        bytes.len()
    );
    let session = open_session(sim, sandbox, sandbox.token(MANAGER), &query).await;
    let session = session.ok()["id"].as_str().unwrap().to_owned();
    let done = send_part(sim, sandbox, &session, 0, bytes).await;
    done.ok()["h"].as_str().unwrap().to_owned()
}

async fn create(sim: &Sim, sandbox: &Sandbox, name: &str, format: &str, handle: &str) -> Reply {
    sim.send(
        sim.request(
            Method::POST,
            &format!("/{V}/{}/message_templates", sandbox.id_of("waba")),
        )
        .bearer_auth(sandbox.token(MANAGER))
        .json(&json!({
            "name": name, "language": "en_US", "category": "MARKETING",
            "components": [
                { "type": "HEADER", "format": format, "example": { "header_handle": [handle] } },
                { "type": "BODY", "text": "New in store." },
            ],
        })),
    )
    .await
}

#[tokio::test]
async fn an_upload_arrives_in_parts_and_its_handle_makes_a_media_header() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(121).await;
    let app_token = sandbox.app_token("app");
    open_session(
        &sim,
        &sandbox,
        &app_token,
        "file_length=6&file_type=image/png",
    )
    .await
    .assert_error(400, 100, None, "OAuthException");
    open_session(
        &sim,
        &sandbox,
        sandbox.token(MANAGER),
        "file_length=6&file_type=image/gif",
    )
    .await
    .assert_error(400, 100, None, "OAuthException");
    let session = open_session(
        &sim,
        &sandbox,
        sandbox.token(MANAGER),
        "file_length=6&file_type=image/png&file_name=fern.png",
    )
    .await;
    let session = session.ok()["id"].as_str().unwrap().to_owned();
    assert!(session.starts_with("upload:"), "{session}");
    let part = send_part(&sim, &sandbox, &session, 0, b"\x89PN").await;
    assert_eq!(part.ok(), &json!({ "id": session, "file_offset": 3 }));
    let status = sim
        .send(
            sim.request(Method::GET, &format!("/{V}/{session}"))
                .header("authorization", format!("OAuth {}", sandbox.token(MANAGER))),
        )
        .await;
    assert_eq!(status.ok()["file_offset"], 3);
    send_part(&sim, &sandbox, &session, 0, b"G\r\n")
        .await
        .assert_error(400, 100, None, "OAuthException");
    let done = send_part(&sim, &sandbox, &session, 3, b"G\r\n").await;
    let handle = done.ok()["h"].as_str().unwrap().to_owned();
    assert!(handle.starts_with("4::"), "{handle}");

    let made_up = create(
        &sim,
        &sandbox,
        "made_up",
        "IMAGE",
        "4::aW1hZ2UvcG5n:made-up",
    )
    .await;
    made_up.assert_error(400, 100, Some(2494102), "OAuthException");
    assert_eq!(
        made_up.error()["error_user_title"],
        "Uploaded Media Handle Is Invalid"
    );
    create(&sim, &sandbox, "wrong_type", "VIDEO", &handle)
        .await
        .assert_error(400, 100, Some(2494102), "OAuthException");
    assert_eq!(
        create(&sim, &sandbox, "new_fern", "IMAGE", &handle)
            .await
            .ok()["status"],
        "PENDING"
    );
    let pdf = upload(&sim, &sandbox, "application/pdf", b"%PDF-1.4").await;
    assert_eq!(
        create(&sim, &sandbox, "catalogue", "DOCUMENT", &pdf)
            .await
            .status,
        200
    );
}

async fn unpause(sim: &Sim, sandbox: &Sandbox, template: &str) -> Value {
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{template}/unpause"))
                .bearer_auth(sandbox.token(MANAGER)),
        )
        .await;
    reply.ok().clone()
}

#[tokio::test]
async fn a_paused_template_is_unpaused_after_five_minutes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(122).await;
    let template = spring_sale(&sim, &sandbox).await;
    let not_paused = unpause(&sim, &sandbox, &template).await;
    assert_eq!(
        not_paused,
        json!({ "success": false, "reason": "The template is not paused." })
    );
    let review = sandbox.sim(&format!("/whatsapp/templates/{template}/review"));
    sim.post_json(&review, &json!({ "status": "PAUSED" }))
        .await
        .ok();
    let early = unpause(&sim, &sandbox, &template).await;
    assert_eq!(early["success"], false);
    sim.advance(&sandbox, 300).await;
    assert_eq!(
        unpause(&sim, &sandbox, &template).await,
        json!({ "success": true })
    );
    let status = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!("/{V}/{template}?fields=status"),
        )
        .await;
    assert_eq!(status.ok()["status"], "APPROVED");
    let events = sim.events(&sandbox).await;
    let last = events.last().unwrap();
    assert_eq!(last["event"], "APPROVED");
    assert_eq!(last["info"]["other_info"]["title"], "UNPAUSE");
}

#[tokio::test]
async fn authentication_previews_give_metas_texts() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(123).await;
    let path = |query: &str| {
        format!(
            "/{V}/{}/message_template_previews?{query}",
            sandbox.id_of("waba")
        )
    };
    let reply = sim
        .get_as(
            sandbox.token(MANAGER),
            &path("category=AUTHENTICATION&language=en_US&add_security_recommendation=true&code_expiration_minutes=10"),
        )
        .await;
    assert_eq!(
        reply.ok()["data"],
        json!([{
            "body": "*{{1}}* is your verification code. For your security, do not share this code.",
            "buttons": [{ "autofill_text": "Autofill", "text": "Copy code" }],
            "language": "en_US",
            "footer": "This code expires in 10 minutes.",
        }])
    );
    for bad in [
        "category=MARKETING&language=en_US",
        "category=AUTHENTICATION",
        "category=AUTHENTICATION&language=en&code_expiration_minutes=91",
    ] {
        sim.get_as(sandbox.token(MANAGER), &path(bad))
            .await
            .assert_error(400, 100, None, "OAuthException");
    }
}
