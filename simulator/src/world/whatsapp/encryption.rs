//! A business number's public key for end-to-end encrypted Flows data
//! (`/{phone-number-id}/whatsapp_business_encryption`): a PEM-encoded RSA
//! public key (2048 bits or more), which Meta signs; metasim checks its
//! shape and reports the signature `VALID`.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// phone number id -> its business public key (PEM).
pub type PublicKeys = BTreeMap<String, String>;

/// The DER bytes of a `-----BEGIN PUBLIC KEY-----` PEM block, if it is one
/// of an RSA key of 2048 bits or more (a DER key of at least 290 bytes).
fn pem_der(pem: &str) -> Option<Vec<u8>> {
    let body = pem
        .trim()
        .strip_prefix("-----BEGIN PUBLIC KEY-----")?
        .strip_suffix("-----END PUBLIC KEY-----")?;
    let joined: String = body.split_whitespace().collect();
    let der = STANDARD.decode(joined).ok()?;
    (der.len() >= 290 && der.first() == Some(&0x30)).then_some(der)
}

impl Sandbox {
    /// Set (or replace) the number's business public key.
    pub fn set_public_key(&mut self, phone_number_id: &str, pem: &str) -> Result<(), Invalid> {
        if pem_der(pem).is_none() {
            return Err(Invalid::new(
                "business_public_key",
                "Param business_public_key must be a PEM-encoded RSA public key of 2048 bits or more",
            ));
        }
        self.whatsapp
            .public_keys
            .insert(phone_number_id.to_owned(), pem.trim().to_owned());
        Ok(())
    }

    /// `{"data": [{"business_public_key", "business_public_key_signature_status"}]}`
    /// (empty until a key is set).
    pub fn public_key_json(&self, phone_number_id: &str) -> Value {
        let data: Vec<Value> = self
            .whatsapp
            .public_keys
            .get(phone_number_id)
            .map(|pem| {
                json!({ "business_public_key": pem, "business_public_key_signature_status": "VALID" })
            })
            .into_iter()
            .collect();
        json!({ "data": data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn keys_must_be_pem_rsa() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let mut der = vec![0x30u8];
        der.extend(vec![7u8; 293]);
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            STANDARD.encode(&der)
        );
        assert!(sandbox.set_public_key(&phone, "nope").is_err());
        assert_eq!(sandbox.public_key_json(&phone)["data"], json!([]));
        sandbox.set_public_key(&phone, &pem).unwrap();
        assert_eq!(
            sandbox.public_key_json(&phone)["data"][0]["business_public_key_signature_status"],
            "VALID"
        );
    }
}
