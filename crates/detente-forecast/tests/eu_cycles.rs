//! The expected-utility model can end in a cycle: actors trading places
//! round after round up to the round limit. The forecast says so, with the
//! settlement at each round of the cycle; these tests hold it to what the
//! model then does with one more round, and to the seed case, where two
//! issues cycle.

mod common;

use detente_forecast::eu::{self, EuParams};
use detente_forecast::{Forecast, ForecastOptions, Input, Stop};
use proptest::prelude::*;

use common::inputs::{random_input, seed_case};
use common::tuples::input;

fn run(input: &Input, rounds: usize) -> Forecast {
    eu::forecast(input, &EuParams::default(), &run_options(rounds)).expect("forecasts")
}

/// The shortest period (2 to 12) with which `x` ends repeating for three
/// periods, found here independently of the crate's search.
fn repeats_with(x: &[Vec<f64>]) -> Option<usize> {
    let same = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(p, q)| (p - q).abs() <= 1e-12);
    let n = x.len();
    if n < 2 || same(&x[n - 1], &x[n - 2]) {
        return None;
    }
    (2..=12).find(|&p| n >= 3 * p && (n - 2 * p..n).all(|t| same(&x[t], &x[t - p])))
}

/// What [`check_cycles`] saw: cycles reported, and cycles left out because
/// the settlement stays put while the actors trade places.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    reported: usize,
    silent: usize,
}

/// Each cycle is what running longer gives: `j` more rounds settle the
/// issue where round `limit - period + j` did, and the rest of the
/// forecast does not change. An issue whose positions repeat but that is
/// not reported settles in the same place however many more rounds run.
fn check_cycles(input: &Input, limit: usize) -> Result<Seen, TestCaseError> {
    let f = run(input, limit);
    let mut seen = Seen { reported: f.cycles.len(), silent: 0 };
    for k in 0..input.issues.len() {
        if f.cycles.iter().any(|c| c.issue == k) {
            continue;
        }
        let alone = eu::play_issue(input, k, &EuParams::default(), &run_options(limit)).expect("plays");
        if let Some(p) = repeats_with(&alone.positions).filter(|_| alone.stop == Stop::RoundLimit) {
            seen.silent += 1;
            for j in 1..p {
                prop_assert!(
                    (run(input, limit + j).outcome[k] - f.outcome[k]).abs() < 1e-9,
                    "issue {} period {}",
                    k,
                    p
                );
            }
        }
    }
    for c in &f.cycles {
        prop_assert_eq!(f.stop, Stop::RoundLimit);
        prop_assert!(c.period >= 2 && c.outcomes.len() == c.period);
        prop_assert!(c.outcomes.iter().any(|&o| o != c.outcomes[0]), "a reported cycle moves the settlement");
        prop_assert!(c.since_round + 3 * c.period <= limit + 1, "three periods seen: {:?}", c);
        prop_assert_eq!(c.outcomes[c.period - 1], f.outcome[c.issue], "the last round's settlement is the forecast");
        for j in 1..c.period {
            let longer = run(input, limit + j);
            prop_assert!((longer.outcome[c.issue] - c.outcomes[j - 1]).abs() < 1e-9, "{} more rounds: {:?}", j, c);
        }
        // The run on the issue alone repeats from `since_round`, not before.
        let alone = eu::play_issue(input, c.issue, &EuParams::default(), &run_options(limit)).expect("plays");
        let x = &alone.positions;
        let same = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(p, q)| (p - q).abs() <= 1e-12);
        prop_assert!((c.since_round..x.len() - c.period).all(|t| same(&x[t], &x[t + c.period])));
        if c.since_round > 0 {
            prop_assert!(!same(&x[c.since_round - 1], &x[c.since_round - 1 + c.period]));
        }
    }
    Ok(seen)
}

fn run_options(rounds: usize) -> ForecastOptions {
    ForecastOptions { max_rounds: Some(rounds), seed: 0 }
}

#[test]
fn two_issues_of_the_seed_case_cycle_and_the_round_limit_picks_their_forecast() {
    let input = seed_case();
    let f = run(&input, 100);
    let cycling: Vec<(&str, usize)> = f.cycles.iter().map(|c| (input.issues[c.issue].id.as_str(), c.period)).collect();
    assert_eq!(cycling, [("ceasefire", 2), ("alliance", 2)]);
    for c in &f.cycles {
        assert_ne!(
            c.outcomes[0], c.outcomes[1],
            "the two rounds of the cycle settle {:?} apart",
            input.issues[c.issue].id
        );
    }
    // An odd round limit gives the other half of each cycle; nothing else moves.
    let odd = run(&input, 101);
    for (k, (&even, &odd)) in f.outcome.iter().zip(&odd.outcome).enumerate() {
        match f.cycles.iter().find(|c| c.issue == k) {
            Some(c) => assert_eq!(odd, c.outcomes[0], "issue {k}"),
            None => assert_eq!(odd, even, "issue {k}"),
        }
    }
    check_cycles(&input, 100).expect("holds");
}

#[test]
fn a_converged_forecast_has_no_cycles() {
    let lone = input(&[(1.0, vec![(0.3, 1.0)])]);
    let f = run(&lone, 100);
    assert_eq!(f.stop, Stop::Converged);
    assert!(f.cycles.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn cycles_are_what_longer_runs_give(seed in 0u64..1_000_000, actors in 3usize..7, limit in 30usize..60) {
        check_cycles(&random_input(actors, 2, seed), limit)?;
    }
}

/// Three or four random actors often cycle, with and without moving the
/// settlement, so the property above is not vacuous either way.
#[test]
fn random_inputs_cycle_often_enough_to_test() {
    let mut total = Seen::default();
    for seed in 0..40 {
        for actors in [3, 4] {
            let seen = check_cycles(&random_input(actors, 2, seed), 40).expect("holds");
            total.reported += seen.reported;
            total.silent += seen.silent;
        }
    }
    assert!(total.reported >= 5 && total.silent >= 1, "{total:?}");
}
