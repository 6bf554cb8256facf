//! `/search`: full-text search over the messages the caller may see, Italian and English
//! stemming included.

use ascolto_core::search::Query;
use ascolto_store::MessageHit;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ListResponse, PageParams};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search_messages))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchParams {
    /// The words to find; every word must match, in any inflection.
    q: String,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    limit: Option<u32>,
}

/// Search messages, newest first.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchParams),
    responses((status = 200, body = ListResponse<MessageHit>), (status = 400, body = crate::error::ErrorBody)))]
async fn search_messages(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> ApiResult<Json<ListResponse<MessageHit>>> {
    let query = Query::parse(&params.q);
    if query.is_empty() {
        return Err(ApiError::BadRequest("q must contain at least one word".to_owned()));
    }
    let hits = state
        .desk
        .store
        .search_messages(
            &query,
            &caller.visibility,
            PageParams { cursor: params.cursor.clone(), limit: params.limit }.to_request()?,
        )
        .await?;
    Ok(Json(hits.into()))
}
