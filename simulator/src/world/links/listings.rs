//! List edges on one product's nodes whose items are another product's:
//! the Pages a Facebook user has a role on (`/me/accounts`), the WhatsApp
//! Business Accounts and pre-verified numbers a business portfolio owns,
//! a Page's Messenger conversations (`/{page-id}/conversations`), the
//! WhatsApp Multi-Partner Solutions and client businesses of an app, and the
//! WABAs clients shared with a business.

use std::collections::BTreeSet;

use serde_json::json;

use crate::world::clock::iso8601;
use crate::world::nodes::{EdgeItem, EdgeQuery, items_where};
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::Waba;

/// `/me/accounts`: the Pages the user has a role on, each with the Page token
/// derived from the calling token and the user's tasks.
pub fn user_pages(sandbox: &Sandbox, user_id: &str, query: &EdgeQuery<'_>) -> Vec<EdgeItem> {
    sandbox
        .pages
        .pages
        .values()
        .filter_map(|page| {
            let tasks = page.roles.get(user_id)?;
            let page_token = sandbox.tokens.values().find(|t| {
                t.subject_id == page.id && t.derived_from.as_ref() == Some(&query.token.token)
            })?;
            Some(EdgeItem {
                id: page.id.clone(),
                extra: vec![
                    ("access_token", json!(page_token.token)),
                    ("tasks", json!(tasks)),
                ],
            })
        })
        .collect()
}

/// `/{business-id}/owned_whatsapp_business_accounts`.
pub fn business_wabas(sandbox: &Sandbox, business_id: &str, _: &EdgeQuery<'_>) -> Vec<EdgeItem> {
    items_where(&sandbox.whatsapp.wabas, |waba| {
        waba.business_id == business_id
    })
}

/// `/{app-id}/whatsapp_business_solutions?role=OWNER|PARTNER`: the
/// Multi-Partner Solutions the app owns or is the partner of (only to the
/// app's own tokens; a partner does not see a draft), oldest first.
pub fn app_solutions(sandbox: &Sandbox, app_id: &str, query: &EdgeQuery<'_>) -> Vec<EdgeItem> {
    if query.token.app_id != app_id {
        return vec![];
    }
    let role = query.param("role");
    let mut solutions: Vec<_> = sandbox
        .whatsapp
        .solutions
        .solutions
        .values()
        .filter(|s| s.known_to(app_id))
        .filter(|s| match role {
            Some("OWNER") => s.owner_app_id == app_id,
            Some("PARTNER") => s.partner_app_id == app_id,
            _ => true,
        })
        .collect();
    solutions.sort_by_key(|s| (s.created_at, s.id.clone()));
    solutions.iter().map(|s| EdgeItem::plain(&s.id)).collect()
}

/// `/{app-id}/connected_client_businesses`: the businesses whose WABAs the
/// app reaches — subscribed to one, or party of a solution one joined —
/// each with its connection's status (only to the app's own tokens).
pub fn app_client_businesses(
    sandbox: &Sandbox,
    app_id: &str,
    query: &EdgeQuery<'_>,
) -> Vec<EdgeItem> {
    if query.token.app_id != app_id {
        return vec![];
    }
    let clients: BTreeSet<&String> = sandbox
        .whatsapp
        .wabas
        .values()
        .filter(|waba| app_reaches(sandbox, app_id, waba))
        .map(|waba| &waba.business_id)
        .collect();
    clients
        .into_iter()
        .filter_map(|id| sandbox.accounts.businesses.get(id))
        .map(|business| EdgeItem {
            id: business.id.clone(),
            extra: vec![
                ("business_status", json!("ACTIVE")),
                (
                    "verification_status",
                    json!(business.verification_status.to_ascii_uppercase()),
                ),
                ("created_time", json!(iso8601(business.created_time))),
                ("updated_time", json!(iso8601(business.created_time))),
            ],
        })
        .collect()
}

/// `/{business-id}/client_whatsapp_business_accounts`: the WABAs other
/// businesses shared with this one — those an app the business owns reaches
/// (subscribed to, or party of a solution they joined) — oldest first.
pub fn business_client_wabas(
    sandbox: &Sandbox,
    business_id: &str,
    _: &EdgeQuery<'_>,
) -> Vec<EdgeItem> {
    let apps: Vec<&str> = sandbox
        .accounts
        .apps
        .iter()
        .filter(|(_, app)| app.business_id.as_deref() == Some(business_id))
        .map(|(id, _)| id.as_str())
        .collect();
    items_where(&sandbox.whatsapp.wabas, |waba| {
        waba.business_id != business_id && apps.iter().any(|app| app_reaches(sandbox, app, waba))
    })
}

/// Whether an app reaches a WABA: subscribed to it, or party of a solution
/// the WABA joined.
fn app_reaches(sandbox: &Sandbox, app_id: &str, waba: &Waba) -> bool {
    waba.subscribed_apps.iter().any(|s| s.app_id == app_id)
        || sandbox
            .whatsapp
            .solutions
            .solutions
            .values()
            .any(|s| s.is_party(app_id) && s.wabas.contains(&waba.id))
}

/// `/{page-id}/conversations?platform=messenger|instagram&user_id=…`: the
/// Page's Messenger conversations, or those of the Instagram account
/// connected to it, most recent first; `user_id` (a PSID or IGSID) keeps
/// that person's.
pub fn page_conversations(
    sandbox: &Sandbox,
    page_id: &str,
    query: &EdgeQuery<'_>,
) -> Vec<EdgeItem> {
    let platform = query.param("platform").unwrap_or("messenger");
    let user = query.param("user_id");
    let conversations = if platform.eq_ignore_ascii_case("instagram") {
        match sandbox.instagram_of_page(page_id) {
            Some(account) => sandbox.instagram.conversations.of_side(account),
            None => Vec::new(),
        }
    } else {
        sandbox.messenger.conversations.of_side(page_id)
    };
    conversations
        .into_iter()
        .filter(|c| {
            c.account == page_id || sandbox.instagram_of_page(page_id) == Some(c.account.as_str())
        })
        .filter(|c| user.is_none_or(|user| c.scoped_id == user))
        .map(|c| EdgeItem::plain(&c.id))
        .collect()
}

/// `/{business-id}/preverified_numbers`, oldest first.
pub fn business_preverified_numbers(
    sandbox: &Sandbox,
    business_id: &str,
    _: &EdgeQuery<'_>,
) -> Vec<EdgeItem> {
    let mut numbers: Vec<_> = sandbox
        .whatsapp
        .preverified
        .values()
        .filter(|n| n.business_id == business_id)
        .collect();
    numbers.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    numbers.iter().map(|n| EdgeItem::plain(&n.id)).collect()
}

/// `/{business-id}/extendedcredits`: its credit lines, oldest first.
pub fn business_credit_lines(
    sandbox: &Sandbox,
    business_id: &str,
    _: &EdgeQuery<'_>,
) -> Vec<EdgeItem> {
    sandbox
        .credit_lines_of(business_id)
        .iter()
        .map(|line| EdgeItem::plain(&line.id))
        .collect()
}
