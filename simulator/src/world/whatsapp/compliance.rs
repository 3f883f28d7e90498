//! A business's compliance information for India's consumer rules
//! (`/{phone-number-id}/business_compliance_info`): the legal entity's name
//! and type, whether it is registered, and the grievance officer's and
//! customer care's contacts, checked as Meta's reference describes (names ≤
//! 128, e-mails valid, phone numbers E.164 with `+`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;
use crate::world::shared::business_info::looks_like_email;
use crate::world::shared::phone::{is_e164_length, phone_digits};

/// The entity types Meta accepts.
pub const ENTITY_TYPES: [&str; 6] = [
    "LIMITED_LIABILITY_PARTNERSHIP",
    "SOLE_PROPRIETORSHIP",
    "PARTNERSHIP",
    "PUBLIC_COMPANY",
    "PRIVATE_COMPANY",
    "OTHER",
];

/// A contact: who, and how to reach them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ComplianceContact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landline_number: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ComplianceInfo {
    pub entity_name: String,
    pub entity_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_type_custom: Option<String>,
    #[serde(default)]
    pub is_registered: bool,
    pub grievance_officer_details: ComplianceContact,
    pub customer_care_details: ComplianceContact,
}

/// phone number id -> its compliance information.
pub type ComplianceByPhone = BTreeMap<String, ComplianceInfo>;

fn check_contact(contact: &ComplianceContact, path: &str, needs_name: bool) -> Result<(), Invalid> {
    let invalid = |field: &str, what: &str| {
        Invalid::new(
            format!("{path}['{field}']"),
            format!("Param {path}['{field}'] {what}"),
        )
    };
    match &contact.name {
        Some(name) if name.trim().is_empty() || name.chars().count() > 128 => {
            return Err(invalid("name", "must be 1 to 128 characters long"));
        }
        None if needs_name => return Err(invalid("name", "is required")),
        _ => {}
    }
    if !looks_like_email(&contact.email) || contact.email.len() > 128 {
        return Err(invalid(
            "email",
            "must be a valid email address of at most 128 characters",
        ));
    }
    for (field, number) in [
        ("mobile_number", &contact.mobile_number),
        ("landline_number", &contact.landline_number),
    ] {
        if let Some(number) = number
            && !(number.starts_with('+')
                && is_e164_length(&phone_digits(number))
                && number.len() <= 20)
        {
            return Err(invalid(
                field,
                "must be a phone number in E.164 form with a leading +",
            ));
        }
    }
    Ok(())
}

impl ComplianceInfo {
    fn check(&self) -> Result<(), Invalid> {
        let chars = self.entity_name.trim().chars().count();
        if !(2..=128).contains(&chars) {
            return Err(Invalid::new(
                "entity_name",
                "Param entity_name must be 2 to 128 characters long",
            ));
        }
        if !ENTITY_TYPES.contains(&self.entity_type.as_str()) {
            return Err(Invalid::new(
                "entity_type",
                format!(
                    "Param entity_type must be one of {{{}}} - got \"{}\".",
                    ENTITY_TYPES.join(", "),
                    self.entity_type
                ),
            ));
        }
        match &self.entity_type_custom {
            None if self.entity_type == "OTHER" => {
                return Err(Invalid::new(
                    "entity_type_custom",
                    "The parameter entity_type_custom is required with entity_type OTHER",
                ));
            }
            Some(custom) if custom.chars().count() > 1024 => {
                return Err(Invalid::new(
                    "entity_type_custom",
                    "Param entity_type_custom must be at most 1024 characters long",
                ));
            }
            _ => {}
        }
        check_contact(
            &self.grievance_officer_details,
            "grievance_officer_details",
            true,
        )?;
        check_contact(&self.customer_care_details, "customer_care_details", false)
    }
}

impl Sandbox {
    /// Store a number's compliance information (replacing what was there).
    pub fn set_compliance_info(
        &mut self,
        phone_number_id: &str,
        info: ComplianceInfo,
    ) -> Result<(), Invalid> {
        info.check()?;
        self.whatsapp
            .compliance
            .insert(phone_number_id.to_owned(), info);
        Ok(())
    }

    /// `{"data": [{"whatsapp_business_account_id", "messaging_product", …}]}`
    /// (only the WABA's id while nothing was given).
    pub fn compliance_json(&self, phone_number_id: &str) -> Value {
        let waba = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .map(|p| p.waba_id.clone())
            .unwrap_or_default();
        let mut item =
            json!({ "whatsapp_business_account_id": waba, "messaging_product": "whatsapp" });
        if let Some(info) = self.whatsapp.compliance.get(phone_number_id)
            && let (Value::Object(item), Value::Object(fields)) = (&mut item, json!(info))
        {
            item.extend(fields);
        }
        json!({ "data": [item] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    fn info() -> ComplianceInfo {
        ComplianceInfo {
            entity_name: "Lucky Shrub Pvt Ltd".into(),
            entity_type: "PRIVATE_COMPANY".into(),
            entity_type_custom: None,
            is_registered: true,
            grievance_officer_details: ComplianceContact {
                name: Some("Asha Rao".into()),
                email: "grievance@luckyshrub.example".into(),
                mobile_number: Some("+919876543210".into()),
                landline_number: None,
            },
            customer_care_details: ComplianceContact {
                email: "care@luckyshrub.example".into(),
                ..ComplianceContact::default()
            },
        }
    }

    #[test]
    fn information_is_checked_and_shown() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        assert_eq!(
            sandbox.compliance_json(&phone)["data"][0]
                .as_object()
                .unwrap()
                .len(),
            2
        );
        sandbox.set_compliance_info(&phone, info()).unwrap();
        assert_eq!(
            sandbox.compliance_json(&phone)["data"][0]["entity_type"],
            "PRIVATE_COMPANY"
        );
        let other = ComplianceInfo {
            entity_type: "OTHER".into(),
            ..info()
        };
        assert_eq!(
            sandbox
                .set_compliance_info(&phone, other)
                .unwrap_err()
                .field,
            "entity_type_custom"
        );
        let mut bad_phone = info();
        bad_phone.grievance_officer_details.mobile_number = Some("9876".into());
        assert!(sandbox.set_compliance_info(&phone, bad_phone).is_err());
        let mut no_name = info();
        no_name.grievance_officer_details.name = None;
        assert!(sandbox.set_compliance_info(&phone, no_name).is_err());
    }
}
