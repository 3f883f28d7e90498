//! Graph descriptor of a Facebook Page: its business info, its linked
//! Instagram account and WhatsApp number, its conversations; the Messenger
//! edges on a Page belong to the Messenger product.

use serde_json::{Value, json};

use super::Page;
use crate::world::links::listings;
use crate::world::nodes::{FieldList, Fields, ListEdge, NodeAccess, NodeDescriptor, Product};
use crate::world::sandbox::Sandbox;

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
    fields: &[
        "id",
        "name",
        "category",
        "category_list",
        "about",
        "description",
        "emails",
        "phone",
        "website",
        "hours",
        "single_line_address",
        "link",
        "instagram_business_account",
        "connected_instagram_account",
        "whatsapp_number",
        "has_whatsapp_number",
        "has_whatsapp_business_number",
    ],
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
    Fields::new(id, wanted)
        .put("name", || page.name.clone())
        .put("category", || page.category.clone())
        .put("category_list", || category_list(page))
        .put_opt("about", || info.about.clone())
        .put_opt("description", || info.description.clone())
        .put_opt("emails", || {
            (!info.emails.is_empty()).then(|| json!(info.emails))
        })
        .put_opt("phone", || info.phone.clone())
        .put_opt("website", || info.website.clone())
        .put_opt("hours", || {
            (!info.hours.is_empty()).then(|| json!(info.hours))
        })
        .put_opt("single_line_address", || info.single_line_address.clone())
        .put("link", || format!("https://www.facebook.com/{id}"))
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
        .done()
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
