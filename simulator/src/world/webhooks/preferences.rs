//! The `user_preferences` webhook: a WhatsApp user stopped or resumed a
//! business's marketing messages. Meta's shape: `contacts[]` as on inbound
//! messages, and one `user_preferences[]` item naming the user the same way
//! (`wa_id` only where the phone may be shown, `user_id`, `parent_user_id`
//! once the portfolio is enrolled) with the category, the choice, Meta's
//! `detail` text and an integer `timestamp`.

use serde_json::{Map, Value, json};

use super::payloads::user_ids;
use crate::world::events::{Event, EventPayload};
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::consumers::MarketingPreference;

/// Meta's `detail` of each choice.
fn detail(preference: MarketingPreference) -> &'static str {
    match preference {
        MarketingPreference::Stop => "User requested to stop marketing messages",
        MarketingPreference::Resume => "User requested to resume marketing messages",
    }
}

impl Sandbox {
    /// The `value` of a `user_preferences` change (no `entry[].time`).
    pub(super) fn user_preference_value(&self, event: &Event) -> Option<(Value, Option<i64>)> {
        let EventPayload::WhatsappUserPreference {
            phone_number_id,
            wa_id,
            user_id,
            parent_user_id,
            profile_name,
            username,
            preference,
            ..
        } = &event.payload
        else {
            return None;
        };
        let mut item = Map::new();
        if let Some(wa_id) = wa_id {
            item.insert("wa_id".into(), json!(wa_id));
        }
        user_ids(&mut item, "", user_id, parent_user_id.as_ref());
        item.insert("detail".into(), json!(detail(*preference)));
        item.insert("category".into(), json!("marketing_messages"));
        item.insert("value".into(), json!(preference));
        item.insert("timestamp".into(), json!(event.time));
        let contact = self.whatsapp_contact(
            profile_name.clone(),
            username.clone(),
            wa_id.as_deref(),
            user_id,
            parent_user_id.as_deref(),
        );
        let value = json!({
            "messaging_product": "whatsapp",
            "metadata": self.metadata(phone_number_id),
            "contacts": [contact],
            "user_preferences": [item],
        });
        Some((value, None))
    }
}
