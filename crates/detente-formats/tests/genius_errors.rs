//! GENIUS files that are wrong in one place each: the error must name the file,
//! the line (and column) and the attribute at fault. Also the GENIUS rules that
//! small files can show: matching by index, nested objectives, EXCLUDES.

use detente_core::WeightPolicy;
use detente_formats::FormatError;
use detente_formats::genius::{InputFile, load_genius, read_genius, read_pareto};

const DOMAIN: &str = r#"<negotiation_template>
<utility_space>
<objective index="0" name="root">
<issue index="1" name="colour" type="discrete"><item value="red"/><item value="blue"/></issue>
<issue index="2" name="size" type="integer" lowerbound="1" upperbound="5"/>
<issue index="3" name="speed" type="real" lowerbound="0" upperbound="2"/>
</objective>
</utility_space>
</negotiation_template>"#;

const PROFILE: &str = r#"<utility_space>
<objective index="0">
<weight index="3" value="0.2"/>
<weight index="1" value="0.5"/>
<weight index="2" value="0.3"/>
<issue index="1" name="colour"><item value="blue" evaluation="4"/><item value="red" evaluation="2"/></issue>
<issue index="2" name="size" lowerbound="1" upperbound="5"><evaluator ftype="linear" slope="0.25" offset="0"/></issue>
<issue index="3" name="speed"><evaluator ftype="linear" slope="0.5" offset="0"/></issue>
</objective>
<reservation value="0.25"/>
<discount_factor value="0.9"/>
</utility_space>"#;

/// `text` with `from` (which must occur) replaced by `to`.
fn with(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "fixture lacks {from:?}");
    text.replacen(from, to, 1)
}

fn load(files: &[(&str, &str)], policy: WeightPolicy) -> Result<detente_core::Scenario, FormatError> {
    let inputs: Vec<InputFile<'_>> = files.iter().map(|&(name, text)| InputFile { name, text }).collect();
    load_genius(&inputs, policy).map(|(scenario, _)| scenario)
}

fn load_error(files: &[(&str, &str)]) -> FormatError {
    match load(files, WeightPolicy::Refuse) {
        Ok(_) => panic!("expected an error"),
        Err(error) => error,
    }
}

/// The error of loading DOMAIN with `profile` as `p.xml`: its file, line,
/// field and a part of its message.
fn check(profile: &str, line: usize, field: Option<&str>, message: &str) -> FormatError {
    let error = load_error(&[("d.xml", DOMAIN), ("p.xml", profile)]);
    assert_eq!(error.file, "p.xml", "{error}");
    assert_eq!(error.line, Some(line), "{error}");
    assert_eq!(error.field.as_deref(), field, "{error}");
    assert!(error.message.contains(message), "{error}");
    error
}

#[test]
fn the_fixture_loads_and_maps_weights_by_index() {
    let scenario = load(&[("d.xml", DOMAIN), ("p.xml", PROFILE)], WeightPolicy::Refuse).expect("loads");
    assert_eq!(scenario.actors[0].id, "p");
    assert_eq!(scenario.actors[0].reservation, 0.25);
    assert_eq!(scenario.actors[0].discount, Some(0.9));
    // (red, size 3, speed 1.0, the middle of 21 levels on [0, 2]):
    // 0.5 · 2/4 + 0.3 · 0.25 · (3 − 1) + 0.2 · 0.5 · 1.0.
    assert!((scenario.utility(0, &[0, 2, 10]) - 0.5).abs() < 1e-12);
}

#[test]
fn a_word_for_a_weight_is_located() {
    let error = check(
        &with(PROFILE, r#"index="1" value="0.5""#, r#"index="1" value="abc""#),
        4,
        Some("weight.value"),
        "`abc` is not a number",
    );
    assert_eq!(error.column, Some(26));
    assert_eq!(error.to_string(), "p.xml:4:26: weight.value: `abc` is not a number");
}

#[test]
fn non_finite_and_negative_numbers_are_located() {
    check(
        &with(PROFILE, r#"evaluation="4""#, r#"evaluation="NaN""#),
        6,
        Some("item.evaluation"),
        "`NaN` is not a finite number",
    );
    check(&with(PROFILE, r#"value="0.3""#, r#"value="inf""#), 5, Some("weight.value"), "`inf` is not a finite number");
    check(
        &with(PROFILE, r#"evaluation="2""#, r#"evaluation="-2""#),
        6,
        Some("item.evaluation"),
        "evaluation -2 is negative",
    );
    check(&with(PROFILE, r#"value="0.2""#, r#"value="-0.2""#), 3, Some("weight.value"), "weight -0.2 is negative");
    check(&with(PROFILE, r#"slope="0.25""#, r#"slope="1e999""#), 7, Some("evaluator.slope"), "not a finite number");
    check(
        &with(PROFILE, r#"<discount_factor value="0.9"/>"#, r#"<discount_factor value="-0.5"/>"#),
        11,
        Some("discount_factor.value"),
        "negative",
    );
    check(
        &with(PROFILE, r#"<reservation value="0.25"/>"#, r#"<reservation value="NaN"/>"#),
        10,
        Some("reservation.value"),
        "finite",
    );
}

#[test]
fn an_unknown_issue_index_is_located() {
    check(
        &with(PROFILE, r#"<weight index="3""#, r#"<weight index="7""#),
        3,
        Some("weight.index"),
        "weight for unknown issue index 7; the domain `d.xml` has issue indices 1, 2, 3",
    );
    check(
        &with(PROFILE, r#"<issue index="3""#, r#"<issue index="9""#),
        8,
        Some("issue.index"),
        "unknown issue index 9",
    );
    check(
        &with(PROFILE, r#"<weight index="3""#, r#"<weight index="three""#),
        3,
        Some("weight.index"),
        "not an integer",
    );
}

#[test]
fn an_option_the_domain_lacks_is_located() {
    check(
        &with(PROFILE, r#"<item value="blue""#, r#"<item value="green""#),
        6,
        Some("item.value"),
        "`green` is not an option of issue `colour` in the domain (options: red, blue)",
    );
}

#[test]
fn truncated_files_are_located() {
    // Cut after the sixth line: the objective and the root are never closed.
    let cut: String = PROFILE.lines().take(6).map(|l| format!("{l}\n")).collect();
    let error = check(&cut, 7, None, "the file ends inside <objective> (opened at line 2)");
    assert_eq!(error.column, Some(1));
    // Cut inside a tag.
    let inside_tag = &PROFILE[..PROFILE.find(r#"value="0.3""#).expect("fixture")];
    check(inside_tag, 5, None, "malformed XML");
    // A closing tag that does not match.
    check(&with(PROFILE, "</objective>", "</objectiv>"), 9, None, "malformed XML");
    // The domain cut short is reported in the domain.
    let error =
        load_error(&[("d.xml", &DOMAIN[..DOMAIN.find("<issue index=\"3\"").expect("fixture")]), ("p.xml", PROFILE)]);
    assert_eq!((error.file.as_str(), error.line), ("d.xml", Some(6)), "{error}");
}

#[test]
fn a_missing_domain_or_profile_is_named() {
    let error = load_error(&[("d.xml", DOMAIN)]);
    assert!(error.message.contains("no GENIUS profile"), "{error}");
    assert!(error.message.contains("d.xml"), "{error}");
    let error = load_error(&[("p.xml", PROFILE), ("notes.txt", "hello")]);
    assert!(error.message.starts_with("no GENIUS domain"), "{error}");
    assert!(error.message.contains("p.xml, notes.txt"), "{error}");
    let error = load_error(&[]);
    assert!(error.message.contains("(no files)"), "{error}");
    let error = load_error(&[("a.xml", DOMAIN), ("b.xml", DOMAIN), ("p.xml", PROFILE)]);
    assert!(error.message.contains("two GENIUS domain files, `a.xml` and `b.xml`"), "{error}");
}

#[test]
fn core_errors_point_at_the_profile_element() {
    // No evaluation for "red": the core refuses; the error points at the
    // profile's <issue> for colour.
    check(&with(PROFILE, r#"<item value="red" evaluation="2"/>"#, ""), 6, None, "option `red` has no evaluation");
    // Weights summing to 0.9 under WeightPolicy::Refuse: at the first weight.
    check(&with(PROFILE, r#"value="0.2""#, r#"value="0.1""#), 3, Some("weight"), "sum to 0.9");
    // With normalisation they load, with the core's warning.
    let profile = with(PROFILE, r#"value="0.2""#, r#"value="0.1""#);
    let inputs = [InputFile { name: "d.xml", text: DOMAIN }, InputFile { name: "p.xml", text: &profile }];
    let (_, warnings) = load_genius(&inputs, WeightPolicy::Normalise).expect("loads");
    assert!(warnings.iter().any(|w| w.message.contains("divided by the sum")), "{warnings:?}");
}

#[test]
fn unsupported_evaluators_are_refused_precisely() {
    check(
        &with(PROFILE, r#"<evaluator ftype="linear" slope="0.25""#, r#"<evaluator ftype="triangular" slope="0.25""#),
        7,
        Some("evaluator.ftype"),
        "evaluator ftype `triangular` on issue `size` is not supported",
    );
    check(&with(PROFILE, r#" slope="0.5" offset="0""#, ""), 8, Some("evaluator"), "needs `slope` and `offset`");
}

#[test]
fn discount_factors_of_zero_or_one_mean_none() {
    for factor in ["0", "0.0", "1", "1.0", "3"] {
        let profile =
            with(PROFILE, r#"<discount_factor value="0.9"/>"#, &format!(r#"<discount_factor value="{factor}"/>"#));
        let scenario = load(&[("d.xml", DOMAIN), ("p.xml", &profile)], WeightPolicy::Refuse).expect("loads");
        assert_eq!(scenario.actors[0].discount, None, "{factor}");
    }
}

/// Objectives nest; weights and evaluators name issues by index wherever they
/// sit, and an objective's own weight is ignored, as GENIUS ignores it.
#[test]
fn nested_objectives_match_by_index_not_position() {
    let domain = r#"<negotiation_template><utility_space>
<objective index="0" name="root">
  <objective index="1" name="money">
    <issue index="3" name="price"><item value="low"/><item value="high"/></issue>
  </objective>
  <issue index="2" name="date"><item value="soon"/><item value="late"/></issue>
</objective>
</utility_space></negotiation_template>"#;
    let profile = r#"<utility_space><objective index="0">
  <weight index="2" value="0.25"/>
  <weight index="1" value="1"/>
  <objective index="1">
    <weight index="3" value="0.75"/>
    <issue index="3"><item value="high" evaluation="1"/><item value="low" evaluation="3"/></issue>
  </objective>
  <issue index="2"><item value="late" evaluation="2"/><item value="soon" evaluation="1"/></issue>
</objective></utility_space>"#;
    let inputs = [InputFile { name: "d.xml", text: domain }, InputFile { name: "p.xml", text: profile }];
    let (scenario, warnings) = load_genius(&inputs, WeightPolicy::Refuse).expect("loads");
    let ids: Vec<&str> = scenario.issues.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["price", "date"]);
    // (high, soon): 0.75 · 1/3 + 0.25 · 1/2.
    assert!((scenario.utility(0, &[1, 0]) - (0.25 + 0.125)).abs() < 1e-12);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].message.starts_with("p.xml:3:3: the weight 1 of objective 1 is ignored"),
        "{}",
        warnings[0].message
    );
}

#[test]
fn duplicate_issue_names_get_distinct_ids() {
    let domain = r#"<negotiation_template><utility_space><objective index="0">
<issue index="1" name="x"><item value="a"/><item value="b"/></issue>
<issue index="2" name="x"><item value="a"/><item value="b"/></issue>
</objective></utility_space></negotiation_template>"#;
    let profile = r#"<utility_space><objective index="0">
<weight index="1" value="0.5"/><weight index="2" value="0.5"/>
<issue index="1"><item value="a" evaluation="1"/><item value="b" evaluation="0"/></issue>
<issue index="2"><item value="a" evaluation="0"/><item value="b" evaluation="1"/></issue>
</objective></utility_space>"#;
    let inputs = [InputFile { name: "d.xml", text: domain }, InputFile { name: "p.xml", text: profile }];
    let (scenario, warnings) = load_genius(&inputs, WeightPolicy::Refuse).expect("loads");
    let ids: Vec<&str> = scenario.issues.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["x", "x #2"]);
    assert_eq!(scenario.issues[1].name, "x");
    assert!(warnings.iter().any(|w| w.message.starts_with("d.xml:3:1: a second issue is named `x`")), "{warnings:?}");
    assert_eq!(scenario.utility(0, &[0, 1]), 1.0);
}

const INTEGER_DOMAIN: &str = r#"<negotiation_template><utility_space><objective index="0">
<issue index="1" name="a" type="integer" lowerbound="0" upperbound="3"/>
<issue index="2" name="b" type="integer" lowerbound="0" upperbound="3"/>
<issue index="3" name="c" type="real" lowerbound="0" upperbound="1"/>
</objective></utility_space></negotiation_template>"#;

const NONLINEAR: &str = r#"<utility_space type="nonlinear">
<objective index="0">
<utility maxutility="10">
<ufun type="PlainUfun" weight="1" aggregation="sum">
<hyperRectangle utility="4">
<INCLUDES index="1" min="0" max="1"/>
</hyperRectangle>
<hyperRectangle utility="6">
<EXCLUDES index="1" min="1" max="2"/>
<EXCLUDES index="2" min="0" max="2"/>
</hyperRectangle>
</ufun>
</utility>
</objective>
<reservation value="0.1"/>
</utility_space>"#;

fn check_nonlinear(profile: &str, line: usize, field: Option<&str>, message: &str) {
    let error = load_error(&[("d.xml", INTEGER_DOMAIN), ("n.xml", profile)]);
    assert_eq!((error.file.as_str(), error.line), ("n.xml", Some(line)), "{error}");
    assert_eq!(error.field.as_deref(), field, "{error}");
    assert!(error.message.contains(message), "{error}");
}

#[test]
fn excludes_pay_outside_their_box() {
    let scenario = load(&[("d.xml", INTEGER_DOMAIN), ("n.xml", NONLINEAR)], WeightPolicy::Refuse).expect("loads");
    for a in 0..4u32 {
        for b in 0..4u32 {
            let included = if a <= 1 { 4.0 } else { 0.0 };
            let excluded = if (1..=2).contains(&a) && b <= 2 { 0.0 } else { 6.0 };
            let expected = (included + excluded) / 10.0;
            assert_eq!(scenario.utility(0, &[a, b, 0]), expected, "a = {a}, b = {b}");
        }
    }
}

#[test]
fn unsupported_nonlinear_parts_are_refused_where_they_are() {
    check_nonlinear(
        &with(NONLINEAR, r#"aggregation="sum""#, r#"aggregation="max""#),
        4,
        Some("ufun.aggregation"),
        "ufun aggregation `max` is not supported: only `sum`",
    );
    check_nonlinear(
        &with(NONLINEAR, r#"type="PlainUfun""#, r#"type="BumpUfun""#),
        4,
        Some("ufun.type"),
        "ufun type `BumpUfun` is not supported",
    );
    check_nonlinear(
        &with(NONLINEAR, r#"weight="1" aggregation"#, r#"weight="2" aggregation"#),
        4,
        Some("ufun.weight"),
        "outermost ufun weight 2 is not supported",
    );
    check_nonlinear(
        &with(NONLINEAR, r#"<EXCLUDES index="2""#, r#"<EXCLUDES index="3""#),
        10,
        Some("EXCLUDES"),
        "EXCLUDES on real issue `c` is not supported",
    );
    check_nonlinear(
        &with(NONLINEAR, r#"<EXCLUDES index="2""#, r#"<INCLUDES index="2""#),
        9,
        Some("EXCLUDES"),
        "both INCLUDES and EXCLUDES",
    );
    check_nonlinear(
        &with(NONLINEAR, r#"<INCLUDES index="1""#, r#"<INCLUDES index="5""#),
        6,
        Some("INCLUDES.index"),
        "unknown issue index 5",
    );
    check_nonlinear(
        &with(NONLINEAR, r#"min="0" max="1""#, r#"min="2" max="1""#),
        6,
        Some("INCLUDES.min"),
        "min 2 is above max 1",
    );
    check_nonlinear(
        &with(NONLINEAR, r#"maxutility="10""#, r#"maxutility="0""#),
        3,
        Some("utility.maxutility"),
        "maxutility 0 is not positive",
    );
    check_nonlinear(
        &with(NONLINEAR, r#"<hyperRectangle utility="4">"#, r#"<hyperRectangle utility="x4">"#),
        5,
        Some("hyperRectangle.utility"),
        "`x4` is not a number",
    );
    check_nonlinear(
        &with(NONLINEAR, r#"<INCLUDES index="1" min="0" max="1"/>"#, r#"<NOTIN index="1"/>"#),
        6,
        Some("NOTIN"),
        "<NOTIN> in a <hyperRectangle> is not supported",
    );
    check_nonlinear(
        &with(NONLINEAR, r#"<utility_space type="nonlinear">"#, r#"<utility_space type="constraint">"#),
        1,
        Some("utility_space.type"),
        "unsupported utility space type `constraint`",
    );
}

#[test]
fn nested_ufuns_that_sum_are_flattened_with_their_weights() {
    let profile = with(
        NONLINEAR,
        "</ufun>\n</utility>",
        "<ufun type=\"PlainUfun\" weight=\"0.5\" aggregation=\"sum\">\n<hyperRectangle utility=\"4\"/>\n</ufun>\n</ufun>\n</utility>",
    );
    let scenario = load(&[("d.xml", INTEGER_DOMAIN), ("n.xml", &profile)], WeightPolicy::Refuse).expect("loads");
    // (3, 3): outside the excluded box (6) and, everywhere, half of 4.
    assert_eq!(scenario.utility(0, &[3, 3, 0]), (6.0 + 2.0) / 10.0);
}

#[test]
fn a_linear_profile_with_a_utility_element_says_what_is_missing() {
    let profile = with(NONLINEAR, r#"<utility_space type="nonlinear">"#, "<utility_space>");
    check_nonlinear(&profile, 3, Some("utility"), "lacks type=\"nonlinear\"");
}

#[test]
fn pareto_errors_are_located() {
    let error = read_pareto(InputFile { name: "pareto.xml", text: "\n0.5, 1\n0.7, x\n" }).expect_err("a word");
    assert_eq!((error.line, error.column), (Some(3), Some(6)), "{error}");
    assert!(error.message.contains("`x` is not a number"), "{error}");
    let error = read_pareto(InputFile { name: "pareto.xml", text: "0.5, 1\n0.7\n" }).expect_err("ragged");
    assert_eq!(error.line, Some(2), "{error}");
    let error = read_pareto(InputFile { name: "pareto.xml", text: "0.5, NaN\n" }).expect_err("NaN");
    assert!(error.message.contains("finite"), "{error}");
    let error = read_pareto(InputFile { name: "pareto.xml", text: "<pareto/>" }).expect_err("XML");
    assert!(error.message.contains("XML"), "{error}");
    let error = read_pareto(InputFile { name: "pareto.xml", text: "\n\n" }).expect_err("empty");
    assert!(error.message.contains("no Pareto points"), "{error}");
}

#[test]
fn hostile_input_is_an_error_not_a_crash() {
    let deep = format!("<utility_space>{}", "<objective>".repeat(10_000));
    let error = load_error(&[("d.xml", DOMAIN), ("p.xml", &deep)]);
    assert!(error.message.contains("nested deeper"), "{error}");
    // Every prefix of a real pair of files: each reads or fails, never panics.
    for cut in 0..=PROFILE.len() {
        if let Some(prefix) = PROFILE.get(..cut) {
            let _ =
                read_genius(&[InputFile { name: "d.xml", text: DOMAIN }, InputFile { name: "p.xml", text: prefix }]);
        }
    }
    for cut in 0..=NONLINEAR.len() {
        if let Some(prefix) = NONLINEAR.get(..cut) {
            let inputs = [InputFile { name: "d.xml", text: INTEGER_DOMAIN }, InputFile { name: "n.xml", text: prefix }];
            let _ = load_genius(&inputs, WeightPolicy::Normalise);
        }
    }
    let error = load_error(&[("d.xml", DOMAIN), ("p.xml", "<utility_space><objective a=1/></utility_space>")]);
    assert_eq!(error.line, Some(1), "{error}");
    assert!(error.message.contains("malformed"), "{error}");
}

/// A profile damaged in its first tag cannot be told apart from an unrelated
/// file; it is reported rather than dropped with its party.
#[test]
fn xml_that_is_neither_domain_nor_profile_is_reported_or_ignored_with_a_warning() {
    let broken = with(PROFILE, "<utility_space>", "<utlity_space>");
    let error = load_error(&[("d.xml", DOMAIN), ("p.xml", PROFILE), ("q.xml", &broken)]);
    assert_eq!((error.file.as_str(), error.line), ("q.xml", Some(12)), "{error}");
    assert!(error.message.contains("malformed XML"), "{error}");

    let inputs = [
        InputFile { name: "d.xml", text: DOMAIN },
        InputFile { name: "p.xml", text: PROFILE },
        InputFile { name: "tournament.xml", text: "<?xml version=\"1.0\"?>\n<tournament><agent/></tournament>" },
    ];
    let (scenario, warnings) = load_genius(&inputs, WeightPolicy::Refuse).expect("loads");
    assert_eq!(scenario.n_actors(), 1);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].message.starts_with("tournament.xml:2:1: ignored: its root element <tournament>"),
        "{}",
        warnings[0].message
    );
}
