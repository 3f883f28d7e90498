//! The transcript of a scenario run: the sandbox it got, then for every step
//! the request, the response, and the webhooks that arrived meanwhile — ids,
//! times and signatures as metasim produced them. For the same seed and steps
//! it is byte-identical: the addresses of metasim, the runner's receiver and
//! the app under test are written as `{metasim}`, `{receiver}` and `{app}`,
//! and real-time measurements (`latency_ms`) are left out.

use serde_json::{Map, Value, json};

#[derive(Debug, Clone, Default)]
pub struct Transcript {
    entries: Vec<Value>,
    /// (address, placeholder) pairs replaced in every string.
    addresses: Vec<(String, &'static str)>,
}

impl Transcript {
    pub fn new(addresses: Vec<(String, &'static str)>) -> Self {
        Self {
            entries: Vec::new(),
            addresses,
        }
    }

    /// Record an entry (a JSON object), normalised.
    pub fn push(&mut self, entry: Value) {
        let entry = self.normalise(entry);
        self.entries.push(entry);
    }

    /// Add a member to the newest entry (e.g. the webhooks that arrived during it).
    pub fn annotate(&mut self, key: &str, value: Value) {
        let value = self.normalise(value);
        if let Some(Value::Object(members)) = self.entries.last_mut() {
            members.insert(key.to_owned(), value);
        }
    }

    pub fn entries(&self) -> &[Value] {
        &self.entries
    }

    /// Pretty JSON, one array of entries, with a final newline.
    pub fn render(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.entries).unwrap_or_default();
        text.push('\n');
        text
    }

    fn normalise(&self, value: Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.replace(text)),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|v| self.normalise(v)).collect())
            }
            Value::Object(members) => Value::Object(
                members
                    .into_iter()
                    .filter(|(key, _)| key != "latency_ms")
                    .map(|(key, v)| (self.replace(key), self.normalise(v)))
                    .collect::<Map<String, Value>>(),
            ),
            other => other,
        }
    }

    fn replace(&self, mut text: String) -> String {
        for (address, placeholder) in &self.addresses {
            if !address.is_empty() && text.contains(address.as_str()) {
                text = text.replace(address.as_str(), placeholder);
            }
        }
        text
    }
}

/// A request line for the transcript (members without a value are left out).
pub fn request(method: &str, path: &str, token: Option<&str>, extra: Map<String, Value>) -> Value {
    let mut request = json!({ "method": method, "path": path });
    if let Some(token) = token {
        request["token"] = json!(token);
    }
    if let Value::Object(members) = &mut request {
        members.extend(extra);
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_placeholders_and_latencies_go() {
        let mut transcript = Transcript::new(vec![
            ("http://127.0.0.1:4000".into(), "{metasim}"),
            ("http://127.0.0.1:5000".into(), "{receiver}"),
        ]);
        transcript.push(json!({"step": 1, "response": {"data": [
            {"url": "http://127.0.0.1:5000/hooks/x", "latency_ms": 3, "next": "http://127.0.0.1:4000/v23.0/1?after=a"}
        ]}}));
        transcript.annotate("webhooks", json!([{"latency_ms": 9, "ok": true}]));
        assert_eq!(
            transcript.entries(),
            [json!({"step": 1, "response": {"data": [
                {"url": "{receiver}/hooks/x", "next": "{metasim}/v23.0/1?after=a"}
            ]}, "webhooks": [{"ok": true}]})]
        );
        assert!(transcript.render().ends_with("]\n"));
    }

    #[test]
    fn requests_leave_out_what_they_do_not_have() {
        assert_eq!(
            request("GET", "/v23.0/me", None, Map::new()),
            json!({"method": "GET", "path": "/v23.0/me"})
        );
        let mut extra = Map::new();
        extra.insert("body".into(), json!({"a": 1}));
        assert_eq!(
            request("POST", "/x", Some("t"), extra),
            json!({"method": "POST", "path": "/x", "token": "t", "body": {"a": 1}})
        );
    }
}
