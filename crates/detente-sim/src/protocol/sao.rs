//! Bilateral alternating offers (Rubinstein 1982), as NegMAS' `SAOMechanism`
//! runs it with its defaults (NegMAS 0.16, `negmas/sao/mechanism.py`,
//! `SAOMechanism.__call__` and `Mechanism.step` in `negmas/mechanisms.py`).
//!
//! - **Rounds.** A deadline of `Rounds(n)` is NegMAS' `n_steps = n`. In each
//!   round both parties act once, party 0 first (NegMAS calls the
//!   negotiators in the order they were added). A party's *turn* is one
//!   Detente step: step `s` belongs to party `s % 2` in round `s / 2`.
//! - **Opening.** In round 0 party 0 finds no offer on the table and offers.
//!   Every later turn answers the offer on the table: accept (the
//!   negotiation ends with that agreement: offering counts as accepting, so
//!   one acceptance suffices), reject and counter-offer in the same turn, or
//!   walk away. NegMAS' negotiators do the same in `__call__`
//!   (`negmas/gb/negotiators/base.py`): `respond`, then `propose` only if
//!   they rejected.
//! - **Time.** Both parties see relative time `(r + 1) / (n + 1)` during
//!   round `r`, NegMAS' `_relative_time_for` (`(step + 1) / (n_steps + 1)`,
//!   where NegMAS' step is our round): the first offer is made at
//!   `1/(n+1)`, not at 0, and the last round at `n/(n+1)`.
//! - **Deadline.** After round `n - 1` without agreement the negotiation
//!   times out: party 1's last counter-offer is never answered (NegMAS
//!   checks `step >= n_steps` before running a round).
//! - **Walking away.** `EndNegotiation` from either call ends it without
//!   agreement (NegMAS' `END_NEGOTIATION`, `state.broken`).
//! - **Payoffs.** An agreement reached at time `t` gives each party
//!   `u · dᵗ` (its discount factor `d`, if any; GENIUS' discounting); no
//!   agreement gives each party its (undiscounted) reservation value.
//!   Strategies see undiscounted utilities only.
//!
//! An offer outside the space is a [`ProtocolError::InvalidOffer`] (NegMAS
//! with `check_offers` would turn it into a refusal to offer, which breaks
//! the negotiation).

use rand_chacha::ChaCha8Rng;

use crate::arena::{Arena, OutcomeId};
use crate::negotiator::{Event, Negotiator, Proposal, Response, Session, State};
use crate::protocol::{Deadline, Ending, NegotiationResult, ProtocolError, party_rng, payoffs};
use crate::trace::{Action, Trace, TraceEntry};

/// Relative time during round `round` of `rounds`: `(round + 1) / (rounds + 1)`,
/// NegMAS' relative time for a step-limited mechanism.
#[inline]
pub fn relative_time(round: u32, rounds: u32) -> f64 {
    f64::from(round + 1) / (f64::from(rounds) + 1.0)
}

/// Runs one bilateral alternating-offers negotiation: `negotiators[i]` acts
/// for `arena.parties[i]`, party 0 opens. See the module documentation for
/// the rules.
pub fn run(
    arena: &Arena,
    deadline: Deadline,
    negotiators: &mut [Box<dyn Negotiator>],
    seed: u64,
    record: bool,
) -> Result<NegotiationResult, ProtocolError> {
    let n_parties = arena.parties.len();
    if n_parties != 2 {
        return Err(ProtocolError::NotBilateral(n_parties));
    }
    if negotiators.len() != n_parties {
        return Err(ProtocolError::WrongParties { expected: n_parties, got: negotiators.len() });
    }
    let Deadline::Rounds(rounds) = deadline;
    if rounds == 0 {
        return Err(ProtocolError::NoTime);
    }
    let total_steps = rounds.saturating_mul(2);
    let sessions = [Session::new(arena, 0, total_steps), Session::new(arena, 1, total_steps)];
    let mut rngs: [ChaCha8Rng; 2] = [party_rng(seed, 0), party_rng(seed, 1)];
    let mut run = Run { arena, negotiators, sessions: &sessions, trace: record.then(Trace::default) };

    for (i, rng) in rngs.iter_mut().enumerate() {
        run.negotiators[i].start(&sessions[i], rng);
    }

    let mut current: Option<(OutcomeId, usize)> = None;
    for round in 0..rounds {
        let time = relative_time(round, rounds);
        for party in 0..n_parties {
            // Saturating: a deadline past 2³¹ rounds cannot number its turns.
            let step = round.saturating_mul(2).saturating_add(party as u32);
            let state = State { step, time, current };
            let rng = &mut rngs[party];
            if let Some((offer, _)) = current {
                match run.negotiators[party].respond(&sessions[party], &state, offer, rng) {
                    Response::Accept => {
                        run.record(step, round, party, Action::Accept, Some(offer));
                        run.notify(&Event::Accepted { step, by: party, outcome: offer });
                        return Ok(run.finish(Ending::Agreement, Some(offer), step.saturating_add(1), round + 1, time));
                    }
                    Response::EndNegotiation => {
                        return Ok(run.walk_away(step, round, party, time));
                    }
                    Response::Reject => {
                        run.record(step, round, party, Action::Reject, Some(offer));
                        run.notify(&Event::Rejected { step, by: party, outcome: offer });
                    }
                }
            }
            match run.negotiators[party].propose(&sessions[party], &state, rng) {
                Proposal::Offer(offer) => {
                    if offer.0 >= arena.n_outcomes {
                        return Err(ProtocolError::InvalidOffer {
                            name: run.negotiators[party].name().to_owned(),
                            outcome: offer.0,
                            n_outcomes: arena.n_outcomes,
                        });
                    }
                    run.record(step, round, party, Action::Offer, Some(offer));
                    run.notify(&Event::Offered { step, by: party, outcome: offer });
                    current = Some((offer, party));
                }
                Proposal::EndNegotiation => {
                    return Ok(run.walk_away(step, round, party, time));
                }
            }
        }
    }
    Ok(run.finish(Ending::Timeout, None, total_steps, rounds, 1.0))
}

/// The state shared by one run's helpers.
struct Run<'r, 'a> {
    arena: &'a Arena,
    negotiators: &'r mut [Box<dyn Negotiator>],
    sessions: &'r [Session<'a>],
    trace: Option<Trace>,
}

impl Run<'_, '_> {
    fn record(&mut self, step: u32, round: u32, party: usize, action: Action, outcome: Option<OutcomeId>) {
        if let Some(trace) = &mut self.trace {
            let utilities = outcome.map_or_else(Vec::new, |o| self.arena.utilities(o));
            trace.entries.push(TraceEntry { step, round, party: Some(party), action, outcome, utilities });
        }
    }

    fn notify(&mut self, event: &Event) {
        for (negotiator, session) in self.negotiators.iter_mut().zip(self.sessions) {
            negotiator.observe(session, event);
        }
    }

    fn walk_away(&mut self, step: u32, round: u32, party: usize, time: f64) -> NegotiationResult {
        self.record(step, round, party, Action::EndNegotiation, None);
        self.finish(Ending::WalkAway { by: party }, None, step.saturating_add(1), round + 1, time)
    }

    fn finish(
        &mut self,
        ending: Ending,
        agreement: Option<OutcomeId>,
        steps: u32,
        rounds: u32,
        time: f64,
    ) -> NegotiationResult {
        let step = steps.saturating_sub(1);
        self.notify(&Event::Ended { step, agreement });
        NegotiationResult {
            ending,
            agreement,
            utilities: payoffs(self.arena, agreement, time),
            steps,
            rounds,
            time,
            trace: self.trace.take(),
        }
    }
}
