//! What `analyze` and `pareto` print: the readable report, the JSON object
//! and the CSV table.
//!
//! The JSON keys are a stable interface documented in the README; add keys,
//! never rename them.

use std::io::{self, Write};

use detente_core::space::issue_value;
use detente_core::{Analysis, IssueDomain, IssueValue, Method, OutcomeSpace, Point, Scenario, Solution, Zopa};
use indexmap::IndexMap;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

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
        Some(n) => group_thousands(u128::from(n)),
        None => format!("{:.3e}", space.approximate_size()),
    }
}

/// A count for reading: "1,944,000", or "1.000e30" from 10¹² on, where the
/// digits stop being readable (the JSON keeps them exact).
fn count_text(n: u128) -> String {
    if n >= 1_000_000_000_000 { format!("{:.3e}", n as f64) } else { group_thousands(n) }
}

/// "1,944,000".
fn group_thousands(n: u128) -> String {
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
    for (label, zopa) in
        [("actors at the table", &analysis.zopa_table), ("at the table and with a veto", &analysis.zopa_veto)]
    {
        match zopa {
            Some(zopa) => write_zopa(out, s, label, zopa)?,
            None => writeln!(out, "  {label}: not counted (see the notes below)")?,
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

/// An issue's value as JSON: the option's name or the number.
struct ValueJson(IssueValue);

impl Serialize for ValueJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            IssueValue::Option(name) => serializer.serialize_str(name),
            IssueValue::Integer(i) => serializer.serialize_i64(*i),
            IssueValue::Real(x) => serializer.serialize_f64(*x),
        }
    }
}

/// `{ "outcome": { issue id: value, … }, "utilities": [...] }`, plus a
/// solution's score and ties.
struct PointJson<'a> {
    scenario: &'a Scenario,
    point: &'a Point,
    solution: Option<&'a Solution>,
}

impl Serialize for PointJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = self.scenario;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("outcome", &OutcomeJson { scenario: s, outcome: &self.point.outcome })?;
        map.serialize_entry("utilities", &self.point.utilities)?;
        if let Some(sol) = self.solution {
            map.serialize_entry("score", &sol.score)?;
            map.serialize_entry("ties", &Points { scenario: s, points: &sol.ties })?;
        }
        map.end()
    }
}

struct OutcomeJson<'a> {
    scenario: &'a Scenario,
    outcome: &'a [u32],
}

impl Serialize for OutcomeJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.scenario
                .issues
                .iter()
                .zip(self.outcome)
                .map(|(issue, &l)| (&issue.id, ValueJson(issue_value(issue, l)))),
        )
    }
}

/// A list of points, written one at a time: a frontier of a million points
/// never exists as a JSON tree in memory.
struct Points<'a> {
    scenario: &'a Scenario,
    points: &'a [Point],
}

impl Serialize for Points<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.points.iter().map(|point| PointJson {
            scenario: self.scenario,
            point,
            solution: None,
        }))
    }
}

#[derive(Serialize)]
struct ZopaJson<'a> {
    actors: Vec<&'a str>,
    size: u128,
    share: f64,
    /// Actor name → outcomes that actor alone blocks, in group order.
    blocked_by: IndexMap<&'a str, u128>,
}

impl<'a> ZopaJson<'a> {
    fn new(s: &'a Scenario, zopa: &Zopa) -> ZopaJson<'a> {
        ZopaJson {
            actors: zopa.actors.iter().map(|&a| s.actors[a].name.as_str()).collect(),
            size: zopa.size,
            share: zopa.share,
            blocked_by: zopa
                .actors
                .iter()
                .zip(&zopa.blocked_by)
                .map(|(&a, &n)| (s.actors[a].name.as_str(), n))
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct IssueJson<'a> {
    id: &'a str,
    name: &'a str,
    levels: u64,
}

#[derive(Serialize)]
struct ZopasJson<'a> {
    at_table: Option<ZopaJson<'a>>,
    with_vetoes: Option<ZopaJson<'a>>,
}

#[derive(Serialize)]
struct MethodJson {
    name: &'static str,
    exact: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    nodes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    epsilon: Option<f64>,
}

impl MethodJson {
    fn new(method: Method) -> MethodJson {
        match method {
            Method::Enumeration => MethodJson { name: "enumeration", exact: true, nodes: None, epsilon: None },
            Method::Additive => MethodJson { name: "additive", exact: true, nodes: None, epsilon: None },
            Method::BranchAndBound { exact, nodes, epsilon } => {
                MethodJson { name: "branch-and-bound", exact, nodes: Some(nodes), epsilon: Some(epsilon) }
            }
        }
    }
}

/// The `analyze --json` object, serialised straight to the writer.
pub(crate) struct AnalysisJson<'a> {
    loaded: &'a LoadedScenario,
    analysis: &'a Analysis,
}

impl<'a> AnalysisJson<'a> {
    pub(crate) fn new(loaded: &'a LoadedScenario, analysis: &'a Analysis) -> Self {
        AnalysisJson { loaded, analysis }
    }
}

impl Serialize for AnalysisJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = &self.loaded.scenario;
        let analysis = self.analysis;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("scenario", &s.name)?;
        map.serialize_entry("actors", &analysis.actors.iter().map(|&a| &s.actors[a].name).collect::<Vec<_>>())?;
        map.serialize_entry("actor_ids", &analysis.actors.iter().map(|&a| &s.actors[a].id).collect::<Vec<_>>())?;
        let issues: Vec<IssueJson<'_>> = s
            .issues
            .iter()
            .zip(&analysis.space.levels)
            .map(|(i, &levels)| IssueJson { id: &i.id, name: &i.name, levels })
            .collect();
        map.serialize_entry("issues", &issues)?;
        map.serialize_entry("n_outcomes", &analysis.n_outcomes)?;
        map.serialize_entry("method", &MethodJson::new(analysis.method))?;
        map.serialize_entry("pareto", &Points { scenario: s, points: &analysis.frontier })?;
        for (key, _) in SOLUTIONS {
            let value =
                solution(analysis, key).map(|sol| PointJson { scenario: s, point: &sol.point, solution: Some(sol) });
            map.serialize_entry(key, &value)?;
        }
        let zopas = ZopasJson {
            at_table: analysis.zopa_table.as_ref().map(|z| ZopaJson::new(s, z)),
            with_vetoes: analysis.zopa_veto.as_ref().map(|z| ZopaJson::new(s, z)),
        };
        map.serialize_entry("zopa", &zopas)?;
        map.serialize_entry("notes", &analysis.notes)?;
        map.serialize_entry("warnings", &self.loaded.warnings.iter().map(|w| &w.message).collect::<Vec<_>>())?;
        map.end()
    }
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
