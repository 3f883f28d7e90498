//! Property tests over scenarios: random sequences of actions across products
//! on one sandbox — consumers writing, free-form and template sends,
//! template creation and review, clock moves, webhook flushes, the receiver
//! going down and up, duplicate deliveries, one-shot outages over WhatsApp and
//! Instagram, Instagram and Page reads, and the WhatsApp ↔ Page link (connect,
//! remove, sync on and off, Page edits, Business-app edits with and without
//! confirming, Cloud API profile edits) — run as a scenario whose expectations
//! come from a model (template rules, which calls an outage hits, the one-way
//! sync rules: what the WhatsApp profile and the Page hold after every step).
//! Then, from
//! the transcript: the 24-hour window decided every free-form message (131047
//! exactly when closed, never for templates); every webhook event went out in
//! exactly one delivery, each delivered one arrived exactly once (a duplicate
//! only when the settings asked), none lost; and the same seed and sequence
//! gave the same transcript twice.

use std::collections::BTreeMap;

use client_tests::{Value, json};
use metasim::scenario::server::Server;
use metasim::scenario::{self, Runner, Verdict};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Act {
    Inbound(usize),
    FreeForm(usize),
    /// To a consumer: `hello_world` (0) or the created template `n - 1`.
    Template(usize, usize),
    CreateTemplate,
    Review(usize, bool),
    Advance(u64),
    Flush,
    Receiver(bool),
    Duplicates(u32),
    Outage,
    Instagram,
    Page,
    Link,
    Unlink,
    Sync(bool),
    /// The Page's Monday opening time becomes `HOURS[i]`.
    PageHours(usize),
    /// The Business app sets WhatsApp's Monday opening to `HOURS[i]`, confirming or not.
    AppHours(usize, bool),
    /// The Cloud API edits the synced `about`.
    ApiAbout,
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        3 => (0..2usize).prop_map(Act::Inbound),
        3 => (0..2usize).prop_map(Act::FreeForm),
        2 => (0..2usize, 0..4usize).prop_map(|(who, which)| Act::Template(who, which)),
        1 => Just(Act::CreateTemplate),
        1 => (0..3usize, any::<bool>()).prop_map(|(which, approve)| Act::Review(which, approve)),
        2 => (1..30u64).prop_map(Act::Advance),
        2 => Just(Act::Flush),
        1 => any::<bool>().prop_map(Act::Receiver),
        1 => (0..2u32).prop_map(Act::Duplicates),
        1 => Just(Act::Outage),
        1 => Just(Act::Instagram),
        1 => Just(Act::Page),
        1 => Just(Act::Link),
        1 => Just(Act::Unlink),
        1 => any::<bool>().prop_map(Act::Sync),
        2 => (0..HOURS.len()).prop_map(Act::PageHours),
        2 => (0..HOURS.len(), any::<bool>()).prop_map(|(i, confirm)| Act::AppHours(i, confirm)),
        1 => Just(Act::ApiAbout),
    ]
}

/// Monday opening times the Page and the Business app choose from.
const HOURS: [&str; 4] = ["06:00", "07:00", "08:00", "10:00"];
/// The demo Page's Monday opening time.
const DEMO_PAGE_OPENS: &str = "09:00";

const CONSUMERS: [&str; 2] = ["alice", "bob"];
const DAY: i64 = 86_400;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Review {
    Pending,
    Approved,
    Rejected,
}

/// What the model knows while it writes the steps.
#[derive(Default)]
struct Model {
    now: i64,
    last_inbound: [Option<i64>; 2],
    templates: Vec<Review>,
    /// Outage rules not used up yet (each hits one WhatsApp or Instagram call).
    outages: usize,
    steps: Vec<Value>,
    /// Step number of each accepted free-form send, and whether the window was open.
    free_form: Vec<(usize, bool)>,
    /// Step numbers of accepted template sends.
    templates_sent: Vec<usize>,
    /// The WhatsApp number is connected to the Page, and syncs with it.
    linked: bool,
    syncing: bool,
    /// Monday opening time on the Page (None: the demo's), and on WhatsApp
    /// (None: the demo profile has no hours).
    page_opens: Option<&'static str>,
    whatsapp_opens: Option<&'static str>,
}

impl Model {
    fn push(&mut self, step: Value) -> usize {
        self.steps.push(step);
        self.steps.len()
    }

    /// The status a WhatsApp or Instagram call gets: 503 while an outage rule is left.
    fn through_outage(&mut self, normal: u16) -> u16 {
        if self.outages > 0 {
            self.outages -= 1;
            503
        } else {
            normal
        }
    }

    fn send(&mut self, who: usize, body: Value, normal: u16) -> (usize, u16) {
        let status = self.through_outage(normal);
        let mut message =
            json!({"messaging_product": "whatsapp", "to": format!("${{{}}}", CONSUMERS[who])});
        for (key, value) in body.as_object().unwrap() {
            message[key] = value.clone();
        }
        let step = self.push(json!({
            "graph": {"method": "POST", "path": "/v23.0/${phone_number}/messages", "token": "system_user_token", "body": message},
            "expect": {"status": status},
        }));
        (step, status)
    }

    fn hours(opens: &str) -> Value {
        json!({"mon_1_open": opens, "mon_1_close": "18:00"})
    }

    /// After a link step: the WhatsApp profile and the Page hold what the
    /// one-way sync rules say.
    fn check_link_state(&mut self) {
        let page_opens = self.page_opens.unwrap_or(DEMO_PAGE_OPENS);
        let whatsapp_hours = match self.whatsapp_opens {
            Some(opens) => json!({"mon_1_open": opens}),
            None => json!({"$exists": false}),
        };
        let linked_page = if self.linked {
            json!({"sync": {"enabled": self.syncing}})
        } else {
            Value::Null
        };
        self.push(json!({"sim": {"path": "/whatsapp/business-app/${phone_number}/profile"},
            "expect": {"body": {"profile": {"hours": whatsapp_hours}, "linked_page": linked_page}}}));
        self.push(json!({"sim": {"path": "/pages/${page}"},
            "expect": {"body": {"hours": {"mon_1_open": page_opens}}}}));
    }

    fn apply_link(&mut self, act: &Act) {
        match *act {
            Act::Link => {
                let status = if self.linked { 409 } else { 201 };
                self.push(
                    json!({"sim": {"method": "POST", "path": "/pages/${page}/whatsapp-link",
                    "body": {"phone_number_id": "${phone_number}"}}, "expect": {"status": status}}),
                );
                self.linked = true;
            }
            Act::Unlink => {
                let status = if self.linked { 200 } else { 404 };
                self.push(
                    json!({"sim": {"method": "DELETE", "path": "/pages/${page}/whatsapp-link"},
                    "expect": {"status": status}}),
                );
                self.linked = false;
                self.syncing = false;
            }
            Act::Sync(on) => {
                let status = if self.linked { 200 } else { 404 };
                self.push(
                    json!({"sim": {"method": "PUT", "path": "/pages/${page}/whatsapp-link/sync",
                    "body": {"enabled": on}}, "expect": {"status": status}}),
                );
                if self.linked {
                    if on && !self.syncing {
                        self.whatsapp_opens = Some(self.page_opens.unwrap_or(DEMO_PAGE_OPENS));
                    }
                    self.syncing = on;
                }
            }
            Act::PageHours(i) => {
                self.push(json!({"sim": {"method": "POST", "path": "/pages/${page}",
                    "body": {"hours": Self::hours(HOURS[i])}}, "expect": {"status": 200}}));
                self.page_opens = Some(HOURS[i]);
                if self.syncing {
                    self.whatsapp_opens = Some(HOURS[i]);
                }
            }
            Act::AppHours(i, confirm) => {
                let warned = self.syncing && !confirm;
                self.push(json!({"sim": {"method": "POST", "path": "/whatsapp/business-app/${phone_number}/profile",
                    "body": {"fields": {"hours": Self::hours(HOURS[i])}, "confirm": confirm}},
                    "expect": {"status": if warned { 409 } else { 200 }}}));
                if !warned {
                    self.whatsapp_opens = Some(HOURS[i]);
                    self.syncing = false;
                }
            }
            Act::ApiAbout => {
                let status = self.through_outage(200);
                self.push(json!({"graph": {"method": "POST", "path": "/v23.0/${phone_number}/whatsapp_business_profile",
                    "token": "system_user_token", "body": {"messaging_product": "whatsapp", "about": "Edited through the API"}},
                    "expect": {"status": status}}));
                if status == 200 {
                    self.syncing = false;
                }
            }
            _ => return,
        }
        self.check_link_state();
    }

    fn apply(&mut self, act: &Act) {
        match *act {
            Act::Inbound(who) => {
                self.push(json!({"sim": {"method": "POST", "path": format!("/whatsapp/consumers/${{{}}}/messages", CONSUMERS[who]),
                    "body": {"to": "${phone_number}", "type": "text", "text": {"body": "hello"}}}, "expect": {"status": 201}}));
                self.last_inbound[who] = Some(self.now);
            }
            Act::FreeForm(who) => {
                let open = self.last_inbound[who].is_some_and(|t| self.now - t < DAY);
                let (step, status) = self.send(
                    who,
                    json!({"type": "text", "text": {"body": "free form"}}),
                    200,
                );
                if status == 200 {
                    self.free_form.push((step, open));
                }
            }
            Act::Template(who, which) => {
                let (name, review) = match which
                    .checked_sub(1)
                    .and_then(|i| self.templates.get(i).map(|r| (i, *r)))
                {
                    Some((i, review)) => (format!("prop_t{i}"), review),
                    None => ("hello_world".to_owned(), Review::Approved),
                };
                let normal = if review == Review::Approved { 200 } else { 404 };
                let body = json!({"type": "template", "template": {"name": name, "language": {"code": "en_US"}}});
                let (step, status) = self.send(who, body, normal);
                if status == 200 {
                    self.templates_sent.push(step);
                }
            }
            Act::CreateTemplate => {
                let index = self.templates.len();
                let status = self.through_outage(200);
                let mut step = json!({
                    "graph": {"method": "POST", "path": "/v23.0/${waba}/message_templates", "token": "system_user_token",
                        "body": {"name": format!("prop_t{index}"), "language": "en_US", "category": "UTILITY",
                                 "components": [{"type": "BODY", "text": format!("Property template {index}")}]}},
                    "expect": {"status": status},
                });
                if status == 200 {
                    step["capture"] = json!({format!("t{index}"): "/id"});
                    self.templates.push(Review::Pending);
                }
                self.push(step);
            }
            Act::Review(which, approve) => {
                if let Some(review) = self.templates.get_mut(which) {
                    *review = if approve {
                        Review::Approved
                    } else {
                        Review::Rejected
                    };
                    let status = if approve { "APPROVED" } else { "REJECTED" };
                    self.push(json!({"sim": {"method": "POST", "path": format!("/whatsapp/templates/${{t{which}}}/review"), "body": {"status": status}}}));
                }
            }
            Act::Advance(hours) => {
                self.now += hours as i64 * 3600;
                self.push(json!({"advance_clock": {"hours": hours}}));
            }
            Act::Flush => {
                self.push(json!({"flush_webhooks": {}}));
            }
            Act::Receiver(up) => {
                self.push(json!({"receiver": {"status": if up { 200 } else { 503 }}}));
            }
            Act::Duplicates(extra) => {
                self.push(json!({"sim": {"method": "POST", "path": "/webhooks/settings", "body": {"duplicates": extra}}}));
            }
            Act::Outage => {
                self.outages += 1;
                self.push(json!({"sim": {"method": "POST", "path": "/faults",
                    "body": {"match": {"product": ["whatsapp", "instagram"]}, "error": {"code": 2, "http_status": 503}, "times": 1}},
                    "expect": {"status": 201}}));
            }
            Act::Instagram => {
                let status = self.through_outage(200);
                self.push(json!({"graph": {"path": "/v23.0/${instagram}", "query": {"fields": "username"}, "token": "user_token"},
                    "expect": {"status": status}}));
            }
            Act::Page => {
                // The Page is `graph`, never part of the WhatsApp + Instagram outage.
                self.push(json!({"graph": {"path": "/v23.0/${page}", "query": {"fields": "name"}, "token": "user_token"},
                    "expect": {"status": 200}}));
            }
            Act::Link
            | Act::Unlink
            | Act::Sync(_)
            | Act::PageHours(_)
            | Act::AppHours(..)
            | Act::ApiAbout => self.apply_link(act),
        }
    }
}

/// The scenario for a sequence, and the model that wrote it.
fn scenario_for(acts: &[Act]) -> (Value, Model) {
    let mut model = Model::default();
    model.push(json!({"graph": {"method": "POST", "path": "/v23.0/${app}/subscriptions", "token": "app",
        "form": {"object": "whatsapp_business_account", "callback_url": "${webhook_url}", "verify_token": "v",
                 "fields": "messages,message_template_status_update"}}}));
    model.push(json!({"graph": {"method": "POST", "path": "/v23.0/${waba}/subscribed_apps", "token": "system_user_token"}}));
    for act in acts {
        model.apply(act);
    }
    // Settle: the receiver comes back and every retry slot (up to 7 days) passes.
    model.push(json!({"receiver": {"status": 200}}));
    model.push(json!({"flush_webhooks": {}}));
    for _ in 0..8 {
        model.push(json!({"advance_clock": {"days": 1}}));
        model.push(json!({"flush_webhooks": {}}));
    }
    model.push(json!({"sim": {"path": "/webhooks/deliveries"}}));
    model.push(json!({"sim": {"path": "/events"}}));
    let scenario = json!({
        "name": "property",
        "seed": 11,
        "sandbox": {
            "template_review": {"auto_approve": false},
            "messaging_limits": {"throughput_per_second": 0, "pair_burst": 0}
        },
        "steps": model.steps,
    });
    (scenario, model)
}

fn response_of(entries: &[Value], step: usize) -> &Value {
    let entry = entries
        .iter()
        .find(|e| e["step"] == json!(step))
        .expect("the step ran");
    &entry["response"]["body"]
}

fn check_invariants(entries: &[Value], model: &Model) -> Result<(), TestCaseError> {
    let last = model.steps.len();
    let deliveries = response_of(entries, last - 1)["data"]
        .as_array()
        .unwrap()
        .clone();
    let events = response_of(entries, last)["data"]
        .as_array()
        .unwrap()
        .clone();
    let statuses = |wamid: &Value| -> Vec<&Value> {
        events
            .iter()
            .filter(|e| e["kind"] == "whatsapp_status" && e["message_id"] == *wamid)
            .collect()
    };

    // The window decides free-form messages; templates go whatever the window.
    for &(step, open) in &model.free_form {
        let wamid = &response_of(entries, step)["messages"][0]["id"];
        let kinds: Vec<&Value> = statuses(wamid).iter().map(|e| &e["status"]).collect();
        if open {
            prop_assert_eq!(
                kinds,
                [&json!("sent"), &json!("delivered")],
                "step {} inside the window",
                step
            );
        } else {
            let failed = statuses(wamid);
            prop_assert_eq!(failed.len(), 1, "step {}: {:?}", step, failed);
            prop_assert_eq!(&failed[0]["status"], "failed");
            prop_assert_eq!(&failed[0]["error"]["code"], &json!(131047));
        }
    }
    for &step in &model.templates_sent {
        let wamid = &response_of(entries, step)["messages"][0]["id"];
        let kinds: Vec<&Value> = statuses(wamid).iter().map(|e| &e["status"]).collect();
        prop_assert_eq!(
            kinds,
            [&json!("sent"), &json!("delivered")],
            "template at step {}",
            step
        );
    }

    // Every event went out in exactly one original delivery.
    let mut carried: BTreeMap<u64, usize> = BTreeMap::new();
    for delivery in deliveries.iter().filter(|d| d["duplicate_of"].is_null()) {
        for seq in delivery["events"].as_array().unwrap() {
            *carried.entry(seq.as_u64().unwrap()).or_default() += 1;
        }
    }
    for event in &events {
        let seq = event["seq"].as_u64().unwrap();
        prop_assert_eq!(carried.get(&seq), Some(&1), "event {}", event);
    }
    // Each delivery ended delivered, or given up with no successful attempt;
    // a duplicate copies a delivered original.
    let mut expected_bodies = Vec::new();
    for delivery in &deliveries {
        let attempts = delivery["attempts"].as_array().unwrap();
        let succeeded = attempts
            .iter()
            .filter(|a| {
                a["status"]
                    .as_u64()
                    .is_some_and(|s| (200..300).contains(&s))
            })
            .count();
        match delivery["state"].as_str().unwrap() {
            "delivered" => {
                prop_assert_eq!(succeeded, 1, "{}", delivery);
                let body: Value = serde_json::from_str(delivery["body"].as_str().unwrap()).unwrap();
                expected_bodies.push(body.to_string());
            }
            state => {
                prop_assert_eq!(state, "given_up", "{}", delivery);
                prop_assert_eq!(succeeded, 0);
            }
        }
        if let Some(original) = delivery["duplicate_of"].as_u64() {
            let original = deliveries
                .iter()
                .find(|d| d["id"] == json!(original))
                .unwrap();
            prop_assert_eq!(&original["body"], &delivery["body"]);
        }
    }
    // What the receiver accepted is exactly what was delivered: nothing lost, nothing extra.
    let mut received: Vec<String> = entries
        .iter()
        .flat_map(|e| e["webhooks"].as_array().cloned().unwrap_or_default())
        .filter(|w| w["answered"] == json!(200))
        .map(|w| w["body"].to_string())
        .collect();
    received.sort();
    expected_bodies.sort();
    prop_assert_eq!(received, expected_bodies);
    Ok(())
}

async fn run_twice(scenario: &Value) -> (scenario::Outcome, scenario::Outcome) {
    let server = Server::start(0).await.expect("metasim starts");
    let runner = Runner::start(server.url(), None).await.expect("a runner");
    let parsed = scenario::parse(&scenario.to_string()).expect("a valid scenario");
    let loaded = scenario::prepare(parsed, "property.json".into()).expect("the demo fixture");
    let first = runner.run(&loaded, None).await;
    let second = runner.run(&loaded, None).await;
    (first, second)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_actions_across_products_keep_the_invariants(acts in prop::collection::vec(act(), 1..40)) {
        let (scenario, model) = scenario_for(&acts);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (first, second) = runtime.block_on(run_twice(&scenario));
        if let Verdict::Failed(failure) = &first.verdict {
            return Err(TestCaseError::fail(format!("{failure}\n{}", first.transcript.render())));
        }
        check_invariants(first.transcript.entries(), &model)?;
        prop_assert!(first.transcript.render() == second.transcript.render(), "the same seed and sequence gave another transcript");
    }
}
