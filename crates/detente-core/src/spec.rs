//! The unvalidated, serialisable description of a scenario.
//!
//! A `ScenarioSpec` is what a file says: ids are strings, preferences are keyed
//! by issue id, nothing has been checked. `Scenario::new` turns it into the
//! validated model; `Scenario::to_spec` turns it back for export. The formats
//! crate reads and writes specs; nothing else should need to.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A negotiation as written down: who takes part, what is negotiated, and what
/// each party wants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Where the data comes from (a file, a paper, "analyst's estimate").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub issues: Vec<IssueSpec>,
    pub actors: Vec<ActorSpec>,
}

/// One issue under negotiation. Unknown fields are refused by `IssueDomain`,
/// which receives every field not named here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueSpec {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(flatten)]
    pub domain: IssueDomain,
}

/// The values an issue can take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum IssueDomain {
    /// A scale `[min, max]`. For enumeration it is sampled every `step`, or at
    /// [`DEFAULT_CONTINUOUS_LEVELS`] evenly spaced points when no step is given.
    Continuous {
        min: f64,
        max: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<f64>,
    },
    /// Every integer in `[min, max]`.
    Integer {
        min: i64,
        max: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// Named options. `ordered` options form a scale (the first is one end),
    /// so a spatial preference can measure distance along them.
    Discrete {
        options: Vec<String>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        ordered: bool,
    },
}

/// Number of evenly spaced levels a continuous issue without a `step` is
/// sampled at when its outcome space is enumerated: every 5% of the scale.
pub const DEFAULT_CONTINUOUS_LEVELS: usize = 21;

/// One party to the negotiation, at the table or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorSpec {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Relative power or resources (≥ 0); only ratios matter.
    #[serde(default = "one")]
    pub capability: f64,
    /// Whether the actor negotiates directly.
    #[serde(default = "yes")]
    pub at_table: bool,
    /// Whether an agreement needs this actor's consent, at the table or not.
    #[serde(default)]
    pub veto: bool,
    /// Utility of no agreement, in the actor's utility units ([0, 1]).
    #[serde(default)]
    pub reservation: f64,
    /// GENIUS-style discount factor d in (0, 1]: utility u at relative time t
    /// is worth u·dᵗ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<f64>,
    /// Why each number is what it is: keys are `capability`, `reservation`,
    /// `discount`, or an issue id (for the position and salience on it).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub estimates: IndexMap<String, String>,
    /// How uncertain each estimate is, for Monte Carlo sensitivity: keys are
    /// `capability`, `position.<issue>` and `salience.<issue>`; inputs left out
    /// get the run's default spread.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub uncertainty: IndexMap<String, Spread>,
    pub preferences: PreferenceSpec,
}

impl ActorSpec {
    /// An actor with the format's defaults: capability 1, at the table, no
    /// veto, reservation value 0, no discounting, no estimates.
    pub fn new(id: impl Into<String>, preferences: PreferenceSpec) -> ActorSpec {
        ActorSpec {
            id: id.into(),
            name: None,
            capability: one(),
            at_table: yes(),
            veto: false,
            reservation: 0.0,
            discount: None,
            estimates: IndexMap::new(),
            uncertainty: IndexMap::new(),
            preferences,
        }
    }
}

/// The spread of one uncertain input, in that input's own units (a position
/// in the issue's units, or option steps on a discrete issue; a salience on
/// its 0–100 scale; a capability in capability units).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Spread {
    /// Drawn uniformly from [x − δ, x + δ].
    Uniform(f64),
    /// Drawn from a normal distribution with standard deviation σ.
    Normal(f64),
    /// Certain: never perturbed.
    Fixed,
}

fn one() -> f64 {
    1.0
}

fn yes() -> bool {
    true
}

/// How an actor values outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum PreferenceSpec {
    /// An ideal point and a salience per issue; utility falls with distance.
    Spatial {
        #[serde(default)]
        shape: DistanceShape,
        /// Ideal point per issue: a number on the issue's scale, or an option
        /// name for a discrete issue.
        position: IndexMap<String, PositionSpec>,
        /// Importance per issue (≥ 0); normalised to sum to one. Issues left
        /// out have salience zero.
        salience: IndexMap<String, f64>,
    },
    /// GENIUS' linear additive utility: u = Σ wᵢ·evalᵢ(v).
    LinearAdditive { weights: IndexMap<String, f64>, evaluations: IndexMap<String, EvaluatorSpec> },
    /// GENIUS' constraint-based nonlinear utility: the sum of the utilities
    /// of the hyperrectangles an outcome lies in, divided by `max_utility`.
    Constraint { max_utility: f64, rectangles: Vec<HyperRectangleSpec> },
}

/// Whether utility falls linearly or quadratically with normalised distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DistanceShape {
    #[default]
    Linear,
    Quadratic,
}

/// An ideal point on one issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PositionSpec {
    Value(f64),
    Option(String),
}

/// The evaluation of one issue's values in a linear additive preference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum EvaluatorSpec {
    /// A number per option (GENIUS `evaluation`); divided by the largest.
    Options(IndexMap<String, f64>),
    /// A utility per option taken as written, not divided by the largest
    /// (GeniusWeb's `valueUtilities`).
    Utilities(IndexMap<String, f64>),
    /// `slope·x + offset` on a numeric issue; with `clamp`, cut to `[0, 1]`
    /// as GENIUS' `EvaluatorInteger` and `EvaluatorReal` do.
    Linear {
        slope: f64,
        offset: f64,
        #[serde(default, skip_serializing_if = "is_false")]
        clamp: bool,
    },
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A box in outcome space and the utility of lying inside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HyperRectangleSpec {
    pub utility: f64,
    /// Inclusive `[min, max]` per constrained issue; other issues are free.
    pub bounds: IndexMap<String, [f64; 2]>,
}
