//! `POST /{page-id}/messages` (and `/me/messages`) with a Page token: the
//! Send API. A message or a sender action to a PSID of the Page, inside the
//! 24-hour window or with a message tag; answers `{"recipient_id",
//! "message_id"}` (and `attachment_id` for a reusable attachment sent by
//! URL), or Meta's errors. An IGSID of the Instagram account connected to
//! the Page, or a comment on its posts, is sent on Instagram.

use serde_json::{Value, json};

use super::require_pages_messaging;
use crate::api::error::GraphError;
use crate::api::instagram;
use crate::api::routes::Operation;
use crate::api::send_api::{
    self, CheckedMessage, MediaSource, Recipient, no_matching_user, outside_window,
};
use crate::world::messenger::send::{PageMessage, SendRefusal};
use crate::world::sandbox::Sandbox;
use crate::world::shared::conversations::{MessageTag, SenderAction};

/// Meta's subcode for a Messenger message outside the window.
const OUTSIDE_WINDOW: i64 = 2018278;

pub fn refusal(error: SendRefusal) -> GraphError {
    match error {
        SendRefusal::UnknownRecipient(_) => no_matching_user(),
        SendRefusal::Window(_) => outside_window(400, OUTSIDE_WINDOW),
    }
}

/// The content with its media resolved: a URL (saved when reusable) or a
/// saved attachment of this Page. Answers the attachment id to report.
fn resolve_media(
    sandbox: &mut Sandbox,
    page_id: &str,
    checked: CheckedMessage,
) -> Result<(Value, Option<String>), GraphError> {
    let Some((kind, source)) = checked.media.clone() else {
        return Ok((checked.content, None));
    };
    match source {
        MediaSource::Url { url, reusable } => {
            let saved = if reusable {
                let id = sandbox
                    .save_attachment(page_id, &kind, Some(url.clone()), None)
                    .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
                Some(id)
            } else {
                None
            };
            Ok((checked.with_media_url(&kind, &url), saved))
        }
        MediaSource::Saved(id) => {
            let attachment = sandbox.saved_attachment(page_id, &id).ok_or_else(|| {
                GraphError::invalid_parameter(format!(
                    "Param message[attachment][payload][attachment_id]: no attachment {id} was saved by this Page"
                ))
            })?;
            let (saved_kind, url) = (attachment.kind.clone(), attachment.url.clone());
            Ok((checked.with_media_url(&saved_kind, &url), None))
        }
    }
}

/// The Instagram account connected to the Page, when the recipient is one
/// of its IGSIDs or a comment on its posts: the send goes there.
fn instagram_recipient(sandbox: &Sandbox, page_id: &str, recipient: &Recipient) -> Option<String> {
    let account = sandbox.instagram_of_page(page_id)?;
    let theirs = match recipient {
        Recipient::Comment(_) => true,
        Recipient::Id(id) => sandbox.person_of_igsid(account, id).is_some(),
    };
    theirs.then(|| account.to_owned())
}

pub fn send(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, page_id) = (op.sandbox, op.request, op.id);
    let recipient = send_api::recipient(request)?;
    if let Some(account) = instagram_recipient(sandbox, page_id, &recipient) {
        return instagram::messages::send_for(sandbox, &account, op.token, request, recipient);
    }
    require_pages_messaging(op.token)?;
    send_api::check_notification_type(request)?;
    let Recipient::Id(psid) = recipient else {
        return Err(no_matching_user());
    };
    if let Some(action) = request.param_str("sender_action") {
        if request.param("message").is_some() {
            return Err(GraphError::invalid_parameter(
                "Param sender_action cannot be sent with message",
            ));
        }
        let action = SenderAction::parse(&action).ok_or_else(|| {
            GraphError::invalid_parameter(format!(
                "Param sender_action must be one of {{mark_seen, typing_on, typing_off}} - got \"{action}\"."
            ))
        })?;
        sandbox
            .messenger_sender_action(page_id, &psid, action)
            .map_err(refusal)?;
        return Ok(json!({ "recipient_id": psid }));
    }
    let reach = send_api::reach(request, &MessageTag::ALL)?;
    let checked = send_api::message(request)?;
    if sandbox.person_of_psid(page_id, &psid).is_none() {
        return Err(no_matching_user());
    }
    let metadata = checked.metadata.clone();
    let (content, attachment_id) = resolve_media(sandbox, page_id, checked)?;
    let message = PageMessage {
        content,
        reach,
        metadata,
        app_id: op.token.app_id.clone(),
    };
    let mid = sandbox
        .messenger_send(page_id, &psid, message)
        .map_err(refusal)?;
    let mut answer = json!({ "recipient_id": psid, "message_id": mid });
    if let Some(id) = attachment_id {
        answer["attachment_id"] = json!(id);
    }
    Ok(answer)
}
