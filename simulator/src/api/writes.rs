//! Writes: POST and DELETE on nodes and edges, routed by the node's kind and
//! the edge to the product module that handles them. Anything not routed here
//! answers Meta's "Unsupported {verb} request" (100/33).

use serde_json::Value;

use super::error::GraphError;
use super::graph::Call;
use super::render::check_visible;
use super::whatsapp;
use crate::world::auth::AccessToken;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;

pub fn write(
    sandbox: &mut Sandbox,
    call: &Call<'_>,
    token: &AccessToken,
    id: &str,
    edge: Option<&str>,
) -> Result<Value, GraphError> {
    let method = call.request.method.as_str();
    let kind = check_visible(sandbox, token, method, id)?;
    let request = call.request;
    match (kind, edge, method) {
        (NodeKind::WhatsappBusinessAccount, Some("phone_numbers"), "POST") => {
            whatsapp::registration::add_phone_number(sandbox, request, id)
        }
        (NodeKind::PhoneNumber, None, "POST") => {
            whatsapp::registration::update_phone_number(sandbox, request, id)
        }
        (NodeKind::PhoneNumber, Some("request_code"), "POST") => {
            whatsapp::registration::request_code(sandbox, request, id)
        }
        (NodeKind::PhoneNumber, Some("verify_code"), "POST") => {
            whatsapp::registration::verify_code(sandbox, request, id)
        }
        (NodeKind::PhoneNumber, Some("register"), "POST") => {
            whatsapp::registration::register(sandbox, request, id)
        }
        (NodeKind::PhoneNumber, Some("deregister"), "POST") => {
            whatsapp::registration::deregister(sandbox, id)
        }
        _ => Err(GraphError::unsupported(method, id)),
    }
}
