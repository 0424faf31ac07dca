//! The exact Pareto frontier and a ZOPA count of 10¹⁰-outcome linear-additive
//! scenarios (ten issues of ten values), without enumerating them.
//!
//! ```sh
//! cargo run --release -p detente-core --example additive_scale            # every case
//! /usr/bin/time -v target/release/examples/additive_scale 3               # peak memory, 3 actors only
//! /usr/bin/time -v target/release/examples/additive_scale zero-sum        # the zero-sum case
//! cargo run --release -p detente-core --example additive_scale check      # 10⁷ outcomes against `analyze`
//! ```
//!
//! The weights and evaluations are pseudo-random but fixed (a xorshift
//! generator with a fixed seed), GENIUS style: an integer evaluation from 1 to
//! 100 per value, divided by the issue's largest. Two kinds of scenario:
//! *independent* evaluations, drawn separately for each actor (their
//! interests mostly coincide, so the frontier is small), and *opposed* ones:
//! each value sits at a random angle φ on a circle and actor `a` of `n`
//! evaluates it by `1 + 99·(1 + cos(φ − 2πa/n))/2`, so that what one actor
//! likes another dislikes, and the frontier is large. A third, *zero-sum*
//! scenario gives the second actor `1 − e` where the first has `e` (same
//! weights, evaluations taken as written): every outcome is efficient. With
//! evaluations rounded to hundredths there are only some 20,000 distinct
//! sums; with evaluations not rounded (*zero-sum-fine*) there are billions,
//! and the frontier is refused at the default limit.

#![allow(clippy::print_stdout, reason = "an example reports what it measured")]

use std::time::Instant;

use detente_core::additive::{CountLimits, FrontierLimits, additive_frontier, count_acceptable};
use detente_core::{
    ActorSpec, AnalysisOptions, EvaluatorSpec, IssueDomain, IssueSpec, OutcomeSpace, PreferenceSpec, Scenario,
    ScenarioSpec, WeightPolicy, analyze,
};

const VALUES: usize = 10;

/// xorshift64*: deterministic numbers in [0, 1).
struct Numbers(u64);

impl Numbers {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Independent,
    Opposed,
    ZeroSum,
    /// Zero-sum with evaluations not rounded: billions of distinct sums.
    ZeroSumFine,
}

fn scenario(n_issues: usize, n_actors: usize, kind: Kind, seed: u64) -> Scenario {
    let mut numbers = Numbers(seed);
    let angles: Vec<Vec<f64>> =
        (0..n_issues).map(|_| (0..VALUES).map(|_| numbers.next() * std::f64::consts::TAU).collect()).collect();
    let issues: Vec<IssueSpec> = (0..n_issues)
        .map(|i| IssueSpec {
            id: format!("issue{i}"),
            name: None,
            description: String::new(),
            domain: IssueDomain::Discrete { options: (0..VALUES).map(|v| format!("v{v}")).collect(), ordered: false },
        })
        .collect();
    let actors = (0..n_actors)
        .map(|a| {
            let zero_sum = matches!(kind, Kind::ZeroSum | Kind::ZeroSumFine);
            let raw: Vec<f64> = if zero_sum {
                (0..n_issues).map(|i| 1.0 + i as f64 / 7.0).collect()
            } else {
                (0..n_issues).map(|_| 0.05 + numbers.next()).collect()
            };
            let total: f64 = raw.iter().sum();
            let weights = issues.iter().zip(&raw).map(|(issue, w)| (issue.id.clone(), w / total)).collect();
            let evaluations = issues
                .iter()
                .enumerate()
                .map(|(i, issue)| {
                    let values = (0..VALUES).map(|v| {
                        let phase = std::f64::consts::TAU * a as f64 / n_actors as f64;
                        let eval = match kind {
                            Kind::Independent => 1.0 + (numbers.next() * 100.0).floor(),
                            Kind::Opposed => 1.0 + (99.0 * (1.0 + (angles[i][v] - phase).cos()) / 2.0).round(),
                            Kind::ZeroSum | Kind::ZeroSumFine => {
                                let e = angles[i][v] / std::f64::consts::TAU;
                                let e = if kind == Kind::ZeroSum { (e * 100.0).round() / 100.0 } else { e };
                                if a == 0 { e } else { 1.0 - e }
                            }
                        };
                        (format!("v{v}"), eval)
                    });
                    let evaluation = if zero_sum {
                        EvaluatorSpec::Utilities(values.collect())
                    } else {
                        EvaluatorSpec::Options(values.collect())
                    };
                    (issue.id.clone(), evaluation)
                })
                .collect();
            ActorSpec {
                reservation: 0.6,
                ..ActorSpec::new(format!("actor{a}"), PreferenceSpec::LinearAdditive { weights, evaluations })
            }
        })
        .collect();
    let spec = ScenarioSpec {
        name: format!("{n_actors} actors, 10^10, {kind:?}"),
        description: String::new(),
        source: None,
        issues,
        actors,
    };
    Scenario::new(spec, WeightPolicy::Normalise).expect("a valid scenario").0
}

fn main() {
    let cases: Vec<(usize, Kind)> = match std::env::args().nth(1).as_deref() {
        Some("check") => return check(),
        Some("zero-sum") => vec![(2, Kind::ZeroSum), (2, Kind::ZeroSumFine)],
        Some(n) => {
            let n = n.parse().expect("a number of actors or `zero-sum`");
            vec![(n, Kind::Independent), (n, Kind::Opposed)]
        }
        None => vec![
            (2, Kind::Independent),
            (2, Kind::Opposed),
            (3, Kind::Independent),
            (3, Kind::Opposed),
            (2, Kind::ZeroSum),
            (2, Kind::ZeroSumFine),
        ],
    };
    for (n_actors, kind) in cases {
        let s = scenario(10, n_actors, kind, 0x9e37_79b9_7f4a_7c15);
        let space = OutcomeSpace::of(&s);
        let actors: Vec<usize> = (0..n_actors).collect();
        let start = Instant::now();
        let frontier = additive_frontier(&s, &space, &actors, &FrontierLimits::default());
        let elapsed = start.elapsed().as_secs_f64() * 1e3;
        let size = space.approximate_size();
        let frontier = match frontier {
            Ok(frontier) => frontier,
            Err(refused) => {
                println!("{n_actors} actors, {kind:?}, {size:.0e} outcomes: refused after {elapsed:.1} ms: {refused}");
                continue;
            }
        };
        println!(
            "{n_actors} actors, {kind:?}, {size:.0e} outcomes: {} frontier points in {elapsed:.1} ms",
            frontier.len()
        );
        let first = &frontier[0];
        println!("  first point {:?} utilities {:?}", first.outcome, first.utilities);
        let reservations: Vec<f64> = actors.iter().map(|&a| s.actors[a].reservation).collect();
        for group in [&actors[..1], &actors[..2]] {
            let start = Instant::now();
            let count = count_acceptable(&s, &space, group, &reservations[..group.len()], &CountLimits::default())
                .expect("a count");
            println!(
                "  outcomes actors {group:?} accept (u ≥ 0.6): {count} in {:.1} ms",
                start.elapsed().as_secs_f64() * 1e3
            );
        }
    }
}

/// Seven issues (10⁷ outcomes), small enough for `analyze` to enumerate: the
/// same distinct frontier vectors with the same first witnesses, and the same
/// ZOPA counts.
fn check() {
    for (n_actors, kind) in [(2, Kind::Independent), (2, Kind::Opposed), (3, Kind::Opposed), (2, Kind::ZeroSum)] {
        let s = scenario(7, n_actors, kind, 0x9e37_79b9_7f4a_7c15);
        let space = OutcomeSpace::of(&s);
        let actors: Vec<usize> = (0..n_actors).collect();
        let start = Instant::now();
        let analysis = analyze(&s, &AnalysisOptions { actors: Some(actors.clone()), ..AnalysisOptions::default() })
            .expect("10⁷ outcomes are enumerated");
        let enumerated = start.elapsed().as_secs_f64() * 1e3;
        let start = Instant::now();
        let frontier = additive_frontier(&s, &space, &actors, &FrontierLimits::default()).expect("a frontier");
        let structured = start.elapsed().as_secs_f64() * 1e3;
        let mut expected = analysis.frontier.clone();
        expected.dedup_by(|later, earlier| later.utilities == earlier.utilities);
        assert_eq!(frontier, expected, "{n_actors} actors, {kind:?}");
        let reservations: Vec<f64> = actors.iter().map(|&a| s.actors[a].reservation).collect();
        let count = count_acceptable(&s, &space, &actors, &reservations, &CountLimits::default());
        match count {
            Ok(count) => assert_eq!(
                count,
                analysis.zopa_table.as_ref().expect("enumerated").size,
                "{n_actors} actors, {kind:?}: ZOPA"
            ),
            Err(refused) => println!("  ZOPA of {n_actors} actors not counted: {refused}"),
        }
        println!(
            "{n_actors} actors, {kind:?}, 10^7 outcomes: {} frontier vectors ({} outcomes) as analyze finds them; \
             analyze {enumerated:.0} ms, additive frontier {structured:.1} ms",
            frontier.len(),
            analysis.frontier.len()
        );
    }
}
