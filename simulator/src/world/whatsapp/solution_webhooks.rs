//! The `partner_solutions` webhook: every time a Multi-Partner Solution is
//! created or changes status, each party app that knows of it hears of it —
//! one event per app, addressed to the business portfolio that owns the app
//! (an app without an owner business has no portfolio to be told about, and
//! hears nothing). A draft is the owner's alone: the partner hears of the
//! solution when it is sent (`SOLUTION_CREATED`, `INITIATED`). The value is
//! Meta's `{"event", "solution_id", "solution_status"}`.

use crate::world::events::EventPayload;
use crate::world::sandbox::Sandbox;

/// Meta's `event` of a `partner_solutions` change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolutionEvent {
    /// The solution was saved as a draft or sent to its partner.
    Created,
    /// Its status changed (accepted, rejected, deactivation asked, answered).
    Updated,
}

impl SolutionEvent {
    pub fn name(self) -> &'static str {
        match self {
            SolutionEvent::Created => "SOLUTION_CREATED",
            SolutionEvent::Updated => "SOLUTION_UPDATED",
        }
    }
}

impl Sandbox {
    /// Tell the solution's party apps what just happened to it.
    pub(super) fn report_solution(&mut self, id: &str, event: SolutionEvent) {
        let Some(solution) = self.whatsapp.solutions.solutions.get(id) else {
            return;
        };
        let status = solution.webhook_status();
        let parties = [&solution.owner_app_id, &solution.partner_app_id];
        let addressed: Vec<(String, String)> = parties
            .into_iter()
            .filter(|app_id| solution.known_to(app_id))
            .filter_map(|app_id| {
                let business = self.accounts.apps.get(app_id)?.business_id.clone()?;
                Some((business, app_id.clone()))
            })
            .collect();
        let now = self.clock.now();
        for (business_id, app_id) in addressed {
            self.events.emit(
                now,
                EventPayload::WhatsappSolution {
                    business_id,
                    app_id,
                    solution_id: id.to_owned(),
                    event: event.name().to_owned(),
                    status: status.to_owned(),
                },
            );
        }
    }
}
