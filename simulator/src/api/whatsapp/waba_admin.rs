//! A WABA's administration beyond its messaging: `GET/POST
//! /{waba-id}/schedules`, `GET/POST/DELETE /{waba-id}/assigned_users`
//! (`business` names the portfolio when listing; `user` and `tasks` when
//! assigning), `GET /{user-id}/assigned_whatsapp_business_accounts`, and
//! `GET /{waba-id}/activities` (`since`, `until`, `activity_type`). Lists
//! are paged.

use serde_json::{Value, json};

use super::required;
use crate::api::error::GraphError;
use crate::api::lists::paged;
use crate::api::routes::{Operation, success};
use crate::world::clock::graph_time;
use crate::world::nodes::NodeKind;
use crate::world::whatsapp::schedules::NewSchedule;

fn invalid(invalid: crate::world::shared::Invalid) -> GraphError {
    GraphError::invalid_parameter(invalid.message)
}

pub fn create_schedule(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    let is_active = super::flag(request, "is_active")?;
    let new = NewSchedule {
        name: required(request, "name")?,
        schedule_type: required(request, "schedule_type")?,
        start_time: required(request, "start_time")?,
        end_time: required(request, "end_time")?,
        timezone: request.param_str("timezone"),
        days_of_week: request.param_list("days_of_week").unwrap_or_default(),
        is_active,
        recurrence_pattern: request.param_json("recurrence_pattern").transpose()?,
    };
    let id = op.sandbox.create_schedule(op.id, new).map_err(invalid)?;
    Ok(json!({ "id": id }))
}

pub fn schedules(op: Operation<'_>) -> Result<Value, GraphError> {
    let sandbox = &*op.sandbox;
    let ids: Vec<String> = sandbox
        .schedules_of(op.id)
        .iter()
        .map(|s| s.id.clone())
        .collect();
    paged(&op, "schedules", &ids, |id| {
        sandbox
            .whatsapp
            .schedules
            .all
            .get(id)
            .map_or(Value::Null, |s| s.to_json())
    })
}

pub fn assign(op: Operation<'_>) -> Result<Value, GraphError> {
    let user = required(op.request, "user")?;
    let tasks = op
        .request
        .param_list("tasks")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter tasks is required"))?;
    op.sandbox
        .assign_user(op.id, &user, tasks)
        .map_err(invalid)?;
    Ok(success())
}

pub fn unassign(op: Operation<'_>) -> Result<Value, GraphError> {
    let user = required(op.request, "user")?;
    if !op.sandbox.unassign_user(op.id, &user) {
        return Err(GraphError::invalid_parameter(format!(
            "User {user} is not assigned to this WhatsApp Business Account"
        )));
    }
    Ok(success())
}

pub fn assigned_users(op: Operation<'_>) -> Result<Value, GraphError> {
    let sandbox = &*op.sandbox;
    let business = required(op.request, "business")?;
    let owner = sandbox
        .whatsapp
        .wabas
        .get(op.id)
        .map(|w| w.business_id.clone());
    if owner.as_deref() != Some(business.as_str()) {
        return Err(GraphError::invalid_parameter(
            "Param business must be the business portfolio that owns this WhatsApp Business Account",
        ));
    }
    let users: Vec<String> = sandbox
        .assigned_users(op.id)
        .into_iter()
        .map(|(id, _)| id.clone())
        .collect();
    let total = users.len();
    let mut answer = paged(&op, "assigned_users", &users, |id| {
        let (name, user_type) = match sandbox.node_kind(id) {
            Some(NodeKind::SystemUser) => (
                sandbox
                    .accounts
                    .system_users
                    .get(id)
                    .map(|u| u.name.clone()),
                "SYSTEM_USER",
            ),
            _ => (
                sandbox.accounts.users.get(id).map(|u| u.name.clone()),
                "BUSINESS_USER",
            ),
        };
        let tasks = sandbox
            .assigned_users(op.id)
            .into_iter()
            .find(|(user, _)| *user == id)
            .map(|(_, a)| a.tasks.clone())
            .unwrap_or_default();
        json!({
            "id": id,
            "name": name.unwrap_or_default(),
            "tasks": tasks,
            "business": sandbox.business_info(&business),
            "user_type": user_type,
        })
    })?;
    answer["summary"] = json!({ "total_count": total });
    Ok(answer)
}

pub fn assigned_wabas(op: Operation<'_>) -> Result<Value, GraphError> {
    // Only the user, or a token that manages the business, may see them.
    if op.token.subject_id != op.id && !op.token.has_scope("business_management") {
        return Err(GraphError::unsupported("GET", op.id));
    }
    let sandbox = &*op.sandbox;
    let wabas: Vec<String> = sandbox
        .assigned_wabas(op.id)
        .into_iter()
        .map(|(id, _)| id.clone())
        .collect();
    paged(
        &op,
        "assigned_whatsapp_business_accounts",
        &wabas,
        |waba_id| {
            let Some(waba) = sandbox.whatsapp.wabas.get(waba_id) else {
                return Value::Null;
            };
            let assignment = sandbox
                .assigned_wabas(op.id)
                .into_iter()
                .find(|(id, _)| *id == waba_id)
                .map(|(_, a)| a.clone());
            let phones: Vec<Value> = sandbox
            .whatsapp
            .phone_numbers
            .values()
            .filter(|p| p.waba_id == waba_id)
            .map(|p| json!({ "id": p.id, "display_phone_number": p.display_phone_number, "verified_name": p.verified_name }))
            .collect();
            json!({
                "id": waba_id,
                "name": waba.name,
                "status": "ACTIVE",
                "assignment_date": assignment.as_ref().map(|a| graph_time(a.assigned_at)),
                "permissions": assignment.map(|a| a.tasks).unwrap_or_default(),
                "business_id": waba.business_id,
                "phone_numbers": phones,
            })
        },
    )
}

/// A `since`/`until` bound: unix seconds.
fn bound(op: &Operation<'_>, name: &str) -> Result<Option<i64>, GraphError> {
    match op.request.param_str(name) {
        None => Ok(None),
        Some(text) => text.trim().parse::<i64>().map(Some).map_err(|_| {
            GraphError::invalid_parameter(format!("Param {name} must be a unix time in seconds"))
        }),
    }
}

pub fn activities(op: Operation<'_>) -> Result<Value, GraphError> {
    let sandbox = &*op.sandbox;
    let (since, until) = (bound(&op, "since")?, bound(&op, "until")?);
    let types = op.request.param_list("activity_type");
    let log: Vec<_> = sandbox
        .waba_activities(op.id)
        .into_iter()
        .filter(|a| {
            since.is_none_or(|s| a.timestamp >= s) && until.is_none_or(|u| a.timestamp <= u)
        })
        .filter(|a| {
            types
                .as_ref()
                .is_none_or(|t| t.iter().any(|t| t == a.activity_type))
        })
        .collect();
    let ids: Vec<String> = log.iter().map(|a| a.id.clone()).collect();
    paged(&op, "activities", &ids, |id| {
        log.iter()
            .find(|a| a.id == id)
            .map_or(Value::Null, |a| a.to_json())
    })
}
