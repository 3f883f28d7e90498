//! Facebook users created as a test goes (the people who message Pages and
//! link their accounts in Accounts Center): a name, optional contact points,
//! and the account's standing; and apps (a partner app of a Multi-Partner
//! Solution). Fixtures create both too (`fixture.rs`).

use serde::Deserialize;

use super::{App, FacebookUser};
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;
use crate::world::shared::business_info::looks_like_email;
use crate::world::shared::phone::{is_e164_length, phone_digits};
use crate::world::shared::standing::AccountStanding;

/// The longest name metasim keeps (Facebook's own limit is lower for most scripts).
pub const NAME_MAX: usize = 100;

/// A person signing up to Facebook.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFacebookUser {
    pub name: String,
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
    /// A handle to find the user by in the sandbox's handles.
    #[serde(default)]
    pub handle: Option<String>,
}

/// The most apps a sandbox holds.
pub const MAX_APPS: usize = 50;

/// An app registered as a test goes.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApp {
    pub name: String,
    #[serde(default)]
    pub require_appsecret_proof: bool,
    /// A handle to find the app (and its secret) by.
    #[serde(default)]
    pub handle: Option<String>,
    /// The business portfolio that owns the app.
    #[serde(default)]
    pub business_id: Option<String>,
}

/// A display name: not blank, at most [`NAME_MAX`] characters.
pub fn check_name(field: &str, name: &str) -> Result<(), Invalid> {
    let length = name.chars().count();
    if name.trim().is_empty() || length > NAME_MAX {
        return Err(Invalid::new(
            field,
            format!("{field}: must be 1 to {NAME_MAX} characters, got {length}"),
        ));
    }
    Ok(())
}

/// Optional email and phone as a sign-up form checks them; the phone as digits.
pub fn check_contact_points(
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<Option<String>, Invalid> {
    if let Some(email) = email
        && !looks_like_email(email)
    {
        return Err(Invalid::new(
            "email",
            format!("email: {email:?} is not an email address"),
        ));
    }
    let Some(phone) = phone else {
        return Ok(None);
    };
    let digits = phone_digits(phone);
    if !is_e164_length(&digits) {
        return Err(Invalid::new(
            "phone",
            format!("phone: {phone:?} is not a number with country code (8 to 15 digits)"),
        ));
    }
    Ok(Some(digits))
}

impl Sandbox {
    /// A handle a new entity may take: not empty, not used.
    pub(crate) fn check_new_handle(&self, handle: Option<&str>) -> Result<(), Invalid> {
        match handle {
            Some(handle) if handle.is_empty() || self.handles.contains_key(handle) => {
                Err(Invalid::new(
                    "handle",
                    format!("handle: {handle:?} is empty or already used"),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Register an app with a secret from the seed; answers its id.
    pub fn create_app(&mut self, new: NewApp) -> Result<String, Invalid> {
        check_name("name", &new.name)?;
        self.check_new_handle(new.handle.as_deref())?;
        if let Some(business) = &new.business_id
            && !self.accounts.businesses.contains_key(business)
        {
            return Err(Invalid::new(
                "business_id",
                format!("business_id: no business portfolio {business:?} in this sandbox"),
            ));
        }
        if self.accounts.apps.len() >= MAX_APPS {
            return Err(Invalid::new(
                "apps",
                format!("apps: a sandbox holds at most {MAX_APPS} apps"),
            ));
        }
        let id = self.allocate_node(NodeKind::App);
        if let Some(handle) = new.handle {
            self.handles.insert(handle, id.clone());
        }
        let secret = self.ids.app_secret(&format!("{}/{}", self.id, id));
        self.insert_app(App {
            id: id.clone(),
            name: new.name,
            secret,
            require_appsecret_proof: new.require_appsecret_proof,
            business_id: new.business_id,
        });
        Ok(id)
    }

    /// Create a Facebook user; answers its id.
    pub fn create_facebook_user(&mut self, new: NewFacebookUser) -> Result<String, Invalid> {
        check_name("name", &new.name)?;
        let phone = check_contact_points(new.email.as_deref(), new.phone.as_deref())?;
        self.check_new_handle(new.handle.as_deref())?;
        let id = self.allocate_node(NodeKind::User);
        if let Some(handle) = new.handle {
            self.handles.insert(handle, id.clone());
        }
        self.accounts.users.insert(
            id.clone(),
            FacebookUser {
                id: id.clone(),
                name: new.name,
                email: new.email,
                phone,
                standing: AccountStanding {
                    email_verified: new.email_verified,
                    phone_verified: new.phone_verified,
                    two_factor: new.two_factor,
                    compromised: new.compromised,
                },
            },
        );
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn users_are_checked_and_registered() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let id = sandbox
            .create_facebook_user(NewFacebookUser {
                name: "Ana Diaz".into(),
                phone: Some("+1 555 010 7777".into()),
                phone_verified: true,
                handle: Some("ana2".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(sandbox.node_kind(&id), Some(NodeKind::User));
        assert_eq!(sandbox.handles["ana2"], id);
        let user = &sandbox.accounts.users[&id];
        assert_eq!(user.phone.as_deref(), Some("15550107777"));
        assert!(user.standing.verified());
        let refused = |new: NewFacebookUser| sandbox.clone().create_facebook_user(new).unwrap_err();
        assert_eq!(
            refused(NewFacebookUser::default()).field,
            "name",
            "a name is needed"
        );
        let bad_email = NewFacebookUser {
            name: "X".into(),
            email: Some("nope".into()),
            ..Default::default()
        };
        assert_eq!(refused(bad_email).field, "email");
        let taken = NewFacebookUser {
            name: "X".into(),
            handle: Some("ana2".into()),
            ..Default::default()
        };
        assert_eq!(refused(taken).field, "handle");
    }
}
