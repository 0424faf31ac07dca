//! What `analyze` and `pareto` print: the readable report, the JSON object
//! and the CSV table.
//!
//! The JSON keys are a stable interface documented in the README; add keys,
//! never rename them.

use std::io::{self, Write};

use detente_core::space::issue_value;
use detente_core::{Analysis, IssueDomain, IssueValue, OutcomeSpace, Point, Scenario, Solution, Zopa};
use serde_json::{Map, Value, json};

use crate::load::LoadedScenario;

/// The solutions in report order: (JSON key, display name).
const SOLUTIONS: [(&str, &str); 5] = [
    ("nash", "Nash bargaining solution"),
    ("weighted_nash", "Capability-weighted Nash solution"),
    ("kalai_smorodinsky", "Kalai–Smorodinsky solution"),
    ("egalitarian", "Egalitarian solution"),
    ("utilitarian", "Utilitarian solution (maximum welfare)"),
];

fn solution<'a>(analysis: &'a Analysis, key: &str) -> Option<&'a Solution> {
    let s = &analysis.solutions;
    match key {
        "nash" => s.nash.as_ref(),
        "weighted_nash" => s.weighted_nash.as_ref(),
        "kalai_smorodinsky" => s.kalai_smorodinsky.as_ref(),
        "egalitarian" => s.egalitarian.as_ref(),
        "utilitarian" => s.utilitarian.as_ref(),
        _ => None,
    }
}

pub(crate) fn print_warnings(loaded: &LoadedScenario) {
    for w in &loaded.warnings {
        eprintln!("warning: {}: {w}", loaded.path.display());
    }
}

/// "1,944,000", or "1.000e10" when the count does not fit.
pub(crate) fn format_count(space: &OutcomeSpace) -> String {
    match space.size() {
        Some(n) => group_thousands(n),
        None => format!("{:.3e}", space.approximate_size()),
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
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

    writeln!(out, "\nOutcome space: {} outcomes", group_thousands(analysis.n_outcomes))?;
    let analysed: Vec<&str> = analysis.actors.iter().map(|&a| s.actors[a].name.as_str()).collect();
    writeln!(
        out,
        "Pareto frontier: {} outcomes, between {}",
        group_thousands(analysis.frontier.len() as u64),
        analysed.join(", ")
    )?;

    writeln!(out, "\nZone of possible agreement (outcomes every listed actor prefers to no agreement)")?;
    write_zopa(out, s, "actors at the table", &analysis.zopa_table)?;
    write_zopa(out, s, "at the table and with a veto", &analysis.zopa_veto)?;

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
        group_thousands(zopa.size),
        zopa.share * 100.0
    )?;
    let blockers: Vec<String> = zopa
        .actors
        .iter()
        .zip(&zopa.blocked_by)
        .filter(|(_, n)| **n > 0)
        .map(|(&a, n)| format!("{} {}", s.actors[a].name, group_thousands(*n)))
        .collect();
    if !blockers.is_empty() {
        writeln!(out, "    outcomes all others accept but one actor alone rejects: {}", blockers.join(", "))?;
    }
    Ok(())
}

fn value_json(v: IssueValue) -> Value {
    match v {
        IssueValue::Option(s) => Value::String(s),
        IssueValue::Integer(i) => json!(i),
        IssueValue::Real(x) => json!(x),
    }
}

fn point_json(s: &Scenario, p: &Point) -> Value {
    let outcome: Map<String, Value> = s
        .issues
        .iter()
        .zip(&p.outcome)
        .map(|(issue, &l)| (issue.id.clone(), value_json(issue_value(issue, l))))
        .collect();
    json!({ "outcome": outcome, "utilities": p.utilities })
}

fn zopa_json(s: &Scenario, zopa: &Zopa) -> Value {
    let blocked: Map<String, Value> =
        zopa.actors.iter().zip(&zopa.blocked_by).map(|(&a, &n)| (s.actors[a].name.clone(), json!(n))).collect();
    json!({
        "actors": zopa.actors.iter().map(|&a| &s.actors[a].name).collect::<Vec<_>>(),
        "size": zopa.size,
        "share": zopa.share,
        "blocked_by": blocked,
    })
}

/// The `analyze --json` object.
pub(crate) fn analysis_json(loaded: &LoadedScenario, analysis: &Analysis) -> Value {
    let s = &loaded.scenario;
    let mut root = Map::new();
    root.insert("scenario".into(), json!(s.name));
    root.insert("actors".into(), json!(analysis.actors.iter().map(|&a| &s.actors[a].name).collect::<Vec<_>>()));
    root.insert("actor_ids".into(), json!(analysis.actors.iter().map(|&a| &s.actors[a].id).collect::<Vec<_>>()));
    root.insert(
        "issues".into(),
        json!(
            s.issues
                .iter()
                .zip(&analysis.space.levels)
                .map(|(i, n)| json!({ "id": i.id, "name": i.name, "levels": n }))
                .collect::<Vec<_>>()
        ),
    );
    root.insert("n_outcomes".into(), json!(analysis.n_outcomes));
    root.insert("pareto".into(), json!(analysis.frontier.iter().map(|p| point_json(s, p)).collect::<Vec<_>>()));
    for (key, _) in SOLUTIONS {
        let value = match solution(analysis, key) {
            Some(sol) => {
                let mut v = point_json(s, &sol.point);
                v["score"] = json!(sol.score);
                v["ties"] = json!(sol.ties.iter().map(|p| point_json(s, p)).collect::<Vec<_>>());
                v
            }
            None => Value::Null,
        };
        root.insert(key.into(), value);
    }
    root.insert(
        "zopa".into(),
        json!({
            "at_table": zopa_json(s, &analysis.zopa_table),
            "with_vetoes": zopa_json(s, &analysis.zopa_veto),
        }),
    );
    root.insert("warnings".into(), json!(loaded.warnings.iter().map(|w| w.message.clone()).collect::<Vec<_>>()));
    Value::Object(root)
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
        group_thousands(analysis.frontier.len() as u64),
        s.name,
        group_thousands(analysis.n_outcomes)
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
