//! Paging for the control plane's lists, the Graph API's way: `limit`
//! (default 100, at most 1000; 0 gives an empty page), the cursors `after` and `before`, and a
//! `paging` object with `cursors`, `next` and `previous` — present only when
//! there is more to read, so a list that fits one page answers exactly as it
//! did before paging existed. A page also stops growing at about 4 MiB (after
//! one item), so no answer is large.
//!
//! Logs (journal, events, deliveries, inboxes) start at their newest items,
//! as a log tail does, and `after=0` reads them from the beginning; other
//! lists start at their first item. Cursors are the items' own keys (a
//! sequence number, an id, a phone), shown in `paging.cursors`, and links are
//! paths on the same server, so they work behind any host name.
//!
//! Handlers pick the page's items under the sandbox lock (cheap: a binary
//! search, the weights of at most `limit` items, copies of them) and encode
//! the answer after releasing it ([`Listing::answer`]).

use std::fmt::Display;
use std::ops::Range;
use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::Answer;
use crate::api::error::GraphError;
use crate::api::state::{SharedSandbox, lock};
use crate::world::sandbox::Sandbox;

/// Items on a page when the request gives no `limit`.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest `limit`.
pub const MAX_LIMIT: usize = 1000;
/// A page stops growing past this many bytes (estimated), after its first item.
pub const PAGE_BYTES: usize = 4 * 1024 * 1024;

/// Where a page without a cursor starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// At the first item (lists of things).
    First,
    /// At the newest items, ending with the last one (logs).
    Newest,
}

/// A list request: its paging parameters and the rest of its query.
#[derive(Debug, Clone)]
pub struct Listing {
    path: String,
    limit: usize,
    limit_given: bool,
    after: Option<String>,
    before: Option<String>,
    /// The other parameters, in order (for the route, and kept in links).
    params: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for Listing {
    type Rejection = GraphError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, GraphError> {
        Listing::parse(parts.uri.path(), parts.uri.query().unwrap_or_default())
    }
}

/// The page of a list chosen by a [`Listing`]: which items, and whether there
/// are more before and after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub range: Range<usize>,
    len: usize,
    /// The page was read towards the start (`before`, or the newest items):
    /// a byte budget drops its first items, not its last.
    backwards: bool,
}

impl Listing {
    pub fn parse(path: &str, query: &str) -> Result<Self, GraphError> {
        let mut listing = Listing {
            path: path.to_owned(),
            limit: DEFAULT_LIMIT,
            limit_given: false,
            after: None,
            before: None,
            params: Vec::new(),
        };
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match name.as_ref() {
                "limit" => {
                    listing.limit = value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|limit| *limit <= MAX_LIMIT)
                        .ok_or_else(|| {
                            GraphError::sim_invalid(format!(
                                "limit must be between 0 and {MAX_LIMIT}, got {value:?}"
                            ))
                        })?;
                    listing.limit_given = true;
                }
                "after" => listing.after = Some(value.into_owned()),
                "before" => listing.before = Some(value.into_owned()),
                _ => listing.params.push((name.into_owned(), value.into_owned())),
            }
        }
        if listing.after.is_some() && listing.before.is_some() {
            return Err(GraphError::sim_invalid("give after or before, not both"));
        }
        Ok(listing)
    }

    /// The value of a parameter other than `limit`, `after` and `before`.
    pub fn param(&self, name: &str) -> Option<&str> {
        crate::world::nodes::last_param(&self.params, name)
    }

    /// Refuse parameters other than the paging ones and `known`.
    pub fn only(&self, known: &[&str]) -> Result<(), GraphError> {
        match self
            .params
            .iter()
            .find(|(name, _)| !known.contains(&name.as_str()))
        {
            None => Ok(()),
            Some((name, _)) => {
                let mut accepted = vec!["limit", "after", "before"];
                accepted.extend(known);
                Err(GraphError::sim_invalid(format!(
                    "Unknown parameter {name:?}: this list takes {}",
                    accepted.join(", ")
                )))
            }
        }
    }

    /// The page of `len` items whose keys go up with their index (`key(i)`
    /// is item i's): after the `after` cursor, before the `before` cursor,
    /// or from `start`; at most `limit` items.
    pub fn window<K: Ord + FromStr>(
        &self,
        len: usize,
        key: impl Fn(usize) -> K,
        start: Start,
    ) -> Result<Window, GraphError> {
        let parse = |name: &str, cursor: &str| {
            cursor.parse::<K>().map_err(|_| {
                GraphError::sim_invalid(format!("{name} {cursor:?} is not a cursor of this list"))
            })
        };
        // The index of the first item whose key is above (or at) `cursor`.
        let split = |cursor: &K, inclusive: bool| {
            partition_point(len, |i| {
                let k = key(i);
                if inclusive { k < *cursor } else { k <= *cursor }
            })
        };
        let (range, backwards) = match (&self.after, &self.before) {
            (Some(after), _) => {
                let from = split(&parse("after", after)?, false);
                (from..from.saturating_add(self.limit).min(len), false)
            }
            (None, Some(before)) => {
                let to = split(&parse("before", before)?, true);
                (to.saturating_sub(self.limit)..to, true)
            }
            (None, None) if start == Start::Newest => (len.saturating_sub(self.limit)..len, true),
            (None, None) => (0..self.limit.min(len), false),
        };
        Ok(Window {
            range,
            len,
            backwards,
        })
    }

    /// Encode the page: `{"data": items}`, with `paging` when there is more.
    /// `keys` are the cursors of the first and last item.
    pub fn answer<T: Serialize>(
        &self,
        items: &[T],
        window: &Window,
        keys: (String, String),
    ) -> Answer {
        self.answer_noting(items, window, keys, None)
    }

    /// [`Listing::answer`], with `dropped` (what retention dropped from the
    /// list) after `paging` when there is any.
    pub fn answer_noting<T: Serialize>(
        &self,
        items: &[T],
        window: &Window,
        keys: (String, String),
        dropped: Option<Value>,
    ) -> Answer {
        #[derive(Serialize)]
        struct Page<'a, T> {
            data: &'a [T],
            #[serde(skip_serializing_if = "Option::is_none")]
            paging: Option<Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            dropped: Option<Value>,
        }
        let has_previous = window.range.start > 0 && !window.range.is_empty();
        let has_next = window.range.end < window.len && !window.range.is_empty();
        let paging = (has_previous || has_next).then(|| {
            let (before, after) = keys;
            let mut paging = Map::new();
            paging.insert(
                "cursors".into(),
                json!({ "before": before, "after": after }),
            );
            if has_previous {
                paging.insert("previous".into(), json!(self.link("before", &before)));
            }
            if has_next {
                paging.insert("next".into(), json!(self.link("after", &after)));
            }
            Value::Object(paging)
        });
        let body = serde_json::to_string(&Page {
            data: items,
            paging,
            dropped,
        })
        .map_err(|error| GraphError::sim_invalid(format!("Cannot encode the list: {error}")))?;
        Ok((
            StatusCode::OK,
            [("content-type", "application/json; charset=UTF-8")],
            body,
        )
            .into_response())
    }

    /// The path of the page on the other side of `cursor`.
    fn link(&self, name: &str, cursor: &str) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in &self.params {
            query.append_pair(key, value);
        }
        if self.limit_given {
            query.append_pair("limit", &self.limit.to_string());
        }
        query.append_pair(name, cursor);
        format!("{}?{}", self.path, query.finish())
    }
}

impl Window {
    /// Drop items beyond [`PAGE_BYTES`] (keeping at least one), from the end
    /// the page was read away from; `weight(i)` estimates item i's bytes.
    pub fn fit(mut self, weight: impl Fn(usize) -> usize) -> Self {
        let mut total = 0usize;
        let mut kept = 0;
        let count = self.range.len();
        for step in 0..count {
            let index = if self.backwards {
                self.range.end - 1 - step
            } else {
                self.range.start + step
            };
            total = total.saturating_add(weight(index));
            if kept > 0 && total > PAGE_BYTES {
                break;
            }
            kept += 1;
        }
        if self.backwards {
            self.range.start = self.range.end - kept;
        } else {
            self.range.end = self.range.start + kept;
        }
        self
    }

    /// [`Window::fit`] over the page's items themselves (`items` are the
    /// window's, in order), weighed as JSON; returns the items kept.
    pub fn fit_items<T: Serialize>(self, mut items: Vec<T>) -> (Self, Vec<T>) {
        let start = self.range.start;
        let fitted = self.fit(|i| weight(&items[i - start]));
        items.truncate(fitted.range.end - start);
        items.drain(..fitted.range.start - start);
        (fitted, items)
    }
}

/// Answer a page of a sandbox's things, one JSON view each: `keys` lists
/// every item's key in ascending order (cheap), `view` builds the view of
/// one — only for the items on the page, under the lock; the answer is
/// encoded after it.
pub fn views<K>(
    shared: &SharedSandbox,
    listing: &Listing,
    keys: impl Fn(&Sandbox) -> Vec<K>,
    view: impl Fn(&Sandbox, &K) -> Value,
) -> Answer
where
    K: Ord + FromStr + Display + Clone,
{
    let (data, window, page_keys) = {
        let sandbox = lock(shared);
        let keys = keys(&sandbox);
        let window = listing.window(keys.len(), |i| keys[i].clone(), Start::First)?;
        let data: Vec<Value> = keys[window.range.clone()]
            .iter()
            .map(|key| view(&sandbox, key))
            .collect();
        let (window, data) = window.fit_items(data);
        let page = &keys[window.range.clone()];
        (data, window, cursors(page.first(), page.last()))
    };
    listing.answer(&data, &window, page_keys)
}

/// Answer a page of a list that `build` puts together whole under the
/// sandbox lock (an inbox merged from several products, a short list of
/// computed views), keyed by position from 1 (so `after=0` reads from the
/// start, as for logs); the page is picked and encoded after the lock is
/// released. The list takes no parameters but the paging ones.
pub fn built<T: Serialize>(
    shared: &SharedSandbox,
    listing: &Listing,
    start: Start,
    build: impl FnOnce(&Sandbox) -> Result<Vec<T>, GraphError>,
) -> Answer {
    listing.only(&[])?;
    let mut items = build(&lock(shared))?;
    let window = listing.window(items.len(), |i| i + 1, start)?;
    items.truncate(window.range.end);
    items.drain(..window.range.start);
    let (window, data) = window.fit_items(items);
    let page = window.range.start + 1..window.range.end + 1;
    let keys = cursors(page.clone().next(), page.last());
    listing.answer(&data, &window, keys)
}

/// The first index in `0..len` for which `before(i)` is false (`before` is
/// true for a prefix of the indices, as for a sorted list).
fn partition_point(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        let middle = low + (high - low) / 2;
        if before(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

/// The cursors of a page's first and last item, from their keys.
pub fn cursors<K: Display>(first: Option<K>, last: Option<K>) -> (String, String) {
    let text = |key: Option<K>| key.map(|k| k.to_string()).unwrap_or_default();
    (text(first), text(last))
}

/// How many bytes `item` takes as JSON, counted without writing it anywhere.
pub fn weight<T: Serialize + ?Sized>(item: &T) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.saturating_add(bytes.len());
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // A failure cannot happen while counting; what was counted stands.
    let _ = serde_json::to_writer(&mut counter, item);
    counter.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEQS: [u64; 5] = [2, 4, 6, 8, 10];

    fn page(query: &str, start: Start) -> Result<Window, GraphError> {
        Listing::parse("/x", query)?.window(SEQS.len(), |i| SEQS[i], start)
    }

    #[test]
    fn logs_start_at_the_newest_and_walk_both_ways() {
        assert_eq!(page("limit=2", Start::Newest).unwrap().range, 3..5);
        assert_eq!(page("limit=2&before=8", Start::Newest).unwrap().range, 1..3);
        assert_eq!(page("limit=2&after=0", Start::Newest).unwrap().range, 0..2);
        assert_eq!(page("limit=2&after=5", Start::Newest).unwrap().range, 2..4);
        assert_eq!(page("after=10", Start::Newest).unwrap().range, 5..5);
        assert_eq!(page("limit=2", Start::First).unwrap().range, 0..2);
        assert_eq!(page("before=2", Start::First).unwrap().range, 0..0);
    }

    #[test]
    fn bad_parameters_name_the_bound() {
        let message = |query: &str| page(query, Start::First).unwrap_err().message.clone();
        assert_eq!(
            message("limit=-1"),
            "(#100) limit must be between 0 and 1000, got \"-1\""
        );
        assert_eq!(
            message("limit=1001"),
            "(#100) limit must be between 0 and 1000, got \"1001\""
        );
        assert_eq!(page("limit=0", Start::Newest).unwrap().range, 5..5);
        assert_eq!(
            message("after=x"),
            "(#100) after \"x\" is not a cursor of this list"
        );
        assert_eq!(
            message("after=1&before=2"),
            "(#100) give after or before, not both"
        );
        let listing = Listing::parse("/x", "method=GET&limt=2").unwrap();
        assert_eq!(listing.param("method"), Some("GET"));
        assert_eq!(
            listing.only(&["method"]).unwrap_err().message,
            "(#100) Unknown parameter \"limt\": this list takes limit, after, before, method"
        );
    }

    #[test]
    fn a_page_keeps_to_its_byte_budget_from_the_end_it_reads_from() {
        let half = PAGE_BYTES / 2;
        let newest = page("", Start::Newest).unwrap().fit(|_| half);
        assert_eq!(newest.range, 3..5, "the newest two");
        let first = page("", Start::First).unwrap().fit(|_| half);
        assert_eq!(first.range, 0..2, "the first two");
        let huge = page("", Start::First).unwrap().fit(|_| usize::MAX);
        assert_eq!(huge.range, 0..1, "at least one item");
        let big = "x".repeat(half);
        let items = vec![big.clone(), big.clone(), "newest".to_owned()];
        let (fitted, kept) = page("limit=3", Start::Newest).unwrap().fit_items(items);
        assert_eq!((fitted.range, kept.len()), (3..5, 2), "the newest that fit");
        assert_eq!(kept[1], "newest");
        let medium = "m".repeat(half - 10);
        let items = vec![big, medium.clone(), medium];
        let (fitted, kept) = page("limit=3&before=8", Start::Newest)
            .unwrap()
            .fit_items(items);
        assert_eq!(fitted.range, 1..3);
        assert_eq!(kept[0].len(), half - 10, "the oldest item was left out");
    }

    #[test]
    fn links_keep_the_other_parameters_and_the_limit() {
        let listing = Listing::parse("/_sim/x", "method=GET&limit=2&before=9").unwrap();
        assert_eq!(
            listing.link("after", "7"),
            "/_sim/x?method=GET&limit=2&after=7"
        );
        assert_eq!(weight(&json!({"a": [1, "b"]})), 13);
    }
}
