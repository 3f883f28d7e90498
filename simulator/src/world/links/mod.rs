//! Where products meet: links people make in Meta's apps rather than through
//! an API, and flows that cross products. A WhatsApp Business number
//! connected to a Facebook Page, with the optional one-way sync of the Page's
//! business info to the WhatsApp profile; an Instagram professional account
//! connected to a Page; a WhatsApp number verified by code as an Instagram
//! contact option; a Facebook account and an Instagram account linked in
//! Accounts Center, and what that link does across the two apps. The control plane performs the app steps; the effects
//! show on Graph fields, profiles and inboxes. No product module imports
//! another: they meet here.

pub mod accounts_center;
pub mod business_fields;
pub mod cross_app;
pub mod instagram_page;
pub mod instagram_whatsapp;
pub mod listings;
pub mod whatsapp_page;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use accounts_center::AccountsCenterLink;
pub use whatsapp_page::WhatsappPageLink;

/// Every cross-product link of a sandbox.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Links {
    /// page id -> the WhatsApp number connected to it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub whatsapp_pages: BTreeMap<String, WhatsappPageLink>,
    /// link id -> a Facebook account ↔ Instagram account link (Accounts Center).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub accounts_center: BTreeMap<String, AccountsCenterLink>,
}
