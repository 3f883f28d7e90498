//! The arguments of a WABA's analytics fields (`analytics.start(…).end(…)
//! .granularity(DAY)`, `pricing_analytics…`, `conversation_analytics…`,
//! `template_analytics…`, `template_group_analytics…`, `call_analytics…`,
//! `group_analytics…`): read
//! from the field's modifiers, checked as Meta checks them (required ones,
//! enums, start before end, the lookback window, at most 10 templates or
//! template groups, template analytics switched on), then counted by the
//! world.

use chrono::NaiveDate;
use serde_json::Value;

use crate::api::error::GraphError;
use crate::api::fields::FieldSelection;
use crate::api::routes::Operation;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::analytics::{
    self, Breakdown, Dimension, Filter, Granularity, Metrics, TemplateMetric,
};
use crate::world::whatsapp::call_analytics::{self, CallDimension, CallQuery};
use crate::world::whatsapp::calls::CallDirection;
use crate::world::whatsapp::group_analytics::{self, GroupMetric};

/// Messaging and pricing analytics look back at most a year.
const LOOKBACK: i64 = 365 * 86_400;
/// Template analytics look back at most 90 days.
const TEMPLATE_LOOKBACK: i64 = 90 * 86_400;
/// The most template (or template group) ids one read takes.
const MAX_TEMPLATE_IDS: usize = 10;

/// An analytics field's reader.
type Reader = fn(&Sandbox, &str, &Arguments) -> Result<Value, GraphError>;

/// The value of `field` of WABA `waba_id` when it is an analytics field.
pub fn field(
    sandbox: &Sandbox,
    waba_id: &str,
    field: &FieldSelection,
) -> Option<Result<Value, GraphError>> {
    let reader: Reader = match field.name.as_str() {
        "analytics" => messaging,
        "pricing_analytics" => pricing,
        "conversation_analytics" => conversations,
        "template_analytics" => templates,
        "template_group_analytics" => template_groups,
        "call_analytics" => calls,
        "group_analytics" => groups,
        _ => return None,
    };
    Some(reader(sandbox, waba_id, &Arguments(field)))
}

/// `GET /{waba-id}/template_analytics?start=…&end=…&granularity=DAILY
/// &metric_types=[…]&template_ids=[…]`: the field's arguments as parameters.
pub fn template_edge(op: Operation<'_>) -> Result<Value, GraphError> {
    edge(op, "template_analytics", &["template_ids"], templates)
}

/// `GET /{waba-id}/group_analytics?start=…&end=…&granularity=DAILY
/// &metric_types=[…]&group_ids=[…]`, likewise.
pub fn group_edge(op: Operation<'_>) -> Result<Value, GraphError> {
    edge(op, "group_analytics", &["group_ids"], groups)
}

/// `GET /{waba-id}/call_analytics?start=…&end=…&granularity=DAILY…`, likewise.
pub fn call_edge(op: Operation<'_>) -> Result<Value, GraphError> {
    let optional = [
        "phone_numbers",
        "country_codes",
        "directions",
        "dimensions",
        "tiers",
    ];
    edge(op, "call_analytics", &optional, calls)
}

/// `GET /{waba-id}/template_group_analytics?start=…&end=…&granularity=DAILY
/// &metric_types=[…]&template_group_ids=[…]`, likewise.
pub fn template_group_edge(op: Operation<'_>) -> Result<Value, GraphError> {
    edge(
        op,
        "template_group_analytics",
        &["template_group_ids"],
        template_groups,
    )
}

/// The analytics field `field` read with the request's parameters as its
/// arguments: the span, granularity and metrics, and `more`.
fn edge(
    op: Operation<'_>,
    field: &str,
    more: &[&str],
    reader: Reader,
) -> Result<Value, GraphError> {
    let mut selection = FieldSelection::plain(field);
    let common = ["start", "end", "granularity", "metric_types"];
    for name in common.iter().chain(more) {
        if let Some(value) = op.request.param_str(name) {
            selection.arguments.push(((*name).to_owned(), value));
        }
    }
    reader(op.sandbox, op.id, &Arguments(&selection))
}

/// How `start` and `end` may be written: UNIX timestamps, or (template
/// and template group analytics) also UTC dates, `2026-01-01`.
#[derive(Clone, Copy)]
enum Times {
    Unix,
    UnixOrDate,
}

/// A field's modifiers, read as Graph parameters.
pub(super) struct Arguments<'a>(pub(super) &'a FieldSelection);

impl Arguments<'_> {
    pub(super) fn required(&self, name: &str) -> Result<&str, GraphError> {
        self.0.required_argument(name)
    }

    fn timestamp(&self, name: &str, times: Times) -> Result<i64, GraphError> {
        let text = self.required(name)?;
        let date = || {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc().timestamp())
        };
        let parsed = match times {
            Times::Unix => None,
            Times::UnixOrDate => date(),
        };
        parsed
            .or_else(|| text.parse::<i64>().ok())
            .filter(|t| *t >= 0)
            .ok_or_else(|| {
                let what = match times {
                    Times::Unix => "a UNIX timestamp",
                    Times::UnixOrDate => "a UNIX timestamp or a date (YYYY-MM-DD)",
                };
                GraphError::invalid_parameter(format!(
                    "Param {name} must be {what} - got \"{text}\"."
                ))
            })
    }

    /// `[a, "b", 'c']` (or a bare `a,b`): the items, unquoted; none when absent.
    fn list(&self, name: &str) -> Vec<String> {
        let Some(text) = self.0.argument(name) else {
            return Vec::new();
        };
        let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
        inner
            .split(',')
            .map(|item| item.trim().trim_matches(['"', '\'']).trim().to_owned())
            .filter(|item| !item.is_empty())
            .collect()
    }

    /// `list(name)` with each item one of `allowed` (matched without case).
    fn enums<T: Copy>(&self, name: &str, allowed: &[(&str, T)]) -> Result<Vec<T>, GraphError> {
        self.list(name)
            .iter()
            .map(|item| one_of(name, item, allowed))
            .collect()
    }

    /// The span `[start, end)`, checked: start before end, and start within
    /// `lookback` seconds of the virtual clock.
    fn filter(&self, sandbox: &Sandbox, lookback: i64, times: Times) -> Result<Filter, GraphError> {
        let start = self.timestamp("start", times)?;
        let end = self.timestamp("end", times)?;
        if start >= end {
            return Err(GraphError::invalid_parameter(format!(
                "Param start must be before end - got start {start} and end {end}."
            )));
        }
        let oldest = sandbox.clock.now().saturating_sub(lookback);
        if start < oldest {
            return Err(GraphError::invalid_parameter(format!(
                "Param start must be at most {} days in the past - got {start} (the oldest allowed is {oldest}).",
                lookback / 86_400
            )));
        }
        Ok(Filter {
            start,
            end,
            phone_numbers: self.list("phone_numbers"),
            country_codes: self
                .list("country_codes")
                .iter()
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        })
    }

    fn granularity<T: Copy>(&self, allowed: &[(&str, T)]) -> Result<T, GraphError> {
        one_of("granularity", self.required("granularity")?, allowed)
    }
}

/// `value` as one of `allowed` (without case), or Meta's enum error.
pub(super) fn one_of<T: Copy>(
    name: &str,
    value: &str,
    allowed: &[(&str, T)],
) -> Result<T, GraphError> {
    allowed
        .iter()
        .find(|(text, _)| text.eq_ignore_ascii_case(value))
        .map(|(_, item)| *item)
        .ok_or_else(|| {
            let names: Vec<&str> = allowed.iter().map(|(text, _)| *text).collect();
            GraphError::invalid_parameter(format!(
                "Param {name} must be one of {{{}}} - got \"{value}\".",
                names.join(", ")
            ))
        })
}

fn messaging(sandbox: &Sandbox, waba_id: &str, args: &Arguments) -> Result<Value, GraphError> {
    let filter = args.filter(sandbox, LOOKBACK, Times::Unix)?;
    let granularity = args.granularity(&[
        ("HALF_HOUR", (Granularity::HalfHour, "HALF_HOUR")),
        ("DAY", (Granularity::Day, "DAY")),
        ("MONTH", (Granularity::Month, "MONTH")),
    ])?;
    let product_types = args.enums("product_types", &[("0", 0u8), ("2", 2u8)])?;
    Ok(analytics::messaging(
        sandbox,
        waba_id,
        &filter,
        granularity,
        &product_types,
    ))
}

/// A filter list of `dimension`'s values, each one of `allowed`.
fn keep(
    args: &Arguments,
    name: &str,
    dimension: Dimension,
    allowed: &[&'static str],
) -> Result<(Dimension, Vec<String>), GraphError> {
    let pairs: Vec<(&str, &str)> = allowed.iter().map(|a| (*a, *a)).collect();
    let values = args.enums(name, &pairs)?;
    Ok((dimension, values.into_iter().map(str::to_owned).collect()))
}

/// The categories pricing and conversations are counted by.
const CATEGORIES: [&str; 6] = [
    "AUTHENTICATION",
    "AUTHENTICATION_INTERNATIONAL",
    "MARKETING",
    "MARKETING_LITE",
    "SERVICE",
    "UTILITY",
];

/// The span (within a year) and granularity (`HALF_HOUR`, `DAILY`,
/// `MONTHLY`) of pricing, conversation and call analytics.
fn span(sandbox: &Sandbox, args: &Arguments) -> Result<(Filter, Granularity), GraphError> {
    let filter = args.filter(sandbox, LOOKBACK, Times::Unix)?;
    let granularity = args.granularity(&[
        ("HALF_HOUR", Granularity::HalfHour),
        ("DAILY", Granularity::Day),
        ("MONTHLY", Granularity::Month),
    ])?;
    Ok((filter, granularity))
}

/// A pricing or conversation analytics query: the span, the granularity,
/// the metric types (`COST` and `count`; both when left out), the filters
/// `keep`, then `dimensions` (those Meta lists without a counterpart here
/// are taken and split nothing).
fn breakdown(
    sandbox: &Sandbox,
    args: &Arguments,
    count: &'static str,
    keep: Vec<(Dimension, Vec<String>)>,
    dimensions: &[(&str, Option<Dimension>)],
) -> Result<Breakdown, GraphError> {
    let (filter, granularity) = span(sandbox, args)?;
    let asked = args.enums("metric_types", &[("COST", true), (count, false)])?;
    let metrics = Metrics {
        count: asked.is_empty() || asked.contains(&false),
        cost: asked.is_empty() || asked.contains(&true),
    };
    let dimensions = args.enums("dimensions", dimensions)?;
    Ok(Breakdown {
        filter,
        granularity,
        metrics,
        keep,
        dimensions: dimensions.into_iter().flatten().collect(),
    })
}

fn pricing(sandbox: &Sandbox, waba_id: &str, args: &Arguments) -> Result<Value, GraphError> {
    let filters = vec![
        keep(
            args,
            "pricing_types",
            Dimension::PricingType,
            &["FREE_CUSTOMER_SERVICE", "FREE_ENTRY_POINT", "REGULAR"],
        )?,
        keep(
            args,
            "pricing_categories",
            Dimension::PricingCategory,
            &CATEGORIES,
        )?,
    ];
    let dimensions = [
        ("COUNTRY", Some(Dimension::Country)),
        ("PHONE", Some(Dimension::Phone)),
        ("PRICING_CATEGORY", Some(Dimension::PricingCategory)),
        ("PRICING_TYPE", Some(Dimension::PricingType)),
        // Volume tiers: metasim's rate card has the base tier only.
        ("TIER", None),
    ];
    let breakdown = breakdown(sandbox, args, "VOLUME", filters, &dimensions)?;
    Ok(analytics::pricing(sandbox, waba_id, &breakdown))
}

fn conversations(sandbox: &Sandbox, waba_id: &str, args: &Arguments) -> Result<Value, GraphError> {
    let filters = vec![
        keep(
            args,
            "conversation_categories",
            Dimension::ConversationCategory,
            &CATEGORIES,
        )?,
        keep(
            args,
            "conversation_types",
            Dimension::ConversationType,
            &["FREE_ENTRY", "FREE_TIER", "REGULAR"],
        )?,
        keep(
            args,
            "conversation_directions",
            Dimension::ConversationDirection,
            &["BUSINESS_INITIATED", "USER_INITIATED"],
        )?,
    ];
    let dimensions = [
        (
            "CONVERSATION_CATEGORY",
            Some(Dimension::ConversationCategory),
        ),
        (
            "CONVERSATION_DIRECTION",
            Some(Dimension::ConversationDirection),
        ),
        ("CONVERSATION_TYPE", Some(Dimension::ConversationType)),
        ("COUNTRY", Some(Dimension::Country)),
        ("PHONE", Some(Dimension::Phone)),
    ];
    let breakdown = breakdown(sandbox, args, "CONVERSATION", filters, &dimensions)?;
    Ok(analytics::conversations(sandbox, waba_id, &breakdown))
}

/// `call_analytics`: the span and granularity of pricing analytics,
/// `metric_types` (`COUNT`, `COST`, `AVERAGE_DURATION`; all when none is
/// named — metasim has no calling rates, so `COST` adds nothing),
/// `directions` to keep, `dimensions` to split by (`TIER` splits nothing:
/// there are no calling tiers), and `tiers` taken and ignored.
fn calls(sandbox: &Sandbox, waba_id: &str, args: &Arguments) -> Result<Value, GraphError> {
    let (filter, granularity) = span(sandbox, args)?;
    let metrics = args.enums(
        "metric_types",
        &[
            ("COUNT", "COUNT"),
            ("COST", "COST"),
            ("AVERAGE_DURATION", "AVERAGE_DURATION"),
        ],
    )?;
    let asks = |metric: &str| metrics.is_empty() || metrics.contains(&metric);
    let directions = args.enums(
        "directions",
        &[
            ("BUSINESS_INITIATED", CallDirection::BusinessInitiated),
            ("USER_INITIATED", CallDirection::UserInitiated),
        ],
    )?;
    let dimensions = args.enums(
        "dimensions",
        &[
            ("COUNTRY", Some(CallDimension::Country)),
            ("DIRECTION", Some(CallDimension::Direction)),
            ("PHONE", Some(CallDimension::Phone)),
            ("TIER", None),
        ],
    )?;
    let query = CallQuery {
        filter,
        granularity,
        count: asks("COUNT"),
        average_duration: asks("AVERAGE_DURATION"),
        directions,
        dimensions: dimensions.into_iter().flatten().collect(),
    };
    Ok(call_analytics::calls(sandbox, waba_id, &query))
}

/// `group_analytics`: as template analytics (without the insights
/// switch), with `group_ids` and the Business SDK's metrics; `CLICKS` and
/// `COST` are taken and add nothing (group messages carry no buttons metasim
/// counts, and a group has no market to price it in).
fn groups(sandbox: &Sandbox, waba_id: &str, args: &Arguments) -> Result<Value, GraphError> {
    let all = [
        ("SENT", Some(GroupMetric::Sent)),
        ("DELIVERED", Some(GroupMetric::Delivered)),
        ("READ", Some(GroupMetric::Read)),
        ("REPLIES", Some(GroupMetric::Replies)),
        ("PARTICIPANTS_JOINED", Some(GroupMetric::ParticipantsJoined)),
        ("PARTICIPANTS_LEFT", Some(GroupMetric::ParticipantsLeft)),
        ("CLICKS", None),
        ("COST", None),
    ];
    let (filter, metrics, ids) = daily_query(sandbox, args, ("group_ids", "group"), &all)?;
    let metrics: Vec<GroupMetric> = metrics.into_iter().flatten().collect();
    Ok(group_analytics::groups(
        sandbox, waba_id, &filter, &ids, &metrics,
    ))
}

/// Every metric of template and template group analytics.
const TEMPLATE_METRICS: [(&str, TemplateMetric); 5] = [
    ("SENT", TemplateMetric::Sent),
    ("DELIVERED", TemplateMetric::Delivered),
    ("READ", TemplateMetric::Read),
    ("CLICKED", TemplateMetric::Clicked),
    ("COST", TemplateMetric::Cost),
];

fn templates(sandbox: &Sandbox, waba_id: &str, args: &Arguments) -> Result<Value, GraphError> {
    check_insights(sandbox, waba_id)?;
    let (filter, metrics, ids) = daily_query(
        sandbox,
        args,
        ("template_ids", "template"),
        &TEMPLATE_METRICS,
    )?;
    Ok(analytics::templates(
        sandbox, waba_id, &filter, &ids, &metrics,
    ))
}

fn template_groups(
    sandbox: &Sandbox,
    waba_id: &str,
    args: &Arguments,
) -> Result<Value, GraphError> {
    check_insights(sandbox, waba_id)?;
    let (filter, metrics, ids) = daily_query(
        sandbox,
        args,
        ("template_group_ids", "template group"),
        &TEMPLATE_METRICS,
    )?;
    Ok(analytics::template_groups(
        sandbox, waba_id, &filter, &ids, &metrics,
    ))
}

/// Template (and template group) analytics answer once the WABA switched
/// insights on.
fn check_insights(sandbox: &Sandbox, waba_id: &str) -> Result<(), GraphError> {
    let enabled = sandbox
        .whatsapp
        .wabas
        .get(waba_id)
        .is_some_and(|w| w.settings.is_enabled_for_insights);
    if !enabled {
        return Err(GraphError::invalid_parameter(
            "Template analytics are not enabled for this WhatsApp Business Account: confirm them with POST /{waba-id}?is_enabled_for_insights=true",
        ));
    }
    Ok(())
}

/// What template, template group and group analytics take alike: a span
/// within 90 days, `DAILY`, the metrics of `all` (all when none is named),
/// and 1 to 10 ids in the parameter `ids.0` (of `ids.1`s).
fn daily_query<T: Copy>(
    sandbox: &Sandbox,
    args: &Arguments,
    ids: (&str, &str),
    all: &[(&str, T)],
) -> Result<(Filter, Vec<T>, Vec<String>), GraphError> {
    let (param, noun) = ids;
    let mut filter = args.filter(sandbox, TEMPLATE_LOOKBACK, Times::UnixOrDate)?;
    // A point per day: the span is bounded as the lookback is.
    if filter.end.saturating_sub(filter.start) > TEMPLATE_LOOKBACK {
        return Err(GraphError::invalid_parameter(format!(
            "Param end must be at most {} days after start - got start {} and end {}.",
            TEMPLATE_LOOKBACK / 86_400,
            filter.start,
            filter.end
        )));
    }
    // Each point counts its whole UTC day: Meta moves a start that is not
    // midnight back to it, and the last day is counted to its end.
    filter.start = Granularity::Day.bucket(filter.start).0;
    filter.end = Granularity::Day.bucket(filter.end - 1).1;
    args.granularity(&[("DAILY", ())])?;
    let mut metrics = args.enums("metric_types", all)?;
    if metrics.is_empty() {
        metrics = all.iter().map(|(_, metric)| *metric).collect();
    }
    args.required(param)?;
    let ids = args.list(param);
    if ids.is_empty() || ids.len() > MAX_TEMPLATE_IDS {
        return Err(GraphError::invalid_parameter(format!(
            "Param {param} must name between 1 and {MAX_TEMPLATE_IDS} {noun}s - got {}.",
            ids.len()
        )));
    }
    if let Some(bad) = ids
        .iter()
        .find(|id| !id.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(GraphError::invalid_parameter(format!(
            "Param {param}[{bad}] must be a valid {noun} id."
        )));
    }
    Ok((filter, metrics, ids))
}
