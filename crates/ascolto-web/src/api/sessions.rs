//! `/sessions`: signing in and out with e-mail and password, for the browser.

use ascolto_core::Agent;
use ascolto_store::NewSession;
use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie, hash_secret, random_token, verify_password};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sign_in, sign_out))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Credentials {
    email: String,
    password: String,
}

/// The signed-in agent and the CSRF token to send as `x-csrf-token` on changes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SignedIn {
    agent: Agent,
    csrf_token: String,
}

/// The `Set-Cookie` value for a session: HttpOnly, SameSite=Lax, Secure when configured.
pub fn session_cookie(state: &AppState, token: &str, max_age_seconds: i64) -> ApiResult<HeaderValue> {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"
    ))
    .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Signs an agent in and returns the session token and its CSRF token.
pub async fn start_session(
    state: &AppState,
    email: &str,
    password: String,
) -> ApiResult<(Agent, String, String)> {
    let found = state.desk.store.agent_credentials(email.trim()).await?;
    let (agent, hash) = match found {
        Some((agent, hash)) if agent.active => (Some(agent), hash),
        _ => (None, None),
    };
    if !verify_password(password, hash).await {
        return Err(ApiError::BadCredentials);
    }
    let agent = agent.ok_or(ApiError::BadCredentials)?;
    let (token, csrf_token) = (random_token()?, random_token()?);
    let now = state.desk.now();
    let ttl = TimeDelta::from_std(state.config.session_ttl).unwrap_or(TimeDelta::hours(12));
    let session = NewSession {
        token_hash: hash_secret(&token),
        agent: agent.id,
        csrf_token: csrf_token.clone(),
        created_at: now,
        expires_at: now + ttl,
    };
    state.desk.store.create_session(session).await?;
    Ok((agent, token, csrf_token))
}

/// Sign in with e-mail and password; sets the session cookie.
#[utoipa::path(post, path = "/sessions", tag = "sessions", request_body = Credentials, security(()),
    responses((status = 200, body = SignedIn), (status = 401, body = crate::error::ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    ApiJson(credentials): ApiJson<Credentials>,
) -> ApiResult<Response> {
    let (agent, token, csrf_token) = start_session(&state, &credentials.email, credentials.password).await?;
    let max_age = state.config.session_ttl.as_secs() as i64;
    let cookie = session_cookie(&state, &token, max_age)?;
    Ok(([(SET_COOKIE, cookie)], Json(SignedIn { agent, csrf_token })).into_response())
}

/// Sign out: the session ends and the cookie is cleared.
#[utoipa::path(delete, path = "/sessions", tag = "sessions",
    responses((status = 204)))]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.desk.store.delete_session(&hash_secret(token)).await?;
    }
    let cookie = session_cookie(&state, "", 0)?;
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}
