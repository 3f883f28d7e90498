//! The WhatsApp business phone number lifecycle over HTTP: add a number to a
//! WABA, `request_code` (SMS or voice, read back from the phone's inbox at
//! `/_sim/sandboxes/{sid}/phones/{digits}/sms`), `verify_code`, `register`
//! with a two-step PIN, `POST /{phone-number-id}` to reset the PIN, and
//! `deregister` — with parameters as JSON, as a form, and in the query string
//! of an empty POST (as pywa sends them); Meta's errors with their codes,
//! statuses and `error_data` (136024, 136025, 133005, 133006, 133008, 133016,
//! 100/2207051); the limits on the virtual clock; permissions (200, granular
//! targets as 100/33); and same-seed determinism of the codes.

use client_tests::{Reply, Sandbox, Sim, V, Value, demo_fixture, json, query, unsupported};
use reqwest::Method;

const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;

/// The demo fixture's token that manages the WABA.
const MANAGER: &str = "system_user_token";

/// How a client puts the parameters of a POST.
#[derive(Debug, Clone, Copy)]
enum Style {
    Json,
    Form,
    /// An empty POST with the parameters in the query string (pywa).
    Query,
}

async fn post_styled(
    sim: &Sim,
    token: &str,
    path: &str,
    style: Style,
    params: &[(&str, &str)],
) -> Reply {
    let url = format!("/{V}{path}");
    let request = match style {
        Style::Json => {
            let body: serde_json::Map<String, Value> = params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), json!(v)))
                .collect();
            sim.request(Method::POST, &url).json(&body)
        }
        Style::Form => sim.request(Method::POST, &url).form(params),
        Style::Query => sim.request(Method::POST, &format!("{url}?{}", query(params))),
    };
    sim.send(request.bearer_auth(token)).await
}

/// POST a JSON body as the WABA's manager.
async fn post(sim: &Sim, sandbox: &Sandbox, path: &str, body: Value) -> Reply {
    sim.send(
        sim.request(Method::POST, &format!("/{V}{path}"))
            .bearer_auth(sandbox.token(MANAGER))
            .json(&body),
    )
    .await
}

/// POST without any body or parameter (how SDKs call `deregister`).
async fn post_empty(sim: &Sim, sandbox: &Sandbox, path: &str) -> Reply {
    sim.send(
        sim.request(Method::POST, &format!("/{V}{path}"))
            .bearer_auth(sandbox.token(MANAGER)),
    )
    .await
}

#[track_caller]
fn assert_success(reply: &Reply) {
    assert_eq!(reply.ok(), &json!({ "success": true }));
}

/// A WhatsApp platform error: `(#code) title`, `error_data` with `details`, and
/// `is_transient` only where Meta marks the error as transient.
#[track_caller]
fn assert_whatsapp_error(reply: &Reply, code: i64, title: &str, details: &str, transient: bool) {
    let error = reply.assert_error(400, code, None, "OAuthException");
    assert_eq!(reply.message(), format!("(#{code}) {title}"));
    assert_eq!(
        error["error_data"],
        json!({ "messaging_product": "whatsapp", "details": details })
    );
    assert_eq!(
        error.get("is_transient"),
        transient.then_some(&json!(true)),
        "is_transient of {}",
        reply.text()
    );
}

#[track_caller]
fn assert_invalid_parameter(reply: &Reply, text: &str) {
    reply.assert_error(400, 100, None, "OAuthException");
    assert_eq!(reply.message(), format!("(#100) {text}"));
}

#[track_caller]
fn assert_too_many_code_requests(reply: &Reply) {
    assert_whatsapp_error(
        reply,
        136024,
        "Too many verification code requests",
        "A code was requested for this number too many times. Wait before requesting another code.",
        true,
    );
}

#[track_caller]
fn assert_code_not_verified(reply: &Reply) {
    assert_whatsapp_error(
        reply,
        136025,
        "Code couldn't be verified",
        "The code is wrong or has expired, or no code was requested. Request a new code and try again.",
        false,
    );
}

#[track_caller]
fn assert_pin_mismatch(reply: &Reply) {
    assert_whatsapp_error(
        reply,
        133005,
        "Two step verification PIN Mismatch",
        "The PIN does not match the two-step verification PIN of this phone number.",
        false,
    );
}

#[track_caller]
fn assert_registration_limit(reply: &Reply) {
    assert_whatsapp_error(
        reply,
        133016,
        "Account register deregister rate limit exceeded",
        "A number can be registered or deregistered 10 times in 72 hours. Try again later.",
        false,
    );
}

#[track_caller]
fn assert_not_registered(reply: &Reply) {
    reply.assert_error(400, 100, Some(2207051), "OAuthException");
    assert_eq!(
        reply.message(),
        "Phone number not registered on the WhatsApp Business Platform."
    );
    assert!(reply.error().get("error_data").is_none());
}

/// `POST /{waba}/phone_numbers` as JSON; returns the new id.
async fn add_number(sim: &Sim, sandbox: &Sandbox, local: &str, name: &str) -> String {
    let waba = sandbox.id_of("waba");
    let reply = post(
        sim,
        sandbox,
        &format!("/{waba}/phone_numbers"),
        json!({ "cc": "1", "phone_number": local, "verified_name": name }),
    )
    .await;
    new_id(&reply)
}

/// The answer to an added number is exactly `{"id": "<digits>"}`.
#[track_caller]
fn new_id(reply: &Reply) -> String {
    let body = reply.ok().as_object().expect("an object");
    assert_eq!(body.len(), 1, "only id: {}", reply.text());
    let id = body["id"].as_str().expect("a string id");
    assert!(id.bytes().all(|b| b.is_ascii_digit()), "numeric id {id}");
    id.to_owned()
}

/// What a phone received, oldest first.
async fn sms(sim: &Sim, sandbox: &Sandbox, digits: &str) -> Vec<Value> {
    let reply = sim
        .get(&sandbox.sim(&format!("/phones/{digits}/sms")))
        .await;
    let body = reply.ok();
    assert_eq!(body.as_object().unwrap().len(), 1, "only data: {body}");
    body["data"].as_array().expect("data").clone()
}

/// The newest code the phone received.
async fn last_code(sim: &Sim, sandbox: &Sandbox, digits: &str) -> String {
    let messages = sms(sim, sandbox, digits).await;
    let last = messages.last().expect("a code was delivered");
    last["code"].as_str().expect("code").to_owned()
}

async fn request_code(sim: &Sim, sandbox: &Sandbox, id: &str) -> Reply {
    post(
        sim,
        sandbox,
        &format!("/{id}/request_code"),
        json!({ "code_method": "SMS", "language": "en_US" }),
    )
    .await
}

async fn verify(sim: &Sim, sandbox: &Sandbox, id: &str, code: &str) -> Reply {
    post(
        sim,
        sandbox,
        &format!("/{id}/verify_code"),
        json!({ "code": code }),
    )
    .await
}

async fn register(sim: &Sim, sandbox: &Sandbox, id: &str, pin: &str) -> Reply {
    post(
        sim,
        sandbox,
        &format!("/{id}/register"),
        json!({ "messaging_product": "whatsapp", "pin": pin }),
    )
    .await
}

async fn deregister(sim: &Sim, sandbox: &Sandbox, id: &str) -> Reply {
    post_empty(sim, sandbox, &format!("/{id}/deregister")).await
}

/// Add `+1 {local}`, request a code by SMS and verify it; returns the id.
async fn verified_number(sim: &Sim, sandbox: &Sandbox, local: &str) -> String {
    let id = add_number(sim, sandbox, local, "Lucky Shrub Two").await;
    assert_success(&request_code(sim, sandbox, &id).await);
    let code = last_code(sim, sandbox, &format!("1{local}")).await;
    assert_success(&verify(sim, sandbox, &id, &code).await);
    id
}

/// The lifecycle fields of a phone number.
async fn state(sim: &Sim, sandbox: &Sandbox, id: &str) -> Value {
    let reply = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!("/{V}/{id}?fields=code_verification_status,status,platform_type,is_pin_enabled,throughput"),
        )
        .await;
    let mut body = reply.ok().clone();
    assert_eq!(body["id"], id);
    body.as_object_mut().unwrap().remove("id");
    body
}

fn lifecycle(verification: &str, status: &str, platform: &str, pin: bool, level: &str) -> Value {
    json!({
        "code_verification_status": verification,
        "status": status,
        "platform_type": platform,
        "is_pin_enabled": pin,
        "throughput": { "level": level },
    })
}

// --- adding numbers ---

#[tokio::test]
async fn numbers_are_added_as_json_form_or_query_and_start_pending() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(11).await;
    let token = sandbox.token(MANAGER);
    let waba = sandbox.id_of("waba");
    let edge = format!("/{waba}/phone_numbers");
    let cases = [
        (Style::Json, "5550100002", "+1 555-010-0002"),
        (Style::Form, "5550100003", "+1 555-010-0003"),
        (Style::Query, "5550100004", "+1 555-010-0004"),
        // The full E.164 number without `+` in phone_number works too.
        (Style::Json, "15550100005", "+1 555-010-0005"),
    ];
    let mut added = vec![];
    for (style, number, display) in cases {
        let reply = post_styled(
            &sim,
            token,
            &edge,
            style,
            &[
                ("cc", "1"),
                ("phone_number", number),
                ("verified_name", "Lucky Shrub Two"),
            ],
        )
        .await;
        added.push((new_id(&reply), display));
    }
    // `cc` as a JSON number, outside North America.
    let reply = post(
        &sim,
        &sandbox,
        &edge,
        json!({ "cc": 44, "phone_number": "7700 900123", "verified_name": "Lucky Shrub UK" }),
    )
    .await;
    added.push((new_id(&reply), "+44 7700900123"));

    for (id, display) in &added {
        let reply = sim
            .get_as(
                token,
                &format!("/{V}/{id}?fields=id,display_phone_number,verified_name,code_verification_status,name_status,quality_rating,platform_type,status,throughput,messaging_limit_tier,account_mode,is_pin_enabled,is_official_business_account"),
            )
            .await;
        let name = if display.starts_with("+44") {
            "Lucky Shrub UK"
        } else {
            "Lucky Shrub Two"
        };
        assert_eq!(
            reply.ok(),
            &json!({
                "id": id,
                "display_phone_number": display,
                "verified_name": name,
                "code_verification_status": "NOT_VERIFIED",
                "name_status": "AVAILABLE_WITHOUT_REVIEW",
                "quality_rating": "UNKNOWN",
                "platform_type": "NOT_APPLICABLE",
                "status": "PENDING",
                "throughput": { "level": "NOT_APPLICABLE" },
                "messaging_limit_tier": "TIER_NOT_SET",
                "account_mode": "LIVE",
                "is_pin_enabled": false,
                "is_official_business_account": false,
            })
        );
        // Default fields of a phone number.
        let defaults = sim.get_as(token, &format!("/{V}/{id}")).await;
        assert_eq!(
            defaults.ok(),
            &json!({
                "id": id,
                "display_phone_number": display,
                "verified_name": name,
                "quality_rating": "UNKNOWN",
            })
        );
    }

    let listing = sim
        .get_as(
            token,
            &format!("/{V}{edge}?fields=id,display_phone_number,status&limit=100"),
        )
        .await;
    let data = listing.ok()["data"].as_array().unwrap().clone();
    assert_eq!(data.len(), 1 + added.len(), "{data:?}");
    let fixture_number = sandbox.id_of("phone_number");
    assert!(
        data.contains(&json!({ "id": fixture_number, "display_phone_number": "+1 555-010-0001", "status": "CONNECTED" }))
    );
    for (id, display) in &added {
        assert!(
            data.contains(
                &json!({ "id": id, "display_phone_number": display, "status": "PENDING" })
            ),
            "{id} in {data:?}"
        );
    }
}

#[tokio::test]
async fn adding_a_number_needs_every_parameter_and_a_free_number() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(12).await;
    let waba = sandbox.id_of("waba");
    let edge = format!("/{waba}/phone_numbers");
    let full = json!({ "cc": "1", "phone_number": "5550100002", "verified_name": "Two" });
    for missing in ["cc", "phone_number", "verified_name"] {
        let mut body = full.clone();
        body.as_object_mut().unwrap().remove(missing);
        let reply = post(&sim, &sandbox, &edge, body).await;
        assert_invalid_parameter(&reply, &format!("The parameter {missing} is required"));
        // Blank counts as missing.
        let mut body = full.clone();
        body[missing] = json!("  ");
        let reply = post(&sim, &sandbox, &edge, body).await;
        assert_invalid_parameter(&reply, &format!("The parameter {missing} is required"));
    }
    let reply = post(
        &sim,
        &sandbox,
        &edge,
        json!({ "cc": "1", "phone_number": "12", "verified_name": "Two" }),
    )
    .await;
    assert_invalid_parameter(
        &reply,
        "Invalid phone number: cc \"1\" and phone_number \"12\" do not make an E.164 number",
    );
    // Nothing was added by the refusals.
    let listing = sim
        .get_as(sandbox.token(MANAGER), &format!("/{V}{edge}"))
        .await;
    assert_eq!(listing.ok()["data"].as_array().unwrap().len(), 1);

    // The fixture's number, then a number added here, in any spelling.
    add_number(&sim, &sandbox, "5550100002", "Two").await;
    for (cc, number, digits) in [
        ("1", "555-010-0001", "15550100001"),
        ("+1", "5550100002", "15550100002"),
        ("1", "+1 555 010 0002", "15550100002"),
    ] {
        let reply = post(
            &sim,
            &sandbox,
            &edge,
            json!({ "cc": cc, "phone_number": number, "verified_name": "Again" }),
        )
        .await;
        assert_invalid_parameter(
            &reply,
            &format!("The phone number {digits} is already in use by a WhatsApp Business Account"),
        );
    }
}

// --- request_code and the phone's inbox ---

#[tokio::test]
async fn codes_arrive_in_the_phones_inbox_by_sms_or_voice_newest_last() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(13).await;
    let token = sandbox.token(MANAGER);
    let id = add_number(&sim, &sandbox, "5550100002", "Two").await;
    assert!(sms(&sim, &sandbox, "15550100002").await.is_empty());
    let path = format!("/{id}/request_code");
    let requests = [
        (Style::Json, "SMS", "en_US"),
        (Style::Form, "VOICE", "en"),
        (Style::Query, "SMS", "es"),
        (Style::Query, "voice", "pt_BR"),
    ];
    let start = sim.advance(&sandbox, 0).await;
    for (n, (style, method, language)) in requests.iter().enumerate() {
        sim.advance(&sandbox, 60).await;
        let reply = post_styled(
            &sim,
            token,
            &path,
            *style,
            &[("code_method", method), ("language", language)],
        )
        .await;
        assert_success(&reply);
        assert_eq!(sms(&sim, &sandbox, "15550100002").await.len(), n + 1);
    }
    let messages = sms(&sim, &sandbox, "15550100002").await;
    let mut codes = vec![];
    for (n, (message, (_, method, language))) in messages.iter().zip(requests).enumerate() {
        let code = message["code"].as_str().unwrap().to_owned();
        assert_eq!(code.len(), 6, "{message}");
        assert!(code.bytes().all(|b| b.is_ascii_digit()), "{message}");
        let text = if method == "SMS" {
            format!(
                "Your WhatsApp Business code: {}-{}\n\nDon't share this code with others.",
                &code[..3],
                &code[3..]
            )
        } else {
            let spoken: Vec<String> = code.chars().map(String::from).collect();
            let spoken = spoken.join(", ");
            format!("Your WhatsApp Business code is {spoken}. Again, your code is {spoken}.")
        };
        let time = start + 60 * (n as i64 + 1);
        assert_eq!(
            message,
            &json!({
                "time": time,
                "iso": message["iso"],
                "channel": method.to_ascii_uppercase(),
                "from": "WhatsApp",
                "text": text,
                "code": code,
                "language": language,
            })
        );
        assert!(message["iso"].as_str().unwrap().contains('T'), "{message}");
        codes.push(code);
    }
    // The same inbox, whatever way the number is spelled in the path.
    let spelled = sms(&sim, &sandbox, "%2B1%20555-010-0002").await;
    assert_eq!(spelled, messages);
    // Another phone received nothing; the fixture's number neither.
    assert!(sms(&sim, &sandbox, "15550100001").await.is_empty());

    // Only the newest code verifies.
    let newest = codes.last().unwrap();
    for old in codes.iter().filter(|code| *code != newest) {
        assert_code_not_verified(&verify(&sim, &sandbox, &id, old).await);
    }
    assert_success(&verify(&sim, &sandbox, &id, newest).await);

    // An unknown sandbox is the control plane's 404.
    let reply = sim.get("/_sim/sandboxes/nope/phones/15550100002/sms").await;
    assert_eq!(
        reply.assert_sim_error(404, Some(33)),
        "No sandbox with id \"nope\""
    );
}

#[tokio::test]
async fn request_code_checks_its_parameters() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(14).await;
    let id = add_number(&sim, &sandbox, "5550100002", "Two").await;
    let path = format!("/{id}/request_code");
    let cases = [
        (
            json!({ "code_method": "FAX", "language": "en" }),
            "Param code_method must be one of {SMS, VOICE} - got \"FAX\".",
        ),
        (
            json!({ "language": "en" }),
            "The parameter code_method is required",
        ),
        (
            json!({ "code_method": "SMS" }),
            "The parameter language is required",
        ),
        (
            json!({ "code_method": "", "language": "en" }),
            "The parameter code_method is required",
        ),
    ];
    for (body, text) in cases {
        let reply = post(&sim, &sandbox, &path, body).await;
        assert_invalid_parameter(&reply, text);
    }
    // The same refusal for parameters in the query string.
    let reply = post_styled(
        &sim,
        sandbox.token(MANAGER),
        &path,
        Style::Query,
        &[("code_method", "FAX"), ("language", "en")],
    )
    .await;
    assert_invalid_parameter(
        &reply,
        "Param code_method must be one of {SMS, VOICE} - got \"FAX\".",
    );
    assert!(sms(&sim, &sandbox, "15550100002").await.is_empty());
}

#[tokio::test]
async fn five_code_requests_a_day_then_136024_until_a_day_has_passed() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(15).await;
    let id = add_number(&sim, &sandbox, "5550100002", "Two").await;
    for _ in 0..5 {
        assert_success(&request_code(&sim, &sandbox, &id).await);
    }
    let sixth = request_code(&sim, &sandbox, &id).await;
    assert_too_many_code_requests(&sixth);
    // Refused requests send nothing, and the last code still works later.
    assert_eq!(sms(&sim, &sandbox, "15550100002").await.len(), 5);
    sim.advance(&sandbox, DAY - 1).await;
    assert_too_many_code_requests(&request_code(&sim, &sandbox, &id).await);
    sim.advance(&sandbox, 1).await;
    assert_success(&request_code(&sim, &sandbox, &id).await);
    assert_eq!(sms(&sim, &sandbox, "15550100002").await.len(), 6);
    let code = last_code(&sim, &sandbox, "15550100002").await;
    assert_success(&verify(&sim, &sandbox, &id, &code).await);
}

// --- verify_code ---

#[tokio::test]
async fn verify_code_accepts_the_right_code_once() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(16).await;
    let token = sandbox.token(MANAGER);
    let id = add_number(&sim, &sandbox, "5550100002", "Two").await;
    // Nothing requested yet.
    assert_code_not_verified(&verify(&sim, &sandbox, &id, "123456").await);
    let reply = post(&sim, &sandbox, &format!("/{id}/verify_code"), json!({})).await;
    assert_invalid_parameter(&reply, "The parameter code is required");

    assert_success(&request_code(&sim, &sandbox, &id).await);
    let code = last_code(&sim, &sandbox, "15550100002").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_code_not_verified(&verify(&sim, &sandbox, &id, wrong).await);
    assert_eq!(
        state(&sim, &sandbox, &id).await["code_verification_status"],
        "NOT_VERIFIED"
    );
    // Pywa's style: the code in the query string of an empty POST.
    let reply = post_styled(
        &sim,
        token,
        &format!("/{id}/verify_code"),
        Style::Query,
        &[("code", &code)],
    )
    .await;
    assert_success(&reply);
    assert_eq!(
        state(&sim, &sandbox, &id).await,
        lifecycle(
            "VERIFIED",
            "PENDING",
            "NOT_APPLICABLE",
            false,
            "NOT_APPLICABLE"
        )
    );
    // Single use.
    assert_code_not_verified(&verify(&sim, &sandbox, &id, &code).await);
    assert_eq!(
        state(&sim, &sandbox, &id).await["code_verification_status"],
        "VERIFIED"
    );

    // A form body works too.
    let other = add_number(&sim, &sandbox, "5550100003", "Three").await;
    assert_success(&request_code(&sim, &sandbox, &other).await);
    let code = last_code(&sim, &sandbox, "15550100003").await;
    let reply = post_styled(
        &sim,
        token,
        &format!("/{other}/verify_code"),
        Style::Form,
        &[("code", &code)],
    )
    .await;
    assert_success(&reply);
}

#[tokio::test]
async fn codes_expire_after_ten_virtual_minutes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(17).await;
    let id = add_number(&sim, &sandbox, "5550100002", "Two").await;
    assert_success(&request_code(&sim, &sandbox, &id).await);
    let code = last_code(&sim, &sandbox, "15550100002").await;
    sim.advance(&sandbox, 600).await;
    assert_code_not_verified(&verify(&sim, &sandbox, &id, &code).await);
    assert_eq!(
        state(&sim, &sandbox, &id).await["code_verification_status"],
        "EXPIRED"
    );
    // Registering an expired number needs a fresh verification.
    let reply = register(&sim, &sandbox, &id, "123456").await;
    assert_whatsapp_error(
        &reply,
        133006,
        "Phone number re-verification needed",
        "Verify the phone number with request_code and verify_code before registering it.",
        false,
    );
    // A new code, used just before it expires.
    assert_success(&request_code(&sim, &sandbox, &id).await);
    let code = last_code(&sim, &sandbox, "15550100002").await;
    sim.advance(&sandbox, 599).await;
    assert_success(&verify(&sim, &sandbox, &id, &code).await);
    assert_eq!(
        state(&sim, &sandbox, &id).await["code_verification_status"],
        "VERIFIED"
    );
}

// --- register, PIN, deregister ---

#[tokio::test]
async fn register_needs_a_verified_number_and_a_six_digit_pin() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(18).await;
    let token = sandbox.token(MANAGER);
    let id = add_number(&sim, &sandbox, "5550100002", "Two").await;
    let reply = register(&sim, &sandbox, &id, "123456").await;
    assert_whatsapp_error(
        &reply,
        133006,
        "Phone number re-verification needed",
        "Verify the phone number with request_code and verify_code before registering it.",
        false,
    );
    let path = format!("/{id}/register");
    let cases = [
        (
            json!({ "messaging_product": "whatsapp", "pin": "12345" }),
            "Param pin must be 6 digits",
        ),
        (
            json!({ "messaging_product": "whatsapp", "pin": "12345a" }),
            "Param pin must be 6 digits",
        ),
        (
            json!({ "messaging_product": "whatsapp", "pin": "1234567" }),
            "Param pin must be 6 digits",
        ),
        (
            json!({ "messaging_product": "whatsapp" }),
            "The parameter pin is required",
        ),
        (
            json!({ "pin": "123456" }),
            "The parameter messaging_product is required",
        ),
        (
            json!({ "messaging_product": "sms", "pin": "123456" }),
            "Param messaging_product must be one of {whatsapp} - got \"sms\".",
        ),
    ];
    for (body, text) in &cases {
        let reply = post(&sim, &sandbox, &path, body.clone()).await;
        assert_invalid_parameter(&reply, text);
    }

    assert_success(&request_code(&sim, &sandbox, &id).await);
    let code = last_code(&sim, &sandbox, "15550100002").await;
    assert_success(&verify(&sim, &sandbox, &id, &code).await);
    // The format is checked before anything else, on a verified number too.
    let reply = post(&sim, &sandbox, &path, cases[0].0.clone()).await;
    assert_invalid_parameter(&reply, "Param pin must be 6 digits");
    // Registered with a form body (a number as a form value is text anyway).
    let reply = post_styled(
        &sim,
        token,
        &path,
        Style::Form,
        &[("messaging_product", "whatsapp"), ("pin", "246810")],
    )
    .await;
    assert_success(&reply);
    assert_eq!(
        state(&sim, &sandbox, &id).await,
        lifecycle("VERIFIED", "CONNECTED", "CLOUD_API", true, "STANDARD")
    );
    let tier = sim
        .get_as(token, &format!("/{V}/{id}?fields=messaging_limit_tier"))
        .await;
    assert_eq!(tier.ok()["messaging_limit_tier"], "TIER_250");

    // The PIN is now the two-step PIN.
    assert_pin_mismatch(&register(&sim, &sandbox, &id, "135790").await);
    assert_success(&register(&sim, &sandbox, &id, "246810").await);
    // A JSON number for the PIN is read as its digits.
    let reply = post(
        &sim,
        &sandbox,
        &path,
        json!({ "messaging_product": "whatsapp", "pin": 246810 }),
    )
    .await;
    assert_success(&reply);
}

#[tokio::test]
async fn five_wrong_pins_lock_registration_until_the_pin_is_reset() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(19).await;
    let token = sandbox.token(MANAGER);
    // The fixture's number is registered with PIN 123456.
    let id = sandbox.id_of("phone_number");
    for _ in 0..5 {
        assert_pin_mismatch(&register(&sim, &sandbox, id, "000000").await);
    }
    let too_many = |reply: &Reply| {
        assert_whatsapp_error(
            reply,
            133008,
            "Too Many two step verification PIN Guesses",
            "Too many wrong PINs for this phone number. Reset the PIN with POST /{phone-number-id} and a new pin.",
            false,
        )
    };
    // Even the right PIN is refused now.
    too_many(&register(&sim, &sandbox, id, "123456").await);
    too_many(&register(&sim, &sandbox, id, "000000").await);

    // POST /{phone-number-id} checks its pin.
    let reply = post(&sim, &sandbox, &format!("/{id}"), json!({})).await;
    assert_invalid_parameter(&reply, "The parameter pin is required");
    let reply = post(
        &sim,
        &sandbox,
        &format!("/{id}"),
        json!({ "pin": "12ab56" }),
    )
    .await;
    assert_invalid_parameter(&reply, "Param pin must be 6 digits");
    too_many(&register(&sim, &sandbox, id, "123456").await);

    // A new PIN resets the guesses and replaces the old PIN.
    let reply = post_styled(
        &sim,
        token,
        &format!("/{id}"),
        Style::Form,
        &[("pin", "654321")],
    )
    .await;
    assert_success(&reply);
    assert_pin_mismatch(&register(&sim, &sandbox, id, "123456").await);
    assert_success(&register(&sim, &sandbox, id, "654321").await);
    assert_eq!(
        state(&sim, &sandbox, id).await,
        lifecycle("VERIFIED", "CONNECTED", "CLOUD_API", true, "STANDARD")
    );
}

#[tokio::test]
async fn a_pin_set_before_registering_must_be_used_to_register() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(20).await;
    let id = verified_number(&sim, &sandbox, "5550100002").await;
    assert_eq!(state(&sim, &sandbox, &id).await["is_pin_enabled"], false);
    let reply = post(
        &sim,
        &sandbox,
        &format!("/{id}"),
        json!({ "pin": "112233" }),
    )
    .await;
    assert_success(&reply);
    assert_eq!(state(&sim, &sandbox, &id).await["is_pin_enabled"], true);
    assert_pin_mismatch(&register(&sim, &sandbox, &id, "445566").await);
    assert_success(&register(&sim, &sandbox, &id, "112233").await);
}

#[tokio::test]
async fn deregister_disconnects_and_needs_a_registered_number() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(21).await;
    let id = sandbox.id_of("phone_number");
    assert_eq!(
        state(&sim, &sandbox, id).await,
        lifecycle("VERIFIED", "CONNECTED", "CLOUD_API", true, "STANDARD")
    );
    assert_success(&deregister(&sim, &sandbox, id).await);
    assert_eq!(
        state(&sim, &sandbox, id).await,
        lifecycle(
            "VERIFIED",
            "DISCONNECTED",
            "NOT_APPLICABLE",
            true,
            "NOT_APPLICABLE"
        )
    );
    assert_not_registered(&deregister(&sim, &sandbox, id).await);
    // A deregistered number registers again with its PIN, without a new code.
    assert_pin_mismatch(&register(&sim, &sandbox, id, "999999").await);
    assert_success(&register(&sim, &sandbox, id, "123456").await);
    assert_eq!(
        state(&sim, &sandbox, id).await,
        lifecycle("VERIFIED", "CONNECTED", "CLOUD_API", true, "STANDARD")
    );
    // A number never registered cannot be deregistered, body or not.
    let fresh = add_number(&sim, &sandbox, "5550100002", "Two").await;
    assert_not_registered(&deregister(&sim, &sandbox, &fresh).await);
    let reply = post(
        &sim,
        &sandbox,
        &format!("/{fresh}/deregister"),
        json!({ "messaging_product": "whatsapp" }),
    )
    .await;
    assert_not_registered(&reply);
}

#[tokio::test]
async fn the_eleventh_register_or_deregister_in_72_hours_blocks_for_72_hours() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(22).await;
    let id = verified_number(&sim, &sandbox, "5550100002").await;
    // Register and deregister share one budget: 10 calls.
    for _ in 0..5 {
        assert_success(&register(&sim, &sandbox, &id, "123456").await);
        assert_success(&deregister(&sim, &sandbox, &id).await);
    }
    sim.advance(&sandbox, 71 * HOUR).await;
    assert_registration_limit(&register(&sim, &sandbox, &id, "123456").await);
    assert_eq!(
        state(&sim, &sandbox, &id).await["status"],
        "DISCONNECTED",
        "a refused register changes nothing"
    );
    // The ten calls left the 72-hour window, but the block lasts 72 hours
    // from the refused call.
    sim.advance(&sandbox, 2 * HOUR).await;
    assert_registration_limit(&register(&sim, &sandbox, &id, "123456").await);
    sim.advance(&sandbox, 70 * HOUR - 1).await;
    assert_registration_limit(&register(&sim, &sandbox, &id, "123456").await);
    sim.advance(&sandbox, 1).await;
    assert_success(&register(&sim, &sandbox, &id, "123456").await);
    assert_success(&deregister(&sim, &sandbox, &id).await);
}

#[tokio::test]
async fn deregister_counts_and_is_blocked_too() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(23).await;
    // The fixture's number starts registered: deregister, register ×4, then register again.
    let id = sandbox.id_of("phone_number");
    assert_success(&deregister(&sim, &sandbox, id).await);
    for _ in 0..4 {
        assert_success(&register(&sim, &sandbox, id, "123456").await);
        assert_success(&deregister(&sim, &sandbox, id).await);
    }
    assert_success(&register(&sim, &sandbox, id, "123456").await);
    // That was the tenth; the deregister that would be the eleventh is refused.
    assert_registration_limit(&deregister(&sim, &sandbox, id).await);
    assert_eq!(state(&sim, &sandbox, id).await["status"], "CONNECTED");
    sim.advance(&sandbox, 72 * HOUR).await;
    assert_success(&deregister(&sim, &sandbox, id).await);
}

// --- permissions and verbs ---

/// The demo fixture plus a second WABA with a number, outside the granular
/// targets of `system_user_token`.
fn two_waba_fixture() -> Value {
    let mut fixture = demo_fixture();
    fixture["whatsapp_business_accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "handle": "waba2", "name": "Other brand", "business": "business",
            "phone_numbers": [{
                "handle": "phone2", "display_phone_number": "+1 555-010-0003",
                "verified_name": "Other brand", "registered": true, "pin": "123456",
            }],
        }));
    fixture
}

/// Every lifecycle POST, on the WABA `waba` and its number `phone`.
fn lifecycle_posts(waba: &str, phone: &str) -> Vec<(String, String, Value)> {
    vec![
        (
            waba.to_owned(),
            format!("/{waba}/phone_numbers"),
            json!({ "cc": "1", "phone_number": "5550100009", "verified_name": "Nine" }),
        ),
        (
            phone.to_owned(),
            format!("/{phone}/request_code"),
            json!({ "code_method": "SMS", "language": "en" }),
        ),
        (
            phone.to_owned(),
            format!("/{phone}/verify_code"),
            json!({ "code": "123456" }),
        ),
        (
            phone.to_owned(),
            format!("/{phone}/register"),
            json!({ "messaging_product": "whatsapp", "pin": "123456" }),
        ),
        (phone.to_owned(), format!("/{phone}/deregister"), json!({})),
        (
            phone.to_owned(),
            format!("/{phone}"),
            json!({ "pin": "123456" }),
        ),
    ]
}

#[tokio::test]
async fn a_token_without_whatsapp_business_management_gets_200() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(24).await;
    let waba = sandbox.id_of("waba");
    let phone = sandbox.id_of("phone_number");
    for (_, path, body) in lifecycle_posts(waba, phone) {
        let reply = sim
            .send(
                sim.request(Method::POST, &format!("/{V}{path}"))
                    .bearer_auth(sandbox.token("user_token"))
                    .json(&body),
            )
            .await;
        let error = reply.assert_error(403, 200, None, "OAuthException");
        assert_eq!(reply.message(), "(#200) Permissions error", "{path}");
        assert_eq!(
            error["error_data"],
            json!({
                "messaging_product": "whatsapp",
                "details": "The access token is missing the whatsapp_business_management permission",
            }),
            "{path}"
        );
    }
    // Nothing happened.
    assert!(sms(&sim, &sandbox, "15550100001").await.is_empty());
    assert_eq!(
        state(&sim, &sandbox, phone).await,
        lifecycle("VERIFIED", "CONNECTED", "CLOUD_API", true, "STANDARD")
    );
}

#[tokio::test]
async fn granular_targets_hide_other_wabas_numbers_as_100_33() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "fixture": two_waba_fixture(), "seed": 25 }))
        .await;
    let waba2 = sandbox.id_of("waba2");
    let phone2 = sandbox.id_of("phone2");
    for (id, path, body) in lifecycle_posts(waba2, phone2) {
        let reply = post(&sim, &sandbox, &path, body).await;
        reply.assert_error(400, 100, Some(33), "GraphMethodException");
        assert_eq!(reply.message(), unsupported("post", &id), "{path}");
    }
    assert!(sms(&sim, &sandbox, "15550100003").await.is_empty());
    // The same calls on the token's own WABA are allowed.
    let waba = sandbox.id_of("waba");
    let id = add_number(&sim, &sandbox, "5550100009", "Nine").await;
    let listing = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!("/{V}/{waba}/phone_numbers?fields=id"),
        )
        .await;
    assert!(
        listing.ok()["data"]
            .as_array()
            .unwrap()
            .contains(&json!({ "id": id }))
    );
}

#[tokio::test]
async fn lifecycle_edges_take_no_get() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(26).await;
    let phone = sandbox.id_of("phone_number");
    for edge in ["request_code", "verify_code", "register", "deregister"] {
        let reply = sim
            .get_as(sandbox.token(MANAGER), &format!("/{V}/{phone}/{edge}"))
            .await;
        reply.assert_error(400, 100, Some(33), "GraphMethodException");
        assert_eq!(reply.message(), unsupported("get", phone), "{edge}");
    }
    // A GET with the parameters does not send a code either.
    let reply = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!("/{V}/{phone}/request_code?code_method=SMS&language=en"),
        )
        .await;
    reply.assert_error(400, 100, Some(33), "GraphMethodException");
    assert!(sms(&sim, &sandbox, "15550100001").await.is_empty());
    // DELETE is no verb of these edges either.
    let reply = sim
        .send(
            sim.request(Method::DELETE, &format!("/{V}/{phone}/register"))
                .bearer_auth(sandbox.token(MANAGER)),
        )
        .await;
    reply.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(reply.message(), unsupported("delete", phone));
}

#[tokio::test]
async fn lifecycle_calls_work_inside_a_batch() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(29).await;
    let phone = sandbox.id_of("phone_number");
    let operations = json!([
        { "method": "POST", "relative_url": format!("{phone}/request_code"), "body": "code_method=VOICE&language=fr" },
        { "method": "POST", "relative_url": format!("{phone}/register"), "body": "messaging_product=whatsapp&pin=000000" },
    ])
    .to_string();
    let reply = sim
        .post_form(
            &format!("/{V}/"),
            &[
                ("access_token", sandbox.token(MANAGER)),
                ("batch", &operations),
                ("include_headers", "false"),
            ],
        )
        .await;
    let results = reply.ok().as_array().unwrap().clone();
    assert_eq!(
        results[0],
        json!({ "code": 200, "body": "{\"success\":true}" })
    );
    assert_eq!(results[1]["code"], 400);
    let error: Value = serde_json::from_str(results[1]["body"].as_str().unwrap()).unwrap();
    assert_eq!(error["error"]["code"], 133005);
    assert_eq!(
        error["error"]["message"],
        "(#133005) Two step verification PIN Mismatch"
    );
    let messages = sms(&sim, &sandbox, "15550100001").await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["channel"], "VOICE");
    assert_eq!(messages[0]["language"], "fr");
}

// --- determinism ---

/// Add a number, request three codes; the ids and codes.
async fn code_script(sim: &Sim, sandbox: &Sandbox) -> (String, Vec<Value>) {
    let id = add_number(sim, sandbox, "5550100002", "Two").await;
    for _ in 0..3 {
        assert_success(&request_code(sim, sandbox, &id).await);
        sim.advance(sandbox, 30).await;
    }
    (id, sms(sim, sandbox, "15550100002").await)
}

#[tokio::test]
async fn same_seed_sandboxes_get_the_same_codes() {
    let sim = Sim::start().await;
    let first = sim.demo(27).await;
    let second = sim.demo(27).await;
    let other = sim.demo(28).await;
    let (id_a, codes_a) = code_script(&sim, &first).await;
    let (id_b, codes_b) = code_script(&sim, &second).await;
    let (_, codes_c) = code_script(&sim, &other).await;
    assert_eq!(id_a, id_b);
    assert_eq!(codes_a, codes_b);
    let code_list = |messages: &[Value]| -> Vec<String> {
        messages
            .iter()
            .map(|m| m["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(code_list(&codes_a).len(), 3);
    assert_ne!(code_list(&codes_a), code_list(&codes_c));
    // The code verifies in both same-seed sandboxes.
    let code = code_list(&codes_a).pop().unwrap();
    assert_success(&verify(&sim, &first, &id_a, &code).await);
    assert_success(&verify(&sim, &second, &id_b, &code).await);
}
