//! The conversation page: every message with its channel and delivery status, the controls,
//! the customer panel, who else is here, and the reply box with live coaching.

use ascolto_core::{
    Agent, AgentId, Conversation, ConversationId, ConversationStatus, Direction, Message, MessageId,
    Priority, TeamId,
};
use ascolto_service::ReplyRequest;
use ascolto_store::{ConversationPatch, PageRequest};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_FRAME_OPTIONS};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::{InLang, UiError, UiErrorKind};
use super::i18n::Lang;
use super::layout::{self, Nav};
use super::macros::fill;
use super::pages::{all_agents, customer_conversations, customer_panel};
use super::session::UiAgent;
use super::timers;
use crate::AppState;

/// The policy of a customer's formatted e-mail shown in its frame: no scripts, no requests,
/// its own inline styles only, and only inside Ascolto's own pages.
const MESSAGE_HTML_POLICY: &str =
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox";

/// The strings the reply box's script shows, handed over in a data attribute.
const SCRIPT_STRINGS: &[&str] = &[
    "coach.idle",
    "coach.clear",
    "coach.suggestion",
    "coach.questions",
    "coach.unavailable",
    "reply.placeholder_confirm",
    "reply.send_anyway",
    "reply.keep_editing",
    "reply.sent",
    "reply.failed",
    "conv.typing",
    "conv.viewing",
    "skill.listening",
    "skill.empathy",
    "skill.clarity",
    "skill.ownership",
    "skill.why",
    "skill.next_steps",
    "skill.positivity",
    "skill.calm",
    "skill.personal",
    "skill.persuasion",
];

pub(super) async fn visible(
    state: &AppState,
    ui: &UiAgent,
    id: ConversationId,
) -> Result<Conversation, UiError> {
    let conversation = state.desk.store.get_conversation(id).await.ui(ui.lang)?;
    if ui.visibility.can_see(&conversation) { Ok(conversation) } else { Err(ui.fail(UiErrorKind::NotFound)) }
}

async fn all_messages(state: &AppState, lang: Lang, id: ConversationId) -> Result<Vec<Message>, UiError> {
    let mut messages = Vec::new();
    let mut page = PageRequest::first(200);
    loop {
        let batch = state.desk.store.list_messages(id, page).await.ui(lang)?;
        messages.extend(batch.items);
        match batch.next {
            Some(cursor) => page = PageRequest::after(cursor, 200),
            None => return Ok(messages),
        }
    }
}

fn author(lang: Lang, message: &Message, customer_name: &str, agents: &[Agent]) -> String {
    match message.direction {
        Direction::Inbound => customer_name.to_owned(),
        _ => message
            .agent_id
            .and_then(|id| agents.iter().find(|a| a.id == id))
            .map(|a| a.name.clone())
            .unwrap_or_else(|| lang.t("conv.agent").to_owned()),
    }
}

/// One message. The text is always escaped; formatted HTML only loads in a sandboxed frame.
pub fn message_markup(
    lang: Lang,
    conversation: &Conversation,
    message: &Message,
    customer_name: &str,
    agents: &[Agent],
) -> Markup {
    let direction = message.direction.as_str();
    html! {
        article .msg .(direction) data-message-id=(message.id.0) data-direction=(direction) aria-label=(author(lang, message, customer_name, agents)) {
            header .msg-head {
                strong { (author(lang, message, customer_name, agents)) }
                @if message.direction == Direction::Note {
                    span .badge .note-badge { (lang.t("conv.note")) }
                } @else {
                    span .channel .{"ch-" (conversation.channel.as_str())} { (layout::channel_label(lang, conversation.channel)) }
                }
                (layout::time(message.created_at))
                @if message.direction == Direction::Outbound {
                    span .delivery .{"d-" (message.delivery_status.as_str())} data-delivery-for=(message.id.0)
                        title=[message.delivery_error.as_deref()] {
                        (layout::delivery_label(lang, message.delivery_status))
                    }
                }
            }
            @match crate::api::conversations::quoted_parts(conversation, message) {
                // A customer's e-mail shows what they wrote; the history they quoted is folded
                // away but kept whole. The coach reads `.msg-text`, so it sees only their words.
                Some((written, quoted)) => {
                    div .msg-text { (written) }
                    details .quoted {
                        summary { (lang.t("conv.quoted")) }
                        div .msg-quoted { (quoted) }
                    }
                }
                None => { div .msg-text { (message.text) } }
            }
            @if message.html.is_some() {
                details .formatted {
                    summary { (lang.t("conv.formatted")) }
                    iframe sandbox="" loading="lazy" referrerpolicy="no-referrer" title=(lang.t("conv.formatted_title"))
                        src=(format!("/messages/{}/html", message.id)) {}
                }
            }
            @if !message.attachments.is_empty() {
                ul .attachments aria-label=(lang.t("conv.attachments")) {
                    @for attachment in &message.attachments {
                        li { (attachment.filename) " (" (attachment.content_type) ", " (attachment.size_bytes / 1024) " KB)" }
                    }
                }
            }
        }
    }
}

fn controls(
    ui: &UiAgent,
    conversation: &Conversation,
    agents: &[Agent],
    teams: &[ascolto_core::Team],
) -> Markup {
    let lang = ui.lang;
    html! {
        section .controls aria-labelledby="controls-title" {
            h2 #controls-title { (lang.t("conv.controls")) }
            form method="post" action=(format!("/conversations/{}/update", conversation.id)) {
                input type="hidden" name="csrf" value=(ui.csrf_token);
                label for="c-status" { (lang.t("conv.status")) }
                select #c-status name="status" {
                    @for status in ConversationStatus::ALL {
                        option value=(status.as_str()) selected[*status == conversation.status] { (layout::status_label(lang, *status)) }
                    }
                }
                label for="c-priority" { (lang.t("conv.priority")) }
                select #c-priority name="priority" {
                    @for priority in Priority::ALL {
                        option value=(priority.as_str()) selected[*priority == conversation.priority] { (layout::priority_label(lang, *priority)) }
                    }
                }
                label for="c-assignee" { (lang.t("conv.assignee")) }
                select #c-assignee name="assignee" {
                    option value="" selected[conversation.assignee.is_none()] { (lang.t("nobody")) }
                    @for agent in agents.iter().filter(|a| a.active) {
                        option value=(agent.id.0) selected[conversation.assignee == Some(agent.id)] { (agent.name) }
                    }
                }
                label for="c-team" { (lang.t("conv.team")) }
                select #c-team name="team" {
                    option value="" selected[conversation.team.is_none()] { (lang.t("nobody")) }
                    @for team in teams {
                        option value=(team.id.0) selected[conversation.team == Some(team.id)] { (team.name) }
                    }
                }
                button type="submit" { (lang.t("conv.save")) }
            }
        }
    }
}

fn reply_box(ui: &UiAgent, conversation: &Conversation, macros: &[(String, String)]) -> Markup {
    let lang = ui.lang;
    let strings: serde_json::Map<String, serde_json::Value> =
        SCRIPT_STRINGS.iter().map(|id| ((*id).to_owned(), lang.t(id).into())).collect();
    let macros_json: Vec<serde_json::Value> =
        macros.iter().map(|(name, body)| serde_json::json!({"name": name, "body": body})).collect();
    html! {
        section .reply aria-labelledby="reply-title" #reply
            data-conversation-id=(conversation.id.0)
            data-strings=(serde_json::Value::Object(strings))
            data-macros=(serde_json::Value::Array(macros_json)) {
            h2 #reply-title { (lang.t("reply.title")) }
            form #reply-form method="post" action=(format!("/conversations/{}/reply", conversation.id)) {
                input type="hidden" name="csrf" value=(ui.csrf_token);
                div .reply-tools {
                    fieldset .kind {
                        legend .visually-hidden { (lang.t("reply.title")) }
                        label { input type="radio" name="kind" value="reply" checked; " " (lang.t("reply.kind.reply")) }
                        label { input type="radio" name="kind" value="note"; " " (lang.t("reply.kind.note")) }
                    }
                    @if !macros.is_empty() {
                        div .macro-pick {
                            label for="macro" { (lang.t("reply.macro")) }
                            select #macro {
                                option value="" { (lang.t("reply.macro.none")) }
                                @for (index, (name, _)) in macros.iter().enumerate() {
                                    option value=(index) { (name) }
                                }
                            }
                        }
                    }
                }
                div .reply-grid {
                    div .editor {
                        label for="reply-text" { (lang.t("reply.label")) }
                        div .highlighter {
                            div .backdrop aria-hidden="true" { div #reply-marks {} }
                            textarea #reply-text name="text" rows="7" required
                                aria-describedby="reply-keys coach-findings" spellcheck="true" {}
                        }
                        p #reply-keys .muted { (lang.t("reply.keys")) }
                        div #reply-confirm .confirm hidden role="alertdialog" aria-labelledby="reply-confirm-text" {
                            p #reply-confirm-text {}
                            button type="button" #reply-send-anyway .primary { (lang.t("reply.send_anyway")) }
                            " "
                            button type="button" #reply-keep-editing { (lang.t("reply.keep_editing")) }
                        }
                        div .send-row {
                            button #reply-send .primary type="submit" { (lang.t("reply.send")) }
                            span #reply-status role="status" {}
                        }
                    }
                    aside .coach aria-labelledby="coach-title" {
                        h3 #coach-title { (lang.t("coach.title")) }
                        ul #coach-skills .chips {}
                        div #coach-findings aria-live="polite" {
                            p .muted { (lang.t("coach.idle")) }
                        }
                    }
                }
            }
        }
    }
}

/// The conversation page.
pub async fn page(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
) -> Result<Response, UiError> {
    let lang = ui.lang;
    let conversation = visible(&state, &ui, ConversationId(id)).await?;
    let messages = all_messages(&state, lang, conversation.id).await?;
    let customer = state.desk.store.get_customer(conversation.customer_id).await.ui(lang)?;
    let history = customer_conversations(&state, &ui, customer.id).await?;
    let agents = all_agents(&state, lang).await?;
    let teams = state.desk.store.list_teams(PageRequest::first(200)).await.ui(lang)?.items;
    let jobs = state.desk.store.list_jobs(conversation.id).await.ui(lang)?;
    let zone = timers::desk_zone(&state, lang).await?;
    let macros = state.desk.store.list_macros().await.ui(lang)?;
    let filled: Vec<(String, String)> =
        macros.iter().map(|m| (m.name.clone(), fill(&m.body, &customer, &ui.agent, &conversation))).collect();
    let agent_names: serde_json::Map<String, serde_json::Value> =
        agents.iter().map(|a| (a.id.0.to_string(), a.name.clone().into())).collect();
    let now = state.desk.now();
    let main = html! {
        main #main .conversation data-conversation-id=(conversation.id.0) data-agent-names=(serde_json::Value::Object(agent_names)) {
            div .thread {
                header .conv-head {
                    h1 { (conversation.subject) }
                    p .meta {
                        span .channel .{"ch-" (conversation.channel.as_str())} { (layout::channel_label(lang, conversation.channel)) }
                        " "
                        span .badge .{"p-" (conversation.priority.as_str())} { (layout::priority_label(lang, conversation.priority)) }
                        " "
                        span .status { (layout::status_label(lang, conversation.status)) }
                        @if let (ConversationStatus::Snoozed, Some(until)) = (conversation.status, conversation.snoozed_until) {
                            " " span .snoozed-until { (lang.t("conv.snoozed_until")) " " (layout::time(until)) }
                        }
                    }
                    p #presence .presence aria-live="polite" {}
                    @if conversation.merged_into.is_some() { p .notice { (lang.t("conv.merged")) } }
                }
                section .messages aria-label=(lang.t("conv.messages")) #messages {
                    @for message in &messages { (message_markup(lang, &conversation, message, &customer.name, &agents)) }
                }
                (reply_box(&ui, &conversation, &filled))
            }
            div .side {
                (controls(&ui, &conversation, &agents, &teams))
                (timers::panel(&ui, conversation.id, &jobs, zone, now))
                (customer_panel(&ui, &customer, &history, Some(conversation.id), now))
            }
        }
    };
    let path = format!("/conversations/{id}");
    let page =
        layout::page(&ui, Nav::Inbox, &conversation.subject, &path, main, &["conversation.js", "coach.js"]);
    Ok(Html(page.into_string()).into_response())
}

#[derive(Debug, Deserialize)]
pub struct AfterParam {
    after: Option<i64>,
}

/// The messages after `after`, as HTML, for the live view.
pub async fn messages_after(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Query(query): Query<AfterParam>,
) -> Result<Response, UiError> {
    let lang = ui.lang;
    let conversation = visible(&state, &ui, ConversationId(id)).await?;
    let messages = all_messages(&state, lang, conversation.id).await?;
    let customer = state.desk.store.get_customer(conversation.customer_id).await.ui(lang)?;
    let agents = all_agents(&state, lang).await?;
    let after = query.after.unwrap_or(0);
    let markup = html! {
        @for message in messages.iter().filter(|m| m.id.0 > after) {
            (message_markup(lang, &conversation, message, &customer.name, &agents))
        }
    };
    Ok(Html(markup.into_string()).into_response())
}

/// A message's sanitised HTML, for its sandboxed frame.
pub async fn message_html(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
) -> Result<Response, UiError> {
    let message = state.desk.store.get_message(MessageId(id)).await.ui(ui.lang)?;
    visible(&state, &ui, message.conversation_id).await?;
    let html = message.html.ok_or_else(|| ui.fail(UiErrorKind::NotFound))?;
    let headers = [
        (CONTENT_TYPE, "text/html; charset=utf-8"),
        (CONTENT_SECURITY_POLICY, MESSAGE_HTML_POLICY),
        (X_FRAME_OPTIONS, "SAMEORIGIN"),
    ];
    Ok((headers, html).into_response())
}

#[derive(Debug, Deserialize)]
pub struct UpdateForm {
    csrf: String,
    status: String,
    priority: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    team: String,
}

fn parse_optional_id(raw: &str) -> Result<Option<i64>, String> {
    match raw.trim() {
        "" => Ok(None),
        id => id.parse().map(Some).map_err(|_| format!("{id:?} is not a number")),
    }
}

fn update_patch(form: &UpdateForm) -> Result<ConversationPatch, String> {
    let status: ConversationStatus =
        form.status.parse().map_err(|_| format!("unknown status {:?}", form.status))?;
    let priority: Priority =
        form.priority.parse().map_err(|_| format!("unknown priority {:?}", form.priority))?;
    Ok(ConversationPatch {
        status: Some(status),
        priority: Some(priority),
        assignee: Some(parse_optional_id(&form.assignee)?.map(AgentId)),
        team: Some(parse_optional_id(&form.team)?.map(TeamId)),
        ..Default::default()
    })
}

/// Saves the controls' form.
pub async fn update(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Form(form): Form<UpdateForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    let conversation = visible(&state, &ui, ConversationId(id)).await?;
    let patch = update_patch(&form).map_err(|reason| ui.fail(UiErrorKind::Invalid(reason)))?;
    state.desk.update_conversation(conversation.id, patch).await.ui(ui.lang)?;
    Ok(Redirect::to(&format!("/conversations/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ReplyForm {
    csrf: String,
    text: String,
    #[serde(default)]
    kind: String,
}

/// Sends a reply or leaves a note from the form (the page's script uses the JSON API instead).
pub async fn reply(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    let conversation = visible(&state, &ui, ConversationId(id)).await?;
    let note = form.kind == "note";
    let request = ReplyRequest {
        conversation: conversation.id,
        agent: ui.agent.id,
        text: form.text,
        html: None,
        note,
        template: None,
    };
    state.desk.reply(request).await.ui(ui.lang)?;
    if !note {
        state.outbox_wake.notify_one();
    }
    Ok(Redirect::to(&format!("/conversations/{id}#reply")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_handed_to_the_scripts_exists_in_both_languages() {
        for id in SCRIPT_STRINGS {
            assert!(super::super::i18n::STRINGS.iter().any(|(key, _, _)| key == id), "missing {id}");
        }
    }

    #[test]
    fn the_controls_form_parses_into_a_patch() {
        let form = UpdateForm {
            csrf: String::new(),
            status: "pending".into(),
            priority: "high".into(),
            assignee: "7".into(),
            team: "".into(),
        };
        let patch = update_patch(&form).unwrap();
        assert_eq!(patch.status, Some(ConversationStatus::Pending));
        assert_eq!(patch.assignee, Some(Some(AgentId(7))));
        assert_eq!(patch.team, Some(None));
        let bad = UpdateForm { status: "lost".into(), ..form };
        assert!(update_patch(&bad).is_err());
    }
}
