//! Sample changes for `webhooks/trigger` (like Stripe's trigger): a realistic
//! value for any object and field, built from the sandbox's own accounts, with
//! the caller's overrides merged over it.

use serde_json::{Value, json};

use super::payloads::{Change, PARTNER_SOLUTIONS};
use super::subscriptions::{WebhookObject, known_fields};
use crate::world::events::{Event, EventPayload};
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::consumers::{Consumer, MarketingPreference};

/// Fields delivered as `entry[].messaging` events on Messenger and Instagram.
fn is_messaging_field(object: WebhookObject, field: &str) -> bool {
    matches!(object, WebhookObject::Page | WebhookObject::Instagram)
        && (field.starts_with("messag") || matches!(field, "standby" | "message_reactions"))
}

/// Why a sample cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SampleError {
    UnknownField {
        object: WebhookObject,
        field: String,
    },
    NoAccount,
    NoPayload,
}

impl SampleError {
    pub fn message(&self) -> String {
        match self {
            SampleError::UnknownField { object, field } => {
                format!("{field:?} is not a webhook field of {object}")
            }
            SampleError::NoAccount => "the sandbox has no account of that object".to_owned(),
            SampleError::NoPayload => "no payload for that object and field".to_owned(),
        }
    }
}

fn merge(mut base: Value, overrides: Option<Value>) -> Value {
    if let (Value::Object(target), Some(Value::Object(extra))) = (&mut base, overrides) {
        for (key, value) in extra {
            target.insert(key, value);
        }
    }
    base
}

impl Sandbox {
    fn sample_entry_id(&self, object: WebhookObject, field: &str) -> Option<String> {
        match object {
            // A solution's change is addressed to an app's owner business.
            WebhookObject::WhatsappBusinessAccount if field == PARTNER_SOLUTIONS => self
                .accounts
                .apps
                .values()
                .find_map(|app| app.business_id.clone()),
            WebhookObject::WhatsappBusinessAccount => self.whatsapp.wabas.keys().next().cloned(),
            WebhookObject::Page => self.pages.pages.keys().next().cloned(),
            WebhookObject::Instagram => self
                .instagram
                .accounts
                .values()
                .find(|account| account.is_professional())
                .map(|account| account.id.clone()),
            WebhookObject::User => self.accounts.users.keys().next().cloned(),
        }
    }

    /// The value of an event between the first consumer and the WABA's first
    /// registered number, `payload` made from the number's id, the consumer
    /// and the number's portfolio.
    fn sample_consumer_event(
        &mut self,
        waba_id: &str,
        payload: impl FnOnce(&mut Self, &str, &Consumer, &str) -> EventPayload,
    ) -> Option<Value> {
        let phone_id = self
            .whatsapp
            .phone_numbers
            .values()
            .find(|p| p.waba_id == waba_id && p.is_registered())?
            .id
            .clone();
        let consumer = self.whatsapp.consumers.values().next()?.clone();
        let business = self.business_of_phone(&phone_id).unwrap_or_default();
        let event = Event {
            seq: 0,
            time: self.clock.now(),
            payload: payload(self, &phone_id, &consumer, &business),
        };
        self.change_for(&event).map(|change| change.value)
    }

    /// An inbound text from the first consumer to the WABA's first registered number.
    fn sample_whatsapp_message(&mut self, waba_id: &str) -> Option<Value> {
        self.sample_consumer_event(waba_id, |sandbox, phone_id, consumer, business| {
            EventPayload::WhatsappInbound {
                waba_id: waba_id.to_owned(),
                phone_number_id: phone_id.to_owned(),
                message_id: sandbox.ids.wamid(&consumer.phone, true),
                from: Some(consumer.phone.clone()),
                from_user_id: sandbox.bsuid(&consumer.phone, business),
                from_parent_user_id: sandbox.parent_bsuid(&consumer.phone, business),
                profile_name: consumer.name.clone(),
                username: consumer.username.clone(),
                identity_key_hash: sandbox.checked_identity_key_hash(phone_id, &consumer.phone),
                message: json!({ "type": "text", "text": { "body": "Hello from metasim trigger" } }),
            }
        })
    }

    /// The first consumer stops the marketing messages of the WABA's first
    /// registered number (whatever they chose before).
    fn sample_user_preference(&mut self, waba_id: &str) -> Option<Value> {
        self.sample_consumer_event(waba_id, |sandbox, phone_id, consumer, business| {
            EventPayload::WhatsappUserPreference {
                waba_id: waba_id.to_owned(),
                phone_number_id: phone_id.to_owned(),
                wa_id: Some(consumer.phone.clone()),
                user_id: sandbox.bsuid(&consumer.phone, business),
                parent_user_id: sandbox.parent_bsuid(&consumer.phone, business),
                profile_name: consumer.name.clone(),
                username: consumer.username.clone(),
                preference: MarketingPreference::Stop,
            }
        })
    }

    /// A realistic value for the other WhatsApp fields, from the WABA's own
    /// number and templates (Meta's shapes, research §3.5.3).
    fn sample_whatsapp_field(&self, waba_id: &str, field: &str) -> Value {
        let phone = self
            .whatsapp
            .phone_numbers
            .values()
            .find(|p| p.waba_id == waba_id);
        let digits = phone.map(|p| p.digits.clone()).unwrap_or_default();
        let template = self
            .whatsapp
            .templates
            .values()
            .filter(|t| t.waba_id == waba_id)
            .min_by_key(|t| t.created_seq);
        let template_id = template
            .and_then(|t| t.id.parse::<u64>().ok())
            .map_or(Value::Null, Value::from);
        let (name, language, category) = template.map_or(("", "", ""), |t| {
            (t.name.as_str(), t.language.as_str(), t.category.as_str())
        });
        match field {
            "account_update" => json!({ "phone_number": digits, "event": "VERIFIED_ACCOUNT" }),
            PARTNER_SOLUTIONS => json!({
                "event": "SOLUTION_CREATED",
                "solution_id": self.whatsapp.solutions.solutions.keys().next(),
                "solution_status": "INITIATED",
            }),
            "account_review_update" => json!({ "decision": "APPROVED" }),
            "flows" => {
                let flow = self
                    .whatsapp
                    .flows
                    .values()
                    .filter(|f| f.waba_id == waba_id)
                    .min_by_key(|f| (f.created_at, f.id.clone()));
                json!({
                    "event": "FLOW_STATUS_CHANGE",
                    "message": format!(
                        "Flow {} changed status from DRAFT to PUBLISHED",
                        flow.map_or("", |f| f.name.as_str())
                    ),
                    "flow_id": flow.map(|f| f.id.clone()),
                    "old_status": "DRAFT",
                    "new_status": "PUBLISHED",
                })
            }
            "account_settings_update" => json!({
                "messaging_product": "whatsapp",
                "timestamp": self.clock.now().to_string(),
                "type": "phone_number_settings",
                "phone_number_settings": {
                    "phone_number_id": phone.map(|p| p.id.clone()).unwrap_or_default(),
                    "calling": phone.map(|p| p.settings.calling_as_meta_writes("")).unwrap_or_default(),
                },
            }),
            "phone_number_name_update" => json!({
                "display_phone_number": digits,
                "decision": "APPROVED",
                "requested_verified_name": phone.map(|p| p.verified_name.clone()).unwrap_or_default(),
                "rejection_reason": null,
            }),
            "phone_number_quality_update" => json!({
                "display_phone_number": digits,
                "event": "ONBOARDING",
                "max_daily_conversations_per_business": phone.map(|p| p.messaging_limit_tier.clone()).unwrap_or_default(),
            }),
            "business_capability_update" => json!({
                "max_daily_conversation_per_phone": 1000,
                "max_phone_numbers_per_business": 2,
                "max_daily_conversations_per_business": "TIER_1K",
            }),
            "message_template_status_update" => json!({
                "event": "APPROVED",
                "message_template_id": template_id,
                "message_template_name": name,
                "message_template_language": language,
                "message_template_category": category,
                "reason": "NONE",
            }),
            "message_template_quality_update" => json!({
                "previous_quality_score": "GREEN",
                "new_quality_score": "YELLOW",
                "message_template_id": template_id,
                "message_template_name": name,
                "message_template_language": language,
            }),
            "business_username_update" => json!({
                "display_phone_number": digits,
                "username": "luckyshrub",
                "status": "approved",
            }),
            "template_category_update" => json!({
                "message_template_id": template_id,
                "message_template_name": name,
                "message_template_language": language,
                "previous_category": category,
                "new_category": "MARKETING",
            }),
            _ => json!({}),
        }
    }

    /// Build a sample change; the error says what is wrong with the request.
    pub fn sample_change(
        &mut self,
        object: WebhookObject,
        field: &str,
        entry_id: Option<String>,
        overrides: Option<Value>,
    ) -> Result<Change, SampleError> {
        if !known_fields(object).contains(&field) {
            return Err(SampleError::UnknownField {
                object,
                field: field.to_owned(),
            });
        }
        let entry_id = entry_id
            .or_else(|| self.sample_entry_id(object, field))
            .ok_or(SampleError::NoAccount)?;
        let now = self.clock.now();
        if object == WebhookObject::WhatsappBusinessAccount {
            let base = match field {
                "messages" => self.sample_whatsapp_message(&entry_id),
                "user_preferences" => self.sample_user_preference(&entry_id),
                _ => Some(self.sample_whatsapp_field(&entry_id, field)),
            }
            .unwrap_or_else(|| json!({}));
            return Ok(Change {
                object,
                entry_id,
                field: field.to_owned(),
                value: merge(base, overrides),
                entry_time: (!matches!(field, "messages" | "user_preferences")).then_some(now),
                messaging: false,
            });
        }
        let payload = if is_messaging_field(object, field) {
            let mid = format!("m_{}", self.ids.trace_id());
            EventPayload::MessagingEvent {
                object,
                account_id: entry_id,
                field: field.to_owned(),
                sender_id: "7000000000000001".to_owned(),
                recipient_id: None,
                time_ms: now.saturating_mul(1000),
                event: json!({ "message": { "mid": mid, "text": "Hello from metasim trigger" } }),
            }
        } else {
            EventPayload::AccountChange {
                object,
                account_id: entry_id,
                field: field.to_owned(),
                value: json!({}),
            }
        };
        let mut change = self
            .change_for(&Event {
                seq: 0,
                time: now,
                payload,
            })
            .ok_or(SampleError::NoPayload)?;
        change.value = merge(change.value, overrides);
        Ok(change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn whatsapp_samples_use_the_wabas_own_number_and_templates() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let quality = sandbox
            .sample_change(
                WebhookObject::WhatsappBusinessAccount,
                "phone_number_quality_update",
                None,
                None,
            )
            .unwrap();
        assert_eq!(quality.value["display_phone_number"], "15550100001");
        assert_eq!(quality.entry_time, Some(sandbox.clock.now()));
        let template = sandbox
            .sample_change(
                WebhookObject::WhatsappBusinessAccount,
                "message_template_status_update",
                None,
                Some(json!({"event": "PAUSED"})),
            )
            .unwrap();
        assert!(template.value["message_template_id"].is_u64());
        assert_eq!(template.value["message_template_name"], "hello_world");
        assert_eq!(template.value["event"], "PAUSED");
        let settings = sandbox
            .sample_change(
                WebhookObject::WhatsappBusinessAccount,
                "account_settings_update",
                None,
                None,
            )
            .unwrap();
        assert_eq!(settings.value["type"], "phone_number_settings");
        let calling = &settings.value["phone_number_settings"]["calling"];
        assert_eq!(calling["call_icon_visibility"], "DEFAULT");
        assert!(
            sandbox
                .sample_change(WebhookObject::WhatsappBusinessAccount, "nope", None, None)
                .is_err()
        );
    }
}
