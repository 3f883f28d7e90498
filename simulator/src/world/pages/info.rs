//! A Page's business info (about, description, emails, phone, website,
//! opening hours, address) and partial edits of it with the checks Meta
//! makes. The same struct is the fixture's and the snapshot's shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::shared::Invalid;
use crate::world::shared::business_info::{check_hours, looks_like_email};

/// The longest `about` a Page takes.
pub const ABOUT_MAX: usize = 255;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hours: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_line_address: Option<String>,
}

/// A partial edit of a Page's business info. `None` leaves a field alone; an
/// empty string (or list, or map) clears it. The control plane reads it from
/// JSON as is.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageInfoUpdate {
    pub about: Option<String>,
    pub description: Option<String>,
    pub emails: Option<Vec<String>>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub hours: Option<BTreeMap<String, String>>,
    pub single_line_address: Option<String>,
    /// Only the control plane renames a category (the Graph API takes
    /// category ids, which metasim does not catalogue).
    pub category: Option<String>,
}

impl PageInfoUpdate {
    /// Check the values as Meta does; the error names the parameter.
    pub fn check(&self) -> Result<(), Invalid> {
        if let Some(about) = &self.about
            && about.chars().count() > ABOUT_MAX
        {
            return Err(Invalid::new(
                "about",
                format!("about must be at most {ABOUT_MAX} characters long"),
            ));
        }
        for (i, email) in self.emails.iter().flatten().enumerate() {
            if !looks_like_email(email) {
                return Err(Invalid::new(
                    "emails",
                    format!("emails[{i}] must be a valid email address"),
                ));
            }
        }
        if let Some(website) = &self.website
            && !website.is_empty()
            && !(website.starts_with("http://") || website.starts_with("https://"))
        {
            return Err(Invalid::new(
                "website",
                "website must be a URL starting with http:// or https://",
            ));
        }
        if let Some(hours) = &self.hours {
            check_hours(hours)?;
        }
        if self.category.as_deref() == Some("") {
            return Err(Invalid::new("category", "category cannot be empty"));
        }
        Ok(())
    }
}

fn set_text(slot: &mut Option<String>, value: Option<String>) -> bool {
    let Some(value) = value else { return false };
    let value = (!value.is_empty()).then_some(value);
    let changed = *slot != value;
    *slot = value;
    changed
}

impl PageInfo {
    /// Apply a checked update (its category aside); answers whether anything changed.
    pub fn apply(&mut self, update: PageInfoUpdate) -> bool {
        let mut changed = false;
        changed |= set_text(&mut self.about, update.about);
        changed |= set_text(&mut self.description, update.description);
        changed |= set_text(&mut self.phone, update.phone);
        changed |= set_text(&mut self.website, update.website);
        changed |= set_text(&mut self.single_line_address, update.single_line_address);
        if let Some(emails) = update.emails {
            changed |= self.emails != emails;
            self.emails = emails;
        }
        if let Some(hours) = update.hours {
            changed |= self.hours != hours;
            self.hours = hours;
        }
        changed
    }
}
