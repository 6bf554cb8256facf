//! The browser tests' fixture: a server on a fresh SQLite store with three agents who sign in
//! with a password, a chromedriver per test, and helpers that poll with a deadline.

use std::future::Future;
use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ascolto_core::calendar::Calendar;
use ascolto_core::sla::{SlaPolicy, SlaTarget};
use ascolto_core::{
    Channel, Conversation, ConversationId, EmailAddress, Identity, IdentityKind, Message, Priority, Role,
};
use ascolto_service::{InboundRequest, ReplyRequest};
use ascolto_store::{ConversationPatch, NewAgent, NewMacro, PageRequest, Store};
use ascolto_store_sqlite::SqliteStore;
use ascolto_web::auth::hash_password;
use ascolto_web::{AppState, WebConfig};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::{Child, Command};

/// Every test agent's password.
pub const PASSWORD: &str = "correct horse battery";

/// The wall clock, unless a test sets a time to write history in the past.
#[derive(Debug, Default)]
pub struct TestClock {
    fixed: Mutex<Option<chrono::DateTime<chrono::Utc>>>,
}

impl TestClock {
    pub fn set(&self, at: Option<chrono::DateTime<chrono::Utc>>) {
        *self.fixed.lock().unwrap() = at;
    }
}

impl ascolto_service::Clock for TestClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.fixed.lock().unwrap().unwrap_or_else(chrono::Utc::now)
    }
}

/// Chromium is heavy on a small machine: the tests take turns.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A running server, its store, and a chromedriver.
#[allow(missing_debug_implementations, reason = "a test fixture, never printed")]
pub struct Desk {
    pub base: String,
    pub desk: ascolto_service::Desk,
    /// The desk's clock: the wall clock, or a time in the past while history is written.
    pub clock: Arc<TestClock>,
    driver: Child,
    driver_url: String,
    _dir: tempfile::TempDir,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

fn tool_missing() -> Option<String> {
    for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        if !std::path::Path::new(tool).exists() {
            return Some(format!("{tool} is not installed (apt-get install chromium chromium-driver)"));
        }
    }
    None
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts a server and a chromedriver, or prints SKIPPED (and fails under `CI=true`) when
/// Chromium is missing.
pub async fn start() -> Option<Desk> {
    if let Some(why) = tool_missing() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "browser tests need Chromium in CI: {why}");
        println!("SKIPPED: {why}");
        return None;
    }
    let turn = TURN.lock().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("browser.db")).await.unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    seed_agents(store.as_ref()).await;
    let clock = Arc::new(TestClock::default());
    let desk = ascolto_service::Desk::with_clock(store, clock.clone());
    let state = AppState::new(desk.clone(), WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(ascolto_web::serve(listener, state, std::future::pending()));
    let port = free_port();
    let driver = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver_url = format!("http://127.0.0.1:{port}");
    eventually("chromedriver listens", || async {
        tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok()
    })
    .await;
    Some(Desk { base, desk, clock, driver, driver_url, _dir: dir, _turn: turn })
}

async fn seed_agents(store: &dyn Store) {
    let hash = hash_password(PASSWORD.to_owned()).await.unwrap();
    let team = store.create_team("Support").await.unwrap().id;
    let lead = agent(store, "Lea Conti", "lea", Role::Lead, &hash, vec![team], None, "en").await;
    agent(store, "Marco Bianchi", "marco", Role::Agent, &hash, vec![team], Some(lead), "en").await;
    agent(store, "Giulia Verdi", "giulia", Role::Agent, &hash, vec![team], Some(lead), "it").await;
    agent(store, "Ada Ferri", "ada", Role::Admin, &hash, vec![], None, "en").await;
}

#[allow(clippy::too_many_arguments, reason = "a test fixture reads best with every field named at the call")]
async fn agent(
    store: &dyn Store,
    name: &str,
    local: &str,
    role: Role,
    hash: &str,
    teams: Vec<ascolto_core::TeamId>,
    reports_to: Option<ascolto_core::AgentId>,
    ui_language: &str,
) -> ascolto_core::AgentId {
    let new = NewAgent {
        name: name.to_owned(),
        email: EmailAddress::parse(&format!("{local}@test.ascolto")).unwrap(),
        role,
        password_hash: Some(hash.to_owned()),
        languages: vec!["it".into(), "en".into()],
        teams,
        reports_to,
        ui_language: ui_language.to_owned(),
    };
    store.create_agent(new).await.unwrap().id
}

impl Drop for Desk {
    fn drop(&mut self) {
        // The chromedriver this fixture started, by its own handle.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Desk {
    /// A customer e-mail that opens a conversation with this priority; returns its id.
    pub async fn customer_writes(
        &self,
        from: &str,
        subject: &str,
        text: &str,
        priority: Priority,
    ) -> ConversationId {
        let id = self.ingest(from, subject, text, None).await;
        let patch = ConversationPatch { priority: Some(priority), ..Default::default() };
        self.desk.update_conversation(id, patch).await.unwrap();
        id
    }

    pub async fn customer_writes_html(
        &self,
        from: &str,
        subject: &str,
        text: &str,
        html: &str,
    ) -> ConversationId {
        self.ingest(from, subject, text, Some(html.to_owned())).await
    }

    async fn ingest(&self, from: &str, subject: &str, text: &str, html: Option<String>) -> ConversationId {
        let local = from.split('@').next().unwrap();
        let name = format!("{}{} Rossi", local[..1].to_uppercase(), &local[1..]);
        let request = InboundRequest {
            channel: Channel::Email,
            identity: Identity::parse(IdentityKind::Email, from).unwrap(),
            customer_name: Some(name),
            conversation: None,
            subject: Some(subject.to_owned()),
            text: text.to_owned(),
            html,
            attachments: vec![],
            channel_message_id: None,
            received_at: None,
        };
        self.desk.ingest(request).await.unwrap().conversation.id
    }

    /// A customer e-mail written `ago` in the past (the desk's clock is set back while it is
    /// stored), with the priority the queue computes for it.
    pub async fn customer_wrote_ago(
        &self,
        from: &str,
        subject: &str,
        text: &str,
        ago: chrono::TimeDelta,
    ) -> ConversationId {
        self.clock.set(Some(chrono::Utc::now() - ago));
        let id = self.ingest(from, subject, text, None).await;
        self.clock.set(None);
        id
    }

    /// An SLA policy open around the clock in UTC, so deadlines do not depend on the day the
    /// tests run: every conversation's first and next reply are due within `minutes`.
    pub async fn sla_within(&self, minutes: u32) {
        let target = SlaTarget {
            first_response_minutes: Some(minutes),
            next_response_minutes: Some(minutes),
            ..SlaTarget::default()
        };
        let policy = SlaPolicy {
            name: "tests".to_owned(),
            calendar: Calendar::always_open(chrono_tz::UTC),
            targets: vec![target],
            warning_percent: 25,
            escalations: vec![],
        };
        self.desk.set_sla_policy(policy).await.unwrap();
    }

    pub async fn reply_as(&self, email: &str, conversation: ConversationId, text: &str) {
        let (agent, _) = self.desk.store.agent_credentials(email).await.unwrap().unwrap();
        let request = ReplyRequest {
            conversation,
            agent: agent.id,
            text: text.to_owned(),
            html: None,
            note: false,
            template: None,
        };
        self.desk.reply(request).await.unwrap();
    }

    pub async fn macro_named(&self, name: &str, body: &str) {
        let new = NewMacro { name: name.to_owned(), body: body.to_owned() };
        self.desk.store.create_macro(new, self.desk.now()).await.unwrap();
    }

    pub async fn messages(&self, conversation: ConversationId) -> Vec<Message> {
        self.desk.store.list_messages(conversation, PageRequest::first(200)).await.unwrap().items
    }

    pub async fn conversation(&self, id: ConversationId) -> Conversation {
        self.desk.store.get_conversation(id).await.unwrap()
    }

    fn http(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let body: String =
            fields.iter().map(|(k, v)| format!("{k}={}", v.replace(' ', "+"))).collect::<Vec<_>>().join("&");
        let response = self
            .http()
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    pub async fn get_with_language(&self, path: &str, accept: &str) -> (u16, String) {
        let response = self
            .http()
            .get(format!("{}{path}", self.base))
            .header("accept-language", accept)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    pub async fn get_headers(&self, path: &str) -> (reqwest::header::HeaderMap, String) {
        let response = self.http().get(format!("{}{path}", self.base)).send().await.unwrap();
        (response.headers().clone(), response.text().await.unwrap())
    }

    pub async fn get_status(&self, path: &str) -> (u16, String) {
        let response = self.http().get(format!("{}{path}", self.base)).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// A fresh headless Chromium, 1280 pixels wide.
    pub async fn browser(&self) -> Browser {
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1280,900", "--force-device-scale-factor=1"]
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else { unreachable!() };
        let client = ClientBuilder::rustls()
            .unwrap()
            .capabilities(capabilities)
            .connect(&self.driver_url)
            .await
            .expect("a Chromium session");
        Browser { client, base: self.base.clone() }
    }
}

/// One browser window.
#[allow(missing_debug_implementations, reason = "a test fixture, never printed")]
pub struct Browser {
    pub client: Client,
    base: String,
}

impl Browser {
    pub async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    pub async fn sign_in(&self, email: &str) {
        self.goto("/login").await;
        self.client.find(Locator::Css("#email")).await.unwrap().send_keys(email).await.unwrap();
        self.client.find(Locator::Css("#password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
        self.click("form button[type=submit]").await;
        self.wait_for_path_prefix("/inbox").await;
    }

    pub async fn wait_for_path_prefix(&self, prefix: &str) {
        eventually(&format!("the browser reaches {prefix}"), || async {
            self.client.current_url().await.is_ok_and(|url| url.path().starts_with(prefix))
        })
        .await;
    }

    /// Waits until the page's live stream is connected (its script marks `selector`).
    pub async fn wait_until_live(&self, selector: &str) {
        let css = format!("{selector}[data-live=connected]");
        eventually("the live stream connects", || async { self.count(&css).await == 1 }).await;
    }

    /// Leaves a mark in the page's JavaScript state: it survives only if the page never reloads.
    pub async fn mark_page(&self) {
        self.client.execute("window.__sameDocument = true", vec![]).await.unwrap();
    }

    pub async fn page_is_marked(&self) -> bool {
        self.client.execute("return window.__sameDocument === true", vec![]).await.unwrap() == json!(true)
    }

    pub async fn texts(&self, css: &str) -> Vec<String> {
        let Ok(elements) = self.client.find_all(Locator::Css(css)).await else { return Vec::new() };
        let mut texts = Vec::new();
        for element in elements {
            texts.push(element.text().await.unwrap_or_default().trim().to_owned());
        }
        texts
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client.find_all(Locator::Css(css)).await.map(|all| all.len()).unwrap_or(0)
    }

    pub async fn value(&self, css: &str) -> String {
        let element = self.client.find(Locator::Css(css)).await.unwrap();
        element.prop("value").await.unwrap().unwrap_or_default()
    }

    /// Sets a field's value as a script would (date and time pickers ignore typed keys in a
    /// locale-dependent way); the form is then submitted by a real click.
    pub async fn set_value(&self, css: &str, value: &str) {
        let script = "document.querySelector(arguments[0]).value = arguments[1];";
        self.client.execute(script, vec![json!(css), json!(value)]).await.unwrap();
    }

    /// Opens every `<details>` of the page, as a click on each summary would.
    pub async fn open_all_details(&self) {
        let script = "document.querySelectorAll('details').forEach(function (d) { d.open = true; });";
        self.client.execute(script, vec![]).await.unwrap();
    }

    /// Types into a field.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.client.find(Locator::Css(css)).await.unwrap().send_keys(text).await.unwrap();
    }

    /// The page's HTML as the server sent it and scripts left it.
    pub async fn source(&self) -> String {
        self.client.source().await.unwrap()
    }

    pub async fn click(&self, css: &str) {
        self.client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
    }

    /// Types keys into the page (not into a field).
    pub async fn keys(&self, keys: &str) {
        self.client.find(Locator::Css("body")).await.unwrap().send_keys(keys).await.unwrap();
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Polls `condition` every 50 ms until it holds, failing after ten seconds.
pub async fn eventually<F, Fut>(what: &str, condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    eventually_within(Duration::from_secs(10), what, condition).await;
}

/// Polls `condition` every 50 ms until it holds, failing after `limit`.
pub async fn eventually_within<F, Fut>(limit: Duration, what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    loop {
        if condition().await {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Saves a PNG of the window to `docs/screenshots/<name>.png`, for the README.
pub async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(format!("{name}.png")), png).unwrap();
}
