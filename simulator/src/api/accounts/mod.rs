//! Graph calls on the platform's own nodes (users and system users) beyond
//! reading them: the permissions a token's user granted its app.

pub mod permissions;
pub mod routes;
