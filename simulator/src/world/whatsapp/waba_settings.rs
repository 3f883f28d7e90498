//! What the owner of a WABA changes with `POST /{waba-id}`: its name and
//! time zone, template analytics (`is_enabled_for_insights`), marketing
//! templates on the Cloud API, template auto-archival, the purchase order
//! number, and the WABA-level creative optimisations of marketing templates.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::templates::details::check_degrees_of_freedom;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The longest WABA name Meta takes.
pub const NAME_MAX: usize = 100;
/// The longest purchase order number metasim keeps.
pub const PURCHASE_ORDER_MAX: usize = 128;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WabaSettings {
    /// Template analytics are on (`POST /{waba-id}` `is_enabled_for_insights=true`).
    #[serde(default)]
    pub is_enabled_for_insights: bool,
    /// Marketing templates only through the MM Lite API, not `/messages`.
    #[serde(default)]
    pub disable_marketing_messages_on_cloud_api: bool,
    /// Unused templates are archived automatically (Meta's default: on).
    #[serde(default = "on")]
    pub template_auto_archival_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_order_number: Option<String>,
    /// `{"creative_features_spec": [...]}` for the WABA's marketing templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degrees_of_freedom_spec: Option<Value>,
}

fn on() -> bool {
    true
}

impl Default for WabaSettings {
    fn default() -> Self {
        Self {
            is_enabled_for_insights: false,
            disable_marketing_messages_on_cloud_api: false,
            template_auto_archival_enabled: on(),
            purchase_order_number: None,
            degrees_of_freedom_spec: None,
        }
    }
}

/// A partial update of a WABA; `None` leaves a value alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WabaUpdate {
    pub name: Option<String>,
    pub timezone_id: Option<String>,
    pub is_enabled_for_insights: Option<bool>,
    pub disable_marketing_messages_on_cloud_api: Option<bool>,
    pub template_auto_archival_enabled: Option<bool>,
    pub purchase_order_number: Option<String>,
    pub degrees_of_freedom_spec: Option<Value>,
}

impl WabaUpdate {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    fn check(&self) -> Result<(), Invalid> {
        if self.is_empty() {
            return Err(Invalid::new(
                "name",
                "Nothing to update: give name, timezone_id, is_enabled_for_insights, disable_marketing_messages_on_cloud_api, template_auto_archival_enabled, purchase_order_number or degrees_of_freedom_spec",
            ));
        }
        if let Some(name) = &self.name
            && (name.trim().is_empty() || name.chars().count() > NAME_MAX)
        {
            return Err(Invalid::new(
                "name",
                format!("Param name must be 1 to {NAME_MAX} characters long"),
            ));
        }
        if let Some(zone) = &self.timezone_id
            && zone.parse::<u16>().map_or(true, |id| id > 999)
        {
            return Err(Invalid::new(
                "timezone_id",
                format!("Param timezone_id must be a time zone id (0 to 999) - got \"{zone}\"."),
            ));
        }
        if let Some(number) = &self.purchase_order_number
            && number.chars().count() > PURCHASE_ORDER_MAX
        {
            return Err(Invalid::new(
                "purchase_order_number",
                format!(
                    "Param purchase_order_number must be at most {PURCHASE_ORDER_MAX} characters long"
                ),
            ));
        }
        check_degrees_of_freedom(self.degrees_of_freedom_spec.as_ref())
    }
}

impl Sandbox {
    /// Apply a checked update to a WABA (the caller knows it exists).
    pub fn update_waba(&mut self, waba_id: &str, update: WabaUpdate) -> Result<(), Invalid> {
        update.check()?;
        let Some(waba) = self.whatsapp.wabas.get_mut(waba_id) else {
            return Ok(());
        };
        if let Some(name) = update.name {
            waba.name = name;
        }
        if let Some(zone) = update.timezone_id {
            waba.timezone_id = zone;
        }
        let settings = &mut waba.settings;
        if let Some(on) = update.is_enabled_for_insights {
            settings.is_enabled_for_insights = on;
        }
        if let Some(on) = update.disable_marketing_messages_on_cloud_api {
            settings.disable_marketing_messages_on_cloud_api = on;
        }
        if let Some(on) = update.template_auto_archival_enabled {
            settings.template_auto_archival_enabled = on;
        }
        if let Some(number) = update.purchase_order_number {
            settings.purchase_order_number = (!number.is_empty()).then_some(number);
        }
        if let Some(spec) = update.degrees_of_freedom_spec {
            settings.degrees_of_freedom_spec = Some(spec);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use serde_json::json;

    #[test]
    fn updates_are_checked_and_partial() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let waba = sandbox.handles["waba"].clone();
        let refused = |update: WabaUpdate| {
            let mut copy = sandbox.clone();
            copy.update_waba(&waba, update).unwrap_err().field
        };
        assert_eq!(refused(WabaUpdate::default()), "name");
        let long = WabaUpdate {
            name: Some("x".repeat(NAME_MAX + 1)),
            ..WabaUpdate::default()
        };
        assert_eq!(refused(long), "name");
        let zone = WabaUpdate {
            timezone_id: Some("Europe/Oslo".into()),
            ..WabaUpdate::default()
        };
        assert_eq!(refused(zone), "timezone_id");
        let spec = WabaUpdate {
            degrees_of_freedom_spec: Some(json!({})),
            ..WabaUpdate::default()
        };
        assert_eq!(refused(spec), "degrees_of_freedom_spec");
        let update = WabaUpdate {
            timezone_id: Some("42".into()),
            is_enabled_for_insights: Some(true),
            ..WabaUpdate::default()
        };
        sandbox.update_waba(&waba, update).unwrap();
        let updated = &sandbox.whatsapp.wabas[&waba];
        assert_eq!(
            (updated.name.as_str(), updated.timezone_id.as_str()),
            ("Lucky Shrub", "42")
        );
        assert!(updated.settings.is_enabled_for_insights);
        assert!(updated.settings.template_auto_archival_enabled);
    }
}
