//! HTTP: the Graph API surface and the `/_sim` control plane. Handlers only
//! translate between HTTP and world calls; all state lives in the sandboxes.

pub mod accounts;
pub mod answer;
pub mod argument_fields;
pub mod batch;
pub mod changes;
pub mod control;
pub mod debug_token;
pub mod error;
pub mod fields;
pub mod graph;
pub mod guard;
pub mod http;
pub mod instagram;
pub mod lists;
pub mod messenger;
pub mod multipart;
pub mod pages;
pub mod paging;
pub mod redact;
pub mod render;
pub mod request;
pub mod routes;
pub mod send_api;
pub mod service;
pub mod state;
pub mod ui;
pub mod versions;
pub mod webhooks;
pub mod whatsapp;
