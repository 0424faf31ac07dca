//! `constraint_frontier` against brute force, on random small spaces of
//! constraint (and additive) preferences: its utility vectors are exactly the
//! distinct vectors of the enumerated space's frontier, each with a witness
//! outcome that has them, and a search cut short by its budget reports a gap
//! that really covers the frontier.

use detente_core::constraint::{ConstraintFrontier, SearchBudget, constraint_frontier};
use detente_core::pareto::pareto_indices;
use detente_core::{
    AnalysisOptions, EvaluatorSpec, HyperRectangleSpec, IssueDomain, IssueSpec, OutcomeSpace, PreferenceSpec, Scenario,
    ScenarioSpec, UtilityTables, WeightPolicy, analyze,
};
use indexmap::IndexMap;
use proptest::prelude::*;

fn issue_strategy() -> impl Strategy<Value = IssueDomain> {
    prop_oneof![
        3 => (-2i64..2, 1i64..5).prop_map(|(min, span)| IssueDomain::Integer { min, max: min + span, unit: None }),
        1 => (1u8..5).prop_map(|steps| IssueDomain::Continuous {
            min: 0.0,
            max: 10.0,
            unit: None,
            step: Some(10.0 / f64::from(steps)),
        }),
    ]
}

/// A scenario with `n_constraint` constraint actors and `n_additive` linear
/// additive ones over `domains`, drawn from `seeds`.
fn build(domains: &[IssueDomain], n_constraint: usize, n_additive: usize, seeds: &[f64]) -> Scenario {
    build_with(domains, n_constraint, n_additive, 6, seeds)
}

/// Like `build`, with up to `max_rectangles` rectangles per constraint actor.
fn build_with(
    domains: &[IssueDomain],
    n_constraint: usize,
    n_additive: usize,
    max_rectangles: usize,
    seeds: &[f64],
) -> Scenario {
    let mut seed = seeds.iter().copied().cycle();
    let mut next = move || seed.next().unwrap_or(0.5);
    let issues: Vec<IssueSpec> = domains
        .iter()
        .enumerate()
        .map(|(k, d)| IssueSpec { id: format!("i{k}"), name: None, description: String::new(), domain: d.clone() })
        .collect();
    let mut actors = Vec::new();
    for a in 0..n_constraint {
        let n_rectangles = 1 + (next() * max_rectangles as f64) as usize;
        let mut rectangles = Vec::new();
        for _ in 0..n_rectangles {
            // Mostly positive integer utilities, some negative (GENIUS'
            // EXCLUDES written as a constant plus a negative box).
            let utility = (next() * 14.0).floor() - 4.0;
            let mut bounds = IndexMap::new();
            for issue in &issues {
                if next() < 0.4 {
                    continue;
                }
                let (lo, hi) = match issue.domain {
                    // Bounds on a half-integer grid reaching past the domain.
                    IssueDomain::Integer { min, max, .. } => {
                        let grid = |x: f64| min as f64 - 1.0 + 0.5 * (x * 2.0 * (max - min + 2) as f64).floor();
                        (grid(next()), grid(next()))
                    }
                    _ => (-1.0 + next() * 12.0, -1.0 + next() * 12.0),
                };
                bounds.insert(issue.id.clone(), [lo.min(hi), lo.max(hi)]);
            }
            rectangles.push(HyperRectangleSpec { utility, bounds });
        }
        let max_utility = 1.0 + (next() * 20.0).floor();
        actors.push(actor(format!("c{a}"), PreferenceSpec::Constraint { max_utility, rectangles }));
    }
    for a in 0..n_additive {
        let mut weights = IndexMap::new();
        let mut evaluations = IndexMap::new();
        let raw: Vec<f64> = issues.iter().map(|_| (next() * 4.0).floor()).collect();
        let total: f64 = raw.iter().sum::<f64>().max(1.0);
        for (issue, w) in issues.iter().zip(&raw) {
            weights.insert(issue.id.clone(), if total == 1.0 && *w == 0.0 { 0.0 } else { w / total });
            let slope = ((next() * 5.0).floor() - 2.0) / 10.0;
            evaluations.insert(issue.id.clone(), EvaluatorSpec::Linear { slope, offset: 0.5, clamp: false });
        }
        if raw.iter().all(|w| *w == 0.0) {
            weights.insert(issues[0].id.clone(), 1.0);
        }
        actors.push(actor(format!("l{a}"), PreferenceSpec::LinearAdditive { weights, evaluations }));
    }
    let spec = ScenarioSpec { name: "random".into(), description: String::new(), source: None, issues, actors };
    Scenario::new(spec, WeightPolicy::Normalise).expect("generated scenarios are valid").0
}

fn actor(id: String, preferences: PreferenceSpec) -> detente_core::ActorSpec {
    detente_core::ActorSpec::new(id, preferences)
}

/// The distinct utility vectors of the enumerated space's frontier, in order
/// of decreasing first utility.
fn brute_force(scenario: &Scenario, actors: &[usize]) -> Vec<Vec<f64>> {
    let space = OutcomeSpace::of(scenario);
    let n = space.size().expect("small space");
    let tables = UtilityTables::new(scenario, &space, actors);
    let dims = actors.len();
    let mut utilities = vec![0.0; n as usize * dims];
    for index in 0..n {
        let outcome = space.outcome(index);
        let at = index as usize * dims;
        tables.evaluate(&outcome, &mut utilities[at..at + dims]);
    }
    let mut vectors: Vec<Vec<f64>> =
        pareto_indices(&utilities, dims).into_iter().map(|i| utilities[i * dims..(i + 1) * dims].to_vec()).collect();
    vectors.dedup();
    vectors
}

fn check(scenario: &Scenario, actors: &[usize], tolerance: f64) -> Result<(), TestCaseError> {
    let expected = brute_force(scenario, actors);
    let found = constraint_frontier(scenario, actors, &SearchBudget::default()).expect("valid actors");
    prop_assert!(found.exact);
    prop_assert_eq!(found.epsilon, 0.0);
    check_witnesses(scenario, actors, &found)?;
    let vectors: Vec<Vec<f64>> = found.points.iter().map(|p| p.utilities.clone()).collect();
    if tolerance == 0.0 {
        prop_assert_eq!(&vectors, &expected);
    } else {
        // Sums of non-integer terms: vectors a few ulps apart count as equal,
        // so compare the sets up to `tolerance`: every enumerated frontier
        // vector is matched by a found one, and no found one is beaten.
        for e in &expected {
            let matched = vectors.iter().any(|v| v.iter().zip(e).all(|(x, y)| *x >= y - tolerance));
            prop_assert!(matched, "{:?} unmatched in {:?}", e, vectors);
        }
        for v in &vectors {
            let beaten = expected.iter().any(|e| {
                e.iter().zip(v).all(|(y, x)| *y >= x - tolerance) && e.iter().zip(v).any(|(y, x)| *y > x + tolerance)
            });
            prop_assert!(!beaten, "{:?} is dominated in {:?}", v, expected);
        }
    }

    // Cut short, the search still covers the frontier within its gap.
    for max_nodes in [0, 1, 2, 3, 5, 8, 13, found.nodes / 2] {
        let cut = constraint_frontier(scenario, actors, &SearchBudget { max_nodes }).expect("valid actors");
        check_witnesses(scenario, actors, &cut)?;
        if cut.exact {
            prop_assert_eq!(&cut.points, &found.points);
            continue;
        }
        prop_assert!(cut.epsilon >= 0.0);
        if cut.points.is_empty() {
            prop_assert!(cut.epsilon.is_infinite());
            continue;
        }
        for e in &expected {
            let covered = cut
                .points
                .iter()
                .any(|p| e.iter().zip(&p.utilities).all(|(y, u)| *y <= u + cut.epsilon + tolerance + 1e-12));
            prop_assert!(covered, "{:?} is not within {} of {:?}", e, cut.epsilon, cut.points);
        }
    }
    Ok(())
}

fn check_witnesses(scenario: &Scenario, actors: &[usize], found: &ConstraintFrontier) -> Result<(), TestCaseError> {
    let space = OutcomeSpace::of(scenario);
    for p in &found.points {
        prop_assert_eq!(p.outcome.len(), scenario.n_issues());
        for (level, n) in p.outcome.iter().zip(&space.levels) {
            prop_assert!(u64::from(*level) < *n);
        }
        let own: Vec<f64> = actors.iter().map(|&a| scenario.utility(a, &p.outcome)).collect();
        prop_assert_eq!(&own, &p.utilities);
    }
    Ok(())
}

fn case(n_issues: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = (Vec<IssueDomain>, Vec<f64>)> {
    (prop::collection::vec(issue_strategy(), n_issues), prop::collection::vec(0.0f64..1.0, 97))
}

/// Integer issues of 3 to 5 values, many of them: deeper searches, where
/// pruning by found points and by class dominance does most of its work.
fn larger_case() -> impl Strategy<Value = (Vec<IssueDomain>, Vec<f64>)> {
    let issue = (3i64..6).prop_map(|n| IssueDomain::Integer { min: 0, max: n - 1, unit: None });
    (prop::collection::vec(issue, 5..=6), prop::collection::vec(0.0f64..1.0, 389))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn two_constraint_actors_match_brute_force((domains, seeds) in case(2..=4)) {
        let scenario = build(&domains, 2, 0, &seeds);
        check(&scenario, &[0, 1], 0.0)?;
        check(&scenario, &[1, 0], 0.0)?;
    }

    #[test]
    fn three_constraint_actors_match_brute_force((domains, seeds) in case(2..=4)) {
        let scenario = build(&domains, 3, 0, &seeds);
        check(&scenario, &[0, 1, 2], 0.0)?;
    }

    #[test]
    fn one_constraint_actor_is_its_maximum((domains, seeds) in case(1..=4)) {
        let scenario = build(&domains, 1, 0, &seeds);
        check(&scenario, &[0], 0.0)?;
    }

    #[test]
    fn constraint_and_additive_actors_match_brute_force((domains, seeds) in case(2..=4)) {
        let scenario = build(&domains, 1, 2, &seeds);
        check(&scenario, &[0, 1], 1e-9)?;
        check(&scenario, &[2, 0, 1], 1e-9)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn larger_spaces_match_brute_force((domains, seeds) in larger_case()) {
        let scenario = build_with(&domains, 2, 0, 16, &seeds);
        check(&scenario, &[0, 1], 0.0)?;
        let scenario = build_with(&domains, 3, 0, 10, &seeds);
        check(&scenario, &[0, 1, 2], 0.0)?;
    }
}

/// GENIUS' shape: issues of ten integer values, rectangles on one to four of
/// them with utilities 1–100, and a `max_utility` below the best sum.
fn genius_like(n_issues: usize, n_actors: usize, seeds: &[u32]) -> Scenario {
    let mut seed = seeds.iter().copied().cycle();
    let mut next = move |n: u32| seed.next().unwrap_or(0) % n;
    let issues: Vec<IssueSpec> = (0..n_issues)
        .map(|k| IssueSpec {
            id: format!("i{k}"),
            name: None,
            description: String::new(),
            domain: IssueDomain::Integer { min: 0, max: 9, unit: None },
        })
        .collect();
    let mut actors = Vec::new();
    for a in 0..n_actors {
        let mut rectangles = Vec::new();
        for _ in 0..15 {
            let arity = 1 + next(4) as usize;
            let mut bounds = IndexMap::new();
            while bounds.len() < arity {
                let lo = next(10);
                let hi = lo + next(10 - lo);
                bounds.insert(format!("i{}", next(n_issues as u32)), [f64::from(lo), f64::from(hi)]);
            }
            rectangles.push(HyperRectangleSpec { utility: f64::from(1 + next(100)), bounds });
        }
        actors.push(actor(format!("a{a}"), PreferenceSpec::Constraint { max_utility: 400.0, rectangles }));
    }
    let spec = ScenarioSpec { name: "genius-like".into(), description: String::new(), source: None, issues, actors };
    Scenario::new(spec, WeightPolicy::Refuse).expect("generated scenarios are valid").0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    /// A hundred thousand outcomes, enumerated by `analyze` itself.
    #[test]
    fn genius_like_spaces_match_analyze(seeds in prop::collection::vec(any::<u32>(), 211), n_actors in 2usize..=3) {
        let scenario = genius_like(5, n_actors, &seeds);
        let actors: Vec<usize> = (0..n_actors).collect();
        let found = constraint_frontier(&scenario, &actors, &SearchBudget::default()).expect("valid actors");
        prop_assert!(found.exact);
        let analysis = analyze(&scenario, &AnalysisOptions::default()).expect("a hundred thousand outcomes");
        let mut expected: Vec<Vec<f64>> = analysis.frontier.iter().map(|p| p.utilities.clone()).collect();
        expected.dedup();
        let vectors: Vec<Vec<f64>> = found.points.iter().map(|p| p.utilities.clone()).collect();
        prop_assert_eq!(vectors, expected);
    }
}
