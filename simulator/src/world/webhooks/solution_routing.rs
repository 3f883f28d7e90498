//! Where a `partner_solutions` change goes. Its entry is a business
//! portfolio, not a WABA, so it cannot reach apps through a WABA's
//! `subscribed_apps`: it goes to the apps the business owns that subscribed
//! at the app level (`/{app-id}/subscriptions`, object
//! `whatsapp_business_account`) to the field — for a solution's own event,
//! only to the party app it names.

use crate::world::sandbox::Sandbox;
use crate::world::webhooks::payloads::Address;

impl Sandbox {
    /// (app, callback URL) pairs that receive a business portfolio's change.
    pub(super) fn business_targets(&self, change: Address<'_>) -> Vec<(String, String)> {
        self.accounts
            .apps
            .values()
            .filter(|app| app.business_id.as_deref() == Some(change.entry_id))
            .filter(|app| change.app_id.is_none_or(|only| only == app.id))
            .filter_map(|app| {
                let subscription = self.subscription_for(&app.id, change.object, change.field)?;
                Some((app.id.clone(), subscription.callback_url.clone()))
            })
            .collect()
    }
}
