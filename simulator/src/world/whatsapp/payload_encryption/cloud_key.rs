//! The simulator's stand-in for Meta's payload-encryption key: the RSA-2048
//! key pair a client encrypts `messages_encrypted` requests to. It was
//! generated once (`openssl genrsa 2048`) and is embedded in the binary; its
//! private half is published with metasim's source, so it protects nothing —
//! it only lets a client's encryption code run against metasim the way it
//! runs against Meta. Clients read it from the number's settings
//! (`payload_encryption.cloud_encryption_key`, as Meta's spec shows) or from
//! the control plane (`GET /_sim/whatsapp/payload_encryption_key`).

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};

/// The test key's private half (PKCS#8 PEM).
const PRIVATE_PEM: &str = include_str!("cloud_test_key.pem");

/// The key id a JWK of the test key carries.
pub const KEY_ID: &str = "metasim-payload-encryption-test-key";

/// The private key, parsed once per process (no key is generated at runtime).
pub fn private_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaPrivateKey::from_pkcs8_pem(PRIVATE_PEM)
            .expect("the embedded test key is a PKCS#8 RSA key")
    })
}

fn public_key() -> RsaPublicKey {
    private_key().to_public_key()
}

/// The public key as a `-----BEGIN PUBLIC KEY-----` PEM (SubjectPublicKeyInfo).
pub fn public_pem() -> &'static str {
    static PEM: OnceLock<String> = OnceLock::new();
    PEM.get_or_init(|| {
        public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("an RSA public key encodes")
    })
}

/// The public key as a JWK (RFC 7517) for RSA-OAEP encryption.
pub fn public_jwk() -> Value {
    let key = public_key();
    json!({
        "alg": "RSA-OAEP",
        "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
        "kid": KEY_ID,
        "kty": "RSA",
        "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
        "use": "enc",
    })
}

/// `payload_encryption.cloud_encryption_key` of a number's settings: the JWK,
/// base64url-encoded (Meta's spec shows only the start of such a value,
/// `eyJhbGc…`, which is `{"alg…`).
pub fn settings_value() -> String {
    URL_SAFE_NO_PAD.encode(public_jwk().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs8::DecodePublicKey;

    #[test]
    fn the_published_halves_belong_to_the_embedded_2048_bit_key() {
        assert_eq!(private_key().size(), 256);
        let from_pem = RsaPublicKey::from_public_key_pem(public_pem()).unwrap();
        assert_eq!(from_pem, public_key());
        let jwk: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(settings_value()).unwrap()).unwrap();
        assert_eq!(jwk, public_jwk());
        assert_eq!(jwk["e"], "AQAB");
        assert!(settings_value().starts_with("eyJhbGc"));
    }
}
