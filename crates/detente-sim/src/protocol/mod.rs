//! The protocols: who acts when, and how a negotiation ends.
//!
//! - [`sao`]: bilateral alternating offers, as NegMAS' `SAOMechanism`.
//! - `multilateral`: stacked alternating offers for any number of parties.
//! - `mediated`: a single negotiation text.
//!
//! Every protocol has the same entry point, `run(arena, deadline,
//! negotiators, seed, record)`; [`negotiate`] dispatches on [`Protocol`].

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::arena::{Arena, OutcomeId};
use crate::negotiator::Negotiator;
use crate::trace::Trace;

pub mod mediated;
pub mod multilateral;
pub mod sao;

/// How the parties interact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// Bilateral alternating offers (Rubinstein; NegMAS' SAO): one party
    /// offers, the other accepts, rejects (and counter-offers) or walks away.
    Sao,
    /// Stacked alternating offers for any number of parties (Aydoğan et al.
    /// 2017): each party in turn offers; the offer stands only if every other
    /// party accepts it in turn.
    Multilateral,
    /// A single negotiation text (Raiffa; Klein et al. 2003): a mediator
    /// proposes texts and every party votes; see `mediated`.
    Mediated,
}

/// When a negotiation runs out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deadline {
    /// After this many rounds (a round: every party acts once as proposer,
    /// or the mediator proposes once).
    Rounds(u32),
}

/// How a negotiation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Ending {
    Agreement,
    /// The deadline passed without agreement.
    Timeout,
    /// A party ended the negotiation.
    WalkAway {
        by: usize,
    },
}

/// The result of one negotiation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NegotiationResult {
    pub ending: Ending,
    pub agreement: Option<OutcomeId>,
    /// Per party: the agreement's utility, discounted by the time it was
    /// reached, or the reservation value without agreement.
    pub utilities: Vec<f64>,
    /// Steps taken (one step: one action by one party).
    pub steps: u32,
    pub rounds: u32,
    /// Relative time at the end, in `[0, 1]`.
    pub time: f64,
    pub trace: Option<Trace>,
}

/// Why a negotiation could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProtocolError {
    #[error("the protocol needs {expected} negotiators, one per party, but got {got}")]
    WrongParties { expected: usize, got: usize },
    #[error("bilateral alternating offers take exactly two parties, not {0}; use the multilateral protocol")]
    NotBilateral(usize),
    #[error("a deadline of 0 rounds leaves no time to negotiate")]
    NoTime,
    #[error("negotiator `{name}` offered outcome {outcome}, outside the {n_outcomes} outcomes of the space")]
    InvalidOffer { name: String, outcome: u32, n_outcomes: u32 },
}

/// Party `index`'s generator: ChaCha8 seeded with `seed`, on stream `index`.
pub fn party_rng(seed: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64);
    rng
}

/// Each party's payoff: the agreement's utility discounted at time `time`,
/// or every party's reservation value without agreement.
pub fn payoffs(arena: &Arena, agreement: Option<OutcomeId>, time: f64) -> Vec<f64> {
    arena
        .parties
        .iter()
        .map(|p| match agreement {
            Some(o) => p.utility(o) * p.discount.map_or(1.0, |d| d.powf(time)),
            None => p.reservation,
        })
        .collect()
}

/// Runs one negotiation: `negotiators[i]` acts for `arena.parties[i]`.
/// Party `i` draws from a ChaCha8 generator seeded with `seed` on stream `i`
/// (a mediator on stream `n`), so the run is reproducible from its inputs.
/// With `record`, the result carries the whole [`Trace`].
pub fn negotiate(
    arena: &Arena,
    protocol: Protocol,
    deadline: Deadline,
    negotiators: &mut [Box<dyn Negotiator>],
    seed: u64,
    record: bool,
) -> Result<NegotiationResult, ProtocolError> {
    match protocol {
        Protocol::Sao => sao::run(arena, deadline, negotiators, seed, record),
        Protocol::Multilateral => multilateral::run(arena, deadline, negotiators, seed, record),
        Protocol::Mediated => mediated::run(arena, deadline, negotiators, seed, record),
    }
}
