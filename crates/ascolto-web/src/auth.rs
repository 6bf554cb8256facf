//! Who is asking: passwords, session cookies, API tokens, CSRF, and the [`Caller`] every
//! protected handler takes.
//!
//! Secrets are random 256-bit tokens; only their SHA-256 is stored, so a copy of the database
//! signs nobody in. Passwords are hashed with Argon2id off the async runtime.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use ascolto_core::agent::Visibility;
use ascolto_core::{Agent, Role};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::ApiError;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "ascolto_session";
/// The header a browser script sends with the session's CSRF token on unsafe API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// API tokens start with this, so a leaked one is easy to recognise and revoke.
pub const API_TOKEN_PREFIX: &str = "asc_";

/// A fresh random secret, URL-safe.
pub fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(format!("no randomness: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A new API token: the prefix and a random secret.
pub fn new_api_token() -> Result<String, ApiError> {
    Ok(format!("{API_TOKEN_PREFIX}{}", random_token()?))
}

/// What the store keeps of a secret.
pub fn hash_secret(secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(secret.as_bytes()))
}

/// Hashes a password with Argon2id on a blocking thread.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| ApiError::Internal(format!("no randomness: {e}")))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| ApiError::Internal(format!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
}

/// Checks a password against a stored hash on a blocking thread. A missing or unreadable hash
/// is checked against a dummy so the answer takes as long as for a real agent.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let dummy = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Wn3mCSo0sQd3fB1F3YpfyQ9h9pKQbJw5YFqz2WmNhk";
        let stored = hash.as_deref().unwrap_or(dummy);
        let Ok(parsed) = PasswordHash::new(stored) else { return false };
        let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        matches && hash.is_some()
    })
    .await
    .unwrap_or(false)
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    ApiToken,
    /// A browser session, with the CSRF token its forms and scripts must echo.
    Session {
        csrf_token: String,
    },
}

/// The signed-in agent behind a request, with what they may see.
#[derive(Debug, Clone)]
pub struct Caller {
    pub agent: Agent,
    pub visibility: Visibility,
    pub credential: Credential,
}

impl Caller {
    /// Refuses with 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.agent.role) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::Forbidden(format!("this needs the role {}", names.join(" or "))))
        }
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        self.require(&[Role::Admin]).map_err(|_| ApiError::admin_only())
    }
}

/// Finds the agent behind the request's token or session cookie, if any.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Agent, Credential)>, ApiError> {
    let now = state.desk.now();
    if let Some(token) = bearer(headers) {
        let agent = state.desk.store.agent_for_api_token(&hash_secret(token), now).await?;
        return agent.map(|agent| Some((agent, Credential::ApiToken))).ok_or(ApiError::Unauthenticated);
    }
    let Some(session_token) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    let Some((session, agent)) = state.desk.store.get_session(&hash_secret(session_token), now).await? else {
        return Ok(None);
    };
    if !agent.active {
        return Ok(None);
    }
    Ok(Some((agent, Credential::Session { csrf_token: session.csrf_token })))
}

/// The visibility of `agent`: leads also see their reports' conversations.
pub async fn visibility_of(state: &AppState, agent: &Agent) -> Result<Visibility, ApiError> {
    let reports =
        if agent.role == Role::Lead { state.desk.store.reports_of(agent.id).await? } else { Vec::new() };
    Ok(Visibility::of(agent, &reports))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (agent, credential) =
            authenticate(state, &parts.headers).await?.ok_or(ApiError::Unauthenticated)?;
        if let Credential::Session { csrf_token } = &credential {
            let echoed = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            let valid = echoed.is_some_and(|echoed| same_secret(echoed, csrf_token));
            if !is_safe(&parts.method) && !valid {
                return Err(ApiError::Forbidden(format!(
                    "a request signed in by cookie must send the session's CSRF token in `{CSRF_HEADER}`"
                )));
            }
        }
        let visibility = visibility_of(state, &agent).await?;
        Ok(Caller { agent, visibility, credential })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; ascolto_session=abc; b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer asc_x"));
        assert_eq!(bearer(&headers), Some("asc_x"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic Zm9v"));
        assert_eq!(bearer(&headers), None);
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }

    #[tokio::test]
    async fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse".into()).await.unwrap();
        assert!(verify_password("correct horse".into(), Some(hash.clone())).await);
        assert!(!verify_password("wrong".into(), Some(hash)).await);
        assert!(!verify_password("correct horse".into(), None).await);
    }
}
