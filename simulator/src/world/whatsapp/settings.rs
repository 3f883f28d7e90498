//! Phone number settings (`/{phone-number-id}/settings`): calling, the
//! identity-change check, payload encryption and local storage. One feature
//! changes per update, as Meta requires. Callback permissions and SIP, the
//! calling settings with rules of their own, are in `call_settings.rs`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::call_codecs::{AudioCodec, additional_codecs};
use super::call_hours::CallHours;
use super::call_icons::{check_srtp_with_sip, icon_countries, icon_visibility, srtp_protocol};
use super::call_media::{ip_addresses_json, video_flag};
use super::call_settings::{SipSettings, enabled_flag, updated_sip};
use super::payload_encryption::{client_key, cloud_key};
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

fn is_false(flag: &bool) -> bool {
    !flag
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PhoneSettings {
    pub calling: String,
    pub call_icon_visibility: String,
    /// `callback_permission_status`: a user's call grants a permission to call back.
    #[serde(default, skip_serializing_if = "is_false")]
    pub callback_permission: bool,
    #[serde(default, skip_serializing_if = "SipSettings::is_default")]
    pub sip: SipSettings,
    /// `call_hours`, once an update gave them (`call_hours.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_hours: Option<CallHours>,
    /// `call_icons.restrict_to_user_countries` (`call_icons.rs`); empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub call_icon_countries: Vec<String>,
    /// `srtp_key_exchange_protocol` (`DTLS`/`SDES`), once an update gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srtp_key_exchange_protocol: Option<String>,
    /// `video.status` (`call_media.rs`), once an update gave it; disabled until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<bool>,
    /// `audio.additional_codecs` (`call_codecs.rs`): G.711 beside Opus.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_codecs: Vec<AudioCodec>,
    pub identity_key_check: bool,
    pub payload_encryption: String,
    /// `payload_encryption.client_encryption_key` while encryption is on:
    /// the client's RSA public key (PEM), which `messages_encrypted` answers
    /// are encrypted to (`payload_encryption/client_key.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_encryption_key: Option<String>,
    /// The data-localization region when local storage is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_region: Option<String>,
}

impl Default for PhoneSettings {
    fn default() -> Self {
        Self {
            calling: "disabled".into(),
            call_icon_visibility: "visible".into(),
            callback_permission: false,
            sip: SipSettings::default(),
            call_hours: None,
            call_icon_countries: Vec::new(),
            srtp_key_exchange_protocol: None,
            video: None,
            additional_codecs: Vec::new(),
            identity_key_check: false,
            payload_encryption: "disabled".into(),
            client_encryption_key: None,
            storage_region: None,
        }
    }
}

/// The features an update may change (exactly one at a time).
pub const FEATURES: [&str; 4] = [
    "calling",
    "user_identity_change",
    "payload_encryption",
    "storage_configuration",
];

fn enabled_or_disabled(value: Option<&Value>, path: &str) -> Result<String, Invalid> {
    let enabled = enabled_flag(value, path)?;
    Ok(if enabled { "enabled" } else { "disabled" }.to_owned())
}

/// A status as the v23 spec writes it (`enabled`/`disabled`).
fn spec_status(enabled: bool) -> &'static str {
    if enabled { "enabled" } else { "disabled" }
}

fn flag(value: Option<&Value>, path: &str) -> Result<bool, Invalid> {
    value.and_then(Value::as_bool).ok_or_else(|| {
        Invalid::new(
            path,
            format!("The parameter {path} is required and must be a boolean."),
        )
    })
}

impl PhoneSettings {
    /// Into `calling`: `call_hours` (its status written by `status_case`),
    /// `call_icons`, `srtp_key_exchange_protocol`, `video` and
    /// `audio.additional_codecs`, each once set.
    pub fn put_calling_extras(&self, calling: &mut Value, status_case: fn(bool) -> &'static str) {
        if let Some(hours) = &self.call_hours {
            calling["call_hours"] = hours.to_json(status_case);
        }
        if !self.call_icon_countries.is_empty() {
            calling["call_icons"] =
                json!({ "restrict_to_user_countries": self.call_icon_countries });
        }
        if let Some(protocol) = &self.srtp_key_exchange_protocol {
            calling["srtp_key_exchange_protocol"] = json!(protocol);
        }
        if let Some(video) = self.video {
            calling["video"] = json!({ "status": status_case(video) });
        }
        if !self.additional_codecs.is_empty() {
            let names: Vec<&str> = self.additional_codecs.iter().map(|c| c.name()).collect();
            calling["audio"]["additional_codecs"] = json!(names);
        }
    }

    /// The settings as `GET /{phone-number-id}/settings` shows them.
    pub fn to_json(&self) -> Value {
        let storage = match &self.storage_region {
            Some(region) => {
                json!({ "status": "in_country_storage_enabled", "data_localization_region": region })
            }
            None => json!({ "status": "default" }),
        };
        let mut calling = json!({
            "status": self.calling,
            "call_icon_visibility": self.call_icon_visibility,
            "callback_permission_status": if self.callback_permission { "enabled" } else { "disabled" },
            "ip_addresses": ip_addresses_json(),
            // Audio is the call itself: on whenever calling is (and its
            // additional codecs are added below once set).
            "audio": { "status": self.calling },
        });
        self.put_calling_extras(&mut calling, spec_status);
        calling["video"] = json!({ "status": spec_status(self.video == Some(true)) });
        json!({
            "calling": calling,
            "user_identity_change": { "enable_identity_key_check": self.identity_key_check },
            "payload_encryption": self.payload_encryption_json(),
            "storage_configuration": storage,
        })
    }

    /// The status, and while encryption is on the fingerprint of the
    /// client's key and the key a client encrypts its `messages_encrypted`
    /// requests to (metasim's published test key).
    fn payload_encryption_json(&self) -> Value {
        if self.payload_encryption != "enabled" {
            return json!({ "status": self.payload_encryption });
        }
        let mut shown =
            json!({ "status": "enabled", "cloud_encryption_key": cloud_key::settings_value() });
        let client = self.client_encryption_key.as_deref();
        let key = client.and_then(|pem| client_key::parse_pem(pem).ok());
        if let Some(fingerprint) = key.as_ref().and_then(client_key::fingerprint) {
            shown["client_encryption_key_fingerprint"] = json!(fingerprint);
        }
        shown
    }

    /// A kept client key is an RSA key of 2048–4096 bits, and kept only
    /// while payload encryption is on (checked when a snapshot is restored).
    pub fn check_client_key(&self, place: &str) -> Result<(), Invalid> {
        let Some(pem) = &self.client_encryption_key else {
            return Ok(());
        };
        let refused = |why: &str| Err(Invalid::new(place, format!("{place}: {why}")));
        if self.payload_encryption != "enabled" {
            return refused("kept while payload encryption is disabled");
        }
        match client_key::parse_pem(pem) {
            Ok(_) => Ok(()),
            Err(_) => refused("not a PEM-encoded RSA public key of 2048 to 4096 bits"),
        }
    }

    /// Apply one feature's update from the app `app_id` (whose SIP server a
    /// `calling.sip` names); the error is Meta's parameter message, and a
    /// refused update changes nothing.
    pub fn update(&mut self, feature: &str, value: &Value, app_id: &str) -> Result<(), Invalid> {
        match feature {
            "calling" => self.update_calling(value, app_id)?,
            "user_identity_change" => {
                // Meta's documentation and SDKs say `enable_identity_key_check`;
                // the v23 spec says `enabled`: both are taken.
                self.identity_key_check = flag(
                    value
                        .get("enable_identity_key_check")
                        .or_else(|| value.get("enabled")),
                    "user_identity_change['enable_identity_key_check']",
                )?;
            }
            "payload_encryption" => {
                let status =
                    enabled_or_disabled(value.get("status"), "payload_encryption['status']")?;
                // Required to turn encryption on (Meta's spec); turning it
                // off forgets the key, and a key sent with it is not read.
                self.client_encryption_key = if status == "enabled" {
                    Some(client_key::from_setting(
                        value.get("client_encryption_key"),
                    )?)
                } else {
                    None
                };
                self.payload_encryption = status;
            }
            "storage_configuration" => {
                let enabled = flag(value.get("enabled"), "storage_configuration['enabled']")?;
                self.storage_region = if enabled {
                    let region = value
                        .get("region")
                        .and_then(Value::as_str)
                        .filter(|r| r.len() == 2);
                    let region = region.ok_or_else(|| {
                        Invalid::new(
                            "storage_configuration['region']",
                            "Param storage_configuration['region'] must be a two-letter region code.",
                        )
                    })?;
                    Some(region.to_owned())
                } else {
                    None
                };
            }
            other => return Err(Invalid::new(other, format!("Unknown setting {other}"))),
        }
        Ok(())
    }
}

impl PhoneSettings {
    /// The `calling` feature: `status` (required unless the update names
    /// another calling setting), `call_icon_visibility`, `call_icons`,
    /// `callback_permission_status`, `sip`, `call_hours`,
    /// `srtp_key_exchange_protocol`, `video`, `audio`; checked whole
    /// before any applies.
    fn update_calling(&mut self, value: &Value, app_id: &str) -> Result<(), Invalid> {
        let names_more = [
            "callback_permission_status",
            "sip",
            "call_hours",
            "call_icon_visibility",
            "call_icons",
            "srtp_key_exchange_protocol",
            "video",
            "audio",
        ]
        .iter()
        .any(|key| value.get(key).is_some());
        let status = match value.get("status") {
            None if names_more => None,
            status => Some(enabled_or_disabled(status, "calling['status']")?),
        };
        let visibility = value
            .get("call_icon_visibility")
            .map(icon_visibility)
            .transpose()?;
        let countries = value.get("call_icons").map(icon_countries).transpose()?;
        let srtp = value
            .get("srtp_key_exchange_protocol")
            .map(srtp_protocol)
            .transpose()?;
        let callback = value
            .get("callback_permission_status")
            .map(|v| enabled_flag(Some(v), "calling['callback_permission_status']"))
            .transpose()?;
        let sip = value
            .get("sip")
            .map(|sip| updated_sip(&self.sip, sip, app_id))
            .transpose()?;
        let call_hours = value.get("call_hours").map(CallHours::parse).transpose()?;
        let video = value.get("video").map(video_flag).transpose()?;
        let codecs = value.get("audio").map(additional_codecs).transpose()?;
        check_srtp_with_sip(
            srtp.or(self.srtp_key_exchange_protocol.as_deref()),
            sip.as_ref().unwrap_or(&self.sip).enabled,
        )?;
        if let Some(status) = status {
            self.calling = status;
        }
        if let Some(visibility) = visibility {
            self.call_icon_visibility = visibility.to_owned();
        }
        if let Some(countries) = countries {
            self.call_icon_countries = countries;
        }
        if let Some(srtp) = srtp {
            self.srtp_key_exchange_protocol = Some(srtp.to_owned());
        }
        if let Some(callback) = callback {
            self.callback_permission = callback;
        }
        if let Some(sip) = sip {
            self.sip = sip;
        }
        if call_hours.is_some() {
            self.call_hours = call_hours;
        }
        if video.is_some() {
            self.video = video;
        }
        if let Some(codecs) = codecs {
            self.additional_codecs = codecs;
        }
        Ok(())
    }
}

impl Sandbox {
    /// Change one feature of a number's settings; a change of its calling
    /// settings sends `account_settings_update` (`settings_webhook.rs`).
    pub fn update_phone_settings(
        &mut self,
        phone_number_id: &str,
        feature: &str,
        value: &Value,
        app_id: &str,
    ) -> Result<(), Invalid> {
        let Some(phone) = self.whatsapp.phone_numbers.get_mut(phone_number_id) else {
            return Err(Invalid::new(
                "phone_number_id",
                format!("unknown phone number {phone_number_id}"),
            ));
        };
        let before = phone.settings.calling_as_meta_writes(app_id);
        phone.settings.update(feature, value, app_id)?;
        self.calling_settings_changed(phone_number_id, &before, app_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_encryption_takes_a_client_key_to_turn_on_and_forgets_it_when_off() {
        use base64::Engine as _;
        let pem = cloud_key::public_pem();
        let key = base64::engine::general_purpose::STANDARD.encode(pem);
        let mut settings = PhoneSettings::default();
        let on = json!({"status": "enabled"});
        let refused = settings.update("payload_encryption", &on, "app");
        assert!(refused.unwrap_err().message.contains("is required"));
        assert_eq!(settings.payload_encryption, "disabled");
        let on = json!({"status": "enabled", "client_encryption_key": key});
        settings.update("payload_encryption", &on, "app").unwrap();
        assert_eq!(settings.client_encryption_key.as_deref(), Some(pem));
        let shown = &settings.to_json()["payload_encryption"];
        let fingerprint = client_key::fingerprint(&client_key::parse_pem(pem).unwrap());
        assert_eq!(
            shown["client_encryption_key_fingerprint"],
            json!(fingerprint)
        );
        assert_eq!(shown["cloud_encryption_key"], cloud_key::settings_value());
        settings.check_client_key("here").unwrap();
        // A bad key changes nothing.
        let bad = json!({"status": "enabled", "client_encryption_key": "@@"});
        assert!(settings.update("payload_encryption", &bad, "app").is_err());
        assert_eq!(settings.client_encryption_key.as_deref(), Some(pem));
        let off = json!({"status": "disabled", "client_encryption_key": "ignored"});
        settings.update("payload_encryption", &off, "app").unwrap();
        assert_eq!(settings.client_encryption_key, None);
        assert_eq!(
            settings.to_json()["payload_encryption"],
            json!({"status": "disabled"})
        );
        // A snapshot may not keep a key while encryption is off, or a bad one.
        settings.client_encryption_key = Some(pem.to_owned());
        assert!(settings.check_client_key("here").is_err());
        settings.payload_encryption = "enabled".into();
        settings.client_encryption_key = Some("-----BEGIN PUBLIC KEY-----".into());
        let refused = settings.check_client_key("here").unwrap_err();
        assert!(
            refused.message.starts_with("here: not a PEM"),
            "{refused:?}"
        );
    }

    #[test]
    fn updates_one_feature_at_a_time() {
        let mut settings = PhoneSettings::default();
        settings
            .update(
                "calling",
                &json!({"status": "enabled", "call_icon_visibility": "hidden"}),
                "app",
            )
            .unwrap();
        settings
            .update(
                "storage_configuration",
                &json!({"enabled": true, "region": "de"}),
                "app",
            )
            .unwrap();
        let shown = settings.to_json();
        assert_eq!(shown["calling"]["status"], "enabled");
        assert_eq!(shown["calling"]["call_icon_visibility"], "hidden");
        assert_eq!(
            shown["storage_configuration"]["data_localization_region"],
            "de"
        );
        assert!(
            settings
                .update("calling", &json!({"status": "maybe"}), "app")
                .is_err()
        );
        assert!(
            settings
                .update("user_identity_change", &json!({}), "app")
                .is_err()
        );
        // A refused calling update changes nothing; callback and SIP need no status.
        let half = json!({"status": "disabled", "call_icon_visibility": "loud"});
        assert!(settings.update("calling", &half, "app").is_err());
        assert_eq!(settings.calling, "enabled");
        let callback = json!({"callback_permission_status": "ENABLED"});
        settings.update("calling", &callback, "app").unwrap();
        assert!(settings.callback_permission);
        assert_eq!(settings.calling, "enabled");
        assert!(settings.update("calling", &json!({}), "app").is_err());
        for key in ["enable_identity_key_check", "enabled"] {
            let mut settings = PhoneSettings::default();
            settings
                .update("user_identity_change", &json!({ key: true }), "app")
                .unwrap();
            assert_eq!(
                settings.to_json()["user_identity_change"],
                json!({ "enable_identity_key_check": true })
            );
        }
        assert!(
            settings
                .update("storage_configuration", &json!({"enabled": true}), "app")
                .is_err()
        );
    }
}
