//! The accounts route table: `GET /{user-id}/permissions` for people and
//! system users.

use super::permissions;
use crate::api::routes::{Method, Route};
use crate::world::nodes::NodeKind;

pub const ROUTES: &[Route] = &[
    Route::new(
        NodeKind::User,
        Some("permissions"),
        Method::Get,
        permissions::list,
    ),
    Route::new(
        NodeKind::SystemUser,
        Some("permissions"),
        Method::Get,
        permissions::list,
    ),
];
