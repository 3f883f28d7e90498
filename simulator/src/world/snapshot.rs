//! Snapshots: a sandbox's whole state as JSON (`GET …/snapshot`) and back
//! (`PUT …/snapshot`). Export → import → export is byte-identical; a snapshot
//! of another format version is refused with a message naming both.

use serde::Deserialize;

use super::sandbox::{SNAPSHOT_FORMAT, Sandbox};

/// Why a snapshot cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// Made by a metasim with another snapshot format (`None`: before formats had a number).
    OtherFormat(Option<u64>),
    /// Not a snapshot of this format: the JSON error, with its place.
    Invalid(String),
    /// Well-formed, but a number is out of range or a reference dangles.
    Inconsistent(String),
}

impl SnapshotError {
    /// What the control plane answers (in the words of its other JSON errors).
    pub fn message(&self) -> String {
        let advice = format!(
            "this metasim reads snapshot_format {SNAPSHOT_FORMAT}; export the snapshot again with this version, or rebuild the sandbox from its fixture"
        );
        match self {
            SnapshotError::OtherFormat(None) => format!(
                "Invalid JSON body: missing field `snapshot_format` (a snapshot made before format {SNAPSHOT_FORMAT}, or not a snapshot): {advice}"
            ),
            SnapshotError::OtherFormat(Some(found)) => format!(
                "Invalid JSON body at snapshot_format: this snapshot has format {found}; {advice}"
            ),
            SnapshotError::Invalid(detail) => format!("Invalid JSON body{detail}"),
            SnapshotError::Inconsistent(detail) => {
                format!("Invalid snapshot: {detail}; nothing was changed")
            }
        }
    }
}

/// Only the format number, read before the rest.
#[derive(Deserialize)]
struct FormatProbe {
    snapshot_format: Option<serde_json::Value>,
}

impl Sandbox {
    /// The sandbox as snapshot JSON.
    pub fn export_snapshot(&self) -> String {
        serde_json::to_string(self).expect("a sandbox always serializes")
    }

    /// A sandbox from snapshot JSON (its id is the caller's to set), checked
    /// for bounds and dangling references before anyone uses it.
    pub fn import_snapshot(bytes: &[u8]) -> Result<Sandbox, SnapshotError> {
        let probe: FormatProbe =
            serde_json::from_slice(bytes).map_err(|e| SnapshotError::Invalid(format!(": {e}")))?;
        match probe.snapshot_format {
            Some(serde_json::Value::Number(n))
                if n.as_u64() == Some(u64::from(SNAPSHOT_FORMAT)) => {}
            Some(serde_json::Value::Number(n)) => {
                return Err(SnapshotError::OtherFormat(n.as_u64()));
            }
            _ => return Err(SnapshotError::OtherFormat(None)),
        }
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let sandbox: Sandbox =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
                let path = error.path().to_string();
                // `?` and `.` are serde_path_to_error's names for the root.
                let place = if matches!(path.as_str(), "" | "." | "?") {
                    String::new()
                } else {
                    format!(" at {path}")
                };
                SnapshotError::Invalid(format!("{place}: {}", error.into_inner()))
            })?;
        sandbox
            .check_consistency()
            .map_err(|refused| SnapshotError::Inconsistent(refused.message))?;
        Ok(sandbox)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn round_trip_and_format_check() {
        let sandbox =
            Sandbox::create("t", 3, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let text = sandbox.export_snapshot();
        let back = Sandbox::import_snapshot(text.as_bytes()).unwrap();
        assert_eq!(back.export_snapshot(), text);
        let old = text.replacen(",\"snapshot_format\":2", "", 1);
        assert_eq!(
            Sandbox::import_snapshot(old.as_bytes()),
            Err(SnapshotError::OtherFormat(None))
        );
        let newer = text.replacen("\"snapshot_format\":2", "\"snapshot_format\":9", 1);
        assert!(
            Sandbox::import_snapshot(newer.as_bytes())
                .unwrap_err()
                .message()
                .contains("this snapshot has format 9; this metasim reads snapshot_format 2")
        );
    }
}
