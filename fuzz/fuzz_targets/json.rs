//! Any text, read as a Detente JSON scenario: an error or a scenario, never a panic.
#![no_main]

use detente_core::WeightPolicy;
use detente_formats::scenario_json::{load_json, write_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok((scenario, _)) = load_json("fuzz.json", text, WeightPolicy::Normalise) {
        let written = write_json(&scenario);
        let (again, _) = load_json("again.json", &written, WeightPolicy::Normalise).expect("written scenarios load");
        assert_eq!(again, scenario);
    }
});
