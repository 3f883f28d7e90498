//! `calling.audio.additional_codecs`: the G.711 codecs (`PCMA`, `PCMU`) a
//! number takes beside Opus, as Meta's call settings document them — checked,
//! kept, answered by `GET /{phone-number-id}/settings` beside `audio.status`,
//! sent in `account_settings_update` and kept in a snapshot. They have
//! teeth in the SDPs: a business offer or answer whose audio names only
//! G.711 is refused until that codec is enabled; the user's offer lists the
//! enabled codecs after Opus, and the user's answer to a business call
//! carries the codec its offer negotiated.

use client_tests::calling::*;
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sim, Value, json};

/// A session description whose audio offers one G.711 codec (`0 PCMU` or
/// `8 PCMA`), as a PSTN gateway sends it.
fn g711(pt: u8, name: &str) -> String {
    format!(
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF {pt} 101\r\na=rtpmap:{pt} {name}/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
    )
}

fn with_sdp(mut body: Value, sdp: &str) -> Value {
    body["session"]["sdp"] = json!(sdp);
    body
}

/// The SDP of the last `connect` webhook of call `id`.
async fn connect_sdp(
    sim: &Sim,
    sandbox: &client_tests::Sandbox,
    receiver: &Receiver,
    id: &str,
) -> String {
    call_webhooks(sim, sandbox, receiver)
        .await
        .into_iter()
        .filter(|value| value["calls"][0]["id"] == id && value["calls"][0]["event"] == "connect")
        .filter_map(|value| {
            value["calls"][0]["session"]["sdp"]
                .as_str()
                .map(String::from)
        })
        .next_back()
        .unwrap_or_else(|| panic!("no connect webhook for {id}"))
}

/// The `m=audio` line of an SDP.
fn audio_line(sdp: &str) -> &str {
    sdp.lines()
        .find(|line| line.starts_with("m=audio"))
        .unwrap()
}

#[tokio::test]
async fn additional_codecs_are_checked_kept_and_answered() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(221).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["account_settings_update"]).await;
    enable_calling(&sim, &sandbox).await;
    assert_eq!(
        calling_shown(&sim, &sandbox).await["audio"],
        json!({ "status": "enabled" })
    );

    let both = json!({ "audio": { "additional_codecs": ["pcmu", "PCMA", "PCMU"] } });
    calling_settings(&sim, &sandbox, both).await.ok();
    let shown = calling_shown(&sim, &sandbox).await;
    assert_eq!(
        shown["audio"],
        json!({ "status": "enabled", "additional_codecs": ["PCMU", "PCMA"] })
    );
    assert_eq!(shown["status"], "enabled", "the calling status is kept");
    let sent = field_webhooks(&sim, &sandbox, &receiver, "account_settings_update").await;
    assert_eq!(
        sent.last().unwrap()["phone_number_settings"]["calling"]["audio"],
        json!({ "additional_codecs": ["PCMU", "PCMA"] })
    );

    let list = "Param calling['audio']['additional_codecs'] must be a list of the codecs {PCMA, PCMU} (Opus is always enabled).";
    for bad in [
        json!({ "additional_codecs": ["G722"] }),
        json!({ "additional_codecs": ["OPUS"] }),
        json!({ "additional_codecs": "PCMA" }),
        json!({ "additional_codecs": vec!["PCMA"; 9] }),
    ] {
        let refused = calling_settings(&sim, &sandbox, json!({ "audio": bad })).await;
        assert_param_error(&refused, list);
    }
    assert_param_error(
        &calling_settings(&sim, &sandbox, json!({ "audio": {} })).await,
        "The parameter calling['audio']['additional_codecs'] is required.",
    );
    assert_calling_kept(&sim, &sandbox, &shown).await;

    let none = json!({ "audio": { "additional_codecs": [] } });
    calling_settings(&sim, &sandbox, none).await.ok();
    assert_eq!(
        calling_shown(&sim, &sandbox).await["audio"],
        json!({ "status": "enabled" })
    );
}

#[tokio::test]
async fn a_g711_answer_is_refused_until_enabled_and_the_users_offer_lists_the_enabled_codecs() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(222).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["calls"]).await;
    enable_calling(&sim, &sandbox).await;

    // Opus only: the user's offer has Opus (and telephone events), no G.711.
    let placed = user_call(&sim, &sandbox, BOB, false).await;
    let id = placed.json["call_id"].as_str().unwrap().to_owned();
    let offer = connect_sdp(&sim, &sandbox, &receiver, &id).await;
    assert!(audio_line(&offer).ends_with(" 111 126"), "{offer}");
    assert!(!offer.contains("PCMU"), "{offer}");
    // A PCMU-only answer is an SDP validation error; the call rings on.
    let pcmu = g711(0, "PCMU");
    let refused = calls(&sim, &sandbox, with_sdp(action(&id, "accept"), &pcmu)).await;
    refused.assert_error(400, 100, None, "OAuthException");
    let details = refused.json["error"]["error_data"]["details"]
        .as_str()
        .unwrap();
    assert!(details.starts_with("SDP Validation error:"), "{details}");
    assert!(details.contains("additional_codecs"), "{details}");
    let pre = calls(&sim, &sandbox, with_sdp(action(&id, "pre_accept"), &pcmu)).await;
    pre.assert_error(400, 100, None, "OAuthException");
    calls(&sim, &sandbox, action(&id, "reject")).await.ok();

    // PCMU on: the user's offer lists it after Opus, and a PCMU answer connects.
    let on = json!({ "audio": { "additional_codecs": ["PCMU"] } });
    calling_settings(&sim, &sandbox, on).await.ok();
    let placed = user_call(&sim, &sandbox, BOB, false).await;
    let id = placed.json["call_id"].as_str().unwrap().to_owned();
    let offer = connect_sdp(&sim, &sandbox, &receiver, &id).await;
    assert!(audio_line(&offer).ends_with(" 111 0 126"), "{offer}");
    assert!(offer.contains("a=rtpmap:0 PCMU/8000\r\n"), "{offer}");
    assert!(!offer.contains("PCMA"), "{offer}");
    let accepted = calls(&sim, &sandbox, with_sdp(action(&id, "accept"), &pcmu)).await;
    assert_eq!(accepted.ok()["success"], true);
    // PCMA is still off.
    calls(&sim, &sandbox, action(&id, "terminate")).await.ok();
    let placed = user_call(&sim, &sandbox, BOB, false).await;
    let id = placed.json["call_id"].as_str().unwrap().to_owned();
    let pcma = g711(8, "PCMA");
    calls(&sim, &sandbox, with_sdp(action(&id, "accept"), &pcma))
        .await
        .assert_error(400, 100, None, "OAuthException");
}

#[tokio::test]
async fn a_business_offer_negotiates_the_first_codec_the_number_takes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(223).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["calls"]).await;
    enable_calling(&sim, &sandbox).await;
    grant_permission(&sim, &sandbox, ALICE, true).await;

    // A PCMA-only offer is refused while PCMA is off: no call rings.
    let pcma = g711(8, "PCMA");
    let refused = calls(&sim, &sandbox, with_sdp(connect(ALICE), &pcma)).await;
    refused.assert_error(400, 100, None, "OAuthException");
    assert!(call_webhooks(&sim, &sandbox, &receiver).await.is_empty());

    // On, the same offer rings, and Alice's answer carries PCMA alone.
    let on = json!({ "audio": { "additional_codecs": ["PCMA"] } });
    calling_settings(&sim, &sandbox, on).await.ok();
    let placed = calls(&sim, &sandbox, with_sdp(connect(ALICE), &pcma)).await;
    let id = placed.ok()["calls"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/calls/{id}");
    let picked = consumer(&sim, &sandbox, ALICE, &path, json!({ "action": "accept" })).await;
    assert_eq!(picked.status, 200, "{}", picked.text());
    let answer = connect_sdp(&sim, &sandbox, &receiver, &id).await;
    assert!(audio_line(&answer).ends_with(" 8 126"), "{answer}");
    assert!(answer.contains("a=rtpmap:8 PCMA/8000\r\n"), "{answer}");
    assert!(!answer.contains("opus"), "{answer}");
    calls(&sim, &sandbox, action(&id, "terminate")).await.ok();

    // An offer preferring Opus negotiates Opus, G.711 enabled or not.
    let browser = SDP_OFFER.replace("SAVPF 111\r\n", "SAVPF 111 8\r\na=rtpmap:8 PCMA/8000\r\n");
    let placed = calls(&sim, &sandbox, with_sdp(connect(ALICE), &browser)).await;
    let id = placed.ok()["calls"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/calls/{id}");
    consumer(&sim, &sandbox, ALICE, &path, json!({ "action": "accept" })).await;
    let answer = connect_sdp(&sim, &sandbox, &receiver, &id).await;
    assert!(audio_line(&answer).ends_with(" 111 126"), "{answer}");
}
