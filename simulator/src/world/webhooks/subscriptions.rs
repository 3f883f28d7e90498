//! App-level webhook subscriptions (`/{app-id}/subscriptions`): which object
//! and fields an app receives, at which callback URL, checked by Meta's
//! verification handshake before they count.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::sandbox::Sandbox;

/// The objects Meta sends webhooks for. Declared in alphabetical order, so
/// maps keyed by object list them as they always have.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum WebhookObject {
    Instagram,
    Page,
    User,
    WhatsappBusinessAccount,
}

impl WebhookObject {
    pub const ALL: [WebhookObject; 4] = [
        WebhookObject::WhatsappBusinessAccount,
        WebhookObject::Page,
        WebhookObject::Instagram,
        WebhookObject::User,
    ];

    /// The name in payloads and subscriptions (`whatsapp_business_account`).
    pub fn name(self) -> &'static str {
        match self {
            WebhookObject::Instagram => "instagram",
            WebhookObject::Page => "page",
            WebhookObject::User => "user",
            WebhookObject::WhatsappBusinessAccount => "whatsapp_business_account",
        }
    }

    pub fn parse(name: &str) -> Option<WebhookObject> {
        Self::ALL.into_iter().find(|object| object.name() == name)
    }

    /// `whatsapp_business_account, page, instagram, user`, for error messages.
    pub fn names() -> String {
        Self::ALL.map(WebhookObject::name).join(", ")
    }
}

impl std::fmt::Display for WebhookObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Fields an app may subscribe to, per object.
pub fn known_fields(object: WebhookObject) -> &'static [&'static str] {
    match object {
        WebhookObject::WhatsappBusinessAccount => &[
            "messages",
            "message_template_status_update",
            "message_template_quality_update",
            "message_template_components_update",
            "template_category_update",
            "account_update",
            "account_review_update",
            "account_alerts",
            "account_settings_update",
            "phone_number_name_update",
            "phone_number_quality_update",
            "business_capability_update",
            "security",
            "flows",
            "user_preferences",
            "history",
            "smb_app_state_sync",
            "smb_message_echoes",
            "group_lifecycle_update",
            "group_participants_update",
            "group_settings_update",
            "group_status_update",
            "calls",
            "business_username_update",
            "partner_solutions",
        ],
        WebhookObject::Page => &[
            "messages",
            "messaging_postbacks",
            "messaging_optins",
            "message_deliveries",
            "message_reads",
            "message_echoes",
            "message_reactions",
            "message_edits",
            "messaging_referrals",
            "messaging_handovers",
            "standby",
            "feed",
            "name",
            "description",
            "hours",
            "phone",
            "email",
            "website",
            "location",
            "category",
        ],
        WebhookObject::Instagram => &[
            "messages",
            "messaging_postbacks",
            "messaging_seen",
            "message_reactions",
            "messaging_referral",
            "messaging_handover",
            "standby",
            "comments",
            "live_comments",
            "mentions",
            "story_insights",
        ],
        WebhookObject::User => &["name", "email", "picture", "feed", "photos"],
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AppSubscription {
    pub object: WebhookObject,
    pub callback_url: String,
    pub verify_token: String,
    pub fields: Vec<String>,
    pub include_values: bool,
    /// False until the verification handshake succeeded.
    pub active: bool,
}

/// app id -> object -> subscription.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Subscriptions(pub BTreeMap<String, BTreeMap<WebhookObject, AppSubscription>>);

impl Sandbox {
    /// Save (or replace) an app's subscription to an object; the new fields are
    /// added to those already subscribed, as on Meta. Inactive until verified.
    /// Returns the subscription it replaced (restored if verification fails).
    pub fn save_subscription(
        &mut self,
        app_id: &str,
        mut subscription: AppSubscription,
    ) -> Option<AppSubscription> {
        let existing = self
            .webhooks
            .subscriptions
            .0
            .entry(app_id.to_owned())
            .or_default();
        let previous = existing.get(&subscription.object).cloned();
        if let Some(old) = &previous {
            for field in &old.fields {
                if !subscription.fields.contains(field) {
                    subscription.fields.push(field.clone());
                }
            }
        }
        subscription.fields.sort();
        subscription.fields.dedup();
        existing.insert(subscription.object, subscription);
        previous
    }

    /// Mark the subscription verified, or put back what it replaced.
    pub fn settle_subscription(
        &mut self,
        app_id: &str,
        object: WebhookObject,
        verified: bool,
        previous: Option<AppSubscription>,
    ) {
        let Some(objects) = self.webhooks.subscriptions.0.get_mut(app_id) else {
            return;
        };
        match (verified, previous) {
            (true, _) => {
                if let Some(subscription) = objects.get_mut(&object) {
                    subscription.active = true;
                }
            }
            (false, Some(previous)) => {
                objects.insert(object, previous);
            }
            (false, None) => {
                objects.remove(&object);
            }
        }
    }

    /// Remove fields (or the whole object, or everything) from an app's subscriptions.
    pub fn remove_subscription(
        &mut self,
        app_id: &str,
        object: Option<WebhookObject>,
        fields: Option<&[String]>,
    ) {
        let Some(objects) = self.webhooks.subscriptions.0.get_mut(app_id) else {
            return;
        };
        match (object, fields) {
            (None, _) => objects.clear(),
            (Some(object), None) => {
                objects.remove(&object);
            }
            (Some(object), Some(fields)) => {
                if let Some(subscription) = objects.get_mut(&object) {
                    subscription.fields.retain(|f| !fields.contains(f));
                    if subscription.fields.is_empty() {
                        objects.remove(&object);
                    }
                }
            }
        }
    }

    /// The active subscription of an app to an object that includes `field`.
    pub fn subscription_for(
        &self,
        app_id: &str,
        object: WebhookObject,
        field: &str,
    ) -> Option<&AppSubscription> {
        self.webhooks
            .subscriptions
            .0
            .get(app_id)?
            .get(&object)
            .filter(|s| s.active && s.fields.iter().any(|f| f == field))
    }
}
