//! Encrypted sends (`POST /{phone-number-id}/messages_encrypted`): the body
//! of a `/messages` request, encrypted by the client as a JWE (compact
//! serialization) to Meta's key; Meta answers with a JWE for the number's
//! business public key. metasim checks what it can without Meta's private
//! key: payload encryption is on in the number's settings, the number has a
//! business public key for the answer, and the token is a well-formed JWE
//! whose algorithms Meta supports. Decrypting is what it cannot do (it
//! holds no key a client could have encrypted to), so a well-formed token
//! is refused as one that does not decrypt.

use base64::Engine as _;
use serde_json::Value;

use crate::world::sandbox::Sandbox;

/// Key encryption algorithms Meta takes.
pub const KEY_ALGORITHMS: [&str; 2] = ["RSA1_5", "RSA-OAEP"];
/// Content encryption algorithms Meta takes.
pub const CONTENT_ALGORITHMS: [&str; 5] = [
    "A128GCM",
    "A256GCM",
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
];
/// The longest token metasim reads (a request body is bounded anyway).
pub const TOKEN_MAX: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncryptedRefusal {
    /// Payload encryption is off in the number's settings.
    EncryptionDisabled,
    /// No business public key to encrypt the answer for.
    NoPublicKey,
    /// Not a JWE in compact serialization; the reason.
    Malformed(&'static str),
    /// An algorithm Meta does not take: the header member and its value.
    Algorithm(&'static str, String),
}

/// The algorithms of a well-formed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JweAlgorithms {
    pub alg: String,
    pub enc: String,
}

fn segment(part: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .ok()
}

impl Sandbox {
    /// Check an encrypted send as far as metasim can (see the module doc):
    /// the token's algorithms when it is well-formed.
    pub fn read_encrypted_send(
        &self,
        phone_number_id: &str,
        token: &str,
    ) -> Result<JweAlgorithms, EncryptedRefusal> {
        let enabled = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|p| p.settings.payload_encryption == "enabled");
        if !enabled {
            return Err(EncryptedRefusal::EncryptionDisabled);
        }
        if !self.whatsapp.public_keys.contains_key(phone_number_id) {
            return Err(EncryptedRefusal::NoPublicKey);
        }
        if token.len() > TOKEN_MAX {
            return Err(EncryptedRefusal::Malformed(
                "the token is longer than 1 MiB",
            ));
        }
        let parts: Vec<&str> = token.trim().split('.').collect();
        let [header, key, iv, ciphertext, tag] = parts[..] else {
            return Err(EncryptedRefusal::Malformed(
                "a JWE has five base64url parts separated by dots",
            ));
        };
        let decoded: Option<Vec<Vec<u8>>> = [header, key, iv, ciphertext, tag]
            .iter()
            .map(|p| segment(p))
            .collect();
        let Some(decoded) = decoded else {
            return Err(EncryptedRefusal::Malformed("a part is not base64url"));
        };
        if decoded[1..].iter().any(Vec::is_empty) {
            return Err(EncryptedRefusal::Malformed(
                "the encrypted key, IV, ciphertext and tag must not be empty",
            ));
        }
        let header: Value = serde_json::from_slice(&decoded[0])
            .map_err(|_| EncryptedRefusal::Malformed("the protected header is not JSON"))?;
        let member = |name: &'static str, allowed: &[&str]| {
            let value = header.get(name).and_then(Value::as_str).unwrap_or_default();
            if allowed.contains(&value) {
                Ok(value.to_owned())
            } else {
                Err(EncryptedRefusal::Algorithm(name, value.to_owned()))
            }
        };
        let alg = member("alg", &KEY_ALGORITHMS)?;
        let enc = member("enc", &CONTENT_ALGORITHMS)?;
        Ok(JweAlgorithms { alg, enc })
    }
}
