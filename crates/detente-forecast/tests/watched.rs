//! `forecast_watched`: progress in rounds, cancellation from the progress
//! callback, and forecasts that do not depend on being watched.
//!
//! Oracles: `forecast()` itself (a watched run must equal it bit for bit) and
//! the contract (cancelling after round 3 stops with 3 rounds played; the
//! progress never goes back and ends at `done == total`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use detente_forecast::{
    ForecastError, ForecastOptions, Input, Model, Progress, eu, forecast, forecast_watched, progress_total, smp,
};
mod common;

use common::inputs::{ktab_table, random_input};

fn ktab_a080() -> Input {
    ktab_table("dummyData-a080.csv")
}

fn models() -> Vec<Model> {
    vec![
        Model::Compromise,
        Model::Median,
        Model::Nash { weighted: false },
        Model::Nash { weighted: true },
        Model::ExpectedUtility(eu::EuParams::default()),
        Model::Smp(smp::SmpParams::default()),
    ]
}

/// A watched run, recording every report.
fn watched(
    input: &Input,
    model: &Model,
    options: &ForecastOptions,
) -> (Result<detente_forecast::Forecast, ForecastError>, Vec<Progress>) {
    let reports = Mutex::new(Vec::new());
    let never = AtomicBool::new(false);
    let result = forecast_watched(input, model, options, &|p| reports.lock().expect("lock").push(p), &never);
    (result, reports.into_inner().expect("lock"))
}

/// Cancels from inside the callback once `after` rounds have been reported.
fn cancelled_after(
    input: &Input,
    model: &Model,
    options: &ForecastOptions,
    after: usize,
) -> Result<detente_forecast::Forecast, ForecastError> {
    let cancel = AtomicBool::new(false);
    let calls = Mutex::new(0);
    forecast_watched(
        input,
        model,
        options,
        &|_| {
            let mut calls = calls.lock().expect("lock");
            *calls += 1;
            if *calls == after {
                cancel.store(true, Ordering::Relaxed);
            }
        },
        &cancel,
    )
}

fn assert_monotone_to_the_end(model: &Model, reports: &[Progress]) {
    let name = model.name();
    let last = reports.last().unwrap_or_else(|| panic!("{name}: no progress reported"));
    assert_eq!(last.done, last.total, "{name} ends short of its total: {reports:?}");
    assert!(reports.iter().all(|p| p.total == last.total && p.done <= p.total), "{name}: {reports:?}");
    assert!(reports.windows(2).all(|w| w[0].done <= w[1].done), "{name} goes back: {reports:?}");
}

#[test]
fn smp_cancelled_after_round_3_reports_3_rounds() {
    let input = ktab_a080();
    let model = Model::Smp(smp::SmpParams::default());
    let options = ForecastOptions::default();
    let full = forecast(&input, &model, &options).expect("smp forecasts the table");
    assert!(full.rounds() > 3, "the table needs more than 3 rounds, not {}", full.rounds());
    assert_eq!(cancelled_after(&input, &model, &options, 3), Err(ForecastError::Cancelled { rounds: 3 }));
}

#[test]
fn eu_cancelled_after_round_3_reports_3_rounds() {
    let input = random_input(30, 2, 7);
    let model = Model::ExpectedUtility(eu::EuParams::default());
    let options = ForecastOptions::default();
    let full = forecast(&input, &model, &options).expect("eu forecasts");
    assert!(full.rounds() > 3, "the input needs more than 3 rounds, not {}", full.rounds());
    assert_eq!(cancelled_after(&input, &model, &options, 3), Err(ForecastError::Cancelled { rounds: 3 }));
}

#[test]
fn a_flag_set_beforehand_cancels_every_model_before_its_first_round() {
    let input = random_input(12, 2, 3);
    let cancel = AtomicBool::new(true);
    for model in models() {
        let result = forecast_watched(&input, &model, &ForecastOptions::default(), &|_| {}, &cancel);
        assert_eq!(result, Err(ForecastError::Cancelled { rounds: 0 }), "{}", model.name());
    }
}

#[test]
fn watched_runs_equal_forecast_and_progress_climbs_to_its_total() {
    let inputs = [
        (random_input(12, 2, 3), ForecastOptions::default()),
        (ktab_a080(), ForecastOptions { max_rounds: Some(5), seed: 9 }),
    ];
    for (input, options) in &inputs {
        for model in models() {
            let plain = forecast(input, &model, options);
            let (result, reports) = watched(input, &model, options);
            assert_eq!(result, plain, "{}", model.name());
            assert!(plain.is_ok(), "{}: {plain:?}", model.name());
            assert_monotone_to_the_end(&model, &reports);
            assert_eq!(
                reports.last().map(|p| p.total),
                Some(progress_total(input, &model, options)),
                "{}",
                model.name()
            );
        }
    }
}

#[test]
fn progress_totals_are_the_round_limits() {
    let input = random_input(12, 3, 5);
    let options = ForecastOptions { max_rounds: Some(40), seed: 1 };
    let (_, reports) = watched(&input, &Model::ExpectedUtility(eu::EuParams::default()), &options);
    assert_eq!(reports.last(), Some(&Progress { done: 120, total: 120 }), "eu: issues × limit");
    let (result, reports) = watched(&input, &Model::Smp(smp::SmpParams::default()), &options);
    let rounds = result.expect("smp forecasts").rounds();
    assert_eq!(reports.last(), Some(&Progress { done: 40, total: 40 }));
    assert_eq!(reports.len(), rounds, "smp: one report a round");
    let (_, reports) = watched(&input, &Model::Median, &options);
    assert_eq!(reports, [Progress { done: 1, total: 1 }], "closed form: one step");
}

#[test]
fn smp_run_watched_keeps_the_history_of_run() {
    let input = random_input(20, 2, 11);
    let (params, options) = (smp::SmpParams::default(), ForecastOptions { max_rounds: None, seed: 4 });
    let plain = smp::run(&input, &params, &options).expect("runs");
    let reports = Mutex::new(Vec::new());
    let never = AtomicBool::new(false);
    let watched =
        smp::run_watched(&input, &params, &options, &|p| reports.lock().expect("lock").push(p), &never).expect("runs");
    assert_eq!(watched, plain);
    assert_eq!(plain.forecast, forecast(&input, &Model::Smp(params), &options).expect("forecasts"));
    let reports = reports.into_inner().expect("lock");
    assert_eq!(reports.len(), plain.forecast.rounds());
    assert_eq!(reports.last(), Some(&Progress { done: smp::MAX_ROUNDS, total: smp::MAX_ROUNDS }));
}
