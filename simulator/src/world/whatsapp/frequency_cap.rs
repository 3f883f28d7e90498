//! Marketing frequency capping and payment: the checks a business-initiated
//! message meets after the API accepted it. A consumer receives at most
//! `marketing_per_consumer` marketing templates — from all businesses — per
//! `marketing_window_seconds` (`messaging_limits`; *metasim*'s defaults: 2 a
//! day, Meta publishes no number); beyond that a marketing template fails
//! with 131049. A billable template from a WABA without a payment method
//! fails with 131042.

use std::collections::BTreeMap;

use crate::world::events::StatusError;
use crate::world::sandbox::Sandbox;

/// consumer digits -> when each marketing template reached them, oldest
/// first (only the ones inside the window, so never more than the cap).
pub type MarketingDeliveries = BTreeMap<String, Vec<i64>>;

impl Sandbox {
    /// 131049 when the consumer has had their marketing templates for the window.
    pub(crate) fn marketing_cap_failure(
        &self,
        consumer: &str,
        category: &str,
    ) -> Option<StatusError> {
        let limits = self.options.messaging_limits;
        if category != "marketing" || limits.marketing_per_consumer == 0 {
            return None;
        }
        let since = self.clock.now() - limits.marketing_window_seconds;
        let received = self
            .whatsapp
            .marketing_received
            .get(consumer)
            .map_or(0, |times| times.iter().filter(|t| **t > since).count());
        (received >= limits.marketing_per_consumer as usize).then(|| StatusError {
            code: 131049,
            title: "This message was not delivered to maintain healthy ecosystem engagement."
                .to_owned(),
            details: "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."
                .to_owned(),
        })
    }

    /// Count a marketing template that reached the consumer.
    pub(crate) fn record_marketing(&mut self, consumer: &str) {
        let limits = self.options.messaging_limits;
        if limits.marketing_per_consumer == 0 {
            return;
        }
        let now = self.clock.now();
        let times = self
            .whatsapp
            .marketing_received
            .entry(consumer.to_owned())
            .or_default();
        times.retain(|t| *t > now - limits.marketing_window_seconds);
        times.push(now);
    }

    /// 131042 for a billable message from a WABA without a payment method.
    pub(crate) fn payment_failure(&self, waba_id: &str, billable: bool) -> Option<StatusError> {
        (billable && !self.waba_can_pay(waba_id)).then(|| StatusError {
            code: 131042,
            title: "Business eligibility payment issue".to_owned(),
            details: "Message failed to send because there were one or more errors related to your payment method."
                .to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn the_cap_counts_a_window_of_marketing_only() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let alice = "15550109999";
        for _ in 0..2 {
            assert!(sandbox.marketing_cap_failure(alice, "marketing").is_none());
            sandbox.record_marketing(alice);
        }
        let capped = sandbox.marketing_cap_failure(alice, "marketing").unwrap();
        assert_eq!(capped.code, 131049);
        assert!(sandbox.marketing_cap_failure(alice, "utility").is_none());
        sandbox.clock.advance(86_400);
        assert!(sandbox.marketing_cap_failure(alice, "marketing").is_none());
        sandbox.record_marketing(alice);
        assert_eq!(sandbox.whatsapp.marketing_received[alice].len(), 1);
        let waba = sandbox.handles["waba"].clone();
        assert!(sandbox.payment_failure(&waba, true).is_none());
        sandbox.set_payment_method(&waba, false);
        assert_eq!(sandbox.payment_failure(&waba, true).unwrap().code, 131042);
        assert!(sandbox.payment_failure(&waba, false).is_none());
    }
}
