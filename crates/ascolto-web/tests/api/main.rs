//! The API's integration tests: a real server on `127.0.0.1:0` over a fresh SQLite store per
//! test, driven over HTTP. Modules mirror the routes.

mod bad_input;
mod coach;
mod conversations;
mod customers;
mod live;
mod macros;
mod mailboxes;
mod platforms;
mod queue;
mod roles;
mod sessions;
mod ui;
mod webhooks;
mod widget;

use std::sync::Arc;

use ascolto_core::{AgentId, Channel, EmailAddress, Identity, IdentityKind, Role, TeamId};
use ascolto_service::{Desk, InboundRequest};
use ascolto_store::{ConversationPatch, Ingested, NewAgent, Store};
use ascolto_store_sqlite::SqliteStore;
use ascolto_web::auth::{hash_secret, new_api_token};
use ascolto_web::{AppState, WebConfig};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;

/// A signed-in caller: an agent and their API token.
#[derive(Debug, Clone)]
pub struct Login {
    pub id: AgentId,
    pub token: String,
}

/// A running server with a team layout: admin; lead of team A with `agent_a` reporting;
/// `agent_a` in team A; `agent_b` in team B.
#[allow(missing_debug_implementations, reason = "a test fixture, never printed")]
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub desk: Desk,
    pub admin: Login,
    pub lead: Login,
    pub agent_a: Login,
    pub agent_b: Login,
    pub team_a: TeamId,
    pub team_b: TeamId,
    _dir: tempfile::TempDir,
}

async fn login(
    store: &dyn Store,
    name: &str,
    role: Role,
    teams: Vec<TeamId>,
    reports_to: Option<AgentId>,
) -> Login {
    let email = format!("{}@test.ascolto", name.to_lowercase());
    let agent = store
        .create_agent(NewAgent {
            name: name.to_owned(),
            email: EmailAddress::parse(&email).unwrap(),
            role,
            password_hash: None,
            languages: vec!["it".into(), "en".into()],
            teams,
            reports_to,
            ui_language: "en".into(),
        })
        .await
        .unwrap();
    let token = new_api_token().unwrap();
    store.create_api_token(agent.id, "test", &hash_secret(&token), chrono::Utc::now()).await.unwrap();
    Login { id: agent.id, token }
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("test.db")).await.unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let team_a = store.create_team("Team A").await.unwrap().id;
    let team_b = store.create_team("Team B").await.unwrap().id;
    let admin = login(store.as_ref(), "Admin", Role::Admin, vec![], None).await;
    let lead = login(store.as_ref(), "Lead", Role::Lead, vec![team_a], None).await;
    let agent_a = login(store.as_ref(), "AgentA", Role::Agent, vec![team_a], Some(lead.id)).await;
    let agent_b = login(store.as_ref(), "AgentB", Role::Agent, vec![team_b], None).await;
    let desk = Desk::new(store);
    let state = AppState::new(desk.clone(), WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(ascolto_web::serve(listener, state, std::future::pending()));
    TestApp {
        base,
        client: reqwest::Client::new(),
        desk,
        admin,
        lead,
        agent_a,
        agent_b,
        team_a,
        team_b,
        _dir: dir,
    }
}

impl TestApp {
    pub fn request(&self, as_who: &Login, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}/api/v1{path}", self.base)).bearer_auth(&as_who.token)
    }

    /// Sends a request and returns the status and the JSON body (`Null` when empty).
    pub async fn call(
        &self,
        as_who: &Login,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.request(as_who, method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        send(request).await
    }

    pub async fn get(&self, as_who: &Login, path: &str) -> (StatusCode, Value) {
        self.call(as_who, Method::GET, path, None).await
    }

    /// A customer message on `channel` from `email`, placed in `team` (or the general queue).
    pub async fn inbound(&self, email: &str, text: &str, team: Option<TeamId>) -> Ingested {
        let ingested = self
            .desk
            .ingest(InboundRequest {
                channel: Channel::Api,
                identity: Identity::parse(IdentityKind::Email, email).unwrap(),
                customer_name: None,
                conversation: None,
                subject: None,
                text: text.to_owned(),
                html: None,
                attachments: vec![],
                channel_message_id: None,
                received_at: None,
            })
            .await
            .unwrap();
        if team.is_some() {
            let patch = ConversationPatch { team: Some(team), ..Default::default() };
            self.desk
                .store
                .update_conversation(ingested.conversation.id, patch, self.desk.now())
                .await
                .unwrap();
        }
        ingested
    }
}

pub async fn send(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let bytes = response.bytes().await.unwrap();
    let body =
        if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
    (status, body)
}

/// The error envelope's code, asserting the envelope's shape on the way.
pub fn error_code(body: &Value) -> &str {
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "no error message in {body}");
    body["error"]["code"].as_str().unwrap_or_default()
}
