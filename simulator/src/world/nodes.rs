//! The Graph view of the world: which kind of node an id is, which fields and
//! edges each kind has, what each field's value is, and which product a request
//! belongs to. The API layer does field selection and paging on top of this.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::auth::AccessToken;
use super::clock::graph_time;
use super::pages::Page;
use super::sandbox::Sandbox;
use super::whatsapp::consumers::calling_code;

/// The Meta product a request belongs to (for faults and per-product behaviour).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Product {
    Whatsapp,
    Messenger,
    Instagram,
    Graph,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    User,
    SystemUser,
    App,
    Business,
    Page,
    InstagramUser,
    WhatsappBusinessAccount,
    PhoneNumber,
    MessageTemplate,
    Media,
}

impl NodeKind {
    pub const ALL: [NodeKind; 10] = [
        NodeKind::User,
        NodeKind::SystemUser,
        NodeKind::App,
        NodeKind::Business,
        NodeKind::Page,
        NodeKind::InstagramUser,
        NodeKind::WhatsappBusinessAccount,
        NodeKind::PhoneNumber,
        NodeKind::MessageTemplate,
        NodeKind::Media,
    ];

    /// The prefix and length of generated ids, so ids look like Meta's and a
    /// WhatsApp id is recognisable even before its sandbox is known.
    pub fn id_shape(self) -> (&'static str, usize) {
        match self {
            NodeKind::WhatsappBusinessAccount => ("31", 15),
            NodeKind::PhoneNumber => ("32", 15),
            NodeKind::MessageTemplate => ("38", 16),
            NodeKind::Media => ("39", 16),
            NodeKind::Page => ("33", 15),
            NodeKind::App => ("34", 15),
            NodeKind::User => ("35", 15),
            NodeKind::Business => ("36", 15),
            NodeKind::SystemUser => ("37", 15),
            NodeKind::InstagramUser => ("17841", 17),
        }
    }

    /// The node type name Meta prints in errors (`on node type (Page)`).
    pub fn type_name(self) -> &'static str {
        match self {
            NodeKind::User | NodeKind::SystemUser => "User",
            NodeKind::App => "Application",
            NodeKind::Business => "Business",
            NodeKind::Page => "Page",
            NodeKind::InstagramUser => "IGUser",
            NodeKind::WhatsappBusinessAccount => "WhatsAppBusinessAccount",
            NodeKind::PhoneNumber => "WhatsAppBusinessPhoneNumber",
            NodeKind::MessageTemplate => "WhatsAppBusinessHSM",
            NodeKind::Media => "WhatsAppBusinessMedia",
        }
    }

    pub fn known_fields(self) -> &'static [&'static str] {
        match self {
            NodeKind::User => &["id", "name", "email", "first_name", "last_name"],
            NodeKind::SystemUser => &["id", "name", "role"],
            NodeKind::App => &["id", "name", "link", "category"],
            NodeKind::Business => &[
                "id",
                "name",
                "verification_status",
                "created_time",
                "timezone_id",
            ],
            NodeKind::Page => &[
                "id",
                "name",
                "category",
                "category_list",
                "about",
                "description",
                "emails",
                "phone",
                "website",
                "hours",
                "single_line_address",
                "link",
                "instagram_business_account",
                "connected_instagram_account",
                "whatsapp_number",
                "has_whatsapp_number",
                "has_whatsapp_business_number",
            ],
            NodeKind::InstagramUser => &[
                "id",
                "ig_id",
                "username",
                "name",
                "biography",
                "website",
                "followers_count",
                "follows_count",
                "media_count",
                "profile_picture_url",
            ],
            NodeKind::WhatsappBusinessAccount => &[
                "id",
                "name",
                "currency",
                "timezone_id",
                "country",
                "message_template_namespace",
                "account_review_status",
                "business_verification_status",
                "ownership_type",
                "status",
            ],
            NodeKind::PhoneNumber => &[
                "id",
                "display_phone_number",
                "verified_name",
                "code_verification_status",
                "name_status",
                "quality_rating",
                "platform_type",
                "status",
                "throughput",
                "messaging_limit_tier",
                "account_mode",
                "is_pin_enabled",
                "is_official_business_account",
                "country_code",
                "country_dial_code",
                "is_on_biz_app",
                "is_preverified_number",
                "health_status",
                "quality_score",
                "new_name_status",
                // Known to Meta; metasim has no value for them yet, so they are omitted.
                "last_onboarded_time",
                "conversational_automation",
                "webhook_configuration",
                "search_visibility",
                "eligibility_for_api_business_global_search",
                "certificate",
                "new_certificate",
                "whatsapp_business_manager_messaging_limit",
            ],
            NodeKind::MessageTemplate => &[
                "id",
                "name",
                "language",
                "status",
                "category",
                "components",
                "parameter_format",
                "rejected_reason",
                "message_send_ttl_seconds",
            ],
            NodeKind::Media => &[
                "messaging_product",
                "url",
                "mime_type",
                "sha256",
                "file_size",
                "id",
            ],
        }
    }

    pub fn default_fields(self) -> &'static [&'static str] {
        match self {
            NodeKind::InstagramUser => &["id"],
            NodeKind::PhoneNumber => &[
                "id",
                "display_phone_number",
                "verified_name",
                "quality_rating",
            ],
            NodeKind::Media => &[
                "messaging_product",
                "url",
                "mime_type",
                "sha256",
                "file_size",
                "id",
            ],
            NodeKind::MessageTemplate => &[
                "name",
                "parameter_format",
                "components",
                "language",
                "status",
                "category",
                "id",
            ],
            _ => &["id", "name"],
        }
    }

    pub fn edges(self) -> &'static [&'static str] {
        match self {
            NodeKind::User => &["accounts", "businesses"],
            NodeKind::Business => &[
                "owned_whatsapp_business_accounts",
                "client_whatsapp_business_accounts",
            ],
            NodeKind::WhatsappBusinessAccount => &["phone_numbers", "message_templates"],
            _ => &[],
        }
    }

    /// Edges that are not plain lists: actions (POST) and special reads.
    pub fn action_edges(self) -> &'static [&'static str] {
        match self {
            NodeKind::WhatsappBusinessAccount => &["subscribed_apps"],
            NodeKind::App => &["subscriptions"],
            NodeKind::Page => &["subscribed_apps"],
            NodeKind::PhoneNumber => &[
                "request_code",
                "verify_code",
                "register",
                "deregister",
                "messages",
                "media",
                "settings",
                "contact_book",
                "whatsapp_business_profile",
            ],
            _ => &[],
        }
    }

    /// The scope a token needs to read this kind of node, if any.
    pub fn read_scope(self) -> Option<&'static str> {
        match self {
            NodeKind::WhatsappBusinessAccount
            | NodeKind::PhoneNumber
            | NodeKind::MessageTemplate => Some("whatsapp_business_management"),
            NodeKind::Media => Some("whatsapp_business_messaging"),
            NodeKind::InstagramUser => Some("instagram_basic"),
            _ => None,
        }
    }

    /// Which product a request to this node (and edge) belongs to.
    pub fn product(self, edge: Option<&str>) -> Product {
        match self {
            NodeKind::WhatsappBusinessAccount
            | NodeKind::PhoneNumber
            | NodeKind::MessageTemplate
            | NodeKind::Media => Product::Whatsapp,
            NodeKind::InstagramUser => Product::Instagram,
            NodeKind::Page if edge.is_some_and(is_messenger_edge) => Product::Messenger,
            NodeKind::Business if edge.is_some_and(|e| e.contains("whatsapp")) => Product::Whatsapp,
            _ => Product::Graph,
        }
    }
}

fn is_messenger_edge(edge: &str) -> bool {
    matches!(
        edge,
        "messages" | "conversations" | "messenger_profile" | "message_attachments"
    )
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

/// Build a field list, skipping fields without a value (Meta omits them).
/// Values are closures, run only for the fields asked for.
struct Fields<'w> {
    fields: Vec<(&'static str, FieldValue)>,
    wanted: &'w [&'w str],
}

impl<'w> Fields<'w> {
    fn new(id: &str, wanted: &'w [&'w str]) -> Self {
        Self {
            fields: vec![("id", FieldValue::Json(json!(id)))],
            wanted,
        }
    }
    fn wants(&self, name: &str) -> bool {
        self.wanted.contains(&name)
    }
    fn put<T: Into<Value>>(mut self, name: &'static str, value: impl FnOnce() -> T) -> Self {
        if self.wants(name) {
            self.fields.push((name, FieldValue::Json(value().into())));
        }
        self
    }
    fn put_opt<T: Into<Value>>(
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
    fn node(mut self, name: &'static str, id: Option<&String>) -> Self {
        if let Some(id) = id.filter(|_| self.wants(name)) {
            self.fields.push((name, FieldValue::Node(id.clone())));
        }
        self
    }
}

fn page_category_list(page: &Page) -> Value {
    json!([{ "id": category_id(&page.category), "name": page.category }])
}

/// A stable numeric id for a category name (Meta's categories have fixed ids).
fn category_id(name: &str) -> String {
    let sum = name
        .bytes()
        .fold(2000u32, |acc, b| (acc * 31 + u32::from(b)) % 9000);
    (1000 + sum).to_string()
}

impl Sandbox {
    pub fn node_kind(&self, id: &str) -> Option<NodeKind> {
        self.registry.get(id).copied()
    }

    /// A node with the fields in `wanted` (and `id`) that have a value; the
    /// others are not even computed.
    pub fn node_view(&self, id: &str, wanted: &[&str]) -> Option<NodeView> {
        let kind = self.node_kind(id)?;
        let fields = match kind {
            NodeKind::User => {
                let user = self.users.get(id)?;
                let mut names = user.name.splitn(2, ' ');
                Fields::new(id, wanted)
                    .put("name", || user.name.clone())
                    .put_opt("email", || user.email.clone())
                    .put_opt("first_name", || names.next().map(str::to_owned))
                    .put_opt("last_name", || names.next().map(str::to_owned))
            }
            NodeKind::SystemUser => {
                let user = self.system_users.get(id)?;
                Fields::new(id, wanted)
                    .put("name", || user.name.clone())
                    .put("role", || "ADMIN")
            }
            NodeKind::App => {
                let app = self.apps.get(id)?;
                Fields::new(id, wanted)
                    .put("name", || app.name.clone())
                    .put("link", || {
                        format!("https://www.facebook.com/games/?app_id={id}")
                    })
                    .put("category", || "Business")
            }
            NodeKind::Business => {
                let business = self.businesses.get(id)?;
                Fields::new(id, wanted)
                    .put("name", || business.name.clone())
                    .put("verification_status", || {
                        business.verification_status.clone()
                    })
                    .put("created_time", || graph_time(business.created_time))
                    .put("timezone_id", || 1)
            }
            NodeKind::Page => {
                let page = self.pages.get(id)?;
                let whatsapp = self
                    .links
                    .whatsapp_pages
                    .get(id)
                    .and_then(|link| self.phone_numbers.get(&link.phone_number_id));
                Fields::new(id, wanted)
                    .put("name", || page.name.clone())
                    .put("category", || page.category.clone())
                    .put("category_list", || page_category_list(page))
                    .put_opt("about", || page.about.clone())
                    .put_opt("description", || page.description.clone())
                    .put_opt("emails", || {
                        (!page.emails.is_empty()).then(|| json!(page.emails))
                    })
                    .put_opt("phone", || page.phone.clone())
                    .put_opt("website", || page.website.clone())
                    .put_opt("hours", || {
                        (!page.hours.is_empty()).then(|| json!(page.hours))
                    })
                    .put_opt("single_line_address", || page.single_line_address.clone())
                    .put("link", || format!("https://www.facebook.com/{id}"))
                    .node(
                        "instagram_business_account",
                        page.instagram_business_account.as_ref(),
                    )
                    .node(
                        "connected_instagram_account",
                        page.instagram_business_account.as_ref(),
                    )
                    .put_opt("whatsapp_number", || whatsapp.map(|p| p.digits.clone()))
                    .put("has_whatsapp_number", || whatsapp.is_some())
                    // Every number metasim links is a WhatsApp Business number.
                    .put("has_whatsapp_business_number", || whatsapp.is_some())
            }
            NodeKind::InstagramUser => {
                let ig = self.instagram_accounts.get(id)?;
                Fields::new(id, wanted)
                    .put("ig_id", || {
                        ig.ig_id
                            .parse::<u64>()
                            .map(Value::from)
                            .unwrap_or(json!(ig.ig_id))
                    })
                    .put("username", || ig.username.clone())
                    .put_opt("name", || ig.name.clone())
                    .put_opt("biography", || ig.biography.clone())
                    .put_opt("website", || ig.website.clone())
                    .put("followers_count", || ig.followers_count)
                    .put("follows_count", || ig.follows_count)
                    .put("media_count", || ig.media_count)
                    .put("profile_picture_url", || {
                        format!("https://scontent.cdninstagram.com/v/{}/profile.jpg", ig.id)
                    })
            }
            NodeKind::WhatsappBusinessAccount => {
                let waba = self.wabas.get(id)?;
                let verification = self
                    .businesses
                    .get(&waba.business_id)
                    .map_or("not_verified".to_owned(), |b| b.verification_status.clone());
                Fields::new(id, wanted)
                    .put("name", || waba.name.clone())
                    .put("currency", || waba.currency.clone())
                    .put("timezone_id", || waba.timezone_id.clone())
                    .put("country", || waba.country.clone())
                    .put("message_template_namespace", || {
                        waba.message_template_namespace.clone()
                    })
                    .put("account_review_status", || {
                        waba.account_review_status.clone()
                    })
                    .put("business_verification_status", || verification)
                    .put("ownership_type", || waba.ownership_type.clone())
            }
            NodeKind::PhoneNumber => {
                let phone = self.phone_numbers.get(id)?;
                Fields::new(id, wanted)
                    .put("display_phone_number", || phone.display_phone_number.clone())
                    .put("verified_name", || phone.verified_name.clone())
                    .put("code_verification_status", || phone.code_verification_status.clone(),
                    )
                    .put("name_status", || phone.name_status.clone())
                    .put("quality_rating", || phone.quality_rating.clone())
                    .put("platform_type", || phone.platform_type.clone())
                    .put("status", || phone.status.clone())
                    .put("throughput", || json!({ "level": phone.throughput_level }))
                    .put("messaging_limit_tier", || phone.messaging_limit_tier.clone())
                    .put("account_mode", || phone.account_mode.clone())
                    .put("is_pin_enabled", || phone.pin.is_some())
                    .put("is_official_business_account", || phone.is_official_business_account,
                    )
                    .put_opt("country_code", || calling_code(&phone.digits).map(|(_, country)| country))
                    .put_opt("country_dial_code", || calling_code(&phone.digits).map(|(code, _)| code))
                    .put("is_on_biz_app", || false)
                    .put("is_preverified_number", || false)
                    .put("health_status", || json!({
                        "can_send_message": if phone.is_registered() { "AVAILABLE" } else { "BLOCKED" },
                        "entities": [{
                            "entity_type": "PHONE_NUMBER",
                            "id": id,
                            "can_send_message": if phone.is_registered() { "AVAILABLE" } else { "BLOCKED" },
                        }],
                    }))
                    .put("quality_score", || json!({ "score": phone.quality_rating }))
                    .put("new_name_status", || "NONE")
            }
            NodeKind::Media => {
                let media = self.live_media(id)?;
                Fields::new(id, wanted)
                    .put("messaging_product", || "whatsapp")
                    .put("mime_type", || media.mime_type.clone())
                    .put("sha256", || media.sha256.clone())
                    .put("file_size", || media.file_size.to_string())
            }
            NodeKind::MessageTemplate => {
                let template = self.templates.get(id)?;
                Fields::new(id, wanted)
                    .put("name", || template.name.clone())
                    .put("parameter_format", || template.parameter_format.clone())
                    .put("components", || template.components.clone())
                    .put("language", || template.language.clone())
                    .put("status", || template.status.clone())
                    .put("category", || template.category.clone())
                    .put("rejected_reason", || {
                        template
                            .rejected_reason
                            .clone()
                            .unwrap_or_else(|| "NONE".to_owned())
                    })
            }
        };
        Some(NodeView {
            kind,
            fields: fields.fields,
        })
    }

    /// The object a node's permissions are checked against (a phone number is
    /// covered by its WABA's granular scopes).
    pub fn permission_target<'a>(&'a self, id: &'a str) -> &'a str {
        if let Some(phone) = self.phone_numbers.get(id) {
            &phone.waba_id
        } else if let Some(template) = self.templates.get(id) {
            &template.waba_id
        } else if let Some(media) = self.media.get(id) {
            self.phone_numbers
                .get(&media.phone_number_id)
                .map_or(id, |p| p.waba_id.as_str())
        } else {
            id
        }
    }

    /// The items of an edge, in a stable order. `filters` are the request's
    /// parameters (edges that filter, like `message_templates`, read them).
    pub fn edge_items(
        &self,
        id: &str,
        edge: &str,
        token: &AccessToken,
        filters: &[(String, String)],
    ) -> Vec<EdgeItem> {
        let plain = |id: &String| EdgeItem {
            id: id.clone(),
            extra: vec![],
        };
        match edge {
            "accounts" => self
                .pages
                .values()
                .filter_map(|page| {
                    let tasks = page.roles.get(id)?;
                    let page_token = self.tokens.values().find(|t| {
                        t.subject_id == page.id && t.derived_from.as_ref() == Some(&token.token)
                    })?;
                    Some(EdgeItem {
                        id: page.id.clone(),
                        extra: vec![
                            ("access_token", json!(page_token.token)),
                            ("tasks", json!(tasks)),
                        ],
                    })
                })
                .collect(),
            "businesses" => self
                .businesses
                .values()
                .filter(|b| b.owner_user_id.as_deref() == Some(id))
                .map(|b| plain(&b.id))
                .collect(),
            "owned_whatsapp_business_accounts" => self
                .wabas
                .values()
                .filter(|w| w.business_id == id)
                .map(|w| plain(&w.id))
                .collect(),
            "phone_numbers" => self
                .phone_numbers
                .values()
                .filter(|p| p.waba_id == id)
                .map(|p| plain(&p.id))
                .collect(),
            "message_templates" => {
                let wanted = |key: &str, value: &str| {
                    filters
                        .iter()
                        .filter(|(k, _)| k == key)
                        .all(|(_, v)| v.eq_ignore_ascii_case(value))
                };
                let mut templates: Vec<_> = self
                    .templates
                    .values()
                    .filter(|t| t.waba_id == id)
                    .filter(|t| wanted("name", &t.name) && wanted("status", &t.status))
                    .filter(|t| wanted("category", &t.category) && wanted("language", &t.language))
                    .collect();
                templates.sort_by_key(|t| t.created_seq);
                templates.into_iter().map(|t| plain(&t.id)).collect()
            }
            _ => vec![],
        }
    }

    /// Default fields for the items of an edge.
    pub fn edge_default_fields(edge: &str, item_kind: NodeKind) -> &'static [&'static str] {
        match edge {
            "accounts" => &[
                "access_token",
                "category",
                "category_list",
                "name",
                "id",
                "tasks",
            ],
            "phone_numbers" => &[
                "verified_name",
                "code_verification_status",
                "display_phone_number",
                "quality_rating",
                "platform_type",
                "throughput",
                "id",
            ],
            _ => item_kind.default_fields(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_field_is_a_known_field() {
        for kind in NodeKind::ALL {
            for field in kind.default_fields() {
                assert!(kind.known_fields().contains(field), "{kind:?}.{field}");
            }
            let (prefix, len) = kind.id_shape();
            assert!(prefix.len() < len);
        }
    }

    #[test]
    fn products() {
        assert_eq!(NodeKind::Page.product(Some("messages")), Product::Messenger);
        assert_eq!(NodeKind::Page.product(None), Product::Graph);
        assert_eq!(NodeKind::PhoneNumber.product(None), Product::Whatsapp);
        assert_eq!(NodeKind::Media.product(None), Product::Whatsapp);
        assert_eq!(product_from_id_shape("320000000000001"), Product::Whatsapp);
        assert_eq!(
            product_from_id_shape("17841400000000001"),
            Product::Instagram
        );
        assert_eq!(product_from_id_shape("me"), Product::Graph);
    }
}
