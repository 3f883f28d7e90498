//! Payload encryption as a client does it: turn it on with the client's
//! public key (`payload_encryption.client_encryption_key`, the base64 of a
//! PEM), encrypt a `/messages` body to the key the number's settings publish
//! (`payload_encryption.cloud_encryption_key`, a base64url JWK) as a JWE with
//! RSA-OAEP and A256GCM, and decrypt the `messages_encrypted` answer with
//! the client's private key (or, for a number without a client key, the
//! business private key whose public half went to
//! `whatsapp_business_encryption`). Independent of metasim's own JWE code:
//! written from RFC 7516/7518 with the same RustCrypto crates.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
use rsa::rand_core::{OsRng, RngCore};
use rsa::{BigUint, Oaep, RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The test's business key pair (generated once with `openssl genrsa 2048`).
const BUSINESS_PRIVATE_PEM: &str = include_str!("business_test_key.pem");

pub fn business_key() -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(BUSINESS_PRIVATE_PEM).expect("a PKCS#8 RSA key")
}

/// The test's client key pair (generated once with `openssl genrsa 2048`).
const CLIENT_PRIVATE_PEM: &str = include_str!("client_test_key.pem");

pub fn client_key() -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(CLIENT_PRIVATE_PEM).expect("a PKCS#8 RSA key")
}

/// A public key as `payload_encryption.client_encryption_key` takes it: the
/// base64 of its PEM.
pub fn key_setting(key: &RsaPublicKey) -> String {
    STANDARD.encode(key.to_public_key_pem(LineEnding::LF).expect("a PEM"))
}

/// The settings' `payload_encryption` turning encryption on with the
/// test's client key.
pub fn enabling() -> Value {
    json!({ "payload_encryption": {
        "status": "enabled",
        "client_encryption_key": key_setting(&client_key().to_public_key()),
    }})
}

/// The fingerprint the settings should show for `key`, computed here:
/// `SHA256:` and the unpadded base64 of the SHA-256 of its DER
/// SubjectPublicKeyInfo.
pub fn fingerprint(key: &RsaPublicKey) -> String {
    let der = key.to_public_key_der().expect("a DER");
    format!(
        "SHA256:{}",
        STANDARD_NO_PAD.encode(Sha256::digest(der.as_bytes()))
    )
}

/// The business public key as `whatsapp_business_encryption` takes it.
pub fn business_public_pem() -> String {
    business_key()
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("a PEM")
}

/// The RSA public key of a JWK (`n`, `e` in base64url).
pub fn jwk_key(jwk: &Value) -> RsaPublicKey {
    let number = |member: &str| {
        let text = jwk[member]
            .as_str()
            .unwrap_or_else(|| panic!("{member} in {jwk}"));
        BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(text).expect("base64url"))
    };
    RsaPublicKey::new(number("n"), number("e")).expect("an RSA key")
}

/// The key of a number's `cloud_encryption_key` setting (a base64url JWK).
pub fn cloud_key(setting: &str) -> RsaPublicKey {
    let jwk: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(setting).expect("base64url")).expect("JSON");
    jwk_key(&jwk)
}

/// `body` as a compact JWE (RSA-OAEP, A256GCM) for `key`.
pub fn seal(key: &RsaPublicKey, body: &[u8]) -> String {
    let mut content_key = [0u8; 32];
    OsRng.fill_bytes(&mut content_key);
    let mut iv = [0u8; 12];
    OsRng.fill_bytes(&mut iv);
    let wrapped = key
        .encrypt(&mut OsRng, Oaep::new::<sha1::Sha1>(), &content_key)
        .expect("OAEP encrypts 32 bytes");
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RSA-OAEP", "enc": "A256GCM"}).to_string());
    let sealed = Aes256Gcm::new_from_slice(&content_key)
        .expect("a 256-bit key")
        .encrypt(
            Nonce::from_slice(&iv),
            Payload {
                msg: body,
                aad: header.as_bytes(),
            },
        )
        .expect("AES-GCM encrypts");
    let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
    [
        header,
        URL_SAFE_NO_PAD.encode(wrapped),
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(ciphertext),
        URL_SAFE_NO_PAD.encode(tag),
    ]
    .join(".")
}

/// The JSON an answer's JWE (RSA-OAEP, A256GCM) carries, opened with the
/// client key; panics when it is anything else.
pub fn open(token: &str) -> Value {
    open_with(&client_key(), token)
}

/// The JSON an answer's JWE (RSA-OAEP, A256GCM) carries, opened with `key`;
/// panics when it is anything else.
pub fn open_with(key: &RsaPrivateKey, token: &str) -> Value {
    let parts: Vec<Vec<u8>> = token
        .split('.')
        .map(|part| URL_SAFE_NO_PAD.decode(part).expect("base64url"))
        .collect();
    let [header, wrapped, iv, ciphertext, tag] = &parts[..] else {
        panic!("five parts: {token}");
    };
    let header: Value = serde_json::from_slice(header).expect("a JSON header");
    assert_eq!(header, json!({"alg": "RSA-OAEP", "enc": "A256GCM"}));
    let content_key = key
        .decrypt(Oaep::new::<sha1::Sha1>(), wrapped)
        .expect("the content key unwraps with the key");
    let aad = token.split('.').next().expect("a header").as_bytes();
    let mut sealed = ciphertext.clone();
    sealed.extend_from_slice(tag);
    let plaintext = Aes256Gcm::new_from_slice(&content_key)
        .expect("a 256-bit key")
        .decrypt(Nonce::from_slice(iv), Payload { msg: &sealed, aad })
        .expect("the tag verifies");
    serde_json::from_slice(&plaintext).expect("JSON")
}
