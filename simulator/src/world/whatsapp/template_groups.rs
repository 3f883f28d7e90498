//! Template groups (Meta's `BusinessMessagingTemplateGroup`): a named set of
//! a WABA's message templates whose analytics are read together
//! (`template_group_analytics`). A template is in at most one group at a
//! time, a group's name is unique within its WABA, and a group remembers
//! when each template was in it: a message counts for the group when its
//! template was a member at the time it was sent, so removing a template
//! (or deleting it) keeps what it already contributed, as on Meta.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;

/// The longest group name Meta takes, in characters.
pub const MAX_NAME: usize = 256;
/// The longest description Meta takes, in characters.
pub const MAX_DESCRIPTION: usize = 512;
/// The most templates one group holds (metasim's bound; Meta publishes
/// none): the template limit of a WABA without a verified business.
pub const MAX_TEMPLATES: usize = 250;
/// The most groups one WABA holds (metasim's bound; Meta publishes none).
pub const MAX_GROUPS: usize = 100;

/// One stay of a template in a group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Membership {
    pub template_id: String,
    /// The template's name and language: what its messages carry, kept so
    /// they still count after the template is deleted.
    pub name: String,
    pub language: String,
    /// Added at (virtual clock).
    pub from: i64,
    /// Removed at, once removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
}

impl Membership {
    fn current(&self) -> bool {
        self.until.is_none()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TemplateGroup {
    pub id: String,
    pub waba_id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Creation order within the sandbox (lists are in this order).
    pub seq: u64,
    /// Every stay of every template, in the order they began.
    pub memberships: Vec<Membership>,
}

impl TemplateGroup {
    /// The templates in the group now, in the order they were added.
    pub fn template_ids(&self) -> impl Iterator<Item = &str> {
        self.memberships
            .iter()
            .filter(|m| m.current())
            .map(|m| m.template_id.as_str())
    }

    /// Whether a template called `name` in `language` was in the group at `time`.
    pub fn covered(&self, name: &str, language: &str, time: i64) -> bool {
        self.memberships.iter().any(|m| {
            m.name == name
                && m.language == language
                && m.from <= time
                && m.until.is_none_or(|u| time < u)
        })
    }

    /// Whether the template was in the group at some time in `[from, until)`.
    pub fn held_during(&self, template_id: &str, from: i64, until: i64) -> bool {
        self.memberships.iter().any(|m| {
            m.template_id == template_id && m.from < until && m.until.is_none_or(|u| u > from)
        })
    }

    fn holds(&self, template_id: &str) -> bool {
        self.template_ids().any(|id| id == template_id)
    }
}

/// Template group id -> group.
pub type TemplateGroups = BTreeMap<String, TemplateGroup>;

/// Why a template group call was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateGroupError {
    /// Another group of the WABA has this name.
    NameTaken,
    /// The id is no template of the WABA.
    NotATemplate(String),
    /// The template is in another group (named).
    InAnotherGroup { template_id: String, group: String },
    /// The template to remove is not in the group.
    NotInGroup(String),
    /// More than [`MAX_TEMPLATES`] templates.
    TooManyTemplates,
    /// The WABA has [`MAX_GROUPS`] groups already.
    TooManyGroups,
    /// No group with this id.
    NotFound,
}

/// What an update changes; `None` keeps the value.
#[derive(Debug, Clone, Default)]
pub struct GroupChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

impl Sandbox {
    /// `POST /{waba-id}/template_groups`: the new group's id.
    pub fn create_template_group(
        &mut self,
        waba_id: &str,
        name: String,
        description: Option<String>,
        templates: &[String],
    ) -> Result<String, TemplateGroupError> {
        let groups = &self.whatsapp.template_groups;
        if groups.values().filter(|g| g.waba_id == waba_id).count() >= MAX_GROUPS {
            return Err(TemplateGroupError::TooManyGroups);
        }
        self.check_name(waba_id, &name, None)?;
        let mut group = TemplateGroup {
            id: String::new(),
            waba_id: waba_id.to_owned(),
            name,
            description,
            created_at: self.clock.now(),
            updated_at: self.clock.now(),
            seq: groups.values().map(|g| g.seq + 1).max().unwrap_or(0),
            memberships: Vec::new(),
        };
        self.join(&mut group, templates)?;
        let id = self.allocate_node(NodeKind::TemplateGroup);
        group.id = id.clone();
        self.whatsapp.template_groups.insert(id.clone(), group);
        Ok(id)
    }

    /// `POST /{template-group-id}`: rename, describe, add and remove
    /// templates, all or nothing.
    pub fn update_template_group(
        &mut self,
        id: &str,
        change: GroupChange,
    ) -> Result<(), TemplateGroupError> {
        let mut group = self
            .whatsapp
            .template_groups
            .get(id)
            .cloned()
            .ok_or(TemplateGroupError::NotFound)?;
        if let Some(name) = change.name {
            self.check_name(&group.waba_id, &name, Some(id))?;
            group.name = name;
        }
        if let Some(description) = change.description {
            // An empty description clears it.
            group.description = Some(description).filter(|d| !d.is_empty());
        }
        let now = self.clock.now();
        for template_id in &change.remove {
            let stay = group
                .memberships
                .iter_mut()
                .find(|m| m.current() && &m.template_id == template_id)
                .ok_or_else(|| TemplateGroupError::NotInGroup(template_id.clone()))?;
            stay.until = Some(now);
        }
        self.join(&mut group, &change.add)?;
        group.updated_at = now;
        self.whatsapp.template_groups.insert(id.to_owned(), group);
        Ok(())
    }

    /// `DELETE /{template-group-id}`: the group is gone (its templates stay).
    pub fn delete_template_group(&mut self, id: &str) -> bool {
        let gone = self.whatsapp.template_groups.remove(id).is_some();
        if gone {
            self.registry.remove(id);
        }
        gone
    }

    /// A deleted template leaves its group (what it contributed stays).
    pub(super) fn leave_template_groups(&mut self, template_id: &str) {
        let now = self.clock.now();
        for group in self.whatsapp.template_groups.values_mut() {
            for stay in &mut group.memberships {
                if stay.current() && stay.template_id == template_id {
                    stay.until = Some(now);
                }
            }
        }
    }

    fn check_name(
        &self,
        waba_id: &str,
        name: &str,
        except: Option<&str>,
    ) -> Result<(), TemplateGroupError> {
        let taken =
            self.whatsapp.template_groups.values().any(|g| {
                g.waba_id == waba_id && g.name == name && except.is_none_or(|id| g.id != id)
            });
        if taken {
            Err(TemplateGroupError::NameTaken)
        } else {
            Ok(())
        }
    }

    /// Add `templates` (of the group's WABA, in no other group) to `group`;
    /// one already in it stays as it is.
    fn join(
        &self,
        group: &mut TemplateGroup,
        templates: &[String],
    ) -> Result<(), TemplateGroupError> {
        let now = self.clock.now();
        for template_id in templates {
            let template = self
                .whatsapp
                .templates
                .get(template_id)
                .filter(|t| t.waba_id == group.waba_id)
                .ok_or_else(|| TemplateGroupError::NotATemplate(template_id.clone()))?;
            if group.holds(template_id) {
                continue;
            }
            let elsewhere = self
                .whatsapp
                .template_groups
                .values()
                .find(|g| g.id != group.id && g.holds(template_id));
            if let Some(other) = elsewhere {
                return Err(TemplateGroupError::InAnotherGroup {
                    template_id: template_id.clone(),
                    group: other.name.clone(),
                });
            }
            group.memberships.push(Membership {
                template_id: template_id.clone(),
                name: template.name.clone(),
                language: template.language.clone(),
                from: now,
                until: None,
            });
        }
        if group.template_ids().count() > MAX_TEMPLATES {
            return Err(TemplateGroupError::TooManyTemplates);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_counts_for_the_time_it_was_in_the_group() {
        let stay = |id: &str, from: i64, until: Option<i64>| Membership {
            template_id: id.to_owned(),
            name: "sale".to_owned(),
            language: "en_US".to_owned(),
            from,
            until,
        };
        let group = TemplateGroup {
            id: "9000000000000001".to_owned(),
            waba_id: "310000000000001".to_owned(),
            name: "Sales".to_owned(),
            description: None,
            created_at: 0,
            updated_at: 0,
            seq: 0,
            memberships: vec![stay("1", 10, Some(20)), stay("2", 30, None)],
        };
        let covered = |time| group.covered("sale", "en_US", time);
        assert!(!covered(9) && covered(10) && covered(19) && !covered(20));
        assert!(!covered(29) && covered(30) && covered(i64::MAX));
        assert!(!group.covered("sale", "es", 15));
        assert_eq!(group.template_ids().collect::<Vec<_>>(), ["2"]);
    }
}
