//! Listing templates as clients do: the `summary` pywa asks for
//! (`total_count`, `message_template_count`, `message_template_limit`,
//! `are_translations_complete`), comma-joined `status`/`category`/`language`
//! filters, `name` and `content` matching a part, the template fields Meta
//! adds (time-to-live, quality score, earlier category), and a nested
//! list's `paging.next` that keeps its field selection.

use client_tests::whatsapp::MANAGER;
use client_tests::{Reply, Sandbox, Sim, V, json};
use reqwest::Method;

async fn get(sim: &Sim, sandbox: &Sandbox, path: &str) -> Reply {
    sim.get_as(sandbox.token(MANAGER), &format!("/{V}{path}"))
        .await
}

fn names(reply: &Reply) -> Vec<&str> {
    reply.ok()["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|t| t["name"].as_str().expect("a name"))
        .collect()
}

#[tokio::test]
async fn summary_and_comma_joined_filters() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(61).await;
    let waba = sandbox.id_of("waba");
    let summary =
        "total_count,message_template_count,message_template_limit,are_translations_complete";
    let reply = get(
        &sim,
        &sandbox,
        &format!("/{waba}/message_templates?fields=name&limit=1&summary={summary}&status=APPROVED,REJECTED"),
    )
    .await;
    assert_eq!(names(&reply), ["hello_world"]);
    assert_eq!(
        reply.json["summary"],
        json!({ "total_count": 3, "message_template_count": 3, "message_template_limit": 250, "are_translations_complete": true })
    );
    let next = reply.json["paging"]["next"].as_str().expect("a next page");
    assert!(next.contains("summary="), "{next}");
    let filtered = |query: &'static str| {
        let path = format!("/{waba}/message_templates?fields=name&{query}");
        let sim = &sim;
        let sandbox = &sandbox;
        async move { get(sim, sandbox, &path).await }
    };
    assert_eq!(
        names(&filtered("category=MARKETING,AUTHENTICATION").await),
        ["spring_sale"]
    );
    assert_eq!(
        names(&filtered("language=en_US,es&category=utility").await),
        ["hello_world", "order_update"]
    );
    assert!(names(&filtered("language=es,pt_BR").await).is_empty());
    assert_eq!(names(&filtered("name=order").await), ["order_update"]);
    assert_eq!(names(&filtered("content=pots").await), ["spring_sale"]);
    assert_eq!(
        names(&filtered("name_or_content=hello").await),
        ["hello_world"]
    );
    assert_eq!(names(&filtered("status=PENDING").await), Vec::<&str>::new());
    let plain = get(
        &sim,
        &sandbox,
        &format!("/{waba}/message_templates?summary=true"),
    )
    .await;
    assert_eq!(plain.ok()["summary"], json!({ "total_count": 3 }));
}

#[tokio::test]
async fn template_fields_meta_adds() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(62).await;
    let waba = sandbox.id_of("waba");
    let created = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{waba}/message_templates"))
                .bearer_auth(sandbox.token(MANAGER))
                .json(&json!({
                    "name": "otp", "language": "en_US", "category": "AUTHENTICATION",
                    "message_send_ttl_seconds": 300,
                    "components": [{ "type": "BODY", "text": "Your code is {{1}}." }],
                })),
        )
        .await;
    let id = created.ok()["id"].as_str().unwrap().to_owned();
    let fields =
        "message_send_ttl_seconds,quality_score,previous_category,cta_url_link_tracking_opted_out";
    let reply = get(&sim, &sandbox, &format!("/{id}?fields={fields}")).await;
    assert_eq!(
        reply.ok(),
        &json!({
            "message_send_ttl_seconds": 300,
            "quality_score": { "score": "UNKNOWN", "date": 1_767_225_600 },
            "cta_url_link_tracking_opted_out": false,
            "id": id,
        })
    );
    let edited = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{id}"))
                .bearer_auth(sandbox.token(MANAGER))
                .json(&json!({ "category": "UTILITY" })),
        )
        .await;
    edited.ok();
    let reply = get(
        &sim,
        &sandbox,
        &format!("/{id}?fields=category,previous_category,message_send_ttl_seconds"),
    )
    .await;
    assert_eq!(
        reply.ok(),
        &json!({ "category": "UTILITY", "previous_category": "AUTHENTICATION", "message_send_ttl_seconds": 300, "id": id })
    );
    let too_short = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{waba}/message_templates"))
                .bearer_auth(sandbox.token(MANAGER))
                .json(&json!({
                    "name": "promo", "language": "en_US", "category": "MARKETING",
                    "message_send_ttl_seconds": 60,
                    "components": [{ "type": "BODY", "text": "Sale!" }],
                })),
        )
        .await;
    too_short.assert_error(400, 100, None, "OAuthException");
    assert!(
        too_short.message().contains("between 43200 and 2592000"),
        "{}",
        too_short.message()
    );
    let sent = get(
        &sim,
        &sandbox,
        &format!("/{waba}/message_templates?fields=name,quality_score&name=hello_world"),
    )
    .await;
    assert_eq!(sent.ok()["data"][0]["quality_score"]["score"], "GREEN");
}

#[tokio::test]
async fn a_nested_list_pages_with_its_own_field_selection() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(63).await;
    let waba = sandbox.id_of("waba");
    let reply = get(
        &sim,
        &sandbox,
        &format!("/{waba}?fields=message_templates.limit(1){{name,status}}"),
    )
    .await;
    let nested = &reply.ok()["message_templates"];
    assert_eq!(
        nested["data"][0],
        json!({ "name": "hello_world", "status": "APPROVED", "id": nested["data"][0]["id"] })
    );
    let next = nested["paging"]["next"].as_str().expect("a next page");
    assert!(next.contains("fields=name%2Cstatus"), "{next}");
    let path = next.split_once(&format!("/{V}")).expect("a Graph URL").1;
    let page = get(&sim, &sandbox, path).await;
    let item = &page.ok()["data"][0];
    assert_eq!(item["name"], "order_update");
    assert_eq!(item.as_object().unwrap().len(), 3, "{item}");
}
