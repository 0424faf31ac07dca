//! The core's structured (non-enumerating) frontier and ZOPA count of
//! additive scenarios against `analyze`'s enumeration, on every linear
//! additive GENIUS folder of `testdata/genius`, Travel (188,160 outcomes),
//! Energy (390,625) and AMPOvsCity (1,944,000) among them.
//!
//! `additive_frontier` keeps one witness per distinct utility vector where
//! `analyze` keeps every tied outcome, so the comparison is of the sequences
//! of distinct vectors (bit for bit, in frontier order), with each witness
//! the first outcome `analyze` lists for its vector. Timings are printed; run
//! with `--release -- --nocapture` to read them.

#![allow(clippy::print_stderr, reason = "timings are reported to whoever runs the test")]

use std::path::{Path, PathBuf};
use std::time::Instant;

use detente_core::additive::{CountLimits, FrontierLimits, additive_frontier, count_acceptable};
use detente_core::{AnalysisOptions, OutcomeSpace, Preference, Scenario, WeightPolicy, Zopa, analyze};
use detente_formats::genius::{InputFile, load_genius};

fn load(folder: &str) -> Scenario {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/genius").join(folder);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("readable folder").path()).collect();
    paths.sort();
    let files: Vec<(String, String)> = paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            (name, std::fs::read_to_string(p).expect("readable file"))
        })
        .collect();
    let inputs: Vec<InputFile<'_>> = files.iter().map(|(name, text)| InputFile { name, text }).collect();
    load_genius(&inputs, WeightPolicy::Normalise).unwrap_or_else(|e| panic!("{folder}: {e}")).0
}

/// Checks the frontier of `analyze`'s actors and both ZOPAs against `analyze`.
fn check(folder: &str) {
    let scenario = load(folder);
    assert!(
        scenario.actors.iter().all(|a| !matches!(a.preference, Preference::Constraint(_))),
        "{folder}: additive profiles only"
    );
    let space = OutcomeSpace::of(&scenario);

    let started = Instant::now();
    let analysis = analyze(&scenario, &AnalysisOptions::default()).expect("enumerable");
    let enumerated = started.elapsed();
    let actors = &analysis.actors;

    let started = Instant::now();
    let frontier = additive_frontier(&scenario, &space, actors, &FrontierLimits::default()).expect("additive");
    let structured = started.elapsed();

    // analyze's frontier, each distinct vector once with its first outcome.
    let mut expected = analysis.frontier.clone();
    expected.dedup_by(|later, earlier| later.utilities == earlier.utilities);
    let bits = |u: &[f64]| u.iter().map(|x| (x + 0.0).to_bits()).collect::<Vec<_>>();
    assert_eq!(frontier.len(), expected.len(), "{folder}: distinct frontier vectors");
    for (got, want) in frontier.iter().zip(&expected) {
        assert_eq!(bits(&got.utilities), bits(&want.utilities), "{folder}: frontier vectors");
        assert_eq!(got.outcome, want.outcome, "{folder}: witness of {:?}", want.utilities);
    }

    let started = Instant::now();
    for zopa in [&analysis.zopa_table, &analysis.zopa_veto] {
        check_zopa(folder, &scenario, &space, zopa.as_ref().expect("enumerated spaces are counted"));
    }
    let counted = started.elapsed();
    eprintln!(
        "{folder}: {:.3e} outcomes, {} actors, {} distinct frontier vectors ({} outcomes): \
         analyze {:.1} ms, additive frontier {:.2} ms, ZOPA counts (with blocking) {:.2} ms",
        space.approximate_size(),
        actors.len(),
        frontier.len(),
        analysis.frontier.len(),
        enumerated.as_secs_f64() * 1e3,
        structured.as_secs_f64() * 1e3,
        counted.as_secs_f64() * 1e3,
    );
}

/// The ZOPA's size and who blocks what, from counts alone: the outcomes all
/// members but `k` accept, less those all members accept.
fn check_zopa(folder: &str, scenario: &Scenario, space: &OutcomeSpace, zopa: &Zopa) {
    let count = |members: &[usize]| {
        let reservations: Vec<f64> = members.iter().map(|&a| scenario.actors[a].reservation).collect();
        count_acceptable(scenario, space, members, &reservations, &CountLimits::default()).expect("countable")
    };
    let all = count(&zopa.actors);
    assert_eq!(all, zopa.size, "{folder}: ZOPA of {:?}", zopa.actors);
    for (k, &blocked) in zopa.blocked_by.iter().enumerate() {
        let others: Vec<usize> = zopa.actors.iter().enumerate().filter(|&(j, _)| j != k).map(|(_, &a)| a).collect();
        assert_eq!(count(&others) - all, blocked, "{folder}: blocked by {}", zopa.actors[k]);
    }
}

#[test]
fn travel() {
    check("Travel");
}

#[test]
fn energy() {
    check("Energy");
}

#[test]
fn ampo_vs_city() {
    check("AMPOvsCity");
}

/// Every other linear additive folder: two to nine profiles.
#[test]
fn other_linear_additive_folders() {
    for folder in [
        "Amsterdam",
        "Atlas3",
        "Camera",
        "Domain4",
        "EnergySmallA",
        "EnglandZimbabwe",
        "Grocery",
        "IntegerDomain",
        "ItexvsCypress",
        "Laptop",
        "Ultimatum",
        "group1-university",
        "group2-politics",
    ] {
        check(folder);
    }
}
