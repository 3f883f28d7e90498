//! Credit lines (`GET /{business-id}/extendedcredits`, Meta's
//! `ExtendedCredit`): Meta grants a portfolio a line (the control plane),
//! the business lists and reads it, attaches it to a WABA as its payment
//! method, and when Meta revokes it the WABA has none left.

use client_tests::business::{add_token, call_as, get as read};
use client_tests::{Sim, json};
use reqwest::Method;

#[tokio::test]
async fn a_credit_line_pays_for_a_waba_until_it_is_revoked() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(181).await;
    let business = sandbox.id_of("business");
    let waba = sandbox.id_of("waba");
    let path = format!("/{business}/extendedcredits");
    let empty = read(&sim, &sandbox, &path).await;
    assert_eq!(empty.ok()["data"], json!([]));

    let grant = sandbox.sim(&format!("/whatsapp/businesses/{business}/credit_lines"));
    let bad = json!({ "legal_entity_name": "Lucky Shrub Ltd", "currency": "dollars" });
    sim.post_json(&grant, &bad)
        .await
        .assert_sim_error(400, None);
    let body = json!({ "legal_entity_name": "Lucky Shrub Ltd", "max_balance": 1_234_500 });
    let granted = sim.post_json(&grant, &body).await;
    assert_eq!(granted.status, 201, "{}", granted.text());
    let line = granted.json["id"].as_str().expect("an id").to_owned();

    let listed = read(&sim, &sandbox, &path).await;
    assert_eq!(
        listed.ok()["data"],
        json!([{ "id": line, "legal_entity_name": "Lucky Shrub Ltd" }])
    );
    let fields = "credit_available,is_access_revoked,owner_business,max_balance";
    let node = read(&sim, &sandbox, &format!("/{line}?fields={fields}")).await;
    let amount = json!({
        "amount": "12345.00", "amount_in_hundredths": "1234500",
        "currency": "USD", "offsetted_amount": "1234500",
    });
    assert_eq!(
        node.ok(),
        &json!({
            "credit_available": amount, "is_access_revoked": false,
            "owner_business": { "id": business }, "max_balance": amount, "id": line,
        })
    );

    let attach = sandbox.sim(&format!("/whatsapp/credit_lines/{line}/attach"));
    sim.post_json(&attach, &json!({ "waba_id": waba }))
        .await
        .ok();
    let billing = sandbox.sim(&format!("/whatsapp/wabas/{waba}/billing"));
    let paid = sim.get(&billing).await;
    assert_eq!(paid.ok()["credit_line_id"], line.as_str());
    assert_eq!(paid.ok()["payment_method"], true);

    let revoke = sandbox.sim(&format!("/whatsapp/credit_lines/{line}/revoke"));
    sim.post_json(&revoke, &json!({})).await.ok();
    let unpaid = sim.get(&billing).await;
    assert_eq!(
        unpaid.ok(),
        &json!({ "waba_id": waba, "payment_method": false, "credit_line_id": null })
    );
    let revoked = read(&sim, &sandbox, &format!("/{line}?fields={fields}")).await;
    assert_eq!(revoked.ok()["is_access_revoked"], true);
    assert_eq!(revoked.ok()["credit_available"]["amount"], "0.00");
    sim.post_json(&attach, &json!({ "waba_id": waba }))
        .await
        .assert_sim_error(409, None);

    // Listing needs business_management.
    let token = add_token(
        &sim,
        &sandbox,
        "messaging",
        &["whatsapp_business_messaging"],
    )
    .await;
    let denied = call_as(&sim, &token, Method::GET, &path, None).await;
    assert_eq!(denied.status, 403, "{}", denied.text());
}
