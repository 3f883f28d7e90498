//! What media a number's calls carry: the addresses of the media servers
//! (`calling.ip_addresses.default` of `GET /{phone-number-id}/settings`,
//! required by the spec), the `video` setting (`calling.video.status`,
//! video calling is opt-in: disabled until the business enables it) and the
//! `audio` status (audio is the call itself, so it follows
//! `calling.status`; the spec lets no request write it), and the session
//! description metasim plays for the user's side of a call. Meta's media
//! servers are its own; metasim answers addresses from the documentation
//! ranges (RFC 5737 for IPv4, RFC 3849 for IPv6), the same for every
//! sandbox, and puts the first in the `c=` line of the user's SDP. An SDP
//! with a video media line (`m=video`) on a number whose video calling is
//! disabled is refused (`calls.rs`). The user's audio line carries the
//! codecs of `call_codecs.rs`.

use serde_json::{Value, json};

use super::call_codecs::{AudioCodec, sdp_audio_codecs};
use super::call_settings::enabled_flag;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The media servers' addresses metasim answers: one of each IPv4
/// documentation range (RFC 5737) and one of the IPv6 range (RFC 3849).
pub const MEDIA_SERVER_IPS: [&str; 4] = [
    "192.0.2.10",
    "198.51.100.10",
    "203.0.113.10",
    "2001:db8::10",
];

/// `calling.ip_addresses` as `GET …/settings` answers it.
pub fn ip_addresses_json() -> Value {
    json!({ "default": MEDIA_SERVER_IPS })
}

/// `calling.video` of an update: `{"status": "enabled"|"disabled"}` (either case).
pub fn video_flag(value: &Value) -> Result<bool, Invalid> {
    enabled_flag(value.get("status"), "calling['video']['status']")
}

/// Whether a session description offers or answers video.
pub fn sdp_has_video(sdp: &str) -> bool {
    sdp.lines().any(|line| line.starts_with("m=video"))
}

/// What a business's session description asks of a call: video, and the
/// audio codecs it names, in its order of preference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionMedia {
    pub video: bool,
    pub audio: Vec<AudioCodec>,
}

impl SessionMedia {
    pub fn of(sdp: &str) -> Self {
        Self {
            video: sdp_has_video(sdp),
            audio: sdp_audio_codecs(sdp),
        }
    }
}

/// An audio-only Opus offer, for the calling unit tests.
#[cfg(test)]
pub fn audio_offer() -> SessionMedia {
    SessionMedia {
        video: false,
        audio: vec![AudioCodec::Opus],
    }
}

impl Sandbox {
    /// The number lets its calls carry video (`calling.video.status`).
    pub fn video_enabled(&self, phone_number_id: &str) -> bool {
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|p| p.settings.video == Some(true))
    }

    /// A session description for the user's side: deterministic, RFC 8866,
    /// its audio line carrying `audio` (with telephone events), with a video
    /// media line for a video call.
    pub(super) fn session_description(
        &mut self,
        call_id: &str,
        sdp_type: &str,
        video: bool,
        audio: &[AudioCodec],
    ) -> Value {
        let ufrag = self.ids.opaque_code(4, "call_ice_ufrag");
        let password = self.ids.opaque_code(24, "call_ice_pwd");
        let session: u64 = call_id.bytes().fold(7, |h, b| {
            h.wrapping_mul(31).wrapping_add(u64::from(b)) % 1_000_000_000_000
        });
        let setup = if sdp_type == "offer" {
            "actpass"
        } else {
            "active"
        };
        let media = MEDIA_SERVER_IPS[0];
        let bundle = if video { "audio video" } else { "audio" };
        let (types, maps): (Vec<String>, String) = audio
            .iter()
            .map(|codec| codec.rtp())
            .map(|(pt, map)| (pt.to_string(), map))
            .unzip();
        let types = types.join(" ");
        let mut sdp = format!(
            "v=0\r\no=- {session} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE {bundle}\r\n\
             m=audio 3480 UDP/TLS/RTP/SAVPF {types} 126\r\nc=IN IP4 {media}\r\n\
             a=ice-ufrag:{ufrag}\r\na=ice-pwd:{password}\r\na=setup:{setup}\r\na=mid:audio\r\n\
             a=sendrecv\r\na=rtcp-mux\r\n{maps}a=rtpmap:126 telephone-event/8000\r\n"
        );
        if video {
            sdp.push_str(&format!(
                "m=video 3480 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 {media}\r\n\
                 a=ice-ufrag:{ufrag}\r\na=ice-pwd:{password}\r\na=setup:{setup}\r\na=mid:video\r\n\
                 a=sendrecv\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n"
            ));
        }
        json!({ "sdp_type": sdp_type, "sdp": sdp })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_documentation_ranges_and_video_is_a_media_line() {
        for ip in MEDIA_SERVER_IPS {
            let parsed: std::net::IpAddr = ip.parse().unwrap();
            let documentation = match parsed {
                std::net::IpAddr::V4(v4) => {
                    let [a, b, c, _] = v4.octets();
                    matches!((a, b, c), (192, 0, 2) | (198, 51, 100) | (203, 0, 113))
                }
                std::net::IpAddr::V6(v6) => v6.segments()[..2] == [0x2001, 0x0db8],
            };
            assert!(documentation, "{ip}");
        }
        assert!(sdp_has_video(
            "v=0\r\nm=audio 9 RTP 111\r\nm=video 9 RTP 96\r\n"
        ));
        assert!(!sdp_has_video("v=0\r\nm=audio 9 RTP 111\r\na=video\r\n"));
        assert_eq!(video_flag(&json!({"status": "ENABLED"})), Ok(true));
        assert!(video_flag(&json!({"status": "sometimes"})).is_err());
        assert!(video_flag(&json!({})).is_err());
    }
}
