//! Operations beyond the generic reads: POST and DELETE on nodes and edges,
//! and reads of edges that are not plain lists (e.g. a business profile),
//! routed by the node's kind and the edge to the product module that handles
//! them. Anything not routed here answers Meta's "Unsupported {verb} request"
//! (100/33).

use serde_json::Value;

use super::error::GraphError;
use super::graph::Call;
use super::pages;
use super::render::check_visible;
use super::webhooks;
use super::whatsapp;
use crate::world::auth::AccessToken;
use crate::world::nodes::{NodeKind, Product};
use crate::world::sandbox::Sandbox;

/// A write gated by a scope of its own rather than the node's read scope
/// (sending messages, uploading media).
fn require_scope(
    sandbox: &Sandbox,
    token: &AccessToken,
    scope: &str,
    id: &str,
) -> Result<(), GraphError> {
    if !token.has_scope(scope) {
        return Err(GraphError::missing_permission(Product::Whatsapp, scope));
    }
    if !token.scope_covers(scope, sandbox.permission_target(id)) {
        return Err(GraphError::unsupported("POST", id));
    }
    Ok(())
}

pub fn operate(
    sandbox: &mut Sandbox,
    call: &Call<'_>,
    token: &AccessToken,
    id: &str,
    edge: Option<&str>,
) -> Result<Value, GraphError> {
    let method = call.request.method.as_str();
    // Sending and uploading media are gated by the messaging scope alone: a
    // token that may send from a number need not be able to manage it.
    let kind = match (sandbox.node_kind(id), edge, method) {
        (Some(NodeKind::PhoneNumber), Some("messages" | "media"), "POST") => {
            require_scope(sandbox, token, "whatsapp_business_messaging", id)?;
            NodeKind::PhoneNumber
        }
        _ => check_visible(sandbox, token, method, id)?,
    };
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
        (NodeKind::WhatsappBusinessAccount, Some("message_templates"), "POST") => {
            whatsapp::templates::create(sandbox, request, id)
        }
        (NodeKind::WhatsappBusinessAccount, Some("message_templates"), "DELETE") => {
            whatsapp::templates::delete(sandbox, request, id)
        }
        (NodeKind::MessageTemplate, None, "POST") => {
            whatsapp::templates::edit(sandbox, request, id)
        }
        (NodeKind::PhoneNumber, Some("whatsapp_business_profile"), "GET") => {
            whatsapp::profile::read(sandbox, request, id)
        }
        (NodeKind::PhoneNumber, Some("whatsapp_business_profile"), "POST") => {
            whatsapp::profile::update(sandbox, request, id)
        }
        (NodeKind::PhoneNumber, Some("media"), "POST") => {
            whatsapp::media::upload(sandbox, request, id)
        }
        (NodeKind::Media, None, "GET") => whatsapp::media::describe(sandbox, request, id),
        (NodeKind::Media, None, "DELETE") => whatsapp::media::delete(sandbox, request, id),
        (NodeKind::PhoneNumber, Some("settings"), "GET") => whatsapp::settings::read(sandbox, id),
        (NodeKind::PhoneNumber, Some("settings"), "POST") => {
            whatsapp::settings::update(sandbox, request, id)
        }
        (NodeKind::WhatsappBusinessAccount, Some("subscribed_apps"), "POST") => {
            whatsapp::subscriptions::subscribe(sandbox, request, token, id)
        }
        (NodeKind::WhatsappBusinessAccount, Some("subscribed_apps"), "GET") => {
            whatsapp::subscriptions::list(sandbox, id)
        }
        (NodeKind::WhatsappBusinessAccount, Some("subscribed_apps"), "DELETE") => {
            whatsapp::subscriptions::unsubscribe(sandbox, token, id)
        }
        (NodeKind::PhoneNumber, Some("contact_book"), "DELETE") => {
            whatsapp::contact_book::delete(sandbox, request, id)
        }
        (NodeKind::App, Some("subscriptions"), "POST") => {
            webhooks::app_subscriptions::subscribe(sandbox, request, token, id)
        }
        (NodeKind::App, Some("subscriptions"), "GET") => {
            webhooks::app_subscriptions::list(sandbox, token, id, &call.version.to_string())
        }
        (NodeKind::App, Some("subscriptions"), "DELETE") => {
            webhooks::app_subscriptions::unsubscribe(sandbox, request, token, id)
        }
        (NodeKind::Page, None, "POST") => pages::info::update(sandbox, request, token, id),
        (NodeKind::Page, Some("subscribed_apps"), "POST") => {
            pages::subscribed_apps::install(sandbox, request, token, id)
        }
        (NodeKind::Page, Some("subscribed_apps"), "GET") => {
            pages::subscribed_apps::list(sandbox, token, id)
        }
        (NodeKind::Page, Some("subscribed_apps"), "DELETE") => {
            pages::subscribed_apps::uninstall(sandbox, token, id)
        }
        (NodeKind::PhoneNumber, Some("messages"), "POST") => {
            whatsapp::messages::post_messages(sandbox, request, id)
        }
        _ => Err(GraphError::unsupported(method, id)),
    }
}
