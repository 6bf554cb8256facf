//! Who is looking at a page: the signed-in agent from the session cookie, the interface
//! language, the CSRF check every form goes through, and signing in and out with forms.

use ascolto_core::Agent;
use ascolto_core::agent::Visibility;
use ascolto_store::AgentPatch;
use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::error::{InLang, UiError, UiErrorKind};
use super::i18n::Lang;
use super::layout;
use crate::AppState;
use crate::api::sessions::{session_cookie, start_session};
use crate::auth::Credential;
use crate::auth::{
    SESSION_COOKIE, authenticate, cookie, hash_secret, random_token, same_secret, visibility_of,
};

/// The cookie that carries the sign-in form's CSRF token before a session exists.
const LOGIN_CSRF_COOKIE: &str = "ascolto_login_csrf";

/// The agent signed in by cookie, with what a page needs to know about them.
#[derive(Debug, Clone)]
pub struct UiAgent {
    pub agent: Agent,
    pub visibility: Visibility,
    pub csrf_token: String,
    pub lang: Lang,
}

impl UiAgent {
    /// Refuses (403) a form whose hidden `csrf` field is not this session's token.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), UiError> {
        if same_secret(submitted, &self.csrf_token) {
            Ok(())
        } else {
            Err(UiError::new(self.lang, UiErrorKind::Csrf))
        }
    }

    pub fn fail(&self, kind: UiErrorKind) -> UiError {
        UiError::new(self.lang, kind)
    }

    pub fn is_admin(&self) -> bool {
        self.agent.role == ascolto_core::Role::Admin
    }

    pub fn is_lead_or_admin(&self) -> bool {
        matches!(self.agent.role, ascolto_core::Role::Admin | ascolto_core::Role::Lead)
    }
}

impl FromRequestParts<AppState> for UiAgent {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let browser_lang = Lang::from_headers(&parts.headers);
        let next =
            parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/inbox".into());
        // Pages accept only the session cookie: an API token in a header is not a browser.
        let found = if parts.headers.contains_key(axum::http::header::AUTHORIZATION) {
            None
        } else {
            authenticate(state, &parts.headers).await.ui(browser_lang)?
        };
        let Some((agent, Credential::Session { csrf_token })) = found else {
            return Err(UiError::new(browser_lang, UiErrorKind::NotSignedIn { next }));
        };
        let lang = Lang::choose(&agent.ui_language, &parts.headers);
        let visibility = visibility_of(state, &agent).await.ui(lang)?;
        Ok(UiAgent { agent, visibility, csrf_token, lang })
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

/// Only a local path may be a redirect target, so the sign-in form cannot send an agent to
/// another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/inbox".to_owned(),
    }
}

fn login_csrf_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn login_form(lang: Lang, csrf: &str, next: &str, failed: bool) -> String {
    let body = html! {
        main #main .login {
            div .login-card {
                p .brand aria-hidden="true" { "◉ " (lang.t("app.name")) }
                h1 { (lang.t("login.title")) }
                p .muted { (lang.t("login.intro")) }
                @if failed { p .error-text role="alert" { (lang.t("login.failed")) } }
                form method="post" action="/login" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="next" value=(next);
                    label for="email" { (lang.t("login.email")) }
                    input #email type="email" name="email" autocomplete="username" required autofocus;
                    label for="password" { (lang.t("login.password")) }
                    input #password type="password" name="password" autocomplete="current-password" required;
                    button .primary type="submit" { (lang.t("login.submit")) }
                }
            }
        }
    };
    layout::bare_page(lang, lang.t("login.title"), body).into_string()
}

/// The sign-in page; sets the pre-session CSRF cookie its form echoes.
pub async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<NextParam>,
) -> Result<Response, UiError> {
    let lang = Lang::from_headers(&headers);
    let token = random_token().ui(lang)?;
    let next = safe_next(query.next.as_deref());
    let page = login_form(lang, &token, &next, false);
    Ok(([(SET_COOKIE, login_csrf_cookie(&state, &token))], Html(page)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    csrf: String,
    email: String,
    password: String,
    next: Option<String>,
}

/// Signs in from the form: the pre-session CSRF cookie must match the form's token.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, UiError> {
    let lang = Lang::from_headers(&headers);
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(expected, &form.csrf) {
        return Err(UiError::new(lang, UiErrorKind::Csrf));
    }
    let next = safe_next(form.next.as_deref());
    match start_session(&state, &form.email, form.password).await {
        Ok((_agent, token, _csrf)) => {
            let cookie =
                session_cookie(&state, &token, state.config.session_ttl.as_secs() as i64).ui(lang)?;
            Ok(([(SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
        }
        Err(crate::error::ApiError::BadCredentials) => {
            let token = random_token().ui(lang)?;
            let page = login_form(lang, &token, &next, true);
            let status = axum::http::StatusCode::UNAUTHORIZED;
            Ok((status, [(SET_COOKIE, login_csrf_cookie(&state, &token))], Html(page)).into_response())
        }
        Err(other) => Err(UiError::new(lang, other.into())),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// Signs out: the session ends, the cookie is cleared.
pub async fn logout(
    State(state): State<AppState>,
    ui: UiAgent,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.desk.store.delete_session(&hash_secret(token)).await.ui(ui.lang)?;
    }
    let cookie = session_cookie(&state, "", 0).ui(ui.lang)?;
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    csrf: String,
    /// `it`, `en` or `auto` (follow the browser).
    language: String,
    next: Option<String>,
}

/// Changes the agent's interface language.
pub async fn set_language(
    State(state): State<AppState>,
    ui: UiAgent,
    Form(form): Form<LanguageForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    let language = match form.language.as_str() {
        "it" | "en" | "auto" => form.language.clone(),
        other => return Err(ui.fail(UiErrorKind::Invalid(format!("unknown language {other:?}")))),
    };
    let patch = AgentPatch { ui_language: Some(language), ..Default::default() };
    state.desk.store.update_agent(ui.agent.id, patch).await.ui(ui.lang)?;
    Ok(Redirect::to(&safe_next(form.next.as_deref())).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(safe_next(Some("/conversations/4")), "/conversations/4");
        assert_eq!(safe_next(Some("//evil.example/")), "/inbox");
        assert_eq!(safe_next(Some("https://evil.example/")), "/inbox");
        assert_eq!(safe_next(Some("/\\evil.example")), "/inbox");
        assert_eq!(safe_next(None), "/inbox");
    }
}
