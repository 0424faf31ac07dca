//! The database each API test's app runs on: a fresh SQLite file, or, when
//! `DETENTE_TEST_POSTGRES_URL` is set, a fresh schema of its own on that
//! PostgreSQL server (as the store suite's PostgreSQL run does), so that the
//! tests run in parallel on one server without seeing each other's rows.
//! Either is removed when the test ends.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::{Connection, Executor, PgConnection};

/// The variable naming the PostgreSQL server to test on, as `postgres://USER@HOST:PORT/DB`.
pub(crate) const POSTGRES_URL_VAR: &str = "DETENTE_TEST_POSTGRES_URL";

/// A test's database, removed on drop.
pub(crate) enum TestDb {
    Sqlite(TempDir),
    Postgres(PgSchema),
}

impl TestDb {
    /// A schema on `$DETENTE_TEST_POSTGRES_URL` if set, else an SQLite file in a temporary folder.
    pub(crate) async fn new() -> TestDb {
        match std::env::var(POSTGRES_URL_VAR) {
            Ok(base) => TestDb::Postgres(PgSchema::create(base).await),
            Err(_) => TestDb::Sqlite(TempDir::new()),
        }
    }

    /// The database URL to give the server.
    pub(crate) fn url(&self) -> String {
        match self {
            TestDb::Sqlite(dir) => dir.0.join("detente.db").display().to_string(),
            TestDb::Postgres(schema) => schema.url(),
        }
    }

    /// The backend the server must report (`/api/health`'s `database`).
    pub(crate) fn database(&self) -> &'static str {
        match self {
            TestDb::Sqlite(_) => "sqlite",
            TestDb::Postgres(_) => "postgres",
        }
    }
}

/// A temporary folder, removed on drop.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "detente-api-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A schema of one test's own on the PostgreSQL server, dropped (with
/// everything in it) on drop. The app's connections find it through their
/// `search_path` and carry its name as their `application_name`, so that the
/// drop can end them first: a connection the test left inside a transaction
/// (a job cut off by the test's end) would otherwise hold the locks
/// `DROP SCHEMA` waits for, on a runtime the drop blocks.
pub(crate) struct PgSchema {
    base: String,
    name: String,
}

impl PgSchema {
    async fn create(base: String) -> PgSchema {
        let name = format!("detente_api_{}_{}", std::process::id(), uuid::Uuid::new_v4().simple());
        let mut admin =
            PgConnection::connect(&base).await.unwrap_or_else(|e| panic!("connect to {POSTGRES_URL_VAR}: {e}"));
        admin.execute(format!("CREATE SCHEMA {name}").as_str()).await.expect("create schema");
        admin.close().await.expect("close");
        PgSchema { base, name }
    }

    fn url(&self) -> String {
        let separator = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{separator}options=-c%20search_path%3D{name}&application_name={name}", self.base, name = self.name)
    }
}

async fn drop_schema(base: &str, name: &str) -> Result<(), sqlx::Error> {
    let mut admin = PgConnection::connect(base).await?;
    admin.execute("SET lock_timeout = '10s'").await?;
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE application_name = $1 AND pid <> pg_backend_pid()",
    )
    .bind(name)
    .execute(&mut admin)
    .await?;
    admin.execute(format!("DROP SCHEMA IF EXISTS {name} CASCADE").as_str()).await?;
    admin.close().await
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        // Drop runs inside the test's (single-threaded) runtime, which cannot
        // be blocked on: the drop gets a thread and a runtime of its own.
        let (base, name) = (self.base.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(drop_schema(&base, &name))
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop the test schema {}: {e}", self.name),
            Err(_) => eprintln!("could not drop the test schema {}: the thread panicked", self.name),
        }
    }
}
