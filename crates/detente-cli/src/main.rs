//! `detente`: analyse negotiation scenarios from the command line.
//!
//! Arguments are parsed by clap into raw flags ([`args`]), resolved into typed
//! settings before any work starts, and each subcommand is a function from
//! settings to printed output. Errors go to stderr with their whole chain and
//! exit status 2, so scripts can tell bad input from a crash.

mod args;
mod cancel;
mod forecast;
mod forecast_plot;
mod load;
mod numbers;
mod plot;
mod progress;
mod report;
mod serve;
mod simulate;
mod simulate_plot;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Parser;
use detente_core::constraint::SearchBudget;
use detente_core::{Analysis, AnalysisError, AnalysisOptions, analyze_watched};

use crate::args::{AnalysisFlags, Cli, Command};
use crate::load::{LoadedScenario, load_scenario};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A closed pipe (`detente pareto x | head`) is not an error worth a message.
            if error.chain().any(|e| {
                e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            if let Some(cancelled) = error.downcast_ref::<cancel::Cancelled>() {
                eprintln!("{cancelled}");
                return ExitCode::from(cancel::CANCELLED_EXIT);
            }
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Analyze(a) => {
            let loaded = load(&a.file, a.scenario.strict_weights)?;
            let options = AnalysisOptions {
                zopa_samples: a.zopa_samples,
                seed: a.seed,
                ..analysis_options(&loaded, &a.analysis)?
            };
            let analysis = analyze_with_progress(&loaded, &options)
                .with_context(|| format!("cannot analyse {}", a.file.display()))?;
            // Buffered: a large frontier is millions of lines, and stdout is line-buffered.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if a.json {
                serde_json::to_writer_pretty(
                    &mut out,
                    &detente_report::analysis::AnalysisJson::new(&loaded.scenario, &analysis, &loaded.warnings),
                )?;
                writeln!(out)?;
            } else {
                report::print_warnings(&loaded);
                report::write_analysis(&mut out, &loaded, &analysis)?;
            }
            if let Some(path) = &a.plot {
                plot::plot_utility_space(&loaded.scenario, &analysis, path)
                    .with_context(|| format!("cannot draw {}", path.display()))?;
                if !a.json {
                    writeln!(out, "\nPicture written to {}", path.display())?;
                }
            }
            out.flush()?;
        }
        Command::Pareto(a) => {
            let loaded = load(&a.file, a.scenario.strict_weights)?;
            // The frontier only: no zone of agreement is estimated.
            let options = AnalysisOptions { zopa_samples: 0, ..analysis_options(&loaded, &a.analysis)? };
            let analysis = analyze_with_progress(&loaded, &options)
                .with_context(|| format!("cannot analyse {}", a.file.display()))?;
            // Buffered: a large frontier is millions of lines, and stdout is line-buffered.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if a.csv {
                report::write_frontier_csv(&mut out, &loaded.scenario, &analysis)?;
            } else {
                report::print_warnings(&loaded);
                report::write_frontier_table(&mut out, &loaded.scenario, &analysis)?;
            }
            out.flush()?;
        }
        Command::Convert(a) => {
            let loaded = load(&a.input, a.scenario.strict_weights)?;
            report::print_warnings(&loaded);
            let text = match extension(&a.output).as_deref() {
                Some("toml") => detente_formats::scenario_toml::write_toml(&loaded.scenario),
                Some("json") => detente_formats::scenario_json::write_json(&loaded.scenario),
                _ => bail!("cannot write {}: give the output a .toml or .json extension", a.output.display()),
            };
            std::fs::write(&a.output, text).with_context(|| format!("cannot write {}", a.output.display()))?;
            eprintln!("wrote {}", a.output.display());
        }
        Command::Validate(a) => {
            let loaded = load(&a.file, a.scenario.strict_weights)?;
            report::print_warnings(&loaded);
            let s = &loaded.scenario;
            let space = detente_core::OutcomeSpace::of(s);
            println!(
                "{}: valid: {} actors, {} issues, {} outcomes",
                a.file.display(),
                s.n_actors(),
                s.n_issues(),
                report::format_count(&space)
            );
        }
        Command::Forecast(a) => forecast::run_forecast(&a)?,
        Command::Sensitivity(a) => forecast::run_sensitivity(&a)?,
        Command::Negotiate(a) => simulate::run_negotiate(&a)?,
        Command::Tournament(a) => simulate::run_tournament(&a)?,
        Command::Merge(a) => simulate::run_merge(&a)?,
        Command::Serve(a) => serve::run_serve(&a)?,
        Command::Token(a) => match &a.command {
            args::TokenCommand::Create(c) => serve::run_token_create(c)?,
        },
    }
    Ok(())
}

fn load(path: &Path, strict_weights: bool) -> anyhow::Result<LoadedScenario> {
    load_scenario(path, strict_weights).with_context(|| format!("cannot load scenario {}", path.display()))
}

/// From this many outcomes on, an enumeration shows a progress bar (on a
/// terminal): about a second's work.
const ANALYZE_BAR_FROM: u64 = 1 << 24;

/// `analyze`, with a progress bar in outcomes for large enumerations and
/// Ctrl-C stopping them between waves (exit status 130). Elsewhere (an
/// analysis from the preferences' structure, which cannot stop part-way,
/// and the output after any analysis) Ctrl-C exits at once.
fn analyze_with_progress(loaded: &LoadedScenario, options: &AnalysisOptions) -> anyhow::Result<Analysis> {
    cancel::install_handler()?;
    let enumerated = detente_core::OutcomeSpace::of(&loaded.scenario).size().is_some_and(|n| n <= options.max_outcomes);
    if !enumerated {
        cancel::exit_at_once();
    }
    let bar = std::cell::OnceCell::new();
    let progress = |done: u64, total: u64| {
        if total >= ANALYZE_BAR_FROM {
            bar.get_or_init(|| progress::progress_bar(total, "outcomes", 0)).set_position(done);
        }
    };
    let result = analyze_watched(&loaded.scenario, options, &progress, &cancel::CANCEL);
    cancel::exit_at_once();
    if let Some(bar) = bar.get() {
        bar.finish_and_clear();
    }
    match result {
        Err(AnalysisError::Cancelled { done, total }) => Err(cancel::Cancelled::outcomes(done, total).into()),
        // Ctrl-C during the part that cannot stop (the last wave, the
        // solutions, or too many evaluations to enumerate): no output.
        Ok(_) if cancel::CANCEL.load(std::sync::atomic::Ordering::SeqCst) => {
            Err(cancel::Cancelled::before_output().into())
        }
        other => Ok(other?),
    }
}

/// Resolves `--actors` (ids or names) into scenario indices, in scenario order.
fn analysis_options(loaded: &LoadedScenario, flags: &AnalysisFlags) -> anyhow::Result<AnalysisOptions> {
    let scenario = &loaded.scenario;
    let actors = match flags.actors.as_deref() {
        None => None,
        Some(names) => {
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
            indices.sort_unstable();
            Some(indices)
        }
    };
    Ok(AnalysisOptions {
        actors,
        max_outcomes: flags.max_outcomes,
        max_evaluations: flags.max_evaluations,
        max_frontier: flags.max_frontier,
        search_budget: SearchBudget { max_nodes: flags.search_nodes },
        ..AnalysisOptions::default()
    })
}

fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase)
}
