//! JSON Web Encryption (RFC 7516) in compact serialization, with the
//! algorithms WhatsApp's payload encryption takes (RFC 7518): the content key
//! wrapped with RSA (`RSA-OAEP`, `RSA1_5`) and the content encrypted with
//! AES-GCM (`A128GCM`, `A256GCM`) or AES-CBC with an HMAC-SHA-2 tag
//! (`A128CBC-HS256`, `A192CBC-HS384`, `A256CBC-HS512`). Pure functions: the
//! randomness an encryption needs is the caller's generator.

use aes::{Aes128, Aes192, Aes256};
use aes_gcm::aead::{AeadInPlace, Nonce, Tag};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::{Hmac, Mac};
use rsa::rand_core::CryptoRngCore;
use rsa::{Oaep, Pkcs1v15Encrypt, RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use sha2::{Sha256, Sha384, Sha512};

/// How the content key is wrapped (the header's `alg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyWrap {
    RsaOaep,
    Rsa1_5,
}

impl KeyWrap {
    pub const ALL: [KeyWrap; 2] = [KeyWrap::Rsa1_5, KeyWrap::RsaOaep];

    pub fn name(self) -> &'static str {
        match self {
            KeyWrap::RsaOaep => "RSA-OAEP",
            KeyWrap::Rsa1_5 => "RSA1_5",
        }
    }
}

/// How the content is encrypted (the header's `enc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentCipher {
    A128Gcm,
    A256Gcm,
    A128CbcHs256,
    A192CbcHs384,
    A256CbcHs512,
}

impl ContentCipher {
    pub const ALL: [ContentCipher; 5] = [
        ContentCipher::A128Gcm,
        ContentCipher::A256Gcm,
        ContentCipher::A128CbcHs256,
        ContentCipher::A192CbcHs384,
        ContentCipher::A256CbcHs512,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ContentCipher::A128Gcm => "A128GCM",
            ContentCipher::A256Gcm => "A256GCM",
            ContentCipher::A128CbcHs256 => "A128CBC-HS256",
            ContentCipher::A192CbcHs384 => "A192CBC-HS384",
            ContentCipher::A256CbcHs512 => "A256CBC-HS512",
        }
    }

    /// The content key's length in bytes (for CBC-HS, the MAC key and the
    /// encryption key together).
    fn key_len(self) -> usize {
        match self {
            ContentCipher::A128Gcm => 16,
            ContentCipher::A256Gcm | ContentCipher::A128CbcHs256 => 32,
            ContentCipher::A192CbcHs384 => 48,
            ContentCipher::A256CbcHs512 => 64,
        }
    }

    fn iv_len(self) -> usize {
        match self {
            ContentCipher::A128Gcm | ContentCipher::A256Gcm => 12,
            _ => 16,
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JweError {
    /// Not a JWE in compact serialization; the reason.
    Malformed(&'static str),
    /// An algorithm not taken: the header member and its value.
    Algorithm(&'static str, String),
}

/// A token split into its parts, its algorithms read from the header.
#[derive(Debug, Clone)]
pub struct CompactJwe<'a> {
    pub wrap: KeyWrap,
    pub cipher: ContentCipher,
    /// The protected header as sent (base64url): the additional
    /// authenticated data.
    header: &'a str,
    encrypted_key: Vec<u8>,
    iv: Vec<u8>,
    ciphertext: Vec<u8>,
    tag: Vec<u8>,
}

fn decode(part: &str) -> Result<Vec<u8>, JweError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JweError::Malformed("a part is not base64url"))
}

fn algorithm<T: Copy>(
    header: &Value,
    member: &'static str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, JweError> {
    let value = header.get(member).and_then(Value::as_str).unwrap_or("");
    all.iter()
        .copied()
        .find(|candidate| name(*candidate) == value)
        .ok_or_else(|| JweError::Algorithm(member, value.to_owned()))
}

impl<'a> CompactJwe<'a> {
    /// Split and check a token: five base64url parts, none but the header
    /// empty, a JSON header naming algorithms this module takes.
    pub fn parse(token: &'a str) -> Result<Self, JweError> {
        let parts: Vec<&str> = token.trim().split('.').collect();
        let [header, key, iv, ciphertext, tag] = parts[..] else {
            return Err(JweError::Malformed(
                "a JWE has five base64url parts separated by dots",
            ));
        };
        let header_json = decode(header)?;
        let [key, iv, ciphertext, tag] = [key, iv, ciphertext, tag].map(decode);
        let (encrypted_key, iv, ciphertext, tag) = (key?, iv?, ciphertext?, tag?);
        if [&encrypted_key, &iv, &ciphertext, &tag]
            .iter()
            .any(|p| p.is_empty())
        {
            return Err(JweError::Malformed(
                "the encrypted key, IV, ciphertext and tag must not be empty",
            ));
        }
        let header_value: Value = serde_json::from_slice(&header_json)
            .map_err(|_| JweError::Malformed("the protected header is not JSON"))?;
        let wrap = algorithm(&header_value, "alg", &KeyWrap::ALL, KeyWrap::name)?;
        let cipher = algorithm(
            &header_value,
            "enc",
            &ContentCipher::ALL,
            ContentCipher::name,
        )?;
        Ok(Self {
            wrap,
            cipher,
            header,
            encrypted_key,
            iv,
            ciphertext,
            tag,
        })
    }

    /// The plaintext, with `key` unwrapping the content key; `None` when the
    /// key does not unwrap or the tag does not verify.
    pub fn decrypt(&self, key: &RsaPrivateKey) -> Option<Vec<u8>> {
        let content_key = match self.wrap {
            KeyWrap::RsaOaep => key.decrypt(Oaep::new::<sha1::Sha1>(), &self.encrypted_key),
            KeyWrap::Rsa1_5 => key.decrypt(Pkcs1v15Encrypt, &self.encrypted_key),
        }
        .ok()?;
        if content_key.len() != self.cipher.key_len() || self.iv.len() != self.cipher.iv_len() {
            return None;
        }
        let (aad, iv, ciphertext, tag) = (
            self.header.as_bytes(),
            &self.iv,
            &self.ciphertext,
            &self.tag,
        );
        let key = &content_key;
        match self.cipher {
            ContentCipher::A128Gcm => gcm_open::<Aes128Gcm>(key, iv, aad, ciphertext, tag),
            ContentCipher::A256Gcm => gcm_open::<Aes256Gcm>(key, iv, aad, ciphertext, tag),
            ContentCipher::A128CbcHs256 => {
                cbc_open::<Aes128, Hmac<Sha256>>(key, iv, aad, ciphertext, tag)
            }
            ContentCipher::A192CbcHs384 => {
                cbc_open::<Aes192, Hmac<Sha384>>(key, iv, aad, ciphertext, tag)
            }
            ContentCipher::A256CbcHs512 => {
                cbc_open::<Aes256, Hmac<Sha512>>(key, iv, aad, ciphertext, tag)
            }
        }
    }
}

/// Encrypt `plaintext` to `key` as a compact JWE; the content key, the IV
/// and the key wrap's own randomness come from `random`.
pub fn encrypt(
    wrap: KeyWrap,
    cipher: ContentCipher,
    key: &RsaPublicKey,
    plaintext: &[u8],
    random: &mut impl CryptoRngCore,
) -> Result<String, rsa::Error> {
    let mut content_key = vec![0u8; cipher.key_len()];
    random.fill_bytes(&mut content_key);
    let mut iv = vec![0u8; cipher.iv_len()];
    random.fill_bytes(&mut iv);
    let encrypted_key = match wrap {
        KeyWrap::RsaOaep => key.encrypt(random, Oaep::new::<sha1::Sha1>(), &content_key),
        KeyWrap::Rsa1_5 => key.encrypt(random, Pkcs1v15Encrypt, &content_key),
    }?;
    let header = json!({ "alg": wrap.name(), "enc": cipher.name() }).to_string();
    let header = URL_SAFE_NO_PAD.encode(header);
    let aad = header.as_bytes();
    let (ciphertext, tag) = match cipher {
        ContentCipher::A128Gcm => gcm_seal::<Aes128Gcm>(&content_key, &iv, aad, plaintext),
        ContentCipher::A256Gcm => gcm_seal::<Aes256Gcm>(&content_key, &iv, aad, plaintext),
        ContentCipher::A128CbcHs256 => {
            cbc_seal::<Aes128, Hmac<Sha256>>(&content_key, &iv, aad, plaintext)
        }
        ContentCipher::A192CbcHs384 => {
            cbc_seal::<Aes192, Hmac<Sha384>>(&content_key, &iv, aad, plaintext)
        }
        ContentCipher::A256CbcHs512 => {
            cbc_seal::<Aes256, Hmac<Sha512>>(&content_key, &iv, aad, plaintext)
        }
    };
    Ok([
        header,
        URL_SAFE_NO_PAD.encode(encrypted_key),
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(ciphertext),
        URL_SAFE_NO_PAD.encode(tag),
    ]
    .join("."))
}

/// The plaintext, if the tag verifies (AES-GCM with the nonce size of `C`).
pub fn gcm_open<C: AeadInPlace + aes_gcm::KeyInit>(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Option<Vec<u8>> {
    if tag.len() != 16 {
        return None;
    }
    let cipher = C::new_from_slice(key).ok()?;
    let mut buffer = ciphertext.to_vec();
    cipher
        .decrypt_in_place_detached(
            Nonce::<C>::from_slice(iv),
            aad,
            &mut buffer,
            Tag::<C>::from_slice(tag),
        )
        .ok()
        .map(|()| buffer)
}

/// The ciphertext and its 16-byte tag (AES-GCM with the nonce size of `C`).
pub fn gcm_seal<C: AeadInPlace + aes_gcm::KeyInit>(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> (Vec<u8>, Vec<u8>) {
    let cipher = C::new_from_slice(key).expect("the content key has the cipher's length");
    let mut buffer = plaintext.to_vec();
    let tag = cipher
        .encrypt_in_place_detached(Nonce::<C>::from_slice(iv), aad, &mut buffer)
        .expect("a response fits AES-GCM's length limit");
    (buffer, tag.to_vec())
}

/// RFC 7518 §5.2.2.1: the tag is the first half of
/// HMAC(MAC key, AAD ‖ IV ‖ ciphertext ‖ AAD length in bits, 64-bit big-endian).
fn cbc_tag<M: Mac + hmac::digest::KeyInit>(
    mac_key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Vec<u8> {
    let mut mac = <M as Mac>::new_from_slice(mac_key).expect("HMAC takes keys of any length");
    let aad_bits = (aad.len() as u64).saturating_mul(8);
    for part in [aad, iv, ciphertext, &aad_bits.to_be_bytes()] {
        mac.update(part);
    }
    let full = mac.finalize().into_bytes();
    full[..mac_key.len()].to_vec()
}

fn cbc_open<C, M>(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Option<Vec<u8>>
where
    cbc::Decryptor<C>: KeyIvInit + BlockDecryptMut,
    C: cbc::cipher::BlockCipher + cbc::cipher::BlockDecryptMut,
    M: Mac + hmac::digest::KeyInit,
{
    let (mac_key, enc_key) = key.split_at(key.len() / 2);
    let expected = cbc_tag::<M>(mac_key, iv, aad, ciphertext);
    // The comparison's timing tells nothing worth hiding: the key is public.
    if expected != tag {
        return None;
    }
    let decryptor = cbc::Decryptor::<C>::new_from_slices(enc_key, iv).ok()?;
    decryptor.decrypt_padded_vec_mut::<Pkcs7>(ciphertext).ok()
}

fn cbc_seal<C, M>(key: &[u8], iv: &[u8], aad: &[u8], plaintext: &[u8]) -> (Vec<u8>, Vec<u8>)
where
    cbc::Encryptor<C>: KeyIvInit + BlockEncryptMut,
    C: cbc::cipher::BlockCipher + cbc::cipher::BlockEncryptMut,
    M: Mac + hmac::digest::KeyInit,
{
    let (mac_key, enc_key) = key.split_at(key.len() / 2);
    let encryptor = cbc::Encryptor::<C>::new_from_slices(enc_key, iv)
        .expect("the content key and IV have the cipher's lengths");
    let ciphertext = encryptor.encrypt_padded_vec_mut::<Pkcs7>(plaintext);
    let tag = cbc_tag::<M>(mac_key, iv, aad, &ciphertext);
    (ciphertext, tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::whatsapp::payload_encryption::cloud_key::private_key;
    use crate::world::whatsapp::payload_encryption::seeded_random::SeededRandom;

    fn seal(wrap: KeyWrap, cipher: ContentCipher, seed: u8, plaintext: &[u8]) -> String {
        let mut random = SeededRandom::new([seed; 32]);
        encrypt(
            wrap,
            cipher,
            &private_key().to_public_key(),
            plaintext,
            &mut random,
        )
        .unwrap()
    }

    #[test]
    fn every_algorithm_pair_round_trips() {
        for wrap in KeyWrap::ALL {
            for cipher in ContentCipher::ALL {
                let token = seal(wrap, cipher, 1, b"{\"to\":\"15550001111\"}");
                let parsed = CompactJwe::parse(&token).unwrap();
                assert_eq!((parsed.wrap, parsed.cipher), (wrap, cipher));
                let opened = parsed.decrypt(private_key());
                assert_eq!(opened.as_deref(), Some(&b"{\"to\":\"15550001111\"}"[..]));
            }
        }
    }

    #[test]
    fn a_changed_part_does_not_decrypt() {
        for cipher in ContentCipher::ALL {
            let token = seal(KeyWrap::RsaOaep, cipher, 2, b"{}");
            let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
            for index in 1..5 {
                let mut bytes = URL_SAFE_NO_PAD.decode(&parts[index]).unwrap();
                bytes[0] ^= 1;
                let original = std::mem::replace(&mut parts[index], URL_SAFE_NO_PAD.encode(bytes));
                let parsed = CompactJwe::parse(&parts.join("."))
                    .unwrap()
                    .decrypt(private_key());
                assert_eq!(parsed, None, "{} part {index}", cipher.name());
                parts[index] = original;
            }
            // The header is authenticated too.
            parts[0] = URL_SAFE_NO_PAD
                .encode(json!({ "enc": cipher.name(), "alg": "RSA-OAEP" }).to_string());
            assert_eq!(
                CompactJwe::parse(&parts.join("."))
                    .unwrap()
                    .decrypt(private_key()),
                None
            );
        }
    }

    #[test]
    fn the_same_randomness_gives_the_same_token() {
        let token = seal(KeyWrap::RsaOaep, ContentCipher::A256Gcm, 3, b"{}");
        assert_eq!(
            token,
            seal(KeyWrap::RsaOaep, ContentCipher::A256Gcm, 3, b"{}")
        );
        assert_ne!(
            token,
            seal(KeyWrap::RsaOaep, ContentCipher::A256Gcm, 4, b"{}")
        );
    }

    #[test]
    fn malformed_tokens_and_other_algorithms_are_refused() {
        let b64 = |text: &str| URL_SAFE_NO_PAD.encode(text);
        assert!(matches!(
            CompactJwe::parse("a.b"),
            Err(JweError::Malformed(_))
        ));
        assert!(matches!(
            CompactJwe::parse("a.b.c.d.e!"),
            Err(JweError::Malformed(_))
        ));
        let header = b64(r#"{"alg":"dir","enc":"A256GCM"}"#);
        assert_eq!(
            CompactJwe::parse(&format!("{header}.AQ.AQ.AQ.AQ")).unwrap_err(),
            JweError::Algorithm("alg", "dir".into())
        );
        let header = b64(r#"{"alg":"RSA-OAEP","enc":"A512GCM"}"#);
        assert_eq!(
            CompactJwe::parse(&format!("{header}.AQ.AQ.AQ.AQ")).unwrap_err(),
            JweError::Algorithm("enc", "A512GCM".into())
        );
        let header = b64(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#);
        assert!(matches!(
            CompactJwe::parse(&format!("{header}..AQ.AQ.AQ")),
            Err(JweError::Malformed(_))
        ));
        assert_eq!(
            CompactJwe::parse(&format!("{header}.AQ.AQ.AQ.AQ"))
                .unwrap()
                .decrypt(private_key()),
            None
        );
    }
}
