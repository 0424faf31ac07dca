//! Monte Carlo sensitivity: how far a forecast moves when the inputs are as
//! uncertain as the analyst says, and which inputs move it.
//!
//! # Inputs and spreads
//!
//! Every actor has `1 + 2K` inputs on `K` issues: its capability, its position
//! on each issue and its salience on each issue. An input's spread is the
//! scenario's (`ForecastActor::spread`, already in model units) where given,
//! else the default in [`SensitivityOptions`]:
//!
//! - position: absolute, in normalised units; default `Uniform(0.05)`, ±5% of
//!   the issue's scale;
//! - salience: absolute on `[0, 1]`; default `Uniform(0.10)`, ±10 points on
//!   the scenario's 0–100 scale. Absolute rather than relative so that it
//!   means what a scenario's `salience.<issue>` spread means, and so that an
//!   actor with a small salience may turn out to care a little more;
//! - capability: **relative**, a fraction of the actor's capability; default
//!   `Uniform(0.10)`, ±10%. A scenario's capability spread is absolute
//!   (capability units), as the scenario format says.
//!
//! An actor's saliences are drawn one by one, so their total moves too. KTAB's
//! SMP reads an actor's total salience as a probability and refuses a total
//! above 1; [`SalienceTotal`] says what to do about it, and by default
//! ([`SalienceTotal::Auto`]) an SMP run divides an actor's drawn saliences by
//! their sum where it exceeds 1 and other models take the draws as they are.
//!
//! `Uniform(δ)` draws from `[x − δ, x + δ]`, `Normal(σ)` from a normal with
//! standard deviation σ; `Fixed` (and a zero spread) never perturbs. Draws are
//! clipped: positions and saliences to `[0, 1]`, capabilities to `≥ 0`, so an
//! input near an end of its range has a point mass there.
//!
//! # Reproducibility
//!
//! Run `r` draws from a ChaCha8 generator seeded with `options.seed` on stream
//! `r`: first the model's own seed for that run (the `seed` of the
//! [`ForecastOptions`] it is given), then two 64-bit words for every input
//! slot in a fixed order (actor by actor: capability, positions, saliences),
//! whether or not the input is perturbed. So the result is bit-identical
//! whatever the thread count and scheduling, and making one input `Fixed` or
//! changing its spread leaves every other input's draws as they were. The
//! statistics are computed in run order after all runs finish.
//!
//! # Tornado
//!
//! One at a time, the standard construction: each uncertain input is set to
//! its low and then its high value with every other input at base, and the
//! model is run; a bar records both outcomes and the swing `|high − low|`,
//! and each issue's bars are sorted by swing, largest first (ties in input
//! order). Low and high are `x ∓ δ` for `Uniform(δ)` and `x ∓ 1.645σ` for
//! `Normal(σ)` (the 5% and 95% points, matching the default outer quantiles,
//! and close to `±δ` for a uniform of the same standard deviation), clipped
//! to the input's range. The tornado runs use the caller's
//! [`ForecastOptions`] unchanged, the same model seed as the base forecast, so
//! a stochastic model's noise does not count as swing. The `2 × inputs`
//! forecasts run in parallel.
//!
//! Each bar also carries Spearman's rank correlation of the input's Monte
//! Carlo draws with the issue's outcome, which sees interactions and
//! nonlinearities the one-at-a-time swing misses (an input that only matters
//! when another has moved). Ties (clipped draws, a median sitting on one
//! actor) take average ranks.
//!
//! # Failures and cancellation
//!
//! By default a run whose model fails (or gives a non-finite outcome, or the
//! wrong number of outcomes) makes the whole analysis fail with the lowest
//! failing run's index ([`SensitivityError::Run`]); the same seed reproduces
//! it. A failure usually means the draws left the model nothing to work with,
//! such as every salience on an issue drawn down to 0, so silently dropping
//! the run would bias the distribution towards the draws the model accepts.
//!
//! With [`SensitivityOptions::skip_failed`] the failed runs are left out
//! instead: out of the outcome distribution and, with their draws, out of the
//! rank correlations, which are then over the completed runs only (still in
//! run order, so the result stays bit-identical whatever the thread count).
//! [`Sensitivity::failed_runs`] counts them and [`Sensitivity::failures`]
//! keeps the first [`KEPT_FAILURES`] by run index, so that the caller can say
//! how much of the distribution is conditional on the model succeeding. If
//! every run fails there is nothing to summarise and the analysis fails
//! ([`SensitivityError::AllRunsFailed`]). The tornado is not affected: its
//! `2 × inputs` forecasts are the analysis's backbone, and one that fails
//! still fails the analysis ([`SensitivityError::Tornado`]).
//!
//! Cancelling returns [`SensitivityError::Cancelled`] with the number of
//! runs completed (a forecast under way stops at its next round), not a
//! partial result: which runs finish before the flag is
//! seen depends on scheduling, so a partial result would not be reproducible.
//!
//! Memory: the draws and outcomes of every run are kept for the rank
//! correlations, at peak about `2 × runs × (inputs + issues) × 8` bytes
//! (10,000 runs of the seed case, 95 inputs and 9 issues: about 17 MB).

mod stats;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use detente_core::Spread;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::{Forecast, ForecastError, ForecastOptions, Input, Model, forecast_watched};

/// Settings of a sensitivity run.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityOptions {
    /// Monte Carlo runs (≥ 1).
    pub runs: usize,
    /// Every run's draws and the model's own seed derive from (seed, run index).
    pub seed: u64,
    /// Spread of a position without one in the scenario, absolute in
    /// normalised units. Default `Uniform(0.05)`: ±5% of the issue's scale.
    pub position: Spread,
    /// Spread of a salience without one in the scenario, absolute on `[0, 1]`.
    /// Default `Uniform(0.10)`: ±10 points on the scenario's 0–100 scale.
    pub salience: Spread,
    /// Spread of a capability without one in the scenario, **relative**: a
    /// fraction of the actor's capability. Default `Uniform(0.10)`: ±10%.
    pub capability: Spread,
    /// Quantile probabilities in `[0, 1]`; default 5, 25, 50, 75, 95 %.
    pub quantiles: Vec<f64>,
    /// Histogram bins over `[0, 1]` (≥ 1); default 20.
    pub bins: usize,
    /// What to do where an actor's drawn saliences sum above 1.
    pub salience_total: SalienceTotal,
    /// Leave Monte Carlo runs whose forecast fails out of the statistics and
    /// report them, rather than failing the analysis. Default `false`.
    pub skip_failed: bool,
}

/// What to do where an actor's drawn saliences sum above 1 (100 on the
/// scenario's scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SalienceTotal {
    /// [`Capped`](SalienceTotal::Capped) for models that need saliences
    /// summing to at most 1 (SMP), [`Free`](SalienceTotal::Free) for the rest.
    #[default]
    Auto,
    /// Take the draws as they are.
    Free,
    /// Divide the actor's saliences by their sum, so that they sum to 1. In
    /// the tornado, the input is set to its low or high value first and the
    /// actor's saliences are then divided likewise; an actor whose saliences
    /// already sum above 1 at base has them divided in every run and every
    /// bar (though the base forecast reads them as given).
    Capped,
}

impl SalienceTotal {
    /// Whether draws are capped for this model.
    pub fn capped(self, model: &Model) -> bool {
        match self {
            SalienceTotal::Auto => matches!(model, Model::Smp(_)),
            SalienceTotal::Free => false,
            SalienceTotal::Capped => true,
        }
    }
}

impl Default for SensitivityOptions {
    fn default() -> Self {
        SensitivityOptions {
            runs: 1000,
            seed: 0,
            position: Spread::Uniform(0.05),
            salience: Spread::Uniform(0.10),
            capability: Spread::Uniform(0.10),
            quantiles: vec![0.05, 0.25, 0.5, 0.75, 0.95],
            bins: 20,
            salience_total: SalienceTotal::Auto,
            skip_failed: false,
        }
    }
}

/// Which parameter of an actor an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Parameter {
    Capability,
    Position,
    Salience,
}

/// Where an input's spread came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpreadSource {
    Scenario,
    Default,
}

/// One uncertain input: perturbed in the Monte Carlo runs and given a bar in
/// every issue's tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UncertainInput {
    /// The actor's id.
    pub actor: String,
    pub parameter: Parameter,
    /// The issue's id; `None` for a capability.
    pub issue: Option<String>,
    /// Index into `Input::actors`.
    #[serde(skip)]
    pub actor_index: usize,
    /// Index into `Input::issues`; `None` for a capability.
    #[serde(skip)]
    pub issue_index: Option<usize>,
    /// The input's value in the scenario (normalised position, salience on
    /// `[0, 1]`, or capability).
    pub base: f64,
    /// The spread applied, absolute in the input's model units (a relative
    /// default capability spread is multiplied out).
    pub spread: Spread,
    pub source: SpreadSource,
    /// The tornado's low and high values of the input, clipped to its range
    /// (before any [`SalienceTotal::Capped`] division).
    pub low: f64,
    pub high: f64,
}

/// One bar of an issue's tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoBar {
    /// Index into [`Sensitivity::inputs`].
    pub input: usize,
    /// The issue's forecast with the input at its low value, all else at base.
    pub low: f64,
    /// The issue's forecast with the input at its high value, all else at base.
    pub high: f64,
    /// `|high − low|`.
    pub swing: f64,
    /// Spearman's rank correlation of the input's draws (as the model read
    /// them, after any [`SalienceTotal::Capped`] division) with the issue's
    /// outcome across the Monte Carlo runs; `None` where either is constant.
    pub rank_correlation: Option<f64>,
}

/// A quantile of an issue's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantile {
    pub p: f64,
    pub value: f64,
}

/// The distribution of one issue's forecast over the runs, normalised to `[0, 1]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueSensitivity {
    /// The issue's id.
    pub issue: String,
    /// The base forecast.
    pub base: f64,
    pub mean: f64,
    /// Sample standard deviation (n − 1); 0 for one run.
    pub std_dev: f64,
    pub min: f64,
    pub max: f64,
    pub quantiles: Vec<Quantile>,
    /// Counts over `bins` equal bins of `[0, 1]`: bin i holds
    /// `[i/bins, (i+1)/bins)`, the last also holds 1.
    pub histogram: Vec<u64>,
    /// Every uncertain input's bar, largest swing first.
    pub tornado: Vec<TornadoBar>,
    /// Runs whose positions on this issue cycle up to the round limit
    /// ([`crate::Forecast::cycles`]): their forecast here depends on the
    /// round limit.
    pub cycling_runs: usize,
}

/// A Monte Carlo run left out by [`SensitivityOptions::skip_failed`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedRun {
    /// The run's index; the same seed reproduces it.
    pub run: usize,
    /// Why its forecast failed.
    pub error: String,
}

/// How many failed runs [`Sensitivity::failures`] keeps.
pub const KEPT_FAILURES: usize = 10;

/// The result of a sensitivity run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub model: &'static str,
    /// The Monte Carlo runs requested.
    pub runs: usize,
    /// The runs in the statistics: `runs − failed_runs`.
    pub completed_runs: usize,
    /// The runs left out because their forecast failed; 0 unless
    /// [`SensitivityOptions::skip_failed`].
    pub failed_runs: usize,
    /// The first [`KEPT_FAILURES`] failed runs, in run order.
    pub failures: Vec<FailedRun>,
    pub seed: u64,
    /// Whether drawn saliences were capped ([`SalienceTotal::capped`]).
    pub capped_saliences: bool,
    /// The forecast with every input at its base value.
    pub base: Forecast,
    /// Every uncertain input, in order: actor by actor, capability, then
    /// position per issue, then salience per issue.
    pub inputs: Vec<UncertainInput>,
    /// Per issue, in `Input::issues` order.
    pub issues: Vec<IssueSensitivity>,
}

/// Why a sensitivity run gave no result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    #[error("invalid sensitivity settings: {0}")]
    Invalid(String),
    #[error("the base forecast failed: {0}")]
    Base(ForecastError),
    #[error(
        "Monte Carlo run {run} failed (reproducible with the same seed): {source}; --skip-failed \
         (`skip_failed`) leaves such runs out"
    )]
    Run { run: usize, source: ForecastError },
    /// With [`SensitivityOptions::skip_failed`]: no run was left to summarise.
    #[error("all {runs} Monte Carlo runs failed; the first, run {run}: {source}")]
    AllRunsFailed { runs: usize, run: usize, source: ForecastError },
    #[error("tornado: the forecast with {input} failed: {source}")]
    Tornado { input: String, source: ForecastError },
    #[error("cancelled after {completed} of {runs} runs")]
    Cancelled { completed: usize, runs: usize },
}

/// How many standard deviations either side of base a normal input's tornado
/// bar spans: the 5% and 95% points.
pub const NORMAL_TORNADO_Z: f64 = 1.644_853_626_951_472_2;

/// Runs `options.runs` perturbed forecasts in parallel (rayon's current pool)
/// and the one-at-a-time tornado.
///
/// `progress` is called from worker threads with the number of completed
/// Monte Carlo runs (a run left out by `skip_failed` counts as completed),
/// increasing, at most about every 1% of the runs and once with
/// `options.runs` at the end. Setting `cancel` stops the work soon after
/// and returns [`SensitivityError::Cancelled`] (unless every run had already
/// finished). The tornado's `2 × inputs` forecasts run first and are not
/// counted in `progress`.
pub fn run(
    input: &Input,
    model: &Model,
    forecast_options: &ForecastOptions,
    options: &SensitivityOptions,
    progress: &(dyn Fn(usize) + Sync),
    cancel: &AtomicBool,
) -> Result<Sensitivity, SensitivityError> {
    validate(input, options)?;
    // Every forecast here reads `cancel` too, so that a long one (a
    // thousand-actor SMP) stops within a round.
    let base = forecast_watched(input, model, forecast_options, &|_| {}, cancel).map_err(|e| match e {
        ForecastError::Cancelled { .. } => SensitivityError::Cancelled { completed: 0, runs: options.runs },
        e => SensitivityError::Base(e),
    })?;
    let issues = input.issues.len();
    check_outcome(&base.outcome, issues).map_err(SensitivityError::Base)?;
    let slots = slots(input, options);
    let inputs: Vec<UncertainInput> = slots.iter().filter_map(|slot| slot.uncertain(input)).collect();

    let capped = options.salience_total.capped(model);
    let tornado = tornado(input, model, forecast_options, &inputs, capped, options.runs, cancel)?;
    let monte_carlo = monte_carlo(input, model, forecast_options, options, &slots, &inputs, capped, progress, cancel)?;

    let n = options.runs;
    let MonteCarlo { outcomes: outcome_rows, draws: draw_rows, failed, failed_runs, failures, cycling } = monte_carlo;
    let completed = n - failed_runs;
    let (outcomes, draws) = rayon::join(
        || columns(&outcome_rows, issues, &failed, completed),
        || columns(&draw_rows, inputs.len(), &failed, completed),
    );
    drop((outcome_rows, draw_rows, failed));
    let outcome_ranks: Vec<stats::CentredRanks> = outcomes.par_iter().map(|x| stats::CentredRanks::new(x)).collect();
    let input_ranks: Vec<stats::CentredRanks> = draws.par_iter().map(|x| stats::CentredRanks::new(x)).collect();
    drop(draws);

    let issues = (0..issues)
        .into_par_iter()
        .map(|k| {
            let summary = stats::Summary::new(&outcomes[k], &options.quantiles, options.bins);
            let mut bars: Vec<TornadoBar> = (0..inputs.len())
                .map(|j| {
                    let (low, high) = (tornado[2 * j][k], tornado[2 * j + 1][k]);
                    TornadoBar {
                        input: j,
                        low,
                        high,
                        swing: (high - low).abs(),
                        rank_correlation: input_ranks[j].correlation(&outcome_ranks[k]),
                    }
                })
                .collect();
            // Stable, so equal swings keep input order.
            bars.sort_by(|a, b| b.swing.total_cmp(&a.swing));
            IssueSensitivity {
                issue: input.issues[k].id.clone(),
                base: base.outcome[k],
                mean: summary.mean,
                std_dev: summary.std_dev,
                min: summary.min,
                max: summary.max,
                quantiles: summary.quantiles,
                histogram: summary.histogram,
                tornado: bars,
                cycling_runs: cycling[k],
            }
        })
        .collect();

    Ok(Sensitivity {
        model: model.name(),
        runs: n,
        completed_runs: completed,
        failed_runs,
        failures,
        seed: options.seed,
        capped_saliences: capped,
        base,
        inputs,
        issues,
    })
}

fn validate(input: &Input, options: &SensitivityOptions) -> Result<(), SensitivityError> {
    let invalid = |message: String| Err(SensitivityError::Invalid(message));
    if options.runs == 0 || options.runs > u32::MAX as usize {
        return invalid(format!("runs must be between 1 and {}", u32::MAX));
    }
    if options.bins == 0 {
        return invalid("histogram bins must be at least 1".into());
    }
    if let Some(p) = options.quantiles.iter().find(|p| !(0.0..=1.0).contains(*p)) {
        return invalid(format!("quantile {p} is outside [0, 1]"));
    }
    for (name, spread) in
        [("position", options.position), ("salience", options.salience), ("capability", options.capability)]
    {
        if !spread_ok(spread) {
            return invalid(format!("default {name} spread {spread:?} is not a finite number ≥ 0"));
        }
    }
    let issues = input.issues.len();
    for actor in &input.actors {
        if actor.position.len() != issues || actor.salience.len() != issues {
            return invalid(format!(
                "actor `{}` has a position or salience count unlike the {issues} issues",
                actor.id
            ));
        }
        let spreads = &actor.spread;
        if spreads.position.len() > issues || spreads.salience.len() > issues {
            return invalid(format!("actor `{}` has more spreads than issues", actor.id));
        }
        let all =
            spreads.capability.iter().chain(spreads.position.iter().flatten()).chain(spreads.salience.iter().flatten());
        if let Some(spread) = all.copied().find(|&s| !spread_ok(s)) {
            return invalid(format!("actor `{}`: spread {spread:?} is not a finite number ≥ 0", actor.id));
        }
    }
    Ok(())
}

fn spread_ok(spread: Spread) -> bool {
    match spread {
        Spread::Uniform(x) | Spread::Normal(x) => x.is_finite() && x >= 0.0,
        Spread::Fixed => true,
    }
}

fn check_outcome(outcome: &[f64], issues: usize) -> Result<(), ForecastError> {
    if outcome.len() != issues {
        return Err(ForecastError::Invalid(format!("the model gave {} outcomes for {issues} issues", outcome.len())));
    }
    if let Some(x) = outcome.iter().find(|x| !x.is_finite()) {
        return Err(ForecastError::Invalid(format!("the model gave a non-finite outcome ({x})")));
    }
    Ok(())
}

/// The columns of a row-major `runs × width` matrix, less the failed rows,
/// in run order; `kept` rows remain.
fn columns(matrix: &[f64], width: usize, failed: &[bool], kept: usize) -> Vec<Vec<f64>> {
    // Read row by row, which is in memory order, rather than gathering each
    // column with a stride.
    let mut columns = vec![Vec::with_capacity(kept); width];
    let rows = matrix.chunks_exact(width.max(1)).zip(failed).filter(|&(_, &failed)| !failed);
    for (row, _) in rows {
        for (column, &x) in columns.iter_mut().zip(row) {
            column.push(x);
        }
    }
    columns
}

/// One input of one actor, perturbed or not.
#[derive(Debug, Clone, Copy)]
struct Slot {
    actor: usize,
    parameter: Parameter,
    issue: Option<usize>,
    base: f64,
    /// Absolute, in model units; `None` when the input is not perturbed.
    spread: Option<Spread>,
    source: SpreadSource,
}

/// Every slot, actor by actor: capability, positions, saliences.
fn slots(input: &Input, options: &SensitivityOptions) -> Vec<Slot> {
    let mut slots = Vec::with_capacity(input.actors.len() * (1 + 2 * input.issues.len()));
    for (a, actor) in input.actors.iter().enumerate() {
        let (spread, source) = match actor.spread.capability {
            Some(spread) => (spread, SpreadSource::Scenario),
            None => (relative(options.capability, actor.capability), SpreadSource::Default),
        };
        slots.push(Slot::new(a, Parameter::Capability, None, actor.capability, spread, source));
        for (parameter, values, given, default) in [
            (Parameter::Position, &actor.position, &actor.spread.position, options.position),
            (Parameter::Salience, &actor.salience, &actor.spread.salience, options.salience),
        ] {
            for (k, &value) in values.iter().enumerate() {
                let (spread, source) = match given.get(k).copied().flatten() {
                    Some(spread) => (spread, SpreadSource::Scenario),
                    None => (default, SpreadSource::Default),
                };
                slots.push(Slot::new(a, parameter, Some(k), value, spread, source));
            }
        }
    }
    slots
}

/// A relative spread made absolute for a value.
fn relative(spread: Spread, value: f64) -> Spread {
    match spread {
        Spread::Uniform(d) => Spread::Uniform(d * value.abs()),
        Spread::Normal(s) => Spread::Normal(s * value.abs()),
        Spread::Fixed => Spread::Fixed,
    }
}

impl Slot {
    fn new(
        actor: usize,
        parameter: Parameter,
        issue: Option<usize>,
        base: f64,
        spread: Spread,
        source: SpreadSource,
    ) -> Slot {
        let spread = match spread {
            Spread::Uniform(x) | Spread::Normal(x) if x > 0.0 => Some(spread),
            _ => None,
        };
        Slot { actor, parameter, issue, base, spread, source }
    }

    fn clip(&self, x: f64) -> f64 {
        match self.parameter {
            Parameter::Capability => x.max(0.0),
            Parameter::Position | Parameter::Salience => x.clamp(0.0, 1.0),
        }
    }

    /// The input's value from two uniform draws, `u1` in `(0, 1]` and `u2` in
    /// `[0, 1)`; `None` when the input is not perturbed.
    fn draw(&self, u1: f64, u2: f64) -> Option<f64> {
        let x = match self.spread? {
            Spread::Uniform(d) => self.base + d * (2.0 * u2 - 1.0),
            // Box–Muller.
            Spread::Normal(s) => self.base + s * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos(),
            Spread::Fixed => return None,
        };
        Some(self.clip(x))
    }

    fn uncertain(&self, input: &Input) -> Option<UncertainInput> {
        let spread = self.spread?;
        let half = match spread {
            Spread::Uniform(d) => d,
            Spread::Normal(s) => NORMAL_TORNADO_Z * s,
            Spread::Fixed => return None,
        };
        Some(UncertainInput {
            actor: input.actors[self.actor].id.clone(),
            parameter: self.parameter,
            issue: self.issue.map(|k| input.issues[k].id.clone()),
            actor_index: self.actor,
            issue_index: self.issue,
            base: self.base,
            spread,
            source: self.source,
            low: self.clip(self.base - half),
            high: self.clip(self.base + half),
        })
    }
}

fn set(input: &mut Input, actor: usize, parameter: Parameter, issue: Option<usize>, value: f64) {
    let actor = &mut input.actors[actor];
    match (parameter, issue) {
        (Parameter::Capability, _) => actor.capability = value,
        (Parameter::Position, Some(k)) => actor.position[k] = value,
        (Parameter::Salience, Some(k)) => actor.salience[k] = value,
        (Parameter::Position | Parameter::Salience, None) => unreachable!("an issue input always has an issue"),
    }
}

/// Divides an actor's saliences by their sum where it exceeds 1.
fn cap(input: &mut Input, actor: usize) {
    let salience = &mut input.actors[actor].salience;
    let total: f64 = salience.iter().sum();
    if total > 1.0 {
        salience.iter_mut().for_each(|s| *s /= total);
    }
}

fn describe(input: &UncertainInput) -> String {
    match &input.issue {
        None => format!("actor `{}`'s capability", input.actor),
        Some(issue) => {
            let what = if input.parameter == Parameter::Position { "position" } else { "salience" };
            format!("actor `{}`'s {what} on `{issue}`", input.actor)
        }
    }
}

/// The outcomes with each input at its low (`2j`) and high (`2j + 1`) value.
fn tornado(
    input: &Input,
    model: &Model,
    forecast_options: &ForecastOptions,
    inputs: &[UncertainInput],
    capped: bool,
    runs: usize,
    cancel: &AtomicBool,
) -> Result<Vec<Vec<f64>>, SensitivityError> {
    // All else at base: capped like every Monte Carlo run where capping.
    let mut start = input.clone();
    if capped {
        (0..start.actors.len()).for_each(|a| cap(&mut start, a));
    }
    let start = &start;
    let results: Vec<Option<Result<Vec<f64>, ForecastError>>> = (0..2 * inputs.len())
        .into_par_iter()
        .map_init(
            || start.clone(),
            |buffer, job| {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let uncertain = &inputs[job / 2];
                let value = if job % 2 == 0 { uncertain.low } else { uncertain.high };
                let (a, parameter, k) = (uncertain.actor_index, uncertain.parameter, uncertain.issue_index);
                set(buffer, a, parameter, k, value);
                if capped {
                    cap(buffer, a);
                }
                let result = forecast_watched(buffer, model, forecast_options, &|_| {}, cancel)
                    .and_then(|f| check_outcome(&f.outcome, input.issues.len()).map(|()| f.outcome));
                let (actor, base) = (&mut buffer.actors[a], &start.actors[a]);
                actor.capability = base.capability;
                actor.position.copy_from_slice(&base.position);
                actor.salience.copy_from_slice(&base.salience);
                Some(result)
            },
        )
        .collect();
    let mut outcomes = Vec::with_capacity(results.len());
    for (job, result) in results.into_iter().enumerate() {
        match result {
            None | Some(Err(ForecastError::Cancelled { .. })) => {
                return Err(SensitivityError::Cancelled { completed: 0, runs });
            }
            Some(Ok(outcome)) => outcomes.push(outcome),
            Some(Err(source)) => {
                let uncertain = &inputs[job / 2];
                let value = if job % 2 == 0 { uncertain.low } else { uncertain.high };
                let input = format!("{} at {value}", describe(uncertain));
                return Err(SensitivityError::Tornado { input, source });
            }
        }
    }
    Ok(outcomes)
}

/// Row-major results of the Monte Carlo runs.
struct MonteCarlo {
    /// `runs × issues`; a failed run's row is meaningless.
    outcomes: Vec<f64>,
    /// `runs × inputs`: each uncertain input's draw.
    draws: Vec<f64>,
    /// Per run, whether its forecast failed (only with `skip_failed`).
    failed: Vec<bool>,
    failed_runs: usize,
    /// The first [`KEPT_FAILURES`], in run order.
    failures: Vec<FailedRun>,
    /// Per issue, the runs that ended in a cycle there.
    cycling: Vec<usize>,
}

/// A uniform draw in `[0, 1)` from the top 53 bits of a word.
fn unit(word: u64) -> f64 {
    (word >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[allow(clippy::too_many_arguments)]
fn monte_carlo(
    input: &Input,
    model: &Model,
    forecast_options: &ForecastOptions,
    options: &SensitivityOptions,
    slots: &[Slot],
    inputs: &[UncertainInput],
    capped: bool,
    progress: &(dyn Fn(usize) + Sync),
    cancel: &AtomicBool,
) -> Result<MonteCarlo, SensitivityError> {
    let (runs, issues, uncertain) = (options.runs, input.issues.len(), inputs.len());
    // Chunks of at least one, so that no issue or no uncertain input still
    // gives one chunk per run.
    let (issue_stride, input_stride) = (issues.max(1), uncertain.max(1));
    let mut outcomes = vec![0.0; runs * issue_stride];
    let mut draws = vec![0.0; runs * input_stride];
    let root = ChaCha8Rng::seed_from_u64(options.seed);
    let step = (runs / 100).max(1);
    let done = AtomicUsize::new(0);
    let reported = Mutex::new(0usize);
    let first_failure = AtomicUsize::new(usize::MAX);
    let failure: Mutex<Option<(usize, ForecastError)>> = Mutex::new(None);
    let skip = options.skip_failed;
    let mut failed = vec![false; runs];
    // With `skip`: the lowest-index failures seen so far, at most
    // KEPT_FAILURES of them, in run order whatever order the runs finish in.
    let failures: Mutex<Vec<(usize, ForecastError)>> = Mutex::new(Vec::new());
    let cycling: Vec<AtomicUsize> = (0..issues).map(|_| AtomicUsize::new(0)).collect();

    let rows = outcomes.par_chunks_mut(issue_stride).zip(draws.par_chunks_mut(input_stride));
    rows.zip(failed.par_iter_mut()).enumerate().for_each_init(
        || input.clone(),
        |buffer, (run, ((outcome, drawn), run_failed))| {
            if cancel.load(Ordering::Relaxed) || run > first_failure.load(Ordering::Relaxed) {
                return;
            }
            let mut rng = root.clone();
            rng.set_stream(run as u64);
            let seed = rng.next_u64();
            if capped {
                // Capping scales undrawn saliences too: start from base.
                for (buffer, base) in buffer.actors.iter_mut().zip(&input.actors) {
                    buffer.salience.copy_from_slice(&base.salience);
                }
            }
            let mut j = 0;
            let mut actor_start = 0;
            for (i, slot) in slots.iter().enumerate() {
                let (u1, u2) = (1.0 - unit(rng.next_u64()), unit(rng.next_u64()));
                if let Some(value) = slot.draw(u1, u2) {
                    set(buffer, slot.actor, slot.parameter, slot.issue, value);
                    drawn[j] = value;
                    j += 1;
                }
                let last_of_actor = slots.get(i + 1).is_none_or(|next| next.actor != slot.actor);
                if capped && last_of_actor {
                    cap(buffer, slot.actor);
                    // Record what the model reads.
                    for (d, uncertain) in drawn[actor_start..j].iter_mut().zip(&inputs[actor_start..j]) {
                        if let (Parameter::Salience, Some(k)) = (uncertain.parameter, uncertain.issue_index) {
                            *d = buffer.actors[slot.actor].salience[k];
                        }
                    }
                }
                if last_of_actor {
                    actor_start = j;
                }
            }
            let run_options = ForecastOptions { seed, ..*forecast_options };
            let result = forecast_watched(buffer, model, &run_options, &|_| {}, cancel)
                .and_then(|f| check_outcome(&f.outcome, issues).map(|()| f));
            match result {
                Ok(f) => {
                    outcome[..issues].copy_from_slice(&f.outcome);
                    for n in f.cycles.iter().filter_map(|c| cycling.get(c.issue)) {
                        n.fetch_add(1, Ordering::Relaxed);
                    }
                }
                // Stopped by `cancel` mid-forecast: neither done nor failed.
                Err(ForecastError::Cancelled { .. }) => return,
                Err(error) if skip => {
                    *run_failed = true;
                    let mut failures = failures.lock().unwrap_or_else(PoisonError::into_inner);
                    if failures.len() < KEPT_FAILURES || failures.last().is_some_and(|(r, _)| run < *r) {
                        let at = failures.partition_point(|(r, _)| *r < run);
                        failures.insert(at, (run, error));
                        failures.truncate(KEPT_FAILURES);
                    }
                }
                Err(error) => {
                    first_failure.fetch_min(run, Ordering::Relaxed);
                    let mut failure = failure.lock().unwrap_or_else(PoisonError::into_inner);
                    if failure.as_ref().is_none_or(|(r, _)| run < *r) {
                        *failure = Some((run, error));
                    }
                    return;
                }
            }
            let completed = done.fetch_add(1, Ordering::Relaxed) + 1;
            if completed % step == 0 || completed == runs {
                let mut last = reported.lock().unwrap_or_else(PoisonError::into_inner);
                if completed > *last {
                    *last = completed;
                    progress(completed);
                }
            }
        },
    );

    let completed = done.load(Ordering::Relaxed);
    if completed < runs && cancel.load(Ordering::Relaxed) {
        return Err(SensitivityError::Cancelled { completed, runs });
    }
    if let Some((run, source)) = failure.into_inner().unwrap_or_else(PoisonError::into_inner) {
        return Err(SensitivityError::Run { run, source });
    }
    let failed_runs = failed.iter().filter(|&&f| f).count();
    let failures = failures.into_inner().unwrap_or_else(PoisonError::into_inner);
    if failed_runs == runs {
        if let Some((run, source)) = failures.first().cloned() {
            return Err(SensitivityError::AllRunsFailed { runs, run, source });
        }
    }
    let failures = failures.into_iter().map(|(run, error)| FailedRun { run, error: error.to_string() }).collect();
    if issue_stride != issues {
        outcomes.clear();
    }
    if input_stride != uncertain {
        draws.clear();
    }
    let cycling = cycling.into_iter().map(AtomicUsize::into_inner).collect();
    Ok(MonteCarlo { outcomes, draws, failed, failed_runs, failures, cycling })
}
