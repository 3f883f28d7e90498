//! Lists a route answers itself, for items that are no Graph nodes (blocked
//! users, QR codes, group members…): `{"data": [...], "paging": {...}}` with
//! the same cursor paging (`limit`, `after`, `before`, `next`, `previous`)
//! as a node's list edges.

use serde_json::{Map, Value, json};

use super::error::GraphError;
use super::paging::{PageRequest, paging_object, slice};
use super::routes::Operation;

/// One page of `keys` (stable, unique, in order) as `data` items built by
/// `item`, with paging links back to `/{node}/{edge}`.
pub fn paged(
    op: &Operation<'_>,
    edge: &str,
    keys: &[String],
    item: impl Fn(&str) -> Value,
) -> Result<Value, GraphError> {
    let request = op.request;
    let page = PageRequest::parse(
        request.param_str("limit"),
        request.param_str("after"),
        request.param_str("before"),
    )?;
    let ids: Vec<&str> = keys.iter().map(String::as_str).collect();
    let window = slice(&ids, &page)?;
    let chosen = &ids[window.range.clone()];
    let mut out = Map::new();
    out.insert(
        "data".into(),
        Value::Array(chosen.iter().map(|key| item(key)).collect()),
    );
    if let (Some(first), Some(last)) = (chosen.first(), chosen.last()) {
        let link = |key: &str, cursor: &str| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            if let Some(fields) = request.param_str("fields") {
                query.append_pair("fields", &fields);
            }
            query.append_pair("limit", &window.limit.to_string());
            query.append_pair(key, cursor);
            format!(
                "{}/{}/{}/{edge}?{}",
                request.base_url,
                op.version,
                op.id,
                query.finish()
            )
        };
        out.insert("paging".into(), paging_object(first, last, &window, &link));
    }
    Ok(json!(out))
}
