//! Detente's model of a negotiation and its exact analyses.
//!
//! A [`Scenario`] is built once from a [`ScenarioSpec`] and validated there:
//! later code relies on unique ids, finite numbers and complete preferences.
//! [`analyze`] enumerates the outcome space lazily, in parallel, keeping only
//! the Pareto frontier and the counts of the zones of possible agreement, and
//! derives the bargaining solutions from the frontier.
//!
//! This crate does no IO: no files, no clock, no environment, no global RNG.
//! Parallelism is rayon's, inside [`analyze`] only.
//!
//! ```
//! use detente_core::{analyze, AnalysisOptions, Scenario, ScenarioSpec, WeightPolicy};
//! let spec: ScenarioSpec = serde_json::from_str(r#"{
//!   "name": "split a pie",
//!   "issues": [{ "id": "share", "kind": "continuous", "min": 0, "max": 100, "step": 10 }],
//!   "actors": [
//!     { "id": "a", "preferences": { "type": "spatial", "position": { "share": 100 }, "salience": { "share": 1 } } },
//!     { "id": "b", "preferences": { "type": "spatial", "position": { "share": 0 }, "salience": { "share": 1 } } }
//!   ]
//! }"#).unwrap();
//! let (scenario, _warnings) = Scenario::new(spec, WeightPolicy::Refuse).unwrap();
//! let analysis = analyze(&scenario, &AnalysisOptions::default()).unwrap();
//! assert_eq!(analysis.n_outcomes, 11);
//! assert_eq!(analysis.frontier.len(), 11); // a zero-sum pie: every split is efficient
//! let nash = analysis.solutions.nash.unwrap();
//! assert_eq!(nash.point.utilities, vec![0.5, 0.5]);
//! ```

pub mod additive;
pub mod analysis;
pub mod constraint;
pub mod error;
pub mod numbers;
pub mod pareto;
pub mod scenario;
pub mod solutions;
pub mod space;
pub mod spec;

pub use analysis::{
    Analysis, AnalysisError, AnalysisOptions, Method, Point, Zopa, ZopaEstimate, analyze, analyze_watched,
};
pub use error::{Locator, ScenarioError, Warning};
pub use scenario::{Actor, Issue, Preference, Scenario, WeightPolicy};
pub use solutions::{Solution, Solutions};
pub use space::{IssueValue, Outcome, OutcomeSpace, UtilityTables, issue_value};
pub use spec::*;
