//! A WABA's billing: whether a valid payment method pays for its
//! business-initiated messages. Without one Meta refuses them (131042,
//! "Business eligibility payment issue") and the WABA's health status is
//! `BLOCKED` (141006). The fixture and the control plane set it; the demo
//! WABA has one.

use serde::{Deserialize, Serialize};

use crate::world::ids::derived_digits;
use crate::world::sandbox::Sandbox;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WabaBilling {
    /// A valid payment method is attached.
    #[serde(default = "attached")]
    pub payment_method: bool,
    /// The credit line that is the payment method, when one is attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_line: Option<String>,
}

fn attached() -> bool {
    true
}

impl Default for WabaBilling {
    fn default() -> Self {
        Self {
            payment_method: attached(),
            credit_line: None,
        }
    }
}

/// The id of the funding source (the payment method) of a WABA: derived
/// from the WABA, so it draws nothing from the sandbox's id generator.
pub fn funding_id(waba_id: &str) -> String {
    derived_digits(&["funding", waba_id], 16)
}

impl Sandbox {
    /// Whether the WABA can pay for business-initiated messages.
    pub fn waba_can_pay(&self, waba_id: &str) -> bool {
        self.whatsapp
            .wabas
            .get(waba_id)
            .is_some_and(|waba| waba.billing.payment_method)
    }

    /// Attach or remove the WABA's payment method (a card, replacing any
    /// credit line); false when no such WABA.
    pub fn set_payment_method(&mut self, waba_id: &str, attached: bool) -> bool {
        match self.whatsapp.wabas.get_mut(waba_id) {
            Some(waba) => {
                waba.billing.payment_method = attached;
                waba.billing.credit_line = None;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn the_demo_waba_pays_until_its_method_is_removed() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let waba = sandbox.handles["waba"].clone();
        assert!(sandbox.waba_can_pay(&waba));
        assert!(sandbox.set_payment_method(&waba, false));
        assert!(!sandbox.waba_can_pay(&waba));
        assert!(!sandbox.set_payment_method("nope", true));
        assert_eq!(funding_id(&waba), funding_id(&waba));
        assert_eq!(funding_id(&waba).len(), 16);
    }
}
