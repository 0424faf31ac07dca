//! The OpenAPI 3.1 document of every route, at `/api/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Detente API", description = "Negotiation analysis, forecasting and simulation. Writes need \
        `Authorization: Bearer <token>` (`detente token create`); reads are open when the server listens on \
        loopback only. See docs/api.md."),
    paths(
        api::health,
        document,
        api::list_scenarios,
        api::create_scenario,
        api::get_scenario,
        api::get_scenario_version,
        api::update_scenario,
        api::delete_scenario,
        api::post_analysis,
        api::get_analysis,
        api::get_outcomes,
        api::post_forecast,
        api::list_jobs,
        api::create_job,
        api::get_job,
        api::cancel_job,
        api::job_result,
    ),
    components(schemas(api::ErrorBody, api::ErrorDetail)),
    modifiers(&BearerToken),
    tags(
        (name = "server", description = "Health and this document"),
        (name = "scenarios", description = "Scenarios and their immutable versions"),
        (name = "analyses", description = "Outcome spaces, frontiers, ZOPAs and bargaining solutions"),
        (name = "forecasts", description = "Where each issue settles, by model"),
        (name = "jobs", description = "Sensitivity runs, negotiations and tournaments"),
    )
)]
pub struct ApiDoc;

#[derive(Debug)]
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "token",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "server",
    responses((status = 200, description = "The OpenAPI 3.1 document of every route", body = Object)))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
