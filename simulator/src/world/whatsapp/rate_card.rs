//! What a delivered message costs: Meta's per-message rate card in USD, a
//! rate per market and pricing category, and the market a consumer's
//! country (from the calling code of their number) belongs to. A sandbox
//! uses Meta's card (effective 2025-07-01, base volume tier) unless the
//! control plane replaced some markets' rates. Rates are kept in
//! millionths of a dollar, so sums are exact.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::world::bounds::in_range;
use crate::world::shared::Invalid;

/// The highest rate a card may name: ten dollars a message, in millionths.
pub const MAX_RATE: u32 = 10_000_000;

/// An amount in millionths of a dollar as Meta writes it: dollars, whole
/// amounts without a fraction.
pub fn dollars(millionths: u64) -> Value {
    if millionths.is_multiple_of(1_000_000) {
        json!(millionths / 1_000_000)
    } else {
        json!(millionths as f64 / 1_000_000.0)
    }
}

/// One market's rates, in millionths of a dollar. Service messages are free.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    pub marketing: u32,
    pub utility: u32,
    pub authentication: u32,
    /// Only markets where Meta charges one; others bill `authentication`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_international: Option<u32>,
}

impl Rates {
    /// The rate of a pricing category (`marketing`, `utility`, …); 0 for
    /// service and categories without a price.
    pub fn of(&self, category: &str) -> u32 {
        match category {
            "marketing" | "marketing_lite" => self.marketing,
            "utility" => self.utility,
            "authentication" => self.authentication,
            "authentication_international" => self
                .authentication_international
                .unwrap_or(self.authentication),
            _ => 0,
        }
    }

    fn check(&self, market: &str) -> Result<(), Invalid> {
        let each = [
            ("marketing", Some(self.marketing)),
            ("utility", Some(self.utility)),
            ("authentication", Some(self.authentication)),
            (
                "authentication_international",
                self.authentication_international,
            ),
        ];
        for (name, rate) in each {
            if let Some(rate) = rate {
                in_range(&format!("markets.{market}.{name}"), rate, 0, MAX_RATE)?;
            }
        }
        Ok(())
    }
}

const fn rates(marketing: u32, utility: u32, authentication: u32, international: u32) -> Rates {
    Rates {
        marketing,
        utility,
        authentication,
        authentication_international: if international == 0 {
            None
        } else {
            Some(international)
        },
    }
}

/// Meta's markets (their ids here) with their USD rates effective
/// 2025-07-01, in millionths of a dollar (0.0250 is 25_000). Only India's
/// and Indonesia's authentication-international rates are carried: the
/// others' published figures could not be confirmed.
pub const META_MARKETS: [(&str, Rates); 32] = [
    ("argentina", rates(61_800, 28_900, 28_900, 0)),
    ("brazil", rates(62_500, 6_800, 6_800, 0)),
    ("chile", rates(88_900, 20_000, 20_000, 0)),
    ("colombia", rates(12_500, 2_000, 2_000, 0)),
    ("egypt", rates(107_300, 5_200, 5_200, 0)),
    ("france", rates(85_900, 30_000, 30_000, 0)),
    ("germany", rates(136_500, 55_000, 55_000, 0)),
    ("india", rates(10_700, 1_400, 1_400, 28_000)),
    ("indonesia", rates(41_100, 25_000, 25_000, 136_000)),
    ("israel", rates(35_300, 5_300, 5_300, 0)),
    ("italy", rates(69_100, 30_000, 30_000, 0)),
    ("malaysia", rates(86_000, 14_000, 14_000, 0)),
    ("mexico", rates(30_500, 8_500, 8_500, 0)),
    ("netherlands", rates(159_700, 50_000, 50_000, 0)),
    ("nigeria", rates(51_600, 6_700, 6_700, 0)),
    ("north_america", rates(25_000, 4_000, 13_500, 0)),
    ("pakistan", rates(47_300, 5_400, 5_400, 0)),
    ("peru", rates(70_300, 20_000, 20_000, 0)),
    ("russia", rates(80_200, 40_000, 40_000, 0)),
    ("saudi_arabia", rates(45_500, 11_500, 11_500, 0)),
    ("south_africa", rates(37_900, 7_600, 7_600, 0)),
    ("spain", rates(61_500, 20_000, 20_000, 0)),
    ("turkey", rates(10_900, 5_300, 5_300, 0)),
    ("united_arab_emirates", rates(38_400, 15_700, 15_700, 0)),
    ("united_kingdom", rates(52_900, 22_000, 22_000, 0)),
    ("rest_of_africa", rates(22_500, 4_000, 4_000, 0)),
    ("rest_of_asia_pacific", rates(73_200, 11_300, 11_300, 0)),
    (
        "rest_of_central_eastern_europe",
        rates(86_000, 21_200, 21_200, 0),
    ),
    ("rest_of_latin_america", rates(74_000, 11_300, 11_300, 0)),
    ("rest_of_middle_east", rates(34_100, 9_100, 9_100, 0)),
    ("rest_of_western_europe", rates(59_200, 17_100, 17_100, 0)),
    ("other", rates(60_400, 7_700, 7_700, 0)),
];

/// The market of an ISO 3166 country (`None`: the calling code is unknown).
pub fn market_of(country: Option<&str>) -> &'static str {
    match country.unwrap_or_default() {
        "AR" => "argentina",
        "BR" => "brazil",
        "CL" => "chile",
        "CO" => "colombia",
        "EG" => "egypt",
        "FR" => "france",
        "DE" => "germany",
        "IN" => "india",
        "ID" => "indonesia",
        "IL" => "israel",
        "IT" => "italy",
        "MY" => "malaysia",
        "MX" => "mexico",
        "NL" => "netherlands",
        "NG" => "nigeria",
        "US" | "CA" => "north_america",
        "PK" => "pakistan",
        "PE" => "peru",
        "RU" => "russia",
        "SA" => "saudi_arabia",
        "ZA" => "south_africa",
        "ES" => "spain",
        "TR" => "turkey",
        "AE" => "united_arab_emirates",
        "GB" => "united_kingdom",
        "KE" | "GH" | "ET" | "TZ" | "UG" | "DZ" | "AO" | "CM" | "SN" => "rest_of_africa",
        "PH" | "SG" | "JP" | "BD" | "AU" | "NZ" | "VN" | "TH" | "KR" | "LK" | "NP" | "AF" => {
            "rest_of_asia_pacific"
        }
        "PL" | "UA" | "RO" | "CZ" | "HU" | "GR" | "BG" | "RS" | "HR" | "AL" | "AM" | "AZ" => {
            "rest_of_central_eastern_europe"
        }
        "VE" | "EC" | "BO" | "UY" | "PY" | "GT" | "CR" | "PA" | "DO" | "HN" | "SV" | "NI" => {
            "rest_of_latin_america"
        }
        "KW" | "QA" | "JO" | "OM" | "BH" | "LB" | "IQ" => "rest_of_middle_east",
        "AT" | "BE" | "PT" | "IE" | "SE" | "NO" | "DK" | "FI" | "AD" => "rest_of_western_europe",
        _ => "other",
    }
}

/// A market's rates in dollars, as a control-plane body or a fixture
/// gives them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DollarRates {
    pub marketing: f64,
    pub utility: f64,
    pub authentication: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_international: Option<f64>,
}

/// Replacement rates for some markets: `{"markets": {"india": {...}}}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    pub markets: BTreeMap<String, DollarRates>,
}

/// A rate in dollars as millionths, refused outside 0 to 10 dollars.
fn millionths(field: &str, rate: f64) -> Result<u32, Invalid> {
    let most = f64::from(MAX_RATE) / 1_000_000.0;
    if !(0.0..=most).contains(&rate) {
        return Err(Invalid::new(
            field,
            format!("{field} must be between 0 and {most} (US dollars), got {rate}"),
        ));
    }
    // In range, the rounded product fits: at most MAX_RATE.
    Ok((rate * 1_000_000.0).round() as u32)
}

impl DollarRates {
    fn rates(&self, market: &str) -> Result<Rates, Invalid> {
        let field = |name: &str| format!("markets.{market}.{name}");
        Ok(Rates {
            marketing: millionths(&field("marketing"), self.marketing)?,
            utility: millionths(&field("utility"), self.utility)?,
            authentication: millionths(&field("authentication"), self.authentication)?,
            authentication_international: self
                .authentication_international
                .map(|rate| millionths(&field("authentication_international"), rate))
                .transpose()?,
        })
    }
}

/// A sandbox's rates by market: Meta's, with the markets the control plane
/// or the fixture replaced.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RateCard {
    /// Market id -> replaced rates (markets left out keep Meta's).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub replaced: BTreeMap<String, Rates>,
}

impl RateCard {
    pub fn is_meta(&self) -> bool {
        self.replaced.is_empty()
    }

    /// A market's rates, replaced or Meta's.
    pub fn market(&self, market: &str) -> Option<Rates> {
        self.replaced.get(market).copied().or_else(|| {
            META_MARKETS
                .iter()
                .find(|(id, _)| *id == market)
                .map(|(_, rates)| *rates)
        })
    }

    /// What one delivered, billable message of `category` to a consumer
    /// of `country` costs, in millionths of a dollar.
    pub fn price(&self, country: Option<&str>, category: &str) -> u32 {
        self.market(market_of(country))
            .map_or(0, |rates| rates.of(category))
    }

    /// This card with `replacement`'s markets replaced, or why not (a rate
    /// out of range, an unknown market); the card itself is left as it was.
    pub fn replaced_by(&self, replacement: &Replacement) -> Result<RateCard, Invalid> {
        let mut card = self.clone();
        for (market, rates) in &replacement.markets {
            card.replaced.insert(market.clone(), rates.rates(market)?);
        }
        card.check()?;
        Ok(card)
    }

    /// Refuse a card naming an unknown market or a rate out of range.
    pub fn check(&self) -> Result<(), Invalid> {
        for (market, rates) in &self.replaced {
            if !META_MARKETS.iter().any(|(id, _)| id == market) {
                return Err(Invalid::new(
                    "markets",
                    format!("markets: {market:?} is not one of Meta's markets"),
                ));
            }
            rates.check(market)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_market_a_country_maps_to_has_rates() {
        let card = RateCard::default();
        for country in [
            None,
            Some("US"),
            Some("KE"),
            Some("PH"),
            Some("AT"),
            Some("ZZ"),
        ] {
            assert!(card.market(market_of(country)).is_some(), "{country:?}");
        }
        assert_eq!(card.price(Some("US"), "marketing"), 25_000);
        assert_eq!(
            card.price(Some("IN"), "authentication_international"),
            28_000
        );
        assert_eq!(
            card.price(Some("US"), "authentication_international"),
            13_500
        );
        assert_eq!(card.price(Some("IN"), "service"), 0);
        assert_eq!(card.price(None, "utility"), 7_700);
    }

    #[test]
    fn replaced_markets_win_and_are_checked() {
        let mut card = RateCard::default();
        card.replaced.insert("india".into(), rates(1, 2, 3, 0));
        assert_eq!(card.price(Some("IN"), "utility"), 2);
        assert!(card.check().is_ok());
        card.replaced
            .insert("india".into(), rates(MAX_RATE + 1, 0, 0, 0));
        assert!(card.check().is_err());
        card.replaced.clear();
        card.replaced.insert("atlantis".into(), rates(0, 0, 0, 0));
        assert!(card.check().is_err());
    }
}
