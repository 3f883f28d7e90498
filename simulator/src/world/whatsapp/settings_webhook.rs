//! The `account_settings_update` webhook Meta sends when a business number's
//! calling settings change: `{"messaging_product", "timestamp", "type":
//! "phone_number_settings", "phone_number_settings": {"phone_number_id",
//! "calling": {…}}}`, the calling settings written as Meta's documents write
//! them (`ENABLED`, `DEFAULT`/`DISABLE_ALL`, `call_hours` and `sip` in the
//! request's shape). `sip.servers` holds the server of the app that made
//! the change (no password): one payload goes to every subscribed app.

use serde_json::{Value, json};

use super::settings::PhoneSettings;
use crate::world::events::EventPayload;
use crate::world::sandbox::Sandbox;

fn meta_status(enabled: bool) -> &'static str {
    if enabled { "ENABLED" } else { "DISABLED" }
}

impl PhoneSettings {
    /// The `calling` object as Meta's webhook shows it, with the SIP server
    /// of `app_id`.
    pub fn calling_as_meta_writes(&self, app_id: &str) -> Value {
        let mut calling = json!({
            "status": meta_status(self.calling == "enabled"),
            "call_icon_visibility": if self.call_icon_visibility == "hidden" { "DISABLE_ALL" } else { "DEFAULT" },
            "callback_permission_status": meta_status(self.callback_permission),
        });
        self.put_calling_extras(&mut calling, meta_status);
        if !self.sip.is_default() {
            let servers: Vec<Value> = self
                .sip
                .servers
                .iter()
                .filter(|server| server.app_id == app_id)
                .map(|server| {
                    let mut shown = json!({ "hostname": server.hostname, "port": server.port });
                    if !server.request_uri_user_params.is_empty() {
                        shown["request_uri_user_params"] = json!(server.request_uri_user_params);
                    }
                    shown
                })
                .collect();
            calling["sip"] = json!({ "status": meta_status(self.sip.enabled), "servers": servers });
        }
        calling
    }
}

impl Sandbox {
    /// Send `account_settings_update` when the number's calling settings,
    /// as Meta shows them to `app_id`, differ from `before`.
    pub(super) fn calling_settings_changed(
        &mut self,
        phone_number_id: &str,
        before: &Value,
        app_id: &str,
    ) {
        let Some(phone) = self.whatsapp.phone_numbers.get(phone_number_id) else {
            return;
        };
        let calling = phone.settings.calling_as_meta_writes(app_id);
        if calling == *before {
            return;
        }
        let waba_id = phone.waba_id.clone();
        let now = self.clock.now();
        self.events.emit(
            now,
            EventPayload::WhatsappPhoneSettings {
                waba_id,
                phone_number_id: phone_number_id.to_owned(),
                settings: json!({ "phone_number_id": phone_number_id, "calling": calling }),
            },
        );
    }
}
