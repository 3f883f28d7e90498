//! A Page's Messenger profile (`/{page-id}/messenger_profile`): the greeting
//! shown before a conversation starts, the Get Started button, the
//! persistent menu, ice breakers and whitelisted domains — set, read and
//! deleted property by property, with Meta's checks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The properties metasim keeps, in the order Meta lists them.
pub const PROPERTIES: [&str; 5] = [
    "get_started",
    "greeting",
    "ice_breakers",
    "persistent_menu",
    "whitelisted_domains",
];

/// A greeting's longest text.
pub const GREETING_MAX: usize = 160;
/// Ice breakers a Page may offer.
pub const ICE_BREAKERS_MAX: usize = 4;
/// Items of a persistent menu.
pub const MENU_ITEMS_MAX: usize = 20;
/// A postback payload's longest text.
pub const PAYLOAD_MAX: usize = 1000;

/// property -> its value as set.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MessengerProfile(pub BTreeMap<String, Value>);

fn invalid(field: &str, message: impl Into<String>) -> Invalid {
    Invalid::new(field, message)
}

fn text_of<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn check_greeting(value: &Value) -> Result<(), Invalid> {
    let greetings = value
        .as_array()
        .filter(|items| !items.is_empty())
        .ok_or_else(|| invalid("greeting", "param greeting must be a non-empty array"))?;
    for greeting in greetings {
        let text = text_of(greeting, "text")
            .ok_or_else(|| invalid("greeting", "param greeting[text] is required"))?;
        if text.chars().count() > GREETING_MAX {
            return Err(invalid(
                "greeting",
                format!("param greeting[text] must be at most {GREETING_MAX} characters"),
            ));
        }
        if text_of(greeting, "locale").is_none() {
            return Err(invalid("greeting", "param greeting[locale] is required"));
        }
    }
    if !greetings
        .iter()
        .any(|g| text_of(g, "locale") == Some("default"))
    {
        return Err(invalid(
            "greeting",
            "param greeting must include the default locale",
        ));
    }
    Ok(())
}

fn check_payload(field: &str, item: &Value) -> Result<(), Invalid> {
    let payload = text_of(item, "payload")
        .ok_or_else(|| invalid(field, format!("param {field}[payload] is required")))?;
    if payload.is_empty() || payload.chars().count() > PAYLOAD_MAX {
        return Err(invalid(
            field,
            format!("param {field}[payload] must be 1 to {PAYLOAD_MAX} characters"),
        ));
    }
    Ok(())
}

fn check_menu(value: &Value) -> Result<(), Invalid> {
    let menus = value
        .as_array()
        .filter(|items| !items.is_empty())
        .ok_or_else(|| {
            invalid(
                "persistent_menu",
                "param persistent_menu must be a non-empty array",
            )
        })?;
    for menu in menus {
        let items = menu
            .get("call_to_actions")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let disabled = menu.get("composer_input_disabled") == Some(&Value::Bool(true));
        if items.is_empty() && disabled {
            return Err(invalid(
                "persistent_menu",
                "param persistent_menu[call_to_actions] is required when the composer is disabled",
            ));
        }
        if items.len() > MENU_ITEMS_MAX {
            return Err(invalid(
                "persistent_menu",
                format!(
                    "param persistent_menu[call_to_actions] has at most {MENU_ITEMS_MAX} items"
                ),
            ));
        }
        for item in items {
            match text_of(item, "type") {
                Some("postback") => check_payload("persistent_menu", item)?,
                Some("web_url") if text_of(item, "url").is_some() => {}
                _ => {
                    return Err(invalid(
                        "persistent_menu",
                        "param persistent_menu[call_to_actions][type] must be postback (with payload) or web_url (with url)",
                    ));
                }
            }
            if text_of(item, "title").is_none_or(str::is_empty) {
                return Err(invalid(
                    "persistent_menu",
                    "param persistent_menu[call_to_actions][title] is required",
                ));
            }
        }
    }
    Ok(())
}

/// Ice breakers: `[{"question", "payload"}]`, or Meta's newer
/// `[{"call_to_actions": [...], "locale"}]`.
fn check_ice_breakers(value: &Value) -> Result<(), Invalid> {
    let items = value
        .as_array()
        .filter(|items| !items.is_empty())
        .ok_or_else(|| {
            invalid(
                "ice_breakers",
                "param ice_breakers must be a non-empty array",
            )
        })?;
    let questions: Vec<&Value> = items
        .iter()
        .flat_map(
            |item| match item.get("call_to_actions").and_then(Value::as_array) {
                Some(nested) => nested.iter().collect(),
                None => vec![item],
            },
        )
        .collect();
    if questions.len() > ICE_BREAKERS_MAX * items.len() {
        return Err(invalid(
            "ice_breakers",
            format!("param ice_breakers has at most {ICE_BREAKERS_MAX} questions"),
        ));
    }
    for question in questions {
        if text_of(question, "question").is_none_or(str::is_empty) {
            return Err(invalid(
                "ice_breakers",
                "param ice_breakers[question] is required",
            ));
        }
        check_payload("ice_breakers", question)?;
    }
    Ok(())
}

fn check_property(name: &str, value: &Value) -> Result<(), Invalid> {
    match name {
        "greeting" => check_greeting(value),
        "get_started" => check_payload("get_started", value),
        "persistent_menu" => check_menu(value),
        "ice_breakers" => check_ice_breakers(value),
        "whitelisted_domains" => {
            let https = value.as_array().is_some_and(|domains| {
                !domains.is_empty()
                    && domains
                        .iter()
                        .all(|d| d.as_str().is_some_and(|d| d.starts_with("https://")))
            });
            if https {
                Ok(())
            } else {
                Err(invalid(
                    name,
                    "param whitelisted_domains must be a non-empty array of https:// URLs",
                ))
            }
        }
        other => Err(invalid(
            other,
            format!(
                "param {other} is not a valid property: use {}",
                PROPERTIES.join(", ")
            ),
        )),
    }
}

impl Sandbox {
    /// Set properties of a Page's Messenger profile (others keep theirs).
    /// A persistent menu needs a Get Started button.
    pub fn set_messenger_profile(
        &mut self,
        page_id: &str,
        properties: Vec<(String, Value)>,
    ) -> Result<(), Invalid> {
        if properties.is_empty() {
            return Err(invalid(
                "properties",
                format!("Requires one of the params: {}", PROPERTIES.join(",")),
            ));
        }
        for (name, value) in &properties {
            check_property(name, value)?;
        }
        let current = self.messenger.profiles.get(page_id);
        let has_get_started = properties.iter().any(|(name, _)| name == "get_started")
            || current.is_some_and(|p| p.0.contains_key("get_started"));
        if properties.iter().any(|(name, _)| name == "persistent_menu") && !has_get_started {
            return Err(invalid(
                "persistent_menu",
                "You must set a Get Started button if you also wish to use persistent menu.",
            ));
        }
        let profile = self
            .messenger
            .profiles
            .entry(page_id.to_owned())
            .or_default();
        profile.0.extend(properties);
        Ok(())
    }

    /// Delete properties; the Get Started button goes only after the menu.
    pub fn delete_messenger_profile(
        &mut self,
        page_id: &str,
        names: &[String],
    ) -> Result<(), Invalid> {
        if let Some(unknown) = names.iter().find(|n| !PROPERTIES.contains(&n.as_str())) {
            return Err(invalid(
                "fields",
                format!(
                    "param fields[{unknown}] is not a valid property: use {}",
                    PROPERTIES.join(", ")
                ),
            ));
        }
        let profile = self
            .messenger
            .profiles
            .entry(page_id.to_owned())
            .or_default();
        let keeps_menu = profile.0.contains_key("persistent_menu")
            && !names.iter().any(|n| n == "persistent_menu");
        if keeps_menu && names.iter().any(|n| n == "get_started") {
            return Err(invalid(
                "fields",
                "You must delete the persistent menu before deleting the Get Started button.",
            ));
        }
        for name in names {
            profile.0.remove(name);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn properties_are_checked() {
        assert!(check_property("greeting", &json!([{"locale": "default", "text": "Hi"}])).is_ok());
        assert!(
            check_property("greeting", &json!([{"locale": "fr_FR", "text": "Salut"}])).is_err()
        );
        let long = "x".repeat(GREETING_MAX + 1);
        assert!(check_property("greeting", &json!([{"locale": "default", "text": long}])).is_err());
        assert!(check_property("get_started", &json!({"payload": "GO"})).is_ok());
        assert!(check_property("get_started", &json!({})).is_err());
        let menu = json!([{"locale": "default", "call_to_actions": [
            {"type": "postback", "title": "Orders", "payload": "ORDERS"},
            {"type": "web_url", "title": "Shop", "url": "https://shop.example"}]}]);
        assert!(check_property("persistent_menu", &menu).is_ok());
        assert!(
            check_property(
                "ice_breakers",
                &json!([{"question": "Hours?", "payload": "HOURS"}])
            )
            .is_ok()
        );
        assert!(check_property("ice_breakers", &json!([{"question": "Hours?"}])).is_err());
        assert!(check_property("whitelisted_domains", &json!(["http://x.example"])).is_err());
        assert_eq!(
            check_property("colour", &json!("red")).unwrap_err().field,
            "colour"
        );
    }
}
