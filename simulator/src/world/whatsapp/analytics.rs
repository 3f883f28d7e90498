//! WABA analytics counted from the sandbox's own messages: what the
//! `analytics`, `pricing_analytics` and `template_analytics` fields of a
//! WhatsApp Business Account answer. Each outbound message that left (sent,
//! delivered or read) counts in the bucket of the virtual time it was sent
//! (UTC half hours, days or calendar months), with the number that sent it,
//! the recipient's country, its pricing and its template. The API layer
//! checks the arguments; this module only counts.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate};
use serde_json::{Map, Value, json};

use super::messaging::{Direction, MessageStatus, WaMessage};
use super::waba::PhoneNumber;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::calling_code;

/// How wide a bucket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    HalfHour,
    Day,
    Month,
}

impl Granularity {
    /// The bucket `[start, end)` holding `time`.
    pub fn bucket(self, time: i64) -> (i64, i64) {
        let fixed = |width: i64| {
            let start = time.div_euclid(width) * width;
            (start, start + width)
        };
        match self {
            Granularity::HalfHour => fixed(1800),
            Granularity::Day => fixed(86_400),
            Granularity::Month => {
                let date = DateTime::from_timestamp(time, 0)
                    .map(|t| t.date_naive())
                    .unwrap_or_default();
                let first = |year: i32, month: u32| {
                    NaiveDate::from_ymd_opt(year, month, 1)
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                        .map_or(time, |d| d.and_utc().timestamp())
                };
                let (year, month) = (date.year(), date.month());
                let next = if month == 12 {
                    first(year + 1, 1)
                } else {
                    first(year, month + 1)
                };
                (first(year, month), next)
            }
        }
    }
}

/// Which messages count: those sent in `[start, end)` by the WABA's numbers,
/// narrowed by the filters that are set.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub start: i64,
    pub end: i64,
    /// Display numbers as digits (`15550100001`); empty is every number.
    pub phone_numbers: Vec<String>,
    /// ISO 3166 codes of the recipients' countries; empty is every country.
    pub country_codes: Vec<String>,
}

/// An outbound message of the WABA that left, with what analytics group by.
struct Counted<'a> {
    message: &'a WaMessage,
    phone: &'a PhoneNumber,
    country: Option<&'static str>,
}

impl Counted<'_> {
    fn delivered(&self) -> bool {
        matches!(
            self.message.status,
            MessageStatus::Delivered | MessageStatus::Read
        )
    }

    fn is_template(&self) -> bool {
        self.message.message.to_value()["type"] == "template"
    }
}

/// The WABA's numbers the filter keeps, in the order of their ids.
fn numbers<'a>(sandbox: &'a Sandbox, waba_id: &str, filter: &Filter) -> Vec<&'a PhoneNumber> {
    sandbox
        .whatsapp
        .phone_numbers
        .values()
        .filter(|p| p.waba_id == waba_id)
        .filter(|p| filter.phone_numbers.is_empty() || filter.phone_numbers.contains(&p.digits))
        .map(|p| &**p)
        .collect()
}

fn counted<'a>(sandbox: &'a Sandbox, waba_id: &str, filter: &Filter) -> Vec<Counted<'a>> {
    let numbers = numbers(sandbox, waba_id, filter);
    sandbox
        .whatsapp
        .messaging
        .in_order()
        .into_iter()
        .filter(|m| m.direction == Direction::Outbound)
        .filter(|m| !matches!(m.status, MessageStatus::Accepted | MessageStatus::Failed))
        .filter(|m| (filter.start..filter.end).contains(&m.time))
        .filter_map(|message| {
            let phone = numbers.iter().find(|p| p.id == message.phone_number_id)?;
            let country = calling_code(&message.consumer).map(|(_, iso)| iso);
            let wanted = filter.country_codes.is_empty()
                || country.is_some_and(|c| filter.country_codes.iter().any(|w| w == c));
            wanted.then_some(Counted {
                message,
                phone,
                country,
            })
        })
        .collect()
}

/// `product_types` of messaging analytics: 0 template (notification)
/// messages, 2 the others (customer support).
fn product_type_of_template(is_template: bool) -> u8 {
    if is_template { 0 } else { 2 }
}

/// The `analytics` field: messages sent and delivered per bucket (buckets
/// without messages are left out).
pub fn messaging(
    sandbox: &Sandbox,
    waba_id: &str,
    filter: &Filter,
    granularity: (Granularity, &str),
    product_types: &[u8],
) -> Value {
    let mut buckets: BTreeMap<(i64, i64), (u64, u64)> = BTreeMap::new();
    for item in counted(sandbox, waba_id, filter) {
        let kind = product_type_of_template(item.is_template());
        if !product_types.is_empty() && !product_types.contains(&kind) {
            continue;
        }
        let counts = buckets
            .entry(granularity.0.bucket(item.message.time))
            .or_default();
        counts.0 += 1;
        counts.1 += u64::from(item.delivered());
    }
    let points: Vec<Value> = buckets
        .into_iter()
        .map(|((start, end), (sent, delivered))| {
            json!({ "start": start, "end": end, "sent": sent, "delivered": delivered })
        })
        .collect();
    let phones: Vec<&str> = numbers(sandbox, waba_id, filter)
        .iter()
        .map(|p| p.digits.as_str())
        .collect();
    let mut out = Map::new();
    out.insert("phone_numbers".into(), json!(phones));
    if !filter.country_codes.is_empty() {
        out.insert("country_codes".into(), json!(filter.country_codes));
    }
    out.insert("granularity".into(), json!(granularity.1));
    out.insert("data_points".into(), Value::Array(points));
    Value::Object(out)
}

/// What `pricing_analytics` may split its points by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    Phone,
    Country,
    PricingType,
    PricingCategory,
}

impl Dimension {
    /// The member of a data point that carries it.
    fn key(self) -> &'static str {
        match self {
            Dimension::Phone => "phone_number",
            Dimension::Country => "country",
            Dimension::PricingType => "pricing_type",
            Dimension::PricingCategory => "pricing_category",
        }
    }
}

/// A pricing data point's bucket and its value of each dimension.
type PricingPoint = (i64, i64, Vec<(Dimension, String)>);

/// The `pricing_analytics` query beyond its filter.
#[derive(Debug, Clone, Default)]
pub struct PricingQuery {
    /// Upper-case `pricing_type`s to keep (`REGULAR`…); empty is all.
    pub pricing_types: Vec<String>,
    /// Upper-case `pricing_category`s to keep (`MARKETING`…); empty is all.
    pub pricing_categories: Vec<String>,
    pub dimensions: Vec<Dimension>,
}

/// The `pricing_analytics` field: priced messages per bucket and per value
/// of each requested dimension, as `volume`. metasim keeps no prices, so
/// no point has a `cost`.
pub fn pricing(
    sandbox: &Sandbox,
    waba_id: &str,
    filter: &Filter,
    granularity: Granularity,
    query: &PricingQuery,
) -> Value {
    let mut dimensions = query.dimensions.clone();
    dimensions.sort();
    dimensions.dedup();
    let mut groups: BTreeMap<PricingPoint, u64> = BTreeMap::new();
    for item in counted(sandbox, waba_id, filter) {
        let Some(pricing) = &item.message.pricing else {
            continue;
        };
        let pricing_type = pricing.pricing_type.to_ascii_uppercase();
        let category = pricing.category.to_ascii_uppercase();
        let keep =
            |wanted: &[String], value: &str| wanted.is_empty() || wanted.iter().any(|w| w == value);
        if !keep(&query.pricing_types, &pricing_type) || !keep(&query.pricing_categories, &category)
        {
            continue;
        }
        let key = dimensions
            .iter()
            .map(|dimension| {
                let value = match *dimension {
                    Dimension::Phone => item.phone.digits.clone(),
                    Dimension::Country => item.country.unwrap_or("OTHER").to_owned(),
                    Dimension::PricingType => pricing_type.clone(),
                    Dimension::PricingCategory => category.clone(),
                };
                (*dimension, value)
            })
            .collect();
        let (start, end) = granularity.bucket(item.message.time);
        *groups.entry((start, end, key)).or_default() += 1;
    }
    let points: Vec<Value> = groups
        .into_iter()
        .map(|((start, end, key), volume)| {
            let mut point = Map::new();
            point.insert("start".into(), json!(start));
            point.insert("end".into(), json!(end));
            for (dimension, value) in key {
                point.insert(dimension.key().into(), json!(value));
            }
            point.insert("volume".into(), json!(volume));
            Value::Object(point)
        })
        .collect();
    json!({ "data": [{ "data_points": points }] })
}

/// What template analytics count per template and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateMetric {
    Sent,
    Delivered,
    Read,
}

impl TemplateMetric {
    fn key(self) -> &'static str {
        match self {
            TemplateMetric::Sent => "sent",
            TemplateMetric::Delivered => "delivered",
            TemplateMetric::Read => "read",
        }
    }
}

/// The `template_analytics` field: for each template id (of this WABA),
/// one point per day of the span with the counts of `metrics` for the
/// messages sent with it that day.
pub fn templates(
    sandbox: &Sandbox,
    waba_id: &str,
    filter: &Filter,
    template_ids: &[String],
    metrics: &[TemplateMetric],
) -> Value {
    let mut counts: BTreeMap<(&str, i64), [u64; 3]> = BTreeMap::new();
    for item in counted(sandbox, waba_id, filter) {
        let message = item.message.message.to_value();
        let template = &message["template"];
        let Some(id) = template_ids.iter().find(|id| {
            sandbox
                .whatsapp
                .templates
                .get(id.as_str())
                .is_some_and(|t| {
                    t.waba_id == waba_id
                        && template["name"] == t.name.as_str()
                        && template["language"]["code"] == t.language.as_str()
                })
        }) else {
            continue;
        };
        let day = Granularity::Day.bucket(item.message.time).0;
        let entry = counts.entry((id.as_str(), day)).or_default();
        entry[0] += 1;
        entry[1] += u64::from(item.delivered());
        entry[2] += u64::from(item.message.status == MessageStatus::Read);
    }
    let mut points = Vec::new();
    for id in template_ids {
        let mut day = Granularity::Day.bucket(filter.start).0;
        while day < filter.end {
            let found = counts.get(&(id.as_str(), day)).copied().unwrap_or_default();
            let mut point = Map::new();
            point.insert("template_id".into(), json!(id));
            point.insert("start".into(), json!(day));
            point.insert("end".into(), json!(day + 86_400));
            for metric in metrics {
                point.insert(metric.key().into(), json!(found[*metric as usize]));
            }
            points.push(Value::Object(point));
            day += 86_400;
        }
    }
    json!({
        "data": [{ "granularity": "DAILY", "product_type": "cloud_api", "data_points": points }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_follow_the_utc_calendar() {
        // 2026-01-31T23:45:00Z
        let time = 1_769_903_100;
        assert_eq!(
            Granularity::HalfHour.bucket(time),
            (1_769_902_200, 1_769_904_000)
        );
        assert_eq!(
            Granularity::Day.bucket(time),
            (1_769_817_600, 1_769_904_000)
        );
        // January 2026, then February (28 days) and December into January.
        assert_eq!(
            Granularity::Month.bucket(time),
            (1_767_225_600, 1_769_904_000)
        );
        assert_eq!(
            Granularity::Month.bucket(1_769_904_000),
            (1_769_904_000, 1_772_323_200)
        );
        assert_eq!(
            Granularity::Month.bucket(1_767_225_599),
            (1_764_547_200, 1_767_225_600)
        );
    }
}
