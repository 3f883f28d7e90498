//! WhatsApp Flows of a WABA: created as drafts with a name (unique in the
//! WABA), categories and an optional data endpoint, or cloned from another
//! Flow of the same WABA. What happens to them later (metadata, Flow JSON,
//! publishing, deprecation, deletion, migration) is `flow_lifecycle.rs`;
//! its health (throttled, blocked) and `flows` webhooks are `flow_health.rs`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::flow_lifecycle::FlowJson;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;

/// The categories Meta accepts for a Flow.
pub const CATEGORIES: [&str; 9] = [
    "SIGN_UP",
    "SIGN_IN",
    "APPOINTMENT_BOOKING",
    "LEAD_GENERATION",
    "SHOPPING",
    "CONTACT_US",
    "CUSTOMER_SUPPORT",
    "SURVEY",
    "OTHER",
];

/// The Flow JSON version a new draft starts with, and its data API version.
pub const JSON_VERSION: &str = "7.1";
pub const DATA_API_VERSION: &str = "3.0";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Flow {
    pub id: String,
    pub waba_id: String,
    pub name: String,
    pub categories: Vec<String>,
    /// `DRAFT` until published.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_uri: Option<String>,
    /// The app whose token created it.
    pub app_id: String,
    pub created_at: i64,
    /// The uploaded Flow JSON and what its validation found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<FlowJson>,
    /// When it last changed (creation, metadata, Flow JSON, status).
    #[serde(default)]
    pub updated_at: i64,
    /// When it was sent in the last hour, at most the throttled allowance
    /// (see `flow_health.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent_sends: Vec<i64>,
    /// The endpoint alerts now ACTIVATED (`ENDPOINT_ERROR_RATE`, …; see
    /// `flow_exchange/alerts.rs`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub active_alerts: BTreeSet<String>,
}

/// What creating a Flow takes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFlow {
    pub name: String,
    pub categories: Vec<String>,
    pub endpoint_uri: Option<String>,
    pub clone_flow_id: Option<String>,
    pub app_id: String,
}

/// Why a Flow cannot be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowError {
    NoCategories,
    UnknownCategory(String),
    /// `clone_flow_id` names no Flow of this WABA.
    UnknownSource(String),
    /// Another Flow of the WABA has this name.
    NameTaken(String),
}

/// Every category must be one Meta knows.
pub fn check_categories(categories: &[String]) -> Result<(), FlowError> {
    match categories
        .iter()
        .find(|c| !CATEGORIES.contains(&c.as_str()))
    {
        Some(unknown) => Err(FlowError::UnknownCategory(unknown.clone())),
        None => Ok(()),
    }
}

impl Sandbox {
    /// The WABA's Flow with this name, if any.
    pub fn flow_named(&self, waba_id: &str, name: &str) -> Option<&Flow> {
        self.whatsapp
            .flows
            .values()
            .map(Box::as_ref)
            .find(|flow| flow.waba_id == waba_id && flow.name == name)
    }

    /// Create a draft Flow in the WABA (copying the categories and endpoint
    /// of `clone_flow_id` where the request gives none); its id.
    pub fn create_flow(&mut self, waba_id: &str, new: NewFlow) -> Result<String, FlowError> {
        let source = match &new.clone_flow_id {
            Some(id) => Some(
                self.whatsapp
                    .flows
                    .get(id)
                    .filter(|flow| flow.waba_id == waba_id)
                    .cloned()
                    .ok_or_else(|| FlowError::UnknownSource(id.clone()))?,
            ),
            None => None,
        };
        let categories = match (new.categories.is_empty(), &source) {
            (true, Some(source)) => source.categories.clone(),
            (true, None) => return Err(FlowError::NoCategories),
            (false, _) => new.categories,
        };
        check_categories(&categories)?;
        if self.flow_named(waba_id, &new.name).is_some() {
            return Err(FlowError::NameTaken(new.name));
        }
        let endpoint_uri = new
            .endpoint_uri
            .or_else(|| source.as_ref().and_then(|flow| flow.endpoint_uri.clone()));
        let id = self.allocate_node(NodeKind::Flow);
        let flow = Flow {
            id: id.clone(),
            waba_id: waba_id.to_owned(),
            name: new.name,
            categories,
            status: "DRAFT".to_owned(),
            endpoint_uri,
            app_id: new.app_id,
            created_at: self.clock.now(),
            json: source.as_ref().and_then(|flow| flow.json.clone()),
            updated_at: self.clock.now(),
            recent_sends: Vec::new(),
            active_alerts: BTreeSet::new(),
        };
        self.whatsapp.flows.insert(id.clone(), Box::new(flow));
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    fn new_flow(categories: &[&str], clone: Option<&str>) -> NewFlow {
        NewFlow {
            name: format!("Sign up {}", clone.unwrap_or("first")),
            categories: categories.iter().map(|c| (*c).to_owned()).collect(),
            endpoint_uri: None,
            clone_flow_id: clone.map(str::to_owned),
            app_id: "1".into(),
        }
    }

    #[test]
    fn drafts_are_created_checked_and_cloned() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let waba = sandbox.handles["waba"].clone();
        let first = sandbox
            .create_flow(&waba, new_flow(&["SIGN_UP"], None))
            .unwrap();
        assert_eq!(sandbox.node_kind(&first), Some(NodeKind::Flow));
        assert_eq!(sandbox.whatsapp.flows[&first].status, "DRAFT");
        let copy = sandbox
            .create_flow(&waba, new_flow(&[], Some(&first)))
            .unwrap();
        assert_eq!(sandbox.whatsapp.flows[&copy].categories, ["SIGN_UP"]);
        assert_eq!(
            sandbox.create_flow(&waba, new_flow(&["OTHER"], None)),
            Err(FlowError::NameTaken("Sign up first".into()))
        );
        assert_eq!(
            sandbox.create_flow(&waba, new_flow(&["NAP"], None)),
            Err(FlowError::UnknownCategory("NAP".into()))
        );
        assert_eq!(
            sandbox.create_flow(&waba, new_flow(&[], None)),
            Err(FlowError::NoCategories)
        );
        assert_eq!(
            sandbox.create_flow("other", new_flow(&[], Some(&first))),
            Err(FlowError::UnknownSource(first))
        );
    }
}
