//! Access tokens and what they may do (issuing them: `tokens.rs`).
//!
//! A token names its subject (user, system user, Page or app), the app that
//! issued it, its scopes, the granular targets of those scopes, and when it
//! expires or was invalidated. [`AccessToken::problem`] says why a token cannot
//! be used right now; [`AccessToken::may_access`] decides what it can see.

pub mod tokens;

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenKind {
    User,
    Page,
    SystemUser,
    App,
    /// An Instagram-login user token (`IGAA…`, graph.instagram.com): acts
    /// for one professional Instagram account, no Page needed.
    InstagramUser,
}

impl TokenKind {
    /// As `debug_token` names it.
    pub fn debug_name(self) -> &'static str {
        match self {
            TokenKind::User => "USER",
            TokenKind::Page => "PAGE",
            TokenKind::SystemUser => "SYSTEM_USER",
            TokenKind::App => "APP",
            TokenKind::InstagramUser => "USER",
        }
    }
}

/// Why a token was invalidated before its expiry (Meta's 190 subcodes).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Invalidation {
    /// 460: the user changed their password or Meta reset the session.
    PasswordChanged,
    /// 458: the user removed the app.
    AppRemoved,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AccessToken {
    pub token: String,
    pub kind: TokenKind,
    pub subject_id: String,
    pub app_id: String,
    /// For Page tokens: the user whose token the Page token came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// For Page tokens handed out by `/me/accounts`: that user token (each
    /// user token gets its own Page tokens, with its own scopes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived_from: Option<String>,
    pub scopes: Vec<String>,
    /// scope -> object ids the scope is limited to (granular scopes).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub targets: BTreeMap<String, Vec<String>>,
    pub issued_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalidated: Option<Invalidation>,
}

/// Why a token cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Expired { expired_at: i64 },
    Invalidated(Invalidation),
}

impl AccessToken {
    pub fn problem(&self, now: i64) -> Option<TokenProblem> {
        if let Some(reason) = self.invalidated {
            return Some(TokenProblem::Invalidated(reason));
        }
        match self.expires_at {
            Some(expired_at) if now >= expired_at => Some(TokenProblem::Expired { expired_at }),
            _ => None,
        }
    }

    /// Whether the token has `scope`. An Instagram-login token's
    /// `instagram_business_*` scopes stand for the `instagram_*` ones
    /// (`instagram_business_basic` for `instagram_basic`, …).
    pub fn has_scope(&self, scope: &str) -> bool {
        let business = (self.kind == TokenKind::InstagramUser)
            .then(|| scope.strip_prefix("instagram_"))
            .flatten()
            .map(|rest| format!("instagram_business_{rest}"));
        self.kind == TokenKind::App
            || self
                .scopes
                .iter()
                .any(|s| s == scope || business.as_deref() == Some(s.as_str()))
    }

    /// Whether the granular targets of `scope` (if any) include `object_id`.
    /// A scope without targets covers every object of the sandbox.
    pub fn scope_covers(&self, scope: &str, object_id: &str) -> bool {
        match self.targets.get(scope) {
            Some(ids) => ids.iter().any(|id| id == object_id),
            None => true,
        }
    }
}

/// `appsecret_proof`: hex HMAC-SHA256 of the token keyed by the app secret.
pub fn appsecret_proof(token: &str, app_secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> AccessToken {
        AccessToken {
            token: "EAAx".into(),
            kind: TokenKind::SystemUser,
            subject_id: "1".into(),
            app_id: "2".into(),
            user_id: None,
            derived_from: None,
            scopes: vec!["whatsapp_business_management".into()],
            targets: BTreeMap::from([("whatsapp_business_management".into(), vec!["31".into()])]),
            issued_at: 0,
            expires_at: Some(100),
            invalidated: None,
        }
    }

    #[test]
    fn expiry_and_invalidation() {
        let mut t = token();
        assert_eq!(t.problem(99), None);
        assert_eq!(
            t.problem(100),
            Some(TokenProblem::Expired { expired_at: 100 })
        );
        t.invalidated = Some(Invalidation::AppRemoved);
        assert_eq!(
            t.problem(0),
            Some(TokenProblem::Invalidated(Invalidation::AppRemoved))
        );
    }

    #[test]
    fn granular_targets_limit_a_scope() {
        let t = token();
        assert!(t.has_scope("whatsapp_business_management"));
        assert!(!t.has_scope("pages_show_list"));
        assert!(t.scope_covers("whatsapp_business_management", "31"));
        assert!(!t.scope_covers("whatsapp_business_management", "99"));
        assert!(t.scope_covers("business_management", "99"));
    }

    #[test]
    fn proof_is_hmac_sha256_hex() {
        // Computed independently with Python's hmac module.
        assert_eq!(
            appsecret_proof("token", "secret"),
            "e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a"
        );
    }
}
