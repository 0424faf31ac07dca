//! Long work (sensitivity runs, forecasts, negotiations, tournaments) as jobs: queued in
//! the store, run on a bounded pool (a semaphore of `workers` permits, each
//! job on tokio's blocking threads with its own rayon parallelism inside),
//! progress written to the store twice a second, cancelled through an
//! `AtomicBool` per job, and ended in one transaction with the result.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use detente_core::{Scenario, Warning};
use detente_forecast::sensitivity::{self, SensitivityError, SensitivityOptions};
use detente_forecast::{ForecastError, ForecastOptions, Input, Model, Progress};
use detente_report::forecast::{ForecastContext, ForecastJson, SensitivityJson, checked_forecast_watched};
use detente_report::negotiation::NegotiationView;
use detente_sim::metrics::{Reference, measure};
use detente_sim::tournament::{Leaderboard, Shard, Tournament, TournamentError};
use detente_sim::{Arena, Deadline, Negotiator, Protocol, negotiate, strategies};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::store::{JobEnd, JobRecord, NewJob, NewResult, ScenarioRef, Store};

/// What a job does, checked and prepared before it is queued.
#[derive(Debug)]
pub enum Work {
    Sensitivity {
        scenario: Scenario,
        warnings: Vec<Warning>,
        input: Input,
        model: Model,
        forecast: ForecastOptions,
        options: SensitivityOptions,
    },
    /// One model's forecast, as `POST /api/scenarios/{id}/forecasts` makes
    /// it, with progress in rounds.
    Forecast { scenario: Scenario, warnings: Vec<Warning>, input: Input, model: Model, options: ForecastOptions },
    Negotiation {
        scenario: Scenario,
        /// The negotiating actors, in the agents' order.
        actors: Vec<usize>,
        agents: Vec<String>,
        protocol: Protocol,
        rounds: u32,
        seed: u64,
        /// `scenarios/{id}/versions/{version}`, the JSON's `file`.
        file: String,
    },
    Tournament {
        tournament: Tournament,
        /// What ran, for the result's `tournament` key.
        summary: Value,
    },
}

/// Why a job ended without a result.
#[derive(Debug)]
enum Stopped {
    Cancelled,
    Failed(String),
}

/// A running job's shared state.
#[derive(Debug, Default)]
struct Handle {
    cancel: AtomicBool,
    /// Set with `cancel` when the server shuts down.
    shutdown: AtomicBool,
    done: AtomicU64,
    scenario_ids: Vec<String>,
}

/// The pool of job workers.
#[derive(Debug, Clone)]
pub struct Jobs {
    permits: Arc<Semaphore>,
    handles: Arc<Mutex<HashMap<String, Arc<Handle>>>>,
    max_pending: usize,
}

/// Too many jobs queued or running.
#[derive(Debug, Clone, Copy)]
pub struct Busy {
    pub pending: usize,
}

impl Jobs {
    /// `workers` jobs run at once; at most `max_pending` are queued or running.
    pub fn new(workers: usize, max_pending: usize) -> Jobs {
        Jobs {
            permits: Arc::new(Semaphore::new(workers.max(1))),
            handles: Arc::new(Mutex::new(HashMap::new())),
            max_pending,
        }
    }

    fn handles(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Handle>>> {
        self.handles.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Jobs queued or running in this process.
    pub fn pending(&self) -> usize {
        self.handles().len()
    }

    /// Queues `work` as a job and starts it when a worker is free.
    pub async fn submit(
        &self,
        store: &Store,
        new: NewJob,
        scenarios: Vec<ScenarioRef>,
        work: Work,
    ) -> Result<Result<JobRecord, Busy>, crate::store::StoreError> {
        let pending = self.pending();
        if pending >= self.max_pending {
            return Ok(Err(Busy { pending }));
        }
        let record = store.create_job(&new).await?;
        self.spawn(store, &record, scenarios, work);
        Ok(Ok(record))
    }

    /// Runs again, from the start, a job a previous run of the server left
    /// unfinished and [`Store::requeue_interrupted_jobs`] queued again, with
    /// its work rebuilt from the stored request. Not bounded by
    /// `max_pending`: the job was accepted before.
    pub fn resume(&self, store: &Store, record: &JobRecord, scenarios: Vec<ScenarioRef>, work: Work) {
        self.spawn(store, record, scenarios, work);
    }

    fn spawn(&self, store: &Store, record: &JobRecord, scenarios: Vec<ScenarioRef>, work: Work) {
        let handle =
            Arc::new(Handle { scenario_ids: scenarios.iter().map(|s| s.id.clone()).collect(), ..Handle::default() });
        self.handles().insert(record.id.clone(), Arc::clone(&handle));
        let (jobs, store, id, kind) = (self.clone(), store.clone(), record.id.clone(), record.kind.clone());
        tokio::spawn(async move {
            jobs.run(&store, &id, &kind, scenarios, work, &handle).await;
            jobs.handles().remove(&id);
        });
    }

    async fn run(
        &self,
        store: &Store,
        id: &str,
        kind: &str,
        scenarios: Vec<ScenarioRef>,
        work: Work,
        handle: &Arc<Handle>,
    ) {
        let Ok(_permit) = Arc::clone(&self.permits).acquire_owned().await else {
            return;
        };
        if handle.cancel.load(Ordering::SeqCst) {
            let end = JobEnd::Cancelled(cancel_reason(handle).to_owned());
            log_failure(id, store.finish_job(id, &end, None).await);
            return;
        }
        match store.start_job(id).await {
            Ok(true) => {}
            // Cancelled while queued, or its scenario deleted.
            Ok(false) => return,
            Err(error) => {
                tracing::error!(job = id, %error, "cannot start the job");
                return;
            }
        }
        tracing::info!(job = id, kind, "job started");
        let progress = {
            let (store, id, handle) = (store.clone(), id.to_owned(), Arc::clone(handle));
            tokio::spawn(async move {
                let mut written = 0;
                loop {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    let done = handle.done.load(Ordering::Relaxed);
                    if done != written {
                        if let Err(error) = store.job_progress(&id, done as i64).await {
                            tracing::warn!(job = id, %error, "cannot record the job's progress");
                        }
                        written = done;
                    }
                }
            })
        };
        let result_id = uuid::Uuid::new_v4().to_string();
        let ran = {
            let (handle, job_id, result_id, refs) =
                (Arc::clone(handle), id.to_owned(), result_id.clone(), scenarios.clone());
            tokio::task::spawn_blocking(move || execute(work, &handle, &job_id, &result_id, &refs)).await
        };
        progress.abort();
        let done = handle.done.load(Ordering::Relaxed) as i64;
        let end = match ran {
            Ok(Ok((body, options_key))) => {
                JobEnd::Succeeded(NewResult { id: result_id, scenarios, kind: kind.to_owned(), options_key, body })
            }
            Ok(Err(Stopped::Cancelled)) => JobEnd::Cancelled(cancel_reason(handle).to_owned()),
            Ok(Err(Stopped::Failed(message))) => JobEnd::Failed(message),
            Err(panic) => {
                tracing::error!(job = id, %panic, "the job panicked");
                JobEnd::Failed("the job stopped on an internal error; see the server's log".to_owned())
            }
        };
        let status = match &end {
            JobEnd::Succeeded(_) => "succeeded",
            JobEnd::Failed(_) => "failed",
            JobEnd::Cancelled(_) => "cancelled",
        };
        log_failure(id, store.finish_job(id, &end, Some(done)).await);
        tracing::info!(job = id, kind, status, "job ended");
    }

    /// Asks a job of this process to stop; `false` if it is not queued or running here.
    pub fn cancel(&self, id: &str) -> bool {
        match self.handles().get(id) {
            Some(handle) => {
                handle.cancel.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// Stops the jobs of a scenario that is being deleted.
    pub fn cancel_scenario(&self, scenario_id: &str) {
        for handle in self.handles().values() {
            if handle.scenario_ids.iter().any(|s| s == scenario_id) {
                handle.cancel.store(true, Ordering::SeqCst);
            }
        }
    }

    /// Stops every job: the server is shutting down.
    pub fn cancel_all(&self) {
        for handle in self.handles().values() {
            handle.shutdown.store(true, Ordering::SeqCst);
            handle.cancel.store(true, Ordering::SeqCst);
        }
    }

    /// Waits until no job is queued or running, or `timeout` passes; `true` if none is left.
    pub async fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.pending() > 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }
}

fn cancel_reason(handle: &Handle) -> &'static str {
    if handle.shutdown.load(Ordering::SeqCst) { "cancelled: the server shut down" } else { "cancelled on request" }
}

fn log_failure(id: &str, finished: Result<bool, crate::store::StoreError>) {
    match finished {
        Ok(true) => {}
        Ok(false) => tracing::info!(job = id, "the job had already ended or was deleted"),
        Err(error) => tracing::error!(job = id, %error, "cannot record the job's end"),
    }
}

/// `{"result_id", "job_id", "scenario_id", "version"}` and then the body's
/// own keys: the ids spliced into a JSON object's text without parsing it.
pub fn with_ids(body: &str, ids: &[(&str, Value)]) -> String {
    let rest = body.trim_start().strip_prefix('{').unwrap_or(body).trim_start();
    let mut out = String::with_capacity(body.len() + 160);
    out.push('{');
    for (k, (key, value)) in ids.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str(&json!(key).to_string());
        out.push(':');
        out.push_str(&value.to_string());
    }
    if !rest.starts_with('}') {
        out.push(',');
    }
    out.push_str(rest);
    out
}

fn ids(job_id: &str, result_id: &str, refs: &[ScenarioRef]) -> Vec<(&'static str, Value)> {
    let mut ids = vec![("result_id", json!(result_id)), ("job_id", json!(job_id))];
    if let [one] = refs {
        ids.push(("scenario_id", json!(one.id)));
        ids.push(("version", json!(one.version)));
    }
    ids
}

/// Why [`forecast_json`] gave no JSON.
#[derive(Debug)]
pub enum ForecastFailure {
    Cancelled,
    /// The model failed on the scenario; the message names the model.
    Model(String),
    /// The JSON could not be written.
    Json(String),
}

/// The `detente forecast --json` object of one model on one scenario,
/// without ids: what `POST /api/scenarios/{id}/forecasts` answers and a
/// forecast job stores.
pub fn forecast_json(
    context: ForecastContext<'_>,
    model: &Model,
    options: &ForecastOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<String, ForecastFailure> {
    let forecast = checked_forecast_watched(context.input, model, options, progress, cancel).map_err(|e| match e {
        ForecastError::Cancelled { .. } => ForecastFailure::Cancelled,
        e => ForecastFailure::Model(format!("the {} model cannot forecast this scenario: {e}", model.name())),
    })?;
    serde_json::to_string(&ForecastJson { context, forecast: &forecast, top_level: true })
        .map_err(|e| ForecastFailure::Json(format!("cannot write the forecast: {e}")))
}

/// Runs the work on this (blocking) thread: (result body, options key).
fn execute(
    work: Work,
    handle: &Handle,
    job_id: &str,
    result_id: &str,
    refs: &[ScenarioRef],
) -> Result<(String, String), Stopped> {
    let ids = ids(job_id, result_id, refs);
    let json_error = |e: serde_json::Error| Stopped::Failed(format!("cannot write the result: {e}"));
    match work {
        Work::Sensitivity { scenario, warnings, input, model, forecast, options } => {
            let result = sensitivity::run(
                &input,
                &model,
                &forecast,
                &options,
                &|completed| {
                    handle.done.fetch_max(completed as u64, Ordering::Relaxed);
                },
                &handle.cancel,
            )
            .map_err(|e| match e {
                SensitivityError::Cancelled { .. } => Stopped::Cancelled,
                other => Stopped::Failed(other.to_string()),
            })?;
            let context = ForecastContext { scenario: &scenario, input: &input, warnings: &warnings };
            let body = serde_json::to_string(&SensitivityJson { context, result: &result, options: &options })
                .map_err(json_error)?;
            Ok((with_ids(&body, &ids), job_id.to_owned()))
        }
        Work::Forecast { scenario, warnings, input, model, options } => {
            let context = ForecastContext { scenario: &scenario, input: &input, warnings: &warnings };
            let progress = |p: Progress| {
                handle.done.fetch_max(p.done as u64, Ordering::Relaxed);
            };
            let body = forecast_json(context, &model, &options, &progress, &handle.cancel).map_err(|e| match e {
                ForecastFailure::Cancelled => Stopped::Cancelled,
                ForecastFailure::Model(message) | ForecastFailure::Json(message) => Stopped::Failed(message),
            })?;
            Ok((with_ids(&body, &ids), job_id.to_owned()))
        }
        Work::Negotiation { scenario, actors, agents, protocol, rounds, seed, file } => {
            let mut negotiators: Vec<Box<dyn Negotiator>> = agents
                .iter()
                .map(|s| strategies::build(s).map_err(|e| Stopped::Failed(format!("agents: {e}"))))
                .collect::<Result<_, _>>()?;
            let arena = Arena::new(&scenario, &actors).map_err(|e| Stopped::Failed(e.to_string()))?;
            let reference = Reference::new(&scenario, &actors).map_err(|e| Stopped::Failed(e.to_string()))?;
            if handle.cancel.load(Ordering::SeqCst) {
                return Err(Stopped::Cancelled);
            }
            let result = negotiate(&arena, protocol, Deadline::Rounds(rounds), &mut negotiators, seed, true)
                .map_err(|e| Stopped::Failed(format!("the negotiation failed: {e}")))?;
            let metrics = measure(&reference, &arena, &result);
            let view = NegotiationView {
                scenario: &scenario,
                file: &file,
                arena: &arena,
                reference: &reference,
                agents: &agents,
                protocol,
                rounds,
                seed,
                result: &result,
                metrics: &metrics,
            };
            let mut doc = view.to_json();
            if let Some(map) = doc.as_object_mut() {
                map.insert("trace".to_owned(), view.trace_json());
            }
            handle.done.store(1, Ordering::Relaxed);
            let body = serde_json::to_string(&doc).map_err(json_error)?;
            Ok((with_ids(&body, &ids), job_id.to_owned()))
        }
        Work::Tournament { tournament, summary } => {
            let mut board = Leaderboard::default();
            let mut records = Vec::new();
            let ran = tournament.run(
                Shard::ALL,
                &|done| {
                    handle.done.fetch_max(done, Ordering::Relaxed);
                },
                &handle.cancel,
                |record| {
                    board.add(&record);
                    records.push(record);
                    Ok(())
                },
            );
            match ran {
                Ok(_) => {}
                Err(TournamentError::Cancelled { .. }) => return Err(Stopped::Cancelled),
                Err(e) => return Err(Stopped::Failed(format!("the tournament failed: {e}"))),
            }
            let doc = json!({
                "tournament": summary,
                "leaderboard": board.rows(),
                "records": records,
            });
            let body = serde_json::to_string(&doc).map_err(json_error)?;
            Ok((with_ids(&body, &ids), job_id.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_spliced_before_the_body_keys() {
        let ids = [("result_id", json!("r")), ("version", json!(2))];
        assert_eq!(with_ids("{\"a\":1}", &ids), "{\"result_id\":\"r\",\"version\":2,\"a\":1}");
        assert_eq!(with_ids("{}", &ids), "{\"result_id\":\"r\",\"version\":2}");
        let spliced: Value = serde_json::from_str(&with_ids("{\n  \"a\": [1]\n}", &ids)).expect("valid JSON");
        assert_eq!(spliced["a"], json!([1]));
    }
}
