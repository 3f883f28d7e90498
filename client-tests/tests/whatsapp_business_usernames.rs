//! Business usernames: a registered number adopts one
//! (`POST /{phone-number-id}/username`, or `username` on
//! `POST /{phone-number-id}`), reads it on the edge and on the number's
//! `username` field, and drops it (`DELETE`); `username_suggestions` come
//! from the verified name. Meta's format rules give 100
//! `Param Invalid`; a name held by another portfolio is 147001, by another
//! number of the same portfolio 147005 unless `force_transfer`; an
//! unregistered number is 133010. Each change reaches the
//! `business_username_update` webhook. Same seed, same answers.

use client_tests::business::{call_as, get as read, post as write};
use client_tests::calling::field_webhooks;
use client_tests::receiver::{Receiver, subscribe, subscribe_waba_as};
use client_tests::whatsapp::{assert_param_error, assert_whatsapp_error, phone};
use client_tests::{Sandbox, Sim, Value, json, waba_fixture};
use reqwest::Method;

/// `waba_fixture(2)` (`p1`, `p2` in business `biz`, token `t`) plus a
/// second portfolio `other` with a registered number `p3` (token `t2`) and
/// an unregistered `p4` in `biz`'s WABA.
fn two_portfolios() -> Value {
    let mut fixture = waba_fixture(2);
    fixture["whatsapp_business_accounts"][0]["phone_numbers"]
        .as_array_mut()
        .expect("numbers")
        .push(json!({
            "handle": "p4", "display_phone_number": "+1 555-020-0004",
            "verified_name": "Number 4", "registered": false,
        }));
    fixture["businesses"]
        .as_array_mut()
        .expect("businesses")
        .push(json!({ "handle": "other", "name": "Other", "owner": "owner" }));
    fixture["system_users"]
        .as_array_mut()
        .expect("system users")
        .push(json!({ "handle": "su2", "name": "Other Bot", "business": "other" }));
    fixture["whatsapp_business_accounts"]
        .as_array_mut()
        .expect("WABAs")
        .push(json!({
            "handle": "waba2", "name": "Other WABA", "business": "other",
            "phone_numbers": [{
                "handle": "p3", "display_phone_number": "+1 555-020-0003",
                "verified_name": "Number 3", "registered": true,
            }],
        }));
    fixture["tokens"]
        .as_array_mut()
        .expect("tokens")
        .push(json!({
            "handle": "t2", "subject": "su2", "app": "app",
            "scopes": ["whatsapp_business_management"],
        }));
    fixture
}

/// `method /{number}/username` as `token`.
async fn username(
    sim: &Sim,
    token: &str,
    method: Method,
    number: &str,
    body: Option<Value>,
) -> client_tests::Reply {
    call_as(
        sim,
        token,
        method,
        &format!("/{number}/username"),
        body.as_ref(),
    )
    .await
}

#[tokio::test]
async fn a_number_adopts_reads_and_drops_a_username() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1301).await;
    let number = phone(&sandbox).to_owned();
    let edge = format!("/{number}/username");
    let field = format!("/{number}?fields=username,display_phone_number");
    assert_eq!(read(&sim, &sandbox, &edge).await.ok(), &json!({}));
    let none = read(&sim, &sandbox, &field).await;
    assert!(none.ok().get("username").is_none(), "{}", none.text());

    let set = write(&sim, &sandbox, &edge, &json!({ "username": "LuckyShrub" })).await;
    assert_eq!(set.ok(), &json!({ "status": "approved" }));
    assert_eq!(
        read(&sim, &sandbox, &edge).await.ok(),
        &json!({ "username": "LuckyShrub", "status": "approved" })
    );
    assert_eq!(
        read(&sim, &sandbox, &field).await.ok(),
        &json!({ "username": "LuckyShrub", "display_phone_number": "+1 555-010-0001", "id": number })
    );
    // The phone_numbers edge carries it too.
    let waba = sandbox.id_of("waba");
    let listed = read(
        &sim,
        &sandbox,
        &format!("/{waba}/phone_numbers?fields=username"),
    )
    .await;
    assert_eq!(listed.ok()["data"][0]["username"], "LuckyShrub");

    // Adopting again (any case) is the same name; another replaces it.
    let again = write(&sim, &sandbox, &edge, &json!({ "username": "luckyshrub" })).await;
    assert_eq!(again.ok(), &json!({ "status": "approved" }));
    let form = write(
        &sim,
        &sandbox,
        &format!("/{number}"),
        &json!({ "username": "lucky.shrub" }),
    )
    .await;
    assert_eq!(form.ok(), &json!({ "success": true }));
    assert_eq!(
        read(&sim, &sandbox, &edge).await.ok()["username"],
        "lucky.shrub"
    );

    let dropped = username(
        &sim,
        sandbox.token("system_user_token"),
        Method::DELETE,
        &number,
        None,
    )
    .await;
    assert_eq!(dropped.ok(), &json!({ "success": true }));
    assert_eq!(read(&sim, &sandbox, &edge).await.ok(), &json!({}));
    let gone = read(&sim, &sandbox, &field).await;
    assert!(gone.ok().get("username").is_none(), "{}", gone.text());
}

#[tokio::test]
async fn a_username_follows_metas_format() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1302).await;
    let edge = format!("/{}/username", phone(&sandbox));
    let long = "a".repeat(36);
    for (bad, why) in [
        ("ab", "A username has 3 to 35 characters"),
        (long.as_str(), "A username has 3 to 35 characters"),
        (
            "lucky-shrub",
            "A username has only letters, digits, periods and underscores",
        ),
        ("12_34", "A username has at least one letter"),
        (
            ".lucky",
            "A username neither starts nor ends with a period, nor has two in a row",
        ),
        (
            "lucky..shrub",
            "A username neither starts nor ends with a period, nor has two in a row",
        ),
        ("wwwlucky", "A username does not start with www"),
        (
            "luckyshrub.com",
            "A username does not end with a domain suffix such as .com",
        ),
    ] {
        let refused = write(&sim, &sandbox, &edge, &json!({ "username": bad })).await;
        let error = refused.assert_error(400, 100, None, "OAuthException");
        assert_eq!(refused.message(), "(#100) Param Invalid", "{bad}");
        assert_eq!(error["error_user_msg"], why, "{bad}");
    }
    assert_param_error(
        &write(&sim, &sandbox, &edge, &json!({})).await,
        "The parameter username is required",
    );
    assert_param_error(
        &write(
            &sim,
            &sandbox,
            &edge,
            &json!({ "username": "luckyshrub", "transfer_action": "steal" }),
        )
        .await,
        "Param transfer_action must be one of {none, force_transfer} - got \"steal\".",
    );
    // Nothing was set by the refusals.
    assert_eq!(read(&sim, &sandbox, &edge).await.ok(), &json!({}));
}

#[tokio::test]
async fn a_username_belongs_to_one_number() {
    let sim = Sim::start().await;
    let sandbox: Sandbox = sim
        .create_sandbox(json!({ "seed": 1303, "fixture": two_portfolios() }))
        .await;
    let (t, t2) = (sandbox.token("t"), sandbox.token("t2"));
    let [p1, p2, p3, p4] = ["p1", "p2", "p3", "p4"].map(|h| sandbox.id_of(h).to_owned());
    let name = |n: &str| Some(json!({ "username": n }));
    assert_eq!(
        username(&sim, t, Method::POST, &p1, name("corner_shop"))
            .await
            .ok()["status"],
        "approved"
    );

    let taken = username(&sim, t, Method::POST, &p2, name("Corner_Shop")).await;
    assert_whatsapp_error(
        &taken,
        400,
        147005,
        "Username in use by another phone number",
        "Another phone number of this business portfolio holds this username. Retry with transfer_action=force_transfer to move it here.",
    );
    let elsewhere = username(&sim, t2, Method::POST, &p3, name("CORNER_SHOP")).await;
    assert_whatsapp_error(
        &elsewhere,
        400,
        147001,
        "Username not available",
        "Another business holds this username. Choose another one.",
    );
    let unregistered = username(&sim, t, Method::POST, &p4, name("number_four")).await;
    assert_whatsapp_error(
        &unregistered,
        400,
        133010,
        "Phone number Not Registered",
        "Register the phone number with the Cloud API before giving it a username.",
    );

    let moved = json!({ "username": "corner_shop", "transfer_action": "force_transfer" });
    assert_eq!(
        username(&sim, t, Method::POST, &p2, Some(moved)).await.ok()["status"],
        "approved"
    );
    assert_eq!(
        username(&sim, t, Method::GET, &p1, None).await.ok(),
        &json!({})
    );
    assert_eq!(
        username(&sim, t, Method::GET, &p2, None).await.ok()["username"],
        "corner_shop"
    );
    // Suggestions come from the verified name, leaving out names held.
    let suggested = |number: String| {
        let sim = &sim;
        async move {
            call_as(
                sim,
                t,
                Method::GET,
                &format!("/{number}/username_suggestions"),
                None,
            )
            .await
        }
    };
    assert_eq!(
        suggested(p2.clone()).await.ok(),
        &json!({ "data": [{ "username_suggestions": ["number2", "number.2", "number_2"] }] })
    );
    username(&sim, t, Method::POST, &p1, name("Number.2"))
        .await
        .ok();
    assert_eq!(
        suggested(p2.clone()).await.ok()["data"][0]["username_suggestions"],
        json!(["number2", "number_2"])
    );
    // Released, a name is free for any portfolio.
    username(&sim, t, Method::DELETE, &p2, None).await.ok();
    assert_eq!(
        username(&sim, t2, Method::POST, &p3, name("corner_shop"))
            .await
            .ok()["status"],
        "approved"
    );

    // Same seed, same answers (and the state survives a snapshot).
    sim.assert_snapshot_round_trip(&sandbox).await;
}

#[tokio::test]
async fn each_change_reaches_the_business_username_update_webhook() {
    let sim = Sim::start().await;
    let sandbox: Sandbox = sim
        .create_sandbox(json!({ "seed": 1304, "fixture": two_portfolios() }))
        .await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let hook = receiver.url("/hook");
    let field = ["business_username_update"];
    subscribe(&sim, &sandbox, "whatsapp_business_account", &field, &hook).await;
    let t = sandbox.token("t");
    subscribe_waba_as(&sim, &sandbox, "waba", t, None)
        .await
        .ok();
    let [p1, p2] = ["p1", "p2"].map(|h| sandbox.id_of(h).to_owned());
    let name = json!({ "username": "corner_shop" });
    username(&sim, t, Method::POST, &p1, Some(name.clone()))
        .await
        .ok();
    // The same name again changes nothing.
    username(&sim, t, Method::POST, &p1, Some(name)).await.ok();
    let moved = json!({ "username": "corner_shop", "transfer_action": "force_transfer" });
    username(&sim, t, Method::POST, &p2, Some(moved)).await.ok();
    username(&sim, t, Method::DELETE, &p2, None).await.ok();
    username(&sim, t, Method::DELETE, &p2, None).await.ok();

    let values = field_webhooks(&sim, &sandbox, &receiver, "business_username_update").await;
    assert_eq!(
        values,
        vec![
            json!({ "display_phone_number": "15550200001", "username": "corner_shop", "status": "approved" }),
            json!({ "display_phone_number": "15550200001", "status": "deleted" }),
            json!({ "display_phone_number": "15550200002", "username": "corner_shop", "status": "approved" }),
            json!({ "display_phone_number": "15550200002", "status": "deleted" }),
        ]
    );
    let bodies = receiver.bodies();
    let entry = &bodies[0]["entry"][0];
    assert_eq!(entry["id"], sandbox.id_of("waba"));
    assert!(entry["time"].is_i64(), "{entry}");
}
