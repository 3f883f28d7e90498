//! What ends a companion's link: the primary unlinks it, or it logs itself
//! out. A logged-out device keeps what it had received and receives nothing
//! more.

use super::{Device, DeviceError, LogoutReason, log_out};
use crate::world::sandbox::Sandbox;

impl Sandbox {
    /// Log out the active companion `device_id` of `digits` now.
    fn end_companion(
        &mut self,
        digits: &str,
        device_id: &str,
        reason: LogoutReason,
    ) -> Result<Device, DeviceError> {
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
