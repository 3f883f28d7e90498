//! People and organisations: Facebook users, business portfolios, system users
//! and apps. Plain data; the Graph view of each lives in `nodes.rs`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FacebookUser {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
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
}

impl App {
    /// The app access token, `{app-id}|{app-secret}`.
    pub fn app_token(&self) -> String {
        format!("{}|{}", self.id, self.secret)
    }
}
