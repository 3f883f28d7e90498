//! Graph descriptor of a Facebook Page: its business info, its linked
//! Instagram account and WhatsApp number, its conversations; the Messenger
//! edges on a Page belong to the Messenger product.

use serde_json::{Value, json};

use super::Page;
use crate::world::auth::{AccessToken, TokenKind};
use crate::world::links::listings;
use crate::world::nodes::{
    FieldList, Fields, ListEdge, NodeAccess, NodeDescriptor, Product, field_list,
};
use crate::world::sandbox::Sandbox;

/// The fields of Meta's Page reference a sandbox Page has: stored, derived,
/// or Meta's default for a new, published, unverified business Page (the
/// rest of the reference is `PAGE_UNSET_FIELDS`).
const PAGE_FIELDS: &[&str] = &[
    "id",
    "about",
    "access_token",
    "can_checkin",
    "can_post",
    "category",
    "category_list",
    "checkins",
    "connected_instagram_account",
    "country_page_likes",
    "description",
    "description_html",
    "display_subtext",
    "emails",
    "fan_count",
    "followers_count",
    "global_brand_page_name",
    "has_added_app",
    "has_transitioned_to_new_page_experience",
    "has_whatsapp_business_number",
    "has_whatsapp_number",
    "hours",
    "instagram_business_account",
    "is_always_open",
    "is_calling_eligible",
    "is_chain",
    "is_community_page",
    "is_eligible_for_branded_content",
    "is_messenger_bot_get_started_enabled",
    "is_messenger_platform_bot",
    "is_owned",
    "is_permanently_closed",
    "is_published",
    "is_unclaimed",
    "is_verified",
    "is_webhooks_subscribed",
    "leadgen_tos_accepted",
    "link",
    "name",
    "name_with_location_descriptor",
    "new_like_count",
    "offer_eligible",
    "phone",
    "place_type",
    "promotion_eligible",
    "rating_count",
    "single_line_address",
    "supports_donate_button_in_live_video",
    "talking_about_count",
    "temporary_status",
    "unread_message_count",
    "unread_notif_count",
    "unseen_message_count",
    "verification_status",
    "website",
    "were_here_count",
    "whatsapp_number",
];

/// Fields of other kinds of Page (bands, films, people, restaurants,
/// stores), and those a Page has only once someone set them (cover,
/// username, location, ratings, lead ads, shops, a business portfolio
/// claiming it…).
const PAGE_UNSET_FIELDS: &[&str] = &[
    "ad_campaign",
    "affiliation",
    "app_id",
    "artists_we_like",
    "attire",
    "available_promo_offer_ids",
    "awards",
    "band_interests",
    "band_members",
    "best_page",
    "bio",
    "birthday",
    "booking_agent",
    "breaking_news_usage",
    "built",
    "business",
    "company_overview",
    "connected_page_backed_instagram_account",
    "contact_address",
    "copyright_attribution_insights",
    "copyright_whitelisted_ig_partners",
    "cover",
    "culinary_team",
    "current_location",
    "delivery_and_pickup_option_info",
    "differently_open_offerings",
    "directed_by",
    "displayed_message_response_time",
    "does_viewer_have_page_permission_link_ig",
    "engagement",
    "featured_video",
    "features",
    "food_styles",
    "founded",
    "general_info",
    "general_manager",
    "genre",
    "global_brand_root_id",
    "has_lead_access",
    "hometown",
    "impressum",
    "influences",
    "is_eligible_for_disable_connect_ig_btn_for_non_page_admin_am_web",
    "keywords",
    "leadgen_tos_acceptance_time",
    "leadgen_tos_accepting_user",
    "location",
    "members",
    "merchant_id",
    "merchant_review_status",
    "messaging_feature_status",
    "messenger_ads_default_icebreakers",
    "messenger_ads_default_quick_replies",
    "messenger_ads_quick_replies_type",
    "mini_shop_storefront",
    "mission",
    "mpg",
    "network",
    "overall_star_rating",
    "owner_business",
    "page_backed_threads_account_id",
    "page_token",
    "parent_page",
    "parking",
    "payment_options",
    "personal_info",
    "personal_interests",
    "pharma_safety_info",
    "pickup_options",
    "plot_outline",
    "preferred_audience",
    "press_contact",
    "price_range",
    "priority_hours",
    "privacy_info_url",
    "produced_by",
    "products",
    "promotion_ineligible_reason",
    "public_transit",
    "recipient",
    "record_label",
    "release_date",
    "restaurant_services",
    "restaurant_specialties",
    "schedule",
    "screenplay_by",
    "season",
    "starring",
    "start_info",
    "store_code",
    "store_location_descriptor",
    "store_number",
    "studio",
    "user_access_expire_time",
    "username",
    "voip_info",
    "written_by",
];

pub static PAGE: NodeDescriptor = NodeDescriptor {
    type_name: "Page",
    id_shape: ("33", 15),
    product: Product::Graph,
    edge_products: &[
        ("messages", Product::Messenger),
        ("conversations", Product::Messenger),
        ("messenger_profile", Product::Messenger),
        ("message_attachments", Product::Messenger),
    ],
    fields: field_list!(PAGE_FIELDS, PAGE_UNSET_FIELDS),
    unset_fields: PAGE_UNSET_FIELDS,
    default_fields: &["id", "name"],
    edges: &[ListEdge {
        name: "conversations",
        scopes: &["pages_messaging", "instagram_manage_messages"],
        item_default_fields: Some(&["id", "updated_time"]),
        items: listings::page_conversations,
    }],
    access: NodeAccess {
        business_usage: true,
        ..NodeAccess::OPEN
    },
    view: page_view,
};

fn page_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let page = sandbox.pages.pages.get(id)?;
    let info = &page.info;
    let whatsapp = sandbox.linked_whatsapp_number(id);
    let apps_installed = !page.subscribed_apps.is_empty();
    Fields::new(id, wanted)
        .put("name", || page.name.clone())
        .put("category", || page.category.clone())
        .put("category_list", || category_list(page))
        .put_opt("about", || info.about.clone())
        .put_opt("description", || info.description.clone())
        .put_opt("description_html", || {
            info.description.as_deref().map(description_html)
        })
        .put_opt("emails", || {
            (!info.emails.is_empty()).then(|| json!(info.emails))
        })
        .put_opt("phone", || info.phone.clone())
        .put_opt("website", || info.website.clone())
        .put_opt("hours", || {
            (!info.hours.is_empty()).then(|| json!(info.hours))
        })
        .put_opt("single_line_address", || info.single_line_address.clone())
        .put("display_subtext", || {
            info.single_line_address
                .clone()
                .unwrap_or_else(|| page.category.clone())
        })
        .put("place_type", || {
            if info.single_line_address.is_some() {
                "PLACE"
            } else {
                "TEXT"
            }
        })
        .put("link", || format!("https://www.facebook.com/{id}"))
        .put("global_brand_page_name", || page.name.clone())
        .put("name_with_location_descriptor", || page.name.clone())
        .node(
            "instagram_business_account",
            page.instagram_business_account.as_ref(),
        )
        .node(
            "connected_instagram_account",
            page.instagram_business_account.as_ref(),
        )
        .put_opt("whatsapp_number", || whatsapp.map(str::to_owned))
        .put("has_whatsapp_number", || whatsapp.is_some())
        // Every number metasim links is a WhatsApp Business number.
        .put("has_whatsapp_business_number", || whatsapp.is_some())
        .put("has_added_app", || apps_installed)
        .put("is_webhooks_subscribed", || apps_installed)
        // Nobody likes, follows, rates or checks in to a sandbox Page.
        .put("fan_count", || 0)
        .put("followers_count", || 0)
        .put("new_like_count", || 0)
        .put("talking_about_count", || 0)
        .put("were_here_count", || 0)
        .put("checkins", || 0)
        .put("rating_count", || 0)
        .put("country_page_likes", || 0)
        .put("unread_message_count", || 0)
        .put("unread_notif_count", || 0)
        .put("unseen_message_count", || 0)
        // Meta's defaults for a new, published, unverified business Page.
        .put("can_checkin", || false)
        .put("can_post", || true)
        .put("has_transitioned_to_new_page_experience", || true)
        .put("is_always_open", || false)
        .put("is_calling_eligible", || false)
        .put("is_chain", || false)
        .put("is_community_page", || false)
        .put("is_eligible_for_branded_content", || false)
        .put("is_messenger_bot_get_started_enabled", || false)
        .put("is_messenger_platform_bot", || false)
        .put("is_owned", || true)
        .put("is_permanently_closed", || false)
        .put("is_published", || true)
        .put("is_unclaimed", || false)
        .put("is_verified", || false)
        .put("verification_status", || "not_verified")
        .put("leadgen_tos_accepted", || false)
        .put("offer_eligible", || false)
        .put("promotion_eligible", || false)
        .put("supports_donate_button_in_live_video", || false)
        .put("temporary_status", || "no_data")
        .done()
}

/// A Page field that depends on the token asking: `access_token`, the
/// Page's own token (a Page token of this Page, or the one derived from a
/// user token whose user has a role on it, as `/me/accounts` gives).
pub fn viewer_fields(
    sandbox: &Sandbox,
    id: &str,
    wanted: &[&str],
    token: &AccessToken,
) -> Vec<(&'static str, Value)> {
    if !wanted.contains(&"access_token") {
        return Vec::new();
    }
    let own = match token.kind {
        TokenKind::Page if token.subject_id == id => Some(token.token.clone()),
        _ => sandbox
            .tokens
            .values()
            .find(|t| t.subject_id == id && t.derived_from.as_ref() == Some(&token.token))
            .map(|t| t.token.clone()),
    };
    own.map(|token| vec![("access_token", json!(token))])
        .unwrap_or_default()
}

/// The description as Meta's HTML rendering of it (escaped, in a paragraph).
fn description_html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\n', "<br />");
    format!("<p>{escaped}</p>")
}

fn category_list(page: &Page) -> Value {
    json!([{ "id": category_id(&page.category), "name": page.category }])
}

/// A stable numeric id for a category name (Meta's categories have fixed ids).
fn category_id(name: &str) -> String {
    let sum = name
        .bytes()
        .fold(2000u32, |acc, b| (acc * 31 + u32::from(b)) % 9000);
    (1000 + sum).to_string()
}
