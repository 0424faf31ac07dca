//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use detente_core::analysis::{DEFAULT_MAX_EVALUATIONS, DEFAULT_MAX_FRONTIER, DEFAULT_MAX_OUTCOMES};
use detente_core::constraint::DEFAULT_MAX_NODES;

/// Analyse multi-party, multi-issue negotiations.
///
/// A scenario is a Detente TOML or JSON file, a GENIUS scenario folder (or any
/// XML file in it), a GeniusWeb folder, or a KTAB actor table (.csv).
#[derive(Debug, Parser)]
#[command(name = "detente", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Outcome space, zones of possible agreement, Pareto frontier and
    /// bargaining solutions.
    Analyze(AnalyzeArgs),
    /// The Pareto-optimal outcomes, one per line.
    Pareto(ParetoArgs),
    /// Convert a scenario to Detente's TOML or JSON (by the output's extension).
    Convert(ConvertArgs),
    /// Check a scenario and say what is wrong with it.
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ScenarioFlags {
    /// Refuse linear-additive weights that do not sum to one instead of
    /// normalising them with a warning.
    #[arg(long)]
    pub(crate) strict_weights: bool,
}

/// What `analyze` and `pareto` share: which actors, and how large a space.
#[derive(Debug, Args)]
pub(crate) struct AnalysisFlags {
    /// Analyse only these actors (ids or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub(crate) actors: Option<Vec<String>>,
    /// Enumerate spaces up to this many outcomes; larger ones are analysed
    /// through their structure (exact for additive utilities, branch and bound
    /// for constraint utilities).
    #[arg(long, default_value_t = DEFAULT_MAX_OUTCOMES, value_name = "N")]
    pub(crate) max_outcomes: u64,
    /// Enumerate at most this many utility evaluations (outcomes × actors).
    #[arg(long, default_value_t = DEFAULT_MAX_EVALUATIONS, value_name = "N")]
    pub(crate) max_evaluations: u64,
    /// Stop when the Pareto frontier grows past this many points.
    #[arg(long, default_value_t = DEFAULT_MAX_FRONTIER, value_name = "N")]
    pub(crate) max_frontier: usize,
    /// Node budget of the branch and bound; a search cut short reports a
    /// certified bound on its distance from the true frontier.
    #[arg(long, default_value_t = DEFAULT_MAX_NODES, value_name = "N")]
    pub(crate) search_nodes: u64,
}

#[derive(Debug, Args)]
pub(crate) struct AnalyzeArgs {
    /// The scenario: .toml, .json, .csv (KTAB), or a GENIUS/GeniusWeb folder.
    pub(crate) file: PathBuf,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    pub(crate) json: bool,
    /// Draw the two analysed actors' utility space to an .svg or .png file.
    #[arg(long, value_name = "OUT")]
    pub(crate) plot: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) analysis: AnalysisFlags,
    #[command(flatten)]
    pub(crate) scenario: ScenarioFlags,
}

#[derive(Debug, Args)]
pub(crate) struct ParetoArgs {
    pub(crate) file: PathBuf,
    /// Print CSV: one column per issue, then one utility column per actor.
    #[arg(long)]
    pub(crate) csv: bool,
    #[command(flatten)]
    pub(crate) analysis: AnalysisFlags,
    #[command(flatten)]
    pub(crate) scenario: ScenarioFlags,
}

#[derive(Debug, Args)]
pub(crate) struct ConvertArgs {
    pub(crate) input: PathBuf,
    /// The output file, .toml or .json.
    pub(crate) output: PathBuf,
    #[command(flatten)]
    pub(crate) scenario: ScenarioFlags,
}

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) scenario: ScenarioFlags,
}
