//! Retention: how much of what grows with use a sandbox keeps — domain events
//! once they are routed to webhooks, WhatsApp messages, and the bodies of
//! finished webhook deliveries (the request journal has its own
//! `journal_limit`). What falls out is counted, and the views that would have
//! shown it say so (`dropped` in the sandbox's counts and in the event log),
//! so nothing is lost silently. Set per sandbox with the `retention` option;
//! `metasim serve --retain-*` sets the defaults (docs/control-plane.md).

use serde::{Deserialize, Serialize};

use super::bounds::in_range;
use super::sandbox::Sandbox;
use super::shared::Invalid;

/// Domain events kept by default (the newest, once routed).
pub const DEFAULT_EVENTS: usize = 10_000;
/// WhatsApp messages kept by default (the newest).
pub const DEFAULT_MESSAGES: usize = 100_000;
/// Finished webhook deliveries whose bodies are kept by default.
pub const DEFAULT_DELIVERY_BODIES: usize = 10_000;
/// The most of anything a sandbox may be asked to keep.
pub const MAX_RETAINED: usize = 10_000_000;

/// How much a sandbox keeps of what grows with use.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// Domain events kept; older ones, once routed to webhooks, are dropped.
    #[serde(default = "default_events")]
    pub events: usize,
    /// WhatsApp messages kept (inbound and outbound); older ones are dropped,
    /// and a status that would change one of them is not recorded.
    #[serde(default = "default_messages")]
    pub messages: usize,
    /// Finished (delivered or given up) webhook deliveries that keep their
    /// body and signatures; older ones keep their record (id, app, URL,
    /// events, attempts, state) without them.
    #[serde(default = "default_delivery_bodies")]
    pub delivery_bodies: usize,
}

fn default_events() -> usize {
    DEFAULT_EVENTS
}
fn default_messages() -> usize {
    DEFAULT_MESSAGES
}
fn default_delivery_bodies() -> usize {
    DEFAULT_DELIVERY_BODIES
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            events: DEFAULT_EVENTS,
            messages: DEFAULT_MESSAGES,
            delivery_bodies: DEFAULT_DELIVERY_BODIES,
        }
    }
}

impl Retention {
    /// Refuse limits out of range; the message names the field and its bounds.
    pub fn check(&self) -> Result<(), Invalid> {
        in_range("retention.events", self.events, 1, MAX_RETAINED)?;
        in_range("retention.messages", self.messages, 1, MAX_RETAINED)?;
        let field = "retention.delivery_bodies";
        in_range(field, self.delivery_bodies, 1, MAX_RETAINED)?;
        Ok(())
    }
}

/// How far past `limit` a log may grow before it is cut back to `limit`:
/// cutting in steps of a sixteenth keeps the cost per item constant.
pub fn over_limit(len: usize, limit: usize) -> bool {
    len > limit.saturating_add((limit / 16).max(1))
}

/// Append `item` to `log`; once the log runs [`over_limit`], drop its
/// oldest items down to `max`.
pub fn push_keeping_newest<T>(log: &mut Vec<T>, item: T, max: usize) {
    log.push(item);
    if over_limit(log.len(), max) {
        let excess = log.len() - max;
        log.drain(..excess);
    }
}

impl Sandbox {
    /// Drop what is past the sandbox's retention (after events are routed).
    pub fn apply_retention(&mut self) {
        let retention = self.options.retention;
        self.events
            .keep_newest(retention.events, self.webhooks.routed_upto());
        self.whatsapp.messaging.keep_newest(retention.messages);
        self.webhooks.keep_bodies(retention.delivery_bodies);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::world::events::EventPayload;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use crate::world::webhooks::outbox::DeliveryState;
    use crate::world::webhooks::subscriptions::{AppSubscription, WebhookObject};
    use crate::world::whatsapp::messaging::{MessagingLimits, Outbound, SendChannel};

    const ALICE: &str = "15550109999";

    fn sandbox(retention: Retention) -> Sandbox {
        let options = SandboxOptions {
            retention,
            messaging_limits: MessagingLimits {
                throughput_per_second: 0,
                pair_burst: 0,
                pair_interval_seconds: 0,
                ..MessagingLimits::default()
            },
            ..SandboxOptions::default()
        };
        Sandbox::create("t", 1, options, demo_fixture(), 0).unwrap()
    }

    /// Alice writes, then the business answers `count` times; returns the last wamid.
    fn exchange(sandbox: &mut Sandbox, count: usize) -> String {
        let phone = sandbox.handles["phone_number"].clone();
        let hello = json!({"type": "text", "text": {"body": "Hi"}});
        sandbox.receive_message(ALICE, &phone, hello).unwrap();
        let mut last = String::new();
        for _ in 0..count {
            let outbound = Outbound {
                to: ALICE.into(),
                message: json!({"type": "text", "text": {"body": "How can we help?"}}),
                template: None,
                biz_opaque_callback_data: None,
                by_user_id: false,
                channel: SendChannel::CloudApi,
                recipient_identity_key_hash: None,
            };
            last = sandbox.send_message(&phone, outbound).unwrap();
            sandbox.route_events();
        }
        last
    }

    #[test]
    fn limits_out_of_range_are_refused() {
        let zero = Retention {
            events: 0,
            ..Retention::default()
        };
        assert_eq!(
            zero.check().unwrap_err().message,
            "retention.events must be between 1 and 10000000, got 0"
        );
        let huge = Retention {
            delivery_bodies: MAX_RETAINED + 1,
            ..Retention::default()
        };
        assert!(huge.check().is_err());
        assert!(Retention::default().check().is_ok());
    }

    #[test]
    fn old_events_and_messages_are_dropped_and_counted() {
        let mut sandbox = sandbox(Retention {
            events: 10,
            messages: 5,
            ..Retention::default()
        });
        let last = exchange(&mut sandbox, 30);
        // 1 inbound + 30 sends with two statuses each.
        let events = sandbox.events.all();
        assert!(events.len() <= 11, "{} events kept", events.len());
        assert_eq!(
            sandbox.events.dropped() + events.len() as u64,
            sandbox.events.last_seq()
        );
        assert_eq!(events.last().unwrap().seq, 61);
        let messaging = &sandbox.whatsapp.messaging;
        assert!(messaging.messages.len() <= 6);
        assert_eq!(messaging.dropped() + messaging.messages.len() as u64, 31);
        assert!(messaging.messages.contains_key(&last), "the newest is kept");
        let counts = sandbox.counts();
        assert_eq!(counts["events_dropped"] as u64, sandbox.events.dropped());
        assert_eq!(counts["messages_dropped"] as u64, messaging.dropped());
        // The counters travel with the snapshot and are checked there.
        assert!(sandbox.events.check().is_ok());
        assert!(messaging.check().is_ok());
    }

    #[test]
    fn events_not_yet_routed_are_kept() {
        let mut sandbox = sandbox(Retention {
            events: 1,
            ..Retention::default()
        });
        for n in 0..5 {
            let now = sandbox.clock.now();
            let payload = EventPayload::AccountChange {
                object: WebhookObject::Page,
                account_id: "1".into(),
                field: "feed".into(),
                value: json!({ "n": n }),
            };
            sandbox.events.emit(now, payload);
        }
        sandbox.events.keep_newest(1, 0);
        assert_eq!(sandbox.events.all().len(), 5, "nothing routed yet");
        sandbox.route_events();
        assert_eq!(sandbox.events.all().len(), 1);
        assert_eq!(sandbox.events.dropped(), 4);
    }

    #[test]
    fn the_default_keeps_everything_a_test_reads() {
        let mut sandbox = sandbox(Retention::default());
        exchange(&mut sandbox, 2_000);
        assert_eq!(sandbox.whatsapp.messaging.messages.len(), 2_001);
        assert_eq!(sandbox.events.all().len(), 4_001);
        let counts = sandbox.counts();
        for dropped in [
            "events_dropped",
            "messages_dropped",
            "delivery_bodies_dropped",
        ] {
            assert_eq!(counts[dropped], 0, "{dropped}");
        }
    }

    #[test]
    fn finished_deliveries_lose_their_bodies_not_their_records() {
        let mut sandbox = sandbox(Retention {
            delivery_bodies: 2,
            ..Retention::default()
        });
        let app = sandbox.handles["app"].clone();
        let subscription = AppSubscription {
            object: WebhookObject::Page,
            callback_url: "http://127.0.0.1:9/hook".into(),
            verify_token: "token".into(),
            fields: vec!["feed".into()],
            include_values: false,
            active: false,
        };
        sandbox.save_subscription(&app, subscription);
        sandbox.settle_subscription(&app, WebhookObject::Page, true, None);
        let page = sandbox.handles["page"].clone();
        sandbox
            .install_page_app(&page, &app, vec!["feed".into()])
            .unwrap();
        for n in 0..5 {
            let now = sandbox.clock.now();
            let payload = EventPayload::AccountChange {
                object: WebhookObject::Page,
                account_id: page.clone(),
                field: "feed".into(),
                value: json!({ "n": n }),
            };
            sandbox.events.emit(now, payload);
        }
        sandbox.route_events();
        let ids: Vec<u64> = sandbox.webhooks.deliveries.iter().map(|d| d.id).collect();
        assert_eq!(ids.len(), 5);
        for id in &ids {
            sandbox.record_attempt(*id, Some(200), None, 1);
        }
        sandbox.route_events();
        let deliveries = &sandbox.webhooks.deliveries;
        assert_eq!(deliveries.len(), 5, "every record stays");
        for delivery in &deliveries[..3] {
            assert!(delivery.body_dropped && delivery.body.is_empty());
            assert_eq!(delivery.state, DeliveryState::Delivered);
            assert_eq!(delivery.attempts.len(), 1);
        }
        for delivery in &deliveries[3..] {
            assert!(!delivery.body_dropped && !delivery.body.is_empty());
        }
        assert_eq!(sandbox.webhooks.bodies_dropped(), 3);
        assert_eq!(sandbox.counts()["delivery_bodies_dropped"], 3);
    }
}
