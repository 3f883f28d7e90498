//! Credit lines (`GET /{business-id}/extendedcredits`, Meta's
//! `ExtendedCredit`): Meta grants a portfolio a line (the control plane),
//! the business lists and reads it, attaches it to a WABA as its payment
//! method, and when Meta revokes it the WABA has none left. A partner shares
//! its line with a client WABA through the Graph API, reads and lists the
//! allocation config that sharing made, and revokes the sharing by deleting it.

use client_tests::business::{add_token, assert_param_error, call_as, get as read, post_form};
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
    refused_without_business_management(&sim, &sandbox, Method::GET, &path, None).await;
}

/// A token with the messaging scope alone is refused (403).
async fn refused_without_business_management(
    sim: &Sim,
    sandbox: &client_tests::Sandbox,
    method: Method,
    path: &str,
    body: Option<&client_tests::Value>,
) {
    let scopes = ["whatsapp_business_messaging"];
    let token = add_token(sim, sandbox, "messaging", &scopes).await;
    let denied = call_as(sim, &token, method, path, body).await;
    assert_eq!(denied.status, 403, "{}", denied.text());
}

/// Grant the demo business a credit line; its id.
async fn granted_line(sim: &Sim, sandbox: &client_tests::Sandbox) -> String {
    let business = sandbox.id_of("business");
    let grant = sandbox.sim(&format!("/whatsapp/businesses/{business}/credit_lines"));
    let body = json!({ "legal_entity_name": "Partner Ltd" });
    let granted = sim.post_json(&grant, &body).await;
    assert_eq!(granted.status, 201, "{}", granted.text());
    granted.json["id"].as_str().expect("an id").to_owned()
}

#[tokio::test]
async fn the_graph_api_shares_and_attaches_a_credit_line() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(182).await;
    let waba = sandbox.id_of("waba");
    let billing = sandbox.sim(&format!("/whatsapp/wabas/{waba}/billing"));
    let line = granted_line(&sim, &sandbox).await;
    let path = format!("/{line}/whatsapp_credit_sharing_and_attach");

    let missing = post_form(&sim, &sandbox, &path, &[("waba_id", waba)]).await;
    assert_param_error(&missing, "The parameter waba_currency is required");
    let yen = post_form(
        &sim,
        &sandbox,
        &path,
        &[("waba_id", waba), ("waba_currency", "JPY")],
    )
    .await;
    assert_param_error(
        &yen,
        "Param waba_currency must be one of {USD, EUR, INR, IDR, GBP, AUD}.",
    );
    let nowhere = post_form(
        &sim,
        &sandbox,
        &path,
        &[("waba_id", "404"), ("waba_currency", "EUR")],
    )
    .await;
    assert_param_error(
        &nowhere,
        "Param waba_id must be the id of a WhatsApp Business Account - got \"404\".",
    );
    // Nothing was attached by the refusals.
    assert_eq!(sim.get(&billing).await.ok()["credit_line_id"], json!(null));

    let pairs = [("waba_id", waba), ("waba_currency", "EUR")];
    let shared = post_form(&sim, &sandbox, &path, &pairs).await;
    let config = shared.ok()["allocation_config_id"]
        .as_str()
        .expect("an allocation config id")
        .to_owned();
    assert!(config.bytes().all(|b| b.is_ascii_digit()), "{config}");
    assert_eq!(
        shared.ok(),
        &json!({ "allocation_config_id": config, "waba_id": waba })
    );
    let again = post_form(&sim, &sandbox, &path, &pairs).await;
    assert_eq!(again.ok(), shared.ok());
    let paid = sim.get(&billing).await;
    assert_eq!(paid.ok()["credit_line_id"], line.as_str());
    let currency = read(&sim, &sandbox, &format!("/{waba}?fields=currency")).await;
    assert_eq!(currency.ok()["currency"], "EUR");

    // A revoked line cannot be shared; a messaging-only token may not share.
    let revoke = sandbox.sim(&format!("/whatsapp/credit_lines/{line}/revoke"));
    sim.post_json(&revoke, &json!({})).await.ok();
    let revoked = post_form(&sim, &sandbox, &path, &pairs).await;
    assert_param_error(
        &revoked,
        "Access to this credit line has been revoked: it cannot be shared.",
    );
    let body = json!({ "waba_id": waba, "waba_currency": "EUR" });
    refused_without_business_management(&sim, &sandbox, Method::POST, &path, Some(&body)).await;
}

/// The allocation config a sharing makes: read with field selection (Meta's
/// `ExtendedCreditAllocationConfig` fields, unknown ones refused), listed
/// under the line (filtered by receiving business), deleted once (the WABA
/// loses its payment method, the config reads `DELETED` and leaves the
/// list), and shared again as a new config.
#[tokio::test]
async fn the_allocation_config_is_read_listed_and_deleted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(183).await;
    let waba = sandbox.id_of("waba");
    let business = sandbox.id_of("business");
    let line = granted_line(&sim, &sandbox).await;
    let share = format!("/{line}/whatsapp_credit_sharing_and_attach");
    let pairs = [("waba_id", waba), ("waba_currency", "EUR")];
    let shared = post_form(&sim, &sandbox, &share, &pairs).await;
    let config = shared.ok()["allocation_config_id"]
        .as_str()
        .expect("an id")
        .to_owned();

    // The same seed and calls share with the same allocation config.
    let twin = sim.demo(183).await;
    assert_eq!(granted_line(&sim, &twin).await, line);
    let twin_shared = post_form(&sim, &twin, &share, &pairs).await;
    assert_eq!(twin_shared.ok(), shared.ok());

    let plain = read(&sim, &sandbox, &format!("/{config}")).await;
    assert_eq!(plain.ok(), &json!({ "id": config }));
    let fields =
        "request_status,owning_credential,owning_business,receiving_business,currency_amount";
    let node = read(&sim, &sandbox, &format!("/{config}?fields={fields}")).await;
    assert_eq!(
        node.ok(),
        &json!({
            "request_status": "ACTIVE",
            "owning_credential": { "id": line },
            "owning_business": { "id": business },
            "receiving_business": { "id": business },
            "currency_amount": {
                "amount": "5000.00", "amount_in_hundredths": "500000",
                "currency": "USD", "offsetted_amount": "500000",
            },
            "id": config,
        })
    );
    let nested = read(
        &sim,
        &sandbox,
        &format!("/{config}?fields=owning_credential{{legal_entity_name}}"),
    )
    .await;
    assert_eq!(
        nested.ok()["owning_credential"],
        json!({ "legal_entity_name": "Partner Ltd", "id": line })
    );
    let unknown = read(&sim, &sandbox, &format!("/{config}?fields=balance")).await;
    assert_eq!(unknown.status, 400, "{}", unknown.text());
    assert!(
        unknown.text().contains(
            "Tried accessing nonexisting field (balance) on node type (ExtendedCreditAllocationConfig)"
        ),
        "{}",
        unknown.text()
    );

    let owning = format!("/{line}/owning_credit_allocation_configs");
    let listed = read(&sim, &sandbox, &owning).await;
    assert_eq!(listed.ok()["data"], json!([{ "id": config }]));
    let elsewhere = read(
        &sim,
        &sandbox,
        &format!("{owning}?receiving_business_id=404"),
    )
    .await;
    assert_eq!(elsewhere.ok()["data"], json!([]));

    let billing = sandbox.sim(&format!("/whatsapp/wabas/{waba}/billing"));
    assert_eq!(sim.get(&billing).await.ok()["payment_method"], true);
    let scopes = ["whatsapp_business_messaging"];
    let messaging = add_token(&sim, &sandbox, "messaging", &scopes).await;
    let denied = call_as(
        &sim,
        &messaging,
        Method::DELETE,
        &format!("/{config}"),
        None,
    )
    .await;
    assert_eq!(denied.status, 403, "{}", denied.text());
    let manager = sandbox.token(client_tests::business::MANAGER);
    let path = format!("/{config}");
    let deleted = call_as(&sim, manager, Method::DELETE, &path, None).await;
    assert_eq!(deleted.ok(), &json!({ "success": true }));
    let twice = call_as(&sim, manager, Method::DELETE, &path, None).await;
    assert_param_error(&twice, "This credit sharing has been revoked already.");
    assert_eq!(
        sim.get(&billing).await.ok(),
        &json!({ "waba_id": waba, "payment_method": false, "credit_line_id": null })
    );
    let status = read(&sim, &sandbox, &format!("/{config}?fields=request_status")).await;
    assert_eq!(status.ok()["request_status"], "DELETED");
    assert_eq!(read(&sim, &sandbox, &owning).await.ok()["data"], json!([]));

    let again = post_form(&sim, &sandbox, &share, &pairs).await;
    let renewed = again.ok()["allocation_config_id"].as_str().expect("an id");
    assert_ne!(renewed, config);
    sim.assert_snapshot_round_trip(&sandbox).await;
    let kept = read(&sim, &sandbox, &format!("/{config}?fields=request_status")).await;
    assert_eq!(kept.ok()["request_status"], "DELETED");
}
