//! The sandbox's seeded identifier generator.
//!
//! Every id, token, secret, trace id and code that metasim hands out comes from
//! here, so that the same seed and the same sequence of requests give the same
//! values. The generator is a counter fed through SHA-256 together with the seed:
//! its whole state is two integers, which makes snapshots exact and lets a
//! restored sandbox continue with the very ids the original would have produced.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::bounds::counter;
use super::shared::Invalid;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Seeded, counter-based generator of deterministic identifiers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IdGenerator {
    seed: u64,
    counter: u64,
}

impl IdGenerator {
    pub fn new(seed: u64) -> Self {
        Self { seed, counter: 0 }
    }

    /// Refuse a position (from a snapshot) beyond [`MAX_COUNTER`](super::bounds::MAX_COUNTER).
    pub fn check(&self) -> Result<(), Invalid> {
        counter("ids.counter", self.counter).map(drop)
    }

    /// 32 pseudo-random bytes for the next draw; `salt` mixes in a scope (e.g. the
    /// sandbox id for tokens, so that two sandboxes never share a token).
    fn draw(&mut self, salt: &str) -> [u8; 32] {
        self.counter = self.counter.saturating_add(1);
        let mut hasher = Sha256::new();
        hasher.update(self.seed.to_le_bytes());
        hasher.update(self.counter.to_le_bytes());
        hasher.update(salt.as_bytes());
        hasher.finalize().into()
    }

    fn digits(&mut self, count: usize) -> String {
        let bytes = self.draw("");
        let mut value = u128::from_le_bytes(bytes[..16].try_into().expect("16 bytes"));
        let mut out = String::with_capacity(count);
        for _ in 0..count {
            out.push(char::from(b'0' + (value % 10) as u8));
            value /= 10;
        }
        out
    }

    fn base62(&mut self, count: usize, salt: &str) -> String {
        let mut out = String::with_capacity(count);
        while out.len() < count {
            for byte in self.draw(salt) {
                if out.len() == count {
                    break;
                }
                out.push(char::from(BASE62[usize::from(byte) % BASE62.len()]));
            }
        }
        out
    }

    /// A numeric Graph id: `prefix` followed by random digits, `len` digits in all.
    pub fn numeric_id(&mut self, prefix: &str, len: usize) -> String {
        let rest = len.saturating_sub(prefix.len());
        format!("{prefix}{}", self.digits(rest))
    }

    /// An opaque access token in Meta's style (`EAA…`), unique to `scope`.
    pub fn access_token(&mut self, scope: &str) -> String {
        format!("EAAM{}", self.base62(156, scope))
    }

    /// An Instagram-login token in Meta's style (`IGAA…`), unique to `scope`.
    pub fn instagram_token(&mut self, scope: &str) -> String {
        format!("IGAA{}", self.base62(156, scope))
    }

    /// A 32-character lowercase hex app secret, unique to `scope`.
    pub fn app_secret(&mut self, scope: &str) -> String {
        hex::encode(&self.draw(scope)[..16])
    }

    /// An `fbtrace_id`-style opaque trace id. Drawn on every call, so it uses
    /// a cheap mixer (SplitMix64) rather than SHA-256; it only has to look random.
    pub fn trace_id(&mut self) -> String {
        self.counter = self.counter.saturating_add(1);
        let mut state = self.seed ^ self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut out = String::with_capacity(23);
        while out.len() < 23 {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            for _ in 0..8 {
                if out.len() == 23 {
                    break;
                }
                out.push(char::from(BASE62[(z % 62) as usize]));
                z /= 62;
            }
        }
        out
    }

    /// A WhatsApp message id shaped like Meta's: `wamid.` + base64 of a key that
    /// holds the consumer's phone digits and a random hex part (outbound and
    /// inbound keys differ the way Meta's do).
    pub fn wamid(&mut self, consumer_digits: &str, inbound: bool) -> String {
        let (marker, hex_len) = if inbound {
            (0x12u8, 20usize)
        } else {
            (0x11u8, 18usize)
        };
        self.whatsapp_key("wamid", consumer_digits, marker, hex_len)
    }

    /// A WhatsApp call id shaped like Meta's: `wacid.` + base64 of the same
    /// kind of key as a message id's, with a longer random part.
    pub fn wacid(&mut self, consumer_digits: &str) -> String {
        self.whatsapp_key("wacid", consumer_digits, 0x11, 32)
    }

    fn whatsapp_key(&mut self, prefix: &str, digits: &str, marker: u8, hex_len: usize) -> String {
        use base64::Engine as _;
        let random = hex::encode_upper(self.draw(prefix));
        let mut key = vec![0x1c, 0x18, digits.len() as u8];
        key.extend_from_slice(digits.as_bytes());
        key.extend_from_slice(&[0x15, 0x02, 0x00, marker, 0x18, hex_len as u8]);
        key.extend_from_slice(&random.as_bytes()[..hex_len]);
        key.push(0x00);
        format!(
            "{prefix}.{}",
            base64::engine::general_purpose::STANDARD.encode(key)
        )
    }

    /// 32 bytes derived from the seed and `salt` alone, without drawing.
    fn derive(&self, salt: &str, round: u64) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.seed.to_le_bytes());
        hasher.update(b"derived");
        hasher.update(round.to_le_bytes());
        hasher.update(salt.as_bytes());
        hasher.finalize().into()
    }

    /// `count` characters of `alphabet` derived from the seed and `salt`
    /// alone: the same salt always gives the same characters, and nothing
    /// is drawn (ids derived this way shift no other id).
    fn derived(&self, salt: &str, count: usize, alphabet: &[u8]) -> String {
        let mut out = String::with_capacity(count);
        let mut round = 0;
        while out.len() < count {
            for byte in self.derive(salt, round) {
                if out.len() == count {
                    break;
                }
                out.push(char::from(alphabet[usize::from(byte) % alphabet.len()]));
            }
            round += 1;
        }
        out
    }

    /// Digits derived from the seed and `salt` alone (page-scoped ids stay
    /// the same for a person and a Page, whenever they are first needed).
    pub fn derived_digits(&self, salt: &str, count: usize) -> String {
        self.derived(salt, count, b"0123456789")
    }

    /// Base62 characters derived from the seed and `salt` alone.
    pub fn derived_base62(&self, salt: &str, count: usize) -> String {
        self.derived(salt, count, BASE62)
    }

    /// `count` random base62 characters (opaque ids such as message ids).
    pub fn opaque(&mut self, count: usize) -> String {
        self.base62(count, "opaque")
    }

    /// An opaque base62 code of `len` characters (group invite codes,
    /// asynchronous request ids), unique to `salt`.
    pub fn opaque_code(&mut self, len: usize, salt: &str) -> String {
        self.base62(len, salt)
    }

    /// A numeric verification code with `len` digits (leading zeros allowed).
    pub fn code(&mut self, len: usize) -> String {
        self.digits(len)
    }

    /// 32 seeded random bytes for secrets made of raw bytes (a linking QR
    /// code's keys, a link code's 40 bits), unique to `scope`.
    pub fn secret_bytes(&mut self, scope: &str) -> [u8; 32] {
        self.draw(scope)
    }
}

/// Deterministic 23-character trace id for a request that reached no sandbox
/// (bad token, bad path): derived from the request itself, not from any state.
pub fn stateless_trace_id(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .take(23)
        .map(|byte| char::from(BASE62[usize::from(*byte) % BASE62.len()]))
        .collect()
}

/// Deterministic digits derived from `parts` alone (no generator draw, so
/// no other id moves): for values that follow from a node, like the funding
/// id of a WABA's payment method. The first digit is never 0.
pub fn derived_digits(parts: &[&str], len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut round = 0u64;
    while out.len() < len {
        let mut hasher = Sha256::new();
        hasher.update(round.to_le_bytes());
        for part in parts {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        for byte in hasher.finalize() {
            if out.len() == len {
                break;
            }
            let digit = if out.is_empty() {
                1 + byte % 9
            } else {
                byte % 10
            };
            out.push(char::from(b'0' + digit));
        }
        round += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_digits_follow_their_parts_only() {
        let a = derived_digits(&["funding", "31"], 16);
        assert_eq!(a, derived_digits(&["funding", "31"], 16));
        assert_ne!(a, derived_digits(&["funding", "32"], 16));
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|b| b.is_ascii_digit()) && !a.starts_with('0'));
        assert_eq!(derived_digits(&["x"], 40).len(), 40);
    }

    #[test]
    fn same_seed_same_sequence() {
        let mut a = IdGenerator::new(7);
        let mut b = IdGenerator::new(7);
        for _ in 0..5 {
            assert_eq!(a.numeric_id("31", 15), b.numeric_id("31", 15));
            assert_eq!(a.access_token("s"), b.access_token("s"));
            assert_eq!(a.wamid("15550109999", false), b.wamid("15550109999", false));
        }
    }

    #[test]
    fn different_seed_or_scope_differs() {
        let mut a = IdGenerator::new(1);
        let mut b = IdGenerator::new(2);
        assert_ne!(a.numeric_id("31", 15), b.numeric_id("31", 15));
        let mut c = IdGenerator::new(1);
        let mut d = IdGenerator::new(1);
        assert_ne!(c.access_token("one"), d.access_token("two"));
    }

    #[test]
    fn shapes() {
        let mut ids = IdGenerator::new(0);
        let id = ids.numeric_id("32", 15);
        assert_eq!(id.len(), 15);
        assert!(id.starts_with("32") && id.bytes().all(|b| b.is_ascii_digit()));
        let token = ids.access_token("x");
        assert!(token.starts_with("EAA") && token.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(ids.app_secret("x").len(), 32);
        assert_eq!(ids.trace_id().len(), 23);
        assert_eq!(ids.code(6).len(), 6);
        assert!(
            ids.wamid("15550109999", false)
                .starts_with("wamid.HBgLMTU1NTAxMDk5OTkVAgAR")
        );
        assert!(
            ids.wamid("15550109999", true)
                .starts_with("wamid.HBgLMTU1NTAxMDk5OTkVAgAS")
        );
    }

    #[test]
    fn derived_ids_draw_nothing() {
        let ids = IdGenerator::new(4);
        let a = ids.derived_digits("page/user", 15);
        assert_eq!(a, ids.derived_digits("page/user", 15));
        assert_ne!(a, ids.derived_digits("page/other", 15));
        assert_ne!(a, IdGenerator::new(5).derived_digits("page/user", 15));
        assert_eq!(ids.derived_base62("x", 70).len(), 70);
        assert_eq!(ids, IdGenerator::new(4), "the counter did not move");
    }

    #[test]
    fn restored_generator_continues_identically() {
        let mut original = IdGenerator::new(3);
        original.numeric_id("1", 10);
        let json = serde_json::to_string(&original).unwrap();
        let mut restored: IdGenerator = serde_json::from_str(&json).unwrap();
        assert_eq!(original.trace_id(), restored.trace_id());
    }
}
