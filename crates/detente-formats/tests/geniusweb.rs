//! GeniusWeb JSON: the two real scenarios under `testdata/geniusweb`, checked
//! against utilities computed by hand from the JSON, and files wrong in one
//! place each.

use detente_core::{OutcomeSpace, Scenario, Warning, WeightPolicy};
use detente_formats::FormatError;
use detente_formats::genius::InputFile;
use detente_formats::geniusweb::{load_geniusweb, read_geniusweb};

const GENIUSWEB_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/geniusweb");

fn folder(name: &str) -> Vec<(String, String)> {
    let dir = format!("{GENIUSWEB_DIR}/{name}");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| {
            let path = entry.expect("directory entry").path();
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

fn inputs(files: &[(String, String)]) -> Vec<InputFile<'_>> {
    files.iter().map(|(name, text)| InputFile { name, text }).collect()
}

fn load(files: &[(&str, &str)], policy: WeightPolicy) -> Result<(Scenario, Vec<Warning>), FormatError> {
    let inputs: Vec<InputFile<'_>> = files.iter().map(|&(name, text)| InputFile { name, text }).collect();
    load_geniusweb(&inputs, policy)
}

#[test]
fn every_folder_loads_with_its_issues_actors_and_outcomes() {
    // (folder, issues, actors, outcomes): Party 4·4·4·4·3·4, Fitness 5·4·4·4·4.
    let cases = [("Fitness", 5, 2, 1_280), ("Party", 6, 2, 3_072)];
    let mut folders: Vec<String> = std::fs::read_dir(GENIUSWEB_DIR)
        .expect("testdata/geniusweb")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(folders, cases.map(|c| c.0));
    for (name, n_issues, n_actors, outcomes) in cases {
        let files = folder(name);
        let (scenario, _) = load_geniusweb(&inputs(&files), WeightPolicy::Refuse).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((scenario.n_issues(), scenario.n_actors()), (n_issues, n_actors), "{name}");
        assert_eq!(OutcomeSpace::of(&scenario).size(), Some(outcomes), "{name}");
        assert!(scenario.actors.iter().all(|a| a.at_table && a.veto && a.discount.is_none()), "{name}");
    }
}

/// GeniusWeb takes value utilities as written, and so does Detente for
/// GeniusWeb profiles: utilities are GeniusWeb's exactly, reservation included.
#[test]
fn party_utilities_are_geniuswebs() {
    let files = folder("Party");
    let (scenario, warnings) = load_geniusweb(&inputs(&files), WeightPolicy::Refuse).expect("loads");
    let party1 = scenario.actor_index("party1").expect("party1");

    // The reservation bid: Handmade Food .51, Handmade Cocktails .672, Party
    // Tent .52, Custom Printed .48, Band .35, Special Equiment .32.
    let geniusweb_reservation = 0.19 * 0.51 + 0.28 * 0.672 + 0.19 * 0.52 + 0.05 * 0.48 + 0.19 * 0.35 + 0.10 * 0.32;
    let actor = &scenario.actors[party1];
    assert!((actor.reservation - geniusweb_reservation).abs() < 1e-12, "{}", actor.reservation);
    // … and it is the scenario's own utility of that bid.
    let reservation_bid = [2, 2, 0, 3, 2, 2];
    assert!((scenario.utility(party1, &reservation_bid) - actor.reservation).abs() < 1e-12);

    // (Chips and Nuts, Beer Only, Party Room, Custom Handmade, DJ, Specialized
    // Materials): every issue at its best value; GeniusWeb's utility is
    // Σ wᵢ·maxᵢ = 0.9391, not 1, because the top value utilities are below 1.
    let best = [0, 1, 2, 2, 1, 1];
    assert!((scenario.utility(party1, &best) - 0.9391).abs() < 1e-12);
    // (Catering, Catering, Ballroom, Plain, MP3, Hired Help).
    let other = [3, 3, 3, 0, 0, 3];
    let geniusweb = 0.19 * 0.25 + 0.28 * 0.334 + 0.19 * 0.77 + 0.05 * 0.24 + 0.19 * 0.65 + 0.10 * 0.31;
    assert!((scenario.utility(party1, &other) - geniusweb).abs() < 1e-12);

    assert!(warnings.is_empty(), "{warnings:?}");
    let source = scenario.source.as_deref().expect("source");
    assert_eq!(source, "GeniusWeb JSON: party.json (domain); party1.json, party2.json (profiles)");
    assert_eq!(scenario.name, "party");
}

#[test]
fn a_profile_whose_issues_top_out_at_one_is_taken_as_it_is() {
    let files = folder("Fitness");
    let (scenario, warnings) = load_geniusweb(&inputs(&files), WeightPolicy::Refuse).expect("loads");
    let fitness2 = scenario.actor_index("fitness2").expect("fitness2");
    // Every issue of fitness2 has a value of utility 1, so S = 1. Reservation
    // bid: running .1, 30 min .15, 5 km .3, bootcamp .2, $5 .18.
    let expected = 0.3 * 0.1 + 0.1 * 0.15 + 0.2 * 0.3 + 0.1 * 0.2 + 0.3 * 0.18;
    assert!((scenario.actors[fitness2].reservation - expected).abs() < 1e-12);
    // (swimming, 1 hour, 0 km, light, $200): .3 · 1 + .1 · .75 + .2 · 1 + .1 · 1 + .3 · 1.
    assert!((scenario.utility(fitness2, &[0, 1, 0, 0, 3]) - 0.975).abs() < 1e-12);
    assert!(!warnings.iter().any(|w| w.message.starts_with("fitness2.json")), "{warnings:?}");
}

#[test]
fn the_domain_file_may_be_left_out() {
    let files: Vec<(String, String)> = folder("Party").into_iter().filter(|(n, _)| n != "party.json").collect();
    let spec = read_geniusweb(&inputs(&files)).expect("reads the embedded domain");
    assert_eq!(spec.issues.len(), 6);
    assert_eq!(spec.name, "party");
    assert!(spec.source.as_deref().expect("source").contains("domain embedded in party1.json"));
    // Files that are not JSON objects are ignored.
    let mut with_notes = folder("Fitness");
    with_notes.push(("README.md".to_owned(), "# Fitness".to_owned()));
    with_notes.push(("list.json".to_owned(), "[1, 2]".to_owned()));
    assert_eq!(read_geniusweb(&inputs(&with_notes)).expect("reads").actors.len(), 2);
}

const DOMAIN: &str = r#"{
  "name": "trip",
  "issuesValues": {
    "place": {"values": ["beach", "city"]},
    "days": {"range": {"low": 1, "high": 5, "step": 1}},
    "budget": {"range": {"low": 0, "high": 1000, "step": 250}}
  }
}"#;

const PROFILE: &str = r#"{
  "LinearAdditiveUtilitySpace": {
    "issueUtilities": {
      "place": {"discreteutils": {"valueUtilities": {"beach": 1.0, "city": 0.5}}},
      "days": {"numberutils": {"lowValue": 1, "lowUtility": 0.2, "highValue": 5, "highUtility": 1.0}},
      "budget": {"numberutils": {"lowValue": 0, "lowUtility": 1.0, "highValue": 1000, "highUtility": 0.0}}
    },
    "issueWeights": {"place": 0.5, "days": 0.3, "budget": 0.2},
    "domain": {
      "name": "trip",
      "issuesValues": {
        "place": {"values": ["city", "beach"]},
        "days": {"range": {"low": 1, "high": 5, "step": 1}},
        "budget": {"range": {"low": 0, "high": 1000, "step": 250}}
      }
    },
    "name": "traveller",
    "reservationBid": {"issuevalues": {"place": "city", "days": 3}}
  }
}"#;

fn with(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "fixture lacks {from:?}");
    text.replacen(from, to, 1)
}

fn check(profile: &str, line: usize, field: Option<&str>, message: &str) {
    let error = match load(&[("trip.json", DOMAIN), ("t.json", profile)], WeightPolicy::Refuse) {
        Ok(_) => panic!("expected an error for {profile}"),
        Err(error) => error,
    };
    assert_eq!((error.file.as_str(), error.line), ("t.json", Some(line)), "{error}");
    assert_eq!(error.field.as_deref(), field, "{error}");
    assert!(error.message.contains(message), "{error}");
}

#[test]
fn number_issues_and_numberutils_are_linear() {
    let (scenario, warnings) =
        load(&[("trip.json", DOMAIN), ("t.json", PROFILE)], WeightPolicy::Refuse).expect("loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(OutcomeSpace::of(&scenario).levels, [2, 5, 5]);
    assert_eq!(scenario.actors[0].name, "traveller");
    // (city, 4 days, 750): .5 · .5 + .3 · (.2 + .8 · 3/4) + .2 · (1 − .75).
    let expected = 0.25 + 0.3 * 0.8 + 0.2 * 0.25;
    assert!((scenario.utility(0, &[1, 3, 3]) - expected).abs() < 1e-12);
    // A partial reservation bid: the missing budget adds nothing.
    assert!((scenario.actors[0].reservation - (0.25 + 0.3 * 0.6)).abs() < 1e-12);
}

#[test]
fn mistakes_in_a_profile_are_located() {
    check(&with(PROFILE, r#""days": 0.3"#, r#""dayz": 0.3"#), 8, None, "unknown issue `dayz`");
    check(
        &with(PROFILE, r#""city": 0.5}"#, r#""city": 1.5}"#),
        4,
        Some("LinearAdditiveUtilitySpace.issueUtilities.place.discreteutils.valueUtilities.city"),
        "utility 1.5 is outside [0, 1]",
    );
    check(&with(PROFILE, r#""city": 0.5}"#, r#""town": 0.5}"#), 4, None, "`town` is not a value of issue `place`");
    check(
        &with(PROFILE, r#""place": 0.5,"#, r#""place": "half","#),
        8,
        Some("LinearAdditiveUtilitySpace.issueWeights.place"),
        "\"half\" is not a number",
    );
    check(
        &with(PROFILE, r#""place": 0.5,"#, r#""place": -0.5,"#),
        8,
        Some("LinearAdditiveUtilitySpace.issueWeights.place"),
        "weight -0.5 is negative",
    );
    check(&with(PROFILE, r#""place": 0.5,"#, r#""place": 1e999,"#), 8, None, "malformed JSON");
    check(
        &with(PROFILE, r#""lowValue": 1,"#, r#""lowValue": 2,"#),
        5,
        None,
        "numberutils covers [2, 5] but the values run from 1 to 5",
    );
    check(
        &with(PROFILE, r#""days": {"numberutils""#, r#""days": {"discreteutils""#),
        5,
        None,
        "issue `days` is numeric",
    );
    check(
        &with(PROFILE, r#""place": "city", "days": 3"#, r#""place": "town", "days": 3"#),
        18,
        None,
        "`\"town\"` is not a value of issue `place`",
    );
    check(
        &with(PROFILE, r#""place": "city", "days": 3"#, r#""place": "city", "nights": 3"#),
        18,
        None,
        "unknown issue `nights` in the reservation bid",
    );
    check(&with(PROFILE, r#""budget": 0.2"#, r#""budget": 0.1"#), 8, None, "issueWeights sum to 0.9");
    check(
        &with(PROFILE, r#""place": {"values": ["city", "beach"]}"#, r#""place": {"values": ["city", "port"]}"#),
        9,
        None,
        "embedded domain differs from the one in `trip.json`: issue `place` has other values",
    );
    // Truncated: serde_json's line and column.
    let cut = &PROFILE[..PROFILE.find(r#""issueWeights""#).expect("fixture")];
    check(cut, 8, None, "malformed JSON: EOF while parsing");
}

#[test]
fn weights_not_summing_to_one_follow_the_policy() {
    let profile = with(PROFILE, r#""budget": 0.2"#, r#""budget": 0.1"#);
    let (scenario, warnings) =
        load(&[("trip.json", DOMAIN), ("t.json", &profile)], WeightPolicy::Normalise).expect("loads");
    assert!(
        warnings.iter().any(|w| w.message.starts_with("t.json:8:") && w.message.contains("divided by the sum")),
        "{warnings:?}"
    );
    // (beach, 5 days, 0): 0.5 + 0.3 + 0.1, over 0.9.
    assert!((scenario.utility(0, &[0, 4, 0]) - 1.0).abs() < 1e-12);
}

#[test]
fn missing_or_unsupported_files_are_named() {
    let error = load(&[("trip.json", DOMAIN)], WeightPolicy::Refuse).expect_err("no profile");
    assert!(error.message.contains("no GeniusWeb profile"), "{error}");
    let other = r#"{"SumOfGroupsUtilitySpace": {"domain": {}, "partsUtilities": {}}}"#;
    let error = load(&[("trip.json", DOMAIN), ("s.json", other)], WeightPolicy::Refuse).expect_err("unsupported");
    assert_eq!((error.file.as_str(), error.line), ("s.json", Some(1)), "{error}");
    assert!(error.message.contains("profile type `SumOfGroupsUtilitySpace` is not supported"), "{error}");
    let error =
        load(&[("a.json", DOMAIN), ("b.json", DOMAIN), ("t.json", PROFILE)], WeightPolicy::Refuse).expect_err("two");
    assert!(error.message.contains("two GeniusWeb domains"), "{error}");
    let broken_domain = with(DOMAIN, r#""step": 250"#, r#""step": 0"#);
    let error = load(&[("trip.json", &broken_domain), ("t.json", PROFILE)], WeightPolicy::Refuse).expect_err("step 0");
    assert_eq!((error.file.as_str(), error.line), ("trip.json", Some(6)), "{error}");
}

#[test]
fn hostile_input_is_an_error_not_a_crash() {
    for cut in 0..=PROFILE.len() {
        if let Some(prefix) = PROFILE.get(..cut) {
            let _ = load(&[("trip.json", DOMAIN), ("t.json", prefix)], WeightPolicy::Normalise);
        }
    }
    let deep = format!("{{\"LinearAdditiveUtilitySpace\": {}", "[".repeat(100_000));
    let error = load(&[("trip.json", DOMAIN), ("t.json", &deep)], WeightPolicy::Refuse).expect_err("deep");
    assert!(error.message.contains("malformed JSON"), "{error}");
}
