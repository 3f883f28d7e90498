//! Cursor paging for every list edge: `limit`, `after`, `before`, and the
//! `paging` object with `cursors`, `next` and `previous` as Meta returns them.
//! Cursors are base64 of the item id: opaque to clients, stable for a seed,
//! and stale once their item is gone (a stale cursor gives an empty page).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use super::error::GraphError;

pub const DEFAULT_LIMIT: usize = 25;

pub fn cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

fn decode_cursor(cursor: &str) -> Result<String, GraphError> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            GraphError::invalid_parameter(format!("The cursor \"{cursor}\" is not valid"))
        })
}

/// What the client asked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageRequest {
    pub limit: Option<usize>,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl PageRequest {
    pub fn parse(
        limit: Option<String>,
        after: Option<String>,
        before: Option<String>,
    ) -> Result<Self, GraphError> {
        let limit = match limit {
            Some(text) => Some(text.trim().parse::<usize>().map_err(|_| {
                GraphError::invalid_parameter("Param limit must be a non-negative integer")
            })?),
            None => None,
        };
        Ok(Self {
            limit,
            after,
            before,
        })
    }
}

/// One page of an ordered list of ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub range: std::ops::Range<usize>,
    pub limit: usize,
    pub has_next: bool,
    pub has_previous: bool,
}

pub fn slice(ids: &[&str], request: &PageRequest) -> Result<Page, GraphError> {
    let limit = request.limit.unwrap_or(DEFAULT_LIMIT);
    let position = |cursor: &str| -> Result<Option<usize>, GraphError> {
        let id = decode_cursor(cursor)?;
        Ok(ids.iter().position(|candidate| *candidate == id))
    };
    let (start, end) = if let Some(after) = &request.after {
        match position(after)? {
            Some(index) => (index + 1, (index + 1).saturating_add(limit).min(ids.len())),
            None => (ids.len(), ids.len()),
        }
    } else if let Some(before) = &request.before {
        match position(before)? {
            Some(index) => (index.saturating_sub(limit), index),
            None => (0, 0),
        }
    } else {
        (0, limit.min(ids.len()))
    };
    Ok(Page {
        range: start..end,
        limit,
        has_next: end < ids.len() && end > start,
        has_previous: start > 0 && end > start,
    })
}

/// The `paging` object, or None for an empty page. `link` builds a URL for a
/// cursor parameter (`after` or `before`) and value.
pub fn paging_object(
    first: &str,
    last: &str,
    page: &Page,
    link: &dyn Fn(&str, &str) -> String,
) -> Value {
    let mut paging = Map::new();
    let (before, after) = (cursor(first), cursor(last));
    paging.insert(
        "cursors".into(),
        json!({ "before": before, "after": after }),
    );
    if page.has_previous {
        paging.insert("previous".into(), json!(link("before", &before)));
    }
    if page.has_next {
        paging.insert("next".into(), json!(link("after", &after)));
    }
    Value::Object(paging)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 5] = ["a", "b", "c", "d", "e"];

    fn req(limit: usize, after: Option<&str>, before: Option<&str>) -> PageRequest {
        PageRequest {
            limit: Some(limit),
            after: after.map(cursor),
            before: before.map(cursor),
        }
    }

    #[test]
    fn walks_forward_and_back() {
        let first = slice(&IDS, &req(2, None, None)).unwrap();
        assert_eq!(
            (first.range.clone(), first.has_next, first.has_previous),
            (0..2, true, false)
        );
        let second = slice(&IDS, &req(2, Some("b"), None)).unwrap();
        assert_eq!(
            (second.range.clone(), second.has_next, second.has_previous),
            (2..4, true, true)
        );
        let last = slice(&IDS, &req(2, Some("d"), None)).unwrap();
        assert_eq!((last.range.clone(), last.has_next), (4..5, false));
        let back = slice(&IDS, &req(2, None, Some("c"))).unwrap();
        assert_eq!((back.range.clone(), back.has_previous), (0..2, false));
    }

    #[test]
    fn huge_limits_do_not_overflow() {
        let page = slice(&IDS, &req(usize::MAX, Some("b"), None)).unwrap();
        assert_eq!((page.range, page.has_next), (2..5, false));
    }

    #[test]
    fn stale_and_bad_cursors() {
        let stale = slice(&IDS, &req(2, Some("zz"), None)).unwrap();
        assert!(stale.range.is_empty() && !stale.has_next);
        assert!(
            slice(
                &IDS,
                &PageRequest {
                    after: Some("***".into()),
                    ..Default::default()
                }
            )
            .is_err()
        );
        assert!(PageRequest::parse(Some("x".into()), None, None).is_err());
    }

    #[test]
    fn links_only_where_there_is_more() {
        let page = slice(&IDS, &req(2, Some("b"), None)).unwrap();
        let paging = paging_object("c", "d", &page, &|k, v| format!("?{k}={v}"));
        assert_eq!(paging["next"], format!("?after={}", cursor("d")));
        assert_eq!(paging["previous"], format!("?before={}", cursor("c")));
    }
}
