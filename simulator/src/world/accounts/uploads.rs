//! Meta's Resumable Upload API, as apps use it for template header samples
//! and profile pictures: an upload session (`POST /{app-id}/uploads` with the
//! file's length, type and name) receives the file's bytes, possibly in
//! several parts at the offset the session expects, and once complete gives
//! a handle (`4::…`) that template creation then requires. Sessions belong to
//! an app; metasim takes files of up to 16 MB of Meta's upload types.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The most bytes one upload may hold.
pub const UPLOAD_MAX: u64 = 16 * 1024 * 1024;
/// The file types Meta's upload sessions take.
pub const UPLOAD_TYPES: [&str; 5] = [
    "application/pdf",
    "image/jpeg",
    "image/jpg",
    "image/png",
    "video/mp4",
];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UploadSession {
    pub app_id: String,
    pub file_name: String,
    pub file_length: u64,
    pub file_type: String,
    /// The bytes received so far, base64 (dropped once complete).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub received: String,
    pub file_offset: u64,
    /// The handle, once the whole file arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// The file's SHA-256 (hex), once complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// session id (`upload:…`) -> session.
pub type Uploads = BTreeMap<String, UploadSession>;

/// What a session was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUpload {
    pub app_id: String,
    pub file_name: String,
    pub file_length: u64,
    pub file_type: String,
}

/// Why an upload step is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    Invalid(Invalid),
    /// No such session for this app.
    UnknownSession,
    /// The bytes do not start where the session is.
    WrongOffset {
        expected: u64,
    },
}

impl Sandbox {
    /// Open an upload session; its id (`upload:…`).
    pub fn open_upload(&mut self, new: NewUpload) -> Result<String, UploadError> {
        if !UPLOAD_TYPES.contains(&new.file_type.as_str()) {
            return Err(UploadError::Invalid(Invalid::new(
                "file_type",
                format!(
                    "Param file_type must be one of {{{}}} - got \"{}\".",
                    UPLOAD_TYPES.join(", "),
                    new.file_type
                ),
            )));
        }
        if new.file_length == 0 || new.file_length > UPLOAD_MAX {
            return Err(UploadError::Invalid(Invalid::new(
                "file_length",
                format!("Param file_length must be between 1 and {UPLOAD_MAX} bytes"),
            )));
        }
        let key = self.ids.app_secret("upload-session");
        let id = format!(
            "upload:{}",
            URL_SAFE_NO_PAD.encode(format!(
                "1:attachment:{key}?file_name={}&file_length={}&file_type={}",
                new.file_name, new.file_length, new.file_type
            ))
        );
        self.accounts.uploads.insert(
            id.clone(),
            UploadSession {
                app_id: new.app_id,
                file_name: new.file_name,
                file_length: new.file_length,
                file_type: new.file_type,
                received: String::new(),
                file_offset: 0,
                handle: None,
                sha256: None,
            },
        );
        Ok(id)
    }

    /// The app's session `id`.
    pub fn upload_session(&self, id: &str, app_id: &str) -> Option<&UploadSession> {
        self.accounts.uploads.get(id).filter(|s| s.app_id == app_id)
    }

    /// Bytes for the session at `offset`; the session after them.
    pub fn upload_part(
        &mut self,
        id: &str,
        app_id: &str,
        offset: u64,
        bytes: &[u8],
    ) -> Result<&UploadSession, UploadError> {
        let session = self
            .accounts
            .uploads
            .get_mut(id)
            .filter(|s| s.app_id == app_id)
            .ok_or(UploadError::UnknownSession)?;
        if offset != session.file_offset || session.handle.is_some() {
            return Err(UploadError::WrongOffset {
                expected: session.file_offset,
            });
        }
        let end = offset + bytes.len() as u64;
        if end > session.file_length {
            return Err(UploadError::Invalid(Invalid::new(
                "file_offset",
                format!(
                    "The upload has {} bytes, more than the session's file_length {}",
                    end, session.file_length
                ),
            )));
        }
        let mut received = STANDARD.decode(&session.received).unwrap_or_default();
        received.extend_from_slice(bytes);
        session.file_offset = end;
        if end == session.file_length {
            let digest = Sha256::digest(&received);
            session.sha256 = Some(hex::encode(digest));
            session.handle = Some(format!(
                "4::{}:{}",
                STANDARD.encode(&session.file_type),
                URL_SAFE_NO_PAD.encode(&digest[..24])
            ));
            session.received.clear();
        } else {
            session.received = STANDARD.encode(&received);
        }
        Ok(session)
    }

    /// The MIME type of the complete upload a handle names, if any.
    pub fn uploaded_type(&self, handle: &str) -> Option<&str> {
        self.accounts
            .uploads
            .values()
            .find(|s| s.handle.as_deref() == Some(handle))
            .map(|s| s.file_type.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn a_file_arrives_in_parts_and_gets_a_handle() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let new = NewUpload {
            app_id: "app".into(),
            file_name: "header.png".into(),
            file_length: 6,
            file_type: "image/png".into(),
        };
        let id = sandbox.open_upload(new.clone()).unwrap();
        assert!(id.starts_with("upload:"));
        assert_eq!(
            sandbox.upload_part(&id, "app", 3, b"abc").unwrap_err(),
            UploadError::WrongOffset { expected: 0 }
        );
        assert!(sandbox.upload_part(&id, "other", 0, b"abc").is_err());
        assert!(
            sandbox
                .upload_part(&id, "app", 0, b"abc")
                .unwrap()
                .handle
                .is_none()
        );
        let handle = sandbox
            .upload_part(&id, "app", 3, b"def")
            .unwrap()
            .handle
            .clone()
            .unwrap();
        assert!(handle.starts_with("4::"));
        assert_eq!(sandbox.uploaded_type(&handle), Some("image/png"));
        assert!(sandbox.upload_part(&id, "app", 6, b"g").is_err());
        let bad = NewUpload {
            file_type: "image/gif".into(),
            ..new
        };
        assert!(sandbox.open_upload(bad).is_err());
    }
}
