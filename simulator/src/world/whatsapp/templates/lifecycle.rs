//! Managing message templates: create (into review), edit (back into review),
//! delete by name or id, and the review itself — automatic after a virtual
//! delay by default, or decided through the control plane. Every decision is a
//! `message_template_status_update` event.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::call_permission::{CALL_PERMISSION_REQUEST, check_call_permission_request};
use super::details::{TemplateDetails, status_info};
use super::{Template, placeholders};
use crate::world::bounds::duration;
use crate::world::events::EventPayload;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// How templates get reviewed in a sandbox.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TemplateReview {
    /// `true`: a pending template is approved `delay_seconds` after it was
    /// submitted. `false`: it stays pending until the control plane decides.
    #[serde(default = "yes")]
    pub auto_approve: bool,
    #[serde(default = "default_delay")]
    pub delay_seconds: i64,
}

fn yes() -> bool {
    true
}

fn default_delay() -> i64 {
    60
}

impl TemplateReview {
    /// Refuse a delay out of range (0 to ten years).
    pub fn check(&self) -> Result<(), Invalid> {
        duration("template_review.delay_seconds", self.delay_seconds).map(drop)
    }
}

impl Default for TemplateReview {
    fn default() -> Self {
        Self {
            auto_approve: true,
            delay_seconds: default_delay(),
        }
    }
}

/// How long a paused template waits before it may be unpaused (Meta: 5 minutes).
pub const UNPAUSE_WAIT: i64 = 5 * 60;

/// Most templates a WABA may hold (Meta: 250 for an unverified business).
pub const TEMPLATES_PER_WABA: usize = 250;
/// Most templates a WABA may create per hour (Meta: 100).
pub const CREATIONS_PER_HOUR: usize = 100;

/// What a create call asks for, after the API layer read it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTemplate {
    pub name: String,
    pub language: String,
    pub category: String,
    pub components: Value,
    /// Time-to-live, link tracking and creative optimisations, if given.
    pub details: TemplateDetails,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    Invalid(String),
    /// Same name and language exist already.
    Duplicate {
        name: String,
        language: String,
    },
    TooMany,
    /// Over the creations-per-hour limit.
    CreationRate,
    /// A media header's `example.header_handle` is no complete upload of
    /// the right type (the component's index).
    InvalidHandle(usize),
    NotFound,
}

/// `NAMED` when any placeholder is a name rather than a number.
pub fn parameter_format(components: &Value) -> String {
    let named = components
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("text").and_then(Value::as_str))
        .flat_map(placeholders)
        .any(|p| !p.bytes().all(|b| b.is_ascii_digit()));
    if named { "NAMED" } else { "POSITIONAL" }.to_owned()
}

fn check_components(components: &Value) -> Result<(), TemplateError> {
    let list = components
        .as_array()
        .filter(|l| !l.is_empty())
        .ok_or_else(|| TemplateError::Invalid("components must be a non-empty array".into()))?;
    let mut has_body = false;
    for (i, component) in list.iter().enumerate() {
        let kind = component
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_uppercase();
        let text_len = component
            .get("text")
            .and_then(Value::as_str)
            .map_or(0, |t| t.chars().count());
        let limit = match kind.as_str() {
            "BODY" => {
                has_body = true;
                1024
            }
            "HEADER" | "FOOTER" => 60,
            "BUTTONS" => usize::MAX,
            // No text of its own: the BODY gives the context (call_permission.rs).
            CALL_PERMISSION_REQUEST => 0,
            other => {
                return Err(TemplateError::Invalid(format!(
                    "components[{i}].type must be one of HEADER, BODY, FOOTER, BUTTONS, CALL_PERMISSION_REQUEST - got {other:?}"
                )));
            }
        };
        if text_len > limit {
            return Err(TemplateError::Invalid(format!(
                "components[{i}] ({kind}) text is longer than {limit} characters"
            )));
        }
    }
    if has_body {
        Ok(())
    } else {
        Err(TemplateError::Invalid(
            "a template needs a BODY component".into(),
        ))
    }
}

/// The upload types a media header's sample may have.
fn header_types(format: &str) -> Option<&'static [&'static str]> {
    match format {
        "IMAGE" => Some(&["image/jpeg", "image/jpg", "image/png"]),
        "VIDEO" => Some(&["video/mp4"]),
        "DOCUMENT" => Some(&["application/pdf"]),
        _ => None,
    }
}

impl Sandbox {
    /// A media header needs `example.header_handle` naming a complete upload
    /// (Resumable Upload API) of a type its format takes.
    fn check_header_handles(&self, components: &Value) -> Result<(), TemplateError> {
        for (i, component) in components.as_array().into_iter().flatten().enumerate() {
            let is_header = component
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("HEADER"));
            let format = component
                .get("format")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_uppercase();
            let Some(types) = header_types(&format).filter(|_| is_header) else {
                continue;
            };
            let handle = component
                .pointer("/example/header_handle/0")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let uploaded = self.uploaded_type(handle);
            if !uploaded.is_some_and(|t| types.contains(&t)) {
                return Err(TemplateError::InvalidHandle(i));
            }
        }
        Ok(())
    }

    fn review_due(&self) -> Option<i64> {
        let review = self.options.template_review;
        review
            .auto_approve
            .then(|| self.clock.now().saturating_add(review.delay_seconds.max(0)))
    }

    /// `POST /{waba-id}/message_templates`: a new template, pending review.
    pub fn create_template(
        &mut self,
        waba_id: &str,
        new: NewTemplate,
    ) -> Result<Template, TemplateError> {
        let name_ok = !new.name.is_empty()
            && new.name.len() <= 512
            && new
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !name_ok {
            return Err(TemplateError::Invalid(
                "name may contain only lowercase letters, digits and underscores (at most 512)"
                    .into(),
            ));
        }
        let category = new.category.to_ascii_uppercase();
        if !matches!(
            category.as_str(),
            "MARKETING" | "UTILITY" | "AUTHENTICATION"
        ) {
            return Err(TemplateError::Invalid(format!(
                "category must be one of MARKETING, UTILITY, AUTHENTICATION - got {:?}",
                new.category
            )));
        }
        check_components(&new.components)?;
        check_call_permission_request(&new.components, &category)?;
        self.check_header_handles(&new.components)?;
        new.details
            .check(&category)
            .map_err(|invalid| TemplateError::Invalid(invalid.message))?;
        if self
            .find_template(waba_id, &new.name, &new.language)
            .is_some()
        {
            return Err(TemplateError::Duplicate {
                name: new.name,
                language: new.language,
            });
        }
        if self
            .whatsapp
            .templates
            .values()
            .filter(|t| t.waba_id == waba_id)
            .count()
            >= TEMPLATES_PER_WABA
        {
            return Err(TemplateError::TooMany);
        }
        let now = self.clock.now();
        let recent = self
            .whatsapp
            .templates
            .values()
            .filter(|t| {
                t.waba_id == waba_id && t.created_at > 0 && now.saturating_sub(t.created_at) < 3600
            })
            .count();
        if recent >= CREATIONS_PER_HOUR {
            return Err(TemplateError::CreationRate);
        }
        let id = self.allocate_node(NodeKind::MessageTemplate);
        let template = Template {
            id: id.clone(),
            waba_id: waba_id.to_owned(),
            name: new.name,
            language: new.language,
            category,
            status: "PENDING".to_owned(),
            parameter_format: parameter_format(&new.components),
            components: new.components,
            rejected_reason: None,
            review_due: self.review_due(),
            created_seq: self
                .whatsapp
                .templates
                .values()
                .map(|t| t.created_seq)
                .max()
                .unwrap_or(0)
                .saturating_add(1),
            created_at: now,
            details: new.details,
        };
        self.whatsapp
            .templates
            .insert(id, Box::new(template.clone()));
        Ok(template)
    }

    /// `POST /{template-id}`: new components and/or category; back into review.
    pub fn edit_template(
        &mut self,
        id: &str,
        components: Option<Value>,
        category: Option<String>,
    ) -> Result<(), TemplateError> {
        if let Some(components) = &components {
            check_components(components)?;
            self.check_header_handles(components)?;
        }
        let category = match category.map(|c| c.to_ascii_uppercase()) {
            Some(c) if !matches!(c.as_str(), "MARKETING" | "UTILITY" | "AUTHENTICATION") => {
                return Err(TemplateError::Invalid(format!(
                    "category must be one of MARKETING, UTILITY, AUTHENTICATION - got {c:?}"
                )));
            }
            other => other,
        };
        let due = self.review_due();
        let template = self
            .whatsapp
            .templates
            .get_mut(id)
            .ok_or(TemplateError::NotFound)?;
        check_call_permission_request(
            components.as_ref().unwrap_or(&template.components),
            category.as_deref().unwrap_or(&template.category),
        )?;
        if let Some(components) = components {
            template.parameter_format = parameter_format(&components);
            template.components = components;
        }
        if let Some(category) = category
            && category != template.category
        {
            let previous = std::mem::replace(&mut template.category, category);
            template.details.previous_category = Some(previous);
        }
        template.status = "PENDING".to_owned();
        template.rejected_reason = None;
        template.review_due = due;
        Ok(())
    }

    /// `DELETE /{waba-id}/message_templates?name=…[&hsm_id=…]`: every language of
    /// the name, or just the one id, in creation order. Returns how many were deleted.
    pub fn delete_templates(
        &mut self,
        waba_id: &str,
        name: &str,
        id: Option<&str>,
    ) -> Result<usize, TemplateError> {
        let mut doomed: Vec<Template> = self
            .whatsapp
            .templates
            .values()
            .filter(|t| t.waba_id == waba_id && t.name == name && id.is_none_or(|id| t.id == id))
            .map(|t| (**t).clone())
            .collect();
        doomed.sort_by_key(|t| t.created_seq);
        if doomed.is_empty() {
            return Err(TemplateError::NotFound);
        }
        for template in &doomed {
            self.whatsapp.templates.remove(&template.id);
            self.registry.remove(&template.id);
            self.leave_template_groups(&template.id);
            self.emit_template_status(template, "DELETED", None, self.clock.now());
        }
        Ok(doomed.len())
    }

    /// Decide a template's review (control plane): APPROVED, REJECTED, PAUSED or DISABLED.
    pub fn review_template(
        &mut self,
        id: &str,
        status: &str,
        reason: Option<String>,
    ) -> Result<Template, TemplateError> {
        if !matches!(status, "APPROVED" | "REJECTED" | "PAUSED" | "DISABLED") {
            return Err(TemplateError::Invalid(format!(
                "status must be one of APPROVED, REJECTED, PAUSED, DISABLED - got {status:?}"
            )));
        }
        let now = self.clock.now();
        let template = self
            .whatsapp
            .templates
            .get_mut(id)
            .ok_or(TemplateError::NotFound)?;
        template.status = status.to_owned();
        template.review_due = None;
        if status == "PAUSED" {
            template.details.pauses += 1;
            template.details.paused_at = Some(now);
        }
        template.rejected_reason = (status == "REJECTED").then(|| {
            reason
                .clone()
                .unwrap_or_else(|| "INVALID_FORMAT".to_owned())
        });
        let template = Template::clone(template);
        let reason = if status == "REJECTED" {
            template.rejected_reason.clone()
        } else {
            reason.or(Some("NONE".to_owned()))
        };
        self.emit_template_status(&template, status, reason, now);
        Ok(template)
    }

    /// `POST /{template-id}/unpause`: a template paused at least 5 virtual
    /// minutes ago is approved again (an `APPROVED` update with `other_info`
    /// `UNPAUSE`); otherwise the reason it is not.
    pub fn unpause_template(&mut self, id: &str) -> Result<(), &'static str> {
        let now = self.clock.now();
        let template = self
            .whatsapp
            .templates
            .get_mut(id)
            .ok_or("The template does not exist.")?;
        if template.status != "PAUSED" {
            return Err("The template is not paused.");
        }
        if template
            .details
            .paused_at
            .is_some_and(|at| now - at < UNPAUSE_WAIT)
        {
            return Err("A paused template can be unpaused 5 minutes after it was paused.");
        }
        template.status = "APPROVED".to_owned();
        template.details.paused_at = None;
        let template = template.clone();
        let info = status_info(&template, "UNPAUSED", None, now);
        self.emit_template_event(&template, "APPROVED", Some("NONE".to_owned()), now, info);
        Ok(())
    }

    /// Approve every pending template whose automatic review is due, at the
    /// virtual time it was due.
    pub fn run_due_reviews(&mut self) {
        let now = self.clock.now();
        let mut due: Vec<(i64, u64, String)> = self
            .whatsapp
            .templates
            .values()
            .filter_map(|t| {
                t.review_due
                    .filter(|at| *at <= now)
                    .map(|at| (at, t.created_seq, t.id.clone()))
            })
            .collect();
        due.sort();
        for (at, _, id) in due {
            let Some(template) = self.whatsapp.templates.get_mut(&id) else {
                continue;
            };
            template.status = "APPROVED".to_owned();
            template.review_due = None;
            let template = template.clone();
            self.emit_template_status(&template, "APPROVED", Some("NONE".to_owned()), at);
        }
    }

    fn emit_template_status(
        &mut self,
        template: &Template,
        event: &str,
        reason: Option<String>,
        at: i64,
    ) {
        let info = status_info(template, event, reason.as_deref(), at);
        self.emit_template_event(template, event, reason, at, info);
    }

    fn emit_template_event(
        &mut self,
        template: &Template,
        event: &str,
        reason: Option<String>,
        at: i64,
        info: Option<Value>,
    ) {
        self.events.emit(
            at,
            EventPayload::WhatsappTemplateStatus {
                waba_id: template.waba_id.clone(),
                template_id: template.id.clone(),
                name: template.name.clone(),
                language: template.language.clone(),
                category: template.category.clone(),
                event: event.to_owned(),
                info,
                reason,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use serde_json::json;

    fn setup() -> (Sandbox, String) {
        let sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let waba = sandbox.handles["waba"].clone();
        (sandbox, waba)
    }

    fn new(name: &str) -> NewTemplate {
        NewTemplate {
            name: name.into(),
            language: "en_US".into(),
            category: "marketing".into(),
            components: json!([{"type": "BODY", "text": "Hi {{first_name}}"}]),
            details: TemplateDetails::default(),
        }
    }

    #[test]
    fn created_templates_are_approved_after_the_delay() {
        let (mut sandbox, waba) = setup();
        let template = sandbox.create_template(&waba, new("welcome")).unwrap();
        assert_eq!(
            (template.status.as_str(), template.category.as_str()),
            ("PENDING", "MARKETING")
        );
        assert_eq!(template.parameter_format, "NAMED");
        sandbox.clock.advance(59);
        sandbox.run_due_reviews();
        assert_eq!(sandbox.whatsapp.templates[&template.id].status, "PENDING");
        sandbox.clock.advance(1);
        sandbox.run_due_reviews();
        assert_eq!(sandbox.whatsapp.templates[&template.id].status, "APPROVED");
        assert_eq!(sandbox.events.all().len(), 1);
    }

    #[test]
    fn manual_review_and_edits() {
        let (mut sandbox, waba) = setup();
        sandbox.options.template_review.auto_approve = false;
        let template = sandbox.create_template(&waba, new("welcome")).unwrap();
        sandbox.clock.advance(3600);
        sandbox.run_due_reviews();
        assert_eq!(sandbox.whatsapp.templates[&template.id].status, "PENDING");
        let rejected = sandbox
            .review_template(&template.id, "REJECTED", None)
            .unwrap();
        assert_eq!(rejected.rejected_reason.as_deref(), Some("INVALID_FORMAT"));
        sandbox
            .edit_template(&template.id, None, Some("utility".into()))
            .unwrap();
        assert_eq!(sandbox.whatsapp.templates[&template.id].status, "PENDING");
        assert_eq!(sandbox.whatsapp.templates[&template.id].category, "UTILITY");
        assert_eq!(
            sandbox.review_template(&template.id, "MAYBE", None),
            Err(TemplateError::Invalid(
                "status must be one of APPROVED, REJECTED, PAUSED, DISABLED - got \"MAYBE\"".into()
            ))
        );
    }

    #[test]
    fn at_most_100_creations_an_hour() {
        let (mut sandbox, waba) = setup();
        for n in 0..CREATIONS_PER_HOUR {
            sandbox
                .create_template(&waba, new(&format!("t{n}")))
                .unwrap();
        }
        assert_eq!(
            sandbox.create_template(&waba, new("one_more")),
            Err(TemplateError::CreationRate)
        );
        sandbox.clock.advance(3600);
        sandbox.create_template(&waba, new("one_more")).unwrap();
    }

    #[test]
    fn validation_duplicates_and_deletion() {
        let (mut sandbox, waba) = setup();
        assert!(matches!(
            sandbox.create_template(&waba, new("Bad Name")),
            Err(TemplateError::Invalid(_))
        ));
        let mut no_body = new("x");
        no_body.components = json!([{"type": "FOOTER", "text": "f"}]);
        assert!(matches!(
            sandbox.create_template(&waba, no_body),
            Err(TemplateError::Invalid(_))
        ));
        assert!(matches!(
            sandbox.create_template(&waba, new("hello_world")),
            Err(TemplateError::Duplicate { .. })
        ));
        let mut spanish = new("hello_world");
        spanish.language = "es".into();
        sandbox.create_template(&waba, spanish).unwrap();
        assert_eq!(sandbox.delete_templates(&waba, "hello_world", None), Ok(2));
        assert_eq!(
            sandbox.delete_templates(&waba, "hello_world", None),
            Err(TemplateError::NotFound)
        );
    }
}
