//! The admins' e-mail mailboxes, the first section of the channels page: list, connect, edit
//! and disconnect, through the same rules as `/api/v1/mailboxes` ([`new_mailbox`]).
//!
//! Passwords are write-only, as everywhere: their fields are always empty, the page only says
//! whether one is stored, and an empty field on an edit keeps the stored one. A form the rules
//! refuse comes back (422) with the reason above it and what was typed kept, passwords aside.

use ascolto_store::{MailSecurity, MailServer, Mailbox};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::{InLang, UiError, UiErrorKind};
use super::i18n::Lang;
use super::session::UiAgent;
use super::settings::{admin, csrf};
use crate::AppState;
use crate::api::mailboxes::{MailboxInput, ServerInput, new_mailbox};
use crate::error::ApiError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/mailboxes", post(create))
        .route("/settings/mailboxes/{id}", post(update))
        .route("/settings/mailboxes/{id}/delete", post(delete))
}

const SECURITIES: [(MailSecurity, &str, &str); 3] = [
    (MailSecurity::Tls, "tls", "mailbox.security.tls"),
    (MailSecurity::StartTls, "start_tls", "mailbox.security.start_tls"),
    (MailSecurity::Plain, "plain", "mailbox.security.plain"),
];

fn security_code(security: MailSecurity) -> &'static str {
    SECURITIES.iter().find(|(s, _, _)| *s == security).map_or("tls", |(_, code, _)| code)
}

/// A form that was refused: which form (`None`: the one that adds), what was typed, and why.
#[derive(Debug)]
pub struct Refused {
    pub mailbox: Option<i64>,
    pub fields: Fields,
    pub reason: String,
}

/// One server's fields as the form shows them; never a password.
#[derive(Debug, Clone, Default)]
pub struct ServerFields {
    host: String,
    port: String,
    security: String,
    username: String,
    password_set: Option<bool>,
}

impl From<&MailServer> for ServerFields {
    fn from(server: &MailServer) -> Self {
        Self {
            host: server.host.clone(),
            port: server.port.to_string(),
            security: security_code(server.security).to_owned(),
            username: server.username.clone(),
            password_set: Some(!server.password.expose().is_empty()),
        }
    }
}

/// A mailbox's fields as the form shows them; never a password.
#[derive(Debug, Clone)]
pub struct Fields {
    name: String,
    address: String,
    display_name: String,
    imap: ServerFields,
    smtp: ServerFields,
    folders: String,
    poll_seconds: String,
    active: bool,
}

impl Default for Fields {
    fn default() -> Self {
        let server = |port: &str, security: &str| ServerFields {
            port: port.to_owned(),
            security: security.to_owned(),
            ..ServerFields::default()
        };
        Self {
            name: String::new(),
            address: String::new(),
            display_name: String::new(),
            imap: server("993", "tls"),
            smtp: server("587", "start_tls"),
            folders: "INBOX".to_owned(),
            poll_seconds: "60".to_owned(),
            active: true,
        }
    }
}

impl From<&Mailbox> for Fields {
    fn from(mailbox: &Mailbox) -> Self {
        let settings = &mailbox.settings;
        Self {
            name: mailbox.name.clone(),
            address: settings.address.clone(),
            display_name: settings.display_name.clone(),
            imap: ServerFields::from(&settings.imap),
            smtp: ServerFields::from(&settings.smtp),
            folders: settings.folders.join("\n"),
            poll_seconds: settings.poll_seconds.to_string(),
            active: mailbox.active,
        }
    }
}

fn text_input(id: &str, name: &str, label: &str, value: &str, kind: &str, required: bool) -> Markup {
    html! {
        label for=(id) { (label) }
        input id=(id) name=(name) type=(kind) value=(value) required[required];
    }
}

fn server_fields(lang: Lang, prefix: &str, which: &str, fields: &ServerFields) -> Markup {
    let id = |field: &str| format!("{prefix}-{which}-{field}");
    let name = |field: &str| format!("{which}_{field}");
    let placeholder = match fields.password_set {
        Some(true) => lang.t("channels.secret_set"),
        _ => "",
    };
    html! {
        fieldset .mail-server {
            legend { (lang.t(if which == "imap" { "mailbox.imap" } else { "mailbox.smtp" })) }
            (text_input(&id("host"), &name("host"), lang.t("mailbox.host"), &fields.host, "text", true))
            (text_input(&id("port"), &name("port"), lang.t("mailbox.port"), &fields.port, "text", true))
            label for=(id("security")) { (lang.t("mailbox.security")) }
            select id=(id("security")) name=(name("security")) {
                @for (_, code, label) in SECURITIES {
                    option value=(code) selected[fields.security == code] { (lang.t(label)) }
                }
            }
            (text_input(&id("username"), &name("username"), lang.t("mailbox.username"), &fields.username, "text", which == "imap"))
            label for=(id("password")) { (lang.t("mailbox.password")) }
            input id=(id("password")) name=(name("password")) type="password" autocomplete="new-password"
                spellcheck="false" placeholder=(placeholder);
            @if let Some(set) = fields.password_set {
                span .secret-state data-secret=(name("password")) {
                    (if set { lang.t("channels.secret_is_set") } else { lang.t("channels.secret_not_set") })
                }
            }
        }
    }
}

/// The form's fields; `prefix` keeps element ids unique on the page.
fn form_fields(lang: Lang, prefix: &str, fields: &Fields) -> Markup {
    let id = |field: &str| format!("{prefix}-{field}");
    html! {
        (text_input(&id("name"), "name", lang.t("settings.name"), &fields.name, "text", true))
        (text_input(&id("address"), "address", lang.t("mailbox.address"), &fields.address, "email", true))
        (text_input(&id("display-name"), "display_name", lang.t("mailbox.display_name"), &fields.display_name, "text", false))
        (server_fields(lang, prefix, "imap", &fields.imap))
        (server_fields(lang, prefix, "smtp", &fields.smtp))
        label for=(id("folders")) { (lang.t("mailbox.folders")) }
        textarea id=(id("folders")) name="folders" rows="2" spellcheck="false" { (fields.folders) }
        (text_input(&id("poll"), "poll_seconds", lang.t("mailbox.poll_seconds"), &fields.poll_seconds, "text", false))
        label .check { input type="checkbox" name="active" value="on" checked[fields.active]; " " (lang.t("mailbox.active")) }
    }
}

fn alert(refused: Option<&Refused>) -> Markup {
    html! {
        @if let Some(refused) = refused {
            p .error-text role="alert" { (refused.reason) }
        }
    }
}

fn mailbox_card(ui: &UiAgent, mailbox: &Mailbox, refused: Option<&Refused>) -> Markup {
    let lang = ui.lang;
    let refused = refused.filter(|r| r.mailbox == Some(mailbox.id));
    let fields = refused.map_or_else(|| Fields::from(mailbox), |r| r.fields.clone());
    html! {
        article .channel-card .mailbox-card data-mailbox-id=(mailbox.id) {
            h4 {
                (mailbox.name) " " span .muted { (mailbox.settings.address) }
                @if !mailbox.active { " " span .badge { (lang.t("mailbox.inactive")) } }
            }
            p .muted {
                "IMAP " (mailbox.settings.imap.host) ":" (mailbox.settings.imap.port)
                " · SMTP " (mailbox.settings.smtp.host) ":" (mailbox.settings.smtp.port)
            }
            details open[refused.is_some()] {
                summary { (lang.t("channels.edit")) }
                form .stacked method="post" action=(format!("/settings/mailboxes/{}", mailbox.id)) {
                    (alert(refused))
                    (csrf(ui))
                    (form_fields(lang, &format!("mb-{}", mailbox.id), &fields))
                    p .muted { (lang.t("mailbox.keep_passwords")) }
                    button type="submit" { (lang.t("settings.save")) }
                }
            }
            form .inline method="post" action=(format!("/settings/mailboxes/{}/delete", mailbox.id)) {
                (csrf(ui))
                button .danger type="submit" { (lang.t("channels.remove")) }
            }
        }
    }
}

/// The "Mailboxes" section: every mailbox, and the form to connect another.
pub fn section(ui: &UiAgent, mailboxes: &[Mailbox], refused: Option<&Refused>) -> Markup {
    let lang = ui.lang;
    let adding = refused.filter(|r| r.mailbox.is_none());
    let fields = adding.map_or_else(Fields::default, |r| r.fields.clone());
    html! {
        section .channel-section #section-email aria-labelledby="h-email" {
            h3 #h-email { (lang.t("mailbox.title")) }
            p .muted { (lang.t("mailbox.help")) }
            @for mailbox in mailboxes { (mailbox_card(ui, mailbox, refused)) }
            details .add-channel #add-email open[adding.is_some()] {
                summary { (lang.t("channels.add")) " " (lang.t("channel.email")) }
                form .stacked method="post" action="/settings/mailboxes" {
                    (alert(adding))
                    (csrf(ui))
                    (form_fields(lang, "new-email", &fields))
                    button .primary type="submit" { (lang.t("settings.create")) }
                }
            }
        }
    }
}

/// The form as posted. No `Debug`: it holds passwords.
#[derive(Deserialize)]
struct MailboxForm {
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    imap_host: String,
    #[serde(default)]
    imap_port: String,
    #[serde(default)]
    imap_security: String,
    #[serde(default)]
    imap_username: String,
    #[serde(default)]
    imap_password: String,
    #[serde(default)]
    smtp_host: String,
    #[serde(default)]
    smtp_port: String,
    #[serde(default)]
    smtp_security: String,
    #[serde(default)]
    smtp_username: String,
    #[serde(default)]
    smtp_password: String,
    #[serde(default)]
    folders: String,
    #[serde(default)]
    poll_seconds: String,
    active: Option<String>,
}

impl MailboxForm {
    /// What was typed, to show again; `stored` says which passwords are set.
    fn fields(&self, stored: Option<&Mailbox>) -> Fields {
        let server = |host: &str, port: &str, security: &str, username: &str, stored: Option<&MailServer>| {
            ServerFields {
                host: host.to_owned(),
                port: port.to_owned(),
                security: security.to_owned(),
                username: username.to_owned(),
                password_set: stored.map(|s| !s.password.expose().is_empty()),
            }
        };
        Fields {
            name: self.name.clone(),
            address: self.address.clone(),
            display_name: self.display_name.clone(),
            imap: server(
                &self.imap_host,
                &self.imap_port,
                &self.imap_security,
                &self.imap_username,
                stored.map(|m| &m.settings.imap),
            ),
            smtp: server(
                &self.smtp_host,
                &self.smtp_port,
                &self.smtp_security,
                &self.smtp_username,
                stored.map(|m| &m.settings.smtp),
            ),
            folders: self.folders.clone(),
            poll_seconds: self.poll_seconds.clone(),
            active: self.active.is_some(),
        }
    }

    /// The API's input, or the reason (in the agent's language) the form cannot be one.
    fn input(self, lang: Lang) -> Result<MailboxInput, String> {
        let imap = server_input(lang, "IMAP", &self.imap_host, &self.imap_port, &self.imap_security)?;
        let smtp = server_input(lang, "SMTP", &self.smtp_host, &self.smtp_port, &self.smtp_security)?;
        let poll_seconds = match self.poll_seconds.trim() {
            "" => None,
            given => Some(given.parse::<u32>().map_err(|_| lang.t("mailbox.bad_poll").to_owned())?),
        };
        let password = |p: String| if p.is_empty() { None } else { Some(p) };
        Ok(MailboxInput {
            name: self.name,
            address: self.address.trim().to_owned(),
            display_name: Some(self.display_name),
            imap: ServerInput {
                username: self.imap_username,
                password: password(self.imap_password),
                ..imap
            },
            smtp: ServerInput {
                username: self.smtp_username,
                password: password(self.smtp_password),
                ..smtp
            },
            folders: Some(self.folders.lines().flat_map(|l| l.split(',')).map(str::to_owned).collect()),
            poll_seconds,
            max_attachment_bytes: None,
            active: Some(self.active.is_some()),
        })
    }
}

fn server_input(
    lang: Lang,
    which: &str,
    host: &str,
    port: &str,
    security: &str,
) -> Result<ServerInput, String> {
    if host.trim().is_empty() {
        return Err(format!("{which}: {}", lang.t("mailbox.missing_host")));
    }
    let port = port.trim().parse::<u16>().ok().filter(|p| *p > 0);
    let Some(port) = port else { return Err(format!("{which}: {}", lang.t("mailbox.bad_port"))) };
    let security = SECURITIES
        .iter()
        .find(|(_, code, _)| *code == security)
        .map(|(s, _, _)| *s)
        .ok_or_else(|| format!("{which}: {}", lang.t("mailbox.bad_security")))?;
    Ok(ServerInput { host: host.to_owned(), port, security, username: String::new(), password: None })
}

/// Turns a refusal by the rules into the form shown again; anything else stays an error page.
fn refusal(error: ApiError) -> Result<String, UiErrorKind> {
    match error {
        ApiError::Unprocessable(reason) => Ok(reason),
        ApiError::Conflict(reason) => Ok(reason),
        other => Err(other.into()),
    }
}

/// The channels page again, 422, with the refused form open and its reason.
async fn refused_page(
    state: &AppState,
    ui: &UiAgent,
    headers: &HeaderMap,
    refused: Refused,
) -> Result<Response, UiError> {
    let page = super::channels::render(state, ui, headers, Some(&refused)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn create(
    State(state): State<AppState>,
    ui: UiAgent,
    headers: HeaderMap,
    Form(form): Form<MailboxForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let fields = form.fields(None);
    let checked = form.input(ui.lang).and_then(|input| new_mailbox(input, None).map_err(|e| e.to_string()));
    let new = match checked {
        Ok(new) => new,
        Err(reason) => {
            return refused_page(&state, &ui, &headers, Refused { mailbox: None, fields, reason }).await;
        }
    };
    match state.desk.store.create_mailbox(new, state.desk.now()).await.map_err(ApiError::from) {
        Ok(_) => Ok(Redirect::to("/settings/channels#section-email").into_response()),
        Err(error) => {
            let reason = refusal(error).map_err(|kind| ui.fail(kind))?;
            refused_page(&state, &ui, &headers, Refused { mailbox: None, fields, reason }).await
        }
    }
}

async fn update(
    State(state): State<AppState>,
    ui: UiAgent,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<MailboxForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let stored = state.desk.store.get_mailbox(id).await.ui(ui.lang)?;
    let fields = form.fields(Some(&stored));
    let checked = form
        .input(ui.lang)
        .and_then(|input| new_mailbox(input, Some(&stored.settings)).map_err(|e| e.to_string()));
    let refused = |reason| Refused { mailbox: Some(id), fields: fields.clone(), reason };
    let new = match checked {
        Ok(new) => new,
        Err(reason) => return refused_page(&state, &ui, &headers, refused(reason)).await,
    };
    match state.desk.store.update_mailbox(id, new, state.desk.now()).await.map_err(ApiError::from) {
        Ok(_) => Ok(Redirect::to("/settings/channels#section-email").into_response()),
        Err(error) => {
            let reason = refusal(error).map_err(|kind| ui.fail(kind))?;
            refused_page(&state, &ui, &headers, refused(reason)).await
        }
    }
}

#[derive(Debug, Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn delete(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    state.desk.store.delete_mailbox(id).await.ui(ui.lang)?;
    Ok(Redirect::to("/settings/channels#section-email").into_response())
}
