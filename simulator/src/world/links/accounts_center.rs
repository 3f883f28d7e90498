//! Accounts Center: a person links their Facebook account (Messenger) and an
//! Instagram account. The link starts `pending`; the person chooses
//! messaging preferences (notifications, whether Instagram contacts show in
//! Messenger) and what to sync (contacts, profile details, message history:
//! all, none or selected threads), then confirms with the permissions they
//! grant (direct messages, contacts, profile info, message history) and the
//! link is `linked`. Permissions can be granted or revoked later, one by
//! one; unlinking ends everything at once. What a link does — cross-app
//! messages, the unified inbox and contacts, mirrored notifications — is in
//! `cross_app.rs`.
//!
//! Preconditions, checked in this order when linking: a Facebook account;
//! no link already for these accounts; neither account compromised; both
//! verified (email or phone); two-factor authentication on the Facebook
//! account when the Instagram account is professional or the person manages
//! a Page; at most [`INSTAGRAM_PER_FACEBOOK`] Instagram accounts per
//! Facebook account.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::sandbox::Sandbox;

/// How many Instagram accounts one Facebook account may link (Meta limits it
/// by policy without publishing the number; metasim's choice).
pub const INSTAGRAM_PER_FACEBOOK: usize = 2;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LinkState {
    Pending,
    Linked,
}

/// A permission the person grants the link.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    DirectMessages,
    Contacts,
    ProfileInfo,
    MessageHistory,
}

impl Permission {
    pub const ALL: [Permission; 4] = [
        Permission::DirectMessages,
        Permission::Contacts,
        Permission::ProfileInfo,
        Permission::MessageHistory,
    ];
}

/// Which notifications Instagram mirrors into Messenger.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Notifications {
    pub direct_messages: bool,
    pub mentions: bool,
    pub comments: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Preferences {
    pub notifications: Notifications,
    /// Whether Instagram contacts show in Messenger's contact list.
    pub show_instagram_contacts: bool,
}

impl Default for Preferences {
    /// Direct messages only, Instagram contacts shown.
    fn default() -> Self {
        Self {
            notifications: Notifications {
                direct_messages: true,
                mentions: false,
                comments: false,
            },
            show_instagram_contacts: true,
        }
    }
}

/// Which Instagram history Messenger shows.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum History {
    All,
    #[default]
    None,
    Selected,
}

/// What the person syncs (also the body of the sync step).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SyncChoices {
    pub contacts: bool,
    pub profile: bool,
    pub history: History,
    /// The Instagram conversations whose history shows (with `selected`).
    #[serde(default)]
    pub threads: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AccountsCenterLink {
    pub id: String,
    pub facebook_user_id: String,
    pub instagram_user_id: String,
    pub state: LinkState,
    pub created_at: i64,
    /// When it was confirmed (seconds, and the millisecond mark messages
    /// are compared with).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_at_ms: Option<i64>,
    pub preferences: Preferences,
    pub sync: SyncChoices,
    pub permissions: BTreeMap<Permission, bool>,
    /// The spans (milliseconds) in which `direct_messages` was granted; the
    /// last is open while it still is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub direct_message_spans: Vec<(i64, Option<i64>)>,
}

impl AccountsCenterLink {
    pub fn granted(&self, permission: Permission) -> bool {
        self.permissions.get(&permission).copied().unwrap_or(false)
    }

    pub fn is_linked(&self) -> bool {
        self.state == LinkState::Linked
    }

    /// Whether `direct_messages` was granted at `time_ms`.
    pub fn messages_allowed_at(&self, time_ms: i64) -> bool {
        self.direct_message_spans
            .iter()
            .any(|(from, until)| time_ms >= *from && until.is_none_or(|until| time_ms < until))
    }
}

/// Why a link step was refused; `reason` is the machine-readable name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkRefusal {
    FacebookAccountRequired(String),
    UnknownInstagram(String),
    AlreadyLinked,
    Compromised(&'static str),
    NotVerified(&'static str),
    TwoFactorRequired,
    LimitReached,
    UnknownLink(String),
    NotPending,
    NotConfirmed,
    Invalid(String),
}

impl LinkRefusal {
    /// The `error_data.reason` the control plane gives.
    pub fn reason(&self) -> &'static str {
        match self {
            LinkRefusal::FacebookAccountRequired(_) => "facebook_account_required",
            LinkRefusal::UnknownInstagram(_) => "unknown_instagram_account",
            LinkRefusal::AlreadyLinked => "already_linked",
            LinkRefusal::Compromised(_) => "compromised",
            LinkRefusal::NotVerified(_) => "not_verified",
            LinkRefusal::TwoFactorRequired => "two_factor_required",
            LinkRefusal::LimitReached => "limit_reached",
            LinkRefusal::UnknownLink(_) => "unknown_link",
            LinkRefusal::NotPending => "not_pending",
            LinkRefusal::NotConfirmed => "not_confirmed",
            LinkRefusal::Invalid(_) => "invalid",
        }
    }

    pub fn message(&self) -> String {
        match self {
            LinkRefusal::FacebookAccountRequired(id) => format!(
                "A Facebook account is required: {id:?} is not a Facebook user of this sandbox"
            ),
            LinkRefusal::UnknownInstagram(id) => {
                format!("No Instagram account with id {id:?} in this sandbox")
            }
            LinkRefusal::AlreadyLinked => {
                "These accounts (or this Instagram account) are already linked in Accounts Center"
                    .to_owned()
            }
            LinkRefusal::Compromised(which) => format!(
                "The {which} account is flagged as compromised and is restricted from linking"
            ),
            LinkRefusal::NotVerified(which) => {
                format!("The {which} account has no confirmed email address or phone number")
            }
            LinkRefusal::TwoFactorRequired => {
                "Turn on two-factor authentication on the Facebook account to link these accounts"
                    .to_owned()
            }
            LinkRefusal::LimitReached => format!(
                "This Facebook account already links {INSTAGRAM_PER_FACEBOOK} Instagram accounts, the most allowed"
            ),
            LinkRefusal::UnknownLink(id) => format!("No Accounts Center link with id {id:?}"),
            LinkRefusal::NotPending => "The link is already confirmed".to_owned(),
            LinkRefusal::NotConfirmed => {
                "Confirm the link first: permissions are granted when it is confirmed".to_owned()
            }
            LinkRefusal::Invalid(message) => message.clone(),
        }
    }
}

/// A change of preferences; absent members keep their value.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreferencesUpdate {
    #[serde(default)]
    pub notifications: Option<NotificationsUpdate>,
    #[serde(default)]
    pub show_instagram_contacts: Option<bool>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationsUpdate {
    #[serde(default)]
    pub direct_messages: Option<bool>,
    #[serde(default)]
    pub mentions: Option<bool>,
    #[serde(default)]
    pub comments: Option<bool>,
}

impl Sandbox {
    /// A link of this sandbox.
    pub fn accounts_center_link(&self, id: &str) -> Result<&AccountsCenterLink, LinkRefusal> {
        self.links
            .accounts_center
            .get(id)
            .ok_or_else(|| LinkRefusal::UnknownLink(id.to_owned()))
    }

    fn link_mut(&mut self, id: &str) -> Result<&mut AccountsCenterLink, LinkRefusal> {
        self.links
            .accounts_center
            .get_mut(id)
            .ok_or_else(|| LinkRefusal::UnknownLink(id.to_owned()))
    }

    /// A millisecond mark for now, after every Instagram message so far.
    fn link_mark(&mut self) -> i64 {
        let now = self.clock.now();
        self.instagram.conversations.stamp(now)
    }

    /// Start linking a Facebook account and an Instagram account.
    pub fn start_accounts_center_link(
        &mut self,
        facebook_user_id: &str,
        instagram_user_id: &str,
    ) -> Result<String, LinkRefusal> {
        let facebook = self
            .accounts
            .users
            .get(facebook_user_id)
            .ok_or_else(|| LinkRefusal::FacebookAccountRequired(facebook_user_id.to_owned()))?;
        let instagram = self
            .instagram
            .accounts
            .get(instagram_user_id)
            .ok_or_else(|| LinkRefusal::UnknownInstagram(instagram_user_id.to_owned()))?;
        if self
            .links
            .accounts_center
            .values()
            .any(|link| link.instagram_user_id == instagram_user_id)
        {
            return Err(LinkRefusal::AlreadyLinked);
        }
        if facebook.standing.compromised {
            return Err(LinkRefusal::Compromised("Facebook"));
        }
        if instagram.standing.compromised {
            return Err(LinkRefusal::Compromised("Instagram"));
        }
        if !facebook.standing.verified() {
            return Err(LinkRefusal::NotVerified("Facebook"));
        }
        if !instagram.standing.verified() {
            return Err(LinkRefusal::NotVerified("Instagram"));
        }
        let manages_page = self
            .pages
            .pages
            .values()
            .any(|page| page.roles.contains_key(facebook_user_id));
        if (instagram.is_professional() || manages_page) && !facebook.standing.two_factor {
            return Err(LinkRefusal::TwoFactorRequired);
        }
        let links = self
            .links
            .accounts_center
            .values()
            .filter(|link| link.facebook_user_id == facebook_user_id)
            .count();
        if links >= INSTAGRAM_PER_FACEBOOK {
            return Err(LinkRefusal::LimitReached);
        }
        let id = self.ids.numeric_id("9", 16);
        let link = AccountsCenterLink {
            id: id.clone(),
            facebook_user_id: facebook_user_id.to_owned(),
            instagram_user_id: instagram_user_id.to_owned(),
            state: LinkState::Pending,
            created_at: self.clock.now(),
            linked_at: None,
            linked_at_ms: None,
            preferences: Preferences::default(),
            sync: SyncChoices::default(),
            permissions: Permission::ALL.iter().map(|p| (*p, false)).collect(),
            direct_message_spans: Vec::new(),
        };
        self.links.accounts_center.insert(id.clone(), link);
        Ok(id)
    }

    /// Choose messaging preferences (before or after confirming).
    pub fn set_link_preferences(
        &mut self,
        id: &str,
        update: PreferencesUpdate,
    ) -> Result<(), LinkRefusal> {
        let preferences = &mut self.link_mut(id)?.preferences;
        if let Some(notifications) = update.notifications {
            let current = &mut preferences.notifications;
            current.direct_messages = notifications
                .direct_messages
                .unwrap_or(current.direct_messages);
            current.mentions = notifications.mentions.unwrap_or(current.mentions);
            current.comments = notifications.comments.unwrap_or(current.comments);
        }
        if let Some(show) = update.show_instagram_contacts {
            preferences.show_instagram_contacts = show;
        }
        Ok(())
    }

    /// Choose what to sync; `threads` (the Instagram account's conversation
    /// ids) go with `selected` history and only with it.
    pub fn set_link_sync(&mut self, id: &str, sync: SyncChoices) -> Result<(), LinkRefusal> {
        let instagram = self.accounts_center_link(id)?.instagram_user_id.clone();
        match (sync.history, sync.threads.is_empty()) {
            (History::Selected, true) => {
                return Err(LinkRefusal::Invalid(
                    "threads: choose at least one conversation for selected history".to_owned(),
                ));
            }
            (History::All | History::None, false) => {
                return Err(LinkRefusal::Invalid(
                    "threads: only with \"history\": \"selected\"".to_owned(),
                ));
            }
            _ => {}
        }
        for thread in &sync.threads {
            let theirs = self
                .instagram
                .conversations
                .get(thread)
                .is_some_and(|c| c.account == instagram || c.person == instagram);
            if !theirs {
                return Err(LinkRefusal::Invalid(format!(
                    "threads: {thread:?} is not a conversation of the Instagram account"
                )));
            }
        }
        self.link_mut(id)?.sync = sync;
        Ok(())
    }

    /// Review and confirm: the link becomes `linked` with `granted`.
    pub fn confirm_accounts_center_link(
        &mut self,
        id: &str,
        granted: &[Permission],
    ) -> Result<(), LinkRefusal> {
        if self.accounts_center_link(id)?.is_linked() {
            return Err(LinkRefusal::NotPending);
        }
        let mark = self.link_mark();
        let now = self.clock.now();
        let link = self.link_mut(id)?;
        link.state = LinkState::Linked;
        link.linked_at = Some(now);
        link.linked_at_ms = Some(mark);
        for permission in Permission::ALL {
            link.permissions
                .insert(permission, granted.contains(&permission));
        }
        if granted.contains(&Permission::DirectMessages) {
            link.direct_message_spans.push((mark, None));
        }
        Ok(())
    }

    /// Grant or revoke permissions of a confirmed link (those not named keep
    /// their state). Revoking `direct_messages` stops Instagram messages
    /// reaching Messenger from now on; those that reached it stay.
    pub fn set_link_permissions(
        &mut self,
        id: &str,
        changes: &BTreeMap<Permission, bool>,
    ) -> Result<(), LinkRefusal> {
        if !self.accounts_center_link(id)?.is_linked() {
            return Err(LinkRefusal::NotConfirmed);
        }
        let mark = self.link_mark();
        let link = self.link_mut(id)?;
        for (permission, granted) in changes {
            let was = link.granted(*permission);
            link.permissions.insert(*permission, *granted);
            if *permission != Permission::DirectMessages || was == *granted {
                continue;
            }
            if *granted {
                link.direct_message_spans.push((mark, None));
            } else if let Some(open) = link.direct_message_spans.last_mut() {
                open.1 = Some(mark);
            }
        }
        Ok(())
    }

    /// Unlink, at any time.
    pub fn unlink_accounts_center(&mut self, id: &str) -> Result<AccountsCenterLink, LinkRefusal> {
        self.links
            .accounts_center
            .remove(id)
            .ok_or_else(|| LinkRefusal::UnknownLink(id.to_owned()))
    }

    /// The confirmed links of a Facebook account, oldest first.
    pub fn links_of_facebook_user(&self, user_id: &str) -> Vec<&AccountsCenterLink> {
        let mut links: Vec<&AccountsCenterLink> = self
            .links
            .accounts_center
            .values()
            .filter(|link| link.facebook_user_id == user_id && link.is_linked())
            .collect();
        links.sort_by_key(|link| link.linked_at_ms);
        links
    }

    /// The confirmed link of an Instagram account.
    pub fn link_of_instagram(&self, instagram_id: &str) -> Option<&AccountsCenterLink> {
        self.links
            .accounts_center
            .values()
            .find(|link| link.instagram_user_id == instagram_id && link.is_linked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::accounts::people::NewFacebookUser;
    use crate::world::fixture::demo_fixture;
    use crate::world::instagram::people::NewInstagramUser;
    use crate::world::sandbox::SandboxOptions;

    fn linked_pair() -> (Sandbox, String) {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let facebook = sandbox
            .create_facebook_user(NewFacebookUser {
                name: "Ana".into(),
                email_verified: true,
                ..Default::default()
            })
            .unwrap();
        let instagram: NewInstagramUser = serde_json::from_value(serde_json::json!({
            "username": "ana.ig", "account_type": "personal", "phone_verified": true,
        }))
        .unwrap();
        let instagram = sandbox.create_instagram_user(instagram).unwrap();
        let id = sandbox
            .start_accounts_center_link(&facebook, &instagram)
            .unwrap();
        (sandbox, id)
    }

    #[test]
    fn direct_message_spans_follow_grants_and_revocations() {
        let (mut sandbox, id) = linked_pair();
        sandbox
            .confirm_accounts_center_link(&id, &[Permission::DirectMessages])
            .unwrap();
        let revoke = BTreeMap::from([(Permission::DirectMessages, false)]);
        let grant = BTreeMap::from([(Permission::DirectMessages, true)]);
        sandbox.set_link_permissions(&id, &revoke).unwrap();
        sandbox.set_link_permissions(&id, &revoke).unwrap();
        sandbox.set_link_permissions(&id, &grant).unwrap();
        let link = sandbox.accounts_center_link(&id).unwrap();
        let spans = link.direct_message_spans.clone();
        assert_eq!(spans.len(), 2, "revoking twice closes one span");
        let (first, closed) = spans[0];
        let closed = closed.unwrap();
        assert!(link.messages_allowed_at(first));
        assert!(!link.messages_allowed_at(closed));
        assert!(link.messages_allowed_at(spans[1].0 + 1_000_000));
        assert_eq!(
            sandbox.confirm_accounts_center_link(&id, &[]),
            Err(LinkRefusal::NotPending)
        );
        assert_eq!(
            sandbox.unlink_accounts_center(&id).map(|l| l.id),
            Ok(id.clone())
        );
        assert_eq!(
            sandbox.set_link_permissions(&id, &grant),
            Err(LinkRefusal::UnknownLink(id))
        );
    }
}
