//! The queue's routes: conversations with their place in the queue, priority overrides,
//! "my next conversation", the SLA policy, agents' capacity, and timers (snooze, follow-ups,
//! scheduled replies).

use ascolto_core::assignment::KindCounts;
use ascolto_core::followup::{FollowUpAction, FollowUpRule, ScheduledAction};
use ascolto_core::priority::ui_lang;
use ascolto_core::sla::SlaPolicy;
use ascolto_core::{AgentId, Conversation, ConversationId, ConversationStatus, Presence, Role, TeamId};
use ascolto_service::assignment::AutoAssignment;
use ascolto_service::queue::QueueView;
use ascolto_store::{AgentPresence, ConversationPatch, Job, PresenceOf};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conversations::visible_conversation;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(remove_override))
        .routes(routes!(next_conversation))
        .routes(routes!(get_sla_policy, put_sla_policy))
        .routes(routes!(get_capacity, put_capacity))
        .routes(routes!(snooze))
        .routes(routes!(create_follow_up))
        .routes(routes!(create_scheduled_reply))
        .routes(routes!(list_jobs))
        .routes(routes!(cancel_job))
        .routes(routes!(get_my_presence, put_my_presence))
        .routes(routes!(team_presence))
        .routes(routes!(get_auto_assignment, put_auto_assignment))
}

/// A conversation with its place in the queue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WithQueue {
    #[serde(flatten)]
    pub conversation: Conversation,
    pub queue: QueueView,
}

/// Each conversation with its queue view, explained in the caller's interface language.
pub async fn with_queues(
    state: &AppState,
    caller: &Caller,
    conversations: Vec<Conversation>,
) -> ApiResult<Vec<WithQueue>> {
    let views = state.desk.queue_views(&conversations, ui_lang(&caller.agent.ui_language)).await?;
    Ok(conversations
        .into_iter()
        .zip(views)
        .map(|(conversation, queue)| WithQueue { conversation, queue })
        .collect())
}

pub async fn with_queue(
    state: &AppState,
    caller: &Caller,
    conversation: Conversation,
) -> ApiResult<WithQueue> {
    let mut one = with_queues(state, caller, vec![conversation]).await?;
    one.pop().ok_or_else(|| ApiError::Internal("a queue view went missing".into()))
}

/// Remove a priority set by hand: the computed priority applies again.
#[utoipa::path(delete, path = "/conversations/{id}/priority-override", tag = "queue",
    responses((status = 200, body = WithQueue), (status = 404, body = crate::error::ErrorBody)))]
async fn remove_override(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ConversationId>,
) -> ApiResult<Json<WithQueue>> {
    visible_conversation(&state, &caller, id).await?;
    let conversation = state.desk.override_priority(id, None, caller.agent.id).await?;
    Ok(Json(with_queue(&state, &caller, conversation).await?))
}

/// My next conversation: assigns the caller the most pressing unassigned conversation that
/// fits their languages, teams and free capacity; 204 when nothing fits.
#[utoipa::path(post, path = "/queue/next", tag = "queue",
    responses((status = 200, body = WithQueue), (status = 204, description = "nothing fits now")))]
async fn next_conversation(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    match state.desk.next_conversation(&caller.agent).await? {
        Some(conversation) => Ok(Json(with_queue(&state, &caller, conversation).await?).into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

/// The SLA policy (admins).
#[utoipa::path(get, path = "/sla-policy", tag = "queue",
    responses((status = 200, body = SlaPolicy), (status = 403, body = crate::error::ErrorBody)))]
async fn get_sla_policy(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<SlaPolicy>> {
    caller.require_admin()?;
    Ok(Json(state.desk.sla_policy().await?))
}

/// Replace the SLA policy (admins). Checked: sane targets and a calendar that opens.
#[utoipa::path(put, path = "/sla-policy", tag = "queue", request_body = SlaPolicy,
    responses((status = 200, body = SlaPolicy), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn put_sla_policy(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(policy): ApiJson<SlaPolicy>,
) -> ApiResult<Json<SlaPolicy>> {
    caller.require_admin()?;
    Ok(Json(state.desk.set_sla_policy(policy).await?))
}

/// How many conversations of each kind an agent holds at most (admins, leads, or the agent).
#[utoipa::path(get, path = "/agents/{id}/capacity", tag = "queue",
    responses((status = 200, body = KindCounts), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
async fn get_capacity(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<AgentId>,
) -> ApiResult<Json<KindCounts>> {
    if id != caller.agent.id {
        caller.require(&[Role::Admin, Role::Lead])?;
    }
    state.desk.store.get_agent(id).await?;
    Ok(Json(state.desk.store.agent_capacity(id).await?))
}

/// Set an agent's capacity (admins), e.g. `{"live": 3, "email": 15}`.
#[utoipa::path(put, path = "/agents/{id}/capacity", tag = "queue", request_body = KindCounts,
    responses((status = 200, body = KindCounts), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
async fn put_capacity(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<AgentId>,
    ApiJson(capacity): ApiJson<KindCounts>,
) -> ApiResult<Json<KindCounts>> {
    caller.require_admin()?;
    state.desk.store.set_agent_capacity(id, capacity).await?;
    Ok(Json(capacity))
}

/// How long to put a conversation aside.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SnoozeRequest {
    /// Snooze until this time; the customer writing brings it back earlier.
    until: Option<DateTime<Utc>>,
    /// Put it aside until the customer writes (status `pending`, SLA clocks paused).
    #[serde(default)]
    until_customer_replies: bool,
}

/// Snooze until a time or until the customer replies.
#[utoipa::path(post, path = "/conversations/{id}/snooze", tag = "queue", request_body = SnoozeRequest,
    responses((status = 200, body = WithQueue), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn snooze(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<SnoozeRequest>,
) -> ApiResult<Json<WithQueue>> {
    visible_conversation(&state, &caller, id).await?;
    let conversation =
        snooze_conversation(&state, id, request.until, request.until_customer_replies, caller.agent.id)
            .await?;
    Ok(Json(with_queue(&state, &caller, conversation).await?))
}

/// Snoozes until `until` (an end-of-snooze timer brings it back; the customer writing brings
/// it back sooner) or, with `until_customer_replies`, sets it pending. The caller has checked
/// that `by` may see the conversation. Shared by the API and the conversation page.
pub(crate) async fn snooze_conversation(
    state: &AppState,
    id: ConversationId,
    until: Option<DateTime<Utc>>,
    until_customer_replies: bool,
    by: AgentId,
) -> ApiResult<Conversation> {
    let now = state.desk.now();
    let patch = match (until, until_customer_replies) {
        (Some(until), false) if until > now => {
            state.desk.schedule(id, ScheduledAction::snooze(until, now), Some(by)).await?;
            ConversationPatch {
                status: Some(ConversationStatus::Snoozed),
                snoozed_until: Some(until),
                ..Default::default()
            }
        }
        (None, true) => ConversationPatch { status: Some(ConversationStatus::Pending), ..Default::default() },
        _ => {
            return Err(ApiError::Unprocessable(
                "give either a future `until` or `until_customer_replies: true`".into(),
            ));
        }
    };
    Ok(state.desk.update_conversation(id, patch).await?)
}

/// A follow-up on a conversation waiting on the customer.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct FollowUpRequest {
    /// Business hours (on the SLA policy's calendar) without a customer reply, 1 to 720.
    after_business_hours: u32,
    action: FollowUpAction,
}

/// Nudge the customer (from a template) or remind the agent after N business hours without
/// a customer reply; cancelled at once when the customer writes.
#[utoipa::path(post, path = "/conversations/{id}/follow-ups", tag = "queue", request_body = FollowUpRequest,
    responses((status = 201, body = Job), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn create_follow_up(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<FollowUpRequest>,
) -> ApiResult<(StatusCode, Json<Job>)> {
    visible_conversation(&state, &caller, id).await?;
    let job =
        schedule_follow_up(&state, id, request.after_business_hours, request.action, caller.agent.id).await?;
    Ok((StatusCode::CREATED, Json(job)))
}

/// Schedules a follow-up after `after_business_hours` (1 to 720) on the SLA calendar,
/// cancelled by a customer message. The caller has checked that `by` may see the conversation.
pub(crate) async fn schedule_follow_up(
    state: &AppState,
    id: ConversationId,
    after_business_hours: u32,
    action: FollowUpAction,
    by: AgentId,
) -> ApiResult<Job> {
    if !(1..=720).contains(&after_business_hours) {
        return Err(ApiError::Unprocessable("after_business_hours must be between 1 and 720".into()));
    }
    if let FollowUpAction::Nudge { template } = &action {
        ascolto_core::text::required_text("template", template, 10_000)?;
    }
    let rule = FollowUpRule { after_business_hours, action };
    let calendar = state.desk.sla_policy().await?.calendar;
    let action = rule
        .schedule(&calendar, state.desk.now())
        .map_err(|_| ApiError::Unprocessable("the SLA calendar never opens: no time to follow up".into()))?;
    Ok(state.desk.schedule(id, action, Some(by)).await?)
}

/// Schedules `text` to be sent at `send_at`. The caller has checked that `by` may see the
/// conversation.
pub(crate) async fn schedule_reply(
    state: &AppState,
    id: ConversationId,
    text: &str,
    send_at: DateTime<Utc>,
    cancel_on_customer_reply: bool,
    by: AgentId,
) -> ApiResult<Job> {
    let text = ascolto_core::text::required_text("text", text, ascolto_service::ingest::MAX_TEXT_CHARS)?;
    let action = ScheduledAction::reply(text, send_at, state.desk.now(), cancel_on_customer_reply);
    Ok(state.desk.schedule(id, action, Some(by)).await?)
}

/// Cancels timer `job_id` of conversation `id`; a timer of another conversation is not found.
pub(crate) async fn cancel_conversation_job(
    state: &AppState,
    id: ConversationId,
    job_id: i64,
) -> ApiResult<Job> {
    let job = state.desk.store.get_job(job_id).await?;
    if job.conversation_id != id {
        return Err(ApiError::NotFound(format!("job {job_id} does not exist")));
    }
    Ok(state.desk.store.cancel_job(job_id, state.desk.now()).await?)
}

/// A reply to send later.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ScheduledReplyRequest {
    text: String,
    send_at: DateTime<Utc>,
    /// Whether the customer writing first cancels it (default true).
    #[serde(default = "yes")]
    cancel_on_customer_reply: bool,
}

fn yes() -> bool {
    true
}

/// Schedule a reply for later.
#[utoipa::path(post, path = "/conversations/{id}/scheduled-replies", tag = "queue",
    request_body = ScheduledReplyRequest,
    responses((status = 201, body = Job), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn create_scheduled_reply(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<ScheduledReplyRequest>,
) -> ApiResult<(StatusCode, Json<Job>)> {
    visible_conversation(&state, &caller, id).await?;
    let job = schedule_reply(
        &state,
        id,
        &request.text,
        request.send_at,
        request.cancel_on_customer_reply,
        caller.agent.id,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(job)))
}

/// A conversation's timers (snoozes, follow-ups, scheduled replies), newest first.
#[utoipa::path(get, path = "/conversations/{id}/jobs", tag = "queue",
    responses((status = 200, body = Vec<Job>), (status = 404, body = crate::error::ErrorBody)))]
async fn list_jobs(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ConversationId>,
) -> ApiResult<Json<Vec<Job>>> {
    visible_conversation(&state, &caller, id).await?;
    Ok(Json(state.desk.store.list_jobs(id).await?))
}

/// Cancel a timer that has not run.
#[utoipa::path(delete, path = "/conversations/{id}/jobs/{job_id}", tag = "queue",
    responses((status = 200, body = Job), (status = 404, body = crate::error::ErrorBody)))]
async fn cancel_job(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, job_id)): ApiPath<(ConversationId, i64)>,
) -> ApiResult<Json<Job>> {
    visible_conversation(&state, &caller, id).await?;
    Ok(Json(cancel_conversation_job(&state, id, job_id).await?))
}

/// The caller's presence, with their capacity and what they hold now.
async fn my_presence(state: &AppState, caller: &Caller) -> ApiResult<AgentPresence> {
    let mut mine = state.desk.store.agent_presence(PresenceOf::Agent(caller.agent.id)).await?;
    mine.pop().ok_or_else(|| ApiError::Internal("the caller's presence went missing".into()))
}

/// Your presence, capacity and load.
#[utoipa::path(get, path = "/me/presence", tag = "queue", responses((status = 200, body = AgentPresence)))]
async fn get_my_presence(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<AgentPresence>> {
    Ok(Json(my_presence(&state, &caller).await?))
}

/// A presence to set.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PresenceRequest {
    /// `online` (receives conversations), `away` or `break` (keeps what they hold, gets
    /// nothing new), `offline` (gives their open conversations back to the queue).
    presence: Presence,
}

/// Set your presence; going offline returns your open conversations to the queue, coming
/// online lets automatic assignment hand you conversations up to your capacity.
#[utoipa::path(put, path = "/me/presence", tag = "queue", request_body = PresenceRequest,
    responses((status = 200, body = AgentPresence), (status = 422, body = crate::error::ErrorBody)))]
async fn put_my_presence(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<PresenceRequest>,
) -> ApiResult<Json<AgentPresence>> {
    state.desk.set_presence(caller.agent.id, request.presence).await?;
    Ok(Json(my_presence(&state, &caller).await?))
}

/// A team's members with their presence, capacity and load (admins, and leads of the team).
#[utoipa::path(get, path = "/teams/{id}/presence", tag = "queue",
    responses((status = 200, body = Vec<AgentPresence>), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
async fn team_presence(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<TeamId>,
) -> ApiResult<Json<Vec<AgentPresence>>> {
    caller.require(&[Role::Admin, Role::Lead])?;
    if caller.agent.role == Role::Lead && !caller.agent.teams.contains(&id) {
        return Err(ApiError::Forbidden("a lead sees the presence of their own teams only".into()));
    }
    Ok(Json(state.desk.store.agent_presence(PresenceOf::Team(id)).await?))
}

/// Whether the desk assigns waiting conversations by itself, and for which teams (admins
/// and leads may read it).
#[utoipa::path(get, path = "/auto-assignment", tag = "queue",
    responses((status = 200, body = AutoAssignment), (status = 403, body = crate::error::ErrorBody)))]
async fn get_auto_assignment(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<AutoAssignment>> {
    caller.require(&[Role::Admin, Role::Lead])?;
    Ok(Json(state.desk.auto_assignment().await?))
}

/// Turn automatic assignment on or off, for the desk or some teams (admins).
#[utoipa::path(put, path = "/auto-assignment", tag = "queue", request_body = AutoAssignment,
    responses((status = 200, body = AutoAssignment), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn put_auto_assignment(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(setting): ApiJson<AutoAssignment>,
) -> ApiResult<Json<AutoAssignment>> {
    caller.require_admin()?;
    Ok(Json(state.desk.set_auto_assignment(setting).await?))
}
