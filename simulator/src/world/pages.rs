//! Facebook Pages: business info and who has a role on them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The tasks a Page role has when the fixture does not list them (full control).
pub const ALL_PAGE_TASKS: [&str; 6] = [
    "ANALYZE",
    "ADVERTISE",
    "MESSAGING",
    "MODERATE",
    "CREATE_CONTENT",
    "MANAGE",
];

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
