//! Conversational components of a business number
//! (`POST /{phone-number-id}/conversational_automation`): the welcome
//! message switch, up to 4 ice breakers (≤ 80 characters) and up to 30
//! commands (`command_name` ≤ 32 of letters, digits and `_`; description ≤
//! 256), as Meta's documentation sets them. The number's
//! `conversational_automation` field shows them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

pub const PROMPTS_MAX: usize = 4;
pub const PROMPT_MAX: usize = 80;
pub const COMMANDS_MAX: usize = 30;
pub const COMMAND_NAME_MAX: usize = 32;
pub const COMMAND_DESCRIPTION_MAX: usize = 256;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Command {
    pub command_name: String,
    pub command_description: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConversationalAutomation {
    #[serde(default)]
    pub enable_welcome_message: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<Command>,
}

/// phone number id -> its conversational components.
pub type Automations = BTreeMap<String, ConversationalAutomation>;

/// A partial update; `None` leaves a component alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AutomationUpdate {
    pub enable_welcome_message: Option<bool>,
    pub prompts: Option<Vec<String>>,
    pub commands: Option<Vec<Command>>,
}

impl AutomationUpdate {
    fn check(&self) -> Result<(), Invalid> {
        if let Some(prompts) = &self.prompts {
            if prompts.len() > PROMPTS_MAX {
                return Err(Invalid::new(
                    "prompts",
                    format!("Param prompts must have at most {PROMPTS_MAX} ice breakers"),
                ));
            }
            if prompts
                .iter()
                .any(|p| p.trim().is_empty() || p.chars().count() > PROMPT_MAX)
            {
                return Err(Invalid::new(
                    "prompts",
                    format!("Each ice breaker must be 1 to {PROMPT_MAX} characters long"),
                ));
            }
        }
        if let Some(commands) = &self.commands {
            if commands.len() > COMMANDS_MAX {
                return Err(Invalid::new(
                    "commands",
                    format!("Param commands must have at most {COMMANDS_MAX} commands"),
                ));
            }
            for command in commands {
                let name = &command.command_name;
                let name_ok = !name.is_empty()
                    && name.chars().count() <= COMMAND_NAME_MAX
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if !name_ok {
                    return Err(Invalid::new(
                        "commands",
                        format!(
                            "command_name must be 1 to {COMMAND_NAME_MAX} letters, digits or underscores - got \"{name}\""
                        ),
                    ));
                }
                if command.command_description.trim().is_empty()
                    || command.command_description.chars().count() > COMMAND_DESCRIPTION_MAX
                {
                    return Err(Invalid::new(
                        "commands",
                        format!(
                            "command_description must be 1 to {COMMAND_DESCRIPTION_MAX} characters long"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Sandbox {
    /// Configure a number's conversational components.
    pub fn configure_automation(
        &mut self,
        phone_number_id: &str,
        update: AutomationUpdate,
    ) -> Result<(), Invalid> {
        update.check()?;
        let automation = self
            .whatsapp
            .automations
            .entry(phone_number_id.to_owned())
            .or_default();
        if let Some(on) = update.enable_welcome_message {
            automation.enable_welcome_message = on;
        }
        if let Some(prompts) = update.prompts {
            automation.prompts = prompts;
        }
        if let Some(commands) = update.commands {
            automation.commands = commands;
        }
        Ok(())
    }

    /// The number's `conversational_automation` field.
    pub fn automation_json(&self, phone_number_id: &str) -> Value {
        let automation = self
            .whatsapp
            .automations
            .get(phone_number_id)
            .cloned()
            .unwrap_or_default();
        let mut out = json!({ "id": phone_number_id });
        out["enable_welcome_message"] = json!(automation.enable_welcome_message);
        if !automation.prompts.is_empty() {
            out["prompts"] = json!(automation.prompts);
        }
        if !automation.commands.is_empty() {
            out["commands"] = json!(automation.commands);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn components_are_checked_and_shown() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let update = AutomationUpdate {
            prompts: Some(vec!["Track my order".into()]),
            commands: Some(vec![Command {
                command_name: "help".into(),
                command_description: "Get help".into(),
            }]),
            ..AutomationUpdate::default()
        };
        sandbox.configure_automation(&phone, update).unwrap();
        let shown = sandbox.automation_json(&phone);
        assert_eq!(shown["prompts"], json!(["Track my order"]));
        assert_eq!(shown["commands"][0]["command_name"], "help");
        assert_eq!(shown["enable_welcome_message"], false);
        let too_many = AutomationUpdate {
            prompts: Some(vec!["x".into(); 5]),
            ..AutomationUpdate::default()
        };
        assert_eq!(
            sandbox
                .configure_automation(&phone, too_many)
                .unwrap_err()
                .field,
            "prompts"
        );
        let bad_name = AutomationUpdate {
            commands: Some(vec![Command {
                command_name: "no spaces".into(),
                command_description: "x".into(),
            }]),
            ..AutomationUpdate::default()
        };
        assert!(sandbox.configure_automation(&phone, bad_name).is_err());
    }
}
