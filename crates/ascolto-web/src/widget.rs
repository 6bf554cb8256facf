//! `/widget/v1`: the web-chat widget — its script and style sheet, the visitor's session
//! (a signed token in an HttpOnly cookie scoped to these endpoints) and the visitor's
//! WebSocket, which carries messages both ways, typing, and the wait estimate.
//!
//! A visitor only ever sees their own latest web-chat conversation, never internal notes,
//! and a site's claim about who the visitor is counts only when it is signed with the
//! channel's identity secret.

use std::collections::HashSet;

use ascolto_channels::webchat::{VISITOR_TOKEN_LIFETIME, Visitor, vouched_identity};
use ascolto_core::agent::Visibility;
use ascolto_core::{
    Channel, Conversation, ConversationId, CustomerId, Direction, Identity, IdentityKind, Message,
};
use ascolto_service::InboundRequest;
use ascolto_service::events::{Event, Interest, Listener, Scope};
use ascolto_store::{ChannelConfig, ChannelSettings, ConversationFilter, CustomerPatch, PageRequest};
use axum::Json;
use axum::Router;
use axum::extract::ws::{Message as Frame, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE, ORIGIN, SET_COOKIE, VARY,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;
use tracing::{debug, warn};

use crate::AppState;
use crate::auth::{cookie, random_token};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};

const SCRIPT: &str = include_str!("../assets/widget.js");
const STYLE: &str = include_str!("../assets/widget.css");
/// Browsers may keep the assets an hour: a new version reaches every site within the hour.
const ASSET_CACHE: &str = "public, max-age=3600";
/// How far back first responses are averaged for the wait estimate.
const ESTIMATE_WINDOW: TimeDelta = TimeDelta::days(7);
/// The most messages of a conversation a visitor is shown.
const HISTORY_LIMIT: u32 = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/widget/v1/widget.js", get(|| async { asset(SCRIPT, "text/javascript; charset=utf-8") }))
        .route("/widget/v1/widget.css", get(|| async { asset(STYLE, "text/css; charset=utf-8") }))
        .route("/widget/v1/session", post(start_session).options(|| async { StatusCode::NO_CONTENT }))
        .route("/widget/v1/live", get(visitor_socket))
        .layer(middleware::from_fn(cors))
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let headers = [
        (CONTENT_TYPE, content_type),
        (CACHE_CONTROL, ASSET_CACHE),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
    ];
    (headers, body).into_response()
}

/// The widget runs on the customer's site and calls this server with its cookie, so the
/// session endpoint answers cross-origin requests with credentials. Which origins may embed a
/// channel is checked by the handlers, which know the channel.
async fn cors(request: Request, next: Next) -> Response {
    let origin = request.headers().get(ORIGIN).cloned();
    let preflight = request.method() == Method::OPTIONS;
    let mut response = next.run(request).await;
    if let Some(origin) = origin.filter(|_| !response.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN)) {
        let headers = response.headers_mut();
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
        headers.append(VARY, HeaderValue::from_static("origin"));
        if preflight {
            headers.insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST, OPTIONS"));
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("content-type"));
        }
    }
    response
}

/// The widget channel `id` and its settings.
struct WidgetChannel {
    id: String,
    identity_secret: Option<String>,
    visitor_key: String,
    allowed_origins: Vec<String>,
}

async fn widget_channel(state: &AppState, id: &str) -> ApiResult<WidgetChannel> {
    let not_found = || ApiError::NotFound("no such chat channel".to_owned());
    let config: ChannelConfig = match state.desk.store.get_channel_config(id).await {
        Ok(config) => config,
        Err(ascolto_store::StoreError::NotFound { .. }) => return Err(not_found()),
        Err(error) => return Err(error.into()),
    };
    let ChannelSettings::WebChat { identity_secret, visitor_key, allowed_origins } = config.settings else {
        return Err(not_found());
    };
    Ok(WidgetChannel {
        id: config.id,
        identity_secret: identity_secret.map(|s| s.expose().to_owned()),
        visitor_key: visitor_key.expose().to_owned(),
        allowed_origins,
    })
}

impl WidgetChannel {
    /// Refuses a page the channel's admin did not list (when they listed any).
    fn check_origin(&self, headers: &HeaderMap) -> ApiResult<()> {
        let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
        match origin {
            Some(origin)
                if !self.allowed_origins.is_empty() && !self.allowed_origins.iter().any(|o| o == origin) =>
            {
                Err(ApiError::Forbidden("this site may not embed the chat".to_owned()))
            }
            _ => Ok(()),
        }
    }

    fn cookie_name(&self) -> String {
        format!("ascolto_visitor_{}", self.id)
    }

    fn visitor(&self, state: &AppState, headers: &HeaderMap) -> Option<Visitor> {
        let token = cookie(headers, &self.cookie_name())?;
        Visitor::verify(token, &self.id, &self.visitor_key, state.desk.now())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionInput {
    channel: String,
    /// A logged-in customer's address, with `signature` = hex HMAC-SHA256 of it.
    email: Option<String>,
    signature: Option<String>,
}

#[derive(Debug, Serialize)]
struct SessionView {
    /// Whether the visitor is a customer the site vouched for.
    identified: bool,
}

/// Start or resume a visitor's session: sets the visitor cookie.
async fn start_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<SessionInput>,
) -> ApiResult<Response> {
    let channel = widget_channel(&state, &input.channel).await?;
    channel.check_origin(&headers)?;
    let vouched = match (&input.email, &input.signature) {
        (Some(email), Some(signature)) => {
            vouched_identity(channel.identity_secret.as_deref(), email, signature)
        }
        _ => None,
    };
    if input.email.is_some() && vouched.is_none() {
        warn!(channel.id = %channel.id, "a widget visitor claimed an identity the site did not sign; treating them as anonymous");
    }
    let existing = channel.visitor(&state, &headers).map(|visitor| visitor.identity);
    let identified = vouched.is_some();
    let identity = match (vouched, existing) {
        (Some(vouched), _) => vouched,
        (None, Some(existing)) => existing,
        (None, None) => Identity::parse(IdentityKind::WebChat, &random_token()?)?,
    };
    let visitor =
        Visitor { channel_id: channel.id.clone(), identity, issued_at: state.desk.now().timestamp() };
    let token = visitor.sign(&channel.visitor_key);
    let same_site = if state.config.secure_cookies { "None; Secure" } else { "Lax" };
    let cookie = format!(
        "{}={token}; Path=/widget/v1; HttpOnly; SameSite={same_site}; Max-Age={}",
        channel.cookie_name(),
        VISITOR_TOKEN_LIFETIME.num_seconds()
    );
    let mut response = Json(SessionView { identified }).into_response();
    let value = HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(e.to_string()))?;
    response.headers_mut().insert(SET_COOKIE, value);
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Debug, Deserialize)]
struct LiveQuery {
    channel: String,
}

/// The visitor's WebSocket.
async fn visitor_socket(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LiveQuery>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> ApiResult<Response> {
    let channel = widget_channel(&state, &query.channel).await?;
    channel.check_origin(&headers)?;
    let visitor = channel.visitor(&state, &headers).ok_or(ApiError::Unauthenticated)?;
    // Listening starts before the history is read, so nothing said in between is missed.
    let events = state.desk.events.listen();
    Ok(upgrade.on_upgrade(move |socket| async move {
        let mut session = VisitorSession {
            state,
            identity: visitor.identity,
            customer: None,
            conversations: HashSet::new(),
            latest: None,
            events,
        };
        if let Err(error) = session.run(socket).await {
            debug!("a widget visitor's socket ended: {error}");
        }
    }))
}

/// A message as the visitor sees it.
#[derive(Debug, Serialize)]
struct VisitorMessage {
    id: i64,
    /// `visitor` or `agent`.
    from: &'static str,
    text: String,
    created_at: chrono::DateTime<chrono::Utc>,
}

fn visitor_view(message: &Message) -> Option<VisitorMessage> {
    let from = match message.direction {
        Direction::Inbound => "visitor",
        Direction::Outbound => "agent",
        Direction::Note => return None,
    };
    Some(VisitorMessage {
        id: message.id.0,
        from,
        text: message.text.clone(),
        created_at: message.created_at,
    })
}

/// What the visitor is told about the wait.
#[derive(Debug, Serialize)]
struct WaitView {
    agents_online: i64,
    waiting: i64,
    /// The recent average first response, in whole minutes (at least 1); `None` when there
    /// is no recent history to base it on.
    estimate_minutes: Option<i64>,
    /// Whether an e-mail address is known for the visitor, so an answer can follow by e-mail.
    email_known: bool,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum VisitorFrame {
    Message { client_id: String, text: String },
    Typing { typing: bool },
    Email { email: String },
}

struct VisitorSession {
    state: AppState,
    identity: Identity,
    customer: Option<CustomerId>,
    conversations: HashSet<ConversationId>,
    latest: Option<Conversation>,
    /// The events of this visitor's customer and conversations, routed by the bus.
    events: Listener,
}

type SocketResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

impl VisitorSession {
    async fn run(&mut self, mut socket: WebSocket) -> SocketResult {
        self.send_history(&mut socket).await?;
        loop {
            tokio::select! {
                received = self.events.recv() => match received {
                    Ok(envelope) => self.on_event(&mut socket, &envelope.event).await?,
                    Err(RecvError::Lagged(_)) => self.send_history(&mut socket).await?,
                    Err(RecvError::Closed) => return Ok(()),
                },
                incoming = socket.recv() => match incoming {
                    Some(Ok(Frame::Text(text))) => self.on_frame(&mut socket, text.as_str()).await?,
                    Some(Ok(Frame::Close(_))) | None | Some(Err(_)) => return Ok(()),
                    Some(Ok(_)) => {}
                },
            }
        }
    }

    /// From now on, hear about the customer's conversations.
    fn set_customer(&mut self, customer: CustomerId) {
        self.customer = Some(customer);
        self.events.add(Interest::Customer(customer));
    }

    /// From now on, hear about this conversation (typing included).
    fn follow(&mut self, conversation: &Conversation) {
        if self.conversations.insert(conversation.id) {
            self.events.add(Interest::Conversation(conversation.id));
        }
        self.latest = Some(conversation.clone());
    }

    async fn send(socket: &mut WebSocket, value: serde_json::Value) -> SocketResult {
        socket.send(Frame::Text(value.to_string().into())).await?;
        Ok(())
    }

    /// Everything the visitor should see now: their latest web-chat conversation and the wait.
    async fn send_history(&mut self, socket: &mut WebSocket) -> SocketResult {
        let store = self.state.desk.store.clone();
        let mut messages = Vec::new();
        if let Some(customer) = store.find_customer_by_identity(&self.identity).await? {
            self.set_customer(customer.id);
            let filter = ConversationFilter {
                customer: Some(customer.id),
                channel: Some(Channel::WebChat),
                ..Default::default()
            };
            let latest =
                store.list_conversations(&filter, &Visibility::All, PageRequest::first(1)).await?.items.pop();
            if let Some(conversation) = latest {
                self.follow(&conversation);
                let page = store.list_messages(conversation.id, PageRequest::first(HISTORY_LIMIT)).await?;
                messages = page.items.iter().filter_map(visitor_view).collect();
            }
        }
        let wait = self.wait().await?;
        Self::send(socket, serde_json::json!({"type": "history", "messages": messages, "wait": wait})).await
    }

    async fn wait(&self) -> Result<WaitView, ascolto_store::StoreError> {
        let since = self.state.desk.now() - ESTIMATE_WINDOW;
        let stats = self.state.desk.store.wait_stats(Channel::WebChat, since).await?;
        let email_known = match self.customer {
            Some(id) => self
                .state
                .desk
                .store
                .get_customer(id)
                .await?
                .identities
                .iter()
                .any(|i| i.kind == IdentityKind::Email),
            None => self.identity.kind == IdentityKind::Email,
        };
        Ok(WaitView {
            agents_online: stats.online_agents,
            waiting: stats.waiting,
            estimate_minutes: stats
                .average_first_response_seconds
                .map(|seconds| ((seconds + 59) / 60).max(1)),
            email_known,
        })
    }

    fn is_mine(&self, conversation: &Conversation) -> bool {
        conversation.channel == Channel::WebChat && Some(conversation.customer_id) == self.customer
    }

    async fn on_event(&mut self, socket: &mut WebSocket, event: &Event) -> SocketResult {
        match event {
            Event::MessageCreated { conversation, message } if self.is_mine(conversation) => {
                self.follow(conversation);
                if let Some(view) = visitor_view(message) {
                    Self::send(socket, serde_json::json!({"type": "message", "message": view})).await?;
                }
            }
            Event::Typing { scope, agent_id: Some(_), typing }
                if self.conversations.contains(&scope.conversation_id) =>
            {
                Self::send(socket, serde_json::json!({"type": "typing", "typing": typing})).await?;
            }
            _ => {}
        }
        Ok(())
    }

    async fn on_frame(&mut self, socket: &mut WebSocket, text: &str) -> SocketResult {
        let Ok(frame) = serde_json::from_str::<VisitorFrame>(text) else {
            return Self::send(socket, serde_json::json!({"type": "error", "message": "unreadable frame"}))
                .await;
        };
        match frame {
            VisitorFrame::Message { client_id, text } => self.on_message(socket, client_id, text).await,
            VisitorFrame::Typing { typing } => {
                if let Some(conversation) = &self.latest {
                    let scope = Scope::from(conversation);
                    self.state.desk.events.publish(Event::Typing { scope, agent_id: None, typing });
                }
                Ok(())
            }
            VisitorFrame::Email { email } => self.on_email(socket, &email).await,
        }
    }

    /// Stores the visitor's message, then acknowledges it: an acknowledged message is on disk.
    /// The client's id makes a message resent after a reconnect a no-op.
    async fn on_message(&mut self, socket: &mut WebSocket, client_id: String, text: String) -> SocketResult {
        let valid_id = (1..=64).contains(&client_id.len())
            && client_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_id {
            return Self::send(
                socket,
                serde_json::json!({"type": "error", "client_id": client_id, "message": "bad client id"}),
            )
            .await;
        }
        let request = InboundRequest {
            channel: Channel::WebChat,
            identity: self.identity.clone(),
            customer_name: None,
            conversation: None,
            subject: None,
            text,
            html: None,
            attachments: Vec::new(),
            channel_message_id: Some(format!("{}:{client_id}", self.identity.value)),
            received_at: None,
        };
        match self.state.desk.ingest(request).await {
            Ok(ingested) => {
                self.set_customer(ingested.conversation.customer_id);
                self.follow(&ingested.conversation);
                let wait = self.wait().await?;
                let message = visitor_view(&ingested.message);
                Self::send(socket, serde_json::json!({"type": "ack", "client_id": client_id, "message": message, "wait": wait})).await
            }
            Err(ascolto_service::ServiceError::Invalid(error)) => Self::send(
                socket,
                serde_json::json!({"type": "error", "client_id": client_id, "message": error.to_string()}),
            )
            .await,
            Err(error) => Err(Box::new(error)),
        }
    }

    /// Keeps the visitor's e-mail address so an answer can follow by e-mail.
    async fn on_email(&mut self, socket: &mut WebSocket, email: &str) -> SocketResult {
        let Ok(identity) = Identity::parse(IdentityKind::Email, email) else {
            return Self::send(
                socket,
                serde_json::json!({"type": "error", "message": "not an e-mail address"}),
            )
            .await;
        };
        let Some(customer) = self.customer else {
            return Self::send(
                socket,
                serde_json::json!({"type": "error", "message": "write a message first"}),
            )
            .await;
        };
        let patch = CustomerPatch { add_identities: vec![identity], ..Default::default() };
        match self.state.desk.store.update_customer(customer, patch, self.state.desk.now()).await {
            // An address another customer holds is still fine for the visitor: agents see the
            // clash when they merge, and the visitor is not told who else uses it.
            Ok(_) | Err(ascolto_store::StoreError::Conflict(_)) => {
                Self::send(socket, serde_json::json!({"type": "email_saved"})).await
            }
            Err(error) => Err(Box::new(error)),
        }
    }
}
