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
}

impl Forecast {
    /// Rounds played after the initial positions.
    pub fn rounds(&self) -> usize {
        self.trajectory.len().saturating_sub(1)
    }
}

/// Why a forecast could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    #[error("no actor has both capability and salience on issue `{issue}`, so no model can weigh positions there")]
    NoWeight { issue: String },
    #[error("{0}")]
    Invalid(String),
}

/// Runs one model on one input.
pub fn forecast(input: &Input, model: &Model, options: &ForecastOptions) -> Result<Forecast, ForecastError> {
    match model {
        Model::Compromise => baseline::compromise(input),
        Model::Median => baseline::median(input),
        Model::Nash { weighted } => baseline::nash(input, *weighted),
        Model::ExpectedUtility(params) => eu::forecast(input, params, options),
        Model::Smp(params) => smp::forecast(input, params, options),
    }
}
