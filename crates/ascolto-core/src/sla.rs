//! Service-level agreements: the targets a conversation must meet (first response, next
//! response, resolution) in business time, where each clock stands at a given `now`, and which
//! warnings and escalations are due.
//!
//! The key decision: everything here is a function of the policy, the conversation's timing
//! and `now`, with no memory of what already happened. [`due_actions`] returns every event whose
//! time has come for the clock now running, each with a stable [`SlaEvent::key`]; the job that
//! runs it records the keys it has acted on and skips them next time. So a job that runs late,
//! twice, or on two nodes at once fires each event once, provided it records keys atomically.
//!
//! Invariants:
//! - a clock starts at a customer's message (or the conversation's opening) and stops at the
//!   reply (or resolution) that meets it; business time only counts while the policy's
//!   calendar is open and the conversation is not waiting on the customer;
//! - a deadline is never before its clock's start, and the business time between them, less
//!   the pauses, is exactly the target;
//! - the target for a metric comes from the most specific matching [`SlaTarget`] that sets it
//!   (priority, channel and team each count one); among equally specific ones the strictest
//!   wins, so the order of `targets` never matters;
//! - once a clock has stopped, nothing more fires for it.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError, Pause};
use crate::{Channel, Conversation, Priority, TeamId, word_enum};

word_enum!(
    /// What an SLA target measures.
    SlaMetric {
        /// From the conversation's opening to the first agent reply.
        FirstResponse = "first_response",
        /// From a customer's message to the agent reply that answers it, after the first.
        NextResponse = "next_response",
        /// From the conversation's opening to its resolution.
        Resolution = "resolution",
    }
);

/// Business-time targets for the conversations it matches. An empty matcher matches all:
/// `{"priority": "urgent", "first_response_minutes": 120}` applies to every urgent
/// conversation whatever its channel or team.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SlaTarget {
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub team: Option<TeamId>,
    /// Business minutes to the first reply.
    #[serde(default)]
    pub first_response_minutes: Option<u32>,
    /// Business minutes to answer each later customer message.
    #[serde(default)]
    pub next_response_minutes: Option<u32>,
    /// Business minutes to resolve the conversation.
    #[serde(default)]
    pub resolution_minutes: Option<u32>,
}

impl SlaTarget {
    /// The target this entry sets for `metric`, in business minutes.
    pub fn minutes(&self, metric: SlaMetric) -> Option<u32> {
        match metric {
            SlaMetric::FirstResponse => self.first_response_minutes,
            SlaMetric::NextResponse => self.next_response_minutes,
            SlaMetric::Resolution => self.resolution_minutes,
        }
    }

    fn matches(&self, priority: Priority, channel: Channel, team: Option<TeamId>) -> bool {
        self.priority.is_none_or(|wanted| wanted == priority)
            && self.channel.is_none_or(|wanted| wanted == channel)
            && self.team.is_none_or(|wanted| Some(wanted) == team)
    }

    /// How many matchers this entry sets: the more, the more specific.
    fn specificity(&self) -> u8 {
        u8::from(self.priority.is_some()) + u8::from(self.channel.is_some()) + u8::from(self.team.is_some())
    }
}

word_enum!(
    /// What an escalation rule does when its time comes.
    EscalationAction {
        /// Tell the assigned agent (or the team, when nobody is assigned).
        NotifyAssignee = "notify_assignee",
        /// Tell the lead of the assignee or team.
        NotifyLead = "notify_lead",
        /// Raise the conversation's priority one level.
        RaisePriority = "raise_priority",
        /// Take the conversation from its assignee and put it back in the queue.
        Reassign = "reassign",
    }
);

/// When an escalation rule fires, relative to the deadline and counted in business time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "when", rename_all = "snake_case")]
pub enum EscalationTrigger {
    /// When the clock enters its warning stretch (see [`SlaPolicy::warning_percent`]).
    Warning,
    /// This many business minutes before the deadline. Skipped for targets no longer than
    /// that, where it would fire the moment the clock starts.
    BeforeDeadline { minutes: u32 },
    /// At the deadline: the breach.
    AtDeadline,
    /// This many business minutes after the deadline.
    AfterDeadline { minutes: u32 },
}

impl EscalationTrigger {
    /// Whether it fires at or after the deadline, as a breach, rather than as a warning.
    pub fn is_breach(self) -> bool {
        matches!(self, EscalationTrigger::AtDeadline | EscalationTrigger::AfterDeadline { .. })
    }

    /// The business time from the clock's start to this trigger for `target`; `None` when
    /// the trigger would fire at the start itself and so warns of nothing.
    fn after_start(self, target: Duration, warning: Duration) -> Option<Duration> {
        let at = match self {
            EscalationTrigger::Warning => target - warning,
            EscalationTrigger::BeforeDeadline { minutes } => target - Duration::minutes(i64::from(minutes)),
            EscalationTrigger::AtDeadline => target,
            EscalationTrigger::AfterDeadline { minutes } => target + Duration::minutes(i64::from(minutes)),
        };
        (at > Duration::zero()).then_some(at)
    }

    /// A stable name for the trigger, part of [`SlaEvent::key`].
    fn key(self) -> String {
        match self {
            EscalationTrigger::Warning => "warning".to_owned(),
            EscalationTrigger::BeforeDeadline { minutes } => format!("before-{minutes}"),
            EscalationTrigger::AtDeadline => "deadline".to_owned(),
            EscalationTrigger::AfterDeadline { minutes } => format!("after-{minutes}"),
        }
    }
}

/// One escalation rule: for a metric (or all), when to fire and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EscalationRule {
    /// The metric whose clock it watches; every metric when absent.
    #[serde(default)]
    pub metric: Option<SlaMetric>,
    pub trigger: EscalationTrigger,
    pub action: EscalationAction,
}

/// An SLA policy: the business calendar its clocks run on, the targets, and the escalations.
///
/// Stored as JSON; [`SlaPolicy::default`] is the desk's out-of-the-box policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SlaPolicy {
    pub name: String,
    pub calendar: Calendar,
    pub targets: Vec<SlaTarget>,
    /// A running clock is in warning once this share of its target or less is left (25
    /// means the last quarter); values above 100 count as 100. A share, not a fixed number
    /// of minutes, so a ten-minute chat target and a two-day resolution both warn in time.
    pub warning_percent: u8,
    #[serde(default)]
    pub escalations: Vec<EscalationRule>,
}

impl Default for SlaPolicy {
    /// Italian office hours and holidays; urgent conversations answered within 2 business
    /// hours, high within 4, normal within 8, low within 16; live chats within 10 business
    /// minutes whatever their priority; warnings in the last quarter of each target; the
    /// assignee told at the warning, the lead told and the priority raised at the breach, and
    /// the conversation reassigned an hour after it.
    fn default() -> Self {
        let by_priority = |priority, response, resolution| SlaTarget {
            priority: Some(priority),
            first_response_minutes: Some(response),
            next_response_minutes: Some(response),
            resolution_minutes: Some(resolution),
            ..SlaTarget::default()
        };
        let live = |channel| SlaTarget {
            channel: Some(channel),
            first_response_minutes: Some(10),
            next_response_minutes: Some(10),
            ..SlaTarget::default()
        };
        let rule = |trigger, action| EscalationRule { metric: None, trigger, action };
        SlaPolicy {
            name: "default".to_owned(),
            calendar: Calendar::italian_office(),
            targets: vec![
                by_priority(Priority::Urgent, 2 * 60, 8 * 60),
                by_priority(Priority::High, 4 * 60, 16 * 60),
                by_priority(Priority::Normal, 8 * 60, 40 * 60),
                by_priority(Priority::Low, 16 * 60, 80 * 60),
                live(Channel::WebChat),
                live(Channel::WhatsApp),
                live(Channel::Telegram),
            ],
            warning_percent: 25,
            escalations: vec![
                rule(EscalationTrigger::Warning, EscalationAction::NotifyAssignee),
                rule(EscalationTrigger::AtDeadline, EscalationAction::NotifyLead),
                rule(EscalationTrigger::AtDeadline, EscalationAction::RaisePriority),
                rule(EscalationTrigger::AfterDeadline { minutes: 60 }, EscalationAction::Reassign),
            ],
        }
    }
}

/// What the SLA clocks need to know about a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConversationTiming {
    /// The priority the targets are chosen by: the conversation's stored (effective) priority.
    pub priority: Priority,
    pub channel: Channel,
    pub team: Option<TeamId>,
    /// When the first-response and resolution clocks start.
    pub opened_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    /// The oldest customer message not yet answered, if the customer is waiting for us.
    pub waiting_since: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Past stretches spent waiting on the customer; the clocks do not run there.
    #[serde(default)]
    pub pauses: Vec<Pause>,
    /// Set while the conversation waits on the customer now: the clocks stopped then.
    #[serde(default)]
    pub paused_since: Option<DateTime<Utc>>,
}

impl ConversationTiming {
    /// The timing of `conversation`, given the pauses the store recorded.
    ///
    /// The conversation only knows the customer's latest message, so a customer who wrote
    /// three times in a row is taken to have waited since the third; a store that keeps the
    /// first unanswered message should set `waiting_since` from it instead.
    pub fn of(conversation: &Conversation, pauses: Vec<Pause>, paused_since: Option<DateTime<Utc>>) -> Self {
        ConversationTiming {
            priority: conversation.priority,
            channel: conversation.channel,
            team: conversation.team,
            opened_at: conversation.created_at,
            first_response_at: conversation.first_response_at,
            waiting_since: conversation
                .last_customer_message_at
                .filter(|_| conversation.customer_is_waiting()),
            resolved_at: conversation.resolved_at,
            pauses,
            paused_since,
        }
    }

    /// The pauses as they stand at `now`: the ongoing one, if any, runs until `now`, so a
    /// deadline computed with them is the one the conversation would have if it resumed now.
    fn pauses_at(&self, now: DateTime<Utc>) -> Vec<Pause> {
        let mut pauses = self.pauses.clone();
        if let Some(from) = self.paused_since.filter(|from| *from < now) {
            pauses.push(Pause { from, until: now });
        }
        pauses
    }

    /// Where `metric`'s clock starts and, if it has, where it stopped; `None` when it does
    /// not run for this conversation.
    fn clock(&self, metric: SlaMetric) -> Option<(DateTime<Utc>, Option<DateTime<Utc>>)> {
        match metric {
            // A conversation resolved without a reply (spam, a duplicate) stops this clock too.
            SlaMetric::FirstResponse => Some((self.opened_at, self.first_response_at.or(self.resolved_at))),
            SlaMetric::NextResponse => {
                let first_response = self.first_response_at?;
                let waiting_since = self.waiting_since.filter(|since| *since > first_response)?;
                self.resolved_at.is_none().then_some((waiting_since, None))
            }
            SlaMetric::Resolution => Some((self.opened_at, self.resolved_at)),
        }
    }
}

/// Where one SLA clock stands at `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SlaStatus {
    pub metric: SlaMetric,
    /// The target, in business minutes.
    pub target_minutes: u32,
    pub started_at: DateTime<Utc>,
    /// When the target runs out, pauses included; during an ongoing pause, the deadline the
    /// conversation would have if it resumed now.
    pub deadline: DateTime<Utc>,
    /// Business time left, in seconds, at `now` or at the moment the clock stopped; negative
    /// once the deadline has passed (zero when it passed outside business hours).
    pub remaining_seconds: i64,
    /// The deadline passed before the clock stopped (or has passed, for a running clock).
    pub breached: bool,
    /// A running clock in its warning stretch, not yet breached.
    pub warning: bool,
    /// The clock is stopped now because the conversation waits on the customer.
    pub paused: bool,
    /// When the target was met (or the clock otherwise stopped); `None` while it runs.
    pub met_at: Option<DateTime<Utc>>,
}

impl SlaStatus {
    /// The target as a duration of business time.
    pub fn target(&self) -> Duration {
        Duration::minutes(i64::from(self.target_minutes))
    }

    /// The business time left, as [`SlaStatus::remaining_seconds`] says.
    pub fn remaining(&self) -> Duration {
        Duration::try_seconds(self.remaining_seconds).unwrap_or(Duration::MAX)
    }

    /// Whether the clock is still running.
    pub fn is_running(&self) -> bool {
        self.met_at.is_none()
    }
}

/// The running clock with the least business time left: the one a queue should look at.
pub fn most_pressing(statuses: &[SlaStatus]) -> Option<&SlaStatus> {
    statuses
        .iter()
        .filter(|status| status.is_running())
        .min_by_key(|status| (status.remaining_seconds, status.deadline))
}

/// Something an SLA policy says should happen now for a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SlaEvent {
    pub metric: SlaMetric,
    pub trigger: EscalationTrigger,
    pub action: EscalationAction,
    /// The start of the clock it belongs to: a new customer message starts a new clock, whose
    /// events fire again.
    pub clock_started_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    /// When it became due.
    pub fires_at: DateTime<Utc>,
}

impl SlaEvent {
    /// A name that stays the same on every run for the same event (and differs between
    /// events of one conversation), for the job to record what it has done. It does not
    /// depend on the rule's position, so reordering a policy's rules fires nothing twice.
    pub fn key(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.metric,
            self.clock_started_at.timestamp_millis(),
            self.trigger.key(),
            self.action
        )
    }

    /// Whether it fires at or after the deadline.
    pub fn is_breach(&self) -> bool {
        self.trigger.is_breach()
    }
}

impl SlaPolicy {
    /// The target for `metric` on conversations of this priority, channel and team, if the
    /// policy sets one.
    pub fn target_minutes(
        &self,
        metric: SlaMetric,
        priority: Priority,
        channel: Channel,
        team: Option<TeamId>,
    ) -> Option<u32> {
        self.targets
            .iter()
            .filter(|target| target.matches(priority, channel, team))
            .filter_map(|target| Some((target.specificity(), target.minutes(metric)?)))
            .max_by_key(|&(specificity, minutes)| (specificity, std::cmp::Reverse(minutes)))
            .map(|(_, minutes)| minutes)
    }

    /// Where `metric`'s clock stands at `now`; `None` when the clock does not run for this
    /// conversation or the policy sets no target for it.
    pub fn status(
        &self,
        metric: SlaMetric,
        timing: &ConversationTiming,
        now: DateTime<Utc>,
    ) -> Result<Option<SlaStatus>, CalendarError> {
        let Some(clock) = self.running_clock(metric, timing, now) else { return Ok(None) };
        let pauses = timing.pauses_at(now);
        let deadline = self.calendar.deadline_with_pauses(clock.started_at, clock.target(), &pauses)?;
        let measured_at = clock.met_at.unwrap_or(now);
        let remaining = self.signed_business_time(measured_at, deadline, &pauses);
        let breached = match clock.met_at {
            Some(met_at) => met_at > deadline,
            None => now >= deadline,
        };
        Ok(Some(SlaStatus {
            metric,
            target_minutes: clock.target_minutes,
            started_at: clock.started_at,
            deadline,
            remaining_seconds: remaining.num_seconds(),
            breached,
            warning: clock.met_at.is_none() && !breached && remaining <= self.warning(clock.target()),
            paused: clock.met_at.is_none() && timing.paused_since.is_some_and(|since| since <= now),
            met_at: clock.met_at,
        }))
    }

    /// The status of every clock that runs for this conversation, in [`SlaMetric::ALL`] order.
    pub fn statuses(
        &self,
        timing: &ConversationTiming,
        now: DateTime<Utc>,
    ) -> Result<Vec<SlaStatus>, CalendarError> {
        SlaMetric::ALL.iter().filter_map(|&metric| self.status(metric, timing, now).transpose()).collect()
    }

    /// The business time of the warning stretch for `target`.
    fn warning(&self, target: Duration) -> Duration {
        target * i32::from(self.warning_percent.min(100)) / 100
    }

    /// Business time from `from` to `to`, negative when `to` comes first.
    fn signed_business_time(&self, from: DateTime<Utc>, to: DateTime<Utc>, pauses: &[Pause]) -> Duration {
        if from <= to {
            self.calendar.business_time_between_with_pauses(from, to, pauses)
        } else {
            -self.calendar.business_time_between_with_pauses(to, from, pauses)
        }
    }

    /// `metric`'s clock with its target, if it runs for `timing` and the policy sets one. A
    /// stop in the future of `now` counts as not stopped yet.
    fn running_clock(
        &self,
        metric: SlaMetric,
        timing: &ConversationTiming,
        now: DateTime<Utc>,
    ) -> Option<Clock> {
        let (started_at, stopped_at) = timing.clock(metric)?;
        let target_minutes = self.target_minutes(metric, timing.priority, timing.channel, timing.team)?;
        let met_at = stopped_at.filter(|stopped| *stopped <= now).map(|stopped| stopped.max(started_at));
        Some(Clock { started_at, met_at, target_minutes })
    }
}

/// One metric's clock for one conversation.
struct Clock {
    started_at: DateTime<Utc>,
    met_at: Option<DateTime<Utc>>,
    target_minutes: u32,
}

impl Clock {
    fn target(&self) -> Duration {
        Duration::minutes(i64::from(self.target_minutes))
    }
}

/// Every warning and escalation of `policy` whose time has come at `now` for the clocks still
/// running on this conversation, in metric then rule order.
///
/// Events already acted on come back on every call until their clock stops: the caller
/// records [`SlaEvent::key`]s and skips those it has seen (see the module documentation).
pub fn due_actions(
    policy: &SlaPolicy,
    timing: &ConversationTiming,
    now: DateTime<Utc>,
) -> Result<Vec<SlaEvent>, CalendarError> {
    let mut events = planned_actions(policy, timing, now)?;
    events.retain(|event| event.fires_at <= now);
    Ok(events)
}

/// Every warning and escalation of `policy` for the clocks still running at `now`, due or
/// not, in metric then rule order.
pub fn planned_actions(
    policy: &SlaPolicy,
    timing: &ConversationTiming,
    now: DateTime<Utc>,
) -> Result<Vec<SlaEvent>, CalendarError> {
    let pauses = timing.pauses_at(now);
    let mut events = Vec::new();
    for &metric in SlaMetric::ALL {
        let Some(clock) = policy.running_clock(metric, timing, now).filter(|clock| clock.met_at.is_none())
        else {
            continue;
        };
        let deadline = policy.calendar.deadline_with_pauses(clock.started_at, clock.target(), &pauses)?;
        for rule in policy.escalations.iter().filter(|rule| rule.metric.is_none_or(|wanted| wanted == metric))
        {
            let Some(offset) = rule.trigger.after_start(clock.target(), policy.warning(clock.target()))
            else {
                continue;
            };
            let fires_at = policy.calendar.deadline_with_pauses(clock.started_at, offset, &pauses)?;
            events.push(SlaEvent {
                metric,
                trigger: rule.trigger,
                action: rule.action,
                clock_started_at: clock.started_at,
                deadline,
                fires_at,
            });
        }
    }
    Ok(events)
}

/// When a worker should look at this conversation's escalations: the latest time already
/// due (so events due now are acted on, whenever they became due) and the earliest time still
/// to come. A worker keyed on these times checks each moment once, however often they are
/// computed.
pub fn check_times(
    policy: &SlaPolicy,
    timing: &ConversationTiming,
    now: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, CalendarError> {
    let planned = planned_actions(policy, timing, now)?;
    let latest_due = planned.iter().map(|event| event.fires_at).filter(|at| *at <= now).max();
    let next = planned.iter().map(|event| event.fires_at).filter(|at| *at > now).min();
    Ok(latest_due.into_iter().chain(next).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_answers_urgent_e_mails_within_two_business_hours() {
        let policy = SlaPolicy::default();
        let minutes = policy.target_minutes(SlaMetric::FirstResponse, Priority::Urgent, Channel::Email, None);
        assert_eq!(minutes, Some(120));
    }

    #[test]
    fn among_equally_specific_targets_the_strictest_wins() {
        let policy = SlaPolicy::default();
        let minutes =
            policy.target_minutes(SlaMetric::FirstResponse, Priority::Urgent, Channel::WebChat, None);
        assert_eq!(minutes, Some(10));
    }

    #[test]
    fn a_more_specific_target_wins_even_when_it_is_looser() {
        let mut policy = SlaPolicy::default();
        policy.targets.push(SlaTarget {
            priority: Some(Priority::Urgent),
            team: Some(TeamId(7)),
            first_response_minutes: Some(240),
            ..SlaTarget::default()
        });
        let minutes = policy.target_minutes(
            SlaMetric::FirstResponse,
            Priority::Urgent,
            Channel::Email,
            Some(TeamId(7)),
        );
        assert_eq!(minutes, Some(240));
    }

    #[test]
    fn check_times_are_the_latest_due_event_and_the_next_one() {
        let policy = SlaPolicy::default();
        // Tuesday 3 March 2026, 9:00 in Rome: an urgent e-mail has 2 business hours.
        let opened = DateTime::parse_from_rfc3339("2026-03-03T08:00:00Z").unwrap().with_timezone(&Utc);
        let timing = ConversationTiming {
            priority: Priority::Urgent,
            channel: Channel::Email,
            team: None,
            opened_at: opened,
            first_response_at: None,
            waiting_since: Some(opened),
            resolved_at: None,
            pauses: Vec::new(),
            paused_since: None,
        };
        let warning = opened + Duration::minutes(90);
        assert_eq!(check_times(&policy, &timing, opened).unwrap(), vec![warning]);
        let later = opened + Duration::minutes(100);
        assert_eq!(check_times(&policy, &timing, later).unwrap(), vec![warning, opened + Duration::hours(2)]);
        assert_eq!(due_actions(&policy, &timing, later).unwrap().len(), 1);
    }

    #[test]
    fn live_chats_keep_the_resolution_target_of_their_priority() {
        let policy = SlaPolicy::default();
        let minutes = policy.target_minutes(SlaMetric::Resolution, Priority::Urgent, Channel::WebChat, None);
        assert_eq!(minutes, Some(8 * 60));
    }
}
