//! The WhatsApp Business Platform: WhatsApp Business Accounts (WABAs), their
//! business phone numbers and the number lifecycle (add, verify by code,
//! register, deregister), the phones' SMS/voice inboxes, message templates,
//! messaging with its window, limits and statuses, and the consumers on the
//! other end.

pub mod accounts;
pub mod consumers;
pub mod identity;
pub mod inbox;
pub mod media;
pub mod messaging;
pub mod official;
pub mod profile;
pub mod registration;
pub mod settings;
pub mod template_management;
pub mod templates;

pub use accounts::{Consumer, PhoneNumber, Waba, phone_digits};
