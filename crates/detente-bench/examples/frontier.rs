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

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use detente_bench::load_genius_folder;
use detente_core::{AnalysisOptions, Method, OutcomeSpace, analyze};
use detente_report::analysis::{PointJson, Points};
use serde::Serialize;

/// What the comparison reads, written as it is serialised (through
/// `detente-report`'s streaming views, as `analyze --json` is): a frontier
/// of a million points never exists as a JSON tree in memory.
#[derive(Serialize)]
struct Report<'a> {
    actors: Vec<&'a str>,
    n_outcomes: f64,
    method: &'static str,
    exact: bool,
    analysis_s: f64,
    pareto: Points<'a>,
    nash: Option<PointJson<'a>>,
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: frontier GENIUS_DIR");
        return ExitCode::from(2);
    };
    match run(Path::new(&dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(dir: &Path) -> Result<(), String> {
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
    let analysis_s = start.elapsed().as_secs_f64();
    let report = Report {
        actors: actors.iter().map(|&a| scenario.actors[a].name.as_str()).collect(),
        n_outcomes,
        method,
        exact,
        analysis_s,
        pareto: Points::new(&scenario, &analysis.frontier),
        nash: analysis.solutions.nash.as_ref().map(|s| PointJson::solution(&scenario, s)),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer(&mut out, &report).map_err(|e| format!("cannot write the JSON: {e}"))?;
    writeln!(out).and_then(|()| out.flush()).map_err(|e| format!("cannot write the JSON: {e}"))
}
