//! `GET /debug_token?input_token=…`: what a token is, whose it is, whether it
//! is valid, and its scopes with granular targets (how Embedded Signup
//! integrations discover their WABA id).

use serde_json::{Map, Value, json};

use super::error::GraphError;
use super::request::GraphRequest;
use crate::world::auth::{AccessToken, TokenKind, TokenProblem};
use crate::world::nodes::Product;
use crate::world::sandbox::Sandbox;

/// Data access of user tokens lasts 90 days after issue.
const DATA_ACCESS_SECONDS: i64 = 90 * 24 * 3600;

/// Scope families that Meta reports in `granular_scopes`.
fn is_granular(scope: &str) -> bool {
    [
        "whatsapp_",
        "pages_",
        "instagram_",
        "business_management",
        "catalog_management",
    ]
    .iter()
    .any(|prefix| scope.starts_with(prefix))
}

pub fn describe(sandbox: &Sandbox, request: &GraphRequest) -> Result<Value, GraphError> {
    let input = request
        .param_str("input_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| GraphError::invalid_parameter("The parameter input_token is required"))?;
    let Some(token) = sandbox.tokens.get(&input) else {
        return Ok(json!({ "data": {
            "error": { "code": 190, "message": "Invalid OAuth access token - Cannot parse access token" },
            "is_valid": false,
            "scopes": [],
        }}));
    };
    Ok(json!({ "data": token_data(sandbox, token) }))
}

fn token_data(sandbox: &Sandbox, token: &AccessToken) -> Map<String, Value> {
    let now = sandbox.clock.now();
    let problem = token.problem(now);
    let mut data = Map::new();
    data.insert("app_id".into(), json!(token.app_id));
    data.insert("type".into(), json!(token.kind.debug_name()));
    let application = sandbox
        .accounts
        .apps
        .get(&token.app_id)
        .map(|app| app.name.clone())
        .unwrap_or_default();
    data.insert("application".into(), json!(application));
    if token.kind != TokenKind::App {
        let data_access = match token.kind {
            TokenKind::User => token.issued_at.saturating_add(DATA_ACCESS_SECONDS),
            _ => 0,
        };
        data.insert("data_access_expires_at".into(), json!(data_access));
        data.insert("expires_at".into(), json!(token.expires_at.unwrap_or(0)));
    }
    if let Some(problem) = problem {
        data.insert("error".into(), problem_json(problem, now));
    }
    data.insert("is_valid".into(), json!(problem.is_none()));
    if token.kind != TokenKind::App {
        data.insert("issued_at".into(), json!(token.issued_at));
    }
    if token.kind == TokenKind::Page {
        data.insert("profile_id".into(), json!(token.subject_id));
    }
    data.insert("scopes".into(), json!(token.scopes));
    let granular: Vec<Value> = token
        .scopes
        .iter()
        .filter(|scope| is_granular(scope))
        .map(|scope| match token.targets.get(scope) {
            Some(ids) => json!({ "scope": scope, "target_ids": ids }),
            None => json!({ "scope": scope }),
        })
        .collect();
    if token.kind != TokenKind::App {
        data.insert("granular_scopes".into(), Value::Array(granular));
    }
    let user_id = match token.kind {
        TokenKind::User | TokenKind::SystemUser | TokenKind::InstagramUser => {
            Some(token.subject_id.clone())
        }
        TokenKind::Page => token.user_id.clone(),
        TokenKind::App => None,
    };
    if let Some(user_id) = user_id {
        data.insert("user_id".into(), json!(user_id));
    }
    data
}

fn problem_json(problem: TokenProblem, now: i64) -> Value {
    let error = GraphError::for_token_problem(Product::Graph, problem, now);
    json!({ "code": error.code, "message": error.message, "subcode": error.error_subcode })
}
