//! The audio codecs of a number's calls. Opus is always on (Meta's call
//! settings: it is the default and cannot be removed); the G.711 codecs
//! `PCMA` (A-law) and `PCMU` (µ-law) are on once
//! `calling.audio.additional_codecs` lists them (`[]` turns them off again).
//! A codec is negotiated as RFC 3264 has it: the first codec of a session
//! description's audio line that the number takes. A business's offer or
//! answer whose audio names no codec the number takes is refused
//! (`calls.rs`); the offer the user's side plays for a user's call lists
//! Opus and then the number's additional codecs, and the user's answer to a
//! business call picks the codec its offer negotiated (`call_media.rs`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::calls::CallRefusal;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// An audio codec a WhatsApp call can carry.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum AudioCodec {
    #[default]
    Opus,
    Pcma,
    Pcmu,
}

/// The most entries an `additional_codecs` list may have (metasim's bound:
/// two codecs exist, repeated entries count).
pub const CODEC_LIST_MAX: usize = 8;

const PARAM: &str = "calling['audio']['additional_codecs']";

impl AudioCodec {
    /// The codec of an SDP encoding name (`a=rtpmap:<pt> <name>/<rate>`).
    fn of_encoding(name: &str) -> Option<AudioCodec> {
        [AudioCodec::Opus, AudioCodec::Pcma, AudioCodec::Pcmu]
            .into_iter()
            .find(|codec| codec.name().eq_ignore_ascii_case(name))
    }

    /// The name Meta's settings and SDP encoding names use.
    pub fn name(self) -> &'static str {
        match self {
            AudioCodec::Opus => "OPUS",
            AudioCodec::Pcma => "PCMA",
            AudioCodec::Pcmu => "PCMU",
        }
    }

    pub fn is_opus(&self) -> bool {
        *self == AudioCodec::Opus
    }

    /// Its RTP payload type in metasim's SDPs (RFC 3551's static 0 and 8
    /// for G.711) and its `a=rtpmap` line.
    pub fn rtp(self) -> (u8, &'static str) {
        match self {
            AudioCodec::Opus => (111, "a=rtpmap:111 opus/48000/2\r\n"),
            AudioCodec::Pcma => (8, "a=rtpmap:8 PCMA/8000\r\n"),
            AudioCodec::Pcmu => (0, "a=rtpmap:0 PCMU/8000\r\n"),
        }
    }
}

/// `calling.audio` of an update: `{"additional_codecs": ["PCMA", "PCMU"]}`
/// (either case), each once in the order given; Opus is not listed.
pub fn additional_codecs(value: &Value) -> Result<Vec<AudioCodec>, Invalid> {
    let refuse = || {
        Invalid::new(
            PARAM,
            format!(
                "Param {PARAM} must be a list of the codecs {{PCMA, PCMU}} (Opus is always enabled)."
            ),
        )
    };
    let Some(list) = value.get("additional_codecs") else {
        return Err(Invalid::new(
            PARAM,
            format!("The parameter {PARAM} is required."),
        ));
    };
    let list = list
        .as_array()
        .filter(|list| list.len() <= CODEC_LIST_MAX)
        .ok_or_else(refuse)?;
    let mut codecs = Vec::new();
    for entry in list {
        let codec = entry
            .as_str()
            .and_then(AudioCodec::of_encoding)
            .filter(|codec| !codec.is_opus())
            .ok_or_else(refuse)?;
        if !codecs.contains(&codec) {
            codecs.push(codec);
        }
    }
    Ok(codecs)
}

/// A restored snapshot's additional codecs are G.711 codecs, each once.
pub fn check_kept(codecs: &[AudioCodec], place: &str) -> Result<(), Invalid> {
    let each_once = codecs
        .iter()
        .enumerate()
        .all(|(i, codec)| !codec.is_opus() && !codecs[..i].contains(codec));
    if !each_once {
        return Err(Invalid::new(
            place,
            format!("{place}: additional codecs must be PCMA and PCMU, each once"),
        ));
    }
    Ok(())
}

/// The codecs an SDP's first audio line names, in its order: by their
/// `a=rtpmap` encoding names, or RFC 3551's static payload types 0 (PCMU)
/// and 8 (PCMA) when they have none. Other formats (telephone events,
/// comfort noise, codecs WhatsApp does not carry) are left out.
pub fn sdp_audio_codecs(sdp: &str) -> Vec<AudioCodec> {
    let mut lines = sdp.lines().skip_while(|line| !line.starts_with("m=audio"));
    let Some(media) = lines.next() else {
        return Vec::new();
    };
    let section: Vec<&str> = lines.take_while(|line| !line.starts_with("m=")).collect();
    let encoding = |format: &str| {
        section.iter().find_map(|line| {
            let (pt, rest) = line.strip_prefix("a=rtpmap:")?.split_once(' ')?;
            (pt == format).then(|| rest.split('/').next().unwrap_or_default())
        })
    };
    media
        .split_ascii_whitespace()
        .skip(3)
        .filter_map(|format| match (encoding(format), format) {
            (Some(name), _) => AudioCodec::of_encoding(name),
            (None, "0") => Some(AudioCodec::Pcmu),
            (None, "8") => Some(AudioCodec::Pcma),
            (None, _) => None,
        })
        .collect()
}

impl Sandbox {
    /// The number's codecs beyond Opus (`calling.audio.additional_codecs`).
    pub fn additional_codecs(&self, phone_number_id: &str) -> &[AudioCodec] {
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .map_or(&[], |p| p.settings.additional_codecs.as_slice())
    }

    /// The codec a business's SDP negotiates with the number: the first of
    /// `offered` that is Opus or one of its additional codecs.
    pub fn negotiate_audio(
        &self,
        phone_number_id: &str,
        offered: &[AudioCodec],
    ) -> Result<AudioCodec, CallRefusal> {
        let additional = self.additional_codecs(phone_number_id);
        offered
            .iter()
            .copied()
            .find(|codec| codec.is_opus() || additional.contains(codec))
            .ok_or(CallRefusal::NoCommonCodec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn g711_is_listed_each_once_and_read_from_an_sdp_audio_line() {
        let given = json!({"additional_codecs": ["pcmu", "PCMA", "PCMU"]});
        let codecs = additional_codecs(&given).unwrap();
        assert_eq!(codecs, [AudioCodec::Pcmu, AudioCodec::Pcma]);
        check_kept(&codecs, "here").unwrap();
        assert!(check_kept(&[AudioCodec::Opus], "here").is_err());
        assert!(check_kept(&[AudioCodec::Pcma, AudioCodec::Pcma], "here").is_err());
        assert_eq!(
            additional_codecs(&json!({"additional_codecs": []})),
            Ok(vec![])
        );
        for bad in [
            json!({}),
            json!({"additional_codecs": "PCMA"}),
            json!({"additional_codecs": ["OPUS"]}),
            json!({"additional_codecs": ["G722"]}),
            json!({"additional_codecs": [8]}),
            json!({"additional_codecs": vec!["PCMA"; CODEC_LIST_MAX + 1]}),
        ] {
            assert!(additional_codecs(&bad).is_err(), "{bad}");
        }
        let browser = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 126\r\n\
            a=rtpmap:111 opus/48000/2\r\na=rtpmap:63 red/48000/2\r\na=rtpmap:9 G722/8000\r\n\
            a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:126 telephone-event/8000\r\n\
            m=video 9 UDP/TLS/RTP/SAVPF 8\r\na=rtpmap:8 VP8/90000\r\n";
        let offered = [AudioCodec::Opus, AudioCodec::Pcmu, AudioCodec::Pcma];
        assert_eq!(sdp_audio_codecs(browser), offered);
        // Static payload types need no rtpmap; an unmapped dynamic one is unknown.
        assert_eq!(
            sdp_audio_codecs("v=0\r\nm=audio 9 RTP/AVP 8 0 96\r\n"),
            [AudioCodec::Pcma, AudioCodec::Pcmu]
        );
        assert!(sdp_audio_codecs("v=0\r\nm=video 9 RTP/AVP 0\r\n").is_empty());
    }
}
