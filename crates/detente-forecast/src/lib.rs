//! Forecasting where a negotiation will settle, with the models political
//! scientists publish against: the weighted-mean compromise, the
//! capability-weighted median, Nash bargaining over each scale, Bueno de
//! Mesquita's expected-utility model (as reconstructed by Scholz, Calbert &
//! Smith 2011) and KTAB's spatial model of politics; plus Monte Carlo
//! sensitivity over uncertain inputs.
//!
//! Every model reads an [`Input`]: actors with a capability, and per issue a
//! position on the issue's scale normalised to `[0, 1]` and a salience in
//! `[0, 1]` (the scenario's 0–100 salience divided by 100, as KTAB and the
//! expected-utility literature write it). Models with rounds record every
//! actor's position in every round.
//!
//! Pure: no IO, no clock, no global RNG. A model that draws at random takes
//! its seed from [`ForecastOptions`]; sensitivity derives one seed per run from
//! the user's seed, so results are reproducible from (scenario, seed).

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod baseline;
pub mod eu;
pub mod input;
pub mod sensitivity;
pub mod smp;

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

pub use input::{ForecastActor, Input, InputError, Scale};

/// A forecasting model and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    /// Σ c·s·x / Σ c·s per issue (Achen's compromise model).
    Compromise,
    /// The position where cumulative capability·salience crosses one half.
    Median,
    /// argmax Πᵢ (uᵢ(x) − uᵢ(d))^wᵢ over each issue's scale; `weighted`
    /// raises each actor's gain to its capability times its salience on the
    /// issue (see [`baseline::nash`]).
    Nash { weighted: bool },
    /// Bueno de Mesquita's expected-utility model, one issue at a time.
    ExpectedUtility(eu::EuParams),
    /// KTAB's spatial model of politics, all issues at once.
    Smp(smp::SmpParams),
}

impl Model {
    /// The model's short name, as the CLI spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Model::Compromise => "compromise",
            Model::Median => "median",
            Model::Nash { weighted: false } => "nash",
            Model::Nash { weighted: true } => "weighted-nash",
            Model::ExpectedUtility(_) => "eu",
            Model::Smp(_) => "smp",
        }
    }
}

/// Settings shared by every model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ForecastOptions {
    /// Upper bound on rounds for models with rounds; `None` takes the model's
    /// own default.
    pub max_rounds: Option<usize>,
    /// Seed for models that draw at random (SMP's stochastic choice).
    pub seed: u64,
}

/// Why a model stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// A closed-form model: one step.
    ClosedForm,
    /// Positions stopped moving by the model's own rule.
    Converged,
    /// The round limit was reached first.
    RoundLimit,
}

/// A model's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub model: &'static str,
    /// `trajectory[r][a][k]`: actor a's normalised position on issue k after
    /// round r; round 0 is the input. Closed-form models have round 0 only.
    pub trajectory: Vec<Vec<Vec<f64>>>,
    /// The forecast settlement per issue, normalised to `[0, 1]`.
    pub outcome: Vec<f64>,
    pub stop: Stop,
    /// The issues whose positions cycle instead of settling, moving the
    /// settlement (found by the expected-utility model when it reaches its
    /// round limit; empty otherwise). On them the forecast depends on where
    /// in the cycle the round limit falls.
    pub cycles: Vec<Cycle>,
}

impl Forecast {
    /// Rounds played after the initial positions.
    pub fn rounds(&self) -> usize {
        self.trajectory.len().saturating_sub(1)
    }
}

/// Positions on one issue that repeat every `period` rounds up to the
/// round limit, with a settlement that changes within the cycle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cycle {
    /// The issue's index in the input.
    pub issue: usize,
    /// Rounds per cycle, at least 2 (a cycle of 1 is convergence).
    pub period: usize,
    /// The round the repetition starts from: the positions after every
    /// round from here on equal those `period` rounds later.
    pub since_round: usize,
    /// The model's settlement (normalised) after each round of the last
    /// cycle, in order; the last is the forecast's.
    pub outcomes: Vec<f64>,
}

/// The longest cycle looked for: longer ones are not told from drift.
pub(crate) const MAX_CYCLE: usize = 12;

/// The shortest period `p` in `2..=MAX_CYCLE` with which `states` (one
/// vector per round) ends repeating for at least three periods, and the
/// first round of the repetition. Positions are compared to within 1e-12:
/// the models are deterministic, so a cycle repeats to the last bit or
/// nearly so.
pub(crate) fn find_cycle(states: &[Vec<f64>]) -> Option<(usize, usize)> {
    let same = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-12);
    let last = states.len().checked_sub(1)?;
    // A state equal to the one before is a standstill, not a cycle.
    if same(&states[last], &states[last.checked_sub(1)?]) {
        return None;
    }
    (2..=MAX_CYCLE).find_map(|p| {
        if states.len() < 3 * p {
            return None;
        }
        let repeats = |t: usize| same(&states[t], &states[t - p]);
        if !(states.len() - 2 * p..states.len()).all(repeats) {
            return None;
        }
        let mut since = states.len() - 3 * p;
        while since > 0 && repeats(since - 1 + p) {
            since -= 1;
        }
        Some((p, since))
    })
}

/// Why a forecast could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    #[error("no actor has both capability and salience on issue `{issue}`, so no model can weigh positions there")]
    NoWeight { issue: String },
    #[error("{0}")]
    Invalid(String),
    /// The caller's cancel flag was set; `rounds` rounds had been played
    /// (summed over issues for the expected-utility model).
    #[error("cancelled after {rounds} rounds")]
    Cancelled { rounds: usize },
}

/// How far a run has got, in rounds: `done` of at most `total`.
///
/// `total` is the round limit (issues × the limit for the expected-utility
/// model, which plays issues one after another); rounds a model saves by
/// converging count as done, so the last report has `done == total`.
/// Closed-form models report `1 of 1` once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// The `total` that [`forecast_watched`] reports for `model` on `input`:
/// the round limit (times the issues for the expected-utility model), or 1
/// for a closed-form model. Known before the run, e.g. for a job's size.
pub fn progress_total(input: &Input, model: &Model, options: &ForecastOptions) -> usize {
    match model {
        Model::Compromise | Model::Median | Model::Nash { .. } => 1,
        Model::ExpectedUtility(params) => input.issues.len() * options.max_rounds.unwrap_or(params.max_rounds),
        Model::Smp(_) => options.max_rounds.unwrap_or(smp::MAX_ROUNDS),
    }
}

/// A caller's progress callback and cancel flag, as the models pass them on.
#[derive(Clone, Copy)]
pub(crate) struct Watch<'a> {
    progress: &'a (dyn Fn(Progress) + Sync),
    cancel: &'a AtomicBool,
}

/// The flag of unwatched runs, never set.
static NEVER_CANCELLED: AtomicBool = AtomicBool::new(false);

impl Watch<'static> {
    /// No progress reports, never cancelled: [`forecast`] and the models'
    /// own entry points.
    pub(crate) fn unwatched() -> Watch<'static> {
        Watch { progress: &|_| {}, cancel: &NEVER_CANCELLED }
    }
}

impl Watch<'_> {
    fn report(&self, done: usize, total: usize) {
        (self.progress)(Progress { done, total });
    }

    /// `Err(Cancelled { rounds })` once the flag is set.
    fn check(&self, rounds: usize) -> Result<(), ForecastError> {
        if self.cancel.load(Ordering::Relaxed) { Err(ForecastError::Cancelled { rounds }) } else { Ok(()) }
    }
}

/// Runs one model on one input.
pub fn forecast(input: &Input, model: &Model, options: &ForecastOptions) -> Result<Forecast, ForecastError> {
    let Watch { progress, cancel } = Watch::unwatched();
    forecast_watched(input, model, options, progress, cancel)
}

/// Runs one model on one input as [`forecast`] does, reporting each round
/// to `progress` and stopping with [`ForecastError::Cancelled`] soon after
/// `cancel` is set (before the next round; SMP also between a round's
/// challenges and its bargains, since a round of a thousand actors takes
/// seconds). A flag set before the call cancels before the first round.
///
/// `progress` may be called from one of rayon's threads, never from two at
/// once, with `done` never decreasing (see [`Progress`]). The forecast does
/// not depend on being watched: it equals [`forecast`]'s bit for bit.
pub fn forecast_watched(
    input: &Input,
    model: &Model,
    options: &ForecastOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<Forecast, ForecastError> {
    let watch = Watch { progress, cancel };
    // Closed-form models: one step, checked before and reported after.
    let closed_form = |forecast: Result<Forecast, ForecastError>| {
        if forecast.is_ok() {
            watch.report(1, 1);
        }
        forecast
    };
    if matches!(model, Model::Compromise | Model::Median | Model::Nash { .. }) {
        watch.check(0)?;
    }
    match model {
        Model::Compromise => closed_form(baseline::compromise(input)),
        Model::Median => closed_form(baseline::median(input)),
        Model::Nash { weighted } => closed_form(baseline::nash(input, *weighted)),
        Model::ExpectedUtility(params) => eu::forecast_watched(input, params, options, watch),
        Model::Smp(params) => smp::drive(input, params, options, false, watch).map(|run| run.forecast),
    }
}

#[cfg(test)]
mod cycle_tests {
    use super::find_cycle;

    fn states(xs: &[f64]) -> Vec<Vec<f64>> {
        xs.iter().map(|&x| vec![x, 1.0 - x]).collect()
    }

    #[test]
    fn periods_and_where_they_start() {
        // 0.1, 0.2 then alternating 0.5, 0.7 from round 2.
        let s = states(&[0.1, 0.2, 0.5, 0.7, 0.5, 0.7, 0.5, 0.7]);
        assert_eq!(find_cycle(&s), Some((2, 2)));
        // Period 3 from round 1: 0.3 0.4 0.6 repeating.
        let s = states(&[0.9, 0.3, 0.4, 0.6, 0.3, 0.4, 0.6, 0.3, 0.4, 0.6]);
        assert_eq!(find_cycle(&s), Some((3, 1)));
        // From the start.
        assert_eq!(find_cycle(&states(&[0.5, 0.7, 0.5, 0.7, 0.5, 0.7])), Some((2, 0)));
    }

    #[test]
    fn no_cycle_in_standstills_drift_or_short_runs() {
        assert_eq!(find_cycle(&states(&[0.1, 0.2, 0.3, 0.3, 0.3, 0.3])), None, "a standstill");
        assert_eq!(find_cycle(&states(&[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])), None, "drift");
        assert_eq!(find_cycle(&states(&[0.5, 0.7, 0.5, 0.7])), None, "two periods are not enough");
        assert_eq!(find_cycle(&states(&[0.5, 0.7, 0.5, 0.7, 0.5, 0.7 + 1e-9])), None, "nearly");
        assert_eq!(find_cycle(&[]), None);
        assert_eq!(find_cycle(&states(&[0.5])), None);
    }
}
