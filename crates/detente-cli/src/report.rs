//! What `analyze` and `pareto` print: the readable report and the CSV table.
//! The JSON object is `detente_report::analysis::AnalysisJson`, shared with
//! the server.

use std::io::{self, Write};

use detente_core::space::issue_value;
use detente_core::{Analysis, IssueDomain, Method, OutcomeSpace, Scenario, Zopa, ZopaEstimate};
use detente_report::analysis::{SOLUTIONS, solution};

use crate::load::LoadedScenario;
use crate::numbers::{about_text, count_text, count_text_approx, group_thousands};

pub(crate) fn print_warnings(loaded: &LoadedScenario) {
    for w in &loaded.warnings {
        eprintln!("warning: {}: {w}", loaded.path.display());
    }
}

/// "1,944,000", or "1.000 × 10³⁰" for the largest spaces.
pub(crate) fn format_count(space: &OutcomeSpace) -> String {
    match space.exact_size() {
        Some(n) => count_text(n),
        // Past 2¹²⁸ only the magnitude is known; 4 digits of it are exact enough.
        None => count_text_approx(space.approximate_size()),
    }
}

fn describe_domain(domain: &IssueDomain) -> String {
    let unit = |u: &Option<String>| u.as_ref().map(|u| format!(" ({u})")).unwrap_or_default();
    match domain {
        IssueDomain::Continuous { min, max, unit: u, step } => {
            let step = step.map_or_else(|| " sampled at 21 points".to_owned(), |s| format!(" step {s}"));
            format!("scale {min}–{max}{}{step}", unit(u))
        }
        IssueDomain::Integer { min, max, unit: u } => format!("integer {min}–{max}{}", unit(u)),
        IssueDomain::Discrete { options, ordered } => {
            let sep = if *ordered { " < " } else { " | " };
            format!("{}: {}", if *ordered { "ordered" } else { "options" }, options.join(sep))
        }
    }
}

fn outcome_text(scenario: &Scenario, outcome: &[u32]) -> Vec<(String, String)> {
    scenario
        .issues
        .iter()
        .zip(outcome)
        .map(|(issue, &l)| (issue.name.clone(), issue_value(issue, l).to_string()))
        .collect()
}

fn fmt_u(u: f64) -> String {
    format!("{u:.4}")
}

pub(crate) fn write_analysis(out: &mut impl Write, loaded: &LoadedScenario, analysis: &Analysis) -> io::Result<()> {
    let s = &loaded.scenario;
    writeln!(out, "{}", s.name)?;
    writeln!(out, "{}", "=".repeat(s.name.chars().count().max(3)))?;
    writeln!(out, "read from {} ({})", loaded.path.display(), loaded.format)?;
    if !s.description.is_empty() {
        writeln!(out, "\n{}", s.description.trim())?;
    }

    writeln!(out, "\nActors ({})", s.n_actors())?;
    let name_width = s.actors.iter().map(|a| a.name.chars().count()).max().unwrap_or(4).max(5);
    writeln!(
        out,
        "  {:<name_width$}  {:>10}  {:>8}  {:>5}  {:>11}",
        "actor", "capability", "at table", "veto", "reservation"
    )?;
    for a in &s.actors {
        writeln!(
            out,
            "  {:<name_width$}  {:>10}  {:>8}  {:>5}  {:>11}",
            a.name,
            format!("{:.3}", a.capability),
            if a.at_table { "yes" } else { "no" },
            if a.veto { "yes" } else { "no" },
            fmt_u(a.reservation),
        )?;
    }

    writeln!(out, "\nIssues ({})", s.n_issues())?;
    for (issue, levels) in s.issues.iter().zip(&analysis.space.levels) {
        writeln!(out, "  {}: {} ({levels} levels)", issue.name, describe_domain(&issue.domain))?;
    }

    writeln!(out, "\nOutcome space: {} outcomes", count_text(analysis.n_outcomes))?;
    match analysis.method {
        Method::Enumeration => {}
        Method::Additive => {
            writeln!(out, "Method: per-issue frontiers merged with dominance pruning (exact, no enumeration)")?
        }
        Method::BranchAndBound { exact: true, nodes, .. } => writeln!(
            out,
            "Method: branch and bound over the issues (exact, {} nodes)",
            group_thousands(u128::from(nodes))
        )?,
        Method::BranchAndBound { exact: false, nodes, epsilon } => writeln!(
            out,
            "Method: branch and bound over the issues, stopped after {} nodes: within {epsilon:.4} of the frontier",
            group_thousands(u128::from(nodes))
        )?,
    }
    let analysed: Vec<&str> = analysis.actors.iter().map(|&a| s.actors[a].name.as_str()).collect();
    writeln!(
        out,
        "Pareto frontier: {} outcomes, between {}",
        group_thousands(analysis.frontier.len() as u128),
        analysed.join(", ")
    )?;

    writeln!(out, "\nZone of possible agreement (outcomes every listed actor prefers to no agreement)")?;
    for (label, zopa, estimate) in [
        ("actors at the table", &analysis.zopa_table, &analysis.zopa_table_estimate),
        ("at the table and with a veto", &analysis.zopa_veto, &analysis.zopa_veto_estimate),
    ] {
        match (zopa, estimate) {
            (Some(zopa), _) => write_zopa(out, s, label, zopa)?,
            (None, Some(estimate)) => write_zopa_estimate(out, s, label, estimate, analysis.n_outcomes)?,
            (None, None) => writeln!(out, "  {label}: not counted (see the notes below)")?,
        }
    }
    if !analysis.notes.is_empty() {
        writeln!(out, "\nNotes")?;
        for note in &analysis.notes {
            writeln!(out, "  - {note}")?;
        }
    }

    writeln!(out, "\nBargaining solutions (disagreement point: the reservation values of {})", analysed.join(", "))?;
    if analysis.solutions.nash.is_none() {
        writeln!(
            out,
            "  none: no outcome gives every analysed actor at least its reservation value, so each prefers no deal"
        )?;
    }
    for (key, title) in SOLUTIONS {
        let Some(sol) = solution(analysis, key) else { continue };
        writeln!(out, "\n  {title}")?;
        let width = s.issues.iter().map(|i| i.name.chars().count()).max().unwrap_or(0);
        for (issue, value) in outcome_text(s, &sol.point.outcome) {
            writeln!(out, "    {issue:<width$}  {value}")?;
        }
        let utilities: Vec<String> = s
            .actors
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let marker = if analysis.actors.contains(&i) { "" } else { " (not analysed)" };
                format!("{} {}{marker}", a.name, fmt_u(s.utility(i, &sol.point.outcome)))
            })
            .collect();
        writeln!(out, "    utilities: {}", utilities.join(", "))?;
        if !sol.ties.is_empty() {
            writeln!(out, "    tied with {} other frontier outcome(s) (see --json)", sol.ties.len())?;
        }
    }
    Ok(())
}

fn write_zopa(out: &mut impl Write, s: &Scenario, label: &str, zopa: &Zopa) -> io::Result<()> {
    let names: Vec<&str> = zopa.actors.iter().map(|&a| s.actors[a].name.as_str()).collect();
    writeln!(
        out,
        "  {label} ({}): {} outcomes ({:.2}% of the space)",
        names.join(", "),
        count_text(zopa.size),
        zopa.share * 100.0
    )?;
    let blockers: Vec<String> = zopa
        .actors
        .iter()
        .zip(&zopa.blocked_by)
        .filter(|(_, n)| **n > 0)
        .map(|(&a, n)| format!("{} {}", s.actors[a].name, count_text(*n)))
        .collect();
    if !blockers.is_empty() {
        writeln!(out, "    outcomes all others accept but one actor alone rejects: {}", blockers.join(", "))?;
    }
    Ok(())
}

/// `  actors at the table (A, B): ZOPA (estimated from 1,000,000 samples,
/// seed 0): 0.31% of outcomes (95%: 0.30–0.32%), about 3.1 × 10⁷`.
fn write_zopa_estimate(
    out: &mut impl Write,
    s: &Scenario,
    label: &str,
    estimate: &ZopaEstimate,
    n_outcomes: u128,
) -> io::Result<()> {
    let names: Vec<&str> = estimate.actors.iter().map(|&a| s.actors[a].name.as_str()).collect();
    // Enough decimals that the interval's ends differ.
    let width = (estimate.share_high - estimate.share_low) * 100.0;
    let decimals = if width > 0.0 { (1.0 - width.log10().floor()).clamp(2.0, 8.0) as usize } else { 2 };
    writeln!(
        out,
        "  {label} ({}): ZOPA (estimated from {} samples, seed {}): {}% of outcomes (95%: {}–{}%), {}",
        names.join(", "),
        group_thousands(u128::from(estimate.samples)),
        estimate.seed,
        percent_text(estimate.share, decimals),
        percent_text(estimate.share_low, decimals),
        percent_text(estimate.share_high, decimals),
        if estimate.hits == 0 {
            format!("none drawn, so at most {}", about_text(estimate.share_high * n_outcomes as f64))
        } else {
            about_text(estimate.size)
        }
    )?;
    let blockers: Vec<String> = estimate
        .actors
        .iter()
        .zip(&estimate.blocked_by_share)
        .filter(|(_, share)| **share > 0.0)
        .map(|(&a, &share)| format!("{} {}%", s.actors[a].name, percent_text(share, 2)))
        .collect();
    if !blockers.is_empty() {
        writeln!(
            out,
            "    share of outcomes all others accept but one actor alone rejects (estimated): {}",
            blockers.join(", ")
        )?;
    }
    Ok(())
}

/// A share as a percentage with at least `decimals` decimals, and two
/// significant digits below 0.1%, so that a small zone does not read as zero.
fn percent_text(share: f64, decimals: usize) -> String {
    let percent = share * 100.0;
    let significant = if percent > 0.0 { (1.0 - percent.log10().floor()).clamp(2.0, 12.0) as usize } else { 2 };
    let decimals = decimals.max(significant);
    format!("{percent:.decimals$}")
}

pub(crate) fn write_frontier_csv(out: &mut impl Write, s: &Scenario, analysis: &Analysis) -> io::Result<()> {
    let mut header: Vec<String> = s.issues.iter().map(|i| csv_field(&i.id)).collect();
    header.extend(analysis.actors.iter().map(|&a| csv_field(&format!("u_{}", s.actors[a].id))));
    writeln!(out, "{}", header.join(","))?;
    for p in &analysis.frontier {
        let mut row: Vec<String> =
            s.issues.iter().zip(&p.outcome).map(|(issue, &l)| csv_field(&issue_value(issue, l).to_string())).collect();
        row.extend(p.utilities.iter().map(|u| u.to_string()));
        writeln!(out, "{}", row.join(","))?;
    }
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

pub(crate) fn write_frontier_table(out: &mut impl Write, s: &Scenario, analysis: &Analysis) -> io::Result<()> {
    writeln!(
        out,
        "{} Pareto-optimal outcomes of {} ({} outcomes)",
        group_thousands(analysis.frontier.len() as u128),
        s.name,
        count_text(analysis.n_outcomes)
    )?;
    let names: Vec<&str> = analysis.actors.iter().map(|&a| s.actors[a].name.as_str()).collect();
    writeln!(out, "utilities: {}", names.join(", "))?;
    for p in &analysis.frontier {
        let utilities: Vec<String> = p.utilities.iter().map(|&u| fmt_u(u)).collect();
        let values: Vec<String> = outcome_text(s, &p.outcome).into_iter().map(|(i, v)| format!("{i}={v}")).collect();
        writeln!(out, "  [{}]  {}", utilities.join(", "), values.join("; "))?;
    }
    Ok(())
}
