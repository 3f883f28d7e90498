//! What a number's calls carry: `GET /{phone-number-id}/settings` always
//! answers `calling.ip_addresses.default` (documentation-range addresses,
//! the first in the user's SDP), `audio.status` following calling and
//! `video.status` (disabled until enabled); video has teeth: an offer or
//! answer with video, or a user's video call, is refused while video is
//! disabled, and goes through with video once enabled. The setting is
//! refused when malformed, sent in `account_settings_update` and kept in a
//! snapshot.

use client_tests::business::get as read;
use client_tests::calling::*;
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sim, Value, json};

const MEDIA_IPS: [&str; 4] = [
    "192.0.2.10",
    "198.51.100.10",
    "203.0.113.10",
    "2001:db8::10",
];

const VIDEO_OFFER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n";

fn video_connect(to: &str) -> Value {
    let mut body = connect(to);
    body["session"]["sdp"] = json!(VIDEO_OFFER);
    body
}

#[tokio::test]
async fn media_addresses_audio_and_video_are_answered() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(211).await;
    let shown = calling_shown(&sim, &sandbox).await;
    assert_eq!(shown["ip_addresses"], json!({ "default": MEDIA_IPS }));
    assert_eq!(shown["audio"], json!({ "status": "disabled" }));
    assert_eq!(shown["video"], json!({ "status": "disabled" }), "opt-in");

    enable_calling(&sim, &sandbox).await;
    let shown = calling_shown(&sim, &sandbox).await;
    assert_eq!(shown["audio"], json!({ "status": "enabled" }));
    assert_eq!(shown["video"], json!({ "status": "disabled" }));

    let bad = calling_settings(&sim, &sandbox, json!({ "video": { "status": "HD" } })).await;
    assert_param_error(
        &bad,
        "Param calling['video']['status'] must be one of {enabled, disabled} - got \"HD\".",
    );
    let none = calling_settings(&sim, &sandbox, json!({ "video": {} })).await;
    assert_param_error(
        &none,
        "The parameter calling['video']['status'] is required.",
    );

    calling_settings(&sim, &sandbox, json!({ "video": { "status": "ENABLED" } }))
        .await
        .ok();
    let shown = calling_shown(&sim, &sandbox).await;
    assert_eq!(shown["video"], json!({ "status": "enabled" }));
    assert_eq!(shown["status"], "enabled", "the calling status is kept");
    sim.assert_snapshot_round_trip(&sandbox).await;
    assert_eq!(calling_shown(&sim, &sandbox).await, shown);
}

#[tokio::test]
async fn video_is_refused_until_the_number_enables_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(212).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(
        &sim,
        &sandbox,
        &receiver,
        &["calls", "account_settings_update"],
    )
    .await;
    enable_calling(&sim, &sandbox).await;
    grant_permission(&sim, &sandbox, ALICE, false).await;

    // Video off: a video offer is an SDP validation error, and no call starts.
    let refused = calls(&sim, &sandbox, video_connect(ALICE)).await;
    refused.assert_error(400, 100, None, "OAuthException");
    let details = refused.json["error"]["error_data"]["details"]
        .as_str()
        .unwrap();
    assert!(details.starts_with("SDP Validation error:"), "{details}");
    assert!(details.contains("video"), "{details}");
    assert!(call_webhooks(&sim, &sandbox, &receiver).await.is_empty());
    // A user's video call does not reach the business either.
    let user_video = user_call(&sim, &sandbox, BOB, true).await;
    assert_eq!(user_video.status, 409, "{}", user_video.text());
    assert!(user_video.text().contains("video"), "{}", user_video.text());
    // An audio call goes through; answering it with video is refused.
    let placed = user_call(&sim, &sandbox, BOB, false).await;
    assert_eq!(placed.status, 201, "{}", placed.text());
    let bob_call = placed.json["call_id"].as_str().unwrap().to_owned();
    let mut answer = action(&bob_call, "accept");
    answer["session"]["sdp"] = json!(VIDEO_OFFER.replace("offer", "answer"));
    calls(&sim, &sandbox, answer)
        .await
        .assert_error(400, 100, None, "OAuthException");
    let connects = call_webhooks(&sim, &sandbox, &receiver).await;
    let offer = connects[0]["calls"][0]["session"]["sdp"].as_str().unwrap();
    assert!(!offer.contains("m=video"), "{offer}");
    assert!(
        offer.contains(&format!("c=IN IP4 {}", MEDIA_IPS[0])),
        "{offer}"
    );
    calls(&sim, &sandbox, action(&bob_call, "reject"))
        .await
        .ok();

    // Video on: the business's video call rings and Alice answers with video.
    calling_settings(&sim, &sandbox, json!({ "video": { "status": "enabled" } }))
        .await
        .ok();
    let settings = field_webhooks(&sim, &sandbox, &receiver, "account_settings_update").await;
    let last = &settings.last().unwrap()["phone_number_settings"]["calling"];
    assert_eq!(last["video"], json!({ "status": "ENABLED" }));
    let id = calls(&sim, &sandbox, video_connect(ALICE)).await.ok()["calls"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let picked = consumer(
        &sim,
        &sandbox,
        ALICE,
        &format!("/calls/{id}"),
        json!({ "action": "accept" }),
    )
    .await;
    assert_eq!(picked.status, 200, "{}", picked.text());
    let answers: Vec<Value> = call_webhooks(&sim, &sandbox, &receiver)
        .await
        .into_iter()
        .filter(|value| value["calls"][0]["id"] == id.as_str())
        .filter(|value| value["calls"][0]["event"] == "connect")
        .collect();
    let sdp = answers[0]["calls"][0]["session"]["sdp"].as_str().unwrap();
    assert!(
        sdp.contains("m=video") && sdp.contains("a=group:BUNDLE audio video"),
        "{sdp}"
    );
    calls(&sim, &sandbox, action(&id, "terminate")).await.ok();
    // And a user's video call reaches the business with a video offer.
    let placed = user_call(&sim, &sandbox, BOB, true).await;
    assert_eq!(placed.status, 201, "{}", placed.text());
    let bob_video = placed.json["call_id"].as_str().unwrap().to_owned();
    let offers: Vec<Value> = call_webhooks(&sim, &sandbox, &receiver)
        .await
        .into_iter()
        .filter(|value| value["calls"][0]["id"] == bob_video.as_str())
        .collect();
    let sdp = offers[0]["calls"][0]["session"]["sdp"].as_str().unwrap();
    assert!(sdp.contains("m=video"), "{sdp}");
}

/// A video call script on a fresh demo sandbox, as text.
async fn video_script(sim: &Sim, seed: u64) -> Vec<String> {
    let sandbox = sim.demo(seed).await;
    enable_calling(sim, &sandbox).await;
    let on = json!({ "video": { "status": "enabled" } });
    let mut out = vec![calling_settings(sim, &sandbox, on).await.text()];
    out.push(user_call(sim, &sandbox, BOB, true).await.text());
    let path = format!("/{}/settings", phone(&sandbox));
    out.push(read(sim, &sandbox, &path).await.text());
    out.push(sim.get(&sandbox.sim("/events")).await.text());
    out
}

#[tokio::test]
async fn the_same_seed_and_calls_give_the_same_bytes() {
    let sim = Sim::start().await;
    let first = video_script(&sim, 213).await;
    assert_eq!(first, video_script(&sim, 213).await);
    assert_ne!(video_script(&sim, 214).await, first);
}
