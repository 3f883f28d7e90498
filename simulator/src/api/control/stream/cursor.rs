//! What a stream has not sent yet: the journal entries, events and webhook
//! deliveries after its position, the deliveries it knows as pending that
//! moved on since (an attempt, a batch that grew, delivered, given up), and
//! the clock if it moved. Read under the sandbox lock, so it only copies, at
//! most [`BATCH`] items of each kind per look; encoding happens after the
//! lock is released. No HTTP here.

use std::collections::BTreeMap;

use crate::world::clock::ClockMode;
use crate::world::events::Event;
use crate::world::journal::JournalEntry;
use crate::world::sandbox::Sandbox;
use crate::world::webhooks::outbox::{Delivery, DeliveryState};

/// Most items of one kind copied per look.
pub const BATCH: usize = 64;

/// Where a stream stands: the newest journal seq, event seq and delivery id
/// it has sent (delivery ids count from 1 in creation order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    pub journal: u64,
    pub events: u64,
    pub deliveries: u64,
}

impl Position {
    /// The newest of everything in the sandbox.
    pub fn of(sandbox: &Sandbox) -> Self {
        Self {
            journal: sandbox.journal.last_seq(),
            events: sandbox.events.all().last().map_or(0, |e| e.seq),
            deliveries: sandbox.webhooks.deliveries.len() as u64,
        }
    }

    /// Some part is further than `other` (which then cannot follow from it).
    pub fn ahead_of(&self, other: &Position) -> bool {
        self.journal > other.journal
            || self.events > other.events
            || self.deliveries > other.deliveries
    }
}

/// One thing to tell the stream's client.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    Journal(JournalEntry),
    Event(Event),
    Delivery(Delivery),
    Clock { now: i64, mode: ClockMode },
}

/// What moves when a pending delivery is attempted or batched with more.
#[derive(Debug, Clone, PartialEq)]
struct Progress {
    attempts: usize,
    state: DeliveryState,
    next_attempt_at: Option<i64>,
    body_len: usize,
}

impl Progress {
    fn of(delivery: &Delivery) -> Self {
        Self {
            attempts: delivery.attempts.len(),
            state: delivery.state,
            next_attempt_at: delivery.next_attempt_at,
            body_len: delivery.body.len(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    sent: Position,
    /// Pending deliveries the client knows, by id, as it knows them.
    pending: BTreeMap<u64, Progress>,
    clock: i64,
}

fn delivery(sandbox: &Sandbox, id: u64) -> Option<&Delivery> {
    let index = usize::try_from(id).ok()?.checked_sub(1)?;
    sandbox
        .webhooks
        .deliveries
        .get(index)
        .filter(|d| d.id == id)
}

impl Cursor {
    /// Start after `from` (not ahead of the sandbox). Deliveries up to
    /// `from.deliveries` that are pending now are watched from their current
    /// state on: the client read them before.
    pub fn new(sandbox: &Sandbox, from: Position) -> Self {
        let known = usize::try_from(from.deliveries).unwrap_or(usize::MAX);
        let pending = sandbox
            .webhooks
            .deliveries
            .iter()
            .take(known)
            .filter(|d| d.state == DeliveryState::Pending)
            .map(|d| (d.id, Progress::of(d)))
            .collect();
        Self {
            sent: from,
            pending,
            clock: sandbox.clock.now(),
        }
    }

    pub fn position(&self) -> Position {
        self.sent
    }

    /// The sandbox holds less than was already sent: it was replaced by
    /// another state (reset, restored), so this cursor no longer applies.
    pub fn outrun(&self, sandbox: &Sandbox) -> bool {
        self.sent.ahead_of(&Position::of(sandbox))
    }

    /// Copy what is new into `out`, at most [`BATCH`] of each kind; true when
    /// more is waiting.
    pub fn collect(&mut self, sandbox: &Sandbox, out: &mut Vec<Update>) -> bool {
        for entry in sandbox.journal.written_after(self.sent.journal).take(BATCH) {
            self.sent.journal = entry.seq;
            out.push(Update::Journal(entry.clone()));
        }
        for event in sandbox.events.after(self.sent.events).iter().take(BATCH) {
            self.sent.events = event.seq;
            out.push(Update::Event(event.clone()));
        }
        self.collect_deliveries(sandbox, out);
        let now = sandbox.clock.now();
        if now != self.clock {
            self.clock = now;
            out.push(Update::Clock {
                now,
                mode: sandbox.clock.mode(),
            });
        }
        sandbox
            .journal
            .written_after(self.sent.journal)
            .next()
            .is_some()
            || !sandbox.events.after(self.sent.events).is_empty()
            || Position::of(sandbox).deliveries > self.sent.deliveries
    }

    fn collect_deliveries(&mut self, sandbox: &Sandbox, out: &mut Vec<Update>) {
        let mut settled = Vec::new();
        for (id, known) in &mut self.pending {
            let Some(current) = delivery(sandbox, *id) else {
                settled.push(*id);
                continue;
            };
            let progress = Progress::of(current);
            if progress != *known {
                if progress.state != DeliveryState::Pending {
                    settled.push(*id);
                }
                *known = progress;
                out.push(Update::Delivery(current.clone()));
            }
        }
        for id in settled {
            self.pending.remove(&id);
        }
        let first = usize::try_from(self.sent.deliveries).unwrap_or(usize::MAX);
        for current in sandbox.webhooks.deliveries.iter().skip(first).take(BATCH) {
            self.sent.deliveries = current.id;
            if current.state == DeliveryState::Pending {
                self.pending.insert(current.id, Progress::of(current));
            }
            out.push(Update::Delivery(current.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::events::EventPayload;
    use crate::world::fixture::demo_fixture;
    use crate::world::journal::{EncodedJson, RecordedAnswer};
    use crate::world::sandbox::SandboxOptions;
    use crate::world::webhooks::payloads::Change;
    use crate::world::webhooks::subscriptions::{AppSubscription, WebhookObject};
    use serde_json::{Value, json};

    fn demo() -> Sandbox {
        Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap()
    }

    fn record(sandbox: &mut Sandbox, path: &str) {
        let answer = RecordedAnswer::written(EncodedJson::from_value(&json!({})));
        record_answer(sandbox, path, answer);
    }

    fn record_answer(sandbox: &mut Sandbox, path: &str, response: RecordedAnswer) {
        sandbox.journal.record(JournalEntry {
            seq: 0,
            time: sandbox.clock.now(),
            method: "GET".into(),
            path: path.into(),
            query: vec![],
            headers: vec![],
            body: Value::Null,
            status: 200,
            response,
        });
    }

    fn emit_change(sandbox: &mut Sandbox, text: &str) {
        let now = sandbox.clock.now();
        sandbox.events.emit(
            now,
            EventPayload::AccountChange {
                object: WebhookObject::Page,
                account_id: "1".into(),
                field: "feed".into(),
                value: json!({ "text": text }),
            },
        );
    }

    /// A sandbox with one app subscribed to Instagram comments.
    fn subscribed() -> Sandbox {
        let mut sandbox = demo();
        let app = sandbox.handles["app"].clone();
        let subscription = AppSubscription {
            object: WebhookObject::User,
            callback_url: "http://127.0.0.1:9/hook".into(),
            verify_token: "token".into(),
            fields: vec!["feed".into()],
            include_values: false,
            active: false,
        };
        sandbox.save_subscription(&app, subscription);
        sandbox.settle_subscription(&app, WebhookObject::User, true, None);
        sandbox
    }

    fn queue(sandbox: &mut Sandbox) -> u64 {
        let change = Change {
            object: WebhookObject::User,
            entry_id: "1".into(),
            field: "feed".into(),
            value: json!({}),
            entry_time: None,
            messaging: false,
        };
        sandbox.enqueue_change(&change, None)[0]
    }

    fn kinds(updates: &[Update]) -> Vec<String> {
        updates
            .iter()
            .map(|u| match u {
                Update::Journal(e) => format!("journal {}", e.seq),
                Update::Event(e) => format!("event {}", e.seq),
                Update::Delivery(d) => format!("delivery {} {:?}", d.id, d.state),
                Update::Clock { now, .. } => format!("clock {now}"),
            })
            .collect()
    }

    #[test]
    fn sends_what_is_new_once_in_order() {
        let mut sandbox = demo();
        record(&mut sandbox, "/v23.0/a");
        let mut cursor = Cursor::new(&sandbox, Position::of(&sandbox));
        let mut out = vec![];
        assert!(!cursor.collect(&sandbox, &mut out));
        assert!(out.is_empty(), "nothing new yet");
        record(&mut sandbox, "/v23.0/b");
        record(&mut sandbox, "/v23.0/c");
        emit_change(&mut sandbox, "hi");
        sandbox.clock.advance(60);
        assert!(!cursor.collect(&sandbox, &mut out));
        assert_eq!(
            kinds(&out),
            ["journal 2", "journal 3", "event 1", "clock 1767225660"]
        );
        out.clear();
        cursor.collect(&sandbox, &mut out);
        assert!(out.is_empty(), "nothing twice");
        assert_eq!(
            cursor.position(),
            Position {
                journal: 3,
                events: 1,
                deliveries: 0
            }
        );
    }

    #[test]
    fn waits_for_an_answer_still_being_encoded() {
        let mut sandbox = demo();
        let mut cursor = Cursor::new(&sandbox, Position::of(&sandbox));
        let pending = RecordedAnswer::pending();
        record_answer(&mut sandbox, "/v23.0/slow", pending.clone());
        record(&mut sandbox, "/v23.0/fast");
        let mut out = vec![];
        assert!(
            !cursor.collect(&sandbox, &mut out),
            "nothing to look again for until the call is done"
        );
        assert!(out.is_empty(), "neither the pending entry nor the next");
        pending.write(br#"{"id":"1"}"#);
        cursor.collect(&sandbox, &mut out);
        assert_eq!(kinds(&out), ["journal 1", "journal 2"]);
        let Update::Journal(entry) = &out[0] else {
            unreachable!()
        };
        assert_eq!(json!(entry)["response"], json!({"id": "1"}));
    }

    #[test]
    fn bounded_per_look() {
        let mut sandbox = demo();
        let mut cursor = Cursor::new(&sandbox, Position::default());
        for i in 0..BATCH + 3 {
            record(&mut sandbox, &format!("/v23.0/{i}"));
        }
        let mut out = vec![];
        assert!(cursor.collect(&sandbox, &mut out), "more is waiting");
        assert_eq!(out.len(), BATCH);
        out.clear();
        assert!(!cursor.collect(&sandbox, &mut out));
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn deliveries_new_then_each_change() {
        let mut sandbox = subscribed();
        let old = queue(&mut sandbox);
        let mut cursor = Cursor::new(&sandbox, Position::of(&sandbox));
        let mut out = vec![];
        cursor.collect(&sandbox, &mut out);
        assert!(out.is_empty(), "a delivery read before is not sent again");
        let new = queue(&mut sandbox);
        cursor.collect(&sandbox, &mut out);
        assert_eq!(kinds(&out), [format!("delivery {new} Pending")]);
        out.clear();
        sandbox.record_attempt(old, None, Some("connection refused".into()), 1);
        sandbox.record_attempt(new, Some(200), None, 1);
        cursor.collect(&sandbox, &mut out);
        assert_eq!(
            kinds(&out),
            [
                format!("delivery {old} Pending"),
                format!("delivery {new} Delivered")
            ]
        );
        out.clear();
        cursor.collect(&sandbox, &mut out);
        assert!(out.is_empty(), "an unchanged delivery is not sent again");
    }

    #[test]
    fn a_replaced_sandbox_outruns_the_cursor() {
        let mut sandbox = demo();
        record(&mut sandbox, "/v23.0/a");
        let cursor = Cursor::new(&sandbox, Position::of(&sandbox));
        assert!(!cursor.outrun(&sandbox));
        let fresh = sandbox.reset(0).unwrap();
        assert!(cursor.outrun(&fresh));
    }
}
