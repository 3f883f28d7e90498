//! The client's key for payload encryption: the RSA public key an app gives
//! as `payload_encryption.client_encryption_key` when it turns encryption on
//! (the base64 of a PEM of 2048 to 4096 bits: a `-----BEGIN PUBLIC KEY-----`
//! SubjectPublicKeyInfo, as Meta's spec example shows, or a PKCS#1
//! `-----BEGIN RSA PUBLIC KEY-----`, kept re-encoded as the former), which
//! `messages_encrypted` answers are encrypted to, and its fingerprint
//! as the settings show it: `SHA256:` and the unpadded base64 of the SHA-256
//! of the key's DER SubjectPublicKeyInfo (written as OpenSSH writes
//! fingerprints, though OpenSSH hashes its own key encoding).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use rsa::pkcs1::der::{Decode, pem};
use rsa::pkcs8::{EncodePublicKey, LineEnding, SubjectPublicKeyInfoRef};
use rsa::{BigUint, RsaPublicKey};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::world::shared::Invalid;

/// The parameter's name in Meta's error messages.
const PARAM: &str = "payload_encryption['client_encryption_key']";

/// The longest value read (a 4096-bit key's PEM in base64 is under 1 KiB).
const VALUE_MAX: usize = 16 * 1024;

/// The key sizes taken, in bits.
pub const BITS: std::ops::RangeInclusive<usize> = 2048..=4096;

/// Why a PEM is no client key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// Neither a `PUBLIC KEY` PEM holding a SubjectPublicKeyInfo nor an
    /// `RSA PUBLIC KEY` PEM holding a PKCS#1 RSAPublicKey.
    NotPublicKeyPem,
    /// A public key, but not an RSA one.
    NotRsa,
    /// An RSA key of this many bits.
    Size(usize),
}

impl KeyProblem {
    fn message(&self) -> String {
        match self {
            KeyProblem::NotPublicKeyPem => format!(
                "Param {PARAM} must be the base64 of a PEM-encoded public key (-----BEGIN PUBLIC KEY----- or -----BEGIN RSA PUBLIC KEY-----)"
            ),
            KeyProblem::NotRsa => format!("Param {PARAM} must be an RSA public key"),
            KeyProblem::Size(bits) => format!(
                "Param {PARAM} must be an RSA public key of {} to {} bits, not {bits}",
                BITS.start(),
                BITS.end()
            ),
        }
    }
}

/// The RSA key of a `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) or
/// `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1) PEM of 2048 to 4096 bits.
pub fn parse_pem(text: &str) -> Result<RsaPublicKey, KeyProblem> {
    let (label, der) =
        pem::decode_vec(text.trim().as_bytes()).map_err(|_| KeyProblem::NotPublicKeyPem)?;
    let numbers = match label {
        "RSA PUBLIC KEY" => {
            rsa::pkcs1::RsaPublicKey::from_der(&der).map_err(|_| KeyProblem::NotPublicKeyPem)?
        }
        "PUBLIC KEY" => {
            let info =
                SubjectPublicKeyInfoRef::from_der(&der).map_err(|_| KeyProblem::NotPublicKeyPem)?;
            if info.algorithm.oid != rsa::pkcs1::ALGORITHM_OID {
                return Err(KeyProblem::NotRsa);
            }
            rsa::pkcs1::RsaPublicKey::from_der(info.subject_public_key.raw_bytes())
                .map_err(|_| KeyProblem::NotRsa)?
        }
        _ => return Err(KeyProblem::NotPublicKeyPem),
    };
    let modulus = BigUint::from_bytes_be(numbers.modulus.as_bytes());
    let bits = modulus.bits();
    if !BITS.contains(&bits) {
        return Err(KeyProblem::Size(bits));
    }
    let exponent = BigUint::from_bytes_be(numbers.public_exponent.as_bytes());
    RsaPublicKey::new(modulus, exponent).map_err(|_| KeyProblem::NotRsa)
}

/// Read `client_encryption_key` from an update that turns encryption on:
/// the key as metasim keeps it, a PEM re-encoded from the key (LF lines).
pub fn from_setting(value: Option<&Value>) -> Result<String, Invalid> {
    let invalid = |message: String| Invalid::new(PARAM, message);
    let text = match value {
        None => {
            return Err(invalid(format!(
                "Param {PARAM} is required when payload_encryption['status'] is enabled"
            )));
        }
        Some(Value::String(text)) if text.len() <= VALUE_MAX => text,
        Some(Value::String(_)) => {
            return Err(invalid(format!(
                "Param {PARAM} must be at most {VALUE_MAX} characters long"
            )));
        }
        Some(_) => return Err(invalid(format!("Param {PARAM} must be a string"))),
    };
    let joined: String = text.split_ascii_whitespace().collect();
    let pem = STANDARD
        .decode(joined)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| invalid(format!("Param {PARAM} must be base64-encoded")))?;
    let key = parse_pem(&pem).map_err(|problem| invalid(problem.message()))?;
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|_| invalid(KeyProblem::NotRsa.message()))
}

/// `SHA256:` and the unpadded base64 of the SHA-256 of the key's DER
/// SubjectPublicKeyInfo.
pub fn fingerprint(key: &RsaPublicKey) -> Option<String> {
    let der = key.to_public_key_der().ok()?;
    Some(format!(
        "SHA256:{}",
        STANDARD_NO_PAD.encode(Sha256::digest(der.as_bytes()))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::whatsapp::payload_encryption::cloud_key;
    use serde_json::json;

    fn setting(pem: &str) -> Value {
        json!(STANDARD.encode(pem))
    }

    /// The public half of a key with a modulus of `bits` bits (no primes
    /// needed: nothing is encrypted to it).
    fn key_of(bits: usize) -> String {
        let mut bytes = vec![0x5au8; bits.div_ceil(8)];
        bytes[0] = 0x80 >> ((8 - bits % 8) % 8);
        *bytes.last_mut().unwrap() |= 1;
        let key = RsaPublicKey::new_with_max_size(
            BigUint::from_bytes_be(&bytes),
            BigUint::from(65537u32),
            8192,
        )
        .unwrap();
        key.to_public_key_pem(LineEnding::LF).unwrap()
    }

    #[test]
    fn the_fingerprint_is_sha256_over_the_der_subject_public_key_info() {
        let key = parse_pem(cloud_key::public_pem()).unwrap();
        // Computed apart from this module: `openssl pkey -pubout -outform DER`
        // of the test key, `openssl dgst -sha256 -binary`, base64 without `=`.
        let by_openssl = "SHA256:y4Aix4Zrb5nwBv+pQQniySJvswc9VvQhdpgUWcSr2PA";
        assert_eq!(fingerprint(&key).as_deref(), Some(by_openssl));
        // And from the PEM's own DER, hashed here.
        let body: String = cloud_key::public_pem()
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .collect();
        let digest = Sha256::digest(STANDARD.decode(body).unwrap());
        assert_eq!(
            fingerprint(&key),
            Some(format!("SHA256:{}", STANDARD_NO_PAD.encode(digest)))
        );
    }

    #[test]
    fn a_setting_is_the_base64_of_an_rsa_public_key_pem_of_2048_to_4096_bits() {
        let pem = from_setting(Some(&setting(cloud_key::public_pem()))).unwrap();
        assert_eq!(pem, cloud_key::public_pem());
        // Line breaks in the base64 (as `base64` wraps it) are taken.
        let wrapped = STANDARD.encode(cloud_key::public_pem());
        let wrapped = format!("{}\n{}", &wrapped[..76], &wrapped[76..]);
        assert_eq!(from_setting(Some(&json!(wrapped))).unwrap(), pem);
        for bits in [2048, 3072, 4096] {
            assert!(
                from_setting(Some(&setting(&key_of(bits)))).is_ok(),
                "{bits}"
            );
        }
        let refused = |value: Option<&Value>| from_setting(value).unwrap_err().message;
        assert!(refused(None).contains("is required"));
        assert!(refused(Some(&json!(12))).contains("must be a string"));
        assert!(refused(Some(&json!("not base64!"))).contains("base64-encoded"));
        assert!(refused(Some(&json!("A".repeat(VALUE_MAX + 4)))).contains("at most"));
        assert!(refused(Some(&setting("just text"))).contains("PEM-encoded public key"));
        let private = include_str!("cloud_test_key.pem");
        assert!(refused(Some(&setting(private))).contains("PEM-encoded public key"));
        for (bits, shown) in [(1024, "not 1024"), (2047, "not 2047"), (4097, "not 4097")] {
            assert!(
                refused(Some(&setting(&key_of(bits)))).ends_with(shown),
                "{bits}"
            );
        }
        let ec = "-----BEGIN PUBLIC KEY-----\n\
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwKq14YCo9VX8wya/b/gpwY8Z2f8e\n\
            yHxfPtq/iVdKb1guR35qU49C8WKDs0faPZ+5PBMSBVckIv4s4VIui5OEmA==\n\
            -----END PUBLIC KEY-----\n";
        assert_eq!(parse_pem(ec).unwrap_err(), KeyProblem::NotRsa);
        // PKCS#1 (`RSA PUBLIC KEY`) is taken and kept as a SubjectPublicKeyInfo.
        use rsa::pkcs1::EncodeRsaPublicKey;
        let key = parse_pem(cloud_key::public_pem()).unwrap();
        let pkcs1 = key.to_pkcs1_pem(LineEnding::LF).unwrap();
        assert_eq!(from_setting(Some(&setting(&pkcs1))).unwrap(), pem);
        let not_numbers = "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n";
        assert_eq!(
            parse_pem(not_numbers).unwrap_err(),
            KeyProblem::NotPublicKeyPem
        );
        assert!(refused(Some(&setting(ec))).ends_with("must be an RSA public key"));
    }
}
