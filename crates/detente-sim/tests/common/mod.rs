//! Scaffolding shared by the integration tests. Each test binary compiles
//! this module whole but uses only part of it, so an item that some binary
//! leaves unused carries `#[allow(dead_code)]`.

use std::path::{Path, PathBuf};

use detente_core::{Scenario, WeightPolicy};
use detente_formats::genius::{InputFile, load_genius};
use detente_formats::scenario_toml::load_toml;

/// The tiny space: two issues, x (5 options) and y (3), outcome `3·x + y`.
const TINY_ISSUES: &str = r#"
name = "tiny"
[[issues]]
id = "x"
kind = "discrete"
ordered = true
options = ["a", "b", "c", "d", "e"]
[[issues]]
id = "y"
kind = "discrete"
ordered = true
options = ["p", "q", "r"]
"#;

/// The tiny scenario's actors, (id, preferences): A wants (a, p), B (e, r),
/// C (c, q). Utilities are dyadic fractions, exact in floating point.
const TINY_ACTORS: [(&str, &str); 3] = [
    (
        "A",
        r#"[actors.preferences]
type = "linear-additive"
weights = { x = 0.5, y = 0.5 }
[actors.preferences.evaluations]
x = { utilities = { a = 1.0, b = 0.75, c = 0.5, d = 0.25, e = 0.0 } }
y = { utilities = { p = 1.0, q = 0.5, r = 0.0 } }
"#,
    ),
    (
        "B",
        r#"[actors.preferences]
type = "linear-additive"
weights = { x = 0.5, y = 0.5 }
[actors.preferences.evaluations]
x = { utilities = { a = 0.0, b = 0.25, c = 0.5, d = 0.75, e = 1.0 } }
y = { utilities = { p = 0.0, q = 0.5, r = 1.0 } }
"#,
    ),
    (
        "C",
        r#"[actors.preferences]
type = "linear-additive"
weights = { x = 0.5, y = 0.5 }
[actors.preferences.evaluations]
x = { utilities = { a = 0.0, b = 0.5, c = 1.0, d = 0.5, e = 0.0 } }
y = { utilities = { p = 0.5, q = 1.0, r = 0.5 } }
"#,
    ),
];

/// The terms of the multilateral tests' tiny scenario: A has reservation
/// 0.25 and discount 0.5, B reservation 0.125, C neither.
#[allow(dead_code)]
pub(crate) const TINY_TERMS: [&str; 3] = ["reservation = 0.25\ndiscount = 0.5\n", "reservation = 0.125\n", ""];

/// The tiny scenario's TOML with its first `terms.len()` actors (at most
/// three), `terms[i]` written under actor i's id (its reservation value,
/// discount factor: TOML lines, each ending in a newline).
#[allow(dead_code)]
pub(crate) fn tiny_toml(terms: &[&str]) -> String {
    assert!(terms.len() <= TINY_ACTORS.len(), "the tiny scenario has {} actors", TINY_ACTORS.len());
    let mut text = TINY_ISSUES.to_owned();
    for ((id, preferences), terms) in TINY_ACTORS.iter().zip(terms) {
        text.push_str(&format!("\n[[actors]]\nid = \"{id}\"\n{terms}{preferences}"));
    }
    text
}

/// The tiny scenario with these terms (see [`tiny_toml`]), its weights
/// refused unless they sum to 1.
#[allow(dead_code)]
pub(crate) fn tiny_scenario(terms: &[&str]) -> Scenario {
    load_toml("tiny.toml", &tiny_toml(terms), WeightPolicy::Refuse).expect("the tiny scenario loads").0
}

/// The GENIUS test scenario `testdata/genius/{name}`: its XML files, read in
/// name order, weights normalised by their sum.
#[allow(dead_code)]
pub(crate) fn genius(name: &str) -> Scenario {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/genius").join(name);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the test scenario's folder")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    paths.sort();
    let texts: Vec<(String, String)> =
        paths.iter().map(|p| (p.display().to_string(), std::fs::read_to_string(p).expect("a scenario file"))).collect();
    let inputs: Vec<InputFile<'_>> = texts.iter().map(|(name, text)| InputFile { name, text }).collect();
    load_genius(&inputs, WeightPolicy::Normalise).expect("a valid scenario").0
}
