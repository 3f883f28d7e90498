//! Graph descriptor of an Instagram professional account (`IGUser`).
//! Personal accounts are nodes of the sandbox but never of the Graph API.

use serde_json::{Value, json};

use crate::world::nodes::{Fields, NodeAccess, NodeDescriptor, Product};

pub static INSTAGRAM_USER: NodeDescriptor = NodeDescriptor {
    type_name: "IGUser",
    id_shape: ("17841", 17),
    product: Product::Instagram,
    edge_products: &[],
    fields: &[
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
        "has_profile_pic",
        "is_published",
        "legacy_instagram_user_id",
        "shopping_product_tag_eligibility",
        // Set only for accounts owned by a business portfolio, or onboarded
        // to Instagram Shopping. (`business_discovery`, `mentioned_comment`,
        // `mentioned_media` and `collaborative_media_search` need arguments.)
        "owner_business",
        "shopping_review_status",
    ],
    default_fields: &["id"],
    edges: &[],
    access: NodeAccess {
        read_scope: Some("instagram_basic"),
        business_usage: true,
        reachable: |sandbox, id| {
            sandbox
                .instagram
                .accounts
                .get(id)
                .is_some_and(|account| account.is_professional())
        },
        ..NodeAccess::OPEN
    },
    view: |sandbox, id, wanted| {
        let ig = sandbox.instagram.accounts.get(id)?;
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
            .put("has_profile_pic", || true)
            .put("is_published", || true)
            .put("legacy_instagram_user_id", || ig.ig_id.clone())
            .put("shopping_product_tag_eligibility", || false)
            .done()
    },
};
