//! Checking a message's shape the way the Cloud API does: required members
//! (`(#100) The parameter text['body'] is required.`), value limits (131009
//! `Parameter value is not valid` with details), per type. Returns the
//! message object metasim stores (`{"type": …, <type>: {…}}`).

use serde_json::{Map, Value, json};

use crate::api::error::GraphError;

/// Meta's parameter path style: `interactive['action']['buttons'][0]`.
struct Path(String);

impl Path {
    fn root(name: &str) -> Self {
        Self(name.to_owned())
    }
    fn key(&self, key: &str) -> Self {
        Self(format!("{}['{key}']", self.0))
    }
    fn index(&self, index: usize) -> Self {
        Self(format!("{}[{index}]", self.0))
    }
    fn missing(&self) -> GraphError {
        GraphError::invalid_parameter(format!("The parameter {} is required.", self.0))
    }
    fn invalid(&self, details: &str) -> GraphError {
        GraphError::whatsapp(
            131009,
            "Parameter value is not valid",
            &format!("{}: {details}", self.0),
        )
    }
}

fn object<'a>(value: Option<&'a Value>, path: &Path) -> Result<&'a Map<String, Value>, GraphError> {
    match value {
        None | Some(Value::Null) => Err(path.missing()),
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(path.invalid("must be an object")),
    }
}

fn text<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    path: &Path,
    max: usize,
) -> Result<&'a str, GraphError> {
    let path = path.key(key);
    match map.get(key) {
        None | Some(Value::Null) => Err(path.missing()),
        Some(Value::String(s)) if s.chars().count() > max => {
            Err(path.invalid(&format!("must be at most {max} characters long")))
        }
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(path.invalid("must be a string")),
    }
}

fn optional_text(
    map: &Map<String, Value>,
    key: &str,
    path: &Path,
    max: usize,
) -> Result<(), GraphError> {
    if map.get(key).is_some_and(|v| !v.is_null()) {
        text(map, key, path, max)?;
    }
    Ok(())
}

fn array<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    path: &Path,
    range: (usize, usize),
) -> Result<&'a Vec<Value>, GraphError> {
    let path = path.key(key);
    match map.get(key) {
        None | Some(Value::Null) => Err(path.missing()),
        Some(Value::Array(items)) if items.len() < range.0 || items.len() > range.1 => Err(path
            .invalid(&format!(
                "must have between {} and {} items",
                range.0, range.1
            ))),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(path.invalid("must be an array")),
    }
}

/// A latitude or longitude: a JSON number or a numeric string.
fn coordinate(
    map: &Map<String, Value>,
    key: &str,
    path: &Path,
    bound: f64,
) -> Result<(), GraphError> {
    let path = path.key(key);
    let value = match map.get(key) {
        None | Some(Value::Null) => return Err(path.missing()),
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match value {
        Some(v) if v.abs() <= bound => Ok(()),
        _ => Err(path.invalid(&format!("must be a number between -{bound} and {bound}"))),
    }
}

pub const MESSAGE_TYPES: [&str; 11] = [
    "audio",
    "contacts",
    "document",
    "image",
    "interactive",
    "location",
    "reaction",
    "sticker",
    "template",
    "text",
    "video",
];

/// Check the type's object and return it as stored.
pub fn check(kind: &str, value: Option<&Value>) -> Result<Value, GraphError> {
    let path = Path::root(kind);
    let map = if kind == "contacts" {
        None
    } else {
        Some(object(value, &path)?)
    };
    match (kind, map) {
        ("text", Some(map)) => {
            text(map, "body", &path, 4096)?;
            if map.get("preview_url").is_some_and(|v| !v.is_boolean()) {
                return Err(path.key("preview_url").invalid("must be a boolean"));
            }
        }
        ("image" | "audio" | "video" | "document" | "sticker", Some(map)) => {
            check_media(kind, map, &path)?
        }
        ("reaction", Some(map)) => {
            text(map, "message_id", &path, 512)?;
            text(map, "emoji", &path, 16)?;
        }
        ("location", Some(map)) => {
            coordinate(map, "latitude", &path, 90.0)?;
            coordinate(map, "longitude", &path, 180.0)?;
            optional_text(map, "name", &path, 1000)?;
            optional_text(map, "address", &path, 1000)?;
        }
        ("contacts", None) => {
            let items = match value {
                Some(Value::Array(items)) if !items.is_empty() => items,
                None | Some(Value::Null) => return Err(path.missing()),
                Some(_) => return Err(path.invalid("must be a non-empty array of contacts")),
            };
            for (i, contact) in items.iter().enumerate() {
                let contact_path = path.index(i);
                let contact = object(Some(contact), &contact_path)?;
                let name = object(contact.get("name"), &contact_path.key("name"))?;
                text(name, "formatted_name", &contact_path.key("name"), 1024)?;
            }
        }
        ("interactive", Some(map)) => check_interactive(map, &path)?,
        ("template", Some(map)) => {
            text(map, "name", &path, 512)?;
            let language = object(map.get("language"), &path.key("language"))?;
            text(language, "code", &path.key("language"), 16)?;
            match map.get("components") {
                Some(Value::Array(components)) => check_template_parameters(components)?,
                Some(Value::Null) | None => {}
                Some(_) => return Err(path.key("components").invalid("must be an array")),
            }
        }
        _ => {
            return Err(GraphError::invalid_parameter(format!(
                "Param type must be one of {{{}}} - got \"{kind}\".",
                MESSAGE_TYPES.map(str::to_ascii_uppercase).join(", ")
            )));
        }
    }
    Ok(value.cloned().unwrap_or(Value::Null))
}

/// Every template parameter carries the member its type names (`text` for
/// `text`, `currency` for `currency`, …), as Meta requires.
fn check_template_parameters(components: &[Value]) -> Result<(), GraphError> {
    let parameters = components
        .iter()
        .filter_map(|c| c.get("parameters").and_then(Value::as_array))
        .flatten();
    for parameter in parameters {
        let Some(kind) = parameter.get("type").and_then(Value::as_str) else {
            continue;
        };
        let given = match parameter.get(kind) {
            None | Some(Value::Null) => false,
            Some(Value::String(text)) => !text.is_empty(),
            Some(_) => true,
        };
        if TEMPLATE_PARAMETER_TYPES.contains(&kind) && !given {
            return Err(GraphError::whatsapp(
                100,
                "Invalid parameter",
                &format!("Parameter '{kind}' is mandatory for component parameter type '{kind}'"),
            ));
        }
    }
    Ok(())
}

/// Template parameter types whose value is a member of the same name.
const TEMPLATE_PARAMETER_TYPES: [&str; 10] = [
    "text",
    "currency",
    "date_time",
    "image",
    "video",
    "document",
    "location",
    "payload",
    "action",
    "product",
];

fn check_media(kind: &str, map: &Map<String, Value>, path: &Path) -> Result<(), GraphError> {
    let id = map.get("id").and_then(Value::as_str);
    let link = map.get("link").and_then(Value::as_str);
    match (id, link) {
        (None, None) => {
            return Err(GraphError::invalid_parameter(format!(
                "The parameter {}['id'] or {}['link'] is required.",
                path.0, path.0
            )));
        }
        (Some(_), Some(_)) => return Err(path.invalid("give either id or link, not both")),
        (None, Some(link)) if !(link.starts_with("https://") || link.starts_with("http://")) => {
            return Err(path.key("link").invalid("must be an http(s) URL"));
        }
        _ => {}
    }
    if matches!(kind, "image" | "video" | "document") {
        optional_text(map, "caption", path, 1024)?;
    } else if map.contains_key("caption") {
        return Err(path
            .key("caption")
            .invalid(&format!("{kind} messages take no caption")));
    }
    if kind == "document" {
        optional_text(map, "filename", path, 240)?;
    }
    Ok(())
}

fn check_interactive(map: &Map<String, Value>, path: &Path) -> Result<(), GraphError> {
    let kind = text(map, "type", path, 64)?;
    let body_limit = if kind == "list" { 4096 } else { 1024 };
    if kind != "product" {
        text(
            object(map.get("body"), &path.key("body"))?,
            "text",
            &path.key("body"),
            body_limit,
        )?;
    }
    if let Some(footer) = map.get("footer").filter(|f| !f.is_null()) {
        text(
            object(Some(footer), &path.key("footer"))?,
            "text",
            &path.key("footer"),
            60,
        )?;
    }
    if let Some(header) = map.get("header").filter(|h| !h.is_null()) {
        let header = object(Some(header), &path.key("header"))?;
        let header_type = text(header, "type", &path.key("header"), 16)?;
        if header_type == "text" {
            text(header, "text", &path.key("header"), 60)?;
        } else if kind == "list" {
            return Err(path
                .key("header")
                .key("type")
                .invalid("list messages take text headers only"));
        }
    }
    let action_path = path.key("action");
    let action = object(map.get("action"), &action_path)?;
    match kind {
        "button" => {
            let buttons = array(action, "buttons", &action_path, (1, 3))?;
            let mut ids = Vec::new();
            for (i, button) in buttons.iter().enumerate() {
                let button_path = action_path.key("buttons").index(i);
                let reply = object(
                    object(Some(button), &button_path)?.get("reply"),
                    &button_path.key("reply"),
                )?;
                let id = text(reply, "id", &button_path.key("reply"), 256)?;
                text(reply, "title", &button_path.key("reply"), 20)?;
                if ids.contains(&id) {
                    return Err(button_path
                        .key("reply")
                        .key("id")
                        .invalid("button ids must be unique"));
                }
                ids.push(id);
            }
        }
        "list" => {
            text(action, "button", &action_path, 20)?;
            let sections = array(action, "sections", &action_path, (1, 10))?;
            let mut rows_total = 0;
            for (i, section) in sections.iter().enumerate() {
                let section_path = action_path.key("sections").index(i);
                let section = object(Some(section), &section_path)?;
                optional_text(section, "title", &section_path, 24)?;
                let rows = array(section, "rows", &section_path, (1, 10))?;
                rows_total += rows.len();
                for (r, row) in rows.iter().enumerate() {
                    let row_path = section_path.key("rows").index(r);
                    let row = object(Some(row), &row_path)?;
                    text(row, "id", &row_path, 200)?;
                    text(row, "title", &row_path, 24)?;
                    optional_text(row, "description", &row_path, 72)?;
                }
            }
            if rows_total > 10 {
                return Err(action_path
                    .key("sections")
                    .invalid("a list has at most 10 rows in all"));
            }
        }
        "cta_url" => {
            let parameters = object(action.get("parameters"), &action_path.key("parameters"))?;
            text(
                parameters,
                "display_text",
                &action_path.key("parameters"),
                20,
            )?;
            text(parameters, "url", &action_path.key("parameters"), 2000)?;
        }
        "contact_request"
        | "request_contact_info"
        | "location_request_message"
        | "flow"
        | "product"
        | "product_list"
        | "catalog_message"
        | "address_message"
        | "call_permission_request"
        | "order_details"
        | "order_status" => {}
        other => {
            return Err(GraphError::invalid_parameter(format!(
                "Param interactive['type'] must be one of {{button, list, cta_url, contact_request, request_contact_info, location_request_message, flow, product, product_list, catalog_message, address_message, call_permission_request, order_details, order_status}} - got \"{other}\"."
            )));
        }
    }
    Ok(())
}

/// The stored message object: `{"type": kind, kind: value, "context"?: {"message_id"}}`.
pub fn message_object(kind: &str, value: Value, context: Option<String>) -> Value {
    let mut message = json!({ "type": kind });
    message[kind] = value;
    if let Some(id) = context {
        message["context"] = json!({ "message_id": id });
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules() {
        assert!(check("text", Some(&json!({"body": "hi", "preview_url": true}))).is_ok());
        let missing = check("text", Some(&json!({}))).unwrap_err();
        assert_eq!(
            missing.message,
            "(#100) The parameter text['body'] is required."
        );
        let long = check("text", Some(&json!({"body": "x".repeat(4097)}))).unwrap_err();
        assert_eq!(long.code, 131009);
        assert_eq!(
            check("text", None).unwrap_err().message,
            "(#100) The parameter text is required."
        );
    }

    #[test]
    fn media_and_location() {
        assert!(
            check(
                "image",
                Some(&json!({"link": "https://x.example/a.jpg", "caption": "c"}))
            )
            .is_ok()
        );
        assert_eq!(check("image", Some(&json!({}))).unwrap_err().code, 100);
        assert_eq!(
            check("sticker", Some(&json!({"id": "1", "caption": "no"})))
                .unwrap_err()
                .code,
            131009
        );
        assert!(
            check(
                "location",
                Some(&json!({"latitude": "37.4", "longitude": -122.1}))
            )
            .is_ok()
        );
        assert_eq!(
            check("location", Some(&json!({"latitude": 100, "longitude": 0})))
                .unwrap_err()
                .code,
            131009
        );
    }

    #[test]
    fn interactive_limits() {
        let buttons = |titles: &[&str]| {
            let list: Vec<Value> = titles
                .iter()
                .enumerate()
                .map(
                    |(i, t)| json!({"type": "reply", "reply": {"id": format!("b{i}"), "title": t}}),
                )
                .collect();
            json!({"type": "button", "body": {"text": "Pick"}, "action": {"buttons": list}})
        };
        assert!(check("interactive", Some(&buttons(&["Yes", "No"]))).is_ok());
        let too_many = check("interactive", Some(&buttons(&["a", "b", "c", "d"]))).unwrap_err();
        assert!(
            too_many.error_data.as_ref().unwrap()["details"]
                .as_str()
                .unwrap()
                .contains("between 1 and 3")
        );
        assert_eq!(
            check(
                "interactive",
                Some(&buttons(&["this title is far too long"]))
            )
            .unwrap_err()
            .code,
            131009
        );
        let list = json!({"type": "list", "body": {"text": "b"}, "action": {"button": "Go", "sections": [
            {"title": "s", "rows": (0..11).map(|i| json!({"id": i.to_string(), "title": "t"})).collect::<Vec<_>>()}]}});
        assert_eq!(check("interactive", Some(&list)).unwrap_err().code, 131009);
        assert_eq!(
            check(
                "interactive",
                Some(&json!({"type": "carousel", "body": {"text": "b"}, "action": {}}))
            )
            .unwrap_err()
            .code,
            100
        );
    }

    #[test]
    fn unknown_type() {
        let error = check("fax", Some(&json!({}))).unwrap_err();
        assert!(
            error
                .message
                .starts_with("(#100) Param type must be one of {AUDIO, CONTACTS"),
            "{}",
            error.message
        );
    }
}
