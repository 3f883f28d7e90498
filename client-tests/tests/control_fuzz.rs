//! A property test over the control plane's inputs: random bodies — extreme
//! numbers (0, ±1, the ends of i64 and u64, 2^53, fractions), long and odd
//! strings, wrong types, nesting — sent to every writing route with random
//! members, and random paging parameters to the lists. Whatever comes in,
//! each answer is a 2xx or a 4xx in Meta's envelope, never a 5xx or a
//! dropped connection (this runs in a debug build, where an arithmetic
//! overflow panics), and the sandbox still exports a snapshot that imports
//! back byte for byte.

use client_tests::{Reply, Sim, Value, json};
use proptest::prelude::*;
use reqwest::Method;

/// The writing routes of a sandbox, and members their bodies take.
const ROUTES: &[(&str, &[&str])] = &[
    (
        "/tokens",
        &["handle", "subject", "app", "scopes", "expires_in"],
    ),
    (
        "/faults",
        &["match", "error", "latency_ms", "times", "until"],
    ),
    ("/clock/advance", &["seconds"]),
    (
        "/webhooks/settings",
        &[
            "batch_size",
            "duplicates",
            "reorder_window",
            "delay_seconds",
            "timeout_ms",
            "strict_200",
            "in_flight",
        ],
    ),
    (
        "/webhooks/trigger",
        &["object", "field", "entry_id", "value"],
    ),
    (
        "/whatsapp/consumers",
        &["phone", "name", "on_whatsapp", "username"],
    ),
    (
        "/whatsapp/consumers/15550109999/messages",
        &["to", "type", "text", "context"],
    ),
    ("/whatsapp/consumers/15550109999/read", &["message_ids"]),
    (
        "/whatsapp/consumers/15550109999/tap_url_button",
        &["message_id", "index"],
    ),
    (
        "/whatsapp/consumers/15550109999/block",
        &["phone_number_id", "blocked"],
    ),
    ("/pages", &["name", "category", "owner"]),
];

/// The lists, read with random paging parameters.
const LISTS: &[&str] = &[
    "/journal",
    "/events",
    "/webhooks/deliveries",
    "/faults",
    "/whatsapp/consumers",
    "/whatsapp/consumers/15550109999/inbox",
    "/whatsapp/consumers/15550109999/chats",
    "/phones/15550100001/sms",
    "/whatsapp/templates",
];

/// Numbers at the edges, the largest ones most often.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(json!(0)),
        1 => Just(json!(1)),
        1 => Just(json!(-1)),
        3 => Just(json!(i64::MAX)),
        2 => Just(json!(i64::MIN)),
        2 => Just(json!(u64::MAX)),
        1 => Just(json!(1u64 << 53)),
        1 => Just(json!(1.5)),
        1 => Just(json!(-1e300)),
        1 => any::<i64>().prop_map(|n| json!(n)),
    ]
}

/// Members that take numbers.
const NUMERIC: &[&str] = &[
    "expires_in",
    "latency_ms",
    "times",
    "until",
    "seconds",
    "batch_size",
    "duplicates",
    "reorder_window",
    "delay_seconds",
    "timeout_ms",
    "in_flight",
    "index",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        number(),
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        "[a-z_]{0,12}".prop_map(Value::String),
        Just(json!("[z-a]")),
        Just(json!("/**/../[")),
        Just(json!("x".repeat(5000))),
        Just(json!("\u{0}\u{202e}é👋")),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// What a member usually holds when a call is right (`PHONE` stands for the
/// sandbox's business number), so that hostile values meet valid neighbours.
fn sensible(member: &str) -> Value {
    match member {
        "subject" => json!("system_user"),
        "app" => json!("app"),
        "scopes" => json!(["whatsapp_business_management"]),
        "object" => json!("whatsapp_business_account"),
        "field" => json!("messages"),
        "to" | "phone_number_id" => json!("PHONE"),
        "type" => json!("text"),
        "text" => json!({ "body": "hi" }),
        "phone" => json!("+1 555 010 7777"),
        "match" => json!({ "path": "/*/messages" }),
        "error" => json!({ "code": 131000, "http_status": 500 }),
        "name" | "handle" | "category" => json!("fuzz"),
        "owner" => json!("owner"),
        _ => json!(1),
    }
}

/// A body for a route: most of its members, each sensible, an extreme
/// number, or anything.
fn call() -> impl Strategy<Value = (usize, Value)> {
    (0..ROUTES.len()).prop_flat_map(|route| {
        let members: Vec<_> = ROUTES[route]
            .1
            .iter()
            .map(|name| {
                // Numbers at their edges, beside members that are right.
                let value = if NUMERIC.contains(name) {
                    prop_oneof![1 => Just(sensible(name)), 4 => number(), 1 => value()].boxed()
                } else {
                    prop_oneof![5 => Just(sensible(name)), 1 => value()].boxed()
                };
                prop::option::weighted(0.85, value.prop_map(move |v| (*name, v)))
            })
            .collect();
        members.prop_map(move |pairs| {
            let object = pairs
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
            (route, Value::Object(object))
        })
    })
}

fn paging() -> impl Strategy<Value = (usize, String)> {
    let parameter = prop_oneof![
        Just(String::new()),
        (0u64..2000).prop_map(|n| format!("limit={n}")),
        Just("limit=-1".to_owned()),
        Just("limit=18446744073709551616".to_owned()),
        (0u64..300).prop_map(|n| format!("after={n}")),
        (0u64..300).prop_map(|n| format!("before={n}")),
        Just("after=%00%FF".to_owned()),
        Just("after=18446744073709551615".to_owned()),
        Just("messages_limit=0".to_owned()),
    ];
    (0..LISTS.len(), parameter)
}

/// A 2xx, or a 4xx in Meta's envelope.
fn acceptable(reply: &Reply, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        reply.status < 500,
        "{what}: {} {}",
        reply.status,
        reply.text()
    );
    if reply.status >= 400 {
        let error = &reply.json["error"];
        prop_assert!(
            error["message"].is_string()
                && error["code"].is_i64()
                && error["fbtrace_id"].is_string(),
            "{what}: not Meta's envelope: {}",
            reply.text()
        );
    }
    Ok(())
}

async fn run(calls: &[(usize, Value)], lists: &[(usize, String)]) -> Result<(), TestCaseError> {
    let sim = Sim::start().await;
    let sandbox = sim.demo(0).await;
    let phone = sandbox.id_of("phone_number");
    for (route, body) in calls {
        let path = sandbox.sim(ROUTES[*route].0);
        let body: Value = serde_json::from_str(&body.to_string().replace("PHONE", phone)).unwrap();
        let reply = sim.send(sim.request(Method::POST, &path).json(&body)).await;
        acceptable(&reply, &format!("POST {path} {body}"))?;
    }
    for (list, query) in lists {
        let path = sandbox.sim(&format!("{}?{query}", LISTS[*list]));
        acceptable(&sim.get(&path).await, &format!("GET {path}"))?;
    }
    let exported = sim.get(&sandbox.sim("/snapshot")).await;
    prop_assert_eq!(exported.status, 200, "{}", exported.text());
    let imported = sim.restore(&sandbox, &exported.bytes).await;
    prop_assert_eq!(imported.status, 200, "{}", imported.text());
    let again = sim.get(&sandbox.sim("/snapshot")).await;
    prop_assert!(
        again.bytes == exported.bytes,
        "the snapshot changed on its way back"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, max_shrink_iters: 100, ..ProptestConfig::default() })]

    #[test]
    fn any_control_plane_input_is_answered_without_a_5xx(
        calls in prop::collection::vec(call(), 1..24),
        lists in prop::collection::vec(paging(), 0..8),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(run(&calls, &lists))?;
    }
}
