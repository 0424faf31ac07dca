//! Detente's HTTP server: stored scenarios with immutable versions, analyses
//! and forecasts computed once and served from the store, long work as jobs,
//! and the dashboard's static files. `detente serve` runs it; docs/api.md is
//! the API's reference and `/api/openapi.json` its OpenAPI document.
//!
//! - [`store`]: SQLite or PostgreSQL through one `sqlx::AnyPool` and one
//!   migration set.
//! - [`api`]: the handlers; [`extract`] and [`error`]: JSON in, JSON errors out.
//! - [`jobs`]: the bounded worker pool.
//! - [`scenarios`]: what arrives, validated, and the bundled scenarios.
//! - [`assets`]: the dashboard, embedded at compile time.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod api;
pub mod assets;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod openapi;
pub mod scenarios;
pub mod store;
pub mod time;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::{Semaphore, SemaphorePermit};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::error::ApiError;
use crate::jobs::Jobs;
use crate::store::Store;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether reads need no token (the server listens on loopback only).
    pub open_reads: bool,
    /// The largest request body, in bytes.
    pub body_limit: usize,
    /// Jobs running at once.
    pub workers: usize,
    /// Jobs queued or running at once; more are refused with 503.
    pub max_pending_jobs: usize,
    /// Analyses and forecasts computing at once; more wait.
    pub compute_slots: usize,
    /// Whether to store the bundled scenarios on a database's first start.
    pub seed_bundled: bool,
}

impl Default for Settings {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        Settings {
            open_reads: true,
            body_limit: 8 << 20,
            workers: cores.div_ceil(2).max(1),
            max_pending_jobs: 64,
            compute_slots: cores.max(2),
            seed_bundled: true,
        }
    }
}

/// What every handler shares. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    store: Store,
    jobs: Jobs,
    settings: Settings,
    compute: Semaphore,
    /// Response bodies of `GET /api/scenarios/{id}/analysis`, keyed by the
    /// scenario id and the requested version (`None`: the latest). A stored
    /// result never changes, so only a new version or a deletion of the
    /// scenario drops its entries; one server per database (docs/api.md)
    /// keeps this cache true.
    analysis_cache: std::sync::RwLock<std::collections::HashMap<(String, Option<i64>), axum::body::Bytes>>,
    /// Bumped by every `forget_analyses`, so that a body read from the
    /// database before a new version was added is not cached after it.
    analysis_generation: std::sync::atomic::AtomicU64,
}

impl AppState {
    /// Opens (creating and migrating if need be) the database at
    /// `database_url` with the default settings; see [`AppState::connect_with`].
    pub async fn connect(database_url: &str) -> anyhow::Result<AppState> {
        AppState::connect_with(database_url, Settings::default()).await
    }

    /// Opens the database, stores the bundled scenarios if this database
    /// never had them, and runs again, from the start, the jobs a previous
    /// run left queued or running (a job whose work cannot be rebuilt, its
    /// scenario deleted say, is marked failed, "interrupted by a restart
    /// and cannot be resumed: …").
    pub async fn connect_with(database_url: &str, settings: Settings) -> anyhow::Result<AppState> {
        let store = Store::connect(database_url).await?;
        let interrupted = store.requeue_interrupted_jobs().await?;
        if settings.seed_bundled {
            let bundled = scenarios::bundled().map_err(|e| anyhow::anyhow!(e.message))?;
            let stored = store.seed_once(&bundled).await?;
            if stored > 0 {
                tracing::info!(scenarios = stored, "stored the bundled scenarios");
            }
        }
        let jobs = Jobs::new(settings.workers, settings.max_pending_jobs);
        let compute = Semaphore::new(settings.compute_slots.max(1));
        let analysis_cache = Default::default();
        let analysis_generation = Default::default();
        let state = AppState(Arc::new(Inner { store, jobs, settings, compute, analysis_cache, analysis_generation }));
        state.resume_jobs(interrupted).await?;
        Ok(state)
    }

    /// Rebuilds and resubmits the requeued jobs, or fails those that cannot be rebuilt.
    async fn resume_jobs(&self, interrupted: Vec<store::JobRecord>) -> anyhow::Result<()> {
        let (mut resumed, mut failed) = (0_usize, 0_usize);
        for job in interrupted {
            match api::rebuild_job(self, &job).await {
                Ok((refs, work)) => {
                    self.0.jobs.resume(&self.0.store, &job, refs, work);
                    tracing::info!(job = job.id, kind = job.kind, "job resumed from the start after a restart");
                    resumed += 1;
                }
                Err(e) => {
                    let error = format!("{} and cannot be resumed: {}", store::INTERRUPTED, e.message);
                    tracing::warn!(job = job.id, kind = job.kind, error, "cannot resume the job");
                    self.0.store.finish_job(&job.id, &store::JobEnd::Failed(error), None).await?;
                    failed += 1;
                }
            }
        }
        if resumed + failed > 0 {
            tracing::info!(
                resumed,
                failed,
                "jobs left unfinished by the last run: resumed, or failed when they cannot be rebuilt"
            );
        }
        Ok(())
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    pub fn jobs(&self) -> &Jobs {
        &self.0.jobs
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    /// The cached body of a stored default analysis, if any.
    pub(crate) fn cached_analysis(&self, id: &str, version: Option<i64>) -> Option<axum::body::Bytes> {
        let cache = self.0.analysis_cache.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.get(&(id.to_owned(), version)).cloned()
    }

    /// The cache's generation, read before a body is fetched from the store.
    pub(crate) fn analysis_generation(&self) -> u64 {
        self.0.analysis_generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Caches a body fetched when the generation was `generation`, unless a
    /// scenario changed since.
    pub(crate) fn cache_analysis(&self, id: &str, version: Option<i64>, generation: u64, body: axum::body::Bytes) {
        let mut cache = self.0.analysis_cache.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.analysis_generation() == generation {
            cache.insert((id.to_owned(), version), body);
        }
    }

    /// Drops every cached body of scenario `id`: after a new version (the
    /// latest changed) or a deletion.
    pub(crate) fn forget_analyses(&self, id: &str) {
        let mut cache = self.0.analysis_cache.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        self.0.analysis_generation.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        cache.retain(|(cached, _), _| cached != id);
    }

    async fn compute_permit(&self) -> Result<SemaphorePermit<'_>, ApiError> {
        self.0.compute.acquire().await.map_err(|_| ApiError::internal("the server is shutting down"))
    }

    /// Asks every job to stop (they end as cancelled).
    pub fn cancel_all_jobs(&self) {
        self.0.jobs.cancel_all();
    }

    /// Cancels the running jobs, waits (up to `timeout`) until they have
    /// been marked cancelled, and closes the database.
    pub async fn shutdown(&self, timeout: Duration) {
        self.0.jobs.cancel_all();
        if !self.0.jobs.wait_idle(timeout).await {
            tracing::warn!("some jobs did not stop in time; the next start runs them again");
        }
        self.0.store.close().await;
    }
}

/// The whole application: `/api/…`, the OpenAPI document and the dashboard.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(api::health))
        .route("/openapi.json", get(openapi::document))
        .route("/scenarios", get(api::list_scenarios).post(api::create_scenario))
        .route("/scenarios/{id}", get(api::get_scenario).put(api::update_scenario).delete(api::delete_scenario))
        .route("/scenarios/{id}/versions/{version}", get(api::get_scenario_version))
        .route("/scenarios/{id}/analysis", get(api::get_analysis).post(api::post_analysis))
        .route("/scenarios/{id}/outcomes", get(api::get_outcomes))
        .route("/scenarios/{id}/forecasts", post(api::post_forecast))
        .route("/jobs", get(api::list_jobs).post(api::create_job))
        .route("/jobs/{id}", get(api::get_job))
        .route("/jobs/{id}/cancel", post(api::cancel_job))
        .route("/jobs/{id}/result", get(api::job_result))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .route_layer(middleware::from_fn_with_state(state.clone(), authorize));
    let body_limit = state.settings().body_limit;
    Router::new()
        .nest("/api", api)
        .fallback(assets::serve)
        .layer(DefaultBodyLimit::max(body_limit))
        // gzip for clients that ask (browsers do): the dashboard's script
        // and large analyses (frontiers, samples) shrink several times over.
        .layer(CompressionLayer::new().gzip(true).no_br().no_deflate().no_zstd())
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            ApiError::internal("the request stopped on an internal error; see the server's log").into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// Writes need `Authorization: Bearer <token>` (401 without one, 403 with an
/// unknown one); so do reads when the server is not on loopback only.
/// `/api/health` is always open.
async fn authorize(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let write = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let open = request.uri().path().ends_with("/api/health") || request.uri().path() == "/health";
    if open || (!write && state.settings().open_reads) {
        return next.run(request).await;
    }
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        let mut response = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this request needs an API token: `Authorization: Bearer <token>` (make one with `detente token create`)",
        )
        .into_response();
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    };
    match state.store().token_valid(token).await {
        Ok(true) => next.run(request).await,
        Ok(false) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", "this API token is not valid").into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// Logs to stderr: `DETENTE_LOG` (or `RUST_LOG`) filters, default `info`;
/// `DETENTE_LOG_FORMAT=json` writes one JSON object a line.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("DETENTE_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr);
    let json = std::env::var("DETENTE_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    // A second call (tests) keeps the first subscriber.
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}

/// The SQLite file `detente serve` uses without `--database-url`:
/// `detente/detente.db` in the user's data directory (`~/.local/share` on
/// Linux, `~/Library/Application Support` on macOS, `%APPDATA%` on Windows).
pub fn default_database_path() -> Option<std::path::PathBuf> {
    dirs::data_dir().map(|d| d.join("detente").join("detente.db"))
}

/// Serves `state` on `listener` until Ctrl-C or SIGTERM, then stops taking
/// connections, cancels the running jobs (they end as cancelled), lets the
/// requests in flight finish, and closes the database.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = router(state.clone());
    let signalled = state.clone();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: cancelling the running jobs");
            signalled.cancel_all_jobs();
        })
        .await?;
    state.shutdown(Duration::from_secs(30)).await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
