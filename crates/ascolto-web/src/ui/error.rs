//! The pages' one error type and the one place it becomes a response: a readable page in the
//! agent's language, or a redirect to sign-in.

use ascolto_store::StoreError;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::html;
use tracing::error;

use super::i18n::Lang;
use super::layout;
use crate::error::ApiError;

/// What went wrong while serving a page.
#[derive(Debug)]
pub enum UiErrorKind {
    /// No valid session: go to the sign-in page (303).
    NotSignedIn { next: String },
    /// A form without the session's CSRF token (403).
    Csrf,
    /// The role does not allow it (403).
    Forbidden,
    /// Missing, or not visible to this agent (404).
    NotFound,
    /// Input the rules refuse (422), with the reason.
    Invalid(String),
    /// A failure of ours; logged, never shown (500).
    Internal(String),
}

/// A page error and the language to explain it in.
#[derive(Debug)]
pub struct UiError {
    pub lang: Lang,
    pub kind: UiErrorKind,
}

impl UiError {
    pub fn new(lang: Lang, kind: UiErrorKind) -> Self {
        Self { lang, kind }
    }
}

impl From<ApiError> for UiErrorKind {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::NotFound(_) => UiErrorKind::NotFound,
            ApiError::Forbidden(_) => UiErrorKind::Forbidden,
            ApiError::Unauthenticated | ApiError::BadCredentials => {
                UiErrorKind::NotSignedIn { next: "/inbox".into() }
            }
            ApiError::Internal(detail) => UiErrorKind::Internal(detail),
            other => UiErrorKind::Invalid(other.to_string()),
        }
    }
}

impl From<StoreError> for UiErrorKind {
    fn from(error: StoreError) -> Self {
        UiErrorKind::from(ApiError::from(error))
    }
}

impl From<ascolto_service::ServiceError> for UiErrorKind {
    fn from(error: ascolto_service::ServiceError) -> Self {
        UiErrorKind::from(ApiError::from(error))
    }
}

/// Attaches the page's language to a failing result: `store.call().await.ui(lang)?`.
pub trait InLang<T> {
    fn ui(self, lang: Lang) -> Result<T, UiError>;
}

impl<T, E: Into<UiErrorKind>> InLang<T> for Result<T, E> {
    fn ui(self, lang: Lang) -> Result<T, UiError> {
        self.map_err(|error| UiError::new(lang, error.into()))
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let lang = self.lang;
        let (status, text) = match self.kind {
            UiErrorKind::NotSignedIn { next } => {
                return Redirect::to(&format!("/login?next={}", layout::url_encode(&next))).into_response();
            }
            UiErrorKind::Csrf => (StatusCode::FORBIDDEN, lang.t("error.csrf").to_owned()),
            UiErrorKind::Forbidden => (StatusCode::FORBIDDEN, lang.t("error.forbidden").to_owned()),
            UiErrorKind::NotFound => (StatusCode::NOT_FOUND, lang.t("error.not_found").to_owned()),
            UiErrorKind::Invalid(reason) => {
                (StatusCode::UNPROCESSABLE_ENTITY, format!("{} {reason}", lang.t("error.invalid")))
            }
            UiErrorKind::Internal(detail) => {
                error!(error = %detail, "a page failed: {detail}");
                (StatusCode::INTERNAL_SERVER_ERROR, lang.t("error.internal").to_owned())
            }
        };
        let body = html! {
            main #main .narrow {
                h1 { (lang.t("error.title")) }
                p .error-text role="alert" { (text) }
                p { a href="/inbox" { (lang.t("error.back")) } }
            }
        };
        (status, Html(layout::bare_page(lang, lang.t("error.title"), body).into_string())).into_response()
    }
}
