//! Parent business-scoped user ids: Meta enrols business portfolios that one
//! company manages into a parent BSUID account (Meta's step, on request: the
//! control plane plays it). A WhatsApp user then has one parent BSUID across
//! every enrolled portfolio — the country, a period, `ENT.`, then digits —
//! beside each portfolio's own BSUID. The Groups API shows it as
//! `parent_user_id` on participants and join requests (`group_members.rs`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// How parent BSUID account ids start (16 digits; they are no Graph nodes).
const ACCOUNT_PREFIX: &str = "47";
/// Most portfolios one account enrols, and most accounts a sandbox keeps.
pub const MAX_PORTFOLIOS: usize = 50;
pub const MAX_ACCOUNTS: usize = 100;

/// Business portfolios sharing one parent BSUID per user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ParentBsuidAccount {
    pub id: String,
    /// The enrolled business portfolios, in the order given.
    pub businesses: Vec<String>,
}

/// Account id -> account.
pub type ParentBsuidAccounts = BTreeMap<String, ParentBsuidAccount>;

impl Sandbox {
    /// Meta enrols the portfolios into a new parent BSUID account: its id.
    /// Each portfolio must exist and be in no account yet.
    pub fn enrol_parent_bsuid_account(
        &mut self,
        business_ids: Vec<String>,
    ) -> Result<String, Invalid> {
        let field = "business_ids";
        if business_ids.is_empty() || business_ids.len() > MAX_PORTFOLIOS {
            return Err(Invalid::new(
                field,
                format!("give 1 to {MAX_PORTFOLIOS} business portfolios"),
            ));
        }
        let distinct: BTreeSet<&String> = business_ids.iter().collect();
        if distinct.len() != business_ids.len() {
            return Err(Invalid::new(field, "a business portfolio is named twice"));
        }
        for id in &business_ids {
            if !self.accounts.businesses.contains_key(id) {
                return Err(Invalid::new(field, format!("no business portfolio {id:?}")));
            }
            if self.parent_bsuid_account_of(id).is_some() {
                return Err(Invalid::new(
                    field,
                    format!("the business portfolio {id} is enrolled already"),
                ));
            }
        }
        if self.whatsapp.parent_bsuid_accounts.len() >= MAX_ACCOUNTS {
            return Err(Invalid::new(
                field,
                format!("a sandbox holds at most {MAX_ACCOUNTS} parent BSUID accounts"),
            ));
        }
        let id = self.ids.numeric_id(ACCOUNT_PREFIX, 16);
        let account = ParentBsuidAccount {
            id: id.clone(),
            businesses: business_ids,
        };
        self.whatsapp
            .parent_bsuid_accounts
            .insert(id.clone(), account);
        Ok(id)
    }

    /// The parent BSUID account the portfolio is enrolled in.
    pub fn parent_bsuid_account_of(&self, business_id: &str) -> Option<&ParentBsuidAccount> {
        self.whatsapp
            .parent_bsuid_accounts
            .values()
            .find(|a| a.businesses.iter().any(|b| b == business_id))
    }

    /// The consumer's parent BSUID as the portfolio sees it, when the
    /// portfolio is enrolled in a parent BSUID account.
    pub fn parent_bsuid(&self, phone: &str, business_id: &str) -> Option<String> {
        let account = self.parent_bsuid_account_of(business_id)?;
        Some(self.scoped_user_id(phone, &account.id, "ENT."))
    }

    /// The consumer (digits) that `id` names for the portfolio of the
    /// number: their BSUID, or (with `parents`) their parent BSUID.
    pub fn consumer_named_by(
        &self,
        phone_number_id: &str,
        id: &str,
        parents: bool,
    ) -> Option<&str> {
        let business = self.business_of_phone(phone_number_id)?;
        self.whatsapp
            .consumers
            .keys()
            .find(|phone| {
                self.bsuid(phone, &business) == id
                    || (parents && self.parent_bsuid(phone, &business).as_deref() == Some(id))
            })
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::{Sandbox, SandboxOptions};

    #[test]
    fn one_parent_bsuid_across_the_enrolled_portfolios() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let business = sandbox.handles["business"].clone();
        let alice = "15550109999";
        assert_eq!(sandbox.parent_bsuid(alice, &business), None);
        assert!(sandbox.enrol_parent_bsuid_account(vec![]).is_err());
        assert!(
            sandbox
                .enrol_parent_bsuid_account(vec!["404".into()])
                .is_err()
        );
        let account = sandbox
            .enrol_parent_bsuid_account(vec![business.clone()])
            .unwrap();
        assert_eq!(account.len(), 16);
        assert!(
            sandbox
                .enrol_parent_bsuid_account(vec![business.clone()])
                .is_err()
        );
        let parent = sandbox.parent_bsuid(alice, &business).unwrap();
        assert!(parent.starts_with("US.ENT."), "{parent}");
        assert_eq!(parent.len(), "US.ENT.".len() + 19);
        assert_ne!(parent, sandbox.bsuid(alice, &business));
        assert_eq!(sandbox.check_consistency(), Ok(()));
    }
}
