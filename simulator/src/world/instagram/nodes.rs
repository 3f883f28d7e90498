//! Graph descriptors of Instagram's node kinds: the professional account
//! (`IGUser`, with its posts and conversations as edges; personal accounts
//! are nodes of the sandbox but never of the Graph API), a post (`IGMedia`,
//! with its comments) and a comment (`IGComment`, with its replies), the
//! person as the account sees them (an IGSID, with the User Profile API's
//! fields), a conversation and a message. Conversations, messages and
//! IGSIDs answer only to tokens acting for the account: the connected
//! Page's, or the account's Instagram-login token.

use serde_json::{Value, json};

use crate::world::clock::graph_time;
use crate::world::ids::derived_digits;
use crate::world::nodes::{
    EdgeItem, Fields, ListEdge, NodeAccess, NodeDescriptor, Product, field_list,
};
use crate::world::sandbox::Sandbox;
use crate::world::shared::thread_nodes::{
    CONVERSATION_FIELDS, CONVERSATION_UNSET_FIELDS, MESSAGE_FIELDS, conversation_fields,
    conversation_messages, message_fields,
};

use super::direct::{MID_PREFIX, MID_RANDOM};

const BASIC: &str = "instagram_basic";
const MESSAGES: &str = "instagram_manage_messages";

/// Only professional accounts are reachable.
fn professional(sandbox: &Sandbox, id: &str) -> bool {
    sandbox.is_professional_account(id)
}

/// Set only for accounts owned by a business portfolio, or onboarded to
/// Instagram Shopping.
const INSTAGRAM_USER_UNSET_FIELDS: &[&str] = &["owner_business", "shopping_review_status"];

/// The fields another account may read through `business_discovery`.
pub const INSTAGRAM_USER_PUBLIC_FIELDS: &[&str] = &[
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
];

pub static INSTAGRAM_USER: NodeDescriptor = NodeDescriptor {
    type_name: "IGUser",
    id_shape: ("17841", 17),
    product: Product::Instagram,
    edge_products: &[],
    fields: field_list!(
        field_list!(
            INSTAGRAM_USER_PUBLIC_FIELDS,
            &[
                "has_profile_pic",
                "is_published",
                "legacy_instagram_user_id",
                "shopping_product_tag_eligibility",
                // Lookups by argument, answered by the API's `lookups.rs`.
                "business_discovery",
                "mentioned_comment",
                "mentioned_media",
            ]
        ),
        INSTAGRAM_USER_UNSET_FIELDS,
    ),
    unset_fields: INSTAGRAM_USER_UNSET_FIELDS,
    default_fields: &["id"],
    edges: &[
        ListEdge {
            name: "media",
            scopes: &[],
            item_default_fields: None,
            items: |sandbox, id, _| {
                let mut posts: Vec<_> = sandbox
                    .instagram
                    .media
                    .values()
                    .filter(|m| m.owner == id)
                    .collect();
                posts.sort_by(|a, b| (b.timestamp, &b.id).cmp(&(a.timestamp, &a.id)));
                posts.into_iter().map(|m| EdgeItem::plain(&m.id)).collect()
            },
        },
        ListEdge {
            name: "conversations",
            scopes: &[MESSAGES],
            item_default_fields: Some(&["id", "updated_time"]),
            items: |sandbox, id, _| {
                sandbox
                    .instagram
                    .conversations
                    .of_side(id)
                    .into_iter()
                    .filter(|c| c.account == id)
                    .map(|c| EdgeItem::plain(&c.id))
                    .collect()
            },
        },
    ],
    access: NodeAccess {
        read_scope: Some(BASIC),
        business_usage: true,
        reachable: professional,
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
            .put("profile_picture_url", || profile_picture(id))
            .put("has_profile_pic", || true)
            .put("is_published", || true)
            .put("legacy_instagram_user_id", || ig.ig_id.clone())
            .put("shopping_product_tag_eligibility", || false)
            .done()
    },
};

fn profile_picture(id: &str) -> String {
    format!("https://scontent.cdninstagram.com/v/{id}/profile.jpg")
}

/// The account an IGSID, conversation or message belongs to.
fn messaging_owner<'a>(sandbox: &'a Sandbox, id: &'a str) -> Option<&'a str> {
    if let Some(scoped) = sandbox.instagram.igsids.get(id) {
        return Some(&scoped.account);
    }
    let conversations = &sandbox.instagram.conversations;
    let conversation = conversations
        .message(id)
        .map_or(id, |message| message.conversation.as_str());
    conversations.get(conversation).map(|c| c.account.as_str())
}

const MESSAGING_ACCESS: NodeAccess = NodeAccess {
    read_scope: Some(MESSAGES),
    business_usage: true,
    owner: messaging_owner,
    ..NodeAccess::OPEN
};

pub static INSTAGRAM_SCOPED_USER: NodeDescriptor = NodeDescriptor {
    type_name: "User",
    id_shape: ("1", 16),
    product: Product::Instagram,
    edge_products: &[],
    fields: &[
        "id",
        "name",
        "username",
        "profile_pic",
        "follower_count",
        "is_user_follow_business",
        "is_business_follow_user",
        "is_verified_user",
    ],
    unset_fields: &[],
    default_fields: &["id", "name", "username"],
    edges: &[],
    access: MESSAGING_ACCESS,
    view: |sandbox, id, wanted| {
        let scoped = sandbox.instagram.igsids.get(id)?;
        let person = sandbox.instagram.accounts.get(&scoped.person)?;
        Fields::new(id, wanted)
            .put_opt("name", || person.name.clone())
            .put("username", || person.username.clone())
            .put("profile_pic", || profile_picture(&person.id))
            .put("follower_count", || person.followers_count)
            .put("is_user_follow_business", || false)
            .put("is_business_follow_user", || false)
            .put("is_verified_user", || false)
            .done()
    },
};

/// How Instagram shows a side: `{"username", "id"}` (an IGSID or the account).
fn instagram_party(sandbox: &Sandbox, id: &str) -> Value {
    let account = sandbox
        .instagram
        .igsids
        .get(id)
        .map_or(id, |scoped| scoped.person.as_str());
    let username = sandbox
        .instagram
        .accounts
        .get(account)
        .map(|a| a.username.clone())
        .unwrap_or_default();
    json!({ "username": username, "id": id })
}

pub static INSTAGRAM_CONVERSATION: NodeDescriptor = NodeDescriptor {
    type_name: "UnifiedThread",
    id_shape: ("aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6", 66),
    product: Product::Instagram,
    edge_products: &[],
    fields: field_list!(CONVERSATION_FIELDS, CONVERSATION_UNSET_FIELDS),
    unset_fields: CONVERSATION_UNSET_FIELDS,
    default_fields: &["id", "updated_time"],
    edges: &[ListEdge {
        name: "messages",
        scopes: &[MESSAGES],
        item_default_fields: Some(&["id", "created_time"]),
        items: |sandbox, id, _| {
            sandbox
                .instagram
                .conversations
                .get(id)
                .map(conversation_messages)
                .unwrap_or_default()
        },
    }],
    access: MESSAGING_ACCESS,
    view: |sandbox, id, wanted| {
        let conversations = &sandbox.instagram.conversations;
        let conversation = conversations.get(id)?;
        let now_ms = sandbox.clock.now().saturating_mul(1000);
        let party = |side: &str| instagram_party(sandbox, side);
        conversation_fields(conversations, conversation, wanted, now_ms, &party)
    },
};

/// Only for a post shared in Direct.
const INSTAGRAM_MESSAGE_UNSET_FIELDS: &[&str] = &["shares"];

pub static INSTAGRAM_MESSAGE: NodeDescriptor = NodeDescriptor {
    type_name: "Message",
    id_shape: (MID_PREFIX, MID_PREFIX.len() + MID_RANDOM),
    product: Product::Instagram,
    edge_products: &[],
    fields: field_list!(
        field_list!(MESSAGE_FIELDS, &["story"]),
        INSTAGRAM_MESSAGE_UNSET_FIELDS,
    ),
    unset_fields: INSTAGRAM_MESSAGE_UNSET_FIELDS,
    default_fields: &["id", "created_time"],
    edges: &[],
    access: MESSAGING_ACCESS,
    view: |sandbox, id, wanted| {
        let conversations = &sandbox.instagram.conversations;
        let message = conversations.message(id)?;
        let conversation = conversations.get(&message.conversation)?;
        let party = |side: &str| instagram_party(sandbox, side);
        let mut fields = message_fields(conversation, message, wanted, &party)?;
        if wanted.contains(&"story")
            && let Some(story) = message.content.pointer("/reply_to/story")
        {
            fields.push((
                "story",
                crate::world::nodes::FieldValue::Json(json!({ "reply_to": story })),
            ));
        }
        Some(fields)
    },
};

const MEDIA_ACCESS: NodeAccess = NodeAccess {
    read_scope: Some(BASIC),
    business_usage: true,
    reachable: |sandbox, id| {
        let owner = match sandbox.instagram.comments.get(id) {
            Some(comment) => sandbox
                .instagram
                .media
                .get(&comment.media_id)
                .map(|m| &m.owner),
            None => sandbox.instagram.media.get(id).map(|m| &m.owner),
        };
        owner.is_some_and(|owner| sandbox.is_professional_account(owner))
    },
    ..NodeAccess::OPEN
};

/// Alt text only when its author wrote one, a live broadcast's viewers only
/// while it is live, a title only for IGTV videos, the audio type only for
/// audio Meta classified: metasim's posts have none of these.
const INSTAGRAM_MEDIA_UNSET_FIELDS: &[&str] = &[
    "alt_text",
    "current_live_viewer_count",
    "media_audio_type",
    "video_title",
];

pub static INSTAGRAM_MEDIA: NodeDescriptor = NodeDescriptor {
    type_name: "IGMedia",
    id_shape: ("180", 17),
    product: Product::Instagram,
    edge_products: &[],
    fields: field_list!(
        &[
            "id",
            "boost_eligibility_info",
            "caption",
            "comments_count",
            "copyright_check_information",
            "has_poll",
            "has_slider",
            "ig_id",
            "is_comment_enabled",
            "is_shared_to_feed",
            "legacy_instagram_media_id",
            "like_count",
            "media_product_type",
            "media_type",
            "media_url",
            "owner",
            "permalink",
            "reposts_count",
            "saved_count",
            "shares_count",
            "shortcode",
            "thumbnail_url",
            "timestamp",
            "total_comments_count",
            "total_like_count",
            "total_views_count",
            "username",
            "view_count",
        ],
        INSTAGRAM_MEDIA_UNSET_FIELDS,
    ),
    unset_fields: INSTAGRAM_MEDIA_UNSET_FIELDS,
    default_fields: &["id"],
    edges: &[ListEdge {
        name: "comments",
        scopes: &[],
        item_default_fields: Some(&["timestamp", "text", "id"]),
        items: |sandbox, id, _| {
            comments_where(sandbox, |c| c.media_id == id && c.parent_id.is_none())
        },
    }],
    access: MEDIA_ACCESS,
    view: |sandbox, id, wanted| {
        let media = sandbox.instagram.media.get(id)?;
        let shortcode = format!("C{}", &id[id.len().saturating_sub(10)..]);
        let comments = || {
            sandbox
                .instagram
                .comments
                .values()
                .filter(|c| c.media_id == id)
                .count()
        };
        let video = media.media_type == "VIDEO";
        let legacy_id = || derived_digits(&["ig_media", id], 19);
        Fields::new(id, wanted)
            .put(
                "boost_eligibility_info",
                || json!({ "eligible_to_boost": media.media_product_type != "STORY" }),
            )
            .put_opt("caption", || media.caption.clone())
            .put("comments_count", comments)
            .put_opt("copyright_check_information", || {
                video
                    .then(|| json!({ "status": { "status": "completed", "matches_found": false } }))
            })
            .put("has_poll", || false)
            .put("has_slider", || false)
            .put("ig_id", legacy_id)
            .put("is_comment_enabled", || true)
            .put_opt("is_shared_to_feed", || {
                (media.media_product_type == "REELS").then_some(true)
            })
            .put("legacy_instagram_media_id", legacy_id)
            .put("like_count", || media.like_count)
            .put("media_product_type", || media.media_product_type.clone())
            .put("media_type", || media.media_type.clone())
            .put("media_url", || media.media_url.clone())
            .node("owner", Some(&media.owner))
            .put("permalink", || {
                format!("https://www.instagram.com/p/{shortcode}/")
            })
            .put("reposts_count", || 0)
            .put("saved_count", || 0)
            .put("shares_count", || 0)
            .put("shortcode", || shortcode.clone())
            .put_opt("thumbnail_url", || {
                video.then(|| format!("https://scontent.cdninstagram.com/v/{id}/thumbnail.jpg"))
            })
            .put("timestamp", || graph_time(media.timestamp))
            .put("total_comments_count", comments)
            .put("total_like_count", || media.like_count)
            .put("total_views_count", || 0)
            .put_opt("username", || {
                sandbox
                    .instagram
                    .accounts
                    .get(&media.owner)
                    .map(|a| a.username.clone())
            })
            .put("view_count", || 0)
            .done()
    },
};

/// Comments for which `keep` holds, oldest first.
fn comments_where(
    sandbox: &Sandbox,
    keep: impl Fn(&super::InstagramComment) -> bool,
) -> Vec<EdgeItem> {
    let mut found: Vec<_> = sandbox
        .instagram
        .comments
        .values()
        .filter(|c| keep(c))
        .collect();
    found.sort_by(|a, b| (a.timestamp, &a.id).cmp(&(b.timestamp, &b.id)));
    found.into_iter().map(|c| EdgeItem::plain(&c.id)).collect()
}

pub static INSTAGRAM_COMMENT: NodeDescriptor = NodeDescriptor {
    type_name: "IGComment",
    id_shape: ("179", 17),
    product: Product::Instagram,
    edge_products: &[],
    fields: &[
        "id",
        "from",
        "hidden",
        "like_count",
        "media",
        "parent_id",
        "text",
        "timestamp",
        "username",
        "legacy_instagram_comment_id",
        // The author as an IG User: only for comments the account wrote.
        "user",
    ],
    unset_fields: &[],
    default_fields: &["id", "text", "timestamp"],
    edges: &[ListEdge {
        name: "replies",
        scopes: &[],
        item_default_fields: Some(&["timestamp", "text", "id"]),
        items: |sandbox, id, _| comments_where(sandbox, |c| c.parent_id.as_deref() == Some(id)),
    }],
    access: MEDIA_ACCESS,
    view: |sandbox, id, wanted| {
        let comment = sandbox.instagram.comments.get(id)?;
        let owner = sandbox
            .instagram
            .media
            .get(&comment.media_id)
            .map(|m| m.owner.as_str());
        let author = sandbox.instagram.accounts.get(&comment.from);
        let owner_wrote = owner == Some(comment.from.as_str());
        let shown = if owner_wrote {
            Some(comment.from.as_str())
        } else {
            owner.and_then(|owner| sandbox.instagram.igsids.find(owner, &comment.from))
        };
        Fields::new(id, wanted)
            .put_opt("from", || {
                Some(json!({ "id": shown?, "username": author?.username }))
            })
            .put("hidden", || false)
            .put("legacy_instagram_comment_id", || {
                derived_digits(&["ig_comment", id], 17)
            })
            .put("like_count", || 0)
            .put("media", || json!({ "id": comment.media_id }))
            .put_opt("parent_id", || comment.parent_id.clone())
            .put("text", || comment.text.clone())
            .put("timestamp", || graph_time(comment.timestamp))
            .put_opt("username", || author.map(|a| a.username.clone()))
            .node("user", owner_wrote.then_some(&comment.from))
            .done()
    },
};
