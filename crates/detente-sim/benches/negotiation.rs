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
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use detente_sim::{Arena, Deadline, Negotiator, Protocol, negotiate, strategies};

// The tests' GENIUS loader (and the rest of their scaffolding, unused here).
#[path = "../tests/common/mod.rs"]
mod common;

use common::genius;

const ROUNDS: u32 = 100;

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
