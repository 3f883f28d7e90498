//! The deterministic model of Meta's platform. No HTTP, no async, no wall
//! clock: every change goes through a [`sandbox::Sandbox`] under its lock, and
//! the same seed and calls always give the same state.
//!
//! One folder per product (`accounts`, `pages`, `instagram`, `messenger`, `whatsapp`), each
//! with its state, node descriptors, fixture part and rules; products meet
//! only in `links`, and share helpers from `shared`. The rest is the
//! sandbox's infrastructure. docs/architecture.md has the rules.

pub mod accounts;
#[cfg(test)]
mod architecture;
pub mod auth;
pub mod bounds;
pub mod clock;
mod consistency;
pub mod encode;
pub mod events;
pub mod faults;
pub mod fixture;
pub mod ids;
pub mod instagram;
pub mod journal;
pub mod links;
pub mod messenger;
pub mod nodes;
pub mod pages;
pub mod retention;
pub mod sandbox;
pub mod shared;
pub mod snapshot;
pub mod usage;
pub mod webhooks;
pub mod whatsapp;
