//! A random negotiator that stays rational: a baseline and a source of
//! noise for tests and tournaments.
//!
//! - **Offer** an outcome drawn uniformly among those of utility at least
//!   its reservation value; with none, it walks away.
//! - **Accept** an offer whose utility reaches a threshold drawn uniformly in
//!   `[lo, hi]` afresh for every offer (`hi` its best utility, `lo` the
//!   larger of its worst utility and its reservation value), so an offer of
//!   utility `u` is accepted with probability `(u − lo)/(hi − lo)`; never one
//!   below its reservation value.
//! - **Walk away** with probability `p_end` (0 by default) at each answer,
//!   drawn before the threshold.
//!
//! NegMAS' `RandomNegotiator` (`negmas/gb/negotiators/randneg.py`) differs:
//! it offers any outcome and accepts with a fixed probability (0.15),
//! rejects with 0.75 and ends with 0.1, whatever the offer's utility.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::arena::OutcomeId;
use crate::negotiator::{Negotiator, Proposal, Response, Session, State};

/// Random rational offers, acceptance above a random threshold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RandomNegotiator {
    p_end: f64,
}

impl RandomNegotiator {
    /// A random negotiator that walks away with probability `p_end` (clamped
    /// to `[0, 1]`) whenever it answers an offer.
    pub fn new(p_end: f64) -> RandomNegotiator {
        RandomNegotiator { p_end: if p_end.is_nan() { 0.0 } else { p_end.clamp(0.0, 1.0) } }
    }

    pub fn p_end(&self) -> f64 {
        self.p_end
    }
}

impl Negotiator for RandomNegotiator {
    fn name(&self) -> &str {
        "random"
    }

    fn propose(&mut self, session: &Session<'_>, _state: &State, rng: &mut ChaCha8Rng) -> Proposal {
        let me = session.me();
        let rational = me.at_least(me.reservation);
        if rational.is_empty() {
            return Proposal::EndNegotiation;
        }
        Proposal::Offer(rational[rng.random_range(0..rational.len())])
    }

    fn respond(&mut self, session: &Session<'_>, _state: &State, offer: OutcomeId, rng: &mut ChaCha8Rng) -> Response {
        if self.p_end > 0.0 && rng.random::<f64>() < self.p_end {
            return Response::EndNegotiation;
        }
        let me = session.me();
        let (lo, hi) = (me.worst_utility().max(me.reservation), me.best_utility());
        let threshold = if hi > lo { rng.random_range(lo..=hi) } else { lo };
        let u = me.utility(offer);
        if u >= threshold && u >= me.reservation { Response::Accept } else { Response::Reject }
    }
}
