//! WABA analytics counted from the sandbox's own messages: what the
//! `analytics`, `pricing_analytics`, `conversation_analytics`,
//! `template_analytics` and `template_group_analytics` fields of a WhatsApp
//! Business Account answer. Each
//! outbound message that left (sent, delivered or read) counts in the
//! bucket of the virtual time it was sent (UTC half hours, days or calendar
//! months), with the number that sent it, the recipient's country, its
//! pricing and its template; a delivered billable message costs its
//! market's rate from the sandbox's rate card. The API layer checks the
//! arguments; this module only counts.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate};
use serde_json::{Map, Value, json};

use super::messaging::{Direction, MessageStatus, WaMessage};
use super::rate_card::dollars;
use super::template_clicks::{ButtonKind, ClickCount};
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

impl Filter {
    /// The country of the user `digits` (`None` inside: unknown), or
    /// `None` when `country_codes` leaves that country out.
    pub(super) fn country_of(&self, digits: &str) -> Option<Option<&'static str>> {
        let country = calling_code(digits).map(|(_, iso)| iso);
        let wanted = self.country_codes.is_empty()
            || country.is_some_and(|c| self.country_codes.iter().any(|w| w == c));
        wanted.then_some(country)
    }
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
pub(super) fn numbers<'a>(
    sandbox: &'a Sandbox,
    waba_id: &str,
    filter: &Filter,
) -> Vec<&'a PhoneNumber> {
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
            let country = filter.country_of(&message.consumer)?;
            Some(Counted {
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

/// What `pricing_analytics` and `conversation_analytics` split their points
/// by, and filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    Phone,
    Country,
    PricingType,
    PricingCategory,
    ConversationType,
    ConversationDirection,
    ConversationCategory,
}

impl Dimension {
    /// The member of a data point that carries it.
    fn key(self) -> &'static str {
        match self {
            Dimension::Phone => "phone_number",
            Dimension::Country => "country",
            Dimension::PricingType => "pricing_type",
            Dimension::PricingCategory => "pricing_category",
            Dimension::ConversationType => "conversation_type",
            Dimension::ConversationDirection => "conversation_direction",
            Dimension::ConversationCategory => "conversation_category",
        }
    }
}

/// A message that was priced, with its pricing in Meta's upper case and
/// what it cost (millionths of a dollar).
struct Priced<'a> {
    item: Counted<'a>,
    pricing_type: String,
    category: String,
    cost: u64,
}

impl Priced<'_> {
    fn value(&self, dimension: Dimension) -> String {
        match dimension {
            Dimension::Phone => self.item.phone.digits.clone(),
            Dimension::Country => self.item.country.unwrap_or("OTHER").to_owned(),
            Dimension::PricingType => self.pricing_type.clone(),
            Dimension::PricingCategory | Dimension::ConversationCategory => self.category.clone(),
            // A conversation opened from a free entry point is free; the
            // others are regular (the free tier ended with per-message pricing).
            Dimension::ConversationType => if self.pricing_type == "FREE_ENTRY_POINT" {
                "FREE_ENTRY"
            } else {
                "REGULAR"
            }
            .to_owned(),
            // Service messages answer the consumer, who opened the window.
            Dimension::ConversationDirection => if self.category == "SERVICE" {
                "USER_INITIATED"
            } else {
                "BUSINESS_INITIATED"
            }
            .to_owned(),
        }
    }
}

/// What `item` cost: its market's rate for its category when it was
/// delivered and billable, else nothing (millionths of a dollar).
fn cost(sandbox: &Sandbox, item: &Counted) -> u64 {
    match &item.message.pricing {
        Some(pricing) if pricing.billable && item.delivered() => u64::from(
            sandbox
                .whatsapp
                .rate_card
                .price(item.country, &pricing.category),
        ),
        _ => 0,
    }
}

/// `amount / count` in millionths of a dollar, rounded half up.
fn per(amount: u64, count: u64) -> Option<Value> {
    (count > 0).then(|| {
        let rounded = (u128::from(amount) * 2 + u128::from(count)) / (u128::from(count) * 2);
        dollars(u64::try_from(rounded).unwrap_or(u64::MAX))
    })
}

fn priced<'a>(sandbox: &'a Sandbox, waba_id: &str, filter: &Filter) -> Vec<Priced<'a>> {
    counted(sandbox, waba_id, filter)
        .into_iter()
        .filter_map(|item| {
            let pricing = item.message.pricing.as_ref()?;
            Some(Priced {
                pricing_type: pricing.pricing_type.to_ascii_uppercase(),
                category: pricing.category.to_ascii_uppercase(),
                cost: cost(sandbox, &item),
                item,
            })
        })
        .collect()
}

/// What a pricing or conversation point reports: its count (`volume` or
/// `conversation`), its `cost`, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metrics {
    pub count: bool,
    pub cost: bool,
}

/// A pricing or conversation analytics query.
#[derive(Debug, Clone)]
pub struct Breakdown {
    pub filter: Filter,
    pub granularity: Granularity,
    pub metrics: Metrics,
    /// The values to keep of some dimensions (upper case); an empty list
    /// keeps every value.
    pub keep: Vec<(Dimension, Vec<String>)>,
    /// What to split the points by.
    pub dimensions: Vec<Dimension>,
}

impl Breakdown {
    fn keeps(&self, priced: &Priced) -> bool {
        self.keep.iter().all(|(dimension, wanted)| {
            wanted.is_empty() || wanted.contains(&priced.value(*dimension))
        })
    }
}

/// A data point's bucket and its value of each dimension.
type Point = (i64, i64, Vec<(Dimension, String)>);

/// `{"data": [{"data_points": [...]}]}`: `rows` counted under `count` and
/// their costs summed under `cost` (as the breakdown's metrics ask), per
/// bucket and per value of the breakdown's dimensions.
fn grouped(rows: &[&Priced], breakdown: &Breakdown, count: &str) -> Value {
    let mut dimensions = breakdown.dimensions.clone();
    dimensions.sort();
    dimensions.dedup();
    let mut groups: BTreeMap<Point, (u64, u64)> = BTreeMap::new();
    for row in rows {
        let key = dimensions.iter().map(|d| (*d, row.value(*d))).collect();
        let (start, end) = breakdown.granularity.bucket(row.item.message.time);
        let group = groups.entry((start, end, key)).or_default();
        group.0 += 1;
        group.1 = group.1.saturating_add(row.cost);
    }
    let metrics = breakdown.metrics;
    let points: Vec<Value> = groups
        .into_iter()
        .map(|((start, end, key), (total, cost))| {
            let mut point = Map::new();
            point.insert("start".into(), json!(start));
            point.insert("end".into(), json!(end));
            for (dimension, value) in key {
                point.insert(dimension.key().into(), json!(value));
            }
            if metrics.count {
                point.insert(count.into(), json!(total));
            }
            if metrics.cost {
                point.insert("cost".into(), dollars(cost));
            }
            Value::Object(point)
        })
        .collect();
    json!({ "data": [{ "data_points": points }] })
}

/// The `pricing_analytics` field: priced messages per bucket and per value
/// of each requested dimension, as `volume` and `cost`.
pub fn pricing(sandbox: &Sandbox, waba_id: &str, breakdown: &Breakdown) -> Value {
    let priced = priced(sandbox, waba_id, &breakdown.filter);
    let rows: Vec<&Priced> = priced.iter().filter(|p| breakdown.keeps(p)).collect();
    grouped(&rows, breakdown, "volume")
}

/// How long a conversation lasts from the message that opened it.
const CONVERSATION: i64 = 86_400;

/// The `conversation_analytics` field: conversations opened per bucket and
/// per value of each requested dimension, as `conversation` and `cost` (what
/// the message that opened each conversation cost). A priced
/// message opens one when no conversation of its category with that
/// consumer on that number began in the 24 hours before (Meta's model
/// before per-message pricing); one opened before the span is not counted
/// again inside it.
pub fn conversations(sandbox: &Sandbox, waba_id: &str, breakdown: &Breakdown) -> Value {
    let filter = &breakdown.filter;
    let earlier = Filter {
        start: filter.start.saturating_sub(CONVERSATION),
        ..filter.clone()
    };
    let priced = priced(sandbox, waba_id, &earlier);
    let mut opened: BTreeMap<(&str, &str, &str), i64> = BTreeMap::new();
    let mut rows = Vec::new();
    for row in &priced {
        let message = row.item.message;
        let key = (
            message.phone_number_id.as_str(),
            message.consumer.as_str(),
            row.category.as_str(),
        );
        if opened
            .get(&key)
            .is_some_and(|start| message.time < start + CONVERSATION)
        {
            continue;
        }
        opened.insert(key, message.time);
        if message.time >= filter.start && breakdown.keeps(row) {
            rows.push(row);
        }
    }
    grouped(&rows, breakdown, "conversation")
}

/// What template analytics count per template and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateMetric {
    Sent,
    Delivered,
    Read,
    Clicked,
    Cost,
}

/// One template's counts on one day.
#[derive(Debug, Clone, Copy, Default)]
struct TemplateDay {
    sent: u64,
    delivered: u64,
    read: u64,
    /// Millionths of a dollar.
    cost: u64,
}

/// `clicked` of a point: a count per button tapped, the taps on one
/// button of several templates added up.
fn clicked(clicks: &[&ClickCount]) -> Value {
    let mut counts: BTreeMap<(ButtonKind, &str), u64> = BTreeMap::new();
    for click in clicks {
        let count = counts
            .entry((click.kind, &click.button_content))
            .or_default();
        *count = count.saturating_add(click.count);
    }
    counts
        .into_iter()
        .map(|((kind, content), count)| {
            json!({ "type": kind, "button_content": content, "count": count })
        })
        .collect()
}

/// `cost` of a point: what was spent, per delivered message and per URL
/// button click (the averages left out when nothing to divide by).
fn template_cost(clicks: &[&ClickCount], found: TemplateDay) -> Value {
    let url_clicks: u64 = clicks
        .iter()
        .filter(|c| c.kind == ButtonKind::UrlButton)
        .map(|c| c.count)
        .sum();
    let entry = |kind: &str, value: Option<Value>| {
        let mut entry = Map::new();
        entry.insert("type".into(), json!(kind));
        if let Some(value) = value {
            entry.insert("value".into(), value);
        }
        Value::Object(entry)
    };
    json!([
        entry("amount_spent", Some(dollars(found.cost))),
        entry("cost_per_delivered", per(found.cost, found.delivered)),
        entry("cost_per_url_button_click", per(found.cost, url_clicks)),
    ])
}

/// The `template_analytics` field: for each template id (of this WABA),
/// one point per day of the span with `metrics` for the messages sent
/// with it that day and the taps on its buttons.
pub fn templates(
    sandbox: &Sandbox,
    waba_id: &str,
    filter: &Filter,
    template_ids: &[String],
    metrics: &[TemplateMetric],
) -> Value {
    let points = daily(
        sandbox,
        waba_id,
        filter,
        metrics,
        ("template_id", template_ids),
        Counting {
            messages: &|name, language, _| {
                template_ids
                    .iter()
                    .filter(|id| {
                        sandbox
                            .whatsapp
                            .templates
                            .get(id.as_str())
                            .is_some_and(|t| {
                                t.waba_id == waba_id && t.name == name && t.language == language
                            })
                    })
                    .take(1)
                    .collect()
            },
            clicks: &|id, day| {
                sandbox
                    .whatsapp
                    .template_clicks
                    .all_on_day(day)
                    .filter(|c| c.template_id == id)
                    .collect()
            },
        },
    );
    json!({
        "data": [{ "granularity": "DAILY", "product_type": "cloud_api", "data_points": points }]
    })
}

/// The `template_group_analytics` field: for each template group id (of
/// this WABA), one point per day of the span with `metrics` for the
/// messages sent that day with a template that was in the group when it
/// was sent, and the taps on the buttons of templates in the group that day.
pub fn template_groups(
    sandbox: &Sandbox,
    waba_id: &str,
    filter: &Filter,
    group_ids: &[String],
    metrics: &[TemplateMetric],
) -> Value {
    let groups = &sandbox.whatsapp.template_groups;
    let group = |id: &str| groups.get(id).filter(|g| g.waba_id == waba_id);
    let points = daily(
        sandbox,
        waba_id,
        filter,
        metrics,
        ("template_group_id", group_ids),
        Counting {
            messages: &|name, language, time| {
                group_ids
                    .iter()
                    .filter(|id| group(id).is_some_and(|g| g.covered(name, language, time)))
                    .collect()
            },
            clicks: &|id, day| {
                let Some(group) = group(id) else {
                    return Vec::new();
                };
                sandbox
                    .whatsapp
                    .template_clicks
                    .all_on_day(day)
                    .filter(|c| group.held_during(&c.template_id, day, day + 86_400))
                    .collect()
            },
        },
    );
    json!({ "data": [{ "granularity": "DAILY", "data_points": points }] })
}

/// What a point of `daily` counts: `messages` names the ids a template
/// message (its template's name, language and the time sent) counts for;
/// `clicks` gives an id's button taps on the day starting at the second given.
struct Counting<'a, 'b> {
    messages: &'b dyn Fn(&str, &str, i64) -> Vec<&'a String>,
    clicks: &'b dyn Fn(&str, i64) -> Vec<&'b ClickCount>,
}

/// One point per id of `ids` (named `key.0` in each point) and per day of
/// the span, with `metrics` of the template messages sent that day that
/// `counting` counts for the id.
fn daily<'a>(
    sandbox: &Sandbox,
    waba_id: &str,
    filter: &Filter,
    metrics: &[TemplateMetric],
    key: (&str, &'a [String]),
    counting: Counting<'a, '_>,
) -> Vec<Value> {
    let (key, ids) = key;
    let mut counts: BTreeMap<(&str, i64), TemplateDay> = BTreeMap::new();
    for item in counted(sandbox, waba_id, filter) {
        let message = item.message.message.to_value();
        let template = &message["template"];
        let (Some(name), Some(language)) = (
            template["name"].as_str(),
            template["language"]["code"].as_str(),
        ) else {
            continue;
        };
        let day = Granularity::Day.bucket(item.message.time).0;
        let ids = (counting.messages)(name, language, item.message.time);
        if ids.is_empty() {
            continue;
        }
        let cost = cost(sandbox, &item);
        for id in ids {
            let entry = counts.entry((id.as_str(), day)).or_default();
            entry.sent += 1;
            entry.delivered += u64::from(item.delivered());
            entry.read += u64::from(item.message.status == MessageStatus::Read);
            entry.cost = entry.cost.saturating_add(cost);
        }
    }
    let mut points = Vec::new();
    for id in ids {
        let mut day = Granularity::Day.bucket(filter.start).0;
        while day < filter.end {
            let found = counts.get(&(id.as_str(), day)).copied().unwrap_or_default();
            let clicks = (counting.clicks)(id, day);
            let mut point = Map::new();
            point.insert(key.into(), json!(id));
            point.insert("start".into(), json!(day));
            point.insert("end".into(), json!(day + 86_400));
            for metric in metrics {
                let (key, value) = match metric {
                    TemplateMetric::Sent => ("sent", json!(found.sent)),
                    TemplateMetric::Delivered => ("delivered", json!(found.delivered)),
                    TemplateMetric::Read => ("read", json!(found.read)),
                    TemplateMetric::Clicked => ("clicked", clicked(&clicks)),
                    TemplateMetric::Cost => ("cost", template_cost(&clicks, found)),
                };
                point.insert(key.into(), value);
            }
            points.push(Value::Object(point));
            day += 86_400;
        }
    }
    points
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
