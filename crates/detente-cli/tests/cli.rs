//! The real `detente` binary on real files: what a user types, what they see.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed; the panic message says where

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn detente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente")).args(args).current_dir(repo()).output().expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(args: &[&str]) -> Value {
    let o = detente(args);
    assert!(o.status.success(), "detente {args:?} failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("stdout is one JSON object")
}

fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("detente-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

#[test]
fn analyze_json_has_the_documented_keys_for_the_seed_case() {
    let v = json(&["analyze", "scenarios/riyadh-2025.toml", "--json"]);
    // By default the bargainers are those whose consent is needed: China is neither at the table nor a veto holder.
    let actors: Vec<&str> = v["actors"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(actors, ["United States", "Russia", "Ukraine", "European Union and European allies"]);
    assert_eq!(v["n_outcomes"], 3 * 5 * 3u64.pow(7));
    let pareto = v["pareto"].as_array().unwrap();
    assert!(!pareto.is_empty());
    for p in pareto {
        assert_eq!(p["utilities"].as_array().unwrap().len(), 4);
        assert_eq!(p["outcome"].as_object().unwrap().len(), 9);
    }
    for key in ["nash", "kalai_smorodinsky", "egalitarian", "utilitarian"] {
        let s = &v[key];
        assert!(s.is_object(), "{key} is present");
        // Every solution is individually rational: US 0.30, Russia 0.70, Ukraine 0.40, EU 0.60.
        let u: Vec<f64> = s["utilities"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        for (ui, ri) in u.iter().zip([0.30, 0.70, 0.40, 0.60]) {
            assert!(*ui >= ri - 1e-9, "{key}: {u:?}");
        }
    }
    assert_eq!(v["zopa"]["at_table"]["size"], 4858);
    assert_eq!(v["zopa"]["with_vetoes"]["size"], 58);
}

#[test]
fn actors_flag_restricts_the_frontier_to_the_named_actors() {
    let v = json(&["analyze", "scenarios/riyadh-2025.toml", "--json", "--actors", "russia,United States"]);
    // Listed in scenario order whatever the order typed.
    assert_eq!(v["actors"], serde_json::json!(["United States", "Russia"]));
    let nash = &v["nash"];
    assert_eq!(nash["outcome"]["territory"], 100.0);
    assert_eq!(nash["outcome"]["alliance"], "permanent neutrality");
}

#[test]
fn genius_laptop_frontier_and_nash_point() {
    // GENIUS' Laptop domain: 3 × 3 × 3 outcomes; the frontier and Nash point checked by hand
    // from laptop_buyer_utility.xml and laptop_seller_utility.xml.
    let v = json(&["analyze", "testdata/genius/Laptop", "--json"]);
    assert_eq!(v["n_outcomes"], 27);
    assert_eq!(v["pareto"].as_array().unwrap().len(), 4);
    let text = stdout(&detente(&["pareto", "testdata/genius/Laptop", "--csv"]));
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("Laptop,Harddisk,External Monitor,u_laptop_buyer_utility,u_laptop_seller_utility"));
    assert_eq!(lines.count(), 4);
}

#[test]
fn report_names_every_section() {
    let o = detente(&["analyze", "testdata/genius/Travel"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for needle in [
        "Outcome space: 188,160 outcomes",
        "Pareto frontier:",
        "Zone of possible agreement",
        "Nash bargaining solution",
        "Kalai–Smorodinsky solution",
        "Egalitarian solution",
        "Utilitarian solution",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn spaces_too_large_are_refused_with_the_reason() {
    let o = detente(&["analyze", "testdata/genius/30issuesDiscountedwithRV"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("1.000e30 outcomes"), "{err}");
    assert!(err.contains("more than the 100000000 that can be enumerated"), "{err}");
}

#[test]
fn bad_input_exits_2_with_a_located_message() {
    let path = temp_path("bad.toml");
    std::fs::write(
        &path,
        "name = \"bad\"\n\n[[issues]]\nid = \"x\"\nkind = \"continuous\"\nmin = 0\nmax = 1\n\n[[actors]]\nid = \"a\"\ncapability = nan\n[actors.preferences]\ntype = \"spatial\"\nposition = { x = 0.5 }\nsalience = { x = 1 }\n",
    )
    .unwrap();
    let o = detente(&["validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.toml:11:"), "the error points at line 11: {err}");
    assert!(err.contains("capability"), "{err}");

    let o = detente(&["analyze", "no/such/file.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/file.toml"));

    let o = detente(&["analyze", "scenarios/riyadh-2025.toml", "--actors", "atlantis"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no actor `atlantis`"), "{}", stderr(&o));
}

#[test]
fn convert_round_trips_a_genius_scenario_through_toml_and_json() {
    let original = json(&["analyze", "testdata/genius/ItexvsCypress", "--json"]);
    for ext in ["toml", "json"] {
        let out = temp_path(&format!("itex.{ext}"));
        let o = detente(&["convert", "testdata/genius/ItexvsCypress", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let again = json(&["analyze", out.to_str().unwrap(), "--json"]);
        assert_eq!(again["pareto"], original["pareto"], "frontier survives conversion to {ext}");
        assert_eq!(again["nash"], original["nash"]);
    }
}

#[test]
fn plot_writes_svg_and_png() {
    for ext in ["svg", "png"] {
        let out = temp_path(&format!("laptop.{ext}"));
        let o = detente(&["analyze", "testdata/genius/Laptop", "--plot", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let bytes = std::fs::read(&out).unwrap();
        match ext {
            "svg" => assert!(String::from_utf8_lossy(&bytes).contains("Pareto frontier")),
            _ => assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n"),
        }
    }
    let o = detente(&["analyze", "scenarios/riyadh-2025.toml", "--plot", temp_path("x.svg").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--actors"), "{}", stderr(&o));
}

#[test]
fn every_shared_scenario_loads_and_small_ones_are_analysed() {
    let root = repo().join("testdata");
    let mut inputs: Vec<PathBuf> = Vec::new();
    for group in ["genius", "geniusweb"] {
        for entry in std::fs::read_dir(root.join(group)).unwrap() {
            inputs.push(entry.unwrap().path());
        }
    }
    for entry in std::fs::read_dir(root.join("ktab")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "csv") {
            inputs.push(p);
        }
    }
    inputs.sort();
    assert!(inputs.len() >= 29, "{inputs:?}");
    for input in inputs {
        let path = input.to_str().unwrap();
        let o = detente(&["validate", path]);
        assert!(o.status.success(), "validate {path}: {}", stderr(&o));
        assert!(stdout(&o).contains("valid:"), "{path}");
    }
}
