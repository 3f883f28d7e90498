//! WhatsApp message templates over HTTP: create (JSON, or a form with
//! `components` as JSON text), validation (100), duplicates (100/2388024),
//! listing with filters, field selection and cursor paging in creation order,
//! `GET /{template-id}`, the automatic review at exactly 60 virtual seconds and
//! its `whatsapp_template_status` event, a sandbox without automatic review,
//! the control-plane review route, what sending a template in each status
//! answers (132001/132015/132016), edits back into review, deletion by name and
//! by `hsm_id`, the 250-template limit, and the management permission.

use client_tests::business::{
    ALICE, MANAGER, add_token, assert_missing_permission, assert_param_error, assert_success,
    assert_whatsapp_error, call_as, delete, events, get, now, post, post_form,
};
use client_tests::{Reply, Sandbox, Sim, V, Value, demo_fixture, json, query, unsupported};
use reqwest::Method;

const T0: i64 = 1_767_225_600;

fn waba(sandbox: &Sandbox) -> &str {
    sandbox.id_of("waba")
}

fn templates_path(sandbox: &Sandbox) -> String {
    format!("/{}/message_templates", waba(sandbox))
}

fn body(text: &str) -> Value {
    json!([{ "type": "BODY", "text": text }])
}

/// `POST /{waba-id}/message_templates` with JSON.
async fn create_raw(sim: &Sim, sandbox: &Sandbox, template: &Value) -> Reply {
    post(sim, sandbox, &templates_path(sandbox), template).await
}

/// Create a template and check Meta's exact answer; returns its id.
#[track_caller]
fn assert_created(reply: &Reply, category: &str) -> String {
    let id = reply.ok()["id"].as_str().expect("an id").to_owned();
    assert!(
        id.len() == 16 && id.bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    assert_eq!(
        reply.json,
        json!({ "id": id, "status": "PENDING", "category": category })
    );
    id
}

async fn create(
    sim: &Sim,
    sandbox: &Sandbox,
    name: &str,
    language: &str,
    category: &str,
) -> String {
    let reply = create_raw(
        sim,
        sandbox,
        &json!({
            "name": name, "language": language, "category": category,
            "components": body("Hi {{1}}, your code is ready."),
        }),
    )
    .await;
    assert_created(&reply, &category.to_ascii_uppercase())
}

async fn template(sim: &Sim, sandbox: &Sandbox, id: &str) -> Value {
    get(sim, sandbox, &format!("/{id}")).await.ok().clone()
}

async fn status(sim: &Sim, sandbox: &Sandbox, id: &str) -> String {
    let fields = get(sim, sandbox, &format!("/{id}?fields=status")).await;
    fields.ok()["status"].as_str().expect("a status").to_owned()
}

async fn review(sim: &Sim, sandbox: &Sandbox, id: &str, decision: Value) -> Reply {
    sim.post_json(
        &sandbox.sim(&format!("/whatsapp/templates/{id}/review")),
        &decision,
    )
    .await
}

/// Send `name` (en_US) with one body parameter to Alice.
async fn send_template(sim: &Sim, sandbox: &Sandbox, name: &str) -> Reply {
    let message = json!({
        "messaging_product": "whatsapp",
        "to": ALICE,
        "type": "template",
        "template": {
            "name": name,
            "language": { "code": "en_US" },
            "components": [{ "type": "body", "parameters": [{ "type": "text", "text": "Ana" }] }],
        },
    });
    post(
        sim,
        sandbox,
        &format!("/{}/messages", sandbox.id_of("phone_number")),
        &message,
    )
    .await
}

#[track_caller]
fn assert_template_sent(reply: &Reply) {
    let id = reply.ok()["messages"][0]["id"].as_str().expect("a wamid");
    assert_eq!(
        reply.json,
        json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": ALICE, "wa_id": ALICE }],
            "messages": [{ "id": id, "message_status": "accepted" }],
        })
    );
}

#[track_caller]
fn assert_does_not_exist(reply: &Reply, name: &str) {
    let error = reply.assert_error(404, 132001, Some(2388040), "OAuthException");
    assert_eq!(
        reply.message(),
        "(#132001) Template name does not exist in the translation"
    );
    assert_eq!(
        error["error_data"],
        json!({
            "messaging_product": "whatsapp",
            "details": format!("template name ({name}) does not exist in en_US"),
        })
    );
}

/// The `whatsapp_template_status` events of the sandbox, without `seq`.
async fn template_events(sim: &Sim, sandbox: &Sandbox) -> Vec<Value> {
    events(sim, sandbox, "whatsapp_template_status")
        .await
        .into_iter()
        .map(|mut event| {
            event.as_object_mut().expect("an object").remove("seq");
            event
        })
        .collect()
}

fn status_event(
    sandbox: &Sandbox,
    time: i64,
    id: &str,
    name: &str,
    event: &str,
    reason: Option<&str>,
) -> Value {
    let mut expected = json!({
        "time": time,
        "kind": "whatsapp_template_status",
        "waba_id": waba(sandbox),
        "template_id": id,
        "name": name,
        "language": "en_US",
        "category": "UTILITY",
        "event": event,
    });
    if let Some(reason) = reason {
        expected["reason"] = json!(reason);
    }
    expected
}

async fn manual_review_sandbox(sim: &Sim) -> Sandbox {
    sim.create_sandbox(json!({ "seed": 7, "template_review": { "auto_approve": false } }))
        .await
}

#[tokio::test]
async fn create_with_json_or_a_form_answers_pending_with_the_upper_cased_category() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let components = json!([
        { "type": "HEADER", "format": "TEXT", "text": "Order {{1}}" },
        { "type": "BODY", "text": "Hi {{1}}, order {{2}} has shipped." },
        { "type": "FOOTER", "text": "Lucky Shrub" },
        { "type": "BUTTONS", "buttons": [{ "type": "QUICK_REPLY", "text": "Thanks" }] },
    ]);
    let reply = create_raw(
        &sim,
        &sandbox,
        &json!({ "name": "order_shipped", "language": "en_US", "category": "utility", "components": components }),
    )
    .await;
    let json_id = assert_created(&reply, "UTILITY");

    let named =
        json!([{ "type": "body", "text": "Hello {{first_name}}, {{ offer_code }} is yours." }]);
    let reply = post_form(
        &sim,
        &sandbox,
        &templates_path(&sandbox),
        &[
            ("name", "spring_offer"),
            ("language", "pt_BR"),
            ("category", "Marketing"),
            ("components", &named.to_string()),
        ],
    )
    .await;
    let form_id = assert_created(&reply, "MARKETING");
    assert_ne!(json_id, form_id);

    assert_eq!(
        template(&sim, &sandbox, &json_id).await,
        json!({
            "name": "order_shipped",
            "parameter_format": "POSITIONAL",
            "components": components,
            "language": "en_US",
            "status": "PENDING",
            "category": "UTILITY",
            "id": json_id,
        })
    );
    assert_eq!(
        template(&sim, &sandbox, &form_id).await,
        json!({
            "name": "spring_offer",
            "parameter_format": "NAMED",
            "components": named,
            "language": "pt_BR",
            "status": "PENDING",
            "category": "MARKETING",
            "id": form_id,
        })
    );
    let selected = get(
        &sim,
        &sandbox,
        &format!("/{json_id}?fields=status,rejected_reason,category"),
    )
    .await;
    assert_eq!(
        selected.ok(),
        &json!({ "status": "PENDING", "rejected_reason": "NONE", "category": "UTILITY", "id": json_id })
    );
    let unknown = get(&sim, &sandbox, &format!("/{json_id}?fields=quality")).await;
    assert_param_error(
        &unknown,
        "Tried accessing nonexisting field (quality) on node type (WhatsAppBusinessHSM)",
    );
}

#[tokio::test]
async fn names_categories_and_components_are_validated() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(2).await;
    let ok = json!({ "name": "fine", "language": "en_US", "category": "UTILITY", "components": body("Hi") });
    let with = |key: &str, value: Value| {
        let mut template = ok.clone();
        template[key] = value;
        template
    };
    let without = |key: &str| {
        let mut template = ok.clone();
        template.as_object_mut().unwrap().remove(key);
        template
    };
    let bad_name = "name may contain only lowercase letters, digits and underscores (at most 512)";
    let cases: Vec<(Value, String)> = vec![
        (with("name", json!("Order_Update")), bad_name.into()),
        (with("name", json!("order update")), bad_name.into()),
        (with("name", json!("order-update")), bad_name.into()),
        (with("name", json!("x".repeat(513))), bad_name.into()),
        (without("name"), "The parameter name is required".into()),
        (
            with("name", json!("  ")),
            "The parameter name is required".into(),
        ),
        (
            without("language"),
            "The parameter language is required".into(),
        ),
        (
            without("category"),
            "The parameter category is required".into(),
        ),
        (
            with("category", json!("PROMOTION")),
            "category must be one of MARKETING, UTILITY, AUTHENTICATION - got \"PROMOTION\"".into(),
        ),
        (
            without("components"),
            "The parameter components is required".into(),
        ),
        (
            with("components", json!([])),
            "components must be a non-empty array".into(),
        ),
        (
            with("components", json!({ "type": "BODY", "text": "Hi" })),
            "components must be a non-empty array".into(),
        ),
        (
            with("components", json!([{ "type": "FOOTER", "text": "Bye" }])),
            "a template needs a BODY component".into(),
        ),
        (
            with("components", body(&"b".repeat(1025))),
            "components[0] (BODY) text is longer than 1024 characters".into(),
        ),
        (
            with(
                "components",
                json!([{ "type": "HEADER", "format": "TEXT", "text": "h".repeat(61) }, { "type": "BODY", "text": "Hi" }]),
            ),
            "components[0] (HEADER) text is longer than 60 characters".into(),
        ),
        (
            with(
                "components",
                json!([{ "type": "BODY", "text": "Hi" }, { "type": "FOOTER", "text": "f".repeat(61) }]),
            ),
            "components[1] (FOOTER) text is longer than 60 characters".into(),
        ),
        (
            with(
                "components",
                json!([{ "type": "BODY", "text": "Hi" }, { "type": "TITLE", "text": "t" }]),
            ),
            "components[1].type must be one of HEADER, BODY, FOOTER, BUTTONS, CALL_PERMISSION_REQUEST - got \"TITLE\""
                .into(),
        ),
    ];
    for (template, detail) in &cases {
        let reply = create_raw(&sim, &sandbox, template).await;
        assert_param_error(&reply, detail);
    }
    let form = post_form(
        &sim,
        &sandbox,
        &templates_path(&sandbox),
        &[
            ("name", "fine"),
            ("language", "en_US"),
            ("category", "UTILITY"),
            ("components", "[{not json"),
        ],
    )
    .await;
    assert_param_error(&form, "Param components must be JSON");

    // The limits themselves are allowed.
    let mut longest = with("name", json!("n".repeat(512)));
    longest["components"] = json!([
        { "type": "HEADER", "format": "TEXT", "text": "h".repeat(60) },
        { "type": "BODY", "text": "b".repeat(1024) },
        { "type": "FOOTER", "text": "f".repeat(60) },
    ]);
    assert_created(&create_raw(&sim, &sandbox, &longest).await, "UTILITY");
    let auth = with("category", json!("authentication"));
    assert_created(&create_raw(&sim, &sandbox, &auth).await, "AUTHENTICATION");
    // Nothing refused was stored.
    let listed = get(
        &sim,
        &sandbox,
        &format!("{}?fields=name", templates_path(&sandbox)),
    )
    .await;
    assert_eq!(listed.ok()["data"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn the_same_name_and_language_twice_is_2388024() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    create(&sim, &sandbox, "receipt", "en_US", "UTILITY").await;
    for (name, language) in [("receipt", "en_US"), ("hello_world", "en_US")] {
        let reply = create_raw(
            &sim,
            &sandbox,
            &json!({ "name": name, "language": language, "category": "MARKETING", "components": body("Again") }),
        )
        .await;
        let error = reply.assert_error(400, 100, Some(2388024), "OAuthException");
        assert_eq!(reply.message(), "(#100) Invalid parameter");
        assert_eq!(
            error["error_user_title"],
            "Content in This Language Already Exists"
        );
        assert_eq!(
            error["error_user_msg"],
            json!(format!(
                "There is already {language} content for the template {name}. Create a new template or edit this one."
            ))
        );
    }
    // Another language of the same name is a separate template.
    create(&sim, &sandbox, "receipt", "es", "UTILITY").await;
    create(&sim, &sandbox, "hello_world", "de", "UTILITY").await;
}

#[tokio::test]
async fn listing_filters_selects_fields_and_pages_in_creation_order() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let path = templates_path(&sandbox);
    let fixture = get(&sim, &sandbox, &path).await;
    let fixture = fixture.ok()["data"].as_array().unwrap().clone();
    let names: Vec<&str> = fixture
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hello_world", "order_update", "spring_sale"]);
    assert_eq!(
        fixture[1],
        json!({
            "name": "order_update",
            "parameter_format": "POSITIONAL",
            "components": [
                { "type": "BODY", "text": "Hi {{1}}, your order {{2}} has shipped and will arrive tomorrow." },
                { "type": "FOOTER", "text": "Lucky Shrub" },
            ],
            "language": "en_US",
            "status": "APPROVED",
            "category": "UTILITY",
            "id": fixture[1]["id"],
        })
    );

    let zebra = create(&sim, &sandbox, "zebra", "en_US", "MARKETING").await;
    let alpha = create(&sim, &sandbox, "alpha", "es", "utility").await;
    let zebra_es = create(&sim, &sandbox, "zebra", "es", "authentication").await;
    let ids = |reply: &Reply| -> Vec<String> {
        reply.ok()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let fixture_ids: Vec<String> = fixture
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let all = get(&sim, &sandbox, &path).await;
    let mut expected = fixture_ids.clone();
    expected.extend([zebra.clone(), alpha.clone(), zebra_es.clone()]);
    assert_eq!(ids(&all), expected, "creation order, not name order");

    let filtered = |filters: &[(&str, &str)]| format!("{path}?{}", query(filters));
    type Filters<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(Filters, Vec<String>)> = vec![
        (
            vec![("name", "zebra")],
            vec![zebra.clone(), zebra_es.clone()],
        ),
        (
            vec![("language", "es")],
            vec![alpha.clone(), zebra_es.clone()],
        ),
        (
            vec![("status", "PENDING")],
            vec![zebra.clone(), alpha.clone(), zebra_es.clone()],
        ),
        (vec![("status", "approved")], fixture_ids.clone()),
        (
            vec![("category", "MARKETING")],
            vec![fixture_ids[2].clone(), zebra.clone()],
        ),
        (
            vec![("category", "UTILITY"), ("status", "PENDING")],
            vec![alpha.clone()],
        ),
        (
            vec![("name", "zebra"), ("language", "es")],
            vec![zebra_es.clone()],
        ),
        (vec![("name", "nothing")], vec![]),
    ];
    for (filters, expected) in cases {
        let reply = get(&sim, &sandbox, &filtered(&filters)).await;
        assert_eq!(ids(&reply), expected, "filters {filters:?}");
    }

    let fields = get(
        &sim,
        &sandbox,
        &filtered(&[("fields", "name,status"), ("language", "es")]),
    )
    .await;
    assert_eq!(
        fields.ok()["data"],
        json!([
            { "name": "alpha", "status": "PENDING", "id": alpha },
            { "name": "zebra", "status": "PENDING", "id": zebra_es },
        ])
    );

    let first = get(&sim, &sandbox, &filtered(&[("limit", "2")])).await;
    assert_eq!(ids(&first), expected[..2]);
    let paging = &first.json["paging"];
    assert!(paging["previous"].is_null(), "{paging}");
    let next = paging["next"].as_str().expect("a next link");
    assert!(
        next.starts_with(&sim.url(&format!("/{V}{path}?"))),
        "{next}"
    );
    let after = paging["cursors"]["after"].as_str().unwrap();
    let second = get(
        &sim,
        &sandbox,
        &filtered(&[("limit", "2"), ("after", after)]),
    )
    .await;
    assert_eq!(ids(&second), expected[2..4]);
    let after = second.json["paging"]["cursors"]["after"].as_str().unwrap();
    let third = get(
        &sim,
        &sandbox,
        &filtered(&[("limit", "2"), ("after", after)]),
    )
    .await;
    assert_eq!(ids(&third), expected[4..]);
    assert!(third.json["paging"]["next"].is_null());
    assert!(third.json["paging"]["previous"].is_string());
    // Following the `next` link as a client does gives the same page.
    let followed = sim
        .send(sim.http.get(next).bearer_auth(sandbox.token(MANAGER)))
        .await;
    assert_eq!(ids(&followed), expected[2..4]);
}

#[tokio::test]
async fn a_pending_template_is_approved_exactly_60_virtual_seconds_later() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(5).await;
    assert_eq!(now(&sim, &sandbox).await, T0);
    let id = create(&sim, &sandbox, "code_ready", "en_US", "utility").await;
    assert_eq!(sim.advance(&sandbox, 59).await, T0 + 59);
    assert_eq!(status(&sim, &sandbox, &id).await, "PENDING");
    assert_eq!(template_events(&sim, &sandbox).await, Vec::<Value>::new());
    assert_eq!(sim.advance(&sandbox, 1).await, T0 + 60);
    // The event is there as soon as the clock moved, before any Graph call.
    assert_eq!(
        template_events(&sim, &sandbox).await,
        [status_event(
            &sandbox,
            T0 + 60,
            &id,
            "code_ready",
            "APPROVED",
            Some("NONE")
        )]
    );
    assert_eq!(status(&sim, &sandbox, &id).await, "APPROVED");
    assert_eq!(template(&sim, &sandbox, &id).await["status"], "APPROVED");

    // A big jump approves at the moment the review was due, not at the end of the jump.
    let late = create(&sim, &sandbox, "late_one", "en_US", "UTILITY").await;
    let later = create(&sim, &sandbox, "later_one", "en_US", "UTILITY").await;
    sim.advance(&sandbox, 3600).await;
    let events = template_events(&sim, &sandbox).await;
    assert_eq!(
        events[1..],
        [
            status_event(
                &sandbox,
                T0 + 120,
                &late,
                "late_one",
                "APPROVED",
                Some("NONE")
            ),
            status_event(
                &sandbox,
                T0 + 120,
                &later,
                "later_one",
                "APPROVED",
                Some("NONE")
            ),
        ]
    );
    assert_template_sent(&send_template(&sim, &sandbox, "late_one").await);
}

#[tokio::test]
async fn the_review_delay_is_a_sandbox_option() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 6, "template_review": { "delay_seconds": 10 } }))
        .await;
    let id = create(&sim, &sandbox, "quick", "en_US", "UTILITY").await;
    sim.advance(&sandbox, 9).await;
    assert_eq!(status(&sim, &sandbox, &id).await, "PENDING");
    sim.advance(&sandbox, 1).await;
    assert_eq!(status(&sim, &sandbox, &id).await, "APPROVED");

    let refused = sim
        .post_json(
            "/_sim/sandboxes",
            &json!({ "template_review": { "auto_approve": false, "delay": 5 } }),
        )
        .await;
    refused.assert_sim_error(400, None);
}

#[tokio::test]
async fn without_automatic_review_templates_stay_pending_until_the_control_plane_decides() {
    let sim = Sim::start().await;
    let sandbox = manual_review_sandbox(&sim).await;
    let id = create(&sim, &sandbox, "manual", "en_US", "UTILITY").await;
    sim.advance(&sandbox, 30 * 24 * 3600).await;
    assert_eq!(status(&sim, &sandbox, &id).await, "PENDING");
    assert_eq!(template_events(&sim, &sandbox).await, Vec::<Value>::new());
    let start = now(&sim, &sandbox).await;

    let rejected = review(&sim, &sandbox, &id, json!({ "status": "REJECTED" })).await;
    assert_eq!(rejected.ok()["status"], "REJECTED");
    assert_eq!(rejected.json["rejected_reason"], "INVALID_FORMAT");
    assert_eq!(rejected.json["id"], json!(id));
    let fields = get(
        &sim,
        &sandbox,
        &format!("/{id}?fields=status,rejected_reason"),
    )
    .await;
    assert_eq!(
        fields.ok(),
        &json!({ "status": "REJECTED", "rejected_reason": "INVALID_FORMAT", "id": id })
    );
    sim.advance(&sandbox, 10).await;
    let reason = json!({ "status": "REJECTED", "reason": "TAG_CONTENT_MISMATCH" });
    review(&sim, &sandbox, &id, reason).await.ok();
    let fields = get(&sim, &sandbox, &format!("/{id}?fields=rejected_reason")).await;
    assert_eq!(fields.ok()["rejected_reason"], "TAG_CONTENT_MISMATCH");
    let listed = get(
        &sim,
        &sandbox,
        &format!("{}?status=REJECTED&fields=name", templates_path(&sandbox)),
    )
    .await;
    assert_eq!(listed.ok()["data"], json!([{ "name": "manual", "id": id }]));

    sim.advance(&sandbox, 10).await;
    for decision in ["APPROVED", "PAUSED", "DISABLED"] {
        let reply = review(&sim, &sandbox, &id, json!({ "status": decision })).await;
        assert_eq!(reply.ok()["status"], decision);
        let fields = get(
            &sim,
            &sandbox,
            &format!("/{id}?fields=status,rejected_reason"),
        )
        .await;
        assert_eq!(
            fields.ok(),
            &json!({ "status": decision, "rejected_reason": "NONE", "id": id })
        );
    }
    // What each event adds (rejection_info, other_info, disable_info) is
    // whatsapp_webhook_details.rs's to check; here only where it appears.
    let mut events = template_events(&sim, &sandbox).await;
    let added: Vec<bool> = events
        .iter_mut()
        .map(|e| e.as_object_mut().unwrap().remove("info").is_some())
        .collect();
    assert_eq!(added, [true, false, false, true, true]);
    assert_eq!(
        events,
        [
            status_event(
                &sandbox,
                start,
                &id,
                "manual",
                "REJECTED",
                Some("INVALID_FORMAT")
            ),
            status_event(
                &sandbox,
                start + 10,
                &id,
                "manual",
                "REJECTED",
                Some("TAG_CONTENT_MISMATCH")
            ),
            status_event(
                &sandbox,
                start + 20,
                &id,
                "manual",
                "APPROVED",
                Some("NONE")
            ),
            status_event(&sandbox, start + 20, &id, "manual", "PAUSED", Some("NONE")),
            status_event(
                &sandbox,
                start + 20,
                &id,
                "manual",
                "DISABLED",
                Some("NONE")
            ),
        ]
    );

    let unknown = review(
        &sim,
        &sandbox,
        "3800000000000099",
        json!({ "status": "APPROVED" }),
    )
    .await;
    unknown.assert_sim_error(404, Some(33));
    assert_eq!(
        unknown.message(),
        "No message template with id \"3800000000000099\""
    );
    let bad_status = review(&sim, &sandbox, &id, json!({ "status": "MAYBE" })).await;
    assert_eq!(
        bad_status.assert_sim_error(400, None),
        "(#100) status must be one of APPROVED, REJECTED, PAUSED, DISABLED - got \"MAYBE\""
    );
    let lower_case = review(&sim, &sandbox, &id, json!({ "status": "approved" })).await;
    lower_case.assert_sim_error(400, None);
    let missing = review(&sim, &sandbox, &id, json!({ "reason": "x" })).await;
    missing.assert_sim_error(400, None);
    let extra = review(
        &sim,
        &sandbox,
        &id,
        json!({ "status": "APPROVED", "note": "x" }),
    )
    .await;
    extra.assert_sim_error(400, None);
    let other_sandbox = sim
        .post_json(
            &format!("/_sim/sandboxes/nope/whatsapp/templates/{id}/review"),
            &json!({ "status": "APPROVED" }),
        )
        .await;
    other_sandbox.assert_sim_error(404, Some(33));
    assert_eq!(status(&sim, &sandbox, &id).await, "DISABLED");
}

#[tokio::test]
async fn only_approved_templates_can_be_sent() {
    let sim = Sim::start().await;
    let sandbox = manual_review_sandbox(&sim).await;
    let id = create(&sim, &sandbox, "notice", "en_US", "UTILITY").await;

    assert_does_not_exist(&send_template(&sim, &sandbox, "notice").await, "notice");
    assert_does_not_exist(
        &send_template(&sim, &sandbox, "never_created").await,
        "never_created",
    );

    review(&sim, &sandbox, &id, json!({ "status": "APPROVED" }))
        .await
        .ok();
    assert_template_sent(&send_template(&sim, &sandbox, "notice").await);

    review(&sim, &sandbox, &id, json!({ "status": "PAUSED" }))
        .await
        .ok();
    assert_whatsapp_error(
        &send_template(&sim, &sandbox, "notice").await,
        400,
        132015,
        "Template is Paused",
        "The template is paused because of low quality.",
    );
    review(&sim, &sandbox, &id, json!({ "status": "DISABLED" }))
        .await
        .ok();
    assert_whatsapp_error(
        &send_template(&sim, &sandbox, "notice").await,
        400,
        132016,
        "Template is Disabled",
        "The template has been disabled because of low quality.",
    );
    review(&sim, &sandbox, &id, json!({ "status": "REJECTED" }))
        .await
        .ok();
    assert_does_not_exist(&send_template(&sim, &sandbox, "notice").await, "notice");

    // A refused send is synchronous: Alice got only the one approved send.
    let inbox = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/inbox")))
        .await;
    let received = inbox.ok()["data"].as_array().unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["text"], "Hi Ana, your code is ready.");
}

#[tokio::test]
async fn an_edit_goes_back_to_review_and_is_approved_again() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(8).await;
    let id = create(&sim, &sandbox, "edited", "en_US", "UTILITY").await;
    sim.advance(&sandbox, 60).await;
    assert_eq!(status(&sim, &sandbox, &id).await, "APPROVED");

    let components = json!([{ "type": "BODY", "text": "Hello {{name}}, new text." }]);
    let reply = post(
        &sim,
        &sandbox,
        &format!("/{id}"),
        &json!({ "components": components }),
    )
    .await;
    assert_success(&reply);
    let edited = template(&sim, &sandbox, &id).await;
    assert_eq!(edited["status"], "PENDING");
    assert_eq!(edited["components"], components);
    assert_eq!(edited["parameter_format"], "NAMED");
    assert_does_not_exist(&send_template(&sim, &sandbox, "edited").await, "edited");
    sim.advance(&sandbox, 59).await;
    assert_eq!(status(&sim, &sandbox, &id).await, "PENDING");
    sim.advance(&sandbox, 1).await;
    assert_eq!(status(&sim, &sandbox, &id).await, "APPROVED");
    let events = template_events(&sim, &sandbox).await;
    assert_eq!(
        events,
        [
            status_event(&sandbox, T0 + 60, &id, "edited", "APPROVED", Some("NONE")),
            status_event(&sandbox, T0 + 120, &id, "edited", "APPROVED", Some("NONE")),
        ]
    );

    // A form edit of the category; a rejected template loses its reason.
    review(
        &sim,
        &sandbox,
        &id,
        json!({ "status": "REJECTED", "reason": "SCAM" }),
    )
    .await
    .ok();
    let reply = post_form(
        &sim,
        &sandbox,
        &format!("/{id}"),
        &[("category", "marketing")],
    )
    .await;
    assert_success(&reply);
    let fields = get(
        &sim,
        &sandbox,
        &format!("/{id}?fields=status,category,rejected_reason"),
    )
    .await;
    assert_eq!(
        fields.ok(),
        &json!({ "status": "PENDING", "category": "MARKETING", "rejected_reason": "NONE", "id": id })
    );

    let nothing = post(&sim, &sandbox, &format!("/{id}"), &json!({})).await;
    assert_param_error(&nothing, "The parameter components or category is required");
    let bad = post(
        &sim,
        &sandbox,
        &format!("/{id}"),
        &json!({ "category": "spam" }),
    )
    .await;
    assert_param_error(
        &bad,
        "category must be one of MARKETING, UTILITY, AUTHENTICATION - got \"SPAM\"",
    );
    let no_body = post(
        &sim,
        &sandbox,
        &format!("/{id}"),
        &json!({ "components": [{ "type": "FOOTER", "text": "f" }] }),
    )
    .await;
    assert_param_error(&no_body, "a template needs a BODY component");
    // A refused edit changed nothing.
    assert_eq!(
        template(&sim, &sandbox, &id).await["components"],
        components
    );
}

#[tokio::test]
async fn delete_by_name_removes_every_language_and_by_hsm_id_just_one() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(9).await;
    let path = templates_path(&sandbox);
    let english = create(&sim, &sandbox, "promo", "en_US", "UTILITY").await;
    let spanish = create(&sim, &sandbox, "promo", "es", "UTILITY").await;
    let german = create(&sim, &sandbox, "promo", "de", "UTILITY").await;
    sim.advance(&sandbox, 60).await;
    assert_template_sent(&send_template(&sim, &sandbox, "promo").await);

    let one = delete(
        &sim,
        &sandbox,
        &format!(
            "{path}?{}",
            query(&[("name", "promo"), ("hsm_id", &spanish)])
        ),
    )
    .await;
    assert_success(&one);
    let left = get(
        &sim,
        &sandbox,
        &format!("{path}?name=promo&fields=language"),
    )
    .await;
    assert_eq!(
        left.ok()["data"],
        json!([{ "language": "en_US", "id": english }, { "language": "de", "id": german }])
    );
    let gone = get(&sim, &sandbox, &format!("/{spanish}")).await;
    gone.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(gone.message(), unsupported("get", &spanish));

    let all = delete(&sim, &sandbox, &format!("{path}?name=promo")).await;
    assert_success(&all);
    let left = get(&sim, &sandbox, &format!("{path}?name=promo")).await;
    assert_eq!(left.ok()["data"], json!([]));
    assert_does_not_exist(&send_template(&sim, &sandbox, "promo").await, "promo");

    let deleted: Vec<(String, String, i64)> = template_events(&sim, &sandbox)
        .await
        .into_iter()
        .filter(|e| e["event"] == "DELETED")
        .map(|e| {
            assert!(e.get("reason").is_none(), "{e}");
            (
                e["template_id"].as_str().unwrap().to_owned(),
                e["language"].as_str().unwrap().to_owned(),
                e["time"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        deleted,
        [
            (spanish.clone(), "es".to_owned(), T0 + 60),
            (english.clone(), "en_US".to_owned(), T0 + 60),
            (german.clone(), "de".to_owned(), T0 + 60),
        ]
    );

    let again = delete(&sim, &sandbox, &format!("{path}?name=promo")).await;
    assert_param_error(&again, "No message template matches the given name and id");
    let hello = template(&sim, &sandbox, &{
        let list = get(&sim, &sandbox, &format!("{path}?name=hello_world")).await;
        list.ok()["data"][0]["id"].as_str().unwrap().to_owned()
    })
    .await;
    let hello_id = hello["id"].as_str().unwrap();
    let mismatch = delete(
        &sim,
        &sandbox,
        &format!(
            "{path}?{}",
            query(&[("name", "order_update"), ("hsm_id", hello_id)])
        ),
    )
    .await;
    assert_param_error(
        &mismatch,
        "No message template matches the given name and id",
    );
    let nameless = delete(&sim, &sandbox, &format!("{path}?hsm_id={hello_id}")).await;
    assert_param_error(&nameless, "The parameter name is required");
    // The fixture's hello_world survived all of that.
    assert_eq!(
        template(&sim, &sandbox, hello_id).await["status"],
        "APPROVED"
    );
}

#[tokio::test]
async fn a_waba_holds_at_most_250_templates() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(10).await;
    // The fixture brings 3. At most 100 creations an hour: the 101st waits.
    for i in 0..247 {
        if i > 0 && i % 100 == 0 {
            let refused = create_raw(
                &sim,
                &sandbox,
                &json!({ "name": "too_fast", "language": "en_US", "category": "UTILITY", "components": body("x") }),
            )
            .await;
            assert_param_error(
                &refused,
                "This WhatsApp Business Account has created 100 message templates in the last hour; try again later",
            );
            sim.advance(&sandbox, 3600).await;
        }
        create(&sim, &sandbox, &format!("bulk_{i}"), "en_US", "UTILITY").await;
    }
    let reply = create_raw(
        &sim,
        &sandbox,
        &json!({ "name": "one_too_many", "language": "en_US", "category": "UTILITY", "components": body("x") }),
    )
    .await;
    assert_param_error(
        &reply,
        "This WhatsApp Business Account has reached its limit of 250 message templates",
    );
    let delete_one = delete(
        &sim,
        &sandbox,
        &format!("{}?name=bulk_0", templates_path(&sandbox)),
    )
    .await;
    assert_success(&delete_one);
    create(&sim, &sandbox, "one_too_many", "en_US", "UTILITY").await;
}

#[tokio::test]
async fn template_management_needs_whatsapp_business_management() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(11).await;
    let id = create(&sim, &sandbox, "guarded", "en_US", "UTILITY").await;
    let messaging_only =
        add_token(&sim, &sandbox, "sender", &["whatsapp_business_messaging"]).await;
    let path = templates_path(&sandbox);
    let scope = "whatsapp_business_management";
    let attempts = [
        (Method::GET, path.clone(), None),
        (
            Method::POST,
            path.clone(),
            Some(
                json!({ "name": "x", "language": "en_US", "category": "UTILITY", "components": body("x") }),
            ),
        ),
        (Method::DELETE, format!("{path}?name=guarded"), None),
        (Method::GET, format!("/{id}"), None),
        (
            Method::POST,
            format!("/{id}"),
            Some(json!({ "category": "MARKETING" })),
        ),
    ];
    for (method, path, body) in attempts {
        let reply = call_as(&sim, &messaging_only, method.clone(), &path, body.as_ref()).await;
        assert_missing_permission(&reply, scope);
    }
    // Nothing changed; the manager still sees the one template it made.
    let fields = get(&sim, &sandbox, &format!("/{id}?fields=name,category")).await;
    assert_eq!(
        fields.ok(),
        &json!({ "name": "guarded", "category": "UTILITY", "id": id })
    );

    // A management token limited to another WABA sees neither the WABA nor the template.
    let mut fixture = demo_fixture();
    fixture["whatsapp_business_accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "handle": "other_waba", "name": "Other", "business": "business" }));
    fixture["tokens"].as_array_mut().unwrap().push(json!({
        "handle": "other_manager", "subject": "system_user", "app": "app",
        "scopes": ["whatsapp_business_management"],
        "targets": { "whatsapp_business_management": ["other_waba"] },
    }));
    let sandbox = sim
        .create_sandbox(json!({ "seed": 12, "fixture": fixture }))
        .await;
    let other = sandbox.token("other_manager");
    let path = templates_path(&sandbox);
    let reply = call_as(&sim, other, Method::GET, &path, None).await;
    reply.assert_error(400, 100, Some(33), "GraphMethodException");
    let other_path = format!("/{}/message_templates", sandbox.id_of("other_waba"));
    let created = call_as(
        &sim,
        other,
        Method::POST,
        &other_path,
        Some(&json!({ "name": "mine", "language": "en_US", "category": "UTILITY", "components": body("x") })),
    )
    .await;
    assert_created(&created, "UTILITY");
    let listed = call_as(
        &sim,
        other,
        Method::GET,
        &format!("{other_path}?fields=name"),
        None,
    )
    .await;
    assert_eq!(listed.ok()["data"].as_array().unwrap().len(), 1);
}
