//! The `forecast --json`, `forecast --compare --json` and `sensitivity --json`
//! objects, and what the CLI and the server share to run the models: their
//! names, their `MODEL.KEY=VALUE` settings, the check of a forecast's shape
//! and the memory limit of sensitivity runs.
//!
//! detente-forecast works on normalised positions (`[0, 1]` per issue); these
//! views convert every position back to the issue's own units (an option
//! index on an ordered discrete issue, with the nearest option's name). The
//! keys are a stable interface documented in the README; add keys, never
//! rename them. JSON is streamed through `Serialize` impls over the library's
//! results, never built as a tree.

use std::fmt;
use std::sync::atomic::AtomicBool;

use detente_core::{Scenario, Spread, Warning};
use detente_forecast::sensitivity::{self, IssueSensitivity, Parameter, Sensitivity, SensitivityOptions, TornadoBar};
use detente_forecast::{Cycle, Forecast, ForecastError, ForecastOptions, Input, Model, Progress, Scale};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// The forecasting models, as the CLI's `--model` and the API's `model` spell them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelName {
    Compromise,
    Median,
    Nash,
    WeightedNash,
    Eu,
    Smp,
}

impl ModelName {
    /// Every model, in the order `--compare` prints them.
    pub const ALL: [ModelName; 6] = [
        ModelName::Compromise,
        ModelName::Median,
        ModelName::Nash,
        ModelName::WeightedNash,
        ModelName::Eu,
        ModelName::Smp,
    ];

    /// The model with its default parameters.
    pub fn model(self) -> Model {
        match self {
            ModelName::Compromise => Model::Compromise,
            ModelName::Median => Model::Median,
            ModelName::Nash => Model::Nash { weighted: false },
            ModelName::WeightedNash => Model::Nash { weighted: true },
            ModelName::Eu => Model::ExpectedUtility(Default::default()),
            ModelName::Smp => Model::Smp(Default::default()),
        }
    }

    /// `compromise`, `median`, `nash`, `weighted-nash`, `eu`, `smp`.
    pub fn name(self) -> &'static str {
        self.model().name()
    }

    /// The model a name spells, as [`ModelName::name`] writes it.
    pub fn parse(text: &str) -> Option<ModelName> {
        ModelName::ALL.into_iter().find(|m| m.name() == text)
    }
}

/// A `MODEL.KEY=VALUE` setting that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    /// The setting as given.
    pub param: String,
    /// Its position in the list of settings.
    pub index: usize,
    pub message: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.param, self.message)
    }
}

impl std::error::Error for ParamError {}

/// The model with the `MODEL.KEY=VALUE` settings that name it applied; a
/// setting for a model that is not run is still checked, so a typo never
/// passes silently.
pub fn configured(name: ModelName, params: &[String]) -> Result<Model, ParamError> {
    let mut eu = detente_forecast::eu::EuParams::default();
    let mut smp = detente_forecast::smp::SmpParams::default();
    for (index, param) in params.iter().enumerate() {
        let error = |message: String| ParamError { param: param.clone(), index, message };
        let Some((key, value)) = param.split_once('=') else {
            return Err(error("write it as MODEL.KEY=VALUE, e.g. smp.VotingRule=PropCbc".to_owned()));
        };
        match key.split_once('.') {
            Some(("eu", key)) => eu.set(key, value).map_err(|e| error(e.to_string()))?,
            Some(("smp", key)) => smp.set(key, value).map_err(|e| error(e.to_string()))?,
            _ => {
                return Err(error(
                    "the key must start with the model it sets, `eu.` or `smp.` (e.g. smp.VotingRule=PropCbc)"
                        .to_owned(),
                ));
            }
        }
    }
    Ok(match name {
        ModelName::Eu => Model::ExpectedUtility(eu),
        ModelName::Smp => Model::Smp(smp),
        other => other.model(),
    })
}

/// Runs one model ([`detente_forecast::forecast_watched`]: progress and
/// cancellation, for the CLI's progress bar and the server's forecasts) and
/// checks the shape of its answer, so that a model in progress cannot make a
/// report index out of range.
pub fn checked_forecast_watched(
    input: &Input,
    model: &Model,
    options: &ForecastOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<Forecast, ForecastError> {
    let forecast = detente_forecast::forecast_watched(input, model, options, progress, cancel)?;
    let (actors, issues) = (input.actors.len(), input.issues.len());
    let malformed = |what: String| Err(ForecastError::Invalid(format!("the {} model {what}", model.name())));
    if forecast.outcome.len() != issues {
        return malformed(format!("gave {} outcomes for {issues} issues", forecast.outcome.len()));
    }
    if forecast.trajectory.is_empty() {
        return malformed("gave no positions".to_owned());
    }
    if forecast.trajectory.iter().any(|round| round.len() != actors || round.iter().any(|p| p.len() != issues)) {
        return malformed(format!("gave a trajectory unlike its {actors} actors and {issues} issues"));
    }
    if forecast.cycles.iter().any(|c| c.issue >= issues || c.outcomes.len() != c.period) {
        return malformed(format!("gave a cycle unlike its {issues} issues"));
    }
    if let Some(x) = forecast.outcome.iter().find(|x| !x.is_finite()) {
        return malformed(format!("gave a non-finite outcome ({x})"));
    }
    Ok(forecast)
}

/// The draws and outcomes a sensitivity run keeps (`runs × (inputs + issues)
/// × 8` bytes, as the library documents) may take at most this much; the
/// rank correlations need about as much again.
pub const MAX_KEPT_BYTES: u128 = 2 << 30;

/// Sensitivity runs whose draws would not fit in [`MAX_KEPT_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyRuns {
    pub runs: usize,
    /// Bytes kept per run for this scenario.
    pub per_run: u128,
}

impl fmt::Display for TooManyRuns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per_run = self.per_run;
        write!(
            f,
            "the runs' draws and outcomes would take {:.1} GiB ({per_run} bytes a run for this scenario); at most {} \
             runs fit in the {} GiB this command allows",
            (self.runs as u128 * per_run) as f64 / f64::from(1u32 << 30),
            MAX_KEPT_BYTES / per_run,
            MAX_KEPT_BYTES >> 30
        )
    }
}

impl std::error::Error for TooManyRuns {}

/// Checks that `runs` sensitivity runs of `input` fit in [`MAX_KEPT_BYTES`].
pub fn check_sensitivity_size(input: &Input, runs: usize) -> Result<(), TooManyRuns> {
    let per_run = (input.actors.len() * (1 + 2 * input.issues.len()) + input.issues.len()) as u128 * 8;
    if runs as u128 * per_run > MAX_KEPT_BYTES { Err(TooManyRuns { runs, per_run }) } else { Ok(()) }
}

/// What the forecast views need to know of the scenario besides the models'
/// input: its name, its actors' names and the warnings its loading gave.
#[derive(Debug, Clone, Copy)]
pub struct ForecastContext<'a> {
    pub scenario: &'a Scenario,
    /// `Input::from_scenario(scenario)`: every actor, in scenario order.
    pub input: &'a Input,
    pub warnings: &'a [Warning],
}

impl<'a> ForecastContext<'a> {
    /// Actor `a`'s name (input order is scenario order).
    pub fn actor_name(&self, a: usize) -> &'a str {
        self.scenario.actors.get(a).map_or_else(|| self.input.actors[a].id.as_str(), |actor| &actor.name)
    }

    fn warnings_json(&self) -> Vec<&'a str> {
        self.warnings.iter().map(|w| w.message.as_str()).collect()
    }
}

#[derive(Serialize)]
struct ActorJson<'a> {
    id: &'a str,
    name: &'a str,
    capability: f64,
}

#[derive(Serialize)]
struct ScaleJson<'a> {
    id: &'a str,
    name: &'a str,
    min: f64,
    max: f64,
    unit: Option<&'a str>,
    options: Option<&'a [String]>,
}

fn actors_json<'a>(context: &ForecastContext<'a>) -> Vec<ActorJson<'a>> {
    context
        .input
        .actors
        .iter()
        .enumerate()
        .map(|(a, actor)| ActorJson { id: &actor.id, name: context.actor_name(a), capability: actor.capability })
        .collect()
}

fn scales_json(input: &Input) -> Vec<ScaleJson<'_>> {
    input
        .issues
        .iter()
        .map(|s| ScaleJson {
            id: &s.id,
            name: &s.name,
            min: s.min,
            max: s.max,
            unit: s.unit.as_deref(),
            options: s.options.as_deref(),
        })
        .collect()
}

/// `{ issue id: value }`, in the issue's units or normalised.
struct OutcomeJson<'a> {
    input: &'a Input,
    outcome: &'a [f64],
    units: bool,
}

impl Serialize for OutcomeJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.input
                .issues
                .iter()
                .zip(self.outcome)
                .map(|(s, &x)| (&s.id, if self.units { s.denormalise(x) } else { x })),
        )
    }
}

/// `{ issue id: option }` for the ordered discrete issues.
struct NearestJson<'a> {
    input: &'a Input,
    outcome: &'a [f64],
}

impl Serialize for NearestJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.input.issues.iter().zip(self.outcome).filter_map(|(s, &x)| s.nearest_option(x).map(|o| (&s.id, o))),
        )
    }
}

/// `trajectory[round][actor][issue]`, in the issue's units or normalised.
struct TrajectoryJson<'a> {
    input: &'a Input,
    trajectory: &'a [Vec<Vec<f64>>],
    units: bool,
}

impl Serialize for TrajectoryJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.trajectory.iter().map(|round| RoundJson { outer: self, round }))
    }
}

struct RoundJson<'a> {
    outer: &'a TrajectoryJson<'a>,
    round: &'a [Vec<f64>],
}

impl Serialize for RoundJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.round.iter().map(|positions| PositionsJson { outer: self.outer, positions }))
    }
}

struct PositionsJson<'a> {
    outer: &'a TrajectoryJson<'a>,
    positions: &'a [f64],
}

impl Serialize for PositionsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (input, units) = (self.outer.input, self.outer.units);
        serializer.collect_seq(
            input.issues.iter().zip(self.positions).map(|(s, &x)| if units { s.denormalise(x) } else { x }),
        )
    }
}

/// `[{ "issue", "period", "since_round", "outcomes", "outcomes_normalised" }]`:
/// the issues whose positions cycle up to the round limit.
struct CyclesJson<'a> {
    input: &'a Input,
    cycles: &'a [Cycle],
}

impl Serialize for CyclesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct CycleJson<'a> {
            issue: &'a str,
            period: usize,
            since_round: usize,
            outcomes: Vec<f64>,
            outcomes_normalised: &'a [f64],
        }
        serializer.collect_seq(self.cycles.iter().map(|c| {
            let scale = &self.input.issues[c.issue];
            CycleJson {
                issue: &scale.id,
                period: c.period,
                since_round: c.since_round,
                outcomes: c.outcomes.iter().map(|&x| scale.denormalise(x)).collect(),
                outcomes_normalised: &c.outcomes,
            }
        }))
    }
}

/// The `forecast --json` object; also `sensitivity --json`'s `base`, without
/// the scenario's name and the warnings (`top_level: false`).
#[derive(Debug)]
pub struct ForecastJson<'a> {
    pub context: ForecastContext<'a>,
    pub forecast: &'a Forecast,
    pub top_level: bool,
}

impl Serialize for ForecastJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (input, f) = (self.context.input, self.forecast);
        let mut map = serializer.serialize_map(None)?;
        if self.top_level {
            map.serialize_entry("scenario", &self.context.scenario.name)?;
        }
        map.serialize_entry("model", f.model)?;
        map.serialize_entry("stop", &f.stop)?;
        map.serialize_entry("rounds", &f.rounds())?;
        map.serialize_entry("actors", &actors_json(&self.context))?;
        map.serialize_entry("issues", &scales_json(input))?;
        map.serialize_entry("outcome", &OutcomeJson { input, outcome: &f.outcome, units: true })?;
        map.serialize_entry("outcome_normalised", &OutcomeJson { input, outcome: &f.outcome, units: false })?;
        map.serialize_entry("nearest_option", &NearestJson { input, outcome: &f.outcome })?;
        map.serialize_entry("trajectory", &TrajectoryJson { input, trajectory: &f.trajectory, units: true })?;
        map.serialize_entry(
            "trajectory_normalised",
            &TrajectoryJson { input, trajectory: &f.trajectory, units: false },
        )?;
        map.serialize_entry("cycles", &CyclesJson { input, cycles: &f.cycles })?;
        if self.top_level {
            map.serialize_entry("warnings", &self.context.warnings_json())?;
        }
        map.end()
    }
}

/// The `forecast --compare --json` object.
#[derive(Debug)]
pub struct CompareJson<'a> {
    pub context: ForecastContext<'a>,
    pub results: &'a [(ModelName, Result<Forecast, ForecastError>)],
}

impl Serialize for CompareJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let input = self.context.input;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("scenario", &self.context.scenario.name)?;
        map.serialize_entry("actors", &actors_json(&self.context))?;
        map.serialize_entry("issues", &scales_json(input))?;
        map.serialize_entry("models", &ModelsJson { input, results: self.results })?;
        map.serialize_entry("warnings", &self.context.warnings_json())?;
        map.end()
    }
}

struct ModelsJson<'a> {
    input: &'a Input,
    results: &'a [(ModelName, Result<Forecast, ForecastError>)],
}

impl Serialize for ModelsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.results.iter().map(|(m, result)| (m.name(), ModelResultJson { input: self.input, result })),
        )
    }
}

struct ModelResultJson<'a> {
    input: &'a Input,
    result: &'a Result<Forecast, ForecastError>,
}

impl Serialize for ModelResultJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let input = self.input;
        let mut map = serializer.serialize_map(None)?;
        match self.result {
            Ok(f) => {
                map.serialize_entry("stop", &f.stop)?;
                map.serialize_entry("rounds", &f.rounds())?;
                map.serialize_entry("outcome", &OutcomeJson { input, outcome: &f.outcome, units: true })?;
                map.serialize_entry("outcome_normalised", &OutcomeJson { input, outcome: &f.outcome, units: false })?;
                map.serialize_entry("nearest_option", &NearestJson { input, outcome: &f.outcome })?;
                map.serialize_entry("cycles", &CyclesJson { input, cycles: &f.cycles })?;
            }
            Err(e) => map.serialize_entry("error", &e.to_string())?,
        }
        map.end()
    }
}

/// The `sensitivity --json` object.
#[derive(Debug)]
pub struct SensitivityJson<'a> {
    pub context: ForecastContext<'a>,
    pub result: &'a Sensitivity,
    pub options: &'a SensitivityOptions,
}

#[derive(Serialize)]
struct DefaultSpreadsJson {
    position: Spread,
    salience: Spread,
    capability: Spread,
}

impl Serialize for SensitivityJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (context, result, options) = (self.context, self.result, self.options);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("scenario", &context.scenario.name)?;
        map.serialize_entry("model", result.model)?;
        map.serialize_entry("runs", &result.runs)?;
        // The runs `skip_failed` left out: 0 and [] without it.
        map.serialize_entry("completed_runs", &result.completed_runs)?;
        map.serialize_entry("failed_runs", &result.failed_runs)?;
        map.serialize_entry("failures", &result.failures)?;
        map.serialize_entry("seed", &result.seed)?;
        map.serialize_entry(
            "default_spreads",
            &DefaultSpreadsJson {
                position: options.position,
                salience: options.salience,
                capability: options.capability,
            },
        )?;
        map.serialize_entry("base", &ForecastJson { context, forecast: &result.base, top_level: false })?;
        map.serialize_entry("inputs", &result.inputs)?;
        map.serialize_entry("issues", &IssuesSensitivityJson { context, result })?;
        map.serialize_entry("warnings", &context.warnings_json())?;
        map.end()
    }
}

struct IssuesSensitivityJson<'a> {
    context: ForecastContext<'a>,
    result: &'a Sensitivity,
}

impl Serialize for IssuesSensitivityJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.context.input.issues.iter().zip(&self.result.issues).map(|(scale, issue)| IssueSensitivityJson {
                result: self.result,
                scale,
                issue,
            }),
        )
    }
}

struct IssueSensitivityJson<'a> {
    result: &'a Sensitivity,
    scale: &'a Scale,
    issue: &'a IssueSensitivity,
}

#[derive(Serialize)]
struct QuantileJson {
    p: f64,
    value: f64,
}

#[derive(Serialize)]
struct NormalisedJson<'a> {
    base: f64,
    mean: f64,
    std_dev: f64,
    min: f64,
    max: f64,
    quantiles: &'a [sensitivity::Quantile],
}

impl Serialize for IssueSensitivityJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (scale, issue) = (self.scale, self.issue);
        let units = |x: f64| scale.denormalise(x);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &scale.id)?;
        map.serialize_entry("name", &scale.name)?;
        map.serialize_entry("base", &units(issue.base))?;
        map.serialize_entry("mean", &units(issue.mean))?;
        map.serialize_entry("std_dev", &(issue.std_dev * scale.span()))?;
        map.serialize_entry("min", &units(issue.min))?;
        map.serialize_entry("max", &units(issue.max))?;
        let quantiles: Vec<QuantileJson> =
            issue.quantiles.iter().map(|q| QuantileJson { p: q.p, value: units(q.value) }).collect();
        map.serialize_entry("quantiles", &quantiles)?;
        map.serialize_entry("histogram", &HistogramJson { scale, counts: &issue.histogram })?;
        map.serialize_entry("tornado", &TornadoJson { result: self.result, scale, bars: &issue.tornado })?;
        map.serialize_entry("cycling_runs", &issue.cycling_runs)?;
        map.serialize_entry(
            "normalised",
            &NormalisedJson {
                base: issue.base,
                mean: issue.mean,
                std_dev: issue.std_dev,
                min: issue.min,
                max: issue.max,
                quantiles: &issue.quantiles,
            },
        )?;
        map.end()
    }
}

/// `{ "edges": [bins + 1 values in the issue's units], "counts": [bins] }`.
struct HistogramJson<'a> {
    scale: &'a Scale,
    counts: &'a [u64],
}

impl Serialize for HistogramJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bins = self.counts.len();
        let edges: Vec<f64> = (0..=bins).map(|i| self.scale.denormalise(i as f64 / bins as f64)).collect();
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("edges", &edges)?;
        map.serialize_entry("counts", self.counts)?;
        map.end()
    }
}

struct TornadoJson<'a> {
    result: &'a Sensitivity,
    scale: &'a Scale,
    bars: &'a [TornadoBar],
}

#[derive(Serialize)]
struct BarJson<'a> {
    input: usize,
    actor: &'a str,
    parameter: Parameter,
    issue: Option<&'a str>,
    low: f64,
    high: f64,
    swing: f64,
    rank_correlation: Option<f64>,
}

impl Serialize for TornadoJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let scale = self.scale;
        serializer.collect_seq(self.bars.iter().map(|bar| {
            let input = &self.result.inputs[bar.input];
            BarJson {
                input: bar.input,
                actor: &input.actor,
                parameter: input.parameter,
                issue: input.issue.as_deref(),
                low: scale.denormalise(bar.low),
                high: scale.denormalise(bar.high),
                swing: bar.swing * scale.span(),
                rank_correlation: bar.rank_correlation,
            }
        }))
    }
}
