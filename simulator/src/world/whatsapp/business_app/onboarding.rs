//! A WhatsApp Business app number joining the Cloud API and leaving it.
//! Onboarding (Embedded Signup for existing app users) puts the number in a
//! WABA without `/register` and unlinks every companion; the partner then has
//! 24 hours to request both synchronizations or the number is offboarded.
//! The number leaves when the business disconnects in the app, the primary
//! goes unused for the primary inactivity period, a companion for the
//! companion period, or the number is registered on another phone — each an
//! `account_update` `PARTNER_REMOVED` with `disconnection_info`, after which
//! the Cloud API no longer sends from it.

use serde::{Deserialize, Serialize};

use super::{AppNumber, AppNumberError};
use crate::world::events::EventPayload;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::devices::{LogoutReason, log_out};

/// How long after onboarding both synchronizations must have been requested.
pub const SYNC_DEADLINE_SECONDS: i64 = 24 * 3600;

/// The number's time on the Cloud API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Onboarding {
    pub waba_id: String,
    pub at: i64,
    /// The business chose to share its chat history with the partner.
    pub share_history: bool,
    /// Messages up to this place were the app's before onboarding (the history).
    pub history_until_seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_sync_requested_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_requested_at: Option<i64>,
}

impl Onboarding {
    /// When the number is offboarded unless both synchronizations were requested.
    pub fn sync_deadline(&self) -> i64 {
        self.at + SYNC_DEADLINE_SECONDS
    }

    fn synced(&self) -> bool {
        self.state_sync_requested_at.is_some() && self.history_requested_at.is_some()
    }
}

/// Why and when a number left the Cloud API, as `account_update` says it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Disconnection {
    pub at: i64,
    /// `PARTNER_REMOVED` or `ACCOUNT_OFFBOARDED`.
    pub event: String,
    /// `disconnection_info.reason` (`PARTNER_REMOVED` only): `ACCOUNT_DISCONNECTED`,
    /// `PRIMARY_INACTIVITY`, `COMPANION_INACTIVITY`, `USER_RE_REGISTERED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `USER` or `SYSTEM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiated_by: Option<String>,
}

impl Sandbox {
    fn app_number(&self, digits: &str) -> Result<&AppNumber, AppNumberError> {
        self.whatsapp
            .business_app
            .numbers
            .get(digits)
            .ok_or_else(|| AppNumberError::UnknownNumber(digits.to_owned()))
    }

    /// Embedded Signup for an existing WhatsApp Business app user: the number
    /// joins `waba_id` on the Cloud API (no `/register`), every companion is
    /// unlinked, and the 24-hour synchronization deadline starts.
    pub fn onboard_business_app_number(
        &mut self,
        digits: &str,
        waba_id: &str,
        share_history: bool,
    ) -> Result<(), AppNumberError> {
        self.run_due();
        let number = self.app_number(digits)?;
        if number.onboarding.is_some() {
            return Err(AppNumberError::AlreadyConnected);
        }
        if !self.whatsapp.wabas.contains_key(waba_id) {
            return Err(AppNumberError::UnknownWaba(waba_id.to_owned()));
        }
        let phone_number_id = number.phone_number_id.clone();
        let now = self.clock.now();
        let last_seq = self.whatsapp.messaging.last_seq();
        if let Some(phone) = self.whatsapp.phone_numbers.get_mut(&phone_number_id) {
            phone.waba_id = waba_id.to_owned();
            phone.platform_type = "CLOUD_API".into();
            phone.status = "CONNECTED".into();
            phone.throughput_level = "STANDARD".into();
            if phone.messaging_limit_tier == "TIER_NOT_SET" {
                phone.messaging_limit_tier = "TIER_250".into();
            }
        }
        if let Ok(account) = self.devices_mut(digits) {
            for companion in account
                .devices
                .iter_mut()
                .filter(|d| d.is_companion() && d.is_active())
            {
                log_out(
                    companion,
                    LogoutReason::CoexistenceOnboarding,
                    now,
                    last_seq,
                );
            }
            if let Some(primary) = account.primary_mut() {
                primary.last_active_at = now;
            }
            account.forget_old_logged_out();
        }
        if let Some(number) = self.whatsapp.business_app.numbers.get_mut(digits) {
            number.onboarding = Some(Onboarding {
                waba_id: waba_id.to_owned(),
                at: now,
                share_history,
                history_until_seq: last_seq,
                state_sync_requested_at: None,
                history_requested_at: None,
            });
        }
        Ok(())
    }

    /// The business taps Disconnect Account in the app (Settings → Account →
    /// Business Platform).
    pub fn disconnect_business_app_number(&mut self, digits: &str) -> Result<(), AppNumberError> {
        self.run_due();
        if self.app_number(digits)?.onboarding.is_none() {
            return Err(AppNumberError::NotConnected);
        }
        let now = self.clock.now();
        self.leave_cloud_api(digits, partner_removed(now, "ACCOUNT_DISCONNECTED", "USER"));
        Ok(())
    }

    /// Devices of `digits` were logged out for `reason` at `at`: a number on
    /// the Cloud API leaves it when that is one of Meta's disconnection reasons.
    pub(crate) fn after_device_logouts(&mut self, digits: &str, reason: LogoutReason, at: i64) {
        if !self.coexistence_connected(digits) {
            return;
        }
        let (why, by) = match reason {
            LogoutReason::PrimaryInactive => ("PRIMARY_INACTIVITY", "SYSTEM"),
            LogoutReason::CompanionInactive => ("COMPANION_INACTIVITY", "SYSTEM"),
            LogoutReason::Reregistered => ("USER_RE_REGISTERED", "USER"),
            LogoutReason::User
            | LogoutReason::RemovedByPrimary
            | LogoutReason::CoexistenceOnboarding => return,
        };
        self.leave_cloud_api(digits, partner_removed(at, why, by));
    }

    /// The next number to offboard because its 24 hours pass without both
    /// synchronizations, and when: the earliest deadline, by digits.
    pub(crate) fn next_offboarding(&self) -> Option<(i64, String)> {
        self.whatsapp
            .business_app
            .numbers
            .iter()
            .filter_map(|(digits, number)| {
                let onboarding = number.onboarding.as_ref()?;
                (!onboarding.synced()).then(|| (onboarding.sync_deadline(), digits.clone()))
            })
            .min()
    }

    /// Offboard `digits` at `at`, its synchronization deadline.
    pub(crate) fn offboard(&mut self, digits: &str, at: i64) {
        let offboarded = Disconnection {
            at,
            event: "ACCOUNT_OFFBOARDED".into(),
            reason: None,
            initiated_by: None,
        };
        self.leave_cloud_api(digits, offboarded);
    }

    /// The number leaves the Cloud API: it stays in its WABA, disconnected,
    /// used in the app only, and `account_update` reports it.
    fn leave_cloud_api(&mut self, digits: &str, disconnection: Disconnection) {
        let Some(number) = self.whatsapp.business_app.numbers.get_mut(digits) else {
            return;
        };
        let Some(onboarding) = number.onboarding.take() else {
            return;
        };
        number.disconnection = Some(disconnection.clone());
        let phone_number_id = number.phone_number_id.clone();
        if let Some(phone) = self.whatsapp.phone_numbers.get_mut(&phone_number_id) {
            phone.platform_type = "NOT_APPLICABLE".into();
            phone.status = "DISCONNECTED".into();
            phone.throughput_level = "NOT_APPLICABLE".into();
        }
        let carries_number = disconnection.event == "PARTNER_REMOVED";
        self.events.emit(
            disconnection.at,
            EventPayload::WhatsappAccountUpdate {
                waba_id: onboarding.waba_id,
                phone_number: carries_number.then(|| digits.to_owned()),
                event: disconnection.event.clone(),
                disconnection: carries_number.then_some(disconnection),
            },
        );
    }
}

fn partner_removed(at: i64, reason: &str, initiated_by: &str) -> Disconnection {
    Disconnection {
        at,
        event: "PARTNER_REMOVED".into(),
        reason: Some(reason.to_owned()),
        initiated_by: Some(initiated_by.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::whatsapp::business_app::tests::{SHOP, with_shop};
    use crate::world::whatsapp::devices::linking::{LinkMethod, NewDevice};
    use crate::world::whatsapp::devices::{DeviceKind, DeviceState};

    fn onboarded() -> (Sandbox, String) {
        let mut sandbox = with_shop();
        let waba = sandbox.handles["waba"].clone();
        let pending = sandbox
            .request_link(
                SHOP,
                LinkMethod::Qr,
                NewDevice {
                    kind: DeviceKind::Web,
                    name: None,
                },
            )
            .unwrap();
        sandbox
            .complete_link(SHOP, LinkMethod::Qr, &pending.shown)
            .unwrap();
        sandbox
            .onboard_business_app_number(SHOP, &waba, true)
            .unwrap();
        let id = sandbox.whatsapp.business_app.numbers[SHOP]
            .phone_number_id
            .clone();
        (sandbox, id)
    }

    fn last_update(sandbox: &Sandbox) -> EventPayload {
        sandbox.events.all().last().unwrap().payload.clone()
    }

    #[test]
    fn onboarding_joins_the_waba_without_register_and_unlinks_companions() {
        let (sandbox, id) = onboarded();
        let phone = &sandbox.whatsapp.phone_numbers[&id];
        assert!(phone.is_registered());
        assert_eq!(phone.waba_id, sandbox.handles["waba"]);
        assert!(sandbox.phone_number_in_a_waba(&id));
        let devices = sandbox.devices_of(SHOP).unwrap();
        let web = &devices.devices[1];
        assert_eq!(web.state, DeviceState::LoggedOut);
        assert_eq!(web.logout_reason, Some(LogoutReason::CoexistenceOnboarding));
    }

    #[test]
    fn the_business_disconnects_in_the_app() {
        let (mut sandbox, id) = onboarded();
        sandbox.disconnect_business_app_number(SHOP).unwrap();
        assert!(!sandbox.whatsapp.phone_numbers[&id].is_registered());
        assert_eq!(
            last_update(&sandbox),
            EventPayload::WhatsappAccountUpdate {
                waba_id: sandbox.handles["waba"].clone(),
                phone_number: Some(SHOP.into()),
                event: "PARTNER_REMOVED".into(),
                disconnection: Some(partner_removed(
                    sandbox.clock.now(),
                    "ACCOUNT_DISCONNECTED",
                    "USER"
                )),
            }
        );
        assert_eq!(
            sandbox.disconnect_business_app_number(SHOP),
            Err(AppNumberError::NotConnected)
        );
    }

    #[test]
    fn without_both_synchronizations_the_number_is_offboarded_after_24_hours() {
        let (mut sandbox, _) = onboarded();
        let start = sandbox.clock.now();
        sandbox.clock.advance(SYNC_DEADLINE_SECONDS - 1);
        sandbox.run_due_devices();
        assert!(sandbox.coexistence_connected(SHOP));
        sandbox.clock.advance(10);
        sandbox.run_due_devices();
        assert!(!sandbox.coexistence_connected(SHOP));
        let event = sandbox.events.all().last().unwrap();
        assert_eq!(event.time, start + SYNC_DEADLINE_SECONDS);
        assert!(matches!(
            &event.payload,
            EventPayload::WhatsappAccountUpdate { event, phone_number: None, disconnection: None, .. }
                if event == "ACCOUNT_OFFBOARDED"
        ));
    }
}
