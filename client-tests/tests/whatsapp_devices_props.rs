//! Property test over random device actions on one consumer, through the
//! control plane: new devices asking to link by QR code or link code, the
//! primary scanning or typing them (fresh, reused or stale), unlinking,
//! logging out, registering on a new phone, the clock jumping across the
//! inactivity periods, the consumer writing from any device and the
//! business sending. After every step the invariants hold: one active
//! primary; never more than four active companions, and a link refused for
//! the limit only at four; after a takeover only the new primary is active;
//! every message sent reaches every active device and no logged-out device
//! receives anything after its logout. The same seed and actions give the
//! same answers, codes included, in a second sandbox.

use std::collections::BTreeMap;

use client_tests::devices::{devices, devices_path};
use client_tests::whatsapp::{ALICE, phone, post};
use client_tests::{Reply, Sandbox, Sim, Value, json};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Act {
    /// A new device of this kind asks for a QR code (`true`) or a link code.
    Ask(usize, bool),
    /// The primary uses the newest code handed out.
    UseNewest,
    /// The primary uses the n-th code handed out so far (modulo): often used or stale.
    Use(usize),
    Unlink(usize),
    Logout(usize),
    Register,
    Advance(u64),
    /// Alice writes from the n-th device (modulo; her phone when none).
    Write(usize),
    BusinessSends,
}

const KINDS: [&str; 4] = ["web", "desktop", "tablet", "phone"];
const JUMPS: [u64; 5] = [30, 3600, 10 * 86_400, 15 * 86_400, 31 * 86_400];

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        6 => (0..4usize, any::<bool>()).prop_map(|(kind, qr)| Act::Ask(kind, qr)),
        6 => Just(Act::UseNewest),
        1 => (0..8usize).prop_map(Act::Use),
        1 => (0..8usize).prop_map(Act::Unlink),
        1 => (0..8usize).prop_map(Act::Logout),
        1 => Just(Act::Register),
        1 => (0..JUMPS.len()).prop_map(|i| Act::Advance(JUMPS[i])),
        2 => (0..8usize).prop_map(Act::Write),
        2 => Just(Act::BusinessSends),
    ]
}

/// One run: what every action answered, and the invariants checked on the way.
struct Run<'a> {
    sim: &'a Sim,
    sandbox: Sandbox,
    /// Codes handed out: (`qr`, the code or payload).
    codes: Vec<(bool, String)>,
    /// Logged-out device -> the message ids it held when checked after logout.
    frozen: BTreeMap<String, Vec<Value>>,
    answers: Vec<Value>,
}

fn record(reply: &Reply) -> Value {
    json!({ "status": reply.status, "body": reply.json })
}

impl Run<'_> {
    async fn list(&self) -> Vec<Value> {
        devices(self.sim, &self.sandbox, ALICE).await
    }

    async fn held(&self, device: &str) -> Vec<Value> {
        let inbox = self
            .sim
            .get(&devices_path(
                &self.sandbox,
                ALICE,
                &format!("/{device}/inbox"),
            ))
            .await;
        inbox.ok()["chats"]
            .as_array()
            .expect("chats")
            .iter()
            .flat_map(|c| c["messages"].as_array().expect("messages").clone())
            .map(|m| m["id"].clone())
            .collect()
    }

    fn nth(list: &[Value], n: usize) -> &str {
        list[n % list.len()]["id"].as_str().expect("id")
    }

    async fn step(&mut self, act: &Act) {
        let before = self.list().await;
        let companions = before
            .iter()
            .filter(|d| d["role"] == "companion" && d["state"] == "active")
            .count();
        let reply = match act {
            Act::Ask(kind, qr) => {
                let how = if *qr { "qr" } else { "link-code" };
                let reply = self
                    .sim
                    .post_json(
                        &devices_path(&self.sandbox, ALICE, &format!("/{how}")),
                        &json!({ "kind": KINDS[*kind] }),
                    )
                    .await;
                let field = if *qr { "qr" } else { "code" };
                let code = reply.json[field].as_str().expect("a code").to_owned();
                self.codes.push((*qr, code));
                reply
            }
            Act::Use(_) | Act::UseNewest if !self.codes.is_empty() => {
                let n = match act {
                    Act::Use(n) => n % self.codes.len(),
                    _ => self.codes.len() - 1,
                };
                let (qr, code) = self.codes[n].clone();
                let (rest, body) = if qr {
                    ("/qr/scan", json!({ "qr": code }))
                } else {
                    ("/link-code/confirm", json!({ "code": code }))
                };
                let reply = self
                    .sim
                    .post_json(&devices_path(&self.sandbox, ALICE, rest), &body)
                    .await;
                if reply.status == 200 {
                    assert!(companions < 4, "a fifth companion linked");
                }
                if reply.message().contains("already has 4 linked devices") {
                    assert_eq!(companions, 4, "refused for the limit below it");
                }
                reply
            }
            Act::Unlink(n) | Act::Logout(n) => {
                let id = Self::nth(&before, *n);
                let path = devices_path(&self.sandbox, ALICE, &format!("/{id}"));
                if matches!(act, Act::Unlink(_)) {
                    self.sim.delete(&path).await
                } else {
                    self.sim
                        .post_json(&format!("{path}/logout"), &json!({}))
                        .await
                }
            }
            Act::Register => {
                let reply = self
                    .sim
                    .post_json(
                        &self
                            .sandbox
                            .sim(&format!("/whatsapp/accounts/{ALICE}/register")),
                        &json!({ "kind": "phone" }),
                    )
                    .await;
                let active: Vec<Value> = self
                    .list()
                    .await
                    .into_iter()
                    .filter(|d| d["state"] == "active")
                    .map(|d| d["id"].clone())
                    .collect();
                assert_eq!(active, [reply.json["id"].clone()], "only the new primary");
                reply
            }
            Act::Advance(seconds) => {
                self.sim
                    .post_json(
                        &self.sandbox.sim("/clock/advance"),
                        &json!({ "seconds": seconds }),
                    )
                    .await
            }
            Act::Write(n) => {
                let body = json!({
                    "to": phone(&self.sandbox), "type": "text", "text": { "body": "hi" },
                    "device_id": Self::nth(&before, *n),
                });
                self.sim
                    .post_json(
                        &self
                            .sandbox
                            .sim(&format!("/whatsapp/consumers/{ALICE}/messages")),
                        &body,
                    )
                    .await
            }
            // With no code handed out yet, using one is the business sending.
            Act::BusinessSends | Act::Use(_) | Act::UseNewest => {
                let body = json!({ "messaging_product": "whatsapp", "to": ALICE, "type": "template",
                    "template": { "name": "hello_world", "language": { "code": "en_US" } } });
                let reply = post(self.sim, &self.sandbox, &body).await;
                // (The pair limit may refuse a long burst; then nothing was sent.)
                if reply.status == 200 {
                    let id = reply.json["messages"][0]["id"].clone();
                    for device in self.list().await {
                        let device_id = device["id"].as_str().expect("id");
                        let holds = self.held(device_id).await.contains(&id);
                        assert_eq!(holds, device["state"] == "active", "{device}");
                    }
                }
                reply
            }
        };
        assert!(reply.status < 500, "{}", reply.text());
        self.answers.push(record(&reply));
        self.check().await;
    }

    /// One active primary, at most four active companions, and logged-out
    /// devices frozen.
    async fn check(&mut self) {
        let list = self.list().await;
        let active = |role: &str| {
            list.iter()
                .filter(|d| d["role"] == role && d["state"] == "active")
                .count()
        };
        assert_eq!(active("primary"), 1, "{list:?}");
        assert!(active("companion") <= 4, "{list:?}");
        for device in list.iter().filter(|d| d["state"] == "logged_out") {
            let id = device["id"].as_str().expect("id").to_owned();
            let held = self.held(&id).await;
            let frozen = self
                .frozen
                .entry(id.clone())
                .or_insert_with(|| held.clone());
            assert_eq!(&held, frozen, "{id} received something after its logout");
        }
        self.answers.push(json!(list));
    }
}

async fn run(sim: &Sim, id: &str, seed: u64, acts: &[Act]) -> Vec<Value> {
    let sandbox = sim.create_sandbox(json!({ "id": id, "seed": seed })).await;
    let mut run = Run {
        sim,
        sandbox,
        codes: Vec::new(),
        frozen: BTreeMap::new(),
        answers: Vec::new(),
    };
    for act in acts {
        run.step(act).await;
    }
    run.answers
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn device_invariants_hold_and_the_seed_decides_everything(
        seed in 0..1000u64,
        acts in prop::collection::vec(act(), 1..40),
    ) {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        runtime.block_on(async {
            let sim = Sim::start().await;
            let first = run(&sim, "first", seed, &acts).await;
            let second = run(&sim, "second", seed, &acts).await;
            assert_eq!(first, second, "the same seed and actions answered differently");
        });
    }
}
