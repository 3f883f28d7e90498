//! The accounts part of a fixture: Facebook users, apps (each with its app
//! token), business portfolios and their system users.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{App, Business, FacebookUser, SystemUser};
use crate::world::auth::{AccessToken, TokenKind};
use crate::world::fixture::FixtureError;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::phone_digits;
use crate::world::shared::standing::AccountStanding;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UserFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Verified contact points, two-factor, a compromise flag.
    #[serde(default, skip_serializing_if = "AccountStanding::is_clear")]
    pub standing: AccountStanding,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AppFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// Pin the app secret; generated from the seed and sandbox id otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// "Require App Secret": every call must carry a valid `appsecret_proof`.
    #[serde(default)]
    pub require_appsecret_proof: bool,
    /// The handle of the business portfolio that owns the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BusinessFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// Handle of the Facebook user who owns the business portfolio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_status: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SystemUserFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// Handle of the business the system user belongs to.
    pub business: String,
}

impl Sandbox {
    pub(crate) fn load_users(&mut self, users: &[UserFixture]) -> Result<(), FixtureError> {
        for (i, user) in users.iter().enumerate() {
            let place = format!("users[{i}]");
            let id = self.fixture_node(NodeKind::User, user.id.as_deref(), &place)?;
            self.name_handle(&user.handle, &id, &place)?;
            let user = FacebookUser {
                id: id.clone(),
                name: user.name.clone(),
                email: user.email.clone(),
                phone: user.phone.as_deref().map(phone_digits),
                standing: user.standing,
            };
            self.accounts.users.insert(id, user);
        }
        Ok(())
    }

    pub(crate) fn load_apps(&mut self, apps: &[AppFixture]) -> Result<(), FixtureError> {
        for (i, app) in apps.iter().enumerate() {
            let place = format!("apps[{i}]");
            let id = self.fixture_node(NodeKind::App, app.id.as_deref(), &place)?;
            self.name_handle(&app.handle, &id, &place)?;
            let scope = format!("{}/{}", self.id, id);
            let secret = app
                .secret
                .clone()
                .unwrap_or_else(|| self.ids.app_secret(&scope));
            self.insert_app(App {
                id,
                name: app.name.clone(),
                secret,
                require_appsecret_proof: app.require_appsecret_proof,
                business_id: None,
            });
        }
        Ok(())
    }

    /// Give the fixture's apps their owner businesses (loaded after the apps,
    /// whose ids come first).
    pub(crate) fn link_app_owners(&mut self, apps: &[AppFixture]) -> Result<(), FixtureError> {
        for (i, app) in apps.iter().enumerate() {
            let business_id = self.resolve_optional_handle(
                app.business.as_ref(),
                &[NodeKind::Business],
                &format!("apps[{i}].business"),
            )?;
            let id = self.handles[&app.handle].clone();
            if let Some(loaded) = self.accounts.apps.get_mut(&id) {
                loaded.business_id = business_id;
            }
        }
        Ok(())
    }

    /// Keep an app and its app token.
    pub(crate) fn insert_app(&mut self, app: App) {
        let id = app.id.clone();
        self.keep_token(AccessToken {
            token: app.app_token(),
            kind: TokenKind::App,
            subject_id: id.clone(),
            app_id: id.clone(),
            user_id: None,
            derived_from: None,
            scopes: vec![],
            targets: BTreeMap::new(),
            issued_at: self.clock.now(),
            expires_at: None,
            invalidated: None,
        });
        self.accounts.apps.insert(id, app);
    }

    pub(crate) fn load_businesses(
        &mut self,
        businesses: &[BusinessFixture],
    ) -> Result<(), FixtureError> {
        for (i, business) in businesses.iter().enumerate() {
            let place = format!("businesses[{i}]");
            let owner = self.resolve_optional_handle(
                business.owner.as_ref(),
                &[NodeKind::User],
                &format!("{place}.owner"),
            )?;
            let id = self.fixture_node(NodeKind::Business, business.id.as_deref(), &place)?;
            self.name_handle(&business.handle, &id, &place)?;
            let business = Business {
                id: id.clone(),
                name: business.name.clone(),
                owner_user_id: owner,
                verification_status: business
                    .verification_status
                    .clone()
                    .unwrap_or_else(|| "not_verified".to_owned()),
                created_time: self.clock.now(),
            };
            self.accounts.businesses.insert(id, business);
        }
        Ok(())
    }

    pub(crate) fn load_system_users(
        &mut self,
        users: &[SystemUserFixture],
    ) -> Result<(), FixtureError> {
        for (i, user) in users.iter().enumerate() {
            let place = format!("system_users[{i}]");
            let business_id = self.resolve_handle(
                &user.business,
                &[NodeKind::Business],
                &format!("{place}.business"),
            )?;
            let id = self.fixture_node(NodeKind::SystemUser, user.id.as_deref(), &place)?;
            self.name_handle(&user.handle, &id, &place)?;
            let user = SystemUser {
                id: id.clone(),
                name: user.name.clone(),
                business_id,
            };
            self.accounts.system_users.insert(id, user);
        }
        Ok(())
    }
}
