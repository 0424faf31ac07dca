//! Acceptance conditions (Baarslag, Hindriks and Jonker 2014, "Effective
//! acceptance conditions in real-time automated negotiation"), composable
//! with any bidding strategy.
//!
//! [`WithAcceptance`] wraps a [`Negotiator`]: the wrapped strategy still
//! chooses every offer, and the conditions alone decide whether to accept.
//! Several conditions accept when any one does (Baarslag's combinations,
//! e.g. `AC_next ∨ AC_time(0.95)`). The utilities compared are undiscounted.
//!
//! - [`Condition::Next`] (`AC_next`): accept an offer at least as good as the
//!   offer I would make next. The wrapper asks the strategy for that offer
//!   when the offer arrives and, if it rejects, makes exactly that offer when
//!   the protocol asks it to propose in the same step (alternating offers
//!   always does: NegMAS' negotiators likewise decide on `respond` and
//!   `propose` in the one call).
//! - [`Condition::Const`] (`AC_const(c)`): accept an offer of utility at least `c`.
//! - [`Condition::Time`] (`AC_time(T)`): accept anything once relative time
//!   reaches `T`, even below the reservation value.
//!
//! The wrapped strategy's own answer is asked for first (so that a strategy
//! which learns from the offers it answers still sees them) and is obeyed
//! only when it walks away and no condition accepts.

use rand_chacha::ChaCha8Rng;

use crate::arena::OutcomeId;
use crate::negotiator::{Event, Negotiator, Proposal, Response, Session, State};

/// One acceptance condition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Condition {
    /// `AC_next`: accept if the offer is at least what I would offer next.
    Next,
    /// `AC_const(c)`: accept if the offer's utility is at least `c`.
    Const(f64),
    /// `AC_time(T)`: accept any offer at relative time `t ≥ T`.
    Time(f64),
}

impl Condition {
    /// Whether the condition accepts an offer of utility `offered` at time
    /// `time`, when my next offer would have utility `next` (`None` when I
    /// would walk away instead).
    pub fn accepts(&self, offered: f64, next: Option<f64>, time: f64) -> bool {
        match *self {
            Condition::Next => next.is_some_and(|next| offered >= next),
            Condition::Const(c) => offered >= c,
            Condition::Time(t) => time >= t,
        }
    }

    /// The condition as the strategy grammar writes it: `ac-next`,
    /// `ac-const(0.8)`, `ac-time(0.95)`.
    pub fn spec(&self) -> String {
        match self {
            Condition::Next => "ac-next".to_owned(),
            Condition::Const(c) => format!("ac-const({c})"),
            Condition::Time(t) => format!("ac-time({t})"),
        }
    }
}

/// A strategy whose acceptance is decided by [`Condition`]s.
pub struct WithAcceptance {
    inner: Box<dyn Negotiator>,
    conditions: Vec<Condition>,
    name: String,
    /// The proposal computed while answering an offer at this step, made
    /// when the protocol asks for a proposal in the same step.
    pending: Option<(u32, Proposal)>,
}

impl std::fmt::Debug for WithAcceptance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithAcceptance")
            .field("inner", &self.inner.name())
            .field("conditions", &self.conditions)
            .field("pending", &self.pending)
            .finish()
    }
}

impl WithAcceptance {
    /// Wraps `inner`; named `inner+ac-…+…`.
    pub fn new(inner: Box<dyn Negotiator>, conditions: Vec<Condition>) -> WithAcceptance {
        let mut name = inner.name().to_owned();
        for c in &conditions {
            name.push('+');
            name.push_str(&c.spec());
        }
        WithAcceptance { inner, conditions, name, pending: None }
    }

    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }
}

impl Negotiator for WithAcceptance {
    fn name(&self) -> &str {
        &self.name
    }

    fn start(&mut self, session: &Session<'_>, rng: &mut ChaCha8Rng) {
        self.pending = None;
        self.inner.start(session, rng);
    }

    fn propose(&mut self, session: &Session<'_>, state: &State, rng: &mut ChaCha8Rng) -> Proposal {
        match self.pending.take() {
            Some((step, proposal)) if step == state.step => proposal,
            _ => self.inner.propose(session, state, rng),
        }
    }

    fn respond(&mut self, session: &Session<'_>, state: &State, offer: OutcomeId, rng: &mut ChaCha8Rng) -> Response {
        let own = self.inner.respond(session, state, offer, rng);
        let me = session.me();
        let next = if self.conditions.contains(&Condition::Next) {
            let proposal = self.inner.propose(session, state, rng);
            self.pending = Some((state.step, proposal));
            match proposal {
                Proposal::Offer(o) => Some(me.utility(o)),
                Proposal::EndNegotiation => None,
            }
        } else {
            None
        };
        let offered = me.utility(offer);
        if self.conditions.iter().any(|c| c.accepts(offered, next, state.time)) {
            Response::Accept
        } else if own == Response::EndNegotiation {
            Response::EndNegotiation
        } else {
            Response::Reject
        }
    }

    fn observe(&mut self, session: &Session<'_>, event: &Event) {
        self.inner.observe(session, event);
    }
}
