//! WhatsApp groups of a business number (Meta's Groups API): created with a
//! subject, an optional description and a join approval mode, joined by
//! consumers through the group's invite link (straight in, or by a join
//! request the business approves or rejects), left by them, and emptied or
//! deleted by the business. Meta's limits: 8 participants besides the
//! business, 10,000 groups per number, subjects of 128 characters and
//! descriptions of 2,048. Every change reports Meta's group webhooks
//! (`group_lifecycle_update`, `group_participants_update`,
//! `group_settings_update`) for the number's WABA.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::group_photos::GroupPhoto;
use super::group_pins::Pin;
use crate::world::events::EventPayload;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;
use crate::world::shared::phone::phone_digits;

/// Participants a group may have besides the business.
pub const PARTICIPANTS_MAX: usize = 8;
/// Groups one business number may have at once.
pub const GROUPS_PER_NUMBER_MAX: usize = 10_000;
pub const SUBJECT_MAX: usize = 128;
pub const DESCRIPTION_MAX: usize = 2048;
/// Open join requests one group keeps (metasim's bound; older ones are
/// refused until the business decides).
pub const JOIN_REQUESTS_MAX: usize = 256;
/// Where invite links point.
pub const INVITE_LINK_BASE: &str = "https://chat.whatsapp.com/";

const JOIN_MODES: [&str; 2] = ["approval_required", "auto_approve"];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JoinRequest {
    pub id: String,
    pub wa_id: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Group {
    pub id: String,
    pub phone_number_id: String,
    pub waba_id: String,
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `approval_required` or `auto_approve`.
    pub join_approval_mode: String,
    pub created_at: i64,
    /// The participants' phone digits, in joining order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<String>,
    /// The code of the current invite link (none once revoked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_code: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub join_requests: Vec<JoinRequest>,
    /// Suspended by WhatsApp for breaking its policies: nothing is sent in it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suspended: bool,
    /// The group's profile picture, once the business set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_picture: Option<GroupPhoto>,
    /// Messages the business pinned (at most 3, oldest first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<Pin>,
}

impl Group {
    pub fn invite_link(&self) -> Option<String> {
        self.invite_code
            .as_ref()
            .map(|code| format!("{INVITE_LINK_BASE}{code}"))
    }
}

/// group id -> group.
pub type Groups = BTreeMap<String, Box<Group>>;

/// What a new group or a settings update carries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupSettings {
    pub subject: Option<String>,
    pub description: Option<String>,
    pub join_approval_mode: Option<String>,
    /// A new profile picture (updates only), checked already.
    pub profile_picture: Option<GroupPhoto>,
}

impl GroupSettings {
    fn check(&self) -> Result<(), Invalid> {
        if let Some(subject) = &self.subject {
            if subject.trim().is_empty() {
                return Err(Invalid::new("subject", "Param subject must not be empty"));
            }
            if subject.trim().chars().count() > SUBJECT_MAX {
                return Err(Invalid::new(
                    "subject",
                    format!("Param subject must be at most {SUBJECT_MAX} characters long"),
                ));
            }
        }
        if let Some(description) = &self.description
            && description.chars().count() > DESCRIPTION_MAX
        {
            return Err(Invalid::new(
                "description",
                format!("Param description must be at most {DESCRIPTION_MAX} characters long"),
            ));
        }
        if let Some(mode) = &self.join_approval_mode
            && !JOIN_MODES.contains(&mode.as_str())
        {
            return Err(Invalid::new(
                "join_approval_mode",
                format!(
                    "Param join_approval_mode must be one of {{approval_required, auto_approve}} - got \"{mode}\"."
                ),
            ));
        }
        Ok(())
    }
}

/// Why one participant or join request of a call was not done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFailure {
    pub input: String,
    pub details: String,
}

/// What a participants or join-requests call did, item by item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemOutcome {
    pub request_id: String,
    /// (input, wa_id) of each item done.
    pub done: Vec<(String, String)>,
    pub failed: Vec<ItemFailure>,
}

/// Why a consumer's action on a group was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsumerGroupError {
    /// No such consumer on WhatsApp, invite link or group.
    Unknown(String),
    /// The group's state does not allow it (full, already in, no request).
    Refused(String),
}

/// How a consumer's use of an invite link ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Joined {
    Member(String),
    Requested {
        group_id: String,
        request_id: String,
    },
}

impl Sandbox {
    pub(super) fn group_event(&mut self, group: &Group, field: &str, item: Value) {
        let now = self.clock.now();
        let mut item = item;
        item["timestamp"] = json!(now.to_string());
        item["group_id"] = json!(group.id);
        if field == "group_participants_update" {
            self.log_membership(&group.id, &item, now);
        }
        self.events.emit(
            now,
            EventPayload::WhatsappGroup {
                waba_id: group.waba_id.clone(),
                phone_number_id: group.phone_number_id.clone(),
                field: field.to_owned(),
                group: item,
            },
        );
    }

    fn request_id(&mut self) -> String {
        self.ids.opaque_code(24, "group_request")
    }

    fn invite_code(&mut self) -> String {
        self.ids.opaque_code(22, "group_invite")
    }

    /// The number's groups, oldest first.
    pub fn groups_of(&self, phone_number_id: &str) -> Vec<&Group> {
        let mut groups: Vec<&Group> = self
            .whatsapp
            .groups
            .values()
            .map(Box::as_ref)
            .filter(|g| g.phone_number_id == phone_number_id)
            .collect();
        groups.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        groups
    }

    /// Create a group with an invite link; returns (group id, request id).
    pub fn create_group(
        &mut self,
        phone_number_id: &str,
        settings: GroupSettings,
    ) -> Result<(String, String), Invalid> {
        settings.check()?;
        let subject = settings
            .subject
            .as_deref()
            .map(str::trim)
            .ok_or_else(|| Invalid::new("subject", "The parameter subject is required"))?
            .to_owned();
        if self.groups_of(phone_number_id).len() >= GROUPS_PER_NUMBER_MAX {
            return Err(Invalid::new(
                "subject",
                format!("A business number may have at most {GROUPS_PER_NUMBER_MAX} groups"),
            ));
        }
        let waba_id = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .map(|p| p.waba_id.clone())
            .unwrap_or_default();
        let id = self.allocate_node(NodeKind::WhatsappGroup);
        let request_id = self.request_id();
        let group = Group {
            id: id.clone(),
            phone_number_id: phone_number_id.to_owned(),
            waba_id,
            subject,
            description: settings.description.filter(|d| !d.is_empty()),
            join_approval_mode: settings
                .join_approval_mode
                .unwrap_or_else(|| "auto_approve".to_owned()),
            created_at: self.clock.now(),
            participants: Vec::new(),
            invite_code: Some(self.invite_code()),
            join_requests: Vec::new(),
            suspended: false,
            profile_picture: None,
            pins: Vec::new(),
        };
        let mut item = json!({
            "type": "group_create",
            "request_id": request_id,
            "subject": group.subject,
            "invite_link": group.invite_link(),
            "join_approval_mode": group.join_approval_mode,
        });
        if let Some(description) = &group.description {
            item["description"] = json!(description);
        }
        self.group_event(&group, "group_lifecycle_update", item);
        self.whatsapp.groups.insert(id.clone(), Box::new(group));
        Ok((id, request_id))
    }

    /// Change the profile picture, subject and/or description; returns the
    /// request id.
    pub fn update_group(
        &mut self,
        group_id: &str,
        settings: GroupSettings,
    ) -> Result<String, Invalid> {
        settings.check()?;
        if settings.subject.is_none()
            && settings.description.is_none()
            && settings.profile_picture.is_none()
        {
            return Err(Invalid::new(
                "subject",
                "One feature setting must be specified",
            ));
        }
        let request_id = self.request_id();
        let Some(group) = self.whatsapp.groups.get_mut(group_id) else {
            return Err(Invalid::new("group_id", "Unknown group"));
        };
        let mut item = json!({ "type": "group_settings_update", "request_id": request_id.clone() });
        if let Some(photo) = settings.profile_picture {
            item["profile_picture"] = json!({
                "mime_type": photo.mime_type,
                "sha256": photo.sha256,
                "update_successful": true,
            });
            group.profile_picture = Some(photo);
        }
        if let Some(subject) = settings.subject {
            group.subject = subject.trim().to_owned();
            item["group_subject"] = json!({ "text": group.subject, "update_successful": true });
        }
        if let Some(description) = settings.description {
            item["group_description"] = json!({ "text": description, "update_successful": true });
            group.description = Some(description).filter(|d| !d.is_empty());
        }
        let group = group.clone();
        self.group_event(&group, "group_settings_update", item);
        Ok(request_id)
    }

    /// Delete the group: everyone, the business too, is out.
    pub fn delete_group(&mut self, group_id: &str) -> bool {
        let Some(group) = self.whatsapp.groups.remove(group_id) else {
            return false;
        };
        self.registry.remove(group_id);
        let request_id = self.request_id();
        let item = json!({ "type": "group_delete", "request_id": request_id });
        self.group_event(&group, "group_lifecycle_update", item);
        true
    }

    /// A new invite link; the old one stops working.
    pub fn reset_invite_link(&mut self, group_id: &str) -> Option<String> {
        let code = self.invite_code();
        let group = self.whatsapp.groups.get_mut(group_id)?;
        group.invite_code = Some(code);
        group.invite_link()
    }

    /// Revoke the invite link (none until a new one is made).
    pub fn revoke_invite_link(&mut self, group_id: &str) -> bool {
        self.whatsapp
            .groups
            .get_mut(group_id)
            .map(|g| g.invite_code = None)
            .is_some()
    }

    /// The business removes participants: each as named (`input`) and the
    /// consumer (digits) it names, if any.
    pub fn remove_participants(
        &mut self,
        group_id: &str,
        users: &[(String, Option<String>)],
    ) -> ItemOutcome {
        let request_id = self.request_id();
        let mut outcome = ItemOutcome {
            request_id: request_id.clone(),
            ..ItemOutcome::default()
        };
        let Some(group) = self.whatsapp.groups.get_mut(group_id) else {
            return outcome;
        };
        for (input, digits) in users {
            let found = digits
                .as_ref()
                .and_then(|d| Some((group.participants.iter().position(|p| p == d)?, d)));
            match found {
                Some((index, digits)) => {
                    group.participants.remove(index);
                    outcome.done.push((input.clone(), digits.clone()));
                }
                None => outcome.failed.push(ItemFailure {
                    input: input.clone(),
                    details: "The user is not a participant of this group".into(),
                }),
            }
        }
        let group = group.clone();
        let removed: Vec<Value> = outcome
            .done
            .iter()
            .map(|(input, _)| json!({ "input": input }))
            .collect();
        let mut item = json!({
            "type": "group_participants_remove",
            "request_id": request_id,
            "removed_participants": removed,
            "initiated_by": "business",
        });
        failed_participants(&mut item, &outcome.failed);
        self.group_event(&group, "group_participants_update", item);
        outcome
    }

    /// The business adds consumers on WhatsApp (by phone number or wa_id)
    /// while the group has room.
    pub fn add_participants(&mut self, group_id: &str, users: &[String]) -> ItemOutcome {
        let request_id = self.request_id();
        let mut outcome = ItemOutcome {
            request_id: request_id.clone(),
            ..ItemOutcome::default()
        };
        let on_whatsapp: Vec<bool> = users
            .iter()
            .map(|u| {
                self.whatsapp
                    .consumers
                    .get(&phone_digits(u))
                    .is_some_and(|c| c.on_whatsapp)
            })
            .collect();
        let Some(group) = self.whatsapp.groups.get_mut(group_id) else {
            return outcome;
        };
        for (input, reachable) in users.iter().zip(on_whatsapp) {
            let digits = phone_digits(input);
            let refusal = if !reachable {
                Some("The user is not on WhatsApp".to_owned())
            } else if group.participants.contains(&digits) {
                Some("The user is a participant of this group already".to_owned())
            } else if group.participants.len() >= PARTICIPANTS_MAX {
                Some(format!(
                    "The group has {PARTICIPANTS_MAX} participants already"
                ))
            } else {
                None
            };
            match refusal {
                Some(details) => outcome.failed.push(ItemFailure {
                    input: input.clone(),
                    details,
                }),
                None => {
                    group.participants.push(digits.clone());
                    outcome.done.push((input.clone(), digits));
                }
            }
        }
        let group = group.clone();
        let added: Vec<Value> = outcome
            .done
            .iter()
            .map(|(input, digits)| {
                let input = Map::from_iter([("input".to_owned(), json!(input))]);
                self.with_group_member(&group.phone_number_id, digits, input)
            })
            .collect();
        let mut item = json!({
            "type": "group_participants_add",
            "request_id": request_id,
            "added_participants": added,
            "initiated_by": "business",
        });
        failed_participants(&mut item, &outcome.failed);
        self.group_event(&group, "group_participants_update", item);
        outcome
    }

    /// Approve (`true`) or reject open join requests by id.
    pub fn decide_join_requests(
        &mut self,
        group_id: &str,
        request_ids: &[String],
        approve: bool,
    ) -> ItemOutcome {
        let mut outcome = ItemOutcome {
            request_id: self.request_id(),
            ..ItemOutcome::default()
        };
        let Some(group) = self.whatsapp.groups.get_mut(group_id) else {
            return outcome;
        };
        for id in request_ids {
            let Some(index) = group.join_requests.iter().position(|r| &r.id == id) else {
                outcome.failed.push(ItemFailure {
                    input: id.clone(),
                    details: "No open join request with this id".into(),
                });
                continue;
            };
            if approve && group.participants.len() >= PARTICIPANTS_MAX {
                outcome.failed.push(ItemFailure {
                    input: id.clone(),
                    details: format!("The group has {PARTICIPANTS_MAX} participants already"),
                });
                continue;
            }
            let request = group.join_requests.remove(index);
            if approve {
                group.participants.push(request.wa_id.clone());
            }
            outcome.done.push((id.clone(), request.wa_id));
        }
        if approve && !outcome.done.is_empty() {
            let group = group.clone();
            let added: Vec<Value> = outcome
                .done
                .iter()
                .map(|(_, digits)| json!(self.group_member(&group.phone_number_id, digits)))
                .collect();
            let item = json!({
                "type": "group_participants_add",
                "reason": "join_request",
                "added_participants": added,
            });
            self.group_event(&group, "group_participants_update", item);
        }
        outcome
    }

    /// The group an invite link opens, if the link is current.
    pub fn group_of_invite_link(&self, link: &str) -> Option<&Group> {
        let code = link.trim().trim_start_matches(INVITE_LINK_BASE);
        self.whatsapp
            .groups
            .values()
            .map(Box::as_ref)
            .find(|g| g.invite_code.as_deref() == Some(code))
    }

    /// A consumer opens an invite link: joins, or asks to join when the
    /// group needs approval.
    pub fn join_by_invite_link(
        &mut self,
        consumer: &str,
        link: &str,
    ) -> Result<Joined, ConsumerGroupError> {
        if !self
            .whatsapp
            .consumers
            .get(consumer)
            .is_some_and(|c| c.on_whatsapp)
        {
            return Err(ConsumerGroupError::Unknown(
                "No consumer on WhatsApp with this number".into(),
            ));
        }
        let Some(group_id) = self.group_of_invite_link(link).map(|g| g.id.clone()) else {
            return Err(ConsumerGroupError::Unknown(
                "This invite link is not valid".into(),
            ));
        };
        let now = self.clock.now();
        let request_id = self.ids.opaque_code(16, "group_join_request");
        let Some(group) = self.whatsapp.groups.get_mut(&group_id) else {
            return Err(ConsumerGroupError::Unknown(
                "This invite link is not valid".into(),
            ));
        };
        if group.participants.iter().any(|p| p == consumer) {
            return Err(ConsumerGroupError::Refused(
                "Already a participant of this group".into(),
            ));
        }
        if group.participants.len() >= PARTICIPANTS_MAX {
            return Err(ConsumerGroupError::Refused("The group is full".into()));
        }
        if group.join_approval_mode == "approval_required" {
            if group.join_requests.iter().any(|r| r.wa_id == consumer) {
                return Err(ConsumerGroupError::Refused(
                    "A join request is open already".into(),
                ));
            }
            if group.join_requests.len() >= JOIN_REQUESTS_MAX {
                return Err(ConsumerGroupError::Refused(format!(
                    "The group has {JOIN_REQUESTS_MAX} open join requests already"
                )));
            }
            group.join_requests.push(JoinRequest {
                id: request_id.clone(),
                wa_id: consumer.to_owned(),
                created_at: now,
            });
            let group = group.clone();
            let item = Map::from_iter([
                ("type".to_owned(), json!("group_join_request_created")),
                ("join_request_id".to_owned(), json!(request_id)),
            ]);
            let item = self.with_group_member(&group.phone_number_id, consumer, item);
            self.group_event(&group, "group_participants_update", item);
            return Ok(Joined::Requested {
                group_id,
                request_id,
            });
        }
        group.participants.push(consumer.to_owned());
        let group = group.clone();
        let item = json!({
            "type": "group_participants_add",
            "reason": "invite_link",
            "added_participants": [self.group_member(&group.phone_number_id, consumer)],
        });
        self.group_event(&group, "group_participants_update", item);
        Ok(Joined::Member(group_id))
    }

    /// A consumer withdraws their open join request.
    pub fn revoke_join_request(
        &mut self,
        consumer: &str,
        group_id: &str,
    ) -> Result<(), ConsumerGroupError> {
        let Some(group) = self.whatsapp.groups.get_mut(group_id) else {
            return Err(ConsumerGroupError::Unknown("Unknown group".into()));
        };
        let Some(index) = group.join_requests.iter().position(|r| r.wa_id == consumer) else {
            return Err(ConsumerGroupError::Refused(
                "No open join request from this consumer".into(),
            ));
        };
        let request = group.join_requests.remove(index);
        let group = group.clone();
        let item = Map::from_iter([
            ("type".to_owned(), json!("group_join_request_revoked")),
            ("join_request_id".to_owned(), json!(request.id)),
        ]);
        let item = self.with_group_member(&group.phone_number_id, consumer, item);
        self.group_event(&group, "group_participants_update", item);
        Ok(())
    }

    /// A participant leaves the group.
    pub fn leave_group(
        &mut self,
        consumer: &str,
        group_id: &str,
    ) -> Result<(), ConsumerGroupError> {
        let request_id = self.request_id();
        let Some(group) = self.whatsapp.groups.get_mut(group_id) else {
            return Err(ConsumerGroupError::Unknown("Unknown group".into()));
        };
        let Some(index) = group.participants.iter().position(|p| p == consumer) else {
            return Err(ConsumerGroupError::Refused(
                "Not a participant of this group".into(),
            ));
        };
        group.participants.remove(index);
        let group = group.clone();
        let item = json!({
            "type": "group_participants_remove",
            "request_id": request_id,
            "removed_participants": [self.group_member(&group.phone_number_id, consumer)],
            "initiated_by": "participant",
        });
        self.group_event(&group, "group_participants_update", item);
        Ok(())
    }
}

/// A webhook item's `failed_participants`, when some failed.
fn failed_participants(item: &mut Value, failed: &[ItemFailure]) {
    if !failed.is_empty() {
        item["failed_participants"] = json!(
            failed
                .iter()
                .map(|f| json!({ "input": f.input, "errors": [item_error(&f.details)] }))
                .collect::<Vec<_>>()
        );
    }
}

/// One entry of a per-item `errors` list (Meta's 131009).
pub fn item_error(details: &str) -> Value {
    json!({
        "code": 131009,
        "message": "Parameter value is not valid",
        "title": "Parameter value is not valid",
        "error_data": { "details": details },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    fn sandbox() -> (Sandbox, String) {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        for digits in ["447700900101", "447700900102"] {
            sandbox.create_consumer(digits, None, true, None).unwrap();
        }
        (sandbox, phone)
    }

    fn settings(subject: &str, mode: &str) -> GroupSettings {
        GroupSettings {
            subject: Some(subject.into()),
            description: None,
            join_approval_mode: Some(mode.into()),
            profile_picture: None,
        }
    }

    #[test]
    fn subjects_and_modes_are_checked() {
        let (mut sandbox, phone) = sandbox();
        let long = "x".repeat(SUBJECT_MAX + 1);
        assert!(
            sandbox
                .create_group(&phone, settings(&long, "auto_approve"))
                .is_err()
        );
        assert!(
            sandbox
                .create_group(&phone, settings("  ", "auto_approve"))
                .is_err()
        );
        assert!(
            sandbox
                .create_group(&phone, settings("Ferns", "sometimes"))
                .is_err()
        );
        assert!(sandbox.groups_of(&phone).is_empty());
    }

    #[test]
    fn invite_links_join_or_ask_and_a_reset_link_replaces_the_old() {
        let (mut sandbox, phone) = sandbox();
        let (open, _) = sandbox
            .create_group(&phone, settings(" Ferns ", "auto_approve"))
            .unwrap();
        let link = sandbox.whatsapp.groups[&open].invite_link().unwrap();
        assert_eq!(sandbox.whatsapp.groups[&open].subject, "Ferns");
        assert_eq!(
            sandbox.join_by_invite_link("447700900101", &link),
            Ok(Joined::Member(open.clone()))
        );
        assert!(sandbox.join_by_invite_link("447700900101", &link).is_err());
        let new_link = sandbox.reset_invite_link(&open).unwrap();
        assert!(sandbox.join_by_invite_link("447700900102", &link).is_err());
        assert!(
            sandbox
                .join_by_invite_link("447700900102", &new_link)
                .is_ok()
        );

        let (closed, _) = sandbox
            .create_group(&phone, settings("Cacti", "approval_required"))
            .unwrap();
        let link = sandbox.whatsapp.groups[&closed].invite_link().unwrap();
        let Ok(Joined::Requested { request_id, .. }) =
            sandbox.join_by_invite_link("447700900101", &link)
        else {
            panic!("a join request");
        };
        let outcome = sandbox.decide_join_requests(&closed, &[request_id, "nope".into()], true);
        assert_eq!(outcome.done.len(), 1);
        assert_eq!(outcome.failed.len(), 1);
        assert_eq!(
            sandbox.whatsapp.groups[&closed].participants,
            ["447700900101"]
        );
    }

    #[test]
    fn a_group_holds_eight_participants() {
        let (mut sandbox, phone) = sandbox();
        let (id, _) = sandbox
            .create_group(&phone, settings("Full", "auto_approve"))
            .unwrap();
        let link = sandbox.whatsapp.groups[&id].invite_link().unwrap();
        for n in 0..PARTICIPANTS_MAX {
            let digits = format!("44770090020{n}");
            sandbox.create_consumer(&digits, None, true, None).unwrap();
            sandbox.join_by_invite_link(&digits, &link).unwrap();
        }
        sandbox
            .create_consumer("447700900299", None, true, None)
            .unwrap();
        assert!(sandbox.join_by_invite_link("447700900299", &link).is_err());
        assert!(sandbox.leave_group("447700900200", &id).is_ok());
        assert!(sandbox.join_by_invite_link("447700900299", &link).is_ok());
    }
}
