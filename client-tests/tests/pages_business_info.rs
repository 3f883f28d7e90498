//! A Facebook Page's business info — what a linked WhatsApp number's profile
//! is synced from (issue 5). Over the Graph API: `GET /{page-id}?fields=…`
//! (about, description, emails, phone, website, hours, single_line_address,
//! category, and the WhatsApp fields, absent or false while nothing is
//! linked) and `POST /{page-id}` with a Page access token that has
//! `pages_manage_metadata`, as a form or JSON, `location` read into
//! `single_line_address`, empty values clearing, Meta's `(#100) Param …`
//! checks and the 210 for any other token. Over the control plane: creating a
//! Page as a Facebook user (`POST /pages`, which hands the creator's user
//! tokens a Page token), reading it and editing it (`GET`/`POST
//! /pages/{page-id}`).

use client_tests::business::{assert_param_error, assert_success};
use client_tests::{Reply, Sandbox, Sim, V, Value, demo_fixture, json};
use reqwest::Method;

const ALL_FIELDS: &str = "about,description,emails,phone,website,hours,single_line_address,category,whatsapp_number,has_whatsapp_number,has_whatsapp_business_number";

/// The Page token `/me/accounts` hands `user_token` for `page`.
async fn page_token_of(sim: &Sim, user_token: &str, page: &str) -> String {
    let accounts = sim.get_as(user_token, &format!("/{V}/me/accounts")).await;
    accounts.ok()["data"]
        .as_array()
        .expect("accounts data")
        .iter()
        .find(|account| account["id"] == page)
        .unwrap_or_else(|| panic!("page {page} in {}", accounts.text()))["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// The demo Page's token, through the demo owner's user token.
async fn page_token(sim: &Sim, sandbox: &Sandbox) -> String {
    page_token_of(sim, sandbox.token("user_token"), sandbox.id_of("page")).await
}

async fn read(sim: &Sim, token: &str, page: &str, fields: &str) -> Value {
    let reply = sim
        .get_as(token, &format!("/{V}/{page}?fields={fields}"))
        .await;
    reply.ok().clone()
}

async fn edit_form(sim: &Sim, token: &str, page: &str, pairs: &[(&str, &str)]) -> Reply {
    sim.send(
        sim.request(Method::POST, &format!("/{V}/{page}"))
            .bearer_auth(token)
            .form(pairs),
    )
    .await
}

async fn edit_json(sim: &Sim, token: &str, page: &str, body: &Value) -> Reply {
    sim.send(
        sim.request(Method::POST, &format!("/{V}/{page}"))
            .bearer_auth(token)
            .json(body),
    )
    .await
}

/// The demo Page's business info as `GET /{page-id}?fields=ALL_FIELDS` shows it.
fn demo_info(page: &str) -> Value {
    json!({
        "id": page,
        "about": "Plants and garden supplies, delivered.",
        "description": "A family garden centre with same-day delivery of plants, pots and tools.",
        "emails": ["hello@luckyshrub.example"],
        "phone": "+1 555-010-0001",
        "website": "https://luckyshrub.example",
        "hours": {
            "mon_1_open": "09:00", "mon_1_close": "17:00",
            "sat_1_open": "10:00", "sat_1_close": "14:00",
        },
        "single_line_address": "1 Garden Way, Springfield",
        "category": "Garden Center",
        "has_whatsapp_number": false,
        "has_whatsapp_business_number": false,
    })
}

#[tokio::test]
async fn the_demo_page_shows_its_business_info_and_no_whatsapp_number() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(501).await;
    let page = sandbox.id_of("page");
    // Readable with the user token and with the Page's own token.
    let as_user = read(&sim, sandbox.token("user_token"), page, ALL_FIELDS).await;
    assert_eq!(as_user, demo_info(page));
    assert!(
        as_user.get("whatsapp_number").is_none(),
        "no number while unlinked: {as_user}"
    );
    let token = page_token(&sim, &sandbox).await;
    assert_eq!(read(&sim, &token, page, ALL_FIELDS).await, demo_info(page));
    let only = read(&sim, &token, page, "has_whatsapp_number,whatsapp_number").await;
    assert_eq!(only, json!({ "id": page, "has_whatsapp_number": false }));
}

#[tokio::test]
async fn a_page_token_edits_the_business_info_as_a_form() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(502).await;
    let page = sandbox.id_of("page");
    let token = page_token(&sim, &sandbox).await;
    let hours = json!({ "tue_1_open": "08:30", "tue_1_close": "12:00", "tue_2_open": "13:00", "tue_2_close": "18:45" });
    let location = json!({ "street": "2 Orchard Lane", "city": "Shelbyville", "state": "IL", "zip": "62565", "country": "United States" });
    let reply = edit_form(
        &sim,
        &token,
        page,
        &[
            ("about", "Now open on Tuesdays."),
            ("description", "Plants, pots and a café."),
            (
                "emails",
                r#"["shop@luckyshrub.example","help@luckyshrub.example"]"#,
            ),
            ("phone", "+1 555-010-0002"),
            ("website", "http://shop.luckyshrub.example/"),
            ("hours", &hours.to_string()),
            ("location", &location.to_string()),
        ],
    )
    .await;
    assert_success(&reply);
    let mut expected = demo_info(page);
    expected["about"] = json!("Now open on Tuesdays.");
    expected["description"] = json!("Plants, pots and a café.");
    expected["emails"] = json!(["shop@luckyshrub.example", "help@luckyshrub.example"]);
    expected["phone"] = json!("+1 555-010-0002");
    expected["website"] = json!("http://shop.luckyshrub.example/");
    expected["hours"] = hours;
    expected["single_line_address"] = json!("2 Orchard Lane, Shelbyville, IL 62565, United States");
    assert_eq!(read(&sim, &token, page, ALL_FIELDS).await, expected);

    // Partial: one field changes, the others stay.
    assert_success(&edit_form(&sim, &token, page, &[("about", "Closed Mondays.")]).await);
    expected["about"] = json!("Closed Mondays.");
    assert_eq!(read(&sim, &token, page, ALL_FIELDS).await, expected);

    // A location without some parts leaves them out of the line.
    let partial = json!({ "city": "Ogdenville", "country": "US" });
    assert_success(&edit_form(&sim, &token, page, &[("location", &partial.to_string())]).await);
    expected["single_line_address"] = json!("Ogdenville, US");
    assert_eq!(read(&sim, &token, page, ALL_FIELDS).await, expected);

    // The category is not changed through the API (metasim reads no category ids).
    assert_success(&edit_form(&sim, &token, page, &[("category", "Zoo")]).await);
    assert_eq!(read(&sim, &token, page, ALL_FIELDS).await, expected);
}

#[tokio::test]
async fn a_page_token_edits_the_business_info_as_json() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(503).await;
    let page = sandbox.id_of("page");
    let token = page_token(&sim, &sandbox).await;
    let body = json!({
        "about": "JSON about",
        "emails": ["json@luckyshrub.example"],
        "hours": { "sun_2_open": "20:00", "sun_2_close": "23:59" },
        "location": { "street": "3 Elm St", "city": "Capital City", "zip": "99999" },
    });
    assert_success(&edit_json(&sim, &token, page, &body).await);
    let mut expected = demo_info(page);
    expected["about"] = json!("JSON about");
    expected["emails"] = json!(["json@luckyshrub.example"]);
    expected["hours"] = json!({ "sun_2_open": "20:00", "sun_2_close": "23:59" });
    expected["single_line_address"] = json!("3 Elm St, Capital City, 99999");
    assert_eq!(read(&sim, &token, page, ALL_FIELDS).await, expected);
}

#[tokio::test]
async fn empty_values_clear_the_fields() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(504).await;
    let page = sandbox.id_of("page");
    let token = page_token(&sim, &sandbox).await;
    let reply = edit_form(
        &sim,
        &token,
        page,
        &[
            ("about", ""),
            ("description", ""),
            ("phone", ""),
            ("website", ""),
            ("emails", "[]"),
            ("hours", "{}"),
            ("location", "{}"),
        ],
    )
    .await;
    assert_success(&reply);
    assert_eq!(
        read(&sim, &token, page, ALL_FIELDS).await,
        json!({
            "id": page,
            "category": "Garden Center",
            "has_whatsapp_number": false,
            "has_whatsapp_business_number": false,
        })
    );
    // And they can be set again.
    assert_success(
        &edit_json(
            &sim,
            &token,
            page,
            &json!({ "website": "https://again.example" }),
        )
        .await,
    );
    assert_eq!(
        read(&sim, &token, page, "website").await,
        json!({ "id": page, "website": "https://again.example" })
    );
}

#[tokio::test]
async fn invalid_values_are_param_errors_and_change_nothing() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(505).await;
    let page = sandbox.id_of("page");
    let token = page_token(&sim, &sandbox).await;
    let hours_shape =
        "Param hours must be an object like {\"mon_1_open\":\"09:00\",\"mon_1_close\":\"17:00\"}";
    let cases: Vec<(Vec<(&str, String)>, String)> = vec![
        (
            vec![("hours", json!({ "mon_1_open": "09:00" }).to_string())],
            "Param hours: mon_1_open needs a matching mon_1_close".into(),
        ),
        (
            vec![("hours", json!({ "fri_2_close": "18:00" }).to_string())],
            "Param hours: fri_2_close needs a matching fri_2_open".into(),
        ),
        (
            vec![(
                "hours",
                json!({ "mon_1_open": "9:00", "mon_1_close": "17:00" }).to_string(),
            )],
            "Param hours: mon_1_open must be a time like 09:00, got \"9:00\"".into(),
        ),
        (
            vec![(
                "hours",
                json!({ "mon_1_open": "09:00", "mon_1_close": "24:00" }).to_string(),
            )],
            "Param hours: mon_1_close must be a time like 09:00, got \"24:00\"".into(),
        ),
        (
            vec![(
                "hours",
                json!({ "mon_1_open": "09:00", "mon_1_close": "17:60" }).to_string(),
            )],
            "Param hours: mon_1_close must be a time like 09:00, got \"17:60\"".into(),
        ),
        (
            vec![("hours", json!({ "monday": "09:00" }).to_string())],
            "Param hours: key \"monday\" must look like mon_1_open or sun_2_close".into(),
        ),
        (
            vec![(
                "hours",
                json!({ "mon_3_open": "09:00", "mon_3_close": "10:00" }).to_string(),
            )],
            "Param hours: key \"mon_3_close\" must look like mon_1_open or sun_2_close".into(),
        ),
        (
            vec![(
                "hours",
                json!({ "xyz_1_open": "09:00", "xyz_1_close": "10:00" }).to_string(),
            )],
            "Param hours: key \"xyz_1_close\" must look like mon_1_open or sun_2_close".into(),
        ),
        (vec![("hours", "[1]".into())], hours_shape.into()),
        (
            vec![("hours", json!({ "mon_1_open": 9 }).to_string())],
            hours_shape.into(),
        ),
        (
            vec![("hours", "mon 9-5".into())],
            "Param hours must be JSON".into(),
        ),
        (
            vec![(
                "emails",
                json!(["ok@luckyshrub.example", "nope"]).to_string(),
            )],
            "Param emails[1] must be a valid email address".into(),
        ),
        (
            vec![("emails", json!(["@luckyshrub.example"]).to_string())],
            "Param emails[0] must be a valid email address".into(),
        ),
        (
            vec![("emails", json!("a@b.example").to_string())],
            "Param emails must be an array of email addresses".into(),
        ),
        (
            vec![("emails", "[1]".into())],
            "Param emails must be an array of email addresses".into(),
        ),
        (
            vec![("emails", "a@b.example".into())],
            "Param emails must be JSON".into(),
        ),
        (
            vec![("website", "ftp://files.luckyshrub.example".into())],
            "Param website must be a URL starting with http:// or https://".into(),
        ),
        (
            vec![("website", "luckyshrub.example".into())],
            "Param website must be a URL starting with http:// or https://".into(),
        ),
        (
            vec![("about", "a".repeat(256))],
            "Param about must be at most 255 characters long".into(),
        ),
        (
            vec![("location", json!("1 Garden Way").to_string())],
            "Param location must be an object with street, city, state, zip and country".into(),
        ),
        // One bad parameter refuses the whole edit.
        (
            vec![
                ("about", "Changed".into()),
                ("website", "gopher://x".into()),
            ],
            "Param website must be a URL starting with http:// or https://".into(),
        ),
    ];
    for (pairs, detail) in &cases {
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = edit_form(&sim, &token, page, &pairs).await;
        assert_param_error(&reply, detail);
    }
    // JSON bodies get the same checks.
    let reply = edit_json(&sim, &token, page, &json!({ "emails": ["x@y.example", 7] })).await;
    assert_param_error(&reply, "Param emails must be an array of email addresses");
    // A string is read as JSON text, as in a form.
    let reply = edit_json(&sim, &token, page, &json!({ "emails": "x@y.example" })).await;
    assert_param_error(&reply, "Param emails must be JSON");
    let reply = edit_json(
        &sim,
        &token,
        page,
        &json!({ "about": "Changed", "hours": { "sun_1_open": "10:00" } }),
    )
    .await;
    assert_param_error(
        &reply,
        "Param hours: sun_1_open needs a matching sun_1_close",
    );
    // 255 characters (not bytes) is still fine.
    assert_success(&edit_form(&sim, &token, page, &[("about", &"é".repeat(255))]).await);
    let mut expected = demo_info(page);
    expected["about"] = json!("é".repeat(255));
    assert_eq!(
        read(&sim, &token, page, ALL_FIELDS).await,
        expected,
        "nothing refused was applied"
    );
}

#[tokio::test]
async fn only_the_pages_own_token_may_edit_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(506).await;
    let page = sandbox.id_of("page");
    let refused = |reply: &Reply| {
        reply.assert_error(403, 210, None, "OAuthException");
        assert_eq!(
            reply.message(),
            "(#210) A page access token is required to request this resource."
        );
    };
    // The user token of the Page's admin is not enough, nor the system user's.
    refused(
        &edit_form(
            &sim,
            sandbox.token("user_token"),
            page,
            &[("about", "User")],
        )
        .await,
    );
    refused(
        &edit_form(
            &sim,
            sandbox.token("system_user_token"),
            page,
            &[("about", "Bot")],
        )
        .await,
    );
    // Another Page's token is refused too.
    let other = sim
        .post_json(
            &sandbox.sim("/pages"),
            &json!({ "name": "Lucky Shrub Outlet", "user_id": sandbox.id_of("owner") }),
        )
        .await;
    assert_eq!(other.status, 201, "{}", other.text());
    let other_id = other.json["id"].as_str().unwrap();
    let other_token = page_token_of(&sim, sandbox.token("user_token"), other_id).await;
    refused(&edit_form(&sim, &other_token, page, &[("about", "Outlet")]).await);
    // No token at all: 104, with HTTP 400 as on every Page endpoint.
    let anonymous = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{page}"))
                .form(&[("about", "Anyone")]),
        )
        .await;
    anonymous.assert_error(400, 104, None, "OAuthException");
    assert_eq!(
        read(&sim, sandbox.token("user_token"), page, ALL_FIELDS).await,
        demo_info(page)
    );
}

#[tokio::test]
async fn a_page_token_without_pages_manage_metadata_is_refused() {
    let sim = Sim::start().await;
    let mut fixture = demo_fixture();
    fixture["tokens"].as_array_mut().unwrap().push(json!({
        "handle": "reader_page_token", "subject": "page", "app": "app",
        "scopes": ["pages_show_list", "pages_read_engagement"],
    }));
    let sandbox = sim
        .create_sandbox(json!({ "seed": 507, "fixture": fixture }))
        .await;
    let page = sandbox.id_of("page");
    let reply = edit_form(
        &sim,
        sandbox.token("reader_page_token"),
        page,
        &[("about", "Read only")],
    )
    .await;
    let error = reply.assert_error(403, 200, None, "OAuthException");
    assert_eq!(reply.message(), "(#200) Permissions error");
    assert!(error.get("error_data").is_none(), "{}", reply.text());
    assert_eq!(
        read(&sim, sandbox.token("user_token"), page, "about").await["about"],
        "Plants and garden supplies, delivered."
    );
}

/// `/me/accounts` should give each user token a Page token with that user
/// token's permissions: a token with only `pages_show_list` must not hand
/// out a Page token that may edit the Page.
#[tokio::test]
async fn me_accounts_hands_each_user_token_its_own_page_token() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(508).await;
    let page = sandbox.id_of("page");
    let added = sim
        .post_json(
            &sandbox.sim("/tokens"),
            &json!({ "handle": "lister", "subject": "owner", "app": "app", "scopes": ["pages_show_list"] }),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    let lister = added.json["token"].as_str().unwrap().to_owned();
    let full = page_token_of(&sim, sandbox.token("user_token"), page).await;
    let limited = page_token_of(&sim, &lister, page).await;
    assert_ne!(
        full, limited,
        "two user tokens with different scopes got the same Page token"
    );
    let reply = edit_form(&sim, &limited, page, &[("about", "Listed only")]).await;
    reply.assert_error(403, 200, None, "OAuthException");
    assert_eq!(
        read(&sim, &full, page, "about").await["about"],
        "Plants and garden supplies, delivered."
    );
}

#[tokio::test]
async fn the_control_plane_creates_a_page_for_a_user() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(509).await;
    let owner = sandbox.id_of("owner");
    let reply = sim
        .post_json(
            &sandbox.sim("/pages"),
            &json!({
                "name": "Lucky Shrub Nursery",
                "user_id": owner,
                "handle": "nursery",
                "category": "Plant Nursery",
                "about": "Seedlings.",
                "description": "Our nursery.",
                "emails": ["nursery@luckyshrub.example"],
                "phone": "+1 555-010-0003",
                "website": "https://nursery.luckyshrub.example",
                "hours": { "wed_1_open": "07:00", "wed_1_close": "11:00" },
                "single_line_address": "9 Seed Rd, Springfield",
            }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let id = reply.json["id"].as_str().expect("an id").to_owned();
    assert!(
        id.len() == 15 && id.starts_with("33") && id.bytes().all(|b| b.is_ascii_digit()),
        "a Page id: {id}"
    );
    assert_ne!(id, sandbox.id_of("page"));
    assert_eq!(
        reply.json,
        json!({
            "id": id,
            "name": "Lucky Shrub Nursery",
            "category": "Plant Nursery",
            "about": "Seedlings.",
            "description": "Our nursery.",
            "emails": ["nursery@luckyshrub.example"],
            "phone": "+1 555-010-0003",
            "website": "https://nursery.luckyshrub.example",
            "hours": { "wed_1_open": "07:00", "wed_1_close": "11:00" },
            "single_line_address": "9 Seed Rd, Springfield",
            "roles": { owner: ["ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT", "MANAGE"] },
            "whatsapp_link": null,
        })
    );
    // The handle is the sandbox's now.
    let info = sim.get(&sandbox.sim("")).await;
    assert_eq!(info.ok()["handles"]["nursery"], json!(id));
    assert_eq!(info.json["counts"]["pages"], 2);

    // The creator's user token lists it with a Page token that works.
    let accounts = sim
        .get_as(sandbox.token("user_token"), &format!("/{V}/me/accounts"))
        .await;
    let listed = accounts.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id.as_str())
        .unwrap_or_else(|| panic!("the new Page in {}", accounts.text()))
        .clone();
    assert_eq!(listed["name"], "Lucky Shrub Nursery");
    assert_eq!(listed["category"], "Plant Nursery");
    assert_eq!(
        listed["tasks"],
        json!([
            "ANALYZE",
            "ADVERTISE",
            "MESSAGING",
            "MODERATE",
            "CREATE_CONTENT",
            "MANAGE"
        ])
    );
    let token = listed["access_token"].as_str().unwrap();
    assert_success(&edit_form(&sim, token, &id, &[("about", "Seedlings and saplings.")]).await);
    assert_eq!(
        read(&sim, token, &id, "name,about,category,has_whatsapp_number").await,
        json!({
            "id": id, "name": "Lucky Shrub Nursery", "about": "Seedlings and saplings.",
            "category": "Plant Nursery", "has_whatsapp_number": false,
        })
    );

    // Only a name and a user are needed; the category has a default.
    let bare = sim
        .post_json(
            &sandbox.sim("/pages"),
            &json!({ "name": "Bare", "user_id": owner }),
        )
        .await;
    assert_eq!(bare.status, 201, "{}", bare.text());
    let bare_id = bare.json["id"].as_str().unwrap();
    assert_eq!(
        bare.json,
        json!({
            "id": bare_id, "name": "Bare", "category": "Local business",
            "roles": { owner: ["ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT", "MANAGE"] },
            "whatsapp_link": null,
        })
    );
}

#[tokio::test]
async fn creating_a_page_checks_the_user_and_the_info() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(510).await;
    let owner = sandbox.id_of("owner");
    let cases = [
        (
            json!({ "name": "Ghost's", "user_id": "999" }),
            "(#100) user_id: no Facebook user with id \"999\"",
        ),
        (
            json!({ "name": "", "user_id": owner }),
            "(#100) name: a Page needs a name",
        ),
        (
            json!({ "name": "   ", "user_id": owner }),
            "(#100) name: a Page needs a name",
        ),
        (
            json!({ "name": "Dup", "user_id": owner, "handle": "page" }),
            "(#100) handle: \"page\" is already used",
        ),
        (
            json!({ "name": "Bad", "user_id": owner, "website": "ftp://x.example" }),
            "(#100) website must be a URL starting with http:// or https://",
        ),
        (
            json!({ "name": "Bad", "user_id": owner, "emails": ["nope"] }),
            "(#100) emails[0] must be a valid email address",
        ),
        (
            json!({ "name": "Bad", "user_id": owner, "hours": { "mon_1_open": "09:00" } }),
            "(#100) hours: mon_1_open needs a matching mon_1_close",
        ),
        (
            json!({ "name": "No user" }),
            "(#100) Invalid JSON body: missing field `user_id`",
        ),
        (
            json!({ "name": "Odd", "user_id": owner, "colour": "green" }),
            "(#100) Invalid JSON body",
        ),
    ];
    for (body, message) in &cases {
        let reply = sim.post_json(&sandbox.sim("/pages"), body).await;
        let text = reply.assert_sim_error(400, None);
        assert!(
            text.starts_with(message),
            "{body}: {text}\n  expected {message}"
        );
    }
    let info = sim.get(&sandbox.sim("")).await;
    assert_eq!(info.ok()["counts"]["pages"], 1, "nothing was created");
}

/// An edit refuses an empty category (`(#100) category cannot be empty`);
/// creating a Page must refuse it too instead of making a Page without one.
#[tokio::test]
async fn creating_a_page_refuses_an_empty_category() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(512).await;
    let owner = sandbox.id_of("owner");
    let reply = sim
        .post_json(
            &sandbox.sim("/pages"),
            &json!({ "name": "No category", "user_id": owner, "category": "" }),
        )
        .await;
    assert_eq!(
        reply.assert_sim_error(400, None),
        "(#100) category cannot be empty"
    );
    let info = sim.get(&sandbox.sim("")).await;
    assert_eq!(info.ok()["counts"]["pages"], 1, "nothing was created");
}

#[tokio::test]
async fn the_control_plane_reads_and_edits_a_page() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(511).await;
    let page = sandbox.id_of("page");
    let owner = sandbox.id_of("owner");
    let path = sandbox.sim(&format!("/pages/{page}"));
    let view = sim.get(&path).await;
    assert_eq!(
        view.ok(),
        &json!({
            "id": page,
            "name": "Lucky Shrub",
            "category": "Garden Center",
            "about": "Plants and garden supplies, delivered.",
            "description": "A family garden centre with same-day delivery of plants, pots and tools.",
            "emails": ["hello@luckyshrub.example"],
            "phone": "+1 555-010-0001",
            "website": "https://luckyshrub.example",
            "hours": {
                "mon_1_open": "09:00", "mon_1_close": "17:00",
                "sat_1_open": "10:00", "sat_1_close": "14:00",
            },
            "single_line_address": "1 Garden Way, Springfield",
            "instagram_business_account": sandbox.id_of("instagram"),
            "roles": { owner: ["ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT", "MANAGE"] },
            "whatsapp_link": null,
        })
    );

    // A control-plane edit: partial, the category too, seen by the Graph API.
    let edited = sim
        .post_json(
            &path,
            &json!({
                "about": "Edited in Facebook.",
                "category": "Florist",
                "single_line_address": "5 Bloom Ave, Springfield",
                "emails": ["a@luckyshrub.example", "b@luckyshrub.example"],
                "hours": { "thu_1_open": "12:00", "thu_1_close": "20:00" },
                "phone": "",
            }),
        )
        .await;
    let mut expected = view.json.clone();
    expected["about"] = json!("Edited in Facebook.");
    expected["category"] = json!("Florist");
    expected["single_line_address"] = json!("5 Bloom Ave, Springfield");
    expected["emails"] = json!(["a@luckyshrub.example", "b@luckyshrub.example"]);
    expected["hours"] = json!({ "thu_1_open": "12:00", "thu_1_close": "20:00" });
    expected.as_object_mut().unwrap().remove("phone");
    assert_eq!(edited.ok(), &expected);
    assert_eq!(sim.get(&path).await.ok(), &expected);
    let graph = read(&sim, sandbox.token("user_token"), page, ALL_FIELDS).await;
    assert_eq!(graph["category"], "Florist");
    assert_eq!(graph["about"], "Edited in Facebook.");
    assert!(graph.get("phone").is_none(), "phone cleared: {graph}");
    // An empty edit changes nothing.
    assert_eq!(sim.post_json(&path, &json!({})).await.ok(), &expected);

    // Refusals change nothing.
    let cases = [
        (
            json!({ "about": "x".repeat(256) }),
            "(#100) about must be at most 255 characters long",
        ),
        (
            json!({ "emails": ["fine@luckyshrub.example", "not-an-address"] }),
            "(#100) emails[1] must be a valid email address",
        ),
        (
            json!({ "website": "mailto:x@y.example" }),
            "(#100) website must be a URL starting with http:// or https://",
        ),
        (
            json!({ "hours": { "mon_1_open": "09:00", "mon_1_close": "5pm" } }),
            "(#100) hours: mon_1_close must be a time like 09:00, got \"5pm\"",
        ),
        (json!({ "category": "" }), "(#100) category cannot be empty"),
        (
            json!({ "name": "Renamed" }),
            "(#100) Invalid JSON body at name: unknown field `name`",
        ),
        (
            json!({ "location": { "city": "X" } }),
            "(#100) Invalid JSON body at location: unknown field `location`",
        ),
        (
            json!({ "emails": "a@b.example" }),
            "(#100) Invalid JSON body at emails",
        ),
    ];
    for (body, message) in &cases {
        let reply = sim.post_json(&path, body).await;
        let text = reply.assert_sim_error(400, None);
        assert!(
            text.starts_with(message),
            "{body}: {text}\n  expected {message}"
        );
    }
    assert_eq!(sim.get(&path).await.ok(), &expected);

    // Unknown Pages.
    let missing = sim.get(&sandbox.sim("/pages/339999999999999")).await;
    assert_eq!(
        missing.assert_sim_error(404, Some(33)),
        "No Facebook Page with id \"339999999999999\" in this sandbox"
    );
    let missing = sim
        .post_json(
            &sandbox.sim("/pages/339999999999999"),
            &json!({ "about": "x" }),
        )
        .await;
    assert_eq!(
        missing.assert_sim_error(404, Some(33)),
        "No Facebook Page with id \"339999999999999\" in this sandbox"
    );
}
