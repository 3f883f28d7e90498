//! The WhatsApp part of a fixture: WABAs with their phone numbers (registered
//! or not, with a business profile) and templates, and the consumers.

use serde::{Deserialize, Serialize};

use super::billing::WabaBilling;
use super::consumers::ConsumerError;
use super::profile::BusinessProfile;
use super::registration::Verification;
use super::templates::Template;
use super::templates::lifecycle::parameter_format;
use super::{PhoneNumber, Waba};
use crate::world::fixture::FixtureError;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::{is_e164_length, phone_digits};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WabaFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// Handle of the owning business portfolio.
    pub business: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Whether a valid payment method pays for business-initiated
    /// messages (without one they fail with 131042).
    #[serde(default = "yes")]
    pub payment_method: bool,
    #[serde(default)]
    pub phone_numbers: Vec<PhoneNumberFixture>,
    #[serde(default)]
    pub templates: Vec<TemplateFixture>,
}

/// A message template that already exists in the WABA.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TemplateFixture {
    pub name: String,
    #[serde(default = "default_language")]
    pub language: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    #[serde(default = "default_template_status")]
    pub status: String,
    /// Components as Meta's create call takes them.
    pub components: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

fn default_language() -> String {
    "en_US".to_owned()
}

fn default_template_status() -> String {
    "APPROVED".to_owned()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PhoneNumberFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// As Meta shows it, e.g. `+1 555-010-0001`.
    pub display_phone_number: String,
    pub verified_name: String,
    /// Verified by code and registered with the Cloud API (ready to send).
    #[serde(default)]
    pub registered: bool,
    /// Two-step verification PIN (6 digits) when registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_rating: Option<String>,
    /// The WhatsApp business profile consumers see.
    #[serde(default)]
    pub profile: BusinessProfile,
    /// On Meta's Groups API allowlist: may use groups without being an
    /// Official Business Account.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub groups_allowlisted: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConsumerFixture {
    pub handle: String,
    /// E.164 digits without `+`.
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default = "yes")]
    pub on_whatsapp: bool,
    /// A WhatsApp username (3–35 of `a-z 0-9 . _`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

fn yes() -> bool {
    true
}

impl Sandbox {
    pub(crate) fn load_wabas(&mut self, wabas: &[WabaFixture]) -> Result<(), FixtureError> {
        for (i, waba) in wabas.iter().enumerate() {
            self.load_waba(&format!("whatsapp_business_accounts[{i}]"), waba)?;
        }
        Ok(())
    }

    fn load_waba(&mut self, place: &str, waba: &WabaFixture) -> Result<(), FixtureError> {
        let business_id = self.resolve_handle(
            &waba.business,
            &[NodeKind::Business],
            &format!("{place}.business"),
        )?;
        let id = self.fixture_node(NodeKind::WhatsappBusinessAccount, waba.id.as_deref(), place)?;
        self.name_handle(&waba.handle, &id, place)?;
        let namespace = {
            let hex = self.ids.app_secret("template-namespace");
            format!(
                "{}_{}_{}_{}_{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..32]
            )
        };
        let built = Waba {
            id: id.clone(),
            name: waba.name.clone(),
            business_id,
            currency: waba.currency.clone().unwrap_or_else(|| "USD".to_owned()),
            timezone_id: waba.timezone_id.clone().unwrap_or_else(|| "1".to_owned()),
            country: waba.country.clone().unwrap_or_else(|| "US".to_owned()),
            message_template_namespace: namespace,
            account_review_status: "APPROVED".to_owned(),
            ownership_type: "SELF".to_owned(),
            subscribed_apps: Vec::new(),
            creation_time: self.clock.now(),
            settings: Default::default(),
            billing: WabaBilling {
                payment_method: waba.payment_method,
                credit_line: None,
            },
        };
        self.whatsapp.wabas.insert(id.clone(), Box::new(built));
        for (p, phone) in waba.phone_numbers.iter().enumerate() {
            self.load_phone_number(&format!("{place}.phone_numbers[{p}]"), &id, phone)?;
        }
        for (t, template) in waba.templates.iter().enumerate() {
            let place = format!("{place}.templates[{t}]");
            let template_id =
                self.fixture_node(NodeKind::MessageTemplate, template.id.as_deref(), &place)?;
            let built = Template {
                id: template_id.clone(),
                waba_id: id.clone(),
                name: template.name.clone(),
                language: template.language.clone(),
                category: template.category.clone(),
                status: template.status.clone(),
                components: template.components.clone(),
                parameter_format: parameter_format(&template.components),
                rejected_reason: None,
                review_due: None,
                created_seq: self.whatsapp.templates.len() as u64 + 1,
                created_at: 0,
                details: Default::default(),
            };
            self.whatsapp.templates.insert(template_id, Box::new(built));
        }
        Ok(())
    }

    fn load_phone_number(
        &mut self,
        place: &str,
        waba_id: &str,
        phone: &PhoneNumberFixture,
    ) -> Result<(), FixtureError> {
        let digits = phone_digits(&phone.display_phone_number);
        if !is_e164_length(&digits) {
            return Err(FixtureError::at(
                format!("{place}.display_phone_number"),
                format!(
                    "expected an E.164 number, got {:?}",
                    phone.display_phone_number
                ),
            ));
        }
        if let Some(pin) = &phone.pin
            && (pin.len() != 6 || !pin.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(FixtureError::at(
                format!("{place}.pin"),
                "expected 6 digits",
            ));
        }
        let phone_id = self.fixture_node(NodeKind::PhoneNumber, phone.id.as_deref(), place)?;
        self.name_handle(&phone.handle, &phone_id, place)?;
        let registered = phone.registered;
        let state = |yes: &str, no: &str| if registered { yes } else { no }.to_owned();
        let built = PhoneNumber {
            id: phone_id.clone(),
            waba_id: waba_id.to_owned(),
            display_phone_number: phone.display_phone_number.clone(),
            digits,
            verified_name: phone.verified_name.clone(),
            code_verification_status: state("VERIFIED", "NOT_VERIFIED"),
            name_status: state("APPROVED", "PENDING_REVIEW"),
            quality_rating: phone
                .quality_rating
                .clone()
                .unwrap_or_else(|| state("GREEN", "UNKNOWN")),
            platform_type: state("CLOUD_API", "NOT_APPLICABLE"),
            status: state("CONNECTED", "PENDING"),
            throughput_level: state("STANDARD", "NOT_APPLICABLE"),
            messaging_limit_tier: state("TIER_1K", "TIER_NOT_SET"),
            account_mode: "LIVE".to_owned(),
            pin: if registered { phone.pin.clone() } else { None },
            is_official_business_account: false,
            verification: Verification::default(),
            profile: phone.profile.clone(),
            settings: Default::default(),
        };
        let now = self.clock.now();
        self.whatsapp.added_at.insert(phone_id.clone(), now);
        if phone.groups_allowlisted {
            self.whatsapp.groups_allowlist.insert(phone_id.clone());
        }
        self.whatsapp
            .phone_numbers
            .insert(phone_id, Box::new(built));
        Ok(())
    }

    pub(crate) fn load_consumers(
        &mut self,
        consumers: &[ConsumerFixture],
    ) -> Result<(), FixtureError> {
        for (i, consumer) in consumers.iter().enumerate() {
            let place = format!("whatsapp_consumers[{i}]");
            let created = self
                .create_consumer(
                    &consumer.phone,
                    consumer.name.clone(),
                    consumer.on_whatsapp,
                    consumer.username.clone(),
                )
                .map_err(|error| match error {
                    ConsumerError::InvalidPhone(phone) => FixtureError::at(
                        format!("{place}.phone"),
                        format!("expected an E.164 number (8 to 15 digits), got {phone:?}"),
                    ),
                    ConsumerError::Exists(phone) => {
                        FixtureError::at(format!("{place}.phone"), format!("{phone} is used twice"))
                    }
                    ConsumerError::InvalidUsername(name) => FixtureError::at(
                        format!("{place}.username"),
                        format!("{name:?} is not a WhatsApp username (3-35 of a-z 0-9 . _)"),
                    ),
                })?;
            self.name_handle(&consumer.handle, &created.phone, &place)?;
        }
        Ok(())
    }
}
