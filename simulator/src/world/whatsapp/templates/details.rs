//! What a template carries beyond its content: how long a send may wait
//! for delivery (`message_send_ttl_seconds`, Meta's per-category default
//! unless the create call set one), whether link clicks are tracked, the
//! creative optimisations of a marketing template, the category it had
//! before an edit changed it, and its quality score.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Template;
use crate::world::shared::Invalid;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TemplateDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_send_ttl_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cta_url_link_tracking_opted_out: bool,
    /// `{"creative_features_spec": [...]}` (marketing templates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degrees_of_freedom_spec: Option<Value>,
    /// The category before the last change of category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_category: Option<String>,
    /// How often it was paused for low quality (the first pause lasts 3
    /// hours, the second 6).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pauses: u32,
    /// When it was last paused (unpausing waits 5 minutes from then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_at: Option<i64>,
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

impl TemplateDetails {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Check what a create call gave against the template's category.
    pub fn check(&self, category: &str) -> Result<(), Invalid> {
        if let Some(ttl) = self.message_send_ttl_seconds {
            let (min, max) = ttl_range(category);
            if !(min..=max).contains(&ttl) {
                return Err(Invalid::new(
                    "message_send_ttl_seconds",
                    format!(
                        "Param message_send_ttl_seconds must be between {min} and {max} for {category} templates"
                    ),
                ));
            }
        }
        check_degrees_of_freedom(self.degrees_of_freedom_spec.as_ref())
    }
}

/// Creative optimisations (of a template, or WABA-wide) must be
/// `{"creative_features_spec": [...]}`.
pub fn check_degrees_of_freedom(spec: Option<&Value>) -> Result<(), Invalid> {
    match spec {
        Some(spec)
            if !spec
                .get("creative_features_spec")
                .is_some_and(Value::is_array) =>
        {
            Err(Invalid::new(
                "degrees_of_freedom_spec",
                "Param degrees_of_freedom_spec must be an object with a creative_features_spec array",
            ))
        }
        _ => Ok(()),
    }
}

/// What a `message_template_status_update` adds for an event: why a
/// template was rejected for its format (`rejection_info`), which pause it
/// is (`other_info`), when it was disabled (`disable_info`).
pub fn status_info(
    template: &Template,
    event: &str,
    reason: Option<&str>,
    at: i64,
) -> Option<Value> {
    match (event, reason) {
        ("REJECTED", Some("INVALID_FORMAT")) => Some(json!({ "rejection_info": {
            "reason": "Variable parameters are missing or have mismatched curly braces, or the template starts or ends with a variable.",
            "recommendation": "Number the variables {{1}}, {{2}}… in order, give an example for each, and put text before the first and after the last.",
        }})),
        ("PAUSED", _) => {
            let (title, hours) = if template.details.pauses >= 2 {
                ("SECOND_PAUSE", 6)
            } else {
                ("FIRST_PAUSE", 3)
            };
            Some(json!({ "other_info": {
                "title": title,
                "description": format!(
                    "Your WhatsApp message template {} has been paused for {hours} hours because of low quality.",
                    template.name
                ),
            }}))
        }
        ("DISABLED", _) => Some(json!({ "disable_info": { "disable_date": at } })),
        ("UNPAUSED", _) => Some(json!({ "other_info": {
            "title": "UNPAUSE",
            "description": "Your WhatsApp message template has been unpaused.",
        }})),
        _ => None,
    }
}

/// Meta's default time-to-live of a category's sends, in seconds.
pub fn default_ttl(category: &str) -> i64 {
    match category {
        "AUTHENTICATION" => 600,
        _ => 30 * 86_400,
    }
}

/// The time-to-live a category's templates may set.
fn ttl_range(category: &str) -> (i64, i64) {
    match category {
        "AUTHENTICATION" => (30, 900),
        "UTILITY" => (30, 43_200),
        _ => (43_200, 30 * 86_400),
    }
}

impl Template {
    /// The time-to-live of this template's sends.
    pub fn message_send_ttl_seconds(&self) -> i64 {
        self.details
            .message_send_ttl_seconds
            .unwrap_or_else(|| default_ttl(&self.category))
    }

    /// `{"score", "date"}`: Meta rates a template once people react to it;
    /// metasim's consumers never block or report, so an approved template
    /// is `GREEN` and any other `UNKNOWN`, dated when it was created.
    pub fn quality_score(&self, created: i64) -> Value {
        let score = if self.status == "APPROVED" {
            "GREEN"
        } else {
            "UNKNOWN"
        };
        json!({ "score": score, "date": created })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ttl_ranges_follow_the_category() {
        let ttl = |seconds| TemplateDetails {
            message_send_ttl_seconds: Some(seconds),
            ..TemplateDetails::default()
        };
        assert!(ttl(600).check("AUTHENTICATION").is_ok());
        assert!(ttl(601).check("UTILITY").is_ok());
        assert_eq!(
            ttl(60).check("MARKETING").unwrap_err().field,
            "message_send_ttl_seconds"
        );
        assert_eq!(default_ttl("AUTHENTICATION"), 600);
        let spec = TemplateDetails {
            degrees_of_freedom_spec: Some(json!({"creative_features_spec": []})),
            ..TemplateDetails::default()
        };
        assert!(spec.check("MARKETING").is_ok());
        assert!(TemplateDetails::default().is_empty());
    }
}
