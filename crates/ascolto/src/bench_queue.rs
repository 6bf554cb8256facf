//! `ascolto bench queue`: the queue recompute over N open conversations and "my next
//! conversation" with N open, through the service's own code paths.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use ascolto_core::assignment::KindCounts;
use ascolto_core::priority::CustomerSignals;
use ascolto_core::{Channel, ConversationId, EmailAddress, Priority, Role};
use ascolto_service::queue::Recomputed;
use ascolto_service::{Clock, Desk};
use ascolto_store::{NewAgent, QueueUpdate, Store, WaitingChange};
use chrono::{DateTime, TimeDelta, Utc};

use crate::bench::{Backend, bench_store, request};

/// Writers seeding the conversations (the store batches their commits).
const SEEDERS: usize = 8;

/// The wall clock moved by a fixed offset: the recompute as it runs some time later.
#[derive(Debug)]
struct LaterClock(TimeDelta);

impl Clock for LaterClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.0
    }
}

pub async fn queue(
    backend: Backend,
    conversations: usize,
    claims: usize,
    database_url: Option<String>,
) -> anyhow::Result<()> {
    let (store, temp) = bench_store(backend, database_url).await?;
    let desk = Desk::new(store.clone());
    let run = Utc::now().timestamp_millis();
    seed(&desk, run, conversations).await?;
    // Seeding stored scores that are not what a recompute computes, and left every
    // conversation due, so the first recompute reads and rewrites them all.
    time_recompute(&desk, "first (every conversation due, every score stale)").await?;
    time_recompute(&desk, "second (steady state, at once)").await?;
    for minutes in [1, 5] {
        let later = Desk::with_clock(store.clone(), Arc::new(LaterClock(TimeDelta::minutes(minutes))));
        time_recompute(&later, &format!("periodic, {minutes} min later")).await?;
    }
    time_claims(&desk, run, conversations, claims).await?;
    if let Some(dir) = temp {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}

async fn time_recompute(desk: &Desk, label: &str) -> anyhow::Result<Recomputed> {
    let began = Instant::now();
    let done = desk.recompute_queue().await?;
    println!(
        "queue recompute on {}, {label}: {} read, {} changed in {:.1} ms",
        desk.store.backend_name(),
        done.read,
        done.changed,
        began.elapsed().as_secs_f64() * 1000.0
    );
    Ok(done)
}

async fn time_claims(desk: &Desk, run: i64, conversations: usize, claims: usize) -> anyhow::Result<()> {
    let store = &desk.store;
    let agent = store
        .create_agent(NewAgent {
            name: format!("Bench agent {run}"),
            email: EmailAddress::parse(&format!("bench-{run}@desk.example"))?,
            role: Role::Agent,
            password_hash: None,
            languages: vec!["it".into(), "en".into()],
            teams: vec![],
            reports_to: None,
            ui_language: "en".into(),
        })
        .await?;
    store.set_agent_capacity(agent.id, KindCounts { live: u16::MAX, email: u16::MAX }).await?;
    let mut latencies = Vec::with_capacity(claims);
    for _ in 0..claims {
        let began = Instant::now();
        desk.next_conversation(&agent).await?.ok_or_else(|| anyhow::anyhow!("the queue ran dry"))?;
        latencies.push(began.elapsed());
    }
    latencies.sort();
    let percentile =
        |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p) as usize).copied().unwrap_or_default();
    println!(
        "my next conversation on {} with {conversations} open: {claims} calls, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        store.backend_name(),
        percentile(0.50).as_secs_f64() * 1000.0,
        percentile(0.99).as_secs_f64() * 1000.0,
        percentile(1.0).as_secs_f64() * 1000.0
    );
    Ok(())
}

/// Stores `count` conversations, one customer each, straight through the store's ingest, then
/// gives each the queue state a refresh would: coach signals, a wait of up to ten hours, an
/// SLA deadline from breached to a day away; a quarter are live chats. The stored scores are
/// stale and every conversation is due for the next recompute.
async fn seed(desk: &Desk, run: i64, count: usize) -> anyhow::Result<()> {
    let next = Arc::new(AtomicUsize::new(0));
    let began = Instant::now();
    let now = Utc::now();
    let mut workers = Vec::new();
    for _ in 0..SEEDERS {
        let (store, next) = (desk.store.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    return Ok::<_, anyhow::Error>(());
                }
                seed_one(store.as_ref(), run, n, now).await?;
            }
        }));
    }
    for worker in workers {
        worker.await??;
    }
    eprintln!("seeded {count} open conversations in {:.1} s", began.elapsed().as_secs_f64());
    Ok(())
}

async fn seed_one(
    store: &dyn Store,
    run: i64,
    n: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<ConversationId> {
    // Distinct customers: `request` shares customers between messages, so the identity is
    // made unique here.
    let mut request = request(run, n)?;
    request.identity = ascolto_core::Identity::parse(
        ascolto_core::IdentityKind::Email,
        &format!("queue-{run}-{n}@example.com"),
    )?;
    let received_at = now - TimeDelta::minutes((n % 600) as i64);
    let inbound = ascolto_store::InboundMessage {
        channel: if n % 4 == 0 { Channel::WebChat } else { request.channel },
        identity: request.identity,
        customer_name: request.customer_name,
        conversation: None,
        subject: request.subject.unwrap_or_default(),
        text: request.text,
        html: None,
        attachments: vec![],
        channel_message_id: request.channel_message_id,
        received_at,
    };
    let id = store.ingest(inbound).await?.conversation.id;
    let tenth = |k: usize| (n / k % 10) as f32 / 10.0;
    let update = QueueUpdate {
        signals: Some((
            CustomerSignals { urgency: tenth(1), anger: tenth(7), sentiment: 0.5 - tenth(3), abuse: false },
            Some(if n % 2 == 0 { "it" } else { "en" }.to_owned()),
        )),
        waiting: WaitingChange::CustomerWrote(received_at),
        score: (n % 997) as u16 + 1,
        computed_level: Some(Priority::Normal),
        sla_deadline: Some(received_at + TimeDelta::minutes((n % 1440) as i64 + 30)),
        rescore_at: Some(DateTime::UNIX_EPOCH),
        ..QueueUpdate::default()
    };
    store.save_queue_state(id, update, now).await?;
    Ok(id)
}
