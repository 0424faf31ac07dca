//! The exact analysis of an enumerable outcome space: frontier, bargaining
//! solutions and zones of possible agreement, in one parallel pass.
//!
//! The pass walks outcome indices in chunks (rayon), a wave of chunks at a
//! time. Each chunk evaluates its outcomes incrementally, a block at a time
//! ([`UtilityTables::evaluate_blocks`]), counts its ZOPAs and keeps its own
//! Pareto frontier (for two actors on the fly, against the frontier of the
//! waves before); after each wave, the frontier so far and the wave's chunk
//! frontiers are merged once, each point checked only against the other
//! parts. Memory grows with the frontier (and one wave of chunk frontiers),
//! not with the space, and no point is filtered again at every level of a
//! merge tree. Two limits stop work that cannot finish: utility evaluations
//! (outcomes × actors) up front, and the size of the frontier after each wave.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::additive::{AdditiveError, CountLimits, FrontierLimits, additive_frontier, count_acceptable};
use crate::constraint::{ConstraintFrontierError, SearchBudget, constraint_frontier};
use crate::numbers::{group_thousands, power_of_ten};
use crate::pareto::{Frontier2d, par_pareto_indices_of_frontiers, pareto_indices};
use crate::scenario::{Preference, Scenario};
use crate::solutions::{Solutions, acceptable, bargaining_solutions};
use crate::space::{Outcome, OutcomeSpace, UtilityTables};

/// Spaces larger than this are not enumerated by default but analysed through
/// their structure: at about 10 ns per outcome and actor, 10⁸ outcomes take
/// seconds on two cores.
pub const DEFAULT_MAX_OUTCOMES: u64 = 100_000_000;

/// Utility evaluations (outcomes × evaluated actors) refused by default:
/// 10⁸ outcomes for ten actors. Beyond that, the frontier of so many actors
/// is likely to be most of the space.
pub const DEFAULT_MAX_EVALUATIONS: u64 = 1_000_000_000;

/// Frontier points kept by default before the analysis gives up: about
/// 10⁸ bytes for seven actors, and more solutions than anyone can read.
pub const DEFAULT_MAX_FRONTIER: usize = 2_000_000;

/// Uniform samples drawn by default to estimate a zone of agreement that
/// cannot be counted (constraint preferences beyond enumeration): the 95%
/// interval of a share p is then about ±0.2·√(p(1−p)) percentage points.
pub const DEFAULT_ZOPA_SAMPLES: u64 = 1_000_000;

/// Samples per parallel work item of the estimate; chunk `c` draws from
/// stream `c` of the seed, so the estimate never depends on the threads.
const SAMPLE_CHUNK: u64 = 1 << 14;

/// The standard normal quantile of 0.975: a two-sided 95% interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// How the pass splits the space: outcomes per parallel work item, and work
/// items per wave (the wave's chunk frontiers are held until they are merged
/// into the frontier so far). Fixed for a number of actors, so that results
/// and errors never depend on the machine; tests shrink it to cross chunk and
/// wave boundaries in small spaces.
#[derive(Debug, Clone, Copy)]
struct Layout {
    chunk: u64,
    wave: u64,
}

impl Layout {
    /// Two actors: large chunks, because a chunk's on-the-fly filter starts
    /// cold. More: small chunks, because a chunk's frontier costs far more
    /// than its evaluation, and small spaces then still use every core.
    /// Either way a wave is 2²⁰ outcomes.
    fn for_actors(n_actors: usize) -> Layout {
        if n_actors <= 2 { Layout { chunk: 1 << 16, wave: 16 } } else { Layout { chunk: 1 << 14, wave: 64 } }
    }
}

#[derive(Debug, Clone)]
pub struct AnalysisOptions {
    /// The actors whose utilities span the frontier and who bargain, in report
    /// order; `None` means those whose consent an agreement needs (at the
    /// table or with a veto), or every actor if no one is either.
    pub actors: Option<Vec<usize>>,
    pub max_outcomes: u64,
    /// The most utility evaluations (outcomes times the actors evaluated for
    /// the frontier and the ZOPAs) the analysis starts on.
    pub max_evaluations: u64,
    /// The most points a partial frontier may hold before the analysis stops.
    pub max_frontier: usize,
    /// Node budget of the branch and bound used for constraint preferences
    /// on spaces too large to enumerate.
    pub search_budget: SearchBudget,
    /// Limits on counting the zones of agreement without enumeration.
    pub count_limits: CountLimits,
    /// Outcomes drawn uniformly to estimate a zone of agreement that cannot
    /// be counted (a group with constraint preferences beyond enumeration);
    /// 0 leaves it unestimated.
    pub zopa_samples: u64,
    /// Seed of those draws: the estimate is a function of the scenario, the
    /// options and this seed, whatever the number of threads.
    pub seed: u64,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            actors: None,
            max_outcomes: DEFAULT_MAX_OUTCOMES,
            max_evaluations: DEFAULT_MAX_EVALUATIONS,
            max_frontier: DEFAULT_MAX_FRONTIER,
            search_budget: SearchBudget::default(),
            count_limits: CountLimits::default(),
            zopa_samples: DEFAULT_ZOPA_SAMPLES,
            seed: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error("the outcome space has {} outcomes ({levels}), more than can be numbered in 128 bits", power_of_ten(*.size, 3))]
    TooLarge { size: f64, levels: String },
    #[error(
        "the analysis would evaluate {n_actors} actors at each of {} outcomes, {} utility evaluations, more than \
         the {} allowed; analyse fewer actors or reduce the issues' levels",
        group_thousands(*.n_outcomes),
        group_thousands(*.evaluations),
        group_thousands(*.limit)
    )]
    TooMuchWork { n_outcomes: u64, n_actors: usize, evaluations: u128, limit: u64 },
    #[error(
        "the Pareto frontier of the {n_actors} analysed actors grew past {} points ({} after {} of {} outcomes): \
         with this many actors most outcomes are efficient; analyse fewer actors or reduce the issues' levels",
        group_thousands(*.limit as u64),
        group_thousands(*.size as u64),
        group_thousands(*.n_done),
        group_thousands(*.n_outcomes)
    )]
    FrontierTooLarge { size: usize, limit: usize, n_actors: usize, n_done: u64, n_outcomes: u64 },
    #[error(
        "the outcome space has {} outcomes, too many to enumerate, and its additive structure could not be used \
         either",
        power_of_ten(*.size, 3)
    )]
    Additive {
        size: f64,
        #[source]
        source: AdditiveError,
    },
    #[error(
        "the outcome space has {} outcomes, too many to enumerate, and the frontier search could not start",
        power_of_ten(*.size, 3)
    )]
    Constraint {
        size: f64,
        #[source]
        source: ConstraintFrontierError,
    },
    #[error("no actors selected for the analysis")]
    NoActors,
    #[error("actor index {0} is out of range")]
    UnknownActor(usize),
    /// The caller's cancel flag was set (see [`analyze_watched`]).
    #[error("cancelled after {} of {} outcomes", group_thousands(*.done), group_thousands(*.total))]
    Cancelled { done: u64, total: u128 },
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
    pub size: u128,
    /// `size` as a share of the whole space.
    pub share: f64,
    /// For each actor of `actors`, the outcomes acceptable to all the others
    /// that this actor alone rejects: what its consent blocks.
    pub blocked_by: Vec<u128>,
}

/// A zone of agreement estimated from outcomes drawn uniformly from the
/// whole space, where it cannot be counted (constraint preferences beyond
/// enumeration). It stands for the [`Zopa`] of the same group.
#[derive(Debug, Clone, PartialEq)]
pub struct ZopaEstimate {
    /// Which actors must consent (scenario indices).
    pub actors: Vec<usize>,
    /// Outcomes drawn (uniformly, with replacement).
    pub samples: u64,
    /// Seed of the draws.
    pub seed: u64,
    /// Drawn outcomes that every actor of `actors` weakly prefers to no
    /// agreement.
    pub hits: u64,
    /// `hits / samples`: the estimated share of the space in the zone.
    pub share: f64,
    /// 95% Wilson score interval of the share.
    pub share_low: f64,
    pub share_high: f64,
    /// `share` times the number of outcomes: the estimated size.
    pub size: f64,
    /// For each actor of `actors`, the drawn outcomes acceptable to all the
    /// others that this actor alone rejects.
    pub blocked_by: Vec<u64>,
    /// `blocked_by` as shares of `samples`: estimated shares of the space.
    pub blocked_by_share: Vec<f64>,
}

/// The 95% Wilson score interval of a share `hits / n`.
fn wilson_interval(hits: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (hits as f64, n as f64);
    let p = k / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    // The share lies inside in exact arithmetic; keep it there after rounding.
    ((centre - half).clamp(0.0, 1.0).min(p), (centre + half).clamp(0.0, 1.0).max(p))
}

/// Estimates the zones of agreement of `groups` from the same
/// `options.zopa_samples` uniform draws, evaluating every member as the
/// enumeration does ([`UtilityTables::evaluate`]).
fn estimate_zopas(
    scenario: &Scenario,
    space: &OutcomeSpace,
    n_outcomes: u128,
    groups: &[&[usize]],
    options: &AnalysisOptions,
) -> Vec<ZopaEstimate> {
    let mut evaluated: Vec<usize> = Vec::new();
    for &a in groups.iter().flat_map(|g| g.iter()) {
        if !evaluated.contains(&a) {
            evaluated.push(a);
        }
    }
    let tables = UtilityTables::new(scenario, space, &evaluated);
    let reservations: Vec<f64> = evaluated.iter().map(|&a| scenario.actors[a].reservation).collect();
    let slots: Vec<Vec<usize>> = groups
        .iter()
        .map(|g| {
            g.iter().map(|a| evaluated.iter().position(|e| e == a).expect("evaluated holds every member")).collect()
        })
        .collect();
    // Levels fit in 32 bits: outcomes hold them as `u32`.
    let levels: Vec<u32> = space.levels.iter().map(|&l| u32::try_from(l).unwrap_or(u32::MAX)).collect();
    let samples = options.zopa_samples;
    let n_eval = evaluated.len();
    let root = ChaCha8Rng::seed_from_u64(options.seed);
    let empty = || slots.iter().map(|s| ZopaCounts::new(s.len())).collect::<Vec<_>>();
    let counts = (0..samples.div_ceil(SAMPLE_CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut rng = root.clone();
            rng.set_stream(c);
            let n = (samples - c * SAMPLE_CHUNK).min(SAMPLE_CHUNK) as usize;
            let mut outcome = vec![0u32; levels.len()];
            let mut block = vec![0.0; n * n_eval];
            for row in block.chunks_exact_mut(n_eval) {
                for (x, &l) in outcome.iter_mut().zip(&levels) {
                    *x = rng.random_range(0..l);
                }
                tables.evaluate(&outcome, row);
            }
            let mut counts = empty();
            for (count, slots) in counts.iter_mut().zip(&slots) {
                count.record_block(slots, &block, n_eval, &reservations);
            }
            counts
        })
        .reduce(empty, |mut a, b| {
            a.iter_mut().zip(&b).for_each(|(a, b)| a.add(b));
            a
        });
    groups
        .iter()
        .zip(counts)
        .map(|(group, count)| {
            let share = if samples == 0 { 0.0 } else { count.size as f64 / samples as f64 };
            let (share_low, share_high) = wilson_interval(count.size, samples);
            ZopaEstimate {
                actors: group.to_vec(),
                samples,
                seed: options.seed,
                hits: count.size,
                share,
                share_low,
                share_high,
                size: share * n_outcomes as f64,
                blocked_by_share: count.blocked_by.iter().map(|&b| b as f64 / samples.max(1) as f64).collect(),
                blocked_by: count.blocked_by,
            }
        })
        .collect()
}

/// How the frontier was found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// Every outcome was evaluated.
    Enumeration,
    /// Per-issue frontiers merged with dominance pruning (spatial and linear
    /// additive utilities); exact.
    Additive,
    /// Branch and bound over the issues (constraint preferences).
    BranchAndBound {
        /// Whether the search finished: then the frontier is exact.
        exact: bool,
        nodes: u64,
        /// Certified additive gap: every outcome is within `epsilon` of some
        /// frontier point in every utility. Zero when exact.
        epsilon: f64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The analysed actors (scenario indices), in the order of every utility
    /// vector below.
    pub actors: Vec<usize>,
    pub space: OutcomeSpace,
    pub n_outcomes: u128,
    pub method: Method,
    /// Pareto-optimal outcomes among all outcomes (reservation values not
    /// applied, as GENIUS computes it), in order of decreasing first utility.
    /// Enumeration lists every outcome with a Pareto-optimal utility vector;
    /// the structured methods one witness outcome per such vector (the first
    /// in outcome order for the additive merge).
    pub frontier: Vec<Point>,
    pub solutions: Solutions,
    /// Consent of the actors at the table; `None` where the space is too
    /// large to enumerate and the count could not be made from its structure
    /// (`notes` says why).
    pub zopa_table: Option<Zopa>,
    /// Consent of the actors at the table and every actor with a veto.
    pub zopa_veto: Option<Zopa>,
    /// Where `zopa_table` is `None` because a member has constraint
    /// preferences beyond enumeration: its Monte Carlo estimate
    /// (`AnalysisOptions::zopa_samples`), unless estimation is off.
    pub zopa_table_estimate: Option<ZopaEstimate>,
    /// The same for `zopa_veto`.
    pub zopa_veto_estimate: Option<ZopaEstimate>,
    /// What the reader should know about how this was computed.
    pub notes: Vec<String>,
}

/// Analyses the scenario: enumerates the outcome space once when it is small
/// enough (`max_outcomes`, `max_evaluations`), and otherwise uses its
/// structure: merged per-issue frontiers and meet-in-the-middle counts for
/// additive utilities, branch and bound for constraint preferences.
pub fn analyze(scenario: &Scenario, options: &AnalysisOptions) -> Result<Analysis, AnalysisError> {
    analyze_in(scenario, options, None, Watch::unwatched())
}

/// [`analyze`], reporting `progress(done, total)` in outcomes after each
/// wave of an enumeration (about a million outcomes; the last report has
/// `done == total`) and stopping with [`AnalysisError::Cancelled`] soon after
/// `cancel` is set. An analysis from the preferences' structure (beyond
/// `max_outcomes`) reports no progress and reads `cancel` only before it
/// starts. The result is [`analyze`]'s, bit for bit.
pub fn analyze_watched(
    scenario: &Scenario,
    options: &AnalysisOptions,
    progress: &dyn Fn(u64, u64),
    cancel: &AtomicBool,
) -> Result<Analysis, AnalysisError> {
    analyze_in(scenario, options, None, Watch { progress, cancel })
}

/// Where an analysis reports progress and reads its cancel flag.
#[derive(Clone, Copy)]
struct Watch<'a> {
    progress: &'a dyn Fn(u64, u64),
    cancel: &'a AtomicBool,
}

impl Watch<'_> {
    /// No progress to report and a flag nobody sets.
    fn unwatched() -> Watch<'static> {
        static NEVER: AtomicBool = AtomicBool::new(false);
        fn ignore(_: u64, _: u64) {}
        Watch { progress: &ignore, cancel: &NEVER }
    }

    fn check(&self, done: u64, total: impl Into<u128>) -> Result<(), AnalysisError> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(AnalysisError::Cancelled { done, total: total.into() })
        } else {
            Ok(())
        }
    }
}

/// The analysis of a space too large to enumerate.
fn analyze_structured(
    scenario: &Scenario,
    options: &AnalysisOptions,
    actors: Vec<usize>,
    space: OutcomeSpace,
    n_outcomes: u128,
) -> Result<Analysis, AnalysisError> {
    let size = n_outcomes as f64;
    let is_additive = |a: &usize| !matches!(scenario.actors[*a].preference, Preference::Constraint(_));
    let mut notes = vec![format!(
        "the space has more outcomes than the {} that are enumerated (--max-outcomes); the frontier comes from \
         the preferences' structure",
        group_thousands(options.max_outcomes)
    )];
    let (frontier, method) = if actors.iter().all(is_additive) {
        let limits = FrontierLimits { max_points: options.max_frontier };
        let frontier = additive_frontier(scenario, &space, &actors, &limits)
            .map_err(|source| AnalysisError::Additive { size, source })?;
        (frontier, Method::Additive)
    } else {
        let found = constraint_frontier(scenario, &actors, &options.search_budget)
            .map_err(|source| AnalysisError::Constraint { size, source })?;
        if !found.exact {
            notes.push(format!(
                "the frontier search stopped at its budget of {} nodes: every outcome lies within {:.4} utility of \
                 a point found, and the solutions are the best among the points found",
                options.search_budget.max_nodes, found.epsilon
            ));
        }
        (found.points, Method::BranchAndBound { exact: found.exact, nodes: found.nodes, epsilon: found.epsilon })
    };
    let count = |group: Vec<usize>, notes: &mut Vec<String>, label: &str| -> Option<Zopa> {
        if group.iter().any(|a| !is_additive(a)) {
            // Estimated below, and noted there.
            return None;
        }
        let reservations: Vec<f64> = group.iter().map(|&a| scenario.actors[a].reservation).collect();
        let counted = (|| {
            let all = count_acceptable(scenario, &space, &group, &reservations, &options.count_limits)?;
            let mut blocked_by = Vec::with_capacity(group.len());
            for k in 0..group.len() {
                let mut others = group.clone();
                let mut thresholds = reservations.clone();
                others.remove(k);
                thresholds.remove(k);
                let without = count_acceptable(scenario, &space, &others, &thresholds, &options.count_limits)?;
                blocked_by.push(without - all);
            }
            Ok::<_, AdditiveError>((all, blocked_by))
        })();
        match counted {
            Ok((all, blocked_by)) => {
                Some(Zopa { actors: group, size: all, share: all as f64 / n_outcomes as f64, blocked_by })
            }
            Err(e) => {
                notes.push(format!("the zone of agreement {label} is not counted: {e}"));
                None
            }
        }
    };
    let (table_group, veto_group) = groups(scenario);
    let zopa_table = count(table_group.clone(), &mut notes, "at the table");
    let zopa_veto = count(veto_group.clone(), &mut notes, "with vetoes");
    // Groups with constraint preferences: estimated from the same samples.
    let labelled = [("at the table", &table_group), ("with vetoes", &veto_group)];
    // (index into `labelled`, the first member with constraint preferences)
    let uncountable: Vec<(usize, usize)> = labelled
        .iter()
        .enumerate()
        .filter_map(|(g, (_, group))| group.iter().find(|a| !is_additive(a)).map(|&a| (g, a)))
        .collect();
    let estimates = if options.zopa_samples == 0 || uncountable.is_empty() {
        Vec::new()
    } else {
        let groups: Vec<&[usize]> = uncountable.iter().map(|&(g, _)| labelled[g].1.as_slice()).collect();
        estimate_zopas(scenario, &space, n_outcomes, &groups, options)
    };
    let mut estimated: [Option<ZopaEstimate>; 2] = [None, None];
    let mut estimates = estimates.into_iter();
    for &(g, a) in &uncountable {
        let why = format!(
            "the zone of agreement {} is not counted: `{}` has constraint preferences, which cannot be counted \
             without enumerating",
            labelled[g].0, scenario.actors[a].id
        );
        let Some(estimate) = estimates.next() else {
            notes.push(why);
            continue;
        };
        // The estimate itself is in `zopa_estimate` (and the report's ZOPA line).
        notes.push(format!(
            "{why}; it is estimated instead from {} uniformly drawn outcomes (seed {})",
            group_thousands(estimate.samples),
            estimate.seed
        ));
        estimated[g] = Some(estimate);
    }
    let [zopa_table_estimate, zopa_veto_estimate] = estimated;
    let reservations: Vec<f64> = actors.iter().map(|&a| scenario.actors[a].reservation).collect();
    let capabilities: Vec<f64> = actors.iter().map(|&a| scenario.actors[a].capability).collect();
    let solutions = bargaining_solutions(&frontier, &reservations, &capabilities);
    Ok(Analysis {
        actors,
        space,
        n_outcomes,
        method,
        frontier,
        solutions,
        zopa_table,
        zopa_veto,
        zopa_table_estimate,
        zopa_veto_estimate,
        notes,
    })
}

/// The actors at the table, and those plus every actor with a veto.
fn groups(scenario: &Scenario) -> (Vec<usize>, Vec<usize>) {
    let table = (0..scenario.n_actors()).filter(|&a| scenario.actors[a].at_table).collect();
    let veto = (0..scenario.n_actors()).filter(|&a| scenario.actors[a].at_table || scenario.actors[a].veto).collect();
    (table, veto)
}

/// `analyze` split by `layout`, or by the default for the number of actors.
fn analyze_in(
    scenario: &Scenario,
    options: &AnalysisOptions,
    layout: Option<Layout>,
    watch: Watch<'_>,
) -> Result<Analysis, AnalysisError> {
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
    let Some(total) = space.exact_size() else {
        return Err(AnalysisError::TooLarge {
            size: space.approximate_size(),
            levels: space.levels.iter().map(u64::to_string).collect::<Vec<_>>().join(" × "),
        });
    };
    let (table_group, veto_group) = groups(scenario);
    let n_outcomes = match u64::try_from(total) {
        Ok(n) if n <= options.max_outcomes => n,
        _ => {
            watch.check(0, total)?;
            return analyze_structured(scenario, options, actors, space, total);
        }
    };
    // Evaluate every actor once per outcome: the analysed ones for the
    // frontier and any others for the ZOPAs.
    let mut evaluated = actors.clone();
    for &a in table_group.iter().chain(&veto_group) {
        if !evaluated.contains(&a) {
            evaluated.push(a);
        }
    }
    let evaluations = u128::from(n_outcomes) * evaluated.len() as u128;
    if evaluations > u128::from(options.max_evaluations) {
        // Many actors: their structure may still give the answer.
        if evaluated.iter().all(|&a| !matches!(scenario.actors[a].preference, Preference::Constraint(_))) {
            watch.check(0, n_outcomes)?;
            return analyze_structured(scenario, options, actors, space, total);
        }
        return Err(AnalysisError::TooMuchWork {
            n_outcomes,
            n_actors: evaluated.len(),
            evaluations,
            limit: options.max_evaluations,
        });
    }
    let tables = UtilityTables::new(scenario, &space, &evaluated);
    let reservations: Vec<f64> = evaluated.iter().map(|&a| scenario.actors[a].reservation).collect();
    let slot = |a: usize| evaluated.iter().position(|&e| e == a).expect("evaluated holds every group member");
    let table_slots: Vec<usize> = table_group.iter().map(|&a| slot(a)).collect();
    let veto_slots: Vec<usize> = veto_group.iter().map(|&a| slot(a)).collect();
    let ctx = PassContext {
        tables: &tables,
        dims: actors.len(),
        reservations: &reservations,
        table_slots: &table_slots,
        veto_slots: &veto_slots,
    };

    let dims = actors.len();
    let Layout { chunk, wave } = layout.unwrap_or(Layout::for_actors(dims));
    let n_chunks = n_outcomes.div_ceil(chunk);
    let mut merged = ctx.empty();
    for wave_start in (0..n_chunks).step_by(wave as usize) {
        watch.check((wave_start * chunk).min(n_outcomes), n_outcomes)?;
        let wave_end = (wave_start + wave).min(n_chunks);
        // Two actors: every chunk of the wave starts from the staircase of
        // the frontier so far, built once.
        let seeded = (dims == 2).then(|| {
            let (lo, hi) = tables.utility_range(0);
            let mut filter = Frontier2d::new(lo, hi);
            filter.seed(&merged.utilities);
            filter
        });
        let partials: Vec<Partial> = (wave_start..wave_end)
            .into_par_iter()
            .map(|c| ctx.chunk(c * chunk, ((c + 1) * chunk).min(n_outcomes), seeded.as_ref()))
            .collect();
        merged = ctx.merge(merged, partials);
        if merged.indices.len() > options.max_frontier {
            return Err(AnalysisError::FrontierTooLarge {
                size: merged.indices.len(),
                limit: options.max_frontier,
                n_actors: dims,
                n_done: (wave_end * chunk).min(n_outcomes),
                n_outcomes,
            });
        }
        (watch.progress)((wave_end * chunk).min(n_outcomes), n_outcomes);
    }
    if n_outcomes == 0 {
        (watch.progress)(0, 0);
    }

    let frontier: Vec<Point> = merged
        .indices
        .iter()
        .enumerate()
        .map(|(k, &index)| Point {
            outcome: space.outcome(index),
            utilities: merged.utilities[k * dims..(k + 1) * dims].to_vec(),
        })
        .collect();
    let zopa = |group: Vec<usize>, counts: &ZopaCounts| {
        Some(Zopa {
            actors: group,
            size: u128::from(counts.size),
            share: counts.size as f64 / n_outcomes as f64,
            blocked_by: counts.blocked_by.iter().map(|&n| u128::from(n)).collect(),
        })
    };
    let reservation_of_analysed: Vec<f64> = actors.iter().map(|&a| scenario.actors[a].reservation).collect();
    let capabilities: Vec<f64> = actors.iter().map(|&a| scenario.actors[a].capability).collect();
    let solutions = bargaining_solutions(&frontier, &reservation_of_analysed, &capabilities);
    Ok(Analysis {
        zopa_table: zopa(table_group, &merged.zopa_table),
        zopa_veto: zopa(veto_group, &merged.zopa_veto),
        zopa_table_estimate: None,
        zopa_veto_estimate: None,
        actors,
        space,
        n_outcomes: u128::from(n_outcomes),
        method: Method::Enumeration,
        frontier,
        solutions,
        notes: Vec::new(),
    })
}

struct PassContext<'a> {
    tables: &'a UtilityTables,
    /// The first `dims` evaluated actors span the frontier.
    dims: usize,
    reservations: &'a [f64],
    table_slots: &'a [usize],
    veto_slots: &'a [usize],
}

/// What a chunk of the pass, or the pass so far, leaves behind.
struct Partial {
    /// Outcome indices of the frontier, in frontier order (decreasing
    /// utilities, equal points in outcome order), and their utilities
    /// (row-major).
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

    /// Counts the outcomes of `block` (rows of `stride` utilities) that every
    /// actor in `slots` accepts, and those that exactly one rejects.
    fn record_block(&mut self, slots: &[usize], block: &[f64], stride: usize, reservations: &[f64]) {
        let mut size = 0;
        for utilities in block.chunks_exact(stride) {
            let mut rejecting = 0;
            let mut n_rejecting = 0;
            for (k, &s) in slots.iter().enumerate() {
                let rejects = !acceptable(utilities[s], reservations[s]);
                n_rejecting += usize::from(rejects);
                rejecting = if rejects { k } else { rejecting };
            }
            match n_rejecting {
                0 => size += 1,
                1 => self.blocked_by[rejecting] += 1,
                _ => {}
            }
        }
        self.size += size;
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

    /// Evaluates outcomes `start..end`: their ZOPA counts and their frontier.
    /// Two actors need `seeded`, a filter that holds the frontier of earlier
    /// outcomes as seeds: a point they dominate cannot be on the frontier, so
    /// it may be dropped at once.
    fn chunk(&self, start: u64, end: u64, seeded: Option<&Frontier2d>) -> Partial {
        let mut partial = self.empty();
        let dims = self.dims;
        let same_groups = self.table_slots == self.veto_slots;
        let n_eval = self.tables.n_actors();
        let record = |partial: &mut Partial, block: &[f64]| {
            partial.zopa_table.record_block(self.table_slots, block, n_eval, self.reservations);
            if !same_groups {
                partial.zopa_veto.record_block(self.veto_slots, block, n_eval, self.reservations);
            }
        };
        if let Some(seeded) = seeded {
            let mut filter = seeded.clone();
            let mut next_offset = 0u32;
            self.tables.evaluate_blocks(start, end, |block| {
                // Locals, not the captured counter, so that it stays in a register.
                let mut offset = next_offset;
                for utilities in block.chunks_exact(n_eval) {
                    filter.offer(offset, utilities[0], utilities[1]);
                    offset += 1;
                }
                next_offset = offset;
                record(&mut partial, block);
            });
            let (offsets, utilities) = filter.finish();
            partial.indices = offsets.iter().map(|&k| start + u64::from(k)).collect();
            partial.utilities = utilities;
        } else {
            let mut rows: Vec<f64> = Vec::with_capacity(((end - start) as usize) * dims);
            self.tables.evaluate_blocks(start, end, |block| {
                for utilities in block.chunks_exact(n_eval) {
                    rows.extend(&utilities[..dims]);
                }
                record(&mut partial, block);
            });
            let keep = pareto_indices(&rows, dims);
            partial.indices = keep.iter().map(|&k| start + k as u64).collect();
            partial.utilities = keep.iter().flat_map(|&k| rows[k * dims..(k + 1) * dims].iter().copied()).collect();
        }
        if same_groups {
            partial.zopa_veto = partial.zopa_table.clone();
        }
        partial
    }

    /// The frontier of `so_far` and `chunks` together, which come in outcome
    /// order (every index of one is below every index of the next).
    fn merge(&self, mut so_far: Partial, chunks: Vec<Partial>) -> Partial {
        let dims = self.dims;
        let n_points = so_far.indices.len() + chunks.iter().map(|c| c.indices.len()).sum::<usize>();
        let mut indices: Vec<u64> = Vec::with_capacity(n_points);
        let mut utilities: Vec<f64> = Vec::with_capacity(n_points * dims);
        indices.append(&mut so_far.indices);
        utilities.append(&mut so_far.utilities);
        let mut part_ends = vec![indices.len()];
        for chunk in &chunks {
            so_far.zopa_table.add(&chunk.zopa_table);
            so_far.zopa_veto.add(&chunk.zopa_veto);
            indices.extend_from_slice(&chunk.indices);
            utilities.extend_from_slice(&chunk.utilities);
            part_ends.push(indices.len());
        }
        // Each part lists equal points in outcome order, and the parts come in
        // outcome order, so equal points are in outcome order here, and the
        // frontier keeps that order for them whatever rayon's split.
        let keep = par_pareto_indices_of_frontiers(&utilities, dims, &part_ends);
        so_far.indices = keep.iter().map(|&k| indices[k]).collect();
        so_far.utilities = keep.iter().flat_map(|&k| utilities[k * dims..(k + 1) * dims].iter().copied()).collect();
        so_far
    }
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;
    use proptest::prelude::*;

    use super::*;
    use crate::scenario::WeightPolicy;
    use crate::spec::{
        ActorSpec, DistanceShape, EvaluatorSpec, HyperRectangleSpec, IssueDomain, IssueSpec, PositionSpec,
        PreferenceSpec, ScenarioSpec,
    };

    /// Integer issues with `levels` levels each, and one actor per entry of
    /// `kinds` (0 and 1: spatial, linear and quadratic; 2: linear-additive;
    /// 3: constraint), drawn from `seeds`. Coarse numbers, so that ties
    /// between outcomes are common.
    fn scenario(levels: &[i64], kinds: &[u8], seeds: &[f64]) -> Scenario {
        let mut seed = seeds.iter().copied().cycle();
        let mut next = move || seed.next().unwrap_or(0.5);
        let issues: Vec<IssueSpec> = levels
            .iter()
            .enumerate()
            .map(|(k, &n)| IssueSpec {
                id: format!("i{k}"),
                name: None,
                description: String::new(),
                domain: IssueDomain::Integer { min: 0, max: n - 1, unit: None },
            })
            .collect();
        let actors = kinds
            .iter()
            .enumerate()
            .map(|(a, &kind)| {
                let preferences = match kind {
                    0 | 1 => PreferenceSpec::Spatial {
                        shape: if kind == 0 { DistanceShape::Linear } else { DistanceShape::Quadratic },
                        position: levels
                            .iter()
                            .enumerate()
                            .map(|(i, &n)| (format!("i{i}"), PositionSpec::Value((next() * (n - 1) as f64).round())))
                            .collect(),
                        salience: (0..levels.len()).map(|i| (format!("i{i}"), (next() * 3.0).floor() + 1.0)).collect(),
                    },
                    2 => PreferenceSpec::LinearAdditive {
                        weights: (0..levels.len()).map(|i| (format!("i{i}"), (next() * 3.0).floor() + 1.0)).collect(),
                        evaluations: (0..levels.len())
                            .map(|i| {
                                let slope = ((next() * 5.0).floor() - 2.0) / 8.0;
                                (format!("i{i}"), EvaluatorSpec::Linear { slope, offset: 0.5, clamp: false })
                            })
                            .collect(),
                    },
                    _ => PreferenceSpec::Constraint {
                        max_utility: 4.0,
                        rectangles: (0..3)
                            .map(|_| HyperRectangleSpec {
                                utility: (next() * 6.0).floor() - 1.0,
                                bounds: levels
                                    .iter()
                                    .enumerate()
                                    .filter_map(|(i, &n)| {
                                        let bounded = next() < 0.6;
                                        let lo = (next() * n as f64).floor();
                                        let bound = [lo, lo + (next() * n as f64).floor()];
                                        bounded.then(|| (format!("i{i}"), bound))
                                    })
                                    .collect::<IndexMap<_, _>>(),
                            })
                            .collect(),
                    },
                };
                ActorSpec {
                    capability: 1.0 + (next() * 3.0).floor(),
                    at_table: next() < 0.7,
                    veto: next() < 0.3,
                    reservation: (next() * 4.0).floor() / 5.0,
                    ..ActorSpec::new(format!("a{a}"), preferences)
                }
            })
            .collect();
        let spec = ScenarioSpec { name: "random".into(), description: String::new(), source: None, issues, actors };
        Scenario::new(spec, WeightPolicy::Normalise).expect("generated scenarios are valid").0
    }

    /// One chunk and one wave whatever the space: no merges at all.
    const WHOLE: Layout = Layout { chunk: u64::MAX / 2, wave: 1 };

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        // The pass split into chunks and waves (seeded chunk filters, merges
        // of chunk frontiers, ties across chunks) gives exactly what one
        // chunk gives, which the brute-force tests check.
        #[test]
        fn chunks_and_waves_do_not_change_the_analysis(
            levels in prop::collection::vec(1i64..6, 1..4),
            kinds in prop::collection::vec(0u8..4, 1..6),
            seeds in prop::collection::vec(0.0f64..1.0, 1..40),
            subset in any::<bool>(),
            chunk in 1u64..40,
            wave in 1u64..4,
        ) {
            let s = scenario(&levels, &kinds, &seeds);
            let actors = if subset { Some((0..s.n_actors()).step_by(2).collect()) } else { None };
            let options = AnalysisOptions { actors, ..AnalysisOptions::default() };
            let whole = analyze_in(&s, &options, Some(WHOLE), Watch::unwatched()).expect("small spaces are analysed");
            let split = analyze_in(&s, &options, Some(Layout { chunk, wave }), Watch::unwatched()).expect("small spaces are analysed");
            prop_assert_eq!(split, whole);
        }

        // Two actors over more outcomes than the on-the-fly filter holds
        // before it first prunes.
        #[test]
        fn two_actor_chunks_and_waves_do_not_change_the_frontier(
            kinds in prop::collection::vec(0u8..4, 2..3),
            seeds in prop::collection::vec(0.0f64..1.0, 1..40),
            chunk in 200u64..3000,
            wave in 1u64..4,
        ) {
            let s = scenario(&[12, 12, 12], &kinds, &seeds);
            let options = AnalysisOptions { actors: Some(vec![0, 1]), ..AnalysisOptions::default() };
            let whole = analyze_in(&s, &options, Some(WHOLE), Watch::unwatched()).expect("small spaces are analysed");
            let split = analyze_in(&s, &options, Some(Layout { chunk, wave }), Watch::unwatched()).expect("small spaces are analysed");
            prop_assert_eq!(split, whole);
        }
    }

    /// Two actors splitting `n` units: every outcome is efficient.
    fn zero_sum(n: i64) -> Scenario {
        scenario_from_json(&format!(
            r#"{{
              "name": "split",
              "issues": [{{ "id": "x", "kind": "integer", "min": 0, "max": {n} }}],
              "actors": [
                {{ "id": "a", "preferences": {{ "type": "spatial", "position": {{ "x": {n} }}, "salience": {{ "x": 1 }} }} }},
                {{ "id": "b", "preferences": {{ "type": "spatial", "position": {{ "x": 0 }}, "salience": {{ "x": 1 }} }} }}
              ]
            }}"#
        ))
    }

    fn scenario_from_json(json: &str) -> Scenario {
        let spec: ScenarioSpec = serde_json::from_str(json).expect("valid JSON");
        Scenario::new(spec, WeightPolicy::Refuse).expect("valid scenario").0
    }

    #[test]
    fn past_the_evaluation_budget_additive_spaces_use_their_structure() {
        let s = zero_sum(99);
        let enumerated = analyze(&s, &AnalysisOptions { max_evaluations: 200, ..AnalysisOptions::default() })
            .expect("100 outcomes × 2 actors is within 200");
        assert_eq!(enumerated.method, Method::Enumeration);
        let options = AnalysisOptions { max_evaluations: 199, ..AnalysisOptions::default() };
        let structured = analyze(&s, &options).expect("additive preferences need no enumeration");
        assert_eq!(structured.method, Method::Additive);
        assert_eq!(structured.n_outcomes, 100);
        assert_eq!(structured.frontier, enumerated.frontier);
        assert_eq!(structured.solutions, enumerated.solutions);
        assert_eq!(structured.zopa_table, enumerated.zopa_table);
        assert_eq!(structured.zopa_veto, enumerated.zopa_veto);
    }

    #[test]
    fn refuses_more_evaluations_than_the_budget_without_structure() {
        // A constraint preference cannot be merged issue by issue.
        let s = scenario_from_json(
            r#"{
              "name": "boxes",
              "issues": [{ "id": "x", "kind": "integer", "min": 0, "max": 99 }],
              "actors": [
                { "id": "a", "preferences": { "type": "constraint", "max_utility": 1,
                  "rectangles": [{ "utility": 1, "bounds": { "x": [0, 49] } }] } },
                { "id": "b", "preferences": { "type": "constraint", "max_utility": 1,
                  "rectangles": [{ "utility": 1, "bounds": { "x": [50, 99] } }] } }
              ]
            }"#,
        );
        let options = AnalysisOptions { max_evaluations: 199, ..AnalysisOptions::default() };
        let error = analyze(&s, &options).expect_err("100 outcomes × 2 actors is over 199");
        assert_eq!(error, AnalysisError::TooMuchWork { n_outcomes: 100, n_actors: 2, evaluations: 200, limit: 199 });
        let message = error.to_string();
        assert!(
            message.contains("2 actors") && message.contains("100 outcomes") && message.contains("199"),
            "{message}"
        );
        let options = AnalysisOptions { max_evaluations: 200, ..AnalysisOptions::default() };
        assert!(analyze(&s, &options).is_ok());
    }

    #[test]
    fn past_max_outcomes_constraint_spaces_are_searched() {
        let s = scenario_from_json(
            r#"{
              "name": "boxes",
              "issues": [{ "id": "x", "kind": "integer", "min": 0, "max": 99 },
                         { "id": "y", "kind": "integer", "min": 0, "max": 9 }],
              "actors": [
                { "id": "a", "reservation": 0.2, "preferences": { "type": "constraint", "max_utility": 3,
                  "rectangles": [{ "utility": 2, "bounds": { "x": [0, 59] } }, { "utility": 1, "bounds": { "y": [0, 4] } }] } },
                { "id": "b", "preferences": { "type": "constraint", "max_utility": 3,
                  "rectangles": [{ "utility": 2, "bounds": { "x": [40, 99] } }, { "utility": 1, "bounds": { "y": [5, 9] } }] } }
              ]
            }"#,
        );
        let enumerated = analyze(&s, &AnalysisOptions::default()).expect("1,000 outcomes");
        let searched = analyze(&s, &AnalysisOptions { max_outcomes: 999, ..AnalysisOptions::default() })
            .expect("branch and bound");
        assert!(matches!(searched.method, Method::BranchAndBound { exact: true, epsilon: 0.0, .. }));
        assert_eq!(searched.n_outcomes, 1000);
        // Enumeration lists every outcome of a frontier vector, the search one.
        let vectors = |a: &Analysis| {
            let mut v = a.frontier.iter().map(|p| p.utilities.clone()).collect::<Vec<_>>();
            v.dedup();
            v
        };
        assert_eq!(vectors(&searched), vectors(&enumerated));
        assert_eq!(searched.solutions.nash.map(|n| n.score), enumerated.solutions.nash.map(|n| n.score));
        assert_eq!(searched.zopa_table, None, "constraint preferences are not counted without enumeration");
        assert!(searched.notes.iter().any(|n| n.contains("not counted")), "{:?}", searched.notes);
        // They are estimated instead, and the note says so.
        let estimate = searched.zopa_table_estimate.as_ref().expect("estimated by default");
        assert_eq!(estimate.samples, DEFAULT_ZOPA_SAMPLES);
        assert!(
            searched
                .notes
                .iter()
                .any(|n| n.contains("estimated instead from 1,000,000 uniformly drawn outcomes (seed 0)")),
            "{:?}",
            searched.notes
        );
        let unestimated =
            analyze(&s, &AnalysisOptions { max_outcomes: 999, zopa_samples: 0, ..AnalysisOptions::default() })
                .expect("branch and bound");
        assert_eq!(unestimated.zopa_table_estimate, None);
        assert!(!unestimated.notes.iter().any(|n| n.contains("estimated")), "{:?}", unestimated.notes);
        // Enumeration counts exactly and estimates nothing.
        assert_eq!(enumerated.zopa_table_estimate, None);
    }

    /// Three issues, two constraint actors, a linear-additive one and a
    /// spatial one, with reservations that make every zone a proper part of
    /// the space; the table and veto groups differ.
    fn mixed_constraint_scenario() -> Scenario {
        let s = scenario_from_json(
            r#"{
              "name": "mixed",
              "issues": [{ "id": "x", "kind": "integer", "min": 0, "max": 19 },
                         { "id": "y", "kind": "integer", "min": 0, "max": 14 },
                         { "id": "z", "kind": "integer", "min": 0, "max": 6 }],
              "actors": [
                { "id": "a", "reservation": 0.3, "preferences": { "type": "constraint", "max_utility": 4,
                  "rectangles": [{ "utility": 2, "bounds": { "x": [0, 12] } },
                                 { "utility": 1, "bounds": { "y": [0, 8], "z": [2, 6] } },
                                 { "utility": 1, "bounds": { "x": [5, 19], "z": [0, 3] } }] } },
                { "id": "b", "reservation": 0.25, "preferences": { "type": "constraint", "max_utility": 3,
                  "rectangles": [{ "utility": 2, "bounds": { "x": [8, 19] } },
                                 { "utility": 1, "bounds": { "y": [6, 14] } },
                                 { "utility": -1, "bounds": { "z": [5, 6] } }] } },
                { "id": "c", "reservation": 0.4, "preferences": { "type": "spatial",
                  "position": { "x": 10, "y": 3, "z": 4 }, "salience": { "x": 1, "y": 1, "z": 1 } } },
                { "id": "d", "at_table": false, "veto": true, "reservation": 0.5,
                  "preferences": { "type": "spatial", "position": { "x": 15, "y": 10, "z": 1 },
                                   "salience": { "x": 2, "y": 1, "z": 1 } } }
              ]
            }"#,
        );
        assert_eq!(s.n_actors(), 4);
        s
    }

    #[test]
    fn the_estimated_zopa_of_constraint_preferences_brackets_the_exact_count() {
        let s = mixed_constraint_scenario();
        let exact = analyze(&s, &AnalysisOptions::default()).expect("2,100 outcomes are enumerated");
        let samples = 20_000;
        for seed in 0..6 {
            let options = AnalysisOptions { max_outcomes: 2_099, zopa_samples: samples, seed, ..Default::default() };
            let estimated = analyze(&s, &options).expect("branch and bound");
            assert!(matches!(estimated.method, Method::BranchAndBound { .. }));
            for (zopa, estimate) in
                [(&exact.zopa_table, &estimated.zopa_table_estimate), (&exact.zopa_veto, &estimated.zopa_veto_estimate)]
            {
                let zopa = zopa.as_ref().expect("enumeration counts");
                let estimate = estimate.as_ref().expect("constraint groups are estimated");
                // The test means something only if the zone is neither empty nor everything.
                assert!(zopa.share > 0.05 && zopa.share < 0.95, "{zopa:?}");
                assert!(zopa.blocked_by.iter().all(|&b| b > 0), "{zopa:?}");
                assert_eq!(estimate.actors, zopa.actors);
                assert_eq!((estimate.samples, estimate.seed), (samples, seed));
                assert!(
                    estimate.share_low <= zopa.share && zopa.share <= estimate.share_high,
                    "seed {seed}: exact {} outside {estimate:?}",
                    zopa.share
                );
                assert!(estimate.share_low <= estimate.share && estimate.share <= estimate.share_high);
                // About ±0.7 points wide at 20,000 samples.
                assert!(estimate.share_high - estimate.share_low < 0.02, "{estimate:?}");
                assert!((estimate.size - estimate.share * 2100.0).abs() < 1e-9);
                assert_eq!(estimate.blocked_by_share.len(), zopa.blocked_by.len());
                for (&b, &exact_b) in estimate.blocked_by_share.iter().zip(&zopa.blocked_by) {
                    let p = exact_b as f64 / 2100.0;
                    // Four standard errors.
                    let tolerance = 4.0 * (p * (1.0 - p) / samples as f64).sqrt();
                    assert!((b - p).abs() < tolerance, "seed {seed}: blocked share {b} vs exact {p}");
                }
            }
            // The groups differ, so the estimates are of different zones.
            assert_ne!(
                estimated.zopa_table_estimate.as_ref().map(|e| &e.actors),
                estimated.zopa_veto_estimate.as_ref().map(|e| &e.actors)
            );
        }
    }

    #[test]
    fn the_estimate_is_a_function_of_the_seed() {
        let s = mixed_constraint_scenario();
        let options =
            |seed, samples| AnalysisOptions { max_outcomes: 2_099, zopa_samples: samples, seed, ..Default::default() };
        let run = |seed, samples| analyze(&s, &options(seed, samples)).expect("branch and bound").zopa_table_estimate;
        // More than one chunk of samples, and a partial last chunk.
        let samples = 3 * SAMPLE_CHUNK + 123;
        let first = run(7, samples).expect("estimated");
        assert_eq!(Some(&first), run(7, samples).as_ref());
        // Whatever the threads.
        let single = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool");
        assert_eq!(Some(&first), single.install(|| run(7, samples)).as_ref());
        let other = run(8, samples).expect("estimated");
        assert_ne!((first.hits, &first.blocked_by), (other.hits, &other.blocked_by));
        // A longer run extends the same draws: one more sample, at most one more hit.
        let longer = run(7, samples + 1).expect("estimated");
        assert!(longer.hits - first.hits <= 1, "{longer:?} {first:?}");
    }

    #[test]
    fn the_wilson_interval_is_the_textbook_one() {
        // Wilson (1927), e.g. 81 of 263: 0.2553 to 0.3662 (Newcombe 1998, table I).
        let (low, high) = wilson_interval(81, 263);
        assert!((low - 0.2553).abs() < 5e-5 && (high - 0.3662).abs() < 5e-5, "{low} {high}");
        let (low, high) = wilson_interval(0, 100);
        assert_eq!(low, 0.0);
        assert!((high - 0.0370).abs() < 5e-5, "{high}");
        assert_eq!(wilson_interval(100, 100).1, 1.0);
    }

    #[test]
    fn a_watched_analysis_reports_each_wave_and_stops_when_cancelled() {
        use std::cell::RefCell;
        let s = zero_sum(99);
        let options = AnalysisOptions::default();
        let layout = Some(Layout { chunk: 10, wave: 3 });
        let reports = RefCell::new(Vec::new());
        let never = AtomicBool::new(false);
        let record = |done: u64, total: u64| reports.borrow_mut().push((done, total));
        let watched = analyze_in(&s, &options, layout, Watch { progress: &record, cancel: &never }).expect("runs");
        // Waves of 30 outcomes over 100: 30, 60, 90, then the last 10.
        assert_eq!(reports.take(), [(30, 100), (60, 100), (90, 100), (100, 100)]);
        assert_eq!(watched.frontier, analyze(&s, &options).expect("runs").frontier);

        // Cancelled once the second wave is reported: the third never starts.
        let cancel = AtomicBool::new(false);
        let stop_after_two = |done: u64, _: u64| cancel.store(done >= 60, Ordering::Relaxed);
        let error = analyze_in(&s, &options, layout, Watch { progress: &stop_after_two, cancel: &cancel })
            .expect_err("cancelled");
        assert_eq!(error, AnalysisError::Cancelled { done: 60, total: 100 });
        assert_eq!(error.to_string(), "cancelled after 60 of 100 outcomes");

        // The public entry point: one wave here, the same analysis.
        let public = analyze_watched(&s, &options, &record, &never).expect("runs");
        assert_eq!(reports.take(), [(100, 100)]);
        assert_eq!(public.frontier, watched.frontier);
        let set = AtomicBool::new(true);
        assert_eq!(
            analyze_watched(&s, &options, &record, &set).expect_err("cancelled before it starts"),
            AnalysisError::Cancelled { done: 0, total: 100 }
        );
    }

    #[test]
    fn stops_when_a_partial_frontier_outgrows_the_limit() {
        let s = zero_sum(99);
        let options = AnalysisOptions { max_frontier: 30, ..AnalysisOptions::default() };
        // Chunks of 10 in waves of 2: the frontier holds 20 points after the
        // first wave and 40 after the second.
        let error = analyze_in(&s, &options, Some(Layout { chunk: 10, wave: 2 }), Watch::unwatched())
            .expect_err("every outcome is efficient");
        assert_eq!(
            error,
            AnalysisError::FrontierTooLarge { size: 40, limit: 30, n_actors: 2, n_done: 40, n_outcomes: 100 }
        );
        assert!(error.to_string().contains("past 30 points"), "{error}");
        let error = analyze(&s, &options).expect_err("every outcome is efficient");
        assert!(matches!(error, AnalysisError::FrontierTooLarge { size: 100, .. }), "{error:?}");
        let options = AnalysisOptions { max_frontier: 100, ..AnalysisOptions::default() };
        assert_eq!(analyze(&s, &options).expect("100 points are allowed").frontier.len(), 100);
    }
}
