//! The [`Negotiator`] trait: what an agent does, and what it is told.
//!
//! An agent sees its own preferences only ([`Session::me`]), never the other
//! parties' utilities: it learns about them from their offers, as in GENIUS
//! and NegMAS.

use rand_chacha::ChaCha8Rng;

use crate::arena::{Arena, OutcomeId, PartyView};

/// Fixed facts of one negotiation, given to every call.
#[derive(Debug)]
pub struct Session<'a> {
    arena: &'a Arena,
    /// This party's index among the negotiating parties.
    pub index: usize,
    pub n_parties: usize,
    /// Steps before the deadline (see [`crate::Deadline`]).
    pub steps: u32,
}

impl<'a> Session<'a> {
    pub fn new(arena: &'a Arena, index: usize, steps: u32) -> Session<'a> {
        Session { arena, index, n_parties: arena.parties.len(), steps }
    }

    /// This party's own utilities and sorted outcomes.
    pub fn me(&self) -> &'a PartyView {
        &self.arena.parties[self.index]
    }

    pub fn n_outcomes(&self) -> u32 {
        self.arena.n_outcomes
    }

    /// The outcome's levels, one per issue (for opponent models that count
    /// issue values).
    pub fn levels(&self, outcome: OutcomeId) -> detente_core::Outcome {
        self.arena.outcome(outcome)
    }

    /// Levels per issue.
    pub fn issue_levels(&self) -> &'a [u64] {
        &self.arena.space.levels
    }
}

/// Where the negotiation is when a party is asked to act.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct State {
    /// Steps taken so far (0-based: the first action happens at step 0).
    pub step: u32,
    /// Relative time, in `[0, 1)`: the fraction of the deadline elapsed, as
    /// the protocol counts it (alternating offers: `(round + 1) / (rounds + 1)`,
    /// NegMAS' relative time; see `protocol::sao`).
    pub time: f64,
    /// The offer currently on the table and who made it, if any.
    pub current: Option<(OutcomeId, usize)>,
}

/// A party's move when it is its turn to propose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proposal {
    Offer(OutcomeId),
    /// Walk away: the negotiation ends without agreement.
    EndNegotiation,
}

/// A party's answer to an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    Accept,
    Reject,
    /// Walk away: the negotiation ends without agreement.
    EndNegotiation,
}

/// What happened, told to every party after each action.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    Offered {
        step: u32,
        by: usize,
        outcome: OutcomeId,
    },
    Accepted {
        step: u32,
        by: usize,
        outcome: OutcomeId,
    },
    Rejected {
        step: u32,
        by: usize,
        outcome: OutcomeId,
    },
    /// The mediator of a single-text protocol proposed this text.
    Proposed {
        step: u32,
        outcome: OutcomeId,
    },
    Ended {
        step: u32,
        agreement: Option<OutcomeId>,
    },
}

/// A negotiating agent. Implement it to take part in negotiations and
/// tournaments; see `examples/` for a complete one.
pub trait Negotiator: Send {
    /// The strategy's name, as it appears in results.
    fn name(&self) -> &str;

    /// Called once before the first step.
    fn start(&mut self, session: &Session<'_>, rng: &mut ChaCha8Rng) {
        let _ = (session, rng);
    }

    /// It is this party's turn to make an offer (alternating offers) or to
    /// propose a text.
    fn propose(&mut self, session: &Session<'_>, state: &State, rng: &mut ChaCha8Rng) -> Proposal;

    /// Another party offers `offer`.
    fn respond(&mut self, session: &Session<'_>, state: &State, offer: OutcomeId, rng: &mut ChaCha8Rng) -> Response;

    /// Told after every action, including the party's own.
    fn observe(&mut self, session: &Session<'_>, event: &Event) {
        let _ = (session, event);
    }
}
