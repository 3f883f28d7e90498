//! JSON exactly as Meta encodes it: compact, non-ASCII escaped as lowercase
//! `\uXXXX` (surrogate pairs beyond the BMP), and `/` escaped as `\/`.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

struct MetaFormatter;

impl Formatter for MetaFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Most fragments are plain ASCII without `/`: written in one go.
        let plain = |b: &u8| b.is_ascii() && *b != b'/';
        if fragment.as_bytes().iter().all(plain) {
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

/// Encode a value the way Meta's servers do.
pub fn meta_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, MetaFormatter);
    value
        .serialize(&mut serializer)
        .expect("JSON values always serialize");
    out
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
    fn round_trips() {
        let value = json!({"a": ["ü", 1, null, {"b": "c/d"}]});
        let parsed: serde_json::Value = serde_json::from_slice(&meta_json(&value)).unwrap();
        assert_eq!(parsed, value);
    }
}
