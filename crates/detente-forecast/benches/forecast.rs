//! The forecasting models, run by hand: `cargo bench -p detente-forecast`.
//!
//! - `one_issue_100_actors`: one whole forecast of every model with 100
//!   random actors on one issue (the target for EU and SMP: under 10 ms).
//! - `smp`: KTAB's SMP (every round until KTAB's stopping rule) with 100
//!   random actors on one issue, 40 on three issues, and KTAB's own one-issue
//!   tables of 80 and 160 actors (`testdata/ktab/dummyData-a080.csv`, `-a160.csv`).
//! - `sensitivity_seed_case_10k`: 10,000 Monte Carlo runs of the seed case
//!   (5 actors, 9 issues), tornado included, per model (the target: under
//!   5 s with every model).
//!
//! Inputs are built or read once, outside the timed code; random ones from
//! a fixed seed. Each case prints its number of rounds first: the work is about
//! rounds × actors² × (targets an actor must try).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use std::sync::atomic::AtomicBool;

use detente_forecast::sensitivity::{self, SensitivityOptions};
use detente_forecast::smp::{self, SmpParams};
use detente_forecast::{ForecastOptions, Model, forecast};
#[path = "../tests/common/inputs.rs"]
mod inputs;

use inputs::{ktab_table, random_input, seed_case};

fn bench_smp(c: &mut Criterion) {
    let params = SmpParams::default();
    let options = ForecastOptions::default();
    let mut group = c.benchmark_group("smp");
    group.sample_size(20);
    let cases = [
        ("100 actors, 1 issue", random_input(100, 1, 1)),
        ("40 actors, 3 issues", random_input(40, 3, 2)),
        ("KTAB dummyData-a080, 80 actors, 1 issue", ktab_table("dummyData-a080.csv")),
        ("KTAB dummyData-a160, 160 actors, 1 issue", ktab_table("dummyData-a160.csv")),
    ];
    for (name, input) in cases {
        let f = smp::forecast(&input, &params, &options).expect("forecast");
        eprintln!("smp/{name}: {} rounds, stop {:?}", f.rounds(), f.stop);
        group.bench_function(name, |b| {
            b.iter(|| smp::forecast(black_box(&input), &params, &options).expect("forecast"))
        });
    }
    group.finish();
}

fn every_model() -> Vec<Model> {
    vec![
        Model::Compromise,
        Model::Median,
        Model::Nash { weighted: false },
        Model::Nash { weighted: true },
        Model::ExpectedUtility(Default::default()),
        Model::Smp(Default::default()),
    ]
}

fn bench_one_issue(c: &mut Criterion) {
    let input = random_input(100, 1, 1);
    let options = ForecastOptions::default();
    let mut group = c.benchmark_group("one_issue_100_actors");
    group.sample_size(20);
    for model in every_model() {
        group.bench_function(model.name(), |b| {
            b.iter(|| forecast(black_box(&input), &model, &options).expect("forecast"))
        });
    }
    group.finish();
}

fn bench_sensitivity(c: &mut Criterion) {
    let input = seed_case();
    let options = SensitivityOptions { runs: 10_000, seed: 7, ..SensitivityOptions::default() };
    let cancel = AtomicBool::new(false);
    let mut group = c.benchmark_group("sensitivity_seed_case_10k");
    group.sample_size(10);
    for model in every_model() {
        group.bench_function(model.name(), |b| {
            b.iter(|| {
                sensitivity::run(&input, &model, &ForecastOptions::default(), &options, &|_| {}, &cancel)
                    .expect("sensitivity")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_one_issue, bench_smp, bench_sensitivity);
criterion_main!(benches);
