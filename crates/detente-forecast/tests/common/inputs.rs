//! Inputs shared by the tests and the benches (`benches/forecast.rs`
//! includes this file by path).

use detente_forecast::Input;
use detente_forecast::input::{ForecastActor, Scale, Spreads};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `actors` random actors on `issues` issues, each actor's saliences summing
/// to between 0.5 and 0.99, as KTAB's generator makes them
/// (`SMPActor::randomize`), so that SMP accepts them.
pub(crate) fn random_input(actors: usize, issues: usize, seed: u64) -> Input {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let issues: Vec<Scale> = (0..issues)
        .map(|k| Scale { id: format!("d{k}"), name: format!("d{k}"), min: 0.0, max: 100.0, options: None, unit: None })
        .collect();
    let actors = (0..actors)
        .map(|a| {
            let raw: Vec<f64> = (0..issues.len()).map(|_| rng.random_range(0.1..1.0)).collect();
            let total: f64 = raw.iter().sum();
            let scale = rng.random_range(0.5..0.99) / total;
            ForecastActor {
                id: format!("a{a}"),
                capability: rng.random_range(10.0..200.0),
                position: (0..issues.len()).map(|_| rng.random_range(0.0..1.0)).collect(),
                salience: raw.iter().map(|s| s * scale).collect(),
                spread: Spreads::default(),
            }
        })
        .collect();
    Input { issues, actors }
}

/// One of KTAB's CSV tables in `testdata/ktab/`.
pub(crate) fn ktab_table(name: &str) -> Input {
    let path = format!("{}/../../testdata/ktab/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("KTAB table");
    let spec = detente_formats::ktab::read_ktab_csv(name, &text).expect("KTAB CSV");
    let (scenario, _) = detente_core::Scenario::new(spec, detente_core::WeightPolicy::Normalise).expect("scenario");
    Input::from_scenario(&scenario).expect("input")
}

/// The bundled seed case, `scenarios/riyadh-2025.toml`.
pub(crate) fn seed_case() -> Input {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/riyadh-2025.toml");
    let text = std::fs::read_to_string(path).expect("the seed case is in the repository");
    let (scenario, _) =
        detente_formats::scenario_toml::load_toml("riyadh-2025.toml", &text, detente_core::WeightPolicy::Refuse)
            .expect("loads");
    Input::from_scenario(&scenario).expect("the seed case is spatial")
}
