//! WhatsApp's control routes: consumers and what they do, a consumer's
//! chats as their phone shows them, the phones' SMS inboxes, the WhatsApp
//! Business app's profile screen, template review, a WABA's billing, the
//! review of an Official Business Account application, consumers joining
//! and leaving groups.

mod billing;
mod business_app;
mod chats;
mod consumers;
mod groups;
mod oba;
mod phones;
mod templates;

use axum::Router;

use crate::api::state::AppState;

pub fn routes() -> Router<AppState> {
    consumers::routes()
        .merge(phones::routes())
        .merge(business_app::routes())
        .merge(templates::routes())
        .merge(chats::routes())
        .merge(billing::routes())
        .merge(oba::routes())
        .merge(groups::routes())
}
