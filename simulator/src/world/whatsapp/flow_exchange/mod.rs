//! WhatsApp Flows' data exchange with the business's endpoint: the
//! encryption WhatsApp's client uses, consumers' sessions through Flow
//! messages, and the endpoint counters behind a Flow's `metric` field.

pub mod crypto;
pub mod metrics;
pub mod sessions;
