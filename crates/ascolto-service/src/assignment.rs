//! Automatic assignment: the worker that hands waiting conversations to online agents by free
//! capacity, language and team, most pressing first, and the setting that turns it on or off
//! for the whole desk or for some teams.
//!
//! The key decision: the plan and its writes happen inside one store transaction
//! ([`ascolto_store::Store::assign_waiting`], which runs `ascolto_core::assignment::
//! plan_assignments` on the loads it has just read), so passes on several nodes, and "my next
//! conversation" beside them, never put an agent over capacity. The worker only decides *when*
//! to run a pass: after a customer's message, after a conversation returns to the queue, when
//! an agent comes online, and periodically, since another node's changes reach this one late.

use std::time::Duration;

use ascolto_core::{Conversation, ConversationStatus, Direction, TeamId};
use ascolto_store::{AssignmentScope, StoreError};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};
use tracing::{info, warn};

use crate::events::{Envelope, Event};
use crate::{Desk, ServiceError};

/// The settings key of [`AutoAssignment`].
pub const AUTO_ASSIGNMENT_KEY: &str = "auto_assignment";

/// Waits this long after a triggering event before a pass, so a burst of arrivals is
/// handed out by one pass rather than one pass per message.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// Whether the desk hands out waiting conversations by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoAssignment {
    /// On for the whole desk (the default), or off: agents take conversations by hand or
    /// with "my next conversation".
    pub enabled: bool,
    /// Teams whose conversations are left for their agents to pick by hand.
    #[serde(default)]
    #[schema(value_type = Vec<i64>)]
    pub disabled_teams: Vec<TeamId>,
}

impl Default for AutoAssignment {
    fn default() -> Self {
        Self { enabled: true, disabled_teams: Vec::new() }
    }
}

/// Whether `event` may have put a conversation in the queue that an online agent could take.
fn wants_a_pass(event: &Event) -> bool {
    match event {
        Event::MessageCreated { conversation, message } => {
            message.direction == Direction::Inbound && waits_unassigned(conversation)
        }
        Event::ConversationUpdated { conversation } => waits_unassigned(conversation),
        _ => false,
    }
}

fn waits_unassigned(conversation: &Conversation) -> bool {
    conversation.status == ConversationStatus::Open && conversation.assignee.is_none()
}

impl Desk {
    /// The stored automatic assignment setting, or [`AutoAssignment::default`] (on).
    pub async fn auto_assignment(&self) -> Result<AutoAssignment, ServiceError> {
        match self.store.get_setting(AUTO_ASSIGNMENT_KEY).await? {
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                StoreError::backend(std::io::Error::other(format!("stored auto assignment setting: {e}")))
                    .into()
            }),
            None => Ok(AutoAssignment::default()),
        }
    }

    /// Stores the automatic assignment setting; its teams must exist. Turning it on wakes
    /// the worker.
    pub async fn set_auto_assignment(
        &self,
        mut setting: AutoAssignment,
    ) -> Result<AutoAssignment, ServiceError> {
        setting.disabled_teams.sort_unstable();
        setting.disabled_teams.dedup();
        for team in &setting.disabled_teams {
            if let Err(StoreError::NotFound { .. }) = self.store.get_team(*team).await {
                return Err(ascolto_core::ParseError::new(
                    "disabled_teams",
                    format!("team {team} does not exist"),
                )
                .into());
            }
        }
        let json = serde_json::to_string(&setting).map_err(StoreError::backend)?;
        self.store.put_setting(AUTO_ASSIGNMENT_KEY, &json, self.now()).await?;
        if setting.enabled {
            self.assignment_wake.notify_one();
        }
        Ok(setting)
    }

    /// One automatic assignment pass, when the setting allows: returns the conversations it
    /// assigned and announces each.
    pub async fn assign_waiting(&self) -> Result<Vec<Conversation>, ServiceError> {
        let setting = self.auto_assignment().await?;
        if !setting.enabled {
            return Ok(Vec::new());
        }
        let scope = AssignmentScope { excluded_teams: setting.disabled_teams };
        let assigned = self.store.assign_waiting(&scope, self.now()).await?;
        for conversation in &assigned {
            if let Some(agent) = conversation.assignee {
                info!(conversation.id = %conversation.id, agent.id = %agent, "assigned conversation {} to agent {} automatically", conversation.id, agent);
            }
            self.events.publish(Event::ConversationUpdated { conversation: Box::new(conversation.clone()) });
        }
        Ok(assigned)
    }

    /// Runs automatic assignment until `shutdown` turns true: a pass shortly after each
    /// event that may have queued a conversation, when woken through
    /// [`Desk::assignment_wake`], and every `every` in any case.
    pub async fn run_auto_assignment(self, every: Duration, mut shutdown: watch::Receiver<bool>) {
        let mut events = self.events.subscribe();
        loop {
            if let Err(error) = self.assign_waiting().await {
                warn!("automatic assignment failed: {error}");
            }
            let woken = tokio::select! {
                _ = tokio::time::sleep(every) => true,
                _ = self.assignment_wake.notified() => true,
                received = next_trigger(&mut events) => received,
                _ = shutdown.changed() => false,
            };
            if !woken || *shutdown.borrow() {
                return;
            }
            // Let the rest of a burst arrive, and drop the events it raised meanwhile.
            tokio::time::sleep(DEBOUNCE).await;
            events = events.resubscribe();
        }
    }
}

/// Waits for an event that calls for a pass. Returns false when the bus has closed.
async fn next_trigger(events: &mut broadcast::Receiver<std::sync::Arc<Envelope>>) -> bool {
    loop {
        match events.recv().await {
            Ok(envelope) if wants_a_pass(&envelope.event) => return true,
            Ok(_) => {}
            // Missed events: a pass catches up with whatever they were.
            Err(broadcast::error::RecvError::Lagged(_)) => return true,
            Err(broadcast::error::RecvError::Closed) => return false,
        }
    }
}
