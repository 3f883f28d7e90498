//! Device helpers for the multi-device tests: an account's devices, and a
//! new device linked by QR code or by link code the way a person does it
//! (the device asks, the primary scans or types).

use crate::{Reply, Sandbox, Sim, Value, json};

/// `…/whatsapp/accounts/{digits}/devices{rest}` of a sandbox.
pub fn devices_path(sandbox: &Sandbox, digits: &str, rest: &str) -> String {
    sandbox.sim(&format!("/whatsapp/accounts/{digits}/devices{rest}"))
}

/// Every device of an account, in link order.
pub async fn devices(sim: &Sim, sandbox: &Sandbox, digits: &str) -> Vec<Value> {
    let reply = sim.get(&devices_path(sandbox, digits, "")).await;
    reply.ok()["data"].as_array().expect("devices").clone()
}

/// The ids of an account's active devices.
pub async fn active_ids(sim: &Sim, sandbox: &Sandbox, digits: &str) -> Vec<String> {
    devices(sim, sandbox, digits)
        .await
        .into_iter()
        .filter(|d| d["state"] == "active")
        .map(|d| d["id"].as_str().expect("id").to_owned())
        .collect()
}

/// A new device of `kind` asks to link: `how` is `qr` (a QR code to show)
/// or `link-code`; asserts 201 and returns the answer.
pub async fn ask(sim: &Sim, sandbox: &Sandbox, digits: &str, how: &str, kind: &str) -> Value {
    let reply = sim
        .post_json(
            &devices_path(sandbox, digits, &format!("/{how}")),
            &json!({ "kind": kind }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json
}

/// The primary scans a QR code.
pub async fn scan(sim: &Sim, sandbox: &Sandbox, digits: &str, qr: &str) -> Reply {
    sim.post_json(
        &devices_path(sandbox, digits, "/qr/scan"),
        &json!({ "qr": qr }),
    )
    .await
}

/// The primary types a link code.
pub async fn confirm(sim: &Sim, sandbox: &Sandbox, digits: &str, code: &str) -> Reply {
    sim.post_json(
        &devices_path(sandbox, digits, "/link-code/confirm"),
        &json!({ "code": code }),
    )
    .await
}

/// Link a companion of `kind` by QR code; returns its id.
pub async fn link(sim: &Sim, sandbox: &Sandbox, digits: &str, kind: &str) -> String {
    let asked = ask(sim, sandbox, digits, "qr", kind).await;
    let reply = scan(sim, sandbox, digits, asked["qr"].as_str().expect("qr")).await;
    reply.ok()["id"].as_str().expect("device id").to_owned()
}
