//! Any text, read as a KTAB actor table: an error or a scenario, never a panic.
#![no_main]

use detente_formats::ktab::load_ktab_csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = load_ktab_csv("fuzz.csv", text);
});
