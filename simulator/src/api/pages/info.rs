//! `POST /{page-id}` with business-info parameters (about, description,
//! emails, phone, website, hours, location), as Meta's Pages API takes them
//! with a Page access token that has `pages_manage_metadata`. Parameters
//! metasim does not model are ignored, as Meta ignores what a call does not
//! take. A Page synced to a WhatsApp number passes the edit on.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::api::routes::Operation;
use crate::api::routes::success;
use crate::world::pages::PageInfoUpdate;

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    let update = read_update(op.request)?;
    op.sandbox
        .edit_page_info(op.id, update)
        .map_err(|invalid| GraphError::invalid_parameter(format!("Param {invalid}")))?;
    Ok(success())
}

/// A structured parameter (JSON, or text holding JSON as forms send it) read
/// with `read`, or Meta's 100 naming what it must be.
fn structured<T>(
    request: &GraphRequest,
    name: &str,
    read: impl Fn(&Value) -> Option<T>,
    must_be: &str,
) -> Result<Option<T>, GraphError> {
    let Some(value) = request.param_json(name) else {
        return Ok(None);
    };
    read(&value?)
        .map(Some)
        .ok_or_else(|| GraphError::invalid_parameter(format!("Param {name} must be {must_be}")))
}

fn read_update(request: &GraphRequest) -> Result<PageInfoUpdate, GraphError> {
    Ok(PageInfoUpdate {
        about: request.param_str("about"),
        description: request.param_str("description"),
        emails: structured(request, "emails", strings, "an array of email addresses")?,
        phone: request.param_str("phone"),
        website: request.param_str("website"),
        hours: structured(
            request,
            "hours",
            string_map,
            "an object like {\"mon_1_open\":\"09:00\",\"mon_1_close\":\"17:00\"}",
        )?,
        single_line_address: structured(
            request,
            "location",
            single_line_address,
            "an object with street, city, state, zip and country",
        )?,
        category: None,
    })
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
}

fn string_map(value: &Value) -> Option<BTreeMap<String, String>> {
    value
        .as_object()?
        .iter()
        .map(|(key, item)| Some((key.clone(), item.as_str()?.to_owned())))
        .collect()
}

/// `street, city, state zip, country` from a location object (parts that are
/// absent are left out), the way the Page shows `single_line_address`.
fn single_line_address(value: &Value) -> Option<String> {
    let location = value.as_object()?;
    let part = |name: &str| {
        location
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
    };
    let region = [part("state"), part("zip")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let parts: Vec<&str> = [part("street"), part("city")]
        .into_iter()
        .flatten()
        .chain((!region.is_empty()).then_some(region.as_str()))
        .chain(part("country"))
        .collect();
    Some(parts.join(", "))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn addresses_read_as_one_line() {
        let location =
            json!({"street": "1 Garden Way", "city": "Springfield", "state": "IL", "zip": "62701"});
        assert_eq!(
            single_line_address(&location).as_deref(),
            Some("1 Garden Way, Springfield, IL 62701")
        );
        assert_eq!(single_line_address(&json!({})).as_deref(), Some(""));
        assert_eq!(single_line_address(&json!("x")), None);
    }
}
