//! Fields the audit against Meta's SDK and OpenAPI spec added or removed:
//! the phone number's `unified_cert_status` and `host_platform`; fields
//! Meta has no more (`last_payment_time` on a credit line) or never had as
//! readable fields (`new_display_name` on a number) are #100; fields Meta
//! omits unless they apply (a credit line's billing addresses, a
//! pre-verified number's `error_msg`) are absent but accepted.

use client_tests::business::get as read;
use client_tests::whatsapp::phone;
use client_tests::{Sim, json};

#[tokio::test]
async fn a_numbers_certificate_status_and_host_follow_its_name_and_registration() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1311).await;
    let number = phone(&sandbox).to_owned();
    let fields = "unified_cert_status,host_platform,platform_type,name_status";
    let registered = read(&sim, &sandbox, &format!("/{number}?fields={fields}")).await;
    assert_eq!(
        registered.ok(),
        &json!({
            "unified_cert_status": "APPROVED", "host_platform": "CLOUD_API",
            "platform_type": "CLOUD_API", "name_status": "APPROVED", "id": number,
        })
    );
    // A number the fixture left unregistered: its name waits for review.
    let waba = sandbox.id_of("waba");
    let added = client_tests::business::post(
        &sim,
        &sandbox,
        &format!("/{waba}/phone_numbers"),
        &json!({ "cc": "1", "phone_number": "5550100002", "verified_name": "Lucky Shrub Two" }),
    )
    .await;
    let new = added.ok()["id"].as_str().expect("an id").to_owned();
    let fresh = read(&sim, &sandbox, &format!("/{new}?fields={fields}")).await;
    assert_eq!(fresh.ok()["host_platform"], "NOT_APPLICABLE");
    assert_eq!(fresh.ok()["unified_cert_status"], "APPROVED");
    assert_eq!(fresh.ok()["name_status"], "AVAILABLE_WITHOUT_REVIEW");
}

#[tokio::test]
async fn fields_meta_does_not_have_are_refused() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1312).await;
    let number = phone(&sandbox).to_owned();
    let refused = read(
        &sim,
        &sandbox,
        &format!("/{number}?fields=new_display_name"),
    )
    .await;
    refused.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        refused.message(),
        "(#100) Tried accessing nonexisting field (new_display_name) on node type (WhatsAppBusinessPhoneNumber)"
    );

    let business = sandbox.id_of("business");
    let grant = sandbox.sim(&format!("/whatsapp/businesses/{business}/credit_lines"));
    let granted = sim
        .post_json(
            &grant,
            &json!({ "legal_entity_name": "Lucky Shrub Ltd", "max_balance": 5000 }),
        )
        .await;
    let line = granted.json["id"].as_str().expect("an id").to_owned();
    let stale = read(&sim, &sandbox, &format!("/{line}?fields=last_payment_time")).await;
    stale.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        stale.message(),
        "(#100) Tried accessing nonexisting field (last_payment_time) on node type (ExtendedCredit)"
    );
    // The addresses are fields, omitted while the portfolio has none.
    let addresses = "liable_address,send_bill_to_address,sold_to_address,liable_biz_name";
    let read_back = read(&sim, &sandbox, &format!("/{line}?fields={addresses}")).await;
    assert_eq!(
        read_back.ok(),
        &json!({ "liable_biz_name": "Lucky Shrub Ltd", "id": line })
    );
}

#[tokio::test]
async fn a_valid_preverified_number_has_no_error_message() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1313).await;
    let business = sandbox.id_of("business");
    let added = client_tests::business::post(
        &sim,
        &sandbox,
        &format!("/{business}/add_phone_numbers"),
        &json!({ "phone_number": "+1 555 010 4242" }),
    )
    .await;
    let id = added.ok()["id"].as_str().expect("an id").to_owned();
    let node = read(
        &sim,
        &sandbox,
        &format!("/{id}?fields=id,is_input_id_valid,error_msg"),
    )
    .await;
    assert_eq!(node.ok(), &json!({ "id": id, "is_input_id_valid": true }));
}
