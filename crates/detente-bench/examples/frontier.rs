//! `frontier DIR`: the Detente side of the NegMAS comparison, timed inside
//! the process.
//!
//! It prints the `analyze --json` keys the comparison reads (`actors`,
//! `n_outcomes`, `pareto`, `nash`) plus `method`, `exact` and `analysis_s`:
//! the seconds spent in the analysis itself, without loading the files or
//! writing the JSON, which is what NegMAS' side of the comparison times.
//!
//! Everything goes through `analyze`, like the CLI: enumeration for spaces
//! up to 10⁸ outcomes, and beyond that the structured frontier of
//! `detente_core::additive` (every actor additive) or the branch-and-bound
//! frontier of `detente_core::constraint`. `analysis_s` includes the zones
//! of agreement, which NegMAS does not compute.
//!
//! An example rather than a binary so that `cargo run` in the workspace root
//! still means `detente`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use detente_bench::load_genius_folder;
use detente_core::analysis::Point;
use detente_core::{AnalysisOptions, IssueValue, Method, OutcomeSpace, Scenario, analyze, issue_value};
use serde_json::{Value, json};

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: frontier GENIUS_DIR");
        return ExitCode::from(2);
    };
    match run(Path::new(&dir)) {
        Ok(value) => {
            println!("{value}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(dir: &Path) -> Result<Value, String> {
    let scenario = load_genius_folder(dir)?;
    let actors: Vec<usize> = (0..scenario.n_actors()).collect();
    let options = AnalysisOptions { actors: Some(actors.clone()), ..AnalysisOptions::default() };
    let n_outcomes = OutcomeSpace::of(&scenario).approximate_size();
    let start = Instant::now();
    let analysis = analyze(&scenario, &options).map_err(|e| e.to_string())?;
    let (method, exact) = match analysis.method {
        Method::Enumeration => ("analyze", true),
        Method::Additive => ("additive_frontier", true),
        Method::BranchAndBound { exact, .. } => ("constraint_frontier", exact),
    };
    let (frontier, nash) = (analysis.frontier, analysis.solutions.nash);
    let analysis_s = start.elapsed().as_secs_f64();
    Ok(json!({
        "actors": actors.iter().map(|&a| &scenario.actors[a].name).collect::<Vec<_>>(),
        "n_outcomes": n_outcomes,
        "method": method,
        "exact": exact,
        "analysis_s": analysis_s,
        "pareto": frontier.iter().map(|p| point_json(&scenario, p)).collect::<Vec<_>>(),
        "nash": nash.map(|s| {
            let mut value = point_json(&scenario, &s.point);
            value["score"] = json!(s.score);
            value["ties"] = json!(s.ties.iter().map(|t| point_json(&scenario, t)).collect::<Vec<_>>());
            value
        }),
    }))
}

/// A point as `analyze --json` writes it: issue id to value, and utilities.
fn point_json(scenario: &Scenario, point: &Point) -> Value {
    let outcome: serde_json::Map<String, Value> = scenario
        .issues
        .iter()
        .zip(&point.outcome)
        .map(|(issue, &level)| {
            let value = match issue_value(issue, level) {
                IssueValue::Option(name) => json!(name),
                IssueValue::Integer(i) => json!(i),
                IssueValue::Real(x) => json!(x),
            };
            (issue.id.clone(), value)
        })
        .collect();
    json!({ "outcome": outcome, "utilities": point.utilities })
}
