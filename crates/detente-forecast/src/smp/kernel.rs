//! The scalar pieces of KTAB's SMP: utility, votes, victory probabilities,
//! coalitions, the probabilistic Condorcet election, risk attitudes, the
//! third-party vote and bargain interpolation. Each function names the KTAB
//! function it restates (`lsyaseen/KTAB`, `KTAB/kmodel/libsrc/kmodel.cpp`
//! and `examples/smp/libsrc/smp.cpp`); the arithmetic follows KTAB's order of
//! operations, so results agree with KTAB's to rounding.

/// Runs `$body` with `$R` bound to `rule` as a const-generic code.
macro_rules! with_rule {
    ($rule:expr, $R:ident => $body:expr) => {
        match $rule {
            VotingRule::Binary => {
                const $R: u8 = 0;
                $body
            }
            VotingRule::PropBin => {
                const $R: u8 = 1;
                $body
            }
            VotingRule::Proportional => {
                const $R: u8 = 2;
                $body
            }
            VotingRule::PropCbc => {
                const $R: u8 = 3;
                $body
            }
            VotingRule::Cubic => {
                const $R: u8 = 4;
                $body
            }
            VotingRule::ASymProsp => {
                const $R: u8 = 5;
                $body
            }
        }
    };
}

/// Runs `$body` with `$C` bound to `commit` as a const-generic code.
macro_rules! with_commit {
    ($commit:expr, $C:ident => $body:expr) => {
        match $commit {
            ThirdPartyCommit::NoCommit => {
                const $C: u8 = 0;
                $body
            }
            ThirdPartyCommit::SemiCommit => {
                const $C: u8 = 1;
                $body
            }
            ThirdPartyCommit::FullCommit => {
                const $C: u8 = 2;
                $body
            }
        }
    };
}
pub(crate) use {with_commit, with_rule};

use super::params::{BigRAdjust, BigRRange, InterVecBrgn, PceModel, ThirdPartyCommit, VictoryProbModel, VotingRule};

/// The strength every coalition starts with, so that no victory probability
/// is 0/0 (`minC` in `Model::coalitions`).
pub const MIN_COALITION: f64 = 1e-8;

/// The strength each side of a challenge starts with (`minCltn` in
/// `SMPState::probEduChlg`).
pub const MIN_CONTRIBUTION: f64 = 1e-10;

/// Binary voting's tolerance: a utility difference of this much or more is a
/// full vote (`sTol` in `Model::vote`).
pub const BINARY_TOLERANCE: f64 = 1e-8;

/// Iteration cap of the Markov PCEs (`iMax` in `markovIncentivePCE` and
/// `markovUniformPCE`). KTAB throws past it; here the last iterate is
/// returned.
pub const MARKOV_MAX_ITER: usize = 1000;

/// Utility of a salience-weighted distance `d` for risk attitude `r`
/// (`SMPModel::bsUtil`, `smp.cpp`):
/// u = (1 − d)(1 + d·R) for d ≤ 1, and (1 − d)(1 + R) beyond (round-off can
/// push d slightly over 1). R = +1 is risk-averse (concave), −1 risk-seeking.
#[inline]
pub fn bs_util(d: f64, r: f64) -> f64 {
    if d <= 1.0 { (1.0 - d) * (1.0 + d * r) } else { (1.0 - d) * (1.0 + r) }
}

/// Salience-weighted distance between `x` and `y` for saliences `s`
/// (`SMPModel::bvDiff`, `smp.cpp`):
/// d = √( Σₖ (sₖ(xₖ − yₖ))² / Σₖ sₖ² ).
/// `s_sq_sum` is Σₖ sₖ² (precomputed per actor). KTAB asserts Σₖ sₖ² > 0;
/// an actor with no salience anywhere is taken here to see no distance
/// (it is indifferent between all positions).
#[inline]
pub fn bv_diff(x: &[f64], y: &[f64], s: &[f64], s_sq_sum: f64) -> f64 {
    let mut ds_sq = 0.0;
    for ((&xk, &yk), &sk) in x.iter().zip(y).zip(s) {
        let ds = (xk - yk) * sk;
        ds_sq += ds * ds;
    }
    if s_sq_sum > 0.0 { (ds_sq / s_sq_sum).sqrt() } else { 0.0 }
}

/// The vote of an actor with weight `w` for option i over option j, given
/// its utilities `ui`, `uj` of them (`Model::vote`, `kmodel.cpp`); see
/// [`VotingRule`] for the rules. KTAB throws on a weight ≤ 0; a zero weight
/// here simply votes 0.
#[inline(always)]
pub fn vote(rule: VotingRule, w: f64, ui: f64, uj: f64) -> f64 {
    const RBP: f64 = 0.2; // PropBin's binary share
    const RPC: f64 = 0.5; // PropCbc's cubic share
    let du = ui - uj;
    match rule {
        VotingRule::Binary => w * binary(du),
        VotingRule::PropBin => w * ((1.0 - RBP) * du + RBP * binary(du)),
        VotingRule::Proportional => w * du,
        VotingRule::PropCbc => w * ((1.0 - RPC) * du + RPC * (du * du * du)),
        VotingRule::Cubic => w * (du * du * du),
        VotingRule::ASymProsp => {
            if du < 0.0 {
                w * du
            } else if du > 0.0 {
                (2.0 * w * du) / 3.0
            } else {
                0.0
            }
        }
    }
}

#[inline(always)]
fn binary(du: f64) -> f64 {
    (du / BINARY_TOLERANCE).clamp(-1.0, 1.0)
}

/// P(1 > 2) and P(2 > 1) from coalition strengths `s1`, `s2`
/// (`Model::vProb(VPModel, double, double)`, `kmodel.cpp`); see
/// [`VictoryProbModel`].
pub fn victory_prob(vpm: VictoryProbModel, s1: f64, s2: f64) -> (f64, f64) {
    const THRESH: f64 = 1.10;
    const MIN_X: f64 = 1e-6;
    let (x1, x2) = match vpm {
        VictoryProbModel::Linear => (s1, s2),
        VictoryProbModel::Square => (s1 * s1, s2 * s2),
        VictoryProbModel::Quartic => (qrtc(s1), qrtc(s2)),
        VictoryProbModel::Octic => {
            let (q1, q2) = (qrtc(s1), qrtc(s2));
            (q1 * q1, q2 * q2)
        }
        VictoryProbModel::Binary => {
            if s1 >= THRESH * s2 {
                (1.0, MIN_X)
            } else if s2 >= THRESH * s1 {
                (MIN_X, 1.0)
            } else {
                let r12 = s1 / (s1 + s2);
                let p12 = (r12 * (THRESH + 1.0) - 1.0) / (THRESH - 1.0);
                (p12, 1.0 - p12)
            }
        }
    };
    (x1 / (x1 + x2), x2 / (x1 + x2))
}

#[inline]
fn qrtc(x: f64) -> f64 {
    let x2 = x * x;
    x2 * x2
}

/// Coalition strengths over `n_opt` options (`Model::coalitions`,
/// `kmodel.cpp`): for i ≠ j, with vₖ = vote(wₖ, uₖᵢ, uₖⱼ) computed for i > j,
/// C(i, j) = 10⁻⁸ + Σₖ max(0, vₖ) and C(j, i) = 10⁻⁸ + Σₖ max(0, −vₖ);
/// C(i, i) = 10⁻⁸. `util_by_option[o * n_act + k]` is actor k's utility of
/// option o; `out` is `n_opt × n_opt`, row-major.
pub fn coalitions(rule: VotingRule, weights: &[f64], util_by_option: &[f64], n_opt: usize, out: &mut [f64]) {
    with_rule!(rule, R => coalitions_k::<R>(weights, util_by_option, n_opt, out))
}

fn coalitions_k<const R: u8>(weights: &[f64], util_by_option: &[f64], n_opt: usize, out: &mut [f64]) {
    debug_assert_eq!(util_by_option.len(), weights.len() * n_opt);
    debug_assert_eq!(out.len(), n_opt * n_opt);
    for i in 0..n_opt {
        for j in 0..i {
            let (cij, cji) = coalition_pair::<R>(weights, util_by_option, i, j);
            out[i * n_opt + j] = cij;
            out[j * n_opt + i] = cji;
        }
        out[i * n_opt + i] = MIN_COALITION;
    }
}

/// [`coalitions`] of the risk-neutral PCE over actors' positions on one
/// issue, under the proportional rule, in O(n² + n log n) instead of O(n³).
///
/// On one issue the salience-weighted distance is |q − x| (`salience`
/// cancels; an actor with none is indifferent and votes 0), so voter k at
/// ideal qₖ with weight wₖ votes wₖ(|qₖ − x_b| − |qₖ − x_a|) for a over b
/// (risk-neutral utility is 1 − d). With x_a < x_b, δ = x_b − x_a and
/// m = (x_a + x_b)/2, that vote is wₖδ for qₖ ≤ x_a, wₖ(x_a + x_b − 2qₖ)
/// for x_a < qₖ < x_b, and −wₖδ for qₖ ≥ x_b. So, with the voters sorted by
/// ideal and prefix sums W of wₖ and Q of wₖqₖ,
/// C(a, b) = 10⁻⁸ + δ·W(qₖ ≤ x_a) + Σ_{x_a < qₖ < m} wₖ(x_a + x_b − 2qₖ)
/// and C(b, a) = 10⁻⁸ + δ·W(qₖ ≥ x_b) + Σ_{m < qₖ < x_b} wₖ(2qₖ − x_a − x_b),
/// each range sum taken from W and Q, once per pair of distinct positions.
/// Equal positions get 10⁻⁸ both ways, as every vote between them is 0.
/// The sums are the same as [`coalitions`]' to rounding (each carries
/// rounding noise of about 10⁻¹⁶·Σw, as do [`coalitions`]' own).
/// Where few voters lie between two positions, their votes are summed one
/// by one rather than as a difference of prefix sums (see below).
/// `capability`, `salience`, `ideals` and `positions` are per actor, and
/// `out` is `n × n`. With `parallel`, the distinct positions' rows are
/// spread over rayon's threads.
pub fn coalitions_1d_proportional(
    capability: &[f64],
    salience: &[f64],
    ideals: &[f64],
    positions: &[f64],
    parallel: bool,
    out: &mut [f64],
) {
    let n = positions.len();
    debug_assert_eq!(out.len(), n * n);
    let mut voters: Vec<(f64, f64)> =
        (0..n).filter(|&k| salience[k] > 0.0).map(|k| (ideals[k], capability[k])).collect();
    voters.sort_by(|x, y| x.0.total_cmp(&y.0));
    let m = voters.len();
    let mut w_sum = vec![0.0; m + 1];
    let mut q_sum = vec![0.0; m + 1];
    for (k, &(q, w)) in voters.iter().enumerate() {
        w_sum[k + 1] = w_sum[k] + w;
        q_sum[k + 1] = q_sum[k] + w * q;
    }
    let q = |k: usize| voters[k].0;
    // Up to this many voters between two positions are summed one by one.
    const DIRECT: usize = 24;
    // Distinct positions, ascending, and the group of each actor.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| positions[x].total_cmp(&positions[y]).then(x.cmp(&y)));
    let mut distinct: Vec<f64> = Vec::new();
    let mut group = vec![0; n];
    for &a in &order {
        if distinct.last() != Some(&positions[a]) {
            distinct.push(positions[a]);
        }
        group[a] = distinct.len() - 1;
    }
    // Row g: (C(g, h), C(h, g)) for the distinct positions h > g.
    let row = |g: usize| -> Vec<(f64, f64)> {
        let xa = distinct[g];
        // Voters up to x_a; below the midpoint; up to it; below x_b.
        let below_a = voters.partition_point(|v| v.0 <= xa);
        let (mut below_mid, mut to_mid, mut below_b) = (below_a, below_a, below_a);
        (g + 1..distinct.len())
            .map(|h| {
                let xb = distinct[h];
                let mid = 0.5 * (xa + xb);
                while below_mid < m && q(below_mid) < mid {
                    below_mid += 1;
                }
                while to_mid < m && q(to_mid) <= mid {
                    to_mid += 1;
                }
                while below_b < m && q(below_b) < xb {
                    below_b += 1;
                }
                let (delta, sum) = (xb - xa, xa + xb);
                // The voters strictly between: a difference of prefix sums
                // carries rounding of some 10⁻¹⁶·Σwq, which would show in
                // the victory probabilities of nearby positions, whose
                // strengths are small; a few voters are summed one by one.
                let (near_a, near_b) = if below_b - below_a <= DIRECT {
                    let near_a: f64 = voters[below_a..below_mid].iter().map(|&(q, w)| w * (sum - 2.0 * q)).sum();
                    let near_b: f64 = voters[to_mid..below_b].iter().map(|&(q, w)| w * (2.0 * q - sum)).sum();
                    (near_a, near_b)
                } else {
                    (
                        sum * (w_sum[below_mid] - w_sum[below_a]) - 2.0 * (q_sum[below_mid] - q_sum[below_a]),
                        2.0 * (q_sum[below_b] - q_sum[to_mid]) - sum * (w_sum[below_b] - w_sum[to_mid]),
                    )
                };
                (
                    MIN_COALITION + (delta * w_sum[below_a] + near_a.max(0.0)),
                    MIN_COALITION + (delta * (w_sum[m] - w_sum[below_b]) + near_b.max(0.0)),
                )
            })
            .collect()
    };
    let u = distinct.len();
    let rows: Vec<Vec<(f64, f64)>> = if parallel {
        use rayon::prelude::*;
        (0..u).into_par_iter().with_min_len(8).map(row).collect()
    } else {
        (0..u).map(row).collect()
    };
    // Equal positions get 10⁻⁸ both ways: every vote between them is 0.
    let mut table = vec![MIN_COALITION; u * u];
    for (g, row) in rows.iter().enumerate() {
        for (h, &(cgh, chg)) in (g + 1..).zip(row) {
            table[g * u + h] = cgh;
            table[h * u + g] = chg;
        }
    }
    for (a, out) in out.chunks_exact_mut(n).enumerate() {
        let from = &table[group[a] * u..(group[a] + 1) * u];
        for (c, &gb) in out.iter_mut().zip(&group) {
            *c = from[gb];
        }
    }
}

/// [`coalitions`] with the rows spread over rayon's threads (same result).
pub fn coalitions_parallel(rule: VotingRule, weights: &[f64], util_by_option: &[f64], n_opt: usize, out: &mut [f64]) {
    use rayon::prelude::*;
    with_rule!(rule, R => {
        let rows: Vec<Vec<(f64, f64)>> = (0..n_opt)
            .into_par_iter()
            .map(|i| (0..i).map(|j| coalition_pair::<R>(weights, util_by_option, i, j)).collect())
            .collect();
        for (i, row) in rows.iter().enumerate() {
            for (j, &(cij, cji)) in row.iter().enumerate() {
                out[i * n_opt + j] = cij;
                out[j * n_opt + i] = cji;
            }
            out[i * n_opt + i] = MIN_COALITION;
        }
    })
}

/// (C(i, j), C(j, i)), summed in four interleaved partial sums so that the
/// loop vectorises (KTAB adds one by one; the totals agree to rounding).
#[inline(always)]
fn coalition_pair<const R: u8>(weights: &[f64], util_by_option: &[f64], i: usize, j: usize) -> (f64, f64) {
    let n_act = weights.len();
    let rule = rule_of(R);
    let ui = &util_by_option[i * n_act..(i + 1) * n_act];
    let uj = &util_by_option[j * n_act..(j + 1) * n_act];
    let mut pos = [0.0f64; 4];
    let mut neg = [0.0f64; 4];
    let (wc, ic, jc) = (weights.chunks_exact(4), ui.chunks_exact(4), uj.chunks_exact(4));
    let tail = (wc.remainder(), ic.remainder(), jc.remainder());
    for ((w, a), b) in wc.zip(ic).zip(jc) {
        for l in 0..4 {
            let v = vote(rule, w[l], a[l], b[l]);
            pos[l] += v.max(0.0);
            neg[l] += (-v).max(0.0);
        }
    }
    for ((&w, &a), &b) in tail.0.iter().zip(tail.1).zip(tail.2) {
        let v = vote(rule, w, a, b);
        pos[0] += v.max(0.0);
        neg[0] += (-v).max(0.0);
    }
    (MIN_COALITION + ((pos[0] + pos[1]) + (pos[2] + pos[3])), MIN_COALITION + ((neg[0] + neg[1]) + (neg[2] + neg[3])))
}

/// A voting rule as a const-generic code (for monomorphised inner loops).
#[inline(always)]
pub(crate) const fn rule_of(code: u8) -> VotingRule {
    match code {
        0 => VotingRule::Binary,
        1 => VotingRule::PropBin,
        2 => VotingRule::Proportional,
        3 => VotingRule::PropCbc,
        4 => VotingRule::Cubic,
        _ => VotingRule::ASymProsp,
    }
}

/// A third-party commitment as a const-generic code.
#[inline(always)]
pub(crate) const fn commit_of(code: u8) -> ThirdPartyCommit {
    match code {
        0 => ThirdPartyCommit::NoCommit,
        1 => ThirdPartyCommit::SemiCommit,
        _ => ThirdPartyCommit::FullCommit,
    }
}

/// Pairwise victory probabilities from coalition strengths
/// (`Model::vProb(VPModel, const KMatrix&)`, `kmodel.cpp`):
/// P(i > j) from (C(i, j), C(j, i)) by the VPM, P(i > i) = ½.
pub fn victory_matrix(vpm: VictoryProbModel, c: &[f64], n: usize, out: &mut [f64]) {
    for i in 0..n {
        for j in 0..i {
            let (pij, pji) = victory_prob(vpm, c[i * n + j], c[j * n + i]);
            out[i * n + j] = pij;
            out[j * n + i] = pji;
        }
        out[i * n + i] = 0.5;
    }
}

/// The probabilistic Condorcet election (`Model::probCE2`, `kmodel.cpp`):
/// the probability of each of `n` options from the coalition strengths `c`
/// and the victory probabilities `pv` (both `n × n`, row-major).
///
/// - **Conditional** (`condPCE`): Pᵢ ∝ Πⱼ P(i > j), P(i > i) = ½ included.
///   If every product underflows to zero, the same products are formed in
///   logarithms (KTAB would divide 0 by 0).
/// - **MarkovUniform** (`markovUniformPCE`): from pᵢ = 1/n, iterate
///   qᵢ = (1/n) Σⱼ P(i > j)(pᵢ + pⱼ), p ← (p + q)/2, until
///   maxᵢ |qᵢ − pᵢ| ≤ 10⁻⁶.
/// - **MarkovIncentive** (`markovIncentivePCE`): the incentive for i to
///   challenge j is n(i, j) = C(i, j)·P(i > j), plus 10⁻¹⁰ on the diagonal;
///   the chance that i is the challenger of j is P[i→j] = n(i, j)/Σₖ n(k, j).
///   From pᵢ = 1/n, iterate qᵢ = Σⱼ P(i > j)(pᵢ·P[j→i] + pⱼ·P[i→j]),
///   p ← (p + q)/2, until maxᵢ |qᵢ − pᵢ| ≤ 10⁻⁸.
///
/// Both Markov chains stop after [`MARKOV_MAX_ITER`] iterations at most.
pub fn pce(model: PceModel, c: &[f64], pv: &[f64], n: usize, out: &mut [f64]) {
    debug_assert_eq!(out.len(), n);
    match model {
        PceModel::Conditional => conditional_pce(pv, n, out),
        PceModel::MarkovUniform => markov_uniform_pce(pv, n, out),
        PceModel::MarkovIncentive => markov_incentive_pce(c, pv, n, out),
    }
}

fn conditional_pce(pv: &[f64], n: usize, out: &mut [f64]) {
    for i in 0..n {
        let mut p = 1.0;
        for j in 0..n {
            p *= pv[i * n + j];
        }
        out[i] = p;
    }
    let total: f64 = out.iter().sum();
    if total > 0.0 && total.is_finite() {
        out.iter_mut().for_each(|p| *p /= total);
        return;
    }
    // Every product underflowed: take them in logarithms.
    for i in 0..n {
        out[i] = (0..n).map(|j| pv[i * n + j].ln()).sum();
    }
    let max = out.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    out.iter_mut().for_each(|l| *l = (*l - max).exp());
    let total: f64 = out.iter().sum();
    out.iter_mut().for_each(|p| *p /= total);
}

fn markov_uniform_pce(pv: &[f64], n: usize, p: &mut [f64]) {
    const P_TOL: f64 = 1e-6;
    p.iter_mut().for_each(|x| *x = 1.0 / n as f64);
    let mut q = vec![0.0; n];
    for _ in 0..MARKOV_MAX_ITER {
        let mut change: f64 = 0.0;
        for i in 0..n {
            let mut qi = 0.0;
            for j in 0..n {
                qi += pv[i * n + j] * (p[i] + p[j]);
            }
            q[i] = qi / n as f64;
            change = change.max((q[i] - p[i]).abs());
        }
        for (pi, qi) in p.iter_mut().zip(&q) {
            *pi = (*pi + qi) / 2.0;
        }
        if change <= P_TOL {
            break;
        }
    }
}

fn markov_incentive_pce(c: &[f64], pv: &[f64], n: usize, p: &mut [f64]) {
    const P_TOL: f64 = 1e-8;
    const EPS_SUPPORT: f64 = 1e-10;
    // chlg[i * n + j] = P[i → j], the chance that i challenges j.
    let mut chlg: Vec<f64> = (0..n * n)
        .map(|ij| {
            let x = c[ij] * pv[ij];
            if ij / n == ij % n { x + EPS_SUPPORT } else { x }
        })
        .collect();
    for j in 0..n {
        let mut total = 0.0;
        for k in 0..n {
            total += chlg[k * n + j];
        }
        for i in 0..n {
            chlg[i * n + j] /= total;
        }
    }
    p.iter_mut().for_each(|x| *x = 1.0 / n as f64);
    let mut q = vec![0.0; n];
    for _ in 0..MARKOV_MAX_ITER {
        let mut change: f64 = 0.0;
        for i in 0..n {
            let mut qi = 0.0;
            for j in 0..n {
                qi += pv[i * n + j] * (p[i] * chlg[j * n + i] + p[j] * chlg[i * n + j]);
            }
            q[i] = qi;
            change = change.max((qi - p[i]).abs());
        }
        for (pi, qi) in p.iter_mut().zip(&q) {
            *pi = (*pi + qi) / 2.0;
        }
        if change <= P_TOL {
            break;
        }
    }
}

/// A scalar PCE's working: coalitions, victory probabilities and the
/// options' probabilities (`Model::scalarPCE`, `kmodel.cpp`).
#[derive(Debug, Clone, PartialEq)]
pub struct ScalarPce {
    /// `n_opt × n_opt`, row-major: C(i, j).
    pub coalitions: Vec<f64>,
    /// `n_opt × n_opt`, row-major: P(i > j).
    pub victory: Vec<f64>,
    pub prob: Vec<f64>,
}

/// The scalar PCE over options that actors value by `util_by_option`
/// (`util_by_option[o * n_act + k]`: actor k's utility of option o), actors
/// voting with `weights` (`Model::scalarPCE`, `kmodel.cpp`).
pub fn scalar_pce(
    rule: VotingRule,
    vpm: VictoryProbModel,
    model: PceModel,
    weights: &[f64],
    util_by_option: &[f64],
    n_opt: usize,
) -> ScalarPce {
    let mut out =
        ScalarPce { coalitions: vec![0.0; n_opt * n_opt], victory: vec![0.0; n_opt * n_opt], prob: vec![0.0; n_opt] };
    coalitions(rule, weights, util_by_option, n_opt, &mut out.coalitions);
    victory_matrix(vpm, &out.coalitions, n_opt, &mut out.victory);
    pce(model, &out.coalitions, &out.victory, n_opt, &mut out.prob);
    out
}

/// Risk attitudes from the probabilities of the actors' positions
/// (`Model::bigRfromProb`, `kmodel.cpp`); see [`BigRRange`]. When every
/// probability is equal KTAB divides by zero; here everyone is then risk
/// neutral (R = 0).
pub fn big_r(p: &[f64], range: BigRRange, out: &mut [f64]) {
    let mut p_min: f64 = 1.0;
    let mut p_max: f64 = 0.0;
    for &pi in p {
        p_min = if pi < p_min { pi } else { p_min };
        p_max = if pi > p_max { pi } else { p_max };
    }
    for (r, &pi) in out.iter_mut().zip(p) {
        *r = if p_max > p_min {
            match range {
                BigRRange::Min => (pi - p_min) / (p_max - p_min),
                BigRRange::Mid => (3.0 * pi - (p_max + 2.0 * p_min)) / (2.0 * (p_max - p_min)),
                BigRRange::Max => (2.0 * pi - (p_max + p_min)) / (p_max - p_min),
            }
        } else {
            0.0
        };
    }
}

/// h's estimate of i's risk attitude (`Model::estNRA`, `kmodel.cpp`); see
/// [`BigRAdjust`].
#[inline]
pub fn est_risk(rh: f64, ri: f64, adjust: BigRAdjust) -> f64 {
    match adjust {
        BigRAdjust::Full => ri,
        BigRAdjust::TwoThirds => (rh + (2.0 * ri)) / 3.0,
        BigRAdjust::Half => (rh + ri) / 2.0,
        BigRAdjust::OneThird => ((2.0 * rh) + ri) / 3.0,
        BigRAdjust::None => rh,
    }
}

/// `out[m]` = [`est_risk`]`(rh, risk[m], adjust)`, in a loop that
/// vectorises.
pub fn est_risks(rh: f64, risk: &[f64], adjust: BigRAdjust, out: &mut [f64]) {
    let pairs = out.iter_mut().zip(risk);
    match adjust {
        BigRAdjust::Full => pairs.for_each(|(e, &ri)| *e = ri),
        BigRAdjust::TwoThirds => pairs.for_each(|(e, &ri)| *e = (rh + (2.0 * ri)) / 3.0),
        BigRAdjust::Half => pairs.for_each(|(e, &ri)| *e = (rh + ri) / 2.0),
        BigRAdjust::OneThird => pairs.for_each(|(e, &ri)| *e = ((2.0 * rh) + ri) / 3.0),
        BigRAdjust::None => pairs.for_each(|(e, _)| *e = rh),
    }
}

/// Third party n's estimate that i wins the "little conflict" of i, j and
/// n alone (`Actor::vProbLittle`, `kmodel.cpp`): n's vote
/// v = vote(wₙ, uₙᵢ, uₙⱼ) joins the side it favours, on top of the
/// principals' contributions `ci` (for i) and `cj` (for j):
/// p = (ci + max(v, 0))/(ci + max(v, 0) + cj + max(−v, 0)).
#[inline(always)]
pub fn prob_little(rule: VotingRule, wn: f64, uni: f64, unj: f64, ci: f64, cj: f64) -> f64 {
    let v = vote(rule, wn, uni, unj);
    // Adding 0 is exact, so this is KTAB's "add v to the side it favours".
    let cni = ci + v.max(0.0);
    let cnj = cj + (-v).max(0.0);
    cni / (cni + cnj)
}

/// Third party k's vote in "i challenges j" (`Actor::thirdPartyVoteSU`,
/// `kmodel.cpp`), by the sum-of-utilities model: k compares
/// U(ik > j) = p·A + (1 − p)·B with U(i > jk) = p·C + (1 − p)·D, where p is
/// its little-conflict estimate that i wins ([`prob_little`]), and votes
/// vote(wₖ, U(ik > j), U(i > jk)). The terms, by commitment:
///
/// | term | SemiCommit | FullCommit | NoCommit |
/// |---|---|---|---|
/// | A (ik beat j) | 2uₖᵢ + uₖₖ | 3uₖᵢ | 2uₖᵢ + uₖₖ |
/// | B (j beats ik) | 3uₖⱼ | 3uₖⱼ | 2uₖⱼ + uₖₖ |
/// | C (i beats jk) | 3uₖᵢ | 3uₖᵢ | 2uₖᵢ + uₖₖ |
/// | D (jk beat i) | 2uₖⱼ + uₖₖ | 3uₖⱼ | 2uₖⱼ + uₖₖ |
///
/// Under FullCommit and NoCommit A = C and B = D, so third parties never
/// vote; under SemiCommit the vote is on p(uₖₖ − uₖᵢ) + (1 − p)(uₖⱼ − uₖₖ):
/// k sides with whoever it expects to win, to keep its own position.
#[inline(always)]
pub fn third_party_vote(
    rule: VotingRule,
    commit: ThirdPartyCommit,
    wk: f64,
    pik: f64,
    uki: f64,
    ukj: f64,
    ukk: f64,
) -> f64 {
    let pjk = 1.0 - pik;
    let (a, b, c, d) = match commit {
        ThirdPartyCommit::FullCommit => (uki + uki + uki, ukj + ukj + ukj, uki + uki + uki, ukj + ukj + ukj),
        ThirdPartyCommit::SemiCommit => (uki + uki + ukk, ukj + ukj + ukj, uki + uki + uki, ukj + ukj + ukk),
        ThirdPartyCommit::NoCommit => (uki + uki + ukk, ukj + ukj + ukk, uki + uki + ukk, ukj + ukj + ukk),
    };
    let u_ik_j = (pik * a) + (pjk * b);
    let u_i_jk = (pik * c) + (pjk * d);
    vote(rule, wk, u_ik_j, u_i_jk)
}

/// KTAB's rounding of bargain coordinates to 4 decimals
/// (`round4` in `SMPActor::interpBrgnSnPm`): ⌊0.5 + 10⁴x⌋/10⁴ (truncation
/// toward zero, as C's cast to `int`).
#[inline]
pub fn round4(x: f64) -> f64 {
    (0.5 + x * 10_000.0).trunc() / 10_000.0
}

/// One dimension of a bargain between i at `ti` and j at `tj`, with saliences
/// `si`, `sj` on the dimension and "probabilities" `pi`, `pj`
/// (`SMPActor::interpolateBrgn`, `interpBrgnSnPm`, `interpBrgnS2PMax`,
/// `smp.cpp`). Returns (bᵢ, bⱼ), the positions proposed to i and to j.
///
/// - **S1P1, S2P2** (n = m = 1, 2): weights wᵢ = sᵢⁿ·pᵢᵐ, wⱼ = sⱼⁿ·pⱼᵐ;
///   bᵢ = ((wᵢ + 10⁻⁶)tᵢ + wⱼtⱼ)/(wᵢ + 10⁻⁶ + wⱼ) and
///   bⱼ = (wᵢtᵢ + (10⁻⁶ + wⱼ)tⱼ)/(wᵢ + 10⁻⁶ + wⱼ), each rounded to 4
///   decimals ([`round4`]). The 10⁻⁶ keeps each side at home when neither
///   weighs anything.
/// - **S2PMax**: dᵢ = max(0, pⱼ − pᵢ), dⱼ = max(0, pᵢ − pⱼ);
///   δᵢ = dᵢsⱼ²/(dᵢsⱼ² + 10⁻⁶ + (1 − dᵢ)sᵢ²), δⱼ likewise with i, j swapped;
///   bᵢ = tᵢ + δᵢ(tⱼ − tᵢ), bⱼ = tⱼ + δⱼ(tᵢ − tⱼ) (not rounded).
#[inline]
pub fn interpolate(ivb: InterVecBrgn, ti: f64, si: f64, pi: f64, tj: f64, sj: f64, pj: f64) -> (f64, f64) {
    const MIN_W: f64 = 1e-6;
    let snpm = |square: bool| {
        let (wsi, wpi, wsj, wpj) = if square { (si * si, pi * pi, sj * sj, pj * pj) } else { (si, pi, sj, pj) };
        let wi = wsi * wpi;
        let wj = wsj * wpj;
        let bi = round4(((wi + MIN_W) * ti + wj * tj) / (wi + MIN_W + wj));
        let bj = round4((wi * ti + (MIN_W + wj) * tj) / (wi + MIN_W + wj));
        (bi, bj)
    };
    match ivb {
        InterVecBrgn::S1P1 => snpm(false),
        InterVecBrgn::S2P2 => snpm(true),
        InterVecBrgn::S2PMax => {
            let di = if pj > pi { pj - pi } else { 0.0 };
            let dj = if pi > pj { pi - pj } else { 0.0 };
            let si2 = si * si;
            let sj2 = sj * sj;
            let dik = (di * sj2) / ((di * sj2) + MIN_W + ((1.0 - di) * si2));
            let djk = (dj * si2) / ((dj * si2) + MIN_W + ((1.0 - dj) * sj2));
            (ti + dik * (tj - ti), tj + djk * (ti - tj))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: [VotingRule; 6] = [
        VotingRule::Binary,
        VotingRule::PropBin,
        VotingRule::Proportional,
        VotingRule::PropCbc,
        VotingRule::Cubic,
        VotingRule::ASymProsp,
    ];

    #[test]
    fn votes_follow_each_rule() {
        let w = 2.0;
        let (ui, uj) = (0.7, 0.2); // Δ = 0.5
        let d = ui - uj;
        assert_eq!(vote(VotingRule::Binary, w, ui, uj), 2.0);
        assert_eq!(vote(VotingRule::Binary, w, uj, ui), -2.0);
        assert!((vote(VotingRule::Binary, w, 0.5 + 2.5e-9, 0.5) - 0.5).abs() < 1e-6, "binary interpolates below 1e-8");
        assert!((vote(VotingRule::PropBin, w, ui, uj) - w * (0.8 * d + 0.2)).abs() < 1e-15);
        assert!((vote(VotingRule::Proportional, w, ui, uj) - w * d).abs() < 1e-15);
        assert!((vote(VotingRule::PropCbc, w, ui, uj) - w * (0.5 * d + 0.5 * d * d * d)).abs() < 1e-15);
        assert!((vote(VotingRule::Cubic, w, ui, uj) - w * d * d * d).abs() < 1e-15);
        assert!((vote(VotingRule::ASymProsp, w, ui, uj) - 2.0 * w * d / 3.0).abs() < 1e-15);
        assert!((vote(VotingRule::ASymProsp, w, uj, ui) + w * d).abs() < 1e-15);
        for rule in RULES {
            assert_eq!(vote(rule, w, 0.4, 0.4), 0.0, "{rule}: indifference is no vote");
            assert_eq!(vote(rule, 0.0, 0.9, 0.1), 0.0, "{rule}: no weight, no vote");
            if rule != VotingRule::ASymProsp {
                // Every rule but prospect theory's is antisymmetric.
                assert!((vote(rule, w, 0.3, 0.8) + vote(rule, w, 0.8, 0.3)).abs() < 1e-15, "{rule}");
            }
            // Votes grow with the utility difference.
            assert!(vote(rule, w, 0.9, 0.1) >= vote(rule, w, 0.6, 0.1), "{rule}");
        }
    }

    #[test]
    fn victory_probabilities_follow_each_model() {
        let all = [
            VictoryProbModel::Linear,
            VictoryProbModel::Square,
            VictoryProbModel::Quartic,
            VictoryProbModel::Octic,
            VictoryProbModel::Binary,
        ];
        for vpm in all {
            let (p, q) = victory_prob(vpm, 3.0, 3.0);
            assert!((p - 0.5).abs() < 1e-15 && (q - 0.5).abs() < 1e-15, "{vpm}: equal strengths are a coin toss");
            let (p, q) = victory_prob(vpm, 2.0, 1.0);
            assert!((p + q - 1.0).abs() < 1e-15, "{vpm}");
            let (p2, _) = victory_prob(vpm, 1.0, 2.0);
            assert!((p + p2 - 1.0).abs() < 1e-12, "{vpm}: symmetric");
        }
        // KTAB's comments: 2:1 gives 2/3, 4/5, 16/17, 256/257.
        assert!((victory_prob(VictoryProbModel::Linear, 2.0, 1.0).0 - 2.0 / 3.0).abs() < 1e-15);
        assert!((victory_prob(VictoryProbModel::Square, 2.0, 1.0).0 - 4.0 / 5.0).abs() < 1e-15);
        assert!((victory_prob(VictoryProbModel::Quartic, 2.0, 1.0).0 - 16.0 / 17.0).abs() < 1e-15);
        assert!((victory_prob(VictoryProbModel::Octic, 2.0, 1.0).0 - 256.0 / 257.0).abs() < 1e-15);
        // Binary: certain from a 1.1 ratio, linear in between.
        let (p, _) = victory_prob(VictoryProbModel::Binary, 1.1, 1.0);
        assert!((p - 1.0 / (1.0 + 1e-6)).abs() < 1e-15);
        let (p, _) = victory_prob(VictoryProbModel::Binary, 1.05, 1.0);
        let r = 1.05 / 2.05;
        assert!((p - (r * 2.1 - 1.0) / 0.1).abs() < 1e-12);
        assert!(p > 0.5 && p < 1.0);
    }

    fn random_matrix(n: usize, seed: u64) -> Vec<f64> {
        // A small deterministic generator, enough for test data.
        let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (0..n * n)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((x >> 11) as f64) / ((1u64 << 53) as f64)
            })
            .collect()
    }

    #[test]
    fn every_pce_is_a_distribution_and_symmetric_cases_are_uniform() {
        let models = [PceModel::Conditional, PceModel::MarkovUniform, PceModel::MarkovIncentive];
        for n in [1, 2, 3, 5, 8] {
            let weights: Vec<f64> = (0..4).map(|k| 1.0 + k as f64).collect();
            let util = random_matrix(n.max(2) * 4, n as u64);
            let util = &util[..n * 4];
            for model in models {
                for rule in RULES {
                    let r = scalar_pce(rule, VictoryProbModel::Linear, model, &weights, util, n);
                    let total: f64 = r.prob.iter().sum();
                    assert!((total - 1.0).abs() < 1e-8, "{model} {rule} n={n}: sums to {total}");
                    assert!(r.prob.iter().all(|&p| p >= 0.0));
                    for i in 0..n {
                        for j in 0..n {
                            let s = r.victory[i * n + j] + r.victory[j * n + i];
                            assert!((s - 1.0).abs() < 1e-12);
                        }
                    }
                }
                // Everyone indifferent: every option equally likely.
                let flat = vec![0.5; n * 4];
                let r = scalar_pce(VotingRule::Proportional, VictoryProbModel::Linear, model, &weights, &flat, n);
                for &p in &r.prob {
                    assert!((p - 1.0 / n as f64).abs() < 1e-7, "{model}: {:?}", r.prob);
                }
            }
        }
    }

    #[test]
    fn pce_favours_the_option_everyone_prefers_and_mirrors_swaps() {
        // Three actors, three options; option 1 is everyone's favourite.
        let weights = [1.0, 2.0, 3.0];
        // util_by_option[o * 3 + k]
        let util = [0.2, 0.3, 0.1, 0.9, 0.8, 0.95, 0.5, 0.4, 0.6];
        // The same with options 0 and 2 swapped.
        let swapped = [0.5, 0.4, 0.6, 0.9, 0.8, 0.95, 0.2, 0.3, 0.1];
        for model in [PceModel::Conditional, PceModel::MarkovUniform, PceModel::MarkovIncentive] {
            let r = scalar_pce(VotingRule::Proportional, VictoryProbModel::Linear, model, &weights, &util, 3);
            assert!(r.prob[1] > r.prob[0] && r.prob[1] > r.prob[2], "{model}: {:?}", r.prob);
            assert!(r.prob[2] > r.prob[0], "{model}: {:?}", r.prob);
            let s = scalar_pce(VotingRule::Proportional, VictoryProbModel::Linear, model, &weights, &swapped, 3);
            for (a, b) in r.prob.iter().zip(s.prob.iter().rev()) {
                assert!((a - b).abs() < 1e-7, "{model}: {:?} vs {:?}", r.prob, s.prob);
            }
        }
    }

    #[test]
    fn one_issue_coalitions_match_the_vote_by_vote_sums() {
        for seed in 0..40u64 {
            let n = 1 + (seed as usize * 7) % 60;
            let r = random_matrix(n.max(2) * 3, seed);
            // Positions on a coarse grid (many shared) or on KTAB's 4-decimal
            // grid (many closer than 0.005); some actors without salience or
            // capability.
            let grid = if seed % 2 == 0 { 20.0 } else { 1e4 };
            let positions: Vec<f64> = (0..n).map(|a| (r[a] * grid).floor() / grid).collect();
            let ideals: Vec<f64> =
                (0..n).map(|a| if seed % 3 == 0 { positions[a] } else { (r[n + a] * 1e4).round() / 1e4 }).collect();
            let salience: Vec<f64> = (0..n).map(|a| if a % 9 == 4 { 0.0 } else { 0.1 + 0.8 * r[2 * n + a] }).collect();
            let capability: Vec<f64> = (0..n).map(|a| if a % 11 == 5 { 0.0 } else { 1.0 + 99.0 * r[a] }).collect();
            let mut util = vec![0.0; n * n];
            for o in 0..n {
                for k in 0..n {
                    let d = bv_diff(&[ideals[k]], &[positions[o]], &[salience[k]], salience[k] * salience[k]);
                    util[o * n + k] = bs_util(d, 0.0);
                }
            }
            let mut expected = vec![0.0; n * n];
            coalitions(VotingRule::Proportional, &capability, &util, n, &mut expected);
            let mut fast = vec![0.0; n * n];
            coalitions_1d_proportional(&capability, &salience, &ideals, &positions, seed % 4 < 2, &mut fast);
            let total: f64 = capability.iter().sum();
            for (x, y) in fast.iter().zip(&expected) {
                assert!((x - y).abs() <= 1e-13 * total, "seed {seed}: {x} vs {y}");
            }
        }
    }

    #[test]
    fn conditional_pce_survives_underflow() {
        let n = 400;
        let mut pv = vec![1e-3; n * n];
        for i in 0..n {
            pv[i * n + i] = 0.5;
        }
        pv[n + 2] = 0.9;
        let mut out = vec![0.0; n];
        pce(PceModel::Conditional, &pv, &pv, n, &mut out);
        let total: f64 = out.iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!(out[1] > out[0]);
    }

    #[test]
    fn risk_ranges_and_adjustments() {
        let p = [0.1, 0.2, 0.7];
        let mut r = [0.0; 3];
        big_r(&p, BigRRange::Min, &mut r);
        assert!(r[0] == 0.0 && (r[1] - 1.0 / 6.0).abs() < 1e-15 && r[2] == 1.0, "{r:?}");
        big_r(&p, BigRRange::Mid, &mut r);
        assert!((r[0] + 0.5).abs() < 1e-15 && (r[2] - 1.0).abs() < 1e-15);
        big_r(&p, BigRRange::Max, &mut r);
        assert!((r[0] + 1.0).abs() < 1e-15 && (r[2] - 1.0).abs() < 1e-15);
        let mut flat = [9.0; 2];
        big_r(&[0.5, 0.5], BigRRange::Max, &mut flat);
        assert_eq!(flat, [0.0, 0.0]);
        assert_eq!(est_risk(0.9, 0.3, BigRAdjust::None), 0.9);
        assert_eq!(est_risk(0.9, 0.3, BigRAdjust::Full), 0.3);
        assert!((est_risk(0.9, 0.3, BigRAdjust::OneThird) - 0.7).abs() < 1e-15);
        assert!((est_risk(0.9, 0.3, BigRAdjust::Half) - 0.6).abs() < 1e-15);
        assert!((est_risk(0.9, 0.3, BigRAdjust::TwoThirds) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn utility_and_distance() {
        assert_eq!(bs_util(0.0, 0.7), 1.0);
        assert_eq!(bs_util(1.0, -0.3), 0.0);
        assert!((bs_util(0.5, 0.0) - 0.5).abs() < 1e-15);
        assert!(bs_util(0.5, 1.0) > bs_util(0.5, 0.0) && bs_util(0.5, 0.0) > bs_util(0.5, -1.0));
        let s = [0.3, 0.4];
        let d = bv_diff(&[0.0, 0.0], &[1.0, 0.0], &s, 0.25);
        assert!((d - (0.09f64 / 0.25).sqrt()).abs() < 1e-15);
        assert_eq!(bv_diff(&[0.0], &[1.0], &[0.0], 0.0), 0.0);
    }

    #[test]
    fn third_party_commitments() {
        let (p, uki, ukj, ukk) = (0.6, 0.9, 0.2, 1.0);
        // Under full and under no commitment both states are worth the same
        // to k, so third parties never vote.
        for commit in [ThirdPartyCommit::NoCommit, ThirdPartyCommit::FullCommit] {
            assert_eq!(third_party_vote(VotingRule::Proportional, commit, 2.0, p, uki, ukj, ukk), 0.0, "{commit}");
        }
        // Semi-commitment: joining the winner keeps k's position, joining the
        // loser moves k to the winner's, so the vote is
        // w·(p(uₖₖ − uₖᵢ) + (1 − p)(uₖⱼ − uₖₖ)).
        let v = third_party_vote(VotingRule::Proportional, ThirdPartyCommit::SemiCommit, 2.0, p, uki, ukj, ukk);
        assert!((v - 2.0 * (p * (ukk - uki) + (1.0 - p) * (ukj - ukk))).abs() < 1e-15, "{v}");
        let v = third_party_vote(VotingRule::Proportional, ThirdPartyCommit::SemiCommit, 2.0, 0.99, 0.7, 0.6, 1.0);
        assert!(v > 0.0, "a near-certain winner far from k draws k's vote: {v}");
        let p = prob_little(VotingRule::Proportional, 2.0, 0.8, 0.3, 1.0, 1.0);
        assert!((p - 2.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn interpolation() {
        assert_eq!(round4(0.123_449), 0.1234);
        assert_eq!(round4(0.123_45), 0.1235);
        // Equal weights meet in the middle.
        let (bi, bj) = interpolate(InterVecBrgn::S2P2, 0.2, 0.5, 0.5, 0.6, 0.5, 0.5);
        assert!((bi - 0.4).abs() < 1e-4 && (bj - 0.4).abs() < 1e-4);
        // Nobody weighs anything: each stays.
        let (bi, bj) = interpolate(InterVecBrgn::S1P1, 0.2, 0.0, 0.5, 0.6, 0.0, 0.5);
        assert_eq!((bi, bj), (0.2, 0.6));
        // The stronger side moves less.
        let (bi, _) = interpolate(InterVecBrgn::S1P1, 0.2, 0.5, 0.9, 0.6, 0.5, 0.1);
        assert!(bi < 0.3, "{bi}");
        let (bi, bj) = interpolate(InterVecBrgn::S2PMax, 0.2, 0.5, 0.9, 0.6, 0.5, 0.1);
        assert_eq!(bi, 0.2, "the favourite does not move under S2PMax");
        assert!(bj < 0.6 && bj > 0.2);
    }
}
