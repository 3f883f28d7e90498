//! Message QR codes and short links of a business number
//! (`/{phone-number-id}/message_qrdls`): a 14-character code, the message it
//! prefills (≤ 140 characters) and its `https://wa.me/message/{code}` deep
//! link; created, updated by code, listed, read and deleted. Their images
//! are drawn by `qr_images`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::world::ids::derived_digits;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The longest prefilled message.
pub const PREFILLED_MAX: usize = 140;
/// The most QR codes one number keeps (*metasim*).
pub const QR_CODES_MAX: usize = 2_000;
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct QrCode {
    pub code: String,
    pub phone_number_id: String,
    pub prefilled_message: String,
    pub creation_time: i64,
    /// Its place among the sandbox's QR codes (lists are in this order).
    pub seq: u64,
}

/// All QR codes of a sandbox: code -> QR code, and how many were made.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct QrCodes {
    pub codes: BTreeMap<String, QrCode>,
    pub created: u64,
}

impl QrCode {
    pub fn deep_link_url(&self) -> String {
        format!("https://wa.me/message/{}", self.code)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "code": self.code,
            "prefilled_message": self.prefilled_message,
            "deep_link_url": self.deep_link_url(),
            "creation_time": self.creation_time,
        })
    }
}

fn check_message(message: &str) -> Result<(), Invalid> {
    if message.trim().is_empty() || message.chars().count() > PREFILLED_MAX {
        return Err(Invalid::new(
            "prefilled_message",
            format!("Param prefilled_message must be 1 to {PREFILLED_MAX} characters long"),
        ));
    }
    Ok(())
}

/// 14 characters of Meta's code alphabet (`A-Z2-7`), derived from `parts`.
fn qr_code_text(parts: &[&str]) -> String {
    let digits = derived_digits(&[&["qr"], parts].concat(), 28);
    digits
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            let value = (pair[0] - b'0') * 10 + (pair[1] - b'0');
            char::from(BASE32[usize::from(value) % BASE32.len()])
        })
        .collect()
}

impl Sandbox {
    /// Create a QR code, or update the one `code` names; the code.
    pub fn save_qr_code(
        &mut self,
        phone_number_id: &str,
        code: Option<&str>,
        prefilled_message: &str,
    ) -> Result<String, Invalid> {
        check_message(prefilled_message)?;
        if let Some(code) = code {
            let existing = self
                .whatsapp
                .qr_codes
                .codes
                .get_mut(code)
                .filter(|q| q.phone_number_id == phone_number_id)
                .ok_or_else(|| {
                    Invalid::new("code", format!("No QR code {code} on this phone number"))
                })?;
            existing.prefilled_message = prefilled_message.to_owned();
            return Ok(code.to_owned());
        }
        if self.qr_codes_of(phone_number_id).len() >= QR_CODES_MAX {
            return Err(Invalid::new(
                "code",
                format!("A phone number keeps at most {QR_CODES_MAX} QR codes"),
            ));
        }
        let code = loop {
            let qr = &mut self.whatsapp.qr_codes;
            qr.created += 1;
            let seed = self.seed.to_string();
            let candidate = qr_code_text(&[&seed, phone_number_id, &qr.created.to_string()]);
            if !qr.codes.contains_key(&candidate) {
                break candidate;
            }
        };
        let seq = self.whatsapp.qr_codes.created;
        let now = self.clock.now();
        self.whatsapp.qr_codes.codes.insert(
            code.clone(),
            QrCode {
                code: code.clone(),
                phone_number_id: phone_number_id.to_owned(),
                prefilled_message: prefilled_message.to_owned(),
                creation_time: now,
                seq,
            },
        );
        Ok(code)
    }

    /// The number's QR code `code`, if it has it.
    pub fn qr_code(&self, phone_number_id: &str, code: &str) -> Option<&QrCode> {
        self.whatsapp
            .qr_codes
            .codes
            .get(code)
            .filter(|q| q.phone_number_id == phone_number_id)
    }

    /// The number's QR codes, oldest first.
    pub fn qr_codes_of(&self, phone_number_id: &str) -> Vec<&QrCode> {
        let mut codes: Vec<&QrCode> = self
            .whatsapp
            .qr_codes
            .codes
            .values()
            .filter(|q| q.phone_number_id == phone_number_id)
            .collect();
        codes.sort_by_key(|q| q.seq);
        codes
    }

    /// Delete the number's QR code; false when it has no such code.
    pub fn delete_qr_code(&mut self, phone_number_id: &str, code: &str) -> bool {
        self.qr_code(phone_number_id, code).is_some()
            && self.whatsapp.qr_codes.codes.remove(code).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn codes_are_made_updated_and_deleted() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let code = sandbox
            .save_qr_code(&phone, None, "Hi, I'd like a fern")
            .unwrap();
        assert_eq!(code.len(), 14);
        assert!(code.bytes().all(|b| BASE32.contains(&b)));
        sandbox.save_qr_code(&phone, Some(&code), "Hi!").unwrap();
        assert_eq!(
            sandbox.qr_code(&phone, &code).unwrap().prefilled_message,
            "Hi!"
        );
        assert!(
            sandbox
                .save_qr_code(&phone, Some("AAAAAAAAAAAAAA"), "x")
                .is_err()
        );
        assert!(
            sandbox
                .save_qr_code(&phone, None, &"x".repeat(141))
                .is_err()
        );
        let second = sandbox.save_qr_code(&phone, None, "Again").unwrap();
        assert_ne!(code, second);
        assert_eq!(sandbox.qr_codes_of(&phone).len(), 2);
        assert!(sandbox.delete_qr_code(&phone, &code));
        assert!(!sandbox.delete_qr_code(&phone, &code));
    }
}
