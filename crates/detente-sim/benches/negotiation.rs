//! One alternating-offers negotiation (100 rounds) on GENIUS scenarios, per
//! step. Run by hand: `cargo bench -p detente-sim --bench negotiation`.
//!
//! The arena (the enumerated space, sorted per party) is built once, outside
//! the timed code, as a tournament shares it; the negotiators are built in
//! it. Each benchmark's throughput is the negotiation's number of rounds
//! (NegMAS' steps: one action by each party), so criterion's `thrpt` is
//! rounds per second and its inverse the time per step; the id names the
//! rounds the negotiation takes.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use detente_core::{Scenario, WeightPolicy};
use detente_formats::genius::{InputFile, load_genius};
use detente_sim::{Arena, Deadline, Negotiator, Protocol, negotiate, strategies};

const ROUNDS: u32 = 100;

fn genius(name: &str) -> Scenario {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/genius").join(name);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("a bundled GENIUS folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    paths.sort();
    let files: Vec<(String, String)> =
        paths.iter().map(|p| (p.display().to_string(), std::fs::read_to_string(p).expect("readable"))).collect();
    let inputs: Vec<InputFile<'_>> = files.iter().map(|(name, text)| InputFile { name, text }).collect();
    load_genius(&inputs, WeightPolicy::Normalise).expect("a valid GENIUS scenario").0
}

fn run(arena: &Arena, a: &str, b: &str) -> u32 {
    let mut negotiators: Vec<Box<dyn Negotiator>> =
        vec![strategies::build(a).expect("a known spec"), strategies::build(b).expect("a known spec")];
    let result = negotiate(arena, Protocol::Sao, Deadline::Rounds(ROUNDS), &mut negotiators, 7, false)
        .expect("a valid negotiation");
    result.rounds
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sao");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    for scenario in ["Laptop", "Travel"] {
        let arena = Arena::new(&genius(scenario), &[0, 1]).expect("an enumerable space");
        for (a, b) in [("boulware", "conceder"), ("boulware", "boulware")] {
            let rounds = run(&arena, a, b);
            group.throughput(Throughput::Elements(u64::from(rounds)));
            group.bench_function(format!("{scenario}/{a}-vs-{b}/{rounds}-rounds"), |bencher| {
                bencher.iter(|| run(black_box(&arena), a, b))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
