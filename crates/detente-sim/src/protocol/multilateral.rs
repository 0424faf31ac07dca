//! Stacked alternating offers for any number of parties (SAOP; Aydoğan,
//! Festen, Hindriks & Jonker 2017, "Alternating offers protocols for
//! multilateral negotiation"), the protocol of ANAC 2016 onwards and of
//! NegMAS' `SAOMechanism` with more than two negotiators (NegMAS 0.16,
//! `negmas/sao/mechanism.py`, `SAOMechanism.__call__`, with its defaults
//! `offering_is_accepting = True` and one round per NegMAS step).
//!
//! - **Turns and rounds.** The parties act in a fixed cycle, party 0, 1, …,
//!   n − 1, then party 0 again. A party's turn is one Detente step: step `s`
//!   belongs to party `s % n` in round `s / n`; a deadline of `Rounds(r)`
//!   allows `r · n` steps. Sessions report `steps = r · n`.
//! - **Opening.** Party 0 finds no offer on the table in round 0 and offers.
//! - **A turn.** The party answers the *standing offer* (the last offer
//!   made, by whichever party): accept it (and let it pass on to the next
//!   party), reject it and make its own counter-offer in the same turn (the
//!   counter-offer becomes the standing offer), or walk away. NegMAS'
//!   negotiators do the same (`respond`, then `propose` only after a
//!   rejection).
//! - **Agreement.** Making an offer counts as accepting it; the offer is
//!   agreed when the `n − 1` parties after its proposer have accepted it in
//!   turn (NegMAS: `n_acceptances` reaches the number of negotiators). Any
//!   rejection resets the count with the counter-offer.
//! - **Time.** Every party sees relative time `(k + 1) / (r + 1)` during
//!   round `k`, as in [`super::sao`] (NegMAS' `(step + 1) / (n_steps + 1)`).
//! - **Deadline.** After round `r − 1` without agreement the negotiation times
//!   out; acceptances of a standing offer that had not gathered all `n − 1`
//!   count for nothing.
//! - **Walking away.** `EndNegotiation` from `respond` or `propose` ends the
//!   negotiation without agreement for everybody.
//! - **Payoffs and trace.** As in [`super::sao`]: an agreement at time `t`
//!   gives each party `u · dᵗ`; no agreement gives its reservation value. A
//!   rejection and the counter-offer of one turn are two trace entries with
//!   the same step; a walk-away is an `EndNegotiation` entry without outcome.
//!   Every party observes every action (`Offered`, `Accepted`, `Rejected`)
//!   right after it happens, and `Ended` at the end.
//!
//! Party `i` draws from [`super::party_rng`]`(seed, i)`.

use rand_chacha::ChaCha8Rng;

use crate::arena::{Arena, OutcomeId};
use crate::negotiator::{Event, Negotiator, Proposal, Response, Session, State};
use crate::protocol::sao::relative_time;
use crate::protocol::{Deadline, Ending, NegotiationResult, ProtocolError, party_rng, payoffs};
use crate::trace::{Action, Trace, TraceEntry};

/// Runs one stacked-alternating-offers negotiation: `negotiators[i]` acts for
/// `arena.parties[i]`, party 0 opens. See the module documentation for the
/// rules.
pub fn run(
    arena: &Arena,
    deadline: Deadline,
    negotiators: &mut [Box<dyn Negotiator>],
    seed: u64,
    record: bool,
) -> Result<NegotiationResult, ProtocolError> {
    let n = arena.parties.len();
    if negotiators.len() != n {
        return Err(ProtocolError::WrongParties { expected: n, got: negotiators.len() });
    }
    let Deadline::Rounds(rounds) = deadline;
    if rounds == 0 {
        return Err(ProtocolError::NoTime);
    }
    let n32 = n as u32;
    let total_steps = rounds.saturating_mul(n32);
    let sessions: Vec<Session<'_>> = (0..n).map(|i| Session::new(arena, i, total_steps)).collect();
    let mut rngs: Vec<ChaCha8Rng> = (0..n).map(|i| party_rng(seed, i)).collect();
    let mut run = Run::new(arena, negotiators, &sessions, record);
    for (i, rng) in rngs.iter_mut().enumerate() {
        run.negotiators[i].start(&sessions[i], rng);
    }

    // The standing offer, its proposer, and how many parties accepted it since.
    let mut current: Option<(OutcomeId, usize)> = None;
    let mut accepted = 0usize;
    for round in 0..rounds {
        let time = relative_time(round, rounds);
        for party in 0..n {
            let step = round.saturating_mul(n32).saturating_add(party as u32);
            let state = State { step, time, current };
            let rng = &mut rngs[party];
            if let Some((offer, _)) = current.filter(|&(_, by)| by != party) {
                match run.negotiators[party].respond(&sessions[party], &state, offer, rng) {
                    Response::Accept => {
                        run.record(step, round, Some(party), Action::Accept, Some(offer));
                        run.notify(&Event::Accepted { step, by: party, outcome: offer });
                        accepted += 1;
                        if accepted + 1 >= n {
                            return Ok(run.finish(Ending::Agreement, Some(offer), step + 1, round + 1, time));
                        }
                        continue;
                    }
                    Response::EndNegotiation => return Ok(run.walk_away(step, round, party, time)),
                    Response::Reject => {
                        run.record(step, round, Some(party), Action::Reject, Some(offer));
                        run.notify(&Event::Rejected { step, by: party, outcome: offer });
                    }
                }
            }
            match run.negotiators[party].propose(&sessions[party], &state, rng) {
                Proposal::Offer(offer) => {
                    run.check(party, offer)?;
                    run.record(step, round, Some(party), Action::Offer, Some(offer));
                    run.notify(&Event::Offered { step, by: party, outcome: offer });
                    current = Some((offer, party));
                    accepted = 0;
                }
                Proposal::EndNegotiation => return Ok(run.walk_away(step, round, party, time)),
            }
        }
    }
    Ok(run.finish(Ending::Timeout, None, total_steps, rounds, 1.0))
}

/// The bookkeeping shared by the multilateral and mediated runs: the trace,
/// the observers and the result.
pub(crate) struct Run<'r, 'a> {
    pub(crate) arena: &'a Arena,
    pub(crate) negotiators: &'r mut [Box<dyn Negotiator>],
    pub(crate) sessions: &'r [Session<'a>],
    pub(crate) trace: Option<Trace>,
}

impl<'r, 'a> Run<'r, 'a> {
    pub(crate) fn new(
        arena: &'a Arena,
        negotiators: &'r mut [Box<dyn Negotiator>],
        sessions: &'r [Session<'a>],
        record: bool,
    ) -> Run<'r, 'a> {
        Run { arena, negotiators, sessions, trace: record.then(Trace::default) }
    }

    /// Refuses an outcome outside the space.
    pub(crate) fn check(&self, party: usize, offer: OutcomeId) -> Result<(), ProtocolError> {
        if offer.0 >= self.arena.n_outcomes {
            return Err(ProtocolError::InvalidOffer {
                name: self.negotiators[party].name().to_owned(),
                outcome: offer.0,
                n_outcomes: self.arena.n_outcomes,
            });
        }
        Ok(())
    }

    pub(crate) fn record(
        &mut self,
        step: u32,
        round: u32,
        party: Option<usize>,
        action: Action,
        outcome: Option<OutcomeId>,
    ) {
        if let Some(trace) = &mut self.trace {
            let utilities = outcome.map_or_else(Vec::new, |o| self.arena.utilities(o));
            trace.entries.push(TraceEntry { step, round, party, action, outcome, utilities });
        }
    }

    pub(crate) fn notify(&mut self, event: &Event) {
        for (negotiator, session) in self.negotiators.iter_mut().zip(self.sessions) {
            negotiator.observe(session, event);
        }
    }

    pub(crate) fn walk_away(&mut self, step: u32, round: u32, party: usize, time: f64) -> NegotiationResult {
        self.record(step, round, Some(party), Action::EndNegotiation, None);
        self.finish(Ending::WalkAway { by: party }, None, step + 1, round + 1, time)
    }

    pub(crate) fn finish(
        &mut self,
        ending: Ending,
        agreement: Option<OutcomeId>,
        steps: u32,
        rounds: u32,
        time: f64,
    ) -> NegotiationResult {
        self.notify(&Event::Ended { step: steps.saturating_sub(1), agreement });
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
