//! `/conversations`: the queue, one conversation, its messages, replies, notes and merges.

use ascolto_core::text::parse_tags;
use ascolto_core::{
    AgentId, Channel, Conversation, ConversationId, ConversationStatus, CustomerId, Direction, Message,
    Priority, TeamId, TemplateMessage,
};
use ascolto_service::ReplyRequest;
use ascolto_store::{AssigneeFilter, CheckedReply, ConversationFilter, ConversationPatch, ConversationSort};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::queue::{WithQueue, with_queue, with_queues};
use super::{ListResponse, PageParams, double_option};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_conversations))
        .routes(routes!(get_conversation, update_conversation))
        .routes(routes!(merge_conversation))
        .routes(routes!(list_messages, create_message))
}

/// Reads a conversation the caller may see; one they may not see is "not found".
pub async fn visible_conversation(
    state: &AppState,
    caller: &Caller,
    id: ConversationId,
) -> ApiResult<Conversation> {
    let conversation = state.desk.store.get_conversation(id).await?;
    if caller.visibility.can_see(&conversation) {
        Ok(conversation)
    } else {
        Err(ApiError::NotFound(format!("conversation {id} does not exist")))
    }
}

/// Filters for the conversation list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    status: Option<ConversationStatus>,
    /// `me`, `none` (unassigned) or an agent id.
    assignee: Option<String>,
    team: Option<TeamId>,
    channel: Option<Channel>,
    priority: Option<Priority>,
    customer: Option<CustomerId>,
    /// `recent` (default), `oldest` or `priority`.
    sort: Option<ConversationSort>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    limit: Option<u32>,
}

fn assignee_filter(raw: Option<&str>, caller: &Caller) -> ApiResult<Option<AssigneeFilter>> {
    Ok(match raw {
        None => None,
        Some("me") => Some(AssigneeFilter::Agent(caller.agent.id)),
        Some("none") => Some(AssigneeFilter::Unassigned),
        Some(id) => Some(AssigneeFilter::Agent(AgentId(id.parse().map_err(|_| {
            ApiError::BadRequest(format!("assignee must be `me`, `none` or an agent id, not {id:?}"))
        })?))),
    })
}

/// List the conversations the caller may see.
#[utoipa::path(get, path = "/conversations", tag = "conversations", params(ListParams),
    responses((status = 200, body = ListResponse<WithQueue>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_conversations(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<ListParams>,
) -> ApiResult<Json<ListResponse<WithQueue>>> {
    let filter = ConversationFilter {
        status: params.status,
        assignee: assignee_filter(params.assignee.as_deref(), &caller)?,
        team: params.team,
        channel: params.channel,
        priority: params.priority,
        customer: params.customer,
        include_merged: false,
        sort: params.sort.unwrap_or_default(),
    };
    let page = PageParams { cursor: params.cursor.clone(), limit: params.limit }.to_request()?;
    let conversations = state.desk.store.list_conversations(&filter, &caller.visibility, page).await?;
    let next_cursor = conversations.next.map(|cursor| cursor.encode());
    let data = with_queues(&state, &caller, conversations.items).await?;
    Ok(Json(ListResponse { data, next_cursor }))
}

/// Read one conversation.
#[utoipa::path(get, path = "/conversations/{id}", tag = "conversations",
    responses((status = 200, body = WithQueue), (status = 404, body = crate::error::ErrorBody)))]
async fn get_conversation(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ConversationId>,
) -> ApiResult<Json<WithQueue>> {
    let conversation = visible_conversation(&state, &caller, id).await?;
    Ok(Json(with_queue(&state, &caller, conversation).await?))
}

/// Changes to a conversation. Absent fields stay as they are; `null` clears.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ConversationUpdate {
    status: Option<ConversationStatus>,
    priority: Option<Priority>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    assignee_id: Option<Option<AgentId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    team_id: Option<Option<TeamId>>,
    tags: Option<Vec<String>>,
    subject: Option<String>,
    /// Required with `status: snoozed`.
    snoozed_until: Option<DateTime<Utc>>,
}

/// Update status, priority, assignee, team, tags or subject. A `priority` is recorded as an
/// override by the caller (who and when are shown in `queue.override`).
#[utoipa::path(patch, path = "/conversations/{id}", tag = "conversations", request_body = ConversationUpdate,
    responses((status = 200, body = WithQueue), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn update_conversation(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(update): ApiJson<ConversationUpdate>,
) -> ApiResult<Json<WithQueue>> {
    visible_conversation(&state, &caller, id).await?;
    let subject =
        update.subject.map(|s| ascolto_core::text::required_text("subject", &s, 200)).transpose()?;
    if let Some(priority) = update.priority {
        state.desk.override_priority(id, Some(priority), caller.agent.id).await?;
    }
    let patch = ConversationPatch {
        status: update.status,
        priority: None,
        assignee: update.assignee_id,
        team: update.team_id,
        tags: update.tags.as_deref().map(parse_tags).transpose()?,
        subject,
        snoozed_until: update.snoozed_until,
    };
    let conversation = state.desk.update_conversation(id, patch).await?;
    Ok(Json(with_queue(&state, &caller, conversation).await?))
}

/// Which conversation to fold into this one.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct MergeRequest {
    /// The conversation whose messages move here; it ends resolved, pointing at this one.
    #[schema(value_type = i64)]
    other_id: ConversationId,
}

/// Merge another conversation of the same customer into this one.
#[utoipa::path(post, path = "/conversations/{id}/merge", tag = "conversations", request_body = MergeRequest,
    responses((status = 200, body = Conversation), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn merge_conversation(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<MergeRequest>,
) -> ApiResult<Json<Conversation>> {
    visible_conversation(&state, &caller, id).await?;
    visible_conversation(&state, &caller, request.other_id).await?;
    Ok(Json(state.desk.merge_conversations(id, request.other_id).await?))
}

/// A message as the API shows it: the stored message, plus what a client needs to show a
/// customer's e-mail trimmed of the quoted history of earlier mails.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    #[serde(flatten)]
    pub message: Message,
    /// E-mail from the customer only, and only when `text` quotes earlier mail: the part the
    /// customer wrote, to show first (the quoted rest can be folded away). `text` still holds
    /// everything, quotes included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_trimmed: Option<String>,
}

impl MessageView {
    pub fn new(conversation: &Conversation, message: Message) -> Self {
        let text_trimmed = quoted_parts(conversation, &message).map(|(written, _)| written.to_owned());
        Self { message, text_trimmed }
    }
}

/// A customer's e-mail split into what they wrote and the history they quoted, when it quotes
/// one. Other channels and our own messages are never split.
pub fn quoted_parts<'a>(conversation: &Conversation, message: &'a Message) -> Option<(&'a str, &'a str)> {
    let customer_email = conversation.channel == Channel::Email && message.direction == Direction::Inbound;
    if customer_email { ascolto_channels::email::split_quoted(&message.text) } else { None }
}

/// Read a conversation's messages, oldest first. A customer's e-mail that quotes earlier mail
/// also carries `text_trimmed`.
#[utoipa::path(get, path = "/conversations/{id}/messages", tag = "conversations", params(PageParams),
    responses((status = 200, body = ListResponse<MessageView>), (status = 404, body = crate::error::ErrorBody)))]
async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> ApiResult<Json<ListResponse<MessageView>>> {
    let conversation = visible_conversation(&state, &caller, id).await?;
    let messages = state.desk.store.list_messages(id, page.to_request()?).await?;
    Ok(Json(ListResponse {
        data: messages.items.into_iter().map(|message| MessageView::new(&conversation, message)).collect(),
        next_cursor: messages.next.map(|cursor| cursor.encode()),
    }))
}

/// An agent's reply to the customer, or an internal note.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewMessage {
    /// The reply or note; leave out (or empty) when sending a `template`.
    #[serde(default)]
    text: String,
    /// Optional HTML; it is sanitised before it is stored.
    html: Option<String>,
    /// `reply` (default) is sent to the customer; `note` stays inside the team.
    #[serde(default)]
    kind: MessageKind,
    /// When the sender began this reply: if another reply went out since, nothing is sent
    /// and the answer is 409 with that reply as `message`.
    draft_started_at: Option<DateTime<Utc>>,
    /// WhatsApp: an approved template (see `GET /channels/{id}/templates`) to send instead of
    /// free text, which is the only kind of message WhatsApp accepts once the customer has not
    /// written for 24 hours.
    template: Option<TemplateMessage>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum MessageKind {
    #[default]
    Reply,
    Note,
}

/// Reply to the customer (queued for delivery) or leave an internal note.
#[utoipa::path(post, path = "/conversations/{id}/messages", tag = "conversations", request_body = NewMessage,
    responses((status = 201, body = Message), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::CollisionBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_message(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(new): ApiJson<NewMessage>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    visible_conversation(&state, &caller, id).await?;
    let note = new.kind == MessageKind::Note;
    if new.template.is_some() && (!new.text.trim().is_empty() || new.html.is_some()) {
        return Err(ApiError::Unprocessable(
            "send either `text` or a `template`: a template's text is its approved body".to_owned(),
        ));
    }
    let request = ReplyRequest {
        conversation: id,
        agent: caller.agent.id,
        text: new.text,
        html: new.html,
        note,
        template: new.template,
    };
    let message = match state.desk.reply_checked(request, new.draft_started_at).await? {
        CheckedReply::Stored(message) => message,
        CheckedReply::Conflict(other) => return Err(ApiError::ReplyCollision(Box::new(other))),
    };
    if !note {
        state.outbox_wake.notify_one();
    }
    Ok((StatusCode::CREATED, Json(message)))
}
