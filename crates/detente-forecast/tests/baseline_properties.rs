//! Properties of the closed-form baselines that the theory guarantees, and
//! worked examples of the Nash bargaining solution.

mod common;

use detente_forecast::{Forecast, ForecastError, ForecastOptions, Input, Model, Stop, forecast};
use proptest::prelude::*;

use common::tuples::{Actor, input};

const MODELS: [Model; 4] =
    [Model::Compromise, Model::Median, Model::Nash { weighted: false }, Model::Nash { weighted: true }];

fn run(input: &Input, model: &Model) -> Forecast {
    forecast(input, model, &ForecastOptions::default()).expect("forecasts")
}

/// Capabilities may be zero; saliences may be zero; at least one actor has
/// weight on every issue.
fn actors(n_issues: usize) -> impl Strategy<Value = Vec<Actor>> {
    prop::collection::vec(
        (
            prop_oneof![1 => Just(0.0), 4 => 0.01..10.0f64],
            prop::collection::vec((0.0..=1.0f64, prop_oneof![1 => Just(0.0), 4 => 0.01..=1.0f64]), n_issues),
        ),
        1..10,
    )
    .prop_filter("every issue needs an actor with weight", move |actors| {
        (0..n_issues).all(|k| actors.iter().any(|(c, p)| c * p[k].1 > 0.0))
    })
}

/// The positions of the actors with weight on issue k.
fn weighted_positions(actors: &[Actor], k: usize) -> impl Iterator<Item = f64> + '_ {
    actors.iter().filter(move |(c, p)| c * p[k].1 > 0.0).map(move |(_, p)| p[k].0)
}

/// The Nash objective Σ wᵢ ln(Mᵢ − |x − xᵢ|) of the parties with weight.
fn nash_objective(actors: &[Actor], k: usize, weighted: bool, x: f64) -> f64 {
    actors
        .iter()
        .filter(|(c, p)| c * p[k].1 > 0.0)
        .map(|(c, p)| {
            let (xi, s) = p[k];
            let w = if weighted { c * s } else { 1.0 };
            w * (xi.max(1.0 - xi) - (x - xi).abs()).ln()
        })
        .sum()
}

proptest! {
    #[test]
    fn forecasts_lie_within_the_weighted_positions(actors in actors(2)) {
        let input = input(&actors);
        for model in &MODELS {
            let f = run(&input, model);
            prop_assert_eq!(f.stop, Stop::ClosedForm);
            for k in 0..2 {
                let lo = weighted_positions(&actors, k).fold(f64::INFINITY, f64::min);
                let hi = weighted_positions(&actors, k).fold(f64::NEG_INFINITY, f64::max);
                prop_assert!(f.outcome[k] >= lo - 1e-12 && f.outcome[k] <= hi + 1e-12,
                    "{}: {} outside [{}, {}]", model.name(), f.outcome[k], lo, hi);
            }
        }
    }

    #[test]
    fn permuting_actors_changes_nothing(actors in actors(2), seed in any::<u64>()) {
        let mut permuted = actors.clone();
        let mut state = seed;
        for i in (1..permuted.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            permuted.swap(i, (state >> 33) as usize % (i + 1));
        }
        for model in &MODELS {
            let (a, b) = (run(&input(&actors), model), run(&input(&permuted), model));
            for (x, y) in a.outcome.iter().zip(&b.outcome) {
                prop_assert!((x - y).abs() < 1e-12, "{}: {} vs {}", model.name(), x, y);
            }
        }
    }

    #[test]
    fn scaling_capabilities_changes_nothing(actors in actors(2), factor in 0.001..1000.0f64) {
        let scaled: Vec<Actor> = actors.iter().map(|(c, p)| (c * factor, p.clone())).collect();
        for model in &MODELS {
            let (a, b) = (run(&input(&actors), model), run(&input(&scaled), model));
            for (x, y) in a.outcome.iter().zip(&b.outcome) {
                prop_assert!((x - y).abs() < 1e-12, "{}: {} vs {}", model.name(), x, y);
            }
        }
    }

    #[test]
    fn an_actor_with_all_the_capability_gets_its_position(actors in actors(2), who in any::<prop::sample::Index>()) {
        let dictator = who.index(actors.len());
        let alone: Vec<Actor> = actors
            .iter()
            .enumerate()
            .map(|(a, (c, p))| (if a == dictator { c.max(0.5) } else { 0.0 }, p.clone()))
            .map(|(c, p)| (c, p.into_iter().map(|(x, s)| (x, s.max(0.01))).collect()))
            .collect();
        let input = input(&alone);
        for model in &MODELS {
            let f = run(&input, model);
            for k in 0..2 {
                // w·x / w may differ from x in the last bit.
                let own = alone[dictator].1[k].0;
                prop_assert!((f.outcome[k] - own).abs() <= 1e-15, "{}: {} vs {}", model.name(), f.outcome[k], own);
            }
        }
    }

    /// Nash is individually rational (every party gains over its worst point,
    /// which here holds on the whole scale, so the test is that no gain is
    /// negative), Pareto-optimal on the scale (between the extreme parties,
    /// above) and the maximiser of the Nash product: no point of a fine grid
    /// does better.
    #[test]
    fn nash_maximises_the_nash_product(actors in actors(1)) {
        let input = input(&actors);
        for weighted in [false, true] {
            let x = run(&input, &Model::Nash { weighted }).outcome[0];
            for (c, p) in &actors {
                let (xi, s) = p[0];
                if c * s > 0.0 {
                    prop_assert!(xi.max(1.0 - xi) - (x - xi).abs() >= 0.0);
                }
            }
            let best = nash_objective(&actors, 0, weighted, x);
            for g in 0..=2000 {
                let y = f64::from(g) / 2000.0;
                prop_assert!(nash_objective(&actors, 0, weighted, y) <= best + 1e-9,
                    "weighted {}: {} beats {}", weighted, y, x);
            }
        }
    }

    #[test]
    fn median_halves_the_weight(actors in actors(1)) {
        let x = run(&input(&actors), &Model::Median).outcome[0];
        let total: f64 = actors.iter().map(|(c, p)| c * p[0].1).sum();
        let below: f64 = actors.iter().filter(|(_, p)| p[0].0 < x).map(|(c, p)| c * p[0].1).sum();
        let above: f64 = actors.iter().filter(|(_, p)| p[0].0 > x).map(|(c, p)| c * p[0].1).sum();
        prop_assert!(below <= total / 2.0 * (1.0 + 1e-12));
        prop_assert!(above <= total / 2.0 * (1.0 + 1e-12));
    }
}

fn nash_of(actors: &[Actor], weighted: bool) -> f64 {
    run(&input(actors), &Model::Nash { weighted }).outcome[0]
}

fn assert_close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-12, "{actual} != {expected}");
}

#[test]
fn nash_worked_examples() {
    // Parties at 0.2 and 0.7 gain 1 − x and x between them (worst points 1
    // and 0): the plain solution maximises x(1 − x), so x = ½ …
    let two = [(1.0, vec![(0.2, 1.0)]), (2.0, vec![(0.7, 1.0)])];
    assert_close(nash_of(&two, false), 0.5);
    // … and with weights 1 and 2, x²(1 − x): 2/x = 1/(1 − x), x = ⅔.
    assert_close(nash_of(&two, true), 2.0 / 3.0);
    // Parties at 0.1 and 0.3 gain 1 − x and 0.4 + x: the unconstrained
    // maximiser 0.3 is the second party's position.
    let near = [(1.0, vec![(0.1, 1.0)]), (1.0, vec![(0.3, 1.0)])];
    assert_close(nash_of(&near, false), 0.3);
    // Three parties at 0, ½, 1 with equal weight: symmetric, so ½.
    let three = [(1.0, vec![(0.0, 1.0)]), (1.0, vec![(0.5, 1.0)]), (1.0, vec![(1.0, 1.0)])];
    assert_close(nash_of(&three, false), 0.5);
    // Weights 3, 1 at 0 and 1 (gains 1 − x and x): 3/(1 − x) = 1/x, x = ¼.
    let skewed = [(3.0, vec![(0.0, 1.0)]), (1.0, vec![(1.0, 1.0)])];
    assert_close(nash_of(&skewed, true), 0.25);
    assert_close(nash_of(&skewed, false), 0.5);
    // An actor without salience is no party: the other's position.
    let one = [(5.0, vec![(0.9, 0.0)]), (1.0, vec![(0.35, 0.4)])];
    assert_close(nash_of(&one, false), 0.35);
}

#[test]
fn nash_names_and_errors() {
    let two = [(1.0, vec![(0.2, 1.0)]), (2.0, vec![(0.7, 1.0)])];
    assert_eq!(run(&input(&two), &Model::Nash { weighted: false }).model, "nash");
    assert_eq!(run(&input(&two), &Model::Nash { weighted: true }).model, "weighted-nash");
    let nobody = [(0.0, vec![(0.2, 1.0)]), (1.0, vec![(0.7, 0.0)])];
    for model in &MODELS {
        assert!(matches!(
            forecast(&input(&nobody), model, &ForecastOptions::default()),
            Err(ForecastError::NoWeight { .. })
        ));
    }
}
