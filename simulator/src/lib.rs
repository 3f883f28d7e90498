//! metasim: an offline, in-memory, deterministic simulator of Meta's business
//! platform (Graph API, WhatsApp Cloud API, Pages, Messenger, Instagram).

pub mod world;
