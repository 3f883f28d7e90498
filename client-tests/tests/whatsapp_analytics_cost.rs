//! What WABA analytics report as `cost`, priced from the sandbox's rate
//! card: Meta's USD rates per market (North America for +1, India for
//! +91) and pricing category, free service and in-window utility messages,
//! conversation and template costs, a card replaced through the control
//! plane (checked, kept in snapshots, reset), and same-seed determinism.

use client_tests::whatsapp::*;
use client_tests::{Sandbox, Sim, V, Value, demo_fixture, json};

/// 2026-01-01T00:00:00Z, where a demo sandbox's clock starts.
const DAY0: i64 = 1_767_225_600;
const DAY: i64 = 86_400;
/// A consumer in India.
const RAVI: &str = "919876543210";

/// The demo with Ravi and an authentication template, `login_code`.
async fn sandbox(sim: &Sim) -> Sandbox {
    let mut fixture = demo_fixture();
    fixture["whatsapp_consumers"]
        .as_array_mut()
        .expect("consumers")
        .push(json!({ "handle": "ravi", "phone": RAVI, "name": "Ravi Kumar" }));
    fixture["whatsapp_business_accounts"][0]["templates"]
        .as_array_mut()
        .expect("templates")
        .push(json!({
            "name": "login_code", "category": "AUTHENTICATION",
            "components": [{ "type": "BODY", "text": "{{1}} is your verification code." }],
        }));
    sim.create_sandbox(json!({ "seed": 71, "fixture": fixture }))
        .await
}

/// A marketing, a utility and an authentication template to `to`.
async fn three_templates(sim: &Sim, sandbox: &Sandbox, to: &str) {
    for sent in [
        template("spring_sale", &["20%"]),
        template("order_update", &[to, "A-1"]),
        template("login_code", &["123456"]),
    ] {
        assert_template_sent(
            &post(sim, sandbox, &message(to, "template", sent)).await,
            to,
            to,
        );
    }
}

/// Day 0: the three templates to Alice and to Ravi; then Ravi writes and
/// gets a text and an order update inside his window (both free).
async fn traffic(sim: &Sim, sandbox: &Sandbox) {
    three_templates(sim, sandbox, ALICE).await;
    three_templates(sim, sandbox, RAVI).await;
    open_window(sim, sandbox, RAVI).await;
    let text = message(RAVI, "text", json!({ "body": "Here to help" }));
    assert_sent(&post(sim, sandbox, &text).await, RAVI, RAVI);
    let update = message(RAVI, "template", template("order_update", &["Ravi", "A-2"]));
    assert_template_sent(&post(sim, sandbox, &update).await, RAVI, RAVI);
}

async fn pricing(sim: &Sim, sandbox: &Sandbox, arguments: &str) -> Value {
    let path = format!(
        "/{V}/{}?fields=pricing_analytics.start({DAY0}).end({}).granularity(DAILY){arguments}",
        sandbox.id_of("waba"),
        DAY0 + DAY
    );
    let body = sim.get_as(sandbox.token(MANAGER), &path).await;
    body.ok()["pricing_analytics"]["data"][0]["data_points"].clone()
}

/// `(country, category, pricing type, cost)` of each point split by them.
fn costs(points: &Value) -> Vec<(String, String, String, Value)> {
    points
        .as_array()
        .expect("points")
        .iter()
        .map(|p| {
            (
                p["country"].as_str().unwrap_or_default().to_owned(),
                p["pricing_category"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                p["pricing_type"].as_str().unwrap_or_default().to_owned(),
                p["cost"].clone(),
            )
        })
        .collect()
}

fn row(country: &str, category: &str, kind: &str, cost: Value) -> (String, String, String, Value) {
    (country.into(), category.into(), kind.into(), cost)
}

#[tokio::test]
async fn cost_follows_the_market_and_category_and_service_is_free() {
    let sim = Sim::start().await;
    let sandbox = sandbox(&sim).await;
    traffic(&sim, &sandbox).await;
    let split = ".dimensions([COUNTRY,PRICING_CATEGORY,PRICING_TYPE]).metric_types([COST])";
    let points = pricing(&sim, &sandbox, split).await;
    assert_eq!(
        costs(&points),
        [
            row("IN", "SERVICE", "FREE_CUSTOMER_SERVICE", json!(0)),
            row("IN", "UTILITY", "FREE_CUSTOMER_SERVICE", json!(0)),
            row("IN", "AUTHENTICATION", "REGULAR", json!(0.0014)),
            row("IN", "MARKETING", "REGULAR", json!(0.0107)),
            row("IN", "UTILITY", "REGULAR", json!(0.0014)),
            row("US", "AUTHENTICATION", "REGULAR", json!(0.0135)),
            row("US", "MARKETING", "REGULAR", json!(0.025)),
            row("US", "UTILITY", "REGULAR", json!(0.004)),
        ]
    );
    // COST alone: no volume. Summed over the day, exact to the millionth.
    assert!(points[0].get("volume").is_none(), "{points}");
    let day = pricing(&sim, &sandbox, "").await;
    assert_eq!(
        day,
        json!([{ "start": DAY0, "end": DAY0 + DAY, "volume": 8, "cost": 0.056 }])
    );
    // Conversations cost what opened them; the free ones nothing.
    let path = format!(
        "/{V}/{}?fields=conversation_analytics.start({DAY0}).end({}).granularity(DAILY).country_codes([IN]).dimensions([CONVERSATION_CATEGORY])",
        sandbox.id_of("waba"),
        DAY0 + DAY
    );
    let body = sim.get_as(sandbox.token(MANAGER), &path).await.ok().clone();
    let by_category: Vec<(Value, Value, Value)> =
        body["conversation_analytics"]["data"][0]["data_points"]
            .as_array()
            .expect("points")
            .iter()
            .map(|p| {
                (
                    p["conversation_category"].clone(),
                    p["conversation"].clone(),
                    p["cost"].clone(),
                )
            })
            .collect();
    assert_eq!(
        by_category,
        [
            (json!("AUTHENTICATION"), json!(1), json!(0.0014)),
            (json!("MARKETING"), json!(1), json!(0.0107)),
            (json!("SERVICE"), json!(1), json!(0)),
            (json!("UTILITY"), json!(1), json!(0.0014)),
        ]
    );
}

#[tokio::test]
async fn template_analytics_report_what_was_spent() {
    let sim = Sim::start().await;
    let sandbox = sandbox(&sim).await;
    traffic(&sim, &sandbox).await;
    let waba = sandbox.id_of("waba");
    enable_insights(&sim, &sandbox).await;
    let order = template_id(&sim, &sandbox, "order_update").await;
    let path = format!(
        "/{V}/{waba}/template_analytics?start={DAY0}&end={}&granularity=DAILY&metric_types=[COST,DELIVERED]&template_ids=[{order}]",
        DAY0 + DAY
    );
    let body = sim.get_as(sandbox.token(MANAGER), &path).await.ok().clone();
    // Three order updates delivered, two billed: 0.004 + 0.0014 = 0.0054,
    // 0.0018 per delivered message; no URL button, so no cost per click.
    assert_eq!(
        body["data"][0]["data_points"],
        json!([{
            "template_id": order, "start": DAY0, "end": DAY0 + DAY, "delivered": 3,
            "cost": [
                { "type": "amount_spent", "value": 0.0054 },
                { "type": "cost_per_delivered", "value": 0.0018 },
                { "type": "cost_per_url_button_click" },
            ],
        }])
    );
}

#[tokio::test]
async fn a_replaced_rate_card_prices_later_reads_and_survives_a_snapshot() {
    let sim = Sim::start().await;
    let sandbox = sandbox(&sim).await;
    traffic(&sim, &sandbox).await;
    let card = sandbox.sim("/whatsapp/rate_card");
    let meta = sim.get(&card).await.ok().clone();
    assert_eq!(meta["currency"], "USD");
    assert_eq!(
        meta["markets"]["india"],
        json!({
            "marketing": 0.0107, "utility": 0.0014, "authentication": 0.0014,
            "authentication_international": 0.028, "replaced": false,
        })
    );
    assert_eq!(meta["markets"]["north_america"]["marketing"], 0.025);
    let replaced = sim
        .put_json(
            &card,
            &json!({ "markets": { "india": {
                "marketing": 0.5, "utility": 0.25, "authentication": 1,
            } } }),
        )
        .await
        .ok()
        .clone();
    assert_eq!(
        replaced["markets"]["india"],
        json!({ "marketing": 0.5, "utility": 0.25, "authentication": 1, "replaced": true })
    );
    // Analytics are priced when read: India's messages at the new rates.
    let split = ".dimensions([COUNTRY]).metric_types([COST])";
    let india = json!({ "start": DAY0, "end": DAY0 + DAY, "country": "IN", "cost": 1.75 });
    let us = json!({ "start": DAY0, "end": DAY0 + DAY, "country": "US", "cost": 0.0425 });
    assert_eq!(pricing(&sim, &sandbox, split).await, json!([india, us]));
    // Kept in a snapshot and restored.
    sim.assert_snapshot_round_trip(&sandbox).await;
    assert_eq!(
        sim.get(&card).await.ok()["markets"]["india"]["replaced"],
        true
    );
    // Refusals: out of range, unknown market, unknown or missing rate.
    for (body, expected) in [
        (
            json!({ "markets": { "india": { "marketing": 11, "utility": 0, "authentication": 0 } } }),
            "markets.india.marketing must be between 0 and 10",
        ),
        (
            json!({ "markets": { "india": { "marketing": -0.01, "utility": 0, "authentication": 0 } } }),
            "must be between 0 and 10",
        ),
        (
            json!({ "markets": { "atlantis": { "marketing": 0, "utility": 0, "authentication": 0 } } }),
            "is not one of Meta's markets",
        ),
        (
            json!({ "markets": { "india": { "marketing": 0, "utility": 0 } } }),
            "authentication",
        ),
        (
            json!({ "markets": { "india": { "marketing": "cheap", "utility": 0, "authentication": 0 } } }),
            "marketing",
        ),
    ] {
        let refused = sim.put_json(&card, &body).await;
        assert_eq!(refused.status, 400, "{}", refused.text());
        assert!(refused.text().contains(expected), "{}", refused.text());
    }
    // A refused replacement changed nothing; DELETE restores Meta's card.
    assert_eq!(
        sim.get(&card).await.ok()["markets"]["india"]["marketing"],
        0.5
    );
    let reset = sim.delete(&card).await.ok().clone();
    assert_eq!(reset["markets"]["india"]["replaced"], false);
    let india = json!({ "start": DAY0, "end": DAY0 + DAY, "country": "IN", "cost": 0.0135 });
    assert_eq!(pricing(&sim, &sandbox, split).await, json!([india, us]));
}

#[tokio::test]
async fn costs_answer_alike_for_one_seed() {
    let sim = Sim::start().await;
    let mut answers = Vec::new();
    for _ in 0..2 {
        let sandbox = sandbox(&sim).await;
        traffic(&sim, &sandbox).await;
        let path = format!(
            "/{V}/{}?fields=pricing_analytics.start({DAY0}).end({}).granularity(HALF_HOUR).dimensions([COUNTRY,PRICING_CATEGORY]),conversation_analytics.start({DAY0}).end({}).granularity(DAILY)",
            sandbox.id_of("waba"),
            DAY0 + DAY,
            DAY0 + DAY
        );
        answers.push(sim.get_as(sandbox.token(MANAGER), &path).await.text());
    }
    assert_eq!(answers[0], answers[1]);
    assert!(answers[0].contains("\"cost\":0.0107"), "{}", answers[0]);
}

#[tokio::test]
async fn a_fixture_replaces_rates_and_is_checked() {
    let sim = Sim::start().await;
    let mut fixture = demo_fixture();
    fixture["whatsapp_rate_card"] = json!({ "markets": { "north_america": {
        "marketing": 0.1, "utility": 0.02, "authentication": 0.03,
    } } });
    let sandbox = sim
        .create_sandbox(json!({ "seed": 72, "fixture": fixture.clone() }))
        .await;
    let card = sim.get(&sandbox.sim("/whatsapp/rate_card")).await;
    assert_eq!(card.ok()["markets"]["north_america"]["marketing"], 0.1);
    let sale = message(ALICE, "template", template("spring_sale", &["20%"]));
    assert_template_sent(&post(&sim, &sandbox, &sale).await, ALICE, ALICE);
    assert_eq!(
        pricing(&sim, &sandbox, ".metric_types([COST])").await,
        json!([{ "start": DAY0, "end": DAY0 + DAY, "cost": 0.1 }])
    );
    fixture["whatsapp_rate_card"]["markets"]["north_america"]["utility"] = json!(12);
    let refused = sim
        .post_json(
            "/_sim/sandboxes",
            &json!({ "seed": 72, "fixture": fixture }),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert!(
        refused
            .text()
            .contains("whatsapp_rate_card.markets.north_america.utility"),
        "{}",
        refused.text()
    );
}
