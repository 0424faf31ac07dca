//! The real GENIUS scenarios under `testdata/genius` (the ANAC collection kept
//! by NegMAS), loaded whole and checked against numbers read off the XML by
//! hand and against GENIUS' own `pareto.xml`.

use detente_core::constraint::{SearchBudget, constraint_frontier};
use detente_core::{OutcomeSpace, Preference, PreferenceSpec, Scenario, Warning, WeightPolicy};
use detente_formats::genius::{GeniusFileKind, InputFile, classify, load_genius, read_genius, read_pareto};

const GENIUS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/genius");

/// Every file of a scenario folder as (name, text), in name order.
fn folder(name: &str) -> Vec<(String, String)> {
    let dir = format!("{GENIUS_DIR}/{name}");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| {
            let path = entry.expect("directory entry").path();
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, text)
        })
        .collect();
    files.sort();
    files
}

fn inputs(files: &[(String, String)]) -> Vec<InputFile<'_>> {
    files.iter().map(|(name, text)| InputFile { name, text }).collect()
}

fn load(name: &str) -> (Scenario, Vec<Warning>) {
    let files = folder(name);
    load_genius(&inputs(&files), WeightPolicy::Normalise).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn actor(scenario: &Scenario, id: &str) -> usize {
    scenario.actor_index(id).unwrap_or_else(|| panic!("no actor {id}"))
}

/// Issues, actors and outcomes of every folder. The outcome counts are the
/// products of the domains' option counts (and 11 × 11 for IntegerDomain's
/// two integer issues on [−5, 5]); the README gives Travel's, Energy's and
/// AMPOvsCity's.
#[test]
fn every_folder_loads_with_its_issues_actors_and_outcomes() {
    let cases: &[(&str, usize, usize, Option<u64>)] = &[
        ("10issues", 10, 2, Some(10_000_000_000)),
        ("30issuesDiscountedwithRV", 30, 2, None),
        ("AMPOvsCity", 10, 2, Some(1_944_000)),
        ("Amsterdam", 6, 2, Some(3_024)),
        ("Atlas3", 2, 3, Some(9)),
        ("Camera", 6, 2, Some(3_600)),
        ("Domain4", 4, 6, Some(320)),
        ("Energy", 8, 2, Some(390_625)),
        ("EnergySmallA", 6, 2, Some(15_625)),
        ("EnglandZimbabwe", 5, 2, Some(576)),
        ("Grocery", 5, 2, Some(1_600)),
        ("IntegerDomain", 2, 2, Some(121)),
        ("ItexvsCypress", 4, 2, Some(180)),
        ("Laptop", 3, 2, Some(27)),
        ("S-1NAGUNL-114", 10, 2, Some(10_000_000_000)),
        ("S-1NIKFRT-1", 10, 2, Some(10_000_000_000)),
        ("Travel", 7, 2, Some(188_160)),
        ("Ultimatum", 2, 2, Some(9)),
        ("group1-university", 5, 9, Some(2_250)),
        ("group2-politics", 8, 3, Some(23_040)),
    ];
    let mut folders: Vec<String> = std::fs::read_dir(GENIUS_DIR)
        .expect("testdata/genius")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let listed: Vec<&str> = cases.iter().map(|c| c.0).collect();
    assert_eq!(folders, listed, "every folder of testdata/genius has a case");

    for &(name, n_issues, n_actors, outcomes) in cases {
        let (scenario, _) = load(name);
        assert_eq!(scenario.n_issues(), n_issues, "{name}: issues");
        assert_eq!(scenario.n_actors(), n_actors, "{name}: actors");
        let space = OutcomeSpace::of(&scenario);
        assert_eq!(space.size(), outcomes, "{name}: outcomes");
        for actor in &scenario.actors {
            assert!(actor.at_table && actor.veto, "{name}: {} negotiates and must consent", actor.id);
        }
    }
    let (thirty, _) = load("30issuesDiscountedwithRV");
    let approximate = OutcomeSpace::of(&thirty).approximate_size();
    assert!((approximate / 1e30 - 1.0).abs() < 1e-12, "{approximate}");
}

#[test]
fn laptop_utilities_are_weighted_evaluations_over_the_largest() {
    let (scenario, warnings) = load("Laptop");
    // The weights as written sum to 1.0000518; Normalise divides by the sum.
    let weights = [0.4452125771655631, 0.37808251708013424, 0.1767567099260568];
    let sum: f64 = weights.iter().sum();
    assert!(warnings.iter().any(|w| w.message.contains("divided by the sum")), "{warnings:?}");

    let buyer = actor(&scenario, "laptop_buyer_utility");
    let seller = actor(&scenario, "laptop_seller_utility");
    // (Dell, 60 Gb, 19'' LCD): the first option of every issue.
    let dell_60_19 = [0, 0, 0];
    let expected_buyer = (weights[0] * 12.0 / 30.0 + weights[1] * 30.0 / 30.0 + weights[2] * 30.0 / 30.0) / sum;
    assert!((scenario.utility(buyer, &dell_60_19) - expected_buyer).abs() < 1e-12);
    // The seller weighs Laptop 0.378…, Harddisk 0.176…, Monitor 0.445…, and
    // evaluates Dell 12 of 30, 60 Gb 20 of 30, 19'' 3 of 3.
    let expected_seller = (weights[1] * 12.0 / 30.0 + weights[2] * 20.0 / 30.0 + weights[0] * 3.0 / 3.0) / sum;
    assert!((scenario.utility(seller, &dell_60_19) - expected_seller).abs() < 1e-12);
    // (HP, 120 Gb, 23'' LCD) for the buyer: 30/30, 9/30, 20/30.
    let expected = (weights[0] + weights[1] * 9.0 / 30.0 + weights[2] * 20.0 / 30.0) / sum;
    assert!((scenario.utility(buyer, &[2, 2, 2]) - expected).abs() < 1e-12);

    let laptop = &scenario.actors[buyer];
    assert_eq!(laptop.discount, Some(0.42441038));
    assert_eq!(laptop.reservation, 0.0);
    assert_eq!(scenario.issues[2].id, "External Monitor");
    let source = scenario.source.as_deref().expect("a source");
    assert!(source.contains("laptop_domain.xml") && source.contains("laptop_seller_utility.xml"), "{source}");
    assert_eq!(scenario.name, "laptop");
}

/// AMPOvsCity: a nested template naming its agents, issues without a type,
/// profiles that list options in another order than the template, and an
/// option evaluated twice.
#[test]
fn ampo_vs_city_matches_options_by_name_and_keeps_the_last_evaluation() {
    let (scenario, warnings) = load("AMPOvsCity");
    let ampo = actor(&scenario, "ampo_vs_city_ampo_space");
    assert_eq!(scenario.actors[ampo].name, "AMPO");
    assert_eq!(scenario.actors[actor(&scenario, "ampo_vs_city_city_space")].name, "City");
    assert_eq!(scenario.issues[0].id, "Increase in starting salaries");

    // Every issue at its first template option. Starting salary "0" is
    // evaluated 0 and then 8 (of 100): the 8 counts. "Fire" is the template's
    // first Daniels option but the profile's second, worth 100. "Disband" is
    // worth 100. Everything else is worth 0.
    let first = [0u32; 10];
    let expected = 0.457 * 0.08 + 0.07 + 0.097;
    assert!((scenario.utility(ampo, &first) - expected).abs() < 1e-12, "{}", scenario.utility(ampo, &first));
    // Every issue at its last option: all worth their maximum (sergeants 90 of
    // 90) except "Keep" and "No police, change vote".
    let last = [5, 4, 5, 4, 2, 3, 2, 5, 1, 4];
    assert!((scenario.utility(ampo, &last) - (1.0 - 0.07 - 0.097)).abs() < 1e-12);

    let duplicates: Vec<&Warning> = warnings.iter().filter(|w| w.message.contains("evaluated twice")).collect();
    assert_eq!(duplicates.len(), 1, "{warnings:?}");
    assert!(duplicates[0].message.starts_with("ampo_vs_city_ampo_space.xml:15:"), "{}", duplicates[0].message);
}

/// GENIUS' integer evaluator is slope·(x − lowerbound) + offset.
#[test]
fn integer_evaluators_measure_from_the_lower_bound() {
    let (scenario, warnings) = load("IntegerDomain");
    let first = actor(&scenario, "IntegerDomain-prof1");
    // price = −5, otherprice = 5: 0.75 · 0.3 + 0.25 · (0.1 · 10).
    assert!((scenario.utility(first, &[0, 10]) - 0.475).abs() < 1e-12);
    // price = 0, otherprice = 0: 0.75 · (0.08 · 5 + 0.3) + 0.25 · (0.1 · 5).
    assert!((scenario.utility(first, &[5, 5]) - 0.65).abs() < 1e-12);
    assert_eq!(scenario.actors[first].discount, None, "a discount factor of 0 means none");
    // Prof1's price evaluation would reach 0.08 · 10 + 0.3 = 1.1 at price 5;
    // GENIUS' EvaluatorInteger cuts it to 1, and so does the import:
    // price = 5, otherprice = −5: 0.75 · 1 + 0.25 · 0 (not 0.825).
    assert!((scenario.utility(first, &[10, 0]) - 0.75).abs() < 1e-12, "{}", scenario.utility(first, &[10, 0]));
    // At price 4 the line gives 1.02, cut to 1 as well; at price 3, 0.94.
    assert!((scenario.utility(first, &[9, 0]) - 0.75).abs() < 1e-12);
    assert!((scenario.utility(first, &[8, 0]) - 0.75 * 0.94).abs() < 1e-12);
    // Only a line that leaves [0, 1] is marked; nothing to warn about.
    let evaluators = |a: usize| match &scenario.actors[a].preference {
        detente_core::Preference::LinearAdditive(p) => p.evaluators.clone(),
        other => panic!("linear additive expected, got {other:?}"),
    };
    let clamps: Vec<bool> = evaluators(first)
        .iter()
        .map(|e| matches!(e, detente_core::scenario::Evaluator::Linear { clamp: true, .. }))
        .collect();
    assert_eq!(clamps, [true, false]);
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn reservation_values_and_discount_factors_are_read() {
    let (ultimatum, _) = load("Ultimatum");
    for a in &ultimatum.actors {
        assert_eq!((a.reservation, a.discount), (0.1, Some(0.05)), "{}", a.id);
    }
    let (thirty, _) = load("30issuesDiscountedwithRV");
    for a in &thirty.actors {
        assert_eq!((a.reservation, a.discount), (0.75, Some(0.5)), "{}", a.id);
    }
    let (politics, _) = load("group2-politics");
    assert!(politics.actors.iter().all(|a| a.discount.is_none()), "a discount factor of 1.0 means none");
    let (negotiation, _) = load("S-1NAGUNL-114");
    let reservations: Vec<f64> = negotiation.actors.iter().map(|a| a.reservation).collect();
    assert_eq!(reservations, [0.6, 0.5]);
}

fn constraint_parts(spec: &PreferenceSpec) -> (f64, usize) {
    match spec {
        PreferenceSpec::Constraint { max_utility, rectangles } => (*max_utility, rectangles.len()),
        other => panic!("expected a constraint preference, got {other:?}"),
    }
}

#[test]
fn nonlinear_profiles_keep_their_rectangles_and_maximum() {
    // (folder, [(max utility, rectangles)] per profile, as written in the XML.)
    let cases: &[(&str, [(f64, usize); 2])] = &[
        ("10issues", [(662.0, 20), (885.0, 20)]),
        ("30issuesDiscountedwithRV", [(2194.0, 60), (2059.0, 60)]),
        ("S-1NIKFRT-1", [(1036.0, 20), (704.0, 20)]),
    ];
    for (name, expected) in cases {
        let files = folder(name);
        let spec = read_genius(&inputs(&files)).expect("reads");
        let parts: Vec<(f64, usize)> = spec.actors.iter().map(|a| constraint_parts(&a.preferences)).collect();
        assert_eq!(parts, expected, "{name}");
        for (k, profile) in ["profile-1.xml", "profile-2.xml"].iter().enumerate() {
            let text = &files.iter().find(|(n, _)| n == profile).expect("profile").1;
            assert_eq!(text.matches("<hyperRectangle").count(), expected[k].1, "{name}/{profile}");
        }
    }
}

/// A hyperrectangle read straight from the XML text, for an evaluator written
/// independently of the importer: GENIUS' rule, with EXCLUDES paying outside
/// its box.
struct RawRectangle {
    utility: f64,
    exclusive: bool,
    bounds: Vec<(usize, f64, f64)>,
}

fn attribute(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("{name} in {tag}")) + name.len() + 3;
    let end = start + tag[start..].find('"').expect("closing quote");
    tag[start..end].parse().expect("a number")
}

fn raw_rectangles(profile: &str) -> (f64, Vec<RawRectangle>) {
    let max_utility = attribute(&profile[profile.find("<utility ").expect("<utility>")..], "maxutility");
    let rectangles = profile
        .split("<hyperRectangle")
        .skip(1)
        .map(|chunk| {
            let body = &chunk[..chunk.find("</hyperRectangle>").expect("closed")];
            let utility = attribute(&body[..body.find('>').expect("tag end")], "utility");
            let bounds: Vec<(usize, f64, f64)> = body
                .split('<')
                .filter(|t| t.starts_with("INCLUDES") || t.starts_with("EXCLUDES"))
                .map(|t| (attribute(t, "index") as usize, attribute(t, "min"), attribute(t, "max")))
                .collect();
            RawRectangle { utility, exclusive: body.contains("<EXCLUDES"), bounds }
        })
        .collect();
    (max_utility, rectangles)
}

fn genius_utility(max_utility: f64, rectangles: &[RawRectangle], bid: &dyn Fn(usize) -> f64) -> f64 {
    let total: f64 = rectangles
        .iter()
        .filter(|r| {
            let inside = r.bounds.iter().all(|&(index, lo, hi)| lo <= bid(index) && bid(index) <= hi);
            if r.exclusive { !inside } else { inside }
        })
        .map(|r| r.utility)
        .sum();
    total / max_utility
}

/// S-1NAGUNL-114 has EXCLUDES rectangles (five between the two profiles), each
/// cut into disjoint boxes; the utilities must still be GENIUS' at every
/// outcome tried.
#[test]
fn excluded_rectangles_pay_outside_their_box() {
    let files = folder("S-1NAGUNL-114");
    let (scenario, _) = load_genius(&inputs(&files), WeightPolicy::Refuse).expect("loads");
    let counts: Vec<usize> = scenario
        .actors
        .iter()
        .map(|a| match &a.preference {
            Preference::Constraint(c) => c.rectangles.len(),
            _ => 0,
        })
        .collect();
    // 26 rectangles each. Profile-1's four EXCLUDES rectangles become 2, 2, 2
    // and 1 boxes (a bound reaching an end of its issue leaves one side, a
    // bound covering the whole issue none); profile-2's one becomes 3.
    assert_eq!(counts, [29, 28]);

    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % 10
    };
    for (position, profile) in ["profile-1.xml", "profile-2.xml"].iter().enumerate() {
        let text = &files.iter().find(|(n, _)| n == profile).expect("profile").1;
        let (max_utility, rectangles) = raw_rectangles(text);
        assert_eq!(rectangles.len(), 26);
        for _ in 0..3000 {
            let outcome: Vec<u32> = (0..10).map(|_| next() as u32).collect();
            // Issue index i is the domain's i-th issue, on levels 0–9.
            let bid = |index: usize| f64::from(outcome[index - 1]);
            let expected = genius_utility(max_utility, &rectangles, &bid);
            let got = scenario.utility(position, &outcome);
            assert!((got - expected).abs() < 1e-12, "{profile} at {outcome:?}: {got} vs {expected}");
        }
    }
}

/// GENIUS' `pareto.xml` is the exact frontier for the three 10-issue nonlinear
/// folders: the core's exact search over the imported rectangles must find
/// the same points (written by GENIUS as 32-bit floats).
#[test]
fn nonlinear_frontiers_match_geniuses_pareto_files() {
    for name in ["10issues", "S-1NIKFRT-1", "S-1NAGUNL-114"] {
        let files = folder(name);
        let (scenario, _) = load_genius(&inputs(&files), WeightPolicy::Refuse).expect("loads");
        let pareto = files.iter().find(|(n, _)| n == "pareto.xml").expect("pareto.xml");
        let mut oracle = read_pareto(InputFile { name: &pareto.0, text: &pareto.1 }).expect("reads");
        let frontier = constraint_frontier(&scenario, &[0, 1], &SearchBudget::default()).expect("searches");
        assert!(frontier.exact, "{name}");
        let mut found: Vec<Vec<f64>> = frontier.points.iter().map(|p| p.utilities.clone()).collect();
        found.sort_by(|a, b| a[0].total_cmp(&b[0]));
        oracle.sort_by(|a, b| a[0].total_cmp(&b[0]));
        assert_eq!(found.len(), oracle.len(), "{name}: {found:?} vs {oracle:?}");
        for (f, o) in found.iter().zip(&oracle) {
            assert!((f[0] - o[0]).abs() < 1e-6 && (f[1] - o[1]).abs() < 1e-6, "{name}: {f:?} vs {o:?}");
        }
    }
}

#[test]
fn pareto_files_hold_one_utility_vector_per_line() {
    let cases = [("10issues", 10), ("30issuesDiscountedwithRV", 34), ("S-1NIKFRT-1", 4), ("S-1NAGUNL-114", 4)];
    for (name, n_points) in cases {
        let files = folder(name);
        let pareto = files.iter().find(|(n, _)| n == "pareto.xml").expect("pareto.xml");
        assert_eq!(classify(&pareto.1), GeniusFileKind::Pareto);
        let points = read_pareto(InputFile { name: &pareto.0, text: &pareto.1 }).expect("reads");
        assert_eq!(points.len(), n_points, "{name}");
        assert!(points.iter().all(|p| p.len() == 2 && p.iter().all(|u| (0.0..=1.0).contains(u))), "{name}");
    }
    let files = folder("10issues");
    let pareto = &files.iter().find(|(n, _)| n == "pareto.xml").expect("pareto.xml").1;
    let points = read_pareto(InputFile { name: "pareto.xml", text: pareto }).expect("reads");
    assert_eq!(points[0], [0.67824775, 1.0]);
    assert_eq!(points[9], [1.0, 0.5943503]);
}

#[test]
fn files_are_told_apart_by_content() {
    let files = folder("Grocery");
    let kinds: Vec<(&str, GeniusFileKind)> = files.iter().map(|(n, t)| (n.as_str(), classify(t))).collect();
    assert_eq!(
        kinds,
        [
            ("Grocery_domain.xml", GeniusFileKind::Domain),
            ("Grocery_domain_mary.xml", GeniusFileKind::Profile),
            ("Grocery_domain_sam.xml", GeniusFileKind::Profile),
        ]
    );
    assert_eq!(classify("# notes\nnothing to see"), GeniusFileKind::Other);
    assert_eq!(classify("<?xml version=\"1.0\"?>\n<!-- c -->\n<tournament/>"), GeniusFileKind::Other);
    assert_eq!(classify(""), GeniusFileKind::Other);

    // Unrelated files in the folder are ignored.
    let mut with_extras = folder("Laptop");
    with_extras.push(("README.md".to_owned(), "# Laptop\n".to_owned()));
    with_extras.push(("pareto.xml".to_owned(), "0.5, 1\n1, 0.5\n".to_owned()));
    let spec = read_genius(&inputs(&with_extras)).expect("reads");
    assert_eq!(spec.actors.len(), 2);
}

/// A profile's actor is named after its file, and actors come in file-name
/// order, whatever order the caller lists the files in.
#[test]
fn actors_follow_file_name_order() {
    let mut files = folder("group1-university");
    files.reverse();
    let spec = read_genius(&inputs(&files)).expect("reads");
    let ids: Vec<&str> = spec.actors.iter().map(|a| a.id.as_str()).collect();
    let expected: Vec<String> = (1..=9).map(|k| format!("University_util{k}")).collect();
    assert_eq!(ids, expected);
}
