//! Fields whose value follows from the arguments written with them in
//! `fields=` (`name.modifier(value)`): a WABA's analytics, a Flow's
//! `metric`, and an IG User's lookups (`business_discovery`,
//! `mentioned_media`, `mentioned_comment`). The renderer asks here before
//! reading a node's own view.

use serde_json::Value;

use super::error::GraphError;
use super::fields::FieldSelection;
use super::instagram::lookups;
use super::render::Renderer;
use super::whatsapp::{analytics, flow_metric};
use crate::world::nodes::NodeKind;

impl Renderer<'_> {
    /// The value of `field` of node `id`, when it is one of `kind`'s
    /// argument fields.
    pub(super) fn argument_field(
        &self,
        kind: NodeKind,
        id: &str,
        field: &FieldSelection,
    ) -> Option<Result<Value, GraphError>> {
        match kind {
            NodeKind::WhatsappBusinessAccount => analytics::field(self.sandbox, id, field),
            NodeKind::Flow => flow_metric::field(self.sandbox, id, field),
            NodeKind::InstagramUser => lookups::field(self, id, field),
            _ => None,
        }
    }
}
