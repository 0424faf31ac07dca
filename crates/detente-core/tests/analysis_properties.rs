//! `analyze` against brute force and bargaining theory, on random small
//! scenarios: the frontier is exactly the non-dominated set of the enumerated
//! space, every solution is Pareto-optimal and individually rational and
//! maximises its own objective over all individually rational outcomes, and
//! the ZOPA counts are the counts of acceptable outcomes.

use detente_core::pareto::dominates;
use detente_core::solutions::acceptable;
use detente_core::{
    AnalysisOptions, DistanceShape, EvaluatorSpec, IssueDomain, IssueSpec, OutcomeSpace, PositionSpec, PreferenceSpec,
    Scenario, ScenarioSpec, WeightPolicy, analyze,
};
use indexmap::IndexMap;
use proptest::prelude::*;

fn issue_strategy(k: usize) -> impl Strategy<Value = IssueSpec> {
    prop_oneof![
        (2usize..5, any::<bool>()).prop_map(move |(n, ordered)| IssueSpec {
            id: format!("i{k}"),
            name: None,
            description: String::new(),
            domain: IssueDomain::Discrete { options: (0..n).map(|o| format!("o{o}")).collect(), ordered },
        }),
        (0i64..3, 1i64..4).prop_map(move |(min, span)| IssueSpec {
            id: format!("i{k}"),
            name: None,
            description: String::new(),
            domain: IssueDomain::Integer { min, max: min + span, unit: None },
        }),
        (1u8..4).prop_map(move |steps| IssueSpec {
            id: format!("i{k}"),
            name: None,
            description: String::new(),
            domain: IssueDomain::Continuous { min: 0.0, max: 10.0, unit: None, step: Some(10.0 / f64::from(steps)) },
        }),
    ]
}

/// A preference for `issues`, drawn from `seeds` (one number in [0, 1) per use).
fn preference(issues: &[IssueSpec], spatial: bool, quadratic: bool, seeds: &[f64]) -> PreferenceSpec {
    let mut seed = seeds.iter().copied().cycle();
    let mut next = move || seed.next().unwrap_or(0.5);
    if spatial {
        let mut position = IndexMap::new();
        let mut salience = IndexMap::new();
        for issue in issues {
            let pos = match &issue.domain {
                IssueDomain::Discrete { options, .. } => {
                    PositionSpec::Option(options[(next() * options.len() as f64) as usize % options.len()].clone())
                }
                IssueDomain::Integer { min, max, .. } => {
                    PositionSpec::Value((*min as f64 + next() * (max - min) as f64).round())
                }
                IssueDomain::Continuous { min, max, .. } => PositionSpec::Value(min + next() * (max - min)),
            };
            position.insert(issue.id.clone(), pos);
            // Coarse saliences make ties, the hard case for the frontier.
            salience.insert(issue.id.clone(), (next() * 4.0).floor() + 1.0);
        }
        let shape = if quadratic { DistanceShape::Quadratic } else { DistanceShape::Linear };
        PreferenceSpec::Spatial { shape, position, salience }
    } else {
        let mut weights = IndexMap::new();
        let mut evaluations = IndexMap::new();
        let raw: Vec<f64> = issues.iter().map(|_| (next() * 4.0).floor() + 1.0).collect();
        let total: f64 = raw.iter().sum();
        for (issue, w) in issues.iter().zip(&raw) {
            weights.insert(issue.id.clone(), w / total);
            let eval = match &issue.domain {
                IssueDomain::Discrete { options, .. } => {
                    EvaluatorSpec::Options(options.iter().map(|o| (o.clone(), (next() * 5.0).floor())).collect())
                }
                _ => EvaluatorSpec::Linear { slope: (next() - 0.5) / 5.0, offset: 0.5, clamp: false },
            };
            evaluations.insert(issue.id.clone(), eval);
        }
        PreferenceSpec::LinearAdditive { weights, evaluations }
    }
}

fn scenario_strategy() -> impl Strategy<Value = Scenario> {
    (1usize..4, 2usize..5)
        .prop_flat_map(|(n_issues, n_actors)| {
            let issues: Vec<_> = (0..n_issues).map(issue_strategy).collect();
            (
                issues,
                prop::collection::vec(
                    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), 0.0f64..0.7, 0.0f64..3.0),
                    n_actors,
                ),
                prop::collection::vec(0.0f64..1.0, 16),
            )
        })
        .prop_map(|(issues, actor_draws, seeds)| {
            let actors = actor_draws
                .iter()
                .enumerate()
                .map(|(a, &(spatial, quadratic, at_table, veto, reservation, capability))| {
                    let seeds: Vec<f64> = seeds.iter().map(|s| (s + a as f64 * 0.371).fract()).collect();
                    detente_core::ActorSpec {
                        capability,
                        at_table,
                        veto,
                        reservation: (reservation * 10.0).round() / 10.0,
                        ..detente_core::ActorSpec::new(format!("a{a}"), preference(&issues, spatial, quadratic, &seeds))
                    }
                })
                .collect();
            let spec = ScenarioSpec { name: "random".into(), description: String::new(), source: None, issues, actors };
            Scenario::new(spec, WeightPolicy::Refuse).expect("generated scenarios are valid").0
        })
}

/// Every outcome and its utilities for `actors`.
fn enumerate(s: &Scenario, actors: &[usize]) -> Vec<(Vec<u32>, Vec<f64>)> {
    let space = OutcomeSpace::of(s);
    let n = space.size().expect("small");
    (0..n)
        .map(|i| {
            let o = space.outcome(i);
            let u = actors.iter().map(|&a| s.utility(a, &o)).collect();
            (o, u)
        })
        .collect()
}

fn rational(u: &[f64], d: &[f64]) -> bool {
    u.iter().zip(d).all(|(u, d)| acceptable(*u, *d))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn analysis_agrees_with_brute_force_and_theory(s in scenario_strategy(), subset in any::<bool>()) {
        let actors: Vec<usize> = if subset { vec![0, 1] } else { (0..s.n_actors()).collect() };
        let analysis = analyze(&s, &AnalysisOptions { actors: Some(actors.clone()), ..AnalysisOptions::default() })
            .expect("small spaces are analysed");
        let all = enumerate(&s, &actors);
        prop_assert_eq!(analysis.n_outcomes, all.len() as u128);

        // The frontier is exactly the non-dominated outcomes.
        let mut expected: Vec<Vec<u32>> = all
            .iter()
            .filter(|(_, u)| all.iter().all(|(_, v)| !dominates(v, u)))
            .map(|(o, _)| o.clone())
            .collect();
        let mut got: Vec<Vec<u32>> = analysis.frontier.iter().map(|p| p.outcome.clone()).collect();
        expected.sort();
        got.sort();
        prop_assert_eq!(got, expected);
        for p in &analysis.frontier {
            let direct: Vec<f64> = actors.iter().map(|&a| s.utility(a, &p.outcome)).collect();
            prop_assert_eq!(&p.utilities, &direct);
        }

        // Solutions: Pareto-optimal, individually rational, and optimal for
        // their objective over every individually rational outcome.
        let d: Vec<f64> = actors.iter().map(|&a| s.actors[a].reservation).collect();
        let ir: Vec<&Vec<f64>> = all.iter().map(|(_, u)| u).filter(|u| rational(u, &d)).collect();
        let sol = &analysis.solutions;
        prop_assert_eq!(sol.nash.is_some(), !ir.is_empty());
        let candidates = [&sol.nash, &sol.weighted_nash, &sol.kalai_smorodinsky, &sol.egalitarian, &sol.utilitarian];
        for solution in candidates.into_iter().flatten() {
            let u = &solution.point.utilities;
            prop_assert!(rational(u, &d), "solution {:?} is not individually rational for {:?}", u, d);
            prop_assert!(all.iter().all(|(_, v)| !dominates(v, u)), "solution {:?} is dominated", u);
        }
        let tolerance = 1e-9;
        if let Some(nash) = &sol.nash {
            let product = |u: &Vec<f64>| u.iter().zip(&d).map(|(u, d)| (u - d).max(0.0)).product::<f64>();
            let best = ir.iter().map(|u| product(u)).fold(f64::NEG_INFINITY, f64::max);
            prop_assert!((product(&nash.point.utilities) - best).abs() <= tolerance);
        }
        if let Some(utilitarian) = &sol.utilitarian {
            let best = ir.iter().map(|u| u.iter().sum::<f64>()).fold(f64::NEG_INFINITY, f64::max);
            prop_assert!((utilitarian.point.utilities.iter().sum::<f64>() - best).abs() <= tolerance);
        }
        if let Some(egalitarian) = &sol.egalitarian {
            let min_gain = |u: &Vec<f64>| u.iter().zip(&d).map(|(u, d)| (u - d).max(0.0)).fold(f64::INFINITY, f64::min);
            let best = ir.iter().map(|u| min_gain(u)).fold(f64::NEG_INFINITY, f64::max);
            prop_assert!((min_gain(&egalitarian.point.utilities) - best).abs() <= tolerance);
        }

        // ZOPA sizes: outcomes every member of the group accepts.
        for zopa in [&analysis.zopa_table, &analysis.zopa_veto].map(|z| z.as_ref().expect("counted")) {
            let group = &zopa.actors;
            let accepted = enumerate(&s, group)
                .iter()
                .filter(|(_, u)| u.iter().zip(group).all(|(u, &a)| acceptable(*u, s.actors[a].reservation)))
                .count() as u128;
            prop_assert_eq!(zopa.size, accepted);
        }
    }
}

#[test]
fn nash_point_of_a_known_split() {
    // Two actors split 0..=100 in steps of 10 on one issue, linear utilities,
    // reservation values 0.2 and 0: the product (x/100 − 0.2)·(1 − x/100) peaks at x = 60.
    let spec: ScenarioSpec = serde_json::from_str(
        r#"{
          "name": "split",
          "issues": [{ "id": "x", "kind": "continuous", "min": 0, "max": 100, "step": 10 }],
          "actors": [
            { "id": "a", "reservation": 0.2, "capability": 3,
              "preferences": { "type": "spatial", "position": { "x": 100 }, "salience": { "x": 1 } } },
            { "id": "b", "preferences": { "type": "spatial", "position": { "x": 0 }, "salience": { "x": 1 } } }
          ]
        }"#,
    )
    .expect("valid JSON");
    let (s, _) = Scenario::new(spec, WeightPolicy::Refuse).expect("valid scenario");
    let analysis = analyze(&s, &AnalysisOptions::default()).expect("small");
    let nash = analysis.solutions.nash.expect("a deal beats no deal");
    assert_eq!(nash.point.outcome, vec![6]);
    assert!(nash.ties.is_empty());
    // Capability 3:1 pulls the weighted Nash point towards a: max (x−0.2)^0.75 (1−x)^0.25 at x = 0.8.
    assert_eq!(analysis.solutions.weighted_nash.expect("exists").point.outcome, vec![8]);
    // Egalitarian: max min(x − 0.2, 1 − x) at x = 0.6.
    assert_eq!(analysis.solutions.egalitarian.expect("exists").point.outcome, vec![6]);
    // Every split sums to 1 for these utilities: the utilitarian solution ties across
    // all individually rational splits x ∈ {0.2, …, 1.0}.
    let utilitarian = analysis.solutions.utilitarian.expect("exists");
    assert_eq!(utilitarian.ties.len(), 8);
    // At the table: both; a accepts x ≥ 20, b accepts all: 9 of 11 outcomes.
    assert_eq!(analysis.zopa_table.as_ref().expect("counted").size, 9);
    assert_eq!(analysis.zopa_table.as_ref().expect("counted").blocked_by, vec![2, 0]);
}
