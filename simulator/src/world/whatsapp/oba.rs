//! The Official Business Account (green badge) application of a business
//! number (`/{phone-number-id}/official_business_account`): submitted
//! (`PENDING`), withdrawn (`CANCELLED`), resubmitted after a refusal, and
//! decided by Meta's review — the control plane plays the reviewer. An
//! approved number is an official business account. Applying needs a
//! verified business portfolio and a two-step verification PIN.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::world::ids::derived_digits;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ObaApplication {
    /// `PENDING`, `APPROVED`, `REJECTED`, `CANCELLED`.
    pub status: String,
    /// How many times it was submitted (the tracking id changes with it).
    pub submissions: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_name: Option<String>,
}

/// phone number id -> its application.
pub type ObaApplications = BTreeMap<String, ObaApplication>;

fn status_message(status: &str) -> &'static str {
    match status {
        "PENDING" => "Your request for an Official Business Account is under review.",
        "APPROVED" => "Your phone number is an Official Business Account.",
        "REJECTED" => {
            "Your request for an Official Business Account was not approved. You may resubmit it."
        }
        _ => "Your request for an Official Business Account was withdrawn.",
    }
}

impl Sandbox {
    /// `SUBMIT_APPLICATION`, `WITHDRAW_APPLICATION` or `RESUBMIT_APPLICATION`.
    pub fn oba_action(
        &mut self,
        phone_number_id: &str,
        action: &str,
        business_name: Option<String>,
    ) -> Result<(), Invalid> {
        let refuse = |message: &str| Err(Invalid::new("action", message));
        let current = self
            .whatsapp
            .oba
            .get(phone_number_id)
            .map(|a| a.status.clone());
        let submissions = self
            .whatsapp
            .oba
            .get(phone_number_id)
            .map_or(0, |a| a.submissions);
        let status = match (action, current.as_deref()) {
            ("SUBMIT_APPLICATION", None)
            | ("RESUBMIT_APPLICATION", Some("REJECTED" | "CANCELLED")) => {
                self.check_oba_eligible(phone_number_id)?;
                "PENDING"
            }
            ("SUBMIT_APPLICATION", Some(_)) => {
                return refuse(
                    "An application exists already: resubmit it after a refusal or withdrawal",
                );
            }
            ("RESUBMIT_APPLICATION", _) => {
                return refuse("Only a rejected or withdrawn application may be resubmitted");
            }
            ("WITHDRAW_APPLICATION", Some("PENDING")) => "CANCELLED",
            ("WITHDRAW_APPLICATION", _) => {
                return refuse("Only a pending application may be withdrawn");
            }
            (other, _) => {
                return refuse(&format!(
                    "Param action must be one of {{SUBMIT_APPLICATION, WITHDRAW_APPLICATION, RESUBMIT_APPLICATION}} - got \"{other}\"."
                ));
            }
        };
        let submitted = status == "PENDING";
        let application = ObaApplication {
            status: status.to_owned(),
            submissions: submissions + u32::from(submitted),
            business_name: business_name.or_else(|| {
                self.whatsapp
                    .oba
                    .get(phone_number_id)
                    .and_then(|a| a.business_name.clone())
            }),
        };
        self.whatsapp
            .oba
            .insert(phone_number_id.to_owned(), application);
        Ok(())
    }

    fn check_oba_eligible(&self, phone_number_id: &str) -> Result<(), Invalid> {
        let verified = self
            .business_of_phone(phone_number_id)
            .and_then(|b| self.accounts.businesses.get(&b))
            .is_some_and(|b| b.verification_status == "verified");
        if !verified {
            return Err(Invalid::new(
                "action",
                "The business portfolio must be verified to apply",
            ));
        }
        let pin = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|p| p.pin.is_some());
        if !pin {
            return Err(Invalid::new(
                "action",
                "Two-step verification must be enabled on the number to apply",
            ));
        }
        Ok(())
    }

    /// Meta's review of a pending application (the control plane).
    pub fn decide_oba(&mut self, phone_number_id: &str, approved: bool) -> Result<(), Invalid> {
        let Some(application) = self
            .whatsapp
            .oba
            .get_mut(phone_number_id)
            .filter(|a| a.status == "PENDING")
        else {
            return Err(Invalid::new(
                "status",
                "No pending Official Business Account application for this number",
            ));
        };
        application.status = if approved { "APPROVED" } else { "REJECTED" }.to_owned();
        if let Some(phone) = self.whatsapp.phone_numbers.get_mut(phone_number_id) {
            phone.is_official_business_account = approved;
        }
        Ok(())
    }

    /// `{"id", "oba_status", "status_message"}`, if the number applied.
    pub fn oba_json(&self, phone_number_id: &str) -> Option<Value> {
        let application = self.whatsapp.oba.get(phone_number_id)?;
        Some(json!({
            "id": phone_number_id,
            "oba_status": application.status,
            "status_message": status_message(&application.status),
        }))
    }

    /// The tracking id of the number's latest submission.
    pub fn oba_tracking_id(&self, phone_number_id: &str) -> String {
        let submissions = self
            .whatsapp
            .oba
            .get(phone_number_id)
            .map_or(0, |a| a.submissions);
        derived_digits(&["oba", phone_number_id, &submissions.to_string()], 16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn an_application_is_reviewed() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        assert!(sandbox.oba_json(&phone).is_none());
        assert!(
            sandbox
                .oba_action(&phone, "WITHDRAW_APPLICATION", None)
                .is_err()
        );
        sandbox
            .oba_action(&phone, "SUBMIT_APPLICATION", None)
            .unwrap();
        assert_eq!(sandbox.oba_json(&phone).unwrap()["oba_status"], "PENDING");
        assert!(
            sandbox
                .oba_action(&phone, "SUBMIT_APPLICATION", None)
                .is_err()
        );
        sandbox.decide_oba(&phone, false).unwrap();
        sandbox
            .oba_action(&phone, "RESUBMIT_APPLICATION", None)
            .unwrap();
        sandbox.decide_oba(&phone, true).unwrap();
        assert!(sandbox.whatsapp.phone_numbers[&phone].is_official_business_account);
        assert!(sandbox.decide_oba(&phone, true).is_err());
    }
}
