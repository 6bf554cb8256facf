//! `/api/v1/live`: the agents' WebSocket. Each connection hears the events of the
//! conversations its agent may see, as JSON text frames, the moment they happen on any node.

use std::sync::Arc;

use ascolto_service::events::Envelope;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN};
use axum::response::Response;
use tokio::sync::broadcast::error::RecvError;
use tracing::debug;

use crate::AppState;
use crate::auth::{Caller, Credential};
use crate::error::{ApiError, ApiResult};

/// Whether a browser's `Origin` is this site: a cookie-authenticated WebSocket from another
/// site would otherwise ride the agent's session (cross-site WebSocket hijacking).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

/// Open the live event stream (WebSocket).
pub async fn agent_socket(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> ApiResult<Response> {
    if matches!(caller.credential, Credential::Session { .. }) && !same_origin(&headers) {
        return Err(ApiError::Forbidden(
            "the live stream only accepts connections from this site".to_owned(),
        ));
    }
    let events = state.desk.events.subscribe();
    Ok(upgrade.on_upgrade(move |socket| stream(socket, caller, events)))
}

fn visible(caller: &Caller, envelope: &Envelope) -> bool {
    let scope = envelope.event.scope();
    caller.visibility.can_see_parts(scope.team, scope.assignee)
}

async fn stream(
    mut socket: WebSocket,
    caller: Caller,
    mut events: tokio::sync::broadcast::Receiver<Arc<Envelope>>,
) {
    loop {
        tokio::select! {
            received = events.recv() => match received {
                Ok(envelope) if visible(&caller, &envelope) => {
                    let Ok(json) = serde_json::to_string(&envelope.event) else { continue };
                    if socket.send(Message::Text(json.into())).await.is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    // The browser missed events: tell it to reload what it shows.
                    let json = serde_json::json!({"type": "resync", "missed": missed}).to_string();
                    if socket.send(Message::Text(json.into())).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                    debug!(agent.id = %caller.agent.id, "live stream of agent {} closed", caller.agent.id);
                    return;
                }
                Some(Ok(_)) => {}
            },
        }
    }
}
