//! The API through `router(state).oneshot(…)` on a fresh database per test
//! (an SQLite file, or a PostgreSQL schema of its own when
//! `DETENTE_TEST_POSTGRES_URL` is set: see `common`): scenarios and versions,
//! analyses (the seed case's ZOPAs), the cached GET, forecasts, jobs run,
//! cancelled and refused, tokens, limits and errors, and the OpenAPI document.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use detente_server::{AppState, Settings, router};
use serde_json::{Value, json};
use tower::ServiceExt;

use common::TestDb;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct App {
    router: Router,
    state: AppState,
    token: String,
    /// Last, so that it is removed after the app's handles on it.
    db: TestDb,
}

async fn app_with(settings: Settings) -> App {
    let db = TestDb::new().await;
    let state = AppState::connect_with(&db.url(), settings).await.expect("connect");
    let token = state.store().create_token().await.expect("token");
    App { router: router(state.clone()), state, token, db }
}

async fn app() -> App {
    app_with(Settings::default()).await
}

impl App {
    /// `method uri` with the token and an optional JSON body: (status, JSON or text as a JSON string).
    async fn call(&self, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.raw(method, uri, Some(&self.token), body.map(|b| b.to_string())).await
    }

    async fn raw(&self, method: &str, uri: &str, token: Option<&str>, body: Option<String>) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request.header(header::CONTENT_TYPE, "application/json").body(Body::from(body)),
            None => request.body(Body::empty()),
        }
        .expect("request");
        let response = self.router.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, value)
    }

    async fn ok(&self, method: &str, uri: &str, body: Option<Value>) -> Value {
        let (status, value) = self.call(method, uri, body).await;
        assert!(status.is_success(), "{method} {uri}: {status} {value}");
        value
    }

    /// The id of the bundled scenario whose name contains `part`.
    async fn bundled(&self, part: &str) -> String {
        let list = self.ok("GET", "/api/scenarios", None).await;
        let found =
            list.as_array().expect("a list").iter().find(|s| s["name"].as_str().is_some_and(|n| n.contains(part)));
        found.unwrap_or_else(|| panic!("no bundled scenario named like {part}"))["id"].as_str().expect("id").to_owned()
    }

    /// Polls a job until `done(job)` or the timeout.
    async fn wait_job(&self, id: &str, timeout: Duration, done: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let job = self.ok("GET", &format!("/api/jobs/{id}"), None).await;
            if done(&job) {
                return job;
            }
            assert!(start.elapsed() < timeout, "job {id} did not get there in {timeout:?}: {job}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).expect("a repository file")
}

fn laptop_toml() -> String {
    read("scenarios/laptop.toml")
}

fn genius_laptop() -> Value {
    let mut files = serde_json::Map::new();
    for name in ["laptop_domain.xml", "laptop_buyer_utility.xml", "laptop_seller_utility.xml"] {
        files.insert(name.to_owned(), json!(read(&format!("testdata/genius/Laptop/{name}"))));
    }
    json!({ "format": "genius", "files": files })
}

#[tokio::test]
async fn scenarios_are_created_from_toml_json_and_genius_and_listed_newest_first() {
    let app = app().await;
    let from_toml = app.ok("POST", "/api/scenarios", Some(json!({"format": "toml", "text": laptop_toml()}))).await;
    assert_eq!(from_toml["version"], 1);
    assert_eq!(from_toml["n_actors"], 2);
    assert_eq!(from_toml["n_outcomes"], "27");
    let (scenario, _) =
        detente_formats::scenario_toml::load_toml("laptop.toml", &laptop_toml(), detente_core::WeightPolicy::Normalise)
            .expect("laptop");
    let json_text = detente_formats::scenario_json::write_json(&scenario);
    let (status, from_json) =
        app.call("POST", "/api/scenarios", Some(json!({"format": "json", "text": json_text}))).await;
    assert_eq!(status, StatusCode::CREATED, "{from_json}");
    let (status, from_genius) = app.call("POST", "/api/scenarios", Some(genius_laptop())).await;
    assert_eq!(status, StatusCode::CREATED, "{from_genius}");
    assert_eq!(from_genius["n_outcomes"], "27");

    let list = app.ok("GET", "/api/scenarios", None).await;
    let ids: Vec<&str> = list.as_array().expect("list").iter().map(|s| s["id"].as_str().expect("id")).collect();
    // The three new ones first, newest first, then the four bundled ones.
    assert_eq!(ids.len(), 7, "{list}");
    assert_eq!(&ids[..3], [&from_genius["id"], &from_json["id"], &from_toml["id"]].map(|v| v.as_str().expect("id")));
    for s in list.as_array().expect("list") {
        for key in ["id", "name", "version", "n_actors", "n_issues", "n_outcomes", "created_at", "updated_at"] {
            assert!(s.get(key).is_some(), "{key} missing from {s}");
        }
        assert!(s["n_outcomes"].is_string(), "n_outcomes is a decimal string: {s}");
    }

    let id = from_genius["id"].as_str().expect("id");
    let detail = app.ok("GET", &format!("/api/scenarios/{id}"), None).await;
    assert_eq!(detail["versions"], json!([1]));
    assert_eq!(detail["format"], "genius");
    assert_eq!(detail["spec"]["actors"].as_array().map(Vec::len), Some(2));
    assert!(detail["warnings"].is_array());
}

#[tokio::test]
async fn an_update_makes_version_2_and_version_1_stays_readable() {
    let app = app().await;
    let created = app.ok("POST", "/api/scenarios", Some(json!({"format": "toml", "text": laptop_toml()}))).await;
    let id = created["id"].as_str().expect("id");
    let mut spec = app.ok("GET", &format!("/api/scenarios/{id}"), None).await["spec"].clone();
    spec["name"] = json!("Laptop, renamed");
    let updated = app.ok("PUT", &format!("/api/scenarios/{id}"), Some(json!({ "spec": spec }))).await;
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["name"], "Laptop, renamed");
    let latest = app.ok("GET", &format!("/api/scenarios/{id}"), None).await;
    assert_eq!((latest["version"].clone(), latest["versions"].clone()), (json!(2), json!([1, 2])));
    let first = app.ok("GET", &format!("/api/scenarios/{id}/versions/1"), None).await;
    assert_eq!(first["name"], "Laptop (GENIUS, ANAC 2011)");
    assert_eq!(first["version"], 1);
    // TOML works for updates too.
    let third =
        app.ok("PUT", &format!("/api/scenarios/{id}"), Some(json!({"format": "toml", "text": laptop_toml()}))).await;
    assert_eq!(third["version"], 3);
    let (status, e) = app.call("GET", &format!("/api/scenarios/{id}/versions/9"), None).await;
    assert_eq!((status, e["error"]["field"].clone()), (StatusCode::NOT_FOUND, json!("version")));
    let (status, e) = app.call("GET", &format!("/api/scenarios/{id}/versions/zero"), None).await;
    assert_eq!((status, e["error"]["field"].clone()), (StatusCode::BAD_REQUEST, json!("version")));
    // A results of version 1 is stored with version 1.
    let analysis = app.ok("POST", &format!("/api/scenarios/{id}/analysis"), Some(json!({"version": 1}))).await;
    assert_eq!((analysis["version"].clone(), analysis["scenario"].clone()), (json!(1), first["name"].clone()));
}

#[tokio::test]
async fn a_new_version_is_not_served_the_previous_versions_cached_analysis() {
    let app = app().await;
    let created = app.ok("POST", "/api/scenarios", Some(json!({"format": "toml", "text": laptop_toml()}))).await;
    let id = created["id"].as_str().expect("id");
    app.ok("POST", &format!("/api/scenarios/{id}/analysis"), Some(json!({}))).await;
    let latest = app.ok("GET", &format!("/api/scenarios/{id}/analysis"), None).await;
    assert_eq!(latest["version"], 1);
    app.ok("PUT", &format!("/api/scenarios/{id}"), Some(json!({"format": "toml", "text": laptop_toml()}))).await;
    // The latest version is now 2, which nobody has analysed yet.
    let (status, e) = app.call("GET", &format!("/api/scenarios/{id}/analysis"), None).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::NOT_FOUND, json!("not_computed")));
    let first = app.ok("GET", &format!("/api/scenarios/{id}/analysis?version=1"), None).await;
    assert_eq!(first, latest);
}

#[tokio::test]
async fn delete_removes_the_scenario_its_versions_and_results() {
    let app = app().await;
    let created = app.ok("POST", "/api/scenarios", Some(json!({"format": "toml", "text": laptop_toml()}))).await;
    let id = created["id"].as_str().expect("id");
    app.ok("POST", &format!("/api/scenarios/{id}/analysis"), Some(json!({}))).await;
    // Read once, so the server holds the body in its cache.
    app.ok("GET", &format!("/api/scenarios/{id}/analysis"), None).await;
    let (status, _) = app.call("DELETE", &format!("/api/scenarios/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for uri in [
        format!("/api/scenarios/{id}"),
        format!("/api/scenarios/{id}/versions/1"),
        format!("/api/scenarios/{id}/analysis"),
    ] {
        let (status, e) = app.call("GET", &uri, None).await;
        assert_eq!((status, e["error"]["code"].clone()), (StatusCode::NOT_FOUND, json!("not_found")), "{uri}");
    }
    let (status, _) = app.call("DELETE", &format!("/api/scenarios/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let results: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM results").fetch_one(app.state.store().pool()).await.expect("count");
    assert_eq!(results, 0);
}

#[tokio::test]
async fn the_seed_case_analysis_has_its_zopas_and_is_served_from_the_store() {
    let app = app().await;
    let id = app.bundled("Riyadh").await;
    let (status, e) = app.call("GET", &format!("/api/scenarios/{id}/analysis"), None).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::NOT_FOUND, json!("not_computed")));

    let analysis = app.ok("POST", &format!("/api/scenarios/{id}/analysis"), Some(json!({}))).await;
    assert_eq!(analysis["zopa"]["at_table"]["size"], 4727);
    assert_eq!(analysis["zopa"]["with_vetoes"]["size"], 43);
    assert_eq!(analysis["n_outcomes"], 32805);
    for key in [
        "actors",
        "actor_ids",
        "issues",
        "n_outcomes",
        "method",
        "pareto",
        "nash",
        "weighted_nash",
        "kalai_smorodinsky",
        "egalitarian",
        "utilitarian",
        "zopa",
        "notes",
        "warnings",
        "result_id",
        "scenario_id",
        "version",
    ] {
        assert!(analysis.get(key).is_some(), "{key} missing");
    }
    assert_eq!(analysis["scenario_id"], json!(id));

    // The cached GET gives the stored result, and so does a second POST.
    let cached = app.ok("GET", &format!("/api/scenarios/{id}/analysis?version=1"), None).await;
    assert_eq!(cached, analysis);
    let again = app.ok("POST", &format!("/api/scenarios/{id}/analysis"), Some(json!({"version": 1}))).await;
    assert_eq!(again["result_id"], analysis["result_id"]);

    let pair =
        app.ok("POST", &format!("/api/scenarios/{id}/analysis"), Some(json!({"actors": ["russia", "us"]}))).await;
    assert_eq!(pair["actor_ids"], json!(["us", "russia"]));
    assert_ne!(pair["result_id"], analysis["result_id"]);
    assert_eq!(pair["zopa"]["at_table"]["size"], 4727);

    let (status, e) =
        app.call("POST", &format!("/api/scenarios/{id}/analysis"), Some(json!({"actors": ["us", "nato"]}))).await;
    assert_eq!((status, e["error"]["field"].clone()), (StatusCode::BAD_REQUEST, json!("actors[1]")));
    let (status, e) = app.call("POST", &format!("/api/scenarios/{id}/analysis"), Some(json!({"version": 7}))).await;
    assert_eq!((status, e["error"]["field"].clone()), (StatusCode::NOT_FOUND, json!("version")));
}

#[tokio::test]
async fn outcomes_are_a_deterministic_sample_of_utilities() {
    let app = app().await;
    let id = app.bundled("Riyadh").await;
    let sample = app.ok("GET", &format!("/api/scenarios/{id}/outcomes?actors=us,russia&limit=500"), None).await;
    assert_eq!(sample["actors"], json!(["us", "russia"]));
    assert_eq!(sample["points"].as_array().map(Vec::len), Some(500));
    assert_eq!(sample["sampled"], true);
    let again = app.ok("GET", &format!("/api/scenarios/{id}/outcomes?actors=us,russia&limit=500"), None).await;
    assert_eq!(sample, again);
    let laptop = app.bundled("Laptop").await;
    let all = app.ok("GET", &format!("/api/scenarios/{laptop}/outcomes"), None).await;
    assert_eq!((all["points"].as_array().map(Vec::len), all["sampled"].clone()), (Some(27), json!(false)));
    let (status, e) = app.call("GET", &format!("/api/scenarios/{id}/outcomes?limit=0"), None).await;
    assert_eq!((status, e["error"]["field"].clone()), (StatusCode::BAD_REQUEST, json!("limit")));
}

#[tokio::test]
async fn forecasts_have_the_cli_shape_and_bad_settings_name_their_field() {
    let app = app().await;
    let id = app.bundled("Riyadh").await;
    let uri = format!("/api/scenarios/{id}/forecasts");
    let forecast = app.ok("POST", &uri, Some(json!({"model": "compromise"}))).await;
    assert_eq!(forecast["model"], "compromise");
    assert_eq!(forecast["stop"], "closed-form");
    for key in [
        "scenario",
        "actors",
        "issues",
        "outcome",
        "outcome_normalised",
        "nearest_option",
        "trajectory",
        "warnings",
        "result_id",
    ] {
        assert!(forecast.get(key).is_some(), "{key} missing");
    }
    let territory = forecast["outcome"]["territory"].as_f64().expect("territory");
    assert!((territory - 62.3).abs() < 0.05, "{territory}");
    let again = app.ok("POST", &uri, Some(json!({"model": "compromise"}))).await;
    assert_eq!(again["result_id"], forecast["result_id"]);

    // A forecast an older server stored (under a key without this server's
    // result format) is computed again, not served in its old shape.
    let scenario = detente_server::store::ScenarioRef { id: id.clone(), version: 1 };
    let old_key = json!({ "model": "median", "rounds": null, "seed": 0, "params": [] }).to_string();
    let stale = detente_server::store::NewResult {
        id: "stale-median".to_owned(),
        scenarios: vec![scenario],
        kind: "forecast".to_owned(),
        options_key: old_key,
        body: json!({ "model": "median", "stale": true }).to_string(),
    };
    app.state.store().insert_result(&stale).await.expect("stored");
    let median = app.ok("POST", &uri, Some(json!({"model": "median"}))).await;
    assert!(median.get("stale").is_none() && median["cycles"] == json!([]), "{median}");
    assert_ne!(median["result_id"], "stale-median");
    let eu =
        app.ok("POST", &uri, Some(json!({"model": "eu", "params": ["eu.reading=scholz-code"], "rounds": 50}))).await;
    assert_eq!(eu["model"], "eu");

    for (body, field) in [
        (json!({"model": "oracle"}), "model"),
        (json!({"model": "smp", "params": ["smp.VotingRule=Nope"]}), "params[0]"),
        (json!({"model": "smp", "params": ["VotingRule"]}), "params[0]"),
        (json!({"model": "eu", "rounds": 0}), "rounds"),
        (json!({"model": "eu", "rounds": "many"}), "rounds"),
        (json!({"model": "eu", "colour": "red"}), ""),
    ] {
        let (status, e) = app.call("POST", &uri, Some(body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {e}");
        if !field.is_empty() {
            assert_eq!(e["error"]["field"], json!(field), "{body}: {e}");
        }
        assert!(e["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // A scenario without spatial preferences cannot be forecast: 422, not 500.
    let laptop = app.bundled("Laptop").await;
    let (status, e) =
        app.call("POST", &format!("/api/scenarios/{laptop}/forecasts"), Some(json!({"model": "median"}))).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("not_spatial")), "{e}");
}

#[tokio::test]
async fn a_sensitivity_job_runs_to_completion_with_progress_and_result() {
    let app = app().await;
    let id = app.bundled("Riyadh").await;
    let (status, job) = app
        .call(
            "POST",
            "/api/jobs",
            Some(json!({"kind": "sensitivity", "scenario_id": id, "model": "compromise", "runs": 3000, "seed": 7})),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert_eq!((job["kind"].clone(), job["progress"]["total"].clone()), (json!("sensitivity"), json!(3000)));
    let job_id = job["id"].as_str().expect("id");
    let (status, e) = app.call("GET", &format!("/api/jobs/{job_id}/result"), None).await;
    if status != StatusCode::OK {
        assert_eq!((status, e["error"]["code"].clone()), (StatusCode::CONFLICT, json!("not_finished")));
    }
    let done =
        app.wait_job(job_id, Duration::from_secs(120), |j| j["status"] != "queued" && j["status"] != "running").await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["progress"], json!({"done": 3000, "total": 3000}));
    let result = app.ok("GET", &format!("/api/jobs/{job_id}/result"), None).await;
    assert_eq!((result["runs"].clone(), result["seed"].clone()), (json!(3000), json!(7)));
    assert_eq!(
        (result["job_id"].clone(), result["scenario_id"].clone(), result["version"].clone()),
        (json!(job_id), json!(id), json!(1))
    );
    let territory =
        result["issues"].as_array().expect("issues").iter().find(|i| i["id"] == "territory").expect("territory");
    assert!(territory["quantiles"].as_array().is_some_and(|q| !q.is_empty()));
    let jobs = app.ok("GET", "/api/jobs", None).await;
    assert_eq!(jobs[0]["id"], json!(job_id));
}

/// A lone actor whose only salience (5 of 100, spread normal ±2.5) is drawn
/// to 0 in about 2% of the runs, where no model has anything to weigh; the
/// tornado's low value (5 − 1.645 × 2.5) stays above 0.
const SOMETIMES_WEIGHTLESS: &str = "name = \"lone\"\n\n[[issues]]\nid = \"x\"\nkind = \"continuous\"\nmin = 0\nmax = 1\n\n\
    [[actors]]\nid = \"a\"\n[actors.uncertainty]\n\"salience.x\" = { normal = 2.5 }\n\
    [actors.preferences]\ntype = \"spatial\"\nposition = { x = 0.5 }\nsalience = { x = 5 }\n";

#[tokio::test]
async fn a_sensitivity_job_with_skip_failed_reports_the_runs_it_left_out() {
    let app = app().await;
    let scenario =
        app.ok("POST", "/api/scenarios", Some(json!({"format": "toml", "text": SOMETIMES_WEIGHTLESS}))).await;
    let id = scenario["id"].as_str().expect("id");
    let body = json!({"kind": "sensitivity", "scenario_id": id, "model": "compromise", "runs": 1000, "seed": 3});
    let ended = |j: &Value| j["status"] == "succeeded" || j["status"] == "failed";

    let job = app.ok("POST", "/api/jobs", Some(body.clone())).await;
    let failed = app.wait_job(job["id"].as_str().expect("id"), Duration::from_secs(60), ended).await;
    assert_eq!(failed["status"], "failed", "without skip_failed a failed run fails the job: {failed}");
    assert!(failed["error"].as_str().is_some_and(|e| e.contains("skip_failed")), "{failed}");

    let mut skipping = body;
    skipping["skip_failed"] = json!(true);
    let job = app.ok("POST", "/api/jobs", Some(skipping)).await;
    let job_id = job["id"].as_str().expect("id");
    let done = app.wait_job(job_id, Duration::from_secs(60), ended).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["progress"], json!({"done": 1000, "total": 1000}), "failed runs count as done");
    let result = app.ok("GET", &format!("/api/jobs/{job_id}/result"), None).await;
    let (completed, failed) =
        (result["completed_runs"].as_u64().expect("n"), result["failed_runs"].as_u64().expect("n"));
    assert!(failed > 0 && completed + failed == 1000, "{completed} + {failed}");
    let failures = result["failures"].as_array().expect("failures");
    assert_eq!(failures.len() as u64, failed.min(10));
    assert!(failures.iter().all(|f| f["run"].is_u64() && f["error"].as_str().is_some_and(|e| e.contains("`x`"))));

    // Not a field of other jobs.
    let laptop = app.bundled("Laptop").await;
    let body =
        json!({"kind": "negotiation", "scenario_id": laptop, "agents": ["boulware", "linear"], "skip_failed": true});
    let (status, e) = app.call("POST", "/api/jobs", Some(body)).await;
    assert_eq!((status, e["error"]["field"].clone()), (StatusCode::BAD_REQUEST, json!("skip_failed")), "{e}");
}

/// A job's or the synchronous route's result without the ids that differ.
fn without_ids(mut result: Value) -> Value {
    if let Some(map) = result.as_object_mut() {
        for key in ["result_id", "job_id", "scenario_id", "version"] {
            map.remove(key);
        }
    }
    result
}

#[tokio::test]
async fn a_forecast_job_gives_the_synchronous_forecast_with_progress_in_rounds() {
    let app = app().await;
    let id = app.bundled("Riyadh").await;
    let issues =
        app.ok("POST", &format!("/api/scenarios/{id}/forecasts"), Some(json!({"model": "median"}))).await["issues"]
            .as_array()
            .map_or(0, Vec::len);
    assert!(issues > 1);
    // eu plays the issues one after another: issues × the round limit.
    for (model, rounds, total) in [("smp", 40, 40), ("eu", 30, 30 * issues), ("median", 5, 1)] {
        let request = json!({"model": model, "rounds": rounds, "seed": 3, "params": []});
        let mut body = request.clone();
        body["kind"] = json!("forecast");
        body["scenario_id"] = json!(id);
        let (status, job) = app.call("POST", "/api/jobs", Some(body)).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{job}");
        assert_eq!((job["kind"].clone(), job["progress"]["total"].clone()), (json!("forecast"), json!(total)), "{job}");
        let job_id = job["id"].as_str().expect("id");
        let done = app
            .wait_job(job_id, Duration::from_secs(120), |j| j["status"] != "queued" && j["status"] != "running")
            .await;
        assert_eq!(done["status"], "succeeded", "{done}");
        assert_eq!(done["progress"], json!({"done": total, "total": total}), "{model}: all done");
        let result = app.ok("GET", &format!("/api/jobs/{job_id}/result"), None).await;
        assert_eq!((result["job_id"].clone(), result["scenario_id"].clone()), (json!(job_id), json!(id)));
        let direct = app.ok("POST", &format!("/api/scenarios/{id}/forecasts"), Some(request)).await;
        assert_eq!(direct["model"], json!(model));
        assert_eq!(without_ids(result), without_ids(direct), "{model}");
    }
    // Fields of other kinds are refused, and the request is checked as the synchronous route checks it.
    for (body, field) in [
        (json!({"kind": "forecast", "scenario_id": id, "model": "eu", "runs": 5}), "runs"),
        (json!({"kind": "forecast", "scenario_id": id}), "model"),
        (json!({"kind": "forecast", "scenario_id": id, "model": "smp", "rounds": 0}), "rounds"),
        (
            json!({"kind": "forecast", "scenario_id": id, "model": "smp", "params": ["smp.VotingRule=Nope"]}),
            "params[0]",
        ),
    ] {
        let (status, e) = app.call("POST", "/api/jobs", Some(body.clone())).await;
        assert_eq!((status, e["error"]["field"].clone()), (StatusCode::BAD_REQUEST, json!(field)), "{body}: {e}");
    }
}

/// KTAB's CSV table of `actors` actors on one issue, positions and
/// saliences from a fixed linear congruential sequence.
fn ktab_table(actors: usize) -> String {
    let mut x: u64 = 12345;
    let mut next = |range: f64| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 11) as f64 / (1u64 << 53) as f64 * range
    };
    let mut text = format!("XYZ, XYZ Issue, {actors}, 1,\nActor, Description, Influence, XYZ Position, XYZ Salience\n");
    for a in 0..actors {
        let (influence, position, salience) = (0.5 + next(2.0), next(100.0), 10.0 + next(80.0));
        text.push_str(&format!("Act-{a}, Desc-{a}, {influence:.2}, {position:.2}, {salience:.2}\n"));
    }
    text
}

#[tokio::test]
async fn a_long_forecast_job_is_cancelled() {
    let app = app().await;
    let scenario = app.ok("POST", "/api/scenarios", Some(json!({"format": "ktab", "text": ktab_table(300)}))).await;
    let id = scenario["id"].as_str().expect("id");
    let body = json!({"kind": "forecast", "scenario_id": id, "model": "smp", "rounds": 10000});
    let job = app.ok("POST", "/api/jobs", Some(body)).await;
    assert_eq!(job["progress"]["total"], json!(10000));
    let job_id = job["id"].as_str().expect("id");
    app.wait_job(job_id, Duration::from_secs(60), |j| j["status"] == "running").await;
    let answer = app.ok("POST", &format!("/api/jobs/{job_id}/cancel"), None).await;
    assert!(answer["status"] == "cancelled" || answer["status"] == "running", "{answer}");
    let ended = app.wait_job(job_id, Duration::from_secs(60), |j| j["status"] != "running").await;
    assert_eq!(ended["status"], "cancelled", "{ended}");
    assert!(ended["progress"]["done"].as_i64().is_some_and(|d| d < 10000), "{ended}");
    let (status, e) = app.call("GET", &format!("/api/jobs/{job_id}/result"), None).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::CONFLICT, json!("no_result")));
}

#[tokio::test]
async fn a_long_job_is_cancelled() {
    let app = app().await;
    let id = app.bundled("Riyadh").await;
    let job = app
        .ok(
            "POST",
            "/api/jobs",
            Some(json!({"kind": "sensitivity", "scenario_id": id, "model": "smp", "runs": 200000, "seed": 1})),
        )
        .await;
    let job_id = job["id"].as_str().expect("id");
    app.wait_job(job_id, Duration::from_secs(60), |j| j["status"] == "running").await;
    let cancelled = app.ok("POST", &format!("/api/jobs/{job_id}/cancel"), None).await;
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    assert!(cancelled["error"].as_str().is_some_and(|e| e.contains("cancelled")), "{cancelled}");
    let (status, e) = app.call("GET", &format!("/api/jobs/{job_id}/result"), None).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::CONFLICT, json!("no_result")));
    // Cancelling an ended job changes nothing.
    let again = app.ok("POST", &format!("/api/jobs/{job_id}/cancel"), None).await;
    assert_eq!(again["status"], "cancelled");
}

#[tokio::test]
async fn negotiation_and_tournament_jobs_give_the_cli_shapes() {
    let app = app().await;
    let laptop = app.bundled("Laptop").await;
    let job = app
        .ok(
            "POST",
            "/api/jobs",
            Some(json!({"kind": "negotiation", "scenario_id": laptop, "agents": ["boulware", "conceder"], "rounds": 50, "seed": 3})),
        )
        .await;
    let job_id = job["id"].as_str().expect("id");
    let done =
        app.wait_job(job_id, Duration::from_secs(60), |j| j["status"] == "succeeded" || j["status"] == "failed").await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let result = app.ok("GET", &format!("/api/jobs/{job_id}/result"), None).await;
    for key in ["scenario", "protocol", "parties", "ending", "agreement", "welfare", "nash_point", "trace"] {
        assert!(result.get(key).is_some(), "{key} missing from {result}");
    }
    assert!(result["trace"]["entries"].as_array().is_some_and(|e| !e.is_empty()));

    let job = app
        .ok(
            "POST",
            "/api/jobs",
            Some(json!({"kind": "tournament", "scenario_ids": [laptop], "agents": ["boulware", "conceder", "linear"], "repetitions": 2, "rounds": 30})),
        )
        .await;
    assert_eq!(job["progress"]["total"], 12);
    let job_id = job["id"].as_str().expect("id");
    let done =
        app.wait_job(job_id, Duration::from_secs(60), |j| j["status"] == "succeeded" || j["status"] == "failed").await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let result = app.ok("GET", &format!("/api/jobs/{job_id}/result"), None).await;
    assert_eq!(result["leaderboard"].as_array().map(Vec::len), Some(3));
    assert_eq!(result["records"].as_array().map(Vec::len), Some(12));
    assert_eq!(result["tournament"]["scenarios"][0]["id"], json!(laptop));
}

impl App {
    /// The server stops without ending its jobs (as `kill -9` leaves them)
    /// and starts again on the same database.
    async fn restart(self) -> App {
        let App { router: old, state, token, db } = self;
        drop(old);
        state.store().close().await;
        drop(state);
        let state = AppState::connect_with(&db.url(), Settings::default()).await.expect("connect again");
        App { router: router(state.clone()), state, token, db }
    }

    /// Runs a job to its end: (its stored record, its result without the ids that differ between runs).
    async fn run_job(&self, body: Value) -> (detente_server::store::JobRecord, Value) {
        let job = self.ok("POST", "/api/jobs", Some(body)).await;
        let id = job["id"].as_str().expect("id");
        let done =
            self.wait_job(id, Duration::from_secs(120), |j| j["status"] != "queued" && j["status"] != "running").await;
        assert_eq!(done["status"], "succeeded", "{done}");
        let record = self.state.store().job(id).await.expect("get").expect("the job");
        (record, self.result_without_ids(id).await)
    }

    async fn result_without_ids(&self, job_id: &str) -> Value {
        let mut result = self.ok("GET", &format!("/api/jobs/{job_id}/result"), None).await;
        let map = result.as_object_mut().expect("an object");
        assert_eq!(map.remove("job_id"), Some(json!(job_id)));
        assert!(map.remove("result_id").is_some_and(|r| r.is_string()));
        result
    }

    /// The row a server killed while running (`started`, with `done` done) or
    /// before starting the job leaves: a copy of `record`'s request, unfinished.
    async fn left_unfinished(&self, record: &detente_server::store::JobRecord, started: Option<i64>) -> String {
        let store = self.state.store();
        let scenario = record
            .scenario_id
            .clone()
            .map(|id| detente_server::store::ScenarioRef { id, version: record.version.expect("a version") });
        let new = detente_server::store::NewJob {
            kind: record.kind.clone(),
            params: record.params.clone(),
            scenario,
            total: record.total,
        };
        let job = store.create_job(&new).await.expect("job");
        if let Some(done) = started {
            assert!(store.start_job(&job.id).await.expect("start"));
            store.job_progress(&job.id, done).await.expect("progress");
        }
        job.id
    }
}

#[tokio::test]
async fn a_restart_runs_unfinished_jobs_again_to_the_same_results() {
    let app = app().await;
    let riyadh = app.bundled("Riyadh").await;
    let laptop = app.bundled("Laptop").await;
    let (sensitivity, sensitivity_result) = app
        .run_job(json!({"kind": "sensitivity", "scenario_id": riyadh, "model": "compromise", "runs": 400, "seed": 7}))
        .await;
    let (forecast, forecast_result) =
        app.run_job(json!({"kind": "forecast", "scenario_id": riyadh, "model": "eu", "rounds": 20, "seed": 3})).await;
    let (negotiation, negotiation_result) = app
        .run_job(json!({"kind": "negotiation", "scenario_id": laptop, "agents": ["boulware", "conceder"], "rounds": 50, "seed": 3}))
        .await;
    let (tournament, tournament_result) = app
        .run_job(json!({"kind": "tournament", "scenario_ids": [laptop], "agents": ["boulware", "conceder", "linear"], "repetitions": 2, "rounds": 30, "seed": 5}))
        .await;
    // A tournament on a scenario deleted before the restart.
    let doomed = app.ok("POST", "/api/scenarios", Some(json!({"format": "toml", "text": laptop_toml()}))).await;
    let doomed_id = doomed["id"].as_str().expect("id").to_owned();
    let (doomed_tournament, _) = app
        .run_job(json!({"kind": "tournament", "scenario_ids": [doomed_id], "agents": ["boulware", "conceder"], "rounds": 20}))
        .await;

    let resumed = [
        (app.left_unfinished(&sensitivity, Some(150)).await, sensitivity_result),
        (app.left_unfinished(&forecast, Some(4)).await, forecast_result),
        (app.left_unfinished(&negotiation, None).await, negotiation_result),
        (app.left_unfinished(&tournament, Some(5)).await, tournament_result),
    ];
    let orphan = app.left_unfinished(&doomed_tournament, Some(1)).await;
    let cancelled = app.left_unfinished(&negotiation, None).await;
    app.ok("POST", &format!("/api/jobs/{cancelled}/cancel"), None).await;
    let (status, _) = app.call("DELETE", &format!("/api/scenarios/{doomed_id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let app = app.restart().await;
    for (id, expected) in &resumed {
        let done =
            app.wait_job(id, Duration::from_secs(120), |j| j["status"] != "queued" && j["status"] != "running").await;
        assert_eq!(done["status"], "succeeded", "{done}");
        assert_eq!(done["progress"]["done"], done["progress"]["total"], "{done}");
        assert!(done.get("error").is_none(), "{done}");
        assert_eq!(&app.result_without_ids(id).await, expected, "job {id} resumed to another result");
    }
    let failed = app.ok("GET", &format!("/api/jobs/{orphan}"), None).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    let error = failed["error"].as_str().expect("an error");
    assert!(
        error.starts_with("interrupted by a restart and cannot be resumed: ") && error.contains(&doomed_id),
        "{error}"
    );
    let still = app.ok("GET", &format!("/api/jobs/{cancelled}"), None).await;
    assert_eq!((still["status"].clone(), still["error"].clone()), (json!("cancelled"), json!("cancelled on request")));
}

#[tokio::test]
async fn jobs_past_the_limits_or_with_bad_fields_are_refused_naming_the_field() {
    let app = app().await;
    let id = app.bundled("Riyadh").await;
    let laptop = app.bundled("Laptop").await;
    for (body, field) in [
        (json!({"kind": "sensitivity", "scenario_id": id, "model": "compromise", "runs": 1_000_001}), "runs"),
        (json!({"kind": "sensitivity", "scenario_id": id, "model": "compromise", "runs": "many"}), "runs"),
        (json!({"kind": "sensitivity", "scenario_id": id, "model": "compromise"}), "runs"),
        (json!({"kind": "sensitivity", "scenario_id": id, "model": "compromise", "runs": 10, "agents": []}), "agents"),
        (json!({"kind": "negotiation", "scenario_id": laptop, "agents": ["boulware", "nonesuch"]}), "agents[1]"),
        (json!({"kind": "negotiation", "scenario_id": laptop, "agents": ["boulware"]}), "agents"),
        (
            json!({"kind": "negotiation", "scenario_id": laptop, "agents": ["boulware", "linear"], "rounds": 0}),
            "rounds",
        ),
        (
            json!({"kind": "tournament", "scenario_ids": [laptop], "agents": ["boulware", "linear"], "repetitions": 600000}),
            "repetitions",
        ),
        (
            json!({"kind": "tournament", "scenario_ids": [laptop], "agents": ["boulware", "linear"], "protocol": "auction"}),
            "protocol",
        ),
        (json!({"kind": "lottery"}), "kind"),
    ] {
        let (status, e) = app.call("POST", "/api/jobs", Some(body.clone())).await;
        assert_eq!((status, e["error"]["field"].clone()), (StatusCode::BAD_REQUEST, json!(field)), "{body}: {e}");
    }
    let (status, e) = app
        .call(
            "POST",
            "/api/jobs",
            Some(json!({"kind": "sensitivity", "scenario_id": "nope", "model": "median", "runs": 5})),
        )
        .await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::NOT_FOUND, json!("not_found")));
}

#[tokio::test]
async fn writes_need_a_valid_token_and_reads_are_open_on_loopback() {
    let app = app().await;
    let body = Some(json!({"format": "toml", "text": laptop_toml()}).to_string());
    let (status, e) = app.raw("POST", "/api/scenarios", None, body.clone()).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::UNAUTHORIZED, json!("unauthorized")));
    let (status, e) = app.raw("POST", "/api/scenarios", Some("dtk_not_a_token"), body.clone()).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::FORBIDDEN, json!("forbidden")));
    let id = app.bundled("Laptop").await;
    for (method, uri) in [("DELETE", format!("/api/scenarios/{id}")), ("POST", format!("/api/scenarios/{id}/analysis"))]
    {
        let (status, _) = app.raw(method, &uri, None, Some("{}".to_owned())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}");
    }
    let (status, _) = app.raw("GET", "/api/scenarios", None, None).await;
    assert_eq!(status, StatusCode::OK);

    // Off loopback, reads need the token too; health does not.
    let closed = app_with(Settings { open_reads: false, ..Settings::default() }).await;
    let (status, _) = closed.raw("GET", "/api/scenarios", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = closed.raw("GET", "/api/scenarios", Some(&closed.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, health) = closed.raw("GET", "/api/health", None, None).await;
    assert_eq!(
        (status, health),
        (
            StatusCode::OK,
            json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "database": closed.db.database()})
        )
    );
}

#[tokio::test]
async fn a_body_past_the_limit_is_413() {
    let app = app().await;
    let big = json!({"format": "toml", "text": "#".repeat(9 << 20)}).to_string();
    let (status, e) = app.raw("POST", "/api/scenarios", Some(&app.token), Some(big)).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::PAYLOAD_TOO_LARGE, json!("body_too_large")), "{e}");
}

#[tokio::test]
async fn bad_scenarios_are_400s_naming_the_line_field_and_locator() {
    let app = app().await;
    let nan = laptop_toml().replacen("capability = 1.0", "capability = nan", 1);
    let line = nan.lines().position(|l| l.contains("capability = nan")).expect("the line") + 1;
    let (status, e) = app.call("POST", "/api/scenarios", Some(json!({"format": "toml", "text": nan}))).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_scenario")), "{e}");
    assert_eq!(e["error"]["line"], json!(line), "{e}");
    assert_eq!(e["error"]["field"], json!("actors.capability"), "{e}");
    assert_eq!(e["error"]["locator"]["actor"], json!("buyer"), "{e}");
    assert!(e["error"]["message"].as_str().is_some_and(|m| m.contains(&format!("scenario.toml:{line}:"))), "{e}");

    let broken = laptop_toml().replacen("[[actors]]", "[[actors]", 1);
    let (status, e) = app.call("POST", "/api/scenarios", Some(json!({"format": "toml", "text": broken}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert!(e["error"]["line"].as_u64().is_some(), "{e}");

    let mut spec =
        app.ok("GET", &format!("/api/scenarios/{}", app.bundled("Laptop").await), None).await["spec"].clone();
    spec["actors"][1]["capability"] = json!(-1.0);
    let (status, e) = app.call("POST", "/api/scenarios", Some(json!({ "spec": spec.clone() }))).await;
    assert_eq!((status, e["error"]["locator"]["actor"].clone()), (StatusCode::BAD_REQUEST, json!("seller")), "{e}");
    assert_eq!(e["error"]["field"], json!("spec.actors.capability"), "{e}");
    spec["actors"][1]["capability"] = json!("strong");
    let (status, e) = app.call("POST", "/api/scenarios", Some(json!({ "spec": spec }))).await;
    assert_eq!(
        (status, e["error"]["field"].clone()),
        (StatusCode::BAD_REQUEST, json!("spec.actors[1].capability")),
        "{e}"
    );

    for (body, field) in [
        (json!({"format": "yaml", "text": "x"}), "format"),
        (json!({"format": "toml"}), "text"),
        (json!({"format": "genius", "text": "x"}), "text"),
        (json!({"format": "genius", "files": {}}), "files"),
        (json!({}), "format"),
    ] {
        let (status, e) = app.call("POST", "/api/scenarios", Some(body.clone())).await;
        assert_eq!((status, e["error"]["field"].clone()), (StatusCode::BAD_REQUEST, json!(field)), "{body}: {e}");
    }
    let (status, e) = app.raw("POST", "/api/scenarios", Some(&app.token), Some("{not json".to_owned())).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_json")));
    let (status, e) = app.call("POST", "/api/scenarios", Some(genius_laptop_missing_profile())).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_scenario")), "{e}");
}

fn genius_laptop_missing_profile() -> Value {
    json!({"format": "genius", "files": {"laptop_domain.xml": read("testdata/genius/Laptop/laptop_domain.xml")}})
}

#[tokio::test]
async fn unknown_scenarios_jobs_and_routes_are_404() {
    let app = app().await;
    for (method, uri, body) in [
        ("GET", "/api/scenarios/nope", None),
        ("GET", "/api/scenarios/nope/versions/1", None),
        ("PUT", "/api/scenarios/nope", Some(json!({"format": "toml", "text": laptop_toml()}))),
        ("DELETE", "/api/scenarios/nope", None),
        ("POST", "/api/scenarios/nope/analysis", Some(json!({}))),
        ("GET", "/api/scenarios/nope/analysis", None),
        ("GET", "/api/scenarios/nope/outcomes", None),
        ("POST", "/api/scenarios/nope/forecasts", Some(json!({"model": "median"}))),
        ("GET", "/api/jobs/nope", None),
        ("GET", "/api/jobs/nope/result", None),
        ("POST", "/api/jobs/nope/cancel", None),
        ("GET", "/api/nothing-here", None),
    ] {
        let (status, e) = app.call(method, uri, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {uri}: {e}");
        assert!(e["error"]["code"].is_string(), "{method} {uri}: {e}");
    }
    let (status, e) = app.call("PATCH", "/api/scenarios", None).await;
    assert_eq!((status, e["error"]["code"].clone()), (StatusCode::METHOD_NOT_ALLOWED, json!("method_not_allowed")));
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let app = app().await;
    let doc = app.ok("GET", "/api/openapi.json", None).await;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", doc["openapi"]);
    let routes = [
        ("get", "/api/health"),
        ("get", "/api/openapi.json"),
        ("get", "/api/scenarios"),
        ("post", "/api/scenarios"),
        ("get", "/api/scenarios/{id}"),
        ("put", "/api/scenarios/{id}"),
        ("delete", "/api/scenarios/{id}"),
        ("get", "/api/scenarios/{id}/versions/{version}"),
        ("post", "/api/scenarios/{id}/analysis"),
        ("get", "/api/scenarios/{id}/analysis"),
        ("get", "/api/scenarios/{id}/outcomes"),
        ("post", "/api/scenarios/{id}/forecasts"),
        ("get", "/api/jobs"),
        ("post", "/api/jobs"),
        ("get", "/api/jobs/{id}"),
        ("post", "/api/jobs/{id}/cancel"),
        ("get", "/api/jobs/{id}/result"),
    ];
    for (method, path) in routes {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} is not in the OpenAPI document");
    }
    let listed: usize =
        doc["paths"].as_object().expect("paths").values().map(|p| p.as_object().map_or(0, |m| m.len())).sum();
    assert_eq!(listed, routes.len(), "the document lists a route the test does not know");
    assert!(doc["components"]["securitySchemes"]["token"].is_object());
    let job = &doc["components"]["schemas"]["JobRequest"]["properties"];
    assert!(job["skip_failed"].is_object(), "the job body documents `skip_failed`: {job}");
}

#[tokio::test]
async fn the_dashboard_or_a_page_saying_it_is_not_built_is_at_the_root() {
    let app = app().await;
    let (status, page) = app.raw("GET", "/", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let page = page.as_str().expect("HTML").to_owned();
    assert!(page.contains("<html") || page.contains("<!doctype") || page.contains("<!DOCTYPE"), "{page}");
    if !detente_server::assets::dashboard_built() {
        assert!(page.contains("not built"), "{page}");
    }
}
