//! The API's errors: `{"error": {"code", "message", "field"?, …}}` with a 4xx
//! or 5xx status. Invalid input is always a 4xx naming what is wrong; a 500
//! means a bug or a database failure, logged with its cause.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use detente_core::{Locator, ScenarioError};
use detente_formats::FormatError;
use serde_json::{Map, Value, json};

use crate::store::StoreError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// More keys of the error object: `line`, `column`, `locator`, `file`
    /// (boxed: errors travel in every `Result`).
    pub extra: Box<Map<String, Value>>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), field: None, extra: Box::default() }
    }

    /// 400 for a request that cannot be read.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 400 `invalid_field`: a field with a value that is not allowed.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::bad_request("invalid_field", message).field(field)
    }

    pub fn not_found(what: &str, id: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no {what} `{id}`"))
    }

    /// 422: the request is well formed but this scenario cannot be run so.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    pub fn field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    pub fn with(mut self, key: &str, value: Value) -> ApiError {
        self.extra.insert(key.to_owned(), value);
        self
    }

    /// 400 `invalid_scenario` from a file the formats crate could not read:
    /// the message names the file, line, column and field, and so do the keys.
    pub fn from_format(error: &FormatError) -> ApiError {
        let mut e = ApiError::bad_request("invalid_scenario", error.to_string());
        e.field = error.field.clone();
        e.extra.insert("file".to_owned(), json!(error.file));
        if let Some(line) = error.line {
            e.extra.insert("line".to_owned(), json!(line));
        }
        if let Some(column) = error.column {
            e.extra.insert("column".to_owned(), json!(column));
        }
        e
    }

    /// 400 `invalid_scenario` from the core's validation, with its locator.
    pub fn from_scenario(error: &ScenarioError, field_prefix: &str) -> ApiError {
        let locator = error.locator();
        let field = locator.field.map(|f| format!("{field_prefix}{f}"));
        let mut e =
            ApiError::bad_request("invalid_scenario", error.to_string()).with("locator", locator_json(&locator));
        e.field = field;
        e
    }
}

/// `{"actor", "issue", "field", "rectangle"}`, each `null` where it does not apply.
pub fn locator_json(locator: &Locator) -> Value {
    json!({
        "actor": locator.actor,
        "issue": locator.issue,
        "field": locator.field,
        "rectangle": locator.rectangle,
    })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, message = %self.message, "request failed");
        }
        let mut body = Map::new();
        body.insert("code".to_owned(), json!(self.code));
        body.insert("message".to_owned(), json!(self.message));
        if let Some(field) = self.field {
            body.insert("field".to_owned(), json!(field));
        }
        body.extend(*self.extra);
        (self.status, axum::Json(json!({ "error": body }))).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        tracing::error!(%error, "database failure");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "database", "the database failed; see the server's log")
    }
}
