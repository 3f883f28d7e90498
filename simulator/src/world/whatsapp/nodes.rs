//! Graph descriptors of WhatsApp's node kinds: the WhatsApp Business Account
//! (with its phone numbers and message templates as edges), the business
//! phone number, the message template and uploaded media. Permissions on a
//! number, template or media item are those on its WABA.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::world::clock::{graph_time, iso8601};
use crate::world::nodes::{
    EdgeItem, EdgeQuery, FieldList, Fields, ListEdge, NodeAccess, NodeDescriptor, NodeKind,
    Product, field_list, items_where,
};
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::{calling_code, numbering_zone};
use crate::world::whatsapp::billing::funding_id;
use crate::world::whatsapp::flow_health::flow_health_status;
use crate::world::whatsapp::flows::{DATA_API_VERSION, JSON_VERSION};
use crate::world::whatsapp::health::HealthTarget;
use crate::world::whatsapp::solutions::MobilityStatus;
use crate::world::whatsapp::templates::Template;
use base64::Engine as _;
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

/// Meta omits these unless they apply: a WABA shared on behalf of another
/// business, eligible for international authentication rates, linked to a
/// commerce account or a marketing ad account.
const WABA_UNSET_FIELDS: &[&str] = &[
    "on_behalf_of_business_info",
    "auth_international_rate_eligibility",
    "linked_commerce_account",
    "marketing_messages_ad_account",
];

pub static WABA: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppBusinessAccount",
    id_shape: ("31", 15),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: field_list!(
        &[
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
            "creation_time",
            "disable_marketing_messages_on_cloud_api",
            "health_status",
            "is_enabled_for_insights",
            "is_shared_with_partners",
            "marketing_messages_lite_api_status",
            "marketing_messages_onboarding_status",
            "owner_business",
            "owner_business_info",
            "primary_business_location",
            "primary_funding_id",
            "purchase_order_number",
            "subscribed_apps",
            "template_auto_archival_enabled",
            "whatsapp_business_manager_messaging_limit",
            "degrees_of_freedom_spec",
            // Counted on request, with arguments (`analytics.start(…)…`).
            "analytics",
            "pricing_analytics",
            "conversation_analytics",
            "template_analytics",
            "template_group_analytics",
            "call_analytics",
            "group_analytics",
        ],
        WABA_UNSET_FIELDS,
    ),
    unset_fields: WABA_UNSET_FIELDS,
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
            name: "template_groups",
            scopes: &[MANAGEMENT],
            item_default_fields: Some(&["id", "name", "description"]),
            items: waba_template_groups,
        },
        ListEdge {
            name: "flows",
            scopes: &[MANAGEMENT],
            item_default_fields: Some(&["id", "name", "status", "categories", "validation_errors"]),
            items: |sandbox, id, _| items_where(&sandbox.whatsapp.flows, |f| f.waba_id == id),
        },
        ListEdge {
            name: "solutions",
            scopes: &[MANAGEMENT],
            item_default_fields: None,
            items: |sandbox, id, _| {
                items_where(&sandbox.whatsapp.solutions.solutions, |s| {
                    s.wabas.iter().any(|w| w == id)
                })
            },
        },
        ListEdge {
            name: "in_progress_onbehalf_request",
            scopes: &[MANAGEMENT],
            item_default_fields: Some(&[
                "id",
                "status",
                "business_owned_object",
                "requesting_business",
            ]),
            items: in_progress_onbehalf,
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
    let settings = &waba.settings;
    let can_pay = waba.billing.payment_method;
    let verified = verification == "verified";
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
        .put("ownership_type", || waba.ownership_type.clone())
        .put("status", || "ACTIVE")
        .put("creation_time", || waba.creation_time)
        .put("disable_marketing_messages_on_cloud_api", || {
            settings.disable_marketing_messages_on_cloud_api
        })
        .put("is_enabled_for_insights", || {
            settings.is_enabled_for_insights
        })
        .put("is_shared_with_partners", || false)
        .put("marketing_messages_lite_api_status", || {
            if verified && can_pay {
                "ELIGIBLE"
            } else {
                "INELIGIBLE"
            }
        })
        .put("marketing_messages_onboarding_status", || {
            match (verified, can_pay) {
                (true, true) => "ELIGIBLE",
                (true, false) => "PENDING_VALID_PAYMENT_METHOD",
                (false, _) => "INELIGIBLE_INACTIVE_OR_RESTRICTED",
            }
        })
        .node("owner_business", Some(&waba.business_id))
        .put_opt("owner_business_info", || {
            sandbox.business_info(&waba.business_id)
        })
        .put("primary_business_location", || waba.country.clone())
        .put_opt("primary_funding_id", || can_pay.then(|| funding_id(id)))
        .put_opt("purchase_order_number", || {
            settings.purchase_order_number.clone()
        })
        .put("subscribed_apps", || sandbox.waba_subscribed_apps(id))
        .put("template_auto_archival_enabled", || {
            settings.template_auto_archival_enabled
        })
        .put("whatsapp_business_manager_messaging_limit", || {
            sandbox.portfolio_messaging_limit(&waba.business_id)
        })
        .put_opt("degrees_of_freedom_spec", || {
            settings.degrees_of_freedom_spec.clone()
        })
        .put("business_verification_status", || verification)
        .done()
}

/// The WABA's templates in creation order, filtered as Meta filters them:
/// `status`, `category`, `language` and `quality_score` take a comma-joined
/// list, `name` and `content` match a part (case-insensitively),
/// `name_or_content` either.
fn waba_templates(sandbox: &Sandbox, id: &str, query: &EdgeQuery<'_>) -> Vec<EdgeItem> {
    let params: Vec<(&str, &str)> = query
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut templates: Vec<_> = sandbox
        .whatsapp
        .templates
        .values()
        .filter(|t| t.waba_id == id && template_matches(t, &params))
        .collect();
    templates.sort_by_key(|t| t.created_seq);
    templates
        .into_iter()
        .map(|t| EdgeItem::plain(&t.id))
        .collect()
}

/// The WABA's template groups in creation order.
fn waba_template_groups(sandbox: &Sandbox, id: &str, _: &EdgeQuery<'_>) -> Vec<EdgeItem> {
    let mut groups: Vec<_> = sandbox
        .whatsapp
        .template_groups
        .values()
        .filter(|g| g.waba_id == id)
        .collect();
    groups.sort_by_key(|g| g.seq);
    groups.into_iter().map(|g| EdgeItem::plain(&g.id)).collect()
}

fn template_matches(template: &Template, params: &[(&str, &str)]) -> bool {
    let one_of = |value: &str, list: &str| {
        list.split(',')
            .map(str::trim)
            .any(|item| item.eq_ignore_ascii_case(value))
    };
    let contains = |text: &str, part: &str| text.to_lowercase().contains(&part.to_lowercase());
    let body = template.body_text().unwrap_or_default();
    let quality = template.quality_score(0);
    params.iter().all(|&(key, value)| match key {
        "status" => one_of(&template.status, value),
        "category" => one_of(&template.category, value),
        "language" => one_of(&template.language, value),
        "quality_score" => one_of(quality["score"].as_str().unwrap_or_default(), value),
        "name" => contains(&template.name, value),
        "content" => contains(body, value),
        "name_or_content" => contains(&template.name, value) || contains(body, value),
        _ => true,
    })
}

/// Meta answers this only while a new display name is in review
/// (`new_display_name` itself is a parameter of `POST /{phone-number-id}`,
/// not a field).
const PHONE_NUMBER_UNSET_FIELDS: &[&str] = &["new_certificate"];

pub static PHONE_NUMBER: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppBusinessPhoneNumber",
    id_shape: ("32", 15),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: field_list!(
        &[
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
            "last_onboarded_time",
            "conversational_automation",
            "webhook_configuration",
            "search_visibility",
            "eligibility_for_api_business_global_search",
            "certificate",
            "whatsapp_business_manager_messaging_limit",
            "unified_cert_status",
            "host_platform",
            // Omitted while the number has no business username.
            "username",
        ],
        PHONE_NUMBER_UNSET_FIELDS,
    ),
    unset_fields: PHONE_NUMBER_UNSET_FIELDS,
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
        .put("quality_score", || json!({ "score": phone.quality_rating }))
        .put("new_name_status", || "NONE")
        .put_opt("last_onboarded_time", || {
            sandbox.whatsapp.added_at.get(id).map(|at| graph_time(*at))
        })
        .put("conversational_automation", || sandbox.automation_json(id))
        .put("search_visibility", || {
            if phone.is_registered() && phone.name_status == "APPROVED" {
                "VISIBLE"
            } else {
                "NON_VISIBLE"
            }
        })
        .put("eligibility_for_api_business_global_search", || {
            if calling_code(&phone.digits).is_some() {
                "ELIGIBLE"
            } else {
                "NON_ELIGIBLE_UNDEFINED_COUNTRY"
            }
        })
        .put_opt("certificate", || {
            (phone.name_status == "APPROVED").then(|| certificate(id, &phone.verified_name))
        })
        .put("whatsapp_business_manager_messaging_limit", || {
            let business = sandbox.business_of_phone(id).unwrap_or_default();
            sandbox.portfolio_messaging_limit(&business)
        })
        .put("unified_cert_status", || {
            unified_cert_status(&phone.name_status)
        })
        .put("host_platform", || phone.platform_type.clone())
        .put_opt("username", || sandbox.business_username(id).cloned())
        .done()
}

/// The spec's `WhatsAppBusinessUnifiedCertStatus` of a display name's
/// review (`name_status`): a name that needs no review counts as approved.
fn unified_cert_status(name_status: &str) -> &'static str {
    match name_status {
        "PENDING_REVIEW" => "NAME_PENDING_REVIEW",
        "DECLINED" | "EXPIRED" => "NAME_NOT_APPROVED",
        "NONE" => "ACCOUNT_REVIEW_NOT_STARTED",
        _ => "APPROVED",
    }
}

/// The base64 certificate of an approved display name: derived from the
/// number and the name, so it changes only when they do.
fn certificate(id: &str, name: &str) -> String {
    let digest = sha2::Sha256::digest(format!("{id}\n{name}").as_bytes());
    let mut bytes = vec![0x0a, 0x20];
    bytes.extend_from_slice(&digest);
    bytes.extend_from_slice(&[0x12, name.len().min(255) as u8]);
    bytes.extend(name.bytes().take(255));
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Meta answers these only for templates from its library, ones it
/// recategorised, and utility templates of a sub-category.
const MESSAGE_TEMPLATE_UNSET_FIELDS: &[&str] =
    &["library_template_name", "correct_category", "sub_category"];

pub static MESSAGE_TEMPLATE: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppBusinessHSM",
    id_shape: ("38", 16),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: field_list!(
        &[
            "id",
            "name",
            "language",
            "status",
            "category",
            "components",
            "parameter_format",
            "rejected_reason",
            "message_send_ttl_seconds",
            "quality_score",
            "previous_category",
            "cta_url_link_tracking_opted_out",
            "degrees_of_freedom_spec",
            "health_status",
        ],
        MESSAGE_TEMPLATE_UNSET_FIELDS,
    ),
    unset_fields: MESSAGE_TEMPLATE_UNSET_FIELDS,
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
            .put("message_send_ttl_seconds", || {
                template.message_send_ttl_seconds()
            })
            .put("quality_score", || {
                let created = sandbox
                    .whatsapp
                    .wabas
                    .get(&template.waba_id)
                    .map_or(0, |w| w.creation_time);
                template.quality_score(template.created_at.max(created))
            })
            .put_opt("previous_category", || {
                template.details.previous_category.clone()
            })
            .put("cta_url_link_tracking_opted_out", || {
                template.details.cta_url_link_tracking_opted_out
            })
            .put_opt("degrees_of_freedom_spec", || {
                template.details.degrees_of_freedom_spec.clone()
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
    unset_fields: &[],
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
    fields: FLOW_ALL_FIELDS,
    unset_fields: &[],
    default_fields: FLOW_FIELDS,
    edges: &[],
    access: under_waba(|sandbox, id| owner(&sandbox.whatsapp.flows, id, |f| &f.waba_id)),
    view: flow_view,
};

/// The Flow fields answered by default (as Meta's `GET /{flow-id}`).
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

/// Every Flow field: the defaults and when it last changed.
const FLOW_ALL_FIELDS: &[&str] = &[
    "id",
    "name",
    "updated_at",
    "status",
    "categories",
    "validation_errors",
    "preview",
    "json_version",
    "data_api_version",
    "endpoint_uri",
    "health_status",
    "whatsapp_business_account",
    "application",
    // Counted on request, with arguments (`metric.name(…).granularity(…)`).
    "metric",
];

fn flow_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let flow = sandbox.whatsapp.flows.get(id)?;
    Fields::new(id, wanted)
        .put("name", || flow.name.clone())
        .put("status", || flow.status.clone())
        .put("categories", || json!(flow.categories))
        .put("validation_errors", || {
            json!(flow.json.as_ref().map_or(&[][..], |j| &j.validation_errors))
        })
        .put("json_version", || {
            flow.json
                .as_ref()
                .and_then(|j| j.version.clone())
                .unwrap_or_else(|| JSON_VERSION.to_owned())
        })
        .put("updated_at", || graph_time(flow.updated_at.max(flow.created_at)))
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
        .put("health_status", || flow_health_status(id, &flow.status))
        .done()
}

/// A template group (Meta's `BusinessMessagingTemplateGroup`). Its
/// templates are an edge, which Meta answers by default with the rest.
pub static TEMPLATE_GROUP: NodeDescriptor = NodeDescriptor {
    type_name: "BusinessMessagingTemplateGroup",
    id_shape: ("90", 16),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: field_list!(
        &[
            "id",
            "name",
            "creation_time",
            "update_time",
            "whatsapp_business_account",
        ],
        TEMPLATE_GROUP_UNSET_FIELDS,
    ),
    unset_fields: TEMPLATE_GROUP_UNSET_FIELDS,
    default_fields: &[
        "name",
        "description",
        "creation_time",
        "update_time",
        "whatsapp_business_account",
        "whatsapp_business_templates",
        "id",
    ],
    edges: &[ListEdge {
        name: "whatsapp_business_templates",
        scopes: &[MANAGEMENT],
        item_default_fields: None,
        items: |sandbox, id, _| {
            sandbox
                .whatsapp
                .template_groups
                .get(id)
                .map(|group| group.template_ids().map(EdgeItem::plain).collect())
                .unwrap_or_default()
        },
    }],
    access: under_waba(|sandbox, id| owner(&sandbox.whatsapp.template_groups, id, |g| &g.waba_id)),
    view: template_group_view,
};

/// A group created without a description has none.
const TEMPLATE_GROUP_UNSET_FIELDS: &[&str] = &["description"];

fn template_group_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let group = sandbox.whatsapp.template_groups.get(id)?;
    Fields::new(id, wanted)
        .put("name", || group.name.clone())
        .put_opt("description", || group.description.clone())
        .put("creation_time", || graph_time(group.created_at))
        .put("update_time", || graph_time(group.updated_at))
        .put_opt("whatsapp_business_account", || {
            // The WABA as Meta shows it here: its identity and namespace.
            let waba = sandbox.whatsapp.wabas.get(&group.waba_id)?;
            Some(json!({
                "id": waba.id,
                "name": waba.name,
                "currency": waba.currency,
                "timezone_id": waba.timezone_id,
                "message_template_namespace": waba.message_template_namespace,
            }))
        })
        .done()
}

/// A stable token for a Flow's preview link.
fn preview_token(id: &str) -> String {
    hex::encode(&sha2::Sha256::digest(id.as_bytes())[..16])
}

/// Fields of WhatsApp nodes whose value depends on the app asking: the
/// `health_status` of a WABA, number or template (the app is one of its
/// entities), and a number's `webhook_configuration` (that app's callback
/// URLs, most specific first).
pub fn viewer_fields(
    sandbox: &Sandbox,
    kind: NodeKind,
    id: &str,
    wanted: &[&str],
    app_id: &str,
) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    if wanted.contains(&"health_status") {
        let target = match kind {
            NodeKind::WhatsappBusinessAccount => Some(HealthTarget::Waba(id)),
            NodeKind::PhoneNumber => Some(HealthTarget::PhoneNumber(id)),
            NodeKind::MessageTemplate => Some(HealthTarget::Template(id)),
            _ => None,
        };
        if let Some(health) = target.and_then(|t| sandbox.health_status(t, app_id)) {
            out.push(("health_status", health));
        }
    }
    if kind == NodeKind::PhoneNumber
        && wanted.contains(&"webhook_configuration")
        && let Some(configuration) = sandbox.webhook_configuration(id, app_id)
    {
        out.push(("webhook_configuration", configuration));
    }
    out
}

/// A WhatsApp group (`GET /{group-id}`): read with the messaging scope, as
/// the WABA of its business number.
pub static GROUP: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppGroup",
    id_shape: ("120363", 18),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: GROUP_FIELDS,
    unset_fields: &[],
    default_fields: GROUP_FIELDS,
    edges: &[],
    access: NodeAccess {
        read_scope: Some("whatsapp_business_messaging"),
        permission_target: |sandbox, id| owner(&sandbox.whatsapp.groups, id, |g| &g.waba_id),
        ..NodeAccess::OPEN
    },
    view: group_view,
};

/// Every field of Meta's group info.
const GROUP_FIELDS: &[&str] = &[
    "id",
    "messaging_product",
    "subject",
    "description",
    "join_approval_mode",
    "suspended",
    "creation_timestamp",
    "participants",
    "total_participant_count",
];

fn group_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let group = sandbox.whatsapp.groups.get(id)?;
    Fields::new(id, wanted)
        .put("messaging_product", || "whatsapp")
        .put("subject", || group.subject.clone())
        .put_opt("description", || group.description.clone())
        .put("join_approval_mode", || group.join_approval_mode.clone())
        .put("suspended", || group.suspended)
        .put("creation_timestamp", || group.created_at)
        .put("participants", || {
            json!(
                group
                    .participants
                    .iter()
                    .map(|digits| sandbox.group_member(&group.phone_number_id, digits))
                    .collect::<Vec<_>>()
            )
        })
        .put("total_participant_count", || group.participants.len())
        .done()
}

/// Pre-verified numbers belong to a business portfolio, not to a WABA.
const BUSINESS_MANAGEMENT: &str = "business_management";

/// Only once a code verified the number; `error_msg` only beside
/// `is_input_id_valid: false`, and metasim answers no node for an id that
/// is not one (Meta's #100/33 instead).
const PREVERIFIED_NUMBER_UNSET_FIELDS: &[&str] = &[
    "code_verification_time",
    "verification_expiry_time",
    "error_msg",
];

/// A pre-verified phone number of a business portfolio
/// (`GET /{pre-verified-id}`), with the businesses it is shared with
/// (`/partners`). Read with `business_management`, as its business.
pub static PREVERIFIED_NUMBER: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppBusinessPreVerifiedPhoneNumber",
    id_shape: ("27", 16),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: field_list!(PREVERIFIED_FIELDS, PREVERIFIED_NUMBER_UNSET_FIELDS),
    unset_fields: PREVERIFIED_NUMBER_UNSET_FIELDS,
    default_fields: &["id", "is_input_id_valid"],
    edges: &[ListEdge {
        name: "partners",
        scopes: &[BUSINESS_MANAGEMENT],
        item_default_fields: Some(&["id", "name"]),
        items: |sandbox, id, _| {
            sandbox
                .whatsapp
                .preverified
                .get(id)
                .map(|n| n.partners.iter().map(|p| EdgeItem::plain(p)).collect())
                .unwrap_or_default()
        },
    }],
    access: NodeAccess {
        read_scope: Some(BUSINESS_MANAGEMENT),
        permission_target: |sandbox, id| {
            sandbox
                .whatsapp
                .preverified
                .get(id)
                .map_or(id, |n| n.business_id.as_str())
        },
        ..NodeAccess::OPEN
    },
    view: preverified_view,
};

/// Every field of Meta's pre-verified number (the node's and the list's).
const PREVERIFIED_FIELDS: &[&str] = &[
    "id",
    "is_input_id_valid",
    "display_phone_number",
    "country_prefix",
    "country_code",
    "verification_status",
    "availability_status",
    "created_time",
    "last_updated",
    "supported_features",
    "region",
    "phone_number",
    "code_verification_status",
    "owner_business",
];

fn preverified_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let number = sandbox.whatsapp.preverified.get(id)?;
    let country = number.country();
    Fields::new(id, wanted)
        .put("is_input_id_valid", || true)
        .put("display_phone_number", || number.display_phone_number())
        .put_opt("country_prefix", || {
            country.and_then(|(cc, _)| cc.parse::<u64>().ok())
        })
        .put_opt("country_code", || country.map(|(_, iso)| iso))
        .put("verification_status", || number.verification_status.clone())
        .put("availability_status", || {
            if sandbox.preverified_in_use(number) {
                "IN_USE"
            } else {
                "AVAILABLE"
            }
        })
        .put("created_time", || graph_time(number.created_at))
        .put("last_updated", || graph_time(number.updated_at))
        .put("supported_features", || {
            json!(["MESSAGING", "BUSINESS_PROFILE", "WEBHOOKS", "TEMPLATES"])
        })
        .put_opt("region", || numbering_zone(&number.digits))
        .put("phone_number", || number.display_phone_number())
        .put("code_verification_status", || {
            number.code_verification_status()
        })
        .put_opt("code_verification_time", || {
            number.verified_at.map(graph_time)
        })
        .put_opt("verification_expiry_time", || {
            number.verification_expiry().map(graph_time)
        })
        .put_opt("owner_business", || {
            let business = sandbox.accounts.businesses.get(&number.business_id)?;
            Some(json!({"id": business.id, "name": business.name}))
        })
        .done()
}

/// A Multi-Partner Solution (`GET /{solution-id}`): any token may read it;
/// what a party may do with it is checked by its calls.
pub static SOLUTION: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppBusinessSolution",
    id_shape: ("41", 16),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: &[
        "id",
        "name",
        "status",
        "status_for_pending_request",
        "owner_app",
        "owner_permissions",
    ],
    unset_fields: &[],
    default_fields: &["id", "name", "status", "status_for_pending_request"],
    edges: &[],
    access: NodeAccess::OPEN,
    view: solution_view,
};

fn solution_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let solution = sandbox.whatsapp.solutions.solutions.get(id)?;
    Fields::new(id, wanted)
        .put("name", || solution.name.clone())
        .put("status", || solution.status.name())
        .put("status_for_pending_request", || solution.pending())
        .node("owner_app", Some(&solution.owner_app_id))
        .put("owner_permissions", || json!(solution.owner_tasks()))
        .done()
}

/// A WABA's migration onto a solution (`GET /{migration-intent-id}`), read
/// as its WABA.
pub static MIGRATION_INTENT: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppBusinessAccountMigrationIntent",
    id_shape: ("42", 16),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: &["id", "status"],
    unset_fields: &[],
    default_fields: &["id", "status"],
    edges: &[],
    access: under_waba(|sandbox, id| {
        owner(&sandbox.whatsapp.solutions.migration_intents, id, |i| {
            &i.waba_id
        })
    }),
    view: |sandbox, id, wanted| {
        let intent = sandbox.whatsapp.solutions.migration_intents.get(id)?;
        Fields::new(id, wanted)
            .put("status", || intent.status.name())
            .done()
    },
};

/// A WABA's on-behalf-of mobility onto a solution
/// (`GET /{obo-mobility-intent-id}`), read as its WABA.
pub static OBO_MOBILITY_INTENT: NodeDescriptor = NodeDescriptor {
    type_name: "WhatsAppBusinessAccountOBOMobilityIntent",
    id_shape: ("43", 16),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: &[
        "id",
        "waba",
        "solution",
        "status",
        "created_time",
        "updated_time",
    ],
    unset_fields: &[],
    default_fields: &["id", "waba", "solution"],
    edges: &[],
    access: under_waba(|sandbox, id| {
        owner(&sandbox.whatsapp.solutions.obo_intents, id, |i| &i.waba_id)
    }),
    view: |sandbox, id, wanted| {
        let intent = sandbox.whatsapp.solutions.obo_intents.get(id)?;
        Fields::new(id, wanted)
            .node("waba", Some(&intent.waba_id))
            .node("solution", Some(&intent.solution_id))
            .put("status", || intent.status.name())
            .put("created_time", || iso8601(intent.created_at))
            .put("updated_time", || iso8601(intent.updated_at))
            .done()
    },
};

/// `/{waba-id}/in_progress_onbehalf_request`: the WABA's pending mobility
/// intents, as requests its business sent.
fn in_progress_onbehalf(sandbox: &Sandbox, waba_id: &str, _: &EdgeQuery<'_>) -> Vec<EdgeItem> {
    let business = sandbox
        .whatsapp
        .wabas
        .get(waba_id)
        .and_then(|waba| sandbox.accounts.businesses.get(&waba.business_id))
        .map(|b| json!({ "id": b.id, "name": b.name }));
    sandbox
        .whatsapp
        .solutions
        .obo_intents
        .values()
        .filter(|i| i.waba_id == waba_id && i.status == MobilityStatus::Pending)
        .map(|intent| {
            let mut extra = vec![
                ("status", json!("IN_PROGRESS")),
                ("business_owned_object", json!(intent.waba_id)),
            ];
            if let Some(business) = &business {
                extra.push(("requesting_business", business.clone()));
            }
            EdgeItem {
                id: intent.id.clone(),
                extra,
            }
        })
        .collect()
}

/// Only for a line partitioned from another and for a line shared by
/// another business; the billing addresses (the SDK's `CreditPartition`
/// address shape) only when the business portfolio has an address, and
/// metasim keeps none. `last_payment_time` left the node in v9.0.
const EXTENDED_CREDIT_UNSET_FIELDS: &[&str] = &[
    "partition_from",
    "receiving_credit_allocation_config",
    "liable_address",
    "send_bill_to_address",
    "sold_to_address",
];

/// A business portfolio's credit line (Meta's `ExtendedCredit`), read with
/// `business_management` as its business; listed by
/// `GET /{business-id}/extendedcredits`.
pub static EXTENDED_CREDIT: NodeDescriptor = NodeDescriptor {
    type_name: "ExtendedCredit",
    id_shape: ("28", 16),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: field_list!(
        &[
            "id",
            "allocated_amount",
            "balance",
            "credit_available",
            "credit_type",
            "is_access_revoked",
            "is_automated_experience",
            "legal_entity_name",
            "liable_biz_name",
            "max_balance",
            "online_max_balance",
            "owner_business",
            "owner_business_name",
            "send_bill_to_biz_name",
        ],
        EXTENDED_CREDIT_UNSET_FIELDS,
    ),
    unset_fields: EXTENDED_CREDIT_UNSET_FIELDS,
    default_fields: &["id"],
    edges: &[ListEdge {
        name: "owning_credit_allocation_configs",
        scopes: &[],
        item_default_fields: None,
        items: owning_allocations,
    }],
    access: credit_line_access(|sandbox, id| {
        sandbox
            .whatsapp
            .credit_lines
            .get(id)
            .map_or(id, |line| line.business_id.as_str())
    }),
    view: extended_credit_view,
};

/// Read with `business_management`, as the business portfolio that owns the
/// credit line (`permission_target` names it).
const fn credit_line_access(
    permission_target: for<'a> fn(&'a Sandbox, &'a str) -> &'a str,
) -> NodeAccess {
    NodeAccess {
        read_scope: Some(BUSINESS_MANAGEMENT),
        permission_target,
        ..NodeAccess::OPEN
    }
}

/// `/{extended-credit-id}/owning_credit_allocation_configs`
/// (`receiving_business_id`?): the line's active sharings, oldest first.
fn owning_allocations(sandbox: &Sandbox, line_id: &str, query: &EdgeQuery<'_>) -> Vec<EdgeItem> {
    let receiving = query.param("receiving_business_id");
    let mut allocations: Vec<_> = sandbox
        .whatsapp
        .credit_allocations
        .values()
        .filter(|a| a.credit_line_id == line_id && !a.deleted)
        .filter(|a| receiving.is_none_or(|b| a.receiving_business_id == b))
        .collect();
    allocations.sort_by_key(|a| (a.created_at, a.id.clone()));
    allocations.iter().map(|a| EdgeItem::plain(&a.id)).collect()
}

/// Ads billing terms (liability, partition, whom to bill) that a WhatsApp
/// credit sharing does not set, and the receiving side's own credit line,
/// which metasim does not make.
const CREDIT_ALLOCATION_CONFIG_UNSET_FIELDS: &[&str] = &[
    "liability_type",
    "partition_type",
    "receiving_credential",
    "send_bill_to",
];

/// The sharing of a credit line with a client WABA (Meta's
/// `ExtendedCreditAllocationConfig`), read as the line it shares.
pub static CREDIT_ALLOCATION_CONFIG: NodeDescriptor = NodeDescriptor {
    type_name: "ExtendedCreditAllocationConfig",
    id_shape: ("58", 15),
    product: Product::Whatsapp,
    edge_products: &[],
    fields: field_list!(
        &[
            "id",
            "currency_amount",
            "owning_business",
            "owning_credential",
            "receiving_business",
            "request_status",
        ],
        CREDIT_ALLOCATION_CONFIG_UNSET_FIELDS,
    ),
    unset_fields: CREDIT_ALLOCATION_CONFIG_UNSET_FIELDS,
    default_fields: &["id"],
    edges: &[],
    access: credit_line_access(|sandbox, id| {
        let allocations = &sandbox.whatsapp.credit_allocations;
        let line = allocations
            .get(id)
            .map_or(id, |a| a.credit_line_id.as_str());
        sandbox
            .whatsapp
            .credit_lines
            .get(line)
            .map_or(id, |line| line.business_id.as_str())
    }),
    view: |sandbox, id, wanted| {
        let allocation = sandbox.whatsapp.credit_allocations.get(id)?;
        let line = sandbox
            .whatsapp
            .credit_lines
            .get(&allocation.credit_line_id);
        Fields::new(id, wanted)
            // The whole line is shared: its limit, in its currency.
            .put_opt("currency_amount", || {
                line.map(|l| currency_amount(l.max_balance, &l.currency))
            })
            .node("owning_business", line.map(|l| &l.business_id))
            .node("owning_credential", Some(&allocation.credit_line_id))
            .node(
                "receiving_business",
                Some(&allocation.receiving_business_id),
            )
            .put("request_status", || allocation.request_status())
            .done()
    },
};

/// Meta's `CurrencyAmount`: hundredths shown as an amount, in a currency.
fn currency_amount(hundredths: u64, currency: &str) -> Value {
    json!({
        "amount": format!("{}.{:02}", hundredths / 100, hundredths % 100),
        "amount_in_hundredths": hundredths.to_string(),
        "currency": currency,
        "offsetted_amount": hundredths.to_string(),
    })
}

fn extended_credit_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let line = sandbox.whatsapp.credit_lines.get(id)?;
    let owner = sandbox.accounts.businesses.get(&line.business_id);
    let available = if line.revoked { 0 } else { line.max_balance };
    Fields::new(id, wanted)
        // metasim keeps no spend: nothing is allocated or owed.
        .put("allocated_amount", || currency_amount(0, &line.currency))
        .put("balance", || currency_amount(0, &line.currency))
        .put("credit_available", || {
            currency_amount(available, &line.currency)
        })
        .put("credit_type", || "ENTERPRISE")
        .put("is_access_revoked", || line.revoked)
        .put("is_automated_experience", || false)
        .put("legal_entity_name", || line.legal_entity_name.clone())
        .put("liable_biz_name", || line.legal_entity_name.clone())
        .put("max_balance", || {
            currency_amount(line.max_balance, &line.currency)
        })
        .put("online_max_balance", || {
            currency_amount(line.max_balance, &line.currency)
        })
        .node("owner_business", Some(&line.business_id))
        .put_opt("owner_business_name", || owner.map(|b| b.name.clone()))
        .put("send_bill_to_biz_name", || line.legal_entity_name.clone())
        .done()
}
