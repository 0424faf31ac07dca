//! Every action of a negotiation, for replay, export and plots.

use serde::Serialize;

use crate::arena::OutcomeId;

/// What one party did at one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Offer,
    Accept,
    Reject,
    EndNegotiation,
    /// A mediator's proposal (single-text protocol).
    Propose,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceEntry {
    pub step: u32,
    /// Round: in alternating offers, one round is one offer by every party.
    pub round: u32,
    /// The acting party, or `None` for the mediator.
    pub party: Option<usize>,
    pub action: Action,
    pub outcome: Option<OutcomeId>,
    /// Every party's utility of `outcome` (undiscounted), in party order.
    pub utilities: Vec<f64>,
}

/// A negotiation's actions, in order.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Trace {
    pub entries: Vec<TraceEntry>,
}
