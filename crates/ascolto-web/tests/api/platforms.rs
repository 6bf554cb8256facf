//! Local stand-ins for the Telegram Bot API and the WhatsApp Cloud API, answering the way
//! their published contracts say (success bodies, error bodies, rate limits), and recording
//! every request they receive.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Value, json};

/// One request the platform received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub authorization: Option<String>,
    pub body: Value,
}

#[derive(Debug, Clone, Default)]
pub struct Platform {
    pub base: String,
    received: Arc<Mutex<Vec<Received>>>,
    /// Answers to give, in order; when empty, the platform's success answer.
    scripted: Arc<Mutex<VecDeque<(StatusCode, Value)>>>,
    success: Arc<Mutex<Option<Value>>>,
}

impl Platform {
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The next request gets this answer instead of success.
    pub fn answer_next(&self, status: StatusCode, body: Value) {
        self.scripted.lock().unwrap().push_back((status, body));
    }
}

async fn answer(State(platform): State<Platform>, request: Request) -> impl IntoResponse {
    let path = request.uri().path().to_owned();
    let authorization =
        request.headers().get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = axum::body::to_bytes(request.into_body(), 1 << 20).await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    platform.received.lock().unwrap().push(Received { path, authorization, body });
    if let Some((status, body)) = platform.scripted.lock().unwrap().pop_front() {
        return (status, axum::Json(body));
    }
    let success = platform.success.lock().unwrap().clone().unwrap();
    (StatusCode::OK, axum::Json(success))
}

async fn serve(success: Value) -> Platform {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let platform =
        Platform { base: format!("http://{}", listener.local_addr().unwrap()), ..Platform::default() };
    *platform.success.lock().unwrap() = Some(success);
    let app = Router::new().fallback(answer).with_state(platform.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    platform
}

/// The Bot API: `sendMessage` answers `{"ok": true, "result": Message}`.
pub async fn telegram() -> Platform {
    serve(json!({"ok": true, "result": {"message_id": 77, "date": 1772355600, "chat": {"id": 111, "type": "private"}, "text": "ok"}})).await
}

/// The Cloud API: `messages` answers with the contact and the new `wamid`.
pub async fn whatsapp() -> Platform {
    serve(json!({"messaging_product": "whatsapp", "contacts": [{"input": "393331234567", "wa_id": "393331234567"}], "messages": [{"id": "wamid.OUT1"}]})).await
}
