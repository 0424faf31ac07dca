//! Properties of the expected-utility model that follow from its equations:
//! the actors' order and the unit of capability are arbitrary, actors only
//! ever move towards each other, a lone actor has nobody to move towards, and
//! issues are played independently.

mod common;

use detente_forecast::eu::{self, EuParams, play_issue};
use detente_forecast::{Forecast, ForecastOptions, Input, Stop};
use proptest::prelude::*;

use common::tuples::{Actor, input};

fn actors(n_issues: usize) -> impl Strategy<Value = Vec<Actor>> {
    prop::collection::vec((0.1..5.0f64, prop::collection::vec((0.0..=1.0f64, 0.05..=1.0f64), n_issues)), 1..9)
}

fn run(input: &Input, params: &EuParams) -> Forecast {
    eu::forecast(input, params, &ForecastOptions::default()).expect("forecasts")
}

/// The same forecast, actor `permutation[new]` of `a` being actor `new` of
/// `b`. Exactly the same: a run that cycles to the round limit can amplify a
/// last-bit difference into a visible one, so the model is written to sum in
/// an order that depends on the actors' data only.
fn assert_same_forecast(a: &Forecast, b: &Forecast, permutation: &[usize]) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.stop, b.stop);
    prop_assert_eq!(&a.outcome, &b.outcome);
    prop_assert_eq!(a.trajectory.len(), b.trajectory.len());
    for (round_a, round_b) in a.trajectory.iter().zip(&b.trajectory) {
        for (new, &old) in permutation.iter().enumerate() {
            prop_assert_eq!(&round_a[old], &round_b[new]);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn permuting_actors_changes_nothing(actors in actors(2), seed in any::<u64>()) {
        let mut permutation: Vec<usize> = (0..actors.len()).collect();
        // A deterministic shuffle from the seed.
        let mut state = seed;
        for i in (1..permutation.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            permutation.swap(i, (state >> 33) as usize % (i + 1));
        }
        let permuted: Vec<Actor> = permutation.iter().map(|&a| actors[a].clone()).collect();
        let params = EuParams::default();
        assert_same_forecast(&run(&input(&actors), &params), &run(&input(&permuted), &params), &permutation)?;
    }

    /// Whole runs are compared under scaling by powers of two, which leave
    /// every ratio bit-identical; any other factor changes the last bits,
    /// which runs that cycle amplify, so there only one round's analysis is
    /// compared.
    #[test]
    fn scaling_capabilities_changes_nothing(actors in actors(1), power in -20..20i32, factor in 0.01..100.0f64) {
        let identity: Vec<usize> = (0..actors.len()).collect();
        let scaled: Vec<Actor> = actors.iter().map(|(c, p)| (c * 2f64.powi(power), p.clone())).collect();
        for params in [EuParams::default(), EuParams::scholz_code()] {
            assert_same_forecast(&run(&input(&actors), &params), &run(&input(&scaled), &params), &identity)?;
            let x: Vec<f64> = actors.iter().map(|a| a.1[0].0).collect();
            let s: Vec<f64> = actors.iter().map(|a| a.1[0].1).collect();
            let c: Vec<f64> = actors.iter().map(|a| a.0).collect();
            let c_scaled: Vec<f64> = c.iter().map(|c| c * factor).collect();
            let one = eu::analyse_round(&x, &c, &s, 1.0, &params);
            let other = eu::analyse_round(&x, &c_scaled, &s, 1.0, &params);
            prop_assert_eq!(one.median(), other.median());
            for i in 0..x.len() {
                for j in 0..x.len() {
                    prop_assert!((one.probability(i, j) - other.probability(i, j)).abs() < 1e-12);
                    prop_assert!((one.challenge(i, j) - other.challenge(i, j)).abs() < 1e-12);
                    prop_assert!((one.response(i, j) - other.response(i, j)).abs() < 1e-12);
                }
            }
        }
    }

    #[test]
    fn positions_stay_within_the_initial_span(actors in actors(1)) {
        let input = input(&actors);
        for params in [EuParams::default(), EuParams::scholz_code()] {
            let forecast = run(&input, &params);
            let initial = &forecast.trajectory[0];
            let lo = initial.iter().map(|p| p[0]).fold(f64::INFINITY, f64::min);
            let hi = initial.iter().map(|p| p[0]).fold(f64::NEG_INFINITY, f64::max);
            for round in &forecast.trajectory {
                for p in round {
                    prop_assert!(p[0] >= lo - 1e-12 && p[0] <= hi + 1e-12);
                }
            }
            prop_assert!(forecast.outcome[0] >= lo && forecast.outcome[0] <= hi);
            prop_assert!(forecast.rounds() <= eu::DEFAULT_MAX_ROUNDS);
            if forecast.stop == Stop::RoundLimit {
                prop_assert_eq!(forecast.rounds(), eu::DEFAULT_MAX_ROUNDS);
            }
        }
    }

    #[test]
    fn a_lone_actor_stays_put(c in 0.1..5.0f64, x in 0.0..=1.0f64, s in 0.05..=1.0f64) {
        let forecast = run(&input(&[(c, vec![(x, s)])]), &EuParams::default());
        prop_assert_eq!(forecast.outcome, vec![x]);
        prop_assert_eq!(forecast.stop, Stop::Converged);
        prop_assert!(forecast.trajectory.iter().all(|round| round[0][0] == x));
    }

    #[test]
    fn issues_are_played_independently(actors in actors(2)) {
        let input = input(&actors);
        let params = EuParams::default();
        let forecast = run(&input, &params);
        for k in 0..2 {
            let alone = play_issue(&input, k, &params, &ForecastOptions::default()).expect("plays");
            prop_assert_eq!(forecast.outcome[k], alone.outcome);
            let last = alone.positions.last().expect("positions");
            let final_round = forecast.trajectory.last().expect("rounds");
            for (a, &x) in last.iter().enumerate() {
                prop_assert_eq!(final_round[a][k], x);
            }
        }
    }
}

#[test]
fn agreement_is_a_fixed_point() {
    let actors: Vec<Actor> = (0..4).map(|a| (1.0 + f64::from(a), vec![(0.3, 0.5)])).collect();
    let forecast = run(&input(&actors), &EuParams::default());
    assert_eq!(forecast.rounds(), 1);
    assert_eq!(forecast.stop, Stop::Converged);
    assert_eq!(forecast.outcome, vec![0.3]);
}

#[test]
fn the_round_limit_is_respected() {
    let actors: Vec<Actor> =
        vec![(1.0, vec![(0.0, 0.9)]), (1.0, vec![(0.4, 0.5)]), (2.0, vec![(1.0, 0.6)]), (0.5, vec![(0.7, 0.2)])];
    let input = input(&actors);
    for limit in 0..3 {
        let forecast =
            eu::forecast(&input, &EuParams::default(), &ForecastOptions { max_rounds: Some(limit), seed: 0 })
                .expect("forecasts");
        assert!(forecast.rounds() <= limit);
        if limit == 0 {
            assert_eq!(forecast.stop, Stop::RoundLimit);
            assert_eq!(forecast.trajectory.len(), 1);
        }
    }
}
