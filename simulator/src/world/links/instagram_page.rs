//! A professional Instagram account connected to a Facebook Page: the Page
//! shows it as `instagram_business_account` and the account knows its Page.

use crate::world::sandbox::Sandbox;

impl Sandbox {
    /// Connect the account and the Page (both sides).
    pub(crate) fn connect_instagram_to_page(&mut self, page_id: &str, instagram_id: &str) {
        if let Some(page) = self.pages.pages.get_mut(page_id) {
            page.instagram_business_account = Some(instagram_id.to_owned());
        }
        if let Some(account) = self.instagram.accounts.get_mut(instagram_id) {
            account.page_id = Some(page_id.to_owned());
        }
    }
}
