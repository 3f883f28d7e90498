//! Issuing and invalidating tokens: from a fixture or the control plane
//! (described like a fixture token), the app token of each app, and the Page
//! tokens a user token that lists Pages hands out.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{AccessToken, Invalidation, TokenKind};
use crate::world::bounds::{MAX_DURATION_SECONDS, in_range};
use crate::world::fixture::FixtureError;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TokenFixture {
    pub handle: String,
    /// Handle of the user, system user, Page or Instagram professional
    /// account (an Instagram-login token) the token acts as.
    pub subject: String,
    /// Handle of the app that issued the token.
    pub app: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Granular scopes: scope -> handles of the objects it is limited to.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub targets: BTreeMap<String, Vec<String>>,
    /// Seconds from the clock start until expiry (negative: expired already;
    /// at most ten years either way); never expires when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    /// Pin the token string; generated otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl Sandbox {
    /// Keep a token (shared, so a call holds it without copying).
    pub(crate) fn keep_token(&mut self, token: AccessToken) {
        self.tokens.insert(token.token.clone(), Arc::new(token));
    }

    /// Issue a token described like a fixture token; returns the token string.
    /// `place` names it in errors.
    pub fn add_token(&mut self, place: &str, token: &TokenFixture) -> Result<String, FixtureError> {
        let subject = self.resolve_handle(
            &token.subject,
            &[
                NodeKind::User,
                NodeKind::SystemUser,
                NodeKind::Page,
                NodeKind::InstagramUser,
            ],
            &format!("{place}.subject"),
        )?;
        let app_id = self.resolve_handle(&token.app, &[NodeKind::App], &format!("{place}.app"))?;
        let mut targets = BTreeMap::new();
        for (scope, handles) in &token.targets {
            let ids = handles
                .iter()
                .map(|h| {
                    self.handles.get(h).cloned().ok_or_else(|| {
                        FixtureError::at(
                            format!("{place}.targets.{scope}"),
                            format!("unknown handle {h:?}"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            targets.insert(scope.clone(), ids);
        }
        let kind = match self.registry[&subject] {
            NodeKind::User => TokenKind::User,
            NodeKind::SystemUser => TokenKind::SystemUser,
            NodeKind::InstagramUser => TokenKind::InstagramUser,
            _ => TokenKind::Page,
        };
        let issued_at = self.clock.now();
        if let Some(seconds) = token.expires_in {
            in_range(
                "expires_in",
                seconds,
                -MAX_DURATION_SECONDS,
                MAX_DURATION_SECONDS,
            )
            .map_err(|refused| FixtureError::at(format!("{place}.expires_in"), refused.message))?;
        }
        let expires_at = token
            .expires_in
            .map(|seconds| issued_at.saturating_add(seconds));
        let string = match &token.token {
            Some(pinned) => pinned.clone(),
            None if kind == TokenKind::InstagramUser => self.ids.instagram_token(&self.id.clone()),
            None => self.ids.access_token(&self.id.clone()),
        };
        if self.tokens.contains_key(&string) || self.token_handles.contains_key(&token.handle) {
            return Err(FixtureError::at(
                place,
                format!("token or handle {:?} is used twice", token.handle),
            ));
        }
        self.token_handles
            .insert(token.handle.clone(), string.clone());
        let access = AccessToken {
            token: string.clone(),
            kind,
            subject_id: subject,
            app_id,
            user_id: None,
            derived_from: None,
            scopes: token.scopes.clone(),
            targets,
            issued_at,
            expires_at,
            invalidated: None,
        };
        let lists_pages = kind == TokenKind::User && access.has_scope("pages_show_list");
        self.keep_token(access.clone());
        if lists_pages {
            self.issue_page_tokens(&access, None);
        }
        Ok(string)
    }

    /// Invalidate the token with this handle (and the Page tokens derived from a
    /// user token). False when no token has the handle.
    pub fn invalidate_token(&mut self, handle: &str, reason: Invalidation) -> bool {
        let Some(string) = self.token_handles.get(handle).cloned() else {
            return false;
        };
        let Some(token) = self.tokens.get(&string).cloned() else {
            return false;
        };
        for other in self.tokens.values_mut() {
            let derived = other.kind == TokenKind::Page
                && other.user_id.as_deref() == Some(token.subject_id.as_str())
                && other.app_id == token.app_id;
            if other.token == string || (token.kind == TokenKind::User && derived) {
                Arc::make_mut(other).invalidated = Some(reason);
            }
        }
        true
    }

    /// A user token with `pages_show_list` yields a Page token for each Page the
    /// user has a role on (what `/me/accounts` hands out); `only` limits it to
    /// one Page (one created later).
    pub(crate) fn issue_page_tokens(&mut self, user_token: &AccessToken, only: Option<&str>) {
        let page_ids: Vec<String> = self
            .pages
            .pages
            .values()
            .filter(|page| page.roles.contains_key(&user_token.subject_id))
            .filter(|page| only.is_none_or(|id| page.id == id))
            .map(|page| page.id.clone())
            .collect();
        for page_id in page_ids {
            let string = self.ids.access_token(&self.id.clone());
            self.keep_token(AccessToken {
                token: string,
                kind: TokenKind::Page,
                subject_id: page_id,
                app_id: user_token.app_id.clone(),
                user_id: Some(user_token.subject_id.clone()),
                derived_from: Some(user_token.token.clone()),
                scopes: user_token.scopes.clone(),
                targets: BTreeMap::new(),
                issued_at: user_token.issued_at,
                expires_at: None,
                invalidated: None,
            });
        }
    }
}
