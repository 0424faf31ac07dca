//! One round's dyadic analysis: the median, the probabilities, both passes of
//! expected utilities and the risk exponents, for every ordered pair of
//! actors at once.
//!
//! Everything but the responder's salience depends on the other actor only
//! through its position, and actors soon share positions (a confrontation
//! moves the loser exactly onto the winner). So the round first collects the
//! m distinct positions ("points") and works per point where it can:
//!
//! - probabilities (eq. 31) per pair of points, O(m²) in all: for points
//!   L < H, voter k's margin `|xₖ − H| − |xₖ − L|` is Δ = H − L at or below L,
//!   −Δ at or above H and `L + H − 2xₖ` in between, so with prefix sums of w
//!   and w·x over the points each side's support is a few differences once
//!   the points between L and H are split at the midpoint, and the midpoint
//!   only moves right as H does;
//! - basic utilities per (actor, point): two `powf` each in the second pass
//!   (four when Q < 1), O(n·m);
//! - expected utilities per ordered pair of actors, O(n²) arithmetic.
//!
//! Scholz's all-pairs probabilities cost O(n·m) `powf` and O(n·m log m) for
//! the denominator's sorted rows per pass. The buffers live in
//! the [`RoundAnalysis`] and are reused from round to round, so a round
//! allocates nothing.

use super::equations::{
    expected_utility, failure_utility, lower_weighted_median, median_helps, pow_r, risk_basis, risk_exponent,
    status_quo_utility, success_utility, weighted_mean,
};
use super::{EuParams, MedianRule, Perspective, ProbabilityRule, RiskRule, TRule};

/// Everything the offers of one round are decided on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoundAnalysis {
    n: usize,
    median: f64,
    perspective: Perspective,
    /// Actor i's point.
    point_of: Vec<usize>,
    /// The distinct positions, ascending; their total weight and head count.
    point_x: Vec<f64>,
    point_w: Vec<f64>,
    point_count: Vec<f64>,
    /// `P` of point u against point v, m × m row-major.
    point_probability: Vec<f64>,
    /// n × n row-major, `[i * n + j]` for the ordered dyad (i, j).
    first_pass: Vec<f64>,
    challenge: Vec<f64>,
    mover_response: Vec<f64>,
    security: Vec<f64>,
    risk_exponent: Vec<f64>,
    // Scratch, reused between rounds.
    order: Vec<usize>,
    cum_w: Vec<f64>,
    cum_wx: Vec<f64>,
    votes: Vec<f64>,
    prefix: Vec<f64>,
    voter_x: Vec<f64>,
    row: Vec<(f64, f64)>,
    success: Vec<f64>,
    failure: Vec<f64>,
    no_challenge: Vec<f64>,
    no_challenge_other: Vec<f64>,
}

/// The dyadic analysis of one round: `positions`, `capability` and `salience`
/// per actor on one issue, with continuum range `range` (Rg).
///
/// ```
/// use detente_forecast::eu::{analyse_round, EuParams};
/// let a = analyse_round(&[0.0, 0.5, 1.0], &[1.0, 1.0, 1.0], &[0.5, 0.5, 0.5], 1.0, &EuParams::default());
/// assert_eq!(a.median(), 0.5);
/// assert!((a.probability(0, 2) - 0.5).abs() < 1e-12); // the two ends are symmetric
/// ```
pub fn analyse_round(
    positions: &[f64],
    capability: &[f64],
    salience: &[f64],
    range: f64,
    params: &EuParams,
) -> RoundAnalysis {
    let weights: Vec<f64> = capability.iter().zip(salience).map(|(c, s)| c * s).collect();
    let mut analysis = RoundAnalysis::default();
    analysis.recompute(positions, &weights, salience, range, params);
    analysis
}

impl RoundAnalysis {
    /// Number of actors.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The median voter position μ of the round's starting positions
    /// (Appendix step 3), by [`EuParams::median`].
    pub fn median(&self) -> f64 {
        self.median
    }

    /// `P^i` of i beating j (eq. 31 or the chosen variant), as the second
    /// pass uses it.
    pub fn probability(&self, i: usize, j: usize) -> f64 {
        let m = self.point_x.len();
        self.point_probability[self.point_of[i] * m + self.point_of[j]]
    }

    /// First-pass `E(U_ij)`, every risk exponent 1 (Appendix step 7).
    pub fn first_pass(&self, i: usize, j: usize) -> f64 {
        self.first_pass[i * self.n + j]
    }

    /// `Sec_i = Σ_{j≠i} E(U_ji)` from the first pass (§5).
    pub fn security(&self, i: usize) -> f64 {
        self.security[i]
    }

    /// rᵢ of eq. 33 (1 under [`RiskRule::Neutral`]).
    pub fn risk_exponent(&self, i: usize) -> f64 {
        self.risk_exponent[i]
    }

    /// Second-pass `E^i(U_ij)`: i's expected utility of challenging j, with rᵢ.
    pub fn challenge(&self, i: usize, j: usize) -> f64 {
        self.challenge[i * self.n + j]
    }

    /// Second-pass `E(U_ji)`, j's expected utility of challenging i, as i
    /// weighs it when deciding whether to move: `challenge(j, i)` under
    /// [`Perspective::Own`], the same with rᵢ in place of rⱼ under
    /// [`Perspective::Mover`].
    pub fn response(&self, i: usize, j: usize) -> f64 {
        match self.perspective {
            Perspective::Own => self.challenge[j * self.n + i],
            Perspective::Mover => self.mover_response[i * self.n + j],
        }
    }

    /// Fills everything for the given state; `weights[k] = cₖ sₖ`.
    pub(crate) fn recompute(&mut self, x: &[f64], weights: &[f64], salience: &[f64], range: f64, params: &EuParams) {
        let n = x.len();
        self.n = n;
        self.perspective = params.perspective;
        self.first_pass.resize(n * n, 0.0);
        self.challenge.resize(n * n, 0.0);
        if params.perspective == Perspective::Mover {
            self.mover_response.resize(n * n, 0.0);
        }
        self.security.resize(n, 0.0);
        self.risk_exponent.clear();
        self.risk_exponent.resize(n, 1.0);
        self.point_of.resize(n, 0);

        self.collect_points(x, weights, salience);
        self.median = match params.median {
            MedianRule::Condorcet => lower_weighted_median(x, weights, &self.order),
            MedianRule::WeightedMean => weighted_mean(x, weights),
        };

        // First pass: every risk exponent 1 (Appendix step 2).
        self.fill_probabilities(x, weights, range, params.probability);
        self.fill_expected_utilities(x, salience, range, params, Pass::First);

        // Security and risk (§5, eqs. 32–34): Sec_i sums what the others
        // expect from challenging i. Every exponent is 1 in this pass, so
        // whose perspective E(U_ji) is taken from does not matter.
        // Summed in `order`, which depends on the actors' data only, so that
        // listing the actors differently gives bit-identical results.
        for i in 0..n {
            self.security[i] = self.order.iter().filter(|&&j| j != i).map(|&j| self.first_pass[j * n + i]).sum();
        }
        match params.risk {
            RiskRule::SecurityTwoPass if n > 0 => {
                let max = self.security.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let min = self.security.iter().copied().fold(f64::INFINITY, f64::min);
                for i in 0..n {
                    self.risk_exponent[i] = risk_exponent(risk_basis(self.security[i], max, min));
                }
                // Scholz's code lets each voter weigh distances with its own
                // exponent, so its probabilities change with r.
                if params.probability == ProbabilityRule::AllPairsDenominator {
                    self.fill_probabilities(x, weights, range, params.probability);
                }
                self.fill_expected_utilities(x, salience, range, params, Pass::Second);
            }
            _ => {
                self.challenge.copy_from_slice(&self.first_pass);
                if params.perspective == Perspective::Mover {
                    // With every exponent 1 the mover's view is the own view.
                    for i in 0..n {
                        for j in 0..n {
                            self.mover_response[i * n + j] = self.first_pass[j * n + i];
                        }
                    }
                }
            }
        }
    }

    /// Sorts the actors by position into `order` and collects the distinct
    /// positions with their weight and head count. Ties are broken by weight
    /// and salience, so that every sum taken in this order is the same
    /// however the input lists the actors: actors equal in all three are
    /// interchangeable.
    fn collect_points(&mut self, x: &[f64], weights: &[f64], salience: &[f64]) {
        self.order.clear();
        self.order.extend(0..x.len());
        self.order.sort_by(|&a, &b| {
            x[a].total_cmp(&x[b]).then(weights[a].total_cmp(&weights[b])).then(salience[a].total_cmp(&salience[b]))
        });
        self.point_x.clear();
        self.point_w.clear();
        self.point_count.clear();
        for &a in &self.order {
            if self.point_x.last() != Some(&x[a]) {
                self.point_x.push(x[a]);
                self.point_w.push(0.0);
                self.point_count.push(0.0);
            }
            let p = self.point_x.len() - 1;
            self.point_of[a] = p;
            self.point_w[p] += weights[a];
            self.point_count[p] += 1.0;
        }
    }

    fn fill_probabilities(&mut self, x: &[f64], weights: &[f64], range: f64, rule: ProbabilityRule) {
        let m = self.point_x.len();
        self.point_probability.resize(m * m, 0.5);
        match rule {
            ProbabilityRule::Paper | ProbabilityRule::ClippedNet => self.fill_probabilities_sorted(rule),
            ProbabilityRule::AllPairsDenominator => self.fill_probabilities_all_pairs(x, weights, range),
        }
    }

    /// Eq. 31 for every pair of points (see the module docs).
    fn fill_probabilities_sorted(&mut self, rule: ProbabilityRule) {
        let m = self.point_x.len();
        let (xs, ws) = (&self.point_x, &self.point_w);
        self.cum_w.clear();
        self.cum_wx.clear();
        self.cum_w.push(0.0);
        self.cum_wx.push(0.0);
        for u in 0..m {
            self.cum_w.push(self.cum_w[u] + ws[u]);
            self.cum_wx.push(self.cum_wx[u] + ws[u] * xs[u]);
        }
        let (cw, cwx) = (&self.cum_w, &self.cum_wx);
        let p = &mut self.point_probability;
        for u in 0..m {
            p[u * m + u] = 0.5;
            let l = xs[u];
            // Points [0, a) lie at or below L; for each H = xs[v], points
            // [v, m) lie at or above H, and between them [a, b) lean to L,
            // [b, c) sit on the midpoint and [c, v) lean to H.
            let a = u + 1;
            let (mut b, mut c) = (a, a);
            for v in (u + 1)..m {
                let h = xs[v];
                let (delta, sum) = (h - l, l + h);
                while b < v && 2.0 * xs[b] < sum {
                    b += 1;
                }
                c = c.max(b);
                while c < v && 2.0 * xs[c] <= sum {
                    c += 1;
                }
                let support_l = (delta * cw[a] + sum * (cw[b] - cw[a]) - 2.0 * (cwx[b] - cwx[a])).max(0.0);
                let support_h = (delta * (cw[m] - cw[v]) + 2.0 * (cwx[v] - cwx[c]) - sum * (cw[v] - cw[c])).max(0.0);
                let total = support_l + support_h;
                let (p_l, p_h) = if total <= 0.0 {
                    // Nobody prefers either side.
                    if rule == ProbabilityRule::ClippedNet { (0.0, 0.0) } else { (0.5, 0.5) }
                } else if rule == ProbabilityRule::ClippedNet {
                    ((support_l - support_h).max(0.0) / total, (support_h - support_l).max(0.0) / total)
                } else {
                    (support_l / total, support_h / total)
                };
                p[u * m + v] = p_l;
                p[v * m + u] = p_h;
            }
        }
    }

    /// The probability as Scholz's code computes it (jmckib's transcription):
    /// voter k's vote on (a, b) is `wₖ ((|xₖ − x_b|/Rg)^{rₖ} − (|xₖ − x_a|/Rg)^{rₖ})`;
    /// the numerator is the positive votes for i over j, the denominator the
    /// absolute votes of every voter on every ordered pair of actors.
    fn fill_probabilities_all_pairs(&mut self, x: &[f64], w: &[f64], range: f64) {
        let (n, m) = (x.len(), self.point_x.len());
        self.votes.resize(n * m, 0.0);
        let mut denominator = 0.0;
        for k in 0..n {
            let r = self.risk_exponent[k];
            self.row.clear();
            for v in 0..m {
                let t = w[k] * pow_r((x[k] - self.point_x[v]).abs() / range, r);
                self.votes[k * m + v] = t;
                self.row.push((t, self.point_count[v]));
            }
            // Σ over ordered pairs of actors of |t_b − t_a| is twice the sum
            // over the pairs of sorted values, each counted once per actor
            // at that point: Σ_q t_q c_q (actors below q − actors above q).
            self.row.sort_by(|a, b| a.0.total_cmp(&b.0));
            let total_count = n as f64;
            let mut below = 0.0;
            for &(t, count) in &self.row {
                let above = total_count - below - count;
                denominator += 2.0 * t * count * (below - above);
                below += count;
            }
        }
        // A voter prefers the nearer of two points whatever its exponent, so
        // for points L < H the positive votes for L come from the voters
        // below the midpoint and those for H from the voters above it: with
        // each point's votes summed over the voters in position order, every
        // numerator is a difference of two prefix sums.
        self.prefix.resize(m * (n + 1), 0.0);
        self.voter_x.clear();
        self.voter_x.extend(self.order.iter().map(|&k| x[k]));
        for v in 0..m {
            let column = &mut self.prefix[v * (n + 1)..(v + 1) * (n + 1)];
            column[0] = 0.0;
            for (q, &k) in self.order.iter().enumerate() {
                column[q + 1] = column[q] + self.votes[k * m + v];
            }
        }
        let prefix = |v: usize, q: usize| self.prefix[v * (n + 1) + q];
        for u in 0..m {
            self.point_probability[u * m + u] = 0.5;
            // Voters [0, b) lie below the midpoint, [c, n) above it.
            let (mut b, mut c) = (0, 0);
            for v in (u + 1)..m {
                let sum = self.point_x[u] + self.point_x[v];
                while b < n && 2.0 * self.voter_x[b] < sum {
                    b += 1;
                }
                c = c.max(b);
                while c < n && 2.0 * self.voter_x[c] <= sum {
                    c += 1;
                }
                let (p_u, p_v) = if denominator > 0.0 {
                    let for_u = (prefix(v, b) - prefix(u, b)).max(0.0);
                    let for_v = ((prefix(u, n) - prefix(u, c)) - (prefix(v, n) - prefix(v, c))).max(0.0);
                    (for_u / denominator, for_v / denominator)
                } else {
                    (0.5, 0.5)
                };
                self.point_probability[u * m + v] = p_u;
                self.point_probability[v * m + u] = p_v;
            }
        }
    }

    /// `E(U_ij)` for every ordered dyad from i's perspective (rᵢ), into
    /// `first_pass` or `challenge`, and in the second pass under
    /// [`Perspective::Mover`] i's reckoning of `E(U_ji)` too.
    fn fill_expected_utilities(&mut self, x: &[f64], salience: &[f64], range: f64, params: &EuParams, pass: Pass) {
        let (n, m) = (x.len(), self.point_x.len());
        let q = params.q;
        let mover = pass == Pass::Second && params.perspective == Perspective::Mover;
        for buffer in [&mut self.success, &mut self.failure, &mut self.no_challenge, &mut self.no_challenge_other] {
            buffer.resize(m, 0.0);
        }
        for i in 0..n {
            let r = self.risk_exponent[i];
            let status_quo = status_quo_utility(r);
            let d_median = (x[i] - self.median).abs() / range;
            // The basic utilities depend on j only through its position.
            for v in 0..m {
                let d = (x[i] - self.point_x[v]).abs() / range;
                (self.success[v], self.failure[v]) = if d == 0.0 {
                    // U_s = U_f = U_sq when the two agree: saves two powf.
                    (status_quo, status_quo)
                } else {
                    (success_utility(d, r), failure_utility(d, r))
                };
                if q < 1.0 {
                    self.no_challenge[v] = no_challenge_utility(d_median, d, r, params.t);
                    if mover {
                        let d_median_j = (self.point_x[v] - self.median).abs() / range;
                        self.no_challenge_other[v] = no_challenge_utility(d_median_j, d, r, params.t);
                    }
                }
            }
            let pi = self.point_of[i];
            for j in 0..n {
                let v = self.point_of[j];
                let (success, failure) = (self.success[v], self.failure[v]);
                let e = expected_utility(
                    self.point_probability[pi * m + v],
                    salience[j],
                    success,
                    failure,
                    status_quo,
                    self.no_challenge[v],
                    q,
                );
                match pass {
                    Pass::First => self.first_pass[i * n + j] = e,
                    Pass::Second => self.challenge[i * n + j] = e,
                }
                if mover {
                    // U_s and U_f depend on the dyad only through d, so with
                    // rᵢ they are those of i's own challenge; P, the
                    // resisting salience and the median term are j's.
                    self.mover_response[i * n + j] = expected_utility(
                        self.point_probability[v * m + pi],
                        salience[i],
                        success,
                        failure,
                        status_quo,
                        self.no_challenge_other[v],
                        q,
                    );
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    First,
    Second,
}

/// Eq. 7's bracket `T U_b + (1 − T) U_w` (eqs. 22–23).
#[inline]
fn no_challenge_utility(d_median: f64, d: f64, r: f64, t: TRule) -> f64 {
    use super::equations::{better_utility, worse_utility};
    let t = match t {
        TRule::Geometric => {
            if median_helps(d_median, d) {
                1.0
            } else {
                0.0
            }
        }
        TRule::Fixed(t) => t,
    };
    let better = if t > 0.0 { better_utility(d_median, d, r) } else { 0.0 };
    let worse = if t < 1.0 { worse_utility(d_median, d, r) } else { 0.0 };
    t * better + (1.0 - t) * worse
}
