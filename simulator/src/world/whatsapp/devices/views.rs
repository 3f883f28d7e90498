//! Which messages each device holds. A message to or from an account reaches
//! every device active when it is sent; a companion also receives, when it
//! links, the account's history of the last year; a phone the number is
//! registered on later starts without history; a logged-out device keeps
//! what it had and nothing later reaches it.

use super::Device;

impl Device {
    /// Does the device hold the message with place `seq` in the order of
    /// messages, sent at `time`?
    pub fn holds(&self, seq: u64, time: i64) -> bool {
        if self.received_until_seq.is_some_and(|until| seq > until) {
            return false;
        }
        seq > self.receives_after_seq || self.history_since.is_some_and(|since| time >= since)
    }
}

#[cfg(test)]
mod tests {
    use crate::world::whatsapp::devices::{
        Device, DeviceKind, DeviceRole, LogoutReason, NewActive, log_out,
    };

    fn device(receives_after_seq: u64, history_since: Option<i64>) -> Device {
        let new = NewActive {
            role: DeviceRole::Companion,
            kind: DeviceKind::Web,
            name: "Web".into(),
            receives_after_seq,
            history_since,
        };
        Device::active("1:1".into(), new, 100)
    }

    #[test]
    fn live_messages_history_and_nothing_after_logout() {
        let mut web = device(10, Some(50));
        assert!(web.holds(11, 100), "sent after it linked");
        assert!(web.holds(3, 60), "recent history");
        assert!(!web.holds(2, 40), "older than its history");
        log_out(&mut web, LogoutReason::User, 200, 20);
        assert!(web.holds(20, 150), "kept after logging out");
        assert!(!web.holds(21, 200), "nothing after");
        let fresh_phone = device(10, None);
        assert!(!fresh_phone.holds(9, 100), "no history on a fresh install");
    }
}
