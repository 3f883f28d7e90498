//! The signed outbox: deliveries built from changes (one per subscribed app
//! and callback URL, optionally batched), Meta's retry schedule on the
//! virtual clock (WhatsApp 7 days, other objects 36 hours), and every attempt
//! recorded. No delivery is dropped: it ends delivered or given up, and only
//! then may retention drop its body (its record stays, marked `body_dropped`).

use std::collections::VecDeque;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha1::Sha1;
use sha2::Sha256;

use super::payloads::{Address, Change, Envelope, PARTNER_SOLUTIONS};
use super::subscriptions::{Subscriptions, WebhookObject};
use crate::world::bounds::{counter, duration, in_range};
use crate::world::encode::meta_json;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// Seconds after a delivery was first due at which each attempt happens.
pub const RETRY_OFFSETS: [i64; 16] = [
    0, 15, 60, 300, 900, 3600, 10800, 21600, 43200, 86400, 172800, 259200, 345600, 432000, 518400,
    604800,
];
/// How long Meta keeps retrying: WhatsApp 7 days, other objects 36 hours.
pub fn retry_window(object: WebhookObject) -> i64 {
    if object == WebhookObject::WhatsappBusinessAccount {
        7 * 24 * 3600
    } else {
        36 * 3600
    }
}

/// The offset of the attempt after the first `made`, `elapsed` seconds after
/// the delivery was first due: the next slot still ahead — slots a clock jump
/// skipped collapse into the attempt just made instead of piling up at once —
/// or none when the window is over.
fn next_offset(object: WebhookObject, made: usize, elapsed: i64) -> Option<i64> {
    RETRY_OFFSETS
        .iter()
        .skip(made)
        .copied()
        .find(|offset| *offset > elapsed)
        .filter(|offset| *offset <= retry_window(object))
}

/// Receiver faults and delivery knobs (control plane: `webhooks/settings`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    /// Up to this many changes per POST (Meta batches up to 1000). 1 = one per POST.
    #[serde(default = "one")]
    pub batch_size: usize,
    /// Extra copies of every delivery, sent after it succeeds (duplicate delivery).
    #[serde(default)]
    pub duplicates: u32,
    /// Send due deliveries in reversed groups of this size (reordering). 0 or 1 = in order.
    #[serde(default)]
    pub reorder_window: usize,
    /// Hold every new delivery back this many virtual seconds.
    #[serde(default)]
    pub delay_seconds: i64,
    /// How long a receiver has to answer.
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    /// Count only HTTP 200 as success (default: any 2xx).
    #[serde(default)]
    pub strict_200: bool,
    /// Add a `contacts` array to failed statuses too. Meta leaves it out; pywa
    /// 4.5 expects it on every status (research §7, item 13).
    #[serde(default)]
    pub failed_status_contacts: bool,
    /// Deliveries POSTed at once by a flush. 1 = one at a time, in order;
    /// more may reach a receiver out of order, as Meta's may. Attempts are
    /// recorded in sending order either way.
    #[serde(default = "one")]
    pub in_flight: usize,
}

fn one() -> usize {
    1
}

fn default_timeout() -> u64 {
    20_000
}

/// Most copies of a delivery `duplicates` may ask for.
pub const MAX_DUPLICATES: u32 = 10;
/// Most a receiver may be given to answer, in milliseconds (5 minutes).
pub const MAX_TIMEOUT_MS: u64 = 300_000;
/// Most deliveries a flush may have in flight at once.
pub const MAX_IN_FLIGHT: usize = 64;

impl DeliverySettings {
    /// Refuse settings out of range; the message names the field and its bounds.
    pub fn check(&self) -> Result<(), Invalid> {
        if !(1..=1000).contains(&self.batch_size) {
            return Err(Invalid::new(
                "batch_size",
                "batch_size must be between 1 and 1000 (Meta batches up to 1000)",
            ));
        }
        in_range("duplicates", self.duplicates, 0, MAX_DUPLICATES)?;
        in_range("reorder_window", self.reorder_window, 0, 1000)?;
        duration("delay_seconds", self.delay_seconds)?;
        in_range("timeout_ms", self.timeout_ms, 1, MAX_TIMEOUT_MS)?;
        in_range("in_flight", self.in_flight, 1, MAX_IN_FLIGHT)?;
        Ok(())
    }
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            batch_size: 1,
            duplicates: 0,
            reorder_window: 0,
            delay_seconds: 0,
            timeout_ms: default_timeout(),
            strict_200: false,
            failed_status_contacts: false,
            in_flight: 1,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Delivered,
    GivenUp,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Attempt {
    pub number: u32,
    /// Virtual time of the attempt.
    pub time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Real time the receiver took (not part of the determinism contract).
    pub latency_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Delivery {
    pub id: u64,
    pub app_id: String,
    pub object: WebhookObject,
    pub url: String,
    /// Domain events (seq) this delivery carries; empty for triggered samples.
    pub events: Vec<u64>,
    pub fields: Vec<String>,
    /// `entry` items of the body, kept to re-sign while a batch may grow
    /// (until the first attempt).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    entries: Vec<Value>,
    /// The exact bytes sent (empty once retention dropped them).
    pub body: String,
    /// `X-Hub-Signature-256` and `X-Hub-Signature` values.
    pub signature_256: String,
    pub signature_1: String,
    pub created_at: i64,
    pub first_due_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<i64>,
    pub state: DeliveryState,
    pub attempts: Vec<Attempt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<u64>,
    /// Finished long enough ago that retention dropped its body and signatures.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub body_dropped: bool,
}

/// What one HTTP POST needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub delivery_id: u64,
    pub url: String,
    pub body: String,
    pub signature_256: String,
    pub signature_1: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WebhookState {
    pub subscriptions: Subscriptions,
    pub settings: DeliverySettings,
    pub deliveries: Vec<Delivery>,
    next_id: u64,
    /// Domain events up to this seq have been routed.
    routed_upto: u64,
    /// Finished deliveries that still have their bodies, oldest finished first.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    finished: VecDeque<u64>,
    /// How many finished deliveries lost their bodies to retention.
    #[serde(default, skip_serializing_if = "is_zero")]
    bodies_dropped: u64,
}

/// Ids are handed out in push order, so delivery `id` is at index id - 1.
fn index_of(id: u64) -> usize {
    (id as usize).wrapping_sub(1)
}

/// Delivery `id` in `deliveries`, found by its index.
fn by_id(deliveries: &mut [Delivery], id: u64) -> Option<&mut Delivery> {
    deliveries.get_mut(index_of(id)).filter(|d| d.id == id)
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

pub fn hex_hmac_256(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn hex_hmac_1(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

impl WebhookState {
    /// Refuse webhook state (from a snapshot) whose settings or counters are
    /// out of range, whose deliveries are not numbered 1, 2, 3… in order, or
    /// that routed events past `last_event`.
    pub fn check(&self, last_event: u64) -> Result<(), Invalid> {
        self.settings.check()?;
        counter("webhooks.next_id", self.next_id)?;
        in_range("webhooks.routed_upto", self.routed_upto, 0, last_event)?;
        in_range(
            "webhooks.bodies_dropped",
            self.bodies_dropped,
            0,
            self.next_id,
        )?;
        if let Some(id) = self
            .finished
            .iter()
            .find(|id| **id == 0 || **id > self.next_id)
        {
            return Err(Invalid::new(
                "webhooks.finished",
                format!(
                    "webhooks.finished: delivery {id} is not between 1 and next_id {}",
                    self.next_id
                ),
            ));
        }
        for (index, delivery) in self.deliveries.iter().enumerate() {
            if delivery.id != index as u64 + 1 || delivery.id > self.next_id {
                return Err(Invalid::new(
                    "webhooks.deliveries",
                    format!(
                        "webhooks.deliveries[{index}]: id {} should be {} (deliveries are numbered in order up to next_id {})",
                        delivery.id,
                        index + 1,
                        self.next_id
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl WebhookState {
    /// Domain events up to this seq have been routed.
    pub fn routed_upto(&self) -> u64 {
        self.routed_upto
    }

    /// How many finished deliveries lost their bodies to retention.
    pub fn bodies_dropped(&self) -> u64 {
        self.bodies_dropped
    }

    /// Delivery `id`, found by its index.
    pub fn delivery(&self, id: u64) -> Option<&Delivery> {
        self.deliveries.get(index_of(id)).filter(|d| d.id == id)
    }

    /// Keep the bodies of the `limit` deliveries that finished last; older
    /// finished deliveries keep their record without body and signatures.
    pub fn keep_bodies(&mut self, limit: usize) {
        while self.finished.len() > limit {
            let Some(id) = self.finished.pop_front() else {
                break;
            };
            if let Some(delivery) = by_id(&mut self.deliveries, id) {
                delivery.body = String::new();
                delivery.signature_256 = String::new();
                delivery.signature_1 = String::new();
                delivery.entries = Vec::new();
                delivery.body_dropped = true;
                self.bodies_dropped = self.bodies_dropped.saturating_add(1);
            }
        }
    }
}

impl Delivery {
    fn sign(&mut self, secret: &str) {
        let body = meta_json(&Envelope {
            object: self.object,
            entry: &self.entries,
        });
        self.signature_256 = format!("sha256={}", hex_hmac_256(secret, &body));
        self.signature_1 = format!("sha1={}", hex_hmac_1(secret, &body));
        self.body = String::from_utf8(body).expect("meta_json writes ASCII");
    }

    pub fn outgoing(&self) -> Outgoing {
        Outgoing {
            delivery_id: self.id,
            url: self.url.clone(),
            body: self.body.clone(),
            signature_256: self.signature_256.clone(),
            signature_1: self.signature_1.clone(),
        }
    }
}

impl Sandbox {
    fn app_secret_of(&self, app_id: &str) -> String {
        self.accounts
            .apps
            .get(app_id)
            .map(|a| a.secret.clone())
            .unwrap_or_default()
    }

    /// (app, callback URL) pairs that receive a change: subscribed at the app
    /// level to the object and field, and — for WhatsApp — to the WABA.
    fn targets(&self, change: Address<'_>) -> Vec<(String, String)> {
        if change.object == WebhookObject::WhatsappBusinessAccount
            && change.field == PARTNER_SOLUTIONS
        {
            return self.business_targets(change);
        }
        if change.object == WebhookObject::WhatsappBusinessAccount {
            let Some(waba) = self.whatsapp.wabas.get(change.entry_id) else {
                return vec![];
            };
            return waba
                .subscribed_apps
                .iter()
                .filter_map(|s| {
                    let app = self.subscription_for(&s.app_id, change.object, change.field)?;
                    let url = self.whatsapp_callback(
                        &s.app_id,
                        &waba.id,
                        change.phone_number_id,
                        change.field,
                        &app.callback_url,
                    );
                    Some((s.app_id.clone(), url))
                })
                .collect();
        }
        // Page changes go to apps installed on the Page with that field too;
        // an Instagram account's to the apps of its Page or its own.
        let installed = |app_id: &str| match (change.object, self.pages.pages.get(change.entry_id))
        {
            (WebhookObject::Page, Some(page)) => page
                .subscribed_apps
                .get(app_id)
                .is_some_and(|f| f.iter().any(|f| f == change.field)),
            (WebhookObject::Page, None) => false,
            (WebhookObject::Instagram, _) => {
                self.instagram_reaches_app(change.entry_id, app_id, change.field)
            }
            _ => true,
        };
        self.webhooks
            .subscriptions
            .0
            .keys()
            .filter(|app_id| installed(app_id))
            .filter_map(|app_id| {
                let app = self.subscription_for(app_id, change.object, change.field)?;
                Some((app_id.clone(), app.callback_url.clone()))
            })
            .collect()
    }

    /// Queue a change for every target; returns the deliveries it went into.
    pub fn enqueue_change(&mut self, change: &Change, event_seq: Option<u64>) -> Vec<u64> {
        let targets = self.targets(change.address());
        self.enqueue_to(targets, change, event_seq)
    }

    /// Queue a change for the targets already found for it.
    fn enqueue_to(
        &mut self,
        targets: Vec<(String, String)>,
        change: &Change,
        event_seq: Option<u64>,
    ) -> Vec<u64> {
        if targets.is_empty() {
            return Vec::new();
        }
        let entry = change.entry();
        let now = self.clock.now();
        let settings = self.webhooks.settings.clone();
        let mut used = Vec::new();
        for (app_id, url) in targets {
            let secret = self.app_secret_of(&app_id);
            let batchable = self.webhooks.deliveries.iter_mut().rev().find(|d| {
                d.app_id == app_id
                    && d.url == url
                    && d.object == change.object
                    && d.state == DeliveryState::Pending
                    && d.attempts.is_empty()
                    && d.duplicate_of.is_none()
                    && d.entries.len() < settings.batch_size.max(1)
            });
            if settings.batch_size > 1
                && let Some(delivery) = batchable
            {
                delivery.entries.push(entry.clone());
                delivery.events.extend(event_seq);
                if !delivery.fields.contains(&change.field) {
                    delivery.fields.push(change.field.clone());
                }
                delivery.sign(&secret);
                used.push(delivery.id);
                continue;
            }
            self.webhooks.next_id = self.webhooks.next_id.saturating_add(1);
            let due = now.saturating_add(settings.delay_seconds.max(0));
            let mut delivery = Delivery {
                id: self.webhooks.next_id,
                app_id,
                object: change.object,
                url,
                events: event_seq.into_iter().collect(),
                fields: vec![change.field.clone()],
                entries: vec![entry.clone()],
                body: String::new(),
                signature_256: String::new(),
                signature_1: String::new(),
                created_at: now,
                first_due_at: due,
                next_attempt_at: Some(due),
                state: DeliveryState::Pending,
                attempts: vec![],
                duplicate_of: None,
                body_dropped: false,
            };
            delivery.sign(&secret);
            used.push(delivery.id);
            self.webhooks.deliveries.push(delivery);
        }
        used
    }

    /// Turn every domain event not yet routed into deliveries. Targets come
    /// first: an event nobody receives builds no payload.
    pub fn route_events(&mut self) {
        while let Some(event) = self.events.after(self.webhooks.routed_upto).first() {
            let seq = event.seq;
            let targets = self.targets(event.payload.address());
            if !targets.is_empty()
                && let Some(change) = self.change_for(event)
            {
                self.enqueue_to(targets, &change, Some(seq));
            }
            self.webhooks.routed_upto = seq;
        }
        self.apply_retention();
    }

    /// Deliveries due now, in sending order (reordered in groups when asked).
    pub fn due_deliveries(&self) -> Vec<Outgoing> {
        let now = self.clock.now();
        let mut due: Vec<&Delivery> = self
            .webhooks
            .deliveries
            .iter()
            .filter(|d| {
                d.state == DeliveryState::Pending && d.next_attempt_at.is_some_and(|at| at <= now)
            })
            .collect();
        due.sort_by_key(|d| (d.next_attempt_at, d.id));
        let window = self.webhooks.settings.reorder_window;
        let mut ordered: Vec<Outgoing> = Vec::with_capacity(due.len());
        for group in due.chunks(window.max(1)) {
            let mut group: Vec<Outgoing> = group.iter().map(|d| d.outgoing()).collect();
            if window > 1 {
                group.reverse();
            }
            ordered.extend(group);
        }
        ordered
    }

    /// Record what happened to an attempt; schedule a retry or close the delivery.
    pub fn record_attempt(
        &mut self,
        delivery_id: u64,
        status: Option<u16>,
        error: Option<String>,
        latency_ms: u64,
    ) {
        let now = self.clock.now();
        let strict = self.webhooks.settings.strict_200;
        let duplicates = self.webhooks.settings.duplicates;
        let Some(delivery) = by_id(&mut self.webhooks.deliveries, delivery_id) else {
            return;
        };
        if delivery.state != DeliveryState::Pending {
            return;
        }
        let number = delivery.attempts.len() as u32 + 1;
        // Attempted: the batch is closed, its entries are no longer needed.
        delivery.entries = Vec::new();
        delivery.attempts.push(Attempt {
            number,
            time: now,
            status,
            error,
            latency_ms,
        });
        let ok = status.is_some_and(|s| {
            if strict {
                s == 200
            } else {
                (200..300).contains(&s)
            }
        });
        if ok {
            delivery.state = DeliveryState::Delivered;
            delivery.next_attempt_at = None;
            self.webhooks.finished.push_back(delivery_id);
            if delivery.duplicate_of.is_none() {
                let copy = delivery.clone();
                for _ in 0..duplicates {
                    self.webhooks.next_id = self.webhooks.next_id.saturating_add(1);
                    let mut duplicate = copy.clone();
                    duplicate.id = self.webhooks.next_id;
                    duplicate.duplicate_of = Some(copy.id);
                    duplicate.state = DeliveryState::Pending;
                    duplicate.attempts = vec![];
                    duplicate.next_attempt_at = Some(now);
                    self.webhooks.deliveries.push(duplicate);
                }
            }
            return;
        }
        let elapsed = now.saturating_sub(delivery.first_due_at);
        match next_offset(delivery.object, number as usize, elapsed) {
            Some(offset) => {
                delivery.next_attempt_at = Some(delivery.first_due_at.saturating_add(offset));
            }
            None => {
                delivery.state = DeliveryState::GivenUp;
                delivery.next_attempt_at = None;
                self.webhooks.finished.push_back(delivery_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_schedule_fits_the_windows() {
        assert_eq!(
            retry_window(WebhookObject::WhatsappBusinessAccount),
            604_800
        );
        assert_eq!(retry_window(WebhookObject::Page), 129_600);
        assert!(RETRY_OFFSETS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(
            *RETRY_OFFSETS.last().unwrap(),
            retry_window(WebhookObject::WhatsappBusinessAccount)
        );
    }

    #[test]
    fn skipped_retry_slots_collapse_into_one_attempt() {
        let whatsapp = WebhookObject::WhatsappBusinessAccount;
        assert_eq!(next_offset(whatsapp, 1, 0), Some(15));
        assert_eq!(next_offset(whatsapp, 3, 60), Some(300));
        // Two hours late: the next slot is +3 h, not "now" again and again.
        assert_eq!(next_offset(whatsapp, 2, 7200), Some(10800));
        assert_eq!(next_offset(whatsapp, 15, 518_400), Some(604_800));
        assert_eq!(next_offset(whatsapp, 2, 604_800), None);
        assert_eq!(next_offset(WebhookObject::Page, 9, 43_200), Some(86_400));
        assert_eq!(next_offset(WebhookObject::Page, 10, 86_400), None);
    }

    #[test]
    fn signatures_are_hmacs_of_the_body() {
        // Computed independently with Python's hmac module.
        assert_eq!(
            hex_hmac_256("secret", b"{}"),
            "77325902caca812dc259733aacd046b73817372c777b8d95b402647474516e13"
        );
        assert_eq!(
            hex_hmac_1("secret", b"{}"),
            "5d61605c3feea9799210ddcb71307d4ba264225f"
        );
    }
}
