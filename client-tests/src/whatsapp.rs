//! WhatsApp helpers for the messaging tests: the demo fixture's number and
//! consumers, sending to `POST /{phone-number-id}/messages` as JSON or as a
//! form, Meta's exact answers and errors, and the consumers, inboxes and
//! domain event log of the control plane.

use reqwest::Method;

use crate::{Reply, Sandbox, Sim, V, Value, json};

/// The demo fixture's token that may send from the demo number.
pub const MANAGER: &str = "system_user_token";
/// Consumers of the demo fixture.
pub const ALICE: &str = "15550109999";
pub const BOB: &str = "15550108888";
/// The demo business number's digits.
pub const BUSINESS_DIGITS: &str = "15550100001";
/// Where the virtual clock starts.
pub const T0: i64 = 1_767_225_600;
pub const DAY: u64 = 24 * 3600;

/// The details of 131047.
pub const REENGAGEMENT: &str = "Message failed to send because more than 24 hours have passed since the customer last replied to this number.";

/// The demo fixture with a second WABA (`waba2`) in the same portfolio,
/// which the system user's token may manage and message too.
pub fn two_waba_fixture() -> Value {
    let mut fixture = crate::demo_fixture();
    fixture["whatsapp_business_accounts"]
        .as_array_mut()
        .expect("WABAs")
        .push(json!({ "handle": "waba2", "name": "Lucky Shrub EU", "business": "business" }));
    for token in fixture["tokens"].as_array_mut().expect("tokens") {
        if let Some(targets) = token.get_mut("targets").and_then(Value::as_object_mut) {
            for list in targets.values_mut() {
                list.as_array_mut().expect("handles").push(json!("waba2"));
            }
        }
    }
    fixture
}

/// The demo fixture with a second business portfolio, `partner` ("Partner
/// Co"), owned by the demo's owner.
pub fn partner_fixture() -> Value {
    let mut fixture = crate::demo_fixture();
    let owner = fixture["businesses"][0]["owner"].clone();
    fixture["businesses"]
        .as_array_mut()
        .expect("businesses")
        .push(json!({ "handle": "partner", "name": "Partner Co", "owner": owner }));
    fixture
}

/// The id of the demo's marketing template, `spring_sale`.
pub async fn spring_sale(sim: &Sim, sandbox: &Sandbox) -> String {
    template_id(sim, sandbox, "spring_sale").await
}

/// The id of the demo WABA's template `name` (its first language).
pub async fn template_id(sim: &Sim, sandbox: &Sandbox, name: &str) -> String {
    let listed = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!(
                "/{V}/{}/message_templates?name={name}",
                sandbox.id_of("waba")
            ),
        )
        .await;
    listed.ok()["data"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("the demo's {name}"))
        .to_owned()
}

/// The demo business number's id.
pub fn phone(sandbox: &Sandbox) -> &str {
    sandbox.id_of("phone_number")
}

fn messages_path(sandbox: &Sandbox) -> String {
    format!("/{V}/{}/messages", phone(sandbox))
}

/// POST a JSON body to the demo number's `/messages` as `token`.
pub async fn post_as(sim: &Sim, sandbox: &Sandbox, token: &str, body: &Value) -> Reply {
    sim.send(
        sim.request(Method::POST, &messages_path(sandbox))
            .bearer_auth(token)
            .json(body),
    )
    .await
}

/// POST a JSON body to the demo number's `/messages` as the WABA's manager.
pub async fn post(sim: &Sim, sandbox: &Sandbox, body: &Value) -> Reply {
    post_as(sim, sandbox, sandbox.token(MANAGER), body).await
}

/// POST a form body (nested values as JSON text) to the demo number's `/messages`.
pub async fn post_form(sim: &Sim, sandbox: &Sandbox, pairs: &[(&str, String)]) -> Reply {
    sim.send(
        sim.request(Method::POST, &messages_path(sandbox))
            .bearer_auth(sandbox.token(MANAGER))
            .form(pairs),
    )
    .await
}

/// `{"messaging_product": "whatsapp", "to", "type", <type>: content}`.
pub fn message(to: &str, kind: &str, content: Value) -> Value {
    let mut body = json!({ "messaging_product": "whatsapp", "to": to, "type": kind });
    body[kind] = content;
    body
}

/// The same message as form pairs: strings as they are, anything else as JSON text.
pub fn form_pairs(body: &Value) -> Vec<(&str, String)> {
    body.as_object()
        .expect("an object")
        .iter()
        .map(|(key, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (key.as_str(), text)
        })
        .collect()
}

pub fn template(name: &str, body_params: &[&str]) -> Value {
    let parameters: Vec<Value> = body_params
        .iter()
        .map(|text| json!({ "type": "text", "text": text }))
        .collect();
    json!({
        "name": name,
        "language": { "code": "en_US" },
        "components": [{ "type": "body", "parameters": parameters }],
    })
}

/// `wamid.` + base64 of a key that starts with the consumer's number: `HBgL`
/// for the 11 digits of a +1 number, `HBgM` for 12 digits.
#[track_caller]
pub fn assert_wamid(id: &str) {
    assert!(id.starts_with("wamid.HBg"), "wamid shape: {id}");
    assert!(
        id["wamid.".len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
        "base64 after wamid.: {id}"
    );
}

/// Meta's exact answer to an accepted message sent by phone number; returns the wamid.
#[track_caller]
pub fn assert_sent(reply: &Reply, input: &str, wa_id: &str) -> String {
    let id = reply.ok()["messages"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a message id in {}", reply.text()))
        .to_owned();
    assert_wamid(&id);
    if wa_id.len() == 11 {
        assert!(id.starts_with("wamid.HBgL"), "{id}");
    }
    assert_eq!(
        reply.json,
        json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": input, "wa_id": wa_id }],
            "messages": [{ "id": id }],
        })
    );
    id
}

/// The answer to an accepted template: `message_status` is `accepted`.
#[track_caller]
pub fn assert_template_sent(reply: &Reply, input: &str, wa_id: &str) -> String {
    let id = reply.ok()["messages"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a message id in {}", reply.text()))
        .to_owned();
    assert_wamid(&id);
    if wa_id.len() == 11 {
        assert!(id.starts_with("wamid.HBgL"), "{id}");
    }
    assert_eq!(
        reply.json,
        json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": input, "wa_id": wa_id }],
            "messages": [{ "id": id, "message_status": "accepted" }],
        })
    );
    id
}

/// A WhatsApp platform error with its HTTP status, `(#code) title` and details.
#[track_caller]
pub fn assert_whatsapp_error(reply: &Reply, http: u16, code: i64, title: &str, details: &str) {
    let error = reply.assert_error(http, code, None, "OAuthException");
    assert_eq!(reply.message(), format!("(#{code}) {title}"));
    assert_eq!(
        error["error_data"],
        json!({ "messaging_product": "whatsapp", "details": details })
    );
}

/// 131009 `Parameter value is not valid` with `details`.
#[track_caller]
pub fn assert_invalid_value(reply: &Reply, details: &str) {
    assert_whatsapp_error(reply, 400, 131009, "Parameter value is not valid", details);
}

/// `(#100) {text}` without `error_data`.
#[track_caller]
pub fn assert_param_error(reply: &Reply, text: &str) {
    let error = reply.assert_error(400, 100, None, "OAuthException");
    assert_eq!(reply.message(), format!("(#100) {text}"));
    assert!(error.get("error_data").is_none(), "{}", reply.text());
}

/// The status events of one message, oldest first.
pub async fn statuses(sim: &Sim, sandbox: &Sandbox, id: &str) -> Vec<Value> {
    sim.events(sandbox)
        .await
        .into_iter()
        .filter(|e| e["kind"] == "whatsapp_status" && e["message_id"] == id)
        .collect()
}

/// The status names of one message, oldest first.
pub async fn status_names(sim: &Sim, sandbox: &Sandbox, id: &str) -> Vec<String> {
    statuses(sim, sandbox, id)
        .await
        .iter()
        .map(|e| e["status"].as_str().expect("status").to_owned())
        .collect()
}

/// The only `failed` status of a message: its `error`.
pub async fn failure(sim: &Sim, sandbox: &Sandbox, id: &str) -> Value {
    let all = statuses(sim, sandbox, id).await;
    assert_eq!(all.len(), 1, "one failed status: {all:?}");
    assert_eq!(all[0]["status"], "failed");
    assert!(all[0].get("pricing").is_none(), "no pricing when failed");
    all[0]["error"].clone()
}

#[track_caller]
pub fn assert_failure(error: &Value, code: i64, title: &str, details: &str) {
    assert_eq!(
        error,
        &json!({ "code": code, "title": title, "details": details })
    );
}

/// 131026: code, title and details.
pub fn undeliverable() -> (i64, &'static str, &'static str) {
    (131026, "Message undeliverable", "Message Undeliverable.")
}

/// The consumer's BSUID for the demo business portfolio.
pub async fn bsuid(sim: &Sim, sandbox: &Sandbox, digits: &str) -> String {
    let reply = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{digits}")))
        .await;
    reply.ok()["user_ids"][sandbox.id_of("business")]
        .as_str()
        .expect("a BSUID for the demo business")
        .to_owned()
}

/// Meta enrols `businesses` (handles) into a new parent BSUID account; its id.
pub async fn enrol_parent_bsuids(sim: &Sim, sandbox: &Sandbox, businesses: &[&str]) -> String {
    let ids: Vec<&str> = businesses.iter().map(|h| sandbox.id_of(h)).collect();
    let reply = sim
        .post_json(
            &sandbox.sim("/whatsapp/parent_bsuid_accounts"),
            &json!({ "business_ids": ids }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json["parent_bsuid_account_id"]
        .as_str()
        .expect("an account id")
        .to_owned()
}

/// The consumer's parent BSUID in the parent BSUID account `account`.
pub async fn parent_bsuid(sim: &Sim, sandbox: &Sandbox, digits: &str, account: &str) -> String {
    let reply = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{digits}")))
        .await;
    let parent = reply.ok()["parent_user_ids"][account]
        .as_str()
        .expect("a parent BSUID")
        .to_owned();
    let digits = parent.strip_prefix("US.ENT.").expect("US.ENT. and digits");
    assert!(digits.len() == 19 && digits.bytes().all(|b| b.is_ascii_digit()));
    parent
}

/// Ana Diaz, a consumer with the username `ana.diaz`: the demo number may
/// not see her phone until they exchange a message.
pub const ANA: &str = "15550107777";

/// Create [`ANA`]; asserts 201.
pub async fn create_ana(sim: &Sim, sandbox: &Sandbox) {
    let created = sim
        .post_json(
            &sandbox.sim("/whatsapp/consumers"),
            &json!({ "phone": ANA, "name": "Ana Diaz", "username": "ana.diaz" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
}

/// The consumer writes to the demo number, which opens the service window.
pub async fn open_window(sim: &Sim, sandbox: &Sandbox, digits: &str) -> String {
    writes(sim, sandbox, digits, "Hi, is my order on its way?").await
}

/// The consumer `digits` sends `text` to the demo number; the wamid.
pub async fn writes(sim: &Sim, sandbox: &Sandbox, digits: &str, text: &str) -> String {
    let message = json!({ "type": "text", "text": { "body": text } });
    sim.inbound(sandbox, digits, phone(sandbox), message).await
}

/// Switch the demo WABA's template analytics on (`POST /{waba-id}` with
/// `is_enabled_for_insights=true`).
pub async fn enable_insights(sim: &Sim, sandbox: &Sandbox) {
    let path = format!("/{V}/{}", sandbox.id_of("waba"));
    sim.send(
        sim.request(Method::POST, &path)
            .bearer_auth(sandbox.token(MANAGER))
            .form(&[("is_enabled_for_insights", "true")]),
    )
    .await
    .ok();
}

/// The consumer `digits` reads everything delivered to them.
pub async fn reads_everything(sim: &Sim, sandbox: &Sandbox, digits: &str) {
    let path = sandbox.sim(&format!("/whatsapp/consumers/{digits}/read"));
    sim.post_json(&path, &json!({})).await.ok();
}

/// Upload `bytes` as `mime_type` with `POST /{phone-number-id}/media` (a
/// multipart body, as SDKs send it); returns the media id.
pub async fn upload_media(sim: &Sim, sandbox: &Sandbox, mime_type: &str, bytes: &[u8]) -> String {
    const BOUNDARY: &str = "metasim-client-test";
    let mut body = Vec::new();
    for (name, value) in [("messaging_product", "whatsapp"), ("type", mime_type)] {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload\"\r\nContent-Type: {mime_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{}/media", phone(sandbox)))
                .bearer_auth(sandbox.token(MANAGER))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(body),
        )
        .await;
    reply.ok()["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a media id in {}", reply.text()))
        .to_owned()
}

/// Consumers and the domain event log, through the control plane.
impl Sim {
    /// `GET /_sim/sandboxes/{sid}/events`: every domain event, oldest first.
    pub async fn events(&self, sandbox: &Sandbox) -> Vec<Value> {
        self.all(&sandbox.sim("/events?after=0")).await
    }

    /// The consumer `digits` sends `message` (`{"type", <type>: {…}}`) to the
    /// business number `phone_number_id`; asserts 201 and returns the wamid.
    pub async fn inbound(
        &self,
        sandbox: &Sandbox,
        digits: &str,
        phone_number_id: &str,
        message: Value,
    ) -> String {
        let mut body = message;
        body["to"] = json!(phone_number_id);
        let reply = self
            .post_json(
                &sandbox.sim(&format!("/whatsapp/consumers/{digits}/messages")),
                &body,
            )
            .await;
        assert_eq!(reply.status, 201, "inbound message: {}", reply.text());
        let answer = reply.json.as_object().expect("an object");
        assert_eq!(answer.len(), 1, "only id: {}", reply.text());
        answer["id"].as_str().expect("a wamid").to_owned()
    }

    /// What the consumer `digits` received, oldest first.
    pub async fn inbox(&self, sandbox: &Sandbox, digits: &str) -> Vec<Value> {
        let path = format!("/whatsapp/consumers/{digits}/inbox?after=0");
        self.all(&sandbox.sim(&path)).await
    }
}

/// A group of the demo number that `members` joined; its id.
pub async fn group_with(sim: &Sim, sandbox: &Sandbox, subject: &str, members: &[&str]) -> String {
    let path = format!("/{}/groups", phone(sandbox));
    let body = json!({ "messaging_product": "whatsapp", "subject": subject });
    crate::business::call_manager(sim, sandbox, Method::POST, &path, body)
        .await
        .ok();
    let listed = crate::business::get(sim, sandbox, &path).await;
    let group = listed.ok()["data"]["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["subject"] == subject)
        .expect("the new group")["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let link = crate::business::get(sim, sandbox, &format!("/{group}/invite_link")).await;
    let link = link.ok()["invite_link"].clone();
    for digits in members {
        let join = sandbox.sim(&format!("/whatsapp/consumers/{digits}/groups/join"));
        sim.post_json(&join, &json!({ "invite_link": link }))
            .await
            .ok();
    }
    group
}
