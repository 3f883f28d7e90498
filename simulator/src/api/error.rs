//! The one error type. Every error metasim answers — Graph API and control
//! plane alike — is a [`GraphError`] rendered in Meta's envelope:
//! `{"error": {"message", "type", "code", "error_subcode"?, "error_user_title"?,
//! "error_user_msg"?, "error_data"?, "is_transient"?, "fbtrace_id"}}`.
//! Constructors carry Meta's codes, subcodes, texts and HTTP statuses.

use serde_json::{Map, Value, json};

use crate::world::auth::{Invalidation, TokenProblem};
use crate::world::clock::pacific_time;
use crate::world::faults::FaultError;
use crate::world::nodes::Product;

/// A Meta error; boxed so `Result<_, GraphError>` stays small.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphError(Box<ErrorDetails>);

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorDetails {
    pub http_status: u16,
    pub message: String,
    pub error_type: &'static str,
    pub code: i64,
    pub error_subcode: Option<i64>,
    pub error_user_title: Option<String>,
    pub error_user_msg: Option<String>,
    pub error_data: Option<Value>,
    pub is_transient: Option<bool>,
    /// Value of the `WWW-Authenticate` header Meta adds to token errors.
    pub www_authenticate: Option<String>,
    /// Members Meta puts beside `error` (a partly failed block request
    /// answers what it did, then the error).
    pub siblings: Option<Map<String, Value>>,
}

const OAUTH: &str = "OAuthException";
const METHOD: &str = "GraphMethodException";

/// Codes Meta marks as transient (worth retrying).
fn transient(code: i64) -> bool {
    matches!(
        code,
        1 | 2 | 4 | 17 | 32 | 341 | 613 | 130429 | 131016 | 133004 | 136024
    ) || (80000..=80014).contains(&code)
}

/// Meta's standard text for the codes a fault rule is likely to inject.
fn standard_message(code: i64) -> &'static str {
    match code {
        1 => "An unknown error has occurred.",
        2 => "An unexpected error has occurred. Please retry your request later.",
        4 => "(#4) Application request limit reached",
        10 => "(#10) Application does not have permission for this action",
        17 => "(#17) User request limit reached",
        32 => "(#32) Page request limit reached",
        200 => "(#200) Permissions error",
        368 => "(#368) The action attempted has been deemed abusive or is otherwise disallowed",
        613 => "(#613) Calls to this api have exceeded the rate limit.",
        80001 => {
            "(#80001) There have been too many calls to this Page account. Wait a bit and try again."
        }
        80002 => {
            "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again."
        }
        80006 => {
            "(#80006) There have been too many messenger api calls to this Page account. Wait a bit and try again."
        }
        80007 => {
            "(#80007) There have been too many calls to this WhatsApp Business account. Wait a bit and try again."
        }
        130429 => "(#130429) Rate limit hit",
        131000 => "(#131000) Something went wrong",
        131016 => "(#131016) Service unavailable",
        131048 => "(#131048) Spam rate limit hit",
        131056 => "(#131056) (Business Account, Consumer Account) pair rate limit hit",
        131057 => "(#131057) Account in maintenance mode",
        133004 => "(#133004) Server Temporarily Unavailable",
        _ => "An unknown error has occurred.",
    }
}

impl GraphError {
    pub fn new(
        http_status: u16,
        error_type: &'static str,
        code: i64,
        message: impl Into<String>,
    ) -> Self {
        Self(Box::new(ErrorDetails {
            http_status,
            message: message.into(),
            error_type,
            code,
            error_subcode: None,
            error_user_title: None,
            error_user_msg: None,
            error_data: None,
            is_transient: transient(code).then_some(true),
            www_authenticate: None,
            siblings: None,
        }))
    }

    pub fn with_subcode(mut self, subcode: i64) -> Self {
        self.error_subcode = Some(subcode);
        self
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.error_data = Some(data);
        self
    }

    /// A WhatsApp platform error: `(#code) title`, `error_data.details`, and the
    /// HTTP status of Meta's WhatsApp error table.
    pub fn whatsapp(code: i64, title: &str, details: &str) -> Self {
        Self::new(
            whatsapp_status(code),
            OAUTH,
            code,
            format!("(#{code}) {title}"),
        )
        .with_data(json!({ "messaging_product": "whatsapp", "details": details }))
    }

    /// `(#100) {detail}`: a missing or invalid parameter.
    pub fn invalid_parameter(detail: impl AsRef<str>) -> Self {
        Self::new(400, OAUTH, 100, format!("(#100) {}", detail.as_ref()))
    }

    /// 100/33: the object does not exist, is invisible to the token, or does not
    /// support the verb. Deliberately the same whichever it is.
    pub fn unsupported(method: &str, id: &str) -> Self {
        let verb = method.to_ascii_lowercase();
        Self::new(
            400,
            METHOD,
            100,
            format!(
                "Unsupported {verb} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
            ),
        )
        .with_subcode(33)
    }

    /// 2500: path components the Graph API does not know.
    pub fn unknown_path(components: &str) -> Self {
        Self::new(
            400,
            OAUTH,
            2500,
            format!("Unknown path components: {components}"),
        )
    }

    /// 803: a non-numeric node segment that is no known alias.
    pub fn unknown_alias(segment: &str) -> Self {
        Self::new(
            400,
            OAUTH,
            803,
            format!("(#803) Some of the aliases you requested do not exist: {segment}"),
        )
    }

    pub fn nonexisting_field(field: &str, node_type: &str) -> Self {
        Self::invalid_parameter(format!(
            "Tried accessing nonexisting field ({field}) on node type ({node_type})"
        ))
    }

    /// No token on a `/me` request.
    pub fn token_required_for_me() -> Self {
        let message =
            "An active access token must be used to query information about the current user.";
        let mut error = Self::new(400, OAUTH, 2500, message);
        error.www_authenticate = Some(format!(
            "OAuth \"Facebook Platform\" \"invalid_request\" \"{message}\""
        ));
        error
    }

    /// No token on any other request.
    pub fn token_required(product: Product) -> Self {
        let message = "An access token is required to request this resource.";
        let mut error = Self::new(token_status(product), OAUTH, 104, message);
        error.www_authenticate = Some(format!(
            "OAuth \"Facebook Platform\" \"invalid_request\" \"{message}\""
        ));
        error
    }

    fn invalid_token(product: Product, message: String, subcode: Option<i64>) -> Self {
        let mut error = Self::new(token_status(product), OAUTH, 190, message.clone());
        error.error_subcode = subcode;
        error.www_authenticate = Some(format!(
            "OAuth \"Facebook Platform\" \"invalid_token\" \"{message}\""
        ));
        error
    }

    pub fn token_unparseable(product: Product) -> Self {
        Self::invalid_token(
            product,
            "Invalid OAuth access token - Cannot parse access token".into(),
            None,
        )
    }

    pub fn token_expired(product: Product, expired_at: i64, now: i64) -> Self {
        let message = format!(
            "Error validating access token: Session has expired on {}. The current time is {}.",
            pacific_time(expired_at),
            pacific_time(now)
        );
        Self::invalid_token(product, message, Some(463))
    }

    pub fn token_invalidated(product: Product, reason: Invalidation) -> Self {
        match reason {
            Invalidation::PasswordChanged => Self::invalid_token(
                product,
                "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.".into(),
                Some(460),
            ),
            Invalidation::AppRemoved => Self::invalid_token(
                product,
                "Error validating access token: The user has not authorized application.".into(),
                Some(458),
            ),
        }
    }

    pub fn for_token_problem(product: Product, problem: TokenProblem, now: i64) -> Self {
        match problem {
            TokenProblem::Expired { expired_at } => Self::token_expired(product, expired_at, now),
            TokenProblem::Invalidated(reason) => Self::token_invalidated(product, reason),
        }
    }

    /// The token lacks a scope the call needs.
    pub fn missing_permission(product: Product, scope: &str) -> Self {
        let error = Self::new(403, OAUTH, 200, "(#200) Permissions error");
        if product == Product::Whatsapp {
            error.with_data(json!({
                "messaging_product": "whatsapp",
                "details": format!("The access token is missing the {scope} permission"),
            }))
        } else {
            error
        }
    }

    pub fn bad_appsecret_proof() -> Self {
        Self::new(
            400,
            METHOD,
            100,
            "Invalid appsecret_proof provided in the API argument",
        )
    }

    pub fn appsecret_proof_required() -> Self {
        Self::new(
            400,
            METHOD,
            100,
            "API calls from the server require an appsecret_proof argument",
        )
    }

    /// The error a fault rule asked for, with Meta's standard text when it gave none.
    pub fn from_fault(fault: &FaultError) -> Self {
        let message = fault
            .message
            .clone()
            .unwrap_or_else(|| standard_message(fault.code).to_owned());
        let error_type: &'static str = match fault.error_type.as_deref() {
            Some("GraphMethodException") => METHOD,
            Some("GraphBatchException") => "GraphBatchException",
            _ => OAUTH,
        };
        let mut error = Self::new(fault.http_status, error_type, fault.code, message);
        error.error_subcode = fault.error_subcode;
        error
    }

    // --- control plane ---

    /// A control-plane request that is malformed or refers to nothing usable.
    pub fn sim_invalid(detail: impl AsRef<str>) -> Self {
        Self::sim_refused(400, detail)
    }

    pub fn sim_not_found(what: impl AsRef<str>) -> Self {
        Self::new(404, "MetasimException", 100, what.as_ref().to_owned()).with_subcode(33)
    }

    /// A control-plane refusal with this status and `(#100) {detail}`: also
    /// a step the simulated person may not take (403) or not yet (429).
    pub fn sim_refused(http_status: u16, detail: impl AsRef<str>) -> Self {
        Self::new(
            http_status,
            "MetasimException",
            100,
            format!("(#100) {}", detail.as_ref()),
        )
    }

    pub fn sim_conflict(detail: impl AsRef<str>) -> Self {
        Self::sim_refused(409, detail)
    }

    pub fn body_too_large(limit: usize) -> Self {
        Self::new(
            413,
            OAUTH,
            100,
            format!("(#100) The request body is larger than the {limit} bytes metasim accepts"),
        )
    }

    /// The same error with members beside `error`, before it.
    pub fn with_siblings(mut self, siblings: Map<String, Value>) -> Self {
        self.siblings = Some(siblings);
        self
    }

    /// The envelope, with `fbtrace_id` last as Meta sends it.
    pub fn to_body(&self, fbtrace_id: &str) -> Value {
        let mut error = Map::new();
        error.insert("message".into(), json!(self.message));
        error.insert("type".into(), json!(self.error_type));
        error.insert("code".into(), json!(self.code));
        if let Some(subcode) = self.error_subcode {
            error.insert("error_subcode".into(), json!(subcode));
        }
        if let Some(title) = &self.error_user_title {
            error.insert("error_user_title".into(), json!(title));
        }
        if let Some(msg) = &self.error_user_msg {
            error.insert("error_user_msg".into(), json!(msg));
        }
        if let Some(data) = &self.error_data {
            error.insert("error_data".into(), data.clone());
        }
        if let Some(transient) = self.is_transient {
            error.insert("is_transient".into(), json!(transient));
        }
        error.insert("fbtrace_id".into(), json!(fbtrace_id));
        let mut body = self.siblings.clone().unwrap_or_default();
        body.insert("error".into(), Value::Object(error));
        Value::Object(body)
    }
}

impl std::ops::Deref for GraphError {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl std::ops::DerefMut for GraphError {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

/// HTTP statuses of WhatsApp codes, from Meta's error-code table.
fn whatsapp_status(code: i64) -> u16 {
    match code {
        131000 | 131016 | 131045 | 131057 | 133000 => 500,
        133004 => 503,
        131005 | 131031 | 131207 | 368 => 403,
        132001 => 404,
        _ => 400,
    }
}

/// Token errors are 401 on WhatsApp endpoints and 400 elsewhere.
fn token_status(product: Product) -> u16 {
    if product == Product::Whatsapp {
        401
    } else {
        400
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_shape_and_order() {
        let body = GraphError::unsupported("GET", "42").to_body("trace");
        let error = body["error"].as_object().unwrap();
        let keys: Vec<&str> = error.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["message", "type", "code", "error_subcode", "fbtrace_id"]
        );
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .starts_with("Unsupported get request. Object with ID '42'")
        );
        assert_eq!(error["type"], "GraphMethodException");
    }

    #[test]
    fn token_errors_depend_on_product() {
        assert_eq!(
            GraphError::token_unparseable(Product::Whatsapp).http_status,
            401
        );
        assert_eq!(
            GraphError::token_unparseable(Product::Graph).http_status,
            400
        );
        let expired = GraphError::token_expired(Product::Graph, 1_764_597_600, 1_764_598_022);
        assert_eq!(expired.error_subcode, Some(463));
        assert!(
            expired
                .message
                .contains("Session has expired on Monday, 01-Dec-25 06:00:00 PST.")
        );
        assert!(
            expired
                .message
                .ends_with("The current time is Monday, 01-Dec-25 06:07:02 PST.")
        );
    }

    #[test]
    fn fault_errors_get_standard_text_and_transience() {
        let fault = FaultError {
            code: 2,
            error_subcode: None,
            http_status: 503,
            message: None,
            error_type: None,
        };
        let error = GraphError::from_fault(&fault);
        assert_eq!(error.is_transient, Some(true));
        assert_eq!(error.http_status, 503);
        assert!(error.message.starts_with("An unexpected error"));
    }
}
