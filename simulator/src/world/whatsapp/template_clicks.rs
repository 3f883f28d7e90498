//! Taps on the buttons of template messages, counted per template, day and
//! button for template analytics' `clicked`. A quick-reply tap arrives as
//! the consumer's `button` message replying to the template; a URL button
//! tap sends nothing to the business, so the control plane plays it. As
//! Meta counts clicks only for marketing and utility templates, taps on
//! others are not counted. A URL button's taps are counted twice, as Meta
//! reports them: every tap (`url_button`) and each consumer once a day
//! (`unique_url_button`). Storage is bounded: counts older than template
//! analytics' 90-day lookback are dropped, and at most [`MAX_ENTRIES`]
//! counts naming at most [`MAX_TAPPERS`] consumers are kept (the oldest
//! days go first).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::analytics::Granularity;
use super::messaging::{Direction, MessageStatus};
use super::templates::{Template, is_button_kind};
use crate::world::bounds::{counter, in_range};
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The most counts a sandbox keeps (template, day, button).
pub const MAX_ENTRIES: usize = 10_000;
/// The most consumers the unique counts of a sandbox name together.
pub const MAX_TAPPERS: usize = 100_000;
/// How far back counts are kept: template analytics' lookback.
const KEPT_SECONDS: i64 = 90 * 86_400;
/// The longest button text a snapshot may carry.
const MAX_BUTTON_TEXT: usize = 200;

/// The kind of button tapped, as template analytics name it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ButtonKind {
    QuickReplyButton,
    UrlButton,
    UniqueUrlButton,
}

/// How often one button of one template was tapped on one UTC day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClickCount {
    pub template_id: String,
    /// The day's first second (UTC).
    pub day: i64,
    #[serde(rename = "type")]
    pub kind: ButtonKind,
    pub button_content: String,
    pub count: u64,
    /// For a unique count: the consumers counted (`count` is how many).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tapped_by: BTreeSet<String>,
}

/// Every count a sandbox keeps, oldest day first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct TemplateClicks(Vec<ClickCount>);

impl TemplateClicks {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Refuse counts (from a snapshot) out of range.
    pub fn check(&self) -> Result<(), Invalid> {
        in_range("whatsapp.template_clicks", self.0.len(), 0, MAX_ENTRIES)?;
        in_range(
            "whatsapp.template_clicks.tapped_by",
            self.tappers(),
            0,
            MAX_TAPPERS,
        )?;
        for entry in &self.0 {
            counter("whatsapp.template_clicks.count", entry.count)?;
            in_range(
                "whatsapp.template_clicks.button_content",
                entry.button_content.chars().count(),
                1,
                MAX_BUTTON_TEXT,
            )?;
            let unique = entry.kind == ButtonKind::UniqueUrlButton;
            if unique && entry.count != entry.tapped_by.len() as u64
                || !unique && !entry.tapped_by.is_empty()
            {
                return Err(Invalid::new(
                    "whatsapp.template_clicks.tapped_by",
                    "whatsapp.template_clicks: a unique_url_button count must be the number of consumers in its tapped_by, and only such a count names consumers",
                ));
            }
        }
        Ok(())
    }

    /// Every count of the day starting at `day`.
    pub fn all_on_day(&self, day: i64) -> impl Iterator<Item = &ClickCount> {
        self.0.iter().filter(move |c| c.day == day)
    }

    /// How many consumers the unique counts name.
    fn tappers(&self) -> usize {
        self.0.iter().map(|c| c.tapped_by.len()).sum()
    }

    /// One tap by `consumer` on a button of a template, now.
    fn record(
        &mut self,
        now: i64,
        template_id: &str,
        kind: ButtonKind,
        content: &str,
        consumer: &str,
    ) {
        let day = Granularity::Day.bucket(now).0;
        self.0.retain(|c| c.day >= day.saturating_sub(KEPT_SECONDS));
        self.count(day, template_id, kind, content, None);
        if kind == ButtonKind::UrlButton {
            let unique = ButtonKind::UniqueUrlButton;
            self.count(day, template_id, unique, content, Some(consumer));
        }
        while self.0.len() > MAX_ENTRIES || self.tappers() > MAX_TAPPERS {
            self.0.remove(0);
        }
    }

    /// Add one to a count, or to a unique count when `consumer` is new to it.
    fn count(
        &mut self,
        day: i64,
        template_id: &str,
        kind: ButtonKind,
        content: &str,
        consumer: Option<&str>,
    ) {
        let found = self.0.iter_mut().find(|c| {
            c.template_id == template_id
                && c.day == day
                && c.kind == kind
                && c.button_content == content
        });
        let entry = match found {
            Some(entry) => entry,
            None => {
                self.0.push(ClickCount {
                    template_id: template_id.to_owned(),
                    day,
                    kind,
                    button_content: content.to_owned(),
                    count: 0,
                    tapped_by: BTreeSet::new(),
                });
                self.0.last_mut().expect("just pushed")
            }
        };
        match consumer {
            Some(consumer) => {
                entry.tapped_by.insert(consumer.to_owned());
                entry.count = entry.tapped_by.len() as u64;
            }
            None => entry.count = entry.count.saturating_add(1),
        }
    }
}

/// Why a URL button tap is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TapRefusal {
    /// No template message with that id reached this consumer.
    NoMessage,
    /// The template has no URL button (at that index).
    NoUrlButton,
}

/// Clicks count for marketing and utility templates only.
fn counts_clicks(template: &Template) -> bool {
    matches!(
        template.category.to_ascii_uppercase().as_str(),
        "MARKETING" | "UTILITY"
    )
}

/// A URL button's address, with `{{1}}` filled from the send's `button`
/// component of the same index.
fn url_of(button: &Value, send: &Value, index: usize) -> String {
    let url = button["url"].as_str().unwrap_or_default();
    let suffix = send["template"]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| {
            c["type"].as_str() == Some("button")
                && (c["index"].as_str() == Some(index.to_string().as_str())
                    || c["index"].as_u64() == Some(index as u64))
        })
        .and_then(|c| c["parameters"][0]["text"].as_str());
    match suffix {
        Some(text) => url.replace("{{1}}", text),
        None => url.to_owned(),
    }
}

impl Sandbox {
    /// The delivered template message `message_id` sent to `consumer`,
    /// with its template: (the send's message object, the template).
    fn received_template(&self, consumer: &str, message_id: &str) -> Option<(Value, &Template)> {
        let message = self.whatsapp.messaging.messages.get(message_id)?;
        let delivered = matches!(
            message.status,
            MessageStatus::Delivered | MessageStatus::Read
        );
        if message.direction != Direction::Outbound || message.consumer != consumer || !delivered {
            return None;
        }
        let send = message.message.to_value();
        let waba_id = &self
            .whatsapp
            .phone_numbers
            .get(&message.phone_number_id)?
            .waba_id;
        let name = send["template"]["name"].as_str()?;
        let language = send["template"]["language"]["code"].as_str()?;
        let template = self.find_template(waba_id, name, language)?;
        Some((send, template))
    }

    /// A consumer's inbound `message`: when it is a quick-reply tap on a
    /// template they received (a `button` replying to it with one of its
    /// quick-reply texts), count the click.
    pub(super) fn count_quick_reply(&mut self, consumer: &str, message: &Value) {
        if message["type"].as_str() != Some("button") {
            return;
        }
        let (Some(replied_to), Some(text)) = (
            message["context"]["id"].as_str(),
            message["button"]["text"].as_str(),
        ) else {
            return;
        };
        let Some((_, template)) = self.received_template(consumer, replied_to) else {
            return;
        };
        let known = template
            .buttons()
            .iter()
            .any(|b| is_button_kind(b, "QUICK_REPLY") && b["text"].as_str() == Some(text));
        if known && counts_clicks(template) {
            let id = template.id.clone();
            let now = self.clock.now();
            self.whatsapp.template_clicks.record(
                now,
                &id,
                ButtonKind::QuickReplyButton,
                text,
                consumer,
            );
        }
    }

    /// The consumer taps a URL button of a template message they received:
    /// `index` among the template's buttons, or its first URL button.
    /// Returns (the button's text, the address it opens).
    pub fn tap_url_button(
        &mut self,
        consumer: &str,
        message_id: &str,
        index: Option<usize>,
    ) -> Result<(String, String), TapRefusal> {
        let (send, template) = self
            .received_template(consumer, message_id)
            .ok_or(TapRefusal::NoMessage)?;
        let all = template.buttons();
        let index = match index {
            Some(index) => index,
            None => all
                .iter()
                .position(|b| is_button_kind(b, "URL"))
                .ok_or(TapRefusal::NoUrlButton)?,
        };
        let button = all
            .get(index)
            .filter(|b| is_button_kind(b, "URL"))
            .ok_or(TapRefusal::NoUrlButton)?;
        let text = button["text"].as_str().unwrap_or_default().to_owned();
        let url = url_of(button, &send, index);
        if counts_clicks(template) && !text.is_empty() {
            let id = template.id.clone();
            let now = self.clock.now();
            self.whatsapp
                .template_clicks
                .record(now, &id, ButtonKind::UrlButton, &text, consumer);
        }
        Ok((text, url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_day(clicks: &TemplateClicks, template_id: &str, day: i64, kind: ButtonKind) -> u64 {
        clicks
            .all_on_day(day)
            .filter(|c| c.template_id == template_id && c.kind == kind)
            .map(|c| c.count)
            .sum()
    }

    #[test]
    fn counts_are_bounded_and_old_days_dropped() {
        let mut clicks = TemplateClicks::default();
        clicks.record(0, "1", ButtonKind::UrlButton, "Track", "a");
        clicks.record(10, "1", ButtonKind::UrlButton, "Track", "a");
        clicks.record(20, "1", ButtonKind::UrlButton, "Track", "b");
        assert_eq!(on_day(&clicks, "1", 0, ButtonKind::UrlButton), 3);
        assert_eq!(on_day(&clicks, "1", 0, ButtonKind::UniqueUrlButton), 2);
        // 91 days later the first day is gone.
        clicks.record(91 * 86_400, "1", ButtonKind::QuickReplyButton, "Stop", "a");
        assert_eq!(clicks.all_on_day(0).count(), 0);
        for n in 0..MAX_ENTRIES + 5 {
            let template = n.to_string();
            clicks.record(
                91 * 86_400,
                &template,
                ButtonKind::QuickReplyButton,
                "Go",
                "a",
            );
        }
        assert_eq!(clicks.0.len(), MAX_ENTRIES);
        assert!(clicks.check().is_ok());
    }

    #[test]
    fn the_consumers_of_unique_counts_are_bounded() {
        let mut clicks = TemplateClicks::default();
        for n in 0..MAX_TAPPERS + 3 {
            clicks.record(n as i64, "1", ButtonKind::UrlButton, "Go", &n.to_string());
        }
        assert!(clicks.tappers() <= MAX_TAPPERS);
        assert!(clicks.check().is_ok());
    }
}
