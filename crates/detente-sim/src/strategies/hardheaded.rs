//! HardHeaded, the winner of ANAC 2011 (van Krimpen, Looije & Hajizadeh
//! 2013, "HardHeaded", in *Complex Automated Negotiations*, Springer, SCI
//! 435, pp. 223–227; GENIUS' `agents.anac.y2011.HardHeaded`). A faithful
//! simplification: what is kept and what is not is listed below.
//!
//! **Concession** (kept as in the original, constants included): the lowest
//! utility it offers at relative time `t` is
//! `p(t) = m + (1 − F(t)) · (M − m)`, `F(t) = Ka + (1 − Ka)·(t/s)^(1/e)`
//! with `Ka = 0.05`, `e = 0.05`, `M` its best utility, `s` its discount
//! factor (1 without one; with `s < 0.9` the original's two-phase curve:
//! `e/s` and a raised minimum before `t = s`, exponent 30 after), and `m`
//! the original's `MINIMUM_BID_UTILITY = 0.585`, here taken 0.585 of the way
//! from its worst to its best utility (the same number when utilities span
//! `[0, 1]`), raised to its reservation value. Boulware in the extreme: it
//! stays near its best outcome until the last few percent of the time.
//!
//! **Bidding** (kept): its first offer is its best outcome. Afterwards it
//! offers from a queue; when the queue is empty it refills it from the
//! outcomes just below the utility of its last offer:
//! - the next lower outcome, if at least `p(t)`, and every outcome after it
//!   within `UTILITY_TOLERANCE = 0.01` of its utility and at least `p(t)`
//!   (the original's `BidSelector` map holds one bid per utility value; here
//!   outcomes of equal utility are all candidates, at most 1,000 of them);
//! - if that next outcome is below `p(t)`, one of its own earlier offers
//!   drawn at random instead (the original's "reset", which makes it cycle
//!   through the same range of bids);
//! - with more than `TOP_SELECTED_BIDS = 4` candidates, the `4 + 1` (the
//!   original's `<=` loop) best for the opponents by the frequency model
//!   ([`crate::opponent::FrequencyModel`], one per other party, their mean
//!   prediction in multilateral negotiations), ties to the better for
//!   itself; otherwise all of them, best for itself first;
//! - the best offer it has received (for itself) goes to the head of the
//!   queue when it beats the queue's head.
//!
//! **Acceptance** (kept): accept an offer better than the lowest utility it
//! has offered so far, or at least as good as its next offer (the queue's
//! head); never one below its reservation value (added).
//!
//! **Left out**: the original's fallback to a random bid when no bid can be
//! selected (cannot happen here), its separate random generators, and its
//! clock: time is the protocol's relative time. It never walks away. In the
//! mediated protocol it only votes, so it accepts only texts at least as good
//! as its best outcome's utility.

use std::collections::VecDeque;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::arena::{OutcomeId, PartyView};
use crate::negotiator::{Event, Negotiator, Proposal, Response, Session, State};
use crate::opponent::FrequencyModel;

/// HardHeaded (ANAC 2011).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HardHeaded {
    /// One model per party (none for itself).
    models: Vec<Option<FrequencyModel>>,
    /// Its offers so far, in order.
    my_bids: Vec<OutcomeId>,
    queue: VecDeque<OutcomeId>,
    /// The lowest utility it has offered so far (its best utility before any).
    lowest_yet: f64,
    /// The best offer received so far, for itself.
    opponent_best: Option<OutcomeId>,
}

impl HardHeaded {
    pub const KA: f64 = 0.05;
    pub const E: f64 = 0.05;
    pub const MINIMUM_BID_UTILITY: f64 = 0.585;
    pub const UTILITY_TOLERANCE: f64 = 0.01;
    pub const TOP_SELECTED_BIDS: usize = 4;
    /// The original's fixed exponent after the discount's step point.
    const LATE_EXPONENT: f64 = 30.0;
    /// Discount factors at or above this are ignored (the original's threshold).
    const IGNORE_DISCOUNT: f64 = 0.9;
    /// The most outcomes one refill considers.
    const MAX_CANDIDATES: usize = 1000;

    /// The lowest utility it offers, `m`: 0.585 of the way from its worst to
    /// its best utility, at least its reservation value, at most its best.
    pub fn minimum_utility(me: &PartyView) -> f64 {
        let (worst, best) = (me.worst_utility(), me.best_utility());
        (worst + Self::MINIMUM_BID_UTILITY * (best - worst)).max(me.reservation).min(best)
    }

    /// The concession curve `p(t)`.
    pub fn p(me: &PartyView, t: f64) -> f64 {
        let max = me.best_utility();
        let min = Self::minimum_utility(me);
        let t = t.clamp(0.0, 1.0);
        let step_point = me.discount.unwrap_or(1.0);
        if step_point >= Self::IGNORE_DISCOUNT {
            let f = Self::KA + (1.0 - Self::KA) * (t / step_point).powf(1.0 / Self::E);
            min + (1.0 - f) * (max - min)
        } else if t <= step_point {
            let e = Self::E / step_point;
            let f = Self::KA + (1.0 - Self::KA) * (t / step_point).powf(1.0 / e);
            let raised_min = min + (max - min).abs() * step_point;
            raised_min + (1.0 - f) * (max - raised_min)
        } else {
            let f =
                Self::KA + (1.0 - Self::KA) * ((t - step_point) / (1.0 - step_point)).powf(1.0 / Self::LATE_EXPONENT);
            let lowered_max = min + (max - min).abs() * step_point;
            min + (1.0 - f) * (lowered_max - min)
        }
    }

    /// The mean predicted utility of `outcome` to the other parties.
    fn opponents_utility(&self, outcome: OutcomeId) -> f64 {
        let (sum, n) = self.models.iter().flatten().fold((0.0, 0usize), |(s, n), m| (s + m.predict(outcome), n + 1));
        if n == 0 { 0.0 } else { sum / n as f64 }
    }

    /// Fills the queue if it is empty.
    fn refill(&mut self, me: &PartyView, t: f64, rng: &mut ChaCha8Rng) {
        if !self.queue.is_empty() {
            return;
        }
        let Some(&last) = self.my_bids.last() else {
            self.queue.push_back(me.by_utility[0]);
            return;
        };
        let p = Self::p(me, t);
        let last_u = me.utility(last);
        let start = me.by_utility.partition_point(|&o| me.utility(o) >= last_u);
        let candidates: Vec<OutcomeId> = match me.by_utility.get(start) {
            Some(&next) if me.utility(next) >= p => {
                let first_u = me.utility(next);
                me.by_utility[start..]
                    .iter()
                    .copied()
                    .take_while(|&o| {
                        let u = me.utility(o);
                        first_u - u < Self::UTILITY_TOLERANCE && u >= p
                    })
                    .take(Self::MAX_CANDIDATES)
                    .collect()
            }
            _ => vec![self.my_bids[rng.random_range(0..self.my_bids.len())]],
        };
        if candidates.len() <= Self::TOP_SELECTED_BIDS {
            self.queue.extend(candidates);
        } else {
            let mut scored: Vec<(f64, OutcomeId)> =
                candidates.into_iter().map(|o| (self.opponents_utility(o), o)).collect();
            // Stable: equal predictions keep the better outcome for itself first.
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            self.queue.extend(scored.into_iter().take(Self::TOP_SELECTED_BIDS + 1).map(|(_, o)| o));
        }
        if let (Some(best), Some(&head)) = (self.opponent_best, self.queue.front())
            && me.utility(best) > me.utility(head)
        {
            self.queue.push_front(best);
        }
    }
}

impl Negotiator for HardHeaded {
    fn name(&self) -> &str {
        "hardheaded"
    }

    fn start(&mut self, session: &Session<'_>, _rng: &mut ChaCha8Rng) {
        let levels = session.issue_levels();
        *self = HardHeaded {
            models: (0..session.n_parties).map(|i| (i != session.index).then(|| FrequencyModel::new(levels))).collect(),
            lowest_yet: session.me().best_utility(),
            ..HardHeaded::default()
        };
    }

    fn propose(&mut self, session: &Session<'_>, state: &State, rng: &mut ChaCha8Rng) -> Proposal {
        let me = session.me();
        self.refill(me, state.time, rng);
        let offer = self.queue.pop_front().unwrap_or(me.by_utility[0]);
        self.my_bids.push(offer);
        self.lowest_yet = self.lowest_yet.min(me.utility(offer));
        Proposal::Offer(offer)
    }

    fn respond(&mut self, session: &Session<'_>, state: &State, offer: OutcomeId, rng: &mut ChaCha8Rng) -> Response {
        let me = session.me();
        self.refill(me, state.time, rng);
        let u = me.utility(offer);
        let next = self.queue.front().map_or(me.best_utility(), |&o| me.utility(o));
        if u >= me.reservation && (u > self.lowest_yet || u >= next) { Response::Accept } else { Response::Reject }
    }

    fn observe(&mut self, session: &Session<'_>, event: &Event) {
        if let Event::Offered { by, outcome, .. } = *event
            && by != session.index
        {
            if let Some(Some(model)) = self.models.get_mut(by) {
                model.update(outcome);
            }
            let me = session.me();
            if self.opponent_best.is_none_or(|b| me.utility(outcome) > me.utility(b)) {
                self.opponent_best = Some(outcome);
            }
        }
    }
}
