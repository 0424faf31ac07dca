//! `detente negotiate`, `detente tournament` and `detente merge`: software
//! agents negotiating on a scenario, alone or in tournaments, and the files
//! tournaments leave behind.
//!
//! # A tournament's folder (`--out DIR`)
//!
//! - `results.csv`: one row per party of each negotiation, by index:
//!   `index,scenario,repetition,seed,ending,walked_away_by,steps,rounds,time,
//!   welfare,nash_distance,pareto_distance,party,actor,strategy,utility,
//!   reservation,advantage,agreement` (the agreement's issue values joined
//!   by `; `, empty without agreement; empty distances where undefined).
//! - `results.jsonl`: one negotiation a line, the library's
//!   `NegotiationRecord` (the same numbers; what `merge` reads back).
//! - `leaderboard.csv`: `rank,strategy,negotiations,mean_utility,
//!   mean_advantage,agreement_rate,mean_welfare,mean_nash_distance,
//!   mean_pareto_distance,mean_rounds`.
//! - `tournament.json`: what ran (agents, scenarios, protocol, rounds,
//!   repetitions, seed, roles), the tournament's fingerprint, the shard,
//!   and whether it completed. It is written last: a folder without it
//!   holds a run that failed.
//!
//! Numbers are written in Rust's shortest round-trip form and read back
//! exactly, so `merge` of all shards writes the same files, byte for byte,
//! as one unsharded run.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use detente_core::Scenario;
use detente_report::negotiation::{NegotiationView, action_name, protocol_name};
use detente_sim::metrics::{NegotiationMetrics, Reference, measure};
use detente_sim::strategies::{self, CONDITIONS, NAMES};
use detente_sim::tournament::{
    Entrant, Leaderboard, LeaderboardRow, MergeError, NegotiationRecord, Roles, Shard, Tournament, TournamentConfig,
    TournamentError, TournamentResult, TournamentScenario, default_parties, merge,
};
use detente_sim::trace::{Action, Trace};
use detente_sim::{Arena, Deadline, Ending, NegotiationResult, Negotiator, OutcomeId, Protocol, negotiate};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::args::{MergeArgs, NegotiateArgs, NegotiationFlags, ProtocolArg, RolesArg, TournamentArgs};
use crate::cancel::{self, CANCEL, Cancelled};
use crate::load::{LoadedScenario, load_scenario};
use crate::plot::PictureFormat;
use crate::progress::progress_bar;
use crate::report::print_warnings;
use crate::simulate_plot;

/// `--help` text after the options of `negotiate`: the agents one can name.
pub(crate) fn agents_help() -> String {
    format!(
        "Agents: {}.\nAcceptance conditions, added with `+`: {}.\n\
         Examples: `boulware`, `time-based(e=0.5)`, `conceder+ac-next`, `linear+ac-const(0.8)`.",
        NAMES.join(", "),
        CONDITIONS.join(", ")
    )
}

/// `--help` text after the options of `tournament`.
pub(crate) fn tournament_help() -> String {
    format!(
        "{}\n\nEach negotiation has an index in a fixed order (scenarios, role assignments, repetitions) and \
         a seed made from (--seed, index): results do not depend on threads or shards. `--shard K/N` runs \
         the negotiations with index % N == K; `detente merge` joins the N folders.\n\
         Ctrl-C stops the run (exit status 130) and leaves the finished records in --out.",
        agents_help()
    )
}

/// The spec list of `--agents`, split at the commas outside parentheses.
pub(crate) fn split_specs(text: &str) -> anyhow::Result<Vec<String>> {
    detente_report::negotiation::split_specs(text)
        .map_err(|k| anyhow!("--agents `{text}`: agent {k} is empty; give strategy specs separated by commas"))
}

fn protocol(arg: ProtocolArg) -> Protocol {
    match arg {
        ProtocolArg::Sao => Protocol::Sao,
        ProtocolArg::Multilateral => Protocol::Multilateral,
        ProtocolArg::Mediated => Protocol::Mediated,
    }
}

fn load(path: &Path, strict_weights: bool) -> anyhow::Result<LoadedScenario> {
    load_scenario(path, strict_weights).with_context(|| format!("cannot load scenario {}", path.display()))
}

/// `--actors`, in the order given, or the default parties.
fn resolve_parties(scenario: &Scenario, names: Option<&[String]>) -> anyhow::Result<Vec<usize>> {
    let Some(names) = names else {
        return Ok(default_parties(scenario));
    };
    let mut indices = Vec::with_capacity(names.len());
    for name in names {
        let Some(i) = scenario.actor_index(name) else {
            let known: Vec<&str> = scenario.actors.iter().map(|a| a.id.as_str()).collect();
            bail!("--actors: no actor `{name}` in this scenario; its actors are {}", known.join(", "));
        };
        if indices.contains(&i) {
            bail!("--actors: `{name}` is named twice");
        }
        indices.push(i);
    }
    if indices.len() < 2 {
        bail!("--actors: a negotiation needs at least two parties");
    }
    Ok(indices)
}

// ---------------------------------------------------------------- negotiate

/// What `negotiate` reports, and what its picture shows.
pub(crate) struct Negotiation<'a> {
    pub(crate) loaded: &'a LoadedScenario,
    pub(crate) arena: &'a Arena,
    pub(crate) reference: &'a Reference,
    pub(crate) agents: &'a [String],
    pub(crate) protocol: Protocol,
    pub(crate) rounds: u32,
    pub(crate) seed: u64,
    pub(crate) result: &'a NegotiationResult,
    pub(crate) metrics: &'a NegotiationMetrics,
}

impl Negotiation<'_> {
    pub(crate) fn trace(&self) -> &Trace {
        self.result.trace.as_ref().expect("`negotiate` records the trace")
    }

    pub(crate) fn actor_id(&self, party: usize) -> &str {
        &self.arena.parties[party].id
    }

    /// "party 0 laptop_buyer_utility (boulware)".
    pub(crate) fn party_label(&self, party: usize) -> String {
        format!("{} ({})", self.actor_id(party), self.agents[party])
    }

    fn values(&self, outcome: OutcomeId) -> Vec<(String, String)> {
        self.view(&self.loaded.path.display().to_string()).values(outcome)
    }

    /// The report crate's view, for the JSON; `file` names the scenario's file.
    fn view<'b>(&'b self, file: &'b str) -> NegotiationView<'b> {
        NegotiationView {
            scenario: &self.loaded.scenario,
            file,
            arena: self.arena,
            reference: self.reference,
            agents: self.agents,
            protocol: self.protocol,
            rounds: self.rounds,
            seed: self.seed,
            result: self.result,
            metrics: self.metrics,
        }
    }
}

/// `detente negotiate`.
pub(crate) fn run_negotiate(args: &NegotiateArgs) -> anyhow::Result<()> {
    let specs = split_specs(&args.run.agents)?;
    for path in args.trace.iter() {
        trace_format(path)?;
    }
    if let Some(path) = &args.plot {
        PictureFormat::of(path)?;
    }
    let loaded = load(&args.file, args.scenario.strict_weights)?;
    let scenario = &loaded.scenario;
    let actors = resolve_parties(scenario, args.actors.as_deref())?;
    if specs.len() != actors.len() {
        let ids: Vec<&str> = actors.iter().map(|&a| scenario.actors[a].id.as_str()).collect();
        bail!(
            "--agents: {} agent{} for {} parties ({}); give one strategy spec per party, in that order",
            specs.len(),
            if specs.len() == 1 { "" } else { "s" },
            actors.len(),
            ids.join(", ")
        );
    }
    let mut negotiators: Vec<Box<dyn Negotiator>> =
        specs.iter().map(|s| strategies::build(s).map_err(|e| anyhow!("--agents: {e}"))).collect::<Result<_, _>>()?;
    let chosen = protocol(args.run.protocol);
    let arena =
        Arena::new(scenario, &actors).with_context(|| format!("cannot negotiate on {}", args.file.display()))?;
    let reference = Reference::new(scenario, &actors)
        .with_context(|| format!("cannot find the Pareto frontier of {}", args.file.display()))?;
    let result = negotiate(&arena, chosen, Deadline::Rounds(args.run.rounds), &mut negotiators, args.run.seed, true)
        .with_context(|| format!("the negotiation on {} failed", args.file.display()))?;
    let metrics = measure(&reference, &arena, &result);
    let n = Negotiation {
        loaded: &loaded,
        arena: &arena,
        reference: &reference,
        agents: &specs,
        protocol: chosen,
        rounds: args.run.rounds,
        seed: args.run.seed,
        result: &result,
        metrics: &metrics,
    };

    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        let file = loaded.path.display().to_string();
        serde_json::to_writer_pretty(&mut out, &n.view(&file).to_json())?;
        writeln!(out)?;
    } else {
        print_warnings(&loaded);
        write_negotiation(&mut out, &n)?;
    }
    if let Some(path) = &args.trace {
        write_trace(path, &n).with_context(|| format!("cannot write the trace to {}", path.display()))?;
        if !args.json {
            writeln!(out, "\nTrace written to {}", path.display())?;
        }
    }
    if let Some(path) = &args.plot {
        // The frontier of the first two parties, for the picture.
        let pair = if actors.len() == 2 {
            reference.clone()
        } else {
            Reference::new(scenario, &actors[..2]).context("cannot find the first two parties' Pareto frontier")?
        };
        simulate_plot::plot_negotiation(&n, &pair, path).with_context(|| format!("cannot draw {}", path.display()))?;
        if !args.json {
            writeln!(out, "\nPicture written to {}", path.display())?;
        }
    }
    Ok(out.flush()?)
}

fn ending_text(n: &Negotiation<'_>) -> String {
    let r = n.result;
    let when = format!("round {} of {} (step {}, t = {:.3})", r.rounds, n.rounds, r.steps, r.time);
    match r.ending {
        Ending::Agreement => format!("agreement in {when}"),
        Ending::Timeout => format!("no agreement: the deadline passed ({} rounds)", n.rounds),
        Ending::WalkAway { by } => format!("no agreement: {} walked away in {when}", n.party_label(by)),
    }
}

fn fmt_distance(d: Option<f64>) -> String {
    d.map_or_else(|| "-".to_owned(), |d| format!("{d:.4}"))
}

fn write_negotiation(out: &mut impl Write, n: &Negotiation<'_>) -> io::Result<()> {
    let s = &n.loaded.scenario;
    writeln!(
        out,
        "{} ({}): {} protocol, {} rounds, seed {}",
        s.name,
        n.loaded.format,
        protocol_name(n.protocol),
        n.rounds,
        n.seed
    )?;
    writeln!(out, "\nEnding: {}", ending_text(n))?;
    if let Some(outcome) = n.result.agreement {
        writeln!(out, "Agreement:")?;
        let values = n.values(outcome);
        let width = s.issues.iter().map(|i| i.name.chars().count()).max().unwrap_or(0);
        for (issue, (_, value)) in s.issues.iter().zip(values) {
            writeln!(out, "  {:<width$}  {value}", issue.name)?;
        }
    }
    let width = n.arena.parties.iter().map(|p| p.id.chars().count()).max().unwrap_or(0).max(5);
    let agent_width = n.agents.iter().map(|a| a.chars().count()).max().unwrap_or(0).max(5);
    writeln!(
        out,
        "\n  {:<width$}  {:<agent_width$}  {:>8}  {:>11}  {:>9}  {:>8}",
        "party", "agent", "utility", "reservation", "advantage", "outcome"
    )?;
    for (i, (p, m)) in n.arena.parties.iter().zip(&n.metrics.parties).enumerate() {
        let undiscounted = n.result.agreement.map_or_else(|| "-".to_owned(), |o| format!("{:.4}", p.utility(o)));
        writeln!(
            out,
            "  {:<width$}  {:<agent_width$}  {:>8.4}  {:>11.4}  {:>9.4}  {:>8}",
            p.id, n.agents[i], m.utility, m.reservation, m.advantage, undiscounted
        )?;
    }
    writeln!(
        out,
        "  (utility: the agreement's, discounted by the time it was reached, or the reservation value; \
         outcome: the agreement's undiscounted utility)"
    )?;
    writeln!(
        out,
        "\nSocial welfare {:.4}; distance to the Nash point {}, to the Pareto frontier {:.4}",
        n.metrics.welfare,
        fmt_distance(n.metrics.nash_distance),
        n.metrics.pareto_distance
    )?;
    write_trace_summary(out, n)
}

/// Per party: offers made, distinct offers, and the own utility of the
/// first and last.
fn write_trace_summary(out: &mut impl Write, n: &Negotiation<'_>) -> io::Result<()> {
    let trace = n.trace();
    writeln!(out, "\nTrace: {} actions", trace.entries.len())?;
    let mut parties: Vec<Option<usize>> = (0..n.arena.parties.len()).map(Some).collect();
    if trace.entries.iter().any(|e| e.party.is_none()) {
        parties.push(None);
    }
    for party in parties {
        let offers: Vec<OutcomeId> = trace
            .entries
            .iter()
            .filter(|e| e.party == party && matches!(e.action, Action::Offer | Action::Propose))
            .filter_map(|e| e.outcome)
            .collect();
        let count = |a: Action| trace.entries.iter().filter(|e| e.party == party && e.action == a).count();
        let mut distinct = offers.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let label = party.map_or_else(|| "mediator".to_owned(), |p| n.party_label(p));
        let mut line = format!("  {label}: {} offers ({} distinct)", offers.len(), distinct.len());
        if let (Some(p), Some(first), Some(last)) = (party, offers.first(), offers.last()) {
            let me = &n.arena.parties[p];
            line += &format!(", own utility {:.4} → {:.4}", me.utility(*first), me.utility(*last));
        }
        if party.is_some() {
            line += &format!(", {} accepts, {} rejects", count(Action::Accept), count(Action::Reject));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TraceFormat {
    Json,
    Csv,
}

fn trace_format(path: &Path) -> anyhow::Result<TraceFormat> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("json") => Ok(TraceFormat::Json),
        Some("csv") => Ok(TraceFormat::Csv),
        _ => bail!("--trace {}: name the file *.json or *.csv", path.display()),
    }
}

/// Every action: step, round, party (actor id; empty for a mediator),
/// action, the outcome's issue values and every party's utility of it.
fn write_trace(path: &Path, n: &Negotiation<'_>) -> anyhow::Result<()> {
    let s = &n.loaded.scenario;
    let mut out = BufWriter::new(File::create(path)?);
    match trace_format(path)? {
        TraceFormat::Csv => {
            let mut header = vec!["step".to_owned(), "round".to_owned(), "party".to_owned(), "action".to_owned()];
            header.extend(s.issues.iter().map(|i| csv_field(&i.id)));
            header.extend(n.arena.parties.iter().map(|p| csv_field(&format!("utility:{}", p.id))));
            writeln!(out, "{}", header.join(","))?;
            for e in &n.trace().entries {
                let mut row = vec![
                    e.step.to_string(),
                    e.round.to_string(),
                    e.party.map_or_else(String::new, |p| csv_field(n.actor_id(p))),
                    action_name(e.action).to_owned(),
                ];
                match e.outcome {
                    Some(o) => {
                        row.extend(n.values(o).iter().map(|(_, v)| csv_field(v)));
                        row.extend(e.utilities.iter().map(f64::to_string));
                    }
                    None => row.extend(std::iter::repeat_n(String::new(), s.issues.len() + n.arena.parties.len())),
                }
                writeln!(out, "{}", row.join(","))?;
            }
        }
        TraceFormat::Json => {
            let file = n.loaded.path.display().to_string();
            let doc = n.view(&file).trace_json();
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

// --------------------------------------------------------------- tournament

/// `tournament.json`: what ran, and how far it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Manifest {
    format: String,
    fingerprint: String,
    /// In the whole tournament.
    negotiations: u64,
    shard: Shard,
    /// Records in this folder.
    completed: u64,
    complete: bool,
    protocol: String,
    rounds: u32,
    repetitions: u32,
    seed: u64,
    roles: Roles,
    self_play: bool,
    agents: Vec<String>,
    scenarios: Vec<ManifestScenario>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ManifestScenario {
    name: String,
    file: String,
    parties: Vec<String>,
    issues: Vec<String>,
    /// Role assignments × repetitions.
    negotiations: u64,
}

const MANIFEST_FORMAT: &str = "detente-tournament-1";
const MANIFEST: &str = "tournament.json";
const RESULTS_CSV: &str = "results.csv";
const RESULTS_JSONL: &str = "results.jsonl";
const LEADERBOARD_CSV: &str = "leaderboard.csv";

const RESULTS_HEADER: &str = "index,scenario,repetition,seed,ending,walked_away_by,steps,rounds,time,welfare,\
nash_distance,pareto_distance,party,actor,strategy,utility,reservation,advantage,agreement";

/// The record files of a folder, written a record at a time.
struct ResultFiles {
    csv: BufWriter<File>,
    jsonl: BufWriter<File>,
}

impl ResultFiles {
    fn create(dir: &Path) -> anyhow::Result<ResultFiles> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        // A stale manifest must not vouch for the new records.
        let manifest = dir.join(MANIFEST);
        if manifest.exists() {
            std::fs::remove_file(&manifest).with_context(|| format!("cannot remove {}", manifest.display()))?;
        }
        let create = |name: &str| {
            let path = dir.join(name);
            File::create(&path).map(BufWriter::new).with_context(|| format!("cannot create {}", path.display()))
        };
        let mut csv = create(RESULTS_CSV)?;
        writeln!(csv, "{RESULTS_HEADER}")?;
        Ok(ResultFiles { csv, jsonl: create(RESULTS_JSONL)? })
    }

    fn write(&mut self, r: &NegotiationRecord) -> io::Result<()> {
        let opt = |x: Option<f64>| x.map_or_else(String::new, |x| x.to_string());
        let agreement = r.agreement.as_ref().map_or_else(String::new, |v| csv_field(&v.join("; ")));
        for (i, p) in r.parties.iter().enumerate() {
            writeln!(
                self.csv,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                r.index,
                csv_field(&r.scenario),
                r.repetition,
                r.seed,
                r.ending,
                r.walked_away_by.map_or_else(String::new, |b| b.to_string()),
                r.steps,
                r.rounds,
                r.time,
                r.welfare,
                opt(r.nash_distance),
                r.pareto_distance,
                i,
                csv_field(&p.actor),
                csv_field(&p.strategy),
                p.utility,
                p.reservation,
                p.advantage,
                agreement
            )?;
        }
        serde_json::to_writer(&mut self.jsonl, r)?;
        writeln!(self.jsonl)
    }

    fn finish(mut self) -> io::Result<()> {
        self.csv.flush()?;
        self.jsonl.flush()
    }
}

fn write_leaderboard_csv(path: &Path, rows: &[LeaderboardRow]) -> anyhow::Result<()> {
    let mut out = BufWriter::new(File::create(path).with_context(|| format!("cannot create {}", path.display()))?);
    writeln!(
        out,
        "rank,strategy,negotiations,mean_utility,mean_advantage,agreement_rate,mean_welfare,mean_nash_distance,\
         mean_pareto_distance,mean_rounds"
    )?;
    for (k, r) in rows.iter().enumerate() {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{}",
            k + 1,
            csv_field(&r.strategy),
            r.negotiations,
            r.mean_utility,
            r.mean_advantage,
            r.agreement_rate,
            r.mean_welfare,
            r.mean_nash_distance.map_or_else(String::new, |d| d.to_string()),
            r.mean_pareto_distance,
            r.mean_rounds
        )?;
    }
    out.flush().with_context(|| format!("cannot write {}", path.display()))
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    let path = dir.join(MANIFEST);
    let mut text = serde_json::to_string_pretty(manifest)?;
    text.push('\n');
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// `detente tournament`.
pub(crate) fn run_tournament(args: &TournamentArgs) -> anyhow::Result<()> {
    cancel::install_handler()?;
    let shard = match &args.shard {
        None => Shard::ALL,
        Some(text) => text.parse::<Shard>().map_err(|_| {
            anyhow!("--shard {text}: expected K/N with 0 ≤ K < N, e.g. --shard 0/4 for the first of four shards")
        })?,
    };
    if args.shard.is_some() && args.out.is_none() {
        bail!("--shard {shard} needs --out DIR: a shard's results are only useful merged from their folders");
    }
    let entrants = entrants(&args.run)?;
    let (tournament, manifest_scenarios) = prepare(args, entrants)?;
    let total = tournament.len();
    let mut manifest = Manifest {
        format: MANIFEST_FORMAT.to_owned(),
        fingerprint: tournament.fingerprint().to_owned(),
        negotiations: total,
        shard,
        completed: 0,
        complete: false,
        protocol: protocol_name(tournament.config().protocol).to_owned(),
        rounds: args.run.rounds,
        repetitions: args.reps,
        seed: args.run.seed,
        roles: tournament.config().roles,
        self_play: args.self_play,
        agents: tournament.entrants().iter().map(|e| e.name().to_owned()).collect(),
        scenarios: manifest_scenarios,
    };

    let mut files = args.out.as_deref().map(ResultFiles::create).transpose()?;
    let mut board = Leaderboard::default();
    let bar = progress_bar(shard.len(total), "negotiations", 1);
    let ran = tournament.run(shard, &|_| bar.inc(1), &CANCEL, |record| {
        board.add(&record);
        if let Some(files) = files.as_mut() {
            files.write(&record)?;
        }
        Ok(())
    });
    bar.finish_and_clear();
    if let Some(files) = files {
        files.finish().context("cannot write the results")?;
    }
    let rows = board.rows();
    match ran {
        Ok(n) => {
            manifest.completed = n;
            manifest.complete = true;
        }
        Err(TournamentError::Cancelled { completed, total }) => {
            manifest.completed = completed;
            if let Some(dir) = &args.out {
                write_leaderboard_csv(&dir.join(LEADERBOARD_CSV), &rows)?;
                write_manifest(dir, &manifest)?;
            }
            return Err(Cancelled::negotiations(completed, total, args.out.as_deref()).into());
        }
        Err(error) => return Err(error).context("the tournament failed"),
    }
    if let Some(dir) = &args.out {
        write_leaderboard_csv(&dir.join(LEADERBOARD_CSV), &rows)?;
        write_manifest(dir, &manifest)?;
    }
    print_leaderboard(&manifest, &rows, args.json, args.out.as_deref())
}

fn entrants(flags: &NegotiationFlags) -> anyhow::Result<Vec<Entrant>> {
    split_specs(&flags.agents)?.iter().map(|s| Entrant::from_spec(s).map_err(|e| anyhow!("--agents: {e}"))).collect()
}

/// Loads the scenarios and sets the tournament up.
fn prepare(args: &TournamentArgs, entrants: Vec<Entrant>) -> anyhow::Result<(Tournament, Vec<ManifestScenario>)> {
    let mut loaded = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let l = load(path, args.scenario.strict_weights)?;
        print_warnings(&l);
        loaded.push(l);
    }
    let mut scenarios = Vec::with_capacity(loaded.len());
    for l in &loaded {
        // Scenarios of the same name are told apart by their files.
        let same_name = loaded.iter().filter(|o| o.scenario.name == l.scenario.name).count();
        let name = if same_name > 1 { l.path.display().to_string() } else { l.scenario.name.clone() };
        let prepared = TournamentScenario::new(name, &l.scenario, None)
            .with_context(|| format!("cannot use scenario {} in a tournament", l.path.display()))?;
        scenarios.push(prepared);
    }
    let config = TournamentConfig {
        protocol: protocol(args.run.protocol),
        deadline: Deadline::Rounds(args.run.rounds),
        repetitions: args.reps,
        seed: args.run.seed,
        roles: match args.roles {
            RolesArg::AllOrders => Roles::AllOrders,
            RolesArg::Rotations => Roles::Rotations,
        },
        self_play: args.self_play,
        record_traces: false,
    };
    if args.run.rounds == 0 {
        bail!("--rounds 0 leaves no time to negotiate");
    }
    let tournament = Tournament::new(entrants, scenarios, config).map_err(|e| match e {
        TournamentError::NotEnoughEntrants { scenario, parties, entrants } => anyhow!(
            "--agents: scenario `{scenario}` has {parties} negotiating parties but only {entrants} agent{} \
             {}; name at least {parties} agents, or pass --self-play",
            if entrants == 1 { "" } else { "s" },
            if entrants == 1 { "is named" } else { "are named" }
        ),
        TournamentError::DuplicateEntrant(name) => anyhow!("--agents: `{name}` is named twice"),
        TournamentError::NoRepetitions => anyhow!("--reps 0: a tournament needs at least one repetition"),
        TournamentError::NotBilateral { scenario, parties, .. } => anyhow!(
            "--protocol sao: scenario `{scenario}` has {parties} negotiating parties, but alternating offers take \
             exactly two; use --protocol multilateral or --protocol mediated"
        ),
        other => anyhow!(other).context("cannot set the tournament up"),
    })?;
    let reps = u64::from(args.reps);
    let manifest = loaded
        .iter()
        .zip(tournament.scenarios())
        .enumerate()
        .map(|(k, (l, s))| ManifestScenario {
            name: s.name.clone(),
            file: l.path.display().to_string(),
            parties: s.arena.parties.iter().map(|p| p.id.clone()).collect(),
            issues: s.issue_ids().into_iter().map(str::to_owned).collect(),
            negotiations: tournament.assignments(k).len() as u64 * reps,
        })
        .collect();
    Ok((tournament, manifest))
}

fn print_leaderboard(
    manifest: &Manifest,
    rows: &[LeaderboardRow],
    as_json: bool,
    out_dir: Option<&Path>,
) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    if as_json {
        serde_json::to_writer_pretty(&mut out, &json!({ "tournament": manifest, "leaderboard": rows }))?;
        writeln!(out)?;
        return Ok(out.flush()?);
    }
    let m = manifest;
    let shard = if m.shard == Shard::ALL { String::new() } else { format!("shard {}: {} of ", m.shard, m.completed) };
    writeln!(
        out,
        "Tournament: {shard}{} negotiations; {} scenario{}, {} agents; {} protocol, {} rounds, {} repetition{}, seed {}",
        m.negotiations,
        m.scenarios.len(),
        if m.scenarios.len() == 1 { "" } else { "s" },
        m.agents.len(),
        m.protocol,
        m.rounds,
        m.repetitions,
        if m.repetitions == 1 { "" } else { "s" },
        m.seed
    )?;
    writeln!(out)?;
    write_leaderboard_table(&mut out, rows)?;
    writeln!(
        out,
        "\nutility: mean over the parties an agent played (discounted agreement utility, or the reservation value); \
         welfare, distances and rounds: means over its negotiations"
    )?;
    if let Some(dir) = out_dir {
        writeln!(out, "Results written to {}", dir.display())?;
    }
    Ok(out.flush()?)
}

fn write_leaderboard_table(out: &mut impl Write, rows: &[LeaderboardRow]) -> io::Result<()> {
    let width = rows.iter().map(|r| r.strategy.chars().count()).max().unwrap_or(0).max(5);
    writeln!(
        out,
        "{:>4}  {:<width$}  {:>7}  {:>7}  {:>9}  {:>6}  {:>7}  {:>7}  {:>9}  {:>6}",
        "rank", "agent", "parties", "utility", "advantage", "agreed", "welfare", "to Nash", "to Pareto", "rounds"
    )?;
    for (k, r) in rows.iter().enumerate() {
        writeln!(
            out,
            "{:>4}  {:<width$}  {:>7}  {:>7.4}  {:>9.4}  {:>5.1}%  {:>7.4}  {:>7}  {:>9.4}  {:>6.1}",
            k + 1,
            r.strategy,
            r.negotiations,
            r.mean_utility,
            r.mean_advantage,
            100.0 * r.agreement_rate,
            r.mean_welfare,
            fmt_distance(r.mean_nash_distance),
            r.mean_pareto_distance,
            r.mean_rounds
        )?;
    }
    Ok(())
}

// -------------------------------------------------------------------- merge

fn read_manifest(dir: &Path) -> anyhow::Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: not a finished tournament folder (cannot read {MANIFEST})", dir.display()))?;
    let manifest: Manifest = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a Detente tournament manifest", path.display()))?;
    if manifest.format != MANIFEST_FORMAT {
        bail!("{}: format `{}`, but this detente reads `{MANIFEST_FORMAT}`", path.display(), manifest.format);
    }
    Ok(manifest)
}

fn read_records(dir: &Path) -> anyhow::Result<Vec<NegotiationRecord>> {
    let path = dir.join(RESULTS_JSONL);
    let file = File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut records = Vec::new();
    for (k, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: NegotiationRecord = serde_json::from_str(&line)
            .with_context(|| format!("{}, line {}: not a negotiation record", path.display(), k + 1))?;
        records.push(record);
    }
    Ok(records)
}

/// `detente merge`.
pub(crate) fn run_merge(args: &MergeArgs) -> anyhow::Result<()> {
    let mut manifests = Vec::with_capacity(args.dirs.len());
    let mut parts = Vec::with_capacity(args.dirs.len());
    for dir in &args.dirs {
        let manifest = read_manifest(dir)?;
        if !manifest.complete {
            bail!(
                "{}: shard {} stopped after {} of its {} negotiations; run it again before merging",
                dir.display(),
                manifest.shard,
                manifest.completed,
                manifest.shard.len(manifest.negotiations)
            );
        }
        let records = read_records(dir)?;
        parts.push(TournamentResult {
            fingerprint: manifest.fingerprint.clone(),
            total: manifest.negotiations,
            shard: manifest.shard,
            records,
            leaderboard: Vec::new(),
        });
        manifests.push(manifest);
    }
    let name = |part: usize| args.dirs[part].display().to_string();
    let merged = merge(parts).map_err(|e| match e {
        MergeError::DifferentTournament { part, .. } => anyhow!(
            "{} holds a shard of another tournament than {} (fingerprint {}, not {}): the agents, scenarios, \
             protocol, rounds, repetitions, seed or roles differ",
            name(part),
            name(0),
            manifests[part].fingerprint,
            manifests[0].fingerprint
        ),
        MergeError::DifferentSplit { part, shard, expected, found } => anyhow!(
            "{} holds shard {shard}, of a split into {found} shards, but {} is of a split into {expected}",
            name(part),
            name(0)
        ),
        MergeError::Overlap { shard, first, second } if first != second => {
            anyhow!("{} and {} both hold shard {shard}; give each shard once", name(first), name(second))
        }
        MergeError::Missing { missing, count } => {
            let list: Vec<String> = missing.iter().map(|k| format!("{k}/{count}")).collect();
            anyhow!(
                "shard{} {} {} missing: the merge needs all {count} shards of the tournament",
                if missing.len() == 1 { "" } else { "s" },
                list.join(", "),
                if missing.len() == 1 { "is" } else { "are" }
            )
        }
        MergeError::Incomplete { part, .. }
        | MergeError::Foreign { part, .. }
        | MergeError::Overlap { first: part, .. } => {
            anyhow!(e.clone()).context(format!("{}: the records do not match its manifest", name(part)))
        }
        MergeError::Empty => anyhow!("nothing to merge"),
    })?;
    let mut manifest = manifests.swap_remove(0);
    manifest.shard = Shard::ALL;
    manifest.completed = merged.total;
    manifest.complete = true;
    if let Some(dir) = &args.out {
        let mut files = ResultFiles::create(dir)?;
        for r in &merged.records {
            files.write(r).with_context(|| format!("cannot write the results to {}", dir.display()))?;
        }
        files.finish().with_context(|| format!("cannot write the results to {}", dir.display()))?;
        write_leaderboard_csv(&dir.join(LEADERBOARD_CSV), &merged.leaderboard)?;
        write_manifest(dir, &manifest)?;
    }
    if !args.json {
        eprintln!("merged {} folders", args.dirs.len());
    }
    print_leaderboard(&manifest, &merged.leaderboard, args.json, args.out.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_agent_spec_is_named() {
        let err = split_specs("boulware,,linear").expect_err("an empty spec");
        assert!(err.to_string().contains("agent 2 is empty"), "{err}");
    }
}
