//! The search for every actor's best target (`bestChallengeUtils`,
//! `bestChallenge`), by branch and bound over targets and blocks of voters.
//!
//! Actor i's gain from challenging j, in its own eyes, is
//! ΔEU = (uᵢᵢ − uᵢⱼ)(1 − 2Sⱼ(1 − φ)) with φ = Cᵢⱼ/(Cᵢⱼ + Cⱼᵢ), where the
//! strengths Cᵢⱼ = cᵢ + Σₙ max(vₙ, 0) and Cⱼᵢ = cⱼ + Σₙ max(−vₙ, 0) add the
//! third parties' votes vₙ to the principals' cᵢ, cⱼ ([`super::tp_vote`]).
//! Evaluating one target takes a pass over every third party, and an actor
//! has n − 1 targets, so finding every actor's target by brute force costs
//! n³ votes a round. Most of them can be skipped without changing the
//! answer, because each vote is bounded:
//!
//! - Under SemiCommit, n compares U(ik > j) − U(i > jk) =
//!   p(uₙₙ − uₙᵢ) + (1 − p)(uₙⱼ − uₙₙ) for some p ∈ [0, 1]; as no utility
//!   exceeds 1, this is at most Δₙ = max(0, uₙₙ − uₙᵢ, 1 − uₙₙ), which does
//!   not depend on j. Votes grow with the utility difference under every
//!   rule, so max(vₙ, 0) ≤ vote(wₙ, Δₙ, 0), n's *potential*. (Under
//!   FullCommit and NoCommit third parties do not vote at all.)
//! - φ grows with Cᵢⱼ and falls with Cⱼᵢ, and when uᵢᵢ ≥ uᵢⱼ, ΔEU grows
//!   with φ. So once the votes of some voters are summed exactly, counting
//!   every other voter's potential for i and nothing for j bounds ΔEU from
//!   above; before any vote, φ ≤ 1 gives ΔEU ≤ uᵢᵢ − uᵢⱼ (and
//!   ΔEU ≤ (uᵢⱼ − uᵢᵢ)(2Sⱼ − 1) when that difference is negative).
//!
//! The voters are the actors in the order of their positions, cut into
//! blocks of [`LANES`]. For each initiator the blocks are visited in
//! decreasing order of potential (voters far from i's position first), so
//! that the bound tightens fast, and the targets are tried in decreasing
//! order of their first bound. A target is dropped as soon as its bound
//! falls below the best gain found so far; a target whose exact gain ties
//! the best is never dropped (its bound is at least its gain). The answer
//! is therefore KTAB's, the first j in index order with the largest gain
//! above [`MIN_SIG_GAIN`]. An actor's target of the previous round is tried
//! before all others, as it is often this round's too. Only the order in which a target's votes are
//! added, and the arithmetic of one vote (collected terms, see
//! [`third_party_vote`]), differ from KTAB's, so its numbers agree with
//! KTAB's to rounding.

use super::kernel::{self, bs_util, vote};
use super::params::{ThirdPartyCommit, VotingRule};
use super::{Assessment, MIN_SIG_GAIN, PARALLEL_ACTORS, Smp, Target, tp_vote};

/// Voters per block: one block's votes are formed together (and vectorise).
pub(super) const LANES: usize = 8;
/// Blocks summed between two checks of a target's bound.
const CHECK_EVERY: usize = 2;
/// Bounds are exact algebra; this covers the rounding of ΔEU and of the
/// sums of potentials.
const SLACK: f64 = 1e-9;
/// Added to each voter's Δₙ against the rounding of U(ik > j) − U(i > jk).
const DELTA_MARGIN: f64 = 1e-14;

/// A state's actors as voters: sorted by position (ties by index), so that
/// a block holds nearby actors, and padded to whole blocks with voters of
/// no weight. Distances d enter as 1 − d and min(d, 1), so that
/// u(d, R) = (1 − d)(1 + min(d, 1)·R) is [`bs_util`]'s arithmetic in both of
/// its branches. Built once per state by [`Frame::build`].
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Frame {
    /// Voter slots, a multiple of [`LANES`].
    slots: usize,
    /// `slot[a]`: actor a's slot; `actor[k]`: the actor in slot k.
    slot: Vec<usize>,
    actor: Vec<usize>,
    /// `near[j * slots + k]` = 1 − d and `reach[j * slots + k]` = min(d, 1),
    /// d the distance from the ideal of the actor in slot k to actor j's
    /// position (padding: d = 0).
    near: Vec<f64>,
    reach: Vec<f64>,
    /// The same for each voter's own position.
    own_near: Vec<f64>,
    own_reach: Vec<f64>,
    /// Challenge weights Sₐcₐ and risk attitudes by slot (0 in padding).
    weight: Vec<f64>,
    risk: Vec<f64>,
}

impl Frame {
    /// The frame of the state `positions` (`n × dims`) as `a` assesses it;
    /// `a.distance_t` and `a.risk` must be filled.
    pub(super) fn build(&mut self, smp: &Smp, positions: &[f64], a: &Assessment) {
        let n = smp.n;
        let slots = n.div_ceil(LANES) * LANES;
        if self.slots != slots || self.slot.len() != n {
            // Padding, which the loops below leave alone: d = 0, no weight.
            *self = Frame {
                slots,
                slot: vec![0; n],
                actor: Vec::with_capacity(n),
                near: vec![1.0; n * slots],
                reach: vec![0.0; n * slots],
                own_near: vec![1.0; slots],
                own_reach: vec![0.0; slots],
                weight: vec![0.0; slots],
                risk: vec![0.0; slots],
            };
        }
        self.actor.clear();
        self.actor.extend(0..n);
        self.actor.sort_by(|&x, &y| {
            let (px, py) = (smp.row(positions, x), smp.row(positions, y));
            px.iter().zip(py).map(|(u, v)| u.total_cmp(v)).find(|o| o.is_ne()).unwrap_or(x.cmp(&y))
        });
        for (k, &m) in self.actor.iter().enumerate() {
            let d = a.distance_t[m * n + m];
            self.slot[m] = k;
            self.own_near[k] = 1.0 - d;
            self.own_reach[k] = d.min(1.0);
            self.weight[k] = smp.challenge_weight[m];
            self.risk[k] = a.risk[m];
        }
        for j in 0..n {
            let column = &a.distance_t[j * n..(j + 1) * n];
            let near = &mut self.near[j * slots..j * slots + n];
            let reach = &mut self.reach[j * slots..j * slots + n];
            for ((near, reach), &m) in near.iter_mut().zip(reach).zip(&self.actor) {
                let d = column[m];
                *near = 1.0 - d;
                *reach = d.min(1.0);
            }
        }
    }
}

/// Per-thread working space of the search.
#[derive(Debug, Default)]
pub(super) struct Work {
    /// By slot, in i's eyes: each voter's risk attitude, Uⁱₙᵢ, Uⁱₙₙ,
    /// 2Uⁱₙₙ − Uⁱₙᵢ, the third-party weights (i's zeroed) and potentials.
    risk: Vec<f64>,
    col_i: Vec<f64>,
    diag: Vec<f64>,
    stake: Vec<f64>,
    weight: Vec<f64>,
    potential: Vec<f64>,
    /// Blocks in decreasing order of potential; `rest[t]`, the potential of
    /// the blocks from the t-th on in that order.
    blocks: Vec<usize>,
    block_potential: Vec<f64>,
    rest: Vec<f64>,
    /// The order in which targets are tried, on several issues.
    order: Vec<usize>,
}

/// (1 − Sⱼ)·2uₖᵢ + Sⱼ(P(i > j)·2uₖᵢ + P(j > i)·2uₖⱼ) − (uₖᵢ + uₖⱼ): the
/// expected change in k's utility (`Smp::gain`).
#[inline(always)]
fn gain(uki: f64, ukj: f64, sj: f64, phij: f64, phji: f64) -> f64 {
    let (eu_sq, eu_vict, eu_lose) = (uki + ukj, uki + uki, ukj + ukj);
    let eu_chlg = (1.0 - sj) * eu_vict + sj * (phij * eu_vict + phji * eu_lose);
    eu_chlg - eu_sq
}

/// Third party n's vote in "i challenges j" (SemiCommit) from its
/// utilities uₙᵢ, uₙⱼ, uₙₙ and `stake` = 2uₙₙ − uₙᵢ: [`super::tp_vote`] with
/// its terms collected. n's little-conflict estimate is
/// p = (cᵢ + max(e, 0))/(cᵢ + cⱼ + |e|), e its vote on i against j, and
/// U(ik > j) − U(i > jk) = p(uₙₙ − uₙᵢ) − (1 − p)(uₙₙ − uₙⱼ)
/// = p(stake − uₙⱼ) − (uₙₙ − uₙⱼ). Equal to `tp_vote` to rounding; under the
/// Binary and PropBin rules, whose binary part would turn a rounding
/// difference at indifference into a whole vote, `tp_vote` itself is used.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn third_party_vote<const R: u8, const C: u8>(
    w: f64,
    uni: f64,
    unj: f64,
    unn: f64,
    stake: f64,
    ci: f64,
    cj: f64,
    cij: f64,
) -> f64 {
    let rule = kernel::rule_of(R);
    if matches!(rule, VotingRule::Binary | VotingRule::PropBin) {
        return tp_vote::<R, C>(w, uni, unj, unn, ci, cj);
    }
    let e = vote(rule, w, uni, unj);
    let p = (ci + e.max(0.0)) / (cij + e.abs());
    let du = p * (stake - unj) - (unn - unj);
    vote(rule, w, du, 0.0)
}

/// The data of one block of voters, in i's eyes.
#[derive(Clone, Copy)]
struct Block<'a> {
    col_i: &'a [f64; LANES],
    diag: &'a [f64; LANES],
    stake: &'a [f64; LANES],
    risk: &'a [f64; LANES],
}

/// Adds one block's third-party votes to `pos` (Σ max(v, 0)) and `neg`
/// (Σ min(v, 0)), lane by lane; `near` and `reach` describe the distances
/// from the block's voters to j's position (see [`Frame`]).
#[inline(always)]
fn add_block<const R: u8, const C: u8>(
    b: Block<'_>,
    weight: &[f64; LANES],
    near: &[f64; LANES],
    reach: &[f64; LANES],
    (ci, cj): (f64, f64),
    pos: &mut [f64; LANES],
    neg: &mut [f64; LANES],
) {
    let cij = ci + cj;
    for l in 0..LANES {
        let unj = near[l] * (1.0 + reach[l] * b.risk[l]);
        let v = third_party_vote::<R, C>(weight[l], b.col_i[l], unj, b.diag[l], b.stake[l], ci, cj, cij);
        pos[l] += v.max(0.0);
        neg[l] += v.min(0.0);
    }
}

/// Block `b` of a by-slot vector.
#[inline(always)]
fn lanes(v: &[f64], b: usize) -> &[f64; LANES] {
    v[b * LANES..(b + 1) * LANES].try_into().expect("slots come in whole blocks")
}

#[inline(always)]
fn sum_lanes(x: &[f64; LANES]) -> f64 {
    ((x[0] + x[1]) + (x[2] + x[3])) + ((x[4] + x[5]) + (x[6] + x[7]))
}

impl Smp {
    /// Every actor's best target (see [`Smp::best_targets`]).
    pub(super) fn search_targets<const R: u8, const C: u8>(&self, a: &Assessment) -> Vec<Option<Target>> {
        let n = self.n;
        if n >= PARALLEL_ACTORS {
            use rayon::prelude::*;
            // A handful of actors per job, so that each job's working space
            // serves several of them.
            (0..n)
                .into_par_iter()
                .with_min_len(8)
                .map_init(Work::default, |w, i| self.search::<R, C>(a, i, w))
                .collect()
        } else {
            let mut w = Work::default();
            (0..n).map(|i| self.search::<R, C>(a, i, &mut w)).collect()
        }
    }

    /// Actor i's best target; see the module documentation.
    fn search<const R: u8, const C: u8>(&self, a: &Assessment, i: usize, wk: &mut Work) -> Option<Target> {
        let rule = kernel::rule_of(R);
        let semi = kernel::commit_of(C) == ThirdPartyCommit::SemiCommit;
        let n = self.n;
        let f = &a.frame;
        let slots = f.slots;
        let ri = a.risk[i];

        // Uⁱ by voter slot: column i and the diagonal; the third-party
        // weights, i's zeroed (principals cast no third-party vote: a zero
        // weight votes exactly 0); and each voter's potential.
        for v in [&mut wk.risk, &mut wk.col_i, &mut wk.diag, &mut wk.stake, &mut wk.weight, &mut wk.potential] {
            v.clear();
            v.resize(slots, 0.0);
        }
        kernel::est_risks(ri, &f.risk, self.params.big_r_adjust, &mut wk.risk);
        let si = f.slot[i];
        let (near_i, reach_i) = (&f.near[i * slots..(i + 1) * slots], &f.reach[i * slots..(i + 1) * slots]);
        for k in 0..slots {
            let r = wk.risk[k];
            let x = near_i[k] * (1.0 + reach_i[k] * r);
            let z = f.own_near[k] * (1.0 + f.own_reach[k] * r);
            let w = if k == si { 0.0 } else { f.weight[k] };
            wk.col_i[k] = x;
            wk.diag[k] = z;
            wk.stake[k] = (z + z) - x;
            wk.weight[k] = w;
            let delta = (z - x).max(1.0 - z).max(0.0) + DELTA_MARGIN;
            wk.potential[k] = vote(rule, w, delta, 0.0).max(0.0);
        }

        // Potentials, blocks by decreasing potential, and what is left after
        // each block.
        let n_blocks = if semi { slots / LANES } else { 0 };
        wk.blocks.clear();
        wk.rest.clear();
        wk.rest.resize(n_blocks + 1, 0.0);
        if semi {
            wk.block_potential.clear();
            wk.block_potential.extend((0..n_blocks).map(|b| sum_lanes(lanes(&wk.potential, b))));
            let block_potential = &wk.block_potential;
            wk.blocks.extend(0..n_blocks);
            wk.blocks.sort_unstable_by(|&x, &y| block_potential[y].total_cmp(&block_potential[x]).then(x.cmp(&y)));
            for t in (0..n_blocks).rev() {
                wk.rest[t] = wk.rest[t + 1] + block_potential[wk.blocks[t]];
            }
            // Sums of non-negative terms: a relative margin covers rounding.
            wk.rest.iter_mut().for_each(|r| *r *= 1.0 + 1e-12);
        }

        // Targets are tried from the most promising by the first bound
        // (module documentation), which falls as the distance from i's
        // ideal to j's position grows; on one issue that order is the
        // positions' order taken from both ends inward, otherwise the
        // targets are sorted. Where the first bounds fall along the order
        // (targets sorted by it, or i at its ideal, where uᵢᵢ = 1 is no
        // less than any uᵢⱼ), the search stops at the first target whose
        // bound is below the bar; otherwise it only skips that target.
        let (uii, rii) = (wk.col_i[si], wk.risk[si]);
        let row_i = &a.distance[i * n..(i + 1) * n];
        let first_bound = |j: usize, uij: f64| {
            let du = uii - uij;
            if du >= 0.0 { du } else { -du * (2.0 * self.salience_total[j] - 1.0) }
        };
        wk.order.clear();
        let sorted = self.dims > 1 || row_i[i] == 0.0;
        if self.dims > 1 {
            // Positive bounds order as their bits; j goes in the low bits.
            let low = (n.next_power_of_two() - 1) as u64;
            let mut keys: Vec<u64> = (0..n)
                .filter(|&j| j != i)
                .map(|j| (first_bound(j, bs_util(row_i[j], rii)), j))
                .filter(|&(b, _)| b + SLACK >= MIN_SIG_GAIN)
                .map(|(b, j)| !((b.to_bits() & !low) | (low - j as u64)))
                .collect();
            keys.sort_unstable();
            wk.order.extend(keys.iter().map(|&k| (low - (!k & low)) as usize));
        }
        // Several issues: the sorted targets; one issue: the positions'
        // order from both ends inward, drawn as the search goes.
        let (mut lo, mut hi, mut next) = (0, n, 0);
        let wk = &*wk;
        let ordered = std::iter::from_fn(|| {
            if self.dims > 1 {
                next += 1;
                return wk.order.get(next - 1).copied();
            }
            if lo >= hi {
                return None;
            }
            let (x, y) = (f.actor[lo], f.actor[hi - 1]);
            if row_i[x] >= row_i[y] {
                lo += 1;
                Some(x)
            } else {
                hi -= 1;
                Some(y)
            }
        });
        // Last round's target first (module documentation), then the rest
        // in order; `true` marks the hint, which the order does not bound.
        let hint = a.previous_target.get(i).copied().flatten().filter(|&j| j != i && j < n);
        let targets = hint
            .map(|j| (j, true))
            .into_iter()
            .chain(ordered.filter(|&j| j != i && Some(j) != hint).map(|j| (j, false)));

        let mut best: Option<Target> = None;
        let mut bar = MIN_SIG_GAIN;
        for (j, hinted) in targets {
            let uij = bs_util(row_i[j], rii);
            if first_bound(j, uij) + SLACK < bar {
                if sorted && !hinted {
                    break;
                }
                continue;
            }
            let j_slot = f.slot[j];
            let (uji, ujj) = (wk.col_i[j_slot], wk.diag[j_slot]);
            let contrib_i = vote(rule, self.challenge_weight[i], uii, uij);
            let contrib_j = vote(rule, self.challenge_weight[j], uji, ujj);
            // KTAB adds each contribution to the side it favours; adding 0 is exact.
            let ci = kernel::MIN_CONTRIBUTION + contrib_i.max(0.0) + contrib_j.max(0.0);
            let cj = kernel::MIN_CONTRIBUTION + (-contrib_i).max(0.0) + (-contrib_j).max(0.0);
            let sj = self.salience_total[j];
            let Some((pos, neg)) = self.third_parties::<R, C>(wk, f, j, (ci, cj), uii - uij, sj, bar) else {
                continue;
            };
            let (chij, chji) = (ci + pos, cj + neg);
            let (phij, phji) = (chij / (chij + chji), chji / (chij + chji));
            let g = gain(uii, uij, sj, phij, phji);
            let better = match best {
                None => g > MIN_SIG_GAIN,
                Some(b) => g > b.gain || (g == b.gain && j < b.target),
            };
            if better {
                let target_gain = gain(uji, ujj, sj, phij, phji);
                best = Some(Target { target: j, prob: phij, gain: g, target_gain });
                bar = g;
            }
        }
        best
    }

    /// The third parties' votes in "i challenges j" (i's perspective in
    /// `wk`): (Σ max(v, 0), Σ max(−v, 0)), or `None` as soon as the bound
    /// shows that j's gain, `du`(1 − 2Sⱼ(1 − φ)), cannot reach `bar`.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn third_parties<const R: u8, const C: u8>(
        &self,
        wk: &Work,
        f: &Frame,
        j: usize,
        (ci, cj): (f64, f64),
        du: f64,
        sj: f64,
        bar: f64,
    ) -> Option<(f64, f64)> {
        let slots = f.slots;
        let n_blocks = wk.blocks.len();
        let (near, reach) = (&f.near[j * slots..(j + 1) * slots], &f.reach[j * slots..(j + 1) * slots]);
        let (j_block, j_lane) = (f.slot[j] / LANES, f.slot[j] % LANES);
        let (mut pos, mut neg) = ([0.0; LANES], [0.0; LANES]);
        for (t, &b) in wk.blocks.iter().enumerate() {
            let block = Block {
                col_i: lanes(&wk.col_i, b),
                diag: lanes(&wk.diag, b),
                stake: lanes(&wk.stake, b),
                risk: lanes(&wk.risk, b),
            };
            let (weight, near, reach) = (lanes(&wk.weight, b), lanes(near, b), lanes(reach, b));
            if b == j_block {
                // j is a principal, not a third party.
                let mut w = *weight;
                w[j_lane] = 0.0;
                add_block::<R, C>(block, &w, near, reach, (ci, cj), &mut pos, &mut neg);
            } else {
                add_block::<R, C>(block, weight, near, reach, (ci, cj), &mut pos, &mut neg);
            }
            // With A = cᵢ + pos + rest and B = cⱼ + neg the bound
            // du(1 − 2Sⱼ·B/(A + B)) is below the bar iff
            // (du − bar)(A + B) < 2Sⱼ·du·B (no division).
            if du >= 0.0 && t % CHECK_EVERY == CHECK_EVERY - 1 && t + 1 < n_blocks {
                let a_side = ci + sum_lanes(&pos) + wk.rest[t + 1];
                let b_side = cj - sum_lanes(&neg);
                if (du + SLACK - bar) * (a_side + b_side) < 2.0 * sj * du * b_side {
                    return None;
                }
            }
        }
        Some((sum_lanes(&pos), -sum_lanes(&neg)))
    }
}
