//! The agents' pages over HTTP (no browser): an e-mail's quoted history folded away, and the
//! admins' mailboxes settings page. Signed in with a real session cookie.

use ascolto_core::{Channel, Identity, IdentityKind};
use ascolto_service::InboundRequest;
use ascolto_store::NewSession;
use ascolto_web::auth::{SESSION_COOKIE, hash_secret};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};

use crate::{Login, TestApp, spawn_app};

/// A browser signed in as one agent: its session cookie and CSRF token.
pub struct Browser {
    client: reqwest::Client,
    base: String,
    cookie: String,
    pub csrf: String,
}

impl Browser {
    pub async fn signed_in(app: &TestApp, who: &Login) -> Browser {
        let token = format!("ui-session-{}", who.id);
        let now = chrono::Utc::now();
        app.desk
            .store
            .create_session(NewSession {
                token_hash: hash_secret(&token),
                agent: who.id,
                csrf_token: format!("csrf-{}", who.id),
                created_at: now,
                expires_at: now + chrono::TimeDelta::hours(1),
            })
            .await
            .unwrap();
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser {
            client,
            base: app.base.clone(),
            cookie: format!("{SESSION_COOKIE}={token}"),
            csrf: format!("csrf-{}", who.id),
        }
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Posts a form; returns the status, the redirect target (if any) and the body.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, Option<String>, String) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, &self.cookie)
            .form(form)
            .send()
            .await
            .unwrap();
        let location = response.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_owned());
        (response.status(), location, response.text().await.unwrap())
    }
}

async fn customer_email(app: &TestApp, text: &str, html: Option<&str>) -> i64 {
    let ingested = app
        .desk
        .ingest(InboundRequest {
            channel: Channel::Email,
            identity: Identity::parse(IdentityKind::Email, "marta@example.it").unwrap(),
            customer_name: Some("Marta".into()),
            conversation: None,
            subject: Some("Reso".into()),
            text: text.to_owned(),
            html: html.map(str::to_owned),
            attachments: vec![],
            channel_message_id: None,
            received_at: None,
        })
        .await
        .unwrap();
    ingested.conversation.id.0
}

#[tokio::test]
async fn an_email_shows_what_the_customer_wrote_with_the_quote_folded_and_kept() {
    let app = spawn_app().await;
    let text = "Grazie, ma il <b>reso</b> non funziona.\n\nIl giorno lun 23 nov 2026, Assistenza ha scritto:\n> Provi dal sito\n> Saluti\n";
    let html = "<p>Grazie</p><script>alert('x')</script><blockquote>Provi dal sito</blockquote>";
    let id = customer_email(&app, text, Some(html)).await;
    let browser = Browser::signed_in(&app, &app.admin).await;
    let (status, page) = browser.get(&format!("/conversations/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let written = "<div class=\"msg-text\">Grazie, ma il &lt;b&gt;reso&lt;/b&gt; non funziona.</div>";
    assert!(page.contains(written), "the customer's words, escaped, come first: {page}");
    let folded = "<details class=\"quoted\"><summary>Quoted text</summary><div class=\"msg-quoted\">Il giorno lun 23 nov 2026, Assistenza ha scritto:\n&gt; Provi dal sito\n&gt; Saluti</div></details>";
    assert!(page.contains(folded), "the quote is folded, not lost: {page}");
    assert!(!page.contains("<script>alert"), "customer HTML never reaches the page");

    let (status, frame) = browser.get(&format!("/messages/{}/html", first_message(&app, id).await)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(frame.contains("<blockquote>") && !frame.contains("<script"), "still sanitised: {frame}");
}

#[tokio::test]
async fn an_email_without_a_quote_and_italian_agents_see_it_as_before() {
    let app = spawn_app().await;
    let id = customer_email(&app, "Buongiorno,\nnessuna citazione qui.\n", None).await;
    let browser = Browser::signed_in(&app, &app.admin).await;
    let (_, page) = browser.get(&format!("/conversations/{id}")).await;
    assert!(page.contains("<div class=\"msg-text\">Buongiorno,\nnessuna citazione qui.\n</div>"), "{page}");
    assert!(!page.contains("class=\"quoted\""));

    let quoted = customer_email(&app, "Va bene.\n\nOn Mon, 23 Nov 2026, Support wrote:\n> ok\n", None).await;
    let (status, _, _) = browser
        .post("/language", &[("csrf", browser.csrf.as_str()), ("language", "it"), ("next", "/inbox")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = browser.get(&format!("/conversations/{quoted}")).await;
    assert!(page.contains("<summary>Testo citato</summary>"), "{page}");
}

async fn first_message(app: &TestApp, conversation: i64) -> i64 {
    let id = ascolto_core::ConversationId(conversation);
    let page = app.desk.store.list_messages(id, ascolto_store::PageRequest::first(10)).await.unwrap();
    page.items[0].id.0
}

// --- the mailboxes settings page ---

fn mailbox_form<'a>(
    csrf: &'a str,
    name: &'a str,
    imap_port: &'a str,
    password: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("name", name),
        ("address", "assistenza@negozio.example"),
        ("display_name", ""),
        ("imap_host", "imap.negozio.example"),
        ("imap_port", imap_port),
        ("imap_security", "tls"),
        ("imap_username", "assistenza@negozio.example"),
        ("imap_password", password),
        ("smtp_host", "smtp.negozio.example"),
        ("smtp_port", "587"),
        ("smtp_security", "start_tls"),
        ("smtp_username", "assistenza@negozio.example"),
        ("smtp_password", if password.is_empty() { "" } else { "smtp-segreta" }),
        ("folders", "INBOX\nArchivio"),
        ("poll_seconds", "60"),
        ("active", "on"),
    ]
}

#[tokio::test]
async fn only_admins_see_or_change_mailboxes_in_the_settings() {
    let app = spawn_app().await;
    for who in [&app.lead, &app.agent_a] {
        let browser = Browser::signed_in(&app, who).await;
        let (status, _) = browser.get("/settings/channels").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let form = mailbox_form(&browser.csrf, "Assistenza", "993", "imap-segreta");
        let (status, _, _) = browser.post("/settings/mailboxes", &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    assert!(app.desk.store.list_mailboxes().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_admin_connects_edits_and_disconnects_a_mailbox_and_passwords_never_show() {
    let app = spawn_app().await;
    let browser = Browser::signed_in(&app, &app.admin).await;
    let form = mailbox_form(&browser.csrf, "Assistenza", "993", "imap-segreta");
    let (status, location, body) = browser.post("/settings/mailboxes", &form).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/settings/channels#section-email")),
        "{body}"
    );
    let stored = app.desk.store.list_mailboxes().await.unwrap();
    assert_eq!(stored.len(), 1);
    let id = stored[0].id;
    assert_eq!(stored[0].settings.folders, ["INBOX", "Archivio"]);
    assert_eq!(stored[0].settings.imap.password.expose(), "imap-segreta");

    let (status, page) = browser.get("/settings/channels").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Assistenza") && page.contains("imap.negozio.example"), "{page}");
    assert!(!page.contains("imap-segreta") && !page.contains("smtp-segreta"), "a password leaked: {page}");
    assert!(page.contains(&format!("action=\"/settings/mailboxes/{id}\"")));

    let form = mailbox_form(&browser.csrf, "Assistenza clienti", "143", "");
    let (status, _, body) = browser.post(&format!("/settings/mailboxes/{id}"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let edited = app.desk.store.get_mailbox(id).await.unwrap();
    assert_eq!((edited.name.as_str(), edited.settings.imap.port), ("Assistenza clienti", 143));
    assert_eq!(edited.settings.imap.password.expose(), "imap-segreta", "empty keeps the password");
    assert_eq!(edited.settings.smtp.password.expose(), "smtp-segreta");

    let (status, _, _) =
        browser.post(&format!("/settings/mailboxes/{id}/delete"), &[("csrf", browser.csrf.as_str())]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(app.desk.store.list_mailboxes().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_mailbox_form_without_the_csrf_token_changes_nothing() {
    let app = spawn_app().await;
    let browser = Browser::signed_in(&app, &app.admin).await;
    let form = mailbox_form("forged", "Assistenza", "993", "imap-segreta");
    let (status, _, _) = browser.post("/settings/mailboxes", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(app.desk.store.list_mailboxes().await.unwrap().is_empty());

    let good = mailbox_form(&browser.csrf, "Assistenza", "993", "imap-segreta");
    browser.post("/settings/mailboxes", &good).await;
    let id = app.desk.store.list_mailboxes().await.unwrap()[0].id;
    let (status, _, _) =
        browser.post(&format!("/settings/mailboxes/{id}/delete"), &[("csrf", "forged")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.desk.store.list_mailboxes().await.unwrap().len(), 1);
}

#[tokio::test]
async fn bad_mailbox_settings_come_back_on_the_form_with_the_reason() {
    let app = spawn_app().await;
    let browser = Browser::signed_in(&app, &app.admin).await;
    let form = mailbox_form(&browser.csrf, "Assistenza", "99999", "imap-segreta");
    let (status, _, page) = browser.post("/settings/mailboxes", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("IMAP: the port must be a number from 1 to 65535."), "{page}");
    assert!(page.contains("value=\"imap.negozio.example\""), "what was typed is kept: {page}");
    assert!(!page.contains("imap-segreta") && !page.contains("smtp-segreta"), "a password leaked: {page}");

    let mut no_host = mailbox_form(&browser.csrf, "Assistenza", "993", "imap-segreta");
    no_host.iter_mut().find(|(key, _)| *key == "smtp_host").unwrap().1 = " ";
    let (status, _, page) = browser.post("/settings/mailboxes", &no_host).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("SMTP: the server name is missing."), "{page}");

    let no_password = mailbox_form(&browser.csrf, "Assistenza", "993", "");
    let (status, _, page) = browser.post("/settings/mailboxes", &no_password).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("`imap.username` and `imap.password` are required"), "{page}");
    assert!(app.desk.store.list_mailboxes().await.unwrap().is_empty());

    let good = mailbox_form(&browser.csrf, "Assistenza", "993", "imap-segreta");
    browser.post("/settings/mailboxes", &good).await;
    let id = app.desk.store.list_mailboxes().await.unwrap()[0].id;
    let bad_port = mailbox_form(&browser.csrf, "Assistenza", "porta", "");
    let (status, _, page) = browser.post(&format!("/settings/mailboxes/{id}"), &bad_port).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("IMAP: the port must be a number"), "{page}");
    assert!(!page.contains("imap-segreta"), "{page}");
    assert_eq!(app.desk.store.get_mailbox(id).await.unwrap().settings.imap.port, 993, "nothing changed");
}
