//! Batch requests: `POST /` with `batch=[{method, relative_url, body?, name?,
//! depends_on?, omit_response_on_success?}, …]` (at most 50). Operations run
//! in order inside the same sandbox; each answers `{code, headers, body}` with
//! `body` a JSON string; later operations may use earlier results through
//! `{result=name:$.data.0.id}`. The outer HTTP status stays 200.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::error::GraphError;
use super::graph::{Call, execute};
use super::request::{GraphRequest, TokenSource, parse_body, parse_query, split_path};
use super::versions::{VersionOutcome, looks_like_version};
use crate::world::encode::meta_json;
use crate::world::faults::MAX_LATENCY_MS;
use crate::world::sandbox::Sandbox;

pub const MAX_BATCH: usize = 50;

/// A finished named operation: whether it succeeded, and its body.
struct Named {
    ok: bool,
    body: Value,
}

/// Run a batch; the latency faults its operations hit add up in `latency_ms`
/// (at most [`MAX_LATENCY_MS`] in all), held back as for a single call.
pub fn run(
    sandbox: &mut Sandbox,
    outer: &Call<'_>,
    latency_ms: &mut u64,
) -> Result<Value, GraphError> {
    let operations = match outer.request.param_json("batch") {
        None => {
            return Err(GraphError::invalid_parameter(
                "The parameter batch is required",
            ));
        }
        Some(parsed) => match parsed? {
            Value::Array(ops) => ops,
            _ => {
                return Err(GraphError::invalid_parameter(
                    "Param batch must be a JSON array",
                ));
            }
        },
    };
    if operations.len() > MAX_BATCH {
        return Err(GraphError::new(
            400,
            "GraphBatchException",
            100,
            format!("Too many requests in batch message. Maximum batch size is {MAX_BATCH}"),
        ));
    }
    let include_headers = outer
        .request
        .param_str("include_headers")
        .is_none_or(|v| v != "false");
    let mut named: BTreeMap<String, Named> = BTreeMap::new();
    let mut results = Vec::with_capacity(operations.len());
    for (index, operation) in operations.iter().enumerate() {
        let asked_before = sandbox.pending_handshakes.len();
        let (result, latency) =
            run_operation(sandbox, outer, operation, include_headers, &mut named);
        results.push(result);
        *latency_ms = latency_ms.saturating_add(latency).min(MAX_LATENCY_MS);
        for handshake in &mut sandbox.pending_handshakes[asked_before..] {
            handshake.batch_index = Some(index);
        }
    }
    Ok(Value::Array(results))
}

/// One operation's result element and the latency its faults asked for.
fn run_operation(
    sandbox: &mut Sandbox,
    outer: &Call<'_>,
    operation: &Value,
    include_headers: bool,
    named: &mut BTreeMap<String, Named>,
) -> (Value, u64) {
    let text = |key: &str| {
        operation
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    if let Some(dependency) = text("depends_on")
        && !named.get(&dependency).is_some_and(|n| n.ok)
    {
        return (Value::Null, 0);
    }
    let mut latency = 0;
    let prepared = prepare(operation, outer, named);
    let (status, body, headers) = match prepared {
        Err(error) => {
            let trace = sandbox.ids.trace_id();
            (error.http_status, error.to_body(&trace), vec![])
        }
        Ok(request) => {
            let segments = &request.segments;
            let (version_segment, rest) = match segments.first() {
                Some(first) if looks_like_version(first) => (Some(first.as_str()), &segments[1..]),
                _ => (None, &segments[..]),
            };
            // An operation without a version runs with the batch's own version.
            let version = match version_segment.map(|segment| outer.policy.resolve(Some(segment))) {
                None => Some(outer.version),
                Some(VersionOutcome::Serve(version)) => Some(version),
                Some(VersionOutcome::Unknown | VersionOutcome::Missing) => None,
            };
            match version {
                None => {
                    let trace = sandbox.ids.trace_id();
                    let error = GraphError::unknown_path(&format!("/{}", segments.join("/")));
                    (error.http_status, error.to_body(&trace), vec![])
                }
                Some(version) => {
                    let (token, token_source) = request
                        .access_token()
                        .unwrap_or((outer.token.to_owned(), outer.token_source));
                    let call = Call {
                        request: &request,
                        rest,
                        version,
                        policy: outer.policy,
                        token: &token,
                        token_source,
                        in_batch: true,
                    };
                    let executed = execute(sandbox, &call);
                    latency = executed.latency_ms;
                    let status = executed.status();
                    (
                        status,
                        executed.into_body(),
                        vec![("facebook-api-version", version.to_string())],
                    )
                }
            }
        }
    };
    let ok = status == 200;
    if let Some(name) = text("name") {
        named.insert(
            name,
            Named {
                ok,
                body: body.clone(),
            },
        );
    }
    if ok
        && operation
            .get("omit_response_on_success")
            .and_then(Value::as_bool)
            == Some(true)
    {
        return (Value::Null, latency);
    }
    let mut element = serde_json::Map::new();
    element.insert("code".into(), json!(status));
    if include_headers {
        let mut list =
            vec![json!({"name": "Content-Type", "value": "text/javascript; charset=UTF-8"})];
        list.extend(
            headers
                .into_iter()
                .map(|(name, value)| json!({"name": name, "value": value})),
        );
        element.insert("headers".into(), Value::Array(list));
    }
    let encoded = String::from_utf8(meta_json(&body)).unwrap_or_default();
    element.insert("body".into(), json!(encoded));
    (Value::Object(element), latency)
}

/// Build the operation's request, with JSONPath references filled in.
fn prepare(
    operation: &Value,
    outer: &Call<'_>,
    named: &BTreeMap<String, Named>,
) -> Result<GraphRequest, GraphError> {
    if !operation.is_object() {
        return Err(GraphError::invalid_parameter(
            "Each batch operation must be a JSON object",
        ));
    }
    let relative_url = operation
        .get("relative_url")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            GraphError::invalid_parameter("Missing relative_url in a batch operation")
        })?;
    let relative_url = substitute(relative_url, named, true)?;
    let method = operation
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("GET")
        .to_ascii_uppercase();
    let (path, query) = relative_url.split_once('?').unwrap_or((&relative_url, ""));
    let body = match operation.get("body") {
        Some(Value::String(body)) => parse_body(
            Some("application/x-www-form-urlencoded"),
            substitute(body, named, false)?.as_bytes(),
        )?,
        Some(Value::Object(map)) => map.clone(),
        _ => serde_json::Map::new(),
    };
    let query = parse_query(query);
    let own_token = query
        .iter()
        .any(|(name, value)| name == "access_token" && !value.is_empty())
        || body.contains_key("access_token");
    let mut request = GraphRequest {
        method,
        segments: split_path(path),
        query,
        headers: vec![],
        body,
        base_url: outer.request.base_url.clone(),
        files: vec![],
    };
    if !own_token {
        inherit_credentials(&mut request, outer);
    }
    Ok(request)
}

/// An operation without a token of its own runs with the batch's token and
/// the batch's `appsecret_proof`.
fn inherit_credentials(request: &mut GraphRequest, outer: &Call<'_>) {
    if outer.token_source == TokenSource::Header {
        request.headers.extend(
            outer
                .request
                .headers
                .iter()
                .filter(|(name, _)| name == "authorization")
                .cloned(),
        );
    }
    if request.param("appsecret_proof").is_none()
        && let Some(proof) = outer.request.param_str("appsecret_proof")
    {
        request.query.push(("appsecret_proof".to_owned(), proof));
    }
}

/// Replace every `{result=name:$.path}` with the value found in the named
/// operation's body. In URLs the value is percent-encoded.
fn substitute(
    text: &str,
    named: &BTreeMap<String, Named>,
    in_url: bool,
) -> Result<String, GraphError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{result=") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "{result=".len()..];
        let end = after.find('}').ok_or_else(|| {
            GraphError::invalid_parameter("Unterminated {result=…} reference in a batch operation")
        })?;
        let reference = &after[..end];
        let (name, path) = reference.split_once(':').ok_or_else(|| {
            GraphError::invalid_parameter(format!("Bad batch reference {{result={reference}}}"))
        })?;
        let source = named.get(name).ok_or_else(|| {
            GraphError::invalid_parameter(format!("No batch operation named {name}"))
        })?;
        let value = json_path(&source.body, path).join(",");
        if in_url {
            out.extend(form_urlencoded::byte_serialize(value.as_bytes()));
        } else {
            out.push_str(&value);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A small JSONPath: `$.a.b.0.c`, with `*` mapping over an array.
fn json_path(root: &Value, path: &str) -> Vec<String> {
    let mut current = vec![root];
    for step in path
        .trim_start_matches('$')
        .split('.')
        .filter(|s| !s.is_empty())
    {
        current = current
            .into_iter()
            .flat_map(|value| -> Vec<&Value> {
                match (step, value) {
                    ("*", Value::Array(items)) => items.iter().collect(),
                    (key, Value::Array(items)) => key
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| items.get(i))
                        .into_iter()
                        .collect(),
                    (key, Value::Object(map)) => map.get(key).into_iter().collect(),
                    _ => vec![],
                }
            })
            .collect();
    }
    current
        .into_iter()
        .map(|value| match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_path_steps_and_wildcards() {
        let body = json!({"data": [{"id": "1"}, {"id": "2"}], "n": 3});
        assert_eq!(json_path(&body, "$.data.0.id"), ["1"]);
        assert_eq!(json_path(&body, "$.data.*.id"), ["1", "2"]);
        assert_eq!(json_path(&body, "$.n"), ["3"]);
        assert!(json_path(&body, "$.missing").is_empty());
    }

    #[test]
    fn references_are_substituted() {
        let named = BTreeMap::from([(
            "pages".to_owned(),
            Named {
                ok: true,
                body: json!({"data": [{"id": "7"}]}),
            },
        )]);
        assert_eq!(
            substitute("{result=pages:$.data.0.id}?fields=name", &named, true).unwrap(),
            "7?fields=name"
        );
        assert!(substitute("{result=nope:$.a}", &named, true).is_err());
        assert!(substitute("{result=pages:$.a", &named, true).is_err());
    }
}
