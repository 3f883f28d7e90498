//! The WhatsApp business profile of a phone number (what consumers see:
//! about, address, description, email, websites, vertical, picture), with
//! Meta's limits. Updates are partial; an empty string clears a text field.
//!
//! The profile also holds what only the WhatsApp Business app shows (opening
//! hours and a category): the Cloud API never lists them, but a Facebook Page
//! synced to the number copies them here (see `world/links`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::world::nodes::field_list;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// Meta's business verticals.
pub const VERTICALS: [&str; 23] = [
    "UNDEFINED",
    "OTHER",
    "AUTO",
    "BEAUTY",
    "APPAREL",
    "EDU",
    "ENTERTAIN",
    "EVENT_PLAN",
    "FINANCE",
    "GROCERY",
    "GOVT",
    "HOTEL",
    "HEALTH",
    "NONPROFIT",
    "PROF_SERVICES",
    "RETAIL",
    "TRAVEL",
    "RESTAURANT",
    "NOT_A_BIZ",
    "ALCOHOL",
    "ONLINE_GAMBLING",
    "PHYSICAL_GAMBLING",
    "OTC_DRUGS",
];

/// The longest website a profile takes.
pub const WEBSITE_MAX: usize = 256;

/// Every field of Meta's `WhatsAppBusinessProfile` (the edge
/// `/{phone-number-id}/whatsapp_business_profile` lists one, so it is no
/// node kind): what `?fields=` may ask for.
pub const PROFILE_FIELDS: &[&str] = field_list!(
    &[
        "about",
        "address",
        "description",
        "email",
        "id",
        "messaging_product",
        "vertical",
        "websites",
    ],
    PROFILE_UNSET_FIELDS,
);

/// The profile's fields Meta omits until set: the picture, set only by an
/// upload (the others are set in every sandbox's fixture).
pub const PROFILE_UNSET_FIELDS: &[&str] = &["profile_picture_url"];

/// The text fields of a profile, with their maximum length.
pub const TEXT_FIELDS: [(&str, usize); 4] = [
    ("about", 139),
    ("address", 256),
    ("description", 512),
    ("email", 128),
];

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BusinessProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_picture_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub websites: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vertical: Option<String>,
    /// App-only: opening hours, keyed like a Page's (`mon_1_open`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hours: BTreeMap<String, String>,
    /// App-only: the business category shown in the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// A partial update, as the API layer read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileUpdate {
    /// (field, new value; empty clears) for the text fields.
    pub texts: Vec<(String, String)>,
    pub websites: Option<Vec<String>>,
    pub vertical: Option<String>,
    /// A picture handle from the upload API: metasim turns it into a URL.
    pub picture_handle: Option<String>,
    /// App-only fields (never set by the Cloud API).
    pub hours: Option<BTreeMap<String, String>>,
    pub category: Option<String>,
}

impl ProfileUpdate {
    /// The profile fields this update writes, by their profile names.
    pub fn touched_fields(&self) -> Vec<&str> {
        let mut fields: Vec<&str> = self.texts.iter().map(|(f, _)| f.as_str()).collect();
        let others = [
            ("websites", self.websites.is_some()),
            ("vertical", self.vertical.is_some()),
            ("profile_picture_url", self.picture_handle.is_some()),
            ("hours", self.hours.is_some()),
            ("category", self.category.is_some()),
        ];
        fields.extend(others.iter().filter(|(_, set)| *set).map(|(f, _)| *f));
        fields
    }
}

impl BusinessProfile {
    fn text_mut(&mut self, field: &str) -> Option<&mut Option<String>> {
        match field {
            "about" => Some(&mut self.about),
            "address" => Some(&mut self.address),
            "description" => Some(&mut self.description),
            "email" => Some(&mut self.email),
            _ => None,
        }
    }

    /// Everything the WhatsApp Business app shows: the Cloud API fields plus
    /// the app-only hours and category.
    pub fn app_fields(&self) -> Vec<(&'static str, Value)> {
        let mut out = self.fields();
        if !self.hours.is_empty() {
            out.push(("hours", serde_json::json!(self.hours)));
        }
        if let Some(category) = &self.category {
            out.push(("category", Value::from(category.clone())));
        }
        out
    }

    /// The profile's fields as Meta's Cloud API lists them (only those with a value).
    pub fn fields(&self) -> Vec<(&'static str, Value)> {
        let mut out = Vec::new();
        let texts = [
            ("about", &self.about),
            ("address", &self.address),
            ("description", &self.description),
            ("email", &self.email),
            ("profile_picture_url", &self.profile_picture_url),
        ];
        for (name, value) in texts {
            if let Some(value) = value {
                out.push((name, Value::from(value.clone())));
            }
        }
        if !self.websites.is_empty() {
            out.push(("websites", Value::from(self.websites.clone())));
        }
        if let Some(vertical) = &self.vertical {
            out.push(("vertical", Value::from(vertical.clone())));
        }
        out
    }
}

/// Check an update against Meta's limits; the error names the field.
pub fn check_update(update: &ProfileUpdate) -> Result<(), Invalid> {
    for (field, value) in &update.texts {
        let max = TEXT_FIELDS
            .iter()
            .find(|(name, _)| name == field)
            .map_or(0, |(_, max)| *max);
        if value.chars().count() > max {
            return Err(Invalid::new(
                field,
                format!("{field} must be at most {max} characters long"),
            ));
        }
        if field == "about" && value.is_empty() {
            return Err(Invalid::new("about", "about cannot be empty"));
        }
        if field == "email" && !value.is_empty() && !(value.contains('@') && value.contains('.')) {
            return Err(Invalid::new("email", "email must be a valid email address"));
        }
    }
    if let Some(websites) = &update.websites {
        if websites.len() > 2 {
            return Err(Invalid::new("websites", "websites takes at most 2 URLs"));
        }
        if let Some(bad) = websites.iter().find(|w| {
            w.len() > WEBSITE_MAX || !(w.starts_with("http://") || w.starts_with("https://"))
        }) {
            return Err(Invalid::new(
                "websites",
                format!(
                    "websites: {bad:?} must start with http:// or https:// (at most 256 characters)"
                ),
            ));
        }
    }
    if let Some(hours) = &update.hours {
        crate::world::shared::business_info::check_hours(hours)?;
    }
    if update.category.as_deref() == Some("") {
        return Err(Invalid::new("category", "category cannot be empty"));
    }
    if let Some(vertical) = &update.vertical
        && !VERTICALS.contains(&vertical.as_str())
    {
        return Err(Invalid::new(
            "vertical",
            format!(
                "vertical must be one of {{{}}} - got {vertical:?}",
                VERTICALS.join(", ")
            ),
        ));
    }
    Ok(())
}

impl Sandbox {
    /// Apply a checked update to a number's profile.
    pub fn update_business_profile(
        &mut self,
        phone_number_id: &str,
        update: ProfileUpdate,
    ) -> Result<(), Invalid> {
        check_update(&update)?;
        let seed = self.seed;
        let Some(phone) = self.whatsapp.phone_numbers.get_mut(phone_number_id) else {
            return Err(Invalid::new("phone_number_id", "unknown phone number"));
        };
        let profile = &mut phone.profile;
        for (field, value) in update.texts {
            if let Some(slot) = profile.text_mut(&field) {
                *slot = (!value.is_empty()).then_some(value);
            }
        }
        if let Some(websites) = update.websites {
            profile.websites = websites;
        }
        if let Some(vertical) = update.vertical {
            profile.vertical = Some(vertical);
        }
        if let Some(hours) = update.hours {
            profile.hours = hours;
        }
        if let Some(category) = update.category {
            profile.category = Some(category);
        }
        if let Some(handle) = update.picture_handle {
            let digest =
                crate::world::ids::stateless_trace_id(&[&seed.to_le_bytes(), handle.as_bytes()]);
            profile.profile_picture_url = Some(format!(
                "https://pps.whatsapp.net/v/t61.24694-24/{digest}.jpg"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(texts: &[(&str, &str)]) -> ProfileUpdate {
        ProfileUpdate {
            texts: texts
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..ProfileUpdate::default()
        }
    }

    #[test]
    fn limits() {
        assert!(check_update(&update(&[("about", "Plants")])).is_ok());
        assert!(check_update(&update(&[("about", "")])).is_err());
        assert!(check_update(&update(&[("about", &"x".repeat(140))])).is_err());
        assert!(check_update(&update(&[("description", &"x".repeat(512))])).is_ok());
        assert!(check_update(&update(&[("email", "nope")])).is_err());
        let sites = ProfileUpdate {
            websites: Some(vec!["ftp://x".into()]),
            ..ProfileUpdate::default()
        };
        assert!(check_update(&sites).is_err());
        let vertical = ProfileUpdate {
            vertical: Some("SPACE".into()),
            ..ProfileUpdate::default()
        };
        assert!(check_update(&vertical).is_err());
    }

    #[test]
    fn partial_updates_and_clearing() {
        let mut profile = BusinessProfile {
            about: Some("a".into()),
            address: Some("b".into()),
            ..Default::default()
        };
        *profile.text_mut("address").unwrap() = None;
        assert_eq!(profile.fields(), vec![("about", Value::from("a"))]);
    }
}
