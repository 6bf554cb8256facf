//! Two real `ascolto serve` processes on one PostgreSQL database: a widget visitor on node A
//! and an agent on node B chat both ways through the event bridge; then node A is killed
//! (SIGKILL) in the middle of a send, the visitor reconnects to node B the way the widget
//! does (same cookie, unacknowledged messages sent again), and every message is there once,
//! in order.
//!
//! The server comes from `ASCOLTO_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). Without one the test prints `SKIPPED`, except
//! under `CI=true`, where a missing database is a failure.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::time::Duration;

use ascolto_core::{EmailAddress, Role};
use ascolto_store::{ChannelSettings, NewAgent, NewChannelConfig, Secret, Store};
use ascolto_store_postgres::PostgresStore;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
/// How long to wait for something that should happen at once, before the test gives up
/// instead of hanging. Not a timing assertion: only a guard against a test that never ends.
const PATIENCE: Duration = Duration::from_secs(30);

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A throwaway database, dropped when the test ends.
struct Database {
    admin: PgConnectOptions,
    name: String,
    url: String,
}

impl Drop for Database {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop runs outside the test's runtime once it is over: use a small one of our own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                if let Ok(mut connection) = PgConnection::connect_with(&admin).await {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(AssertSqlSafe(drop)).execute(&mut connection).await;
                }
            });
        })
        .join();
    }
}

async fn database() -> Option<Database> {
    let url = std::env::var("ASCOLTO_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned());
    let admin = PgConnectOptions::from_str(&url).expect("ASCOLTO_TEST_POSTGRES_URL is a PostgreSQL URL");
    let mut connection = match PgConnection::connect_with(&admin).await {
        Ok(connection) => connection,
        Err(error) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("PostgreSQL is required in CI: {error}");
            }
            println!("SKIPPED: PostgreSQL is not available: {error}");
            return None;
        }
    };
    let name = format!("ascolto_nodes_{:016x}", fastrand::u64(..));
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut connection)
        .await
        .expect("create a test database");
    let base = url.rsplit_once('/').map(|(base, _)| base).unwrap_or(&url);
    let url = format!("{base}/{name}");
    Some(Database { admin, name, url })
}

/// What the test set up in the shared database before any node started.
struct Desk {
    channel: String,
    token: String,
}

async fn prepare(url: &str) -> Desk {
    let store = PostgresStore::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let admin = NewAgent {
        name: "Marta".into(),
        email: EmailAddress::parse("marta@test.ascolto").unwrap(),
        role: Role::Admin,
        password_hash: None,
        languages: vec!["it".into()],
        teams: vec![],
        reports_to: None,
        ui_language: "it".into(),
    };
    let agent = store.create_agent(admin).await.unwrap();
    let token = ascolto_web::auth::new_api_token().unwrap();
    let hash = ascolto_web::auth::hash_secret(&token);
    store.create_api_token(agent.id, "two nodes", &hash, chrono::Utc::now()).await.unwrap();
    let settings = ChannelSettings::WebChat {
        identity_secret: None,
        visitor_key: Secret::new(ascolto_web::auth::random_token().unwrap()),
        allowed_origins: vec![],
    };
    let new = NewChannelConfig { id: "shop".into(), name: "Shop".into(), settings };
    let channel = store.create_channel_config(new, chrono::Utc::now()).await.unwrap();
    store.close().await;
    Desk { channel: channel.id, token }
}

/// One `ascolto serve` process; killed with SIGKILL when dropped.
struct Node {
    child: Child,
    base: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Node {
    /// Starts a node and waits until it serves HTTP and relays events through PostgreSQL.
    fn start(url: &str, data_dir: &std::path::Path) -> Node {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ascolto"))
            .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url, "--data-dir"])
            .arg(data_dir)
            .env("ASCOLTO_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut base, mut relaying) = (None, false);
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some((_, rest)) = line.split_once("Ascolto is listening on ") {
                base = rest.split_whitespace().next().map(str::to_owned);
            }
            relaying |= line.contains("relays live events through PostgreSQL");
            if base.is_some() && relaying {
                break;
            }
        }
        // Keep reading what the node prints, so it never writes into a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let base = base.expect("the node never said where it listens");
        Node { child, base }
    }

    fn ws(&self, path: &str) -> String {
        format!("{}{path}", self.base.replace("http://", "ws://"))
    }

    /// SIGKILL: no graceful shutdown, nothing flushed.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

async fn socket(url: String, header: (&'static str, String)) -> Socket {
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(header.0, header.1.parse().unwrap());
    tokio_tungstenite::connect_async(request).await.expect("open a WebSocket").0
}

/// The next JSON frame that satisfies `wanted`, skipping others.
async fn heard(socket: &mut Socket, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    let wait = async {
        loop {
            let frame = socket.next().await.expect("the socket closed").expect("a WebSocket frame");
            let Ok(text) = frame.to_text() else { continue };
            let Ok(value) = serde_json::from_str::<Value>(text) else { continue };
            if wanted(&value) {
                return value;
            }
        }
    };
    tokio::time::timeout(PATIENCE, wait).await.unwrap_or_else(|_| panic!("never heard {what}"))
}

/// A widget visitor: the session cookie, as the widget's `POST /widget/v1/session` sets it.
struct Visitor {
    http: reqwest::Client,
    channel: String,
    cookie: Option<String>,
}

impl Visitor {
    /// Starts (or, with a cookie, resumes) the session on `node` and opens the socket, as the
    /// widget does on every (re)connection. Returns the socket and the history it was sent.
    async fn connect(&mut self, node: &Node) -> (Socket, Vec<Value>) {
        let mut request = self
            .http
            .post(format!("{}/widget/v1/session", node.base))
            .json(&json!({"channel": self.channel}));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), 200, "the widget session was refused");
        let set_cookie = answer.headers()["set-cookie"].to_str().unwrap();
        self.cookie = Some(set_cookie.split(';').next().unwrap().to_owned());
        let url = node.ws(&format!("/widget/v1/live?channel={}", self.channel));
        let mut socket = socket(url, ("cookie", self.cookie.clone().unwrap())).await;
        let history = heard(&mut socket, "the history", |v| v["type"] == "history").await;
        (socket, history["messages"].as_array().unwrap().clone())
    }
}

async fn send_message(socket: &mut Socket, client_id: &str, text: &str) {
    let frame = json!({"type": "message", "client_id": client_id, "text": text}).to_string();
    socket.send(Frame::Text(frame.into())).await.unwrap();
}

async fn acknowledged(socket: &mut Socket, client_id: &str) -> Value {
    heard(socket, &format!("the ack of {client_id}"), |v| v["type"] == "ack" && v["client_id"] == client_id)
        .await
}

async fn agent_heard(agent: &mut Socket, text: &str) -> Value {
    heard(agent, &format!("{text:?} on the agent's socket"), |v| {
        v["type"] == "message_created" && v["message"]["text"] == text
    })
    .await
}

async fn visitor_heard(visitor: &mut Socket, text: &str) {
    heard(visitor, &format!("{text:?} in the widget"), |v| {
        v["type"] == "message" && v["message"]["text"] == text
    })
    .await;
}

async fn agent_reply(node: &Node, token: &str, conversation: i64, text: &str) {
    let answer = reqwest::Client::new()
        .post(format!("{}/api/v1/conversations/{conversation}/messages", node.base))
        .bearer_auth(token)
        .json(&json!({"text": text}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 201, "the reply was refused: {}", answer.text().await.unwrap());
}

fn texts(messages: &[Value]) -> Vec<String> {
    messages.iter().map(|m| m["text"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_visitor_on_node_a_and_an_agent_on_node_b_chat_and_node_a_dies_without_losing_anything() {
    let Some(database) = database().await else { return };
    let desk = prepare(&database.url).await;
    let data = tempfile::tempdir().unwrap();
    let node_a = Node::start(&database.url, data.path());
    let node_b = Node::start(&database.url, data.path());

    let mut agent =
        socket(node_b.ws("/api/v1/live"), ("authorization", format!("Bearer {}", desk.token))).await;
    let mut visitor = Visitor { http: reqwest::Client::new(), channel: desk.channel.clone(), cookie: None };
    let (mut on_a, history) = visitor.connect(&node_a).await;
    assert!(history.is_empty(), "a new visitor has no history: {history:?}");

    let mut conversation = 0;
    for round in 1..=3 {
        send_message(&mut on_a, &format!("v{round}"), &format!("visitor {round}")).await;
        acknowledged(&mut on_a, &format!("v{round}")).await;
        let event = agent_heard(&mut agent, &format!("visitor {round}")).await;
        conversation = event["conversation"]["id"].as_i64().unwrap();
        agent_reply(&node_b, &desk.token, conversation, &format!("agent {round}")).await;
        visitor_heard(&mut on_a, &format!("agent {round}")).await;
    }

    // Node A dies while the visitor's fourth message is on its way: it may or may not have
    // been stored. The widget keeps it until acknowledged and sends it again on reconnect.
    send_message(&mut on_a, "v4", "visitor 4").await;
    node_a.kill();
    let (mut on_b, history) = visitor.connect(&node_b).await;
    let expected_before: Vec<String> =
        (1..=3).flat_map(|n| [format!("visitor {n}"), format!("agent {n}")]).collect();
    assert_eq!(texts(&history)[..6], expected_before[..], "node B lost or reordered the chat");
    send_message(&mut on_b, "v4", "visitor 4").await;
    acknowledged(&mut on_b, "v4").await;
    agent_reply(&node_b, &desk.token, conversation, "agent 4").await;
    visitor_heard(&mut on_b, "agent 4").await;
    send_message(&mut on_b, "v5", "visitor 5").await;
    acknowledged(&mut on_b, "v5").await;
    agent_heard(&mut agent, "visitor 5").await;

    let mut expected = expected_before;
    expected.extend(["visitor 4", "agent 4", "visitor 5"].map(String::from));
    let (_, history) = visitor.connect(&node_b).await;
    assert_eq!(texts(&history), expected, "the visitor's chat after the failover");
    let ids: Vec<i64> = history.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "messages out of order: {ids:?}");
    let stored: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/conversations/{conversation}/messages", node_b.base))
        .bearer_auth(&desk.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(texts(stored["data"].as_array().unwrap()), expected, "what the agent sees after the failover");
}
