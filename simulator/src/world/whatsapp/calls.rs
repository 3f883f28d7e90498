//! WhatsApp Calling (Cloud API): business-initiated calls, which need the
//! user's call permission, and user-initiated calls the business answers.
//!
//! A permission comes from the user's reply to a call permission request
//! (an `interactive` `call_permission_request` message): temporary (7 days
//! from the approval) or permanent. A business may send a user at most 1
//! request a day and 2 a week (138009); a connected call resets these
//! limits. At most 100 business-initiated calls a day connect per business
//! number and user (138012). Calling must be enabled in the number's
//! `/settings` (138000). One call at a time per number and user (138003),
//! at most 1,000 at a time per number (138002). Every change is reported on
//! the `calls` webhook field: `connect` and `terminate` events, and the
//! `RINGING`/`ACCEPTED`/`REJECTED` statuses of business-initiated calls.
//! A call nobody answers ends after 60 seconds of ringing (`FAILED`). A
//! call is forgotten once it ends, so state holds ongoing calls only. What
//! an ended call does to the permission (callback permissions, unanswered
//! calls) is `call_rules.rs`; a number whose calls go over SIP
//! (`call_settings.rs`) refuses the call actions (131055) and sends no
//! `calls` webhook. Video needs the number's video setting and the SDP the
//! user's side plays is `call_media.rs`'s, its audio codecs
//! `call_codecs.rs`'s; a calling restriction
//! (`call_restrictions.rs`) refuses the business's calls (138005) or keeps
//! users' away, as the call hours, a hidden call icon and the call icon's
//! countries do.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::call_codecs::AudioCodec;
use super::call_log::EndedCall;
use super::call_media::SessionMedia;
use super::call_restrictions::{CallRestriction, RestrictionKind};
use crate::world::events::EventPayload;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::messaging::InboundRefusal;

pub const DAY: i64 = 86_400;
pub const WEEK: i64 = 7 * DAY;
/// How long a temporary permission lasts from the user's approval.
pub const TEMPORARY_PERMISSION: i64 = WEEK;
pub const REQUESTS_PER_DAY: usize = 1;
pub const REQUESTS_PER_WEEK: usize = 2;
/// Connected business-initiated calls per number and user in 24 hours.
pub const CONNECTED_CALLS_PER_DAY: usize = 100;
/// Calls one business number may have at a time.
pub const CONCURRENT_CALLS: usize = 1_000;
/// How long a call rings before it ends unanswered (Meta: 30 to 60 seconds).
pub const RING_SECONDS: i64 = 60;
/// The longest SDP metasim takes (Meta names no limit; this bounds state).
pub const SDP_MAX: usize = 32_768;

/// A user's permission for a business number to call them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Grant {
    pub permanent: bool,
    pub granted_at: i64,
}

/// What a business number and a user share about calling.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Pair {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<Grant>,
    /// When call permission requests were sent (the last 7 days, at most 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<i64>,
    /// The message id of the last call permission request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_message: Option<String>,
    /// When business-initiated calls connected (the last 24 hours, at most 100).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connected: Vec<i64>,
    /// Business-initiated calls in a row the user did not answer or
    /// rejected (`call_rules.rs`; at most 4, then the permission goes).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unanswered: u8,
}

fn is_zero(count: &u8) -> bool {
    *count == 0
}

impl Pair {
    fn is_empty(&self) -> bool {
        *self == Pair::default()
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CallDirection {
    BusinessInitiated,
    UserInitiated,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    Ringing,
    /// A user-initiated call the business pre-accepted (media may flow).
    PreAccepted,
    Connected,
}

/// An ongoing call.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Call {
    pub id: String,
    pub phone_number_id: String,
    /// The user's phone digits.
    pub consumer: String,
    pub direction: CallDirection,
    pub state: CallState,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_opaque_callback_data: Option<String>,
    /// A video call (its offer has a video media line: `call_media.rs`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub video: bool,
    /// The audio codec a business-initiated call's offer negotiated
    /// (`call_codecs.rs`), which the user's answer carries.
    #[serde(default, skip_serializing_if = "AudioCodec::is_opus")]
    pub audio: AudioCodec,
}

fn is_false(flag: &bool) -> bool {
    !flag
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CallsState {
    /// Phone number id -> user digits -> what they share.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pairs: BTreeMap<String, BTreeMap<String, Pair>>,
    /// Call id -> ongoing call.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub calls: BTreeMap<String, Call>,
    /// Phone number id -> its calling restrictions (`call_restrictions.rs`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub restrictions: BTreeMap<String, Vec<CallRestriction>>,
    /// The calls that ended, oldest first (`call_log.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ended: Vec<EndedCall>,
}

impl CallsState {
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
            && self.calls.is_empty()
            && self.restrictions.is_empty()
            && self.ended.is_empty()
    }
}

/// Why a calling action was refused (Meta's calling error table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallRefusal {
    /// 138000: calling is not enabled on the number.
    NotEnabled,
    /// 138001: the user cannot receive calls (not on WhatsApp, or blocked).
    Uncallable,
    /// 138002: the number has 1,000 calls going on.
    ConcurrentLimit,
    /// 138003: a call with this user is going on.
    Duplicate,
    /// 138006: no permission from the user.
    NoPermission,
    /// 138009: too many call permission requests to this user.
    RequestLimit,
    /// 138012: 100 business-initiated calls connected in 24 hours; the next
    /// one is allowed at this time.
    ConnectedLimit { next_allowed: i64 },
    /// No ongoing call of this number with this id.
    UnknownCall,
    /// The action does not fit the call (its direction or state).
    WrongState(&'static str),
    /// The business number is not registered with the Cloud API.
    NotRegistered,
    /// 131055: the number signals calls over SIP, not the Graph API.
    SipSignalling,
    /// A user's call outside the number's call hours (`call_hours.rs`):
    /// not offered to the business.
    OutsideCallHours,
    /// A user's call from a country the number's call icon is not shown
    /// in (`call_icons.restrict_to_user_countries`): not offered either.
    OutsideIconCountries,
    /// A user's call while the number's `call_icon_visibility` is
    /// `DISABLE_ALL` (`call_icons.rs`): users cannot call it unsolicited.
    CallIconHidden,
    /// A video call, or video in an SDP, while the number's video calling
    /// is disabled (`call_media.rs`).
    VideoDisabled,
    /// A business's SDP whose audio names no codec the number takes: Opus,
    /// or a G.711 codec its settings enabled (`call_codecs.rs`).
    NoCommonCodec,
    /// A calling restriction of this direction holds until this time
    /// (`call_restrictions.rs`; 138005 for the business).
    Restricted { until: i64 },
}

/// A `call_permission_reply` the business receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionReply {
    pub accept: bool,
    pub permanent: bool,
    /// Meta's own (`response_source: automatic`), not the user's tap.
    pub automatic: bool,
    /// The request message or call the reply answers.
    pub context: Option<String>,
}

/// What a permission check answers (`GET /{phone-number-id}/call_permissions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionCheck {
    /// `temporary`, `permanent` or `no_permission`.
    pub status: &'static str,
    pub expiration_time: Option<i64>,
    pub requests_today: usize,
    pub requests_this_week: usize,
    /// When the oldest request of the day and of the week stop counting.
    pub request_day_resets: Option<i64>,
    pub request_week_resets: Option<i64>,
    pub connected_today: usize,
    pub connected_resets: Option<i64>,
}

impl PermissionCheck {
    pub fn can_call(&self) -> bool {
        self.status != "no_permission" && self.connected_today < CONNECTED_CALLS_PER_DAY
    }

    pub fn can_request(&self) -> bool {
        self.status == "no_permission"
            && self.requests_today < REQUESTS_PER_DAY
            && self.requests_this_week < REQUESTS_PER_WEEK
    }
}

/// Whether `sdp` looks like a session description (RFC 8866): a `v=0`
/// first line and an audio media line. The error names what is missing.
pub fn check_sdp(sdp: &str) -> Result<(), &'static str> {
    if sdp.len() > SDP_MAX {
        return Err("The SDP is longer than 32768 bytes.");
    }
    if !sdp.trim_start().starts_with("v=0") {
        return Err("The SDP must start with the protocol version line v=0 (RFC 8866).");
    }
    if !sdp.lines().any(|line| line.starts_with("m=audio")) {
        return Err("The SDP has no audio media description (m=audio).");
    }
    Ok(())
}

impl Sandbox {
    fn calling_enabled(&self, phone_number_id: &str) -> bool {
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|p| p.settings.calling == "enabled")
    }

    /// The number's call hours take users' calls now (no hours: always).
    fn takes_calls_now(&self, phone_number_id: &str) -> bool {
        let now = self.clock.now();
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .and_then(|p| p.settings.call_hours.as_ref())
            .is_none_or(|hours| hours.open_at(now))
    }

    fn pair(&self, phone_number_id: &str, consumer: &str) -> Option<&Pair> {
        self.whatsapp
            .calls
            .pairs
            .get(phone_number_id)?
            .get(consumer)
    }

    /// The pair, with what no longer counts (old requests and calls, an
    /// expired permission) dropped.
    pub(super) fn pair_mut(&mut self, phone_number_id: &str, consumer: &str) -> &mut Pair {
        let now = self.clock.now();
        let pair = self
            .whatsapp
            .calls
            .pairs
            .entry(phone_number_id.to_owned())
            .or_default()
            .entry(consumer.to_owned())
            .or_default();
        pair.requests.retain(|at| now - at < WEEK);
        pair.connected.retain(|at| now - at < DAY);
        if pair
            .grant
            .as_ref()
            .is_some_and(|g| !g.permanent && now - g.granted_at >= TEMPORARY_PERMISSION)
        {
            pair.grant = None;
        }
        pair
    }

    pub(super) fn tidy_pair(&mut self, phone_number_id: &str, consumer: &str) {
        if let Some(pairs) = self.whatsapp.calls.pairs.get_mut(phone_number_id) {
            if pairs.get(consumer).is_some_and(Pair::is_empty) {
                pairs.remove(consumer);
            }
            if pairs.is_empty() {
                self.whatsapp.calls.pairs.remove(phone_number_id);
            }
        }
    }

    /// The number's permission to call the user, and the use of its limits.
    pub fn call_permission(
        &self,
        phone_number_id: &str,
        consumer: &str,
    ) -> Result<PermissionCheck, CallRefusal> {
        if !self.calling_enabled(phone_number_id) {
            return Err(CallRefusal::NotEnabled);
        }
        let now = self.clock.now();
        let pair = self.pair(phone_number_id, consumer);
        let grant = pair
            .and_then(|p| p.grant.as_ref())
            .filter(|g| g.permanent || now - g.granted_at < TEMPORARY_PERMISSION);
        let (status, expiration_time) = match grant {
            Some(g) if g.permanent => ("permanent", None),
            Some(g) => ("temporary", Some(g.granted_at + TEMPORARY_PERMISSION)),
            None => ("no_permission", None),
        };
        let within = |times: &[i64], span: i64| -> Vec<i64> {
            times.iter().copied().filter(|at| now - at < span).collect()
        };
        let day = within(pair.map_or(&[][..], |p| &p.requests), DAY);
        let week = within(pair.map_or(&[][..], |p| &p.requests), WEEK);
        let calls = within(pair.map_or(&[][..], |p| &p.connected), DAY);
        Ok(PermissionCheck {
            status,
            expiration_time,
            requests_today: day.len(),
            requests_this_week: week.len(),
            request_day_resets: day.first().map(|at| at + DAY),
            request_week_resets: week.first().map(|at| at + WEEK),
            connected_today: calls.len(),
            connected_resets: calls.first().map(|at| at + DAY),
        })
    }

    /// Whether the number may send the user a call permission request now.
    pub fn may_request_call_permission(
        &self,
        phone_number_id: &str,
        consumer: &str,
    ) -> Result<(), CallRefusal> {
        let check = self.call_permission(phone_number_id, consumer)?;
        if check.requests_today >= REQUESTS_PER_DAY || check.requests_this_week >= REQUESTS_PER_WEEK
        {
            return Err(CallRefusal::RequestLimit);
        }
        Ok(())
    }

    /// A call permission request message went out.
    pub fn call_permission_requested(
        &mut self,
        phone_number_id: &str,
        consumer: &str,
        message_id: &str,
    ) {
        let now = self.clock.now();
        let pair = self.pair_mut(phone_number_id, consumer);
        pair.requests.push(now);
        pair.request_message = Some(message_id.to_owned());
    }

    /// The user answers the number's last call permission request: the
    /// business gets the `call_permission_reply` message. `None` when no
    /// request of the last 7 days waits for an answer.
    pub fn reply_to_call_permission(
        &mut self,
        consumer: &str,
        phone_number_id: &str,
        accept: bool,
        permanent: bool,
    ) -> Option<Result<String, InboundRefusal>> {
        let now = self.clock.now();
        let pair = self.pair_mut(phone_number_id, consumer);
        let request = pair
            .request_message
            .clone()
            .filter(|_| !pair.requests.is_empty());
        let Some(request) = request else {
            self.tidy_pair(phone_number_id, consumer);
            return None;
        };
        let sent = self.deliver_permission_reply(
            consumer,
            phone_number_id,
            PermissionReply {
                accept,
                permanent,
                automatic: false,
                context: Some(request),
            },
        );
        if sent.is_ok() {
            let pair = self.pair_mut(phone_number_id, consumer);
            pair.request_message = None;
            pair.grant = accept.then_some(Grant {
                permanent,
                granted_at: now,
            });
            pair.unanswered = 0;
        }
        self.tidy_pair(phone_number_id, consumer);
        Some(sent)
    }

    /// The business receives a `call_permission_reply` interactive message
    /// from the user (`context` names the request or the call it answers).
    pub(super) fn deliver_permission_reply(
        &mut self,
        consumer: &str,
        phone_number_id: &str,
        reply: PermissionReply,
    ) -> Result<String, InboundRefusal> {
        let now = self.clock.now();
        let mut answer = Map::new();
        answer.insert(
            "response".into(),
            json!(if reply.accept { "accept" } else { "reject" }),
        );
        answer.insert(
            "is_permanent".into(),
            json!(reply.accept && reply.permanent),
        );
        if reply.accept && !reply.permanent {
            answer.insert(
                "expiration_timestamp".into(),
                json!(now + TEMPORARY_PERMISSION),
            );
        }
        let source = if reply.automatic {
            "automatic"
        } else {
            "user_action"
        };
        answer.insert("response_source".into(), json!(source));
        let mut message = json!({
            "type": "interactive",
            "interactive": { "type": "call_permission_reply", "call_permission_reply": answer },
        });
        if let Some(id) = reply.context {
            let business = self
                .whatsapp
                .phone_numbers
                .get(phone_number_id)
                .map(|p| p.digits.clone())
                .unwrap_or_default();
            message["context"] = json!({ "from": business, "id": id });
        }
        self.receive_message(consumer, phone_number_id, message)
    }

    /// The user takes back the permission they gave (silently, as in the app).
    pub fn revoke_call_permission(&mut self, consumer: &str, phone_number_id: &str) -> bool {
        let had = self
            .pair(phone_number_id, consumer)
            .is_some_and(|p| p.grant.is_some());
        if had {
            self.pair_mut(phone_number_id, consumer).grant = None;
            self.tidy_pair(phone_number_id, consumer);
        }
        had
    }

    /// The number is registered with calling on, and the user may be called
    /// (on WhatsApp, and neither blocked the other).
    fn callable(&self, phone_number_id: &str, consumer: &str) -> Result<(), CallRefusal> {
        if !self.phone_is_registered(phone_number_id) {
            return Err(CallRefusal::NotRegistered);
        }
        if !self.calling_enabled(phone_number_id) {
            return Err(CallRefusal::NotEnabled);
        }
        let reachable = self
            .whatsapp
            .consumers
            .get(consumer)
            .is_some_and(|c| c.on_whatsapp && !c.blocked.contains(phone_number_id));
        if !reachable || self.business_blocked(phone_number_id, consumer) {
            return Err(CallRefusal::Uncallable);
        }
        Ok(())
    }

    fn call_between(&self, phone_number_id: &str, consumer: &str) -> bool {
        self.whatsapp
            .calls
            .calls
            .values()
            .any(|c| c.phone_number_id == phone_number_id && c.consumer == consumer)
    }

    fn new_call(
        &mut self,
        phone_number_id: &str,
        consumer: &str,
        direction: CallDirection,
        biz_opaque_callback_data: Option<String>,
        video: bool,
        audio: AudioCodec,
    ) -> Result<Call, CallRefusal> {
        if video && !self.video_enabled(phone_number_id) {
            return Err(CallRefusal::VideoDisabled);
        }
        if self.call_between(phone_number_id, consumer) {
            return Err(CallRefusal::Duplicate);
        }
        let ongoing = self
            .whatsapp
            .calls
            .calls
            .values()
            .filter(|c| c.phone_number_id == phone_number_id)
            .count();
        if ongoing >= CONCURRENT_CALLS {
            return Err(CallRefusal::ConcurrentLimit);
        }
        let call = Call {
            id: self.ids.wacid(consumer),
            phone_number_id: phone_number_id.to_owned(),
            consumer: consumer.to_owned(),
            direction,
            state: CallState::Ringing,
            created_at: self.clock.now(),
            connected_at: None,
            biz_opaque_callback_data,
            video,
            audio,
        };
        self.whatsapp
            .calls
            .calls
            .insert(call.id.clone(), call.clone());
        Ok(call)
    }

    /// The business calls the user (`action: connect`, a video call when
    /// its offer has video, its audio one of the number's codecs); the
    /// user's phone rings.
    pub fn business_calls(
        &mut self,
        phone_number_id: &str,
        consumer: &str,
        biz_opaque_callback_data: Option<String>,
        offer: &SessionMedia,
    ) -> Result<String, CallRefusal> {
        if self.sip_signalling(phone_number_id) {
            return Err(CallRefusal::SipSignalling);
        }
        self.callable(phone_number_id, consumer)?;
        let restricted =
            self.restricted_until(phone_number_id, RestrictionKind::BusinessInitiatedCalling);
        if let Some(until) = restricted {
            return Err(CallRefusal::Restricted { until });
        }
        let check = self.call_permission(phone_number_id, consumer)?;
        if check.status == "no_permission" {
            return Err(CallRefusal::NoPermission);
        }
        if check.connected_today >= CONNECTED_CALLS_PER_DAY {
            return Err(CallRefusal::ConnectedLimit {
                next_allowed: check.connected_resets.unwrap_or_default(),
            });
        }
        let audio = self.negotiate_audio(phone_number_id, &offer.audio)?;
        let call = self.new_call(
            phone_number_id,
            consumer,
            CallDirection::BusinessInitiated,
            biz_opaque_callback_data,
            offer.video,
            audio,
        )?;
        self.call_status(&call, "RINGING");
        Ok(call.id)
    }

    /// The user calls the business number (a video call with `video`): its
    /// `connect` webhook carries the user's SDP offer. A call the number
    /// would not be offered (a restriction, its call hours, a call icon
    /// hidden from everyone or not shown in the user's country) is refused.
    pub fn consumer_calls(
        &mut self,
        consumer: &str,
        phone_number_id: &str,
        video: bool,
    ) -> Result<String, CallRefusal> {
        self.callable(phone_number_id, consumer)?;
        let restricted =
            self.restricted_until(phone_number_id, RestrictionKind::UserInitiatedCalling);
        if let Some(until) = restricted {
            return Err(CallRefusal::Restricted { until });
        }
        if !self.takes_calls_now(phone_number_id) {
            return Err(CallRefusal::OutsideCallHours);
        }
        if self.call_icon_hidden(phone_number_id) {
            return Err(CallRefusal::CallIconHidden);
        }
        if !self.call_icon_shown_to(phone_number_id, consumer) {
            return Err(CallRefusal::OutsideIconCountries);
        }
        let call = self.new_call(
            phone_number_id,
            consumer,
            CallDirection::UserInitiated,
            None,
            video,
            AudioCodec::Opus,
        )?;
        let mut offered = vec![AudioCodec::Opus];
        offered.extend_from_slice(self.additional_codecs(phone_number_id));
        let sdp = self.session_description(&call.id, "offer", call.video, &offered);
        let now = self.clock.now();
        self.call_event(&call, "connect", Some(sdp), now);
        Ok(call.id)
    }

    /// The ongoing call `call_id`, if it belongs to whoever asks.
    fn find_call(
        &self,
        call_id: &str,
        belongs: impl Fn(&Call) -> bool,
    ) -> Result<Call, CallRefusal> {
        self.whatsapp
            .calls
            .calls
            .get(call_id)
            .filter(|c| belongs(c))
            .cloned()
            .ok_or(CallRefusal::UnknownCall)
    }

    /// `pre_accept`, `accept` (with the business's `answer`: video refused
    /// while video is disabled, its audio one of the number's codecs),
    /// `reject` or `terminate` from the business.
    pub fn business_call_action(
        &mut self,
        phone_number_id: &str,
        call_id: &str,
        action: &str,
        answer: Option<&SessionMedia>,
    ) -> Result<(), CallRefusal> {
        if self.sip_signalling(phone_number_id) {
            return Err(CallRefusal::SipSignalling);
        }
        if let Some(answer) = answer {
            if answer.video && !self.video_enabled(phone_number_id) {
                return Err(CallRefusal::VideoDisabled);
            }
            self.negotiate_audio(phone_number_id, &answer.audio)?;
        }
        let mut call = self.find_call(call_id, |c| c.phone_number_id == phone_number_id)?;
        let user_ringing =
            call.direction == CallDirection::UserInitiated && call.state != CallState::Connected;
        match action {
            "pre_accept" if user_ringing && call.state == CallState::Ringing => {
                call.state = CallState::PreAccepted;
                self.whatsapp.calls.calls.insert(call.id.clone(), call);
            }
            "accept" if user_ringing => self.connect(call),
            "reject" if user_ringing => self.end_call(call),
            "terminate" => self.end_call(call),
            "pre_accept" | "accept" | "reject" => {
                return Err(CallRefusal::WrongState(
                    "pre_accept, accept and reject answer a user-initiated call that is still ringing",
                ));
            }
            _ => return Err(CallRefusal::WrongState("unknown action")),
        }
        Ok(())
    }

    /// The user picks up (`accept`) or declines a business-initiated call.
    pub fn consumer_answers(
        &mut self,
        consumer: &str,
        call_id: &str,
        accept: bool,
    ) -> Result<(), CallRefusal> {
        let call = self.find_call(call_id, |c| c.consumer == consumer)?;
        if call.direction != CallDirection::BusinessInitiated || call.state != CallState::Ringing {
            return Err(CallRefusal::WrongState(
                "only a ringing business-initiated call can be answered",
            ));
        }
        if accept {
            self.call_status(&call, "ACCEPTED");
            let sdp = self.session_description(&call.id, "answer", call.video, &[call.audio]);
            let now = self.clock.now();
            self.call_event(&call, "connect", Some(sdp), now);
            self.connect(call);
        } else {
            self.call_status(&call, "REJECTED");
            self.end_call(call);
        }
        Ok(())
    }

    /// The user hangs up (or cancels their own ringing call).
    pub fn consumer_hangs_up(&mut self, consumer: &str, call_id: &str) -> Result<(), CallRefusal> {
        let call = self.find_call(call_id, |c| c.consumer == consumer)?;
        self.end_call(call);
        Ok(())
    }

    fn connect(&mut self, mut call: Call) {
        let now = self.clock.now();
        call.state = CallState::Connected;
        call.connected_at = Some(now);
        let pair = self.pair_mut(&call.phone_number_id, &call.consumer);
        // A connected call resets the permission request limits and the
        // streak of unanswered calls.
        pair.requests.clear();
        pair.unanswered = 0;
        if call.direction == CallDirection::BusinessInitiated {
            pair.connected.push(now);
        }
        self.tidy_pair(&call.phone_number_id, &call.consumer);
        self.whatsapp.calls.calls.insert(call.id.clone(), call);
    }

    fn end_call(&mut self, call: Call) {
        let now = self.clock.now();
        self.end_call_at(call, now);
    }

    fn end_call_at(&mut self, call: Call, at: i64) {
        self.whatsapp.calls.calls.remove(&call.id);
        self.log_ended_call(&call, at);
        self.call_event(&call, "terminate", None, at);
        self.apply_call_rules(&call);
    }

    /// End the calls nobody answered in time ([`RING_SECONDS`]): a `FAILED`
    /// `terminate` at the moment the ringing stopped.
    pub fn run_due_calls(&mut self) {
        let now = self.clock.now();
        let mut due: Vec<(i64, String)> = self
            .whatsapp
            .calls
            .calls
            .values()
            .filter(|c| c.state != CallState::Connected)
            .map(|c| (c.created_at.saturating_add(RING_SECONDS), c.id.clone()))
            .filter(|(at, _)| *at <= now)
            .collect();
        due.sort();
        for (at, id) in due {
            if let Some(call) = self.whatsapp.calls.calls.get(&id).cloned() {
                self.end_call_at(call, at);
            }
        }
    }

    /// A `calls[]` item: `connect` (with the session) or `terminate` (with
    /// the outcome and, for a call that connected, its times).
    fn call_event(&mut self, call: &Call, event: &str, session: Option<Value>, now: i64) {
        let business = self
            .whatsapp
            .phone_numbers
            .get(&call.phone_number_id)
            .map(|p| p.digits.clone())
            .unwrap_or_default();
        let (from, to) = match call.direction {
            CallDirection::BusinessInitiated => (business, call.consumer.clone()),
            CallDirection::UserInitiated => (call.consumer.clone(), business),
        };
        let user_side = match call.direction {
            CallDirection::BusinessInitiated => "to",
            CallDirection::UserInitiated => "from",
        };
        let mut item = Map::new();
        item.insert("id".into(), json!(call.id));
        item.insert("to".into(), json!(to));
        item.insert("from".into(), json!(from));
        self.insert_call_user_ids(call, user_side, &mut item);
        item.insert("event".into(), json!(event));
        item.insert("timestamp".into(), json!(now.to_string()));
        item.insert("direction".into(), json!(call.direction));
        if let Some(session) = session {
            item.insert("session".into(), session);
        }
        if event == "terminate" {
            let status = if call.connected_at.is_some() {
                "COMPLETED"
            } else {
                "FAILED"
            };
            item.insert("status".into(), json!(status));
            if let Some(start) = call.connected_at {
                item.insert("start_time".into(), json!(start.to_string()));
                item.insert("end_time".into(), json!(now.to_string()));
                item.insert("duration".into(), json!(now - start));
            }
        }
        if let Some(data) = &call.biz_opaque_callback_data {
            item.insert("biz_opaque_callback_data".into(), json!(data));
        }
        self.emit_call(call, Value::Object(item), false, now);
    }

    /// A `statuses[]` item of a business-initiated call.
    fn call_status(&mut self, call: &Call, status: &str) {
        let now = self.clock.now();
        let mut item = Map::new();
        item.insert("id".into(), json!(call.id));
        item.insert("timestamp".into(), json!(now.to_string()));
        item.insert("type".into(), json!("call"));
        item.insert("status".into(), json!(status));
        item.insert("recipient_id".into(), json!(call.consumer));
        self.insert_call_user_ids(call, "recipient", &mut item);
        if let Some(data) = &call.biz_opaque_callback_data {
            item.insert("biz_opaque_callback_data".into(), json!(data));
        }
        self.emit_call(call, Value::Object(item), true, now);
    }

    /// The user's BSUID (`{side}_user_id`) and, once the portfolio is
    /// enrolled, parent BSUID (`{side}_parent_user_id`) in a call item.
    fn insert_call_user_ids(&self, call: &Call, side: &str, item: &mut Map<String, Value>) {
        let business = self
            .business_of_phone(&call.phone_number_id)
            .unwrap_or_default();
        item.insert(
            format!("{side}_user_id"),
            json!(self.bsuid(&call.consumer, &business)),
        );
        if let Some(parent) = self.parent_bsuid(&call.consumer, &business) {
            item.insert(format!("{side}_parent_user_id"), json!(parent));
        }
    }

    fn emit_call(&mut self, call: &Call, item: Value, status: bool, at: i64) {
        // Over SIP the call's signalling goes to the SIP server, not to webhooks.
        if self.sip_signalling(&call.phone_number_id) {
            return;
        }
        let waba_id = self
            .whatsapp
            .phone_numbers
            .get(&call.phone_number_id)
            .map(|p| p.waba_id.clone())
            .unwrap_or_default();
        self.events.emit(
            at,
            EventPayload::WhatsappCall {
                waba_id,
                phone_number_id: call.phone_number_id.clone(),
                consumer: call.consumer.clone(),
                item,
                status,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use crate::world::whatsapp::call_media::audio_offer;

    fn sandbox() -> (Sandbox, String) {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        sandbox
            .whatsapp
            .phone_numbers
            .get_mut(&phone)
            .unwrap()
            .settings
            .calling = "enabled".into();
        (sandbox, phone)
    }

    const ALICE: &str = "15550109999";

    #[test]
    fn a_temporary_permission_lasts_seven_days_and_requests_are_limited() {
        let (mut sandbox, phone) = sandbox();
        assert_eq!(
            sandbox.business_calls(&phone, ALICE, None, &audio_offer()),
            Err(CallRefusal::NoPermission)
        );
        assert!(
            sandbox
                .reply_to_call_permission(ALICE, &phone, true, false)
                .is_none()
        );
        sandbox.may_request_call_permission(&phone, ALICE).unwrap();
        sandbox.call_permission_requested(&phone, ALICE, "wamid.request");
        assert_eq!(
            sandbox.may_request_call_permission(&phone, ALICE),
            Err(CallRefusal::RequestLimit)
        );
        sandbox
            .reply_to_call_permission(ALICE, &phone, true, false)
            .unwrap()
            .unwrap();
        let check = sandbox.call_permission(&phone, ALICE).unwrap();
        assert_eq!(check.status, "temporary");
        assert_eq!(check.expiration_time, Some(sandbox.clock.now() + WEEK));
        sandbox.clock.advance(WEEK);
        assert_eq!(
            sandbox.call_permission(&phone, ALICE).unwrap().status,
            "no_permission"
        );
    }

    #[test]
    fn a_business_call_rings_connects_and_ends_with_its_duration() {
        let (mut sandbox, phone) = sandbox();
        sandbox.call_permission_requested(&phone, ALICE, "wamid.request");
        sandbox
            .reply_to_call_permission(ALICE, &phone, true, true)
            .unwrap()
            .unwrap();
        let id = sandbox
            .business_calls(&phone, ALICE, None, &audio_offer())
            .unwrap();
        assert!(id.starts_with("wacid."));
        assert_eq!(
            sandbox.business_calls(&phone, ALICE, None, &audio_offer()),
            Err(CallRefusal::Duplicate)
        );
        sandbox.consumer_answers(ALICE, &id, true).unwrap();
        sandbox.clock.advance(42);
        sandbox
            .business_call_action(&phone, &id, "terminate", None)
            .unwrap();
        let last = sandbox.events.all().last().unwrap().payload.clone();
        let EventPayload::WhatsappCall { item, .. } = last else {
            panic!("not a call event");
        };
        assert_eq!(item["status"], "COMPLETED");
        assert_eq!(item["duration"], 42);
        assert!(sandbox.whatsapp.calls.calls.is_empty());
        let check = sandbox.call_permission(&phone, ALICE).unwrap();
        assert_eq!((check.status, check.connected_today), ("permanent", 1));
    }

    #[test]
    fn an_unanswered_call_ends_after_a_minute_of_ringing() {
        let (mut sandbox, phone) = sandbox();
        let started = sandbox.clock.now();
        let id = sandbox.consumer_calls(ALICE, &phone, false).unwrap();
        sandbox.clock.advance(RING_SECONDS - 1);
        sandbox.run_due_calls();
        assert!(sandbox.whatsapp.calls.calls.contains_key(&id));
        sandbox.clock.advance(30);
        sandbox.run_due_calls();
        assert!(sandbox.whatsapp.calls.calls.is_empty());
        let last = sandbox.events.all().last().unwrap().clone();
        assert_eq!(last.time, started + RING_SECONDS);
        let EventPayload::WhatsappCall { item, .. } = last.payload else {
            panic!("not a call event");
        };
        assert_eq!(
            (item["event"].as_str(), item["status"].as_str()),
            (Some("terminate"), Some("FAILED"))
        );
        assert_eq!(
            sandbox.business_call_action(&phone, &id, "accept", Some(&audio_offer())),
            Err(CallRefusal::UnknownCall)
        );
    }

    #[test]
    fn sdp_needs_a_version_and_an_audio_line() {
        assert!(check_sdp("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n").is_ok());
        assert!(check_sdp("m=audio 9").is_err());
        assert!(check_sdp("v=0\r\nm=video 9").is_err());
    }
}
