//! `/coach`: the reply coach over HTTP, for the reply box's live coaching and for
//! integrations. The JSON is the same as `ascolto coach reply --json`.

use ascolto_coach::{CustomerReport, Language, ReplyContext, ReplyReport, analyze_customer, analyze_reply};
use ascolto_core::{ConversationId, Direction};
use ascolto_store::PageRequest;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conversations::visible_conversation;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(coach_reply)).routes(routes!(coach_customer))
}

/// The longest text the coach reads over the API, in bytes.
const MAX_COACH_BYTES: usize = 200_000;
/// How many of the customer's latest messages give the coach its context.
const CONTEXT_MESSAGES: usize = 3;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ReplyDraft {
    /// The draft reply.
    text: String,
    /// Read the customer's latest messages and name from this conversation.
    #[schema(value_type = Option<i64>)]
    conversation_id: Option<ConversationId>,
    /// Or give the customer's messages directly (oldest first).
    #[serde(default)]
    customer_messages: Vec<String>,
    customer_name: Option<String>,
    /// True when the text was inserted from a macro unchanged.
    #[serde(default)]
    from_macro: bool,
    /// `it` or `en` for the explanations; defaults to the agent's interface language.
    ui_language: Option<String>,
}

fn ui_language(requested: Option<&str>, caller: &Caller) -> ApiResult<Language> {
    match requested {
        Some(code) => Language::parse(code)
            .ok_or_else(|| ApiError::Unprocessable(format!("ui_language: {code:?} is not one of: it, en"))),
        None => Ok(Language::parse(&caller.agent.ui_language).unwrap_or_default()),
    }
}

fn check_size(text: &str) -> ApiResult<()> {
    if text.len() > MAX_COACH_BYTES {
        return Err(ApiError::Unprocessable(format!(
            "text: the coach reads at most {MAX_COACH_BYTES} bytes"
        )));
    }
    Ok(())
}

/// The customer's messages since our last reply (at most a few), oldest first.
async fn recent_customer_messages(state: &AppState, id: ConversationId) -> ApiResult<Vec<String>> {
    let mut messages = Vec::new();
    let mut page = PageRequest::first(200);
    loop {
        let batch = state.desk.store.list_messages(id, page).await?;
        for message in batch.items {
            match message.direction {
                Direction::Inbound => messages.push(message.text),
                Direction::Outbound => messages.clear(),
                Direction::Note => {}
            }
        }
        match batch.next {
            Some(cursor) => page = PageRequest::after(cursor, 200),
            None => break,
        }
    }
    let skip = messages.len().saturating_sub(CONTEXT_MESSAGES);
    Ok(messages.split_off(skip))
}

/// Coach a draft reply: per-skill scores and findings with the words at fault.
#[utoipa::path(post, path = "/coach/reply", tag = "coach", request_body = ReplyDraft,
    responses((status = 200, description = "The coach's report, as `ascolto coach reply --json` prints it", body = Object),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn coach_reply(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(draft): ApiJson<ReplyDraft>,
) -> ApiResult<Json<ReplyReport>> {
    check_size(&draft.text)?;
    let mut context = ReplyContext {
        customer_messages: draft.customer_messages,
        customer_name: draft.customer_name,
        from_macro: draft.from_macro,
        ui_language: ui_language(draft.ui_language.as_deref(), &caller)?,
    };
    if let Some(id) = draft.conversation_id {
        let conversation = visible_conversation(&state, &caller, id).await?;
        if context.customer_messages.is_empty() {
            context.customer_messages = recent_customer_messages(&state, id).await?;
        }
        if context.customer_name.is_none() {
            let customer = state.desk.store.get_customer(conversation.customer_id).await?;
            context.customer_name = Some(customer.name);
        }
    }
    for message in &context.customer_messages {
        check_size(message)?;
    }
    let spelling = state.spelling.as_deref();
    Ok(Json(analyze_reply(&draft.text, &context, spelling)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CustomerText {
    text: String,
}

/// Read a customer message: sentiment, emotions, urgency and its reasons, questions, what
/// they already tried, abuse, thanks.
#[utoipa::path(post, path = "/coach/customer", tag = "coach", request_body = CustomerText,
    responses((status = 200, description = "The analysis, as `ascolto coach customer --json` prints it", body = Object),
        (status = 422, body = crate::error::ErrorBody)))]
async fn coach_customer(
    _caller: Caller,
    ApiJson(input): ApiJson<CustomerText>,
) -> ApiResult<Json<CustomerReport>> {
    check_size(&input.text)?;
    Ok(Json(analyze_customer(&input.text)))
}
