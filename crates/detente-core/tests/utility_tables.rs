//! `UtilityTables`' incremental walks against the scenario's own utility
//! functions, on random small spaces: every outcome of every range gets the
//! same bits from `evaluate_range` and `evaluate_blocks` as from
//! `Scenario::utility`, whatever the mix of preference kinds and the order of
//! the actors.

use detente_core::{
    ActorSpec, DistanceShape, EvaluatorSpec, HyperRectangleSpec, IssueDomain, IssueSpec, OutcomeSpace, PositionSpec,
    PreferenceSpec, Scenario, ScenarioSpec, UtilityTables, WeightPolicy,
};
use indexmap::IndexMap;
use proptest::prelude::*;

fn domain_strategy() -> impl Strategy<Value = IssueDomain> {
    prop_oneof![
        (-2i64..2, 0i64..6).prop_map(|(min, span)| IssueDomain::Integer { min, max: min + span, unit: None }),
        (1u8..5).prop_map(|steps| IssueDomain::Continuous {
            min: 0.0,
            max: 10.0,
            unit: None,
            step: Some(10.0 / f64::from(steps)),
        }),
        (1usize..5, any::<bool>()).prop_map(|(n, ordered)| IssueDomain::Discrete {
            options: (0..n).map(|o| format!("o{o}")).collect(),
            ordered,
        }),
    ]
}

/// One actor per entry of `kinds` (0, 1: spatial, linear and quadratic; 2:
/// linear-additive; 3: constraint) over `domains`, drawn from `seeds`.
fn scenario(domains: &[IssueDomain], kinds: &[u8], seeds: &[f64]) -> Scenario {
    let mut seed = seeds.iter().copied().cycle();
    let mut next = move || seed.next().unwrap_or(0.5);
    let issues: Vec<IssueSpec> = domains
        .iter()
        .enumerate()
        .map(|(k, d)| IssueSpec { id: format!("i{k}"), name: None, description: String::new(), domain: d.clone() })
        .collect();
    let mut actors = Vec::new();
    for (a, &kind) in kinds.iter().enumerate() {
        let preferences = match kind {
            0 | 1 => {
                let mut position = IndexMap::new();
                let mut salience = IndexMap::new();
                for issue in &issues {
                    let p = match &issue.domain {
                        IssueDomain::Discrete { options, .. } => {
                            PositionSpec::Option(options[(next() * options.len() as f64) as usize].clone())
                        }
                        IssueDomain::Integer { min, max, .. } => {
                            PositionSpec::Value((*min as f64 + next() * (max - min) as f64).round())
                        }
                        IssueDomain::Continuous { min, max, .. } => PositionSpec::Value(min + next() * (max - min)),
                    };
                    position.insert(issue.id.clone(), p);
                    salience.insert(issue.id.clone(), next() * 3.0 + 0.1);
                }
                let shape = if kind == 0 { DistanceShape::Linear } else { DistanceShape::Quadratic };
                PreferenceSpec::Spatial { shape, position, salience }
            }
            2 => {
                let mut weights = IndexMap::new();
                let mut evaluations = IndexMap::new();
                for issue in &issues {
                    weights.insert(issue.id.clone(), next() + 0.01);
                    let evaluation = match &issue.domain {
                        IssueDomain::Discrete { options, .. } => EvaluatorSpec::Options(
                            options.iter().map(|o| (o.clone(), (next() * 7.0).floor())).collect(),
                        ),
                        // Steep enough to leave [0, 1] on wide issues, clamped or not.
                        _ => EvaluatorSpec::Linear { slope: next() - 0.5, offset: next(), clamp: next() < 0.5 },
                    };
                    evaluations.insert(issue.id.clone(), evaluation);
                }
                PreferenceSpec::LinearAdditive { weights, evaluations }
            }
            _ => {
                let rectangles = (0..1 + (next() * 5.0) as usize)
                    .map(|_| {
                        let utility = next() * 10.0 - 3.0;
                        let mut bounds = IndexMap::new();
                        // Rectangles bound numeric issues only.
                        for issue in issues.iter().filter(|i| !matches!(i.domain, IssueDomain::Discrete { .. })) {
                            if next() < 0.5 {
                                let (lo, hi) = (-1.0 + next() * 12.0, -1.0 + next() * 12.0);
                                bounds.insert(issue.id.clone(), [lo.min(hi), lo.max(hi)]);
                            }
                        }
                        HyperRectangleSpec { utility, bounds }
                    })
                    .collect();
                PreferenceSpec::Constraint { max_utility: 1.0 + next() * 9.0, rectangles }
            }
        };
        actors.push(ActorSpec::new(format!("a{a}"), preferences));
    }
    let spec = ScenarioSpec { name: "random".into(), description: String::new(), source: None, issues, actors };
    Scenario::new(spec, WeightPolicy::Normalise).expect("generated scenarios are valid").0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn incremental_walks_give_the_scenarios_utilities(
        domains in prop::collection::vec(domain_strategy(), 1..5),
        kinds in prop::collection::vec(0u8..4, 1..10),
        seeds in prop::collection::vec(0.0f64..1.0, 1..50),
        order_seed in any::<u64>(),
        range in (0.0f64..1.0, 0.0f64..1.0),
    ) {
        let s = scenario(&domains, &kinds, &seeds);
        let space = OutcomeSpace::of(&s);
        let n = space.size().expect("small");
        // The actors in a scrambled order, some left out.
        let mut actors: Vec<usize> = (0..s.n_actors()).collect();
        actors.sort_by_key(|&a| (a as u64).wrapping_mul(order_seed | 1).rotate_left(17));
        actors.truncate(1 + (order_seed % s.n_actors() as u64) as usize);
        let tables = UtilityTables::new(&s, &space, &actors);
        let start = (range.0 * n as f64) as u64;
        let end = start + ((n - start) as f64 * range.1).ceil() as u64;

        let expected: Vec<u64> = (start..end)
            .flat_map(|i| {
                let outcome = space.outcome(i);
                actors.iter().map(|&a| s.utility(a, &outcome).to_bits()).collect::<Vec<_>>()
            })
            .collect();
        let mut one_by_one = vec![0.0; actors.len()];
        let evaluated: Vec<u64> = (start..end)
            .flat_map(|i| {
                tables.evaluate(&space.outcome(i), &mut one_by_one);
                one_by_one.iter().map(|u| u.to_bits()).collect::<Vec<_>>()
            })
            .collect();
        prop_assert_eq!(&evaluated, &expected);

        let mut walked = Vec::new();
        tables.evaluate_range(start, end, |u| {
            assert_eq!(u.len(), actors.len());
            walked.extend(u.iter().map(|u| u.to_bits()));
        });
        prop_assert_eq!(&walked, &expected);

        let mut blocked = Vec::new();
        tables.evaluate_blocks(start, end, |block| {
            assert!(!block.is_empty() && block.len() % actors.len() == 0);
            blocked.extend(block.iter().map(|u| u.to_bits()));
        });
        prop_assert_eq!(&blocked, &expected);
    }
}

#[test]
fn long_ranges_cross_blocks_and_runs() {
    // 3 × 7 × 300 outcomes: runs of 300 cross 256-outcome blocks, and the
    // carry crosses two issues.
    let domains = [
        IssueDomain::Integer { min: 0, max: 2, unit: None },
        IssueDomain::Integer { min: 0, max: 6, unit: None },
        IssueDomain::Integer { min: 0, max: 299, unit: None },
    ];
    for kinds in [vec![0, 1], vec![2, 3, 0], vec![3]] {
        let s = scenario(&domains, &kinds, &[0.3, 0.7, 0.1, 0.9, 0.5, 0.2]);
        let space = OutcomeSpace::of(&s);
        let actors: Vec<usize> = (0..s.n_actors()).rev().collect();
        let tables = UtilityTables::new(&s, &space, &actors);
        for (start, end) in [(0, 6300), (1, 6299), (250, 2000), (299, 301), (6299, 6300)] {
            let mut index = start;
            tables.evaluate_range(start, end, |u| {
                let outcome = space.outcome(index);
                let expected: Vec<f64> = actors.iter().map(|&a| s.utility(a, &outcome)).collect();
                assert_eq!(
                    u.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    expected.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    "outcome {index}"
                );
                index += 1;
            });
            assert_eq!(index, end);
        }
    }
}
