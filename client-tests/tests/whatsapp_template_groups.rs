//! Template groups over HTTP: created on a WABA (`POST
//! /{waba-id}/template_groups`), read (`GET /{template-group-id}`, its
//! templates inline), listed with paging, updated (name, description,
//! templates added and removed) and deleted; Meta's checks (names unique and
//! at most 256 characters, descriptions at most 512 — an empty one clears
//! it —, templates of the WABA and in one group at a time, metasim's bounds
//! on templates and groups); `template_group_analytics` counted per group
//! and day from the templates the sandbox sent, keeping what a template
//! contributed before it left the group or was deleted; the WABA's
//! management permission; same-seed determinism and snapshots.

use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, V, Value, json, unsupported};
use reqwest::Method;

/// 2026-01-01T00:00:00Z, where a demo sandbox's clock starts.
const DAY0: i64 = 1_767_225_600;
const ONE_DAY: i64 = 86_400;

async fn call(sim: &Sim, sandbox: &Sandbox, method: Method, path: &str, body: &Value) -> Reply {
    sim.send(
        sim.request(method, &format!("/{V}{path}"))
            .bearer_auth(sandbox.token(MANAGER))
            .json(body),
    )
    .await
}

async fn read(sim: &Sim, sandbox: &Sandbox, path: &str) -> Reply {
    sim.get_as(sandbox.token(MANAGER), &format!("/{V}{path}"))
        .await
}

/// `POST /{waba-id}/template_groups` with `body`.
async fn create(sim: &Sim, sandbox: &Sandbox, body: Value) -> Reply {
    let path = format!("/{}/template_groups", sandbox.id_of("waba"));
    call(sim, sandbox, Method::POST, &path, &body).await
}

/// A new group of the demo WABA: its id.
async fn group(sim: &Sim, sandbox: &Sandbox, name: &str, templates: &[&str]) -> String {
    let ids: Vec<u64> = templates
        .iter()
        .map(|id| id.parse().expect("a numeric template id"))
        .collect();
    let reply = create(
        sim,
        sandbox,
        json!({ "name": name, "whatsapp_business_templates": ids }),
    )
    .await;
    let id = reply.ok()["id"].as_str().expect("a group id").to_owned();
    assert!(
        id.len() == 16 && id.bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    id
}

async fn update(sim: &Sim, sandbox: &Sandbox, group: &str, body: Value) -> Reply {
    call(sim, sandbox, Method::POST, &format!("/{group}"), &body).await
}

/// The ids of the templates a group holds now.
async fn members(sim: &Sim, sandbox: &Sandbox, group: &str) -> Vec<String> {
    let listed = read(
        sim,
        sandbox,
        &format!("/{group}/whatsapp_business_templates"),
    )
    .await;
    listed.ok()["data"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|t| t["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// Meta's `(#100)` error, with `expected` in its message or user message.
#[track_caller]
fn assert_refused(reply: &Reply, expected: &str) {
    let error = reply.assert_error(400, 100, None, "OAuthException");
    let text = format!(
        "{} {}",
        error["message"].as_str().unwrap_or_default(),
        error["error_user_msg"].as_str().unwrap_or_default()
    );
    assert!(text.contains(expected), "{expected}: {}", reply.text());
}

/// A new utility template `name` of the WABA `handle`: its id.
async fn new_template(sim: &Sim, sandbox: &Sandbox, handle: &str, name: &str) -> String {
    let body = json!({ "name": name, "language": "en_US", "category": "UTILITY",
        "components": [{ "type": "BODY", "text": "Notice." }] });
    let path = format!("/{}/message_templates", sandbox.id_of(handle));
    let created = call(sim, sandbox, Method::POST, &path, &body).await;
    created.ok()["id"]
        .as_str()
        .expect("a template id")
        .to_owned()
}

/// Meta's `(#100)` error whose `error_user_title` is `title`.
#[track_caller]
fn assert_titled(reply: &Reply, title: &str) {
    let error = reply.assert_error(400, 100, None, "OAuthException");
    assert_eq!(error["error_user_title"], title, "{}", reply.text());
}

#[tokio::test]
async fn template_groups_are_created_read_listed_updated_and_deleted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(71).await;
    let waba = sandbox.id_of("waba");
    let order = template_id(&sim, &sandbox, "order_update").await;
    let sale = spring_sale(&sim, &sandbox).await;
    let hello = template_id(&sim, &sandbox, "hello_world").await;
    // Template ids as numbers, as Meta's example sends them.
    let created = create(
        &sim,
        &sandbox,
        json!({
            "name": "Spring 2026", "description": "Spring campaign templates.",
            "whatsapp_business_templates": [order.parse::<u64>().unwrap(), sale.parse::<u64>().unwrap()],
        }),
    )
    .await;
    let spring = created.ok()["id"].as_str().expect("an id").to_owned();
    assert_eq!(created.json, json!({ "id": spring }));
    let node = read(&sim, &sandbox, &format!("/{spring}")).await;
    let node = node.ok();
    assert_eq!(node["name"], "Spring 2026");
    assert_eq!(node["description"], "Spring campaign templates.");
    assert_eq!(node["creation_time"], "2026-01-01T00:00:00+0000");
    assert_eq!(node["update_time"], "2026-01-01T00:00:00+0000");
    assert_eq!(node["whatsapp_business_account"]["id"], json!(waba));
    assert_eq!(node["whatsapp_business_account"]["currency"], "USD");
    let namespace = &node["whatsapp_business_account"]["message_template_namespace"];
    assert!(namespace.as_str().is_some_and(|n| !n.is_empty()), "{node}");
    let templates = &node["whatsapp_business_templates"]["data"];
    assert_eq!(templates[0]["id"], json!(order), "{node}");
    assert_eq!(templates[0]["name"], "order_update");
    assert_eq!(templates[0]["status"], "APPROVED");
    assert_eq!(templates[1]["id"], json!(sale));
    assert_eq!(templates.as_array().map(Vec::len), Some(2));
    assert_eq!(node["id"], json!(spring));
    // Chosen fields only.
    let named = read(&sim, &sandbox, &format!("/{spring}?fields=name")).await;
    assert_eq!(named.ok(), &json!({ "name": "Spring 2026", "id": spring }));
    // A second group (without a description), listed after the first.
    let welcome = group(&sim, &sandbox, "Welcome", &[&hello]).await;
    let listed = read(&sim, &sandbox, &format!("/{waba}/template_groups?limit=1")).await;
    let listed = listed.ok();
    assert_eq!(
        listed["data"],
        json!([{ "id": spring, "name": "Spring 2026", "description": "Spring campaign templates." }])
    );
    let next = listed["paging"]["next"].as_str().expect("a next page");
    let next = next.split_once(&format!("/{V}")).expect("a Graph URL").1;
    let rest = read(&sim, &sandbox, next).await;
    assert_eq!(
        rest.ok()["data"],
        json!([{ "id": welcome, "name": "Welcome" }])
    );
    // An hour later: renamed, spring_sale moved to Welcome.
    sim.advance(&sandbox, 3600).await;
    let moved = update(
        &sim,
        &sandbox,
        &spring,
        json!({ "name": "Orders", "remove_templates": [sale] }),
    )
    .await;
    assert_eq!(moved.ok(), &json!({ "success": true }));
    let added = update(
        &sim,
        &sandbox,
        &welcome,
        json!({ "add_templates": format!("[{sale}]") }),
    )
    .await;
    assert_eq!(added.ok(), &json!({ "success": true }));
    let node = read(
        &sim,
        &sandbox,
        &format!("/{spring}?fields=name,description,update_time,creation_time"),
    )
    .await;
    assert_eq!(
        node.ok(),
        &json!({
            "name": "Orders", "description": "Spring campaign templates.",
            "update_time": "2026-01-01T01:00:00+0000", "creation_time": "2026-01-01T00:00:00+0000",
            "id": spring,
        })
    );
    assert_eq!(members(&sim, &sandbox, &spring).await, [order.as_str()]);
    assert_eq!(
        members(&sim, &sandbox, &welcome).await,
        [hello.as_str(), sale.as_str()]
    );
    // An empty description clears it.
    update(&sim, &sandbox, &spring, json!({ "description": "" }))
        .await
        .ok();
    let cleared = read(&sim, &sandbox, &format!("/{spring}?fields=description")).await;
    assert_eq!(cleared.ok(), &json!({ "id": spring }));
    // Deleted: gone from reads and the list; its templates stay.
    let deleted = call(
        &sim,
        &sandbox,
        Method::DELETE,
        &format!("/{welcome}"),
        &json!({}),
    )
    .await;
    assert_eq!(deleted.ok(), &json!({ "success": true }));
    let gone = read(&sim, &sandbox, &format!("/{welcome}")).await;
    gone.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(gone.message(), unsupported("get", &welcome));
    let listed = read(&sim, &sandbox, &format!("/{waba}/template_groups")).await;
    let ids: Vec<&Value> = listed.ok()["data"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|g| &g["id"])
        .collect();
    assert_eq!(ids, [&json!(spring)]);
    read(&sim, &sandbox, &format!("/{sale}")).await.ok();
    // Now free, spring_sale can join another group.
    group(&sim, &sandbox, "Sales", &[&sale]).await;
}

#[tokio::test]
async fn template_group_checks_are_meta_errors() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 72, "fixture": two_waba_fixture() }))
        .await;
    let order = template_id(&sim, &sandbox, "order_update").await;
    let sale = spring_sale(&sim, &sandbox).await;
    let ids = |list: &[&str]| json!(list);
    let cases = [
        (
            json!({ "whatsapp_business_templates": ids(&[&order]) }),
            "The parameter name is required",
        ),
        (
            json!({ "name": " ", "whatsapp_business_templates": ids(&[&order]) }),
            "The parameter name is required",
        ),
        (
            json!({ "name": "x".repeat(257), "whatsapp_business_templates": ids(&[&order]) }),
            "Param name must be at most 256 characters long",
        ),
        (
            json!({ "name": "A", "description": "d".repeat(513), "whatsapp_business_templates": ids(&[&order]) }),
            "Param description must be at most 512 characters long",
        ),
        (
            json!({ "name": "A" }),
            "The parameter whatsapp_business_templates is required",
        ),
        (
            json!({ "name": "A", "whatsapp_business_templates": [] }),
            "The parameter whatsapp_business_templates is required",
        ),
        (
            json!({ "name": "A", "whatsapp_business_templates": ["abc"] }),
            "Param whatsapp_business_templates must be a list of template ids - got \"abc\".",
        ),
        (
            json!({ "name": "A", "whatsapp_business_templates": [-1] }),
            "must be a list of template ids",
        ),
        (
            json!({ "name": "A", "whatsapp_business_templates": "[1," }),
            "must be a list of template ids",
        ),
        (
            json!({ "name": "A", "whatsapp_business_templates": ["1234567890123456"] }),
            "Param whatsapp_business_templates must name templates of this WhatsApp Business Account - got \"1234567890123456\".",
        ),
        (
            json!({ "name": "A", "whatsapp_business_templates": vec![order.clone(); 251] }),
            "A template group holds at most 250 templates",
        ),
    ];
    for (body, expected) in cases {
        assert_refused(&create(&sim, &sandbox, body).await, expected);
    }
    // A template of the other WABA is not this WABA's.
    let other = new_template(&sim, &sandbox, "waba2", "eu_notice").await;
    let refused = create(
        &sim,
        &sandbox,
        json!({ "name": "A", "whatsapp_business_templates": [other] }),
    )
    .await;
    assert_refused(
        &refused,
        "must name templates of this WhatsApp Business Account",
    );
    // A comma list works too; the name is then taken.
    let first = create(
        &sim,
        &sandbox,
        json!({ "name": "Orders", "whatsapp_business_templates": order }),
    )
    .await;
    let first = first.ok()["id"].as_str().expect("an id").to_owned();
    let taken = create(
        &sim,
        &sandbox,
        json!({ "name": "Orders", "whatsapp_business_templates": [sale] }),
    )
    .await;
    assert_titled(&taken, "Template group name is not unique");
    // A template is in one group at a time.
    let twice = create(
        &sim,
        &sandbox,
        json!({ "name": "Again", "whatsapp_business_templates": [order] }),
    )
    .await;
    assert_titled(&twice, "Template already in a template group");
    assert_refused(&twice, "\"Orders\"");
    let second = group(&sim, &sandbox, "Sales", &[&sale]).await;
    let cases = [
        (
            json!({}),
            "At least one of name, description, add_templates or remove_templates is required",
        ),
        (json!({ "name": "Orders" }), ""),
        (
            json!({ "name": "" }),
            "Param name must be a non-empty string",
        ),
        (
            json!({ "add_templates": [order] }),
            "a template can be part of one template group at a time",
        ),
        (
            json!({ "remove_templates": [order] }),
            "Param remove_templates must name templates of this template group",
        ),
        (
            json!({ "add_templates": ["1234567890123456"] }),
            "Param add_templates must name templates of this WhatsApp Business Account",
        ),
        (
            json!({ "description": "d".repeat(513) }),
            "at most 512 characters",
        ),
    ];
    for (body, expected) in cases {
        let reply = update(&sim, &sandbox, &second, body).await;
        if expected.is_empty() {
            assert_titled(&reply, "Template group name is not unique");
        } else {
            assert_refused(&reply, expected);
        }
    }
    // A refused update changes nothing (all or nothing).
    let partial = update(
        &sim,
        &sandbox,
        &second,
        json!({ "name": "Renamed", "remove_templates": [order] }),
    )
    .await;
    assert_refused(&partial, "remove_templates");
    let name = read(&sim, &sandbox, &format!("/{second}?fields=name")).await;
    assert_eq!(name.ok()["name"], "Sales");
    assert_eq!(members(&sim, &sandbox, &first).await, [order.as_str()]);
    // Keeping its own name is no clash.
    update(&sim, &sandbox, &second, json!({ "name": "Sales" }))
        .await
        .ok();
}

#[tokio::test]
async fn a_waba_holds_at_most_100_template_groups() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(73).await;
    for n in 0..101 {
        if n == 100 {
            // Past the hour's 100 new templates.
            sim.advance(&sandbox, 3600).await;
        }
        let template = new_template(&sim, &sandbox, "waba", &format!("notice_{n}")).await;
        let reply = create(
            &sim,
            &sandbox,
            json!({ "name": format!("Group {n}"), "whatsapp_business_templates": [template] }),
        )
        .await;
        if n < 100 {
            reply.ok();
        } else {
            assert_refused(
                &reply,
                "A WhatsApp Business Account has at most 100 template groups",
            );
        }
    }
}

#[tokio::test]
async fn template_groups_follow_the_wabas_permissions() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(76).await;
    let order = template_id(&sim, &sandbox, "order_update").await;
    let orders = group(&sim, &sandbox, "Orders", &[&order]).await;
    // A token without the management scope may not list, read, create,
    // update or delete them.
    let limited = sim
        .post_json(
            &sandbox.sim("/tokens"),
            &json!({ "handle": "narrow", "subject": "system_user", "app": "app",
                "scopes": ["whatsapp_business_messaging"] }),
        )
        .await;
    assert_eq!(limited.status, 201, "{}", limited.text());
    let narrow = limited.json["token"].as_str().expect("a token");
    let waba = sandbox.id_of("waba");
    let as_narrow = |method: Method, path: String| {
        sim.request(method, &format!("/{V}{path}"))
            .bearer_auth(narrow)
            .json(&json!({ "name": "Narrow", "whatsapp_business_templates": [order] }))
    };
    for (method, path) in [
        (Method::GET, format!("/{waba}/template_groups")),
        (Method::POST, format!("/{waba}/template_groups")),
        (Method::GET, format!("/{orders}")),
        (Method::POST, format!("/{orders}")),
        (Method::DELETE, format!("/{orders}")),
    ] {
        let reply = sim.send(as_narrow(method.clone(), path.clone())).await;
        let error = reply.assert_error(403, 200, None, "OAuthException");
        assert_eq!(
            error["error_data"]["details"],
            "The access token is missing the whatsapp_business_management permission",
            "{method} {path}"
        );
    }
    let node = read(&sim, &sandbox, &format!("/{orders}?fields=name")).await;
    assert_eq!(node.ok()["name"], "Orders");
}

/// Switch template analytics on (`POST /{waba-id}`).
async fn enable_insights(sim: &Sim, sandbox: &Sandbox) {
    let waba = sandbox.id_of("waba");
    update(
        sim,
        sandbox,
        waba,
        json!({ "is_enabled_for_insights": true }),
    )
    .await
    .ok();
}

/// `template_group_analytics` of the demo WABA read as a field.
async fn analytics(sim: &Sim, sandbox: &Sandbox, arguments: &str) -> Reply {
    let path = format!(
        "/{}?fields=template_group_analytics{arguments}",
        sandbox.id_of("waba")
    );
    read(sim, sandbox, &path).await
}

fn point(group: &str, day: i64, sent: u64, delivered: u64, read: u64) -> Value {
    json!({
        "template_group_id": group, "start": DAY0 + day * ONE_DAY, "end": DAY0 + (day + 1) * ONE_DAY,
        "sent": sent, "delivered": delivered, "read": read,
    })
}

/// Groups `Orders` (order_update) and `Sales` (spring_sale), then on day 0
/// order_update to Alice (who reads it) and spring_sale to Bob; on day 1
/// spring_sale moves to Orders, goes to Bob again, and order_update is
/// deleted. Returns (Orders, Sales).
async fn traffic(sim: &Sim, sandbox: &Sandbox) -> (String, String) {
    let order = template_id(sim, sandbox, "order_update").await;
    let sale = spring_sale(sim, sandbox).await;
    let orders = group(sim, sandbox, "Orders", &[&order]).await;
    let sales = group(sim, sandbox, "Sales", &[&sale]).await;
    let to_alice = message(
        ALICE,
        "template",
        template("order_update", &["Alice", "A-1"]),
    );
    assert_template_sent(&post(sim, sandbox, &to_alice).await, ALICE, ALICE);
    let to_bob = message(BOB, "template", template("spring_sale", &["20%"]));
    assert_template_sent(&post(sim, sandbox, &to_bob).await, BOB, BOB);
    reads_everything(sim, sandbox, ALICE).await;
    sim.advance(sandbox, ONE_DAY as u64).await;
    update(sim, sandbox, &sales, json!({ "remove_templates": [sale] }))
        .await
        .ok();
    update(sim, sandbox, &orders, json!({ "add_templates": [sale] }))
        .await
        .ok();
    assert_template_sent(&post(sim, sandbox, &to_bob).await, BOB, BOB);
    let deleted = call(
        sim,
        sandbox,
        Method::DELETE,
        &format!(
            "/{}/message_templates?name=order_update",
            sandbox.id_of("waba")
        ),
        &json!({}),
    )
    .await;
    deleted.ok();
    (orders, sales)
}

#[tokio::test]
async fn template_group_analytics_count_what_the_groups_templates_sent() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(74).await;
    let (orders, sales) = traffic(&sim, &sandbox).await;
    let arguments = format!(
        ".start({DAY0}).end({}).granularity(DAILY).metric_types([SENT,DELIVERED,READ]).template_group_ids([{orders},{sales}])",
        DAY0 + 2 * ONE_DAY
    );
    let off = analytics(&sim, &sandbox, &arguments).await;
    assert_refused(&off, "is_enabled_for_insights");
    enable_insights(&sim, &sandbox).await;
    let on = analytics(&sim, &sandbox, &arguments).await;
    let on = on.ok();
    assert_eq!(on["id"], json!(sandbox.id_of("waba")));
    // Orders keeps order_update's day 0 though the template is deleted;
    // Sales keeps spring_sale's day 0 though it left; day 1's spring_sale
    // counts for Orders, which it had joined.
    assert_eq!(
        on["template_group_analytics"],
        json!({ "data": [{ "granularity": "DAILY", "data_points": [
            point(&orders, 0, 1, 1, 1), point(&orders, 1, 1, 1, 0),
            point(&sales, 0, 1, 1, 0), point(&sales, 1, 0, 0, 0),
        ] }] })
    );
    assert!(
        members(&sim, &sandbox, &orders).await.len() == 1,
        "order_update left Orders"
    );
    // What the group's messages cost: order_update (utility, 0.004) on day
    // 0 and spring_sale (marketing, 0.025) on day 1, both to +1 numbers.
    let spent = analytics(
        &sim,
        &sandbox,
        &format!(
            ".start({DAY0}).end({}).granularity(DAILY).metric_types([COST]).template_group_ids([{orders}])",
            DAY0 + 2 * ONE_DAY
        ),
    )
    .await;
    let points = &spent.ok()["template_group_analytics"]["data"][0]["data_points"];
    let amounts: Vec<&Value> = (0..2).map(|day| &points[day]["cost"][0]["value"]).collect();
    assert_eq!(amounts, [&json!(0.004), &json!(0.025)], "{points}");
    // The edge, with the arguments as parameters and chosen metrics.
    let edge = format!(
        "/{}/template_group_analytics?start={DAY0}&end={}&granularity=daily&metric_types=sent,read&template_group_ids=[{sales}]",
        sandbox.id_of("waba"),
        DAY0 + ONE_DAY
    );
    let listed = read(&sim, &sandbox, &edge).await;
    assert_eq!(
        listed.ok(),
        &json!({ "data": [{ "granularity": "DAILY", "data_points": [
            { "template_group_id": sales, "start": DAY0, "end": DAY0 + ONE_DAY, "sent": 1, "read": 0 },
        ] }] })
    );
    // A start or end within a day counts the whole day.
    let within = edge
        .replace(&format!("start={DAY0}"), &format!("start={}", DAY0 + 60))
        .replace(
            &format!("end={}", DAY0 + ONE_DAY),
            &format!("end={}", DAY0 + 120),
        );
    assert_eq!(read(&sim, &sandbox, &within).await.ok(), listed.ok());
    // Dates (UTC days) stand for timestamps.
    let dated = edge
        .replace(&format!("start={DAY0}"), "start=2026-01-01")
        .replace(&format!("end={}", DAY0 + ONE_DAY), "end=2026-01-02");
    assert_eq!(read(&sim, &sandbox, &dated).await.ok(), listed.ok());
    let bad_date = edge.replace(&format!("start={DAY0}"), "start=2026-13-01");
    assert_refused(
        &read(&sim, &sandbox, &bad_date).await,
        "Param start must be a UNIX timestamp or a date (YYYY-MM-DD) - got \"2026-13-01\".",
    );
    // A group of nothing sent, or no group at all, counts zero.
    let unknown = analytics(
        &sim,
        &sandbox,
        &arguments.replace(&orders, "9000000000000001"),
    )
    .await;
    assert_eq!(
        unknown.ok()["template_group_analytics"]["data"][0]["data_points"][0],
        point("9000000000000001", 0, 0, 0, 0)
    );
    let day = format!(".start({DAY0}).end({})", DAY0 + ONE_DAY);
    let eleven = [orders.as_str(); 11].join(",");
    let refusals = [
        (
            format!("{day}.granularity(DAILY)"),
            "The parameter template_group_ids is required".to_owned(),
        ),
        (
            format!("{day}.granularity(DAILY).template_group_ids([])"),
            "Param template_group_ids must name between 1 and 10 template groups - got 0."
                .to_owned(),
        ),
        (
            format!("{day}.granularity(DAILY).template_group_ids([{eleven}])"),
            "between 1 and 10 template groups - got 11".to_owned(),
        ),
        (
            format!("{day}.granularity(DAILY).template_group_ids([abc])"),
            "Param template_group_ids[abc] must be a valid template group id.".to_owned(),
        ),
        (
            format!("{day}.granularity(DAY).template_group_ids([{orders}])"),
            "Param granularity must be one of {DAILY} - got \"DAY\".".to_owned(),
        ),
        (
            format!(
                "{day}.granularity(DAILY).metric_types([VIEWS]).template_group_ids([{orders}])"
            ),
            "Param metric_types must be one of".to_owned(),
        ),
        (
            format!(".start({DAY0}).granularity(DAILY).template_group_ids([{orders}])"),
            "The parameter end is required".to_owned(),
        ),
        (
            format!(
                ".start({}).end({DAY0}).granularity(DAILY).template_group_ids([{orders}])",
                DAY0 + ONE_DAY
            ),
            "Param start must be before end".to_owned(),
        ),
        (
            format!(
                ".start({}).end({DAY0}).granularity(DAILY).template_group_ids([{orders}])",
                DAY0 - 91 * ONE_DAY
            ),
            "at most 90 days in the past".to_owned(),
        ),
        (
            format!(
                ".start({DAY0}).end({}).granularity(DAILY).template_group_ids([{orders}])",
                i64::MAX
            ),
            "Param end must be at most 90 days after start".to_owned(),
        ),
        (
            format!(
                ".start({DAY0}).end(99999999999999999999).granularity(DAILY).template_group_ids([{orders}])"
            ),
            "Param end must be a UNIX timestamp or a date (YYYY-MM-DD)".to_owned(),
        ),
    ];
    for (arguments, expected) in refusals {
        assert_refused(&analytics(&sim, &sandbox, &arguments).await, &expected);
    }
}

#[tokio::test]
async fn template_groups_answer_alike_for_one_seed_and_survive_a_snapshot() {
    let sim = Sim::start().await;
    let mut transcripts = Vec::new();
    for _ in 0..2 {
        let sandbox = sim.demo(75).await;
        let (orders, sales) = traffic(&sim, &sandbox).await;
        enable_insights(&sim, &sandbox).await;
        let waba = sandbox.id_of("waba");
        let mut transcript = Vec::new();
        for path in [
            format!(
                "/{waba}/template_groups?fields=id,name,creation_time,update_time,whatsapp_business_templates{{name}}"
            ),
            format!("/{orders}"),
            format!("/{sales}"),
            format!(
                "/{waba}/template_group_analytics?start={DAY0}&end={}&granularity=DAILY&template_group_ids=[{orders},{sales}]",
                DAY0 + 2 * ONE_DAY
            ),
        ] {
            transcript.push(read(&sim, &sandbox, &path).await.ok().to_string());
        }
        let exported = sim.assert_snapshot_round_trip(&sandbox).await;
        let snapshot: Value = serde_json::from_slice(&exported).expect("a JSON snapshot");
        assert_eq!(
            snapshot["whatsapp"]["template_groups"][&orders]["name"],
            "Orders"
        );
        // Restored, it reads the same.
        let again = read(&sim, &sandbox, &format!("/{orders}")).await;
        assert_eq!(again.ok().to_string(), transcript[1]);
        transcripts.push(transcript.join("\n"));
    }
    assert_eq!(transcripts[0], transcripts[1]);
}
