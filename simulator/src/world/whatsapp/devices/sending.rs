//! Sending from a device: the device must belong to the account and be
//! active, and sending counts as using it (it moves the device's
//! `last_active_at`, which keeps the inactivity rules away).

use super::DeviceError;
use crate::world::sandbox::Sandbox;

/// Why a message sent from a device did not go: the device, or the send.
#[derive(Debug, Clone, PartialEq)]
pub enum FromDevice<E> {
    Device(DeviceError),
    Send(E),
}

impl Sandbox {
    /// Send from `device_id` of the account `digits` (its primary when
    /// `None`): `send` runs, told which device sends, only when the device
    /// may send; on success the device was used now. Without a device id an
    /// account that has no devices sends as before (and `send` refuses it in
    /// its own words).
    pub fn send_from_device<T, E>(
        &mut self,
        digits: &str,
        device_id: Option<&str>,
        send: impl FnOnce(&mut Sandbox, Option<&str>) -> Result<T, E>,
    ) -> Result<T, FromDevice<E>> {
        self.run_due_devices();
        let sender = match device_id {
            Some(id) => Some(
                self.active_device(digits, id)
                    .map_err(FromDevice::Device)?
                    .id,
            ),
            None => self
                .devices_of(digits)
                .ok()
                .and_then(|account| account.primary().map(|p| p.id.clone())),
        };
        let sent = send(self, sender.as_deref()).map_err(FromDevice::Send)?;
        let now = self.clock.now();
        if let Some(id) = sender
            && let Ok(account) = self.devices_mut(digits)
            && let Some(device) = account.device_mut(&id)
        {
            device.last_active_at = now;
        }
        Ok(sent)
    }
}
