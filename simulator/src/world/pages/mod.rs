//! Facebook Pages: their business info, who has a role on them, the apps
//! installed on them for webhooks, and creating a Page as a Facebook user.
//! The Graph view of a Page is its descriptor in `nodes.rs`.

pub mod apps;
pub mod fixture;
pub mod info;
pub mod nodes;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use info::{PageInfo, PageInfoUpdate};

use crate::world::auth::TokenKind;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The tasks a Page role has when the fixture does not list them (full control).
pub const ALL_PAGE_TASKS: [&str; 6] = [
    "ANALYZE",
    "ADVERTISE",
    "MESSAGING",
    "MODERATE",
    "CREATE_CONTENT",
    "MANAGE",
];

/// Every Page of a sandbox.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PagesState {
    /// page id -> Page.
    pub pages: BTreeMap<String, Box<Page>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Page {
    pub id: String,
    pub name: String,
    pub category: String,
    #[serde(flatten)]
    pub info: PageInfo,
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

impl Page {
    /// A Page with a name, roles and no business info yet (category
    /// `Local business`).
    pub fn new(id: String, name: String, roles: BTreeMap<String, Vec<String>>) -> Self {
        Self {
            id,
            name,
            category: "Local business".to_owned(),
            info: PageInfo::default(),
            instagram_business_account: None,
            roles,
            subscribed_apps: BTreeMap::new(),
        }
    }

    /// Apply a checked update; answers whether anything changed.
    pub fn apply(&mut self, mut update: PageInfoUpdate) -> bool {
        let mut changed = false;
        if let Some(category) = update.category.take() {
            changed |= self.category != category;
            self.category = category;
        }
        changed | self.info.apply(update)
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
    pub fn create_page(&mut self, new: NewPage) -> Result<String, Invalid> {
        if !self.accounts.users.contains_key(&new.user_id) {
            return Err(Invalid::new(
                "user_id",
                format!("user_id: no Facebook user with id {:?}", new.user_id),
            ));
        }
        if new.name.trim().is_empty() {
            return Err(Invalid::new("name", "name: a Page needs a name"));
        }
        if let Some(handle) = &new.handle
            && self.handles.contains_key(handle)
        {
            return Err(Invalid::new(
                "handle",
                format!("handle: {handle:?} is already used"),
            ));
        }
        new.info.check()?;
        let id = self.allocate_node(NodeKind::Page);
        if let Some(handle) = new.handle {
            self.handles.insert(handle, id.clone());
        }
        let tasks = ALL_PAGE_TASKS.iter().map(|t| (*t).to_owned()).collect();
        let roles = BTreeMap::from([(new.user_id.clone(), tasks)]);
        let mut page = Page::new(id.clone(), new.name, roles);
        page.apply(new.info);
        self.pages.pages.insert(id.clone(), Box::new(page));
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

    #[test]
    fn updates_are_checked_and_partial() {
        let bad = PageInfoUpdate {
            emails: Some(vec!["a@b.c".into(), "nope".into()]),
            ..Default::default()
        };
        assert_eq!(
            bad.check().unwrap_err().message,
            "emails[1] must be a valid email address"
        );
        let mut page = Page::new("1".into(), "P".into(), BTreeMap::new());
        page.info.about = Some("a".into());
        let update = PageInfoUpdate {
            about: Some(String::new()),
            website: Some("https://x.example".into()),
            ..Default::default()
        };
        assert!(update.check().is_ok());
        assert!(page.apply(update.clone()));
        assert_eq!(page.info.about, None);
        assert_eq!(page.info.website.as_deref(), Some("https://x.example"));
        assert!(!page.apply(update), "the same edit twice changes nothing");
    }
}
