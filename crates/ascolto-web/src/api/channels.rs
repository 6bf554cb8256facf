//! `/channels`: admins connect the web-chat widget, Telegram bots and WhatsApp numbers.
//! Secrets go in and never come out: answers only say which secrets are set.

use ascolto_channels::whatsapp;
use ascolto_core::Channel;
use ascolto_store::{ChannelConfig, ChannelSettings, NewChannelConfig, Secret, WhatsAppTemplate};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{Caller, random_token};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_channels, create_channel))
        .routes(routes!(get_channel, update_channel, delete_channel))
        .routes(routes!(list_templates, replace_templates))
}

/// A channel to connect. Which fields are required depends on `kind`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChannelInput {
    /// `webchat`, `telegram` or `whatsapp`.
    #[schema(value_type = String)]
    pub(crate) kind: Channel,
    pub(crate) name: String,
    /// Web chat: the key your site signs logged-in customers' e-mail addresses with
    /// (hex HMAC-SHA256 of the address). Leave out to treat every visitor as anonymous.
    pub(crate) identity_secret: Option<String>,
    /// Web chat: origins allowed to embed the widget (`https://shop.example`); empty allows any.
    #[serde(default)]
    pub(crate) allowed_origins: Vec<String>,
    /// Telegram: the bot token from BotFather.
    pub(crate) bot_token: Option<String>,
    /// Telegram: the secret token set with `setWebhook`, echoed in every update.
    pub(crate) webhook_secret: Option<String>,
    /// WhatsApp: the phone number id.
    pub(crate) phone_number_id: Option<String>,
    /// WhatsApp: a system user's access token.
    pub(crate) access_token: Option<String>,
    /// WhatsApp: the app secret that signs webhook deliveries.
    pub(crate) app_secret: Option<String>,
    /// WhatsApp: the verify token of the webhook subscription.
    pub(crate) verify_token: Option<String>,
    /// Telegram and WhatsApp: the API's base URL (defaults to the platform's).
    pub(crate) api_base: Option<String>,
    /// WhatsApp: the Graph API version (default `v21.0`).
    pub(crate) api_version: Option<String>,
    /// WhatsApp: the message templates approved for the number in WhatsApp Manager.
    #[serde(default)]
    pub(crate) templates: Vec<TemplateInput>,
}

/// A message template approved for a WhatsApp number, as WhatsApp Manager shows it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TemplateInput {
    /// The template's name: lower-case letters, digits and underscores (`order_update`).
    name: String,
    /// The language it was approved in (`it`, `en_US`).
    language: String,
    /// The approved body text, with `{{1}}`, `{{2}}`, ... where the parameters go.
    body: String,
}

/// A message template agents may send on a WhatsApp number.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct TemplateView {
    name: String,
    language: String,
    body: String,
    /// How many parameters a send must give (the body's placeholders).
    parameters: usize,
}

impl From<&WhatsAppTemplate> for TemplateView {
    fn from(template: &WhatsAppTemplate) -> Self {
        Self {
            name: template.name.clone(),
            language: template.language.clone(),
            body: template.body.clone(),
            parameters: whatsapp::parameter_count(&template.body).unwrap_or(0),
        }
    }
}

/// Checks templates as WhatsApp names them: a valid name and language, a non-empty body
/// with well-numbered placeholders, and each (name, language) once.
fn templates(input: Vec<TemplateInput>) -> ApiResult<Vec<WhatsAppTemplate>> {
    let mut checked: Vec<WhatsAppTemplate> = Vec::with_capacity(input.len());
    for template in input {
        let name = template.name.trim().to_owned();
        let language = template.language.trim().to_owned();
        let body = template.body.trim().to_owned();
        whatsapp::check_template_name(&name).map_err(ApiError::Unprocessable)?;
        whatsapp::check_language(&language).map_err(ApiError::Unprocessable)?;
        if body.is_empty() || body.chars().count() > 1024 {
            return Err(ApiError::Unprocessable(format!("the body of {name} must be 1 to 1024 characters")));
        }
        whatsapp::parameter_count(&body).map_err(|why| ApiError::Unprocessable(format!("{name}: {why}")))?;
        if checked.iter().any(|other| other.name == name && other.language == language) {
            return Err(ApiError::Unprocessable(format!(
                "the template {name} in {language} is listed twice"
            )));
        }
        checked.push(WhatsAppTemplate { name, language, body });
    }
    Ok(checked)
}

/// A connected channel, without its secrets.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct ChannelView {
    id: String,
    #[schema(value_type = String)]
    kind: Channel,
    name: String,
    /// Where the platform must send its webhooks (Telegram, WhatsApp), or the widget's
    /// `<script>` tag (web chat), as a path on this server.
    endpoint: String,
    allowed_origins: Vec<String>,
    api_base: Option<String>,
    api_version: Option<String>,
    phone_number_id: Option<String>,
    /// WhatsApp: the approved message templates.
    #[serde(skip_serializing_if = "Option::is_none")]
    templates: Option<Vec<TemplateView>>,
    /// The names of the secrets that are set.
    secrets_set: Vec<String>,
    created_at: DateTime<Utc>,
}

impl From<ChannelConfig> for ChannelView {
    fn from(config: ChannelConfig) -> Self {
        let kind = config.settings.channel();
        let mut view = ChannelView {
            endpoint: String::new(),
            kind,
            name: config.name,
            allowed_origins: Vec::new(),
            api_base: None,
            api_version: None,
            phone_number_id: None,
            templates: None,
            secrets_set: Vec::new(),
            created_at: config.created_at,
            id: config.id.clone(),
        };
        let id = config.id;
        match config.settings {
            ChannelSettings::WebChat { identity_secret, allowed_origins, .. } => {
                view.endpoint =
                    format!("<script src=\"/widget/v1/widget.js\" data-channel=\"{id}\" defer></script>");
                view.allowed_origins = allowed_origins;
                view.secrets_set =
                    identity_secret.map(|_| vec!["identity_secret".to_owned()]).unwrap_or_default();
            }
            ChannelSettings::Telegram { api_base, .. } => {
                view.endpoint = format!("/webhooks/telegram/{id}");
                view.api_base = Some(api_base);
                view.secrets_set = vec!["bot_token".into(), "webhook_secret".into()];
            }
            ChannelSettings::WhatsApp { phone_number_id, api_base, api_version, templates, .. } => {
                view.endpoint = format!("/webhooks/whatsapp/{id}");
                view.templates = Some(templates.iter().map(TemplateView::from).collect());
                view.api_base = Some(api_base);
                view.api_version = Some(api_version);
                view.phone_number_id = Some(phone_number_id);
                view.secrets_set = vec!["access_token".into(), "app_secret".into(), "verify_token".into()];
            }
        }
        view
    }
}

fn required(value: Option<String>, field: &str, kind: Channel) -> ApiResult<String> {
    value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::Unprocessable(format!("a {kind} channel needs `{field}`")))
}

fn secret(value: Option<String>, field: &str, kind: Channel) -> ApiResult<Secret> {
    required(value, field, kind).map(Secret::new)
}

fn base_url(value: Option<String>, default: &str) -> ApiResult<String> {
    let url = value.unwrap_or_else(|| default.to_owned()).trim().trim_end_matches('/').to_owned();
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(url)
    } else {
        Err(ApiError::Unprocessable(format!("`api_base` must be an http(s) URL, not {url:?}")))
    }
}

/// The settings of a new channel from the admin's input.
pub(crate) fn settings(input: ChannelInput) -> ApiResult<ChannelSettings> {
    let kind = input.kind;
    Ok(match kind {
        Channel::WebChat => ChannelSettings::WebChat {
            identity_secret: input.identity_secret.filter(|s| !s.trim().is_empty()).map(Secret::new),
            visitor_key: Secret::new(random_token()?),
            allowed_origins: origins(&input.allowed_origins),
        },
        Channel::Telegram => ChannelSettings::Telegram {
            bot_token: secret(input.bot_token, "bot_token", kind)?,
            webhook_secret: secret(input.webhook_secret, "webhook_secret", kind)?,
            api_base: base_url(input.api_base, "https://api.telegram.org")?,
        },
        Channel::WhatsApp => ChannelSettings::WhatsApp {
            phone_number_id: required(input.phone_number_id, "phone_number_id", kind)?,
            access_token: secret(input.access_token, "access_token", kind)?,
            app_secret: secret(input.app_secret, "app_secret", kind)?,
            verify_token: secret(input.verify_token, "verify_token", kind)?,
            api_base: base_url(input.api_base, "https://graph.facebook.com")?,
            api_version: input.api_version.unwrap_or_else(|| "v21.0".to_owned()),
            templates: templates(input.templates)?,
        },
        Channel::Email | Channel::Api => {
            return Err(ApiError::Unprocessable(format!(
                "{kind} is not a live channel: use webchat, telegram or whatsapp"
            )));
        }
    })
}

fn origins(raw: &[String]) -> Vec<String> {
    raw.iter().map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty()).collect()
}

/// A value given and not blank.
fn given(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The settings after an edit. A secret left out or blank keeps its stored value, so
/// nobody needs to see a secret to change something else; the kind cannot change.
pub(crate) fn updated_settings(current: ChannelSettings, input: ChannelInput) -> ApiResult<ChannelSettings> {
    if input.kind != current.channel() {
        return Err(ApiError::Unprocessable(format!(
            "this is a {} channel; it cannot become a {} one",
            current.channel(),
            input.kind
        )));
    }
    let keep = |new: Option<String>, old: Secret| given(new).map(Secret::new).unwrap_or(old);
    let base = |new: Option<String>, old: String| match given(new) {
        Some(url) => base_url(Some(url), ""),
        None => Ok(old),
    };
    Ok(match current {
        ChannelSettings::WebChat { identity_secret, visitor_key, .. } => ChannelSettings::WebChat {
            identity_secret: given(input.identity_secret).map(Secret::new).or(identity_secret),
            visitor_key,
            allowed_origins: origins(&input.allowed_origins),
        },
        ChannelSettings::Telegram { bot_token, webhook_secret, api_base } => ChannelSettings::Telegram {
            bot_token: keep(input.bot_token, bot_token),
            webhook_secret: keep(input.webhook_secret, webhook_secret),
            api_base: base(input.api_base, api_base)?,
        },
        ChannelSettings::WhatsApp {
            phone_number_id,
            access_token,
            app_secret,
            verify_token,
            api_base,
            api_version,
            templates: stored_templates,
        } => ChannelSettings::WhatsApp {
            phone_number_id: given(input.phone_number_id).unwrap_or(phone_number_id),
            access_token: keep(input.access_token, access_token),
            app_secret: keep(input.app_secret, app_secret),
            verify_token: keep(input.verify_token, verify_token),
            api_base: base(input.api_base, api_base)?,
            api_version: given(input.api_version).unwrap_or(api_version),
            // Templates are replaced through `PUT /channels/{id}/templates`; an edit that
            // lists none keeps them.
            templates: if input.templates.is_empty() {
                stored_templates
            } else {
                templates(input.templates)?
            },
        },
    })
}

/// A channel's name as the admin typed it: 1 to 200 characters.
pub(crate) fn channel_name(raw: &str) -> ApiResult<String> {
    let name = raw.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::Unprocessable("`name` must be 1 to 200 characters".to_owned()));
    }
    Ok(name)
}

/// Connects a channel and returns it (shared by the API and the settings page).
pub(crate) async fn connect(state: &AppState, input: ChannelInput) -> ApiResult<ChannelConfig> {
    let name = channel_name(&input.name)?;
    // Short enough for a script tag, long enough that nobody guesses another desk's channel.
    let id: String = random_token()?.chars().take(22).collect();
    let new = NewChannelConfig { id, name, settings: settings(input)? };
    Ok(state.desk.store.create_channel_config(new, state.desk.now()).await?)
}

/// Applies an edit to channel `id` (shared by the API and the settings page).
pub(crate) async fn edit(state: &AppState, id: &str, input: ChannelInput) -> ApiResult<ChannelConfig> {
    let name = channel_name(&input.name)?;
    let current = state.desk.store.get_channel_config(id).await?;
    let settings = updated_settings(current.settings, input)?;
    Ok(state.desk.store.update_channel_config(id, &name, &settings).await?)
}

/// List connected channels (admin).
#[utoipa::path(get, path = "/channels", tag = "channels", responses((status = 200, body = [ChannelView])))]
async fn list_channels(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<ChannelView>>> {
    caller.require_admin()?;
    let configs = state.desk.store.list_channel_configs().await?;
    Ok(Json(configs.into_iter().map(ChannelView::from).collect()))
}

/// Connect a channel (admin). Its secrets are stored and never shown again.
#[utoipa::path(post, path = "/channels", tag = "channels", request_body = ChannelInput,
    responses((status = 201, body = ChannelView), (status = 422, body = crate::error::ErrorBody)))]
async fn create_channel(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ChannelInput>,
) -> ApiResult<(StatusCode, Json<ChannelView>)> {
    caller.require_admin()?;
    let config = connect(&state, input).await?;
    Ok((StatusCode::CREATED, Json(config.into())))
}

/// One channel (admin).
#[utoipa::path(get, path = "/channels/{id}", tag = "channels", responses((status = 200, body = ChannelView)))]
async fn get_channel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ChannelView>> {
    caller.require_admin()?;
    Ok(Json(state.desk.store.get_channel_config(&id).await?.into()))
}

/// Change a channel (admin): its name and settings. Secrets left out keep their stored
/// value; the kind cannot change.
#[utoipa::path(put, path = "/channels/{id}", tag = "channels", request_body = ChannelInput,
    responses((status = 200, body = ChannelView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn update_channel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ChannelInput>,
) -> ApiResult<Json<ChannelView>> {
    caller.require_admin()?;
    Ok(Json(edit(&state, &id, input).await?.into()))
}

/// Disconnect a channel (admin). Its conversations stay.
#[utoipa::path(delete, path = "/channels/{id}", tag = "channels", responses((status = 204)))]
async fn delete_channel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    state.desk.store.delete_channel_config(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The approved message templates of a WhatsApp channel, for agents choosing one.
#[utoipa::path(get, path = "/channels/{id}/templates", tag = "channels",
    responses((status = 200, body = [TemplateView]), (status = 404, body = crate::error::ErrorBody)))]
async fn list_templates(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Vec<TemplateView>>> {
    // Every signed-in agent may read them: whoever may answer a WhatsApp customer may need one.
    match state.desk.store.get_channel_config(&id).await?.settings {
        ChannelSettings::WhatsApp { templates, .. } => {
            Ok(Json(templates.iter().map(TemplateView::from).collect()))
        }
        _ => Err(ApiError::NotFound("no such WhatsApp channel".to_owned())),
    }
}

/// Replace a WhatsApp channel's approved message templates (admin).
#[utoipa::path(put, path = "/channels/{id}/templates", tag = "channels", request_body = [TemplateInput],
    responses((status = 200, body = [TemplateView]), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn replace_templates(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<Vec<TemplateInput>>,
) -> ApiResult<Json<Vec<TemplateView>>> {
    caller.require_admin()?;
    let checked = templates(input)?;
    let mut settings = state.desk.store.get_channel_config(&id).await?.settings;
    let ChannelSettings::WhatsApp { templates: current, .. } = &mut settings else {
        return Err(ApiError::NotFound("no such WhatsApp channel".to_owned()));
    };
    *current = checked;
    let updated = state.desk.store.update_channel_settings(&id, settings).await?;
    let ChannelSettings::WhatsApp { templates, .. } = &updated.settings else {
        return Err(ApiError::Internal("the channel changed kind".to_owned()));
    };
    Ok(Json(templates.iter().map(TemplateView::from).collect()))
}
