//! `detente forecast` and `detente sensitivity`: the forecasting models and
//! their Monte Carlo sensitivity from the command line.
//!
//! detente-forecast does the work on normalised positions (`[0, 1]` per
//! issue); this module resolves the flags, converts every position back to the
//! issue's own units (an option index on an ordered discrete issue, with the
//! nearest option's name), and prints the report, the JSON or the CSV.
//!
//! The JSON objects are detente-report's (`detente_report::forecast`), shared
//! with the server.

use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, bail};
use detente_core::Spread;
use detente_forecast::sensitivity::{
    self, IssueSensitivity, Parameter, Sensitivity, SensitivityError, SensitivityOptions, SpreadSource, TornadoBar,
    UncertainInput,
};
use detente_forecast::{Cycle, Forecast, ForecastError, ForecastOptions, Input, Model, Scale, Stop};
use detente_report::forecast::{
    CompareJson, ForecastContext, ForecastJson, ModelName, SensitivityJson, check_sensitivity_size,
    checked_forecast_watched,
};
use indicatif::ProgressBar;

use crate::args::{ForecastArgs, ForecastFlags, ModelArg, SensitivityArgs};
use crate::cancel::{self, CANCEL, Cancelled};
use crate::forecast_plot;
use crate::load::{LoadedScenario, load_scenario};
use crate::numbers::group_thousands;
use crate::plot::PictureFormat;
use crate::progress::progress_bar;
use crate::report::print_warnings;

/// The report crate's model for a `--model` value.
pub(crate) fn model_name(arg: ModelArg) -> ModelName {
    match arg {
        ModelArg::Compromise => ModelName::Compromise,
        ModelArg::Median => ModelName::Median,
        ModelArg::Nash => ModelName::Nash,
        ModelArg::WeightedNash => ModelName::WeightedNash,
        ModelArg::Eu => ModelName::Eu,
        ModelArg::Smp => ModelName::Smp,
    }
}

/// The model with the `--param` settings applied (see
/// [`detente_report::forecast::configured`]).
pub(crate) fn configured(name: ModelName, params: &[String]) -> anyhow::Result<Model> {
    detente_report::forecast::configured(name, params).map_err(|e| anyhow::anyhow!("--param {e}"))
}

/// `sensitivity --help`: how spreads are written.
/// The `--param` keys of the models with parameters, for `--help`.
pub(crate) fn params_help() -> String {
    use detente_forecast::smp::params as smp;
    let mut text = String::from("Model parameters (--param MODEL.KEY=VALUE):\n");
    for (key, values) in detente_forecast::eu::PARAMETERS {
        text.push_str(&format!("  eu.{key}: {values}\n"));
    }
    let smp_values: [(&str, &[&str]); 9] = [
        (smp::VictoryProbModel::PARAMETER, smp::VictoryProbModel::NAMES),
        (smp::VotingRule::PARAMETER, smp::VotingRule::NAMES),
        (smp::PceModel::PARAMETER, smp::PceModel::NAMES),
        (smp::StateTransition::PARAMETER, smp::StateTransition::NAMES),
        (smp::BigRRange::PARAMETER, smp::BigRRange::NAMES),
        (smp::BigRAdjust::PARAMETER, smp::BigRAdjust::NAMES),
        (smp::ThirdPartyCommit::PARAMETER, smp::ThirdPartyCommit::NAMES),
        (smp::InterVecBrgn::PARAMETER, smp::InterVecBrgn::NAMES),
        (smp::BargainModel::PARAMETER, smp::BargainModel::NAMES),
    ];
    for (key, values) in smp_values {
        text.push_str(&format!("  smp.{key}: {}\n", values.join(" | ")));
    }
    text.push_str("Defaults: eu follows Scholz, Calbert & Smith (2011); smp KTAB's defaults for CSV input.");
    text
}

pub(crate) const SPREAD_HELP: &str = "\
Spreads are written [u|n]NUMBER[%]:
  u5%, u5, 5%, 5   uniform: drawn from the value ± 5
  n3%, n3          normal: standard deviation 3 (the tornado uses ± 1.645 σ)
  fixed, 0         not perturbed

NUMBER is always a percentage: of the issue's scale for a position, points of the 0–100 scale for a \
salience, and of each actor's own capability for a capability. The flags apply to inputs without a \
spread in the scenario's `uncertainty` table; the defaults are u5% (position), u10 (salience) and \
u10% (capability). Draws are clipped to the input's range (positions to the scale, saliences to \
0–100, capabilities to ≥ 0).

The same scenario, model, flags and --seed give the same result on any machine and thread count. \
Ctrl-C stops the runs and exits with status 130.";

/// Parses a spread as `SPREAD_HELP` describes it, into the library's units
/// (the percentage divided by 100).
pub(crate) fn parse_spread(text: &str) -> Result<Spread, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("fixed") {
        return Ok(Spread::Fixed);
    }
    let (normal, rest) = match t.chars().next() {
        Some('u' | 'U' | '±') => (false, &t[t.chars().next().map_or(0, char::len_utf8)..]),
        Some('n' | 'N') => (true, &t[1..]),
        _ => (false, t),
    };
    let number = rest.strip_suffix('%').unwrap_or(rest).trim();
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a spread; write u5% (uniform ±5%), n3% (normal, σ = 3%) or fixed"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("`{text}`: a spread is a finite percentage ≥ 0"));
    }
    let x = value / 100.0;
    Ok(if normal { Spread::Normal(x) } else { Spread::Uniform(x) })
}

/// A spread in the syntax `parse_spread` reads: `u5%`, `n3%`, `fixed`.
pub(crate) fn spread_text(spread: Spread) -> String {
    match spread {
        Spread::Uniform(x) => format!("u{}%", trim_number(&format!("{:.4}", x * 100.0))),
        Spread::Normal(x) => format!("n{}%", trim_number(&format!("{:.4}", x * 100.0))),
        Spread::Fixed => "fixed".to_owned(),
    }
}

/// Runs one model with a progress bar for models with rounds; Ctrl-C gives
/// [`Cancelled`] (as an error of its own, so that `main` exits 130).
fn watched_forecast(
    input: &Input,
    model: &Model,
    options: &ForecastOptions,
) -> anyhow::Result<Result<Forecast, ForecastError>> {
    let bar = match model {
        Model::ExpectedUtility(_) | Model::Smp(_) => progress_bar(0, "rounds", 1),
        _ => ProgressBar::hidden(),
    };
    bar.set_message(format!("{} ", model.name()));
    let result = checked_forecast_watched(
        input,
        model,
        options,
        &|p| {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
        },
        &CANCEL,
    );
    bar.finish_and_clear();
    match result {
        Err(ForecastError::Cancelled { rounds }) => Err(Cancelled::rounds(rounds).into()),
        other => Ok(other),
    }
}

/// A scenario read and turned into the models' input.
struct Prepared {
    loaded: LoadedScenario,
    input: Input,
}

impl Prepared {
    fn new(path: &Path, strict_weights: bool) -> anyhow::Result<Prepared> {
        let loaded =
            load_scenario(path, strict_weights).with_context(|| format!("cannot load scenario {}", path.display()))?;
        let input =
            Input::from_scenario(&loaded.scenario).with_context(|| format!("cannot forecast {}", path.display()))?;
        Ok(Prepared { loaded, input })
    }

    /// Actor names in input order (`Input::from_scenario` keeps every actor, in order).
    fn actor_names(&self) -> Vec<String> {
        self.loaded.scenario.actors.iter().map(|a| a.name.clone()).collect()
    }

    fn actor_name(&self, a: usize) -> &str {
        self.context().actor_name(a)
    }

    /// What the report crate's JSON views need.
    fn context(&self) -> ForecastContext<'_> {
        ForecastContext { scenario: &self.loaded.scenario, input: &self.input, warnings: &self.loaded.warnings }
    }
}

fn forecast_options(flags: &ForecastFlags) -> ForecastOptions {
    ForecastOptions { max_rounds: flags.rounds, seed: flags.seed }
}

// ------------------------------------------------------------------ forecast

/// `detente forecast`.
pub(crate) fn run_forecast(args: &ForecastArgs) -> anyhow::Result<()> {
    cancel::install_handler()?;
    if let Some(path) = &args.plot {
        PictureFormat::of(path)?;
    }
    let prepared = Prepared::new(&args.file, args.scenario.strict_weights)?;
    let options = forecast_options(&args.run);
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.compare {
        let models = ModelName::ALL
            .iter()
            .map(|&m| Ok((m, configured(m, &args.run.params)?)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let results: Vec<(ModelName, Result<Forecast, ForecastError>)> = models
            .iter()
            .map(|(m, chosen)| Ok((*m, watched_forecast(&prepared.input, chosen, &options)?)))
            .collect::<anyhow::Result<_>>()?;
        if results.iter().all(|(_, r)| r.is_err()) {
            let errors: Vec<String> =
                results.iter().filter_map(|(m, r)| r.as_ref().err().map(|e| format!("{}: {e}", m.name()))).collect();
            bail!("no model can forecast {}:\n  {}", args.file.display(), errors.join("\n  "));
        }
        if args.json {
            serde_json::to_writer_pretty(&mut out, &CompareJson { context: prepared.context(), results: &results })?;
            writeln!(out)?;
        } else {
            print_warnings(&prepared.loaded);
            write_compare(&mut out, &prepared, &results)?;
        }
        return Ok(out.flush()?);
    }

    let chosen = configured(model_name(args.model), &args.run.params)?;
    let forecast = watched_forecast(&prepared.input, &chosen, &options)?
        .with_context(|| format!("the {} model cannot forecast {}", chosen.name(), args.file.display()))?;
    if args.json {
        let json = ForecastJson { context: prepared.context(), forecast: &forecast, top_level: true };
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
    } else if args.csv {
        write_trajectory_csv(&mut out, &prepared.input, &forecast)?;
    } else {
        print_warnings(&prepared.loaded);
        write_forecast(&mut out, &prepared, &forecast)?;
    }
    if let Some(path) = &args.plot {
        let title = format!("{}: {} forecast", prepared.loaded.scenario.name, forecast.model);
        forecast_plot::plot_trajectories(&title, &prepared.input, &forecast, &prepared.actor_names(), path)
            .with_context(|| format!("cannot draw {}", path.display()))?;
        if !args.json && !args.csv {
            writeln!(out, "\nPicture written to {}", path.display())?;
        }
    }
    Ok(out.flush()?)
}

/// "closed form", "converged after 12 rounds", "stopped at the round limit
/// after 100 rounds".
fn stop_text(forecast: &Forecast) -> String {
    let rounds = forecast.rounds();
    let plural = if rounds == 1 { "round" } else { "rounds" };
    match forecast.stop {
        Stop::ClosedForm => "closed form".to_owned(),
        Stop::Converged => format!("converged after {rounds} {plural}"),
        Stop::RoundLimit => format!("stopped at the round limit after {rounds} {plural}"),
    }
}

fn write_forecast(out: &mut impl Write, prepared: &Prepared, forecast: &Forecast) -> io::Result<()> {
    let (s, input) = (&prepared.loaded.scenario, &prepared.input);
    writeln!(out, "{}", s.name)?;
    writeln!(out, "{}", "=".repeat(s.name.chars().count().max(3)))?;
    writeln!(out, "read from {} ({})", prepared.loaded.path.display(), prepared.loaded.format)?;
    writeln!(out, "\nForecast by the {} model: {}", forecast.model, stop_text(forecast))?;
    let closed = forecast.stop == Stop::ClosedForm;
    let width = (0..input.actors.len()).map(|a| prepared.actor_name(a).chars().count()).max().unwrap_or(0);
    let first = &forecast.trajectory[0];
    let last = &forecast.trajectory[forecast.trajectory.len() - 1];
    for (k, scale) in input.issues.iter().enumerate() {
        writeln!(out, "\n{} ({})", scale.name, scale.id)?;
        writeln!(out, "  scale     {}", scale_text(scale))?;
        writeln!(out, "  forecast  {}", outcome_text(scale, forecast.outcome[k]))?;
        if let Some(c) = forecast.cycles.iter().find(|c| c.issue == k) {
            writeln!(out, "  cycle     {}", cycle_text(scale, c))?;
        }
        writeln!(out, "  {}", if closed { "positions" } else { "positions, start → final" })?;
        for a in 0..input.actors.len() {
            let name = prepared.actor_name(a);
            let start = position_text(scale, first[a][k]);
            if closed {
                writeln!(out, "    {name:<width$}  {start}")?;
            } else {
                writeln!(out, "    {name:<width$}  {start} → {}", position_text(scale, last[a][k]))?;
            }
        }
    }
    Ok(())
}

/// "the positions repeat every 2 rounds from round 3; the issue settles at
/// 6, then 0, in turn, so the forecast (the last round's) depends on the
/// round limit".
fn cycle_text(scale: &Scale, c: &Cycle) -> String {
    let settlements: Vec<String> = c
        .outcomes
        .iter()
        .map(|&x| {
            let value = fmt_units(scale, scale.denormalise(x));
            match scale.nearest_option(x) {
                Some(option) => format!("{value} ({option})"),
                None => value,
            }
        })
        .collect();
    format!(
        "the positions repeat every {} rounds from round {}; the issue settles at {}, in turn, so the forecast \
         (the last round's) depends on the round limit",
        c.period,
        c.since_round,
        settlements.join(", then ")
    )
}

/// "0–12: months from the agreement …", or "0 NATO membership · 1 … · 2 …".
fn scale_text(scale: &Scale) -> String {
    match &scale.options {
        Some(options) => options.iter().enumerate().map(|(i, o)| format!("{i} {o}")).collect::<Vec<_>>().join(" · "),
        None => {
            let range = format!("{}–{}", trim_number(&scale.min.to_string()), trim_number(&scale.max.to_string()));
            match &scale.unit {
                Some(unit) => format!("{range}: {unit}"),
                None => range,
            }
        }
    }
}

/// The forecast on one issue: "2.61", or "1.23, nearest option: NATO
/// membership deferred".
fn outcome_text(scale: &Scale, x: f64) -> String {
    let value = fmt_units(scale, scale.denormalise(x));
    match scale.nearest_option(x) {
        Some(option) => format!("{value}, nearest option: {option}"),
        None => value,
    }
}

/// An actor's position: "75", "1 NATO membership deferred", or "1.37 (≈ NATO
/// membership deferred)" between options.
fn position_text(scale: &Scale, x: f64) -> String {
    let units = scale.denormalise(x);
    let value = fmt_units(scale, units);
    match scale.nearest_option(x) {
        Some(option) if (units - units.round()).abs() < 1e-9 => format!("{value} {option}"),
        Some(option) => format!("{value} (≈ {option})"),
        None => value,
    }
}

/// Decimals that show a value on a scale of this span to about four
/// significant digits of the span: 1 on 0–100, 2 on 0–12, 3 on 0–2.
fn decimals(span: f64) -> usize {
    if span.is_finite() && span > 0.0 { (3.0 - span.log10().floor()).clamp(0.0, 8.0) as usize } else { 3 }
}

/// A value in an issue's units, trailing zeros dropped: "2.61", "75", "0".
pub(crate) fn fmt_units(scale: &Scale, value: f64) -> String {
    fmt_decimals(value, decimals(scale.span()))
}

fn fmt_decimals(value: f64, decimals: usize) -> String {
    trim_number(&format!("{value:.decimals$}"))
}

/// "2.500" as "2.5", "3.000" as "3", "-0.00" as "0".
fn trim_number(text: &str) -> String {
    let t = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { text };
    if t == "-0" { "0".to_owned() } else { t.to_owned() }
}

/// `model,round,actor,issue,position`, positions in the issue's units.
fn write_trajectory_csv(out: &mut impl Write, input: &Input, forecast: &Forecast) -> io::Result<()> {
    writeln!(out, "model,round,actor,issue,position")?;
    for (r, round) in forecast.trajectory.iter().enumerate() {
        for (actor, positions) in input.actors.iter().zip(round) {
            for (scale, &x) in input.issues.iter().zip(positions) {
                let (model, actor, issue) = (csv_field(forecast.model), csv_field(&actor.id), csv_field(&scale.id));
                writeln!(out, "{model},{r},{actor},{issue},{}", scale.denormalise(x))?;
            }
        }
    }
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

fn write_compare(
    out: &mut impl Write,
    prepared: &Prepared,
    results: &[(ModelName, Result<Forecast, ForecastError>)],
) -> io::Result<()> {
    let input = &prepared.input;
    let title = format!("{}: every model's forecast, in each issue's units", prepared.loaded.scenario.name);
    writeln!(out, "{title}")?;
    writeln!(out, "{}", "=".repeat(title.chars().count()))?;
    let names: Vec<&str> = results.iter().map(|(m, _)| m.name()).collect();
    let cells: Vec<Vec<String>> = input
        .issues
        .iter()
        .enumerate()
        .map(|(k, scale)| {
            results
                .iter()
                .map(|(_, r)| match r {
                    Ok(f) => fmt_units(scale, scale.denormalise(f.outcome[k])),
                    Err(_) => "—".to_owned(),
                })
                .collect()
        })
        .collect();
    let issue_width = input.issues.iter().map(|i| i.id.chars().count()).max().unwrap_or(0).max("issue".len());
    let widths: Vec<usize> = names
        .iter()
        .enumerate()
        .map(|(m, name)| cells.iter().map(|row| row[m].chars().count()).chain([name.len()]).max().unwrap_or(0))
        .collect();
    write!(out, "\n{:<issue_width$}", "issue")?;
    for (name, w) in names.iter().zip(&widths) {
        write!(out, "  {name:>w$}")?;
    }
    writeln!(out)?;
    for (scale, row) in input.issues.iter().zip(&cells) {
        write!(out, "{:<issue_width$}", scale.id)?;
        for (cell, &w) in row.iter().zip(&widths) {
            // Right-aligned by characters: `{:>w$}` counts chars, so "—" lines up.
            write!(out, "  {cell:>w$}")?;
        }
        writeln!(out)?;
    }

    writeln!(out, "\nIssues")?;
    for scale in &input.issues {
        writeln!(out, "  {}: {} ({})", scale.id, scale.name, scale_text(scale))?;
    }
    let notes: Vec<String> = results
        .iter()
        .filter_map(|(m, r)| {
            let name = m.name();
            match r {
                Err(e) => Some(format!("{name}: no forecast: {e}")),
                Ok(f) if f.stop != Stop::ClosedForm => {
                    let cycling: Vec<&str> = f.cycles.iter().map(|c| input.issues[c.issue].id.as_str()).collect();
                    Some(match cycling.split_last() {
                        None => format!("{name}: {}", stop_text(f)),
                        Some((last, [])) => format!(
                            "{name}: {}; the positions on {last} cycle, so there the forecast depends on the round \
                             limit (`forecast --model {name}` shows the cycle)",
                            stop_text(f)
                        ),
                        Some((last, rest)) => format!(
                            "{name}: {}; the positions on {} and {last} cycle, so there the forecast depends on \
                             the round limit (`forecast --model {name}` shows the cycles)",
                            stop_text(f),
                            rest.join(", ")
                        ),
                    })
                }
                Ok(_) => None,
            }
        })
        .collect();
    if !notes.is_empty() {
        writeln!(out, "\nNotes")?;
        for note in notes {
            writeln!(out, "  - {note}")?;
        }
    }
    Ok(())
}

// -------------------------------------------------------------- sensitivity

/// `detente sensitivity`.
pub(crate) fn run_sensitivity(args: &SensitivityArgs) -> anyhow::Result<()> {
    cancel::install_handler()?;
    if args.runs == 0 {
        bail!("--runs 0: a sensitivity analysis needs at least one run");
    }
    if args.bins == 0 {
        bail!("--bins 0: a histogram needs at least one bin");
    }
    if let Some(path) = &args.plot {
        PictureFormat::of(path)?;
    }
    let prepared = Prepared::new(&args.file, args.scenario.strict_weights)?;
    let input = &prepared.input;
    check_sensitivity_size(input, args.runs).map_err(|e| anyhow::anyhow!("--runs {}: {e}", args.runs))?;
    let defaults = SensitivityOptions::default();
    let options = SensitivityOptions {
        runs: args.runs,
        seed: args.run.seed,
        position: args.position_spread.unwrap_or(defaults.position),
        salience: args.salience_spread.unwrap_or(defaults.salience),
        capability: args.capability_spread.unwrap_or(defaults.capability),
        bins: args.bins,
        skip_failed: args.skip_failed,
        ..defaults
    };
    let chosen = configured(model_name(args.model), &args.run.params)?;

    let bar = progress_bar(args.runs as u64, "runs", 1);
    let result = sensitivity::run(
        input,
        &chosen,
        &forecast_options(&args.run),
        &options,
        &|completed| bar.set_position(completed as u64),
        &CANCEL,
    );
    bar.finish_and_clear();
    let result = match result {
        Ok(result) => result,
        Err(SensitivityError::Cancelled { completed, runs }) => return Err(Cancelled::runs(completed, runs).into()),
        Err(error) => {
            return Err(error).with_context(|| {
                format!("cannot run the {} model's sensitivity analysis of {}", chosen.name(), args.file.display())
            });
        }
    };

    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer_pretty(
            &mut out,
            &SensitivityJson { context: prepared.context(), result: &result, options: &options },
        )?;
        writeln!(out)?;
    } else {
        print_warnings(&prepared.loaded);
        write_sensitivity(&mut out, &prepared, &result, &options, args.top)?;
    }
    if let Some(path) = &args.plot {
        let title = format!("{}: sensitivity of the {} forecast", prepared.loaded.scenario.name, result.model);
        let labels: Vec<String> = result.inputs.iter().map(|i| input_label(&prepared, i)).collect();
        forecast_plot::plot_tornado(&title, input, &result, &labels, args.top, path)
            .with_context(|| format!("cannot draw {}", path.display()))?;
        if !args.json {
            writeln!(out, "\nPicture written to {}", path.display())?;
        }
    }
    Ok(out.flush()?)
}

/// "Russia · capability", "Russia · position on territory".
fn input_label(prepared: &Prepared, input: &UncertainInput) -> String {
    let actor = prepared.actor_name(input.actor_index);
    let issue = input.issue.as_deref().unwrap_or("");
    match input.parameter {
        Parameter::Capability => format!("{actor} · capability"),
        Parameter::Position => format!("{actor} · position on {issue}"),
        Parameter::Salience => format!("{actor} · salience on {issue}"),
    }
}

fn write_sensitivity(
    out: &mut impl Write,
    prepared: &Prepared,
    result: &Sensitivity,
    options: &SensitivityOptions,
    top: usize,
) -> io::Result<()> {
    let (s, input) = (&prepared.loaded.scenario, &prepared.input);
    let title = format!("Sensitivity of the {} forecast: {}", result.model, s.name);
    writeln!(out, "{title}")?;
    writeln!(out, "{}", "=".repeat(title.chars().count()))?;
    let from_scenario = result.inputs.iter().filter(|i| i.source == SpreadSource::Scenario).count();
    writeln!(
        out,
        "{} Monte Carlo runs, seed {}; {} uncertain inputs ({from_scenario} with the scenario's spread, the others \
         position {}, salience {}, capability {})",
        group_thousands(result.runs as u64),
        result.seed,
        result.inputs.len(),
        spread_text(options.position),
        spread_text(options.salience),
        spread_text(options.capability),
    )?;
    if let Some(line) = failures_text(result) {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "Tornado: each input alone at its low and high value, the issue's forecast then (low … high).")?;
    for (scale, issue) in input.issues.iter().zip(&result.issues) {
        write_issue_sensitivity(out, prepared, result, scale, issue, top)?;
    }
    Ok(())
}

fn write_issue_sensitivity(
    out: &mut impl Write,
    prepared: &Prepared,
    result: &Sensitivity,
    scale: &Scale,
    issue: &IssueSensitivity,
    top: usize,
) -> io::Result<()> {
    let units = |x: f64| fmt_units(scale, scale.denormalise(x));
    let spread = |x: f64| fmt_units(scale, x * scale.span());
    writeln!(out, "\n{} ({})", scale.name, scale.id)?;
    if scale.options.is_some() {
        writeln!(out, "  scale      {}", scale_text(scale))?;
    }
    writeln!(
        out,
        "  base       {}   mean {}   sd {}   range {} … {}",
        outcome_text(scale, issue.base),
        units(issue.mean),
        spread(issue.std_dev),
        units(issue.min),
        units(issue.max)
    )?;
    let quantiles: Vec<String> =
        issue.quantiles.iter().map(|q| format!("{}% {}", fmt_decimals(q.p * 100.0, 1), units(q.value))).collect();
    writeln!(out, "  quantiles  {}", quantiles.join(" · "))?;
    if let Some((line, low, high)) = sparkline(&issue.histogram) {
        writeln!(out, "  histogram  {} {line} {}", units(low), units(high))?;
    }
    if issue.cycling_runs > 0 {
        writeln!(
            out,
            "  cycles     in {} of {} runs the positions cycle up to the round limit, so there the run's forecast \
             depends on the round limit",
            group_thousands(issue.cycling_runs as u64),
            group_thousands(result.completed_runs as u64)
        )?;
    }
    let bars: Vec<&TornadoBar> = issue.tornado.iter().filter(|b| b.swing > 0.0).take(top).collect();
    if top == 0 {
        return Ok(());
    }
    if bars.is_empty() {
        writeln!(out, "  no single input moves this forecast at its low or high value")?;
        return Ok(());
    }
    writeln!(out, "  largest swings")?;
    for bar in bars {
        let rho = bar.rank_correlation.map_or_else(|| "–".to_owned(), |r| format!("{r:.2}"));
        writeln!(
            out,
            "    {}: {} … {}, swing {}, ρ = {rho}",
            input_label(prepared, &result.inputs[bar.input]),
            units(bar.low),
            units(bar.high),
            spread(bar.swing),
        )?;
    }
    Ok(())
}

/// "12 of 10,000 runs failed and were left out (first: run 17: …)"; `None`
/// when none failed.
fn failures_text(result: &Sensitivity) -> Option<String> {
    let first = result.failures.first()?;
    Some(format!(
        "{} of {} runs failed and were left out (first: run {}: {})",
        group_thousands(result.failed_runs as u64),
        group_thousands(result.runs as u64),
        first.run,
        first.error
    ))
}

/// The occupied part of a histogram over `[0, 1]` as block characters, at
/// most 40 wide, with the normalised edges of what it shows.
fn sparkline(counts: &[u64]) -> Option<(String, f64, f64)> {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let first = counts.iter().position(|&c| c > 0)?;
    let last = counts.iter().rposition(|&c| c > 0)?;
    let group = (last - first + 1).div_ceil(40);
    let groups: Vec<u64> = counts[first..=last].chunks(group).map(|c| c.iter().sum()).collect();
    let max = groups.iter().copied().max()?.max(1) as f64;
    let line = groups
        .iter()
        .map(|&c| if c == 0 { ' ' } else { BLOCKS[((c as f64 / max) * 7.0).round().clamp(0.0, 7.0) as usize] })
        .collect();
    let bins = counts.len() as f64;
    let high = ((first + groups.len() * group) as f64 / bins).min(1.0);
    Some((line, first as f64 / bins, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_parse_in_percent() {
        for (text, spread) in [
            ("5%", Spread::Uniform(0.05)),
            ("u5", Spread::Uniform(0.05)),
            ("U5%", Spread::Uniform(0.05)),
            ("±2.5%", Spread::Uniform(0.025)),
            ("5", Spread::Uniform(0.05)),
            ("n3", Spread::Normal(0.03)),
            ("n3%", Spread::Normal(0.03)),
            ("0", Spread::Uniform(0.0)),
            ("fixed", Spread::Fixed),
            ("Fixed", Spread::Fixed),
        ] {
            assert_eq!(parse_spread(text), Ok(spread), "{text}");
        }
        for bad in ["", "x5", "u", "n-3", "-1%", "5%%", "nan", "inf", "u5 %x", "n"] {
            assert!(parse_spread(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn spreads_print_as_they_parse() {
        for text in ["u5%", "n3%", "u12.5%", "fixed", "u0%"] {
            assert_eq!(spread_text(parse_spread(text).expect("valid")), text);
        }
    }

    #[test]
    fn help_states_the_library_defaults() {
        let d = SensitivityOptions::default();
        assert_eq!(spread_text(d.position), "u5%");
        assert_eq!(spread_text(d.salience), "u10%");
        assert_eq!(spread_text(d.capability), "u10%");
        assert!(SPREAD_HELP.contains("u5% (position), u10 (salience) and u10% (capability)"));
    }

    #[test]
    fn numbers_show_four_digits_of_the_span() {
        assert_eq!(decimals(100.0), 1);
        assert_eq!(decimals(12.0), 2);
        assert_eq!(decimals(2.0), 3);
        assert_eq!(fmt_decimals(2.6129, 2), "2.61");
        assert_eq!(fmt_decimals(75.0, 1), "75");
        assert_eq!(fmt_decimals(-0.0001, 2), "0");
        assert_eq!(trim_number("100"), "100");
    }

    #[test]
    fn sparklines_show_the_occupied_bins() {
        let mut counts = vec![0u64; 100];
        counts[40] = 1;
        counts[41] = 8;
        counts[43] = 4;
        let (line, low, high) = sparkline(&counts).expect("non-empty");
        assert_eq!(line, "▂█ ▅");
        assert_eq!((low, high), (0.40, 0.44));
        assert_eq!(sparkline(&[0, 0]), None);
        let wide: Vec<u64> = (0..100).map(|i| u64::from(i % 2 == 0)).collect();
        let (line, low, high) = sparkline(&wide).expect("non-empty");
        assert!(line.chars().count() <= 40, "{line}");
        assert_eq!((low, high), (0.0, 0.99));
    }
}
