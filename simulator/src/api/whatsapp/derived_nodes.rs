//! Calls on a number's derived objects: `GET/POST /{profile-id}` (the
//! business profile, flat, with its `id`), `GET /{bot-id}` (the
//! conversational components) and `GET /{message-history-id}/events`. Each
//! needs what the same call on the number needs.

use serde_json::{Map, Value, json};

use super::{history, profile};
use crate::api::error::GraphError;
use crate::api::fields::parse_known_fields;
use crate::api::request::GraphRequest;
use crate::api::routes::Operation;
use crate::api::versions::Version;
use crate::world::auth::AccessToken;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::derived_nodes::{DerivedNode, profile_id};

const MANAGEMENT: &str = "whatsapp_business_management";

/// The fields of Meta's `WhatsAppBusinessBot` node.
const BOT_FIELDS: [&str; 4] = ["id", "prompts", "commands", "enable_welcome_message"];

/// The token may manage the number's WABA (else the object is invisible).
fn check_management(
    sandbox: &Sandbox,
    token: &AccessToken,
    phone: &str,
    id: &str,
    method: &str,
) -> Result<(), GraphError> {
    let waba = sandbox.permission_target(phone);
    if token.has_scope(MANAGEMENT) && token.scope_covers(MANAGEMENT, waba) {
        Ok(())
    } else {
        Err(GraphError::unsupported(method, id))
    }
}

pub fn dispatch(
    sandbox: &mut Sandbox,
    request: &GraphRequest,
    token: &AccessToken,
    version: Version,
    id: &str,
    node: DerivedNode,
    rest: &[String],
) -> Result<Value, GraphError> {
    let method = request.method.as_str();
    match (node, rest) {
        (DerivedNode::MessageHistory(_), [edge]) if edge == "events" && method == "GET" => {
            history::events(sandbox, request, token, id)
        }
        (DerivedNode::BusinessProfile(phone), []) => {
            check_management(sandbox, token, &phone, id, method)?;
            let op = Operation {
                sandbox,
                request,
                token,
                id: &phone,
                version,
            };
            match method {
                "GET" => {
                    let listed = profile::read(op)?;
                    let mut flat: Map<String, Value> =
                        listed["data"][0].as_object().cloned().unwrap_or_default();
                    flat.insert("id".into(), json!(profile_id(&phone)));
                    Ok(Value::Object(flat))
                }
                "POST" => profile::update(op),
                _ => Err(GraphError::unsupported(method, id)),
            }
        }
        (DerivedNode::Bot(phone), []) if method == "GET" => {
            check_management(sandbox, token, &phone, id, method)?;
            bot(sandbox, request, &phone)
        }
        (_, []) => Err(GraphError::unsupported(method, id)),
        (_, _) => Err(GraphError::unknown_path(&format!("/{}", rest.join("/")))),
    }
}

/// `GET /{bot-id}`: the conversational components, narrowed to `fields`
/// (the `id` always answers, as on every node).
fn bot(sandbox: &Sandbox, request: &GraphRequest, phone: &str) -> Result<Value, GraphError> {
    let selection = parse_known_fields(
        &request.param_str("fields").unwrap_or_default(),
        &BOT_FIELDS,
        "WhatsAppBusinessBot",
    )?;
    let mut answer = sandbox.automation_json(phone);
    if let (Some(fields), Some(object)) = (selection, answer.as_object_mut()) {
        object.retain(|name, _| name == "id" || fields.iter().any(|f| &f.name == name));
    }
    Ok(answer)
}
