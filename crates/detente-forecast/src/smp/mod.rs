//! KTAB's spatial model of politics (SMP), restated from KAPSARC's KTAB
//! (`lsyaseen/KTAB`: `KTAB/kmodel/libsrc/kmodel.cpp`, `kstate.cpp`,
//! `examples/smp/libsrc/smp.cpp`, `smpbcn.cpp`, `smpread.cpp`). All issues
//! are negotiated at once: positions are vectors, and utilities weigh the
//! dimensions by salience. The reference is KTAB's own reference logs of
//! 2017 (`testdata/ktab/20170530_ref-*.txt`), which `tests/smp_golden.rs`
//! reproduces number for number; where the C++ sources read here (later
//! revisions) disagree with those logs, the logs are followed and the place
//! is named below.
//!
//! # One round (`SMPState::stepBCN`, `SMPState::doBCN`)
//!
//! 1. **Assessment** (`SMPState::setAllAUtil`, `smp.cpp`). The distance from
//!    actor i's ideal to j's position, weighted by i's saliences, is
//!    dᵢⱼ = √(Σₖ (sᵢₖ(idealᵢₖ − posⱼₖ))² / Σₖ sᵢₖ²) (`SMPModel::bvDiff`,
//!    [`kernel::bv_diff`]), and utility is u = (1 − d)(1 + d·R)
//!    (`SMPModel::bsUtil`, [`kernel::bs_util`]). With everyone risk neutral
//!    (R = 0), a scalar PCE over the actors' positions, every actor voting
//!    with its capability by the voting rule, gives each position a
//!    probability pᵢ (`Model::coalitions`, `Model::probCE2`;
//!    [`kernel::coalitions`], [`kernel::victory_matrix`], [`kernel::pce`]);
//!    the risk attitudes Rᵢ follow by [`BigRRange`] (`Model::bigRfromProb`,
//!    [`kernel::big_r`]). The objective utility is uᵢⱼ = u(dᵢⱼ, Rᵢ); actor
//!    h's estimate of it is Uʰᵢⱼ = u(dᵢⱼ, est(Rₕ, Rᵢ)) by [`BigRAdjust`]
//!    (`Model::estNRA`, [`kernel::est_risk`]).
//! 2. **Challenges** (`SMPState::probEduChlg`, `bestChallengeUtils`,
//!    `bestChallenge`, `smpbcn.cpp`). Actor h's estimate of what "i
//!    challenges j" is worth to k, with u = Uʰ, Sₐ = Σₖ sₐₖ and
//!    wₐ = Sₐ·cₐ: the principals contribute vote(wᵢ, uᵢᵢ, uᵢⱼ) and
//!    vote(wⱼ, uⱼᵢ, uⱼⱼ) to the side each favours, on top of 10⁻¹⁰ a side;
//!    every third party n adds its vote ([`kernel::prob_little`],
//!    [`kernel::third_party_vote`]), giving strengths Cᵢⱼ and Cⱼᵢ. With
//!    φ = Cᵢⱼ/(Cᵢⱼ + Cⱼᵢ),
//!    ΔEU = (1 − Sⱼ)·2uₖᵢ + Sⱼ·(φ·2uₖᵢ + (1 − φ)·2uₖⱼ) − (uₖᵢ + uₖⱼ):
//!    j resists with probability Sⱼ. Each actor i targets the j with the
//!    largest ΔEU in its own eyes (h = k = i) if that exceeds 10⁻⁵, the
//!    first such j on a tie.
//! 3. **Bargains** (`doBCN`; `SMPActor::interpolateBrgn`, `smp.cpp`). For a
//!    challenge i → j with i's estimate P = P(i > j), the initiator's view
//!    (`brgnIIJ`) interpolates the two positions with "probabilities"
//!    (P, 1 − P) ([`kernel::interpolate`]). The target's view (`brgnJIJ`)
//!    does the same with the second member of j's `probEduChlg`, which is
//!    j's estimate of i's *expected gain*, not of P(i > j) as KTAB's comment
//!    says; the compromise (`brgnIJ`) averages the two views with weights
//!    cᵢSᵢ and cᵢSⱼ (KTAB takes the capability of `brgnJIJ->actInit`, i, for
//!    both). Both quirks are kept, as the logs print those bargains; they
//!    matter only under [`BargainModel::InitRcvrInterp`] and
//!    [`BargainModel::PWCompInterp`]. The [`BargainModel`] says which views
//!    go into both principals' queues.
//! 4. **Choice** (`doBCN`, its `brgnUtil`). Every actor k has a queue: its
//!    status quo, then every bargain it initiated or received, in the order
//!    of their initiators. Actor a values a bargain as the mean, over all
//!    actors' positions, of its utility with the two principals' positions
//!    replaced by the bargain's: the bargain's positions by a's objective
//!    utility (`SMPActor::posUtil`), the others by a's own estimate Uᵃₐₙ,
//!    all measured from a's ideal. (Later sources measure the bargain's
//!    positions from a's *position*; the log of `smpExample.xml`, whose
//!    ideals and positions differ, matches the ideal.) A scalar PCE over
//!    the queue (`Model::scalarPCE`), every actor voting with its capability
//!    by the voting rule, gives each bargain a probability; k takes the most
//!    probable (the first on a tie; `ndxMaxAbs`) or draws one
//!    ([`StateTransition`]), and moves to its side of it.
//! 5. **Ideals** (`SMPState::newIdeals`) move toward the new positions by
//!    [`SmpParams::accommodation`].
//!
//! # Stopping (`smpStopFn`, `SMPModel::configExec`, `smp.cpp`)
//!
//! With D(s, t) = Σᵢ ‖posᵢ(s) − posᵢ(t)‖ (Euclidean, on normalised
//! positions; `SMPModel::stateDist`), after round r the run stops when
//! r ≥ 100, or when r ≥ 2 and D(r − 1, r)/(D(0, 1) + 10⁻⁴) < 0.02
//! ([`Stop::Converged`]; also when both hold). `ForecastOptions::max_rounds`
//! replaces the 100.
//!
//! # The outcome
//!
//! KTAB reports no single forecast. It prints, for every state, each
//! actor's "winning probability": the probability of the actor's position
//! in a scalar PCE over the state's distinct positions (`SMPState::pDist(-1)`,
//! `State::posProb`; positions less than 10⁻³ apart count as one, held by
//! the first actor at it), in which actor i values position j by its own
//! estimate Uⁱᵢⱼ and votes with its capability, under the scenario's voting
//! rule, VPM and PCE model. (Later sources hard-code the proportional rule
//! in `pDist`; the log of `smpExample.xml`, a PropCbc scenario, matches the
//! scenario's rule.) The `outcome` is therefore the PCE-probability-weighted
//! mean of the final state's distinct positions, Σᵤ pᵤ·posᵤ, with one
//! change so that renumbering the actors cannot change it: the distinct
//! positions are found scanning the actors in the order of their positions,
//! not of their indices ([`Smp::outcome_distribution`]). [`SmpRun`] also
//! carries every state's winning probabilities (KTAB's scan) and the final
//! distribution.
//!
//! # Where this differs from KTAB
//!
//! - KTAB's 2017 build found the actors' challenges on threads, so the
//!   order of bargains in a queue (and their ids) varied from run to run;
//!   here actors go in index order. Only the order of a queue changes, hence
//!   only which of two exactly equal bargains wins.
//! - The stochastic choice draws from `ChaCha8Rng::seed_from_u64(seed)`, not
//!   from KTAB's generator, so stochastic runs differ from KTAB's.
//! - Sums over actors are taken in other orders than KTAB's: coalitions in
//!   four interleaved partial sums, a bargain's value as a row total less
//!   the principals' two terms, the third parties' votes in a challenge
//!   block by block in an order chosen for the search (module `search`).
//!   On one issue under the proportional rule the risk-neutral coalitions
//!   come from prefix sums over the actors sorted by ideal
//!   ([`kernel::coalitions_1d_proportional`]). Numbers therefore agree with
//!   KTAB's to rounding, not bit for bit (with its own rounding noise, some
//!   10⁻¹² on a coalition of nearly equal positions).
//! - The search for an actor's target skips targets, and stops adding up a
//!   target's votes, as soon as a bound shows that it cannot beat the best
//!   gain found ([`Smp::best_targets`]); the target chosen is KTAB's.
//! - Where KTAB throws or divides by zero this carries on: a zero weight
//!   votes 0, an actor with no salience is indifferent to everything, equal
//!   probabilities give everyone R = 0, the Conditional PCE falls back to
//!   logarithms on underflow, and the Markov PCEs stop after 1000
//!   iterations. KTAB's limit of 3 to 250 actors is not enforced.
//! - Like KTAB, an actor's saliences must sum to at most 1 (100 on the
//!   scenario's scale), since Sⱼ is a probability; a scenario that breaks
//!   this is refused.

pub mod kernel;
pub mod params;
mod search;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

pub use params::{
    BargainModel, BigRAdjust, BigRRange, InterVecBrgn, ParseParamError, PceModel, SmpParams, StateTransition,
    ThirdPartyCommit, VictoryProbModel, VotingRule,
};

use std::sync::atomic::AtomicBool;

use crate::{Forecast, ForecastError, ForecastOptions, Input, Progress, Stop, Watch};
use kernel::{bs_util, est_risk, interpolate, vote};

/// Rounds at least played before the stopping rule may stop (`minIter`).
pub const MIN_ROUNDS: usize = 2;
/// Rounds at most, unless `ForecastOptions::max_rounds` says otherwise
/// (`maxIter`).
pub const MAX_ROUNDS: usize = 100;
/// The run stops once a round moves positions less than this fraction of
/// the first round's move (`minDeltaRatio`).
pub const MIN_DELTA_RATIO: f64 = 0.02;
/// Added to the first round's move against 0/0 (`minSigDelta`).
pub const MIN_SIG_DELTA: f64 = 1e-4;
/// Positions closer than this (Euclidean, normalised) are one position
/// (`SMPModel::posTol`).
pub const POSITION_TOLERANCE: f64 = 1e-3;
/// The least expected gain worth a challenge (`minSigEDU` in
/// `bestChallenge`).
pub const MIN_SIG_GAIN: f64 = 1e-5;
/// From this many actors on, actors' challenges are found on rayon's threads.
const PARALLEL_ACTORS: usize = 48;
/// Rows of an `n × n` matrix per parallel job.
const ROWS_PER_JOB: usize = 16;
/// From this many votes (options² × actors, over all queues) on, the queues'
/// PCEs are worked out on rayon's threads.
const PARALLEL_QUEUE_WORK: usize = 200_000;
/// How far above 1 an actor's saliences may sum (round-off).
const SALIENCE_SUM_TOLERANCE: f64 = 1e-9;

/// Runs KTAB's SMP on `input`; see the module documentation.
pub fn forecast(input: &Input, params: &SmpParams, options: &ForecastOptions) -> Result<Forecast, ForecastError> {
    Ok(drive(input, params, options, false, Watch::unwatched())?.forecast)
}

/// Runs KTAB's SMP and keeps, besides the forecast, the ideals of every state
/// and each state's winning probabilities (what KTAB's log prints as
/// "History of actors' winning probabilities").
pub fn run(input: &Input, params: &SmpParams, options: &ForecastOptions) -> Result<SmpRun, ForecastError> {
    drive(input, params, options, true, Watch::unwatched())
}

/// [`run`] with progress and cancellation, as [`crate::forecast_watched`]:
/// `progress` hears of every round (of the round limit), `cancel` is read
/// before every round and between a round's challenges and its bargains.
pub fn run_watched(
    input: &Input,
    params: &SmpParams,
    options: &ForecastOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<SmpRun, ForecastError> {
    drive(input, params, options, true, Watch { progress, cancel })
}

/// A run of the SMP with its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpRun {
    pub forecast: Forecast,
    /// `ideals[r][a][k]`, like the trajectory; equal to it without an
    /// accommodation matrix.
    pub ideals: Vec<Vec<Vec<f64>>>,
    /// `winning_probability[r][a]`: the probability of actor a's position in
    /// state r (empty from [`forecast`]).
    pub winning_probability: Vec<Vec<f64>>,
    /// The final state's distinct positions and their probabilities, the
    /// outcome's weights ([`Smp::outcome_distribution`]).
    pub distribution: PositionDistribution,
}

pub(crate) fn drive(
    input: &Input,
    params: &SmpParams,
    options: &ForecastOptions,
    history: bool,
    watch: Watch<'_>,
) -> Result<SmpRun, ForecastError> {
    let smp = Smp::new(input, params)?;
    if smp.n >= PARALLEL_ACTORS {
        // The rounds' parallel loops then start from one of rayon's threads
        // instead of handing their work over to the pool (and waiting for
        // it) twice a round.
        rayon::scope(|_| rounds(&smp, options, history, watch))
    } else {
        rounds(&smp, options, history, watch)
    }
}

/// The rounds of [`drive`].
fn rounds(smp: &Smp, options: &ForecastOptions, history: bool, watch: Watch<'_>) -> Result<SmpRun, ForecastError> {
    let max_rounds = options.max_rounds.unwrap_or(MAX_ROUNDS);
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut state = smp.initial_state();
    let mut assessment = smp.assess(&state);
    let mut trajectory = vec![smp.nested(&state.positions)];
    let mut ideals = vec![smp.nested(&state.ideals)];
    let mut winning = Vec::new();
    if history {
        winning.push(smp.position_distribution(&state, &assessment).actor_prob);
    }
    let mut first_move = 0.0;
    let mut stop = Stop::RoundLimit;
    let mut round = 0;
    let stochastic = smp.params.state_transition == StateTransition::Stochastic;
    while round < max_rounds {
        watch.check(round)?;
        let targets = smp.best_targets(&assessment);
        // The challenge search is most of a round's time.
        watch.check(round)?;
        round += 1;
        let choose = |_: usize, _: &[QueueItem], prob: &[f64]| {
            if stochastic { draw(&mut rng, prob) } else { most_probable(prob) }
        };
        let turn = smp.play(&state, &assessment, targets, choose, false);
        let moved = smp.state_distance(&state, &turn.next);
        if round == 1 {
            first_move = moved + MIN_SIG_DELTA;
        }
        state = turn.next;
        smp.assess_into(&state, &mut assessment);
        assessment.previous_target = turn.challenges.iter().map(|c| c.as_ref().map(|c| c.target)).collect();
        trajectory.push(smp.nested(&state.positions));
        if history {
            ideals.push(smp.nested(&state.ideals));
            winning.push(smp.position_distribution(&state, &assessment).actor_prob);
        }
        if round >= MIN_ROUNDS && moved / first_move < MIN_DELTA_RATIO {
            stop = Stop::Converged;
            // The rounds left will not be played: all done.
            watch.report(max_rounds, max_rounds);
            break;
        }
        watch.report(round, max_rounds);
    }
    if max_rounds == 0 {
        watch.report(0, 0);
    }
    let distribution = smp.outcome_distribution(&state, &assessment);
    let outcome = distribution.mean.clone();
    if !history {
        ideals.clear();
    }
    Ok(SmpRun {
        forecast: Forecast { model: "smp", trajectory, outcome, stop, cycles: Vec::new() },
        ideals,
        winning_probability: winning,
        distribution,
    })
}

/// The first most probable option (`ndxMaxAbs` in `doBCN`).
pub fn most_probable(prob: &[f64]) -> usize {
    let mut best = 0;
    let mut max = -1.0;
    for (m, &p) in prob.iter().enumerate() {
        if max < p.abs() {
            max = p.abs();
            best = m;
        }
    }
    best
}

/// A draw from `prob` (KTAB's `PRNG::probSel`, here with ChaCha8): the
/// first option whose cumulative probability exceeds a uniform draw.
fn draw(rng: &mut ChaCha8Rng, prob: &[f64]) -> usize {
    let u: f64 = rng.random();
    let mut cumulative = 0.0;
    for (m, &p) in prob.iter().enumerate() {
        cumulative += p;
        if u < cumulative {
            return m;
        }
    }
    prob.len() - 1
}

/// The third parties' votes in "i challenges j" from h's perspective, split
/// into (Σ max(v, 0), Σ max(−v, 0)) (the loop over n in
/// `SMPState::probEduChlg`): `w` the weights Sₙcₙ (zero for i and j, whose
/// votes are counted as principals'), `ui`, `uj`, `un` the columns Uʰ·ᵢ,
/// Uʰ·ⱼ and the diagonal Uʰₙₙ; `votes` is scratch. The votes are formed in
/// one pass (which vectorises) and summed in four interleaved partial sums;
/// KTAB adds them one by one, and the totals agree to rounding.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn third_party_sums<const R: u8, const C: u8>(
    w: &[f64],
    ui: &[f64],
    uj: &[f64],
    un: &[f64],
    ci: f64,
    cj: f64,
    votes: &mut [f64],
) -> (f64, f64) {
    if kernel::commit_of(C) != ThirdPartyCommit::SemiCommit {
        // Both states are worth the same to a third party: every vote is 0.
        return (0.0, 0.0);
    }
    for ((((v, &w), &ui), &uj), &un) in votes.iter_mut().zip(w).zip(ui).zip(uj).zip(un) {
        *v = tp_vote::<R, C>(w, ui, uj, un, ci, cj);
    }
    let mut pos = [0.0f64; 4];
    let mut neg = [0.0f64; 4];
    let chunks = votes.chunks_exact(4);
    let tail = chunks.remainder();
    for v in chunks {
        for l in 0..4 {
            pos[l] += v[l].max(0.0);
            neg[l] += (-v[l]).max(0.0);
        }
    }
    for &v in tail {
        pos[0] += v.max(0.0);
        neg[0] += (-v).max(0.0);
    }
    ((pos[0] + pos[1]) + (pos[2] + pos[3]), (neg[0] + neg[1]) + (neg[2] + neg[3]))
}

/// `col[m] = u(d[m], r[m])`.
#[inline(always)]
fn fill_column(col: &mut [f64], d: &[f64], r: &[f64]) {
    for ((u, &d), &r) in col.iter_mut().zip(d).zip(r) {
        *u = bs_util(d, r);
    }
}

/// `out` = `m` transposed, both `n × n`, row-major.
fn transpose(m: &[f64], n: usize, out: &mut [f64]) {
    const TILE: usize = 16;
    for i0 in (0..n).step_by(TILE) {
        for j0 in (0..n).step_by(TILE) {
            for i in i0..(i0 + TILE).min(n) {
                for j in j0..(j0 + TILE).min(n) {
                    out[j * n + i] = m[i * n + j];
                }
            }
        }
    }
}

/// Third party n's vote, its little-conflict estimate first.
#[inline(always)]
fn tp_vote<const R: u8, const C: u8>(w: f64, uni: f64, unj: f64, unn: f64, ci: f64, cj: f64) -> f64 {
    let (rule, commit) = (kernel::rule_of(R), kernel::commit_of(C));
    let pin = kernel::prob_little(rule, w, uni, unj, ci, cj);
    kernel::third_party_vote(rule, commit, w, pin, uni, unj, unn)
}

/// Working space of [`Smp::view`].
#[derive(Debug)]
struct Scratch {
    risk: Vec<f64>,
    col_i: Vec<f64>,
    col_j: Vec<f64>,
    diag: Vec<f64>,
    weight: Vec<f64>,
    votes: Vec<f64>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            risk: vec![0.0; n],
            col_i: vec![0.0; n],
            col_j: vec![0.0; n],
            diag: vec![0.0; n],
            weight: vec![0.0; n],
            votes: vec![0.0; n],
        }
    }
}

/// The positions and ideals of a state, `n × dims`, row-major, normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct SmpState {
    pub positions: Vec<f64>,
    pub ideals: Vec<f64>,
}

/// What the actors make of a state (`SMPState::setAllAUtil`). Matrices are
/// `n × n`, row-major: entry (i, j) is about actor i and actor j's position.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// dᵢⱼ: from i's ideal to j's position, by i's saliences.
    pub distance: Vec<f64>,
    /// u(dᵢⱼ, 0): KTAB's "Raw actor-pos value matrix (risk neutral)".
    pub neutral_utility: Vec<f64>,
    /// The risk-neutral PCE's probability of each actor's position.
    pub neutral_prob: Vec<f64>,
    /// Rᵢ: KTAB's "Inferred risk attitudes".
    pub risk: Vec<f64>,
    /// u(dᵢⱼ, Rᵢ): KTAB's "Risk-aware actor-pos utility matrix (objective)".
    pub utility: Vec<f64>,
    /// Uᵃₐⱼ = u(dₐⱼ, est(Rₐ, Rₐ)): each actor's own estimate of its
    /// utilities, the row a of [`Smp::perspective`]`(a)`.
    pub own_utility: Vec<f64>,
    /// Row totals of `own_utility`, summed in order.
    own_total: Vec<f64>,
    /// `distance` transposed: (j, i) holds dᵢⱼ.
    distance_t: Vec<f64>,
    /// Working space of the risk-neutral PCE: utilities by option,
    /// coalitions, victory probabilities.
    work_utility: Vec<f64>,
    work_coalitions: Vec<f64>,
    work_victory: Vec<f64>,
    /// The actors as voters in the challenge search.
    frame: search::Frame,
    /// Each actor's target in the previous round, tried first by the
    /// search: targets change little from round to round, and a good first
    /// gain lets the search rule the others out sooner. Only speed depends
    /// on it.
    previous_target: Vec<Option<usize>>,
}

/// Actor i's best target in its own eyes (`bestChallenge`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub target: usize,
    /// i's estimate of P(i > j).
    pub prob: f64,
    /// i's estimate of its own expected gain.
    pub gain: f64,
    /// i's estimate of j's expected change.
    pub target_gain: f64,
}

/// A challenge i → j and the bargains it produces (`doBCN`).
#[derive(Debug, Clone, PartialEq)]
pub struct Challenge {
    pub initiator: usize,
    pub target: usize,
    /// i's estimate of P(i > j).
    pub prob: f64,
    /// i's estimate of i's expected gain (the ΔEU that made i choose j).
    pub gain: f64,
    /// i's estimate of j's expected change.
    pub target_gain: f64,
    /// j's estimate of P(i > j).
    pub target_view_prob: f64,
    /// j's estimate of i's expected gain (what KTAB interpolates the
    /// target's view with).
    pub target_view_gain: f64,
    /// j's estimate of its own expected change.
    pub target_view_target_gain: f64,
    /// KTAB's `brgnIIJ`: the bargain from i's perspective.
    pub initiator_view: Bargain,
    /// KTAB's `brgnJIJ`: the bargain from j's perspective.
    pub target_view: Bargain,
    /// KTAB's `brgnIJ`: the power-weighted compromise of the two views.
    pub compromise: Bargain,
}

/// A bargain's proposed positions for its initiator and its target.
#[derive(Debug, Clone, PartialEq)]
pub struct Bargain {
    pub initiator: Vec<f64>,
    pub target: Vec<f64>,
}

/// Which of a challenge's bargains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BargainView {
    Initiator,
    Target,
    Compromise,
}

/// An entry of an actor's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueItem {
    /// The actor stays where it is.
    StatusQuo,
    /// A bargain of `challenges[initiator]`.
    Bargain { initiator: usize, target: usize, view: BargainView },
}

impl QueueItem {
    /// (initiator, receiver) as KTAB labels bargains; the status quo of actor
    /// k is (k, k).
    pub fn pair(self, owner: usize) -> (usize, usize) {
        match self {
            QueueItem::StatusQuo => (owner, owner),
            QueueItem::Bargain { initiator, target, .. } => (initiator, target),
        }
    }
}

/// One round (`SMPState::doBCN`).
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    /// `challenges[i]`: i's challenge, if any target was worth it.
    pub challenges: Vec<Option<Challenge>>,
    /// `queues[k]`: actor k's options.
    pub queues: Vec<Vec<QueueItem>>,
    /// `queue_utility[k][m * n + a]`: actor a's value of the state after
    /// bargain m of k's queue (KTAB's `u_im`, transposed).
    pub queue_utility: Vec<Vec<f64>>,
    /// `queue_prob[k][m]`: the PCE probability of bargain m of k's queue.
    pub queue_prob: Vec<Vec<f64>>,
    /// `chosen[k]`: the index in k's queue of the bargain k takes.
    pub chosen: Vec<usize>,
    pub next: SmpState,
}

/// The distinct positions of a state and their probabilities (`pDist(-1)`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PositionDistribution {
    /// The actor holding each distinct position (the first one).
    pub representative: Vec<usize>,
    /// The probability of each distinct position.
    pub prob: Vec<f64>,
    /// Each actor's winning probability: that of its position (`posProb`).
    pub actor_prob: Vec<f64>,
    /// Σ prob · position, per issue.
    pub mean: Vec<f64>,
}

/// The SMP on one input: the actors' fixed attributes and the parameters.
#[derive(Debug, Clone)]
pub struct Smp {
    params: SmpParams,
    n: usize,
    dims: usize,
    capability: Vec<f64>,
    /// `n × dims`.
    salience: Vec<f64>,
    /// Sₐ = Σₖ sₐₖ.
    salience_total: Vec<f64>,
    /// Σₖ sₐₖ².
    salience_sq: Vec<f64>,
    /// Sₐ·cₐ, the weight of an actor in a challenge.
    challenge_weight: Vec<f64>,
    /// `n × n`, row-major; `None` is the identity.
    accommodation: Option<Vec<f64>>,
    initial: Vec<f64>,
    input_ids: Vec<String>,
}

impl Smp {
    /// Checks the input and the parameters.
    pub fn new(input: &Input, params: &SmpParams) -> Result<Smp, ForecastError> {
        let n = input.actors.len();
        let dims = input.issues.len();
        let invalid = |m: String| Err(ForecastError::Invalid(format!("smp: {m}")));
        if n == 0 || dims == 0 {
            return invalid("the model needs at least one actor and one issue".into());
        }
        let mut salience = Vec::with_capacity(n * dims);
        let mut initial = Vec::with_capacity(n * dims);
        for actor in &input.actors {
            if actor.position.len() != dims || actor.salience.len() != dims {
                return invalid(format!(
                    "actor `{}` needs a position and a salience on each of {dims} issues",
                    actor.id
                ));
            }
            if !(actor.capability.is_finite() && actor.capability >= 0.0) {
                return invalid(format!("actor `{}` has capability {}", actor.id, actor.capability));
            }
            for k in 0..dims {
                let (x, s) = (actor.position[k], actor.salience[k]);
                if !(x.is_finite() && (0.0..=1.0).contains(&x)) {
                    return invalid(format!(
                        "actor `{}`: position {x} on issue `{}` is off the scale",
                        actor.id, input.issues[k].id
                    ));
                }
                if !(s.is_finite() && (0.0..=1.0).contains(&s)) {
                    return invalid(format!(
                        "actor `{}`: salience {s} on issue `{}` is outside [0, 1]",
                        actor.id, input.issues[k].id
                    ));
                }
            }
            let total: f64 = actor.salience.iter().sum();
            if total > 1.0 + SALIENCE_SUM_TOLERANCE {
                return invalid(format!(
                    "actor `{}`'s saliences sum to {} on the 0–100 scale; KTAB's SMP needs at most 100 in all, as an actor's total salience is the probability that it resists a challenge",
                    actor.id,
                    total * 100.0
                ));
            }
            salience.extend_from_slice(&actor.salience);
            initial.extend_from_slice(&actor.position);
        }
        let accommodation = match &params.accommodation {
            None => None,
            Some(rows) => {
                if rows.len() != n || rows.iter().any(|r| r.len() != n) {
                    return invalid(format!(
                        "the accommodation matrix must be {n} × {n}, one row and column per actor"
                    ));
                }
                for (i, row) in rows.iter().enumerate() {
                    if row.iter().any(|a| !(a.is_finite() && (0.0..=1.0).contains(a))) {
                        return invalid(format!(
                            "accommodation rates must lie in [0, 1] (row of `{}`)",
                            input.actors[i].id
                        ));
                    }
                    if row.iter().sum::<f64>() > 1.0 + 1e-10 {
                        return invalid(format!(
                            "the accommodation rates of `{}` sum to more than 1",
                            input.actors[i].id
                        ));
                    }
                }
                Some(rows.iter().flatten().copied().collect())
            }
        };
        let capability: Vec<f64> = input.actors.iter().map(|a| a.capability).collect();
        let salience_total: Vec<f64> = (0..n).map(|a| salience[a * dims..(a + 1) * dims].iter().sum()).collect();
        let salience_sq = (0..n).map(|a| salience[a * dims..(a + 1) * dims].iter().map(|s| s * s).sum()).collect();
        let challenge_weight = (0..n).map(|a| salience_total[a] * capability[a]).collect();
        Ok(Smp {
            params: params.clone(),
            n,
            dims,
            capability,
            salience,
            salience_total,
            salience_sq,
            challenge_weight,
            accommodation,
            initial,
            input_ids: input.actors.iter().map(|a| a.id.clone()).collect(),
        })
    }

    pub fn params(&self) -> &SmpParams {
        &self.params
    }

    /// The actors' capabilities, in input order.
    pub fn capability(&self) -> &[f64] {
        &self.capability
    }

    /// Number of actors.
    pub fn actors(&self) -> usize {
        self.n
    }

    /// Number of issues.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The actors' ids, in input order.
    pub fn actor_ids(&self) -> &[String] {
        &self.input_ids
    }

    /// The input's positions, which are also the first ideals.
    pub fn initial_state(&self) -> SmpState {
        SmpState { positions: self.initial.clone(), ideals: self.initial.clone() }
    }

    fn nested(&self, flat: &[f64]) -> Vec<Vec<f64>> {
        flat.chunks(self.dims).map(<[f64]>::to_vec).collect()
    }

    fn row<'a>(&self, flat: &'a [f64], a: usize) -> &'a [f64] {
        &flat[a * self.dims..(a + 1) * self.dims]
    }

    fn sal(&self, a: usize) -> &[f64] {
        self.row(&self.salience, a)
    }

    /// Σᵢ ‖posᵢ(s) − posᵢ(t)‖ (`SMPModel::stateDist`).
    pub fn state_distance(&self, s: &SmpState, t: &SmpState) -> f64 {
        (0..self.n)
            .map(|i| {
                let (a, b) = (self.row(&s.positions, i), self.row(&t.positions, i));
                a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt()
            })
            .sum()
    }

    /// Whether two actors' positions count as one (`SMPState::equivNdx`).
    fn equivalent(&self, positions: &[f64], i: usize, j: usize) -> bool {
        let (a, b) = (self.row(positions, i), self.row(positions, j));
        a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt() < POSITION_TOLERANCE
    }

    /// Assesses a state; see the module documentation.
    pub fn assess(&self, state: &SmpState) -> Assessment {
        let nn = self.n * self.n;
        let mut a = Assessment {
            distance: vec![0.0; nn],
            neutral_utility: vec![0.0; nn],
            neutral_prob: vec![0.0; self.n],
            risk: vec![0.0; self.n],
            utility: vec![0.0; nn],
            own_utility: vec![0.0; nn],
            own_total: vec![0.0; self.n],
            distance_t: vec![0.0; nn],
            work_utility: vec![0.0; nn],
            work_coalitions: vec![0.0; nn],
            work_victory: vec![0.0; nn],
            frame: search::Frame::default(),
            previous_target: Vec::new(),
        };
        self.assess_into(state, &mut a);
        a
    }

    /// [`Smp::assess`] into existing buffers.
    pub fn assess_into(&self, state: &SmpState, a: &mut Assessment) {
        use rayon::prelude::*;
        let n = self.n;
        let p = &self.params;
        let parallel = n >= PARALLEL_ACTORS;
        // Row i: distances from i's ideal, and their risk-neutral utility.
        let distances = |(i, (row, neutral)): (usize, (&mut [f64], &mut [f64]))| {
            if self.dims == 1 {
                // `kernel::bv_diff` on one issue, in a loop that vectorises.
                let (x, s, ssq) = (state.ideals[i], self.salience[i], self.salience_sq[i]);
                if ssq > 0.0 {
                    for (d, &y) in row.iter_mut().zip(&state.positions) {
                        let ds = (x - y) * s;
                        *d = ((ds * ds) / ssq).sqrt();
                    }
                } else {
                    row.fill(0.0);
                }
            } else {
                let ideal = self.row(&state.ideals, i);
                let (s, ssq) = (self.sal(i), self.salience_sq[i]);
                for (j, d) in row.iter_mut().enumerate() {
                    *d = kernel::bv_diff(ideal, self.row(&state.positions, j), s, ssq);
                }
            }
            for (u, &d) in neutral.iter_mut().zip(&*row) {
                *u = bs_util(d, 0.0);
            }
        };
        if parallel {
            let rows = a.distance.par_chunks_mut(n).zip(a.neutral_utility.par_chunks_mut(n));
            rows.enumerate().with_min_len(ROWS_PER_JOB).for_each(distances);
        } else {
            a.distance.chunks_mut(n).zip(a.neutral_utility.chunks_mut(n)).enumerate().for_each(distances);
        }
        transpose(&a.distance, n, &mut a.distance_t);
        // The risk-neutral PCE over the actors' positions: options are
        // positions, so the option-major utility is the transpose.
        transpose(&a.neutral_utility, n, &mut a.work_utility);
        if self.dims == 1 && p.voting_rule == VotingRule::Proportional {
            kernel::coalitions_1d_proportional(
                &self.capability,
                &self.salience,
                &state.ideals,
                &state.positions,
                parallel,
                &mut a.work_coalitions,
            );
        } else if parallel {
            kernel::coalitions_parallel(p.voting_rule, &self.capability, &a.work_utility, n, &mut a.work_coalitions);
        } else {
            kernel::coalitions(p.voting_rule, &self.capability, &a.work_utility, n, &mut a.work_coalitions);
        }
        kernel::victory_matrix(p.victory_prob_model, &a.work_coalitions, n, &mut a.work_victory);
        kernel::pce(p.pce_model, &a.work_coalitions, &a.work_victory, n, &mut a.neutral_prob);
        kernel::big_r(&a.neutral_prob, p.big_r_range, &mut a.risk);
        // Rows of the objective utilities and of each actor's own estimate,
        // four at a time; the own rows' totals are each summed in order,
        // four rows together, as the additions of one row wait on each
        // other.
        let utilities = |g: usize, utility: &mut [f64], own: &mut [f64], total: &mut [f64]| {
            for (r, t) in total.iter_mut().enumerate() {
                let i = 4 * g + r;
                let ri = a.risk[i];
                let rii = est_risk(ri, ri, p.big_r_adjust);
                let d = &a.distance[i * n..(i + 1) * n];
                for (u, &d) in utility[r * n..(r + 1) * n].iter_mut().zip(d) {
                    *u = bs_util(d, ri);
                }
                for (u, &d) in own[r * n..(r + 1) * n].iter_mut().zip(d) {
                    *u = bs_util(d, rii);
                }
                *t = 0.0;
            }
            for j in 0..n {
                for (r, t) in total.iter_mut().enumerate() {
                    *t += own[r * n + j];
                }
            }
        };
        if parallel {
            let rows = a.utility.par_chunks_mut(4 * n).zip(a.own_utility.par_chunks_mut(4 * n));
            let rows = rows.zip(a.own_total.par_chunks_mut(4)).enumerate().with_min_len(ROWS_PER_JOB / 4);
            rows.for_each(|(g, ((utility, own), total))| utilities(g, utility, own, total));
        } else {
            let rows = a.utility.chunks_mut(4 * n).zip(a.own_utility.chunks_mut(4 * n));
            let rows = rows.zip(a.own_total.chunks_mut(4)).enumerate();
            rows.for_each(|(g, ((utility, own), total))| utilities(g, utility, own, total));
        }
        let mut frame = std::mem::take(&mut a.frame);
        frame.build(self, &state.positions, a);
        a.frame = frame;
    }

    /// Uʰ, actor h's estimate of everyone's utilities (`aUtil[h]`; KTAB's
    /// "Estimate by h of risk-aware utility matrix"), `n × n` row-major.
    pub fn perspective(&self, a: &Assessment, h: usize) -> Vec<f64> {
        let n = self.n;
        let mut u = vec![0.0; n * n];
        for i in 0..n {
            let rhi = est_risk(a.risk[h], a.risk[i], self.params.big_r_adjust);
            for j in 0..n {
                u[i * n + j] = bs_util(a.distance[i * n + j], rhi);
            }
        }
        u
    }

    /// h's estimate of the probability that i beats j and of the expected
    /// change in k's utility if i challenges j (`SMPState::probEduChlg`).
    pub fn prob_gain(&self, a: &Assessment, h: usize, k: usize, i: usize, j: usize) -> (f64, f64) {
        let mut s = Scratch::new(self.n);
        let (phij, phji) = self.view(a, h, i, j, &mut s);
        (phij, self.gain(&s, k, j, phij, phji))
    }

    /// Fills `s` with h's perspective on "i challenges j" and returns h's
    /// (P(i > j), P(j > i)); [`Smp::gain`] then reads anyone's gain.
    fn view(&self, a: &Assessment, h: usize, i: usize, j: usize, s: &mut Scratch) -> (f64, f64) {
        let (rule, commit) = (self.params.voting_rule, self.params.third_party_commit);
        kernel::with_rule!(rule, R => kernel::with_commit!(commit, C => self.view_k::<R, C>(a, h, i, j, s)))
    }

    fn view_k<const R: u8, const C: u8>(
        &self,
        a: &Assessment,
        h: usize,
        i: usize,
        j: usize,
        s: &mut Scratch,
    ) -> (f64, f64) {
        let n = self.n;
        kernel::est_risks(a.risk[h], &a.risk, self.params.big_r_adjust, &mut s.risk);
        fill_column(&mut s.col_i, &a.distance_t[i * n..(i + 1) * n], &s.risk);
        fill_column(&mut s.col_j, &a.distance_t[j * n..(j + 1) * n], &s.risk);
        for m in 0..n {
            s.diag[m] = bs_util(a.distance[m * n + m], s.risk[m]);
        }
        s.weight.copy_from_slice(&self.challenge_weight);
        s.weight[i] = 0.0;
        self.contest::<R, C>(s, i, j)
    }

    /// h's (P(i > j), P(j > i)) from the columns in `s` (`probEduChlg`): the
    /// principals' contributions, then the third parties' votes. `s.weight`
    /// must hold every weight but i's.
    #[inline(always)]
    fn contest<const R: u8, const C: u8>(&self, s: &mut Scratch, i: usize, j: usize) -> (f64, f64) {
        let rule = kernel::rule_of(R);
        let (uii, uij, uji, ujj) = (s.col_i[i], s.col_j[i], s.col_i[j], s.col_j[j]);
        let contrib_i = vote(rule, self.challenge_weight[i], uii, uij);
        let contrib_j = vote(rule, self.challenge_weight[j], uji, ujj);
        // KTAB adds each contribution to the side it favours; adding 0 is exact.
        let ci = kernel::MIN_CONTRIBUTION + contrib_i.max(0.0) + contrib_j.max(0.0);
        let cj = kernel::MIN_CONTRIBUTION + (-contrib_i).max(0.0) + (-contrib_j).max(0.0);
        let wj = s.weight[j];
        s.weight[j] = 0.0;
        let (pos, neg) = third_party_sums::<R, C>(&s.weight, &s.col_i, &s.col_j, &s.diag, ci, cj, &mut s.votes);
        s.weight[j] = wj;
        let (chij, chji) = (ci + pos, cj + neg);
        (chij / (chij + chji), chji / (chij + chji))
    }

    /// The expected change in k's utility from "i challenges j" with the
    /// columns in `s` and the contest's probabilities:
    /// (1 − Sⱼ)·2uₖᵢ + Sⱼ(P(i > j)·2uₖᵢ + P(j > i)·2uₖⱼ) − (uₖᵢ + uₖⱼ).
    #[inline(always)]
    fn gain(&self, s: &Scratch, k: usize, j: usize, phij: f64, phji: f64) -> f64 {
        let (uki, ukj) = (s.col_i[k], s.col_j[k]);
        let (eu_sq, eu_vict, eu_lose) = (uki + ukj, uki + uki, ukj + ukj);
        let sj = self.salience_total[j];
        let eu_chlg = (1.0 - sj) * eu_vict + sj * (phij * eu_vict + phji * eu_lose);
        eu_chlg - eu_sq
    }

    /// Every actor's best target, with its estimate that it wins and its
    /// gain (`bestChallengeUtils`, `bestChallenge`): the first j with the
    /// largest ΔEU in i's eyes, if above [`MIN_SIG_GAIN`]. The search
    /// (module `search`) works out only as much of each target's contest as
    /// it needs to rule the target out. Actors are spread over rayon's
    /// threads when there are many; each actor's answer is computed alone,
    /// so the result does not depend on the threads.
    pub fn best_targets(&self, a: &Assessment) -> Vec<Option<Target>> {
        let (rule, commit) = (self.params.voting_rule, self.params.third_party_commit);
        kernel::with_rule!(rule, R => kernel::with_commit!(commit, C => self.search_targets::<R, C>(a)))
    }

    /// `out[x]` = u(d(idealₓ, `position`), Rₓ), every actor's objective
    /// utility of `position` (`SMPActor::posUtil`), with `risk` the actors'
    /// risk attitudes. The one-issue case is the same arithmetic as
    /// [`kernel::bv_diff`] in a loop that vectorises.
    fn utility_of(&self, ideals: &[f64], risk: &[f64], position: &[f64], out: &mut [f64]) {
        if self.dims == 1 {
            let y = position[0];
            let parts = ideals.iter().zip(&self.salience).zip(&self.salience_sq).zip(risk);
            for (u, (((&x, &s), &ssq), &r)) in out.iter_mut().zip(parts) {
                let ds = (x - y) * s;
                let d = ((ds * ds) / ssq).sqrt();
                *u = bs_util(if ssq > 0.0 { d } else { 0.0 }, r);
            }
        } else {
            for (x, u) in out.iter_mut().enumerate() {
                let d = kernel::bv_diff(self.row(ideals, x), position, self.sal(x), self.salience_sq[x]);
                *u = bs_util(d, risk[x]);
            }
        }
    }

    /// The bargain between `i` and `j` with "probabilities" `pi`, `pj`.
    fn bargain(&self, state: &SmpState, i: usize, j: usize, pi: f64, pj: f64) -> Bargain {
        let ivb = self.params.inter_vec_brgn;
        let (ti, tj) = (self.row(&state.positions, i), self.row(&state.positions, j));
        let (si, sj) = (self.sal(i), self.sal(j));
        let mut b = Bargain { initiator: vec![0.0; self.dims], target: vec![0.0; self.dims] };
        for k in 0..self.dims {
            let (bi, bj) = interpolate(ivb, ti[k], si[k], pi, tj[k], sj[k], pj);
            b.initiator[k] = bi;
            b.target[k] = bj;
        }
        b
    }

    /// One round from `state`; `choose(k, queue, probabilities)` picks the
    /// index of the bargain actor k takes (see [`most_probable`]).
    pub fn turn<F>(&self, state: &SmpState, a: &Assessment, choose: F) -> Turn
    where
        F: FnMut(usize, &[QueueItem], &[f64]) -> usize,
    {
        self.play(state, a, self.best_targets(a), choose, true)
    }

    /// One round, as [`Smp::turn`], from the challenges' targets
    /// ([`Smp::best_targets`]), found first so that the rounds can be
    /// cancelled between the two. Unless `full`, the round
    /// skips what the next state does not depend on: the target's view of
    /// each challenge under [`BargainModel::InitOnlyInterp`] (its fields are
    /// then NaN and its bargains empty) and the queues' values and
    /// probabilities (`queue_utility` and `queue_prob` are then empty).
    fn play<F>(&self, state: &SmpState, a: &Assessment, targets: Vec<Option<Target>>, mut choose: F, full: bool) -> Turn
    where
        F: FnMut(usize, &[QueueItem], &[f64]) -> usize,
    {
        let n = self.n;
        let dims = self.dims;
        let p = &self.params;
        let target_views = full || p.bargain_model != BargainModel::InitOnlyInterp;
        let mut scratch = Scratch::new(if target_views { n } else { 0 });
        let mut challenges: Vec<Option<Challenge>> = Vec::with_capacity(n);
        let mut queues: Vec<Vec<QueueItem>> = (0..n).map(|_| vec![QueueItem::StatusQuo]).collect();
        for (i, target) in targets.into_iter().enumerate() {
            let Some(Target { target: j, prob, gain, target_gain }) = target else {
                challenges.push(None);
                continue;
            };
            let initiator_view = self.bargain(state, i, j, prob, 1.0 - prob);
            let (mut target_view_prob, mut target_view_gain, mut target_view_target_gain) =
                (f64::NAN, f64::NAN, f64::NAN);
            let empty = || Bargain { initiator: Vec::new(), target: Vec::new() };
            let (mut target_view, mut compromise) = (empty(), empty());
            if target_views {
                let p_ji;
                (target_view_prob, p_ji) = self.view(a, j, i, j, &mut scratch);
                target_view_gain = self.gain(&scratch, i, j, target_view_prob, p_ji);
                target_view_target_gain = self.gain(&scratch, j, j, target_view_prob, p_ji);
                // KTAB interpolates j's view with j's estimate of i's gain.
                target_view = self.bargain(state, i, j, target_view_gain, 1.0 - target_view_gain);
                // KTAB weighs both views with i's capability.
                let wi = self.capability[i] * self.salience_total[i];
                let wj = self.capability[i] * self.salience_total[j];
                let mix = |x: &[f64], y: &[f64]| -> Vec<f64> {
                    x.iter().zip(y).map(|(&x, &y)| (wi * x + wj * y) / (wi + wj)).collect()
                };
                compromise = Bargain {
                    initiator: mix(&initiator_view.initiator, &target_view.initiator),
                    target: mix(&initiator_view.target, &target_view.target),
                };
            }
            let views: &[BargainView] = match p.bargain_model {
                BargainModel::InitOnlyInterp => &[BargainView::Initiator],
                BargainModel::InitRcvrInterp => &[BargainView::Initiator, BargainView::Target],
                BargainModel::PWCompInterp => &[BargainView::Compromise],
            };
            for &view in views {
                let item = QueueItem::Bargain { initiator: i, target: j, view };
                queues[i].push(item);
                queues[j].push(item);
            }
            challenges.push(Some(Challenge {
                initiator: i,
                target: j,
                prob,
                gain,
                target_gain,
                target_view_prob,
                target_view_gain,
                target_view_target_gain,
                initiator_view,
                target_view,
                compromise,
            }));
        }

        // Each bargain's value to every actor, computed once though it sits
        // in two queues: column[a] = (uPos(init) + uPos(rcvr) + Σ others)/n.
        let nf = n as f64;
        let status_quo: Vec<f64> = a.own_total.iter().map(|t| t / nf).collect();
        // values[column[i][view] * n + a]: actor a's value of view `view`
        // of i's bargain.
        let mut column = vec![[usize::MAX; 3]; n];
        let mut valued: Vec<(usize, usize, &Bargain)> = Vec::new();
        for c in challenges.iter().flatten() {
            let (i, j) = (c.initiator, c.target);
            for (slot, view, bargain) in [
                (0, BargainView::Initiator, &c.initiator_view),
                (1, BargainView::Target, &c.target_view),
                (2, BargainView::Compromise, &c.compromise),
            ] {
                let wanted = match p.bargain_model {
                    BargainModel::InitOnlyInterp => view == BargainView::Initiator,
                    BargainModel::InitRcvrInterp => view != BargainView::Compromise,
                    BargainModel::PWCompInterp => view == BargainView::Compromise,
                };
                if wanted {
                    column[i][slot] = valued.len();
                    valued.push((i, j, bargain));
                }
            }
        }
        let mut values = vec![0.0; valued.len() * n];
        let value = |u_rcvr: &mut Vec<f64>, (u, &(i, j, bargain)): (&mut [f64], &(usize, usize, &Bargain))| {
            u_rcvr.resize(n, 0.0);
            self.utility_of(&state.ideals, &a.risk, &bargain.initiator, u);
            self.utility_of(&state.ideals, &a.risk, &bargain.target, u_rcvr);
            for (x, (u, &u_rcvr)) in u.iter_mut().zip(u_rcvr.iter()).enumerate() {
                let others = a.own_total[x] - a.own_utility[x * n + i] - a.own_utility[x * n + j];
                *u = (*u + u_rcvr + others) / nf;
            }
        };
        if n >= PARALLEL_ACTORS {
            use rayon::prelude::*;
            let columns = values.par_chunks_mut(n).zip(valued.par_iter()).with_min_len(ROWS_PER_JOB);
            columns.for_each_init(Vec::new, value);
        } else {
            let mut u_rcvr = Vec::new();
            values.chunks_mut(n).zip(valued.iter()).for_each(|x| value(&mut u_rcvr, x));
        }

        // Each queue's options valued by every actor, and the queue's PCE
        // (`util` holds the values option by option; `util`, `c` and `pv`
        // are working space).
        let pce_of = |(util, c, pv): &mut (Vec<f64>, Vec<f64>, Vec<f64>), queue: &Vec<QueueItem>| {
            let m = queue.len();
            util.clear();
            for item in queue {
                match *item {
                    QueueItem::StatusQuo => util.extend_from_slice(&status_quo),
                    QueueItem::Bargain { initiator, view, .. } => {
                        let slot = match view {
                            BargainView::Initiator => 0,
                            BargainView::Target => 1,
                            BargainView::Compromise => 2,
                        };
                        let c = column[initiator][slot];
                        util.extend_from_slice(&values[c * n..(c + 1) * n]);
                    }
                }
            }
            c.resize(m * m, 0.0);
            pv.resize(m * m, 0.0);
            let mut prob = vec![0.0; m];
            if m * m * n >= PARALLEL_QUEUE_WORK / 2 {
                // A long queue (a popular target): its own rows in parallel.
                kernel::coalitions_parallel(p.voting_rule, &self.capability, util, m, c);
            } else {
                kernel::coalitions(p.voting_rule, &self.capability, util, m, c);
            }
            kernel::victory_matrix(p.victory_prob_model, c, m, pv);
            kernel::pce(p.pce_model, c, pv, m, &mut prob);
            (if full { util.clone() } else { Vec::new() }, prob)
        };
        // The queues are independent; a long one costs m²·n votes.
        let work: usize = queues.iter().map(|q| q.len() * q.len()).sum::<usize>() * n;
        let pces: Vec<(Vec<f64>, Vec<f64>)> = if work >= PARALLEL_QUEUE_WORK {
            use rayon::prelude::*;
            queues.par_iter().with_min_len(4).map_init(Default::default, pce_of).collect()
        } else {
            let mut buffers = Default::default();
            queues.iter().map(|q| pce_of(&mut buffers, q)).collect()
        };

        let mut queue_utility = Vec::with_capacity(n);
        let mut queue_prob = Vec::with_capacity(n);
        let mut chosen = Vec::with_capacity(n);
        let mut next = SmpState { positions: state.positions.clone(), ideals: state.ideals.clone() };
        for (k, (queue, (util, prob))) in queues.iter().zip(pces).enumerate() {
            let m = queue.len();
            let pick = choose(k, queue, &prob).min(m - 1);
            if let QueueItem::Bargain { initiator, target, view } = queue[pick] {
                let c = challenges[initiator].as_ref().expect("a queued bargain has its challenge");
                let b = match view {
                    BargainView::Initiator => &c.initiator_view,
                    BargainView::Target => &c.target_view,
                    BargainView::Compromise => &c.compromise,
                };
                let side = if k == initiator { &b.initiator } else { &b.target };
                debug_assert!(k == initiator || k == target);
                next.positions[k * dims..(k + 1) * dims].copy_from_slice(side);
            }
            if full {
                queue_utility.push(util);
                queue_prob.push(prob);
            }
            chosen.push(pick);
        }
        self.new_ideals(&mut next);
        Turn { challenges, queues, queue_utility, queue_prob, chosen, next }
    }

    /// `SMPState::newIdeals`: idealᵢ ← Σⱼ aᵢⱼ·posⱼ + (1 − min(1, Σⱼ aᵢⱼ))·idealᵢ.
    fn new_ideals(&self, state: &mut SmpState) {
        let (n, dims) = (self.n, self.dims);
        match &self.accommodation {
            None => state.ideals.copy_from_slice(&state.positions),
            Some(acc) => {
                let mut ideals = vec![0.0; n * dims];
                for i in 0..n {
                    let new = &mut ideals[i * dims..(i + 1) * dims];
                    let mut si = 0.0;
                    for j in 0..n {
                        let aij = acc[i * n + j];
                        si += aij;
                        for (x, &pj) in new.iter_mut().zip(self.row(&state.positions, j)) {
                            *x += aij * pj;
                        }
                    }
                    let lag = 1.0 - si.min(1.0);
                    for (x, &old) in new.iter_mut().zip(self.row(&state.ideals, i)) {
                        *x += lag * old;
                    }
                }
                state.ideals = ideals;
            }
        }
    }

    /// The probabilities of a state's distinct positions as KTAB computes
    /// them (`pDist(-1)`, `posProb`): actors are scanned in index order, and
    /// each position within 10⁻³ of an earlier distinct one joins it.
    /// `actor_prob` is KTAB's "winning probability" of each actor.
    pub fn position_distribution(&self, state: &SmpState, a: &Assessment) -> PositionDistribution {
        let order: Vec<usize> = (0..self.n).collect();
        self.distribution_in_order(state, a, &order)
    }

    /// [`Smp::position_distribution`] with the actors scanned in the order of
    /// their positions (lexicographic) instead of their indices. Grouping
    /// positions within 10⁻³ of one another depends on the scan order when
    /// they form a chain (a, b, c each within 10⁻³ of the next but a and c
    /// not), so KTAB's grouping changes when the actors are renumbered; this
    /// one does not. The forecast's `outcome` is this distribution's mean.
    pub fn outcome_distribution(&self, state: &SmpState, a: &Assessment) -> PositionDistribution {
        let mut order: Vec<usize> = (0..self.n).collect();
        order.sort_by(|&x, &y| {
            let (px, py) = (self.row(&state.positions, x), self.row(&state.positions, y));
            px.iter().zip(py).map(|(u, v)| u.total_cmp(v)).find(|o| o.is_ne()).unwrap_or(x.cmp(&y))
        });
        self.distribution_in_order(state, a, &order)
    }

    fn distribution_in_order(&self, state: &SmpState, a: &Assessment, order: &[usize]) -> PositionDistribution {
        let n = self.n;
        let mut representative: Vec<usize> = Vec::new();
        for &i in order {
            if !representative.iter().any(|&r| self.equivalent(&state.positions, i, r)) {
                representative.push(i);
            }
        }
        let nu = representative.len();
        let mut util = Vec::with_capacity(nu * n);
        for &r in &representative {
            util.extend((0..n).map(|x| a.own_utility[x * n + r]));
        }
        let p = &self.params;
        let pce = kernel::scalar_pce(p.voting_rule, p.victory_prob_model, p.pce_model, &self.capability, &util, nu);
        let actor_prob = (0..n)
            .map(|i| {
                // KTAB keeps the last distinct position equivalent to i's.
                let u = (0..nu).rev().find(|&u| self.equivalent(&state.positions, i, representative[u]));
                u.map_or(0.0, |u| pce.prob[u])
            })
            .collect();
        let mut mean = vec![0.0; self.dims];
        for (&r, &pr) in representative.iter().zip(&pce.prob) {
            for (x, &pos) in mean.iter_mut().zip(self.row(&state.positions, r)) {
                *x += pr * pos;
            }
        }
        PositionDistribution { representative, prob: pce.prob, actor_prob, mean }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{ForecastActor, Scale, Spreads};
    use proptest::prelude::*;

    fn input(actors: &[(f64, Vec<f64>, Vec<f64>)]) -> Input {
        let dims = actors[0].1.len();
        Input {
            issues: (0..dims)
                .map(|k| Scale {
                    id: format!("d{k}"),
                    name: format!("d{k}"),
                    min: 0.0,
                    max: 100.0,
                    options: None,
                    unit: None,
                })
                .collect(),
            actors: actors
                .iter()
                .enumerate()
                .map(|(a, (c, x, s))| ForecastActor {
                    id: format!("a{a}"),
                    capability: *c,
                    position: x.clone(),
                    salience: s.clone(),
                    spread: Spreads::default(),
                })
                .collect(),
        }
    }

    /// Actors with a capability, a position and saliences summing to at most
    /// 1, on `dims` issues.
    fn actors(
        n: std::ops::RangeInclusive<usize>,
        dims: usize,
    ) -> impl Strategy<Value = Vec<(f64, Vec<f64>, Vec<f64>)>> {
        prop::collection::vec(
            (
                1.0..100.0f64,
                prop::collection::vec(0.0..=1.0f64, dims),
                prop::collection::vec(0.05..1.0f64, dims),
                0.2..1.0f64,
            )
                .prop_map(|(c, x, raw, total)| {
                    let sum: f64 = raw.iter().sum();
                    (c, x, raw.iter().map(|s| s * total / sum).collect())
                }),
            n,
        )
    }

    fn options(rounds: usize) -> ForecastOptions {
        ForecastOptions { max_rounds: Some(rounds), seed: 7 }
    }

    #[test]
    fn a_lone_actor_stays_put() {
        let f = forecast(&input(&[(10.0, vec![0.3, 0.71], vec![0.4, 0.5])]), &SmpParams::default(), &options(100))
            .expect("forecast");
        assert_eq!(f.stop, Stop::Converged);
        assert_eq!(f.rounds(), MIN_ROUNDS);
        for round in &f.trajectory {
            assert_eq!(round, &vec![vec![0.3, 0.71]]);
        }
        assert_eq!(f.outcome, vec![0.3, 0.71]);
    }

    #[test]
    fn mirror_image_actors_settle_in_the_middle() {
        // Two actors, each the other's mirror image. (With three, the middle
        // one's two targets tie exactly and KTAB's rule takes the first, so
        // the symmetry breaks by design.)
        let actors = vec![(50.0, vec![0.2], vec![0.6]), (50.0, vec![0.8], vec![0.6])];
        for pce in PceModel::ALL {
            let params = SmpParams { pce_model: *pce, ..SmpParams::default() };
            let f = forecast(&input(&actors), &params, &options(20)).expect("forecast");
            assert!((f.outcome[0] - 0.5).abs() < 1e-9, "{pce}: {:?} {:?}", f.outcome, f.trajectory);
        }
    }

    #[test]
    fn round_limits_and_validation() {
        let actors = vec![(50.0, vec![0.2], vec![0.6]), (30.0, vec![0.9], vec![0.8]), (40.0, vec![0.5], vec![0.3])];
        let none = forecast(&input(&actors), &SmpParams::default(), &options(0)).expect("forecast");
        assert_eq!((none.rounds(), none.stop), (0, Stop::RoundLimit));
        let one = forecast(&input(&actors), &SmpParams::default(), &options(1)).expect("forecast");
        assert_eq!((one.rounds(), one.stop), (1, Stop::RoundLimit));
        assert_ne!(one.trajectory[1], one.trajectory[0], "someone moves in the first round");

        let over = input(&[(1.0, vec![0.1, 0.2], vec![0.7, 0.4]), (1.0, vec![0.3, 0.4], vec![0.1, 0.1])]);
        let err = forecast(&over, &SmpParams::default(), &options(5)).expect_err("saliences sum to 110");
        assert!(err.to_string().contains("at most 100"), "{err}");

        let params = SmpParams { accommodation: Some(vec![vec![1.0; 2]; 3]), ..SmpParams::default() };
        assert!(forecast(&input(&actors), &params, &options(5)).is_err());
        let params = SmpParams { accommodation: Some(vec![vec![0.6, 0.6, 0.0]; 3]), ..SmpParams::default() };
        assert!(forecast(&input(&actors), &params, &options(5)).is_err(), "rows sum to more than 1");
    }

    #[test]
    fn every_parameter_value_runs() {
        let actors = vec![
            (50.0, vec![0.2, 0.9], vec![0.5, 0.3]),
            (30.0, vec![0.9, 0.1], vec![0.2, 0.6]),
            (40.0, vec![0.5, 0.5], vec![0.3, 0.3]),
            (20.0, vec![0.7, 0.4], vec![0.45, 0.45]),
        ];
        let input = input(&actors);
        let base = SmpParams::default();
        let mut variants = Vec::new();
        variants.extend(VictoryProbModel::ALL.iter().map(|&v| SmpParams { victory_prob_model: v, ..base.clone() }));
        variants.extend(VotingRule::ALL.iter().map(|&v| SmpParams { voting_rule: v, ..base.clone() }));
        variants.extend(PceModel::ALL.iter().map(|&v| SmpParams { pce_model: v, ..base.clone() }));
        variants.extend(StateTransition::ALL.iter().map(|&v| SmpParams { state_transition: v, ..base.clone() }));
        variants.extend(BigRRange::ALL.iter().map(|&v| SmpParams { big_r_range: v, ..base.clone() }));
        variants.extend(BigRAdjust::ALL.iter().map(|&v| SmpParams { big_r_adjust: v, ..base.clone() }));
        variants.extend(ThirdPartyCommit::ALL.iter().map(|&v| SmpParams { third_party_commit: v, ..base.clone() }));
        variants.extend(InterVecBrgn::ALL.iter().map(|&v| SmpParams { inter_vec_brgn: v, ..base.clone() }));
        variants.extend(BargainModel::ALL.iter().map(|&v| SmpParams { bargain_model: v, ..base.clone() }));
        let identity_ish = vec![
            vec![0.8, 0.1, 0.0, 0.0],
            vec![0.0, 1.0, 0.0, 0.0],
            vec![0.2, 0.2, 0.5, 0.0],
            vec![0.0, 0.0, 0.0, 0.3],
        ];
        variants.push(SmpParams { accommodation: Some(identity_ish), ..base.clone() });
        for params in variants {
            let run = run(&input, &params, &options(30)).expect("run");
            let f = &run.forecast;
            assert!(f.rounds() >= 1, "{params:?}");
            for x in f.outcome.iter().chain(f.trajectory.iter().flatten().flatten()) {
                assert!(x.is_finite() && (-1e-9..=1.0 + 1e-9).contains(x), "{params:?}: {x}");
            }
            for probs in &run.winning_probability {
                assert!(probs.iter().all(|p| p.is_finite() && (0.0..=1.0 + 1e-9).contains(p)), "{params:?}");
            }
            let total: f64 = run.distribution.prob.iter().sum();
            assert!((total - 1.0).abs() < 1e-6, "{params:?}: {total}");
        }
    }

    #[test]
    fn stochastic_runs_are_reproducible_from_the_seed() {
        let actors: Vec<_> = (0..6)
            .map(|a| (10.0 + 7.0 * a as f64, vec![(a as f64 * 0.37) % 1.0], vec![0.3 + 0.1 * a as f64]))
            .collect();
        let params = SmpParams { state_transition: StateTransition::Stochastic, ..SmpParams::default() };
        let input = input(&actors);
        let a = forecast(&input, &params, &ForecastOptions { max_rounds: Some(15), seed: 1 }).expect("forecast");
        let b = forecast(&input, &params, &ForecastOptions { max_rounds: Some(15), seed: 1 }).expect("forecast");
        assert_eq!(a, b);
        let differs = (2..12).any(|seed| {
            forecast(&input, &params, &ForecastOptions { max_rounds: Some(15), seed }).expect("forecast").trajectory
                != a.trajectory
        });
        assert!(differs, "the seed drives the draws");
    }

    /// `forecast` plays lean rounds (`Smp::play` without `full`); they move
    /// the actors exactly as `Smp::turn` does, on one issue and on several,
    /// with few actors and with enough for the parallel paths.
    #[test]
    fn lean_rounds_move_as_full_turns() {
        for (n, dims, model) in [
            (7, 1, BargainModel::InitOnlyInterp),
            (60, 1, BargainModel::InitOnlyInterp),
            (12, 2, BargainModel::PWCompInterp),
            (50, 3, BargainModel::InitRcvrInterp),
        ] {
            let actors: Vec<_> = (0..n)
                .map(|a| {
                    let x = (0..dims).map(|k| ((a * 37 + k * 11) % 101) as f64 / 100.0).collect();
                    let s = (0..dims).map(|k| (0.2 + ((a + 3 * k) % 7) as f64 / 10.0) / dims as f64).collect();
                    (5.0 + ((a * 13) % 17) as f64, x, s)
                })
                .collect();
            let input = input(&actors);
            let params = SmpParams { bargain_model: model, ..SmpParams::default() };
            let f = forecast(&input, &params, &options(6)).expect("forecast");
            let smp = Smp::new(&input, &params).expect("model");
            let mut state = smp.initial_state();
            for (r, round) in f.trajectory.iter().enumerate().skip(1) {
                let a = smp.assess(&state);
                state = smp.turn(&state, &a, |_, _, p| most_probable(p)).next;
                assert_eq!(&smp.nested(&state.positions), round, "n = {n}, {dims} issues, round {r}");
            }
        }
    }

    /// Every target evaluated, in index order, as KTAB does.
    fn brute_force_targets(smp: &Smp, a: &Assessment) -> Vec<Option<(usize, f64, f64)>> {
        // (target, P(i > j), gain)
        (0..smp.n)
            .map(|i| {
                let mut best = None;
                let mut best_gain = -1.0;
                for j in (0..smp.n).filter(|&j| j != i) {
                    let (p, gain) = smp.prob_gain(a, i, i, i, j);
                    if MIN_SIG_GAIN < gain && best_gain < gain {
                        best = Some((j, p, gain));
                        best_gain = gain;
                    }
                }
                best
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// Permuting the actors permutes the trajectory and leaves the
        /// outcome unchanged (to rounding: sums over actors change order).
        #[test]
        fn permuting_actors_permutes_the_trajectory(
            (actors, perm) in (2usize..=7, 1usize..=2)
                .prop_flat_map(|(n, d)| actors(n..=n, d))
                .prop_flat_map(|a| { let n = a.len(); (Just(a), Just((0..n).collect::<Vec<_>>()).prop_shuffle()) })
        ) {
            let params = SmpParams::default();
            let f = forecast(&input(&actors), &params, &options(8)).expect("forecast");
            let permuted: Vec<_> = perm.iter().map(|&p| actors[p].clone()).collect();
            let g = forecast(&input(&permuted), &params, &options(8)).expect("forecast");
            prop_assert_eq!(f.trajectory.len(), g.trajectory.len());
            prop_assert_eq!(f.stop, g.stop);
            for (fr, gr) in f.trajectory.iter().zip(&g.trajectory) {
                for (slot, &p) in perm.iter().enumerate() {
                    for (x, y) in gr[slot].iter().zip(&fr[p]) {
                        prop_assert!((x - y).abs() < 1e-9, "round {:?} vs {:?}", gr, fr);
                    }
                }
            }
            for (x, y) in f.outcome.iter().zip(&g.outcome) {
                prop_assert!((x - y).abs() < 1e-9, "{:?} vs {:?}", f.outcome, g.outcome);
            }
        }

        /// An actor holding all the capability keeps its position: alone,
        /// exactly; among actors of no capability, to KTAB's rounding of
        /// bargains (10⁻⁴), as a bargain's 10⁻⁶ floor weight can nudge it.
        #[test]
        fn all_capability_keeps_its_position(
            mut actors in (1usize..=6, 1usize..=2).prop_flat_map(|(n, d)| actors(n..=n, d)),
            who in 0usize..6,
        ) {
            let who = who % actors.len();
            for (a, actor) in actors.iter_mut().enumerate() {
                if a != who {
                    actor.0 = 0.0;
                }
            }
            let start = actors[who].1.clone();
            let f = forecast(&input(&actors), &SmpParams::default(), &options(12)).expect("forecast");
            for round in &f.trajectory {
                for (x, y) in round[who].iter().zip(&start) {
                    if actors.len() == 1 {
                        prop_assert_eq!(x, y);
                    } else {
                        prop_assert!((x - y).abs() <= 1e-4 + 1e-12, "{:?} from {:?}", round[who], start);
                    }
                }
            }
        }

        /// The pruned search for targets finds KTAB's target (up to 40
        /// actors: several blocks of voters), whichever targets it tries
        /// first, with ideals at the positions or (accommodation) apart.
        #[test]
        fn pruned_targets_are_ktabs_targets(actors in (2usize..=40, 1usize..=3).prop_flat_map(|(n, d)| actors(n..=n, d)),
                                            rule in 0usize..6, commit in 0usize..3, accommodate: bool,
                                            hint_step in 1usize..7) {
            let n = actors.len();
            let params = SmpParams {
                voting_rule: VotingRule::ALL[rule],
                third_party_commit: ThirdPartyCommit::ALL[commit],
                accommodation: accommodate
                    .then(|| (0..n).map(|i| (0..n).map(|j| if i == j { 0.5 } else { 0.0 }).collect()).collect()),
                ..SmpParams::default()
            };
            let smp = Smp::new(&input(&actors), &params).expect("model");
            let mut state = smp.initial_state();
            for _ in 0..3 {
                let mut a = smp.assess(&state);
                let ours = smp.best_targets(&a);
                // Last round's targets, as the search would be given them:
                // any target, the actor itself, or none.
                a.previous_target = (0..n).map(|i| (i % 5 != 4).then_some((i * hint_step + 1) % n)).collect();
                prop_assert_eq!(&smp.best_targets(&a), &ours);
                let ktab = brute_force_targets(&smp, &a);
                for (i, (o, k)) in ours.iter().zip(&ktab).enumerate() {
                    match (o, k) {
                        (None, None) => {}
                        (Some(o), Some(k)) => {
                            prop_assert_eq!(o.target, k.0);
                            prop_assert!((o.prob - k.1).abs() < 1e-12 && (o.gain - k.2).abs() < 1e-12);
                            let (_, target_gain) = smp.prob_gain(&a, i, o.target, i, o.target);
                            prop_assert!((o.target_gain - target_gain).abs() < 1e-12);
                        }
                        _ => prop_assert!(false, "{:?} vs {:?}", o, k),
                    }
                }
                state = smp.turn(&state, &a, |_, _, p| most_probable(p)).next;
            }
        }
    }
}
