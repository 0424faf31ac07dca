//! A single negotiation text (Raiffa 1982, *The Art and Science of
//! Negotiation*, ch. 14; the mediated protocol of Klein, Faratin, Sayama &
//! Bar-Yam 2003, "Negotiating complex contracts"): a mediator, who is not a
//! party, drafts a text and improves it one change at a time; the parties
//! only vote.
//!
//! - **The mediator** draws from [`super::party_rng`]`(seed, n)` (stream `n`
//!   for `n` parties). In round 0 it proposes a uniformly random outcome; in
//!   every later round it proposes a *mutation*: the base text with one
//!   issue, drawn uniformly among the issues with at least two levels, moved
//!   to another level drawn uniformly. The base text is the last text every
//!   party accepted, or, before any, the last proposal (a random walk until
//!   the first text is accepted). It never sees a utility.
//! - **Votes.** Every party votes on every proposal with
//!   [`Negotiator::respond`]; the votes of a round are simultaneous (each
//!   party votes before any vote of that round is told to anybody), then
//!   they are told in party order. `State::current` is `None` in this
//!   protocol: a party that votes by comparing with the current text (Klein
//!   et al.'s hill climbers) tracks it from the events, a `Proposed` event
//!   followed by `Accepted` from every party. The parties have no proposing
//!   role: [`Negotiator::propose`] is never called.
//! - **The text.** A proposal every party accepts replaces the text. The
//!   negotiation runs to the deadline: there is no early agreement.
//! - **Agreement.** At the deadline, the last text every party accepted is
//!   the agreement if it gives every party, discounted at time 1, at least its
//!   reservation value; otherwise (or when no text was ever accepted) the
//!   negotiation times out and every party gets its reservation value.
//! - **Walking away.** A vote of `EndNegotiation` ends the negotiation
//!   without agreement; with several in one round, the lowest party index is
//!   the one that walked away, and the votes after it are neither recorded
//!   nor told.
//! - **Steps and time.** A round is `n + 1` steps: the mediator's proposal at
//!   step `k·(n + 1)`, party `i`'s vote at step `k·(n + 1) + 1 + i`, so a
//!   deadline of `Rounds(r)` allows `r·(n + 1)` steps (the sessions'
//!   `steps`). Relative time during round `k` is `(k + 1) / (r + 1)`, as in
//!   [`super::sao`].
//! - **Trace.** The mediator's proposals are `Propose` entries with
//!   `party: None`; the votes are `Accept` / `Reject` entries on the
//!   proposed outcome.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::arena::{Arena, OutcomeId};
use crate::negotiator::{Event, Negotiator, Response, Session, State};
use crate::protocol::multilateral::Run;
use crate::protocol::sao::relative_time;
use crate::protocol::{Deadline, Ending, NegotiationResult, ProtocolError, party_rng, payoffs};
use crate::trace::Action;

/// Runs one single-text negotiation: `negotiators[i]` votes for
/// `arena.parties[i]`. See the module documentation for the rules.
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
    let per_round = n as u32 + 1;
    let total_steps = rounds.saturating_mul(per_round);
    let sessions: Vec<Session<'_>> = (0..n).map(|i| Session::new(arena, i, total_steps)).collect();
    let mut rngs: Vec<ChaCha8Rng> = (0..n).map(|i| party_rng(seed, i)).collect();
    let mut mediator = Mediator { rng: party_rng(seed, n), arena };
    let mut run = Run::new(arena, negotiators, &sessions, record);
    for (i, rng) in rngs.iter_mut().enumerate() {
        run.negotiators[i].start(&sessions[i], rng);
    }

    let mut text: Option<OutcomeId> = None;
    let mut last_proposal: Option<OutcomeId> = None;
    let mut votes: Vec<Response> = Vec::with_capacity(n);
    for round in 0..rounds {
        let time = relative_time(round, rounds);
        let step = round.saturating_mul(per_round);
        let proposal = match text.or(last_proposal) {
            None => mediator.random_outcome(),
            Some(base) => mediator.mutate(base),
        };
        last_proposal = Some(proposal);
        run.record(step, round, None, Action::Propose, Some(proposal));
        run.notify(&Event::Proposed { step, outcome: proposal });

        votes.clear();
        for party in 0..n {
            let state = State { step: step + 1 + party as u32, time, current: None };
            votes.push(run.negotiators[party].respond(&sessions[party], &state, proposal, &mut rngs[party]));
        }
        for (party, &vote) in votes.iter().enumerate() {
            let step = step + 1 + party as u32;
            match vote {
                Response::Accept => {
                    run.record(step, round, Some(party), Action::Accept, Some(proposal));
                    run.notify(&Event::Accepted { step, by: party, outcome: proposal });
                }
                Response::Reject => {
                    run.record(step, round, Some(party), Action::Reject, Some(proposal));
                    run.notify(&Event::Rejected { step, by: party, outcome: proposal });
                }
                Response::EndNegotiation => return Ok(run.walk_away(step, round, party, time)),
            }
        }
        if votes.iter().all(|&v| v == Response::Accept) {
            text = Some(proposal);
        }
    }
    let agreement =
        text.filter(|&t| payoffs(arena, Some(t), 1.0).iter().zip(&arena.parties).all(|(&u, p)| u >= p.reservation));
    let ending = if agreement.is_some() { Ending::Agreement } else { Ending::Timeout };
    Ok(run.finish(ending, agreement, total_steps, rounds, 1.0))
}

/// The mediator: drafts texts, never sees a utility.
struct Mediator<'a> {
    rng: ChaCha8Rng,
    arena: &'a Arena,
}

impl Mediator<'_> {
    fn random_outcome(&mut self) -> OutcomeId {
        OutcomeId(self.rng.random_range(0..self.arena.n_outcomes))
    }

    /// `base` with one issue moved to another level.
    fn mutate(&mut self, base: OutcomeId) -> OutcomeId {
        let levels = &self.arena.space.levels;
        let movable: Vec<usize> = (0..levels.len()).filter(|&i| levels[i] > 1).collect();
        if movable.is_empty() {
            return base;
        }
        let issue = movable[self.rng.random_range(0..movable.len())];
        // The place value of `issue` in the mixed-radix index (last issue fastest).
        let place: u64 = levels[issue + 1..].iter().product();
        let index = u64::from(base.0);
        let level = (index / place) % levels[issue];
        // Another level, uniformly: draw among the other `levels − 1`.
        let mut new = self.rng.random_range(0..levels[issue] - 1);
        if new >= level {
            new += 1;
        }
        let moved = index - level * place + new * place;
        OutcomeId(moved as u32)
    }
}
