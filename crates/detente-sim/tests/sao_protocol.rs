//! The alternating-offers protocol's rules with scripted negotiators: walking
//! away, invalid offers, argument errors, what every party is told, the
//! random streams, and acceptance conditions.

#![allow(clippy::unwrap_used, reason = "in a test, a panic is the failure, and unwrap's message shows the error")]

mod common;

use std::sync::{Arc, Mutex};

use detente_sim::acceptance::{Condition, WithAcceptance};
use detente_sim::trace::Action;
use detente_sim::{
    Arena, Deadline, Ending, Event, Negotiator, OutcomeId, Proposal, Protocol, ProtocolError, Response, Session, State,
    negotiate, strategies,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Laptop: 27 outcomes, `id = 9·laptop + 3·disk + monitor`; the buyer's
/// best is 18 (the seller's 0.815), the seller's best 12 (the buyer's
/// 0.7256). Discount factor 0.4244 for both.
fn laptop() -> Arena {
    Arena::new(&common::genius("Laptop"), &[0, 1]).unwrap()
}

/// A negotiator that plays a script: `offers[k]` at its k-th proposal (the
/// last one repeated), accepting an offer of utility at least `accept_at`,
/// walking away at the given step.
#[derive(Clone)]
struct Scripted {
    offers: Vec<Proposal>,
    made: usize,
    accept_at: f64,
    walk_at: Option<u32>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    fn new(offers: &[u32], accept_at: f64) -> Scripted {
        Scripted {
            offers: offers.iter().map(|&o| Proposal::Offer(OutcomeId(o))).collect(),
            made: 0,
            accept_at,
            walk_at: None,
            log: Arc::default(),
        }
    }
}

impl Negotiator for Scripted {
    fn name(&self) -> &str {
        "scripted"
    }

    fn propose(&mut self, _: &Session<'_>, state: &State, _: &mut ChaCha8Rng) -> Proposal {
        if self.walk_at == Some(state.step) {
            return Proposal::EndNegotiation;
        }
        let p = self.offers[self.made.min(self.offers.len() - 1)];
        self.made += 1;
        p
    }

    fn respond(&mut self, session: &Session<'_>, state: &State, offer: OutcomeId, _: &mut ChaCha8Rng) -> Response {
        if self.walk_at == Some(state.step) {
            Response::EndNegotiation
        } else if session.me().utility(offer) >= self.accept_at {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn observe(&mut self, session: &Session<'_>, event: &Event) {
        self.log.lock().unwrap().push(format!("{}: {event:?}", session.index));
    }
}

fn boxed(n: Scripted) -> Box<dyn Negotiator> {
    Box::new(n)
}

fn sao(arena: &Arena, negotiators: &mut [Box<dyn Negotiator>], rounds: u32) -> detente_sim::NegotiationResult {
    negotiate(arena, Protocol::Sao, Deadline::Rounds(rounds), negotiators, 3, true).unwrap()
}

#[test]
fn walking_away_when_proposing() {
    let arena = laptop();
    let mut responder = Scripted::new(&[12], 2.0);
    responder.walk_at = Some(3); // party 1's second turn
    let mut negotiators = vec![boxed(Scripted::new(&[18], 2.0)), boxed(responder)];
    let r = sao(&arena, &mut negotiators, 10);
    assert_eq!(r.ending, Ending::WalkAway { by: 1 });
    assert_eq!((r.agreement, r.steps, r.rounds), (None, 4, 2));
    assert!((r.time - 2.0 / 11.0).abs() < 1e-15);
    // No agreement: the reservation values (0 in Laptop), undiscounted.
    assert_eq!(r.utilities, vec![0.0, 0.0]);
    let actions: Vec<(u32, Option<usize>, Action, Option<OutcomeId>)> =
        r.trace.unwrap().entries.iter().map(|e| (e.step, e.party, e.action, e.outcome)).collect();
    assert_eq!(
        actions,
        vec![
            (0, Some(0), Action::Offer, Some(OutcomeId(18))),
            (1, Some(1), Action::Reject, Some(OutcomeId(18))),
            (1, Some(1), Action::Offer, Some(OutcomeId(12))),
            (2, Some(0), Action::Reject, Some(OutcomeId(12))),
            (2, Some(0), Action::Offer, Some(OutcomeId(18))),
            (3, Some(1), Action::EndNegotiation, None),
        ]
    );
}

#[test]
fn walking_away_at_the_opening() {
    let arena = laptop();
    let mut opener = Scripted::new(&[18], 2.0);
    opener.walk_at = Some(0);
    let mut negotiators = vec![boxed(opener), boxed(Scripted::new(&[12], 2.0))];
    let r = sao(&arena, &mut negotiators, 10);
    assert_eq!((r.ending, r.steps, r.rounds), (Ending::WalkAway { by: 0 }, 1, 1));
    assert_eq!(r.trace.unwrap().entries.len(), 1);
}

#[test]
fn every_party_is_told_every_action_in_order() {
    let arena = laptop();
    let a = Scripted::new(&[18, 12], 2.0);
    let b = Scripted::new(&[12], 0.9); // rejects 18 (0.815 to the seller), accepts 12 (1.0)
    let (log_a, log_b) = (a.log.clone(), b.log.clone());
    let mut negotiators = vec![boxed(a), boxed(b)];
    let r = sao(&arena, &mut negotiators, 10);
    assert_eq!((r.ending, r.agreement), (Ending::Agreement, Some(OutcomeId(12))));
    let events = |log: &Arc<Mutex<Vec<String>>>, who: usize| -> Vec<String> {
        log.lock().unwrap().iter().map(|l| l.strip_prefix(&format!("{who}: ")).unwrap().to_owned()).collect()
    };
    let expected = vec![
        "Offered { step: 0, by: 0, outcome: OutcomeId(18) }",
        "Rejected { step: 1, by: 1, outcome: OutcomeId(18) }",
        "Offered { step: 1, by: 1, outcome: OutcomeId(12) }",
        "Rejected { step: 2, by: 0, outcome: OutcomeId(12) }",
        "Offered { step: 2, by: 0, outcome: OutcomeId(12) }",
        "Accepted { step: 3, by: 1, outcome: OutcomeId(12) }",
        "Ended { step: 3, agreement: Some(OutcomeId(12)) }",
    ];
    assert_eq!(events(&log_a, 0), expected);
    assert_eq!(events(&log_b, 1), expected);
}

#[test]
fn an_offer_outside_the_space_is_an_error() {
    let arena = laptop();
    let mut negotiators = vec![boxed(Scripted::new(&[18], 2.0)), boxed(Scripted::new(&[27], 2.0))];
    let e = negotiate(&arena, Protocol::Sao, Deadline::Rounds(5), &mut negotiators, 0, false).unwrap_err();
    assert_eq!(e, ProtocolError::InvalidOffer { name: "scripted".into(), outcome: 27, n_outcomes: 27 });
    assert!(e.to_string().contains("outside the 27 outcomes"), "{e}");
}

#[test]
fn argument_errors() {
    let arena = laptop();
    let two = || vec![boxed(Scripted::new(&[18], 2.0)), boxed(Scripted::new(&[12], 2.0))];
    let mut negotiators = two();
    let r = negotiate(&arena, Protocol::Sao, Deadline::Rounds(0), &mut negotiators, 0, false);
    assert_eq!(r.unwrap_err(), ProtocolError::NoTime);
    let mut one = vec![boxed(Scripted::new(&[18], 2.0))];
    let r = negotiate(&arena, Protocol::Sao, Deadline::Rounds(5), &mut one, 0, false);
    assert_eq!(r.unwrap_err(), ProtocolError::WrongParties { expected: 2, got: 1 });
    // Three parties (the buyer twice) are not bilateral.
    let scenario_arena = {
        let mut a = arena.clone();
        a.parties.push(a.parties[0].clone());
        a
    };
    let mut three = two();
    three.push(boxed(Scripted::new(&[18], 2.0)));
    let r = negotiate(&scenario_arena, Protocol::Sao, Deadline::Rounds(5), &mut three, 0, false);
    assert_eq!(r.unwrap_err(), ProtocolError::NotBilateral(3));
}

#[test]
fn the_last_round_is_the_deadline() {
    // Two rounds: four turns, and party 1's last counter-offer stands
    // unanswered.
    let arena = laptop();
    let mut negotiators = vec![boxed(Scripted::new(&[18], 2.0)), boxed(Scripted::new(&[12], 2.0))];
    let r = sao(&arena, &mut negotiators, 2);
    assert_eq!((r.ending, r.steps, r.rounds, r.time), (Ending::Timeout, 4, 2, 1.0));
    let trace = r.trace.unwrap();
    assert_eq!(trace.entries.len(), 7);
    assert_eq!(trace.entries.last().map(|e| (e.step, e.action)), Some((3, Action::Offer)));
}

/// Offers uniformly random outcomes and accepts with probability 0.05;
/// logs its generator's first draw.
struct Random(Arc<Mutex<Vec<(usize, u64)>>>);

impl Negotiator for Random {
    fn name(&self) -> &str {
        "random"
    }
    fn start(&mut self, session: &Session<'_>, rng: &mut ChaCha8Rng) {
        self.0.lock().unwrap().push((session.index, rng.random()));
    }
    fn propose(&mut self, session: &Session<'_>, _: &State, rng: &mut ChaCha8Rng) -> Proposal {
        Proposal::Offer(OutcomeId(rng.random_range(0..session.n_outcomes())))
    }
    fn respond(&mut self, _: &Session<'_>, _: &State, _: OutcomeId, rng: &mut ChaCha8Rng) -> Response {
        if rng.random_bool(0.05) { Response::Accept } else { Response::Reject }
    }
}

#[test]
fn seeds_and_streams() {
    let arena = laptop();
    let starts = Arc::new(Mutex::new(Vec::new()));
    let run = |seed: u64| {
        let mut negotiators: Vec<Box<dyn Negotiator>> =
            vec![Box::new(Random(starts.clone())), Box::new(Random(starts.clone()))];
        negotiate(&arena, Protocol::Sao, Deadline::Rounds(200), &mut negotiators, seed, true).unwrap()
    };
    let a = run(11);
    assert!(a.trace.as_ref().unwrap().entries.len() > 4);
    assert_eq!(a, run(11));
    assert_ne!(a.trace, run(12).trace);
    // Party i draws from ChaCha8 seeded with the seed, on stream i.
    let starts = starts.lock().unwrap();
    let expected = |seed: u64, i: usize| -> u64 { detente_sim::protocol::party_rng(seed, i).random() };
    assert_eq!(starts[..2], [(0, expected(11, 0)), (1, expected(11, 1))]);
    assert_ne!(starts[0].1, starts[1].1);
    assert_eq!(starts[4..6], [(0, expected(12, 0)), (1, expected(12, 1))]);
}

/// Always proposes `offer`, counting its calls; accepts nothing.
struct Fixed {
    offer: OutcomeId,
    proposals: Arc<Mutex<u32>>,
}

impl Negotiator for Fixed {
    fn name(&self) -> &str {
        "fixed"
    }
    fn propose(&mut self, _: &Session<'_>, _: &State, _: &mut ChaCha8Rng) -> Proposal {
        *self.proposals.lock().unwrap() += 1;
        Proposal::Offer(self.offer)
    }
    fn respond(&mut self, _: &Session<'_>, _: &State, _: OutcomeId, _: &mut ChaCha8Rng) -> Response {
        Response::Reject
    }
}

#[test]
fn ac_next_accepts_what_i_would_offer_next_and_offers_it_otherwise() {
    let arena = laptop();
    // The seller would offer 9 (0.9411 to it): it rejects the buyer's 18
    // (0.8151) and makes exactly that offer, asked once per turn; it then
    // accepts 12 (1.0 to it).
    let count = Arc::new(Mutex::new(0));
    let seller =
        WithAcceptance::new(Box::new(Fixed { offer: OutcomeId(9), proposals: count.clone() }), vec![Condition::Next]);
    assert_eq!(seller.name(), "fixed+ac-next");
    let mut negotiators = vec![boxed(Scripted::new(&[18, 12], 2.0)), Box::new(seller) as Box<dyn Negotiator>];
    let r = sao(&arena, &mut negotiators, 10);
    assert_eq!((r.ending, r.agreement, r.steps), (Ending::Agreement, Some(OutcomeId(12)), 4));
    let offers: Vec<(usize, u32)> = r
        .trace
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.action == Action::Offer)
        .map(|e| (e.party.unwrap(), e.outcome.unwrap().0))
        .collect();
    assert_eq!(offers, vec![(0, 18), (1, 9), (0, 12)]);
    // One proposal for the turn at step 1 (asked while responding), one
    // for the turn at step 3 (accepted: the proposal is dropped).
    assert_eq!(*count.lock().unwrap(), 2);
}

#[test]
fn ac_const_and_ac_time() {
    assert!(Condition::Const(0.8).accepts(0.8, None, 0.0));
    assert!(!Condition::Const(0.8).accepts(0.7999, Some(0.0), 0.99));
    assert!(Condition::Time(0.95).accepts(0.0, None, 0.95));
    assert!(!Condition::Time(0.95).accepts(1.0, Some(0.0), 0.9499));
    assert!(Condition::Next.accepts(0.5, Some(0.5), 0.0));
    assert!(!Condition::Next.accepts(0.5, Some(0.5001), 0.0));
    assert!(!Condition::Next.accepts(1.0, None, 0.0));

    let arena = laptop();
    let run = |a: &str, b: &str| {
        let mut negotiators = vec![strategies::build(a).unwrap(), strategies::build(b).unwrap()];
        sao(&arena, &mut negotiators, 20)
    };
    // Boulware vs Boulware agrees in round 13 (see sao_golden); a seller
    // that accepts 0.8 takes the buyer's opening 18 (0.815 to it).
    let r = run("boulware", "boulware+ac-const(0.8)");
    assert_eq!((r.agreement, r.steps), (Some(OutcomeId(18)), 2));
    // With AC_time(0.5) it accepts whatever is on the table at its first
    // turn with t ≥ 0.5: round 10 (t = 11/21), the buyer's 18 again.
    let r = run("boulware", "boulware+ac-time(0.5)");
    assert_eq!((r.agreement, r.steps, r.rounds), (Some(OutcomeId(18)), 22, 11));
    // On the buyer's side it takes the seller's 12 (0.7256 to it) at its
    // first turn with t ≥ 0.5, where Boulware alone holds out until round
    // 13: a condition replaces the strategy's own acceptance.
    let r = run("boulware+ac-time(0.5)", "boulware");
    assert_eq!((r.agreement, r.steps, r.rounds), (Some(OutcomeId(12)), 21, 11));
}
