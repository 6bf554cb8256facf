//! Who needs help first: the coach's reading of each customer message stored as signals, the
//! priority score and its reasons, overrides, SLA deadlines from the stored policy, "my next
//! conversation", the reply collision check, presence, and the timer worker (follow-ups,
//! scheduled replies, snoozes).
//!
//! The key decision: the store keeps the *inputs* (signals, wait, override, pauses, the
//! nearest SLA deadline) and the *score* that orders the queue; the reasons are worked out
//! again at read time from the same inputs, in the reader's language, so they are never stale
//! and never stored in one language. A periodic recompute refreshes the scores that grow with
//! waiting time and SLA nearness; it reads only the conversations whose score can have moved
//! since it was stored (each keeps the instant of its next step, `rescore_at`).

use std::collections::HashMap;
use std::time::Duration;

use ascolto_core::calendar::Pause;
use ascolto_core::followup::{ScheduledAction, ScheduledKind};
use ascolto_core::priority::{
    self, CustomerSignals, PriorityConfig, PriorityInputs, PriorityOverride, PriorityReason,
};
use ascolto_core::search::Lang;
use ascolto_core::sla::{self, ConversationTiming, EscalationAction, SlaMetric, SlaPolicy, SlaStatus};
use ascolto_core::{
    Agent, AgentId, Conversation, ConversationId, ConversationStatus, Customer, CustomerId, Message,
    ParseError, Presence, Priority,
};
use ascolto_store::{
    CheckedReply, EscalationEffect, Job, JobOutcome, NewAgentMessage, NewJob, NextRequest, QueueInputs,
    QueueScore, QueueState, QueueUpdate, SlaEscalation, StoreError, StoreResult, WaitingChange,
};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::events::Event;
use crate::{Desk, ServiceError};

/// The settings key of the SLA policy.
pub const SLA_POLICY_KEY: &str = "sla_policy";
/// How long a claimed timer is held before another worker may take it.
const JOB_LEASE: TimeDelta = TimeDelta::seconds(120);
/// Rows a queue recompute reads and writes per batch. A batch holds SQLite's single writer
/// for about 0.2 s on the 2-core machine. Smaller batches cost more in all: a batch rewrites
/// pages all over the queue indexes whatever its size (2,000 took twice as long as 5,000 for
/// 100,000 conversations, docs/PERFORMANCE.md).
const RECOMPUTE_BATCH: u32 = 5_000;

/// Where one SLA clock stands, as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SlaView {
    pub metric: SlaMetric,
    pub deadline: DateTime<Utc>,
    /// Business seconds left; negative once breached.
    pub remaining_seconds: i64,
    pub breached: bool,
    pub warning: bool,
    pub paused: bool,
    /// When the clock stopped (its target met); `None` while it runs.
    pub met_at: Option<DateTime<Utc>>,
}

impl SlaView {
    /// Whether the clock still runs (paused counts as running: it resumes).
    pub fn is_running(&self) -> bool {
        self.met_at.is_none()
    }
}

impl From<&SlaStatus> for SlaView {
    fn from(status: &SlaStatus) -> Self {
        Self {
            metric: status.metric,
            deadline: status.deadline,
            remaining_seconds: status.remaining_seconds,
            breached: status.breached,
            warning: status.warning,
            paused: status.paused,
            met_at: status.met_at,
        }
    }
}

/// A conversation's place in the queue as a reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QueueView {
    /// The score that orders the queue (as of the last recompute, at most a minute old).
    pub score: u16,
    /// The level computed from the score; the conversation's `priority` is the override's
    /// when there is one.
    pub computed_priority: Priority,
    /// Why, in the reader's interface language ("angry, waited 3 h, SLA breach in 20 min").
    pub explanation: String,
    /// The same reasons as data.
    pub reasons: Vec<PriorityReason>,
    #[serde(rename = "override")]
    pub overridden: Option<PriorityOverride>,
    /// The running and met SLA clocks of the policy.
    pub sla: Vec<SlaView>,
    /// The SLA warnings and escalations that fired, oldest first.
    pub escalations: Vec<SlaEscalation>,
}

/// What one queue recompute did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recomputed {
    pub read: usize,
    pub changed: usize,
}

/// The signals a customer's message carries, as the coach reads them, and its language.
pub fn signals_of(text: &str) -> (CustomerSignals, String) {
    let report = ascolto_coach::analyze_customer(text);
    let signals = CustomerSignals {
        urgency: report.urgency,
        anger: report.emotions.anger.score,
        sentiment: report.sentiment,
        abuse: !report.abuse.is_empty(),
    };
    (signals, report.language.code().to_owned())
}

/// The SLA clocks' view of a conversation, with the stored first unanswered message.
///
/// The targets are chosen by the level without an escalation's raise (the override's, or
/// the score's): a raise must not shorten the very target it answers, or an escalation due an
/// hour after the breach would fire at once.
fn timing(conversation: &Conversation, state: &QueueState) -> ConversationTiming {
    let mut timing = ConversationTiming::of(conversation, state.pauses.clone(), state.paused_since);
    timing.priority = state.overridden.map_or(priority::level_of(state.score), |by_hand| by_hand.priority);
    if conversation.customer_is_waiting() || state.waiting_since.is_some() {
        timing.waiting_since = state.waiting_since.or(timing.waiting_since);
    }
    timing
}

/// The level the score falls in, at least as pressing as an escalation raised it.
fn level_with_escalation(score: u16, escalated: Option<Priority>) -> Priority {
    let level = priority::level_of(score);
    escalated.map_or(level, |raised| level.min(raised))
}

/// One level more pressing than `level`.
fn raised(level: Priority) -> Priority {
    Priority::from_rank((level.rank() - 1).max(0)).unwrap_or(Priority::Urgent)
}

/// Business time from `now` to `deadline` in seconds, negative once it has passed.
fn business_seconds_left(policy: &SlaPolicy, deadline: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    if deadline >= now {
        policy.calendar.business_time_between(now, deadline).num_seconds()
    } else {
        -policy.calendar.business_time_between(deadline, now).num_seconds()
    }
}

/// The score of one due conversation as of `now`, and when it is due again.
fn rescored(
    row: &QueueInputs,
    policy: &SlaPolicy,
    config: &PriorityConfig,
    now: DateTime<Utc>,
) -> QueueScore {
    let inputs = PriorityInputs {
        signals: row.signals,
        channel: row.channel,
        waiting_since: row.waiting_since,
        customer_tags: row.customer_tags.clone(),
        sla_remaining_seconds: row.sla_deadline.map(|deadline| business_seconds_left(policy, deadline, now)),
    };
    let score = priority::score(&inputs, config, now);
    QueueScore {
        conversation_id: row.conversation_id,
        score,
        computed_level: level_with_escalation(score, row.escalated_level),
        rescore_at: rescore_at(&inputs, policy, now),
        was_due_at: row.rescore_at,
    }
}

/// When the score of `inputs` can next move with time alone: the wait's next step, or the SLA
/// part's, its business time turned into an instant by the policy's calendar. Always after
/// `now`, so a recompute never reads the same conversation twice.
fn rescore_at(inputs: &PriorityInputs, policy: &SlaPolicy, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let next = priority::next_change(inputs, now);
    let sla_at = next.sla_after.map(|after| {
        // The business time left is read in whole seconds, truncated, so the step can come up
        // to a second before `after`. A calendar that never opens again cannot turn it into an
        // instant; wall time is then an early, safe bound.
        let after = (after - TimeDelta::seconds(1)).max(TimeDelta::zero());
        policy.calendar.add_business_time(now, after).unwrap_or(now + after)
    });
    let soonest = [next.wait_at, sla_at].into_iter().flatten().min()?;
    Some(soonest.max(now + TimeDelta::milliseconds(1)))
}

impl Desk {
    /// The stored SLA policy, or [`SlaPolicy::default`] (Italian office hours) when none is.
    pub async fn sla_policy(&self) -> Result<SlaPolicy, ServiceError> {
        match self.store.get_setting(SLA_POLICY_KEY).await? {
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                StoreError::backend(std::io::Error::other(format!("stored SLA policy: {e}"))).into()
            }),
            None => Ok(SlaPolicy::default()),
        }
    }

    /// Checks and stores a new SLA policy. Deadlines already stored move at the next change
    /// of each conversation; every open conversation is rescored at the next recompute (the
    /// new calendar moves the business time left to each deadline).
    pub async fn set_sla_policy(&self, policy: SlaPolicy) -> Result<SlaPolicy, ServiceError> {
        validate_policy(&policy, self.now())?;
        let json = serde_json::to_string(&policy).map_err(StoreError::backend)?;
        self.store.put_setting(SLA_POLICY_KEY, &json, self.now()).await?;
        self.store.mark_queue_due().await?;
        Ok(policy)
    }

    /// Recomputes and stores a conversation's score, level and SLA deadline after a change,
    /// with new signals when a customer wrote.
    pub(crate) async fn refresh_queue(
        &self,
        conversation: &Conversation,
        signals: Option<(CustomerSignals, Option<String>)>,
        waiting: WaitingChange,
        pauses: Option<(Vec<Pause>, Option<DateTime<Utc>>)>,
    ) -> Result<Conversation, ServiceError> {
        let now = self.now();
        let policy = self.sla_policy().await?;
        let mut state = self.queue_state(conversation.id).await?;
        if let Some((new_signals, _)) = &signals {
            state.signals = *new_signals;
        }
        if let WaitingChange::CustomerWrote(at) = waiting {
            state.waiting_since = state.waiting_since.or(Some(at));
        }
        if let Some((new_pauses, since)) = &pauses {
            state.pauses = new_pauses.clone();
            state.paused_since = *since;
        }
        let customer = self.store.get_customer(conversation.customer_id).await?;
        let timing = timing(conversation, &state);
        let statuses = policy.statuses(&timing, now).unwrap_or_default();
        let pressing = sla::most_pressing(&statuses);
        let inputs = PriorityInputs {
            signals: state.signals,
            channel: conversation.channel,
            waiting_since: state.waiting_since,
            customer_tags: customer.tags,
            sla_remaining_seconds: None,
        }
        .with_sla(pressing);
        let score = priority::score(&inputs, &PriorityConfig::default(), now);
        let update = QueueUpdate {
            signals,
            waiting,
            score,
            computed_level: Some(level_with_escalation(score, state.escalated_level)),
            sla_deadline: pressing.map(|status| status.deadline),
            pauses,
            sla_checks: sla::check_times(&policy, &timing, now).unwrap_or_default(),
            rescore_at: rescore_at(&inputs, &policy, now),
        };
        Ok(self.store.save_queue_state(conversation.id, update, now).await?)
    }

    async fn queue_state(&self, id: ConversationId) -> Result<QueueState, ServiceError> {
        self.store
            .queue_states(&[id])
            .await?
            .pop()
            .ok_or_else(|| StoreError::not_found("conversation", id).into())
    }

    /// After a customer's message: read it with the coach, restart the wait, end a pause,
    /// cancel the timers their message cancels, and recompute the place in the queue.
    pub(crate) async fn after_customer_message(
        &self,
        conversation: &Conversation,
        (signals, language): (CustomerSignals, String),
        received_at: DateTime<Utc>,
    ) -> Result<Conversation, ServiceError> {
        let state = self.queue_state(conversation.id).await?;
        let pauses = state.paused_since.map(|from| {
            let mut pauses = state.pauses.clone();
            pauses.push(Pause { from, until: received_at.max(from) });
            (pauses, None)
        });
        self.store.cancel_jobs_on_customer_reply(conversation.id, received_at).await?;
        self.refresh_queue(
            conversation,
            Some((signals, Some(language))),
            WaitingChange::CustomerWrote(received_at),
            pauses,
        )
        .await
    }

    /// After a status change: the SLA clocks pause while the conversation waits on the
    /// customer (`pending`) and run again when it leaves that state.
    pub(crate) async fn after_status_change(
        &self,
        before: ConversationStatus,
        conversation: &Conversation,
    ) -> Result<Conversation, ServiceError> {
        let now = self.now();
        let state = self.queue_state(conversation.id).await?;
        let pending = ConversationStatus::Pending;
        let pauses = match (before == pending, conversation.status == pending, state.paused_since) {
            (false, true, None) => Some((state.pauses.clone(), Some(now))),
            (true, false, Some(from)) => {
                let mut pauses = state.pauses.clone();
                pauses.push(Pause { from, until: now });
                Some((pauses, None))
            }
            _ => None,
        };
        self.refresh_queue(conversation, None, WaitingChange::Keep, pauses).await
    }

    /// Sets or (with `None`) removes a priority set by hand.
    pub async fn override_priority(
        &self,
        id: ConversationId,
        priority: Option<Priority>,
        by: AgentId,
    ) -> Result<Conversation, ServiceError> {
        let now = self.now();
        let overridden = priority.map(|priority| PriorityOverride { priority, by, at: now });
        let conversation = self.store.set_priority_override(id, overridden, now).await?;
        self.events.publish(Event::ConversationUpdated { conversation: Box::new(conversation.clone()) });
        Ok(conversation)
    }

    /// The queue view of each conversation, in the same order, explained in `lang`.
    pub async fn queue_views(
        &self,
        conversations: &[Conversation],
        lang: Lang,
    ) -> Result<Vec<QueueView>, ServiceError> {
        let mut ids: Vec<CustomerId> = conversations.iter().map(|c| c.customer_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let customers = self.store.get_customers(&ids).await?;
        self.queue_views_with(conversations, &customers, lang).await
    }

    /// [`Desk::queue_views`] for a caller that has read the conversations' customers already
    /// (their tags count towards the score): a fixed number of store reads for any number of
    /// conversations.
    pub async fn queue_views_with(
        &self,
        conversations: &[Conversation],
        customers: &[Customer],
        lang: Lang,
    ) -> Result<Vec<QueueView>, ServiceError> {
        let now = self.now();
        let policy = self.sla_policy().await?;
        let ids: Vec<_> = conversations.iter().map(|c| c.id).collect();
        let states: HashMap<ConversationId, QueueState> =
            self.store.queue_states(&ids).await?.into_iter().map(|s| (s.conversation_id, s)).collect();
        let mut escalations: HashMap<ConversationId, Vec<_>> = HashMap::new();
        for escalation in self.store.sla_escalations(&ids).await? {
            escalations.entry(escalation.conversation_id).or_default().push(escalation);
        }
        let tags: HashMap<CustomerId, &Vec<String>> = customers.iter().map(|c| (c.id, &c.tags)).collect();
        conversations
            .iter()
            .map(|conversation| {
                let state = states
                    .get(&conversation.id)
                    .ok_or_else(|| StoreError::not_found("conversation", conversation.id))?;
                let customer_tags = tags
                    .get(&conversation.customer_id)
                    .ok_or_else(|| StoreError::not_found("customer", conversation.customer_id))?;
                let fired = escalations.get(&conversation.id).cloned().unwrap_or_default();
                Ok(view(conversation, state, (*customer_tags).clone(), fired, &policy, lang, now))
            })
            .collect()
    }

    /// Recomputes the score of every open conversation whose score can have moved since it
    /// was last computed (scores grow with waiting time and the nearness of SLA deadlines, in
    /// steps; each conversation stores when its next step comes) and stores the new scores
    /// with their next step. Reads and writes in batches, so SQLite's single writer is never
    /// held for long.
    pub async fn recompute_queue(&self) -> Result<Recomputed, ServiceError> {
        let now = self.now();
        let policy = self.sla_policy().await?;
        let config = PriorityConfig::default();
        let mut done = Recomputed::default();
        loop {
            // Every row read is written back with a `rescore_at` after `now`, so the next call
            // reads the next rows.
            let batch = self.store.due_queue_inputs(now, RECOMPUTE_BATCH).await?;
            if batch.is_empty() {
                break;
            }
            let scores: Vec<QueueScore> =
                batch.iter().map(|row| rescored(row, &policy, &config, now)).collect();
            done.read += batch.len();
            done.changed += batch
                .iter()
                .zip(&scores)
                .filter(|(row, new)| new.score != row.score || new.computed_level != row.computed_level)
                .count();
            self.store.save_queue_scores(&scores).await?;
            if batch.len() < RECOMPUTE_BATCH as usize {
                break;
            }
        }
        Ok(done)
    }

    /// Runs the queue recompute every `every` until `shutdown` turns true.
    pub async fn run_queue_recompute(self, every: Duration, mut shutdown: watch::Receiver<bool>) {
        loop {
            match self.recompute_queue().await {
                Ok(done) => info!(
                    read = done.read,
                    changed = done.changed,
                    "recomputed the queue: {} of {} scores changed",
                    done.changed,
                    done.read
                ),
                Err(error) => warn!("queue recompute failed: {error}"),
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }

    /// "My next conversation": assigns the agent the most pressing unassigned conversation
    /// that fits their languages, teams and free capacity. `None` when nothing fits.
    pub async fn next_conversation(&self, agent: &Agent) -> Result<Option<Conversation>, ServiceError> {
        let request = NextRequest {
            agent: agent.id,
            languages: agent.languages.clone(),
            teams: agent.teams.clone(),
            capacity: self.store.agent_capacity(agent.id).await?,
        };
        let claimed = self.store.claim_next_conversation(&request, self.now()).await?;
        if let Some(conversation) = &claimed {
            info!(conversation.id = %conversation.id, agent.id = %agent.id, "assigned conversation {} to agent {} as their next", conversation.id, agent.id);
            self.events.publish(Event::ConversationUpdated { conversation: Box::new(conversation.clone()) });
        }
        Ok(claimed)
    }

    /// Sets an agent's presence; going offline returns their open conversations to the queue.
    pub async fn set_presence(
        &self,
        agent: AgentId,
        presence: Presence,
    ) -> Result<(Agent, Vec<Conversation>), ServiceError> {
        let patch = ascolto_store::AgentPatch { presence: Some(presence), ..Default::default() };
        let agent = self.store.update_agent(agent, patch).await?;
        let released = if ascolto_core::assignment::releases_conversations(presence) {
            self.store.release_conversations(agent.id, self.now()).await?
        } else {
            Vec::new()
        };
        for conversation in &released {
            self.events.publish(Event::ConversationUpdated { conversation: Box::new(conversation.clone()) });
        }
        if ascolto_core::assignment::accepts_new_conversations(presence) {
            // An agent with room came online: automatic assignment may have work for them.
            self.assignment_wake.notify_one();
        }
        Ok((agent, released))
    }

    /// Schedules a timer on a conversation.
    pub async fn schedule(
        &self,
        conversation: ConversationId,
        action: ScheduledAction,
        by: Option<AgentId>,
    ) -> Result<Job, ServiceError> {
        if action.due_at < action.created_at {
            return Err(ParseError::new("send_at", "must not be in the past").into());
        }
        Ok(self.store.schedule_job(NewJob { conversation, action, created_by: by, dedupe_key: None }).await?)
    }

    /// Claims due timers and runs them. Returns how many were worked.
    pub async fn run_due_jobs(&self, limit: u32) -> StoreResult<usize> {
        let now = self.now();
        let jobs = self.store.claim_jobs(now, now + JOB_LEASE, limit).await?;
        for job in &jobs {
            if let Err(error) = self.run_job(job).await {
                warn!(job.id = job.id, conversation.id = %job.conversation_id, "timer {} failed: {error}", job.id);
            }
        }
        Ok(jobs.len())
    }

    async fn run_job(&self, job: &Job) -> Result<(), ServiceError> {
        let now = self.now();
        if !ascolto_core::followup::should_fire(&job.action(), job.last_customer_message_at, now) {
            info!(job.id = job.id, "timer {} cancelled: the customer wrote after it was set", job.id);
            return Ok(self.store.finish_job(job.id, JobOutcome::Cancelled, now).await?);
        }
        let conversation = self.store.get_conversation(job.conversation_id).await?;
        let author = job.created_by.or(conversation.assignee);
        match (&job.kind, author) {
            (
                ScheduledKind::Nudge { template: text } | ScheduledKind::ScheduledReply { text },
                Some(agent),
            ) => self.fire_reply(job, &conversation, agent, text.clone(), false).await,
            (ScheduledKind::RemindAgent, Some(agent)) => {
                let text = "Reminder: the customer has not answered yet; follow up.".to_owned();
                self.fire_reply(job, &conversation, agent, text, true).await
            }
            (ScheduledKind::EndSnooze, _) => {
                if conversation.status == ConversationStatus::Snoozed {
                    let patch = ascolto_store::ConversationPatch {
                        status: Some(ConversationStatus::Open),
                        ..Default::default()
                    };
                    self.update_conversation(conversation.id, patch).await?;
                }
                Ok(self.store.finish_job(job.id, JobOutcome::Done, now).await?)
            }
            (ScheduledKind::SlaCheck, _) => {
                self.run_sla_check(&conversation).await?;
                Ok(self.store.finish_job(job.id, JobOutcome::Done, now).await?)
            }
            (_, None) => {
                warn!(job.id = job.id, "timer {} has nobody to act for: cancelled", job.id);
                Ok(self.store.finish_job(job.id, JobOutcome::Cancelled, now).await?)
            }
        }
    }

    /// Acts on the SLA warnings and escalations due now for `conversation`, each once:
    /// records it with its effect (raise the priority, back to the queue), announces it with
    /// who should hear of it, then refreshes the queue state, which sets the next check.
    async fn run_sla_check(&self, conversation: &Conversation) -> Result<(), ServiceError> {
        let now = self.now();
        let policy = self.sla_policy().await?;
        let state = self.queue_state(conversation.id).await?;
        let due = sla::due_actions(&policy, &timing(conversation, &state), now).unwrap_or_default();
        let mut current = conversation.clone();
        for event in due {
            let escalation = SlaEscalation {
                conversation_id: conversation.id,
                key: event.key(),
                metric: event.metric,
                action: event.action,
                breach: event.is_breach(),
                deadline: event.deadline,
                fired_at: now,
            };
            let effect = match event.action {
                EscalationAction::RaisePriority => {
                    EscalationEffect { raise_to: Some(raised(current.priority)), ..Default::default() }
                }
                EscalationAction::Reassign => {
                    EscalationEffect { unassign: current.assignee.is_some(), ..Default::default() }
                }
                EscalationAction::NotifyAssignee | EscalationAction::NotifyLead => {
                    EscalationEffect::default()
                }
            };
            let Some(updated) = self.store.record_sla_escalation(&escalation, effect).await? else {
                continue;
            };
            let notify = self.escalation_recipients(&updated, event.action).await?;
            info!(conversation.id = %conversation.id, sla.event = %escalation.key, "SLA {} of conversation {}: {} ({})",
                if escalation.breach { "breach" } else { "warning" }, conversation.id, escalation.action, escalation.metric);
            self.events.publish(Event::SlaEscalated {
                conversation: Box::new(updated.clone()),
                escalation: Box::new(escalation),
                notify,
            });
            current = updated;
        }
        let refreshed = self.refresh_queue(&current, None, WaitingChange::Keep, None).await?;
        if refreshed != *conversation {
            self.events.publish(Event::ConversationUpdated { conversation: Box::new(refreshed) });
        }
        Ok(())
    }

    /// Who hears of an escalation: the assignee for `notify_assignee`, the lead they report
    /// to for `notify_lead`; the leads of the conversation's team when there is nobody more
    /// specific; nobody in particular for the other actions.
    async fn escalation_recipients(
        &self,
        conversation: &Conversation,
        action: EscalationAction,
    ) -> Result<Vec<AgentId>, ServiceError> {
        let specific = match (action, conversation.assignee) {
            (EscalationAction::NotifyAssignee, Some(assignee)) => Some(assignee),
            (EscalationAction::NotifyLead, Some(assignee)) => {
                self.store.get_agent(assignee).await?.reports_to
            }
            (EscalationAction::NotifyAssignee | EscalationAction::NotifyLead, None) => None,
            _ => return Ok(Vec::new()),
        };
        if let Some(agent) = specific {
            return Ok(vec![agent]);
        }
        let Some(team) = conversation.team else { return Ok(Vec::new()) };
        let members = self.store.agent_presence(ascolto_store::PresenceOf::Team(team)).await?;
        Ok(members
            .into_iter()
            .filter(|m| m.agent.role == ascolto_core::Role::Lead)
            .map(|m| m.agent.id)
            .collect())
    }

    async fn fire_reply(
        &self,
        job: &Job,
        conversation: &Conversation,
        agent: AgentId,
        text: String,
        note: bool,
    ) -> Result<(), ServiceError> {
        let reply = NewAgentMessage {
            conversation: conversation.id,
            agent,
            text,
            html: None,
            note,
            created_at: self.now(),
            template: None,
        };
        if let Some(message) = self.store.fire_reply_job(job.id, reply).await? {
            info!(job.id = job.id, message.id = %message.id, "timer {} sent message {}", job.id, message.id);
            let conversation = self.store.get_conversation(message.conversation_id).await?;
            self.events.publish(Event::MessageCreated {
                conversation: Box::new(conversation),
                message: Box::new(message),
            });
        }
        Ok(())
    }

    /// Runs the timer worker until `shutdown` turns true, polling every second.
    pub async fn run_jobs(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            let worked = self.run_due_jobs(32).await.unwrap_or_else(|error| {
                warn!("timer worker could not read the store: {error}");
                0
            });
            if worked > 0 {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }

    /// Stores a reply unless another reply went out after the sender's draft began.
    pub async fn reply_checked(
        &self,
        request: crate::ReplyRequest,
        draft_started_at: Option<DateTime<Utc>>,
    ) -> Result<CheckedReply, ServiceError> {
        let mut request = request;
        if request.template.is_some() {
            // An approved template may go out at any time; its text is its filled-in body.
            let conversation = self.store.get_conversation(request.conversation).await?;
            request.text = self.check_template(&conversation, &request).await?;
        } else if !request.note {
            // WhatsApp allows free text only within 24 hours of the customer's last message.
            self.check_service_window(&self.store.get_conversation(request.conversation).await?)?;
        }
        let new = self.prepare_reply(request)?;
        let outcome = self.store.add_checked_reply(new, draft_started_at).await?;
        if let CheckedReply::Stored(message) = &outcome {
            if !message_is_note(message) {
                // The wait ended: the score drops and the next-response clock stops.
                let conversation = self.store.get_conversation(message.conversation_id).await?;
                self.refresh_queue(&conversation, None, WaitingChange::Keep, None).await?;
            }
            self.announce_message(message).await?;
        }
        Ok(outcome)
    }

    async fn announce_message(&self, message: &Message) -> Result<(), ServiceError> {
        let conversation = self.store.get_conversation(message.conversation_id).await?;
        self.events.publish(Event::MessageCreated {
            conversation: Box::new(conversation),
            message: Box::new(message.clone()),
        });
        Ok(())
    }
}

fn message_is_note(message: &Message) -> bool {
    message.direction == ascolto_core::Direction::Note
}

fn view(
    conversation: &Conversation,
    state: &QueueState,
    customer_tags: Vec<String>,
    escalations: Vec<SlaEscalation>,
    policy: &SlaPolicy,
    lang: Lang,
    now: DateTime<Utc>,
) -> QueueView {
    let statuses = policy.statuses(&timing(conversation, state), now).unwrap_or_default();
    let inputs = PriorityInputs {
        signals: state.signals,
        channel: conversation.channel,
        waiting_since: state.waiting_since,
        customer_tags,
        sla_remaining_seconds: None,
    }
    .with_sla(sla::most_pressing(&statuses));
    let mut assessment = priority::assess(&inputs, &PriorityConfig::default(), now);
    if let Some(priority) = state.escalated_level {
        assessment.reasons.insert(0, PriorityReason::Escalated { priority });
    }
    let queue = priority::QueuePriority { computed: assessment, overridden: state.overridden };
    QueueView {
        score: state.score,
        computed_priority: state.computed_level,
        explanation: queue.explain(lang),
        reasons: queue.computed.reasons,
        overridden: state.overridden,
        sla: statuses.iter().map(SlaView::from).collect(),
        escalations,
    }
}

/// A policy is usable when its numbers are sane and its calendar opens at some point.
fn validate_policy(policy: &SlaPolicy, now: DateTime<Utc>) -> Result<(), ParseError> {
    if policy.name.trim().is_empty() {
        return Err(ParseError::new("name", "must not be empty"));
    }
    if policy.warning_percent > 100 {
        return Err(ParseError::new("warning_percent", "must be between 0 and 100"));
    }
    let zero = policy
        .targets
        .iter()
        .flat_map(|t| SlaMetric::ALL.iter().filter_map(|m| t.minutes(*m)))
        .any(|m| m == 0);
    if zero {
        return Err(ParseError::new("targets", "a target must be at least one minute"));
    }
    policy
        .calendar
        .add_business_time(now, TimeDelta::minutes(1))
        .map_err(|_| ParseError::new("calendar", "is never open: no deadline could be met"))?;
    Ok(())
}
