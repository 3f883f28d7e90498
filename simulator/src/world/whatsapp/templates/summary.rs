//! The `summary` of `GET /{waba-id}/message_templates`: how many templates
//! the WABA holds and may hold, and whether every template name exists in
//! every language the WABA uses (its translations are complete).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::lifecycle::TEMPLATES_PER_WABA;
use crate::world::sandbox::Sandbox;

/// One summary member of the WABA's template list (`total_count` is the
/// list's own and answered by the caller).
pub fn template_summary(sandbox: &Sandbox, waba_id: &str, key: &str) -> Option<Value> {
    let templates = || {
        sandbox
            .whatsapp
            .templates
            .values()
            .filter(move |t| t.waba_id == waba_id)
    };
    match key {
        "message_template_count" => Some(json!(templates().count())),
        "message_template_limit" => Some(json!(TEMPLATES_PER_WABA)),
        "are_translations_complete" => {
            let mut languages_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for template in templates() {
                languages_of
                    .entry(&template.name)
                    .or_default()
                    .insert(&template.language);
            }
            let all: BTreeSet<&str> = languages_of.values().flatten().copied().collect();
            Some(json!(languages_of.values().all(|langs| *langs == all)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn counts_limit_and_translations() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let waba = sandbox.handles["waba"].clone();
        let value = |sandbox: &Sandbox, key| template_summary(sandbox, &waba, key).unwrap();
        assert_eq!(value(&sandbox, "message_template_count"), 3);
        assert_eq!(value(&sandbox, "message_template_limit"), 250);
        assert_eq!(value(&sandbox, "are_translations_complete"), true);
        let mut spanish = sandbox.whatsapp.templates.values().next().unwrap().clone();
        spanish.id = "spanish".into();
        spanish.language = "es".into();
        sandbox.whatsapp.templates.insert("spanish".into(), spanish);
        assert_eq!(value(&sandbox, "are_translations_complete"), false);
        assert_eq!(template_summary(&sandbox, &waba, "nope"), None);
    }
}
