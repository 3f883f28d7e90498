//! A Graph API request as metasim sees it, independent of axum: the method,
//! the normalized path, the parameters from the query string and the body
//! (JSON, form-encoded with nested JSON strings, or both), and the access token
//! wherever the client put it.

use serde_json::{Map, Value};

use super::error::GraphError;

/// Headers neither a call nor its journal entry keeps: transport details
/// and cookies.
pub const DROPPED_HEADERS: [&str; 6] = [
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "accept-encoding",
    "cookie",
];

#[derive(Debug, Clone)]
pub struct GraphRequest {
    /// Upper-case HTTP verb (after a `method=` override).
    pub method: String,
    /// Path segments without empty ones (`//` and a trailing `/` collapse).
    pub segments: Vec<String>,
    pub query: Vec<(String, String)>,
    /// Lower-case header names, without the [`DROPPED_HEADERS`] (left out
    /// when the request is read, so the journal never sees them either).
    pub headers: Vec<(String, String)>,
    /// Parameters from the body.
    pub body: Map<String, Value>,
    /// `scheme://host` the client used, for `paging.next` links.
    pub base_url: String,
    /// File parts of a multipart body (media uploads).
    pub files: Vec<UploadedFile>,
}

/// A file part of a multipart body.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadedFile {
    /// The form field name (`file` for media uploads).
    pub field: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// Where the access token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Header,
    Query,
    Body,
}

pub fn split_path(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn parse_query(query: &str) -> Vec<(String, String)> {
    // Most query strings need no decoding (no `%`, no `+`): split them as they
    // are, exactly as form_urlencoded would, without its per-byte decoding.
    if !query.bytes().any(|b| b == b'%' || b == b'+') {
        return query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (name.to_owned(), value.to_owned())
            })
            .collect();
    }
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// Parse a request body by content type. Form bodies become string values
/// (nested objects stay JSON text until [`GraphRequest::param_json`] reads them).
pub fn parse_body(
    content_type: Option<&str>,
    bytes: &[u8],
) -> Result<Map<String, Value>, GraphError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let mime = content_type
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let looks_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    match mime.as_str() {
        m if m == "application/json" || m.ends_with("+json") => parse_json_object(bytes),
        "" | "text/plain" if looks_json => parse_json_object(bytes),
        "" | "text/plain" | "application/x-www-form-urlencoded" => {
            Ok(form_urlencoded::parse(bytes)
                .into_owned()
                .map(|(k, v)| (k, Value::String(v)))
                .collect())
        }
        other => Err(GraphError::invalid_parameter(format!(
            "Unsupported Content-Type \"{other}\": send application/json or application/x-www-form-urlencoded"
        ))),
    }
}

fn parse_json_object(bytes: &[u8]) -> Result<Map<String, Value>, GraphError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(GraphError::invalid_parameter(
            "The request body must be a JSON object",
        )),
        Err(e) => Err(GraphError::invalid_parameter(format!(
            "Invalid JSON in request body: {e}"
        ))),
    }
}

impl GraphRequest {
    /// A parameter from the body, else the query string.
    pub fn param(&self, name: &str) -> Option<Value> {
        match self.body_value(name) {
            Some(value) => Some(value.clone()),
            None => self.query_value(name).map(|v| Value::String(v.to_owned())),
        }
    }

    /// The body's value of `name`. A body has a handful of keys, so looking
    /// through them costs less than hashing `name` for the map's index; a
    /// large body is looked up by its index.
    fn body_value(&self, name: &str) -> Option<&Value> {
        const LOOKED_THROUGH_UP_TO: usize = 12;
        if self.body.len() <= LOOKED_THROUGH_UP_TO {
            self.body
                .iter()
                .find_map(|(key, value)| (key == name).then_some(value))
        } else {
            self.body.get(name)
        }
    }

    /// The last query-string value of `name`.
    fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A text parameter, borrowed (body first, then the query string); `None`
    /// when absent or not a string.
    pub fn param_text(&self, name: &str) -> Option<&str> {
        match self.body_value(name) {
            Some(Value::String(text)) => Some(text),
            Some(_) => None,
            None => self.query_value(name),
        }
    }

    /// A parameter as text (numbers and booleans as their JSON text).
    pub fn param_str(&self, name: &str) -> Option<String> {
        match self.body_value(name) {
            Some(Value::String(text)) => Some(text.clone()),
            Some(Value::Null) => None,
            Some(other) => Some(other.to_string()),
            None => self.query_value(name).map(str::to_owned),
        }
    }

    /// A structured parameter: a JSON value, or a string holding JSON (form style).
    pub fn param_json(&self, name: &str) -> Option<Result<Value, GraphError>> {
        Some(match self.param(name)? {
            Value::String(text) => serde_json::from_str(&text)
                .map_err(|_| GraphError::invalid_parameter(format!("Param {name} must be JSON"))),
            other => Ok(other),
        })
    }

    /// A list parameter: a JSON array, a string holding one, or a comma list.
    pub fn param_list(&self, name: &str) -> Option<Vec<String>> {
        match self.param(name)? {
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            Value::String(text) if text.trim_start().starts_with('[') => {
                serde_json::from_str(&text).ok()
            }
            Value::String(text) => Some(
                text.split(',')
                    .map(|f| f.trim().to_owned())
                    .filter(|f| !f.is_empty())
                    .collect(),
            ),
            _ => None,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The access token: `Authorization: Bearer|OAuth`, then `access_token` in the
    /// query string, then in the body.
    pub fn access_token(&self) -> Option<(String, TokenSource)> {
        if let Some(value) = self.header("authorization") {
            let mut parts = value.trim().splitn(2, ' ');
            let scheme = parts.next().unwrap_or_default();
            let token = parts.next().unwrap_or_default().trim();
            if (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth"))
                && !token.is_empty()
            {
                return Some((token.to_owned(), TokenSource::Header));
            }
        }
        if let Some((_, token)) = self
            .query
            .iter()
            .find(|(k, v)| k == "access_token" && !v.is_empty())
        {
            return Some((token.clone(), TokenSource::Query));
        }
        match self.body_value("access_token") {
            Some(Value::String(token)) if !token.is_empty() => {
                Some((token.clone(), TokenSource::Body))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queries_split_like_form_urlencoded() {
        for query in [
            "fields=id,name&limit=2",
            "a&&b=&=c&d=1=2&",
            "fields=id%2Cname&q=a+b",
            "x=%zz&y=%C3%A9",
            "",
        ] {
            let expected: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            assert_eq!(parse_query(query), expected, "{query}");
        }
    }

    fn request(headers: Vec<(&str, &str)>, query: &str, body: Map<String, Value>) -> GraphRequest {
        GraphRequest {
            method: "GET".into(),
            segments: split_path("//v23.0//me/"),
            query: parse_query(query),
            headers: headers
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            body,
            base_url: "http://x".into(),
            files: vec![],
        }
    }

    #[test]
    fn parameters_come_from_small_and_large_bodies_alike() {
        for keys in [3, 40] {
            let body: Map<String, Value> = (0..keys)
                .map(|i| (format!("key{i}"), json!(i)))
                .chain([
                    ("name".to_owned(), json!("body")),
                    ("flag".to_owned(), Value::Null),
                ])
                .collect();
            let r = request(vec![], "name=query&only=query&flag=query", body);
            assert_eq!(r.param_str("name").as_deref(), Some("body"), "{keys} keys");
            assert_eq!(r.param_str("key2").as_deref(), Some("2"), "{keys} keys");
            assert_eq!(r.param_text("only"), Some("query"), "{keys} keys");
            assert_eq!(
                r.param_str("flag"),
                None,
                "a null in the body hides the query"
            );
            assert_eq!(r.param("missing"), None);
        }
    }

    #[test]
    fn paths_collapse_slashes() {
        assert_eq!(split_path("//v23.0//me/"), ["v23.0", "me"]);
        assert!(split_path("/").is_empty());
    }

    #[test]
    fn token_sources_in_order() {
        let body =
            parse_body(Some("application/x-www-form-urlencoded"), b"access_token=B").unwrap();
        let r = request(
            vec![("authorization", "Bearer H")],
            "access_token=Q",
            body.clone(),
        );
        assert_eq!(r.access_token(), Some(("H".into(), TokenSource::Header)));
        let r = request(vec![], "access_token=Q", body.clone());
        assert_eq!(r.access_token(), Some(("Q".into(), TokenSource::Query)));
        let r = request(vec![("authorization", "OAuth   ")], "", body);
        assert_eq!(r.access_token(), Some(("B".into(), TokenSource::Body)));
    }

    #[test]
    fn bodies_by_content_type() {
        let form = parse_body(
            Some("application/x-www-form-urlencoded; charset=utf-8"),
            b"recipient=%7B%22id%22%3A%221%22%7D",
        )
        .unwrap();
        let r = request(vec![], "", form);
        assert_eq!(r.param_json("recipient").unwrap().unwrap()["id"], "1");
        let json = parse_body(Some("application/json"), br#"{"a": 1}"#).unwrap();
        assert_eq!(json["a"], 1);
        assert_eq!(parse_body(None, br#" {"a": 2}"#).unwrap()["a"], 2);
        assert_eq!(
            parse_body(Some("application/json"), b"{nope")
                .unwrap_err()
                .code,
            100
        );
        assert_eq!(
            parse_body(Some("application/json"), b"[1]")
                .unwrap_err()
                .code,
            100
        );
        assert_eq!(
            parse_body(Some("application/xml"), b"<a/>")
                .unwrap_err()
                .code,
            100
        );
        assert!(parse_body(Some("application/xml"), b"").unwrap().is_empty());
    }
}
