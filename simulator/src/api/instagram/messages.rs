//! Sending as a professional Instagram account: `POST /{ig-user-id}/messages`
//! (or `/me/messages`) with the account's Instagram-login token, and — the
//! same body — `POST /{page-id}/messages` with the connected Page's token to
//! an IGSID or a comment (a private reply). Same Send API shape as Messenger;
//! Instagram takes the `HUMAN_AGENT` tag only. Answers `{"recipient_id",
//! "message_id"}`, or Meta's errors.

use serde_json::{Value, json};

use super::require_acting_for;
use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::api::routes::Operation;
use crate::api::send_api::{self, MediaSource, Recipient, outside_window, requires_permission};
use crate::world::auth::{AccessToken, TokenKind};
use crate::world::instagram::send::{AccountMessage, AccountSendRefusal};
use crate::world::sandbox::Sandbox;
use crate::world::shared::conversations::{MessageTag, SenderAction};

/// Meta's subcode for an Instagram message outside the window.
const OUTSIDE_WINDOW: i64 = 2534022;
/// Meta's subcode for an IGSID nobody has.
const USER_NOT_FOUND: i64 = 2534014;

fn refusal(error: AccountSendRefusal) -> GraphError {
    match error {
        AccountSendRefusal::UnknownRecipient(_) => {
            GraphError::invalid_parameter("The requested user cannot be found.")
                .with_subcode(USER_NOT_FOUND)
        }
        AccountSendRefusal::AccessOff => GraphError::new(
            403,
            "OAuthException",
            200,
            "(#200) The Instagram account has turned off access to its messages (Settings > Messages > Connected tools > Allow access to messages)",
        ),
        AccountSendRefusal::Window(_) => outside_window(403, OUTSIDE_WINDOW),
        AccountSendRefusal::UnknownComment(id) => GraphError::invalid_parameter(format!(
            "Param recipient[comment_id]: {id} is not a comment on this account's media"
        )),
        AccountSendRefusal::AlreadyReplied(id) => GraphError::new(
            400,
            "OAuthException",
            10,
            format!("(#10) Comment {id} already has a private reply"),
        ),
    }
}

/// `(#230)` unless the token may manage the account's messages
/// (`instagram_manage_messages`, or `instagram_business_manage_messages` for
/// an Instagram-login token).
fn require_messaging(token: &AccessToken) -> Result<(), GraphError> {
    if token.has_scope("instagram_manage_messages") {
        Ok(())
    } else if token.kind == TokenKind::InstagramUser {
        Err(requires_permission("instagram_business_manage_messages"))
    } else {
        Err(requires_permission("instagram_manage_messages"))
    }
}

/// The Send API for `account`, to `recipient`.
pub fn send_for(
    sandbox: &mut Sandbox,
    account: &str,
    token: &AccessToken,
    request: &GraphRequest,
    recipient: Recipient,
) -> Result<Value, GraphError> {
    require_messaging(token)?;
    send_api::check_notification_type(request)?;
    if let Some(action) = request.param_str("sender_action") {
        let Recipient::Id(igsid) = recipient else {
            return Err(GraphError::invalid_parameter(
                "Param sender_action needs recipient[id]",
            ));
        };
        let action = SenderAction::parse(&action).ok_or_else(|| {
            GraphError::invalid_parameter(format!(
                "Param sender_action must be one of {{mark_seen, typing_on, typing_off}} - got \"{action}\"."
            ))
        })?;
        sandbox
            .instagram_sender_action(account, &igsid, action)
            .map_err(refusal)?;
        return Ok(json!({ "recipient_id": igsid }));
    }
    let reach = send_api::reach(request, &[MessageTag::HumanAgent])?;
    let checked = send_api::message(request)?;
    let content = match checked.media.clone() {
        None => checked.content,
        Some((kind, MediaSource::Url { url, .. })) => checked.with_media_url(&kind, &url),
        Some((_, MediaSource::Saved(_))) => {
            return Err(GraphError::invalid_parameter(
                "Param message[attachment][payload][attachment_id]: Instagram takes attachments by url",
            ));
        }
    };
    let app_id = token.app_id.clone();
    match recipient {
        Recipient::Comment(comment) => {
            let (igsid, mid) = sandbox
                .instagram_private_reply(account, &comment, content, &app_id)
                .map_err(refusal)?;
            Ok(json!({ "recipient_id": igsid, "message_id": mid }))
        }
        Recipient::Id(igsid) => {
            let message = AccountMessage {
                content,
                reach,
                app_id,
            };
            let mid = sandbox
                .instagram_send(account, &igsid, message)
                .map_err(refusal)?;
            Ok(json!({ "recipient_id": igsid, "message_id": mid }))
        }
    }
}

/// `POST /{ig-user-id}/messages`.
pub fn send(op: Operation<'_>) -> Result<Value, GraphError> {
    require_acting_for(&op, op.id)?;
    let recipient = send_api::recipient(op.request)?;
    send_for(op.sandbox, op.id, op.token, op.request, recipient)
}
