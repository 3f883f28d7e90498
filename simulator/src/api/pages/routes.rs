//! The Pages route table: what the Graph API does on a Page beyond reading
//! it. Every write needs that Page's own token.

use super::{info, subscribed_apps};
use crate::api::routes::{Access, Method, Route};
use crate::world::nodes::NodeKind;

const PAGE: NodeKind = NodeKind::Page;
const PAGE_TOKEN: Access = Access::PageToken(None);
use Method::{Delete, Get, Post};

pub const ROUTES: &[Route] = &[
    Route::new(PAGE, None, Post, info::update)
        .access(Access::PageToken(Some("pages_manage_metadata"))),
    Route::new(
        PAGE,
        Some("subscribed_apps"),
        Post,
        subscribed_apps::install,
    )
    .access(PAGE_TOKEN),
    Route::new(PAGE, Some("subscribed_apps"), Get, subscribed_apps::list).access(PAGE_TOKEN),
    Route::new(
        PAGE,
        Some("subscribed_apps"),
        Delete,
        subscribed_apps::uninstall,
    )
    .access(PAGE_TOKEN),
];
