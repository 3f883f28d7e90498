//! How safe an account is, as Meta sees it: confirmed email or phone,
//! two-factor authentication, a compromise flag. Facebook and Instagram
//! accounts both carry it; Accounts Center checks it before linking them.

use serde::{Deserialize, Serialize};

/// The account's standing (flattened into the account's JSON; a fixture
/// gives it as a `standing` object).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AccountStanding {
    #[serde(default, skip_serializing_if = "is_false")]
    pub email_verified: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub phone_verified: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub two_factor: bool,
    /// Flagged by Meta as compromised (restricted until recovered).
    #[serde(default, skip_serializing_if = "is_false")]
    pub compromised: bool,
}

impl AccountStanding {
    /// For `skip_serializing_if`: a standing with every flag off.
    pub fn is_clear(&self) -> bool {
        *self == AccountStanding::default()
    }

    /// An email address or a phone number has been confirmed.
    pub fn verified(&self) -> bool {
        self.email_verified || self.phone_verified
    }
}

/// For `skip_serializing_if`: flags that are off are left out of JSON.
pub fn is_false(value: &bool) -> bool {
    !value
}

/// For `serde(default = …)`: flags that are on unless said otherwise.
pub fn yes() -> bool {
    true
}

/// For `skip_serializing_if`: flags that are on (their default) are left out.
pub fn is_true(value: &bool) -> bool {
    *value
}
