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
