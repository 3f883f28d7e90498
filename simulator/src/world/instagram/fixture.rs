//! The Instagram part of a fixture: accounts (personal or professional),
//! the Page a professional account is linked to, the contact options it
//! starts with, and Direct messages already written when the sandbox starts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::contact_options::PublicContact;
use super::direct::{MID_PREFIX, MID_RANDOM};
use super::{ContactOptions, InstagramAccount};
use crate::world::fixture::FixtureError;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::conversations::{Message, PastMessage};
use crate::world::shared::phone::phone_digits;
use crate::world::shared::standing::AccountStanding;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InstagramFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Pin the legacy `ig_id`; drawn from the seed otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ig_id: Option<String>,
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `BUSINESS`, `MEDIA_CREATOR` or `PERSONAL`.
    #[serde(default = "default_account_type")]
    pub account_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biography: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default)]
    pub followers_count: u64,
    #[serde(default)]
    pub follows_count: u64,
    #[serde(default)]
    pub media_count: u64,
    /// Handle of the Facebook Page this professional account is linked to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The phone number on the account (offered for the WhatsApp contact option).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Contact options already on the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<PublicContact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Verified contact points, two-factor, a compromise flag.
    #[serde(default, skip_serializing_if = "AccountStanding::is_clear")]
    pub standing: AccountStanding,
}

fn default_account_type() -> String {
    "BUSINESS".to_owned()
}

impl Sandbox {
    pub(crate) fn load_instagram_accounts(
        &mut self,
        accounts: &[InstagramFixture],
    ) -> Result<(), FixtureError> {
        for (i, ig) in accounts.iter().enumerate() {
            let place = format!("instagram_accounts[{i}]");
            if !matches!(
                ig.account_type.as_str(),
                "BUSINESS" | "MEDIA_CREATOR" | "PERSONAL"
            ) {
                return Err(FixtureError::at(
                    format!("{place}.account_type"),
                    format!(
                        "expected BUSINESS, MEDIA_CREATOR or PERSONAL, got {:?}",
                        ig.account_type
                    ),
                ));
            }
            let page_id = self.resolve_optional_handle(
                ig.page.as_ref(),
                &[NodeKind::Page],
                &format!("{place}.page"),
            )?;
            let id = self.fixture_node(NodeKind::InstagramUser, ig.id.as_deref(), &place)?;
            self.name_handle(&ig.handle, &id, &place)?;
            let professional = ig.account_type != "PERSONAL";
            if page_id.is_some() && !professional {
                return Err(FixtureError::at(
                    format!("{place}.page"),
                    "only professional accounts can be linked to a Page",
                ));
            }
            let contact = ig.contact.clone().unwrap_or_default();
            if !professional && contact != PublicContact::default() {
                return Err(FixtureError::at(
                    format!("{place}.contact"),
                    "only professional accounts have contact options",
                ));
            }
            let digits = |phone: &Option<String>| phone.as_deref().map(phone_digits);
            let ig_id = match &ig.ig_id {
                Some(pinned) => pinned.clone(),
                None => self.ids.numeric_id("7", 10),
            };
            let account = InstagramAccount {
                id: id.clone(),
                ig_id,
                username: ig.username.clone(),
                name: ig.name.clone(),
                account_type: ig.account_type.clone(),
                biography: ig.biography.clone(),
                website: ig.website.clone(),
                followers_count: ig.followers_count,
                follows_count: ig.follows_count,
                media_count: ig.media_count,
                page_id: None,
                phone: digits(&ig.phone),
                contact: ContactOptions {
                    public: PublicContact {
                        email: contact.email,
                        phone: digits(&contact.phone),
                        whatsapp: digits(&contact.whatsapp),
                    },
                    pending_whatsapp: None,
                },
                email: ig.email.clone(),
                standing: ig.standing,
                allow_access_to_messages: true,
                subscribed_apps: BTreeMap::new(),
            };
            self.instagram
                .accounts
                .insert(id.clone(), Box::new(account));
            if let Some(page_id) = page_id {
                self.connect_instagram_to_page(&page_id, &id);
            }
        }
        Ok(())
    }
}

impl Sandbox {
    pub(crate) fn load_instagram_messages(
        &mut self,
        messages: &[PastMessage],
    ) -> Result<(), FixtureError> {
        for (i, fixture) in messages.iter().enumerate() {
            let place = format!("instagram_messages[{i}]");
            let kinds = [NodeKind::InstagramUser];
            let from = self.resolve_handle(&fixture.from, &kinds, &format!("{place}.from"))?;
            let to = self.resolve_handle(&fixture.to, &kinds, &format!("{place}.to"))?;
            if fixture.text.is_empty() || from == to {
                return Err(FixtureError::at(
                    place,
                    "needs a text, from one account to another",
                ));
            }
            let conversation = self.instagram_conversation(&from, &to);
            let node = self.is_professional_account(&to) || self.is_professional_account(&from);
            let mid = format!(
                "{MID_PREFIX}{}",
                self.ids
                    .derived_base62(&format!("fixture/{place}"), MID_RANDOM)
            );
            if node {
                self.registry
                    .insert(mid.clone(), NodeKind::InstagramMessage);
            }
            let seconds = self.clock.now() - i64::from(fixture.seconds_ago);
            let time_ms = self.instagram.conversations.note_time(seconds, i);
            let content = json!({ "text": fixture.text });
            self.keep_instagram_message(Message::new(
                &conversation,
                &from,
                &to,
                time_ms,
                &mid,
                content,
            ));
        }
        Ok(())
    }
}
