//! Each shipped strategy's rules, checked call by call and in short
//! scripted negotiations.

mod common;

use std::collections::HashSet;

use detente_core::{Scenario, WeightPolicy};
use detente_formats::scenario_toml::load_toml;
use detente_sim::protocol::{multilateral, party_rng, sao};
use detente_sim::strategies::aspiration::Aspiration;
use detente_sim::strategies::hardheaded::HardHeaded;
use detente_sim::strategies::micro::Micro;
use detente_sim::strategies::random::RandomNegotiator;
use detente_sim::strategies::tit_for_tat::NaiveTitForTat;
use detente_sim::trace::Action;
use detente_sim::{
    Arena, Deadline, Ending, Event, NegotiationResult, Negotiator, OutcomeId, Proposal, Response, Session, State,
};
use rand_chacha::ChaCha8Rng;

fn scenario(text: &str) -> Scenario {
    load_toml("test.toml", text, WeightPolicy::Refuse).expect("scenario loads").0
}

/// The tiny scenario of `common` with its first two actors only: A
/// (reservation 0.25) wants (a, p), B (e, r).
fn tiny_scenario() -> Scenario {
    scenario(&common::tiny_toml(&["reservation = 0.25\n", ""]))
}

fn tiny() -> Arena {
    Arena::new(&tiny_scenario(), &[0, 1]).expect("arena")
}

fn at(step: u32, time: f64) -> State {
    State { step, time, current: None }
}

fn offer_of(p: Proposal) -> OutcomeId {
    match p {
        Proposal::Offer(o) => o,
        Proposal::EndNegotiation => panic!("walked away"),
    }
}

/// Rejects everything and offers the outcomes given, the last one forever.
struct Offers(Vec<u32>, usize);

impl Negotiator for Offers {
    fn name(&self) -> &str {
        "offers"
    }

    fn propose(&mut self, _session: &Session<'_>, _state: &State, _rng: &mut ChaCha8Rng) -> Proposal {
        let o = self.0[self.1.min(self.0.len() - 1)];
        self.1 += 1;
        Proposal::Offer(OutcomeId(o))
    }

    fn respond(
        &mut self,
        _session: &Session<'_>,
        _state: &State,
        _offer: OutcomeId,
        _rng: &mut ChaCha8Rng,
    ) -> Response {
        Response::Reject
    }
}

/// Party `party`'s offers and answers in a trace.
fn moves(result: &NegotiationResult, party: usize) -> Vec<(Action, u32)> {
    let trace = result.trace.as_ref().expect("recorded");
    trace
        .entries
        .iter()
        .filter(|e| e.party == Some(party))
        .map(|e| (e.action, e.outcome.map_or(u32::MAX, |o| o.0)))
        .collect()
}

fn offers_by(result: &NegotiationResult, party: usize) -> Vec<u32> {
    moves(result, party).into_iter().filter(|m| m.0 == Action::Offer).map(|m| m.1).collect()
}

// ---------------------------------------------------------------- aspiration

#[test]
fn aspiration_follows_negmas_curve() {
    let arena = tiny();
    let session = Session::new(&arena, 0, 20);
    let me = session.me();
    let mut rng = party_rng(0, 0);
    let mut a = Aspiration::default();
    assert_eq!(a.name(), "aspiration");
    assert_eq!(a.exponent(), 4.0);
    // A: lo = 0.25 (its reservation, above its worst 0), hi = 1.
    for t in [0.0, 0.2, 0.5, 0.8, 0.95, 1.0] {
        let threshold = (0.25 + 0.75 * (1.0 - f64::powi(t, 4)) - 0.001).max(0.25);
        assert!((a.threshold(me, t) - threshold).abs() < 1e-12, "t = {t}");
        let offer = offer_of(a.propose(&session, &at(0, t), &mut rng));
        // The lowest utility at or above the threshold.
        let u = me.utility(offer);
        assert!(u >= threshold);
        assert!(me.utilities.iter().all(|&v| v < threshold || v >= u));
        for o in 0..15 {
            let expected = if me.utility(OutcomeId(o)) >= threshold { Response::Accept } else { Response::Reject };
            assert_eq!(a.respond(&session, &at(0, t), OutcomeId(o), &mut rng), expected);
        }
    }
    // At t = 0 it offers its best; at t = 1, its worst rational outcome,
    // 0.25, first in outcome order: the 0.25s are (c, r) = 8 and (e, q) = 13.
    assert_eq!(offer_of(a.propose(&session, &at(0, 0.0), &mut rng)), OutcomeId(0));
    assert_eq!(offer_of(a.propose(&session, &at(0, 1.0), &mut rng)), OutcomeId(8));
    // Parameters.
    let slow = Aspiration::new(1.0, 0.5).expect("valid");
    assert_eq!(slow.aspiration(0.5), 0.25);
    assert!(Aspiration::new(0.0, 1.0).is_none());
    assert!(Aspiration::new(f64::INFINITY, 1.0).is_none());
    assert!(Aspiration::new(4.0, 1.5).is_none());
}

// --------------------------------------------------------------- tit for tat

#[test]
fn tit_for_tat_concedes_what_it_receives() {
    let arena = tiny();
    let session = Session::new(&arena, 0, 20);
    let mut rng = party_rng(0, 0);
    let mut tft = NaiveTitForTat::default();
    assert_eq!(tft.name(), "tit-for-tat");
    tft.start(&session, &mut rng);
    // A: lo = 0.25, hi = 1; normalised n(u) = (u − 0.25)/0.75.
    // Turn 0: no concession; it accepts only its best and offers it.
    assert_eq!(tft.respond(&session, &at(1, 0.1), OutcomeId(3), &mut rng), Response::Reject);
    assert_eq!(tft.respond(&session, &at(1, 0.1), OutcomeId(0), &mut rng), Response::Accept);
    assert_eq!(tft.propose(&session, &at(1, 0.1), &mut rng), Proposal::Offer(OutcomeId(0)));
    // Turns 1 and 2: a "smallest concession" read, as NegMAS does, from the
    // next two utilities of its sorted list at every call, over best − worst
    // = 1. A's list: 1, 0.875, 0.75, 0.75, 0.625, 0.625, 0.5, …
    // First call (1 − 0.875): it accepts n ≥ 0.875, u ≥ 0.90625: not (b, p) = 3.
    assert_eq!(tft.respond(&session, &at(3, 0.2), OutcomeId(3), &mut rng), Response::Reject);
    // Second call (0.75 − 0.75): no concession: it offers its best again.
    assert_eq!(tft.propose(&session, &at(3, 0.2), &mut rng), Proposal::Offer(OutcomeId(0)));
    // Third call (0.625 − 0.625): none either; only its best is acceptable.
    assert_eq!(tft.respond(&session, &at(5, 0.3), OutcomeId(3), &mut rng), Response::Reject);
    // Fourth call (0.5 − 0.5).
    assert_eq!(tft.propose(&session, &at(5, 0.3), &mut rng), Proposal::Offer(OutcomeId(0)));
    // `start` resets the turns and the reading; before turn 3 it accepts
    // only its best here.
    tft.start(&session, &mut rng);
    assert_eq!(tft.propose(&session, &at(1, 0.1), &mut rng), Proposal::Offer(OutcomeId(0)));
    assert_eq!(tft.respond(&session, &at(3, 0.2), OutcomeId(0), &mut rng), Response::Accept);
    assert_eq!(tft.propose(&session, &at(3, 0.2), &mut rng), Proposal::Offer(OutcomeId(0)));
    assert_eq!(tft.respond(&session, &at(5, 0.3), OutcomeId(0), &mut rng), Response::Accept);
    // Turn 3 on: it concedes the opponent's concession under the zero-sum
    // assumption, n(u) of the offer. (c, q) = 7 gives A 0.5, n = 1/3: it
    // rejects (1/3 < 2/3) and offers its lowest outcome of n ≥ 2/3, u ≥ 0.75:
    // (a, q) = 1, first of the 0.75s in outcome order.
    assert_eq!(tft.respond(&session, &at(7, 0.4), OutcomeId(7), &mut rng), Response::Reject);
    assert_eq!(tft.propose(&session, &at(7, 0.4), &mut rng), Proposal::Offer(OutcomeId(1)));
    // It accepts an offer of n ≥ ½, u ≥ 0.625: (b, q) = 4 is 0.625.
    assert_eq!(tft.respond(&session, &at(9, 0.5), OutcomeId(4), &mut rng), Response::Accept);
    assert_eq!(tft.respond(&session, &at(9, 0.5), OutcomeId(2), &mut rng), Response::Reject); // (a, r) 0.5
    // An offer below its reservation value is no concession (n < 0 counts as 0).
    assert_eq!(tft.respond(&session, &at(11, 0.6), OutcomeId(14), &mut rng), Response::Reject);
    assert_eq!(tft.propose(&session, &at(11, 0.6), &mut rng), Proposal::Offer(OutcomeId(0)));
}

// --------------------------------------------------------------------- MiCRO

#[test]
fn micro_concedes_only_after_new_offers() {
    let arena = tiny();
    let me = &arena.parties[0];
    let rational = me.at_least(me.reservation);
    // A stubborn opponent repeats one offer (e, r) = 14: MiCRO makes two
    // distinct offers, its best two, and then repeats them at random.
    let mut parties: Vec<Box<dyn Negotiator>> = vec![Box::new(Micro::default()), Box::new(Offers(vec![14], 0))];
    let result = sao::run(&arena, Deadline::Rounds(30), &mut parties, 2, true).expect("runs");
    assert_eq!(result.ending, Ending::Timeout);
    let mine = offers_by(&result, 0);
    assert_eq!(mine.len(), 30);
    assert_eq!(&mine[..2], &[rational[0].0, rational[1].0]);
    let distinct: HashSet<u32> = mine.iter().copied().collect();
    assert_eq!(distinct, HashSet::from([rational[0].0, rational[1].0]));

    // An opponent with a new offer each time: MiCRO walks down its list
    // one outcome per offer, and accepts once an offer is at least as good
    // as its next one. B offers A's outcomes from the bottom up: 14 (A: 0),
    // 13 (0.25), 12 (0.5), 11 (0.375)...
    let script: Vec<u32> = (0..15).rev().collect();
    let mut parties: Vec<Box<dyn Negotiator>> = vec![Box::new(Micro::default()), Box::new(Offers(script, 0))];
    let result = sao::run(&arena, Deadline::Rounds(30), &mut parties, 2, true).expect("runs");
    let mine = offers_by(&result, 0);
    let list: Vec<u32> = rational.iter().map(|o| o.0).collect();
    assert_eq!(mine, list[..mine.len()].to_vec());
    assert_eq!(result.ending, Ending::Agreement);
    let agreed = result.agreement.expect("agreement");
    // It accepted the first offer at least as good as its next one.
    let next = list[mine.len()];
    assert!(me.utility(agreed) >= me.utility(OutcomeId(next)));
    let theirs = offers_by(&result, 1);
    for &o in &theirs[..theirs.len() - 1] {
        let k = theirs.iter().position(|&x| x == o).expect("offered");
        assert!(me.utility(OutcomeId(o)) < me.utility(OutcomeId(list[k + 1])), "{o}");
    }
}

#[test]
fn micro_walks_away_with_nothing_rational() {
    let mut s = tiny_scenario();
    s.actors[0].reservation = 2.0;
    let arena = Arena::new(&s, &[0, 1]).expect("arena");
    let session = Session::new(&arena, 0, 10);
    let mut rng = party_rng(0, 0);
    let mut micro = Micro::default();
    micro.start(&session, &mut rng);
    assert_eq!(micro.propose(&session, &at(0, 0.1), &mut rng), Proposal::EndNegotiation);
    assert_eq!(micro.respond(&session, &at(0, 0.1), OutcomeId(0), &mut rng), Response::Reject);
}

#[test]
fn micro_counts_offers_from_every_other_party() {
    let arena = tiny();
    let session = Session::new(&arena, 0, 10);
    let mut rng = party_rng(0, 0);
    let mut micro = Micro::default();
    micro.start(&session, &mut rng);
    let rational = session.me().at_least(0.25).to_vec();
    assert_eq!(micro.propose(&session, &at(0, 0.1), &mut rng), Proposal::Offer(rational[0]));
    // Its own offer does not count as received.
    micro.observe(&session, &Event::Offered { step: 0, by: 0, outcome: rational[0] });
    // Not ready (1 sent, 0 received): it repeats.
    assert_eq!(micro.propose(&session, &at(2, 0.2), &mut rng), Proposal::Offer(rational[0]));
    micro.observe(&session, &Event::Offered { step: 3, by: 1, outcome: OutcomeId(14) });
    assert_eq!(micro.propose(&session, &at(4, 0.3), &mut rng), Proposal::Offer(rational[1]));
    // Ready again only after a second distinct received offer.
    micro.observe(&session, &Event::Offered { step: 5, by: 1, outcome: OutcomeId(14) });
    assert_ne!(micro.propose(&session, &at(6, 0.4), &mut rng), Proposal::Offer(rational[2]));
    micro.observe(&session, &Event::Offered { step: 7, by: 1, outcome: OutcomeId(13) });
    // Accepts an offer as good as its next (rational[2]) now that it is ready.
    assert_eq!(micro.respond(&session, &at(8, 0.5), rational[2], &mut rng), Response::Accept);
    // rational[3] ties with rational[2] at 0.75; rational[4] is 0.625.
    assert_eq!(micro.respond(&session, &at(8, 0.5), rational[3], &mut rng), Response::Accept);
    assert_eq!(micro.respond(&session, &at(8, 0.5), rational[4], &mut rng), Response::Reject);
}

// ---------------------------------------------------------------- HardHeaded

#[test]
fn hardheaded_concession_curve() {
    let arena = tiny();
    let me = &arena.parties[0];
    // m: 0.585 of the way from 0 to 1, above A's reservation 0.25.
    assert!((HardHeaded::minimum_utility(me) - 0.585).abs() < 1e-12);
    let p0 = HardHeaded::p(me, 0.0);
    assert!((p0 - (0.585 + 0.95 * 0.415)).abs() < 1e-12);
    assert!((HardHeaded::p(me, 1.0) - 0.585).abs() < 1e-12);
    // Hard-headed: at t = 0.9 it still asks for 0.93.
    assert!(HardHeaded::p(me, 0.9) > 0.93);
    let mut last = f64::INFINITY;
    for k in 0..=100 {
        let p = HardHeaded::p(me, f64::from(k) / 100.0);
        assert!(p <= last);
        last = p;
    }
    // With a discount factor below 0.9 it concedes at the discount's step point.
    let mut s = tiny_scenario();
    s.actors[0].discount = Some(0.5);
    let discounted = Arena::new(&s, &[0, 1]).expect("arena");
    let me = &discounted.parties[0];
    assert!(HardHeaded::p(me, 0.45) > 0.79);
    assert!(HardHeaded::p(me, 0.55) < 0.62);
}

/// x has two levels, y and z three: outcome `9·x + 3·y + z`. A cares about
/// x almost only, so its nine x = 0 outcomes are within 0.01 of each other;
/// B wants x = 1, y = 2, z = 2.
const NEAR_TIES: &str = r#"
name = "near ties"
[[issues]]
id = "x"
kind = "discrete"
options = ["x0", "x1"]
[[issues]]
id = "y"
kind = "discrete"
options = ["y0", "y1", "y2"]
[[issues]]
id = "z"
kind = "discrete"
options = ["z0", "z1", "z2"]

[[actors]]
id = "A"
[actors.preferences]
type = "linear-additive"
weights = { x = 0.99, y = 0.005, z = 0.005 }
[actors.preferences.evaluations]
x = { utilities = { x0 = 1.0, x1 = 0.0 } }
y = { utilities = { y0 = 1.0, y1 = 0.5, y2 = 0.0 } }
z = { utilities = { z0 = 1.0, z1 = 0.5, z2 = 0.0 } }

[[actors]]
id = "B"
[actors.preferences]
type = "linear-additive"
weights = { x = 0.4, y = 0.3, z = 0.3 }
[actors.preferences.evaluations]
x = { utilities = { x0 = 0.0, x1 = 1.0 } }
y = { utilities = { y0 = 0.0, y1 = 0.5, y2 = 1.0 } }
z = { utilities = { z0 = 0.0, z1 = 0.5, z2 = 1.0 } }
"#;

#[test]
fn hardheaded_picks_among_near_ties_what_the_opponent_offers() {
    let arena = Arena::new(&scenario(NEAR_TIES), &[0, 1]).expect("arena");
    // B offers (x1, y2, z2) = 17, then (x0, y0, z1) = 1, which A values
    // 0.9975, above the 0.99 it will have offered.
    let mut parties: Vec<Box<dyn Negotiator>> = vec![Box::new(HardHeaded::default()), Box::new(Offers(vec![17, 1], 0))];
    let result = sao::run(&arena, Deadline::Rounds(20), &mut parties, 0, true).expect("runs");
    // Its best first; then, among the eight near ties left, the one the
    // frequency model rates best for B: (x0, y2, z2) = 8, A's lowest of them.
    assert_eq!(
        moves(&result, 0),
        vec![(Action::Offer, 0), (Action::Reject, 17), (Action::Offer, 8), (Action::Accept, 1)]
    );
    assert_eq!(result.agreement, Some(OutcomeId(1)));
}

#[test]
fn hardheaded_holds_out_against_a_stubborn_opponent() {
    let arena = tiny();
    let me = &arena.parties[0];
    let rounds = 100;
    let mut parties: Vec<Box<dyn Negotiator>> = vec![Box::new(HardHeaded::default()), Box::new(Offers(vec![7], 0))];
    let result = sao::run(&arena, Deadline::Rounds(rounds), &mut parties, 5, true).expect("runs");
    let mine = offers_by(&result, 0);
    assert_eq!(mine[0], 0);
    // Every offer is at least its minimum 0.585 (B's 7 is 0.5 to A, never
    // accepted); until the last rounds, nothing below its best but (b, p).
    for (round, &o) in mine.iter().enumerate() {
        let u = me.utility(OutcomeId(o));
        assert!(u >= 0.585, "round {round}: {u}");
        if round < 80 {
            assert!(u >= 0.875, "round {round}: {u}");
        }
    }
    assert_eq!(result.ending, Ending::Timeout);
}

// -------------------------------------------------------------------- random

#[test]
fn random_offers_rational_outcomes_uniformly() {
    let arena = tiny();
    let session = Session::new(&arena, 0, 10);
    let mut rng = party_rng(42, 0);
    let mut random = RandomNegotiator::default();
    assert_eq!(random.name(), "random");
    let rational = session.me().at_least(0.25);
    let mut counts = [0usize; 15];
    let draws = 6000;
    for _ in 0..draws {
        counts[offer_of(random.propose(&session, &at(0, 0.5), &mut rng)).0 as usize] += 1;
    }
    let expected = draws / rational.len();
    for o in 0..15u32 {
        let c = counts[o as usize];
        if rational.contains(&OutcomeId(o)) {
            assert!(c * 10 > expected * 8 && c * 10 < expected * 12, "{o}: {c} of {draws}");
        } else {
            assert_eq!(c, 0, "{o} is below the reservation value");
        }
    }
}

#[test]
fn random_accepts_in_proportion_to_utility() {
    let arena = tiny();
    let session = Session::new(&arena, 0, 10);
    let mut rng = party_rng(7, 0);
    let mut random = RandomNegotiator::default();
    // A: lo = 0.25, hi = 1. (b, q) = 4 is 0.625, halfway: accepted half the time.
    let n = 4000;
    let accepted =
        (0..n).filter(|_| random.respond(&session, &at(0, 0.5), OutcomeId(4), &mut rng) == Response::Accept).count();
    assert!((accepted as f64 / n as f64 - 0.5).abs() < 0.03, "{accepted}");
    // Below the reservation value: never; the best: always.
    for _ in 0..200 {
        assert_eq!(random.respond(&session, &at(0, 0.5), OutcomeId(14), &mut rng), Response::Reject);
        assert_eq!(random.respond(&session, &at(0, 0.5), OutcomeId(0), &mut rng), Response::Accept);
    }
    // Walking away.
    let mut leaver = RandomNegotiator::new(1.0);
    assert_eq!(leaver.respond(&session, &at(0, 0.5), OutcomeId(0), &mut rng), Response::EndNegotiation);
    assert_eq!(RandomNegotiator::new(f64::NAN).p_end(), 0.0);
    assert_eq!(RandomNegotiator::new(3.0).p_end(), 1.0);
}

#[test]
fn random_walk_away_ends_a_multilateral_negotiation() {
    let arena = tiny();
    let mut parties: Vec<Box<dyn Negotiator>> =
        vec![Box::new(Offers(vec![0], 0)), Box::new(RandomNegotiator::new(0.5))];
    let result = multilateral::run(&arena, Deadline::Rounds(50), &mut parties, 1, true).expect("runs");
    assert_eq!(result.ending, Ending::WalkAway { by: 1 });
    assert_eq!(result.utilities, vec![0.25, 0.0]);
}
