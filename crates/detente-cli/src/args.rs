//! The command line, as clap sees it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use detente_core::Spread;
use detente_core::analysis::{
    DEFAULT_MAX_EVALUATIONS, DEFAULT_MAX_FRONTIER, DEFAULT_MAX_OUTCOMES, DEFAULT_ZOPA_SAMPLES,
};
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
    /// Forecast where the negotiation settles, issue by issue, with a model.
    #[command(after_help = format!(
        "{}\n\neu and smp show their progress in rounds; Ctrl-C stops them and exits with status 130.",
        crate::forecast::params_help()
    ))]
    Forecast(ForecastArgs),
    /// How far a forecast moves when the inputs are uncertain: Monte Carlo
    /// distributions and a tornado of the inputs that move it most.
    #[command(after_help = format!("{}\n\n{}", crate::forecast::SPREAD_HELP, crate::forecast::params_help()))]
    Sensitivity(SensitivityArgs),
    /// Run one negotiation between software agents and report how it ended.
    #[command(after_help = crate::simulate::agents_help())]
    Negotiate(NegotiateArgs),
    /// Run a tournament: every agent against every other, on every scenario,
    /// in every role, repeated; print the leaderboard.
    #[command(after_help = crate::simulate::tournament_help())]
    Tournament(TournamentArgs),
    /// Join the output folders of a sharded tournament and print its
    /// leaderboard.
    Merge(MergeArgs),
    /// Serve the HTTP API and the dashboard, storing scenarios, results and
    /// jobs in SQLite (by default) or PostgreSQL.
    #[command(after_help = crate::serve::SERVE_HELP)]
    Serve(ServeArgs),
    /// API tokens: writes to the server need one.
    Token(TokenArgs),
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
    /// Outcomes drawn uniformly to estimate a zone of agreement that cannot
    /// be counted (constraint preferences beyond --max-outcomes); 0: none.
    #[arg(long, default_value_t = DEFAULT_ZOPA_SAMPLES, value_name = "N")]
    pub(crate) zopa_samples: u64,
    /// Seed of those draws: the same seed gives the same estimate.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) seed: u64,
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

/// The forecasting models, as `--model` spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ModelArg {
    /// Achen's compromise: the capability·salience-weighted mean position.
    Compromise,
    /// The capability·salience-weighted median position.
    Median,
    /// The Nash bargaining solution over each issue's scale.
    Nash,
    /// Nash bargaining with each actor's gain raised to its capability times its salience.
    WeightedNash,
    /// Bueno de Mesquita's expected-utility model (rounds).
    Eu,
    /// KTAB's spatial model of politics (rounds).
    Smp,
}

#[derive(Debug, Args)]
pub(crate) struct ForecastArgs {
    /// The scenario: spatial preferences (a position and a salience per
    /// issue) on numeric or ordered issues.
    pub(crate) file: PathBuf,
    /// The model.
    #[arg(long, value_enum, default_value_t = ModelArg::Compromise, conflicts_with = "compare")]
    pub(crate) model: ModelArg,
    /// Run every model and print one table: issues as rows, models as columns.
    #[arg(long, conflicts_with_all = ["csv", "plot"])]
    pub(crate) compare: bool,
    #[command(flatten)]
    pub(crate) run: ForecastFlags,
    /// Print one JSON object instead of the report.
    #[arg(long, conflicts_with = "csv")]
    pub(crate) json: bool,
    /// Print the trajectory as CSV: model,round,actor,issue,position (issue units).
    #[arg(long)]
    pub(crate) csv: bool,
    /// Draw the trajectories, one panel per issue, to an .svg or .png file.
    #[arg(long, value_name = "OUT")]
    pub(crate) plot: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) scenario: ScenarioFlags,
}

/// What `forecast` and `sensitivity` share: how the model runs.
#[derive(Debug, Args)]
pub(crate) struct ForecastFlags {
    /// At most this many rounds for models with rounds (eu, smp); default:
    /// the model's own.
    #[arg(long, value_name = "N")]
    pub(crate) rounds: Option<usize>,
    /// Seed of the random draws: a stochastic model's (smp), and the
    /// sensitivity runs'.
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub(crate) seed: u64,
    /// Set a model parameter, as `eu.KEY=VALUE` or `smp.KEY=VALUE`
    /// (repeatable), e.g. `--param smp.VotingRule=PropCbc` or
    /// `--param eu.reading=scholz-code`; the keys are listed below.
    #[arg(long = "param", value_name = "MODEL.KEY=VALUE")]
    pub(crate) params: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SensitivityArgs {
    /// The scenario: spatial preferences on numeric or ordered issues.
    pub(crate) file: PathBuf,
    /// The model.
    #[arg(long, value_enum, default_value_t = ModelArg::Compromise)]
    pub(crate) model: ModelArg,
    /// Monte Carlo runs.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub(crate) runs: usize,
    #[command(flatten)]
    pub(crate) run: ForecastFlags,
    /// Spread of positions without one in the scenario, in % of the issue's
    /// scale [default: u5%].
    #[arg(long, value_name = "SPREAD", value_parser = crate::forecast::parse_spread)]
    pub(crate) position_spread: Option<Spread>,
    /// Spread of saliences without one in the scenario, in points of the
    /// 0–100 salience scale [default: u10].
    #[arg(long, value_name = "SPREAD", value_parser = crate::forecast::parse_spread)]
    pub(crate) salience_spread: Option<Spread>,
    /// Spread of capabilities without one in the scenario, in % of each
    /// actor's capability [default: u10%].
    #[arg(long, value_name = "SPREAD", value_parser = crate::forecast::parse_spread)]
    pub(crate) capability_spread: Option<Spread>,
    /// Show the K inputs that move each issue's forecast most.
    #[arg(long, default_value_t = 5, value_name = "K")]
    pub(crate) top: usize,
    /// Histogram bins over each issue's scale.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub(crate) bins: usize,
    /// Leave runs whose forecast fails (e.g. every salience on an issue
    /// drawn to 0) out of the statistics and report them, rather than
    /// stopping at the first.
    #[arg(long)]
    pub(crate) skip_failed: bool,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    pub(crate) json: bool,
    /// Draw the tornado chart, one panel per issue, to an .svg or .png file.
    #[arg(long, value_name = "OUT")]
    pub(crate) plot: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) scenario: ScenarioFlags,
}

/// The negotiation protocols, as `--protocol` spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProtocolArg {
    /// Bilateral alternating offers (two parties).
    Sao,
    /// Stacked alternating offers for any number of parties.
    Multilateral,
    /// A mediator proposes single negotiation texts; the parties vote.
    Mediated,
}

/// Which assignments of agents to a scenario's parties a tournament plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RolesArg {
    /// Every ordered selection of agents (both orders of every pair).
    AllOrders,
    /// Every set of agents in its cyclic rotations only (fewer
    /// negotiations for more than two parties).
    Rotations,
}

/// What `negotiate` and `tournament` share: how a negotiation runs.
#[derive(Debug, Args)]
pub(crate) struct NegotiationFlags {
    /// The protocol.
    #[arg(long, value_enum, default_value_t = ProtocolArg::Sao)]
    pub(crate) protocol: ProtocolArg,
    /// The agents' strategy specs, comma-separated (commas inside
    /// parentheses belong to the spec).
    #[arg(long, value_name = "SPEC,SPEC")]
    pub(crate) agents: String,
    /// The deadline, in rounds.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub(crate) rounds: u32,
    /// Seed of the agents' random choices.
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub(crate) seed: u64,
}

#[derive(Debug, Args)]
pub(crate) struct NegotiateArgs {
    /// The scenario: .toml, .json, .csv (KTAB), or a GENIUS/GeniusWeb folder.
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) run: NegotiationFlags,
    /// The negotiating actors (ids or names, comma-separated), in the
    /// agents' order; the first opens. Default: the actors at the table (or
    /// with a veto), else every actor, in scenario order.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub(crate) actors: Option<Vec<String>>,
    /// Write every action to a .json or .csv file.
    #[arg(long, value_name = "OUT")]
    pub(crate) trace: Option<PathBuf>,
    /// Draw the offers over the first two parties' utility space, and each
    /// party's utility over time, to an .svg or .png file.
    #[arg(long, value_name = "OUT")]
    pub(crate) plot: Option<PathBuf>,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) scenario: ScenarioFlags,
}

#[derive(Debug, Args)]
pub(crate) struct TournamentArgs {
    /// The scenarios.
    #[arg(required = true, value_name = "FILES")]
    pub(crate) files: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) run: NegotiationFlags,
    /// Negotiations per scenario and assignment of agents to roles.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub(crate) reps: u32,
    /// Which assignments of agents to roles are played.
    #[arg(long, value_enum, default_value_t = RolesArg::AllOrders)]
    pub(crate) roles: RolesArg,
    /// Let agents meet themselves.
    #[arg(long)]
    pub(crate) self_play: bool,
    /// Run only shard K of N (K from 0): the negotiations whose index is K
    /// modulo N. Needs --out; join the shards with `detente merge`.
    #[arg(long, value_name = "K/N")]
    pub(crate) shard: Option<String>,
    /// Write results.csv, results.jsonl, leaderboard.csv and tournament.json
    /// to this folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Print the leaderboard as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) scenario: ScenarioFlags,
}

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The shards' output folders.
    #[arg(required = true, value_name = "DIRS")]
    pub(crate) dirs: Vec<PathBuf>,
    /// Write the whole tournament's files to this folder.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Print the leaderboard as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DatabaseFlags {
    /// The database: postgres://USER:PASSWORD@HOST/DB, sqlite://PATH or a
    /// file path (SQLite, created if missing). Default: $DETENTE_DATABASE_URL,
    /// else detente/detente.db in the user's data directory.
    #[arg(long, value_name = "URL")]
    pub(crate) database_url: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) database: DatabaseFlags,
    /// The address to listen on. On a loopback address reads need no token;
    /// elsewhere every request but /api/health does. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    pub(crate) bind: SocketAddr,
    /// Jobs (sensitivity runs, negotiations, tournaments) running at once
    /// [default: half the cores].
    #[arg(long, value_name = "N")]
    pub(crate) workers: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    #[command(subcommand)]
    pub(crate) command: TokenCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Make a new API token and print it, once: the database keeps only its
    /// SHA-256.
    Create(TokenCreateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct TokenCreateArgs {
    #[command(flatten)]
    pub(crate) database: DatabaseFlags,
}
