//! Any text, split at NUL bytes into the files of one GeniusWeb folder: an
//! error or a scenario, never a panic.
#![no_main]

use detente_core::WeightPolicy;
use detente_formats::genius::InputFile;
use detente_formats::geniusweb::load_geniusweb;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let names: Vec<String> = (0..text.split('\0').count()).map(|i| format!("file{i}.json")).collect();
    let files: Vec<InputFile<'_>> =
        text.split('\0').zip(&names).map(|(text, name)| InputFile { name, text }).collect();
    let _ = load_geniusweb(&files, WeightPolicy::Normalise);
});
