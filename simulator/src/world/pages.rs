//! Facebook Pages: business info, who has a role on them, and edits of the
//! business info (from the Graph API's `POST /{page-id}` or the control
//! plane) with the checks Meta makes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::auth::TokenKind;
use super::nodes::NodeKind;
use super::sandbox::Sandbox;

/// The tasks a Page role has when the fixture does not list them (full control).
pub const ALL_PAGE_TASKS: [&str; 6] = [
    "ANALYZE",
    "ADVERTISE",
    "MESSAGING",
    "MODERATE",
    "CREATE_CONTENT",
    "MANAGE",
];

/// The longest `about` a Page takes.
pub const ABOUT_MAX: usize = 255;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Page {
    pub id: String,
    pub name: String,
    pub category: String,
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
    /// The Instagram professional account linked to this Page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instagram_business_account: Option<String>,
    /// user id -> tasks that user may perform on the Page.
    #[serde(default)]
    pub roles: BTreeMap<String, Vec<String>>,
    /// app id -> the webhook fields the app installed on this Page.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub subscribed_apps: BTreeMap<String, Vec<String>>,
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
    pub fn check(&self) -> Result<(), String> {
        if let Some(about) = &self.about
            && about.chars().count() > ABOUT_MAX
        {
            return Err(format!("about must be at most {ABOUT_MAX} characters long"));
        }
        for (i, email) in self.emails.iter().flatten().enumerate() {
            if !looks_like_email(email) {
                return Err(format!("emails[{i}] must be a valid email address"));
            }
        }
        if let Some(website) = &self.website
            && !website.is_empty()
            && !(website.starts_with("http://") || website.starts_with("https://"))
        {
            return Err("website must be a URL starting with http:// or https://".into());
        }
        if let Some(hours) = &self.hours {
            check_hours(hours)?;
        }
        if self.category.as_deref() == Some("") {
            return Err("category cannot be empty".into());
        }
        Ok(())
    }
}

/// An address shaped like `x@y.z`.
pub fn looks_like_email(text: &str) -> bool {
    text.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty() && domain.contains('.') && !domain.starts_with('.')
    })
}

/// Opening hours as Meta writes them: keys `{day}_{slot}_{open|close}` (day
/// `mon`..`sun`, slot 1 or 2), values `HH:MM`, each slot opened and closed.
pub fn check_hours(hours: &BTreeMap<String, String>) -> Result<(), String> {
    for (key, value) in hours {
        let mut parts = key.split('_');
        let (Some(day), Some(slot), Some(edge), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "hours: key {key:?} must look like mon_1_open or sun_2_close"
            ));
        };
        if !DAYS.contains(&day) || !matches!(slot, "1" | "2") || !matches!(edge, "open" | "close") {
            return Err(format!(
                "hours: key {key:?} must look like mon_1_open or sun_2_close"
            ));
        }
        if !is_clock_time(value) {
            return Err(format!(
                "hours: {key} must be a time like 09:00, got {value:?}"
            ));
        }
        let other = format!(
            "{day}_{slot}_{}",
            if edge == "open" { "close" } else { "open" }
        );
        if !hours.contains_key(&other) {
            return Err(format!("hours: {key} needs a matching {other}"));
        }
    }
    Ok(())
}

fn is_clock_time(text: &str) -> bool {
    let Some((h, m)) = text.split_once(':') else {
        return false;
    };
    let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    two_digits(h)
        && two_digits(m)
        && h.parse::<u8>().is_ok_and(|h| h < 24)
        && m.parse::<u8>().is_ok_and(|m| m < 60)
}

fn set_text(slot: &mut Option<String>, value: Option<String>) -> bool {
    let Some(value) = value else { return false };
    let value = (!value.is_empty()).then_some(value);
    let changed = *slot != value;
    *slot = value;
    changed
}

impl Page {
    /// A Page with a name, roles and no business info yet (category
    /// `Local business`).
    pub fn new(id: String, name: String, roles: BTreeMap<String, Vec<String>>) -> Self {
        Self {
            id,
            name,
            category: "Local business".to_owned(),
            about: None,
            description: None,
            emails: Vec::new(),
            phone: None,
            website: None,
            hours: BTreeMap::new(),
            single_line_address: None,
            instagram_business_account: None,
            roles,
            subscribed_apps: BTreeMap::new(),
        }
    }

    /// Apply a checked update; answers whether anything changed.
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
        if let Some(category) = update.category {
            changed |= self.category != category;
            self.category = category;
        }
        changed
    }
}

/// A Page created in Facebook by one of the sandbox's users.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPage {
    pub name: String,
    /// The Facebook user who creates it (and administers it).
    pub user_id: String,
    /// A handle to find it by in the sandbox's handles.
    #[serde(default)]
    pub handle: Option<String>,
    /// Its business info, `category` included (default `Local business`).
    #[serde(flatten)]
    pub info: PageInfoUpdate,
}

impl Sandbox {
    /// Create a Page administered by its creator; the creator's user tokens
    /// that list Pages get a Page token for it.
    pub fn create_page(&mut self, new: NewPage) -> Result<String, String> {
        if !self.users.contains_key(&new.user_id) {
            return Err(format!(
                "user_id: no Facebook user with id {:?}",
                new.user_id
            ));
        }
        if new.name.trim().is_empty() {
            return Err("name: a Page needs a name".into());
        }
        if let Some(handle) = &new.handle
            && self.handles.contains_key(handle)
        {
            return Err(format!("handle: {handle:?} is already used"));
        }
        new.info.check()?;
        let id = self
            .allocate_node(NodeKind::Page, None, "page")
            .map_err(|error| error.0)?;
        if let Some(handle) = new.handle {
            self.handles.insert(handle, id.clone());
        }
        let tasks = ALL_PAGE_TASKS.iter().map(|t| (*t).to_owned()).collect();
        let roles = BTreeMap::from([(new.user_id.clone(), tasks)]);
        let mut page = Page::new(id.clone(), new.name, roles);
        page.apply(new.info);
        self.pages.insert(id.clone(), page);
        let listing_tokens: Vec<_> = self
            .tokens
            .values()
            .filter(|t| {
                t.kind == TokenKind::User
                    && t.subject_id == new.user_id
                    && t.invalidated.is_none()
                    && t.has_scope("pages_show_list")
            })
            .cloned()
            .collect();
        for token in listing_tokens {
            self.issue_page_tokens(&token, Some(&id));
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn hours_are_checked() {
        assert!(check_hours(&hours(&[("mon_1_open", "09:00"), ("mon_1_close", "17:00")])).is_ok());
        assert!(check_hours(&hours(&[("mon_1_open", "09:00")])).is_err());
        assert!(check_hours(&hours(&[("mon_3_open", "09:00"), ("mon_3_close", "10:00")])).is_err());
        assert!(check_hours(&hours(&[("mon_1_open", "9:00"), ("mon_1_close", "17:00")])).is_err());
        assert!(check_hours(&hours(&[("mon_1_open", "24:00"), ("mon_1_close", "17:00")])).is_err());
        assert!(check_hours(&hours(&[("monday", "09:00")])).is_err());
    }

    #[test]
    fn updates_are_checked_and_partial() {
        let bad = PageInfoUpdate {
            emails: Some(vec!["a@b.c".into(), "nope".into()]),
            ..Default::default()
        };
        assert_eq!(
            bad.check().unwrap_err(),
            "emails[1] must be a valid email address"
        );
        let mut page = Page {
            about: Some("a".into()),
            ..Page::new("1".into(), "P".into(), BTreeMap::new())
        };
        let update = PageInfoUpdate {
            about: Some(String::new()),
            website: Some("https://x.example".into()),
            ..Default::default()
        };
        assert!(update.check().is_ok());
        assert!(page.apply(update.clone()));
        assert_eq!(page.about, None);
        assert_eq!(page.website.as_deref(), Some("https://x.example"));
        assert!(!page.apply(update), "the same edit twice changes nothing");
    }
}
