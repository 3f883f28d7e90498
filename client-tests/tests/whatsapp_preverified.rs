//! Pre-verified phone numbers: a business adds a number it owns, proves it
//! with a one-time code sent to the phone (the business number's code model:
//! same parameters, same limits, same 136025), lists and reads it, shares it
//! with a partner business (listed under `/partners`) and deletes it; a
//! number a WABA uses is `IN_USE` and cannot be deleted. Same seed, same
//! answers.

use client_tests::business::{call_manager as call, get as read};
use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, Value, json};
use metasim::world::clock::graph_time;
use reqwest::Method;

/// A sandbox with a second business portfolio, `partner`.
async fn with_partner(sim: &Sim, seed: u64) -> Sandbox {
    sim.create_sandbox(json!({ "seed": seed, "fixture": partner_fixture() }))
        .await
}

async fn add(sim: &Sim, sandbox: &Sandbox, number: &str) -> Reply {
    let business = sandbox.id_of("business");
    let body = json!({ "phone_number": number });
    call(
        sim,
        sandbox,
        Method::POST,
        &format!("/{business}/add_phone_numbers"),
        body,
    )
    .await
}

async fn verify(sim: &Sim, sandbox: &Sandbox, id: &str, digits: &str) {
    let body = json!({ "code_method": "SMS", "language": "en_US" });
    let sent = call(
        sim,
        sandbox,
        Method::POST,
        &format!("/{id}/request_code"),
        body,
    )
    .await;
    assert_eq!(sent.ok(), &json!({ "success": true }));
    let sms = sim
        .get(&sandbox.sim(&format!("/phones/{digits}/sms")))
        .await;
    let newest = sms.ok()["data"].as_array().and_then(|all| all.last());
    let code = newest.expect("an SMS")["code"]
        .as_str()
        .expect("a code")
        .to_owned();
    let wrong = call(
        sim,
        sandbox,
        Method::POST,
        &format!("/{id}/verify_code"),
        json!({ "code": "000000" }),
    )
    .await;
    assert_eq!(wrong.error()["code"], 136025);
    let verified = call(
        sim,
        sandbox,
        Method::POST,
        &format!("/{id}/verify_code"),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(verified.ok(), &json!({ "success": true }));
}

#[tokio::test]
async fn a_number_is_added_verified_shared_and_deleted() {
    let sim = Sim::start().await;
    let sandbox = with_partner(&sim, 141).await;
    let business = sandbox.id_of("business");
    let added = add(&sim, &sandbox, "+1 (555) 010-4242").await;
    let id = added.ok()["id"].as_str().expect("an id").to_owned();
    assert_eq!(added.ok(), &json!({ "id": id }));

    let node = read(&sim, &sandbox, &format!("/{id}")).await;
    assert_eq!(node.ok(), &json!({ "id": id, "is_input_id_valid": true }));
    let listed = read(&sim, &sandbox, &format!("/{business}/preverified_numbers")).await;
    assert_eq!(
        listed.ok()["data"],
        json!([{ "id": id, "display_phone_number": "+1 555-010-4242", "verification_status": "PENDING" }])
    );

    verify(&sim, &sandbox, &id, "15550104242").await;
    let fields = "country_prefix,country_code,verification_status,availability_status";
    let node = read(&sim, &sandbox, &format!("/{id}?fields={fields}")).await;
    assert_eq!(
        node.ok(),
        &json!({ "id": id, "country_prefix": 1, "country_code": "US",
                 "verification_status": "VERIFIED", "availability_status": "AVAILABLE" })
    );

    let partner = sandbox.id_of("partner");
    let share = json!({ "preverified_id": id, "partner_business_id": partner });
    let shared = call(
        &sim,
        &sandbox,
        Method::POST,
        &format!("/{business}/share_preverified_numbers"),
        share.clone(),
    )
    .await;
    assert_eq!(shared.ok(), &json!({ "success": true }));
    call(
        &sim,
        &sandbox,
        Method::POST,
        &format!("/{business}/share_preverified_numbers"),
        share,
    )
    .await
    .ok();
    let partners = read(&sim, &sandbox, &format!("/{id}/partners")).await;
    assert_eq!(
        partners.ok()["data"],
        json!([{ "id": partner, "name": "Partner Co" }])
    );

    let deleted = call(
        &sim,
        &sandbox,
        Method::DELETE,
        &format!("/{id}"),
        Value::Null,
    )
    .await;
    assert_eq!(deleted.ok(), &json!({ "success": true }));
    let listed = read(&sim, &sandbox, &format!("/{business}/preverified_numbers")).await;
    assert_eq!(listed.ok()["data"], json!([]));
}

#[tokio::test]
async fn bad_input_and_numbers_in_use_are_refused() {
    let sim = Sim::start().await;
    let sandbox = with_partner(&sim, 142).await;
    let business = sandbox.id_of("business");
    add(&sim, &sandbox, "12")
        .await
        .assert_error(400, 100, None, "OAuthException");
    add(&sim, &sandbox, BUSINESS_DIGITS)
        .await
        .assert_error(400, 100, None, "OAuthException");

    let id = add(&sim, &sandbox, "+44 7700 900555").await.ok()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    add(&sim, &sandbox, "447700900555")
        .await
        .assert_error(400, 100, None, "OAuthException");
    let partner = sandbox.id_of("partner");
    let share = format!("/{business}/share_preverified_numbers");
    let refused = [
        (format!("/{business}/add_phone_numbers"), json!({})),
        (
            format!("/{id}/request_code"),
            json!({ "code_method": "PIGEON", "language": "en_US" }),
        ),
        // Not verified yet, and then to the business itself.
        (
            share.clone(),
            json!({ "preverified_id": id, "partner_business_id": partner }),
        ),
        (
            share,
            json!({ "preverified_id": id, "partner_business_id": business }),
        ),
    ];
    for (path, body) in refused {
        let reply = call(&sim, &sandbox, Method::POST, &path, body).await;
        reply.assert_error(400, 100, None, "OAuthException");
    }

    // Five codes a day, as for a business number.
    let body = json!({ "code_method": "VOICE", "language": "en" });
    for _ in 0..5 {
        call(
            &sim,
            &sandbox,
            Method::POST,
            &format!("/{id}/request_code"),
            body.clone(),
        )
        .await
        .ok();
    }
    let sixth = call(
        &sim,
        &sandbox,
        Method::POST,
        &format!("/{id}/request_code"),
        body,
    )
    .await;
    assert_eq!(sixth.error()["code"], 136024);

    // A number a WABA then takes is in use and stays.
    let waba = sandbox.id_of("waba");
    let number =
        json!({ "cc": "44", "phone_number": "7700900555", "verified_name": "Lucky Shrub UK" });
    call(
        &sim,
        &sandbox,
        Method::POST,
        &format!("/{waba}/phone_numbers"),
        number,
    )
    .await
    .ok();
    let node = read(&sim, &sandbox, &format!("/{id}?fields=availability_status")).await;
    assert_eq!(node.ok()["availability_status"], "IN_USE");
    let reply = call(
        &sim,
        &sandbox,
        Method::DELETE,
        &format!("/{id}"),
        Value::Null,
    )
    .await;
    reply.assert_error(400, 100, None, "OAuthException");
}

#[tokio::test]
async fn preverified_numbers_answer_alike_for_one_seed() {
    let sim = Sim::start().await;
    let mut transcripts = Vec::new();
    for _ in 0..2 {
        let sandbox = with_partner(&sim, 143).await;
        let business = sandbox.id_of("business");
        let id = add(&sim, &sandbox, "+1 555 010 4343").await.ok()["id"].clone();
        let fields = "id,display_phone_number,verification_status,created_time,last_updated";
        let listed = read(
            &sim,
            &sandbox,
            &format!("/{business}/preverified_numbers?fields={fields}"),
        )
        .await;
        transcripts.push(json!([id, listed.json]));
    }
    assert_eq!(transcripts[0], transcripts[1]);
}

const DAY: u64 = 86_400;

/// Meta's time limits on the virtual clock: a verification lasts 90 days
/// (re-verifiable in its last 45), then expires; an added number never
/// verified leaves the pool after 90 days; Meta's reference fields say when.
#[tokio::test]
async fn verifications_expire_and_unverified_numbers_leave_the_pool() {
    let sim = Sim::start().await;
    let sandbox = with_partner(&sim, 143).await;
    let business = sandbox.id_of("business");
    let verified = add(&sim, &sandbox, "+44 7700 900123").await.ok()["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let unverified = add(&sim, &sandbox, "+1 555 010 4343").await.ok()["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let start = sim.advance(&sandbox, 0).await;
    verify(&sim, &sandbox, &verified, "447700900123").await;

    let fields = "phone_number,code_verification_status,code_verification_time,verification_expiry_time,region,owner_business";
    let node = read(&sim, &sandbox, &format!("/{verified}?fields={fields}")).await;
    let iso = |at: i64| Value::String(graph_time(at));
    assert_eq!(
        node.ok(),
        &json!({
            "id": verified,
            "phone_number": "+44 7700900123",
            "code_verification_status": "VERIFIED",
            "code_verification_time": iso(start),
            "verification_expiry_time": iso(start + 90 * DAY as i64),
            "region": "Europe",
            "owner_business": {"id": business, "name": "Lucky Shrub"},
        })
    );
    let pending = read(
        &sim,
        &sandbox,
        &format!("/{unverified}?fields=code_verification_status,verification_expiry_time"),
    )
    .await;
    assert_eq!(
        pending.ok(),
        &json!({"id": unverified, "code_verification_status": "NOT_VERIFIED"})
    );

    // Not again before the last 45 days.
    let early = call(
        &sim,
        &sandbox,
        Method::POST,
        &format!("/{verified}/request_code"),
        json!({ "code_method": "SMS", "language": "en_US" }),
    )
    .await;
    assert_eq!(early.status, 400);
    assert_eq!(early.error()["code"], 100);
    sim.advance(&sandbox, 45 * DAY).await;
    verify(&sim, &sandbox, &verified, "447700900123").await;
    let renewed = read(
        &sim,
        &sandbox,
        &format!("/{verified}?fields=verification_expiry_time"),
    )
    .await;
    assert_eq!(
        renewed.ok()["verification_expiry_time"],
        iso(start + 135 * DAY as i64)
    );

    // Day 90 after adding: the never-verified number is gone.
    sim.advance(&sandbox, 45 * DAY - 1).await;
    let kept = read(&sim, &sandbox, &format!("/{unverified}")).await;
    assert_eq!(kept.status, 200, "one second before its 90 days");
    sim.advance(&sandbox, 1).await;
    let gone = read(&sim, &sandbox, &format!("/{unverified}")).await;
    assert_eq!(gone.status, 400);
    let listed = read(&sim, &sandbox, &format!("/{business}/preverified_numbers")).await;
    assert_eq!(listed.ok()["data"].as_array().map(Vec::len), Some(1));

    // Day 135: the renewed verification lapses.
    sim.advance(&sandbox, 45 * DAY - 1).await;
    let still = read(
        &sim,
        &sandbox,
        &format!("/{verified}?fields=code_verification_status"),
    )
    .await;
    assert_eq!(still.ok()["code_verification_status"], "VERIFIED");
    sim.advance(&sandbox, 1).await;
    let lapsed = read(&sim, &sandbox, &format!("/{verified}?fields=code_verification_status,verification_status,verification_expiry_time")).await;
    assert_eq!(
        lapsed.ok(),
        &json!({"id": verified, "code_verification_status": "EXPIRED", "verification_status": "EXPIRED"})
    );
    // An expired number may be verified again at once.
    verify(&sim, &sandbox, &verified, "447700900123").await;
}
