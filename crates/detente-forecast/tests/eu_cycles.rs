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
    let options = ForecastOptions { max_rounds: Some(rounds), seed: 0 };
    eu::forecast(input, &EuParams::default(), &options).expect("forecasts")
}

/// Each cycle is what running longer gives: `j` more rounds settle the
/// issue where round `limit - period + j` did, and the rest of the
/// forecast does not change.
fn check_cycles(input: &Input, limit: usize) -> Result<usize, TestCaseError> {
    let f = run(input, limit);
    for c in &f.cycles {
        prop_assert_eq!(f.stop, Stop::RoundLimit);
        prop_assert!(c.period >= 2 && c.outcomes.len() == c.period);
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
    Ok(f.cycles.len())
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

/// Three random actors often cycle (about one issue in four), so the
/// property above is not vacuous.
#[test]
fn random_inputs_cycle_often_enough_to_test() {
    let found: usize = (0..40).map(|seed| check_cycles(&random_input(3, 2, seed), 40).expect("holds")).sum();
    assert!(found >= 5, "only {found} cycles in 40 random inputs");
}
