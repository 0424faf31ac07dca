//! The single-negotiation-text protocol: the mediator's proposals, the
//! votes, the text, walk-aways, reservation values and seeds.

mod common;

use std::sync::{Arc, Mutex};

use detente_core::{Scenario, WeightPolicy};
use detente_formats::scenario_toml::load_toml;
use detente_sim::protocol::mediated;
use detente_sim::protocol::party_rng;
use detente_sim::protocol::sao::relative_time;
use detente_sim::strategies::TimeBased;
use detente_sim::strategies::aspiration::Aspiration;
use detente_sim::strategies::hardheaded::HardHeaded;
use detente_sim::strategies::micro::Micro;
use detente_sim::strategies::random::RandomNegotiator;
use detente_sim::strategies::tit_for_tat::NaiveTitForTat;
use detente_sim::trace::{Action, TraceEntry};
use detente_sim::{
    Arena, Deadline, Ending, Event, NegotiationResult, Negotiator, OutcomeId, Proposal, ProtocolError, Response,
    Session, State,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The tiny scenario of `common` with no reservation values or discounts:
/// x ∈ {a..e}, y ∈ {p, q, r}, outcome `3·x + y`; A wants (a, p), B (e, r),
/// C (c, q).
fn tiny_scenario() -> Scenario {
    common::tiny_scenario(&["", "", ""])
}

fn tiny() -> Arena {
    Arena::new(&tiny_scenario(), &[0, 1, 2]).expect("arena")
}

/// The tiny arena with these reservation values and discount factors.
fn tiny_with(reservations: [f64; 3], discounts: [Option<f64>; 3]) -> Arena {
    let mut s = tiny_scenario();
    for (actor, (r, d)) in s.actors.iter_mut().zip(reservations.into_iter().zip(discounts)) {
        actor.reservation = r;
        actor.discount = d;
    }
    Arena::new(&s, &[0, 1, 2]).expect("arena")
}

/// The states a voter was shown, with its session's deadline in steps.
type Log = Arc<Mutex<Vec<(State, u32)>>>;

/// A voting rule.
type Rule = fn(&Session<'_>, &State, OutcomeId, &mut ChaCha8Rng) -> Response;

/// Votes from a fixed rule; logs the states it is shown.
struct Voter {
    rule: Rule,
    log: Log,
}

impl Negotiator for Voter {
    fn name(&self) -> &str {
        "voter"
    }

    fn propose(&mut self, _session: &Session<'_>, _state: &State, _rng: &mut ChaCha8Rng) -> Proposal {
        panic!("the mediated protocol never asks a party to propose");
    }

    fn respond(&mut self, session: &Session<'_>, state: &State, offer: OutcomeId, rng: &mut ChaCha8Rng) -> Response {
        self.log.lock().expect("log").push((*state, session.steps));
        (self.rule)(session, state, offer, rng)
    }
}

fn voter(rule: Rule) -> Box<dyn Negotiator> {
    Box::new(Voter { rule, log: Arc::new(Mutex::new(Vec::new())) })
}

fn accept(_: &Session<'_>, _: &State, _: OutcomeId, _: &mut ChaCha8Rng) -> Response {
    Response::Accept
}

fn reject(_: &Session<'_>, _: &State, _: OutcomeId, _: &mut ChaCha8Rng) -> Response {
    Response::Reject
}

/// Rejects after drawing from its generator, which must not change what
/// the mediator proposes.
fn noisy_reject(_: &Session<'_>, _: &State, _: OutcomeId, rng: &mut ChaCha8Rng) -> Response {
    let _: u64 = rng.random();
    Response::Reject
}

fn proposals(result: &NegotiationResult) -> Vec<OutcomeId> {
    let trace = result.trace.as_ref().expect("recorded");
    trace.entries.iter().filter(|e| e.party.is_none()).map(|e| e.outcome.expect("a text")).collect()
}

/// The levels of outcome `o` of the tiny space: (x, y).
fn levels(o: OutcomeId) -> (u32, u32) {
    (o.0 / 3, o.0 % 3)
}

fn one_change(a: OutcomeId, b: OutcomeId) -> bool {
    let ((ax, ay), (bx, by)) = (levels(a), levels(b));
    (ax != bx) as u32 + (ay != by) as u32 == 1
}

#[test]
fn unanimous_votes_walk_the_text_one_change_at_a_time() {
    let arena = tiny();
    let rounds = 6;
    let logs: Vec<Log> = (0..3).map(|_| Arc::new(Mutex::new(Vec::new()))).collect();
    let mut parties: Vec<Box<dyn Negotiator>> =
        logs.iter().map(|log| Box::new(Voter { rule: accept, log: Arc::clone(log) }) as Box<dyn Negotiator>).collect();
    let seed = 3;
    let result = mediated::run(&arena, Deadline::Rounds(rounds), &mut parties, seed, true).expect("runs");

    // The first text is uniform from the mediator's own stream, n = 3.
    let first = OutcomeId(party_rng(seed, 3).random_range(0..15));
    let texts = proposals(&result);
    assert_eq!(texts.len(), rounds as usize);
    assert_eq!(texts[0], first);
    // Every text was accepted, so each proposal changes the last one in one issue.
    for pair in texts.windows(2) {
        assert!(one_change(pair[0], pair[1]), "{pair:?}");
    }
    assert_eq!(result.ending, Ending::Agreement);
    assert_eq!(result.agreement, texts.last().copied());
    assert_eq!((result.steps, result.rounds, result.time), (24, 6, 1.0));
    let last = texts[5];
    assert_eq!(result.utilities, arena.utilities(last));

    // The trace: per round, the mediator's proposal and three votes.
    let trace = result.trace.expect("recorded");
    assert_eq!(trace.entries.len(), 6 * 4);
    for (k, round) in trace.entries.chunks(4).enumerate() {
        let k = k as u32;
        assert_eq!(
            round[0],
            TraceEntry {
                step: 4 * k,
                round: k,
                party: None,
                action: Action::Propose,
                outcome: Some(texts[k as usize]),
                utilities: arena.utilities(texts[k as usize]),
            }
        );
        for (i, vote) in round[1..].iter().enumerate() {
            assert_eq!((vote.step, vote.round, vote.party), (4 * k + 1 + i as u32, k, Some(i)));
            assert_eq!((vote.action, vote.outcome), (Action::Accept, Some(texts[k as usize])));
        }
    }
    // What the voters were shown: their vote's step, the round's time, no
    // standing offer, and the whole deadline in steps.
    for (i, log) in logs.iter().enumerate() {
        let log = log.lock().expect("log");
        assert_eq!(log.len(), 6);
        for (k, (state, steps)) in log.iter().enumerate() {
            let k = k as u32;
            assert_eq!(*state, State { step: 4 * k + 1 + i as u32, time: relative_time(k, rounds), current: None });
            assert_eq!(*steps, 24);
        }
    }
}

#[test]
fn without_an_accepted_text_the_mediator_walks_from_its_last_proposal() {
    let arena = tiny();
    let mut parties = vec![voter(reject), voter(reject), voter(reject)];
    let result = mediated::run(&arena, Deadline::Rounds(30), &mut parties, 9, true).expect("runs");
    assert_eq!(result.ending, Ending::Timeout);
    assert_eq!(result.agreement, None);
    assert_eq!(result.utilities, vec![0.0, 0.0, 0.0]);
    assert_eq!((result.steps, result.rounds, result.time), (120, 30, 1.0));
    let texts = proposals(&result);
    for pair in texts.windows(2) {
        assert!(one_change(pair[0], pair[1]), "{pair:?}");
    }
    // A random walk of 30 steps on 15 outcomes visits several.
    let mut seen: Vec<u32> = texts.iter().map(|o| o.0).collect();
    seen.sort_unstable();
    seen.dedup();
    assert!(seen.len() >= 5, "{seen:?}");
}

/// Each party accepts a text at least as good for it as the current one,
/// which it follows from the events (a proposal, then every party's
/// acceptance).
struct HillClimber {
    text: Option<OutcomeId>,
    pending: Option<OutcomeId>,
    accepted: usize,
}

impl Negotiator for HillClimber {
    fn name(&self) -> &str {
        "hill-climber"
    }

    fn propose(&mut self, _session: &Session<'_>, _state: &State, _rng: &mut ChaCha8Rng) -> Proposal {
        Proposal::EndNegotiation
    }

    fn respond(&mut self, session: &Session<'_>, _state: &State, offer: OutcomeId, _rng: &mut ChaCha8Rng) -> Response {
        let me = session.me();
        match self.text {
            Some(t) if me.utility(offer) < me.utility(t) => Response::Reject,
            _ => Response::Accept,
        }
    }

    fn observe(&mut self, session: &Session<'_>, event: &Event) {
        match *event {
            Event::Proposed { outcome, .. } => {
                self.pending = Some(outcome);
                self.accepted = 0;
            }
            Event::Accepted { .. } => {
                self.accepted += 1;
                if self.accepted == session.n_parties {
                    self.text = self.pending;
                }
            }
            _ => {}
        }
    }
}

#[test]
fn hill_climbers_only_improve_the_text_and_mutations_start_from_it() {
    let arena = tiny();
    for seed in 0..8 {
        let mut parties: Vec<Box<dyn Negotiator>> = (0..3)
            .map(|_| Box::new(HillClimber { text: None, pending: None, accepted: 0 }) as Box<dyn Negotiator>)
            .collect();
        let result = mediated::run(&arena, Deadline::Rounds(40), &mut parties, seed, true).expect("runs");
        let trace = result.trace.expect("recorded");
        let mut text: Option<OutcomeId> = None;
        for round in trace.entries.chunks(4) {
            let proposal = round[0].outcome.expect("a text");
            if let Some(t) = text {
                assert!(one_change(t, proposal), "seed {seed}: {t:?} → {proposal:?}");
            }
            if round[1..].iter().all(|v| v.action == Action::Accept) {
                if let Some(t) = text {
                    for p in &arena.parties {
                        assert!(p.utility(proposal) >= p.utility(t));
                    }
                }
                text = Some(proposal);
            }
        }
        // Reservation values are 0: the last accepted text is the agreement.
        assert_eq!(result.agreement, text);
        assert_eq!(result.ending, if text.is_some() { Ending::Agreement } else { Ending::Timeout });
    }
}

#[test]
fn reservation_values_refuse_an_accepted_text() {
    // C's reservation value is above every outcome's utility to it: every
    // text is accepted, none is an agreement.
    let arena = tiny_with([0.0, 0.0, 1.5], [None; 3]);
    let mut parties = vec![voter(accept), voter(accept), voter(accept)];
    let result = mediated::run(&arena, Deadline::Rounds(10), &mut parties, 1, true).expect("runs");
    assert_eq!(result.ending, Ending::Timeout);
    assert_eq!(result.agreement, None);
    assert_eq!(result.utilities, vec![0.0, 0.0, 1.5]);
    let trace = result.trace.expect("recorded");
    assert_eq!(trace.entries.iter().filter(|e| e.action == Action::Accept).count(), 30);

    // A needs 0.5, discounted at the end by 0.5: an accepted text is the
    // agreement exactly when A's utility of it is 1, (a, p).
    let arena = tiny_with([0.5, 0.0, 0.0], [Some(0.5), None, None]);
    let mut endings = [0, 0];
    for seed in 0..60 {
        let mut parties = vec![voter(accept), voter(accept), voter(accept)];
        let result = mediated::run(&arena, Deadline::Rounds(3), &mut parties, seed, true).expect("runs");
        let last = *proposals(&result).last().expect("proposals");
        if last == OutcomeId(0) {
            endings[0] += 1;
            assert_eq!(result.ending, Ending::Agreement);
            assert_eq!(result.utilities, vec![0.5, 0.0, 0.25]);
        } else {
            endings[1] += 1;
            assert_eq!((result.ending, result.agreement), (Ending::Timeout, None), "seed {seed}: {last:?}");
            assert_eq!(result.utilities, vec![0.5, 0.0, 0.0]);
        }
    }
    assert!(endings[0] > 0 && endings[1] > 0, "{endings:?}");
}

#[test]
fn a_walk_away_vote_ends_the_negotiation() {
    fn walk_in_round_2(_: &Session<'_>, state: &State, _: OutcomeId, _: &mut ChaCha8Rng) -> Response {
        if state.step >= 8 { Response::EndNegotiation } else { Response::Accept }
    }
    let arena = tiny();
    let mut parties = vec![voter(accept), voter(walk_in_round_2), voter(walk_in_round_2)];
    let result = mediated::run(&arena, Deadline::Rounds(10), &mut parties, 5, true).expect("runs");
    // Parties 1 and 2 both walk away in round 2: the lower index counts.
    assert_eq!(result.ending, Ending::WalkAway { by: 1 });
    assert_eq!(result.agreement, None);
    assert_eq!(result.utilities, vec![0.0, 0.0, 0.0]);
    // Steps 0 to 10 were taken.
    assert_eq!((result.steps, result.rounds, result.time), (11, 3, relative_time(2, 10)));
    let trace = result.trace.expect("recorded");
    let tail: Vec<(u32, Option<usize>, Action)> =
        trace.entries[8..].iter().map(|e| (e.step, e.party, e.action)).collect();
    assert_eq!(
        tail,
        vec![(8, None, Action::Propose), (9, Some(0), Action::Accept), (10, Some(1), Action::EndNegotiation)]
    );
}

#[test]
fn the_mediator_draws_from_its_own_stream() {
    let arena = tiny();
    let run = |rule: Rule, seed| {
        let mut parties = vec![voter(rule), voter(rule), voter(rule)];
        mediated::run(&arena, Deadline::Rounds(25), &mut parties, seed, true).expect("runs")
    };
    let quiet = run(reject, 4);
    assert_eq!(proposals(&quiet), proposals(&run(noisy_reject, 4)));
    assert_eq!(quiet, run(reject, 4));
    assert_ne!(proposals(&quiet), proposals(&run(reject, 5)));
}

#[test]
fn errors() {
    let arena = tiny();
    let mut two = vec![voter(accept), voter(accept)];
    assert_eq!(
        mediated::run(&arena, Deadline::Rounds(3), &mut two, 0, false),
        Err(ProtocolError::WrongParties { expected: 3, got: 2 })
    );
    let mut three = vec![voter(accept), voter(accept), voter(accept)];
    assert_eq!(mediated::run(&arena, Deadline::Rounds(0), &mut three, 0, false), Err(ProtocolError::NoTime));
}

fn make(name: &str) -> Box<dyn Negotiator> {
    match name {
        "aspiration" => Box::new(Aspiration::default()),
        "tit-for-tat" => Box::new(NaiveTitForTat::default()),
        "micro" => Box::new(Micro::default()),
        "hardheaded" => Box::new(HardHeaded::default()),
        "random" => Box::new(RandomNegotiator::default()),
        "conceder" => Box::new(TimeBased::conceder()),
        "linear" => Box::new(TimeBased::linear()),
        other => panic!("no strategy {other}"),
    }
}

#[test]
fn strategies_vote_deterministically_and_rationally() {
    let climate = {
        let s = load_toml(
            "climate.toml",
            include_str!("../../../scenarios/climate-finance-ncqg.toml"),
            WeightPolicy::Normalise,
        )
        .expect("loads")
        .0;
        Arena::new(&s, &[0, 1, 2, 3]).expect("arena")
    };
    let tiny = tiny_with([0.25, 0.125, 0.0], [Some(0.5), None, None]);
    let mut agreements = 0;
    for (arena, rounds) in [(&tiny, 50), (&climate, 400)] {
        let n = arena.parties.len();
        for name in ["aspiration", "tit-for-tat", "micro", "hardheaded", "random", "conceder", "linear"] {
            for seed in 0..3 {
                let run = || {
                    let mut parties: Vec<Box<dyn Negotiator>> = (0..n).map(|_| make(name)).collect();
                    mediated::run(arena, Deadline::Rounds(rounds), &mut parties, seed, true).expect("runs")
                };
                let result = run();
                assert_eq!(result, run(), "{name} seed {seed}");
                if let Some(o) = result.agreement {
                    agreements += 1;
                    for (p, u) in arena.parties.iter().zip(&result.utilities) {
                        assert!(p.utility(o) >= p.reservation && *u >= p.reservation, "{name} seed {seed}");
                    }
                }
            }
        }
    }
    assert!(agreements >= 5, "{agreements}");
}
