//! Instagram accounts created as a test goes: personal accounts (people who
//! send DMs and comment) and professional ones (business or creator, the
//! accounts the Graph API reaches). Fixtures create them too (`fixture.rs`).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{ContactOptions, InstagramAccount};
use crate::world::accounts::people::{check_contact_points, check_name};
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;
use crate::world::shared::standing::AccountStanding;

/// What a person picks when signing up (or switching to a professional account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountType {
    Personal,
    Business,
    Creator,
}

impl AccountType {
    /// As the Graph API and the fixture name it.
    pub fn graph_name(self) -> &'static str {
        match self {
            AccountType::Personal => "PERSONAL",
            AccountType::Business => "BUSINESS",
            AccountType::Creator => "MEDIA_CREATOR",
        }
    }
}

/// A person signing up to Instagram.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewInstagramUser {
    pub username: String,
    #[serde(default)]
    pub name: Option<String>,
    pub account_type: AccountType,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email_verified: bool,
    #[serde(default)]
    pub phone_verified: bool,
    #[serde(default)]
    pub two_factor: bool,
    #[serde(default)]
    pub compromised: bool,
    #[serde(default)]
    pub biography: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub followers_count: u32,
    #[serde(default)]
    pub follows_count: u32,
    /// A handle to find the account by in the sandbox's handles.
    #[serde(default)]
    pub handle: Option<String>,
}

/// The longest biography Instagram takes.
pub const BIOGRAPHY_MAX: usize = 150;

/// Instagram's username rule: 1–30 of `a-z 0-9 . _`, no period first, last
/// or twice in a row.
pub fn valid_instagram_username(name: &str) -> bool {
    (1..=30).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
}

impl Sandbox {
    /// The Instagram account with this username, if any.
    pub fn instagram_by_username(&self, username: &str) -> Option<&InstagramAccount> {
        self.instagram
            .accounts
            .values()
            .map(Box::as_ref)
            .find(|account| account.username == username)
    }

    /// Create an Instagram account; answers its id.
    pub fn create_instagram_user(&mut self, new: NewInstagramUser) -> Result<String, Invalid> {
        if !valid_instagram_username(&new.username) {
            return Err(Invalid::new(
                "username",
                format!(
                    "username: {:?} is not an Instagram username (1-30 of a-z 0-9 . _, no period first, last or twice)",
                    new.username
                ),
            ));
        }
        if self.instagram_by_username(&new.username).is_some() {
            return Err(Invalid::new(
                "username",
                format!("username: {:?} is taken", new.username),
            ));
        }
        if let Some(name) = &new.name {
            check_name("name", name)?;
        }
        if new
            .biography
            .as_ref()
            .is_some_and(|b| b.chars().count() > BIOGRAPHY_MAX)
        {
            return Err(Invalid::new(
                "biography",
                format!("biography: at most {BIOGRAPHY_MAX} characters"),
            ));
        }
        let phone = check_contact_points(new.email.as_deref(), new.phone.as_deref())?;
        self.check_new_handle(new.handle.as_deref())?;
        let id = self.allocate_node(NodeKind::InstagramUser);
        let ig_id = self.ids.numeric_id("7", 10);
        if let Some(handle) = new.handle {
            self.handles.insert(handle, id.clone());
        }
        let account = InstagramAccount {
            id: id.clone(),
            ig_id,
            username: new.username,
            name: new.name,
            account_type: new.account_type.graph_name().to_owned(),
            biography: new.biography,
            website: new.website,
            followers_count: u64::from(new.followers_count),
            follows_count: u64::from(new.follows_count),
            media_count: 0,
            page_id: None,
            phone,
            contact: ContactOptions::default(),
            email: new.email,
            standing: AccountStanding {
                email_verified: new.email_verified,
                phone_verified: new.phone_verified,
                two_factor: new.two_factor,
                compromised: new.compromised,
            },
            allow_access_to_messages: true,
            subscribed_apps: BTreeMap::new(),
        };
        self.instagram
            .accounts
            .insert(id.clone(), Box::new(account));
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_instagrams_rule() {
        for good in ["ana", "ana.plants", "a_b_1", "x"] {
            assert!(valid_instagram_username(good), "{good}");
        }
        for bad in [
            "",
            ".ana",
            "ana.",
            "an..a",
            "Ana",
            "ana diaz",
            &"a".repeat(31),
        ] {
            assert!(!valid_instagram_username(bad), "{bad}");
        }
    }
}
