//! `detente negotiate`, `detente tournament` and `detente merge`: the real
//! binary on the GENIUS test scenarios.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed; the panic message says where

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

use common::{detente, detente_env, stderr, stdout, temp_path};

/// This binary's temporary folder, see [`temp_path`].
const TEMP: &str = "detente-cli-sim-test";

fn ok(args: &[&str]) -> String {
    let o = detente(args);
    assert!(o.status.success(), "detente {args:?} failed: {}", stderr(&o));
    stdout(&o)
}

fn fails(args: &[&str]) -> String {
    let o = detente(args);
    assert_eq!(o.status.code(), Some(2), "detente {args:?}: {}{}", stdout(&o), stderr(&o));
    stderr(&o)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const LAPTOP: &str = "testdata/genius/Laptop";
const ITEX: &str = "testdata/genius/ItexvsCypress";

#[test]
fn negotiate_reports_the_ending_the_agreement_and_the_utilities() {
    let out = ok(&["negotiate", ITEX, "--agents", "boulware,linear+ac-next", "--rounds", "60", "--seed", "1"]);
    assert!(out.contains("ItexvsCypress (GENIUS XML): sao protocol, 60 rounds, seed 1"), "{out}");
    assert!(out.contains("Ending: agreement in round"), "{out}");
    assert!(out.contains("Agreement:\n  Price"), "{out}");
    assert!(out.contains("ItexvsCypress_Cypress  boulware"), "{out}");
    assert!(out.contains("Social welfare"), "{out}");
    assert!(out.contains("Trace: "), "{out}");
}

#[test]
fn negotiate_json_trace_and_plot_agree() {
    let csv = temp_path(TEMP, "trace.csv");
    let json_trace = temp_path(TEMP, "trace.json");
    let svg = temp_path(TEMP, "negotiation.svg");
    let png = temp_path(TEMP, "negotiation.png");
    let args = ["negotiate", ITEX, "--agents", "boulware,linear+ac-next", "--rounds", "60", "--seed", "1", "--json"];
    let mut with_files = args.to_vec();
    with_files.extend(["--trace", s(&csv), "--plot", s(&svg)]);
    let v: Value = serde_json::from_str(&ok(&with_files)).unwrap();
    assert_eq!(v["protocol"], "sao");
    assert_eq!(v["ending"]["kind"], "agreement");
    let parties = v["parties"].as_array().unwrap();
    assert_eq!(parties[0]["actor"], "ItexvsCypress_Cypress");
    assert_eq!(parties[1]["agent"], "linear+ac-next");
    let utilities: Vec<f64> = parties.iter().map(|p| p["utility"].as_f64().unwrap()).collect();
    assert_eq!(v["welfare"].as_f64().unwrap(), utilities.iter().sum::<f64>());
    // No discount in ItexvsCypress: the utility is the agreement's.
    assert_eq!(parties[0]["utility"], parties[0]["outcome_utility"]);
    let agreement = v["agreement"].as_object().unwrap();
    assert_eq!(agreement.keys().collect::<Vec<_>>(), ["Price", "Delivery", "Payment", "Returns"]);
    assert!(v["nash_distance"].as_f64().unwrap() >= 0.0);

    // The CSV trace: one row per action, the last the acceptance of the agreement.
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "step,round,party,action,Price,Delivery,Payment,Returns,utility:ItexvsCypress_Cypress,utility:ItexvsCypress_Itex"
    );
    assert_eq!(lines.len() - 1, v["actions"].as_u64().unwrap() as usize);
    assert!(lines[1].starts_with("0,0,ItexvsCypress_Cypress,offer,"), "{}", lines[1]);
    let last: Vec<&str> = lines.last().unwrap().split(',').collect();
    assert_eq!(last[3], "accept");
    let values: Vec<&str> = agreement.values().map(|x| x.as_str().unwrap()).collect();
    assert_eq!(&last[4..8], values.as_slice());
    assert_eq!(last[8].parse::<f64>().unwrap(), parties[0]["utility"].as_f64().unwrap());
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));

    // The JSON trace has the same entries.
    let mut again = args.to_vec();
    again.extend(["--trace", s(&json_trace), "--plot", s(&png)]);
    ok(&again);
    let t: Value = serde_json::from_str(&std::fs::read_to_string(&json_trace).unwrap()).unwrap();
    let entries = t["entries"].as_array().unwrap();
    assert_eq!(entries.len(), lines.len() - 1);
    assert_eq!(entries[0]["party"], "ItexvsCypress_Cypress");
    assert_eq!(entries[0]["action"], "offer");
    assert!(entries[0]["utilities"]["ItexvsCypress_Itex"].is_number());
    assert_eq!(entries.last().unwrap()["outcome"], v["agreement"]);
    assert_eq!(&std::fs::read(&png).unwrap()[..4], b"\x89PNG");
}

#[test]
fn negotiate_refuses_bad_input_with_status_2() {
    let err = fails(&["negotiate", LAPTOP, "--agents", "boulware,bulware"]);
    assert!(err.contains("--agents: unknown strategy `bulware`"), "{err}");
    let err = fails(&["negotiate", LAPTOP, "--agents", "boulware"]);
    assert!(err.contains("--agents: 1 agent for 2 parties (laptop_buyer_utility, laptop_seller_utility)"), "{err}");
    let err = fails(&["negotiate", LAPTOP, "--agents", "boulware,linear", "--trace", "x.txt"]);
    assert!(err.contains("--trace x.txt: name the file *.json or *.csv"), "{err}");
    let err = fails(&["negotiate", LAPTOP, "--agents", "boulware,linear", "--actors", "buyer,seller"]);
    assert!(err.contains("--actors: no actor `buyer`"), "{err}");
    let err = fails(&["negotiate", "no/such/file.toml", "--agents", "boulware,linear"]);
    assert!(err.contains("cannot load scenario no/such/file.toml"), "{err}");
}

#[test]
fn negotiate_takes_the_actors_in_the_order_given() {
    let args = ["negotiate", LAPTOP, "--agents", "boulware,conceder", "--json"];
    let mut swapped = args.to_vec();
    swapped.extend(["--actors", "laptop_seller_utility,laptop_buyer_utility"]);
    let v: Value = serde_json::from_str(&ok(&swapped)).unwrap();
    assert_eq!(v["parties"][0]["actor"], "laptop_seller_utility");
    assert_eq!(v["parties"][0]["agent"], "boulware");
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["results.csv", "results.jsonl", "leaderboard.csv", "tournament.json"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{}/{f}: {e}", dir.display()))))
        .collect()
}

const TOURNAMENT: [&str; 11] = [
    "tournament",
    LAPTOP,
    ITEX,
    "--agents",
    "boulware,conceder,random,linear+ac-next",
    "--reps",
    "3",
    "--rounds",
    "40",
    "--seed",
    "9",
];

#[test]
fn a_tournament_writes_its_records_and_leaderboard() {
    let dir = temp_path(TEMP, "whole");
    let mut args = TOURNAMENT.to_vec();
    args.extend(["--out", s(&dir)]);
    let out = ok(&args);
    assert!(out.contains("Tournament: 72 negotiations; 2 scenarios, 4 agents; sao protocol, 40 rounds"), "{out}");
    assert!(out.contains("rank  agent"), "{out}");
    for agent in ["boulware", "conceder", "random", "linear+ac-next"] {
        assert!(out.contains(&format!("  {agent} ")), "{agent}: {out}");
    }

    let csv = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("index,scenario,repetition,seed,ending,"), "{}", rows[0]);
    assert_eq!(rows.len(), 1 + 72 * 2);
    let jsonl = std::fs::read_to_string(dir.join("results.jsonl")).unwrap();
    let records: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 72);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r["index"], i as u64);
        let parties = r["parties"].as_array().unwrap();
        let sum: f64 = parties.iter().map(|p| p["utility"].as_f64().unwrap()).sum();
        assert_eq!(r["welfare"].as_f64().unwrap(), sum);
    }
    // Laptop comes first: 4 agents, 12 ordered pairs, 3 repetitions.
    assert!(records[..36].iter().all(|r| r["scenario"] == "laptop"));
    assert!(records[36..].iter().all(|r| r["scenario"] == "ItexvsCypress"));

    let board = std::fs::read_to_string(dir.join("leaderboard.csv")).unwrap();
    let lines: Vec<&str> = board.lines().collect();
    assert_eq!(
        lines[0],
        "rank,strategy,negotiations,mean_utility,mean_advantage,agreement_rate,mean_welfare,mean_nash_distance,\
         mean_pareto_distance,mean_rounds"
    );
    assert_eq!(lines.len(), 5);
    // Each agent played 2 scenarios × 6 pairings × 3 repetitions; the rows go by decreasing utility.
    let utilities: Vec<f64> = lines[1..]
        .iter()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells[2], "36", "{l}");
            cells[3].parse().unwrap()
        })
        .collect();
    assert!(utilities.windows(2).all(|w| w[0] >= w[1]), "{utilities:?}");
    // The leaderboard's mean utility is the records' mean.
    let first = lines[1].split(',').nth(1).unwrap();
    let mine: Vec<f64> = records
        .iter()
        .flat_map(|r| r["parties"].as_array().unwrap().clone())
        .filter(|p| p["strategy"] == first)
        .map(|p| p["utility"].as_f64().unwrap())
        .collect();
    assert_eq!(mine.len(), 36);
    assert!((mine.iter().sum::<f64>() / 36.0 - utilities[0]).abs() < 1e-12);

    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("tournament.json")).unwrap()).unwrap();
    assert_eq!(manifest["complete"], true);
    assert_eq!(manifest["negotiations"], 72);
    assert_eq!(manifest["shard"], "0/1");
    assert_eq!(manifest["agents"][3], "linear+ac-next");
    assert_eq!(manifest["scenarios"][1]["parties"][0], "ItexvsCypress_Cypress");

    // The same tournament with --json prints the same leaderboard.
    let mut json_args = TOURNAMENT.to_vec();
    json_args.push("--json");
    let v: Value = serde_json::from_str(&ok(&json_args)).unwrap();
    assert_eq!(v["tournament"]["fingerprint"], manifest["fingerprint"]);
    assert_eq!(v["leaderboard"][0]["strategy"], first);
    assert_eq!(v["leaderboard"][0]["mean_utility"].as_f64().unwrap(), utilities[0]);
}

#[test]
fn merged_shards_write_the_files_of_the_unsharded_run() {
    let whole = temp_path(TEMP, "unsharded");
    let mut args = TOURNAMENT.to_vec();
    args.extend(["--out", s(&whole)]);
    ok(&args);
    let shards: Vec<PathBuf> = (0..3).map(|k| temp_path(TEMP, &format!("shard{k}"))).collect();
    for (k, dir) in shards.iter().enumerate() {
        let shard = format!("{k}/3");
        let mut args = TOURNAMENT.to_vec();
        args.extend(["--shard", &shard, "--out", s(dir)]);
        let threads = (k + 1).to_string();
        let o = detente_env(&args, &[("RAYON_NUM_THREADS", &threads)]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains(&format!("shard {shard}: 24 of 72 negotiations")), "{}", stdout(&o));
    }
    let merged = temp_path(TEMP, "merged");
    let out = ok(&["merge", s(&shards[2]), s(&shards[0]), s(&shards[1]), "--out", s(&merged)]);
    assert!(out.contains("Tournament: 72 negotiations"), "{out}");
    assert_eq!(files_of(&merged), files_of(&whole));

    let err = fails(&["merge", s(&shards[0]), s(&shards[2])]);
    assert!(err.contains("shard 1/3 is missing"), "{err}");
    let err = fails(&["merge", s(&shards[0]), s(&shards[1]), s(&shards[1]), s(&shards[2])]);
    assert!(err.contains("both hold shard 1/3"), "{err}");
    // Another seed: another tournament.
    let stranger = temp_path(TEMP, "stranger");
    let mut args = TOURNAMENT.to_vec();
    args[10] = "10";
    args.extend(["--shard", "1/3", "--out", s(&stranger)]);
    ok(&args);
    let err = fails(&["merge", s(&shards[0]), s(&stranger), s(&shards[2])]);
    assert!(err.contains(&format!("{} holds a shard of another tournament", stranger.display())), "{err}");
    // A split into another number of shards.
    let quarter = temp_path(TEMP, "quarter");
    let mut args = TOURNAMENT.to_vec();
    args.extend(["--shard", "1/4", "--out", s(&quarter)]);
    ok(&args);
    let err = fails(&["merge", s(&shards[0]), s(&quarter)]);
    assert!(err.contains("holds shard 1/4, of a split into 4 shards"), "{err}");
    let err = fails(&["merge", s(&temp_path(TEMP, "nothing-here"))]);
    assert!(err.contains("not a finished tournament folder"), "{err}");
}

#[test]
fn a_tournament_refuses_bad_input_with_status_2() {
    let err = fails(&["tournament", LAPTOP, "--agents", "boulware,time-based(e=-1)"]);
    assert!(err.contains("--agents: ") && err.contains("time-based(e=-1)"), "{err}");
    let err = fails(&["tournament", LAPTOP, "--agents", "boulware"]);
    assert!(err.contains("only 1 agent is named") && err.contains("--self-play"), "{err}");
    ok(&["tournament", LAPTOP, "--agents", "boulware", "--self-play"]);
    let err = fails(&["tournament", LAPTOP, "--agents", "boulware,linear", "--shard", "3/3", "--out", "x"]);
    assert!(err.contains("--shard 3/3: expected K/N"), "{err}");
    let err = fails(&["tournament", LAPTOP, "--agents", "boulware,linear", "--shard", "0/3"]);
    assert!(err.contains("--shard 0/3 needs --out"), "{err}");
    let err = fails(&["tournament", LAPTOP, "missing-folder", "--agents", "boulware,linear"]);
    assert!(err.contains("cannot load scenario missing-folder"), "{err}");
    let err = fails(&["tournament", "scenarios/riyadh-2025.toml", "--agents", "boulware,linear"]);
    assert!(err.contains("--protocol sao: scenario `Riyadh") && err.contains("4 negotiating parties"), "{err}");
    let err = fails(&["tournament", LAPTOP, "--agents", "boulware,linear", "--reps", "0"]);
    assert!(err.contains("--reps 0"), "{err}");
}

#[test]
fn many_parties_negotiate_in_rotations() {
    // The Riyadh case: four parties at the table; 5 agents in sets of 4, each set in its 4 rotations.
    let v: Value = serde_json::from_str(&ok(&[
        "tournament",
        "scenarios/riyadh-2025.toml",
        "--agents",
        "boulware,linear,conceder,aspiration,random",
        "--protocol",
        "multilateral",
        "--roles",
        "rotations",
        "--rounds",
        "20",
        "--json",
    ]))
    .unwrap();
    assert_eq!(v["tournament"]["negotiations"], 5 * 4);
    assert_eq!(v["tournament"]["scenarios"][0]["parties"].as_array().unwrap().len(), 4);
    let rows = v["leaderboard"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    // Each agent is in 4 of the 5 sets, and plays one party in each rotation.
    assert!(rows.iter().all(|r| r["negotiations"] == 16), "{rows:?}");
}

/// Ctrl-C (SIGINT) stops a long tournament: status 130, the finished records
/// in the folder, and a manifest that `merge` refuses.
#[cfg(unix)]
#[test]
fn ctrl_c_cancels_a_tournament_with_status_130() {
    let dir = temp_path(TEMP, "cancelled");
    let args =
        ["tournament", LAPTOP, ITEX, "--agents", "boulware,conceder,linear", "--reps", "10000000", "--out", s(&dir)];
    let (status, err) = common::interrupted(&args, "tournament");
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("cancelled after ") && err.contains(" of 120000000 negotiations"), "{err}");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("tournament.json")).unwrap()).unwrap();
    assert_eq!(manifest["complete"], false);
    let completed = manifest["completed"].as_u64().unwrap();
    let lines = std::fs::read_to_string(dir.join("results.jsonl")).unwrap().lines().count() as u64;
    assert_eq!(lines, completed);
    let err = fails(&["merge", s(&dir)]);
    assert!(err.contains(&format!("stopped after {completed} of its 120000000 negotiations")), "{err}");
}
