//! Calling restrictions: Meta restricts a number's calling when its calls
//! are too often declined or left unanswered, for a time, and `GET
//! /{phone-number-id}/settings` shows them as `calling.restrictions
//! .restrictions[{type, expiration}]` (the v23 spec's shape). Meta publishes
//! neither the thresholds nor the names of the types, so metasim does not
//! restrict a number by itself: the control plane puts a restriction on
//! (`BUSINESS_INITIATED_CALLING`: the number's `connect` is refused with
//! 138005; `USER_INITIATED_CALLING`: users' calls do not reach the number),
//! and it holds on the virtual clock until its `expiration` (a restriction
//! is shown while the clock is before it), or until lifted.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The longest restriction the control plane sets (metasim's bound).
pub const RESTRICTION_MAX_SECONDS: i64 = 365 * 86_400;

/// What a restriction stops.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RestrictionKind {
    /// The business cannot place calls (`connect` is 138005).
    BusinessInitiatedCalling,
    /// Users' calls do not reach the business.
    UserInitiatedCalling,
}

impl RestrictionKind {
    pub const ALL: [RestrictionKind; 2] = [
        RestrictionKind::BusinessInitiatedCalling,
        RestrictionKind::UserInitiatedCalling,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RestrictionKind::BusinessInitiatedCalling => "BUSINESS_INITIATED_CALLING",
            RestrictionKind::UserInitiatedCalling => "USER_INITIATED_CALLING",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// One restriction of a number's calling, until `expiration` (Unix seconds).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CallRestriction {
    #[serde(rename = "type")]
    pub kind: RestrictionKind,
    pub expiration: i64,
}

/// A restored snapshot's restrictions of one number: each type once.
pub fn check_restrictions(restrictions: &[CallRestriction], place: &str) -> Result<(), Invalid> {
    let mut kinds: Vec<RestrictionKind> = restrictions.iter().map(|r| r.kind).collect();
    kinds.sort();
    kinds.dedup();
    if kinds.len() != restrictions.len() {
        return Err(Invalid::new(
            place,
            format!("{place}: one restriction of a type at most"),
        ));
    }
    Ok(())
}

impl Sandbox {
    /// The number's restrictions in force now.
    pub fn calling_restrictions(&self, phone_number_id: &str) -> Vec<CallRestriction> {
        let now = self.clock.now();
        self.whatsapp
            .calls
            .restrictions
            .get(phone_number_id)
            .map(|all| all.iter().filter(|r| r.expiration > now).cloned().collect())
            .unwrap_or_default()
    }

    /// Until when `kind` restricts the number's calling, if it does now.
    pub fn restricted_until(&self, phone_number_id: &str, kind: RestrictionKind) -> Option<i64> {
        self.calling_restrictions(phone_number_id)
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| r.expiration)
    }

    /// `calling.restrictions` of `GET …/settings`, while any holds.
    pub fn restrictions_json(&self, phone_number_id: &str) -> Option<Value> {
        let now = self.calling_restrictions(phone_number_id);
        (!now.is_empty()).then(|| json!({ "restrictions": now }))
    }

    /// Restrict the number's calling (`kind`) until `expiration`, which
    /// must be after now and at most [`RESTRICTION_MAX_SECONDS`] away; a
    /// restriction of the same type is replaced. Expired ones are dropped.
    pub fn restrict_calling(
        &mut self,
        phone_number_id: &str,
        kind: RestrictionKind,
        expiration: i64,
    ) -> Result<(), Invalid> {
        let now = self.clock.now();
        if expiration <= now || expiration - now > RESTRICTION_MAX_SECONDS {
            return Err(Invalid::new(
                "expiration",
                format!(
                    "expiration must be a Unix time after now ({now}) and at most {RESTRICTION_MAX_SECONDS} seconds later"
                ),
            ));
        }
        let mut kept = self.calling_restrictions(phone_number_id);
        kept.retain(|r| r.kind != kind);
        kept.push(CallRestriction { kind, expiration });
        kept.sort_by_key(|r| r.kind);
        self.whatsapp
            .calls
            .restrictions
            .insert(phone_number_id.to_owned(), kept);
        Ok(())
    }

    /// Lift a restriction before it expires; whether one was in force.
    pub fn lift_calling_restriction(
        &mut self,
        phone_number_id: &str,
        kind: RestrictionKind,
    ) -> bool {
        let mut kept = self.calling_restrictions(phone_number_id);
        let before = kept.len();
        kept.retain(|r| r.kind != kind);
        let lifted = kept.len() != before;
        if kept.is_empty() {
            self.whatsapp.calls.restrictions.remove(phone_number_id);
        } else {
            self.whatsapp
                .calls
                .restrictions
                .insert(phone_number_id.to_owned(), kept);
        }
        lifted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_one_of_each_is_kept() {
        for kind in RestrictionKind::ALL {
            assert_eq!(RestrictionKind::parse(kind.name()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.name()));
        }
        assert_eq!(RestrictionKind::parse("ALL_CALLING"), None);
        let one = CallRestriction {
            kind: RestrictionKind::UserInitiatedCalling,
            expiration: 10,
        };
        assert!(check_restrictions(std::slice::from_ref(&one), "x").is_ok());
        assert!(check_restrictions(&[one.clone(), one], "x").is_err());
    }
}
