//! The WhatsApp business profile over HTTP: `GET
//! /{phone-number-id}/whatsapp_business_profile` (the demo fixture's profile as
//! a one-element `data` array, field selection, an unknown field → 100), and
//! partial updates with `POST` as JSON, as a form (websites as JSON text) or in
//! the query string: clearing with "" and `websites: []`, Meta's limits
//! (`(#100) Param …`), `profile_picture_handle` → `profile_picture_url`,
//! `messaging_product` required, refused updates changing nothing.

use client_tests::business::{
    MANAGER, add_token, assert_missing_permission, assert_param_error, assert_success, call_as,
    get, post, post_form,
};
use client_tests::{Reply, Sandbox, Sim, V, Value, demo_fixture, json, query};
use reqwest::Method;

fn profile_path(sandbox: &Sandbox) -> String {
    format!(
        "/{}/whatsapp_business_profile",
        sandbox.id_of("phone_number")
    )
}

/// The one profile in `data`, checking the envelope.
#[track_caller]
fn profile_of(reply: &Reply) -> Value {
    let data = reply.ok()["data"].as_array().expect("a data array");
    assert_eq!(data.len(), 1, "{}", reply.text());
    assert_eq!(
        reply.json.as_object().unwrap().len(),
        1,
        "only data: {}",
        reply.text()
    );
    data[0].clone()
}

async fn profile(sim: &Sim, sandbox: &Sandbox) -> Value {
    profile_of(&get(sim, sandbox, &profile_path(sandbox)).await)
}

async fn update(sim: &Sim, sandbox: &Sandbox, changes: Value) -> Reply {
    let mut body = json!({ "messaging_product": "whatsapp" });
    for (key, value) in changes.as_object().expect("an object") {
        body[key] = value.clone();
    }
    post(sim, sandbox, &profile_path(sandbox), &body).await
}

fn demo_profile() -> Value {
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

#[track_caller]
fn assert_keys(value: &Value, keys: &[&str]) {
    let actual: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(actual, keys);
}

#[tokio::test]
async fn the_demo_profile_and_field_selection() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let full = profile(&sim, &sandbox).await;
    assert_eq!(full, demo_profile());
    assert_keys(
        &full,
        &[
            "messaging_product",
            "about",
            "address",
            "description",
            "email",
            "websites",
            "vertical",
        ],
    );

    let path = profile_path(&sandbox);
    let selected = get(&sim, &sandbox, &format!("{path}?fields=vertical,about")).await;
    assert_eq!(
        profile_of(&selected),
        json!({
            "messaging_product": "whatsapp",
            "about": "Plants and garden supplies, delivered.",
            "vertical": "RETAIL",
        })
    );
    let all_fields = "about,address,description,email,profile_picture_url,websites,vertical";
    let every = get(&sim, &sandbox, &format!("{path}?fields={all_fields}")).await;
    assert_eq!(
        profile_of(&every),
        demo_profile(),
        "fields without a value are left out"
    );
    let picture_only = get(
        &sim,
        &sandbox,
        &format!("{path}?fields=profile_picture_url"),
    )
    .await;
    assert_eq!(
        profile_of(&picture_only),
        json!({ "messaging_product": "whatsapp" })
    );

    for unknown in ["hours", "about,category", "name"] {
        let reply = get(
            &sim,
            &sandbox,
            &format!("{path}?{}", query(&[("fields", unknown)])),
        )
        .await;
        let field = unknown.rsplit(',').next().unwrap();
        assert_param_error(
            &reply,
            &format!(
                "Tried accessing nonexisting field ({field}) on node type (WhatsAppBusinessProfile)"
            ),
        );
    }

    // A number without a profile in the fixture has an empty one.
    let mut fixture = demo_fixture();
    fixture["whatsapp_business_accounts"][0]["phone_numbers"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "handle": "bare", "display_phone_number": "+1 555-010-0002",
            "verified_name": "Lucky Shrub Two", "registered": true,
        }));
    let sandbox = sim
        .create_sandbox(json!({ "seed": 2, "fixture": fixture }))
        .await;
    let bare = get(
        &sim,
        &sandbox,
        &format!("/{}/whatsapp_business_profile", sandbox.id_of("bare")),
    )
    .await;
    assert_eq!(
        profile_of(&bare),
        json!({ "messaging_product": "whatsapp" })
    );
}

#[tokio::test]
async fn updates_are_partial_as_json_as_a_form_or_in_the_query() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    assert_success(&update(&sim, &sandbox, json!({ "about": "Now with cacti" })).await);
    let mut expected = demo_profile();
    expected["about"] = json!("Now with cacti");
    assert_eq!(profile(&sim, &sandbox).await, expected);

    let websites = json!([
        "https://luckyshrub.example",
        "http://shop.luckyshrub.example/path?q=1"
    ]);
    let form = post_form(
        &sim,
        &sandbox,
        &profile_path(&sandbox),
        &[
            ("messaging_product", "whatsapp"),
            ("description", "Garden centre"),
            ("vertical", "GROCERY"),
            ("websites", &websites.to_string()),
        ],
    )
    .await;
    assert_success(&form);
    expected["description"] = json!("Garden centre");
    expected["vertical"] = json!("GROCERY");
    expected["websites"] = websites.clone();
    assert_eq!(profile(&sim, &sandbox).await, expected);

    // pywa-style: an empty POST with the parameters in the query string.
    let params = [
        ("messaging_product", "whatsapp"),
        ("address", "2 Garden Way"),
    ];
    let reply = call_as(
        &sim,
        sandbox.token(MANAGER),
        Method::POST,
        &format!("{}?{}", profile_path(&sandbox), query(&params)),
        None,
    )
    .await;
    assert_success(&reply);
    expected["address"] = json!("2 Garden Way");
    assert_eq!(profile(&sim, &sandbox).await, expected);

    // An update with nothing but the product changes nothing.
    assert_success(&update(&sim, &sandbox, json!({})).await);
    assert_eq!(profile(&sim, &sandbox).await, expected);
}

#[tokio::test]
async fn empty_strings_and_an_empty_website_list_clear() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let reply = update(
        &sim,
        &sandbox,
        json!({ "address": "", "description": "", "email": "", "websites": [] }),
    )
    .await;
    assert_success(&reply);
    let cleared = profile(&sim, &sandbox).await;
    assert_eq!(
        cleared,
        json!({
            "messaging_product": "whatsapp",
            "about": "Plants and garden supplies, delivered.",
            "vertical": "RETAIL",
        })
    );
    // Set again, then clear websites with a form.
    let reply = update(
        &sim,
        &sandbox,
        json!({ "websites": ["https://a.example"], "email": "a@b.example" }),
    )
    .await;
    assert_success(&reply);
    let restored = profile(&sim, &sandbox).await;
    assert_eq!(restored["websites"], json!(["https://a.example"]));
    assert_eq!(restored["email"], "a@b.example");
    let form = post_form(
        &sim,
        &sandbox,
        &profile_path(&sandbox),
        &[
            ("messaging_product", "whatsapp"),
            ("websites", "[]"),
            ("email", ""),
        ],
    )
    .await;
    assert_success(&form);
    assert_eq!(profile(&sim, &sandbox).await, cleared);

    // `about` cannot be cleared.
    let reply = update(&sim, &sandbox, json!({ "about": "" })).await;
    assert_param_error(&reply, "Param about cannot be empty");
    assert_eq!(profile(&sim, &sandbox).await, cleared);
}

#[tokio::test]
async fn meta_limits_are_param_errors_and_change_nothing() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(5).await;
    let long_email = format!(
        "{}@luckyshrub.example",
        "e".repeat(128 - "@luckyshrub.example".len())
    );
    assert_eq!(long_email.len(), 128);
    let long_url = format!("https://luckyshrub.example/{}", "p".repeat(256 - 27));
    assert_eq!(long_url.len(), 256);
    let at_the_limits = json!({
        "about": "a".repeat(139),
        "address": "d".repeat(256),
        "description": "é".repeat(512),
        "email": long_email,
        "websites": [long_url, "http://b.example"],
        "vertical": "NOT_A_BIZ",
    });
    assert_success(&update(&sim, &sandbox, at_the_limits.clone()).await);
    let mut expected = at_the_limits.clone();
    expected["messaging_product"] = json!("whatsapp");
    let stored = profile(&sim, &sandbox).await;
    for key in [
        "about",
        "address",
        "description",
        "email",
        "websites",
        "vertical",
    ] {
        assert_eq!(stored[key], expected[key], "{key}");
    }

    let verticals = "UNDEFINED, OTHER, AUTO, BEAUTY, APPAREL, EDU, ENTERTAIN, EVENT_PLAN, FINANCE, GROCERY, GOVT, HOTEL, HEALTH, NONPROFIT, PROF_SERVICES, RETAIL, TRAVEL, RESTAURANT, NOT_A_BIZ, ALCOHOL, ONLINE_GAMBLING, PHYSICAL_GAMBLING, OTC_DRUGS";
    let cases = [
        (json!({ "about": "a".repeat(140) }), "Param about must be at most 139 characters long".to_owned()),
        (json!({ "address": "d".repeat(257) }), "Param address must be at most 256 characters long".to_owned()),
        (
            json!({ "description": "d".repeat(513) }),
            "Param description must be at most 512 characters long".to_owned(),
        ),
        (json!({ "email": "not-an-address" }), "Param email must be a valid email address".to_owned()),
        (
            json!({ "email": format!("x{long_email}") }),
            "Param email must be at most 128 characters long".to_owned(),
        ),
        (
            json!({ "websites": ["https://a.example", "https://b.example", "https://c.example"] }),
            "Param websites takes at most 2 URLs".to_owned(),
        ),
        (
            json!({ "websites": ["ftp://files.example"] }),
            "Param websites: \"ftp://files.example\" must start with http:// or https:// (at most 256 characters)".to_owned(),
        ),
        (
            json!({ "websites": [format!("{long_url}p")] }),
            format!("Param websites: \"{long_url}p\" must start with http:// or https:// (at most 256 characters)"),
        ),
        (json!({ "websites": [1] }), "Param websites must be an array of URLs".to_owned()),
        (json!({ "websites": { "url": "https://a.example" } }), "Param websites must be an array of URLs".to_owned()),
        (
            json!({ "vertical": "SPACE" }),
            format!("Param vertical must be one of {{{verticals}}} - got \"SPACE\""),
        ),
        (
            json!({ "vertical": "retail" }),
            format!("Param vertical must be one of {{{verticals}}} - got \"retail\""),
        ),
        // One bad field refuses the whole update.
        (
            json!({ "about": "Changed", "email": "nope" }),
            "Param email must be a valid email address".to_owned(),
        ),
    ];
    for (changes, detail) in &cases {
        let reply = update(&sim, &sandbox, changes.clone()).await;
        assert_param_error(&reply, detail);
    }
    let form = post_form(
        &sim,
        &sandbox,
        &profile_path(&sandbox),
        &[
            ("messaging_product", "whatsapp"),
            ("websites", "https://a.example"),
        ],
    )
    .await;
    assert_param_error(&form, "Param websites must be JSON");
    assert_eq!(
        profile(&sim, &sandbox).await,
        stored,
        "nothing refused was applied"
    );
}

#[tokio::test]
async fn a_picture_handle_sets_the_picture_url() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(6).await;
    let handle = "4::aW1hZ2UvanBlZw==:ARZxZ2VkZXRhaWxz";
    assert_success(&update(&sim, &sandbox, json!({ "profile_picture_handle": handle })).await);
    let with_picture = profile(&sim, &sandbox).await;
    let url = with_picture["profile_picture_url"]
        .as_str()
        .expect("a picture url")
        .to_owned();
    assert!(
        url.starts_with("https://pps.whatsapp.net/v/t61.24694-24/"),
        "{url}"
    );
    assert!(url.ends_with(".jpg"), "{url}");
    assert_keys(
        &with_picture,
        &[
            "messaging_product",
            "about",
            "address",
            "description",
            "email",
            "profile_picture_url",
            "websites",
            "vertical",
        ],
    );
    let path = profile_path(&sandbox);
    let only = get(
        &sim,
        &sandbox,
        &format!("{path}?fields=profile_picture_url"),
    )
    .await;
    assert_eq!(
        profile_of(&only),
        json!({ "messaging_product": "whatsapp", "profile_picture_url": url })
    );

    // The same handle gives the same URL for the same seed; another handle another URL.
    let twin = sim.demo(6).await;
    assert_success(&update(&sim, &twin, json!({ "profile_picture_handle": handle })).await);
    assert_eq!(
        profile(&sim, &twin).await["profile_picture_url"],
        json!(url)
    );
    assert_success(&update(&sim, &twin, json!({ "profile_picture_handle": "4::other" })).await);
    assert_ne!(
        profile(&sim, &twin).await["profile_picture_url"],
        json!(url)
    );
}

#[tokio::test]
async fn messaging_product_is_required_and_the_management_scope_too() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(7).await;
    let path = profile_path(&sandbox);
    let missing = post(&sim, &sandbox, &path, &json!({ "about": "No product" })).await;
    assert_param_error(&missing, "The parameter messaging_product is required");
    let wrong = post(
        &sim,
        &sandbox,
        &path,
        &json!({ "messaging_product": "instagram", "about": "x" }),
    )
    .await;
    assert_param_error(
        &wrong,
        "Param messaging_product must be one of {whatsapp} - got \"instagram\".",
    );
    let form = post_form(&sim, &sandbox, &path, &[("about", "No product")]).await;
    assert_param_error(&form, "The parameter messaging_product is required");
    assert_eq!(profile(&sim, &sandbox).await, demo_profile());

    let sender = add_token(&sim, &sandbox, "sender", &["whatsapp_business_messaging"]).await;
    let read = call_as(&sim, &sender, Method::GET, &path, None).await;
    assert_missing_permission(&read, "whatsapp_business_management");
    let body = json!({ "messaging_product": "whatsapp", "about": "Hijacked" });
    let write = call_as(&sim, &sender, Method::POST, &path, Some(&body)).await;
    assert_missing_permission(&write, "whatsapp_business_management");
    assert_eq!(profile(&sim, &sandbox).await, demo_profile());
    let anonymous = sim.get(&format!("/{V}{path}")).await;
    anonymous.assert_error(401, 104, None, "OAuthException");
}

#[tokio::test]
async fn the_profile_and_the_bot_are_objects_of_their_own() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(8).await;
    let listed = profile_of(
        &get(
            &sim,
            &sandbox,
            &format!("{}?fields=id,about", profile_path(&sandbox)),
        )
        .await,
    );
    let profile_id = listed["id"].as_str().expect("the profile's id").to_owned();
    assert_ne!(profile_id, sandbox.id_of("phone_number"));
    let mut flat = demo_profile();
    flat["id"] = json!(profile_id);
    let read = get(&sim, &sandbox, &format!("/{profile_id}")).await;
    assert_eq!(read.ok(), &flat);
    let changed = post(
        &sim,
        &sandbox,
        &format!("/{profile_id}"),
        &json!({ "messaging_product": "whatsapp", "about": "Now open on Sundays" }),
    )
    .await;
    assert_success(&changed);
    assert_eq!(
        profile(&sim, &sandbox).await["about"],
        "Now open on Sundays"
    );

    let phone_id = sandbox.id_of("phone_number");
    let number = get(
        &sim,
        &sandbox,
        &format!("/{phone_id}?fields=conversational_automation"),
    )
    .await;
    let automation = number.ok()["conversational_automation"].clone();
    let bot_id = automation["id"].as_str().expect("the bot's id").to_owned();
    assert_ne!(bot_id, phone_id);
    assert_eq!(
        get(&sim, &sandbox, &format!("/{bot_id}")).await.ok(),
        &automation
    );
    let narrowed = get(
        &sim,
        &sandbox,
        &format!("/{bot_id}?fields=enable_welcome_message"),
    )
    .await;
    let welcome = automation["enable_welcome_message"].clone();
    assert_eq!(
        narrowed.ok(),
        &json!({ "id": bot_id, "enable_welcome_message": welcome })
    );
    let unknown = get(&sim, &sandbox, &format!("/{bot_id}?fields=name")).await;
    unknown.assert_error(400, 100, None, "OAuthException");
    let deleted = call_as(
        &sim,
        sandbox.token(MANAGER),
        Method::DELETE,
        &format!("/{bot_id}"),
        None,
    )
    .await;
    deleted.assert_error(400, 100, Some(33), "GraphMethodException");
    let edge = get(&sim, &sandbox, &format!("/{bot_id}/prompts")).await;
    edge.assert_error(400, 2500, None, "OAuthException");

    let sender = add_token(&sim, &sandbox, "sender", &["whatsapp_business_messaging"]).await;
    for id in [&profile_id, &bot_id] {
        let hidden = call_as(&sim, &sender, Method::GET, &format!("/{id}"), None).await;
        hidden.assert_error(400, 100, Some(33), "GraphMethodException");
    }
}
