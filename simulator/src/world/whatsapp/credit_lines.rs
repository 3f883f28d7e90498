//! Credit lines (Meta's `ExtendedCredit`): Meta grants a business portfolio
//! a line of credit (an offline step: the control plane plays it), which
//! `GET /{business-id}/extendedcredits` lists. Attached to a WABA of the
//! portfolio it becomes that WABA's payment method (`billing.rs`); revoking
//! the line takes the payment method from every WABA it paid for, whose
//! business-initiated messages then fail with 131042. metasim keeps no
//! spend, so a line's balance stays 0 and all of it is available.
//!
//! A Solution Partner shares its line with a client's WABA through the
//! Graph API (`POST /{extended-credit-id}/whatsapp_credit_sharing_and_attach`):
//! the WABA may belong to another portfolio, and the answer names the
//! allocation config (the sharing record, `credit_allocations.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::bounds::in_range;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The most credit lines one business portfolio holds.
pub const CREDIT_LINES_PER_BUSINESS: usize = 16;
/// The largest credit limit, in hundredths of the currency (10 million).
pub const MAX_BALANCE_MAX: u64 = 1_000_000_000;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CreditLine {
    pub id: String,
    /// The business portfolio that owns the line.
    pub business_id: String,
    pub legal_entity_name: String,
    /// ISO 4217 code, e.g. `USD`.
    pub currency: String,
    /// The credit limit, in hundredths of the currency.
    pub max_balance: u64,
    pub created_at: i64,
    #[serde(default)]
    pub revoked: bool,
}

/// The invoicing currencies a shared line's WABA may use (Meta's pricing
/// currencies).
pub const WABA_CURRENCIES: [&str; 6] = ["USD", "EUR", "INR", "IDR", "GBP", "AUD"];

/// Credit line id -> credit line.
pub type CreditLines = BTreeMap<String, CreditLine>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditLineError {
    UnknownBusiness,
    UnknownCreditLine,
    UnknownWaba,
    /// The WABA belongs to another business portfolio.
    OtherBusiness,
    Revoked,
    TooMany,
    /// `waba_currency` is not one of [`WABA_CURRENCIES`].
    Currency,
    Invalid(Invalid),
}

/// Whose WABAs a credit line may pay for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Only the portfolio that owns the line (the control plane's attach).
    OwnPortfolio,
    /// Any portfolio: the line is shared with the WABA's business.
    Shared,
}

impl Sandbox {
    /// Meta grants `business_id` a credit line.
    pub fn grant_credit_line(
        &mut self,
        business_id: &str,
        legal_entity_name: &str,
        currency: &str,
        max_balance: u64,
    ) -> Result<String, CreditLineError> {
        if !self.accounts.businesses.contains_key(business_id) {
            return Err(CreditLineError::UnknownBusiness);
        }
        let name = legal_entity_name.trim();
        in_range("legal_entity_name length", name.chars().count(), 1, 256)
            .map_err(CreditLineError::Invalid)?;
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(CreditLineError::Invalid(Invalid::new(
                "currency",
                format!("currency must be an ISO 4217 code such as USD, got {currency:?}"),
            )));
        }
        in_range("max_balance", max_balance, 1, MAX_BALANCE_MAX)
            .map_err(CreditLineError::Invalid)?;
        let held = self
            .whatsapp
            .credit_lines
            .values()
            .filter(|line| line.business_id == business_id)
            .count();
        if held >= CREDIT_LINES_PER_BUSINESS {
            return Err(CreditLineError::TooMany);
        }
        let id = self.allocate_node(NodeKind::ExtendedCredit);
        let line = CreditLine {
            id: id.clone(),
            business_id: business_id.to_owned(),
            legal_entity_name: name.to_owned(),
            currency: currency.to_owned(),
            max_balance,
            created_at: self.clock.now(),
            revoked: false,
        };
        self.whatsapp.credit_lines.insert(id.clone(), line);
        Ok(id)
    }

    /// The credit line pays for the WABA (of its own portfolio) from now on.
    pub fn attach_credit_line(
        &mut self,
        credit_line_id: &str,
        waba_id: &str,
    ) -> Result<(), CreditLineError> {
        self.pay_with_credit_line(credit_line_id, waba_id, Reach::OwnPortfolio)
    }

    /// A partner shares its credit line with a WABA's business and attaches
    /// it to the WABA, invoiced in `waba_currency`: the allocation config id.
    /// Sharing the same line with the same WABA again answers the same id.
    pub fn share_and_attach_credit_line(
        &mut self,
        credit_line_id: &str,
        waba_id: &str,
        waba_currency: &str,
    ) -> Result<String, CreditLineError> {
        if !WABA_CURRENCIES.contains(&waba_currency) {
            return Err(CreditLineError::Currency);
        }
        self.pay_with_credit_line(credit_line_id, waba_id, Reach::Shared)?;
        if let Some(waba) = self.whatsapp.wabas.get_mut(waba_id) {
            waba.currency = waba_currency.to_owned();
        }
        Ok(self.allocate_credit(credit_line_id, waba_id))
    }

    fn pay_with_credit_line(
        &mut self,
        credit_line_id: &str,
        waba_id: &str,
        reach: Reach,
    ) -> Result<(), CreditLineError> {
        let line = self
            .whatsapp
            .credit_lines
            .get(credit_line_id)
            .ok_or(CreditLineError::UnknownCreditLine)?;
        if line.revoked {
            return Err(CreditLineError::Revoked);
        }
        let owner = line.business_id.clone();
        let waba = self
            .whatsapp
            .wabas
            .get_mut(waba_id)
            .ok_or(CreditLineError::UnknownWaba)?;
        if reach == Reach::OwnPortfolio && waba.business_id != owner {
            return Err(CreditLineError::OtherBusiness);
        }
        waba.billing.payment_method = true;
        waba.billing.credit_line = Some(credit_line_id.to_owned());
        Ok(())
    }

    /// Meta revokes the line: the WABAs it paid for have no payment method,
    /// its sharing records are deleted.
    pub fn revoke_credit_line(&mut self, credit_line_id: &str) -> Result<(), CreditLineError> {
        let line = self
            .whatsapp
            .credit_lines
            .get_mut(credit_line_id)
            .ok_or(CreditLineError::UnknownCreditLine)?;
        line.revoked = true;
        for waba in self.whatsapp.wabas.values_mut() {
            if waba.billing.credit_line.as_deref() == Some(credit_line_id) {
                waba.billing.payment_method = false;
                waba.billing.credit_line = None;
            }
        }
        self.delete_allocations_of(credit_line_id);
        Ok(())
    }

    /// The business's credit lines, oldest first.
    pub fn credit_lines_of(&self, business_id: &str) -> Vec<&CreditLine> {
        let mut lines: Vec<&CreditLine> = self
            .whatsapp
            .credit_lines
            .values()
            .filter(|line| line.business_id == business_id)
            .collect();
        lines.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn a_revoked_line_stops_paying_for_its_wabas() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let business = sandbox.handles["business"].clone();
        let waba = sandbox.handles["waba"].clone();
        assert_eq!(
            sandbox.grant_credit_line("nope", "Lucky Shrub", "USD", 100),
            Err(CreditLineError::UnknownBusiness)
        );
        assert!(matches!(
            sandbox.grant_credit_line(&business, "Lucky Shrub", "usd", 100),
            Err(CreditLineError::Invalid(_))
        ));
        let line = sandbox
            .grant_credit_line(&business, " Lucky Shrub ", "USD", 500_000)
            .unwrap();
        assert_eq!(
            sandbox.credit_lines_of(&business)[0].legal_entity_name,
            "Lucky Shrub"
        );
        sandbox.attach_credit_line(&line, &waba).unwrap();
        assert_eq!(
            sandbox.whatsapp.wabas[&waba].billing.credit_line,
            Some(line.clone())
        );
        sandbox.revoke_credit_line(&line).unwrap();
        assert!(!sandbox.waba_can_pay(&waba));
        assert_eq!(
            sandbox.attach_credit_line(&line, &waba),
            Err(CreditLineError::Revoked)
        );
        assert_eq!(sandbox.check_consistency(), Ok(()));
    }

    #[test]
    fn sharing_attaches_a_line_to_another_portfolio_s_waba() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let business = sandbox.handles["business"].clone();
        let waba = sandbox.handles["waba"].clone();
        let line = sandbox
            .grant_credit_line(&business, "Partner Ltd", "USD", 100)
            .unwrap();
        sandbox.whatsapp.wabas.get_mut(&waba).unwrap().business_id = "client".into();
        assert_eq!(
            sandbox.attach_credit_line(&line, &waba),
            Err(CreditLineError::OtherBusiness)
        );
        assert_eq!(
            sandbox.share_and_attach_credit_line(&line, &waba, "usd"),
            Err(CreditLineError::Currency)
        );
        let config = sandbox
            .share_and_attach_credit_line(&line, &waba, "EUR")
            .unwrap();
        assert_eq!(config.len(), 15);
        assert_eq!(
            sandbox.node_kind(&config),
            Some(NodeKind::CreditAllocationConfig)
        );
        assert_eq!(
            sandbox.share_and_attach_credit_line(&line, &waba, "EUR"),
            Ok(config.clone())
        );
        let shared = &sandbox.whatsapp.wabas[&waba];
        assert_eq!(shared.billing.credit_line, Some(line.clone()));
        assert_eq!(shared.currency, "EUR");
        sandbox.revoke_credit_line(&line).unwrap();
        let allocation = &sandbox.whatsapp.credit_allocations[&config];
        assert_eq!(allocation.request_status(), "DELETED");
    }
}
