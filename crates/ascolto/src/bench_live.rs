//! `ascolto bench live`: N widget visitors on WebSockets each send one message; the time from
//! the visitor's send to the agent's WebSocket hearing it is the figure that matters for chat.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use ascolto_channels::webchat::Visitor;
use ascolto_core::{EmailAddress, Identity, IdentityKind, Role};
use ascolto_service::Desk;
use ascolto_store::{ChannelSettings, NewAgent, NewChannelConfig, Secret, Store};
use ascolto_store_sqlite::SqliteStore;
use ascolto_web::auth::{hash_secret, new_api_token, random_token};
use ascolto_web::{AppState, WebConfig};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A server on a fresh SQLite database, with a widget channel and an admin's API token.
struct Bench {
    base: String,
    channel: String,
    visitor_key: String,
    token: String,
    _dir: tempfile_dir::Dir,
}

mod tempfile_dir {
    /// A temporary folder removed on drop.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

async fn start() -> anyhow::Result<Bench> {
    let dir = std::env::temp_dir().join(format!("ascolto-bench-live-{}", std::process::id()));
    let store = SqliteStore::open(&dir.join("bench.db")).await.context("opening a temporary database")?;
    store.migrate().await?;
    let store: Arc<dyn Store> = Arc::new(store);
    let visitor_key = random_token()?;
    let settings = ChannelSettings::WebChat {
        identity_secret: None,
        visitor_key: Secret::new(visitor_key.clone()),
        allowed_origins: vec![],
    };
    let channel = store
        .create_channel_config(
            NewChannelConfig { id: "bench".into(), name: "Bench".into(), settings },
            chrono::Utc::now(),
        )
        .await?;
    let admin = NewAgent {
        name: "Bench".into(),
        email: EmailAddress::parse("bench@localhost")?,
        role: Role::Admin,
        password_hash: None,
        languages: vec!["en".into()],
        teams: vec![],
        reports_to: None,
        ui_language: "en".into(),
    };
    let agent = store.create_agent(admin).await?;
    let token = new_api_token()?;
    store.create_api_token(agent.id, "bench", &hash_secret(&token), chrono::Utc::now()).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("ws://{}", listener.local_addr()?);
    let state = AppState::new(Desk::new(store), WebConfig::default());
    tokio::spawn(ascolto_web::serve(listener, state, std::future::pending()));
    Ok(Bench { base, channel: channel.id, visitor_key, token, _dir: tempfile_dir::Dir(dir) })
}

async fn connect(url: String, header: (&'static str, String)) -> anyhow::Result<Socket> {
    let mut request = url.into_client_request()?;
    request.headers_mut().insert(header.0, header.1.parse()?);
    Ok(tokio_tungstenite::connect_async(request).await?.0)
}

/// A visitor's socket, once the server has sent its history (the session is ready).
async fn visitor(bench: &Bench, n: usize) -> anyhow::Result<Socket> {
    let identity = Identity::parse(IdentityKind::WebChat, &format!("bench-visitor-{n}"))?;
    let token =
        Visitor { channel_id: bench.channel.clone(), identity, issued_at: chrono::Utc::now().timestamp() }
            .sign(&bench.visitor_key);
    let url = format!("{}/widget/v1/live?channel={}", bench.base, bench.channel);
    let mut socket = connect(url, ("cookie", format!("ascolto_visitor_{}={token}", bench.channel))).await?;
    socket.next().await.context("the server closed a visitor socket")??;
    Ok(socket)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

pub async fn run(sessions: usize, spread_ms: u64) -> anyhow::Result<()> {
    let bench = start().await?;
    let mut agent =
        connect(format!("{}/api/v1/live", bench.base), ("authorization", format!("Bearer {}", bench.token)))
            .await?;
    let mut visitors = Vec::with_capacity(sessions);
    for n in 0..sessions {
        visitors.push(visitor(&bench, n).await?);
    }
    let sent_at: Arc<Vec<Mutex<Option<Instant>>>> =
        Arc::new((0..sessions).map(|_| Mutex::new(None)).collect());
    let start = Arc::new(tokio::sync::Barrier::new(sessions + 1));
    for (n, mut socket) in visitors.into_iter().enumerate() {
        let (sent_at, start) = (sent_at.clone(), start.clone());
        tokio::spawn(async move {
            start.wait().await;
            let offset = spread_ms.saturating_mul(n as u64) / sessions as u64;
            tokio::time::sleep(Duration::from_millis(offset)).await;
            let frame = serde_json::json!({"type": "message", "client_id": format!("m{n}"), "text": format!("bench message {n}")});
            *sent_at[n].lock().unwrap() = Some(Instant::now());
            let _ = socket.send(Frame::Text(frame.to_string().into())).await;
            // Keep the session open, reading acks, until the benchmark ends.
            while socket.next().await.is_some() {}
        });
    }
    let began = Instant::now();
    start.wait().await;
    let mut latencies = Vec::with_capacity(sessions);
    let deadline = Instant::now() + Duration::from_secs(120);
    while latencies.len() < sessions {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(Some(frame)) = tokio::time::timeout(left, agent.next()).await else {
            bail!("the agent heard only {} of {sessions} messages in time", latencies.len());
        };
        let heard = Instant::now();
        let Ok(text) = frame?.into_text() else { continue };
        let event: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let Some(n) = event["message"]["text"]
            .as_str()
            .and_then(|t| t.strip_prefix("bench message "))
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        if let Some(sent) = sent_at.get(n).and_then(|slot| *slot.lock().unwrap()) {
            latencies.push(heard - sent);
        }
    }
    let total = began.elapsed();
    latencies.sort();
    println!(
        "live on sqlite: {sessions} widget sessions each sent one message (spread over {spread_ms} ms); send to agent's WebSocket p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; all heard in {:.2} s",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
        total.as_secs_f64()
    );
    Ok(())
}
