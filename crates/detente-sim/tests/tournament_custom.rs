//! A negotiator written outside the crate (`examples/custom_negotiator.rs`,
//! included here as it is) plays a tournament against shipped strategies.

#[path = "../examples/custom_negotiator.rs"]
mod custom_negotiator;

use custom_negotiator::{SplitTheDifference, default_dirs, load, tournament};
use detente_sim::trace::Action;
use detente_sim::{Arena, Deadline, Negotiator, Protocol, negotiate, strategies};

#[test]
fn the_custom_agent_plays_a_whole_tournament() {
    let result = tournament(&default_dirs(), 1).expect("a finished tournament");
    // 4 entrants (12 ordered pairs) × 2 scenarios × 2 repetitions.
    assert_eq!(result.total, 48);
    assert_eq!(result.records.len(), 48);
    let row =
        result.leaderboard.iter().find(|r| r.strategy == SplitTheDifference::NAME).expect("the custom agent's row");
    // 3 opponents × 2 roles × 2 scenarios × 2 repetitions.
    assert_eq!(row.negotiations, 24);
    for r in result.records.iter().filter(|r| r.parties.iter().any(|p| p.strategy == SplitTheDifference::NAME)) {
        // It meets every opponent halfway, so it never walks away and
        // agrees with every time-based strategy before the deadline.
        assert!(r.agreement.is_some(), "{r:?}");
        assert!(r.parties.iter().all(|p| p.utility >= p.reservation));
    }
    assert_eq!(row.agreement_rate, 1.0);
    // The same seed, the same tournament.
    assert_eq!(tournament(&default_dirs(), 1).expect("a finished tournament"), result);
}

#[test]
fn the_custom_agent_opens_with_its_best_and_never_asks_for_more() {
    let scenario = load(&default_dirs()[1]).expect("ItexvsCypress");
    let arena = Arena::new(&scenario, &[0, 1]).expect("an arena");
    let mut negotiators: Vec<Box<dyn Negotiator>> =
        vec![Box::new(SplitTheDifference::default()), strategies::build("boulware").expect("a known spec")];
    let result =
        negotiate(&arena, Protocol::Sao, Deadline::Rounds(50), &mut negotiators, 9, true).expect("a negotiation");
    let trace = result.trace.expect("a trace");
    let own: Vec<f64> = trace
        .entries
        .iter()
        .filter(|e| e.party == Some(0) && e.action == Action::Offer)
        .map(|e| e.utilities[0])
        .collect();
    assert!(own.len() >= 2, "{own:?}");
    assert_eq!(own[0], arena.parties[0].best_utility());
    assert!(own.windows(2).all(|w| w[1] <= w[0]), "{own:?}");
}
