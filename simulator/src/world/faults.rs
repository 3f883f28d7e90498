//! Injected failures: rules that make matching Graph requests fail with a
//! chosen Meta error, or answer late, for a number of times or until a moment
//! on the sandbox's virtual clock. One rule may span several products, which
//! is how a correlated outage is described.

use serde::{Deserialize, Serialize};

use super::bounds::{MAX_COUNTER, in_range};
use super::clock::LATEST;
use super::nodes::Product;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum ProductSet {
    One(Product),
    Many(Vec<Product>),
}

impl ProductSet {
    fn contains(&self, product: Product) -> bool {
        match self {
            ProductSet::One(p) => *p == product,
            ProductSet::Many(ps) => ps.contains(&product),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FaultMatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Glob over the path without its version, e.g. `/*/messages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<ProductSet>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FaultError {
    pub code: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_subcode: Option<i64>,
    pub http_status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "type")]
    pub error_type: Option<String>,
}

/// A fault rule as the control plane receives it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    #[serde(default, rename = "match")]
    pub matcher: FaultMatch,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<FaultError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// How many matching requests the rule affects; unlimited when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    /// Unix seconds on the virtual clock after which the rule stops applying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FaultRule {
    pub id: String,
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// How many requests this rule has affected so far.
    pub hits: u64,
}

impl FaultRule {
    fn active(&self, now: i64) -> bool {
        self.spec.times.is_none_or(|times| self.hits < times)
            && self.spec.until.is_none_or(|until| now < until)
    }

    fn matches(&self, method: &str, path: &str, product: Product) -> bool {
        let m = &self.spec.matcher;
        m.method
            .as_deref()
            .is_none_or(|want| want.eq_ignore_ascii_case(method))
            && m.product.as_ref().is_none_or(|set| set.contains(product))
            && m.path
                .as_deref()
                .is_none_or(|glob| path_matches(glob, path))
    }
}

fn path_matches(glob: &str, path: &str) -> bool {
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    glob::Pattern::new(glob).is_ok_and(|pattern| pattern.matches_with(path, options))
}

/// What a matching rule does to a request.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultHit {
    pub error: Option<FaultError>,
    pub latency_ms: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Faults {
    next_id: u64,
    rules: Vec<FaultRule>,
}

/// Why a fault spec was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidFault(pub String);

/// The longest an injected latency may hold an answer back: five minutes.
pub const MAX_LATENCY_MS: u64 = 300_000;

/// The largest error code or subcode a rule may name (Meta's are 32-bit).
const MAX_CODE: i64 = i32::MAX as i64;

impl FaultSpec {
    /// Refuse a rule that does nothing or names a value out of range.
    pub fn check(&self) -> Result<(), InvalidFault> {
        if self.error.is_none() && self.latency_ms.is_none() {
            return Err(InvalidFault(
                "a fault needs an \"error\", a \"latency_ms\" or both".into(),
            ));
        }
        if let Some(glob) = &self.matcher.path {
            glob::Pattern::new(glob)
                .map_err(|e| InvalidFault(format!("match.path is not a valid glob: {e}")))?;
            if let Some((low, high)) = reversed_range(glob) {
                return Err(InvalidFault(format!(
                    "match.path is not a valid glob: the range [{low}-{high}] is reversed (write [{high}-{low}])"
                )));
            }
        }
        let out_of_range = |refused: crate::world::shared::Invalid| InvalidFault(refused.message);
        if let Some(error) = &self.error {
            if !(400..=599).contains(&error.http_status) {
                return Err(InvalidFault(
                    "error.http_status must be between 400 and 599".into(),
                ));
            }
            in_range("error.code", error.code, 1, MAX_CODE).map_err(out_of_range)?;
            if let Some(subcode) = error.error_subcode {
                in_range("error.error_subcode", subcode, 1, MAX_CODE).map_err(out_of_range)?;
            }
        }
        if let Some(latency) = self.latency_ms {
            in_range("latency_ms", latency, 0, MAX_LATENCY_MS).map_err(out_of_range)?;
        }
        if let Some(times) = self.times {
            in_range("times", times, 1, MAX_COUNTER).map_err(out_of_range)?;
        }
        if let Some(until) = self.until {
            in_range("until", until, 0, LATEST).map_err(out_of_range)?;
        }
        Ok(())
    }
}

/// The first character range of a glob's `[…]` classes whose ends are
/// reversed (`[z-a]` matches nothing: a mistake, not a rule).
fn reversed_range(glob: &str) -> Option<(char, char)> {
    let chars: Vec<char> = glob.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '[' {
            i += 1;
            continue;
        }
        // A class: `[`, an optional `!`, a first member that may be `]`, up to `]`.
        let mut j = i + 1;
        if chars.get(j) == Some(&'!') {
            j += 1;
        }
        let start = j;
        while j < chars.len() && (chars[j] != ']' || j == start) {
            if j + 2 < chars.len()
                && chars[j + 1] == '-'
                && chars[j + 2] != ']'
                && chars[j] > chars[j + 2]
            {
                return Some((chars[j], chars[j + 2]));
            }
            j += 1;
        }
        i = j + 1;
    }
    None
}

impl Faults {
    pub fn add(&mut self, spec: FaultSpec) -> Result<&FaultRule, InvalidFault> {
        spec.check()?;
        self.next_id = self.next_id.saturating_add(1);
        self.rules.push(FaultRule {
            id: self.next_id.to_string(),
            spec,
            hits: 0,
        });
        Ok(self.rules.last().expect("just pushed"))
    }

    /// Refuse rules (from a snapshot) that `add` would refuse, or a counter
    /// out of range.
    pub fn check_all(&self) -> Result<(), InvalidFault> {
        in_range("faults.next_id", self.next_id, 0, MAX_COUNTER)
            .map_err(|refused| InvalidFault(refused.message))?;
        for rule in &self.rules {
            rule.spec.check().map_err(|refused| {
                InvalidFault(format!("faults rule {}: {}", rule.id, refused.0))
            })?;
        }
        Ok(())
    }

    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.rules.len();
        self.rules.retain(|rule| rule.id != id);
        self.rules.len() != before
    }

    pub fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    /// The first active rule matching the request, counted as a hit.
    pub fn check(
        &mut self,
        method: &str,
        path: &str,
        product: Product,
        now: i64,
    ) -> Option<FaultHit> {
        let rule = self
            .rules
            .iter_mut()
            .find(|rule| rule.active(now) && rule.matches(method, path, product))?;
        rule.hits = rule.hits.saturating_add(1);
        Some(FaultHit {
            error: rule.spec.error.clone(),
            latency_ms: rule.spec.latency_ms.unwrap_or(0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: serde_json::Value) -> FaultSpec {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn times_and_until_bound_a_rule() {
        let mut faults = Faults::default();
        faults
            .add(spec(serde_json::json!({"match": {"path": "/*/messages"},
                "error": {"code": 131000, "http_status": 500}, "times": 2})))
            .unwrap();
        faults
            .add(spec(serde_json::json!({"latency_ms": 5, "until": 100})))
            .unwrap();
        let first = faults
            .check("POST", "/1/messages", Product::Whatsapp, 0)
            .unwrap();
        assert_eq!(first.error.unwrap().code, 131000);
        faults
            .check("POST", "/1/messages", Product::Whatsapp, 0)
            .unwrap();
        let third = faults
            .check("POST", "/1/messages", Product::Whatsapp, 0)
            .unwrap();
        assert!(third.error.is_none());
        assert_eq!(third.latency_ms, 5);
        assert_eq!(
            faults.check("POST", "/1/messages", Product::Whatsapp, 100),
            None
        );
    }

    #[test]
    fn one_rule_spans_several_products() {
        let mut faults = Faults::default();
        faults
            .add(spec(
                serde_json::json!({"match": {"product": ["whatsapp", "instagram"]},
                "error": {"code": 2, "http_status": 503}}),
            ))
            .unwrap();
        assert!(faults.check("GET", "/1", Product::Whatsapp, 0).is_some());
        assert!(faults.check("GET", "/1", Product::Instagram, 0).is_some());
        assert!(faults.check("GET", "/1", Product::Graph, 0).is_none());
    }

    #[test]
    fn path_glob_stays_within_a_segment() {
        assert!(path_matches("/*/messages", "/123/messages"));
        assert!(!path_matches("/*", "/123/messages"));
        assert!(path_matches("/**", "/123/messages"));
    }

    #[test]
    fn rejects_useless_or_bad_rules() {
        let mut faults = Faults::default();
        assert!(faults.add(spec(serde_json::json!({}))).is_err());
        assert!(
            faults
                .add(spec(
                    serde_json::json!({"match": {"path": "[" }, "latency_ms": 1})
                ))
                .is_err()
        );
        assert!(
            faults
                .add(spec(
                    serde_json::json!({"error": {"code": 1, "http_status": 200}})
                ))
                .is_err()
        );
        assert!(faults.remove("nope").eq(&false));
    }

    #[test]
    fn refuses_numbers_out_of_range_and_reversed_globs() {
        let mut faults = Faults::default();
        for (rule, message) in [
            (
                serde_json::json!({"error": {"code": -1, "http_status": 500}}),
                "error.code must be between 1 and 2147483647, got -1",
            ),
            (
                serde_json::json!({"error": {"code": 1, "error_subcode": 0, "http_status": 500}}),
                "error.error_subcode must be between 1 and 2147483647, got 0",
            ),
            (
                serde_json::json!({"latency_ms": 300_001}),
                "latency_ms must be between 0 and 300000, got 300001",
            ),
            (
                serde_json::json!({"latency_ms": 1, "times": 0}),
                "times must be between 1 and 9007199254740992, got 0",
            ),
            (
                serde_json::json!({"latency_ms": 1, "until": i64::MAX}),
                "until must be between 0 and 253402300799, got 9223372036854775807",
            ),
            (
                serde_json::json!({"match": {"path": "/[z-a]"}, "latency_ms": 1}),
                "match.path is not a valid glob: the range [z-a] is reversed (write [a-z])",
            ),
        ] {
            assert_eq!(faults.add(spec(rule)).unwrap_err().0, message);
        }
        assert!(faults.rules().is_empty());
        assert_eq!(reversed_range("/[!a-z]/[]-a]/x-a"), None);
        assert_eq!(reversed_range("/[a-c9-0]"), Some(('9', '0')));
    }
}
