//! Graph descriptors of WhatsApp's node kinds: the WhatsApp Business Account
//! (with its phone numbers and message templates as edges), the business
//! phone number, the message template and uploaded media. Permissions on a
//! number, template or media item are those on its WABA.

use std::collections::BTreeMap;

use serde_json::json;

use crate::world::clock::graph_time;
use crate::world::nodes::{
    EdgeItem, EdgeQuery, FieldList, Fields, ListEdge, NodeAccess, NodeDescriptor, Product,
    items_where,
};
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::calling_code;
use crate::world::whatsapp::flows::{DATA_API_VERSION, JSON_VERSION};
use sha2::Digest;

const MANAGEMENT: &str = "whatsapp_business_management";

/// Read with the management scope, as the WABA that `permission_target` names.
const fn under_waba(permission_target: for<'a> fn(&'a Sandbox, &'a str) -> &'a str) -> NodeAccess {
    NodeAccess {
        read_scope: Some(MANAGEMENT),
        permission_target,
        ..NodeAccess::OPEN
    }
}

/// The WABA id `waba` reads off the node `id` of `nodes` (the id itself
/// for a node that is gone).
fn owner<'a, T>(
    nodes: &'a BTreeMap<String, T>,
    id: &'a str,
    waba: impl Fn(&'a T) -> &'a String,
) -> &'a str {
    nodes.get(id).map_or(id, |node| waba(node).as_str())
}

pub static WABA: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppBusinessAccount",
    id_shape: ("31", 15),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: &[
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
    default_fields: &["id", "name"],
    edges: &[
        ListEdge {
            name: "phone_numbers",
            scopes: &[MANAGEMENT],
            item_default_fields: Some(&[
                "verified_name",
                "code_verification_status",
                "display_phone_number",
                "quality_rating",
                "platform_type",
                "throughput",
                "id",
            ]),
            items: |sandbox, id, _| {
                items_where(&sandbox.whatsapp.phone_numbers, |p| p.waba_id == id)
            },
        },
        ListEdge {
            name: "message_templates",
            scopes: &[MANAGEMENT],
            item_default_fields: None,
            items: waba_templates,
        },
        ListEdge {
            name: "flows",
            scopes: &[MANAGEMENT],
            item_default_fields: Some(&["id", "name", "status", "categories", "validation_errors"]),
            items: |sandbox, id, _| items_where(&sandbox.whatsapp.flows, |f| f.waba_id == id),
        },
    ],
    access: NodeAccess {
        read_scope: Some(MANAGEMENT),
        business_usage: true,
        ..NodeAccess::OPEN
    },
    view: waba_view,
};

fn waba_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let waba = sandbox.whatsapp.wabas.get(id)?;
    let verification = sandbox
        .accounts
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
        .done()
}

/// The WABA's templates in creation order, filtered by `name`, `status`,
/// `category` and `language` when the request gives them.
fn waba_templates(sandbox: &Sandbox, id: &str, query: &EdgeQuery<'_>) -> Vec<EdgeItem> {
    let wanted = |key: &str, value: &str| {
        query
            .params
            .iter()
            .filter(|(k, _)| k == key)
            .all(|(_, v)| v.eq_ignore_ascii_case(value))
    };
    let mut templates: Vec<_> = sandbox
        .whatsapp
        .templates
        .values()
        .filter(|t| t.waba_id == id)
        .filter(|t| wanted("name", &t.name) && wanted("status", &t.status))
        .filter(|t| wanted("category", &t.category) && wanted("language", &t.language))
        .collect();
    templates.sort_by_key(|t| t.created_seq);
    templates
        .into_iter()
        .map(|t| EdgeItem::plain(&t.id))
        .collect()
}

pub static PHONE_NUMBER: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppBusinessPhoneNumber",
    id_shape: ("32", 15),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: &[
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
    default_fields: &[
        "id",
        "display_phone_number",
        "verified_name",
        "quality_rating",
    ],
    edges: &[],
    access: NodeAccess {
        business_usage: true,
        // A WhatsApp Business app number is not on the API before onboarding.
        reachable: Sandbox::phone_number_in_a_waba,
        ..under_waba(|sandbox, id| owner(&sandbox.whatsapp.phone_numbers, id, |p| &p.waba_id))
    },
    view: phone_number_view,
};

fn phone_number_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let phone = sandbox.whatsapp.phone_numbers.get(id)?;
    let can_send = if phone.is_registered() {
        "AVAILABLE"
    } else {
        "BLOCKED"
    };
    Fields::new(id, wanted)
        .put("display_phone_number", || {
            phone.display_phone_number.clone()
        })
        .put("verified_name", || phone.verified_name.clone())
        .put("code_verification_status", || {
            phone.code_verification_status.clone()
        })
        .put("name_status", || phone.name_status.clone())
        .put("quality_rating", || phone.quality_rating.clone())
        .put("platform_type", || phone.platform_type.clone())
        .put("status", || phone.status.clone())
        .put("throughput", || json!({ "level": phone.throughput_level }))
        .put("messaging_limit_tier", || {
            phone.messaging_limit_tier.clone()
        })
        .put("account_mode", || phone.account_mode.clone())
        .put("is_pin_enabled", || phone.pin.is_some())
        .put("is_official_business_account", || {
            phone.is_official_business_account
        })
        .put_opt("country_code", || {
            calling_code(&phone.digits).map(|(_, country)| country)
        })
        .put_opt("country_dial_code", || {
            calling_code(&phone.digits).map(|(code, _)| code)
        })
        .put("is_on_biz_app", || sandbox.is_on_biz_app(id))
        .put("is_preverified_number", || false)
        .put("health_status", || {
            json!({
                "can_send_message": can_send,
                "entities": [{
                    "entity_type": "PHONE_NUMBER",
                    "id": id,
                    "can_send_message": can_send,
                }],
            })
        })
        .put("quality_score", || json!({ "score": phone.quality_rating }))
        .put("new_name_status", || "NONE")
        .done()
}

pub static MESSAGE_TEMPLATE: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppBusinessHSM",
    id_shape: ("38", 16),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: &[
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
    default_fields: &[
        "name",
        "parameter_format",
        "components",
        "language",
        "status",
        "category",
        "id",
    ],
    edges: &[],
    access: under_waba(|sandbox, id| owner(&sandbox.whatsapp.templates, id, |t| &t.waba_id)),
    view: |sandbox, id, wanted| {
        let template = sandbox.whatsapp.templates.get(id)?;
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
            .done()
    },
};

pub static MEDIA: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppBusinessMedia",
    id_shape: ("39", 16),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: MEDIA_FIELDS,
    default_fields: MEDIA_FIELDS,
    edges: &[],
    access: NodeAccess {
        read_scope: Some("whatsapp_business_messaging"),
        permission_target: |sandbox, id| {
            sandbox
                .whatsapp
                .media
                .get(id)
                .and_then(|media| sandbox.whatsapp.phone_numbers.get(&media.phone_number_id))
                .map_or(id, |phone| phone.waba_id.as_str())
        },
        ..NodeAccess::OPEN
    },
    view: |sandbox, id, wanted| {
        let media = sandbox.live_media(id)?;
        Fields::new(id, wanted)
            .put("messaging_product", || "whatsapp")
            .put("mime_type", || media.mime_type.clone())
            .put("sha256", || media.sha256.clone())
            .put("file_size", || media.file_size.to_string())
            .done()
    },
};

const MEDIA_FIELDS: &[&str] = &[
    "messaging_product",
    "url",
    "mime_type",
    "sha256",
    "file_size",
    "id",
];

pub static FLOW: NodeDescriptor = NodeDescriptor {
    type_name: "FlowNode",
    id_shape: ("29", 15),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: FLOW_FIELDS,
    default_fields: FLOW_FIELDS,
    edges: &[],
    access: under_waba(|sandbox, id| owner(&sandbox.whatsapp.flows, id, |f| &f.waba_id)),
    view: flow_view,
};

/// Every Flow field, all answered by default (as Meta's `GET /{flow-id}`).
const FLOW_FIELDS: &[&str] = &[
    "id",
    "name",
    "status",
    "categories",
    "validation_errors",
    "json_version",
    "data_api_version",
    "endpoint_uri",
    "preview",
    "whatsapp_business_account",
    "application",
    "health_status",
];

fn flow_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let flow = sandbox.whatsapp.flows.get(id)?;
    Fields::new(id, wanted)
        .put("name", || flow.name.clone())
        .put("status", || flow.status.clone())
        .put("categories", || json!(flow.categories))
        .put("validation_errors", || json!([]))
        .put("json_version", || JSON_VERSION)
        .put("data_api_version", || DATA_API_VERSION)
        .put_opt("endpoint_uri", || flow.endpoint_uri.clone())
        .put("preview", || {
            // A preview link lasts 30 days from the Flow's creation.
            json!({
                "preview_url": format!("https://business.facebook.com/wa/manage/flows/{id}/preview/?token={}", preview_token(id)),
                "expires_at": graph_time(flow.created_at.saturating_add(30 * 86_400)),
            })
        })
        .node("whatsapp_business_account", Some(&flow.waba_id))
        .node("application", Some(&flow.app_id))
        .put("health_status", || {
            json!({
                "can_send_message": "AVAILABLE",
                "entities": [{ "entity_type": "FLOW", "id": id, "can_send_message": "AVAILABLE" }],
            })
        })
        .done()
}

/// A stable token for a Flow's preview link.
fn preview_token(id: &str) -> String {
    hex::encode(&sha2::Sha256::digest(id.as_bytes())[..16])
}
