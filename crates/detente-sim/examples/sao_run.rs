//! One alternating-offers negotiation on a GENIUS scenario, printed as JSON:
//! the NegMAS cross-check's Detente side (`scripts/crosscheck-negmas-sim.sh`).
//!
//! ```text
//! cargo run --release -p detente-sim --example sao_run -- DIR SPEC0 SPEC1 ROUNDS [--swap] [--seed N] [--repeat K] [--trace]
//! ```
//!
//! Party 0 (the opener) is the scenario's first profile in file-name order
//! with SPEC0, party 1 the second with SPEC1; `--swap` makes the second
//! profile the opener (with SPEC0). `--repeat K` times the negotiation,
//! without a trace: ten batches of K runs of the same two negotiators (reset
//! by `start`), the best batch's mean time per round (NegMAS' step) in
//! `ns_per_round`, per turn in `ns_per_action`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use detente_core::{Scenario, WeightPolicy, issue_value};
use detente_formats::genius::{InputFile, load_genius};
use detente_sim::{Arena, Deadline, Negotiator, OutcomeId, Protocol, negotiate, strategies};
use serde_json::{Value, json};

fn load(dir: &Path) -> Result<Scenario, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push((path.display().to_string(), text));
    }
    let inputs: Vec<InputFile<'_>> = files.iter().map(|(name, text)| InputFile { name, text }).collect();
    load_genius(&inputs, WeightPolicy::Normalise).map(|(s, _)| s).map_err(|e| e.to_string())
}

fn outcome_json(scenario: &Scenario, arena: &Arena, outcome: OutcomeId) -> Value {
    let levels = arena.outcome(outcome);
    let map: serde_json::Map<String, Value> = scenario
        .issues
        .iter()
        .zip(levels)
        .map(|(issue, level)| (issue.name.clone(), Value::String(issue_value(issue, level).to_string())))
        .collect();
    Value::Object(map)
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let (mut seed, mut repeat, mut trace, mut swap) = (0u64, 0u32, false, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => seed = it.next().and_then(|v| v.parse().ok()).ok_or("--seed takes a number")?,
            "--repeat" => repeat = it.next().and_then(|v| v.parse().ok()).ok_or("--repeat takes a number")?,
            "--trace" => trace = true,
            "--swap" => swap = true,
            _ => positional.push(a.clone()),
        }
    }
    let [dir, spec0, spec1, rounds] = positional.as_slice() else {
        return Err("usage: sao_run DIR SPEC0 SPEC1 ROUNDS [--swap] [--seed N] [--repeat K] [--trace]".to_owned());
    };
    let rounds: u32 = rounds.parse().map_err(|_| format!("ROUNDS must be a number, not {rounds}"))?;
    let scenario = load(Path::new(dir))?;
    let arena = Arena::new(&scenario, if swap { &[1, 0] } else { &[0, 1] }).map_err(|e| e.to_string())?;
    let build = || -> Result<Vec<Box<dyn Negotiator>>, String> {
        Ok(vec![
            strategies::build(spec0).map_err(|e| e.to_string())?,
            strategies::build(spec1).map_err(|e| e.to_string())?,
        ])
    };
    let mut negotiators = build()?;
    let result = negotiate(&arena, Protocol::Sao, Deadline::Rounds(rounds), &mut negotiators, seed, trace)
        .map_err(|e| e.to_string())?;

    let mut timing = Value::Null;
    if repeat > 0 {
        // The best of BATCHES batches of `repeat` negotiations: the machine's
        // other load only ever adds time.
        const BATCHES: u32 = 10;
        let (mut best_round, mut best_action, mut best_negotiation) = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
        for _ in 0..BATCHES {
            let (mut total_rounds, mut total_actions) = (0u64, 0u64);
            // Built once, outside the timed code (NegMAS' timed `run()` does
            // not build its negotiators either); `start` resets them.
            let mut negotiators = build()?;
            let start = Instant::now();
            for i in 0..repeat {
                let r = negotiate(
                    &arena,
                    Protocol::Sao,
                    Deadline::Rounds(rounds),
                    &mut negotiators,
                    seed + u64::from(i),
                    false,
                )
                .map_err(|e| e.to_string())?;
                total_rounds += u64::from(r.rounds);
                total_actions += u64::from(r.steps);
            }
            let ns = start.elapsed().as_nanos() as f64;
            best_round = best_round.min(ns / total_rounds.max(1) as f64);
            best_action = best_action.min(ns / total_actions.max(1) as f64);
            best_negotiation = best_negotiation.min(ns / f64::from(repeat));
        }
        timing = json!({
            "batches": BATCHES,
            "negotiations_per_batch": repeat,
            "ns_per_negotiation": best_negotiation,
            "ns_per_round": best_round,
            "ns_per_action": best_action,
        });
    }

    let out = json!({
        "scenario": dir,
        "parties": arena.parties.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        "strategies": negotiators.iter().map(|n| n.name().to_owned()).collect::<Vec<_>>(),
        "rounds_limit": rounds,
        "ending": result.ending,
        "agreement": result.agreement.map(|o| outcome_json(&scenario, &arena, o)),
        "agreement_utilities": result.agreement.map(|o| arena.utilities(o)),
        "utilities": result.utilities,
        "steps": result.steps,
        "rounds": result.rounds,
        "time": result.time,
        "timing": timing,
        "trace": result.trace.map(|t| t.entries.iter().map(|e| json!({
            "step": e.step, "round": e.round, "party": e.party, "action": e.action,
            "outcome": e.outcome.map(|o| outcome_json(&scenario, &arena, o)),
            "utilities": e.utilities,
        })).collect::<Vec<_>>()),
    });
    println!("{}", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?);
    Ok(())
}
