//! `ascolto bench inbox`: how fast the agents' inbox page is served with a large store.
//!
//! Seeds conversations through the same ingest path as the API (most of them resolved, as in
//! a desk that has run for a while; the open ones spread over two teams and the general queue,
//! with mixed priorities), signs an agent in with a real session, then asks the whole HTTP app
//! for `/inbox` in-process, one request at a time, and prints the latency percentiles.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use ascolto_core::{
    Channel, ConversationStatus, EmailAddress, Identity, IdentityKind, Priority, Role, TeamId,
};
use ascolto_service::{Desk, InboundRequest};
use ascolto_store::{ConversationPatch, NewAgent, NewSession, Store};
use ascolto_web::auth::{SESSION_COOKIE, hash_secret};
use ascolto_web::{AppState, WebConfig};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use crate::bench::{Backend, bench_store};

const WRITERS: usize = 8;
const WARM_UP: usize = 50;

fn inbound(n: usize) -> anyhow::Result<InboundRequest> {
    Ok(InboundRequest {
        channel: Channel::ALL[n % Channel::ALL.len()],
        identity: Identity::parse(IdentityKind::Email, &format!("inbox{n}@example.com"))?,
        customer_name: Some(format!("Customer {n}")),
        conversation: None,
        subject: Some(format!("Question {n}")),
        text: format!("Hello, I have a question about order {n}. Can you help me?"),
        html: None,
        attachments: vec![],
        channel_message_id: Some(format!("inbox-bench-{n}")),
        received_at: None,
    })
}

/// One in twenty conversations is open; the rest are resolved. Open ones go to team A (the
/// benchmark agent's), team B, or the general queue, with every priority represented.
fn shape(n: usize, teams: [TeamId; 2]) -> ConversationPatch {
    let open = n % 20 == 0;
    ConversationPatch {
        status: Some(if open { ConversationStatus::Open } else { ConversationStatus::Resolved }),
        priority: Some(Priority::ALL[(n / 20) % Priority::ALL.len()]),
        team: Some(match n % 3 {
            0 => Some(teams[0]),
            1 => Some(teams[1]),
            _ => None,
        }),
        ..Default::default()
    }
}

async fn seed(desk: &Desk, conversations: usize, teams: [TeamId; 2]) -> anyhow::Result<()> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..WRITERS {
        let (desk, next) = (desk.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= conversations {
                    return Ok::<_, anyhow::Error>(());
                }
                let ingested = desk.ingest(inbound(n)?).await?;
                desk.store.update_conversation(ingested.conversation.id, shape(n, teams), desk.now()).await?;
            }
        }));
    }
    for worker in workers {
        worker.await??;
    }
    Ok(())
}

async fn signed_in_agent(store: &dyn Store, team: TeamId) -> anyhow::Result<String> {
    let agent = store
        .create_agent(NewAgent {
            name: "Bench Agent".into(),
            email: EmailAddress::parse("bench-agent@example.com")?,
            role: Role::Agent,
            password_hash: None,
            languages: vec!["it".into(), "en".into()],
            teams: vec![team],
            reports_to: None,
            ui_language: "en".into(),
        })
        .await?;
    let token = format!("bench-session-{}", std::process::id());
    let now = chrono::Utc::now();
    store
        .create_session(NewSession {
            token_hash: hash_secret(&token),
            agent: agent.id,
            csrf_token: "bench".into(),
            created_at: now,
            expires_at: now + chrono::TimeDelta::hours(1),
        })
        .await?;
    Ok(token)
}

async fn render(app: &axum::Router, cookie: &str) -> anyhow::Result<Duration> {
    let request = Request::get("/inbox").header("cookie", cookie).body(Body::empty())?;
    let began = Instant::now();
    let response = app.clone().oneshot(request).await?;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    let elapsed = began.elapsed();
    anyhow::ensure!(status == StatusCode::OK, "the inbox answered {status}");
    let row = b"<tr class=\"row\"";
    anyhow::ensure!(body.windows(row.len()).any(|w| w == row), "the inbox rendered no rows");
    Ok(elapsed)
}

pub async fn run(
    backend: Backend,
    conversations: usize,
    renders: usize,
    database_url: Option<String>,
) -> anyhow::Result<()> {
    let (store, temp) = bench_store(backend, database_url).await?;
    let desk = Desk::new(store.clone());
    let teams = [store.create_team("Bench A").await?.id, store.create_team("Bench B").await?.id];
    let seeding = Instant::now();
    seed(&desk, conversations, teams).await.context("seeding conversations")?;
    println!("seeded {conversations} conversations in {:.1} s", seeding.elapsed().as_secs_f64());
    let cookie = format!("{SESSION_COOKIE}={}", signed_in_agent(store.as_ref(), teams[0]).await?);
    let app = ascolto_web::app(AppState::new(desk.clone(), WebConfig::default()));
    for _ in 0..WARM_UP {
        render(&app, &cookie).await?;
    }
    let mut latencies = Vec::with_capacity(renders);
    for _ in 0..renders {
        latencies.push(render(&app, &cookie).await?);
    }
    latencies.sort();
    let percentile = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1000.0;
    println!(
        "inbox page on {} with {conversations} conversations: {renders} renders, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        store.backend_name(),
        percentile(0.50),
        percentile(0.99),
        percentile(1.0),
    );
    if let Some(dir) = temp {
        drop(app);
        drop(desk);
        drop(store);
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}
