//! The inbox (the queue, most urgent first, with filters, search and live updates) and the
//! customer page (one person across every channel, with merge).

use std::collections::HashMap;

use ascolto_core::priority::{PriorityReason, ui_lang};
use ascolto_core::search::Query as SearchQuery;
use ascolto_core::sla::SlaMetric;
use ascolto_core::{Agent, AgentId, Channel, Conversation, ConversationStatus, Customer, CustomerId};
use ascolto_service::queue::{QueueView, SlaView};
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

/// One inbox row with the names it shows and its place in the queue.
#[derive(Debug)]
pub struct Row {
    pub conversation: Conversation,
    pub customer_name: String,
    pub assignee_name: Option<String>,
    /// The priority reasons and SLA clocks, explained in the agent's language.
    pub queue: QueueView,
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

/// The inbox's rows with their customers, assignees and queue views, in a fixed number of
/// store reads whatever the number of rows (the inbox must stay fast with a large store).
pub async fn rows(state: &AppState, ui: &UiAgent, params: &InboxParams) -> Result<Vec<Row>, UiError> {
    let conversations = queue(state, ui, params).await?;
    let mut customer_ids: Vec<CustomerId> = conversations.iter().map(|c| c.customer_id).collect();
    customer_ids.sort_unstable();
    customer_ids.dedup();
    let customers = state.desk.store.get_customers(&customer_ids).await.ui(ui.lang)?;
    let views =
        state.desk.queue_views_with(&conversations, &customers, ui_lang(ui.lang.code())).await.ui(ui.lang)?;
    let names: HashMap<CustomerId, String> = customers.into_iter().map(|c| (c.id, c.name)).collect();
    let agents: HashMap<AgentId, String> =
        all_agents(state, ui.lang).await?.into_iter().map(|agent| (agent.id, agent.name)).collect();
    Ok(conversations
        .into_iter()
        .zip(views)
        .map(|(conversation, queue)| Row {
            customer_name: names.get(&conversation.customer_id).cloned().unwrap_or_default(),
            assignee_name: conversation.assignee.and_then(|id| agents.get(&id).cloned()),
            conversation,
            queue,
        })
        .collect())
}

/// Why a row sits where it does: its priority, each reason the queue gives for it (a priority
/// set by hand first), and how long the customer has waited for us.
fn reason(lang: Lang, conversation: &Conversation, queue: &QueueView, now: DateTime<Utc>) -> Markup {
    let core_lang = ui_lang(lang.code());
    let overridden =
        queue.overridden.map(|by_hand| PriorityReason::Overridden { priority: by_hand.priority });
    let reasons: Vec<String> =
        overridden.iter().chain(&queue.reasons).map(|reason| reason.describe(core_lang)).collect();
    html! {
        span .badge .{"p-" (conversation.priority.as_str())} { (layout::priority_label(lang, conversation.priority)) }
        @if conversation.customer_is_waiting() {
            @if let Some(since) = conversation.last_customer_message_at {
                " " span .waiting { (lang.t("inbox.waiting_reply")) " " (layout::elapsed(lang, since, now)) }
            }
        }
        @if !reasons.is_empty() {
            ul .reasons aria-label=(lang.t("inbox.reasons")) {
                @for reason in &reasons { li .why { (reason) } }
            }
        }
    }
}

/// The response clock an agent must beat: the running first- or next-response clock with the
/// nearest deadline (resolution clocks are for leads' reports, not for the next minute).
fn response_clock(queue: &QueueView) -> Option<&SlaView> {
    queue
        .sla
        .iter()
        .filter(|clock| clock.is_running() && clock.metric != SlaMetric::Resolution)
        .min_by_key(|clock| clock.deadline)
}

/// "1 h 05 min", "12 min 30 s", "2 d 3 h": a countdown as `inbox.js` also writes it, so the
/// first paint and the live updates read the same.
pub fn countdown(lang: Lang, seconds: i64) -> String {
    let seconds = seconds.abs();
    let (days, hours, minutes, secs) =
        (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    let (d, h, min, s) = (lang.t("time.d"), lang.t("time.h"), lang.t("time.min"), lang.t("time.s"));
    if days > 0 {
        format!("{days} {d} {hours} {h}")
    } else if hours > 0 {
        format!("{hours} {h} {minutes:02} {min}")
    } else {
        format!("{minutes} {min} {secs:02} {s}")
    }
}

/// The SLA cell: the wall-clock time left to the response deadline (the deadline already
/// counts business hours), red once breached; `inbox.js` keeps it ticking.
fn sla_cell(lang: Lang, queue: &QueueView, now: DateTime<Utc>) -> Markup {
    let Some(clock) = response_clock(queue) else {
        return html! { span .muted { "—" } };
    };
    let metric = match clock.metric {
        SlaMetric::FirstResponse => lang.t("sla.first_response"),
        _ => lang.t("sla.next_response"),
    };
    if clock.paused {
        return html! { span .sla-clock .paused { (metric) ": " (lang.t("sla.paused")) } };
    }
    let left = (clock.deadline - now).num_seconds();
    let breached = left <= 0;
    let text = if breached { lang.t("sla.overdue") } else { lang.t("sla.left") };
    html! {
        span .sla-clock .breached[breached] .warning[clock.warning && !breached]
            data-deadline=(clock.deadline.timestamp_millis()) title=(layout::time_text(clock.deadline)) {
            span .sla-metric { (metric) } " "
            span .sla-left { (text.replace("{t}", &countdown(lang, left))) }
        }
    }
}

pub fn rows_markup(lang: Lang, rows: &[Row], now: DateTime<Utc>) -> Markup {
    html! {
        @for (index, row) in rows.iter().enumerate() {
            @let c = &row.conversation;
            tr .row data-href=(format!("/conversations/{}", c.id)) data-conversation-id=(c.id.0) aria-selected=[(index == 0).then_some("true")] {
                td .reason { (reason(lang, c, &row.queue, now)) }
                td .sla { (sla_cell(lang, &row.queue, now)) }
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
            tr { td colspan="7" .empty { (lang.t("inbox.empty")) } }
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
            table .queue #queue data-rows-url=(format!("/inbox/rows?{raw}")) data-now=(now.timestamp_millis())
                data-sla-left=(lang.t("sla.left")) data-sla-overdue=(lang.t("sla.overdue"))
                data-units=(format!("{}|{}|{}|{}", lang.t("time.d"), lang.t("time.h"), lang.t("time.min"), lang.t("time.s"))) {
                caption .visually-hidden { (lang.t("inbox.order")) }
                thead { tr {
                    th scope="col" { (lang.t("inbox.col.priority")) }
                    th scope="col" { (lang.t("inbox.col.sla")) }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns_read_compactly_in_both_languages() {
        assert_eq!(countdown(Lang::En, 75), "1 min 15 s");
        assert_eq!(countdown(Lang::En, -3_900), "1 h 05 min", "the sign is the template's job");
        assert_eq!(countdown(Lang::It, 2 * 86_400 + 3 * 3600 + 59), "2 g 3 h");
        assert_eq!(countdown(Lang::En, 0), "0 min 00 s");
    }
}
