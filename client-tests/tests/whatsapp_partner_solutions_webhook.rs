//! The `partner_solutions` webhook: every status change of a Multi-Partner
//! Solution reaches each party app subscribed at the app level to
//! `whatsapp_business_account`/`partner_solutions`, addressed to the
//! business portfolio that owns the app — and no other app, not even one of
//! the same business. Apps get their owner business from the fixture or the
//! control plane, shown as `owner_business`, kept in snapshots.

use client_tests::business::post;
use client_tests::receiver::{Receiver, subscribe_for};
use client_tests::solutions::{Partnership, as_partner, create_solution};
use client_tests::whatsapp::partner_fixture;
use client_tests::{Sandbox, Sim, V, Value, json};
use reqwest::Method;

/// A registered app: id, app token and secret.
struct App {
    id: String,
    token: String,
    secret: String,
}

async fn register(sim: &Sim, sandbox: &Sandbox, name: &str, business: Option<&str>) -> App {
    let mut body = json!({ "name": name });
    if let Some(business) = business {
        body["business_id"] = json!(business);
    }
    let reply = sim.post_json(&sandbox.sim("/apps"), &body).await;
    assert_eq!(reply.status, 201, "register: {}", reply.text());
    let field = |name: &str| reply.json[name].as_str().expect("a string").to_owned();
    App {
        id: field("id"),
        token: field("app_token"),
        secret: field("secret"),
    }
}

/// "Partner CRM", an app of the `partner` business.
async fn partner_crm(sim: &Sim, sandbox: &Sandbox) -> App {
    register(sim, sandbox, "Partner CRM", Some(sandbox.id_of("partner"))).await
}

/// Subscribe a registered app to `partner_solutions` at a receiver of its own.
async fn listen(sim: &Sim, app: &App) -> Receiver {
    let receiver = Receiver::start(&app.secret).await;
    let body = json!({
        "object": "whatsapp_business_account",
        "callback_url": receiver.url("/solutions"),
        "verify_token": "metasim-verify",
        "fields": ["partner_solutions"],
    });
    let path = format!("/{V}/{}/subscriptions", app.id);
    let reply = sim
        .send(
            sim.request(Method::POST, &path)
                .bearer_auth(&app.token)
                .json(&body),
        )
        .await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
    receiver
}

/// A sandbox of the demo with a second business portfolio, `partner`.
async fn partner_sandbox(sim: &Sim, seed: u64) -> Sandbox {
    let body = json!({ "seed": seed, "fixture": partner_fixture() });
    sim.create_sandbox(body).await
}

/// Subscribe the demo app to `partner_solutions` at a receiver.
async fn listen_as_demo_app(sim: &Sim, sandbox: &Sandbox) -> Receiver {
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let url = receiver.url("/solutions");
    let fields = ["partner_solutions"];
    subscribe_for(
        sim,
        sandbox,
        "app",
        "whatsapp_business_account",
        &fields,
        &url,
    )
    .await;
    receiver
}

/// The (event, status) pairs a receiver got, checking each entry names
/// `business` and `solution`.
fn changes(receiver: &Receiver, business: &str, solution: &str) -> Vec<(String, String)> {
    receiver
        .bodies()
        .iter()
        .flat_map(|body| {
            assert_eq!(body["object"], "whatsapp_business_account", "{body}");
            body["entry"].as_array().expect("entries").clone()
        })
        .map(|entry| {
            assert_eq!(entry["id"], business, "{entry}");
            assert!(entry["time"].is_i64(), "{entry}");
            let change = &entry["changes"][0];
            assert_eq!(change["field"], "partner_solutions");
            let value = &change["value"];
            assert_eq!(value["solution_id"], solution);
            let text = |member: &str| value[member].as_str().expect("a string").to_owned();
            (text("event"), text("solution_status"))
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(event, status)| ((*event).to_owned(), (*status).to_owned()))
        .collect()
}

/// The life of a solution between the demo app and a partner app of the
/// `partner` business (with a subscribed bystander app of the same
/// business): invited, accepted, deactivation asked and declined, asked
/// again and accepted. The receivers of the owner, the partner and the
/// bystander, and the solution's id.
async fn solution_life(sim: &Sim, sandbox: &Sandbox) -> ([Receiver; 3], String) {
    let owner_hook = listen_as_demo_app(sim, sandbox).await;
    let partner_business = sandbox.id_of("partner");
    let partner = partner_crm(sim, sandbox).await;
    let partner_hook = listen(sim, &partner).await;
    let bystander = register(sim, sandbox, "Partner Billing", Some(partner_business)).await;
    let bystander_hook = listen(sim, &bystander).await;

    let created = create_solution(sim, sandbox, &partner.id).await;
    let solution = created.ok()["solution_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let partnership = Partnership {
        partner_app: partner.id.clone(),
        partner_token: partner.token.clone(),
        solution: solution.clone(),
    };
    let accept = json!({ "partner_app_id": partner.id });
    as_partner(sim, &partnership, "accept", &accept).await.ok();
    let deactivate = format!("/{solution}/send_deactivation_request");
    post(sim, sandbox, &deactivate, &json!({})).await.ok();
    let keep = json!({ "reject_deactivation_request": true });
    as_partner(sim, &partnership, "reject_deactivation_request", &keep)
        .await
        .ok();
    post(sim, sandbox, &deactivate, &json!({})).await.ok();
    as_partner(sim, &partnership, "accept_deactivation_request", &json!({}))
        .await
        .ok();
    sim.deliver(sandbox).await;
    ([owner_hook, partner_hook, bystander_hook], solution)
}

#[tokio::test]
async fn every_status_change_reaches_both_party_apps_at_their_business() {
    let sim = Sim::start().await;
    let sandbox = partner_sandbox(&sim, 62).await;
    let business = sandbox.id_of("business");
    let ([owner_hook, partner_hook, bystander_hook], solution) =
        solution_life(&sim, &sandbox).await;

    let expected = pairs(&[
        ("SOLUTION_CREATED", "INITIATED"),
        ("SOLUTION_UPDATED", "ACTIVE"),
        ("SOLUTION_UPDATED", "PENDING_DEACTIVATION"),
        ("SOLUTION_UPDATED", "ACTIVE"),
        ("SOLUTION_UPDATED", "PENDING_DEACTIVATION"),
        ("SOLUTION_UPDATED", "DEACTIVATED"),
    ]);
    assert_eq!(changes(&owner_hook, business, &solution), expected);
    let partner_business = sandbox.id_of("partner");
    assert_eq!(
        changes(&partner_hook, partner_business, &solution),
        expected
    );
    // Another app of the partner's business, subscribed too, is no party.
    assert!(
        bystander_hook.posts().is_empty(),
        "{:?}",
        bystander_hook.bodies()
    );
    // Meta's payload, member for member.
    let first: Value = owner_hook.bodies()[0].clone();
    let time = first["entry"][0]["time"].clone();
    assert_eq!(
        first,
        json!({
            "object": "whatsapp_business_account",
            "entry": [{
                "id": business,
                "time": time,
                "changes": [{
                    "value": {
                        "event": "SOLUTION_CREATED",
                        "solution_id": solution,
                        "solution_status": "INITIATED",
                    },
                    "field": "partner_solutions",
                }],
            }],
        })
    );
}

#[tokio::test]
async fn the_same_seed_and_calls_send_the_same_bytes() {
    async fn sent() -> Vec<(Vec<u8>, String)> {
        let sim = Sim::start().await;
        let fixture = partner_fixture();
        let sandbox = sim
            .create_sandbox(json!({ "id": "mps", "seed": 66, "fixture": fixture }))
            .await;
        let (hooks, _) = solution_life(&sim, &sandbox).await;
        hooks
            .iter()
            .flat_map(Receiver::received)
            .map(|post| {
                (
                    post.bytes.clone(),
                    post.header("x-hub-signature-256").to_owned(),
                )
            })
            .collect()
    }
    let first = sent().await;
    assert_eq!(first.len(), 12);
    assert_eq!(first, sent().await);
}

#[tokio::test]
async fn a_rejection_is_reported_and_an_app_without_a_business_hears_nothing() {
    let sim = Sim::start().await;
    let sandbox = partner_sandbox(&sim, 63).await;
    let owner_hook = listen_as_demo_app(&sim, &sandbox).await;
    let loner = register(&sim, &sandbox, "Loner", None).await;
    let loner_hook = listen(&sim, &loner).await;
    let created = create_solution(&sim, &sandbox, &loner.id).await;
    let solution = created.ok()["solution_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let partnership = Partnership {
        partner_app: loner.id.clone(),
        partner_token: loner.token.clone(),
        solution: solution.clone(),
    };
    let reject = json!({ "request_type": "PARTNERSHIP_REQUEST", "partner_app_id": loner.id });
    as_partner(&sim, &partnership, "reject", &reject).await.ok();
    sim.deliver(&sandbox).await;
    assert_eq!(
        changes(&owner_hook, sandbox.id_of("business"), &solution),
        pairs(&[
            ("SOLUTION_CREATED", "INITIATED"),
            ("SOLUTION_UPDATED", "REJECTED")
        ])
    );
    assert!(loner_hook.posts().is_empty(), "{:?}", loner_hook.bodies());
}

#[tokio::test]
async fn an_apps_owner_business_is_checked_shown_and_kept_in_snapshots() {
    let sim = Sim::start().await;
    let sandbox = partner_sandbox(&sim, 64).await;
    let unknown = sim
        .post_json(
            &sandbox.sim("/apps"),
            &json!({ "name": "Ghost", "business_id": "404" }),
        )
        .await;
    assert!(
        unknown.assert_sim_error(400, None).contains("business_id"),
        "{}",
        unknown.text()
    );
    let partner = partner_crm(&sim, &sandbox).await;
    let owner_of = async |app: &str| {
        let path = format!("/{V}/{app}?fields=owner_business");
        sim.get_as(&sandbox.app_token("app"), &path).await.ok()["owner_business"].clone()
    };
    assert_eq!(
        owner_of(sandbox.id_of("app")).await,
        json!({ "id": sandbox.id_of("business") })
    );
    assert_eq!(
        owner_of(&partner.id).await,
        json!({ "id": sandbox.id_of("partner") })
    );
    sim.assert_snapshot_round_trip(&sandbox).await;
    assert_eq!(
        owner_of(&partner.id).await,
        json!({ "id": sandbox.id_of("partner") })
    );
}

#[tokio::test]
async fn a_triggered_sample_goes_to_the_apps_of_the_business() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(65).await;
    let hook = listen_as_demo_app(&sim, &sandbox).await;
    let field = json!({ "object": "whatsapp_business_account", "field": "partner_solutions" });
    let answer = sim.trigger(&sandbox, &field).await;
    assert_eq!(answer["subscribed_apps"], 1, "{answer}");
    sim.deliver(&sandbox).await;
    let body = &hook.bodies()[0];
    assert_eq!(body["entry"][0]["id"], sandbox.id_of("business"));
    assert_eq!(
        body["entry"][0]["changes"][0]["value"]["solution_status"],
        "INITIATED"
    );
}

/// A solution saved as a draft in the App Dashboard (control plane) is the
/// owner's alone: it hears `SOLUTION_CREATED`/`DRAFT`, the partner hears
/// nothing, does not list it and cannot accept it; sending it makes it
/// `INITIATED` and the partner hears `SOLUTION_CREATED` then. Sending it
/// again, or an unknown solution, is refused.
#[tokio::test]
async fn a_draft_is_the_owners_alone_until_it_is_sent() {
    let sim = Sim::start().await;
    let sandbox = partner_sandbox(&sim, 67).await;
    let owner_hook = listen_as_demo_app(&sim, &sandbox).await;
    let partner = partner_crm(&sim, &sandbox).await;
    let partner_hook = listen(&sim, &partner).await;
    let app = sandbox.id_of("app");
    let drafts = sandbox.sim(&format!("/whatsapp/apps/{app}/solution_drafts"));
    let mut draft = json!({
        "solution_name": "Lucky Shrub and Partner",
        "partner_app_id": partner.id,
        "owner_permissions": ["MESSAGING"],
        "partner_permissions": ["MESSAGING"],
    });
    let both = sim.post_json(&drafts, &draft).await;
    assert_eq!(both.status, 400, "{}", both.text());
    assert_eq!(both.json["error"]["code"], 100);
    draft["partner_permissions"] = json!([]);
    let saved = sim.post_json(&drafts, &draft).await;
    assert_eq!(saved.status, 201, "{}", saved.text());
    assert_eq!(saved.json["status"], "DRAFT");
    let solution = saved.json["solution_id"]
        .as_str()
        .expect("an id")
        .to_owned();

    let read = format!("/{V}/{solution}?fields=status,status_for_pending_request");
    let status = sim.get_as(&sandbox.app_token("app"), &read).await;
    assert_eq!(
        status.ok(),
        &json!({ "status": "DRAFT", "status_for_pending_request": "NONE", "id": solution })
    );
    let listed = format!("/{V}/{}/whatsapp_business_solutions", partner.id);
    let partner_list = sim.get_as(&partner.token, &listed).await;
    assert_eq!(partner_list.ok()["data"], json!([]));
    let partnership = Partnership {
        partner_app: partner.id.clone(),
        partner_token: partner.token.clone(),
        solution: solution.clone(),
    };
    let accept = json!({ "partner_app_id": partner.id });
    let early = as_partner(&sim, &partnership, "accept", &accept).await;
    assert_eq!(early.status, 400, "{}", early.text());
    assert!(
        early.text().contains("Current status: DRAFT"),
        "{}",
        early.text()
    );
    sim.deliver(&sandbox).await;
    let business = sandbox.id_of("business");
    assert_eq!(
        changes(&owner_hook, business, &solution),
        pairs(&[("SOLUTION_CREATED", "DRAFT")])
    );
    assert!(
        partner_hook.posts().is_empty(),
        "{:?}",
        partner_hook.bodies()
    );

    let send = sandbox.sim(&format!("/whatsapp/solutions/{solution}/send"));
    let sent = sim.post_json(&send, &json!({})).await;
    assert_eq!(
        sent.ok(),
        &json!({ "solution_id": solution, "status": "INITIATED" })
    );
    let again = sim.post_json(&send, &json!({})).await;
    assert_eq!(again.status, 400, "{}", again.text());
    assert!(
        again.text().contains("Current status: INITIATED"),
        "{}",
        again.text()
    );
    let ghost = sim
        .post_json(&sandbox.sim("/whatsapp/solutions/404/send"), &json!({}))
        .await;
    ghost.assert_sim_error(404, Some(33));
    let partner_list = sim.get_as(&partner.token, &listed).await;
    assert_eq!(partner_list.ok()["data"][0]["id"], solution);
    as_partner(&sim, &partnership, "accept", &accept).await.ok();
    sim.deliver(&sandbox).await;
    assert_eq!(
        changes(&owner_hook, business, &solution),
        pairs(&[
            ("SOLUTION_CREATED", "DRAFT"),
            ("SOLUTION_CREATED", "INITIATED"),
            ("SOLUTION_UPDATED", "ACTIVE"),
        ])
    );
    assert_eq!(
        changes(&partner_hook, sandbox.id_of("partner"), &solution),
        pairs(&[
            ("SOLUTION_CREATED", "INITIATED"),
            ("SOLUTION_UPDATED", "ACTIVE"),
        ])
    );
}
