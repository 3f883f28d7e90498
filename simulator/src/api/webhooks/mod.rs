//! Webhooks, the HTTP half: the app subscription endpoints of the Graph API,
//! Meta's verification handshake, and sending the outbox over one shared
//! keep-alive client (on demand in manual mode, by a worker in auto mode).

pub mod app_subscriptions;
pub mod handshake;
pub mod reach;
pub mod routes;
pub mod sender;
