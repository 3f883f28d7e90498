//! `POST /{phone-number-id}/smb_app_data`: after onboarding, the partner asks
//! once for the business's WhatsApp Business app contacts
//! (`smb_app_state_sync`) and once for its chat history (`history`). Contacts
//! are the people the number has chats with; history is every 1:1 message of
//! the 180 days before onboarding, in Meta's phases (day 0–1, 1–90, 90–180),
//! chunks and progress, media as placeholders followed by their contents for
//! the last 14 days — or, when the business declined to share it, one entry
//! with error 2593109.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::world::events::EventPayload;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::messaging::{Direction, MessageStatus, WaMessage};

const DAY: i64 = 24 * 3600;
/// History reaches this far back from onboarding.
pub const HISTORY_SECONDS: i64 = 180 * DAY;
/// Media messages this recent get a second webhook with their contents.
pub const MEDIA_CONTENT_SECONDS: i64 = 14 * DAY;
/// Messages per `history` webhook (a thread longer than that spans several).
pub const HISTORY_CHUNK_MESSAGES: usize = 100;
/// Contacts per `smb_app_state_sync` webhook.
pub const CONTACTS_PER_WEBHOOK: usize = 100;

/// What `sync_type` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncType {
    AppState,
    History,
}

impl SyncType {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "smb_app_state_sync" => Some(Self::AppState),
            "history" => Some(Self::History),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::AppState => "smb_app_state_sync",
            Self::History => "history",
        }
    }
}

/// Why a synchronization request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncRefusal {
    /// The number is not a WhatsApp Business app number on the Cloud API.
    NotOnBusinessApp,
    /// This synchronization was requested already in this onboarding.
    AlreadyRequested(SyncType),
}

/// A contact of the business's app, as `smb_app_state_sync` describes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SyncedContact {
    /// The contact's phone digits.
    pub phone: String,
    pub user_id: String,
    /// Their parent BSUID, when the portfolio is enrolled for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
}

/// One message of the history.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HistoryMessage {
    pub id: String,
    /// Sent by the business (else by the consumer).
    pub from_business: bool,
    pub time: i64,
    /// Meta's message object.
    pub message: Value,
    /// `history_context.status`: `SENT`, `DELIVERED`, `READ`, `ERROR`, `PENDING`.
    pub status: String,
}

/// One chat of the history: the consumer and their messages.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HistoryThread {
    pub consumer: String,
    pub user_id: String,
    /// Their parent BSUID, when the portfolio is enrolled for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub messages: Vec<HistoryMessage>,
}

/// What one `history` webhook carries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum HistoryPart {
    /// A chunk of threads of one phase.
    Chunk {
        phase: u8,
        chunk_order: u32,
        progress: u32,
        threads: Vec<HistoryThread>,
    },
    /// The contents of one recent media message (shown as a placeholder in its chunk).
    Media { thread: HistoryThread },
    /// The business declined to share its history (error 2593109).
    Declined,
}

fn is_media(message: &Value) -> bool {
    matches!(
        message["type"].as_str(),
        Some("image" | "video" | "audio" | "document" | "sticker")
    )
}

/// `history_context.status` of a message.
fn history_status(message: &WaMessage) -> &'static str {
    match message.status {
        MessageStatus::Accepted => "PENDING",
        MessageStatus::Sent => "SENT",
        MessageStatus::Delivered | MessageStatus::Received => "DELIVERED",
        MessageStatus::Read => "READ",
        MessageStatus::Failed => "ERROR",
    }
}

/// The history phase of a message `age` seconds older than onboarding:
/// day 0–1, 1–90, 90–180; older messages are not shared.
fn phase(age: i64) -> Option<u8> {
    if age <= DAY {
        Some(0)
    } else if age <= 90 * DAY {
        Some(1)
    } else if age <= HISTORY_SECONDS {
        Some(2)
    } else {
        None
    }
}

impl Sandbox {
    /// The partner asks for the app's contacts or its history; answers the
    /// request id, and the webhooks follow.
    pub fn request_app_data_sync(
        &mut self,
        phone_number_id: &str,
        sync: SyncType,
    ) -> Result<String, SyncRefusal> {
        let digits = self
            .app_number_of_phone(phone_number_id)
            .filter(|(_, number)| number.onboarding.is_some())
            .map(|(digits, _)| digits.to_owned())
            .ok_or(SyncRefusal::NotOnBusinessApp)?;
        let now = self.clock.now();
        let onboarding = self
            .whatsapp
            .business_app
            .numbers
            .get_mut(&digits)
            .and_then(|n| n.onboarding.as_mut())
            .ok_or(SyncRefusal::NotOnBusinessApp)?;
        let requested = match sync {
            SyncType::AppState => &mut onboarding.state_sync_requested_at,
            SyncType::History => &mut onboarding.history_requested_at,
        };
        if requested.is_some() {
            return Err(SyncRefusal::AlreadyRequested(sync));
        }
        *requested = Some(now);
        let onboarding = onboarding.clone();
        match sync {
            SyncType::AppState => self.sync_contacts(phone_number_id, &onboarding.waba_id),
            SyncType::History if onboarding.share_history => self.sync_history(
                phone_number_id,
                &onboarding.waba_id,
                onboarding.at,
                onboarding.history_until_seq,
            ),
            SyncType::History => self.events.emit(
                now,
                EventPayload::WhatsappHistory {
                    waba_id: onboarding.waba_id.clone(),
                    phone_number_id: phone_number_id.to_owned(),
                    part: HistoryPart::Declined,
                },
            ),
        }
        Ok(hex::encode(&self.ids.secret_bytes("smb-app-data")[..16]))
    }

    /// A thread of `consumer` with `messages`, as the business's portfolio sees them.
    fn history_thread(
        &self,
        business: &str,
        consumer: &str,
        messages: Vec<HistoryMessage>,
    ) -> HistoryThread {
        HistoryThread {
            consumer: consumer.to_owned(),
            user_id: self.bsuid(consumer, business),
            parent_user_id: self.parent_bsuid(consumer, business),
            username: self
                .whatsapp
                .consumers
                .get(consumer)
                .and_then(|c| c.username.clone()),
            messages,
        }
    }

    /// `smb_app_state_sync`: everyone the number has chats with, in webhooks
    /// of [`CONTACTS_PER_WEBHOOK`].
    fn sync_contacts(&mut self, phone_number_id: &str, waba_id: &str) {
        let business = self.business_of_phone(phone_number_id).unwrap_or_default();
        let people: BTreeSet<&String> = self
            .whatsapp
            .messaging
            .messages
            .values()
            .filter(|m| m.phone_number_id == phone_number_id)
            .map(|m| &m.consumer)
            .collect();
        let contacts: Vec<SyncedContact> = people
            .into_iter()
            .map(|phone| {
                let person = self.whatsapp.consumers.get(phone);
                SyncedContact {
                    phone: phone.clone(),
                    user_id: self.bsuid(phone, &business),
                    parent_user_id: self.parent_bsuid(phone, &business),
                    username: person.and_then(|p| p.username.clone()),
                    full_name: person.and_then(|p| p.name.clone()),
                }
            })
            .collect();
        let now = self.clock.now();
        for part in contacts.chunks(CONTACTS_PER_WEBHOOK) {
            self.events.emit(
                now,
                EventPayload::WhatsappAppStateSync {
                    waba_id: waba_id.to_owned(),
                    phone_number_id: phone_number_id.to_owned(),
                    contacts: part.to_vec(),
                },
            );
        }
    }

    /// `history`: the chats of the 180 days before `onboarded_at`, phase by
    /// phase in chunks, then the contents of recent media.
    fn sync_history(
        &mut self,
        phone_number_id: &str,
        waba_id: &str,
        onboarded_at: i64,
        until_seq: u64,
    ) {
        let business = self.business_of_phone(phone_number_id).unwrap_or_default();
        // phase -> consumer -> messages, oldest first.
        let mut phases: BTreeMap<u8, BTreeMap<String, Vec<HistoryMessage>>> = BTreeMap::new();
        let mut media = Vec::new();
        for message in self.whatsapp.messaging.in_order() {
            if message.phone_number_id != phone_number_id || message.seq > until_seq {
                continue;
            }
            let age = onboarded_at - message.time;
            let Some(phase) = phase(age) else {
                continue;
            };
            let body = message.message.to_value();
            let media_content = is_media(&body) && age <= MEDIA_CONTENT_SECONDS;
            let entry = HistoryMessage {
                id: message.id.clone(),
                from_business: message.direction == Direction::Outbound,
                time: message.time,
                message: body,
                status: history_status(message).to_owned(),
            };
            if media_content {
                media.push((message.consumer.clone(), entry.clone()));
            }
            phases
                .entry(phase)
                .or_default()
                .entry(message.consumer.clone())
                .or_default()
                .push(entry);
        }
        let total: usize = phases.values().flat_map(|t| t.values()).map(Vec::len).sum();
        let mut parts = Vec::new();
        let mut sent = 0;
        for (phase, threads) in phases {
            let flat: Vec<(String, HistoryMessage)> = threads
                .into_iter()
                .flat_map(|(consumer, messages)| {
                    messages.into_iter().map(move |m| (consumer.clone(), m))
                })
                .collect();
            for (order, chunk) in flat.chunks(HISTORY_CHUNK_MESSAGES).enumerate() {
                let mut threads: Vec<HistoryThread> = Vec::new();
                for (consumer, message) in chunk {
                    match threads.last_mut() {
                        Some(thread) if &thread.consumer == consumer => {
                            thread.messages.push(message.clone());
                        }
                        _ => threads.push(self.history_thread(
                            &business,
                            consumer,
                            vec![message.clone()],
                        )),
                    }
                }
                sent += chunk.len();
                parts.push(HistoryPart::Chunk {
                    phase,
                    chunk_order: u32::try_from(order + 1).unwrap_or(u32::MAX),
                    progress: u32::try_from(sent * 100 / total).unwrap_or(100),
                    threads,
                });
            }
        }
        for (consumer, message) in media {
            parts.push(HistoryPart::Media {
                thread: self.history_thread(&business, &consumer, vec![message]),
            });
        }
        let now = self.clock.now();
        for part in parts {
            self.events.emit(
                now,
                EventPayload::WhatsappHistory {
                    waba_id: waba_id.to_owned(),
                    phone_number_id: phone_number_id.to_owned(),
                    part,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::whatsapp::business_app::tests::{SHOP, with_shop};
    use serde_json::json;

    const ALICE: &str = "15550109999";
    const BOB: &str = "15550108888";

    fn text(body: &str) -> Value {
        json!({ "type": "text", "text": { "body": body } })
    }

    fn history_parts(sandbox: &Sandbox) -> Vec<HistoryPart> {
        sandbox
            .events
            .all()
            .iter()
            .filter_map(|e| match &e.payload {
                EventPayload::WhatsappHistory { part, .. } => Some(part.clone()),
                _ => None,
            })
            .collect()
    }

    /// The shop with chats 100 days, 30 days, 3 days and an hour before
    /// onboarding, then onboarded (sharing history or not).
    fn shop_with_history(share: bool) -> (Sandbox, String) {
        let mut sandbox = with_shop();
        for (days_later, who, body) in [
            (0, ALICE, "old"),
            (100, BOB, "month"),
            (67, ALICE, "recent"),
        ] {
            sandbox.clock.advance(days_later * DAY);
            sandbox.consumer_writes(who, SHOP, text(body)).unwrap();
        }
        sandbox.clock.advance(3 * DAY - 3600);
        let photo = json!({ "type": "image", "image": { "id": "1", "caption": "shelf" } });
        sandbox
            .send_from_business_app(SHOP, ALICE, photo, "15550123456:0")
            .unwrap();
        sandbox.clock.advance(3600);
        let waba = sandbox.handles["waba"].clone();
        sandbox
            .onboard_business_app_number(SHOP, &waba, share)
            .unwrap();
        let id = sandbox.whatsapp.business_app.numbers[SHOP]
            .phone_number_id
            .clone();
        (sandbox, id)
    }

    #[test]
    fn phases_follow_the_age_of_each_message() {
        assert_eq!(phase(0), Some(0));
        assert_eq!(phase(DAY), Some(0));
        assert_eq!(phase(DAY + 1), Some(1));
        assert_eq!(phase(90 * DAY), Some(1));
        assert_eq!(phase(90 * DAY + 1), Some(2));
        assert_eq!(phase(HISTORY_SECONDS), Some(2));
        assert_eq!(phase(HISTORY_SECONDS + 1), None);
    }

    #[test]
    fn history_comes_in_phases_with_progress_then_recent_media() {
        let (mut sandbox, id) = shop_with_history(true);
        sandbox
            .request_app_data_sync(&id, SyncType::History)
            .unwrap();
        let parts = history_parts(&sandbox);
        let summary: Vec<(u8, u32, Vec<String>)> = parts
            .iter()
            .filter_map(|p| match p {
                HistoryPart::Chunk {
                    phase,
                    progress,
                    threads,
                    ..
                } => Some((
                    *phase,
                    *progress,
                    threads.iter().map(|t| t.consumer.clone()).collect(),
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            summary,
            [
                (0, 25, vec![ALICE.to_owned()]),
                (1, 75, vec![BOB.to_owned(), ALICE.to_owned()]),
                (2, 100, vec![ALICE.to_owned()]),
            ]
        );
        assert!(matches!(
            parts.last(),
            Some(HistoryPart::Media { thread }) if thread.messages[0].from_business
        ));
        assert_eq!(
            sandbox.request_app_data_sync(&id, SyncType::History),
            Err(SyncRefusal::AlreadyRequested(SyncType::History))
        );
    }

    #[test]
    fn a_declined_history_is_one_error_and_contacts_are_the_chats() {
        let (mut sandbox, id) = shop_with_history(false);
        sandbox
            .request_app_data_sync(&id, SyncType::History)
            .unwrap();
        assert_eq!(history_parts(&sandbox), [HistoryPart::Declined]);
        sandbox
            .request_app_data_sync(&id, SyncType::AppState)
            .unwrap();
        let Some(EventPayload::WhatsappAppStateSync { contacts, .. }) =
            sandbox.events.all().last().map(|e| e.payload.clone())
        else {
            panic!("a state sync");
        };
        let phones: Vec<&str> = contacts.iter().map(|c| c.phone.as_str()).collect();
        assert_eq!(phones, [BOB, ALICE]);
        assert_eq!(contacts[1].full_name.as_deref(), Some("Alice Rivera"));
    }

    #[test]
    fn only_numbers_on_the_cloud_api_from_the_app_synchronize() {
        let mut sandbox = with_shop();
        let demo_number = sandbox.handles["phone_number"].clone();
        assert_eq!(
            sandbox.request_app_data_sync(&demo_number, SyncType::AppState),
            Err(SyncRefusal::NotOnBusinessApp)
        );
        let shop = sandbox.whatsapp.business_app.numbers[SHOP]
            .phone_number_id
            .clone();
        assert_eq!(
            sandbox.request_app_data_sync(&shop, SyncType::AppState),
            Err(SyncRefusal::NotOnBusinessApp),
            "not onboarded yet"
        );
    }
}
