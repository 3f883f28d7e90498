//! Linking a companion to an account, the two ways WhatsApp offers: the new
//! device shows a QR code that the primary scans, or it shows an 8-character
//! link code ("Link with phone number instead") that the primary types in.
//! Both come from the sandbox's seeded generator, expire on the virtual
//! clock, are single use, and are refused — changing nothing — while the
//! account already has four companions.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::{
    COMPANION_HISTORY_SECONDS, Device, DeviceError, DeviceKind, DeviceRole, MAX_COMPANIONS,
    NewActive, device_name,
};
use crate::world::ids::IdGenerator;
use crate::world::sandbox::Sandbox;

/// How long a QR code can be scanned. WhatsApp Web shows a new QR code about
/// every minute; metasim gives each one minute.
pub const QR_LIFETIME_SECONDS: i64 = 60;
/// How long a link code can be typed in (Meta does not say; WhatsApp shows
/// it for a few minutes).
pub const LINK_CODE_LIFETIME_SECONDS: i64 = 180;
/// Link requests an account keeps (used and expired ones included, so that
/// a late scan is told why it failed); older ones are forgotten.
pub const KEPT_LINK_REQUESTS: usize = 16;
/// The link-code alphabet: digits and capitals without 0, I, L, O and U.
pub const LINK_CODE_ALPHABET: &[u8; 32] = b"123456789ABCDEFGHJKLMNPQRSTVWXYZ";

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LinkMethod {
    Qr,
    Code,
}

/// A QR code or link code handed out to a device that asked to link.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LinkRequest {
    /// The id the device gets once linked.
    pub device_id: String,
    pub method: LinkMethod,
    /// The QR code's payload, or the link code's 8 characters (no hyphen).
    pub secret: String,
    pub kind: DeviceKind,
    pub name: String,
    pub created_at: i64,
    pub expires_at: i64,
    #[serde(default)]
    pub used: bool,
}

/// What a device asking to link tells about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDevice {
    pub kind: DeviceKind,
    pub name: Option<String>,
}

/// What the new device shows: its id-to-be, the QR payload or the code as
/// displayed (`XXXX-XXXX`), and until when it can be used.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingLink {
    pub device_id: String,
    pub shown: String,
    pub expires_at: i64,
}

/// A QR payload shaped like WhatsApp Web's: a reference, then the new
/// device's public key, identity key and secret, base64, comma-separated.
fn qr_payload(ids: &mut IdGenerator) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let reference = ids.secret_bytes("device-link-ref");
    let parts: Vec<String> = ["noise-key", "identity-key", "adv-secret"]
        .iter()
        .map(|scope| b64.encode(ids.secret_bytes(scope)))
        .collect();
    format!("2@{},{}", b64.encode(&reference[..18]), parts.join(","))
}

/// 40 random bits as 8 characters of [`LINK_CODE_ALPHABET`].
fn link_code(bytes: &[u8; 32]) -> String {
    let mut bits = bytes[..5]
        .iter()
        .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte));
    let mut code = [0u8; 8];
    for slot in code.iter_mut().rev() {
        *slot = LINK_CODE_ALPHABET[(bits & 31) as usize];
        bits >>= 5;
    }
    String::from_utf8_lossy(&code).into_owned()
}

/// A code as typed: case and a hyphen or spaces do not matter.
fn normalize_code(typed: &str) -> Result<String, DeviceError> {
    let code: String = typed
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.len() == 8 && code.bytes().all(|b| LINK_CODE_ALPHABET.contains(&b)) {
        Ok(code)
    } else {
        Err(DeviceError::MalformedLinkCode)
    }
}

/// `ABCD1234` shown as `ABCD-1234`.
pub fn display_code(code: &str) -> String {
    format!("{}-{}", &code[..4], &code[4..])
}

impl Sandbox {
    /// A device asks to link to the account `digits`: it gets a QR code or a
    /// link code to show, valid for a short while.
    pub fn request_link(
        &mut self,
        digits: &str,
        method: LinkMethod,
        device: NewDevice,
    ) -> Result<PendingLink, DeviceError> {
        let name = device_name(device.kind, device.name.as_deref())?;
        self.devices_of(digits)?;
        let now = self.clock.now();
        let (secret, lifetime) = loop {
            let candidate = match method {
                LinkMethod::Qr => (qr_payload(&mut self.ids), QR_LIFETIME_SECONDS),
                LinkMethod::Code => (
                    link_code(&self.ids.secret_bytes("device-link-code")),
                    LINK_CODE_LIFETIME_SECONDS,
                ),
            };
            let account = self.devices_of(digits)?;
            if !account
                .link_requests
                .iter()
                .any(|r| r.secret == candidate.0)
            {
                break candidate;
            }
        };
        let account = self.devices_mut(digits)?;
        let device_id = account.next_device_id(digits);
        account.link_requests.push(LinkRequest {
            device_id: device_id.clone(),
            method,
            secret: secret.clone(),
            kind: device.kind,
            name,
            created_at: now,
            expires_at: now + lifetime,
            used: false,
        });
        let excess = account
            .link_requests
            .len()
            .saturating_sub(KEPT_LINK_REQUESTS);
        account.link_requests.drain(..excess);
        let shown = match method {
            LinkMethod::Qr => secret,
            LinkMethod::Code => display_code(&secret),
        };
        Ok(PendingLink {
            device_id,
            shown,
            expires_at: now + lifetime,
        })
    }

    /// The primary of `digits` scans a QR code or types a link code: the
    /// device that showed it is linked as a companion, holding the account's
    /// recent history. Refused, changing nothing, when the secret is unknown,
    /// used or expired, or the account has four companions already.
    pub fn complete_link(
        &mut self,
        digits: &str,
        method: LinkMethod,
        given: &str,
    ) -> Result<Device, DeviceError> {
        let secret = match method {
            LinkMethod::Qr => given.trim().to_owned(),
            LinkMethod::Code => normalize_code(given)?,
        };
        self.run_due_devices();
        let now = self.clock.now();
        let last_seq = self.whatsapp.messaging.last_seq();
        let account = self.devices_of(digits)?;
        let request = account
            .link_requests
            .iter()
            .find(|r| r.method == method && r.secret == secret)
            .ok_or(DeviceError::UnknownLinkSecret)?;
        if request.used {
            return Err(DeviceError::AlreadyUsed);
        }
        if now >= request.expires_at {
            return Err(DeviceError::Expired {
                expires_at: request.expires_at,
            });
        }
        if account.active_companions().count() >= MAX_COMPANIONS {
            return Err(DeviceError::CompanionLimit);
        }
        let companion = NewActive {
            role: DeviceRole::Companion,
            kind: request.kind,
            name: request.name.clone(),
            receives_after_seq: last_seq,
            history_since: Some(now.saturating_sub(COMPANION_HISTORY_SECONDS)),
        };
        let device = Device::active(request.device_id.clone(), companion, now);
        let account = self.devices_mut(digits)?;
        if let Some(request) = account
            .link_requests
            .iter_mut()
            .find(|r| r.method == method && r.secret == secret)
        {
            request.used = true;
        }
        if let Some(primary) = account.primary_mut() {
            primary.last_active_at = now;
        }
        account.devices.push(device.clone());
        Ok(device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::whatsapp::devices::tests::demo;

    const ALICE: &str = "15550109999";

    fn web() -> NewDevice {
        NewDevice {
            kind: DeviceKind::Web,
            name: None,
        }
    }

    #[test]
    fn link_codes_use_the_alphabet_and_are_shown_with_a_hyphen() {
        let mut sandbox = demo();
        let pending = sandbox
            .request_link(ALICE, LinkMethod::Code, web())
            .unwrap();
        assert_eq!(pending.device_id, "15550109999:1");
        assert_eq!(pending.shown.len(), 9);
        assert_eq!(&pending.shown[4..5], "-");
        assert!(
            pending
                .shown
                .bytes()
                .filter(|b| *b != b'-')
                .all(|b| LINK_CODE_ALPHABET.contains(&b))
        );
        assert_eq!(pending.expires_at, sandbox.clock.now() + 180);
        assert_eq!(link_code(&[0; 32]), "11111111");
        assert_eq!(link_code(&[255; 32]), "ZZZZZZZZ");
    }

    #[test]
    fn a_typed_code_links_once_whatever_its_case() {
        let mut sandbox = demo();
        let pending = sandbox
            .request_link(ALICE, LinkMethod::Code, web())
            .unwrap();
        let typed = pending.shown.to_ascii_lowercase().replace('-', " ");
        let device = sandbox
            .complete_link(ALICE, LinkMethod::Code, &typed)
            .unwrap();
        assert_eq!(device.id, pending.device_id);
        assert_eq!(device.role, DeviceRole::Companion);
        assert_eq!(device.name, "WhatsApp Web");
        assert_eq!(
            sandbox.complete_link(ALICE, LinkMethod::Code, &pending.shown),
            Err(DeviceError::AlreadyUsed)
        );
        assert_eq!(
            sandbox.complete_link(ALICE, LinkMethod::Code, "O0IL-UUUU"),
            Err(DeviceError::MalformedLinkCode)
        );
        assert_eq!(
            sandbox.complete_link(ALICE, LinkMethod::Qr, &pending.shown),
            Err(DeviceError::UnknownLinkSecret),
            "a code is not a QR code"
        );
    }

    #[test]
    fn qr_codes_expire_on_the_virtual_clock() {
        let mut sandbox = demo();
        let pending = sandbox.request_link(ALICE, LinkMethod::Qr, web()).unwrap();
        assert!(pending.shown.starts_with("2@"));
        sandbox.clock.advance(QR_LIFETIME_SECONDS);
        assert_eq!(
            sandbox.complete_link(ALICE, LinkMethod::Qr, &pending.shown),
            Err(DeviceError::Expired {
                expires_at: pending.expires_at
            })
        );
        let fresh = sandbox.request_link(ALICE, LinkMethod::Qr, web()).unwrap();
        sandbox.clock.advance(QR_LIFETIME_SECONDS - 1);
        assert!(
            sandbox
                .complete_link(ALICE, LinkMethod::Qr, &fresh.shown)
                .is_ok()
        );
    }

    #[test]
    fn a_fifth_companion_is_refused_and_its_code_stays_usable() {
        let mut sandbox = demo();
        for _ in 0..MAX_COMPANIONS {
            let pending = sandbox.request_link(ALICE, LinkMethod::Qr, web()).unwrap();
            sandbox
                .complete_link(ALICE, LinkMethod::Qr, &pending.shown)
                .unwrap();
        }
        let fifth = sandbox
            .request_link(ALICE, LinkMethod::Code, web())
            .unwrap();
        let before = sandbox.clone();
        assert_eq!(
            sandbox.complete_link(ALICE, LinkMethod::Code, &fifth.shown),
            Err(DeviceError::CompanionLimit)
        );
        assert_eq!(sandbox, before, "nothing changed");
    }

    #[test]
    fn the_same_seed_hands_out_the_same_codes() {
        let codes = |seed_sandbox: &mut Sandbox| {
            (0..3)
                .map(|_| {
                    seed_sandbox
                        .request_link(ALICE, LinkMethod::Code, web())
                        .unwrap()
                        .shown
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(&mut demo()), codes(&mut demo()));
    }

    #[test]
    fn old_link_requests_are_forgotten() {
        let mut sandbox = demo();
        let first = sandbox.request_link(ALICE, LinkMethod::Qr, web()).unwrap();
        for _ in 0..KEPT_LINK_REQUESTS {
            sandbox.request_link(ALICE, LinkMethod::Qr, web()).unwrap();
        }
        assert_eq!(
            sandbox.devices_of(ALICE).unwrap().link_requests.len(),
            KEPT_LINK_REQUESTS
        );
        assert_eq!(
            sandbox.complete_link(ALICE, LinkMethod::Qr, &first.shown),
            Err(DeviceError::UnknownLinkSecret)
        );
    }
}
