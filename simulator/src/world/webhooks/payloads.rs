//! Meta's webhook payloads, built from domain events (and from samples for
//! `webhooks/trigger`): the object envelope, WhatsApp `messages` changes for
//! inbound messages and statuses in the late-2026 shape (business-scoped user
//! ids, phone numbers only where they may be shown, failed statuses without
//! `contacts`), `message_template_status_update`, Messenger/Instagram
//! messaging events (`entry[].messaging[]`, millisecond times) and account
//! changes (`entry[].changes[]`), a Flow's `flows` changes; the coexistence fields are built in
//! `coexistence.rs`, `user_preferences` in `preferences.rs`.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::world::events::{Event, EventPayload, StatusError};
use crate::world::sandbox::Sandbox;
use crate::world::webhooks::subscriptions::WebhookObject;
use crate::world::whatsapp::inbound_media::webhook_media_url;
use crate::world::whatsapp::messaging::MessageStatus;

/// One change for one entry: what a delivery carries (possibly batched).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub object: WebhookObject,
    /// `entry[].id`: the WABA, Page or Instagram account.
    pub entry_id: String,
    pub field: String,
    pub value: Value,
    /// `entry[].time` for fields that carry it (seconds; milliseconds on Messenger).
    pub entry_time: Option<i64>,
    /// Messenger/Instagram `messaging` events go in `entry[].messaging`, not `changes`.
    pub messaging: bool,
}

/// The field of a Multi-Partner Solution's changes; its entry is a business
/// portfolio, not a WABA.
pub const PARTNER_SOLUTIONS: &str = "partner_solutions";

const ERROR_HREF: &str =
    "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

/// Where a change goes — object, entry and field — known before its value is
/// built, so that a change nobody receives costs no payload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Address<'a> {
    pub object: WebhookObject,
    pub entry_id: &'a str,
    pub field: &'a str,
    /// The business number a WhatsApp change is about (`value.metadata`),
    /// whose callback override may apply.
    pub phone_number_id: Option<&'a str>,
    /// The one app a change is for (a solution's party), when not every
    /// subscriber of the entry receives it.
    pub app_id: Option<&'a str>,
}

impl Change {
    pub fn address(&self) -> Address<'_> {
        Address {
            object: self.object,
            entry_id: &self.entry_id,
            field: &self.field,
            phone_number_id: self.value["metadata"]["phone_number_id"].as_str(),
            app_id: None,
        }
    }

    /// The change as one `entry` item: `{"id", "time"?, "changes": [{"value", "field"}]}`,
    /// or `{"id", "time", "messaging": [value]}` for messaging events.
    pub fn entry(&self) -> Value {
        let mut entry = Map::new();
        entry.insert("id".into(), Value::String(self.entry_id.clone()));
        if let Some(time) = self.entry_time {
            entry.insert("time".into(), json!(time));
        }
        if self.messaging {
            entry.insert("messaging".into(), Value::Array(vec![self.value.clone()]));
        } else {
            let mut change = Map::new();
            change.insert("value".into(), self.value.clone());
            change.insert("field".into(), Value::String(self.field.clone()));
            entry.insert("changes".into(), Value::Array(vec![Value::Object(change)]));
        }
        Value::Object(entry)
    }
}

impl EventPayload {
    /// Where the change of this event goes (whether or not Meta sends one).
    pub fn address(&self) -> Address<'_> {
        fn whatsapp<'a>(
            waba_id: &'a str,
            field: &'a str,
            phone: Option<&'a String>,
        ) -> Address<'a> {
            Address {
                object: WebhookObject::WhatsappBusinessAccount,
                entry_id: waba_id,
                field,
                phone_number_id: phone.map(String::as_str),
                app_id: None,
            }
        }
        match self {
            EventPayload::WhatsappStatus {
                waba_id,
                phone_number_id,
                ..
            }
            | EventPayload::WhatsappInbound {
                waba_id,
                phone_number_id,
                ..
            }
            | EventPayload::WhatsappGroupStatus {
                waba_id,
                phone_number_id,
                ..
            } => whatsapp(waba_id, "messages", Some(phone_number_id)),
            EventPayload::WhatsappMessageEcho {
                waba_id,
                phone_number_id,
                ..
            } => whatsapp(waba_id, "smb_message_echoes", Some(phone_number_id)),
            EventPayload::WhatsappAppStateSync {
                waba_id,
                phone_number_id,
                ..
            } => whatsapp(waba_id, "smb_app_state_sync", Some(phone_number_id)),
            EventPayload::WhatsappHistory {
                waba_id,
                phone_number_id,
                ..
            } => whatsapp(waba_id, "history", Some(phone_number_id)),
            EventPayload::WhatsappUserPreference {
                waba_id,
                phone_number_id,
                ..
            } => whatsapp(waba_id, "user_preferences", Some(phone_number_id)),
            EventPayload::WhatsappCall {
                waba_id,
                phone_number_id,
                ..
            } => whatsapp(waba_id, "calls", Some(phone_number_id)),
            EventPayload::WhatsappTemplateStatus { waba_id, .. } => {
                whatsapp(waba_id, "message_template_status_update", None)
            }
            EventPayload::WhatsappAccountUpdate { waba_id, .. } => {
                whatsapp(waba_id, "account_update", None)
            }
            EventPayload::WhatsappFlow { waba_id, .. } => whatsapp(waba_id, "flows", None),
            EventPayload::WhatsappPhoneSettings {
                waba_id,
                phone_number_id,
                ..
            } => whatsapp(waba_id, "account_settings_update", Some(phone_number_id)),
            EventPayload::WhatsappGroup {
                waba_id,
                phone_number_id,
                field,
                ..
            } => whatsapp(waba_id, field, Some(phone_number_id)),
            EventPayload::MessagingEvent {
                object,
                account_id,
                field,
                ..
            }
            | EventPayload::AccountChange {
                object,
                account_id,
                field,
                ..
            } => Address {
                object: *object,
                entry_id: account_id,
                field,
                phone_number_id: None,
                app_id: None,
            },
            EventPayload::WhatsappSolution {
                business_id,
                app_id,
                ..
            } => Address {
                object: WebhookObject::WhatsappBusinessAccount,
                entry_id: business_id,
                field: PARTNER_SOLUTIONS,
                phone_number_id: None,
                app_id: Some(app_id),
            },
        }
    }
}

/// `{"object", "entry": [...]}`: the body of a delivery, encoded as it stands.
#[derive(Debug, Serialize)]
pub struct Envelope<'a> {
    pub object: WebhookObject,
    pub entry: &'a [Value],
}

/// `{prefix}user_id` and, when the portfolio is enrolled for parent BSUIDs,
/// `{prefix}parent_user_id`, appended to `item`.
pub(super) fn user_ids(
    item: &mut Map<String, Value>,
    prefix: &str,
    user_id: &str,
    parent: Option<&String>,
) {
    item.insert(format!("{prefix}user_id"), json!(user_id));
    if let Some(parent) = parent {
        item.insert(format!("{prefix}parent_user_id"), json!(parent));
    }
}

fn status_errors(error: &StatusError) -> Value {
    json!([{
        "code": error.code,
        "title": error.title,
        "message": error.title,
        "error_data": { "details": error.details },
        "href": ERROR_HREF,
    }])
}

impl Sandbox {
    pub(super) fn metadata(&self, phone_number_id: &str) -> Value {
        let digits = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .map(|p| p.digits.clone())
            .unwrap_or_default();
        json!({ "display_phone_number": digits, "phone_number_id": phone_number_id })
    }

    pub(super) fn whatsapp_contact(
        &self,
        name: Option<String>,
        username: Option<String>,
        wa_id: Option<&str>,
        user_id: &str,
        parent_user_id: Option<&str>,
    ) -> Value {
        let mut profile = json!({ "name": name.unwrap_or_else(|| "WhatsApp User".to_owned()) });
        if let Some(username) = username {
            profile["username"] = json!(username);
        }
        let mut contact = json!({ "profile": profile });
        if let Some(wa_id) = wa_id {
            contact["wa_id"] = json!(wa_id);
        }
        contact["user_id"] = json!(user_id);
        if let Some(parent) = parent_user_id {
            contact["parent_user_id"] = json!(parent);
        }
        contact
    }

    /// The webhook change a domain event produces, if Meta sends one for it.
    pub fn change_for(&self, event: &Event) -> Option<Change> {
        let (value, entry_time) = self.change_value(event)?;
        let address = event.payload.address();
        Some(Change {
            object: address.object,
            entry_id: address.entry_id.to_owned(),
            field: address.field.to_owned(),
            value,
            entry_time,
            messaging: matches!(event.payload, EventPayload::MessagingEvent { .. }),
        })
    }

    /// The `value` of an event's change and its `entry[].time`, if any.
    fn change_value(&self, event: &Event) -> Option<(Value, Option<i64>)> {
        match &event.payload {
            EventPayload::WhatsappInbound {
                phone_number_id,
                message_id,
                from,
                from_user_id,
                from_parent_user_id,
                profile_name,
                username,
                identity_key_hash,
                message,
                ..
            } => {
                let mut item = Map::new();
                if let Some(from) = from {
                    item.insert("from".into(), json!(from));
                }
                user_ids(
                    &mut item,
                    "from_",
                    from_user_id,
                    from_parent_user_id.as_ref(),
                );
                item.insert("id".into(), json!(message_id));
                item.insert("timestamp".into(), json!(event.time.to_string()));
                if let Value::Object(fields) = message {
                    for (key, value) in fields {
                        item.insert(key.clone(), value.clone());
                    }
                }
                let kind = message["type"].as_str().unwrap_or_default();
                if let Some(url) = webhook_media_url(self, message, event.time)
                    && let Some(Value::Object(media)) = item.get_mut(kind)
                {
                    media.insert("url".into(), json!(url));
                }
                let mut value = json!({ "messaging_product": "whatsapp", "metadata": self.metadata(phone_number_id) });
                if message.get("type").and_then(Value::as_str) != Some("system") {
                    let mut contact = self.whatsapp_contact(
                        profile_name.clone(),
                        username.clone(),
                        from.as_deref(),
                        from_user_id,
                        from_parent_user_id.as_deref(),
                    );
                    if let Some(hash) = identity_key_hash {
                        contact["identity_key_hash"] = json!(hash);
                    }
                    value["contacts"] = json!([contact]);
                }
                value["messages"] = json!([item]);
                Some((value, None))
            }
            EventPayload::WhatsappStatus {
                phone_number_id,
                message_id,
                status,
                recipient,
                addressed_by_user_id,
                recipient_user_id,
                recipient_parent_user_id,
                pricing,
                error,
                biz_opaque_callback_data,
                ..
            } => {
                let failed = *status == MessageStatus::Failed;
                let mut item = Map::new();
                item.insert("id".into(), json!(message_id));
                item.insert("status".into(), json!(status));
                item.insert("timestamp".into(), json!(event.time.to_string()));
                if let Some(recipient) = recipient {
                    item.insert("recipient_id".into(), json!(recipient));
                }
                if !failed || *addressed_by_user_id {
                    user_ids(
                        &mut item,
                        "recipient_",
                        recipient_user_id,
                        recipient_parent_user_id.as_ref(),
                    );
                }
                if let Some(data) = biz_opaque_callback_data {
                    item.insert("biz_opaque_callback_data".into(), json!(data));
                }
                if let Some(pricing) = pricing.as_ref().filter(|_| !failed) {
                    item.insert("pricing".into(), json!(pricing));
                }
                if let Some(error) = error {
                    item.insert("errors".into(), status_errors(error));
                }
                let mut value = json!({ "messaging_product": "whatsapp", "metadata": self.metadata(phone_number_id) });
                if !failed || self.webhooks.settings.failed_status_contacts {
                    let person = self
                        .consumer_named_by(phone_number_id, recipient_user_id, false)
                        .and_then(|digits| self.whatsapp.consumers.get(digits));
                    let name = person.and_then(|p| p.name.clone());
                    let username = person
                        .and_then(|p| p.username.clone())
                        .filter(|_| *status != MessageStatus::Sent);
                    value["contacts"] = json!([self.whatsapp_contact(
                        name,
                        username,
                        recipient.as_deref(),
                        recipient_user_id,
                        recipient_parent_user_id.as_deref(),
                    )]);
                }
                value["statuses"] = json!([item]);
                Some((value, None))
            }
            EventPayload::WhatsappGroupStatus {
                phone_number_id,
                message_id,
                group_id,
                status,
                error,
                biz_opaque_callback_data,
                participants,
                pricing,
                ..
            } => {
                let mut item = json!({
                    "id": message_id,
                    "recipient_id": group_id,
                    "recipient_type": "group",
                    "status": status,
                    "timestamp": event.time.to_string(),
                });
                if let Some(data) = biz_opaque_callback_data {
                    item["biz_opaque_callback_data"] = json!(data);
                }
                if let Some(error) = error {
                    item["errors"] = status_errors(error);
                }
                let mut value = json!({ "messaging_product": "whatsapp", "metadata": self.metadata(phone_number_id) });
                if participants.is_empty() {
                    value["statuses"] = json!([item]);
                    return Some((value, None));
                }
                // Delivered or read: a status and a contact per participant;
                // failed: a status each with its errors and no contacts, as
                // a failed 1:1 status has none.
                if let Some(pricing) = pricing {
                    item["pricing"] = json!(pricing);
                }
                let statuses: Vec<Value> = participants
                    .iter()
                    .map(|p| {
                        let mut each = item.clone();
                        if let Some(wa_id) = &p.wa_id {
                            each["recipient_participant_id"] = json!(wa_id);
                        }
                        each["recipient_participant_user_id"] = json!(p.user_id);
                        if let Some(parent) = &p.parent_user_id {
                            each["recipient_participant_parent_user_id"] = json!(parent);
                        }
                        each
                    })
                    .collect();
                if *status != MessageStatus::Failed {
                    let contacts: Vec<Value> = participants
                        .iter()
                        .map(|p| {
                            self.whatsapp_contact(
                                p.name.clone(),
                                p.username.clone(),
                                p.wa_id.as_deref(),
                                &p.user_id,
                                p.parent_user_id.as_deref(),
                            )
                        })
                        .collect();
                    value["contacts"] = json!(contacts);
                }
                value["statuses"] = json!(statuses);
                Some((value, None))
            }
            EventPayload::MessagingEvent {
                account_id,
                sender_id,
                recipient_id,
                time_ms,
                event: body,
                ..
            } => {
                let mut item = Map::new();
                item.insert("sender".into(), json!({ "id": sender_id }));
                let recipient = recipient_id.as_ref().unwrap_or(account_id);
                item.insert("recipient".into(), json!({ "id": recipient }));
                item.insert("timestamp".into(), json!(time_ms));
                if let Value::Object(members) = body {
                    for (key, value) in members {
                        item.insert(key.clone(), value.clone());
                    }
                }
                Some((Value::Object(item), Some(*time_ms)))
            }
            EventPayload::AccountChange { value, .. }
            | EventPayload::WhatsappFlow { value, .. } => Some((value.clone(), Some(event.time))),
            EventPayload::WhatsappPhoneSettings { settings, .. } => Some((
                json!({
                    "messaging_product": "whatsapp",
                    "timestamp": event.time.to_string(),
                    "type": "phone_number_settings",
                    "phone_number_settings": settings,
                }),
                None,
            )),
            EventPayload::WhatsappGroup {
                phone_number_id,
                group,
                ..
            } => Some((
                json!({
                    "messaging_product": "whatsapp",
                    "metadata": self.metadata(phone_number_id),
                    "groups": [group],
                }),
                None,
            )),
            EventPayload::WhatsappCall {
                phone_number_id,
                consumer,
                item,
                status,
                ..
            } => {
                let person = self.whatsapp.consumers.get(consumer);
                let business = self.business_of_phone(phone_number_id).unwrap_or_default();
                let contact = self.whatsapp_contact(
                    person.and_then(|p| p.name.clone()),
                    person.and_then(|p| p.username.clone()),
                    Some(consumer),
                    &self.bsuid(consumer, &business),
                    self.parent_bsuid(consumer, &business).as_deref(),
                );
                let list = if *status { "statuses" } else { "calls" };
                let mut value = json!({
                    "messaging_product": "whatsapp",
                    "metadata": self.metadata(phone_number_id),
                    "contacts": [contact],
                });
                value[list] = json!([item]);
                Some((value, None))
            }
            EventPayload::WhatsappTemplateStatus {
                template_id,
                name,
                language,
                category,
                event: what,
                reason,
                info,
                ..
            } => {
                let mut value = json!({
                    "event": what,
                    "message_template_id": template_id.parse::<u64>().map(Value::from).unwrap_or_else(|_| json!(template_id)),
                    "message_template_name": name,
                    "message_template_language": language,
                    "message_template_category": category,
                    "reason": reason,
                });
                if let (Some(Value::Object(extra)), Value::Object(members)) = (info, &mut value) {
                    members.extend(extra.clone());
                }
                Some((value, Some(event.time)))
            }
            EventPayload::WhatsappMessageEcho { .. }
            | EventPayload::WhatsappAppStateSync { .. }
            | EventPayload::WhatsappHistory { .. }
            | EventPayload::WhatsappAccountUpdate { .. } => self.coexistence_value(event),
            EventPayload::WhatsappUserPreference { .. } => self.user_preference_value(event),
            EventPayload::WhatsappSolution {
                solution_id,
                event: change,
                status,
                ..
            } => Some((
                json!({ "event": change, "solution_id": solution_id, "solution_status": status }),
                Some(event.time),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_put_value_before_field_and_time_only_when_given() {
        let change = Change {
            object: WebhookObject::WhatsappBusinessAccount,
            entry_id: "31".into(),
            field: "messages".into(),
            value: json!({"a": 1}),
            entry_time: None,
            messaging: false,
        };
        let timed = Change {
            entry_time: Some(5),
            ..change.clone()
        };
        let body = serde_json::to_value(Envelope {
            object: change.object,
            entry: &[change.entry(), timed.entry()],
        })
        .unwrap();
        assert_eq!(
            body.to_string(),
            r#"{"object":"whatsapp_business_account","entry":[{"id":"31","changes":[{"value":{"a":1},"field":"messages"}]},{"id":"31","time":5,"changes":[{"value":{"a":1},"field":"messages"}]}]}"#
        );
    }
}
