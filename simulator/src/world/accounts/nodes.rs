//! Graph descriptors of the accounts' node kinds: Facebook users (with their
//! Pages and businesses as edges), system users, apps and business
//! portfolios (with their WhatsApp Business Accounts).

use serde_json::json;

use crate::world::clock::graph_time;
use crate::world::ids::derived_digits;
use crate::world::links::listings;
use crate::world::nodes::{
    FieldList, Fields, ListEdge, NodeAccess, NodeDescriptor, Product, field_list, items_where,
};
use crate::world::sandbox::Sandbox;

/// Profile details a token needs a `user_*` permission for (birthday,
/// gender, hometown…), which metasim's tokens never carry, and what a
/// sandbox user never set.
const USER_UNSET_FIELDS: &[&str] = &[
    "middle_name",
    "install_type",
    "about",
    "age_range",
    "birthday",
    "client_business_id",
    "community",
    "cover",
    "education",
    "favorite_athletes",
    "favorite_teams",
    "gender",
    "hometown",
    "inspirational_people",
    "languages",
    "local_news_megaphone_dismiss_status",
    "local_news_subscription_status",
    "location",
    "meeting_for",
    "payment_pricepoints",
    "political",
    "profile_pic",
    "quotes",
    "relationship_status",
    "religion",
    "shared_login_upgrade_required_by",
    "significant_other",
    "sports",
    "timezone",
    "updated_time",
    "video_upload_limits",
    "website",
];

pub static USER: NodeDescriptor = NodeDescriptor {
    type_name: "User",
    id_shape: ("35", 15),
    product: Product::Graph,
    edge_products: &[],
    fields: field_list!(USER_FIELDS, USER_UNSET_FIELDS),
    unset_fields: USER_UNSET_FIELDS,
    default_fields: &["id", "name"],
    edges: &[
        ListEdge {
            name: "accounts",
            scopes: &["pages_show_list"],
            item_default_fields: Some(&[
                "access_token",
                "category",
                "category_list",
                "name",
                "id",
                "tasks",
            ]),
            items: listings::user_pages,
        },
        ListEdge {
            name: "businesses",
            scopes: &["business_management"],
            item_default_fields: None,
            items: |sandbox, id, _| {
                items_where(&sandbox.accounts.businesses, |b| {
                    b.owner_user_id.as_deref() == Some(id)
                })
            },
        },
    ],
    access: NodeAccess::OPEN,
    view: user_view,
};

/// The fields of Meta's User reference a sandbox user has (the rest of the
/// reference is `USER_UNSET_FIELDS`).
const USER_FIELDS: &[&str] = &[
    "id",
    "name",
    "email",
    "first_name",
    "last_name",
    "short_name",
    "name_format",
    "link",
    "installed",
    "is_guest_user",
    "is_work_account",
    "verified",
    "locale",
    "token_for_business",
    "third_party_id",
    "currency",
    "supports_donate_button_in_live_video",
];

fn user_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let user = sandbox.accounts.users.get(id)?;
    let mut names = user.name.splitn(2, ' ');
    let first = names.next().map(str::to_owned);
    let last = names.next().map(str::to_owned);
    Fields::new(id, wanted)
        .put("name", || user.name.clone())
        .put_opt("email", || user.email.clone())
        .put_opt("first_name", || first.clone())
        .put_opt("last_name", || last.clone())
        .put_opt("short_name", || first.clone())
        .put("name_format", || {
            if last.is_some() {
                "{first} {last}"
            } else {
                "{first}"
            }
        })
        .put("link", || {
            format!("https://www.facebook.com/app_scoped_user_id/{id}/")
        })
        .put_opt("installed", || {
            sandbox
                .tokens
                .values()
                .any(|t| t.subject_id == id)
                .then_some(true)
        })
        .put("is_guest_user", || false)
        .put("is_work_account", || false)
        .put("verified", || true)
        .put("locale", || "en_US")
        .put("token_for_business", || {
            let digest = derived_digits(&["token_for_business", id], 24);
            format!("AbY{digest}")
        })
        .put("third_party_id", || {
            derived_digits(&["third_party_id", id], 20)
        })
        .put("currency", || {
            json!({
                "user_currency": "USD",
                "currency_offset": 100,
                "usd_exchange": 1.0,
                "usd_exchange_inverse": 1.0,
            })
        })
        .put("supports_donate_button_in_live_video", || false)
        .done()
}

/// Set only when the business grants finance or IP-list rights.
const SYSTEM_USER_UNSET_FIELDS: &[&str] = &["finance_permission", "ip_permission"];

pub static SYSTEM_USER: NodeDescriptor = NodeDescriptor {
    type_name: "User",
    id_shape: ("37", 15),
    product: Product::Graph,
    edge_products: &[],
    fields: field_list!(
        &[
            "id",
            "name",
            "role",
            "created_by",
            "created_time",
            "system_user_id",
        ],
        SYSTEM_USER_UNSET_FIELDS,
    ),
    unset_fields: SYSTEM_USER_UNSET_FIELDS,
    default_fields: &["id", "name"],
    edges: &[],
    access: NodeAccess::OPEN,
    view: |sandbox, id, wanted| {
        let user = sandbox.accounts.system_users.get(id)?;
        let business = sandbox.accounts.businesses.get(&user.business_id);
        Fields::new(id, wanted)
            .put("name", || user.name.clone())
            .put("role", || "ADMIN")
            .node(
                "created_by",
                business.and_then(|b| b.owner_user_id.as_ref()),
            )
            .put_opt("created_time", || {
                business.map(|b| graph_time(b.created_time))
            })
            .put_opt("system_user_id", || id.parse::<u64>().ok())
            .done()
    },
};

/// Settings of Facebook Login, the SDKs, canvas, app stores and ads, and
/// the App Dashboard's optional details (namespace, company, contact and
/// support addresses, icons, policies): Meta omits them until set, and a
/// sandbox app sets none.
const APP_UNSET_FIELDS: &[&str] = &[
    "aam_rules",
    "an_ad_space_limit",
    "an_platforms",
    "android_key_hash",
    "android_sdk_error_categories",
    "app_events_config",
    "app_events_feature_bitmask",
    "app_events_session_timeout",
    "app_install_tracked",
    "app_signals_binding_ios",
    "app_type",
    "auth_dialog_data_help_url",
    "auth_dialog_headline",
    "auth_dialog_perms_explanation",
    "auth_referral_default_activity_privacy",
    "auth_referral_enabled",
    "auth_referral_extended_perms",
    "auth_referral_friend_perms",
    "auth_referral_response_type",
    "auth_referral_user_perms",
    "auto_event_mapping_android",
    "auto_event_mapping_ios",
    "auto_event_setup_enabled",
    "auto_log_app_events_default",
    "auto_log_app_events_enabled",
    "business",
    "canvas_fluid_height",
    "canvas_fluid_width",
    "canvas_url",
    "client_config",
    "company",
    "config_ids",
    "configured_ios_sso",
    "contact_email",
    "created_time",
    "creator_uid",
    "daily_active_users_rank",
    "deauth_callback_url",
    "default_share_mode",
    "description",
    "enigma_config",
    "financial_id",
    "gdpv4_chrome_custom_tabs_enabled",
    "gdpv4_enabled",
    "gdpv4_nux_content",
    "gdpv4_nux_enabled",
    "has_messenger_product",
    "hosting_url",
    "icon_url",
    "ios_bundle_id",
    "ios_sdk_dialog_flows",
    "ios_sdk_error_categories",
    "ios_sfvc_attr",
    "ios_supports_native_proxy_auth_flow",
    "ios_supports_system_auth",
    "ipad_app_store_id",
    "iphone_app_store_id",
    "latest_sdk_version",
    "logging_token",
    "logo_url",
    "migrations",
    "mobile_profile_section_url",
    "mobile_web_url",
    "monthly_active_users_rank",
    "namespace",
    "object_store_urls",
    "page_tab_default_name",
    "page_tab_url",
    "photo_url",
    "privacy_policy_url",
    "profile_section_url",
    "property_id",
    "protected_mode_rules",
    "real_time_mode_devices",
    "restrictions",
    "restrictive_data_filter_params",
    "restrictive_data_filter_rules",
    "sdk_update_message",
    "seamless_login",
    "secure_canvas_url",
    "secure_page_tab_url",
    "server_ip_whitelist",
    "smart_login_bookmark_icon_url",
    "smart_login_menu_icon_url",
    "social_discovery",
    "subcategory",
    "suggested_events_setting",
    "supports_apprequests_fast_app_switch",
    "supports_attribution",
    "supports_implicit_sdk_logging",
    "suppress_native_ios_gdp",
    "terms_of_service_url",
    "url_scheme_suffix",
    "user_support_email",
    "user_support_url",
    "website_url",
];

pub static APP: NodeDescriptor = NodeDescriptor {
    type_name: "Application",
    id_shape: ("34", 15),
    product: Product::Graph,
    edge_products: &[
        ("whatsapp_business_solutions", Product::Whatsapp),
        ("connected_client_businesses", Product::Whatsapp),
    ],
    fields: field_list!(APP_FIELDS, APP_UNSET_FIELDS),
    unset_fields: APP_UNSET_FIELDS,
    default_fields: &["id", "name"],
    edges: &[
        ListEdge {
            name: "whatsapp_business_solutions",
            scopes: &[],
            item_default_fields: None,
            items: listings::app_solutions,
        },
        ListEdge {
            name: "connected_client_businesses",
            scopes: &[],
            item_default_fields: Some(&["id", "name", "business_status", "verification_status"]),
            items: listings::app_client_businesses,
        },
    ],
    access: NodeAccess::OPEN,
    view: |sandbox, id, wanted| {
        let app = sandbox.accounts.apps.get(id)?;
        Fields::new(id, wanted)
            .put("name", || app.name.clone())
            .put("app_name", || app.name.clone())
            .put("link", || crate::world::accounts::App::link(id))
            .put("category", || "Business")
            // Nobody uses a sandbox app through Facebook Login.
            .put("daily_active_users", || "0")
            .put("weekly_active_users", || "0")
            .put("monthly_active_users", || "0")
            .put("supported_platforms", || json!(["WEB"]))
            .put("app_domains", || json!([]))
            .node("owner_business", app.business_id.as_ref())
            .done()
    },
};

/// The fields of Meta's Application reference a sandbox app has (the rest
/// of the reference is `APP_UNSET_FIELDS`).
const APP_FIELDS: &[&str] = &[
    "id",
    "name",
    "app_name",
    "link",
    "category",
    "daily_active_users",
    "weekly_active_users",
    "monthly_active_users",
    "supported_platforms",
    "app_domains",
    "owner_business",
];

const WABA_LIST_SCOPES: &[&str] = &["whatsapp_business_management", "business_management"];

/// Set only once the business chose them, or for ads partners.
const BUSINESS_UNSET_FIELDS: &[&str] = &[
    "vertical",
    "vertical_id",
    "payment_account_id",
    "user_access_expire_time",
    "marketing_messages_onboarding_status",
    "collaborative_ads_managed_partner_business_info",
    "collaborative_ads_managed_partner_eligibility",
    "collaborative_ads_partner_premium_options",
];

pub static BUSINESS: NodeDescriptor = NodeDescriptor {
    type_name: "Business",
    id_shape: ("36", 15),
    product: Product::Graph,
    edge_products: &[
        ("owned_whatsapp_business_accounts", Product::Whatsapp),
        ("client_whatsapp_business_accounts", Product::Whatsapp),
        ("preverified_numbers", Product::Whatsapp),
        ("extendedcredits", Product::Whatsapp),
    ],
    fields: field_list!(
        &[
            "id",
            "name",
            "verification_status",
            "created_time",
            "timezone_id",
            "link",
            "is_hidden",
            "block_offline_analytics",
            "created_by",
            "updated_by",
            "updated_time",
            "extended_updated_time",
            "two_factor_type",
            "primary_page",
            "whatsapp_business_manager_messaging_limit",
            "profile_picture_uri",
        ],
        BUSINESS_UNSET_FIELDS,
    ),
    unset_fields: BUSINESS_UNSET_FIELDS,
    default_fields: &["id", "name"],
    edges: &[
        ListEdge {
            name: "owned_whatsapp_business_accounts",
            scopes: WABA_LIST_SCOPES,
            item_default_fields: None,
            items: listings::business_wabas,
        },
        ListEdge {
            name: "client_whatsapp_business_accounts",
            scopes: WABA_LIST_SCOPES,
            item_default_fields: None,
            items: listings::business_client_wabas,
        },
        ListEdge {
            name: "preverified_numbers",
            scopes: WABA_LIST_SCOPES,
            item_default_fields: Some(&["id", "display_phone_number", "verification_status"]),
            items: listings::business_preverified_numbers,
        },
        ListEdge {
            name: "extendedcredits",
            scopes: &["business_management"],
            item_default_fields: Some(&["id", "legal_entity_name"]),
            items: listings::business_credit_lines,
        },
    ],
    access: NodeAccess::OPEN,
    view: |sandbox, id, wanted| {
        let business = sandbox.accounts.businesses.get(id)?;
        Fields::new(id, wanted)
            .put("name", || business.name.clone())
            .put("verification_status", || {
                business.verification_status.clone()
            })
            .put("created_time", || graph_time(business.created_time))
            .put("timezone_id", || 1)
            .put("link", || {
                format!("https://business.facebook.com/latest/settings/?business_id={id}")
            })
            .put("is_hidden", || false)
            .put("block_offline_analytics", || false)
            .node("created_by", business.owner_user_id.as_ref())
            .node("updated_by", business.owner_user_id.as_ref())
            .put("updated_time", || graph_time(business.created_time))
            .put("extended_updated_time", || {
                graph_time(business.created_time)
            })
            .put("two_factor_type", || "none")
            .node("primary_page", sandbox.business_primary_page(id))
            .put("whatsapp_business_manager_messaging_limit", || {
                sandbox.business_messaging_limit(id)
            })
            .put("profile_picture_uri", || {
                format!("https://scontent.xx.fbcdn.net/v/t39.30808-1/{id}_business.jpg")
            })
            .done()
    },
};
