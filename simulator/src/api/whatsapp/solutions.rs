//! Multi-Partner Solutions: `POST /{app-id}/whatsapp_business_solution`,
//! the partner's answer (`/accept`, `/reject`), deactivation requests and
//! their answers, `GET /{solution-id}/access_token`, and the intents that
//! move a WABA onto a solution (`/set_solution_migration_intent`,
//! `/obo_mobility_intent`, `/set_obo_mobility_intent`). Reading solutions
//! and intents is the generic rendering of their descriptors.

use serde_json::{Map, Value, json};

use super::{required, short_text};
use crate::api::error::GraphError;
use crate::api::fields::parse_known_fields;
use crate::api::routes::Operation;
use crate::world::clock::iso8601;
use crate::world::nodes::{FieldValue, NodeKind};
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::solutions::{
    MigrationStatus, MigrationStep, MobilityStatus, MobilityStep, NewSolution, SolutionError,
    SolutionRequest,
};

/// The longest reason or rejection reason Meta takes.
const REASON_CHARS: usize = 500;
/// The longest `client_mutation_id`.
const MUTATION_ID_CHARS: usize = 255;

/// `(#200) …` with Meta's subcode for an app that may not act on a solution.
fn not_permitted(what: &str) -> GraphError {
    GraphError::new(403, "OAuthException", 200, format!("(#200) {what}")).with_subcode(1_349_174)
}

/// Meta's refusal of each `SolutionError`.
pub(crate) fn refusal(error: SolutionError) -> GraphError {
    match error {
        SolutionError::InvalidPermissions => {
            GraphError::invalid_parameter("Invalid Permissions for either of the partners")
        }
        SolutionError::UnknownPartnerApp => {
            GraphError::invalid_parameter("Invalid parameter value for partner_app_id")
        }
        SolutionError::BadName => GraphError::invalid_parameter(
            "Param solution_name must be between 2 and 75 characters long",
        ),
        SolutionError::TooMany => GraphError::invalid_parameter(
            "This sandbox holds as many Multi-Partner Solutions and intents as it can",
        ),
        SolutionError::NotAParty => {
            not_permitted("Your app doesn't have permission to access this Multi-Partner Solution")
        }
        SolutionError::NotInvited => GraphError::new(
            403,
            "OAuthException",
            200,
            "(#200) Your app is not invited to participate in this Multi-Partner Solution",
        )
        .with_subcode(1_349_175),
        SolutionError::WrongStatus(status) => GraphError::invalid_parameter(format!(
            "Solution is not in a state that allows this request. Current status: {}",
            status.name()
        )),
        SolutionError::DeactivationPending => GraphError::invalid_parameter(
            "A deactivation request for this solution is already pending",
        ),
        SolutionError::NoPendingDeactivation => {
            GraphError::invalid_parameter("No pending deactivation request found for this solution")
        }
        SolutionError::OwnRequest => GraphError::new(
            403,
            "GraphMethodException",
            10,
            "(#10) The app that requested deactivation cannot answer its own request",
        )
        .with_subcode(2_018_218),
        SolutionError::NotInSolution => GraphError::invalid_parameter(
            "The WhatsApp Business Account is not part of the solution it would leave",
        ),
        SolutionError::IntentInProgress => GraphError::invalid_parameter(
            "An intent for this WhatsApp Business Account is already in progress",
        ),
        SolutionError::NoOpenIntent => GraphError::invalid_parameter(
            "No intent in progress for this WhatsApp Business Account and solution",
        ),
        SolutionError::NoEligibleWaba => GraphError::invalid_parameter(
            "No eligible WhatsApp Business Accounts found for MM Lite onboarding",
        ),
        SolutionError::NoSharedWaba => GraphError::invalid_parameter(
            "The specified business has not shared a WABA with this Multi-Partner Solution",
        ),
    }
}

/// A required parameter naming a node of `kind`.
fn node_param(op: &Operation<'_>, name: &str, kind: NodeKind) -> Result<String, GraphError> {
    let id = required(op.request, name)?;
    if op.sandbox.node_kind(&id) == Some(kind) {
        Ok(id)
    } else {
        Err(GraphError::invalid_parameter(format!(
            "Param {name} must be the id of a {} - got \"{id}\".",
            kind.type_name()
        )))
    }
}

/// One of `allowed`, required.
fn choice<'a>(op: &Operation<'_>, name: &str, allowed: &[&'a str]) -> Result<&'a str, GraphError> {
    let value = required(op.request, name)?;
    allowed
        .iter()
        .copied()
        .find(|a| *a == value)
        .ok_or_else(|| {
            GraphError::invalid_parameter(format!(
                "Param {name} must be one of {{{}}} - got \"{value}\".",
                allowed.join(", ")
            ))
        })
}

/// `POST /{app-id}/whatsapp_business_solution`, with a token of that app.
pub fn create(op: Operation<'_>) -> Result<Value, GraphError> {
    if op.token.app_id != op.id {
        return Err(not_permitted(
            "Only the solution owner app may create its Multi-Partner Solutions",
        ));
    }
    let list = |name: &str| {
        op.request.param_list(name).ok_or_else(|| {
            GraphError::invalid_parameter(format!("The parameter {name} is required"))
        })
    };
    let new = NewSolution {
        name: required(op.request, "solution_name")?,
        partner_app_id: required(op.request, "partner_app_id")?,
        owner_permissions: list("owner_permissions")?,
        partner_permissions: list("partner_permissions")?,
        draft: false,
    };
    let id = op.sandbox.create_solution(op.id, new).map_err(refusal)?;
    Ok(json!({ "solution_id": id }))
}

/// `partner_app_id`, which must be the calling app.
fn calling_partner(op: &Operation<'_>) -> Result<String, GraphError> {
    let partner = required(op.request, "partner_app_id")?;
    if partner != op.token.app_id {
        return Err(refusal(SolutionError::NotInvited));
    }
    Ok(partner)
}

/// `POST /{solution-id}/accept`: the invited partner app accepts.
pub fn accept(op: Operation<'_>) -> Result<Value, GraphError> {
    short_text(op.request, "log_session_id", MUTATION_ID_CHARS)?;
    let partner = calling_partner(&op)?;
    op.sandbox
        .answer_solution(op.id, &partner, SolutionRequest::Invitation, true)
        .map_err(refusal)?;
    Ok(json!({
        "success": true,
        "solution_id": op.id,
        "partner_status": "ACCEPTED",
        "update_time": iso8601(op.sandbox.clock.now()),
    }))
}

/// `POST /{solution-id}/reject`: the invited partner declines the
/// invitation (`PARTNERSHIP_REQUEST`), or a party declines the other's
/// deactivation request (`DEACTIVATION_REQUEST`).
pub fn reject(op: Operation<'_>) -> Result<Value, GraphError> {
    const TYPES: [&str; 2] = ["PARTNERSHIP_REQUEST", "DEACTIVATION_REQUEST"];
    let request_type = choice(&op, "request_type", &TYPES)?;
    short_text(op.request, "rejection_reason", REASON_CHARS)?;
    let app = op.token.app_id.clone();
    let mut answer = json!({
        "success": true,
        "solution_id": op.id,
        "rejected_request_type": request_type,
    });
    if request_type == TYPES[0] {
        let partner = op
            .request
            .param_str("partner_app_id")
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                GraphError::invalid_parameter(
                    "partner_app_id is required when rejecting PARTNERSHIP_REQUEST",
                )
            })?;
        if partner != app {
            return Err(refusal(SolutionError::NotInvited));
        }
        op.sandbox
            .answer_solution(op.id, &app, SolutionRequest::Invitation, false)
            .map_err(refusal)?;
        answer["partner_app_id"] = json!(partner);
    } else {
        op.sandbox
            .answer_solution(op.id, &app, SolutionRequest::Deactivation, false)
            .map_err(refusal)?;
    }
    answer["rejection_timestamp"] = json!(iso8601(op.sandbox.clock.now()));
    Ok(answer)
}

/// `POST /{solution-id}/send_deactivation_request`.
pub fn send_deactivation(op: Operation<'_>) -> Result<Value, GraphError> {
    short_text(op.request, "reason", REASON_CHARS)?;
    let number = op
        .sandbox
        .request_deactivation(op.id, &op.token.app_id)
        .map_err(refusal)?;
    let status = op.sandbox.whatsapp.solutions.solutions[op.id].status;
    Ok(json!({
        "success": true,
        "message": format!("Deactivation requested; the solution is {}", status.name()),
        "request_id": format!("{}_deactivation_{number}", op.id),
    }))
}

/// The solution with the request's `fields` (its defaults otherwise), its
/// owner app as `{id, name}`.
fn solution_answer(
    sandbox: &Sandbox,
    op_fields: Option<&str>,
    id: &str,
) -> Result<Value, GraphError> {
    let kind = NodeKind::Solution;
    let selection = parse_known_fields(
        op_fields.unwrap_or_default(),
        kind.known_fields(),
        kind.type_name(),
    )?;
    let wanted: Vec<&str> = match &selection {
        Some(fields) => fields.iter().map(|f| f.name.as_str()).collect(),
        None => kind.default_fields().to_vec(),
    };
    let view = sandbox
        .node_view(id, &wanted)
        .ok_or_else(|| GraphError::unsupported("POST", id))?;
    let mut out = Map::new();
    for (name, value) in view.fields {
        let value = match value {
            FieldValue::Json(value) => value,
            FieldValue::Node(node) => {
                json!({ "id": node, "name": sandbox.node_name(&node).unwrap_or_default() })
            }
        };
        out.insert(name.to_owned(), value);
    }
    Ok(Value::Object(out))
}

/// `POST /{solution-id}/accept_deactivation_request`: the solution, deactivated.
pub fn accept_deactivation(op: Operation<'_>) -> Result<Value, GraphError> {
    op.sandbox
        .answer_solution(op.id, &op.token.app_id, SolutionRequest::Deactivation, true)
        .map_err(refusal)?;
    solution_answer(op.sandbox, op.request.param_text("fields"), op.id)
}

/// `POST /{solution-id}/reject_deactivation_request` with
/// `reject_deactivation_request=true`: the solution, active again.
pub fn reject_deactivation(op: Operation<'_>) -> Result<Value, GraphError> {
    let flag = required(op.request, "reject_deactivation_request")?;
    if flag != "true" {
        return Err(GraphError::invalid_parameter(format!(
            "Param reject_deactivation_request must be true - got \"{flag}\"."
        )));
    }
    op.sandbox
        .answer_solution(
            op.id,
            &op.token.app_id,
            SolutionRequest::Deactivation,
            false,
        )
        .map_err(refusal)?;
    solution_answer(op.sandbox, op.request.param_text("fields"), op.id)
}

/// `GET /{solution-id}/access_token?business_id=…`: a business token of the
/// calling app for the WABAs the business shared with the solution.
pub fn access_token(op: Operation<'_>) -> Result<Value, GraphError> {
    let business = node_param(&op, "business_id", NodeKind::Business)?;
    let (token, expires_at) = op
        .sandbox
        .solution_token(op.id, &op.token.app_id, &business)
        .map_err(refusal)?;
    Ok(json!({ "access_token": token, "expires_at": expires_at }))
}

/// `POST /{waba-id}/set_solution_migration_intent`: move the WABA onto
/// `solution_id`; with a `target_solution_id`, the WABA leaves
/// `solution_id` for the target instead.
pub fn set_migration_intent(op: Operation<'_>) -> Result<Value, GraphError> {
    const INTENTS: [&str; 4] = [
        "INITIATE_MIGRATION",
        "SCHEDULE_MIGRATION",
        "CONFIRM_MIGRATION",
        "CANCEL_MIGRATION",
    ];
    let solution = node_param(&op, "solution_id", NodeKind::Solution)?;
    let intent = choice(&op, "migration_intent", &INTENTS)?;
    short_text(op.request, "migration_reason", REASON_CHARS)?;
    let target = match op.request.param_str("target_solution_id") {
        Some(_) => Some(node_param(&op, "target_solution_id", NodeKind::Solution)?),
        None => None,
    };
    let step = match intent {
        "INITIATE_MIGRATION" => MigrationStep::Initiate,
        "SCHEDULE_MIGRATION" => {
            let at = required(op.request, "scheduled_migration_time")?;
            let at = chrono::DateTime::parse_from_rfc3339(&at).map_err(|_| {
                GraphError::invalid_parameter(format!(
                    "Param scheduled_migration_time must be an ISO 8601 time - got \"{at}\"."
                ))
            })?;
            MigrationStep::Schedule(at.timestamp())
        }
        "CONFIRM_MIGRATION" => MigrationStep::Confirm,
        _ => MigrationStep::Cancel,
    };
    let (onto, from) = match &target {
        Some(target) => (target.as_str(), Some(solution.as_str())),
        None => (solution.as_str(), None),
    };
    let (id, status) = op
        .sandbox
        .migration_step(op.id, &op.token.app_id, onto, from, step)
        .map_err(refusal)?;
    let mut answer = json!({
        "success": true,
        "migration_intent_id": id,
        "status": match status {
            MigrationStatus::Initiated => "PENDING",
            MigrationStatus::Accepted => "SCHEDULED",
            MigrationStatus::Completed => "APPROVED",
            MigrationStatus::Rejected => "REJECTED",
        },
    });
    if let MigrationStep::Schedule(at) = step {
        answer["estimated_completion_time"] = json!(iso8601(at));
    }
    Ok(answer)
}

/// `POST /{waba-id}/obo_mobility_intent`: start, confirm or cancel moving
/// the WABA's on-behalf-of ownership onto the solution.
pub fn obo_mobility_intent(op: Operation<'_>) -> Result<Value, GraphError> {
    const TYPES: [&str; 6] = [
        "INITIATE_TRANSFER",
        "CONFIRM_TRANSFER",
        "CANCEL_TRANSFER",
        "REQUEST_HANDOVER",
        "APPROVE_HANDOVER",
        "REJECT_HANDOVER",
    ];
    let solution = node_param(&op, "solution_id", NodeKind::Solution)?;
    let step = match choice(&op, "intent_type", &TYPES)? {
        "INITIATE_TRANSFER" | "REQUEST_HANDOVER" => MobilityStep::Initiate,
        "CONFIRM_TRANSFER" | "APPROVE_HANDOVER" => MobilityStep::Confirm,
        _ => MobilityStep::Cancel,
    };
    short_text(op.request, "mobility_reason", REASON_CHARS)?;
    if let Some(metadata) = op.request.param_json("metadata")
        && !metadata?.is_object()
    {
        return Err(GraphError::invalid_parameter(
            "Param metadata must be a JSON object",
        ));
    }
    let intent = op
        .sandbox
        .mobility_step(op.id, &op.token.app_id, &solution, step)
        .map_err(refusal)?;
    Ok(json!({
        "success": true,
        "mobility_intent_id": intent.id,
        "status": match intent.status {
            MobilityStatus::Pending => "PENDING",
            MobilityStatus::Completed => "COMPLETED",
            MobilityStatus::Cancelled => "REJECTED",
        },
        "approval_required": intent.status == MobilityStatus::Pending,
    }))
}

/// `POST /{waba-id}/set_obo_mobility_intent`: start moving the WABA
/// (`waba_id`, this one) onto `solution_id`, for `app_id` (a party of it;
/// the calling app by default).
pub fn set_obo_mobility_intent(op: Operation<'_>) -> Result<Value, GraphError> {
    let waba = required(op.request, "waba_id")?;
    if waba != op.id {
        return Err(GraphError::invalid_parameter(format!(
            "Param waba_id must be the WhatsApp Business Account of the request - got \"{waba}\"."
        )));
    }
    let solution = node_param(&op, "solution_id", NodeKind::Solution)?;
    let mutation = short_text(op.request, "client_mutation_id", MUTATION_ID_CHARS)?;
    let app = match op.request.param_str("app_id") {
        Some(_) => node_param(&op, "app_id", NodeKind::App)?,
        None => op.token.app_id.clone(),
    };
    if app != op.token.app_id {
        return Err(not_permitted(
            "Your app doesn't have permission to set OBO mobility intent for another app",
        ));
    }
    if let Some(actor) = op.request.param_str("actor_id")
        && !matches!(
            op.sandbox.node_kind(&actor),
            Some(NodeKind::User | NodeKind::SystemUser)
        )
    {
        return Err(GraphError::invalid_parameter(format!(
            "Param actor_id must be the id of a user or system user - got \"{actor}\"."
        )));
    }
    let intent = op
        .sandbox
        .mobility_step(op.id, &app, &solution, MobilityStep::Initiate)
        .map_err(refusal)?;
    let mut answer = json!({ "success": true, "intent_id": intent.id });
    if let Some(mutation) = mutation {
        answer["client_mutation_id"] = json!(mutation);
    }
    Ok(answer)
}

/// `POST /{business-id}/onboard_partners_to_mm_lite?solution_id=…`: a party
/// of the active solution asks to onboard the end business to Marketing
/// Messages Lite; mobility intents go on the business's WABAs.
pub fn onboard_to_mm_lite(op: Operation<'_>) -> Result<Value, GraphError> {
    let solution = node_param(&op, "solution_id", NodeKind::Solution)?;
    let id = op
        .sandbox
        .onboard_to_mm_lite(op.id, &op.token.app_id, &solution)
        .map_err(refusal)?;
    Ok(json!({ "request_id": id }))
}
