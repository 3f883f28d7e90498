//! WhatsApp multi-device: every WhatsApp account — a consumer, or a number
//! used in the WhatsApp Business app — has one primary device (the phone the
//! number is registered on) and up to four linked companions. This module
//! holds each account's devices, the sandbox settings for inactivity, and the
//! refusals; linking by QR code or link code is in `linking.rs`; unlinking,
//! logging out, re-registering and inactivity in `lifecycle.rs`; sending
//! from a device in `sending.rs`; which messages each device holds in
//! `views.rs`.
//!
//! Device ids are `{digits}:{n}`, WhatsApp's own device addressing: `:0` is
//! the phone the account was first registered on, later devices count up.
//! They come from the account, not from the seeded generator, so creating
//! consumers never shifts the sandbox's other ids.

pub mod lifecycle;
pub mod linking;
pub mod sending;
pub mod views;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::sandbox::Sandbox;
use linking::LinkRequest;

/// Companions one account may have linked at a time (WhatsApp Help Center:
/// "up to four linked devices").
pub const MAX_COMPANIONS: usize = 4;
/// Logged-out devices an account keeps listing (the oldest are forgotten).
pub const KEPT_LOGGED_OUT: usize = 16;
/// How far back the history a new companion receives when it links reaches.
pub const COMPANION_HISTORY_SECONDS: i64 = 365 * 24 * 3600;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeviceRole {
    Primary,
    Companion,
}

/// What a device is: a phone (the primary, or a companion phone), WhatsApp
/// Web, WhatsApp Desktop or a tablet.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Phone,
    Web,
    Desktop,
    Tablet,
}

impl DeviceKind {
    pub const ALL: [DeviceKind; 4] = [Self::Phone, Self::Web, Self::Desktop, Self::Tablet];

    pub fn name(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Web => "web",
            Self::Desktop => "desktop",
            Self::Tablet => "tablet",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == text)
    }

    /// The name a device of this kind shows when none is given.
    pub fn default_name(self) -> &'static str {
        match self {
            Self::Phone => "Phone",
            Self::Web => "WhatsApp Web",
            Self::Desktop => "WhatsApp Desktop",
            Self::Tablet => "Tablet",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    Active,
    LoggedOut,
}

/// Why a device was logged out.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LogoutReason {
    /// The companion logged itself out.
    User,
    /// The primary unlinked it.
    RemovedByPrimary,
    /// The primary was not used for more than the primary inactivity period.
    PrimaryInactive,
    /// The companion was not used for more than the companion inactivity period.
    CompanionInactive,
    /// The number was registered on another phone.
    Reregistered,
    /// The business onboarded its WhatsApp Business app number to the Cloud
    /// API, which unlinks every companion.
    CoexistenceOnboarding,
}

/// One device of an account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Device {
    /// `{digits}:{n}`.
    pub id: String,
    pub role: DeviceRole,
    pub kind: DeviceKind,
    pub name: String,
    pub state: DeviceState,
    pub linked_at: i64,
    pub last_active_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logout_reason: Option<LogoutReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logged_out_at: Option<i64>,
    /// Messages after this place in the order of messages reached the
    /// device as they were sent (0: every message of the account).
    pub receives_after_seq: u64,
    /// The place of the last message the device received (set when it is
    /// logged out: nothing later reaches it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_until_seq: Option<u64>,
    /// A companion also received, when it linked, the account's messages
    /// sent since this time (history sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_since: Option<i64>,
}

/// What a new device is, before it is active.
pub(crate) struct NewActive {
    pub role: DeviceRole,
    pub kind: DeviceKind,
    pub name: String,
    /// Messages after this place reach it as they are sent.
    pub receives_after_seq: u64,
    /// It also holds the account's messages sent since this time.
    pub history_since: Option<i64>,
}

impl Device {
    /// A device linked or registered at `at` as `id`.
    pub(crate) fn active(id: String, new: NewActive, at: i64) -> Self {
        Self {
            id,
            role: new.role,
            kind: new.kind,
            name: new.name,
            state: DeviceState::Active,
            linked_at: at,
            last_active_at: at,
            logout_reason: None,
            logged_out_at: None,
            receives_after_seq: new.receives_after_seq,
            received_until_seq: None,
            history_since: new.history_since,
        }
    }

    pub fn is_active(&self) -> bool {
        self.state == DeviceState::Active
    }

    pub fn is_companion(&self) -> bool {
        self.role == DeviceRole::Companion
    }
}

/// The devices of one account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AccountDevices {
    /// In the order they were linked: exactly one active primary, up to
    /// [`MAX_COMPANIONS`] active companions, and the newest
    /// [`KEPT_LOGGED_OUT`] logged-out devices.
    pub devices: Vec<Device>,
    /// The `n` of the next device id.
    next_number: u32,
    /// QR codes and link codes handed out to new devices, newest last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link_requests: Vec<LinkRequest>,
}

impl AccountDevices {
    /// An account registered on its first phone (`{digits}:0`) at `at`,
    /// holding every message of the account.
    fn registered(digits: &str, at: i64) -> Self {
        let mut account = Self {
            devices: Vec::new(),
            next_number: 0,
            link_requests: Vec::new(),
        };
        let id = account.next_device_id(digits);
        let phone = NewActive {
            role: DeviceRole::Primary,
            kind: DeviceKind::Phone,
            name: DeviceKind::Phone.default_name().to_owned(),
            receives_after_seq: 0,
            history_since: None,
        };
        account.devices.push(Device::active(id, phone, at));
        account
    }

    pub(crate) fn next_device_id(&mut self, digits: &str) -> String {
        let id = format!("{digits}:{}", self.next_number);
        self.next_number += 1;
        id
    }

    /// The active primary (every account has exactly one).
    pub fn primary(&self) -> Option<&Device> {
        self.devices
            .iter()
            .find(|d| d.role == DeviceRole::Primary && d.is_active())
    }

    pub(crate) fn primary_mut(&mut self) -> Option<&mut Device> {
        self.devices
            .iter_mut()
            .find(|d| d.role == DeviceRole::Primary && d.is_active())
    }

    pub fn active_companions(&self) -> impl Iterator<Item = &Device> {
        self.devices
            .iter()
            .filter(|d| d.is_companion() && d.is_active())
    }

    pub fn device(&self, id: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.id == id)
    }

    pub(crate) fn device_mut(&mut self, id: &str) -> Option<&mut Device> {
        self.devices.iter_mut().find(|d| d.id == id)
    }

    /// Drop the oldest logged-out devices beyond [`KEPT_LOGGED_OUT`].
    pub(crate) fn forget_old_logged_out(&mut self) {
        let logged_out = self.devices.iter().filter(|d| !d.is_active()).count();
        let mut excess = logged_out.saturating_sub(KEPT_LOGGED_OUT);
        self.devices.retain(|d| {
            if excess > 0 && !d.is_active() {
                excess -= 1;
                false
            } else {
                true
            }
        });
    }
}

/// Log a device out at `at`: it keeps what it received up to `last_seq`.
pub(crate) fn log_out(device: &mut Device, reason: LogoutReason, at: i64, last_seq: u64) {
    device.state = DeviceState::LoggedOut;
    device.logout_reason = Some(reason);
    device.logged_out_at = Some(at);
    device.received_until_seq = Some(last_seq);
}

/// Every account's devices, by the account's digits.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DevicesState {
    accounts: BTreeMap<String, AccountDevices>,
}

impl DevicesState {
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// The accounts whose devices are recorded, by digits.
    pub fn accounts(&self) -> impl Iterator<Item = (&String, &AccountDevices)> {
        self.accounts.iter()
    }
}

/// How long devices may stay unused, per sandbox (`0` turns a rule off).
/// WhatsApp's Help Center: linked devices are logged out when the phone is
/// not used for over 14 days; a linked device is disconnected after 30 days
/// of inactivity.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DeviceSettings {
    /// Every companion is logged out once the primary has been unused for
    /// longer than this.
    #[serde(default = "default_primary_inactivity")]
    pub primary_inactivity_seconds: u32,
    /// A companion is logged out once it has been unused for longer than this.
    #[serde(default = "default_companion_inactivity")]
    pub companion_inactivity_seconds: u32,
}

fn default_primary_inactivity() -> u32 {
    14 * 24 * 3600
}

fn default_companion_inactivity() -> u32 {
    30 * 24 * 3600
}

impl Default for DeviceSettings {
    fn default() -> Self {
        Self {
            primary_inactivity_seconds: default_primary_inactivity(),
            companion_inactivity_seconds: default_companion_inactivity(),
        }
    }
}

/// Why a device action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceError {
    /// No consumer or WhatsApp Business app number has these digits.
    UnknownAccount(String),
    /// A consumer whose number is not on WhatsApp has no devices.
    NotOnWhatsapp(String),
    UnknownDevice(String),
    /// The device is logged out already.
    LoggedOut(String),
    /// The action is for companions; this is the primary.
    IsPrimary(String),
    /// Already [`MAX_COMPANIONS`] active companions.
    CompanionLimit,
    /// A device name must have 1 to 64 characters.
    InvalidName,
    /// Only a phone can become the primary.
    PrimaryMustBeAPhone(DeviceKind),
    /// No QR code or link code like this was handed out to a device of the account.
    UnknownLinkSecret,
    /// Not a link code: 8 characters from the link-code alphabet.
    MalformedLinkCode,
    Expired {
        expires_at: i64,
    },
    AlreadyUsed,
}

/// Which kind of WhatsApp account a number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Consumer,
    /// A number used in the WhatsApp Business app.
    BusinessApp,
}

impl Sandbox {
    /// The kind of WhatsApp account these digits are, or why they are none.
    pub fn whatsapp_account(&self, digits: &str) -> Result<AccountKind, DeviceError> {
        if let Some(consumer) = self.whatsapp.consumers.get(digits) {
            return if consumer.on_whatsapp {
                Ok(AccountKind::Consumer)
            } else {
                Err(DeviceError::NotOnWhatsapp(digits.to_owned()))
            };
        }
        if self.whatsapp.business_app.numbers.contains_key(digits) {
            return Ok(AccountKind::BusinessApp);
        }
        Err(DeviceError::UnknownAccount(digits.to_owned()))
    }

    /// An account's devices. An account created before devices were
    /// recorded (a snapshot of an older build) has its first phone,
    /// registered when the sandbox's clock started.
    pub fn devices_of(&self, digits: &str) -> Result<Cow<'_, AccountDevices>, DeviceError> {
        self.whatsapp_account(digits)?;
        Ok(match self.whatsapp.devices.accounts.get(digits) {
            Some(account) => Cow::Borrowed(account),
            None => Cow::Owned(AccountDevices::registered(digits, self.clock.start())),
        })
    }

    /// An account's devices, recorded from now on.
    pub(crate) fn devices_mut(&mut self, digits: &str) -> Result<&mut AccountDevices, DeviceError> {
        self.whatsapp_account(digits)?;
        let start = self.clock.start();
        Ok(self
            .whatsapp
            .devices
            .accounts
            .entry(digits.to_owned())
            .or_insert_with(|| AccountDevices::registered(digits, start)))
    }

    /// A new account's first phone, registered now.
    pub(crate) fn register_first_phone(&mut self, digits: &str) {
        let now = self.clock.now();
        self.whatsapp
            .devices
            .accounts
            .insert(digits.to_owned(), AccountDevices::registered(digits, now));
    }

    /// The account moved to a new number (WhatsApp's "Change number"): it
    /// starts there on its phone alone; companions linked to the old number
    /// are gone with it.
    pub(crate) fn move_devices_to_new_number(&mut self, old: &str, new: &str) {
        self.whatsapp.devices.accounts.remove(old);
        self.register_first_phone(new);
    }

    /// A device of an account that may act now (active), or why not.
    pub fn active_device(&self, digits: &str, device_id: &str) -> Result<Device, DeviceError> {
        let account = self.devices_of(digits)?;
        let device = account
            .device(device_id)
            .ok_or_else(|| DeviceError::UnknownDevice(device_id.to_owned()))?;
        if !device.is_active() {
            return Err(DeviceError::LoggedOut(device_id.to_owned()));
        }
        Ok(device.clone())
    }
}

/// A device name as given, or the kind's default: 1 to 64 characters, no
/// control characters.
pub fn device_name(kind: DeviceKind, name: Option<&str>) -> Result<String, DeviceError> {
    let Some(name) = name else {
        return Ok(kind.default_name().to_owned());
    };
    let name = name.trim();
    let length = name.chars().count();
    if !(1..=64).contains(&length) || name.chars().any(char::is_control) {
        return Err(DeviceError::InvalidName);
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    pub(crate) fn demo() -> Sandbox {
        Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap()
    }

    #[test]
    fn every_consumer_starts_with_its_first_phone() {
        let sandbox = demo();
        let devices = sandbox.devices_of("15550109999").unwrap();
        assert_eq!(devices.devices.len(), 1);
        let primary = devices.primary().unwrap();
        assert_eq!(primary.id, "15550109999:0");
        assert_eq!(primary.kind, DeviceKind::Phone);
        assert_eq!(primary.linked_at, sandbox.clock.now());
        assert_eq!(
            sandbox.devices_of("19999999999").unwrap_err(),
            DeviceError::UnknownAccount("19999999999".into())
        );
    }

    #[test]
    fn accounts_recorded_before_devices_existed_have_their_first_phone() {
        let mut sandbox = demo();
        sandbox.whatsapp.devices = DevicesState::default();
        sandbox.clock.advance(100);
        let devices = sandbox.devices_of("15550108888").unwrap();
        assert_eq!(devices.primary().unwrap().id, "15550108888:0");
        assert_eq!(
            devices.primary().unwrap().linked_at,
            sandbox.clock.start(),
            "registered when the sandbox began"
        );
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(device_name(DeviceKind::Web, None).unwrap(), "WhatsApp Web");
        assert_eq!(
            device_name(DeviceKind::Web, Some("  Office PC ")).unwrap(),
            "Office PC"
        );
        for bad in ["", "   ", "a\u{7}b", &"x".repeat(65)] {
            assert_eq!(
                device_name(DeviceKind::Web, Some(bad)),
                Err(DeviceError::InvalidName),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn only_the_newest_logged_out_devices_are_kept() {
        let mut account = AccountDevices::registered("1555", 0);
        for n in 0..KEPT_LOGGED_OUT + 3 {
            let id = account.next_device_id("1555");
            let mut device = account.devices[0].clone();
            device.id = id;
            device.role = DeviceRole::Companion;
            log_out(&mut device, LogoutReason::User, n as i64, 0);
            account.devices.push(device);
        }
        account.forget_old_logged_out();
        assert_eq!(account.devices.len(), 1 + KEPT_LOGGED_OUT);
        assert_eq!(account.devices[0].id, "1555:0");
        assert_eq!(account.devices[1].id, "1555:4", "the three oldest are gone");
    }
}
