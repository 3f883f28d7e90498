//! What an Accounts Center link does across Messenger and Instagram, each
//! effect observable and each ending when the link does:
//!
//! - cross-app messaging: a Facebook user writes to an Instagram account
//!   from Messenger — the message goes out from their linked Instagram
//!   account, in that account's conversation (one history, seen from both
//!   apps) — and Instagram accounts write back, to the Facebook user or to
//!   the linked account alike; this needs the `direct_messages` permission;
//! - the unified inbox: Instagram messages to the linked account show in
//!   Messenger while `direct_messages` is granted (revoking it stops new
//!   ones; those already shown stay), and those from before the link only
//!   as the sync's history choice says (all, or selected threads) with
//!   `message_history` granted;
//! - the unified contact list: the linked account's Instagram contacts join
//!   the Messenger ones when contacts sync, the `contacts` permission and
//!   "show Instagram contacts" are all on;
//! - privacy: an Instagram recipient sees the Messenger writer's Facebook
//!   name only when profile sync and `profile_info` are on;
//! - notifications: Instagram messages, comments and mentions of the linked
//!   account are mirrored into Messenger as the notification settings say.

use crate::world::instagram::direct::Sent;
use crate::world::instagram::media::mentions;
use crate::world::links::accounts_center::{AccountsCenterLink, History, Permission};
use crate::world::sandbox::Sandbox;
use crate::world::shared::conversations::Message;
use crate::world::shared::person_refusal::PersonRefusal;

/// Why a cross-app message was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrossAppRefusal {
    Person(PersonRefusal),
    /// No confirmed Accounts Center link.
    NotLinked(String),
    /// Linked, but `direct_messages` is not granted.
    MessagesOff(String),
}

impl CrossAppRefusal {
    pub fn message(&self) -> String {
        match self {
            CrossAppRefusal::Person(refusal) => refusal.message(),
            CrossAppRefusal::NotLinked(id) => format!(
                "Facebook user {id} has no Instagram account linked in Accounts Center: Messenger reaches Instagram users only through one"
            ),
            CrossAppRefusal::MessagesOff(id) => format!(
                "Facebook user {id} has not granted the direct_messages permission to their Accounts Center link"
            ),
        }
    }
}

/// One entry of the unified contact list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: String,
    pub name: String,
    pub username: Option<String>,
    /// `messenger` or `instagram`.
    pub platform: &'static str,
}

/// Something Messenger notified the person of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// `message`, `instagram_message`, `instagram_comment`, `instagram_mention`.
    pub kind: &'static str,
    /// Who did it.
    pub from: String,
    pub text: Option<String>,
    pub time_ms: i64,
}

impl Sandbox {
    /// The link a Facebook user writes to Instagram through: one with
    /// `direct_messages` granted, the one already in a conversation with
    /// `recipient` first.
    fn messaging_link(
        &self,
        user_id: &str,
        recipient: &str,
    ) -> Result<&AccountsCenterLink, CrossAppRefusal> {
        let links = self.links_of_facebook_user(user_id);
        if links.is_empty() {
            return Err(CrossAppRefusal::NotLinked(user_id.to_owned()));
        }
        let open: Vec<&AccountsCenterLink> = links
            .into_iter()
            .filter(|link| link.granted(Permission::DirectMessages))
            .collect();
        let talking = open.iter().find(|link| {
            self.instagram
                .conversations
                .of_pair(&link.instagram_user_id, recipient)
                .is_some()
        });
        talking
            .or(open.first())
            .copied()
            .ok_or_else(|| CrossAppRefusal::MessagesOff(user_id.to_owned()))
    }

    /// A Facebook user writes, in Messenger, to an Instagram account.
    pub fn cross_app_write(
        &mut self,
        user_id: &str,
        instagram_to: &str,
        content: serde_json::Value,
    ) -> Result<Sent, CrossAppRefusal> {
        if !self.accounts.users.contains_key(user_id) {
            return Err(CrossAppRefusal::Person(PersonRefusal::UnknownPerson(
                "Facebook user",
                user_id.to_owned(),
            )));
        }
        let own = self
            .messaging_link(user_id, instagram_to)?
            .instagram_user_id
            .clone();
        if own == instagram_to {
            return Err(CrossAppRefusal::Person(PersonRefusal::ToSelf));
        }
        if !self.instagram.accounts.contains_key(instagram_to) {
            return Err(CrossAppRefusal::Person(PersonRefusal::UnknownRecipient(
                instagram_to.to_owned(),
            )));
        }
        let conversation = self.instagram_conversation(&own, instagram_to);
        let mut message = self.new_instagram_message(&conversation, &own, instagram_to, content);
        message.via_messenger = Some(user_id.to_owned());
        Ok(self.deliver_instagram(&conversation, message))
    }

    /// An Instagram account writes to a Facebook user: it reaches their
    /// linked Instagram account (the same conversation as from Messenger).
    pub fn cross_app_write_to_facebook(
        &mut self,
        from: &str,
        user_id: &str,
        content: serde_json::Value,
    ) -> Result<Sent, CrossAppRefusal> {
        let own = self
            .messaging_link(user_id, from)?
            .instagram_user_id
            .clone();
        self.instagram_write(from, &own, content)
            .map_err(CrossAppRefusal::Person)
    }

    /// Whether an Instagram message to the link's account shows in Messenger.
    pub fn mirrored_in_messenger(&self, link: &AccountsCenterLink, message: &Message) -> bool {
        let Some(linked_ms) = link.linked_at_ms.filter(|_| link.is_linked()) else {
            return false;
        };
        if message.time_ms >= linked_ms {
            return link.messages_allowed_at(message.time_ms);
        }
        link.granted(Permission::MessageHistory)
            && match link.sync.history {
                History::All => true,
                History::Selected => link.sync.threads.contains(&message.conversation),
                History::None => false,
            }
    }

    /// The Instagram messages a Facebook user sees in Messenger, oldest first.
    pub fn mirrored_instagram_messages(&self, user_id: &str) -> Vec<&Message> {
        let mut shown: Vec<&Message> = self
            .links_of_facebook_user(user_id)
            .into_iter()
            .flat_map(|link| {
                self.instagram
                    .conversations
                    .received_by(&link.instagram_user_id)
                    .into_iter()
                    .filter(move |m| self.mirrored_in_messenger(link, m))
            })
            .collect();
        shown.sort_by(|a, b| (a.time_ms, &a.id).cmp(&(b.time_ms, &b.id)));
        shown
    }

    /// The Facebook name an Instagram recipient sees for a message written
    /// in Messenger — only while the writer shares profile details (profile
    /// sync and `profile_info`); otherwise the linked Instagram account shows.
    pub fn messenger_writer_name(&self, message: &Message) -> Option<String> {
        let writer = message.via_messenger.as_deref()?;
        let link = self.link_of_instagram(&message.from)?;
        let shares = link.facebook_user_id == writer
            && link.sync.profile
            && link.granted(Permission::ProfileInfo);
        shares
            .then(|| self.accounts.users.get(writer).map(|u| u.name.clone()))
            .flatten()
    }

    /// Messenger's contact list: the people the user talks with in
    /// Messenger, and — when contacts sync, the `contacts` permission and
    /// "show Instagram contacts" are on — their linked account's Instagram
    /// contacts. Each list by name.
    pub fn unified_contacts(&self, user_id: &str) -> Vec<Contact> {
        let mut messenger: Vec<Contact> = self
            .messenger
            .conversations
            .of_side(user_id)
            .into_iter()
            .map(|c| c.other(user_id).to_owned())
            .filter_map(|other| {
                let person = self.accounts.users.get(&other)?;
                Some(Contact {
                    id: other,
                    name: person.name.clone(),
                    username: None,
                    platform: "messenger",
                })
            })
            .collect();
        messenger.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        let mut instagram: Vec<Contact> = self
            .links_of_facebook_user(user_id)
            .into_iter()
            .filter(|link| {
                link.sync.contacts
                    && link.granted(Permission::Contacts)
                    && link.preferences.show_instagram_contacts
            })
            .flat_map(|link| {
                self.instagram
                    .conversations
                    .of_side(&link.instagram_user_id)
                    .into_iter()
                    .map(|c| c.other(&link.instagram_user_id).to_owned())
            })
            .filter_map(|other| {
                let account = self.instagram.accounts.get(&other)?;
                Some(Contact {
                    id: other,
                    name: account.display_name().to_owned(),
                    username: Some(account.username.clone()),
                    platform: "instagram",
                })
            })
            .collect();
        instagram.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        instagram.dedup();
        messenger.extend(instagram);
        messenger
    }

    /// What Messenger notified the user of, oldest first: messages received
    /// in Messenger, and, from the link on, the linked Instagram account's
    /// messages, comments on its posts and mentions of it — each as the
    /// link's notification settings say.
    pub fn messenger_notifications(&self, user_id: &str) -> Vec<Notification> {
        let mut all: Vec<Notification> = self
            .messenger
            .conversations
            .received_by(user_id)
            .into_iter()
            .map(|m| Notification {
                kind: "message",
                from: m.from.clone(),
                text: m.text().map(str::to_owned),
                time_ms: m.time_ms,
            })
            .collect();
        for link in self.links_of_facebook_user(user_id) {
            let linked_ms = link.linked_at_ms.unwrap_or(i64::MAX);
            let settings = link.preferences.notifications;
            let own = &link.instagram_user_id;
            if settings.direct_messages {
                all.extend(
                    self.instagram
                        .conversations
                        .received_by(own)
                        .into_iter()
                        .filter(|m| m.time_ms >= linked_ms && self.mirrored_in_messenger(link, m))
                        .map(|m| Notification {
                            kind: "instagram_message",
                            from: m.from.clone(),
                            text: m.text().map(str::to_owned),
                            time_ms: m.time_ms,
                        }),
                );
            }
            let username = self
                .instagram
                .accounts
                .get(own)
                .map(|a| a.username.as_str())
                .unwrap_or_default();
            for comment in self.instagram.comments.values() {
                let time_ms = comment.time_ms;
                if time_ms < linked_ms || &comment.from == own {
                    continue;
                }
                let on_own_post = self
                    .instagram
                    .media
                    .get(&comment.media_id)
                    .is_some_and(|m| &m.owner == own);
                let kind = if on_own_post && settings.comments {
                    "instagram_comment"
                } else if !on_own_post
                    && settings.mentions
                    && mentions(&comment.text).contains(&username)
                {
                    "instagram_mention"
                } else {
                    continue;
                };
                all.push(Notification {
                    kind,
                    from: comment.from.clone(),
                    text: Some(comment.text.clone()),
                    time_ms,
                });
            }
        }
        all.sort_by_key(|n| n.time_ms);
        all
    }
}
