//! The routes under `/api`: scenarios and their versions, analyses,
//! forecasts, outcome samples and jobs. docs/api.md is the reference.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use detente_core::{AnalysisError, AnalysisOptions, OutcomeSpace, Scenario, Warning, analyze_watched};
use detente_forecast::sensitivity::SensitivityOptions;
use detente_forecast::{ForecastOptions, Input};
use detente_report::analysis::AnalysisJson;
use detente_report::forecast::{ForecastContext, ModelName, check_sensitivity_size};
use detente_report::negotiation::{parse_protocol, protocol_name};
use detente_sim::strategies;
use detente_sim::tournament::{
    Entrant, Roles, Tournament, TournamentConfig, TournamentError, TournamentScenario, default_parties,
};
use detente_sim::{Deadline, Protocol};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::jobs::{ForecastFailure, Work, forecast_json, with_ids};
use crate::scenarios::{ScenarioInput, from_stored, load};
use crate::store::{JobRecord, JobStatus, NewJob, NewResult, ScenarioRef, ScenarioSummary, StoredVersion};
use crate::time::rfc3339;

/// Most Monte Carlo runs of one sensitivity job.
pub const MAX_RUNS: u64 = 1_000_000;
/// Most negotiations of one tournament job.
pub const MAX_NEGOTIATIONS: u64 = 1_000_000;
/// Most rounds of a negotiation's deadline.
pub const MAX_NEGOTIATION_ROUNDS: u64 = 100_000;
/// Most rounds of a forecasting model (eu, smp).
pub const MAX_FORECAST_ROUNDS: u64 = 10_000;
/// Most histogram bins of a sensitivity job.
pub const MAX_BINS: u64 = 10_000;
/// Most points of an outcome sample.
pub const MAX_POINTS: i64 = 100_000;
/// Most jobs listed.
pub const MAX_LISTED_JOBS: i64 = 1_000;

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

// ------------------------------------------------------------------ health

/// `GET /api/health`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
}

#[utoipa::path(get, path = "/api/health", tag = "server",
    responses((status = 200, description = "The server is up", body = Health)))]
pub async fn health(State(state): State<AppState>) -> axum::Json<Health> {
    axum::Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION"), database: state.store().backend().name() })
}

// --------------------------------------------------------------- scenarios

/// A scenario version with its spec, every version number and the warnings
/// its loading gave.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioDetail {
    #[serde(flatten)]
    pub summary: ScenarioSummary,
    /// The validated ScenarioSpec (normalised: names filled in, weights summing to one).
    #[schema(value_type = Object)]
    pub spec: Value,
    pub versions: Vec<i64>,
    pub warnings: Vec<String>,
    /// How this version arrived: toml, json, genius, geniusweb, ktab or spec.
    pub format: String,
}

fn detail(stored: StoredVersion) -> ApiResult<ScenarioDetail> {
    let spec = serde_json::from_str(&stored.spec)
        .map_err(|e| ApiError::internal(format!("scenario {} is stored unreadably: {e}", stored.summary.id)))?;
    Ok(ScenarioDetail {
        summary: stored.summary,
        spec,
        versions: stored.versions,
        warnings: stored.warnings,
        format: stored.format,
    })
}

#[utoipa::path(get, path = "/api/scenarios", tag = "scenarios",
    responses((status = 200, description = "Every scenario at its latest version, newest first", body = [ScenarioSummary])))]
pub async fn list_scenarios(State(state): State<AppState>) -> ApiResult<axum::Json<Vec<ScenarioSummary>>> {
    Ok(axum::Json(state.store().list_scenarios().await?))
}

#[utoipa::path(post, path = "/api/scenarios", tag = "scenarios", request_body = ScenarioInput,
    security(("token" = [])),
    responses(
        (status = 201, description = "Stored as version 1", body = ScenarioSummary),
        (status = 400, description = "Not a valid scenario: the error names the field, line and column", body = ErrorBody),
        (status = 401, description = "No API token", body = ErrorBody),
        (status = 403, description = "Unknown API token", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody)))]
pub async fn create_scenario(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ScenarioInput>,
) -> ApiResult<(StatusCode, axum::Json<ScenarioSummary>)> {
    let new = tokio::task::spawn_blocking(move || load(&input)?.to_new_version()).await.map_err(join_error)??;
    let summary = state.store().create_scenario(&new).await?;
    tracing::info!(scenario = summary.id, name = summary.name, "scenario created");
    Ok((StatusCode::CREATED, axum::Json(summary)))
}

#[utoipa::path(get, path = "/api/scenarios/{id}", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario id")),
    responses((status = 200, description = "The latest version", body = ScenarioDetail),
        (status = 404, description = "No such scenario", body = ErrorBody)))]
pub async fn get_scenario(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ScenarioDetail>> {
    let stored = stored_version(&state, &id, None).await?;
    Ok(axum::Json(detail(stored)?))
}

#[utoipa::path(get, path = "/api/scenarios/{id}/versions/{version}", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario id"), ("version" = i64, Path, description = "Version, from 1")),
    responses((status = 200, description = "That version", body = ScenarioDetail),
        (status = 404, description = "No such scenario or version", body = ErrorBody)))]
pub async fn get_scenario_version(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> ApiResult<axum::Json<ScenarioDetail>> {
    let version = parse_version(&version)?;
    let stored = stored_version(&state, &id, Some(version)).await?;
    Ok(axum::Json(detail(stored)?))
}

#[utoipa::path(put, path = "/api/scenarios/{id}", tag = "scenarios", request_body = ScenarioInput,
    security(("token" = [])),
    params(("id" = String, Path, description = "Scenario id")),
    responses((status = 200, description = "Stored as the next version; earlier versions stay readable", body = ScenarioSummary),
        (status = 400, description = "Not a valid scenario", body = ErrorBody),
        (status = 404, description = "No such scenario", body = ErrorBody)))]
pub async fn update_scenario(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ScenarioInput>,
) -> ApiResult<axum::Json<ScenarioSummary>> {
    let new = tokio::task::spawn_blocking(move || load(&input)?.to_new_version()).await.map_err(join_error)??;
    let summary = state.store().add_version(&id, &new).await?.ok_or_else(|| ApiError::not_found("scenario", &id))?;
    state.forget_analyses(&id);
    tracing::info!(scenario = summary.id, version = summary.version, "scenario updated");
    Ok(axum::Json(summary))
}

#[utoipa::path(delete, path = "/api/scenarios/{id}", tag = "scenarios", security(("token" = [])),
    params(("id" = String, Path, description = "Scenario id")),
    responses((status = 204, description = "Deleted with its versions, results and jobs"),
        (status = 404, description = "No such scenario", body = ErrorBody)))]
pub async fn delete_scenario(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    state.jobs().cancel_scenario(&id);
    state.forget_analyses(&id);
    if state.store().delete_scenario(&id).await? {
        tracing::info!(scenario = id, "scenario deleted");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("scenario", &id))
    }
}

fn parse_version(text: &str) -> ApiResult<i64> {
    match text.parse::<i64>() {
        Ok(v) if v >= 1 => Ok(v),
        _ => Err(ApiError::invalid("version", format!("a version is an integer from 1, not `{text}`"))),
    }
}

fn check_version(version: Option<i64>) -> ApiResult<Option<i64>> {
    match version {
        Some(v) if v < 1 => Err(ApiError::invalid("version", format!("a version is an integer from 1, not {v}"))),
        other => Ok(other),
    }
}

async fn stored_version(state: &AppState, id: &str, version: Option<i64>) -> ApiResult<StoredVersion> {
    match state.store().scenario(id, version).await? {
        Some(stored) => Ok(stored),
        None => match version {
            Some(v) if state.store().scenario(id, None).await?.is_some() => {
                Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("scenario `{id}` has no version {v}"))
                    .field("version"))
            }
            _ => Err(ApiError::not_found("scenario", id)),
        },
    }
}

/// A stored version, validated, with its reference.
struct Prepared {
    scenario: Scenario,
    warnings: Vec<Warning>,
    reference: ScenarioRef,
}

async fn prepared(state: &AppState, id: &str, version: Option<i64>) -> ApiResult<Prepared> {
    let stored = stored_version(state, id, check_version(version)?).await?;
    let reference = ScenarioRef { id: stored.summary.id.clone(), version: stored.summary.version };
    let (scenario, warnings) =
        tokio::task::spawn_blocking(move || from_stored(&stored)).await.map_err(join_error)??;
    Ok(Prepared { scenario, warnings, reference })
}

fn join_error(error: tokio::task::JoinError) -> ApiError {
    tracing::error!(%error, "a computation panicked");
    ApiError::internal("the computation stopped on an internal error; see the server's log")
}

/// Actor ids or names as scenario indices, in the order given; `field` names them in errors.
fn resolve_actors(scenario: &Scenario, names: &[String], field: &str) -> ApiResult<Vec<usize>> {
    let mut indices = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        let Some(i) = scenario.actor_index(name) else {
            let known: Vec<&str> = scenario.actors.iter().map(|a| a.id.as_str()).collect();
            return Err(ApiError::invalid(
                format!("{field}[{k}]"),
                format!("no actor `{name}` in this scenario; its actors are {}", known.join(", ")),
            ));
        };
        if indices.contains(&i) {
            return Err(ApiError::invalid(format!("{field}[{k}]"), format!("`{name}` is named twice")));
        }
        indices.push(i);
    }
    Ok(indices)
}

// ---------------------------------------------------------------- analysis

/// `POST /api/scenarios/{id}/analysis`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisRequest {
    /// Default: the latest version.
    pub version: Option<i64>,
    /// Actor ids (or names) to analyse; default: those whose consent an
    /// agreement needs (at the table or with a veto).
    pub actors: Option<Vec<String>>,
}

/// The cache key of an analysis: the analysed actors' ids, or `null` for the default.
/// The shape of the analysis and forecast JSON this server writes, part of
/// every cache key: bumped when those objects gain or change keys, so that a
/// result stored by an older server is computed again rather than served in
/// the old shape. 2: forecasts gained `cycles`, analyses `zopa_estimate`.
const RESULT_FORMAT: u32 = 2;

fn analysis_key(actor_ids: Option<&[String]>) -> String {
    json!({ "format": RESULT_FORMAT, "actors": actor_ids }).to_string()
}

#[utoipa::path(post, path = "/api/scenarios/{id}/analysis", tag = "analyses", request_body = AnalysisRequest,
    security(("token" = [])),
    params(("id" = String, Path, description = "Scenario id")),
    responses((status = 200, description = "The `detente analyze --json` object plus result_id, scenario_id and version; \
        computed once per (scenario, version, actors) and then served from the store", body = Object),
        (status = 400, description = "Unknown actor or version", body = ErrorBody),
        (status = 404, description = "No such scenario", body = ErrorBody),
        (status = 422, description = "The analysis is refused (space or frontier past the limits)", body = ErrorBody)))]
pub async fn post_analysis(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<AnalysisRequest>,
) -> ApiResult<Response> {
    let p = prepared(&state, &id, request.version).await?;
    let actors = match &request.actors {
        None => None,
        Some(names) => {
            let mut indices = resolve_actors(&p.scenario, names, "actors")?;
            if indices.is_empty() {
                return Err(ApiError::invalid("actors", "name at least one actor, or leave `actors` out"));
            }
            indices.sort_unstable();
            Some(indices)
        }
    };
    let ids: Option<Vec<String>> =
        actors.as_ref().map(|a| a.iter().map(|&i| p.scenario.actors[i].id.clone()).collect());
    let key = analysis_key(ids.as_deref());
    if let Some(cached) = state.store().cached_result(&p.reference, "analysis", &key).await? {
        return Ok(json_response(StatusCode::OK, cached.body));
    }
    let _permit = state.compute_permit().await?;
    let result_id = uuid::Uuid::new_v4().to_string();
    let reference = p.reference.clone();
    let rid = result_id.clone();
    let (guard, cancel) = CancelOnDrop::new();
    let body = tokio::task::spawn_blocking(move || {
        let options = AnalysisOptions { actors, ..AnalysisOptions::default() };
        let analysis = analyze_watched(&p.scenario, &options, &|_, _| {}, &cancel).map_err(|e| match e {
            AnalysisError::Cancelled { .. } => ApiError::internal("the analysis was cancelled"),
            e => ApiError::unprocessable("analysis_refused", format!("cannot analyse this scenario: {e}")),
        })?;
        let body = serde_json::to_string(&AnalysisJson::new(&p.scenario, &analysis, &p.warnings))
            .map_err(|e| ApiError::internal(format!("cannot write the analysis: {e}")))?;
        Ok::<_, ApiError>(with_ids(&body, &result_ids(&rid, &reference)))
    })
    .await
    .map_err(join_error)??;
    drop(guard);
    store_result(&state, result_id, p.reference, "analysis", key, body).await
}

/// Set when the request that started a computation goes away (the client
/// disconnects, and axum drops the handler's future with this in it), so the
/// computation stops at its next check instead of finishing for nobody while
/// its compute permit is already released.
struct CancelOnDrop(Arc<AtomicBool>);

impl CancelOnDrop {
    /// The guard, and the flag it sets, for the computation.
    fn new() -> (CancelOnDrop, Arc<AtomicBool>) {
        let flag = Arc::new(AtomicBool::new(false));
        (CancelOnDrop(flag.clone()), flag)
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Stores a computed result and answers with it; if the same result was
/// stored meanwhile (two requests at once), with that one.
async fn store_result(
    state: &AppState,
    id: String,
    reference: ScenarioRef,
    kind: &str,
    options_key: String,
    body: String,
) -> ApiResult<Response> {
    let new = NewResult { id, scenarios: vec![reference], kind: kind.to_owned(), options_key, body };
    let stored = state.store().insert_result(&new).await?;
    Ok(json_response(StatusCode::OK, stored.body))
}

fn result_ids(result_id: &str, reference: &ScenarioRef) -> Vec<(&'static str, Value)> {
    vec![("result_id", json!(result_id)), ("scenario_id", json!(reference.id)), ("version", json!(reference.version))]
}

#[utoipa::path(get, path = "/api/scenarios/{id}/analysis", tag = "analyses",
    params(("id" = String, Path, description = "Scenario id"),
        ("version" = Option<i64>, Query, description = "Default: the latest version")),
    responses((status = 200, description = "The stored analysis with the default actors", body = Object),
        (status = 404, description = "No such scenario, or `not_computed`: not analysed yet", body = ErrorBody)))]
pub async fn get_analysis(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: ApiQuery,
) -> ApiResult<Response> {
    let version = query.integer("version", 1, i64::MAX)?;
    if let Some(body) = state.cached_analysis(&id, version) {
        return Ok((StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response());
    }
    let generation = state.analysis_generation();
    let stored = stored_version(&state, &id, version).await?;
    let reference = ScenarioRef { id: stored.summary.id, version: stored.summary.version };
    match state.store().cached_result(&reference, "analysis", &analysis_key(None)).await? {
        Some(result) => {
            let body = axum::body::Bytes::from(result.body);
            state.cache_analysis(&id, version, generation, body.clone());
            Ok((StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response())
        }
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_computed",
            format!(
                "version {} of scenario `{}` has not been analysed yet; POST /api/scenarios/{}/analysis",
                reference.version, reference.id, reference.id
            ),
        )),
    }
}

// ---------------------------------------------------------------- outcomes

/// `GET /api/scenarios/{id}/outcomes`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeSample {
    /// The actors' ids, in the order of each point's utilities.
    pub actors: Vec<String>,
    /// One point per sampled outcome: the actors' utilities.
    pub points: Vec<Vec<f64>>,
    /// The size of the outcome space, in decimal.
    pub n_outcomes: String,
    /// Whether the points are a sample (the space has more outcomes than `limit`).
    pub sampled: bool,
}

#[utoipa::path(get, path = "/api/scenarios/{id}/outcomes", tag = "analyses",
    params(("id" = String, Path, description = "Scenario id"),
        ("version" = Option<i64>, Query, description = "Default: the latest version"),
        ("actors" = Option<String>, Query, description = "Actor ids, comma-separated; default: the first two actors whose consent is needed"),
        ("limit" = Option<i64>, Query, description = "Most points, 1 to 100000; default 2000")),
    responses((status = 200, description = "Every outcome's utilities, or a deterministic sample of them", body = OutcomeSample),
        (status = 400, description = "Unknown actor or bad limit", body = ErrorBody),
        (status = 404, description = "No such scenario", body = ErrorBody)))]
pub async fn get_outcomes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: ApiQuery,
) -> ApiResult<axum::Json<OutcomeSample>> {
    let version = query.integer("version", 1, i64::MAX)?;
    let limit = query.integer("limit", 1, MAX_POINTS)?.unwrap_or(2000) as u64;
    let p = prepared(&state, &id, version).await?;
    let actors = match query.0.get("actors").map(|a| a.trim()).filter(|a| !a.is_empty()) {
        Some(list) => {
            let names: Vec<String> = list.split(',').map(|s| s.trim().to_owned()).collect();
            resolve_actors(&p.scenario, &names, "actors")?
        }
        None => default_parties(&p.scenario).into_iter().take(2).collect(),
    };
    let sample =
        tokio::task::spawn_blocking(move || sample_outcomes(&p.scenario, &actors, limit)).await.map_err(join_error)?;
    Ok(axum::Json(sample))
}

/// Every outcome when there are at most `limit`, else `limit` outcomes drawn
/// by a fixed hash of (point, issue): the same sample every time.
fn sample_outcomes(scenario: &Scenario, actors: &[usize], limit: u64) -> OutcomeSample {
    let space = OutcomeSpace::of(scenario);
    let all = space.size().filter(|&n| n <= limit);
    let points: Vec<Vec<f64>> = match all {
        Some(n) => (0..n)
            .map(|i| {
                let outcome = space.outcome(i);
                actors.iter().map(|&a| scenario.utility(a, &outcome)).collect()
            })
            .collect(),
        None => (0..limit)
            .map(|k| {
                let outcome: Vec<u32> = space
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(j, &levels)| {
                        (splitmix64(k.wrapping_mul(0x1_0000_0001).wrapping_add(j as u64)) % levels) as u32
                    })
                    .collect();
                actors.iter().map(|&a| scenario.utility(a, &outcome)).collect()
            })
            .collect(),
    };
    OutcomeSample {
        actors: actors.iter().map(|&a| scenario.actors[a].id.clone()).collect(),
        points,
        n_outcomes: crate::scenarios::outcome_count(&space),
        sampled: all.is_none(),
    }
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

// --------------------------------------------------------------- forecasts

/// `POST /api/scenarios/{id}/forecasts`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastRequest {
    pub version: Option<i64>,
    /// compromise, median, nash, weighted-nash, eu or smp.
    pub model: String,
    /// Most rounds of eu and smp; default: the model's own.
    pub rounds: Option<u64>,
    /// Seed of smp's random choices; default 0.
    pub seed: Option<u64>,
    /// Model parameters as `MODEL.KEY=VALUE`, e.g. `smp.VotingRule=PropCbc`.
    pub params: Option<Vec<String>>,
}

fn model_name(text: &str) -> ApiResult<ModelName> {
    ModelName::parse(text).ok_or_else(|| {
        let names: Vec<&str> = ModelName::ALL.iter().map(|m| m.name()).collect();
        ApiError::invalid("model", format!("unknown model `{text}`; expected one of {}", names.join(", ")))
    })
}

fn model_with_params(name: ModelName, params: &[String]) -> ApiResult<detente_forecast::Model> {
    detente_report::forecast::configured(name, params)
        .map_err(|e| ApiError::invalid(format!("params[{}]", e.index), e.to_string()))
}

fn check_rounds(rounds: Option<u64>, max: u64) -> ApiResult<Option<u64>> {
    match rounds {
        Some(r) if r == 0 || r > max => {
            Err(ApiError::invalid("rounds", format!("`rounds` must be from 1 to {max}, not {r}")))
        }
        other => Ok(other),
    }
}

fn forecast_input(scenario: &Scenario) -> ApiResult<Input> {
    Input::from_scenario(scenario)
        .map_err(|e| ApiError::unprocessable("not_spatial", format!("cannot forecast this scenario: {e}")))
}

#[utoipa::path(post, path = "/api/scenarios/{id}/forecasts", tag = "forecasts", request_body = ForecastRequest,
    security(("token" = [])),
    params(("id" = String, Path, description = "Scenario id")),
    responses((status = 200, description = "The `detente forecast --json` object plus result_id, scenario_id and version; \
        stored, and served from the store for the same options", body = Object),
        (status = 400, description = "Unknown model, bad parameter or rounds", body = ErrorBody),
        (status = 404, description = "No such scenario", body = ErrorBody),
        (status = 422, description = "The scenario has no spatial preferences, or the model fails on it", body = ErrorBody)))]
pub async fn post_forecast(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ForecastRequest>,
) -> ApiResult<Response> {
    let name = model_name(&request.model)?;
    let params = request.params.clone().unwrap_or_default();
    let model = model_with_params(name, &params)?;
    let rounds = check_rounds(request.rounds, MAX_FORECAST_ROUNDS)?;
    let seed = request.seed.unwrap_or(0);
    let p = prepared(&state, &id, request.version).await?;
    let key =
        json!({ "format": RESULT_FORMAT, "model": name.name(), "rounds": rounds, "seed": seed, "params": params })
            .to_string();
    if let Some(cached) = state.store().cached_result(&p.reference, "forecast", &key).await? {
        return Ok(json_response(StatusCode::OK, cached.body));
    }
    let _permit = state.compute_permit().await?;
    let result_id = uuid::Uuid::new_v4().to_string();
    let (rid, reference) = (result_id.clone(), p.reference.clone());
    let (guard, cancel) = CancelOnDrop::new();
    let body = tokio::task::spawn_blocking(move || {
        let input = forecast_input(&p.scenario)?;
        let options = ForecastOptions { max_rounds: rounds.map(|r| r as usize), seed };
        let context = ForecastContext { scenario: &p.scenario, input: &input, warnings: &p.warnings };
        let body = forecast_json(context, &model, &options, &|_| {}, &cancel).map_err(|e| match e {
            ForecastFailure::Model(message) => ApiError::unprocessable("forecast_failed", message),
            ForecastFailure::Json(message) => ApiError::internal(message),
            ForecastFailure::Cancelled => ApiError::internal("the forecast was cancelled"),
        })?;
        Ok::<_, ApiError>(with_ids(&body, &result_ids(&rid, &reference)))
    })
    .await
    .map_err(join_error)??;
    drop(guard);
    store_result(&state, result_id, p.reference, "forecast", key, body).await
}

// -------------------------------------------------------------------- jobs

/// `POST /api/jobs`: a sensitivity run, a forecast, a negotiation or a tournament.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobRequest {
    /// sensitivity, forecast, negotiation or tournament.
    pub kind: String,
    /// sensitivity, forecast, negotiation: the scenario.
    pub scenario_id: Option<String>,
    /// sensitivity, forecast, negotiation: default the latest version.
    pub version: Option<i64>,
    /// tournament: the scenarios, each at its latest version.
    pub scenario_ids: Option<Vec<String>>,
    /// sensitivity, forecast: the model (compromise, median, nash, weighted-nash, eu, smp).
    pub model: Option<String>,
    /// sensitivity: Monte Carlo runs, 1 to 1,000,000.
    pub runs: Option<u64>,
    /// The seed; default 0.
    pub seed: Option<u64>,
    /// sensitivity, forecast: the model's most rounds; negotiation, tournament: the deadline (default 100).
    pub rounds: Option<u64>,
    /// sensitivity, forecast: model parameters, `MODEL.KEY=VALUE`.
    pub params: Option<Vec<String>>,
    /// sensitivity: histogram bins (default 100).
    pub bins: Option<u64>,
    /// sensitivity: leave runs whose forecast fails out of the statistics
    /// and report them in the result (default false: the job fails).
    pub skip_failed: Option<bool>,
    /// negotiation: one strategy spec per party; tournament: the entrants.
    pub agents: Option<Vec<String>>,
    /// negotiation, tournament: sao (default), multilateral or mediated.
    pub protocol: Option<String>,
    /// negotiation: the negotiating actors in the agents' order (default: those whose consent is needed).
    pub actors: Option<Vec<String>>,
    /// tournament: negotiations per scenario and role assignment (default 1).
    pub repetitions: Option<u64>,
    /// tournament: all-orders (default) or rotations.
    pub roles: Option<String>,
    /// tournament: whether agents meet themselves (default false).
    pub self_play: Option<bool>,
}

/// A job, as every job route returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub id: String,
    /// sensitivity, forecast, negotiation or tournament.
    pub kind: String,
    /// queued, running, succeeded, failed or cancelled.
    pub status: JobStatus,
    pub progress: Progress,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Set when the job succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Progress {
    pub done: i64,
    pub total: i64,
}

impl From<JobRecord> for JobView {
    fn from(j: JobRecord) -> JobView {
        JobView {
            id: j.id,
            kind: j.kind,
            status: j.status,
            progress: Progress { done: j.done, total: j.total },
            error: j.error,
            scenario_id: j.scenario_id,
            version: j.version,
            result_id: j.result_id,
            created_at: rfc3339(j.created_at),
            updated_at: rfc3339(j.updated_at),
        }
    }
}

#[utoipa::path(get, path = "/api/jobs", tag = "jobs",
    responses((status = 200, description = "The newest 1,000 jobs, newest first", body = [JobView])))]
pub async fn list_jobs(State(state): State<AppState>) -> ApiResult<axum::Json<Vec<JobView>>> {
    let jobs = state.store().list_jobs(MAX_LISTED_JOBS).await?;
    Ok(axum::Json(jobs.into_iter().map(JobView::from).collect()))
}

#[utoipa::path(get, path = "/api/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "The job", body = JobView),
        (status = 404, description = "No such job", body = ErrorBody)))]
pub async fn get_job(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<axum::Json<JobView>> {
    let job = state.store().job(&id).await?.ok_or_else(|| ApiError::not_found("job", &id))?;
    Ok(axum::Json(job.into()))
}

#[utoipa::path(post, path = "/api/jobs/{id}/cancel", tag = "jobs", security(("token" = [])),
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "The job, cancelled if it had not ended (a running job stops within about a second)", body = JobView),
        (status = 404, description = "No such job", body = ErrorBody)))]
pub async fn cancel_job(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<axum::Json<JobView>> {
    let job = state.store().job(&id).await?.ok_or_else(|| ApiError::not_found("job", &id))?;
    if job.status.is_final() {
        return Ok(axum::Json(job.into()));
    }
    let here = state.jobs().cancel(&id);
    if job.status == JobStatus::Queued || !here {
        // Not started (or not this process's): end it now; its worker, if
        // any, finds it ended and does not start.
        state
            .store()
            .finish_job(&id, &crate::store::JobEnd::Cancelled("cancelled on request".to_owned()), None)
            .await?;
    }
    tracing::info!(job = id, "job cancellation requested");
    // A running job notices within a run, a round or a chunk of negotiations.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let job = state.store().job(&id).await?.ok_or_else(|| ApiError::not_found("job", &id))?;
        if job.status.is_final() || tokio::time::Instant::now() >= deadline {
            return Ok(axum::Json(job.into()));
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

#[utoipa::path(get, path = "/api/jobs/{id}/result", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "sensitivity: the `detente sensitivity --json` object; forecast: the \
        `detente forecast --json` object, as `POST /api/scenarios/{id}/forecasts` answers it; negotiation: the \
        `detente negotiate --json` object with its `trace`; tournament: {tournament, leaderboard, records}; each with \
        result_id and job_id (and scenario_id, version)", body = Object),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "`not_finished`: queued or running; `no_result`: failed or cancelled", body = ErrorBody)))]
pub async fn job_result(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let job = state.store().job(&id).await?.ok_or_else(|| ApiError::not_found("job", &id))?;
    match job.status {
        JobStatus::Queued | JobStatus::Running => Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_finished",
            format!("job `{id}` is {}: {} of {} done", job.status.as_str(), job.done, job.total),
        )),
        JobStatus::Failed | JobStatus::Cancelled => Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_result",
            format!("job `{id}` {}: {}", job.status.as_str(), job.error.unwrap_or_default()),
        )),
        JobStatus::Succeeded => {
            let result_id = job.result_id.ok_or_else(|| ApiError::internal(format!("job `{id}` has no result")))?;
            let result =
                state.store().result(&result_id).await?.ok_or_else(|| ApiError::not_found("result", &result_id))?;
            Ok(json_response(StatusCode::OK, result.body))
        }
    }
}

#[utoipa::path(post, path = "/api/jobs", tag = "jobs", request_body = JobRequest, security(("token" = [])),
    responses((status = 202, description = "Queued", body = JobView),
        (status = 400, description = "A field is missing or out of range; the error names it", body = ErrorBody),
        (status = 404, description = "No such scenario", body = ErrorBody),
        (status = 422, description = "The scenario cannot be run so", body = ErrorBody),
        (status = 503, description = "Too many jobs queued", body = ErrorBody)))]
pub async fn create_job(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<JobRequest>,
) -> ApiResult<(StatusCode, axum::Json<JobView>)> {
    let (new, refs, work) = prepare_job(&state, &request, None).await?;
    match state.jobs().submit(state.store(), new, refs, work).await? {
        Ok(job) => {
            tracing::info!(job = job.id, kind = job.kind, total = job.total, "job queued");
            Ok((StatusCode::ACCEPTED, axum::Json(job.into())))
        }
        Err(busy) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!("{} jobs are queued or running; try again when some have finished", busy.pending),
        )),
    }
}

/// Refuses fields that do not belong to this kind of job.
fn only(request: &JobRequest, allowed: &[&str]) -> ApiResult<()> {
    let given: [(&str, bool); 16] = [
        ("scenario_id", request.scenario_id.is_some()),
        ("version", request.version.is_some()),
        ("scenario_ids", request.scenario_ids.is_some()),
        ("model", request.model.is_some()),
        ("runs", request.runs.is_some()),
        ("seed", request.seed.is_some()),
        ("rounds", request.rounds.is_some()),
        ("params", request.params.is_some()),
        ("bins", request.bins.is_some()),
        ("skip_failed", request.skip_failed.is_some()),
        ("agents", request.agents.is_some()),
        ("protocol", request.protocol.is_some()),
        ("actors", request.actors.is_some()),
        ("repetitions", request.repetitions.is_some()),
        ("roles", request.roles.is_some()),
        ("self_play", request.self_play.is_some()),
    ];
    match given.iter().find(|(name, present)| *present && !allowed.contains(name)) {
        Some((name, _)) => Err(ApiError::invalid(*name, format!("a {} job takes no `{name}`", request.kind))),
        None => Ok(()),
    }
}

fn required<'a, T>(value: &'a Option<T>, field: &str, kind: &str) -> ApiResult<&'a T> {
    value.as_ref().ok_or_else(|| ApiError::invalid(field, format!("a {kind} job needs `{field}`")))
}

type PreparedJob = (NewJob, Vec<ScenarioRef>, Work);

async fn sensitivity_job(state: &AppState, request: &JobRequest) -> ApiResult<PreparedJob> {
    only(request, &["scenario_id", "version", "model", "runs", "seed", "rounds", "params", "bins", "skip_failed"])?;
    let id = required(&request.scenario_id, "scenario_id", "sensitivity")?;
    let name = model_name(required(&request.model, "model", "sensitivity")?)?;
    let runs = *required(&request.runs, "runs", "sensitivity")?;
    if runs == 0 || runs > MAX_RUNS {
        return Err(ApiError::invalid("runs", format!("`runs` must be from 1 to {MAX_RUNS}, not {runs}")));
    }
    let bins = request.bins.unwrap_or(100);
    if bins == 0 || bins > MAX_BINS {
        return Err(ApiError::invalid("bins", format!("`bins` must be from 1 to {MAX_BINS}, not {bins}")));
    }
    let params = request.params.clone().unwrap_or_default();
    let model = model_with_params(name, &params)?;
    let rounds = check_rounds(request.rounds, MAX_FORECAST_ROUNDS)?;
    let seed = request.seed.unwrap_or(0);
    let skip_failed = request.skip_failed.unwrap_or(false);
    let p = prepared(state, id, request.version).await?;
    let input = forecast_input(&p.scenario)?;
    check_sensitivity_size(&input, runs as usize)
        .map_err(|e| ApiError::invalid("runs", format!("runs {runs}: {e}")))?;
    let options = SensitivityOptions {
        runs: runs as usize,
        seed,
        bins: bins as usize,
        skip_failed,
        ..SensitivityOptions::default()
    };
    let params_json = json!({
        "kind": "sensitivity", "scenario_id": p.reference.id, "version": p.reference.version, "model": name.name(),
        "runs": runs, "seed": seed, "rounds": rounds, "params": params, "bins": bins, "skip_failed": skip_failed,
    });
    let new = NewJob {
        kind: "sensitivity".to_owned(),
        params: params_json.to_string(),
        scenario: Some(p.reference.clone()),
        total: runs as i64,
    };
    let work = Work::Sensitivity {
        scenario: p.scenario,
        warnings: p.warnings,
        input,
        model,
        forecast: ForecastOptions { max_rounds: rounds.map(|r| r as usize), seed },
        options,
    };
    Ok((new, vec![p.reference], work))
}

/// A forecast job: `POST /api/scenarios/{id}/forecasts`'s request and
/// answer, with progress in rounds and a cancel.
async fn forecast_job(state: &AppState, request: &JobRequest) -> ApiResult<PreparedJob> {
    only(request, &["scenario_id", "version", "model", "seed", "rounds", "params"])?;
    let id = required(&request.scenario_id, "scenario_id", "forecast")?;
    let name = model_name(required(&request.model, "model", "forecast")?)?;
    let params = request.params.clone().unwrap_or_default();
    let model = model_with_params(name, &params)?;
    let rounds = check_rounds(request.rounds, MAX_FORECAST_ROUNDS)?;
    let seed = request.seed.unwrap_or(0);
    let p = prepared(state, id, request.version).await?;
    let input = forecast_input(&p.scenario)?;
    let options = ForecastOptions { max_rounds: rounds.map(|r| r as usize), seed };
    let params_json = json!({
        "kind": "forecast", "scenario_id": p.reference.id, "version": p.reference.version, "model": name.name(),
        "seed": seed, "rounds": rounds, "params": params,
    });
    let new = NewJob {
        kind: "forecast".to_owned(),
        params: params_json.to_string(),
        scenario: Some(p.reference.clone()),
        total: detente_forecast::progress_total(&input, &model, &options) as i64,
    };
    let work = Work::Forecast { scenario: p.scenario, warnings: p.warnings, input, model, options };
    Ok((new, vec![p.reference], work))
}

fn protocol(request: &JobRequest) -> ApiResult<Protocol> {
    match request.protocol.as_deref() {
        None => Ok(Protocol::Sao),
        Some(text) => parse_protocol(text).ok_or_else(|| {
            ApiError::invalid("protocol", format!("unknown protocol `{text}`; expected sao, multilateral or mediated"))
        }),
    }
}

fn negotiation_rounds(request: &JobRequest) -> ApiResult<u32> {
    let rounds = request.rounds.unwrap_or(100);
    if rounds == 0 || rounds > MAX_NEGOTIATION_ROUNDS {
        return Err(ApiError::invalid(
            "rounds",
            format!("`rounds` (the deadline) must be from 1 to {MAX_NEGOTIATION_ROUNDS}, not {rounds}"),
        ));
    }
    Ok(rounds as u32)
}

fn agent_specs(request: &JobRequest) -> ApiResult<Vec<String>> {
    let agents = required(&request.agents, "agents", &request.kind)?;
    let mut specs = Vec::with_capacity(agents.len());
    for (k, spec) in agents.iter().enumerate() {
        let spec = spec.trim();
        if let Err(e) = strategies::build(spec) {
            return Err(ApiError::invalid(format!("agents[{k}]"), format!("agent `{spec}`: {e}")));
        }
        specs.push(spec.to_owned());
    }
    Ok(specs)
}

async fn negotiation_job(state: &AppState, request: &JobRequest) -> ApiResult<PreparedJob> {
    only(request, &["scenario_id", "version", "agents", "protocol", "rounds", "seed", "actors"])?;
    let id = required(&request.scenario_id, "scenario_id", "negotiation")?;
    let agents = agent_specs(request)?;
    let protocol = protocol(request)?;
    let rounds = negotiation_rounds(request)?;
    let seed = request.seed.unwrap_or(0);
    let p = prepared(state, id, request.version).await?;
    let actors = match &request.actors {
        Some(names) => {
            let actors = resolve_actors(&p.scenario, names, "actors")?;
            if actors.len() < 2 {
                return Err(ApiError::invalid("actors", "a negotiation needs at least two parties"));
            }
            actors
        }
        None => default_parties(&p.scenario),
    };
    if agents.len() != actors.len() {
        let ids: Vec<&str> = actors.iter().map(|&a| p.scenario.actors[a].id.as_str()).collect();
        return Err(ApiError::invalid(
            "agents",
            format!(
                "{} agents for {} parties ({}); give one strategy spec per party, in that order",
                agents.len(),
                actors.len(),
                ids.join(", ")
            ),
        ));
    }
    if protocol == Protocol::Sao && actors.len() != 2 {
        return Err(ApiError::invalid(
            "protocol",
            format!(
                "alternating offers (sao) take exactly two parties, not {}; use multilateral or mediated",
                actors.len()
            ),
        ));
    }
    let space = OutcomeSpace::of(&p.scenario);
    if space.size().is_none_or(|n| n > detente_sim::arena::MAX_ARENA_OUTCOMES) {
        return Err(ApiError::unprocessable(
            "space_too_large",
            format!(
                "negotiations enumerate the outcome space, which may have at most {} outcomes; this one has {}",
                detente_sim::arena::MAX_ARENA_OUTCOMES,
                crate::scenarios::outcome_count(&space)
            ),
        ));
    }
    let file = format!("scenarios/{}/versions/{}", p.reference.id, p.reference.version);
    let params_json = json!({
        "kind": "negotiation", "scenario_id": p.reference.id, "version": p.reference.version, "agents": agents,
        "protocol": protocol_name(protocol), "rounds": rounds, "seed": seed,
        "actors": actors.iter().map(|&a| &p.scenario.actors[a].id).collect::<Vec<_>>(),
    });
    let new = NewJob {
        kind: "negotiation".to_owned(),
        params: params_json.to_string(),
        scenario: Some(p.reference.clone()),
        total: 1,
    };
    let work = Work::Negotiation { scenario: p.scenario, actors, agents, protocol, rounds, seed, file };
    Ok((new, vec![p.reference], work))
}

/// Checks a job request and prepares its work. `versions` pins a resumed
/// tournament to the scenario versions it started on.
async fn prepare_job(state: &AppState, request: &JobRequest, versions: Option<&[i64]>) -> ApiResult<PreparedJob> {
    match request.kind.as_str() {
        "sensitivity" => sensitivity_job(state, request).await,
        "forecast" => forecast_job(state, request).await,
        "negotiation" => negotiation_job(state, request).await,
        "tournament" => tournament_job_at(state, request, versions).await,
        other => Err(ApiError::invalid(
            "kind",
            format!("unknown job kind `{other}`; expected sensitivity, forecast, negotiation or tournament"),
        )),
    }
}

/// A tournament job on the scenarios' latest versions, or (a resumed job)
/// on `versions`, one per scenario.
async fn tournament_job_at(state: &AppState, request: &JobRequest, versions: Option<&[i64]>) -> ApiResult<PreparedJob> {
    only(request, &["scenario_ids", "agents", "protocol", "rounds", "seed", "repetitions", "roles", "self_play"])?;
    let ids = required(&request.scenario_ids, "scenario_ids", "tournament")?;
    if ids.is_empty() {
        return Err(ApiError::invalid("scenario_ids", "a tournament needs at least one scenario"));
    }
    let agents = agent_specs(request)?;
    let protocol = protocol(request)?;
    let rounds = negotiation_rounds(request)?;
    let seed = request.seed.unwrap_or(0);
    let repetitions = request.repetitions.unwrap_or(1);
    if repetitions == 0 || repetitions > MAX_NEGOTIATIONS {
        return Err(ApiError::invalid(
            "repetitions",
            format!("`repetitions` must be from 1 to {MAX_NEGOTIATIONS}, not {repetitions}"),
        ));
    }
    let roles = match request.roles.as_deref() {
        None | Some("all-orders") => Roles::AllOrders,
        Some("rotations") => Roles::Rotations,
        Some(other) => {
            return Err(ApiError::invalid(
                "roles",
                format!("unknown roles `{other}`; expected all-orders or rotations"),
            ));
        }
    };
    let self_play = request.self_play.unwrap_or(false);
    let mut loaded = Vec::with_capacity(ids.len());
    for (k, id) in ids.iter().enumerate() {
        let version = versions.and_then(|v| v.get(k).copied());
        let p = prepared(state, id, version).await.map_err(|e| {
            let message = e.message.clone();
            ApiError { field: Some(format!("scenario_ids[{k}]")), message, ..e }
        })?;
        loaded.push(p);
    }
    let refs: Vec<ScenarioRef> = loaded.iter().map(|p| p.reference.clone()).collect();
    let _permit = state.compute_permit().await?;
    let (tournament, summary) = tokio::task::spawn_blocking(move || {
        build_tournament(&loaded, agents, protocol, rounds, seed, repetitions as u32, roles, self_play)
    })
    .await
    .map_err(join_error)??;
    let total = tournament.len();
    let new = NewJob {
        kind: "tournament".to_owned(),
        params: json!({ "kind": "tournament", "tournament": summary }).to_string(),
        scenario: None,
        total: total as i64,
    };
    Ok((new, refs, Work::Tournament { tournament, summary }))
}

/// The work of a job a previous run of the server left unfinished, rebuilt
/// from its stored request (the scenario versions it resolved to included)
/// through the same checks as `POST /api/jobs`; refused if the scenario or
/// version is gone, or if the request no longer prepares the same job.
pub(crate) async fn rebuild_job(state: &AppState, job: &JobRecord) -> ApiResult<(Vec<ScenarioRef>, Work)> {
    let unreadable = |e: serde_json::Error| ApiError::internal(format!("its stored request is unreadable: {e}"));
    let stored: Value = serde_json::from_str(&job.params).map_err(unreadable)?;
    if !matches!(job.kind.as_str(), "sensitivity" | "forecast" | "negotiation" | "tournament") {
        return Err(ApiError::internal(format!("this server has no `{}` jobs", job.kind)));
    }
    // A tournament stores its resolved scenarios (id and version); the
    // others store the request itself.
    let (request, versions) = if job.kind == "tournament" {
        let t = &stored["tournament"];
        let scenarios = t["scenarios"].as_array().map(Vec::as_slice).unwrap_or_default();
        let ids: Vec<Value> = scenarios.iter().map(|s| s["id"].clone()).collect();
        let versions: Vec<i64> = scenarios.iter().filter_map(|s| s["version"].as_i64()).collect();
        let request = json!({
            "kind": "tournament", "scenario_ids": ids, "agents": t["agents"], "protocol": t["protocol"],
            "rounds": t["rounds"], "seed": t["seed"], "repetitions": t["repetitions"], "roles": t["roles"],
            "self_play": t["self_play"],
        });
        (request, Some(versions))
    } else {
        (stored.clone(), None)
    };
    let request: JobRequest = serde_json::from_value(request).map_err(unreadable)?;
    if request.kind != job.kind {
        return Err(ApiError::internal(format!("its stored request is a {} job's", request.kind)));
    }
    let (new, refs, work) = prepare_job(state, &request, versions.as_deref()).await?;
    let rebuilt: Value = serde_json::from_str(&new.params).map_err(unreadable)?;
    if rebuilt != stored {
        return Err(ApiError::internal("its stored request no longer prepares the same job"));
    }
    Ok((refs, work))
}

#[allow(clippy::too_many_arguments)]
fn build_tournament(
    loaded: &[Prepared],
    agents: Vec<String>,
    protocol: Protocol,
    rounds: u32,
    seed: u64,
    repetitions: u32,
    roles: Roles,
    self_play: bool,
) -> ApiResult<(Tournament, Value)> {
    let entrants: Vec<Entrant> = agents
        .iter()
        .enumerate()
        .map(|(k, s)| Entrant::from_spec(s).map_err(|e| ApiError::invalid(format!("agents[{k}]"), e.to_string())))
        .collect::<Result<_, _>>()?;
    let mut scenarios = Vec::with_capacity(loaded.len());
    for (k, p) in loaded.iter().enumerate() {
        let same_name = loaded.iter().filter(|o| o.scenario.name == p.scenario.name).count();
        let name = if same_name > 1 {
            format!("{} ({} v{})", p.scenario.name, p.reference.id, p.reference.version)
        } else {
            p.scenario.name.clone()
        };
        let prepared = TournamentScenario::new(name, &p.scenario, None).map_err(|e| {
            ApiError::unprocessable("tournament_refused", e.to_string()).field(format!("scenario_ids[{k}]"))
        })?;
        scenarios.push(prepared);
    }
    let config = TournamentConfig {
        protocol,
        deadline: Deadline::Rounds(rounds),
        repetitions,
        seed,
        roles,
        self_play,
        record_traces: false,
    };
    let tournament = Tournament::new(entrants, scenarios, config).map_err(|e| {
        let field = match &e {
            TournamentError::NotEnoughEntrants { .. } | TournamentError::DuplicateEntrant(_) => "agents",
            TournamentError::NoRepetitions => "repetitions",
            TournamentError::NotBilateral { .. } => "protocol",
            TournamentError::TooManyAssignments { .. } => "agents",
            _ => "scenario_ids",
        };
        ApiError::invalid(field, e.to_string())
    })?;
    if tournament.len() > MAX_NEGOTIATIONS {
        return Err(ApiError::invalid(
            "repetitions",
            format!(
                "this tournament has {} negotiations; a job may have at most {MAX_NEGOTIATIONS}: name fewer agents, \
                 scenarios or repetitions",
                tournament.len()
            ),
        ));
    }
    let scenario_list: Vec<Value> = loaded
        .iter()
        .zip(tournament.scenarios())
        .map(|(p, s)| {
            json!({
                "id": p.reference.id, "version": p.reference.version, "name": s.name,
                "parties": s.arena.parties.iter().map(|party| party.id.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let summary = json!({
        "negotiations": tournament.len(),
        "protocol": protocol_name(protocol),
        "rounds": rounds,
        "repetitions": repetitions,
        "seed": seed,
        "roles": roles,
        "self_play": self_play,
        "agents": tournament.entrants().iter().map(|e| e.name().to_owned()).collect::<Vec<_>>(),
        "scenarios": scenario_list,
    });
    Ok((tournament, summary))
}

// ------------------------------------------------------------------ errors

/// Every error: `{"error": {"code", "message", "field"?, …}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// snake_case: invalid_field, invalid_json, invalid_scenario, not_found, not_computed, not_finished, no_result,
    /// unauthorized, forbidden, body_too_large, busy, analysis_refused, not_spatial, forecast_failed, internal, database.
    pub code: String,
    pub message: String,
    /// The request field at fault, as a path (`actors[1]`, `spec.actors.capability`).
    pub field: Option<String>,
    /// Scenario text: the line and column at fault (1-based) and the file name used in the message.
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// Scenario validation: the actor, issue and field at fault.
    #[schema(value_type = Option<Object>)]
    pub locator: Option<Value>,
}

/// Unknown routes under `/api`.
pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no_route", format!("no route {}", uri.path()))
}

/// Known routes with another method.
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} {} is not a route", uri.path()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A computation sees its flag set once the request holding the guard is
    /// dropped mid-way, and an analysis reading that flag stops.
    #[test]
    fn a_dropped_request_cancels_its_computation() {
        let (guard, cancel) = CancelOnDrop::new();
        assert!(!cancel.load(Ordering::Relaxed));
        drop(guard);
        assert!(cancel.load(Ordering::Relaxed));
        let text = "name = \"x\"\n[[issues]]\nid = \"i\"\nkind = \"integer\"\nmin = 0\nmax = 9\n\
                    [[actors]]\nid = \"a\"\n[actors.preferences]\ntype = \"spatial\"\nposition = { i = 0 }\nsalience = { i = 100 }\n";
        let (scenario, _) =
            detente_formats::scenario_toml::load_toml("x.toml", text, detente_core::WeightPolicy::Refuse)
                .expect("a valid scenario");
        let result = analyze_watched(&scenario, &AnalysisOptions::default(), &|_, _| {}, &cancel);
        assert_eq!(result.expect_err("cancelled"), AnalysisError::Cancelled { done: 0, total: 10 });
    }
}
