//! `frontier DIR`: the Detente side of the NegMAS comparison, timed inside
//! the process, and the only side for spaces too large for `detente analyze`
//! (10¹⁰ outcomes).
//!
//! It prints the `analyze --json` keys the comparison reads (`actors`,
//! `n_outcomes`, `pareto`, `nash`) plus `method`, `exact` and `analysis_s`:
//! the seconds spent in the analysis itself, without loading the files or
//! writing the JSON, which is what NegMAS' side of the comparison times.
//!
//! Enumerable spaces go through `analyze`, like the CLI. Larger ones go
//! through the structured frontier of `detente_core::additive` when every
//! actor is additive (linear additive or spatial), and otherwise through the
//! exact branch-and-bound frontier of `detente_core::constraint`; the
//! bargaining solutions are then read off the frontier.
//!
//! An example rather than a binary so that `cargo run` in the workspace root
//! still means `detente`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use detente_bench::load_genius_folder;
use detente_core::additive::{AdditiveError, FrontierLimits, additive_frontier};
use detente_core::analysis::Point;
use detente_core::constraint::{SearchBudget, constraint_frontier};
use detente_core::solutions::bargaining_solutions;
use detente_core::{AnalysisError, AnalysisOptions, IssueValue, OutcomeSpace, Scenario, analyze, issue_value};
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
    let (method, exact, frontier, nash) = match analyze(&scenario, &options) {
        Ok(analysis) => ("analyze", true, analysis.frontier, analysis.solutions.nash),
        Err(AnalysisError::TooLarge { .. }) => {
            let space = OutcomeSpace::of(&scenario);
            let (method, exact, points) =
                match additive_frontier(&scenario, &space, &actors, &FrontierLimits::default()) {
                    Ok(points) => ("additive_frontier", true, points),
                    Err(AdditiveError::NotAdditive { .. }) => {
                        let found = constraint_frontier(&scenario, &actors, &SearchBudget::default())
                            .map_err(|e| e.to_string())?;
                        ("constraint_frontier", found.exact, found.points)
                    }
                    Err(e) => return Err(e.to_string()),
                };
            let reservations: Vec<f64> = actors.iter().map(|&a| scenario.actors[a].reservation).collect();
            let capabilities: Vec<f64> = actors.iter().map(|&a| scenario.actors[a].capability).collect();
            let nash = bargaining_solutions(&points, &reservations, &capabilities).nash;
            (method, exact, points, nash)
        }
        Err(e) => return Err(e.to_string()),
    };
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
