//! Benchmarks for the queue: recomputing the priority of 100,000 open conversations, sorting
//! them, finding an agent's next conversation among 100,000 queued, planning a burst, and the
//! cost of one SLA status. Run with `cargo bench -p ascolto-core --bench queue`.

use ascolto_core::assignment::{
    AgentLoad, KindCounts, QueuedConversation, next_for, plan_assignments, sort_queue,
};
use ascolto_core::priority::{CustomerSignals, PriorityConfig, PriorityInputs, assess, level_of, score};
use ascolto_core::sla::{ConversationTiming, SlaPolicy};
use ascolto_core::{AgentId, Channel, ConversationId, Presence, Priority};
use chrono::{DateTime, Duration, Utc};
use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

const OPEN: usize = 100_000;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_772_550_000, 0).unwrap()
}

/// A cheap deterministic spread of values in `0..n` for conversation `i`.
fn spread(i: usize, salt: usize, n: usize) -> usize {
    (i.wrapping_mul(2_654_435_761).wrapping_add(salt.wrapping_mul(40_503))) % n
}

const CHANNELS: [Channel; 4] = [Channel::Email, Channel::WebChat, Channel::WhatsApp, Channel::Api];

fn priority_inputs() -> Vec<PriorityInputs> {
    (0..OPEN)
        .map(|i| PriorityInputs {
            signals: CustomerSignals {
                urgency: spread(i, 1, 101) as f32 / 100.0,
                anger: spread(i, 2, 101) as f32 / 100.0,
                sentiment: spread(i, 3, 201) as f32 / 100.0 - 1.0,
                abuse: spread(i, 4, 50) == 0,
            },
            channel: CHANNELS[spread(i, 5, 4)],
            waiting_since: Some(now() - Duration::minutes(spread(i, 6, 3_000) as i64)),
            customer_tags: if spread(i, 7, 20) == 0 { vec!["vip".to_owned()] } else { Vec::new() },
            sla_remaining_seconds: Some(spread(i, 8, 40_000) as i64 - 10_000),
        })
        .collect()
}

fn queue() -> Vec<QueuedConversation> {
    (0..OPEN)
        .map(|i| {
            let score = spread(i, 9, 1_001) as u16;
            QueuedConversation {
                id: ConversationId(i as i64),
                channel: CHANNELS[spread(i, 5, 4)],
                language: Some(["it", "it", "en", "de"][spread(i, 10, 4)].to_owned()),
                team: None,
                level: level_of(score),
                score,
                waiting_since: now() - Duration::minutes(spread(i, 6, 3_000) as i64),
            }
        })
        .collect()
}

fn agent(id: i64) -> AgentLoad {
    AgentLoad {
        agent_id: AgentId(id),
        presence: Presence::Online,
        languages: vec!["it".to_owned(), "en".to_owned()],
        teams: Vec::new(),
        capacity: KindCounts { live: 3, email: 15 },
        assigned: KindCounts { live: 1, email: 10 },
    }
}

/// The score alone for 100,000 conversations: what a periodic recompute of the queue needs.
#[divan::bench]
fn priority_score_100k(bencher: Bencher) {
    let (inputs, config) = (priority_inputs(), PriorityConfig::default());
    bencher.bench_local(|| {
        inputs.iter().map(|inputs| score(inputs, &config, black_box(now()))).collect::<Vec<u16>>()
    });
}

/// Score, level and reasons for 100,000 conversations.
#[divan::bench]
fn priority_assess_100k(bencher: Bencher) {
    let (inputs, config) = (priority_inputs(), PriorityConfig::default());
    bencher.bench_local(|| {
        inputs.iter().map(|inputs| assess(inputs, &config, black_box(now()))).collect::<Vec<_>>()
    });
}

/// Sorting 100,000 queued conversations into queue order.
#[divan::bench]
fn sort_queue_100k(bencher: Bencher) {
    let queue = queue();
    bencher.with_inputs(|| queue.clone()).bench_local_refs(|queue| sort_queue(queue));
}

/// An agent asking for their next conversation with 100,000 queued (one pass, no sort).
#[divan::bench]
fn next_for_100k(bencher: Bencher) {
    let (queue, me) = (queue(), agent(1));
    bencher.bench_local(|| next_for(black_box(&me), &queue));
}

/// A burst of 5,000 conversations planned onto 50 agents.
#[divan::bench]
fn plan_5k_onto_50_agents(bencher: Bencher) {
    let queue: Vec<QueuedConversation> = queue().into_iter().take(5_000).collect();
    let agents: Vec<AgentLoad> = (0..50).map(agent).collect();
    bencher.bench_local(|| plan_assignments(&agents, &queue));
}

/// 1,000 SLA statuses (first response and resolution) on the Italian office calendar, for
/// conversations opened up to a week ago: the per-conversation cost of the SLA clock.
#[divan::bench]
fn sla_statuses_1k(bencher: Bencher) {
    let policy = SlaPolicy::default();
    let timings: Vec<ConversationTiming> = (0..1_000)
        .map(|i| ConversationTiming {
            priority: [Priority::Urgent, Priority::High, Priority::Normal, Priority::Low][spread(i, 11, 4)],
            channel: CHANNELS[spread(i, 5, 4)],
            team: None,
            opened_at: now() - Duration::minutes(spread(i, 12, 7 * 24 * 60) as i64),
            first_response_at: None,
            waiting_since: None,
            resolved_at: None,
            pauses: Vec::new(),
            paused_since: None,
        })
        .collect();
    bencher.bench_local(|| {
        timings.iter().map(|timing| policy.statuses(timing, black_box(now()))).collect::<Vec<_>>()
    });
}
