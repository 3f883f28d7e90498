//! The arguments of a WABA's analytics fields (`analytics.start(…).end(…)
//! .granularity(DAY)`, `pricing_analytics…`, `conversation_analytics…`,
//! `template_analytics…`): read
//! from the field's modifiers, checked as Meta checks them (required ones,
//! enums, start before end, the lookback window, at most 10 templates, template
//! analytics switched on), then counted by the world.

use serde_json::Value;

use crate::api::error::GraphError;
use crate::api::fields::FieldSelection;
use crate::api::routes::Operation;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::analytics::{
    self, Breakdown, Dimension, Filter, Granularity, TemplateMetric,
};

/// Messaging and pricing analytics look back at most a year.
const LOOKBACK: i64 = 365 * 86_400;
/// Template analytics look back at most 90 days.
const TEMPLATE_LOOKBACK: i64 = 90 * 86_400;
/// The most template ids one template analytics read takes.
pub const MAX_TEMPLATE_IDS: usize = 10;

/// The value of `field` of WABA `waba_id` when it is an analytics field.
pub fn field(
    sandbox: &Sandbox,
    waba_id: &str,
    field: &FieldSelection,
) -> Option<Result<Value, GraphError>> {
    let args = Arguments(field);
    Some(match field.name.as_str() {
        "analytics" => messaging(sandbox, waba_id, &args),
        "pricing_analytics" => pricing(sandbox, waba_id, &args),
        "conversation_analytics" => conversations(sandbox, waba_id, &args),
        "template_analytics" => templates(sandbox, waba_id, &args),
        _ => return None,
    })
}

/// `GET /{waba-id}/template_analytics?start=…&end=…&granularity=DAILY
/// &metric_types=[…]&template_ids=[…]`: the field's arguments as parameters.
pub fn template_edge(op: Operation<'_>) -> Result<Value, GraphError> {
    let mut selection = FieldSelection::plain("template_analytics");
    for name in [
        "start",
        "end",
        "granularity",
        "metric_types",
        "template_ids",
    ] {
        if let Some(value) = op.request.param_str(name) {
            selection.arguments.push((name.to_owned(), value));
        }
    }
    templates(op.sandbox, op.id, &Arguments(&selection))
}

/// A field's modifiers, read as Graph parameters.
pub(super) struct Arguments<'a>(pub(super) &'a FieldSelection);

impl Arguments<'_> {
    pub(super) fn required(&self, name: &str) -> Result<&str, GraphError> {
        self.0.argument(name).ok_or_else(|| {
            GraphError::invalid_parameter(format!("The parameter {name} is required"))
        })
    }

    fn timestamp(&self, name: &str) -> Result<i64, GraphError> {
        let text = self.required(name)?;
        text.parse::<i64>().ok().filter(|t| *t >= 0).ok_or_else(|| {
            GraphError::invalid_parameter(format!(
                "Param {name} must be a UNIX timestamp - got \"{text}\"."
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
    fn filter(&self, sandbox: &Sandbox, lookback: i64) -> Result<Filter, GraphError> {
        let start = self.timestamp("start")?;
        let end = self.timestamp("end")?;
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
    let filter = args.filter(sandbox, LOOKBACK)?;
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

/// A pricing or conversation analytics query: the span, the granularity,
/// the metric types (`COST` or `count`: they choose what Meta reports, and
/// metasim keeps no cost), the filters `keep`, then `dimensions` (those
/// Meta lists without a counterpart here are taken and split nothing).
fn breakdown(
    sandbox: &Sandbox,
    args: &Arguments,
    count: &'static str,
    keep: Vec<(Dimension, Vec<String>)>,
    dimensions: &[(&str, Option<Dimension>)],
) -> Result<Breakdown, GraphError> {
    let filter = args.filter(sandbox, LOOKBACK)?;
    let granularity = args.granularity(&[
        ("HALF_HOUR", Granularity::HalfHour),
        ("DAILY", Granularity::Day),
        ("MONTHLY", Granularity::Month),
    ])?;
    args.enums("metric_types", &[("COST", ()), (count, ())])?;
    let dimensions = args.enums("dimensions", dimensions)?;
    Ok(Breakdown {
        filter,
        granularity,
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
        // Rate tiers: metasim has no rate card, so no tier to split by.
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

fn templates(sandbox: &Sandbox, waba_id: &str, args: &Arguments) -> Result<Value, GraphError> {
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
    let filter = args.filter(sandbox, TEMPLATE_LOOKBACK)?;
    // A point per day: the span is bounded as the lookback is.
    if filter.end.saturating_sub(filter.start) > TEMPLATE_LOOKBACK {
        return Err(GraphError::invalid_parameter(format!(
            "Param end must be at most {} days after start - got start {} and end {}.",
            TEMPLATE_LOOKBACK / 86_400,
            filter.start,
            filter.end
        )));
    }
    args.granularity(&[("DAILY", ())])?;
    let all = [
        TemplateMetric::Sent,
        TemplateMetric::Delivered,
        TemplateMetric::Read,
    ];
    let metrics = args
        .enums(
            "metric_types",
            &[
                ("SENT", Some(TemplateMetric::Sent)),
                ("DELIVERED", Some(TemplateMetric::Delivered)),
                ("READ", Some(TemplateMetric::Read)),
                // Button clicks and costs are not recorded per template.
                ("CLICKED", None),
                ("COST", None),
            ],
        )?
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    let metrics = if args.list("metric_types").is_empty() {
        all.to_vec()
    } else {
        metrics
    };
    args.required("template_ids")?;
    let ids = args.list("template_ids");
    if ids.is_empty() || ids.len() > MAX_TEMPLATE_IDS {
        return Err(GraphError::invalid_parameter(format!(
            "Param template_ids must name between 1 and {MAX_TEMPLATE_IDS} templates - got {}.",
            ids.len()
        )));
    }
    if let Some(bad) = ids
        .iter()
        .find(|id| !id.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(GraphError::invalid_parameter(format!(
            "Param template_ids[{bad}] must be a valid template id."
        )));
    }
    Ok(analytics::templates(
        sandbox, waba_id, &filter, &ids, &metrics,
    ))
}
