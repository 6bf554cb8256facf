//! `/live`: agents hear new messages the moment they are stored, and only those they may see.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::{Login, TestApp, spawn_app};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(app: &TestApp, who: &Login) -> Socket {
    let url = format!("{}/api/v1/live", app.base.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("authorization", format!("Bearer {}", who.token).parse().unwrap());
    let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
}

pub async fn next_event(socket: &mut Socket) -> Option<Value> {
    loop {
        let frame = tokio::time::timeout(Duration::from_millis(1500), socket.next()).await.ok()??.ok()?;
        if let Ok(text) = frame.to_text() {
            if !text.is_empty() {
                return serde_json::from_str(text).ok();
            }
        }
    }
}

#[tokio::test]
async fn a_new_message_reaches_the_agents_socket() {
    let app = spawn_app().await;
    let mut socket = connect(&app, &app.agent_a).await;
    let body = json!({"identity": {"kind": "email", "value": "anna@example.it"}, "text": "Ciao, dov'è il mio pacco?"});
    app.call(&app.admin, Method::POST, "/inbound-messages", Some(body)).await;
    let event = next_event(&mut socket).await.expect("no event arrived");
    assert_eq!(event["type"], "message_created");
    assert_eq!(event["message"]["text"], "Ciao, dov'è il mio pacco?");
}

#[tokio::test]
async fn another_teams_message_is_not_heard() {
    let app = spawn_app().await;
    let mut socket = connect(&app, &app.agent_a).await;
    let conversation = app.inbound("b@example.it", "primo", Some(app.team_b)).await.conversation.id;
    // Skip the events of the set-up (created in the general queue, then moved to team B).
    while next_event(&mut socket).await.is_some() {}
    app.call(
        &app.admin,
        Method::POST,
        &format!("/conversations/{conversation}/messages"),
        Some(json!({"text": "risposta"})),
    )
    .await;
    assert_eq!(next_event(&mut socket).await, None, "agent A heard team B's reply");
}

#[tokio::test]
async fn a_cross_site_browser_socket_is_refused() {
    let app = spawn_app().await;
    let body = json!({"name": "Paola", "email": "paola@test.ascolto", "role": "agent", "password": "correct horse battery"});
    app.call(&app.admin, Method::POST, "/agents", Some(body)).await;
    let signed_in = app
        .client
        .post(format!("{}/api/v1/sessions", app.base))
        .json(&json!({"email": "paola@test.ascolto", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let url = format!("{}/api/v1/live", app.base.replace("http://", "ws://"));
    let handshake = |origin: String| {
        let mut request = url.clone().into_client_request().unwrap();
        request.headers_mut().insert("cookie", cookie.parse().unwrap());
        request.headers_mut().insert("origin", origin.parse().unwrap());
        tokio_tungstenite::connect_async(request)
    };
    match handshake("https://evil.example".into()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!("a cross-site socket was not refused: {:?}", other.map(|(_, r)| r.status())),
    }
    let host = app.base.trim_start_matches("http://").to_owned();
    assert!(handshake(format!("http://{host}")).await.is_ok(), "a same-site socket must connect");
}
