//! The TOML scenario format: the reference example, the bundled seed case,
//! and where each kind of mistake is reported.

#![allow(clippy::unwrap_used, reason = "in a test, a panic is the failure, and unwrap's message shows the error")]

use detente_core::{Preference, Scenario, WeightPolicy};
use detente_formats::scenario_json::{load_json, read_json};
use detente_formats::scenario_toml::{load_toml, read_toml, write_toml};
use proptest::prelude::*;

const EXAMPLE: &str = include_str!("fixtures/toml/example.toml");

fn example() -> Scenario {
    let (scenario, warnings) = load_toml("example.toml", EXAMPLE, WeightPolicy::Refuse).expect("the example loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    scenario
}

/// Loads `text` (refusing unnormalised weights) and renders the error as
/// `line:column field: message`, the parts a user reads.
fn error_of(text: &str) -> String {
    let error = load_toml("example.toml", text, WeightPolicy::Refuse).expect_err("the text is malformed");
    assert_eq!(error.file, "example.toml");
    let place = match (error.line, error.column) {
        (Some(line), Some(column)) => format!("{line}:{column}"),
        _ => "-".to_owned(),
    };
    format!("{place} {}: {}", error.field.as_deref().unwrap_or("-"), error.message)
}

/// The example with `from` replaced by `to` (exactly once) gives `expected`.
#[track_caller]
fn check(from: &str, to: &str, expected: &str) {
    assert_eq!(EXAMPLE.matches(from).count(), 1, "`{from}` must occur once in the example");
    assert_eq!(error_of(&EXAMPLE.replacen(from, to, 1)), expected);
}

#[test]
fn the_example_loads_with_its_defaults() {
    let scenario = example();
    assert_eq!(scenario.name, "Harbour concession");
    let issue_ids: Vec<&str> = scenario.issues.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(issue_ids, ["term", "berths", "operator"]);
    assert_eq!(scenario.issues[1].name, "berths", "name defaults to the id");
    let [port, line, council] = &scenario.actors[..] else { panic!("three actors") };
    assert_eq!(
        (port.capability, port.at_table, port.veto, port.reservation, port.discount),
        (40.0, true, false, 0.3, None)
    );
    assert_eq!((line.veto, line.discount), (true, Some(0.95)));
    assert_eq!((council.at_table, council.reservation), (false, 0.0));
    assert_eq!(port.estimates.len(), 2);
    let Preference::Spatial(spatial) = &port.preference else { panic!("the port is spatial") };
    assert_eq!(spatial.ideal, [10.0, 2.0, 0.0]);
    assert_eq!(spatial.salience, [50.0, 20.0, 30.0]);
    assert_eq!(spatial.weights, [0.5, 0.2, 0.3]);
}

/// The utilities the format page works out by hand, at (term 20 years,
/// 3 berths, joint venture): levels 3 (5, 10, 15, 20), 2 (1, 2, 3) and 1.
#[test]
fn the_example_utilities_match_the_format_page() {
    let scenario = example();
    let outcome = [3, 2, 1];
    assert_eq!(scenario.coordinates(&outcome), [20.0, 3.0, 1.0]);
    let port = 1.0 - (0.5 * 0.4_f64.powi(2) + 0.2 * (1.0_f64 / 3.0).powi(2) + 0.3 * 0.5_f64.powi(2));
    assert!((scenario.utility(0, &outcome) - port).abs() < 1e-12);
    assert!((port - 0.8228).abs() < 1e-4);
    assert!((scenario.utility(1, &outcome) - 0.625).abs() < 1e-12);
    assert!((scenario.utility(2, &outcome) - 0.4).abs() < 1e-12);
}

/// The format page shows the example verbatim: it cannot go stale.
#[test]
fn the_format_page_shows_the_example_fixture() {
    let page = include_str!("../../../docs/scenario-format.md");
    let marker = "<!-- example: crates/detente-formats/tests/fixtures/toml/example.toml -->\n```toml\n";
    let start = page.find(marker).expect("the page marks the example") + marker.len();
    let end = start + page[start..].find("\n```\n").expect("the example block ends") + 1;
    assert_eq!(&page[start..end], EXAMPLE);
}

/// The error the format page quotes is the one the example gives.
#[test]
fn the_format_page_quotes_a_real_error() {
    let page = include_str!("../../../docs/scenario-format.md");
    let text = EXAMPLE.replacen("capability = 40", "capability = nan", 1);
    let error = load_toml("example.toml", &text, WeightPolicy::Refuse).unwrap_err().to_string();
    assert_eq!(
        error,
        "example.toml:32:14: actors.capability: actor `port`: capability is NaN, expected a finite number"
    );
    assert!(page.contains(&format!("`` {error} ``")), "{error}");
}

#[test]
fn the_bundled_seed_case_loads_and_round_trips() {
    let text = include_str!("../../../scenarios/riyadh-2025.toml");
    let (scenario, warnings) = load_toml("riyadh-2025.toml", text, WeightPolicy::Refuse).expect("the seed case loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(scenario.n_issues(), 9);
    let (back, _) = load_toml("written.toml", &write_toml(&scenario), WeightPolicy::Refuse).expect("written loads");
    assert_eq!(back, scenario);
}

#[test]
fn written_toml_reads_like_the_example() {
    let written = write_toml(&example());
    assert!(written.contains("\n[[actors]]\nid = \"port\"\n"), "{written}");
    assert!(written.contains("position = { term = 10.0, berths = 2.0, operator = \"port authority\" }\n"), "{written}");
    assert!(written.contains(
        "operator = { options = { \"port authority\" = 0.0, \"joint venture\" = 2.0, \"shipping line\" = 4.0 } }\n"
    ));
    assert!(written.contains("bounds = { term = [5.0, 20.0], berths = [1.0, 3.0] }\n"), "{written}");
    let (back, _) = load_toml("written.toml", &written, WeightPolicy::Refuse).unwrap();
    assert_eq!(back, example());
}

#[test]
fn unnormalised_weights_are_divided_with_a_warning_or_refused() {
    let text = EXAMPLE.replacen("weights = { term = 0.5,", "weights = { term = 0.7,", 1);
    let (scenario, warnings) = load_toml("example.toml", &text, WeightPolicy::Normalise).unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].locator.actor.as_deref(), Some("line"));
    assert!(warnings[0].message.contains("weights summed to 1.2"), "{}", warnings[0].message);
    let Preference::LinearAdditive(line) = &scenario.actors[1].preference else { panic!("linear additive") };
    assert!((line.weights[0] - 0.7 / 1.2).abs() < 1e-12);
    assert_eq!(
        error_of(&text),
        "52:11 actors.preferences.weights: actor `line`: weights sum to 1.2, expected 1 (or pass normalisation)"
    );
}

// Syntax errors: the field is the table header and key on the line.

#[test]
fn truncated_file() {
    let cut = &EXAMPLE[..EXAMPLE.find("capability = 40").unwrap() + "capability = ".len()];
    assert_eq!(error_of(cut), "32:14 actors.capability: unexpected end of file");
    let cut = &EXAMPLE[..EXAMPLE.find("Owns the land").unwrap() + 4];
    assert_eq!(error_of(cut), "35:19 actors.estimates.capability: invalid basic string");
    let cut = &EXAMPLE[..EXAMPLE.find("[[actors.preferences.rectangles]]").unwrap() + 10];
    assert_eq!(error_of(cut), "66:11 actors.p: invalid table header; expected `.`, `]]`");
}

#[test]
fn syntax_errors_mid_file() {
    check("veto = true", "veto = yes", "47:8 actors.veto: invalid string; expected `\"`, `'`");
    check("max_utility = 10", "max_utility = 10 11", "65:18 actors.preferences.max_utility: expected newline, `#`");
}

// Type errors: the field is the item at the span serde reports.

#[test]
fn wrong_types() {
    check(
        "capability = 40",
        "capability = \"high\"",
        "32:14 actors.capability: invalid type: string \"high\", expected f64",
    );
    check("min = 1\n", "min = 1.5\n", "19:7 issues.min: invalid type: floating point `1.5`, expected i64");
    check(
        "shape = \"quadratic\"",
        "shape = \"cubic\"",
        "39:9 actors.preferences.shape: unknown variant `cubic`, expected `linear` or `quadratic`",
    );
    check(
        "salience = { term = 50,",
        "salience = { term = \"a lot\",",
        "41:21 actors.preferences.salience.term: invalid type: string \"a lot\", expected f64",
    );
    check(
        "type = \"constraint\"",
        "type = \"constrain\"",
        "64:8 actors.preferences.type: unknown variant `constrain`, expected one of `spatial`, `linear-additive`, `constraint`",
    );
    check(
        "position = { term = 10,",
        "position = { term = true,",
        "40:1 actors.preferences.position: invalid position: expected a number on the issue's scale or the name of one of its options",
    );
}

#[test]
fn missing_and_unknown_keys() {
    let without_preferences = EXAMPLE.replacen(
        "[actors.preferences]\ntype = \"spatial\"\nshape = \"quadratic\"\nposition = { term = 10, berths = 2, operator = \"port authority\" }\nsalience = { term = 50, berths = 20, operator = 30 }\n",
        "",
        1,
    );
    assert_eq!(error_of(&without_preferences), "29:1 actors.preferences: missing field `preferences`");
    check(
        "salience = { term = 50, berths = 20, operator = 30 }\n",
        "",
        "37:1 actors.preferences.salience: missing field `salience`",
    );
    check("name = \"Harbour concession\"\n", "", "1:1 name: missing field `name`");
    check(
        "veto = true\n",
        "veto = true\ncolour = \"blue\"\n",
        "48:1 actors.colour: unknown field `colour`, expected one of `id`, `name`, `capability`, `at_table`, `veto`, `reservation`, `discount`, `estimates`, `uncertainty`, `preferences`",
    );
    check(
        "kind = \"integer\"\n",
        "kind = \"integer\"\nstep = 1\n",
        "19:1 issues.step: unknown field `step`, expected one of `min`, `max`, `unit`",
    );
}

// Semantic errors from `Scenario::new`, placed through the locator.

#[test]
fn numbers_that_are_not_finite() {
    check(
        "capability = 40",
        "capability = nan",
        "32:14 actors.capability: actor `port`: capability is NaN, expected a finite number",
    );
    check(
        "capability = 60",
        "capability = inf",
        "46:14 actors.capability: actor `line`: capability is inf, expected a finite number",
    );
    check(
        "position = { term = 10,",
        "position = { term = -inf,",
        "40:21 actors.preferences.position.term: actor `port`, issue `term`: position is -inf, expected a finite number",
    );
    check(
        "slope = 0.25",
        "slope = +nan",
        "55:31 actors.preferences.evaluations.berths.linear.slope: actor `line`, issue `berths`: slope is NaN, expected a finite number",
    );
    check(
        "utility = 4\n",
        "utility = inf\n",
        "70:11 actors.preferences.rectangles.utility: actor `council`: rectangles.utility is inf, expected a finite number",
    );
}

#[test]
fn unknown_ids() {
    check(
        "salience = { term = 50,",
        "salience = { tern = 50,",
        "41:14 actors.preferences.salience.tern: actor `port`: salience refers to unknown issue `tern`",
    );
    check(
        "\"joint venture\" = 2",
        "\"joint venturer\" = 2",
        "56:48 actors.preferences.evaluations.operator.options.joint venturer: actor `line`, issue `operator`: unknown option `joint venturer`",
    );
    check(
        "term = \"Wants",
        "terms = \"Wants",
        "36:1 actors.estimates.terms: actor `port`: estimate for unknown field or issue `terms`",
    );
    check(
        "bounds = { term = [5, 20]",
        "bounds = { tide = [5, 20]",
        "71:12 actors.preferences.rectangles.bounds.tide: actor `council`: rectangles.bounds refers to unknown issue `tide`",
    );
}

#[test]
fn duplicates() {
    check("id = \"line\"", "id = \"port\"", "44:6 actors.id: duplicate actor id `port`");
    check("id = \"berths\"", "id = \"term\"", "17:6 issues.id: duplicate issue id `term`");
    check(
        "\"joint venture\", \"shipping line\"]",
        "\"joint venture\", \"port authority\"]",
        "27:47 issues.options: issue `operator`: option `port authority` appears twice",
    );
}

#[test]
fn numbers_out_of_range() {
    check(
        "weights = { term = 0.5,",
        "weights = { term = -0.5,",
        "52:20 actors.preferences.weights.term: actor `line`, issue `term`: weights is -0.5, expected a weight ≥ 0",
    );
    check(
        "\"joint venture\" = 2",
        "\"joint venture\" = -2",
        "56:66 actors.preferences.evaluations.operator.options.joint venture: actor `line`, issue `operator`: evaluations is -2, expected an evaluation ≥ 0",
    );
    check(
        "discount = 0.95",
        "discount = 1.5",
        "49:12 actors.discount: actor `line`: discount is 1.5, expected a discount factor in (0, 1]",
    );
    check("step = 5", "step = 50", "13:8 issues.step: issue `term`: step is 50, expected a step in (0, max - min]");
    check("max = 30", "max = 5", "12:7 issues.max: issue `term` is empty: min 5 is not below max 5");
    check(
        "position = { term = 10,",
        "position = { term = 31,",
        "40:21 actors.preferences.position.term: actor `port`, issue `term`: position is 31, expected a position within the issue's [min, max]",
    );
    // The core stops at the second box; the error points into it.
    check(
        "bounds = { term = [5, 20]",
        "bounds = { term = [25, 20]",
        "71:19 actors.preferences.rectangles.bounds.term: actor `council`, issue `term`: rectangles.bounds is 25, expected min ≤ max",
    );
    check(
        "salience = { term = 50, berths = 20, operator = 30 }",
        "salience = { term = 0, berths = 0, operator = 0 }",
        "41:12 actors.preferences.salience: actor `port`: salience are all zero",
    );
}

#[test]
fn incomplete_or_mismatched_preferences() {
    check(
        "position = { term = 10, berths = 2, operator = \"port authority\" }",
        "position = { term = 10, berths = 2 }",
        "40:12 actors.preferences.position.operator: actor `port`: issue `operator` has no position",
    );
    check(
        "operator = \"port authority\" }",
        "operator = 0 }",
        "40:48 actors.preferences.position.operator: actor `port`, issue `operator`: position 0 must name one of the issue's options",
    );
    check(
        "bounds = { berths = [1, 2] }",
        "bounds = { operator = [0, 1] }",
        "68:23 actors.preferences.rectangles.bounds.operator: actor `council`, issue `operator`: hyperrectangle bounds need a numeric issue",
    );
    check(
        ", \"shipping line\" = 4 }",
        " }",
        "56:24 actors.preferences.evaluations.operator.options: actor `line`, issue `operator`: option `shipping line` has no evaluation",
    );
}

#[test]
fn empty_lists() {
    assert_eq!(error_of("name = \"x\"\nissues = []\nactors = []\n"), "2:10 issues: scenario has no issues");
    let no_actors = "name = \"x\"\nactors = []\n[[issues]]\nid = \"a\"\nkind = \"integer\"\nmin = 0\nmax = 1\n";
    assert_eq!(error_of(no_actors), "2:10 actors: scenario has no actors");
}

#[test]
fn inline_tables_are_located_too() {
    let text = r#"name = "x"
issues = [{ id = "a", kind = "integer", min = 0, max = 3 }]
actors = [
  { id = "p", preferences = { type = "spatial", position = { a = 1 }, salience = { a = 1 } } },
  { id = "q", capability = nan, preferences = { type = "spatial", position = { a = 1 }, salience = { b = 1 } } },
]
"#;
    assert_eq!(error_of(text), "5:28 actors.capability: actor `q`: capability is NaN, expected a finite number");
    let text = text.replace("capability = nan, ", "");
    assert_eq!(error_of(&text), "5:84 actors.preferences.salience.b: actor `q`: salience refers to unknown issue `b`");
}

#[test]
fn read_toml_checks_types_but_not_meaning() {
    let text = EXAMPLE.replacen("capability = 40", "capability = nan", 1);
    let spec = read_toml("example.toml", &text).expect("NaN is a float");
    assert!(spec.actors[0].capability.is_nan());
}

fn mutated(text: &str, at: usize, cut: usize, insert: &str) -> String {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + cut).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    format!("{}{insert}{}", &text[..at], &text[end..])
}

proptest! {
    /// Whatever the text, reading answers, it does not panic; and every
    /// error names the file.
    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,200}") {
        let toml = load_toml("x.toml", &text, WeightPolicy::Refuse).err();
        let json = load_json("x.json", &text, WeightPolicy::Refuse).err();
        for error in toml.into_iter().chain(json) {
            prop_assert!(error.to_string().starts_with("x."));
        }
    }

    /// Near-misses of a valid file, which reach the deeper code paths.
    #[test]
    fn never_panics_on_a_damaged_example(at in 0usize..4000, cut in 0usize..40, insert in "(\\PC{0,3}|nan|inf|-1|\\[|\\]|\\{|\\}|\"|=|,|\n|\\[\\[actors\\]\\]\n)") {
        let text = mutated(EXAMPLE, at, cut, &insert);
        let _ = load_toml("x.toml", &text, WeightPolicy::Refuse);
        let _ = load_toml("x.toml", &text, WeightPolicy::Normalise);
        let json = detente_formats::scenario_json::write_json(&example());
        let damaged = mutated(&json, at, cut, &insert);
        let _ = read_json("x.json", &damaged);
        let _ = load_json("x.json", &damaged, WeightPolicy::Refuse);
    }
}
