//! Meta's preset texts for authentication templates
//! (`GET /{waba-id}/message_template_previews?category=AUTHENTICATION`): the
//! body with the code placeholder, the security recommendation, the expiry
//! footer and the copy-code button, per language. metasim knows Meta's
//! English texts; other languages are left out of the answer.

use serde_json::{Value, json};

/// What a preview request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewRequest {
    pub languages: Vec<String>,
    pub add_security_recommendation: bool,
    pub code_expiration_minutes: Option<u32>,
}

/// The most minutes a code may be said to last (Meta: 1 to 90).
pub const CODE_EXPIRATION_MAX: u32 = 90;

/// `{"data": [{"language", "body", "footer"?, "buttons"}]}` for the
/// languages metasim has Meta's texts for.
pub fn authentication_previews(request: &PreviewRequest) -> Value {
    let data: Vec<Value> = request
        .languages
        .iter()
        .filter(|language| *language == "en" || language.starts_with("en_"))
        .map(|language| {
            let mut body = "*{{1}}* is your verification code.".to_owned();
            if request.add_security_recommendation {
                body.push_str(" For your security, do not share this code.");
            }
            let mut preview = json!({
                "body": body,
                "buttons": [{ "autofill_text": "Autofill", "text": "Copy code" }],
                "language": language,
            });
            if let Some(minutes) = request.code_expiration_minutes {
                preview["footer"] = json!(format!("This code expires in {minutes} minutes."));
            }
            preview
        })
        .collect();
    json!({ "data": data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_texts_with_options() {
        let request = PreviewRequest {
            languages: vec!["en_US".into(), "es".into()],
            add_security_recommendation: true,
            code_expiration_minutes: Some(10),
        };
        let previews = authentication_previews(&request);
        let data = previews["data"].as_array().unwrap();
        assert_eq!(data.len(), 1);
        assert!(
            data[0]["body"]
                .as_str()
                .unwrap()
                .ends_with("do not share this code.")
        );
        assert_eq!(data[0]["footer"], "This code expires in 10 minutes.");
    }
}
