//! The Messenger route table: what a Page's token does on the Page's
//! Messenger edges. Every route needs that Page's own token (Meta's 210);
//! the handlers then require `pages_messaging` (Meta's 230).

use super::{attachments, messages, profile};
use crate::api::routes::{Access, Method, Route};
use crate::world::nodes::NodeKind;

const PAGE: NodeKind = NodeKind::Page;
const PAGE_TOKEN: Access = Access::PageToken(None);
use Method::{Delete, Get, Post};

pub const ROUTES: &[Route] = &[
    Route::new(PAGE, Some("messages"), Post, messages::send).access(PAGE_TOKEN),
    Route::new(PAGE, Some("messenger_profile"), Get, profile::read).access(PAGE_TOKEN),
    Route::new(PAGE, Some("messenger_profile"), Post, profile::set).access(PAGE_TOKEN),
    Route::new(PAGE, Some("messenger_profile"), Delete, profile::delete).access(PAGE_TOKEN),
    Route::new(PAGE, Some("message_attachments"), Post, attachments::save).access(PAGE_TOKEN),
];
