//! The scenarios bundled in `scenarios/`: every file parses and validates, and
//! the analyses of the hand-written ones give the facts their descriptions
//! state. Run with `--nocapture` to see the numbers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use detente_core::{
    Analysis, AnalysisOptions, OutcomeSpace, Point, Scenario, ScenarioSpec, WeightPolicy, analyze, issue_value,
};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

fn load_path(path: &Path) -> Scenario {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec: ScenarioSpec = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (scenario, warnings) =
        Scenario::new(spec, WeightPolicy::Refuse).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(warnings.is_empty(), "{}: {warnings:?}", path.display());
    scenario
}

fn load(name: &str) -> Scenario {
    load_path(&scenarios_dir().join(format!("{name}.toml")))
}

fn size(s: &Scenario) -> u64 {
    OutcomeSpace::of(s).size().expect("the bundled spaces fit in a u64")
}

fn actor(s: &Scenario, id: &str) -> usize {
    s.actor_index(id).unwrap_or_else(|| panic!("no actor {id}"))
}

/// The outcome of `point` as `issue=value` pairs, in issue order.
fn describe(s: &Scenario, point: &Point) -> Vec<String> {
    s.issues.iter().zip(&point.outcome).map(|(i, &l)| format!("{}={}", i.id, issue_value(i, l))).collect()
}

/// The level of `issue` in `point`, as text.
fn value(s: &Scenario, point: &Point, issue: &str) -> String {
    let i = s.issues.iter().position(|i| i.id == issue).unwrap_or_else(|| panic!("no issue {issue}"));
    issue_value(&s.issues[i], point.outcome[i]).to_string()
}

fn run(s: &Scenario, actors: Option<Vec<usize>>) -> Analysis {
    let started = Instant::now();
    let analysis = analyze(s, &AnalysisOptions { actors: actors.clone(), ..AnalysisOptions::default() }).unwrap();
    let names: Vec<&str> = analysis.actors.iter().map(|&a| s.actors[a].id.as_str()).collect();
    println!(
        "{} {names:?}: {} outcomes in {:?}; frontier {}; ZOPA at the table {} (blocked by {:?}), with vetoes {} (blocked by {:?})",
        s.name,
        analysis.n_outcomes,
        started.elapsed(),
        analysis.frontier.len(),
        analysis.zopa_table.as_ref().expect("counted").size,
        analysis.zopa_table.as_ref().expect("counted").blocked_by,
        analysis.zopa_veto.as_ref().expect("counted").size,
        analysis.zopa_veto.as_ref().expect("counted").blocked_by,
    );
    if let Some(nash) = &analysis.solutions.nash {
        let all: Vec<String> =
            (0..s.n_actors()).map(|a| format!("{}={:.3}", s.actors[a].id, s.utility(a, &nash.point.outcome))).collect();
        println!("  Nash: {:?}\n        utilities {all:?}", describe(s, &nash.point));
    }
    analysis
}

#[test]
fn every_bundled_scenario_parses_and_validates() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    // (file stem, actors, issues, outcomes) for the hand-written scenarios.
    let expected = [
        ("riyadh-2025", 5, 9, 32_805),
        ("climate-finance-ncqg", 4, 5, 2_106),
        ("labour-contract", 2, 5, 6_120),
        ("laptop", 2, 3, 27),
    ];
    for (stem, ..) in &expected {
        assert!(names.iter().any(|p| p.file_stem().is_some_and(|s| s == *stem)), "scenarios/{stem}.toml is missing");
    }
    for path in &names {
        let s = load_path(path);
        let stem = path.file_stem().unwrap().to_string_lossy();
        if let Some(&(_, n_actors, n_issues, n_outcomes)) = expected.iter().find(|e| e.0 == stem) {
            assert_eq!(s.n_actors(), n_actors, "{stem}");
            assert_eq!(s.n_issues(), n_issues, "{stem}");
            assert_eq!(size(&s), n_outcomes, "{stem}");
        }
    }
}

#[test]
fn riyadh_every_estimate_is_explained() {
    let s = load("riyadh-2025");
    for a in &s.actors {
        for key in ["capability", "reservation"].into_iter().chain(s.issues.iter().map(|i| i.id.as_str())) {
            let reason = a.estimates.get(key).unwrap_or_else(|| panic!("{}: no estimate for {key}", a.id));
            assert!(reason.len() > 20, "{}: the reason for {key} is too short", a.id);
        }
    }
}

#[test]
fn riyadh_actors_and_status_quo_anchors() {
    let s = load("riyadh-2025");
    let seat = |id: &str| {
        let a = &s.actors[actor(&s, id)];
        (a.at_table, a.veto)
    };
    assert_eq!(seat("us"), (true, true));
    assert_eq!(seat("russia"), (true, true));
    assert_eq!(seat("ukraine"), (false, true));
    assert_eq!(seat("eu"), (false, true));
    assert_eq!(seat("china"), (false, false));

    // The reservation values are anchored on each actor's utility for the
    // status quo that the description defines; their reasons quote these.
    let status_quo = [
        ("ceasefire", "12"),
        ("territory", "100"),
        ("alliance", "NATO membership deferred"),
        ("eu_accession", "accession talks continue"),
        ("peacekeeping", "none"),
        ("sanctions", "kept"),
        ("lng", "0"),
        ("rare_earths", "0"),
        ("relations", "frozen"),
    ];
    let outcome: Vec<u32> = s
        .issues
        .iter()
        .zip(status_quo)
        .map(|(issue, (id, v))| {
            assert_eq!(issue.id, id);
            (0..).find(|&l| issue_value(issue, l).to_string() == v).unwrap()
        })
        .collect();
    for (id, anchor) in [("us", 0.15), ("russia", 0.67), ("ukraine", 0.29), ("eu", 0.65), ("china", 0.34)] {
        let u = s.utility(actor(&s, id), &outcome);
        println!("status quo: {id} {u:.3}");
        assert!((u - anchor).abs() < 0.005, "{id}: status-quo utility {u:.3}, the estimate says ≈{anchor}");
    }
}

#[test]
fn riyadh_analysis() {
    let s = load("riyadh-2025");
    let (us, russia, ukraine, eu) = (actor(&s, "us"), actor(&s, "russia"), actor(&s, "ukraine"), actor(&s, "eu"));

    let all = run(&s, None);
    assert_eq!(all.n_outcomes, 32_805);
    // The two at the table have a zone of agreement; a thin sliver of it
    // survives Ukraine's and Europe's vetoes.
    assert_eq!(all.zopa_table.as_ref().expect("counted").actors, vec![us, russia]);
    assert_eq!(all.zopa_table.as_ref().expect("counted").size, 4_727);
    assert_eq!(all.zopa_veto.as_ref().expect("counted").actors, vec![us, russia, ukraine, eu]);
    // (13 of the 43 sit exactly at a reservation value in exact arithmetic;
    // they count because a ZOPA is what every member weakly prefers. A
    // Python enumeration of the TOML file gives the same 43 and 13.)
    assert_eq!(all.zopa_veto.as_ref().expect("counted").size, 43);
    // Of the outcomes the other three accept, Russia alone blocks most.
    let blocked = &all.zopa_veto.as_ref().expect("counted").blocked_by;
    assert!(blocked[1] > blocked[0] + blocked[2] + blocked[3]);

    // The US–Russia bargain: Nash over the two at the table.
    let table = run(&s, Some(vec![us, russia]));
    assert_eq!(table.zopa_table.as_ref().expect("counted").size, all.zopa_table.as_ref().expect("counted").size);
    assert_eq!(table.zopa_veto.as_ref().expect("counted").size, all.zopa_veto.as_ref().expect("counted").size);
    let nash = table.solutions.nash.as_ref().expect("the table's ZOPA is not empty");
    for (issue, v) in [
        ("ceasefire", "0"),
        ("territory", "100"),
        ("alliance", "permanent neutrality"),
        ("peacekeeping", "none"),
        ("sanctions", "lifted"),
        ("lng", "100"),
        ("rare_earths", "50"),
        ("relations", "full normalisation and a summit"),
    ] {
        assert_eq!(value(&s, &nash.point, issue), v, "{issue} at the US–Russia Nash point");
    }
    // It is a bargain the two outside with a veto reject.
    for outsider in [ukraine, eu] {
        let u = s.utility(outsider, &nash.point.outcome);
        assert!(u < s.actors[outsider].reservation, "{}: {u:.3}", s.actors[outsider].id);
    }

    // The bargain of all four who must consent: Russia keeps neutrality,
    // Ukraine keeps its minerals, the fighting stops at once.
    let consent = run(&s, Some(vec![us, russia, ukraine, eu]));
    let nash = consent.solutions.nash.as_ref().expect("the ZOPA with vetoes is not empty");
    for (issue, v) in [("ceasefire", "0"), ("alliance", "permanent neutrality"), ("rare_earths", "0")] {
        assert_eq!(value(&s, &nash.point, issue), v, "{issue} at the four-party Nash point");
    }
}

#[test]
fn climate_finance_analysis() {
    let s = load("climate-finance-ncqg");
    let a = run(&s, None);
    assert_eq!(
        a.zopa_table.as_ref().expect("counted").size,
        a.zopa_veto.as_ref().expect("counted").size,
        "every bloc is at the table"
    );
    assert_eq!(a.zopa_veto.as_ref().expect("counted").size, 139);
    let nash = a.solutions.nash.as_ref().expect("the ZOPA is not empty");
    assert_eq!(value(&s, &nash.point, "goal"), "200");

    // What COP29 adopted lies outside the illustrative zone: the vulnerable
    // countries get less than their reservation value.
    let adopted = [
        ("goal", "300"),
        ("sources", "all sources, public and private"),
        ("contributors", "developing countries voluntarily"),
        ("floors", "no allocation floors"),
        ("target_year", "2035"),
    ];
    let outcome: Vec<u32> = s
        .issues
        .iter()
        .zip(adopted)
        .map(|(issue, (_, v))| (0..).find(|&l| issue_value(issue, l).to_string() == v).unwrap())
        .collect();
    let vulnerable = actor(&s, "vulnerable");
    let u = s.utility(vulnerable, &outcome);
    println!("  the adopted NCQG gives the vulnerable bloc {u:.3}");
    assert!(u < s.actors[vulnerable].reservation);
}

#[test]
fn labour_contract_analysis() {
    let s = load("labour-contract");
    let a = run(&s, None);
    assert_eq!(a.zopa_table.as_ref().expect("counted").size, 829);
    let nash = a.solutions.nash.as_ref().expect("the ZOPA is not empty");
    assert_eq!(value(&s, &nash.point, "wage_increase"), "3");
    assert_eq!(value(&s, &nash.point, "hours"), "36 hours");
}
