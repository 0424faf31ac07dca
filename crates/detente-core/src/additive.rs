//! Exact analyses of additive scenarios without enumerating the outcome
//! space: the Pareto frontier and the size of a zone of possible agreement.
//!
//! Spatial and linear-additive preferences are both additive over issues:
//! `u_a(o) = c_a + Σᵢ t_a[i][oᵢ]`, one table per issue (see
//! [`UtilityTables`](crate::UtilityTables)). An outcome space of 10¹⁰ outcomes
//! is ten issues of ten levels: a hundred table entries per actor. Both
//! functions here work on the tables, so their cost grows with the frontier
//! (or with the square root of the space), not with the space.
//!
//! # The frontier: merging per-issue frontiers
//!
//! [`additive_frontier`] starts from the empty partial sum and adds the issues
//! one at a time: `F ← pareto(F ⊕ Tᵢ)`, where `Tᵢ` is the frontier of issue
//! `i`'s contribution vectors and `⊕` adds every level to every partial sum.
//! This is exact because a Pareto-optimal sum has Pareto-optimal partial
//! sums: if `o = y + z` with `y` the partial sum over the issues merged so
//! far, and some `y'` dominates `y`, then `y' + z` dominates `o`; so pruning a
//! dominated partial sum never loses an outcome that could end on the frontier.
//!
//! Every stage keeps, per kept partial sum, a back-pointer (the partial sum it
//! extends and the level it adds: eight bytes), and the outcomes are rebuilt at
//! the end by following them. A stage's candidates are pruned in batches at
//! least as large as the running frontier, so memory is a few times the
//! largest intermediate frontier, never the product of the issues' frontiers.
//! Pruning is a sweep for two actors, a sweep over Fenwick trees of maxima for
//! three (both O(n log n): on the 45,000-point frontier of a three-actor 10¹⁰
//! space, sort-filter-skyline, as in
//! [`pareto_indices`](crate::pareto::pareto_indices), took 52 s and this takes
//! 0.2 s), and sort-filter-skyline for more.
//!
//! # Floating point: scenario order, and a margin for the witnesses
//!
//! Utilities must be the numbers [`analyze`](crate::analyze) reports, bit for
//! bit, and its frontier is defined by exact comparisons of those numbers.
//! `analyze` (through [`UtilityTables::evaluate`](crate::UtilityTables::evaluate))
//! and [`Scenario::utility`] sum the issue terms in issue order and add the
//! constant last. Sums in another order differ in the last bits, and then two
//! outcomes whose utilities are equal in exact arithmetic come out a unit in
//! the last place apart, enough for one to dominate the other, or for both to
//! be on `analyze`'s frontier where the mathematics has one point. (On GENIUS'
//! Energy, summing the issues in reverse order gives 219 frontier vectors
//! instead of `analyze`'s 210.)
//!
//! So the issues are merged in scenario order, starting from zero, and the
//! constant is added at the end: every partial sum is exactly a prefix of the
//! sum `analyze` computes. Floating-point addition is monotone
//! (`x ≤ y ⇒ x + t ≤ y + t`, rounded), so a partial sum at least as good as
//! another in every coordinate stays so whatever is added to both; pruning by
//! exact comparison then keeps, for every vector on `analyze`'s frontier, an
//! outcome with that vector (whatever replaced its prefix can only end equal,
//! never better), and keeps nothing that a discarded outcome dominates.
//! Each witness's utilities are recomputed with [`Scenario::utility_at`]
//! (the same sum in the same order) and filtered once more by exact
//! comparison, which is `analyze`'s frontier.
//!
//! The witness is subtler. A partial sum can lead another by a unit in the
//! last place that the rounding of later additions absorbs: on Energy, the
//! first outcome with the vector (0.1325, 0.976) has, after seven issues, the
//! partial sum (0.10875, 0.896), which (0.10875000000000001, 0.896) dominates.
//! Pruning it would report a later outcome of that vector. So a partial sum is
//! only discarded when another *beats* it: is at least as good everywhere and
//! either comes first in outcome order or leads by more than a margin that
//! bounds what the remaining additions can round away (each addition
//! `fl(x + t)` errs by at most `u·|x + t|`, u = ε/2; see `rounding_margins`;
//! about 10⁻¹⁵ for utilities in [0, 1], zero at the last stage when the
//! constant is zero). A lead larger than the margin survives to the end, so
//! the discarded outcome's vector is dominated; a partial sum that comes first
//! reaches the same vector by an earlier outcome. The rows this keeps beside
//! rows that dominate them only by rounding cost about twice the exact
//! pruning's time on tie-heavy data (a zero-sum 10¹⁰ space, where every
//! outcome is efficient) and nothing measurable elsewhere.
//!
//! Merging the issues in another order (fewest levels first, most conflicting
//! last) would need a tolerance on the frontier itself. Measured on Travel,
//! Energy, AMPOvsCity, group2-politics, Domain4 and the synthetic 10¹⁰ spaces,
//! those orders change the total size of the intermediate frontiers by −35% to
//! +50% and the largest one not at all (it is the last), so scenario order
//! costs nothing that matters.
//!
//! # Ties and witnesses
//!
//! The result holds **one witness per distinct utility vector**, as
//! [`constraint_frontier`](crate::constraint::constraint_frontier) does,
//! whereas `analyze` keeps every outcome of a tied vector: an issue no analysed
//! actor cares about would otherwise multiply the frontier by its number of
//! levels. The witness is the outcome of smallest index (mixed radix, last
//! issue fastest, as `analyze` numbers outcomes) with that vector: the first
//! of `analyze`'s ties, so the frontier is `analyze`'s with the later ties
//! left out.
//!
//! # Counting a zone of agreement: meet in the middle
//!
//! [`count_acceptable`] counts the outcomes every listed actor weakly prefers
//! to its reservation value (with [`acceptable`]'s tolerance). The issues are
//! split into two halves of about √N outcomes each; each half's partial
//! utility vectors are enumerated, and the pairs whose sum clears every
//! threshold are counted: for one actor by sorting both halves and sweeping,
//! for two by a two-dimensional dominance count (sweep the sorted first
//! coordinate, Fenwick tree over the ranks of the second). More actors are
//! paired one by one, and only when the halves' product is small.
//!
//! Here the sum is necessarily taken in another order (half plus half), so the
//! count uses a rigorous bound `η` on the difference from `analyze`'s sum
//! (`4·(n + 4)·ε·M`, with `n` the number of issues, `ε` the machine epsilon and
//! `M` the largest magnitude of any partial sum or threshold; about 10⁻¹⁴ for
//! utilities in [0, 1]). Pairs clearing a threshold by more than `η` count,
//! pairs missing one by more than `η` do not, and the rare pairs within `η` of
//! a threshold are rebuilt as outcomes and evaluated exactly as `analyze`
//! does. The count therefore equals the enumeration's exactly.
//!
//! ```
//! use detente_core::additive::{additive_frontier, count_acceptable, CountLimits, FrontierLimits};
//! use detente_core::{OutcomeSpace, Scenario, ScenarioSpec, WeightPolicy};
//! let spec: ScenarioSpec = serde_json::from_str(r#"{
//!   "name": "two issues",
//!   "issues": [
//!     { "id": "price", "kind": "integer", "min": 0, "max": 10 },
//!     { "id": "delivery", "kind": "discrete", "options": ["slow", "fast"] }
//!   ],
//!   "actors": [
//!     { "id": "buyer", "reservation": 0.5, "preferences": { "type": "spatial",
//!       "position": { "price": 0, "delivery": "fast" }, "salience": { "price": 3, "delivery": 1 } } },
//!     { "id": "seller", "reservation": 0.5, "preferences": { "type": "spatial",
//!       "position": { "price": 10, "delivery": "slow" }, "salience": { "price": 3, "delivery": 1 } } }
//!   ]
//! }"#).unwrap();
//! let (scenario, _) = Scenario::new(spec, WeightPolicy::Refuse).unwrap();
//! let space = OutcomeSpace::of(&scenario);
//! let frontier = additive_frontier(&scenario, &space, &[0, 1], &FrontierLimits::default()).unwrap();
//! // Eleven prices, each with either delivery: a zero-sum line of 22 points.
//! assert_eq!(frontier.len(), 22);
//! assert_eq!(frontier[0].outcome, vec![0, 1]);
//! assert_eq!(frontier[0].utilities, vec![1.0, 0.0]);
//! // Both get 0.4 from prices 6 to 8 with fast delivery and 2 to 4 with slow.
//! let zopa = count_acceptable(&scenario, &space, &[0, 1], &[0.4, 0.4], &CountLimits::default()).unwrap();
//! assert_eq!(zopa, 6);
//! ```

use std::cmp::Ordering;

use crate::analysis::Point;
use crate::numbers::{group_thousands, power_of_ten};
use crate::scenario::{Evaluator, Preference, Scenario, level_coordinate};
use crate::solutions::{ACCEPT_TOLERANCE, acceptable};
use crate::space::{Outcome, OutcomeSpace, additive_constant, issue_contribution};

/// The most levels an issue may have when some analysed actor's utility
/// varies on it: its table holds one entry per level and actor.
pub const MAX_ISSUE_LEVELS: u64 = 1 << 20;

/// The default for [`FrontierLimits::max_points`]: a frontier of a million
/// points is more than anyone reads, and refusing one costs about 100 MB and
/// half a second (two actors).
pub const DEFAULT_MAX_POINTS: usize = 1 << 20;

/// The default for [`CountLimits::max_half_outcomes`]: halves of 4 million
/// partial vectors, so spaces up to about 10¹³ outcomes.
pub const DEFAULT_MAX_HALF_OUTCOMES: usize = 1 << 22;

/// The default for [`CountLimits::max_pairs`].
pub const DEFAULT_MAX_PAIRS: u64 = 10_000_000;

/// Candidates gathered before a stage's running frontier is pruned again,
/// at least: small batches would sort the running frontier over and over.
const MIN_BATCH: usize = 1 << 16;

/// Limits on [`additive_frontier`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrontierLimits {
    /// The most non-dominated partial utility vectors held at any point of the
    /// merge. A frontier larger than this (a zero-sum space where every one of
    /// 10¹⁰ outcomes is efficient, say) is refused instead of exhausting
    /// memory. Each point costs about `16·(actors + 2)` bytes while its stage
    /// is merged (the running frontier, a batch as large, and their sorted
    /// copy) and 8 bytes per issue for its back-pointers.
    pub max_points: usize,
}

impl Default for FrontierLimits {
    fn default() -> Self {
        FrontierLimits { max_points: DEFAULT_MAX_POINTS }
    }
}

/// Limits on [`count_acceptable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountLimits {
    /// The most partial outcomes in either half of the issues; each costs
    /// `8·actors` bytes.
    pub max_half_outcomes: usize,
    /// The most pairs of partial outcomes examined one at a time: all pairs
    /// when three or more actors must accept, and the pairs within rounding
    /// of a threshold, which are evaluated exactly.
    pub max_pairs: u64,
}

impl Default for CountLimits {
    fn default() -> Self {
        CountLimits { max_half_outcomes: DEFAULT_MAX_HALF_OUTCOMES, max_pairs: DEFAULT_MAX_PAIRS }
    }
}

/// Why an additive analysis could not be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AdditiveError {
    #[error("no actors selected for the frontier")]
    NoActors,
    #[error("actor index {0} is out of range")]
    UnknownActor(usize),
    #[error(
        "actor `{actor}` has a constraint-based preference, which is not additive over issues; \
         use the constraint frontier search"
    )]
    NotAdditive { actor: String },
    #[error("the outcome space has {given} issues but the scenario {expected}")]
    SpaceMismatch { given: usize, expected: usize },
    #[error(
        "issue `{issue}` has {levels} levels, more than the {limit} that can be tabulated; \
         use a coarser `step` or a smaller range"
    )]
    TooManyLevels { issue: String, levels: u64, limit: u64 },
    #[error(
        "more than {limit} Pareto-optimal partial outcomes after adding issue `{issue}` ({position} of \
         {n_issues}): the actors' interests are so opposed that most outcomes are efficient; \
         analyse fewer actors or raise the limit"
    )]
    FrontierTooLarge { issue: String, position: usize, n_issues: usize, limit: usize },
    #[error("{thresholds} thresholds given for {actors} actors")]
    ThresholdCount { actors: usize, thresholds: usize },
    #[error(
        "half of the issues spans {} outcomes, more than the {} that can be enumerated to count the zone of \
         agreement",
        power_of_ten(*.outcomes, 3),
        group_thousands(*.limit as u64)
    )]
    HalfTooLarge { outcomes: f64, limit: usize },
    #[error(
        "counting the outcomes {actors} actors accept would pair {} partial outcomes one by one, more than \
         the {} allowed; count for two actors at a time",
        power_of_ten(*.pairs, 3),
        group_thousands(*.limit)
    )]
    TooManyPairs { actors: usize, pairs: f64, limit: u64 },
    #[error(
        "{} pairs of partial outcomes lie within rounding of a threshold, more than the {} that can be \
         evaluated exactly",
        power_of_ten(*.pairs, 3),
        group_thousands(*.limit)
    )]
    TooManyBorderline { pairs: f64, limit: u64 },
    #[error("the count does not fit in 128 bits")]
    CountOverflow,
}

/// The exact Pareto frontier of `actors`' utilities over the whole outcome
/// space (reservation values not applied, as [`analyze`](crate::analyze)
/// computes it), with one witness outcome per distinct utility vector, in
/// order of decreasing first utility (then second, and so on). `space` is
/// [`OutcomeSpace::of`] the scenario. Every analysed actor's preference must
/// be additive (spatial or linear additive); see the module documentation.
pub fn additive_frontier(
    scenario: &Scenario,
    space: &OutcomeSpace,
    actors: &[usize],
    limits: &FrontierLimits,
) -> Result<Vec<Point>, AdditiveError> {
    merge_frontiers(scenario, space, actors, limits, MIN_BATCH)
}

/// [`additive_frontier`], pruning each stage's candidates in batches of at
/// least `min_batch`.
fn merge_frontiers(
    scenario: &Scenario,
    space: &OutcomeSpace,
    actors: &[usize],
    limits: &FrontierLimits,
    min_batch: usize,
) -> Result<Vec<Point>, AdditiveError> {
    check_actors(scenario, space, actors)?;
    let dims = actors.len();
    // Back-pointers are 32-bit.
    let max_points = limits.max_points.min(u32::MAX as usize);
    let n_issues = scenario.n_issues();

    let constants: Vec<f64> = actors.iter().map(|&a| additive_constant(&scenario.actors[a].preference)).collect();
    let mut largest: Vec<Vec<f64>> = Vec::with_capacity(n_issues);
    for issue_idx in 0..n_issues {
        largest.push(IssueTerms::tabulate(scenario, space, actors, issue_idx)?.largest_magnitudes());
    }
    let margins = rounding_margins(&largest, &constants);

    // One partial sum per kept point of the current stage, in outcome order of
    // its prefix; starting from the sum of nothing, as `Iterator::sum` does.
    let mut partial: Vec<f64> = vec![-0.0; dims];
    let mut stages: Vec<Vec<Link>> = Vec::with_capacity(n_issues);
    for issue_idx in 0..n_issues {
        let terms = IssueTerms::tabulate(scenario, space, actors, issue_idx)?.pruned(&margins[issue_idx]);
        let mut merger = StageMerger::new(&margins[issue_idx + 1], min_batch);
        let too_large = || AdditiveError::FrontierTooLarge {
            issue: scenario.issues[issue_idx].id.clone(),
            position: issue_idx + 1,
            n_issues,
            limit: limits.max_points,
        };
        for (parent, sum) in partial.chunks_exact(dims).enumerate() {
            for (level, term) in terms.levels.iter().zip(terms.values.chunks_exact(dims)) {
                merger.push(sum, term, Link { parent: parent as u32, level: *level });
            }
            if merger.batch_full() {
                merger.prune();
                if merger.len() > max_points {
                    return Err(too_large());
                }
            }
        }
        merger.prune();
        if merger.len() > max_points {
            return Err(too_large());
        }
        partial = merger.vectors;
        stages.push(merger.links);
    }

    // Rebuild the witnesses and evaluate them as `analyze` does.
    let n_points = partial.len() / dims;
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(n_points);
    let mut utilities: Vec<f64> = Vec::with_capacity(n_points * dims);
    for point in 0..n_points {
        let mut outcome = vec![0u32; n_issues];
        let mut entry = point;
        for (slot, stage) in outcome.iter_mut().zip(&stages).rev() {
            let link = stage[entry];
            *slot = link.level;
            entry = link.parent as usize;
        }
        let coordinates = scenario.coordinates(&outcome);
        for (k, &a) in actors.iter().enumerate() {
            let u = scenario.utility_at(a, &coordinates);
            debug_assert_eq!(
                u,
                partial[point * dims + k] + additive_constant(&scenario.actors[a].preference),
                "merged partial sums are the prefixes of the scenario's own sum"
            );
            utilities.push(u);
        }
        outcomes.push(outcome);
    }
    // The frontier by exact comparison, as `analyze` finds it; witnesses are
    // in outcome order, so the first of equal vectors is kept.
    let points = frontier_with_margin(&utilities, dims, &vec![0.0; dims])
        .into_iter()
        .map(|k| Point { outcome: outcomes[k].clone(), utilities: utilities[k * dims..(k + 1) * dims].to_vec() })
        .collect();
    Ok(points)
}

/// The number of outcomes in which every actor of `actors` gets at least its
/// threshold, in the sense of [`acceptable`]: `thresholds[k]` is the
/// reservation value of `actors[k]`, and an outcome counts when its utility
/// `u` satisfies `acceptable(u, thresholds[k])` (`u ≥ threshold − 10⁻⁹`) for
/// every `k`. With no actors, every outcome counts. Exact; see the module
/// documentation for the method and its rounding bound.
pub fn count_acceptable(
    scenario: &Scenario,
    space: &OutcomeSpace,
    actors: &[usize],
    thresholds: &[f64],
    limits: &CountLimits,
) -> Result<u128, AdditiveError> {
    if thresholds.len() != actors.len() {
        return Err(AdditiveError::ThresholdCount { actors: actors.len(), thresholds: thresholds.len() });
    }
    if let Some(&bad) = actors.iter().find(|&&a| a >= scenario.n_actors()) {
        return Err(AdditiveError::UnknownActor(bad));
    }
    if space.levels.len() != scenario.n_issues() {
        return Err(AdditiveError::SpaceMismatch { given: space.levels.len(), expected: scenario.n_issues() });
    }
    // An actor with threshold −∞ accepts everything; NaN or +∞, nothing.
    let mut binding: Vec<(usize, f64)> = Vec::new();
    for (&a, &d) in actors.iter().zip(thresholds) {
        if d == f64::NEG_INFINITY {
            continue;
        }
        if !d.is_finite() {
            return Ok(0);
        }
        binding.push((a, d));
    }
    let mut total: u128 = 1;
    for &n in &space.levels {
        total = total.checked_mul(u128::from(n)).ok_or(AdditiveError::CountOverflow)?;
    }
    if binding.is_empty() {
        return Ok(total);
    }
    let actors: Vec<usize> = binding.iter().map(|&(a, _)| a).collect();
    check_actors(scenario, space, &actors)?;
    let dims = actors.len();
    let n_issues = scenario.n_issues();

    // Issues no binding actor's utility varies on add a constant and multiply
    // the count by their levels.
    let mut constant: Vec<f64> = actors.iter().map(|&a| additive_constant(&scenario.actors[a].preference)).collect();
    let mut magnitude: Vec<f64> = constant.iter().map(|c| c.abs()).collect();
    let mut multiplicity: u128 = 1;
    let mut varying: Vec<IssueTerms> = Vec::new();
    for issue_idx in 0..n_issues {
        let terms = IssueTerms::tabulate(scenario, space, &actors, issue_idx)?;
        for (m, largest) in magnitude.iter_mut().zip(terms.largest_magnitudes()) {
            *m += largest;
        }
        if terms.levels.len() == 1 {
            for (c, v) in constant.iter_mut().zip(&terms.values) {
                *c += v;
            }
            multiplicity =
                multiplicity.checked_mul(u128::from(space.levels[issue_idx])).ok_or(AdditiveError::CountOverflow)?;
        } else {
            varying.push(terms);
        }
    }

    let (first, second) = split_in_halves(&varying);
    let half_size = |half: &[usize]| half.iter().map(|&k| varying[k].levels.len() as f64).product::<f64>();
    // Partial outcomes are numbered in 32 bits.
    let max_half = limits.max_half_outcomes.min(u32::MAX as usize);
    for half in [&first, &second] {
        let outcomes = half_size(half);
        if outcomes > max_half as f64 {
            return Err(AdditiveError::HalfTooLarge { outcomes, limit: limits.max_half_outcomes });
        }
    }
    let half_a = Half::enumerate(&varying, &first, dims);
    let half_b = Half::enumerate(&varying, &second, dims);

    // What the second half must reach given the first, per actor: the
    // threshold less the constant and the first half's sum, ± the rounding
    // bound `eta` (see the module documentation).
    let thresholds: Vec<f64> = binding.iter().map(|&(_, d)| d - ACCEPT_TOLERANCE).collect();
    let eta: Vec<f64> = magnitude
        .iter()
        .zip(&thresholds)
        .map(|(m, t)| 4.0 * (n_issues as f64 + 4.0) * f64::EPSILON * (m + t.abs()))
        .collect();
    let base: Vec<f64> = thresholds.iter().zip(&constant).map(|(t, c)| t - c).collect();
    let counter = PairCounter {
        scenario,
        varying: &varying,
        issue_of: varying.iter().map(|t| t.issue_idx).collect(),
        binding: &binding,
        a: &half_a,
        b: &half_b,
        n_issues,
    };
    let counted = match dims {
        1 => counter.count_one(base[0], eta[0], limits.max_pairs)?,
        2 => counter.count_two([base[0], base[1]], [eta[0], eta[1]], limits.max_pairs)?,
        _ => counter.count_direct(&base, &eta, limits.max_pairs)?,
    };
    counted.checked_mul(multiplicity).ok_or(AdditiveError::CountOverflow)
}

/// Where a kept partial sum comes from: the kept partial sum of the previous
/// stage it extends, and the level it adds.
#[derive(Debug, Clone, Copy)]
struct Link {
    parent: u32,
    level: u32,
}

/// One issue's contributions to the actors' utilities, level by level.
#[derive(Debug)]
struct IssueTerms {
    issue_idx: usize,
    levels: Vec<u32>,
    /// Row-major, one row of `dims` contributions per entry of `levels`.
    values: Vec<f64>,
    dims: usize,
}

impl IssueTerms {
    /// Every level's contributions, or only level 0's when no actor's utility
    /// varies on the issue (whatever its number of levels).
    fn tabulate(
        scenario: &Scenario,
        space: &OutcomeSpace,
        actors: &[usize],
        issue_idx: usize,
    ) -> Result<IssueTerms, AdditiveError> {
        let issue = &scenario.issues[issue_idx];
        let varies = actors.iter().any(|&a| varies_on(&scenario.actors[a].preference, issue_idx));
        let n_levels = if varies { space.levels[issue_idx] } else { 1 };
        if n_levels > MAX_ISSUE_LEVELS {
            return Err(AdditiveError::TooManyLevels {
                issue: issue.id.clone(),
                levels: n_levels,
                limit: MAX_ISSUE_LEVELS,
            });
        }
        let mut values = Vec::with_capacity(n_levels as usize * actors.len());
        for level in 0..n_levels {
            let x = level_coordinate(&issue.domain, level);
            values.extend(
                actors.iter().map(|&a| issue_contribution(&scenario.actors[a].preference, issue_idx, &issue.domain, x)),
            );
        }
        Ok(IssueTerms { issue_idx, levels: (0..n_levels as u32).collect(), values, dims: actors.len() })
    }

    /// Each actor's largest absolute contribution.
    fn largest_magnitudes(&self) -> Vec<f64> {
        (0..self.dims)
            .map(|k| self.values.iter().skip(k).step_by(self.dims).fold(0.0, |m: f64, v| m.max(v.abs())))
            .collect()
    }

    /// Only the levels whose contributions no other level's beats by the
    /// margin, one per distinct vector (the lowest level), in level order.
    fn pruned(self, margin: &[f64]) -> IssueTerms {
        let mut keep = frontier_with_margin(&self.values, self.dims, margin);
        keep.sort_unstable();
        IssueTerms {
            issue_idx: self.issue_idx,
            levels: keep.iter().map(|&k| self.levels[k]).collect(),
            values: keep
                .iter()
                .flat_map(|&k| self.values[k * self.dims..(k + 1) * self.dims].iter().copied())
                .collect(),
            dims: self.dims,
        }
    }
}

/// How far rounding can move two partial sums apart, per actor, from each
/// stage of the merge to the end: `margins[k]` covers adding issues `k, k+1,
/// …` and then the constant, so `margins[n + 1]` is zero. A sum that leads
/// another by more than `margins[k + 1]` once issue `k` is added still leads
/// at the end, whatever is added to both.
///
/// Each addition `fl(x + t)` errs by at most `u·|x + t|` (u = ε/2, plus an
/// underflow term), so it moves two sums apart by at most `2u·M`, with `M`
/// bounding the partial sums: the sum of the largest absolute contributions so
/// far. Adding zero (an issue whose every contribution is zero, or a constant
/// of zero) is exact. The margins are twice these bounds, for the slack of
/// bounding rounded partial sums by exact ones; they are of order 10⁻¹⁵ for
/// utilities in [0, 1].
fn rounding_margins(largest: &[Vec<f64>], constants: &[f64]) -> Vec<Vec<f64>> {
    let error = |bound: f64| 2.0 * f64::EPSILON * bound + f64::MIN_POSITIVE;
    let mut bound = vec![0.0; constants.len()];
    let mut op_errors: Vec<Vec<f64>> = Vec::with_capacity(largest.len() + 1);
    for issue_largest in largest {
        op_errors.push(
            bound
                .iter_mut()
                .zip(issue_largest)
                .map(|(b, &l)| {
                    *b += l;
                    if l == 0.0 { 0.0 } else { error(*b) }
                })
                .collect(),
        );
    }
    op_errors
        .push(bound.iter().zip(constants).map(|(b, &c)| if c == 0.0 { 0.0 } else { error(b + c.abs()) }).collect());
    let mut margins = vec![vec![0.0; constants.len()]; largest.len() + 2];
    for k in (0..op_errors.len()).rev() {
        margins[k] = margins[k + 1].iter().zip(&op_errors[k]).map(|(m, e)| m + e).collect();
    }
    margins
}

/// Whether an additive preference's utility can vary with the issue's level:
/// a zero weight, or a linear evaluator of slope zero, adds the same term at
/// every level.
fn varies_on(preference: &Preference, issue_idx: usize) -> bool {
    match preference {
        Preference::Spatial(p) => p.weights[issue_idx] != 0.0,
        Preference::LinearAdditive(p) => {
            p.weights[issue_idx] != 0.0
                && !matches!(p.evaluators[issue_idx], Evaluator::Linear { slope, .. } if slope == 0.0)
        }
        Preference::Constraint(_) => true,
    }
}

fn check_actors(scenario: &Scenario, space: &OutcomeSpace, actors: &[usize]) -> Result<(), AdditiveError> {
    if actors.is_empty() {
        return Err(AdditiveError::NoActors);
    }
    if let Some(&bad) = actors.iter().find(|&&a| a >= scenario.n_actors()) {
        return Err(AdditiveError::UnknownActor(bad));
    }
    if let Some(&a) = actors.iter().find(|&&a| matches!(scenario.actors[a].preference, Preference::Constraint(_))) {
        return Err(AdditiveError::NotAdditive { actor: scenario.actors[a].id.clone() });
    }
    if space.levels.len() != scenario.n_issues() {
        return Err(AdditiveError::SpaceMismatch { given: space.levels.len(), expected: scenario.n_issues() });
    }
    Ok(())
}

/// The rows of `points` that no other row beats, in frontier order:
/// decreasing first coordinate, then second, and so on, ties by row number.
///
/// Row `p` *beats* row `q` when it is at least as good in every coordinate
/// and either comes first (has the lower number) or is better by more than
/// `margin[k]` in some coordinate `k`. With a zero margin this is Pareto
/// dominance plus "the first of equal vectors", and the result is the
/// frontier of [`pareto_indices`](crate::pareto::pareto_indices) with one row
/// per distinct vector. With a positive margin a row that only rounding
/// separates from a later row dominating it survives beside it (see the
/// module documentation); for three coordinates the first-row clause is
/// applied to equal vectors only, which keeps a few more such rows.
///
/// Rows that beat a row come before it in decreasing lexicographic order, and
/// the relation is transitive, so each row is checked against earlier rows
/// only: by a sweep for one and two coordinates, a sweep over Fenwick trees
/// of maxima for three (Kung, Luccio & Preparata 1975), all O(n log n), and
/// sort-filter-skyline (O(n · frontier), as `pareto_indices`) for more.
fn frontier_with_margin(points: &[f64], dims: usize, margin: &[f64]) -> Vec<usize> {
    match dims {
        1 => {
            let rows = sorted_rows::<1>(points);
            let best = rows.first().map_or(f64::NEG_INFINITY, |r| r.0[0]);
            let mut first_number = usize::MAX;
            let mut keep = Vec::new();
            for ([q0], i) in rows {
                if first_number > i && best <= q0 + margin[0] {
                    keep.push(i);
                }
                first_number = first_number.min(i);
            }
            keep
        }
        2 => frontier_2d(sorted_rows::<2>(points), [margin[0], margin[1]]),
        3 => frontier_3d(sorted_rows::<3>(points), [margin[0], margin[1], margin[2]]),
        _ => frontier_skyline(points, dims, margin),
    }
}

/// A row's coordinates (signed zeros made positive, so that `total_cmp`
/// agrees with `<`) and its number.
type Row<const D: usize> = ([f64; D], usize);

/// The rows of `points`, in decreasing lexicographic order, ties by number.
fn sorted_rows<const D: usize>(points: &[f64]) -> Vec<Row<D>> {
    let mut rows: Vec<Row<D>> =
        points.chunks_exact(D).enumerate().map(|(i, row)| (std::array::from_fn(|k| row[k] + 0.0), i)).collect();
    rows.sort_unstable_by(|p, q| lex_desc(&p.0, &q.0).then(p.1.cmp(&q.1)));
    rows
}

fn lex_desc(p: &[f64], q: &[f64]) -> Ordering {
    p.iter().zip(q).map(|(x, y)| y.total_cmp(x)).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
}

fn frontier_2d(rows: Vec<Row<2>>, margin: [f64; 2]) -> Vec<usize> {
    // Earlier rows are at least as good in the first coordinate. Among them:
    // the best second coordinate; the best among those whose first
    // coordinate beats the current row's by the margin (a prefix of the order
    // that grows as the first coordinate falls); and the best second
    // coordinate by row number, for the rows numbered before the current one.
    let (mut best_all, mut best_clear) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut by_number = MaxTree::new(rows.len());
    let mut clear = 0;
    let mut keep = Vec::new();
    for (position, &([q0, q1], i)) in rows.iter().enumerate() {
        while clear < position && rows[clear].0[0] > q0 + margin[0] {
            best_clear = best_clear.max(rows[clear].0[1]);
            clear += 1;
        }
        let beaten = best_all > q1 + margin[1] || best_clear >= q1 || by_number.prefix_max(i) >= q1;
        if !beaten {
            keep.push(i);
        }
        best_all = best_all.max(q1);
        by_number.insert(i, q1);
    }
    keep
}

fn frontier_3d(rows: Vec<Row<3>>, margin: [f64; 3]) -> Vec<usize> {
    // Ranks of the second coordinate, largest first; a Fenwick tree of the
    // best third coordinate per rank, over all earlier rows and over the rows
    // whose first coordinate beats the current row's by the margin.
    let mut by_second: Vec<(f64, usize)> = rows.iter().enumerate().map(|(position, r)| (r.0[1], position)).collect();
    by_second.sort_unstable_by(|x, y| y.0.total_cmp(&x.0));
    let mut seconds: Vec<f64> = Vec::new();
    let mut rank = vec![0; rows.len()];
    for (value, position) in by_second {
        if seconds.last() != Some(&value) {
            seconds.push(value);
        }
        rank[position] = seconds.len() - 1;
    }
    let mut all = MaxTree::new(seconds.len());
    let mut clear_tree = MaxTree::new(seconds.len());
    let mut clear = 0;
    let mut keep = Vec::new();
    for (position, &([q0, q1, q2], i)) in rows.iter().enumerate() {
        while clear < position && rows[clear].0[0] > q0 + margin[0] {
            clear_tree.insert(rank[clear], rows[clear].0[2]);
            clear += 1;
        }
        // Rows at least as good in the second coordinate have rank ≤ this one's.
        let at_least = rank[position] + 1;
        let best_at_least = all.prefix_max(at_least);
        // Rows better by the margin in the second coordinate: the ranks
        // above this one less those within the margin (rarely any).
        let mut better_second = rank[position];
        while better_second > 0 && seconds[better_second - 1] <= q1 + margin[1] {
            better_second -= 1;
        }
        let beaten = clear_tree.prefix_max(at_least) >= q2
            || best_at_least > q2 + margin[2]
            || all.prefix_max(better_second) >= q2;
        // Equal vectors are adjacent, lowest number first.
        let repeated = position > 0 && rows[position - 1].0 == [q0, q1, q2];
        if !beaten && !repeated {
            keep.push(i);
        }
        all.insert(rank[position], q2);
    }
    keep
}

/// Sort-filter-skyline: by decreasing sum, a row can only be beaten by an
/// earlier one (float sums are monotone, and the lexicographic tie-break
/// settles equal sums).
fn frontier_skyline(points: &[f64], dims: usize, margin: &[f64]) -> Vec<usize> {
    let n = points.len() / dims;
    let normalised: Vec<f64> = points.iter().map(|x| x + 0.0).collect();
    let row = |i: usize| &normalised[i * dims..(i + 1) * dims];
    let sums: Vec<f64> = (0..n).map(|i| row(i).iter().sum()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&p, &q| sums[q].total_cmp(&sums[p]).then_with(|| lex_desc(row(p), row(q))).then(p.cmp(&q)));
    let beats = |p: usize, q: usize| {
        row(p).iter().zip(row(q)).all(|(x, y)| x >= y)
            && (p < q || row(p).iter().zip(row(q)).zip(margin).any(|((x, y), m)| *x > y + m))
    };
    let mut keep: Vec<usize> = Vec::new();
    for q in order {
        if !keep.iter().any(|&p| beats(p, q)) {
            keep.push(q);
        }
    }
    keep.sort_unstable_by(|&p, &q| lex_desc(row(p), row(q)).then(p.cmp(&q)));
    keep
}

/// A Fenwick tree of maxima over positions `0..n`.
#[derive(Debug)]
struct MaxTree {
    tree: Vec<f64>,
}

impl MaxTree {
    fn new(n: usize) -> MaxTree {
        MaxTree { tree: vec![f64::NEG_INFINITY; n + 1] }
    }

    fn insert(&mut self, position: usize, value: f64) {
        let mut i = position + 1;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].max(value);
            i += i & i.wrapping_neg();
        }
    }

    /// The maximum over positions `0..end`; −∞ when there are none.
    fn prefix_max(&self, end: usize) -> f64 {
        let mut i = end;
        let mut best = f64::NEG_INFINITY;
        while i > 0 {
            best = best.max(self.tree[i]);
            i &= i - 1;
        }
        best
    }
}

/// One stage of the merge: the running frontier of the candidates seen so
/// far, followed by a batch of candidates not yet pruned, all in outcome order.
#[derive(Debug)]
struct StageMerger {
    dims: usize,
    margin: Vec<f64>,
    vectors: Vec<f64>,
    links: Vec<Link>,
    /// How many leading entries form the running frontier.
    running: usize,
    min_batch: usize,
}

impl StageMerger {
    fn new(margin: &[f64], min_batch: usize) -> StageMerger {
        StageMerger {
            dims: margin.len(),
            margin: margin.to_vec(),
            vectors: Vec::new(),
            links: Vec::new(),
            running: 0,
            min_batch,
        }
    }

    fn len(&self) -> usize {
        self.links.len()
    }

    #[inline]
    fn push(&mut self, sum: &[f64], term: &[f64], link: Link) {
        self.vectors.extend(sum.iter().zip(term).map(|(s, t)| s + t));
        self.links.push(link);
    }

    /// Whether the batch is large enough to prune: at least the running
    /// frontier's size, so that each candidate is sorted a bounded number of
    /// times on average.
    fn batch_full(&self) -> bool {
        self.len() - self.running >= self.running.max(self.min_batch)
    }

    /// Prunes the running frontier and the batch together. Candidates stay in
    /// outcome order, so of equal vectors the first in outcome order is kept.
    fn prune(&mut self) {
        if self.len() == self.running {
            return;
        }
        let dims = self.dims;
        let mut keep = frontier_with_margin(&self.vectors, dims, &self.margin);
        keep.sort_unstable();
        self.vectors = keep.iter().flat_map(|&k| self.vectors[k * dims..(k + 1) * dims].iter().copied()).collect();
        self.links = keep.iter().map(|&k| self.links[k]).collect();
        self.running = self.links.len();
    }
}

/// Splits the varying issues (by position in `varying`) into two groups
/// whose products of levels are as equal as a greedy split makes them
/// (largest issues first, each to the smaller group), each in issue order.
fn split_in_halves(varying: &[IssueTerms]) -> (Vec<usize>, Vec<usize>) {
    let mut by_size: Vec<usize> = (0..varying.len()).collect();
    by_size.sort_by_key(|&k| std::cmp::Reverse(varying[k].levels.len()));
    let (mut first, mut second) = (Vec::new(), Vec::new());
    let (mut log_first, mut log_second) = (0.0f64, 0.0f64);
    for k in by_size {
        let log = (varying[k].levels.len() as f64).ln();
        if log_first <= log_second {
            first.push(k);
            log_first += log;
        } else {
            second.push(k);
            log_second += log;
        }
    }
    first.sort_unstable();
    second.sort_unstable();
    (first, second)
}

/// Every partial outcome of a group of issues and its partial utility vector.
#[derive(Debug)]
struct Half {
    /// Positions in the varying issues, in issue order.
    issues: Vec<usize>,
    /// Levels per issue of `issues`, for decoding a partial outcome's number.
    radix: Vec<usize>,
    /// Row-major, `dims` per partial outcome, numbered in mixed radix (last
    /// issue fastest); signed zeros made positive so that sorting by
    /// `total_cmp` agrees with `<`.
    vectors: Vec<f64>,
    len: usize,
}

impl Half {
    fn enumerate(varying: &[IssueTerms], issues: &[usize], dims: usize) -> Half {
        let mut vectors: Vec<f64> = vec![0.0; dims];
        for &k in issues {
            let terms = &varying[k];
            let mut next = Vec::with_capacity(vectors.len() * terms.levels.len());
            for sum in vectors.chunks_exact(dims) {
                for term in terms.values.chunks_exact(dims) {
                    next.extend(sum.iter().zip(term).map(|(s, t)| s + t + 0.0));
                }
            }
            vectors = next;
        }
        let len = vectors.len() / dims;
        Half { issues: issues.to_vec(), radix: issues.iter().map(|&k| varying[k].levels.len()).collect(), vectors, len }
    }

    /// Writes the levels of partial outcome `index` into `outcome`.
    fn decode(&self, varying: &[IssueTerms], mut index: usize, outcome: &mut [u32], issue_of: &[usize]) {
        for (&k, &n) in self.issues.iter().zip(&self.radix).rev() {
            outcome[issue_of[k]] = varying[k].levels[index % n];
            index /= n;
        }
    }

    /// Values of coordinate `k`, ascending, with the partial outcomes' numbers.
    fn sorted_by(&self, k: usize, dims: usize) -> (Vec<f64>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.len as u32).collect();
        order.sort_unstable_by(|&x, &y| {
            self.vectors[x as usize * dims + k].total_cmp(&self.vectors[y as usize * dims + k])
        });
        let values = order.iter().map(|&x| self.vectors[x as usize * dims + k]).collect();
        (values, order)
    }
}

/// Counts the pairs of partial outcomes (one from each half) whose outcome
/// every binding actor accepts.
struct PairCounter<'a> {
    scenario: &'a Scenario,
    varying: &'a [IssueTerms],
    /// The scenario index of each varying issue.
    issue_of: Vec<usize>,
    binding: &'a [(usize, f64)],
    a: &'a Half,
    b: &'a Half,
    n_issues: usize,
}

impl PairCounter<'_> {
    /// Whether every binding actor accepts the outcome made of partial
    /// outcome `x` of the first half and `y` of the second, evaluated exactly
    /// as `analyze` does. Issues on which no actor's utility varies take
    /// level 0, which adds the same term as any other level.
    fn accepted(&self, x: usize, y: usize) -> bool {
        let mut outcome = vec![0u32; self.n_issues];
        self.a.decode(self.varying, x, &mut outcome, &self.issue_of);
        self.b.decode(self.varying, y, &mut outcome, &self.issue_of);
        let coordinates = self.scenario.coordinates(&outcome);
        self.binding.iter().all(|&(a, d)| acceptable(self.scenario.utility_at(a, &coordinates), d))
    }

    /// What the second half must reach in coordinate `k` for each partial
    /// outcome of the first: `base − a_k(x)`.
    fn needs(&self, base: f64, k: usize, dims: usize) -> Vec<f64> {
        self.a.vectors.iter().skip(k).step_by(dims).map(|a| base - a).collect()
    }

    /// One actor: sort the second half, and for each partial outcome of the
    /// first, count the partial outcomes of the second that clear the
    /// threshold by more than the rounding bound; evaluate those within it.
    fn count_one(&self, base: f64, eta: f64, max_pairs: u64) -> Result<u128, AdditiveError> {
        let (values, order) = self.b.sorted_by(0, 1);
        let needs = self.needs(base, 0, 1);
        let [lo, hi] = positions_below(&values, &needs, [-eta, eta]);
        let mut counted: u128 = hi.iter().map(|&h| (values.len() - h) as u128).sum();
        let n_borderline: u64 = lo.iter().zip(&hi).map(|(l, h)| (h - l) as u64).sum();
        if n_borderline > max_pairs {
            return Err(AdditiveError::TooManyBorderline { pairs: n_borderline as f64, limit: max_pairs });
        }
        if n_borderline > 0 {
            for (x, (&l, &h)) in lo.iter().zip(&hi).enumerate() {
                counted += order[l..h].iter().filter(|&&y| self.accepted(x, y as usize)).count() as u128;
            }
        }
        Ok(counted)
    }

    /// Two actors: for each partial outcome `x` of the first half, the partial
    /// outcomes `y` of the second with `b₀(y) ≥ need₀(x)` and
    /// `b₁(y) ≥ need₁(x)`: an offline dominance count, sweeping `need₀` down
    /// while inserting the `y` it admits into a Fenwick tree over the ranks
    /// of `b₁`. Every search is a sweep over sorted values, so the count costs
    /// four sorts of a half and linear work.
    fn count_two(&self, base: [f64; 2], eta: [f64; 2], max_pairs: u64) -> Result<u128, AdditiveError> {
        let (values0, order0) = self.b.sorted_by(0, 2);
        let (values1, order1) = self.b.sorted_by(1, 2);
        let needs0 = self.needs(base[0], 0, 2);
        let needs1 = self.needs(base[1], 1, 2);
        let [lo0, hi0] = positions_below(&values0, &needs0, [-eta[0], eta[0]]);
        let [lo1, hi1] = positions_below(&values1, &needs1, [-eta[1], eta[1]]);
        // The rank of each `y`'s b₁: how many values are below it.
        let mut rank1 = vec![0usize; self.b.len];
        let mut run_start = 0;
        for (j, &y) in order1.iter().enumerate() {
            if j > 0 && values1[j] != values1[j - 1] {
                run_start = j;
            }
            rank1[y as usize] = run_start;
        }

        // Pairs clearing both thresholds by more than the rounding bound: the
        // `y` at or after `hi0[x]` in the order of b₀ with rank of b₁ at least
        // `hi1[x]`, taking `x` by decreasing `hi0`.
        let mut by_need: Vec<usize> = (0..self.a.len).collect();
        by_need.sort_unstable_by_key(|&x| std::cmp::Reverse(hi0[x]));
        let mut tree = Fenwick::new(self.b.len);
        let mut next = values0.len();
        let mut counted: u128 = 0;
        for x in by_need {
            while next > hi0[x] {
                next -= 1;
                tree.add(rank1[order0[next] as usize]);
            }
            let inserted = values0.len() - next;
            counted += (inserted - tree.prefix(hi1[x])) as u128;
        }

        // Pairs within the rounding bound of a threshold and not below the
        // other: those with b₀ in its band, and those with b₀ clear and b₁ in
        // its band.
        let n_borderline: u64 = (0..self.a.len).map(|x| (hi0[x] - lo0[x] + hi1[x] - lo1[x]) as u64).sum();
        if n_borderline > max_pairs {
            return Err(AdditiveError::TooManyBorderline { pairs: n_borderline as f64, limit: max_pairs });
        }
        if n_borderline == 0 {
            return Ok(counted);
        }
        for x in 0..self.a.len {
            for &y in &order0[lo0[x]..hi0[x]] {
                if rank1[y as usize] >= lo1[x] && self.accepted(x, y as usize) {
                    counted += 1;
                }
            }
            for &y in &order1[lo1[x]..hi1[x]] {
                let b0 = self.b.vectors[y as usize * 2];
                if b0 >= needs0[x] + eta[0] && self.accepted(x, y as usize) {
                    counted += 1;
                }
            }
        }
        Ok(counted)
    }

    /// Three or more actors: every pair, when there are few enough.
    fn count_direct(&self, base: &[f64], eta: &[f64], max_pairs: u64) -> Result<u128, AdditiveError> {
        let dims = base.len();
        let pairs = self.a.len as f64 * self.b.len as f64;
        if pairs > max_pairs as f64 {
            return Err(AdditiveError::TooManyPairs { actors: dims, pairs, limit: max_pairs });
        }
        let mut counted: u128 = 0;
        let mut need = vec![0.0; dims];
        for x in 0..self.a.len {
            for (k, n) in need.iter_mut().enumerate() {
                *n = base[k] - self.a.vectors[x * dims + k];
            }
            for y in 0..self.b.len {
                let b = &self.b.vectors[y * dims..(y + 1) * dims];
                let mut clear = true;
                let mut missed = false;
                for k in 0..dims {
                    if b[k] < need[k] - eta[k] {
                        missed = true;
                        break;
                    }
                    clear &= b[k] >= need[k] + eta[k];
                }
                if !missed && (clear || self.accepted(x, y)) {
                    counted += 1;
                }
            }
        }
        Ok(counted)
    }
}

/// For each of `needs` and each offset, how many of `values` (ascending) lie
/// below `need + offset`: `values.partition_point(|v| v < need + offset)`,
/// found by sweeping the needs in increasing order.
fn positions_below<const K: usize>(values: &[f64], needs: &[f64], offsets: [f64; K]) -> [Vec<usize>; K] {
    let mut order: Vec<usize> = (0..needs.len()).collect();
    order.sort_unstable_by(|&x, &y| needs[x].total_cmp(&needs[y]));
    offsets.map(|offset| {
        let mut below = vec![0; needs.len()];
        let mut position = 0;
        for &x in &order {
            let bound = needs[x] + offset;
            while position < values.len() && values[position] < bound {
                position += 1;
            }
            below[x] = position;
        }
        below
    })
}

/// A Fenwick (binary indexed) tree of counts.
#[derive(Debug)]
struct Fenwick {
    tree: Vec<usize>,
}

impl Fenwick {
    fn new(n: usize) -> Fenwick {
        Fenwick { tree: vec![0; n + 1] }
    }

    /// Adds one at position `i` (0-based).
    fn add(&mut self, i: usize) {
        let mut i = i + 1;
        while i < self.tree.len() {
            self.tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// The sum over positions `0..end`.
    fn prefix(&self, end: usize) -> usize {
        let mut i = end;
        let mut total = 0;
        while i > 0 {
            total += self.tree[i];
            i &= i - 1;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pareto::pareto_indices;
    use proptest::prelude::*;

    /// The definition: rows no other row beats, in frontier order.
    fn brute_force(points: &[f64], dims: usize, margin: &[f64]) -> Vec<usize> {
        let n = points.len() / dims;
        let row = |i: usize| &points[i * dims..(i + 1) * dims];
        // For three coordinates, the first-row clause holds for equal vectors only.
        let first = |p: usize, q: usize| p < q && (dims != 3 || row(p) == row(q));
        let beats = |p: usize, q: usize| {
            p != q
                && row(p).iter().zip(row(q)).all(|(x, y)| x >= y)
                && (first(p, q) || row(p).iter().zip(row(q)).zip(margin).any(|((x, y), m)| *x > y + m))
        };
        let mut keep: Vec<usize> = (0..n).filter(|&q| (0..n).all(|p| !beats(p, q))).collect();
        keep.sort_by(|&p, &q| lex_desc(row(p), row(q)).then(p.cmp(&q)));
        keep
    }

    fn rows_strategy() -> impl Strategy<Value = (usize, Vec<f64>)> {
        (1usize..6).prop_flat_map(|dims| {
            // Coarse values with tiny offsets: exact ties and near ties.
            let value = (0u8..5, 0u8..3).prop_map(|(v, nudge)| f64::from(v) * 0.25 + f64::from(nudge) * 1e-15);
            (Just(dims), prop::collection::vec(value, dims..dims * 40))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn margin_frontier_is_its_definition((dims, mut points) in rows_strategy(), wide in any::<bool>()) {
            points.truncate(points.len() / dims * dims);
            let margin = vec![if wide { 1.5e-15 } else { 0.0 }; dims];
            prop_assert_eq!(frontier_with_margin(&points, dims, &margin), brute_force(&points, dims, &margin));
            if !wide {
                // With no margin, the frontier of `pareto_indices` less repeats.
                let row = |i: usize| &points[i * dims..(i + 1) * dims];
                let mut expected = pareto_indices(&points, dims);
                expected.dedup_by(|later, earlier| row(*later) == row(*earlier));
                prop_assert_eq!(frontier_with_margin(&points, dims, &margin), expected);
            }
        }
    }

    /// `n_issues` discrete issues of `n_levels` levels and `n_actors` linear
    /// additive actors with opposed, coarse evaluations.
    fn opposed(n_issues: usize, n_levels: usize, n_actors: usize) -> Scenario {
        use crate::spec::IssueDomain;
        use crate::spec::{ActorSpec, EvaluatorSpec, IssueSpec, PreferenceSpec, ScenarioSpec};
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let issues: Vec<IssueSpec> = (0..n_issues)
            .map(|i| IssueSpec {
                id: format!("i{i}"),
                name: None,
                description: String::new(),
                domain: IssueDomain::Discrete {
                    options: (0..n_levels).map(|v| format!("v{v}")).collect(),
                    ordered: false,
                },
            })
            .collect();
        let angles: Vec<f64> = (0..n_issues * n_levels).map(|_| next() * std::f64::consts::TAU).collect();
        let actors = (0..n_actors)
            .map(|a| {
                let phase = std::f64::consts::TAU * a as f64 / n_actors as f64;
                let weights = issues.iter().map(|issue| (issue.id.clone(), 1.0 + (next() * 3.0).floor())).collect();
                let evaluations = issues
                    .iter()
                    .enumerate()
                    .map(|(i, issue)| {
                        let values = (0..n_levels)
                            .map(|v| {
                                (
                                    format!("v{v}"),
                                    1.0 + (4.0 * (1.0 + (angles[i * n_levels + v] - phase).cos())).round(),
                                )
                            })
                            .collect();
                        (issue.id.clone(), EvaluatorSpec::Options(values))
                    })
                    .collect();
                ActorSpec::new(format!("a{a}"), PreferenceSpec::LinearAdditive { weights, evaluations })
            })
            .collect();
        let spec = ScenarioSpec { name: "opposed".into(), description: String::new(), source: None, issues, actors };
        Scenario::new(spec, crate::WeightPolicy::Normalise).expect("valid").0
    }

    /// Small batches merge the running frontier with new candidates many
    /// times per stage; the result is the same, and the enumeration's.
    #[test]
    fn batches_of_any_size_give_the_enumerated_frontier() {
        for n_actors in 2..=4 {
            let s = opposed(4, 6, n_actors);
            let space = OutcomeSpace::of(&s);
            let actors: Vec<usize> = (0..n_actors).collect();
            let limits = FrontierLimits::default();
            let whole = merge_frontiers(&s, &space, &actors, &limits, MIN_BATCH).expect("small");
            for min_batch in [1, 5, 64] {
                assert_eq!(merge_frontiers(&s, &space, &actors, &limits, min_batch).expect("small"), whole);
            }
            let tables = crate::UtilityTables::new(&s, &space, &actors);
            let n = space.size().expect("small");
            let mut all = vec![0.0; n as usize * n_actors];
            for (i, row) in all.chunks_exact_mut(n_actors).enumerate() {
                tables.evaluate(&space.outcome(i as u64), row);
            }
            let expected: Vec<Point> = frontier_with_margin(&all, n_actors, &vec![0.0; n_actors])
                .into_iter()
                .map(|i| Point {
                    outcome: space.outcome(i as u64),
                    utilities: all[i * n_actors..(i + 1) * n_actors].to_vec(),
                })
                .collect();
            assert!(whole.len() > 20, "{n_actors} actors: a frontier worth batching ({})", whole.len());
            assert_eq!(whole, expected, "{n_actors} actors");
        }
    }

    #[test]
    fn signed_zeros_are_one_vector() {
        let points = [0.0, -0.0, -0.0, 0.0, -0.0, 5.0];
        assert_eq!(frontier_with_margin(&points, 2, &[0.0, 0.0]), vec![2]);
        assert_eq!(frontier_with_margin(&points[..4], 2, &[0.0, 0.0]), vec![0]);
        assert_eq!(frontier_with_margin(&[0.0, 0.0, 0.0, -0.0, 0.0, -0.0], 3, &[0.0; 3]), vec![0]);
    }

    /// A lead within the margin keeps the led row; a lead beyond it does not.
    #[test]
    fn rounding_leads_keep_both_rows() {
        let points = [0.10875, 0.896, 0.10875000000000001, 0.896, 0.1, 0.9];
        assert_eq!(frontier_with_margin(&points, 2, &[0.0, 0.0]), vec![1, 2]);
        assert_eq!(frontier_with_margin(&points, 2, &[1e-16, 1e-16]), vec![1, 0, 2]);
        let points3 = [0.10875, 0.896, 0.5, 0.10875000000000001, 0.896, 0.5, 0.1, 0.9, 0.5];
        assert_eq!(frontier_with_margin(&points3, 3, &[0.0; 3]), vec![1, 2]);
        assert_eq!(frontier_with_margin(&points3, 3, &[1e-16; 3]), vec![1, 0, 2]);
        // A row that dominates by a rounding lead and comes first beats the
        // other in two coordinates (not in three).
        let swapped = [0.10875000000000001, 0.896, 0.10875, 0.896];
        assert_eq!(frontier_with_margin(&swapped, 2, &[1e-16, 1e-16]), vec![0]);
        assert_eq!(
            frontier_with_margin(&[0.10875000000000001, 0.896, 0.5, 0.10875, 0.896, 0.5], 3, &[1e-16; 3]),
            vec![0, 1]
        );
    }
}
