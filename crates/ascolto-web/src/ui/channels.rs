//! The admins' channels page: the web-chat widget (with the `<script>` tag to paste into a
//! site), Telegram bots and WhatsApp numbers, each connected, edited or removed with a form.
//!
//! Secrets are write-only: a form field for a secret is always empty, the page only says
//! whether one is set, and leaving the field empty keeps the stored value. The page is a list
//! of sections, one per kind of channel; e-mail mailboxes have their own section at the top
//! ([`sections`]), served by `ui::mailboxes`.

use ascolto_core::Channel;
use ascolto_store::{ChannelConfig, ChannelSettings, Mailbox};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::HOST;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::{InLang, UiError};
use super::i18n::Lang;
use super::mailboxes::Refused;
use super::session::UiAgent;
use super::settings::{admin, csrf, shell};
use crate::AppState;
use crate::api::channels::{ChannelInput, connect, edit};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/channels", get(page).post(create))
        .route("/settings/channels/{id}", post(update))
        .route("/settings/channels/{id}/delete", post(delete))
        .merge(super::mailboxes::router())
}

/// Where this server is reached, as the browser that asked for the page reached it: the
/// widget's script tag and the webhook addresses are absolute.
fn origin(state: &AppState, headers: &HeaderMap) -> String {
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    let host = headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// The tag a site pastes before `</body>` to show the chat widget.
pub fn widget_snippet(origin: &str, id: &str) -> String {
    format!("<script src=\"{origin}/widget/v1/widget.js\" data-channel=\"{id}\" defer></script>")
}

fn kind_label(lang: Lang, kind: Channel) -> &'static str {
    match kind {
        Channel::Telegram => lang.t("channels.telegram"),
        Channel::WhatsApp => lang.t("channels.whatsapp"),
        _ => lang.t("channels.webchat"),
    }
}

/// A secret's field: always empty, saying whether a value is stored.
fn secret_field(lang: Lang, id: &str, name: &str, label: &str, set: Option<bool>) -> Markup {
    let placeholder = match set {
        Some(true) => lang.t("channels.secret_set"),
        Some(false) => lang.t("channels.secret_unset"),
        None => "",
    };
    html! {
        label for=(id) { (label) }
        input id=(id) name=(name) type="password" autocomplete="new-password" spellcheck="false"
            placeholder=(placeholder) required[set.is_none() && name != "identity_secret"];
        @if let Some(set) = set {
            span .secret-state data-secret=(name) { (if set { lang.t("channels.secret_is_set") } else { lang.t("channels.secret_not_set") }) }
        }
    }
}

fn text_field(id: &str, name: &str, label: &str, value: &str, required: bool) -> Markup {
    html! {
        label for=(id) { (label) }
        input id=(id) name=(name) value=(value) required[required];
    }
}

/// The fields of one kind of channel; `current` is `None` in the form that adds one.
fn fields(lang: Lang, prefix: &str, kind: Channel, current: Option<&ChannelSettings>) -> Markup {
    let id = |field: &str| format!("{prefix}-{field}");
    let is_set = |set: bool| current.map(|_| set);
    html! {
        input type="hidden" name="kind" value=(kind.as_str());
        @match (kind, current) {
            (Channel::WebChat, current) => {
                @let (origins, secret_set) = match current {
                    Some(ChannelSettings::WebChat { allowed_origins, identity_secret, .. }) => (allowed_origins.join("\n"), identity_secret.is_some()),
                    _ => (String::new(), false),
                };
                label for=(id("origins")) { (lang.t("channels.allowed_origins")) }
                textarea id=(id("origins")) name="allowed_origins" rows="2" placeholder="https://shop.example" { (origins) }
                p .muted { (lang.t("channels.allowed_origins_help")) }
                (secret_field(lang, &id("identity"), "identity_secret", lang.t("channels.identity_secret"), is_set(secret_set)))
                p .muted { (lang.t("channels.identity_secret_help")) }
            }
            (Channel::Telegram, current) => {
                @let api_base = match current { Some(ChannelSettings::Telegram { api_base, .. }) => api_base.as_str(), _ => "" };
                (secret_field(lang, &id("bot-token"), "bot_token", lang.t("channels.bot_token"), is_set(true)))
                (secret_field(lang, &id("webhook-secret"), "webhook_secret", lang.t("channels.webhook_secret"), is_set(true)))
                (text_field(&id("api-base"), "api_base", lang.t("channels.api_base"), api_base, false))
            }
            (_, current) => {
                @let (phone, api_base, version) = match current {
                    Some(ChannelSettings::WhatsApp { phone_number_id, api_base, api_version, .. }) => (phone_number_id.as_str(), api_base.as_str(), api_version.as_str()),
                    _ => ("", "", ""),
                };
                (text_field(&id("phone"), "phone_number_id", lang.t("channels.phone_number_id"), phone, current.is_none()))
                (secret_field(lang, &id("access-token"), "access_token", lang.t("channels.access_token"), is_set(true)))
                (secret_field(lang, &id("app-secret"), "app_secret", lang.t("channels.app_secret"), is_set(true)))
                (secret_field(lang, &id("verify-token"), "verify_token", lang.t("channels.verify_token"), is_set(true)))
                (text_field(&id("api-base"), "api_base", lang.t("channels.api_base"), api_base, false))
                (text_field(&id("api-version"), "api_version", lang.t("channels.api_version"), version, false))
            }
        }
    }
}

/// What the platform or the site needs from us: the script tag, or the webhook address.
fn connection(lang: Lang, origin: &str, config: &ChannelConfig) -> Markup {
    let field = format!("endpoint-{}", config.id);
    let (label, value) = match config.settings.channel() {
        Channel::WebChat => (lang.t("channels.snippet"), widget_snippet(origin, &config.id)),
        Channel::Telegram => {
            (lang.t("channels.webhook_url"), format!("{origin}/webhooks/telegram/{}", config.id))
        }
        _ => (lang.t("channels.webhook_url"), format!("{origin}/webhooks/whatsapp/{}", config.id)),
    };
    html! {
        div .endpoint {
            label for=(field) { (label) }
            textarea .copy-source id=(field) readonly rows="2" spellcheck="false" { (value) }
            button type="button" .copy data-copy=(format!("#{field}")) data-copied=(lang.t("channels.copied")) { (lang.t("channels.copy")) }
        }
    }
}

fn channel_card(ui: &UiAgent, origin: &str, config: &ChannelConfig) -> Markup {
    let lang = ui.lang;
    let kind = config.settings.channel();
    let prefix = format!("ch-{}", config.id);
    html! {
        article .channel-card data-channel-id=(config.id) data-kind=(kind.as_str()) {
            h4 { (config.name) " " span .muted { (kind_label(lang, kind)) } }
            (connection(lang, origin, config))
            details {
                summary { (lang.t("channels.edit")) }
                form .stacked method="post" action=(format!("/settings/channels/{}", config.id)) {
                    (csrf(ui))
                    (text_field(&format!("{prefix}-name"), "name", lang.t("settings.name"), &config.name, true))
                    (fields(lang, &prefix, kind, Some(&config.settings)))
                    p .muted { (lang.t("channels.keep_secrets")) }
                    button type="submit" { (lang.t("settings.save")) }
                }
            }
            form .inline method="post" action=(format!("/settings/channels/{}/delete", config.id)) {
                (csrf(ui))
                button .danger type="submit" { (lang.t("channels.remove")) }
            }
        }
    }
}

fn add_form(ui: &UiAgent, kind: Channel) -> Markup {
    let lang = ui.lang;
    let prefix = format!("new-{}", kind.as_str());
    html! {
        details .add-channel #(format!("add-{}", kind.as_str())) {
            summary { (lang.t("channels.add")) " " (kind_label(lang, kind)) }
            form .stacked method="post" action="/settings/channels" {
                (csrf(ui))
                (text_field(&format!("{prefix}-name"), "name", lang.t("settings.name"), "", true))
                (fields(lang, &prefix, kind, None))
                button .primary type="submit" { (lang.t("settings.create")) }
            }
        }
    }
}

/// One kind of channel: what is connected, and the form to add another.
fn section(ui: &UiAgent, origin: &str, kind: Channel, configs: &[ChannelConfig]) -> Markup {
    let lang = ui.lang;
    let help = match kind {
        Channel::WebChat => lang.t("channels.webchat_help"),
        Channel::Telegram => lang.t("channels.telegram_help"),
        _ => lang.t("channels.whatsapp_help"),
    };
    html! {
        section .channel-section #(format!("section-{}", kind.as_str())) aria-labelledby=(format!("h-{}", kind.as_str())) {
            h3 #(format!("h-{}", kind.as_str())) { (kind_label(lang, kind)) }
            p .muted { (help) }
            @for config in configs.iter().filter(|c| c.settings.channel() == kind) {
                (channel_card(ui, origin, config))
            }
            (add_form(ui, kind))
        }
    }
}

/// The page's sections in order: mailboxes first, then the live channels. `refused` is a
/// mailbox form the rules refused, shown again open with its reason.
fn sections(
    ui: &UiAgent,
    origin: &str,
    mailboxes: &[Mailbox],
    configs: &[ChannelConfig],
    refused: Option<&Refused>,
) -> Markup {
    html! {
        (super::mailboxes::section(ui, mailboxes, refused))
        @for kind in [Channel::WebChat, Channel::Telegram, Channel::WhatsApp] {
            (section(ui, origin, kind, configs))
        }
    }
}

async fn page(State(state): State<AppState>, ui: UiAgent, headers: HeaderMap) -> Result<Response, UiError> {
    admin(&ui)?;
    render(&state, &ui, &headers, None).await
}

/// The whole channels page (the caller has checked the role).
pub(super) async fn render(
    state: &AppState,
    ui: &UiAgent,
    headers: &HeaderMap,
    refused: Option<&Refused>,
) -> Result<Response, UiError> {
    let configs = state.desk.store.list_channel_configs().await.ui(ui.lang)?;
    let mailboxes = state.desk.store.list_mailboxes().await.ui(ui.lang)?;
    let body = sections(ui, &origin(state, headers), &mailboxes, &configs, refused);
    Ok(shell(ui, "/settings/channels", ui.lang.t("settings.channels"), body, &["settings.js"]))
}

/// The form's fields; which apply depends on `kind`. Empty fields count as not given.
#[derive(Debug, Deserialize)]
struct ChannelForm {
    csrf: String,
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    allowed_origins: String,
    identity_secret: Option<String>,
    bot_token: Option<String>,
    webhook_secret: Option<String>,
    phone_number_id: Option<String>,
    access_token: Option<String>,
    app_secret: Option<String>,
    verify_token: Option<String>,
    api_base: Option<String>,
    api_version: Option<String>,
}

fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

impl ChannelForm {
    fn input(self, ui: &UiAgent) -> Result<ChannelInput, UiError> {
        let kind: Channel = self
            .kind
            .parse()
            .map_err(|_| super::settings::invalid(ui, format!("unknown channel {:?}", self.kind)))?;
        Ok(ChannelInput {
            kind,
            name: self.name,
            identity_secret: given(self.identity_secret),
            allowed_origins: self.allowed_origins.lines().map(str::to_owned).collect(),
            bot_token: given(self.bot_token),
            webhook_secret: given(self.webhook_secret),
            phone_number_id: given(self.phone_number_id),
            access_token: given(self.access_token),
            app_secret: given(self.app_secret),
            verify_token: given(self.verify_token),
            api_base: given(self.api_base),
            api_version: given(self.api_version),
            // Edited on their own page: an empty list keeps the stored ones.
            templates: Vec::new(),
        })
    }
}

async fn create(
    State(state): State<AppState>,
    ui: UiAgent,
    Form(form): Form<ChannelForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let input = form.input(&ui)?;
    let config = connect(&state, input).await.ui(ui.lang)?;
    Ok(Redirect::to(&format!("/settings/channels#section-{}", config.settings.channel().as_str()))
        .into_response())
}

async fn update(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<String>,
    Form(form): Form<ChannelForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let input = form.input(&ui)?;
    edit(&state, &id, input).await.ui(ui.lang)?;
    Ok(Redirect::to("/settings/channels").into_response())
}

#[derive(Debug, Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn delete(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    state.desk.store.delete_channel_config(&id).await.ui(ui.lang)?;
    Ok(Redirect::to("/settings/channels").into_response())
}
