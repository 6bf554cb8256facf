//! Follow-ups, reminders, scheduled replies and snoozes: actions set for later, when they are
//! due, and when a customer's message makes them moot.
//!
//! The key decision: a scheduled action remembers when it was created, and a customer message
//! after that moment cancels it (when the action says so). Nothing has to find and delete the
//! action when the customer writes: the job that would run it asks [`should_fire`] first, so
//! a nudge never goes out to a customer who has just answered.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError};

/// What a follow-up rule does when the customer has not answered in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FollowUpAction {
    /// Send the customer a reminder written from this template.
    Nudge { template: String },
    /// Remind the assigned agent to follow up themselves.
    RemindAgent,
}

/// "If the customer has not answered within N business hours of our reply, do this."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FollowUpRule {
    pub after_business_hours: u32,
    pub action: FollowUpAction,
}

impl FollowUpRule {
    /// The action this rule schedules after an agent's reply at `replied_at`, due after the
    /// rule's business hours on `calendar`, cancelled by any customer message after the reply.
    pub fn schedule(
        &self,
        calendar: &Calendar,
        replied_at: DateTime<Utc>,
    ) -> Result<ScheduledAction, CalendarError> {
        let wait = Duration::hours(i64::from(self.after_business_hours));
        Ok(ScheduledAction {
            kind: match &self.action {
                FollowUpAction::Nudge { template } => ScheduledKind::Nudge { template: template.clone() },
                FollowUpAction::RemindAgent => ScheduledKind::RemindAgent,
            },
            due_at: calendar.add_business_time(replied_at, wait)?,
            created_at: replied_at,
            cancel_on_customer_reply: true,
        })
    }
}

/// What a scheduled action does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ScheduledKind {
    /// Send the customer a reminder from this template.
    Nudge { template: String },
    /// Remind the assigned agent.
    RemindAgent,
    /// Send a reply an agent wrote and scheduled.
    ScheduledReply { text: String },
    /// Bring a snoozed conversation back to the queue.
    EndSnooze,
    /// Run the SLA escalations whose time has come (see `crate::sla::check_times`).
    SlaCheck,
}

/// An action set for later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScheduledAction {
    pub kind: ScheduledKind,
    pub due_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// Whether a customer message after `created_at` cancels it.
    pub cancel_on_customer_reply: bool,
}

impl ScheduledAction {
    /// A snooze until `until`, set at `now`; the customer writing ends it early, and the
    /// conversation comes back then through the message itself.
    pub fn snooze(until: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        ScheduledAction {
            kind: ScheduledKind::EndSnooze,
            due_at: until,
            created_at: now,
            cancel_on_customer_reply: true,
        }
    }

    /// A reply to send at `send_at`, scheduled at `now`. Whether the customer writing first
    /// cancels it is the agent's choice: a reply that answers a question may be stale by
    /// then, a holiday greeting is not.
    pub fn reply(
        text: String,
        send_at: DateTime<Utc>,
        now: DateTime<Utc>,
        cancel_on_customer_reply: bool,
    ) -> Self {
        ScheduledAction {
            kind: ScheduledKind::ScheduledReply { text },
            due_at: send_at,
            created_at: now,
            cancel_on_customer_reply,
        }
    }
}

/// Whether a customer message has cancelled `action`: it cancels on a customer reply and the
/// customer's latest message came strictly after the action was scheduled.
pub fn is_cancelled(action: &ScheduledAction, last_customer_message_at: Option<DateTime<Utc>>) -> bool {
    action.cancel_on_customer_reply
        && last_customer_message_at.is_some_and(|message_at| message_at > action.created_at)
}

/// Whether `action`'s time has come at `now`.
pub fn is_due(action: &ScheduledAction, now: DateTime<Utc>) -> bool {
    now >= action.due_at
}

/// Whether `action` should run now: it is due and no customer message has cancelled it.
pub fn should_fire(
    action: &ScheduledAction,
    last_customer_message_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    is_due(action, now) && !is_cancelled(action, last_customer_message_at)
}
