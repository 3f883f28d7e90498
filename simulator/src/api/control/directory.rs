//! What a sandbox holds, listed for people and tools that look at the whole
//! world rather than one id: its business phone numbers, message templates
//! (with their review state), Facebook Pages (with their WhatsApp link) and
//! Instagram accounts (with their contact options). Read-only; the Graph API
//! shows the same things one token's view at a time, and reading them there
//! would be journaled and counted against the app's usage.

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

use super::facebook::standing_fields;
use super::instagram::visible;
use super::listing::{Listing, views};
use super::pages::page_view;
use super::{Answer, SimSandbox};
use crate::api::state::AppState;
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

async fn phone_numbers(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    views(
        &shared,
        &listing,
        |sandbox| keys(&sandbox.whatsapp.phone_numbers),
        |sandbox, id| {
            sandbox
                .whatsapp
                .phone_numbers
                .get(id)
                .map_or(Value::Null, |number| number_view(sandbox, number))
        },
    )
}

/// Templates in creation order, keyed by it.
async fn templates(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    views(
        &shared,
        &listing,
        |sandbox| {
            let mut seqs: Vec<u64> = sandbox
                .whatsapp
                .templates
                .values()
                .map(|t| t.created_seq)
                .collect();
            seqs.sort_unstable();
            seqs
        },
        |sandbox, seq| {
            sandbox
                .whatsapp
                .templates
                .values()
                .find(|t| t.created_seq == *seq)
                .map_or(Value::Null, |t| json!(t))
        },
    )
}

async fn pages(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    views(
        &shared,
        &listing,
        |sandbox| keys(&sandbox.pages.pages),
        |sandbox, id| page_view(sandbox, id).unwrap_or(Value::Null),
    )
}

/// The keys of a map, in its order.
fn keys<V>(map: &std::collections::BTreeMap<String, V>) -> Vec<String> {
    map.keys().cloned().collect()
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

async fn instagram_accounts(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    views(
        &shared,
        &listing,
        |sandbox| keys(&sandbox.instagram.accounts),
        |sandbox, id| {
            sandbox
                .instagram
                .accounts
                .get(id)
                .map_or(Value::Null, |account| instagram_view(account))
        },
    )
}
