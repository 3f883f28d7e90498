//! People and organisations on Meta's platform: Facebook users, business
//! portfolios, system users and apps. Their Graph views are in `nodes.rs`,
//! their fixture part in `fixture.rs`.

pub mod fixture;
pub mod nodes;
pub mod people;
pub mod uploads;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::shared::standing::AccountStanding;

/// The users, businesses, system users and apps of a sandbox (id -> each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AccountsState {
    pub users: BTreeMap<String, FacebookUser>,
    pub businesses: BTreeMap<String, Business>,
    pub system_users: BTreeMap<String, SystemUser>,
    pub apps: BTreeMap<String, App>,
    /// Resumable upload sessions of the apps.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub uploads: uploads::Uploads,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FacebookUser {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The phone number on the account, as digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(flatten)]
    pub standing: AccountStanding,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Business {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_user_id: Option<String>,
    pub verification_status: String,
    pub created_time: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SystemUser {
    pub id: String,
    pub name: String,
    pub business_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct App {
    pub id: String,
    pub name: String,
    pub secret: String,
    pub require_appsecret_proof: bool,
    /// The business portfolio that owns the app (its `owner_business`):
    /// where its `partner_solutions` webhooks are addressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_id: Option<String>,
}

impl App {
    /// The app access token, `{app-id}|{app-secret}`.
    pub fn app_token(&self) -> String {
        format!("{}|{}", self.id, self.secret)
    }

    /// Meta's public link to an app.
    pub fn link(app_id: &str) -> String {
        format!("https://www.facebook.com/games/?app_id={app_id}")
    }
}

impl AccountsState {
    /// An app's name (empty for an app the sandbox does not know).
    pub fn app_name(&self, app_id: &str) -> String {
        self.apps
            .get(app_id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    }
}
