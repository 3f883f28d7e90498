//! Injected failures: rules that make matching Graph requests fail with a
//! chosen Meta error, or answer late, for a number of times or until a moment
//! on the sandbox's virtual clock. One rule may span several products, which
//! is how a correlated outage is described.

use serde::{Deserialize, Serialize};

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

impl Faults {
    pub fn add(&mut self, spec: FaultSpec) -> Result<&FaultRule, InvalidFault> {
        if spec.error.is_none() && spec.latency_ms.is_none() {
            return Err(InvalidFault(
                "a fault needs an \"error\", a \"latency_ms\" or both".into(),
            ));
        }
        if let Some(glob) = &spec.matcher.path {
            glob::Pattern::new(glob)
                .map_err(|e| InvalidFault(format!("match.path is not a valid glob: {e}")))?;
        }
        if let Some(error) = &spec.error
            && !(400..=599).contains(&error.http_status)
        {
            return Err(InvalidFault(
                "error.http_status must be between 400 and 599".into(),
            ));
        }
        self.next_id += 1;
        self.rules.push(FaultRule {
            id: self.next_id.to_string(),
            spec,
            hits: 0,
        });
        Ok(self.rules.last().expect("just pushed"))
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
        rule.hits += 1;
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
}
