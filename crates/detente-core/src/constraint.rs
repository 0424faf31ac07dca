//! The exact Pareto frontier of constraint-based preferences, found without
//! enumerating the outcome space.
//!
//! GENIUS' nonlinear profiles (the ANAC 2014 domains) give an actor's utility
//! as the sum of the utilities of the hyperrectangles an outcome lies in, over
//! 10 or 30 integer issues: 10¹⁰ to 10³⁰ outcomes, far beyond
//! [`analyze`](crate::analyze). [`constraint_frontier`] finds the same set of
//! non-dominated utility vectors by branch and bound over the issues:
//!
//! 1. **Classes.** Each issue's levels are grouped into classes that no
//!    rectangle boundary and no additive evaluation (of any analysed actor)
//!    separates. Levels of one class are interchangeable, so the search
//!    branches on classes (at most 2R + 1 on an issue that R rectangles
//!    constrain) and not at all on an issue with a single class.
//! 2. **Order.** Issues are assigned in one static order, chosen greedily so
//!    that rectangles *close* (have all their issues assigned) early.
//! 3. **Bound.** Every rectangle is filed under the last of its issues in that
//!    order. At a node (the first issues assigned), an actor's utility is at
//!    most what is decided (rectangles and additive terms whose issues are all
//!    assigned) plus, for each unassigned issue, the best over its classes of
//!    the utilities of the rectangles filed under it that the assignment has not
//!    violated yet. This relaxes only the coupling of those rectangles through
//!    their other unassigned issues. A negative rectangle counts only once all
//!    its other issues are assigned (before that, the relaxation may avoid it).
//!    The per-issue tables are updated incrementally as rectangles die.
//! 4. **Pruning.** A node whose vector of upper bounds is weakly dominated by a
//!    point already found cannot add a new utility vector. With two actors a
//!    node is also pruned when the part of its bounding box that no found
//!    point covers lies beyond a plane: the same bound computed for the sum of
//!    the normalised utilities (one class per issue for both actors), which
//!    cuts the box's corner off where the actors' wishes conflict. A class is
//!    skipped when another class of the same issue is at least as good for
//!    every actor whatever the other issues are (it lies in every live
//!    positive rectangle the first lies in, in no live negative rectangle the
//!    first avoids, and has additive terms at least as high).
//! 5. **Search order.** Depth-first, children by decreasing sum of normalised
//!    bounds, so that good points are found early and prune the rest.
//!
//! Because pruning uses *weak* dominance, the result holds one witness outcome
//! per distinct non-dominated utility vector, whereas [`analyze`](crate::analyze)
//! keeps every outcome of a tied vector.
//!
//! Work is bounded by a node budget, never by the size of the space: memory is
//! one table of classes × actors per issue for each search depth, plus the
//! rectangles' class lists. When the budget runs out the search reports the
//! points it found and a certified additive ε: every outcome is within ε, in
//! every actor's utility, of some found point. The search is built to finish,
//! not to stop early: cut short, its ε is set by the loose bounds of the
//! shallow nodes it has not explored yet (about 0.3 on the ANAC 2014 30-issue
//! domain at any budget below the half million nodes that finish it).
//!
//! Utilities are the core's: the sum divided by `max_utility`, not clamped.
//! GENIUS clamps a nonlinear utility to at most 1, which matters where a
//! profile's best sum exceeds its `maxutility` (the ANAC 2014 30-issue
//! domain); clamping the points found here and dropping those the clamp
//! makes dominated gives the frontier of GENIUS' clamped utilities.
//!
//! Utilities are summed in the actors' raw units (before division by
//! `max_utility`). When every term is an integer, as in GENIUS' files, the sums
//! are exact and so is the frontier. Otherwise a relative tolerance of order
//! 10⁻¹³ absorbs rounding: vectors closer than that count as equal.
//!
//! ```
//! use detente_core::constraint::{constraint_frontier, SearchBudget};
//! use detente_core::{Scenario, ScenarioSpec, WeightPolicy};
//! let spec: ScenarioSpec = serde_json::from_str(r#"{
//!   "name": "two boxes",
//!   "issues": [
//!     { "id": "x", "kind": "integer", "min": 0, "max": 9 },
//!     { "id": "y", "kind": "integer", "min": 0, "max": 9 }
//!   ],
//!   "actors": [
//!     { "id": "a", "preferences": { "type": "constraint", "max_utility": 10, "rectangles": [
//!       { "utility": 10, "bounds": { "x": [0, 4], "y": [0, 4] } } ] } },
//!     { "id": "b", "preferences": { "type": "constraint", "max_utility": 10, "rectangles": [
//!       { "utility": 6, "bounds": { "x": [3, 9] } },
//!       { "utility": 4, "bounds": { "y": [5, 9] } } ] } }
//!   ]
//! }"#).unwrap();
//! let (scenario, _) = Scenario::new(spec, WeightPolicy::Refuse).unwrap();
//! let frontier = constraint_frontier(&scenario, &[0, 1], &SearchBudget::default()).unwrap();
//! assert!(frontier.exact);
//! let vectors: Vec<Vec<f64>> = frontier.points.iter().map(|p| p.utilities.clone()).collect();
//! assert_eq!(vectors, vec![vec![1.0, 0.6], vec![0.0, 1.0]]);
//! ```

use std::collections::HashMap;

use crate::analysis::Point;
use crate::pareto::pareto_indices;
use crate::scenario::{Evaluator, Preference, Scenario, issue_levels, level_coordinate};
use crate::space::{Outcome, additive_constant, issue_contribution};
use crate::spec::IssueDomain;

/// The default node budget: about a minute of search in a release build at
/// the one to two million nodes a second measured on the ANAC 2014 domains
/// (whose exact frontiers take at most half a million).
pub const DEFAULT_MAX_NODES: u64 = 100_000_000;

/// The most levels an issue may have when an additive actor's utility varies
/// on it: such an issue is searched level by level, with a table per level.
pub const MAX_ADDITIVE_LEVELS: u64 = 1 << 16;

/// The most table entries (positions × classes × actors, once per search
/// depth) a search may hold: 128 MiB.
pub const MAX_TABLE_ENTRIES: usize = 1 << 24;

/// Class dominance compares every pair of an issue's classes at every node;
/// beyond this many classes it costs more than it saves.
const DOMINANCE_MAX_CLASSES: usize = 64;

/// Limits on a frontier search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchBudget {
    /// The most search nodes (partial assignments whose bound is computed).
    /// The budget is checked before each node is expanded, so the count may
    /// exceed it by the children of one node.
    pub max_nodes: u64,
}

impl Default for SearchBudget {
    fn default() -> Self {
        SearchBudget { max_nodes: DEFAULT_MAX_NODES }
    }
}

/// The result of [`constraint_frontier`].
#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintFrontier {
    /// The analysed actors (scenario indices), in the order of every utility
    /// vector below.
    pub actors: Vec<usize>,
    /// One witness outcome per non-dominated utility vector, in order of
    /// decreasing first utility (then second, and so on).
    pub points: Vec<Point>,
    /// Whether the search finished: then `points` is the whole frontier.
    pub exact: bool,
    /// Search nodes visited.
    pub nodes: u64,
    /// A certified additive gap, in utility units: every outcome `y` of the
    /// space has a point `p` in `points` with `y_a ≤ p_a + epsilon` for every
    /// actor `a`. Zero when `exact`; infinite when the search stopped before
    /// finding any point. When not exact, some points may also be dominated by
    /// outcomes not found. (With non-integer utilities, up to the rounding
    /// tolerance of the module documentation.)
    pub epsilon: f64,
}

/// Why a frontier search could not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConstraintFrontierError {
    #[error("no actors selected for the frontier")]
    NoActors,
    #[error("actor index {0} is out of range")]
    UnknownActor(usize),
    #[error(
        "issue `{issue}` has {levels} levels, more than the {limit} that {reason}; use a coarser `step` or a smaller range"
    )]
    TooManyLevels { issue: String, levels: u64, limit: u64, reason: &'static str },
    #[error(
        "the search would hold {entries} table entries (one table of issues × classes × actors per search depth), \
         more than the {limit} allowed"
    )]
    TablesTooLarge { entries: usize, limit: usize },
}

/// The Pareto frontier of `actors`' utilities over the whole outcome space
/// (reservation values not applied, as GENIUS computes it), by branch and
/// bound; see the module documentation. Every kind of preference is accepted:
/// constraint preferences are searched rectangle by rectangle, additive ones
/// (linear additive and spatial) issue by issue.
pub fn constraint_frontier(
    scenario: &Scenario,
    actors: &[usize],
    budget: &SearchBudget,
) -> Result<ConstraintFrontier, ConstraintFrontierError> {
    if actors.is_empty() {
        return Err(ConstraintFrontierError::NoActors);
    }
    if let Some(&bad) = actors.iter().find(|&&a| a >= scenario.n_actors()) {
        return Err(ConstraintFrontierError::UnknownActor(bad));
    }
    let model = Model::build(scenario, actors)?;
    let found = Search::new(&model).run(budget.max_nodes);

    let mut candidates: Vec<Outcome> = Vec::with_capacity(found.archive.len());
    let mut utilities: Vec<f64> = Vec::with_capacity(found.archive.len() * actors.len());
    for entry in &found.archive {
        let outcome = model.outcome(&entry.classes);
        utilities.extend(actors.iter().map(|&a| scenario.utility(a, &outcome)));
        candidates.push(outcome);
    }
    // The archive is already non-dominated in the search's own sums; filtering
    // again with the scenario's utilities keeps the result consistent with the
    // rest of the crate should rounding (non-integer utilities only) differ.
    let dims = actors.len();
    let mut points: Vec<Point> = Vec::new();
    for index in pareto_indices(&utilities, dims) {
        let vector = &utilities[index * dims..(index + 1) * dims];
        if points.last().is_some_and(|p: &Point| p.utilities == vector) {
            continue;
        }
        points.push(Point { outcome: candidates[index].clone(), utilities: vector.to_vec() });
    }
    let epsilon = if found.exact { 0.0 } else { found.epsilon };
    Ok(ConstraintFrontier { actors: actors.to_vec(), points, exact: found.exact, nodes: found.nodes, epsilon })
}

/// A hyperrectangle in level coordinates: (issue index, first level, last level).
#[derive(Debug, Clone)]
struct LevelRectangle {
    slot: usize,
    utility: f64,
    bounds: Vec<(usize, u64, u64)>,
}

/// The search problem: classes, tables and rectangles by search position.
#[derive(Debug)]
struct Model {
    /// Number of analysed actors; every table below is strided by it.
    n_actors: usize,
    /// Representative level of each class, per issue (every issue, searched
    /// or not).
    representatives: Vec<Vec<u64>>,
    /// The issue assigned at each search position.
    issue_of_position: Vec<usize>,
    n_classes: Vec<usize>,
    /// Start of each position's rows in a frame's table; one entry more than
    /// positions.
    offset: Vec<usize>,
    /// Utility decided before any issue is assigned, per actor.
    constant: Vec<f64>,
    /// The root frame's table: per position, class and actor, the single-issue
    /// terms plus the positive rectangles filed under the position.
    root_table: Vec<f64>,
    /// Rectangles on two or more searched issues.
    rectangles: Vec<SearchRectangle>,
    /// Per position and class: the rectangles constraining the position that
    /// the class violates.
    kills: Vec<Vec<Vec<u32>>>,
    /// Per position: negative rectangles whose second-to-last position it is;
    /// once it is assigned they are decided but for their last issue.
    activations: Vec<Vec<u32>>,
    /// Per position, when it has few enough classes: which live rectangles
    /// each class lies in, for class dominance.
    dominance: Vec<Option<DominanceTable>>,
    /// 64-bit words in a bit set of rectangles.
    words: usize,
    /// How much rounding a sum may carry, per actor (zero for integer data).
    tolerance: Vec<f64>,
    /// What a raw sum is divided by to give a utility, per actor.
    scale: Vec<f64>,
}

#[derive(Debug)]
struct SearchRectangle {
    slot: usize,
    utility: f64,
    last_position: usize,
    /// Classes of the last position that the rectangle allows.
    last_classes: Vec<u32>,
}

#[derive(Debug)]
struct DominanceTable {
    /// The multi-issue rectangles on this position; bit `j` of the sets
    /// below stands for `rectangles[j]`.
    rectangles: Vec<u32>,
    /// 64-bit words in those sets.
    words: usize,
    /// Per class, `words` words: the positive rectangles the class lies in.
    positive: Vec<u64>,
    /// Likewise for negative rectangles.
    negative: Vec<u64>,
    /// Per class: the other classes whose single-issue terms are at least as
    /// high for every actor, the only ones that can dominate it.
    dominators: Vec<Vec<u32>>,
}

/// How an issue's levels split into classes.
struct IssueClasses {
    representatives: Vec<u64>,
    /// Per class and actor: additive contribution plus one-issue rectangles.
    unary: Vec<f64>,
    /// For each multi-issue rectangle on the issue: which classes it allows.
    allowed: Vec<(usize, Vec<bool>)>,
}

impl Model {
    fn build(scenario: &Scenario, actors: &[usize]) -> Result<Model, ConstraintFrontierError> {
        let n_actors = actors.len();
        let n_issues = scenario.n_issues();
        let levels: Vec<u64> = scenario.issues.iter().map(|i| issue_levels(&i.domain)).collect();
        for (issue, &n) in scenario.issues.iter().zip(&levels) {
            // Outcomes hold levels as u32.
            let limit = u64::from(u32::MAX) + 1;
            if n > limit {
                return Err(ConstraintFrontierError::TooManyLevels {
                    issue: issue.id.clone(),
                    levels: n,
                    limit,
                    reason: "an outcome can index",
                });
            }
        }

        let mut constant = vec![0.0; n_actors];
        let mut scale = vec![1.0; n_actors];
        let mut total_abs = vec![0.0f64; n_actors];
        let mut integral = true;
        let mut level_rectangles: Vec<LevelRectangle> = Vec::new();
        let mut additive: Vec<(usize, &Preference)> = Vec::new();
        for (slot, &a) in actors.iter().enumerate() {
            match &scenario.actors[a].preference {
                Preference::Constraint(c) => {
                    scale[slot] = c.max_utility;
                    'rectangle: for r in &c.rectangles {
                        if r.utility == 0.0 {
                            continue;
                        }
                        let mut bounds: Vec<(usize, u64, u64)> = Vec::with_capacity(r.bounds.len());
                        for &(i, lo, hi) in &r.bounds {
                            let Some((first, last)) = level_range(&scenario.issues[i].domain, levels[i], lo, hi) else {
                                // No level of the issue lies in the box: never satisfied.
                                continue 'rectangle;
                            };
                            if let Some(bound) = bounds.iter_mut().find(|b| b.0 == i) {
                                bound.1 = bound.1.max(first);
                                bound.2 = bound.2.min(last);
                                if bound.1 > bound.2 {
                                    continue 'rectangle;
                                }
                            } else {
                                bounds.push((i, first, last));
                            }
                        }
                        // A bound that every level meets constrains nothing.
                        bounds.retain(|&(i, first, last)| !(first == 0 && last + 1 == levels[i]));
                        total_abs[slot] += r.utility.abs();
                        integral &= r.utility.fract() == 0.0;
                        if bounds.is_empty() {
                            constant[slot] += r.utility;
                        } else {
                            level_rectangles.push(LevelRectangle { slot, utility: r.utility, bounds });
                        }
                    }
                }
                preference => {
                    constant[slot] += additive_constant(preference);
                    total_abs[slot] += additive_constant(preference).abs();
                    integral = false;
                    additive.push((slot, preference));
                }
            }
        }

        let mut on_issue: Vec<Vec<usize>> = vec![Vec::new(); n_issues];
        for (r, rect) in level_rectangles.iter().enumerate() {
            for &(i, _, _) in &rect.bounds {
                on_issue[i].push(r);
            }
        }

        let mut issue_classes: Vec<IssueClasses> = Vec::with_capacity(n_issues);
        for (i, issue) in scenario.issues.iter().enumerate() {
            let n = levels[i];
            // Additive contributions that vary over this issue's levels.
            let mut varying: Vec<(usize, Vec<f64>)> = Vec::new();
            for &(slot, preference) in &additive {
                if additive_weight(preference, i) == 0.0 {
                    continue;
                }
                if n > MAX_ADDITIVE_LEVELS {
                    return Err(ConstraintFrontierError::TooManyLevels {
                        issue: issue.id.clone(),
                        levels: n,
                        limit: MAX_ADDITIVE_LEVELS,
                        reason: "an additive utility is tabulated for",
                    });
                }
                let values: Vec<f64> = (0..n)
                    .map(|level| {
                        issue_contribution(preference, i, &issue.domain, level_coordinate(&issue.domain, level))
                    })
                    .collect();
                let max_abs = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                total_abs[slot] += max_abs;
                if values.iter().all(|&v| v == values[0]) {
                    constant[slot] += values[0];
                } else {
                    varying.push((slot, values));
                }
            }
            let classes = split_into_classes(n, &on_issue[i], &level_rectangles, i, &varying, n_actors);
            issue_classes.push(classes);
        }

        // Issues with a single class are not searched: their terms are constant.
        let mut searched: Vec<usize> = Vec::new();
        for (i, classes) in issue_classes.iter().enumerate() {
            if classes.representatives.len() > 1 {
                searched.push(i);
            } else {
                for (slot, c) in constant.iter_mut().enumerate() {
                    *c += classes.unary[slot];
                }
            }
        }
        let multi: Vec<usize> = (0..level_rectangles.len()).filter(|&r| level_rectangles[r].bounds.len() > 1).collect();
        let issue_of_position = search_order(&searched, &multi, &level_rectangles, &issue_classes, n_issues);
        let n_positions = issue_of_position.len();
        let n_classes: Vec<usize> = issue_of_position.iter().map(|&i| issue_classes[i].representatives.len()).collect();
        let mut offset = Vec::with_capacity(n_positions + 1);
        let mut total = 0;
        for &c in &n_classes {
            offset.push(total);
            total += c * n_actors;
        }
        offset.push(total);
        // One frame per depth, and a scratch one.
        let entries = total.saturating_mul(n_positions + 2);
        if entries > MAX_TABLE_ENTRIES {
            return Err(ConstraintFrontierError::TablesTooLarge { entries, limit: MAX_TABLE_ENTRIES });
        }

        let mut unary = vec![0.0; total];
        for (p, &i) in issue_of_position.iter().enumerate() {
            unary[offset[p]..offset[p + 1]].copy_from_slice(&issue_classes[i].unary);
        }
        let mut root_table = unary.clone();

        // Multi-issue rectangles, numbered in the order of `multi`.
        let mut multi_index = vec![usize::MAX; level_rectangles.len()];
        for (m, &r) in multi.iter().enumerate() {
            multi_index[r] = m;
        }
        let mut kills: Vec<Vec<Vec<u32>>> = n_classes.iter().map(|&c| vec![Vec::new(); c]).collect();
        let mut activations: Vec<Vec<u32>> = vec![Vec::new(); n_positions];
        // Which classes each multi-issue rectangle allows, by position and by
        // rectangle.
        let mut allowed_at: Vec<Vec<(usize, &[bool])>> = vec![Vec::new(); n_positions];
        let mut allowed_by: Vec<Vec<(usize, &[bool])>> = vec![Vec::new(); multi.len()];
        for (p, &i) in issue_of_position.iter().enumerate() {
            for (r, allowed) in &issue_classes[i].allowed {
                let m = multi_index[*r];
                allowed_at[p].push((m, allowed));
                allowed_by[m].push((p, allowed));
            }
        }
        let mut rectangles: Vec<SearchRectangle> = Vec::with_capacity(multi.len());
        for (m, &r) in multi.iter().enumerate() {
            let rect = &level_rectangles[r];
            // Every bounded issue is searched (a range that is not the whole
            // issue makes two classes), so a multi-issue rectangle has two
            // positions or more.
            allowed_by[m].sort_unstable_by_key(|(p, _)| *p);
            let (last_position, last_allowed) = allowed_by[m][allowed_by[m].len() - 1];
            let second_last = allowed_by[m][allowed_by[m].len() - 2].0;
            let last_classes: Vec<u32> =
                last_allowed.iter().enumerate().filter(|(_, a)| **a).map(|(c, _)| c as u32).collect();
            if rect.utility > 0.0 {
                for &c in &last_classes {
                    root_table[offset[last_position] + c as usize * n_actors + rect.slot] += rect.utility;
                }
            } else {
                activations[second_last].push(m as u32);
            }
            rectangles.push(SearchRectangle { slot: rect.slot, utility: rect.utility, last_position, last_classes });
        }
        let words = multi.len().div_ceil(64).max(1);
        let mut dominance: Vec<Option<DominanceTable>> = Vec::with_capacity(n_positions);
        for p in 0..n_positions {
            for &(m, allowed) in &allowed_at[p] {
                for (c, &ok) in allowed.iter().enumerate() {
                    if !ok {
                        kills[p][c].push(m as u32);
                    }
                }
            }
            dominance.push((n_classes[p] <= DOMINANCE_MAX_CLASSES).then(|| {
                let n = n_classes[p];
                let local_words = allowed_at[p].len().div_ceil(64).max(1);
                let mut table = DominanceTable {
                    rectangles: allowed_at[p].iter().map(|&(m, _)| m as u32).collect(),
                    words: local_words,
                    positive: vec![0; n * local_words],
                    negative: vec![0; n * local_words],
                    dominators: Vec::with_capacity(n),
                };
                for (j, &(m, allowed)) in allowed_at[p].iter().enumerate() {
                    let bits = if rectangles[m].utility > 0.0 { &mut table.positive } else { &mut table.negative };
                    for (c, &ok) in allowed.iter().enumerate() {
                        if ok {
                            bits[c * local_words + j / 64] |= 1 << (j % 64);
                        }
                    }
                }
                let terms = &unary[offset[p]..offset[p + 1]];
                for u in 0..n {
                    let at_least = |v: usize| (0..n_actors).all(|a| terms[v * n_actors + a] >= terms[u * n_actors + a]);
                    table.dominators.push((0..n).filter(|&v| v != u && at_least(v)).map(|v| v as u32).collect());
                }
                table
            }));
        }

        // Integer data sums exactly in f64 below 2⁵³. Otherwise allow for the
        // rounding of a few hundred additions and subtractions of terms no
        // larger than the actor's total.
        let exact =
            integral && constant.iter().all(|c| c.fract() == 0.0) && total_abs.iter().all(|&t| t < 2f64.powi(52));
        let operations = (level_rectangles.len() + n_positions + 4) as f64;
        let tolerance: Vec<f64> =
            total_abs.iter().map(|&t| if exact { 0.0 } else { 4.0 * operations * f64::EPSILON * t }).collect();
        let representatives = issue_classes.into_iter().map(|c| c.representatives).collect();

        Ok(Model {
            n_actors,
            representatives,
            issue_of_position,
            n_classes,
            offset,
            constant,
            root_table,
            rectangles,
            kills,
            activations,
            dominance,
            words,
            tolerance,
            scale,
        })
    }

    fn n_positions(&self) -> usize {
        self.issue_of_position.len()
    }

    /// The witness outcome of a full assignment of classes to positions.
    fn outcome(&self, classes: &[u32]) -> Outcome {
        let mut outcome: Outcome = self.representatives.iter().map(|r| r[0] as u32).collect();
        for (p, &c) in classes.iter().enumerate() {
            let issue = self.issue_of_position[p];
            outcome[issue] = self.representatives[issue][c as usize] as u32;
        }
        outcome
    }

    /// Writes into `child` the frame after assigning class `class` to position
    /// `p` in `parent`.
    fn assign(&self, parent: &Frame, p: usize, class: usize, child: &mut Frame) {
        let k = self.n_actors;
        child.alive.copy_from_slice(&parent.alive);
        let future = self.offset[p + 1];
        child.table[future..].copy_from_slice(&parent.table[future..]);
        let row = self.offset[p] + class * k;
        for (a, s) in child.decided.iter_mut().enumerate() {
            *s = parent.decided[a] + parent.table[row + a];
        }
        for &r in &self.kills[p][class] {
            let r = r as usize;
            let (word, bit) = (r / 64, 1u64 << (r % 64));
            if child.alive[word] & bit == 0 {
                continue;
            }
            child.alive[word] &= !bit;
            let rect = &self.rectangles[r];
            // A negative rectangle killed before its last position was never
            // activated, so it is in no table; one whose last position is `p`
            // was settled by `decided` above.
            if rect.utility > 0.0 && rect.last_position > p {
                let base = self.offset[rect.last_position] + rect.slot;
                for &c in &rect.last_classes {
                    child.table[base + c as usize * k] -= rect.utility;
                }
            }
        }
        for &r in &self.activations[p] {
            let r = r as usize;
            if child.alive[r / 64] & (1 << (r % 64)) == 0 {
                continue;
            }
            let rect = &self.rectangles[r];
            let base = self.offset[rect.last_position] + rect.slot;
            for &c in &rect.last_classes {
                child.table[base + c as usize * k] += rect.utility;
            }
        }
    }

    /// The best class's value for each actor, and the best class's weighted
    /// sum `Σ_a value_a / scale_a`, in the rows of position `q` of `table`.
    fn position_best(&self, table: &[f64], q: usize, best: &mut [f64]) -> f64 {
        let k = self.n_actors;
        best.fill(f64::NEG_INFINITY);
        let mut weighted = f64::NEG_INFINITY;
        for row in table[self.offset[q]..self.offset[q + 1]].chunks_exact(k) {
            let mut sum = 0.0;
            for ((b, v), s) in best.iter_mut().zip(row).zip(&self.scale) {
                *b = b.max(*v);
                sum += v / s;
            }
            weighted = weighted.max(sum);
        }
        weighted
    }

    /// The maxima of `frame`'s tables over positions `from..`: what bounds
    /// the frame's children, each of which changes only a few positions.
    fn maxima(&self, frame: &Frame, from: usize, out: &mut Maxima) {
        let k = self.n_actors;
        out.best.resize(self.n_positions() * k, 0.0);
        out.weighted.resize(self.n_positions(), 0.0);
        out.total.clear();
        out.total.resize(k, 0.0);
        out.weighted_total = 0.0;
        for q in from..self.n_positions() {
            let best = &mut out.best[q * k..(q + 1) * k];
            out.weighted[q] = self.position_best(&frame.table, q, best);
            out.weighted_total += out.weighted[q];
            for (t, b) in out.total.iter_mut().zip(best.iter()) {
                *t += b;
            }
        }
    }

    /// Upper bounds on every actor's utility (into `bound`) and on the sum of
    /// the normalised utilities (returned) below the child of `frame` that
    /// assigns `class` to position `p`. The bound of an actor is what the
    /// child has decided plus, for each later position, the best class's
    /// value; the weighted bound takes one class per position for all actors,
    /// so it is tighter than the sum of the others. Only positions whose
    /// tables the assignment changes are copied into `scratch` and scanned
    /// again; `maxima` holds the others'.
    fn child_bound(
        &self,
        frame: &Frame,
        p: usize,
        class: usize,
        maxima: &Maxima,
        scratch: &mut Scratch,
        bound: &mut [f64],
    ) -> f64 {
        let k = self.n_actors;
        let row = self.offset[p] + class * k;
        for (a, b) in bound.iter_mut().enumerate() {
            *b = frame.decided[a] + frame.table[row + a];
        }
        let mut weighted: f64 = bound.iter().zip(&self.scale).map(|(b, s)| b / s).sum();
        scratch.alive.copy_from_slice(&frame.alive);
        let touch = |scratch: &mut Scratch, q: usize| {
            if !scratch.touched[q] {
                scratch.touched[q] = true;
                scratch.positions.push(q);
                let rows = self.offset[q]..self.offset[q + 1];
                scratch.table[rows.clone()].copy_from_slice(&frame.table[rows]);
            }
        };
        for &r in &self.kills[p][class] {
            let r = r as usize;
            let (word, bit) = (r / 64, 1u64 << (r % 64));
            if scratch.alive[word] & bit == 0 {
                continue;
            }
            scratch.alive[word] &= !bit;
            let rect = &self.rectangles[r];
            if rect.utility > 0.0 && rect.last_position > p {
                touch(scratch, rect.last_position);
                let base = self.offset[rect.last_position] + rect.slot;
                for &c in &rect.last_classes {
                    scratch.table[base + c as usize * k] -= rect.utility;
                }
            }
        }
        for &r in &self.activations[p] {
            let r = r as usize;
            if scratch.alive[r / 64] & (1 << (r % 64)) == 0 {
                continue;
            }
            let rect = &self.rectangles[r];
            touch(scratch, rect.last_position);
            let base = self.offset[rect.last_position] + rect.slot;
            for &c in &rect.last_classes {
                scratch.table[base + c as usize * k] += rect.utility;
            }
        }
        for (b, t) in bound.iter_mut().zip(&maxima.total) {
            *b += t;
        }
        weighted += maxima.weighted_total;
        let mut best = std::mem::take(&mut scratch.best);
        best.resize(k, 0.0);
        for &q in &scratch.positions {
            let new_weighted = self.position_best(&scratch.table, q, &mut best);
            for ((b, new), old) in bound.iter_mut().zip(&best).zip(&maxima.best[q * k..(q + 1) * k]) {
                *b += new - old;
            }
            weighted += new_weighted - maxima.weighted[q];
            scratch.touched[q] = false;
        }
        scratch.positions.clear();
        scratch.best = best;
        weighted
    }

    /// The classes of position `p` worth trying in `frame`: those no other
    /// class dominates (of equivalent classes, the first).
    fn candidates(&self, frame: &Frame, p: usize, out: &mut Vec<u32>, alive: &mut Vec<u64>) {
        out.clear();
        let n = self.n_classes[p];
        let Some(table) = &self.dominance[p] else {
            out.extend(0..n as u32);
            return;
        };
        let w = table.words;
        alive.clear();
        alive.resize(w, 0);
        for (j, &r) in table.rectangles.iter().enumerate() {
            let r = r as usize;
            if frame.alive[r / 64] & (1 << (r % 64)) != 0 {
                alive[j / 64] |= 1 << (j % 64);
            }
        }
        // Whether class `v`, whose single-issue terms are at least `u`'s, is
        // at least as good as `u` for every actor whatever the other issues
        // are: it lies in every live positive rectangle `u` lies in, and in
        // no live negative one `u` avoids.
        let rectangles_at_least = |v: usize, u: usize| {
            (0..w).all(|x| {
                table.positive[u * w + x] & alive[x] & !table.positive[v * w + x] == 0
                    && table.negative[v * w + x] & alive[x] & !table.negative[u * w + x] == 0
            })
        };
        for u in 0..n {
            let dominated = table.dominators[u].iter().any(|&v| {
                let v = v as usize;
                // Of two equivalent classes, keep the first.
                rectangles_at_least(v, u)
                    && (v < u || !table.dominators[v].contains(&(u as u32)) || !rectangles_at_least(u, v))
            });
            if !dominated {
                out.push(u as u32);
            }
        }
    }
}

/// Splits issue `issue`'s `n` levels into classes that no rectangle in
/// `on_issue` and no additive contribution in `varying` tells apart.
fn split_into_classes(
    n: u64,
    on_issue: &[usize],
    rectangles: &[LevelRectangle],
    issue: usize,
    varying: &[(usize, Vec<f64>)],
    n_actors: usize,
) -> IssueClasses {
    let range = |r: usize| {
        let &(_, first, last) = rectangles[r].bounds.iter().find(|b| b.0 == issue).expect("r constrains the issue");
        (first, last)
    };
    // Membership can only change where a rectangle's range starts or ends
    // (or at every level, where an additive utility varies).
    let mut cuts: Vec<u64> = vec![0];
    if varying.is_empty() {
        for &r in on_issue {
            let (first, last) = range(r);
            cuts.push(first);
            if last + 1 < n {
                cuts.push(last + 1);
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
    } else {
        cuts = (0..n).collect();
    }
    let mut class_of_signature: HashMap<(Vec<bool>, Vec<u64>), usize> = HashMap::new();
    let mut representatives: Vec<u64> = Vec::new();
    let mut members: Vec<Vec<bool>> = Vec::new();
    for &start in &cuts {
        let inside: Vec<bool> = on_issue
            .iter()
            .map(|&r| {
                let (first, last) = range(r);
                first <= start && start <= last
            })
            .collect();
        let values: Vec<u64> = varying.iter().map(|(_, v)| v[start as usize].to_bits()).collect();
        let next = representatives.len();
        let class = *class_of_signature.entry((inside.clone(), values)).or_insert(next);
        if class == next {
            representatives.push(start);
            members.push(inside);
        }
    }
    let n_classes = representatives.len();
    let mut unary = vec![0.0; n_classes * n_actors];
    for (c, &rep) in representatives.iter().enumerate() {
        for (slot, values) in varying {
            unary[c * n_actors + slot] += values[rep as usize];
        }
    }
    let mut allowed: Vec<(usize, Vec<bool>)> = Vec::new();
    for (j, &r) in on_issue.iter().enumerate() {
        let in_class: Vec<bool> = members.iter().map(|m| m[j]).collect();
        let rect = &rectangles[r];
        if rect.bounds.len() == 1 {
            for (c, &inside) in in_class.iter().enumerate() {
                if inside {
                    unary[c * n_actors + rect.slot] += rect.utility;
                }
            }
        } else {
            allowed.push((r, in_class));
        }
    }
    IssueClasses { representatives, unary, allowed }
}

/// The order in which the searched issues are assigned: greedily, the issue
/// that closes the most rectangle utility (all of a rectangle's other issues
/// already placed), then the one touching the most rectangle utility, then
/// the one with fewer classes. Closing rectangles early makes the bound exact
/// early.
fn search_order(
    searched: &[usize],
    multi: &[usize],
    rectangles: &[LevelRectangle],
    classes: &[IssueClasses],
    n_issues: usize,
) -> Vec<usize> {
    let mut on_issue: Vec<Vec<usize>> = vec![Vec::new(); n_issues];
    let mut touching = vec![0.0f64; n_issues];
    let mut unplaced: Vec<usize> = vec![0; rectangles.len()];
    for &r in multi {
        for &(i, _, _) in &rectangles[r].bounds {
            on_issue[i].push(r);
            touching[i] += rectangles[r].utility.abs();
        }
        unplaced[r] = rectangles[r].bounds.len();
    }
    // Utility of the rectangles whose only unplaced issue is this one.
    let mut closing = vec![0.0f64; n_issues];
    let mut placed = vec![false; n_issues];
    let mut order = Vec::with_capacity(searched.len());
    for _ in 0..searched.len() {
        let key = |i: usize| (closing[i], touching[i], std::cmp::Reverse(classes[i].representatives.len()));
        let best = searched.iter().copied().filter(|&i| !placed[i]).reduce(|best, i| {
            if key(i).partial_cmp(&key(best)) == Some(std::cmp::Ordering::Greater) { i } else { best }
        });
        let Some(issue) = best else { break };
        placed[issue] = true;
        order.push(issue);
        for &r in &on_issue[issue] {
            unplaced[r] -= 1;
            if unplaced[r] == 1 {
                if let Some(&(last, _, _)) = rectangles[r].bounds.iter().find(|b| !placed[b.0]) {
                    closing[last] += rectangles[r].utility.abs();
                }
            }
        }
    }
    order
}

/// The levels of an issue whose coordinates lie in `[lo, hi]`, if any, found
/// by bisection: `level_coordinate` is non-decreasing in the level.
fn level_range(domain: &IssueDomain, n_levels: u64, lo: f64, hi: f64) -> Option<(u64, u64)> {
    let first_where = |pred: &dyn Fn(f64) -> bool| {
        // The first level whose coordinate satisfies `pred`, a predicate that
        // is false and then true along the levels; `n_levels` if none does.
        let (mut low, mut high) = (0u64, n_levels);
        while low < high {
            let mid = low + (high - low) / 2;
            if pred(level_coordinate(domain, mid)) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        low
    };
    let first = first_where(&|x| x >= lo);
    let end = first_where(&|x| x > hi);
    (first < end).then(|| (first, end - 1))
}

/// The weight an additive preference gives an issue: zero means the issue
/// adds a constant (zero) to the utility.
fn additive_weight(preference: &Preference, issue: usize) -> f64 {
    match preference {
        Preference::Spatial(p) => p.weights[issue],
        Preference::LinearAdditive(p) => match &p.evaluators[issue] {
            Evaluator::Linear { slope, .. } if *slope == 0.0 => 0.0,
            _ => p.weights[issue],
        },
        Preference::Constraint(_) => 0.0,
    }
}

/// The maxima of a node's tables, per later position; see [`Model::maxima`].
#[derive(Debug, Default)]
struct Maxima {
    /// Per position and actor: the best class's value.
    best: Vec<f64>,
    /// Per position: the best class's sum of normalised values.
    weighted: Vec<f64>,
    /// Per actor: the sum of `best` over the positions.
    total: Vec<f64>,
    /// The sum of `weighted` over the positions.
    weighted_total: f64,
}

/// Working space for bounding a child without building its frame.
#[derive(Debug)]
struct Scratch {
    alive: Vec<u64>,
    /// Valid only at the positions in `positions`.
    table: Vec<f64>,
    touched: Vec<bool>,
    positions: Vec<usize>,
    best: Vec<f64>,
    /// Live rectangles of one position, for class dominance.
    local_alive: Vec<u64>,
}

/// What is known at a node of the search.
#[derive(Debug, Clone)]
struct Frame {
    /// Multi-issue rectangles not violated by the assignment so far.
    alive: Vec<u64>,
    /// Per position not yet assigned, class and actor: the single-issue terms
    /// plus the live rectangles filed under the position that the class
    /// satisfies (negative ones only once decided but for this position).
    table: Vec<f64>,
    /// Per actor: the utility of everything decided.
    decided: Vec<f64>,
}

/// A found point: a raw utility vector and its classes by position.
#[derive(Debug, Clone)]
struct Entry {
    vector: Vec<f64>,
    classes: Vec<u32>,
}

/// Points no other found point weakly dominates.
#[derive(Debug)]
struct Archive<'a> {
    entries: Vec<Entry>,
    tolerance: &'a [f64],
    scale: &'a [f64],
    /// With two actors: the entries raised by the tolerance, by decreasing
    /// first utility (so increasing second).
    staircase: Vec<(f64, f64)>,
}

impl Archive<'_> {
    /// Whether some found point is at least `vector` for every actor.
    fn covers(&self, vector: &[f64]) -> bool {
        if let [first, second] = vector {
            return self.covers_box(*first, *second, [0.0, 0.0]);
        }
        self.entries.iter().any(|e| e.vector.iter().zip(vector).zip(self.tolerance).all(|((a, b), t)| a + t >= *b))
    }

    /// Whether a node with these bounds can hold no vector that the found
    /// points do not cover.
    fn prunes(&self, bound: &[f64], weighted: f64) -> bool {
        match bound {
            [first, second] => self.covers_region(*first, *second, weighted, [0.0, 0.0]),
            _ => self.covers(bound),
        }
    }

    /// With two actors: whether the staircase raised by `shift` covers the
    /// point `(first, second)`. The points at least as good for the first
    /// actor are a prefix of the staircase, and the last of them is the best
    /// of those for the second.
    fn covers_box(&self, first: f64, second: f64, shift: [f64; 2]) -> bool {
        let prefix = self.staircase.partition_point(|s| s.0 + shift[0] >= first);
        prefix > 0 && self.staircase[prefix - 1].1 + shift[1] >= second
    }

    /// With two actors: whether the staircase raised by `shift` covers every
    /// vector `y ≤ (first, second)` with `Σ y_a / scale_a ≤ weighted`. The
    /// part of the box that it does not cover is a union of quadrants `y > c`
    /// at the staircase's inner corners `c = (a₁ of a point, a₂ of the point
    /// before it)`, plus `y₁` above the best first utility and `y₂` above the
    /// best second one; each must be empty or lie beyond the plane.
    fn covers_region(&self, first: f64, second: f64, weighted: f64, shift: [f64; 2]) -> bool {
        if self.covers_box(first, second, shift) {
            return true;
        }
        let (Some(top), Some(right)) = (self.staircase.first(), self.staircase.last()) else { return false };
        if first > top.0 + shift[0] || second > right.1 + shift[1] {
            return false;
        }
        // The weighted bound is a float sum of quotients: allow for its
        // rounding, so a corner on the plane is never cut off by mistake.
        let plane = weighted + 1e-9 * (weighted.abs() + 1.0);
        // Only corners inside the box matter: those of windows (t − 1, t) with
        // staircase[t].0 < first (t ≥ from) and staircase[t − 1].1 < second
        // (t ≤ to).
        let from = self.staircase.partition_point(|s| s.0 + shift[0] >= first).max(1);
        let to = self.staircase.partition_point(|s| s.1 + shift[1] < second);
        (from..=to.min(self.staircase.len() - 1)).all(|t| {
            let corner = (self.staircase[t].0 + shift[0], self.staircase[t - 1].1 + shift[1]);
            corner.0 / self.scale[0] + corner.1 / self.scale[1] >= plane
        })
    }

    fn insert(&mut self, vector: &[f64], classes: &[u32]) {
        if self.covers(vector) {
            return;
        }
        let tolerance = self.tolerance;
        self.entries.retain(|e| !vector.iter().zip(&e.vector).zip(tolerance).all(|((a, b), t)| a + t >= *b));
        self.entries.push(Entry { vector: vector.to_vec(), classes: classes.to_vec() });
        if let [t0, t1] = tolerance {
            self.staircase = self.entries.iter().map(|e| (e.vector[0] + t0, e.vector[1] + t1)).collect();
            self.staircase.sort_by(|a, b| b.0.total_cmp(&a.0));
        }
    }

    /// The additive gap, in utility units, by which a vector of a node with
    /// these bounds may exceed the found points: the least ε such that every
    /// such vector `y` has a point `p` with `y ≤ p + ε` (infinite without
    /// points). From the box alone in general; with two actors also from the
    /// plane, by bisection on how far the staircase must rise to cover the
    /// node's region.
    fn gap(&self, bound: &[f64], weighted: f64) -> f64 {
        let box_gap = self
            .entries
            .iter()
            .map(|e| {
                let excess = e.vector.iter().zip(bound).zip(self.scale).map(|((a, b), s)| (b - a) / s);
                excess.fold(f64::NEG_INFINITY, f64::max)
            })
            .fold(f64::INFINITY, f64::min);
        let &[first, second] = bound else { return box_gap.max(0.0) };
        if !box_gap.is_finite() || self.covers_region(first, second, weighted, [0.0, 0.0]) {
            return box_gap.max(0.0);
        }
        // Raised by the box gap, the staircase covers the whole box.
        let (mut low, mut high) = (0.0, box_gap);
        for _ in 0..64 {
            let middle = 0.5 * (low + high);
            if self.covers_region(first, second, weighted, [middle * self.scale[0], middle * self.scale[1]]) {
                high = middle;
            } else {
                low = middle;
            }
        }
        high
    }
}

/// Children of one node, best first.
#[derive(Debug, Default)]
struct Level {
    /// (priority, class, index of its bounds in `bounds`, weighted bound).
    children: Vec<(f64, u32, usize, f64)>,
    bounds: Vec<f64>,
    next: usize,
}

/// The buffers `expand` reuses from node to node.
struct Work<'w> {
    scratch: &'w mut Scratch,
    maxima: &'w mut Maxima,
    candidates: &'w mut Vec<u32>,
}

struct Found {
    archive: Vec<Entry>,
    exact: bool,
    nodes: u64,
    epsilon: f64,
}

#[derive(Debug)]
struct Search<'a> {
    model: &'a Model,
    archive: Archive<'a>,
    nodes: u64,
}

impl<'a> Search<'a> {
    fn new(model: &'a Model) -> Search<'a> {
        let archive =
            Archive { entries: Vec::new(), tolerance: &model.tolerance, scale: &model.scale, staircase: Vec::new() };
        Search { model, archive, nodes: 0 }
    }

    fn run(mut self, max_nodes: u64) -> Found {
        let model = self.model;
        let m = model.n_positions();
        let k = model.n_actors;
        let root = Frame {
            alive: vec![u64::MAX; model.words],
            table: model.root_table.clone(),
            decided: model.constant.clone(),
        };
        if m == 0 {
            self.archive.insert(&root.decided, &[]);
            return Found { archive: self.archive.entries, exact: true, nodes: 1, epsilon: 0.0 };
        }
        let mut scratch = Scratch {
            alive: root.alive.clone(),
            table: root.table.clone(),
            touched: vec![false; m],
            positions: Vec::new(),
            best: Vec::new(),
            local_alive: Vec::new(),
        };
        let mut frames: Vec<Frame> = vec![root; m + 1];
        let mut maxima = Maxima::default();
        let mut levels: Vec<Level> = (0..m).map(|_| Level::default()).collect();
        let mut assignment: Vec<u32> = vec![0; m];
        let mut candidates: Vec<u32> = Vec::new();
        let mut bound = vec![0.0; k];

        self.nodes = 1;
        let mut work = Work { scratch: &mut scratch, maxima: &mut maxima, candidates: &mut candidates };
        self.expand(0, &frames[0], &mut levels[0], &mut assignment, &mut work);
        let mut depth = 0;
        // Bounds of the nodes left unexplored when the budget runs out.
        let mut open: Vec<(Vec<f64>, f64)> = Vec::new();
        loop {
            let level = &mut levels[depth];
            if level.next == level.children.len() {
                if depth == 0 {
                    break;
                }
                depth -= 1;
                continue;
            }
            let (_, class, at, weighted) = level.children[level.next];
            level.next += 1;
            bound.copy_from_slice(&level.bounds[at..at + k]);
            // Points found since the child was generated may cover it now.
            if self.archive.prunes(&bound, weighted) {
                continue;
            }
            if self.nodes >= max_nodes {
                open.push((bound.clone(), weighted));
                for level in &levels[..=depth] {
                    for &(_, _, at, weighted) in &level.children[level.next..] {
                        open.push((level.bounds[at..at + k].to_vec(), weighted));
                    }
                }
                break;
            }
            assignment[depth] = class;
            let (done, rest) = frames.split_at_mut(depth + 1);
            model.assign(&done[depth], depth, class as usize, &mut rest[0]);
            depth += 1;
            let (level, _) = levels[depth..].split_first_mut().expect("depth < m: leaves are never pushed");
            self.expand(depth, &frames[depth], level, &mut assignment, &mut work);
        }

        let exact = open.is_empty();
        let mut epsilon = 0.0f64;
        for (bound, weighted) in &open {
            epsilon = epsilon.max(self.archive.gap(bound, *weighted));
        }
        if !exact {
            // Nodes pruned within the rounding tolerance may exceed a point by that much.
            let rounding = model.tolerance.iter().zip(&model.scale).map(|(t, s)| t / s).fold(0.0, f64::max);
            epsilon = epsilon.max(rounding);
        }
        Found { archive: self.archive.entries, exact, nodes: self.nodes, epsilon }
    }

    /// Evaluates the children of the node `frame` (positions before `p`
    /// assigned) into `level`: leaves go to the archive, other children that
    /// no found point covers are kept, best first.
    fn expand(&mut self, p: usize, frame: &Frame, level: &mut Level, assignment: &mut [u32], work: &mut Work<'_>) {
        let model = self.model;
        let k = model.n_actors;
        let last = p + 1 == model.n_positions();
        level.children.clear();
        level.bounds.clear();
        level.next = 0;
        model.candidates(frame, p, work.candidates, &mut work.scratch.local_alive);
        if !last {
            model.maxima(frame, p + 1, work.maxima);
        }
        let mut bound = vec![0.0; k];
        for &class in work.candidates.iter() {
            self.nodes += 1;
            if last {
                let row = model.offset[p] + class as usize * k;
                for (a, b) in bound.iter_mut().enumerate() {
                    *b = frame.decided[a] + frame.table[row + a];
                }
                assignment[p] = class;
                self.archive.insert(&bound, &assignment[..=p]);
                continue;
            }
            let weighted = model.child_bound(frame, p, class as usize, work.maxima, work.scratch, &mut bound);
            if self.archive.prunes(&bound, weighted) {
                continue;
            }
            let priority: f64 = bound.iter().zip(&model.scale).map(|(b, s)| b / s).sum();
            level.children.push((priority, class, level.bounds.len(), weighted));
            level.bounds.extend_from_slice(&bound);
        }
        level.children.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::WeightPolicy;
    use crate::spec::ScenarioSpec;

    fn scenario(json: &str) -> Scenario {
        let spec: ScenarioSpec = serde_json::from_str(json).expect("test spec parses");
        Scenario::new(spec, WeightPolicy::Refuse).expect("test spec is valid").0
    }

    #[test]
    fn level_range_bisects_like_a_scan() {
        let domain = IssueDomain::Integer { min: -3, max: 6, unit: None };
        assert_eq!(level_range(&domain, 10, -1.0, 2.0), Some((2, 5)));
        assert_eq!(level_range(&domain, 10, -1.5, 2.5), Some((2, 5)));
        assert_eq!(level_range(&domain, 10, 7.0, 9.0), None);
        assert_eq!(level_range(&domain, 10, 0.2, 0.8), None);
        assert_eq!(level_range(&domain, 10, -10.0, 10.0), Some((0, 9)));
        let continuous = IssueDomain::Continuous { min: 0.0, max: 1.0, unit: None, step: Some(0.3) };
        // Levels 0, 0.3, 0.6, 0.9, 1.0.
        assert_eq!(level_range(&continuous, 5, 0.5, 1.0), Some((2, 4)));
    }

    #[test]
    fn classes_merge_levels_no_rectangle_separates() {
        let s = scenario(
            r#"{ "name": "t", "issues": [
                { "id": "x", "kind": "integer", "min": 0, "max": 9 },
                { "id": "y", "kind": "integer", "min": 0, "max": 9 } ],
              "actors": [ { "id": "a", "preferences": { "type": "constraint", "max_utility": 1, "rectangles": [
                { "utility": 1, "bounds": { "x": [3, 5], "y": [0, 4] } } ] } } ] }"#,
        );
        let model = Model::build(&s, &[0]).expect("builds");
        // x: {0-2, 6-9} and {3-5}; y: {0-4} and {5-9}.
        assert_eq!(model.representatives, vec![vec![0, 3], vec![0, 5]]);
    }

    #[test]
    fn negative_rectangles_are_bounded_soundly() {
        // b gets 5 everywhere except in a box, where it loses it: GENIUS'
        // EXCLUDES written as a constant and a negative rectangle.
        let s = scenario(
            r#"{ "name": "t", "issues": [
                { "id": "x", "kind": "integer", "min": 0, "max": 3 },
                { "id": "y", "kind": "integer", "min": 0, "max": 3 } ],
              "actors": [
                { "id": "a", "preferences": { "type": "constraint", "max_utility": 4, "rectangles": [
                  { "utility": 4, "bounds": { "x": [2, 3], "y": [2, 3] } },
                  { "utility": 1, "bounds": { "x": [0, 0] } } ] } },
                { "id": "b", "preferences": { "type": "constraint", "max_utility": 5, "rectangles": [
                  { "utility": 5, "bounds": {} },
                  { "utility": -5, "bounds": { "x": [1, 3], "y": [1, 3] } } ] } } ] }"#,
        );
        let f = constraint_frontier(&s, &[0, 1], &SearchBudget::default()).expect("runs");
        assert!(f.exact);
        let vectors: Vec<Vec<f64>> = f.points.iter().map(|p| p.utilities.clone()).collect();
        assert_eq!(vectors, vec![vec![1.0, 0.0], vec![0.25, 1.0]]);
        for p in &f.points {
            assert_eq!(p.utilities, vec![s.utility(0, &p.outcome), s.utility(1, &p.outcome)]);
        }
    }

    #[test]
    fn a_tiny_budget_reports_an_honest_gap() {
        let s = scenario(
            r#"{ "name": "t", "issues": [
                { "id": "x", "kind": "integer", "min": 0, "max": 9 },
                { "id": "y", "kind": "integer", "min": 0, "max": 9 },
                { "id": "z", "kind": "integer", "min": 0, "max": 9 } ],
              "actors": [
                { "id": "a", "preferences": { "type": "constraint", "max_utility": 10, "rectangles": [
                  { "utility": 6, "bounds": { "x": [0, 3], "y": [5, 9] } },
                  { "utility": 4, "bounds": { "y": [0, 6], "z": [2, 4] } } ] } },
                { "id": "b", "preferences": { "type": "constraint", "max_utility": 10, "rectangles": [
                  { "utility": 7, "bounds": { "x": [4, 9], "z": [0, 2] } },
                  { "utility": 3, "bounds": { "y": [2, 5] } } ] } } ] }"#,
        );
        let full = constraint_frontier(&s, &[0, 1], &SearchBudget::default()).expect("runs");
        assert!(full.exact);
        let mut saw_partial = false;
        for max_nodes in 0..=full.nodes {
            let cut = constraint_frontier(&s, &[0, 1], &SearchBudget { max_nodes }).expect("runs");
            if cut.exact {
                assert_eq!(cut.points, full.points);
                continue;
            }
            saw_partial |= cut.epsilon.is_finite();
            // Every true frontier point is within epsilon of a found point.
            for p in &full.points {
                let covered = cut
                    .points
                    .iter()
                    .any(|q| p.utilities.iter().zip(&q.utilities).all(|(a, b)| *a <= b + cut.epsilon + 1e-12));
                assert!(
                    covered || cut.epsilon.is_infinite(),
                    "{:?} not within {} of {:?}",
                    p.utilities,
                    cut.epsilon,
                    cut.points
                );
            }
        }
        assert!(saw_partial, "some budget stops the search after it found a point");
    }

    #[test]
    fn refuses_additive_utilities_over_huge_ranges() {
        let s = scenario(
            r#"{ "name": "t", "issues": [ { "id": "x", "kind": "integer", "min": 0, "max": 1000000 } ],
              "actors": [ { "id": "a", "preferences": { "type": "linear-additive", "weights": { "x": 1 },
                "evaluations": { "x": { "linear": { "slope": 1e-6, "offset": 0 } } } } } ] }"#,
        );
        assert!(matches!(
            constraint_frontier(&s, &[0], &SearchBudget::default()),
            Err(ConstraintFrontierError::TooManyLevels { levels: 1_000_001, .. })
        ));
    }

    #[test]
    fn huge_integer_ranges_cost_nothing_for_rectangles() {
        // Four billion levels, three classes.
        let s = scenario(
            r#"{ "name": "t", "issues": [ { "id": "x", "kind": "integer", "min": 0, "max": 4000000000 } ],
              "actors": [
                { "id": "a", "preferences": { "type": "constraint", "max_utility": 2, "rectangles": [
                  { "utility": 2, "bounds": { "x": [1000, 2000000000] } } ] } },
                { "id": "b", "preferences": { "type": "constraint", "max_utility": 1, "rectangles": [
                  { "utility": 1, "bounds": { "x": [0, 999] } } ] } } ] }"#,
        );
        let f = constraint_frontier(&s, &[0, 1], &SearchBudget::default()).expect("runs");
        let vectors: Vec<Vec<f64>> = f.points.iter().map(|p| p.utilities.clone()).collect();
        assert_eq!(vectors, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
        assert_eq!(f.points[0].outcome, vec![1000]);
    }

    #[test]
    fn refuses_bad_actor_lists() {
        let s = scenario(
            r#"{ "name": "t", "issues": [ { "id": "x", "kind": "integer", "min": 0, "max": 1 } ],
              "actors": [ { "id": "a", "preferences": { "type": "constraint", "max_utility": 1, "rectangles": [] } } ] }"#,
        );
        assert_eq!(constraint_frontier(&s, &[], &SearchBudget::default()), Err(ConstraintFrontierError::NoActors));
        assert_eq!(
            constraint_frontier(&s, &[0, 3], &SearchBudget::default()),
            Err(ConstraintFrontierError::UnknownActor(3))
        );
        // No rectangle: one constant point.
        let f = constraint_frontier(&s, &[0], &SearchBudget::default()).expect("runs");
        assert_eq!(f.points.len(), 1);
        assert_eq!(f.points[0].utilities, vec![0.0]);
    }
}
