//! WhatsApp Business Accounts (WABAs), the apps subscribed to their
//! webhooks, and their business phone numbers: plain data.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::world::accounts::App;
use crate::world::sandbox::Sandbox;
use crate::world::webhooks::handshakes::HandshakeTarget;
use crate::world::webhooks::subscriptions::WebhookObject;

use super::billing::WabaBilling;
use super::profile::BusinessProfile;
use super::registration::Verification;
use super::settings::PhoneSettings;
use super::waba_settings::WabaSettings;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Waba {
    pub id: String,
    pub name: String,
    pub business_id: String,
    pub currency: String,
    pub timezone_id: String,
    pub country: String,
    pub message_template_namespace: String,
    pub account_review_status: String,
    pub ownership_type: String,
    /// Apps subscribed to this WABA's webhooks, in subscription order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscribed_apps: Vec<WabaSubscription>,
    /// When the WABA was created (virtual clock).
    #[serde(default)]
    pub creation_time: i64,
    /// What the owner switches with `POST /{waba-id}`.
    #[serde(default)]
    pub settings: WabaSettings,
    /// Whether the WABA can pay for business-initiated messages.
    #[serde(default)]
    pub billing: WabaBilling,
}

/// An app's subscription to a WABA's webhooks, with the WABA-level callback
/// override Meta allows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WabaSubscription {
    pub app_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_callback_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PhoneNumber {
    pub id: String,
    pub waba_id: String,
    /// As shown to people, e.g. `+1 555-010-0001`.
    pub display_phone_number: String,
    /// E.164 digits without `+`, e.g. `15550100001`.
    pub digits: String,
    pub verified_name: String,
    pub code_verification_status: String,
    pub name_status: String,
    pub quality_rating: String,
    pub platform_type: String,
    pub status: String,
    pub throughput_level: String,
    pub messaging_limit_tier: String,
    pub account_mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    pub is_official_business_account: bool,
    /// Codes, limits and PIN guesses of the verification and registration steps.
    #[serde(default)]
    pub verification: Verification,
    /// What consumers see about the business.
    #[serde(default)]
    pub profile: BusinessProfile,
    #[serde(default)]
    pub settings: PhoneSettings,
}

impl PhoneNumber {
    /// A number as it is first added: unverified, pending, not on the Cloud API.
    pub fn added(
        id: String,
        waba_id: &str,
        display_phone_number: String,
        digits: String,
        verified_name: &str,
    ) -> Self {
        Self {
            id,
            waba_id: waba_id.to_owned(),
            display_phone_number,
            digits,
            verified_name: verified_name.to_owned(),
            code_verification_status: "NOT_VERIFIED".into(),
            name_status: "AVAILABLE_WITHOUT_REVIEW".into(),
            quality_rating: "UNKNOWN".into(),
            platform_type: "NOT_APPLICABLE".into(),
            status: "PENDING".into(),
            throughput_level: "NOT_APPLICABLE".into(),
            messaging_limit_tier: "TIER_NOT_SET".into(),
            account_mode: "LIVE".into(),
            pin: None,
            is_official_business_account: false,
            verification: Verification::default(),
            profile: BusinessProfile::default(),
            settings: PhoneSettings::default(),
        }
    }

    pub fn is_registered(&self) -> bool {
        self.platform_type == "CLOUD_API"
    }
}

impl Sandbox {
    /// Whether the number exists and is registered with the Cloud API.
    pub fn phone_is_registered(&self, phone_number_id: &str) -> bool {
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|phone| phone.is_registered())
    }

    /// The app's subscription to a WABA's webhooks, if any.
    pub fn waba_subscription(&self, waba_id: &str, app_id: &str) -> Option<&WabaSubscription> {
        self.whatsapp
            .wabas
            .get(waba_id)?
            .subscribed_apps
            .iter()
            .find(|s| s.app_id == app_id)
    }

    /// Subscribe the app to the WABA's webhooks (replacing its previous
    /// subscription). A callback override is checked by Meta's handshake
    /// first: until it answers, and if it fails, the previous one stays.
    pub fn subscribe_app_to_waba(&mut self, waba_id: &str, subscription: WabaSubscription) {
        if let (Some(uri), Some(verify)) = (
            subscription.override_callback_uri.clone(),
            subscription.verify_token.clone(),
        ) {
            let target = HandshakeTarget::WabaOverride {
                waba_id: waba_id.to_owned(),
                app_id: subscription.app_id.clone(),
                previous: self
                    .waba_subscription(waba_id, &subscription.app_id)
                    .cloned(),
            };
            self.request_handshake(target, &uri, &verify);
        }
        let Some(waba) = self.whatsapp.wabas.get_mut(waba_id) else {
            return;
        };
        match waba
            .subscribed_apps
            .iter_mut()
            .find(|s| s.app_id == subscription.app_id)
        {
            Some(existing) => *existing = subscription,
            None => waba.subscribed_apps.push(subscription),
        }
    }

    /// `{"data": [{"whatsapp_business_api_data": {"id", "link", "name"},
    /// "override_callback_uri"?}]}`: the apps subscribed to the WABA's
    /// webhooks, as `GET /{waba-id}/subscribed_apps` and the WABA's
    /// `subscribed_apps` field answer.
    pub fn waba_subscribed_apps(&self, waba_id: &str) -> Value {
        let subscriptions = self
            .whatsapp
            .wabas
            .get(waba_id)
            .map_or(&[][..], |waba| &waba.subscribed_apps);
        let data: Vec<Value> = subscriptions
            .iter()
            .map(|subscription| {
                let app_id = &subscription.app_id;
                let mut item = json!({ "whatsapp_business_api_data": {
                    "id": app_id,
                    "link": App::link(app_id),
                    "name": self.accounts.app_name(app_id),
                }});
                if let Some(uri) = &subscription.override_callback_uri {
                    item["override_callback_uri"] = json!(uri);
                }
                item
            })
            .collect();
        json!({ "data": data })
    }

    /// A number's `webhook_configuration` as the app sees it: where that
    /// app's WhatsApp webhooks go — the number's override, the WABA's and
    /// the app's own callback URL — each only when set.
    pub fn webhook_configuration(&self, phone_number_id: &str, app_id: &str) -> Option<Value> {
        let phone = self.whatsapp.phone_numbers.get(phone_number_id)?;
        let mut configuration = serde_json::Map::new();
        if let Some(phone_override) = self.phone_override(phone_number_id, app_id) {
            configuration.insert(
                "phone_number".into(),
                json!(phone_override.override_callback_uri),
            );
        }
        if let Some(uri) = self
            .waba_subscription(&phone.waba_id, app_id)
            .and_then(|s| s.override_callback_uri.clone())
        {
            configuration.insert("whatsapp_business_account".into(), json!(uri));
        }
        if let Some(app) = self
            .webhooks
            .subscriptions
            .0
            .get(app_id)
            .and_then(|objects| objects.get(&WebhookObject::WhatsappBusinessAccount))
            .filter(|s| s.active)
        {
            configuration.insert("application".into(), json!(app.callback_url));
        }
        Some(Value::Object(configuration))
    }

    /// The app leaves the WABA's webhooks.
    pub fn unsubscribe_app_from_waba(&mut self, waba_id: &str, app_id: &str) {
        if let Some(waba) = self.whatsapp.wabas.get_mut(waba_id) {
            waba.subscribed_apps.retain(|s| s.app_id != app_id);
        }
    }
}
