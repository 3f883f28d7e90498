//! What ends a device's link: the primary unlinks a companion, a companion
//! logs itself out, the number is registered on another phone (which logs
//! out the old primary and every companion), or a device goes unused for too
//! long on the virtual clock. A logged-out device keeps what it had received
//! and receives nothing more.

use super::linking::NewDevice;
use super::{
    AccountDevices, Device, DeviceError, DeviceKind, DeviceRole, LogoutReason, NewActive,
    device_name, log_out,
};
use crate::world::sandbox::Sandbox;

/// A logout the clock has brought: the account, when, and what it ends.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct DueLogout {
    at: i64,
    digits: String,
    /// `None`: the primary went unused (every companion goes); `Some`: this
    /// companion went unused.
    companion: Option<String>,
}

/// The first instant after `period` seconds of inactivity since `last_active`
/// (`None` when the rule is off): exactly at the end of the period a device
/// is still linked, one second later it is not.
fn inactive_after(last_active: i64, period: u32) -> Option<i64> {
    (period > 0).then(|| {
        last_active
            .saturating_add(i64::from(period))
            .saturating_add(1)
    })
}

impl Sandbox {
    /// Log out the active companion `device_id` of `digits` now.
    fn end_companion(
        &mut self,
        digits: &str,
        device_id: &str,
        reason: LogoutReason,
    ) -> Result<Device, DeviceError> {
        self.run_due_devices();
        let device = self.active_device(digits, device_id)?;
        if !device.is_companion() {
            return Err(DeviceError::IsPrimary(device_id.to_owned()));
        }
        let now = self.clock.now();
        let last_seq = self.whatsapp.messaging.last_seq();
        let account = self.devices_mut(digits)?;
        if reason == LogoutReason::RemovedByPrimary
            && let Some(primary) = account.primary_mut()
        {
            primary.last_active_at = now;
        }
        let device = account
            .device_mut(device_id)
            .ok_or_else(|| DeviceError::UnknownDevice(device_id.to_owned()))?;
        log_out(device, reason, now, last_seq);
        let device = device.clone();
        account.forget_old_logged_out();
        Ok(device)
    }

    /// The primary unlinks a companion (Linked devices → the device → Log out).
    pub fn unlink_device(&mut self, digits: &str, device_id: &str) -> Result<Device, DeviceError> {
        self.end_companion(digits, device_id, LogoutReason::RemovedByPrimary)
    }

    /// A companion logs itself out (Settings → Log out).
    pub fn log_out_device(&mut self, digits: &str, device_id: &str) -> Result<Device, DeviceError> {
        self.end_companion(digits, device_id, LogoutReason::User)
    }

    /// The number is registered on a new phone (entering the number on a
    /// fresh install instead of linking): it becomes the primary, starting
    /// without history; the old primary and every companion are logged out.
    pub fn register_new_primary(
        &mut self,
        digits: &str,
        device: NewDevice,
    ) -> Result<Device, DeviceError> {
        if device.kind != DeviceKind::Phone {
            return Err(DeviceError::PrimaryMustBeAPhone(device.kind));
        }
        let name = device_name(device.kind, device.name.as_deref())?;
        self.run_due_devices();
        let now = self.clock.now();
        let last_seq = self.whatsapp.messaging.last_seq();
        let account = self.devices_mut(digits)?;
        for old in account.devices.iter_mut().filter(|d| d.is_active()) {
            log_out(old, LogoutReason::Reregistered, now, last_seq);
        }
        let phone = NewActive {
            role: DeviceRole::Primary,
            kind: device.kind,
            name,
            receives_after_seq: last_seq,
            history_since: None,
        };
        let primary = Device::active(account.next_device_id(digits), phone, now);
        account.devices.push(primary.clone());
        account.forget_old_logged_out();
        self.after_device_logouts(digits, LogoutReason::Reregistered, now);
        Ok(primary)
    }

    /// The next logout the clock brings to `account`, if its rules are on.
    fn next_logout(&self, digits: &str, account: &AccountDevices) -> Option<DueLogout> {
        let settings = self.options.devices;
        let primary = account.primary()?;
        let mut due = Vec::new();
        let primary_matters =
            account.active_companions().next().is_some() || self.coexistence_connected(digits);
        if primary_matters
            && let Some(at) =
                inactive_after(primary.last_active_at, settings.primary_inactivity_seconds)
        {
            due.push(DueLogout {
                at,
                digits: digits.to_owned(),
                companion: None,
            });
        }
        for companion in account.active_companions() {
            if let Some(at) = inactive_after(
                companion.last_active_at,
                settings.companion_inactivity_seconds,
            ) {
                due.push(DueLogout {
                    at,
                    digits: digits.to_owned(),
                    companion: Some(companion.id.clone()),
                });
            }
        }
        due.into_iter().min()
    }

    /// Log out, at the instant it was due, every device the clock has made
    /// inactive for too long, and offboard the WhatsApp Business app numbers
    /// whose synchronization deadline passed — earliest first (at the same
    /// instant: a deadline, then the primary's rule, then a companion's).
    /// Called when the clock moves and before device actions.
    pub fn run_due_devices(&mut self) {
        let now = self.clock.now();
        loop {
            let logout = self
                .whatsapp
                .devices
                .accounts()
                .filter_map(|(digits, account)| self.next_logout(digits, account))
                .min()
                .filter(|due| due.at <= now);
            let offboarding = self.next_offboarding().filter(|(at, _)| *at <= now);
            match (offboarding, logout) {
                (Some((at, digits)), logout) if logout.as_ref().is_none_or(|l| at <= l.at) => {
                    self.offboard(&digits, at);
                }
                (_, Some(due)) => self.log_out_inactive(&due),
                (_, None) => return,
            }
        }
    }

    /// Apply one inactivity logout, and what it means for a number on the Cloud API.
    fn log_out_inactive(&mut self, due: &DueLogout) {
        let last_seq = self.whatsapp.messaging.last_seq();
        let Some(account) = self.whatsapp.devices.accounts.get_mut(&due.digits) else {
            return;
        };
        let reason = match &due.companion {
            None => {
                for companion in account
                    .devices
                    .iter_mut()
                    .filter(|d| d.is_companion() && d.is_active())
                {
                    log_out(companion, LogoutReason::PrimaryInactive, due.at, last_seq);
                }
                LogoutReason::PrimaryInactive
            }
            Some(id) => {
                if let Some(companion) = account.device_mut(id) {
                    log_out(companion, LogoutReason::CompanionInactive, due.at, last_seq);
                }
                LogoutReason::CompanionInactive
            }
        };
        account.forget_old_logged_out();
        self.after_device_logouts(&due.digits, reason, due.at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::whatsapp::devices::linking::{LinkMethod, NewDevice};
    use crate::world::whatsapp::devices::tests::demo;
    use crate::world::whatsapp::devices::{DeviceKind, DeviceState};

    const BOB: &str = "15550108888";

    fn link(sandbox: &mut Sandbox) -> String {
        let pending = sandbox
            .request_link(
                BOB,
                LinkMethod::Qr,
                NewDevice {
                    kind: DeviceKind::Desktop,
                    name: Some("Bob's laptop".into()),
                },
            )
            .unwrap();
        sandbox
            .complete_link(BOB, LinkMethod::Qr, &pending.shown)
            .unwrap()
            .id
    }

    const DAY: i64 = 24 * 3600;

    fn states(sandbox: &Sandbox) -> Vec<(String, DeviceState, Option<LogoutReason>)> {
        sandbox
            .devices_of(BOB)
            .unwrap()
            .devices
            .iter()
            .map(|d| (d.id.clone(), d.state, d.logout_reason))
            .collect()
    }

    #[test]
    fn registering_on_a_new_phone_logs_out_every_other_device() {
        let mut sandbox = demo();
        link(&mut sandbox);
        sandbox.clock.advance(10);
        let phone = NewDevice {
            kind: DeviceKind::Phone,
            name: Some("New phone".into()),
        };
        let primary = sandbox.register_new_primary(BOB, phone).unwrap();
        assert_eq!(primary.id, "15550108888:2");
        assert_eq!(primary.role, DeviceRole::Primary);
        assert_eq!(
            states(&sandbox),
            [
                (
                    "15550108888:0".into(),
                    DeviceState::LoggedOut,
                    Some(LogoutReason::Reregistered)
                ),
                (
                    "15550108888:1".into(),
                    DeviceState::LoggedOut,
                    Some(LogoutReason::Reregistered)
                ),
                ("15550108888:2".into(), DeviceState::Active, None),
            ]
        );
        let web = NewDevice {
            kind: DeviceKind::Web,
            name: None,
        };
        assert_eq!(
            sandbox.register_new_primary(BOB, web),
            Err(DeviceError::PrimaryMustBeAPhone(DeviceKind::Web))
        );
    }

    #[test]
    fn an_unused_primary_logs_out_every_companion_one_second_after_fourteen_days() {
        let mut sandbox = demo();
        let start = sandbox.clock.now();
        link(&mut sandbox);
        link(&mut sandbox);
        sandbox.clock.advance(14 * DAY);
        sandbox.run_due_devices();
        assert!(
            states(&sandbox)
                .iter()
                .all(|(_, state, _)| *state == DeviceState::Active),
            "exactly fourteen days: still linked"
        );
        sandbox.clock.advance(1);
        sandbox.run_due_devices();
        let account = sandbox.devices_of(BOB).unwrap();
        for companion in account.devices.iter().filter(|d| d.is_companion()) {
            assert_eq!(companion.logout_reason, Some(LogoutReason::PrimaryInactive));
            assert_eq!(companion.logged_out_at, Some(start + 14 * DAY + 1));
        }
        assert!(account.primary().is_some(), "the primary stays");
    }

    #[test]
    fn an_unused_companion_is_logged_out_after_thirty_days_at_the_instant_it_was_due() {
        let mut sandbox = demo();
        sandbox.options.devices.primary_inactivity_seconds = 0;
        let start = sandbox.clock.now();
        let web = link(&mut sandbox);
        sandbox.clock.advance(90 * DAY);
        sandbox.run_due_devices();
        let device = sandbox
            .devices_of(BOB)
            .unwrap()
            .device(&web)
            .unwrap()
            .clone();
        assert_eq!(device.logout_reason, Some(LogoutReason::CompanionInactive));
        assert_eq!(device.logged_out_at, Some(start + 30 * DAY + 1));
    }

    #[test]
    fn when_both_rules_are_due_the_earliest_wins() {
        let mut sandbox = demo();
        link(&mut sandbox);
        sandbox.clock.advance(60 * DAY);
        sandbox.run_due_devices();
        assert_eq!(
            states(&sandbox)[1].2,
            Some(LogoutReason::PrimaryInactive),
            "the primary's 14 days end before the companion's 30"
        );
    }

    #[test]
    fn unlinking_and_logging_out_end_a_companion_once() {
        let mut sandbox = demo();
        let first = link(&mut sandbox);
        let second = link(&mut sandbox);
        sandbox.clock.advance(60);
        let unlinked = sandbox.unlink_device(BOB, &first).unwrap();
        assert_eq!(unlinked.state, DeviceState::LoggedOut);
        assert_eq!(unlinked.logout_reason, Some(LogoutReason::RemovedByPrimary));
        assert_eq!(unlinked.logged_out_at, Some(sandbox.clock.now()));
        let devices = sandbox.devices_of(BOB).unwrap();
        assert_eq!(
            devices.primary().unwrap().last_active_at,
            sandbox.clock.now(),
            "unlinking uses the primary"
        );
        let out = sandbox.log_out_device(BOB, &second).unwrap();
        assert_eq!(out.logout_reason, Some(LogoutReason::User));
        assert_eq!(
            sandbox.log_out_device(BOB, &second),
            Err(DeviceError::LoggedOut(second.clone()))
        );
        assert_eq!(
            sandbox.unlink_device(BOB, "15550108888:0"),
            Err(DeviceError::IsPrimary("15550108888:0".into()))
        );
        assert_eq!(
            sandbox.unlink_device(BOB, "15550108888:9"),
            Err(DeviceError::UnknownDevice("15550108888:9".into()))
        );
    }
}
