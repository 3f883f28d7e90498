//! The webhooks route table: an app's own subscriptions
//! (`/{app-id}/subscriptions`), with that app's token.

use super::app_subscriptions;
use crate::api::routes::{Access, Method, Route};
use crate::world::nodes::NodeKind;

const APP: NodeKind = NodeKind::App;
use Method::{Delete, Get, Post};

pub const ROUTES: &[Route] = &[
    Route::new(
        APP,
        Some("subscriptions"),
        Post,
        app_subscriptions::subscribe,
    )
    .access(Access::AppToken),
    Route::new(APP, Some("subscriptions"), Get, app_subscriptions::list).access(Access::AppToken),
    Route::new(
        APP,
        Some("subscriptions"),
        Delete,
        app_subscriptions::unsubscribe,
    )
    .access(Access::AppToken),
];
