//! How well a negotiation went: the measures of the ANAC and ANL
//! competitions, per negotiation and per party.
//!
//! Per party: its utility (the agreement's, discounted by the time it was
//! reached; its reservation value without agreement) and its advantage, the
//! utility less the reservation value. Per negotiation: whether it ended in
//! agreement and how, the steps and rounds it took, the social welfare (the
//! sum of the parties' utilities), and the Euclidean distance, in the
//! parties' utility space, from the agreement to the Nash point and to the
//! nearest point of the Pareto frontier. Without agreement the distances are
//! those of the reservation vector, the point the parties are left at.
//!
//! The frontier and the Nash point come from [`detente_core::analyze`] of the
//! same actors in the same order, computed once per scenario
//! ([`Reference`]) and shared by every negotiation on it. Like the frontier,
//! distances use undiscounted utilities: a discounted agreement is measured
//! at the outcome agreed, while the party's own utility is discounted.

use std::collections::HashSet;

use detente_core::{AnalysisError, AnalysisOptions, Scenario, analyze};
use serde::{Deserialize, Serialize};

use crate::arena::Arena;
use crate::protocol::{Ending, NegotiationResult};

/// The reference points of a scenario for a set of negotiating parties: their
/// Pareto frontier and Nash point, in the parties' order.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The parties' actors (scenario indices), in party order.
    pub actors: Vec<usize>,
    /// The parties' reservation values.
    pub reservations: Vec<f64>,
    /// The utility vectors of the Pareto frontier (reservation values not
    /// applied), without repeats.
    pub frontier: Vec<Vec<f64>>,
    /// The Nash bargaining point (max Π (uᵢ − dᵢ) over the individually
    /// rational frontier), or `None` where no outcome is individually
    /// rational for every party.
    pub nash: Option<Vec<f64>>,
}

impl Reference {
    /// Analyses `scenario` for the given actors (scenario indices, in party
    /// order, as given to [`Arena::new`]).
    pub fn new(scenario: &Scenario, actors: &[usize]) -> Result<Reference, AnalysisError> {
        let options = AnalysisOptions { actors: Some(actors.to_vec()), ..AnalysisOptions::default() };
        let analysis = analyze(scenario, &options)?;
        // Enumeration lists every outcome of a frontier vector; one is enough.
        let mut seen = HashSet::with_capacity(analysis.frontier.len());
        let frontier: Vec<Vec<f64>> = analysis
            .frontier
            .into_iter()
            .map(|p| p.utilities)
            .filter(|u| seen.insert(u.iter().map(|x| x.to_bits()).collect::<Vec<u64>>()))
            .collect();
        Ok(Reference {
            actors: actors.to_vec(),
            reservations: actors.iter().map(|&a| scenario.actors[a].reservation).collect(),
            frontier,
            nash: analysis.solutions.nash.map(|s| s.point.utilities),
        })
    }

    /// The Euclidean distance from `utilities` to the Nash point.
    pub fn nash_distance(&self, utilities: &[f64]) -> Option<f64> {
        self.nash.as_deref().map(|nash| euclidean(utilities, nash))
    }

    /// The Euclidean distance from `utilities` to the nearest frontier point
    /// (zero on the frontier).
    pub fn pareto_distance(&self, utilities: &[f64]) -> f64 {
        self.frontier.iter().map(|p| euclidean(utilities, p)).fold(f64::INFINITY, f64::min)
    }
}

fn euclidean(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt()
}

/// How a negotiation ended, without the details of [`Ending`]; readable back
/// from results files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndingKind {
    Agreement,
    Timeout,
    WalkAway,
}

impl EndingKind {
    pub fn of(ending: &Ending) -> EndingKind {
        match ending {
            Ending::Agreement => EndingKind::Agreement,
            Ending::Timeout => EndingKind::Timeout,
            Ending::WalkAway { .. } => EndingKind::WalkAway,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EndingKind::Agreement => "agreement",
            EndingKind::Timeout => "timeout",
            EndingKind::WalkAway => "walk-away",
        }
    }
}

impl std::fmt::Display for EndingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One party's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyMetrics {
    /// The agreement's utility, discounted by the time it was reached; the
    /// reservation value without agreement.
    pub utility: f64,
    pub reservation: f64,
    /// `utility − reservation`: what the negotiation gained the party.
    pub advantage: f64,
}

/// The measures of one negotiation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NegotiationMetrics {
    pub ending: EndingKind,
    /// The party that walked away, for [`EndingKind::WalkAway`].
    pub walked_away_by: Option<usize>,
    pub agreement: bool,
    pub steps: u32,
    pub rounds: u32,
    /// Relative time at the end, in `[0, 1]`.
    pub time: f64,
    /// Per party, in party order.
    pub parties: Vec<PartyMetrics>,
    /// Σ utility over the parties.
    pub welfare: f64,
    /// Distance of the agreement's (undiscounted) utility vector, or of the
    /// reservation vector without agreement, to the Nash point; `None` when
    /// the scenario has no Nash point.
    pub nash_distance: Option<f64>,
    /// The same vector's distance to the nearest Pareto-optimal point.
    pub pareto_distance: f64,
}

/// Measures `result`, a negotiation on `arena` whose parties are those of
/// `reference`.
pub fn measure(reference: &Reference, arena: &Arena, result: &NegotiationResult) -> NegotiationMetrics {
    let parties: Vec<PartyMetrics> = result
        .utilities
        .iter()
        .zip(&arena.parties)
        .map(|(&utility, party)| PartyMetrics {
            utility,
            reservation: party.reservation,
            advantage: utility - party.reservation,
        })
        .collect();
    let point: Vec<f64> = match result.agreement {
        Some(outcome) => arena.utilities(outcome),
        None => arena.parties.iter().map(|p| p.reservation).collect(),
    };
    NegotiationMetrics {
        ending: EndingKind::of(&result.ending),
        walked_away_by: match result.ending {
            Ending::WalkAway { by } => Some(by),
            _ => None,
        },
        agreement: result.agreement.is_some(),
        steps: result.steps,
        rounds: result.rounds,
        time: result.time,
        welfare: parties.iter().map(|p| p.utility).sum(),
        parties,
        nash_distance: reference.nash_distance(&point),
        pareto_distance: reference.pareto_distance(&point),
    }
}
