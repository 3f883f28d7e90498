//! `GET/POST /{phone-number-id}/whatsapp_commerce_settings`: whether the
//! number's cart is enabled and its catalog visible (`is_cart_enabled`,
//! `is_catalog_visible`, booleans in the query or body).

use serde_json::Value;

use super::flag;
use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};

pub fn read(op: Operation<'_>) -> Result<Value, GraphError> {
    Ok(op.sandbox.commerce_settings_json(op.id))
}

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    let cart = flag(op.request, "is_cart_enabled")?;
    let catalog = flag(op.request, "is_catalog_visible")?;
    if cart.is_none() && catalog.is_none() {
        return Err(GraphError::invalid_parameter(
            "The parameter is_cart_enabled or is_catalog_visible is required",
        ));
    }
    op.sandbox.set_commerce_settings(op.id, cart, catalog);
    Ok(success())
}
