//! What a sandbox holds, listed for people and tools that look at the whole
//! world rather than one id: its business phone numbers, message templates
//! (with their review state), Facebook Pages (with their WhatsApp link) and
//! Instagram accounts (with their contact options). Read-only; the Graph API
//! shows the same things one token's view at a time, and reading them there
//! would be journaled and counted against the app's usage.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

use super::facebook::standing_fields;
use super::instagram::visible;
use super::pages::page_view;
use super::{Answer, SimSandbox, ok};
use crate::api::state::{AppState, SharedSandbox, lock};
use crate::world::instagram::InstagramAccount;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::PhoneNumber;

pub fn routes() -> Router<AppState> {
    let base = "/_sim/sandboxes/{sid}";
    Router::new()
        .route(
            &format!("{base}/whatsapp/phone_numbers"),
            get(phone_numbers),
        )
        .route(&format!("{base}/whatsapp/templates"), get(templates))
        .route(&format!("{base}/pages"), get(pages))
        .route(&format!("{base}/instagram"), get(instagram_accounts))
}

/// Answer `{"data": [...]}` with `list` built from the sandbox.
fn listing(shared: &SharedSandbox, list: impl FnOnce(&Sandbox) -> Vec<Value>) -> Answer {
    let sandbox = lock(shared);
    ok(StatusCode::OK, json!({ "data": list(&sandbox) }))
}

fn number_view(sandbox: &Sandbox, number: &PhoneNumber) -> Value {
    json!({
        "id": number.id,
        "waba_id": number.waba_id,
        "display_phone_number": number.display_phone_number,
        "digits": number.digits,
        "verified_name": number.verified_name,
        "status": number.status,
        "code_verification_status": number.code_verification_status,
        "name_status": number.name_status,
        "quality_rating": number.quality_rating,
        "registered": number.is_registered(),
        "linked_page": sandbox.whatsapp_link_of_phone(&number.id).map(|link| link.page_id.clone()),
    })
}

async fn phone_numbers(SimSandbox(shared): SimSandbox) -> Answer {
    listing(&shared, |sandbox| {
        sandbox
            .whatsapp
            .phone_numbers
            .values()
            .map(|number| number_view(sandbox, number))
            .collect()
    })
}

async fn templates(SimSandbox(shared): SimSandbox) -> Answer {
    listing(&shared, |sandbox| {
        let mut templates: Vec<_> = sandbox.whatsapp.templates.values().collect();
        templates.sort_by_key(|t| t.created_seq);
        templates.into_iter().map(|t| json!(t)).collect()
    })
}

async fn pages(SimSandbox(shared): SimSandbox) -> Answer {
    listing(&shared, |sandbox| {
        sandbox
            .pages
            .pages
            .keys()
            .filter_map(|id| page_view(sandbox, id).ok())
            .collect()
    })
}

pub(super) fn instagram_view(account: &InstagramAccount) -> Value {
    let pending = account.contact.pending_whatsapp.as_ref().map(|code| {
        json!({
            "phone": format!("+{}", code.phone),
            "sent_at": code.sent_at,
            "expires_at": code.expires_at,
            "wrong_attempts": code.wrong_attempts,
        })
    });
    let mut view = json!({
        "id": account.id,
        "ig_id": account.ig_id,
        "username": account.username,
        "name": account.name,
        "account_type": account.account_type,
        "professional": account.is_professional(),
        "biography": account.biography,
        "website": account.website,
        "followers_count": account.followers_count,
        "follows_count": account.follows_count,
        "media_count": account.media_count,
        "page_id": account.page_id,
        "phone": account.phone.as_ref().map(|phone| format!("+{phone}")),
        "contact": visible(&account.contact.public),
        "pending_whatsapp": pending,
        "email": account.email,
        "allow_access_to_messages": account.allow_access_to_messages,
    });
    standing_fields(&mut view, &account.standing);
    view
}

async fn instagram_accounts(SimSandbox(shared): SimSandbox) -> Answer {
    listing(&shared, |sandbox| {
        sandbox
            .instagram
            .accounts
            .values()
            .map(instagram_view)
            .collect()
    })
}
