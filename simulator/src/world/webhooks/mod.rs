//! Webhooks, the deterministic half: app subscriptions (object, fields,
//! callback, verify token), Meta's payloads built from domain events, the
//! signed outbox with Meta's retry schedule on the virtual clock, and the
//! receiver faults a test can ask for. Sending over HTTP happens in
//! `api::webhooks`; this module only decides what to send, when, and records
//! what happened.

mod coexistence;
pub mod handshakes;
pub mod outbox;
pub mod payloads;
mod preferences;
pub mod samples;
mod solution_routing;
pub mod subscriptions;
