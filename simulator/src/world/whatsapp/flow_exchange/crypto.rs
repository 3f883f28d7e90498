//! The encryption of a Flow's data exchange, as WhatsApp's client does it: a
//! fresh 128-bit AES key wrapped with RSA-OAEP (SHA-256, MGF1 SHA-256) to the
//! number's business public key, the request's JSON sealed with AES-128-GCM
//! under a 16-byte IV (the tag appended), and the endpoint's answer sealed
//! with the same key under the IV with every bit flipped, sent back as
//! base64. The randomness is the caller's (the sandbox's seeded generator).

use aes::Aes128;
use aes_gcm::AesGcm;
use aes_gcm::aead::consts::U16;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::rand_core::CryptoRngCore;
use rsa::{Oaep, RsaPublicKey};
use serde_json::json;
use sha2::Sha256;

use crate::world::whatsapp::payload_encryption::jwe::{gcm_open, gcm_seal};

/// AES-128-GCM with the 16-byte IV WhatsApp's Flows use.
type FlowCipher = AesGcm<Aes128, U16>;

/// A sealed request: the body to POST, and what opens the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// `{"encrypted_flow_data", "encrypted_aes_key", "initial_vector"}`.
    pub body: String,
    pub key: [u8; 16],
    pub iv: [u8; 16],
}

/// Seal `plaintext` for the endpoint that holds the private half of `public_key`.
pub fn seal(
    public_key: &RsaPublicKey,
    plaintext: &[u8],
    random: &mut impl CryptoRngCore,
) -> Result<Sealed, rsa::Error> {
    let mut key = [0u8; 16];
    random.fill_bytes(&mut key);
    let mut iv = [0u8; 16];
    random.fill_bytes(&mut iv);
    let wrapped = public_key.encrypt(random, Oaep::new::<Sha256>(), &key)?;
    let (mut data, tag) = gcm_seal::<FlowCipher>(&key, &iv, &[], plaintext);
    data.extend(tag);
    let body = json!({
        "encrypted_flow_data": STANDARD.encode(data),
        "encrypted_aes_key": STANDARD.encode(wrapped),
        "initial_vector": STANDARD.encode(iv),
    })
    .to_string();
    Ok(Sealed { body, key, iv })
}

/// The IV of the answer: the request's with every bit flipped.
pub fn flipped(iv: &[u8; 16]) -> [u8; 16] {
    iv.map(|byte| !byte)
}

/// The plaintext of an endpoint's answer (base64 of ciphertext and tag), if
/// it is one sealed with this request's key.
pub fn open_answer(sealed: &Sealed, answer: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(answer).ok()?.trim();
    let bytes = STANDARD.decode(text).ok()?;
    let split = bytes.len().checked_sub(16)?;
    let (data, tag) = bytes.split_at(split);
    gcm_open::<FlowCipher>(&sealed.key, &flipped(&sealed.iv), &[], data, tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::whatsapp::payload_encryption::cloud_key::private_key;
    use crate::world::whatsapp::payload_encryption::seeded_random::SeededRandom;
    use serde_json::Value;

    #[test]
    fn a_request_opens_with_the_private_key_and_an_answer_with_the_flipped_iv() {
        let mut random = SeededRandom::new([7; 32]);
        let private = private_key();
        let sealed = seal(&private.to_public_key(), b"{\"a\":1}", &mut random).unwrap();
        let body: Value = serde_json::from_str(&sealed.body).unwrap();
        let field = |name: &str| STANDARD.decode(body[name].as_str().unwrap()).unwrap();
        let key = private
            .decrypt(Oaep::new::<Sha256>(), &field("encrypted_aes_key"))
            .unwrap();
        assert_eq!(key, sealed.key);
        let data = field("encrypted_flow_data");
        let (ciphertext, tag) = data.split_at(data.len() - 16);
        let plain = gcm_open::<FlowCipher>(&key, &field("initial_vector"), &[], ciphertext, tag);
        assert_eq!(plain.as_deref(), Some(&b"{\"a\":1}"[..]));
        let (mut answer, tag) = gcm_seal::<FlowCipher>(&key, &flipped(&sealed.iv), &[], b"ok");
        answer.extend(tag);
        let answer = STANDARD.encode(answer);
        assert_eq!(
            open_answer(&sealed, answer.as_bytes()).as_deref(),
            Some(&b"ok"[..])
        );
        let (mut same_iv, tag) = gcm_seal::<FlowCipher>(&key, &sealed.iv, &[], b"ok");
        same_iv.extend(tag);
        assert_eq!(
            open_answer(&sealed, STANDARD.encode(same_iv).as_bytes()),
            None
        );
        assert_eq!(open_answer(&sealed, b"not base64!"), None);
    }
}
