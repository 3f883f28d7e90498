//! Facebook Pages endpoints beyond the generic reads: editing a Page's
//! business info and the apps installed on it.

pub mod info;
pub mod routes;
pub mod subscribed_apps;
