//! Apps installed on a Page (`/{page-id}/subscribed_apps`): the webhook
//! fields each app takes from the Page. Page changes reach an app only if it
//! is installed here and subscribed to the `page` object's field.

use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;
use crate::world::webhooks::subscriptions::{WebhookObject, known_fields};

impl Sandbox {
    /// Install `app_id` on the Page for `fields` (replacing what it had).
    pub fn install_page_app(
        &mut self,
        page_id: &str,
        app_id: &str,
        mut fields: Vec<String>,
    ) -> Result<(), Invalid> {
        let known = known_fields(WebhookObject::Page);
        if let Some(unknown) = fields.iter().find(|f| !known.contains(&f.as_str())) {
            return Err(Invalid::new(
                "subscribed_fields",
                format!(
                    "Param subscribed_fields[0] must be one of {{{}}} - got \"{unknown}\".",
                    known.join(", ")
                ),
            ));
        }
        fields.sort();
        fields.dedup();
        if let Some(page) = self.pages.pages.get_mut(page_id) {
            page.subscribed_apps.insert(app_id.to_owned(), fields);
        }
        Ok(())
    }

    /// Remove `app_id` from the Page's installed apps.
    pub fn uninstall_page_app(&mut self, page_id: &str, app_id: &str) {
        if let Some(page) = self.pages.pages.get_mut(page_id) {
            page.subscribed_apps.remove(app_id);
        }
    }
}
