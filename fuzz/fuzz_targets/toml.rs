//! Any text, read as a Detente TOML scenario: an error or a scenario, never a panic.
//! A scenario that loads is written back and must load again to the same scenario.
#![no_main]

use detente_core::WeightPolicy;
use detente_formats::scenario_toml::{load_toml, write_toml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok((scenario, _)) = load_toml("fuzz.toml", text, WeightPolicy::Normalise) {
        let written = write_toml(&scenario);
        let (again, _) = load_toml("again.toml", &written, WeightPolicy::Normalise).expect("written scenarios load");
        assert_eq!(again, scenario);
    }
});
