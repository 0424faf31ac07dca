//! KTAB actor tables: every table KTAB ships loads, with the numbers the
//! files show, and a damaged table is refused at the right line.

#![allow(clippy::unwrap_used, reason = "in a test, a panic is the failure, and unwrap's message shows the error")]

use std::path::PathBuf;

use detente_core::{IssueDomain, Preference, WeightPolicy};
use detente_formats::ktab::{grid_step, load_ktab_csv, read_ktab_csv};
use detente_formats::scenario_toml::{load_toml, write_toml};
use proptest::prelude::*;

fn testdata(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/ktab").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ktab").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (file, actors, dimensions), counted in the files.
const TABLES: [(&str, usize, usize); 7] = [
    ("dummyData_3Dim.csv", 7, 3),
    ("dummyData_6Dim.csv", 27, 6),
    ("dummyData-a040.csv", 40, 1),
    ("dummyData-a080.csv", 80, 1),
    ("dummyData-a160.csv", 160, 1),
    ("SOE-Policy.csv", 26, 1),
    ("SOE-Competitive.csv", 34, 1),
];

#[test]
fn every_ktab_table_loads() {
    for (name, n_actors, n_dims) in TABLES {
        let (scenario, warnings) = load_ktab_csv(name, &testdata(name)).unwrap_or_else(|e| panic!("{e}"));
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        assert_eq!((scenario.n_actors(), scenario.n_issues()), (n_actors, n_dims), "{name}");
        for issue in &scenario.issues {
            let IssueDomain::Continuous { min, max, step, .. } = issue.domain else { panic!("{name}: continuous") };
            assert_eq!((min, max, step), (0.0, 100.0, Some(grid_step(n_dims))), "{name}");
        }
        for actor in &scenario.actors {
            assert!(actor.at_table && !actor.veto, "{name}");
            assert!(matches!(actor.preference, Preference::Spatial(_)), "{name}");
        }
    }
}

#[test]
fn dummy_data_3dim_has_the_numbers_in_the_file() {
    // SActor-00, Random Spatial Actor, 102.543, 75.79, 49.53,  6.37,  5.91, 70.45, 28.15,
    let (scenario, _) = load_ktab_csv("dummyData_3Dim.csv", &testdata("dummyData_3Dim.csv")).unwrap();
    assert_eq!(scenario.name, "DummyData_3Dim");
    assert_eq!(scenario.description, "Dummy scenario to test reading format");
    let ids: Vec<&str> = scenario.issues.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["Pstn1", "Pstn2", "Pstn3"]);
    let first = &scenario.actors[0];
    assert_eq!((first.id.as_str(), first.name.as_str()), ("SActor-00", "Random Spatial Actor"));
    assert_eq!(first.capability, 102.543);
    let Preference::Spatial(p) = &first.preference else { panic!("spatial") };
    assert_eq!(p.ideal, [75.79, 6.37, 70.45]);
    assert_eq!(p.salience, [49.53, 5.91, 28.15]);
    // SActor-06, Random Spatial Actor,  54.178, 70.96, 31.75, 33.46, 27.93, 90.36, 26.03,
    let last = &scenario.actors[6];
    assert_eq!((last.id.as_str(), last.capability), ("SActor-06", 54.178));
    let Preference::Spatial(p) = &last.preference else { panic!("spatial") };
    assert_eq!(p.ideal[2], 90.36);
    assert_eq!(p.salience[2], 26.03);
}

#[test]
fn other_tables_have_the_numbers_in_the_files() {
    // CRLF line ends, and a fifth field on the title line.
    let (six, _) = load_ktab_csv("dummyData_6Dim.csv", &testdata("dummyData_6Dim.csv")).unwrap();
    assert_eq!(six.name, "Combined");
    assert_eq!(six.issues[0].id, "Dim0", "the ` Position` suffix is dropped");
    assert_eq!(six.issues[5].id, "Dim5");
    // AA00,Actor 00,99.98,50,8,62.5,10,62.5,8,100,27.99,75,27.99,80,18
    assert_eq!(
        (six.actors[0].id.as_str(), six.actors[0].name.as_str(), six.actors[0].capability),
        ("AA00", "Actor 00", 99.98)
    );
    let Preference::Spatial(p) = &six.actors[0].preference else { panic!("spatial") };
    assert_eq!(p.ideal, [50.0, 62.5, 62.5, 100.0, 75.0, 80.0]);
    assert_eq!(p.salience, [8.0, 10.0, 8.0, 27.99, 27.99, 18.0]);

    // Fields padded with blanks: Act-1160,  Desc-1160,  0.63,  48.46,  26
    let (a160, _) = load_ktab_csv("dummyData-a160.csv", &testdata("dummyData-a160.csv")).unwrap();
    assert_eq!(a160.issues[0].id, "XYZ");
    let last = &a160.actors[159];
    assert_eq!((last.id.as_str(), last.capability), ("Act-1160", 0.63));
    let Preference::Spatial(p) = &last.preference else { panic!("spatial") };
    assert_eq!((p.ideal[0], p.salience[0]), (48.46, 26.0));

    // XJ,Xi Jinping,100,30,30,  and  LH,Liu He - Deputy Director of DRC,40,50,70,
    let (policy, _) = load_ktab_csv("SOE-Policy.csv", &testdata("SOE-Policy.csv")).unwrap();
    assert_eq!(policy.name, "China Policy; scen 0");
    assert_eq!(policy.issues[0].id, "Policy");
    let xj = &policy.actors[0];
    assert_eq!((xj.id.as_str(), xj.name.as_str(), xj.capability), ("XJ", "Xi Jinping", 100.0));
    let lh = &policy.actors[policy.actor_index("LH").unwrap()];
    assert_eq!((lh.name.as_str(), lh.capability), ("Liu He - Deputy Director of DRC", 40.0));
    let Preference::Spatial(p) = &lh.preference else { panic!("spatial") };
    assert_eq!((p.ideal[0], p.salience[0]), (50.0, 70.0));
}

#[test]
fn an_imported_table_round_trips_through_toml() {
    let (scenario, _) = load_ktab_csv("dummyData_3Dim.csv", &testdata("dummyData_3Dim.csv")).unwrap();
    let (back, _) = load_toml("written.toml", &write_toml(&scenario), WeightPolicy::Refuse).unwrap();
    assert_eq!(back, scenario);
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_name() {
    let text = "\u{feff}Scen,Desc,1,1\nActor,Desc,Power,X Position,X Salience\nA,,1,10,200\n";
    assert_eq!(read_ktab_csv("t.csv", &text.replace(",200", ",20")).unwrap().name, "Scen");
    assert_eq!(error_of(text), "3:9 X salience: 200 is not a number in [0, 100]");
}

#[test]
fn names_become_unique_ids() {
    let text =
        "t,d,3,1\nActor,Desc,Power,X Position,X Salience\nNDRC - Pricing,,1,0,1\nNDRC - Pricing,,1,50,1\n,,1,100,1\n";
    let spec = read_ktab_csv("t.csv", text).unwrap();
    let ids: Vec<&str> = spec.actors.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["NDRC-Pricing", "NDRC-Pricing-2", "actor-3"]);
    assert_eq!(spec.actors[0].name, None, "an empty description gives no name");
}

#[test]
fn oversalient_actors_are_kept_with_a_warning() {
    let text = "t,d,1,2\nActor,Desc,Power,A,As,B,Bs\nX,,1,10,60,20,50\n";
    let (_, warnings) = load_ktab_csv("t.csv", text).unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(
        warnings[0].message,
        "t.csv:3: actor `X`: saliences sum to 110, above the 100 KTAB allows; kept, since only their shares are used"
    );
}

fn error_of(text: &str) -> String {
    let error = load_ktab_csv("t.csv", text).expect_err("the table is malformed");
    let place = match (error.line, error.column) {
        (Some(line), Some(column)) => format!("{line}:{column}"),
        _ => "-".to_owned(),
    };
    format!("{place} {}: {}", error.field.as_deref().unwrap_or("-"), error.message)
}

#[test]
fn declared_counts_are_checked_against_the_rows() {
    assert_eq!(
        error_of(&fixture("more_rows_than_declared.csv")),
        "5:1 actor: the title line (line 1) declares 2 actors, but this is row 3 after the header"
    );
    assert_eq!(
        error_of(&fixture("fewer_rows_than_declared.csv")),
        "1:11 number of actors: the title line declares 4 actors, but 2 rows follow the header (lines 3–5)"
    );
    assert_eq!(
        error_of("Scen,Desc,2,2\nActor,Desc,Power,A Position,A Salience\nX,,1,10,60\n"),
        "2:1 header: the header has 5 columns (1 position/salience pairs), but the title line (line 1) declares 2 dimensions: \
         expected 7 (actor, description, power, then a position and a salience per dimension)"
    );
    assert_eq!(
        error_of("Scen,Desc,1,2\nActor,Desc,Power,A,As,B,Bs\nX,,1,10,60,20\n"),
        "3:14 actor: this row has 6 values, expected 7: name, description, power, then a position and a salience for each of the 2 dimensions"
    );
}

#[test]
fn bad_values_are_placed() {
    assert_eq!(error_of(""), "- -: empty file: expected KTAB's title line (name, description, actors, dimensions)");
    assert_eq!(
        error_of("Scen,Desc,2\n"),
        "1:1 title: the title line has 3 fields, expected 4: scenario name, description, number of actors, number of dimensions"
    );
    assert_eq!(error_of("Scen,Desc,two,1\n"), "1:11 number of actors: `two` is not a positive whole number");
    assert_eq!(error_of("Scen,Desc,2,0\n"), "1:13 number of dimensions: `0` is not a positive whole number");
    let header = "Scen,Desc,1,2\nActor,Desc,Power,A,As,B,Bs\n";
    assert_eq!(error_of(&format!("{header}X, x, high, 1, 2, 3, 4\n")), "3:7 power: `high` is not a number");
    assert_eq!(error_of(&format!("{header}X,x,-1,1,2,3,4\n")), "3:5 power: -1 is not a finite number ≥ 0");
    assert_eq!(error_of(&format!("{header}X,x,1,1,2,101,4\n")), "3:11 B position: 101 is not a number in [0, 100]");
    assert_eq!(error_of(&format!("{header}X,x,1,1,2,3,NaN\n")), "3:13 B salience: NaN is not a number in [0, 100]");
    // The core's own checks, placed at the actor's row.
    assert_eq!(error_of(&format!("{header}X,x,1,1,0,3,0\n")), "3:1 actor: actor `X`: salience are all zero");
}

proptest! {
    #[test]
    fn never_panics_on_any_text(text in "(\\PC|,|\n|\"){0,200}") {
        let _ = load_ktab_csv("x.csv", &text);
    }

    #[test]
    fn never_panics_on_a_damaged_table(at in 0usize..600, cut in 0usize..20, insert in "(\\PC{0,3}|,|\n|\"|-1|1e400|NaN)") {
        let text = testdata("dummyData_3Dim.csv");
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) { at -= 1; }
        let end = (at + cut).min(text.len());
        let damaged = format!("{}{insert}{}", &text[..at], &text[end..]);
        let _ = load_ktab_csv("x.csv", &damaged);
    }
}
