//! The real `detente` binary on real files: what a user types, what they see.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed; the panic message says where

mod common;

use std::path::PathBuf;

use common::{detente, json, repo, stderr, stdout, temp_path};

/// This binary's temporary folder, see [`temp_path`].
const TEMP: &str = "detente-cli-test";

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
    assert_eq!(v["zopa"]["at_table"]["size"], 4727);
    assert_eq!(v["zopa"]["with_vetoes"]["size"], 43);
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
fn a_constraint_space_of_10_to_the_30_is_searched_exactly() {
    let v = json(&["analyze", "testdata/genius/30issuesDiscountedwithRV", "--json"]);
    // 10³⁰ does not fit in a u64; serde_json reads it back as a float.
    assert_eq!(v["n_outcomes"].as_f64(), Some(1e30));
    assert_eq!(v["method"]["name"], "branch-and-bound");
    assert_eq!(v["method"]["exact"], true);
    assert_eq!(v["pareto"].as_array().unwrap().len(), 57);
    // Both reservation values are 0.75: the Nash point clears them.
    let nash: Vec<f64> = v["nash"]["utilities"].as_array().unwrap().iter().map(|u| u.as_f64().unwrap()).collect();
    assert!(nash.iter().all(|&u| u >= 0.75), "{nash:?}");
    assert!(v["zopa"]["at_table"].is_null(), "constraint preferences are not counted");
    assert!(v["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("not counted")));
    // They are estimated instead: with both reservations at 0.75, no drawn outcome clears both.
    let estimate = &v["zopa_estimate"]["at_table"];
    assert_eq!(estimate["samples"], 1_000_000);
    assert_eq!(estimate["hits"], 0);
    assert!(estimate["share_high"].as_f64().unwrap() < 1e-5, "{estimate}");
}

#[test]
fn a_nonlinear_zopa_of_10_to_the_10_is_estimated_reproducibly() {
    let args = |seed: &str| {
        ["analyze", "testdata/genius/10issues", "--json", "--zopa-samples", "20000", "--seed", seed].map(String::from)
    };
    let run = |seed: &str| json(&args(seed).iter().map(String::as_str).collect::<Vec<_>>());
    let v = run("5");
    assert_eq!(v["n_outcomes"].as_u64(), Some(10_000_000_000));
    assert!(v["zopa"]["at_table"].is_null(), "constraint preferences are not counted");
    for group in ["at_table", "with_vetoes"] {
        let e = &v["zopa_estimate"][group];
        assert_eq!(e["samples"], 20000, "{e}");
        assert_eq!(e["seed"], 5, "{e}");
        assert_eq!(e["actors"], serde_json::json!(["profile-1", "profile-2"]));
        let [low, share, high] = ["share_low", "share", "share_high"].map(|k| e[k].as_f64().unwrap());
        assert!(0.0 <= low && low <= share && share <= high && high <= 1.0, "{e}");
        assert!((e["size"].as_f64().unwrap() - share * 1e10).abs() < 1.0, "{e}");
        assert_eq!(e["blocked_by_share"].as_object().unwrap().len(), 2, "{e}");
    }
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("estimated instead from 20,000 uniformly drawn outcomes (seed 5)"))
    );
    assert_eq!(run("5")["zopa_estimate"], v["zopa_estimate"], "the same seed gives the same estimate");

    // S-1NIKFRT-1's zone is a proper part of its space: another seed draws other outcomes.
    let nikfrt = |seed: &str| {
        json(&["analyze", "testdata/genius/S-1NIKFRT-1", "--json", "--zopa-samples", "20000", "--seed", seed])
    };
    let (a, b) = (nikfrt("1"), nikfrt("2"));
    assert_ne!(a["zopa_estimate"]["at_table"]["hits"], b["zopa_estimate"]["at_table"]["hits"]);

    // The report has one line per group, and 0 samples estimate nothing.
    let text = stdout(&detente(&["analyze", "testdata/genius/S-1NIKFRT-1", "--zopa-samples", "20000"]));
    assert!(text.contains("ZOPA (estimated from 20,000 samples, seed 0): "), "{text}");
    assert!(text.contains("% of outcomes (95%: "), "{text}");
    let v = json(&["analyze", "testdata/genius/S-1NIKFRT-1", "--json", "--zopa-samples", "0"]);
    assert!(v["zopa_estimate"]["at_table"].is_null(), "{}", v["zopa_estimate"]);
}

/// Ten issues of ten levels (10¹⁰ outcomes), two actors with opposite ideals
/// and equal saliences: `a`'s utility is s/90 and `b`'s 1 − s/90 where s is
/// the sum of the levels.
fn opposed_1e10(reservation_a: f64, reservation_b: f64) -> PathBuf {
    let issues: String =
        (0..10).map(|i| format!("[[issues]]\nid = \"i{i}\"\nkind = \"integer\"\nmin = 0\nmax = 9\n\n")).collect();
    let table = |value: u32| (0..10).map(|i| format!("i{i} = {value}")).collect::<Vec<_>>().join(", ");
    let actor = |id: &str, ideal: u32, reservation: f64| {
        format!(
            "[[actors]]\nid = \"{id}\"\nreservation = {reservation}\n[actors.preferences]\ntype = \"spatial\"\n\
             position = {{ {} }}\nsalience = {{ {} }}\n\n",
            table(ideal),
            table(1)
        )
    };
    let path = temp_path(TEMP, "opposed-1e10.toml");
    let text =
        format!("name = \"opposed\"\n\n{issues}{}{}", actor("a", 9, reservation_a), actor("b", 0, reservation_b));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_additive_space_of_10_to_the_10_is_analysed_without_enumeration() {
    let path = opposed_1e10(0.5, 0.4);
    let v = json(&["analyze", path.to_str().unwrap(), "--json"]);
    assert_eq!(v["n_outcomes"].as_u64(), Some(10_000_000_000));
    assert_eq!(v["method"]["name"], "additive");
    // Every sum s in 0..=90 is efficient. Outcomes with the same sum add
    // their terms in different orders, so a few utility pairs differ in the
    // last bit and are kept as distinct points, as enumeration would.
    let sums: std::collections::BTreeSet<i64> = v["pareto"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["utilities"][0].as_f64().unwrap() * 90.0).round() as i64)
        .collect();
    assert_eq!(sums, (0..=90).collect());
    // Oracle: the number of ways ten digits sum to s, by the polynomial
    // (1 + x + … + x⁹)¹⁰, counted here independently of Detente.
    let mut ways = vec![1u64];
    for _ in 0..10 {
        let mut next = vec![0u64; ways.len() + 9];
        for (s, &w) in ways.iter().enumerate() {
            for d in 0..10 {
                next[s + d] += w;
            }
        }
        ways = next;
    }
    // a accepts s/90 ≥ 0.5, b accepts 1 − s/90 ≥ 0.4: 45 ≤ s ≤ 54.
    let zopa: u64 = ways[45..=54].iter().sum();
    assert_eq!(v["zopa"]["at_table"]["size"].as_u64(), Some(zopa));
    let blocked_by_a: u64 = ways[..45].iter().sum(); // b accepts (s ≤ 54), a alone rejects
    assert_eq!(v["zopa"]["at_table"]["blocked_by"]["a"].as_u64(), Some(blocked_by_a));
    // Nash: maximise (s/90 − 0.5)(0.6 − s/90): s/90 = 0.55, s = 49.5, so s = 49 or 50 tie.
    let nash_a = v["nash"]["utilities"][0].as_f64().unwrap();
    assert!((nash_a - 49.0 / 90.0).abs() < 1e-12 || (nash_a - 50.0 / 90.0).abs() < 1e-12, "{nash_a}");
}

#[test]
fn spaces_too_large_to_number_are_refused_with_the_reason() {
    let issues: String =
        (0..10).map(|i| format!("[[issues]]\nid = \"i{i}\"\nkind = \"integer\"\nmin = 0\nmax = 9999\n\n")).collect();
    let path = temp_path(TEMP, "too-large.toml");
    let actor = "[[actors]]\nid = \"a\"\n[actors.preferences]\ntype = \"spatial\"\nposition = { i0 = 0 }\nsalience = { i0 = 1 }\n";
    std::fs::write(&path, format!("name = \"huge\"\n\n{issues}{actor}")).unwrap();
    let o = detente(&["analyze", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("1.000 × 10⁴⁰ outcomes"), "{err}");
    assert!(err.contains("128 bits"), "{err}");
}

#[test]
fn bad_input_exits_2_with_a_located_message() {
    let path = temp_path(TEMP, "bad.toml");
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
        let out = temp_path(TEMP, &format!("itex.{ext}"));
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
        let out = temp_path(TEMP, &format!("laptop.{ext}"));
        let o = detente(&["analyze", "testdata/genius/Laptop", "--plot", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let bytes = std::fs::read(&out).unwrap();
        match ext {
            "svg" => assert!(String::from_utf8_lossy(&bytes).contains("Pareto frontier")),
            _ => assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n"),
        }
    }
    let o = detente(&["analyze", "scenarios/riyadh-2025.toml", "--plot", temp_path(TEMP, "x.svg").to_str().unwrap()]);
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

/// Ctrl-C stops an enumeration of 10⁹ outcomes between waves, saying how far
/// it got, with status 130.
#[cfg(unix)]
#[test]
fn ctrl_c_cancels_a_large_analysis_with_status_130() {
    // Three actors on nine issues of ten options: 10⁹ outcomes, enumerated
    // under raised limits; tens of seconds of work even for a release build
    // on many cores, so Ctrl-C after 1.5 s always comes mid-way.
    let mut toml = String::from("name = \"big\"\n");
    for i in 0..9 {
        toml.push_str(&format!("\n[[issues]]\nid = \"i{i}\"\nkind = \"discrete\"\noptions = [\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"]\n"));
    }
    for a in 0..3 {
        toml.push_str(&format!("\n[[actors]]\nid = \"a{a}\"\n[actors.preferences]\ntype = \"linear-additive\"\n"));
        let weights: Vec<String> = (0..9).map(|i| format!("i{i} = {}", if i == 0 { 0.2 } else { 0.1 })).collect();
        toml.push_str(&format!("weights = {{ {} }}\n[actors.preferences.evaluations]\n", weights.join(", ")));
        for i in 0..9 {
            let values: Vec<String> = (0..10).map(|k| format!("\"{k}\" = {}", (k * (a + 3) + i) % 10)).collect();
            toml.push_str(&format!("i{i} = {{ options = {{ {} }} }}\n", values.join(", ")));
        }
    }
    let path = temp_path(TEMP, "big.toml");
    std::fs::write(&path, toml).unwrap();
    let limits = ["--max-outcomes", "1000000000", "--max-evaluations", "4000000000", "--max-frontier", "100000000"];
    let (status, err) =
        common::interrupted(&[&["analyze", path.to_str().unwrap()][..], &limits[..]].concat(), "analysis");
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("cancelled after ") && err.contains(" of 1,000,000,000 outcomes"), "{err}");
}
