//! NegMAS' `AspirationNegotiator` (NegMAS 0.16,
//! `negmas/gb/negotiators/timebased.py`, with `PolyAspiration` from
//! `negmas/negotiators/helpers.py` and the `UtilityInverter` of
//! `negmas/gb/components/inverter.py`): a time-only conceder, the library's
//! most used negotiator.
//!
//! - **Aspiration** `a(t) = m · (1 − tˣ)` with the maximum aspiration `m`
//!   (NegMAS' `max_aspiration`, default 1) and NegMAS' exponent `x`
//!   (`aspiration_type`: "boulware" is `x = 4`, the default, "linear" 1,
//!   "conceder" 0.25). [`crate::strategies::time_based`] writes the same curve
//!   with Faratin's `e = 1/x`.
//! - **Target** `lo + (hi − lo) · a(t)`, `hi` the best utility and `lo` the
//!   larger of the worst utility and the reservation value; the threshold is
//!   the target less the tolerance (NegMAS' `tolerance`, default 0.001),
//!   kept within `[lo, hi]`.
//! - **Offer** the outcome of lowest utility at or above the threshold (NegMAS'
//!   default `stochastic=False`: `worst_in`), the first in outcome order among
//!   equals; the best outcome if none reaches it.
//! - **Accept** an offer at or above the threshold (the offering curve is the
//!   accepting curve). Never walks away.
//!
//! Utilities are undiscounted. Because `lo` is at least the reservation
//! value, the strategy neither offers nor accepts an irrational outcome.
//! `tests/strategies_negmas.rs` checks it against NegMAS 0.16's runs.

use rand_chacha::ChaCha8Rng;

use crate::arena::{OutcomeId, PartyView};
use crate::negotiator::{Negotiator, Proposal, Response, Session, State};
use crate::strategies::time_based::worst_at_least;

/// NegMAS' `AspirationNegotiator`.
#[derive(Debug, Clone, PartialEq)]
pub struct Aspiration {
    exponent: f64,
    max_aspiration: f64,
    tolerance: f64,
}

impl Default for Aspiration {
    /// NegMAS' defaults: Boulware (`x = 4`), maximum aspiration 1, tolerance 0.001.
    fn default() -> Aspiration {
        Aspiration { exponent: Self::BOULWARE, max_aspiration: 1.0, tolerance: Self::TOLERANCE }
    }
}

impl Aspiration {
    /// NegMAS' "boulware" exponent.
    pub const BOULWARE: f64 = 4.0;
    /// NegMAS' "linear" exponent.
    pub const LINEAR: f64 = 1.0;
    /// NegMAS' "conceder" exponent.
    pub const CONCEDER: f64 = 0.25;
    /// NegMAS' default tolerance (`AspirationNegotiator(tolerance=0.001)`).
    pub const TOLERANCE: f64 = 0.001;

    /// An aspiration negotiator with NegMAS' exponent `x` (positive, finite)
    /// and maximum aspiration `m` in `[0, 1]`; `None` for other values.
    pub fn new(exponent: f64, max_aspiration: f64) -> Option<Aspiration> {
        let ok = exponent.is_finite() && exponent > 0.0 && (0.0..=1.0).contains(&max_aspiration);
        ok.then_some(Aspiration { exponent, max_aspiration, tolerance: Self::TOLERANCE })
    }

    /// NegMAS' exponent `x`.
    pub fn exponent(&self) -> f64 {
        self.exponent
    }

    /// The aspiration level `m · (1 − tˣ)` at relative time `t`.
    pub fn aspiration(&self, t: f64) -> f64 {
        self.max_aspiration * (1.0 - t.clamp(0.0, 1.0).powf(self.exponent))
    }

    /// The utility threshold at time `t`: the target less the tolerance,
    /// within `[lo, hi]`.
    pub fn threshold(&self, me: &PartyView, t: f64) -> f64 {
        let (lo, hi) = (me.worst_utility().max(me.reservation), me.best_utility());
        let target = lo + (hi - lo) * self.aspiration(t);
        (target - self.tolerance).min(hi).max(lo)
    }
}

impl Negotiator for Aspiration {
    fn name(&self) -> &str {
        "aspiration"
    }

    fn propose(&mut self, session: &Session<'_>, state: &State, _rng: &mut ChaCha8Rng) -> Proposal {
        let me = session.me();
        Proposal::Offer(worst_at_least(me, self.threshold(me, state.time)))
    }

    fn respond(&mut self, session: &Session<'_>, state: &State, offer: OutcomeId, _rng: &mut ChaCha8Rng) -> Response {
        let me = session.me();
        if me.utility(offer) >= self.threshold(me, state.time) { Response::Accept } else { Response::Reject }
    }
}
