//! The `group_analytics` field of a WhatsApp Business Account: per group
//! and UTC day, the business's messages to the group that left (`sent`),
//! their deliveries to and reads by participants (`delivered`, `read`: one
//! per participant reached), the participants' messages to the group
//! (`replies`), and the participants who joined or left
//! (`participants_joined`, `participants_left`, from the membership changes
//! logged here as the `group_participants_update` webhook reports them).
//! The API layer checks the arguments; this module logs and counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::analytics::{Filter, Granularity, numbers};
use super::messaging::{Direction, MessageStatus};
use crate::world::retention::push_keeping_newest;
use crate::world::sandbox::Sandbox;

/// How many membership changes the log keeps (the oldest go first).
pub const MEMBERSHIP_LOG_MAX: usize = 10_000;

/// Participants who joined and left a group at one moment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MembershipChange {
    pub group_id: String,
    pub time: i64,
    pub joined: u64,
    pub left: u64,
}

/// What group analytics count per group and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupMetric {
    Sent,
    Delivered,
    Read,
    Replies,
    ParticipantsJoined,
    ParticipantsLeft,
}

impl GroupMetric {
    fn key(self) -> &'static str {
        match self {
            GroupMetric::Sent => "sent",
            GroupMetric::Delivered => "delivered",
            GroupMetric::Read => "read",
            GroupMetric::Replies => "replies",
            GroupMetric::ParticipantsJoined => "participants_joined",
            GroupMetric::ParticipantsLeft => "participants_left",
        }
    }
}

/// One group's counts on one day, in [`GroupMetric`] order.
type Day = [u64; 6];

fn slot(metric: GroupMetric) -> usize {
    metric as usize
}

impl Sandbox {
    /// Log the joins and leaves a `group_participants_update` item reports.
    pub(super) fn log_membership(&mut self, group_id: &str, item: &Value, time: i64) {
        let count = |key: &str| item[key].as_array().map_or(0, |list| list.len() as u64);
        let (joined, left) = (count("added_participants"), count("removed_participants"));
        if joined + left == 0 {
            return;
        }
        let change = MembershipChange {
            group_id: group_id.to_owned(),
            time,
            joined,
            left,
        };
        push_keeping_newest(
            &mut self.whatsapp.group_membership,
            change,
            MEMBERSHIP_LOG_MAX,
        );
    }
}

/// `{"data": [{"granularity": "DAILY", "data_points": [...]}]}`: for each of
/// `group_ids` and each UTC day of the filter's span with something to
/// count, the `metrics` asked.
pub fn groups(
    sandbox: &Sandbox,
    waba_id: &str,
    filter: &Filter,
    group_ids: &[String],
    metrics: &[GroupMetric],
) -> Value {
    let numbers = numbers(sandbox, waba_id, filter);
    let in_span = |time: i64| (filter.start..filter.end).contains(&time);
    let mut days: BTreeMap<(&str, i64), Day> = BTreeMap::new();
    let mut add = |group: &str, time: i64, metric: GroupMetric, count: u64| {
        let Some(group) = group_ids.iter().find(|g| *g == group) else {
            return;
        };
        let day = days
            .entry((group.as_str(), Granularity::Day.bucket(time).0))
            .or_default();
        day[slot(metric)] += count;
    };
    for message in sandbox.whatsapp.messaging.in_order() {
        if !in_span(message.time) || !numbers.iter().any(|p| p.id == message.phone_number_id) {
            continue;
        }
        match message.direction {
            Direction::Outbound => {
                if matches!(
                    message.status,
                    MessageStatus::Accepted | MessageStatus::Failed
                ) {
                    continue;
                }
                let read = message
                    .receipts
                    .iter()
                    .filter(|r| r.status == MessageStatus::Read)
                    .count() as u64;
                let group = message.consumer.as_str();
                add(group, message.time, GroupMetric::Sent, 1);
                add(
                    group,
                    message.time,
                    GroupMetric::Delivered,
                    message.receipts.len() as u64,
                );
                add(group, message.time, GroupMetric::Read, read);
            }
            Direction::Inbound => {
                if let Some(group) = message.message.to_value()["group_id"].as_str() {
                    add(group, message.time, GroupMetric::Replies, 1);
                }
            }
        }
    }
    for change in &sandbox.whatsapp.group_membership {
        if in_span(change.time) {
            add(
                &change.group_id,
                change.time,
                GroupMetric::ParticipantsJoined,
                change.joined,
            );
            add(
                &change.group_id,
                change.time,
                GroupMetric::ParticipantsLeft,
                change.left,
            );
        }
    }
    let points: Vec<Value> = days
        .into_iter()
        .map(|((group, start), counts)| {
            let mut point = Map::new();
            point.insert("group_id".into(), json!(group));
            point.insert("start".into(), json!(start));
            point.insert("end".into(), json!(start + 86_400));
            for metric in metrics {
                point.insert(metric.key().into(), json!(counts[slot(*metric)]));
            }
            Value::Object(point)
        })
        .collect();
    json!({ "data": [{ "granularity": "DAILY", "data_points": points }] })
}
