//! A professional Instagram account connected to a Facebook Page (done in
//! the Instagram app, Page settings or Accounts Center; no public API makes
//! it). While connected, the Page shows the account as
//! `instagram_business_account` and `connected_instagram_account`, the
//! Page's token reaches the account's messages, and the account's webhooks
//! go to the apps installed on the Page. A Page has at most one account and
//! an account at most one Page.

use crate::world::auth::{AccessToken, TokenKind};
use crate::world::sandbox::Sandbox;

/// Why a connect or disconnect was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstagramLinkError {
    UnknownPage(String),
    UnknownAccount(String),
    NotProfessional(String),
    PageTaken { page: String, instagram: String },
    AccountTaken { instagram: String, page: String },
    NotLinked(String),
}

impl InstagramLinkError {
    pub fn message(&self) -> String {
        match self {
            InstagramLinkError::UnknownPage(id) => {
                format!("No Facebook Page with id {id:?} in this sandbox")
            }
            InstagramLinkError::UnknownAccount(id) => {
                format!("No Instagram account with id {id:?} in this sandbox")
            }
            InstagramLinkError::NotProfessional(id) => format!(
                "Instagram account {id} is a personal account: only professional (business or creator) accounts connect to a Page"
            ),
            InstagramLinkError::PageTaken { page, instagram } => format!(
                "Page {page} already has Instagram account {instagram} connected; disconnect it first"
            ),
            InstagramLinkError::AccountTaken { instagram, page } => format!(
                "Instagram account {instagram} is already connected to Page {page}; disconnect it there first"
            ),
            InstagramLinkError::NotLinked(page) => {
                format!("Page {page} has no Instagram account connected")
            }
        }
    }
}

impl Sandbox {
    /// Connect the account and the Page (both sides), unchecked (fixtures).
    pub(crate) fn connect_instagram_to_page(&mut self, page_id: &str, instagram_id: &str) {
        if let Some(page) = self.pages.pages.get_mut(page_id) {
            page.instagram_business_account = Some(instagram_id.to_owned());
        }
        if let Some(account) = self.instagram.accounts.get_mut(instagram_id) {
            account.page_id = Some(page_id.to_owned());
        }
    }

    /// The Instagram account connected to a Page.
    pub fn instagram_of_page(&self, page_id: &str) -> Option<&str> {
        self.pages
            .pages
            .get(page_id)?
            .instagram_business_account
            .as_deref()
    }

    /// The Page an Instagram account is connected to.
    pub fn page_of_instagram(&self, instagram_id: &str) -> Option<&str> {
        self.instagram
            .accounts
            .get(instagram_id)?
            .page_id
            .as_deref()
    }

    /// Whether a token acts for `account` (a Page or an Instagram account):
    /// that Page's token — which also acts for the Instagram account
    /// connected to the Page — or the account's Instagram-login token.
    pub fn token_acts_for(&self, token: &AccessToken, account: &str) -> bool {
        match token.kind {
            TokenKind::Page => {
                token.subject_id == account
                    || self.instagram_of_page(&token.subject_id) == Some(account)
            }
            TokenKind::InstagramUser => token.subject_id == account,
            _ => false,
        }
    }

    /// Whether an Instagram account's webhooks of `field` reach `app_id`:
    /// the app is installed on the account's Page (for any field there), or
    /// subscribed on the account itself for `field` with the account's
    /// Instagram-login token.
    pub fn instagram_reaches_app(&self, instagram_id: &str, app_id: &str, field: &str) -> bool {
        let on_page = self
            .page_of_instagram(instagram_id)
            .and_then(|page| self.pages.pages.get(page))
            .is_some_and(|page| page.subscribed_apps.contains_key(app_id));
        let on_account = self
            .instagram
            .accounts
            .get(instagram_id)
            .and_then(|account| account.subscribed_apps.get(app_id))
            .is_some_and(|fields| fields.iter().any(|f| f == field));
        on_page || on_account
    }

    /// Connect a professional account to a Page. Connecting the same pair
    /// again changes nothing.
    pub fn link_instagram_to_page(
        &mut self,
        page_id: &str,
        instagram_id: &str,
    ) -> Result<(), InstagramLinkError> {
        let page = self
            .pages
            .pages
            .get(page_id)
            .ok_or_else(|| InstagramLinkError::UnknownPage(page_id.to_owned()))?;
        let account = self
            .instagram
            .accounts
            .get(instagram_id)
            .ok_or_else(|| InstagramLinkError::UnknownAccount(instagram_id.to_owned()))?;
        if !account.is_professional() {
            return Err(InstagramLinkError::NotProfessional(instagram_id.to_owned()));
        }
        match (&page.instagram_business_account, &account.page_id) {
            (Some(linked), _) if linked == instagram_id => return Ok(()),
            (Some(linked), _) => {
                return Err(InstagramLinkError::PageTaken {
                    page: page_id.to_owned(),
                    instagram: linked.clone(),
                });
            }
            (None, Some(other)) => {
                return Err(InstagramLinkError::AccountTaken {
                    instagram: instagram_id.to_owned(),
                    page: other.clone(),
                });
            }
            (None, None) => {}
        }
        self.connect_instagram_to_page(page_id, instagram_id);
        Ok(())
    }

    /// Disconnect the Page's Instagram account; answers the account's id.
    pub fn unlink_instagram_from_page(
        &mut self,
        page_id: &str,
    ) -> Result<String, InstagramLinkError> {
        let page = self
            .pages
            .pages
            .get_mut(page_id)
            .ok_or_else(|| InstagramLinkError::UnknownPage(page_id.to_owned()))?;
        let instagram_id = page
            .instagram_business_account
            .take()
            .ok_or_else(|| InstagramLinkError::NotLinked(page_id.to_owned()))?;
        if let Some(account) = self.instagram.accounts.get_mut(&instagram_id) {
            account.page_id = None;
        }
        Ok(instagram_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::instagram::people::{AccountType, NewInstagramUser};
    use crate::world::sandbox::SandboxOptions;

    fn new_account(username: &str, account_type: AccountType) -> NewInstagramUser {
        serde_json::from_value(serde_json::json!({
            "username": username,
            "account_type": match account_type {
                AccountType::Personal => "personal",
                AccountType::Business => "business",
                AccountType::Creator => "creator",
            },
        }))
        .unwrap()
    }

    #[test]
    fn one_account_per_page_and_one_page_per_account() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let page = sandbox.handles["page"].clone();
        let linked = sandbox.handles["instagram"].clone();
        assert_eq!(sandbox.link_instagram_to_page(&page, &linked), Ok(()));
        let creator = sandbox
            .create_instagram_user(new_account("fern.creates", AccountType::Creator))
            .unwrap();
        assert!(matches!(
            sandbox.link_instagram_to_page(&page, &creator),
            Err(InstagramLinkError::PageTaken { .. })
        ));
        let personal = sandbox
            .create_instagram_user(new_account("just.me", AccountType::Personal))
            .unwrap();
        assert_eq!(
            sandbox.unlink_instagram_from_page(&page),
            Ok(linked.clone())
        );
        assert_eq!(sandbox.instagram_of_page(&page), None);
        assert_eq!(sandbox.page_of_instagram(&linked), None);
        assert_eq!(
            sandbox.link_instagram_to_page(&page, &personal),
            Err(InstagramLinkError::NotProfessional(personal))
        );
        assert_eq!(sandbox.link_instagram_to_page(&page, &creator), Ok(()));
        assert_eq!(sandbox.instagram_of_page(&page), Some(creator.as_str()));
        assert_eq!(
            sandbox.unlink_instagram_from_page("1"),
            Err(InstagramLinkError::UnknownPage("1".into()))
        );
    }
}
