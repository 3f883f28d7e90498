//! Encrypted sends (`POST /{phone-number-id}/messages_encrypted`): the body
//! of a `/messages` request, encrypted by the client as a JWE (compact
//! serialization) to the cloud key — in metasim the published test key of
//! `payload_encryption::cloud_key` — and answered with a JWE for the client
//! key the number's settings hold (`client_encryption_key`). A number whose
//! encryption was turned on before metasim took client keys (a snapshot of
//! an older metasim) has none: its answers go to its business public key
//! (`whatsapp_business_encryption`), as they did then. Opening a send checks
//! that payload encryption is on in the number's settings, that there is a
//! key metasim can encrypt the answer to, that the token is a well-formed JWE
//! with algorithms Meta takes, and decrypts it to a JSON object; sealing
//! encrypts an answer with RSA-OAEP and A256GCM, its randomness drawn from
//! the sandbox's seeded generator.

use rsa::RsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use serde_json::{Map, Value};

use super::payload_encryption::jwe::{self, CompactJwe, ContentCipher, JweError, KeyWrap};
use super::payload_encryption::seeded_random::SeededRandom;
use super::payload_encryption::{client_key, cloud_key};
use crate::world::sandbox::Sandbox;

/// The longest token metasim reads (a request body is bounded anyway).
pub const TOKEN_MAX: usize = 1 << 20;

/// How an answer is encrypted: RSA-OAEP key wrap, A256GCM content.
pub const ANSWER_ALGORITHMS: (KeyWrap, ContentCipher) = (KeyWrap::RsaOaep, ContentCipher::A256Gcm);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncryptedRefusal {
    /// Payload encryption is off in the number's settings.
    EncryptionDisabled,
    /// No business public key to encrypt the answer for.
    NoPublicKey,
    /// The business public key is not an RSA key metasim can encrypt to.
    UnusablePublicKey,
    /// The client key of the settings is not one either (a snapshot is
    /// checked for this, so it is not expected).
    UnusableClientKey,
    /// Not a JWE in compact serialization; the reason.
    Malformed(&'static str),
    /// An algorithm Meta does not take: the header member and its value.
    Algorithm(&'static str, String),
    /// Well-formed, but not encrypted to the cloud key: its algorithms.
    Undecryptable(KeyWrap, ContentCipher),
    /// Decrypted, but the plaintext is not a JSON object.
    NotJsonObject,
}

impl Sandbox {
    /// The key an answer is encrypted to: the client key of the number's
    /// settings, or without one its business public key (see the module doc).
    fn answer_key(&self, phone_number_id: &str) -> Result<RsaPublicKey, EncryptedRefusal> {
        let client = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .and_then(|phone| phone.settings.client_encryption_key.as_deref());
        if let Some(pem) = client {
            return client_key::parse_pem(pem).map_err(|_| EncryptedRefusal::UnusableClientKey);
        }
        let pem = self
            .whatsapp
            .public_keys
            .get(phone_number_id)
            .ok_or(EncryptedRefusal::NoPublicKey)?;
        RsaPublicKey::from_public_key_pem(pem).map_err(|_| EncryptedRefusal::UnusablePublicKey)
    }

    /// Check and decrypt an encrypted send (see the module doc): the
    /// `/messages` request body it carries.
    pub fn open_encrypted_send(
        &self,
        phone_number_id: &str,
        token: &str,
    ) -> Result<Map<String, Value>, EncryptedRefusal> {
        let enabled = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|p| p.settings.payload_encryption == "enabled");
        if !enabled {
            return Err(EncryptedRefusal::EncryptionDisabled);
        }
        self.answer_key(phone_number_id)?;
        if token.len() > TOKEN_MAX {
            return Err(EncryptedRefusal::Malformed(
                "the token is longer than 1 MiB",
            ));
        }
        let parsed = CompactJwe::parse(token).map_err(|error| match error {
            JweError::Malformed(why) => EncryptedRefusal::Malformed(why),
            JweError::Algorithm(member, value) => EncryptedRefusal::Algorithm(member, value),
        })?;
        let plaintext = parsed
            .decrypt(cloud_key::private_key())
            .ok_or(EncryptedRefusal::Undecryptable(parsed.wrap, parsed.cipher))?;
        match serde_json::from_slice(&plaintext) {
            Ok(Value::Object(body)) => Ok(body),
            _ => Err(EncryptedRefusal::NotJsonObject),
        }
    }

    /// Encrypt an answer (its JSON as it would go out) to the number's answer key (checked by
    /// [`Sandbox::open_encrypted_send`] before the send), drawing its
    /// randomness from the sandbox's generator.
    pub fn seal_encrypted_answer(
        &mut self,
        phone_number_id: &str,
        answer: &[u8],
    ) -> Result<String, EncryptedRefusal> {
        let key = self.answer_key(phone_number_id)?;
        let mut random = SeededRandom::new(self.ids.secret_bytes("payload_encryption"));
        let (wrap, cipher) = ANSWER_ALGORITHMS;
        jwe::encrypt(wrap, cipher, &key, answer, &mut random)
            .map_err(|_| EncryptedRefusal::UnusablePublicKey)
    }
}
