//! WhatsApp Flows' data exchange with the business's endpoint: the
//! encryption WhatsApp's client uses, consumers' sessions through Flow
//! messages, the endpoint counters behind a Flow's `metric` field, and the
//! `flows` alert webhooks read from them.

pub mod alerts;
pub mod crypto;
pub mod metrics;
pub mod sessions;
