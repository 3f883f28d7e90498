//! Message templates of a WABA: their components, category and review status,
//! and what sending one needs — the template approved in that language and
//! exactly the parameters its placeholders ask for. Rendering fills the
//! placeholders, which is what the consumer's inbox shows. Creating,
//! editing, deleting and reviewing templates is `lifecycle.rs`.

pub mod call_permission;
pub mod details;
pub mod lifecycle;
pub mod previews;
pub mod summary;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use details::TemplateDetails;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Template {
    pub id: String,
    pub waba_id: String,
    pub name: String,
    pub language: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED` or `DISABLED`.
    pub status: String,
    /// Components as Meta's create call takes them (`[{"type": "BODY", "text": …}]`).
    pub components: Value,
    /// `POSITIONAL` (`{{1}}`) or `NAMED` (`{{first_name}}`).
    #[serde(default = "positional")]
    pub parameter_format: String,
    /// Why review rejected it (`INVALID_FORMAT`, …), when rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_reason: Option<String>,
    /// When the automatic review decides a pending template (virtual clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_due: Option<i64>,
    /// Creation order within the sandbox (lists are in this order).
    #[serde(default)]
    pub created_seq: u64,
    /// When it was created through the API (fixture templates: 0).
    #[serde(default)]
    pub created_at: i64,
    /// Time-to-live, link tracking, creative optimisations, earlier category.
    #[serde(default, skip_serializing_if = "TemplateDetails::is_empty")]
    pub details: TemplateDetails,
}

fn positional() -> String {
    "POSITIONAL".to_owned()
}

/// Why a template send is refused (Meta's 132xxx codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateRefusal {
    /// 132001: no approved template with that name in that language.
    DoesNotExist { name: String, language: String },
    /// 132000: a component got the wrong number of parameters.
    ParameterCount {
        component: String,
        given: usize,
        expected: usize,
    },
    /// 100: a named template's parameter without `parameter_name`.
    ParameterNameMissing,
    /// 132015.
    Paused,
    /// 132016.
    Disabled,
}

/// The placeholders (`{{1}}`, `{{first_name}}`) in a text, in order.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        found.push(after[..end].trim().to_owned());
        rest = &after[end + 2..];
    }
    found
}

fn component_text<'a>(components: &'a Value, kind: &str) -> Option<&'a str> {
    components.as_array()?.iter().find_map(|c| {
        let matches = c
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case(kind));
        if matches {
            c.get("text").and_then(Value::as_str)
        } else {
            None
        }
    })
}

/// Text parameters a send gives for one component (`body`, `header`).
fn given_parameters(send_components: &Value, kind: &str) -> Vec<Value> {
    send_components
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            c.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case(kind))
        })
        .flat_map(|c| {
            c.get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

fn parameter_text(parameter: &Value) -> String {
    match parameter.get("type").and_then(Value::as_str) {
        Some("currency") => parameter
            .pointer("/currency/fallback_value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        Some("date_time") => parameter
            .pointer("/date_time/fallback_value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => parameter
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    }
}

/// Fill the placeholders of `text` with the parameters (positional, or by
/// `parameter_name` for named templates).
fn fill(text: &str, parameters: &[Value]) -> String {
    let mut out = text.to_owned();
    for (index, name) in placeholders(text).iter().enumerate() {
        let by_name = parameters
            .iter()
            .find(|p| p.get("parameter_name").and_then(Value::as_str) == Some(name.as_str()));
        if let Some(parameter) = by_name.or_else(|| parameters.get(index)) {
            out = out.replacen(
                &format!("{{{{{name}}}}}", name = name),
                &parameter_text(parameter),
                1,
            );
        }
    }
    out
}

/// Whether `button` is of `kind` (`URL`, `QUICK_REPLY`, …, in any case).
pub fn is_button_kind(button: &Value, kind: &str) -> bool {
    button["type"]
        .as_str()
        .is_some_and(|t| t.eq_ignore_ascii_case(kind))
}

impl Template {
    /// The buttons of its BUTTONS components, in order.
    pub fn buttons(&self) -> Vec<&Value> {
        self.components
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| {
                c["type"]
                    .as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case("BUTTONS"))
            })
            .filter_map(|c| c["buttons"].as_array())
            .flatten()
            .collect()
    }

    /// Its first button of `kind` (`URL`, `FLOW`, …, in any case).
    pub fn button_of_kind(&self, kind: &str) -> Option<&Value> {
        self.buttons().into_iter().find(|b| is_button_kind(b, kind))
    }

    /// The text of the BODY component.
    pub fn body_text(&self) -> Option<&str> {
        component_text(&self.components, "body")
    }

    /// Check a send's components against this template and render what the
    /// consumer reads.
    pub fn render(&self, send_components: &Value) -> Result<String, TemplateRefusal> {
        match self.status.as_str() {
            "APPROVED" => {}
            "PAUSED" => return Err(TemplateRefusal::Paused),
            "DISABLED" => return Err(TemplateRefusal::Disabled),
            _ => {
                return Err(TemplateRefusal::DoesNotExist {
                    name: self.name.clone(),
                    language: self.language.clone(),
                });
            }
        }
        let mut parts = Vec::new();
        for kind in ["header", "body", "footer"] {
            let Some(text) = component_text(&self.components, kind) else {
                continue;
            };
            let expected = placeholders(text).len();
            let given = given_parameters(send_components, kind);
            let unnamed = |p: &Value| {
                p.get("parameter_name")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
            };
            if self.parameter_format == "NAMED" && given.iter().any(unnamed) {
                return Err(TemplateRefusal::ParameterNameMissing);
            }
            if given.len() != expected {
                return Err(TemplateRefusal::ParameterCount {
                    component: kind.to_owned(),
                    given: given.len(),
                    expected,
                });
            }
            parts.push(fill(text, &given));
        }
        Ok(parts.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template(status: &str) -> Template {
        Template {
            id: "1".into(),
            waba_id: "31".into(),
            name: "order_update".into(),
            language: "en_US".into(),
            category: "UTILITY".into(),
            status: status.into(),
            parameter_format: positional(),
            rejected_reason: None,
            review_due: None,
            created_seq: 1,
            created_at: 0,
            details: TemplateDetails::default(),
            components: json!([
                {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
                {"type": "BODY", "text": "Hi {{1}}, order {{2}} has shipped."},
                {"type": "FOOTER", "text": "Lucky Shrub"}
            ]),
        }
    }

    #[test]
    fn renders_parameters_in_order() {
        let send = json!([
            {"type": "header", "parameters": [{"type": "text", "text": "A-1"}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "A-1"}]}
        ]);
        assert_eq!(
            template("APPROVED").render(&send).unwrap(),
            "Order A-1\nHi Ana, order A-1 has shipped.\nLucky Shrub"
        );
    }

    #[test]
    fn refusals() {
        let body_only = json!([{"type": "header", "parameters": [{"type": "text", "text": "x"}]},
                               {"type": "body", "parameters": [{"type": "text", "text": "Ana"}]}]);
        assert_eq!(
            template("APPROVED").render(&body_only),
            Err(TemplateRefusal::ParameterCount {
                component: "body".into(),
                given: 1,
                expected: 2
            })
        );
        assert_eq!(
            template("PAUSED").render(&json!([])),
            Err(TemplateRefusal::Paused)
        );
        assert_eq!(
            template("DISABLED").render(&json!([])),
            Err(TemplateRefusal::Disabled)
        );
        assert!(matches!(
            template("PENDING").render(&json!([])),
            Err(TemplateRefusal::DoesNotExist { .. })
        ));
    }

    #[test]
    fn named_parameters() {
        let mut t = template("APPROVED");
        t.components = json!([{"type": "BODY", "text": "Hi {{first_name}}"}]);
        let send = json!([{"type": "body", "parameters": [{"type": "text", "parameter_name": "first_name", "text": "Ana"}]}]);
        assert_eq!(t.render(&send).unwrap(), "Hi Ana");
        assert_eq!(placeholders("{{1}} and {{ 2 }}"), ["1", "2"]);
    }
}
