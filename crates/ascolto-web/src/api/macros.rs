//! `/macros`: canned replies. Every agent reads them; admins write them.

use ascolto_core::text::required_text;
use ascolto_store::{Macro, NewMacro};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_macros, create_macro)).routes(routes!(
        get_macro,
        update_macro,
        delete_macro
    ))
}

/// The longest macro text, in characters.
pub const MAX_MACRO_CHARS: usize = 10_000;

/// A macro as written by an admin.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MacroInput {
    pub name: String,
    /// The text; `{{customer.first_name}}`, `{{customer.name}}`, `{{agent.name}}`,
    /// `{{agent.first_name}}`, `{{conversation.subject}}` and `{{conversation.id}}` are filled in
    /// when it is inserted.
    pub body: String,
}

impl MacroInput {
    /// Checks the name (1–100 characters) and the text (1–10,000 characters).
    pub fn parse(&self) -> ApiResult<NewMacro> {
        Ok(NewMacro {
            name: required_text("name", &self.name, 100)?,
            body: required_text("body", &self.body, MAX_MACRO_CHARS)?,
        })
    }
}

/// List macros, by name.
#[utoipa::path(get, path = "/macros", tag = "macros", responses((status = 200, body = Vec<Macro>)))]
async fn list_macros(State(state): State<AppState>, _caller: Caller) -> ApiResult<Json<Vec<Macro>>> {
    Ok(Json(state.desk.store.list_macros().await?))
}

/// Create a macro (admins).
#[utoipa::path(post, path = "/macros", tag = "macros", request_body = MacroInput,
    responses((status = 201, body = Macro), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_macro(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<MacroInput>,
) -> ApiResult<(StatusCode, Json<Macro>)> {
    caller.require_admin()?;
    let created = state.desk.store.create_macro(input.parse()?, state.desk.now()).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Read a macro.
#[utoipa::path(get, path = "/macros/{id}", tag = "macros",
    responses((status = 200, body = Macro), (status = 404, body = crate::error::ErrorBody)))]
async fn get_macro(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Macro>> {
    Ok(Json(state.desk.store.get_macro(id).await?))
}

/// Rename or rewrite a macro (admins).
#[utoipa::path(put, path = "/macros/{id}", tag = "macros", request_body = MacroInput,
    responses((status = 200, body = Macro), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn update_macro(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MacroInput>,
) -> ApiResult<Json<Macro>> {
    caller.require_admin()?;
    Ok(Json(state.desk.store.update_macro(id, input.parse()?, state.desk.now()).await?))
}

/// Delete a macro (admins).
#[utoipa::path(delete, path = "/macros/{id}", tag = "macros",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
async fn delete_macro(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    state.desk.store.delete_macro(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
