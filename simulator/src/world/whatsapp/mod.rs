//! The WhatsApp Business Platform: WhatsApp Business Accounts (WABAs), their
//! business phone numbers and the number lifecycle (add, verify by code,
//! register, deregister), the phones' SMS/voice inboxes, and the consumers on
//! the other end.

pub mod accounts;
pub mod inbox;
pub mod registration;

pub use accounts::{Consumer, PhoneNumber, Waba, phone_digits};
