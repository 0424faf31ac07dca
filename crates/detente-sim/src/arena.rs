//! The enumerated outcome space a negotiation runs on, and each party's view
//! of it.

use detente_core::{Outcome, OutcomeSpace, Scenario, UtilityTables};
use serde::Serialize;

/// The largest outcome space a negotiation enumerates: each party's table
/// costs 12 bytes per outcome (its utility and its place in the sorted
/// order), so 2²² outcomes and ten parties take about 500 MB.
pub const MAX_ARENA_OUTCOMES: u64 = 1 << 22;

/// An outcome, by its index in the space's mixed-radix numbering
/// ([`OutcomeSpace::outcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct OutcomeId(pub u32);

/// Why an arena cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ArenaError {
    #[error(
        "the outcome space has {} outcomes, more than the {} a negotiation can enumerate; use a coarser `step` \
         or fewer levels",
        detente_core::numbers::power_of_ten(*.size, 3),
        detente_core::numbers::group_thousands(*.limit)
    )]
    TooLarge { size: f64, limit: u64 },
    #[error("actor index {0} is out of range")]
    UnknownActor(usize),
    #[error("a negotiation needs at least two parties, got {0}")]
    TooFewParties(usize),
}

/// One party's utilities over the whole space.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyView {
    /// The scenario's actor index.
    pub actor: usize,
    pub id: String,
    /// Utility of no agreement.
    pub reservation: f64,
    /// GENIUS-style discount factor, if any: u·dᵗ at relative time t.
    pub discount: Option<f64>,
    /// `utilities[o]`: the utility of outcome `o`.
    pub utilities: Vec<f64>,
    /// Every outcome, by decreasing utility (ties in outcome order).
    pub by_utility: Vec<OutcomeId>,
}

impl PartyView {
    /// The utility of an outcome (undiscounted).
    #[inline]
    pub fn utility(&self, outcome: OutcomeId) -> f64 {
        self.utilities[outcome.0 as usize]
    }

    /// The highest utility any outcome gives.
    pub fn best_utility(&self) -> f64 {
        self.by_utility.first().map_or(0.0, |&o| self.utility(o))
    }

    /// The lowest utility any outcome gives.
    pub fn worst_utility(&self) -> f64 {
        self.by_utility.last().map_or(0.0, |&o| self.utility(o))
    }

    /// The outcomes with utility at least `target`: a prefix of `by_utility`.
    pub fn at_least(&self, target: f64) -> &[OutcomeId] {
        let n = self.by_utility.partition_point(|&o| self.utility(o) >= target);
        &self.by_utility[..n]
    }

    /// The outcome whose utility is the lowest that still reaches `target`,
    /// or the best outcome when none reaches it: what a concession strategy
    /// offers at aspiration level `target`.
    pub fn nearest_at_least(&self, target: f64) -> OutcomeId {
        match self.at_least(target).last() {
            Some(&o) => o,
            None => self.by_utility[0],
        }
    }
}

/// The scenario's outcome space, enumerated once, with every party's view.
#[derive(Debug, Clone)]
pub struct Arena {
    pub space: OutcomeSpace,
    pub n_outcomes: u32,
    /// One view per negotiating party, in the order given to [`Arena::new`].
    pub parties: Vec<PartyView>,
}

impl Arena {
    /// Enumerates `scenario`'s outcomes for the given actors (scenario
    /// indices), who negotiate in this order.
    pub fn new(scenario: &Scenario, actors: &[usize]) -> Result<Arena, ArenaError> {
        if actors.len() < 2 {
            return Err(ArenaError::TooFewParties(actors.len()));
        }
        if let Some(&bad) = actors.iter().find(|&&a| a >= scenario.n_actors()) {
            return Err(ArenaError::UnknownActor(bad));
        }
        let space = OutcomeSpace::of(scenario);
        let n = match space.size() {
            Some(n) if n <= MAX_ARENA_OUTCOMES => n,
            _ => return Err(ArenaError::TooLarge { size: space.approximate_size(), limit: MAX_ARENA_OUTCOMES }),
        };
        let tables = UtilityTables::new(scenario, &space, actors);
        let mut utilities: Vec<Vec<f64>> = actors.iter().map(|_| Vec::with_capacity(n as usize)).collect();
        tables.evaluate_range(0, n, |row| {
            for (column, &u) in utilities.iter_mut().zip(row) {
                column.push(u);
            }
        });
        let parties = actors
            .iter()
            .zip(utilities)
            .map(|(&a, utilities)| {
                let mut by_utility: Vec<OutcomeId> = (0..n as u32).map(OutcomeId).collect();
                // Stable: equal utilities stay in outcome order.
                by_utility.sort_by(|&p, &q| utilities[q.0 as usize].total_cmp(&utilities[p.0 as usize]));
                let actor = &scenario.actors[a];
                PartyView {
                    actor: a,
                    id: actor.id.clone(),
                    reservation: actor.reservation,
                    discount: actor.discount.filter(|&d| d > 0.0 && d < 1.0),
                    utilities,
                    by_utility,
                }
            })
            .collect();
        Ok(Arena { space, n_outcomes: n as u32, parties })
    }

    /// The outcome's levels, one per issue.
    pub fn outcome(&self, id: OutcomeId) -> Outcome {
        self.space.outcome(u64::from(id.0))
    }

    /// Every party's utility of `outcome`, in party order.
    pub fn utilities(&self, outcome: OutcomeId) -> Vec<f64> {
        self.parties.iter().map(|p| p.utility(outcome)).collect()
    }
}
