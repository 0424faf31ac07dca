//! NegMAS' `NaiveTitForTatNegotiator` (NegMAS 0.16,
//! `negmas/gb/negotiators/titfortat.py`, with `KindConcessionRecommender`
//! from `negmas/gb/components/concession.py`, `TFTOfferingPolicy`,
//! `TFTAcceptancePolicy` and `ZeroSumModel`): reciprocate the opponent's
//! concession without modelling it.
//!
//! The strategy has no opponent model: it assumes the negotiation is
//! zero-sum, so the opponent's utility of an offer is one minus mine, and
//! the opponent's concession (from its assumed best, one) is my normalised
//! utility of its latest offer, `c = (u − lo) / (hi − lo)` (`hi` my best
//! utility, `lo` the larger of my worst utility and my reservation value;
//! NegMAS' `eval_normalized` above the reserve). It concedes as much:
//!
//! - its *turn* `k` counts the steps at which it was asked to act (its
//!   rounds, in alternating offers; NegMAS' `state.step`);
//! - concession at turn 0: none; at turns 1 and 2, a "smallest concession"
//!   (NegMAS' `must_concede`), `(u₁ − u₂ + 10⁻¹²)/(best − worst)` with `u₁ ≥
//!   u₂` two successive utilities of its list of outcomes, best first. NegMAS
//!   reads them with `next_worse()` from the inverse utility function its
//!   ufun caches, so each call (an answer, an offer) reads the next two: the
//!   first call the two best, the second the third and fourth, and so on.
//!   Detente does the same, so that it makes NegMAS' offers; from turn 3:
//!   `c + kindness` (`kindness_start_step = 3`, `kindness = 0` by default),
//!   with `c` clipped at 0 unless `punish`; a concession outside `[0, 1]` is
//!   replaced by 0, as NegMAS does after its warning;
//! - the concession is measured on the offer it answers (respond) or on the
//!   last offer answered (propose); before any, `c = 0`;
//! - **offer** the outcome of lowest utility at least `worst + (best −
//!   worst)·(1 − concession)` (`worst_in(..., normalized=True)`: NegMAS'
//!   inverter normalises over the whole range, not above the reserve), at
//!   least `lo`; the best outcome if none;
//! - **accept** an offer whose normalised utility (above the reserve) is at
//!   least `1 − concession`. From turn 3 on, with `kindness = 0`, that is any
//!   offer of normalised utility at least ½.
//!
//! Thresholds have a slack of 10⁻⁹ (normalised) against rounding. When
//! `hi − lo < 10⁻⁵` every outcome normalises to 1 (NegMAS). Never walks
//! away; never offers or accepts below the reservation value while a rational
//! outcome exists. `tests/strategies_negmas.rs` checks its offers against
//! NegMAS 0.16's, offer by offer.

use rand_chacha::ChaCha8Rng;

use crate::arena::{OutcomeId, PartyView};
use crate::negotiator::{Negotiator, Proposal, Response, Session, State};
use crate::strategies::time_based::worst_at_least;

/// NegMAS' `NaiveTitForTatNegotiator`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NaiveTitForTat {
    kindness: f64,
    punish: bool,
    /// The step of the last call, and how many distinct steps it acted at.
    last_step: Option<u32>,
    turns: u32,
    /// The last offer it answered.
    partner_offer: Option<OutcomeId>,
    /// How many utilities the "smallest concession" has read down its list.
    read: usize,
}

impl NaiveTitForTat {
    /// NegMAS' `kindness_start_step`.
    pub const KINDNESS_START: u32 = 3;
    /// Slack on the normalised threshold against floating-point rounding.
    const EPS: f64 = 1e-9;

    /// A tit-for-tat negotiator that adds `kindness` (a fraction of its
    /// utility range) to every concession from its fourth turn, and, with
    /// `punish`, raises its demands when the opponent's offers fall below
    /// its reservation value.
    pub fn new(kindness: f64, punish: bool) -> NaiveTitForTat {
        NaiveTitForTat { kindness, punish, ..NaiveTitForTat::default() }
    }

    fn range(me: &PartyView) -> (f64, f64) {
        (me.worst_utility().max(me.reservation), me.best_utility())
    }

    /// My normalised utility of `outcome`.
    fn normalised(me: &PartyView, outcome: OutcomeId) -> f64 {
        let (lo, hi) = Self::range(me);
        if hi - lo < 1e-5 { 1.0 } else { (me.utility(outcome) - lo) / (hi - lo) }
    }

    /// Counts a new turn when the step changes.
    fn tick(&mut self, step: u32) {
        if self.last_step != Some(step) {
            if self.last_step.is_some() {
                self.turns += 1;
            }
            self.last_step = Some(step);
        }
    }

    /// The concession (a fraction of my range) at the current turn, given
    /// the opponent's offer.
    fn concession(&mut self, me: &PartyView, partner: Option<OutcomeId>) -> f64 {
        let partner_concession = partner.map_or(0.0, |o| Self::normalised(me, o));
        let c = if partner_concession < 0.0 && !self.punish { 0.0 } else { partner_concession };
        let concession = if self.turns == 0 {
            0.0
        } else if self.turns >= Self::KINDNESS_START {
            c + self.kindness
        } else {
            // NegMAS reads the next two outcomes of its sorted list at every
            // call (`ufun.invert()` is cached, `next_worse()` advances it).
            let (best, worst) = (me.best_utility(), me.worst_utility());
            let at = |i: usize| me.by_utility.get(i).map_or(worst, |&o| me.utility(o));
            let (u1, u2) = (at(self.read), at(self.read + 1));
            self.read += 2;
            if best > worst { (u1 - u2 + 1e-12) / (best - worst) } else { 0.0 }
        };
        if concession.is_finite() && (-1e-6..=1.000_000_1).contains(&concession) { concession } else { 0.0 }
    }

    /// The lowest utility it offers at the current turn: `1 − concession` of
    /// the way from its worst utility to its best (NegMAS' inverter
    /// normalises over the whole range, not above the reserve), never below
    /// `lo`.
    fn offer_threshold(&mut self, me: &PartyView, partner: Option<OutcomeId>) -> f64 {
        let (lo, _) = Self::range(me);
        let (worst, best) = (me.worst_utility(), me.best_utility());
        (worst + (best - worst) * (1.0 - self.concession(me, partner) - Self::EPS)).max(lo)
    }
}

impl Negotiator for NaiveTitForTat {
    fn name(&self) -> &str {
        "tit-for-tat"
    }

    fn start(&mut self, _session: &Session<'_>, _rng: &mut ChaCha8Rng) {
        self.last_step = None;
        self.turns = 0;
        self.partner_offer = None;
        self.read = 0;
    }

    fn propose(&mut self, session: &Session<'_>, state: &State, _rng: &mut ChaCha8Rng) -> Proposal {
        self.tick(state.step);
        let me = session.me();
        Proposal::Offer(worst_at_least(me, self.offer_threshold(me, self.partner_offer)))
    }

    fn respond(&mut self, session: &Session<'_>, state: &State, offer: OutcomeId, _rng: &mut ChaCha8Rng) -> Response {
        self.tick(state.step);
        self.partner_offer = Some(offer);
        let me = session.me();
        let u = Self::normalised(me, offer);
        let needed = 1.0 - self.concession(me, Some(offer));
        if u >= needed - Self::EPS && me.utility(offer) >= me.reservation { Response::Accept } else { Response::Reject }
    }
}
