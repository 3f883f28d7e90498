//! The sandbox's seeded identifier generator.
//!
//! Every id, token, secret, trace id and code that metasim hands out comes from
//! here, so that the same seed and the same sequence of requests give the same
//! values. The generator is a counter fed through a seeded hash together with
//! the seed: its whole state is two integers, which makes snapshots exact and
//! lets a restored sandbox continue with the very ids the original would have
//! produced.
//!
//! The hash is [`Mixer`]: cheap (a few dozen instructions per 8 bytes, where
//! SHA-256 took thousands per id on the send path), deterministic on every
//! platform, and collision-free across counters. Ids only have to be
//! deterministic, unique and random-looking; nothing here is a secret from
//! whoever knows the seed, so nothing needs a cryptographic hash.

use serde::{Deserialize, Serialize};

use super::bounds::counter;
use super::shared::Invalid;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finalizer: a bijection on 64 bits that mixes every input bit
/// into every output bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seeded hash behind every id: 64 bits of state, each input word folded
/// in through [`mix`], squeezed into 32 bytes at the end. Each step is a
/// bijection of the state, so inputs that differ in one word only (the
/// generator's counter) always give different outputs.
struct Mixer(u64);

impl Mixer {
    fn new(seed: u64) -> Self {
        Self(mix(seed ^ 0x6A09_E667_F3BC_C908))
    }

    fn word(&mut self, word: u64) -> &mut Self {
        self.0 = mix(self.0.wrapping_add(GOLDEN) ^ word);
        self
    }

    /// A byte string, length first (so `["ab", "c"]` and `["a", "bc"]` differ).
    fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.word(bytes.len() as u64);
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.word(u64::from_le_bytes(word));
        }
        self
    }

    fn finish(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (lane, chunk) in (1u64..).zip(out.chunks_exact_mut(8)) {
            chunk.copy_from_slice(&mix(self.0 ^ lane.wrapping_mul(GOLDEN)).to_le_bytes());
        }
        out
    }
}

/// 32 bytes derived from `seed`, the `round` and `parts` alone.
fn derive(seed: u64, parts: &[&[u8]], round: u64) -> [u8; 32] {
    let mut mixer = Mixer::new(seed);
    mixer.word(round);
    for part in parts {
        mixer.bytes(part);
    }
    mixer.finish()
}

/// 64 bits derived from `seed` and `parts` alone (no generator draw).
pub fn derived_u64(seed: u64, parts: &[&[u8]]) -> u64 {
    let bytes = derive(seed, parts, 0);
    u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"))
}

/// `count` characters derived from `seed` and `parts` alone, the one helper
/// behind every derived id: the bytes of rounds 0, 1, … each become a
/// character through `pick(position, byte)`.
fn derived_chars(
    seed: u64,
    parts: &[&[u8]],
    count: usize,
    pick: impl Fn(usize, u8) -> u8,
) -> String {
    let mut out = String::with_capacity(count);
    let mut round = 0;
    while out.len() < count {
        for byte in derive(seed, parts, round) {
            if out.len() == count {
                break;
            }
            out.push(char::from(pick(out.len(), byte)));
        }
        round += 1;
    }
    out
}

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
        Mixer::new(self.seed)
            .word(self.counter)
            .bytes(salt.as_bytes())
            .finish()
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

    /// An `fbtrace_id`-style opaque trace id. Drawn on every call, so it takes
    /// its characters straight from [`mix`] (SplitMix64) rather than a draw.
    pub fn trace_id(&mut self) -> String {
        self.counter = self.counter.saturating_add(1);
        let mut state = self.seed ^ self.counter.wrapping_mul(GOLDEN);
        let mut out = String::with_capacity(23);
        while out.len() < 23 {
            state = state.wrapping_add(GOLDEN);
            let mut z = mix(state);
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
        let (marker, hex_bytes) = if inbound { (0x12u8, 10) } else { (0x11u8, 9) };
        self.whatsapp_key("wamid", consumer_digits, marker, hex_bytes)
    }

    /// A WhatsApp call id shaped like Meta's: `wacid.` + base64 of the same
    /// kind of key as a message id's, with a longer random part.
    pub fn wacid(&mut self, consumer_digits: &str) -> String {
        self.whatsapp_key("wacid", consumer_digits, 0x11, 16)
    }

    /// `{prefix}.` + base64 of a key holding the phone digits, a marker and
    /// `hex_bytes` random bytes written as upper-case hex.
    fn whatsapp_key(&mut self, prefix: &str, digits: &str, marker: u8, hex_bytes: usize) -> String {
        use base64::Engine as _;
        let random = self.draw(prefix);
        let mut key = Vec::with_capacity(16 + digits.len() + 2 * hex_bytes);
        key.extend_from_slice(&[0x1c, 0x18, digits.len() as u8]);
        key.extend_from_slice(digits.as_bytes());
        key.extend_from_slice(&[0x15, 0x02, 0x00, marker, 0x18, 2 * hex_bytes as u8]);
        key.extend_from_slice(hex::encode_upper(&random[..hex_bytes]).as_bytes());
        key.push(0x00);
        let mut id = String::with_capacity(prefix.len() + 1 + key.len().div_ceil(3) * 4);
        id.push_str(prefix);
        id.push('.');
        base64::engine::general_purpose::STANDARD.encode_string(key, &mut id);
        id
    }

    /// `count` characters of `alphabet` derived from the seed and `salt`
    /// alone: the same salt always gives the same characters, and nothing
    /// is drawn (ids derived this way shift no other id).
    fn derived(&self, salt: &str, count: usize, alphabet: &[u8]) -> String {
        derived_chars(
            self.seed,
            &[b"derived", salt.as_bytes()],
            count,
            |_, byte| alphabet[usize::from(byte) % alphabet.len()],
        )
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
    derived_chars(0, parts, 23, |_, byte| {
        BASE62[usize::from(byte) % BASE62.len()]
    })
}

/// Deterministic digits derived from `parts` alone (no generator draw, so
/// no other id moves): for values that follow from a node, like the funding
/// id of a WABA's payment method. The first digit is never 0.
pub fn derived_digits(parts: &[&str], len: usize) -> String {
    let parts: Vec<&[u8]> = parts.iter().map(|part| part.as_bytes()).collect();
    derived_chars(0, &parts, len, |position, byte| {
        b'0' + if position == 0 {
            1 + byte % 9
        } else {
            byte % 10
        }
    })
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
    fn the_hash_separates_parts_and_counters() {
        assert_ne!(
            derived_u64(1, &[b"ab", b"c"]),
            derived_u64(1, &[b"a", b"bc"])
        );
        assert_ne!(derived_u64(1, &[b"x"]), derived_u64(2, &[b"x"]));
        // A million draws of one generator: no two wamids' random parts alike.
        let mut ids = IdGenerator::new(9);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1_000_000 {
            assert!(seen.insert(ids.draw("wamid")[..9].to_vec()));
        }
    }

    #[test]
    fn derived_bytes_look_uniform() {
        // 64,000 bytes of consecutive draws: each value about 250 times.
        let mut ids = IdGenerator::new(0);
        let mut counts = [0u32; 256];
        for _ in 0..2_000 {
            for byte in ids.draw("") {
                counts[usize::from(byte)] += 1;
            }
        }
        assert!(
            counts.iter().all(|&n| (170..330).contains(&n)),
            "{counts:?}"
        );
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
