//! The calls that ended, kept for `call_analytics`: which number, which
//! user, which direction, when the call began, connected (if it did) and
//! ended. An ongoing call is in `calls.rs` until it ends; the log keeps the
//! newest [`CALL_LOG_MAX`] calls (cut back in steps, as retention does).

use serde::{Deserialize, Serialize};

use super::calls::{Call, CallDirection};
use crate::world::retention::push_keeping_newest;
use crate::world::sandbox::Sandbox;

/// How many ended calls the log keeps (the oldest go first).
pub const CALL_LOG_MAX: usize = 10_000;

/// A call that ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct EndedCall {
    pub phone_number_id: String,
    /// The user's phone digits.
    pub consumer: String,
    pub direction: CallDirection,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_at: Option<i64>,
    pub ended_at: i64,
}

impl EndedCall {
    /// Seconds between connecting and ending, for a call that connected.
    pub fn duration(&self) -> Option<i64> {
        self.connected_at.map(|at| self.ended_at - at)
    }
}

impl Sandbox {
    /// Log `call`, which ended at `at`.
    pub(super) fn log_ended_call(&mut self, call: &Call, at: i64) {
        let ended = EndedCall {
            phone_number_id: call.phone_number_id.clone(),
            consumer: call.consumer.clone(),
            direction: call.direction,
            created_at: call.created_at,
            connected_at: call.connected_at,
            ended_at: at,
        };
        push_keeping_newest(&mut self.whatsapp.calls.ended, ended, CALL_LOG_MAX);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use crate::world::whatsapp::call_codecs::AudioCodec;
    use crate::world::whatsapp::calls::CallState;

    #[test]
    fn the_log_keeps_the_newest_calls() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let mut call = Call {
            id: "wacid.1".into(),
            phone_number_id: "p".into(),
            consumer: "15550109999".into(),
            direction: CallDirection::UserInitiated,
            state: CallState::Connected,
            created_at: 0,
            connected_at: Some(5),
            biz_opaque_callback_data: None,
            video: false,
            audio: AudioCodec::default(),
        };
        // The log runs a sixteenth over before it is cut back.
        let pushed = CALL_LOG_MAX + CALL_LOG_MAX / 16 + 1;
        for at in 0..pushed as i64 {
            call.created_at = at;
            sandbox.log_ended_call(&call, at + 10);
        }
        let log = &sandbox.whatsapp.calls.ended;
        assert_eq!(log.len(), CALL_LOG_MAX);
        assert_eq!(log[0].created_at, (pushed - CALL_LOG_MAX) as i64);
        assert_eq!(log[0].duration(), Some(log[0].ended_at - 5));
    }
}
