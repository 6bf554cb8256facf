//! A load check for the SQLite store: ingest throughput with concurrent writers, then list
//! and search latency at 100k+ conversations. Run it in release:
//! `cargo run --release -p ascolto-store-sqlite --example load [MESSAGES] [CUSTOMERS]`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ascolto_core::agent::Visibility;
use ascolto_core::search::Query;
use ascolto_core::{Channel, ConversationStatus, Identity, IdentityKind, TeamId};
use ascolto_store::{ConversationFilter, ConversationSort, InboundMessage, PageRequest, Store};
use ascolto_store_sqlite::SqliteStore;
use chrono::DateTime;

/// Writers sending at once, like API clients.
const CLIENTS: usize = 16;

const TEXTS: &[&str] = &[
    "Buongiorno, non ho ancora ricevuto il rimborso per il mio ordine",
    "Hello, my parcel arrived damaged and I would like a refund please",
    "Vorrei cambiare l'indirizzo di consegna della spedizione",
    "Can you tell me when my order will be shipped? Thanks",
];

fn message(n: usize, customers: usize) -> InboundMessage {
    // Spread senders so that consecutive messages rarely share a conversation.
    let customer = (n * 7919) % customers;
    let base = DateTime::from_timestamp_millis(1_772_355_600_000).unwrap_or_default();
    InboundMessage {
        channel: Channel::Api,
        identity: Identity::parse(IdentityKind::Email, &format!("c{customer}@example.com"))
            .expect("an address"),
        customer_name: Some(format!("Customer {customer}")),
        conversation: None,
        subject: "Order question".into(),
        text: format!("{} (ref {n})", TEXTS[n % TEXTS.len()]),
        html: None,
        attachments: Vec::new(),
        channel_message_id: Some(format!("msg-{n}")),
        received_at: base + chrono::Duration::milliseconds(n as i64 * 10),
    }
}

async fn ingest_all(store: Arc<SqliteStore>, messages: usize, customers: usize) -> Duration {
    ingest_all_from(store, 0, messages, customers).await
}

/// Ingests messages numbered `first..first + count` with `CLIENTS` concurrent writers.
async fn ingest_all_from(store: Arc<SqliteStore>, first: usize, count: usize, customers: usize) -> Duration {
    let started = Instant::now();
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let store = store.clone();
        clients.push(tokio::spawn(async move {
            for n in (first + client..first + count).step_by(CLIENTS) {
                store.ingest(message(n, customers)).await.expect("ingest");
            }
        }));
    }
    for client in clients {
        client.await.expect("a client");
    }
    started.elapsed()
}

async fn time<T>(label: &str, runs: u32, mut call: impl AsyncFnMut() -> T) {
    let started = Instant::now();
    for _ in 0..runs {
        call().await;
    }
    println!("{label:<48} {:>8.2} ms", started.elapsed().as_secs_f64() * 1000.0 / f64::from(runs));
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let messages = args.first().copied().unwrap_or(200_000);
    let customers = args.get(1).copied().unwrap_or(120_000);
    let folder = tempfile::tempdir().expect("a temporary folder");
    let store = Arc::new(SqliteStore::open(&folder.path().join("load.db")).await.expect("open"));
    store.migrate().await.expect("migrate");

    let elapsed = ingest_all(store.clone(), messages, customers).await;
    println!(
        "ingested {messages} messages from {customers} customers with {CLIENTS} clients in {:.1} s: {:.0} messages/s",
        elapsed.as_secs_f64(),
        messages as f64 / elapsed.as_secs_f64()
    );
    let known = ingest_all_from(store.clone(), messages, 20_000, 1_000).await;
    println!(
        "ingested 20000 more messages from 1000 known customers: {:.0} messages/s",
        20_000.0 / known.as_secs_f64()
    );
    let again = ingest_all(store.clone(), 20_000, customers).await;
    println!("re-ingesting 20000 known messages: {:.0} messages/s", 20_000.0 / again.as_secs_f64());

    let all = Visibility::All;
    let scoped = Visibility::Scoped { teams: vec![TeamId(1)], agents: vec![] };
    for sort in [ConversationSort::Recent, ConversationSort::Oldest, ConversationSort::Priority] {
        let open = ConversationFilter { status: Some(ConversationStatus::Open), sort, ..Default::default() };
        time(&format!("list open {sort:?}, first page of 50"), 50, async || {
            store.list_conversations(&open, &all, PageRequest::first(50)).await.expect("list")
        })
        .await;
        let page = store.list_conversations(&open, &all, PageRequest::first(200)).await.expect("list");
        let deep = PageRequest::after(page.next.expect("a next page"), 50);
        time(&format!("list open {sort:?}, after a cursor, scoped"), 50, async || {
            store.list_conversations(&open, &scoped, deep.clone()).await.expect("list")
        })
        .await;
    }
    let common = Query::parse("rimborso");
    time("search a common word, first page of 50", 10, async || {
        store.search_messages(&common, &all, PageRequest::first(50)).await.expect("search")
    })
    .await;
    let rare = Query::parse("ref 12345");
    time("search a rare word", 10, async || {
        store.search_messages(&rare, &all, PageRequest::first(50)).await.expect("search")
    })
    .await;
    time("list customers, first page of 50", 50, async || {
        store.list_customers(PageRequest::first(50)).await.expect("customers")
    })
    .await;
    store.close().await;
}
