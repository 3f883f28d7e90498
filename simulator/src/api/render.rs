//! Turning nodes and edges into Graph JSON: field selection (defaults, nested
//! `{...}`, `.limit()`, `.as()`), edge lists with cursor paging, and the
//! permission checks that decide what a token may see.

use serde_json::{Map, Value, json};

use super::error::GraphError;
use super::fields::{FieldSelection, selection_text};
use super::paging::{PageRequest, paging_object, slice};
use crate::world::auth::{AccessToken, TokenKind};
use crate::world::nodes::{EdgeItem, EdgeQuery, FieldValue, ListEdge, NodeKind, Product};
use crate::world::sandbox::Sandbox;

/// What `paging.next`/`previous` links are built from.
#[derive(Clone, Copy)]
pub struct LinkBase<'a> {
    /// `http://host`
    pub base_url: &'a str,
    /// The version that served the call (links keep it).
    pub version: crate::api::versions::Version,
    /// Query parameters of the original request to carry over (top-level edge only).
    pub query: &'a [(String, String)],
    /// The token, when the client sent it as a parameter (Meta puts it in links).
    pub token: Option<&'a str>,
}

pub struct Renderer<'a> {
    pub sandbox: &'a Sandbox,
    pub token: &'a AccessToken,
    pub links: LinkBase<'a>,
}

/// May the token see this node? A missing scope is a permission error; a
/// scope whose granular targets exclude the node looks like a missing node.
pub fn check_visible(
    sandbox: &Sandbox,
    token: &AccessToken,
    method: &str,
    id: &str,
) -> Result<NodeKind, GraphError> {
    let kind = sandbox
        .node_kind(id)
        .ok_or_else(|| GraphError::unsupported(method, id))?;
    if !(kind.descriptor().access.reachable)(sandbox, id) {
        return Err(GraphError::unsupported(method, id));
    }
    if let Some(scope) = kind.read_scope() {
        if !token.has_scope(scope) {
            return Err(GraphError::missing_permission(kind.product(None), scope));
        }
        if !token.scope_covers(scope, sandbox.permission_target(id)) {
            return Err(GraphError::unsupported(method, id));
        }
    }
    if let Some(owner) = sandbox.node_owner(id)
        && !sandbox.token_acts_for(token, owner)
    {
        return Err(GraphError::unsupported(method, id));
    }
    Ok(kind)
}

/// `platform` of a Page's conversations: `messenger` or `instagram` (any case).
fn check_platform(
    kind: NodeKind,
    edge: &str,
    query: &[(String, String)],
) -> Result<(), GraphError> {
    let platform = query.iter().rev().find(|(name, _)| name == "platform");
    match platform {
        Some((_, value))
            if kind == NodeKind::Page
                && edge == "conversations"
                && !["messenger", "instagram"].contains(&value.to_ascii_lowercase().as_str()) =>
        {
            Err(GraphError::invalid_parameter(format!(
                "Param platform must be one of {{MESSENGER, INSTAGRAM}} - got \"{value}\"."
            )))
        }
        _ => Ok(()),
    }
}

/// A Page's Messenger edges (its conversations) answer only to that Page's
/// token, as on Meta.
fn check_page_token_edge(
    token: &AccessToken,
    kind: NodeKind,
    id: &str,
    edge: &str,
) -> Result<(), GraphError> {
    let page_edge = kind == NodeKind::Page && kind.product(Some(edge)) == Product::Messenger;
    if page_edge && !(token.kind == TokenKind::Page && token.subject_id == id) {
        return Err(GraphError::new(
            400,
            "OAuthException",
            190,
            "(#190) This method must be called with a Page Access Token",
        ));
    }
    Ok(())
}

impl Renderer<'_> {
    pub fn check_visible(&self, method: &str, id: &str) -> Result<NodeKind, GraphError> {
        check_visible(self.sandbox, self.token, method, id)
    }

    fn check_edge_permission(&self, kind: NodeKind, edge: &ListEdge) -> Result<(), GraphError> {
        let scopes = edge.scopes;
        if scopes.is_empty() || scopes.iter().any(|scope| self.token.has_scope(scope)) {
            Ok(())
        } else {
            Err(GraphError::missing_permission(
                kind.product(Some(edge.name)),
                scopes[0],
            ))
        }
    }

    /// Render a node with a selection (or its defaults).
    pub fn node(
        &self,
        id: &str,
        selection: Option<&[FieldSelection]>,
    ) -> Result<Map<String, Value>, GraphError> {
        self.fields_of(id, selection, None, &[])
    }

    fn fields_of(
        &self,
        id: &str,
        selection: Option<&[FieldSelection]>,
        defaults: Option<&[&str]>,
        extra: &[(&'static str, Value)],
    ) -> Result<Map<String, Value>, GraphError> {
        let kind = self
            .sandbox
            .node_kind(id)
            .ok_or_else(|| GraphError::unsupported("GET", id))?;
        let default_selection: Vec<FieldSelection>;
        let selection = match selection {
            Some(selection) => selection,
            None => {
                default_selection = defaults
                    .unwrap_or(kind.default_fields())
                    .iter()
                    .map(|f| FieldSelection::plain(f))
                    .collect();
                &default_selection
            }
        };
        let wanted: Vec<&str> = selection.iter().map(|f| f.name.as_str()).collect();
        let mut view = self
            .sandbox
            .node_view(id, &wanted)
            .ok_or_else(|| GraphError::unsupported("GET", id))?;
        let viewer = self.sandbox.viewer_fields(id, &wanted, self.token);
        let mut out = Map::new();
        for field in selection {
            let name = field.name.as_str();
            if let Some((_, value)) = extra
                .iter()
                .chain(&viewer)
                .find(|(extra_name, _)| *extra_name == name)
            {
                out.insert(field.key().to_owned(), value.clone());
            } else if let Some(value) = self.argument_field(kind, id, field) {
                out.insert(field.key().to_owned(), value?);
            } else if kind.known_fields().contains(&name) {
                // A field selected once is moved out of the view; one selected
                // twice (`name,name.as(title)`) is copied.
                let value = if selection.iter().filter(|f| f.name == field.name).count() > 1 {
                    view.get(name).cloned()
                } else {
                    view.take(name)
                };
                match value {
                    None => {}
                    Some(FieldValue::Json(value)) => {
                        out.insert(field.key().to_owned(), value);
                    }
                    Some(FieldValue::Node(ref_id)) => {
                        let value = match &field.children {
                            Some(children) => {
                                self.check_visible("GET", &ref_id)?;
                                Value::Object(self.node(&ref_id, Some(children))?)
                            }
                            None => json!({ "id": ref_id }),
                        };
                        out.insert(field.key().to_owned(), value);
                    }
                }
            } else if kind.list_edge(name).is_some() {
                let page = PageRequest {
                    limit: field.limit,
                    ..PageRequest::default()
                };
                // A nested list's paging links keep its own field selection.
                let nested_query: Vec<(String, String)> = field
                    .children
                    .as_deref()
                    .map(|children| vec![("fields".to_owned(), selection_text(children))])
                    .unwrap_or_default();
                let nested = Renderer {
                    sandbox: self.sandbox,
                    token: self.token,
                    links: LinkBase {
                        query: &nested_query,
                        ..self.links
                    },
                };
                let edge = nested.edge(id, kind, name, field.children.as_deref(), &page)?;
                out.insert(field.key().to_owned(), edge);
            } else {
                return Err(GraphError::nonexisting_field(name, kind.type_name()));
            }
        }
        if !out.contains_key("id") {
            out.insert("id".into(), json!(id));
        }
        Ok(out)
    }

    /// Render an edge list of `id` with paging.
    pub fn edge(
        &self,
        id: &str,
        kind: NodeKind,
        edge: &str,
        selection: Option<&[FieldSelection]>,
        page: &PageRequest,
    ) -> Result<Value, GraphError> {
        let list = kind
            .list_edge(edge)
            .ok_or_else(|| GraphError::nonexisting_field(edge, kind.type_name()))?;
        check_page_token_edge(self.token, kind, id, edge)?;
        check_platform(kind, edge, self.links.query)?;
        self.check_edge_permission(kind, list)?;
        let query = EdgeQuery {
            token: self.token,
            params: self.links.query,
        };
        let items: Vec<EdgeItem> = (list.items)(self.sandbox, id, &query)
            .into_iter()
            .filter(|item| self.item_visible(&item.id))
            .collect();
        let ids: Vec<&str> = items.iter().map(|item| item.id.as_str()).collect();
        let window = slice(&ids, page)?;
        let mut data = Vec::with_capacity(window.range.len());
        for item in &items[window.range.clone()] {
            let item_kind = self.sandbox.node_kind(&item.id).unwrap_or(kind);
            let defaults = list
                .item_default_fields
                .unwrap_or(item_kind.default_fields());
            data.push(Value::Object(self.fields_of(
                &item.id,
                selection,
                Some(defaults),
                &item.extra,
            )?));
        }
        let mut out = Map::new();
        if let (Some(first), Some(last)) = (
            items[window.range.clone()].first(),
            items[window.range.clone()].last(),
        ) {
            out.insert("data".into(), Value::Array(data));
            let link = |key: &str, cursor: &str| self.link(id, edge, window.limit, key, cursor);
            out.insert(
                "paging".into(),
                paging_object(&first.id, &last.id, &window, &link),
            );
        } else {
            out.insert("data".into(), json!([]));
        }
        if let Some(summary) = self.summary(id, edge, items.len()) {
            out.insert("summary".into(), summary);
        }
        Ok(Value::Object(out))
    }

    /// The `summary` a request asked for (`summary=true`, or a comma list of
    /// members): `total_count`, and what the edge adds to it.
    fn summary(&self, id: &str, edge: &str, total: usize) -> Option<Value> {
        let asked = self
            .links
            .query
            .iter()
            .rev()
            .find(|(name, _)| name == "summary")
            .map(|(_, value)| value.as_str())?;
        let keys: Vec<&str> = match asked.trim() {
            "true" | "1" => vec!["total_count"],
            "false" | "0" | "" => return None,
            list => list.split(',').map(str::trim).collect(),
        };
        let mut summary = Map::new();
        for key in keys {
            let value = match key {
                "total_count" => Some(json!(total)),
                other => self.sandbox.edge_summary(id, edge, other),
            };
            if let Some(value) = value {
                summary.insert(key.to_owned(), value);
            }
        }
        Some(Value::Object(summary))
    }

    fn item_visible(&self, id: &str) -> bool {
        match self.sandbox.node_kind(id).and_then(NodeKind::read_scope) {
            Some(scope) => self
                .token
                .scope_covers(scope, self.sandbox.permission_target(id)),
            None => true,
        }
    }

    fn link(&self, id: &str, edge: &str, limit: usize, key: &str, cursor: &str) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        if let Some(token) = self.links.token {
            serializer.append_pair("access_token", token);
        }
        for (name, value) in self.links.query {
            if !matches!(name.as_str(), "access_token" | "limit" | "after" | "before") {
                serializer.append_pair(name, value);
            }
        }
        serializer.append_pair("limit", &limit.to_string());
        serializer.append_pair(key, cursor);
        format!(
            "{}/{}/{id}/{edge}?{}",
            self.links.base_url,
            self.links.version,
            serializer.finish()
        )
    }
}
