//! What happens to a WhatsApp Flow after its creation, with Meta's rules and
//! error codes: metadata updates (name, categories, endpoint), the Flow JSON
//! asset (uploaded and validated; only a draft's may change, else 139001),
//! publishing (a draft with valid Flow JSON and, when the JSON exchanges data,
//! an endpoint; else 139002), deprecation (published Flows only, 139003),
//! deletion (drafts only, 139004), and migration of Flows by name from another
//! WABA of the same business portfolio.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::flows::{Flow, FlowError, check_categories};
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;

/// Flow JSON versions Meta still accepts for publishing.
pub const FLOW_JSON_VERSIONS: [&str; 9] = [
    "3.0", "3.1", "4.0", "5.0", "5.1", "6.0", "6.1", "6.2", "7.1",
];

/// The uploaded Flow JSON of a Flow.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FlowJson {
    /// The file's name (`flow.json`).
    pub name: String,
    pub text: String,
    /// Its `version`, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Whether it exchanges data with an endpoint (`data_api_version`).
    #[serde(default)]
    pub uses_endpoint: bool,
    /// Meta's validation errors (`{"error", "error_type", "message", line/column}`).
    #[serde(default)]
    pub validation_errors: Vec<Value>,
}

/// Why a lifecycle step is refused: Meta's code and message.
#[derive(Debug, Clone, PartialEq)]
pub enum FlowStepError {
    /// 100 on the parameter named.
    Invalid(String),
    /// A Flow error code (139001–139004) with Meta's message.
    Refused(i64, &'static str),
    /// The name is taken by another Flow of the WABA.
    NameTaken,
}

impl From<FlowError> for FlowStepError {
    fn from(error: FlowError) -> Self {
        match error {
            FlowError::NameTaken(_) => FlowStepError::NameTaken,
            FlowError::UnknownCategory(category) => FlowStepError::Invalid(format!(
                "Param categories must be Flow categories - got \"{category}\"."
            )),
            FlowError::NoCategories => {
                FlowStepError::Invalid("The parameter categories is required".to_owned())
            }
            FlowError::UnknownSource(id) => FlowStepError::Invalid(format!("Unknown Flow {id}")),
        }
    }
}

/// A metadata update; `None` leaves a value alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlowUpdate {
    pub name: Option<String>,
    pub categories: Option<Vec<String>>,
    pub endpoint_uri: Option<String>,
}

/// What a migration did: (source id, name, new id) and (name, code, message).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Migration {
    pub migrated: Vec<(String, String, String)>,
    pub failed: Vec<(String, &'static str, &'static str)>,
}

/// Validate a Flow JSON file as Meta's builder does: JSON with a `version`
/// Meta knows and a non-empty `screens` list, each screen with an `id`.
pub fn validate_flow_json(text: &str) -> (Option<String>, bool, Vec<Value>) {
    let error = |code: &str, message: String, line: usize, column: usize| {
        json!({
            "error": code,
            "error_type": "FLOW_JSON_ERROR",
            "message": message,
            "line_start": line, "line_end": line,
            "column_start": column, "column_end": column,
        })
    };
    let parsed: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            let message = format!("Invalid JSON: {e}");
            return (
                None,
                false,
                vec![error("INVALID_JSON", message, e.line(), e.column())],
            );
        }
    };
    let version = parsed
        .get("version")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let uses_endpoint = parsed.get("data_api_version").is_some();
    let mut errors = Vec::new();
    match &version {
        None => errors.push(error(
            "MISSING_REQUIRED_PROPERTY",
            "The property \"version\" is required.".to_owned(),
            1,
            1,
        )),
        Some(v) if !FLOW_JSON_VERSIONS.contains(&v.as_str()) => errors.push(error(
            "INVALID_PROPERTY_VALUE",
            format!(
                "Flow JSON version {v} is not available; use one of {}.",
                FLOW_JSON_VERSIONS.join(", ")
            ),
            1,
            1,
        )),
        Some(_) => {}
    }
    match parsed.get("screens").and_then(Value::as_array) {
        Some(screens) if !screens.is_empty() => {
            for (i, screen) in screens.iter().enumerate() {
                if !screen.get("id").is_some_and(Value::is_string) {
                    errors.push(error(
                        "MISSING_REQUIRED_PROPERTY",
                        format!("The property \"id\" is required in screens[{i}]."),
                        1,
                        1,
                    ));
                }
            }
        }
        _ => errors.push(error(
            "MISSING_REQUIRED_PROPERTY",
            "The property \"screens\" is required and must list at least one screen.".to_owned(),
            1,
            1,
        )),
    }
    (version, uses_endpoint, errors)
}

impl Sandbox {
    fn flow_mut(&mut self, id: &str) -> &mut Flow {
        self.whatsapp
            .flows
            .get_mut(id)
            .expect("routes reach existing Flows only")
    }

    /// `POST /{flow-id}`: change name, categories and endpoint.
    pub fn update_flow(&mut self, id: &str, update: FlowUpdate) -> Result<(), FlowStepError> {
        let flow = self.whatsapp.flows[id].clone();
        if flow.status == "DEPRECATED" {
            return Err(FlowStepError::Refused(
                139001,
                "Flow can't be updated: it is deprecated.",
            ));
        }
        if let Some(categories) = &update.categories {
            if categories.is_empty() {
                return Err(FlowError::NoCategories.into());
            }
            check_categories(categories)?;
        }
        if let Some(name) = &update.name
            && self
                .flow_named(&flow.waba_id, name)
                .is_some_and(|other| other.id != id)
        {
            return Err(FlowStepError::NameTaken);
        }
        if update.endpoint_uri.is_some() && flow.status != "DRAFT" {
            return Err(FlowStepError::Refused(
                139001,
                "Flow can't be updated: the endpoint of a published Flow can't change.",
            ));
        }
        let now = self.clock.now();
        let flow = self.flow_mut(id);
        if let Some(name) = update.name {
            flow.name = name;
        }
        if let Some(categories) = update.categories {
            flow.categories = categories;
        }
        if let Some(uri) = update.endpoint_uri {
            flow.endpoint_uri = (!uri.is_empty()).then_some(uri);
        }
        flow.updated_at = now;
        Ok(())
    }

    /// `POST /{flow-id}/assets`: a new Flow JSON for a draft; its validation errors.
    pub fn upload_flow_json(
        &mut self,
        id: &str,
        name: &str,
        text: &str,
    ) -> Result<Vec<Value>, FlowStepError> {
        if self.whatsapp.flows[id].status != "DRAFT" {
            return Err(FlowStepError::Refused(
                139001,
                "Flow can't be updated: you attempted to update a Flow that has already been published.",
            ));
        }
        let (version, uses_endpoint, validation_errors) = validate_flow_json(text);
        let now = self.clock.now();
        let flow = self.flow_mut(id);
        flow.json = Some(FlowJson {
            name: name.to_owned(),
            text: text.to_owned(),
            version,
            uses_endpoint,
            validation_errors: validation_errors.clone(),
        });
        flow.updated_at = now;
        Ok(validation_errors)
    }

    /// `POST /{flow-id}/publish`.
    pub fn publish_flow(&mut self, id: &str) -> Result<(), FlowStepError> {
        let flow = &self.whatsapp.flows[id];
        let refuse = |message| Err(FlowStepError::Refused(139002, message));
        if flow.status != "DRAFT" {
            return refuse("Publishing Flow in invalid state: only a draft can be published.");
        }
        let Some(json) = &flow.json else {
            return refuse("Publishing Flow with validation errors: the Flow has no Flow JSON.");
        };
        if !json.validation_errors.is_empty() {
            return refuse("Publishing Flow with validation errors.");
        }
        if json.uses_endpoint && flow.endpoint_uri.is_none() {
            return refuse("Publishing without specifying endpoint_uri is forbidden.");
        }
        self.set_flow_status(id, "PUBLISHED");
        Ok(())
    }

    /// `POST /{flow-id}/deprecate`.
    pub fn deprecate_flow(&mut self, id: &str) -> Result<(), FlowStepError> {
        match self.whatsapp.flows[id].status.as_str() {
            "PUBLISHED" | "THROTTLED" | "BLOCKED" => {
                self.set_flow_status(id, "DEPRECATED");
                Ok(())
            }
            "DEPRECATED" => Err(FlowStepError::Refused(
                139003,
                "Flow is already deprecated.",
            )),
            _ => Err(FlowStepError::Refused(
                139003,
                "Can't deprecate unpublished flow.",
            )),
        }
    }

    /// `DELETE /{flow-id}`: drafts only.
    pub fn delete_flow(&mut self, id: &str) -> Result<(), FlowStepError> {
        if self.whatsapp.flows[id].status != "DRAFT" {
            return Err(FlowStepError::Refused(
                139004,
                "Can't delete published Flow.",
            ));
        }
        self.whatsapp.flows.remove(id);
        self.whatsapp.flow_metrics.forget(id);
        self.registry.remove(id);
        Ok(())
    }

    /// The Flow JSON a download URL names, if the URL is genuine and fresh.
    pub fn flow_json_for_url(&self, id: &str, expires: i64, hash: &str) -> Option<&FlowJson> {
        if !self.download_url_valid(id, expires, hash) {
            return None;
        }
        self.whatsapp.flows.get(id)?.json.as_ref()
    }

    /// Move the Flow to `status`, telling apps subscribed to `flows`.
    pub(super) fn set_flow_status(&mut self, id: &str, status: &str) {
        let now = self.clock.now();
        let flow = self.flow_mut(id);
        let old = std::mem::replace(&mut flow.status, status.to_owned());
        flow.updated_at = now;
        self.flow_status_changed(id, &old);
    }

    /// `POST /{waba-id}/migrate_flows`: copy the source WABA's Flows named in
    /// `names` (all when empty) into `waba_id`, keeping status and Flow JSON.
    pub fn migrate_flows(&mut self, waba_id: &str, source: &str, names: &[String]) -> Migration {
        let mut flows: Vec<Flow> = self
            .whatsapp
            .flows
            .values()
            .filter(|f| f.waba_id == source)
            .map(|f| (**f).clone())
            .collect();
        flows.sort_by_key(|f| (f.created_at, f.id.clone()));
        let wanted: Vec<String> = if names.is_empty() {
            flows.iter().map(|f| f.name.clone()).collect()
        } else {
            names.to_vec()
        };
        let mut migration = Migration::default();
        for name in wanted {
            let Some(flow) = flows.iter().find(|f| f.name == name) else {
                migration.failed.push((
                    name,
                    "4233041",
                    "Flows Migration Error: Flow name not found in source WABA.",
                ));
                continue;
            };
            if self.flow_named(waba_id, &name).is_some() {
                migration.failed.push((
                    name,
                    "100",
                    "Flows Migration Error: a Flow with this name exists in the destination WABA.",
                ));
                continue;
            }
            let id = self.allocate_node(NodeKind::Flow);
            let now = self.clock.now();
            let copy = Flow {
                id: id.clone(),
                waba_id: waba_id.to_owned(),
                created_at: now,
                updated_at: now,
                recent_sends: Vec::new(),
                active_alerts: Default::default(),
                ..flow.clone()
            };
            self.whatsapp.flows.insert(id.clone(), Box::new(copy));
            migration.migrated.push((flow.id.clone(), name, id));
        }
        migration
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use crate::world::whatsapp::flow_exchange::metrics::Observed;
    use crate::world::whatsapp::flows::NewFlow;

    const VALID: &str = r#"{"version": "7.1", "screens": [{"id": "WELCOME", "layout": {}}]}"#;

    fn setup() -> (Sandbox, String, String) {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let waba = sandbox.handles["waba"].clone();
        let new = NewFlow {
            name: "Sign up".into(),
            categories: vec!["SIGN_UP".into()],
            endpoint_uri: None,
            clone_flow_id: None,
            app_id: "1".into(),
        };
        let id = sandbox.create_flow(&waba, new).unwrap();
        (sandbox, waba, id)
    }

    #[test]
    fn flow_json_is_validated() {
        assert!(validate_flow_json(VALID).2.is_empty());
        let (_, _, errors) = validate_flow_json("{\n  \"version\": ");
        assert_eq!(errors[0]["error"], "INVALID_JSON");
        assert_eq!(errors[0]["line_start"], 2);
        let (_, _, errors) = validate_flow_json(r#"{"version": "1.0", "screens": [{}]}"#);
        let codes: Vec<&str> = errors
            .iter()
            .map(|e| e["error"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            ["INVALID_PROPERTY_VALUE", "MISSING_REQUIRED_PROPERTY"]
        );
        assert!(
            validate_flow_json(
                r#"{"version": "7.1", "data_api_version": "3.0", "screens": [{"id": "A"}]}"#
            )
            .1
        );
    }

    #[test]
    fn a_draft_is_published_deprecated_and_only_drafts_deleted() {
        let (mut sandbox, _, id) = setup();
        assert!(matches!(
            sandbox.publish_flow(&id),
            Err(FlowStepError::Refused(139002, _))
        ));
        assert_eq!(
            sandbox
                .upload_flow_json(&id, "flow.json", "{}")
                .unwrap()
                .len(),
            2
        );
        assert!(matches!(
            sandbox.publish_flow(&id),
            Err(FlowStepError::Refused(139002, _))
        ));
        assert!(
            sandbox
                .upload_flow_json(&id, "flow.json", VALID)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            sandbox.deprecate_flow(&id),
            Err(FlowStepError::Refused(
                139003,
                "Can't deprecate unpublished flow."
            ))
        );
        sandbox.publish_flow(&id).unwrap();
        assert!(matches!(
            sandbox.upload_flow_json(&id, "flow.json", VALID),
            Err(FlowStepError::Refused(139001, _))
        ));
        assert!(matches!(
            sandbox.delete_flow(&id),
            Err(FlowStepError::Refused(139004, _))
        ));
        sandbox.deprecate_flow(&id).unwrap();
        assert_eq!(sandbox.whatsapp.flows[&id].status, "DEPRECATED");
        assert!(matches!(
            sandbox.update_flow(&id, FlowUpdate::default()),
            Err(FlowStepError::Refused(139001, _))
        ));
    }

    #[test]
    fn metadata_updates_and_migration() {
        let (mut sandbox, waba, id) = setup();
        let update = FlowUpdate {
            name: Some("Join".into()),
            categories: Some(vec!["OTHER".into()]),
            endpoint_uri: Some("https://x.example/flow".into()),
        };
        sandbox.update_flow(&id, update).unwrap();
        assert_eq!(sandbox.whatsapp.flows[&id].name, "Join");
        let bad = FlowUpdate {
            categories: Some(vec!["NAP".into()]),
            ..FlowUpdate::default()
        };
        assert!(matches!(
            sandbox.update_flow(&id, bad),
            Err(FlowStepError::Invalid(_))
        ));
        let moved = sandbox.migrate_flows("other", &waba, &["Join".into(), "Nope".into()]);
        assert_eq!(moved.migrated.len(), 1);
        assert_eq!(moved.failed[0].1, "4233041");
        let again = sandbox.migrate_flows("other", &waba, &[]);
        assert_eq!(again.failed[0].1, "100");
        delete_after_migration(&mut sandbox, &id);
    }

    fn delete_after_migration(sandbox: &mut Sandbox, id: &str) {
        let ping = Observed::Ping { healthy: true };
        sandbox.whatsapp.flow_metrics.record(id, 0, &ping);
        sandbox.delete_flow(id).unwrap();
        assert!(sandbox.node_kind(id).is_none());
        assert!(
            sandbox.whatsapp.flow_metrics.is_empty(),
            "its counters go too"
        );
    }
}
