//! A WABA's analytics fields over HTTP, counted from what the sandbox sent on
//! its virtual clock: `analytics` (sent and delivered per half hour, day or
//! month, by number, country and product type), `pricing_analytics` (volume
//! per pricing type and category), `conversation_analytics` (conversations
//! opened, by category, direction and type), `template_analytics` (sent,
//! delivered and read per template and day, once template analytics are
//! on); Meta's refusals of bad arguments; and same-seed determinism.

use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, V, Value, json};

/// 2026-01-01T00:00:00Z, where a demo sandbox's clock starts.
const DAY0: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

/// Read `fields` of the demo WABA.
async fn read(sim: &Sim, sandbox: &Sandbox, fields: &str) -> Reply {
    let path = format!("/{V}/{}?fields={fields}", sandbox.id_of("waba"));
    sim.get_as(sandbox.token(MANAGER), &path).await
}

/// The answer of one analytics field, asserting the node's `id` beside it.
async fn field(sim: &Sim, sandbox: &Sandbox, name: &str, arguments: &str) -> Value {
    let reply = read(sim, sandbox, &format!("{name}{arguments}")).await;
    let body = reply.ok();
    assert_eq!(body["id"], json!(sandbox.id_of("waba")), "{body}");
    body[name].clone()
}

/// On day 0: a utility template to Alice, a marketing template to Bob and a
/// free-form text to Bob outside his window (it fails, and is not counted).
/// On day 1, at 00:40: Alice writes, gets a text in her window and reads
/// everything. Returns the demo's order_update template id.
async fn traffic(sim: &Sim, sandbox: &Sandbox) -> String {
    let order = message(
        ALICE,
        "template",
        template("order_update", &["Alice", "A-1"]),
    );
    assert_template_sent(&post(sim, sandbox, &order).await, ALICE, ALICE);
    let sale = message(BOB, "template", template("spring_sale", &["20%"]));
    assert_template_sent(&post(sim, sandbox, &sale).await, BOB, BOB);
    let late = message(BOB, "text", json!({ "body": "Still there?" }));
    let late = assert_sent(&post(sim, sandbox, &late).await, BOB, BOB);
    assert_eq!(status_names(sim, sandbox, &late).await, ["failed"]);
    sim.advance(sandbox, (DAY + 2400) as u64).await;
    open_window(sim, sandbox, ALICE).await;
    let reply = message(ALICE, "text", json!({ "body": "On its way!" }));
    assert_sent(&post(sim, sandbox, &reply).await, ALICE, ALICE);
    reads_everything(sim, sandbox, ALICE).await;
    template_id(sim, sandbox, "order_update").await
}

/// Reading `fields` is Meta's `(#100)` error, with `expected` in its message.
async fn assert_refused(sim: &Sim, sandbox: &Sandbox, fields: &str, expected: &str) {
    let reply = read(sim, sandbox, fields).await;
    reply.assert_error(400, 100, None, "OAuthException");
    assert!(
        reply.message().contains(expected),
        "{fields}: {}",
        reply.text()
    );
}

fn span(start: i64, end: i64) -> String {
    format!(".start({start}).end({end})")
}

#[tokio::test]
async fn messaging_analytics_count_sent_and_delivered_per_bucket() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(61).await;
    traffic(&sim, &sandbox).await;
    let two_days = span(DAY0, DAY0 + 2 * DAY);
    let by_day = field(
        &sim,
        &sandbox,
        "analytics",
        &format!("{two_days}.granularity(DAY)"),
    )
    .await;
    assert_eq!(
        by_day,
        json!({
            "phone_numbers": ["15550100001"],
            "granularity": "DAY",
            "data_points": [
                { "start": DAY0, "end": DAY0 + DAY, "sent": 2, "delivered": 2 },
                { "start": DAY0 + DAY, "end": DAY0 + 2 * DAY, "sent": 1, "delivered": 1 },
            ],
        })
    );
    // Half hours, customer-support messages only (product type 2): the text
    // of day 1, sent at 00:40, in the 00:30 bucket.
    let support = field(
        &sim,
        &sandbox,
        "analytics",
        &format!("{two_days}.granularity(HALF_HOUR).product_types([2])"),
    )
    .await;
    assert_eq!(
        support["data_points"],
        json!([{ "start": DAY0 + DAY + 1800, "end": DAY0 + DAY + 3600, "sent": 1, "delivered": 1 }])
    );
    // Template (notification) messages by month: January 2026.
    let month = field(
        &sim,
        &sandbox,
        "analytics",
        &format!("{two_days}.granularity(MONTH).product_types([0])"),
    )
    .await;
    assert_eq!(
        month["data_points"],
        json!([{ "start": DAY0, "end": DAY0 + 31 * DAY, "sent": 2, "delivered": 2 }])
    );
    // The span is half-open and filters narrow: day 0 only; another
    // country; another number.
    let day0 = field(
        &sim,
        &sandbox,
        "analytics",
        &format!("{}.granularity(DAY)", span(DAY0, DAY0 + DAY)),
    )
    .await;
    assert_eq!(day0["data_points"].as_array().map(Vec::len), Some(1));
    let brazil = field(
        &sim,
        &sandbox,
        "analytics",
        &format!("{two_days}.granularity(DAY).country_codes([\"BR\"])"),
    )
    .await;
    assert_eq!(brazil["country_codes"], json!(["BR"]));
    assert_eq!(brazil["data_points"], json!([]));
    let other = field(
        &sim,
        &sandbox,
        "analytics",
        &format!("{two_days}.granularity(DAY).phone_numbers([\"15550100002\"])"),
    )
    .await;
    assert_eq!(other["phone_numbers"], json!([]));
    assert_eq!(other["data_points"], json!([]));
}

#[tokio::test]
async fn pricing_analytics_split_volume_by_dimension() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(62).await;
    traffic(&sim, &sandbox).await;
    let arguments = format!(
        "{}.granularity(DAILY).dimensions([PRICING_CATEGORY,PRICING_TYPE])",
        span(DAY0, DAY0 + 2 * DAY)
    );
    let pricing = field(&sim, &sandbox, "pricing_analytics", &arguments).await;
    // Without metric_types, volume and cost: Meta's North American rates
    // (the demo's consumers are +1), the service message free.
    let point = |start: i64, kind: &str, category: &str, cost: Value| {
        json!({
            "start": start, "end": start + DAY, "pricing_type": kind,
            "pricing_category": category, "volume": 1, "cost": cost,
        })
    };
    assert_eq!(
        pricing,
        json!({ "data": [{ "data_points": [
            point(DAY0, "REGULAR", "MARKETING", json!(0.025)),
            point(DAY0, "REGULAR", "UTILITY", json!(0.004)),
            point(DAY0 + DAY, "FREE_CUSTOMER_SERVICE", "SERVICE", json!(0)),
        ] }] })
    );
    // Without dimensions, one point per day; a category filter and the
    // country and phone dimensions.
    let plain = format!("{}.granularity(MONTHLY)", span(DAY0, DAY0 + 2 * DAY));
    let total = field(&sim, &sandbox, "pricing_analytics", &plain).await;
    assert_eq!(
        total["data"][0]["data_points"],
        json!([{ "start": DAY0, "end": DAY0 + 31 * DAY, "volume": 3, "cost": 0.029 }])
    );
    let marketing = field(
        &sim,
        &sandbox,
        "pricing_analytics",
        &format!("{plain}.pricing_categories([MARKETING]).dimensions([COUNTRY,PHONE]).metric_types([VOLUME])"),
    )
    .await;
    assert_eq!(
        marketing["data"][0]["data_points"],
        json!([{ "start": DAY0, "end": DAY0 + 31 * DAY, "phone_number": "15550100001", "country": "US", "volume": 1 }])
    );
}

#[tokio::test]
async fn conversation_analytics_count_the_conversations_messages_open() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(66).await;
    traffic(&sim, &sandbox).await;
    // Day 1: two more order updates to Alice; the first opens a utility
    // conversation (the one of day 0 is over 24 hours old), the second is in it.
    for _ in 0..2 {
        let order = message(
            ALICE,
            "template",
            template("order_update", &["Alice", "A-2"]),
        );
        assert_template_sent(&post(&sim, &sandbox, &order).await, ALICE, ALICE);
    }
    let arguments = format!(
        "{}.granularity(DAILY).dimensions([CONVERSATION_CATEGORY,CONVERSATION_DIRECTION,CONVERSATION_TYPE])",
        span(DAY0, DAY0 + 2 * DAY)
    );
    let conversations = field(&sim, &sandbox, "conversation_analytics", &arguments).await;
    // Each conversation costs what the message that opened it cost: day
    // 1's utility template was inside Alice's window, so free.
    let point = |start: i64, direction: &str, category: &str, cost: Value| {
        json!({
            "start": start, "end": start + DAY, "conversation_direction": direction,
            "conversation_category": category, "conversation_type": "REGULAR",
            "conversation": 1, "cost": cost,
        })
    };
    assert_eq!(
        conversations,
        json!({ "data": [{ "data_points": [
            point(DAY0, "BUSINESS_INITIATED", "MARKETING", json!(0.025)),
            point(DAY0, "BUSINESS_INITIATED", "UTILITY", json!(0.004)),
            point(DAY0 + DAY, "BUSINESS_INITIATED", "UTILITY", json!(0)),
            point(DAY0 + DAY, "USER_INITIATED", "SERVICE", json!(0)),
        ] }] })
    );
    // From an hour into day 0, day 0's conversations began before the span;
    // a direction filter keeps the user-initiated one.
    let later = format!(
        "{}.granularity(MONTHLY).conversation_directions([USER_INITIATED]).metric_types([CONVERSATION])",
        span(DAY0 + 3600, DAY0 + 2 * DAY)
    );
    let user = field(&sim, &sandbox, "conversation_analytics", &later).await;
    assert_eq!(
        user["data"][0]["data_points"],
        json!([{ "start": DAY0, "end": DAY0 + 31 * DAY, "conversation": 1 }])
    );
    let all = later.replace(".conversation_directions([USER_INITIATED])", "");
    let total = field(&sim, &sandbox, "conversation_analytics", &all).await;
    assert_eq!(total["data"][0]["data_points"][0]["conversation"], json!(2));
}

#[tokio::test]
async fn template_analytics_count_per_template_and_day_once_enabled() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(63).await;
    let template = traffic(&sim, &sandbox).await;
    let arguments = format!(
        "{}.granularity(DAILY).metric_types([SENT,DELIVERED,READ]).template_ids([{template}])",
        span(DAY0, DAY0 + 2 * DAY)
    );
    let fields = format!("template_analytics{arguments}");
    assert_refused(&sim, &sandbox, &fields, "is_enabled_for_insights").await;
    enable_insights(&sim, &sandbox).await;
    let analytics = field(&sim, &sandbox, "template_analytics", &arguments).await;
    assert_eq!(
        analytics,
        json!({ "data": [{ "granularity": "DAILY", "product_type": "cloud_api", "data_points": [
            { "template_id": template, "start": DAY0, "end": DAY0 + DAY, "sent": 1, "delivered": 1, "read": 1 },
            { "template_id": template, "start": DAY0 + DAY, "end": DAY0 + 2 * DAY, "sent": 0, "delivered": 0, "read": 0 },
        ] }] })
    );
    // Only the metrics asked for.
    let sent_only = arguments.replace("[SENT,DELIVERED,READ]", "[SENT]");
    let sent = field(&sim, &sandbox, "template_analytics", &sent_only).await;
    assert_eq!(
        sent["data"][0]["data_points"][0],
        json!({ "template_id": template, "start": DAY0, "end": DAY0 + DAY, "sent": 1 })
    );
    // The same through the edge, with the arguments as query parameters.
    let edge = format!(
        "/{V}/{}/template_analytics?start={DAY0}&end={}&granularity=DAILY&metric_types=[\"SENT\",\"READ\"]&template_ids=[{template}]",
        sandbox.id_of("waba"),
        DAY0 + DAY
    );
    let listed = sim.get_as(sandbox.token(MANAGER), &edge).await;
    assert_eq!(
        listed.ok()["data"][0]["data_points"],
        json!([{ "template_id": template, "start": DAY0, "end": DAY0 + DAY, "sent": 1, "read": 1 }])
    );
    // A UTC date stands for a timestamp.
    let dated = edge.replace(&format!("start={DAY0}"), "start=2026-01-01");
    let dated = sim.get_as(sandbox.token(MANAGER), &dated).await;
    assert_eq!(dated.ok(), listed.ok());
    let no_ids = edge.replace(&format!("&template_ids=[{template}]"), "");
    let refused = sim.get_as(sandbox.token(MANAGER), &no_ids).await;
    refused.assert_error(400, 100, None, "OAuthException");
    // At most 10 templates.
    let eleven = [template.as_str(); 11].join(",");
    let too_many = arguments.replace(&format!("[{template}]"), &format!("[{eleven}]"));
    let fields = format!("template_analytics{too_many}");
    assert_refused(&sim, &sandbox, &fields, "between 1 and 10").await;
}

#[tokio::test]
async fn bad_arguments_get_meta_errors() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(64).await;
    enable_insights(&sim, &sandbox).await;
    let day = span(DAY0, DAY0 + DAY);
    let cases = [
        (
            "analytics.end(1767312000).granularity(DAY)".to_owned(),
            "The parameter start is required",
        ),
        (
            format!("analytics{day}"),
            "The parameter granularity is required",
        ),
        (
            format!("analytics{day}.granularity(WEEK)"),
            "Param granularity must be one of {HALF_HOUR, DAY, MONTH} - got \"WEEK\".",
        ),
        (
            format!("pricing_analytics{day}.granularity(DAY)"),
            "Param granularity must be one of {HALF_HOUR, DAILY, MONTHLY} - got \"DAY\".",
        ),
        (
            format!("analytics{}.granularity(DAY)", span(DAY0 + DAY, DAY0)),
            "Param start must be before end",
        ),
        (
            format!("analytics.start(yesterday).end({DAY0}).granularity(DAY)"),
            "Param start must be a UNIX timestamp - got \"yesterday\".",
        ),
        (
            // Only template analytics take dates.
            format!("analytics.start(2026-01-01).end({DAY0}).granularity(DAY)"),
            "Param start must be a UNIX timestamp - got \"2026-01-01\".",
        ),
        (
            format!("analytics{}.granularity(DAY)", span(DAY0 - 366 * DAY, DAY0)),
            "at most 365 days in the past",
        ),
        (
            format!("analytics{day}.granularity(DAY).product_types([1])"),
            "Param product_types must be one of {0, 2} - got \"1\".",
        ),
        (
            format!("pricing_analytics{day}.granularity(DAILY).dimensions([WEEKDAY])"),
            "Param dimensions must be one of",
        ),
        (
            format!("conversation_analytics{day}.granularity(DAILY).conversation_types([FREE])"),
            "Param conversation_types must be one of {FREE_ENTRY, FREE_TIER, REGULAR} - got \"FREE\".",
        ),
        // Template analytics: 90 days back at most, daily only, ids required.
        (
            format!(
                "template_analytics{}.granularity(DAILY).template_ids([1])",
                span(DAY0 - 91 * DAY, DAY0)
            ),
            "at most 90 days",
        ),
        (
            format!(
                "template_analytics.start({DAY0}).end({}).granularity(DAILY).template_ids([1])",
                i64::MAX
            ),
            "Param end must be at most 90 days after start",
        ),
        (
            format!("template_analytics{day}.granularity(DAY).template_ids([1])"),
            "Param granularity must be one of {DAILY}",
        ),
        (
            format!("template_analytics{day}.granularity(DAILY)"),
            "The parameter template_ids is required",
        ),
        (
            format!("template_analytics{day}.granularity(DAILY).template_ids([abc])"),
            "must be a valid template id",
        ),
    ];
    for (fields, expected) in cases {
        assert_refused(&sim, &sandbox, &fields, expected).await;
    }
}

#[tokio::test]
async fn analytics_answer_alike_for_one_seed() {
    let sim = Sim::start().await;
    let mut answers = Vec::new();
    for _ in 0..2 {
        let sandbox = sim.demo(65).await;
        traffic(&sim, &sandbox).await;
        let two_days = span(DAY0, DAY0 + 2 * DAY);
        let fields = format!(
            "analytics{two_days}.granularity(HALF_HOUR),pricing_analytics{two_days}.granularity(DAILY).dimensions([PHONE,COUNTRY,PRICING_TYPE,PRICING_CATEGORY])"
        );
        answers.push(read(&sim, &sandbox, &fields).await.text());
    }
    assert_eq!(answers[0], answers[1]);
    assert!(answers[0].contains("\"volume\":1"), "{}", answers[0]);
}
