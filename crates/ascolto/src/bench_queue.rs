//! `ascolto bench queue`: the queue recompute over N open conversations and "my next
//! conversation" with N open, through the service's own code paths.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ascolto_core::assignment::KindCounts;
use ascolto_core::{ConversationId, EmailAddress, Priority, Role};
use ascolto_service::Desk;
use ascolto_store::{NewAgent, QueueScore};

use crate::bench::{Backend, bench_store, request};

/// Writers seeding the conversations (the store batches their commits).
const SEEDERS: usize = 8;

pub async fn queue(
    backend: Backend,
    conversations: usize,
    claims: usize,
    database_url: Option<String>,
) -> anyhow::Result<()> {
    let (store, temp) = bench_store(backend, database_url).await?;
    let desk = Desk::new(store.clone());
    let run = chrono::Utc::now().timestamp_millis();
    let ids = seed(&desk, run, conversations).await?;
    // Scores that are not what a recompute computes, so the first recompute rewrites them all.
    let stale: Vec<QueueScore> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| QueueScore {
            conversation_id: *id,
            score: (n % 997) as u16 + 1,
            computed_level: Priority::Normal,
        })
        .collect();
    store.save_queue_scores(&stale).await?;
    for label in ["first (every score changes)", "second (steady state)"] {
        let began = Instant::now();
        let done = desk.recompute_queue().await?;
        println!(
            "queue recompute on {}, {label}: {} read, {} changed in {:.1} ms",
            store.backend_name(),
            done.read,
            done.changed,
            began.elapsed().as_secs_f64() * 1000.0
        );
    }
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
        "my next conversation on {} with {conversations} open: {claims} calls, p50 {:.2} ms, p99 {:.2} ms",
        store.backend_name(),
        percentile(0.50).as_secs_f64() * 1000.0,
        percentile(0.99).as_secs_f64() * 1000.0
    );
    if let Some(dir) = temp {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}

/// Stores `count` conversations, one customer each, straight through the store's ingest.
async fn seed(desk: &Desk, run: i64, count: usize) -> anyhow::Result<Vec<ConversationId>> {
    let next = Arc::new(AtomicUsize::new(0));
    let began = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..SEEDERS {
        let (store, next) = (desk.store.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    return Ok::<_, anyhow::Error>(ids);
                }
                // Distinct customers: `request` shares customers between messages, so the
                // identity is made unique here.
                let mut request = request(run, n)?;
                request.identity = ascolto_core::Identity::parse(
                    ascolto_core::IdentityKind::Email,
                    &format!("queue-{run}-{n}@example.com"),
                )?;
                let inbound = ascolto_store::InboundMessage {
                    channel: request.channel,
                    identity: request.identity,
                    customer_name: request.customer_name,
                    conversation: None,
                    subject: request.subject.unwrap_or_default(),
                    text: request.text,
                    html: None,
                    attachments: vec![],
                    channel_message_id: request.channel_message_id,
                    received_at: chrono::Utc::now() - chrono::Duration::minutes((n % 600) as i64),
                };
                ids.push(store.ingest(inbound).await?.conversation.id);
            }
        }));
    }
    let mut ids = Vec::with_capacity(count);
    for worker in workers {
        ids.extend(worker.await??);
    }
    ids.sort();
    eprintln!("seeded {count} open conversations in {:.1} s", began.elapsed().as_secs_f64());
    let _: Duration = began.elapsed();
    Ok(ids)
}
