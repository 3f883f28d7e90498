//! WhatsApp's control routes: consumers and what they do, a consumer's
//! chats as their phone shows them, every account's linked devices, the
//! phones' SMS inboxes, the WhatsApp Business app (its numbers, their
//! onboarding to the Cloud API, its messages, its profile screen), template
//! review, a WABA's billing, the review of an Official Business Account
//! application, consumers joining and leaving groups, what WhatsApp decides
//! about groups, consumers' calls and call permissions, the restrictions
//! of a number's calling, consumers going through Flows (and the health
//! check of a Flow's endpoint), the published key for encrypted sends,
//! Multi-Partner Solution drafts, the portfolios Meta enrols for
//! parent BSUIDs, and the rate card that prices analytics.

mod billing;
mod business_app;
mod business_app_numbers;
mod business_chats;
mod call_restrictions;
mod calls;
mod chats;
mod consumers;
mod devices;
mod flow_health;
mod flows;
mod group_policy;
mod groups;
mod inbox;
mod oba;
mod parent_bsuids;
mod payload_encryption;
mod phones;
mod rate_card;
mod solutions;
mod templates;

use axum::Router;

use crate::api::state::AppState;

pub fn routes() -> Router<AppState> {
    consumers::routes()
        .merge(phones::routes())
        .merge(business_app::routes())
        .merge(templates::routes())
        .merge(chats::routes())
        .merge(devices::routes())
        .merge(business_app_numbers::routes())
        .merge(inbox::routes())
        .merge(billing::routes())
        .merge(oba::routes())
        .merge(groups::routes())
        .merge(group_policy::routes())
        .merge(calls::routes())
        .merge(flows::routes())
        .merge(flow_health::routes())
        .merge(call_restrictions::routes())
        .merge(payload_encryption::routes())
        .merge(solutions::routes())
        .merge(parent_bsuids::routes())
        .merge(rate_card::routes())
}
