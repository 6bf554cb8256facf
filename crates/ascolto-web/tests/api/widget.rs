//! `/widget/v1`: the chat widget in real headless Chromium on a page of another origin — the
//! visitor writes, the agent's socket hears it, the agent replies, the visitor sees it, and a
//! reload keeps the conversation. Plus the assets' headers and the session's trust rules.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ascolto_channels::signature::hmac_hex;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::{TestApp, spawn_app};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

async fn webchat_channel(app: &TestApp) -> String {
    let body = json!({"kind": "webchat", "name": "Negozio", "identity_secret": "site-key"});
    let (status, channel) = app.call(&app.admin, Method::POST, "/channels", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{channel}");
    channel["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_widget_assets_are_served_with_their_types_and_caching() {
    let app = spawn_app().await;
    for (path, content_type) in
        [("widget.js", "text/javascript; charset=utf-8"), ("widget.css", "text/css; charset=utf-8")]
    {
        let response = app.client.get(format!("{}/widget/v1/{path}", app.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], content_type);
        assert_eq!(response.headers()["cache-control"], "public, max-age=3600");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    }
}

async fn session(app: &TestApp, body: Value) -> (StatusCode, Value, Option<String>) {
    let response =
        app.client.post(format!("{}/widget/v1/session", app.base)).json(&body).send().await.unwrap();
    let cookie = response.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_owned());
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null), cookie)
}

#[tokio::test]
async fn only_a_signed_identity_is_trusted() {
    let app = spawn_app().await;
    let channel = webchat_channel(&app).await;
    let signature = hmac_hex(b"site-key", b"anna@shop.example");
    let (status, body, cookie) =
        session(&app, json!({"channel": channel, "email": "anna@shop.example", "signature": signature}))
            .await;
    assert_eq!((status, body["identified"].as_bool()), (StatusCode::OK, Some(true)));
    let cookie = cookie.unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("Path=/widget/v1"), "{cookie}");
    let (_, forged, _) =
        session(&app, json!({"channel": channel, "email": "boss@shop.example", "signature": signature}))
            .await;
    assert_eq!(forged["identified"], false);
    let (_, unsigned, _) = session(&app, json!({"channel": channel, "email": "anna@shop.example"})).await;
    assert_eq!(unsigned["identified"], false);
    let (status, _, _) = session(&app, json!({"channel": "nope"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let socket = format!("{}/widget/v1/live?channel={channel}", app.base.replace("http://", "ws://"));
    match tokio_tungstenite::connect_async(socket).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => {
            panic!("a visitor socket without a token was accepted: {:?}", other.map(|(_, r)| r.status()))
        }
    }
}

// --- in Chromium ---

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_driver() -> Option<Driver> {
    if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("Chromium and chromedriver are required in CI");
        }
        println!("SKIPPED: install chromium and chromium-driver to run the widget in a browser");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(CHROMEDRIVER)
        .args([format!("--port={port}"), "--allowed-ips=127.0.0.1".to_owned()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(20);
    while reqwest::get(format!("{}/status", driver.url)).await.is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Some(driver)
}

async fn browser(driver: &Driver) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut capabilities = serde_json::Map::new();
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ];
    capabilities.insert("goog:chromeOptions".into(), json!({"binary": CHROMIUM, "args": args}));
    ClientBuilder::rustls()
        .unwrap()
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

/// A shop's page on another origin, embedding the widget.
async fn shop_page(app: &TestApp, channel: &str) -> String {
    let html = format!(
        "<!doctype html><html lang=\"it\"><head><title>Negozio</title></head><body><h1>Negozio</h1>\
         <script src=\"{}/widget/v1/widget.js\" data-channel=\"{channel}\" defer></script></body></html>",
        app.base
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let page = axum::Router::new()
        .route("/", axum::routing::get(move || std::future::ready(axum::response::Html(html.clone()))));
    tokio::spawn(async move { axum::serve(listener, page).await });
    url
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn agent_socket(app: &TestApp) -> Socket {
    let url = format!("{}/api/v1/live", app.base.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("authorization", format!("Bearer {}", app.agent_a.token).parse().unwrap());
    tokio_tungstenite::connect_async(request).await.unwrap().0
}

/// The first event on the socket that `matches`, within ten seconds.
async fn heard(socket: &mut Socket, matches: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let frame = tokio::time::timeout(left, socket.next())
            .await
            .expect("the agent heard nothing in time")
            .unwrap()
            .unwrap();
        if let Ok(event) = serde_json::from_str::<Value>(frame.to_text().unwrap_or_default()) {
            if matches(&event) {
                return event;
            }
        }
    }
}

async fn text_of(browser: &Client, css: &str) -> String {
    let element =
        browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await.unwrap();
    element.text().await.unwrap()
}

/// Waits until an element matching `css` shows `text`.
async fn shows(browser: &Client, css: &str, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = browser.find_all(Locator::Css(css)).await.unwrap();
        for element in found {
            if element.text().await.unwrap_or_default().contains(text) {
                return;
            }
        }
        assert!(Instant::now() < deadline, "the widget never showed {text:?} in {css}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_visitor_and_an_agent_chat_through_the_widget_and_a_reload_keeps_it() {
    let Some(driver) = start_driver().await else { return };
    let app = spawn_app().await;
    let channel = webchat_channel(&app).await;
    let page = shop_page(&app, &channel).await;
    let mut agent = agent_socket(&app).await;
    let session = browser(&driver).await;
    let browser = session.clone();
    let outcome = async move {
        browser.goto(&page).await.unwrap();
        browser.wait().for_element(Locator::Css(".ascolto-launcher")).await.unwrap().click().await.unwrap();
        let input = browser.wait().for_element(Locator::Css(".ascolto-input")).await.unwrap();
        input.send_keys("Buongiorno, il mio ordine non è arrivato").await.unwrap();
        browser.find(Locator::Css(".ascolto-send")).await.unwrap().click().await.unwrap();

        let event = heard(&mut agent, |e| {
            e["type"] == "message_created"
                && e["message"]["text"] == "Buongiorno, il mio ordine non è arrivato"
        })
        .await;
        assert_eq!(event["conversation"]["channel"], "webchat");
        // Nobody is online: the widget says so honestly, in the page's language, and asks for an e-mail.
        shows(&browser, ".ascolto-wait", "nessun operatore").await;
        assert!(!text_of(&browser, ".ascolto-email-save").await.is_empty());

        let conversation = event["conversation"]["id"].as_i64().unwrap();
        let typing = json!({"type": "typing", "conversation_id": conversation, "typing": true}).to_string();
        futures_util::SinkExt::send(&mut agent, tokio_tungstenite::tungstenite::Message::Text(typing.into()))
            .await
            .unwrap();
        shows(&browser, ".ascolto-typing", "sta scrivendo").await;
        let path = format!("/conversations/{conversation}/messages");
        let (status, _) = app
            .call(&app.agent_a, Method::POST, &path, Some(json!({"text": "Mi dispiace, controllo subito."})))
            .await;
        assert_eq!(status, StatusCode::CREATED);
        shows(&browser, ".ascolto-msg-agent", "Mi dispiace, controllo subito.").await;

        browser.refresh().await.unwrap();
        browser.wait().for_element(Locator::Css(".ascolto-launcher")).await.unwrap().click().await.unwrap();
        shows(&browser, ".ascolto-msg-visitor", "Buongiorno, il mio ordine non è arrivato").await;
        shows(&browser, ".ascolto-msg-agent", "Mi dispiace, controllo subito.").await;
        let (_, messages) = app.get(&app.admin, &format!("/conversations/{conversation}/messages")).await;
        assert_eq!(messages["data"].as_array().unwrap().len(), 2, "the reload stored or lost messages");
    };
    // Close the browser even when an assertion fails, so no Chromium is left running.
    let result = tokio::spawn(outcome).await;
    session.close().await.unwrap();
    if let Err(error) = result {
        std::panic::resume_unwind(error.into_panic());
    }
}
