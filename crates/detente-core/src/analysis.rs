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

use rayon::prelude::*;

use crate::pareto::{Frontier2d, par_pareto_indices_of_frontiers, pareto_indices};
use crate::scenario::Scenario;
use crate::solutions::{Solutions, acceptable, bargaining_solutions};
use crate::space::{Outcome, OutcomeSpace, UtilityTables};

/// Spaces larger than this are refused by default: at about 10 ns per
/// outcome and actor, 10⁸ outcomes take seconds on two cores.
pub const DEFAULT_MAX_OUTCOMES: u64 = 100_000_000;

/// Utility evaluations (outcomes × evaluated actors) refused by default:
/// 10⁸ outcomes for ten actors. Beyond that, the frontier of so many actors
/// is likely to be most of the space.
pub const DEFAULT_MAX_EVALUATIONS: u64 = 1_000_000_000;

/// Frontier points kept by default before the analysis gives up: about
/// 10⁸ bytes for seven actors, and more solutions than anyone can read.
pub const DEFAULT_MAX_FRONTIER: usize = 2_000_000;

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
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            actors: None,
            max_outcomes: DEFAULT_MAX_OUTCOMES,
            max_evaluations: DEFAULT_MAX_EVALUATIONS,
            max_frontier: DEFAULT_MAX_FRONTIER,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error(
        "the outcome space has {size:.3e} outcomes ({levels}), more than the {limit} that can be enumerated; \
         reduce the issues' levels (a coarser `step`) or raise the limit"
    )]
    TooLarge { size: f64, levels: String, limit: u64 },
    #[error(
        "the analysis would evaluate {n_actors} actors at each of {n_outcomes} outcomes, {evaluations} utility \
         evaluations, more than the {limit} allowed; analyse fewer actors or reduce the issues' levels"
    )]
    TooMuchWork { n_outcomes: u64, n_actors: usize, evaluations: u128, limit: u64 },
    #[error(
        "the Pareto frontier of the {n_actors} analysed actors grew past {limit} points ({size} after {n_done} \
         of {n_outcomes} outcomes): with this many actors most outcomes are efficient; analyse fewer actors or \
         reduce the issues' levels"
    )]
    FrontierTooLarge { size: usize, limit: usize, n_actors: usize, n_done: u64, n_outcomes: u64 },
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
    analyze_in(scenario, options, None)
}

/// `analyze` split by `layout`, or by the default for the number of actors.
fn analyze_in(
    scenario: &Scenario,
    options: &AnalysisOptions,
    layout: Option<Layout>,
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
    let evaluations = u128::from(n_outcomes) * evaluated.len() as u128;
    if evaluations > u128::from(options.max_evaluations) {
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
                                (format!("i{i}"), EvaluatorSpec::Linear { slope, offset: 0.5 })
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
            let whole = analyze_in(&s, &options, Some(WHOLE)).expect("small spaces are analysed");
            let split = analyze_in(&s, &options, Some(Layout { chunk, wave })).expect("small spaces are analysed");
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
            let whole = analyze_in(&s, &options, Some(WHOLE)).expect("small spaces are analysed");
            let split = analyze_in(&s, &options, Some(Layout { chunk, wave })).expect("small spaces are analysed");
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
    fn refuses_more_evaluations_than_the_budget() {
        let s = zero_sum(99);
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
    fn stops_when_a_partial_frontier_outgrows_the_limit() {
        let s = zero_sum(99);
        let options = AnalysisOptions { max_frontier: 30, ..AnalysisOptions::default() };
        // Chunks of 10 in waves of 2: the frontier holds 20 points after the
        // first wave and 40 after the second.
        let error =
            analyze_in(&s, &options, Some(Layout { chunk: 10, wave: 2 })).expect_err("every outcome is efficient");
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
