//! JSON exactly as Meta encodes it: compact, non-ASCII escaped as lowercase
//! `\uXXXX` (surrogate pairs beyond the BMP), and `/` escaped as `\/`; and
//! JSON kept as that text ([`EncodedJson`]).

use std::io;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::ser::Formatter;

struct MetaFormatter;

impl Formatter for MetaFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Most fragments are plain ASCII without `/`: written in one go.
        if is_plain(fragment.as_bytes()) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (index, ch) in fragment.char_indices() {
            if ch.is_ascii() && ch != '/' {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..index])?;
            if ch == '/' {
                writer.write_all(b"\\/")?;
            } else {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
            start = index + ch.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// Whether `bytes` are all ASCII and hold no `/`, looked at eight at a time:
/// every string of every answer passes here.
fn is_plain(bytes: &[u8]) -> bool {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    const SLASHES: u64 = 0x2f2f_2f2f_2f2f_2f2f;
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // A byte of `word ^ SLASHES` is zero where `word` has a `/`.
        let slashes = word ^ SLASHES;
        let has_slash = slashes.wrapping_sub(ONES) & !slashes & HIGH_BITS != 0;
        if word & HIGH_BITS != 0 || has_slash {
            return false;
        }
    }
    words.remainder().iter().all(|b| b.is_ascii() && *b != b'/')
}

/// Encode a value the way Meta's servers do.
pub fn meta_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, MetaFormatter);
    value
        .serialize(&mut serializer)
        .expect("JSON values always serialize");
    out
}

/// A JSON document kept as the text metasim encodes: one allocation instead
/// of a tree of them, which keeps journal entries and stored messages cheap
/// to hold and to drop. It reads and writes as the JSON value it encodes.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedJson(Box<str>);

impl EncodedJson {
    /// Text that [`meta_json`] produced.
    pub fn from_encoded(bytes: &[u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self(text.into()),
            Err(_) => Self(String::from_utf8_lossy(bytes).into()),
        }
    }

    pub fn from_value(value: &Value) -> Self {
        Self::from_encoded(&meta_json(value))
    }

    /// How many bytes the encoded text has.
    pub fn encoded_len(&self) -> usize {
        self.0.len()
    }

    /// The value, parsed back (`null` if the text is not JSON).
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }
}

impl Serialize for EncodedJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for EncodedJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(|value| Self::from_value(&value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_like_meta() {
        let bytes = meta_json(&json!({"t": "Olá 👋 a/b \"q\"\n"}));
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"{"t":"Ol\u00e1 \ud83d\udc4b a\/b \"q\"\n"}"#
        );
    }

    #[test]
    fn finds_a_slash_or_non_ascii_at_any_place_of_a_word() {
        let plain = "abcdefghijklmnopqrstuvwxyz0123456789";
        assert!(is_plain(plain.as_bytes()));
        for at in 0..plain.len() {
            for odd in ["/", "é", "\u{7f}\u{80}"] {
                let mut text = plain.to_owned();
                text.replace_range(at..at + 1, odd);
                let expected = text.bytes().all(|b| b.is_ascii() && b != b'/');
                assert_eq!(is_plain(text.as_bytes()), expected, "{text:?}");
            }
        }
        // Bytes next to `/` (0x2e, 0x30) and the top ASCII byte are plain.
        assert!(is_plain(b".0.0.0.0\x7f.0"));
    }

    #[test]
    fn round_trips() {
        let value = json!({"a": ["ü", 1, null, {"b": "c/d"}]});
        let parsed: serde_json::Value = serde_json::from_slice(&meta_json(&value)).unwrap();
        assert_eq!(parsed, value);
    }
}
