//! The JSON API under `/api/v1`: one module per resource, each owning its routes, and the
//! OpenAPI document generated from the handlers' annotations.

mod activity;
mod agents;
pub(crate) mod channels;
mod coach;
pub(crate) mod conversations;
mod customers;
mod inbound;
pub(crate) mod macros;
pub(crate) mod mailboxes;
pub(crate) mod queue;
mod search;
pub(crate) mod sessions;
mod teams;
mod tokens;
mod webhooks;

use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use ascolto_store::{Cursor, Page, PageRequest, page::DEFAULT_PAGE, page::MAX_PAGE};

#[derive(OpenApi)]
#[openapi(
    info(title = "Ascolto API", description = "The JSON API of the Ascolto help desk."),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
        );
    }
}

/// The API's routes under `/api/v1` and its OpenAPI document, built from the same handlers.
pub fn router() -> Router<AppState> {
    let routes = OpenApiRouter::new()
        .merge(conversations::router())
        .merge(customers::router())
        .merge(inbound::router())
        .merge(agents::router())
        .merge(teams::router())
        .merge(tokens::router())
        .merge(sessions::router())
        .merge(search::router())
        .merge(coach::router())
        .merge(queue::router())
        .merge(channels::router())
        .merge(mailboxes::router())
        .merge(macros::router())
        .merge(activity::router());
    let (router, openapi) =
        OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", routes).split_for_parts();
    let openapi = std::sync::Arc::new(openapi);
    router
        .route("/api/v1/openapi.json", get(move || std::future::ready(Json(openapi.as_ref().clone()))))
        .route("/api/v1/live", get(crate::live::agent_socket))
        .merge(webhooks::router())
        .merge(crate::widget::router())
}

/// The answer for a path no route serves.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such endpoint".to_owned())
}

/// Paging parameters every list takes.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

impl PageParams {
    pub fn to_request(&self) -> ApiResult<PageRequest> {
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(ApiError::BadRequest(format!("limit must be between 1 and {MAX_PAGE}")));
        }
        Ok(match &self.cursor {
            Some(text) => PageRequest::after(Cursor::decode(text)?, limit),
            None => PageRequest::first(limit),
        })
    }
}

/// One page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListResponse<T> {
    pub data: Vec<T>,
    /// Pass as `cursor` to read the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> From<Page<T>> for ListResponse<T> {
    fn from(page: Page<T>) -> Self {
        Self { data: page.items, next_cursor: page.next.map(|cursor| cursor.encode()) }
    }
}

/// Reads a JSON field that may be absent (leave as is), `null` (clear) or a value (set).
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
