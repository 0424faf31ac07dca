//! `detente forecast` and `detente sensitivity`, run as the real binary on
//! real files. Expected forecasts are computed here from the scenario file's
//! own numbers, independently of detente-forecast.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed; the panic message says where

mod common;

use serde_json::Value;

use common::{detente, json, repo, stderr, stdout, temp_path};

const SEED: &str = "scenarios/riyadh-2025.toml";
const MODELS: [&str; 6] = ["compromise", "median", "nash", "weighted-nash", "eu", "smp"];

/// This binary's temporary folder, see [`temp_path`].
const TEMP: &str = "detente-cli-forecast-test";

/// One issue of the seed case as its TOML file writes it.
#[derive(Debug)]
struct Issue {
    id: String,
    options: Option<Vec<String>>,
}

/// Per issue, every actor's (capability × salience, position in the issue's
/// units), read from the TOML file with the format's defaults (capability 1;
/// an issue left out of `salience` weighs 0).
fn seed_case_weights() -> Vec<(Issue, Vec<(f64, f64)>)> {
    let text = std::fs::read_to_string(repo().join(SEED)).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)).unwrap();
    let issues: Vec<Issue> = doc["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| Issue {
            id: i["id"].as_str().unwrap().to_owned(),
            options: i
                .get("options")
                .map(|o| o.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect::<Vec<_>>()),
        })
        .collect();
    let actors = doc["actors"].as_array().unwrap();
    issues
        .into_iter()
        .map(|issue| {
            let weights = actors
                .iter()
                .filter_map(|actor| {
                    let capability = actor.get("capability").map_or(1.0, number);
                    let preferences = &actor["preferences"];
                    let salience = preferences["salience"].get(&issue.id).map_or(0.0, number);
                    let position = preferences["position"].get(&issue.id)?;
                    let x = match (&issue.options, position.as_str()) {
                        (Some(options), Some(name)) => options.iter().position(|o| o == name).unwrap() as f64,
                        _ => number(position),
                    };
                    Some((capability * salience, x))
                })
                .collect();
            (issue, weights)
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn compromise_is_the_weighted_mean_on_every_issue_of_the_seed_case() {
    let v = json(&["forecast", SEED, "--model", "compromise", "--json"]);
    let issues = seed_case_weights();
    assert_eq!(v["outcome"].as_object().unwrap().len(), issues.len());
    for (issue, weights) in &issues {
        let (num, den) = weights.iter().fold((0.0, 0.0), |(n, d), &(w, x)| (n + w * x, d + w));
        let expected = num / den;
        let got = v["outcome"][&issue.id].as_f64().unwrap();
        assert!(close(got, expected), "{}: {got} ≠ Σ c·s·x / Σ c·s = {expected}", issue.id);
    }
    // The report shows it in the issue's units: territory, 0–100, one decimal.
    let (_, territory) = issues.iter().find(|(i, _)| i.id == "territory").unwrap();
    let (num, den) = territory.iter().fold((0.0, 0.0), |(n, d), &(w, x)| (n + w * x, d + w));
    let text = stdout(&detente(&["forecast", SEED, "--model", "compromise"]));
    let line = format!("forecast  {}", format!("{:.1}", num / den).trim_end_matches(".0"));
    assert!(text.contains(&line), "missing {line:?} in\n{text}");
    assert!(text.contains("nearest option:"), "{text}");
}

#[test]
fn median_is_the_weighted_median_on_every_issue_of_the_seed_case() {
    let v = json(&["forecast", SEED, "--model", "median", "--json"]);
    for (issue, weights) in seed_case_weights() {
        let mut points: Vec<(f64, f64)> = weights.into_iter().filter(|&(w, _)| w > 0.0).collect();
        points.sort_by(|a, b| a.1.total_cmp(&b.1));
        let total: f64 = points.iter().map(|p| p.0).sum();
        let mut cumulative = 0.0;
        let expected = points
            .iter()
            .find(|&&(w, _)| {
                cumulative += w;
                cumulative >= total / 2.0 * (1.0 - 1e-12)
            })
            .unwrap()
            .1;
        assert_eq!(v["outcome"][&issue.id].as_f64().unwrap(), expected, "{}", issue.id);
        if let Some(options) = &issue.options {
            assert_eq!(v["nearest_option"][&issue.id], options[expected as usize].as_str(), "{}", issue.id);
        }
    }
}

#[test]
fn forecast_json_has_the_documented_keys() {
    let v = json(&["forecast", SEED, "--json"]);
    for key in [
        "scenario",
        "model",
        "stop",
        "rounds",
        "actors",
        "issues",
        "outcome",
        "outcome_normalised",
        "nearest_option",
        "trajectory",
        "trajectory_normalised",
        "cycles",
        "warnings",
    ] {
        assert!(v.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(v["cycles"], serde_json::json!([]), "a closed-form model does not cycle");
    assert_eq!(v["model"], "compromise");
    assert_eq!(v["stop"], "closed-form");
    assert_eq!(v["rounds"], 0);
    assert_eq!(v["actors"][1]["id"], "russia");
    assert_eq!(v["actors"][1]["name"], "Russia");
    assert_eq!(v["issues"][2]["id"], "alliance");
    assert_eq!(v["issues"][2]["options"][2], "permanent neutrality");
    // Units and normalised agree through each issue's scale.
    for issue in v["issues"].as_array().unwrap() {
        let id = issue["id"].as_str().unwrap();
        let (min, max) = (issue["min"].as_f64().unwrap(), issue["max"].as_f64().unwrap());
        let x = v["outcome_normalised"][id].as_f64().unwrap();
        assert!(close(v["outcome"][id].as_f64().unwrap(), min + x * (max - min)), "{id}");
        assert_eq!(v["nearest_option"].get(id).is_some(), issue["options"].is_array(), "{id}");
    }
    // Round 0 is the input: Russia wants all the territory (100 on 0–100).
    assert_eq!(v["trajectory"][0][1][1].as_f64(), Some(100.0));
    assert_eq!(v["trajectory_normalised"][0][1][1].as_f64(), Some(1.0));
}

#[test]
fn csv_has_a_row_per_round_actor_and_issue() {
    let mut checked = 0;
    for model in MODELS {
        let o = detente(&["forecast", SEED, "--model", model, "--json"]);
        if !o.status.success() {
            // A model that cannot forecast this case says so; its CSV fails the same way.
            assert_eq!(detente(&["forecast", SEED, "--model", model, "--csv"]).status.code(), Some(2), "{model}");
            continue;
        }
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let rounds = v["rounds"].as_u64().unwrap() as usize;
        let text = stdout(&detente(&["forecast", SEED, "--model", model, "--csv"]));
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("model,round,actor,issue,position"));
        let rows: Vec<&str> = lines.collect();
        let (actors, issues) = (v["actors"].as_array().unwrap(), v["issues"].as_array().unwrap());
        assert_eq!((actors.len(), issues.len()), (5, 9));
        assert_eq!(rows.len(), (rounds + 1) * actors.len() * issues.len(), "{model}");
        assert!(rows.iter().all(|r| r.starts_with(&format!("{model},"))), "{model}");
        let last = rows.last().unwrap();
        let (actor, issue) =
            (actors[actors.len() - 1]["id"].as_str().unwrap(), issues[issues.len() - 1]["id"].as_str().unwrap());
        assert!(last.starts_with(&format!("{model},{rounds},{actor},{issue},")), "{model}: {last}");
        checked += 1;
    }
    assert!(checked >= 2, "at least compromise and median forecast the seed case");
    let text = stdout(&detente(&["forecast", SEED, "--csv"]));
    assert!(text.contains("\ncompromise,0,russia,territory,100\n"), "{text}");
    assert!(text.contains("\ncompromise,0,ukraine,alliance,0\n"), "option index in issue units: {text}");
}

#[test]
fn plots_write_valid_svg_and_png() {
    for ext in ["svg", "png"] {
        let out = temp_path(TEMP, &format!("trajectories.{ext}"));
        let o = detente(&["forecast", SEED, "--plot", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("Picture written to"));
        let tornado = temp_path(TEMP, &format!("tornado.{ext}"));
        let o = detente(&["sensitivity", SEED, "--runs", "50", "--plot", tornado.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        for path in [&out, &tornado] {
            let bytes = std::fs::read(path).unwrap();
            match ext {
                "svg" => {
                    let svg = String::from_utf8(bytes).unwrap();
                    assert!(svg.contains("<svg"), "{}", path.display());
                    assert!(svg.contains("Territory"), "a panel per issue: {}", path.display());
                    assert!(svg.contains("Russia"), "actors are named: {}", path.display());
                }
                _ => assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display()),
            }
        }
    }
    let o = detente(&["forecast", SEED, "--plot", temp_path(TEMP, "x.pdf").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("*.svg or *.png"), "{}", stderr(&o));
}

/// The expected-utility model ends the seed case in two cycles of two
/// rounds; the report and the JSON say where each issue settles in turn,
/// and one more round gives the other settlement.
#[test]
fn eu_cycles_are_reported_with_their_settlements() {
    let v = json(&["forecast", SEED, "--model", "eu", "--json"]);
    assert_eq!(v["stop"], "round-limit");
    let cycles = v["cycles"].as_array().unwrap();
    let issues: Vec<&str> = cycles.iter().map(|c| c["issue"].as_str().unwrap()).collect();
    assert_eq!(issues, ["ceasefire", "alliance"]);
    let odd = json(&["forecast", SEED, "--model", "eu", "--rounds", "101", "--json"]);
    for c in cycles {
        let id = c["issue"].as_str().unwrap();
        assert_eq!(c["period"], 2);
        let outcomes = c["outcomes"].as_array().unwrap();
        assert_eq!(outcomes[1], v["outcome"][id], "{id}: the last round's settlement is the forecast");
        assert_eq!(outcomes[0], odd["outcome"][id], "{id}: one more round settles where the round before did");
        assert_ne!(outcomes[0], outcomes[1], "{id}");
    }
    let text = stdout(&detente(&["forecast", SEED, "--model", "eu"]));
    assert!(
        text.contains("the issue settles at 0 (NATO membership), then 2 (permanent neutrality), in turn"),
        "{text}"
    );
    let compare = stdout(&detente(&["forecast", SEED, "--compare"]));
    assert!(compare.contains("the positions on ceasefire and alliance cycle"), "{compare}");
}

#[test]
fn compare_lists_every_model() {
    let o = detente(&["forecast", SEED, "--compare"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let header = text.lines().find(|l| l.starts_with("issue ")).unwrap();
    for model in MODELS {
        assert!(header.split_whitespace().any(|w| w == model), "{model} missing from {header:?}");
    }
    for issue in ["ceasefire", "territory", "relations"] {
        assert!(text.lines().any(|l| l.starts_with(issue)), "row {issue} missing:\n{text}");
    }

    let v = json(&["forecast", SEED, "--compare", "--json"]);
    let models = v["models"].as_object().unwrap();
    assert_eq!(models.keys().map(String::as_str).collect::<Vec<_>>(), MODELS);
    for (name, result) in models {
        assert!(result["outcome"].is_object() || result["error"].is_string(), "{name}: {result}");
        if let Some(error) = result["error"].as_str() {
            assert!(text.contains(&format!("{name}: no forecast: {error}")), "{name}'s error is a note:\n{text}");
        }
    }
    let single = json(&["forecast", SEED, "--model", "median", "--json"]);
    assert_eq!(models["median"]["outcome"], single["outcome"]);
}

#[test]
fn sensitivity_is_reproducible_from_its_seed() {
    let args = |seed: &'static str| ["sensitivity", SEED, "--runs", "300", "--seed", seed, "--json"];
    let first = detente(&args("7"));
    assert!(first.status.success(), "{}", stderr(&first));
    let again = detente(&args("7"));
    assert_eq!(first.stdout, again.stdout, "the same seed gives the same JSON");
    let other = detente(&args("8"));
    assert_ne!(first.stdout, other.stdout, "another seed draws other inputs");

    let v: Value = serde_json::from_slice(&first.stdout).unwrap();
    let keys = ["scenario", "model", "runs", "completed_runs", "failed_runs", "failures", "seed", "default_spreads"];
    for key in keys.into_iter().chain(["base", "inputs", "issues", "warnings"]) {
        assert!(v.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(v["runs"], 300);
    assert_eq!(v["seed"], 7);
    assert_eq!(v["default_spreads"]["position"]["uniform"].as_f64(), Some(0.05));
    let issues = v["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 9);
    let territory = &issues[1];
    assert_eq!(territory["id"], "territory");
    for key in
        ["base", "mean", "std_dev", "min", "max", "quantiles", "histogram", "tornado", "cycling_runs", "normalised"]
    {
        assert!(territory.get(key).is_some(), "missing issue key {key}");
    }
    // In the issue's units: the base is the compromise forecast on 0–100.
    assert_eq!(territory["base"], v["base"]["outcome"]["territory"]);
    let counts: u64 = territory["histogram"]["counts"].as_array().unwrap().iter().map(|c| c.as_u64().unwrap()).sum();
    assert_eq!(counts, 300);
    let edges = territory["histogram"]["edges"].as_array().unwrap();
    assert_eq!((edges[0].as_f64(), edges[edges.len() - 1].as_f64()), (Some(0.0), Some(100.0)));
    let bars = territory["tornado"].as_array().unwrap();
    assert_eq!(bars.len(), v["inputs"].as_array().unwrap().len());
    let swings: Vec<f64> = bars.iter().map(|b| b["swing"].as_f64().unwrap()).collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]), "largest swing first: {swings:?}");
    let b = &bars[0];
    assert!(close(b["swing"].as_f64().unwrap(), (b["high"].as_f64().unwrap() - b["low"].as_f64().unwrap()).abs()));
}

#[test]
fn sensitivity_report_shows_distributions_and_the_largest_swings() {
    let o = detente(&["sensitivity", SEED, "--runs", "200", "--seed", "3", "--top", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for needle in
        ["200 Monte Carlo runs, seed 3", "Territory (territory)", "quantiles  5% ", "histogram  ", "largest swings"]
    {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let bar = text.lines().find(|l| l.contains(" · ") && l.contains("swing ")).unwrap();
    assert!(bar.contains(" … ") && bar.contains("ρ = "), "{bar}");
    // --top 2: at most two bars per issue.
    let blocks: Vec<&str> = text.split("largest swings").skip(1).collect();
    for block in blocks {
        let bars = block.lines().skip(1).take_while(|l| l.starts_with("    ")).count();
        assert!((1..=2).contains(&bars), "{block}");
    }
}

#[test]
fn spreads_change_the_spread_of_the_forecast() {
    let sd = |extra: &[&str]| {
        let mut args = vec!["sensitivity", SEED, "--runs", "300", "--json"];
        args.extend_from_slice(extra);
        json(&args)["issues"][1]["std_dev"].as_f64().unwrap()
    };
    let narrow = sd(&["--position-spread", "u1%", "--salience-spread", "u1", "--capability-spread", "fixed"]);
    // Salience ±8 at most: the largest salience on `lng` is 10, and a run that draws every salience on an
    // issue down to 0 has nothing to weigh there and fails the whole analysis.
    let wide = sd(&["--position-spread", "n10%", "--salience-spread", "8%", "--capability-spread", "u30"]);
    assert!(wide > narrow, "{wide} ≤ {narrow}");
}

#[test]
fn bad_settings_exit_2_with_a_message() {
    let o = detente(&["sensitivity", SEED, "--runs", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("at least one run"), "{}", stderr(&o));
    for spread in ["x5", "u-5", "n", "5%%"] {
        let o = detente(&["sensitivity", SEED, "--position-spread", spread]);
        assert_eq!(o.status.code(), Some(2), "{spread}");
        assert!(stderr(&o).contains("--position-spread"), "{spread}: {}", stderr(&o));
    }
    let o = detente(&["sensitivity", SEED, "--runs", "100000000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("at most"), "{}", stderr(&o));
    let o = detente(&["forecast", SEED, "--model", "oracle"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("weighted-nash"), "the error lists the models: {}", stderr(&o));
}

#[test]
fn scenarios_without_a_spatial_model_exit_2_naming_the_actor_or_issue() {
    for command in ["forecast", "sensitivity"] {
        // GENIUS linear-additive profiles over integer issues: the scales are fine, the preferences are not.
        let o = detente(&[command, "testdata/genius/IntegerDomain"]);
        assert_eq!(o.status.code(), Some(2), "{command}");
        let err = stderr(&o);
        assert!(err.contains("cannot forecast testdata/genius/IntegerDomain"), "{err}");
        assert!(err.contains("actor `IntegerDomain-prof1` has linear-additive preferences"), "{err}");
        // GENIUS' Laptop: its issues' options have no order, so there is no scale to forecast on.
        let o = detente(&[command, "testdata/genius/Laptop"]);
        assert_eq!(o.status.code(), Some(2), "{command}");
        assert!(stderr(&o).contains("issue `Laptop` has unordered options"), "{}", stderr(&o));
    }
}

/// `--skip-failed`: a lone actor whose only salience (5 of 100) a normal
/// ±2.5 spread draws down to 0 in about 2% of the runs, leaving nothing to
/// weigh, while the tornado's low value (5 − 1.645 × 2.5) stays above 0.
#[test]
fn skip_failed_leaves_failed_runs_out_and_says_so() {
    let path = temp_path(TEMP, "lone.toml");
    std::fs::write(
        &path,
        "name = \"lone\"\n\n[[issues]]\nid = \"x\"\nkind = \"continuous\"\nmin = 0\nmax = 1\n\n\
         [[actors]]\nid = \"a\"\n[actors.preferences]\ntype = \"spatial\"\nposition = { x = 0.5 }\nsalience = { x = 5 }\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let args = ["sensitivity", file, "--salience-spread", "n2.5", "--runs", "1000", "--seed", "3"];

    let o = detente(&args);
    assert!(!o.status.success(), "without --skip-failed a failed run fails the analysis");
    let err = stderr(&o);
    assert!(err.contains("Monte Carlo run ") && err.contains("--skip-failed"), "{err}");

    let v = json(&[&args[..], &["--skip-failed", "--json"]].concat());
    let (runs, completed, failed) =
        (v["runs"].as_u64().unwrap(), v["completed_runs"].as_u64().unwrap(), v["failed_runs"].as_u64().unwrap());
    assert_eq!(runs, 1000);
    assert!(failed > 0 && completed + failed == runs, "{completed} + {failed}");
    let failures = v["failures"].as_array().unwrap();
    assert_eq!(failures.len() as u64, failed.min(10));
    let first = failures[0]["run"].as_u64().unwrap();
    assert!(err.contains(&format!("Monte Carlo run {first} failed")), "the first is the default mode's: {err}");
    assert!(failures.iter().all(|f| f["error"].as_str().unwrap().contains("issue `x`")), "{failures:?}");
    let counts: u64 =
        v["issues"][0]["histogram"]["counts"].as_array().unwrap().iter().map(|c| c.as_u64().unwrap()).sum();
    assert_eq!(counts, completed);

    let o = detente(&[&args[..], &["--skip-failed"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let line = format!("{failed} of 1,000 runs failed and were left out (first: run {first}: no actor has");
    assert!(text.contains(&line), "missing {line:?} in\n{text}");

    // Nothing fails: no line, and the JSON says so.
    let v = json(&["sensitivity", SEED, "--runs", "50", "--skip-failed", "--json"]);
    assert_eq!((v["completed_runs"].as_u64(), v["failed_runs"].as_u64()), (Some(50), Some(0)));
    assert_eq!(v["failures"], serde_json::json!([]));
    let o = detente(&["sensitivity", SEED, "--runs", "50"]);
    assert!(!stdout(&o).contains("failed and were left out"), "{}", stdout(&o));
}

/// Ctrl-C (SIGINT) stops a long run: status 130 and how far it got.
#[cfg(unix)]
#[test]
fn ctrl_c_cancels_a_sensitivity_run_with_status_130() {
    // Two actors on one issue: 7 numbers a run, so 30 million runs fit the
    // memory limit and take far longer than the wait below.
    let path = temp_path(TEMP, "two.toml");
    std::fs::write(
        &path,
        "name = \"two\"\n\n[[issues]]\nid = \"x\"\nkind = \"continuous\"\nmin = 0\nmax = 1\n\n\
         [[actors]]\nid = \"a\"\n[actors.preferences]\ntype = \"spatial\"\nposition = { x = 0 }\nsalience = { x = 50 }\n\n\
         [[actors]]\nid = \"b\"\n[actors.preferences]\ntype = \"spatial\"\nposition = { x = 1 }\nsalience = { x = 50 }\n",
    )
    .unwrap();
    let (status, err) = common::interrupted(&["sensitivity", path.to_str().unwrap(), "--runs", "30000000"], "run");
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("cancelled after ") && err.contains(" of 30000000 runs"), "{err}");
}

#[test]
fn params_select_the_models_readings() {
    let outcome = |args: &[&str]| {
        let v = json(args);
        v["outcome"]["territory"].as_f64().expect("a number")
    };
    let base = ["forecast", "scenarios/riyadh-2025.toml", "--model", "eu", "--json"];
    let paper = outcome(&base);
    let scholz = outcome(&[&base[..], &["--param", "eu.reading=scholz-code"]].concat());
    // Scholz's code ranks compromises by their EU-weighted point and lets no
    // one capitulate, which leads territory elsewhere on the seed case.
    assert_ne!(paper, scholz, "the reading changes the forecast");
    let smp = ["forecast", "scenarios/riyadh-2025.toml", "--model", "smp", "--json"];
    let default_rounds = json(&smp)["rounds"].as_u64().expect("rounds");
    let propcbc = json(&[&smp[..], &["--param", "smp.VotingRule=PropCbc"]].concat());
    assert!(propcbc["rounds"].as_u64().is_some());
    assert!(default_rounds >= 2, "KTAB plays at least two rounds");

    for (param, needle) in [
        ("smp.Colour=red", "Colour"),
        ("VotingRule=PropCbc", "`eu.` or `smp.`"),
        ("eu.q=2", "[0, 1]"),
        ("smp.VotingRule", "MODEL.KEY=VALUE"),
    ] {
        let o = detente(&["forecast", "scenarios/riyadh-2025.toml", "--model", "smp", "--param", param]);
        assert_eq!(o.status.code(), Some(2), "{param}");
        assert!(stderr(&o).contains(needle), "{param}: {}", stderr(&o));
    }
}
