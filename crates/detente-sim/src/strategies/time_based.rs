//! Time-dependent concession (Faratin, Sierra and Jennings 1998): the
//! utility a party asks for falls with relative time `t` only, never with
//! what the opponent does.
//!
//! The curve and the choice of offer are NegMAS 0.16's
//! `TimeBasedConcedingNegotiator` (`negmas/gb/negotiators/timebased.py`)
//! with a `PolyAspiration` curve (`negmas/negotiators/helpers.py`) and its
//! `UtilityInverter` (`negmas/gb/components/inverter.py`):
//!
//! - aspiration `a(t) = 1 − t^(1/e)`: NegMAS writes `1 − t^x` with
//!   `x = 4` for "boulware", `1` for "linear", `0.25` for "conceder"; Detente
//!   uses Faratin's concession exponent `e = 1/x`, so Boulware is `e = 0.25 < 1`,
//!   Linear `e = 1`, Conceder `e = 4 > 1`;
//! - target `τ(t) = lo + (hi − lo)·a(t)` with `hi` the best utility and `lo`
//!   the larger of the worst utility and the reservation value (NegMAS'
//!   `UtilityBasedOutcomeSetRecommender.on_preferences_changed`);
//! - the threshold is the target less a tolerance of `10⁻⁴`, kept within
//!   `[lo, hi]` (`scale_utilities`, `eps = 0.0001`);
//! - **offer**: the outcome of *lowest* utility at or above the threshold
//!   (`BoulwareTBNegotiator` and its siblings set `stochastic=False`, so the
//!   inverter's `worst_in` picks it; NegMAS does not draw at random among the
//!   outcomes above the target here). Among outcomes of equal utility, the
//!   first in outcome order. NegMAS orders tied outcomes with NumPy's
//!   unstable `argsort`, so on scenarios with tied utilities the two may
//!   offer different outcomes of the same utility (the cross-check scenarios
//!   have no ties);
//! - **accept** an offer whose utility lies in `[threshold, hi]`
//!   (`UtilBasedNegotiator.respond`, same curve for accepting and offering).
//!   Compose with an acceptance condition (`boulware+ac-next`, see
//!   [`crate::acceptance`]) for Baarslag's conditions instead.
//!
//! Utilities are undiscounted: the curve ignores the discount factor.

use std::borrow::Cow;

use rand_chacha::ChaCha8Rng;

use crate::arena::{OutcomeId, PartyView};
use crate::negotiator::{Negotiator, Proposal, Response, Session, State};

/// A time-dependent conceder with concession exponent `e`.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeBased {
    name: Cow<'static, str>,
    e: f64,
    tolerance: f64,
    /// The last time asked about and the band then: alternating offers asks
    /// to respond and to propose at the same time, and `powf` is most of a
    /// turn's cost.
    cache: Option<(f64, (f64, f64))>,
    /// How many outcomes reached the last threshold offered at: the target
    /// only falls, so the next search starts there.
    reached: usize,
}

impl TimeBased {
    /// NegMAS' tolerance around the target (`UtilBasedNegotiator(eps=0.0001)`).
    pub const TOLERANCE: f64 = 1e-4;
    /// Boulware's exponent: NegMAS' "boulware" curve `1 − t⁴`.
    pub const BOULWARE: f64 = 0.25;
    pub const LINEAR: f64 = 1.0;
    /// Conceder's exponent: NegMAS' "conceder" curve `1 − t^¼`.
    pub const CONCEDER: f64 = 4.0;

    /// A time-based strategy with concession exponent `e > 0` (finite),
    /// named `time-based(e=…)`. Panics on another `e`: use
    /// [`crate::strategies::build`] for user input.
    pub fn new(e: f64) -> TimeBased {
        TimeBased::named(Cow::Owned(format!("time-based(e={e})")), e)
    }

    /// Concedes little until close to the deadline (`e = 0.25`).
    pub fn boulware() -> TimeBased {
        TimeBased::named(Cow::Borrowed("boulware"), Self::BOULWARE)
    }

    /// Concedes at a constant rate (`e = 1`).
    pub fn linear() -> TimeBased {
        TimeBased::named(Cow::Borrowed("linear"), Self::LINEAR)
    }

    /// Concedes most of the way early (`e = 4`).
    pub fn conceder() -> TimeBased {
        TimeBased::named(Cow::Borrowed("conceder"), Self::CONCEDER)
    }

    fn named(name: Cow<'static, str>, e: f64) -> TimeBased {
        assert!(e.is_finite() && e > 0.0, "a concession exponent must be positive and finite, not {e}");
        TimeBased { name, e, tolerance: Self::TOLERANCE, cache: None, reached: 0 }
    }

    /// The concession exponent `e`.
    pub fn exponent(&self) -> f64 {
        self.e
    }

    /// The aspiration `1 − t^(1/e)` at relative time `t`, in `[0, 1]`.
    pub fn aspiration(&self, t: f64) -> f64 {
        1.0 - t.clamp(0.0, 1.0).powf(1.0 / self.e)
    }

    /// The utility range `[lo, hi]` the curve spans for `me`: from the larger
    /// of the worst utility and the reservation value up to the best.
    pub fn range(me: &PartyView) -> (f64, f64) {
        (me.worst_utility().max(me.reservation), me.best_utility())
    }

    /// The target utility `lo + (hi − lo)·a(t)`.
    pub fn target(&self, me: &PartyView, t: f64) -> f64 {
        let (lo, hi) = Self::range(me);
        (hi - lo) * self.aspiration(t) + lo
    }

    /// The acceptance band `[target − tolerance, hi + tolerance]`, each end
    /// kept within `[lo, hi]` (NegMAS' `scale_utilities`).
    pub fn band(&self, me: &PartyView, t: f64) -> (f64, f64) {
        let (lo, hi) = Self::range(me);
        let clip = |x: f64| lo.max(hi.min(x));
        (clip(self.target(me, t) - self.tolerance), clip(hi + self.tolerance))
    }

    /// What the strategy offers at time `t`: the lowest-utility outcome at
    /// or above the threshold (the first in outcome order among equals), or
    /// the best outcome when none reaches it.
    pub fn offer(&self, me: &PartyView, t: f64) -> OutcomeId {
        let (threshold, _) = self.band(me, t);
        worst_at_least(me, threshold)
    }

    /// Whether the strategy accepts an offer of utility `u` at time `t`.
    pub fn accepts(&self, me: &PartyView, t: f64, u: f64) -> bool {
        let (low, high) = self.band(me, t);
        low <= u && u <= high
    }
}

/// The outcome of lowest utility at or above `threshold`, the first in
/// outcome order among outcomes of that utility; the best outcome when
/// none reaches `threshold`.
pub fn worst_at_least(me: &PartyView, threshold: f64) -> OutcomeId {
    worst_in_prefix(me, me.at_least(threshold).len())
}

/// The number of outcomes with utility at least `threshold` (the length of
/// [`PartyView::at_least`]), searched forward from `hint`, a length known to
/// be no longer (the previous answer for a higher threshold): a galloping
/// search costs the logarithm of the distance, where a binary search over
/// all outcomes mispredicts a branch at every level. A wrong hint falls back
/// to the binary search.
pub fn at_least_len_from(me: &PartyView, threshold: f64, hint: usize) -> usize {
    let by = &me.by_utility;
    let n = by.len();
    let reaches = |i: usize| me.utility(by[i]) >= threshold;
    if hint > n || (hint > 0 && !reaches(hint - 1)) {
        return me.at_least(threshold).len();
    }
    // Every index below `lo` reaches the threshold; `hi` does not (or is n).
    let (mut lo, mut step) = (hint, 1usize);
    let hi = loop {
        let probe = lo + step - 1;
        if probe >= n {
            break n;
        }
        if !reaches(probe) {
            break probe;
        }
        lo = probe + 1;
        step *= 2;
    };
    lo + by[lo..hi].partition_point(|&o| me.utility(o) >= threshold)
}

/// The last outcome of the prefix of `len` best outcomes, the first in
/// outcome order among those of its utility; the best outcome when `len` is 0.
fn worst_in_prefix(me: &PartyView, len: usize) -> OutcomeId {
    let above = &me.by_utility[..len];
    let Some(&last) = above.last() else {
        return me.by_utility[0];
    };
    let u = me.utility(last);
    // `by_utility` keeps equal utilities in outcome order: the tie block's
    // first element is its lowest outcome. Ties are rare: look at the
    // neighbour before searching.
    match above.len().checked_sub(2) {
        Some(before) if me.utility(above[before]) == u => above[above.partition_point(|&o| me.utility(o) > u)],
        _ => last,
    }
}

impl TimeBased {
    /// [`TimeBased::band`], remembered for the last time asked about.
    fn cached_band(&mut self, me: &PartyView, t: f64) -> (f64, f64) {
        match self.cache {
            Some((at, band)) if at == t => band,
            _ => {
                let band = self.band(me, t);
                self.cache = Some((t, band));
                band
            }
        }
    }
}

impl Negotiator for TimeBased {
    fn name(&self) -> &str {
        &self.name
    }

    fn start(&mut self, _session: &Session<'_>, _rng: &mut ChaCha8Rng) {
        self.cache = None;
        self.reached = 0;
    }

    fn propose(&mut self, session: &Session<'_>, state: &State, _rng: &mut ChaCha8Rng) -> Proposal {
        let me = session.me();
        let (threshold, _) = self.cached_band(me, state.time);
        self.reached = at_least_len_from(me, threshold, self.reached);
        Proposal::Offer(worst_in_prefix(me, self.reached))
    }

    fn respond(&mut self, session: &Session<'_>, state: &State, offer: OutcomeId, _rng: &mut ChaCha8Rng) -> Response {
        let me = session.me();
        let (low, high) = self.cached_band(me, state.time);
        let u = me.utility(offer);
        if low <= u && u <= high { Response::Accept } else { Response::Reject }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(utilities: Vec<f64>) -> PartyView {
        let mut by_utility: Vec<OutcomeId> = (0..utilities.len() as u32).map(OutcomeId).collect();
        by_utility.sort_by(|&p, &q| utilities[q.0 as usize].total_cmp(&utilities[p.0 as usize]));
        PartyView { actor: 0, id: "a".into(), reservation: 0.0, discount: None, utilities, by_utility }
    }

    #[test]
    fn galloping_search_matches_the_binary_search() {
        // Utilities with ties: (k * 7 mod 23) / 22.
        let me = view((0..200u32).map(|k| f64::from(k * 7 % 23) / 22.0).collect());
        let n = me.by_utility.len();
        let mut thresholds: Vec<f64> = (0..=50).map(|k| 1.05 - f64::from(k) * 0.022).collect();
        thresholds.extend([f64::NEG_INFINITY, f64::INFINITY, 0.5, 1.0 / 22.0]);
        for &threshold in &thresholds {
            let expected = me.at_least(threshold).len();
            for hint in [0, 1, 7, expected.saturating_sub(3), expected, expected + 1, n, n + 5] {
                assert_eq!(at_least_len_from(&me, threshold, hint), expected, "threshold {threshold}, hint {hint}");
            }
        }
    }

    #[test]
    fn ties_go_to_the_lowest_outcome() {
        let me = view(vec![0.5, 0.9, 0.5, 1.0, 0.5]);
        assert_eq!(worst_at_least(&me, 0.4), OutcomeId(0));
        assert_eq!(worst_at_least(&me, 0.6), OutcomeId(1));
        assert_eq!(worst_at_least(&me, 2.0), OutcomeId(3)); // none reaches: the best
    }

    #[test]
    fn named_curves() {
        let b = TimeBased::boulware();
        assert_eq!(b.aspiration(0.5), 1.0 - 0.5f64.powi(4));
        assert_eq!(TimeBased::conceder().aspiration(0.0625), 0.5);
        assert_eq!(TimeBased::linear().aspiration(0.3), 0.7);
        let me = view(vec![0.2, 0.6, 1.0]);
        // From max(worst, reservation) = 0.2 to 1: the target at t = 0.5
        // for Linear is 0.6, and 0.6 is offered and accepted (band 0.5999).
        assert!((TimeBased::linear().target(&me, 0.5) - 0.6).abs() < 1e-15);
        assert_eq!(TimeBased::linear().offer(&me, 0.5), OutcomeId(1));
        assert!(TimeBased::linear().accepts(&me, 0.5, 0.6) && !TimeBased::linear().accepts(&me, 0.5, 0.59));
        let mut reserved = view(vec![0.2, 0.6, 1.0]);
        reserved.reservation = 0.7;
        assert_eq!(TimeBased::linear().offer(&reserved, 0.99), OutcomeId(2));
        assert!(!TimeBased::linear().accepts(&reserved, 0.99, 0.6));
    }
}
