//! Graph descriptors of Messenger's node kinds: the person as a Page sees
//! them (a page-scoped id, with the User Profile API's fields), the
//! conversation of a Page and a person (`UnifiedThread`, with its messages
//! as an edge) and a message. Only that Page's token reads them.

use serde_json::{Value, json};

use crate::world::nodes::{
    FieldList, Fields, ListEdge, NodeAccess, NodeDescriptor, Product, field_list,
};
use crate::world::sandbox::Sandbox;
use crate::world::shared::thread_nodes::{
    CONVERSATION_FIELDS, CONVERSATION_UNSET_FIELDS, MESSAGE_FIELDS, conversation_fields,
    conversation_messages, message_fields,
};

const MESSAGING: &str = "pages_messaging";

/// Locale, time zone and gender: only for apps Meta granted advanced
/// access to them after review, which a sandbox app never is.
const PAGE_SCOPED_USER_UNSET_FIELDS: &[&str] = &["locale", "timezone", "gender"];

pub static PAGE_SCOPED_USER: NodeDescriptor = NodeDescriptor {
    type_name: "User",
    id_shape: ("6", 16),
    product: Product::Messenger,
    edge_products: &[],
    fields: field_list!(
        &["id", "name", "first_name", "last_name", "profile_pic",],
        PAGE_SCOPED_USER_UNSET_FIELDS,
    ),
    unset_fields: PAGE_SCOPED_USER_UNSET_FIELDS,
    default_fields: &["id", "name"],
    edges: &[],
    access: NodeAccess {
        read_scope: Some(MESSAGING),
        business_usage: true,
        owner: |sandbox, id| sandbox.messenger.psids.get(id).map(|s| s.account.as_str()),
        ..NodeAccess::OPEN
    },
    view: scoped_user_view,
};

fn scoped_user_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let scoped = sandbox.messenger.psids.get(id)?;
    let user = sandbox.accounts.users.get(&scoped.person)?;
    let mut names = user.name.splitn(2, ' ');
    Fields::new(id, wanted)
        .put("name", || user.name.clone())
        .put_opt("first_name", || names.next().map(str::to_owned))
        .put_opt("last_name", || names.next().map(str::to_owned))
        .put("profile_pic", || {
            format!("https://platform-lookaside.fbsbx.com/platform/profilepic/?psid={id}")
        })
        .done()
}

/// How Messenger shows a side: `{"name", "email", "id"}` (a PSID or a Page id).
fn messenger_party(sandbox: &Sandbox, id: &str) -> Value {
    let name = match sandbox.messenger.psids.get(id) {
        Some(scoped) => sandbox
            .accounts
            .users
            .get(&scoped.person)
            .map(|u| u.name.clone()),
        None => sandbox.node_name(id),
    };
    json!({ "name": name.unwrap_or_default(), "email": format!("{id}@facebook.com"), "id": id })
}

/// The Page a conversation or message belongs to.
fn conversation_owner<'a>(sandbox: &'a Sandbox, id: &'a str) -> Option<&'a str> {
    let conversations = &sandbox.messenger.conversations;
    let conversation_id = conversations
        .message(id)
        .map_or(id, |message| message.conversation.as_str());
    conversations
        .get(conversation_id)
        .map(|c| c.account.as_str())
}

const CONVERSATION_ACCESS: NodeAccess = NodeAccess {
    read_scope: Some(MESSAGING),
    business_usage: true,
    owner: conversation_owner,
    ..NodeAccess::OPEN
};

/// Those of both products, and a group thread's subject.
const MESSENGER_CONVERSATION_UNSET_FIELDS: &[&str] =
    field_list!(CONVERSATION_UNSET_FIELDS, &["subject"]);

pub static CONVERSATION: NodeDescriptor = NodeDescriptor {
    type_name: "UnifiedThread",
    id_shape: ("t_", 17),
    product: Product::Messenger,
    edge_products: &[],
    fields: field_list!(CONVERSATION_FIELDS, MESSENGER_CONVERSATION_UNSET_FIELDS),
    unset_fields: MESSENGER_CONVERSATION_UNSET_FIELDS,
    default_fields: &["id", "updated_time"],
    edges: &[ListEdge {
        name: "messages",
        scopes: &[MESSAGING],
        item_default_fields: Some(&["id", "created_time"]),
        items: |sandbox, id, _| {
            sandbox
                .messenger
                .conversations
                .get(id)
                .map(conversation_messages)
                .unwrap_or_default()
        },
    }],
    access: CONVERSATION_ACCESS,
    view: |sandbox, id, wanted| {
        let conversations = &sandbox.messenger.conversations;
        let conversation = conversations.get(id)?;
        let now_ms = sandbox.clock.now().saturating_mul(1000);
        let party = |side: &str| messenger_party(sandbox, side);
        conversation_fields(conversations, conversation, wanted, now_ms, &party)
    },
};

/// Only for a shared post, a sticker, or a message Meta tagged.
const MESSAGE_UNSET_FIELDS: &[&str] = &["shares", "sticker", "tags"];

pub static MESSAGE: NodeDescriptor = NodeDescriptor {
    type_name: "Message",
    id_shape: ("m_", 88),
    product: Product::Messenger,
    edge_products: &[],
    fields: field_list!(MESSAGE_FIELDS, MESSAGE_UNSET_FIELDS),
    unset_fields: MESSAGE_UNSET_FIELDS,
    default_fields: &["id", "created_time"],
    edges: &[],
    access: CONVERSATION_ACCESS,
    view: |sandbox, id, wanted| {
        let conversations = &sandbox.messenger.conversations;
        let message = conversations.message(id)?;
        let conversation = conversations.get(&message.conversation)?;
        let party = |side: &str| messenger_party(sandbox, side);
        message_fields(conversation, message, wanted, &party)
    },
};
