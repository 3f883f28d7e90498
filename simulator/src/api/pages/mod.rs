//! Facebook Pages endpoints beyond the generic reads.

pub mod subscribed_apps;
