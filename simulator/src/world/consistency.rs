//! What a sandbox read from a snapshot must hold before it replaces anything:
//! options, clock and counters within their bounds, and references that
//! resolve — every registered id is a node of its kind, every handle and
//! token handle points at something, every entity's owner exists. A
//! snapshot that fails is refused whole, so a bad one changes nothing, and
//! nothing later trips over a dangling id.

use std::collections::BTreeMap;

use super::bounds::in_range;
use super::nodes::NodeKind;
use super::sandbox::Sandbox;
use super::shared::Invalid;
use super::whatsapp::call_icons::check_kept;
use super::whatsapp::call_restrictions::check_restrictions;
use super::whatsapp::flow_exchange::sessions::MAX_SESSIONS;

/// A refusal naming the place and the id that does not resolve.
fn dangling(place: String, id: &str, wanted: &str) -> Invalid {
    Invalid::new(
        place.clone(),
        format!("{place}: {id:?} is not {wanted} of this snapshot"),
    )
}

impl Sandbox {
    /// Check a restored sandbox's bounds and references (see the module doc).
    pub fn check_consistency(&self) -> Result<(), Invalid> {
        self.options.check()?;
        self.clock.check()?;
        self.ids.check()?;
        self.journal.check()?;
        self.events.check()?;
        self.webhooks.check(self.events.last_seq())?;
        self.faults
            .check_all()
            .map_err(|refused| Invalid::new("faults", refused.0))?;
        self.whatsapp.messaging.check()?;
        self.whatsapp.rate_card.check()?;
        self.whatsapp.template_clicks.check()?;
        self.whatsapp.flow_metrics.check()?;
        self.check_flow_health()?;
        in_range(
            "whatsapp.flow_sessions",
            self.whatsapp.flow_sessions.len(),
            0,
            MAX_SESSIONS,
        )?;
        self.check_registry()?;
        self.check_handles_and_tokens()?;
        self.check_owners()?;
        self.check_solutions()?;
        self.check_group_pins()?;
        self.check_calls()
    }

    /// Solutions name apps and WABAs; intents name their WABA and solutions.
    fn check_solutions(&self) -> Result<(), Invalid> {
        let state = &self.whatsapp.solutions;
        let (app, waba, solution) = (
            NodeKind::App,
            NodeKind::WhatsappBusinessAccount,
            NodeKind::Solution,
        );
        for (id, item) in &state.solutions {
            let place = |member: &str| format!("whatsapp.solutions.solutions.{id}{member}");
            self.expect_kind(place(""), id, solution)?;
            self.expect_kind(place(".owner_app_id"), &item.owner_app_id, app)?;
            self.expect_kind(place(".partner_app_id"), &item.partner_app_id, app)?;
            if let Some(requester) = &item.deactivation_requested_by {
                self.expect_kind(place(".deactivation_requested_by"), requester, app)?;
            }
            for member in &item.wabas {
                self.expect_kind(place(".wabas"), member, waba)?;
            }
        }
        for (id, item) in &state.migration_intents {
            let place = |member: &str| format!("whatsapp.solutions.migration_intents.{id}{member}");
            self.expect_kind(place(""), id, NodeKind::MigrationIntent)?;
            self.expect_kind(place(".waba_id"), &item.waba_id, waba)?;
            self.expect_kind(place(".solution_id"), &item.solution_id, solution)?;
            if let Some(from) = &item.from_solution {
                self.expect_kind(place(".from_solution"), from, solution)?;
            }
        }
        for (id, item) in &state.obo_intents {
            let place = |member: &str| format!("whatsapp.solutions.obo_intents.{id}{member}");
            self.expect_kind(place(""), id, NodeKind::OboMobilityIntent)?;
            self.expect_kind(place(".waba_id"), &item.waba_id, waba)?;
            self.expect_kind(place(".solution_id"), &item.solution_id, solution)?;
            self.expect_kind(place(".app_id"), &item.app_id, app)?;
        }
        for (id, item) in &state.mm_lite_requests {
            let place = |member: &str| format!("whatsapp.solutions.mm_lite_requests.{id}{member}");
            let business = NodeKind::Business;
            self.expect_kind(place(".business_id"), &item.business_id, business)?;
            self.expect_kind(place(".solution_id"), &item.solution_id, solution)?;
            self.expect_kind(place(".app_id"), &item.app_id, app)?;
            for intent in &item.intents {
                self.expect_kind(place(".intents"), intent, NodeKind::OboMobilityIntent)?;
            }
        }
        Ok(())
    }

    /// Calls and call permissions name a business number and a consumer;
    /// the limits' records are no longer than the limits.
    fn check_calls(&self) -> Result<(), Invalid> {
        use crate::world::whatsapp::call_rules::UNANSWERED_CALLS_REVOKE;
        use crate::world::whatsapp::calls::{CONNECTED_CALLS_PER_DAY, REQUESTS_PER_WEEK};
        let phone = NodeKind::PhoneNumber;
        let consumer = |place: String, digits: &str| {
            if self.whatsapp.consumers.contains_key(digits) {
                Ok(())
            } else {
                Err(dangling(place, digits, "a WhatsApp consumer"))
            }
        };
        let calls = &self.whatsapp.calls;
        for (phone_number_id, pairs) in &calls.pairs {
            let place = format!("whatsapp.calls.pairs.{phone_number_id}");
            self.expect_kind(place.clone(), phone_number_id, phone)?;
            for (digits, pair) in pairs {
                let place = format!("{place}.{digits}");
                consumer(place.clone(), digits)?;
                if pair.requests.len() > REQUESTS_PER_WEEK
                    || pair.connected.len() > CONNECTED_CALLS_PER_DAY
                    || pair.unanswered > UNANSWERED_CALLS_REVOKE
                {
                    return Err(Invalid::new(
                        place.clone(),
                        format!(
                            "{place}: more requests, connected or unanswered calls than the limits allow"
                        ),
                    ));
                }
            }
        }
        for (id, call) in &calls.calls {
            let place = format!("whatsapp.calls.calls.{id}");
            if call.id != *id {
                return Err(Invalid::new(
                    format!("{place}.id"),
                    format!("{place}.id: does not match its key"),
                ));
            }
            self.expect_kind(
                format!("{place}.phone_number_id"),
                &call.phone_number_id,
                phone,
            )?;
            consumer(format!("{place}.consumer"), &call.consumer)?;
        }
        for (phone_number_id, restrictions) in &calls.restrictions {
            let place = format!("whatsapp.calls.restrictions.{phone_number_id}");
            self.expect_kind(place.clone(), phone_number_id, phone)?;
            check_restrictions(restrictions, &place)?;
        }
        for (id, number) in &self.whatsapp.phone_numbers {
            let place = format!("whatsapp.phone_numbers.{id}.settings.sip");
            number.settings.sip.check(&place)?;
            let settings = &number.settings;
            check_kept(
                &settings.call_icon_countries,
                settings.srtp_key_exchange_protocol.as_deref(),
                settings.sip.enabled,
                &format!("whatsapp.phone_numbers.{id}.settings.calling"),
            )?;
            super::whatsapp::call_codecs::check_kept(
                &settings.additional_codecs,
                &format!("whatsapp.phone_numbers.{id}.settings.additional_codecs"),
            )?;
            if let Some(hours) = &number.settings.call_hours {
                hours.check(&format!("whatsapp.phone_numbers.{id}.settings.call_hours"))?;
            }
            settings.check_client_key(&format!(
                "whatsapp.phone_numbers.{id}.settings.client_encryption_key"
            ))?;
            for server in &number.settings.sip.servers {
                self.expect_kind(format!("{place}.servers"), &server.app_id, NodeKind::App)?;
            }
        }
        Ok(())
    }

    /// `id` is registered as `kind` (the registry check made sure such a
    /// node exists).
    fn expect_kind(&self, place: String, id: &str, kind: NodeKind) -> Result<(), Invalid> {
        if self.registry.get(id) == Some(&kind) {
            Ok(())
        } else {
            Err(dangling(place, id, &format!("a {}", kind.type_name())))
        }
    }

    /// Entities of `items` are registered as `kind`, and what each belongs
    /// to (`owner`: its member's name, kind and value) is registered too.
    fn check_owned<V>(
        &self,
        place: &str,
        items: &BTreeMap<String, V>,
        kind: NodeKind,
        owner: (&str, NodeKind, fn(&V) -> &String),
    ) -> Result<(), Invalid> {
        let (member, owner_kind, owner_of) = owner;
        for (id, item) in items {
            self.expect_kind(format!("{place}.{id}"), id, kind)?;
            let place = format!("{place}.{id}.{member}");
            self.expect_kind(place, owner_of(item), owner_kind)?;
        }
        Ok(())
    }

    /// Every registered id is a node of its kind.
    fn check_registry(&self) -> Result<(), Invalid> {
        for (id, kind) in &self.registry {
            if (kind.descriptor().view)(self, id, &["id"]).is_none() {
                return Err(dangling(
                    format!("registry.{id}"),
                    id,
                    &format!("a {} (no such entity)", kind.type_name()),
                ));
            }
        }
        Ok(())
    }

    fn check_handles_and_tokens(&self) -> Result<(), Invalid> {
        for (handle, id) in &self.handles {
            if !self.registry.contains_key(id) && !self.whatsapp.consumers.contains_key(id) {
                return Err(dangling(
                    format!("handles.{handle}"),
                    id,
                    "a node or consumer",
                ));
            }
        }
        for (handle, token) in &self.token_handles {
            if !self.tokens.contains_key(token) {
                return Err(dangling(
                    format!("token_handles.{handle}"),
                    token,
                    "a token",
                ));
            }
        }
        for (string, token) in &self.tokens {
            let place = |member: &str| format!("tokens.{}…{member}", prefix(string));
            if token.token != *string {
                return Err(Invalid::new(
                    place(".token"),
                    format!("{}: does not match its key", place(".token")),
                ));
            }
            self.expect_kind(place(".app_id"), &token.app_id, NodeKind::App)?;
            let subject = self.registry.get(&token.subject_id);
            if !matches!(
                subject,
                Some(NodeKind::User | NodeKind::SystemUser | NodeKind::Page | NodeKind::App)
            ) {
                return Err(dangling(
                    place(".subject_id"),
                    &token.subject_id,
                    "a user, system user, Page or app",
                ));
            }
        }
        Ok(())
    }

    /// Entities are registered under their own kind, and what they belong
    /// to exists.
    fn check_owners(&self) -> Result<(), Invalid> {
        let keyed = |place: &str, ids: Vec<&String>, kind: NodeKind| -> Result<(), Invalid> {
            ids.into_iter()
                .try_for_each(|id| self.expect_kind(format!("{place}.{id}"), id, kind))
        };
        keyed("accounts.users", keys(&self.accounts.users), NodeKind::User)?;
        let businesses = keys(&self.accounts.businesses);
        keyed("accounts.businesses", businesses, NodeKind::Business)?;
        let system_users = keys(&self.accounts.system_users);
        keyed("accounts.system_users", system_users, NodeKind::SystemUser)?;
        keyed("accounts.apps", keys(&self.accounts.apps), NodeKind::App)?;
        for (id, app) in &self.accounts.apps {
            if let Some(business) = &app.business_id {
                let place = format!("accounts.apps.{id}.business_id");
                self.expect_kind(place, business, NodeKind::Business)?;
            }
        }
        keyed("pages.pages", keys(&self.pages.pages), NodeKind::Page)?;
        let instagram = keys(&self.instagram.accounts);
        keyed("instagram.accounts", instagram, NodeKind::InstagramUser)?;
        let whatsapp = &self.whatsapp;
        let wabas = keys(&whatsapp.wabas);
        keyed("whatsapp.wabas", wabas, NodeKind::WhatsappBusinessAccount)?;
        let waba = NodeKind::WhatsappBusinessAccount;
        let phone = NodeKind::PhoneNumber;
        self.check_owned(
            "whatsapp.phone_numbers",
            &whatsapp.phone_numbers,
            NodeKind::PhoneNumber,
            ("waba_id", waba, |p| &p.waba_id),
        )?;
        self.check_owned(
            "whatsapp.templates",
            &whatsapp.templates,
            NodeKind::MessageTemplate,
            ("waba_id", waba, |t| &t.waba_id),
        )?;
        self.check_owned(
            "whatsapp.flows",
            &whatsapp.flows,
            NodeKind::Flow,
            ("waba_id", waba, |f| &f.waba_id),
        )?;
        self.check_owned(
            "whatsapp.template_groups",
            &whatsapp.template_groups,
            NodeKind::TemplateGroup,
            ("waba_id", waba, |g| &g.waba_id),
        )?;
        self.check_owned(
            "whatsapp.media",
            &whatsapp.media,
            NodeKind::Media,
            ("phone_number_id", phone, |m| &m.phone_number_id),
        )?;
        self.check_owned(
            "whatsapp.credit_lines",
            &whatsapp.credit_lines,
            NodeKind::ExtendedCredit,
            ("business_id", NodeKind::Business, |l| &l.business_id),
        )?;
        self.check_owned(
            "whatsapp.credit_allocations",
            &whatsapp.credit_allocations,
            NodeKind::CreditAllocationConfig,
            ("credit_line_id", NodeKind::ExtendedCredit, |a| {
                &a.credit_line_id
            }),
        )?;
        for (id, account) in &whatsapp.parent_bsuid_accounts {
            for business in &account.businesses {
                let place = format!("whatsapp.parent_bsuid_accounts.{id}.businesses");
                self.expect_kind(place, business, NodeKind::Business)?;
            }
        }
        for (id, waba) in &whatsapp.wabas {
            if let Some(line) = &waba.billing.credit_line {
                let place = format!("whatsapp.wabas.{id}.billing.credit_line");
                self.expect_kind(place, line, NodeKind::ExtendedCredit)?;
            }
        }
        for (id, message) in &whatsapp.messaging.messages {
            let place = format!("whatsapp.messaging.messages.{id}");
            let phone = NodeKind::PhoneNumber;
            self.expect_kind(
                format!("{place}.phone_number_id"),
                &message.phone_number_id,
                phone,
            )?;
        }
        for (id, account) in &self.instagram.accounts {
            if let Some(page) = &account.page_id {
                let place = format!("instagram.accounts.{id}.page_id");
                self.expect_kind(place, page, NodeKind::Page)?;
            }
        }
        for (page, link) in &self.links.whatsapp_pages {
            let place = format!("links.whatsapp_pages.{page}");
            self.expect_kind(format!("{place}.page_id"), &link.page_id, NodeKind::Page)?;
            let phone = NodeKind::PhoneNumber;
            self.expect_kind(
                format!("{place}.phone_number_id"),
                &link.phone_number_id,
                phone,
            )?;
        }
        Ok(())
    }
}

fn keys<V>(map: &BTreeMap<String, V>) -> Vec<&String> {
    map.keys().collect()
}

/// The start of a secret, enough to find it in the snapshot, not to use it.
fn prefix(secret: &str) -> &str {
    secret.get(..8).unwrap_or(secret)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::world::bounds::MAX_COUNTER;
    use crate::world::fixture::demo_fixture;
    use crate::world::nodes::NodeKind;
    use crate::world::sandbox::{Sandbox, SandboxOptions};

    fn demo() -> Sandbox {
        Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap()
    }

    /// The snapshot JSON of the demo sandbox, changed by `edit`.
    fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> Sandbox {
        let mut value = serde_json::to_value(demo()).unwrap();
        edit(&mut value);
        serde_json::from_value(value).unwrap()
    }

    fn refusal(sandbox: &Sandbox) -> String {
        sandbox.check_consistency().unwrap_err().message
    }

    #[test]
    fn the_demo_sandbox_is_consistent() {
        assert_eq!(demo().check_consistency(), Ok(()));
    }

    #[test]
    fn dangling_ids_are_refused() {
        let sandbox = demo();
        let waba = sandbox.handles["waba"].clone();
        let mut ghost = sandbox.clone();
        ghost
            .registry
            .insert("999".into(), NodeKind::WhatsappBusinessAccount);
        assert!(
            refusal(&ghost).starts_with("registry.999: \"999\" is not a WhatsAppBusinessAccount")
        );
        let mut orphan = sandbox.clone();
        let phone = orphan.handles["phone_number"].clone();
        orphan
            .whatsapp
            .phone_numbers
            .get_mut(&phone)
            .unwrap()
            .waba_id = "123".into();
        assert_eq!(
            refusal(&orphan),
            format!(
                "whatsapp.phone_numbers.{phone}.waba_id: \"123\" is not a WhatsAppBusinessAccount of this snapshot"
            )
        );
        let mut unregistered = sandbox.clone();
        unregistered.registry.remove(&waba);
        assert_eq!(
            refusal(&unregistered),
            format!("handles.waba: {waba:?} is not a node or consumer of this snapshot")
        );
        unregistered.handles.remove("waba");
        assert!(
            refusal(&unregistered).contains(&format!("{waba:?} is not a WhatsAppBusinessAccount"))
        );
        let mut lost = sandbox;
        lost.handles.insert("nobody".into(), "42".into());
        assert_eq!(
            refusal(&lost),
            "handles.nobody: \"42\" is not a node or consumer of this snapshot"
        );
    }

    #[test]
    fn calls_name_a_business_number_and_a_consumer_within_the_limits() {
        let mut sandbox = demo();
        let phone = sandbox.handles["phone_number"].clone();
        sandbox.call_permission_requested(&phone, "15550109999", "wamid.x");
        assert_eq!(sandbox.check_consistency(), Ok(()));
        let mut stranger = sandbox.clone();
        let pairs = stranger.whatsapp.calls.pairs.get_mut(&phone).unwrap();
        let pair = pairs.remove("15550109999").unwrap();
        pairs.insert("15550100000".into(), pair);
        assert_eq!(
            refusal(&stranger),
            format!(
                "whatsapp.calls.pairs.{phone}.15550100000: \"15550100000\" is not a WhatsApp consumer of this snapshot"
            )
        );
        let pair = sandbox
            .whatsapp
            .calls
            .pairs
            .get_mut(&phone)
            .unwrap()
            .get_mut("15550109999")
            .unwrap();
        pair.requests = vec![0; 3];
        assert!(
            refusal(&sandbox)
                .contains("more requests, connected or unanswered calls than the limits allow")
        );
        pair_of(&mut sandbox, &phone).requests.clear();
        pair_of(&mut sandbox, &phone).unanswered = 5;
        assert!(refusal(&sandbox).contains("unanswered calls than the limits allow"));
        pair_of(&mut sandbox, &phone).unanswered = 0;
        let app = sandbox.handles["app"].clone();
        let sip = json!({"status": "enabled", "servers": [{"hostname": "sip.example.com"}]});
        sandbox
            .update_phone_settings(&phone, "calling", &json!({ "sip": sip }), &app)
            .unwrap();
        assert_eq!(sandbox.check_consistency(), Ok(()));
        let mut bad_port = sandbox.clone();
        sip_server_of(&mut bad_port, &phone).port = 0;
        assert!(refusal(&bad_port).contains("a SIP server out of its bounds"));
        sip_server_of(&mut sandbox, &phone).app_id = "404".into();
        assert_eq!(
            refusal(&sandbox),
            format!(
                "whatsapp.phone_numbers.{phone}.settings.sip.servers: \"404\" is not a Application of this snapshot"
            )
        );
    }

    fn sip_server_of<'s>(
        sandbox: &'s mut Sandbox,
        phone: &str,
    ) -> &'s mut crate::world::whatsapp::call_settings::SipServer {
        let number = sandbox.whatsapp.phone_numbers.get_mut(phone).unwrap();
        &mut number.settings.sip.servers[0]
    }

    fn pair_of<'s>(
        sandbox: &'s mut Sandbox,
        phone: &str,
    ) -> &'s mut crate::world::whatsapp::calls::Pair {
        sandbox
            .whatsapp
            .calls
            .pairs
            .get_mut(phone)
            .unwrap()
            .get_mut("15550109999")
            .unwrap()
    }

    #[test]
    fn counters_and_clocks_at_their_maximum_are_refused() {
        let max = u64::MAX;
        for (edit, message) in [
            (
                Box::new(|v: &mut serde_json::Value| v["ids"]["counter"] = max.into())
                    as Box<dyn Fn(&mut serde_json::Value)>,
                format!("ids.counter must be between 0 and {MAX_COUNTER}, got {max}"),
            ),
            (
                Box::new(|v: &mut serde_json::Value| v["journal"]["next_seq"] = max.into()),
                format!("journal.next_seq must be between 1 and {MAX_COUNTER}, got {max}"),
            ),
            (
                Box::new(|v: &mut serde_json::Value| v["clock"]["advanced"] = i64::MAX.into()),
                format!(
                    "clock.advanced must be between 0 and 253402300799, got {}",
                    i64::MAX
                ),
            ),
            (
                Box::new(|v: &mut serde_json::Value| {
                    v["options"]["template_review"]["delay_seconds"] = i64::MAX.into();
                }),
                format!(
                    "template_review.delay_seconds must be between 0 and 315360000, got {}",
                    i64::MAX
                ),
            ),
            (
                Box::new(|v: &mut serde_json::Value| {
                    v["webhooks"]["settings"]["duplicates"] = 1_000_000.into()
                }),
                "duplicates must be between 0 and 10, got 1000000".to_owned(),
            ),
        ] {
            assert_eq!(refusal(&edited(edit)), message);
        }
    }
}
