//! The one error type of the HTTP boundary, and the one place it becomes a response.
//!
//! Every failure reaches the client as `{"error": {"status", "code", "message"}}` with the
//! right status. Internal errors are logged with their detail and shown only as
//! "internal error", so a client never sees SQL or a file path.

use ascolto_service::ServiceError;
use ascolto_store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tracing::error;

/// Why a request failed. Each variant's doc names its status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read (malformed JSON, bad query, bad cursor).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no valid session or token.
    #[error("sign in first: send a session cookie or an `Authorization: Bearer` token")]
    Unauthenticated,
    /// 401: sign-in with a wrong e-mail or password.
    #[error("wrong e-mail address or password")]
    BadCredentials,
    /// 403: signed in, but the role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such thing, or not one the caller may see.
    #[error("{0}")]
    NotFound(String),
    /// 409: clashes with existing data.
    #[error("{0}")]
    Conflict(String),
    /// 409: another reply reached the customer after the sender's draft began; the body
    /// carries that reply as `message`, so nobody answers twice by accident.
    #[error("another reply was sent in this conversation after your draft began")]
    ReplyCollision(Box<ascolto_core::Message>),
    /// 413: the body is larger than the server accepts.
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// 415: the body is not `application/json`.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed, but breaks a rule (empty text, unknown status word).
    #[error("{0}")]
    Unprocessable(String),
    /// 500: our fault; the detail is logged, not shown.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) | ApiError::ReplyCollision(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable word for the error.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::BadCredentials => "bad_credentials",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::ReplyCollision(_) => "reply_collision",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Unprocessable(_) => "unprocessable",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn admin_only() -> Self {
        ApiError::Forbidden("only an admin may do this".to_owned())
    }
}

/// The error envelope, as the OpenAPI document describes it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub status: u16,
    pub code: String,
    pub message: String,
}

/// The 409 of a reply collision: the error envelope and the reply that came first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CollisionBody {
    pub error: ErrorDetail,
    pub message: ascolto_core::Message,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            error!("internal error answering a request: {detail}");
        }
        let status = self.status();
        let error =
            ErrorDetail { status: status.as_u16(), code: self.code().to_owned(), message: self.to_string() };
        if let ApiError::ReplyCollision(message) = self {
            return (status, Json(CollisionBody { error, message: *message })).into_response();
        }
        (status, Json(ErrorBody { error })).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => ApiError::NotFound(error.to_string()),
            StoreError::Conflict(message) => ApiError::Conflict(message),
            StoreError::Invalid(message) => ApiError::Unprocessable(message),
            StoreError::Backend(source) => ApiError::Internal(source.to_string()),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(parse) => ApiError::Unprocessable(parse.to_string()),
            ServiceError::Store(store) => store.into(),
        }
    }
}

impl From<ascolto_core::ParseError> for ApiError {
    fn from(error: ascolto_core::ParseError) -> Self {
        ApiError::Unprocessable(error.to_string())
    }
}

impl From<ascolto_store::BadCursor> for ApiError {
    fn from(error: ascolto_store::BadCursor) -> Self {
        ApiError::BadRequest(error.to_string())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
