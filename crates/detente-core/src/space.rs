//! Outcome spaces and utility evaluation.
//!
//! An outcome picks one level per issue: an option, an integer, or a sample
//! point of a continuous scale. Outcomes are numbered in mixed radix (the last
//! issue varies fastest), so a space is enumerated lazily from an index range
//! and never materialised.

use crate::scenario::{ConstraintPreference, Evaluator, Issue, Preference, Scenario, issue_levels, level_coordinate};
use crate::spec::{DistanceShape, IssueDomain};

/// One level per issue.
pub type Outcome = Vec<u32>;

/// The value an issue takes in an outcome, for display and export.
#[derive(Debug, Clone, PartialEq)]
pub enum IssueValue {
    Option(String),
    Integer(i64),
    Real(f64),
}

impl std::fmt::Display for IssueValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IssueValue::Option(s) => f.write_str(s),
            IssueValue::Integer(i) => write!(f, "{i}"),
            IssueValue::Real(x) => write!(f, "{x}"),
        }
    }
}

/// The size of a scenario's outcome space, issue by issue.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeSpace {
    pub levels: Vec<u64>,
}

impl OutcomeSpace {
    pub fn of(scenario: &Scenario) -> OutcomeSpace {
        OutcomeSpace { levels: scenario.issues.iter().map(|i| issue_levels(&i.domain)).collect() }
    }

    /// The number of outcomes, or `None` if it does not fit in a `u64`.
    pub fn size(&self) -> Option<u64> {
        self.levels.iter().try_fold(1u64, |acc, &n| acc.checked_mul(n))
    }

    /// The number of outcomes as a float, exact up to 2⁵³ and finite far beyond
    /// `u64`: for messages about spaces too large to count.
    pub fn approximate_size(&self) -> f64 {
        self.levels.iter().map(|&n| n as f64).product()
    }

    /// Outcome number `index` (mixed radix, last issue fastest).
    pub fn outcome(&self, mut index: u64) -> Outcome {
        let mut outcome = vec![0u32; self.levels.len()];
        for (slot, &n) in outcome.iter_mut().zip(&self.levels).rev() {
            *slot = (index % n) as u32;
            index /= n;
        }
        outcome
    }
}

/// The value of `level` on `issue`.
pub fn issue_value(issue: &Issue, level: u32) -> IssueValue {
    match &issue.domain {
        IssueDomain::Discrete { options, .. } => IssueValue::Option(options[level as usize].clone()),
        IssueDomain::Integer { min, .. } => IssueValue::Integer(min.saturating_add(i64::from(level))),
        domain @ IssueDomain::Continuous { .. } => IssueValue::Real(level_coordinate(domain, u64::from(level))),
    }
}

impl Scenario {
    /// Utility of the point with one coordinate per issue (the value itself,
    /// or the option index for a discrete issue) to actor `actor`.
    pub fn utility_at(&self, actor: usize, coordinates: &[f64]) -> f64 {
        match &self.actors[actor].preference {
            Preference::Constraint(c) => constraint_utility(c, coordinates),
            additive => {
                let constant = additive_constant(additive);
                self.issues
                    .iter()
                    .enumerate()
                    .map(|(i, issue)| issue_contribution(additive, i, &issue.domain, coordinates[i]))
                    .sum::<f64>()
                    + constant
            }
        }
    }

    /// Coordinates of an outcome, for `utility_at`.
    pub fn coordinates(&self, outcome: &[u32]) -> Vec<f64> {
        self.issues
            .iter()
            .zip(outcome)
            .map(|(issue, &level)| level_coordinate(&issue.domain, u64::from(level)))
            .collect()
    }

    pub fn utility(&self, actor: usize, outcome: &[u32]) -> f64 {
        self.utility_at(actor, &self.coordinates(outcome))
    }
}

pub(crate) fn additive_constant(preference: &Preference) -> f64 {
    match preference {
        Preference::Spatial(_) => 1.0,
        _ => 0.0,
    }
}

/// What issue `issue_idx` adds to an additive utility at coordinate `x`.
pub(crate) fn issue_contribution(preference: &Preference, issue_idx: usize, domain: &IssueDomain, x: f64) -> f64 {
    match preference {
        Preference::Spatial(p) => {
            let ideal = p.ideal[issue_idx];
            let distance = match domain {
                IssueDomain::Continuous { min, max, .. } => (x - ideal).abs() / (max - min),
                IssueDomain::Integer { min, max, .. } => {
                    if max == min {
                        0.0
                    } else {
                        (x - ideal).abs() / (*max as f64 - *min as f64)
                    }
                }
                IssueDomain::Discrete { options, ordered: true } => {
                    if options.len() < 2 {
                        0.0
                    } else {
                        (x - ideal).abs() / (options.len() - 1) as f64
                    }
                }
                IssueDomain::Discrete { ordered: false, .. } => {
                    if x == ideal {
                        0.0
                    } else {
                        1.0
                    }
                }
            };
            let penalty = match p.shape {
                DistanceShape::Linear => distance,
                DistanceShape::Quadratic => distance * distance,
            };
            -p.weights[issue_idx] * penalty
        }
        Preference::LinearAdditive(p) => {
            let eval = match &p.evaluators[issue_idx] {
                Evaluator::Options { values, divisor } => {
                    if *divisor > 0.0 {
                        values[x as usize] / divisor
                    } else {
                        0.0
                    }
                }
                Evaluator::Linear { slope, offset } => slope * x + offset,
            };
            p.weights[issue_idx] * eval
        }
        Preference::Constraint(_) => unreachable!("constraint preferences are not additive"),
    }
}

fn constraint_utility(c: &ConstraintPreference, coordinates: &[f64]) -> f64 {
    let total: f64 = c
        .rectangles
        .iter()
        .filter(|r| r.bounds.iter().all(|&(i, lo, hi)| coordinates[i] >= lo && coordinates[i] <= hi))
        .map(|r| r.utility)
        .sum();
    total / c.max_utility
}

/// Utility evaluators prepared for fast enumeration: additive preferences as
/// one table per issue (u = constant + Σᵢ table[i][level]), constraint
/// preferences as rectangles in level coordinates.
#[derive(Debug, Clone)]
pub struct UtilityTables {
    actors: Vec<ActorTable>,
}

#[derive(Debug, Clone)]
enum ActorTable {
    Additive { constant: f64, per_issue: Vec<Vec<f64>> },
    Constraint { max_utility: f64, rectangles: Vec<LevelRectangle> },
}

/// A hyperrectangle with its bounds in levels: (issue index, first, last).
#[derive(Debug, Clone)]
struct LevelRectangle {
    utility: f64,
    bounds: Vec<(usize, u32, u32)>,
}

impl UtilityTables {
    /// Tables for the given actors, in that order. `space` must be small
    /// enough per issue to tabulate (the caller has checked its size).
    pub fn new(scenario: &Scenario, space: &OutcomeSpace, actors: &[usize]) -> UtilityTables {
        let actors = actors
            .iter()
            .map(|&a| match &scenario.actors[a].preference {
                Preference::Constraint(c) => ActorTable::Constraint {
                    max_utility: c.max_utility,
                    rectangles: c
                        .rectangles
                        .iter()
                        .filter_map(|r| {
                            let bounds: Option<Vec<_>> = r
                                .bounds
                                .iter()
                                .map(|&(i, lo, hi)| {
                                    level_range(&scenario.issues[i].domain, space.levels[i], lo, hi)
                                        .map(|(l, h)| (i, l, h))
                                })
                                .collect();
                            // A rectangle that no level falls into never counts.
                            bounds.map(|bounds| LevelRectangle { utility: r.utility, bounds })
                        })
                        .collect(),
                },
                additive => ActorTable::Additive {
                    constant: additive_constant(additive),
                    per_issue: scenario
                        .issues
                        .iter()
                        .enumerate()
                        .map(|(i, issue)| {
                            (0..space.levels[i])
                                .map(|level| {
                                    issue_contribution(
                                        additive,
                                        i,
                                        &issue.domain,
                                        level_coordinate(&issue.domain, level),
                                    )
                                })
                                .collect()
                        })
                        .collect(),
                },
            })
            .collect();
        UtilityTables { actors }
    }

    pub fn n_actors(&self) -> usize {
        self.actors.len()
    }

    /// Writes the utility of `outcome` for every tabulated actor into `out`.
    #[inline]
    pub fn evaluate(&self, outcome: &[u32], out: &mut [f64]) {
        for (slot, table) in out.iter_mut().zip(&self.actors) {
            *slot = match table {
                ActorTable::Additive { constant, per_issue } => {
                    constant + per_issue.iter().zip(outcome).map(|(t, &l)| t[l as usize]).sum::<f64>()
                }
                ActorTable::Constraint { max_utility, rectangles } => {
                    rectangles
                        .iter()
                        .filter(|r| r.bounds.iter().all(|&(i, lo, hi)| outcome[i] >= lo && outcome[i] <= hi))
                        .map(|r| r.utility)
                        .sum::<f64>()
                        / max_utility
                }
            };
        }
    }
}

/// The levels of an issue whose coordinates lie in `[lo, hi]`, if any.
fn level_range(domain: &IssueDomain, n_levels: u64, lo: f64, hi: f64) -> Option<(u32, u32)> {
    let mut first = None;
    let mut last = None;
    for level in 0..n_levels {
        let x = level_coordinate(domain, level);
        if x >= lo && x <= hi {
            first.get_or_insert(level as u32);
            last = Some(level as u32);
        }
    }
    Some((first?, last?))
}
