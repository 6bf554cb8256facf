//! Queue priority: a score computed from what the coach read in the customer's messages, how
//! long they have waited for their channel, who they are and how near the SLA deadline is; the
//! reasons behind it in words a person reads, in Italian or English; and the override by which
//! an agent or lead puts a conversation where they want it.
//!
//! The key decision: the score is a sum of bounded, integer-valued parts, so it is cheap (no
//! allocation unless reasons are asked for), easy to explain part by part, and the same on
//! every machine. The level (urgent, high, normal) is a band of the score, and the queue
//! order is the level, then the score, then the wait, then the id.
//!
//! Invariants:
//! - the score is always within `0..=1000`, whatever the inputs (NaN included);
//! - an override always wins over the computed level for ordering, and the computed score
//!   is kept beside it, so removing the override restores the computed place;
//! - the computed level is never `low`: demoting a customer is a person's decision;
//! - [`QueueKey`] orders every pair of distinct conversations, so sorting a queue gives the
//!   same order however it arrived.

use std::cmp::Reverse;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::search::Lang;
use crate::sla::SlaStatus;
use crate::{AgentId, Channel, ConversationId, Priority};

/// The highest score.
pub const MAX_SCORE: u16 = 1000;

/// From this score on, a conversation is urgent.
pub const URGENT_FROM: u16 = 550;

/// From this score on, a conversation is high priority.
pub const HIGH_FROM: u16 = 300;

/// What the coach read in the customer's latest messages.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CustomerSignals {
    /// 0 (can wait) to 1 (act now).
    pub urgency: f32,
    /// 0 (calm) to 1 (furious).
    pub anger: f32,
    /// -1 (very negative) to 1 (very positive).
    pub sentiment: f32,
    /// Abusive or profane words were found.
    pub abuse: bool,
}

/// Everything the score of one open conversation depends on, besides `now`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PriorityInputs {
    pub signals: CustomerSignals,
    pub channel: Channel,
    /// The oldest customer message not yet answered; `None` when the customer is not waiting.
    pub waiting_since: Option<DateTime<Utc>>,
    /// The customer's tags, lower-case as stored.
    #[serde(default)]
    pub customer_tags: Vec<String>,
    /// Business time left on the most pressing SLA clock (see [`crate::sla::most_pressing`]),
    /// in seconds: zero or negative once breached. `None` when no clock runs.
    pub sla_remaining_seconds: Option<i64>,
}

impl PriorityInputs {
    /// Takes the SLA nearness from `status` (usually [`crate::sla::most_pressing`]).
    pub fn with_sla(mut self, status: Option<&SlaStatus>) -> Self {
        self.sla_remaining_seconds = status.map(|status| {
            if status.breached { status.remaining_seconds.min(0) } else { status.remaining_seconds }
        });
        self
    }
}

/// The settings of the score that belong to the desk rather than to the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PriorityConfig {
    /// Customer tags that mark a customer whose requests go first (lower-case).
    pub vip_tags: Vec<String>,
}

impl Default for PriorityConfig {
    fn default() -> Self {
        PriorityConfig { vip_tags: vec!["vip".to_owned()] }
    }
}

/// One reason for a conversation's place in the queue, with the numbers it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PriorityReason {
    /// Someone set the priority by hand.
    Overridden {
        priority: Priority,
    },
    /// The coach found the request urgent.
    UrgentRequest,
    Angry,
    /// Negative, though not angry.
    Unhappy,
    /// Abusive words. Shown, but worth no points: shouting must not buy a place in the
    /// queue; the reason is there so a lead can step in.
    AbusiveLanguage,
    Vip,
    /// Waited long for this channel (half its [`patience`] or more).
    Waited {
        minutes: i64,
    },
    /// The SLA deadline is less than an hour of business time away.
    SlaBreachIn {
        minutes: i64,
    },
    /// The SLA deadline has passed.
    SlaBreached {
        minutes_ago: i64,
    },
    /// An SLA escalation raised the level to at least this, until an agent answers.
    Escalated {
        priority: Priority,
    },
}

impl PriorityReason {
    /// The reason in `lang`, as a short phrase ("waited 3 h").
    pub fn describe(self, lang: Lang) -> String {
        let it = lang == Lang::It;
        match self {
            PriorityReason::Overridden { priority } if it => {
                format!("priorità impostata a mano: {}", level_word(priority, lang))
            }
            PriorityReason::Overridden { priority } => {
                format!("set to {} by hand", level_word(priority, lang))
            }
            PriorityReason::UrgentRequest => pick(it, "richiesta urgente", "urgent request"),
            PriorityReason::Angry => pick(it, "tono arrabbiato", "angry"),
            PriorityReason::Unhappy => pick(it, "tono negativo", "unhappy"),
            PriorityReason::AbusiveLanguage => pick(it, "linguaggio offensivo", "abusive language"),
            PriorityReason::Vip => pick(it, "cliente VIP", "VIP customer"),
            PriorityReason::Waited { minutes } if it => format!("in attesa da {}", span(minutes, lang)),
            PriorityReason::Waited { minutes } => format!("waited {}", span(minutes, lang)),
            PriorityReason::SlaBreachIn { minutes } if it => {
                format!("SLA in scadenza tra {}", span(minutes, lang))
            }
            PriorityReason::SlaBreachIn { minutes } => format!("SLA breach in {}", span(minutes, lang)),
            PriorityReason::SlaBreached { minutes_ago: 0 } => pick(it, "SLA scaduto", "SLA breached"),
            PriorityReason::SlaBreached { minutes_ago } if it => {
                format!("SLA scaduto da {}", span(minutes_ago, lang))
            }
            PriorityReason::SlaBreached { minutes_ago } => {
                format!("SLA breached {} ago", span(minutes_ago, lang))
            }
            PriorityReason::Escalated { priority } if it => {
                format!("alzata a {} dall'escalation SLA", level_word(priority, lang))
            }
            PriorityReason::Escalated { priority } => {
                format!("raised to {} by SLA escalation", level_word(priority, lang))
            }
        }
    }
}

fn pick(it: bool, italian: &str, english: &str) -> String {
    if it { italian } else { english }.to_owned()
}

/// The name of a priority level in `lang`.
pub fn level_word(priority: Priority, lang: Lang) -> &'static str {
    match (priority, lang) {
        (Priority::Urgent, Lang::It) => "urgente",
        (Priority::High, Lang::It) => "alta",
        (Priority::Normal, Lang::It) => "normale",
        (Priority::Low, Lang::It) => "bassa",
        (priority, Lang::En) => priority.as_str(),
    }
}

/// A stretch of time as people say it: minutes under an hour, hours (and minutes) under two
/// days, whole days after that.
fn span(minutes: i64, lang: Lang) -> String {
    let minutes = minutes.max(0);
    let (hours, rest) = (minutes / 60, minutes % 60);
    match (hours, rest) {
        (0, _) => format!("{minutes} min"),
        (1..48, 0) => format!("{hours} h"),
        (1..48, _) => format!("{hours} h {rest} min"),
        _ if lang == Lang::It => format!("{} giorni", hours / 24),
        _ => format!("{} days", hours / 24),
    }
}

/// The interface language for an agent's `ui_language` code: Italian for `it`, English for
/// anything else.
pub fn ui_lang(code: &str) -> Lang {
    if code.trim().eq_ignore_ascii_case("it") { Lang::It } else { Lang::En }
}

/// A computed priority: the score, its level, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PriorityAssessment {
    /// 0 (can wait) to [`MAX_SCORE`] (drop everything).
    pub score: u16,
    /// The band the score falls in: urgent, high or normal.
    pub level: Priority,
    /// The reasons, in a fixed order: what the customer wrote, who they are, how long they
    /// waited, the SLA.
    pub reasons: Vec<PriorityReason>,
}

impl PriorityAssessment {
    /// The reasons as one line in `lang` ("angry, waited 3 h, SLA breach in 20 min").
    pub fn explain(&self, lang: Lang) -> String {
        explain(&self.reasons, lang)
    }
}

fn explain(reasons: &[PriorityReason], lang: Lang) -> String {
    reasons.iter().map(|reason| reason.describe(lang)).collect::<Vec<_>>().join(", ")
}

/// A priority set by hand. It wins over the computed one for ordering until it is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PriorityOverride {
    pub priority: Priority,
    pub by: AgentId,
    pub at: DateTime<Utc>,
}

/// A conversation's priority as the queue shows it: the computed assessment, always kept,
/// and the override, when someone set one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QueuePriority {
    pub computed: PriorityAssessment,
    pub overridden: Option<PriorityOverride>,
}

impl QueuePriority {
    /// The level the queue orders by: the override's when there is one.
    pub fn level(&self) -> Priority {
        self.overridden.map_or(self.computed.level, |by_hand| by_hand.priority)
    }

    /// The reasons, the override first, as one line in `lang`.
    pub fn explain(&self, lang: Lang) -> String {
        let mut reasons = Vec::with_capacity(self.computed.reasons.len() + 1);
        reasons
            .extend(self.overridden.map(|by_hand| PriorityReason::Overridden { priority: by_hand.priority }));
        reasons.extend_from_slice(&self.computed.reasons);
        explain(&reasons, lang)
    }

    /// The conversation's key in the queue order.
    pub fn queue_key(&self, waiting_since: DateTime<Utc>, id: ConversationId) -> QueueKey {
        QueueKey::new(self.level(), self.computed.score, waiting_since, id)
    }
}

/// A conversation's position in the queue, ordered most pressing first: the level (override
/// included), then the higher score, then the longer wait, then the lower id. The id makes the
/// order total, so it does not depend on the order the queue was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueueKey {
    // Field order is the comparison order: `Priority` sorts urgent first.
    level: Priority,
    score: Reverse<u16>,
    waiting_since: DateTime<Utc>,
    id: ConversationId,
}

impl QueueKey {
    pub fn new(level: Priority, score: u16, waiting_since: DateTime<Utc>, id: ConversationId) -> Self {
        QueueKey { level, score: Reverse(score), waiting_since, id }
    }
}

/// How long a customer of this channel expects to wait before it feels long: minutes on a
/// live channel, hours on e-mail.
pub fn patience(channel: Channel) -> Duration {
    if channel.is_live() { Duration::minutes(5) } else { Duration::hours(4) }
}

/// The parts of a score, in tenths of a point so every part is an integer.
struct Parts {
    urgency: u16,
    anger: u16,
    unhappiness: u16,
    vip: u16,
    wait: u16,
    sla: u16,
}

impl Parts {
    fn total(&self) -> u16 {
        let sum = self.urgency + self.anger + self.unhappiness + self.vip + self.wait + self.sla;
        sum.min(MAX_SCORE)
    }
}

/// The score alone, without reasons: what a recompute of the whole queue needs.
pub fn score(inputs: &PriorityInputs, config: &PriorityConfig, now: DateTime<Utc>) -> u16 {
    parts(inputs, config, now).total()
}

/// The score, its level and the reasons.
pub fn assess(inputs: &PriorityInputs, config: &PriorityConfig, now: DateTime<Utc>) -> PriorityAssessment {
    let score = score(inputs, config, now);
    PriorityAssessment { score, level: level_of(score), reasons: reasons(inputs, config, now) }
}

/// The level a score falls in. Never `low` (see the module documentation).
pub fn level_of(score: u16) -> Priority {
    match score {
        URGENT_FROM.. => Priority::Urgent,
        HIGH_FROM.. => Priority::High,
        _ => Priority::Normal,
    }
}

fn parts(inputs: &PriorityInputs, config: &PriorityConfig, now: DateTime<Utc>) -> Parts {
    let signals = inputs.signals;
    Parts {
        urgency: points(unit(signals.urgency), 250),
        anger: points(unit(signals.anger), 150),
        unhappiness: points(unit(-signals.sentiment), 100),
        vip: if is_vip(inputs, config) { 100 } else { 0 },
        wait: waited(inputs, now).map_or(0, |waited| wait_points(waited.num_seconds(), inputs.channel)),
        sla: sla_points(inputs.sla_remaining_seconds),
    }
}

/// `x` clamped to `0..=1`, with NaN read as 0.
fn unit(x: f32) -> f32 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// `share` (clamped to `0..=1`) of `max` points, rounded.
fn points(share: f32, max: u16) -> u16 {
    (unit(share) * f32::from(max)).round() as u16
}

fn is_vip(inputs: &PriorityInputs, config: &PriorityConfig) -> bool {
    inputs.customer_tags.iter().any(|tag| config.vip_tags.iter().any(|vip| vip.eq_ignore_ascii_case(tag)))
}

/// Up to 200 points on a straight ramp over four times the channel's patience, for a wait of
/// `waited_seconds` (whole seconds, as the score reads the wait).
fn wait_points(waited_seconds: i64, channel: Channel) -> u16 {
    let ratio = waited_seconds as f32 / patience(channel).num_seconds() as f32;
    points(ratio / 4.0, WAIT_MAX)
}

/// The most points a wait earns: reached at four times the channel's patience.
const WAIT_MAX: u16 = 200;
/// The SLA ramp: up to 200 points over the last four business hours, 250 once breached.
const SLA_RAMP_SECONDS: i64 = 4 * 3600;
const SLA_RAMP_MAX: u16 = 200;
const SLA_BREACHED: u16 = 250;

fn waited(inputs: &PriorityInputs, now: DateTime<Utc>) -> Option<Duration> {
    inputs.waiting_since.map(|since| now.signed_duration_since(since).max(Duration::zero()))
}

/// 250 points once breached; up to 200 on a straight ramp over the last four business hours.
fn sla_points(remaining_seconds: Option<i64>) -> u16 {
    match remaining_seconds {
        None => 0,
        Some(..=0) => SLA_BREACHED,
        Some(remaining) => {
            points(1.0 - remaining.min(SLA_RAMP_SECONDS) as f32 / SLA_RAMP_SECONDS as f32, SLA_RAMP_MAX)
        }
    }
}

/// When the score of a conversation can next move with nothing but time passing: the two
/// parts of the score that depend on `now` (the wait and the SLA nearness) move in steps, and
/// between steps the score stays the same. A queue recompute need only look at a conversation
/// again once one of these is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextChange {
    /// The instant the wait earns its next point; `None` when nobody waits or the wait part is
    /// at its cap.
    pub wait_at: Option<DateTime<Utc>>,
    /// The business time after `now` at which the SLA part takes its next step; `None` when no
    /// clock runs or it is breached already (the part stays at its cap).
    pub sla_after: Option<Duration>,
}

impl NextChange {
    /// The earliest instant either part can move, reading business time as wall time.
    /// Business time never passes faster than wall time, so the instant is never late; it
    /// may be early (outside opening hours), which costs a recompute that changes nothing.
    pub fn earliest(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let sla_at = self.sla_after.map(|after| now + after);
        [self.wait_at, sla_at].into_iter().flatten().min()
    }
}

/// When the score of `inputs` can next change as time passes (see [`NextChange`]). The score
/// is the same at every instant from `now` until then; the steps are found with the very
/// functions the score uses, so rounding cannot put them off by a second.
pub fn next_change(inputs: &PriorityInputs, now: DateTime<Utc>) -> NextChange {
    let wait_at = inputs.waiting_since.and_then(|since| {
        let waited = waited(inputs, now)?.num_seconds();
        let step = next_wait_step(waited, inputs.channel)?;
        // The wait reads whole seconds from `since`, so it reaches `step` exactly here.
        Some(since + Duration::seconds(step))
    });
    let sla_after = inputs
        .sla_remaining_seconds
        .and_then(next_sla_step)
        .map(|(remaining, step)| Duration::seconds(remaining - step));
    NextChange { wait_at, sla_after }
}

/// The smallest wait in whole seconds above `waited` that earns more points; `None` at the cap.
fn next_wait_step(waited: i64, channel: Channel) -> Option<i64> {
    let now_points = wait_points(waited, channel);
    let cap = 4 * patience(channel).num_seconds();
    if now_points >= WAIT_MAX || waited >= cap {
        return None;
    }
    // The points grow with the wait (every step of `wait_points` is monotonic), so the first
    // wait that earns more is found by bisection: `low` earns `now_points`, `high` more.
    let (mut low, mut high) = (waited, cap);
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if wait_points(middle, channel) > now_points { high = middle } else { low = middle }
    }
    Some(high)
}

/// For `remaining` business seconds left, the remaining time at which the SLA part next
/// earns more, with `remaining` itself; `None` once breached.
fn next_sla_step(remaining: i64) -> Option<(i64, i64)> {
    if remaining <= 0 {
        return None;
    }
    let now_points = sla_points(Some(remaining));
    // Points fall as the remaining time grows, and zero left is always worth more than any
    // time left, so the largest remaining time worth more lies in `0..remaining`.
    // Beyond the ramp every remaining time is worth nothing, so the search starts at its top.
    let (mut more, mut same) = (0, remaining.min(SLA_RAMP_SECONDS + 1));
    while same - more > 1 {
        let middle = more + (same - more) / 2;
        if sla_points(Some(middle)) > now_points { more = middle } else { same = middle }
    }
    Some((remaining, more))
}

fn reasons(inputs: &PriorityInputs, config: &PriorityConfig, now: DateTime<Utc>) -> Vec<PriorityReason> {
    let signals = inputs.signals;
    let angry = unit(signals.anger) >= 0.5;
    let mut reasons = Vec::new();
    let mut add = |condition: bool, reason| {
        if condition {
            reasons.push(reason);
        }
    };
    add(unit(signals.urgency) >= 0.5, PriorityReason::UrgentRequest);
    add(angry, PriorityReason::Angry);
    add(!angry && unit(-signals.sentiment) >= 0.4, PriorityReason::Unhappy);
    add(signals.abuse, PriorityReason::AbusiveLanguage);
    add(is_vip(inputs, config), PriorityReason::Vip);
    // Half the channel's patience is when a person starts to notice the wait.
    if let Some(waited) = waited(inputs, now).filter(|waited| *waited >= patience(inputs.channel) / 2) {
        add(true, PriorityReason::Waited { minutes: waited.num_minutes() });
    }
    add_sla_reason(&mut reasons, inputs.sla_remaining_seconds);
    reasons
}

fn add_sla_reason(reasons: &mut Vec<PriorityReason>, remaining_seconds: Option<i64>) {
    match remaining_seconds {
        Some(remaining @ ..=0) => {
            reasons.push(PriorityReason::SlaBreached { minutes_ago: remaining.saturating_neg() / 60 })
        }
        // Rounded up, so the last seconds still read "1 min" rather than "0 min".
        Some(remaining @ 1..=3600) => {
            reasons.push(PriorityReason::SlaBreachIn { minutes: (remaining + 59) / 60 })
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_minutes_hours_or_days() {
        assert_eq!(span(20, Lang::En), "20 min");
        assert_eq!(span(180, Lang::En), "3 h");
        assert_eq!(span(200, Lang::It), "3 h 20 min");
        assert_eq!(span(3 * 24 * 60 + 5, Lang::It), "3 giorni");
        assert_eq!(span(-5, Lang::En), "0 min");
    }

    #[test]
    fn levels_are_bands_of_the_score() {
        assert_eq!(level_of(0), Priority::Normal);
        assert_eq!(level_of(HIGH_FROM), Priority::High);
        assert_eq!(level_of(URGENT_FROM), Priority::Urgent);
        assert_eq!(level_of(MAX_SCORE), Priority::Urgent);
    }
}
