//! The request journal: every Graph API request a sandbox received, with the
//! response it got, oldest first and bounded (the oldest entries fall off).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const DEFAULT_JOURNAL_LIMIT: usize = 10_000;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JournalEntry {
    pub seq: u64,
    pub time: i64,
    pub method: String,
    pub path: String,
    /// Query parameters in arrival order, secrets redacted.
    pub query: Map<String, Value>,
    /// Request headers worth keeping, secrets redacted (lowercase names).
    pub headers: Map<String, Value>,
    /// The request body: JSON as sent, form fields as an object, or null.
    pub body: Value,
    pub status: u16,
    pub response: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Journal {
    limit: usize,
    next_seq: u64,
    entries: VecDeque<JournalEntry>,
}

/// What to pick from the journal.
#[derive(Debug, Default)]
pub struct JournalFilter<'a> {
    pub method: Option<&'a str>,
    pub path_prefix: Option<&'a str>,
    /// Keep only the newest `limit` matches (still oldest first).
    pub limit: Option<usize>,
}

impl Journal {
    pub fn new(limit: usize) -> Self {
        Self {
            limit: limit.max(1),
            next_seq: 1,
            entries: VecDeque::new(),
        }
    }

    /// Append an entry; returns its sequence number.
    pub fn record(&mut self, mut entry: JournalEntry) -> u64 {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        if self.entries.len() == self.limit {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
        self.next_seq - 1
    }

    /// Change the recorded answer of an entry (when a call's outcome is only
    /// known after it was journaled, e.g. a webhook verification handshake).
    pub fn amend(&mut self, seq: u64, status: u16, response: Value) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.seq == seq) {
            entry.status = status;
            entry.response = response;
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn select(&self, filter: &JournalFilter<'_>) -> Vec<&JournalEntry> {
        let matching: Vec<&JournalEntry> = self
            .entries
            .iter()
            .filter(|e| {
                filter
                    .method
                    .is_none_or(|m| e.method.eq_ignore_ascii_case(m))
            })
            .filter(|e| filter.path_prefix.is_none_or(|p| e.path.starts_with(p)))
            .collect();
        let skip = filter
            .limit
            .map_or(0, |limit| matching.len().saturating_sub(limit));
        matching.into_iter().skip(skip).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(method: &str, path: &str) -> JournalEntry {
        JournalEntry {
            seq: 0,
            time: 0,
            method: method.into(),
            path: path.into(),
            query: Map::new(),
            headers: Map::new(),
            body: Value::Null,
            status: 200,
            response: Value::Null,
        }
    }

    #[test]
    fn bounded_and_filtered() {
        let mut journal = Journal::new(3);
        for path in ["/v23.0/a", "/v23.0/b", "/v23.0/c", "/v23.0/d"] {
            journal.record(entry("GET", path));
        }
        journal.record(entry("POST", "/v23.0/d"));
        let all = journal.select(&JournalFilter::default());
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3, 4, 5]);
        let posts = journal.select(&JournalFilter {
            method: Some("post"),
            ..Default::default()
        });
        assert_eq!(posts.len(), 1);
        let newest = journal.select(&JournalFilter {
            limit: Some(2),
            ..Default::default()
        });
        assert_eq!(
            newest.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(),
            ["/v23.0/d", "/v23.0/d"]
        );
        let prefixed = journal.select(&JournalFilter {
            path_prefix: Some("/v23.0/c"),
            ..Default::default()
        });
        assert_eq!(prefixed.len(), 1);
    }
}
