//! `GET /{business-id}/parent-bsuid-accounts` (Meta's Parent BSUID Accounts
//! API): the parent BSUID account the portfolio is enrolled in and every
//! portfolio enrolled in it, `{"parent_bsuid_account_id",
//! "enrolled_business_portfolios"}`. Enrolment is Meta's step (the control
//! plane plays it); a portfolio that is in no account is refused, as Meta
//! documents no answer for it.

use serde_json::{Value, json};

use crate::api::error::GraphError;
use crate::api::routes::Operation;

pub fn read(op: Operation<'_>) -> Result<Value, GraphError> {
    let account = op.sandbox.parent_bsuid_account_of(op.id).ok_or_else(|| {
        GraphError::invalid_parameter(
            "The business portfolio is not enrolled in a parent BSUID account",
        )
    })?;
    Ok(json!({
        "parent_bsuid_account_id": account.id,
        "enrolled_business_portfolios": account.businesses,
    }))
}
