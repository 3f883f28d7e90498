//! "Connect WhatsApp" on a Facebook Page and "Sync profile with Page"
//! (issue 5), driven through the control plane as the app steps they are and
//! checked where an integration sees them: the Page's `whatsapp_number`,
//! `has_whatsapp_number` and `has_whatsapp_business_number` Graph fields, the
//! number's Cloud API `whatsapp_business_profile`, and the WhatsApp Business
//! app's own profile view (with the app-only hours and category).
//!
//! Covered: connecting (the link view, who may connect, every refusal),
//! removing (the Page's fields go, the profile keeps its values), turning
//! sync on (the Page's current info is copied, texts cut to WhatsApp's
//! limits) and off, Page edits through `POST /{page-id}` and the control
//! plane reaching a synced profile, the app edit that first warns (409) and
//! with `confirm` stops the sync, Cloud API edits of a synced field stopping
//! it at once, and the full sync-breaking sequence.

use client_tests::business::{assert_param_error, assert_success};
use client_tests::{Reply, Sandbox, Sim, V, Value, demo_fixture, json};
use reqwest::Method;

/// Where the virtual clock starts.
const T0: i64 = 1_767_225_600;
/// The demo number's digits (`+1 555-010-0001`).
const DIGITS: &str = "15550100001";
const PAGE_WA_FIELDS: &str = "whatsapp_number,has_whatsapp_number,has_whatsapp_business_number";
const MANAGER: &str = "system_user_token";

/// `2026-01-01T00:mm:ssZ` for a time less than an hour after T0.
fn iso(at: i64) -> String {
    let offset = at - T0;
    assert!((0..3600).contains(&offset), "{offset}");
    format!("2026-01-01T00:{:02}:{:02}Z", offset / 60, offset % 60)
}

fn link_path(sandbox: &Sandbox, page: &str) -> String {
    sandbox.sim(&format!("/pages/{page}/whatsapp-link"))
}

async fn connect(sim: &Sim, sandbox: &Sandbox, page: &str, body: Value) -> Reply {
    sim.post_json(&link_path(sandbox, page), &body).await
}

/// Connect the demo number to the demo Page; asserts 201.
async fn connect_demo(sim: &Sim, sandbox: &Sandbox) -> Value {
    let reply = connect(
        sim,
        sandbox,
        sandbox.id_of("page"),
        json!({ "phone_number_id": sandbox.id_of("phone_number") }),
    )
    .await;
    assert_eq!(reply.status, 201, "connect: {}", reply.text());
    reply.json
}

async fn set_sync(sim: &Sim, sandbox: &Sandbox, page: &str, enabled: bool) -> Reply {
    sim.put_json(
        &format!("{}/sync", link_path(sandbox, page)),
        &json!({ "enabled": enabled }),
    )
    .await
}

/// The link view with sync never turned on.
fn fresh_link(sandbox: &Sandbox, page: &str, linked_by: &str, linked_at: i64) -> Value {
    json!({
        "page_id": page,
        "phone_number_id": sandbox.id_of("phone_number"),
        "whatsapp_number": DIGITS,
        "linked_by": linked_by,
        "linked_at": linked_at,
        "sync": { "enabled": false, "enabled_at": null, "stopped": null },
    })
}

fn stopped(reason: &str, fields: &[&str], at: i64) -> Value {
    json!({ "reason": reason, "fields": fields, "at": at, "iso": iso(at) })
}

fn app_path(sandbox: &Sandbox, phone: &str) -> String {
    sandbox.sim(&format!("/whatsapp/business-app/{phone}/profile"))
}

/// The WhatsApp Business app's view of the demo number.
async fn app_view(sim: &Sim, sandbox: &Sandbox) -> Value {
    let reply = sim
        .get(&app_path(sandbox, sandbox.id_of("phone_number")))
        .await;
    reply.ok().clone()
}

async fn app_edit(sim: &Sim, sandbox: &Sandbox, body: Value) -> Reply {
    sim.post_json(&app_path(sandbox, sandbox.id_of("phone_number")), &body)
        .await
}

fn cloud_path(sandbox: &Sandbox) -> String {
    format!(
        "/{V}/{}/whatsapp_business_profile",
        sandbox.id_of("phone_number")
    )
}

/// The demo number's profile through the Cloud API.
async fn cloud_profile(sim: &Sim, sandbox: &Sandbox) -> Value {
    let reply = sim
        .get_as(sandbox.token(MANAGER), &cloud_path(sandbox))
        .await;
    let data = reply.ok()["data"].as_array().expect("data");
    assert_eq!(data.len(), 1, "{}", reply.text());
    data[0].clone()
}

async fn cloud_edit(sim: &Sim, sandbox: &Sandbox, mut body: Value) -> Reply {
    body["messaging_product"] = json!("whatsapp");
    sim.send(
        sim.request(Method::POST, &cloud_path(sandbox))
            .bearer_auth(sandbox.token(MANAGER))
            .json(&body),
    )
    .await
}

/// The demo Page's token from `/me/accounts`.
async fn page_token(sim: &Sim, sandbox: &Sandbox) -> String {
    let accounts = sim
        .get_as(sandbox.token("user_token"), &format!("/{V}/me/accounts"))
        .await;
    accounts.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == sandbox.id_of("page"))
        .expect("the demo Page")["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `POST /{page-id}` as the Page, a form with JSON text for nested values.
async fn graph_page_edit(sim: &Sim, sandbox: &Sandbox, token: &str, body: &Value) -> Reply {
    let pairs: Vec<(String, String)> = body
        .as_object()
        .unwrap()
        .iter()
        .map(|(key, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (key.clone(), text)
        })
        .collect();
    sim.send(
        sim.request(Method::POST, &format!("/{V}/{}", sandbox.id_of("page")))
            .bearer_auth(token)
            .form(&pairs),
    )
    .await
}

async fn page_fields(sim: &Sim, sandbox: &Sandbox, page: &str, fields: &str) -> Value {
    let reply = sim
        .get_as(
            sandbox.token("user_token"),
            &format!("/{V}/{page}?fields={fields}"),
        )
        .await;
    reply.ok().clone()
}

async fn cp_page_edit(sim: &Sim, sandbox: &Sandbox, body: Value) -> Value {
    let reply = sim
        .post_json(
            &sandbox.sim(&format!("/pages/{}", sandbox.id_of("page"))),
            &body,
        )
        .await;
    reply.ok().clone()
}

/// The demo number's profile before anything happens (Cloud API view).
fn demo_cloud_profile() -> Value {
    json!({
        "messaging_product": "whatsapp",
        "about": "Plants and garden supplies, delivered.",
        "address": "1 Garden Way, Springfield",
        "description": "A family garden centre with same-day delivery of plants, pots and tools.",
        "email": "hello@luckyshrub.example",
        "websites": ["https://luckyshrub.example"],
        "vertical": "RETAIL",
    })
}

/// The demo number's profile before anything happens (app view: no hours or
/// category, the fixture has none).
fn demo_app_profile() -> Value {
    let mut profile = demo_cloud_profile();
    profile.as_object_mut().unwrap().remove("messaging_product");
    profile
}

/// The demo Page's hours.
fn demo_hours() -> Value {
    json!({
        "mon_1_open": "09:00", "mon_1_close": "17:00",
        "sat_1_open": "10:00", "sat_1_close": "14:00",
    })
}

/// The Cloud API profile holding the same texts as an app profile.
fn as_cloud(app_profile: &Value) -> Value {
    let mut cloud = json!({ "messaging_product": "whatsapp" });
    for (key, value) in app_profile.as_object().unwrap() {
        if key != "hours" && key != "category" {
            cloud[key] = value.clone();
        }
    }
    cloud
}

#[tokio::test]
async fn connecting_shows_the_whatsapp_number_on_the_page() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(521).await;
    let page = sandbox.id_of("page");
    let owner = sandbox.id_of("owner");
    assert_eq!(
        page_fields(&sim, &sandbox, page, PAGE_WA_FIELDS).await,
        json!({ "id": page, "has_whatsapp_number": false, "has_whatsapp_business_number": false })
    );
    assert_eq!(app_view(&sim, &sandbox).await["linked_page"], Value::Null);

    let now = sim.advance(&sandbox, 30).await;
    let link = connect_demo(&sim, &sandbox).await;
    // user_id defaults to the owner of the number's business.
    let expected = fresh_link(&sandbox, page, owner, now);
    assert_eq!(link, expected);

    // The Page shows the WhatsApp button's number, to a user and to the Page.
    let wa = json!({
        "id": page, "whatsapp_number": DIGITS,
        "has_whatsapp_number": true, "has_whatsapp_business_number": true,
    });
    assert_eq!(page_fields(&sim, &sandbox, page, PAGE_WA_FIELDS).await, wa);
    let token = page_token(&sim, &sandbox).await;
    let as_page = sim
        .get_as(&token, &format!("/{V}/{page}?fields={PAGE_WA_FIELDS}"))
        .await;
    assert_eq!(as_page.ok(), &wa);
    // The link and the Page through the control plane.
    assert_eq!(sim.get(&link_path(&sandbox, page)).await.ok(), &expected);
    let view = sim.get(&sandbox.sim(&format!("/pages/{page}"))).await;
    assert_eq!(view.ok()["whatsapp_link"], expected);
    // The number lists the linked Page; sync is off, so its profile is untouched.
    assert_eq!(
        app_view(&sim, &sandbox).await,
        json!({
            "phone_number_id": sandbox.id_of("phone_number"),
            "profile": demo_app_profile(),
            "linked_page": expected,
        })
    );
    assert_eq!(cloud_profile(&sim, &sandbox).await, demo_cloud_profile());

    // With sync off, Page edits stay on the Page.
    assert_success(
        &graph_page_edit(
            &sim,
            &sandbox,
            &token,
            &json!({ "about": "Not synced yet", "hours": { "sun_1_open": "10:00", "sun_1_close": "12:00" } }),
        )
        .await,
    );
    assert_eq!(
        app_view(&sim, &sandbox).await["profile"],
        demo_app_profile()
    );
    assert_eq!(cloud_profile(&sim, &sandbox).await, demo_cloud_profile());
}

#[tokio::test]
async fn removing_whatsapp_reverses_the_page_fields_and_keeps_the_profile() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(522).await;
    let page = sandbox.id_of("page");
    let owner = sandbox.id_of("owner");
    connect_demo(&sim, &sandbox).await;
    let enabled_at = sim.advance(&sandbox, 10).await;
    set_sync(&sim, &sandbox, page, true).await.ok();
    let token = page_token(&sim, &sandbox).await;
    let hours = json!({ "fri_1_open": "06:00", "fri_1_close": "22:00" });
    assert_success(
        &graph_page_edit(
            &sim,
            &sandbox,
            &token,
            &json!({ "about": "Synced before removal", "hours": hours }),
        )
        .await,
    );
    let synced = app_view(&sim, &sandbox).await["profile"].clone();
    assert_eq!(synced["about"], "Synced before removal");
    assert_eq!(synced["hours"], hours);

    let removed_at = sim.advance(&sandbox, 20).await;
    let reply = sim.delete(&link_path(&sandbox, page)).await;
    let mut removed = fresh_link(&sandbox, page, owner, T0);
    removed["sync"] = json!({ "enabled": true, "enabled_at": enabled_at, "stopped": null });
    assert_eq!(reply.ok(), &json!({ "success": true, "removed": removed }));

    // Every effect on the Page is gone.
    assert_eq!(
        page_fields(&sim, &sandbox, page, PAGE_WA_FIELDS).await,
        json!({ "id": page, "has_whatsapp_number": false, "has_whatsapp_business_number": false })
    );
    let not_linked = format!("Page {page} has no WhatsApp number connected");
    let gone = sim.get(&link_path(&sandbox, page)).await;
    assert_eq!(gone.assert_sim_error(404, Some(33)), not_linked);
    let view = sim.get(&sandbox.sim(&format!("/pages/{page}"))).await;
    assert_eq!(view.ok()["whatsapp_link"], Value::Null);
    // The number no longer lists the Page but keeps what was synced.
    let app = app_view(&sim, &sandbox).await;
    assert_eq!(app["linked_page"], Value::Null);
    assert_eq!(app["profile"], synced);
    assert_eq!(cloud_profile(&sim, &sandbox).await, as_cloud(&synced));
    // Later Page edits stay on the Page.
    assert_success(
        &graph_page_edit(&sim, &sandbox, &token, &json!({ "about": "After removal" })).await,
    );
    assert_eq!(app_view(&sim, &sandbox).await["profile"], synced);
    // Removing again: nothing to remove.
    let again = sim.delete(&link_path(&sandbox, page)).await;
    assert_eq!(again.assert_sim_error(404, Some(33)), not_linked);

    // Connecting again starts over: sync off, a new time.
    let relinked_at = sim.advance(&sandbox, 5).await;
    assert!(relinked_at > removed_at);
    let link = connect_demo(&sim, &sandbox).await;
    assert_eq!(link, fresh_link(&sandbox, page, owner, relinked_at));
    assert_eq!(
        page_fields(&sim, &sandbox, page, "whatsapp_number").await,
        json!({ "id": page, "whatsapp_number": DIGITS })
    );
    assert_eq!(app_view(&sim, &sandbox).await["profile"], synced);
}

/// The demo world plus: users with and without the MANAGE task on the Page, a
/// second Page, a number not registered yet, and a business without owner
/// with a registered number.
fn linking_fixture() -> Value {
    let mut fixture = demo_fixture();
    let users = fixture["users"].as_array_mut().unwrap();
    users.push(json!({ "handle": "manager", "name": "Mo Manager" }));
    users.push(json!({ "handle": "analyst", "name": "Ana Analyst" }));
    users.push(json!({ "handle": "stranger", "name": "Sam Stranger" }));
    let roles = fixture["pages"][0]["roles"].as_array_mut().unwrap();
    roles.push(json!({ "user": "manager", "tasks": ["MANAGE"] }));
    roles.push(json!({ "user": "analyst", "tasks": ["ANALYZE", "MESSAGING"] }));
    fixture["pages"].as_array_mut().unwrap().push(json!({
        "handle": "outlet", "name": "Lucky Shrub Outlet", "category": "Outlet Store",
        "about": "Last season's plants.", "roles": [{ "user": "owner" }],
    }));
    fixture["businesses"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "handle": "orphan_business", "name": "Orphan Co" }));
    fixture["whatsapp_business_accounts"][0]["phone_numbers"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "handle": "fresh", "display_phone_number": "+1 555-010-0002",
            "verified_name": "Lucky Shrub Two", "registered": false,
        }));
    fixture["whatsapp_business_accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "handle": "orphan_waba", "name": "Orphan", "business": "orphan_business",
            "phone_numbers": [{
                "handle": "orphan_phone", "display_phone_number": "+1 555-010-0003",
                "verified_name": "Orphan Co", "registered": true,
            }],
        }));
    fixture
}

#[tokio::test]
async fn whoever_connects_needs_the_manage_task_on_the_page() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 523, "fixture": linking_fixture() }))
        .await;
    let page = sandbox.id_of("page");
    let phone = sandbox.id_of("phone_number");
    for user in ["analyst", "stranger"] {
        let id = sandbox.id_of(user);
        let reply = connect(
            &sim,
            &sandbox,
            page,
            json!({ "phone_number_id": phone, "user_id": id }),
        )
        .await;
        assert_eq!(
            reply.assert_sim_error(403, None),
            format!(
                "(#100) Facebook user {id} cannot connect WhatsApp to Page {page}: it needs a role with the MANAGE task on the Page"
            ),
            "{user}"
        );
    }
    // The business owner has no role on a Page another user created.
    let created = sim
        .post_json(
            &sandbox.sim("/pages"),
            &json!({ "name": "Mo's Page", "user_id": sandbox.id_of("manager") }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let mos_page = created.json["id"].as_str().unwrap();
    let reply = connect(
        &sim,
        &sandbox,
        mos_page,
        json!({ "phone_number_id": phone }),
    )
    .await;
    assert_eq!(
        reply.assert_sim_error(403, None),
        format!(
            "(#100) Facebook user {} cannot connect WhatsApp to Page {mos_page}: it needs a role with the MANAGE task on the Page",
            sandbox.id_of("owner")
        )
    );
    for page_id in [page, mos_page] {
        let reply = sim.get(&link_path(&sandbox, page_id)).await;
        reply.assert_sim_error(404, Some(33));
    }

    // A user whose only task is MANAGE may: the link names them.
    let manager = sandbox.id_of("manager");
    let reply = connect(
        &sim,
        &sandbox,
        page,
        json!({ "phone_number_id": phone, "user_id": manager }),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.json, fresh_link(&sandbox, page, manager, T0));
    assert_eq!(
        page_fields(&sim, &sandbox, page, "whatsapp_number").await,
        json!({ "id": page, "whatsapp_number": DIGITS })
    );
}

#[tokio::test]
async fn connecting_refuses_what_cannot_be_linked() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 524, "fixture": linking_fixture() }))
        .await;
    let page = sandbox.id_of("page");
    let outlet = sandbox.id_of("outlet");
    let phone = sandbox.id_of("phone_number");
    let fresh = sandbox.id_of("fresh");
    let orphan = sandbox.id_of("orphan_phone");
    let owner = sandbox.id_of("owner");

    let cases: Vec<(&str, Value, u16, Option<i64>, String)> = vec![
        (
            "339999999999999",
            json!({ "phone_number_id": phone }),
            404,
            Some(33),
            "No Facebook Page with id \"339999999999999\" in this sandbox".into(),
        ),
        (
            page,
            json!({ "phone_number_id": "329999999999999" }),
            404,
            Some(33),
            "No WhatsApp phone number with id \"329999999999999\" in this sandbox".into(),
        ),
        (
            page,
            json!({ "phone_number_id": phone, "user_id": "359999999999999" }),
            404,
            Some(33),
            "No Facebook user with id \"359999999999999\" in this sandbox".into(),
        ),
        (
            page,
            json!({ "phone_number_id": fresh }),
            409,
            None,
            format!(
                "(#100) Phone number {fresh} is not registered on WhatsApp yet; register it before connecting it to a Page"
            ),
        ),
        (
            page,
            json!({ "phone_number_id": orphan }),
            400,
            None,
            "(#100) user_id is required: the number's business has no owner to log in to Facebook"
                .into(),
        ),
        (
            page,
            json!({}),
            400,
            None,
            "(#100) Invalid JSON body: missing field `phone_number_id`".into(),
        ),
        (
            page,
            json!({ "phone_number_id": phone, "sync": true }),
            400,
            None,
            "(#100) Invalid JSON body at sync: unknown field `sync`".into(),
        ),
    ];
    for (page_id, body, status, subcode, message) in &cases {
        let reply = connect(&sim, &sandbox, page_id, body.clone()).await;
        let text = reply.assert_sim_error(*status, *subcode);
        assert!(
            text.starts_with(message.as_str()),
            "{body}: {text}\n  expected {message}"
        );
    }
    // Nothing was linked by a refusal.
    for page_id in [page, outlet] {
        sim.get(&link_path(&sandbox, page_id))
            .await
            .assert_sim_error(404, Some(33));
    }
    assert_eq!(
        page_fields(&sim, &sandbox, page, PAGE_WA_FIELDS).await["has_whatsapp_number"],
        false
    );

    // A business without an owner: name the user who logs in.
    let reply = connect(
        &sim,
        &sandbox,
        outlet,
        json!({ "phone_number_id": orphan, "user_id": owner }),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.json["linked_by"], owner);
    assert_eq!(reply.json["whatsapp_number"], "15550100003");

    // One number per Page, one Page per number.
    let reply = connect(&sim, &sandbox, page, json!({ "phone_number_id": phone })).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let taken = connect(
        &sim,
        &sandbox,
        page,
        json!({ "phone_number_id": orphan, "user_id": owner }),
    )
    .await;
    assert_eq!(
        taken.assert_sim_error(409, None),
        format!(
            "(#100) Page {page} already has WhatsApp number {phone} connected; remove it first"
        )
    );
    let twice = connect(&sim, &sandbox, page, json!({ "phone_number_id": phone })).await;
    assert_eq!(
        twice.assert_sim_error(409, None),
        format!(
            "(#100) Page {page} already has WhatsApp number {phone} connected; remove it first"
        )
    );
    sim.delete(&link_path(&sandbox, outlet)).await.ok();
    let elsewhere = connect(&sim, &sandbox, outlet, json!({ "phone_number_id": phone })).await;
    assert_eq!(
        elsewhere.assert_sim_error(409, None),
        format!(
            "(#100) Phone number {phone} is already connected to Page {page}; remove it there first"
        )
    );
    // Still linked as before.
    assert_eq!(
        sim.get(&link_path(&sandbox, page)).await.ok()["phone_number_id"],
        phone
    );
    assert_eq!(
        page_fields(&sim, &sandbox, outlet, PAGE_WA_FIELDS).await["has_whatsapp_number"],
        false
    );
    // Once removed from the first Page, the number may go to another.
    sim.delete(&link_path(&sandbox, page)).await.ok();
    let moved = connect(&sim, &sandbox, outlet, json!({ "phone_number_id": phone })).await;
    assert_eq!(moved.status, 201, "{}", moved.text());
    assert_eq!(
        page_fields(&sim, &sandbox, outlet, "whatsapp_number").await["whatsapp_number"],
        DIGITS
    );
}

#[tokio::test]
async fn link_routes_answer_404_without_a_link() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(525).await;
    let page = sandbox.id_of("page");
    let not_linked = format!("Page {page} has no WhatsApp number connected");
    let path = link_path(&sandbox, page);
    let read = sim.get(&path).await;
    assert_eq!(read.assert_sim_error(404, Some(33)), not_linked);
    let removed = sim.delete(&path).await;
    assert_eq!(removed.assert_sim_error(404, Some(33)), not_linked);
    for enabled in [true, false] {
        let sync = set_sync(&sim, &sandbox, page, enabled).await;
        assert_eq!(sync.assert_sim_error(404, Some(33)), not_linked);
    }
    let unknown = "No Facebook Page with id \"339999999999999\" in this sandbox";
    let path = link_path(&sandbox, "339999999999999");
    assert_eq!(
        sim.get(&path).await.assert_sim_error(404, Some(33)),
        unknown
    );
    assert_eq!(
        sim.delete(&path).await.assert_sim_error(404, Some(33)),
        unknown
    );
    assert_eq!(
        set_sync(&sim, &sandbox, "339999999999999", true)
            .await
            .assert_sim_error(404, Some(33)),
        unknown
    );
    // Malformed sync bodies.
    connect_demo(&sim, &sandbox).await;
    let sync_path = format!("{}/sync", link_path(&sandbox, page));
    for (body, message) in [
        (
            json!({}),
            "(#100) Invalid JSON body: missing field `enabled`",
        ),
        (
            json!({ "enabled": "yes" }),
            "(#100) Invalid JSON body at enabled: invalid type",
        ),
        (
            json!({ "enabled": true, "fields": ["hours"] }),
            "(#100) Invalid JSON body at fields: unknown field `fields`",
        ),
    ] {
        let reply = sim.put_json(&sync_path, &body).await;
        let text = reply.assert_sim_error(400, None);
        assert!(text.starts_with(message), "{body}: {text}");
    }
    assert_eq!(
        sim.get(&link_path(&sandbox, page)).await.ok()["sync"]["enabled"],
        false
    );
}

#[tokio::test]
async fn turning_sync_on_copies_the_page_and_off_records_why() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(526).await;
    let page = sandbox.id_of("page");
    let owner = sandbox.id_of("owner");
    connect_demo(&sim, &sandbox).await;
    // The Page and the profile differ before sync.
    cp_page_edit(
        &sim,
        &sandbox,
        json!({
            "about": "From the Page",
            "description": "Page description",
            "single_line_address": "7 Page St, Springfield",
            "emails": ["first@luckyshrub.example", "second@luckyshrub.example"],
            "website": "https://page.luckyshrub.example",
            "category": "Garden Center & Café",
        }),
    )
    .await;
    let page_profile = json!({
        "about": "From the Page",
        "address": "7 Page St, Springfield",
        "description": "Page description",
        "email": "first@luckyshrub.example",
        "websites": ["https://page.luckyshrub.example"],
        "vertical": "RETAIL",
        "hours": demo_hours(),
        "category": "Garden Center & Café",
    });
    assert_eq!(
        app_view(&sim, &sandbox).await["profile"],
        demo_app_profile()
    );

    let on_at = sim.advance(&sandbox, 60).await;
    let reply = set_sync(&sim, &sandbox, page, true).await;
    let mut link = fresh_link(&sandbox, page, owner, T0);
    link["sync"] = json!({ "enabled": true, "enabled_at": on_at, "stopped": null });
    assert_eq!(reply.ok(), &link);
    assert_eq!(sim.get(&link_path(&sandbox, page)).await.ok(), &link);
    let app = app_view(&sim, &sandbox).await;
    assert_eq!(app["profile"], page_profile, "every synced field copied");
    assert_eq!(app["linked_page"], link);
    // The Cloud API shows the synced texts but never hours or category.
    let cloud = cloud_profile(&sim, &sandbox).await;
    assert_eq!(cloud, as_cloud(&page_profile));
    assert!(cloud.get("hours").is_none() && cloud.get("category").is_none());
    let hours = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!("{}?fields=hours", cloud_path(&sandbox)),
        )
        .await;
    assert_param_error(
        &hours,
        "Tried accessing nonexisting field (hours) on node type (WhatsAppBusinessProfile)",
    );

    // Turning it on again changes nothing, not even the time.
    sim.advance(&sandbox, 5).await;
    assert_eq!(set_sync(&sim, &sandbox, page, true).await.ok(), &link);

    // Off: recorded with the time; Page edits stay on the Page.
    let off_at = sim.advance(&sandbox, 25).await;
    let reply = set_sync(&sim, &sandbox, page, false).await;
    link["sync"] = json!({
        "enabled": false, "enabled_at": on_at,
        "stopped": stopped("turned_off", &[], off_at),
    });
    assert_eq!(reply.ok(), &link);
    sim.advance(&sandbox, 5).await;
    assert_eq!(
        set_sync(&sim, &sandbox, page, false).await.ok(),
        &link,
        "off again: nothing new"
    );
    cp_page_edit(
        &sim,
        &sandbox,
        json!({ "about": "While off", "category": "Nursery" }),
    )
    .await;
    assert_eq!(app_view(&sim, &sandbox).await["profile"], page_profile);
    assert_eq!(
        cloud_profile(&sim, &sandbox).await["about"],
        "From the Page"
    );

    // On again: the Page's current values are copied over.
    let again_at = sim.advance(&sandbox, 10).await;
    let reply = set_sync(&sim, &sandbox, page, true).await;
    assert_eq!(reply.ok()["sync"]["enabled"], true);
    assert_eq!(reply.json["sync"]["enabled_at"], again_at);
    // Why it stopped is only told while it is off.
    assert_eq!(reply.json["sync"]["stopped"], Value::Null);
    let mut expected = page_profile.clone();
    expected["about"] = json!("While off");
    expected["category"] = json!("Nursery");
    assert_eq!(app_view(&sim, &sandbox).await["profile"], expected);
    assert_eq!(cloud_profile(&sim, &sandbox).await["about"], "While off");
}

#[tokio::test]
async fn synced_texts_are_cut_to_whatsapp_limits() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(527).await;
    let page = sandbox.id_of("page");
    connect_demo(&sim, &sandbox).await;
    set_sync(&sim, &sandbox, page, true).await.ok();
    let about = "é".repeat(200);
    let description = "d".repeat(600);
    let address = "a".repeat(300);
    let email = format!("{}@luckyshrub.example", "e".repeat(130));
    let view = cp_page_edit(
        &sim,
        &sandbox,
        json!({
            "about": about, "description": description,
            "single_line_address": address, "emails": [email],
        }),
    )
    .await;
    // The Page keeps the whole texts.
    assert_eq!(view["about"], about);
    assert_eq!(view["description"], description);
    assert_eq!(view["single_line_address"], address);
    assert_eq!(view["emails"], json!([email]));
    // WhatsApp gets them cut, counted in characters.
    let profile = app_view(&sim, &sandbox).await["profile"].clone();
    assert_eq!(profile["about"], "é".repeat(139));
    assert_eq!(profile["description"], "d".repeat(512));
    assert_eq!(profile["address"], "a".repeat(256));
    // An email too long for WhatsApp is not cut into a broken address: the
    // profile keeps the one it had.
    assert_eq!(profile["email"], "hello@luckyshrub.example");
    let cloud = cloud_profile(&sim, &sandbox).await;
    for key in ["about", "description", "address", "email"] {
        assert_eq!(cloud[key], profile[key], "{key}");
    }
    // The same for a website over 256 characters, and for clearing the
    // about (WhatsApp's profile cannot have an empty one).
    let website = format!("https://luckyshrub.example/{}", "w".repeat(240));
    let view = cp_page_edit(&sim, &sandbox, json!({ "website": website, "about": "" })).await;
    assert_eq!(view["website"], website);
    assert_eq!(view.get("about"), None);
    let profile = app_view(&sim, &sandbox).await["profile"].clone();
    assert_eq!(profile["websites"], json!(["https://luckyshrub.example"]));
    assert_eq!(profile["about"], "é".repeat(139));
    // A website that fits is copied again.
    cp_page_edit(&sim, &sandbox, json!({ "website": "https://ok.example" })).await;
    let profile = app_view(&sim, &sandbox).await["profile"].clone();
    assert_eq!(profile["websites"], json!(["https://ok.example"]));
}

#[tokio::test]
async fn page_edits_reach_a_synced_profile_and_clearing_clears() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(528).await;
    let page = sandbox.id_of("page");
    connect_demo(&sim, &sandbox).await;
    set_sync(&sim, &sandbox, page, true).await.ok();
    let token = page_token(&sim, &sandbox).await;

    // Through the Graph API.
    let hours = json!({ "mon_1_open": "08:00", "mon_1_close": "18:00" });
    assert_success(
        &graph_page_edit(
            &sim,
            &sandbox,
            &token,
            &json!({
                "description": "Graph description",
                "emails": ["graph@luckyshrub.example"],
                "website": "http://graph.luckyshrub.example",
                "hours": hours,
                "location": { "street": "4 Graph Rd", "city": "Springfield", "state": "IL", "zip": "62701", "country": "US" },
                "phone": "+1 555-010-0009",
            }),
        )
        .await,
    );
    let mut expected = json!({
        "about": "Plants and garden supplies, delivered.",
        "address": "4 Graph Rd, Springfield, IL 62701, US",
        "description": "Graph description",
        "email": "graph@luckyshrub.example",
        "websites": ["http://graph.luckyshrub.example"],
        "vertical": "RETAIL",
        "hours": hours,
        "category": "Garden Center",
    });
    assert_eq!(app_view(&sim, &sandbox).await["profile"], expected);
    assert_eq!(cloud_profile(&sim, &sandbox).await, as_cloud(&expected));

    // Through the control plane, the category too.
    cp_page_edit(
        &sim,
        &sandbox,
        json!({ "category": "Florist", "about": "Control plane about" }),
    )
    .await;
    expected["category"] = json!("Florist");
    expected["about"] = json!("Control plane about");
    assert_eq!(app_view(&sim, &sandbox).await["profile"], expected);

    // A refused Page edit reaches nothing.
    let refused = graph_page_edit(
        &sim,
        &sandbox,
        &token,
        &json!({ "about": "Refused", "website": "ftp://x.example" }),
    )
    .await;
    assert_param_error(
        &refused,
        "Param website must be a URL starting with http:// or https://",
    );
    assert_eq!(app_view(&sim, &sandbox).await["profile"], expected);

    // Clearing on the Page clears on WhatsApp.
    assert_success(
        &graph_page_edit(
            &sim,
            &sandbox,
            &token,
            &json!({ "description": "", "emails": [], "website": "", "hours": {} }),
        )
        .await,
    );
    let cleared = json!({
        "about": "Control plane about",
        "address": "4 Graph Rd, Springfield, IL 62701, US",
        "vertical": "RETAIL",
        "category": "Florist",
    });
    assert_eq!(app_view(&sim, &sandbox).await["profile"], cleared);
    assert_eq!(cloud_profile(&sim, &sandbox).await, as_cloud(&cleared));
    // Sync is still on through all this.
    assert_eq!(
        sim.get(&link_path(&sandbox, page)).await.ok()["sync"]["enabled"],
        true
    );
}

/// The sequence of the issue: Page edit syncs → WhatsApp-side edit warns →
/// confirm → diverged values → Page edit no longer syncs → re-enable →
/// values match.
#[tokio::test]
async fn the_full_sync_breaking_sequence() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(529).await;
    let page = sandbox.id_of("page");
    let owner = sandbox.id_of("owner");
    let phone = sandbox.id_of("phone_number");
    let token = page_token(&sim, &sandbox).await;

    // 1. Connect, then turn sync on.
    let link = connect_demo(&sim, &sandbox).await;
    assert_eq!(link, fresh_link(&sandbox, page, owner, T0));
    let enabled_at = sim.advance(&sandbox, 60).await;
    let mut link = fresh_link(&sandbox, page, owner, T0);
    link["sync"] = json!({ "enabled": true, "enabled_at": enabled_at, "stopped": null });
    assert_eq!(set_sync(&sim, &sandbox, page, true).await.ok(), &link);

    // 2. A Page edit through the Graph API reaches the WhatsApp profile.
    let page_hours = json!({ "mon_1_open": "08:00", "mon_1_close": "18:00" });
    let edit = json!({
        "about": "Open 8 to 6 on Mondays",
        "description": "Now with a café.",
        "emails": ["team@luckyshrub.example"],
        "website": "https://www.luckyshrub.example",
        "hours": page_hours,
        "location": { "street": "1 Garden Way", "city": "Springfield", "state": "IL", "zip": "62701", "country": "US" },
    });
    assert_success(&graph_page_edit(&sim, &sandbox, &token, &edit).await);
    let synced = json!({
        "about": "Open 8 to 6 on Mondays",
        "address": "1 Garden Way, Springfield, IL 62701, US",
        "description": "Now with a café.",
        "email": "team@luckyshrub.example",
        "websites": ["https://www.luckyshrub.example"],
        "vertical": "RETAIL",
        "hours": page_hours,
        "category": "Garden Center",
    });
    assert_eq!(
        app_view(&sim, &sandbox).await,
        json!({ "phone_number_id": phone, "profile": synced, "linked_page": link })
    );
    assert_eq!(cloud_profile(&sim, &sandbox).await, as_cloud(&synced));

    // 3. Editing the hours in the WhatsApp Business app warns first and changes nothing.
    let edited_at = sim.advance(&sandbox, 90).await;
    let app_hours = json!({ "mon_1_open": "10:00", "mon_1_close": "16:00" });
    let warned = app_edit(&sim, &sandbox, json!({ "fields": { "hours": app_hours } })).await;
    let error = warned.assert_error(409, 100, None, "MetasimException");
    assert_eq!(
        warned.message(),
        format!(
            "(#100) Editing hours will stop syncing this profile with Facebook Page {page}: later changes to the Page will no longer reach WhatsApp. Send the edit again with \"confirm\": true to go ahead."
        )
    );
    assert_eq!(
        error["error_data"],
        json!({ "warning": "sync_will_stop", "page_id": page, "fields": ["hours"] })
    );
    let declined = app_edit(
        &sim,
        &sandbox,
        json!({ "fields": { "hours": app_hours }, "confirm": false }),
    )
    .await;
    declined.assert_error(409, 100, None, "MetasimException");
    assert_eq!(
        app_view(&sim, &sandbox).await,
        json!({ "phone_number_id": phone, "profile": synced, "linked_page": link }),
        "a warned edit changes nothing"
    );

    // 4. Confirmed: WhatsApp takes the new hours, sync stops, the Page keeps its hours.
    let confirmed = app_edit(
        &sim,
        &sandbox,
        json!({ "fields": { "hours": app_hours }, "confirm": true }),
    )
    .await;
    let mut diverged = synced.clone();
    diverged["hours"] = app_hours.clone();
    link["sync"] = json!({
        "enabled": false, "enabled_at": enabled_at,
        "stopped": stopped("whatsapp_app_edit", &["hours"], edited_at),
    });
    assert_eq!(
        confirmed.ok(),
        &json!({ "phone_number_id": phone, "profile": diverged, "linked_page": link, "sync_stopped": true })
    );
    assert_eq!(sim.get(&link_path(&sandbox, page)).await.ok(), &link);
    assert_eq!(
        page_fields(&sim, &sandbox, page, "hours").await,
        json!({ "id": page, "hours": page_hours }),
        "the Page keeps its hours"
    );
    assert_eq!(
        app_view(&sim, &sandbox).await["profile"]["hours"],
        app_hours
    );

    // 5. A later Page edit no longer reaches WhatsApp.
    let later_hours = json!({ "mon_1_open": "07:00", "mon_1_close": "19:00" });
    assert_success(
        &graph_page_edit(
            &sim,
            &sandbox,
            &token,
            &json!({ "about": "Longer hours on Mondays", "hours": later_hours }),
        )
        .await,
    );
    let page_now = page_fields(&sim, &sandbox, page, "about,hours").await;
    assert_eq!(page_now["about"], "Longer hours on Mondays");
    assert_eq!(page_now["hours"], later_hours);
    assert_eq!(app_view(&sim, &sandbox).await["profile"], diverged);
    assert_eq!(cloud_profile(&sim, &sandbox).await, as_cloud(&diverged));
    // Nothing flows back either: the Page never took the app's hours.
    assert_ne!(page_now["hours"], app_hours);

    // 6. Sync on again: WhatsApp matches the Page's current values.
    let again_at = sim.advance(&sandbox, 30).await;
    let reply = set_sync(&sim, &sandbox, page, true).await;
    assert_eq!(reply.ok()["sync"]["enabled"], true);
    assert_eq!(reply.json["sync"]["enabled_at"], again_at);
    assert_eq!(reply.json["sync"]["stopped"], Value::Null);
    let mut matched = synced.clone();
    matched["about"] = json!("Longer hours on Mondays");
    matched["hours"] = later_hours.clone();
    let app = app_view(&sim, &sandbox).await;
    assert_eq!(app["profile"], matched);
    assert_eq!(app["linked_page"]["sync"]["enabled"], true);
    assert_eq!(cloud_profile(&sim, &sandbox).await, as_cloud(&matched));
    // And Page edits flow again.
    assert_success(
        &graph_page_edit(&sim, &sandbox, &token, &json!({ "about": "Synced again" })).await,
    );
    assert_eq!(cloud_profile(&sim, &sandbox).await["about"], "Synced again");
}

#[tokio::test]
async fn the_business_app_edits_directly_when_not_syncing() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(530).await;
    let page = sandbox.id_of("page");
    let phone = sandbox.id_of("phone_number");
    // Not linked: every field applies, hours and category included.
    let hours = json!({ "sun_1_open": "11:00", "sun_1_close": "15:00" });
    let reply = app_edit(
        &sim,
        &sandbox,
        json!({ "fields": { "about": "App about", "hours": hours, "category": "Plant shop", "vertical": "GROCERY", "websites": ["https://app.example"] } }),
    )
    .await;
    let mut profile = demo_app_profile();
    profile["about"] = json!("App about");
    profile["hours"] = hours.clone();
    profile["category"] = json!("Plant shop");
    profile["vertical"] = json!("GROCERY");
    profile["websites"] = json!(["https://app.example"]);
    assert_eq!(
        reply.ok(),
        &json!({ "phone_number_id": phone, "profile": profile, "linked_page": null, "sync_stopped": false })
    );
    assert_eq!(cloud_profile(&sim, &sandbox).await, as_cloud(&profile));
    // Empty fields: nothing changes.
    let reply = app_edit(&sim, &sandbox, json!({ "fields": {} })).await;
    assert_eq!(reply.ok()["profile"], profile);

    // Linked with sync off: still no warning, and no stop recorded.
    connect_demo(&sim, &sandbox).await;
    let reply = app_edit(
        &sim,
        &sandbox,
        json!({ "fields": { "address": "8 App Lane", "email": "app@luckyshrub.example" } }),
    )
    .await;
    assert_eq!(reply.ok()["sync_stopped"], false);
    assert_eq!(reply.json["profile"]["address"], "8 App Lane");
    assert_eq!(reply.json["profile"]["email"], "app@luckyshrub.example");
    assert_eq!(
        reply.json["linked_page"]["sync"],
        json!({ "enabled": false, "enabled_at": null, "stopped": null })
    );
    // Nothing reaches the Page.
    let page_info = page_fields(
        &sim,
        &sandbox,
        page,
        "about,single_line_address,emails,hours,category",
    )
    .await;
    assert_eq!(page_info["about"], "Plants and garden supplies, delivered.");
    assert_eq!(
        page_info["single_line_address"],
        "1 Garden Way, Springfield"
    );
    assert_eq!(page_info["emails"], json!(["hello@luckyshrub.example"]));
    assert_eq!(page_info["hours"], demo_hours());
    assert_eq!(page_info["category"], "Garden Center");
}

#[tokio::test]
async fn the_business_app_warns_for_synced_fields_only() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(531).await;
    let page = sandbox.id_of("page");
    connect_demo(&sim, &sandbox).await;
    set_sync(&sim, &sandbox, page, true).await.ok();
    let before = app_view(&sim, &sandbox).await;

    // The vertical is not synced: no warning, sync stays on.
    let reply = app_edit(
        &sim,
        &sandbox,
        json!({ "fields": { "vertical": "HEALTH" } }),
    )
    .await;
    assert_eq!(reply.ok()["sync_stopped"], false);
    assert_eq!(reply.json["profile"]["vertical"], "HEALTH");
    assert_eq!(reply.json["linked_page"]["sync"]["enabled"], true);

    // Every synced field named in the warning, in the profile's order.
    let body = json!({ "fields": {
        "category": "Other", "websites": ["https://w.example"], "about": "A",
        "address": "B", "description": "C", "email": "d@e.example",
        "hours": { "mon_1_open": "01:00", "mon_1_close": "02:00" }, "vertical": "AUTO",
    } });
    let warned = app_edit(&sim, &sandbox, body.clone()).await;
    let fields = [
        "about",
        "address",
        "description",
        "email",
        "websites",
        "hours",
        "category",
    ];
    let error = warned.assert_error(409, 100, None, "MetasimException");
    assert_eq!(
        error["error_data"],
        json!({ "warning": "sync_will_stop", "page_id": page, "fields": fields })
    );
    assert!(
        warned.message().starts_with(&format!(
            "(#100) Editing {} will stop syncing",
            fields.join(", ")
        )),
        "{}",
        warned.text()
    );
    let mut after_vertical = before.clone();
    after_vertical["profile"]["vertical"] = json!("HEALTH");
    assert_eq!(
        app_view(&sim, &sandbox).await,
        after_vertical,
        "not even the vertical of a warned edit applies"
    );

    // Invalid values are refused whatever the confirmation, and sync stays on.
    let cases = [
        (
            json!({ "fields": { "email": "nope" }, "confirm": true }),
            "(#100) email must be a valid email address",
        ),
        (
            json!({ "fields": { "about": "" }, "confirm": true }),
            "(#100) about cannot be empty",
        ),
        (
            json!({ "fields": { "about": "a".repeat(140) }, "confirm": true }),
            "(#100) about must be at most 139 characters long",
        ),
        (
            json!({ "fields": { "hours": { "mon_1_open": "09:00" } }, "confirm": true }),
            "(#100) hours: mon_1_open needs a matching mon_1_close",
        ),
        (
            json!({ "fields": { "category": "" }, "confirm": true }),
            "(#100) category cannot be empty",
        ),
        (
            json!({ "fields": { "websites": ["ftp://x.example"] }, "confirm": true }),
            "(#100) websites: \"ftp://x.example\" must start with http:// or https:// (at most 256 characters)",
        ),
        (
            json!({ "fields": { "vertical": "SPACE" } }),
            "(#100) vertical must be one of {",
        ),
        (
            json!({ "fields": { "name": "Renamed" } }),
            "(#100) Invalid JSON body at fields.name: unknown field `name`",
        ),
        (
            json!({ "fields": { "hours": "9-5" }, "confirm": true }),
            "(#100) Invalid JSON body at fields.hours",
        ),
        (
            json!({ "about": "no fields wrapper" }),
            "(#100) Invalid JSON body at about: unknown field `about`",
        ),
        (
            json!({}),
            "(#100) Invalid JSON body: missing field `fields`",
        ),
    ];
    for (body, message) in &cases {
        let reply = app_edit(&sim, &sandbox, body.clone()).await;
        let text = reply.assert_sim_error(400, None);
        assert!(
            text.starts_with(message),
            "{body}: {text}\n  expected {message}"
        );
    }
    assert_eq!(app_view(&sim, &sandbox).await, after_vertical);

    // Unknown numbers.
    let missing = "No WhatsApp phone number with id \"329999999999999\" in this sandbox";
    let path = app_path(&sandbox, "329999999999999");
    assert_eq!(
        sim.get(&path).await.assert_sim_error(404, Some(33)),
        missing
    );
    let reply = sim
        .post_json(&path, &json!({ "fields": { "vertical": "AUTO" } }))
        .await;
    assert_eq!(reply.assert_sim_error(404, Some(33)), missing);

    // Confirmed, every field stops the sync and is listed.
    let now = sim.advance(&sandbox, 42).await;
    let mut confirmed = body.clone();
    confirmed["confirm"] = json!(true);
    let reply = app_edit(&sim, &sandbox, confirmed).await;
    assert_eq!(reply.ok()["sync_stopped"], true);
    assert_eq!(
        reply.json["linked_page"]["sync"]["stopped"],
        stopped("whatsapp_app_edit", &fields, now)
    );
    assert_eq!(reply.json["profile"]["vertical"], "AUTO");
    assert_eq!(reply.json["profile"]["about"], "A");
    // The Page kept all of it.
    let page_info = page_fields(&sim, &sandbox, page, "about,category,website").await;
    assert_eq!(page_info["about"], "Plants and garden supplies, delivered.");
    assert_eq!(page_info["category"], "Garden Center");
    assert_eq!(page_info["website"], "https://luckyshrub.example");
    // Further app edits no longer warn.
    let reply = app_edit(&sim, &sandbox, json!({ "fields": { "about": "Free now" } })).await;
    assert_eq!(reply.ok()["sync_stopped"], false);
    assert_eq!(reply.json["profile"]["about"], "Free now");
}

#[tokio::test]
async fn cloud_api_edits_of_synced_fields_stop_the_sync_at_once() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(532).await;
    let page = sandbox.id_of("page");
    let owner = sandbox.id_of("owner");
    connect_demo(&sim, &sandbox).await;
    let enabled_at = sim.advance(&sandbox, 10).await;
    set_sync(&sim, &sandbox, page, true).await.ok();
    let mut link = fresh_link(&sandbox, page, owner, T0);
    link["sync"] = json!({ "enabled": true, "enabled_at": enabled_at, "stopped": null });

    // Not synced: the vertical and the picture. Sync stays on.
    assert_success(&cloud_edit(&sim, &sandbox, json!({ "vertical": "EDU" })).await);
    assert_success(
        &cloud_edit(
            &sim,
            &sandbox,
            json!({ "profile_picture_handle": "4::aW1hZ2UvanBlZw==:ARZ" }),
        )
        .await,
    );
    assert_eq!(sim.get(&link_path(&sandbox, page)).await.ok(), &link);
    let cloud = cloud_profile(&sim, &sandbox).await;
    assert_eq!(cloud["vertical"], "EDU");
    assert!(cloud["profile_picture_url"].is_string(), "{cloud}");
    // A refused edit changes nothing and does not stop the sync.
    let refused = cloud_edit(&sim, &sandbox, json!({ "about": "Fine", "email": "nope" })).await;
    assert_param_error(&refused, "Param email must be a valid email address");
    assert_eq!(sim.get(&link_path(&sandbox, page)).await.ok(), &link);
    assert_eq!(cloud_profile(&sim, &sandbox).await, cloud);

    // A synced field through the API: accepted, and sync stops with no warning.
    let now = sim.advance(&sandbox, 15).await;
    let reply = cloud_edit(
        &sim,
        &sandbox,
        json!({ "about": "Set through the API", "websites": ["https://api.example"] }),
    )
    .await;
    assert_success(&reply);
    link["sync"] = json!({
        "enabled": false, "enabled_at": enabled_at,
        "stopped": stopped("cloud_api_edit", &["about", "websites"], now),
    });
    assert_eq!(sim.get(&link_path(&sandbox, page)).await.ok(), &link);
    let cloud = cloud_profile(&sim, &sandbox).await;
    assert_eq!(cloud["about"], "Set through the API");
    assert_eq!(cloud["websites"], json!(["https://api.example"]));
    // The Page keeps its values; its later edits stay on the Page.
    let page_info = page_fields(&sim, &sandbox, page, "about,website").await;
    assert_eq!(page_info["about"], "Plants and garden supplies, delivered.");
    assert_eq!(page_info["website"], "https://luckyshrub.example");
    cp_page_edit(
        &sim,
        &sandbox,
        json!({ "about": "Page after the API edit" }),
    )
    .await;
    assert_eq!(
        cloud_profile(&sim, &sandbox).await["about"],
        "Set through the API"
    );
    assert_eq!(app_view(&sim, &sandbox).await["linked_page"], link);

    // Each synced Cloud API field stops it on its own.
    for (field, value) in [
        ("address", json!("9 API St")),
        ("description", json!("API description")),
        ("email", json!("api@luckyshrub.example")),
    ] {
        set_sync(&sim, &sandbox, page, true).await.ok();
        let mut body = json!({});
        body[field] = value.clone();
        assert_success(&cloud_edit(&sim, &sandbox, body).await);
        let sync = sim.get(&link_path(&sandbox, page)).await.ok()["sync"].clone();
        assert_eq!(sync["enabled"], false, "{field}");
        assert_eq!(sync["stopped"]["reason"], "cloud_api_edit", "{field}");
        assert_eq!(sync["stopped"]["fields"], json!([field]), "{field}");
        assert_eq!(cloud_profile(&sim, &sandbox).await[field], value);
    }
}

#[tokio::test]
async fn the_link_and_its_sync_state_go_with_a_reset_and_come_back_with_a_snapshot() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(533).await;
    let page = sandbox.id_of("page");
    connect_demo(&sim, &sandbox).await;
    set_sync(&sim, &sandbox, page, true).await.ok();
    sim.advance(&sandbox, 7).await;
    let hours = json!({ "mon_1_open": "12:00", "mon_1_close": "13:00" });
    app_edit(
        &sim,
        &sandbox,
        json!({ "fields": { "hours": hours }, "confirm": true }),
    )
    .await
    .ok();
    let before = app_view(&sim, &sandbox).await;
    assert_eq!(
        before["linked_page"]["sync"]["stopped"]["reason"],
        "whatsapp_app_edit"
    );
    let exported = sim.get(&sandbox.sim("/snapshot")).await;
    assert_eq!(exported.status, 200, "{}", exported.text());

    // Reset: back to the fixture, nothing linked.
    sim.post_json(&sandbox.sim("/reset"), &json!({})).await.ok();
    assert_eq!(
        app_view(&sim, &sandbox).await,
        json!({ "phone_number_id": sandbox.id_of("phone_number"), "profile": demo_app_profile(), "linked_page": null })
    );
    assert_eq!(
        page_fields(&sim, &sandbox, page, PAGE_WA_FIELDS).await["has_whatsapp_number"],
        false
    );

    // The snapshot brings the link, its sync state and the profile back.
    let restored = sim
        .send(
            sim.request(Method::PUT, &sandbox.sim("/snapshot"))
                .header("content-type", "application/json")
                .body(exported.bytes.clone()),
        )
        .await;
    restored.ok();
    assert_eq!(app_view(&sim, &sandbox).await, before);
    assert_eq!(
        page_fields(&sim, &sandbox, page, "whatsapp_number").await["whatsapp_number"],
        DIGITS
    );
    // Sync still off after the restore: Page edits stay on the Page.
    cp_page_edit(&sim, &sandbox, json!({ "hours": {} })).await;
    assert_eq!(app_view(&sim, &sandbox).await["profile"]["hours"], hours);
}
