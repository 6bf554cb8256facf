//! The inbox (the queue, most urgent first, with filters, search and live updates) and the
//! customer page (one person across every channel, with merge).

use std::collections::HashMap;

use ascolto_core::search::Query as SearchQuery;
use ascolto_core::{Agent, AgentId, Channel, Conversation, ConversationStatus, Customer, CustomerId};
use ascolto_store::{AssigneeFilter, ConversationFilter, ConversationSort, MessageHit, PageRequest};
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::{InLang, UiError, UiErrorKind};
use super::i18n::Lang;
use super::layout::{self, Nav};
use super::session::UiAgent;
use crate::AppState;

/// Rows the inbox shows.
pub const INBOX_ROWS: u32 = 50;

pub async fn home() -> Redirect {
    Redirect::to("/inbox")
}

/// Which conversations the inbox lists.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InboxParams {
    /// `all`, `mine`, `teams` or `unassigned`.
    #[serde(default)]
    pub view: String,
    /// A status word, `any`, or empty for open.
    #[serde(default)]
    pub status: String,
    /// A channel word or empty for any.
    #[serde(default)]
    pub channel: String,
    /// Words to search messages for.
    #[serde(default)]
    pub q: String,
}

impl InboxParams {
    fn status(&self) -> Option<ConversationStatus> {
        match self.status.as_str() {
            "" => Some(ConversationStatus::Open),
            "any" => None,
            word => word.parse().ok(),
        }
    }

    fn channel(&self) -> Option<Channel> {
        self.channel.parse().ok()
    }
}

/// One inbox row with the names it shows.
#[derive(Debug)]
pub struct Row {
    pub conversation: Conversation,
    pub customer_name: String,
    pub assignee_name: Option<String>,
}

/// The queue: the caller's view, most urgent first, then longest waiting.
pub async fn queue(
    state: &AppState,
    ui: &UiAgent,
    params: &InboxParams,
) -> Result<Vec<Conversation>, UiError> {
    let base = ConversationFilter {
        status: params.status(),
        channel: params.channel(),
        sort: ConversationSort::Priority,
        ..Default::default()
    };
    let filters: Vec<ConversationFilter> = match params.view.as_str() {
        "mine" => vec![ConversationFilter { assignee: Some(AssigneeFilter::Agent(ui.agent.id)), ..base }],
        "unassigned" => vec![ConversationFilter { assignee: Some(AssigneeFilter::Unassigned), ..base }],
        "teams" => ui
            .agent
            .teams
            .iter()
            .map(|team| ConversationFilter { team: Some(*team), ..base.clone() })
            .collect(),
        _ => vec![base],
    };
    let mut conversations = Vec::new();
    for filter in &filters {
        let page = state
            .desk
            .store
            .list_conversations(filter, &ui.visibility, PageRequest::first(INBOX_ROWS))
            .await
            .ui(ui.lang)?;
        conversations.extend(page.items);
    }
    // Several teams' queues are merged in the same order the store sorts one queue in.
    if filters.len() > 1 {
        conversations.sort_by_key(|c| (c.priority.rank(), c.last_message_at));
        conversations.truncate(INBOX_ROWS as usize);
    }
    Ok(conversations)
}

/// The names of the customers of `conversations`, one read per customer.
pub async fn customer_names(
    state: &AppState,
    lang: Lang,
    ids: impl Iterator<Item = CustomerId>,
) -> Result<HashMap<CustomerId, String>, UiError> {
    let mut names = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
            slot.insert(state.desk.store.get_customer(id).await.ui(lang)?.name);
        }
    }
    Ok(names)
}

/// Every agent, by id, for assignee names and pickers.
pub async fn all_agents(state: &AppState, lang: Lang) -> Result<Vec<Agent>, UiError> {
    let mut agents = Vec::new();
    let mut page = PageRequest::first(200);
    loop {
        let batch = state.desk.store.list_agents(page).await.ui(lang)?;
        agents.extend(batch.items);
        match batch.next {
            Some(cursor) => page = PageRequest::after(cursor, 200),
            None => return Ok(agents),
        }
    }
}

pub async fn rows(state: &AppState, ui: &UiAgent, params: &InboxParams) -> Result<Vec<Row>, UiError> {
    let conversations = queue(state, ui, params).await?;
    let customers = customer_names(state, ui.lang, conversations.iter().map(|c| c.customer_id)).await?;
    let agents: HashMap<AgentId, String> =
        all_agents(state, ui.lang).await?.into_iter().map(|agent| (agent.id, agent.name)).collect();
    Ok(conversations
        .into_iter()
        .map(|conversation| Row {
            customer_name: customers.get(&conversation.customer_id).cloned().unwrap_or_default(),
            assignee_name: conversation.assignee.and_then(|id| agents.get(&id).cloned()),
            conversation,
        })
        .collect())
}

/// Why a row sits where it does, from what the queue knows today: its priority and how long
/// the customer has waited for us.
fn reason(lang: Lang, conversation: &Conversation, now: DateTime<Utc>) -> Markup {
    html! {
        span .badge .{"p-" (conversation.priority.as_str())} { (layout::priority_label(lang, conversation.priority)) }
        @if conversation.customer_is_waiting() {
            @if let Some(since) = conversation.last_customer_message_at {
                " " span .waiting { (lang.t("inbox.waiting_reply")) " " (layout::elapsed(lang, since, now)) }
            }
        }
    }
}

pub fn rows_markup(lang: Lang, rows: &[Row], now: DateTime<Utc>) -> Markup {
    html! {
        @for (index, row) in rows.iter().enumerate() {
            @let c = &row.conversation;
            tr .row data-href=(format!("/conversations/{}", c.id)) data-conversation-id=(c.id.0) aria-selected=[(index == 0).then_some("true")] {
                td .reason { (reason(lang, c, now)) }
                td {
                    span .customer { (row.customer_name) }
                    br;
                    span .channel .{"ch-" (c.channel.as_str())} { (layout::channel_label(lang, c.channel)) }
                }
                td .subject { a href=(format!("/conversations/{}", c.id)) { (c.subject) } }
                td { (layout::status_label(lang, c.status)) }
                td { (row.assignee_name.as_deref().unwrap_or(lang.t("nobody"))) }
                td .when { (layout::elapsed(lang, c.last_message_at, now)) }
            }
        }
        @if rows.is_empty() {
            tr { td colspan="6" .empty { (lang.t("inbox.empty")) } }
        }
    }
}

fn select_option(value: &str, label: &str, current: &str) -> Markup {
    html! { option value=(value) selected[value == current] { (label) } }
}

fn filters(ui: &UiAgent, params: &InboxParams) -> Markup {
    let lang = ui.lang;
    html! {
        form .filters method="get" action="/inbox" role="search" aria-label=(lang.t("inbox.filters")) {
            div .field {
                label for="f-view" { (lang.t("inbox.view")) }
                select #f-view name="view" data-autosubmit {
                    (select_option("all", lang.t("inbox.view.all"), &params.view))
                    (select_option("mine", lang.t("inbox.view.mine"), &params.view))
                    (select_option("teams", lang.t("inbox.view.teams"), &params.view))
                    (select_option("unassigned", lang.t("inbox.view.unassigned"), &params.view))
                }
            }
            div .field {
                label for="f-status" { (lang.t("inbox.status")) }
                select #f-status name="status" data-autosubmit {
                    @for status in ConversationStatus::ALL {
                        (select_option(status.as_str(), layout::status_label(lang, *status), if params.status.is_empty() { "open" } else { &params.status }))
                    }
                    (select_option("any", lang.t("inbox.any"), &params.status))
                }
            }
            div .field {
                label for="f-channel" { (lang.t("inbox.channel")) }
                select #f-channel name="channel" data-autosubmit {
                    (select_option("", lang.t("inbox.any"), &params.channel))
                    @for channel in Channel::ALL {
                        (select_option(channel.as_str(), layout::channel_label(lang, *channel), &params.channel))
                    }
                }
            }
            div .field .grow {
                label for="f-q" { (lang.t("inbox.search")) }
                input #f-q type="search" name="q" value=(params.q);
            }
            button type="submit" { (lang.t("inbox.apply")) }
        }
    }
}

fn search_results(lang: Lang, hits: &[MessageHit]) -> Markup {
    html! {
        section aria-labelledby="results-title" {
            h2 #results-title { (lang.t("inbox.results")) }
            @if hits.is_empty() { p .empty { (lang.t("inbox.no_results")) } }
            ol .results {
                @for hit in hits {
                    li {
                        a href=(format!("/conversations/{}", hit.message.conversation_id)) { (hit.conversation_subject) }
                        p .snippet { (hit.message.text.chars().take(200).collect::<String>()) }
                    }
                }
            }
        }
    }
}

/// The inbox page.
pub async fn inbox(
    State(state): State<AppState>,
    ui: UiAgent,
    Query(params): Query<InboxParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, UiError> {
    let lang = ui.lang;
    let now = state.desk.now();
    let query = SearchQuery::parse(&params.q);
    let hits = if query.is_empty() {
        None
    } else {
        Some(
            state
                .desk
                .store
                .search_messages(&query, &ui.visibility, PageRequest::first(INBOX_ROWS))
                .await
                .ui(lang)?
                .items,
        )
    };
    let rows = rows(&state, &ui, &params).await?;
    let raw = raw.unwrap_or_default();
    let main = html! {
        main #main .inbox {
            div .page-head {
                h1 { (lang.t("inbox.title")) }
                p .muted { (lang.t("inbox.order")) " " (lang.t("inbox.keys")) " "
                    span .live-dot #live-state aria-live="polite" { (lang.t("inbox.live")) } }
            }
            (filters(&ui, &params))
            @if let Some(hits) = &hits { (search_results(lang, hits)) }
            table .queue #queue data-rows-url=(format!("/inbox/rows?{raw}")) {
                caption .visually-hidden { (lang.t("inbox.order")) }
                thead { tr {
                    th scope="col" { (lang.t("inbox.col.priority")) }
                    th scope="col" { (lang.t("inbox.col.customer")) }
                    th scope="col" { (lang.t("inbox.col.subject")) }
                    th scope="col" { (lang.t("inbox.status")) }
                    th scope="col" { (lang.t("inbox.col.assignee")) }
                    th scope="col" { (lang.t("inbox.col.waiting")) }
                } }
                tbody #queue-rows { (rows_markup(lang, &rows, now)) }
            }
        }
    };
    let path = format!("/inbox?{raw}");
    Ok(Html(layout::page(&ui, Nav::Inbox, lang.t("inbox.title"), &path, main, &["inbox.js"]).into_string())
        .into_response())
}

/// The inbox's rows alone, for the live refresh.
pub async fn inbox_rows(
    State(state): State<AppState>,
    ui: UiAgent,
    Query(params): Query<InboxParams>,
) -> Result<Response, UiError> {
    let rows = rows(&state, &ui, &params).await?;
    Ok(Html(rows_markup(ui.lang, &rows, state.desk.now()).into_string()).into_response())
}

/// The customer's conversations on every channel that the agent may see, latest first.
pub async fn customer_conversations(
    state: &AppState,
    ui: &UiAgent,
    id: CustomerId,
) -> Result<Vec<Conversation>, UiError> {
    let filter = ConversationFilter { customer: Some(id), ..Default::default() };
    Ok(state
        .desk
        .store
        .list_conversations(&filter, &ui.visibility, PageRequest::first(100))
        .await
        .ui(ui.lang)?
        .items)
}

/// The customer panel: who they are, how they reach us, their journey, and merge.
pub fn customer_panel(
    ui: &UiAgent,
    customer: &Customer,
    history: &[Conversation],
    current: Option<ascolto_core::ConversationId>,
    now: DateTime<Utc>,
) -> Markup {
    let lang = ui.lang;
    html! {
        section .customer-panel aria-labelledby="customer-name" {
            h2 #customer-name { (customer.name) " " span .muted { "#" (customer.id) } }
            @if let Some(survivor) = customer.merged_into {
                p .notice { (lang.t("customer.merged_into")) " " a href=(format!("/customers/{survivor}")) { "#" (survivor) } }
            }
            h3 { (lang.t("customer.identities")) }
            ul .identities {
                @for identity in &customer.identities {
                    li { span .kind { (identity.kind.as_str()) } " " (identity.value) }
                }
            }
            h3 { (lang.t("customer.tags")) }
            @if customer.tags.is_empty() { p .muted { (lang.t("customer.none")) } }
            ul .tags { @for tag in &customer.tags { li .tag { (tag) } } }
            p .muted { (lang.t("customer.since")) " " (layout::time(customer.created_at)) }
            h3 { (lang.t("customer.history")) }
            ol .history {
                @for conversation in history {
                    li aria-current=[(Some(conversation.id) == current).then_some("true")] {
                        span .channel .{"ch-" (conversation.channel.as_str())} { (layout::channel_label(lang, conversation.channel)) }
                        " "
                        a href=(format!("/conversations/{}", conversation.id)) { (conversation.subject) }
                        br;
                        span .muted { (layout::status_label(lang, conversation.status)) " · " (layout::elapsed(lang, conversation.last_message_at, now)) }
                    }
                }
            }
            @if current.is_some() {
                p { a href=(format!("/customers/{}", customer.id)) { (lang.t("customer.open_page")) } }
            }
            @if ui.is_lead_or_admin() && customer.merged_into.is_none() {
                details .merge {
                    summary { (lang.t("customer.merge")) }
                    form method="post" action=(format!("/customers/{}/merge", customer.id)) {
                        input type="hidden" name="csrf" value=(ui.csrf_token);
                        label for="merge-other" { (lang.t("customer.merge_id")) }
                        input #merge-other type="number" name="other_id" min="1" required;
                        button type="submit" { (lang.t("customer.merge_submit")) }
                    }
                }
            }
        }
    }
}

/// The customer page.
pub async fn customer(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
) -> Result<Response, UiError> {
    let id = CustomerId(id);
    let customer = state.desk.store.get_customer(id).await.ui(ui.lang)?;
    let history = customer_conversations(&state, &ui, id).await?;
    let main = html! {
        main #main .customer-page {
            (customer_panel(&ui, &customer, &history, None, state.desk.now()))
        }
    };
    let path = format!("/customers/{id}");
    Ok(Html(layout::page(&ui, Nav::Inbox, &customer.name, &path, main, &[]).into_string()).into_response())
}

#[derive(Debug, Deserialize)]
pub struct MergeForm {
    csrf: String,
    other_id: i64,
}

/// Folds a duplicate customer into this one (leads and admins).
pub async fn merge_customer(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Form(form): Form<MergeForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    if !ui.is_lead_or_admin() {
        return Err(ui.fail(UiErrorKind::Forbidden));
    }
    state
        .desk
        .store
        .merge_customers(CustomerId(id), CustomerId(form.other_id), state.desk.now())
        .await
        .ui(ui.lang)?;
    Ok(Redirect::to(&format!("/customers/{id}")).into_response())
}
