//! Why a scenario was refused, and what was adjusted on the way in.

use std::fmt;

/// Where in a scenario an error or warning lies: the formats crate maps this
/// back to a line and column in the file it read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Locator {
    pub actor: Option<String>,
    pub issue: Option<String>,
    /// The field's name as the TOML format spells it (`capability`, `salience`).
    pub field: Option<&'static str>,
    /// Index of a hyperrectangle in a constraint preference.
    pub rectangle: Option<usize>,
}

/// A scenario that cannot be built. Every variant names the actor, issue and
/// field at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    #[error("scenario has no {what}")]
    Empty { what: &'static str },
    #[error("duplicate {what} id `{id}`")]
    DuplicateId { what: &'static str, id: String },
    #[error("empty {what} id")]
    EmptyId { what: &'static str },
    #[error("actor `{actor}`: {field} refers to unknown issue `{issue}`")]
    UnknownIssue { actor: String, field: &'static str, issue: String },
    #[error("actor `{actor}`, issue `{issue}`: unknown option `{option}`")]
    UnknownOption { actor: String, issue: String, option: String },
    #[error("actor `{actor}`, issue `{issue}`: option `{option}` has no evaluation")]
    MissingOption { actor: String, issue: String, option: String },
    #[error("{}: {field} is {value}, expected a finite number", describe(actor, issue))]
    NotFinite { actor: Option<String>, issue: Option<String>, field: &'static str, value: f64 },
    #[error("{}: {field} is {value}, expected {expected}", describe(actor, issue))]
    OutOfRange { actor: Option<String>, issue: Option<String>, field: &'static str, value: f64, expected: &'static str },
    #[error("issue `{issue}` is empty: {reason}")]
    EmptyIssue { issue: String, reason: String },
    #[error("issue `{issue}`: option `{option}` appears twice")]
    DuplicateOption { issue: String, option: String },
    #[error("actor `{actor}`: {field} sum to {sum}, expected 1 (or pass normalisation)")]
    WeightsNotNormalised { actor: String, field: &'static str, sum: f64 },
    #[error("actor `{actor}`: {field} are all zero")]
    AllZero { actor: String, field: &'static str },
    #[error("actor `{actor}`: issue `{issue}` has no {field}")]
    MissingIssue { actor: String, issue: String, field: &'static str },
    #[error("actor `{actor}`, issue `{issue}`: {reason}")]
    Incompatible { actor: String, issue: String, reason: String },
    #[error("actor `{actor}`: estimate for unknown field or issue `{key}`")]
    UnknownEstimate { actor: String, key: String },
    #[error(
        "actor `{actor}`: uncertainty for `{key}`, which is not `capability`, `position.<issue>` or `salience.<issue>` \
         with a known issue"
    )]
    UnknownUncertainty { actor: String, key: String },
}

fn describe(actor: &Option<String>, issue: &Option<String>) -> String {
    match (actor, issue) {
        (Some(a), Some(i)) => format!("actor `{a}`, issue `{i}`"),
        (Some(a), None) => format!("actor `{a}`"),
        (None, Some(i)) => format!("issue `{i}`"),
        (None, None) => "scenario".to_owned(),
    }
}

impl ScenarioError {
    /// The place in the scenario this error is about.
    pub fn locator(&self) -> Locator {
        use ScenarioError::*;
        let s = |x: &String| Some(x.clone());
        match self {
            Empty { .. } | EmptyId { .. } => Locator::default(),
            DuplicateId { what, id } => {
                if *what == "issue" {
                    Locator { issue: s(id), field: Some("id"), ..Locator::default() }
                } else {
                    Locator { actor: s(id), field: Some("id"), ..Locator::default() }
                }
            }
            UnknownIssue { actor, field, issue } => {
                Locator { actor: s(actor), issue: s(issue), field: Some(field), rectangle: None }
            }
            UnknownOption { actor, issue, .. } | MissingOption { actor, issue, .. } => {
                Locator { actor: s(actor), issue: s(issue), field: None, rectangle: None }
            }
            NotFinite { actor, issue, field, .. } | OutOfRange { actor, issue, field, .. } => {
                Locator { actor: actor.clone(), issue: issue.clone(), field: Some(field), rectangle: None }
            }
            EmptyIssue { issue, .. } | DuplicateOption { issue, .. } => {
                Locator { issue: s(issue), ..Locator::default() }
            }
            WeightsNotNormalised { actor, field, .. } | AllZero { actor, field } => {
                Locator { actor: s(actor), field: Some(field), ..Locator::default() }
            }
            MissingIssue { actor, issue, field } => {
                Locator { actor: s(actor), issue: s(issue), field: Some(field), rectangle: None }
            }
            Incompatible { actor, issue, .. } => Locator { actor: s(actor), issue: s(issue), ..Locator::default() },
            UnknownEstimate { actor, .. } => {
                Locator { actor: s(actor), field: Some("estimates"), ..Locator::default() }
            }
            UnknownUncertainty { actor, .. } => {
                Locator { actor: s(actor), field: Some("uncertainty"), ..Locator::default() }
            }
        }
    }
}

/// Something adjusted while building a scenario, reported to the user but not
/// fatal.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub locator: Locator,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
