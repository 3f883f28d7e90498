//! Helpers for the Multi-Partner Solution tests: a partner app registered
//! through the control plane, a solution the demo app owns and the partner
//! accepted, and the demo WABA moved onto it.

use reqwest::Method;

use crate::business::{MANAGER, call_as};
use crate::{Reply, Sandbox, Sim, json};

/// A partner app and the solution between it and the demo app.
pub struct Partnership {
    pub partner_app: String,
    /// The partner app's app token.
    pub partner_token: String,
    pub solution: String,
}

/// Register a partner app; its id and app token.
pub async fn partner_app(sim: &Sim, sandbox: &Sandbox, name: &str) -> (String, String) {
    partner_app_of(sim, sandbox, name, None).await
}

/// Register a partner app owned by `business` (none when `None`); its id
/// and app token.
pub async fn partner_app_of(
    sim: &Sim,
    sandbox: &Sandbox,
    name: &str,
    business: Option<&str>,
) -> (String, String) {
    let mut body = json!({ "name": name });
    if let Some(business) = business {
        body["business_id"] = json!(business);
    }
    let reply = sim.post_json(&sandbox.sim("/apps"), &body).await;
    assert_eq!(reply.status, 201, "register an app: {}", reply.text());
    let field = |name: &str| reply.json[name].as_str().expect("a string").to_owned();
    (field("id"), field("app_token"))
}

/// `POST /{app-id}/whatsapp_business_solution` as the demo app's system user,
/// the demo app keeping `MESSAGING`.
pub async fn create_solution(sim: &Sim, sandbox: &Sandbox, partner_app: &str) -> Reply {
    call_as(
        sim,
        sandbox.token(MANAGER),
        Method::POST,
        &format!("/{}/whatsapp_business_solution", sandbox.id_of("app")),
        Some(&json!({
            "solution_name": "Lucky Shrub and Partner",
            "partner_app_id": partner_app,
            "owner_permissions": ["MESSAGING"],
            "partner_permissions": [],
        })),
    )
    .await
}

/// A solution between the demo app and a new partner app: invited, and
/// accepted when `accept`.
pub async fn partnership(sim: &Sim, sandbox: &Sandbox, accept: bool) -> Partnership {
    partnership_of(sim, sandbox, accept, None).await
}

/// The same, the partner app owned by `business`.
pub async fn partnership_of(
    sim: &Sim,
    sandbox: &Sandbox,
    accept: bool,
    business: Option<&str>,
) -> Partnership {
    let (partner_app, partner_token) = partner_app_of(sim, sandbox, "Partner CRM", business).await;
    let created = create_solution(sim, sandbox, &partner_app).await;
    let solution = created.ok()["solution_id"]
        .as_str()
        .expect("a solution id")
        .to_owned();
    let partnership = Partnership {
        partner_app,
        partner_token,
        solution,
    };
    if accept {
        let accepted = as_partner(
            sim,
            &partnership,
            "accept",
            &json!({ "partner_app_id": partnership.partner_app }),
        )
        .await;
        assert_eq!(accepted.status, 200, "accept: {}", accepted.text());
    }
    partnership
}

/// `POST /{solution-id}/{action}` as the partner app.
pub async fn as_partner(
    sim: &Sim,
    partnership: &Partnership,
    action: &str,
    body: &serde_json::Value,
) -> Reply {
    call_as(
        sim,
        &partnership.partner_token,
        Method::POST,
        &format!("/{}/{action}", partnership.solution),
        Some(body),
    )
    .await
}

/// `POST /{waba-id}/set_solution_migration_intent` as the manager.
pub async fn migration(sim: &Sim, sandbox: &Sandbox, solution: &str, intent: &str) -> Reply {
    call_as(
        sim,
        sandbox.token(MANAGER),
        Method::POST,
        &format!("/{}/set_solution_migration_intent", sandbox.id_of("waba")),
        Some(&json!({ "solution_id": solution, "migration_intent": intent })),
    )
    .await
}

/// Move the demo WABA onto the solution (initiated, then confirmed); the
/// migration intent's id.
pub async fn join(sim: &Sim, sandbox: &Sandbox, solution: &str) -> String {
    let started = migration(sim, sandbox, solution, "INITIATE_MIGRATION").await;
    let id = started.ok()["migration_intent_id"]
        .as_str()
        .expect("an intent id")
        .to_owned();
    let confirmed = migration(sim, sandbox, solution, "CONFIRM_MIGRATION").await;
    assert_eq!(confirmed.ok()["migration_intent_id"], json!(id));
    id
}
