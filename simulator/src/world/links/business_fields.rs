//! Fields of a business portfolio that read its products: its primary
//! Page (the first Page its owner manages) and the portfolio's WhatsApp
//! messaging limit. The accounts model cannot name products; it asks here.

use crate::world::sandbox::Sandbox;

impl Sandbox {
    /// The first Page (in id order) on which the business's owner has a role.
    pub fn business_primary_page(&self, business_id: &str) -> Option<&String> {
        let owner = self
            .accounts
            .businesses
            .get(business_id)?
            .owner_user_id
            .as_ref()?;
        self.pages
            .pages
            .values()
            .find(|page| page.roles.contains_key(owner))
            .map(|page| &page.id)
    }

    /// `whatsapp_business_manager_messaging_limit` of a business portfolio.
    pub fn business_messaging_limit(&self, business_id: &str) -> &'static str {
        self.portfolio_messaging_limit(business_id)
    }
}
