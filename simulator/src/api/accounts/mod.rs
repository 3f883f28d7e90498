//! Graph calls on the platform's own nodes (users, system users, apps)
//! beyond reading them: the permissions a token's user granted its app, and
//! the app's resumable upload sessions.

pub mod permissions;
pub mod routes;
pub mod uploads;
