//! Detente's analyses, grouped by the size of the outcome space and by the
//! number of actors. Run by hand (`cargo bench -p detente-bench`), not in CI;
//! the whole suite takes a few minutes on two cores.
//!
//! Every group takes ten samples: the large cases run for seconds each, and
//! criterion's default hundred samples would make the suite take an hour.
//! Scenarios are loaded or built once, outside the timed code.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime};
use detente_bench::{genius, linear_additive, spatial, zero_sum};
use detente_core::additive::{FrontierLimits, additive_frontier};
use detente_core::constraint::{SearchBudget, constraint_frontier};
use detente_core::{AnalysisOptions, OutcomeSpace, Scenario, UtilityTables, analyze};

/// Frontier, solutions and ZOPAs of an enumerable space: `detente analyze`.
fn bench_analyze(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, scenario: &Scenario) {
    let options = AnalysisOptions::default();
    group.bench_function(name, |b| b.iter(|| analyze(black_box(scenario), &options).expect("analyses")));
}

/// A pure evaluation pass, the floor under any exact enumeration: the
/// utility tables are built, every outcome's utilities are computed by the
/// same block evaluator `analyze` uses, and only summed (so the work cannot
/// be optimised away). No frontier, solutions or ZOPA counts. `threads`
/// splits the index range into that many contiguous parts on scoped threads,
/// as `analyze` spreads its chunks over rayon's pool.
fn evaluate_only(scenario: &Scenario, threads: usize) -> f64 {
    let space = OutcomeSpace::of(scenario);
    let actors: Vec<usize> = (0..scenario.n_actors()).collect();
    let tables = UtilityTables::new(scenario, &space, &actors);
    let n = space.size().expect("an enumerable space");
    let part = n.div_ceil(threads as u64);
    let sum_range = |start: u64, end: u64| {
        let mut sum = 0.0;
        tables.evaluate_blocks(start, end, |block| sum += block.iter().sum::<f64>());
        sum
    };
    if threads == 1 {
        return sum_range(0, n);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads as u64)
            .map(|t| {
                let sum_range = &sum_range;
                scope.spawn(move || sum_range((t * part).min(n), ((t + 1) * part).min(n)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("evaluates")).sum()
    })
}

fn group<'a>(c: &'a mut Criterion, name: &str, measurement_secs: u64) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(measurement_secs));
    group
}

/// GENIUS scenarios of 27 to 1.9 million outcomes, two actors each.
fn genius_by_size(c: &mut Criterion) {
    for (group_name, folder, secs) in [
        ("outcomes_27", "Laptop", 1),
        ("outcomes_3.6k", "Camera", 1),
        ("outcomes_188k", "Travel", 3),
        ("outcomes_390k", "Energy", 3),
        ("outcomes_1.9M", "AMPOvsCity", 5),
    ] {
        let scenario = genius(folder);
        let mut g = group(c, group_name, secs);
        bench_analyze(&mut g, &format!("{folder}/analyze"), &scenario);
        if folder == "AMPOvsCity" {
            // The floor for `analyze` on the largest GENIUS space: evaluating
            // every outcome and nothing else, on as many threads as rayon's
            // pool has and on one.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            g.bench_function(format!("{folder}/evaluate_only_{threads}_threads"), |b| {
                b.iter(|| evaluate_only(black_box(&scenario), threads))
            });
            g.bench_function(format!("{folder}/evaluate_only_1_thread"), |b| {
                b.iter(|| evaluate_only(black_box(&scenario), 1))
            });
        }
        g.finish();
    }
}

/// Zero-sum spaces where every outcome is on the frontier: the frontier is as
/// large as the space, the worst case for frontier merging and solutions.
fn zero_sum_by_size(c: &mut Criterion) {
    for (group_name, n_values, secs) in [("outcomes_125k", 50, 3), ("outcomes_1M", 100, 10)] {
        let scenario = zero_sum(3, n_values);
        let mut g = group(c, group_name, secs);
        bench_analyze(&mut g, &format!("zero_sum_3x{n_values}/analyze"), &scenario);
        g.finish();
    }
}

/// 10¹⁰ outcomes: beyond enumeration. The nonlinear (constraint-based) ANAC
/// 2014 domain is searched by branch and bound; the linear-additive 10 × 10
/// space by merging per-issue frontiers (`detente_core::additive`). Each is
/// measured twice: the frontier search alone, and `analyze` as `detente
/// analyze` runs it (frontier, solutions, and for the additive space the
/// exact ZOPA counts).
fn beyond_enumeration(c: &mut Criterion) {
    let nonlinear = genius("10issues");
    let mut g = group(c, "outcomes_1e10", 3);
    bench_analyze(&mut g, "10issues_nonlinear/analyze", &nonlinear);
    let budget = SearchBudget::default();
    g.bench_function("10issues_nonlinear/constraint_frontier", |b| {
        b.iter(|| {
            let frontier = constraint_frontier(black_box(&nonlinear), &[0, 1], &budget).expect("searches");
            assert!(frontier.exact);
            frontier
        })
    });
    let linear = linear_additive(10, 10, 2);
    let space = OutcomeSpace::of(&linear);
    assert_eq!(space.size(), Some(10_000_000_000));
    let limits = FrontierLimits::default();
    g.bench_function("linear_additive_10x10/additive_frontier", |b| {
        b.iter(|| additive_frontier(black_box(&linear), &space, &[0, 1], &limits).expect("merges"))
    });
    bench_analyze(&mut g, "linear_additive_10x10/analyze", &linear);
    g.finish();
}

/// Two actors are every group above; these add 3, 6, 9 and 10 actors, where
/// the frontier is found by a multi-dimensional skyline instead of a sweep.
fn by_actors(c: &mut Criterion) {
    let mut g = group(c, "actors", 3);
    bench_analyze(&mut g, "3_spatial_3x41", &spatial(3, 3, 41));
    bench_analyze(&mut g, "6_genius_Domain4", &genius("Domain4"));
    bench_analyze(&mut g, "9_genius_group1-university", &genius("group1-university"));
    bench_analyze(&mut g, "10_spatial_3x21", &spatial(10, 3, 21));
    g.finish();
}

criterion_group!(benches, genius_by_size, zero_sum_by_size, beyond_enumeration, by_actors);
criterion_main!(benches);
