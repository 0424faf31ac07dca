//! MiCRO, "Monotonic Concession with Rational Offers" (de Jonge 2022, "An
//! analysis of the linear bilateral ANAC domains using the MiCRO benchmark
//! strategy", IJCAI), as NegMAS 0.16 runs it (`MiCRONegotiator` in
//! `negmas/gb/negotiators/micro.py`, `MiCROOfferingPolicy` and
//! `MiCROAcceptancePolicy` in `negmas/gb/components/`).
//!
//! MiCRO walks down its own rational outcomes (utility at least the
//! reservation value), best first, one outcome per concession:
//!
//! - it is *ready to concede* when it has made no more distinct offers than
//!   it received distinct offers (from any other party, counted when they
//!   are made, as NegMAS' `on_partner_proposal`);
//! - **offer**: when ready, the next outcome of the list (the first offer is
//!   its best outcome); otherwise, or once the list is exhausted, one of its
//!   earlier offers drawn uniformly at random;
//! - **accept** an offer at least as good as its next offer: the next
//!   outcome of the list when ready to concede, its last new offer
//!   otherwise; with no such outcome (list exhausted, or nothing offered
//!   yet while not ready) any offer at least its reservation value. NegMAS'
//!   default `accept_same = True` (an equal offer is accepted).
//! - Ties in utility are separate outcomes of the list, in outcome order.
//!   With no rational outcome at all, it walks away (NegMAS would offer
//!   nothing).
//!
//! Its random repeats draw from the party's generator, not NegMAS'; its
//! concessions and agreements match NegMAS 0.16's (`tests/strategies_negmas.rs`).

use std::collections::HashSet;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::arena::OutcomeId;
use crate::negotiator::{Event, Negotiator, Proposal, Response, Session, State};

/// MiCRO.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Micro {
    /// How many outcomes of the rational list it has offered.
    next: usize,
    /// Distinct outcomes it offered, in the order first offered.
    sent: Vec<OutcomeId>,
    sent_set: HashSet<OutcomeId>,
    received: HashSet<OutcomeId>,
}

impl Micro {
    fn ready(&self) -> bool {
        self.sent_set.len() <= self.received.len()
    }

    /// Its rational outcomes, best first.
    fn rational<'a>(session: &Session<'a>) -> &'a [OutcomeId] {
        let me = session.me();
        me.at_least(me.reservation)
    }
}

impl Negotiator for Micro {
    fn name(&self) -> &str {
        "micro"
    }

    fn start(&mut self, _session: &Session<'_>, _rng: &mut ChaCha8Rng) {
        *self = Micro::default();
    }

    fn propose(&mut self, session: &Session<'_>, _state: &State, rng: &mut ChaCha8Rng) -> Proposal {
        let rational = Self::rational(session);
        match rational.get(self.next) {
            Some(&outcome) if self.ready() => {
                self.next += 1;
                if self.sent_set.insert(outcome) {
                    self.sent.push(outcome);
                }
                Proposal::Offer(outcome)
            }
            _ if self.sent.is_empty() => Proposal::EndNegotiation,
            _ => Proposal::Offer(self.sent[rng.random_range(0..self.sent.len())]),
        }
    }

    fn respond(&mut self, session: &Session<'_>, _state: &State, offer: OutcomeId, _rng: &mut ChaCha8Rng) -> Response {
        let me = session.me();
        let rational = Self::rational(session);
        let mine =
            if self.ready() { rational.get(self.next) } else { self.next.checked_sub(1).and_then(|i| rational.get(i)) };
        let needed = mine.map_or(me.reservation, |&o| me.utility(o).max(me.reservation));
        if me.utility(offer) >= needed { Response::Accept } else { Response::Reject }
    }

    fn observe(&mut self, session: &Session<'_>, event: &Event) {
        if let Event::Offered { by, outcome, .. } = *event
            && by != session.index
        {
            self.received.insert(outcome);
        }
    }
}
