//! What a WABA and its numbers read off their business portfolio: the
//! owner's id and name, and the portfolio-level messaging limit
//! (`whatsapp_business_manager_messaging_limit`). Since Meta moved limits to
//! the portfolio the tiers are 250, 2K, 10K, 100K and unlimited: a number's
//! older `TIER_1K` counts as `TIER_2K`, and a portfolio without a
//! registered number is `UNTIERED`.

use serde_json::{Value, json};

use crate::world::sandbox::Sandbox;

/// Portfolio tiers, lowest first.
const TIERS: [&str; 6] = [
    "TIER_50",
    "TIER_250",
    "TIER_2K",
    "TIER_10K",
    "TIER_100K",
    "TIER_UNLIMITED",
];

/// A number's `messaging_limit_tier` as a portfolio tier (`None`: not set).
fn portfolio_tier(number_tier: &str) -> Option<&'static str> {
    match number_tier {
        "TIER_1K" => Some("TIER_2K"),
        other => TIERS.iter().copied().find(|tier| *tier == other),
    }
}

impl Sandbox {
    /// The portfolio's messaging limit: the highest tier of its numbers.
    pub fn portfolio_messaging_limit(&self, business_id: &str) -> &'static str {
        let whatsapp = &self.whatsapp;
        whatsapp
            .phone_numbers
            .values()
            .filter(|phone| {
                whatsapp
                    .wabas
                    .get(&phone.waba_id)
                    .is_some_and(|waba| waba.business_id == business_id)
            })
            .filter_map(|phone| portfolio_tier(&phone.messaging_limit_tier))
            .max_by_key(|tier| TIERS.iter().position(|t| t == tier))
            .unwrap_or("UNTIERED")
    }

    /// `{"id", "name"}` of a business portfolio (`owner_business_info`).
    pub fn business_info(&self, business_id: &str) -> Option<Value> {
        let business = self.accounts.businesses.get(business_id)?;
        Some(json!({ "id": business.id, "name": business.name }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn tiers_follow_the_numbers() {
        assert_eq!(portfolio_tier("TIER_1K"), Some("TIER_2K"));
        assert_eq!(portfolio_tier("TIER_NOT_SET"), None);
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let business = sandbox.handles["business"].clone();
        assert_eq!(sandbox.portfolio_messaging_limit(&business), "TIER_2K");
        for phone in sandbox.whatsapp.phone_numbers.values_mut() {
            phone.messaging_limit_tier = "TIER_NOT_SET".into();
        }
        assert_eq!(sandbox.portfolio_messaging_limit(&business), "UNTIERED");
        assert_eq!(
            sandbox.business_info(&business).unwrap()["name"],
            "Lucky Shrub"
        );
    }
}
