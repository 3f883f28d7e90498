//! Multi-Partner Solutions: an owner app names a partner app and which of
//! the two sends messages, and sends the solution to the partner at once
//! or keeps it as a draft (`DRAFT`, seen by the owner alone) to send later;
//! once sent (`INITIATED`) the partner accepts (the solution becomes
//! `ACTIVE`) or rejects it. Either party of an active solution may ask to
//! deactivate it; the other accepts (`DEACTIVATED`) or rejects the request.
//! WABAs join a solution through a migration intent (`INITIATE`, then
//! `SCHEDULE`/`CONFIRM` or `CANCEL`) or an on-behalf-of mobility intent
//! (initiated, then confirmed or cancelled); a party of an active solution
//! may then get a business token for the WABAs a customer business shared.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::solution_webhooks::SolutionEvent;
use crate::world::auth::{AccessToken, TokenKind};
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;

/// The permission a solution configures: exactly one party has it.
pub const MESSAGING: &str = "MESSAGING";

/// What both parties of a solution may do on its WABAs besides messaging.
pub const PARTNER_TASKS: [&str; 7] = [
    "MANAGE",
    "DEVELOP",
    "MANAGE_TEMPLATES",
    "MANAGE_PHONE",
    "VIEW_COST",
    "VIEW_TEMPLATES",
    "VIEW_INSIGHTS",
];

/// Most solutions, and most intents, a sandbox keeps.
pub const MAX_SOLUTIONS: usize = 500;
pub const MAX_INTENTS: usize = 2_000;

/// A solution's name: 2 to 75 characters.
pub const NAME_CHARS: (usize, usize) = (2, 75);

/// How Marketing Messages Lite onboarding request ids start (16 digits;
/// they are no Graph nodes).
pub const MM_LITE_REQUEST_PREFIX: &str = "46";

/// How long a business token of a solution lasts: 60 days.
pub const TOKEN_SECONDS: i64 = 60 * 86_400;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SolutionStatus {
    Draft,
    Initiated,
    Active,
    Rejected,
    Deactivated,
}

impl SolutionStatus {
    pub fn name(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Initiated => "INITIATED",
            Self::Active => "ACTIVE",
            Self::Rejected => "REJECTED",
            Self::Deactivated => "DEACTIVATED",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Solution {
    pub id: String,
    pub name: String,
    pub owner_app_id: String,
    pub partner_app_id: String,
    /// The configurable permissions each party asked for (`MESSAGING` or none).
    pub owner_permissions: Vec<String>,
    pub partner_permissions: Vec<String>,
    pub status: SolutionStatus,
    /// The app that asked to deactivate the active solution, while the other
    /// has not answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivation_requested_by: Option<String>,
    /// How many deactivation requests it has had (their ids count up).
    #[serde(default)]
    pub deactivation_requests: u32,
    /// The WABAs that joined it, in joining order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wabas: Vec<String>,
    /// `{app-id}/{business-id}` -> the business token last issued.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tokens: BTreeMap<String, String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Solution {
    /// `status_for_pending_request`.
    pub fn pending(&self) -> &'static str {
        match (self.status, &self.deactivation_requested_by) {
            (SolutionStatus::Initiated, _) => "PENDING_ACTIVATION",
            (SolutionStatus::Active, Some(_)) => "PENDING_DEACTIVATION",
            _ => "NONE",
        }
    }

    /// The owner's tasks on the solution's WABAs.
    pub fn owner_tasks(&self) -> Vec<&str> {
        PARTNER_TASKS
            .iter()
            .copied()
            .chain(self.owner_permissions.iter().map(String::as_str))
            .collect()
    }

    /// `solution_status` of a `partner_solutions` webhook: the status, or
    /// `PENDING_DEACTIVATION` while a deactivation request waits.
    pub fn webhook_status(&self) -> &'static str {
        match (self.status, &self.deactivation_requested_by) {
            (SolutionStatus::Active, Some(_)) => "PENDING_DEACTIVATION",
            (status, _) => status.name(),
        }
    }

    pub fn is_party(&self, app_id: &str) -> bool {
        self.owner_app_id == app_id || self.partner_app_id == app_id
    }

    /// Whether the app knows of the solution: its owner always, its partner
    /// once it was sent (a draft is the owner's alone).
    pub fn known_to(&self, app_id: &str) -> bool {
        self.owner_app_id == app_id
            || (self.partner_app_id == app_id && self.status != SolutionStatus::Draft)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MigrationStatus {
    Initiated,
    Accepted,
    Completed,
    Rejected,
}

impl MigrationStatus {
    pub fn name(self) -> &'static str {
        match self {
            Self::Initiated => "INITIATED",
            Self::Accepted => "ACCEPTED",
            Self::Completed => "COMPLETED",
            Self::Rejected => "REJECTED",
        }
    }

    fn open(self) -> bool {
        matches!(self, Self::Initiated | Self::Accepted)
    }
}

/// A WABA moving onto a solution (from `from_solution`, when it leaves one).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MigrationIntent {
    pub id: String,
    pub waba_id: String,
    pub solution_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_solution: Option<String>,
    pub status: MigrationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MobilityStatus {
    Pending,
    Completed,
    Cancelled,
}

impl MobilityStatus {
    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Completed => "COMPLETED",
            Self::Cancelled => "CANCELLED",
        }
    }
}

/// A WABA's on-behalf-of ownership moving onto a solution.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OboMobilityIntent {
    pub id: String,
    pub waba_id: String,
    pub solution_id: String,
    /// The app that asked.
    pub app_id: String,
    pub status: MobilityStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Every solution and intent of a sandbox (id -> each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SolutionsState {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub solutions: BTreeMap<String, Box<Solution>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub migration_intents: BTreeMap<String, MigrationIntent>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub obo_intents: BTreeMap<String, OboMobilityIntent>,
    /// Requests to onboard an end business to Marketing Messages Lite.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mm_lite_requests: BTreeMap<String, MmLiteRequest>,
}

/// A partner's request to onboard an end business to Marketing Messages
/// Lite through a solution: the mobility intents it set on the business's
/// WABAs. Pending while one of them is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MmLiteRequest {
    pub id: String,
    pub business_id: String,
    pub solution_id: String,
    pub app_id: String,
    pub intents: Vec<String>,
}

impl SolutionsState {
    pub fn is_empty(&self) -> bool {
        self.solutions.is_empty()
            && self.migration_intents.is_empty()
            && self.obo_intents.is_empty()
    }

    fn intents(&self) -> usize {
        self.migration_intents.len() + self.obo_intents.len()
    }
}

/// What creating a solution takes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSolution {
    pub name: String,
    pub partner_app_id: String,
    pub owner_permissions: Vec<String>,
    pub partner_permissions: Vec<String>,
    /// Kept as a draft rather than sent to the partner.
    pub draft: bool,
}

/// Why a solution call is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SolutionError {
    /// Not one party with `MESSAGING`, or a permission other than it.
    InvalidPermissions,
    /// The partner is no app of the sandbox, or the owner itself.
    UnknownPartnerApp,
    /// The name is shorter or longer than Meta allows.
    BadName,
    /// The sandbox keeps no more solutions or intents.
    TooMany,
    /// The calling app is no party of the solution.
    NotAParty,
    /// Only the invited partner app may answer the invitation.
    NotInvited,
    /// The solution is not in a status that allows this (its status).
    WrongStatus(SolutionStatus),
    /// A deactivation request waits for an answer already.
    DeactivationPending,
    /// No deactivation request waits for an answer.
    NoPendingDeactivation,
    /// The app answering a deactivation request is the one that made it.
    OwnRequest,
    /// The WABA is not in the solution it would leave.
    NotInSolution,
    /// An open intent of the WABA exists already.
    IntentInProgress,
    /// No open intent of the WABA (and solution) to go on with.
    NoOpenIntent,
    /// The business shares no WABA with the solution, or has no system user.
    NoSharedWaba,
    /// The business has no WABA free of an intent in progress.
    NoEligibleWaba,
}

/// The requests a party of a solution answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolutionRequest {
    Invitation,
    Deactivation,
}

/// What a migration intent call asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationStep {
    Initiate,
    Schedule(i64),
    Confirm,
    Cancel,
}

/// What a mobility intent call asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MobilityStep {
    Initiate,
    Confirm,
    Cancel,
}

impl Sandbox {
    /// The solution `id`, if `app_id` is a party of it.
    fn party_solution(&mut self, id: &str, app_id: &str) -> Result<&mut Solution, SolutionError> {
        self.whatsapp
            .solutions
            .solutions
            .get_mut(id)
            .map(Box::as_mut)
            .filter(|solution| solution.is_party(app_id))
            .ok_or(SolutionError::NotAParty)
    }

    /// Create a solution owned by `owner_app_id`, sent to its partner
    /// (`INITIATED`) or kept as a draft (`DRAFT`); its id.
    pub fn create_solution(
        &mut self,
        owner_app_id: &str,
        new: NewSolution,
    ) -> Result<String, SolutionError> {
        let chars = new.name.chars().count();
        if chars < NAME_CHARS.0 || chars > NAME_CHARS.1 {
            return Err(SolutionError::BadName);
        }
        if new.partner_app_id == owner_app_id
            || !self.accounts.apps.contains_key(&new.partner_app_id)
        {
            return Err(SolutionError::UnknownPartnerApp);
        }
        let messaging = |permissions: &[String]| -> Result<bool, SolutionError> {
            match permissions {
                [] => Ok(false),
                [one] if one == MESSAGING => Ok(true),
                _ => Err(SolutionError::InvalidPermissions),
            }
        };
        if messaging(&new.owner_permissions)? == messaging(&new.partner_permissions)? {
            return Err(SolutionError::InvalidPermissions);
        }
        if self.whatsapp.solutions.solutions.len() >= MAX_SOLUTIONS {
            return Err(SolutionError::TooMany);
        }
        let id = self.allocate_node(NodeKind::Solution);
        let now = self.clock.now();
        self.whatsapp.solutions.solutions.insert(
            id.clone(),
            Box::new(Solution {
                id: id.clone(),
                name: new.name,
                owner_app_id: owner_app_id.to_owned(),
                partner_app_id: new.partner_app_id,
                owner_permissions: new.owner_permissions,
                partner_permissions: new.partner_permissions,
                status: if new.draft {
                    SolutionStatus::Draft
                } else {
                    SolutionStatus::Initiated
                },
                deactivation_requested_by: None,
                deactivation_requests: 0,
                wabas: vec![],
                tokens: BTreeMap::new(),
                created_at: now,
                updated_at: now,
            }),
        );
        self.report_solution(&id, SolutionEvent::Created);
        Ok(id)
    }

    /// The owner sends its draft to the partner (an App Dashboard step):
    /// `DRAFT` → `INITIATED`, and the partner hears of it for the first time.
    /// `None` when there is no such solution.
    pub fn send_solution_draft(&mut self, id: &str) -> Option<Result<(), SolutionError>> {
        let now = self.clock.now();
        let solution = self.whatsapp.solutions.solutions.get_mut(id)?;
        if solution.status != SolutionStatus::Draft {
            return Some(Err(SolutionError::WrongStatus(solution.status)));
        }
        solution.status = SolutionStatus::Initiated;
        solution.updated_at = now;
        self.report_solution(id, SolutionEvent::Created);
        Some(Ok(()))
    }

    /// A party answers the request pending on the solution: the invited
    /// partner app the invitation (`ACTIVE` or `REJECTED`), the party that
    /// did not ask a deactivation request (`DEACTIVATED`, or active again).
    pub fn answer_solution(
        &mut self,
        id: &str,
        app_id: &str,
        request: SolutionRequest,
        accept: bool,
    ) -> Result<(), SolutionError> {
        let now = self.clock.now();
        let solution = self.party_solution(id, app_id)?;
        match request {
            SolutionRequest::Invitation => {
                if solution.partner_app_id != app_id {
                    return Err(SolutionError::NotInvited);
                }
                if solution.status != SolutionStatus::Initiated {
                    return Err(SolutionError::WrongStatus(solution.status));
                }
                solution.status = if accept {
                    SolutionStatus::Active
                } else {
                    SolutionStatus::Rejected
                };
            }
            SolutionRequest::Deactivation => {
                let Some(requester) = &solution.deactivation_requested_by else {
                    return Err(SolutionError::NoPendingDeactivation);
                };
                if requester == app_id {
                    return Err(SolutionError::OwnRequest);
                }
                solution.deactivation_requested_by = None;
                if accept {
                    solution.status = SolutionStatus::Deactivated;
                }
            }
        }
        solution.updated_at = now;
        self.report_solution(id, SolutionEvent::Updated);
        Ok(())
    }

    /// A party asks to deactivate the solution: an invitation nobody accepted
    /// yet ends at once, an active solution waits for the other party. The
    /// request's number.
    pub fn request_deactivation(&mut self, id: &str, app_id: &str) -> Result<u32, SolutionError> {
        let now = self.clock.now();
        let solution = self.party_solution(id, app_id)?;
        match (solution.status, &solution.deactivation_requested_by) {
            (SolutionStatus::Initiated, _) => solution.status = SolutionStatus::Deactivated,
            (SolutionStatus::Active, None) => {
                solution.deactivation_requested_by = Some(app_id.to_owned());
            }
            (SolutionStatus::Active, Some(_)) => return Err(SolutionError::DeactivationPending),
            (status, _) => return Err(SolutionError::WrongStatus(status)),
        }
        solution.deactivation_requests = solution.deactivation_requests.saturating_add(1);
        solution.updated_at = now;
        let number = solution.deactivation_requests;
        self.report_solution(id, SolutionEvent::Updated);
        Ok(number)
    }

    /// The active solution `id` of which `app_id` is a party.
    fn active_solution(&self, id: &str, app_id: &str) -> Result<&Solution, SolutionError> {
        let solution = self
            .whatsapp
            .solutions
            .solutions
            .get(id)
            .ok_or(SolutionError::NotAParty)?;
        if !solution.is_party(app_id) {
            return Err(SolutionError::NotAParty);
        }
        if solution.status != SolutionStatus::Active {
            return Err(SolutionError::WrongStatus(solution.status));
        }
        Ok(solution)
    }

    /// The WABA joins the solution (leaving `from`, if any).
    fn move_waba(&mut self, waba_id: &str, to: &str, from: Option<&str>) {
        let now = self.clock.now();
        let solutions = &mut self.whatsapp.solutions.solutions;
        if let Some(from) = from.and_then(|from| solutions.get_mut(from)) {
            from.wabas.retain(|w| w != waba_id);
            from.updated_at = now;
        }
        if let Some(to) = solutions.get_mut(to)
            && !to.wabas.iter().any(|w| w == waba_id)
        {
            to.wabas.push(waba_id.to_owned());
            to.updated_at = now;
        }
    }

    /// The id of a new intent of `kind`, unless one of the WABA is `open`
    /// or the sandbox holds as many as it keeps.
    fn new_intent(&mut self, open: bool, kind: NodeKind) -> Result<String, SolutionError> {
        if open {
            return Err(SolutionError::IntentInProgress);
        }
        if self.whatsapp.solutions.intents() >= MAX_INTENTS {
            return Err(SolutionError::TooMany);
        }
        Ok(self.allocate_node(kind))
    }

    /// A migration intent step for the WABA onto `solution_id` (from
    /// `from_solution` when it leaves one): the intent's id and status.
    pub fn migration_step(
        &mut self,
        waba_id: &str,
        app_id: &str,
        solution_id: &str,
        from_solution: Option<&str>,
        step: MigrationStep,
    ) -> Result<(String, MigrationStatus), SolutionError> {
        self.active_solution(solution_id, app_id)?;
        if let Some(from) = from_solution {
            let from = self.active_solution(from, app_id)?;
            if !from.wabas.iter().any(|w| w == waba_id) {
                return Err(SolutionError::NotInSolution);
            }
        }
        let open = self
            .whatsapp
            .solutions
            .migration_intents
            .values()
            .find(|i| i.waba_id == waba_id && i.status.open())
            .map(|i| i.id.clone());
        let now = self.clock.now();
        if step == MigrationStep::Initiate {
            let id = self.new_intent(open.is_some(), NodeKind::MigrationIntent)?;
            self.whatsapp.solutions.migration_intents.insert(
                id.clone(),
                MigrationIntent {
                    id: id.clone(),
                    waba_id: waba_id.to_owned(),
                    solution_id: solution_id.to_owned(),
                    from_solution: from_solution.map(str::to_owned),
                    status: MigrationStatus::Initiated,
                    scheduled_at: None,
                    created_at: now,
                },
            );
            return Ok((id, MigrationStatus::Initiated));
        }
        let intent = open
            .and_then(|id| self.whatsapp.solutions.migration_intents.get_mut(&id))
            .filter(|i| i.solution_id == solution_id)
            .ok_or(SolutionError::NoOpenIntent)?;
        intent.status = match step {
            MigrationStep::Schedule(at) => {
                intent.scheduled_at = Some(at);
                MigrationStatus::Accepted
            }
            MigrationStep::Cancel => MigrationStatus::Rejected,
            _ => MigrationStatus::Completed,
        };
        let (id, status) = (intent.id.clone(), intent.status);
        let from = intent.from_solution.clone();
        if status == MigrationStatus::Completed {
            self.move_waba(waba_id, solution_id, from.as_deref());
        }
        Ok((id, status))
    }

    /// A mobility intent step for the WABA onto the solution: the intent.
    pub fn mobility_step(
        &mut self,
        waba_id: &str,
        app_id: &str,
        solution_id: &str,
        step: MobilityStep,
    ) -> Result<&OboMobilityIntent, SolutionError> {
        self.active_solution(solution_id, app_id)?;
        let pending = self
            .whatsapp
            .solutions
            .obo_intents
            .values()
            .find(|i| i.waba_id == waba_id && i.status == MobilityStatus::Pending)
            .map(|i| i.id.clone());
        let now = self.clock.now();
        let id = match step {
            MobilityStep::Initiate => {
                let id = self.new_intent(pending.is_some(), NodeKind::OboMobilityIntent)?;
                self.whatsapp.solutions.obo_intents.insert(
                    id.clone(),
                    OboMobilityIntent {
                        id: id.clone(),
                        waba_id: waba_id.to_owned(),
                        solution_id: solution_id.to_owned(),
                        app_id: app_id.to_owned(),
                        status: MobilityStatus::Pending,
                        created_at: now,
                        updated_at: now,
                    },
                );
                id
            }
            MobilityStep::Confirm | MobilityStep::Cancel => {
                let intent = pending
                    .and_then(|id| self.whatsapp.solutions.obo_intents.get_mut(&id))
                    .filter(|i| i.solution_id == solution_id)
                    .ok_or(SolutionError::NoOpenIntent)?;
                intent.updated_at = now;
                intent.status = if step == MobilityStep::Confirm {
                    MobilityStatus::Completed
                } else {
                    MobilityStatus::Cancelled
                };
                let id = intent.id.clone();
                if step == MobilityStep::Confirm {
                    self.move_waba(waba_id, solution_id, None);
                }
                id
            }
        };
        Ok(&self.whatsapp.solutions.obo_intents[&id])
    }

    /// Onboard the end business to Marketing Messages Lite through the
    /// solution: a mobility intent on each of its WABAs that has none in
    /// progress. The request's id; the pending request of the same
    /// business and solution when there is one.
    pub fn onboard_to_mm_lite(
        &mut self,
        business_id: &str,
        app_id: &str,
        solution_id: &str,
    ) -> Result<String, SolutionError> {
        self.active_solution(solution_id, app_id)?;
        let state = &self.whatsapp.solutions;
        let pending = state.mm_lite_requests.values().find(|r| {
            r.business_id == business_id
                && r.solution_id == solution_id
                && r.intents
                    .iter()
                    .filter_map(|i| state.obo_intents.get(i))
                    .any(|i| i.status == MobilityStatus::Pending)
        });
        if let Some(request) = pending {
            return Ok(request.id.clone());
        }
        let busy: Vec<&String> = state
            .obo_intents
            .values()
            .filter(|i| i.status == MobilityStatus::Pending)
            .map(|i| &i.waba_id)
            .collect();
        let free: Vec<String> = self
            .whatsapp
            .wabas
            .values()
            .filter(|w| w.business_id == business_id && !busy.contains(&&w.id))
            .map(|w| w.id.clone())
            .collect();
        if free.is_empty() {
            return Err(SolutionError::NoEligibleWaba);
        }
        if self.whatsapp.solutions.intents() + free.len() > MAX_INTENTS {
            return Err(SolutionError::TooMany);
        }
        let mut intents = Vec::with_capacity(free.len());
        for waba in &free {
            let intent = self.mobility_step(waba, app_id, solution_id, MobilityStep::Initiate)?;
            intents.push(intent.id.clone());
        }
        let id = self.ids.numeric_id(MM_LITE_REQUEST_PREFIX, 16);
        self.whatsapp.solutions.mm_lite_requests.insert(
            id.clone(),
            MmLiteRequest {
                id: id.clone(),
                business_id: business_id.to_owned(),
                solution_id: solution_id.to_owned(),
                app_id: app_id.to_owned(),
                intents,
            },
        );
        Ok(id)
    }

    /// A business token for `app_id` on the WABAs `business_id` shared with
    /// the active solution, acting as the business's first system user: the
    /// one issued before while it lasts and covers the same WABAs, a new one
    /// otherwise. Token and expiry.
    pub fn solution_token(
        &mut self,
        id: &str,
        app_id: &str,
        business_id: &str,
    ) -> Result<(String, i64), SolutionError> {
        let solution = self.active_solution(id, app_id)?;
        let wabas: Vec<String> = solution
            .wabas
            .iter()
            .filter(|w| {
                self.whatsapp
                    .wabas
                    .get(*w)
                    .is_some_and(|waba| waba.business_id == business_id)
            })
            .cloned()
            .collect();
        let system_user = self
            .accounts
            .system_users
            .values()
            .find(|u| u.business_id == business_id)
            .map(|u| u.id.clone());
        let (Some(system_user), false) = (system_user, wabas.is_empty()) else {
            return Err(SolutionError::NoSharedWaba);
        };
        let key = format!("{app_id}/{business_id}");
        let now = self.clock.now();
        let issued = solution
            .tokens
            .get(&key)
            .and_then(|t| self.tokens.get(t))
            .filter(|t| t.targets.values().all(|ids| *ids == wabas))
            .filter(|t| t.expires_at.is_some_and(|at| at > now) && t.invalidated.is_none())
            .cloned();
        if let Some(token) = issued {
            return Ok((token.token.clone(), token.expires_at.unwrap_or(now)));
        }
        let string = self.ids.access_token(&self.id.clone());
        let expires_at = now.saturating_add(TOKEN_SECONDS);
        let scopes = [
            "whatsapp_business_management",
            "whatsapp_business_messaging",
        ];
        let token = AccessToken {
            token: string.clone(),
            kind: TokenKind::SystemUser,
            subject_id: system_user,
            app_id: app_id.to_owned(),
            user_id: None,
            derived_from: None,
            scopes: scopes.map(str::to_owned).to_vec(),
            targets: scopes
                .iter()
                .map(|s| ((*s).to_owned(), wabas.clone()))
                .collect(),
            issued_at: now,
            expires_at: Some(expires_at),
            invalidated: None,
        };
        // The token it replaces stays until it expires: tokens are only ever
        // added between resets (the server's token index counts on it).
        self.party_solution(id, app_id)?
            .tokens
            .insert(key, string.clone());
        self.keep_token(token);
        Ok((string, expires_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::accounts::people::NewApp;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    fn sandbox() -> (Sandbox, String, String) {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let owner = sandbox.handles["app"].clone();
        let partner = sandbox
            .create_app(NewApp {
                name: "Partner".into(),
                ..NewApp::default()
            })
            .unwrap();
        (sandbox, owner, partner)
    }

    fn new(partner: &str, owner: &[&str], theirs: &[&str]) -> NewSolution {
        let list = |p: &[&str]| p.iter().map(|s| (*s).to_owned()).collect();
        NewSolution {
            name: "Shared".into(),
            partner_app_id: partner.to_owned(),
            owner_permissions: list(owner),
            partner_permissions: list(theirs),
            draft: false,
        }
    }

    #[test]
    fn a_solution_goes_from_invitation_to_deactivation() {
        let (mut sandbox, owner, partner) = sandbox();
        assert_eq!(
            sandbox.create_solution(&owner, new(&partner, &[MESSAGING], &[MESSAGING])),
            Err(SolutionError::InvalidPermissions)
        );
        assert_eq!(
            sandbox.create_solution(&owner, new(&owner, &[MESSAGING], &[])),
            Err(SolutionError::UnknownPartnerApp)
        );
        let id = sandbox
            .create_solution(&owner, new(&partner, &[MESSAGING], &[]))
            .unwrap();
        assert_eq!(sandbox.node_kind(&id), Some(NodeKind::Solution));
        assert_eq!(
            sandbox.answer_solution(&id, &owner, SolutionRequest::Invitation, true),
            Err(SolutionError::NotInvited)
        );
        sandbox
            .answer_solution(&id, &partner, SolutionRequest::Invitation, true)
            .unwrap();
        assert_eq!(
            sandbox.answer_solution(&id, &partner, SolutionRequest::Invitation, true),
            Err(SolutionError::WrongStatus(SolutionStatus::Active))
        );
        assert_eq!(sandbox.request_deactivation(&id, &owner), Ok(1));
        assert_eq!(
            sandbox.answer_solution(&id, &owner, SolutionRequest::Deactivation, true),
            Err(SolutionError::OwnRequest)
        );
        sandbox
            .answer_solution(&id, &partner, SolutionRequest::Deactivation, false)
            .unwrap();
        assert_eq!(sandbox.request_deactivation(&id, &partner), Ok(2));
        sandbox
            .answer_solution(&id, &owner, SolutionRequest::Deactivation, true)
            .unwrap();
        let solution = &sandbox.whatsapp.solutions.solutions[&id];
        assert_eq!(solution.status, SolutionStatus::Deactivated);
        assert_eq!(solution.pending(), "NONE");
        assert_eq!(
            sandbox.request_deactivation(&id, &owner),
            Err(SolutionError::WrongStatus(SolutionStatus::Deactivated))
        );
    }

    #[test]
    fn a_draft_waits_for_its_owner_to_send_it() {
        let (mut sandbox, owner, partner) = sandbox();
        let draft = NewSolution {
            draft: true,
            ..new(&partner, &[MESSAGING], &[])
        };
        let id = sandbox.create_solution(&owner, draft).unwrap();
        let solution = &sandbox.whatsapp.solutions.solutions[&id];
        assert_eq!(
            (solution.status, solution.pending()),
            (SolutionStatus::Draft, "NONE")
        );
        assert!(solution.known_to(&owner) && !solution.known_to(&partner));
        assert_eq!(
            sandbox.answer_solution(&id, &partner, SolutionRequest::Invitation, true),
            Err(SolutionError::WrongStatus(SolutionStatus::Draft))
        );
        assert_eq!(
            sandbox.request_deactivation(&id, &owner),
            Err(SolutionError::WrongStatus(SolutionStatus::Draft))
        );
        assert_eq!(sandbox.send_solution_draft(&id), Some(Ok(())));
        assert!(sandbox.whatsapp.solutions.solutions[&id].known_to(&partner));
        assert_eq!(
            sandbox.send_solution_draft(&id),
            Some(Err(SolutionError::WrongStatus(SolutionStatus::Initiated)))
        );
        assert_eq!(sandbox.send_solution_draft("404"), None);
    }

    #[test]
    fn a_snapshot_naming_a_missing_app_is_refused() {
        let (mut sandbox, owner, partner) = sandbox();
        let id = sandbox
            .create_solution(&owner, new(&partner, &[MESSAGING], &[]))
            .unwrap();
        assert_eq!(sandbox.check_consistency(), Ok(()));
        let solutions = &mut sandbox.whatsapp.solutions.solutions;
        solutions.get_mut(&id).unwrap().partner_app_id = "123".into();
        assert_eq!(
            sandbox.check_consistency().unwrap_err().field,
            format!("whatsapp.solutions.solutions.{id}.partner_app_id")
        );
    }

    #[test]
    fn wabas_join_through_intents_and_get_a_token() {
        let (mut sandbox, owner, partner) = sandbox();
        let waba = sandbox.handles["waba"].clone();
        let business = sandbox.handles["business"].clone();
        let id = sandbox
            .create_solution(&owner, new(&partner, &[], &[MESSAGING]))
            .unwrap();
        assert_eq!(
            sandbox.migration_step(&waba, &owner, &id, None, MigrationStep::Initiate),
            Err(SolutionError::WrongStatus(SolutionStatus::Initiated))
        );
        sandbox
            .answer_solution(&id, &partner, SolutionRequest::Invitation, true)
            .unwrap();
        assert_eq!(
            sandbox.solution_token(&id, &partner, &business),
            Err(SolutionError::NoSharedWaba)
        );
        let (intent, status) = sandbox
            .migration_step(&waba, &owner, &id, None, MigrationStep::Initiate)
            .unwrap();
        assert_eq!(status, MigrationStatus::Initiated);
        assert_eq!(
            sandbox.migration_step(&waba, &owner, &id, None, MigrationStep::Initiate),
            Err(SolutionError::IntentInProgress)
        );
        let confirmed = sandbox
            .migration_step(&waba, &partner, &id, None, MigrationStep::Confirm)
            .unwrap();
        assert_eq!(confirmed, (intent, MigrationStatus::Completed));
        assert_eq!(
            sandbox.whatsapp.solutions.solutions[&id].wabas,
            [waba.as_str()]
        );
        let (token, expires) = sandbox.solution_token(&id, &partner, &business).unwrap();
        assert_eq!(
            sandbox.solution_token(&id, &partner, &business).unwrap().0,
            token
        );
        assert_eq!(expires, sandbox.clock.now() + TOKEN_SECONDS);
        assert_eq!(
            sandbox.tokens[&token].targets["whatsapp_business_messaging"],
            [waba.as_str()]
        );
        let intent = sandbox
            .mobility_step(&waba, &owner, &id, MobilityStep::Initiate)
            .unwrap()
            .id
            .clone();
        let cancelled = sandbox
            .mobility_step(&waba, &owner, &id, MobilityStep::Cancel)
            .unwrap();
        assert_eq!(
            (&cancelled.id, cancelled.status),
            (&intent, MobilityStatus::Cancelled)
        );
        assert_eq!(
            sandbox.mobility_step(&waba, &owner, &id, MobilityStep::Confirm),
            Err(SolutionError::NoOpenIntent)
        );
        let request = sandbox
            .onboard_to_mm_lite(&business, &partner, &id)
            .unwrap();
        assert_eq!(
            sandbox.onboard_to_mm_lite(&business, &partner, &id),
            Ok(request.clone())
        );
        assert_eq!(sandbox.check_consistency(), Ok(()));
        let requests = &mut sandbox.whatsapp.solutions.mm_lite_requests;
        requests.get_mut(&request).unwrap().intents = vec!["9".into()];
        assert_eq!(
            sandbox.check_consistency().unwrap_err().field,
            format!("whatsapp.solutions.mm_lite_requests.{request}.intents")
        );
    }
}
