//! The Messenger part of a fixture: messages Facebook users had already
//! written to Pages when the sandbox starts (`from` a user's handle, `to` a
//! Page's), so a demo has conversations to show and a window open to reply
//! in. Their ids are derived from the seed, never drawn, so adding them
//! shifts no other id.

use serde_json::json;

use crate::world::fixture::FixtureError;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::conversations::{Message, PastMessage};

use super::MID_LENGTH;

impl Sandbox {
    pub(crate) fn load_messenger_messages(
        &mut self,
        messages: &[PastMessage],
    ) -> Result<(), FixtureError> {
        for (i, fixture) in messages.iter().enumerate() {
            let place = format!("messenger_messages[{i}]");
            let user =
                self.resolve_handle(&fixture.from, &[NodeKind::User], &format!("{place}.from"))?;
            let page =
                self.resolve_handle(&fixture.to, &[NodeKind::Page], &format!("{place}.to"))?;
            if fixture.text.is_empty() {
                return Err(FixtureError::at(
                    format!("{place}.text"),
                    "must not be empty",
                ));
            }
            let conversation = self.messenger_conversation(&page, &user);
            let (prefix, _) = NodeKind::Message.id_shape();
            let mid = format!(
                "{prefix}{}",
                self.ids
                    .derived_base62(&format!("fixture/{place}"), MID_LENGTH)
            );
            self.registry.insert(mid.clone(), NodeKind::Message);
            let seconds = self.clock.now() - i64::from(fixture.seconds_ago);
            let time_ms = self.messenger.conversations.note_time(seconds, i);
            let content = json!({ "text": fixture.text });
            if let Some(c) = self.messenger.conversations.get_mut(&conversation) {
                c.person_acted_ms = Some(time_ms);
            }
            self.keep_messenger_message(Message::new(
                &conversation,
                &user,
                &page,
                time_ms,
                &mid,
                content,
            ));
        }
        Ok(())
    }
}
