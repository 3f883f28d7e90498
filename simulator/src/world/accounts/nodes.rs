//! Graph descriptors of the accounts' node kinds: Facebook users (with their
//! Pages and businesses as edges), system users, apps and business
//! portfolios (with their WhatsApp Business Accounts).

use crate::world::clock::graph_time;
use crate::world::links::listings;
use crate::world::nodes::{
    FieldList, Fields, ListEdge, NodeAccess, NodeDescriptor, Product, items_where,
};
use crate::world::sandbox::Sandbox;

pub static USER: NodeDescriptor = NodeDescriptor {
    type_name: "User",
    id_shape: ("35", 15),
    product: Product::Graph,
    edge_products: &[],
    fields: &["id", "name", "email", "first_name", "last_name"],
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

fn user_view(sandbox: &Sandbox, id: &str, wanted: &[&str]) -> Option<FieldList> {
    let user = sandbox.accounts.users.get(id)?;
    let mut names = user.name.splitn(2, ' ');
    Fields::new(id, wanted)
        .put("name", || user.name.clone())
        .put_opt("email", || user.email.clone())
        .put_opt("first_name", || names.next().map(str::to_owned))
        .put_opt("last_name", || names.next().map(str::to_owned))
        .done()
}

pub static SYSTEM_USER: NodeDescriptor = NodeDescriptor {
    type_name: "User",
    id_shape: ("37", 15),
    product: Product::Graph,
    edge_products: &[],
    fields: &["id", "name", "role"],
    default_fields: &["id", "name"],
    edges: &[],
    access: NodeAccess::OPEN,
    view: |sandbox, id, wanted| {
        let user = sandbox.accounts.system_users.get(id)?;
        Fields::new(id, wanted)
            .put("name", || user.name.clone())
            .put("role", || "ADMIN")
            .done()
    },
};

pub static APP: NodeDescriptor = NodeDescriptor {
    type_name: "Application",
    id_shape: ("34", 15),
    product: Product::Graph,
    edge_products: &[],
    fields: &["id", "name", "link", "category"],
    default_fields: &["id", "name"],
    edges: &[],
    access: NodeAccess::OPEN,
    view: |sandbox, id, wanted| {
        let app = sandbox.accounts.apps.get(id)?;
        Fields::new(id, wanted)
            .put("name", || app.name.clone())
            .put("link", || crate::world::accounts::App::link(id))
            .put("category", || "Business")
            .done()
    },
};

const WABA_LIST_SCOPES: &[&str] = &["whatsapp_business_management", "business_management"];

pub static BUSINESS: NodeDescriptor = NodeDescriptor {
    type_name: "Business",
    id_shape: ("36", 15),
    product: Product::Graph,
    edge_products: &[
        ("owned_whatsapp_business_accounts", Product::Whatsapp),
        ("client_whatsapp_business_accounts", Product::Whatsapp),
    ],
    fields: &[
        "id",
        "name",
        "verification_status",
        "created_time",
        "timezone_id",
    ],
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
            // metasim has no partner businesses: nobody shares a WABA yet.
            items: |_, _, _| Vec::new(),
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
            .done()
    },
};
