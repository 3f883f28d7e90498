//! How a group's participants and join requesters are shown to the group's
//! business (Meta's business-scoped user id changes): always their BSUID
//! (`user_id`), their parent BSUID (`parent_user_id`) when the business's
//! portfolio is enrolled for parent BSUIDs, their `username` when they have
//! one, and their phone (`wa_id`) only when the business number may see it,
//! by the same rule as 1:1 contacts (identity.rs). The group webhooks and
//! the block list (`GET /{phone-number-id}/block_users`) name people the
//! same way.

use serde_json::{Map, Value, json};

use crate::world::sandbox::Sandbox;

impl Sandbox {
    /// A person of a group of `phone_number_id` as the Groups API lists them:
    /// `{"wa_id"?, "user_id", "parent_user_id"?, "username"?}`.
    pub fn group_member(&self, phone_number_id: &str, digits: &str) -> Map<String, Value> {
        let business = self.business_of_phone(phone_number_id).unwrap_or_default();
        let mut member = Map::new();
        if self.phone_visible(phone_number_id, digits) {
            member.insert("wa_id".to_owned(), json!(digits));
        }
        member.insert("user_id".to_owned(), json!(self.bsuid(digits, &business)));
        if let Some(parent) = self.parent_bsuid(digits, &business) {
            member.insert("parent_user_id".to_owned(), json!(parent));
        }
        if let Some(username) = self
            .whatsapp
            .consumers
            .get(digits)
            .and_then(|p| p.username.as_ref())
        {
            member.insert("username".to_owned(), json!(username));
        }
        member
    }

    /// `item` (a `group_participants_update` item, or one person of it) with
    /// the person's fields as [`Sandbox::group_member`] shows them added.
    pub fn with_group_member(
        &self,
        phone_number_id: &str,
        digits: &str,
        mut item: Map<String, Value>,
    ) -> Value {
        item.extend(self.group_member(phone_number_id, digits));
        Value::Object(item)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::{Sandbox, SandboxOptions};

    #[test]
    fn a_member_with_a_username_shows_the_phone_only_after_an_exchange() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let ana = "447700900101";
        sandbox
            .create_consumer(ana, None, true, Some("ana.diaz".into()))
            .unwrap();

        let hidden = sandbox.group_member(&phone, ana);
        assert!(!hidden.contains_key("wa_id"), "{hidden:?}");
        assert_eq!(hidden["username"], "ana.diaz");
        let business = sandbox.business_of_phone(&phone).unwrap();
        assert_eq!(hidden["user_id"], sandbox.bsuid(ana, &business).as_str());

        let text = json!({ "type": "text", "text": { "body": "hi" } });
        sandbox.receive_message(ana, &phone, text).unwrap();
        assert_eq!(sandbox.group_member(&phone, ana)["wa_id"], ana);
    }
}
