//! A business number's commerce settings
//! (`/{phone-number-id}/whatsapp_commerce_settings`): whether the cart is
//! enabled and the catalog visible in the chat. Meta's defaults: cart on,
//! catalog hidden.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::world::ids::derived_digits;
use crate::world::sandbox::Sandbox;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommerceSettings {
    pub is_cart_enabled: bool,
    pub is_catalog_visible: bool,
}

impl Default for CommerceSettings {
    fn default() -> Self {
        Self {
            is_cart_enabled: true,
            is_catalog_visible: false,
        }
    }
}

/// phone number id -> its commerce settings (once changed).
pub type CommerceSettingsByPhone = BTreeMap<String, CommerceSettings>;

impl Sandbox {
    /// Change the cart and/or catalog switches.
    pub fn set_commerce_settings(
        &mut self,
        phone_number_id: &str,
        cart: Option<bool>,
        catalog: Option<bool>,
    ) {
        let settings = self
            .whatsapp
            .commerce
            .entry(phone_number_id.to_owned())
            .or_default();
        if let Some(on) = cart {
            settings.is_cart_enabled = on;
        }
        if let Some(on) = catalog {
            settings.is_catalog_visible = on;
        }
    }

    /// `{"data": [{"is_cart_enabled", "is_catalog_visible", "id"}]}`; the id
    /// is the settings object's, derived from the number.
    pub fn commerce_settings_json(&self, phone_number_id: &str) -> Value {
        let settings = self
            .whatsapp
            .commerce
            .get(phone_number_id)
            .copied()
            .unwrap_or_default();
        json!({ "data": [{
            "is_cart_enabled": settings.is_cart_enabled,
            "is_catalog_visible": settings.is_catalog_visible,
            "id": derived_digits(&["commerce_settings", phone_number_id], 15),
        }]})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn defaults_then_partial_changes() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        assert_eq!(
            sandbox.commerce_settings_json(&phone)["data"][0]["is_cart_enabled"],
            true
        );
        sandbox.set_commerce_settings(&phone, None, Some(true));
        let shown = &sandbox.commerce_settings_json(&phone)["data"][0];
        assert_eq!(
            (
                shown["is_cart_enabled"].clone(),
                shown["is_catalog_visible"].clone()
            ),
            (json!(true), json!(true))
        );
    }
}
