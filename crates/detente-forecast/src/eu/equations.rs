//! The model's equations, one function each, numbered as in Scholz, Calbert &
//! Smith (2011) ("Unravelling Bueno De Mesquita's group decision model",
//! J. Theoretical Politics 23(4):510; equation numbers as in the ICAART 2011
//! version, pp. 18–30).
//!
//! Distances are fractions of the continuum range Rg:
//! `d = |xᵢ − xⱼ| / Rg` and `d_μ = |xᵢ − μ| / Rg`, both in `[0, 1]` while every
//! position lies in the range. `r` is the evaluating actor's risk exponent.
//!
//! These are the reference forms; the round loop in [`super::analysis`]
//! computes the same quantities for every dyad at once, with the probabilities
//! of eq. 31 taken from prefix sums instead of one pass over the voters per
//! dyad.

/// `base^r`, exact when `r = 1` (the first pass), and 0 for a base that
/// rounding pushed a hair below zero (a negative base to a fractional power
/// would be NaN).
#[inline]
pub(crate) fn pow_r(base: f64, r: f64) -> f64 {
    if r == 1.0 { base } else { base.max(0.0).powf(r) }
}

/// Eq. 15, the utility to i of winning its challenge of j:
/// `U_s = 2 − 4 (0.5 − 0.5 d)^r`.
#[inline]
pub fn success_utility(d: f64, r: f64) -> f64 {
    2.0 - 4.0 * pow_r(0.5 - 0.5 * d, r)
}

/// Eq. 16, the utility to i of losing its challenge of j:
/// `U_f = 2 − 4 (0.5 + 0.5 d)^r`.
#[inline]
pub fn failure_utility(d: f64, r: f64) -> f64 {
    2.0 - 4.0 * pow_r(0.5 + 0.5 * d, r)
}

/// Eq. 22, the utility to i when it does not challenge and j's drift towards
/// the median makes things better for i:
/// `U_b = 2 − 4 (0.5 − 0.25 (d_μ + d))^r`.
#[inline]
pub fn better_utility(d_median: f64, d: f64, r: f64) -> f64 {
    2.0 - 4.0 * pow_r(0.5 - 0.25 * (d_median + d), r)
}

/// Eq. 23, the same when the drift makes things worse:
/// `U_w = 2 − 4 (0.5 + 0.25 (d_μ + d))^r`.
#[inline]
pub fn worse_utility(d_median: f64, d: f64, r: f64) -> f64 {
    2.0 - 4.0 * pow_r(0.5 + 0.25 * (d_median + d), r)
}

/// Eq. 24, the utility of the status quo: `U_sq = 2 − 4 · 0.5^r`.
#[inline]
pub fn status_quo_utility(r: f64) -> f64 {
    2.0 - 4.0 * pow_r(0.5, r)
}

/// T of eqs. 7 and 25 (p. 22, figures 1–4): absent a challenge, j is expected
/// to drift to the median μ, which helps i (cases 1 and 3A, T = 1) exactly
/// when μ is nearer to i than j is, and hurts it otherwise (cases 2 and 3B,
/// T = 0).
#[inline]
pub fn median_helps(d_median: f64, d: f64) -> bool {
    d_median < d
}

/// Eqs. 5–7, i's expected utility of challenging j:
///
/// `E^i(U_ij) = s_j [P^i U_s + (1 − P^i) U_f] + (1 − s_j) U_s − Q U_sq − (1 − Q) [T U_b + (1 − T) U_w]`
///
/// with `no_challenge = T U_b + (1 − T) U_w` (eq. 7's bracket). The leading
/// salience is the responder's: j resists with probability s_j (eq. 6). Q is
/// the probability that nothing changes without a challenge.
#[inline]
pub fn expected_utility(
    p: f64,
    responder_salience: f64,
    success: f64,
    failure: f64,
    status_quo: f64,
    no_challenge: f64,
    q: f64,
) -> f64 {
    let s = responder_salience;
    let challenged = s * (p * success + (1.0 - p) * failure) + (1.0 - s) * success;
    let not_challenged = q * status_quo + (1.0 - q) * no_challenge;
    challenged - not_challenged
}

/// Eq. 31 (eq. 30 written out), the probability that i beats j when every
/// actor k lends its weight `wₖ = cₖ sₖ` to the side it prefers, in proportion
/// to how much it prefers it:
///
/// `P^i = Σ_{k: aₖ > 0} wₖ aₖ / Σₖ wₖ |aₖ|`, with `aₖ = |xₖ − xⱼ| − |xₖ − xᵢ|`.
///
/// The sum runs over every actor, i and j included. When no actor prefers
/// either side (both sums zero), or i and j hold the same position (no
/// contest; the value does not enter E there, because `U_s = U_f`), the
/// answer is ½. O(n); the round loop uses an O(log n) form of the same sums.
pub fn probability_of_success(positions: &[f64], weights: &[f64], i: usize, j: usize) -> f64 {
    let (mut support, mut total) = (0.0, 0.0);
    for (&x, &w) in positions.iter().zip(weights) {
        let a = (x - positions[j]).abs() - (x - positions[i]).abs();
        if a > 0.0 {
            support += w * a;
        }
        total += w * a.abs();
    }
    if positions[i] == positions[j] || total <= 0.0 { 0.5 } else { support / total }
}

/// Appendix step 3, the vote between positions xⱼ and xₖ:
/// `v^{jk} = Σᵢ cᵢ sᵢ (|xᵢ − xₖ| − |xᵢ − xⱼ|) / Rg`; positive when xⱼ wins.
pub fn pairwise_vote(positions: &[f64], weights: &[f64], j: usize, k: usize, range: f64) -> f64 {
    positions.iter().zip(weights).map(|(&x, &w)| w * ((x - positions[k]).abs() - (x - positions[j]).abs())).sum::<f64>()
        / range
}

/// The Condorcet winner among the actors' positions of the contests
/// [`pairwise_vote`] (Appendix step 3), the median voter position μ.
///
/// Because `v^{jk} = (D(xₖ) − D(xⱼ)) / Rg` with `D(y) = Σᵢ wᵢ |xᵢ − y|`, the
/// winner is the position that minimises the weighted distance to all actors:
/// a weighted median. When the minimum is shared (exactly half the weight on
/// each side), the lowest such position is taken, as
/// [`crate::baseline::median`] does. Actors without weight vote for nobody;
/// if no actor has weight, the answer is the lowest position.
pub fn condorcet_median(positions: &[f64], weights: &[f64]) -> f64 {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    condorcet_median_with(positions, weights, &mut order)
}

/// [`condorcet_median`] with a caller's scratch buffer for the sort.
pub(crate) fn condorcet_median_with(positions: &[f64], weights: &[f64], order: &mut Vec<usize>) -> f64 {
    order.clear();
    order.extend(0..positions.len());
    // Ties by weight, so that the sum is the same whatever the actors' order.
    order.sort_by(|&a, &b| positions[a].total_cmp(&positions[b]).then(weights[a].total_cmp(&weights[b])));
    lower_weighted_median(positions, weights, order)
}

/// The lowest position at which the cumulative positive weight, taken in
/// `sorted` order (actors by ascending position), reaches half the total.
pub(crate) fn lower_weighted_median(positions: &[f64], weights: &[f64], sorted: &[usize]) -> f64 {
    let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    let mut cumulative = 0.0;
    for &a in sorted {
        if weights[a] > 0.0 {
            cumulative += weights[a];
        }
        // The relative tolerance makes an exact half (two equal actors) pick
        // the lower median however the sum rounds.
        if cumulative >= total * 0.5 * (1.0 - 1e-12) {
            return positions[a];
        }
    }
    sorted.first().map_or(0.5, |&a| positions[a])
}

/// The weighted mean `Σ wᵢ xᵢ / Σ wᵢ`, which dmasad's replication uses for μ
/// in place of the Condorcet winner.
pub fn weighted_mean(positions: &[f64], weights: &[f64]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for (&x, &w) in positions.iter().zip(weights) {
        num += w * x;
        den += w;
    }
    if den > 0.0 { num / den } else { 0.5 }
}

/// Eq. 34 (the BDM-1985 form of eq. 32), the risk basis of an actor with
/// security `Sec_i = Σ_{j≠i} E(U_ji)` against the largest and smallest
/// security levels in the group:
/// `Rᵢ = (2 Sec_i − max Sec − min Sec) / (max Sec − min Sec)`, in `[−1, 1]`.
///
/// When every actor's security is the same (up to rounding), the basis is 0:
/// nobody is more exposed than anybody else.
pub fn risk_basis(security: f64, max: f64, min: f64) -> f64 {
    let spread = max - min;
    if spread <= 1e-12 * (1.0 + max.abs().max(min.abs())) {
        0.0
    } else {
        ((2.0 * security - max - min) / spread).clamp(-1.0, 1.0)
    }
}

/// Eq. 33, the risk exponent `rᵢ = (1 − Rᵢ/3) / (1 + Rᵢ/3)`, in `[½, 2]`.
pub fn risk_exponent(risk_basis: f64) -> f64 {
    (1.0 - risk_basis / 3.0) / (1.0 + risk_basis / 3.0)
}
