//! The Graph view of the world: which kinds of node there are, and for each
//! its descriptor — Meta's type name, id shape, product, every known field,
//! default fields, list edges, read scope, and the function that computes its
//! field values. Each product declares its kinds' descriptors in its own
//! `nodes.rs`; [`node_kinds!`] below is the one list of them. The API layer
//! does field selection and paging on top of this.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::auth::AccessToken;
use super::sandbox::Sandbox;
use super::{accounts, instagram, messenger, pages, whatsapp};

/// The Meta product a request belongs to (for faults and per-product behaviour).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Product {
    Whatsapp,
    Messenger,
    Instagram,
    Graph,
}

/// Everything the Graph API knows about one kind of node.
pub struct NodeDescriptor {
    /// The node type name Meta prints in errors (`on node type (Page)`).
    pub type_name: &'static str,
    /// The prefix and length of generated ids, so ids look like Meta's and a
    /// WhatsApp id is recognisable even before its sandbox is known.
    pub id_shape: (&'static str, usize),
    pub product: Product,
    /// Edges of this kind that belong to another product (whether or not
    /// metasim serves them yet): faults and errors follow that product.
    pub edge_products: &'static [(&'static str, Product)],
    /// Every field Meta documents on this kind; asking for another is
    /// `(#100) Tried accessing nonexisting field`. Built by [`field_list!`].
    pub fields: &'static [&'static str],
    /// The fields Meta leaves out until they are set (or until the node is
    /// in the state that gives them a value), and which a sandbox's nodes
    /// may lack; every other field is answered whenever the node is read.
    pub unset_fields: &'static [&'static str],
    /// What a request without `fields` gets.
    pub default_fields: &'static [&'static str],
    /// List edges (`GET /{id}/{edge}`, and `edge{…}` in a field selection).
    pub edges: &'static [ListEdge],
    /// Who may read a node of this kind, and what its calls count against.
    pub access: NodeAccess,
    /// The node's fields that are in `wanted` and have a value (`None` when
    /// the id is not a node of this kind).
    pub view: fn(&Sandbox, &str, &[&str]) -> Option<FieldList>,
}

/// Who may read a node, and what its calls count against.
pub struct NodeAccess {
    /// The scope a token needs to read this kind of node, if any.
    pub read_scope: Option<&'static str>,
    /// Whether calls on this node count against a business object's usage
    /// (`X-Business-Use-Case-Usage`, keyed by its permission target).
    pub business_usage: bool,
    /// The object a node's permissions are checked against (a phone number is
    /// covered by its WABA's granular scopes); most kinds are their own.
    pub permission_target: for<'a> fn(&'a Sandbox, &'a str) -> &'a str,
    /// Whether the Graph API may reach this node at all (a personal Instagram
    /// account is a node of the sandbox but never of the API).
    pub reachable: fn(&Sandbox, &str) -> bool,
    /// The Page or Instagram account whose own token alone may read the node
    /// (page-scoped users, conversations, messages); `None` for most kinds.
    pub owner: for<'a> fn(&'a Sandbox, &'a str) -> Option<&'a str>,
}

impl NodeAccess {
    /// Any token may read it; it is its own permission target; no business usage.
    pub const OPEN: NodeAccess = NodeAccess {
        read_scope: None,
        business_usage: false,
        permission_target: itself,
        reachable: always,
        owner: nobody,
    };
}

/// A descriptor's `fields`: `answered` (what a node of the kind always
/// has) followed by `unset` (its `unset_fields`), one `'static` list.
macro_rules! field_list {
    ($answered:expr, $unset:expr $(,)?) => {
        &$crate::world::nodes::concat_fields::<
            { <[&str]>::len($answered) + <[&str]>::len($unset) },
        >($answered, $unset)
    };
}
pub(crate) use field_list;

/// `first` then `second`, in an array of exactly their joint length.
pub const fn concat_fields<const N: usize>(
    first: &[&'static str],
    second: &[&'static str],
) -> [&'static str; N] {
    assert!(first.len() + second.len() == N);
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < first.len() {
            first[i]
        } else {
            second[i - first.len()]
        };
        i += 1;
    }
    out
}

/// A node's fields that have a value, `id` first.
pub type FieldList = Vec<(&'static str, FieldValue)>;

/// A list edge of a node kind: the items, who may list them, their defaults.
pub struct ListEdge {
    pub name: &'static str,
    /// Scopes of which a token needs at least one (none: reading the node suffices).
    pub scopes: &'static [&'static str],
    /// Default fields of the items, when they differ from the item kind's.
    pub item_default_fields: Option<&'static [&'static str]>,
    /// The items in a stable order; the query carries the token and the
    /// request's parameters (edges that filter read them).
    pub items: fn(&Sandbox, &str, &EdgeQuery<'_>) -> Vec<EdgeItem>,
}

/// What an edge's items may depend on besides the node.
pub struct EdgeQuery<'a> {
    pub token: &'a AccessToken,
    pub params: &'a [(String, String)],
}

impl EdgeQuery<'_> {
    /// A query parameter of the edge call.
    pub fn param(&self, name: &str) -> Option<&str> {
        last_param(self.params, name)
    }
}

/// The value of the last parameter called `name` (a repeated parameter's
/// last value wins, as on Meta).
pub fn last_param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// A node is its own permission target.
fn itself<'a>(_: &'a Sandbox, id: &'a str) -> &'a str {
    id
}

/// Every node of a kind is reachable.
fn always(_: &Sandbox, _: &str) -> bool {
    true
}

/// No single account owns the node: the scopes decide.
fn nobody<'a>(_: &'a Sandbox, _: &'a str) -> Option<&'a str> {
    None
}

/// The one list of node kinds: variant and descriptor. Adding a kind is one
/// line here plus its product's files.
macro_rules! node_kinds {
    ($($kind:ident => $descriptor:path,)*) => {
        #[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[serde(rename_all = "snake_case")]
        pub enum NodeKind {
            $($kind,)*
        }

        impl NodeKind {
            pub const ALL: &[NodeKind] = &[$(NodeKind::$kind,)*];

            pub fn descriptor(self) -> &'static NodeDescriptor {
                match self {
                    $(NodeKind::$kind => &$descriptor,)*
                }
            }
        }
    };
}

node_kinds! {
    User => accounts::nodes::USER,
    SystemUser => accounts::nodes::SYSTEM_USER,
    App => accounts::nodes::APP,
    Business => accounts::nodes::BUSINESS,
    Page => pages::nodes::PAGE,
    InstagramUser => instagram::nodes::INSTAGRAM_USER,
    WhatsappBusinessAccount => whatsapp::nodes::WABA,
    PhoneNumber => whatsapp::nodes::PHONE_NUMBER,
    MessageTemplate => whatsapp::nodes::MESSAGE_TEMPLATE,
    Media => whatsapp::nodes::MEDIA,
    Flow => whatsapp::nodes::FLOW,
    PageScopedUser => messenger::nodes::PAGE_SCOPED_USER,
    Conversation => messenger::nodes::CONVERSATION,
    Message => messenger::nodes::MESSAGE,
    InstagramScopedUser => instagram::nodes::INSTAGRAM_SCOPED_USER,
    InstagramConversation => instagram::nodes::INSTAGRAM_CONVERSATION,
    InstagramMessage => instagram::nodes::INSTAGRAM_MESSAGE,
    InstagramMedia => instagram::nodes::INSTAGRAM_MEDIA,
    InstagramComment => instagram::nodes::INSTAGRAM_COMMENT,
    WhatsappGroup => whatsapp::nodes::GROUP,
    PreverifiedPhoneNumber => whatsapp::nodes::PREVERIFIED_NUMBER,
    Solution => whatsapp::nodes::SOLUTION,
    MigrationIntent => whatsapp::nodes::MIGRATION_INTENT,
    OboMobilityIntent => whatsapp::nodes::OBO_MOBILITY_INTENT,
    ExtendedCredit => whatsapp::nodes::EXTENDED_CREDIT,
    CreditAllocationConfig => whatsapp::nodes::CREDIT_ALLOCATION_CONFIG,
    TemplateGroup => whatsapp::nodes::TEMPLATE_GROUP,
}

impl NodeKind {
    pub fn type_name(self) -> &'static str {
        self.descriptor().type_name
    }

    pub fn id_shape(self) -> (&'static str, usize) {
        self.descriptor().id_shape
    }

    pub fn known_fields(self) -> &'static [&'static str] {
        self.descriptor().fields
    }

    pub fn default_fields(self) -> &'static [&'static str] {
        self.descriptor().default_fields
    }

    pub fn read_scope(self) -> Option<&'static str> {
        self.descriptor().access.read_scope
    }

    /// The list edge called `edge` on this kind.
    pub fn list_edge(self, edge: &str) -> Option<&'static ListEdge> {
        self.descriptor().edges.iter().find(|e| e.name == edge)
    }

    /// Which product a request to this node (and edge) belongs to.
    pub fn product(self, edge: Option<&str>) -> Product {
        let descriptor = self.descriptor();
        edge.and_then(|edge| {
            descriptor
                .edge_products
                .iter()
                .find(|(name, _)| *name == edge)
                .map(|(_, product)| *product)
        })
        .unwrap_or(descriptor.product)
    }
}

/// Classify an id before any sandbox is known (e.g. for a bad token), from the
/// shape of generated ids: used only to pick WhatsApp's HTTP status for errors.
pub fn product_from_id_shape(id: &str) -> Product {
    NodeKind::ALL
        .iter()
        .find(|kind| {
            let (prefix, len) = kind.id_shape();
            id.len() == len && id.starts_with(prefix)
        })
        .map_or(Product::Graph, |kind| kind.product(None))
}

/// A field's value: plain JSON, or a reference to another node (which nested
/// field selection can expand).
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Json(Value),
    Node(String),
}

/// One node as the Graph API sees it: its kind and the fields that have values.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeView {
    pub kind: NodeKind,
    pub fields: Vec<(&'static str, FieldValue)>,
}

impl NodeView {
    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        self.fields
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value)
    }

    /// Move a field's value out (the view keeps a null in its place).
    pub fn take(&mut self, name: &str) -> Option<FieldValue> {
        self.fields
            .iter_mut()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| std::mem::replace(value, FieldValue::Json(Value::Null)))
    }
}

/// One entry of an edge list: the node and the fields only this edge adds
/// (e.g. `access_token` and `tasks` on `/me/accounts`).
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeItem {
    pub id: String,
    pub extra: Vec<(&'static str, Value)>,
}

impl EdgeItem {
    /// An item with nothing of its own.
    pub fn plain(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            extra: vec![],
        }
    }
}

/// Build a field list, skipping fields without a value (Meta omits them).
/// Values are closures, run only for the fields asked for.
pub struct Fields<'w> {
    fields: Vec<(&'static str, FieldValue)>,
    wanted: &'w [&'w str],
}

impl<'w> Fields<'w> {
    pub fn new(id: &str, wanted: &'w [&'w str]) -> Self {
        Self {
            fields: vec![("id", FieldValue::Json(json!(id)))],
            wanted,
        }
    }
    pub fn wants(&self, name: &str) -> bool {
        self.wanted.contains(&name)
    }
    pub fn put<T: Into<Value>>(mut self, name: &'static str, value: impl FnOnce() -> T) -> Self {
        if self.wants(name) {
            self.fields.push((name, FieldValue::Json(value().into())));
        }
        self
    }
    pub fn put_opt<T: Into<Value>>(
        mut self,
        name: &'static str,
        value: impl FnOnce() -> Option<T>,
    ) -> Self {
        if self.wants(name)
            && let Some(value) = value()
        {
            self.fields.push((name, FieldValue::Json(value.into())));
        }
        self
    }
    pub fn node(mut self, name: &'static str, id: Option<&String>) -> Self {
        if let Some(id) = id.filter(|_| self.wants(name)) {
            self.fields.push((name, FieldValue::Node(id.clone())));
        }
        self
    }

    /// The fields gathered, `id` first.
    pub fn done(self) -> Option<FieldList> {
        Some(self.fields)
    }
}

impl Sandbox {
    /// Fields of a node whose value depends on the token asking: a Page's
    /// own `access_token`; the app in a WhatsApp node's `health_status` and
    /// a number's `webhook_configuration`. Only the ones in `wanted`.
    pub fn viewer_fields(
        &self,
        id: &str,
        wanted: &[&str],
        token: &AccessToken,
    ) -> Vec<(&'static str, Value)> {
        match self.node_kind(id) {
            Some(NodeKind::Page) => pages::nodes::viewer_fields(self, id, wanted, token),
            Some(
                kind @ (NodeKind::WhatsappBusinessAccount
                | NodeKind::PhoneNumber
                | NodeKind::MessageTemplate),
            ) => whatsapp::nodes::viewer_fields(self, kind, id, wanted, &token.app_id),
            _ => Vec::new(),
        }
    }

    /// A member of a list edge's `summary` beyond `total_count` (the
    /// template list's counts and limit), if the edge has it.
    pub fn edge_summary(&self, id: &str, edge: &str, key: &str) -> Option<Value> {
        match (self.node_kind(id)?, edge) {
            (NodeKind::WhatsappBusinessAccount, "message_templates") => {
                whatsapp::templates::summary::template_summary(self, id, key)
            }
            _ => None,
        }
    }

    pub fn node_kind(&self, id: &str) -> Option<NodeKind> {
        self.registry.get(id).copied()
    }

    /// A node with the fields in `wanted` (and `id`) that have a value; the
    /// others are not even computed.
    pub fn node_view(&self, id: &str, wanted: &[&str]) -> Option<NodeView> {
        let kind = self.node_kind(id)?;
        let fields = (kind.descriptor().view)(self, id, wanted)?;
        Some(NodeView { kind, fields })
    }

    /// A node's `name`, whatever its kind (a Page's, a user's).
    pub fn node_name(&self, id: &str) -> Option<String> {
        match self.node_view(id, &["name"])?.get("name") {
            Some(FieldValue::Json(Value::String(name))) => Some(name.clone()),
            _ => None,
        }
    }

    /// The account whose token alone may read a node, if one does.
    pub fn node_owner<'a>(&'a self, id: &'a str) -> Option<&'a str> {
        let kind = self.node_kind(id)?;
        (kind.descriptor().access.owner)(self, id)
    }

    /// The object a node's permissions are checked against.
    pub fn permission_target<'a>(&'a self, id: &'a str) -> &'a str {
        match self.node_kind(id) {
            Some(kind) => (kind.descriptor().access.permission_target)(self, id),
            None => id,
        }
    }

    /// The items of a list edge, in a stable order (none for an edge the
    /// node's kind does not have).
    pub fn edge_items(&self, id: &str, edge: &str, query: &EdgeQuery<'_>) -> Vec<EdgeItem> {
        self.node_kind(id)
            .and_then(|kind| kind.list_edge(edge))
            .map_or_else(Vec::new, |list| (list.items)(self, id, query))
    }
}

/// The ids of `nodes` for which `belongs` holds, as plain edge items.
pub fn items_where<'a, T: 'a>(
    nodes: impl IntoIterator<Item = (&'a String, &'a T)>,
    belongs: impl Fn(&T) -> bool,
) -> Vec<EdgeItem> {
    nodes
        .into_iter()
        .filter(|(_, node)| belongs(node))
        .map(|(id, _)| EdgeItem::plain(id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_described_consistently() {
        for kind in NodeKind::ALL {
            let descriptor = kind.descriptor();
            // A default is a field, or an edge answered inline (a template
            // group's templates).
            for field in descriptor.default_fields {
                let edge = descriptor.edges.iter().any(|e| e.name == *field);
                assert!(
                    descriptor.fields.contains(field) || edge,
                    "{kind:?}.{field}"
                );
            }
            let mut fields = descriptor.fields.to_vec();
            fields.sort_unstable();
            fields.dedup();
            assert_eq!(
                fields.len(),
                descriptor.fields.len(),
                "{kind:?} lists a field twice (answered and unset?)"
            );
            let (prefix, len) = descriptor.id_shape;
            assert!(prefix.len() < len);
            for edge in descriptor.edges {
                assert!(
                    !descriptor.fields.contains(&edge.name),
                    "{kind:?}: {} is both a field and an edge",
                    edge.name
                );
            }
        }
        let mut shapes: Vec<_> = NodeKind::ALL.iter().map(|k| k.id_shape()).collect();
        shapes.sort();
        shapes.dedup();
        assert_eq!(shapes.len(), NodeKind::ALL.len(), "id shapes are distinct");
    }

    #[test]
    fn products() {
        assert_eq!(NodeKind::Page.product(Some("messages")), Product::Messenger);
        assert_eq!(NodeKind::Page.product(None), Product::Graph);
        assert_eq!(NodeKind::PhoneNumber.product(None), Product::Whatsapp);
        assert_eq!(NodeKind::Media.product(None), Product::Whatsapp);
        assert_eq!(
            NodeKind::Business.product(Some("owned_whatsapp_business_accounts")),
            Product::Whatsapp
        );
        assert_eq!(product_from_id_shape("320000000000001"), Product::Whatsapp);
        assert_eq!(
            product_from_id_shape("17841400000000001"),
            Product::Instagram
        );
        assert_eq!(product_from_id_shape("me"), Product::Graph);
    }
}
