//! Credit allocation configs (Meta's `ExtendedCreditAllocationConfig`): the
//! record a Solution Partner's credit line sharing leaves, one per line and
//! client WABA. Sharing a line with a WABA (`credit_lines.rs`) makes one
//! (`ACTIVE`); the partner reads it (`GET /{allocation-config-id}`), lists
//! its line's active ones (`/{extended-credit-id}/owning_credit_allocation_configs`)
//! and revokes the sharing by deleting it (`DELETE /{allocation-config-id}`):
//! it stays readable as `DELETED`, and the WABA it paid for has no payment
//! method left. Meta revoking the whole line deletes its allocations too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;

/// The sharing of one credit line with one client WABA.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CreditAllocation {
    pub id: String,
    pub credit_line_id: String,
    pub waba_id: String,
    /// The business portfolio the WABA belonged to when the line was shared.
    pub receiving_business_id: String,
    pub created_at: i64,
    #[serde(default)]
    pub deleted: bool,
}

impl CreditAllocation {
    /// Meta's `request_status`.
    pub fn request_status(&self) -> &'static str {
        if self.deleted { "DELETED" } else { "ACTIVE" }
    }
}

/// Allocation config id -> allocation.
pub type CreditAllocations = BTreeMap<String, CreditAllocation>;

/// Why deleting an allocation config was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocationError {
    /// It was deleted already (or its line revoked), or is no allocation.
    Deleted,
}

impl Sandbox {
    /// The active allocation of the line to the WABA, or a new one: its id.
    pub(super) fn allocate_credit(&mut self, credit_line_id: &str, waba_id: &str) -> String {
        let active = self
            .whatsapp
            .credit_allocations
            .values()
            .find(|a| !a.deleted && a.credit_line_id == credit_line_id && a.waba_id == waba_id);
        if let Some(allocation) = active {
            return allocation.id.clone();
        }
        let receiving_business_id = self
            .whatsapp
            .wabas
            .get(waba_id)
            .map(|waba| waba.business_id.clone())
            .unwrap_or_default();
        let id = self.allocate_node(NodeKind::CreditAllocationConfig);
        let allocation = CreditAllocation {
            id: id.clone(),
            credit_line_id: credit_line_id.to_owned(),
            waba_id: waba_id.to_owned(),
            receiving_business_id,
            created_at: self.clock.now(),
            deleted: false,
        };
        self.whatsapp
            .credit_allocations
            .insert(id.clone(), allocation);
        id
    }

    /// The partner revokes the sharing: the allocation is `DELETED` and its
    /// WABA, if the line still pays for it, has no payment method.
    pub fn delete_credit_allocation(&mut self, id: &str) -> Result<(), AllocationError> {
        let allocation = self
            .whatsapp
            .credit_allocations
            .get_mut(id)
            .filter(|a| !a.deleted)
            .ok_or(AllocationError::Deleted)?;
        allocation.deleted = true;
        let (line, waba) = (
            allocation.credit_line_id.clone(),
            allocation.waba_id.clone(),
        );
        if let Some(waba) = self.whatsapp.wabas.get_mut(&waba)
            && waba.billing.credit_line.as_deref() == Some(line.as_str())
        {
            waba.billing.payment_method = false;
            waba.billing.credit_line = None;
        }
        Ok(())
    }

    /// Every allocation of the line is deleted (Meta revoked the line).
    pub(super) fn delete_allocations_of(&mut self, credit_line_id: &str) {
        for allocation in self.whatsapp.credit_allocations.values_mut() {
            if allocation.credit_line_id == credit_line_id {
                allocation.deleted = true;
            }
        }
    }
}
