//! The exact analysis of an enumerable outcome space: frontier, bargaining
//! solutions and zones of possible agreement, in one parallel pass.
//!
//! The pass walks outcome indices in chunks (rayon). Each chunk keeps only its
//! own Pareto frontier and its ZOPA counts; chunks are merged pairwise, so
//! memory grows with the frontier, not with the space.

use rayon::prelude::*;

use crate::pareto::pareto_indices;
use crate::scenario::Scenario;
use crate::solutions::{Solutions, acceptable, bargaining_solutions};
use crate::space::{Outcome, OutcomeSpace, UtilityTables};

/// Spaces larger than this are refused by default: at about 10 ns per
/// outcome and actor, 10⁸ outcomes take seconds on two cores.
pub const DEFAULT_MAX_OUTCOMES: u64 = 100_000_000;

/// Outcomes per parallel work item.
const CHUNK: u64 = 1 << 16;

#[derive(Debug, Clone)]
pub struct AnalysisOptions {
    /// The actors whose utilities span the frontier and who bargain, in report
    /// order; `None` means those whose consent an agreement needs (at the
    /// table or with a veto), or every actor if no one is either.
    pub actors: Option<Vec<usize>>,
    pub max_outcomes: u64,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions { actors: None, max_outcomes: DEFAULT_MAX_OUTCOMES }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error(
        "the outcome space has {size:.3e} outcomes ({levels}), more than the {limit} that can be enumerated; \
         reduce the issues' levels (a coarser `step`) or raise the limit"
    )]
    TooLarge { size: f64, levels: String, limit: u64 },
    #[error("no actors selected for the analysis")]
    NoActors,
    #[error("actor index {0} is out of range")]
    UnknownActor(usize),
}

/// An outcome and its utilities for the analysed actors, in their order.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub outcome: Outcome,
    pub utilities: Vec<f64>,
}

/// The outcomes that every actor of a group prefers to its reservation value.
#[derive(Debug, Clone, PartialEq)]
pub struct Zopa {
    /// Which actors must consent (scenario indices).
    pub actors: Vec<usize>,
    /// Outcomes that every one of them weakly prefers to no agreement.
    pub size: u64,
    /// `size` as a share of the whole space.
    pub share: f64,
    /// For each actor of `actors`, the outcomes acceptable to all the others
    /// that this actor alone rejects: what its consent blocks.
    pub blocked_by: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The analysed actors (scenario indices), in the order of every utility
    /// vector below.
    pub actors: Vec<usize>,
    pub space: OutcomeSpace,
    pub n_outcomes: u64,
    /// Pareto-optimal outcomes among all outcomes (reservation values not
    /// applied, as GENIUS computes it), in order of decreasing first utility.
    pub frontier: Vec<Point>,
    pub solutions: Solutions,
    /// Consent of the actors at the table.
    pub zopa_table: Zopa,
    /// Consent of the actors at the table and every actor with a veto.
    pub zopa_veto: Zopa,
}

/// Enumerates the outcome space once and computes everything `Analysis` holds.
pub fn analyze(scenario: &Scenario, options: &AnalysisOptions) -> Result<Analysis, AnalysisError> {
    let actors: Vec<usize> = match &options.actors {
        Some(a) => a.clone(),
        None => {
            let needed: Vec<usize> =
                (0..scenario.n_actors()).filter(|&a| scenario.actors[a].at_table || scenario.actors[a].veto).collect();
            if needed.is_empty() { (0..scenario.n_actors()).collect() } else { needed }
        }
    };
    if actors.is_empty() {
        return Err(AnalysisError::NoActors);
    }
    if let Some(&bad) = actors.iter().find(|&&a| a >= scenario.n_actors()) {
        return Err(AnalysisError::UnknownActor(bad));
    }
    let space = OutcomeSpace::of(scenario);
    let n_outcomes = match space.size() {
        Some(n) if n <= options.max_outcomes => n,
        _ => {
            return Err(AnalysisError::TooLarge {
                size: space.approximate_size(),
                levels: space.levels.iter().map(u64::to_string).collect::<Vec<_>>().join(" × "),
                limit: options.max_outcomes,
            });
        }
    };

    let table_group: Vec<usize> = (0..scenario.n_actors()).filter(|&a| scenario.actors[a].at_table).collect();
    let veto_group: Vec<usize> =
        (0..scenario.n_actors()).filter(|&a| scenario.actors[a].at_table || scenario.actors[a].veto).collect();
    // Evaluate every actor once per outcome: the analysed ones for the
    // frontier and any others for the ZOPAs.
    let mut evaluated = actors.clone();
    for &a in table_group.iter().chain(&veto_group) {
        if !evaluated.contains(&a) {
            evaluated.push(a);
        }
    }
    let tables = UtilityTables::new(scenario, &space, &evaluated);
    let reservations: Vec<f64> = evaluated.iter().map(|&a| scenario.actors[a].reservation).collect();
    let slot = |a: usize| evaluated.iter().position(|&e| e == a).expect("evaluated holds every group member");
    let table_slots: Vec<usize> = table_group.iter().map(|&a| slot(a)).collect();
    let veto_slots: Vec<usize> = veto_group.iter().map(|&a| slot(a)).collect();
    let ctx = PassContext {
        space: &space,
        tables: &tables,
        dims: actors.len(),
        reservations: &reservations,
        table_slots: &table_slots,
        veto_slots: &veto_slots,
    };

    let n_chunks = n_outcomes.div_ceil(CHUNK);
    let merged = (0..n_chunks)
        .into_par_iter()
        .map(|c| ctx.chunk(c * CHUNK, ((c + 1) * CHUNK).min(n_outcomes)))
        .reduce(|| ctx.empty(), |a, b| ctx.merge(a, b));

    let dims = actors.len();
    let frontier: Vec<Point> = merged
        .indices
        .iter()
        .enumerate()
        .map(|(k, &index)| Point {
            outcome: space.outcome(index),
            utilities: merged.utilities[k * dims..(k + 1) * dims].to_vec(),
        })
        .collect();
    let zopa = |group: Vec<usize>, counts: &ZopaCounts| Zopa {
        actors: group,
        size: counts.size,
        share: counts.size as f64 / n_outcomes as f64,
        blocked_by: counts.blocked_by.clone(),
    };
    let reservation_of_analysed: Vec<f64> = actors.iter().map(|&a| scenario.actors[a].reservation).collect();
    let capabilities: Vec<f64> = actors.iter().map(|&a| scenario.actors[a].capability).collect();
    let solutions = bargaining_solutions(&frontier, &reservation_of_analysed, &capabilities);
    Ok(Analysis {
        zopa_table: zopa(table_group, &merged.zopa_table),
        zopa_veto: zopa(veto_group, &merged.zopa_veto),
        actors,
        space,
        n_outcomes,
        frontier,
        solutions,
    })
}

struct PassContext<'a> {
    space: &'a OutcomeSpace,
    tables: &'a UtilityTables,
    /// The first `dims` evaluated actors span the frontier.
    dims: usize,
    reservations: &'a [f64],
    table_slots: &'a [usize],
    veto_slots: &'a [usize],
}

/// What a chunk of the pass leaves behind.
struct Partial {
    /// Outcome indices of the chunk's frontier and their utilities (row-major).
    indices: Vec<u64>,
    utilities: Vec<f64>,
    zopa_table: ZopaCounts,
    zopa_veto: ZopaCounts,
}

#[derive(Debug, Clone)]
struct ZopaCounts {
    size: u64,
    blocked_by: Vec<u64>,
}

impl ZopaCounts {
    fn new(n: usize) -> Self {
        ZopaCounts { size: 0, blocked_by: vec![0; n] }
    }

    fn add(&mut self, other: &ZopaCounts) {
        self.size += other.size;
        self.blocked_by.iter_mut().zip(&other.blocked_by).for_each(|(a, b)| *a += b);
    }

    fn record(&mut self, slots: &[usize], utilities: &[f64], reservations: &[f64]) {
        let mut rejecting = None;
        let mut n_rejecting = 0;
        for (k, &s) in slots.iter().enumerate() {
            if !acceptable(utilities[s], reservations[s]) {
                n_rejecting += 1;
                rejecting = Some(k);
            }
        }
        match (n_rejecting, rejecting) {
            (0, _) => self.size += 1,
            (1, Some(k)) => self.blocked_by[k] += 1,
            _ => {}
        }
    }
}

impl PassContext<'_> {
    fn empty(&self) -> Partial {
        Partial {
            indices: Vec::new(),
            utilities: Vec::new(),
            zopa_table: ZopaCounts::new(self.table_slots.len()),
            zopa_veto: ZopaCounts::new(self.veto_slots.len()),
        }
    }

    fn chunk(&self, start: u64, end: u64) -> Partial {
        let mut partial = self.empty();
        let n_eval = self.tables.n_actors();
        let mut outcome = self.space.outcome(start);
        let mut utilities = vec![0.0; n_eval];
        let mut rows: Vec<f64> = Vec::with_capacity(((end - start) as usize) * self.dims);
        for _ in start..end {
            self.tables.evaluate(&outcome, &mut utilities);
            rows.extend_from_slice(&utilities[..self.dims]);
            partial.zopa_table.record(self.table_slots, &utilities, self.reservations);
            partial.zopa_veto.record(self.veto_slots, &utilities, self.reservations);
            advance(&mut outcome, &self.space.levels);
        }
        let keep = pareto_indices(&rows, self.dims);
        partial.indices = keep.iter().map(|&k| start + k as u64).collect();
        partial.utilities =
            keep.iter().flat_map(|&k| rows[k * self.dims..(k + 1) * self.dims].iter().copied()).collect();
        partial
    }

    fn merge(&self, mut a: Partial, b: Partial) -> Partial {
        a.zopa_table.add(&b.zopa_table);
        a.zopa_veto.add(&b.zopa_veto);
        if b.indices.is_empty() {
            return a;
        }
        if a.indices.is_empty() {
            return Partial { zopa_table: a.zopa_table, zopa_veto: a.zopa_veto, ..b };
        }
        let indices: Vec<u64> = a.indices.iter().chain(&b.indices).copied().collect();
        let utilities: Vec<f64> = a.utilities.iter().chain(&b.utilities).copied().collect();
        // rayon's reduce keeps operands in order, so `a` holds lower outcome
        // indices than `b`, and `pareto_indices` breaks ties by row: equal
        // utility vectors come out in outcome order whatever the split.
        let keep = pareto_indices(&utilities, self.dims);
        Partial {
            indices: keep.iter().map(|&k| indices[k]).collect(),
            utilities: keep
                .iter()
                .flat_map(|&k| utilities[k * self.dims..(k + 1) * self.dims].iter().copied())
                .collect(),
            zopa_table: a.zopa_table,
            zopa_veto: a.zopa_veto,
        }
    }
}

/// Steps an outcome to the next index in mixed radix, last issue fastest.
#[inline]
fn advance(outcome: &mut [u32], levels: &[u64]) {
    for (slot, &n) in outcome.iter_mut().zip(levels).rev() {
        *slot += 1;
        if u64::from(*slot) < n {
            return;
        }
        *slot = 0;
    }
}
