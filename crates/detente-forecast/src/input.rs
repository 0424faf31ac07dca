//! What the models read: capabilities, and per issue a normalised position
//! and a salience, taken from a spatial scenario.

use detente_core::{IssueDomain, Preference, Scenario, Spread};
use serde::Serialize;

/// Saliences in scenario files are written on a 0–100 scale per issue (KTAB's
/// and the expected-utility literature's convention); models read them
/// divided by this.
pub const SALIENCE_SCALE: f64 = 100.0;

/// One issue's scale: `[0, 1]` inside the models maps to `[min, max]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scale {
    pub id: String,
    pub name: String,
    pub min: f64,
    pub max: f64,
    /// The options of an ordered discrete issue, evenly spaced on `[0, 1]`.
    pub options: Option<Vec<String>>,
    /// The scale's unit or meaning, for reports.
    pub unit: Option<String>,
}

impl Scale {
    /// A normalised coordinate in the issue's own units (an option index for
    /// a discrete issue).
    pub fn denormalise(&self, x: f64) -> f64 {
        self.min + x * (self.max - self.min)
    }

    /// The issue's units per normalised unit.
    pub fn span(&self) -> f64 {
        self.max - self.min
    }

    /// The nearest option of a discrete issue.
    pub fn nearest_option(&self, x: f64) -> Option<&str> {
        let options = self.options.as_ref()?;
        let k = self.denormalise(x).round().clamp(0.0, (options.len() - 1) as f64) as usize;
        options.get(k).map(String::as_str)
    }
}

/// One actor as the models see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastActor {
    pub id: String,
    pub capability: f64,
    /// Per issue, in `[0, 1]`.
    pub position: Vec<f64>,
    /// Per issue, in `[0, 1]`.
    pub salience: Vec<f64>,
    /// The scenario's spreads for sensitivity, in the models' units (a
    /// position's spread divided by the issue's span, a salience's by 100).
    pub spread: Spreads,
}

/// Per-input spreads given in the scenario; `None` takes the run's default.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Spreads {
    pub capability: Option<Spread>,
    pub position: Vec<Option<Spread>>,
    pub salience: Vec<Option<Spread>>,
}

/// The models' input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Input {
    pub issues: Vec<Scale>,
    pub actors: Vec<ForecastActor>,
}

/// Why a scenario cannot be forecast.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    #[error(
        "actor `{actor}` has {kind} preferences; forecasting needs spatial preferences (a position and a salience per issue)"
    )]
    NotSpatial { actor: String, kind: &'static str },
    #[error("issue `{issue}` has unordered options; forecasting needs a scale (a numeric issue or ordered options)")]
    Unordered { issue: String },
    #[error(
        "actor `{actor}`, issue `{issue}`: salience {salience} is above 100; forecasting reads saliences on a 0–100 scale"
    )]
    SalienceAbove100 { actor: String, issue: String, salience: f64 },
    #[error("issue `{issue}` is a single point; there is nothing to forecast")]
    Degenerate { issue: String },
}

impl Input {
    /// The forecasting view of a spatial scenario: every actor, every issue.
    pub fn from_scenario(scenario: &Scenario) -> Result<Input, InputError> {
        let issues = scenario
            .issues
            .iter()
            .map(|issue| {
                let (min, max, options, unit) = match &issue.domain {
                    IssueDomain::Continuous { min, max, unit, .. } => (*min, *max, None, unit.clone()),
                    IssueDomain::Integer { min, max, unit } => (*min as f64, *max as f64, None, unit.clone()),
                    IssueDomain::Discrete { options, ordered: true } => {
                        (0.0, (options.len() - 1) as f64, Some(options.clone()), None)
                    }
                    IssueDomain::Discrete { ordered: false, .. } => {
                        return Err(InputError::Unordered { issue: issue.id.clone() });
                    }
                };
                if max <= min {
                    return Err(InputError::Degenerate { issue: issue.id.clone() });
                }
                Ok(Scale { id: issue.id.clone(), name: issue.name.clone(), min, max, options, unit })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let actors = scenario
            .actors
            .iter()
            .map(|actor| {
                let p = match &actor.preference {
                    Preference::Spatial(p) => p,
                    Preference::LinearAdditive(_) => {
                        return Err(InputError::NotSpatial { actor: actor.id.clone(), kind: "linear-additive" });
                    }
                    Preference::Constraint(_) => {
                        return Err(InputError::NotSpatial { actor: actor.id.clone(), kind: "constraint" });
                    }
                };
                for (k, &s) in p.salience.iter().enumerate() {
                    if s > SALIENCE_SCALE {
                        return Err(InputError::SalienceAbove100 {
                            actor: actor.id.clone(),
                            issue: issues[k].id.clone(),
                            salience: s,
                        });
                    }
                }
                let position = p.ideal.iter().zip(&issues).map(|(x, s)| (x - s.min) / s.span()).collect();
                let salience = p.salience.iter().map(|s| s / SALIENCE_SCALE).collect();
                let scale = |spread: Spread, by: f64| match spread {
                    Spread::Uniform(d) => Spread::Uniform(d / by),
                    Spread::Normal(s) => Spread::Normal(s / by),
                    Spread::Fixed => Spread::Fixed,
                };
                let spread = Spreads {
                    capability: actor.uncertainty.get("capability").copied(),
                    position: issues
                        .iter()
                        .map(|s| actor.uncertainty.get(&format!("position.{}", s.id)).map(|&x| scale(x, s.span())))
                        .collect(),
                    salience: issues
                        .iter()
                        .map(|s| {
                            actor.uncertainty.get(&format!("salience.{}", s.id)).map(|&x| scale(x, SALIENCE_SCALE))
                        })
                        .collect(),
                };
                Ok(ForecastActor { id: actor.id.clone(), capability: actor.capability, position, salience, spread })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Input { issues, actors })
    }
}
