//! Graph API versions: which are usable, what a retired, future, malformed or
//! missing version does. Usable versions are served as asked; a well-formed
//! retired version is served as the oldest usable one (Meta's upgrade rule);
//! a future or malformed one is an unknown path (2500). The window is a
//! setting (`--oldest-version`, `--newest-version`), not derived from any clock.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl Version {
    /// `v23.0` (also what [`fmt::Display`] writes), built without the fmt
    /// machinery: it goes out in a header on every call.
    pub fn label(&self) -> String {
        let (mut major, mut minor) = (itoa::Buffer::new(), itoa::Buffer::new());
        ["v", major.format(self.major), ".", minor.format(self.minor)].concat()
    }

    pub const fn new(major: u32, minor: u32) -> Self {
        Self { major, minor }
    }

    /// `v23.0` -> Version; anything else -> None.
    pub fn parse(text: &str) -> Option<Self> {
        let (major, minor) = text.strip_prefix('v')?.split_once('.')?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(major) || !all_digits(minor) {
            return None;
        }
        Some(Self {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
        })
    }

    /// Whether Meta ever released this version: v1.0, v2.0–v2.12, v3.0–v3.3,
    /// and vN.0 from v4.0 on.
    fn ever_released(self, newest: Version) -> bool {
        match self.major {
            1 => self.minor == 0,
            2 => self.minor <= 12,
            3 => self.minor <= 3,
            _ => self.minor == 0 && self <= newest,
        }
    }
}

/// Whether a path segment is meant as a version (`v23.0`, `v26`, `26.0`, `v2.80`)
/// rather than a node id or alias.
pub fn looks_like_version(segment: &str) -> bool {
    let rest = segment.strip_prefix('v').unwrap_or(segment);
    let versionish = !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && rest.as_bytes()[0].is_ascii_digit();
    versionish && (segment.starts_with('v') || rest.contains('.'))
}

/// What to do with a path that carries no version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum UnversionedMode {
    /// Serve it with the oldest usable version (the app's default), as Meta's docs say.
    #[default]
    Serve,
    /// Refuse it with 400 (as a 2026 report says Meta now does).
    Reject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionPolicy {
    pub oldest: Version,
    pub newest: Version,
    pub unversioned: UnversionedMode,
}

impl Default for VersionPolicy {
    fn default() -> Self {
        Self {
            oldest: Version::new(21, 0),
            newest: Version::new(26, 0),
            unversioned: UnversionedMode::Serve,
        }
    }
}

/// How a request's version resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionOutcome {
    /// Serve with this (effective) version.
    Serve(Version),
    /// The path's version segment is unknown: answer 2500.
    Unknown,
    /// No version and the policy refuses unversioned calls.
    Missing,
}

impl VersionPolicy {
    pub fn resolve(&self, segment: Option<&str>) -> VersionOutcome {
        let Some(segment) = segment else {
            return match self.unversioned {
                UnversionedMode::Serve => VersionOutcome::Serve(self.oldest),
                UnversionedMode::Reject => VersionOutcome::Missing,
            };
        };
        match Version::parse(segment) {
            Some(version)
                if version >= self.oldest
                    && version <= self.newest
                    && version.ever_released(self.newest) =>
            {
                VersionOutcome::Serve(version)
            }
            Some(version) if version < self.oldest && version.ever_released(self.newest) => {
                VersionOutcome::Serve(self.oldest)
            }
            _ => VersionOutcome::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(Version::new(23, 0).label(), "v23.0");
        assert_eq!(Version::new(2, 12).to_string(), "v2.12");
    }

    #[test]
    fn window_retired_future_malformed() {
        let policy = VersionPolicy::default();
        assert_eq!(
            policy.resolve(Some("v23.0")),
            VersionOutcome::Serve(Version::new(23, 0))
        );
        assert_eq!(
            policy.resolve(Some("v26.0")),
            VersionOutcome::Serve(Version::new(26, 0))
        );
        for retired in ["v6.0", "v14.0", "v15.0", "v18.0", "v20.0", "v2.8", "v1.0"] {
            assert_eq!(
                policy.resolve(Some(retired)),
                VersionOutcome::Serve(Version::new(21, 0)),
                "{retired}"
            );
        }
        for unknown in ["v27.0", "v99.0", "v2.80", "v26", "26.0", "v23.1"] {
            assert_eq!(
                policy.resolve(Some(unknown)),
                VersionOutcome::Unknown,
                "{unknown}"
            );
        }
        assert_eq!(
            policy.resolve(None),
            VersionOutcome::Serve(Version::new(21, 0))
        );
        let strict = VersionPolicy {
            unversioned: UnversionedMode::Reject,
            ..policy
        };
        assert_eq!(strict.resolve(None), VersionOutcome::Missing);
    }

    #[test]
    fn a_configured_future_version_becomes_usable() {
        let policy = VersionPolicy {
            newest: Version::new(27, 0),
            ..VersionPolicy::default()
        };
        assert_eq!(
            policy.resolve(Some("v27.0")),
            VersionOutcome::Serve(Version::new(27, 0))
        );
    }

    #[test]
    fn version_like_segments() {
        for yes in ["v23.0", "v26", "26.0", "v2.80"] {
            assert!(looks_like_version(yes), "{yes}");
        }
        for no in ["me", "123", "debug_token", "v", "version"] {
            assert!(!looks_like_version(no), "{no}");
        }
    }
}
