//! The JSON scenario format: the TOML format's tree, with errors placed the
//! same way (through the module's own span scanner, since serde_json keeps
//! no spans).

#![allow(clippy::unwrap_used, reason = "in a test, a panic is the failure, and unwrap's message shows the error")]

use detente_core::WeightPolicy;
use detente_formats::scenario_json::{load_json, read_json, write_json};
use detente_formats::scenario_toml::load_toml;

/// Lines: 10 is actor a's capability, 13–14 its position and salience,
/// 18 actor b's id, 21–22 its weights and evaluations.
const BASE: &str = r#"{
  "name": "pie",
  "issues": [
    { "id": "share", "kind": "continuous", "min": 0, "max": 100 },
    { "id": "colour", "kind": "discrete", "options": ["red", "blue"] }
  ],
  "actors": [
    {
      "id": "a",
      "capability": 2,
      "preferences": {
        "type": "spatial",
        "position": { "share": 100, "colour": "red" },
        "salience": { "share": 1, "colour": 1 }
      }
    },
    {
      "id": "b",
      "preferences": {
        "type": "linear-additive",
        "weights": { "share": 0.5, "colour": 0.5 },
        "evaluations": { "share": { "linear": { "slope": -0.01, "offset": 1 } }, "colour": { "options": { "red": 0, "blue": 1 } } }
      }
    }
  ]
}
"#;

fn error_of(text: &str) -> String {
    let error = load_json("pie.json", text, WeightPolicy::Refuse).expect_err("the text is malformed");
    assert_eq!(error.file, "pie.json");
    let place = match (error.line, error.column) {
        (Some(line), Some(column)) => format!("{line}:{column}"),
        _ => "-".to_owned(),
    };
    format!("{place} {}: {}", error.field.as_deref().unwrap_or("-"), error.message)
}

#[track_caller]
fn check(from: &str, to: &str, expected: &str) {
    assert_eq!(BASE.matches(from).count(), 1, "`{from}` must occur once");
    assert_eq!(error_of(&BASE.replacen(from, to, 1)), expected);
}

#[test]
fn the_base_loads() {
    let (scenario, warnings) = load_json("pie.json", BASE, WeightPolicy::Refuse).unwrap();
    assert!(warnings.is_empty());
    assert_eq!((scenario.n_issues(), scenario.n_actors()), (2, 2));
    assert_eq!(scenario.actors[1].capability, 1.0, "capability defaults to 1");
}

#[test]
fn json_and_toml_describe_the_same_scenario() {
    let toml = include_str!("fixtures/toml/example.toml");
    let (scenario, _) = load_toml("example.toml", toml, WeightPolicy::Refuse).unwrap();
    let json = write_json(&scenario);
    assert!(json.starts_with("{\n  \"name\": \"Harbour concession\",\n"), "{json}");
    let (back, _) = load_json("example.json", &json, WeightPolicy::Refuse).unwrap();
    assert_eq!(back, scenario);
}

#[test]
fn syntax_errors() {
    let cut = &BASE[..BASE.find("\"capability\": 2").unwrap() + "\"capability\": ".len()];
    assert_eq!(error_of(cut), "10:21 actors.capability: EOF while parsing a value");
    let cut = &BASE[..BASE.find("\"salience\"").unwrap() + 4];
    assert_eq!(error_of(cut), "14:13 actors.preferences: EOF while parsing a string");
    check("\"capability\": 2,", "\"capability\": 2,,", "10:23 actors: key must be a string");
    check("\"capability\": 2,", "\"capability\": NaN,", "10:21 actors.capability: expected value");
    check("\"capability\": 2,", "\"capability\": 1e999,", "10:21 actors.capability: number out of range");
}

#[test]
fn type_errors() {
    check(
        "\"capability\": 2,",
        "\"capability\": \"high\",",
        "10:21 actors.capability: invalid type: string \"high\", expected f64",
    );
    check(
        "\"salience\": { \"share\": 1,",
        "\"salience\": { \"share\": [1],",
        "14:32 actors.preferences.salience.share: invalid type: sequence, expected f64",
    );
    check(
        "\"type\": \"linear-additive\"",
        "\"type\": \"linear\"",
        "20:17 actors.preferences.type: unknown variant `linear`, expected one of `spatial`, `linear-additive`, `constraint`",
    );
    check(
        "\"id\": \"b\",\n      \"preferences\": {\n        \"type\": \"linear-additive\",\n        \"weights\": { \"share\": 0.5, \"colour\": 0.5 },\n        \"evaluations\": { \"share\": { \"linear\": { \"slope\": -0.01, \"offset\": 1 } }, \"colour\": { \"options\": { \"red\": 0, \"blue\": 1 } } }\n      }",
        "\"id\": \"b\"",
        "17:5 actors.preferences: missing field `preferences`",
    );
    check(
        "\"capability\": 2,",
        "\"capability\": 2, \"colour\": 1,",
        "10:24 actors.colour: unknown field `colour`, expected one of `id`, `name`, `capability`, `at_table`, `veto`, `reservation`, `discount`, `estimates`, `uncertainty`, `preferences`",
    );
    check(
        "\"max\": 100 }",
        "\"max\": 100, \"steps\": 1 }",
        "4:66 issues.steps: unknown field `steps`, expected one of `min`, `max`, `unit`, `step`",
    );
}

#[test]
fn semantic_errors_are_placed_exactly() {
    check(
        "\"capability\": 2,",
        "\"capability\": -1,",
        "10:21 actors.capability: actor `a`: capability is -1, expected a capability ≥ 0",
    );
    check(
        "\"salience\": { \"share\": 1,",
        "\"salience\": { \"shares\": 1,",
        "14:23 actors.preferences.salience.shares: actor `a`: salience refers to unknown issue `shares`",
    );
    check("\"id\": \"b\"", "\"id\": \"a\"", "18:13 actors.id: duplicate actor id `a`");
    check(
        "\"weights\": { \"share\": 0.5,",
        "\"weights\": { \"share\": -0.5,",
        "21:31 actors.preferences.weights.share: actor `b`, issue `share`: weights is -0.5, expected a weight ≥ 0",
    );
    check(
        "\"weights\": { \"share\": 0.5,",
        "\"weights\": { \"share\": 0.7,",
        "21:20 actors.preferences.weights: actor `b`: weights sum to 1.2, expected 1 (or pass normalisation)",
    );
    check(
        "\"blue\": 1 }",
        "\"green\": 1 }",
        "22:117 actors.preferences.evaluations.colour.options.green: actor `b`, issue `colour`: unknown option `green`",
    );
    check("\"max\": 100 }", "\"max\": 0 }", "4:61 issues.max: issue `share` is empty: min 0 is not below max 0");
}

#[test]
fn read_json_checks_types_but_not_meaning() {
    let spec = read_json("pie.json", &BASE.replacen("\"capability\": 2,", "\"capability\": -1,", 1)).unwrap();
    assert_eq!(spec.actors[0].capability, -1.0);
}
