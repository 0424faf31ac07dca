//! `additive_frontier` and `count_acceptable` against brute force, on random
//! small additive scenarios (spatial, linear and quadratic, and linear
//! additive preferences mixed; coarse numbers, so that ties are common): the
//! frontier's utility vectors are exactly the distinct vectors of the
//! enumerated space's frontier, each with the first outcome that has it as
//! witness and the scenario's own utilities, and the counts are the
//! enumeration's.

use detente_core::additive::{AdditiveError, CountLimits, FrontierLimits, additive_frontier, count_acceptable};
use detente_core::pareto::pareto_indices;
use detente_core::solutions::acceptable;
use detente_core::{
    ActorSpec, DistanceShape, EvaluatorSpec, IssueDomain, IssueSpec, OutcomeSpace, PositionSpec, PreferenceSpec,
    Scenario, ScenarioSpec, UtilityTables, WeightPolicy,
};
use indexmap::IndexMap;
use proptest::prelude::*;

/// An issue of 2 to 6 levels.
fn issue_strategy() -> impl Strategy<Value = IssueDomain> {
    prop_oneof![
        (2usize..7, any::<bool>()).prop_map(|(n, ordered)| IssueDomain::Discrete {
            options: (0..n).map(|o| format!("o{o}")).collect(),
            ordered
        }),
        (-2i64..3, 1i64..6).prop_map(|(min, span)| IssueDomain::Integer { min, max: min + span, unit: None }),
        (1u8..6).prop_map(|steps| IssueDomain::Continuous {
            min: 0.0,
            max: 10.0,
            unit: None,
            step: Some(10.0 / f64::from(steps))
        }),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    SpatialLinear,
    SpatialQuadratic,
    LinearAdditive,
}

fn kind_strategy() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::SpatialLinear), Just(Kind::SpatialQuadratic), Just(Kind::LinearAdditive)]
}

/// A preference over `issues` drawn from `seeds` (numbers in [0, 1)). Weights
/// and evaluations take a handful of values, and some weights are zero.
fn preference(issues: &[IssueSpec], kind: Kind, seeds: &[f64]) -> PreferenceSpec {
    let mut seed = seeds.iter().copied().cycle();
    let mut next = move || seed.next().unwrap_or(0.5);
    match kind {
        Kind::SpatialLinear | Kind::SpatialQuadratic => {
            let mut position = IndexMap::new();
            let mut salience = IndexMap::new();
            for (k, issue) in issues.iter().enumerate() {
                let pos = match &issue.domain {
                    IssueDomain::Discrete { options, .. } => {
                        PositionSpec::Option(options[(next() * options.len() as f64) as usize % options.len()].clone())
                    }
                    IssueDomain::Integer { min, max, .. } => {
                        PositionSpec::Value((*min as f64 + next() * (max - min) as f64).round())
                    }
                    IssueDomain::Continuous { min, max, .. } => {
                        PositionSpec::Value(min + (next() * 4.0).round() / 4.0 * (max - min))
                    }
                };
                position.insert(issue.id.clone(), pos);
                // Zero salience on some issues (never all).
                let s = (next() * 4.0).floor();
                salience.insert(issue.id.clone(), if k == 0 { s + 1.0 } else { s });
            }
            let shape =
                if matches!(kind, Kind::SpatialQuadratic) { DistanceShape::Quadratic } else { DistanceShape::Linear };
            PreferenceSpec::Spatial { shape, position, salience }
        }
        Kind::LinearAdditive => {
            let mut weights = IndexMap::new();
            let mut evaluations = IndexMap::new();
            let raw: Vec<f64> =
                issues.iter().enumerate().map(|(k, _)| (next() * 3.0).floor() + f64::from(k == 0)).collect();
            let total: f64 = raw.iter().sum();
            for (issue, w) in issues.iter().zip(&raw) {
                weights.insert(issue.id.clone(), w / total);
                let eval = match &issue.domain {
                    IssueDomain::Discrete { options, .. } => {
                        EvaluatorSpec::Options(options.iter().map(|o| (o.clone(), (next() * 4.0).floor())).collect())
                    }
                    _ => EvaluatorSpec::Linear {
                        slope: ((next() * 5.0).floor() - 2.0) / 20.0,
                        offset: 0.5,
                        clamp: false,
                    },
                };
                evaluations.insert(issue.id.clone(), eval);
            }
            PreferenceSpec::LinearAdditive { weights, evaluations }
        }
    }
}

fn build(domains: &[IssueDomain], kinds: &[Kind], reservations: &[f64], seeds: &[f64]) -> Scenario {
    let issues: Vec<IssueSpec> = domains
        .iter()
        .enumerate()
        .map(|(k, d)| IssueSpec { id: format!("i{k}"), name: None, description: String::new(), domain: d.clone() })
        .collect();
    let actors = kinds
        .iter()
        .zip(reservations)
        .enumerate()
        .map(|(a, (&kind, &reservation))| {
            let seeds: Vec<f64> = seeds.iter().map(|s| (s + a as f64 * 0.371).fract()).collect();
            ActorSpec { reservation, ..ActorSpec::new(format!("a{a}"), preference(&issues, kind, &seeds)) }
        })
        .collect();
    let spec = ScenarioSpec { name: "random".into(), description: String::new(), source: None, issues, actors };
    Scenario::new(spec, WeightPolicy::Normalise).expect("generated scenarios are valid").0
}

/// 2 to 5 issues of 2 to 6 levels, 1 to 4 additive actors with coarse
/// reservation values.
fn scenario_strategy() -> impl Strategy<Value = Scenario> {
    (2usize..6, 1usize..5)
        .prop_flat_map(|(n_issues, n_actors)| {
            (
                prop::collection::vec(issue_strategy(), n_issues),
                prop::collection::vec(kind_strategy(), n_actors),
                prop::collection::vec((0u8..10).prop_map(|r| f64::from(r) / 10.0), n_actors),
                prop::collection::vec(0.0f64..1.0, 24),
            )
        })
        .prop_map(|(domains, kinds, reservations, seeds)| build(&domains, &kinds, &reservations, &seeds))
}

/// Every outcome and its utilities for `actors`, as `analyze` computes them.
fn enumerate(s: &Scenario, actors: &[usize]) -> (Vec<Vec<u32>>, Vec<f64>) {
    let space = OutcomeSpace::of(s);
    let tables = UtilityTables::new(s, &space, actors);
    let n = space.size().expect("small");
    let mut outcomes = Vec::new();
    let mut utilities = vec![0.0; n as usize * actors.len()];
    for (i, row) in utilities.chunks_exact_mut(actors.len()).enumerate() {
        let o = space.outcome(i as u64);
        tables.evaluate(&o, row);
        outcomes.push(o);
    }
    (outcomes, utilities)
}

/// A vector as bits, signed zeros made positive, for exact set comparison.
fn key(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| (x + 0.0).to_bits()).collect()
}

/// Checks the frontier of `actors` against brute force: the same distinct
/// vectors, each with the first outcome that has it.
fn check_frontier(s: &Scenario, actors: &[usize]) -> Result<(), TestCaseError> {
    let space = OutcomeSpace::of(s);
    let dims = actors.len();
    let frontier = additive_frontier(s, &space, actors, &FrontierLimits::default()).expect("small spaces are analysed");
    let (outcomes, all) = enumerate(s, actors);
    let mut expected: Vec<Vec<u64>> =
        pareto_indices(&all, dims).iter().map(|&i| key(&all[i * dims..(i + 1) * dims])).collect();
    expected.sort();
    expected.dedup();
    let mut got: Vec<Vec<u64>> = frontier.iter().map(|p| key(&p.utilities)).collect();
    // Frontier order: decreasing first utility.
    prop_assert!(frontier.windows(2).all(|w| w[0].utilities[0] >= w[1].utilities[0]));
    got.sort();
    prop_assert_eq!(got.len(), frontier.len(), "one witness per distinct vector");
    got.dedup();
    prop_assert_eq!(&got, &expected);
    for p in &frontier {
        let direct: Vec<f64> = actors.iter().map(|&a| s.utility(a, &p.outcome)).collect();
        prop_assert_eq!(&p.utilities, &direct);
        let first = (0..outcomes.len()).find(|&i| key(&all[i * dims..(i + 1) * dims]) == key(&p.utilities));
        prop_assert_eq!(Some(&p.outcome), first.map(|i| &outcomes[i]));
    }
    Ok(())
}

fn check_count(s: &Scenario, actors: &[usize], thresholds: &[f64]) -> Result<(), TestCaseError> {
    let space = OutcomeSpace::of(s);
    let dims = actors.len();
    let got =
        count_acceptable(s, &space, actors, thresholds, &CountLimits::default()).expect("small spaces are counted");
    let (_, all) = enumerate(s, actors);
    let expected = all
        .chunks_exact(dims.max(1))
        .filter(|u| dims == 0 || u.iter().zip(thresholds).all(|(u, d)| acceptable(*u, *d)))
        .count();
    let expected = if dims == 0 { space.size().expect("small") as usize } else { expected };
    prop_assert_eq!(got, expected as u128);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn frontier_is_the_enumerated_frontier(s in scenario_strategy(), subset in any::<bool>()) {
        let actors: Vec<usize> =
            if subset && s.n_actors() > 2 { vec![s.n_actors() - 1, 0] } else { (0..s.n_actors()).collect() };
        check_frontier(&s, &actors)?;
    }

    #[test]
    fn counts_are_the_enumerated_counts(s in scenario_strategy(), subset in 0usize..3) {
        let actors: Vec<usize> = match subset {
            0 => (0..s.n_actors()).collect(),
            1 => vec![s.n_actors() - 1],
            _ => (0..s.n_actors()).rev().take(2).collect(),
        };
        let thresholds: Vec<f64> = actors.iter().map(|&a| s.actors[a].reservation).collect();
        check_count(&s, &actors, &thresholds)?;
    }

    /// Thresholds placed on an outcome's utility plus the acceptance
    /// tolerance: whether that outcome counts is decided by the last bits of
    /// its utility, so the count must evaluate such outcomes as `analyze`
    /// does.
    #[test]
    fn counts_on_the_rounding_border(s in scenario_strategy(), pick in 0.0f64..1.0, two in any::<bool>()) {
        let actors: Vec<usize> = if two && s.n_actors() >= 2 { vec![0, 1] } else { vec![0] };
        let space = OutcomeSpace::of(&s);
        let outcome = space.outcome((pick * space.size().expect("small") as f64) as u64);
        let thresholds: Vec<f64> = actors.iter().map(|&a| s.utility(a, &outcome) + 1e-9).collect();
        check_count(&s, &actors, &thresholds)?;
    }
}

fn scenario(json: &str) -> Scenario {
    let spec: ScenarioSpec = serde_json::from_str(json).expect("valid JSON");
    Scenario::new(spec, WeightPolicy::Refuse).expect("valid scenario").0
}

/// A zero-sum split of a 10¹² range, beside an issue nobody cares about
/// with as many levels again: the frontier is refused at the limit, and the
/// count multiplies by the indifferent issue's levels without tabulating it.
#[test]
fn limits_and_indifferent_issues() {
    let s = scenario(
        r#"{
          "name": "huge",
          "issues": [
            { "id": "x", "kind": "integer", "min": 0, "max": 1000 },
            { "id": "y", "kind": "integer", "min": 0, "max": 999999999999 }
          ],
          "actors": [
            { "id": "a", "reservation": 0.75, "preferences": { "type": "spatial", "position": { "x": 1000 }, "salience": { "x": 1 } } },
            { "id": "b", "reservation": 0.2, "preferences": { "type": "spatial", "position": { "x": 0, "y": 0 }, "salience": { "x": 1, "y": 0 } } }
          ]
        }"#,
    );
    let space = OutcomeSpace::of(&s);
    let frontier = additive_frontier(&s, &space, &[0, 1], &FrontierLimits::default()).expect("the split is small");
    assert_eq!(frontier.len(), 1001);
    assert_eq!(frontier[0].outcome, vec![1000, 0]);
    assert_eq!(frontier[0].utilities, vec![1.0, 0.0]);
    let refused = additive_frontier(&s, &space, &[0, 1], &FrontierLimits { max_points: 1000 });
    assert!(matches!(refused, Err(AdditiveError::FrontierTooLarge { limit: 1000, .. })), "{refused:?}");
    // a accepts x ≥ 750, b accepts x ≤ 800: 51 values of x, times 10¹² of y.
    let count = count_acceptable(&s, &space, &[0, 1], &[0.75, 0.2], &CountLimits::default()).expect("countable");
    assert_eq!(count, 51 * 1_000_000_000_000);
    // Nobody with a threshold of −∞ refuses anything; nobody accepts +∞.
    let everything = count_acceptable(&s, &space, &[0], &[f64::NEG_INFINITY], &CountLimits::default());
    assert_eq!(everything, Ok(1001 * 1_000_000_000_000));
    assert_eq!(count_acceptable(&s, &space, &[0], &[f64::INFINITY], &CountLimits::default()), Ok(0));
}

#[test]
fn refuses_what_it_cannot_do() {
    let s = scenario(
        r#"{
          "name": "mixed",
          "issues": [
            { "id": "x", "kind": "integer", "min": 0, "max": 3 },
            { "id": "z", "kind": "integer", "min": 0, "max": 2000000 }
          ],
          "actors": [
            { "id": "a", "preferences": { "type": "spatial", "position": { "x": 3, "z": 0 }, "salience": { "x": 1, "z": 1 } } },
            { "id": "b", "preferences": { "type": "constraint", "max_utility": 1, "rectangles": [
              { "utility": 1, "bounds": { "x": [0, 1] } } ] } }
          ]
        }"#,
    );
    let space = OutcomeSpace::of(&s);
    let limits = FrontierLimits::default();
    assert_eq!(additive_frontier(&s, &space, &[], &limits), Err(AdditiveError::NoActors));
    assert_eq!(additive_frontier(&s, &space, &[2], &limits), Err(AdditiveError::UnknownActor(2)));
    assert_eq!(additive_frontier(&s, &space, &[0, 1], &limits), Err(AdditiveError::NotAdditive { actor: "b".into() }));
    assert!(matches!(
        additive_frontier(&s, &space, &[0], &limits),
        Err(AdditiveError::TooManyLevels { levels: 2_000_001, .. })
    ));
    let counts = CountLimits::default();
    assert_eq!(
        count_acceptable(&s, &space, &[0], &[0.5, 0.5], &counts),
        Err(AdditiveError::ThresholdCount { actors: 1, thresholds: 2 })
    );
    let half = count_acceptable(&s, &space, &[0], &[0.5], &CountLimits { max_half_outcomes: 1000, ..counts });
    assert!(matches!(half, Err(AdditiveError::TooManyLevels { .. }) | Err(AdditiveError::HalfTooLarge { .. })));
}

/// Three actors are paired one by one, within the pair limit.
#[test]
fn three_actors_are_counted_directly_within_the_limit() {
    let s = scenario(
        r#"{
          "name": "three",
          "issues": [
            { "id": "x", "kind": "integer", "min": 0, "max": 99 },
            { "id": "y", "kind": "integer", "min": 0, "max": 99 }
          ],
          "actors": [
            { "id": "a", "preferences": { "type": "spatial", "position": { "x": 0, "y": 0 }, "salience": { "x": 1, "y": 1 } } },
            { "id": "b", "preferences": { "type": "spatial", "position": { "x": 99, "y": 0 }, "salience": { "x": 1, "y": 1 } } },
            { "id": "c", "preferences": { "type": "spatial", "position": { "x": 0, "y": 99 }, "salience": { "x": 1, "y": 1 } } }
          ]
        }"#,
    );
    let space = OutcomeSpace::of(&s);
    let thresholds = [0.5, 0.5, 0.5];
    let got = count_acceptable(&s, &space, &[0, 1, 2], &thresholds, &CountLimits::default()).expect("10⁴ pairs");
    let expected =
        (0..10_000).map(|i| space.outcome(i)).filter(|o| (0..3).all(|a| acceptable(s.utility(a, o), 0.5))).count()
            as u128;
    assert_eq!(got, expected);
    let refused = count_acceptable(
        &s,
        &space,
        &[0, 1, 2],
        &thresholds,
        &CountLimits { max_pairs: 100, ..CountLimits::default() },
    );
    assert!(matches!(refused, Err(AdditiveError::TooManyPairs { actors: 3, .. })), "{refused:?}");
}
