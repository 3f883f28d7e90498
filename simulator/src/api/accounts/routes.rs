//! The accounts route table: `GET /{user-id}/permissions` for people and
//! system users, `POST /{app-id}/uploads`.

use super::{permissions, uploads};
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
    Route::new(
        NodeKind::App,
        Some("uploads"),
        Method::Post,
        uploads::create,
    ),
];
