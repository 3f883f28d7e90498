//! The request journal: every Graph API request a sandbox received, with the
//! response it got, oldest first and bounded (the oldest entries fall off).

use std::collections::VecDeque;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::bounds::{MAX_COUNTER, ascending, in_range};
pub use super::encode::EncodedJson;
use super::shared::Invalid;

pub const DEFAULT_JOURNAL_LIMIT: usize = 10_000;
/// The most entries a journal may be asked to keep.
pub const MAX_JOURNAL_LIMIT: usize = 100_000;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JournalEntry {
    pub seq: u64,
    pub time: i64,
    pub method: String,
    pub path: String,
    /// Query parameters in arrival order, secrets redacted (an object in JSON).
    #[serde(with = "pairs_as_object")]
    pub query: Vec<(String, String)>,
    /// Request headers worth keeping, secrets redacted, lowercase names (an object in JSON).
    #[serde(with = "pairs_as_object")]
    pub headers: Vec<(String, String)>,
    /// The request body: JSON as sent, form fields as an object, or null.
    pub body: Value,
    pub status: u16,
    /// The answer's JSON as it went out (shown as JSON, kept as text).
    pub response: RecordedAnswer,
}

/// A journaled call's answer, kept as encoded text. The call records its
/// entry under the sandbox lock but encodes the answer after releasing it
/// (a large answer holds nobody up), then writes it here: the entry and the
/// call share the cell. Until then the answer is *pending*: the journal's
/// list and stream show entries only up to the first pending one, and a
/// snapshot taken meanwhile shows it as `null`.
#[derive(Debug, Clone)]
pub struct RecordedAnswer(Arc<OnceLock<EncodedJson>>);

impl RecordedAnswer {
    /// An answer the call will write once it has encoded it.
    pub fn pending() -> Self {
        Self(Arc::new(OnceLock::new()))
    }

    /// An answer known at once.
    pub fn written(answer: EncodedJson) -> Self {
        Self(Arc::new(OnceLock::from(answer)))
    }

    /// Write the encoded answer (the first write counts).
    pub fn write(&self, encoded: &[u8]) {
        self.0.get_or_init(|| EncodedJson::from_encoded(encoded));
    }

    pub fn is_written(&self) -> bool {
        self.0.get().is_some()
    }

    /// The encoded answer's length in bytes (0 while pending).
    pub fn encoded_len(&self) -> usize {
        self.0.get().map_or(0, EncodedJson::encoded_len)
    }
}

impl PartialEq for RecordedAnswer {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl Serialize for RecordedAnswer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.get().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RecordedAnswer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        EncodedJson::deserialize(deserializer).map(Self::written)
    }
}

/// Name/value pairs kept as a plain list (cheap to record) and shown as a JSON
/// object; a name given twice shows its last value, as the Graph API reads it.
mod pairs_as_object {
    use serde::Deserialize;
    use serde::de::Deserializer;
    use serde::ser::{SerializeMap, Serializer};
    use serde_json::{Map, Value};

    pub fn serialize<S: Serializer>(
        pairs: &[(String, String)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let last =
            |index: usize, name: &str| !pairs[index + 1..].iter().any(|(later, _)| later == name);
        let count = pairs
            .iter()
            .enumerate()
            .filter(|(i, (name, _))| last(*i, name))
            .count();
        let mut map = serializer.serialize_map(Some(count))?;
        for (index, (name, value)) in pairs.iter().enumerate() {
            if last(index, name) {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(String, String)>, D::Error> {
        let map = Map::<String, Value>::deserialize(deserializer)?;
        Ok(map
            .into_iter()
            .map(|(name, value)| {
                let text = match value {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                (name, text)
            })
            .collect())
    }
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
}

impl Journal {
    pub fn new(limit: usize) -> Self {
        Self {
            limit: limit.max(1),
            next_seq: 1,
            entries: VecDeque::new(),
        }
    }

    /// Refuse a journal (from a snapshot) whose numbers are out of range or
    /// whose entries are not in order below its next sequence number.
    pub fn check(&self) -> Result<(), Invalid> {
        in_range("journal.limit", self.limit, 1, MAX_JOURNAL_LIMIT)?;
        in_range("journal.next_seq", self.next_seq, 1, MAX_COUNTER)?;
        in_range("journal.entries (count)", self.entries.len(), 0, self.limit)?;
        let seqs = self.entries.iter().map(|entry| entry.seq);
        ascending("journal.entries", seqs, self.last_seq())
    }

    /// Append an entry; returns its sequence number.
    pub fn record(&mut self, mut entry: JournalEntry) -> u64 {
        entry.seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        if self.entries.len() == self.limit {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
        self.next_seq - 1
    }

    /// Change the recorded answer of an entry (when a call's outcome is only
    /// known after it was journaled, e.g. a webhook verification handshake).
    pub fn amend(&mut self, seq: u64, status: u16, response: &Value) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.seq == seq) {
            entry.status = status;
            entry.response = RecordedAnswer::written(EncodedJson::from_value(response));
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The seq of the newest entry ever recorded (0 before the first).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// The entries kept after `seq`, oldest first (seqs only grow, so this
    /// is a binary search, not a scan).
    pub fn after(&self, seq: u64) -> impl Iterator<Item = &JournalEntry> {
        let start = self.entries.partition_point(|e| e.seq <= seq);
        self.entries.range(start..)
    }

    /// The entries after `seq` whose answers are written, oldest first: what
    /// a live view may show now (it stops at a call still encoding its answer
    /// and sees it, and what followed, once the call has finished).
    pub fn written_after(&self, seq: u64) -> impl Iterator<Item = &JournalEntry> {
        self.after(seq)
            .take_while(|entry| entry.response.is_written())
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries that match, oldest first, up to the first call still
    /// encoding its answer: a reader sees each entry with its answer, and
    /// never one that came after an entry it cannot see yet.
    pub fn select(&self, filter: &JournalFilter<'_>) -> Vec<&JournalEntry> {
        self.entries
            .iter()
            .take_while(|entry| entry.response.is_written())
            .filter(|e| {
                filter
                    .method
                    .is_none_or(|m| e.method.eq_ignore_ascii_case(m))
            })
            .filter(|e| filter.path_prefix.is_none_or(|p| e.path.starts_with(p)))
            .collect()
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
            query: vec![],
            headers: vec![],
            body: Value::Null,
            status: 200,
            response: RecordedAnswer::written(EncodedJson::from_value(&Value::Null)),
        }
    }

    #[test]
    fn pairs_show_as_an_object_with_the_last_value() {
        let mut e = entry("GET", "/x");
        e.query = vec![
            ("a".into(), "1".into()),
            ("b".into(), "2".into()),
            ("a".into(), "3".into()),
        ];
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["query"], serde_json::json!({"b": "2", "a": "3"}));
        let back: JournalEntry = serde_json::from_value(json).unwrap();
        assert_eq!(
            back.query,
            vec![
                ("b".to_owned(), "2".to_owned()),
                ("a".to_owned(), "3".to_owned())
            ]
        );
    }

    #[test]
    fn responses_read_and_write_as_json() {
        let mut e = entry("GET", "/x");
        let answer = serde_json::json!({"id": "1", "name": "Ol\u{e1} / x", "n": [1.5, -2]});
        e.response = RecordedAnswer::written(EncodedJson::from_value(&answer));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["response"], answer);
        let text = serde_json::to_string(&e).unwrap();
        let back: JournalEntry = serde_json::from_str(&text).unwrap();
        assert_eq!(back, e);
        assert_eq!(serde_json::to_string(&back).unwrap(), text);
    }

    #[test]
    fn a_pending_answer_holds_back_itself_and_what_followed() {
        let mut journal = Journal::new(10);
        journal.record(entry("GET", "/a"));
        let mut slow = entry("GET", "/b");
        let answer = RecordedAnswer::pending();
        slow.response = answer.clone();
        journal.record(slow);
        journal.record(entry("GET", "/c"));
        let seqs = |journal: &Journal| {
            let all = journal.select(&JournalFilter::default());
            all.iter().map(|e| e.seq).collect::<Vec<_>>()
        };
        assert_eq!(seqs(&journal), [1]);
        answer.write(b"{}");
        assert_eq!(seqs(&journal), [1, 2, 3]);
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
        assert_eq!(journal.last_seq(), 5);
        let after: Vec<u64> = journal.after(3).map(|e| e.seq).collect();
        assert_eq!(after, [4, 5]);
        assert_eq!(
            journal.after(0).count(),
            3,
            "entries that fell off are gone"
        );
        assert_eq!(journal.after(5).count(), 0);
        let prefixed = journal.select(&JournalFilter {
            path_prefix: Some("/v23.0/c"),
            ..Default::default()
        });
        assert_eq!(prefixed.len(), 1);
    }
}
