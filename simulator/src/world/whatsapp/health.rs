//! `health_status` of WhatsApp nodes: whether a message sent through a
//! phone number, a template or a WABA can go out, entity by entity (the
//! targeted number or template, then the WABA, the business portfolio and
//! the app asking), with the worst of them overall — `AVAILABLE`, `LIMITED`
//! or `BLOCKED`, and for a blocked entity the error and a possible solution.

use serde_json::{Map, Value, json};

use crate::world::sandbox::Sandbox;

/// The node a health status is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthTarget<'a> {
    Waba(&'a str),
    PhoneNumber(&'a str),
    Template(&'a str),
}

/// One entity's health: its type, id and, when blocked, why.
struct Entity {
    entity_type: &'static str,
    id: String,
    blocked_by: Option<(i64, &'static str, &'static str)>,
}

impl Entity {
    fn available(entity_type: &'static str, id: &str) -> Self {
        Self {
            entity_type,
            id: id.to_owned(),
            blocked_by: None,
        }
    }

    fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("entity_type".into(), json!(self.entity_type));
        out.insert("id".into(), json!(self.id));
        match self.blocked_by {
            None => {
                out.insert("can_send_message".into(), json!("AVAILABLE"));
            }
            Some((code, description, solution)) => {
                out.insert("can_send_message".into(), json!("BLOCKED"));
                out.insert(
                    "errors".into(),
                    json!([{
                        "error_code": code,
                        "error_description": description,
                        "possible_solution": solution,
                    }]),
                );
            }
        }
        Value::Object(out)
    }
}

fn phone_entity(sandbox: &Sandbox, id: &str) -> Entity {
    let registered = sandbox.phone_is_registered(id);
    Entity {
        blocked_by: (!registered).then_some((
            133010,
            "The phone number is not registered with the Cloud API.",
            "Register the phone number (POST /{phone-number-id}/register).",
        )),
        ..Entity::available("PHONE_NUMBER", id)
    }
}

fn template_entity(sandbox: &Sandbox, id: &str) -> Entity {
    let status = sandbox
        .whatsapp
        .templates
        .get(id)
        .map_or("", |t| t.status.as_str());
    let blocked_by = match status {
        "APPROVED" => None,
        "PAUSED" => Some((
            132015,
            "The template is paused because of low quality.",
            "Edit the template, or wait until the pause ends.",
        )),
        "DISABLED" => Some((
            132016,
            "The template is disabled because of low quality.",
            "Create a new template with different content.",
        )),
        _ => Some((
            132001,
            "The template is not approved.",
            "Wait for the review, or edit and resubmit the template.",
        )),
    };
    Entity {
        blocked_by,
        ..Entity::available("MESSAGE_TEMPLATE", id)
    }
}

fn waba_entity(sandbox: &Sandbox, id: &str) -> Entity {
    let blocked_by = (!sandbox.waba_can_pay(id)).then_some((
        141006,
        "There is an error with the payment method. This will block business initiated conversations.",
        "There was an error with your payment method. Please add a new payment method to the account.",
    ));
    Entity {
        blocked_by,
        ..Entity::available("WABA", id)
    }
}

impl Sandbox {
    /// The health status of `target` as the app `app_id` sees it; `None`
    /// for a node that does not exist.
    pub fn health_status(&self, target: HealthTarget<'_>, app_id: &str) -> Option<Value> {
        let whatsapp = &self.whatsapp;
        let (first, waba_id) = match target {
            HealthTarget::Waba(id) => (None, id),
            HealthTarget::PhoneNumber(id) => (
                Some(phone_entity(self, id)),
                whatsapp.phone_numbers.get(id)?.waba_id.as_str(),
            ),
            HealthTarget::Template(id) => (
                Some(template_entity(self, id)),
                whatsapp.templates.get(id)?.waba_id.as_str(),
            ),
        };
        let waba = whatsapp.wabas.get(waba_id)?;
        let entities: Vec<Entity> = first
            .into_iter()
            .chain([
                waba_entity(self, waba_id),
                Entity::available("BUSINESS", &waba.business_id),
                Entity::available("APP", app_id),
            ])
            .collect();
        let overall = if entities.iter().any(|e| e.blocked_by.is_some()) {
            "BLOCKED"
        } else {
            "AVAILABLE"
        };
        Some(json!({
            "can_send_message": overall,
            "entities": entities.iter().map(Entity::to_json).collect::<Vec<_>>(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn entities_and_the_worst_of_them() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let waba = sandbox.handles["waba"].clone();
        let health = sandbox
            .health_status(HealthTarget::PhoneNumber(&phone), "7")
            .unwrap();
        assert_eq!(health["can_send_message"], "AVAILABLE");
        let types: Vec<&str> = health["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["entity_type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["PHONE_NUMBER", "WABA", "BUSINESS", "APP"]);
        sandbox.set_payment_method(&waba, false);
        let health = sandbox
            .health_status(HealthTarget::Waba(&waba), "7")
            .unwrap();
        assert_eq!(health["can_send_message"], "BLOCKED");
        assert_eq!(health["entities"][0]["errors"][0]["error_code"], 141006);
        assert_eq!(
            sandbox.health_status(HealthTarget::Template("0"), "7"),
            None
        );
    }
}
