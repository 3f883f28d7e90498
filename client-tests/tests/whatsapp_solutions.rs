//! Multi-Partner Solutions over HTTP: the owner app invites a partner app
//! registered through the control plane, the partner accepts or rejects,
//! either party asks to deactivate and the other answers; the demo WABA
//! joins through a migration intent, a party gets a business token for it,
//! and on-behalf-of mobility intents come and go. Each step's refusals
//! (the wrong party, twice, the wrong status, unknown ids, missing
//! parameters) are Meta's errors, and the state survives a snapshot.

use client_tests::business::{assert_param_error, call_as, get, post};
use client_tests::solutions::{
    as_partner, create_solution, join, migration, partner_app, partnership, partnership_of,
};
use client_tests::whatsapp::partner_fixture;
use client_tests::{Reply, Sandbox, Sim, json, unsupported};
use reqwest::Method;

/// Meta's `(#200)` refusal of an app that may not act on the solution.
#[track_caller]
fn assert_not_permitted(reply: &Reply, subcode: i64) {
    reply.assert_error(403, 200, Some(subcode), "OAuthException");
}

/// A field of the solution `id`, read as the manager.
async fn field_of(sim: &Sim, sandbox: &Sandbox, id: &str, field: &str) -> client_tests::Value {
    read(sim, sandbox, &format!("/{id}?fields={field}")).await[field].clone()
}

/// `GET /{V}{path}` as the manager: the answer, which must be a 200.
async fn read(sim: &Sim, sandbox: &Sandbox, path: &str) -> client_tests::Value {
    get(sim, sandbox, path).await.ok().clone()
}

#[tokio::test]
async fn a_solution_is_accepted_then_deactivated_by_both_parties() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(61).await;
    let partnership = partnership(&sim, &sandbox, false).await;
    let id = partnership.solution.as_str();
    let partner = async |action: &str, body: client_tests::Value| {
        as_partner(&sim, &partnership, action, &body).await
    };
    assert_eq!(
        read(&sim, &sandbox, &format!("/{id}")).await,
        json!({
            "id": id, "name": "Lucky Shrub and Partner", "status": "INITIATED",
            "status_for_pending_request": "PENDING_ACTIVATION",
        })
    );
    // The owner cannot accept its own invitation; the partner names itself.
    let owner_accepts = post(
        &sim,
        &sandbox,
        &format!("/{id}/accept"),
        &json!({ "partner_app_id": sandbox.id_of("app") }),
    )
    .await;
    assert_not_permitted(&owner_accepts, 1_349_175);
    let unnamed = partner("accept", json!({})).await;
    assert_param_error(&unnamed, "The parameter partner_app_id is required");
    let body = json!({ "partner_app_id": partnership.partner_app });
    let accepted = as_partner(&sim, &partnership, "accept", &body).await;
    assert_eq!(accepted.ok()["partner_status"], "ACCEPTED");
    assert_eq!(accepted.json["solution_id"], id);
    let twice = as_partner(&sim, &partnership, "accept", &body).await;
    assert_param_error(
        &twice,
        "Solution is not in a state that allows this request. Current status: ACTIVE",
    );
    let fields = "status,owner_app{name},owner_permissions";
    let detail = read(&sim, &sandbox, &format!("/{id}?fields={fields}")).await;
    assert_eq!(detail["status"], "ACTIVE");
    assert_eq!(detail["owner_app"]["name"], "Lucky Shrub CRM");
    assert!(
        detail["owner_permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("MESSAGING"))
    );

    // Each app lists it in its role; another app's token sees none.
    let partner_path = format!("/{}/whatsapp_business_solutions", partnership.partner_app);
    let as_partner_app = async |query: &str| {
        call_as(
            &sim,
            &partnership.partner_token,
            Method::GET,
            &format!("{partner_path}{query}"),
            None,
        )
        .await
    };
    assert_eq!(
        as_partner_app("?role=PARTNER").await.ok()["data"][0]["id"],
        id
    );
    assert_eq!(as_partner_app("?role=OWNER").await.ok()["data"], json!([]));
    let owner_path = format!("/{}/whatsapp_business_solutions", sandbox.id_of("app"));
    let listed = get(&sim, &sandbox, &owner_path).await;
    assert_eq!(listed.ok()["data"][0]["status"], "ACTIVE");
    assert_eq!(
        get(&sim, &sandbox, &partner_path).await.ok()["data"],
        json!([])
    );

    // The owner asks to deactivate; it cannot answer its own request, the
    // partner declines once, and accepts the next.
    let deactivate = async || {
        let path = format!("/{id}/send_deactivation_request");
        post(&sim, &sandbox, &path, &json!({})).await
    };
    let requested = deactivate().await;
    assert_eq!(requested.ok()["success"], true);
    assert_eq!(requested.json["request_id"], format!("{id}_deactivation_1"));
    assert_param_error(
        &deactivate().await,
        "A deactivation request for this solution is already pending",
    );
    assert_eq!(
        field_of(&sim, &sandbox, id, "status_for_pending_request").await,
        "PENDING_DEACTIVATION"
    );
    let own = post(
        &sim,
        &sandbox,
        &format!("/{id}/accept_deactivation_request"),
        &json!({}),
    )
    .await;
    own.assert_error(403, 10, Some(2_018_218), "GraphMethodException");
    let flagless = partner("reject_deactivation_request", json!({})).await;
    assert_param_error(
        &flagless,
        "The parameter reject_deactivation_request is required",
    );
    let body = json!({ "reject_deactivation_request": true });
    let kept = partner("reject_deactivation_request", body.clone()).await;
    assert_eq!(
        kept.ok(),
        &json!({
            "id": id, "name": "Lucky Shrub and Partner", "status": "ACTIVE",
            "status_for_pending_request": "NONE",
        })
    );
    let nothing_pending = partner("reject_deactivation_request", body.clone()).await;
    assert_param_error(
        &nothing_pending,
        "No pending deactivation request found for this solution",
    );
    deactivate().await.ok();
    let ended = partner("accept_deactivation_request", json!({})).await;
    assert_eq!(ended.ok()["status"], "DEACTIVATED");
    assert_param_error(
        &deactivate().await,
        "Solution is not in a state that allows this request. Current status: DEACTIVATED",
    );
}

#[tokio::test]
async fn invitations_are_checked_and_may_be_declined() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(62).await;
    let (partner, partner_token) = partner_app(&sim, &sandbox, "Partner CRM").await;
    let app = sandbox.id_of("app");
    let create = async |body: client_tests::Value| {
        let path = format!("/{app}/whatsapp_business_solution");
        post(&sim, &sandbox, &path, &body).await
    };
    let base = json!({
        "solution_name": "Shared", "partner_app_id": partner,
        "owner_permissions": ["MESSAGING"], "partner_permissions": ["MESSAGING"],
    });
    assert_param_error(
        &create(base.clone()).await,
        "Invalid Permissions for either of the partners",
    );
    let mut neither = base.clone();
    neither["owner_permissions"] = json!([]);
    neither["partner_permissions"] = json!([]);
    assert_param_error(
        &create(neither).await,
        "Invalid Permissions for either of the partners",
    );
    let mut unknown = base.clone();
    unknown["partner_app_id"] = json!("1234");
    unknown["partner_permissions"] = json!([]);
    assert_param_error(
        &create(unknown).await,
        "Invalid parameter value for partner_app_id",
    );
    let mut nameless = base.clone();
    nameless.as_object_mut().unwrap().remove("solution_name");
    assert_param_error(
        &create(nameless).await,
        "The parameter solution_name is required",
    );
    // Only a token of the owner app creates its solutions.
    let foreign = call_as(
        &sim,
        &partner_token,
        Method::POST,
        &format!("/{app}/whatsapp_business_solution"),
        Some(&json!({
            "solution_name": "Shared", "partner_app_id": partner,
            "owner_permissions": [], "partner_permissions": ["MESSAGING"],
        })),
    )
    .await;
    assert_not_permitted(&foreign, 1_349_174);

    // The partner declines the invitation; then nothing more can happen.
    let id = create_solution(&sim, &sandbox, &partner).await.ok()["solution_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong_type = call_as(
        &sim,
        &partner_token,
        Method::POST,
        &format!("/{id}/reject"),
        Some(&json!({ "request_type": "EVERYTHING" })),
    )
    .await;
    assert_param_error(
        &wrong_type,
        "Param request_type must be one of {PARTNERSHIP_REQUEST, DEACTIVATION_REQUEST} - got \"EVERYTHING\".",
    );
    let body = json!({ "request_type": "PARTNERSHIP_REQUEST", "partner_app_id": partner });
    let declined = call_as(
        &sim,
        &partner_token,
        Method::POST,
        &format!("/{id}/reject"),
        Some(&body),
    )
    .await;
    assert_eq!(
        declined.ok()["rejected_request_type"],
        "PARTNERSHIP_REQUEST"
    );
    assert_eq!(declined.json["partner_app_id"], partner);
    assert_eq!(field_of(&sim, &sandbox, &id, "status").await, "REJECTED");
    let late = call_as(
        &sim,
        &partner_token,
        Method::POST,
        &format!("/{id}/accept"),
        Some(&json!({ "partner_app_id": partner })),
    )
    .await;
    assert_param_error(
        &late,
        "Solution is not in a state that allows this request. Current status: REJECTED",
    );

    // A third app is no party; an unknown solution is no object.
    let (_, stranger) = partner_app(&sim, &sandbox, "Stranger").await;
    let meddling = call_as(
        &sim,
        &stranger,
        Method::POST,
        &format!("/{id}/send_deactivation_request"),
        Some(&json!({})),
    )
    .await;
    assert_not_permitted(&meddling, 1_349_174);
    let ghost = post(
        &sim,
        &sandbox,
        "/4100000000000001/accept",
        &json!({ "partner_app_id": partner }),
    )
    .await;
    ghost.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(ghost.message(), unsupported("post", "4100000000000001"));
}

#[tokio::test]
async fn a_waba_joins_by_migration_and_a_party_gets_its_business_token() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(63).await;
    let waba = sandbox.id_of("waba");
    let business = sandbox.id_of("business");
    let invited = partnership(&sim, &sandbox, false).await;
    let early = migration(&sim, &sandbox, &invited.solution, "INITIATE_MIGRATION").await;
    assert_param_error(
        &early,
        "Solution is not in a state that allows this request. Current status: INITIATED",
    );
    let partnership = partnership(&sim, &sandbox, true).await;
    let id = partnership.solution.as_str();
    let token_path = format!("/{id}/access_token?business_id={business}");
    let partner_token = &partnership.partner_token;
    let business_token =
        async || call_as(&sim, partner_token, Method::GET, &token_path, None).await;
    let before = business_token().await;
    assert_param_error(
        &before,
        "The specified business has not shared a WABA with this Multi-Partner Solution",
    );
    let missing = post(
        &sim,
        &sandbox,
        &format!("/{waba}/set_solution_migration_intent"),
        &json!({ "solution_id": id }),
    )
    .await;
    assert_param_error(&missing, "The parameter migration_intent is required");
    let unknown = migration(&sim, &sandbox, "123", "INITIATE_MIGRATION").await;
    assert_param_error(
        &unknown,
        "Param solution_id must be the id of a WhatsAppBusinessSolution - got \"123\".",
    );
    let nothing_open = migration(&sim, &sandbox, id, "CONFIRM_MIGRATION").await;
    assert_param_error(
        &nothing_open,
        "No intent in progress for this WhatsApp Business Account and solution",
    );
    let started = migration(&sim, &sandbox, id, "INITIATE_MIGRATION").await;
    assert_eq!(started.ok()["status"], "PENDING");
    let intent = started.json["migration_intent_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        get(&sim, &sandbox, &format!("/{intent}")).await.ok()["status"],
        "INITIATED"
    );
    let twice = migration(&sim, &sandbox, id, "INITIATE_MIGRATION").await;
    assert_param_error(
        &twice,
        "An intent for this WhatsApp Business Account is already in progress",
    );
    let scheduled = post(
        &sim,
        &sandbox,
        &format!("/{waba}/set_solution_migration_intent"),
        &json!({
            "solution_id": id, "migration_intent": "SCHEDULE_MIGRATION",
            "scheduled_migration_time": "2026-02-01T10:00:00Z",
        }),
    )
    .await;
    assert_eq!(scheduled.ok()["status"], "SCHEDULED");
    assert_eq!(
        scheduled.json["estimated_completion_time"],
        "2026-02-01T10:00:00Z"
    );
    assert_eq!(
        get(&sim, &sandbox, &format!("/{intent}")).await.ok()["status"],
        "ACCEPTED"
    );
    let confirmed = migration(&sim, &sandbox, id, "CONFIRM_MIGRATION").await;
    assert_eq!(confirmed.ok()["status"], "APPROVED");
    assert_eq!(
        get(&sim, &sandbox, &format!("/{intent}")).await.ok()["status"],
        "COMPLETED"
    );
    let listed = get(&sim, &sandbox, &format!("/{waba}/solutions")).await;
    assert_eq!(listed.ok()["data"][0]["id"], id);
    // The WABA's business is now a client of the partner app.
    let clients = format!("/{}/connected_client_businesses", partnership.partner_app);
    let connected = call_as(&sim, partner_token, Method::GET, &clients, None).await;
    assert_eq!(
        connected.ok()["data"],
        json!([{
            "id": business, "name": "Lucky Shrub", "business_status": "ACTIVE",
            "verification_status": "VERIFIED",
        }])
    );
    let (_, stranger) = partner_app(&sim, &sandbox, "Stranger").await;
    let elsewhere = call_as(&sim, &stranger, Method::GET, &clients, None).await;
    assert_eq!(elsewhere.ok()["data"], json!([]));

    // The partner's business token reads the WABA, and is the same while it lasts.
    let issued = business_token().await;
    let token = issued.ok()["access_token"].as_str().unwrap().to_owned();
    let expires = issued.json["expires_at"].as_i64().unwrap();
    let now = client_tests::business::now(&sim, &sandbox).await;
    assert_eq!(expires, now + 60 * 86_400);
    let again = business_token().await;
    assert_eq!(again.ok()["access_token"], token.as_str());
    let read = call_as(&sim, &token, Method::GET, &format!("/{waba}"), None).await;
    assert_eq!(read.ok()["id"], waba);
    let refused = call_as(&sim, &stranger, Method::GET, &token_path, None).await;
    assert_not_permitted(&refused, 1_349_174);
    let no_business = call_as(
        &sim,
        &partnership.partner_token,
        Method::GET,
        &format!("/{id}/access_token"),
        None,
    )
    .await;
    assert_param_error(&no_business, "The parameter business_id is required");
}

#[tokio::test]
async fn mobility_intents_are_listed_while_in_progress_and_survive_a_snapshot() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(64).await;
    let waba = sandbox.id_of("waba");
    let id = partnership(&sim, &sandbox, true).await.solution;
    let mobility = async |intent_type: &str| {
        post(
            &sim,
            &sandbox,
            &format!("/{waba}/obo_mobility_intent"),
            &json!({ "solution_id": id, "intent_type": intent_type }),
        )
        .await
    };
    let started = mobility("INITIATE_TRANSFER").await;
    assert_eq!(started.ok()["status"], "PENDING");
    assert_eq!(started.json["approval_required"], true);
    let intent = started.json["mobility_intent_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_param_error(
        &mobility("REQUEST_HANDOVER").await,
        "An intent for this WhatsApp Business Account is already in progress",
    );
    let in_progress = format!("/{waba}/in_progress_onbehalf_request");
    assert_eq!(
        read(&sim, &sandbox, &in_progress).await["data"],
        json!([{
            "id": intent, "status": "IN_PROGRESS", "business_owned_object": waba,
            "requesting_business": { "id": sandbox.id_of("business"), "name": "Lucky Shrub" },
        }])
    );
    let fields = "status,waba{name},solution";
    let node = read(&sim, &sandbox, &format!("/{intent}?fields={fields}")).await;
    assert_eq!(node["status"], "PENDING");
    assert_eq!(node["solution"], json!({ "id": id }));

    // The state survives export and import, byte for byte.
    sim.assert_snapshot_round_trip(&sandbox).await;

    let done = mobility("APPROVE_HANDOVER").await;
    assert_eq!(done.ok()["status"], "COMPLETED");
    assert_eq!(done.json["mobility_intent_id"], intent.as_str());
    assert_eq!(read(&sim, &sandbox, &in_progress).await["data"], json!([]));
    assert_eq!(
        get(&sim, &sandbox, &format!("/{waba}/solutions"))
            .await
            .ok()["data"][0]["id"],
        id.as_str()
    );
    assert_param_error(
        &mobility("CANCEL_TRANSFER").await,
        "No intent in progress for this WhatsApp Business Account and solution",
    );

    // set_obo_mobility_intent names this WABA and echoes the mutation id.
    let set = async |body: client_tests::Value| {
        let path = format!("/{waba}/set_obo_mobility_intent");
        post(&sim, &sandbox, &path, &body).await
    };
    let elsewhere = set(json!({ "waba_id": "123", "solution_id": id })).await;
    assert_param_error(
        &elsewhere,
        "Param waba_id must be the WhatsApp Business Account of the request - got \"123\".",
    );
    let made =
        set(json!({ "waba_id": waba, "solution_id": id, "client_mutation_id": "m-1" })).await;
    assert_eq!(made.ok()["client_mutation_id"], "m-1");
    let made_id = made.json["intent_id"].as_str().unwrap();
    assert_eq!(
        get(&sim, &sandbox, &format!("/{made_id}?fields=status"))
            .await
            .ok()["status"],
        "PENDING"
    );
    let bad_type = mobility("TELEPORT").await;
    assert_eq!(bad_type.status, 400);
    // A token without the WABA's management scope cannot start one.
    let outsider = call_as(
        &sim,
        sandbox.token("user_token"),
        Method::POST,
        &format!("/{waba}/obo_mobility_intent"),
        Some(&json!({ "solution_id": id, "intent_type": "INITIATE_TRANSFER" })),
    )
    .await;
    assert_eq!(outsider.status, 403, "{}", outsider.text());
}

#[tokio::test]
async fn a_partner_onboards_an_end_business_to_mm_lite_once() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 65, "fixture": partner_fixture() }))
        .await;
    let waba = sandbox.id_of("waba");
    let id = partnership(&sim, &sandbox, true).await.solution;
    let onboard = async |business: &str, body: client_tests::Value| {
        let path = format!("/{business}/onboard_partners_to_mm_lite");
        post(&sim, &sandbox, &path, &body).await
    };
    let business = sandbox.id_of("business");
    let unnamed = onboard(business, json!({})).await;
    assert_param_error(&unnamed, "The parameter solution_id is required");
    let first = onboard(business, json!({ "solution_id": id })).await;
    let request = first.ok()["request_id"].as_str().unwrap().to_owned();
    let in_progress = format!("/{waba}/in_progress_onbehalf_request");
    let listed = read(&sim, &sandbox, &in_progress).await;
    assert_eq!(listed["data"][0]["business_owned_object"], waba);
    // Asked again while its intent is pending: the same request.
    let again = onboard(business, json!({ "solution_id": id })).await;
    assert_eq!(again.ok()["request_id"], request.as_str());
    // A business without WABAs has nothing to onboard.
    let empty = onboard(sandbox.id_of("partner"), json!({ "solution_id": id })).await;
    assert_param_error(
        &empty,
        "No eligible WhatsApp Business Accounts found for MM Lite onboarding",
    );
    // Once the intent completes, a new request starts a new intent.
    let body = json!({ "solution_id": id, "intent_type": "CONFIRM_TRANSFER" });
    let path = format!("/{waba}/obo_mobility_intent");
    assert_eq!(
        post(&sim, &sandbox, &path, &body).await.ok()["status"],
        "COMPLETED"
    );
    let next = onboard(business, json!({ "solution_id": id })).await;
    assert_ne!(next.ok()["request_id"], request.as_str());
}

#[tokio::test]
async fn a_partner_business_lists_the_wabas_its_clients_shared() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 66, "fixture": partner_fixture() }))
        .await;
    let (waba, partner) = (sandbox.id_of("waba"), sandbox.id_of("partner"));
    let clients_of = async |business: &str| {
        let path = format!("/{business}/client_whatsapp_business_accounts?fields=id,name");
        read(&sim, &sandbox, &path).await["data"].clone()
    };
    let partnership = partnership_of(&sim, &sandbox, true, Some(partner)).await;
    // Partners, but no WABA shared yet.
    assert_eq!(clients_of(partner).await, json!([]));
    join(&sim, &sandbox, &partnership.solution).await;
    assert_eq!(
        clients_of(partner).await,
        json!([{ "id": waba, "name": "Lucky Shrub" }])
    );
    // A business's own WABAs are not its clients'.
    assert_eq!(clients_of(sandbox.id_of("business")).await, json!([]));
}
