//! Call permission request templates: a MARKETING or UTILITY template with a
//! non-empty body and a `{"type": "call_permission_request"}` component,
//! which cannot be combined with other interactive components (buttons).
//! Sent like any template (so outside the customer service window too), it
//! asks the user for call permission as the interactive
//! `call_permission_request` message does, within the same limits
//! (`calls.rs`).

use serde_json::Value;

use super::component_text;
use super::lifecycle::TemplateError;
use crate::world::sandbox::Sandbox;

/// The component type, as Meta's create call takes it (any case).
pub const CALL_PERMISSION_REQUEST: &str = "CALL_PERMISSION_REQUEST";

fn component_types(components: &Value) -> impl Iterator<Item = String> + '_ {
    components.as_array().into_iter().flatten().map(|c| {
        c.get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_uppercase()
    })
}

/// Whether the components ask for call permission.
pub fn requests_call_permission(components: &Value) -> bool {
    component_types(components).any(|t| t == CALL_PERMISSION_REQUEST)
}

/// Meta's rules for a template with a call permission request component.
pub fn check_call_permission_request(
    components: &Value,
    category: &str,
) -> Result<(), TemplateError> {
    let requests = component_types(components)
        .filter(|t| t == CALL_PERMISSION_REQUEST)
        .count();
    if requests == 0 {
        return Ok(());
    }
    let invalid = |why: &str| Err(TemplateError::Invalid(why.to_owned()));
    if requests > 1 {
        return invalid("a template may have one call_permission_request component");
    }
    if !matches!(category, "MARKETING" | "UTILITY") {
        return invalid(
            "only MARKETING or UTILITY templates may include a call_permission_request component",
        );
    }
    if component_types(components).any(|t| t == "BUTTONS") {
        return invalid(
            "the call_permission_request component cannot be combined with other interactive components (BUTTONS)",
        );
    }
    let body_text = component_text(components, "body").is_some_and(|t| !t.trim().is_empty());
    if !body_text {
        return invalid("a call permission request template needs a non-empty BODY text");
    }
    Ok(())
}

impl Sandbox {
    /// Whether the template `name` in `language` of the number's WABA asks
    /// for call permission.
    pub fn template_requests_call_permission(
        &self,
        phone_number_id: &str,
        name: &str,
        language: &str,
    ) -> bool {
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .and_then(|phone| self.find_template(&phone.waba_id, name, language))
            .is_some_and(|template| requests_call_permission(&template.components))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_request_needs_a_marketing_or_utility_body_and_no_buttons() {
        let body = json!({"type": "BODY", "text": "May we call you?"});
        let request = json!({"type": "call_permission_request"});
        let good = json!([body, request]);
        assert!(requests_call_permission(&good));
        assert_eq!(check_call_permission_request(&good, "UTILITY"), Ok(()));
        assert!(check_call_permission_request(&good, "AUTHENTICATION").is_err());
        let buttons = json!({"type": "BUTTONS", "buttons": []});
        assert!(
            check_call_permission_request(&json!([body, request, buttons]), "MARKETING").is_err()
        );
        let empty = json!([{"type": "BODY", "text": " "}, request]);
        assert!(check_call_permission_request(&empty, "MARKETING").is_err());
        assert!(
            check_call_permission_request(&json!([body, request, request]), "MARKETING").is_err()
        );
        assert_eq!(
            check_call_permission_request(&json!([body]), "AUTHENTICATION"),
            Ok(())
        );
    }
}
