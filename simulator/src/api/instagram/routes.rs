//! The Instagram route table: sending messages and managing webhook
//! subscriptions on a professional account, commenting on its posts. The
//! handlers check that the token acts for the account.

use super::{comments, messages, subscribed_apps};
use crate::api::routes::{Method, Route};
use crate::world::nodes::NodeKind;

const ACCOUNT: NodeKind = NodeKind::InstagramUser;
use Method::{Delete, Get, Post};

pub const ROUTES: &[Route] = &[
    Route::new(ACCOUNT, Some("messages"), Post, messages::send),
    Route::new(
        ACCOUNT,
        Some("subscribed_apps"),
        Post,
        subscribed_apps::subscribe,
    ),
    Route::new(ACCOUNT, Some("subscribed_apps"), Get, subscribed_apps::list),
    Route::new(
        ACCOUNT,
        Some("subscribed_apps"),
        Delete,
        subscribed_apps::unsubscribe,
    ),
    Route::new(
        NodeKind::InstagramMedia,
        Some("comments"),
        Post,
        comments::comment,
    ),
    Route::new(
        NodeKind::InstagramComment,
        Some("replies"),
        Post,
        comments::reply,
    ),
];
