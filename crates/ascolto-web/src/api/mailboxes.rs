//! `/mailboxes`: admins connect support mailboxes (IMAP in, SMTP out). Passwords are
//! write-only: they go in with a create or an update and never come out; answers only say
//! whether one is set. An update without a password keeps the stored one. The settings page
//! (`ui::mailboxes`) goes through the same rules ([`new_mailbox`]).

use ascolto_core::EmailAddress;
use ascolto_store::{MailSecurity, MailServer, Mailbox, MailboxSettings, NewMailbox, Secret};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_mailboxes, create_mailbox)).routes(routes!(
        get_mailbox,
        update_mailbox,
        delete_mailbox
    ))
}

/// How to reach one mail server.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServerInput {
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `tls`, `start_tls` or `plain` (plain only for a server on this machine).
    pub(crate) security: MailSecurity,
    /// Leave out for an SMTP relay that takes mail without signing in.
    #[serde(default)]
    pub(crate) username: String,
    /// Write-only. Leave out on an update to keep the stored password.
    pub(crate) password: Option<String>,
}

/// A mailbox to connect, or its new settings.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MailboxInput {
    pub(crate) name: String,
    /// The support address customers write to; replies are sent from it.
    pub(crate) address: String,
    /// The name replies are signed with (defaults to `name`).
    pub(crate) display_name: Option<String>,
    pub(crate) imap: ServerInput,
    pub(crate) smtp: ServerInput,
    /// IMAP folders to fetch (default `["INBOX"]`).
    pub(crate) folders: Option<Vec<String>>,
    /// Seconds between looks when the server has no IDLE, 5 to 3600 (default 60).
    pub(crate) poll_seconds: Option<u32>,
    /// Attachments larger than this are recorded as skipped, at most 100 MB (default 25 MB).
    pub(crate) max_attachment_bytes: Option<i64>,
    /// Whether to fetch it (default true).
    pub(crate) active: Option<bool>,
}

/// A mail server as shown: everything but the password.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct ServerView {
    host: String,
    port: u16,
    security: MailSecurity,
    username: String,
    password_set: bool,
}

impl From<&MailServer> for ServerView {
    fn from(server: &MailServer) -> Self {
        Self {
            host: server.host.clone(),
            port: server.port,
            security: server.security,
            username: server.username.clone(),
            password_set: !server.password.expose().is_empty(),
        }
    }
}

/// A connected mailbox, without its passwords.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct MailboxView {
    id: i64,
    name: String,
    address: String,
    display_name: String,
    imap: ServerView,
    smtp: ServerView,
    folders: Vec<String>,
    poll_seconds: u32,
    max_attachment_bytes: i64,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Mailbox> for MailboxView {
    fn from(mailbox: Mailbox) -> Self {
        let settings = mailbox.settings;
        Self {
            id: mailbox.id,
            name: mailbox.name,
            imap: ServerView::from(&settings.imap),
            smtp: ServerView::from(&settings.smtp),
            address: settings.address,
            display_name: settings.display_name,
            folders: settings.folders,
            poll_seconds: settings.poll_seconds,
            max_attachment_bytes: settings.max_attachment_bytes,
            active: mailbox.active,
            created_at: mailbox.created_at,
            updated_at: mailbox.updated_at,
        }
    }
}

const DEFAULT_ATTACHMENT_BYTES: i64 = 25 * 1024 * 1024;
const MAX_ATTACHMENT_BYTES: i64 = 100 * 1024 * 1024;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::Unprocessable(message.into())
}

fn server(input: ServerInput, which: &str, stored: Option<&MailServer>) -> ApiResult<MailServer> {
    let host = input.host.trim().to_owned();
    if host.is_empty() || host.len() > 253 || host.contains(char::is_whitespace) {
        return Err(invalid(format!("`{which}.host` must be a host name or address")));
    }
    if input.port == 0 {
        return Err(invalid(format!("`{which}.port` must be 1 to 65535")));
    }
    let password = match (input.password, stored) {
        (Some(password), _) => Secret::new(password),
        (None, Some(stored)) => stored.password.clone(),
        (None, None) => Secret::new(""),
    };
    let username = input.username.trim().to_owned();
    if which == "imap" && (username.is_empty() || password.expose().is_empty()) {
        return Err(invalid("`imap.username` and `imap.password` are required"));
    }
    Ok(MailServer { host, port: input.port, security: input.security, username, password })
}

pub(crate) fn new_mailbox(input: MailboxInput, stored: Option<&MailboxSettings>) -> ApiResult<NewMailbox> {
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid("`name` must be 1 to 200 characters"));
    }
    let address =
        EmailAddress::parse(&input.address).map_err(|_| invalid("`address` must be an e-mail address"))?;
    let folders: Vec<String> = input
        .folders
        .unwrap_or_else(|| vec!["INBOX".to_owned()])
        .into_iter()
        .map(|f| f.trim().to_owned())
        .filter(|f| !f.is_empty())
        .collect();
    if folders.is_empty()
        || folders.len() > 20
        || folders.iter().any(|f| f.len() > 200 || f.contains(['\r', '\n', '"']))
    {
        return Err(invalid("`folders` must name 1 to 20 folders"));
    }
    let poll_seconds = input.poll_seconds.unwrap_or(60);
    if !(5..=3600).contains(&poll_seconds) {
        return Err(invalid("`poll_seconds` must be 5 to 3600"));
    }
    let max_attachment_bytes = input.max_attachment_bytes.unwrap_or(DEFAULT_ATTACHMENT_BYTES);
    if !(0..=MAX_ATTACHMENT_BYTES).contains(&max_attachment_bytes) {
        return Err(invalid(format!("`max_attachment_bytes` must be 0 to {MAX_ATTACHMENT_BYTES}")));
    }
    let settings = MailboxSettings {
        address: address.as_str().to_owned(),
        display_name: input
            .display_name
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty())
            .unwrap_or(name.clone()),
        imap: server(input.imap, "imap", stored.map(|s| &s.imap))?,
        smtp: server(input.smtp, "smtp", stored.map(|s| &s.smtp))?,
        folders,
        poll_seconds,
        max_attachment_bytes,
    };
    Ok(NewMailbox { name, settings, active: input.active.unwrap_or(true) })
}

/// List mailboxes (admin).
#[utoipa::path(get, path = "/mailboxes", tag = "mailboxes", responses((status = 200, body = [MailboxView])))]
async fn list_mailboxes(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<MailboxView>>> {
    caller.require_admin()?;
    let mailboxes = state.desk.store.list_mailboxes().await?;
    Ok(Json(mailboxes.into_iter().map(MailboxView::from).collect()))
}

/// Connect a mailbox (admin). The fetcher picks it up within seconds.
#[utoipa::path(post, path = "/mailboxes", tag = "mailboxes", request_body = MailboxInput,
    responses((status = 201, body = MailboxView), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn create_mailbox(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<MailboxInput>,
) -> ApiResult<(StatusCode, Json<MailboxView>)> {
    caller.require_admin()?;
    let new = new_mailbox(input, None)?;
    let mailbox = state.desk.store.create_mailbox(new, state.desk.now()).await?;
    Ok((StatusCode::CREATED, Json(mailbox.into())))
}

/// One mailbox (admin).
#[utoipa::path(get, path = "/mailboxes/{id}", tag = "mailboxes", responses((status = 200, body = MailboxView)))]
async fn get_mailbox(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MailboxView>> {
    caller.require_admin()?;
    Ok(Json(state.desk.store.get_mailbox(id).await?.into()))
}

/// Change a mailbox (admin). Passwords left out are kept.
#[utoipa::path(put, path = "/mailboxes/{id}", tag = "mailboxes", request_body = MailboxInput,
    responses((status = 200, body = MailboxView), (status = 422, body = crate::error::ErrorBody)))]
async fn update_mailbox(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MailboxInput>,
) -> ApiResult<Json<MailboxView>> {
    caller.require_admin()?;
    let stored = state.desk.store.get_mailbox(id).await?;
    let new = new_mailbox(input, Some(&stored.settings))?;
    Ok(Json(state.desk.store.update_mailbox(id, new, state.desk.now()).await?.into()))
}

/// Disconnect a mailbox (admin). Its mail and conversations stay.
#[utoipa::path(delete, path = "/mailboxes/{id}", tag = "mailboxes", responses((status = 204)))]
async fn delete_mailbox(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    state.desk.store.delete_mailbox(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
