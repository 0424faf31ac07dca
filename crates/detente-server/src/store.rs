//! The store: scenarios and their versions, results, jobs and API tokens, in
//! SQLite or PostgreSQL.
//!
//! One `sqlx::AnyPool` serves both, with one migration set
//! (`migrations/*.sql`, embedded at compile time) written in the SQL both
//! understand: TEXT and BIGINT columns, `$1` placeholders (SQLite reads them
//! too), no autoincrement, ids made here (UUIDs), times in microseconds.
//!
//! Every write is one transaction. SQLite runs in WAL mode with
//! `synchronous=FULL`, so a write that was acknowledged survives a crash of
//! the process or the machine, and its writes are serialised by a mutex here
//! (SQLite has one writer at a time anyway; the mutex keeps a transaction
//! from failing with `SQLITE_BUSY` when two try to upgrade from reading).

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{AnyPool, Executor, Row};
use tokio::sync::{Mutex, MutexGuard};

use crate::time::{now_micros, rfc3339};

/// The migrations, in order: (version, description, SQL).
const MIGRATIONS: [(i64, &str, &str); 1] = [(1, "init", include_str!("../migrations/0001_init.sql"))];

/// Which database a store is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`, as `/api/health` reports it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Config(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the database holds a value this version cannot read: {0}")]
    Corrupt(String),
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A scenario at one version, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ScenarioSummary {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub n_actors: i64,
    pub n_issues: i64,
    /// Decimal: may exceed 2^53 (and 2^64).
    pub n_outcomes: String,
    /// RFC 3339, UTC.
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: i64,
    /// RFC 3339, UTC: when this version was stored.
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub updated_at: i64,
}

fn as_rfc3339<S: serde::Serializer>(micros: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&rfc3339(*micros))
}

/// One stored version of a scenario, with the versions the scenario has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVersion {
    pub summary: ScenarioSummary,
    pub format: String,
    pub source: String,
    /// The normalised `ScenarioSpec`, as JSON.
    pub spec: String,
    pub warnings: Vec<String>,
    pub versions: Vec<i64>,
}

/// A version to store: what was sent and what it was validated into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion {
    pub name: String,
    pub format: String,
    pub source: String,
    pub spec: String,
    pub warnings: Vec<String>,
    pub n_actors: i64,
    pub n_issues: i64,
    pub n_outcomes: String,
}

/// A scenario version a result came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ScenarioRef {
    pub id: String,
    pub version: i64,
}

/// A result to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResult {
    pub id: String,
    /// What it came from: one scenario version, or (for a tournament) several.
    pub scenarios: Vec<ScenarioRef>,
    pub kind: String,
    pub options_key: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResult {
    pub id: String,
    pub scenarios: Vec<ScenarioRef>,
    pub kind: String,
    pub options_key: String,
    pub body: String,
    pub created_at: i64,
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<JobStatus> {
        [JobStatus::Queued, JobStatus::Running, JobStatus::Succeeded, JobStatus::Failed, JobStatus::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// Succeeded, failed or cancelled: it will not change again.
    pub fn is_final(self) -> bool {
        !matches!(self, JobStatus::Queued | JobStatus::Running)
    }
}

/// How the error of a job that a restart finds unfinished and cannot run
/// again begins; the reason follows.
pub const INTERRUPTED: &str = "interrupted by a restart";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub status: JobStatus,
    /// The request as JSON, with the versions it resolved to.
    pub params: String,
    pub scenario_id: Option<String>,
    pub version: Option<i64>,
    pub done: i64,
    pub total: i64,
    pub error: Option<String>,
    pub result_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A job to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: String,
    pub params: String,
    pub scenario: Option<ScenarioRef>,
    pub total: i64,
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEnd {
    Succeeded(NewResult),
    Failed(String),
    Cancelled(String),
}

/// The store. Cheap to clone: the pool and the write lock are shared.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite's writes, one at a time.
    writes: Option<Arc<Mutex<()>>>,
    /// The database, for people: the SQLite file, or the PostgreSQL URL without its password.
    location: String,
}

/// The embedded migrations, for sqlx's migrator.
#[derive(Debug)]
struct Embedded;

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> futures_core_shim::BoxFuture<'s, std::result::Result<Vec<Migration>, sqlx::error::BoxDynError>> {
        Box::pin(async move {
            Ok(MIGRATIONS
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// `futures_core::future::BoxFuture`, spelled out so as not to depend on futures-core.
mod futures_core_shim {
    pub(crate) type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
}

/// A database URL as sqlx reads it, which backend it is, and how to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    pub url: String,
    pub backend: Backend,
    /// The SQLite file, if it is one.
    pub sqlite_path: Option<std::path::PathBuf>,
    pub display: String,
}

impl DatabaseUrl {
    /// Reads `postgres://…`, `postgresql://…`, `sqlite://PATH` (or `sqlite:PATH`),
    /// or a plain file path (SQLite). SQLite files are created if missing.
    pub fn parse(text: &str) -> Result<DatabaseUrl> {
        let text = text.trim();
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(DatabaseUrl {
                url: text.to_owned(),
                backend: Backend::Postgres,
                sqlite_path: None,
                display: hide_password(text),
            });
        }
        let rest = if let Some(rest) = text.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = text.strip_prefix("sqlite:") {
            rest
        } else if text.contains("://") {
            return Err(StoreError::Config(format!(
                "database URL `{}`: expected postgres://…, sqlite://PATH or a file path",
                hide_password(text)
            )));
        } else {
            text
        };
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        if path.is_empty() || path == ":memory:" {
            return Err(StoreError::Config(
                "an SQLite database needs a file (an in-memory database would lose everything on exit)".to_owned(),
            ));
        }
        let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        if !params.iter().any(|p| p.starts_with("mode=")) {
            params.push("mode=rwc");
        }
        Ok(DatabaseUrl {
            url: format!("sqlite://{path}?{}", params.join("&")),
            backend: Backend::Sqlite,
            sqlite_path: Some(std::path::PathBuf::from(path)),
            display: path.to_owned(),
        })
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:***@host/db`.
fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn corrupt(what: impl Into<String>) -> StoreError {
    StoreError::Corrupt(what.into())
}

impl Store {
    /// Opens the database, creating an SQLite file (and its folder) if
    /// missing, and brings its schema up to date.
    pub async fn connect(database_url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let url = DatabaseUrl::parse(database_url)?;
        if let Some(parent) = url.sqlite_path.as_deref().and_then(std::path::Path::parent) {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    StoreError::Config(format!("cannot create the database's folder {}: {e}", parent.display()))
                })?;
            }
        }
        let options: AnyConnectOptions = url.url.parse()?;
        let backend = url.backend;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(std::time::Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL: readers never wait for the writer. FULL: every
                        // commit is on disk before it is acknowledged.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let migrator = Migrator::new(Embedded).await?;
        migrator.run(&pool).await?;
        let writes = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        Ok(Store { pool, backend, writes, location: url.display })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file, or the PostgreSQL URL without its password.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The pool, for tests and maintenance.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Waits for the connections to close.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn write_lock(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.writes {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }

    // ------------------------------------------------------------ scenarios

    /// Stores a new scenario at version 1.
    pub async fn create_scenario(&self, new: &NewVersion) -> Result<ScenarioSummary> {
        let id = new_id();
        let now = now_micros();
        let _guard = self.write_lock().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO scenarios (id, name, latest_version, created_at, updated_at) VALUES ($1, $2, 1, $3, $4)",
        )
        .bind(&id)
        .bind(&new.name)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_version(&mut tx, &id, 1, new, now).await?;
        tx.commit().await?;
        Ok(summary_of(id, 1, new, now, now))
    }

    /// Adds a version to a scenario; `None` if there is no such scenario.
    pub async fn add_version(&self, id: &str, new: &NewVersion) -> Result<Option<ScenarioSummary>> {
        let now = now_micros();
        let _guard = self.write_lock().await;
        let mut tx = self.pool.begin().await?;
        // The update takes the row's lock (PostgreSQL) before the version is read.
        let row = sqlx::query(
            "UPDATE scenarios SET latest_version = latest_version + 1, name = $1, updated_at = $2 WHERE id = $3 \
             RETURNING latest_version, created_at",
        )
        .bind(&new.name)
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let version: i64 = row.try_get(0)?;
        let created_at: i64 = row.try_get(1)?;
        insert_version(&mut tx, id, version, new, now).await?;
        tx.commit().await?;
        Ok(Some(summary_of(id.to_owned(), version, new, created_at, now)))
    }

    /// Every scenario at its latest version, newest first.
    pub async fn list_scenarios(&self) -> Result<Vec<ScenarioSummary>> {
        let rows = sqlx::query(
            "SELECT s.id, v.name, s.latest_version, v.n_actors, v.n_issues, v.n_outcomes, s.created_at, s.updated_at \
             FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id AND v.version = s.latest_version \
             ORDER BY s.created_at DESC, s.id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary_row).collect()
    }

    /// A scenario at `version`, or at its latest version; `None` if either is missing.
    pub async fn scenario(&self, id: &str, version: Option<i64>) -> Result<Option<StoredVersion>> {
        let Some(head) = sqlx::query("SELECT latest_version, created_at, updated_at FROM scenarios WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let latest: i64 = head.try_get(0)?;
        let created_at: i64 = head.try_get(1)?;
        let updated_at: i64 = head.try_get(2)?;
        let version = version.unwrap_or(latest);
        let Some(row) = sqlx::query(
            "SELECT name, format, source, spec, warnings, n_actors, n_issues, n_outcomes, created_at \
             FROM scenario_versions WHERE scenario_id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let versions: Vec<i64> =
            sqlx::query("SELECT version FROM scenario_versions WHERE scenario_id = $1 ORDER BY version")
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
        let warnings: String = row.try_get(4)?;
        let version_created: i64 = row.try_get(8)?;
        Ok(Some(StoredVersion {
            summary: ScenarioSummary {
                id: id.to_owned(),
                name: row.try_get(0)?,
                version,
                n_actors: row.try_get(5)?,
                n_issues: row.try_get(6)?,
                n_outcomes: row.try_get(7)?,
                created_at,
                updated_at: if version == latest { updated_at } else { version_created },
            },
            format: row.try_get(1)?,
            source: row.try_get(2)?,
            spec: row.try_get(3)?,
            warnings: serde_json::from_str(&warnings).map_err(|e| corrupt(format!("warnings of {id}: {e}")))?,
            versions,
        }))
    }

    /// Deletes a scenario with its versions, results and jobs; `false` if there was none.
    pub async fn delete_scenario(&self, id: &str) -> Result<bool> {
        let _guard = self.write_lock().await;
        let mut tx = self.pool.begin().await?;
        // Spelled out, not left to ON DELETE CASCADE alone, so that a
        // connection without foreign keys enforced deletes them as well.
        for table in ["jobs", "results"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE scenario_id = $1")).bind(id).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM scenario_versions WHERE scenario_id = $1").bind(id).execute(&mut *tx).await?;
        let deleted = sqlx::query("DELETE FROM scenarios WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(deleted.rows_affected() > 0)
    }

    /// Stores the bundled scenarios, once in the database's life: a second
    /// start, or a database whose bundled scenarios were deleted, gets none.
    /// Returns how many were stored.
    pub async fn seed_once(&self, scenarios: &[NewVersion]) -> Result<usize> {
        const KEY: &str = "bundled_scenarios_loaded";
        let _guard = self.write_lock().await;
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("SELECT value FROM meta WHERE key = $1").bind(KEY).fetch_optional(&mut *tx).await?;
        if done.is_some() {
            return Ok(0);
        }
        let now = now_micros();
        for (k, new) in scenarios.iter().enumerate() {
            let id = new_id();
            // Listed newest first, so the first bundled scenario is made last.
            let at = now + (scenarios.len() - k) as i64;
            sqlx::query(
                "INSERT INTO scenarios (id, name, latest_version, created_at, updated_at) VALUES ($1, $2, 1, $3, $4)",
            )
            .bind(&id)
            .bind(&new.name)
            .bind(at)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            insert_version(&mut tx, &id, 1, new, at).await?;
        }
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
            .bind(KEY)
            .bind(rfc3339(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(scenarios.len())
    }

    // -------------------------------------------------------------- results

    /// The result of `kind` with these options on this scenario version, if stored.
    pub async fn cached_result(
        &self,
        scenario: &ScenarioRef,
        kind: &str,
        options_key: &str,
    ) -> Result<Option<StoredResult>> {
        let row = sqlx::query(
            "SELECT id, scenarios, kind, options_key, body, created_at FROM results \
             WHERE scenario_id = $1 AND version = $2 AND kind = $3 AND options_key = $4",
        )
        .bind(&scenario.id)
        .bind(scenario.version)
        .bind(kind)
        .bind(options_key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(result_row).transpose()
    }

    /// Stores a result. If the same (scenario, version, kind, options) was
    /// stored meanwhile, that one is kept and returned.
    pub async fn insert_result(&self, new: &NewResult) -> Result<StoredResult> {
        let now = now_micros();
        let _guard = self.write_lock().await;
        let mut tx = self.pool.begin().await?;
        if let Some(single) = single(&new.scenarios) {
            let existing = sqlx::query(
                "SELECT id, scenarios, kind, options_key, body, created_at FROM results \
                 WHERE scenario_id = $1 AND version = $2 AND kind = $3 AND options_key = $4",
            )
            .bind(&single.id)
            .bind(single.version)
            .bind(&new.kind)
            .bind(&new.options_key)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = existing {
                return result_row(&row);
            }
        }
        insert_result_row(&mut tx, new, now).await?;
        tx.commit().await?;
        Ok(StoredResult {
            id: new.id.clone(),
            scenarios: new.scenarios.clone(),
            kind: new.kind.clone(),
            options_key: new.options_key.clone(),
            body: new.body.clone(),
            created_at: now,
        })
    }

    pub async fn result(&self, id: &str) -> Result<Option<StoredResult>> {
        let row = sqlx::query("SELECT id, scenarios, kind, options_key, body, created_at FROM results WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(result_row).transpose()
    }

    // ----------------------------------------------------------------- jobs

    /// Queues a job.
    pub async fn create_job(&self, new: &NewJob) -> Result<JobRecord> {
        let id = new_id();
        let now = now_micros();
        let _guard = self.write_lock().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO jobs (id, kind, status, params, scenario_id, version, progress_done, progress_total, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&new.kind)
        .bind(JobStatus::Queued.as_str())
        .bind(&new.params)
        .bind(new.scenario.as_ref().map(|s| s.id.clone()))
        .bind(new.scenario.as_ref().map(|s| s.version))
        .bind(new.total)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(JobRecord {
            id,
            kind: new.kind.clone(),
            status: JobStatus::Queued,
            params: new.params.clone(),
            scenario_id: new.scenario.as_ref().map(|s| s.id.clone()),
            version: new.scenario.as_ref().map(|s| s.version),
            done: 0,
            total: new.total,
            error: None,
            result_id: None,
            created_at: now,
            updated_at: now,
        })
    }

    pub async fn job(&self, id: &str) -> Result<Option<JobRecord>> {
        let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_row).transpose()
    }

    /// The newest `limit` jobs, newest first.
    pub async fn list_jobs(&self, limit: i64) -> Result<Vec<JobRecord>> {
        let rows = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs ORDER BY created_at DESC, id DESC LIMIT $1"))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(job_row).collect()
    }

    /// Queued → running; `false` if the job is no longer queued (cancelled, deleted).
    pub async fn start_job(&self, id: &str) -> Result<bool> {
        self.transition(id, &[JobStatus::Queued], JobStatus::Running, None, None, None).await
    }

    /// Records how far a running job is.
    pub async fn job_progress(&self, id: &str, done: i64) -> Result<()> {
        let _guard = self.write_lock().await;
        sqlx::query("UPDATE jobs SET progress_done = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(done)
            .bind(now_micros())
            .bind(id)
            .bind(JobStatus::Running.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a queued or running job, storing its result in the same
    /// transaction; `false` (and nothing stored) if it had already ended or
    /// is gone.
    pub async fn finish_job(&self, id: &str, end: &JobEnd, done: Option<i64>) -> Result<bool> {
        let from = [JobStatus::Queued, JobStatus::Running];
        match end {
            JobEnd::Succeeded(result) => {
                self.transition(id, &from, JobStatus::Succeeded, None, Some(result), done).await
            }
            JobEnd::Failed(error) => self.transition(id, &from, JobStatus::Failed, Some(error), None, done).await,
            JobEnd::Cancelled(error) => self.transition(id, &from, JobStatus::Cancelled, Some(error), None, done).await,
        }
    }

    async fn transition(
        &self,
        id: &str,
        from: &[JobStatus],
        to: JobStatus,
        error: Option<&str>,
        result: Option<&NewResult>,
        done: Option<i64>,
    ) -> Result<bool> {
        let now = now_micros();
        let _guard = self.write_lock().await;
        let mut tx = self.pool.begin().await?;
        let statuses: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let changed = sqlx::query(&format!(
            "UPDATE jobs SET status = $1, error = $2, result_id = $3, \
             progress_done = CASE WHEN $4 < 0 THEN progress_done ELSE $4 END, updated_at = $5 \
             WHERE id = $6 AND status IN ({})",
            statuses.join(", ")
        ))
        .bind(to.as_str())
        .bind(error.map(str::to_owned))
        .bind(result.map(|r| r.id.clone()))
        .bind(done.unwrap_or(-1))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Ok(false);
        }
        if let Some(result) = result {
            insert_result_row(&mut tx, result, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Puts the jobs a previous run of the server left queued or running
    /// back in the queue, from the start (progress 0, no error), and returns
    /// them, oldest first, for the pool to run again. Call once, on start,
    /// before any job is submitted: one server per database.
    pub async fn requeue_interrupted_jobs(&self) -> Result<Vec<JobRecord>> {
        let now = now_micros();
        let _guard = self.write_lock().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE jobs SET status = $1, progress_done = 0, error = NULL, result_id = NULL, updated_at = $2 \
             WHERE status IN ($3, $4)",
        )
        .bind(JobStatus::Queued.as_str())
        .bind(now)
        .bind(JobStatus::Queued.as_str())
        .bind(JobStatus::Running.as_str())
        .execute(&mut *tx)
        .await?;
        let rows = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE status = $1 ORDER BY created_at, id"))
            .bind(JobStatus::Queued.as_str())
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.iter().map(job_row).collect()
    }

    // --------------------------------------------------------------- tokens

    /// Makes a new API token and stores its SHA-256; the token itself is
    /// returned once and kept nowhere.
    pub async fn create_token(&self) -> Result<String> {
        // 244 random bits from the operating system's generator.
        let token = format!("dtk_{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
        let _guard = self.write_lock().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO api_tokens (id, token_hash, created_at) VALUES ($1, $2, $3)")
            .bind(new_id())
            .bind(sha256_hex(&token))
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Whether `token` is one [`Store::create_token`] made.
    pub async fn token_valid(&self, token: &str) -> Result<bool> {
        let row = sqlx::query("SELECT id FROM api_tokens WHERE token_hash = $1")
            .bind(sha256_hex(token))
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }
}

const JOB_COLUMNS: &str = "id, kind, status, params, scenario_id, version, progress_done, progress_total, error, \
                           result_id, created_at, updated_at";

fn single(scenarios: &[ScenarioRef]) -> Option<&ScenarioRef> {
    match scenarios {
        [one] => Some(one),
        _ => None,
    }
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    version: i64,
    new: &NewVersion,
    now: i64,
) -> Result<()> {
    let warnings = serde_json::to_string(&new.warnings).map_err(|e| corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO scenario_versions (scenario_id, version, name, format, source, spec, warnings, n_actors, \
         n_issues, n_outcomes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(version)
    .bind(&new.name)
    .bind(&new.format)
    .bind(&new.source)
    .bind(&new.spec)
    .bind(warnings)
    .bind(new.n_actors)
    .bind(new.n_issues)
    .bind(&new.n_outcomes)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_result_row(tx: &mut sqlx::Transaction<'_, sqlx::Any>, new: &NewResult, now: i64) -> Result<()> {
    let one = single(&new.scenarios);
    sqlx::query(
        "INSERT INTO results (id, scenario_id, version, scenarios, kind, options_key, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&new.id)
    .bind(one.map(|s| s.id.clone()))
    .bind(one.map(|s| s.version))
    .bind(serde_json::to_string(&new.scenarios).map_err(|e| corrupt(e.to_string()))?)
    .bind(&new.kind)
    .bind(&new.options_key)
    .bind(&new.body)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn summary_of(id: String, version: i64, new: &NewVersion, created_at: i64, updated_at: i64) -> ScenarioSummary {
    ScenarioSummary {
        id,
        name: new.name.clone(),
        version,
        n_actors: new.n_actors,
        n_issues: new.n_issues,
        n_outcomes: new.n_outcomes.clone(),
        created_at,
        updated_at,
    }
}

fn summary_row(row: &AnyRow) -> Result<ScenarioSummary> {
    Ok(ScenarioSummary {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        version: row.try_get(2)?,
        n_actors: row.try_get(3)?,
        n_issues: row.try_get(4)?,
        n_outcomes: row.try_get(5)?,
        created_at: row.try_get(6)?,
        updated_at: row.try_get(7)?,
    })
}

fn result_row(row: &AnyRow) -> Result<StoredResult> {
    let id: String = row.try_get(0)?;
    let scenarios: String = row.try_get(1)?;
    Ok(StoredResult {
        scenarios: serde_json::from_str(&scenarios).map_err(|e| corrupt(format!("scenarios of result {id}: {e}")))?,
        id,
        kind: row.try_get(2)?,
        options_key: row.try_get(3)?,
        body: row.try_get(4)?,
        created_at: row.try_get(5)?,
    })
}

fn job_row(row: &AnyRow) -> Result<JobRecord> {
    let status: String = row.try_get(2)?;
    Ok(JobRecord {
        id: row.try_get(0)?,
        kind: row.try_get(1)?,
        status: JobStatus::parse(&status).ok_or_else(|| corrupt(format!("job status `{status}`")))?,
        params: row.try_get(3)?,
        scenario_id: row.try_get(4)?,
        version: row.try_get(5)?,
        done: row.try_get(6)?,
        total: row.try_get(7)?,
        error: row.try_get(8)?,
        result_id: row.try_get(9)?,
        created_at: row.try_get(10)?,
        updated_at: row.try_get(11)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        let u = DatabaseUrl::parse("/tmp/x/detente.db").expect("a path");
        assert_eq!((u.backend, u.url.as_str()), (Backend::Sqlite, "sqlite:///tmp/x/detente.db?mode=rwc"));
        let u = DatabaseUrl::parse("sqlite://d.db?mode=ro").expect("sqlite");
        assert_eq!(u.url, "sqlite://d.db?mode=ro");
        let u = DatabaseUrl::parse("postgres://me:secret@localhost/detente").expect("postgres");
        assert_eq!((u.backend, u.display.as_str()), (Backend::Postgres, "postgres://me:***@localhost/detente"));
        assert!(DatabaseUrl::parse("mysql://localhost/x").is_err());
        assert!(DatabaseUrl::parse("sqlite::memory:").is_err());
    }

    #[test]
    fn token_hashes_are_sha256() {
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
