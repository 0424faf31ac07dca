//! The store's suite: one generic suite, run against SQLite always and
//! against PostgreSQL when `DETENTE_TEST_POSTGRES_URL` is set (each run in a
//! schema of its own, dropped afterwards).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use detente_server::store::{Backend, JobEnd, JobStatus, NewJob, NewResult, NewVersion, ScenarioRef, Store};
use sqlx::Row;

fn version(name: &str) -> NewVersion {
    NewVersion {
        name: name.to_owned(),
        format: "toml".to_owned(),
        source: format!("name = \"{name}\""),
        spec: format!("{{\"name\":\"{name}\"}}"),
        warnings: vec!["weights normalised".to_owned()],
        n_actors: 2,
        n_issues: 3,
        n_outcomes: "340282366920938463463374607431768211456".to_owned(),
    }
}

fn result(id: &str, scenario: &ScenarioRef, kind: &str, key: &str, body: &str) -> NewResult {
    NewResult {
        id: id.to_owned(),
        scenarios: vec![scenario.clone()],
        kind: kind.to_owned(),
        options_key: key.to_owned(),
        body: body.to_owned(),
    }
}

/// Everything the API relies on, on one store.
async fn suite(store: &Store, backend: Backend) {
    assert_eq!(store.backend(), backend);

    // Scenarios and versions.
    let a = store.create_scenario(&version("A")).await.expect("create A");
    let b = store.create_scenario(&version("B")).await.expect("create B");
    assert_eq!((a.version, a.n_outcomes.as_str()), (1, "340282366920938463463374607431768211456"));
    let listed = store.list_scenarios().await.expect("list");
    let ids: Vec<&str> = listed.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [b.id.as_str(), a.id.as_str()], "newest first");

    let a2 = store.add_version(&a.id, &version("A, second")).await.expect("update").expect("A exists");
    assert_eq!((a2.version, a2.name.as_str()), (2, "A, second"));
    assert!(store.add_version("missing", &version("X")).await.expect("update").is_none());
    let latest = store.scenario(&a.id, None).await.expect("get").expect("A");
    assert_eq!((latest.summary.version, latest.versions.clone()), (2, vec![1, 2]));
    let first = store.scenario(&a.id, Some(1)).await.expect("get").expect("A v1");
    assert_eq!((first.summary.name.as_str(), first.source.as_str()), ("A", "name = \"A\""));
    assert_eq!(first.warnings, ["weights normalised"]);
    assert!(store.scenario(&a.id, Some(3)).await.expect("get").is_none());
    assert!(store.scenario("missing", None).await.expect("get").is_none());

    // Concurrent updates each get their own version.
    let mut tasks = Vec::new();
    for k in 0..8 {
        let (store, id) = (store.clone(), b.id.clone());
        tasks.push(tokio::spawn(async move {
            store.add_version(&id, &version(&format!("B{k}"))).await.expect("update").expect("B").version
        }));
    }
    let mut versions = Vec::new();
    for task in tasks {
        versions.push(task.await.expect("task"));
    }
    versions.sort_unstable();
    assert_eq!(versions, (2..=9).collect::<Vec<i64>>());

    // Results: cached by (scenario, version, kind, options); the first stored wins.
    let a1 = ScenarioRef { id: a.id.clone(), version: 1 };
    let stored = store.insert_result(&result("r1", &a1, "analysis", "{}", "{\"x\":1}")).await.expect("insert");
    assert_eq!(stored.id, "r1");
    let raced = store.insert_result(&result("r2", &a1, "analysis", "{}", "{\"x\":2}")).await.expect("insert");
    assert_eq!((raced.id.as_str(), raced.body.as_str()), ("r1", "{\"x\":1}"));
    let cached = store.cached_result(&a1, "analysis", "{}").await.expect("cached").expect("stored");
    assert_eq!((cached.id.as_str(), cached.scenarios.clone()), ("r1", vec![a1.clone()]));
    assert!(
        store.cached_result(&ScenarioRef { version: 2, ..a1.clone() }, "analysis", "{}").await.expect("c").is_none()
    );
    assert!(store.cached_result(&a1, "forecast", "{}").await.expect("cached").is_none());
    // A result of several scenarios (a tournament's).
    let many = NewResult {
        id: "r3".to_owned(),
        scenarios: vec![a1.clone(), ScenarioRef { id: b.id.clone(), version: 1 }],
        kind: "tournament".to_owned(),
        options_key: "job".to_owned(),
        body: "{}".to_owned(),
    };
    store.insert_result(&many).await.expect("insert");
    assert_eq!(store.result("r3").await.expect("get").expect("r3").scenarios.len(), 2);

    // Jobs: queued → running → progress → succeeded with the result, in one transaction.
    let job = store
        .create_job(&NewJob {
            kind: "sensitivity".to_owned(),
            params: "{}".to_owned(),
            scenario: Some(a1.clone()),
            total: 100,
        })
        .await
        .expect("job");
    assert_eq!(job.status, JobStatus::Queued);
    assert!(store.start_job(&job.id).await.expect("start"));
    assert!(!store.start_job(&job.id).await.expect("start twice"), "a running job does not start again");
    store.job_progress(&job.id, 40).await.expect("progress");
    let running = store.job(&job.id).await.expect("get").expect("job");
    assert_eq!((running.status, running.done, running.total), (JobStatus::Running, 40, 100));
    let end = JobEnd::Succeeded(result("r4", &a1, "sensitivity", &job.id, "{\"runs\":100}"));
    assert!(store.finish_job(&job.id, &end, Some(100)).await.expect("finish"));
    assert!(!store.finish_job(&job.id, &JobEnd::Failed("late".to_owned()), None).await.expect("finish twice"));
    let done = store.job(&job.id).await.expect("get").expect("job");
    assert_eq!((done.status, done.done, done.result_id.as_deref()), (JobStatus::Succeeded, 100, Some("r4")));
    assert_eq!(store.result("r4").await.expect("get").expect("r4").body, "{\"runs\":100}");

    // A job that cannot end (deleted meanwhile) stores no result.
    let gone = store.finish_job("missing", &JobEnd::Succeeded(result("r5", &a1, "x", "y", "{}")), None).await;
    assert!(!gone.expect("finish"));
    assert!(store.result("r5").await.expect("get").is_none());

    // Jobs left running or queued by a crash are queued again, from the start, on the next start.
    let left_running = store
        .create_job(&NewJob { kind: "tournament".to_owned(), params: "{}".to_owned(), scenario: None, total: 5 })
        .await
        .expect("job");
    store.start_job(&left_running.id).await.expect("start");
    store.job_progress(&left_running.id, 3).await.expect("progress");
    let left_queued = store
        .create_job(&NewJob {
            kind: "negotiation".to_owned(),
            params: "{}".to_owned(),
            scenario: Some(a1.clone()),
            total: 1,
        })
        .await
        .expect("job");
    let cancelled = store
        .create_job(&NewJob { kind: "tournament".to_owned(), params: "{}".to_owned(), scenario: None, total: 5 })
        .await
        .expect("job");
    assert!(
        store
            .finish_job(&cancelled.id, &JobEnd::Cancelled("cancelled on request".to_owned()), None)
            .await
            .expect("cancel")
    );
    let requeued = store.requeue_interrupted_jobs().await.expect("requeue");
    let ids: Vec<&str> = requeued.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, [left_running.id.as_str(), left_queued.id.as_str()], "oldest first");
    for id in [&left_running.id, &left_queued.id] {
        let j = store.job(id).await.expect("get").expect("job");
        assert_eq!((j.status, j.done, j.error.as_deref()), (JobStatus::Queued, 0, None));
    }
    assert_eq!(store.job(&left_running.id).await.expect("get").expect("job").total, 5);
    let still = store.job(&cancelled.id).await.expect("get").expect("job");
    assert_eq!((still.status, still.error.as_deref()), (JobStatus::Cancelled, Some("cancelled on request")));
    let listed = store.list_jobs(10).await.expect("list");
    assert_eq!(listed.first().map(|j| j.id.as_str()), Some(cancelled.id.as_str()), "newest first");
    assert_eq!(listed.len(), 4);

    // Tokens: only the hash is stored.
    let token = store.create_token().await.expect("token");
    assert!(token.starts_with("dtk_") && token.len() > 60, "{token}");
    assert!(store.token_valid(&token).await.expect("check"));
    assert!(!store.token_valid("dtk_guess").await.expect("check"));
    let hashes: Vec<String> = sqlx::query("SELECT token_hash FROM api_tokens")
        .fetch_all(store.pool())
        .await
        .expect("hashes")
        .iter()
        .map(|r| r.try_get(0).expect("hash"))
        .collect();
    assert!(hashes.iter().all(|h| h.len() == 64 && *h != token));

    // Deleting a scenario deletes its versions, results and jobs.
    assert!(store.delete_scenario(&a.id).await.expect("delete"));
    assert!(!store.delete_scenario(&a.id).await.expect("delete twice"));
    assert!(store.scenario(&a.id, Some(1)).await.expect("get").is_none());
    assert!(store.result("r1").await.expect("get").is_none());
    assert!(store.job(&job.id).await.expect("get").is_none());
    assert!(store.job(&left_running.id).await.expect("get").is_some(), "a tournament job is no scenario's");

    // The bundled scenarios are stored once in a database's life.
    assert_eq!(store.seed_once(&[version("S1"), version("S2")]).await.expect("seed"), 2);
    assert_eq!(store.seed_once(&[version("S1"), version("S2")]).await.expect("seed again"), 0);
    let names: Vec<String> = store.list_scenarios().await.expect("list").into_iter().map(|s| s.name).collect();
    assert!(names.contains(&"S1".to_owned()) && names.contains(&"S2".to_owned()), "{names:?}");
}

fn temp_db() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir =
        std::env::temp_dir().join(format!("detente-store-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("nested").join("detente.db")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_passes_on_sqlite() {
    let path = temp_db();
    let store = Store::connect(&path.display().to_string()).await.expect("connect");
    // WAL and synchronous=FULL: an acknowledged write survives a crash.
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(store.pool()).await.expect("pragma");
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(store.pool()).await.expect("pragma");
    assert_eq!(sync, 2, "synchronous=FULL");
    suite(&store, Backend::Sqlite).await;
    store.close().await;
    // Reopening migrates nothing twice and keeps the data.
    let again = Store::connect(&format!("sqlite://{}", path.display())).await.expect("reopen");
    assert!(!again.list_scenarios().await.expect("list").is_empty());
    again.close().await;
    if let Some(dir) = path.parent().and_then(|p| p.parent()) {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_passes_on_postgres() {
    let Ok(base) = std::env::var("DETENTE_TEST_POSTGRES_URL") else {
        eprintln!("DETENTE_TEST_POSTGRES_URL is not set: the PostgreSQL run of the store suite is skipped");
        return;
    };
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&base).await.expect("connect to DETENTE_TEST_POSTGRES_URL");
    let schema = format!("detente_test_{}_{}", std::process::id(), uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.expect("create schema");
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
    let store = Store::connect(&url).await.expect("connect");
    suite(&store, Backend::Postgres).await;
    store.close().await;
    // The API's state works on PostgreSQL too: bundled scenarios and all.
    let state = detente_server::AppState::connect(&url).await.expect("app state");
    assert_eq!(state.store().backend(), Backend::Postgres);
    state.store().close().await;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&admin).await.expect("drop schema");
    admin.close().await;
}
