//! The stacked-alternating-offers protocol, move by move, with scripted
//! negotiators whose every action the test chooses.

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use detente_core::Scenario;
use detente_sim::protocol::multilateral;
use detente_sim::protocol::sao::relative_time;
use detente_sim::trace::Action;
use detente_sim::{
    Arena, Deadline, Ending, Event, Negotiator, OutcomeId, Proposal, ProtocolError, Response, Session, State,
};
use rand_chacha::ChaCha8Rng;

/// The tiny scenario of `common`: A (reservation 0.25, discount 0.5), B
/// (reservation 0.125) and C.
fn tiny() -> Scenario {
    common::tiny_scenario(&common::TINY_TERMS)
}

fn arena() -> Arena {
    Arena::new(&tiny(), &[0, 1, 2]).expect("arena")
}

/// What a scripted negotiator saw.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Start { steps: u32, index: usize, n: usize },
    Propose(State),
    Respond(State, OutcomeId),
    Observe(Event),
}

/// Plays the given answers and offers in order (rejecting and repeating its
/// last offer once they run out), and logs what it is shown.
struct Script {
    responses: VecDeque<Response>,
    offers: VecDeque<Proposal>,
    last: Proposal,
    log: Arc<Mutex<Vec<Seen>>>,
}

impl Script {
    fn boxed(responses: &[Response], offers: &[u32], log: &Arc<Mutex<Vec<Seen>>>) -> Box<dyn Negotiator> {
        Box::new(Script {
            responses: responses.iter().copied().collect(),
            offers: offers.iter().map(|&o| Proposal::Offer(OutcomeId(o))).collect(),
            last: Proposal::Offer(OutcomeId(offers.first().copied().unwrap_or(0))),
            log: Arc::clone(log),
        })
    }

    fn push(&self, seen: Seen) {
        self.log.lock().expect("log").push(seen);
    }
}

impl Negotiator for Script {
    fn name(&self) -> &str {
        "script"
    }

    fn start(&mut self, session: &Session<'_>, _rng: &mut ChaCha8Rng) {
        self.push(Seen::Start { steps: session.steps, index: session.index, n: session.n_parties });
    }

    fn propose(&mut self, _session: &Session<'_>, state: &State, _rng: &mut ChaCha8Rng) -> Proposal {
        self.push(Seen::Propose(*state));
        if let Some(p) = self.offers.pop_front() {
            self.last = p;
        }
        self.last
    }

    fn respond(&mut self, _session: &Session<'_>, state: &State, offer: OutcomeId, _rng: &mut ChaCha8Rng) -> Response {
        self.push(Seen::Respond(*state, offer));
        self.responses.pop_front().unwrap_or(Response::Reject)
    }

    fn observe(&mut self, _session: &Session<'_>, event: &Event) {
        self.push(Seen::Observe(*event));
    }
}

type Logs = Vec<Arc<Mutex<Vec<Seen>>>>;

/// (step, round, party, action, outcome).
type Row = (u32, u32, Option<usize>, Action, Option<u32>);

fn logs(n: usize) -> Logs {
    (0..n).map(|_| Arc::new(Mutex::new(Vec::new()))).collect()
}

fn seen(log: &Arc<Mutex<Vec<Seen>>>) -> Vec<Seen> {
    log.lock().expect("log").clone()
}

use Response::{Accept, EndNegotiation, Reject};

#[test]
fn agreement_needs_every_other_party_in_turn() {
    let arena = arena();
    let logs = logs(3);
    // Round 0: A offers (a, p) = 0; B accepts; C rejects and offers (c, q) = 7.
    // Round 1: A accepts 7; B accepts 7: agreed at step 4.
    let mut parties = vec![
        Script::boxed(&[Accept], &[0], &logs[0]),
        Script::boxed(&[Accept, Accept], &[], &logs[1]),
        Script::boxed(&[Reject], &[7], &logs[2]),
    ];
    let rounds = 10;
    let result = multilateral::run(&arena, Deadline::Rounds(rounds), &mut parties, 1, true).expect("runs");
    assert_eq!(result.ending, Ending::Agreement);
    assert_eq!(result.agreement, Some(OutcomeId(7)));
    assert_eq!((result.steps, result.rounds), (5, 2));
    let t = relative_time(1, rounds);
    assert_eq!(result.time, 2.0 / 11.0);
    assert_eq!(t, result.time);
    // (c, q): A 0.5·0.5 + 0.5·0.5 = 0.5, discounted by 0.5^t; B 0.5; C 1.
    assert_eq!(result.utilities, vec![0.5 * 0.5f64.powf(t), 0.5, 1.0]);

    let trace = result.trace.expect("recorded");
    let rows: Vec<Row> =
        trace.entries.iter().map(|e| (e.step, e.round, e.party, e.action, e.outcome.map(|o| o.0))).collect();
    assert_eq!(
        rows,
        vec![
            (0, 0, Some(0), Action::Offer, Some(0)),
            (1, 0, Some(1), Action::Accept, Some(0)),
            (2, 0, Some(2), Action::Reject, Some(0)),
            (2, 0, Some(2), Action::Offer, Some(7)),
            (3, 1, Some(0), Action::Accept, Some(7)),
            (4, 1, Some(1), Action::Accept, Some(7)),
        ]
    );
    // Utilities in the trace are undiscounted, in party order.
    assert_eq!(trace.entries[0].utilities, vec![1.0, 0.0, 0.25]);
    assert_eq!(trace.entries[5].utilities, vec![0.5, 0.5, 1.0]);

    // What party 2 (C) saw: the session, B's acceptance of A's offer before
    // its turn, the standing offer with its proposer, and the end.
    let c = seen(&logs[2]);
    assert_eq!(c[0], Seen::Start { steps: 30, index: 2, n: 3 });
    let t0 = relative_time(0, rounds);
    assert_eq!(
        c[1..],
        [
            Seen::Observe(Event::Offered { step: 0, by: 0, outcome: OutcomeId(0) }),
            Seen::Observe(Event::Accepted { step: 1, by: 1, outcome: OutcomeId(0) }),
            Seen::Respond(State { step: 2, time: t0, current: Some((OutcomeId(0), 0)) }, OutcomeId(0)),
            Seen::Observe(Event::Rejected { step: 2, by: 2, outcome: OutcomeId(0) }),
            Seen::Propose(State { step: 2, time: t0, current: Some((OutcomeId(0), 0)) }),
            Seen::Observe(Event::Offered { step: 2, by: 2, outcome: OutcomeId(7) }),
            Seen::Observe(Event::Accepted { step: 3, by: 0, outcome: OutcomeId(7) }),
            Seen::Observe(Event::Accepted { step: 4, by: 1, outcome: OutcomeId(7) }),
            Seen::Observe(Event::Ended { step: 4, agreement: Some(OutcomeId(7)) }),
        ]
    );
    // Every party observed the same events.
    let events = |log: &Arc<Mutex<Vec<Seen>>>| -> Vec<Seen> {
        seen(log).into_iter().filter(|s| matches!(s, Seen::Observe(_))).collect()
    };
    assert_eq!(events(&logs[0]), events(&logs[2]));
    assert_eq!(events(&logs[1]), events(&logs[2]));
    // A opened without being asked to respond.
    assert_eq!(seen(&logs[0])[1], Seen::Propose(State { step: 0, time: t0, current: None }));
}

#[test]
fn a_rejection_resets_the_acceptances() {
    let arena = arena();
    let logs = logs(3);
    // A offers 0; B accepts; C rejects with 7; A rejects with 0 again; B
    // rejects and offers 0 itself (its default); C and A accept. B's
    // acceptance of A's first 0 counted for nothing after C's rejection.
    let mut parties = vec![
        Script::boxed(&[Reject, Accept], &[0, 0], &logs[0]),
        Script::boxed(&[Accept, Reject], &[], &logs[1]),
        Script::boxed(&[Reject, Accept], &[7], &logs[2]),
    ];
    let result = multilateral::run(&arena, Deadline::Rounds(5), &mut parties, 0, true).expect("runs");
    assert_eq!(result.ending, Ending::Agreement);
    assert_eq!(result.agreement, Some(OutcomeId(0)));
    let trace = result.trace.expect("recorded");
    let actions: Vec<(u32, Option<usize>, Action)> =
        trace.entries.iter().map(|e| (e.step, e.party, e.action)).collect();
    assert_eq!(
        actions,
        vec![
            (0, Some(0), Action::Offer),
            (1, Some(1), Action::Accept),
            (2, Some(2), Action::Reject),
            (2, Some(2), Action::Offer),
            (3, Some(0), Action::Reject),
            (3, Some(0), Action::Offer),
            (4, Some(1), Action::Reject),
            (4, Some(1), Action::Offer),
            (5, Some(2), Action::Accept),
            (6, Some(0), Action::Accept),
        ]
    );
    assert_eq!((result.steps, result.rounds), (7, 3));
}

#[test]
fn walking_away_ends_it_for_everybody() {
    let arena = arena();
    let logs = logs(3);
    let mut parties = vec![
        Script::boxed(&[], &[0], &logs[0]),
        Script::boxed(&[Reject], &[14], &logs[1]),
        Script::boxed(&[EndNegotiation], &[], &logs[2]),
    ];
    let result = multilateral::run(&arena, Deadline::Rounds(4), &mut parties, 3, true).expect("runs");
    assert_eq!(result.ending, Ending::WalkAway { by: 2 });
    assert_eq!(result.agreement, None);
    // Reservation values, undiscounted.
    assert_eq!(result.utilities, vec![0.25, 0.125, 0.0]);
    assert_eq!((result.steps, result.rounds), (3, 1));
    let trace = result.trace.expect("recorded");
    let last = trace.entries.last().expect("entries");
    assert_eq!((last.step, last.party, last.action, last.outcome), (2, Some(2), Action::EndNegotiation, None));
    assert!(last.utilities.is_empty());
    for log in &logs {
        assert_eq!(seen(log).last(), Some(&Seen::Observe(Event::Ended { step: 2, agreement: None })));
    }
}

#[test]
fn walking_away_instead_of_proposing() {
    let arena = arena();
    let logs = logs(3);
    let mut parties = vec![
        Box::new(Script {
            responses: VecDeque::new(),
            offers: VecDeque::from([Proposal::EndNegotiation]),
            last: Proposal::EndNegotiation,
            log: Arc::clone(&logs[0]),
        }) as Box<dyn Negotiator>,
        Script::boxed(&[], &[1], &logs[1]),
        Script::boxed(&[], &[2], &logs[2]),
    ];
    let result = multilateral::run(&arena, Deadline::Rounds(4), &mut parties, 3, false).expect("runs");
    assert_eq!(result.ending, Ending::WalkAway { by: 0 });
    assert_eq!((result.steps, result.rounds, result.time), (1, 1, relative_time(0, 4)));
    assert!(result.trace.is_none());
}

#[test]
fn timeout_after_the_last_round() {
    let arena = arena();
    let logs = logs(3);
    let mut parties = vec![
        Script::boxed(&[], &[0], &logs[0]),
        Script::boxed(&[], &[14], &logs[1]),
        Script::boxed(&[], &[7], &logs[2]),
    ];
    let rounds = 3;
    let result = multilateral::run(&arena, Deadline::Rounds(rounds), &mut parties, 3, true).expect("runs");
    assert_eq!(result.ending, Ending::Timeout);
    assert_eq!((result.steps, result.rounds, result.time), (9, 3, 1.0));
    assert_eq!(result.utilities, vec![0.25, 0.125, 0.0]);
    let trace = result.trace.expect("recorded");
    // One opening offer, then a rejection and a counter-offer at each of the
    // other eight steps.
    assert_eq!(trace.entries.len(), 1 + 8 * 2);
    // The last party's last counter-offer is never answered.
    let last = trace.entries.last().expect("entries");
    assert_eq!((last.step, last.round, last.party, last.action), (8, 2, Some(2), Action::Offer));
    // Time is the round's, shared by its three turns.
    let times: Vec<f64> = seen(&logs[1])
        .iter()
        .filter_map(|s| match s {
            Seen::Respond(state, _) => Some(state.time),
            _ => None,
        })
        .collect();
    assert_eq!(times, vec![0.25, 0.5, 0.75]);
}

#[test]
fn two_parties_play_like_alternating_offers() {
    let arena = Arena::new(&tiny(), &[0, 1]).expect("arena");
    let logs = logs(2);
    let mut parties = vec![Script::boxed(&[Accept], &[0], &logs[0]), Script::boxed(&[Reject], &[14], &logs[1])];
    let result = multilateral::run(&arena, Deadline::Rounds(5), &mut parties, 0, true).expect("runs");
    assert_eq!(result.ending, Ending::Agreement);
    assert_eq!(result.agreement, Some(OutcomeId(14)));
    assert_eq!((result.steps, result.rounds), (3, 2));
}

#[test]
fn errors() {
    let arena = arena();
    let logs = logs(3);
    let mut two = vec![Script::boxed(&[], &[0], &logs[0]), Script::boxed(&[], &[0], &logs[1])];
    assert_eq!(
        multilateral::run(&arena, Deadline::Rounds(3), &mut two, 0, false),
        Err(ProtocolError::WrongParties { expected: 3, got: 2 })
    );
    let mut three = vec![
        Script::boxed(&[], &[15], &logs[0]),
        Script::boxed(&[], &[0], &logs[1]),
        Script::boxed(&[], &[0], &logs[2]),
    ];
    assert_eq!(multilateral::run(&arena, Deadline::Rounds(0), &mut three, 0, false), Err(ProtocolError::NoTime));
    assert_eq!(
        multilateral::run(&arena, Deadline::Rounds(2), &mut three, 0, false),
        Err(ProtocolError::InvalidOffer { name: "script".to_owned(), outcome: 15, n_outcomes: 15 })
    );
}
