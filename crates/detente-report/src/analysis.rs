//! The `analyze --json` object: the outcome space, the Pareto frontier, the
//! bargaining solutions and the zones of possible agreement.
//!
//! The keys are a stable interface documented in the README; add keys, never
//! rename them.

use detente_core::space::issue_value;
use detente_core::{Analysis, IssueValue, Method, Point, Scenario, Solution, Warning, Zopa, ZopaEstimate};
use indexmap::IndexMap;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// The solutions in report order: (JSON key, display name).
pub const SOLUTIONS: [(&str, &str); 5] = [
    ("nash", "Nash bargaining solution"),
    ("weighted_nash", "Capability-weighted Nash solution"),
    ("kalai_smorodinsky", "Kalai–Smorodinsky solution"),
    ("egalitarian", "Egalitarian solution"),
    ("utilitarian", "Utilitarian solution (maximum welfare)"),
];

/// The solution a [`SOLUTIONS`] key names, if the analysis found one.
pub fn solution<'a>(analysis: &'a Analysis, key: &str) -> Option<&'a Solution> {
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
#[derive(Debug)]
pub struct PointJson<'a> {
    scenario: &'a Scenario,
    point: &'a Point,
    solution: Option<&'a Solution>,
}

impl<'a> PointJson<'a> {
    /// A solution as `analyze --json` writes it: its point, score and ties.
    pub fn solution(scenario: &'a Scenario, solution: &'a Solution) -> Self {
        PointJson { scenario, point: &solution.point, solution: Some(solution) }
    }
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
#[derive(Debug)]
pub struct Points<'a> {
    scenario: &'a Scenario,
    points: &'a [Point],
}

impl<'a> Points<'a> {
    /// `points` (a frontier) as `analyze --json` writes them.
    pub fn new(scenario: &'a Scenario, points: &'a [Point]) -> Self {
        Points { scenario, points }
    }
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

/// A zone of agreement estimated from uniform samples (`zopa_estimate`),
/// where `zopa` is `null` because it cannot be counted.
#[derive(Serialize)]
struct ZopaEstimateJson<'a> {
    actors: Vec<&'a str>,
    samples: u64,
    seed: u64,
    /// Samples acceptable to every actor.
    hits: u64,
    share: f64,
    /// 95% Wilson score interval of `share`.
    share_low: f64,
    share_high: f64,
    /// `share` × `n_outcomes`, a float.
    size: f64,
    /// Actor name → share of the space that actor alone blocks (estimated).
    blocked_by_share: IndexMap<&'a str, f64>,
}

impl<'a> ZopaEstimateJson<'a> {
    fn new(s: &'a Scenario, estimate: &ZopaEstimate) -> ZopaEstimateJson<'a> {
        ZopaEstimateJson {
            actors: estimate.actors.iter().map(|&a| s.actors[a].name.as_str()).collect(),
            samples: estimate.samples,
            seed: estimate.seed,
            hits: estimate.hits,
            share: estimate.share,
            share_low: estimate.share_low,
            share_high: estimate.share_high,
            size: estimate.size,
            blocked_by_share: estimate
                .actors
                .iter()
                .zip(&estimate.blocked_by_share)
                .map(|(&a, &share)| (s.actors[a].name.as_str(), share))
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct ZopaEstimatesJson<'a> {
    at_table: Option<ZopaEstimateJson<'a>>,
    with_vetoes: Option<ZopaEstimateJson<'a>>,
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
#[derive(Debug)]
pub struct AnalysisJson<'a> {
    scenario: &'a Scenario,
    analysis: &'a Analysis,
    warnings: &'a [Warning],
}

impl<'a> AnalysisJson<'a> {
    /// The analysis of `scenario`, with the warnings its loading gave.
    pub fn new(scenario: &'a Scenario, analysis: &'a Analysis, warnings: &'a [Warning]) -> Self {
        AnalysisJson { scenario, analysis, warnings }
    }
}

impl Serialize for AnalysisJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = self.scenario;
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
        let estimates = ZopaEstimatesJson {
            at_table: analysis.zopa_table_estimate.as_ref().map(|e| ZopaEstimateJson::new(s, e)),
            with_vetoes: analysis.zopa_veto_estimate.as_ref().map(|e| ZopaEstimateJson::new(s, e)),
        };
        map.serialize_entry("zopa_estimate", &estimates)?;
        map.serialize_entry("notes", &analysis.notes)?;
        map.serialize_entry("warnings", &self.warnings.iter().map(|w| &w.message).collect::<Vec<_>>())?;
        map.end()
    }
}
