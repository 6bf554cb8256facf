//! `ascolto bench`: measurements on this machine through the same code paths the server uses.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use ascolto_core::{Channel, Identity, IdentityKind};
use ascolto_service::{Desk, InboundRequest};
use ascolto_store::Store;
use clap::{Subcommand, ValueEnum};

use crate::config::{Config, Overrides};
use crate::server::open_store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Store N inbound messages through the API's ingest path and print messages per second.
    Ingest {
        #[arg(long, value_enum, default_value = "sqlite")]
        backend: Backend,
        #[arg(long, default_value_t = 20_000)]
        messages: usize,
        /// Concurrent writers, like concurrent API clients.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// PostgreSQL URL (default: $ASCOLTO_TEST_POSTGRES_URL or the local `test` database).
        /// SQLite always uses a fresh temporary file.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Seed N conversations, then time the agents' inbox page (the whole HTTP app, signed in by
    /// session cookie) and print p50/p99.
    Inbox {
        #[arg(long, value_enum, default_value = "sqlite")]
        backend: Backend,
        #[arg(long, default_value_t = 100_000)]
        conversations: usize,
        /// Page renders to time, after a warm-up of 50.
        #[arg(long, default_value_t = 1_000)]
        renders: usize,
        /// PostgreSQL URL (default: $ASCOLTO_TEST_POSTGRES_URL or the local `test` database).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Recompute the priorities of N open conversations, and "my next conversation" with N
    /// open (p50 and p99).
    Queue {
        #[arg(long, value_enum, default_value = "sqlite")]
        backend: Backend,
        #[arg(long, default_value_t = 100_000)]
        conversations: usize,
        /// "My next conversation" calls to time.
        #[arg(long, default_value_t = 1_000)]
        claims: usize,
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Fill a local dovecot's INBOX with N realistic mails, then time the IMAP fetcher fetching
    /// and storing all of them into an empty position (messages/s, time to the first stored).
    /// Needs dovecot (`/usr/sbin/dovecot`).
    Imap {
        #[arg(long, value_enum, default_value = "sqlite")]
        backend: Backend,
        #[arg(long, default_value_t = 2_000)]
        messages: usize,
        /// PostgreSQL URL (default: $ASCOLTO_TEST_POSTGRES_URL or the local `test` database).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Open N widget sessions at once (WebSockets to a local server on a fresh SQLite
    /// database), have each send one message, and print the time from send to the agent's
    /// WebSocket (p50, p99, max).
    Live {
        #[arg(long, default_value_t = 1000)]
        sessions: usize,
        /// Spread the sends evenly over this many milliseconds (0: all at the same instant).
        #[arg(long, default_value_t = 0)]
        spread_ms: u64,
    },
}

pub async fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Live { sessions, spread_ms } => {
            crate::bench_live::run(sessions.max(1), spread_ms).await
        }
        BenchCommand::Ingest { backend, messages, concurrency, database_url } => {
            ingest(backend, messages, concurrency.max(1), database_url).await
        }
        BenchCommand::Inbox { backend, conversations, renders, database_url } => {
            crate::bench_inbox::run(backend, conversations, renders.max(1), database_url).await
        }
        BenchCommand::Queue { backend, conversations, claims, database_url } => {
            crate::bench_queue::queue(backend, conversations, claims, database_url).await
        }
        BenchCommand::Imap { backend, messages, database_url } => {
            crate::bench_imap::run(backend, messages.max(1), database_url).await
        }
    }
}

fn postgres_url(given: Option<String>) -> String {
    given
        .or_else(|| std::env::var("ASCOLTO_TEST_POSTGRES_URL").ok())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

pub(crate) async fn bench_store(
    backend: Backend,
    database_url: Option<String>,
) -> anyhow::Result<(Arc<dyn Store>, Option<std::path::PathBuf>)> {
    let (url, temp) = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("ascolto-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir).context("creating a temporary folder")?;
            (format!("sqlite://{}", dir.join("bench.db").display()), Some(dir))
        }
        Backend::Postgres => (postgres_url(database_url), None),
    };
    let config = Config::load(None, &Overrides { database_url: Some(url), ..Overrides::default() })?;
    Ok((open_store(&config).await?, temp))
}

pub(crate) fn request(run: i64, n: usize) -> anyhow::Result<InboundRequest> {
    // A quarter as many customers as messages, so most messages thread into an existing
    // conversation, as real traffic does.
    let customer = n % (n / 4 + 1).max(1);
    let italian = n % 2 == 0;
    let text = if italian {
        format!(
            "Buongiorno, il mio ordine {n} non è ancora arrivato e il tracking non si aggiorna. Potete aiutarmi? Grazie"
        )
    } else {
        format!(
            "Hello, my order {n} has not arrived yet and the tracking page shows no update. Can you help me? Thanks"
        )
    };
    Ok(InboundRequest {
        channel: Channel::Api,
        identity: Identity::parse(IdentityKind::Email, &format!("bench{customer}@example.com"))?,
        customer_name: Some(format!("Bench Customer {customer}")),
        conversation: None,
        subject: Some(format!("Order {n}")),
        text,
        html: None,
        attachments: vec![],
        channel_message_id: Some(format!("bench-{run}-{n}")),
        received_at: None,
    })
}

async fn ingest(
    backend: Backend,
    messages: usize,
    concurrency: usize,
    database_url: Option<String>,
) -> anyhow::Result<()> {
    let (store, temp) = bench_store(backend, database_url).await?;
    let desk = Desk::new(store.clone());
    let run = chrono::Utc::now().timestamp_millis();
    let requests = Arc::new((0..messages).map(|n| request(run, n)).collect::<anyhow::Result<Vec<_>>>()?);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (desk, requests, next) = (desk.clone(), requests.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let Some(request) = requests.get(n) else { return Ok::<_, anyhow::Error>(latencies) };
                let began = Instant::now();
                desk.ingest(request.clone()).await?;
                latencies.push(began.elapsed());
            }
        }));
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(messages);
    for worker in workers {
        latencies.extend(worker.await??);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let percentile =
        |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p) as usize).copied().unwrap_or_default();
    println!(
        "ingest on {}: {messages} messages in {:.2} s = {:.0} messages/s ({concurrency} writers; per message p50 {:.2} ms, p99 {:.2} ms)",
        store.backend_name(),
        elapsed.as_secs_f64(),
        messages as f64 / elapsed.as_secs_f64(),
        percentile(0.50).as_secs_f64() * 1000.0,
        percentile(0.99).as_secs_f64() * 1000.0,
    );
    if let Some(dir) = temp {
        drop(desk);
        drop(store);
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}
