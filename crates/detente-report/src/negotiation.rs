//! The `negotiate --json` object and the JSON trace of a negotiation
//! (`negotiate --trace FILE.json`), and what the CLI and the server share to
//! set a negotiation up: agent spec lists and protocol names.
//!
//! The keys are a stable interface documented in the README; add keys, never
//! rename them.

use detente_core::{Scenario, issue_value};
use detente_sim::metrics::{NegotiationMetrics, Reference};
use detente_sim::trace::{Action, Trace};
use detente_sim::{Arena, Ending, NegotiationResult, OutcomeId, Protocol};
use serde_json::{Map, Value, json};

/// `sao`, `multilateral`, `mediated`.
pub fn protocol_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Sao => "sao",
        Protocol::Multilateral => "multilateral",
        Protocol::Mediated => "mediated",
    }
}

/// The protocol [`protocol_name`] spells.
pub fn parse_protocol(text: &str) -> Option<Protocol> {
    [Protocol::Sao, Protocol::Multilateral, Protocol::Mediated].into_iter().find(|&p| protocol_name(p) == text)
}

/// `offer`, `accept`, `reject`, `end-negotiation`, `propose`.
pub fn action_name(a: Action) -> &'static str {
    match a {
        Action::Offer => "offer",
        Action::Accept => "accept",
        Action::Reject => "reject",
        Action::EndNegotiation => "end-negotiation",
        Action::Propose => "propose",
    }
}

/// A list of agent specs, split at the commas outside parentheses
/// (`time-based(e=0.5,x=1)+ac-next,linear` is two agents). An empty spec is
/// refused with its position, from 1.
pub fn split_specs(text: &str) -> Result<Vec<String>, usize> {
    let mut specs = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                specs.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    specs.push(current);
    let specs: Vec<String> = specs.into_iter().map(|s| s.trim().to_owned()).collect();
    match specs.iter().position(String::is_empty) {
        Some(k) => Err(k + 1),
        None => Ok(specs),
    }
}

/// One negotiation that ran, with everything its JSON reports.
#[derive(Debug, Clone, Copy)]
pub struct NegotiationView<'a> {
    pub scenario: &'a Scenario,
    /// Where the scenario came from: the CLI's file, the server's
    /// `scenarios/{id}/versions/{version}`.
    pub file: &'a str,
    pub arena: &'a Arena,
    pub reference: &'a Reference,
    pub agents: &'a [String],
    pub protocol: Protocol,
    pub rounds: u32,
    pub seed: u64,
    /// Run with its trace recorded.
    pub result: &'a NegotiationResult,
    pub metrics: &'a NegotiationMetrics,
}

impl<'a> NegotiationView<'a> {
    /// The recorded trace; empty if the negotiation ran without one.
    pub fn entries(&self) -> &'a [detente_sim::trace::TraceEntry] {
        self.result.trace.as_ref().map_or(&[], |t: &Trace| t.entries.as_slice())
    }

    pub fn actor_id(&self, party: usize) -> &'a str {
        &self.arena.parties[party].id
    }

    /// An outcome's issue values: (issue id, value as text), in issue order.
    pub fn values(&self, outcome: OutcomeId) -> Vec<(String, String)> {
        self.scenario
            .issues
            .iter()
            .zip(self.arena.outcome(outcome))
            .map(|(issue, l)| (issue.id.clone(), issue_value(issue, l).to_string()))
            .collect()
    }

    fn values_json(&self, outcome: OutcomeId) -> Value {
        Value::Object(self.values(outcome).into_iter().map(|(k, v)| (k, Value::String(v))).collect())
    }

    /// The `negotiate --json` object.
    pub fn to_json(&self) -> Value {
        let ending = match self.result.ending {
            Ending::Agreement => json!({ "kind": "agreement" }),
            Ending::Timeout => json!({ "kind": "timeout" }),
            Ending::WalkAway { by } => json!({ "kind": "walk-away", "by": by, "actor": self.actor_id(by) }),
        };
        let agreement = self.result.agreement.map(|o| self.values_json(o));
        let entries = self.entries();
        let parties: Vec<Value> = self
            .arena
            .parties
            .iter()
            .zip(&self.metrics.parties)
            .enumerate()
            .map(|(i, (p, m))| {
                json!({
                    "party": i,
                    "actor": p.id,
                    "agent": self.agents[i],
                    "utility": m.utility,
                    "outcome_utility": self.result.agreement.map(|o| p.utility(o)),
                    "reservation": m.reservation,
                    "advantage": m.advantage,
                    "offers": entries.iter().filter(|e| e.party == Some(i) && e.action == Action::Offer).count(),
                })
            })
            .collect();
        json!({
            "scenario": self.scenario.name,
            "file": self.file,
            "protocol": protocol_name(self.protocol),
            "rounds_limit": self.rounds,
            "seed": self.seed,
            "parties": parties,
            "ending": ending,
            "agreement": agreement,
            "steps": self.result.steps,
            "rounds": self.result.rounds,
            "time": self.result.time,
            "welfare": self.metrics.welfare,
            "nash_point": self.reference.nash,
            "nash_distance": self.metrics.nash_distance,
            "pareto_distance": self.metrics.pareto_distance,
            "actions": entries.len(),
        })
    }

    /// The trace as `negotiate --trace FILE.json` writes it: every action
    /// with its step, round, party (actor id; `null` for a mediator), the
    /// outcome's issue values and every party's utility of it.
    pub fn trace_json(&self) -> Value {
        let entries: Vec<Value> = self
            .entries()
            .iter()
            .map(|e| {
                let outcome = e.outcome.map(|o| self.values_json(o));
                let utilities: Map<String, Value> = if e.outcome.is_some() {
                    self.arena.parties.iter().zip(&e.utilities).map(|(p, &u)| (p.id.clone(), json!(u))).collect()
                } else {
                    Map::new()
                };
                json!({
                    "step": e.step,
                    "round": e.round,
                    "party": e.party.map(|p| self.actor_id(p)),
                    "action": action_name(e.action),
                    "outcome": outcome,
                    "utilities": utilities,
                })
            })
            .collect();
        let parties: Vec<Value> = (0..self.arena.parties.len())
            .map(|i| json!({ "actor": self.actor_id(i), "agent": self.agents[i] }))
            .collect();
        json!({
            "scenario": self.scenario.name,
            "protocol": protocol_name(self.protocol),
            "rounds_limit": self.rounds,
            "seed": self.seed,
            "parties": parties,
            "issues": self.scenario.issues.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            "entries": entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_specs_split_at_commas_outside_parentheses() {
        assert_eq!(split_specs("boulware, conceder"), Ok(vec!["boulware".to_owned(), "conceder".to_owned()]));
        assert_eq!(
            split_specs("time-based(e=0.5,x=1)+ac-next,linear"),
            Ok(vec!["time-based(e=0.5,x=1)+ac-next".to_owned(), "linear".to_owned()])
        );
        assert_eq!(split_specs("boulware,,linear"), Err(2));
    }

    #[test]
    fn protocol_names_parse_back() {
        for p in [Protocol::Sao, Protocol::Multilateral, Protocol::Mediated] {
            assert_eq!(parse_protocol(protocol_name(p)), Some(p));
        }
        assert_eq!(parse_protocol("auction"), None);
    }
}
