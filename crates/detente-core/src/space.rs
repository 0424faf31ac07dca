//! Outcome spaces and utility evaluation.
//!
//! An outcome picks one level per issue: an option, an integer, or a sample
//! point of a continuous scale. Outcomes are numbered in mixed radix (the last
//! issue varies fastest), so a space is enumerated lazily from an index range
//! and never materialised.

use std::ops::Range;

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

    /// The number of outcomes in 128 bits (10³⁰ fits), if it fits.
    pub fn exact_size(&self) -> Option<u128> {
        self.levels.iter().try_fold(1u128, |n, &l| n.checked_mul(u128::from(l)))
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
                Evaluator::Linear { slope, offset, clamp: false } => slope * x + offset,
                Evaluator::Linear { slope, offset, clamp: true } => (slope * x + offset).clamp(0.0, 1.0),
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
/// one table per issue (`u = constant + Σᵢ table[i][level]`), constraint
/// preferences as rectangles in level coordinates.
///
/// [`UtilityTables::evaluate_blocks`] (and [`UtilityTables::evaluate_range`]
/// on top of it) walks consecutive outcomes the way an odometer turns: the
/// last issue changes at every step, the others rarely.
/// It keeps, for each additive actor, the running sum over every issue but the
/// last, and for each constraint actor, the rectangles that contain the
/// outcome on those issues; a step then costs two additions per additive
/// actor and a table lookup per constraint actor, whatever the number of
/// issues. The sums are taken in issue order, as [`Scenario::utility`] takes
/// them, so both give the same bits.
#[derive(Debug, Clone)]
pub struct UtilityTables {
    levels: Vec<u64>,
    n_actors: usize,
    /// Every actor is additive, in its own order.
    additive_only: bool,
    additive: AdditiveTables,
    constraints: Vec<ConstraintTable>,
}

/// The additive actors' tables, issue-major and then level-major, so that
/// the contributions of one issue level to every actor are contiguous.
#[derive(Debug, Clone)]
struct AdditiveTables {
    /// Where each additive actor's utility goes in the output.
    slots: Vec<usize>,
    constants: Vec<f64>,
    /// Issue `i`, level `l`, actor `k` at `issue_starts[i] + l · n + k`, where
    /// n is the number of additive actors.
    contributions: Vec<f64>,
    issue_starts: Vec<usize>,
}

#[derive(Debug, Clone)]
struct ConstraintTable {
    slot: usize,
    max_utility: f64,
    rectangles: Vec<LevelRectangle>,
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
        let mut additive = AdditiveTables {
            slots: Vec::new(),
            constants: Vec::new(),
            contributions: Vec::new(),
            issue_starts: Vec::new(),
        };
        let mut constraints = Vec::new();
        for (slot, &a) in actors.iter().enumerate() {
            match &scenario.actors[a].preference {
                Preference::Constraint(c) => constraints.push(ConstraintTable {
                    slot,
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
                }),
                preference => {
                    additive.slots.push(slot);
                    additive.constants.push(additive_constant(preference));
                }
            }
        }
        let n_additive = additive.slots.len();
        for (i, issue) in scenario.issues.iter().enumerate() {
            additive.issue_starts.push(additive.contributions.len());
            for level in 0..space.levels[i] {
                let x = level_coordinate(&issue.domain, level);
                for k in 0..n_additive {
                    let preference = &scenario.actors[actors[additive.slots[k]]].preference;
                    additive.contributions.push(issue_contribution(preference, i, &issue.domain, x));
                }
            }
        }
        let additive_only = constraints.is_empty() && additive.slots.iter().enumerate().all(|(k, &slot)| k == slot);
        UtilityTables { levels: space.levels.clone(), n_actors: actors.len(), additive_only, additive, constraints }
    }

    pub fn n_actors(&self) -> usize {
        self.n_actors
    }

    /// Bounds on the utility of the actor in `slot` over the whole space, up
    /// to rounding: every outcome's utility lies within them or a few ulps
    /// outside. For bucketing utilities, not for exact comparisons.
    pub fn utility_range(&self, slot: usize) -> (f64, f64) {
        if let Some(k) = self.additive.slots.iter().position(|&s| s == slot) {
            let n_additive = self.additive.slots.len();
            let constant = self.additive.constants[k];
            let (mut lo, mut hi) = (constant, constant);
            for (i, &start) in self.additive.issue_starts.iter().enumerate() {
                let column =
                    (0..self.levels[i] as usize).map(|l| self.additive.contributions[start + l * n_additive + k]);
                lo += column.clone().fold(f64::INFINITY, f64::min);
                hi += column.fold(f64::NEG_INFINITY, f64::max);
            }
            return (lo, hi);
        }
        let table = self.constraints.iter().find(|t| t.slot == slot).expect("every slot has a table");
        let gains: f64 = table.rectangles.iter().map(|r| r.utility.max(0.0)).sum();
        let losses: f64 = table.rectangles.iter().map(|r| r.utility.min(0.0)).sum();
        let (a, b) = (losses / table.max_utility, gains / table.max_utility);
        (a.min(b), a.max(b))
    }

    /// Writes the utility of `outcome` for every tabulated actor into `out`.
    pub fn evaluate(&self, outcome: &[u32], out: &mut [f64]) {
        let n_additive = self.additive.slots.len();
        for (k, (&slot, &constant)) in self.additive.slots.iter().zip(&self.additive.constants).enumerate() {
            let mut sum = -0.0;
            for (&start, &level) in self.additive.issue_starts.iter().zip(outcome) {
                sum += self.additive.contributions[start + level as usize * n_additive + k];
            }
            out[slot] = constant + sum;
        }
        for table in &self.constraints {
            out[table.slot] = table
                .rectangles
                .iter()
                .filter(|r| r.bounds.iter().all(|&(i, lo, hi)| outcome[i] >= lo && outcome[i] <= hi))
                .map(|r| r.utility)
                .sum::<f64>()
                / table.max_utility;
        }
    }

    /// Calls `visit` with the utilities of outcomes `start..end`, in index
    /// order (one slice of `n_actors` utilities per outcome, the same numbers
    /// [`UtilityTables::evaluate`] writes). `end` is at most the size of the
    /// space the tables were made for.
    #[inline]
    pub fn evaluate_range(&self, start: u64, end: u64, mut visit: impl FnMut(&[f64])) {
        let n_actors = self.n_actors;
        self.evaluate_blocks(start, end, |block| block.chunks_exact(n_actors).for_each(&mut visit));
    }

    /// Calls `visit` with the utilities of outcomes `start..end`, a block of
    /// consecutive outcomes at a time: row-major, `n_actors` utilities per
    /// outcome, the blocks in index order. Blocks hold a few hundred outcomes,
    /// so that the caller's loop over a block runs without a call per outcome.
    pub fn evaluate_blocks(&self, start: u64, end: u64, mut visit: impl FnMut(&[f64])) {
        if start >= end {
            return;
        }
        let levels = &self.levels;
        let last = levels.len() - 1;
        let n_additive = self.additive.slots.len();
        let mut outcome = OutcomeSpace { levels: levels.clone() }.outcome(start);
        // Row `i` holds the additive actors' sums over issues 0..=i, for the
        // issues before the last.
        let mut prefix = vec![0.0; last * n_additive];
        let mut walkers: Vec<ConstraintWalker<'_>> =
            self.constraints.iter().map(|table| ConstraintWalker::new(table, levels)).collect();
        self.update_prefix(&outcome, 0, &mut prefix);
        for walker in &mut walkers {
            walker.update(&outcome, 0);
        }
        // With one issue there is no prefix: its sum is -0.0, the start of a
        // float sum, which adds to any number exactly.
        let no_prefix = vec![-0.0; n_additive];
        let block_rows = usize::try_from(end - start).map_or(BLOCK_ROWS, |n| n.min(BLOCK_ROWS));
        let mut block = vec![0.0; block_rows * self.n_actors];
        let mut filled = 0;
        let n_last = levels[last];
        let mut remaining = end - start;
        loop {
            let mut first = outcome[last] as usize;
            let mut run = (n_last - first as u64).min(remaining) as usize;
            remaining -= run as u64;
            let base = if last > 0 { &prefix[(last - 1) * n_additive..last * n_additive] } else { &no_prefix[..] };
            while run > 0 {
                let take = run.min(block_rows - filled);
                let rows = &mut block[filled * self.n_actors..(filled + take) * self.n_actors];
                self.fill_run(base, first..first + take, &walkers, rows);
                filled += take;
                first += take;
                run -= take;
                if filled == block_rows {
                    visit(&block);
                    filled = 0;
                }
            }
            if remaining == 0 {
                if filled > 0 {
                    visit(&block[..filled * self.n_actors]);
                }
                return;
            }
            // Carry into the earlier issues; `remaining > 0` means the walk
            // has not passed the last outcome, so some issue can step.
            outcome[last] = 0;
            let mut changed = last;
            loop {
                changed -= 1;
                outcome[changed] += 1;
                if u64::from(outcome[changed]) < levels[changed] {
                    break;
                }
                outcome[changed] = 0;
            }
            self.update_prefix(&outcome, changed, &mut prefix);
            for walker in &mut walkers {
                walker.update(&outcome, changed);
            }
        }
    }

    /// Writes the utilities of the outcomes at `levels` of the last issue into
    /// `rows`, with `base` the additive actors' sums over the other issues.
    #[inline]
    fn fill_run(&self, base: &[f64], levels: Range<usize>, walkers: &[ConstraintWalker<'_>], rows: &mut [f64]) {
        if self.additive_only {
            // Fixed sizes keep the sums in registers: the common case of a
            // handful of additive actors costs two additions per actor.
            match self.additive.slots.len() {
                1 => return self.fill_run_additive::<1>(base, levels, rows),
                2 => return self.fill_run_additive::<2>(base, levels, rows),
                3 => return self.fill_run_additive::<3>(base, levels, rows),
                4 => return self.fill_run_additive::<4>(base, levels, rows),
                5 => return self.fill_run_additive::<5>(base, levels, rows),
                6 => return self.fill_run_additive::<6>(base, levels, rows),
                7 => return self.fill_run_additive::<7>(base, levels, rows),
                8 => return self.fill_run_additive::<8>(base, levels, rows),
                _ => {}
            }
        }
        let n_additive = self.additive.slots.len();
        let last_start = self.additive.issue_starts[self.levels.len() - 1];
        for (level, out) in levels.zip(rows.chunks_exact_mut(self.n_actors)) {
            let row = &self.additive.contributions[last_start + level * n_additive..][..n_additive];
            for (((&slot, &constant), &b), &t) in
                self.additive.slots.iter().zip(&self.additive.constants).zip(base).zip(row)
            {
                out[slot] = constant + (b + t);
            }
            for (walker, table) in walkers.iter().zip(&self.constraints) {
                out[table.slot] = walker.level_sums[level] / table.max_utility;
            }
        }
    }

    /// `fill_run` for `N` additive actors in slots `0..N` and nobody else.
    #[inline]
    fn fill_run_additive<const N: usize>(&self, base: &[f64], levels: Range<usize>, rows: &mut [f64]) {
        let base: [f64; N] = base.try_into().expect("one prefix sum per additive actor");
        let constants: [f64; N] = self.additive.constants[..].try_into().expect("one constant per additive actor");
        let last_start = self.additive.issue_starts[self.levels.len() - 1];
        let table = &self.additive.contributions[last_start + levels.start * N..last_start + levels.end * N];
        for (out, row) in rows.chunks_exact_mut(N).zip(table.chunks_exact(N)) {
            for k in 0..N {
                out[k] = constants[k] + (base[k] + row[k]);
            }
        }
    }

    /// Recomputes the prefix sums of issues `from..last` after those issues changed.
    fn update_prefix(&self, outcome: &[u32], from: usize, prefix: &mut [f64]) {
        let n_additive = self.additive.slots.len();
        if n_additive == 0 {
            return;
        }
        let last = self.levels.len() - 1;
        for i in from..last {
            let start = self.additive.issue_starts[i] + outcome[i] as usize * n_additive;
            let row = &self.additive.contributions[start..start + n_additive];
            if i == 0 {
                prefix[..n_additive].copy_from_slice(row);
            } else {
                let (done, rest) = prefix.split_at_mut(i * n_additive);
                let previous = &done[(i - 1) * n_additive..];
                for ((p, &b), &t) in rest[..n_additive].iter_mut().zip(previous).zip(row) {
                    *p = b + t;
                }
            }
        }
    }
}

/// A constraint actor's state during [`UtilityTables::evaluate_range`]: the
/// rectangles that contain the outcome on each prefix of the issues before
/// the last, and the utility sum of each level of the last issue.
struct ConstraintWalker<'a> {
    table: &'a ConstraintTable,
    /// `bounds[r · n_issues + i]`: rectangle `r`'s levels on issue `i` (every
    /// level where it does not bound the issue).
    bounds: Vec<(u32, u32)>,
    /// `active[i]`: the rectangles containing the outcome on issues 0..=i, in
    /// the profile's order (the order `evaluate` sums them in).
    active: Vec<Vec<u32>>,
    level_sums: Vec<f64>,
}

impl<'a> ConstraintWalker<'a> {
    fn new(table: &'a ConstraintTable, levels: &[u64]) -> Self {
        let n_issues = levels.len();
        let mut bounds = Vec::with_capacity(table.rectangles.len() * n_issues);
        for rectangle in &table.rectangles {
            let at = bounds.len();
            bounds.extend(levels.iter().map(|&n| (0, u32::try_from(n - 1).unwrap_or(u32::MAX))));
            for &(i, lo, hi) in &rectangle.bounds {
                // Bounds on the same issue intersect, as `all` in `evaluate` does.
                let (l, h) = bounds[at + i];
                bounds[at + i] = (l.max(lo), h.min(hi));
            }
        }
        ConstraintWalker {
            table,
            bounds,
            active: vec![Vec::new(); n_issues],
            level_sums: vec![0.0; levels[n_issues - 1] as usize],
        }
    }

    /// Refreshes the state after issues `from..` changed.
    fn update(&mut self, outcome: &[u32], from: usize) {
        let n_issues = outcome.len();
        let last = n_issues - 1;
        let contains = |r: u32, i: usize| {
            let (lo, hi) = self.bounds[r as usize * n_issues + i];
            outcome[i] >= lo && outcome[i] <= hi
        };
        for i in from..last {
            let mut kept = std::mem::take(&mut self.active[i]);
            kept.clear();
            if i == 0 {
                kept.extend((0..self.table.rectangles.len() as u32).filter(|&r| contains(r, 0)));
            } else {
                kept.extend(self.active[i - 1].iter().copied().filter(|&r| contains(r, i)));
            }
            self.active[i] = kept;
        }
        // Summed rectangle by rectangle, each into the levels it covers: per
        // level that adds the same rectangles in the same order as `evaluate`,
        // from the same start (`Iterator::sum` of floats starts at -0.0).
        self.level_sums.fill(-0.0);
        let all: Vec<u32>;
        let active = if last == 0 {
            all = (0..self.table.rectangles.len() as u32).collect();
            &all
        } else {
            &self.active[last - 1]
        };
        for &r in active {
            let (lo, hi) = self.bounds[r as usize * n_issues + last];
            let utility = self.table.rectangles[r as usize].utility;
            for sum in self.level_sums.iter_mut().take(hi as usize + 1).skip(lo as usize) {
                *sum += utility;
            }
        }
    }
}

/// Outcomes per block of [`UtilityTables::evaluate_blocks`]: a block of
/// eight actors' utilities fits in a core's L1 cache with room to spare.
const BLOCK_ROWS: usize = 256;

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
