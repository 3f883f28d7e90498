//! WhatsApp multi-device over the control plane: every account's first
//! phone; linking a companion by QR code and by link code (shapes, the
//! alphabet, lifetimes on the virtual clock, single use, codes from the
//! seed); the fifth companion refused with nothing changed; unlinking and
//! logging out; and the refusals of bad input.

use client_tests::devices::{active_ids, ask, confirm, devices, devices_path, link, scan};
use client_tests::whatsapp::{ALICE, BOB, T0};
use client_tests::{Sim, json};

const ALPHABET: &str = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";

#[tokio::test]
async fn every_account_starts_with_the_phone_it_is_registered_on() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(300).await;
    assert_eq!(
        devices(&sim, &sandbox, ALICE).await,
        vec![json!({
            "id": "15550109999:0", "role": "primary", "kind": "phone", "name": "Phone",
            "state": "active", "linked_at": T0, "last_active_at": T0,
        })]
    );
    // A consumer created later is registered when created; formatting of
    // the digits in the path does not matter.
    let now = sim.advance(&sandbox, 3600).await;
    let created = sim
        .post_json(
            &sandbox.sim("/whatsapp/consumers"),
            &json!({ "phone": "+44 7700 900123" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let zoe = devices(&sim, &sandbox, "+44%207700%20900123").await;
    assert_eq!(zoe[0]["id"], "447700900123:0");
    assert_eq!(zoe[0]["linked_at"], now);
}

#[tokio::test]
async fn a_qr_code_shown_by_a_new_device_links_it_when_the_primary_scans_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(301).await;
    let asked = sim
        .post_json(
            &devices_path(&sandbox, ALICE, "/qr"),
            &json!({ "kind": "web", "name": "Office PC" }),
        )
        .await;
    assert_eq!(asked.status, 201, "{}", asked.text());
    let qr = asked.json["qr"].as_str().unwrap().to_owned();
    assert!(qr.starts_with("2@") && qr.split(',').count() == 4, "{qr}");
    assert_eq!(
        asked.json,
        json!({ "device_id": "15550109999:1", "qr": qr, "expires_at": T0 + 60 })
    );
    // Asking does not link anything yet.
    assert_eq!(devices(&sim, &sandbox, ALICE).await.len(), 1);
    sim.advance(&sandbox, 30).await;
    let scanned = scan(&sim, &sandbox, ALICE, &qr).await;
    let companion = json!({
        "id": "15550109999:1", "role": "companion", "kind": "web", "name": "Office PC",
        "state": "active", "linked_at": T0 + 30, "last_active_at": T0 + 30,
    });
    assert_eq!(scanned.ok(), &companion);
    let all = devices(&sim, &sandbox, ALICE).await;
    assert_eq!(all[1], companion);
    assert_eq!(
        all[0]["last_active_at"],
        T0 + 30,
        "scanning uses the primary"
    );
}

#[tokio::test]
async fn a_link_code_is_eight_characters_from_whatsapps_alphabet_typed_on_the_primary() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(302).await;
    let asked = ask(&sim, &sandbox, BOB, "link-code", "desktop").await;
    let code = asked["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 9, "{code}");
    assert_eq!(&code[4..5], "-");
    assert!(
        code.chars()
            .filter(|c| *c != '-')
            .all(|c| ALPHABET.contains(c)),
        "{code}"
    );
    assert_eq!(
        asked,
        json!({ "device_id": "15550108888:1", "code": code, "expires_at": T0 + 180 })
    );
    // Typed in lower case, without the hyphen, a moment before it expires.
    sim.advance(&sandbox, 179).await;
    let typed = code.replace('-', "").to_ascii_lowercase();
    let linked = confirm(&sim, &sandbox, BOB, &typed).await;
    assert_eq!(linked.ok()["name"], "WhatsApp Desktop");
    assert_eq!(linked.json["kind"], "desktop");
    assert_eq!(
        active_ids(&sim, &sandbox, BOB).await,
        ["15550108888:0", "15550108888:1"]
    );
}

#[tokio::test]
async fn a_fifth_companion_is_refused_naming_the_limit_and_nothing_changes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(303).await;
    for kind in ["web", "desktop", "tablet", "phone"] {
        link(&sim, &sandbox, ALICE, kind).await;
    }
    let fifth = ask(&sim, &sandbox, ALICE, "link-code", "web").await;
    let code = fifth["code"].as_str().unwrap();
    let before = devices(&sim, &sandbox, ALICE).await;
    let refused = confirm(&sim, &sandbox, ALICE, code).await;
    assert_eq!(
        refused.assert_sim_error(409, None),
        "(#100) This account already has 4 linked devices, the most WhatsApp allows: unlink one first"
    );
    assert_eq!(devices(&sim, &sandbox, ALICE).await, before);
    // Unlinking one makes room; the same code (unused, unexpired) now links.
    let unlinked = sim
        .delete(&devices_path(&sandbox, ALICE, "/15550109999:2"))
        .await;
    assert_eq!(unlinked.ok()["logout_reason"], "removed_by_primary");
    let linked = confirm(&sim, &sandbox, ALICE, code).await;
    assert_eq!(linked.ok()["id"], fifth["device_id"]);
    assert_eq!(active_ids(&sim, &sandbox, ALICE).await.len(), 5);
}

#[tokio::test]
async fn codes_expire_on_the_virtual_clock_and_link_once() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(304).await;
    let qr = ask(&sim, &sandbox, ALICE, "qr", "web").await;
    let qr = qr["qr"].as_str().unwrap().to_owned();
    sim.advance(&sandbox, 60).await;
    let late = scan(&sim, &sandbox, ALICE, &qr).await;
    assert_eq!(
        late.assert_sim_error(400, None),
        "(#100) This code expired at 2026-01-01T00:01:00Z: the new device shows a fresh one"
    );
    let code = ask(&sim, &sandbox, ALICE, "link-code", "tablet").await;
    let code = code["code"].as_str().unwrap().to_owned();
    confirm(&sim, &sandbox, ALICE, &code).await.ok();
    let again = confirm(&sim, &sandbox, ALICE, &code).await;
    assert_eq!(
        again.assert_sim_error(409, None),
        "(#100) This code was used already: each links one device once"
    );
    // A code of another account does not link to this one.
    let bobs = ask(&sim, &sandbox, BOB, "link-code", "web").await;
    let elsewhere = confirm(&sim, &sandbox, ALICE, bobs["code"].as_str().unwrap()).await;
    assert_eq!(
        elsewhere.assert_sim_error(404, Some(33)),
        "No device showing this code is waiting to link to this account"
    );
}

#[tokio::test]
async fn the_primary_unlinks_and_a_companion_logs_itself_out() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(305).await;
    let web = link(&sim, &sandbox, BOB, "web").await;
    let tablet = link(&sim, &sandbox, BOB, "tablet").await;
    sim.advance(&sandbox, 120).await;
    let out = sim
        .post_json(
            &devices_path(&sandbox, BOB, &format!("/{tablet}/logout")),
            &json!({}),
        )
        .await;
    assert_eq!(out.ok()["state"], "logged_out");
    assert_eq!(out.json["logout_reason"], "user");
    assert_eq!(out.json["logged_out_at"], T0 + 120);
    let again = sim
        .post_json(
            &devices_path(&sandbox, BOB, &format!("/{tablet}/logout")),
            &json!({}),
        )
        .await;
    assert_eq!(
        again.assert_sim_error(409, None),
        format!("(#100) Device {tablet} is logged out already")
    );
    let unlinked = sim
        .delete(&devices_path(&sandbox, BOB, &format!("/{web}")))
        .await;
    assert_eq!(unlinked.ok()["logout_reason"], "removed_by_primary");
    let primary = sim
        .delete(&devices_path(&sandbox, BOB, "/15550108888:0"))
        .await;
    assert!(
        primary
            .assert_sim_error(400, None)
            .contains("is the primary phone"),
        "{}",
        primary.text()
    );
    let states: Vec<_> = devices(&sim, &sandbox, BOB)
        .await
        .iter()
        .map(|d| (d["id"].clone(), d["state"].clone()))
        .collect();
    assert_eq!(
        states,
        [
            (json!("15550108888:0"), json!("active")),
            (json!(web), json!("logged_out")),
            (json!(tablet), json!("logged_out")),
        ]
    );
}

#[tokio::test]
async fn bad_input_gets_a_clear_refusal() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(306).await;
    let nobody = sim.get(&devices_path(&sandbox, "19995550000", "")).await;
    assert!(
        nobody
            .assert_sim_error(404, Some(33))
            .starts_with("No WhatsApp account with phone \"19995550000\""),
        "{}",
        nobody.text()
    );
    let offline = sim
        .post_json(
            &sandbox.sim("/whatsapp/consumers"),
            &json!({ "phone": "15550107000", "on_whatsapp": false }),
        )
        .await;
    assert_eq!(offline.status, 201);
    let none = sim.get(&devices_path(&sandbox, "15550107000", "")).await;
    assert_eq!(
        none.assert_sim_error(400, None),
        "(#100) 15550107000 is not on WhatsApp, so it has no devices"
    );
    let cases = [
        (
            "/qr",
            json!({ "kind": "watch" }),
            "(#100) kind: \"watch\" is not a device kind; use phone, web, desktop or tablet",
        ),
        (
            "/qr",
            json!({ "kind": "web", "name": "x".repeat(65) }),
            "(#100) name: use 1 to 64 characters, without control characters",
        ),
        (
            "/link-code/confirm",
            json!({ "code": "ABCD-EFGI" }),
            "(#100) code: a link code is 8 characters from 123456789ABCDEFGHJKLMNPQRSTVWXYZ (a hyphen after the fourth is optional)",
        ),
    ];
    for (rest, body, message) in cases {
        let reply = sim
            .post_json(&devices_path(&sandbox, ALICE, rest), &body)
            .await;
        assert_eq!(reply.assert_sim_error(400, None), message, "{rest} {body}");
    }
    let unknown_field = sim
        .post_json(
            &devices_path(&sandbox, ALICE, "/qr"),
            &json!({ "kind": "web", "os": "linux" }),
        )
        .await;
    assert!(
        unknown_field
            .assert_sim_error(400, None)
            .contains("unknown field `os`")
    );
    let no_kind = sim
        .post_json(&devices_path(&sandbox, ALICE, "/link-code"), &json!({}))
        .await;
    assert!(
        no_kind
            .assert_sim_error(400, None)
            .contains("missing field `kind`")
    );
    let no_device = sim
        .delete(&devices_path(&sandbox, ALICE, "/15550109999:7"))
        .await;
    assert_eq!(
        no_device.assert_sim_error(404, Some(33)),
        "No device \"15550109999:7\" on this account"
    );
    let no_qr = scan(&sim, &sandbox, ALICE, "2@nothing").await;
    no_qr.assert_sim_error(404, Some(33));
    assert_eq!(
        devices(&sim, &sandbox, ALICE).await.len(),
        1,
        "nothing changed"
    );
}

#[tokio::test]
async fn codes_come_from_the_seed() {
    let sim = Sim::start().await;
    let mut runs = Vec::new();
    for (id, seed) in [("a", 7), ("b", 7), ("c", 8)] {
        let sandbox = sim.create_sandbox(json!({ "id": id, "seed": seed })).await;
        let qr = ask(&sim, &sandbox, ALICE, "qr", "web").await;
        let code = ask(&sim, &sandbox, ALICE, "link-code", "web").await;
        runs.push((qr["qr"].clone(), code["code"].clone()));
    }
    assert_eq!(runs[0], runs[1], "same seed, same codes");
    assert_ne!(runs[0].0, runs[2].0, "another seed, other codes");
    assert_ne!(runs[0].1, runs[2].1);
}

#[tokio::test]
async fn changing_number_starts_over_on_the_new_number_with_the_phone_alone() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(307).await;
    link(&sim, &sandbox, BOB, "web").await;
    let now = sim.advance(&sandbox, 600).await;
    let moved = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{BOB}/change_number")),
            &json!({ "new_phone": "+1 555 010 6666" }),
        )
        .await;
    moved.ok();
    let on_new = devices(&sim, &sandbox, "15550106666").await;
    assert_eq!(on_new.len(), 1);
    assert_eq!(on_new[0]["id"], "15550106666:0");
    assert_eq!(on_new[0]["linked_at"], now);
    sim.get(&devices_path(&sandbox, BOB, ""))
        .await
        .assert_sim_error(404, Some(33));
}
