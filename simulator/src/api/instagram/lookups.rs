//! The IG User fields that look something up from their argument, read
//! through field expansion: `business_discovery.username(name){…}` (another
//! professional account of the sandbox, its public fields and posts),
//! `mentioned_media.media_id(id){…}` and `mentioned_comment.comment_id(id){…}`
//! (a post or a comment in which the account was `@`-mentioned). The
//! nested selection is rendered like any node's, limited to the fields Meta
//! lets these lookups read.

use serde_json::Value;

use crate::api::error::GraphError;
use crate::api::fields::FieldSelection;
use crate::api::render::Renderer;
use crate::world::instagram::nodes::INSTAGRAM_USER_PUBLIC_FIELDS;
use crate::world::nodes::{NodeKind, field_list};

/// What `business_discovery` may read of another account: its public
/// fields and posts.
const DISCOVERABLE: &[&str] = field_list!(INSTAGRAM_USER_PUBLIC_FIELDS, &["media"]);

/// What `mentioned_media` may read of a post.
const MENTIONED_MEDIA: &[&str] = &[
    "id",
    "caption",
    "comments",
    "comments_count",
    "like_count",
    "media_type",
    "media_url",
    "owner",
    "timestamp",
    "username",
];

/// What `mentioned_comment` may read of a comment.
const MENTIONED_COMMENT: &[&str] = &["id", "like_count", "media", "text", "timestamp"];

/// The value of `field` of IG User `account` when it is one of the lookups.
pub fn field(
    renderer: &Renderer<'_>,
    account: &str,
    field: &FieldSelection,
) -> Option<Result<Value, GraphError>> {
    let sandbox = renderer.sandbox;
    let found = match field.name.as_str() {
        "business_discovery" => field.required_argument("username").and_then(|username| {
            let target = sandbox
                .instagram_by_username(username.trim())
                .filter(|target| target.is_professional())
                .ok_or_else(|| unknown_username(username))?;
            Ok((target.id.as_str(), NodeKind::InstagramUser, DISCOVERABLE))
        }),
        "mentioned_media" => field.required_argument("media_id").and_then(|media_id| {
            let media = sandbox
                .media_mentioning(account, media_id.trim())
                .ok_or_else(|| GraphError::unsupported("GET", media_id))?;
            Ok((media.id.as_str(), NodeKind::InstagramMedia, MENTIONED_MEDIA))
        }),
        "mentioned_comment" => field
            .required_argument("comment_id")
            .and_then(|comment_id| {
                let comment = sandbox
                    .comment_mentioning(account, comment_id.trim())
                    .ok_or_else(|| GraphError::unsupported("GET", comment_id))?;
                Ok((
                    comment.id.as_str(),
                    NodeKind::InstagramComment,
                    MENTIONED_COMMENT,
                ))
            }),
        _ => return None,
    };
    Some(found.and_then(|(id, kind, readable)| {
        let children = field.children.as_deref();
        check_readable(children.unwrap_or_default(), kind, readable)?;
        renderer.node(id, children).map(Value::Object)
    }))
}

/// Meta's answer for a username that names no professional account.
fn unknown_username(username: &str) -> GraphError {
    let mut error =
        GraphError::new(400, "OAuthException", 110, "Invalid user id").with_subcode(2207013);
    error.error_user_title = Some("Cannot find User".to_owned());
    error.error_user_msg = Some(format!(
        "The user with username: {username} cannot be found."
    ));
    error
}

/// Every selected field is one the lookup may read; a field of the kind it
/// may not is a permission error, an unknown one Meta's #100.
fn check_readable(
    children: &[FieldSelection],
    kind: NodeKind,
    readable: &[&str],
) -> Result<(), GraphError> {
    for child in children {
        let name = child.name.as_str();
        if readable.contains(&name) {
            continue;
        }
        if kind.known_fields().contains(&name) || kind.list_edge(name).is_some() {
            return Err(GraphError::new(
                400,
                "OAuthException",
                10,
                "(#10) Application does not have permission for this action",
            ));
        }
        return Err(GraphError::nonexisting_field(name, kind.type_name()));
    }
    Ok(())
}
