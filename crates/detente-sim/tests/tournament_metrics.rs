//! The tournament measures on Laptop, against values computed by hand from
//! the GENIUS files (weights normalised by their sum, 1.000051804171754).

mod common;

use detente_sim::metrics::{EndingKind, Reference, measure};
use detente_sim::{Arena, Ending, NegotiationResult, OutcomeId};

use common::genius;

/// Laptop's Pareto frontier, (buyer, seller): HP/60 Gb/19'', HP/80 Gb/19'',
/// Macintosh/60 Gb/19'', Macintosh/80 Gb/19''.
const FRONTIER: [[f64; 2]; 4] = [
    [1.0, 0.8150631714971639],
    [0.8739790227189738, 0.8739790227189737],
    [0.851603495169503, 0.9410841487781902],
    [0.7255825178884766, 1.0],
];
/// Dell/60 Gb/19'', outcome 0.
const DELL: [f64; 2] = [0.7328862913051053, 0.7142463896723428];
/// Laptop's discount factor, both sides.
const DISCOUNT: f64 = 0.42441038;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn laptop_frontier_and_nash_match_the_hand_computation() {
    let s = genius("Laptop");
    let ids: Vec<&str> = s.actors.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["laptop_buyer_utility", "laptop_seller_utility"]);
    let reference = Reference::new(&s, &[0, 1]).expect("an analysis");
    assert_eq!(reference.frontier.len(), 4, "{:?}", reference.frontier);
    for (got, want) in reference.frontier.iter().zip(FRONTIER) {
        assert!(close(got[0], want[0]) && close(got[1], want[1]), "{got:?} vs {want:?}");
    }
    let nash = reference.nash.clone().expect("a Nash point");
    assert!(close(nash[0], 1.0) && close(nash[1], 0.8150631714971639), "{nash:?}");
    assert_eq!(reference.reservations, vec![0.0, 0.0]);

    // The parties swapped: the same points, coordinates swapped.
    let swapped = Reference::new(&s, &[1, 0]).expect("an analysis");
    let nash = swapped.nash.expect("a Nash point");
    assert!(close(nash[0], 0.8150631714971639) && close(nash[1], 1.0), "{nash:?}");
    assert!(swapped.frontier.iter().any(|p| close(p[0], 1.0) && close(p[1], 0.7255825178884766)));
}

#[test]
fn an_agreement_is_measured_against_the_frontier() {
    let s = genius("Laptop");
    let arena = Arena::new(&s, &[0, 1]).expect("an arena");
    let reference = Reference::new(&s, &[0, 1]).expect("an analysis");
    let dell = arena.utilities(OutcomeId(0));
    assert!(close(dell[0], DELL[0]) && close(dell[1], DELL[1]), "{dell:?}");
    // Dell/60 Gb/19'' agreed at t = 0.5: each utility discounted by d^0.5.
    let factor = DISCOUNT.sqrt();
    let result = NegotiationResult {
        ending: Ending::Agreement,
        agreement: Some(OutcomeId(0)),
        utilities: vec![DELL[0] * factor, DELL[1] * factor],
        steps: 11,
        rounds: 6,
        time: 0.5,
        trace: None,
    };
    let m = measure(&reference, &arena, &result);
    assert_eq!(m.ending, EndingKind::Agreement);
    assert!(m.agreement);
    assert_eq!((m.steps, m.rounds, m.walked_away_by), (11, 6, None));
    assert!(close(m.parties[0].utility, 0.4774518679749872), "{:?}", m.parties);
    assert!(close(m.parties[1].utility, 0.4653085710420016));
    assert!(close(m.parties[0].advantage, 0.4774518679749872));
    assert!(close(m.welfare, 0.9427604390169888), "{}", m.welfare);
    // Distances use the agreement's undiscounted utilities: to the Nash
    // point (1, 0.815…), and to the nearest frontier point (HP/80 Gb/19'').
    assert!(close(m.nash_distance.expect("a Nash point"), 0.28550614156311005), "{:?}", m.nash_distance);
    assert!(close(m.pareto_distance, 0.21312360948012227), "{}", m.pareto_distance);

    // On the frontier: no distance to it.
    let on = NegotiationResult { agreement: Some(OutcomeId(12)), ..result.clone() };
    // Macintosh (1) / 80 Gb (1) / 19'' (0) is 1·9 + 1·3 + 0 = 12.
    let mac = arena.utilities(OutcomeId(12));
    assert!(close(mac[0], FRONTIER[3][0]) && close(mac[1], FRONTIER[3][1]), "{mac:?}");
    let m = measure(&reference, &arena, &on);
    assert_eq!(m.pareto_distance, 0.0);
    assert!(close(m.nash_distance.expect("a Nash point"), 0.33091779194403503));
}

#[test]
fn no_agreement_is_measured_at_the_reservation_values() {
    let s = genius("Laptop");
    let arena = Arena::new(&s, &[0, 1]).expect("an arena");
    let reference = Reference::new(&s, &[0, 1]).expect("an analysis");
    let result = NegotiationResult {
        ending: Ending::WalkAway { by: 1 },
        agreement: None,
        utilities: vec![0.0, 0.0],
        steps: 3,
        rounds: 2,
        time: 0.2,
        trace: None,
    };
    let m = measure(&reference, &arena, &result);
    assert_eq!((m.ending, m.agreement, m.walked_away_by), (EndingKind::WalkAway, false, Some(1)));
    assert_eq!(m.welfare, 0.0);
    assert_eq!(m.parties[1].advantage, 0.0);
    assert!(close(m.nash_distance.expect("a Nash point"), 1.2900883588076497));
    assert!(close(m.pareto_distance, 1.2355039418251086));
    let timeout = measure(&reference, &arena, &NegotiationResult { ending: Ending::Timeout, ..result });
    assert_eq!((timeout.ending, timeout.walked_away_by), (EndingKind::Timeout, None));
}
