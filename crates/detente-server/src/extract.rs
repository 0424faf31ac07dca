//! Request extractors whose refusals are the API's JSON errors: a body too
//! large is a 413, a body that is not the expected JSON a 400 naming the
//! field.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body, read within the router's body limit.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", rejection.body_text())
            } else {
                ApiError::bad_request("unreadable_body", rejection.body_text())
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request("invalid_json", "the request needs a JSON body"));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = format!("{inner}");
            if inner.is_syntax() || inner.is_eof() {
                ApiError::bad_request("invalid_json", format!("the body is not JSON: {message}"))
            } else if path == "." {
                ApiError::bad_request("invalid_field", message)
            } else {
                ApiError::bad_request("invalid_field", format!("{path}: {message}")).field(path)
            }
        })?;
        deserializer
            .end()
            .map_err(|e| ApiError::bad_request("invalid_json", format!("the body is not one JSON value: {e}")))?;
        Ok(ApiJson(value))
    }
}

/// A query string as name → value; a malformed one is a 400.
#[derive(Debug, Clone, Default)]
pub struct ApiQuery(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for ApiQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(map) = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
        Ok(ApiQuery(map))
    }
}

impl ApiQuery {
    /// An optional integer parameter within `[min, max]`.
    pub fn integer(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        let Some(text) = self.0.get(name) else { return Ok(None) };
        match text.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::invalid(name, format!("`{name}` must be an integer from {min} to {max}, not `{text}`"))),
        }
    }
}
