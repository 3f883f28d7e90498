//! Where an app's WhatsApp webhooks go. An app may override its callback
//! URL for a WABA (`POST /{waba-id}/subscribed_apps`) or for one business
//! number (`POST /{phone-number-id}` with `webhook_configuration`); Meta
//! checks each new URL with the verification handshake first. For the
//! fields an override applies to, the number's override wins over the
//! WABA's, which wins over the app's own URL; other fields (template and
//! account updates) always go to the app's URL.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::sandbox::Sandbox;
use crate::world::webhooks::handshakes::HandshakeTarget;

/// The longest callback override Meta takes.
pub const OVERRIDE_URI_MAX: usize = 200;

/// Webhook fields that follow callback overrides.
pub const OVERRIDABLE_FIELDS: [&str; 13] = [
    "messages",
    "message_echoes",
    "calls",
    "consumer_profile",
    "messaging_handovers",
    "group_lifecycle_update",
    "group_participants_update",
    "group_settings_update",
    "group_status_update",
    "smb_message_echoes",
    "smb_app_state_sync",
    "history",
    "account_settings_update",
];

/// One app's callback override for one number.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PhoneOverride {
    pub app_id: String,
    pub override_callback_uri: String,
    pub verify_token: String,
}

/// phone number id -> the apps' overrides for it.
pub type PhoneOverrides = BTreeMap<String, Vec<PhoneOverride>>;

impl Sandbox {
    /// The app's callback override for a number, if any.
    pub fn phone_override(&self, phone_number_id: &str, app_id: &str) -> Option<&PhoneOverride> {
        self.whatsapp
            .phone_overrides
            .get(phone_number_id)?
            .iter()
            .find(|o| o.app_id == app_id)
    }

    /// Set the app's override for a number (its handshake runs before the
    /// call answers; a failed one puts back the previous override), or
    /// remove it (`None`).
    pub fn set_phone_override(
        &mut self,
        phone_number_id: &str,
        app_id: &str,
        new: Option<PhoneOverride>,
    ) {
        let previous = self.phone_override(phone_number_id, app_id).cloned();
        if let Some(new) = &new {
            let target = HandshakeTarget::PhoneOverride {
                phone_number_id: phone_number_id.to_owned(),
                app_id: app_id.to_owned(),
                previous,
            };
            let (uri, token) = (new.override_callback_uri.clone(), new.verify_token.clone());
            self.request_handshake(target, &uri, &token);
        }
        self.replace_phone_override(phone_number_id, app_id, new);
    }

    /// Put `new` in place of the app's override for the number (none: remove it).
    pub(crate) fn replace_phone_override(
        &mut self,
        phone_number_id: &str,
        app_id: &str,
        new: Option<PhoneOverride>,
    ) {
        let overrides = self
            .whatsapp
            .phone_overrides
            .entry(phone_number_id.to_owned())
            .or_default();
        overrides.retain(|o| o.app_id != app_id);
        overrides.extend(new);
        if overrides.is_empty() {
            self.whatsapp.phone_overrides.remove(phone_number_id);
        }
    }

    /// The URL an app's webhook of `field` about `phone_number_id` (if the
    /// change concerns one) of `waba_id` goes to, given the app's own URL.
    pub fn whatsapp_callback(
        &self,
        app_id: &str,
        waba_id: &str,
        phone_number_id: Option<&str>,
        field: &str,
        app_url: &str,
    ) -> String {
        if !OVERRIDABLE_FIELDS.contains(&field) {
            return app_url.to_owned();
        }
        let by_phone = phone_number_id
            .and_then(|phone| self.phone_override(phone, app_id))
            .map(|o| o.override_callback_uri.clone());
        let by_waba = || {
            self.waba_subscription(waba_id, app_id)
                .and_then(|s| s.override_callback_uri.clone())
        };
        by_phone
            .or_else(by_waba)
            .unwrap_or_else(|| app_url.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use crate::world::whatsapp::waba::WabaSubscription;

    #[test]
    fn the_number_wins_over_the_waba_over_the_app() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let waba = sandbox.handles["waba"].clone();
        let callback = |sandbox: &Sandbox, field| {
            sandbox.whatsapp_callback("app", &waba, Some(&phone), field, "https://app")
        };
        assert_eq!(callback(&sandbox, "messages"), "https://app");
        sandbox.subscribe_app_to_waba(
            &waba,
            WabaSubscription {
                app_id: "app".into(),
                override_callback_uri: Some("https://waba".into()),
                verify_token: Some("v".into()),
            },
        );
        assert_eq!(callback(&sandbox, "messages"), "https://waba");
        let new = PhoneOverride {
            app_id: "app".into(),
            override_callback_uri: "https://phone".into(),
            verify_token: "v".into(),
        };
        sandbox.set_phone_override(&phone, "app", Some(new));
        assert_eq!(callback(&sandbox, "messages"), "https://phone");
        assert_eq!(
            callback(&sandbox, "message_template_status_update"),
            "https://app"
        );
        assert_eq!(sandbox.pending_handshakes.len(), 2);
        sandbox.set_phone_override(&phone, "app", None);
        assert_eq!(callback(&sandbox, "messages"), "https://waba");
        assert!(sandbox.whatsapp.phone_overrides.is_empty());
    }
}
