//! Helpers more than one product needs: phone numbers as people type them,
//! business info checks (opening hours, email addresses), an account's
//! standing, the conversation model and scoped ids Messenger and Instagram
//! share, and the typed refusal of an invalid input. Products share these instead of importing
//! each other.

pub mod business_info;
pub mod conversations;
pub mod person_refusal;
pub mod phone;
pub mod scoped_ids;
pub mod standing;
pub mod thread_nodes;

use std::fmt;

/// An input a check refused: the field it concerns and a message, for a
/// person, that names the field and says what it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    /// `field` is the input's name; `message` the whole sentence.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Invalid {}
