//! `/customers`: one person across channels; create, read, update, search, merge, timeline.

use ascolto_core::search::Query;
use ascolto_core::text::{parse_tags, required_text};
use ascolto_core::{Conversation, Customer, CustomerId, Identity, IdentityKind, Role};
use ascolto_store::{ConversationFilter, CustomerPatch, NewCustomer};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ListResponse, PageParams, double_option};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_customers, create_customer))
        .routes(routes!(get_customer, update_customer))
        .routes(routes!(merge_customer))
        .routes(routes!(customer_conversations))
}

/// An identity as the API sends it, parsed and normalised on arrival.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct IdentityInput {
    pub kind: IdentityKind,
    pub value: String,
}

impl IdentityInput {
    pub fn parse(&self) -> ApiResult<Identity> {
        Ok(Identity::parse(self.kind, &self.value)?)
    }
}

fn parse_identities(inputs: &[IdentityInput]) -> ApiResult<Vec<Identity>> {
    inputs.iter().map(IdentityInput::parse).collect()
}

fn parse_language(raw: &str) -> ApiResult<String> {
    match raw.trim() {
        language @ ("it" | "en") => Ok(language.to_owned()),
        other => Err(ApiError::Unprocessable(format!("language: {other:?} is not one of: it, en"))),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Words to find in names, e-mail addresses, phone numbers and notes.
    q: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    limit: Option<u32>,
}

/// List customers, newest first, or search them with `q`.
#[utoipa::path(get, path = "/customers", tag = "customers", params(ListParams),
    responses((status = 200, body = ListResponse<Customer>)))]
async fn list_customers(
    State(state): State<AppState>,
    _caller: Caller,
    ApiQuery(params): ApiQuery<ListParams>,
) -> ApiResult<Json<ListResponse<Customer>>> {
    let page = PageParams { cursor: params.cursor.clone(), limit: params.limit }.to_request()?;
    let customers = match params.q.as_deref().map(Query::parse).filter(|q| !q.is_empty()) {
        Some(query) => state.desk.store.search_customers(&query, page).await?,
        None => state.desk.store.list_customers(page).await?,
    };
    Ok(Json(customers.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CustomerInput {
    name: String,
    #[serde(default)]
    identities: Vec<IdentityInput>,
    #[serde(default)]
    tags: Vec<String>,
    /// `it` or `en`.
    language: Option<String>,
    #[serde(default)]
    notes: String,
}

/// Create a customer.
#[utoipa::path(post, path = "/customers", tag = "customers", request_body = CustomerInput,
    responses((status = 201, body = Customer), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn create_customer(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(input): ApiJson<CustomerInput>,
) -> ApiResult<(StatusCode, Json<Customer>)> {
    let new = NewCustomer {
        name: required_text("name", &input.name, 200)?,
        identities: parse_identities(&input.identities)?,
        tags: parse_tags(&input.tags)?,
        language: input.language.as_deref().map(parse_language).transpose()?,
        notes: ascolto_core::text::bounded("notes", &input.notes, 10_000)?.to_owned(),
    };
    let customer = state.desk.store.create_customer(new, state.desk.now()).await?;
    Ok((StatusCode::CREATED, Json(customer)))
}

/// Read a customer. A merged customer answers with `merged_into` set.
#[utoipa::path(get, path = "/customers/{id}", tag = "customers",
    responses((status = 200, body = Customer), (status = 404, body = crate::error::ErrorBody)))]
async fn get_customer(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<CustomerId>,
) -> ApiResult<Json<Customer>> {
    Ok(Json(state.desk.store.get_customer(id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CustomerUpdate {
    name: Option<String>,
    tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    language: Option<Option<String>>,
    notes: Option<String>,
    #[serde(default)]
    add_identities: Vec<IdentityInput>,
    #[serde(default)]
    remove_identities: Vec<IdentityInput>,
}

/// Update a customer; add or remove identities.
#[utoipa::path(patch, path = "/customers/{id}", tag = "customers", request_body = CustomerUpdate,
    responses((status = 200, body = Customer), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_customer(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<CustomerId>,
    ApiJson(update): ApiJson<CustomerUpdate>,
) -> ApiResult<Json<Customer>> {
    let patch = CustomerPatch {
        name: update.name.as_deref().map(|n| required_text("name", n, 200)).transpose()?,
        tags: update.tags.as_deref().map(parse_tags).transpose()?,
        language: update.language.map(|l| l.as_deref().map(parse_language).transpose()).transpose()?,
        notes: update
            .notes
            .as_deref()
            .map(|n| ascolto_core::text::bounded("notes", n, 10_000).map(str::to_owned))
            .transpose()?,
        add_identities: parse_identities(&update.add_identities)?,
        remove_identities: parse_identities(&update.remove_identities)?,
    };
    Ok(Json(state.desk.store.update_customer(id, patch, state.desk.now()).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct MergeRequest {
    /// The customer folded into this one: identities and conversations move here.
    #[schema(value_type = i64)]
    other_id: CustomerId,
}

/// Merge another customer into this one (leads and admins).
#[utoipa::path(post, path = "/customers/{id}/merge", tag = "customers", request_body = MergeRequest,
    responses((status = 200, body = Customer), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn merge_customer(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<CustomerId>,
    ApiJson(request): ApiJson<MergeRequest>,
) -> ApiResult<Json<Customer>> {
    caller.require(&[Role::Admin, Role::Lead])?;
    Ok(Json(state.desk.store.merge_customers(id, request.other_id, state.desk.now()).await?))
}

/// The customer's conversations on every channel, latest first: their journey.
#[utoipa::path(get, path = "/customers/{id}/conversations", tag = "customers", params(PageParams),
    responses((status = 200, body = ListResponse<Conversation>), (status = 404, body = crate::error::ErrorBody)))]
async fn customer_conversations(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<CustomerId>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> ApiResult<Json<ListResponse<Conversation>>> {
    state.desk.store.get_customer(id).await?;
    let filter = ConversationFilter { customer: Some(id), ..Default::default() };
    let conversations =
        state.desk.store.list_conversations(&filter, &caller.visibility, page.to_request()?).await?;
    Ok(Json(conversations.into()))
}
